"""In a real Chromium: the lead rejects a bid through its confirmation page, then undoes the rejection."""
from __future__ import annotations

import pytest

from tests.evaluation_helpers import PASSWORD, live_setup, restore_clock

pytestmark = pytest.mark.browser


def test_the_lead_confirms_a_rejection_on_its_own_page_and_then_undoes_it(live_server, page) -> None:
    w = live_setup(live_server.app, evaluators=1, vendors=2, leaves=1)
    try:
        url = live_server.url
        a, _ = w.vendor_names
        page.goto(url + "/logg-inn")
        page.get_by_label("E-postadresse").fill(w.lead.email)
        page.get_by_label("Passord").fill(PASSWORD)
        page.get_by_role("button", name="Logg inn").click()
        page.get_by_role("heading", name="Mine konkurranser").wait_for()
        page.goto(f"{url}/konkurranser/{w.tender_id}/evaluering/tilbud")
        page.get_by_role("link", name=a).first.click()
        page.get_by_role("heading", name=f"Tilbud fra {a}").wait_for()
        page.get_by_label("Begrunnelse for avvisning").fill("Mangler dokumentasjon av fjernsletting.")
        page.get_by_role("button", name="Avvis tilbudet …").click()
        # the confirmation page names the bid and keeps the reason; nothing is rejected yet
        page.get_by_role("heading", name=f"Avvise tilbudet fra {a}?").wait_for()
        reason = page.get_by_label("Begrunnelse for avvisning")
        assert reason.input_value() == "Mangler dokumentasjon av fjernsletting."
        page.get_by_label("Jeg har kontrollert tilbudet og begrunnelsen, og vil avvise tilbudet").check()
        page.get_by_role("button", name=f"Avvis tilbudet fra {a}").click()
        page.get_by_text(f"Tilbudet fra {a} er avvist.").wait_for()
        assert page.get_by_text("Avvist").first.is_visible()
        page.get_by_label("Hvorfor avvisningen angres").fill("Dokumentasjonen lå i vedlegg 2.")
        page.get_by_role("button", name="Angre avvisning").click()
        page.get_by_text(f"Avvisningen av tilbudet fra {a} er angret").wait_for()
        assert page.get_by_text("Med i evalueringen", exact=True).is_visible()
        assert page.get_by_role("button", name="Avvis tilbudet …").is_visible()
    finally:
        restore_clock(live_server.app)
