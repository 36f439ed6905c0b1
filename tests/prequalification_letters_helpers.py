"""A prequalification carried to its final selection, for the letters, the report and the matrix: six
requests submitted and opened, assessed, scored by consensus, a tie at the cut-off decided, four invited.

The rows of the other parts (assessments, consensus scores, the tie decision, the proposal and approvals) are
written directly, as tests/prequalification_helpers.py does; the ranking and the proposal's record are the
prequalification core's own (``rank_requests`` and ``selection_canonical_form``), so the letters read a
record of the very shape the selection part stores.

Vendors (tests.prequalification_helpers.VENDOR_NAMES):
    0 Arkivus        9 / 8 / 7     total 8,15   rank 1   invited
    1 Bokskapet      8 / 8 / 8     total 8      rank 2   invited (after a clarification, answered)
    2 Casefile       7 / 7 / 9     total 7,5    rank 3   invited
    3 Dokumenta      6 / 7 / 6     total 6,35   rank 4   invited: the tie with Elark decided in its favour
    4 Elark          5 / 6 / 9     total 6,35   rank 5   not selected
    5 Fjordsak       requirement 3 not met, bankruptcy ground applies: rejected
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from tests.prequalification_helpers import PQ_AFTER, PqSetup, submitted_request

SCORES = {
    0: ("9", "8", "7"),
    1: ("8", "8", "8"),
    2: ("7", "7", "9"),
    3: ("6", "7", "6"),
    4: ("5", "6", "9"),
}
REJECTED = 5
NOT_SELECTED = 4
TIE_REASON = "Dokumenta har flere referanser fra kommuner av Grenlands størrelse."
NOT_MET_JUSTIFICATION = "Årsregnskapet viser negativ egenkapital de to siste årene."
EXCLUSION_REASON = "Foretaket ble tatt under konkursbehandling 2. november 2026."
NOT_SELECTED_REASON = (
    "Rangert som nr. 5 med 6,35 poeng; 4 kandidater er valgt ut etter utvelgelseskriteriene."
)
OPENED_AT = PQ_AFTER + timedelta(hours=2)
FINAL_AT = PQ_AFTER + timedelta(days=5)


@dataclass
class FinalSelection:
    s: PqSetup
    requests: list[Any]
    proposal: Any
    ranking: Any  #: tender.core.prequalification.Ranking


def score_justification(vendor: str, criterion: str, score: str) -> str:
    return f"{vendor}: {criterion} vurdert til {score} etter beskrivelsene i skalaen."


def final_selection(db: Any, s: PqSetup, *, final: bool = True) -> FinalSelection:
    """Six submitted, opened, assessed and scored requests; a final proposal (approved by every signer)
    inviting four. ``final=False`` leaves the proposal waiting for the approvals."""
    from tender.core import prequalification as core
    from tender.core.scoring import RequirementStatus
    from tender.prequalification.models import (
        Clarification,
        ExclusionAssessment,
        QualificationAssessment,
        RequestOpening,
        RequestOutcome,
        SelectionApproval,
        SelectionConsensusScore,
        SelectionProposal,
        SelectionTieBreak,
    )

    requests = [submitted_request(db, s, i) for i in range(6)]
    lead = s.lead
    record = {
        "opened_at": OPENED_AT.isoformat(),
        "persons_required": 2,
        # the shape of tender.tenders.opening's record (pq-assess): the confirming people as objects
        "opened_by": [
            {"name": lead.name, "roles": ["lead"], "confirmed_at": OPENED_AT.isoformat()},
            {"name": s.evaluators[0].name, "roles": ["evaluator"], "confirmed_at": OPENED_AT.isoformat()},
        ],
        "requests": [
            {
                "vendor": r.vendor.name,
                "organisasjonsnummer": r.vendor.organisasjonsnummer,
                "submitted_at": r.submitted_at.isoformat(),
                "receipt_sha256": r.receipt_sha256,
            }
            for r in requests
        ],
        "late_attempts": [],
    }
    db.session.add(
        RequestOpening(
            tender_id=s.tender.id,
            opened_at=OPENED_AT,
            opened_by_id=lead.id,
            opened_by_name=lead.name,
            persons_required=2,
            record_json=json.dumps(record, ensure_ascii=False, sort_keys=True),
        )
    )
    for i, request in enumerate(requests):
        for requirement in s.requirements:
            not_met = i == REJECTED and requirement.position == 3
            db.session.add(
                QualificationAssessment(
                    request_id=request.id,
                    requirement_id=requirement.id,
                    status=RequirementStatus.NOT_MET if not_met else RequirementStatus.MET,
                    justification=NOT_MET_JUSTIFICATION
                    if not_met
                    else "Dokumentert med vedlagt dokumentasjon.",
                    assessed_by_id=s.evaluators[0].id,
                    assessed_at=OPENED_AT + timedelta(days=1),
                )
            )
        for ground in s.grounds:
            applies = i == REJECTED and ground.position == 2
            db.session.add(
                ExclusionAssessment(
                    request_id=request.id,
                    ground_id=ground.id,
                    applies=applies,
                    reason=EXCLUSION_REASON
                    if applies
                    else "Ingen opplysninger tilsier at grunnen foreligger.",
                    assessed_by_id=lead.id,
                    assessed_at=OPENED_AT + timedelta(days=1),
                )
            )
        for criterion, score in zip(s.criteria, SCORES.get(i, ()), strict=False):
            db.session.add(
                SelectionConsensusScore(
                    request_id=request.id,
                    criterion_id=criterion.id,
                    score=Decimal(score),
                    justification=score_justification(request.vendor.name, criterion.name, score),
                    set_by_id=lead.id,
                    updated_at=OPENED_AT + timedelta(days=2),
                )
            )
    db.session.add(
        Clarification(
            request_id=requests[1].id,
            requirement_id=s.requirements[3].id,
            question="Bekreft at referansen fra Telemark fylkeskommune gjelder Noark 5-kjerne.",
            asked_by_id=lead.id,
            asked_at=OPENED_AT + timedelta(hours=4),
            deadline=OPENED_AT + timedelta(days=2),
            answer="Ja, referansen gjelder Noark 5-kjerne med arkivdel for 900 brukere.",
            answered_at=OPENED_AT + timedelta(days=1),
            answered_by_id=s.vendor_users[1].id,
        )
    )
    tie_order = [requests[3].id, requests[4].id]
    db.session.add(
        SelectionTieBreak(
            tender_id=s.tender.id,
            order_json=json.dumps(tie_order),
            reason=TIE_REASON,
            decided_by_id=lead.id,
            decided_at=OPENED_AT + timedelta(days=3),
        )
    )
    model = core.selection_model(
        [core.SelectionCriterion(str(c.id), c.name, Decimal(str(c.weight))) for c in s.criteria]
    )
    ranking = core.rank_requests(
        model,
        [
            core.Request(
                str(r.id),
                r.vendor.name,
                qualified=i != REJECTED,
                excluded=i == REJECTED,
                scores={str(c.id): Decimal(sc) for c, sc in zip(s.criteria, SCORES.get(i, ()), strict=False)},
            )
            for i, r in enumerate(requests)
        ],
        tie_break=[str(r) for r in tie_order],
        maximum=4,
    )
    invited = ranking.proposal()
    assert invited is not None, ranking.blocking
    decisions = [core.TieDecision(tuple(str(r) for r in tie_order), TIE_REASON)]
    form = core.selection_canonical_form(ranking, invited, decisions, _setup_hash(s))
    # what the selection part adds to the canonical form (tender.prequalification.select_operations._record)
    form["number"] = 1
    form["tender"] = s.tender.id
    form["names"] = {str(r.id): r.vendor.name for r in requests}
    form["reasons"] = {
        str(requests[REJECTED].id): f"Avvist: {s.grounds[1].text} ({EXCLUSION_REASON})",
        str(requests[NOT_SELECTED].id): NOT_SELECTED_REASON,
    }
    digest = core.sha256_hex(core.canonical_bytes(form))
    proposal = SelectionProposal(
        tender_id=s.tender.id,
        number=1,
        proposed_at=OPENED_AT + timedelta(days=4),
        proposed_by_id=lead.id,
        record_json=json.dumps(form, ensure_ascii=False, sort_keys=True),
        sha256=digest,
        final_at=FINAL_AT if final else None,
    )
    db.session.add(proposal)
    db.session.flush()
    if final:
        for signer in s.signers:
            municipality = s.tender.signer_municipalities(signer)[0]
            db.session.add(
                SelectionApproval(
                    proposal_id=proposal.id,
                    municipality_id=municipality.id,
                    signer_id=signer.id,
                    signer_name=signer.name,
                    approved=True,
                    comment="",
                    sha256=digest,
                    decided_at=FINAL_AT - timedelta(hours=1),
                )
            )
        for i, request in enumerate(requests):
            request.outcome = (
                RequestOutcome.REJECTED
                if i == REJECTED
                else RequestOutcome.INVITED
                if str(request.id) in invited
                else RequestOutcome.NOT_SELECTED
            )
    db.session.commit()
    return FinalSelection(s, requests, proposal, ranking)


def _setup_hash(s: PqSetup) -> str:
    from tender.extensions import db
    from tender.prequalification.models import Prequalification

    setup = db.session.query(Prequalification).filter_by(tender_id=s.tender.id).one()
    return setup.frozen_sha256 or hashlib.sha256(b"").hexdigest()
