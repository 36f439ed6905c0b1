"""The requests' opening by two, their assessment (qualification requirements, grounds for exclusion), the
clarifications sent to the vendors, and the selection scores (individual, then by consensus).

The opening is the bids' opening (tender.tenders.opening) with the requests' tables, right and deadline.
The scores use the scoring core's scale check (:func:`tender.core.scoring.check_score`) and the consensus
core's disagreement rule (:func:`tender.core.consensus.disagree`), with the half-point setting and the
disagreement threshold of the tender's evaluation model: one scoring engine for bids and requests.

"Now" comes from the caller as ``at`` (``tender.clock.now()`` in the views); nothing here commits.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from sqlalchemy import select

from tender import audit
from tender.core.consensus import disagree
from tender.core.scoring import Criterion, RequirementStatus, ScoringModel, check_score
from tender.errors import DomainError
from tender.evaluation_model.operations import model_or_default
from tender.extensions import db
from tender.prequalification.models import (
    Clarification,
    ExclusionAssessment,
    ExclusionGround,
    ParticipationRequest,
    QualificationAssessment,
    QualificationRequirement,
    RequestDocument,
    RequestOpening,
    RequestOpeningConfirmation,
    SelectionConsensusScore,
    SelectionCriterion,
    SelectionIndividualScore,
)
from tender.prequalification.permissions import confirm_request_opening
from tender.prequalification.queries import requirements_of, setup_of, submitted_requests
from tender.prequalification.request_operations import LATE_ACTIONS
from tender.reports import model_wording
from tender.tenders import opening as shared_opening
from tender.tenders.models import Role, Tender, Vendor
from tender.web.uploads import clean_filename, document_problem

#: the selection criteria's announced scale
SCALE_MAX = 10
#: a clarification's deadline unless the assessor sets another
CLARIFICATION_DAYS = 5
MAX_CLARIFICATION_DAYS = 30
STATUS_WORDS = {
    RequirementStatus.MET: "Oppfylt",
    RequirementStatus.NOT_MET: "Ikke oppfylt",
    RequirementStatus.CLARIFY: "Må avklares",
}


# -- reading -----------------------------------------------------------------------------------------------


# -- the opening -------------------------------------------------------------------------------------------
def _request_items(tender: Tender) -> list[dict[str, Any]]:
    return [
        {
            "vendor": r.vendor.name,
            "organisasjonsnummer": r.vendor.organisasjonsnummer,
            "submitted_at": r.submitted_at.isoformat() if r.submitted_at else None,
            "receipt_sha256": r.receipt_sha256,
        }
        for r in submitted_requests(tender)
    ]


def _setup_frozen(tender: Tender) -> str | None:
    setup = setup_of(tender)
    if setup is None or not setup.enabled:
        return "Konkurransen har ingen prekvalifisering."
    if not setup.is_frozen:
        return "Oppsettet for prekvalifiseringen må være låst før forespørslene åpnes."
    return None


#: the requests' opening: the bids' opening by two with the prequalification's tables, right and deadline
REQUEST_OPENING = shared_opening.OpeningKind(
    confirmation=RequestOpeningConfirmation,
    opening=RequestOpening,
    right=lambda user, tender, at: confirm_request_opening(user, tender, now=at),
    deadline=lambda tender: tender.participation_deadline,
    items=_request_items,
    items_key="requests",
    confirmed_event="requests.opening_confirmed",
    withdrawn_event="requests.opening_confirmation_withdrawn",
    opened_event="requests.opened",
    late_event="request.late_attempt",
    what="forespørslene",
    deadline_name="fristen for forespørsler om å delta",
    precondition=_setup_frozen,
)


def opening_of(tender: Tender) -> RequestOpening | None:
    return shared_opening.opening_of(REQUEST_OPENING, tender)  # type: ignore[no-any-return]


def opening_status(tender: Tender, at: datetime) -> shared_opening.OpeningStatus:
    return shared_opening.opening_status(REQUEST_OPENING, tender, at)


def confirm_opening(tender: Tender, *, at: datetime, actor: Any) -> RequestOpening | None:
    """One member's confirmation; the last one the tender's opening setting asks for opens the requests."""
    return shared_opening.confirm_opening(REQUEST_OPENING, tender, at=at, actor=actor)  # type: ignore[no-any-return]


def withdraw_opening_confirmation(tender: Tender, *, at: datetime, actor: Any) -> None:
    shared_opening.withdraw_opening_confirmation(REQUEST_OPENING, tender, at=at, actor=actor)


@dataclass(frozen=True)
class OpeningRecord:
    """The requests' opening record as the page shows it (times as datetimes, shown in Oslo time)."""

    opened_at: datetime
    persons_required: int
    opened_by: list[dict[str, Any]]
    requests: list[dict[str, Any]]
    late_attempts: list[dict[str, Any]]


