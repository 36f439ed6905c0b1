"""The Grenland prequalification from announcement to invitation letters, in a real Chromium, each person in
their own browser (issue 12's browser test).

The lead sets up the prequalification with the standard requirements and the mandatory grounds, and freezes
it; a vendor registers from the announcement page, imports its ESPD file, uploads a document and submits its
request, while five others send theirs (built through the request operations); after the deadline on the
server's clock two members confirm the opening; the evaluators assess (one vendor fails a requirement) and
score; the lead sets the consensus and proposes four of the six; each municipality's signer approves; the
selection is final; the lead makes the letters, which the lead and the vendor download and ``pdftotext``
reads back.

Only the people and the five other vendors' requests are rows written outside the browser; everything the
test checks is what a person sees on a page or in a letter.
"""

from __future__ import annotations

import re
import subprocess
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.browser_helpers import add_selection_criterion, fill_and_save, register_as_vendor
from tests.browser_helpers import log_in as _login
from tests.conftest import PASSWORD, LiveServer, dispose, make_app, migrate
from tests.evaluation_helpers import Clock
from tests.prequalification_helpers import PQ_AFTER, PQ_BID_DEADLINE, PQ_DEADLINE, PQ_ORGNR
from tests.shared_fixtures import Mailbox

pytestmark = pytest.mark.browser

CASE_REFERENCE = "2026/0815"
ESPD_FIXTURE = Path(__file__).resolve().parent / "fixtures" / "espd" / "espd-response-v2.1.1-basic.xml"
#: the procurement the ESPD fixture answers (replaced by this tender's in the vendors' copies)
FIXTURE_REFERENCE = b"2026/0417"

#: the five vendors whose requests are built through the request operations, with their consensus scores on
#: the three criteria (referanser 40 %, kompetanse 35 %, økonomi 25 %); Fjordsak fails a requirement
OTHERS = {
    "Arkivus AS": ("9", "9", "9"),
    "Bokskapet Systemer AS": ("8", "8", "8"),
    "Casefile Norge AS": ("7", "7", "7"),
    "Elark AS": ("6", "5", "4"),  # 2,4 + 1,75 + 1,0 = 5,15: fifth, not selected
    "Fjordsak AS": None,
}
#: index of each one's organisation number in tests/prequalification_helpers.py's ``PQ_ORGNR``
OTHER_ORGNR = {"Arkivus AS": 0, "Bokskapet Systemer AS": 1, "Casefile Norge AS": 2, "Elark AS": 4}
OTHER_ORGNR["Fjordsak AS"] = 5
#: the vendor that goes through the browser, and its consensus scores: 3,2 + 2,45 + 1,5 = 7,15 (third)
BROWSER_VENDOR = "Dokumenta AS"
BROWSER_ORGNR = PQ_ORGNR[3]
BROWSER_SCORES = ("8", "7", "6")
CRITERIA = ["Relevante referanser", "Kompetanse i leveranseteamet", "Økonomisk soliditet"]
NOT_MET = "Bare én referanse med Noark 5 er dokumentert; kravet er tre."
#: the standard requirement Fjordsak fails (the fourth in the order the pages number them)
REFERENCE_REQUIREMENT = 4


@dataclass(frozen=True)
class Person:
    email: str
    name: str


@dataclass(frozen=True)
class Grenland:
    tender_id: int
    token: str
    lead: Person
    evaluators: list[Person]
    signers: list[tuple[Person, str]]


