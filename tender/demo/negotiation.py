"""The demo's negotiation (the ``negotiated`` stage, on top of ``scored``): the Grenland tender is a
competitive negotiation, so after the initial bids are scored the lead decides to negotiate, meets each
vendor, lets the lowest ranked go and calls the best and final offers (BAFO); the vendors left revise their
prices and deliver, two open the round and the group scores it as it scored the first. Everything goes
through the negotiation's, the bids' and the evaluation's operations, as the pages do; the one shortcut is
the demo's own (the new deadline is moved to now instead of waiting two weeks), recorded as such in the
audit trail.

Demo data only: the meetings, reasons and revised prices are made up.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from tender import audit
from tender.bids import operations as bid_ops
from tender.bids.models import BidRound
from tender.clock import now
from tender.demo.stages import BIDDERS, DEMO, _answer, _evaluators, _lead, _user, score
from tender.errors import DomainError
from tender.extensions import db
from tender.negotiation import operations as neg
from tender.negotiation.models import NegotiationChoice
from tender.tenders.models import Tender

#: what every vendor is told about the tender documents (the same to all: the rule the page checks)
DOCUMENTS_INFO = (
    "Ingen endringer i konkurransegrunnlaget. Bilag 2 kan suppleres med en oppdatert implementeringsplan."
)
#: each remaining vendor's revision: the factor on its one-off price and on its yearly price
REVISION = {
    "921345674": (Decimal("0.80"), Decimal("0.95")),
    "918273646": (Decimal("0.92"), Decimal("0.97")),
    "913579240": (Decimal("0.95"), Decimal("0.95")),
    "924681357": (Decimal("0.90"), Decimal("0.95")),
}


def start_negotiation(tender: Tender) -> None:
    """After the scored stage: decide to negotiate, one meeting record per vendor, reduce by the lowest ranked
    vendor (with its reason), and call the best and final offers with a deadline in 14 days and a new
    questions deadline in 7. Does only what is missing, so running it twice duplicates nothing."""
    lead = _lead()
    at = now()
    found = neg.negotiation_of(tender)
    if found is None or found.decision is None:
        neg.decide(
            tender,
            NegotiationChoice.NEGOTIATE,
            reason="Tilbudene kan forbedres på pris og gjennomføring; kunngjøringen varslet forhandling.",
            at=at,
            actor=lead,
        )
    if tender.current_round > 1:
        return  # the BAFO round is called already
    met = {m.vendor_id for m in neg.meetings_of(tender)}
    evaluator = _evaluators()[0]
    by_orgnr = {b.orgnr: b for b in BIDDERS}
    for vendor in neg.in_competition(tender):
        if vendor.id in met:
            continue
        bidder = by_orgnr[vendor.organisasjonsnummer]
        neg.record_meeting(
            tender,
            neg.MeetingInput(
                vendor_id=vendor.id,
                held_at=at,
                our_attendees=f"{lead.name} (prosjektleder), {evaluator.name} (evaluator)",
                vendor_attendees=f"{bidder.person} ({vendor.name})",
                topics="Pris for drift per innbygger, migreringsplan og forbehold i tilbudet.",
                vendor_told=f"{bidder.system}: prisen for innføringen ligger over det gruppen forventet; "
                "forbehold bør tas bort i endelig tilbud.",
                documents_info=DOCUMENTS_INFO,
            ),
            at=at,
            actor=lead,
        )
    if neg.reduction_of(tender) is None:
        ranked = [r for r in neg.ranking(tender) if not r.rejected and r.rank is not None]
        last = ranked[-1]
        neg.reduce(
            tender,
            {
                last.vendor.id: "Lavest rangert etter de kunngjorte tildelingskriteriene "
                f"(nr. {last.rank} av {len(ranked)}): høyest evaluert pris og svakest på gjennomføring."
            },
            note="Rangeringen i evalueringsmatrisen etter første runde (pris 40 %, kvalitet 60 %); de tre "
            "beste går videre, som kunngjøringen åpnet for.",
            at=at,
            actor=lead,
        )
    neg.call_revised_bids(
        tender,
        neg.CallInput(
            deadline=at + timedelta(days=14),
            message="Takk for forhandlingsmøtene. Lever endelige tilbud (BAFO) innen fristen; det blir ingen "
            "flere forhandlinger.",
            bafo=True,
            questions_deadline=at + timedelta(days=7),
        ),
        at=at,
        actor=lead,
    )


def finish_negotiation(tender: Tender) -> None:
    """The remaining vendors revise their prices and deliver, the deadline is passed (the demo's shortcut),
    the lead and an evaluator open the round, and the group scores it as the demo's first round was scored."""
    if tender.current_round == 1:
        raise DomainError("Det er ikke kalt inn en ny tilbudsrunde; kjør start_negotiation først.")
    by_orgnr = {b.orgnr: b for b in BIDDERS}
    if bid_ops.opening_of(tender) is None:
        at = now()
        for invited in neg.final_round(tender).invited or ():
            bid = bid_ops.bid_of(tender, invited.id)
            if bid is None or bid.is_submitted:
                continue
            if bid_ops.deadline_passed(tender, at):
                raise DomainError(f"Fristen for runden er ute, men {invited.name} har ikke levert.")
            bidder = by_orgnr[invited.organisasjonsnummer]
            seller = _user(bidder.email, bidder.person)
            one_off, yearly = REVISION[bidder.orgnr]
            prices = {}
            for line in bid.prices:
                factor = one_off if line.municipality_id is None else yearly
                prices[(line.price_item_id, line.municipality_id)] = (Decimal(line.amount) * factor).quantize(
                    bid_ops.CENT
                )
            # a requirement a correction added in this round is answered as the vendor answered the rest
            content = bid_ops.published_spec(tender)
            assert content is not None
            answered = {a.requirement_key for a in bid.answers if a.fulfilled.strip()}
            answers = [_answer(bidder, r, {}) for r in content.requirements if r.id not in answered]
            bid_ops.save_draft(tender, bid, answers=answers, prices=prices, at=at, actor=seller)
            bid_ops.submit(tender, bid, at=at, actor=seller)
        db.session.flush()
        if not bid_ops.deadline_passed(tender, now()):
            pass_round_deadline(tender)
    # the opening by two and the scores, exactly as the first round's (tender.demo.stages.score)
    score(tender)


def pass_round_deadline(tender: Tender) -> None:
    """The demo's shortcut for the round's deadline: moved to this moment, after every delivery, instead of
    waiting two weeks (no page offers this); the questions deadline keeps its place between the call and the
    deadline. Recorded as the demo's own step."""
    at = now()
    latest = max((b.submitted_at for b in bid_ops.submitted_bids(tender) if b.submitted_at), default=None)
    if latest is not None and latest >= at:
        raise DomainError("Klokken står ikke etter siste innlevering; fristen kan ikke flyttes dit.")
    before = tender.bid_deadline
    assert before is not None  # a called round has its deadline
    row = db.session.scalar(
        db.select(BidRound).where(BidRound.tender_id == tender.id, BidRound.number == tender.current_round)
    )
    tender.bid_deadline = at
    if row is not None:
        row.deadline = at
    q = tender.questions_deadline
    if row is not None and q is not None and row.called_at <= q < before:
        # the round's own timeline shrinks into the time it really took: the questions deadline keeps its
        # place between the call and the deadline
        tender.questions_deadline = row.called_at + (q - row.called_at) * (
            (at - row.called_at) / (before - row.called_at)
        )
    db.session.flush()
    audit.record(
        "demo.round_deadline_passed",
        tender,
        actor=DEMO,
        payload={
            "round_no": tender.current_round,
            "before": before.isoformat(),
            "after": at.isoformat(),
            "questions_deadline": tender.questions_deadline.isoformat()
            if tender.questions_deadline
            else None,
            "why": "Demoen flytter fristen for runden til nå i stedet for å vente på den.",
        },
    )
