"""The people and the pages of the whole-tender journey (tests/test_browser_whole_tender.py): each person in a
browser of their own, logged in through the login page; a full-page screenshot after every step into the
journey's artefact folder. Not a conftest: the journey imports it."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.browser_helpers import log_in, log_out
from tests.conftest import REPO
from tests.evaluation_helpers import Clock
from tests.shared_fixtures import Mailbox


def artefact_folder(name: str) -> Path:
    """Where a journey's step screenshots go: ``$TENDER_TEST_ARTIFACTS/<name>/<backend>`` (default the
    repository's ``test-artifacts/``, which git ignores)."""
    from tests.conftest import BACKEND

    root = Path(os.environ.get("TENDER_TEST_ARTIFACTS") or REPO / "test-artifacts")
    return root / name / BACKEND


@dataclass
class Journey:
    """One tender's journey: the live server, its mailbox and clock, the browser, and where screenshots go."""

    url: str
    app: Any
    box: Mailbox
    clock: Clock
    browser: Any
    folder: Path
    tender_id: int = 0
    #: the announcement page's address, once the lead has published it
    announcement: str = ""
    passwords: dict[str, str] = field(default_factory=dict)
    steps: int = 0

    @property
    def base(self) -> str:
        return f"{self.url}/konkurranser/{self.tender_id}"

    def start(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(parents=True)

    def passed(self) -> None:
        """The journey went through: its screenshots are not kept (a failure keeps them for a look)."""
        shutil.rmtree(self.folder, ignore_errors=True)

    def shot(self, page: Any, step: str) -> None:
        """A full-page screenshot of ``page`` as step number + step."""
        self.steps += 1
        slug = re.sub(r"[^a-z0-9æøå]+", "-", step.lower()).strip("-")
        target = self.folder / f"{self.steps:03d}-{slug}.png"
        try:
            page.screenshot(path=str(target), full_page=True, timeout=60_000)
        except PlaywrightTimeout:  # a very long page (a bid's 221 requirements) on a busy machine: its top
            page.screenshot(path=str(target), timeout=60_000)

    def new_page(self) -> Any:
        context = self.browser.new_context(locale="nb-NO", timezone_id="Europe/Oslo")
        page = context.new_page()
        page.set_default_timeout(30_000)
        return page

    @contextmanager
    def as_(self, email: str, step: str) -> Iterator[Any]:
        """``email`` logs in in a browser of their own, does what the block does, is photographed as
        ``step`` and logs out."""
        page = self.new_page()
        try:
            log_in(page, self.url, email, self.passwords[email])
            yield page
            self.shot(page, step)
            log_out(page)
        except Exception:
            # the page as it stood when the step failed, before its browser closes
            try:
                self.shot(page, f"{step} feilet")
            except PlaywrightError:
                pass  # the step's own failure is what the report must show
            raise
        finally:
            page.context.close()

    def link_in_mail(self, to: str, path: str) -> str:
        """The link to ``path…`` in the newest e-mail to ``to``, on this server."""
        self.box.wait_for(to)
        message = [m for m in self.box.messages if m["To"] == to][-1]
        body = message.get_payload(decode=True).decode("utf-8")
        match = re.search(rf"https?://[^/\s]+({re.escape(path)}[A-Za-z0-9_-]+)", body)
        assert match, body
        return self.url + match.group(1)


def fill_form(page: Any, values: dict[str, str], *, within: Any = None) -> None:
    """Type or choose each value into the control labelled so (a select by its option's text)."""
    scope = within or page
    for label, value in values.items():
        control = scope.get_by_label(label, exact=True)
        if control.evaluate("e => e.tagName") == "SELECT":
            control.select_option(label=value)
        else:
            control.fill(value)


def accept_invitation(j: Journey, email: str, password: str) -> None:
    """The invited person opens the link from the e-mail and chooses a password."""
    page = j.new_page()
    try:
        page.goto(j.link_in_mail(email, "/invitasjon/"))
        page.get_by_label("Nytt passord").fill(password)
        page.get_by_label("Gjenta passordet").fill(password)
        page.get_by_role("button", name="Lagre passord").click()
        page.get_by_role("heading", name="Mine konkurranser").wait_for()
        j.passwords[email] = password
        j.shot(page, f"{email} har valgt passord")
        log_out(page)
    finally:
        page.context.close()


__all__ = ["Journey", "accept_invitation", "artefact_folder", "fill_form", "log_in", "log_out"]


def espd_for(case_reference: str, folder: Path) -> Path:
    """The tests' ESPD response as a vendor's e-tendering system would export it for ``case_reference``."""
    fixture = Path(__file__).resolve().parent / "fixtures" / "espd" / "espd-response-v2.1.1-basic.xml"
    data = fixture.read_bytes()
    assert b"2026/0417" in data
    copy = folder / "espd-response.xml"
    copy.write_bytes(data.replace(b"2026/0417", case_reference.encode()))
    return copy


def register_and_confirm(
    j: Journey, announcement: str, *, orgnr: str, company: str, name: str, email: str
) -> None:
    """A vendor's person registers from the announcement page and confirms the address from the e-mail."""
    from tests.browser_helpers import register_as_vendor

    password = f"{email.split('@')[0]}-passord-2026"
    page = j.new_page()
    try:
        register_as_vendor(
            page, announcement, orgnr=orgnr, name=name, email=email, password=password, company=company
        )
        page.goto(j.link_in_mail(email, "/leverandor/bekreft/"))
        page.get_by_role("button", name="Bekreft e-postadressen").click()
        page.get_by_role("heading", name="E-postadressen er bekreftet").wait_for()
        j.passwords[email] = password
        j.shot(page, f"{company} har bekreftet e-postadressen")
    finally:
        page.context.close()


def request_to_take_part(
    j: Journey, page: Any, *, company: str, espd: Path, sample: Path, folder: Path
) -> str:
    """The vendor's request to take part, on its pages: company data, the ESPD file, a document for every
    qualification requirement, a reference, the Noark 5 sample (validated by the queue), and the submission.
    Returns the receipt's hash."""
    page.goto(j.base)
    page.get_by_role("link", name="Forespørsel om å delta", exact=True).click()
    page.get_by_role("heading", name=f"Forespørsel om å delta fra {company}").wait_for()
    short = company.split()[0].lower()
    fill_form(
        page,
        {
            "Kontaktperson": f"Kontakt i {company}",
            "E-postadresse": f"anbud@{short}.no",
            "Telefon": "+47 35 00 00 00",
            "Adresse": "Storgata 4, 3715 Skien",
        },
    )
    page.get_by_role("button", name="Lagre firmaopplysningene").click()
    page.get_by_text("Firmaopplysningene er lagret.").wait_for()
    page.get_by_label("ESPD-fil (XML)").set_input_files(str(espd))
    page.get_by_role("button", name="Les inn ESPD-filen").click()
    page.get_by_text("ESPD-filen er lest inn.").wait_for()
    requirements = page.get_by_label("Gjelder kvalifikasjonskrav").locator("option").all_inner_texts()
    for n, requirement in enumerate(r for r in requirements if r.startswith("Krav ")):
        document = folder / f"{short}-dokumentasjon-{n + 1}.pdf"
        document.write_bytes(f"%PDF-1.4\n% {company}: {requirement}\n%%EOF\n".encode())
        page.get_by_label("Gjelder kvalifikasjonskrav").select_option(label=requirement)
        page.get_by_label("Dokument", exact=True).set_input_files(str(document))
        with page.expect_navigation():
            page.get_by_role("button", name="Last opp dokumentet").click()
        page.get_by_text("Dokumentet er lastet opp.").wait_for()
    fill_form(
        page,
        {
            "Kunde": "Telemark fylkeskommune",
            "System": f"{company.split()[0]} Sak",
            "Kontaktperson hos kunden": "Kari Arkivar",
            "Periode": "2021–2026",
            "Beskrivelse av leveransen": "Sak- og arkivsystem med Noark 5-uttrekk for 1 200 brukere.",
        },
    )
    page.get_by_role("button", name="Legg til referansen").click()
    page.get_by_text("Referansen er lagt til.").wait_for()

    page.get_by_role("link", name="Last opp og kontroller prøveuttrekk").click()
    page.get_by_label("Prøveuttrekk (.zip").set_input_files(str(sample))
    page.get_by_role("button", name="Last opp og kontroller").click()
    row = page.get_by_role("row").filter(has_text=sample.name)
    row.get_by_text("Gyldig", exact=True).wait_for(timeout=120_000)  # the queue's consumer validates it
    page.get_by_role("link", name="Til forespørselen").click()
    page.get_by_text("Følger med forespørselen når du leverer").wait_for()
    page.get_by_role("button", name="Lever forespørselen").click()
    # the ESPD file answers not every ground: when the page lists what is missing, the vendor delivers anyway
    page.locator("#mangler, #receipt-hash").first.wait_for()
    if page.locator("#mangler").count():
        page.get_by_role("button", name="Lever likevel").click()
    page.get_by_role("heading", name="Kvittering for forespørsel om å delta").wait_for()
    receipt = page.locator("#receipt-hash").inner_text()
    assert re.fullmatch(r"[0-9a-f]{64}", receipt)
    return receipt


def fill_answer_form(data: bytes, *, vendor: str) -> bytes:
    """What a vendor's person does in Excel with the downloaded answer form: every requirement answered in its
    own answer form (a choice «Ja», a number, or a text), with a description."""
    import io

    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data))
    sheet = workbook["Kravspesifikasjon"]
    header_row = next(r for r in range(1, 20) if sheet.cell(row=r, column=1).value == "Krav-ID")
    columns = {c.value: c.column for c in sheet[header_row] if c.value}
    for row in range(header_row + 1, sheet.max_row + 1):
        if not sheet.cell(row=row, column=columns["Krav-ID"]).value:
            continue
        form = str(sheet.cell(row=row, column=columns["Svarform"]).value or "").lower()
        if "tall" in form:
            sheet.cell(row=row, column=columns["Svar (tekst eller tall)"], value="1200")
        elif "tekst" in form:
            sheet.cell(
                row=row, column=columns["Svar (tekst eller tall)"], value=f"Se beskrivelsen fra {vendor}."
            )
        else:
            sheet.cell(row=row, column=columns["Oppfylt"], value="Ja")
        sheet.cell(
            row=row, column=columns["Beskrivelse av løsningen"], value=f"Standard i løsningen fra {vendor}."
        )
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def bid(j: Journey, page: Any, *, vendor: str, prices: dict[str, str], sample: Path, folder: Path) -> str:
    """The vendor's bid on its page: the answer form downloaded, filled in and read back, the price schedule
    typed, a PDF and a Noark 5 sample attached, the draft saved and the bid delivered. Returns the receipt's
    hash."""
    page.goto(j.base)
    page.get_by_role("link", name="Mitt tilbud").click()
    page.get_by_role("heading", name=re.compile("^Tilbud fra ")).wait_for()
    short = vendor.split()[0].lower()
    with page.expect_download() as caught:
        page.get_by_role("link", name="Last ned svarskjemaet (.xlsx)").click()
    filled = folder / f"{short}-svarskjema.xlsx"
    filled.write_bytes(fill_answer_form(caught.value.path().read_bytes(), vendor=vendor))
    page.get_by_label("Utfylt svarskjema (.xlsx)").set_input_files(str(filled))
    with page.expect_navigation():
        page.get_by_role("button", name="Les inn svarskjemaet").click()
    page.get_by_text("svar er lest inn fra svarskjemaet.").wait_for()
    for label, amount in prices.items():
        page.locator("#bid-form table").get_by_label(label, exact=True).fill(amount)
    with page.expect_navigation():
        page.get_by_role("button", name="Lagre utkast").click()
    page.get_by_text("Utkastet er lagret.").wait_for()
    attachment = folder / f"{short}-tilbudsbrev.pdf"
    attachment.write_bytes(f"%PDF-1.4\n% Tilbudsbrev fra {vendor}\n%%EOF\n".encode())
    page.get_by_label("Vedlegg", exact=True).set_input_files(str(attachment))
    with page.expect_navigation():
        page.get_by_role("button", name="Last opp vedlegget").click()
    page.get_by_text(attachment.name).first.wait_for()
    page.get_by_role("link", name="Last opp og kontroller prøveuttrekk").click()
    page.get_by_label("Prøveuttrekk (.zip").set_input_files(str(sample))
    page.get_by_role("button", name="Last opp og kontroller").click()
    row = page.get_by_role("row").filter(has_text=sample.name)
    row.get_by_text("Gyldig", exact=True).wait_for(timeout=120_000)  # the queue's consumer validates it
    page.get_by_role("link", name="Til tilbudet").click()
    page.get_by_text("Følger med tilbudet når du leverer").wait_for()
    j.shot(page, f"{vendor} har fylt ut tilbudet")
    with page.expect_navigation():
        page.get_by_role("button", name="Lever tilbudet").click()
    page.get_by_role("heading", name="Kvittering for levert tilbud").wait_for()
    receipt = page.locator("#receipt-hash").inner_text().strip()
    assert re.fullmatch(r"[0-9a-f]{64}", receipt)
    return receipt
