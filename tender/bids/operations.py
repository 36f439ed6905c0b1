"""State changes of bids: drafts, submission with a receipt, the late-bid refusal, the opening.

"Now" comes from :func:`tender.clock.now`, which reads ``app.config["CLOCK"]`` when set (tests move time with
it), so every deadline decision in operations and views uses one injectable clock; the operations here take
the moment as ``at``.

Bids sit above the evaluation model (the price schedule the vendors fill in, the lock the opening needs) and
below the domains that hand something in with a bid (the Noark 5 sample, tender.noark): those register a
:class:`SubmittedPart` here instead of being imported.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Protocol

from sqlalchemy import select

from tender import audit
from tender.bids.models import (
    Bid,
    BidAnswer,
    BidAttachment,
    BidOpening,
    BidOpeningConfirmation,
    BidPriceLine,
    BidStatus,
)
from tender.bids.permissions import NOT_IN_ROUND, vendor_in_round
from tender.bids.permissions import confirm_opening as confirm_opening_right
from tender.core import spec as core_spec
from tender.errors import DomainError
from tender.evaluation_model.operations import model_of, price_items
from tender.extensions import db
from tender.prequalification import assess_operations as request_ops
from tender.prequalification.permissions import NOT_INVITED, vendor_may_bid
from tender.requirements.models import SpecVersion
from tender.requirements.operations import specification_of, version_content
from tender.tenders import opening as shared_opening
from tender.tenders.models import Tender, Vendor
from tender.web.uploads import attachment_problem, clean_filename

#: amounts are kept in whole øre (NUMERIC(16, 2)); the receipt covers them in that form
CENT = Decimal("0.01")


# -- reading -----------------------------------------------------------------------------------------------
def published_version(tender: Tender) -> SpecVersion | None:
    spec = specification_of(tender)
    return spec.published_version if spec is not None else None


def published_spec(tender: Tender) -> core_spec.Specification | None:
    version = published_version(tender)
    return version_content(version) if version is not None else None


def bid_of(tender: Tender, vendor_id: int) -> Bid | None:
    """The vendor's bid in the tender's current round (tender.bids.models.BidRound)."""
    return db.session.scalar(
        select(Bid).where(
            Bid.tender_id == tender.id, Bid.vendor_id == vendor_id, Bid.round_no == tender.current_round
        )
    )


def submitted_bids(tender: Tender) -> list[Bid]:
    return list(
        db.session.scalars(
            select(Bid)
            .where(
                Bid.tender_id == tender.id,
                Bid.round_no == tender.current_round,
                Bid.status == BidStatus.SUBMITTED,
            )
            .order_by(Bid.id)
        )
    )


def opening_of(tender: Tender, round_no: int | None = None) -> BidOpening | None:
    """The opening of the current round (or of ``round_no``, for the pages that show earlier rounds)."""
    return db.session.scalar(
        select(BidOpening).where(
            BidOpening.tender_id == tender.id,
            BidOpening.round_no == (tender.current_round if round_no is None else round_no),
        )
    )


def deadline_passed(tender: Tender, at: datetime) -> bool:
    return tender.bid_deadline is not None and at >= tender.bid_deadline


def open_for_bids(tender: Tender, at: datetime) -> bool:
    """Whether bids can be written and delivered at ``at``: a bid deadline is set and has not passed."""
    return tender.bid_deadline is not None and at < tender.bid_deadline


def bid_is_editable(tender: Tender, bid: Bid | None, at: datetime) -> bool:
    """Whether the vendor may still type into their bid: open for bids, and the bid not yet delivered."""
    return open_for_bids(tender, at) and not (bid is not None and bid.is_submitted)


def copy_to_round(tender: Tender, previous: Bid, *, at: datetime, actor: Any) -> Bid:
    """The vendor's draft in the tender's current round (a round of revised bids, tender.negotiation), copied
    from its bid of an earlier round: answers, prices and attachments, answering the currently published
    specification. The earlier bid stays as it was delivered and opened."""
    if previous.tender_id != tender.id or previous.round_no >= tender.current_round:
        raise DomainError("Bare et tilbud fra en tidligere runde kan kopieres til den nye runden.")
    if bid_of(tender, previous.vendor_id) is not None:
        raise DomainError(f"{previous.vendor.name} har allerede et tilbud i denne runden.")
    version = published_version(tender)
    if version is None:
        raise DomainError("Kravspesifikasjonen er ikke kunngjort ennå.")
    bid = Bid(
        tender_id=tender.id,
        vendor_id=previous.vendor_id,
        round_no=tender.current_round,
        status=BidStatus.DRAFT,
        created_at=at,
        updated_at=at,
        spec_version_id=version.id,
        answers=[
            BidAnswer(
                requirement_key=a.requirement_key,
                fulfilled=a.fulfilled,
                description=a.description,
                documentation_ref=a.documentation_ref,
                reservation=a.reservation,
                reservation_text=a.reservation_text,
            )
            for a in previous.answers
        ],
        prices=[
            BidPriceLine(price_item_id=p.price_item_id, municipality_id=p.municipality_id, amount=p.amount)
            for p in previous.prices
        ],
        attachments=[
            BidAttachment(
                filename=a.filename,
                content_type=a.content_type,
                size=a.size,
                sha256=a.sha256,
                data=a.data,
                uploaded_at=a.uploaded_at,
            )
            for a in previous.attachments
        ],
    )
    db.session.add(bid)
    db.session.flush()
    audit.record(
        "bid.created",
        bid,
        actor=actor,
        payload={"vendor": previous.vendor.organisasjonsnummer, "round_no": tender.current_round},
    )
    return bid


# -- the vendor's draft --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class AnswerInput:
    requirement_key: str
    fulfilled: str
    description: str = ""
    documentation_ref: str = ""
    reservation: bool = False
    reservation_text: str = ""


class LateBid(shared_opening.LateAttempt):
    """The deadline has passed: the change is refused; the caller keeps the attempt in the trail
    (``tender.tenders.opening.keep_late``) while the refused change is rolled back."""


def record_late_attempt(tender: Tender, vendor: Vendor, *, action: str, at: datetime, actor: Any) -> None:
    """Log a refused late attempt (in a transaction of its own, after the refused change was rolled back)."""
    shared_opening.record_late_attempt(
        BID_OPENING.late_event,
        tender,
        at=at,
        deadline=tender.bid_deadline,
        actor=actor,
        vendor=vendor.organisasjonsnummer,
        action=action,
        round_no=tender.current_round,
    )


def _check_open_for_bids(tender: Tender, vendor: Vendor, at: datetime, *, actor: Any, action: str) -> None:
    if vendor not in tender.participating_vendors:
        raise DomainError(f"{vendor.name} er ikke med i konkurransen.")
    if not vendor_may_bid(tender.id, {vendor.id}):
        raise DomainError(NOT_INVITED)
    if not vendor_in_round(tender, {vendor.id}):
        raise DomainError(NOT_IN_ROUND)
    if tender.bid_deadline is None:
        raise DomainError("Tilbudsfristen er ikke satt ennå; tilbud kan ikke leveres.")
    if at >= tender.bid_deadline:
        raise LateBid(shared_opening.too_late("Tilbudsfristen", "Tilbudet"))
    if published_version(tender) is None:
        raise DomainError("Kravspesifikasjonen er ikke kunngjort ennå.")


def ensure_bid(tender: Tender, vendor: Vendor, *, at: datetime, actor: Any) -> Bid:
    """The vendor's bid, created as a draft the first time (before the deadline only)."""
    bid = bid_of(tender, vendor.id)
    if bid is None:
        _check_open_for_bids(tender, vendor, at, actor=actor, action="create")
        bid = Bid(
            tender_id=tender.id,
            vendor_id=vendor.id,
            round_no=tender.current_round,
            status=BidStatus.DRAFT,
            created_at=at,
            updated_at=at,
            spec_version_id=published_version(tender).id,
        )  # type: ignore[union-attr]
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


