"""Corrections (rettelser) to the published specification or the other tender documents: start one, publish it
(with the lead's decision about the bid deadline), tell the vendors, and keep the vendors' draft answers with
the changed ones flagged.

A correction goes the specification's own route: while it is open (``Specification.correction_open``) the
draft is edited on the specification's pages, frozen as a new version and approved by every participating
municipality on that version's hash (tender.requirements); publishing it here makes that version the
published one.

Draft bids move to the new version at publication (not when the vendor next opens the bid), so that every
page and export that reads ``bid.spec_version_id`` agrees from that moment; answers to requirements the
correction changed get an :class:`AnswerReview` until the vendor saves the answer again (changed, or ticked
as reviewed). Answers to removed requirements stay in the bid's rows (the bid pages and the submission only
count the published version's requirements); new requirements are simply unanswered.

A correction of the tender documents (the contract, an appendix, the invitation...) goes the same route with
the documents' own versions: starting it makes a correcting draft of the published set
(``documents.new_version_from``) that the lead edits on the documents page; the lead freezes it here, every
participating municipality approves the frozen version's content hash (:class:`DocumentsApproval`), and
publishing it makes it the version vendors receive, with a diff per document (added, removed, replaced,
renamed). The deadline question and the e-mail are the same as for the specification.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from tender import audit, mail
from tender.bids.models import Bid, BidRound, BidStatus
from tender.core.spec.diff import SpecDiff, diff_specs
from tender.corrections.models import KIND_DOCUMENTS, AnswerReview, Correction, DocumentsApproval
from tender.documents import operations as documents
from tender.documents.models import DocumentKind, DocumentSetVersion, TenderDocument
from tender.errors import DomainError
from tender.extensions import db
from tender.formatting import format_datetime
from tender.requirements import operations as spec_ops
from tender.requirements.models import Specification, SpecVersion
from tender.requirements.permissions import sign_for
from tender.tenders import operations as tender_ops
from tender.tenders.models import Municipality, Tender

#: days before the bid deadline inside which a correction asks the lead to extend it (the default setting)
DEFAULT_NOTICE_DAYS = 6
MAX_NOTICE_DAYS = 365


# -- reading -----------------------------------------------------------------------------------------------
def all_corrections(tender: Tender) -> list[Correction]:
    return list(
        db.session.scalars(
            select(Correction).where(Correction.tender_id == tender.id).order_by(Correction.number)
        )
    )


def open_correction(tender: Tender) -> Correction | None:
    return next((c for c in all_corrections(tender) if c.is_open), None)


def correction_by_number(tender: Tender, number: int) -> Correction | None:
    return db.session.scalar(
        select(Correction).where(Correction.tender_id == tender.id, Correction.number == number)
    )


@dataclass(frozen=True)
class PublishedCorrection:
    """A published correction as the timeline and the tender documents read it."""

    number: int
    reason: str
    published_at: datetime
    #: the specification version it published, and the number of the version it replaced (None for a
    #: correction of the tender documents)
    spec_version: SpecVersion | None
    base_version_number: int | None
    #: the bid deadline decision: asked or not; extended to a moment, or not (with the reason)
    deadline_question: bool
    deadline_before: datetime | None
    deadline_extended_to: datetime | None
    no_extension_reason: str
    #: "specification" or "documents"; a documents correction's published version of the set
    kind: str = "specification"
    documents_version_number: int | None = None

    @property
    def extension_decision(self) -> str:
        """The decision in Norwegian words, for a list or a timeline."""
        return extension_in_words(self.deadline_question, self.deadline_extended_to, self.no_extension_reason)


def extension_in_words(asked: bool, extended_to: datetime | None, reason: str) -> str:
    if extended_to is not None:
        return f"Tilbudsfristen ble forlenget til {format_datetime(extended_to)}."
    if asked:
        return f"Tilbudsfristen ble ikke forlenget. Begrunnelse: {reason}"
    return "Det var nok tid igjen til tilbudsfristen; den ble ikke vurdert forlenget."


def corrections_of(tender: Tender) -> list[PublishedCorrection]:
    """The tender's published corrections in order (for the timeline and the tender documents)."""
    out = []
    for c in all_corrections(tender):
        if c.is_open or c.published_at is None:
            continue
        if c.of_documents:
            if c.documents_version is None:
                continue
        elif c.version is None or c.base_version is None:
            continue
        out.append(
            PublishedCorrection(
                number=c.number,
                reason=c.reason,
                published_at=c.published_at,
                spec_version=c.version,
                base_version_number=c.base_version.number if c.base_version is not None else None,
                deadline_question=c.deadline_question,
                deadline_before=c.deadline_before,
                deadline_extended_to=c.deadline_extended_to,
                no_extension_reason=c.no_extension_reason,
                kind=c.kind,
                documents_version_number=c.documents_version.number if c.documents_version else None,
            )
        )
    return out


