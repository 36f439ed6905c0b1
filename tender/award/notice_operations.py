"""The notices of award (meddelelse om tildeling), the standstill period (karensperiode) and the signed
contract.

The notices are issued once, to every bidder of the recommendation's round and to every vendor a reduction
let go before that round (the snapshot's ``reduced``: an affected vendor until definitively excluded, FOA
§ 25-1) at one moment, only when every bound municipality approved the current snapshot
(``approvals_complete``). Each notice is made from the
frozen snapshot alone (``json.loads(rec.content_json)``, the format in tender.award.snapshot), never from
live rows: what the municipalities approved is what the bidders are told. A notice names the recipient and
the chosen vendor only: no other losing bidder's name or scores.

E-mail is best effort: the notice stands in the portal (the vendor's tender page) whatever happens to the
mail, so a failure to send one does not undo the issue; each failure is written to the audit trail (and
tender.mail logs its cause), so the group can send the notice by other means and document it.

Refusals (notices before every approval, a contract inside the standstill) are kept in the audit trail as
attempts although the request is rolled back (``tender.web.transactions.keep``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import select

from tender import audit, mail
from tender.award.models import AwardNotice, Contract, NoticeIssue, Recommendation
from tender.award.operations import approvals_complete, contract_of, current_recommendation, notice_issue_of
from tender.clock import now
from tender.core.standstill import LastDayWarning, Standstill, StandstillError, standstill
from tender.errors import DomainError
from tender.extensions import db
from tender.formatting import format_date, format_datetime
from tender.holidays import norwegian_holiday
from tender.reports.notice_pdf import CriterionLine, NoticeContent, render_notice
from tender.tenders.models import Role, Tender
from tender.web import transactions

PDF = "application/pdf"
#: the largest signed contract the tool keeps (a scanned contract with appendices)
MAX_CONTRACT = 50 * 1024 * 1024


# -- the standstill period ---------------------------------------------------------------------------------
def standstill_from(sent_at: datetime, days: int) -> Standstill:
    """The standstill period of notices sent at ``sent_at``; DomainError in Norwegian for a number of days
    the rule does not allow."""
    try:
        return standstill(sent_at, days, norwegian_holiday)
    except StandstillError as error:
        raise DomainError(
            _STANDSTILL_ERRORS[error.code].format(**error.values), field="standstill_days"
        ) from error


_STANDSTILL_ERRORS = {
    "too_short": "Karensperioden må være minst {minimum} dager (FOA § 25-2), ikke {days}.",
    "too_long": "Karensperioden kan ikke være lengre enn {maximum} dager her, ikke {days}.",
    "naive_time": "Tidspunktet for utsendingen mangler tidssone.",
}


def warning_text(warning: LastDayWarning) -> str:
    day = format_date(warning.day)
    if warning.code == "holiday":
        return f"Karensperioden slutter på en helligdag: {warning.name} ({day})."
    weekday = "en lørdag" if warning.code == "saturday" else "en søndag"
    return f"Karensperioden slutter på {weekday} ({day})."


def warnings_in_words(period: Standstill) -> list[str]:
    """The warnings about the period's last day, in Norwegian (empty on an ordinary working day)."""
    if not period.warnings:
        return []
    return [warning_text(w) for w in period.warnings] + [
        "Fristen gjelder likevel; leverandørene har færre virkedager til å be om midlertidig forføyning."
    ]


def end_in_words(period: Standstill) -> str:
    """The end as people say it: «13. desember 2026 kl. 24.00 (norsk tid)», the end of the last day."""
    return f"{format_date(period.last_day)} kl. 24.00 (norsk tid)"


def standstill_of(issue: NoticeIssue) -> Standstill:
    """The standstill period the issued notices started (recomputed from the stored sending time)."""
    return standstill(issue.issued_at, issue.standstill_days, norwegian_holiday)


# -- the notice's content, from the snapshot ---------------------------------------------------------------
def _bid_entry(snapshot: Mapping[str, Any], bid_id: int) -> Mapping[str, Any]:
    for entry in snapshot["bids"]:
        if int(entry["bid_id"]) == bid_id:
            return entry  # type: ignore[no-any-return]
    raise KeyError(bid_id)


