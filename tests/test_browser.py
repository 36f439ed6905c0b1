"""In a real Chromium: the demo lead logs in, opens the tender, and logs out."""

from __future__ import annotations

import pytest

from tender.demo import DEMO_PASSWORD, LEAD

pytestmark = pytest.mark.browser


def test_the_demo_lead_logs_in_opens_the_tender_and_logs_out(live_server, page) -> None:
    page.goto(live_server.url + "/")
    assert page.url.endswith("/logg-inn?next=%2F") or "/logg-inn" in page.url
    page.get_by_label("E-postadresse").fill(LEAD[0])
    page.get_by_label("Passord").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    page.get_by_role("heading", name="Mine konkurranser").wait_for()
    page.get_by_role("link", name="Felles sak- og arkivsystem for Grenland").click()
    page.get_by_role("heading", name="Deltakende kommuner").wait_for()
    municipalities = page.get_by_role("table", name="Deltakende kommuner")
    for name in ("Bamble", "Drangedal", "Kragerø", "Porsgrunn", "Siljan", "Skien"):
        assert municipalities.get_by_role("cell", name=name, exact=True).is_visible()
    page.get_by_role("button", name="Logg ut").click()
    page.get_by_text("Du er logget ut.").wait_for()
    page.goto(live_server.url + "/")
    assert "/logg-inn" in page.url


def test_a_wrong_password_in_the_browser_shows_the_message_next_to_the_form(live_server, page) -> None:
    page.goto(live_server.url + "/logg-inn")
    page.get_by_label("E-postadresse").fill(LEAD[0] + ".feil")
    page.get_by_label("Passord").fill("ikke-riktig")
    page.keyboard.press("Enter")
    page.get_by_text("Feil e-postadresse eller passord.").wait_for()