def save_draft(
    tender: Tender,
    bid: Bid,
    *,
    answers: Sequence[AnswerInput],
    prices: Mapping[tuple[int, int | None], Decimal],
    at: datetime,
    actor: Any,
    expected_version: int | None = None,
    cleared: Collection[tuple[int, int | None]] = (),
) -> Bid:
    """Store the answers and prices of a draft; refuses unknown requirements and wrong answers, listing
    all. ``cleared`` are the price lines the vendor emptied: a stored amount there is removed."""
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
            problems.append(
                f"Kravet {answer.requirement_key} finnes ikke i den kunngjorte kravspesifikasjonen."
            )
        elif (message := _check_answer(req, answer)) is not None:
            problems.append(message)
        if answer.reservation and not answer.reservation_text.strip():
            problems.append(f"{answer.requirement_key}: beskriv forbeholdet.")
    items = {i.id: i for i in price_items(tender)}
    municipality_ids = {m.id for m in tender.participating_municipalities}
    for (item_id, municipality_id), amount in prices.items():
        item = items.get(item_id)
        if (
            item is None
            or (item.per_municipality and municipality_id not in municipality_ids)
            or (not item.per_municipality and municipality_id is not None)
        ):
            problems.append("Prisskjemaet har ikke en slik linje.")
        elif amount < 0 or not amount.is_finite():
            problems.append(f"«{item.name}»: beløpet kan ikke være negativt.")
        elif amount >= Decimal(10) ** 14:
            problems.append(f"«{item.name}»: beløpet er for stort.")
        elif amount != amount.quantize(CENT):
            problems.append(f"«{item.name}»: beløpet kan ha høyst to desimaler (øre).")
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
    removed = [lines.pop(key) for key in cleared if key in lines and key not in prices]
    for line in removed:
        bid.prices.remove(line)
    for (item_id, municipality_id), amount in prices.items():
        line = lines.get((item_id, municipality_id))
        if line is None:
            bid.prices.append(
                BidPriceLine(price_item_id=item_id, municipality_id=municipality_id, amount=amount)
            )
        else:
            line.amount = amount
    bid.updated_at = at
    db.session.flush()
    audit.record(
        "bid.draft_saved",
        bid,
        actor=actor,
        payload={"answers": len(answers), "prices": len(prices), "cleared": len(removed)},
    )
    return bid


