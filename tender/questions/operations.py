"""State changes of questions and answers: asking before the deadline, drafting the published text and the
answer, the municipalities' approvals bound to the texts, and the publication to every vendor at once.

There is no way to answer one vendor alone: an answer exists only as a published entry of the tender's Q&A
list, which every vendor reads, and the notice goes to every vendor user of every vendor in the tender.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from tender import audit, mail
from tender.bids.permissions import vendor_in_round
from tender.errors import DomainError
from tender.extensions import db
from tender.formatting import format_datetime, format_number
from tender.prequalification.permissions import selection_final, vendor_may_bid
from tender.questions.models import Question, QuestionApproval, QuestionAttachment, QuestionSettings
from tender.requirements.permissions import sign_for
from tender.tenders.models import Municipality, Tender, Vendor
from tender.tenders.opening import LateAttempt, record_late_attempt
from tender.tenders.operations import vendor_users
from tender.web.uploads import clean_filename, document_problem

#: the longest question, published text or answer (characters): a page of text is far shorter, and a
#: megabyte pasted by mistake should be refused, not stored and mailed to every vendor
MAX_TEXT = 10_000


class LateQuestion(LateAttempt):
    """The question deadline has passed (or none is set): nothing is stored; the caller keeps the attempt in
    the trail (``tender.tenders.opening.keep_late``)."""


# -- the setting --------------------------------------------------------------------------------------------
def settings_of(tender: Tender) -> QuestionSettings | None:
    found: QuestionSettings | None = db.session.scalar(
        select(QuestionSettings).where(QuestionSettings.tender_id == tender.id)
    )
    return found


def approval_required(tender: Tender) -> bool:
    """Whether each municipality approves an answer before it is published: the lead's setting, and without
    one, yes for a joint tender (more than one municipality)."""
    settings = settings_of(tender)
    if settings is not None:
        return bool(settings.approval_required)
    return len(tender.municipalities) > 1


def set_approval_required(tender: Tender, required: bool, *, at: datetime, actor: Any) -> None:
    """The lead's choice; a change is recorded (the same choice again is not)."""
    before = approval_required(tender)
    settings = settings_of(tender)
    if settings is not None and before == required:
        return
    if settings is None:
        settings = QuestionSettings(tender_id=tender.id, approval_required=required)
        db.session.add(settings)
    settings.approval_required = required
    settings.changed_at = at
    settings.changed_by_id = getattr(actor, "id", None)
    db.session.flush()
    audit.record(
        "questions.settings_changed",
        settings,
        actor=actor,
        payload={"approval_required": {"before": before, "after": required}},
    )


# -- asking --------------------------------------------------------------------------------------------------
def _text_problem(text: str, what: str) -> str | None:
    if not text.strip():
        return f"Skriv {what}."
    if len(text) > MAX_TEXT:
        return (
            f"Teksten er for lang: høyst {format_number(MAX_TEXT)} tegn, "
            f"og denne har {format_number(len(text))}."
        )
    return None


def may_take_part(tender: Tender, vendor: Vendor) -> bool:
    """The vendor is in the tender and still in the competition: in a prequalified tender any candidate until
    the selection is final, then only the invited (as for the bids); in a round of revised bids only the
    vendors invited to it (tender.bids.permissions.vendor_in_round)."""
    if vendor not in tender.participating_vendors:
        return False
    if not vendor_in_round(tender, {vendor.id}):
        return False
    return vendor_may_bid(tender.id, {vendor.id}) or not selection_final(None, tender)