def correction_diff(correction: Correction, spec: Specification) -> SpecDiff:
    """What the correction changed: from its base version to the version it published (while open: to the
    newest frozen version, or the draft if nothing new is frozen yet)."""
    assert correction.base_version is not None, "a specification correction has its base version"
    old = spec_ops.version_content(correction.base_version)
    if correction.version is not None:
        return diff_specs(old, spec_ops.version_content(correction.version))
    latest = spec_ops.latest_version(spec)
    if latest is not None and latest.number > correction.base_version.number:
        return diff_specs(old, spec_ops.version_content(latest))
    return diff_specs(old, spec_ops.to_core(spec))


def candidate_version(tender: Tender, spec: Specification) -> SpecVersion | None:
    """The version an open correction would publish: the newest frozen one, if newer than the published."""
    latest = spec_ops.latest_version(spec)
    published = spec.published_version
    if latest is None or published is None or latest.number <= published.number:
        return None
    return latest


def deadline_question_due(tender: Tender, spec: Specification | None, at: datetime) -> bool:
    """Whether publishing now leaves fewer days to the (still open) bid deadline than the tender's setting
    (kept on the specification; the default when the tender has none)."""
    deadline = tender.bid_deadline
    if deadline is None or deadline <= at:
        return False
    days = spec.correction_notice_days if spec is not None else DEFAULT_NOTICE_DAYS
    return deadline - at < timedelta(days=days)


# -- starting ----------------------------------------------------------------------------------------------
def start_correction(tender: Tender, *, reason: str, at: datetime, actor: Any) -> Correction:
    """Open a correction of the published specification: its draft may be edited again."""
    spec = spec_ops.specification_of(tender)
    if spec is None or spec.published_version is None:
        raise DomainError(
            "Kravspesifikasjonen er ikke kunngjort; før kunngjøringen endres utkastet direkte.",
            field="reason",
        )
    reason = reason.strip()
    if not reason:
        raise DomainError("Skriv hvorfor kravspesifikasjonen rettes.", field="reason")
    if len(reason) > 5_000:
        raise DomainError("Begrunnelsen kan ha høyst 5 000 tegn.", field="reason")
    if tender.bid_deadline is not None and at >= tender.bid_deadline:
        raise DomainError(
            "Tilbudsfristen er passert; kravspesifikasjonen kan ikke rettes etter fristen.", field="reason"
        )
    if open_correction(tender) is not None or spec.correction_open:
        raise DomainError("En rettelse pågår allerede; kunngjør den før du starter en ny.", field="reason")
    done = all_corrections(tender)
    correction = Correction(
        tender_id=tender.id,
        number=(done[-1].number + 1) if done else 1,
        reason=reason,
        started_at=at,
        started_by_id=getattr(actor, "id", None),
        started_by_name=getattr(actor, "name", "") or "",
        base_version_id=spec.published_version.id,
        published_by_name="",
        deadline_question=False,
        no_extension_reason="",
        notified=0,
    )
    db.session.add(correction)
    spec.correction_open = True
    db.session.flush()
    audit.record(
        "correction.started",
        correction,
        actor=actor,
        payload={
            "number": correction.number,
            "reason": reason,
            "base_version": spec.published_version.number,
        },
    )
    return correction


def cancel_correction(tender: Tender, correction: Correction, *, reason: str, actor: Any) -> None:
    """Give up an open correction: the draft goes back to the published version, the correction is gone
    (its number is used again by the next one, so the vendors' list has no gaps; the trail keeps it all).
    Versions frozen meanwhile stay with their approvals, unpublished."""
    spec = spec_ops.specification_of(tender)
    if not correction.is_open or correction.tender_id != tender.id:
        raise DomainError("Det er ingen pågående rettelse å avbryte.", field="reason")
    if spec is None and not correction.of_documents:
        raise DomainError("Det er ingen pågående rettelse å avbryte.", field="reason")
    reason = reason.strip()
    if not reason:
        raise DomainError("Skriv hvorfor rettelsen avbrytes.", field="reason")
    if len(reason) > 2_000:
        raise DomainError("Begrunnelsen kan ha høyst 2 000 tegn.", field="reason")
    audit.record(
        "correction.documents_cancelled" if correction.of_documents else "correction.cancelled",
        correction,
        actor=actor,
        payload={
            "number": correction.number,
            "reason": reason,
            "started_reason": correction.reason,
            "correction_kind": correction.kind,
        },
    )
    if correction.of_documents:
        # the correcting documents version goes, frozen or not (with its approvals); the published set stays
        draft = correction.documents_version
        db.session.delete(correction)
        db.session.flush()
        if draft is not None and draft.published_at is None:
            documents.discard(tender, draft, actor=actor)
        return
    assert spec is not None
    spec_ops.restore_published_draft(tender, actor=actor)
    spec.correction_open = False
    db.session.delete(correction)
    db.session.flush()


