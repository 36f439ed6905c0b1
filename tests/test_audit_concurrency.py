"""The audit chain under real concurrent transactions (issue 17): events are chained at commit, so writers
hold the chain's head only for the commit, and the chain never forks.

Each test runs on a database of its own (commits are real, from several threads), on the backend under test;
the test that shows the head is taken late needs PostgreSQL's row locks (SQLite's writers hold the whole
database's write lock from their first statement)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import func, select, text

from tests.conftest import BACKEND, dispose, make_app, migrate


@pytest.fixture
def own_app(app: Any, database_factory: Any, tmp_path: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    # ``app`` (the suite's app) is asked for so that the PostgreSQL run selects these tests
    application = make_app(database_factory(f"audit_{request.node.name[:40].lower()}"), tmp_path)
    migrate(application)
    yield application
    dispose(application)


def _stored(app: Any) -> list[Any]:
    from tender.audit import AuditEvent
    from tender.extensions import db

    with app.app_context():
        try:
            return list(db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq)))
        finally:
            db.session.remove()


def _verified(app: Any) -> Any:
    from tender import audit
    from tender.extensions import db

    with app.app_context():
        try:
            return audit.verify()
        finally:
            db.session.remove()


def test_many_threads_appending_at_once_make_one_unbroken_chain_with_every_committed_event(own_app):
    """Eight threads, each committing 15 transactions of one to three events, with work between the record
    and the commit; some transactions read the trail before they commit (they then hold the head early) and
    some roll back. Every committed event is in the chain exactly once, the rolled back ones are not, the
    sequence has no gap and ``verify`` finds the chain intact."""
    from tender import audit
    from tender.audit import AuditEvent
    from tender.extensions import db

    threads, rounds = 8, 15
    barrier = threading.Barrier(threads)
    committed: list[str] = []
    rolled_back: list[str] = []
    failures: list[BaseException] = []
    lock = threading.Lock()

    def work(t: int) -> None:
        try:
            with own_app.app_context():
                barrier.wait()
                for r in range(rounds):
                    names = [f"t{t}-r{r}-e{e}" for e in range(1 + (t + r) % 3)]
                    for name in names:
                        audit.record("test.concurrent", payload={"name": name})
                    if r % 4 == 1:  # reads its own events before the commit: chained there, visible
                        mine = db.session.scalars(
                            select(AuditEvent.payload_json).where(AuditEvent.event_type == "test.concurrent")
                        ).all()
                        assert all(any(f'"{n}"' in p for p in mine) for n in names)
                    db.session.execute(text("SELECT 1"))  # the rest of a request's work
                    if r % 5 == 3:
                        db.session.rollback()
                        with lock:
                            rolled_back.extend(names)
                    else:
                        db.session.commit()
                        with lock:
                            committed.extend(names)
                db.session.remove()
        except BaseException as exc:  # noqa: BLE001 - reported below
            failures.append(exc)

    workers = [threading.Thread(target=work, args=(t,)) for t in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=300)
    assert not failures, failures
    assert not any(w.is_alive() for w in workers)

    events = _stored(own_app)
    names = [e.payload["name"] for e in events if e.event_type == "test.concurrent"]
    assert sorted(names) == sorted(committed)
    assert not set(names) & set(rolled_back)
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert len({e.prev_hash for e in events}) == len(events)  # no two events chained onto one predecessor
    report = _verified(own_app)
    assert report.intact, report.problem
    assert report.events_checked == len(events)


@pytest.mark.skipif(BACKEND != "postgresql", reason="row locks: PostgreSQL only")
def test_a_transaction_that_recorded_an_event_does_not_hold_the_head_until_it_commits(own_app):
    """A records an event and keeps working; meanwhile B records and commits. With the head taken when A
    recorded (the earlier design), B would wait for A's commit and this test would time out."""
    from tender import audit
    from tender.extensions import db

    a_recorded, b_done = threading.Event(), threading.Event()
    failures: list[BaseException] = []

    def a() -> None:
        try:
            with own_app.app_context():
                audit.record("test.first", payload={"who": "A"})
                db.session.execute(text("SELECT 1"))
                a_recorded.set()
                assert b_done.wait(timeout=30), "B waited on A's transaction"
                db.session.commit()
                db.session.remove()
        except BaseException as exc:  # noqa: BLE001
            failures.append(exc)
            a_recorded.set()

    def b() -> None:
        try:
            with own_app.app_context():
                assert a_recorded.wait(timeout=30)
                audit.record("test.second", payload={"who": "B"})
                db.session.commit()
                db.session.remove()
                b_done.set()
        except BaseException as exc:  # noqa: BLE001
            failures.append(exc)

    threads = [threading.Thread(target=a), threading.Thread(target=b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not failures, failures
    events = _stored(own_app)
    # B committed first, so B is chained first although A recorded first
    assert [e.event_type for e in events] == ["test.second", "test.first"]
    assert _verified(own_app).intact


def test_an_event_waiting_for_the_commit_is_seen_by_its_own_transaction_and_forgotten_on_rollback(own_app):
    from tender import audit
    from tender.audit import AuditEvent, AuditHead
    from tender.extensions import db

    with own_app.app_context():
        event = audit.record("test.mine", payload={"n": 1})
        assert event.seq is None  # not chained yet: no head taken
        found = db.session.scalars(select(AuditEvent).where(AuditEvent.event_type == "test.mine")).all()
        assert [e.seq for e in found] == [1]
        later = audit.record("test.mine", payload={"n": 2})  # the transaction holds the head now
        assert later.seq == 2
        db.session.commit()

        audit.record("test.gone", payload={"n": 3})
        db.session.rollback()
        db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 2
        assert db.session.get(AuditHead, 1).seq == 2

        # raw SQL on the trail sees the waiting event too
        audit.record("test.raw", payload={"n": 4})
        assert db.session.execute(text("SELECT count(*) FROM audit_event")).scalar() == 3
        db.session.commit()
        db.session.remove()
    assert _verified(own_app).intact
