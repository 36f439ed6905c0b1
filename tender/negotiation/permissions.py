"""Who sees and runs the negotiation: the group that evaluates sees it, the lead runs it."""

from __future__ import annotations

from tender.tenders.models import Procedure
from tender.tenders.permissions import Rule, in_evaluation_group, is_lead

#: the tender is a competitive negotiation (other procedures have no negotiation: no links, refusals)
negotiation_procedure = Rule(
    "negotiation_procedure", lambda u, t, o, n: t.procedure is Procedure.COMPETITIVE_NEGOTIATION
)
#: the negotiation page and the rounds side by side: the group that evaluates
view_negotiation = in_evaluation_group.named("view_negotiation")
#: the reservation, the decision, meeting records, the reduction, the call: the lead
manage_negotiation = is_lead.named("manage_negotiation")