def notice_content(
    snapshot: Mapping[str, Any], bid_id: int, *, period: Standstill, content_sha256: str
) -> NoticeContent:
    """What the notice to the bidder of ``bid_id`` says: its own entry and the winner's, nothing else of
    any other bid (a comparison text is only taken where it is about the recipient's own bid)."""
    own = _bid_entry(snapshot, bid_id)
    winner_id = int(snapshot["winner_bid_id"])
    winner = _bid_entry(snapshot, winner_id)
    chosen = bid_id == winner_id
    texts = {(t["criterion_key"], int(t["bid_id"])): t["text"] for t in snapshot.get("texts", [])}
    lines = tuple(
        CriterionLine(
            name=c["name"],
            weight=str(c["weight"]),
            own=None if own.get("rejected") else own.get("points", {}).get(c["key"]),
            winner=winner.get("points", {}).get(c["key"]),
            winner_text=texts.get((c["key"], winner_id), ""),
            comparison="" if chosen else texts.get((c["key"], bid_id), ""),
        )
        for c in snapshot["criteria"]
    )
    municipalities = snapshot.get("municipalities") or {}
    return NoticeContent(
        tender_title=snapshot["tender"]["title"],
        case_reference=snapshot["tender"]["case_reference"],
        bound=tuple(m["name"] for m in municipalities.get("bound", [])),
        option=tuple(m["name"] for m in municipalities.get("option", [])),
        issued_at=period.sent_at,
        recipient=own["vendor"],
        chosen=chosen,
        winner=winner["vendor"],
        own_total=None if own.get("rejected") else own.get("total"),
        own_rank=own.get("rank"),
        winner_total=winner.get("total"),
        rejected=bool(own.get("rejected")),
        rejection_reason=own.get("rejection_reason", "") if own.get("rejected") else "",
        criteria=lines,
        summary=snapshot.get("summary", ""),
        standstill_days=period.days,
        first_day=period.first_day,
        last_day=period.last_day,
        ends_in_words=end_in_words(period),
        warnings=tuple(warnings_in_words(period)),
        content_sha256=content_sha256,
    )


def reduced_notice_content(
    snapshot: Mapping[str, Any], entry: Mapping[str, Any], *, period: Standstill, content_sha256: str
) -> NoticeContent:
    """What the notice to a vendor let go at a reduction (``entry`` of the snapshot's ``reduced``) says: the
    round after which its bid was not taken further and the reason it was told then, the winner's points and
    characteristics per criterion; nothing of its own earlier points (that round's scale of comparison is not
    the final one) and nothing of any other bid. The winner's notice, addressed to the reduced vendor with
    the winner's own figures taken out."""
    winner = notice_content(
        snapshot, int(snapshot["winner_bid_id"]), period=period, content_sha256=content_sha256
    )
    return replace(
        winner,
        recipient=entry["vendor"],
        chosen=False,
        own_total=None,
        own_rank=None,
        criteria=tuple(replace(line, own=None, comparison="") for line in winner.criteria),
        reduced_after_round=int(entry["round_no"]),
        reduction_reason=entry["reason"],
    )


def notice_filename(tender: Tender, bid_id: int) -> str:
    return f"meddelelse-om-tildeling-{tender.id}-{bid_id}.pdf"


# -- issuing -----------------------------------------------------------------------------------------------
def _refuse(tender: Tender, event: str, message: str, *, actor: Any, field: str = "") -> DomainError:
    """The refusal, kept in the audit trail as an attempt (the request itself is rolled back)."""
    tender_id = tender.id
    transactions.keep(
        lambda: audit.record(
            event,
            tender_id=tender_id,
            object_type="tender",
            object_id=tender_id,
            payload={"reason": message},
            actor=actor,
        )
    )
    return DomainError(message, field=field)


def active_vendor_users(tender: Tender, vendor_id: int) -> list[tuple[str, str]]:
    """(name, e-mail) of each active user acting for ``vendor_id`` in this tender, once each."""
    seen: dict[str, str] = {}
    for m in tender.memberships:
        if m.role is Role.VENDOR and m.vendor_id == vendor_id and m.user is not None and m.user.is_active:
            seen.setdefault(m.user.email, m.user.name)
    return sorted(((name, email) for email, name in seen.items()), key=lambda p: p[1])


