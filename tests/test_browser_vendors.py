"""In a real Chromium, against the demo served with a real local SMTP server: a vendor registers from the
announcement page, confirms the address from the e-mail, logs in and reaches "Mitt tilbud"; a colleague
registers for the same vendor and the vendor's administrator approves them; the lead invites a vendor to
register, by e-mail."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select

from tender.demo import DEMO_CASE_REFERENCE, DEMO_PASSWORD, LEAD
from tests.browser_helpers import log_in as _login
from tests.browser_helpers import log_out as _logout
from tests.browser_helpers import register_as_vendor
from tests.conftest import LiveServer, dispose, make_app, migrate
from tests.shared_fixtures import Mailbox

pytestmark = pytest.mark.browser

#: Fjordsak AS is one of the demo's vendors, with no users yet
FJORDSAK = ("Fjordsak AS", "916273843")


@pytest.fixture(scope="module")
def mail_live_server(
    app, database_factory, tmp_path_factory, mail_server
) -> Iterator[tuple[LiveServer, Mailbox, str]]:
    """The demo served by waitress, with its e-mail going to the local SMTP server. (``app`` is requested so
    that the PostgreSQL run keeps these tests; the server has its own database and app.)"""
    from tender.demo import build_demo
    from tender.extensions import db
    from tender.tenders.models import Tender

    port, box = mail_server
    application = make_app(
        database_factory("tender_vendor_live"),
        tmp_path_factory.mktemp("vendor-live"),
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=port,
    )
    migrate(application)
    with application.app_context():
        build_demo()
        db.session.commit()
        token = db.session.scalar(
            select(Tender.announcement_token).where(Tender.case_reference == DEMO_CASE_REFERENCE)
        )
    server = LiveServer(application).start()
    try:
        yield server, box, token
    finally:
        server.stop()
        dispose(application)


def _link(message: Any, base: str) -> str:
    body = message.get_payload(decode=True).decode("utf-8")
    match = re.search(r"https?://[^/\s]+(/leverandor/bekreft/[A-Za-z0-9_-]+)", body)
    assert match, body
    return base + match.group(1)


def test_a_vendor_registers_confirms_by_email_reaches_its_bid_and_approves_a_colleague(
    mail_live_server, page
) -> None:
    server, box, token = mail_live_server
    base = server.url
    announcement = f"{base}/kunngjoring/{token}"

    # the first person of Fjordsak AS registers and confirms the address from the e-mail
    register_as_vendor(
        page,
        announcement,
        orgnr="916 273 843",
        name="Frida Fjord",
        email="frida@fjordsak.no",
        password="fridas-passord-1",
    )
    page.goto(_link(box.wait_for("frida@fjordsak.no"), base))
    page.get_by_role("button", name="Bekreft e-postadressen").click()
    page.get_by_role("heading", name="E-postadressen er bekreftet").wait_for()
    assert page.get_by_text("Du er nå bruker og administrator for Fjordsak AS").is_visible()
    page.get_by_role("link", name="Logg inn").click()
    page.get_by_label("E-postadresse").fill("frida@fjordsak.no")
    page.get_by_label("Passord").fill("fridas-passord-1")
    page.get_by_role("button", name="Logg inn").click()
    page.get_by_role("link", name="Felles sak- og arkivsystem for Grenland").click()
    page.get_by_role("link", name="Mitt tilbud").click()
    page.get_by_role("heading", name="Tilbud fra Fjordsak AS").wait_for()
    _logout(page)

    # a colleague registers for the same company and waits for Frida's approval
    register_as_vendor(
        page,
        announcement,
        orgnr="916 273 843",
        name="Geir Grande",
        email="geir@fjordsak.no",
        password="geirs-passord-12",
    )
    page.goto(_link(box.wait_for("geir@fjordsak.no"), base))
    page.get_by_role("button", name="Bekreft e-postadressen").click()
    page.get_by_text("venter nå på godkjenning fra administratoren").wait_for()
    _login(page, base, "geir@fjordsak.no", "geirs-passord-12")
    assert page.get_by_role("link", name="Felles sak- og arkivsystem for Grenland").count() == 0
    _logout(page)

    _login(page, base, "frida@fjordsak.no", "fridas-passord-1")
    page.get_by_role("link", name="Felles sak- og arkivsystem for Grenland").click()
    page.get_by_role("link", name="Leverandørens brukere").click()
    waiting = page.get_by_role("table", name="Venter på godkjenning")
    assert waiting.get_by_role("cell", name="geir@fjordsak.no").is_visible()
    page.get_by_role("button", name="Godkjenn Geir Grande").click()
    page.get_by_text("Geir Grande er nå bruker for Fjordsak AS.").wait_for()
    users = page.get_by_role("table", name="Leverandørens brukere")
    assert users.get_by_text("godkjent av Frida Fjord").is_visible()
    _logout(page)

    _login(page, base, "geir@fjordsak.no", "geirs-passord-12")
    page.get_by_role("link", name="Felles sak- og arkivsystem for Grenland").click()
    page.get_by_role("link", name="Mitt tilbud").click()
    page.get_by_role("heading", name="Tilbud fra Fjordsak AS").wait_for()


def test_the_administrator_refuses_a_stranger_asking_to_join_in_the_browser(mail_live_server, page) -> None:
    from tender.demo import VENDOR_USER

    server, box, token = mail_live_server
    base = server.url
    # Arkivhuset Norge AS already has its administrator (the demo's vendor user)
    page.goto(f"{base}/kunngjoring/{token}")
    page.get_by_label("Organisasjonsnummer").fill(VENDOR_USER[2])
    page.get_by_label("Ditt navn").fill("Stein Fremmed")
    page.get_by_label("Din e-postadresse").fill("stein@example.no")
    page.get_by_label("Velg passord").fill("steins-passord-1")
    page.get_by_label("Gjenta passordet").fill("steins-passord-1")
    page.get_by_role("button", name="Registrer").click()
    page.get_by_role("heading", name="Sjekk e-posten din").wait_for()
    page.goto(_link(box.wait_for("stein@example.no"), base))
    page.get_by_role("button", name="Bekreft e-postadressen").click()
    page.get_by_text("venter nå på godkjenning").wait_for()

    _login(page, base, VENDOR_USER[0], DEMO_PASSWORD)
    page.get_by_role("link", name="Felles sak- og arkivsystem for Grenland").click()
    page.get_by_role("link", name="Leverandørens brukere").click()
    page.get_by_role("button", name="Avslå Stein Fremmed").click()
    page.get_by_text("Forespørselen fra Stein Fremmed er avslått.").wait_for()
    assert page.get_by_text("Ingen forespørsler venter.").is_visible()


def test_the_lead_invites_a_vendor_to_register_by_email_in_the_browser(mail_live_server, page) -> None:
    server, box, token = mail_live_server
    _login(page, server.url, LEAD[0], DEMO_PASSWORD)
    page.get_by_role("link", name="Felles sak- og arkivsystem for Grenland").click()
    page.get_by_role("link", name="Medlemmer", exact=True).click()
    assert page.get_by_label("Rolle").get_by_role("option", name="Leverandørbruker").count() == 0
    page.get_by_label("Leverandør", exact=True).select_option(label="Saksflyt Systemer AS (918273646)")
    page.get_by_label("Leverandørens e-postadresse").fill("anbud@saksflyt.no")
    page.get_by_role("button", name="Send invitasjon på e-post").click()
    page.get_by_text("Invitasjonen til å registrere seg er sendt på e-post til anbud@saksflyt.no").wait_for()
    body = box.wait_for("anbud@saksflyt.no").get_payload(decode=True).decode("utf-8")
    assert f"/kunngjoring/{token}" in body
    assert page.get_by_text("/leverandor/bekreft/").count() == 0
