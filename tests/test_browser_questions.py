"""In a real Chromium, against a server whose e-mail goes to a real local SMTP server: a vendor asks a
question (naming itself, with an attachment), the lead removes the name and answers, each municipality's
signer approves, the lead publishes, and another vendor reads the anonymised answer; every vendor user gets
the notice. And the lead turns the municipalities' approval off."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest

from tests.browser_helpers import log_in
from tests.browser_helpers import log_out as _logout
from tests.conftest import PASSWORD, LiveServer, dispose, make_app, migrate
from tests.questions_helpers import mail_text
from tests.shared_fixtures import Mailbox

pytestmark = pytest.mark.browser

ASKING_VENDOR = "Spørrefirma Arkiv AS"
ASKER = "Asle Askeladd"
ORIGINAL = (
    f"Vi i {ASKING_VENDOR} leverer Arkivo 7. Må løsningen støtte innlogging med ID-porten for innbyggere?"
)
PUBLISHED = "Må løsningen støtte innlogging med ID-porten for innbyggere?"
ANSWER = "Ja. Innbyggere skal kunne logge inn med ID-porten, se krav 4.2."


@dataclass
class Journey:
    server: LiveServer
    box: Mailbox
    tender_id: int
    lead: str
    signers: list[tuple[str, str]]  # (e-mail, municipality)
    asker: str
    reader: str
    vendor_users: list[str]


@pytest.fixture(scope="module")
def journey(app, database_factory, tmp_path_factory, mail_server) -> Iterator[Journey]:
    """A tender of two municipalities open for questions, two vendors (the asker's with two users), served
    with its own database. (``app`` is requested so that the PostgreSQL run keeps these tests.)"""
    from tender.auth import operations as accounts
    from tender.db_types import utcnow
    from tender.extensions import db
    from tender.tenders import operations as tender_ops
    from tender.tenders.models import Procedure, Role
    from tender.vendors import operations as vendor_ops

    port, box = mail_server
    application = make_app(
        database_factory("tender_questions_live"),
        tmp_path_factory.mktemp("questions-live"),
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=port,
    )
    migrate(application)
    with application.app_context():
        now = utcnow()

        def person(email: str, name: str) -> Any:
            return accounts.create_user(email, name, password=PASSWORD)

        lead = person("lena@innkjop.no", "Lena Leder")
        tender = tender_ops.create_tender(
            title="Felles arkivsystem",
            case_reference="2026/0013",
            procedure=Procedure.COMPETITIVE_NEGOTIATION,
            lead=lead,
            questions_deadline=now + timedelta(days=10),
            bid_deadline=now + timedelta(days=20),
        )
        signers = []
        for name, number, population in [("Skien", "4003", 56_360), ("Porsgrunn", "4001", 37_920)]:
            municipality = tender_ops.get_or_create_municipality(
                name=name, kommunenummer=number, population=population
            )
            tender_ops.add_municipality(tender, municipality, actor=lead)
            signer = person(f"leder@{name.lower()}.kommune.no", f"Leder {name}")
            tender_ops.add_membership(tender, signer, Role.SIGNER, actor=lead, municipality=municipality)
            signers.append((signer.email, name))
        asking = tender_ops.register_vendor(
            tender, name=ASKING_VENDOR, organisasjonsnummer="974760673", actor=lead
        )
        other = tender_ops.register_vendor(tender, name="Lytter Systemer AS", organisasjonsnummer="912345688")
        users = [
            (person("asle@sporrefirma.no", ASKER), asking),
            (person("kari@sporrefirma.no", "Kari Kollega"), asking),
            (person("lise@lytter.no", "Lise Lytter"), other),
        ]
        for user, vendor in users:
            vendor_ops.add_vendor_user_by_operator(tender, vendor, user)
        db.session.commit()
        found = Journey(
            server=LiveServer(application),
            box=box,
            tender_id=tender.id,
            lead=lead.email,
            signers=signers,
            asker=users[0][0].email,
            reader=users[2][0].email,
            vendor_users=[u.email for u, _ in users],
        )
    found.server.start()
    try:
        yield found
    finally:
        found.server.stop()
        dispose(application)


def _login(page: Any, j: Journey, email: str) -> None:
    log_in(page, j.server.url, email)
    page.get_by_role("link", name="Felles arkivsystem").first.click()
    page.get_by_role("link", name="Spørsmål og svar").click()
    page.get_by_role("heading", name="Spørsmål og svar").wait_for()


def _to_the_question(page: Any) -> None:
    page.get_by_role("link", name="Alle innkomne spørsmål").click()
    page.get_by_role("link", name=ORIGINAL[:40]).click()
    page.get_by_role("heading", name=f"Spørsmål fra {ASKING_VENDOR}").wait_for()


def test_a_vendor_asks_the_lead_answers_the_signers_approve_and_another_vendor_reads_the_anonymised_answer(
    journey, page, tmp_path
) -> None:
    j = journey
    # the vendor asks, naming itself, with an attachment
    _login(page, j, j.asker)
    page.get_by_role("link", name="Mine spørsmål og nytt spørsmål").click()
    page.get_by_label("Spørsmålet").fill(ORIGINAL)
    attachment = tmp_path / "skjermbilde.pdf"
    attachment.write_bytes(b"%PDF-1.4 skjermbilde fra Arkivo 7")
    page.get_by_label("Vedlegg (valgfritt").set_input_files(str(attachment))
    page.get_by_role("button", name="Send spørsmålet").click()
    page.get_by_text("Spørsmålet er sendt til innkjøpsgruppen.").wait_for()
    assert "Mottatt; innkjøpsgruppen arbeider med svaret" in page.content()
    _logout(page)

    # the lead sees who asked, removes the name and answers
    _login(page, j, j.lead)
    _to_the_question(page)
    assert ASKER in page.content() and "skjermbilde.pdf" in page.content()
    published = page.get_by_label("Spørsmålet slik det publiseres")
    assert published.input_value() == ORIGINAL  # the first draft starts from the text as typed
    published.fill(PUBLISHED)
    page.get_by_label("Svar", exact=True).fill(ANSWER)
    page.get_by_role("button", name="Lagre utkastet").click()
    page.get_by_text("Utkastet er lagret.").wait_for()
    assert (
        "Kan publiseres når alle kommunene har godkjent teksten. Mangler: Skien, Porsgrunn." in page.content()
    )
    _logout(page)

    # each municipality's signer approves the texts
    for email, municipality in j.signers:
        _login(page, j, email)
        _to_the_question(page)
        page.get_by_role("button", name=f"Godkjenn spørsmålet og svaret for {municipality}").click()
        page.get_by_text(f"Godkjent for {municipality}.").wait_for()
        _logout(page)

    # the lead publishes to every vendor at once
    _login(page, j, j.lead)
    _to_the_question(page)
    page.get_by_role("button", name="Publiser til alle leverandørene").click()
    page.get_by_text("Spørsmål nr. 1 og svaret er publisert til alle leverandørene samtidig.").wait_for()
    assert "Varsel er sendt på e-post til 3 leverandørbrukere." in page.content()
    _logout(page)

    # another vendor reads the answer; nothing tells who asked
    _login(page, j, j.reader)
    page.get_by_role("heading", name="Spørsmål nr. 1").wait_for()
    text = page.locator("main").inner_text()
    assert PUBLISHED in text and ANSWER in text
    for telltale in (ASKING_VENDOR, ASKER, "Arkivo", "skjermbilde"):
        assert telltale not in page.content()
    _logout(page)

    mails = [mail_text(m) for m in j.box.messages]
    notices = [(to, body) for to, subject, body in mails if "Nytt svar på spørsmål nr. 1" in subject]
    assert sorted(to for to, _ in notices) == sorted(j.vendor_users)
    assert all(ANSWER in body and ASKING_VENDOR not in body and ASKER not in body for _, body in notices)


def test_the_lead_turns_the_municipalities_approval_of_answers_off(journey, page) -> None:
    j = journey
    _login(page, j, j.lead)
    page.get_by_role("link", name="Alle innkomne spørsmål").click()
    page.get_by_label("Svarene publiseres uten godkjenning fra kommunene").check()
    page.get_by_role("button", name="Lagre innstillingen").click()
    page.get_by_text("Innstillingen er lagret.").wait_for()
    assert "Svarene publiseres uten godkjenning fra kommunene." in page.locator("main").inner_text()
    page.get_by_label("Hver deltakende kommune godkjenner et svar før det kan publiseres").check()
    page.get_by_role("button", name="Lagre innstillingen").click()
    page.get_by_text("Innstillingen er lagret.").wait_for()
    assert (
        "Hver deltakende kommune godkjenner et svar før det kan publiseres."
        in page.locator("main").inner_text()
    )
