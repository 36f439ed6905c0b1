"""The append-only, hash-chained audit trail every operation writes to.

``record()`` files an event in the caller's transaction; the event joins the chain when that transaction
commits. Chaining takes the single ``audit_head`` row (an ``UPDATE … RETURNING``, whose row lock serialises
concurrent writers on PostgreSQL; SQLite's writing transactions hold the database's write lock anyway), so two
transactions can never chain onto the same predecessor and the chain stays strictly linear.

The head is taken as late as possible, so that concurrent requests wait on it only for the few statements
that append and commit, not for the rest of their work (issue 17: 50 evaluators saving at once queued on it):

- ``record()`` keeps the event in the session (``session.info``), with its time, actor and payload fixed;
- just before the commit (``before_commit``) the session's other writes are flushed, the head is taken, the
  events get their sequence numbers and hashes in the order they were recorded, are inserted, and the head
  is moved on; then the transaction commits and the lock is released;
- a query on the trail (``audit_event``/``audit_head``) in the same transaction appends the waiting events
  first, so a transaction always reads its own events; from then on it holds the head, and later events of
  that transaction are chained at once, as before;
- a rollback forgets the waiting events with everything else.

An event's ``occurred_at`` is when it was recorded; its ``seq`` is when its transaction committed, so two
concurrent transactions' events may be a few milliseconds out of time order in the chain.
"""

from __future__ import annotations

import getpass
import json
from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any

from flask import has_request_context
from flask_login import current_user
from sqlalchemy import (
    ColumnElement,
    ForeignKey,
    Integer,
    String,
    Text,
    TextClause,
    and_,
    cast,
    column,
    false,
    not_,
    or_,
    select,
    table,
    update,
)
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Mapped, ORMExecuteState, Session, SessionTransaction, mapped_column
from sqlalchemy.sql.util import find_tables

from tender.core.audit_chain import ChainedEvent, ChainReport, event_hash, payload_text, verify_chain
from tender.db_types import UTCDateTime, utcnow
from tender.extensions import db


