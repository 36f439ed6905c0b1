"""In a real Chromium: the demo vendor uploads a sample, sees it queued, and the page follows it (by polling)
until the report is there, while a real queue consumer does the work."""
from __future__ import annotations

import pytest

from tender.demo import DEMO_PASSWORD, VENDOR_USER
from tests.test_browser_security import csp_messages
from tests.test_noark_tasks import zipped_extract

pytestmark = pytest.mark.browser


def test_the_vendor_uploads_a_sample_and_the_page_follows_it_to_the_valid_report(live_server, page, tmp_path) -> None:
    from tender.noark.tasks import start_consumer

    extract = zipped_extract(tmp_path)
    violations = csp_messages(page)
    page.goto(live_server.url + "/logg-inn")
    page.get_by_label("E-postadresse").fill(VENDOR_USER[0])
    page.get_by_label("Passord").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    page.get_by_role("heading", name="Mine konkurranser").wait_for()
    page.get_by_role("link", name="Felles sak- og arkivsystem for Grenland").click()
    page.get_by_role("link", name="Prøveuttrekk").click()
    page.get_by_label("Prøveuttrekk (.zip").set_input_files(str(extract))
    page.get_by_role("button", name="Last opp og kontroller").click()
    page.get_by_text("står i kø for kontroll").wait_for()
    row = page.get_by_role("row").filter(has_text="uttrekk.zip").first
    assert row.get_by_text("I kø (queued)").is_visible()
    assert row.locator("progress").is_visible()
    # the poller (a static script: the Content-Security-Policy allows no inline one) asks for the progress
    with page.expect_response(lambda r: r.url.endswith("/prover/status.json"), timeout=10_000) as polled:
        pass
    assert polled.value.ok
    consumer = start_consumer(live_server.app, workers=1)  # the worker comes up after the upload
    try:
        page.get_by_role("row").filter(has_text="uttrekk.zip").first.get_by_text("Gyldig (valid)").wait_for(
            timeout=60_000)
    finally:
        consumer.stop(graceful=True)
    page.get_by_role("link", name="Vis (view)").first.click()
    page.get_by_text("ingen kontroll fant feil").wait_for()
    assert page.get_by_role("link", name="Last ned alle funn (JSON)").is_visible()
    assert violations == []
