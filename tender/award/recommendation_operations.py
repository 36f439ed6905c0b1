"""The recommendation (innstilling) and every bound municipality's sign-off of it.

The lead drafts it from the complete evaluation of the final round, writes per award criterion the winning
bid's characteristics and its relative advantages compared with each other bid ("points alone are not
enough", KOFA 2024/0066), and freezes it as a snapshot with a hash (``tender.award.snapshot``). The signers
approve or reject that snapshot; a rejection withdraws the recommendation. Any later change of what the
snapshot holds (a consensus score, a rejection, a tie-break, the cost split) sends it back to draft and every
sign-off on the old hash lapses (``check_lapse``, registered with the evaluation's listeners below).

Every change flushes and writes the audit trail; a refused sign-off is kept in the trail although the
request is rolled back (``tender.web.transactions.keep``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import func, select

from tender import audit
from tender.award import snapshot as snap
from tender.award.models import (
    AwardSignOff,
    DecisionBody,
    Recommendation,
    RecommendationState,
    RecommendationText,
    SignOffDecision,
)
from tender.award.operations import (
    current_recommendation,
    notice_issue_of,
    recommendations_of,
    valid_sign_offs,
)
from tender.bids.models import Bid
from tender.clock import now
from tender.errors import DomainError
from tender.evaluation import events
from tender.evaluation import operations as ev
from tender.evaluation_model.models import AwardCriterion
from tender.extensions import db
from tender.formatting import OSLO
from tender.negotiation.operations import final_round, round_not_evaluated
from tender.tenders.models import Municipality, Tender
from tender.web import transactions

#: the longest text per criterion and bid, and the longest summary or comment
LONG_TEXT = 10_000


def _name(actor: Any) -> str:
    return getattr(actor, "name", "") or getattr(actor, "email", "") or ""


def _now_seconds() -> Any:
    # the freezing moment is part of the snapshot: whole seconds, as every database keeps them
    return now().replace(microsecond=0)


def _evaluation_refusal(tender: Tender) -> str | None:
    found = round_not_evaluated(tender)
    if found is not None:
        return found
    below = ev.threshold_decisions_missing(tender)
    if below:
        names = ", ".join(b.vendor.name for b in below)
        return (
            f"Tilbudet fra {names} er under et kunngjort minstekrav til kvalitet, og avvisningen er ikke "
            "registrert. Avvis tilbudet på tilbudssiden (begrunnelsen er fylt inn) før innstillingen."
            if len(below) == 1
            else f"Tilbudene fra {names} er under et kunngjort minstekrav til kvalitet, og avvisningene er "
            "ikke registrert. Avvis dem på tilbudssidene før innstillingen."
        )
    return None


# -- drafting ------------------------------------------------------------------------------------------------
def start_draft(tender: Tender, *, actor: Any) -> Recommendation:
    """A new draft (number + 1) on the complete evaluation of the final round."""
    existing = current_recommendation(tender)
    if existing is not None:
        raise DomainError(
            f"Innstilling nr. {existing.number} er ikke trukket tilbake; arbeid videre med den, eller trekk "
            "den tilbake først."
        )
    refusal = _evaluation_refusal(tender)
    if refusal is not None:
        raise DomainError("Innstillingen kan ikke påbegynnes før evalueringen er ferdig. " + refusal)
    round_no = final_round(tender).number
    built = snap.evaluation_of(tender, round_no)
    winner = snap.winner_of(built)
    number = (
        db.session.scalar(
            select(func.max(Recommendation.number)).where(Recommendation.tender_id == tender.id)
        )
        or 0
    ) + 1
    rec = Recommendation(
        tender_id=tender.id,
        number=number,
        round_no=round_no,
        state=RecommendationState.DRAFT,
        winner_bid_id=winner.id,
        summary="",
        created_at=now(),
        created_by_name=_name(actor),
    )
    db.session.add(rec)
    db.session.flush()
    audit.record(
        "award.recommendation_started",
        rec,
        actor=actor,
        payload={"number": number, "round_no": round_no, "winner": winner.vendor.name},
    )
    return rec


@dataclass(frozen=True)
class TextSlot:
    """One account the recommendation must give: the winner's characteristics on a criterion (``winner``),
    or its relative advantages compared with ``bid`` there."""

    criterion: AwardCriterion
    bid: Bid
    winner: bool
    text: str

    @property
    def name(self) -> str:
        """The form field's name."""
        return f"t{self.criterion.id}_{self.bid.id}"


@dataclass(frozen=True)
class Draft:
    """What the draft page shows: the live evaluation of the recommendation's round and the texts."""

    built: ev.Built
    ranked: list[Bid]
    winner: Bid | None
    slots: list[TextSlot]
    rejected: list[Bid]
    problem: str | None
    #: why a bid below a quality threshold is rejected (by bid id); a recorded rejection has its own reason
    reasons: dict[int, str] = field(default_factory=dict)


