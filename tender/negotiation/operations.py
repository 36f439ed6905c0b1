"""Negotiation rounds in a competitive negotiation (konkurranse med forhandling): the announcement's
reservation of the right to award on the initial bids, the lead's decision to negotiate, the meeting records,
the reduction between rounds by the announced award criteria, and the call for revised bids: a new sealed
round (tender.bids.models.BidRound) that every page about "the bids" then works on, opened by two and scored
with the same frozen evaluation model. After a round called as the best and final offer (BAFO) none follows.

Sealing: nothing here reads a round's bids before that round is opened; the rounds and their invited vendors
(the call's own rows) are read after the first opening only.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction
from typing import Any

from sqlalchemy import select

from tender import audit, mail
from tender.bids import operations as bid_ops
from tender.bids.models import Bid, BidOpening, BidRound, BidRoundVendor, RoundKind
from tender.errors import DomainError
from tender.evaluation import operations as ev
from tender.evaluation_model import operations as model_ops
from tender.evaluation_model.models import Phase
from tender.extensions import db
from tender.formatting import format_datetime
from tender.negotiation.models import (
    InformationDifferenceAck,
    Negotiation,
    NegotiationChoice,
    NegotiationMeeting,
    Reduction,
    ReductionLeaving,
)
from tender.tenders.models import Procedure, Tender, Vendor
from tender.tenders.operations import vendor_users

NOT_NEGOTIATION = (
    "Konkurransen er ikke en konkurranse med forhandling; forhandlingsrunder hører bare til den prosedyren."
)
#: longest text in a meeting record's fields
LONG_TEXT = 10_000


def refusal(tender: Tender) -> str | None:
    """Why the tender has no negotiation at all (None: it is a competitive negotiation)."""
    return None if tender.procedure is Procedure.COMPETITIVE_NEGOTIATION else NOT_NEGOTIATION


def _require_procedure(tender: Tender) -> None:
    if (why := refusal(tender)) is not None:
        raise DomainError(why)


def _name(actor: Any) -> str:
    return str(getattr(actor, "name", "") or "")[:120]


# -- reading -------------------------------------------------------------------------------------------------
def negotiation_of(tender: Tender) -> Negotiation | None:
    return db.session.scalar(select(Negotiation).where(Negotiation.tender_id == tender.id))


def _ensure(tender: Tender) -> Negotiation:
    found = negotiation_of(tender)
    if found is None:
        found = Negotiation(tender_id=tender.id, award_without_negotiation_reserved=False, decision_reason="")
        db.session.add(found)
        db.session.flush()
    return found


def decided_to_negotiate(tender: Tender) -> bool:
    found = negotiation_of(tender)
    return found is not None and found.decision is NegotiationChoice.NEGOTIATE


def first_round_opened(tender: Tender) -> bool:
    """Whether the initial bids are opened (the seal of everything else here; reads the opening only)."""
    return bid_ops.opening_of(tender, 1) is not None


@dataclass(frozen=True)
class RoundInfo:
    """One bid round as the negotiation pages and later parts (the award) see it."""

    number: int
    kind: RoundKind
    deadline: datetime | None
    called_at: datetime | None
    called_by: str
    message: str
    opened_at: datetime | None
    #: the vendors invited (every vendor in round 1: None)
    invited: tuple[Vendor, ...] | None
    #: the round the award is based on: the last one called
    is_final: bool

    @property
    def opened(self) -> bool:
        return self.opened_at is not None

    @property
    def label(self) -> str:
        return f"Runde {self.number}: {self.kind.label}"


def _round_rows(tender: Tender) -> dict[int, BidRound]:
    return {r.number: r for r in db.session.scalars(select(BidRound).where(BidRound.tender_id == tender.id))}


def rounds_of(tender: Tender) -> list[RoundInfo]:
    """Every bid round of the tender, first to last (one, the initial bids, when nothing was called)."""
    rows = _round_rows(tender) if tender.current_round > 1 else {}
    openings = {
        o.round_no: o.opened_at
        for o in db.session.scalars(select(BidOpening).where(BidOpening.tender_id == tender.id))
    }
    found = []
    for number in range(1, tender.current_round + 1):
        row = rows.get(number)
        is_current = number == tender.current_round
        found.append(
            RoundInfo(
                number=number,
                kind=row.kind if row is not None else RoundKind.INITIAL,
                deadline=tender.bid_deadline if is_current else (row.deadline if row else None),
                called_at=row.called_at if row is not None and number > 1 else None,
                called_by=row.called_by_name if row is not None else "",
                message=row.message if row is not None else "",
                opened_at=openings.get(number),
                invited=tuple(v.vendor for v in row.vendors) if row is not None and number > 1 else None,
                is_final=is_current,
            )
        )
    return found


def final_round(tender: Tender) -> RoundInfo:
    """The round the award is based on: the last one called (the BAFO, when one was called); its bids are
    "the bids" of every page (``Tender.current_round``)."""
    return rounds_of(tender)[-1]


def bafo_called(tender: Tender) -> bool:
    if tender.current_round == 1:
        return False
    row = _round_rows(tender).get(tender.current_round)
    return row is not None and row.kind is RoundKind.BAFO


def reduction_of(tender: Tender, round_no: int | None = None) -> Reduction | None:
    number = tender.current_round if round_no is None else round_no
    return db.session.scalar(
        select(Reduction).where(Reduction.tender_id == tender.id, Reduction.round_no == number)
    )


@dataclass(frozen=True)
class ReductionLetter:
    """The letter to a vendor let go at a reduction, made from the stored rows: the e-mail ``reduce`` sends
    and the letter the vendor reads in the portal (and the group on the negotiation page) are the same."""

    reduction: Reduction
    leaving: ReductionLeaving
    subject: str
    body: str


def reduction_letter(tender: Tender, reduction: Reduction, row: ReductionLeaving) -> ReductionLetter:
    """The letter to ``row``'s vendor about ``reduction``: subject and text (Norwegian, as mailed). Dated
    ``reduction.decided_at``, signed by the lead who decided it."""
    subject = f"{tender.title}: dere går ikke videre i forhandlingene"
    body = (
        f"Til {row.vendor.name}\n\n"
        f"I konkurransen «{tender.title}» (saksnummer {tender.case_reference}) er antallet leverandører "
        f"redusert etter tilbudsrunde {reduction.round_no}, ved å anvende de kunngjorte "
        "tildelingskriteriene. Deres tilbud går ikke videre til neste runde.\n\n"
        f"Begrunnelse:\n{row.reason}\n\n"
        f"Slik er tildelingskriteriene anvendt:\n{reduction.note}\n\n"
        f"Med vennlig hilsen\n{reduction.decided_by_name}\n"
    )
    return ReductionLetter(reduction=reduction, leaving=row, subject=subject, body=body)


def reduction_letters(tender: Tender, vendor_ids: Collection[int] | None = None) -> list[ReductionLetter]:
    """Every reduction letter of the tender, by round (``vendor_ids``: only those to these vendors)."""
    query = (
        select(Reduction, ReductionLeaving)
        .join(ReductionLeaving, ReductionLeaving.reduction_id == Reduction.id)
        .where(Reduction.tender_id == tender.id)
        .order_by(Reduction.round_no, ReductionLeaving.id)
    )
    if vendor_ids is not None:
        query = query.where(ReductionLeaving.vendor_id.in_(list(vendor_ids)))
    return [reduction_letter(tender, r, row) for r, row in db.session.execute(query).all()]


def in_competition(tender: Tender) -> list[Vendor]:
    """The vendors still in the competition: a submitted, not rejected bid in the current round (only the
    invited can have one), less those a reduction after this round let go. Empty before the round's
    opening: the bids are sealed until then."""
    if bid_ops.opening_of(tender) is None:
        return []
    reduced = reduction_of(tender)
    gone = {r.vendor_id for r in reduced.leaving} if reduced is not None else set()
    return [b.vendor for b in ev.opened_bids(tender) if not b.rejected and b.vendor_id not in gone]


def round_not_evaluated(tender: Tender) -> str | None:
    """Why the current round's evaluation is not finished (None when every opened bid is scored by consensus
    on every quality criterion or rejected, and the matrix computes); the round must be opened first."""
    if bid_ops.opening_of(tender) is None:
        return f"Tilbudene i runde {tender.current_round} er ikke åpnet ennå."
    bids = ev.opened_bids(tender)
    if not bids:
        return f"Ingen tilbud ble levert i runde {tender.current_round}."
    leaves = model_ops.quality_leaves(tender)
    agreed = ev.consensus_scores(tender)
    missing = [
        b.vendor.name for b in bids if not b.rejected and any((b.id, c.id) not in agreed for c in leaves)
    ]
    if missing:
        return (
            f"Evalueringen av runde {tender.current_round} er ikke ferdig: konsensuspoeng mangler for "
            + ", ".join(missing)
            + "."
        )
    built = ev.build_case(tender, with_individual=False)
    if built.result is None:
        return built.problems[0] if built.problems else "Evalueringen gir ikke et resultat ennå."
    return None


@dataclass(frozen=True)
class Ranked:
    """One bid of a round in the evaluation's ranking."""

    vendor: Vendor
    bid: Bid
    rank: int | None
    total: Fraction | None
    price: Fraction | None
    #: consensus score per quality criterion key
    scores: dict[str, Fraction]
    rejected: bool


