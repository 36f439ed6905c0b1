"""State changes of a vendor's request to take part (forespørsel om å delta): company data, the ESPD answers
(an imported ESPD response or the form), documents per qualification requirement, references, submission
with a receipt, and the refusal of every change after the participation deadline.

The moment comes in as ``at`` (the views read :func:`tender.clock.now`). A change after the deadline raises
:class:`LateRequest`: the caller rolls the change back and keeps :func:`record_late_attempt` in the trail
(``tender.web.transactions.keep``), as the bids do.

The ESPD answers are kept in one shape whatever their source: the JSON form of the ESPD reader
(``tender.core.espd``'s ``response_to_dict``), so the group reads a form's answers as it reads a file's.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Protocol

from sqlalchemy import select

from tender import audit
from tender.core.espd import category_of
from tender.errors import DomainError
from tender.extensions import db
from tender.prequalification.models import (
    ParticipationRequest,
    RequestDocument,
    RequestReference,
    RequestStatus,
)
from tender.prequalification.queries import grounds_of, requirements_of, setup_of
from tender.tenders import opening as shared_opening
from tender.tenders.models import Tender, Vendor
from tender.web.uploads import clean_filename, document_problem

#: what a late attempt's ``action`` was, in words (the requests' opening record lists them)
LATE_ACTIONS = {
    "create": "opprette forespørsel",
    "save_company": "lagre firmaopplysninger",
    "espd_import": "lese inn ESPD",
    "espd_form": "lagre ESPD-svar",
    "add_document": "laste opp dokument",
    "delete_document": "fjerne dokument",
    "add_reference": "legge til referanse",
    "delete_reference": "fjerne referanse",
    "submit": "levere forespørselen",
    "sample": "laste opp prøveuttrekk",
}

#: the ESPD answers' JSON when they come from the form (the reader's format, its own version marker)
FORM_VERSION = "skjema"


class LateRequest(shared_opening.LateAttempt):
    """The participation deadline has passed: the change is refused and the caller keeps the attempt in the
    trail while the refused change is rolled back."""


class MissingParts(DomainError):
    """Submission with parts missing (ESPD answers, documents): the vendor is shown the list and may
    confirm; the group decides qualification, so this warns rather than blocks."""

    def __init__(self, missing: list[str]) -> None:
        super().__init__(missing[0], reasons={"": missing})
        self.missing = missing


# -- reading -----------------------------------------------------------------------------------------------


def request_of(tender: Tender, vendor_id: int) -> ParticipationRequest | None:
    return db.session.scalar(
        select(ParticipationRequest).where(
            ParticipationRequest.tender_id == tender.id, ParticipationRequest.vendor_id == vendor_id
        )
    )


def setup_published(tender: Tender) -> bool:
    setup = setup_of(tender)
    return setup is not None and setup.enabled and setup.is_frozen


def open_for_requests(tender: Tender, at: datetime) -> bool:
    """Whether requests can be written and submitted at ``at``: the setup is frozen and the participation
    deadline is set and has not passed."""
    return (
        setup_published(tender)
        and tender.participation_deadline is not None
        and at < tender.participation_deadline
    )


def request_is_editable(tender: Tender, req: ParticipationRequest | None, at: datetime) -> bool:
    return open_for_requests(tender, at) and not (req is not None and req.is_submitted)


def record_late_attempt(tender: Tender, vendor: Vendor, *, action: str, at: datetime, actor: Any) -> None:
    """Log a refused late attempt (after the refused change was rolled back)."""
    shared_opening.record_late_attempt(
        "request.late_attempt",
        tender,
        at=at,
        deadline=tender.participation_deadline,
        actor=actor,
        vendor=vendor.organisasjonsnummer,
        action=action,
    )


def check_open(tender: Tender, vendor: Vendor, at: datetime) -> None:
    if vendor not in tender.participating_vendors:
        raise DomainError(f"{vendor.name} er ikke med i konkurransen.")
    if not setup_published(tender):
        raise DomainError(
            "Prekvalifiseringen er ikke kunngjort ennå; forespørsel om å delta kan ikke sendes før "
            "den er det."
        )
    if tender.participation_deadline is None:
        raise DomainError("Fristen for forespørsel om å delta er ikke satt ennå.")
    if at >= tender.participation_deadline:
        raise LateRequest(shared_opening.too_late("Fristen for forespørsel om å delta", "Forespørselen"))


def _check_editable(tender: Tender, req: ParticipationRequest, at: datetime, expected: int | None) -> None:
    check_open(tender, req.vendor, at)
    if req.is_submitted:
        raise DomainError("Forespørselen er levert og kan ikke endres.")
    if expected is not None and expected != req.lock_version:
        raise DomainError(
            "Forespørselen er endret av en annen bruker siden du åpnet den. Last siden på nytt."
        )


def _touch(req: ParticipationRequest, at: datetime) -> None:
    req.updated_at = at


def ensure_request(tender: Tender, vendor: Vendor, *, at: datetime, actor: Any) -> ParticipationRequest:
    """The vendor's request, created as a draft the first time (before the deadline only)."""
    req = request_of(tender, vendor.id)
    if req is None:
        check_open(tender, vendor, at)
        req = ParticipationRequest(
            tender_id=tender.id,
            vendor_id=vendor.id,
            status=RequestStatus.DRAFT,
            created_at=at,
            updated_at=at,
            country="NO",
        )
        db.session.add(req)
        db.session.flush()
        audit.record("request.created", req, actor=actor, payload={"vendor": vendor.organisasjonsnummer})
    return req


