"""A person whose form meets a conflict in the database (tender/web/conflicts.py), in a real browser: the
lead edits the tender while another connection holds the lock the save needs past the app's timeout
(SQLite's write lock past its busy timeout; on PostgreSQL the tender table locked as a migration would, past
``lock_timeout``). The browser shows the Norwegian conflict page, with the lead still logged in; the lead goes
back to the form, which still holds what was typed, sends it again once the lock is gone, and it is saved
once. Runs on both engines."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy.engine import make_url

from tests.browser_helpers import log_in
from tests.conftest import BACKEND, LiveServer
from tests.test_conflicts import LEAD_EMAIL, _stored, make_own_app  # noqa: F401 - a fixture

#: how long the app's connections wait for a lock before giving up, shortened from 30 s (SQLite) / none
SHORT_LOCK_WAIT = (
    {"connect_args": {"timeout": 0.3}}
    if BACKEND == "sqlite"
    else {"connect_args": {"options": "-c lock_timeout=300"}}
)


@contextmanager
def _lock_held(application: Any) -> Iterator[None]:
    url = make_url(application.config["DATABASE_URL_FOR_TEST"])
    if BACKEND == "sqlite":
        import sqlite3

        other: Any = sqlite3.connect(url.database, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
    else:
        import psycopg

        other = psycopg.connect(url.set(drivername="postgresql").render_as_string(hide_password=False))
        other.execute("LOCK TABLE tender IN ACCESS EXCLUSIVE MODE")
    try:
        yield
    finally:
        other.rollback()
        other.close()


def test_a_form_sent_during_a_conflict_shows_the_conflict_page_and_can_be_sent_again(
    make_own_app,  # noqa: F811 - the fixture imported above
    page,
) -> None:
    application = make_own_app(SQLALCHEMY_ENGINE_OPTIONS=SHORT_LOCK_WAIT)
    tender_id = application.config["TENDER_ID_FOR_TEST"]
    server = LiveServer(application).start()
    try:
        log_in(page, server.url, LEAD_EMAIL)
        page.goto(f"{server.url}/konkurranser/{tender_id}/rediger")
        page.get_by_label("Tittel").fill("Ny tittel fra nettleseren")
        with _lock_held(application):
            with page.expect_navigation() as navigation:
                page.get_by_role("button", name="Lagre").click()
            assert navigation.value.status == 409
            page.get_by_role("heading", name="Noen andre lagret samtidig").wait_for()
            text = page.locator("main").inner_text()
            assert "Ingenting av det du sendte er lagret" in text and "Gå tilbake og prøv igjen" in text
            assert "midlertidig utilgjengelig" not in text
            assert page.get_by_role("button", name="Logg ut").is_visible()  # still logged in
        page.go_back()
        page.get_by_role("heading", name="Rediger konkurransen").wait_for()
        # going back brings the form with what was typed: "gå tilbake og prøv igjen" is one click
        assert page.get_by_label("Tittel").input_value() == "Ny tittel fra nettleseren"
        with page.expect_navigation():
            page.get_by_role("button", name="Lagre").click()
        page.get_by_text("Konkurransen er oppdatert.").wait_for()
    finally:
        server.stop()
    stored_title, types, verified = _stored(application)
    assert stored_title == "Ny tittel fra nettleseren" and types.count("tender.changed") == 1
    assert verified.exit_code == 0, verified.output
