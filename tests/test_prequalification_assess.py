"""The requests' opening by two, their assessment, the clarifications and the selection scores (issue 12,
points 4 and 5), through the operations with the injectable clock."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from tender.audit import AuditEvent
from tender.core.scoring import RequirementStatus
from tender.errors import DomainError
from tender.prequalification import assess_operations as ops
from tender.prequalification.models import RequestDocument, RequestOpening
from tests.prequalification_helpers import PQ_AFTER, PQ_BEFORE, pq_setup, submitted_request


@pytest.fixture
def s(db, create_tender, add_member, create_user):
    return pq_setup(db, create_tender, add_member, create_user)


def _opened(db, s, clock, n: int = 2):
    requests = [submitted_request(db, s, i) for i in range(n)]
    clock.set(PQ_AFTER)
    assert ops.confirm_opening(s.tender, at=PQ_AFTER, actor=s.evaluators[0]) is None
    assert ops.confirm_opening(s.tender, at=PQ_AFTER, actor=s.lead) is not None
    db.session.commit()
    return requests


def _all_met(db, s, request, actor=None):
    for r in s.requirements:
        ops.assess_requirement(
            s.tender,
            request,
            r,
            status=RequirementStatus.MET,
            justification="Dokumentert.",
            at=PQ_AFTER,
            actor=actor or s.evaluators[0],
        )
    db.session.commit()


# -- the opening by two ------------------------------------------------------------------------------------
def test_the_requests_cannot_be_opened_before_the_participation_deadline(db, s) -> None:
    submitted_request(db, s, 0)
    with pytest.raises(DomainError, match="før fristen for forespørsler"):
        ops.confirm_opening(s.tender, at=PQ_BEFORE, actor=s.lead)


def test_two_members_open_the_requests_and_the_record_lists_who_asked_and_who_opened(db, s, clock) -> None:
    a, b = submitted_request(db, s, 0), submitted_request(db, s, 1, at=PQ_BEFORE - timedelta(hours=3))
    clock.set(PQ_AFTER)
    assert ops.confirm_opening(s.tender, at=PQ_AFTER, actor=s.lead) is None
    assert ops.opening_of(s.tender) is None
    opening = ops.confirm_opening(s.tender, at=PQ_AFTER + timedelta(minutes=1), actor=s.observer)
    db.session.commit()
    record = json.loads(opening.record_json)
    assert [r["organisasjonsnummer"] for r in record["requests"]] == [
        b.vendor.organisasjonsnummer,
        a.vendor.organisasjonsnummer,
    ]
    assert record["requests"][1]["receipt_sha256"] == a.receipt_sha256
    assert [p["name"] for p in record["opened_by"]] == [s.lead.name, s.observer.name]
    shown = ops.opening_record(opening)
    assert shown.requests[0]["submitted_at"] == b.submitted_at


def test_the_same_person_twice_does_not_open(db, s, clock) -> None:
    submitted_request(db, s, 0)
    assert ops.confirm_opening(s.tender, at=PQ_AFTER, actor=s.lead) is None
    with pytest.raises(DomainError, match="allerede bekreftet"):
        ops.confirm_opening(s.tender, at=PQ_AFTER, actor=s.lead)
    assert ops.opening_of(s.tender) is None


def test_two_evaluators_without_a_lead_do_not_open(db, s) -> None:
    submitted_request(db, s, 0)
    assert ops.confirm_opening(s.tender, at=PQ_AFTER, actor=s.evaluators[0]) is None
    with pytest.raises(DomainError, match="prosjektleder"):
        ops.confirm_opening(s.tender, at=PQ_AFTER, actor=s.evaluators[1])


def test_with_the_one_person_setting_the_lead_alone_opens_and_nobody_else(db, s) -> None:
    submitted_request(db, s, 0)
    s.tender.opening_persons = 1
    db.session.commit()
    with pytest.raises(DomainError, match="Når én person åpner forespørslene, må det være prosjektleder"):
        ops.confirm_opening(s.tender, at=PQ_AFTER, actor=s.evaluators[0])
    opening = ops.confirm_opening(s.tender, at=PQ_AFTER, actor=s.lead)
    assert isinstance(opening, RequestOpening) and opening.persons_required == 1


def test_a_confirmation_can_be_withdrawn_before_the_opening_but_not_after(db, s) -> None:
    submitted_request(db, s, 0)
    ops.confirm_opening(s.tender, at=PQ_AFTER, actor=s.lead)
    ops.withdraw_opening_confirmation(s.tender, at=PQ_AFTER, actor=s.lead)
    assert ops.opening_status(s.tender, PQ_AFTER).confirmations == []
    ops.confirm_opening(s.tender, at=PQ_AFTER, actor=s.lead)
    ops.confirm_opening(s.tender, at=PQ_AFTER, actor=s.evaluators[0])
    with pytest.raises(DomainError, match="allerede åpnet"):
        ops.withdraw_opening_confirmation(s.tender, at=PQ_AFTER, actor=s.lead)
    types = list(db.session.scalars(select(AuditEvent.event_type).where(AuditEvent.tender_id == s.tender.id)))
    assert types.count("requests.opening_confirmed") == 3
    assert "requests.opening_confirmation_withdrawn" in types and "requests.opened" in types


def test_the_record_lists_every_late_attempt(db, s) -> None:
    from tender import audit

    submitted_request(db, s, 0)
    audit.record(
        "request.late_attempt",
        s.tender,
        actor=s.vendor_users[2],
        payload={"vendor": s.vendors[2].organisasjonsnummer, "action": "submit", "at": PQ_AFTER.isoformat()},
    )
    ops.confirm_opening(s.tender, at=PQ_AFTER, actor=s.lead)
    opening = ops.confirm_opening(s.tender, at=PQ_AFTER, actor=s.evaluators[0])
    late = ops.opening_record(opening).late_attempts
    assert [(a["vendor"], a["action"], a["at"]) for a in late] == [
        (s.vendors[2].name, "levere forespørselen", PQ_AFTER)
    ]


def test_an_unfrozen_setup_is_not_opened(db, create_tender, add_member, create_user) -> None:
    s = pq_setup(db, create_tender, add_member, create_user, frozen=False)
    with pytest.raises(DomainError, match="må være låst"):
        ops.confirm_opening(s.tender, at=PQ_AFTER, actor=s.lead)


# -- the assessment ----------------------------------------------------------------------------------------
def test_an_assessment_needs_a_justification(db, s, clock) -> None:
    a, _ = _opened(db, s, clock)
    with pytest.raises(DomainError, match="Skriv en begrunnelse"):
        ops.assess_requirement(
            s.tender,
            a,
            s.requirements[0],
            status=RequirementStatus.MET,
            justification="  ",
            at=PQ_AFTER,
            actor=s.evaluators[0],
        )
    row = ops.assess_requirement(
        s.tender,
        a,
        s.requirements[0],
        status=RequirementStatus.NOT_MET,
        justification="Firmaattest mangler.",
        at=PQ_AFTER,
        actor=s.evaluators[0],
    )
    assert row.status is RequirementStatus.NOT_MET


def test_nothing_is_assessed_before_the_opening(db, s) -> None:
    a = submitted_request(db, s, 0)
    with pytest.raises(DomainError, match="ikke åpnet"):
        ops.assess_requirement(
            s.tender,
            a,
            s.requirements[0],
            status=RequirementStatus.MET,
            justification="x",
            at=PQ_AFTER,
            actor=s.lead,
        )


def test_a_ground_for_exclusion_is_recorded_with_its_reason(db, s, clock) -> None:
    a, _ = _opened(db, s, clock)
    with pytest.raises(DomainError, match="Skriv en begrunnelse"):
        ops.assess_exclusion(s.tender, a, s.grounds[0], applies=False, reason="", at=PQ_AFTER, actor=s.lead)
    row = ops.assess_exclusion(
        s.tender, a, s.grounds[1], applies=True, reason="Konkursbo åpnet.", at=PQ_AFTER, actor=s.lead
    )
    assert row.applies and row.reason == "Konkursbo åpnet."
    _all_met(db, s, a)
    assert not ops.qualified(s.tender, a)


# -- clarifications ----------------------------------------------------------------------------------------
def test_a_clarification_has_a_five_day_deadline_and_is_answered_up_to_one_second_before_it(
    db, s, clock
) -> None:
    a, _ = _opened(db, s, clock)
    asked = ops.ask_clarification(
        s.tender, a, s.requirements[1], question="Send skatteattesten.", at=PQ_AFTER, actor=s.evaluators[0]
    )
    assert asked.deadline == PQ_AFTER + timedelta(days=5)
    db.session.commit()
    ops.answer_clarification(
        s.tender,
        asked,
        s.vendors[0],
        answer="Vedlagt.",
        files=[ops.Upload("skatteattest.pdf", "application/pdf", b"%PDF-1.4 attest")],
        at=asked.deadline - timedelta(seconds=1),
        actor=s.vendor_users[0],
    )
    db.session.commit()
    docs = list(db.session.scalars(select(RequestDocument).where(RequestDocument.request_id == a.id)))
    assert len(docs) == 5  # the four originals kept, the answer's beside them
    assert [d.filename for d in docs if d.clarification_id == asked.id] == ["skatteattest.pdf"]
    assert asked.answer == "Vedlagt."


def test_an_answer_with_a_file_of_a_type_not_taken_is_refused_and_nothing_is_kept(db, s, clock) -> None:
    a, _ = _opened(db, s, clock)
    asked = ops.ask_clarification(
        s.tender, a, s.requirements[1], question="Send attesten.", days=2, at=PQ_AFTER, actor=s.lead
    )
    db.session.commit()
    before = db.session.scalar(select(func.count()).select_from(RequestDocument))
    refusals = [
        (
            "attest.exe",
            b"MZ\x90\x00 program",
            "Filtypen tas ikke imot. Last opp PDF, kontorfiler (Word, Excel, PowerPoint, OpenDocument, RTF) "
            "eller bilder (PNG, JPEG, TIFF).",
        ),
        (
            "attest.pdf",
            b"MZ\x90\x00 program",
            "Filen er ikke en gyldig .pdf-fil (innholdet stemmer ikke med filtypen).",
        ),
        ("tom.pdf", b"", "Filen er tom."),
    ]
    for name, data, message in refusals:
        with pytest.raises(DomainError) as refused:
            ops.answer_clarification(
                s.tender,
                asked,
                s.vendors[0],
                answer="Vedlagt.",
                files=[ops.Upload(name, "application/octet-stream", data)],
                at=PQ_AFTER,
                actor=s.vendor_users[0],
            )
        assert refused.value.reasons == {"file": [message]}
        db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(RequestDocument)) == before
    db.session.refresh(asked)
    assert asked.answer == "" and asked.answered_at is None
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.event_type == "clarification.answered")
        )
        == 0
    )


def test_an_answer_one_second_after_the_clarification_deadline_is_refused(db, s, clock) -> None:
    a, _ = _opened(db, s, clock)
    asked = ops.ask_clarification(
        s.tender, a, s.requirements[1], question="Send attesten.", days=2, at=PQ_AFTER, actor=s.lead
    )
    with pytest.raises(ops.LateAnswer, match="Fristen for å svare"):
        ops.answer_clarification(
            s.tender, asked, s.vendors[0], answer="For sent.", at=asked.deadline, actor=s.vendor_users[0]
        )
    with pytest.raises(ops.LateAnswer):
        ops.answer_clarification(
            s.tender,
            asked,
            s.vendors[0],
            answer="For sent.",
            at=asked.deadline + timedelta(seconds=1),
            actor=s.vendor_users[0],
        )


def test_another_vendor_cannot_answer_a_clarification(db, s, clock) -> None:
    a, _ = _opened(db, s, clock)
    asked = ops.ask_clarification(s.tender, a, None, question="Hvem eier dere?", at=PQ_AFTER, actor=s.lead)
    with pytest.raises(DomainError, match="finnes ikke"):
        ops.answer_clarification(
            s.tender, asked, s.vendors[1], answer="Vi!", at=PQ_AFTER, actor=s.vendor_users[1]
        )


# -- selection scores --------------------------------------------------------------------------------------
def test_a_score_off_the_scale_is_refused(db, s, clock) -> None:
    a, _ = _opened(db, s, clock)
    _all_met(db, s, a)
    for bad in ("11", "-1", "4.3", "mange", None):
        with pytest.raises(DomainError, match="mellom 0 og 10"):
            ops.score_individually(
                s.tender, a, s.criteria[0], score=bad, justification="x", at=PQ_AFTER, actor=s.evaluators[0]
            )
    row = ops.score_individually(
        s.tender,
        a,
        s.criteria[0],
        score="10",
        justification="Mange referanser.",
        at=PQ_AFTER,
        actor=s.evaluators[0],
    )
    assert row.score == Decimal(10)


def test_an_unqualified_request_is_not_scored(db, s, clock) -> None:
    a, _ = _opened(db, s, clock)
    with pytest.raises(DomainError, match="ikke vurdert som kvalifisert"):
        ops.score_individually(
            s.tender, a, s.criteria[0], score="5", justification="x", at=PQ_AFTER, actor=s.evaluators[0]
        )


def test_evaluators_do_not_see_each_others_scores_until_the_consensus_is_set(db, s, clock) -> None:
    a, _ = _opened(db, s, clock)
    _all_met(db, s, a)
    one, two = s.evaluators
    c = s.criteria[0]
    ops.score_individually(s.tender, a, c, score="2", justification="Få.", at=PQ_AFTER, actor=one)
    ops.score_individually(s.tender, a, c, score="8", justification="Mange.", at=PQ_AFTER, actor=two)
    db.session.commit()
    seen_by_one = ops.individual_scores(a, viewer=one, see_all=False)
    assert [r.evaluator_id for r in seen_by_one[c.id]] == [one.id]
    seen_by_lead = ops.individual_scores(a, viewer=s.lead, see_all=True)
    assert sorted(r.evaluator_id for r in seen_by_lead[c.id]) == sorted([one.id, two.id])
    assert ops.disagreeing(s.tender, seen_by_lead) == {c.id}  # 6 points apart, over the threshold of 2
    ops.set_consensus(s.tender, a, c, score="5", justification="Midt imellom.", at=PQ_AFTER, actor=s.lead)
    db.session.commit()
    assert len(ops.individual_scores(a, viewer=one, see_all=False)[c.id]) == 2
    with pytest.raises(DomainError, match="Konsensus er satt"):
        ops.score_individually(s.tender, a, c, score="3", justification="Nei.", at=PQ_AFTER, actor=one)


def test_the_consensus_needs_a_justification_and_a_score_on_the_scale(db, s, clock) -> None:
    a, _ = _opened(db, s, clock)
    _all_met(db, s, a)
    with pytest.raises(DomainError, match="mellom 0 og 10"):
        ops.set_consensus(
            s.tender, a, s.criteria[1], score="10.5", justification="x", at=PQ_AFTER, actor=s.lead
        )
    with pytest.raises(DomainError, match="Skriv en begrunnelse"):
        ops.set_consensus(s.tender, a, s.criteria[1], score="7", justification="", at=PQ_AFTER, actor=s.lead)
    row = ops.set_consensus(
        s.tender, a, s.criteria[1], score="7", justification="God.", at=PQ_AFTER, actor=s.lead
    )
    assert row.score == Decimal(7)


def test_the_lead_and_an_evaluator_confirming_at_the_same_moment_open_the_requests_once(live_server) -> None:
    """Over HTTP against a running server: the row lock makes one confirmation wait for the other, so the
    second sees the first and opens, once; nothing gives a 500."""
    from tender.extensions import db as database
    from tender.prequalification.models import RequestOpeningConfirmation
    from tests.evaluation_helpers import restore_clock
    from tests.test_browser_prequalification_assess import live_pq_setup
    from tests.test_evaluation_concurrency import Browser, _all_at_once

    w = live_pq_setup(live_server.app)
    try:
        people = [Browser(live_server.url, w.lead.email), Browser(live_server.url, w.evaluators[0].email)]
        path = f"/konkurranser/{w.tender_id}/prekvalifisering/foresporsler/apne"
        statuses = _all_at_once([lambda b=b: b.post(path, {"csrf_token": b.token})[0] for b in people])
        assert statuses == [302, 302]
        with live_server.app.app_context():
            openings = database.session.scalars(
                select(RequestOpening).where(RequestOpening.tender_id == w.tender_id)
            ).all()
            confirmations = database.session.scalars(
                select(RequestOpeningConfirmation).where(RequestOpeningConfirmation.tender_id == w.tender_id)
            ).all()
            assert len(openings) == 1 and openings[0].persons_required == 2
            assert sorted(c.user_name for c in confirmations) == sorted([w.lead.name, w.evaluators[0].name])
            record = json.loads(openings[0].record_json)
            assert [r["vendor"] for r in record["requests"]] == w.vendor_names
            database.session.remove()
    finally:
        restore_clock(live_server.app)


def test_over_http_an_answer_one_second_before_the_deadline_is_kept_and_one_second_after_refused_and_logged(
    db, s, clock, client, forms, login_as
) -> None:
    a, b = _opened(db, s, clock)
    first = ops.ask_clarification(
        s.tender, a, s.requirements[1], question="Attest?", at=PQ_AFTER, actor=s.lead
    )
    second = ops.ask_clarification(
        s.tender, a, s.requirements[2], question="Regnskap?", at=PQ_AFTER, actor=s.lead
    )
    db.session.commit()
    base = f"/konkurranser/{s.tender.id}/prekvalifisering/avklaringer"
    # logged in at each moment: a session does not last five days
    clock.set(first.deadline - timedelta(seconds=1))
    login_as(s.vendor_users[0])
    done = forms.post(f"{base}/{first.id}", {f"s{first.id}-answer": "Vedlagt i tide."}, page=base)
    assert done.status_code == 302 and "/logg-inn" not in done.headers["Location"]
    clock.set(second.deadline + timedelta(seconds=1))
    login_as(s.vendor_users[0])
    late = forms.post(f"{base}/{second.id}", {f"s{second.id}-answer": "For sent."}, page=base)
    assert late.status_code == 409
    assert "Fristen for å svare på avklaringen er ute" in late.get_data(as_text=True)
    db.session.expire_all()
    assert first.answer == "Vedlagt i tide." and second.answer == "" and second.answered_at is None
    logged = db.session.scalars(
        select(AuditEvent).where(AuditEvent.event_type == "clarification.late_attempt")
    ).all()
    assert [e.object_id for e in logged] == [str(second.id)]


def test_the_opening_setting_cannot_be_lowered_while_requests_wait_to_be_opened(db, s) -> None:
    """The requests are opened under the bids' setting: once their deadline has passed, nobody may change it
    until they are opened (the lead could otherwise open them alone)."""
    from tender.bids import operations as bid_ops

    submitted_request(db, s, 0)
    with pytest.raises(DomainError, match="kan ikke endres før forespørslene er åpnet"):
        bid_ops.set_opening_persons(s.tender, 1, at=PQ_AFTER, actor=s.lead)
    assert s.tender.opening_persons == 2
    bid_ops.set_opening_persons(s.tender, 1, at=PQ_BEFORE, actor=s.lead)  # before the deadline it may
    bid_ops.set_opening_persons(s.tender, 2, at=PQ_BEFORE, actor=s.lead)
    ops.confirm_opening(s.tender, at=PQ_AFTER, actor=s.lead)
    ops.confirm_opening(s.tender, at=PQ_AFTER, actor=s.observer)
    bid_ops.set_opening_persons(s.tender, 1, at=PQ_AFTER, actor=s.lead)  # opened: the bids' own rule again
    assert s.tender.opening_persons == 1


def test_the_requests_page_words_each_requests_assessment_so_far(db, s, clock, client, login_as) -> None:
    a, b = _opened(db, s, clock, n=3)[:2]
    _all_met(db, s, a)
    ops.assess_requirement(
        s.tender,
        b,
        s.requirements[0],
        status=RequirementStatus.NOT_MET,
        justification="Mangler.",
        at=PQ_AFTER,
        actor=s.lead,
    )
    db.session.commit()
    assert [ops.verdict(s.tender, r) for r in ops.submitted_requests(s.tender)] == [
        "Kvalifisert",
        "Ikke kvalifisert",
        "Under vurdering",
    ]
    login_as(s.observer)
    html = client.get(f"/konkurranser/{s.tender.id}/prekvalifisering/foresporsler").get_data(as_text=True)
    assert "Under vurdering" in html and "Ikke kvalifisert" in html and s.vendors[2].name in html


def test_a_requests_document_downloads_as_a_file_whatever_type_the_vendor_gave_it(
    db, s, clock, client, login_as
) -> None:
    a, _ = _opened(db, s, clock)
    document = a.documents[0]
    document.content_type = "text/html"
    document.data = b"<script>alert(1)</script>"
    db.session.commit()
    login_as(s.evaluators[0])
    response = client.get(
        f"/konkurranser/{s.tender.id}/prekvalifisering/foresporsler/{a.id}/dokumenter/{document.id}"
    )
    assert response.status_code == 200 and response.mimetype == "application/octet-stream"
    assert response.headers["Content-Disposition"].startswith("attachment")


@pytest.mark.parametrize(
    ("step", "good", "bad", "words"),
    [
        ("1", "4", "4.5", "i hele poeng"),
        ("0.5", "4.5", "4.3", "i hele eller halve poeng"),
        ("0.1", "4.3", "4.35", "i tideler (trinn på 0,1)"),
        # the column keeps one decimal: a continuous scale and a step of 0,25 take tenths
        ("0", "4.3", "4.35", "i tideler (trinn på 0,1)"),
        ("0.25", "4.3", "4.25", "i tideler (trinn på 0,1)"),
    ],
)
def test_the_selection_scores_follow_the_step_of_the_evaluation_model(
    db, s, clock, step, good, bad, words
) -> None:
    """Issue 16: the evaluation model's half-points flag became a step; the selection's 0–10 scale follows
    it (as docs/prequalification.md says), in steps its one-decimal column can keep."""
    from tender.evaluation_model.operations import ensure_model

    ensure_model(s.tender).scale_step = Decimal(step)
    a, _ = _opened(db, s, clock)
    _all_met(db, s, a)
    with pytest.raises(DomainError, match=re.escape(f"mellom 0 og 10, {words}.")):
        ops.score_individually(
            s.tender, a, s.criteria[0], score=bad, justification="x", at=PQ_AFTER, actor=s.evaluators[0]
        )
    row = ops.score_individually(
        s.tender, a, s.criteria[0], score=good, justification="Godt.", at=PQ_AFTER, actor=s.evaluators[0]
    )
    assert row.score == Decimal(good)