def opening_record(opening: RequestOpening) -> OpeningRecord:
    raw = json.loads(opening.record_json)
    return OpeningRecord(
        opened_at=opening.opened_at,
        persons_required=opening.persons_required,
        opened_by=shared_opening.people_of(raw),
        requests=shared_opening.items_of(raw, "requests"),
        late_attempts=shared_opening.late_of(raw, LATE_ACTIONS),
    )


# -- the assessment ----------------------------------------------------------------------------------------
def _opened(tender: Tender) -> None:
    if opening_of(tender) is None:
        raise DomainError("Forespørslene er ikke åpnet.")


def _check_request(tender: Tender, request: ParticipationRequest) -> None:
    if request.tender_id != tender.id or not request.is_submitted:
        raise DomainError("Forespørselen finnes ikke.")


def assessments_of(request: ParticipationRequest) -> dict[int, QualificationAssessment]:
    rows = db.session.scalars(
        select(QualificationAssessment).where(QualificationAssessment.request_id == request.id)
    )
    return {a.requirement_id: a for a in rows}


def exclusions_of(request: ParticipationRequest) -> dict[int, ExclusionAssessment]:
    rows = db.session.scalars(select(ExclusionAssessment).where(ExclusionAssessment.request_id == request.id))
    return {a.ground_id: a for a in rows}


def _justification(text: str, field: str = "justification", what: str = "begrunnelse") -> str:
    cleaned = (text or "").strip()
    if not cleaned:
        raise DomainError(f"Skriv en {what}.", field=field)
    if len(cleaned) > 10_000:
        raise DomainError(f"{what.capitalize()}n kan ha høyst 10 000 tegn.", field=field)
    return cleaned


def assess_requirement(
    tender: Tender,
    request: ParticipationRequest,
    requirement: QualificationRequirement,
    *,
    status: RequirementStatus,
    justification: str,
    at: datetime,
    actor: Any,
) -> QualificationAssessment:
    """Met, not met or needs clarification, always with a justification; the latest assessment counts."""
    _opened(tender)
    _check_request(tender, request)
    if requirement.tender_id != tender.id:
        raise DomainError("Kvalifikasjonskravet finnes ikke.")
    text = _justification(justification)
    row = assessments_of(request).get(requirement.id)
    before = row.status.value if row is not None else None
    actor_id = actor.id  # read before a new row is pending: loading an expired actor would flush it half-made
    if row is None:
        row = QualificationAssessment(request_id=request.id, requirement_id=requirement.id)
    row.status, row.justification = status, text
    row.assessed_by_id, row.assessed_at = actor_id, at
    db.session.add(row)
    db.session.flush()
    audit.record(
        "qualification.assessed",
        row,
        tender_id=tender.id,
        actor=actor,
        payload={
            "request": request.id,
            "vendor": request.vendor.organisasjonsnummer,
            # the requirement's text: its position counts within its group, so a number would be ambiguous
            "requirement": requirement.text,
            "from": before,
            "status": status.value,
            "justification": text,
        },
    )
    return row


def assess_exclusion(
    tender: Tender,
    request: ParticipationRequest,
    ground: ExclusionGround,
    *,
    applies: bool,
    reason: str,
    at: datetime,
    actor: Any,
) -> ExclusionAssessment:
    """Whether a ground for exclusion applies to the request, with the reason."""
    _opened(tender)
    _check_request(tender, request)
    if ground.tender_id != tender.id:
        raise DomainError("Avvisningsgrunnen finnes ikke.")
    text = _justification(reason, "reason", "begrunnelse")
    row = exclusions_of(request).get(ground.id)
    actor_id = actor.id
    if row is None:
        row = ExclusionAssessment(request_id=request.id, ground_id=ground.id)
    row.applies, row.reason = applies, text
    row.assessed_by_id, row.assessed_at = actor_id, at
    db.session.add(row)
    db.session.flush()
    audit.record(
        "exclusion.assessed",
        row,
        tender_id=tender.id,
        actor=actor,
        payload={
            "request": request.id,
            "vendor": request.vendor.organisasjonsnummer,
            "ground": ground.position,
            "applies": applies,
            "reason": text,
        },
    )
    return row


