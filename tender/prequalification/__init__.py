"""Prequalification: the lead's setup, the vendors' requests to take part (with ESPD), the opening, the
assessment, the selection scores and the selection of the candidates invited to bid."""
