"""Issue 9's journey in a real Chromium, against a server whose e-mail goes to a real local SMTP server: a
vendor registers from the tender's announcement page, confirms its address from the e-mail, fills in and
submits its bid; before the opening the lead finds nothing of it; after the deadline the lead alone cannot
open the bids, and the lead and an evaluator, each in their own browser, do."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser_helpers import log_in as _login
from tests.browser_helpers import register_as_vendor
from tests.conftest import LiveServer, dispose, make_app, migrate
from tests.evaluation_helpers import AFTER, PASSWORD, live_setup, restore_clock
from tests.test_browser_vendors import _link

pytestmark = pytest.mark.browser

#: a company none of the group has registered: it comes in by itself
VENDOR = ("Sørkyst Arkiv AS", "974760673", "974 760 673")
MARKER = "FORSEGLET-7Q2K"


@pytest.fixture(scope="module")
def journey_server(app, database_factory, tmp_path_factory, mail_server) -> Iterator[tuple[LiveServer, Any]]:
    """A server of its own with its e-mail going to the local SMTP server. (``app`` is requested so that the
    PostgreSQL run keeps this test; the server has its own database and app.)"""
    port, box = mail_server
    application = make_app(
        database_factory("tender_journey_live"),
        tmp_path_factory.mktemp("journey-live"),
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=port,
    )
    migrate(application)
    server = LiveServer(application).start()
    try:
        yield server, box
    finally:
        server.stop()
        dispose(application)


def _new_page(browser: Any) -> tuple[Any, Any]:
    context = browser.new_context(locale="nb-NO", timezone_id="Europe/Oslo")
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


def _announcement_token(app: Any, tender_id: int) -> str:
    from tender.extensions import db
    from tender.tenders.models import Tender

    with app.app_context():
        return db.session.get(Tender, tender_id).announcement_token


def _bid_id(app: Any, tender_id: int) -> int:
    from tender.bids import operations as bid_ops
    from tender.extensions import db
    from tender.tenders.models import Tender

    with app.app_context():
        tender = db.session.get(Tender, tender_id)
        vendor = next(v for v in tender.participating_vendors if v.organisasjonsnummer == VENDOR[1])
        bid = bid_ops.bid_of(tender, vendor.id)
        assert bid is not None and bid.is_submitted
        return bid.id


def test_a_vendor_registers_and_bids_the_lead_sees_nothing_and_two_members_open_it(
    journey_server, browser
) -> None:
    server, box = journey_server
    app, base = server.app, server.url
    w = live_setup(app, vendors=0, evaluators=1, submit=False)  # published, model locked, deadline ahead
    vendor_context, vendor = _new_page(browser)
    lead_context, lead = _new_page(browser)
    evaluator_context, evaluator = _new_page(browser)
    try:
        # the vendor finds the tender from the link the lead published, registers and confirms from the e-mail
        announcement = f"{base}/kunngjoring/{_announcement_token(app, w.tender_id)}"
        register_as_vendor(
            vendor,
            announcement,
            orgnr=VENDOR[2],
            company=VENDOR[0],
            name="Siv Sørkyst",
            email="siv@sorkyst.no",
            password="sivs-passord-2026",
        )
        vendor.goto(_link(box.wait_for("siv@sorkyst.no"), base))
        vendor.get_by_role("button", name="Bekreft e-postadressen").click()
        vendor.get_by_role("heading", name="E-postadressen er bekreftet").wait_for()

        # ... logs in, fills in the bid as a person would, saves it and submits it
        _login(vendor, base, "siv@sorkyst.no", "sivs-passord-2026")
        vendor.locator(f"a[href='/konkurranser/{w.tender_id}']").click()
        vendor.get_by_role("link", name="Mitt tilbud").click()
        vendor.get_by_role("heading", name=re.compile("^Tilbud fra ")).wait_for()
        for fieldset in vendor.locator("fieldset[id^='a-R']").all():
            fieldset.get_by_label("Oppfylt?").select_option("Ja")
            fieldset.get_by_label("Beskrivelse av løsningen").fill(f"Løsningen {MARKER} dekker kravet.")
        for price in vendor.locator("#bid-form table").get_by_role("textbox").all():
            price.fill("250 000")
        vendor.get_by_role("button", name="Lagre utkast").click()
        vendor.get_by_text("Utkastet er lagret.").wait_for()
        vendor.get_by_role("button", name="Lever tilbudet").click()
        vendor.get_by_role("heading", name="Kvittering for levert tilbud").wait_for()
        assert re.fullmatch(r"[0-9a-f]{64}", vendor.locator("#receipt-hash").inner_text().strip())
        bid_id = _bid_id(app, w.tender_id)

        # before the deadline the lead finds nothing of it: not on the bids page, the bid's page or the audit
        # trail
        _login(lead, base, w.lead.email, PASSWORD)
        bids = f"{base}/konkurranser/{w.tender_id}/evaluering/tilbud"
        lead.goto(bids)
        assert MARKER not in lead.content() and VENDOR[0] not in lead.locator("main").inner_text()
        response = lead.goto(f"{bids}/{bid_id}")
        assert response is not None and response.status == 403 and MARKER not in lead.content()
        lead.goto(f"{base}/konkurranser/{w.tender_id}/revisjonsspor")
        trail = lead.locator("main").inner_text()
        assert VENDOR[1] not in trail and "siv@sorkyst.no" not in trail and MARKER not in trail

        # after the deadline: the lead's confirmation alone does not open the bids
        app.config["CLOCK"].set(AFTER)
        lead.goto(bids)
        lead.get_by_role("button", name="Bekreft åpning av tilbudene").click()
        lead.get_by_text("Bekreftelsen din er registrert").wait_for()
        assert lead.get_by_text("Én bekreftelse til trengs").is_visible()
        response = lead.goto(f"{bids}/{bid_id}")
        assert response is not None and response.status == 403 and MARKER not in lead.content()

        # an evaluator, in a browser of their own, gives the second confirmation: the bids are open
        _login(evaluator, base, w.evaluators[0].email, PASSWORD)
        evaluator.goto(bids)
        evaluator.get_by_role("button", name="Bekreft og åpne tilbudene").click()
        evaluator.get_by_text("Tilbudene er åpnet.").wait_for()
        opened_by = evaluator.locator("#apnet-av").inner_text()
        assert f"{w.lead.name} (prosjektleder) og {w.evaluators[0].name} (evaluator)" in opened_by
        assert evaluator.get_by_role("table", name="Leverte tilbud").get_by_text(VENDOR[0]).is_visible()

        lead.goto(bids)
        lead.get_by_role("link", name=VENDOR[0]).click()
        assert MARKER in lead.content()
    finally:
        for context in (vendor_context, lead_context, evaluator_context):
            context.close()
        restore_clock(app)