def set_notice_days(tender: Tender, days: int, *, actor: Any) -> None:
    """The tender's setting: fewer days than this to the bid deadline makes a correction ask for more time."""
    if not 0 <= days <= MAX_NOTICE_DAYS:
        raise DomainError(f"Antall dager må være mellom 0 og {MAX_NOTICE_DAYS}.", field="days")
    spec = spec_ops.ensure_specification(tender)
    if spec.correction_notice_days == days:
        return
    before = spec.correction_notice_days
    spec.correction_notice_days = days
    db.session.flush()
    audit.record(
        "correction.notice_days_set",
        spec,
        tender_id=tender.id,
        actor=actor,
        payload={"before": before, "after": days},
    )


# -- publishing --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class DeadlineDecision:
    """The lead's answer to the extension question: extend to ``new_deadline``, or not with ``reason``."""

    extend: bool | None
    new_deadline: datetime | None = None
    reason: str = ""


def publish_correction(
    tender: Tender,
    correction: Correction,
    *,
    decision: DeadlineDecision,
    at: datetime,
    actor: Any,
    link: str | None = None,
) -> Correction:
    """Publish the open correction's newest frozen version, approved by every participating municipality.

    With fewer than the set number of days left to the bid deadline the lead must decide about extending it
    (``decision``); the decision is recorded either way. The vendors' draft bids move to the new version with
    the changed answers flagged; then every vendor user is told by e-mail (best effort: the correction is on
    their pages regardless, and how many were told is recorded). A correction of the tender documents goes
    to :func:`publish_documents_correction`."""
    if correction.of_documents:
        return publish_documents_correction(
            tender, correction, decision=decision, at=at, actor=actor, link=link
        )
    spec = spec_ops.specification_of(tender)
    if spec is None or spec.published_version is None:
        raise DomainError("Kravspesifikasjonen er ikke kunngjort.")
    if not correction.is_open or correction.tender_id != tender.id:
        raise DomainError(f"{correction.label} er allerede kunngjort.")
    version = candidate_version(tender, spec)
    if version is None:
        raise DomainError("Frys en ny versjon av utkastet og få den godkjent før rettelsen kunngjøres.")
    if spec_ops.draft_differs_from_latest(spec):
        raise DomainError(
            f"Utkastet er endret etter versjon {version.number}. Frys utkastet og få den nye versjonen "
            "godkjent, eller kunngjør ikke før det er gjort."
        )
    missing = spec_ops.missing_approvals(tender, version)
    if missing:
        raise DomainError(
            f"Disse kommunene har ikke godkjent versjon {version.number}: "
            + ", ".join(m.name for m in missing)
            + "."
        )
    if tender.bid_deadline is not None and at >= tender.bid_deadline:
        raise DomainError("Tilbudsfristen er passert; rettelsen kan ikke kunngjøres.")
    assert correction.base_version is not None
    old_content = spec_ops.version_content(correction.base_version)
    new_content = spec_ops.version_content(version)  # refuses a version whose content no longer matches
    asked = deadline_question_due(tender, spec, at)
    deadline_before = tender.bid_deadline
    _decide_deadline(tender, correction, decision, asked=asked, at=at, actor=actor)
    correction.deadline_question = asked
    correction.deadline_before = deadline_before
    correction.version_id = version.id
    correction.version = version
    correction.published_at = at
    correction.published_by_id = getattr(actor, "id", None)
    correction.published_by_name = getattr(actor, "name", "") or ""
    spec.published_version = version
    spec.correction_open = False
    diff = diff_specs(old_content, new_content)
    db.session.flush()
    audit.record(
        "correction.published",
        correction,
        actor=actor,
        payload={
            "number": correction.number,
            "reason": correction.reason,
            "version": version.number,
            "content_hash": version.content_hash,
            "added": [r.id for r in diff.added],
            "removed": [r.id for r in diff.removed],
            "changed": [c.id for c in diff.changed],
        },
    )
    _correct_documents(tender, correction, actor=actor)
    # after the group's event: what happens to each bid is recorded under the bid, sealed until the opening
    _carry_bids(tender, correction, version, diff, actor=actor)
    _notify_vendors(tender, correction, diff, link=link, actor=actor)
    return correction


