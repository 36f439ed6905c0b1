"""The letters, the prequalification report and the assessment matrix: the data they are made from, read
from the rows of this domain and the final selection proposal's record, and the one act among them
(generating the letters for sending, which writes each letter's hash to the audit trail).

The final :class:`SelectionProposal`'s ``record`` is the canonical form of the selection made by
``tender.core.prequalification.selection_canonical_form`` (read here through :class:`SelectionRecord`):

    {"invited": ["12", ...],                      request ids (as text) of the invited candidates
     "ranking": [{"request": "12", "name": ..., "rank": 1, "total": "7.35",
                  "scores": {"<criterion id>": "8", ...}}, ...],   exact numbers as text ("100/3" too)
     "not_ranked": [{"request": "15", "reason": "not_qualified" | "excluded" | ...}],
     "tie_decisions": [{"order": ["13", "14"], "reason": ...}],
     "setup_hash": ..., "maximum": 4,
     "reasons": {"<request id>": "why it was not invited"}}        optional

Request and criterion ids are the database ids as text. Every outcome also stands on the request
(``ParticipationRequest.outcome``); where it is not set yet the record decides.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from fractions import Fraction
from typing import Any

from sqlalchemy import select

from tender import audit
from tender.core.scoring import RequirementStatus
from tender.errors import DomainError
from tender.extensions import db
from tender.prequalification.models import (
    Clarification,
    ExclusionAssessment,
    ParticipationRequest,
    Prequalification,
    QualificationAssessment,
    RequestOpening,
    RequestOutcome,
    RequestStatus,
    SelectionConsensusScore,
    SelectionProposal,
    SelectionTieBreak,
)
from tender.prequalification.queries import criteria_of, grounds_of, requirements_of, submitted_requests
from tender.tenders.models import Tender


# -- the record of the final selection ---------------------------------------------------------------------
def _fraction(value: Any) -> Fraction:
    """An exact number from the record: "7.35", "100/3", 7 (never a float's rounding)."""
    return Fraction(str(value))


@dataclass(frozen=True)
class RankedEntry:
    """One ranked request in the record: its rank, weighted total (0–10) and consensus scores."""

    request_id: str
    name: str
    rank: int
    total: Fraction
    scores: Mapping[str, Fraction]


@dataclass(frozen=True)
class SelectionRecord:
    """The final selection proposal's record, read (see the module's docstring for its shape)."""

    invited: tuple[str, ...]
    ranking: tuple[RankedEntry, ...]
    not_ranked: Mapping[str, str]
    tie_decisions: tuple[tuple[tuple[str, ...], str], ...]
    setup_hash: str | None = None
    maximum: int | None = None
    reasons: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def read(cls, record: Mapping[str, Any]) -> SelectionRecord:
        ranking = tuple(
            RankedEntry(
                str(r["request"]),
                str(r.get("name", "")),
                int(r["rank"]),
                _fraction(r["total"]),
                {str(k): _fraction(v) for k, v in (r.get("scores") or {}).items()},
            )
            for r in record.get("ranking") or ()
        )
        return cls(
            invited=tuple(str(i) for i in record.get("invited") or ()),
            ranking=ranking,
            not_ranked={str(u["request"]): str(u.get("reason", "")) for u in record.get("not_ranked") or ()},
            tie_decisions=tuple(
                (tuple(str(i) for i in d.get("order") or ()), str(d.get("reason", "")))
                for d in record.get("tie_decisions") or ()
            ),
            setup_hash=record.get("setup_hash"),
            maximum=record.get("maximum"),
            reasons={str(k): str(v) for k, v in (record.get("reasons") or {}).items()},
        )

    def entry(self, request_id: int | str) -> RankedEntry | None:
        return next((e for e in self.ranking if e.request_id == str(request_id)), None)


def final_proposal(tender: Tender) -> SelectionProposal | None:
    """The selection proposal in force: the latest final one."""
    return db.session.scalar(
        select(SelectionProposal)
        .where(SelectionProposal.tender_id == tender.id, SelectionProposal.final_at.is_not(None))
        .order_by(SelectionProposal.number.desc())
        .limit(1)
    )


def _final(tender: Tender) -> tuple[SelectionProposal, SelectionRecord]:
    proposal = final_proposal(tender)
    if proposal is None:
        raise DomainError("Utvelgelsen er ikke endelig ennå; brevene kan lages når den er det.")
    return proposal, SelectionRecord.read(proposal.record)


def outcome_of(request: ParticipationRequest, record: SelectionRecord) -> RequestOutcome:
    """What the final selection decided for ``request``: the request's own outcome, else the record's."""
    if request.outcome is not None:
        return request.outcome
    if str(request.id) in record.invited:
        return RequestOutcome.INVITED
    if record.not_ranked.get(str(request.id)) in ("not_qualified", "excluded"):
        return RequestOutcome.REJECTED
    return RequestOutcome.NOT_SELECTED


# -- rows --------------------------------------------------------------------------------------------------


def submitted_request(tender: Tender, request_id: int) -> ParticipationRequest | None:
    """A submitted request of this tender, or None (a draft, another tender's or a missing id alike)."""
    return db.session.scalar(
        select(ParticipationRequest).where(
            ParticipationRequest.id == request_id,
            ParticipationRequest.tender_id == tender.id,
            ParticipationRequest.status == RequestStatus.SUBMITTED,
        )
    )


def _by_request(rows: Sequence[Any]) -> dict[int, list[Any]]:
    found: dict[int, list[Any]] = {}
    for row in rows:
        found.setdefault(row.request_id, []).append(row)
    return found


def _assessments(ids: Sequence[int]) -> dict[int, list[QualificationAssessment]]:
    return _by_request(
        db.session.scalars(
            select(QualificationAssessment).where(QualificationAssessment.request_id.in_(ids))
        ).all()
    )


def _exclusions(ids: Sequence[int]) -> dict[int, list[ExclusionAssessment]]:
    return _by_request(
        db.session.scalars(select(ExclusionAssessment).where(ExclusionAssessment.request_id.in_(ids))).all()
    )


def _consensus(ids: Sequence[int]) -> dict[int, list[SelectionConsensusScore]]:
    return _by_request(
        db.session.scalars(
            select(SelectionConsensusScore).where(SelectionConsensusScore.request_id.in_(ids))
        ).all()
    )


def _clarifications(ids: Sequence[int]) -> dict[int, list[Clarification]]:
    return _by_request(
        db.session.scalars(
            select(Clarification).where(Clarification.request_id.in_(ids)).order_by(Clarification.asked_at)
        ).all()
    )


# -- what the writers are fed ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Header:
    """What every document of the prequalification carries at the top."""

    tender_title: str
    case_reference: str
    municipalities: tuple[str, ...]
    date: datetime  #: the moment the document is dated by (shown as the Oslo date)


@dataclass(frozen=True)
class CriterionInfo:
    id: str
    name: str
    weight: Fraction  #: percent


@dataclass(frozen=True)
class Finding:
    """A requirement not met or a ground for exclusion that applies: what it is and why."""

    text: str
    justification: str


@dataclass(frozen=True)
class ScoreLine:
    """One candidate's row in a letter's comparison: scores per criterion, weighted total, rank."""

    name: str
    scores: tuple[Fraction | None, ...]
    total: Fraction | None
    rank: int | None
    own: bool = False


@dataclass(frozen=True)
class LetterContent:
    header: Header
    outcome: RequestOutcome
    vendor_name: str
    organisasjonsnummer: str
    address: str
    contact_name: str
    submitted_at: datetime | None
    bid_deadline: datetime | None
    invited_count: int
    maximum: int | None
    criteria: tuple[CriterionInfo, ...]
    #: rejected: the requirements not met and the grounds for exclusion that apply, with the group's words
    requirements_not_met: tuple[Finding, ...] = ()
    exclusions: tuple[Finding, ...] = ()
    #: not selected (and invited, for its own line): its line first, then the selected candidates'
    score_lines: tuple[ScoreLine, ...] = ()
    #: the consensus justification per criterion of its own scores
    justifications: tuple[Finding, ...] = ()
    reason: str = ""


def header_of(tender: Tender, moment: datetime) -> Header:
    return Header(
        tender.title,
        tender.case_reference,
        tuple(m.name for m in tender.participating_municipalities),
        moment,
    )


def _criterion_infos(tender: Tender) -> tuple[CriterionInfo, ...]:
    return tuple(CriterionInfo(str(c.id), c.name, Fraction(str(c.weight))) for c in criteria_of(tender))


def _score_line(
    entry: RankedEntry | None, name: str, criteria: Sequence[CriterionInfo], own: bool = False
) -> ScoreLine:
    if entry is None:
        return ScoreLine(name, tuple(None for _ in criteria), None, None, own)
    return ScoreLine(name, tuple(entry.scores.get(c.id) for c in criteria), entry.total, entry.rank, own)


def letter_content(tender: Tender, request: ParticipationRequest) -> LetterContent:
    """Everything the letter to ``request``'s vendor says; DomainError while the selection is not final."""
    proposal, record = _final(tender)
    assert proposal.final_at is not None
    outcome = outcome_of(request, record)
    criteria = _criterion_infos(tender)
    requests = {str(r.id): r for r in submitted_requests(tender)}
    entry = record.entry(request.id)
    own = _score_line(entry, request.vendor.name, criteria, own=True)
    # the selected candidates in the order of the ranking (those invited without a rank, last)
    in_order = [e.request_id for e in record.ranking if e.request_id in record.invited]
    in_order += sorted(set(record.invited) - set(in_order))
    selected = [
        _score_line(record.entry(rid), requests[rid].vendor.name if rid in requests else rid, criteria)
        for rid in in_order
        if rid != str(request.id)
    ]
    not_met: list[Finding] = []
    exclusions: list[Finding] = []
    justifications: list[Finding] = []
    if outcome is RequestOutcome.REJECTED:
        texts = {r.id: r.text for r in requirements_of(tender)}
        not_met = [
            Finding(texts.get(a.requirement_id, ""), a.justification)
            for a in sorted(_assessments([request.id]).get(request.id, []), key=lambda a: a.requirement_id)
            if a.status is RequirementStatus.NOT_MET
        ]
        ground_texts = {g.id: g.text for g in grounds_of(tender)}
        exclusions = [
            Finding(ground_texts.get(e.ground_id, ""), e.reason)
            for e in sorted(_exclusions([request.id]).get(request.id, []), key=lambda e: e.ground_id)
            if e.applies
        ]
    else:
        names = {c.id: c.name for c in criteria}
        scores = {str(s.criterion_id): s for s in _consensus([request.id]).get(request.id, [])}
        justifications = [
            Finding(names[c.id], scores[c.id].justification) for c in criteria if c.id in scores
        ]
    return LetterContent(
        header=header_of(tender, proposal.final_at),
        outcome=outcome,
        vendor_name=request.vendor.name,
        organisasjonsnummer=request.vendor.organisasjonsnummer,
        address=request.address,
        contact_name=request.contact_name,
        submitted_at=request.submitted_at,
        bid_deadline=tender.bid_deadline,
        invited_count=len(record.invited),
        maximum=record.maximum,
        criteria=criteria,
        requirements_not_met=tuple(not_met),
        exclusions=tuple(exclusions),
        score_lines=(own, *selected) if outcome is not RequestOutcome.REJECTED else (),
        justifications=tuple(justifications),
        reason=record.reasons.get(str(request.id), ""),
    )


def letter_pdf(tender: Tender, request: ParticipationRequest) -> bytes:
    """The letter as PDF bytes; the same bytes every time for the same final selection (dated by it)."""
    from tender.prequalification.letters_pdf import render_letter

    return render_letter(letter_content(tender, request))


def letter_filename(request: ParticipationRequest) -> str:
    return f"prekvalifisering-brev-{request.id}.pdf"


@dataclass(frozen=True)
class GeneratedLetter:
    request: ParticipationRequest
    outcome: RequestOutcome
    sha256: str


def generate_letters(tender: Tender, *, actor: Any) -> list[GeneratedLetter]:
    """Make every submitted request's letter for sending: each one's hash goes to the audit trail (one
    ``prequalification.letter`` event per vendor), so the letter the vendor downloads can be checked
    against what was sent. DomainError while the selection is not final."""
    _, record = _final(tender)
    made = []
    for request in submitted_requests(tender):
        data = letter_pdf(tender, request)
        digest = hashlib.sha256(data).hexdigest()
        outcome = outcome_of(request, record)
        audit.record(
            "prequalification.letter",
            tender,
            payload={
                "vendor": request.vendor.name,
                "organisasjonsnummer": request.vendor.organisasjonsnummer,
                "outcome": outcome.label,
                "filename": letter_filename(request),
                "sha256": digest,
            },
            actor=actor,
        )
        made.append(GeneratedLetter(request, outcome, digest))
    return made


# -- the report ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class AssessedRequirement:
    text: str
    status: RequirementStatus | None
    justification: str


@dataclass(frozen=True)
class AssessedGround:
    text: str
    mandatory: bool
    applies: bool | None
    reason: str


@dataclass(frozen=True)
class ClarificationLine:
    requirement: str
    question: str
    asked_at: datetime
    deadline: datetime
    answer: str
    answered_at: datetime | None


@dataclass(frozen=True)
class ScoredCriterion:
    name: str
    weight: Fraction
    score: Fraction | None
    justification: str


@dataclass(frozen=True)
class RequestSection:
    request_id: int
    vendor_name: str
    organisasjonsnummer: str
    submitted_at: datetime | None
    receipt_sha256: str
    requirements: tuple[AssessedRequirement, ...]
    grounds: tuple[AssessedGround, ...]
    clarifications: tuple[ClarificationLine, ...]
    scores: tuple[ScoredCriterion, ...]
    total: Fraction | None
    rank: int | None
    outcome: RequestOutcome | None


@dataclass(frozen=True)
class ApprovalLine:
    municipality: str
    signer: str
    approved: bool
    comment: str
    sha256: str
    decided_at: datetime


@dataclass(frozen=True)
class ProposalLine:
    number: int
    proposed_at: datetime
    sha256: str
    withdrawn_at: datetime | None
    final_at: datetime | None
    invited: tuple[str, ...]  #: vendor names
    approvals: tuple[ApprovalLine, ...]


@dataclass(frozen=True)
class ReportContent:
    header: Header
    minimum: int
    maximum: int | None
    frozen_at: datetime | None
    setup_sha256: str
    requirements: tuple[tuple[str, str, str], ...]  #: (group, text, documentation)
    grounds: tuple[tuple[bool, str], ...]  #: (mandatory, text)
    criteria: tuple[CriterionInfo, ...]
    opening: Mapping[str, Any] | None
    opened_at: datetime | None
    requests: tuple[RequestSection, ...]
    ranking: tuple[tuple[int, str, Fraction], ...]  #: (rank, vendor, total)
    tie_decision: tuple[tuple[str, ...], str] | None  #: (vendor names in order, reason)
    proposals: tuple[ProposalLine, ...]


def report_content(tender: Tender) -> ReportContent:
    """Everything in the prequalification report; DomainError while the selection is not final."""
    proposal, record = _final(tender)
    assert proposal.final_at is not None
    setup = db.session.scalar(select(Prequalification).where(Prequalification.tender_id == tender.id))
    requirements = requirements_of(tender)
    grounds = grounds_of(tender)
    criteria = _criterion_infos(tender)
    requests = submitted_requests(tender)
    ids = [r.id for r in requests]
    names = {str(r.id): r.vendor.name for r in requests}
    assessments, exclusions = _assessments(ids), _exclusions(ids)
    consensus, clarifications = _consensus(ids), _clarifications(ids)
    requirement_text = {r.id: r.text for r in requirements}
    sections = []
    for request in requests:
        assessed = {a.requirement_id: a for a in assessments.get(request.id, [])}
        excluded = {e.ground_id: e for e in exclusions.get(request.id, [])}
        scores = {str(s.criterion_id): s for s in consensus.get(request.id, [])}
        entry = record.entry(request.id)
        sections.append(
            RequestSection(
                request.id,
                request.vendor.name,
                request.vendor.organisasjonsnummer,
                request.submitted_at,
                request.receipt_sha256 or "",
                tuple(
                    AssessedRequirement(
                        r.text,
                        assessed[r.id].status if r.id in assessed else None,
                        assessed[r.id].justification if r.id in assessed else "",
                    )
                    for r in requirements
                ),
                tuple(
                    AssessedGround(
                        g.text,
                        g.mandatory,
                        excluded[g.id].applies if g.id in excluded else None,
                        excluded[g.id].reason if g.id in excluded else "",
                    )
                    for g in grounds
                ),
                tuple(
                    ClarificationLine(
                        requirement_text.get(c.requirement_id or 0, ""),
                        c.question,
                        c.asked_at,
                        c.deadline,
                        c.answer,
                        c.answered_at,
                    )
                    for c in clarifications.get(request.id, [])
                ),
                tuple(
                    ScoredCriterion(
                        c.name,
                        c.weight,
                        Fraction(str(scores[c.id].score)) if c.id in scores else None,
                        scores[c.id].justification if c.id in scores else "",
                    )
                    for c in criteria
                ),
                entry.total if entry else None,
                entry.rank if entry else None,
                outcome_of(request, record),
            )
        )
    opening = db.session.scalar(select(RequestOpening).where(RequestOpening.tender_id == tender.id))
    tie = db.session.scalar(select(SelectionTieBreak).where(SelectionTieBreak.tender_id == tender.id))
    tie_decision = None
    if tie is not None:
        tie_decision = (tuple(names.get(str(i), str(i)) for i in tie.order), tie.reason)
    elif record.tie_decisions:
        order, reason = record.tie_decisions[-1]
        tie_decision = (tuple(names.get(i, i) for i in order), reason)
    proposals = db.session.scalars(
        select(SelectionProposal)
        .where(SelectionProposal.tender_id == tender.id)
        .order_by(SelectionProposal.number)
    ).all()
    return ReportContent(
        header=header_of(tender, proposal.final_at),
        minimum=setup.minimum_candidates if setup else 0,
        maximum=setup.maximum_candidates if setup else None,
        frozen_at=setup.frozen_at if setup else None,
        setup_sha256=(setup.frozen_sha256 or "") if setup else "",
        requirements=tuple((r.category.label, r.text, r.documentation) for r in requirements),
        grounds=tuple((g.mandatory, g.text) for g in grounds),
        criteria=criteria,
        opening=json.loads(opening.record_json) if opening and opening.record_json else None,
        opened_at=opening.opened_at if opening else None,
        requests=tuple(sections),
        ranking=tuple((e.rank, names.get(e.request_id, e.name), e.total) for e in record.ranking),
        tie_decision=tie_decision,
        proposals=tuple(
            ProposalLine(
                p.number,
                p.proposed_at,
                p.sha256,
                p.withdrawn_at,
                p.final_at,
                tuple(names.get(i, i) for i in SelectionRecord.read(p.record).invited),
                tuple(
                    ApprovalLine(
                        a.municipality.name if a.municipality else "",
                        a.signer_name,
                        a.approved,
                        a.comment,
                        a.sha256,
                        a.decided_at,
                    )
                    for a in p.approvals
                ),
            )
            for p in proposals
        ),
    )


# -- the matrix ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class MatrixRequest:
    id: str
    name: str
    statuses: tuple[RequirementStatus | None, ...]  #: per requirement, in order
    excluded: bool
    scores: tuple[Fraction | None, ...]  #: consensus per criterion, in order
    ranked: bool  #: in the record's ranking (qualified, not excluded, scored)
    rank: int | None  #: the record's rank: the order of a decided tie too
    outcome: RequestOutcome | None


@dataclass(frozen=True)
class MatrixContent:
    title: str
    requirements: tuple[str, ...]
    criteria: tuple[CriterionInfo, ...]
    requests: tuple[MatrixRequest, ...]


def matrix_content(tender: Tender) -> MatrixContent:
    """The assessment matrix's inputs; DomainError while the selection is not final."""
    _, record = _final(tender)
    requirements = requirements_of(tender)
    criteria = _criterion_infos(tender)
    requests = submitted_requests(tender)
    ids = [r.id for r in requests]
    assessments, exclusions, consensus = _assessments(ids), _exclusions(ids), _consensus(ids)
    rows = []
    for request in requests:
        assessed = {a.requirement_id: a.status for a in assessments.get(request.id, [])}
        scores = {str(s.criterion_id): Fraction(str(s.score)) for s in consensus.get(request.id, [])}
        entry = record.entry(request.id)
        rows.append(
            MatrixRequest(
                str(request.id),
                request.vendor.name,
                tuple(assessed.get(r.id) for r in requirements),
                any(e.applies for e in exclusions.get(request.id, [])),
                tuple(scores.get(c.id) for c in criteria),
                entry is not None,
                entry.rank if entry else None,
                outcome_of(request, record),
            )
        )
    return MatrixContent(
        f"{tender.title} ({tender.case_reference})",
        tuple(r.text for r in requirements),
        criteria,
        tuple(rows),
    )
