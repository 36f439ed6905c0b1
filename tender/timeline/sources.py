"""Where a tender's timeline comes from: one small source per domain, listed in :data:`SOURCES`.

A source is a function ``(tender) -> Iterable[tender.core.timeline.Entry]`` that reads its own domain's rows
(or the audit trail, where no row records the moment) and returns every entry of that domain, for the group;
``tender.timeline.operations.timeline_of`` gathers them all and keeps the public part for vendors. So a source
decides, per entry:

- ``public``: whether vendors may see it at all (announcements, deadlines, published answers and corrections,
  a vendor's own invitation or meeting); False for the group's own events (versions, approvals, openings);
- ``vendor_id``: set for an entry about one vendor only (its invitation to a round, its meeting, its letter),
  so that vendor alone sees it; None for an entry about everyone.

Sealing: the timeline is shown to every member, before the opening too. A source reads no bid or sample table
(nor a request to take part) before the opening that unseals it (tests/test_sealed_marker.py watches the
queries), and says nothing a vendor sent before then (not even that one exists).

What the sources of the communication between announcement and award return:

- **questions** (tender.questions): one ``Kind.ANSWER`` entry per *published* answer, ``at`` its publication,
  ``public=True``, ``vendor_id=None`` (everyone receives it at once; never name the asker), ``number`` the
  question's number, label e.g. "Svar på spørsmål 3 publisert". Drafts and approvals in the group: either
  nothing, or ``Kind.EVENT`` with ``public=False``. Never a vendor's unpublished question.
- **corrections** (tender.corrections): one ``Kind.CORRECTION`` per published correction, ``at`` its
  publication, ``public=True``, ``number`` the correction's number, ``round`` the bid round current when it
  was published, ``deadline_then`` that round's bid deadline at that moment (so the rule can tell whether the
  deadline was extended afterwards); label e.g. "Rettelse 1 kunngjort: <reason>". The tender's setting for
  the days a correction must leave goes to ``operations.problems_of(..., correction_days=...)``.
- **negotiation** (tender.negotiation): one ``Kind.MEETING`` per meeting with one vendor, ``at`` the
  meeting's start, ``round`` the round whose bids are negotiated, ``number`` the meeting's number,
  ``vendor_id`` the vendor met, ``public=True`` (the vendor sees its own meeting, never another's; the
  group sees all); a reduction between rounds as ``Kind.EVENT`` (``public=False``; a letter to a vendor
  leaving as its own entry with ``vendor_id``). The calls for revised bids are already here (:func:`rounds`).
- **documents** (tender.documents): one ``Kind.DOCUMENTS`` per published version of the tender documents,
  ``at`` its publication, ``public=True``, ``number`` the version; the first publication of a tender without
  a prequalification may instead be returned as ``Kind.ANNOUNCEMENT`` (then drop the specification's from
  :func:`announcement`, so the announcement is one entry).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import select

from tender import formatting
from tender.audit import AuditEvent
from tender.bids.models import BidOpening, BidRound
from tender.core.timeline import Entry, Kind
from tender.corrections.operations import corrections_of
from tender.documents.models import DocumentSetVersion
from tender.evaluation_model import operations as evaluation_model
from tender.extensions import db
from tender.negotiation.models import NegotiationMeeting, Reduction
from tender.prequalification.models import RequestOpening, RequestOutcome, SelectionProposal
from tender.prequalification.queries import setup_of as prequalification_of
from tender.questions.operations import published_questions
from tender.requirements.models import Decision
from tender.requirements.operations import specification_of
from tender.tenders.models import Tender, Vendor

Source = Callable[[Tender], Iterable[Entry]]


def _worded(text: str, **values: object) -> dict[str, Any]:
    """An entry's label made from its Norwegian text with ``%(name)s`` placeholders, with the text and the
    values kept on the entry (``text``, ``values``) so that a vendor's page in English words it from the
    catalogue (``tender.web.timeline_messages.entry_label``). A value whose name ends in ``_lc`` is a label
    written in lower case inside the sentence."""
    filled = {k: (v.lower() if k.endswith("_lc") and isinstance(v, str) else v) for k, v in values.items()}
    return {"label": text % filled, "text": text, "values": values}


def _prequalification_announced(tender: Tender) -> datetime | None:
    setup = prequalification_of(tender)
    return setup.frozen_at if setup is not None and setup.enabled else None


def announcement(tender: Tender) -> Iterator[Entry]:
    """The announcement (the prequalification's, or else the specification's publication), and the group's
    steps towards it: the versions frozen, the municipalities' decisions, the evaluation model locked."""
    announced = _prequalification_announced(tender)
    if announced is not None:
        yield Entry(
            Kind.ANNOUNCEMENT,
            at=announced,
            public=True,
            **_worded("Konkurransen kunngjort med prekvalifisering"),
        )
    spec = specification_of(tender)
    if spec is not None:
        for version in spec.versions:
            yield Entry(
                Kind.EVENT,
                version.frozen_at,
                f"Versjon {version.number} av kravspesifikasjonen låst for godkjenning",
                public=False,
                number=version.number,
            )
            for decision in version.decisions:
                verb = "godkjente" if decision.decision is Decision.APPROVED else "avviste"
                yield Entry(
                    Kind.EVENT,
                    decision.decided_at,
                    f"{decision.municipality.name} {verb} versjon {version.number} ({decision.signer_name})",
                    public=False,
                    number=version.number,
                )
        if spec.published_at is not None and spec.published_version is not None:
            number = spec.published_version.number
            if announced is None:
                label = _worded(
                    "Konkurransen kunngjort med kravspesifikasjonen, versjon %(number)s", number=number
                )
                yield Entry(Kind.ANNOUNCEMENT, at=spec.published_at, public=True, number=number, **label)
            else:
                label = _worded("Kravspesifikasjonen publisert, versjon %(number)s", number=number)
                yield Entry(Kind.DOCUMENTS, at=spec.published_at, public=True, number=number, **label)
    model = evaluation_model.model_of(tender)
    if model is not None and model.frozen_at is not None:
        yield Entry(Kind.EVENT, model.frozen_at, "Evalueringsmodellen låst", public=False)


