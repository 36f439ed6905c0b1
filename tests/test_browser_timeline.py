"""In a real Chromium: the lead moves the bid deadline to a Saturday, opens the timeline from the overview and
is told; a vendor opens its timeline from the overview and reads the deadlines, in Oslo time, without the
group's own events (issue 13, point 5)."""

from __future__ import annotations

import pytest

from tests.browser_helpers import log_in as _login
from tests.browser_helpers import log_out as _logout
from tests.evaluation_helpers import live_setup, restore_clock

pytestmark = pytest.mark.browser


def test_the_lead_sees_a_deadline_on_a_saturday_on_the_timeline_and_a_vendor_reads_its_own_timeline(
    live_server, page
) -> None:
    # the vendors have not bid yet; the clock stands a second before the bid deadline, Tuesday 15 December
    w = live_setup(live_server.app, evaluators=1, vendors=2, submit=False)
    try:
        url = live_server.url
        _login(page, url, w.lead)
        page.goto(f"{url}/konkurranser/{w.tender_id}")
        page.get_by_role("link", name="Rediger konkurransen og fristene").click()
        page.get_by_label("Tilbudsfrist (norsk tid)").fill("2026-12-19T12:00")
        page.get_by_role("button", name="Lagre").click()
        page.get_by_text("Konkurransen er oppdatert.").wait_for()

        page.get_by_role("link", name="Tidslinje med alle frister og hendelser").click()
        page.get_by_role("heading", name="Tidslinje", exact=True).wait_for()
        warnings = page.get_by_role("region", name="Verdt å se på")
        assert "Tilbudsfristen i runde 1 (19. desember 2026 kl. 12.00) er en lørdag." in warnings.inner_text()
        table = page.get_by_role("table", name="Tidslinje")
        assert table.get_by_role("row", name="Konkurransen kunngjort med kravspesifikasjonen").is_visible()
        assert table.get_by_text(
            "Tilbudsfristen endret fra 15. desember 2026 kl. 13.00 til 19. desember 2026 kl. 12.00"
        ).is_visible()
        assert table.get_by_text("Evalueringsmodellen låst").is_visible()
        _logout(page)

        _login(page, url, w.vendor_users[0])
        page.goto(f"{url}/konkurranser/{w.tender_id}")
        page.get_by_role("link", name="Tidslinje med fristene").click()
        page.get_by_role("heading", name="Tidslinje for leverandørene").wait_for()
        table = page.get_by_role("table", name="Tidslinje for leverandørene")
        deadline = table.get_by_role("row", name="Tilbudsfrist")
        assert "19. desember 2026 kl. 12.00" in deadline.inner_text()
        assert "Frist fram i tid" in deadline.inner_text()
        assert table.get_by_role("row", name="Konkurransen kunngjort med kravspesifikasjonen").is_visible()
        text = page.locator("main").inner_text()
        for internal in ("endret", "låst", "godkjente", "Verdt å se på"):
            assert internal not in text
    finally:
        restore_clock(live_server.app)
