"""Conflicts are not outages (issue 17): a deadlock, a serialisation failure or a lock held past the timeout,
provoked for real on the engine under test (no mock of the database), get the conflict page (409, in
Norwegian, the user still logged in, nothing half-written, the audit chain whole), and a GET that meets one
is run again (tender/web/conflicts.py).

Each test has a database of its own: its commits are real, from a request in one thread and a second
connection in the test's own. PostgreSQL's tests run in the PostgreSQL run, SQLite's in the SQLite run.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url

from tests.conftest import BACKEND, PASSWORD, csrf_from, dispose, make_app, migrate

CONFLICT_TITLE = "Noen andre lagret samtidig"
SENT_NOTHING_SAVED = "Ingenting av det du sendte er lagret"
OUTAGE_TITLE = "midlertidig utilgjengelig"
LEAD_EMAIL = "lena.leder@example.no"

postgresql_only = pytest.mark.skipif(BACKEND != "postgresql", reason="PostgreSQL's row locks")
sqlite_only = pytest.mark.skipif(BACKEND != "sqlite", reason="SQLite's busy timeout")


@pytest.fixture
def make_own_app(
    app: Any, database_factory: Callable[[str], str], tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[Callable[..., Any]]:
    """An app on a database of its own, migrated, with a lead and a tender (``app``, the suite's app, is
    asked for so that the PostgreSQL run selects these tests)."""
    made: list[Any] = []

    def make(**config: Any) -> Any:
        url = database_factory(f"conflicts_{request.node.name[:40].lower()}")
        application = make_app(url, tmp_path / "instance", **config)
        application.config["DATABASE_URL_FOR_TEST"] = url
        migrate(application)
        made.append(application)
        from tender.auth import operations as auth_ops
        from tender.extensions import db
        from tender.tenders import operations
        from tender.tenders.models import Procedure

        with application.app_context():
            lead = auth_ops.create_user(LEAD_EMAIL, "Lena Leder", password=PASSWORD)
            tender = operations.create_tender(
                title="Felles sak-/arkivsystem",
                case_reference="2026/0001",
                procedure=Procedure.COMPETITIVE_NEGOTIATION,
                lead=lead,
            )
            db.session.commit()
            application.config["TENDER_ID_FOR_TEST"] = tender.id
            db.session.remove()
        return application

    yield make
    for application in made:
        dispose(application)


def _login(client: Any) -> None:
    token = csrf_from(client.get("/logg-inn").get_data(as_text=True))
    answer = client.post("/logg-inn", data={"csrf_token": token, "email": LEAD_EMAIL, "password": PASSWORD})
    assert answer.status_code == 302, answer.get_data(as_text=True)


def _edit_form(client: Any, tender_id: int, title: str) -> dict[str, str]:
    page = client.get(f"/konkurranser/{tender_id}/rediger").get_data(as_text=True)
    return {"csrf_token": csrf_from(page), "title": title, "case_reference": "2026/0001"}


def _in_thread(work: Callable[[], Any]) -> tuple[threading.Thread, dict[str, Any]]:
    result: dict[str, Any] = {}

    def run() -> None:
        try:
            result["answer"] = work()
        except BaseException as error:  # noqa: BLE001 - handed to the test's thread
            result["error"] = error

    thread = threading.Thread(target=run)
    thread.start()
    return thread, result


def _stored(application: Any) -> tuple[str, list[str], Any]:
    """The tender's title, every audit event's type, and ``tender audit verify``'s run."""
    from tender import audit
    from tender.extensions import db
    from tender.tenders.models import Tender

    with application.app_context():
        title = db.session.get(Tender, application.config["TENDER_ID_FOR_TEST"]).title
        types = list(db.session.scalars(select(audit.AuditEvent.event_type).order_by(audit.AuditEvent.seq)))
        db.session.remove()
    verified = application.test_cli_runner().invoke(args=["audit", "verify"])
    return title, types, verified