def _correct_documents(tender: Tender, correction: Correction, *, actor: Any) -> None:
    """The published tender documents follow the corrected specification: a new version of the set, marked as
    this correction with its reason, with the specification and its answer form generated again from the
    version just published (the other documents as they were), published at the same moment. A tender whose
    documents are not published yet has nothing to follow; a documents version being drafted must be
    published or discarded first (refused, and the correction is not published either)."""
    if documents.current_version(tender) is None:
        return
    present = {d.kind for d in documents.documents_of(documents.current_version(tender))}
    # generating the specification brings its answer form along
    again = [DocumentKind.SPECIFICATION.value] if DocumentKind.SPECIFICATION in present else []
    draft = documents.new_version_from(
        tender,
        replacing=dict.fromkeys(again, None),
        reason=f"{correction.label}: {correction.reason}",
        actor=actor,
    )
    documents.publish(tender, draft, actor=actor)


def _decide_deadline(
    tender: Tender,
    correction: Correction,
    decision: DeadlineDecision,
    *,
    asked: bool,
    at: datetime,
    actor: Any,
) -> None:
    if decision.extend is None:
        if asked:
            raise DomainError(
                "Det er mindre enn fristen i innstillingen igjen til tilbudsfristen: velg om tilbudsfristen "
                "skal forlenges.",
                field="extend",
            )
        return
    if not decision.extend:
        reason = decision.reason.strip()
        if not reason:
            raise DomainError("Skriv hvorfor tilbudsfristen ikke forlenges.", field="reason")
        if len(reason) > 2_000:
            raise DomainError("Begrunnelsen kan ha høyst 2 000 tegn.", field="reason")
        correction.no_extension_reason = reason
        correction.deadline_extended_to = None
        audit.record(
            "correction.deadline_kept",
            correction,
            actor=actor,
            payload={
                "number": correction.number,
                "deadline": tender.bid_deadline.isoformat() if tender.bid_deadline else None,
                "reason": reason,
            },
        )
        return
    new = decision.new_deadline
    if new is None:
        raise DomainError("Skriv inn den nye tilbudsfristen.", field="new_deadline")
    if new <= at:
        raise DomainError("Den nye tilbudsfristen må ligge fram i tid.", field="new_deadline")
    if tender.bid_deadline is not None and new <= tender.bid_deadline:
        raise DomainError(
            f"Den nye tilbudsfristen må ligge etter den gjeldende ({format_datetime(tender.bid_deadline)}).",
            field="new_deadline",
        )
    before = tender.bid_deadline
    try:
        # the tenders' own rule for a deadline change (ahead, in order with the other deadlines)
        tender_ops.update_tender(
            tender,
            title=tender.title,
            case_reference=tender.case_reference,
            participation_deadline=tender.participation_deadline,
            questions_deadline=tender.questions_deadline,
            bid_deadline=new,
            now=at,
            actor=actor,
        )
    except DomainError as error:
        raise DomainError(str(error), field="new_deadline") from None
    # a tender in a later bid round keeps its round's deadline in the round's row too
    current = db.session.scalar(
        select(BidRound).where(BidRound.tender_id == tender.id, BidRound.number == tender.current_round)
    )
    if current is not None:
        current.deadline = new
    correction.deadline_extended_to = new
    correction.no_extension_reason = ""
    db.session.flush()
    audit.record(
        "correction.deadline_extended",
        correction,
        actor=actor,
        payload={
            "number": correction.number,
            "before": before.isoformat() if before else None,
            "after": new.isoformat(),
        },
    )


def _carry_bids(
    tender: Tender, correction: Correction, version: SpecVersion, diff: SpecDiff, *, actor: Any
) -> None:
    """Move the current round's draft bids to ``version`` and flag their answers to changed requirements;
    a delivered bid stays on the version it answered (the bid page tells its vendor, tender.bids cannot take a
    delivered bid back). Each is recorded under the bid (``bid.*``: sealed from the group until the opening,
    since how many drafts and deliveries there are is the vendors' secret until then)."""
    changed = {c.id for c in diff.changed}
    bids = db.session.scalars(
        select(Bid).where(Bid.tender_id == tender.id, Bid.round_no == tender.current_round).order_by(Bid.id)
    ).all()
    for bid in bids:
        if bid.status is BidStatus.SUBMITTED:
            if bid.spec_version_id != version.id:
                audit.record(
                    "bid.delivered_before_correction",
                    bid,
                    actor=actor,
                    payload={"number": correction.number, "version": version.number},
                )
            continue
        before = db.session.get(SpecVersion, bid.spec_version_id) if bid.spec_version_id else None
        bid.spec_version_id = version.id
        flagged = sorted(
            a.requirement_key for a in bid.answers if a.requirement_key in changed and _has_content(a)
        )
        for key in flagged:
            db.session.add(AnswerReview(correction_id=correction.id, bid_id=bid.id, requirement_key=key))
        db.session.flush()
        audit.record(
            "bid.moved_to_corrected_version",
            bid,
            actor=actor,
            payload={
                "number": correction.number,
                "from": before.number if before is not None else None,
                "version": version.number,
                "requirements": flagged,
            },
        )


