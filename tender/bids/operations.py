"""State changes of bids: drafts, submission with a receipt, the late-bid refusal, the opening.

"Now" comes from :func:`now`, which reads ``app.config["CLOCK"]`` when set (tests move time with it), so
every deadline decision in operations and views uses one injectable clock.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from tender import audit
from tender.clock import now  # noqa: F401  (views and tests call bids.operations.now)
from tender.bids.models import Bid, BidAnswer, BidAttachment, BidOpening, BidPriceLine, BidStatus
from tender.core import spec as core_spec
from tender.errors_domain import DomainError
from tender.extensions import db
from tender.requirements.models import SpecVersion
from tender.requirements.operations import specification_of, version_content
from tender.tenders.models import Tender, Vendor

MAX_ATTACHMENT = 50 * 1024 * 1024


# -- reading -----------------------------------------------------------------------------------------------
def published_version(tender: Tender) -> SpecVersion | None:
    spec = specification_of(tender)
    return spec.published_version if spec is not None else None


def published_spec(tender: Tender) -> core_spec.Specification | None:
    version = published_version(tender)
    return version_content(version) if version is not None else None


def bid_of(tender: Tender, vendor_id: int) -> Bid | None:
    return db.session.scalar(select(Bid).where(Bid.tender_id == tender.id, Bid.vendor_id == vendor_id))


def submitted_bids(tender: Tender) -> list[Bid]:
    return list(db.session.scalars(
        select(Bid).where(Bid.tender_id == tender.id, Bid.status == BidStatus.SUBMITTED).order_by(Bid.id)))


def opening_of(tender: Tender) -> BidOpening | None:
    return db.session.scalar(select(BidOpening).where(BidOpening.tender_id == tender.id))


def deadline_passed(tender: Tender, at: datetime) -> bool:
    return tender.bid_deadline is not None and at >= tender.bid_deadline


# -- the vendor's draft --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class AnswerInput:
    requirement_key: str
    fulfilled: str
    description: str = ""
    documentation_ref: str = ""
    reservation: bool = False
    reservation_text: str = ""


class LateBid(DomainError):
    """The deadline has passed: the change is refused; the caller rolls back and records the attempt."""


def record_late_attempt(tender: Tender, vendor: Vendor, *, action: str, at: datetime, actor: Any) -> None:
    """Log a refused late attempt (in a transaction of its own, after the refused change was rolled back)."""
    audit.record("bid.late_attempt", tender, actor=actor, payload={
        "vendor": vendor.organisasjonsnummer, "action": action, "at": at.isoformat(),
        "deadline": tender.bid_deadline.isoformat() if tender.bid_deadline else None})


def _check_open_for_bids(tender: Tender, vendor: Vendor, at: datetime, *, actor: Any, action: str) -> None:
    if vendor not in tender.participating_vendors:
        raise DomainError(f"{vendor.name} er ikke med i konkurransen.")
    if tender.bid_deadline is None:
        raise DomainError("Tilbudsfristen er ikke satt ennå; tilbud kan ikke leveres.")
    if at >= tender.bid_deadline:
        raise LateBid("Tilbudsfristen er ute. Tilbudet kan ikke endres eller leveres "
                      "(The bid deadline has passed).")
    if published_version(tender) is None:
        raise DomainError("Kravspesifikasjonen er ikke kunngjort ennå.")


def ensure_bid(tender: Tender, vendor: Vendor, *, at: datetime, actor: Any) -> Bid:
    """The vendor's bid, created as a draft the first time (before the deadline only)."""
    bid = bid_of(tender, vendor.id)
    if bid is None:
        _check_open_for_bids(tender, vendor, at, actor=actor, action="create")
        bid = Bid(tender_id=tender.id, vendor_id=vendor.id, status=BidStatus.DRAFT, created_at=at, updated_at=at,
                  spec_version_id=published_version(tender).id)  # type: ignore[union-attr]
        db.session.add(bid)
        db.session.flush()
        audit.record("bid.created", bid, actor=actor, payload={"vendor": vendor.organisasjonsnummer})
    return bid


def _check_answer(req: core_spec.Requirement, answer: AnswerInput) -> str | None:
    if len(answer.documentation_ref.strip()) > 300:
        return f"{req.number}: dokumentasjonsreferansen kan ha høyst 300 tegn."
    value = answer.fulfilled.strip()
    if not value:
        return None
    if len(value) > 200:
        return f"{req.number}: svaret kan ha høyst 200 tegn; skriv resten i beskrivelsen."
    if req.answer_form.choices and value not in req.answer_form.choices:
        return f"{req.number}: svaret må være {' / '.join(req.answer_form.choices)}, ikke «{value}»."
    if req.answer_form is core_spec.AnswerForm.TALL:
        try:
            number = Decimal(value.replace(",", ".").replace(" ", ""))
        except ArithmeticError:
            return f"{req.number}: svaret må være et tall, ikke «{value}»."
        if not number.is_finite():
            return f"{req.number}: svaret må være et tall, ikke «{value}»."
    return None