# -- company data ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CompanyInput:
    contact_name: str
    contact_email: str
    contact_phone: str
    address: str
    country: str


def save_company(
    tender: Tender,
    req: ParticipationRequest,
    data: CompanyInput,
    *,
    at: datetime,
    actor: Any,
    expected_version: int | None = None,
) -> None:
    _check_editable(tender, req, at, expected_version)
    country = data.country.strip().upper()
    if len(country) != 2 or not country.isascii() or not country.isalpha():
        raise DomainError("Landkoden må være to bokstaver (ISO 3166), f.eks. NO.", field="country")
    req.contact_name = data.contact_name.strip()
    req.contact_email = data.contact_email.strip()
    req.contact_phone = data.contact_phone.strip()
    req.address = data.address.strip()
    req.country = country
    _touch(req, at)
    db.session.flush()
    audit.record(
        "request.company_saved", req, actor=actor, payload={"vendor": req.vendor.organisasjonsnummer}
    )


# -- ESPD --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class EspdQuestion:
    """One ESPD criterion the tender asks about, as the form shows it: the type code and the requirements and
    grounds that name it."""

    type_code: str
    texts: tuple[str, ...]


def espd_questions(tender: Tender) -> list[EspdQuestion]:
    """The ESPD criteria of the tender's requirements and grounds, each once, in the setup's order."""
    found: dict[str, list[str]] = {}
    for item in [*grounds_of(tender), *requirements_of(tender)]:
        code = (item.espd_criterion or "").strip()
        if code:
            found.setdefault(code, []).append(item.text)
    return [EspdQuestion(code, tuple(texts)) for code, texts in found.items()]


def _operator(req: ParticipationRequest) -> dict[str, Any]:
    vendor = req.vendor
    return {
        "name": vendor.name,
        "orgnr": vendor.organisasjonsnummer,
        "vat_id": None,
        "country": req.country or None,
        "sme": None,
        "identifiers": [
            {
                "value": vendor.organisasjonsnummer,
                "scheme": "NO:ORG",
                "kind": "orgnr",
                "orgnr": vendor.organisasjonsnummer,
            }
        ],
        "contact": {
            "name": req.contact_name or None,
            "email": req.contact_email or None,
            "phone": req.contact_phone or None,
        },
    }


