"""In a real Chromium: a vendor fills in "Mitt tilbud" as a person would and submits it; two members of the
group, each in their own browser, open the bids; the lead sets the tender to one-person opening."""

from __future__ import annotations

import hashlib
import json
import re

import pytest

from tests.browser_helpers import log_in as _login
from tests.evaluation_helpers import every_answer_form_spec, live_setup, restore_clock

pytestmark = pytest.mark.browser


def _requirement(page, number):
    return page.get_by_role("group", name=re.compile(rf"^{re.escape(number)} "))


def _new_page(browser):
    context = browser.new_context(locale="nb-NO", timezone_id="Europe/Oslo")
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


def test_a_vendor_fills_in_saves_and_submits_a_bid_in_the_browser(live_server, page, tmp_path) -> None:
    w = live_setup(live_server.app, vendors=1, submit=False, content=every_answer_form_spec())
    try:
        url = live_server.url
        _login(page, url, w.vendor_users[0])
        page.locator(f"a[href='/konkurranser/{w.tender_id}']").click()
        page.get_by_role("link", name="Mitt tilbud").click()
        page.get_by_role("heading", name=f"Tilbud fra {w.vendor_names[0]}").wait_for()
        assert page.get_by_text("Ikke påbegynt").is_visible()

        first = _requirement(page, "1.1")
        first.get_by_label("Oppfylt?").select_option("Ja")
        first.get_by_label("Beskrivelse av løsningen").fill("Uttrekk etter Noark 5 versjon 5.0.")
        first.get_by_label("Henvisning til dokumentasjon").fill("Vedlegg 2, kap. 4")
        second = _requirement(page, "1.2")
        second.get_by_label("Oppfylt?").select_option("Delvis")
        second.get_by_label("Jeg tar forbehold mot dette kravet").check()
        second.get_by_label("Forbeholdet", exact=True).fill("Fulltekstsøk i vedlegg krever tilleggsmodul.")
        third = _requirement(page, "1.3")
        third.get_by_label("Svar", exact=True).click()
        page.keyboard.type("PostgreSQL 16")
        fourth = _requirement(page, "1.4")
        fourth.get_by_label("Svar (tall)").click()
        page.keyboard.type("mange")  # a slip: not a number

        prices = page.locator("#bid-form table")
        inputs = prices.get_by_role("textbox")
        assert inputs.count() == 3  # one-off item, and the yearly item for each of the two municipalities
        prices.get_by_label("Lisenser og innføring").fill("1 250 000,50")
        prices.get_by_label("Drift og vedlikehold Skien").fill("180 000")
        prices.get_by_label("Drift og vedlikehold Porsgrunn").fill("120 000")

        page.get_by_role("button", name="Lagre utkast").click()
        alert = page.get_by_role("alert")
        alert.wait_for()
        assert "Utkastet er ikke lagret" in alert.inner_text()
        assert "Krav 1.4, «Svar (tall)»: Svaret må være et tall, ikke «mange»." in alert.inner_text()
        fourth = _requirement(page, "1.4")
        assert fourth.get_by_text("Svaret må være et tall").is_visible()
        assert fourth.get_by_label("Svar (tall)").get_attribute("aria-invalid") == "true"
        # nothing the vendor typed is lost
        assert _requirement(page, "1.3").get_by_label("Svar", exact=True).input_value() == "PostgreSQL 16"
        assert prices.get_by_label("Lisenser og innføring").input_value() == "1 250 000,50"

        field = fourth.get_by_label("Svar (tall)")
        field.click()
        field.press("Control+a")
        page.keyboard.type("1 500")
        page.get_by_role("button", name="Lagre utkast").click()
        page.get_by_text("Utkastet er lagret.").wait_for()
        assert "Status: Utkast." in page.locator("p", has_text="Status:").inner_text()
        assert (
            _requirement(page, "1.2").get_by_label("Forbeholdet", exact=True).input_value()
            == "Fulltekstsøk i vedlegg krever tilleggsmodul."
        )
        assert _requirement(page, "1.2").get_by_label("Jeg tar forbehold mot dette kravet").is_checked()
        assert prices.get_by_label("Drift og vedlikehold Skien").input_value() == "180000,00"

        attachment = tmp_path / "losningsbeskrivelse.pdf"
        attachment.write_bytes(b"%PDF-1.4 Losningsbeskrivelse for Grenland")
        page.get_by_label("Vedlegg", exact=True).set_input_files(str(attachment))
        page.get_by_role("button", name="Last opp vedlegget").click()
        page.get_by_text("Vedlegget er lastet opp.").wait_for()
        assert page.get_by_role("link", name="losningsbeskrivelse.pdf").is_visible()

        page.get_by_role("button", name="Lever tilbudet").click()
        page.get_by_role("heading", name="Kvittering for levert tilbud").wait_for()
        shown = page.locator("#receipt-hash").inner_text().strip()
        assert re.fullmatch(r"[0-9a-f]{64}", shown)

        from tender.bids import operations as bid_ops
        from tender.extensions import db
        from tender.tenders.models import Tender

        with live_server.app.app_context():
            tender = db.session.get(Tender, w.tender_id)
            bid = bid_ops.bid_of(tender, tender.participating_vendors[0].id)
            content = bid_ops.bid_content(bid)
            canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
            assert bid.receipt_sha256 == shown == hashlib.sha256(canonical.encode()).hexdigest()
            answers = {a["requirement"]: a for a in content["answers"]}
            assert {k: a["fulfilled"] for k, a in answers.items()} == {
                "R0001": "Ja",
                "R0002": "Delvis",
                "R0003": "PostgreSQL 16",
                "R0004": "1 500",
            }
            assert answers["R0002"]["reservation"] is True
            assert sorted(p["amount"] for p in content["prices"]) == ["120000.00", "1250000.50", "180000.00"]
            assert [a["filename"] for a in content["attachments"]] == ["losningsbeskrivelse.pdf"]
            assert content["attachments"][0]["sha256"] == hashlib.sha256(attachment.read_bytes()).hexdigest()
    finally:
        restore_clock(live_server.app)