def draft_of(tender: Tender, rec: Recommendation) -> Draft:
    """The live evaluation behind ``rec`` with its text slots (empty, with the problem, when the evaluation
    has no single winner now)."""
    built = ev.build_case(tender, with_individual=False, round_no=rec.round_no)
    if built.result is None:
        problem = "; ".join(built.problems[:3]) or "Evalueringen gir ikke et resultat."
        return Draft(built, list(built.bids), None, [], [], problem)
    ranked = snap.ranked_bids(built)
    reasons = {b.id: snap.threshold_reason(built, b) for b in ranked if snap.rejected_by_threshold(built, b)}
    rejected = [b for b in ranked if b.rejected or b.id in reasons]
    try:
        pairs = snap.text_slots(built, snap.scored_leaves(tender))
        winner: Bid | None = snap.winner_of(built)
    except DomainError as error:
        return Draft(built, ranked, None, [], rejected, error.message, reasons)
    texts = {(t.criterion_id, t.bid_id): t.text for t in rec.texts}
    assert winner is not None
    slots = [TextSlot(c, b, b.id == winner.id, texts.get((c.id, b.id), "")) for c, b in pairs]
    return Draft(built, ranked, winner, slots, rejected, None, reasons)


def _editable(rec: Recommendation) -> None:
    if rec.state is not RecommendationState.DRAFT:
        raise DomainError(
            "Innstillingen er låst for godkjenning og kan ikke endres."
            if rec.state is RecommendationState.FROZEN
            else "Innstillingen er trukket tilbake og kan ikke endres."
        )


def save_texts(
    tender: Tender, rec: Recommendation, texts: Mapping[str, str], summary: str, *, actor: Any
) -> int:
    """Store the draft's texts (``texts`` by slot name; empty ones may wait until the freezing) and its
    summary; returns how many texts are written."""
    _editable(rec)
    draft = draft_of(tender, rec)
    if draft.problem is not None:
        raise DomainError("Tekstene kan ikke lagres nå: " + draft.problem)
    too_long = [s for s in draft.slots if len(texts.get(s.name, "")) > LONG_TEXT]
    if too_long or len(summary) > LONG_TEXT:
        raise DomainError(f"En tekst kan være høyst {LONG_TEXT:,} tegn lang.".replace(",", " "))
    rows = {(t.criterion_id, t.bid_id): t for t in rec.texts}
    for s in draft.slots:
        if s.name not in texts:
            continue
        value = texts[s.name].strip()
        row = rows.get((s.criterion.id, s.bid.id))
        if row is None:
            rec.texts.append(RecommendationText(criterion_id=s.criterion.id, bid_id=s.bid.id, text=value))
        else:
            row.text = value
    rec.summary = summary.strip()
    assert draft.winner is not None
    rec.winner_bid_id = draft.winner.id
    db.session.flush()
    written = sum(1 for s in draft.slots if texts.get(s.name, "").strip())
    audit.record(
        "award.recommendation_texts_saved",
        rec,
        actor=actor,
        payload={"number": rec.number, "written": written, "of": len(draft.slots)},
    )
    return written


def missing_texts(tender: Tender, rec: Recommendation) -> list[str]:
    """The accounts not written yet, in words ("«Funksjonalitet»: fordeler sammenlignet med B AS")."""
    draft = draft_of(tender, rec)
    found = []
    for s in draft.slots:
        if not s.text.strip():
            found.append(
                f"«{s.criterion.name}»: "
                + (
                    "det vinnende tilbudets egenskaper"
                    if s.winner
                    else f"fordeler sammenlignet med {s.bid.vendor.name}"
                )
            )
    return found


def freeze(tender: Tender, rec: Recommendation, *, actor: Any) -> str:
    """Freeze the draft as a snapshot for the signers; returns its hash. Refused while the evaluation is not
    complete or any text is empty."""
    _editable(rec)
    if rec.round_no != tender.current_round:
        raise DomainError(
            f"Innstillingen bygger på runde {rec.round_no}, men runde {tender.current_round} er den siste. "
            "Trekk den tilbake og lag en ny."
        )
    refusal = _evaluation_refusal(tender)
    if refusal is not None:
        raise DomainError("Innstillingen kan ikke låses før evalueringen er ferdig. " + refusal)
    draft = draft_of(tender, rec)
    if draft.problem is not None:
        raise DomainError("Innstillingen kan ikke låses: " + draft.problem)
    missing = missing_texts(tender, rec)
    if missing:
        raise DomainError(
            "Poeng alene er ikke nok: skriv begrunnelsen for hvert kriterium før innstillingen låses. "
            "Mangler: " + "; ".join(missing) + "."
        )
    if not rec.summary.strip():
        raise DomainError("Skriv en oppsummering av innstillingen før den låses.", field="summary")
    assert draft.winner is not None
    rec.winner_bid_id = draft.winner.id
    rec.frozen_at = _now_seconds()
    rec.frozen_by_name = _name(actor)
    content = snap.canonical(snap.build_snapshot(tender, rec, snap.header_of(rec, freezing=True)))
    rec.content_json = content
    rec.content_sha256 = snap.digest(content)
    rec.state = RecommendationState.FROZEN
    db.session.flush()
    audit.record(
        "award.recommendation_frozen",
        rec,
        actor=actor,
        payload={"number": rec.number, "sha256": rec.content_sha256, "winner": draft.winner.vendor.name},
    )
    return rec.content_sha256