# -- PostgreSQL ----------------------------------------------------------------------------------------------
def _psycopg_url(application: Any) -> str:
    url = make_url(application.config["DATABASE_URL_FOR_TEST"])
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def _other_connection(application: Any) -> Any:
    """The second connection, which takes its locks outside the app."""
    import psycopg

    other = psycopg.connect(_psycopg_url(application))
    other.autocommit = True
    try:
        # this connection never runs the deadlock check first: the request's does, and is the one ended
        other.execute("SET deadlock_timeout = '30s'")
    except psycopg.errors.InsufficientPrivilege:
        pass  # the default (1 s) for both: the request still waits first and so is checked first
    other.autocommit = False
    return other


def _wait_for_a_lock_wait(other: Any, thread: threading.Thread, timeout: float = 30.0) -> None:
    """Until a connection other than ``other`` waits for a lock in this database."""
    import psycopg

    with psycopg.connect(other.info.dsn, password=other.info.password, autocommit=True) as watcher:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            waiting = watcher.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock' AND pid <> %s",
                (other.info.backend_pid,),
            ).fetchone()
            if waiting and waiting[0]:
                return
            assert thread.is_alive(), "the request ended without waiting for the lock"
            time.sleep(0.02)
    raise AssertionError("the request never waited for the lock")


@postgresql_only
def test_a_deadlock_in_a_post_answers_the_conflict_page_and_writes_nothing(make_own_app, caplog) -> None:
    """The request changes the tender's row and at its commit wants the audit chain's head, which the other
    connection holds; the other then wants the tender's row. PostgreSQL ends the request's transaction."""
    from tender.web.conflicts import conflict_counts

    application = make_own_app()
    tender_id = application.config["TENDER_ID_FOR_TEST"]
    client = application.test_client()
    _login(client)
    form = _edit_form(client, tender_id, "Ny tittel som ikke skal lagres")
    before = conflict_counts()
    other = _other_connection(application)
    caplog.set_level(logging.INFO, logger="tender")
    try:
        other.execute("UPDATE audit_head SET seq = seq WHERE id = 1")
        thread, result = _in_thread(lambda: client.post(f"/konkurranser/{tender_id}/rediger", data=form))
        _wait_for_a_lock_wait(other, thread)
        other.execute("UPDATE tender SET title = title WHERE id = %s", (tender_id,))  # the cycle
        thread.join(timeout=60)
    finally:
        other.rollback()
        other.close()
    answer = result["answer"]
    html = answer.get_data(as_text=True)
    assert answer.status_code == 409, html
    assert CONFLICT_TITLE in html and SENT_NOTHING_SAVED in html
    assert OUTAGE_TITLE not in html and "Traceback" not in html and "psycopg" not in html
    assert "Lena Leder" in html  # the layout still shows who is logged in
    assert conflict_counts()["answered"] == before["answered"] + 1
    lines = [r.getMessage() for r in caplog.records if "Konflikt i databasen" in r.getMessage()]
    assert len(lines) == 1 and "(deadlock, 40P01)" in lines[0] and "POST tenders.edit" in lines[0], lines
    assert "Databasen er utilgjengelig" not in caplog.text
    password = make_url(application.config["DATABASE_URL_FOR_TEST"]).password
    assert not password or password not in caplog.text

    title, types, verified = _stored(application)
    assert title == "Felles sak-/arkivsystem"
    assert "tender.changed" not in types
    assert verified.exit_code == 0, verified.output

    # the user is still logged in and the same form, sent again, is saved
    assert "Lena Leder" in client.get("/").get_data(as_text=True)
    again = client.post(
        f"/konkurranser/{tender_id}/rediger", data=_edit_form(client, tender_id, "Ny tittel, sendt igjen")
    )
    assert again.status_code == 302
    title, types, verified = _stored(application)
    assert title == "Ny tittel, sendt igjen" and types.count("tender.changed") == 1
    assert verified.exit_code == 0, verified.output


