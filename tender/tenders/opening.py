"""The opening by two, once for every kind of sealed delivery: the bids (tender.bids) and the requests to
take part in a prequalification (tender.prequalification).

After the deadline, the members with the opening right confirm in their own sessions; the tender's
``opening_persons`` setting asks for two distinct people, a lead among them, or for one lead alone. A
confirmation can be withdrawn until the opening is done; the last confirmation needed opens, writing the
opening record (who delivered and when, with every receipt hash, who opened, every late attempt). A row lock
on the tender makes two simultaneous confirmations open once.

What differs between the kinds (the tables, the right, the deadline, the words, the delivered items) is an
:class:`OpeningKind`; this module sits on the tenders floor so that both kinds' domains may import it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select

from tender import audit
from tender.audit import AuditEvent
from tender.errors import DomainError
from tender.extensions import db
from tender.tenders.models import OPENING_ROLES, Role, Tender
from tender.web.transactions import keep


def _no_precondition(tender: Tender) -> str | None:
    return None


@dataclass(frozen=True)
class OpeningKind:
    """One kind of sealed delivery's opening: its tables, rule, deadline, words and delivered items."""

    #: the confirmation model (tender_id, user_id, user_name, confirmed_at, user)
    confirmation: Any
    #: the opening model (tender_id, opened_at, opened_by_id, opened_by_name, persons_required, record_json)
    opening: Any
    #: whether a user holds the right to confirm at a moment: (user, tender, at) -> bool
    right: Callable[[Any, Tender, datetime], bool]
    #: the deadline after which the opening may happen
    deadline: Callable[[Tender], datetime | None]
    #: the delivered items, for the record: vendor, organisasjonsnummer, submitted_at, receipt_sha256
    items: Callable[[Tender], list[dict[str, Any]]]
    #: the record's key for the items ("bids", "requests")
    items_key: str
    #: the audit events: a confirmation, its withdrawal, the opening
    confirmed_event: str
    withdrawn_event: str
    opened_event: str
    #: the audit event of a refused late attempt, whose payload names the vendor by organisasjonsnummer
    late_event: str
    #: "tilbudene", "forespørslene": what is opened, in the messages
    what: str
    #: "tilbudsfristen", ...: the deadline, in the messages
    deadline_name: str
    #: why the opening cannot happen yet besides the deadline (e.g. the evaluation model is not locked)
    precondition: Callable[[Tender], str | None] = field(default=_no_precondition)
    #: the columns that, besides ``tender_id``, say which opening of the tender this is (the bids': the
    #: round, ``{"round_no": n}``); the confirmation and opening models carry them, and late attempts are
    #: counted for the opening whose values their payload carries (a payload without them: the first)
    scope: Callable[[Tender], dict[str, Any]] = field(default=lambda tender: {})

    @property
    def What(self) -> str:  # noqa: N802 - the capitalised word, as the messages begin with it
        return self.what[:1].upper() + self.what[1:]


@dataclass(frozen=True)
class OpeningStatus:
    """Where the opening stands for the page: who has confirmed, and who may give the next confirmation."""

    persons_required: int
    confirmations: list[Any]
    #: members who may give the confirmation still needed (empty once the opening is done)
    may_confirm: list[Any]

    @property
    def missing(self) -> int:
        return max(self.persons_required - len(self.confirmations), 0)


def _scoped(kind: OpeningKind, model: Any, tender: Tender) -> list[Any]:
    return [model.tender_id == tender.id] + [getattr(model, k) == v for k, v in kind.scope(tender).items()]


def opening_of(kind: OpeningKind, tender: Tender) -> Any | None:
    return db.session.scalar(select(kind.opening).where(*_scoped(kind, kind.opening, tender)))


def deadline_passed(kind: OpeningKind, tender: Tender, at: datetime) -> bool:
    deadline = kind.deadline(tender)
    return deadline is not None and at >= deadline


def opening_confirmations(kind: OpeningKind, tender: Tender) -> list[Any]:
    model = kind.confirmation
    return list(
        db.session.scalars(
            select(model).where(*_scoped(kind, model, tender)).order_by(model.confirmed_at, model.id)
        )
    )


def _is_lead(tender: Tender, user: Any) -> bool:
    return Role.LEAD in tender.roles_of(user)


def valid_confirmations(kind: OpeningKind, tender: Tender, at: datetime) -> list[Any]:
    # A confirmation counts only while its giver still holds the opening right.
    return [
        c
        for c in opening_confirmations(kind, tender)
        if c.user is not None and kind.right(c.user, tender, at)
    ]