@pytest.fixture
def journey_server(
    app, database_factory, tmp_path_factory, mail_server
) -> Iterator[tuple[LiveServer, Mailbox]]:
    """A live server with its own database and its e-mail going to the local SMTP server (the vendor
    confirms its address from the e-mail). ``app`` is asked for so that the PostgreSQL run keeps the test
    (tests/conftest.py runs there only the tests that use a database by ``app`` or ``live_server``)."""
    port, box = mail_server
    application = make_app(
        database_factory("tender_pq_journey_live"),
        tmp_path_factory.mktemp("pq-journey-live"),
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


def _people(app: Any) -> Grenland:
    """The tender (a competitive negotiation with its two deadlines, no prequalification set up yet) and
    its group: the lead, two evaluators, a signer for each of Skien and Porsgrunn; the five vendors that
    send their requests outside the browser, each with a user. The clock ten days before the deadline."""
    from tender.auth import operations as accounts
    from tender.extensions import db
    from tender.tenders import operations as tender_ops
    from tender.tenders.models import Procedure, Role
    from tender.vendors import operations as vendor_ops

    app.config["CLOCK"] = Clock(PQ_DEADLINE - timedelta(days=10))

    def user(name: str) -> Any:
        made = accounts.create_user(
            f"{name.split()[0].lower()}.{uuid.uuid4().hex[:8]}@example.no", name, password=PASSWORD
        )
        db.session.flush()
        return made

    with app.app_context():
        lead = user("Lena Leder")
        tender = tender_ops.create_tender(
            title="Felles sak- og arkivsystem for Grenland",
            case_reference=CASE_REFERENCE,
            procedure=Procedure.COMPETITIVE_NEGOTIATION,
            lead=lead,
            participation_deadline=PQ_DEADLINE,
            bid_deadline=PQ_BID_DEADLINE,
        )
        signers = []
        for name, number, pop in [("Skien", "4003", 56_360), ("Porsgrunn", "4001", 37_920)]:
            m = tender_ops.get_or_create_municipality(name=name, kommunenummer=number, population=pop)
            tender_ops.add_municipality(tender, m, actor=lead)
            signer = user(f"Signe {name}")
            tender_ops.add_membership(tender, signer, Role.SIGNER, municipality=m)
            signers.append((Person(signer.email, signer.name), name))
        evaluators = [user("Eva Evaluator"), user("Erik Evaluator")]
        for e in evaluators:
            tender_ops.add_membership(tender, e, Role.EVALUATOR)
        for name, index in OTHER_ORGNR.items():
            vendor = tender_ops.register_vendor(
                tender, name=name, organisasjonsnummer=PQ_ORGNR[index], actor=lead
            )
            vendor_ops.add_vendor_user_by_operator(tender, vendor, user(f"Selger {name.split()[0]}"))
        db.session.commit()
        return Grenland(
            tender.id,
            tender.announcement_token,
            Person(lead.email, lead.name),
            [Person(e.email, e.name) for e in evaluators],
            signers,
        )


def _espd_copy(tmp_path: Path) -> Path:
    """The ESPD fixture as a vendor would export it for this procurement: with this tender's reference."""
    data = ESPD_FIXTURE.read_bytes()
    assert FIXTURE_REFERENCE in data
    copy = tmp_path / "espd-response.xml"
    copy.write_bytes(data.replace(FIXTURE_REFERENCE, CASE_REFERENCE.encode()))
    return copy


def _other_requests(app: Any, tender_id: int, espd: bytes) -> None:
    """The five other vendors' requests, each through the request operations as its own user: company
    data, the ESPD file, a document per requirement, a reference, and the submission."""
    from tender import clock
    from tender.extensions import db
    from tender.prequalification import request_operations as ops
    from tender.tenders.models import Tender

    with app.app_context():
        tender = db.session.get(Tender, tender_id)
        at = clock.now()
        for vendor in [tv.vendor for tv in tender.vendors if tv.vendor.name in OTHERS]:
            actor = next(m.user for m in tender.memberships if m.vendor_id == vendor.id)
            short = vendor.name.split()[0].lower()
            req = ops.ensure_request(tender, vendor, at=at, actor=actor)
            ops.save_company(
                tender,
                req,
                ops.CompanyInput(
                    f"Kontakt {vendor.name}", f"anbud@{short}.no", "+47 35 00 00 00", "Skien", "NO"
                ),
                at=at,
                actor=actor,
            )
            ops.import_espd(tender, req, filename="espd.xml", data=espd, at=at, actor=actor)
            for n, r in enumerate(ops.requirements_of(tender), start=1):
                ops.add_document(
                    tender,
                    req,
                    requirement_id=r.id,
                    filename=f"krav-{n}.pdf",
                    content_type="application/pdf",
                    data=f"%PDF-1.4 {vendor.name}: krav {n}".encode(),
                    at=at,
                    actor=actor,
                )
            ops.add_reference(
                tender,
                req,
                ops.ReferenceInput(
                    "Telemark fylkeskommune", f"{short} Sak", "Kari Arkivar", "2021–2026", "Noark 5."
                ),
                at=at,
                actor=actor,
            )
            # the fixture's ESPD answers not every ground: the vendor submits anyway, as "Lever likevel"
            ops.submit(tender, req, at=at, actor=actor, confirm_missing=True)
        db.session.commit()


def _person(browser: Any) -> Any:
    """A browser of one's own (its own cookies), as each person in the journey has."""
    context = browser.new_context(locale="nb-NO", timezone_id="Europe/Oslo")
    pg = context.new_page()
    pg.set_default_timeout(15_000)
    return pg


def _download(page: Any, link: str, target: Path) -> str:
    """The PDF behind ``link`` as ``pdftotext`` reads it, with the whitespace made single spaces."""
    with page.expect_download() as download:
        page.get_by_role("link", name=link).click()
    download.value.save_as(target)
    done = subprocess.run(["pdftotext", "-q", str(target), "-"], capture_output=True, timeout=60, check=True)
    return re.sub(r"\s+", " ", done.stdout.decode("utf-8"))


def _link(message: Any, base: str) -> str:
    body = message.get_payload(decode=True).decode("utf-8")
    match = re.search(r"https?://[^/\s]+(/leverandor/bekreft/[A-Za-z0-9_-]+)", body)
    assert match, body
    return base + match.group(1)


def test_the_grenland_prequalification_runs_in_the_browser_from_announcement_to_invitation_letters(
    journey_server, browser, page, tmp_path
) -> None:
    server, box = journey_server
    app, url = server.app, server.url
    w = _people(app)
    tender_url = f"{url}/konkurranser/{w.tender_id}"
    pq_url = f"{tender_url}/prekvalifisering"
    try:
        # -- the lead sets the prequalification up and freezes it -------------------------------------
        lead = page
        _login(lead, url, w.lead.email)
        lead.goto(tender_url)
        lead.get_by_role("link", name="Prekvalifisering").click()
        lead.get_by_label("Minste antall kandidater som inviteres").fill("3")
        lead.get_by_label("Største antall kandidater som inviteres (tomt: ingen øvre grense)").fill("4")
        lead.get_by_role("button", name="Lagre oppsettet").click()
        lead.get_by_text("Oppsettet er lagret.").wait_for()
        lead.get_by_role("button", name="Legg inn standardkrav").click()
        lead.get_by_text("6 standardkrav er lagt inn.").wait_for()
        lead.get_by_role("button", name="Legg inn obligatoriske avvisningsgrunner").click()
        lead.get_by_text("8 obligatoriske avvisningsgrunner er lagt inn.").wait_for()
        add_selection_criterion(
            lead, CRITERIA[0], "40", "10: fem eller flere sammenlignbare leveranser. 0: ingen."
        )
        add_selection_criterion(lead, CRITERIA[1], "35", "10: svært god. 5: god. 0: ikke dokumentert.")
        add_selection_criterion(lead, CRITERIA[2], "25", "10: svært solid. 5: tilfredsstillende. 0: svak.")
        lead.get_by_role("button", name="Frys og publiser oppsettet").click()
        lead.get_by_text("Oppsettet er fryst og kunngjort.").wait_for()
        digest = lead.locator("section.status code.hash").inner_text()
        assert re.fullmatch(r"[0-9a-f]{64}", digest)

        # -- six vendors send their requests before the deadline -------------------------------------
        app.config["CLOCK"].set(PQ_DEADLINE - timedelta(days=2))
        espd = _espd_copy(tmp_path)
        _other_requests(app, w.tender_id, espd.read_bytes())

        vendor = _person(browser)
        announcement = f"{url}/kunngjoring/{w.token}"
        vendor.goto(announcement)
        assert vendor.locator("section.prequalification #pq-hash").inner_text() == digest
        register_as_vendor(
            vendor,
            announcement,
            orgnr=BROWSER_ORGNR,
            name="Dina Dokumenta",
            email="dina@dokumenta.no",
            password="dinas-passord-1",
            company=BROWSER_VENDOR,
        )
        vendor.goto(_link(box.wait_for("dina@dokumenta.no"), url))
        vendor.get_by_role("button", name="Bekreft e-postadressen").click()
        vendor.get_by_role("heading", name="E-postadressen er bekreftet").wait_for()
        # the confirmation page's link leads, after the login, to the request to take part
        vendor.get_by_role("link", name="Logg inn").click()
        vendor.get_by_label("E-postadresse").fill("dina@dokumenta.no")
        vendor.get_by_label("Passord").fill("dinas-passord-1")
        vendor.get_by_role("button", name="Logg inn").click()
        vendor.get_by_role("heading", name=f"Forespørsel om å delta fra {BROWSER_VENDOR}").wait_for()
        vendor.get_by_label("Kontaktperson", exact=True).fill("Dina Dokumenta")
        vendor.get_by_label("E-postadresse", exact=True).fill("anbud@dokumenta.no")
        vendor.get_by_label("Telefon").fill("+47 35 00 00 00")
        vendor.get_by_label("Adresse", exact=True).fill("Storgata 4, 3715 Skien")
        vendor.get_by_role("button", name="Lagre firmaopplysningene").click()
        vendor.get_by_text("Firmaopplysningene er lagret.").wait_for()
        vendor.get_by_label("ESPD-fil (XML)").set_input_files(str(espd))
        vendor.get_by_role("button", name="Les inn ESPD-filen").click()
        vendor.get_by_text("ESPD-filen er lest inn.").wait_for()
        pdf = tmp_path / "firmaattest.pdf"
        pdf.write_bytes(b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n")
        vendor.get_by_label("Gjelder kvalifikasjonskrav").select_option(
            label="Krav 1: Leverandøren skal være et lovlig etablert foretak."
        )
        vendor.get_by_label("Dokument", exact=True).set_input_files(str(pdf))
        vendor.get_by_role("button", name="Last opp dokumentet").click()
        vendor.get_by_text("Dokumentet er lastet opp.").wait_for()
        vendor.get_by_role("button", name="Lever forespørselen").click()
        vendor.locator("#mangler").wait_for()  # documents for the other requirements are not there
        vendor.get_by_role("button", name="Lever likevel").click()
        vendor.get_by_role("heading", name="Kvittering for forespørsel om å delta").wait_for()
        assert re.fullmatch(r"[0-9a-f]{64}", vendor.locator("#receipt-hash").inner_text())
        assert vendor.get_by_text("firmaattest.pdf").is_visible()

        # -- after the deadline two members open the requests, each in their own browser --------------
        app.config["CLOCK"].set(PQ_AFTER)
        first, second = w.evaluators
        evaluator = _person(browser)
        _login(evaluator, url, first.email)
        evaluator.goto(pq_url + "/foresporsler")
        assert evaluator.get_by_text(BROWSER_VENDOR).count() == 0  # sealed until opened
        evaluator.get_by_role("button", name="Bekreft åpning av forespørslene").click()
        evaluator.get_by_text("Bekreftelsen din er registrert").wait_for()
        _login(lead, url, w.lead.email)  # days later: the session from the setup has run out
        lead.goto(pq_url + "/foresporsler")
        assert lead.get_by_text(f"{first.name} bekreftet åpningen").is_visible()
        lead.get_by_role("button", name="Bekreft og åpne forespørslene").click()
        lead.get_by_text("Forespørslene er åpnet").wait_for()
        record = lead.get_by_role("table", name="Leverte forespørsler")
        for name in [*OTHERS, BROWSER_VENDOR]:
            assert record.get_by_role("cell", name=name, exact=True).is_visible(), name

        # -- the evaluators assess every requirement and score -----------------------------------------
        evaluator.goto(pq_url + "/foresporsler")
        for name in [*OTHERS, BROWSER_VENDOR]:
            evaluator.goto(pq_url + "/foresporsler")
            evaluator.get_by_role("link", name=name, exact=True).click()
            evaluator.get_by_role("table", name="Vurdering av kvalifikasjonskravene").wait_for()
            for n in range(1, 7):
                failing = name == "Fjordsak AS" and n == REFERENCE_REQUIREMENT
                fill_and_save(
                    evaluator,
                    f"Vurdering av krav {n}",
                    {
                        "Vurdering": "Ikke oppfylt" if failing else "Oppfylt",
                        "Begrunnelse": NOT_MET if failing else "Dokumentasjonen og ESPD-svaret er i orden.",
                    },
                    "Lagre vurderingen",
                    "Vurderingen er lagret.",
                )
            if name == "Fjordsak AS":
                assert evaluator.get_by_text("Vurdert som kvalifisert.").count() == 0
                assert evaluator.get_by_role("form", name=f"Mine poeng på {CRITERIA[0]}").count() == 0
            else:
                assert evaluator.get_by_text("Vurdert som kvalifisert.").is_visible(), name
        fill_and_save(
            evaluator,
            f"Mine poeng på {CRITERIA[0]}",
            {"Poeng (0–10)": "8", "Begrunnelse": "Fire kommuner på Noark 5."},
            "Lagre poengene mine",
            "Poengene dine er lagret.",
        )
        evaluator.context.close()
        evaluator = _person(browser)
        _login(evaluator, url, second.email)
        evaluator.goto(pq_url + "/foresporsler")
        evaluator.get_by_role("link", name=BROWSER_VENDOR, exact=True).click()
        fill_and_save(
            evaluator,
            f"Mine poeng på {CRITERIA[0]}",
            {"Poeng (0–10)": "7", "Begrunnelse": "Tre av referansene er sammenlignbare."},
            "Lagre poengene mine",
            "Poengene dine er lagret.",
        )

        # -- the lead sets the consensus; the selection page says what is missing until it is set --------
        lead.goto(tender_url)
        lead.get_by_role("link", name="Utvelgelse").click()
        missing = lead.get_by_role("region", name="Mangler konsensuspoeng")
        assert BROWSER_VENDOR in missing.inner_text()
        scores = {**{k: v for k, v in OTHERS.items() if v}, BROWSER_VENDOR: BROWSER_SCORES}
        for name, values in scores.items():
            lead.goto(pq_url + "/foresporsler")
            lead.get_by_role("link", name=name, exact=True).click()
            if name == BROWSER_VENDOR:
                assert lead.get_by_text("Fire kommuner på Noark 5.").is_visible()
                assert lead.get_by_text("Tre av referansene er sammenlignbare.").is_visible()
            for criterion, value in zip(CRITERIA, values, strict=True):
                fill_and_save(
                    lead,
                    f"Konsensus på {criterion}",
                    {"Poeng (0–10)": value, "Begrunnelse": f"Gruppen er enig om {value} poeng."},
                    "Lagre konsensus",
                    "Konsensuspoengene er lagret.",
                )

        # -- the ranking, and the lead proposes the four it prefills ----------------------------------
        lead.goto(tender_url)
        lead.get_by_role("link", name="Utvelgelse").click()
        assert lead.get_by_role("region", name="Mangler konsensuspoeng").count() == 0
        ranking = lead.get_by_role("table", name="Forespørsler")
        assert "7,15" in ranking.get_by_role("row", name=BROWSER_VENDOR).inner_text()
        assert "5,15" in ranking.get_by_role("row", name="Elark AS").inner_text()
        fjordsak = ranking.get_by_role("row", name="Fjordsak AS").inner_text()
        assert NOT_MET in fjordsak
        boxes = lead.get_by_role("checkbox")
        assert [boxes.nth(i).is_checked() for i in range(boxes.count())].count(True) == 4
        lead.get_by_role("button", name="Send forslaget til godkjenning").click()
        lead.get_by_role("heading", name="Forslag nr. 1 til utvalg").wait_for()
        proposal_hash = lead.locator("dd code").first.inner_text()
        assert len(proposal_hash) == 64
        assert (
            lead.get_by_role("row", name="Elark AS")
            .get_by_text("Ikke valgt ut: Rangert som nr. 5")
            .is_visible()
        )

        # -- each municipality's signer approves in their own browser; the selection becomes final ------
        for signer, municipality in w.signers:
            signing = _person(browser)
            _login(signing, url, signer.email)
            signing.goto(f"{pq_url}/utvelgelse/forslag/1")
            assert signing.get_by_text(proposal_hash).is_visible()
            signing.get_by_label("Beslutning", exact=True).select_option(label="Godkjenn")
            signing.get_by_role("button", name="Registrer beslutning").click()
            signing.get_by_text(f"Beslutningen for {municipality} er registrert.").wait_for()
            signing.context.close()
        lead.goto(f"{pq_url}/utvelgelse/forslag/1")
        assert lead.get_by_text("Endelig").first.is_visible()
        for name in ["Arkivus AS", "Bokskapet Systemer AS", BROWSER_VENDOR, "Casefile Norge AS"]:
            assert lead.get_by_role("row", name=name).get_by_text("Inviteres").is_visible(), name
        assert (
            lead.get_by_role("row", name="Fjordsak AS")
            .get_by_text("Oppfyller ikke kvalifikasjonskrav")
            .is_visible()
        )

        # -- the letters: made by the lead, read back by the lead and by the vendor ---------------------
        lead.goto(tender_url)
        lead.get_by_role("link", name="Brev om prekvalifiseringen").click()
        lead.get_by_role("button", name="Lag brevene for utsending").click()
        lead.get_by_text("6 brev er laget for utsending").wait_for()
        rejection = _download(lead, "Brev til Fjordsak AS (PDF)", tmp_path / "avvist.pdf")
        assert "Avvisning av forespørsel om å delta" in rejection
        assert NOT_MET in rejection
        not_selected = _download(lead, "Brev til Elark AS (PDF)", tmp_path / "ikke-valgt.pdf")
        assert "ikke er valgt ut til å gi tilbud" in not_selected
        assert "5,15" in not_selected and "7,15" in not_selected  # their total beside the invited ones'

        _login(vendor, url, "dina@dokumenta.no", "dinas-passord-1")
        vendor.goto(tender_url)
        vendor.get_by_role("link", name="Brev om prekvalifiseringen").click()
        assert vendor.get_by_text("Elark AS").count() == 0
        invitation = _download(vendor, f"Brev til {BROWSER_VENDOR} (PDF)", tmp_path / "invitasjon.pdf")
        assert "Invitasjon til å gi tilbud" in invitation and BROWSER_VENDOR in invitation
        assert "Felles sak- og arkivsystem for Grenland" in invitation
    finally:
        app.config.pop("CLOCK", None)