@dataclass(frozen=True)
class EspdFormAnswer:
    type_code: str
    #: True (ja), False (nei) or None (not answered)
    indicator: bool | None
    description: str


def _form_answer(kind: str, **values: Any) -> dict[str, Any]:
    empty = dict.fromkeys(
        (
            "indicator",
            "amount",
            "currency",
            "quantity",
            "unit",
            "date",
            "start",
            "end",
            "text",
            "code",
            "evidence",
        )
    )
    return {**empty, "question_id": kind, "question": None, "kind": kind, **values}


def espd_form_json(
    tender: Tender, req: ParticipationRequest, answers: Sequence[EspdFormAnswer]
) -> dict[str, Any]:
    """The form's answers in the reader's JSON shape: one criterion per ESPD criterion of the tender, with an
    indicator answer and a description answer where given (none: the criterion is unanswered)."""
    given = {a.type_code: a for a in answers}
    criteria = []
    for question in espd_questions(tender):
        answer = given.get(question.type_code)
        out = []
        if answer is not None and answer.indicator is not None:
            out.append(_form_answer("indicator", indicator=answer.indicator))
        if answer is not None and answer.description.strip():
            out.append(_form_answer("description", text=answer.description.strip()))
        criteria.append(
            {
                "id": None,
                "type_code": question.type_code,
                "category": category_of(question.type_code),
                "name": question.texts[0],
                "description": None,
                "answers": out,
            }
        )
    return {
        "format": "tender-espd-response",
        "format_version": 1,
        "version": FORM_VERSION,
        "profile": None,
        "profile_id": None,
        "response_id": None,
        "uuid": None,
        "issue_date": None,
        "economic_operator": _operator(req),
        "procurement": {
            "reference": tender.case_reference,
            "buyer_name": None,
            "title": tender.title,
            "description": None,
            "lots": [],
        },
        "criteria": criteria,
        "unattached_answers": [],
    }


def save_espd_form(
    tender: Tender,
    req: ParticipationRequest,
    answers: Sequence[EspdFormAnswer],
    *,
    at: datetime,
    actor: Any,
    expected_version: int | None = None,
) -> None:
    """The ESPD answers from the form, for a vendor without an ESPD response file; replaces an imported
    file."""
    _check_editable(tender, req, at, expected_version)
    known = {q.type_code for q in espd_questions(tender)}
    unknown = sorted({a.type_code for a in answers} - known)
    if unknown:
        raise DomainError(f"Konkurransen spør ikke om ESPD-kriteriet {unknown[0]}.")
    content = espd_form_json(tender, req, answers)
    req.espd_source = "form"
    req.espd_filename = ""
    req.espd_sha256 = ""
    req.espd_xml = None
    req.espd_json = json.dumps(content, ensure_ascii=False, sort_keys=True)
    _touch(req, at)
    db.session.flush()
    audit.record(
        "request.espd_form_saved",
        req,
        actor=actor,
        payload={
            "answered": sum(1 for c in content["criteria"] if c["answers"]),
            "criteria": len(content["criteria"]),
        },
    )


def import_espd(
    tender: Tender,
    req: ParticipationRequest,
    *,
    filename: str,
    data: bytes,
    at: datetime,
    actor: Any,
    expected_version: int | None = None,
) -> None:
    """Read an ESPD response file, check it answers this tender (its case reference), and keep it with its
    answers. A file that cannot be read, or answers another procurement, is refused and changes nothing."""
    from tender.core.espd import EspdError, check_procurement, read_response, response_to_dict
    from tender.web.espd_messages import message

    _check_editable(tender, req, at, expected_version)
    try:
        response = read_response(data)
        check_procurement(response, tender.case_reference)
    except EspdError as error:
        raise DomainError(message(error), field="file") from None
    name = clean_filename(filename, "espd.xml")
    digest = hashlib.sha256(data).hexdigest()
    req.espd_source = "file"
    req.espd_filename = name
    req.espd_sha256 = digest
    req.espd_xml = data
    req.espd_json = json.dumps(response_to_dict(response), ensure_ascii=False, sort_keys=True)
    _touch(req, at)
    db.session.flush()
    audit.record(
        "request.espd_imported",
        req,
        actor=actor,
        payload={"filename": name, "sha256": digest, "version": response.version},
    )