def _may_complete(kind: OpeningKind, tender: Tender, given: list[Any], user: Any, at: datetime) -> str | None:
    """Why ``user`` may not give the next confirmation (None when they may)."""
    if not kind.right(user, tender, at):
        return f"Du har ikke rett til å åpne {kind.what} i denne konkurransen."
    if any(c.user_id == user.id for c in given):
        return (
            "Du har allerede bekreftet åpningen. En annen i anskaffelsesgruppen må bekrefte fra sin egen "
            "innlogging."
        )
    if tender.opening_persons == 1 and not _is_lead(tender, user):
        return f"Når én person åpner {kind.what}, må det være prosjektleder."
    if (
        tender.opening_persons == 2
        and given
        and not _is_lead(tender, user)
        and not any(_is_lead(tender, c.user) for c in given)
    ):
        return (
            f"Minst én av de to som åpner {kind.what}, må være prosjektleder; nå må prosjektleder bekrefte."
        )
    return None


def opening_status(kind: OpeningKind, tender: Tender, at: datetime) -> OpeningStatus:
    given = valid_confirmations(kind, tender, at)
    members = {m.user.id: m.user for m in tender.memberships if m.role in OPENING_ROLES}
    opened = opening_of(kind, tender) is not None
    may = [
        u
        for u in sorted(members.values(), key=lambda u: u.name)
        if not opened and _may_complete(kind, tender, given, u, at) is None
    ]
    return OpeningStatus(tender.opening_persons, given, may)


def confirm_opening(kind: OpeningKind, tender: Tender, *, at: datetime, actor: Any) -> Any | None:
    """One member's confirmation of the opening; the last one the tender's setting asks for opens (the
    opening is returned), earlier ones are recorded and wait (None)."""
    # Two confirmations at the same moment must not both see the other missing: one waits for the other here.
    db.session.execute(select(Tender.id).where(Tender.id == tender.id).with_for_update())
    if not deadline_passed(kind, tender, at):
        raise DomainError(f"{kind.What} kan ikke åpnes før {kind.deadline_name} er ute.")
    if opening_of(kind, tender) is not None:
        raise DomainError(f"{kind.What} er allerede åpnet.")
    if (why := kind.precondition(tender)) is not None:
        raise DomainError(why)
    given = valid_confirmations(kind, tender, at)
    if (why := _may_complete(kind, tender, given, actor, at)) is not None:
        raise DomainError(why)
    confirmation = kind.confirmation(
        tender_id=tender.id, user_id=actor.id, user_name=actor.name, confirmed_at=at, **kind.scope(tender)
    )
    db.session.add(confirmation)
    db.session.flush()
    given.append(confirmation)
    audit.record(
        kind.confirmed_event,
        confirmation,
        actor=actor,
        payload={
            "at": at.isoformat(),
            "persons_required": tender.opening_persons,
            "confirmations": len(given),
        },
    )
    if len(given) < tender.opening_persons:
        return None
    return _open(kind, tender, given, at=at, actor=actor)


def withdraw_opening_confirmation(kind: OpeningKind, tender: Tender, *, at: datetime, actor: Any) -> None:
    """Take one's own confirmation back while the opening is not yet done."""
    db.session.execute(select(Tender.id).where(Tender.id == tender.id).with_for_update())
    if opening_of(kind, tender) is not None:
        raise DomainError(f"{kind.What} er allerede åpnet; bekreftelsen kan ikke trekkes tilbake.")
    model = kind.confirmation
    mine = db.session.scalar(select(model).where(*_scoped(kind, model, tender), model.user_id == actor.id))
    if mine is None:
        raise DomainError("Du har ingen bekreftelse å trekke tilbake.")
    confirmed_at = mine.confirmed_at
    db.session.delete(mine)
    db.session.flush()
    audit.record(
        kind.withdrawn_event,
        tender,
        actor=actor,
        payload={"at": at.isoformat(), "confirmed_at": confirmed_at.isoformat()},
    )


def late_attempts(kind: OpeningKind, tender: Tender) -> list[dict[str, Any]]:
    """Every refused late attempt of the tender, from its audit trail, oldest first."""
    names = {v.organisasjonsnummer: v.name for v in tender.participating_vendors}
    events = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.tender_id == tender.id, AuditEvent.event_type == kind.late_event)
        .order_by(AuditEvent.seq)
    )
    scope = kind.scope(tender)
    found = []
    for e in events:
        if any(e.payload.get(k, 1) != v for k, v in scope.items()):
            continue
        orgnr = e.payload.get("vendor") or e.payload.get("organisasjonsnummer")
        found.append(
            {
                "vendor": names.get(orgnr, ""),
                "organisasjonsnummer": orgnr,
                "action": e.payload.get("action"),
                "at": e.payload.get("at") or e.occurred_at.isoformat(),
            }
        )
    return found