def deadlines(tender: Tender) -> Iterator[Entry]:
    """The tender's deadlines for requests and questions (the bid deadlines are the rounds')."""
    if tender.participation_deadline is not None:
        yield Entry(
            Kind.PARTICIPATION_DEADLINE,
            at=tender.participation_deadline,
            public=True,
            **_worded("Frist for forespørsel om å delta"),
        )
    if tender.questions_deadline is not None:
        yield Entry(
            Kind.QUESTIONS_DEADLINE,
            at=tender.questions_deadline,
            public=True,
            **_worded("Frist for spørsmål"),
        )


def prequalification(tender: Tender) -> Iterator[Entry]:
    """The requests' opening and the final selection (the group's), and the letters about the selection,
    each the moment it was made for sending (only the audit trail records it): a candidate sees its own."""
    if _prequalification_announced(tender) is None:
        return
    opened = db.session.scalar(select(RequestOpening.opened_at).where(RequestOpening.tender_id == tender.id))
    if opened is None:
        return  # sealed: nothing about the requests before their opening
    yield Entry(Kind.REQUESTS_OPENED, opened, "Forespørslene om å delta åpnet", public=False)
    final = db.session.scalar(
        select(SelectionProposal.final_at).where(
            SelectionProposal.tender_id == tender.id, SelectionProposal.final_at.is_not(None)
        )
    )
    if final is not None:
        yield Entry(Kind.EVENT, final, "Utvalget av kandidater er endelig", public=False)
    vendors = {v.organisasjonsnummer: v for v in tender.participating_vendors}
    sent: set[str] = set()
    for event in _events(tender, "prequalification.letter"):
        payload = event.payload
        orgnr = str(payload.get("organisasjonsnummer", ""))
        vendor = vendors.get(orgnr) or _vendor_by_orgnr(orgnr)
        if vendor is None or orgnr in sent:
            continue  # a letter made again later is the same letter: the first time it went out counts
        sent.add(orgnr)
        invited = payload.get("outcome") == RequestOutcome.INVITED.label
        yield Entry(
            Kind.INVITATION if invited else Kind.EVENT,
            at=event.occurred_at,
            public=True,
            **_worded(
                "Brev om prekvalifiseringen til %(vendor)s: %(outcome)s",
                vendor=vendor.name,
                outcome=str(payload.get("outcome", "")),
            ),
            vendor_id=vendor.id,
        )


