"""In a real Chromium: the lead sends the notices of award in a negotiation where a vendor was reduced
after round 1; that vendor's user logs in, opens «Meddelelser om tildeling» from the tender's page, downloads
its own notice and reads in it (``pdftotext``) the winner, the round and the reason; the other bidders'
notices are not offered to it."""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from typing import Any

import pytest

from tests.browser_helpers import log_in as _login
from tests.browser_helpers import log_out as _logout
from tests.evaluation_helpers import BEFORE, Clock, restore_clock
from tests.prequalification_helpers import live_builders
from tests.reduced_award_helpers import REASON, reduced_award

pytestmark = pytest.mark.browser


@dataclass(frozen=True)
class World:
    tender_id: int
    lead: str
    reduced_user: str
    reduced: str
    winner: str
    loser: str


def _live(app: Any) -> World:
    from tender.extensions import db

    b = live_builders(db, title="Redusert", case_reference="2026/0715")
    clock = Clock(BEFORE)  # the first bids go in before the deadline
    app.config["CLOCK"] = clock
    with app.app_context():
        s = reduced_award(db, b.create_tender, b.add_member, b.create_user, clock)
        return World(
            s.tender.id,
            s.lead.email,
            s.vendor_users[2].email,
            s.vendors[2].name,
            s.vendors[0].name,
            s.vendors[1].name,
        )


def _text(data: bytes) -> str:
    done = subprocess.run(
        ["pdftotext", "-q", "-", "-"], input=data, capture_output=True, timeout=60, check=True
    )
    return re.sub(r"\s+", " ", done.stdout.decode("utf-8"))


def test_the_reduced_vendor_downloads_and_reads_its_own_notice_of_award(
    live_server: Any, page: Any, tmp_path: Any
) -> None:
    w = _live(live_server.app)
    try:
        url = live_server.url
        _login(page, url, w.lead)
        page.goto(f"{url}/konkurranser/{w.tender_id}/tildeling/meddelelser")
        page.get_by_text("leverandørene som ble redusert bort").first.wait_for()
        page.get_by_label("Karensperiode (dager)").fill("10")
        page.get_by_role("button", name="Send meddelelsene om tildeling").click()
        page.get_by_text("3 meddelelser om tildeling er sendt").wait_for()
        page.get_by_text("(redusert bort etter runde 1)").wait_for()
        _logout(page)

        _login(page, url, w.reduced_user)
        page.goto(f"{url}/konkurranser/{w.tender_id}")
        page.get_by_role("link", name="Meddelelser om tildeling").click()
        page.get_by_role("heading", name="Meddelelse om tildeling").wait_for()
        assert page.get_by_text("Det finnes ingen meddelelse til dere.").count() == 0
        assert page.get_by_text(w.winner).count() == 0 and page.get_by_text(w.loser).count() == 0
        with page.expect_download() as download:
            page.get_by_role("link", name=f"Meddelelse om tildeling til {w.reduced} (PDF)").click()
        target = tmp_path / "meddelelse.pdf"
        download.value.save_as(target)
        notice = _text(target.read_bytes())
        assert f"Til: {w.reduced}" in notice and f"tildele kontrakten til {w.winner}" in notice
        assert "ikke tatt videre etter runde 1 av forhandlingene" in notice and REASON in notice
        assert "Karensperioden er 10 dager" in notice
        assert w.loser not in notice
    finally:
        restore_clock(live_server.app)