def _open(kind: OpeningKind, tender: Tender, given: list[Any], *, at: datetime, actor: Any) -> Any:
    items = kind.items(tender)
    people = [
        {
            "name": c.user_name,
            "user_id": c.user_id,
            "confirmed_at": c.confirmed_at.isoformat(),
            "roles": sorted(r.value for r in tender.roles_of(c.user) & OPENING_ROLES),
        }
        for c in given
    ]
    record = {
        "opened_at": at.isoformat(),
        "persons_required": tender.opening_persons,
        "opened_by": people,
        kind.items_key: items,
        "late_attempts": late_attempts(kind, tender),
    }
    opening = kind.opening(
        tender_id=tender.id,
        opened_at=at,
        opened_by_id=getattr(actor, "id", None),
        opened_by_name=" og ".join(p["name"] for p in people)[:120],
        persons_required=tender.opening_persons,
        record_json=json.dumps(record, ensure_ascii=False, sort_keys=True),
        **kind.scope(tender),
    )
    db.session.add(opening)
    db.session.flush()
    audit.record(
        kind.opened_event,
        opening,
        actor=actor,
        payload={
            kind.items_key: items,
            "at": at.isoformat(),
            "opened_by": [p["name"] for p in people],
            "persons_required": tender.opening_persons,
            "late_attempts": len(record["late_attempts"]),
        },
    )
    return opening


# -- the record as a page shows it ---------------------------------------------------------------------------
ROLE_LABELS = {"lead": "prosjektleder", "evaluator": "evaluator", "observer": "observatør"}


def _when(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def people_of(raw: dict[str, Any]) -> list[dict[str, Any]]:
    """The record's confirming people, with times as datetimes and their roles in words."""
    return [
        {
            **p,
            "confirmed_at": _when(p.get("confirmed_at")),
            "roles": ", ".join(label for r, label in ROLE_LABELS.items() if r in p.get("roles", [])),
        }
        for p in raw.get("opened_by", [])
    ]


def items_of(raw: dict[str, Any], key: str) -> list[dict[str, Any]]:
    return [{**b, "submitted_at": _when(b.get("submitted_at"))} for b in raw.get(key, [])]


def late_of(raw: dict[str, Any], actions: dict[str, str]) -> list[dict[str, Any]]:
    return [
        {
            **a,
            "at": _when(a.get("at")),
            "action": actions.get(a.get("action") or "", f"annen handling ({a.get('action')})"),
        }
        for a in raw.get("late_attempts", [])
    ]


# -- late attempts -------------------------------------------------------------------------------------------
# A change after its deadline (a bid, a request to take part, a clarification's answer) is refused, rolled
# back, and yet kept in the trail: the opening record lists the late attempts, so they must survive the
# rollback. The three kinds share the refusal's class, its words and the trail's shape here.


class LateAttempt(DomainError):
    """A change after its deadline: refused; the caller keeps the attempt in the trail (:func:`keep_late`)
    while the refused change is rolled back."""


def too_late(deadline: str, what: str, verbs: str = "endres eller leveres") -> str:
    """The refusal in words: "<deadline> er ute. <what> kan ikke <verbs>."."""
    return f"{deadline} er ute. {what} kan ikke {verbs}."


def record_late_attempt(
    event: str,
    subject: Any,
    *,
    at: datetime,
    deadline: datetime | None,
    actor: Any,
    tender_id: int | None = None,
    **details: Any,
) -> None:
    """Log a refused late attempt (after the refused change was rolled back): ``details`` (who, what) first,
    then when it was tried and the deadline it missed."""
    audit.record(
        event,
        subject,
        tender_id=tender_id,
        actor=actor,
        payload={
            **details,
            "at": at.isoformat(),
            "deadline": deadline.isoformat() if deadline is not None else None,
        },
    )


def keep_late(error: BaseException, record: Callable[[], object]) -> bool:
    """Whether ``error`` refused a late attempt; if so, ``record`` (which logs it) is kept in the trail
    although the request's transaction is rolled back."""
    if not isinstance(error, LateAttempt):
        return False
    keep(record)
    return True
