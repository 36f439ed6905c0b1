"""In a real Chromium: once every municipality approved the recommendation, the lead sends the notices of
award; the contract is refused inside the standstill; a losing vendor reads its own notice (and no other) in
the portal; time moves past the standstill and the lead records the signed contract. PDFs are read back with
``pdftotext``."""

from __future__ import annotations

import hashlib
import re
import subprocess
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest

from tests.award_helpers import approved_recommendation
from tests.browser_helpers import log_in as _login
from tests.browser_helpers import log_out as _logout
from tests.evaluation_helpers import BEFORE, Clock, restore_clock
from tests.negotiation_helpers import negotiation_setup
from tests.prequalification_helpers import live_builders
from tests.test_award_contract import ENDS, SIGNED_PDF
from tests.test_award_notices import ISSUED

pytestmark = pytest.mark.browser


@dataclass(frozen=True)
class World:
    tender_id: int
    lead: str
    vendor_user: str


def _live_approved(app: Any) -> tuple[World, Clock]:
    from tender.extensions import db

    b = live_builders(db, title="Tildeling", case_reference="2026/0714")
    clock = Clock(BEFORE)  # the bids go in before the deadline
    app.config["CLOCK"] = clock
    with app.app_context():
        s = negotiation_setup(db, b.create_tender, b.add_member, b.create_user, clock)
        approved_recommendation(s.tender)
        db.session.commit()
        clock.set(ISSUED)
        return World(s.tender.id, s.lead.email, s.vendor_users[1].email), clock


def _text(data: bytes) -> str:
    done = subprocess.run(
        ["pdftotext", "-q", "-", "-"], input=data, capture_output=True, timeout=60, check=True
    )
    return re.sub(r"\s+", " ", done.stdout.decode("utf-8"))


def _fill_contract(page: Any, document: Any, signed_at: str) -> None:
    page.get_by_label("Den signerte kontrakten (PDF)").set_input_files(str(document))
    page.get_by_label("Signert (norsk tid)").fill(signed_at)
    page.get_by_label("Signert for kommunene av").fill("Kari Rådmann (Skien)\nPer Rådmann (Porsgrunn)")
    page.get_by_label("Signert for leverandøren av").fill("Anne Direktør, Leverandør A AS")
    page.get_by_role("button", name="Registrer den signerte kontrakten").click()


def test_the_lead_sends_the_notices_a_vendor_reads_its_own_and_after_the_standstill_the_contract_is_recorded(
    live_server: Any, page: Any, tmp_path: Any
) -> None:
    w, clock = _live_approved(live_server.app)
    document = tmp_path / "kontrakt-signert.pdf"
    document.write_bytes(SIGNED_PDF)
    try:
        url = live_server.url
        _login(page, url, w.lead)
        page.goto(f"{url}/konkurranser/{w.tender_id}")
        page.get_by_role("link", name="Meddelelser om tildeling").click()
        page.get_by_text("Alle kommunene som er bundet av kontrakten, har godkjent innstillingen").wait_for()
        page.get_by_text("Sendes meddelelsene nå, løper karensperioden til 2. januar 2027").wait_for()
        page.get_by_label("Karensperiode (dager)").fill("10")
        page.get_by_role("button", name="Send meddelelsene om tildeling").click()
        page.get_by_text("3 meddelelser om tildeling er sendt").wait_for()
        assert page.get_by_text("Karensperioden slutter på en lørdag (2. januar 2027).").count() == 1
        # inside the standstill the contract is refused, with the period's end
        _fill_contract(page, document, "2027-01-01T12:00")
        page.get_by_text(
            "Kontrakten kan ikke signeres før karensperioden er over 2. januar 2027 kl. 24.00 (norsk tid)."
        ).first.wait_for()
        _logout(page)

        _login(page, url, w.vendor_user)
        page.goto(f"{url}/konkurranser/{w.tender_id}")
        page.get_by_role("link", name="Meddelelser om tildeling").click()
        page.get_by_role("heading", name="Meddelelse om tildeling").wait_for()
        assert page.get_by_text("Leverandør A AS").count() == 0
        assert page.get_by_text("Leverandør C AS").count() == 0
        assert page.get_by_role("button").filter(has_text="Send meddelelsene").count() == 0
        with page.expect_download() as download:
            page.get_by_role("link", name="Meddelelse om tildeling til Leverandør B AS (PDF)").click()
        target = tmp_path / "meddelelse.pdf"
        download.value.save_as(target)
        notice = _text(target.read_bytes())
        assert "Til: Leverandør B AS" in notice and "tildele kontrakten til Leverandør A AS" in notice
        assert "Leverandør C" not in notice
        _logout(page)

        clock.set(ENDS + timedelta(days=3))
        _login(page, url, w.lead)
        page.goto(f"{url}/konkurranser/{w.tender_id}/tildeling/meddelelser")
        page.get_by_text("Karensperioden er over; den signerte kontrakten kan registreres.").wait_for()
        _fill_contract(page, document, "2027-01-04T10:30")
        page.get_by_text("Den signerte kontrakten er registrert med kontrollsum").wait_for()
        digest = hashlib.sha256(SIGNED_PDF).hexdigest()
        assert page.locator("#kontrakt-sha256").inner_text() == digest
        page.get_by_text("For leverandøren: Anne Direktør, Leverandør A AS").wait_for()
        page.goto(f"{url}/konkurranser/{w.tender_id}")
        page.get_by_text("Kontrakt – her står den nå").wait_for()
    finally:
        restore_clock(live_server.app)
