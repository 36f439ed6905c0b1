"""In a real Chromium: the lead invites a person, sends the invitation again from the members page, and the
first link then says it was replaced while the new one lets the person in."""

from __future__ import annotations

import pytest

from tender.demo import DEMO_PASSWORD, LEAD

pytestmark = pytest.mark.browser


def _members_page(live_server, page) -> None:
    page.goto(live_server.url + "/logg-inn")
    page.get_by_label("E-postadresse").fill(LEAD[0])
    page.get_by_label("Passord").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    page.get_by_role("link", name="Felles sak- og arkivsystem for Grenland").click()
    page.get_by_role("link", name="Medlemmer", exact=True).click()
    page.get_by_role("heading", name="Inviter en person").wait_for()


def test_the_lead_sends_an_invitation_again_and_only_the_new_link_works(live_server, page) -> None:
    _members_page(live_server, page)
    page.get_by_label("E-postadresse").fill("vera.varsel@bamble.kommune.no")
    page.get_by_label("Navn (for nye brukere)").fill("Vera Varsel")
    page.get_by_label("Rolle").select_option(label="Observatør")
    page.get_by_role("button", name="Inviter", exact=True).click()
    first = page.get_by_label("Invitasjonslenke").input_value()
    # the form is empty again, ready for the next person
    assert page.get_by_label("E-postadresse").input_value() == ""
    assert page.get_by_label("Navn (for nye brukere)").input_value() == ""
    page.get_by_role("button", name="Send invitasjonen til Vera Varsel på nytt").click()
    page.get_by_text("Den forrige lenken virker ikke lenger.").wait_for()
    second = page.get_by_label("Invitasjonslenke").input_value()
    assert second != first and "/invitasjon/" in second
    page.get_by_role("button", name="Logg ut").click()
    page.goto(first)
    page.get_by_text("erstattet av en nyere invitasjon").wait_for()
    page.goto(second)
    page.get_by_label("Nytt passord").fill("vera-sitt-passord")
    page.get_by_label("Gjenta passordet").fill("vera-sitt-passord")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Mine konkurranser").wait_for()
