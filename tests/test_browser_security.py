"""In a real Chromium: a person changes their password and their other browser is logged out; the
Content-Security-Policy is enforced (an inline script does not run, the app cannot be framed) and our own
pages cause no violation."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import pytest

from tender.demo import DEMO_PASSWORD, LEAD

pytestmark = pytest.mark.browser

_numbers = itertools.count(1)


def csp_messages(page: Any) -> list[str]:
    """Collects what Chromium reports about the Content-Security-Policy on ``page`` (console messages)."""
    found: list[str] = []
    page.on("console", lambda msg: found.append(msg.text) if "Content Security Policy" in msg.text else None)
    return found


@pytest.fixture
def person(live_server) -> Iterator[tuple[str, str]]:
    """A user of the live server's own, so that changing the password touches no demo login."""
    from tender.auth import operations
    from tender.extensions import db

    email, password = f"passord.bytter{next(_numbers)}@grenland-innkjop.no", "forste-passord-2026"
    with live_server.app.app_context():
        operations.create_user(email, "Per Passordbytter", password=password)
        db.session.commit()
    yield email, password


def log_in(page: Any, url: str, email: str, password: str) -> None:
    page.goto(url + "/logg-inn")
    page.get_by_label("E-postadresse").fill(email)
    page.get_by_label("Passord").fill(password)
    page.get_by_role("button", name="Logg inn").click()
    page.get_by_role("heading", name="Mine konkurranser").wait_for()


def test_a_person_changes_their_password_and_their_other_browser_is_logged_out(
    live_server, browser, page, person
) -> None:
    email, password = person
    violations = csp_messages(page)
    other = browser.new_context(locale="nb-NO", timezone_id="Europe/Oslo").new_page()
    try:
        log_in(other, live_server.url, email, password)
        log_in(page, live_server.url, email, password)

        page.get_by_role("link", name="Bytt passord").click()
        page.get_by_role("heading", name="Bytt passord").wait_for()
        page.get_by_label("Nåværende passord").fill(password)
        page.get_by_label("Nytt passord").fill("andre-passord-2026")
        page.get_by_label("Gjenta det nye passordet").fill("andre-passord-2026")
        page.get_by_role("button", name="Bytt passord").click()
        page.get_by_text("Passordet er endret. Du er logget ut av én annen økt.").wait_for()
        page.get_by_role("heading", name="Mine konkurranser").wait_for()

        other.reload()
        assert "/logg-inn" in other.url
        other.get_by_label("E-postadresse").fill(email)
        other.get_by_label("Passord").fill(password)
        other.get_by_role("button", name="Logg inn").click()
        other.get_by_text("Feil e-postadresse eller passord.").wait_for()
        other.get_by_label("Passord").fill("andre-passord-2026")
        other.get_by_role("button", name="Logg inn").click()
        other.get_by_role("heading", name="Mine konkurranser").wait_for()
    finally:
        other.context.close()
    assert violations == []


def test_a_wrong_current_password_is_shown_next_to_its_field(live_server, page, person) -> None:
    email, password = person
    log_in(page, live_server.url, email, password)
    page.get_by_role("link", name="Bytt passord").click()
    page.get_by_label("Nåværende passord").fill("ikke-dette-passordet")
    page.get_by_label("Nytt passord").fill("andre-passord-2026")
    page.get_by_label("Gjenta det nye passordet").fill("andre-passord-2026")
    page.get_by_role("button", name="Bytt passord").click()
    page.get_by_text("Det nåværende passordet er feil.").wait_for()
    assert page.get_by_label("Nåværende passord").get_attribute("aria-invalid") == "true"


def test_the_browser_refuses_an_inline_script_on_our_pages(live_server, page) -> None:
    from playwright.sync_api import Error as PlaywrightError

    violations = csp_messages(page)
    page.goto(live_server.url + "/logg-inn")
    with pytest.raises(PlaywrightError):
        page.add_script_tag(content="document.body.dataset.injected = 'ja';")
    assert page.evaluate("document.body.dataset.injected") is None
    assert any("script-src" in v for v in violations), violations


def test_the_app_cannot_be_shown_inside_a_foreign_frame(live_server, page) -> None:
    violations = csp_messages(page)
    page.set_content(f'<iframe src="{live_server.url}/logg-inn" title="fremmed ramme"></iframe>')
    page.wait_for_timeout(1500)
    framed = [f for f in page.frames if f != page.main_frame]
    assert framed and all("Logg inn" not in f.content() for f in framed)
    assert any("frame-ancestors" in v for v in violations), violations


def test_the_demo_lead_visits_every_tab_of_the_tender_without_any_policy_violation(live_server, page) -> None:
    violations = csp_messages(page)
    log_in(page, live_server.url, LEAD[0], DEMO_PASSWORD)
    page.get_by_role("link", name="Felles sak- og arkivsystem for Grenland").click()
    page.get_by_role("heading", name="Deltakende kommuner").wait_for()
    tabs = page.get_by_role("navigation", name="Konkurranse").get_by_role("link")
    hrefs = [tabs.nth(i).get_attribute("href") for i in range(tabs.count())]
    assert len(hrefs) >= 6
    for href in hrefs:
        response = page.goto(live_server.url + href)
        # some tabs are sealed until the opening (403/409): their error page must obey the policy too
        assert response is not None and response.status < 500, href
    assert violations == []