@dataclass(frozen=True)
class LinedUp:
    """One requirement or ground beside what the ESPD answers say about it."""

    kind: str  # "krav" or "grunn"
    number: int
    text: str
    type_code: str | None
    #: "answered", "missing" or "not_espd" (the requirement names no ESPD criterion)
    status: str
    #: the answers of the ESPD criteria for it: (the question, or None; the value in Norwegian)
    answers: list[tuple[str | None, str]]

    @property
    def status_label(self) -> str:
        from tender.web.espd_messages import STATUS_NAMES

        return STATUS_NAMES.get(self.status, self.status)


def _decimal(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value)) if value is not None else None
    except ArithmeticError:
        return None


def _date(value: Any) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _answer(raw: dict[str, Any]) -> Any:
    """An answer of the stored JSON back as the reader's Answer (to line up and to word it)."""
    from tender.core.espd import Answer, Evidence

    evidence = raw.get("evidence")
    return Answer(
        question_id=raw.get("question_id"),
        question=raw.get("question"),
        kind=raw.get("kind") or "description",
        indicator=raw.get("indicator"),
        amount=_decimal(raw.get("amount")),
        currency=raw.get("currency"),
        quantity=_decimal(raw.get("quantity")),
        unit=raw.get("unit"),
        date=_date(raw.get("date")),
        start=_date(raw.get("start")),
        end=_date(raw.get("end")),
        text=raw.get("text"),
        code=raw.get("code"),
        evidence=Evidence(
            evidence.get("id"), evidence.get("url"), evidence.get("issuer"), evidence.get("description")
        )
        if isinstance(evidence, dict)
        else None,
    )


def line_up(tender: Tender, req: ParticipationRequest | None, *, locale: str | None = None) -> list[LinedUp]:
    """Every ground for exclusion and qualification requirement, beside the ESPD answers for it (by the
    reader's lining-up), whatever the answers' source (a file or the form: one JSON shape); the answers'
    numbers and dates in ``locale`` (default Norwegian; a vendor's page may be in English)."""
    from tender.core.espd import Criterion, EspdResponse, Procurement
    from tender.core.espd import line_up as reader_line_up
    from tender.web.espd_messages import answer_value

    items: list[tuple[str, int, str, str | None]] = [
        ("grunn", i, g.text, g.espd_criterion) for i, g in enumerate(grounds_of(tender), 1)
    ] + [("krav", i, r.text, r.espd_criterion) for i, r in enumerate(requirements_of(tender), 1)]
    stored = req.espd if req is not None else {}
    criteria = [
        Criterion(
            id=c.get("id"),
            type_code=c.get("type_code"),
            category=c.get("category") or "other",
            name=c.get("name"),
            description=c.get("description"),
            answers=tuple(_answer(a) for a in c.get("answers") or [] if isinstance(a, dict)),
        )
        for c in stored.get("criteria") or []
        if isinstance(c, dict)
    ]
    response = EspdResponse(
        version=str(stored.get("version") or ""),
        profile=None,
        profile_id=None,
        response_id=None,
        uuid=None,
        issue_date=None,
        economic_operator=None,
        procurement=Procurement(None, None, None, None),
        criteria=tuple(criteria),
    )
    matches = reader_line_up(response, [(f"{k}-{n}", code) for k, n, _, code in items])
    return [
        LinedUp(
            kind,
            number,
            text,
            code,
            match.status,
            [
                (a.question, answer_value(a) if locale is None else answer_value(a, locale))
                for c in match.criteria
                for a in c.answers
            ],
        )
        for (kind, number, text, code), match in zip(items, matches, strict=True)
    ]


