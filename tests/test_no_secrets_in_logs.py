"""No secret in any log (issue 17, point 9).

The main flows run through a real HTTP server (werkzeug's, which writes a request line per request) with
every logger of ours and of the libraries under us at DEBUG: a login, a failed login, an invitation sent by
e-mail through an SMTP server that demands a login, the invited person choosing a password from the link and
changing it, a form posted without its CSRF token, a page that fails with a 500; then a database that cannot
be reached, with a password in its URL, for a page and for ``tender backup``; a form sent during a conflict in
the database (another connection holding the write lock). Nothing logged may contain a
password, the SECRET_KEY, a session cookie, a CSRF token, the invitation token, the SMTP password or the
database password.
"""

from __future__ import annotations

import base64
import email
import http.cookiejar
import logging
import re
import socket
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import dispose, make_app, migrate

LEAD_EMAIL = "leder@grenland.example.no"
LEAD_PASSWORD = "Lederens-hemmelige-passord-7"
WRONG_PASSWORD = "Feil-passord-som-aldri-logges-3"
NEW_PASSWORD = "Evaluatorens-forste-passord-5"
NEWER_PASSWORD = "Evaluatorens-andre-passord-9"
SECRET_KEY = "hemmelig-signeringsnokkel-4f1d8a0c2b"
SMTP_USER = "tender-smtp"
SMTP_PASSWORD = "smtp-passord-som-ikke-logges-8"
DB_PASSWORD = "databasepassord-som-ikke-logges-6"
#: every logger whose output would reach an operator's log file: ours, the web server's, the database's,
#: the queue's, the forms'
LOGGERS = (
    "",
    "tender",
    "werkzeug",
    "sqlalchemy",
    "sqlalchemy.engine",
    "sqlalchemy.pool",
    "huey",
    "flask_wtf",
)


