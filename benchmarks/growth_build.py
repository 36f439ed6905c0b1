"""What bench_growth.py builds on top of the scored tender so that every page has something to show: the
documents, a bid attachment and a Noark 5 sample per bid (validated at once, as the queue worker would), the
questions, the award (cost split, recommendation signed off by every municipality, the notices) and, in a
tender of its own, a prequalification with six requests. Everything goes through the operations the pages
use; the demo's stage functions are reused where they are not tied to the demo's own people.

The prequalification is a tender of its own because a prequalified tender admits only the invited vendors
to bid: six requests (four invited at most) cannot sit in the tender whose eight bids are measured.
"""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

#: the questions: asked, edited, approved and published before the question deadline (which ends before the
#: bid deadline)
QUESTION = (
    "Kravspesifikasjonen krever at løsningen er godkjent for Noark 5 versjon 5.0. Kan dere godta en løsning "
    "som i dag er godkjent for versjon 4.0, dersom godkjenningen for 5.0 foreligger før driftsstart?"
)
ANSWER = "Nei. Kravet er et minstekrav og gjelder ved tilbudsfristen."
OWN_QUESTION = "Hvor mange samtidige brukere skal lisensen dekke i hver kommune?"


def pdf(lines: list[str]) -> bytes:
    from tender.demo.stages import _pdf

    return _pdf(lines)


def publish_documents(tender: Any, lead: Any) -> None:
    """Version 1 of the tender documents: the invitation and the contract uploaded, published."""
    from tender.demo.documents import _contract, _invitation
    from tender.documents import operations as doc_ops
    from tender.documents.models import DocumentKind

    draft = doc_ops.ensure_draft(tender, actor=lead)
    doc_ops.choose_agreement(tender, draft, "SSA-K", actor=lead)
    for kind, name, data in (
        (DocumentKind.INVITATION, "konkurransebestemmelser.pdf", _invitation(tender)),
        (DocumentKind.CONTRACT, "ssa-k-kjopsavtalen.pdf", _contract(tender)),
    ):
        doc_ops.upload(tender, draft, kind=kind, label="", filename=name, data=data, actor=lead)
    doc_ops.publish(tender, draft, actor=lead)


def attach_and_sample(tender: Any, bid: Any, vendor: Any, seller: Any, at: Any) -> None:
    """Before the bid is submitted: a PDF attachment and a Noark 5 sample (queued until validated)."""
    from flask import current_app

    from tender.bids import operations as bid_ops
    from tender.demo.extract import demo_extract
    from tender.noark import operations as noark_ops

    bid_ops.add_attachment(
        tender,
        bid,
        filename="Løsningsbeskrivelse.pdf",
        content_type="application/pdf",
        data=pdf([vendor.name, "Løsningsbeskrivelse", tender.title]),
        at=at,
        actor=seller,
    )
    data = demo_extract(
        system=f"System {vendor.name}",
        creator=(vendor.organisasjonsnummer, f"Testarkiv for {vendor.name}"),
        seed=vendor.organisasjonsnummer,
    )
    noark_ops.store_upload(
        tender,
        vendor,
        io.BytesIO(data),
        "noark5-proveuttrekk.zip",
        max_bytes=int(current_app.config["NOARK_MAX_UPLOAD_BYTES"]),
        actor=seller,
        at=at,
    )


def validate_samples(tender: Any) -> list[int]:
    """What the queue worker does with each submitted sample (each validation commits); the samples' ids."""
    from tender.noark import operations as noark_ops

    ids = [s.id for s in noark_ops.submitted_samples(tender).values()]
    for sample_id in ids:
        noark_ops.run_validation(sample_id)
    return ids


def ask_questions(
    tender: Any, vendor: Any, seller: Any, lead: Any, signers: list[Any], at: Any
) -> tuple[int, int]:
    """The vendor asks two questions; the group answers the first (it has an attachment), every
    municipality approves and the lead publishes it; the second stays the vendor's own. Their ids."""
    from tender.questions import operations as q_ops

    asked = q_ops.ask(
        tender,
        vendor,
        text=QUESTION,
        attachment=("Skjermbilde godkjenning.pdf", "application/pdf", pdf(["Godkjenning", vendor.name])),
        at=at,
        actor=seller,
    )
    own = q_ops.ask(tender, vendor, text=OWN_QUESTION, at=at, actor=seller)
    q_ops.save_draft(tender, asked, published_text=QUESTION, answer_text=ANSWER, at=at, actor=lead)
    sha256 = q_ops.current_sha256(asked)
    if q_ops.approval_required(tender):
        for signer in signers:
            q_ops.approve(tender, asked, sha256=sha256, at=at, signer=signer)
    q_ops.publish(tender, asked, sha256=sha256, at=at, actor=lead)
    return asked.id, own.id


