"""In a real Chromium, a correction of the tender documents from start to the vendor: the lead starts one on
the corrections page (refused first without a reason), uploads a replacement contract appendix on the
documents page and freezes the draft; both municipalities' signers approve the frozen version; the lead is
asked about the near bid deadline and keeps it with a reason (refused first without one); a vendor reads the
diff (old and new file, size and SHA-256) and downloads the new appendix."""

from __future__ import annotations

import hashlib
import uuid
from datetime import timedelta

import pytest

from tests.browser_helpers import log_in as _login
from tests.browser_helpers import log_out as _logout
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

#: the vendor of every tender here: a name and number of its own, since the live server's database is shared
#: by the session and a vendor keeps the name it was first registered with (tests/test_vendor_numbers.py)
VENDOR = ("Dokument Leverandør AS", "935611334")

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
OLD_APPENDIX = PDF + b"% bilag 2, forste utgave\n"
NEW_APPENDIX = PDF + b"% bilag 2, rettet utgave med side 4\n"
APPENDIX = "Bilag 2 Leverandørens løsningsbeskrivelse"


@pytest.fixture
def published(live_server) -> dict[str, object]:
    """A tender with Skien and Porsgrunn (a signer each), the bid deadline four days ahead (fewer than the
    default six: the lead is asked about extending it), its tender documents published as version 1 (the
    contract and bilag 2), and a vendor's user."""
    from tender.auth import operations as accounts
    from tender.clock import now
    from tender.documents import operations as doc_ops
    from tender.documents.models import DocumentKind
    from tender.extensions import db
    from tender.tenders import operations
    from tender.tenders.models import Procedure, Role
    from tender.vendors import operations as vendor_ops

    tag = uuid.uuid4().hex[:8]
    with live_server.app.app_context():
        lead = accounts.create_user(f"dokrett.leder.{tag}@example.no", "Dora Leder", password=PASSWORD)
        tender = operations.create_tender(
            title=f"Rettelse av dokumentene {tag}",
            case_reference="2026/9932",
            procedure=Procedure.OPEN,
            lead=lead,
        )
        tender.bid_deadline = now().replace(second=0, microsecond=0) + timedelta(days=4)
        signers = []
        for name, number, population in [("Skien", "4003", 56_360), ("Porsgrunn", "4001", 37_920)]:
            m = operations.get_or_create_municipality(name=name, kommunenummer=number, population=population)
            operations.add_municipality(tender, m, actor=lead)
            signer = accounts.create_user(
                f"dokrett.{number}.{tag}@example.no", f"Signe {name}", password=PASSWORD
            )
            operations.add_membership(tender, signer, Role.SIGNER, municipality=m, actor=lead)
            signers.append((signer.email, name))
        draft = doc_ops.ensure_draft(tender, actor=lead)
        doc_ops.upload(
            tender, draft, kind=DocumentKind.CONTRACT, label="", filename="kontrakt.pdf", data=PDF, actor=lead
        )
        doc_ops.upload(
            tender,
            draft,
            kind=DocumentKind.APPENDIX,
            label=APPENDIX,
            filename="bilag-2.pdf",
            data=OLD_APPENDIX,
            actor=lead,
        )
        doc_ops.publish(tender, draft, actor=lead)
        vendor = operations.register_vendor(tender, name=VENDOR[0], organisasjonsnummer=VENDOR[1], actor=lead)
        seller = accounts.create_user(f"dokrett.selger.{tag}@example.no", "Sel Selger", password=PASSWORD)
        vendor_ops.add_vendor_user_by_operator(tender, vendor, seller)
        db.session.commit()
        return {"id": tender.id, "lead": lead.email, "signers": signers, "seller": seller.email}


def _error_of(page, field):
    assert field.get_attribute("aria-invalid") == "true"
    return page.locator("#" + field.get_attribute("aria-describedby")).inner_text()


