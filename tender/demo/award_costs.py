"""The demo's cost split (for the ``awarded`` stage, on top of ``negotiated``): the Grenland group shares the
contract price by a fixed 20 % split equally among the six municipalities and the remaining 80 % by
population, through the award's cost operations as the page does.

All six Grenland municipalities are bound from the start, as in the tender documents, so the demo has no
option municipality. Had one been (a seventh municipality marked «Opsjonskommune» on the page
«Kostnadsfordeling og opsjonskommuner», with ``cost_operations.set_option``), it would stand in its own table
under the split, with its own per-municipality prices from the winning bid, sharing none of the common cost
and not signing off the award.

Demo data only. The integrator calls ``split_costs`` when building the ``awarded`` stage, inside that stage's
transaction and before the recommendation is frozen (the split is part of the frozen snapshot).
"""

from __future__ import annotations

from decimal import Decimal

from tender.award import cost_operations as costs
from tender.award.models import CostSplit, CostSplitKey
from tender.demo.stages import _lead
from tender.tenders.models import Tender

#: the share of the contract price split equally among the municipalities, in percent
FIXED_PERCENT = Decimal(20)


def split_costs(tender: Tender) -> CostSplit:
    """Choose the demo's key (fixed 20 % + population) as the lead; returns the stored split. Refused (a
    DomainError) when the recommendation is already frozen or the notices are issued."""
    return costs.set_key(
        tender,
        CostSplitKey.FIXED_PLUS_POPULATION,
        fixed_percent=FIXED_PERCENT,
        percents={},
        actor=_lead(),
    )