def issue_notices(tender: Tender, *, actor: Any, days: int | None = None) -> NoticeIssue:
    """Issue every bidder's notice, and each reduced vendor's (the snapshot's ``reduced``), at one moment
    and start the standstill period; once only, and only when every bound municipality approved the current
    snapshot. ``days`` (else the tender's setting) becomes the tender's setting."""
    if notice_issue_of(tender) is not None:
        raise DomainError("Meddelelsene om tildeling er allerede sendt; de sendes bare én gang.")
    if not approvals_complete(tender):
        raise _refuse(
            tender,
            "award.notices_refused",
            "Meddelelsene kan ikke sendes før alle kommunene som er bundet av kontrakten, har godkjent den "
            "gjeldende innstillingen.",
            actor=actor,
        )
    rec = current_recommendation(tender)
    assert rec is not None  # approvals_complete holds only for a frozen recommendation
    snapshot = json.loads(rec.content_json)
    at = now()
    period = standstill_from(at, days if days is not None else tender.standstill_days)
    tender.standstill_days = period.days
    issue = NoticeIssue(
        tender_id=tender.id,
        recommendation_id=rec.id,
        content_sha256=rec.content_sha256,
        issued_at=at,
        issued_by_name=getattr(actor, "name", "") or "",
        standstill_days=period.days,
        standstill_ends_at=period.ends_at,
    )
    db.session.add(issue)
    db.session.flush()
    made: list[tuple[AwardNotice, bytes]] = []
    contents = [
        (
            entry,
            notice_content(snapshot, int(entry["bid_id"]), period=period, content_sha256=rec.content_sha256),
        )
        for entry in snapshot["bids"]
    ] + [  # format 3: the vendors a reduction let go
        (entry, reduced_notice_content(snapshot, entry, period=period, content_sha256=rec.content_sha256))
        for entry in snapshot.get("reduced", [])
    ]
    for entry, content in contents:
        bid_id = int(entry["bid_id"])
        data = render_notice(content)
        notice = AwardNotice(
            issue_id=issue.id,
            bid_id=bid_id,
            vendor_id=int(entry["vendor_id"]),
            chosen=content.chosen,
            filename=notice_filename(tender, bid_id),
            sha256=hashlib.sha256(data).hexdigest(),
            data=data,
        )
        db.session.add(notice)
        made.append((notice, data))
    db.session.flush()
    audit.record(
        "award.notices_issued",
        issue,
        actor=actor,
        payload={
            "issued_at": at.isoformat(),
            "standstill_days": period.days,
            "standstill_ends_at": period.ends_at.isoformat(),
            "content_sha256": rec.content_sha256,
            "notices": len(made),
        },
    )
    for notice, _ in made:
        audit.record(
            "award.notice_made",
            notice,
            tender_id=tender.id,
            actor=actor,
            payload={"vendor": notice.vendor.name, "filename": notice.filename, "sha256": notice.sha256},
        )
    _mail_notices(tender, issue, made, period, actor=actor)
    return issue


def _mail_notices(
    tender: Tender,
    issue: NoticeIssue,
    made: Sequence[tuple[AwardNotice, bytes]],
    period: Standstill,
    *,
    actor: Any,
) -> None:
    """One e-mail per active vendor user of each bidder, with its own notice attached; best effort."""
    subject = f"Meddelelse om tildeling – {tender.title}"
    for notice, data in made:
        names = {email: name for name, email in active_vendor_users(tender, notice.vendor_id)}

        def body(email: str, notice: AwardNotice = notice, names: dict[str, str] = names) -> str:
            return (
                f"Hei {names[email]},\n\n"
                f"Vedlagt er meddelelsen om tildeling i konkurransen «{tender.title}» "
                f"({tender.case_reference}) til {notice.vendor.name}.\n\n"
                f"Karensperioden løper til {end_in_words(period)}. Meddelelsen ligger også på konkurransens "
                "side i portalen.\n"
            )

        notified = mail.notify(names, subject, body, attachments=[(notice.filename, PDF, data)])
        # without a mail server nothing was tried: every address is one the group must reach by other means
        undelivered = notified.failed if notified.configured else tuple(names)
        problem = (
            "E-posten kunne ikke sendes." if notified.configured else "Det er ikke satt opp en e-postserver."
        )
        for email in undelivered:
            audit.record(
                "award.notice_mail_failed",
                notice,
                tender_id=tender.id,
                actor=actor,
                payload={"vendor": notice.vendor.name, "email": email, "reason": problem},
            )
        notice.mailed_to = "\n".join(notified.sent)
    db.session.flush()


