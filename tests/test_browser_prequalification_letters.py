"""In a real Chromium, after the final selection: the lead makes the letters for sending and downloads a
rejection, the report and the matrix; a vendor user finds only their own letter and downloads it. The PDFs are
read back with ``pdftotext``."""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from typing import Any

import pytest

from tests.browser_helpers import log_in as _login
from tests.browser_helpers import log_out as _logout
from tests.evaluation_helpers import Clock, restore_clock
from tests.prequalification_helpers import PQ_AFTER, live_builders, pq_setup
from tests.prequalification_letters_helpers import NOT_MET_JUSTIFICATION, REJECTED, final_selection

pytestmark = pytest.mark.browser


@dataclass(frozen=True)
class World:
    tender_id: int
    lead: str
    vendor_user: str
    vendor: str
    rejected: str
    others: list[str]


def _live_final(app: Any) -> World:
    """The final selection of tests/prequalification_letters_helpers.py in the live server's own database."""
    from tender.extensions import db

    b = live_builders(db, title="Prekvalifisering", case_reference="2026/0712")
    app.config["CLOCK"] = Clock(PQ_AFTER)
    with app.app_context():
        s = pq_setup(db, b.create_tender, b.add_member, b.create_user)
        final = final_selection(db, s)
        names = [r.vendor.name for r in final.requests]
        return World(s.tender.id, s.lead.email, s.vendor_users[0].email, names[0], names[REJECTED], names[1:])


def _download(page: Any, link: str, target: Any) -> bytes:
    with page.expect_download() as download:
        page.get_by_role("link", name=link).click()
    download.value.save_as(target)
    return target.read_bytes()


def _text(data: bytes) -> str:
    done = subprocess.run(
        ["pdftotext", "-q", "-", "-"], input=data, capture_output=True, timeout=60, check=True
    )
    return re.sub(r"\s+", " ", done.stdout.decode("utf-8"))


def test_the_lead_makes_the_letters_and_a_vendor_downloads_only_its_own_invitation(
    live_server, page, tmp_path
) -> None:
    w = _live_final(live_server.app)
    try:
        url = live_server.url
        _login(page, url, w.lead)
        page.goto(f"{url}/konkurranser/{w.tender_id}")
        page.get_by_role("link", name="Brev om prekvalifiseringen").click()
        page.get_by_role("heading", name="Brev om prekvalifiseringen").wait_for()
        page.get_by_role("button", name="Lag brevene for utsending").click()
        page.get_by_text("6 brev er laget for utsending").wait_for()
        rejection = _text(_download(page, f"Brev til {w.rejected} (PDF)", tmp_path / "avvist.pdf"))
        assert "Avvisning av forespørsel om å delta" in rejection and NOT_MET_JUSTIFICATION in rejection
        report = _text(_download(page, "Last ned prekvalifiseringsrapporten (PDF)", tmp_path / "rapport.pdf"))
        assert "Prekvalifiseringsrapport" in report
        matrix = _download(page, "Last ned vurderingsmatrisen (Excel)", tmp_path / "matrise.xlsx")
        assert matrix[:2] == b"PK"
        page.goto(f"{url}/konkurranser/{w.tender_id}/revisjonsspor")
        assert (
            page.get_by_role("row").filter(has_text="Brev om prekvalifiseringen laget for utsending").count()
            == 6
        )
        _logout(page)

        _login(page, url, w.vendor_user)
        page.goto(f"{url}/konkurranser/{w.tender_id}")
        page.get_by_role("link", name="Brev om prekvalifiseringen").click()
        page.get_by_role("heading", name="Brev om prekvalifiseringen").wait_for()
        for other in w.others:
            assert page.get_by_text(other).count() == 0
        assert page.get_by_role("button", name="Lag brevene for utsending").count() == 0
        letter = _text(_download(page, f"Brev til {w.vendor} (PDF)", tmp_path / "invitasjon.pdf"))
        assert "Invitasjon til å gi tilbud" in letter and w.vendor in letter
    finally:
        restore_clock(live_server.app)