def withdraw(tender: Tender, rec: Recommendation, *, reason: str, actor: Any) -> None:
    """The lead takes the recommendation back: the tender is back in evaluation; a new draft gets the next
    number."""
    if rec.state is RecommendationState.WITHDRAWN:
        raise DomainError("Innstillingen er allerede trukket tilbake.")
    if notice_issue_of(tender) is not None:
        # every bidder has been told the result on this recommendation; it stands (a cancellation of the
        # award is a decision of its own, outside the tool)
        raise DomainError(
            "Meddelelsene om tildeling er sendt på grunnlag av innstillingen; den kan ikke trekkes."
        )
    if not reason.strip():
        raise DomainError("Skriv hvorfor innstillingen trekkes tilbake.", field="reason")
    _withdraw(rec, reason.strip())
    audit.record(
        "award.recommendation_withdrawn",
        rec,
        actor=actor,
        payload={"number": rec.number, "sha256": rec.content_sha256, "reason": rec.withdrawn_reason},
    )


def _withdraw(rec: Recommendation, reason: str) -> None:
    rec.state = RecommendationState.WITHDRAWN
    rec.withdrawn_at = now()
    rec.withdrawn_reason = reason
    db.session.flush()


def snapshot_of(rec: Recommendation) -> dict[str, Any] | None:
    """The frozen snapshot as stored (None before the first freezing)."""
    return json.loads(rec.content_json) if rec.content_json else None


# -- sign-off ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Decision:
    decision: SignOffDecision
    comment: str
    body: DecisionBody
    decision_date: date
    case_number: str


def _refuse(
    tender: Tender, rec: Recommendation, municipality: Municipality, code: str, message: str, actor: Any
) -> DomainError:
    """The refusal, kept in the audit trail although the request is rolled back."""
    payload = {
        "code": code,
        "reason": message,
        "municipality": municipality.name,
        "number": rec.number,
        "sha256": rec.content_sha256,
    }
    rec_id, tender_id = rec.id, tender.id
    transactions.keep(
        lambda: audit.record(
            "award.sign_off_refused",
            tender_id=tender_id,
            object_type="award_recommendation",
            object_id=rec_id,
            actor=actor,
            payload=payload,
        )
    )
    return DomainError(message)