def _has_content(answer: Any) -> bool:
    return bool(
        answer.fulfilled.strip()
        or answer.description.strip()
        or answer.documentation_ref.strip()
        or answer.reservation
    )


def _notify_vendors(
    tender: Tender, correction: Correction, diff: SpecDiff, *, link: str | None, actor: Any
) -> None:
    subject = f"Rettelse {correction.number} av kravspesifikasjonen – {tender.title}"
    body = (
        f"Kravspesifikasjonen i konkurransen «{tender.title}» ({tender.case_reference}) er rettet "
        f"(rettelse {correction.number}).\n\n"
        f"Begrunnelse: {correction.reason}\n\n"
        f"{summary_in_words(diff)}\n"
        f"{_extension_of(correction)}\n\n"
        "Svar i tilbudsutkast på krav som er endret, er merket for gjennomgang.\n"
        + (f"\nSe endringene: {link}\n" if link else "")
    )
    _mail_vendors(tender, correction, subject, body, actor=actor)


def _mail_vendors(tender: Tender, correction: Correction, subject: str, body: str, *, actor: Any) -> None:
    """Tell every vendor user by e-mail (tender.mail.notify: the correction stands whatever becomes of the
    mail) and record who was told and who could not be."""
    names = {u.email: u.name for u in tender_ops.vendor_users(tender)}
    told = mail.notify(names, subject, lambda address: f"Hei {names[address]},\n\n{body}")
    correction.notified = len(told.sent)
    db.session.flush()
    audit.record(
        "correction.vendors_notified",
        correction,
        actor=actor,
        payload={"number": correction.number, **told.payload()},
    )


def _extension_of(correction: Correction) -> str:
    return extension_in_words(
        correction.deadline_question, correction.deadline_extended_to, correction.no_extension_reason
    )


def summary_in_words(diff: SpecDiff) -> str:
    parts = [
        (len(diff.added), "nytt krav", "nye krav"),
        (len(diff.changed), "endret krav", "endrede krav"),
        (len(diff.removed), "slettet krav", "slettede krav"),
    ]
    words = [f"{n} {one if n == 1 else many}" for n, one, many in parts if n]
    if not words:
        return "Ingen krav er lagt til, endret eller slettet (bare rekkefølge eller kapitler)."
    return "Endringer: " + ", ".join(words) + "."


# -- the vendor's review of flagged answers -----------------------------------------------------------------
def answers_to_review(bid: Bid | None, requirement_keys: Iterable[str]) -> dict[str, Correction]:
    """The bid's answers still flagged for review, by requirement key, with the (newest) correction that
    flagged each; only requirements of the published version count (removed ones do not)."""
    if bid is None:
        return {}
    keys = set(requirement_keys)
    rows = db.session.scalars(
        select(AnswerReview)
        .where(AnswerReview.bid_id == bid.id, AnswerReview.cleared_at.is_(None))
        .order_by(AnswerReview.id)
    )
    return {r.requirement_key: r.correction for r in rows if r.requirement_key in keys}


def answer_snapshot(bid: Bid | None) -> dict[str, tuple[Any, ...]]:
    """The stored answers, to tell afterwards which ones a save changed."""
    if bid is None:
        return {}
    return {
        a.requirement_key: (
            a.fulfilled,
            a.description,
            a.documentation_ref,
            a.reservation,
            a.reservation_text,
        )
        for a in bid.answers
    }