def save_draft(tender: Tender, bid: Bid, *, answers: Sequence[AnswerInput],
               prices: Mapping[tuple[int, int | None], Decimal], at: datetime, actor: Any,
               expected_version: int | None = None) -> Bid:
    """Store the answers and prices of a draft; refuses unknown requirements and wrong answers, listing all."""
    _check_open_for_bids(tender, bid.vendor, at, actor=actor, action="save")
    if bid.is_submitted:
        raise DomainError("Tilbudet er levert og kan ikke endres.")
    if expected_version is not None and expected_version != bid.lock_version:
        raise DomainError("Tilbudet er endret av en annen bruker siden du åpnet det. Last siden på nytt.")
    content = published_spec(tender)
    assert content is not None  # checked above
    by_key = {r.id: r for r in content.requirements}
    problems: list[str] = []
    for answer in answers:
        req = by_key.get(answer.requirement_key)
        if req is None:
            problems.append(f"Kravet {answer.requirement_key} finnes ikke i den kunngjorte kravspesifikasjonen.")
        elif (message := _check_answer(req, answer)) is not None:
            problems.append(message)
        if answer.reservation and not answer.reservation_text.strip():
            problems.append(f"{answer.requirement_key}: beskriv forbeholdet.")
    from tender.evaluation.operations import price_items  # the price schedule belongs to the evaluation model

    items = {i.id: i for i in price_items(tender)}
    municipality_ids = {m.id for m in tender.participating_municipalities}
    for (item_id, municipality_id), amount in prices.items():
        item = items.get(item_id)
        if item is None or (item.per_municipality and municipality_id not in municipality_ids) \
                or (not item.per_municipality and municipality_id is not None):
            problems.append("Prisskjemaet har ikke en slik linje.")
        elif amount < 0 or not amount.is_finite():
            problems.append(f"«{item.name}»: beløpet kan ikke være negativt.")
        elif amount >= Decimal(10) ** 14:
            problems.append(f"«{item.name}»: beløpet er for stort.")
    if problems:
        raise DomainError(problems[0], reasons={"": problems})
    existing = {a.requirement_key: a for a in bid.answers}
    for answer in answers:
        row = existing.get(answer.requirement_key)
        if row is None:
            row = BidAnswer(requirement_key=answer.requirement_key)
            bid.answers.append(row)
        row.fulfilled = answer.fulfilled.strip()
        row.description = answer.description.strip()
        row.documentation_ref = answer.documentation_ref.strip()
        row.reservation = answer.reservation
        row.reservation_text = answer.reservation_text.strip() if answer.reservation else ""
    lines = {(p.price_item_id, p.municipality_id): p for p in bid.prices}
    for (item_id, municipality_id), amount in prices.items():
        line = lines.get((item_id, municipality_id))
        if line is None:
            bid.prices.append(BidPriceLine(price_item_id=item_id, municipality_id=municipality_id, amount=amount))
        else:
            line.amount = amount
    bid.updated_at = at
    db.session.flush()
    audit.record("bid.draft_saved", bid, actor=actor, payload={"answers": len(answers), "prices": len(prices)})
    return bid


def add_attachment(tender: Tender, bid: Bid, *, filename: str, content_type: str, data: bytes, at: datetime,
                   actor: Any) -> BidAttachment:
    _check_open_for_bids(tender, bid.vendor, at, actor=actor, action="attach")
    if bid.is_submitted:
        raise DomainError("Tilbudet er levert og kan ikke endres.")
    if not data:
        raise DomainError("Filen er tom.", field="file")
    if len(data) > MAX_ATTACHMENT:
        raise DomainError("Filen er større enn 50 MB.", field="file")
    name = (filename or "vedlegg").replace("/", "_").replace("\\", "_")[-200:]
    attachment = BidAttachment(filename=name, content_type=(content_type or "application/octet-stream")[:120],
                               size=len(data), sha256=hashlib.sha256(data).hexdigest(), data=data, uploaded_at=at)
    bid.attachments.append(attachment)
    db.session.flush()
    audit.record("bid.attachment_added", bid, actor=actor, payload={"filename": name, "sha256": attachment.sha256})
    return attachment


def delete_attachment(tender: Tender, bid: Bid, attachment: BidAttachment, *, at: datetime, actor: Any) -> None:
    _check_open_for_bids(tender, bid.vendor, at, actor=actor, action="detach")
    if bid.is_submitted:
        raise DomainError("Tilbudet er levert og kan ikke endres.")
    bid.attachments.remove(attachment)
    db.session.flush()
    audit.record("bid.attachment_removed", bid, actor=actor, payload={"filename": attachment.filename})


