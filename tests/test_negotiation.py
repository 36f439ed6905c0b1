"""Negotiation rounds (issue 13, point 4), through the operations: the decision, meeting records, the
reduction with its letters, the call for revised bids and the new sealed round, opened by two and scored with
the frozen model; and the bad input each step refuses."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from tender.bids import operations as bid_ops
from tender.bids.models import Bid, BidRound, RoundKind
from tender.errors import DomainError
from tender.evaluation import operations as ev
from tender.evaluation_model import operations as model_ops
from tender.negotiation import operations as neg
from tender.negotiation.models import NegotiationChoice
from tender.tenders.models import Procedure, Role
from tests.evaluation_helpers import AFTER, BEFORE, DEADLINE
from tests.negotiation_helpers import call_round, decide_to_negotiate, negotiation_setup, score_round

NEW_DEADLINE = AFTER + timedelta(days=14)


def subject(message) -> str:
    from email.header import decode_header, make_header

    return str(make_header(decode_header(message["Subject"])))


def body(message) -> str:
    return message.get_payload(decode=True).decode("utf-8")


@pytest.fixture
def s(db, create_tender, add_member, create_user, clock):
    return negotiation_setup(db, create_tender, add_member, create_user, clock)


def meeting(s, index: int, info: str = "Ingen endringer i konkurransegrunnlaget.") -> neg.MeetingInput:
    return neg.MeetingInput(
        vendor_id=s.vendors[index].id,
        held_at=AFTER,
        our_attendees="Lena Leder, Evaluator 1",
        vendor_attendees=f"Selger {chr(65 + index)}",
        topics="Pris og implementeringsplan",
        vendor_told="Prisen for drift er høy sammenlignet med markedet.",
        documents_info=info,
    )


def test_the_lead_decides_to_negotiate_once_the_first_round_is_scored_and_the_decision_is_recorded(
    db, s
) -> None:
    decide_to_negotiate(db, s)
    found = neg.negotiation_of(s.tender)
    assert found.decision is NegotiationChoice.NEGOTIATE and found.decided_by_name == s.lead.name
    with pytest.raises(DomainError, match="allerede besluttet"):
        neg.decide(s.tender, NegotiationChoice.NEGOTIATE, reason="igjen", at=AFTER, actor=s.lead)


def test_awarding_on_the_initial_bids_needs_the_reservation_in_the_announcement(db, s, clock) -> None:
    with pytest.raises(DomainError, match="forbeholdt ikke"):
        neg.decide(s.tender, NegotiationChoice.AWARD_INITIAL, reason="Godt nok", at=AFTER, actor=s.lead)
    # the reservation is the announcement's: frozen once the first deadline has passed
    with pytest.raises(DomainError, match="Tilbudsfristen er ute"):
        neg.set_reservation(s.tender, True, at=AFTER, actor=s.lead)


def test_the_reservation_set_before_the_deadline_allows_the_award_on_the_initial_bids(
    db, create_tender, add_member, create_user, clock
) -> None:
    from tests.evaluation_helpers import open_all, setup_tender, submit_bid

    s = setup_tender(db, create_tender, add_member, create_user, vendors=2)
    neg.set_reservation(s.tender, True, at=BEFORE, actor=s.lead)
    for i in range(2):
        submit_bid(db, s, i)
    with pytest.raises(DomainError, match="ikke åpnet"):
        neg.decide(s.tender, NegotiationChoice.AWARD_INITIAL, reason="x", at=BEFORE, actor=s.lead)
    open_all(db, s, clock)
    with pytest.raises(DomainError, match="konsensuspoeng mangler"):
        neg.decide(s.tender, NegotiationChoice.AWARD_INITIAL, reason="x", at=AFTER, actor=s.lead)
    score_round(db, s)
    neg.decide(
        s.tender, NegotiationChoice.AWARD_INITIAL, reason="Tilbudene er gode nok.", at=AFTER, actor=s.lead
    )
    db.session.commit()
    with pytest.raises(DomainError, match="ikke besluttet å forhandle"):
        neg.record_meeting(s.tender, meeting(s, 0), at=AFTER, actor=s.lead)


def test_a_meeting_is_recorded_per_vendor_and_refused_for_a_vendor_no_longer_in_the_competition(
    db, s
) -> None:
    decide_to_negotiate(db, s)
    recorded = neg.record_meeting(s.tender, meeting(s, 0), at=AFTER, actor=s.lead)
    db.session.commit()
    assert recorded.round_no == 1 and recorded.vendor.name == "Leverandør A AS"
    # a rejected bid's vendor is out of the competition
    bids = {b.vendor_id: b for b in ev.opened_bids(s.tender)}
    ev.reject_bid(s.tender, bids[s.vendors[2].id], reason="Oppfyller ikke minstekrav 1.", actor=s.lead)
    db.session.commit()
    with pytest.raises(DomainError, match="ikke lenger med i konkurransen"):
        neg.record_meeting(s.tender, meeting(s, 2), at=AFTER, actor=s.lead)
    with pytest.raises(DomainError, match="hvilke temaer"):
        neg.record_meeting(
            s.tender,
            neg.MeetingInput(**{**meeting(s, 1).__dict__, "topics": "  "}),
            at=AFTER,
            actor=s.lead,
        )
    with pytest.raises(DomainError, match="fremtiden"):
        neg.record_meeting(
            s.tender,
            neg.MeetingInput(**{**meeting(s, 1).__dict__, "held_at": AFTER + timedelta(days=1)}),
            at=AFTER,
            actor=s.lead,
        )
    # the meeting negotiates the opened bids: dated before the opening, it is refused
    with pytest.raises(DomainError, match="før tilbudene i runde 1 ble åpnet"):
        neg.record_meeting(
            s.tender,
            neg.MeetingInput(**{**meeting(s, 1).__dict__, "held_at": AFTER - timedelta(days=1)}),
            at=AFTER,
            actor=s.lead,
        )


def test_different_information_about_the_tender_documents_warns_and_must_be_acknowledged_before_a_call(
    db, s
) -> None:
    decide_to_negotiate(db, s)
    neg.record_meeting(
        s.tender, meeting(s, 0, "Frist for oppstart flyttes til mars."), at=AFTER, actor=s.lead
    )
    neg.record_meeting(
        s.tender, meeting(s, 1, "frist for  oppstart flyttes til mars."), at=AFTER, actor=s.lead
    )
    db.session.commit()
    assert neg.information_difference(s.tender) is None  # the same, whitespace and case aside
    neg.record_meeting(s.tender, meeting(s, 2, "Ingen endringer."), at=AFTER, actor=s.lead)
    db.session.commit()
    found = neg.information_difference(s.tender)
    assert found is not None and found.acknowledged is None
    assert found.given["Leverandør C AS"] == ["Ingen endringer."]
    with pytest.raises(DomainError, match="ulik informasjon"):
        call_round(db, s)
    with pytest.raises(DomainError, match="hvorfor"):
        neg.acknowledge_difference(s.tender, reason=" ", at=AFTER, actor=s.lead)
    neg.acknowledge_difference(
        s.tender, reason="C fikk beskjeden skriftlig dagen etter.", at=AFTER, actor=s.lead
    )
    db.session.commit()
    assert neg.information_difference(s.tender).acknowledged is not None
    call_round(db, s)
    assert s.tender.current_round == 2


def test_the_reduction_records_reasons_per_vendor_and_mails_those_leaving(db, s, app, smtp_server) -> None:
    port, received = smtp_server
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    try:
        decide_to_negotiate(db, s)
        ranked = neg.ranking(s.tender)
        assert [r.vendor.name for r in ranked][0] == "Leverandør A AS" and ranked[0].rank == 1
        with pytest.raises(DomainError, match="begrunnelsen for hver"):
            neg.reduce(s.tender, {s.vendors[2].id: " "}, note="Lavest totalscore.", at=AFTER, actor=s.lead)
        with pytest.raises(DomainError, match="Minst én"):
            neg.reduce(
                s.tender, {v.id: "ut" for v in s.vendors}, note="Lavest totalscore.", at=AFTER, actor=s.lead
            )
        reduction = neg.reduce(
            s.tender,
            {s.vendors[2].id: "Lavest totalscore etter tildelingskriteriene (rangert som nr. 3)."},
            note="Rangeringen etter de kunngjorte tildelingskriteriene; de to beste går videre.",
            at=AFTER,
            actor=s.lead,
        )
        db.session.commit()
    finally:
        app.config.update(MAIL_SERVER="")
    assert [r.vendor.name for r in reduction.leaving] == ["Leverandør C AS"]
    assert [v.name for v in neg.in_competition(s.tender)] == ["Leverandør A AS", "Leverandør B AS"]
    letters = [m for m in received if "går ikke videre" in subject(m)]
    assert len(letters) == 1 and letters[0]["To"] == s.vendor_users[2].email
    assert "rangert som nr. 3" in body(letters[0])
    with pytest.raises(DomainError, match="ikke lenger med"):
        neg.record_meeting(s.tender, meeting(s, 2), at=AFTER, actor=s.lead)
    with pytest.raises(DomainError, match="allerede redusert"):
        neg.reduce(s.tender, {s.vendors[1].id: "x"}, note="y", at=AFTER, actor=s.lead)


def test_a_call_writes_both_rounds_and_gives_each_vendor_left_a_copied_draft_in_the_new_round(
    db, s, app, smtp_server
) -> None:
    port, received = smtp_server
    decide_to_negotiate(db, s)
    neg.reduce(
        s.tender, {s.vendors[2].id: "Lavest rangert."}, note="Etter rangeringen.", at=AFTER, actor=s.lead
    )
    first = {b.vendor_id: b for b in ev.opened_bids(s.tender)}
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    try:
        neg.call_revised_bids(
            s.tender,
            neg.CallInput(
                deadline=NEW_DEADLINE,
                message="Lever reviderte tilbud.",
                bafo=False,
                questions_deadline=AFTER + timedelta(days=7),
            ),
            at=AFTER,
            actor=s.lead,
        )
        db.session.commit()
    finally:
        app.config.update(MAIL_SERVER="")
    rounds = {r.number: r for r in db.session.scalars(db.select(BidRound).where(BidRound.tender_id == s.id))}
    assert rounds[1].kind is RoundKind.INITIAL and rounds[1].deadline == DEADLINE
    assert rounds[2].kind is RoundKind.REVISED and rounds[2].deadline == NEW_DEADLINE
    assert sorted(v.vendor.name for v in rounds[2].vendors) == ["Leverandør A AS", "Leverandør B AS"]
    assert s.tender.current_round == 2 and s.tender.bid_deadline == NEW_DEADLINE
    assert s.tender.questions_deadline == AFTER + timedelta(days=7)
    drafts = db.session.scalars(db.select(Bid).where(Bid.tender_id == s.id, Bid.round_no == 2)).all()
    assert sorted(d.vendor.name for d in drafts) == ["Leverandør A AS", "Leverandør B AS"]
    for draft in drafts:
        old = first[draft.vendor_id]
        assert not draft.is_submitted
        assert {(a.requirement_key, a.fulfilled) for a in draft.answers} == {
            (a.requirement_key, a.fulfilled) for a in old.answers
        }
        assert {(p.price_item_id, p.municipality_id, p.amount) for p in draft.prices} == {
            (p.price_item_id, p.municipality_id, p.amount) for p in old.prices
        }
        assert draft.spec_version_id == bid_ops.published_version(s.tender).id
    invitations = [m for m in received if "invitasjon" in subject(m)]
    assert sorted(m["To"] for m in invitations) == sorted(u.email for u in s.vendor_users[:2])
    # earlier rounds stay as they were; the rounds list names both, the second the final one
    assert [r.number for r in neg.rounds_of(s.tender)] == [1, 2]
    assert neg.final_round(s.tender).number == 2 and not neg.final_round(s.tender).opened


def test_the_revised_round_is_sealed_opened_by_two_and_scored_with_the_frozen_model(db, s, clock) -> None:
    decide_to_negotiate(db, s)
    call_round(db, s)
    frozen = model_ops.model_of(s.tender).frozen_at
    clock.set(AFTER + timedelta(days=1))
    at = clock.at
    vendor = s.vendors[1]
    draft = bid_ops.bid_of(s.tender, vendor.id)
    prices = {(p.price_item_id, p.municipality_id): p.amount for p in draft.prices}
    prices[(s.items[0].id, None)] = Decimal(500000)
    bid_ops.save_draft(s.tender, draft, answers=[], prices=prices, at=at, actor=s.vendor_users[1])
    bid_ops.submit(s.tender, draft, at=at, actor=s.vendor_users[1])
    for i in (0, 2):
        mine = bid_ops.bid_of(s.tender, s.vendors[i].id)
        bid_ops.submit(s.tender, mine, at=at, actor=s.vendor_users[i])
    db.session.commit()
    # sealed: before the new deadline no one of the group may read the round's bids, none is opened
    assert s.tender.bids_sealed(at) and ev.opened_bids(s.tender) == []
    with pytest.raises(DomainError, match="før tilbudsfristen er ute"):
        bid_ops.confirm_opening(s.tender, at=at, actor=s.lead)
    # after the new deadline: a revised bid is refused, the opening takes two
    late = NEW_DEADLINE + timedelta(seconds=1)
    clock.set(late)
    with pytest.raises(bid_ops.LateBid):
        bid_ops.save_draft(s.tender, draft, answers=[], prices=prices, at=late, actor=s.vendor_users[1])
    assert bid_ops.confirm_opening(s.tender, at=late, actor=s.lead) is None
    opening = bid_ops.confirm_opening(s.tender, at=late, actor=s.evaluators[0])
    db.session.commit()
    assert opening is not None and opening.round_no == 2
    assert len(bid_ops.opening_record(opening).bids) == 3
    assert model_ops.model_of(s.tender).frozen_at == frozen
    score_round(db, s)
    second = {r.vendor.name: r for r in neg.ranking(s.tender)}
    first = {r.vendor.name: r for r in neg.ranking(s.tender, 1)}
    assert second["Leverandør B AS"].price < first["Leverandør B AS"].price
    assert first["Leverandør B AS"].total is not None and second["Leverandør B AS"].total is not None
    assert second["Leverandør B AS"].total > first["Leverandør B AS"].total
    assert neg.round_not_evaluated(s.tender) is None
    assert [r.opened for r in neg.rounds_of(s.tender)] == [True, True]


def test_a_vendor_not_invited_to_the_new_round_can_neither_create_nor_submit_a_bid_in_it(
    db, s, clock
) -> None:
    decide_to_negotiate(db, s)
    neg.reduce(
        s.tender, {s.vendors[2].id: "Lavest rangert."}, note="Etter rangeringen.", at=AFTER, actor=s.lead
    )
    call_round(db, s)
    at = AFTER + timedelta(days=1)
    with pytest.raises(DomainError, match="ikke invitert"):
        bid_ops.ensure_bid(s.tender, s.vendors[2], at=at, actor=s.vendor_users[2])
    old = db.session.scalar(db.select(Bid).where(Bid.tender_id == s.id, Bid.vendor_id == s.vendors[2].id))
    with pytest.raises(DomainError):
        bid_ops.submit(s.tender, old, at=at, actor=s.vendor_users[2])


def test_a_call_is_refused_with_a_past_deadline_without_a_decision_or_with_a_bad_questions_deadline(
    db, s
) -> None:
    past = neg.CallInput(deadline=AFTER - timedelta(hours=1), message="m", bafo=False)
    with pytest.raises(DomainError, match="ikke besluttet å forhandle"):
        neg.call_revised_bids(s.tender, past, at=AFTER, actor=s.lead)
    decide_to_negotiate(db, s)
    with pytest.raises(DomainError, match="frem i tid"):
        neg.call_revised_bids(s.tender, past, at=AFTER, actor=s.lead)
    late_questions = neg.CallInput(
        deadline=NEW_DEADLINE, message="m", bafo=False, questions_deadline=NEW_DEADLINE + timedelta(days=1)
    )
    with pytest.raises(DomainError, match="spørsmålsfristen"):
        neg.call_revised_bids(s.tender, late_questions, at=AFTER, actor=s.lead)
    assert s.tender.current_round == 1 and s.tender.bid_deadline == DEADLINE


def test_a_call_before_the_round_is_scored_is_refused(
    db, create_tender, add_member, create_user, clock
) -> None:
    from tests.evaluation_helpers import open_all, setup_tender, submit_bid

    s = setup_tender(db, create_tender, add_member, create_user, vendors=2)
    for i in range(2):
        submit_bid(db, s, i)
    open_all(db, s, clock)
    with pytest.raises(DomainError, match="konsensuspoeng mangler"):
        neg.decide(s.tender, NegotiationChoice.NEGOTIATE, reason="x", at=AFTER, actor=s.lead)


def test_a_tender_of_another_procedure_has_no_negotiation(db, s) -> None:
    s.tender.procedure = Procedure.OPEN
    db.session.commit()
    for attempt in (
        lambda: neg.decide(s.tender, NegotiationChoice.NEGOTIATE, reason="x", at=AFTER, actor=s.lead),
        lambda: neg.set_reservation(s.tender, True, at=BEFORE, actor=s.lead),
        lambda: call_round(db, s),
        lambda: neg.record_meeting(s.tender, meeting(s, 0), at=AFTER, actor=s.lead),
    ):
        with pytest.raises(DomainError, match="ikke en konkurranse med forhandling"):
            attempt()


def test_after_a_bafo_no_further_round_can_be_called(db, s, clock) -> None:
    decide_to_negotiate(db, s)
    call_round(db, s, bafo=True)
    at = AFTER + timedelta(days=1)
    clock.set(at)
    for i in range(3):
        bid_ops.submit(s.tender, bid_ops.bid_of(s.tender, s.vendors[i].id), at=at, actor=s.vendor_users[i])
    late = NEW_DEADLINE + timedelta(seconds=1)
    clock.set(late)
    bid_ops.confirm_opening(s.tender, at=late, actor=s.lead)
    bid_ops.confirm_opening(s.tender, at=late, actor=s.evaluators[0])
    db.session.commit()
    score_round(db, s)
    assert neg.final_round(s.tender).kind is RoundKind.BAFO
    with pytest.raises(DomainError, match="siste runden"):
        neg.call_revised_bids(
            s.tender,
            neg.CallInput(deadline=late + timedelta(days=7), message="Igjen", bafo=False),
            at=late,
            actor=s.lead,
        )
    with pytest.raises(DomainError, match="BAFO"):
        neg.record_meeting(s.tender, meeting(s, 0), at=late, actor=s.lead)


def test_the_rounds_page_shows_each_opened_round_side_by_side_with_totals_prices_scores_and_ranks(
    db, s, clock, client, login_as
) -> None:
    decide_to_negotiate(db, s)
    neg.reduce(s.tender, {s.vendors[0].id: "Dyrest."}, note="Etter rangeringen.", at=AFTER, actor=s.lead)
    call_round(db, s, bafo=True)
    base = f"/konkurranser/{s.id}/forhandling/runder"
    login_as(s.evaluators[0])
    page = client.get(base).get_data(as_text=True)
    assert "Runde 2" in page and "ikke åpnet (forseglet)" in page
    at = AFTER + timedelta(days=1)
    clock.set(at)
    for i in (1, 2):
        draft = bid_ops.bid_of(s.tender, s.vendors[i].id)
        prices = {(p.price_item_id, p.municipality_id): p.amount for p in draft.prices}
        prices[(s.items[0].id, None)] = Decimal(400_000 + 100_000 * i)
        bid_ops.save_draft(s.tender, draft, answers=[], prices=prices, at=at, actor=s.vendor_users[i])
        bid_ops.submit(s.tender, draft, at=at, actor=s.vendor_users[i])
    late = NEW_DEADLINE + timedelta(seconds=1)
    clock.set(late)
    bid_ops.confirm_opening(s.tender, at=late, actor=s.lead)
    bid_ops.confirm_opening(s.tender, at=late, actor=s.evaluators[0])
    db.session.commit()
    score_round(db, s, {"Leverandør B AS": Decimal(5), "Leverandør C AS": Decimal(7)})
    login_as(s.evaluators[0])  # two weeks later: a new session
    page = client.get(base).get_data(as_text=True)
    table = page.split('id="side-om-side"')[1]
    # both rounds' columns, the first vendor only in round 1, the BAFO round marked as the last
    assert table.count("Runde 1") == 1 and table.count("Runde 2") == 1
    assert "Ikke med i runden" in table and "Runde 2: Endelige tilbud (BAFO)" in page
    rows = {r.vendor.name: r for r in neg.ranking(s.tender)}
    earlier = {r.vendor.name: r for r in neg.ranking(s.tender, 1)}
    assert rows["Leverandør C AS"].rank == 1 and earlier["Leverandør C AS"].rank == 3  # the ranking changed
    from tender.formatting import format_money

    now_price, then_price = rows["Leverandør C AS"].price, earlier["Leverandør C AS"].price
    assert now_price < then_price  # C's evaluated price in round 2 and in round 1, both shown
    assert format_money(now_price) in table and format_money(then_price) in table
    assert "7,0" in table and "4,0" in table  # C's quality score in both rounds


def test_a_deactivated_vendor_user_gets_no_reduction_letter_but_an_active_colleague_does(
    db, s, app, smtp_server, create_user, add_member
) -> None:
    port, received = smtp_server
    colleague = create_user("kollega.c@example.com", name="Kollega C")
    add_member(s.tender, Role.VENDOR, colleague, vendor=s.vendors[2])
    s.vendor_users[2].active = False
    db.session.commit()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    try:
        decide_to_negotiate(db, s)
        neg.reduce(
            s.tender,
            {s.vendors[2].id: "Lavest totalscore etter tildelingskriteriene (rangert som nr. 3)."},
            note="De to beste går videre.",
            at=AFTER,
            actor=s.lead,
        )
        db.session.commit()
    finally:
        app.config.update(MAIL_SERVER="")
    letters = [m for m in received if "går ikke videre" in subject(m)]
    assert [m["To"] for m in letters] == ["kollega.c@example.com"]
