"""The procurement protocol (anskaffelsesprotokoll): the whole procurement gathered as one JSON-able dict
(:func:`protocol_of`), described by ``protocol.schema.json`` next to this module and documented in
docs/protocol.md; its PDF (tender.reports.protocol_pdf) is made from the same dict. Reading only, except the
download's own audit event (:func:`record_download`).

Canonical form: decimals and hashes as strings, times as ISO 8601 in UTC with the offset ("+00:00"), codes
with a Norwegian ``..._label`` beside them where a person reads them.

Sealing: the protocol is the lead's (tender.protocol.permissions), and the lead may download it at any time;
until the first round's bids are opened it holds nothing of a bid (no bid table is even read: the sealed
walk in tests/test_sealed_marker.py watches the queries), and until the requests to take part are opened
nothing of a request. The audit section hides the same events the audit trail page hides then
(:func:`tender.audit.sealed_activity`), without sequence numbers (a gap would tell that something is hidden).
Bid files are never in it: their names, sizes and hashes only.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime
from decimal import Decimal
from importlib import resources
from typing import Any

from sqlalchemy import not_, select

from tender import audit, clock
from tender.audit import AuditEvent, sealed_activity
from tender.audit import labels as audit_labels
from tender.auth.models import User
from tender.award.models import AwardSignOff
from tender.award.operations import contract_of, notice_issue_of, recommendations_of
from tender.bids.models import Bid, BidOpening, BidStatus
from tender.core.scoring.methods import PRICE_METHODS
from tender.corrections.models import DocumentsApproval
from tender.corrections.operations import PublishedCorrection, corrections_of
from tender.documents.models import DocumentSetVersion
from tender.evaluation.models import ConsensusScore, IndividualScoreRow
from tender.evaluation_model import operations as model_ops
from tender.extensions import db
from tender.negotiation import operations as negotiation_ops
from tender.prequalification import assess_operations as request_ops
from tender.prequalification import queries as prequalification_queries
from tender.prequalification.models import (
    ExclusionAssessment,
    ParticipationRequest,
    QualificationAssessment,
    RequestStatus,
    SelectionConsensusScore,
    SelectionIndividualScore,
    SelectionProposal,
)
from tender.questions.models import Question, QuestionApproval
from tender.questions.operations import published_questions, text_sha256
from tender.reports import model_wording
from tender.reports.protocol_pdf import render_protocol_pdf
from tender.requirements.operations import specification_of
from tender.tenders.models import Municipality, Tender
from tender.timeline.operations import timeline_of

#: the protocol's format; raised when a key changes meaning (the schema's ``format_version`` follows it)
FORMAT_VERSION = 1
SCHEMA_NAME = "protocol.schema.json"


def schema() -> dict[str, Any]:
    """The JSON Schema the protocol validates against (shipped as package data)."""
    text = resources.files("tender.protocol").joinpath(SCHEMA_NAME).read_text(encoding="utf-8")
    value: dict[str, Any] = json.loads(text)
    return value


# -- canonical values ------------------------------------------------------------------------------------
def _t(moment: datetime | None) -> str | None:
    """ISO 8601 in UTC with its offset; None stays None."""
    return moment.astimezone(UTC).isoformat() if moment is not None else None


def _d(value: Decimal | int | str | None) -> str | None:
    """A decimal as a plain string without trailing zeros ("40", "12.5"), never a float; None stays None."""
    if value is None:
        return None
    return format(Decimal(str(value)).normalize(), "f")


def _municipality(m: Municipality) -> dict[str, Any]:
    return {"id": m.id, "name": m.name, "kommunenummer": m.kommunenummer, "population": m.population}


# -- the sections ----------------------------------------------------------------------------------------
def _tender(tender: Tender) -> dict[str, Any]:
    return {
        "id": tender.id,
        "title": tender.title,
        "case_reference": tender.case_reference,
        "procedure": tender.procedure.value,
        "procedure_label": tender.procedure.label,
        "created_at": _t(tender.created_at),
        "participation_deadline": _t(tender.participation_deadline),
        "questions_deadline": _t(tender.questions_deadline),
        "bid_deadline": _t(tender.bid_deadline),
        "opening_persons": tender.opening_persons,
        "current_round": tender.current_round,
        "standstill_days": tender.standstill_days,
    }


def _timeline(tender: Tender) -> list[dict[str, Any]]:
    return [
        {
            "at": _t(e.at),
            "kind": e.kind.value,
            "label": e.label,
            "public": e.public,
            "round": e.round,
            "number": e.number,
            "vendor_id": e.vendor_id,
        }
        for e in timeline_of(tender, public=False)
    ]


def _specification(tender: Tender) -> dict[str, Any] | None:
    spec = specification_of(tender)
    if spec is None:
        return None
    published = spec.published_version
    return {
        "title": spec.title,
        "published_at": _t(spec.published_at),
        "published_version": published.number if published is not None else None,
        "versions": [
            {
                "number": v.number,
                "content_hash": v.content_hash,
                "frozen_at": _t(v.frozen_at),
                "note": v.note,
                "published": published is not None and v.id == published.id,
                "decisions": [
                    {
                        "municipality_id": d.municipality_id,
                        "municipality": d.municipality.name,
                        "signer": d.signer_name,
                        "decision": d.decision.value,
                        "decision_label": d.decision.label,
                        "comment": d.comment,
                        "content_hash": d.content_hash,
                        "decided_at": _t(d.decided_at),
                    }
                    for d in v.decisions
                ],
            }
            for v in spec.versions
        ],
    }


def _documents(tender: Tender) -> list[dict[str, Any]]:
    versions = db.session.scalars(
        select(DocumentSetVersion)
        .where(DocumentSetVersion.tender_id == tender.id)
        .order_by(DocumentSetVersion.number)
    )
    return [
        {
            "number": v.number,
            "content_sha256": v.content_sha256,
            "is_correction": v.is_correction,
            "correction_reason": v.correction_reason,
            "frozen_at": _t(v.frozen_at),
            "published_at": _t(v.published_at),
            "documents": [
                {
                    "label": d.label,
                    "kind": d.kind.value,
                    "kind_label": d.kind.label,
                    "generated": d.generated,
                    "filename": d.filename,
                    "size": d.size,
                    "sha256": d.sha256,
                }
                for d in v.documents
            ],
            "approvals": [
                {
                    "municipality_id": a.municipality_id,
                    "municipality": a.municipality.name,
                    "signer": a.signer_name,
                    "content_sha256": a.content_sha256,
                    "approved_at": _t(a.approved_at),
                }
                for a in db.session.scalars(
                    select(DocumentsApproval)
                    .where(DocumentsApproval.version_id == v.id)
                    .order_by(DocumentsApproval.id)
                )
            ],
        }
        for v in versions
    ]


def _correction(c: PublishedCorrection) -> dict[str, Any]:
    return {
        "number": c.number,
        "kind": c.kind,
        "reason": c.reason,
        "published_at": _t(c.published_at),
        "specification_version": c.spec_version.number if c.spec_version is not None else None,
        "base_version": c.base_version_number,
        "documents_version": c.documents_version_number,
        "deadline_question": c.deadline_question,
        "deadline_before": _t(c.deadline_before),
        "deadline_extended_to": _t(c.deadline_extended_to),
        "no_extension_reason": c.no_extension_reason,
        "extension_decision": c.extension_decision,
    }


def _questions(tender: Tender) -> list[dict[str, Any]]:
    # the published texts only: never the asker, never a question not published; with the municipalities'
    # approvals of the texts (bound to their hash) where approval was asked
    approvals: dict[int, list[QuestionApproval]] = {}
    for a in db.session.scalars(
        select(QuestionApproval)
        .join(Question, Question.id == QuestionApproval.question_id)
        .where(Question.tender_id == tender.id, Question.published_at.is_not(None))
        .order_by(QuestionApproval.id)
    ):
        approvals.setdefault(a.question_id, []).append(a)
    ids = dict(
        db.session.execute(
            select(Question.number, Question.id).where(
                Question.tender_id == tender.id, Question.published_at.is_not(None)
            )
        ).all()
    )
    return [
        {
            "number": q.number,
            "question": q.question,
            "answer": q.answer,
            "published_at": _t(q.published_at),
            "sha256": text_sha256(q.question, q.answer),
            "approvals": [
                {
                    "municipality_id": a.municipality_id,
                    "municipality": a.municipality.name,
                    "signer": a.signer_name,
                    "sha256": a.sha256,
                    "approved_at": _t(a.approved_at),
                }
                for a in approvals.get(ids.get(q.number, 0), [])
            ],
        }
        for q in published_questions(tender)
    ]


def _opening(kind: str, opening: Any, raw_key: str) -> dict[str, Any]:
    raw = json.loads(opening.record_json)
    if isinstance(raw, list):  # an opening from before two-person opening: the lead alone, bids only
        raw = {"opened_by": [{"name": opening.opened_by_name, "roles": ["lead"]}], raw_key: raw}
    return {
        "kind": kind,
        "round_no": getattr(opening, "round_no", None),
        "opened_at": _t(opening.opened_at),
        "persons_required": opening.persons_required,
        "opened_by": [
            {
                "name": str(p.get("name", "")),
                "roles": [str(r) for r in p.get("roles", [])],
                "confirmed_at": p.get("confirmed_at") and _t(datetime.fromisoformat(p["confirmed_at"])),
            }
            for p in raw.get("opened_by", [])
        ],
        "opened": [
            {
                "vendor": str(i.get("vendor", "")),
                "organisasjonsnummer": str(i.get("organisasjonsnummer", "")),
                "submitted_at": i.get("submitted_at") and _t(datetime.fromisoformat(i["submitted_at"])),
                "receipt_sha256": i.get("receipt_sha256"),
            }
            for i in raw.get(raw_key, [])
        ],
        "late_attempts": [
            {
                "vendor": str(a.get("vendor") or ""),
                "organisasjonsnummer": str(a.get("organisasjonsnummer") or ""),
                "action": str(a.get("action") or ""),
                "at": a.get("at") and _t(datetime.fromisoformat(a["at"])),
            }
            for a in raw.get("late_attempts", [])
        ],
    }


def _score(value: Decimal) -> str:
    return _d(value) or "0"


def _prequalification(tender: Tender, requests_opened: bool) -> dict[str, Any] | None:
    setup = prequalification_queries.setup_of(tender)
    if setup is None or not setup.enabled:
        return None
    requirements = {r.id: r for r in prequalification_queries.requirements_of(tender)}
    grounds = {g.id: g for g in prequalification_queries.grounds_of(tender)}
    criteria = {c.id: c for c in prequalification_queries.criteria_of(tender)}
    section: dict[str, Any] = {
        "frozen_at": _t(setup.frozen_at),
        "frozen_sha256": setup.frozen_sha256,
        "minimum_candidates": setup.minimum_candidates,
        "maximum_candidates": setup.maximum_candidates,
        "signers_approve_selection": setup.signers_approve_selection,
        "qualification_requirements": [
            {"id": r.id, "category": r.category.value, "text": r.text} for r in requirements.values()
        ],
        "exclusion_grounds": [
            {"id": g.id, "mandatory": g.mandatory, "text": g.text} for g in grounds.values()
        ],
        "selection_criteria": [
            {"id": c.id, "name": c.name, "weight": _d(c.weight)} for c in criteria.values()
        ],
        "requests": [],
        "proposals": [],
        "letters": [],
    }
    if not requests_opened:  # sealed: nothing of a request before their opening
        return section
    requests = db.session.scalars(
        select(ParticipationRequest)
        .where(
            ParticipationRequest.tender_id == tender.id,
            ParticipationRequest.status == RequestStatus.SUBMITTED,
        )
        .order_by(ParticipationRequest.id)
    )
    users = _user_names()
    for r in requests:
        qualification = db.session.scalars(
            select(QualificationAssessment).where(QualificationAssessment.request_id == r.id)
        )
        exclusion = db.session.scalars(
            select(ExclusionAssessment).where(ExclusionAssessment.request_id == r.id)
        )
        individual = db.session.scalars(
            select(SelectionIndividualScore).where(SelectionIndividualScore.request_id == r.id)
        )
        consensus = db.session.scalars(
            select(SelectionConsensusScore).where(SelectionConsensusScore.request_id == r.id)
        )
        section["requests"].append(
            {
                "vendor": r.vendor.name,
                "organisasjonsnummer": r.vendor.organisasjonsnummer,
                "submitted_at": _t(r.submitted_at),
                "receipt_sha256": r.receipt_sha256,
                "outcome": r.outcome.value if r.outcome is not None else None,
                "outcome_label": r.outcome.label if r.outcome is not None else None,
                "qualification": [
                    {
                        "requirement_id": a.requirement_id,
                        "status": a.status.value,
                        "justification": a.justification,
                        "assessed_by": users.get(a.assessed_by_id or 0, ""),
                        "assessed_at": _t(a.assessed_at),
                    }
                    for a in sorted(qualification, key=lambda a: a.id)
                ],
                "exclusion": [
                    {
                        "ground_id": a.ground_id,
                        "applies": a.applies,
                        "reason": a.reason,
                        "assessed_by": users.get(a.assessed_by_id or 0, ""),
                        "assessed_at": _t(a.assessed_at),
                    }
                    for a in sorted(exclusion, key=lambda a: a.id)
                ],
                "individual_scores": [
                    {
                        "criterion_id": s.criterion_id,
                        "evaluator": users.get(s.evaluator_id, ""),
                        "score": _score(s.score),
                        "justification": s.justification,
                    }
                    for s in sorted(individual, key=lambda s: s.id)
                ],
                "consensus_scores": [
                    {
                        "criterion_id": s.criterion_id,
                        "score": _score(s.score),
                        "justification": s.justification,
                    }
                    for s in sorted(consensus, key=lambda s: s.id)
                ],
            }
        )
    proposals = db.session.scalars(
        select(SelectionProposal)
        .where(SelectionProposal.tender_id == tender.id)
        .order_by(SelectionProposal.number)
    )
    section["proposals"] = [
        {
            "number": p.number,
            "proposed_at": _t(p.proposed_at),
            "sha256": p.sha256,
            "withdrawn_at": _t(p.withdrawn_at),
            "final_at": _t(p.final_at),
            "approvals": [
                {
                    "municipality_id": a.municipality_id,
                    "municipality": a.municipality.name,
                    "signer": a.signer_name,
                    "approved": a.approved,
                    "comment": a.comment,
                    "sha256": a.sha256,
                    "decided_at": _t(a.decided_at),
                }
                for a in p.approvals
            ],
        }
        for p in proposals
    ]
    letters = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.tender_id == tender.id, AuditEvent.event_type == "prequalification.letter")
        .order_by(AuditEvent.seq)
    )
    section["letters"] = [
        {
            "vendor": str(e.payload.get("vendor", "")),
            "organisasjonsnummer": str(e.payload.get("organisasjonsnummer", "")),
            "outcome_label": str(e.payload.get("outcome", "")),
            "filename": str(e.payload.get("filename", "")),
            "sha256": str(e.payload.get("sha256", "")),
            "made_at": _t(e.occurred_at),
        }
        for e in letters
    ]
    return section


def _user_names() -> dict[int, str]:
    return {i: n for i, n in db.session.execute(select(User.id, User.name))}


def _openings(tender: Tender, requests_opened: bool, bids_opened: bool) -> list[dict[str, Any]]:
    found = []
    if requests_opened:
        opening = request_ops.opening_of(tender)
        if opening is not None:
            found.append(_opening("requests", opening, "requests"))
    if bids_opened:
        for o in db.session.scalars(
            select(BidOpening).where(BidOpening.tender_id == tender.id).order_by(BidOpening.round_no)
        ):
            found.append(_opening("bids", o, "bids"))
    return found


def _evaluation_model(tender: Tender) -> dict[str, Any] | None:
    model = model_ops.model_of(tender)
    if model is None:
        return None
    rows = model_ops.criteria_of(tender)
    keys = {r.id: r.key for r in rows}
    method = PRICE_METHODS.get(model.price_method)
    price_parameters = {
        k: format(Decimal(v.numerator) / Decimal(v.denominator), "f")
        for k, v in model_ops.method_parameters(model).items()
    }
    rule = model.consensus_rule or "agreed"
    return {
        "frozen_at": _t(model.frozen_at),
        "frozen_hash": model.frozen_hash,
        "price_method": model.price_method,
        "price_k": _d(model.price_k),
        "nok_per_point": _d(model.nok_per_point),
        "price_method_label": method.label if method is not None else model.price_method,
        "price_formula": method.formula if method is not None else "",
        "price_parameters": [{"name": k, "value": v} for k, v in price_parameters.items()],
        "surcharge_percent": _d(model.surcharge_percent),
        "deduction_percent": _d(model.deduction_percent),
        "scale_max": _d(model.scale_max),
        "allow_half_points": model.allow_half_points,
        "scale_step": _d(model.scale_step if model.scale_step is not None else 1),
        "consensus_rule": rule,
        "consensus_rule_label": model_wording.consensus_label(rule),
        "min_quality": _d(model.min_quality),
        "normalise": model.normalise,
        "contract_period": model.contract_period,
        "disagreement_threshold": _d(model.disagreement_threshold),
        "criteria": [
            {
                "id": r.id,
                "key": r.key,
                "name": r.name,
                "parent_key": keys.get(r.parent_id) if r.parent_id is not None else None,
                "kind": model_ops.kind_of(r, rows).value,
                "weight": _d(r.weight),
                "min_score": _d(r.min_score),
            }
            for r in rows
        ],
        "price_items": [
            {
                "name": i.name,
                "kind": i.kind.value,
                "per_municipality": i.per_municipality,
                "quantity": _d(i.quantity),
            }
            for i in model_ops.price_items(tender)
        ],
        # how the price schedule makes the evaluated price (issue 16)
        "price_evaluation": {
            "method": model.price_evaluation or "life_cycle",
            "method_label": model_ops.PRICE_EVALUATIONS[model.price_evaluation or "life_cycle"],
            "formula": model_ops.price_formula(model),
            "discount_rate_percent": _d(model.discount_rate_percent),
            "gaps": model.price_gaps or "reject",
            "gaps_label": model_ops.PRICE_GAP_RULES[model.price_gaps or "reject"],
        },
    }


def _threshold_failures(tender: Tender, round_no: int) -> dict[int, dict[str, Any]]:
    """Per bid of the round below an announced quality threshold: the thresholds it fails (criterion key,
    or None for the weighted quality; the minimum and its actual value) and the reason in words. The
    evaluation rejects such a bid without a decision of the group; nothing when the round has no result."""
    from tender.award import snapshot as snap
    from tender.evaluation import operations as ev

    built = ev.build_case(tender, with_individual=False, round_no=round_no)
    if built.result is None:
        return {}
    found: dict[int, dict[str, Any]] = {}
    for bid in built.bids:
        failures = snap.threshold_failures_of(built, bid)
        if failures:
            found[bid.id] = {
                "threshold_failures": [
                    {
                        "criterion_key": f.criterion_id,
                        "minimum": snap.decimal_text(f.minimum),
                        "actual": snap.decimal_text(f.actual),
                    }
                    for f in failures
                ],
                "threshold_reason": snap.threshold_reason(built, bid),
            }
    return found


def _rounds(tender: Tender) -> list[dict[str, Any]]:
    """Every opened round: its bids (hashes and file names, never the files), rejections, the individual
    and consensus scores with their justifications."""
    opened = {
        o.round_no for o in db.session.scalars(select(BidOpening).where(BidOpening.tender_id == tender.id))
    }
    keys = {r.id: r.key for r in model_ops.criteria_of(tender)}
    users = _user_names()
    found = []
    for round_no in sorted(opened):
        bids = list(
            db.session.scalars(
                select(Bid)
                .where(
                    Bid.tender_id == tender.id, Bid.round_no == round_no, Bid.status == BidStatus.SUBMITTED
                )
                .order_by(Bid.id)
            )
        )
        ids = [b.id for b in bids]
        individual = (
            db.session.scalars(
                select(IndividualScoreRow)
                .where(IndividualScoreRow.bid_id.in_(ids))
                .order_by(IndividualScoreRow.id)
            ).all()
            if ids
            else []
        )
        consensus = (
            db.session.scalars(
                select(ConsensusScore).where(ConsensusScore.bid_id.in_(ids)).order_by(ConsensusScore.id)
            ).all()
            if ids
            else []
        )
        below = _threshold_failures(tender, round_no) if bids else {}
        found.append(
            {
                "round_no": round_no,
                "bids": [
                    {
                        **below.get(b.id, {"threshold_failures": [], "threshold_reason": ""}),
                        "bid_id": b.id,
                        "vendor_id": b.vendor_id,
                        "vendor": b.vendor.name,
                        "organisasjonsnummer": b.vendor.organisasjonsnummer,
                        "submitted_at": _t(b.submitted_at),
                        "receipt_sha256": b.receipt_sha256,
                        "rejected": b.rejected,
                        "rejection_reason": b.rejection_reason,
                        "rejected_at": _t(b.rejected_at),
                        "attachments": [
                            {"filename": a.filename, "size": a.size, "sha256": a.sha256}
                            for a in b.attachments
                        ],
                    }
                    for b in bids
                ],
                "individual_scores": [
                    {
                        "bid_id": s.bid_id,
                        "criterion_key": keys.get(s.criterion_id, ""),
                        "evaluator": users.get(s.evaluator_id, ""),
                        "score": _score(s.score),
                        "justification": s.justification,
                        "updated_at": _t(s.updated_at),
                    }
                    for s in individual
                ],
                "consensus_scores": [
                    {
                        "bid_id": s.bid_id,
                        "criterion_key": keys.get(s.criterion_id, ""),
                        "score": _score(s.score),
                        "justification": s.justification,
                        "set_by": users.get(s.set_by_id or 0, ""),
                        "updated_at": _t(s.updated_at),
                    }
                    for s in consensus
                ],
            }
        )
    return found


def _negotiation(tender: Tender) -> dict[str, Any] | None:
    negotiation = negotiation_ops.negotiation_of(tender)
    if negotiation is None:
        return None
    reductions = []
    for round_no in range(1, tender.current_round + 1):
        r = negotiation_ops.reduction_of(tender, round_no)
        if r is not None:
            reductions.append(
                {
                    "round_no": r.round_no,
                    "note": r.note,
                    "decided_at": _t(r.decided_at),
                    "decided_by": r.decided_by_name,
                    "leaving": [
                        {"vendor": v.vendor.name, "reason": v.reason, "sent_to": v.sent_to} for v in r.leaving
                    ],
                }
            )
    return {
        "award_without_negotiation_reserved": negotiation.award_without_negotiation_reserved,
        "decision": negotiation.decision.value if negotiation.decision is not None else None,
        "decision_label": negotiation.decision.label if negotiation.decision is not None else None,
        "decision_reason": negotiation.decision_reason,
        "decided_at": _t(negotiation.decided_at),
        "decided_by": negotiation.decided_by_name,
        "meetings": [
            {
                "round_no": m.round_no,
                "vendor": m.vendor.name,
                "held_at": _t(m.held_at),
                "our_attendees": m.our_attendees,
                "vendor_attendees": m.vendor_attendees,
                "topics": m.topics,
                "vendor_told": m.vendor_told,
                "documents_info": m.documents_info,
                "recorded_by": m.recorded_by_name,
            }
            for round_no in range(1, tender.current_round + 1)
            for m in negotiation_ops.meetings_of(tender, round_no)
        ],
        "reductions": reductions,
        "rounds": [
            {
                "number": r.number,
                "kind": r.kind.value,
                "kind_label": r.kind.label,
                "deadline": _t(r.deadline),
                "called_at": _t(r.called_at),
                "called_by": r.called_by,
                "opened_at": _t(r.opened_at),
                "invited": [v.name for v in r.invited] if r.invited is not None else None,
            }
            for r in negotiation_ops.rounds_of(tender)
        ],
    }


def _sign_off(s: AwardSignOff) -> dict[str, Any]:
    return {
        "municipality_id": s.municipality_id,
        "municipality": s.municipality.name,
        "content_sha256": s.content_sha256,
        "decision": s.decision.value,
        "decision_label": s.decision.label,
        "comment": s.comment,
        "body": s.body.value,
        "body_label": s.body.label,
        "decision_date": s.decision_date.isoformat(),
        "case_number": s.case_number,
        "signer": s.signer_name,
        "signed_at": _t(s.signed_at),
        "lapsed_at": _t(s.lapsed_at),
    }


def _award(tender: Tender) -> dict[str, Any]:
    issue = notice_issue_of(tender)
    contract = contract_of(tender)
    return {
        "recommendations": [
            {
                "number": r.number,
                "round_no": r.round_no,
                "state": r.state.value,
                "state_label": r.state.label,
                "winner_bid_id": r.winner_bid_id,
                "summary": r.summary,
                "created_at": _t(r.created_at),
                "created_by": r.created_by_name,
                "frozen_at": _t(r.frozen_at),
                "frozen_by": r.frozen_by_name,
                "content_sha256": r.content_sha256 or None,
                "content": json.loads(r.content_json) if r.content_json else None,
                "withdrawn_at": _t(r.withdrawn_at),
                "withdrawn_reason": r.withdrawn_reason,
                "sign_offs": [_sign_off(s) for s in r.sign_offs],
            }
            for r in recommendations_of(tender)
        ],
        "notices": None
        if issue is None
        else {
            "issued_at": _t(issue.issued_at),
            "issued_by": issue.issued_by_name,
            "content_sha256": issue.content_sha256,
            "standstill_days": issue.standstill_days,
            "standstill_ends_at": _t(issue.standstill_ends_at),
            "notices": [
                {
                    "vendor": n.vendor.name,
                    "organisasjonsnummer": n.vendor.organisasjonsnummer,
                    "chosen": n.chosen,
                    "filename": n.filename,
                    "sha256": n.sha256,
                    "mailed_to": [a for a in n.mailed_to.splitlines() if a.strip()],
                }
                for n in issue.notices
            ],
        },
        "contract": None
        if contract is None
        else {
            "vendor": contract.vendor.name,
            "signed_at": _t(contract.signed_at),
            "signed_by": [line for line in contract.signed_by.splitlines() if line.strip()],
            "recorded_at": _t(contract.recorded_at),
            "recorded_by": contract.recorded_by_name,
            "filename": contract.filename,
            "size": contract.size,
            "sha256": contract.sha256,
        },
    }


def _audit(tender: Tender, *, bids_opened: bool, requests_opened: bool) -> dict[str, Any]:
    setup = prequalification_queries.setup_of(tender)
    hidden = sealed_activity(
        tender.id,
        bids_opened=bids_opened,
        requests_opened=requests_opened,
        has_requests=setup is not None and setup.enabled,
    )
    sealed = hidden is not None
    stmt = select(AuditEvent).where(AuditEvent.tender_id == tender.id)
    if hidden is not None:
        stmt = stmt.where(not_(hidden))
    events: Iterable[AuditEvent] = db.session.scalars(stmt.order_by(AuditEvent.seq))
    report = audit.verify()
    return {
        "sealed": sealed,
        "chain": {
            "intact": report.intact,
            # the number of events checked counts the sealed ones too: left out while anything is sealed
            "events_checked": None if sealed else report.events_checked,
            "problem": None if report.intact else ("Kjeden er brutt." if sealed else str(report.problem)),
        },
        "events": [
            {
                "seq": None if sealed else e.seq,
                "at": _t(e.occurred_at),
                "actor": e.actor_label,
                "type": e.event_type,
                "type_label": audit_labels.event_label(e.event_type),
                "object_type": e.object_type,
                "object_id": e.object_id,
                "payload": e.payload,
                "hash": None if sealed else e.hash,
            }
            for e in events
        ],
    }


def protocol_of(tender: Tender, *, generated_at: datetime | None = None) -> dict[str, Any]:
    """The whole procurement as one JSON-able dict, canonical (see the module's doc and protocol.schema.json).
    Nothing of a bid before the first round is opened; nothing of a request before the requests are.
    ``generated_at``: the moment it is made for (the archive package's own), by default now."""
    bids_opened = (
        db.session.scalar(
            select(BidOpening.id).where(BidOpening.tender_id == tender.id, BidOpening.round_no == 1)
        )
        is not None
    )
    requests_opened = request_ops.opening_of(tender) is not None
    current_opened = (
        db.session.scalar(
            select(BidOpening.id).where(
                BidOpening.tender_id == tender.id, BidOpening.round_no == tender.current_round
            )
        )
        is not None
    )
    return {
        "format": "tender-anskaffelsesprotokoll",
        "format_version": FORMAT_VERSION,
        "generated_at": _t(generated_at or clock.now()),
        "sealed": not bids_opened,
        "tender": _tender(tender),
        "timeline": _timeline(tender),
        "municipalities": {
            "bound": [_municipality(m) for m in tender.bound_municipalities],
            "option": [_municipality(m) for m in tender.option_municipalities],
        },
        "specification": _specification(tender),
        "documents": _documents(tender),
        "corrections": [_correction(c) for c in corrections_of(tender)],
        "questions": _questions(tender),
        "prequalification": _prequalification(tender, requests_opened),
        "openings": _openings(tender, requests_opened, bids_opened),
        "negotiation": _negotiation(tender) if bids_opened else None,
        "evaluation_model": _evaluation_model(tender),
        "evaluation": {"rounds": _rounds(tender) if bids_opened else []},
        "award": _award(tender)
        if bids_opened
        else {"recommendations": [], "notices": None, "contract": None},
        # the trail hides every vendor event while the CURRENT round is sealed (a round of revised bids
        # too), as the audit page does
        "audit": _audit(tender, bids_opened=current_opened, requests_opened=requests_opened),
    }


def protocol_json(protocol: dict[str, Any]) -> bytes:
    """The protocol as the file people download: UTF-8, sorted keys, indented for reading."""
    return json.dumps(protocol, ensure_ascii=False, sort_keys=True, indent=2).encode("utf-8")


def protocol_filename(tender: Tender, ext: str) -> str:
    reference = "".join(c if c.isalnum() else "-" for c in tender.case_reference).strip("-")
    return f"anskaffelsesprotokoll-{reference or tender.id}.{ext}"


def protocol_files(tender: Tender, *, generated_at: datetime | None = None) -> list[tuple[str, bytes]]:
    """The protocol's JSON and PDF as (file name, bytes), for the archive package; both from one gathering,
    so they say the same."""
    protocol = protocol_of(tender, generated_at=generated_at)
    return [
        (protocol_filename(tender, "json"), protocol_json(protocol)),
        (protocol_filename(tender, "pdf"), render_protocol_pdf(protocol)),
    ]


def record_download(tender: Tender, fmt: str, *, actor: Any) -> None:
    """The download in the trail: who took the protocol, in which format."""
    audit.record("protocol.downloaded", tender, actor=actor, payload={"format": fmt})