def ranking(tender: Tender, round_no: int | None = None) -> list[Ranked]:
    """The round's bids as the evaluation ranks them (the frozen model's totals), best first, rejected last;
    empty until the round is opened."""
    built = ev.build_case(tender, with_individual=False, round_no=round_no)
    by_key = {c.id: c.key for c in built.criteria}
    agreed = ev.consensus_scores(tender, round_no)
    found = []
    for bid in built.bids:
        result = built.result.get(ev.case_bid_id(bid)) if built.result is not None else None
        found.append(
            Ranked(
                vendor=bid.vendor,
                bid=bid,
                rank=result.rank if result is not None else None,
                total=result.total if result is not None else None,
                price=built.prices.get(bid.id),
                # the consensus the evaluation used (the mean rule: the exact mean, not the stored rounding)
                scores=dict(result.bid.scores)
                if result is not None
                else {by_key[c]: Fraction(s.score) for (b, c), s in agreed.items() if b == bid.id},
                rejected=bid.rejected,
            )
        )
    return sorted(found, key=lambda r: (r.rank is None, r.rank or 0, r.vendor.name))


# -- the reservation and the decision ------------------------------------------------------------------------
def set_reservation(tender: Tender, reserved: bool, *, at: datetime, actor: Any) -> None:
    """Whether the announcement reserved the right to award on the initial bids without negotiation: set
    before the first bid deadline, frozen after it (the vendors bid knowing it)."""
    _require_procedure(tender)
    if tender.current_round > 1 or bid_ops.deadline_passed(tender, at):
        raise DomainError("Tilbudsfristen er ute: forbeholdet i kunngjøringen kan ikke endres lenger.")
    found = _ensure(tender)
    if found.award_without_negotiation_reserved == reserved:
        return
    found.award_without_negotiation_reserved = reserved
    db.session.flush()
    audit.record("negotiation.reservation_set", found, actor=actor, payload={"reserved": reserved})