# -- clarifications ----------------------------------------------------------------------------------------
def clarifications_of(request: ParticipationRequest) -> list[Clarification]:
    return list(
        db.session.scalars(
            select(Clarification).where(Clarification.request_id == request.id).order_by(Clarification.id)
        )
    )


def vendor_clarifications(tender: Tender, vendor: Vendor) -> list[Clarification]:
    """The clarifications sent to ``vendor`` in this tender (only once the requests are opened)."""
    return list(
        db.session.scalars(
            select(Clarification)
            .join(ParticipationRequest, ParticipationRequest.id == Clarification.request_id)
            .where(ParticipationRequest.tender_id == tender.id, ParticipationRequest.vendor_id == vendor.id)
            .order_by(Clarification.id)
        )
    )


def ask_clarification(
    tender: Tender,
    request: ParticipationRequest,
    requirement: QualificationRequirement | None,
    *,
    question: str,
    days: int = CLARIFICATION_DAYS,
    at: datetime,
    actor: Any,
) -> Clarification:
    """Send a clarification request to the vendor with a short deadline (``days`` from now)."""
    _opened(tender)
    _check_request(tender, request)
    if requirement is not None and requirement.tender_id != tender.id:
        raise DomainError("Kvalifikasjonskravet finnes ikke.")
    text = _justification(question, "question", "spørsmål")
    if not 1 <= days <= MAX_CLARIFICATION_DAYS:
        raise DomainError(f"Fristen må være mellom 1 og {MAX_CLARIFICATION_DAYS} dager.", field="days")
    row = Clarification(
        request_id=request.id,
        requirement_id=requirement.id if requirement is not None else None,
        question=text,
        asked_by_id=actor.id,
        asked_at=at,
        deadline=at + timedelta(days=days),
    )
    db.session.add(row)
    db.session.flush()
    audit.record(
        "clarification.asked",
        row,
        tender_id=tender.id,
        actor=actor,
        payload={
            "request": request.id,
            "vendor": request.vendor.organisasjonsnummer,
            "requirement": requirement.text if requirement is not None else None,
            "question": text,
            "deadline": row.deadline.isoformat(),
        },
    )
    return row


class LateAnswer(shared_opening.LateAttempt):
    """The clarification's deadline has passed: refused; the caller keeps the attempt in the trail."""


def record_late_answer(tender: Tender, clarification: Clarification, *, at: datetime, actor: Any) -> None:
    """Log a refused late answer (kept although the refused change is rolled back)."""
    shared_opening.record_late_attempt(
        "clarification.late_attempt",
        clarification,
        tender_id=tender.id,
        at=at,
        deadline=clarification.deadline,
        actor=actor,
    )


@dataclass(frozen=True)
class Upload:
    filename: str
    content_type: str
    data: bytes


def answer_clarification(
    tender: Tender,
    clarification: Clarification,
    vendor: Vendor,
    *,
    answer: str,
    files: Sequence[Upload] = (),
    at: datetime,
    actor: Any,
) -> Clarification:
    """The vendor's answer, with documents, before the deadline; kept beside the original request (the
    documents are the request's, marked with this clarification), never replacing anything."""
    request = db.session.get(ParticipationRequest, clarification.request_id)
    if request is None or request.tender_id != tender.id or request.vendor_id != vendor.id:
        raise DomainError("Avklaringen finnes ikke.")
    if at >= clarification.deadline:
        raise LateAnswer(shared_opening.too_late("Fristen for å svare på avklaringen", "Svaret", "leveres"))
    if clarification.answered_at is not None:
        raise DomainError("Avklaringen er allerede besvart.")
    text = _justification(answer, "answer", "svar")
    # the same checks as the request's own documents: the answer only completes the request
    for upload in files:
        if (problem := document_problem(upload.filename, upload.data)) is not None:
            raise DomainError(problem, field="file")
    clarification.answer = text
    clarification.answered_at = at
    clarification.answered_by_id = actor.id
    names = []
    for upload in files:
        name = clean_filename(upload.filename, "dokument")
        db.session.add(
            RequestDocument(
                request_id=request.id,
                requirement_id=clarification.requirement_id,
                clarification_id=clarification.id,
                filename=name,
                content_type=(upload.content_type or "application/octet-stream")[:120],
                size=len(upload.data),
                sha256=hashlib.sha256(upload.data).hexdigest(),
                data=upload.data,
                uploaded_at=at,
            )
        )
        names.append({"filename": name, "sha256": hashlib.sha256(upload.data).hexdigest()})
    db.session.flush()
    audit.record(
        "clarification.answered",
        clarification,
        tender_id=tender.id,
        actor=actor,
        payload={"request": request.id, "vendor": vendor.organisasjonsnummer, "documents": names},
    )
    return clarification


