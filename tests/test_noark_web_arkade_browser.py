"""In a real Chromium: a vendor uploads a Noark 5 sample with a duplicated systemID, follows it to its
report, and reads it as Arkade would show it: the tests with errors listed at the top, a click on one goes to
its row in the table of every Arkade test (N5.01–N5.64, in Arkade's order), our own checks apart below; the
report in Arkade's format downloads and validates against Arkade's testReport.xsd.

The tender is built in the live server's own database; the clock is held one second before the deadline.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from tests.evaluation_helpers import restore_clock
from tests.test_browser_security import csp_messages
from tests.test_noark_tasks import zipped_extract
from tests.test_noark_web_browser import open_tender, upload_and_open_report

pytestmark = pytest.mark.browser

XSD = Path(__file__).resolve().parents[1] / ".." / "shared" / "noark5" / "reference" / "testReport.xsd"


def test_a_vendor_reads_the_report_of_its_sample_by_arkade_test_and_downloads_it_in_arkades_format(
    live_server, page, tmp_path
) -> None:
    from tender.noark.tasks import start_consumer

    sample = zipped_extract(tmp_path, errors={"duplicate_systemid"}).rename(
        tmp_path / "uttrekk-dobbel-id.zip"
    )
    t = open_tender(live_server.app)
    consumer = start_consumer(live_server.app, workers=1)
    try:
        url = live_server.url
        violations = csp_messages(page)
        upload_and_open_report(page, url, t, sample)

        # the tests with errors first, each a link to its row
        page.get_by_role("heading", name="Tester med feil").wait_for()
        page.get_by_role("link", name="N5.47 Systemidentifikasjoner").click()
        assert page.url.endswith("#arkade-N5.47")
        n547 = page.locator("#arkade-N5\\.47")
        assert n547.is_visible() and n547.get_by_text("Feil", exact=True).is_visible()
        assert n547.get_by_text("brukes 2 ganger").is_visible()

        # every Arkade test in Arkade's order, then our own checks
        table = page.get_by_role("table", name="Arkade-tester")
        ids = table.locator("tbody > tr > th code").all_inner_texts()
        assert ids[0] == "N5.01" and ids[-1] == "N5.64" and len(ids) == 54 and ids == sorted(ids)
        n504 = page.locator("#arkade-N5\\.04")
        assert n504.get_by_text("Bestått", exact=True).is_visible()
        assert n504.get_by_text("Antall arkiv: 1").is_visible()
        assert page.get_by_role("heading", name="Kontroller som Arkade ikke har").is_visible()

        # the report in Arkade's own format, to put beside Arkade's
        with page.expect_download() as download:
            page.get_by_role("link", name="Last ned rapporten i Arkades format (XML)").click()
        target = tmp_path / download.value.suggested_filename
        download.value.save_as(target)
        doc = etree.parse(str(target))
        schema = etree.XMLSchema(etree.parse(str(XSD)))
        assert schema.validate(doc), schema.error_log
        assert doc.xpath("//ExecutedTest[TestId='N5.47']/NumberOfErrors/text()") == ["1"]
        assert violations == []
    finally:
        if consumer is not None:
            consumer.stop(graceful=True)
        restore_clock(live_server.app)
