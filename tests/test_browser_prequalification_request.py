"""In a real Chromium, against a tender with a frozen prequalification served with a real local SMTP server:
a vendor registers from the announcement page, confirms the address from the e-mail, logs in and lands on
its request to take part; fills in the company data, imports an ESPD response file, answers nothing more,
uploads a document for a qualification requirement, adds a reference, is told what is missing, confirms,
and sees the receipt with the hash the audit trail holds."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser_helpers import register_as_vendor
from tests.conftest import PASSWORD, LiveServer, dispose, make_app, migrate
from tests.evaluation_helpers import Clock
from tests.prequalification_helpers import PQ_BEFORE, PQ_ORGNR, pq_setup
from tests.shared_fixtures import Mailbox

pytestmark = pytest.mark.browser

ESPD_FILE = Path(__file__).resolve().parent / "fixtures" / "espd" / "espd-response-v2.1.1-basic.xml"
#: the procurement the ESPD fixture answers
CASE_REFERENCE = "2026/0417"


@pytest.fixture(scope="module")
def pq_live_server(
    app, database_factory, tmp_path_factory, mail_server
) -> Iterator[tuple[LiveServer, Mailbox, str]]:
    """A tender with a frozen prequalification and one vendor already in, served by waitress with its
    e-mail going to the local SMTP server; the clock one second before the participation deadline."""
    from tender.auth import operations as accounts
    from tender.extensions import db
    from tender.tenders import operations as tender_ops
    from tender.tenders.models import Procedure, Role
    from tender.vendors import operations as vendor_ops

    port, box = mail_server
    application = make_app(
        database_factory("tender_pq_request_live"),
        tmp_path_factory.mktemp("pq-request-live"),
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=port,
    )
    migrate(application)
    application.config["CLOCK"] = Clock(PQ_BEFORE)

    def create_user(name: str = "Test", **_: Any) -> Any:
        user = accounts.create_user(
            f"{name.split()[0].lower()}.{uuid.uuid4().hex[:8]}@example.no", name, password=PASSWORD
        )
        db.session.commit()
        return user

    def create_tender(**kw: Any) -> Any:
        tender = tender_ops.create_tender(
            title="Felles sak- og arkivsystem med prekvalifisering",
            case_reference=CASE_REFERENCE,
            procedure=Procedure.COMPETITIVE_NEGOTIATION,
            lead=create_user("Lena Leder"),
            **kw,
        )
        for name, number, pop in [("Skien", "4003", 56_360), ("Porsgrunn", "4001", 37_920)]:
            m = tender_ops.get_or_create_municipality(name=name, kommunenummer=number, population=pop)
            tender_ops.add_municipality(tender, m, actor=tender.memberships[0].user)
        db.session.commit()
        return tender

    def add_member(tender: Any, role: Any, user: Any = None, **kw: Any) -> Any:
        user = user or create_user(f"{role.value.title()} Person")
        if role is Role.VENDOR:
            vendor_ops.add_vendor_user_by_operator(tender, kw["vendor"], user)
        else:
            tender_ops.add_membership(tender, user, role, **kw)
        db.session.commit()
        return user

    with application.app_context():
        s = pq_setup(db, create_tender, add_member, create_user, vendors=1)
        token = s.tender.announcement_token
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


def test_a_vendor_registers_from_the_announcement_and_submits_a_request_with_espd_document_and_reference(
    pq_live_server, page, tmp_path
) -> None:
    server, box, token = pq_live_server
    base = server.url
    announcement = f"{base}/kunngjoring/{token}"
    page.goto(announcement)
    assert page.get_by_role("link", name="forespørsel om å delta").is_visible()
    register_as_vendor(
        page,
        announcement,
        orgnr=PQ_ORGNR[3],
        name="Dina Dokumenta",
        email="dina@dokumenta.no",
        password="dinas-passord-1",
        company="Dokumenta AS",
    )
    page.goto(_link(box.wait_for("dina@dokumenta.no"), base))
    page.get_by_role("button", name="Bekreft e-postadressen").click()
    page.get_by_role("heading", name="E-postadressen er bekreftet").wait_for()
    page.get_by_role("link", name="Logg inn").click()
    page.get_by_label("E-postadresse").fill("dina@dokumenta.no")
    page.get_by_label("Passord").fill("dinas-passord-1")
    page.get_by_role("button", name="Logg inn").click()
    # the vendor of a prequalified tender lands on its request, not on the bid
    page.get_by_role("heading", name="Forespørsel om å delta fra Dokumenta AS").wait_for()

    page.get_by_label("Kontaktperson", exact=True).fill("Dina Dokumenta")
    page.get_by_label("E-postadresse", exact=True).fill("anbud@dokumenta.no")
    page.get_by_label("Telefon").fill("+47 35 00 00 00")
    page.get_by_label("Adresse", exact=True).fill("Storgata 4, 3715 Skien")
    page.get_by_role("button", name="Lagre firmaopplysningene").click()
    page.get_by_text("Firmaopplysningene er lagret.").wait_for()

    page.get_by_label("ESPD-fil (XML)").set_input_files(str(ESPD_FILE))
    page.get_by_role("button", name="Les inn ESPD-filen").click()
    page.get_by_text("ESPD-filen er lest inn.").wait_for()
    assert page.get_by_role("link", name=ESPD_FILE.name).is_visible()
    table = page.locator("table", has=page.get_by_role("columnheader", name="ESPD-kriterium"))
    assert "Kvalifikasjonskrav 1" in table.inner_text()

    pdf = tmp_path / "firmaattest.pdf"
    pdf.write_bytes(b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n")
    page.get_by_label("Gjelder kvalifikasjonskrav").select_option(
        label="Krav 1: Leverandøren skal være lovlig registrert i et foretaksregister."
    )
    page.get_by_label("Dokument", exact=True).set_input_files(str(pdf))
    page.get_by_role("button", name="Last opp dokumentet").click()
    page.get_by_text("Dokumentet er lastet opp.").wait_for()
    assert page.get_by_role("link", name="firmaattest.pdf").is_visible()

    page.get_by_label("Kunde", exact=True).fill("Skien kommune")
    page.get_by_label("System", exact=True).fill("Dokumenta Sak")
    page.get_by_label("Kontaktperson hos kunden").fill("Per Arkivar, 35 00 00 01")
    page.get_by_label("Periode").fill("2021–2026")
    page.get_by_label("Beskrivelse av leveransen").fill("Sak/arkiv for 900 brukere, Noark 5.")
    page.get_by_role("button", name="Legg til referansen").click()
    page.get_by_text("Referansen er lagt til.").wait_for()
    assert page.get_by_role("cell", name="Skien kommune", exact=True).is_visible()

    page.get_by_role("button", name="Lever forespørselen").click()
    missing = page.locator("#mangler")
    missing.wait_for()
    assert "Dokumentasjon mangler for kvalifikasjonskrav 2" in missing.inner_text()
    page.get_by_role("button", name="Lever likevel").click()
    page.get_by_role("heading", name="Kvittering for forespørsel om å delta").wait_for()
    receipt_hash = page.locator("#receipt-hash").inner_text()
    assert re.fullmatch(r"[0-9a-f]{64}", receipt_hash)
    assert page.get_by_text("firmaattest.pdf").is_visible()

    from sqlalchemy import select

    from tender.audit import AuditEvent
    from tender.extensions import db

    with server.app.app_context():
        [event] = db.session.scalars(
            select(AuditEvent).where(AuditEvent.event_type == "request.submitted")
        ).all()
        assert event.payload["sha256"] == receipt_hash
