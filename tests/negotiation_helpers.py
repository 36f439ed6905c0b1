"""Builders for the negotiation tests: a competitive negotiation whose first round is opened and scored."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from tests.evaluation_helpers import AFTER, Setup, open_all, setup_tender, submit_bid

#: the consensus score per vendor index on every quality criterion
SCORES = [Decimal(8), Decimal(6), Decimal(4)]
PRICES = ["1000000", "900000", "800000"]


def score_round(db: Any, s: Setup, scores: dict[str, Decimal] | None = None) -> None:
    """Open the consensus phase of the current round and give every opened bid its consensus scores (by
    vendor name, else by the vendor's index in SCORES)."""
    from tender.evaluation import operations as ev
    from tender.evaluation_model import operations as model_ops
    from tender.evaluation_model.models import Phase

    if model_ops.ensure_model(s.tender).phase is Phase.INDIVIDUAL:
        ev.open_consensus(s.tender, confirmed=True, actor=s.lead)
    for bid in ev.opened_bids(s.tender):
        index = [v.id for v in s.vendors].index(bid.vendor_id)
        value = (scores or {}).get(bid.vendor.name, SCORES[index])
        for leaf in model_ops.quality_leaves(s.tender):
            ev.save_consensus(
                s.tender,
                bid,
                leaf,
                score=value,
                justification="Samlet vurdering i evalueringsmøtet.",
                expected_version=None,
                actor=s.lead,
            )
    db.session.commit()


def negotiation_setup(db: Any, create_tender: Any, add_member: Any, create_user: Any, clock: Any) -> Setup:
    """Three vendors bid, the bids are opened by two and scored by consensus; the clock after the deadline."""
    s = setup_tender(db, create_tender, add_member, create_user, vendors=3)
    for i in range(3):
        submit_bid(db, s, i, one_off=PRICES[i])
    open_all(db, s, clock)
    score_round(db, s)
    return s


def decide_to_negotiate(db: Any, s: Setup) -> None:
    from tender.negotiation import operations as neg
    from tender.negotiation.models import NegotiationChoice

    neg.decide(
        s.tender,
        NegotiationChoice.NEGOTIATE,
        reason="Tilbudene kan forbedres på pris og løsning.",
        at=AFTER,
        actor=s.lead,
    )
    db.session.commit()


def call_round(db: Any, s: Setup, *, bafo: bool = False, days: int = 14) -> Any:
    from tender.negotiation import operations as neg

    found = neg.call_revised_bids(
        s.tender,
        neg.CallInput(
            deadline=AFTER + timedelta(days=days),
            message="Lever reviderte tilbud etter forhandlingsmøtene.",
            bafo=bafo,
        ),
        at=AFTER,
        actor=s.lead,
    )
    db.session.commit()
    return found
