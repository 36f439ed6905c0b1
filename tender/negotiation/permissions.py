"""Who sees and runs the negotiation: the group that evaluates sees it, the lead runs it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from tender.extensions import db
from tender.negotiation.models import Reduction, ReductionLeaving
from tender.tenders.models import Procedure, Tender
from tender.tenders.permissions import Rule, in_evaluation_group, is_lead, is_vendor_user

#: the tender is a competitive negotiation (other procedures have no negotiation: no links, refusals)
negotiation_procedure = Rule(
    "negotiation_procedure", lambda u, t, o, n: t.procedure is Procedure.COMPETITIVE_NEGOTIATION
)
#: the negotiation page and the rounds side by side: the group that evaluates
view_negotiation = in_evaluation_group.named("view_negotiation")
#: the reservation, the decision, meeting records, the reduction, the call: the lead
manage_negotiation = is_lead.named("manage_negotiation")


def _reduced(u: Any, t: Tender, o: Any, n: Any) -> bool:
    ids = t.vendor_ids_of(u)
    if not ids:
        return False
    found = db.session.scalar(
        select(ReductionLeaving.id)
        .join(Reduction, Reduction.id == ReductionLeaving.reduction_id)
        .where(Reduction.tender_id == t.id, ReductionLeaving.vendor_id.in_(list(ids)))
        .limit(1)
    )
    return found is not None


#: the letter about a reduction: the users of a vendor a reduction let go (their own company's letter only)
own_reduction_letter = (is_vendor_user & Rule("reduced_at_negotiation", _reduced)).named(
    "own_reduction_letter"
)