class AuditHead(db.Model):  # type: ignore[name-defined,misc]
    """One row: the sequence number and hash of the newest event."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)
    last_hash: Mapped[str] = mapped_column(String(64))


class AuditEvent(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: position in the chain, 1, 2, 3, ... without gaps
    seq: Mapped[int] = mapped_column(Integer, unique=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    #: who it was in words at the time (e-mail, or "cli:<os user>"), kept when the user is gone
    actor_label: Mapped[str] = mapped_column(String(300))
    #: dotted event name, e.g. "membership.added"
    event_type: Mapped[str] = mapped_column(String(80), index=True)
    object_type: Mapped[str | None] = mapped_column(String(80), index=True)
    object_id: Mapped[str | None] = mapped_column(String(80))
    tender_id: Mapped[int | None] = mapped_column(ForeignKey("tender.id", ondelete="SET NULL"), index=True)
    #: canonical JSON text; the hash is computed over exactly this text
    payload_json: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    @property
    def payload(self) -> dict[str, Any]:
        value = json.loads(self.payload_json)
        return value if isinstance(value, dict) else {"value": value}


def _actor(actor: Any) -> tuple[int | None, str]:
    if actor is None and has_request_context() and current_user.is_authenticated:
        actor = current_user
    if actor is not None:
        return actor.id, actor.email
    try:
        who = getpass.getuser()
    except (KeyError, OSError):
        who = "ukjent"
    return None, f"cli:{who}"


def record(
    event_type: str,
    obj: Any = None,
    *,
    payload: Mapping[str, Any] | None = None,
    tender_id: int | None = None,
    actor: Any = None,
    object_type: str | None = None,
    object_id: str | int | None = None,
) -> AuditEvent:
    """Append one event to the trail within the current transaction (the caller commits); it is chained
    when the transaction commits (see the module's text), so its ``seq`` and ``hash`` are set then.

    ``obj`` is the object the event is about; its table name and id become the object reference, and
    its ``tender_id`` (or its own id, for a tender) the tender the event is filed under.
    """
    if obj is not None:
        db.session.flush()
        object_type = object_type or obj.__tablename__
        object_id = object_id if object_id is not None else obj.id
        if tender_id is None:
            tender_id = obj.id if obj.__tablename__ == "tender" else getattr(obj, "tender_id", None)
    actor_id, actor_label = _actor(actor)
    event = AuditEvent(
        occurred_at=utcnow(),
        actor_id=actor_id,
        actor_label=actor_label,
        event_type=event_type,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        tender_id=tender_id,
        payload_json=payload_text(payload),
    )
    session = db.session()
    if session.get_transaction() is None:
        session.connection()  # begin now: the waiting event belongs to a transaction, and ends with it
    if session.info.get(_HEAD_HELD):
        _append(session, [event])  # this transaction holds the head already: chain at once
    else:
        session.info.setdefault(_WAITING, []).append(event)
    return event


#: ``session.info`` keys: the events recorded in the transaction that wait for its commit, and whether the
#: transaction has taken the chain's head (then its further events are chained at once)
_WAITING = "audit_waiting"
_HEAD_HELD = "audit_head_held"
_TRAIL_TABLES = frozenset({"audit_event", "audit_head"})


def _append(session: Session, events: list[AuditEvent]) -> None:
    """Chain ``events`` in order onto the head and add them to the session: one ``UPDATE … RETURNING`` takes
    the head row (flushing the session's other writes first), one moves it on after the inserts."""
    first_seq, prev_hash = session.execute(
        update(AuditHead)
        .where(AuditHead.id == 1)
        .values(seq=AuditHead.seq + len(events))
        .returning(AuditHead.seq - len(events) + 1, AuditHead.last_hash)
    ).one()
    session.info[_HEAD_HELD] = True
    for n, ev in enumerate(events):
        ev.seq = first_seq + n
        ev.prev_hash = prev_hash
        ev.hash = prev_hash = event_hash(**_linked(ev))
        session.add(ev)
    session.execute(update(AuditHead).where(AuditHead.id == 1).values(last_hash=prev_hash))


def _linked(ev: AuditEvent) -> dict[str, Any]:
    """What an event's hash covers (``event_hash``'s arguments), read off the row."""
    return {
        "seq": ev.seq,
        "occurred_at": ev.occurred_at,
        "actor_id": ev.actor_id,
        "actor_label": ev.actor_label,
        "event_type": ev.event_type,
        "object_type": ev.object_type,
        "object_id": ev.object_id,
        "tender_id": ev.tender_id,
        "payload_json": ev.payload_json,
        "prev_hash": ev.prev_hash,
    }


def _append_waiting(session: Session) -> None:
    waiting = session.info.pop(_WAITING, None)
    if waiting:
        _append(session, waiting)


@sa_event.listens_for(Session, "before_commit")
def _chain_before_commit(session: Session) -> None:
    _append_waiting(session)


@sa_event.listens_for(Session, "do_orm_execute")
def _chain_before_reading_the_trail(state: ORMExecuteState) -> None:
    # A transaction reads its own events: whatever asks about the trail sees the waiting ones chained.
    if state.session.info.get(_WAITING) and _reads_trail(state.statement):
        _append_waiting(state.session)


@sa_event.listens_for(Session, "after_transaction_end")
def _forget(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # the session's transaction ended (committed, rolled back or closed)
        session.info.pop(_WAITING, None)
        session.info.pop(_HEAD_HELD, None)


def _reads_trail(statement: Any) -> bool:
    if isinstance(statement, TextClause):
        return "audit_" in statement.text
    try:
        tables = find_tables(statement, include_aliases=True, include_joins=True, include_crud=True)
    except Exception:  # noqa: BLE001 - when in doubt, chain now: correct, only earlier
        return True
    return any(getattr(t, "name", None) in _TRAIL_TABLES for t in tables)


def _chained(batch_size: int = 2000) -> Iterator[ChainedEvent]:
    # Streamed in batches (a server-side cursor on PostgreSQL) so a long trail is checked in constant memory.
    stmt = select(AuditEvent).order_by(AuditEvent.seq).execution_options(yield_per=batch_size)
    result = db.session.scalars(stmt)
    try:
        for ev in result:
            yield ChainedEvent(**_linked(ev), hash=ev.hash)
    finally:
        result.close()  # verification may stop at the first broken link: close the cursor now, not at GC


def verify() -> ChainReport:
    """Check the whole stored chain against its head."""
    head = db.session.get(AuditHead, 1)
    if head is None:
        return ChainReport(False, 0, "kjedens hode (audit_head) mangler")
    events = _chained()
    try:
        return verify_chain(events, head.seq, head.last_hash)
    finally:
        events.close()


# -- what the procurement group may see before the opening ---------------------------------------------------
#: event types that are about a bid, a Noark sample or a vendor's own people, whoever recorded them (a vendor
#: user, the validation worker, the operator's CLI, a person on the public announcement page who is not logged
#: in): every ``bid.*`` event (drafts, attachments, submission, late attempts), every ``noark.*`` event, and
#: every step of a vendor's registration and of its users coming in, except the group's own events in
#: :data:`GROUP_EVENTS`
SEALED_EVENT_PREFIXES = ("bid.", "bids.", "sample.", "noark.", "vendor_registration.", "vendor_user.")
#: the group's own acts under those names: the lead's configuration of the minimum requirements, and the
#: confirmations of the opening (they tell nothing of a bid, and the group must see who has confirmed)
GROUP_EVENTS = (
    "noark.requirement_linked",
    "noark.requirement_unlinked",
    "bids.opening_confirmed",
    "bids.opening_confirmation_withdrawn",
)
#: object types (table names) that belong to bids, samples and a vendor's registration and users
SEALED_OBJECT_PREFIXES = (
    "bid",
    "noark_sample",
    "sample",
    "noark_requirement_confirmation",
    "vendor_registration",
    "vendor_user",
)
#: a vendor user's role being given: only the vendor's own registration, its administrator's approval or the
#: operator's command line do that (issue 9 point 1), so it is the vendor's activity whoever the actor is
VENDOR_MEMBERSHIP = ("membership.added", '"role":"vendor"')


#: a request to take part (prequalification) is sealed until the REQUESTS are opened, which comes before the
#: bids' opening: every ``request.*`` event (drafts, documents, ESPD, submission, late attempts) whoever
#: recorded it, every event filed under a request's own tables, and every event whose payload names a request
#: (the clarifications and their answers)
REQUEST_EVENT_PREFIXES = ("request.",)
REQUEST_OBJECT_TYPES = ("participation_request", "request_document", "request_reference", "clarification")
REQUEST_PAYLOAD_KEYS = ('"request":', '"request_id":')


def request_activity(tender_id: int) -> ColumnElement[bool]:
    """An SQL condition, true for the events (of ``tender_id``) about a request to take part: what the group
    must not see before the requests are opened. Never NULL, like :func:`vendor_activity`."""
    return or_(
        false(),
        *(AuditEvent.event_type.startswith(p, autoescape=True) for p in REQUEST_EVENT_PREFIXES),
        and_(AuditEvent.object_type.is_not(None), AuditEvent.object_type.in_(REQUEST_OBJECT_TYPES)),
        *(AuditEvent.payload_json.contains(k, autoescape=True) for k in REQUEST_PAYLOAD_KEYS),
    )


def vendor_activity(tender_id: int, *, requests_opened: bool = False) -> ColumnElement[bool]:
    """An SQL condition, true for the events of ``tender_id`` the procurement group must not see before
    the opening: everything a vendor user of the tender (now, or before their role was removed) did, and every
    event about a bid or a sample; and every event about a request to take part (:func:`request_activity`)
    unless ``requests_opened``, which takes them out (the requests are opened before the bids).

    Three independent tests, so an event is hidden when any one of them says so: a new kind of bid or sample
    event recorded by the worker is caught by its name or object, a new kind of vendor action (a new page) by
    its actor. A vendor's registration and its users coming in are caught by name and object too, since their
    actor is often no vendor user (yet): a person on the announcement page, a colleague still waiting for
    approval, or the operator's command line. The group's own acts under those names (:data:`GROUP_EVENTS`)
    stay visible. The condition is never NULL (a NULL actor or object type counts as "no"), so
    ``not_(vendor_activity(...))`` keeps every other event.
    """
    # the membership table by name, not the tenders model: the trail is the floor every domain writes to
    membership = table("membership", column("user_id"), column("tender_id"), column("role"))
    vendor_users = select(membership.c.user_id).where(
        membership.c.tender_id == tender_id, cast(membership.c.role, String) == "vendor"
    )
    # A vendor user whose role was taken away keeps their past hidden: the removal event names them.
    removed = db.session.scalars(
        select(AuditEvent.payload_json).where(
            AuditEvent.tender_id == tender_id,
            AuditEvent.event_type == "membership.removed",
            AuditEvent.payload_json.contains('"role":"vendor"', autoescape=True),
        )
    ).all()
    former = sorted(
        {str(p["user"]) for p in map(json.loads, removed) if isinstance(p, dict) and p.get("user")}
    )
    group_event = AuditEvent.event_type.in_(GROUP_EVENTS)
    by_type = or_(*(AuditEvent.event_type.startswith(p, autoescape=True) for p in SEALED_EVENT_PREFIXES))
    by_type = and_(by_type, not_(group_event))
    by_object = and_(
        AuditEvent.object_type.is_not(None),
        not_(group_event),
        or_(*(AuditEvent.object_type.startswith(p, autoescape=True) for p in SEALED_OBJECT_PREFIXES)),
    )
    by_type = or_(
        by_type,
        and_(
            AuditEvent.event_type == VENDOR_MEMBERSHIP[0],
            AuditEvent.payload_json.contains(VENDOR_MEMBERSHIP[1], autoescape=True),
        ),
    )
    by_actor = or_(
        and_(AuditEvent.actor_id.is_not(None), AuditEvent.actor_id.in_(vendor_users)),
        AuditEvent.actor_label.in_(former) if former else false(),
    )
    bid_side = or_(false(), by_type, by_object, by_actor)
    # Before the requests are opened their events are hidden with the rest; once opened (the bids still
    # sealed), the group sees the requests' events and still nothing else a vendor did.
    if requests_opened:
        return and_(bid_side, not_(request_activity(tender_id)))
    return or_(bid_side, request_activity(tender_id))


def sealed_activity(
    tender_id: int, *, bids_opened: bool, requests_opened: bool, has_requests: bool = True
) -> ColumnElement[bool] | None:
    """The events the group may not see now (None: nothing is hidden): before the bids' opening every vendor
    event (:func:`vendor_activity`), and, in a tender with a prequalification (``has_requests``), the
    requests' events until the requests are opened."""
    if not has_requests:  # no requests to take part: the bids' seal alone, as it always was
        return None if bids_opened else vendor_activity(tender_id)
    if not bids_opened:
        return vendor_activity(tender_id, requests_opened=requests_opened)
    if not requests_opened:
        return request_activity(tender_id)
    return None
