"""The demo's ``prequalification`` stage is built through the prequalification's operations, in the names of
the people who would do each step (issue 12 point 7, the house rule of tender/demo/stages.py), and sits in the
chain of stages before the bids: the four invited are the four who bid, and the deadlines stay in order."""

from __future__ import annotations

import hashlib
from collections import Counter

from sqlalchemy import select

from tender.tenders.models import Tender

INVITED = {
    "Arkivhuset Norge AS",
    "Saksflyt Systemer AS",
    "Nordisk Dokumentforvaltning AS",
    "Kommunearkiv Skytjenester AS",
}


def _demo(runner, stage: str = "prequalification") -> Tender:
    from tender.extensions import db

    result = runner.invoke(args=["demo", "--stage", stage])
    assert result.exit_code == 0, result.output
    return db.session.scalar(select(Tender).where(Tender.case_reference == "2026/0417"))


def _events(db) -> list:
    from tender.audit import AuditEvent

    return list(db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)))


def test_every_step_of_the_prequalification_is_in_the_trail_in_the_name_of_who_does_it(runner, db) -> None:
    from tender.demo.prequalification import APPLICANTS

    _demo(runner)
    events = _events(db)
    counts = Counter(e.event_type for e in events)
    who = {}
    for e in events:
        who.setdefault(e.event_type, set()).add(e.actor_label)
    lead = {"anne.lie@grenland-innkjop.no"}
    assert counts["prequalification.created"] == 1 and who["prequalification.created"] == lead
    assert counts["prequalification.requirement_added"] == 6 and counts["prequalification.ground_added"] == 8
    assert counts["prequalification.criterion_added"] == 3 and who["prequalification.frozen"] == lead
    sellers = {a.email for a in APPLICANTS}
    assert counts["request.submitted"] == 6 and who["request.submitted"] == sellers
    assert counts["request.espd_imported"] == 3 and counts["request.espd_form_saved"] == 3
    assert counts["request.document_added"] == 6 * 6 and counts["request.reference_added"] == 6 * 3
    assert who["requests.opening_confirmed"] == lead | {"per.hansen@skien.kommune.no"}
    assert counts["requests.opened"] == 1
    # six requirements of six requests, and the reference first marked for clarification
    assert counts["qualification.assessed"] == 6 * 6 + 1 and counts["exclusion.assessed"] == 6 * 8
    assert who["clarification.asked"] == lead and who["clarification.answered"] == {"lene.foss@nordiskdok.no"}
    evaluators = {
        "per.hansen@skien.kommune.no",
        "kari.nilsen@porsgrunn.kommune.no",
        "ola.berg@bamble.kommune.no",
    }
    assert counts["selection.scored"] == 5 * 3 * 3 and who["selection.scored"] == evaluators
    assert counts["selection.consensus_set"] == 5 * 3 and who["selection.consensus_set"] == lead
    assert counts["prequalification.selection_proposed"] == 1 and counts["prequalification.tie_decided"] == 0
    assert counts["prequalification.selection_approved"] == 6
    assert len(who["prequalification.selection_approved"]) == 6
    assert counts["prequalification.selection_final"] == 1 and counts["prequalification.letter"] == 6
    # the demo's only own step is the moved deadline; nothing is written past the operations any more
    assert {e.event_type for e in events if e.actor_label == "demo"} == {"demo.participation_deadline_passed"}


def test_the_setup_is_the_standard_set_with_the_mandatory_grounds_frozen_under_its_hash(runner, db) -> None:
    from tender.prequalification import setup_operations as setup_ops

    tender = _demo(runner)
    setup = setup_ops.setup_of(tender)
    assert setup.is_frozen and setup.minimum_candidates == 3 and setup.maximum_candidates == 4
    assert setup.signers_approve_selection
    assert hashlib.sha256(setup.frozen_json.encode("utf-8")).hexdigest() == setup.frozen_sha256
    assert sorted(r.text for r in setup_ops.requirements_of(tender)) == sorted(
        r.text for r in setup_ops.STANDARD_REQUIREMENTS
    )
    assert [g.espd_criterion for g in setup_ops.grounds_of(tender)] == [
        g.espd_criterion for g in setup_ops.MANDATORY_GROUNDS
    ]
    assert setup_ops.weight_sum(tender) == 100 and setup_ops.weight_sum_message(tender) is None