@postgresql_only
def test_a_serialisation_failure_at_the_commit_of_a_post_answers_the_conflict_page(make_own_app) -> None:
    """Under REPEATABLE READ (a deployment may choose it), the other connection moves the audit chain's head
    and commits after the request's snapshot began: the request's commit cannot take the head (40001)."""
    application = make_own_app(SQLALCHEMY_ENGINE_OPTIONS={"isolation_level": "REPEATABLE READ"})
    tender_id = application.config["TENDER_ID_FOR_TEST"]
    client = application.test_client()
    _login(client)
    form = _edit_form(client, tender_id, "Ny tittel som ikke skal lagres")
    other = _other_connection(application)
    try:
        other.execute("UPDATE audit_head SET seq = seq WHERE id = 1")
        thread, result = _in_thread(lambda: client.post(f"/konkurranser/{tender_id}/rediger", data=form))
        _wait_for_a_lock_wait(other, thread)
        other.commit()
        thread.join(timeout=60)
    finally:
        other.rollback()
        other.close()
    answer = result["answer"]
    html = answer.get_data(as_text=True)
    assert answer.status_code == 409, html
    assert CONFLICT_TITLE in html and SENT_NOTHING_SAVED in html and OUTAGE_TITLE not in html
    title, types, verified = _stored(application)
    assert title == "Felles sak-/arkivsystem" and "tender.changed" not in types
    assert verified.exit_code == 0, verified.output
    assert "Lena Leder" in client.get("/").get_data(as_text=True)


def _provoke_a_serialisation_failure_in_a_get(application: Any, client: Any) -> Any:
    """A GET whose commit writes the login session's last activity (kept for every page a minute or more
    after the last), while the other connection updates that row and commits after the GET's snapshot."""
    import psycopg

    with psycopg.connect(_psycopg_url(application), autocommit=True) as setup:
        setup.execute("UPDATE user_session SET last_seen_at = last_seen_at - interval '5 minutes'")
    other = _other_connection(application)
    try:
        other.execute("UPDATE user_session SET last_seen_at = last_seen_at")
        thread, result = _in_thread(lambda: client.get("/"))
        _wait_for_a_lock_wait(other, thread)
        other.commit()
        thread.join(timeout=60)
    finally:
        other.rollback()
        other.close()
    return result["answer"]


@postgresql_only
def test_a_get_that_meets_a_serialisation_failure_is_run_again_and_succeeds(make_own_app, caplog) -> None:
    from tender.web.conflicts import conflict_counts

    application = make_own_app(SQLALCHEMY_ENGINE_OPTIONS={"isolation_level": "REPEATABLE READ"})
    client = application.test_client()
    _login(client)
    before = conflict_counts()
    caplog.set_level(logging.INFO, logger="tender")
    answer = _provoke_a_serialisation_failure_in_a_get(application, client)
    html = answer.get_data(as_text=True)
    assert answer.status_code == 200, html
    assert "Lena Leder" in html and CONFLICT_TITLE not in html
    after = conflict_counts()
    assert after["retried"] == before["retried"] + 1 and after["answered"] == before["answered"]
    assert any("(serialisation, 40001) under GET" in r.getMessage() for r in caplog.records), caplog.text
    with psycopg_connect(application) as check:
        seen = check.execute("SELECT now() - last_seen_at < interval '1 minute' FROM user_session").fetchall()
    assert seen == [(True,)]  # the retried GET's kept write is committed
    assert _stored(application)[2].exit_code == 0


@postgresql_only
def test_a_get_whose_retries_are_used_up_answers_the_conflict_page_for_a_page(make_own_app) -> None:
    application = make_own_app(
        SQLALCHEMY_ENGINE_OPTIONS={"isolation_level": "REPEATABLE READ"}, CONFLICT_READ_RETRIES=0
    )
    client = application.test_client()
    _login(client)
    answer = _provoke_a_serialisation_failure_in_a_get(application, client)
    html = answer.get_data(as_text=True)
    assert answer.status_code == 409, html
    assert CONFLICT_TITLE in html and "siden kunne ikke vises" in html and SENT_NOTHING_SAVED not in html
    assert "Lena Leder" in client.get("/").get_data(as_text=True)