def clear_reviewed(
    bid: Bid,
    before: Mapping[str, tuple[Any, ...]],
    *,
    confirmed: Iterable[str],
    at: datetime,
    actor: Any,
) -> list[str]:
    """After the vendor saved their draft: the flags on answers the save changed, or the vendor ticked as
    reviewed, are cleared (and recorded). Returns the requirement keys cleared."""
    now = answer_snapshot(bid)
    confirmed = set(confirmed)
    cleared: list[str] = []
    rows = db.session.scalars(
        select(AnswerReview).where(AnswerReview.bid_id == bid.id, AnswerReview.cleared_at.is_(None))
    )
    for row in rows:
        key = row.requirement_key
        if key in confirmed or (key in now and now[key] != before.get(key)):
            row.cleared_at = at
            if key not in cleared:
                cleared.append(key)
    if cleared:
        db.session.flush()
        audit.record(
            "correction.answers_reviewed", bid, actor=actor, payload={"requirements": sorted(cleared)}
        )
    return cleared


def delivered_on_older_version(tender: Tender, bid: Bid | None) -> list[Correction]:
    """The published corrections a delivered bid does not answer (it answers a version before theirs)."""
    if bid is None or not bid.is_submitted or bid.spec_version_id is None:
        return []
    answered = db.session.get(SpecVersion, bid.spec_version_id)
    if answered is None:
        return []
    return [
        c for c in all_corrections(tender) if c.version is not None and c.version.number > answered.number
    ]


# -- corrections of the tender documents -------------------------------------------------------------------
def _clean_reason(reason: str) -> str:
    text = reason.strip()
    if not text:
        raise DomainError("Skriv hvorfor konkurransegrunnlaget rettes.", field="reason")
    if len(text) > 5_000:
        raise DomainError("Begrunnelsen kan ha høyst 5 000 tegn.", field="reason")
    return text


def start_documents_correction(tender: Tender, *, reason: str, at: datetime, actor: Any) -> Correction:
    """Open a correction of the published tender documents: a correcting draft, a copy of the published set
    marked as this correction, which the lead edits on the documents page."""
    reason = _clean_reason(reason)
    current = documents.current_version(tender)
    if current is None:
        raise DomainError(
            "Konkurransegrunnlaget er ikke publisert; før publiseringen endres utkastet direkte.",
            field="reason",
        )
    if tender.bid_deadline is not None and at >= tender.bid_deadline:
        raise DomainError(
            "Tilbudsfristen er passert; konkurransegrunnlaget kan ikke rettes etter fristen.", field="reason"
        )
    spec = spec_ops.specification_of(tender)
    if open_correction(tender) is not None or (spec is not None and spec.correction_open):
        raise DomainError("En rettelse pågår allerede; kunngjør den før du starter en ny.", field="reason")
    pending = documents.pending_of(tender)
    if pending is not None:
        raise DomainError(
            f"Versjon {pending.number} av konkurransegrunnlaget er ikke publisert ennå; publiser eller "
            "forkast den først.",
            field="reason",
        )
    done = all_corrections(tender)
    correction = Correction(
        tender_id=tender.id,
        number=(done[-1].number + 1) if done else 1,
        kind=KIND_DOCUMENTS,
        reason=reason,
        started_at=at,
        started_by_id=getattr(actor, "id", None),
        started_by_name=getattr(actor, "name", "") or "",
        documents_base_id=current.id,
        published_by_name="",
        deadline_question=False,
        no_extension_reason="",
        notified=0,
    )
    db.session.add(correction)
    db.session.flush()
    draft = documents.new_version_from(
        tender, replacing={}, reason=f"{correction.label}: {reason}", actor=actor
    )
    correction.documents_version_id = draft.id
    correction.documents_version = draft
    db.session.flush()
    audit.record(
        "correction.documents_started",
        correction,
        actor=actor,
        payload={
            "number": correction.number,
            "reason": reason,
            "correction_kind": KIND_DOCUMENTS,
            "base_version": current.number,
            "version": draft.number,
        },
    )
    return correction


def _open_documents_correction(tender: Tender, correction: Correction) -> DocumentSetVersion:
    if correction.tender_id != tender.id or not correction.of_documents:
        raise DomainError("Det er ingen pågående rettelse av konkurransegrunnlaget.")
    if not correction.is_open:
        raise DomainError(f"{correction.label} er allerede kunngjort.")
    version = correction.documents_version
    if version is None:
        raise DomainError(f"{correction.label} har ikke noe utkast; avbryt den og start en ny.")
    return version


def freeze_documents_correction(tender: Tender, correction: Correction, *, actor: Any) -> str:
    """Freeze the correcting draft: its content hash is what the municipalities approve. A draft equal to the
    published set is refused (there is nothing to correct). Returns the hash."""
    version = _open_documents_correction(tender, correction)
    if version.frozen_at is not None:
        raise DomainError(f"Versjon {version.number} er allerede fryst.")
    base = correction.documents_base
    if base is not None and documents.content_hash(documents.documents_of(version)) == base.content_sha256:
        raise DomainError(
            f"Utkastet er likt den publiserte versjonen {base.number}; endre dokumentene før du fryser."
        )
    return documents.freeze(tender, version, actor=actor)