@pytest.fixture
def everything_logged(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    for name in LOGGERS:
        caplog.set_level(logging.DEBUG, logger=name)
    return caplog


def _logged(caplog: pytest.LogCaptureFixture) -> str:
    """Everything the records hold: formatted text with tracebacks, messages, arguments. The test's own
    stand-in mail server (aiosmtpd, logger ``mail.log``) is not part of the application and is left out."""
    parts = []
    for record in caplog.records:
        if record.name.startswith("mail.log"):
            continue
        parts += [record.getMessage(), repr(record.args), record.exc_text or ""]
        if record.exc_info and record.exc_info[1] is not None:
            parts.append(repr(record.exc_info[1]))
    parts.append(
        "\n".join(
            line
            for line in caplog.text.splitlines()
            if " mail.log:" not in line and not line.startswith("mail.log")
        )
    )
    return "\n".join(parts)


def _assert_none_in(text: str, secrets: dict[str, str]) -> None:
    leaked = [name for name, value in secrets.items() if value and value in text]
    assert not leaked, f"in the log: {leaked}"


@pytest.fixture
def smtp_with_login() -> Iterator[tuple[int, list[Any], list[bool]]]:
    """An SMTP server on loopback that demands a login (AUTH without TLS, loopback only)."""
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult, LoginPassword

    received: list[Any] = []
    logins: list[bool] = []

    class Collect:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            received.append(email.message_from_bytes(envelope.content))
            return "250 OK"

    def authenticator(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> Any:
        ok = (
            isinstance(data, LoginPassword)
            and data.login == SMTP_USER.encode()
            and data.password == SMTP_PASSWORD.encode()
        )
        logins.append(ok)
        return AuthResult(success=ok)

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    controller = Controller(
        Collect(),
        hostname="127.0.0.1",
        port=port,
        authenticator=authenticator,
        auth_require_tls=False,
    )
    controller.start()
    try:
        yield port, received, logins
    finally:
        controller.stop()


class Browser:
    """Posts forms over HTTP with the CSRF token of the page they are on, keeping its own cookies."""

    def __init__(self, url: str, seen: dict[str, str]) -> None:
        self.url = url
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.seen = seen

    def open(self, path: str, data: dict[str, str] | None = None) -> tuple[int, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(self.url + path, data=body, timeout=30) as response:
                status, html = response.status, response.read().decode("utf-8")
        except urllib.error.HTTPError as error:
            status, html = error.code, error.read().decode("utf-8")
        for n, cookie in enumerate(self.jar):
            self.seen[f"cookie {cookie.name} {id(self)} {n}"] = cookie.value or ""
        return status, html

    def token(self, path: str) -> str:
        _, html = self.open(path)
        match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
        assert match, html[:300]
        self.seen[f"csrf {path}"] = match.group(1)
        return match.group(1)

    def post(self, path: str, data: dict[str, str], *, page: str | None = None) -> tuple[int, str]:
        return self.open(path, {**data, "csrf_token": self.token(page or path)})


@pytest.fixture
def served(
    app: Any,
    database_factory: Callable[[str], str],
    tmp_path: Path,
    smtp_with_login: tuple[int, list[Any], list[bool]],
) -> Iterator[tuple[str, Any, list[Any], list[bool], str]]:
    """A fresh database with a lead and a tender, served by werkzeug's server, mail through the SMTP server
    that demands a login. (``app``, the suite's database, is not used: asking for it keeps this test in the
    PostgreSQL run.)"""
    from werkzeug.serving import make_server

    from tender.auth import operations as auth_ops
    from tender.extensions import db
    from tender.tenders import operations as tender_ops
    from tender.tenders.models import Procedure

    port, received, logins = smtp_with_login
    database_url = database_factory("secrets_in_logs")
    application = make_app(
        database_url,
        tmp_path / "instance",
        SECRET_KEY=SECRET_KEY,
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=port,
        MAIL_USERNAME=SMTP_USER,
        MAIL_PASSWORD=SMTP_PASSWORD,
    )

    def fail() -> str:
        raise RuntimeError("en feil midt i en side")

    application.add_url_rule("/test-uventet-feil", "test_unexpected_failure", fail)
    migrate(application)
    with application.app_context():
        lead = auth_ops.create_user(LEAD_EMAIL, "Lena Leder", password=LEAD_PASSWORD, is_admin=True)
        tender = tender_ops.create_tender(
            title="Felles sak-/arkivsystem",
            case_reference="2026/0999",
            procedure=Procedure.COMPETITIVE_NEGOTIATION,
            lead=lead,
        )
        db.session.commit()
        tender_id = tender.id
        db.session.remove()
    server = make_server("127.0.0.1", 0, application, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", tender_id, received, logins, database_url
    finally:
        server.shutdown()
        thread.join(timeout=10)
        dispose(application)


def _stored_hashes(database_url: str) -> dict[str, str]:
    """The password, invitation and session hashes the database holds: secrets too (a password hash can be
    cracked offline), kept out of SQL logging and database errors by ``hide_parameters``."""
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    try:
        with engine.connect() as c:
            rows = [
                *c.execute(text("SELECT 'password ' || email, password_hash FROM user_account")),
                *c.execute(text("SELECT 'invitation', token_hash FROM invitation")),
                *c.execute(text("SELECT 'session', token_hash FROM user_session")),
            ]
    finally:
        engine.dispose()
    return {f"{name} hash {n}": value for n, (name, value) in enumerate(rows) if value}


@pytest.mark.slow
def test_the_main_flows_log_no_password_key_cookie_token_or_smtp_password(
    served: tuple[str, Any, list[Any], list[bool], str], everything_logged: pytest.LogCaptureFixture
) -> None:
    # (``served`` is set up first: the migrations it runs are not logged at DEBUG, which only slows them)
    url, tender_id, received, logins, database_url = served
    seen: dict[str, str] = {}
    lead = Browser(url, seen)

    # a failed login, then the right one
    status, html = lead.post("/logg-inn", {"email": LEAD_EMAIL, "password": WRONG_PASSWORD})
    assert status == 422 and "Feil e-postadresse eller passord" in html, html[:500]
    status, html = lead.post("/logg-inn", {"email": LEAD_EMAIL, "password": LEAD_PASSWORD})
    assert status == 200 and "Mine konkurranser" in html, html[:500]

    # an invitation, sent by e-mail through the SMTP server that demands a login
    members = f"/konkurranser/{tender_id}/medlemmer"
    status, html = lead.post(
        members + "/inviter",
        {"email": "eva@skien.example.no", "name": "Eva Evaluator", "role": "evaluator"},
        page=members,
    )
    assert status == 200, html[:500]
    assert logins == [True] and len(received) == 1
    body = received[0].get_payload(decode=True).decode("utf-8")
    token = re.search(r"/invitasjon/([A-Za-z0-9_-]+)", body).group(1)

    # the invited person chooses a password from the link, then changes it
    eva = Browser(url, seen)
    status, html = eva.post(f"/invitasjon/{token}", {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert status == 200 and "Passordet er lagret" in html, html[:500]
    status, html = eva.post(
        "/passord", {"current": NEW_PASSWORD, "password": NEWER_PASSWORD, "confirm": NEWER_PASSWORD}
    )
    assert status == 200, html[:500]

    # a form without its CSRF token, and a page that fails
    status, html = Browser(url, seen).open("/logg-inn", {"email": LEAD_EMAIL, "password": LEAD_PASSWORD})
    assert status == 400 and "sikkerhetstoken" in html
    status, html = lead.open("/test-uventet-feil")
    assert status == 500

    logged = _logged(everything_logged)
    # the capture saw what it should: SQL, the request lines (with the link masked), the failure
    names = {r.name for r in everything_logged.records}
    assert "sqlalchemy.engine.Engine" in names and "werkzeug" in names
    assert "/invitasjon/[skjult]" in logged and "Uventet feil" in logged and "RuntimeError" in logged
    assert any(k.startswith("cookie session") for k in seen) and any(k.startswith("csrf") for k in seen)
    smtp_plain = base64.b64encode(f"\0{SMTP_USER}\0{SMTP_PASSWORD}".encode()).decode()
    _assert_none_in(
        logged,
        {
            "lead's password": LEAD_PASSWORD,
            "wrong password": WRONG_PASSWORD,
            "new password": NEW_PASSWORD,
            "newer password": NEWER_PASSWORD,
            "SECRET_KEY": SECRET_KEY,
            "invitation token": token,
            "SMTP password": SMTP_PASSWORD,
            "SMTP AUTH PLAIN": smtp_plain,
            "SMTP password (base64)": base64.b64encode(SMTP_PASSWORD.encode()).decode(),
            **seen,
            **_stored_hashes(database_url),
        },
    )


def test_a_database_out_of_reach_logs_no_password_from_its_url(
    everything_logged: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = s.getsockname()[1]  # nothing listens here once the socket is closed
    url = f"postgresql+psycopg://tender:{DB_PASSWORD}@127.0.0.1:{closed}/tender"
    application = make_app(url, tmp_path / "instance")
    try:
        response = application.test_client().get("/kunngjoring/ukjent-lenke")
        assert response.status_code in (500, 503)
        assert DB_PASSWORD not in response.get_data(as_text=True)
        result = application.test_cli_runner().invoke(args=["backup", "-o", str(tmp_path / "b.tar.gz")])
        assert result.exit_code == 1 and "Databasen kan ikke nås" in result.output, result.output
        assert DB_PASSWORD not in result.output
    finally:
        dispose(application)
    logged = _logged(everything_logged)
    assert "OperationalError" in logged  # the failure itself is logged ...
    _assert_none_in(logged, {"database password": DB_PASSWORD})  # ... without the password


@pytest.mark.parametrize(
    ("line", "shown"),
    [
        ('"GET /invitasjon/Abc-123_x HTTP/1.1" 200 -', '"GET /invitasjon/[skjult] HTTP/1.1" 200 -'),
        (
            '"POST /leverandor/bekreft/Zz9?x=1 HTTP/1.1" 302 -',
            '"POST /leverandor/bekreft/[skjult]?x=1 HTTP/1.1" 302 -',
        ),
        ('"GET /kunngjoring/offentlig HTTP/1.1" 200 -', '"GET /kunngjoring/offentlig HTTP/1.1" 200 -'),
    ],
)
def test_a_request_line_with_a_one_time_link_is_masked(line: str, shown: str) -> None:
    from tender.log_redaction import RedactOneTimeLinks

    record = logging.LogRecord("werkzeug", logging.INFO, __file__, 1, "127.0.0.1 - - [x] %s", (line,), None)
    assert RedactOneTimeLinks().filter(record) is True
    assert record.getMessage() == f"127.0.0.1 - - [x] {shown}"


def test_a_conflict_in_the_database_logs_one_line_and_no_secret(
    everything_logged: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    """A password change sent while another connection holds SQLite's write lock past the busy timeout
    (tender/web/conflicts.py): the conflict page, one line about it, and nothing of the form, the session
    cookie or the CSRF token in any log, with every logger at DEBUG."""
    import sqlite3

    from tests.conftest import csrf_from

    path = tmp_path / "conflict.sqlite3"
    application = make_app(
        f"sqlite:///{path}",
        tmp_path / "instance",
        SECRET_KEY=SECRET_KEY,
        SQLALCHEMY_ENGINE_OPTIONS={"connect_args": {"timeout": 0.3}},
    )
    migrate(application)
    from tender.auth import operations
    from tender.extensions import db

    with application.app_context():
        operations.create_user(LEAD_EMAIL, "Lena Leder", password=LEAD_PASSWORD)
        db.session.commit()
        db.session.remove()
    other = sqlite3.connect(path, isolation_level=None)
    try:
        client = application.test_client()
        token = csrf_from(client.get("/logg-inn").get_data(as_text=True))
        login = client.post(
            "/logg-inn", data={"csrf_token": token, "email": LEAD_EMAIL, "password": LEAD_PASSWORD}
        )
        assert login.status_code == 302
        cookie = client.get_cookie("session")
        token = csrf_from(client.get("/passord").get_data(as_text=True))
        other.execute("BEGIN IMMEDIATE")
        sent = client.post(
            "/passord",
            data={
                "csrf_token": token,
                "current": LEAD_PASSWORD,
                "password": NEW_PASSWORD,
                "confirm": NEW_PASSWORD,
            },
        )
        assert sent.status_code == 409, sent.get_data(as_text=True)
    finally:
        other.rollback()
        other.close()
        dispose(application)
    logged = _logged(everything_logged)
    about = [r.getMessage() for r in everything_logged.records if "Konflikt i databasen" in r.getMessage()]
    assert len(about) == 1 and "(lock timeout, SQLITE_BUSY): POST auth.change_password" in about[0], about
    _assert_none_in(
        logged,
        {
            "password": LEAD_PASSWORD,
            "new password": NEW_PASSWORD,
            "SECRET_KEY": SECRET_KEY,
            "session cookie": cookie.value if cookie else "no cookie",
            "CSRF token": token,
        },
    )
