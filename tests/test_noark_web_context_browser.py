"""In a real Chromium: a vendor uploads a Noark 5 sample whose arkivuttrekk.xml claims one mappe too many,
opens its report, and reads at the top the extract's context (arkivskaper, system, archival period, period
separation) and the counts stated against those found, the wrong one marked."""

from __future__ import annotations

from typing import Any

import pytest

from tests.noark_generator import ARKIVSKAPER
from tests.test_browser_security import csp_messages
from tests.test_noark_tasks import zipped_extract
from tests.test_noark_web_browser import open_tender, upload_and_open_report

pytestmark = pytest.mark.browser


def test_a_vendor_reads_the_extract_s_context_and_the_count_that_does_not_match_at_the_top_of_its_report(
    live_server: Any, page: Any, tmp_path: Any
) -> None:
    from tender.noark.tasks import start_consumer
    from tests.evaluation_helpers import restore_clock

    sample = zipped_extract(tmp_path, errors={"wrong_count"}).rename(tmp_path / "uttrekk-med-feil-antall.zip")
    t = open_tender(live_server.app)
    consumer = start_consumer(live_server.app, workers=1)
    try:
        url = live_server.url
        violations = csp_messages(page)
        upload_and_open_report(page, url, t, sample)

        context = page.get_by_role("region", name="Uttrekkets kontekst (fra arkivuttrekk.xml)")
        context.wait_for()
        # at the top: the context comes before the findings
        assert (
            context.bounding_box()["y"]
            < page.get_by_role("heading", name="Tester med feil", exact=True).bounding_box()["y"]
        )
        facts = {
            context.get_by_role("row").nth(i).get_by_role("rowheader").inner_text(): context.get_by_role(
                "row"
            )
            .nth(i)
            .get_by_role("cell")
            .inner_text()
            for i in range(6)
        }
        assert facts["Arkivskaper"] == ARKIVSKAPER[1]
        assert facts["System"] == "Syntetisk saksbehandlingssystem"
        assert facts["Systemtype"] == "Sakarkiv (Noark-5)"
        assert facts["Periodeskille"] == "inngående: skarpt, utgående: skarpt"
        assert " – " in facts["Arkivperiode"] and "ikke oppgitt" not in facts["Arkivperiode"]

        counts = context.get_by_role("table", name="Antall oppgitt i uttrekket mot antall funnet")
        mappe = counts.get_by_role("row").filter(has_text="mappe").filter(has_text="arkivstruktur.xml").first
        assert [c.inner_text() for c in mappe.get_by_role("cell").all()][3:] == ["4", "3", "nei"]
        registrering = counts.get_by_role("row").filter(has_text="registrering").first
        assert [c.inner_text() for c in registrering.get_by_role("cell").all()][3:] == ["6", "6", "ja"]
        assert violations == []
    finally:
        consumer.stop(graceful=True)
        restore_clock(live_server.app)
