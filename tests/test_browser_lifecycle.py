"""In a real Chromium: the lead puts the deadlines in the wrong order, is told so at the field, corrects them,
and the overview says where the tender stands and what is next (issue 11 point 3)."""

from __future__ import annotations

import pytest

from tender.demo import DEMO_PASSWORD, LEAD

pytestmark = pytest.mark.browser


def test_the_lead_corrects_deadlines_in_the_wrong_order_and_sees_the_next_step_on_the_overview(
    live_server, page
) -> None:
    page.goto(live_server.url + "/logg-inn")
    page.get_by_label("E-postadresse").fill(LEAD[0])
    page.get_by_label("Passord").fill(DEMO_PASSWORD)
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Mine konkurranser").wait_for()
    # a tender of its own, so the demo tender the other browser tests use stays as it is
    page.get_by_role("link", name="Ny konkurranse").click()
    page.get_by_label("Tittel").fill("Fristrekkefølge i nettleseren")
    page.get_by_label("Saksnummer").fill("2026/9911")
    page.get_by_label("Prosedyre").select_option(label="Åpen anbudskonkurranse")
    page.get_by_role("button", name="Opprett").click()
    page.get_by_text("Konkurransen er opprettet. Du er prosjektleder.").wait_for()

    page.get_by_role("link", name="Rediger konkurransen og fristene").click()
    page.get_by_label("Frist for forespørsel om å delta (norsk tid)").fill("2099-05-01T12:00")
    page.get_by_label("Frist for spørsmål (norsk tid)").fill("2099-06-20T12:00")
    page.get_by_label("Tilbudsfrist (norsk tid)").fill("2099-06-15T12:00")
    page.get_by_role("button", name="Lagre").click()

    questions = page.get_by_label("Frist for spørsmål (norsk tid)")
    assert questions.get_attribute("aria-invalid") == "true"
    message = page.locator("#" + questions.get_attribute("aria-describedby"))
    assert message.inner_text() == (
        "Fristen for spørsmål må ligge før tilbudsfristen, så leverandørene får svar før de leverer."
    )
    # what the lead typed is still there to correct
    assert questions.input_value() == "2099-06-20T12:00"

    questions.fill("2099-06-01T12:00")
    page.get_by_role("button", name="Lagre").click()
    page.get_by_text("Konkurransen er oppdatert.").wait_for()
    assert page.get_by_role("heading", name="Hvor står konkurransen?").is_visible()
    current = page.locator("li[aria-current=step]")
    assert current.inner_text().startswith("Kravspesifikasjon")
    steps = page.get_by_role("region", name="Dette mangler før neste steg")
    assert steps.get_by_text("Ingen kommuner er lagt til i konkurransen.").is_visible()
    assert steps.get_by_text(
        "Kravspesifikasjonen er ikke frosset som en versjon til godkjenning ennå."
    ).is_visible()
    assert "Må gjøres av: Anne Lie." in steps.inner_text()