def psycopg_connect(application: Any) -> Any:
    import psycopg

    return psycopg.connect(_psycopg_url(application), autocommit=True)


def _move_last_seen_back(application: Any) -> None:
    from datetime import timedelta

    from tender.auth.models import UserSession
    from tender.extensions import db

    with application.app_context():
        for row in db.session.scalars(select(UserSession)):
            row.last_seen_at = row.last_seen_at - timedelta(minutes=5)
        db.session.commit()
        db.session.remove()


# -- SQLite --------------------------------------------------------------------------------------------------
@pytest.fixture
def sqlite_lock_holder() -> Iterator[Callable[[Any], Any]]:
    import sqlite3

    held: list[sqlite3.Connection] = []

    def hold(application: Any) -> sqlite3.Connection:
        path = make_url(application.config["DATABASE_URL_FOR_TEST"]).database
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")  # SQLite's write lock, held until the test lets it go
        held.append(other)
        return other

    yield hold
    for other in held:
        other.rollback()
        other.close()


@sqlite_only
def test_a_write_lock_held_past_sqlites_busy_timeout_gets_the_conflict_page(
    make_own_app, sqlite_lock_holder, caplog
) -> None:
    """Another connection holds SQLite's write lock past the busy timeout (shortened to 0.3 s here; 30 s
    by default): a POST answers the conflict page, not the outage page and not a 500; nothing is written."""
    from tender.web.conflicts import conflict_counts

    application = make_own_app(SQLALCHEMY_ENGINE_OPTIONS={"connect_args": {"timeout": 0.3}})
    tender_id = application.config["TENDER_ID_FOR_TEST"]
    client = application.test_client()
    _login(client)
    form = _edit_form(client, tender_id, "Ny tittel som ikke skal lagres")
    _move_last_seen_back(application)  # so that every page's commit wants to write the login session
    before = conflict_counts()
    caplog.set_level(logging.INFO, logger="tender")
    other = sqlite_lock_holder(application)
    answer = client.post(f"/konkurranser/{tender_id}/rediger", data=form)
    html = answer.get_data(as_text=True)
    assert answer.status_code == 409, html
    assert CONFLICT_TITLE in html and SENT_NOTHING_SAVED in html
    assert OUTAGE_TITLE not in html and "Traceback" not in html
    assert "Lena Leder" in html  # read without the write lock
    lines = [r.getMessage() for r in caplog.records if "Konflikt i databasen" in r.getMessage()]
    assert len(lines) == 1 and "(lock timeout, SQLITE_BUSY)" in lines[0], lines
    assert conflict_counts()["answered"] == before["answered"] + 1

    # a page, while the lock is still held: its commit (the login session's activity) cannot take the lock
    # either; it is tried three times, then answers the conflict page for a page
    page = client.get("/")
    assert page.status_code == 409 and "siden kunne ikke vises" in page.get_data(as_text=True)
    assert conflict_counts()["retried"] == before["retried"] + 2

    other.rollback()
    title, types, verified = _stored(application)
    assert title == "Felles sak-/arkivsystem" and "tender.changed" not in types
    assert verified.exit_code == 0, verified.output
    assert "Lena Leder" in client.get("/").get_data(as_text=True)


