"""The Noark worker meets a conflict while it records a validation's result (issue 17): it writes again, with
a short pause, and the validation ends "done" with its real result; a conflict that outlasts the retries
ends in a clear failure that says to try again, in one log line without secrets.

Provoked for real on the engine under test, as in tests/test_conflicts.py (no mock of the database): on
PostgreSQL another connection holds the audit chain's head (which the result's commit takes) past a short
``lock_timeout``, or closes a deadlock with it; on SQLite another connection holds the write lock past a
short busy timeout. The worker runs in a thread of the test, as a Huey consumer thread runs it
(``tender.noark.tasks``: the task calls :func:`tender.noark.operations.run_validation` in the app's context).
Each test has a database of its own, since the worker commits.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url

from tests.conftest import BACKEND, dispose, make_app, migrate
from tests.test_noark_tasks import QueueWorld, sample_row, upload, zipped_extract

postgresql_only = pytest.mark.skipif(BACKEND != "postgresql", reason="PostgreSQL's row locks")
sqlite_only = pytest.mark.skipif(BACKEND != "sqlite", reason="SQLite's busy timeout")

RETRYING = "prøver på nytt"
GIVEN_UP = "kunne ikke lagres: konflikt i databasen"


@pytest.fixture
def make_world(
    app: Any, database_factory: Callable[[str], str], tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[Callable[..., QueueWorld]]:
    """A database of its own with a published tender, a vendor and its user (``app`` is asked for so that
    the PostgreSQL run selects these tests)."""
    from datetime import timedelta

    made: list[Any] = []

    def make(**config: Any) -> QueueWorld:
        from tender.auth import operations as auth_ops
        from tender.db_types import utcnow
        from tender.extensions import db
        from tender.requirements import operations as spec_ops
        from tender.tenders import operations as tender_ops
        from tender.tenders.models import Procedure
        from tender.vendors import operations as vendor_ops
        from tests.test_noark_web import minimal_spec

        url = database_factory(f"noark_conflict_{request.node.name[:30].lower()}")
        instance = tmp_path / "instance"
        application = make_app(url, instance, **config)
        migrate(application)
        made.append(application)
        with application.app_context():
            lead = auth_ops.create_user("leder@example.no", "Lena Leder", password="x" * 12)
            seller = auth_ops.create_user("selger@example.no", "Selma Selger", password="x" * 12)
            tender = tender_ops.create_tender(
                title="Kø-test",
                case_reference="2026/9",
                lead=lead,
                procedure=Procedure.COMPETITIVE_NEGOTIATION,
                bid_deadline=utcnow() + timedelta(days=365),
            )
            spec_ops.replace_draft(tender, minimal_spec(), actor=lead, origin="test")
            spec_ops.publish(tender, spec_ops.freeze_version(tender, actor=lead), actor=lead)
            vendor = tender_ops.register_vendor(
                tender, name="Leverandør AS", organisasjonsnummer="974760673", actor=lead
            )
            vendor_ops.add_vendor_user_by_operator(tender, vendor, seller)
            db.session.commit()
            world = QueueWorld(url, instance, application, tender.id, vendor.id, seller.id)
            db.session.remove()
        return world

    yield make
    for application in made:
        dispose(application)


def _run_worker(world: QueueWorld, sample_id: int) -> tuple[threading.Thread, dict[str, Any]]:
    """Run the sample's validation as the queue's task does, in a thread."""
    from tender.noark.operations import run_validation

    result: dict[str, Any] = {}

    def run() -> None:
        try:
            with world.app.app_context():
                run_validation(sample_id)
        except BaseException as error:  # noqa: BLE001 - handed to the test's thread
            result["error"] = error

    thread = threading.Thread(target=run, name=f"noark-worker-{sample_id}")
    thread.start()
    return thread, result


def _wait_for_log(caplog: pytest.LogCaptureFixture, words: str, thread: threading.Thread) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if any(words in r.getMessage() for r in caplog.records):
            return
        assert thread.is_alive(), f"the worker ended without logging «{words}»: {caplog.text}"
        time.sleep(0.01)
    raise AssertionError(f"no «{words}» in the log: {caplog.text}")


def _finished_events(world: QueueWorld) -> list[dict[str, Any]]:
    from tender import audit
    from tender.extensions import db

    with world.app.app_context():
        events = db.session.scalars(
            select(audit.AuditEvent)
            .where(audit.AuditEvent.event_type == "noark.validation_finished")
            .order_by(audit.AuditEvent.seq)
        ).all()
        payloads = [e.payload for e in events]
        db.session.remove()
    return payloads


def _assert_done_with_its_result(world: QueueWorld, sample_id: int) -> None:
    """The validation ended "done" with the result of the file (a valid extract) and its report stored, one
    event in a whole audit chain."""
    from tender.noark.models import SampleStatus, Verdict
    from tender.noark.operations import report_path

    sample = sample_row(world.app, sample_id)
    assert sample.status is SampleStatus.DONE, sample.problem
    assert sample.verdict is Verdict.VALID and sample.error_count == 0 and sample.problem == ""
    assert sample.progress_percent == 100 and sample.finished_at is not None
    summary = json.loads(sample.summary_json)
    assert summary and all(c["status"] != "fail" for c in summary), summary
    with world.app.app_context():
        report = json.loads(report_path(sample).read_text(encoding="utf-8"))
    assert report["verdict"]["valid"] is True and report["verdict"]["errors"] == 0
    [event] = _finished_events(world)
    assert event["status"] == "done" and event["verdict"] == "valid" and event["sha256"] == sample.sha256
    verified = world.app.test_cli_runner().invoke(args=["audit", "verify"])
    assert verified.exit_code == 0, verified.output


def _assert_failed_clearly(
    world: QueueWorld, sample_id: int, caplog: pytest.LogCaptureFixture, kind: str
) -> None:
    from tender.noark.models import SampleStatus

    sample = sample_row(world.app, sample_id)
    assert sample.status is SampleStatus.FAILED and sample.verdict is None
    assert sample.problem.startswith("Kontrollen ble gjort, men resultatet kunne ikke lagres"), sample.problem
    assert "Prøv igjen" in sample.problem and "(2 forsøk)" in sample.problem
    [event] = _finished_events(world)
    assert event == {"status": "failed", "error": "conflict", "conflict": kind, "attempts": 2}
    lines = [r for r in caplog.records if GIVEN_UP in r.getMessage()]
    assert len(lines) == 1 and lines[0].levelno == logging.WARNING and lines[0].exc_info is None
    assert f"Noark-prøve {sample_id}" in lines[0].getMessage() and f"({kind}, " in lines[0].getMessage()
    assert "Traceback" not in caplog.text and "UPDATE" not in caplog.text
    password = make_url(world.url).password
    assert not password or password not in caplog.text
    verified = world.app.test_cli_runner().invoke(args=["audit", "verify"])
    assert verified.exit_code == 0, verified.output


# -- PostgreSQL ----------------------------------------------------------------------------------------------
def _other_connection(world: QueueWorld) -> Any:
    import psycopg

    url = make_url(world.url).set(drivername="postgresql").render_as_string(hide_password=False)
    other = psycopg.connect(url)
    other.autocommit = True
    try:
        # this connection never runs the deadlock check first: the worker's does, and is the one ended
        other.execute("SET deadlock_timeout = '30s'")
    except psycopg.errors.InsufficientPrivilege:
        pass
    other.autocommit = False
    return other


def _wait_for_a_lock_wait(other: Any, thread: threading.Thread) -> None:
    from tests.test_conflicts import _wait_for_a_lock_wait as wait

    wait(other, thread, timeout=60)


@postgresql_only
def test_a_lock_timeout_while_the_result_is_recorded_is_waited_out_and_the_validation_is_done(
    make_world, tmp_path, caplog
) -> None:
    world = make_world(SQLALCHEMY_ENGINE_OPTIONS={"connect_args": {"options": "-c lock_timeout=300"}})
    sample_id = upload(world, world.app, zipped_extract(tmp_path), enqueue=False)
    caplog.set_level(logging.INFO, logger="tender")
    other = _other_connection(world)
    try:
        other.execute("UPDATE audit_head SET seq = seq WHERE id = 1")  # what the result's commit takes
        thread, result = _run_worker(world, sample_id)
        _wait_for_log(caplog, RETRYING, thread)
    finally:
        other.rollback()
        other.close()
    thread.join(timeout=60)
    assert not thread.is_alive() and "error" not in result, result
    retried = [r.getMessage() for r in caplog.records if RETRYING in r.getMessage()]
    assert retried and all("(lock timeout, 55P03)" in m and "resultatet" in m for m in retried), retried
    assert not any(GIVEN_UP in r.getMessage() for r in caplog.records)
    _assert_done_with_its_result(world, sample_id)


@postgresql_only
def test_a_deadlock_while_the_result_is_recorded_is_tried_again_and_the_validation_is_done(
    make_world, tmp_path, caplog
) -> None:
    """The worker's commit has written the sample's row and waits for the audit chain's head, which the other
    connection holds; the other then wants the sample's row. PostgreSQL ends the worker's transaction."""
    world = make_world()
    sample_id = upload(world, world.app, zipped_extract(tmp_path), enqueue=False)
    caplog.set_level(logging.INFO, logger="tender")
    other = _other_connection(world)
    try:
        other.execute("UPDATE audit_head SET seq = seq WHERE id = 1")
        thread, result = _run_worker(world, sample_id)
        _wait_for_a_lock_wait(other, thread)
        other.execute(
            "UPDATE noark_sample SET progress_percent = progress_percent WHERE id = %s", (sample_id,)
        )
        _wait_for_log(caplog, RETRYING, thread)
    finally:
        other.rollback()
        other.close()
    thread.join(timeout=60)
    assert not thread.is_alive() and "error" not in result, result
    retried = [r.getMessage() for r in caplog.records if RETRYING in r.getMessage()]
    assert len(retried) == 1 and "(deadlock, 40P01)" in retried[0], retried
    _assert_done_with_its_result(world, sample_id)


@postgresql_only
def test_a_lock_held_past_the_retries_fails_the_validation_with_a_message_to_try_again(
    make_world, tmp_path, caplog
) -> None:
    world = make_world(
        SQLALCHEMY_ENGINE_OPTIONS={"connect_args": {"options": "-c lock_timeout=1000"}},
        NOARK_RECORD_RETRIES=1,
    )
    sample_id = upload(world, world.app, zipped_extract(tmp_path), enqueue=False)
    caplog.set_level(logging.INFO, logger="tender")
    other = _other_connection(world)
    try:
        other.execute("UPDATE audit_head SET seq = seq WHERE id = 1")
        thread, result = _run_worker(world, sample_id)
        _wait_for_log(caplog, GIVEN_UP, thread)  # both attempts lost: now the failure is written
    finally:
        other.rollback()
        other.close()
    thread.join(timeout=60)
    assert not thread.is_alive() and "error" not in result, result
    _assert_failed_clearly(world, sample_id, caplog, "lock timeout")


# -- SQLite --------------------------------------------------------------------------------------------------
def _hold_the_write_lock_once_running(world: QueueWorld, sample_id: int, thread: threading.Thread) -> Any:
    """Another connection takes SQLite's write lock as soon as the worker has claimed the sample (the worker
    holds no transaction while it reads the file, so the lock is free then), before the result is written."""
    import sqlite3

    path = make_url(world.url).database
    other = sqlite3.connect(path, isolation_level=None, timeout=30)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        (status,) = other.execute("SELECT status FROM noark_sample WHERE id = ?", (sample_id,)).fetchone()
        if status == "running":
            other.execute("BEGIN IMMEDIATE")
            (status,) = other.execute("SELECT status FROM noark_sample WHERE id = ?", (sample_id,)).fetchone()
            assert status == "running", "the worker wrote its result before the lock could be taken"
            return other
        assert thread.is_alive(), "the worker ended before it claimed the sample"
        time.sleep(0.005)
    raise AssertionError("the worker never claimed the sample")


@sqlite_only
def test_the_write_lock_held_past_the_busy_timeout_is_waited_out_and_the_validation_is_done(
    make_world, tmp_path, caplog
) -> None:
    world = make_world(SQLALCHEMY_ENGINE_OPTIONS={"connect_args": {"timeout": 0.3}})
    sample_id = upload(world, world.app, zipped_extract(tmp_path, n_mapper=12), enqueue=False)
    caplog.set_level(logging.INFO, logger="tender")
    thread, result = _run_worker(world, sample_id)
    other = _hold_the_write_lock_once_running(world, sample_id, thread)
    try:
        _wait_for_log(caplog, f"resultatet for Noark-prøve {sample_id} skulle lagres: {RETRYING}", thread)
    finally:
        other.rollback()
        other.close()
    thread.join(timeout=60)
    assert not thread.is_alive() and "error" not in result, result
    retried = [
        r.getMessage()
        for r in caplog.records
        if "resultatet" in r.getMessage() and RETRYING in r.getMessage()
    ]
    assert retried and all("(lock timeout, SQLITE_BUSY)" in m for m in retried), retried
    assert not any(GIVEN_UP in r.getMessage() for r in caplog.records)
    _assert_done_with_its_result(world, sample_id)


@sqlite_only
def test_the_write_lock_held_past_the_retries_fails_the_validation_with_a_message_to_try_again(
    make_world, tmp_path, caplog
) -> None:
    world = make_world(SQLALCHEMY_ENGINE_OPTIONS={"connect_args": {"timeout": 0.3}}, NOARK_RECORD_RETRIES=1)
    sample_id = upload(world, world.app, zipped_extract(tmp_path, n_mapper=12), enqueue=False)
    caplog.set_level(logging.INFO, logger="tender")
    thread, result = _run_worker(world, sample_id)
    other = _hold_the_write_lock_once_running(world, sample_id, thread)
    try:
        _wait_for_log(caplog, GIVEN_UP, thread)
    finally:
        other.rollback()
        other.close()
    thread.join(timeout=60)
    assert not thread.is_alive() and "error" not in result, result
    _assert_failed_clearly(world, sample_id, caplog, "lock timeout")
