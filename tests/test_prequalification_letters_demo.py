"""The demo's ``prequalification`` stage (issue 12 point 7): six requests in, four invited, the letters made;
twice gives the same rows and an intact audit chain; the letters download as the lead and as a vendor."""

from __future__ import annotations

import hashlib

from sqlalchemy import func, select


def _demo(runner) -> str:
    result = runner.invoke(args=["demo", "--stage", "prequalification"])
    assert result.exit_code == 0, result.output
    return result.output


def _counts(db) -> dict[str, int]:
    from tender.audit import AuditEvent
    from tender.auth.models import User
    from tender.prequalification import models as pq
    from tender.tenders.models import Membership

    models = (
        pq.Prequalification,
        pq.QualificationRequirement,
        pq.ExclusionGround,
        pq.SelectionCriterion,
        pq.ParticipationRequest,
        pq.RequestDocument,
        pq.RequestReference,
        pq.RequestOpening,
        pq.RequestOpeningConfirmation,
        pq.QualificationAssessment,
        pq.ExclusionAssessment,
        pq.Clarification,
        pq.SelectionIndividualScore,
        pq.SelectionConsensusScore,
        pq.SelectionProposal,
        pq.SelectionApproval,
        User,
        Membership,
        AuditEvent,
    )
    return {m.__name__: db.session.scalar(select(func.count()).select_from(m)) for m in models}


def _tender(db):
    from tender.tenders.models import Tender

    return db.session.scalar(select(Tender).where(Tender.case_reference == "2026/0417"))


def test_the_prequalification_stage_has_six_requests_opened_by_two_and_four_of_six_invited_finally(
    runner, db
) -> None:
    from tender.demo.stages import BIDDERS
    from tender.prequalification import letters_operations as ops
    from tender.prequalification.models import Prequalification, RequestOutcome

    output = _demo(runner)
    assert "prekvalifisering" in output and "geir.fjeld@fjordsak.no" in output
    tender = _tender(db)
    setup = db.session.scalar(select(Prequalification).where(Prequalification.tender_id == tender.id))
    assert setup.is_frozen and len(setup.frozen_sha256) == 64
    requests = ops.submitted_requests(tender)
    assert len(requests) == 6
    assert all(r.submitted_at < tender.participation_deadline for r in requests)
    proposal = ops.final_proposal(tender)
    assert proposal is not None and len(proposal.approvals) == 6
    assert all(a.sha256 == proposal.sha256 and a.approved for a in proposal.approvals)
    invited = {r.vendor.organisasjonsnummer for r in requests if r.outcome is RequestOutcome.INVITED}
    assert invited == {b.orgnr for b in BIDDERS}
    outcomes = {r.vendor.name: r.outcome for r in requests}
    assert outcomes["Fjordsak AS"] is RequestOutcome.REJECTED
    assert outcomes["Telemark IT-tjenester AS"] is RequestOutcome.NOT_SELECTED
    assert ops.SelectionRecord.read(proposal.record).setup_hash == setup.frozen_sha256


def test_the_prequalification_stage_twice_gives_the_same_rows_and_an_intact_audit_chain(runner, db) -> None:
    from tender.audit import verify

    _demo(runner)
    first = _counts(db)
    assert first["ParticipationRequest"] == 6 and first["SelectionProposal"] == 1
    _demo(runner)
    assert _counts(db) == first
    report = verify()
    assert report.intact, report.problem
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0 and "intakt" in result.output


def test_the_demo_letters_download_as_the_lead_and_as_a_vendor_and_match_the_hashes_sent(
    runner, db, client, forms
) -> None:
    from tender.audit import AuditEvent
    from tender.demo import DEMO_PASSWORD
    from tender.prequalification import letters_operations as ops

    _demo(runner)
    tender = _tender(db)
    sent = {
        e.payload["vendor"]: e.payload["sha256"]
        for e in db.session.scalars(
            select(AuditEvent).where(AuditEvent.event_type == "prequalification.letter")
        )
    }
    assert len(sent) == 6
    requests = {r.vendor.name: r for r in ops.submitted_requests(tender)}
    for email, vendor in (
        ("anne.lie@grenland-innkjop.no", "Telemark IT-tjenester AS"),
        ("siri.lunde@telemark-it.no", "Telemark IT-tjenester AS"),
        ("geir.fjeld@fjordsak.no", "Fjordsak AS"),
    ):
        client.post("/logg-ut", data={"csrf_token": forms.token("/")})
        login = forms.post("/logg-inn", {"email": email, "password": DEMO_PASSWORD}, page="/logg-inn")
        assert login.status_code == 302
        response = client.get(f"/konkurranser/{tender.id}/prekvalifisering/brev/{requests[vendor].id}.pdf")
        assert response.status_code == 200, email
        assert hashlib.sha256(response.data).hexdigest() == sent[vendor]
    # the vendor user of Fjordsak is not shown Telemark IT's letter
    response = client.get(
        f"/konkurranser/{tender.id}/prekvalifisering/brev/{requests['Telemark IT-tjenester AS'].id}.pdf"
    )
    assert response.status_code == 404


def test_no_letter_page_letter_report_or_matrix_of_the_demo_shows_an_english_tell_tale_word_to_any_role(
    runner, db, client, forms
) -> None:
    from tender.demo import DEMO_PASSWORD, EVALUATORS, LEAD, OBSERVER
    from tender.demo.prequalification import APPLICANTS
    from tender.prequalification import letters_operations as ops
    from tests.test_telltale_words import findings, visible_text

    _demo(runner)
    tender = _tender(db)
    base = f"/konkurranser/{tender.id}/prekvalifisering"
    urls = [base + "/brev", base + "/rapport.pdf", base + "/matrise.xlsx"]
    urls += [f"{base}/brev/{r.id}.pdf" for r in ops.submitted_requests(tender)]
    fetched, found = 0, {}
    for email in (LEAD[0], EVALUATORS[0][0], OBSERVER[0], *(a.email for a in APPLICANTS)):
        client.post("/logg-ut", data={"csrf_token": forms.token("/")})
        assert forms.post("/logg-inn", {"email": email, "password": DEMO_PASSWORD}).status_code == 302
        for url in urls:
            response = client.get(url)
            if response.status_code == 200:
                fetched += 1
                hits = findings(visible_text(response))
                if hits:
                    found[f"{email} {url}"] = hits[:5]
    # the group reads the page, the report, the matrix and six letters; each vendor its page and its letter
    assert fetched == 3 * 9 + 6 * 2
    assert found == {}