def documents_approvals(correction: Correction) -> list[DocumentsApproval]:
    """The approvals bound to the correction's current version and its content hash (any other is void)."""
    version = correction.documents_version
    if version is None or version.content_sha256 is None:
        return []
    return list(
        db.session.scalars(
            select(DocumentsApproval)
            .where(
                DocumentsApproval.correction_id == correction.id,
                DocumentsApproval.version_id == version.id,
                DocumentsApproval.content_sha256 == version.content_sha256,
            )
            .order_by(DocumentsApproval.approved_at, DocumentsApproval.id)
        )
    )


def missing_documents_approvals(tender: Tender, correction: Correction) -> list[Municipality]:
    approved = {a.municipality_id for a in documents_approvals(correction)}
    return [m for m in tender.participating_municipalities if m.id not in approved]


def approve_documents_correction(
    tender: Tender,
    correction: Correction,
    municipality: Municipality,
    *,
    content_sha256: str,
    at: datetime,
    signer: Any,
) -> DocumentsApproval:
    """A signer approves exactly the frozen correcting version, on behalf of their municipality; the hash the
    signer read must be the version's (a draft, or anything else, cannot be approved)."""
    version = _open_documents_correction(tender, correction)
    if not sign_for(signer, tender, municipality):
        raise DomainError(f"Du er ikke godkjenner for {municipality.name} i denne konkurransen.")
    if version.frozen_at is None or version.content_sha256 is None:
        raise DomainError(f"{correction.label} er ikke fryst ennå; bare en fryst versjon kan godkjennes.")
    if content_sha256 != version.content_sha256:
        raise DomainError("Versjonen du leste er ikke den som er lagret. Last siden på nytt.")
    if documents.content_hash(documents.documents_of(version)) != version.content_sha256:
        raise DomainError("Innholdet stemmer ikke med sjekksummen fra frysingen; det kan ikke godkjennes.")
    if any(a.municipality_id == municipality.id for a in documents_approvals(correction)):
        raise DomainError(f"{municipality.name} har allerede godkjent versjon {version.number}.")
    approval = DocumentsApproval(
        correction_id=correction.id,
        version_id=version.id,
        municipality_id=municipality.id,
        signer_id=getattr(signer, "id", None),
        signer_name=getattr(signer, "name", "") or "",
        content_sha256=version.content_sha256,
        approved_at=at,
    )
    db.session.add(approval)
    db.session.flush()
    audit.record(
        "correction.documents_approved",
        correction,
        actor=signer,
        payload={
            "number": correction.number,
            "version": version.number,
            "sha256": version.content_sha256,
            "municipality": municipality.name,
        },
    )
    return approval


@dataclass(frozen=True)
class DocumentFile:
    id: int
    label: str
    filename: str
    size: int
    sha256: str


@dataclass(frozen=True)
class DocumentChange:
    """One document in a documents correction's diff: added, removed, replaced (another file) or renamed."""

    kind: str  # "added", "removed", "replaced", "renamed"
    old: DocumentFile | None
    new: DocumentFile | None

    @property
    def label(self) -> str:
        return (self.new or self.old).label  # type: ignore[union-attr]

    @property
    def word(self) -> str:
        return {
            "added": "Nytt dokument",
            "removed": "Fjernet dokument",
            "replaced": "Erstattet dokument",
            "renamed": "Nytt navn",
        }[self.kind]


def _file(document: TenderDocument) -> DocumentFile:
    return DocumentFile(document.id, document.label, document.filename, document.size, document.sha256)


def documents_diff(old: DocumentSetVersion, new: DocumentSetVersion) -> list[DocumentChange]:
    """What changed from ``old`` to ``new``, document by document in the new version's order (removed ones
    last). Documents are matched by their label; an unmatched pair with the same file is a renaming, and an
    unmatched pair of a kind the set holds once (the contract, the invitation...) a replacement."""
    old_docs = documents.documents_of(old)
    new_docs = documents.documents_of(new)
    by_label = {d.label: d for d in old_docs}
    matched: dict[int, TenderDocument] = {}
    for d in new_docs:
        if d.label in by_label:
            matched[d.id] = by_label.pop(d.label)
    left = list(by_label.values())
    for d in new_docs:
        if d.id in matched:
            continue
        same = next((o for o in left if o.sha256 == d.sha256), None) or next(
            (o for o in left if o.kind is d.kind and o.kind is not DocumentKind.APPENDIX), None
        )
        if same is not None:
            matched[d.id] = same
            left.remove(same)
    out = []
    for d in new_docs:
        before = matched.get(d.id)
        if before is None:
            out.append(DocumentChange("added", None, _file(d)))
        elif before.sha256 != d.sha256 or before.filename != d.filename:
            out.append(DocumentChange("replaced", _file(before), _file(d)))
        elif before.label != d.label:
            out.append(DocumentChange("renamed", _file(before), _file(d)))
    out += [DocumentChange("removed", _file(o), None) for o in left]
    return out


