"""Who may work on a bid, open the bids, and read bid content (sealed until the bid deadline)."""

from __future__ import annotations

from sqlalchemy import select

from tender.bids.models import BidOpening, BidRound, BidRoundVendor
from tender.extensions import db
from tender.prequalification.permissions import invited_to_bid
from tender.tenders.models import Tender
from tender.tenders.permissions import (
    Rule,
    deadline_passed,
    in_evaluation_group,
    in_opening_group,
    is_lead,
    is_vendor_user,
)

#: the refusal to a vendor not invited to the current round of revised bids
NOT_IN_ROUND = "Leverandøren er ikke invitert til å levere i denne tilbudsrunden."


def vendor_in_round(tender: Tender, vendor_ids: set[int] | list[int]) -> bool:
    """Whether one of ``vendor_ids`` may deliver in the tender's current round: every vendor in the first
    round, only those the call invited (``BidRoundVendor``) in a round of revised bids."""
    if tender.current_round == 1:
        return True
    if not vendor_ids:
        return False
    found = db.session.scalar(
        select(BidRoundVendor.id)
        .join(BidRound, BidRound.id == BidRoundVendor.round_id)
        .where(
            BidRound.tender_id == tender.id,
            BidRound.number == tender.current_round,
            BidRoundVendor.vendor_id.in_(list(vendor_ids)),
        )
    )
    return found is not None


#: the vendor's company is in the current bid round (always in the first; in later rounds if invited)
in_bid_round = Rule("in_bid_round", lambda u, t, o, n: vendor_in_round(t, t.vendor_ids_of(u)))
#: a vendor user works on their own company's bid only; in a prequalified tender only an invited candidate's,
#: in a round of revised bids only a vendor still in the competition
bid = (is_vendor_user & invited_to_bid & in_bid_round).named("bid")
#: the opening right: the lead, evaluators and observers confirm the opening after the deadline (two distinct
#: people, one of them a lead, unless the tender is set to one person; tender.bids.operations.confirm_opening)
confirm_opening = (in_opening_group & deadline_passed).named("confirm_opening")
#: the lead sets how many must confirm the opening (the operation refuses it after the deadline)
set_opening_persons = is_lead.named("set_opening_persons")
#: the bids page (the opening, and the bids once opened): the group that evaluates
view_bid_list = in_evaluation_group.named("view_bid_list")
#: bid content (pages, exports, files): the group that evaluates, after the deadline
view_bids = (in_evaluation_group & deadline_passed).named("view_bids")
#: the bids have been opened (the opening record exists)
bids_opened = Rule(
    "bids_opened",
    lambda u, t, o, n: (
        db.session.scalar(
            select(BidOpening.id).where(BidOpening.tender_id == t.id, BidOpening.round_no == t.current_round)
        )
        is not None
    ),
)
#: the bids themselves on the bids page: bid content may be seen and the bids have been opened
see_opened_bids = (view_bids & bids_opened).named("see_opened_bids")