def ask(
    tender: Tender,
    vendor: Vendor,
    *,
    text: str,
    attachment: tuple[str, str, bytes] | None = None,
    at: datetime,
    actor: Any,
) -> Question:
    """A vendor's question, before the question deadline; ``attachment`` is (file name, content type, bytes).
    Refused after the deadline and when none is set (:class:`LateQuestion`), and for an empty or too long
    text or a file the upload rules refuse; nothing is stored then."""
    if not may_take_part(tender, vendor):
        raise DomainError(f"{vendor.name} kan ikke stille spørsmål i denne konkurransen.")
    if tender.questions_deadline is None:
        raise LateQuestion("Det er ikke satt noen frist for spørsmål, så spørsmål kan ikke stilles her.")
    if at >= tender.questions_deadline:
        raise LateQuestion(
            f"Fristen for spørsmål var {format_datetime(tender.questions_deadline)}. "
            "Spørsmålet er ikke tatt imot."
        )
    if (problem := _text_problem(text, "spørsmålet")) is not None:
        raise DomainError(problem, field="text")
    if attachment is not None:
        filename, content_type, data = attachment
        if (problem := document_problem(filename, data)) is not None:
            raise DomainError(problem, field="attachment")
    question = Question(
        tender_id=tender.id,
        vendor_id=vendor.id,
        asked_by_id=getattr(actor, "id", None),
        asked_by_name=str(getattr(actor, "name", "") or "")[:120],
        asked_at=at,
        original_text=text,
        published_text="",
        answer_text="",
    )
    payload: dict[str, Any] = {
        "vendor": vendor.organisasjonsnummer,
        "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
    }
    if attachment is not None:
        filename, content_type, data = attachment
        question.attachment = QuestionAttachment(
            filename=clean_filename(filename, "vedlegg"),
            content_type=(content_type or "application/octet-stream")[:120],
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            data=data,
        )
        payload["attachment_sha256"] = question.attachment.sha256
    db.session.add(question)
    db.session.flush()
    audit.record("question.asked", question, actor=actor, payload=payload)
    return question


def record_late_question(tender: Tender, vendor: Vendor, *, at: datetime, actor: Any) -> None:
    """Log a refused late question (after the refused request was rolled back): who and when, not the text."""
    record_late_attempt(
        "question.late_attempt",
        tender,
        at=at,
        deadline=tender.questions_deadline,
        actor=actor,
        vendor=vendor.organisasjonsnummer,
    )


# -- reading -------------------------------------------------------------------------------------------------
def questions_of(tender: Tender) -> list[Question]:
    """Every question of the tender, oldest first (the group's list)."""
    return list(
        db.session.scalars(
            select(Question).where(Question.tender_id == tender.id).order_by(Question.asked_at, Question.id)
        )
    )


def questions_of_vendor(tender: Tender, vendor_ids: set[int]) -> list[Question]:
    """A vendor's own questions, oldest first."""
    if not vendor_ids:
        return []
    return list(
        db.session.scalars(
            select(Question)
            .where(Question.tender_id == tender.id, Question.vendor_id.in_(sorted(vendor_ids)))
            .order_by(Question.asked_at, Question.id)
        )
    )


def question_in(tender: Tender, question_id: int, vendor_ids: set[int] | None = None) -> Question | None:
    """The question with that id in this tender; with ``vendor_ids``, only if one of those vendors asked it
    (so another vendor's question is not found)."""
    question = db.session.get(Question, question_id)
    if question is None or question.tender_id != tender.id:
        return None
    if vendor_ids is not None and question.vendor_id not in vendor_ids:
        return None
    return question


@dataclass(frozen=True)
class PublishedQuestion:
    """One entry of the published Q&A list: what every vendor reads, and nothing of who asked."""

    number: int
    question: str
    answer: str
    published_at: datetime


def published_questions(tender: Tender) -> list[PublishedQuestion]:
    """The published Q&A list in order of publication (numbered 1, 2, 3): the texts as published, without the
    asker. The tender documents and the timeline read the list from here."""
    rows = db.session.scalars(
        select(Question)
        .where(Question.tender_id == tender.id, Question.published_at.is_not(None))
        .order_by(Question.number)
    )
    return [
        PublishedQuestion(q.number, q.published_text, q.answer_text, q.published_at)  # type: ignore[arg-type]
        for q in rows
    ]


