"""Who may see and change the evaluation model (criteria, price schedule, settings) and lock it."""

from __future__ import annotations

from tender.tenders.permissions import in_evaluation_group, is_lead

#: the model, criteria and price schedule: the group that evaluates, not vendors or signers
view_evaluation_model = in_evaluation_group.named("view_evaluation_model")
#: changing and locking the model, and assigning evaluators to criteria: the lead
edit_evaluation_model = is_lead.named("edit_evaluation_model")