def notice_of(tender: Tender, notice_id: int) -> AwardNotice | None:
    """A notice of this tender, or None (another tender's or a missing id alike)."""
    return db.session.scalar(
        select(AwardNotice)
        .join(NoticeIssue, NoticeIssue.id == AwardNotice.issue_id)
        .where(AwardNotice.id == notice_id, NoticeIssue.tender_id == tender.id)
    )


def recommendation_of(issue: NoticeIssue) -> Recommendation | None:
    return db.session.get(Recommendation, issue.recommendation_id)


def reduced_rounds(issue: NoticeIssue) -> dict[int, int]:
    """Vendor id -> the round after which it was let go, for each notice of ``issue`` sent to a vendor
    reduced at a negotiation (the issued snapshot's ``reduced``)."""
    rec = recommendation_of(issue)
    if rec is None or not rec.content_json:
        return {}
    return {int(r["vendor_id"]): int(r["round_no"]) for r in json.loads(rec.content_json).get("reduced", [])}


# -- the contract --------------------------------------------------------------------------------------------
def record_contract(
    tender: Tender,
    *,
    filename: str,
    data: bytes,
    signed_at: datetime,
    signed_for_municipalities: str,
    signed_for_vendor: str,
    actor: Any,
) -> Contract:
    """Record the signed contract with its SHA-256; once only, and never before the standstill is over."""
    if contract_of(tender) is not None:
        raise DomainError("Den signerte kontrakten er allerede registrert; den registreres bare én gang.")
    issue = notice_issue_of(tender)
    if issue is None:
        raise _refuse(
            tender,
            "award.contract_refused",
            "Kontrakten kan ikke signeres før meddelelsene om tildeling er sendt og karensperioden er over.",
            actor=actor,
        )
    moment = now()
    period = standstill_of(issue)
    if moment < issue.standstill_ends_at:
        raise _refuse(
            tender,
            "award.contract_refused",
            f"Kontrakten kan ikke signeres før karensperioden er over {end_in_words(period)}.",
            actor=actor,
        )
    if signed_at < issue.standstill_ends_at:
        raise _refuse(
            tender,
            "award.contract_refused",
            f"Signeringstidspunktet {format_datetime(signed_at)} ligger inne i karensperioden, som varte til "
            f"{end_in_words(period)}.",
            actor=actor,
            field="signed_at",
        )
    if signed_at > moment:
        raise DomainError("Signeringstidspunktet kan ikke ligge fram i tid.", field="signed_at")
    if not data:
        raise DomainError("Filen er tom.", field="document")
    if len(data) > MAX_CONTRACT:
        raise DomainError(f"Filen er større enn {MAX_CONTRACT // (1024 * 1024)} MB.", field="document")
    if not data.startswith(b"%PDF-"):
        raise DomainError("Last opp den signerte kontrakten som PDF.", field="document")
    municipalities = signed_for_municipalities.strip()
    vendor = signed_for_vendor.strip()
    if not municipalities:
        raise DomainError("Skriv hvem som signerte for kommunene.", field="signed_for_municipalities")
    if not vendor:
        raise DomainError("Skriv hvem som signerte for leverandøren.", field="signed_for_vendor")
    winner = next((n for n in issue.notices if n.chosen), None)
    if winner is None:
        raise DomainError("Meddelelsene nevner ingen valgt leverandør.")
    digest = hashlib.sha256(data).hexdigest()
    contract = Contract(
        tender_id=tender.id,
        issue_id=issue.id,
        vendor_id=winner.vendor_id,
        signed_at=signed_at,
        signed_by=f"For kommunene: {municipalities}\nFor leverandøren: {vendor}",
        recorded_at=moment,
        recorded_by_name=getattr(actor, "name", "") or "",
        filename=filename or f"kontrakt-{tender.id}.pdf",
        content_type=PDF,
        size=len(data),
        sha256=digest,
        data=data,
    )
    db.session.add(contract)
    db.session.flush()
    audit.record(
        "award.contract_signed",
        contract,
        actor=actor,
        payload={
            "vendor": winner.vendor.name,
            "signed_at": signed_at.isoformat(),
            "signed_by": contract.signed_by,
            "filename": contract.filename,
            "sha256": digest,
        },
    )
    return contract
