"""Bid rounds (issue 13, point 4, the ground the negotiation builds on): a vendor has one bid per round, every
round is sealed and opened by two on its own, and "the bids" of every page are the current round's. The call
for revised bids itself is tender.negotiation's; here the round is entered as that call leaves it."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from tender.bids import operations as bid_ops
from tender.bids.models import Bid, BidOpening, BidRound, BidRoundVendor, RoundKind
from tender.bids.permissions import NOT_IN_ROUND, bids_opened, vendor_in_round
from tender.errors import DomainError
from tests.evaluation_helpers import AFTER, BEFORE, DEADLINE, open_all, setup_tender, submit_bid

SECOND = DEADLINE + timedelta(days=14)


@pytest.fixture
def s(db, create_tender, add_member, create_user, clock):
    s = setup_tender(db, create_tender, add_member, create_user)
    clock.set(BEFORE)
    submit_bid(db, s, 0)
    submit_bid(db, s, 1, one_off="900000")
    open_all(db, s, clock)
    return s


def _second_round(db, s, invited) -> None:
    """The tender as a call for revised bids leaves it: both rounds written, ``invited`` in round 2."""
    tender = s.tender
    db.session.add(BidRound(tender_id=tender.id, number=1, kind=RoundKind.INITIAL, deadline=DEADLINE))
    second = BidRound(tender_id=tender.id, number=2, kind=RoundKind.BAFO, deadline=SECOND)
    second.vendors = [BidRoundVendor(vendor_id=v.id) for v in invited]
    db.session.add(second)
    tender.current_round = 2
    tender.bid_deadline = SECOND
    db.session.commit()


def test_the_second_round_starts_without_bids_and_unopened_while_the_first_stays_as_opened(
    db, clock, s
) -> None:
    first = bid_ops.submitted_bids(s.tender)
    assert len(first) == 2 and bids_opened(s.lead, s.tender)
    _second_round(db, s, s.vendors[:2])
    clock.set(AFTER)
    assert bid_ops.submitted_bids(s.tender) == []
    assert bid_ops.bid_of(s.tender, s.vendors[0].id) is None
    assert bid_ops.opening_of(s.tender) is None
    assert not bids_opened(s.lead, s.tender)
    # the first round is kept as it was opened
    kept = db.session.scalars(select(Bid).where(Bid.tender_id == s.tender.id, Bid.round_no == 1)).all()
    assert sorted(b.id for b in kept) == sorted(b.id for b in first)
    assert db.session.scalar(select(BidOpening).where(BidOpening.round_no == 1)) is not None


def test_only_a_vendor_invited_to_the_round_may_bid_in_it(db, clock, s) -> None:
    _second_round(db, s, [s.vendors[0]])
    clock.set(AFTER)
    assert vendor_in_round(s.tender, {s.vendors[0].id})
    assert not vendor_in_round(s.tender, {s.vendors[1].id})
    with pytest.raises(DomainError) as refused:
        bid_ops.ensure_bid(s.tender, s.vendors[1], at=AFTER, actor=s.vendor_users[1])
    assert refused.value.message == NOT_IN_ROUND
    revised = bid_ops.ensure_bid(s.tender, s.vendors[0], at=AFTER, actor=s.vendor_users[0])
    assert revised.round_no == 2 and bid_ops.bid_of(s.tender, s.vendors[0].id) is revised


def test_the_second_round_needs_its_own_two_confirmations_and_its_record_lists_only_its_bids(
    db, clock, s
) -> None:
    _second_round(db, s, s.vendors[:2])
    clock.set(AFTER)
    submit_bid(db, s, 0, one_off="800000")
    # a late attempt of the first round is not the second round's
    clock.set(SECOND + timedelta(seconds=1))
    other = s.evaluators[0]
    assert bid_ops.confirm_opening(s.tender, at=SECOND + timedelta(seconds=1), actor=s.lead) is None
    opening = bid_ops.confirm_opening(s.tender, at=SECOND + timedelta(seconds=2), actor=other)
    assert opening is not None and opening.round_no == 2
    record = json.loads(opening.record_json)
    assert [b["organisasjonsnummer"] for b in record["bids"]] == [s.vendors[0].organisasjonsnummer]
    assert len(db.session.scalars(select(BidOpening).where(BidOpening.tender_id == s.tender.id)).all()) == 2


def test_a_late_attempt_is_counted_in_the_record_of_its_own_round(db, clock, s) -> None:
    # a vendor tries to deliver late in the first round: that attempt is the first round's
    bid_ops.record_late_attempt(s.tender, s.vendors[0], action="submit", at=AFTER, actor=s.vendor_users[0])
    db.session.commit()
    _second_round(db, s, s.vendors[:2])
    after = SECOND + timedelta(seconds=1)
    clock.set(after)
    bid_ops.record_late_attempt(s.tender, s.vendors[1], action="create", at=after, actor=s.vendor_users[1])
    db.session.commit()
    assert bid_ops.confirm_opening(s.tender, at=after, actor=s.lead) is None
    opening = bid_ops.confirm_opening(s.tender, at=after, actor=s.evaluators[0])
    late = json.loads(opening.record_json)["late_attempts"]
    assert [(a["organisasjonsnummer"], a["action"]) for a in late] == [
        (s.vendors[1].organisasjonsnummer, "create")
    ]


def test_a_vendor_left_out_of_the_round_may_no_longer_ask_questions(db, clock, s) -> None:
    from tender.questions import operations as questions
    from tender.questions.permissions import ask_questions

    _second_round(db, s, [s.vendors[0]])
    s.tender.questions_deadline = SECOND - timedelta(days=7)
    db.session.commit()
    clock.set(AFTER)
    assert ask_questions(s.vendor_users[0], s.tender) and not ask_questions(s.vendor_users[1], s.tender)
    with pytest.raises(DomainError):
        questions.ask(
            s.tender, s.vendors[1], text="Gjelder kravet fortsatt?", at=AFTER, actor=s.vendor_users[1]
        )
    asked = questions.ask(
        s.tender, s.vendors[0], text="Gjelder kravet fortsatt?", at=AFTER, actor=s.vendor_users[0]
    )
    assert asked.vendor_id == s.vendors[0].id