# -- submission ----------------------------------------------------------------------------------------------
def bid_content(bid: Bid) -> dict[str, Any]:
    """The submitted content in canonical form: what the receipt's SHA-256 covers (with the Noark 5 sample
    that goes with the bid, by file name and SHA-256, when there is one)."""
    from tender.noark.operations import sample_of_bid

    content: dict[str, Any] = {
        "tender": bid.tender_id,
        "vendor": bid.vendor.organisasjonsnummer,
        "answers": sorted(
            ({"requirement": a.requirement_key, "fulfilled": a.fulfilled, "description": a.description,
              "documentation_ref": a.documentation_ref, "reservation": a.reservation,
              "reservation_text": a.reservation_text} for a in bid.answers),
            key=lambda a: a["requirement"]),
        "prices": sorted(
            ({"item": p.price_item_id, "municipality": p.municipality_id, "amount": str(p.amount)}
             for p in bid.prices),
            key=lambda p: (p["item"], p["municipality"] or 0)),
        "attachments": sorted(({"filename": a.filename, "sha256": a.sha256} for a in bid.attachments),
                              key=lambda a: (a["sha256"], a["filename"])),
    }
    sample = sample_of_bid(bid)
    if sample is not None:  # absent rather than null, so receipts of bids without a sample keep their hash
        content["noark_sample"] = {"filename": sample.original_filename, "sha256": sample.sha256}
    return content


def content_sha256(bid: Bid) -> str:
    text = json.dumps(bid_content(bid), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def submit(tender: Tender, bid: Bid, *, at: datetime, actor: Any) -> str:
    """Deliver the bid before the deadline: every requirement answered; returns the receipt's SHA-256."""
    _check_open_for_bids(tender, bid.vendor, at, actor=actor, action="submit")
    if bid.is_submitted:
        raise DomainError("Tilbudet er allerede levert.")
    content = published_spec(tender)
    assert content is not None
    answered = {a.requirement_key for a in bid.answers if a.fulfilled.strip()}
    missing = [r.number for r in content.requirements if r.id not in answered]
    problems = []
    if missing:
        shown = ", ".join(missing[:15]) + (" …" if len(missing) > 15 else "")
        problems.append(f"{len(missing)} krav er ikke besvart: {shown}.")
    from tender.evaluation.operations import price_items

    have = {(p.price_item_id, p.municipality_id) for p in bid.prices}
    municipality_ids = [m.id for m in tender.participating_municipalities]
    for item in price_items(tender):
        wanted = [(item.id, m) for m in municipality_ids] if item.per_municipality else [(item.id, None)]
        if any(w not in have for w in wanted):
            problems.append(f"Prisskjemaet mangler beløp for «{item.name}».")
    if problems:
        raise DomainError(problems[0], reasons={"": problems})
    from tender.noark.operations import seal_with_bid

    seal_with_bid(bid, actor=actor)  # the vendor's newest Noark sample is the one submitted with the bid
    digest = content_sha256(bid)
    bid.status = BidStatus.SUBMITTED
    bid.submitted_at = at
    bid.receipt_sha256 = digest
    db.session.flush()
    audit.record("bid.submitted", bid, actor=actor, payload={"vendor": bid.vendor.organisasjonsnummer,
                                                             "sha256": digest, "at": at.isoformat()})
    return digest


# -- opening -------------------------------------------------------------------------------------------------
def open_bids(tender: Tender, *, at: datetime, actor: Any) -> BidOpening:
    """Tilbudsåpning: after the deadline, once, with the evaluation model frozen first."""
    from tender.evaluation.operations import model_of

    if not deadline_passed(tender, at):
        raise DomainError("Tilbudene kan ikke åpnes før tilbudsfristen er ute.")
    if opening_of(tender) is not None:
        raise DomainError("Tilbudene er allerede åpnet.")
    model = model_of(tender)
    if model is None or model.frozen_at is None:
        raise DomainError("Evalueringsmodellen må låses før tilbudene åpnes.")
    record = [
        {"vendor": b.vendor.name, "organisasjonsnummer": b.vendor.organisasjonsnummer,
         "submitted_at": b.submitted_at.isoformat() if b.submitted_at else None, "receipt_sha256": b.receipt_sha256}
        for b in submitted_bids(tender)
    ]
    opening = BidOpening(tender_id=tender.id, opened_at=at, opened_by_id=getattr(actor, "id", None),
                         opened_by_name=getattr(actor, "name", "cli"),
                         record_json=json.dumps(record, ensure_ascii=False, sort_keys=True))
    db.session.add(opening)
    db.session.flush()
    audit.record("bids.opened", opening, actor=actor, payload={"bids": record, "at": at.isoformat()})
    return opening