@postgresql_only
def test_a_failed_logins_count_survives_a_serialisation_failure_at_its_commit(make_own_app) -> None:
    """The count of a failed login is a kept write (it slows guessing down). Its commit loses against a
    concurrent transaction (the audit chain's head moved after the snapshot, REPEATABLE READ): the kept
    writes are tried again alone, so the count and its audit event are there and the refusal stands."""
    from tender.auth.models import LoginThrottle
    from tender.extensions import db

    application = make_own_app(SQLALCHEMY_ENGINE_OPTIONS={"isolation_level": "REPEATABLE READ"})
    client = application.test_client()
    token = csrf_from(client.get("/logg-inn").get_data(as_text=True))
    other = _other_connection(application)
    try:
        other.execute("UPDATE audit_head SET seq = seq WHERE id = 1")
        thread, result = _in_thread(
            lambda: client.post(
                "/logg-inn", data={"csrf_token": token, "email": LEAD_EMAIL, "password": "feil-passord"}
            )
        )
        _wait_for_a_lock_wait(other, thread)
        other.commit()
        thread.join(timeout=60)
    finally:
        other.rollback()
        other.close()
    answer = result["answer"]
    html = answer.get_data(as_text=True)
    assert answer.status_code == 422, html
    assert "Feil e-postadresse eller passord." in html
    with application.app_context():
        failures = db.session.scalar(select(LoginThrottle.failures).where(LoginThrottle.email == LEAD_EMAIL))
        db.session.remove()
    assert failures == 1
    _, types, verified = _stored(application)
    assert types.count("user.login_failed") == 1
    assert verified.exit_code == 0, verified.output


@sqlite_only
def test_an_english_visitor_gets_the_conflict_page_in_english(make_own_app, sqlite_lock_holder) -> None:
    """Error pages are vendors' pages for a visitor (docs/i18n.md): a login sent while another connection
    holds the write lock is answered in the visitor's language."""
    application = make_own_app(SQLALCHEMY_ENGINE_OPTIONS={"connect_args": {"timeout": 0.3}})
    client = application.test_client()
    english = {"Accept-Language": "en"}
    token = csrf_from(client.get("/logg-inn", headers=english).get_data(as_text=True))
    sqlite_lock_holder(application)
    answer = client.post(
        "/logg-inn",
        data={"csrf_token": token, "email": LEAD_EMAIL, "password": "feil-passord"},
        headers=english,
    )
    html = answer.get_data(as_text=True)
    assert answer.status_code == 409, html
    assert "Someone else saved at the same time" in html and "Nothing of what you sent has been saved" in html
    assert CONFLICT_TITLE not in html


@postgresql_only
def test_a_page_meeting_a_lock_timeout_in_its_view_runs_again_then_answers_409(make_own_app, caplog) -> None:
    """A migration's ``ALTER TABLE`` holds its table locked; the app's connections give up after
    ``lock_timeout`` (55P03, chosen short here). A page's own reads fail: it is run again twice (from the
    view, not the commit), then answers the conflict page; a form answers it at once."""
    from tender.web.conflicts import conflict_counts

    application = make_own_app(SQLALCHEMY_ENGINE_OPTIONS={"connect_args": {"options": "-c lock_timeout=300"}})
    tender_id = application.config["TENDER_ID_FOR_TEST"]
    client = application.test_client()
    _login(client)
    form = _edit_form(client, tender_id, "Ny tittel som ikke skal lagres")
    before = conflict_counts()
    caplog.set_level(logging.INFO, logger="tender")
    other = _other_connection(application)
    try:
        other.execute("LOCK TABLE tender IN ACCESS EXCLUSIVE MODE")
        page = client.get(f"/konkurranser/{tender_id}")
        sent = client.post(f"/konkurranser/{tender_id}/rediger", data=form)
    finally:
        other.rollback()
        other.close()
    html = page.get_data(as_text=True)
    assert page.status_code == 409, html
    assert "siden kunne ikke vises" in html and OUTAGE_TITLE not in html and "Lena Leder" in html
    assert sent.status_code == 409 and SENT_NOTHING_SAVED in sent.get_data(as_text=True)
    after = conflict_counts()
    assert after["retried"] == before["retried"] + 2 and after["answered"] == before["answered"] + 2
    retried = [r.getMessage() for r in caplog.records if "prøver på nytt" in r.getMessage()]
    assert len(retried) == 2 and all("(lock timeout, 55P03) under GET tenders.overview" in m for m in retried)
    title, types, verified = _stored(application)
    assert title == "Felles sak-/arkivsystem" and "tender.changed" not in types
    assert verified.exit_code == 0, verified.output
    assert client.get(f"/konkurranser/{tender_id}").status_code == 200