def add_attachment(
    tender: Tender, bid: Bid, *, filename: str, content_type: str, data: bytes, at: datetime, actor: Any
) -> BidAttachment:
    _check_open_for_bids(tender, bid.vendor, at, actor=actor, action="attach")
    if bid.is_submitted:
        raise DomainError("Tilbudet er levert og kan ikke endres.")
    if (problem := attachment_problem(data)) is not None:
        raise DomainError(problem, field="file")
    name = clean_filename(filename, "vedlegg")
    attachment = BidAttachment(
        filename=name,
        content_type=(content_type or "application/octet-stream")[:120],
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        data=data,
        uploaded_at=at,
    )
    bid.attachments.append(attachment)
    db.session.flush()
    audit.record(
        "bid.attachment_added", bid, actor=actor, payload={"filename": name, "sha256": attachment.sha256}
    )
    return attachment


def delete_attachment(
    tender: Tender, bid: Bid, attachment: BidAttachment, *, at: datetime, actor: Any
) -> None:
    _check_open_for_bids(tender, bid.vendor, at, actor=actor, action="detach")
    if bid.is_submitted:
        raise DomainError("Tilbudet er levert og kan ikke endres.")
    bid.attachments.remove(attachment)
    db.session.flush()
    audit.record("bid.attachment_removed", bid, actor=actor, payload={"filename": attachment.filename})


# -- submission ----------------------------------------------------------------------------------------------
class SubmittedPart(Protocol):
    """Something a domain above bids hands in together with a bid (the Noark 5 sample): sealed at the
    submission, before the receipt's hash is computed, and named under ``key`` in the content the hash
    covers. That domain registers it (:func:`register_submitted_part`) when its package is imported, which
    ``tender.models`` does for every app."""

    key: str

    def seal(self, bid: Bid, *, actor: Any) -> None:
        """At the submission: mark what goes with the bid as submitted with it (and record that)."""

    def content(self, bid: Bid) -> dict[str, Any] | None:
        """What goes with ``bid`` in the receipt's content, or None when nothing does."""


_SUBMITTED_PARTS: dict[str, SubmittedPart] = {}


def register_submitted_part(part: SubmittedPart) -> None:
    _SUBMITTED_PARTS[part.key] = part