def documents_correction_diff(correction: Correction) -> list[DocumentChange]:
    """The correction's diff from the set it started from to its version (the draft while it is open)."""
    if correction.documents_base is None or correction.documents_version is None:
        return []
    return documents_diff(correction.documents_base, correction.documents_version)


def documents_summary(changes: list[DocumentChange]) -> str:
    parts = [
        ("added", "nytt dokument", "nye dokumenter"),
        ("replaced", "erstattet dokument", "erstattede dokumenter"),
        ("renamed", "dokument med nytt navn", "dokumenter med nytt navn"),
        ("removed", "fjernet dokument", "fjernede dokumenter"),
    ]
    words = []
    for kind, one, many in parts:
        n = sum(1 for c in changes if c.kind == kind)
        if n:
            words.append(f"{n} {one if n == 1 else many}")
    if not words:
        return "Ingen dokumenter er lagt til, erstattet, gitt nytt navn eller fjernet."
    return "Endringer: " + ", ".join(words) + "."


def publish_documents_correction(
    tender: Tender,
    correction: Correction,
    *,
    decision: DeadlineDecision,
    at: datetime,
    actor: Any,
    link: str | None = None,
) -> Correction:
    """Publish the frozen correcting version of the tender documents, approved on its hash by every
    participating municipality, with the same deadline question as a specification correction (recorded
    either way); then every vendor user is told by e-mail."""
    version = _open_documents_correction(tender, correction)
    if version.frozen_at is None:
        raise DomainError("Frys utkastet og få det godkjent av kommunene før rettelsen kunngjøres.")
    missing = missing_documents_approvals(tender, correction)
    if missing:
        raise DomainError(
            f"Disse kommunene har ikke godkjent versjon {version.number} av konkurransegrunnlaget: "
            + ", ".join(m.name for m in missing)
            + "."
        )
    if tender.bid_deadline is not None and at >= tender.bid_deadline:
        raise DomainError("Tilbudsfristen er passert; rettelsen kan ikke kunngjøres.")
    asked = deadline_question_due(tender, spec_ops.specification_of(tender), at)
    deadline_before = tender.bid_deadline
    _decide_deadline(tender, correction, decision, asked=asked, at=at, actor=actor)
    documents.publish(tender, version, actor=actor)  # checks the content against the frozen hash again
    correction.deadline_question = asked
    correction.deadline_before = deadline_before
    correction.published_at = at
    correction.published_by_id = getattr(actor, "id", None)
    correction.published_by_name = getattr(actor, "name", "") or ""
    changes = documents_correction_diff(correction)
    db.session.flush()
    audit.record(
        "correction.documents_published",
        correction,
        actor=actor,
        payload={
            "number": correction.number,
            "reason": correction.reason,
            "correction_kind": KIND_DOCUMENTS,
            "version": version.number,
            "sha256": version.content_sha256,
            "added": [c.label for c in changes if c.kind == "added"],
            "removed": [c.label for c in changes if c.kind == "removed"],
            "changed": [c.label for c in changes if c.kind in ("replaced", "renamed")],
        },
    )
    lines = []
    for c in changes:
        if c.kind == "renamed" and c.old is not None:
            lines.append(f"- {c.word}: «{c.old.label}» heter nå «{c.label}»")
        else:
            lines.append(f"- {c.word}: «{c.label}»")
    subject = f"Rettelse {correction.number} av konkurransegrunnlaget – {tender.title}"
    body = (
        f"Konkurransegrunnlaget i konkurransen «{tender.title}» ({tender.case_reference}) er rettet "
        f"(rettelse {correction.number}, versjon {version.number}).\n\n"
        f"Begrunnelse: {correction.reason}\n\n"
        f"{documents_summary(changes)}\n"
        + "".join(line + "\n" for line in lines)
        + f"{_extension_of(correction)}\n\n"
        "Last ned den nye versjonen av dokumentene i portalen.\n"
        + (f"\nSe endringene: {link}\n" if link else "")
    )
    _mail_vendors(tender, correction, subject, body, actor=actor)
    return correction
