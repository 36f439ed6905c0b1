"""In a real Chromium: an evaluator finds that a bid fails a minimum requirement, the lead sees it marked for
rejection, is told that a rejection needs its reason, writes one, confirms it on the page that names the bid,
and the bid list shows it rejected; and a rejection confirmed by mistake is undone with a reason."""

from __future__ import annotations

import pytest

from tests.browser_helpers import log_in as _login
from tests.evaluation_helpers import PASSWORD, live_setup, restore_clock

pytestmark = pytest.mark.browser


def test_the_lead_rejects_a_bid_that_fails_a_minimum_requirement_with_a_reason(live_server, page) -> None:
    w = live_setup(live_server.app, evaluators=1, vendors=2, leaves=1)
    try:
        url = live_server.url
        bid_page = f"{url}/konkurranser/{w.tender_id}/evaluering/tilbud/{w.bid_ids[0]}"
        vendor = w.vendor_names[0]

        _login(page, url, w.evaluators[0])
        page.goto(bid_page)
        assert page.get_by_role("button", name="Avvis tilbudet …").count() == 0  # the lead's decision
        page.locator("#k-R0001").get_by_text("Endre 1.1").click()
        alone = page.get_by_role("form", name="Vurdering av 1.1")
        alone.get_by_label("Vurdering").select_option(label="Ikke oppfylt")
        alone.get_by_label("Begrunnelse").fill("Leverer ikke Noark 5-uttrekk")
        alone.get_by_role("button", name="Lagre vurdering").click()
        page.get_by_text("Vurderingen av R0001 er lagret.").wait_for()
        page.get_by_role("button", name="Logg ut").click()

        _login(page, url, w.lead)
        page.goto(bid_page)
        marked = "Tilbudet oppfyller ikke minstekrav R0001 og er markert for avvisning."
        assert page.get_by_text(marked).is_visible()
        reason = page.get_by_label("Begrunnelse for avvisning")
        # no reason: refused in words, and the bid is still in the evaluation
        page.get_by_role("button", name="Avvis tilbudet …").click()
        page.get_by_text("Begrunnelse for avvisning: Skriv begrunnelsen.").wait_for()
        assert page.get_by_text("Med i evalueringen").is_visible()

        reason.fill("Oppfyller ikke minstekrav 1.1 (Noark 5-uttrekk), jf. evaluators vurdering.")
        page.get_by_role("button", name="Avvis tilbudet …").focus()
        page.keyboard.press("Enter")
        page.get_by_role("heading", name=f"Avvise tilbudet fra {vendor}?").wait_for()
        page.get_by_label("Jeg har kontrollert tilbudet og begrunnelsen, og vil avvise tilbudet").check()
        page.get_by_role("button", name=f"Avvis tilbudet fra {vendor}").focus()
        page.keyboard.press("Enter")
        page.get_by_text(f"Tilbudet fra {vendor} er avvist.").wait_for()
        status = page.locator("dl.facts")
        assert "Avvist: Oppfyller ikke minstekrav 1.1 (Noark 5-uttrekk)" in status.inner_text()
        assert page.get_by_role("button", name="Avvis tilbudet …").count() == 0

        page.get_by_role("link", name="Tilbud", exact=True).click()
        rows = (
            page.get_by_role("row")
            .filter(has_text="evalueringen")
            .or_(page.get_by_role("row").filter(has_text="Avvist:"))
        )
        assert "Avvist: Oppfyller ikke minstekrav 1.1" in rows.filter(has_text=vendor).inner_text()
        assert "Med i evalueringen" in rows.filter(has_text=w.vendor_names[1]).inner_text()
    finally:
        restore_clock(live_server.app)


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