def award(tender: Any, lead: Any) -> tuple[int, dict[int, int]]:
    """The cost split, the recommendation (the demo's texts from the consensus), frozen and approved by every
    bound municipality's signer, and the notices of award. The recommendation's id and the notices' ids by
    vendor id."""
    from decimal import Decimal

    from tender.award import cost_operations as costs
    from tender.award import notice_operations as notice_ops
    from tender.award import recommendation_operations as rec_ops
    from tender.award.models import CostSplitKey, DecisionBody, SignOffDecision
    from tender.award.operations import signers_municipalities
    from tender.clock import now
    from tender.demo.award_recommendation import _texts
    from tender.demo.stages import signer_of
    from tender.formatting import OSLO

    costs.set_key(
        tender, CostSplitKey.FIXED_PLUS_POPULATION, fixed_percent=Decimal(20), percents={}, actor=lead
    )
    rec = rec_ops.start_draft(tender, actor=lead)
    rec_ops.save_texts(
        tender, rec, _texts(tender, rec), "Innstillingen er å tildele kontrakten til vinneren.", actor=lead
    )
    rec_ops.freeze(tender, rec, actor=lead)
    day = (now().astimezone(OSLO) - timedelta(days=1)).date()
    for i, municipality in enumerate(signers_municipalities(tender)):
        rec_ops.sign_off(
            tender,
            rec,
            municipality,
            rec_ops.Decision(
                decision=SignOffDecision.APPROVED,
                comment="Innstillingen godkjennes som lagt fram.",
                body=DecisionBody.KOMMUNEDIREKTOR,
                decision_date=day,
                case_number=f"{day.year}/{1000 + i}",
            ),
            shown_hash=rec.content_sha256,
            signer=signer_of(tender, municipality),
        )
    issue = notice_ops.issue_notices(tender, actor=lead)
    return rec.id, {n.vendor_id: n.id for n in issue.notices}


def prequalified_tender(
    label: str,
    places: list[Any],
    lead: Any,
    signers: list[Any],
    others: dict[str, Any],
    clock: Any,
    at: Any,
    password: str,
) -> dict[str, Any]:
    """A tender of its own with the demo's prequalification: the setup frozen, six requests (three ESPD
    imports, three forms; documents per requirement, references), the participation deadline passed, the
    opening, the assessment with one clarification answered, the scores, the selection approved by every
    municipality and the letters. ``others`` holds the observer, evaluator and vendor logins of the size,
    given the same roles here (the vendor's user works for the first applicant). The walk's values."""
    from sqlalchemy import func, select

    from tender.auth import operations as accounts
    from tender.auth.models import User
    from tender.demo import EVALUATORS, VENDORS, _user
    from tender.demo import prequalification as pq
    from tender.extensions import db
    from tender.prequalification import assess_operations as assess_ops
    from tender.prequalification import letters_operations as letters
    from tender.prequalification import queries
    from tender.prequalification.models import SelectionProposal
    from tender.tenders import operations as tender_ops
    from tender.tenders.models import Procedure, Role
    from tender.vendors import operations as vendor_ops

    clock.set(at)
    espd = next(a for a in pq.APPLICANTS if a.espd_file)
    if accounts.find_user(espd.email) is None:
        accounts.create_user(espd.email, espd.person, password=password)
    tender = tender_ops.create_tender(
        title=f"Vekst {label}: prekvalifisering",
        case_reference=f"2026/pq-{label}",
        procedure=Procedure.COMPETITIVE_NEGOTIATION,
        lead=lead,
        participation_deadline=at + timedelta(hours=1),
        questions_deadline=at + timedelta(days=30),
        bid_deadline=at + timedelta(days=40),
    )
    for m in places:
        tender_ops.add_municipality(tender, m, actor=lead)
    for m, signer in zip(places, signers, strict=True):
        tender_ops.add_membership(tender, signer, Role.SIGNER, municipality=m)
    for email, name in EVALUATORS:
        tender_ops.add_membership(tender, _user(email, name), Role.EVALUATOR)
    tender_ops.add_membership(tender, others["evaluator"], Role.EVALUATOR)
    tender_ops.add_membership(tender, others["observer"], Role.OBSERVER)
    for name, number in VENDORS:
        tender_ops.register_vendor(tender, name=name, organisasjonsnummer=number, actor=lead)
    for applicant in pq.APPLICANTS:
        seller = _user(applicant.email, applicant.person)
        vendor_ops.add_vendor_user_by_operator(tender, pq._vendor(applicant.orgnr), seller)
    # the size's vendor login works for the vendor asked to clarify (its clarification pages); an applicant
    # that imported its ESPD response logs in with the bench's password for the ESPD file
    first = pq._vendor(pq.CLARIFIED_ORGNR)
    vendor_ops.add_vendor_user_by_operator(tender, first, others["vendor"])
    db.session.flush()
    pq.set_up(tender, lead)
    pq.submit_requests(tender)
    clock.set(at + timedelta(hours=2))  # the participation deadline has passed
    pq.open_requests(tender, lead)
    pq.assess(tender, lead)
    pq.score(tender, lead)
    pq.select_invited(tender, lead)
    letters.generate_letters(tender, actor=lead)
    db.session.commit()

    requests = {r.vendor.organisasjonsnummer: r for r in queries.submitted_requests(tender)}
    own = requests[first.organisasjonsnummer]
    clarified = requests[pq.CLARIFIED_ORGNR]
    clarification = next(c for c in assess_ops.clarifications_of(clarified) if c.documents)
    assert isinstance(lead, User)
    return {
        "tender_id": tender.id,
        "request_id": own.id,
        "document_id": own.documents[0].id,
        "clarification_id": clarification.id,
        "document_id:pq_assess.answer_document": clarification.documents[0].id,
        "number": db.session.scalar(
            select(func.max(SelectionProposal.number)).where(SelectionProposal.tender_id == tender.id)
        ),
        "espd_login": espd.email,
    }