# -- selection scores ----------------------------------------------------------------------------------------
#: the finest step the selection scores' column keeps (Numeric(5, 1))
FINEST_STEP = Fraction(1, 10)


def selection_step(tender: Tender) -> Fraction:
    """The step of the 0–10 selection scale: the evaluation model's step (docs/prequalification.md), where
    the 0–10 scale and the one-decimal column can hold it; a continuous scale, or a step that does not divide
    10 in steps of whole tenths (0,25; 0,3), gives tenths: what the column keeps."""
    model = model_or_default(tender)
    step = Fraction(model.scale_step) if model.scale_step is not None else Fraction(1)
    if step <= 0 or (Fraction(SCALE_MAX) / step).denominator != 1 or (step / FINEST_STEP).denominator != 1:
        return FINEST_STEP
    return step


def _scale(tender: Tender) -> tuple[ScoringModel, Fraction]:
    step = selection_step(tender)
    model = ScoringModel(
        criteria=(Criterion(id="x", weight=Fraction(100)),),
        scale_max=Fraction(SCALE_MAX),
        scale_step=step,
    )
    return model, step


def threshold(tender: Tender) -> Decimal:
    """The disagreement threshold: the tender's evaluation model's, as for the bids."""
    return Decimal(model_or_default(tender).disagreement_threshold)


def score_value(tender: Tender, raw: Decimal | str | None) -> Decimal:
    """The score checked against the 0–10 scale by the scoring core, on the step of :func:`selection_step`
    (whole points, half points, tenths … as the tender's evaluation model says)."""
    model, step = _scale(tender)
    steps = "i hele eller halve poeng" if step == Fraction(1, 2) else model_wording.step_text(step)
    problem = f"Poengene må være mellom 0 og {SCALE_MAX}, {steps}."
    try:
        value = Decimal(str(raw).replace(",", ".").strip()) if raw is not None else None
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite() or check_score(Fraction(value), model) is not None:
        raise DomainError(problem, field="score")
    return value


def qualified(tender: Tender, request: ParticipationRequest) -> bool:
    """Every requirement assessed as met and no ground for exclusion found to apply."""
    marks = assessments_of(request)
    met = all(
        (a := marks.get(r.id)) is not None and a.status is RequirementStatus.MET
        for r in requirements_of(tender)
    )
    return met and not any(e.applies for e in exclusions_of(request).values())


def verdict(tender: Tender, request: ParticipationRequest) -> str:
    """The assessment so far, in words: qualified, not qualified (a requirement not met or a ground that
    applies), or still being assessed."""
    marks = assessments_of(request)
    if any(m.status is RequirementStatus.NOT_MET for m in marks.values()) or any(
        e.applies for e in exclusions_of(request).values()
    ):
        return "Ikke kvalifisert"
    return "Kvalifisert" if qualified(tender, request) else "Under vurdering"


def _check_criterion(tender: Tender, criterion: SelectionCriterion) -> None:
    if criterion.tender_id != tender.id:
        raise DomainError("Utvelgelseskriteriet finnes ikke.")


def consensus_of(
    request: ParticipationRequest, criterion: SelectionCriterion
) -> SelectionConsensusScore | None:
    return db.session.scalar(
        select(SelectionConsensusScore).where(
            SelectionConsensusScore.request_id == request.id,
            SelectionConsensusScore.criterion_id == criterion.id,
        )
    )


