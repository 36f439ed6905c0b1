"""In a real Chromium: the lead opens the archive package's page from the tender's menu, chooses Skien and
downloads the package; every file's hash in its manifest matches the file, the manifest names Skien, and the
audit trail shows the package's own hash (issue 14, point 7)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from tests.browser_helpers import log_in
from tests.evaluation_helpers import live_setup, restore_clock
from tests.test_archive_package import open_package

pytestmark = pytest.mark.browser


def test_the_lead_chooses_a_municipality_downloads_the_package_and_finds_its_hash_in_the_audit_trail(
    live_server, page, tmp_path: Path
) -> None:
    w = live_setup(live_server.app, evaluators=1, vendors=2)
    try:
        url = live_server.url
        log_in(page, url, w.lead)
        page.goto(f"{url}/konkurranser/{w.tender_id}")
        page.get_by_role("navigation", name="Konkurranse").get_by_role("link", name="Arkivpakke").click()
        page.get_by_role("heading", name="Arkivpakke").wait_for()

        page.get_by_label("Kommune").select_option(label="Skien")
        with page.expect_download() as info:
            page.get_by_role("button", name="Last ned arkivpakke").click()
        download = info.value
        assert (
            download.suggested_filename.startswith("arkivpakke-") and "Skien" in download.suggested_filename
        )
        saved = tmp_path / download.suggested_filename
        download.save_as(saved)
        data = saved.read_bytes()

        manifest, files = open_package(data)
        assert manifest["pakke"]["kommune"]["navn"] == "Skien"
        assert manifest["pakke"]["bygget_av"] == w.lead.name
        # the opened bids are in it, in their round's folder
        receipts = [p for p in files if p.startswith("2-tilbud/runde-1/") and p.endswith("/kvittering.json")]
        assert len(receipts) == 2

        page.goto(f"{url}/konkurranser/{w.tender_id}/revisjonsspor")
        event = page.get_by_role("row").filter(has_text="Arkivpakke laget")
        assert hashlib.sha256(data).hexdigest() in event.first.inner_text()
    finally:
        restore_clock(live_server.app)