def bid_content(bid: Bid) -> dict[str, Any]:
    """The submitted content in canonical form: what the receipt's SHA-256 covers (with the parts handed in
    with the bid, e.g. the Noark 5 sample by file name and SHA-256, when there is one)."""
    content: dict[str, Any] = {
        "tender": bid.tender_id,
        "vendor": bid.vendor.organisasjonsnummer,
        "answers": sorted(
            (
                {
                    "requirement": a.requirement_key,
                    "fulfilled": a.fulfilled,
                    "description": a.description,
                    "documentation_ref": a.documentation_ref,
                    "reservation": a.reservation,
                    "reservation_text": a.reservation_text,
                }
                for a in bid.answers
            ),
            key=lambda a: a["requirement"],
        ),
        "prices": sorted(
            (
                {
                    "item": p.price_item_id,
                    "municipality": p.municipality_id,
                    "amount": f"{Decimal(p.amount).quantize(CENT):f}",
                }
                for p in bid.prices
            ),
            key=lambda p: (p["item"], p["municipality"] or 0),
        ),
        "attachments": sorted(
            ({"filename": a.filename, "sha256": a.sha256} for a in bid.attachments),
            key=lambda a: (a["sha256"], a["filename"]),
        ),
    }
    for key, part in sorted(_SUBMITTED_PARTS.items()):
        found = part.content(bid)
        if found is not None:  # absent rather than null, so receipts of bids without a sample keep their hash
            content[key] = found
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
    have = {(p.price_item_id, p.municipality_id) for p in bid.prices}
    municipality_ids = [m.id for m in tender.participating_municipalities]
    model = model_of(tender)
    items = price_items(tender)
    if model is not None and model.price_gaps == "highest":
        # a line left without a price is filled with the highest price offered on it (KOFA 2011/70)
        if items and not have:
            problems.append("Prisskjemaet har ingen priser: gi en pris på minst én post.")
    else:
        for item in items:
            wanted = [(item.id, m) for m in municipality_ids] if item.per_municipality else [(item.id, None)]
            if any(w not in have for w in wanted):
                problems.append(f"Prisskjemaet mangler beløp for «{item.name}».")
    if problems:
        raise DomainError(problems[0], reasons={"": problems})
    for part in _SUBMITTED_PARTS.values():
        part.seal(bid, actor=actor)  # e.g. the vendor's newest Noark sample is the one submitted with the bid
    digest = content_sha256(bid)
    bid.status = BidStatus.SUBMITTED
    bid.submitted_at = at
    bid.receipt_sha256 = digest
    db.session.flush()
    audit.record(
        "bid.submitted",
        bid,
        actor=actor,
        payload={"vendor": bid.vendor.organisasjonsnummer, "sha256": digest, "at": at.isoformat()},
    )
    return digest


# -- opening -------------------------------------------------------------------------------------------------
#: what a late attempt's ``action`` was, as the opening record words it
LATE_ACTIONS = {
    "create": "opprette tilbud",
    "save": "lagre utkast",
    "attach": "laste opp vedlegg",
    "detach": "fjerne vedlegg",
    "submit": "levere tilbudet",
    "upload_answers": "lese inn svarskjema",
}


def _requests_waiting(tender: Tender, at: datetime) -> bool:
    """Whether requests to take part wait to be opened under the same setting (a prequalification whose
    deadline has passed, not yet opened): then nobody may lower it either."""
    setup = request_ops.setup_of(tender)
    return (
        setup is not None
        and setup.enabled
        and tender.participation_deadline is not None
        and at >= tender.participation_deadline
        and request_ops.opening_of(tender) is None
    )


def set_opening_persons(tender: Tender, persons: int, *, at: datetime, actor: Any) -> None:
    """How many must confirm the opening: 2 (the default) or 1 for a small tender; by the lead, before the bid
    deadline only, so that nobody can lower it once the bids are waiting to be opened (nor once requests to
    take part are, which the same setting opens)."""
    if persons not in (1, 2):
        raise DomainError("Velg én eller to personer.", field="persons")
    if deadline_passed(tender, at):
        raise DomainError(
            "Tilbudsfristen er ute: hvor mange som må bekrefte åpningen, kan ikke endres lenger.",
            field="persons",
        )
    if _requests_waiting(tender, at):
        raise DomainError(
            "Fristen for forespørsler om å delta er ute: hvor mange som må bekrefte åpningen, kan ikke "
            "endres før forespørslene er åpnet.",
            field="persons",
        )
    if tender.opening_persons == persons:
        return
    before = tender.opening_persons
    tender.opening_persons = persons
    db.session.flush()
    audit.record(
        "tender.opening_persons_changed", tender, actor=actor, payload={"from": before, "to": persons}
    )


