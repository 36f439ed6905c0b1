"""A competitive negotiation that reaches the award with a vendor reduced on the way: three vendors bid and
are scored in round 1, C is let go at the reduction after it, A and B deliver revised bids in round 2 (opened
and scored: A first), and the recommendation on round 2 is frozen and approved by every bound municipality.
Built through the domains' own operations, for the unit, page and browser tests of the reduced vendor's
notice of award."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from tests.award_helpers import approved_recommendation
from tests.evaluation_helpers import AFTER, Setup
from tests.negotiation_helpers import call_round, decide_to_negotiate, negotiation_setup, score_round

#: the reason C is told at the reduction after round 1
REASON = "Lavest totalscore etter tildelingskriteriene i runde 1 (rangert som nr. 3)."
#: the revised prices and scores of round 2 (A first, B second)
ROUND_2_PRICES = {0: Decimal(700_000), 1: Decimal(650_000)}
ROUND_2_SCORES = {0: Decimal(9), 1: Decimal(5)}
#: a Monday in Oslo, after round 2's deadline (AFTER + 14 days): ten days later is an ordinary Thursday
ISSUED = datetime(2027, 1, 11, 9, 0, tzinfo=UTC)


def reduced_award(
    db: Any,
    create_tender: Any,
    add_member: Any,
    create_user: Any,
    clock: Any,
    *,
    names: tuple[str, str, str] | None = None,
) -> Setup:
    """The negotiation above, up to the approved recommendation; the clock at ``ISSUED``. Vendor C
    (``s.vendors[2]``) is the reduced one. ``names``: the three vendors' names (A, B, C) set before anything
    is built (marked names a test can look for)."""
    from tender.bids import operations as bid_ops
    from tender.negotiation import operations as neg

    s = negotiation_setup(db, create_tender, add_member, create_user, clock)
    if names is not None:
        for vendor, name in zip(s.vendors, names, strict=True):
            vendor.name = name
        db.session.commit()
    decide_to_negotiate(db, s)
    neg.reduce(
        s.tender,
        {s.vendors[2].id: REASON},
        note="Rangeringen etter de kunngjorte tildelingskriteriene; de to beste går videre.",
        at=AFTER,
        actor=s.lead,
    )
    db.session.commit()
    call_round(db, s)
    at = AFTER + timedelta(days=1)
    clock.set(at)
    for i in (0, 1):
        draft = bid_ops.bid_of(s.tender, s.vendors[i].id)
        prices = {(p.price_item_id, p.municipality_id): p.amount for p in draft.prices}
        prices[(s.items[0].id, None)] = ROUND_2_PRICES[i]
        bid_ops.save_draft(s.tender, draft, answers=[], prices=prices, at=at, actor=s.vendor_users[i])
        bid_ops.submit(s.tender, draft, at=at, actor=s.vendor_users[i])
    db.session.commit()
    late = AFTER + timedelta(days=14, seconds=1)
    clock.set(late)
    bid_ops.confirm_opening(s.tender, at=late, actor=s.lead)
    bid_ops.confirm_opening(s.tender, at=late, actor=s.evaluators[0])
    db.session.commit()
    score_round(db, s, {s.vendors[i].name: ROUND_2_SCORES[i] for i in (0, 1)})
    approved_recommendation(s.tender)
    db.session.commit()
    clock.set(ISSUED)
    return s
