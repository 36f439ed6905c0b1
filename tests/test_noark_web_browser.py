"""In a real Chromium: a vendor uploads a Noark 5 sample into its bid, follows the validation (by polling) to
its own report, replaces the failing sample with a corrected one before the deadline, fills in and submits the
bid, and finds the corrected sample on the receipt; the lead, before the opening, sees none of it.

The tender is built in the live server's own database (the demo's specification is still a draft, and a sample
can only go into a bid of a published tender); the live server's clock is held one second before the deadline.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.evaluation_helpers import PASSWORD, live_setup, restore_clock
from tests.test_browser_security import csp_messages
from tests.test_noark_tasks import zipped_extract

pytestmark = pytest.mark.browser


@dataclass(frozen=True)
class OpenTender:
    tender_id: int
    title: str
    vendor_name: str
    seller_email: str
    lead_email: str


def open_tender(app: Any) -> OpenTender:
    """A published tender with one vendor, open for bids, committed in the live server's database (its clock
    held one second before the deadline)."""
    w = live_setup(app, vendors=1, evaluators=1, leaves=1, submit=False)
    return OpenTender(w.tender_id, w.title, w.vendor_names[0], w.vendor_users[0].email, w.lead.email)


def _login(page: Any, url: str, email: str) -> None:
    page.goto(url + "/logg-inn")
    page.get_by_label("E-postadresse").fill(email)
    page.get_by_label("Passord").fill(PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    page.get_by_role("heading", name="Mine konkurranser").wait_for()


def upload_and_open_report(page: Any, url: str, t: Any, sample: Path, verdict: str = "Ugyldig") -> None:
    """As the vendor user of ``t`` (``open_tender``): upload ``sample`` on *Prøveuttrekk* as a person does,
    wait (a validation consumer must run) until its row shows ``verdict``, and open its report."""
    _login(page, url, t.seller_email)
    page.get_by_role("link", name=t.title).click()
    page.get_by_role("link", name="Prøveuttrekk").click()
    page.get_by_label("Prøveuttrekk (.zip").set_input_files(str(sample))
    page.get_by_role("button", name="Last opp og kontroller").click()
    row = page.get_by_role("row").filter(has_text=sample.name)
    row.get_by_text(verdict, exact=True).wait_for(timeout=60_000)
    row.get_by_role("link", name="Vis", exact=True).click()


def test_a_vendor_uploads_a_sample_sees_its_report_replaces_it_and_submits_it_with_the_bid(
    live_server, page, tmp_path
) -> None:
    from tender.noark.tasks import start_consumer

    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    failing = zipped_extract(tmp_path / "a", errors={"duplicate_systemid"}).rename(
        tmp_path / "forste-uttrekk.zip"
    )
    fixed = zipped_extract(tmp_path / "b").rename(tmp_path / "rettet-uttrekk.zip")
    t = open_tender(live_server.app)
    consumer = None
    try:
        url = live_server.url
        violations = csp_messages(page)
        _login(page, url, t.seller_email)
        page.get_by_role("link", name=t.title).click()
        page.get_by_role("link", name="Prøveuttrekk").click()

        # the first sample: queued, followed by the page until its report is there
        page.get_by_label("Prøveuttrekk (.zip").set_input_files(str(failing))
        page.get_by_role("button", name="Last opp og kontroller").click()
        page.get_by_text("står i kø for kontroll").wait_for()
        row = page.get_by_role("row").filter(has_text="forste-uttrekk.zip")
        assert row.get_by_text("I kø", exact=True).is_visible() and row.locator("progress").is_visible()
        # the poller (a static script: the Content-Security-Policy allows no inline one) asks for the progress
        with page.expect_response(lambda r: r.url.endswith("/prover/status.json"), timeout=10_000) as polled:
            pass
        assert polled.value.ok
        consumer = start_consumer(live_server.app, workers=1)  # the worker comes up after the upload
        page.get_by_role("row").filter(has_text="forste-uttrekk.zip").get_by_text(
            "Ugyldig", exact=True
        ).wait_for(timeout=60_000)
        page.get_by_role("row").filter(has_text="forste-uttrekk.zip").get_by_role(
            "link", name="Vis", exact=True
        ).click()
        page.get_by_text("uttrekket har feil").wait_for()
        assert page.get_by_text("N5V-CONTENT-04").first.is_visible()

        # fixed before the deadline: the corrected sample is the one that goes with the bid
        page.get_by_role("link", name="Prøveuttrekk").click()
        page.get_by_label("Prøveuttrekk (.zip").set_input_files(str(fixed))
        page.get_by_role("button", name="Last opp og kontroller").click()
        fixed_row = page.get_by_role("row").filter(has_text="rettet-uttrekk.zip")
        fixed_row.get_by_text("Gyldig", exact=True).wait_for(timeout=60_000)
        assert fixed_row.get_by_text("Følger med når du leverer").is_visible()
        assert (
            page.get_by_role("row").filter(has_text="forste-uttrekk.zip").get_by_text("Følger med").count()
            == 0
        )

        # the bid: answers and prices as a person fills them in, saved, then submitted
        page.get_by_role("link", name="Til tilbudet").click()
        assert page.get_by_text("Følger med tilbudet når du leverer").is_visible()
        for fieldset in page.locator("fieldset[id^='a-R']").all():
            fieldset.get_by_label("Oppfylt?").select_option("Ja")
        for field in (
            page.get_by_label("Lisenser og innføring").all() + page.get_by_label("Drift og vedlikehold").all()
        ):
            field.fill("100000")
        page.get_by_role("button", name="Lagre utkast").click()
        page.get_by_text("Utkastet er lagret").wait_for()
        page.get_by_role("button", name="Lever tilbudet").click()
        page.get_by_role("heading", name="Kvittering for levert tilbud").wait_for()
        assert (
            page.locator("#receipt-sample-hash").inner_text()
            == hashlib.sha256(fixed.read_bytes()).hexdigest()
        )
        assert page.get_by_text("rettet-uttrekk.zip").is_visible()
        page.get_by_role("link", name="Prøveuttrekk").click()
        assert (
            page.get_by_role("row")
            .filter(has_text="rettet-uttrekk.zip")
            .get_by_text("Levert med tilbudet")
            .is_visible()
        )
        assert page.get_by_role("button", name="Last opp og kontroller").count() == 0
        page.get_by_role("button", name="Logg ut").click()

        # the lead, before the opening, sees that samples are sealed, and nothing of this one
        _login(page, url, t.lead_email)
        page.goto(f"{url}/konkurranser/{t.tender_id}/noark/prover")
        page.get_by_text("vises her først etter tilbudsåpningen").wait_for()
        assert (
            page.get_by_text("rettet-uttrekk.zip").count() == 0
            and page.get_by_text(t.vendor_name).count() == 0
        )
        assert violations == []
    finally:
        if consumer is not None:
            consumer.stop(graceful=True)
        restore_clock(live_server.app)