# -- documents ---------------------------------------------------------------------------------------------
def add_document(
    tender: Tender,
    req: ParticipationRequest,
    *,
    requirement_id: int | None,
    filename: str,
    content_type: str,
    data: bytes,
    at: datetime,
    actor: Any,
) -> RequestDocument:
    _check_editable(tender, req, at, None)
    if requirement_id is not None and requirement_id not in {r.id for r in requirements_of(tender)}:
        raise DomainError("Velg et av kvalifikasjonskravene i listen.", field="requirement")
    if (problem := document_problem(filename, data)) is not None:
        raise DomainError(problem, field="file")
    name = clean_filename(filename, "dokument")
    document = RequestDocument(
        requirement_id=requirement_id,
        filename=name,
        content_type=(content_type or "application/octet-stream")[:120],
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        data=data,
        uploaded_at=at,
    )
    req.documents.append(document)
    _touch(req, at)
    db.session.flush()
    audit.record(
        "request.document_added",
        req,
        actor=actor,
        payload={"filename": name, "sha256": document.sha256, "requirement": requirement_id},
    )
    return document


def delete_document(
    tender: Tender, req: ParticipationRequest, document: RequestDocument, *, at: datetime, actor: Any
) -> None:
    _check_editable(tender, req, at, None)
    req.documents.remove(document)
    _touch(req, at)
    db.session.flush()
    audit.record("request.document_removed", req, actor=actor, payload={"filename": document.filename})


# -- references --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ReferenceInput:
    customer: str
    system: str = ""
    contact: str = ""
    period: str = ""
    description: str = ""


def add_reference(
    tender: Tender, req: ParticipationRequest, data: ReferenceInput, *, at: datetime, actor: Any
) -> RequestReference:
    _check_editable(tender, req, at, None)
    if not data.customer.strip():
        raise DomainError("Skriv hvem kunden er.", field="customer")
    reference = RequestReference(
        customer=data.customer.strip(),
        system=data.system.strip(),
        contact=data.contact.strip(),
        period=data.period.strip(),
        description=data.description.strip(),
    )
    req.references.append(reference)
    _touch(req, at)
    db.session.flush()
    audit.record("request.reference_added", req, actor=actor, payload={"customer": reference.customer})
    return reference


def delete_reference(
    tender: Tender, req: ParticipationRequest, reference: RequestReference, *, at: datetime, actor: Any
) -> None:
    _check_editable(tender, req, at, None)
    req.references.remove(reference)
    _touch(req, at)
    db.session.flush()
    audit.record("request.reference_removed", req, actor=actor, payload={"customer": reference.customer})


# -- parts handed in by domains above -----------------------------------------------------------------------
class RequestPart(Protocol):
    """Something a domain above prequalification hands in with a request (the Noark 5 sample, when the
    setup demands one): listed when missing, sealed at the submission before the receipt's hash is computed,
    and named under ``key`` in the content the hash covers. That domain registers it
    (:func:`register_request_part`) when its package is imported; this floor never imports it."""

    key: str

    def missing(self, tender: Tender, req: ParticipationRequest) -> list[str]:
        """What of this part the tender demands and the request lacks, in words (empty: nothing)."""

    def seal(self, req: ParticipationRequest, *, actor: Any) -> None:
        """At the submission: record what goes with the request as submitted with it."""

    def content(self, req: ParticipationRequest) -> dict[str, Any] | None:
        """What goes with ``req`` in the receipt's content, or None when nothing does."""


_REQUEST_PARTS: dict[str, RequestPart] = {}


def register_request_part(part: RequestPart) -> None:
    _REQUEST_PARTS[part.key] = part