def rounds(tender: Tender) -> Iterator[Entry]:
    """Each bid round's deadline (without round rows: round 1 is the tender's bid deadline), each later
    round's call with the vendors invited to it (each vendor sees its own), and each round's opening (the
    group's). Sealing: the round tables are read only once a round beyond the first exists, that is after the
    first opening (tender.bids.models.BidRound)."""
    rows: list[BidRound] = []
    if tender.current_round > 1:
        rows = list(
            db.session.scalars(
                select(BidRound).where(BidRound.tender_id == tender.id).order_by(BidRound.number)
            )
        )
    if not rows and tender.bid_deadline is not None:
        yield Entry(
            Kind.BID_DEADLINE, at=tender.bid_deadline, public=True, round=1, **_worded("Tilbudsfrist")
        )
    for row in rows:
        yield Entry(
            Kind.BID_DEADLINE,
            at=row.deadline,
            public=True,
            **_worded(
                "Tilbudsfrist, runde %(round)s (%(kind_lc)s)", round=row.number, kind_lc=row.kind.label
            ),
            round=row.number,
        )
        if row.number > 1:
            yield Entry(
                Kind.ROUND_CALLED,
                row.called_at,
                f"Runde {row.number} utlyst: {row.kind.label.lower()}",
                public=False,
                round=row.number,
            )
            for invited in row.vendors:
                yield Entry(
                    Kind.ROUND_CALLED,
                    at=row.called_at,
                    public=True,
                    **_worded(
                        "%(vendor)s invitert til runde %(round)s (%(kind_lc)s)",
                        vendor=invited.vendor.name,
                        round=row.number,
                        kind_lc=row.kind.label,
                    ),
                    round=row.number,
                    vendor_id=invited.vendor_id,
                )
    for opening in db.session.scalars(
        select(BidOpening).where(BidOpening.tender_id == tender.id).order_by(BidOpening.round_no)
    ):
        yield Entry(
            Kind.OPENING,
            opening.opened_at,
            f"Tilbudene i runde {opening.round_no} åpnet",
            public=False,
            round=opening.round_no,
        )


#: the tender's fields whose changes the timeline shows (what the lead moved, from the audit trail)
_DEADLINE_FIELDS = {
    "participation_deadline": "Fristen for forespørsel om å delta",
    "questions_deadline": "Fristen for spørsmål",
    "bid_deadline": "Tilbudsfristen",
}


#: the demo's own shortcuts (tender.demo): a deadline moved to the moment the demo runs
_DEMO_MOVES = {
    "demo.participation_deadline_passed": "Fristen for forespørsel om å delta",
    "demo.bid_deadline_passed": "Tilbudsfristen",
    "demo.round_deadline_passed": "Tilbudsfristen for runden",
}


def deadline_changes(tender: Tender) -> Iterator[Entry]:
    """Each deadline the lead moved (tender.changed in the audit trail: no row keeps the old deadline), and
    each the demo moved to its own moment: the group's, so an extension after a late correction shows where
    it happened."""
    for event in _events(tender, "tender.changed", *_DEMO_MOVES):
        if event.event_type in _DEMO_MOVES:
            changes = {event.event_type: event.payload}
        else:
            changes = {k: v for k, v in event.payload.items() if k in _DEADLINE_FIELDS}
        for name, change in changes.items():
            if not isinstance(change, dict):
                continue
            before, after = (_moment(change.get(k)) for k in ("before", "after"))
            what = _DEADLINE_FIELDS.get(name) or _DEMO_MOVES[name]
            by_demo = " av demoen" if name in _DEMO_MOVES else ""
            yield Entry(
                Kind.EVENT,
                event.occurred_at,
                f"{what} endret{by_demo} fra {formatting.format_datetime(before)} "
                f"til {formatting.format_datetime(after)}",
                public=False,
            )


def _moment(value: object) -> datetime | None:
    return datetime.fromisoformat(value) if isinstance(value, str) else None


