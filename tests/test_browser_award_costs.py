"""In a real Chromium, the lead shares the contract price: marks an option municipality, chooses a fixed
share plus population and reads the table, switches to custom percentages that do not sum to 100 and is told
so in Norwegian, fixes them, and downloads the workbook."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from tests.browser_helpers import log_in
from tests.evaluation_helpers import live_setup, restore_clock
from tests.test_browser_negotiation import _score_current_round

pytestmark = pytest.mark.browser


def _table(page, name: str) -> dict[str, list[str]]:
    rows = page.get_by_role("table", name=name).locator("tbody tr")
    found = {}
    for i in range(rows.count()):
        cells = rows.nth(i).locator("th, td").all_inner_texts()
        found[cells[0]] = cells[1:]
    return found


def test_the_lead_marks_an_option_municipality_chooses_the_key_fixes_custom_percentages_and_downloads(
    live_server, page
) -> None:
    app = live_server.app
    w = live_setup(app, evaluators=1, vendors=2, leaves=1)
    try:
        a, b = w.vendor_names
        _score_current_round(app, w.tender_id, {a: 8, b: 5})
        url = live_server.url
        log_in(page, url, w.lead)
        page.goto(f"{url}/konkurranser/{w.tender_id}")
        page.get_by_role("link", name="Kostnadsfordeling").click()
        page.get_by_role("heading", name="Kostnadsfordeling og opsjonskommuner").wait_for()

        # Porsgrunn becomes an option municipality: Skien carries the common cost alone
        option = page.get_by_role("form", name="Opsjonskommune")
        option.get_by_label("Kommune").select_option(label="Porsgrunn")
        option.get_by_label("Status").select_option("opsjon")
        option.get_by_role("button", name="Lagre status").click()
        page.get_by_text("Porsgrunn er nå opsjonskommune").wait_for()
        assert list(_table(page, "Kostnadene per bundet kommune")) == ["Skien"]
        assert list(_table(page, "Opsjonskommunenes egne priser")) == ["Porsgrunn"]

        # a fixed 20 % each, the rest by population (one bound municipality: it all goes to Skien)
        key = page.get_by_role("form", name="Fordelingsnøkkel")
        key.get_by_label("Fordelingsnøkkel").select_option(
            label="Fast andel hver, resten etter innbyggertall"
        )
        key.get_by_label("Fast andel som deles likt (prosent)").fill("20")
        key.get_by_role("button", name="Lagre fordelingsnøkkel").click()
        page.get_by_text("Kostnadsfordelingen er satt").wait_for()
        skien = _table(page, "Kostnadene per bundet kommune")["Skien"]
        assert skien[0] == "100\u00a0%" and skien[1] == "1\u00a0000\u00a0000,00\u00a0kr"

        # Porsgrunn bound again; custom percentages that sum to 99,5 are refused in Norwegian
        option = page.get_by_role("form", name="Opsjonskommune")
        option.get_by_label("Kommune").select_option(label="Porsgrunn")
        option.get_by_label("Status").select_option("bundet")
        option.get_by_role("button", name="Lagre status").click()
        page.get_by_text("Porsgrunn er nå bundet").wait_for()
        key = page.get_by_role("form", name="Fordelingsnøkkel")
        key.get_by_label("Fordelingsnøkkel").select_option(label="Egne prosentsatser")
        key.get_by_label("Prosentsats for Skien").fill("60")
        key.get_by_label("Prosentsats for Porsgrunn").fill("39,5")
        key.get_by_role("button", name="Lagre fordelingsnøkkel").click()
        page.get_by_text(
            "Prosentsatsene må summere til nøyaktig 100 %; de summerer nå til 99,5 %."
        ).wait_for()
        # nothing changed: the fixed share is still the key
        assert (
            "Valgt: Fast andel hver, resten etter innbyggertall" in page.locator("#valgt-nokkel").inner_text()
        )

        key = page.get_by_role("form", name="Fordelingsnøkkel")
        key.get_by_label("Prosentsats for Porsgrunn").fill("40")
        key.get_by_role("button", name="Lagre fordelingsnøkkel").click()
        page.get_by_text("Kostnadsfordelingen er satt: egne prosentsatser.").wait_for()
        rows = _table(page, "Kostnadene per bundet kommune")
        assert rows["Skien"][:2] == ["60\u00a0%", "600\u00a0000,00\u00a0kr"]
        assert rows["Porsgrunn"][:2] == ["40\u00a0%", "400\u00a0000,00\u00a0kr"]

        with page.expect_download() as caught:
            page.get_by_role("link", name="Last ned kostnadsfordelingen").click()
        download = caught.value
        assert download.suggested_filename == f"kostnadsfordeling-{w.tender_id}.xlsx"
        book = openpyxl.load_workbook(io.BytesIO(Path(download.path()).read_bytes()))
        sheet = book["Kostnadsfordeling"]
        assert sheet["B3"].value == "Egne prosentsatser"
        assert {sheet["E12"].value, sheet["E13"].value} == {float(Decimal(60)), float(Decimal(40))}
    finally:
        restore_clock(app)