def test_the_imported_espd_files_answer_the_demo_case_and_every_criterion_and_nothing_is_missing(
    runner, db
) -> None:
    from tender.core.espd import check_procurement, read_response
    from tender.prequalification import letters_operations as ops
    from tender.prequalification import request_operations as request_ops

    tender = _demo(runner)
    requests = ops.submitted_requests(tender)
    files = [r for r in requests if r.espd_source == "file"]
    assert {r.vendor.name for r in files} == {
        "Saksflyt Systemer AS",
        "Kommunearkiv Skytjenester AS",
        "Fjordsak AS",
    }
    for request in files:
        response = read_response(request.espd_xml)
        check_procurement(response, tender.case_reference)  # raises for another procurement
        assert response.version.startswith("2.1") and response.economic_operator.name == request.vendor.name
        assert hashlib.sha256(request.espd_xml).hexdigest() == request.espd_sha256
    for request in requests:
        assert request_ops.missing_parts(tender, request) == [], request.vendor.name
        assert {i.status for i in request_ops.line_up(tender, request)} <= {"answered", "not_espd"}
        assert request.receipt_sha256 == request_ops.content_sha256(request)


def test_fjordsak_fails_the_economic_requirement_and_a_clarified_reference_is_kept_beside_the_request(
    runner, db
) -> None:
    from tender.core.scoring import RequirementStatus
    from tender.prequalification import assess_operations as assess_ops
    from tender.prequalification import select_operations as select_ops
    from tender.prequalification.models import QualificationCategory

    tender = _demo(runner)
    requests = {r.vendor.name: r for r in assess_ops.submitted_requests(tender)}
    marks = assess_ops.assessments_of(requests["Fjordsak AS"])
    failed = [
        r for r in assess_ops.requirements_of(tender) if marks[r.id].status is RequirementStatus.NOT_MET
    ]
    assert [r.category for r in failed] == [QualificationCategory.ECONOMIC]
    assert "negativ egenkapital" in marks[failed[0].id].justification
    (clarification,) = assess_ops.clarifications_of(requests["Nordisk Dokumentforvaltning AS"])
    assert clarification.answered_at is not None and clarification.answered_at < clarification.deadline
    assert "Tønsberg kommune" in clarification.answer
    documents = [d for d in requests["Nordisk Dokumentforvaltning AS"].documents if d.clarification_id]
    assert [d.filename for d in documents] == ["Oppdatert referanseliste.pdf"]
    answered = assess_ops.assessments_of(requests["Nordisk Dokumentforvaltning AS"])[
        clarification.requirement_id
    ]
    assert answered.status is RequirementStatus.MET and "Tønsberg" in answered.justification
    # every individual score and every consensus score has its justification
    selection = select_ops.selection_of(tender)
    assert selection.open_tie is None and selection.undecided == [] and selection.missing_scores == []
    ranked = [row.request.name for row in selection.ranking.rows]
    assert ranked[:5] == [
        "Saksflyt Systemer AS",
        "Arkivhuset Norge AS",
        "Nordisk Dokumentforvaltning AS",
        "Kommunearkiv Skytjenester AS",
        "Telemark IT-tjenester AS",
    ]


def test_in_the_scored_demo_the_invited_four_bid_after_the_requests_and_the_others_cannot_bid(
    runner, db, client, forms
) -> None:
    from tender.bids import operations as bid_ops
    from tender.demo import DEMO_PASSWORD
    from tender.prequalification import letters_operations as ops
    from tender.prequalification.models import RequestOutcome

    tender = _demo(runner, "scored")
    requests = ops.submitted_requests(tender)
    invited = {r.vendor.name for r in requests if r.outcome is RequestOutcome.INVITED}
    bids = bid_ops.submitted_bids(tender)
    assert invited == INVITED == {b.vendor.name for b in bids}
    # the requests before their deadline, the bids after it and before theirs; the deadlines in order
    assert max(r.submitted_at for r in requests) < tender.participation_deadline
    assert tender.participation_deadline < min(b.submitted_at for b in bids)
    assert tender.participation_deadline < tender.questions_deadline < tender.bid_deadline
    assert max(b.submitted_at for b in bids) < tender.bid_deadline
    for email in ("geir.fjeld@fjordsak.no", "siri.lunde@telemark-it.no"):
        assert forms.post("/logg-inn", {"email": email, "password": DEMO_PASSWORD}).status_code == 302
        assert client.get(f"/konkurranser/{tender.id}/mitt-tilbud").status_code == 403, email
        forms.post("/logg-ut", {})


def test_the_published_stage_builds_the_prequalification_first_and_then_changes_nothing_of_it(
    runner, db
) -> None:
    from tender.prequalification import letters_operations as ops

    tender = _demo(runner, "published")
    proposal = ops.final_proposal(tender)
    assert proposal is not None and len(ops.submitted_requests(tender)) == 6
    before = Counter(e.event_type for e in _events(db) if e.event_type.startswith(("request", "prequal")))
    _demo(runner, "prequalification")
    _demo(runner, "published")
    after = Counter(e.event_type for e in _events(db) if e.event_type.startswith(("request", "prequal")))
    assert after == before