def publish_correction(tender: Any, lead: Any, places: list[Any], signers: list[Any], at: Any) -> None:
    """Correction 1 of the published specification, before any bid (the demo's: one requirement's text made
    more precise, one informational requirement added), approved by every municipality and published."""
    from tender.core import spec as core_spec
    from tender.corrections import operations as corrections
    from tender.demo.corrections import ADDED_TEXT, CORRECTED_ADDITION, REASON, _input, _next_number
    from tender.requirements import operations as spec_ops

    correction = corrections.start_correction(tender, reason=REASON, at=at, actor=lead)
    spec = spec_ops.specification_of(tender)
    row = next((r for r in spec.requirements if r.kind is core_spec.Kind.INFORMASJON), spec.requirements[0])
    spec_ops.update_requirement(
        tender,
        row,
        _input(row, text=row.text.rstrip() + CORRECTED_ADDITION),
        expected_version=row.lock_version,
        actor=lead,
    )
    siblings = [r.number for r in spec.requirements if r.chapter_id == row.chapter_id]
    spec_ops.add_requirement(
        tender,
        spec_ops.RequirementInput(
            chapter=row.chapter.key,
            number=_next_number(row.chapter.number, siblings),
            kind=core_spec.Kind.INFORMASJON,
            text=ADDED_TEXT,
            answer_form=core_spec.AnswerForm.FRITEKST,
            unit=None,
            criterion=None,
            weight=None,
            documentation="",
            source="Rettelse 1",
            municipalities=(),
        ),
        actor=lead,
    )
    version = spec_ops.freeze_version(tender, actor=lead, note="Rettelse 1")
    for m, signer in zip(places, signers, strict=True):
        spec_ops.decide(
            tender, version, m, approve=True, comment="", content_hash=version.content_hash, signer=signer
        )
    corrections.publish_correction(
        tender, correction, decision=corrections.DeadlineDecision(None), at=at, actor=lead
    )


def record_contract(tender: Any, lead: Any, clock: Any) -> Any:
    """After the standstill (the clock moved past its end): the signed contract recorded with its PDF.
    The moment it was recorded (the walk's clock: every step of the tender is then in the past)."""
    from tender.award import notice_operations as notice_ops
    from tender.award.operations import notice_issue_of
    from tender.clock import now
    from tender.demo.award_notices import _contract_pdf

    issue = notice_issue_of(tender)
    clock.set(issue.standstill_ends_at + timedelta(hours=1))
    winner = next(n for n in issue.notices if n.chosen)
    signatories = ["Rådmann for kommunene", f"Daglig leder, {winner.vendor.name}"]
    notice_ops.record_contract(
        tender,
        filename=f"kontrakt-{tender.id}-signert.pdf",
        data=_contract_pdf(tender, winner.vendor.name, signatories),
        signed_at=now(),
        signed_for_municipalities=signatories[0],
        signed_for_vendor=signatories[1],
        actor=lead,
    )
    return now()
