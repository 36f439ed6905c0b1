"""In a real Chromium: the lead assembles the tender documents as a person would (picks SSA-K, uploads the
invitation and an appendix, generates the rest from the frozen data, renames an appendix, publishes); a
vendor's user downloads a document, and the lead sees them as a holder of version 1."""

from __future__ import annotations

import re

import pytest

from tests.browser_helpers import log_in as _login
from tests.evaluation_helpers import live_setup, restore_clock

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _documents_page(page, tender_id: int) -> None:
    page.locator(f"a[href='/konkurranser/{tender_id}']").first.click()
    page.get_by_role("link", name="Konkurransegrunnlag").click()
    page.get_by_role("heading", name="Konkurransegrunnlag", exact=True).wait_for()


def _flash(page, text: str) -> None:
    page.get_by_text(text).first.wait_for()


def test_the_lead_publishes_the_documents_and_sees_the_vendor_who_downloaded_them(
    live_server, page, browser, tmp_path
) -> None:
    w = live_setup(live_server.app, vendors=1, submit=False)
    try:
        url = live_server.url
        invitation = tmp_path / "konkurransebestemmelser.pdf"
        invitation.write_bytes(PDF + b"% invitasjon\n")
        appendix = tmp_path / "bilag-2-mal.pdf"
        appendix.write_bytes(PDF + b"% bilag 2\n")

        _login(page, url, w.lead)
        _documents_page(page, w.tender_id)
        page.get_by_label("Standardavtale").select_option(label="SSA-K Kjøpsavtalen")
        page.get_by_role("button", name="Velg standardavtale").click()
        _flash(page, "Standardavtalen er valgt")

        upload = page.locator("#last-opp")
        upload.get_by_label("Dokument", exact=True).select_option(
            label="Konkurransebestemmelser (invitasjon)"
        )
        upload.get_by_label("Fil (PDF eller kontorfil)").set_input_files(str(invitation))
        page.get_by_role("button", name="Last opp").click()
        _flash(page, "«Konkurransebestemmelser» er lagt i utkastet.")

        # an appendix without a name is refused with the reason, next to the field
        upload = page.locator("#last-opp")
        upload.get_by_label("Dokument", exact=True).select_option(label="Kontraktsbilag")
        upload.get_by_label("Fil (PDF eller kontorfil)").set_input_files(str(appendix))
        page.get_by_role("button", name="Last opp").click()
        assert page.locator("#last-opp").get_by_text("Skriv et navn på dokumentet.").is_visible()
        upload = page.locator("#last-opp")
        upload.get_by_label("Dokument", exact=True).select_option(label="Kontraktsbilag")
        upload.get_by_label("Navn i konkurransegrunnlaget").fill("Bilag 2 Leverandørens løsningsbeskrivelse")
        upload.get_by_label("Fil (PDF eller kontorfil)").set_input_files(str(appendix))
        page.get_by_role("button", name="Last opp").click()
        _flash(page, "«Bilag 2 Leverandørens løsningsbeskrivelse» er lagt i utkastet.")

        for button in (
            "Lag kravspesifikasjon (pdf)",
            "Lag prisskjema",
            "Lag tildelingskriterier og prismodell",
        ):
            page.get_by_role("button", name=button).click()
            _flash(page, "Laget: ")
        # the tender has no prequalification: the qualification requirements are not generated, and why
        assert page.locator("#lag").get_by_text("ikke et fryst oppsett for prekvalifisering").is_visible()
        table = page.locator("#utkast-dokumenter")
        assert table.get_by_label("Navn").nth(1).input_value() == "Bilag 1 Kundens kravspesifikasjon"

        row = table.locator("tr", has_text="bilag-2-mal.pdf")
        row.get_by_label("Navn").fill("Bilag 2 Leverandørens løsningsbeskrivelse (mal)")
        row.get_by_role("button", name="Lagre navnet").click()
        _flash(page, "Navnet er endret.")
        assert page.locator("#utkast-dokumenter").locator("tr", has_text="bilag-2-mal.pdf").get_by_label(
            "Navn"
        ).input_value() == ("Bilag 2 Leverandørens løsningsbeskrivelse (mal)")

        page.get_by_role("button", name="Publiser konkurransegrunnlaget").click()
        _flash(page, "Versjon 1 av konkurransegrunnlaget er publisert")
        published = page.locator("#versjon-1")
        assert published.get_by_role("link", name="Tildelingskriterier og prismodell").is_visible()
        assert "Ingen leverandør har lastet ned denne versjonen ennå." in published.inner_text()
        shown_hash = re.search(r"[0-9a-f]{64}", page.locator("#gjeldende").inner_text()).group(0)

        vendor_context = browser.new_context(locale="nb-NO", timezone_id="Europe/Oslo")
        try:
            seller = vendor_context.new_page()
            seller.set_default_timeout(15_000)
            _login(seller, url, w.vendor_users[0])
            _documents_page(seller, w.tender_id)
            assert shown_hash in seller.locator("#gjeldende").inner_text()
            assert seller.locator("#utkast").count() == 0
            with seller.expect_download() as caught:
                seller.get_by_role("link", name="Tildelingskriterier og prismodell").click()
            download = caught.value
            assert download.suggested_filename == "tildelingskriterier.pdf"
            assert download.path().read_bytes()[:5] == b"%PDF-"
        finally:
            vendor_context.close()

        page.reload()
        holders = page.locator("#mottakere-1")
        holders.wait_for()
        text = holders.inner_text()
        assert w.vendor_names[0] in text and w.vendor_users[0].name in text
    finally:
        restore_clock(live_server.app)