def decide(tender: Tender, choice: NegotiationChoice, *, reason: str, at: datetime, actor: Any) -> None:
    """After the initial bids are opened and evaluated: negotiate, or (only when the announcement reserved it)
    award on the initial bids. Recorded once, with its reason."""
    _require_procedure(tender)
    found = _ensure(tender)
    if found.decision is not None:
        raise DomainError(f"Det er allerede besluttet: {found.decision.label.lower()}.")
    if tender.current_round != 1:
        raise DomainError("Beslutningen om å forhandle tas etter første runde.")
    if (why := round_not_evaluated(tender)) is not None:
        raise DomainError(why)
    if choice is NegotiationChoice.AWARD_INITIAL and not found.award_without_negotiation_reserved:
        raise DomainError(
            "Kunngjøringen forbeholdt ikke retten til å tildele på grunnlag av de inngående tilbudene; "
            "det må forhandles.",
            field="choice",
        )
    if not reason.strip():
        raise DomainError("Skriv begrunnelsen for beslutningen.", field="reason")
    found.decision = choice
    found.decision_reason = reason.strip()[:LONG_TEXT]
    found.decided_at = at
    found.decided_by_id = getattr(actor, "id", None)
    found.decided_by_name = _name(actor)
    db.session.flush()
    audit.record(
        "negotiation.decided",
        found,
        actor=actor,
        payload={"choice": choice.value, "reason": found.decision_reason},
    )