def test_the_lead_and_an_evaluator_each_in_their_own_browser_open_the_bids(live_server, browser) -> None:
    w = live_setup(live_server.app, vendors=2, opened=False)
    url = live_server.url
    bids = f"{url}/konkurranser/{w.tender_id}/evaluering/tilbud"
    lead_context, lead = _new_page(browser)
    evaluator_context, evaluator = _new_page(browser)
    try:
        _login(lead, url, w.lead)
        lead.goto(bids)
        lead.get_by_text("Tilbudene er ikke åpnet").wait_for()
        lead.get_by_role("button", name="Bekreft åpning av tilbudene").click()
        lead.get_by_text("Bekreftelsen din er registrert").wait_for()
        assert lead.get_by_text("Én bekreftelse til trengs").is_visible()
        assert lead.get_by_role("button", name=re.compile("Bekreft")).count() == 0
        for name in w.vendor_names:
            assert lead.get_by_text(name).count() == 0

        # withdrawn and given again: still one confirmation, still sealed
        lead.get_by_role("button", name="Trekk tilbake bekreftelsen min").click()
        lead.get_by_text("Bekreftelsen din er trukket tilbake").wait_for()
        lead.get_by_role("button", name="Bekreft åpning av tilbudene").click()
        lead.get_by_text("Bekreftelsen din er registrert").wait_for()

        _login(evaluator, url, w.evaluators[0])
        evaluator.goto(bids)
        assert evaluator.get_by_text(f"{w.lead.name} bekreftet åpningen").is_visible()
        evaluator.get_by_role("button", name="Bekreft og åpne tilbudene").click()
        evaluator.get_by_text("Tilbudene er åpnet.").wait_for()
        evaluator.get_by_role("heading", name="Åpningsprotokoll").wait_for()
        opened_by = evaluator.locator("#apnet-av").inner_text()
        assert f"{w.lead.name} (prosjektleder) og {w.evaluators[0].name} (evaluator)" in opened_by
        assert re.search(r"Åpnet \d{1,2}\. [a-zæøå]+ \d{4} kl\. \d\d\.\d\d\.\d\d av", opened_by)
        delivered = evaluator.get_by_role("table", name="Leverte tilbud")
        for name in w.vendor_names:
            assert delivered.get_by_text(name).is_visible()
        assert delivered.locator("code").count() == 2

        lead.reload()
        lead.get_by_role("heading", name="Tilbudene").wait_for()
        for name in w.vendor_names:
            assert lead.get_by_role("link", name=name).is_visible()
    finally:
        lead_context.close()
        evaluator_context.close()
        restore_clock(live_server.app)


def test_the_lead_sets_one_person_opening_before_the_deadline_in_the_browser(live_server, page) -> None:
    w = live_setup(live_server.app, vendors=1, submit=False)
    try:
        _login(page, live_server.url, w.lead)
        page.goto(f"{live_server.url}/konkurranser/{w.tender_id}/evaluering/tilbud")
        form = page.get_by_role("form", name="Hvem åpner tilbudene")
        form.get_by_label("Hvem åpner tilbudene").select_option(
            label="Én person: prosjektleder alene (små konkurranser)"
        )
        form.get_by_role("button", name="Lagre innstillingen").click()
        page.get_by_text("prosjektleder kan åpne tilbudene alene").wait_for()
        assert page.get_by_text("prosjektleder åpner tilbudene alene").is_visible()
        assert page.get_by_role("combobox", name="Hvem åpner tilbudene").input_value() == "1"
    finally:
        restore_clock(live_server.app)