def test_a_documents_correction_goes_from_the_lead_through_the_signers_to_the_vendors_diff_and_download(
    live_server, page, published, tmp_path
) -> None:
    base = f"{live_server.url}/konkurranser/{published['id']}"
    replacement = tmp_path / "bilag-2-rettet.pdf"
    replacement.write_bytes(NEW_APPENDIX)

    # the lead starts the correction of the documents: not without a reason
    _login(page, live_server.url, published["lead"])
    page.goto(f"{base}/rettelser")
    start = page.get_by_role("button", name="Start en rettelse av konkurransegrunnlaget")
    start.click()
    reason = page.get_by_label("Begrunnelse for rettelsen av konkurransegrunnlaget (vises for leverandørene)")
    assert _error_of(page, reason) == "Skriv hvorfor konkurransegrunnlaget rettes."
    reason.fill("Bilag 2 manglet side 4.")
    page.get_by_role("button", name="Start en rettelse av konkurransegrunnlaget").click()
    page.get_by_text("Rettelse 1 er startet.").wait_for()

    # on the documents page: the correcting draft, where the lead uploads the new bilag 2
    page.get_by_role("heading", name="Utkast til versjon 2 (rettelse)").wait_for()
    upload = page.locator("#last-opp")
    upload.get_by_label("Dokument", exact=True).select_option(label="Kontraktsbilag")
    upload.get_by_label("Navn i konkurransegrunnlaget").fill(APPENDIX)
    upload.get_by_label("Fil (PDF eller kontorfil)").set_input_files(str(replacement))
    upload.get_by_role("button", name="Last opp").click()
    page.get_by_text(f"«{APPENDIX}» er lagt i utkastet.").wait_for()
    assert page.locator("#utkast-dokumenter").get_by_text("bilag-2-rettet.pdf").is_visible()
    # the correcting draft is not published from the documents page
    assert page.get_by_role("button", name="Publiser konkurransegrunnlaget").count() == 0

    # freezes it on the corrections page; not publishable before both municipalities approve
    page.get_by_role("link", name="siden for rettelser").click()
    page.get_by_role("button", name="Frys utkastet til godkjenning").click()
    page.get_by_text("Utkastet er fryst").wait_for()
    waiting = page.locator("#fryst-versjon").inner_text()
    assert "mangler godkjenning fra" in waiting and "Skien" in waiting and "Porsgrunn" in waiting
    page.get_by_label("Nei, behold fristen").check()
    page.get_by_label("Begrunnelse når fristen ikke forlenges").fill("Endringen er liten.")
    page.get_by_role("button", name="Kunngjør rettelse 1").click()
    page.get_by_role("alert").get_by_text("har ikke godkjent versjon 2").wait_for()
    _logout(page)

    # each municipality's signer approves the frozen version in the browser
    for email, name in published["signers"]:
        _login(page, live_server.url, email)
        page.goto(f"{base}/rettelser")
        assert "Bilag 2 manglet side 4." in page.locator("#open-h").locator("..").inner_text()
        page.get_by_role("button", name=f"Godkjenn versjon 2 for {name}").click()
        page.get_by_text(f"{name} har godkjent rettelsen av konkurransegrunnlaget.").wait_for()
        assert page.get_by_role("button", name=f"Godkjenn versjon 2 for {name}").count() == 0
        _logout(page)

    # the lead is asked about the bid deadline four days ahead; keeping it needs a reason
    _login(page, live_server.url, published["lead"])
    page.goto(f"{base}/rettelser")
    assert "godkjent av alle kommunene" in page.locator("#fryst-versjon").inner_text()
    assert page.get_by_text("Det er mindre enn 6 dager igjen til tilbudsfristen").is_visible()
    page.get_by_label("Nei, behold fristen").check()
    page.get_by_role("button", name="Kunngjør rettelse 1").click()
    why = page.get_by_label("Begrunnelse når fristen ikke forlenges")
    assert _error_of(page, why) == "Skriv hvorfor tilbudsfristen ikke forlenges."
    page.get_by_label("Nei, behold fristen").check()
    why.fill("Endringen er liten og rekker å komme med i tilbudene.")
    page.get_by_role("button", name="Kunngjør rettelse 1").click()
    page.get_by_text("Rettelse 1 er kunngjort som versjon 2").wait_for()
    assert page.get_by_text("Tilbudsfristen ble ikke forlenget. Begrunnelse: Endringen er liten").is_visible()
    _logout(page)

    # the vendor reads the diff: bilag 2 replaced, old and new file with size and SHA-256
    _login(page, live_server.url, published["seller"])
    page.goto(base)
    page.get_by_role("link", name="Rettelser").click()
    page.get_by_role("link", name="Rettelse 1", exact=True).click()
    page.get_by_role("heading", name="Rettelse 1 av konkurransegrunnlaget").wait_for()
    change = page.locator("section.change-replaced")
    assert f"Erstattet dokument: {APPENDIX}" in change.inner_text()
    text = change.inner_text()
    assert "bilag-2.pdf" in text and "bilag-2-rettet.pdf" in text
    assert hashlib.sha256(OLD_APPENDIX).hexdigest() in text
    assert hashlib.sha256(NEW_APPENDIX).hexdigest() in text
    assert "Bilag 2 manglet side 4." in page.locator("dl.facts").inner_text()
    # and downloads the new version of the appendix
    with page.expect_download() as caught:
        change.get_by_role("link", name="bilag-2-rettet.pdf").click()
    download = caught.value
    assert download.suggested_filename == "bilag-2-rettet.pdf"
    assert download.path().read_bytes() == NEW_APPENDIX
    page.get_by_role("link", name="Konkurransegrunnlaget").click()
    assert "versjon 2" in page.locator("#gjeldende").inner_text()