def sign_off(
    tender: Tender,
    rec: Recommendation,
    municipality: Municipality,
    given: Decision,
    *,
    shown_hash: str,
    signer: Any,
) -> AwardSignOff:
    """A bound municipality's signer approves or rejects the frozen snapshot with the hash the page showed.
    A rejection withdraws the recommendation (the tender goes back to evaluation)."""
    if rec.state is not RecommendationState.FROZEN:
        raise _refuse(
            tender, rec, municipality, "not_frozen", "Innstillingen er ikke låst for godkjenning.", signer
        )
    mine = tender.signer_municipalities(signer)
    if municipality not in mine:
        names = ", ".join(m.name for m in mine) or "ingen kommune"
        raise _refuse(
            tender,
            rec,
            municipality,
            "other_municipality",
            f"Du kan ikke signere for {municipality.name}; du signerer for {names}.",
            signer,
        )
    if municipality in tender.option_municipalities:
        raise _refuse(
            tender,
            rec,
            municipality,
            "option_municipality",
            f"{municipality.name} er opsjonskommune og godkjenner ikke tildelingen.",
            signer,
        )
    if shown_hash != rec.content_sha256:
        raise _refuse(
            tender,
            rec,
            municipality,
            "stale_snapshot",
            "Innstillingen er endret etter at du åpnet siden. Les den gjeldende versjonen og ta stilling "
            "på nytt.",
            signer,
        )
    if any(s.municipality_id == municipality.id and s.content_sha256 == shown_hash for s in rec.sign_offs):
        raise _refuse(
            tender,
            rec,
            municipality,
            "twice",
            f"{municipality.name} har allerede tatt stilling til denne versjonen av innstillingen.",
            signer,
        )
    comment = given.comment.strip()
    if given.decision is SignOffDecision.REJECTED and not comment:
        raise DomainError("Skriv hvorfor kommunen avviser innstillingen.", field="comment")
    if given.decision_date > now().astimezone(OSLO).date():
        raise DomainError("Vedtaksdatoen kan ikke være frem i tid.", field="decision_date")
    if not given.case_number.strip():
        raise DomainError("Skriv vedtakets saksnummer i kommunens arkiv.", field="case_number")
    row = AwardSignOff(
        municipality_id=municipality.id,
        content_sha256=rec.content_sha256,
        decision=given.decision,
        comment=comment,
        body=given.body,
        decision_date=given.decision_date,
        case_number=given.case_number.strip(),
        signer_id=getattr(signer, "id", None),
        signer_name=_name(signer),
        signed_at=now(),
    )
    rec.sign_offs.append(row)
    db.session.flush()
    audit.record(
        "award.signed_off",
        row,
        tender_id=tender.id,
        actor=signer,
        payload={
            "municipality": municipality.name,
            "decision": given.decision.value,
            "body": given.body.value,
            "decision_date": given.decision_date.isoformat(),
            "case_number": row.case_number,
            "comment": comment,
            "sha256": row.content_sha256,
            "number": rec.number,
        },
    )
    if given.decision is SignOffDecision.REJECTED:
        _withdraw(rec, f"{municipality.name}: {comment}")
        audit.record(
            "award.recommendation_rejected",
            rec,
            actor=signer,
            payload={"number": rec.number, "municipality": municipality.name, "reason": comment},
        )
    return row


# -- lapse ---------------------------------------------------------------------------------------------------
def check_lapse(tender: Tender, actor: Any = None) -> bool:
    """After a change that can alter the snapshot: when the frozen recommendation's live hash differs from
    its frozen one, it goes back to draft (texts kept) and every sign-off on the old hash lapses, recorded
    with both hashes. Returns whether it lapsed. (The cost split cannot change while a recommendation is
    frozen; after the notices a change that would alter the snapshot is refused.)"""
    rec = current_recommendation(tender)
    if rec is None or rec.state is not RecommendationState.FROZEN:
        return False
    old = rec.content_sha256
    new = snap.live_hash(tender, rec)
    if new == old:
        return False
    if notice_issue_of(tender) is not None:
        # The notices told every bidder the result this snapshot holds: the evaluation cannot change under
        # them (the request's transaction rolls the change back).
        raise DomainError(
            "Meddelelsene om tildeling er sendt på grunnlag av innstillingen; "
            "evalueringen kan ikke endres nå."
        )
    at = now()
    lapsed = [s for s in rec.sign_offs if s.content_sha256 == old and s.lapsed_at is None]
    for s in lapsed:
        s.lapsed_at = at
    rec.state = RecommendationState.DRAFT
    db.session.flush()
    audit.record(
        "award.sign_offs_lapsed",
        rec,
        actor=actor,
        payload={
            "number": rec.number,
            "old_sha256": old,
            "new_sha256": new or "",
            "lapsed": [s.municipality.name for s in lapsed],
        },
    )
    return True


events.AFTER_CHANGE.append(check_lapse)


# -- the board -----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class BoardRow:
    municipality: Municipality
    #: "venter", "godkjent", "avvist" or "bortfalt"
    state: str
    sign_off: AwardSignOff | None


@dataclass(frozen=True)
class Board:
    recommendation: Recommendation | None
    rows: list[BoardRow]
    option: list[Municipality]


def board(tender: Tender) -> Board:
    """Each bound municipality's state on the newest recommendation, option municipalities apart."""
    rec = current_recommendation(tender)
    if rec is None:
        every = recommendations_of(tender)
        rec = every[-1] if every else None
    rows = []
    valid = valid_sign_offs(rec) if rec is not None else {}
    for m in tender.bound_municipalities:
        mine = [s for s in rec.sign_offs if s.municipality_id == m.id] if rec is not None else []
        latest = mine[-1] if mine else None
        if m.id in valid:
            found = valid[m.id]
            rows.append(
                BoardRow(m, "godkjent" if found.decision is SignOffDecision.APPROVED else "avvist", found)
            )
        elif latest is not None and latest.lapsed_at is not None:
            rows.append(BoardRow(m, "bortfalt", latest))
        elif latest is not None and rec is not None and rec.state is RecommendationState.WITHDRAWN:
            rows.append(
                BoardRow(m, "godkjent" if latest.decision is SignOffDecision.APPROVED else "avvist", latest)
            )
        else:
            rows.append(BoardRow(m, "venter", None))
    return Board(rec, rows, tender.option_municipalities)