def _require_negotiating(tender: Tender) -> None:
    _require_procedure(tender)
    if not decided_to_negotiate(tender):
        raise DomainError("Det er ikke besluttet å forhandle.")


# -- meetings ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class MeetingInput:
    vendor_id: int
    held_at: datetime
    our_attendees: str
    vendor_attendees: str
    topics: str
    vendor_told: str
    documents_info: str


def meetings_of(tender: Tender, round_no: int | None = None) -> list[NegotiationMeeting]:
    number = tender.current_round if round_no is None else round_no
    return list(
        db.session.scalars(
            select(NegotiationMeeting)
            .where(NegotiationMeeting.tender_id == tender.id, NegotiationMeeting.round_no == number)
            .order_by(NegotiationMeeting.held_at, NegotiationMeeting.id)
        )
    )


def record_meeting(tender: Tender, given: MeetingInput, *, at: datetime, actor: Any) -> NegotiationMeeting:
    """A meeting's record with one vendor still in the competition, in the current round."""
    _require_negotiating(tender)
    if bafo_called(tender):
        raise DomainError("Etter endelige tilbud (BAFO) forhandles det ikke mer.")
    opening = bid_ops.opening_of(tender)
    if opening is None:
        raise DomainError(f"Tilbudene i runde {tender.current_round} er ikke åpnet ennå.")
    vendor = next((v for v in in_competition(tender) if v.id == given.vendor_id), None)
    if vendor is None:
        raise DomainError("Leverandøren er ikke lenger med i konkurransen; det kan ikke føres møtereferat.")
    if given.held_at > at:
        raise DomainError("Møtet kan ikke være holdt i fremtiden.", field="held_at")
    # a meeting negotiates the opened bids: one dated before the opening is a typing error
    if given.held_at < opening.opened_at:
        raise DomainError(
            f"Møtet kan ikke være holdt før tilbudene i runde {tender.current_round} ble åpnet "
            f"({format_datetime(opening.opened_at)}).",
            field="held_at",
        )
    fields = {
        "our_attendees": ("Skriv hvem som deltok fra oppdragsgiver.", given.our_attendees),
        "vendor_attendees": ("Skriv hvem som deltok fra leverandøren.", given.vendor_attendees),
        "topics": ("Skriv hvilke temaer som ble tatt opp.", given.topics),
        "vendor_told": ("Skriv hva leverandøren ble fortalt.", given.vendor_told),
        "documents_info": (
            "Skriv hvilken informasjon om konkurransegrunnlaget som ble gitt (eller «Ingen»).",
            given.documents_info,
        ),
    }
    for field, (message, value) in fields.items():
        if not value.strip():
            raise DomainError(message, field=field)
        if len(value) > LONG_TEXT:
            raise DomainError(f"Teksten kan ha høyst {LONG_TEXT:,} tegn.".replace(",", " "), field=field)
    meeting = NegotiationMeeting(
        tender_id=tender.id,
        round_no=tender.current_round,
        vendor_id=vendor.id,
        held_at=given.held_at,
        our_attendees=given.our_attendees.strip(),
        vendor_attendees=given.vendor_attendees.strip(),
        topics=given.topics.strip(),
        vendor_told=given.vendor_told.strip(),
        documents_info=given.documents_info.strip(),
        recorded_at=at,
        recorded_by_id=getattr(actor, "id", None),
        recorded_by_name=_name(actor),
    )
    db.session.add(meeting)
    db.session.flush()
    audit.record(
        "negotiation.meeting_recorded",
        meeting,
        actor=actor,
        payload={
            "vendor": vendor.name,
            "round_no": tender.current_round,
            "held_at": given.held_at.isoformat(),
            "documents_info": meeting.documents_info,
        },
    )
    return meeting