def _submitted_items(tender: Tender) -> list[dict[str, Any]]:
    return [
        {
            "vendor": b.vendor.name,
            "organisasjonsnummer": b.vendor.organisasjonsnummer,
            "submitted_at": b.submitted_at.isoformat() if b.submitted_at else None,
            "receipt_sha256": b.receipt_sha256,
        }
        for b in submitted_bids(tender)
    ]


def _model_locked(tender: Tender) -> str | None:
    model = model_of(tender)
    if model is None or model.frozen_at is None:
        return "Evalueringsmodellen må låses før tilbudene åpnes."
    return None


#: the bids' opening: the shared opening by two (tender.tenders.opening), the evaluation model locked first
BID_OPENING = shared_opening.OpeningKind(
    confirmation=BidOpeningConfirmation,
    opening=BidOpening,
    right=lambda user, tender, at: confirm_opening_right(user, tender, now=at),
    deadline=lambda tender: tender.bid_deadline,
    items=_submitted_items,
    items_key="bids",
    confirmed_event="bids.opening_confirmed",
    withdrawn_event="bids.opening_confirmation_withdrawn",
    opened_event="bids.opened",
    late_event="bid.late_attempt",
    what="tilbudene",
    deadline_name="tilbudsfristen",
    precondition=_model_locked,
    scope=lambda tender: {"round_no": tender.current_round},
)
OpeningStatus = shared_opening.OpeningStatus


def opening_confirmations(tender: Tender) -> list[BidOpeningConfirmation]:
    return shared_opening.opening_confirmations(BID_OPENING, tender)


def valid_confirmations(tender: Tender, at: datetime) -> list[BidOpeningConfirmation]:
    return shared_opening.valid_confirmations(BID_OPENING, tender, at)


def opening_status(tender: Tender, at: datetime) -> OpeningStatus:
    return shared_opening.opening_status(BID_OPENING, tender, at)


def confirm_opening(tender: Tender, *, at: datetime, actor: Any) -> BidOpening | None:
    """One member's confirmation of the opening; the last one the tender's setting asks for opens the bids
    (returned), earlier ones are recorded and wait (None). Same rules as the opening: after the deadline,
    once, with the evaluation model locked first."""
    return shared_opening.confirm_opening(BID_OPENING, tender, at=at, actor=actor)  # type: ignore[no-any-return]


def withdraw_opening_confirmation(tender: Tender, *, at: datetime, actor: Any) -> None:
    """Take one's own confirmation back while the opening is not yet done."""
    shared_opening.withdraw_opening_confirmation(BID_OPENING, tender, at=at, actor=actor)


def late_attempts(tender: Tender) -> list[dict[str, Any]]:
    """Every refused late attempt of the tender, from its audit trail, oldest first."""
    return shared_opening.late_attempts(BID_OPENING, tender)


@dataclass(frozen=True)
class OpeningRecord:
    """The opening record as the bids page shows it, with times as datetimes (shown in Oslo time)."""

    opened_at: datetime
    persons_required: int
    opened_by: list[dict[str, Any]]
    bids: list[dict[str, Any]]
    late_attempts: list[dict[str, Any]]


def opening_record(opening: BidOpening) -> OpeningRecord:
    raw = json.loads(opening.record_json)
    if isinstance(raw, list):  # an opening from before two-person opening: the lead alone, bids only
        raw = {
            "opened_by": [
                {
                    "name": opening.opened_by_name,
                    "roles": ["lead"],
                    "confirmed_at": opening.opened_at.isoformat(),
                }
            ],
            "bids": raw,
            "late_attempts": [],
        }
    return OpeningRecord(
        opened_at=opening.opened_at,
        persons_required=opening.persons_required,
        opened_by=shared_opening.people_of(raw),
        bids=shared_opening.items_of(raw, "bids"),
        late_attempts=shared_opening.late_of(raw, LATE_ACTIONS),
    )