def score_individually(
    tender: Tender,
    request: ParticipationRequest,
    criterion: SelectionCriterion,
    *,
    score: Decimal | str | None,
    justification: str,
    at: datetime,
    actor: Any,
) -> SelectionIndividualScore:
    """One evaluator's own score of a qualified request on one criterion, with a justification; changeable
    until the lead has set the consensus score of that request and criterion."""
    _opened(tender)
    _check_request(tender, request)
    _check_criterion(tender, criterion)
    if Role.EVALUATOR not in tender.roles_of(actor):
        raise DomainError("Bare evaluatorer gir individuelle poeng.")
    if not qualified(tender, request):
        raise DomainError(
            "Forespørselen er ikke vurdert som kvalifisert: alle krav må være oppfylt og ingen "
            "avvisningsgrunn må gjelde før den gis poeng."
        )
    if consensus_of(request, criterion) is not None:
        raise DomainError("Konsensus er satt for dette kriteriet; de individuelle poengene kan ikke endres.")
    value = score_value(tender, score)
    text = _justification(justification)
    row = db.session.scalar(
        select(SelectionIndividualScore).where(
            SelectionIndividualScore.request_id == request.id,
            SelectionIndividualScore.criterion_id == criterion.id,
            SelectionIndividualScore.evaluator_id == actor.id,
        )
    )
    if row is None:
        row = SelectionIndividualScore(
            request_id=request.id, criterion_id=criterion.id, evaluator_id=actor.id
        )
    row.score, row.justification, row.updated_at = value, text, at
    db.session.add(row)
    db.session.flush()
    audit.record(
        "selection.scored",
        row,
        tender_id=tender.id,
        actor=actor,
        payload={
            "request": request.id,
            "vendor": request.vendor.organisasjonsnummer,
            "criterion": criterion.name,
            "score": f"{value:f}",
        },
    )
    return row


def individual_scores(
    request: ParticipationRequest, *, viewer: Any, see_all: bool
) -> dict[int, list[SelectionIndividualScore]]:
    """Per criterion id, the individual scores ``viewer`` may see: every one when ``see_all`` (the lead, or
    for a criterion whose consensus is set), else only their own."""
    rows = list(
        db.session.scalars(
            select(SelectionIndividualScore)
            .where(SelectionIndividualScore.request_id == request.id)
            .order_by(SelectionIndividualScore.id)
        )
    )
    agreed = {
        c.criterion_id
        for c in db.session.scalars(
            select(SelectionConsensusScore).where(SelectionConsensusScore.request_id == request.id)
        )
    }
    found: dict[int, list[SelectionIndividualScore]] = {}
    for row in rows:
        if see_all or row.criterion_id in agreed or row.evaluator_id == getattr(viewer, "id", None):
            found.setdefault(row.criterion_id, []).append(row)
    return found


def disagreeing(tender: Tender, scores: dict[int, list[SelectionIndividualScore]]) -> set[int]:
    """The criteria whose individual scores lie more than the threshold apart (the consensus core's rule)."""
    limit = threshold(tender)
    return {key for key, rows in scores.items() if disagree([Decimal(r.score) for r in rows], limit)}


def set_consensus(
    tender: Tender,
    request: ParticipationRequest,
    criterion: SelectionCriterion,
    *,
    score: Decimal | str | None,
    justification: str,
    at: datetime,
    actor: Any,
) -> SelectionConsensusScore:
    """The lead's consensus score of a qualified request on one criterion, with a justification."""
    _opened(tender)
    _check_request(tender, request)
    _check_criterion(tender, criterion)
    if not qualified(tender, request):
        raise DomainError("Forespørselen er ikke vurdert som kvalifisert og kan ikke gis konsensuspoeng.")
    value = score_value(tender, score)
    text = _justification(justification)
    row = consensus_of(request, criterion)
    before = f"{Decimal(row.score):f}" if row is not None else None
    actor_id = actor.id  # read before a new row is pending: loading an expired actor would flush it half-made
    if row is None:
        row = SelectionConsensusScore(request_id=request.id, criterion_id=criterion.id)
    row.score, row.justification, row.set_by_id, row.updated_at = value, text, actor_id, at
    db.session.add(row)
    db.session.flush()
    audit.record(
        "selection.consensus_set",
        row,
        tender_id=tender.id,
        actor=actor,
        payload={
            "request": request.id,
            "vendor": request.vendor.organisasjonsnummer,
            "criterion": criterion.name,
            "from": before,
            "score": f"{value:f}",
            "justification": text,
        },
    )
    return row