# -- submission --------------------------------------------------------------------------------------------
def request_content(req: ParticipationRequest) -> dict[str, Any]:
    """Everything submitted, in canonical form: what the receipt's SHA-256 covers (with the parts handed in
    with it, e.g. the Noark 5 sample by file name and SHA-256, when there is one)."""
    content: dict[str, Any] = {
        "tender": req.tender_id,
        "vendor": {"name": req.vendor.name, "organisasjonsnummer": req.vendor.organisasjonsnummer},
        "company": {
            "contact_name": req.contact_name,
            "contact_email": req.contact_email,
            "contact_phone": req.contact_phone,
            "address": req.address,
            "country": req.country,
        },
        "espd": {
            "source": req.espd_source,
            "filename": req.espd_filename,
            "sha256": req.espd_sha256,
            "answers": req.espd,
        },
        "documents": sorted(
            (
                {"requirement": d.requirement_id, "filename": d.filename, "sha256": d.sha256}
                for d in req.documents
                if d.clarification_id is None
            ),
            key=lambda d: (d["requirement"] or 0, d["sha256"], d["filename"]),
        ),
        "references": sorted(
            (
                {
                    "customer": r.customer,
                    "system": r.system,
                    "contact": r.contact,
                    "period": r.period,
                    "description": r.description,
                }
                for r in req.references
            ),
            key=lambda r: json.dumps(r, sort_keys=True, ensure_ascii=False),
        ),
    }
    for key, part in sorted(_REQUEST_PARTS.items()):
        found = part.content(req)
        # absent rather than null, so receipts of requests without a sample keep their hash
        if found is not None:
            content[key] = found
    return content


def content_sha256(req: ParticipationRequest) -> str:
    text = json.dumps(request_content(req), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def missing_parts(tender: Tender, req: ParticipationRequest) -> list[str]:
    """What the request lacks that the tender asks for (ESPD answers, a document per requirement), in
    words."""
    missing: list[str] = []
    if not req.espd_source:
        missing.append("ESPD-svar mangler: les inn en ESPD-fil eller fyll ut ESPD-skjemaet.")
    else:
        for item in line_up(tender, req):
            if item.status == "missing":
                what = "Avvisningsgrunn" if item.kind == "grunn" else "Kvalifikasjonskrav"
                missing.append(f"{what} {item.number} er ikke besvart i ESPD-svarene: {item.text}")
    covered = {d.requirement_id for d in req.documents}
    for number, requirement in enumerate(requirements_of(tender), 1):
        if requirement.id not in covered:
            missing.append(f"Dokumentasjon mangler for kvalifikasjonskrav {number}: {requirement.text}")
    for _, part in sorted(_REQUEST_PARTS.items()):
        missing.extend(part.missing(tender, req))
    return missing


def submit(
    tender: Tender, req: ParticipationRequest, *, at: datetime, actor: Any, confirm_missing: bool = False
) -> str:
    """Deliver the request before the deadline; returns the receipt's SHA-256. Contact name and e-mail are
    needed (the group must reach the vendor); missing ESPD answers or documents are listed and need the
    vendor's confirmation (:class:`MissingParts`), since the group decides qualification."""
    _check_editable(tender, req, at, None)
    blocking = []
    if not req.contact_name.strip():
        blocking.append("Kontaktperson mangler under firmaopplysninger.")
    if not req.contact_email.strip():
        blocking.append("E-postadresse mangler under firmaopplysninger.")
    if blocking:
        raise DomainError(blocking[0], reasons={"": blocking})
    missing = missing_parts(tender, req)
    if missing and not confirm_missing:
        raise MissingParts(missing)
    for part in _REQUEST_PARTS.values():
        # e.g. the vendor's newest Noark sample is recorded as the one submitted with the request
        part.seal(req, actor=actor)
    digest = content_sha256(req)
    req.status = RequestStatus.SUBMITTED
    req.submitted_at = at
    req.receipt_sha256 = digest
    _touch(req, at)
    db.session.flush()
    audit.record(
        "request.submitted",
        req,
        actor=actor,
        payload={
            "vendor": req.vendor.organisasjonsnummer,
            "sha256": digest,
            "at": at.isoformat(),
            "missing": len(missing),
        },
    )
    return digest