def _events(tender: Tender, *event_types: str) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.tender_id == tender.id, AuditEvent.event_type.in_(event_types))
            .order_by(AuditEvent.seq)
        )
    )


def _vendor_by_orgnr(orgnr: str) -> Vendor | None:
    return db.session.scalar(select(Vendor).where(Vendor.organisasjonsnummer == orgnr)) if orgnr else None


#: every source, one per domain; the integrator appends the questions', corrections', negotiation's and
#: documents' sources here (see the module's docstring for what each returns)
def questions(tender: Tender) -> Iterator[Entry]:
    """Each published answer, the moment every vendor received it (never the asker, never a draft)."""
    for published in published_questions(tender):
        yield Entry(
            Kind.ANSWER,
            at=published.published_at,
            public=True,
            **_worded("Svar på spørsmål %(number)s publisert", number=published.number),
            number=published.number,
        )


def corrections(tender: Tender) -> Iterator[Entry]:
    """Each published correction, with the bid deadline of its round at that moment (so the rule can tell a
    late correction whose deadline was extended from one whose deadline was kept; the round is the one whose
    deadline had not passed when it was published, found by the core)."""
    for correction in corrections_of(tender):
        yield Entry(
            Kind.CORRECTION,
            at=correction.published_at,
            public=True,
            **_worded(
                "Rettelse %(number)s kunngjort: %(reason)s",
                number=correction.number,
                reason=correction.reason,
            ),
            number=correction.number,
            deadline_then=correction.deadline_before,
        )


def documents(tender: Tender) -> Iterator[Entry]:
    """Each published version of the tender documents (a draft set is the group's and not shown)."""
    for version in db.session.scalars(
        select(DocumentSetVersion)
        .where(DocumentSetVersion.tender_id == tender.id, DocumentSetVersion.published_at.is_not(None))
        .order_by(DocumentSetVersion.number)
    ):
        if version.is_correction:
            label = _worded(
                "Konkurransegrunnlaget publisert, versjon %(number)s (rettelse: %(reason)s)",
                number=version.number,
                reason=version.correction_reason,
            )
        else:
            label = _worded("Konkurransegrunnlaget publisert, versjon %(number)s", number=version.number)
        yield Entry(Kind.DOCUMENTS, at=version.published_at, public=True, number=version.number, **label)


def negotiation(tender: Tender) -> Iterator[Entry]:
    """Each negotiation meeting (the vendor met sees its own, never another's), each reduction between rounds
    (the group's) with the letter to each vendor leaving (that vendor's own)."""
    for number, meeting in enumerate(
        db.session.scalars(
            select(NegotiationMeeting)
            .where(NegotiationMeeting.tender_id == tender.id)
            .order_by(NegotiationMeeting.held_at, NegotiationMeeting.id)
        ),
        start=1,
    ):
        yield Entry(
            Kind.MEETING,
            at=meeting.held_at,
            public=True,
            **_worded(
                "Forhandlingsmøte med %(vendor)s om tilbudet i runde %(round)s",
                vendor=meeting.vendor.name,
                round=meeting.round_no,
            ),
            round=meeting.round_no,
            number=number,
            vendor_id=meeting.vendor_id,
        )
    for reduction in db.session.scalars(
        select(Reduction).where(Reduction.tender_id == tender.id).order_by(Reduction.decided_at, Reduction.id)
    ):
        names = ", ".join(leaving.vendor.name for leaving in reduction.leaving)
        yield Entry(
            Kind.EVENT,
            reduction.decided_at,
            f"Antall leverandører redusert etter runde {reduction.round_no}: {names} går ikke videre",
            public=False,
            round=reduction.round_no,
        )
        for leaving in reduction.leaving:
            yield Entry(
                Kind.EVENT,
                at=reduction.decided_at,
                public=True,
                **_worded("Brev til %(vendor)s: går ikke videre til neste runde", vendor=leaving.vendor.name),
                round=reduction.round_no,
                vendor_id=leaving.vendor_id,
            )


SOURCES: list[Source] = [
    announcement,
    deadlines,
    prequalification,
    rounds,
    deadline_changes,
    questions,
    corrections,
    documents,
    negotiation,
]