def _normalised(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().casefold()


@dataclass(frozen=True)
class InformationDifference:
    """What vendors of a round were told about the tender documents, when that differs between them."""

    round_no: int
    #: per vendor name, the information given (each distinct text once per vendor)
    given: dict[str, list[str]]
    fingerprint: str
    acknowledged: InformationDifferenceAck | None


def information_difference(tender: Tender, round_no: int | None = None) -> InformationDifference | None:
    """None when every vendor of the round was told the same about the tender documents (whitespace and case
    aside); else the difference, with the lead's acknowledgement if the same records were acknowledged."""
    number = tender.current_round if round_no is None else round_no
    meetings = meetings_of(tender, number)
    if len({_normalised(m.documents_info) for m in meetings}) <= 1:
        return None
    given: dict[str, list[str]] = {}
    for m in meetings:
        texts = given.setdefault(m.vendor.name, [])
        if m.documents_info not in texts:
            texts.append(m.documents_info)
    fingerprint = hashlib.sha256(
        json.dumps(sorted([m.id, m.documents_info] for m in meetings), ensure_ascii=False).encode()
    ).hexdigest()
    ack = db.session.scalar(
        select(InformationDifferenceAck).where(
            InformationDifferenceAck.tender_id == tender.id,
            InformationDifferenceAck.round_no == number,
            InformationDifferenceAck.fingerprint == fingerprint,
        )
    )
    return InformationDifference(number, given, fingerprint, ack)


def acknowledge_difference(tender: Tender, *, reason: str, at: datetime, actor: Any) -> None:
    """The lead acknowledges, with a reason, that vendors of the current round were told different things
    about the tender documents (e.g. a vendor-specific question about its own bid)."""
    _require_negotiating(tender)
    found = information_difference(tender)
    if found is None:
        raise DomainError(
            "Alle leverandørene i runden har fått den samme informasjonen; ingenting å kvittere."
        )
    if found.acknowledged is not None:
        raise DomainError("Forskjellen er allerede kvittert ut.")
    if not reason.strip():
        raise DomainError("Skriv hvorfor forskjellen er i orden.", field="reason")
    ack = InformationDifferenceAck(
        tender_id=tender.id,
        round_no=tender.current_round,
        fingerprint=found.fingerprint,
        reason=reason.strip()[:LONG_TEXT],
        acknowledged_at=at,
        acknowledged_by_id=getattr(actor, "id", None),
        acknowledged_by_name=_name(actor),
    )
    db.session.add(ack)
    db.session.flush()
    audit.record(
        "negotiation.difference_acknowledged",
        ack,
        actor=actor,
        payload={"round_no": tender.current_round, "reason": ack.reason, "given": found.given},
    )


# -- reduction -----------------------------------------------------------------------------------------------
def vendor_addresses(tender: Tender, vendor: Vendor) -> list[str]:
    """The e-mail addresses of the vendor's active users in the tender (where its letters go)."""
    return [u.email for u in vendor_users(tender, vendor)]


def reduce(tender: Tender, leaving: Mapping[int, str], *, note: str, at: datetime, actor: Any) -> Reduction:
    """The lead's reduction after the current round: the vendors in ``leaving`` (vendor id -> the reason it is
    told) leave the competition, by the announced award criteria as applied in ``note``; each is sent a
    letter. One reduction per round, after the round is evaluated, at least one vendor stays."""
    _require_negotiating(tender)
    if bafo_called(tender):
        raise DomainError("Etter endelige tilbud (BAFO) reduseres det ikke mer.")
    if (why := round_not_evaluated(tender)) is not None:
        raise DomainError(why)
    if reduction_of(tender) is not None:
        raise DomainError(f"Antallet leverandører er allerede redusert etter runde {tender.current_round}.")
    present = {v.id: v for v in in_competition(tender)}
    if not leaving:
        raise DomainError("Velg minst én leverandør som skal ut av konkurransen.")
    unknown = [i for i in leaving if i not in present]
    if unknown:
        raise DomainError("Bare leverandører som fortsatt er med i konkurransen, kan tas ut.")
    if len(leaving) >= len(present):
        raise DomainError("Minst én leverandør må bli igjen i konkurransen.")
    blank = [present[i].name for i, reason in leaving.items() if not reason.strip()]
    if blank:
        raise DomainError(
            "Skriv begrunnelsen for hver leverandør som tas ut: " + ", ".join(blank) + ".", field="reasons"
        )
    if not note.strip():
        raise DomainError(
            "Skriv hvordan de kunngjorte tildelingskriteriene er brukt i reduksjonen.", field="note"
        )
    ranked = ranking(tender)
    reduction = Reduction(
        tender_id=tender.id,
        round_no=tender.current_round,
        note=note.strip()[:LONG_TEXT],
        decided_at=at,
        decided_by_id=getattr(actor, "id", None),
        decided_by_name=_name(actor),
    )
    db.session.add(reduction)
    rows = []
    for vendor_id, reason in leaving.items():
        row = ReductionLeaving(vendor_id=vendor_id, reason=reason.strip()[:LONG_TEXT], sent_to="")
        reduction.leaving.append(row)
        rows.append((present[vendor_id], row))
    db.session.flush()
    mailed = {}
    for vendor, row in rows:
        to = vendor_addresses(tender, vendor)
        letter = reduction_letter(tender, reduction, row)
        sent = mail.notify(to, letter.subject, letter.body)
        row.sent_to = ", ".join(sent.sent)
        mailed[vendor.name] = sent.payload()
    db.session.flush()
    audit.record(
        "negotiation.reduced",
        reduction,
        actor=actor,
        payload={
            "round_no": tender.current_round,
            "note": reduction.note,
            "leaving": [{"vendor": v.name, "reason": r.reason, "mailed": mailed[v.name]} for v, r in rows],
            "kept": [v.name for i, v in present.items() if i not in leaving],
            "ranking": [
                {
                    "vendor": r.vendor.name,
                    "rank": r.rank,
                    "total": f"{float(r.total):.2f}" if r.total is not None else None,
                }
                for r in ranked
            ],
        },
    )
    return reduction


# -- the call for revised bids -------------------------------------------------------------------------------
@dataclass(frozen=True)
class CallInput:
    deadline: datetime
    message: str
    bafo: bool
    questions_deadline: datetime | None = None


def call_revised_bids(tender: Tender, given: CallInput, *, at: datetime, actor: Any) -> BidRound:
    """Open a new sealed round for revised bids (or the best and final offers) from the vendors still in the
    competition: each gets a draft copied from its bid in the closing round and an e-mail. The closing round
    must be opened and evaluated, negotiation decided, differences in information acknowledged."""
    _require_negotiating(tender)
    if bafo_called(tender):
        raise DomainError("Endelige tilbud (BAFO) er den siste runden; det kan ikke kalles inn flere runder.")
    if (why := round_not_evaluated(tender)) is not None:
        raise DomainError(why)
    difference = information_difference(tender)
    if difference is not None and difference.acknowledged is None:
        raise DomainError(
            "Leverandørene i runden har fått ulik informasjon om konkurransegrunnlaget; "
            "kvitter ut forskjellen med en begrunnelse før en ny runde kalles inn."
        )
    if given.deadline <= at:
        raise DomainError("Den nye tilbudsfristen må være frem i tid.", field="deadline")
    if not given.message.strip():
        raise DomainError("Skriv meldingen til leverandørene.", field="message")
    if len(given.message) > LONG_TEXT:
        raise DomainError(f"Meldingen kan ha høyst {LONG_TEXT} tegn.", field="message")
    if given.questions_deadline is not None and not (at < given.questions_deadline < given.deadline):
        raise DomainError(
            "Den nye spørsmålsfristen må være frem i tid og før den nye tilbudsfristen.",
            field="questions_deadline",
        )
    staying = in_competition(tender)
    if not staying:
        raise DomainError("Ingen leverandører er igjen i konkurransen.")
    previous = {b.vendor_id: b for b in ev.opened_bids(tender)}
    closing = tender.current_round
    rows = _round_rows(tender)
    if closing not in rows:
        assert tender.bid_deadline is not None  # opened, so it had a deadline
        db.session.add(
            BidRound(
                tender_id=tender.id,
                number=closing,
                kind=RoundKind.INITIAL,
                deadline=tender.bid_deadline,
                called_at=at,
                called_by_id=None,
                called_by_name="",
                message="",
            )
        )
    new = BidRound(
        tender_id=tender.id,
        number=closing + 1,
        kind=RoundKind.BAFO if given.bafo else RoundKind.REVISED,
        deadline=given.deadline,
        called_at=at,
        called_by_id=getattr(actor, "id", None),
        called_by_name=_name(actor),
        message=given.message.strip(),
        vendors=[BidRoundVendor(vendor_id=v.id) for v in staying],
    )
    db.session.add(new)
    before = {
        "bid_deadline": tender.bid_deadline.isoformat() if tender.bid_deadline else None,
        "questions_deadline": tender.questions_deadline.isoformat() if tender.questions_deadline else None,
    }
    tender.current_round = new.number
    tender.bid_deadline = given.deadline
    if given.questions_deadline is not None:
        tender.questions_deadline = given.questions_deadline
    # The new round's bids are scored as the first round's were: each evaluator on their own first, then the
    # consensus; the model itself (criteria, weights, price method) stays as frozen.
    model = model_ops.ensure_model(tender)
    model.phase = Phase.INDIVIDUAL
    db.session.flush()
    for vendor in staying:
        bid_ops.copy_to_round(tender, previous[vendor.id], at=at, actor=actor)
    what = "endelige tilbud (BAFO)" if given.bafo else "reviderte tilbud"
    letters = {}
    for vendor in staying:
        letters[vendor.name] = mail.notify(
            vendor_addresses(tender, vendor),
            f"{tender.title}: invitasjon til å levere {what}",
            f"Til {vendor.name}\n\n"
            f"I konkurransen «{tender.title}» (saksnummer {tender.case_reference}) inviteres dere "
            f"til å levere {what} i tilbudsrunde {new.number}.\n"
            + ("Dette er den siste runden: det blir ingen flere forhandlinger.\n" if given.bafo else "")
            + f"\nNy tilbudsfrist: {format_datetime(given.deadline)} (norsk tid).\n"
            + (
                f"Ny frist for spørsmål: {format_datetime(given.questions_deadline)} (norsk tid).\n"
                if given.questions_deadline
                else ""
            )
            + "\nUtkastet til det nye tilbudet er kopiert fra tilbudet i forrige runde; endre det og "
            "lever det i portalen før fristen.\n\n"
            f"Melding fra oppdragsgiver:\n{new.message}\n",
        )
    letters_payload = {name: told.payload() for name, told in letters.items()}
    audit.record(
        "negotiation.round_called",
        new,
        actor=actor,
        payload={
            "round_no": new.number,
            "kind": new.kind.value,
            "deadline": given.deadline.isoformat(),
            "questions_deadline": given.questions_deadline.isoformat() if given.questions_deadline else None,
            "before": before,
            "message": new.message,
            "vendors": [v.name for v in staying],
            "letters": letters_payload,
        },
    )
    return new
