"""In a real Chromium: the lead finds the procurement protocol on the tender's page and downloads the PDF
and the JSON; the JSON validates against the shipped schema and names the opened bids; an evaluator sees no
link."""

from __future__ import annotations

import json
import subprocess

import pytest

from tests.browser_helpers import log_in as _login
from tests.browser_helpers import log_out as _logout
from tests.evaluation_helpers import live_setup, restore_clock
from tests.test_protocol import problems

pytestmark = pytest.mark.browser


def test_the_lead_downloads_the_protocol_from_the_tender_page_and_an_evaluator_finds_no_link(
    live_server, page
) -> None:
    w = live_setup(live_server.app, evaluators=1, vendors=2, leaves=1)
    try:
        url = live_server.url
        _login(page, url, w.lead)
        page.goto(f"{url}/konkurranser/{w.tender_id}")
        protocol = page.get_by_text("Anskaffelsesprotokoll:")
        with page.expect_download() as caught:
            protocol.get_by_role("link", name="PDF").click()
        pdf = caught.value
        assert pdf.suggested_filename == "anskaffelsesprotokoll-2026-0099.pdf"
        text = subprocess.run(
            ["pdftotext", str(pdf.path()), "-"], capture_output=True, timeout=60, check=True
        ).stdout.decode()
        assert "Anskaffelsesprotokoll" in text and "Evalueringstest" in text
        with page.expect_download() as caught:
            protocol.get_by_role("link", name="JSON").click()
        data = json.loads(caught.value.path().read_bytes())
        assert problems(data) == []
        assert {b["vendor"] for b in data["evaluation"]["rounds"][0]["bids"]} == set(w.vendor_names)
        _logout(page)

        _login(page, url, w.evaluators[0])
        page.goto(f"{url}/konkurranser/{w.tender_id}")
        page.get_by_role("heading", name="Evalueringstest").wait_for()
        assert page.get_by_text("Anskaffelsesprotokoll:").count() == 0
    finally:
        restore_clock(live_server.app)