# -- drafting ------------------------------------------------------------------------------------------------
def text_sha256(published_text: str, answer_text: str) -> str:
    """The SHA-256 an approval is bound to: the question as it will be published and the answer, together
    (as canonical JSON, so that no split of the same characters between the two gives the same hash)."""
    canonical = json.dumps(
        {"answer": answer_text, "question": published_text}, ensure_ascii=False, sort_keys=True
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def current_sha256(question: Question) -> str:
    return text_sha256(question.published_text, question.answer_text)


def save_draft(
    tender: Tender, question: Question, *, published_text: str, answer_text: str, at: datetime, actor: Any
) -> int:
    """The group's edit of the text to be published (the original stays as typed) and the draft answer.
    Approvals given to other texts no longer count; returns how many were voided."""
    if question.tender_id != tender.id:
        raise DomainError("Spørsmålet finnes ikke.")
    if question.is_published:
        raise DomainError("Spørsmålet og svaret er publisert og kan ikke endres.")
    problems: dict[str, list[str]] = {}
    if (problem := _text_problem(published_text, "spørsmålet slik det skal publiseres")) is not None:
        problems["published_text"] = [problem]
    if len(answer_text) > MAX_TEXT:
        problems["answer"] = [_text_problem(answer_text, "svaret") or ""]
    if problems:
        raise DomainError(next(iter(problems.values()))[0], reasons=problems)
    before = current_sha256(question)
    after = text_sha256(published_text, answer_text)
    if before == after and question.drafted_at is not None:
        return 0
    voided = sum(1 for a in question.approvals if a.sha256 == before) if before != after else 0
    question.published_text = published_text
    question.answer_text = answer_text
    question.drafted_at = at
    question.drafted_by_id = getattr(actor, "id", None)
    question.drafted_by_name = str(getattr(actor, "name", "") or "")[:120]
    db.session.flush()
    audit.record(
        "question.drafted", question, actor=actor, payload={"sha256": after, "approvals_voided": voided}
    )
    return voided


# -- approvals -----------------------------------------------------------------------------------------------
def valid_approvals(question: Question) -> list[QuestionApproval]:
    """The approvals given to the texts as they are now."""
    sha = current_sha256(question)
    return [a for a in question.approvals if a.sha256 == sha]


def missing_approvals(tender: Tender, question: Question) -> list[Municipality]:
    approved = {a.municipality_id for a in valid_approvals(question)}
    return [m for m in tender.participating_municipalities if m.id not in approved]


def _ready(question: Question) -> None:
    if question.is_published:
        raise DomainError("Spørsmålet og svaret er allerede publisert.")
    if not question.published_text.strip() or not question.answer_text.strip():
        raise DomainError("Skriv spørsmålet slik det skal publiseres og svaret, og lagre, før dette.")


def approve(
    tender: Tender, question: Question, *, sha256: str, at: datetime, signer: Any
) -> list[QuestionApproval]:
    """Each municipality the signer signs for approves exactly the texts the signer read (bound to their
    hash); an earlier approval of other texts is replaced."""
    if question.tender_id != tender.id:
        raise DomainError("Spørsmålet finnes ikke.")
    if not approval_required(tender):
        raise DomainError("Svarene skal ikke godkjennes av kommunene i denne konkurransen.")
    _ready(question)
    if sha256 != current_sha256(question):
        raise DomainError("Teksten du leste, er endret siden. Les den nye teksten og godkjenn på nytt.")
    mine = [m for m in tender.participating_municipalities if sign_for(signer, tender, m)]
    if not mine:
        raise DomainError("Du er ikke godkjenner for noen kommune i denne konkurransen.")
    by_municipality = {a.municipality_id: a for a in question.approvals}
    done = []
    for municipality in mine:
        approval = by_municipality.get(municipality.id)
        if approval is not None and approval.sha256 == sha256:
            continue
        if approval is None:
            approval = QuestionApproval(question_id=question.id, municipality_id=municipality.id)
            question.approvals.append(approval)
        approval.signer_id = getattr(signer, "id", None)
        approval.signer_name = str(getattr(signer, "name", "") or "")[:120]
        approval.sha256 = sha256
        approval.approved_at = at
        db.session.flush()
        audit.record(
            "question.approved",
            question,
            actor=signer,
            payload={"municipality": municipality.kommunenummer, "sha256": sha256},
        )
        done.append(approval)
    if not done:
        raise DomainError("Du har allerede godkjent denne teksten.")
    return done


# -- publication ---------------------------------------------------------------------------------------------
def _notice(tender: Tender, question: Question, link: str | None) -> tuple[str, str]:
    subject = f"Nytt svar på spørsmål nr. {question.number} – {tender.title}"
    lines = [
        f"Innkjøpsgruppen har publisert svar på et spørsmål i konkurransen «{tender.title}» "
        f"(saksnummer {tender.case_reference}). Svaret gjelder alle leverandørene og er sendt til alle "
        "samtidig.",
        "",
        f"Spørsmål nr. {question.number}:",
        question.published_text,
        "",
        "Svar:",
        question.answer_text,
        "",
        f"Publisert {format_datetime(question.published_at)}.",
    ]
    if link:
        lines += ["", f"Alle spørsmål og svar: {link}"]
    return subject, "\n".join(lines) + "\n"


def publish(
    tender: Tender, question: Question, *, sha256: str, at: datetime, actor: Any, link: str | None = None
) -> mail.Notified:
    """Publish the question (as edited) and its answer to every vendor at once: one moment of publication,
    the next number in the list, and an e-mail notice to every vendor user of every vendor in the tender
    (naming no asker; ``link`` is the Q&A page). The publication stands whatever becomes of a mail: without
    a mail server, or for an address that fails, the answer is in the portal only, and the trail says so.
    Returns who was told and who could not be."""
    if question.tender_id != tender.id:
        raise DomainError("Spørsmålet finnes ikke.")
    _ready(question)
    if sha256 != current_sha256(question):
        raise DomainError("Teksten er endret siden du leste den. Les den nye teksten før du publiserer.")
    if approval_required(tender) and (missing := missing_approvals(tender, question)):
        names = ", ".join(m.name for m in missing)
        raise DomainError(
            f"Svaret kan ikke publiseres før alle kommunene har godkjent det. Mangler: {names}."
        )
    last = db.session.scalar(select(func.max(Question.number)).where(Question.tender_id == tender.id))
    question.number = (last or 0) + 1
    question.published_at = at
    question.published_by_id = getattr(actor, "id", None)
    question.published_by_name = str(getattr(actor, "name", "") or "")[:120]
    question.published_sha256 = sha256
    db.session.flush()
    # The answer is published in the portal, to every vendor at one moment; the e-mail only tells of it, so it
    # stands whatever becomes of a mail (tender.mail.notify): who could not be told is recorded and shown.
    subject, body = _notice(tender, question, link)
    told = mail.notify((u.email for u in vendor_users(tender)), subject, body)
    audit.record(
        "question.published",
        question,
        actor=actor,
        payload={"number": question.number, "sha256": sha256, "at": at.isoformat(), **told.payload()},
    )
    return told


def status_of(tender: Tender, question: Question) -> str:
    """Where the question stands, in the group's words."""
    if question.is_published:
        return f"Publisert som nr. {question.number}"
    if not question.answer_text.strip():
        return "Svar under arbeid" if question.drafted_at is not None else "Nytt, ikke besvart"
    if approval_required(tender):
        missing = missing_approvals(tender, question)
        if missing:
            total = len(tender.participating_municipalities)
            return f"Venter på godkjenning ({total - len(missing)} av {total} kommuner)"
    return "Klar til publisering"


def vendor_status_of(question: Question) -> str:
    """Where the question stands, in the asking vendor's words (nothing of the group's drafts)."""
    if question.is_published:
        return f"Besvart: publisert som nr. {question.number} {format_datetime(question.published_at)}"
    return "Mottatt; innkjøpsgruppen arbeider med svaret"
