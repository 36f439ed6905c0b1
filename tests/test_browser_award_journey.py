"""In a real Chromium, the Grenland demo from the final bids to the signed contract (issue 14): the lead sets
the cost split and drafts the recommendation with an account per criterion and bid, and freezes it; all six
municipalities' signers approve it with the decision behind it; the lead sends the notices of award; a losing
bidder reads its own notice; the clock (injected) passes the standstill; the lead records the signed contract;
the procurement protocol (checked against the shipped JSON Schema) and the archive package download, and
every hash in the package's manifest matches its file."""

from __future__ import annotations

import hashlib
import io
import json
import re
import subprocess
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.browser_helpers import log_in, log_out
from tests.conftest import LiveServer, dispose, make_app, migrate
from tests.evaluation_helpers import Clock

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SIGNED = b"%PDF-1.4\n% the joint contract, signed by the six municipalities and the vendor\n%%EOF\n"


@dataclass
class Journey:
    server: LiveServer
    clock: Clock
    tender_id: int
    lead: str
    signers: dict[str, str]


@pytest.fixture(scope="module")
def journey(
    database_factory: Callable[[str], str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Journey]:
    """The demo built up to ``negotiated`` (the final round scored), served, with a clock the test moves."""
    from tender.demo.stages import build_stage
    from tender.tenders.models import Role

    application = make_app(database_factory("tender_award_journey"), tmp_path_factory.mktemp("award-journey"))
    migrate(application)
    with application.app_context():
        tender = build_stage("negotiated")
        ids = (tender.id, tender.memberships[0].user.email)
        signers = {
            m.municipality.name: m.user.email
            for m in tender.memberships
            if m.role is Role.SIGNER and m.municipality is not None
        }
    clock = Clock(datetime.now(UTC))
    application.config["CLOCK"] = clock
    server = LiveServer(application).start()
    try:
        yield Journey(server, clock, ids[0], ids[1], signers)
    finally:
        server.stop()
        dispose(application)


def _pdf_text(data: bytes) -> str:
    done = subprocess.run(
        ["pdftotext", "-q", "-", "-"], input=data, capture_output=True, timeout=60, check=True
    )
    return re.sub(r"\s+", " ", done.stdout.decode("utf-8"))


def _download(page: Any, click: Callable[[], None], target: Path) -> bytes:
    with page.expect_download() as caught:
        click()
    caught.value.save_as(target)
    return target.read_bytes()


def _notice_facts(app: Any, tender_id: int) -> tuple[str, str, str, datetime]:
    """The winner's name, a losing bidder of the final round (not the vendor reduced before it, whose notice
    has no points of its own), one of its users' e-mail, and the standstill's end."""
    from tender.award.notice_operations import reduced_rounds
    from tender.award.operations import notice_issue_of
    from tender.extensions import db
    from tender.tenders.models import Tender
    from tender.tenders.operations import vendor_users

    with app.app_context():
        tender = db.session.get(Tender, tender_id)
        issue = notice_issue_of(tender)
        assert issue is not None
        winner = next(n.vendor for n in issue.notices if n.chosen)
        reduced = reduced_rounds(issue)
        assert len(reduced) == 1  # the demo reduces one vendor after round 1; it has its notice too
        loser = next(n.vendor for n in issue.notices if not n.chosen and n.vendor_id not in reduced)
        return winner.name, loser.name, vendor_users(tender, loser)[0].email, issue.standstill_ends_at


def test_the_grenland_tender_runs_from_the_recommendation_to_the_signed_contract_in_the_browser(
    journey: Journey, page: Any, tmp_path: Path
) -> None:
    from tender.demo import DEMO_PASSWORD
    from tender.protocol.archive import MANIFEST_CSV, MANIFEST_JSON

    url = journey.server.url
    base = f"{url}/konkurranser/{journey.tender_id}"
    app = journey.server.app

    # the lead: the cost split, then the recommendation with every account written, frozen
    log_in(page, url, journey.lead, DEMO_PASSWORD)
    page.goto(base)
    page.get_by_role("link", name="Kostnadsfordeling").click()
    key = page.get_by_role("form", name="Fordelingsnøkkel")
    key.get_by_label("Fordelingsnøkkel").select_option(label="Fast andel hver, resten etter innbyggertall")
    key.get_by_label("Fast andel som deles likt (prosent)").fill("20")
    key.get_by_role("button", name="Lagre fordelingsnøkkel").click()
    page.get_by_text("Kostnadsfordelingen er satt").wait_for()

    page.get_by_role("link", name="Innstilling").click()
    page.get_by_role("button", name="Påbegynn innstilling").click()
    page.get_by_text("Innstilling nr. 1 er påbegynt.").wait_for()
    texts = page.get_by_role("form", name="Begrunnelser")
    boxes = texts.locator("textarea")
    assert boxes.count() >= 2 * 6  # every criterion, for the winner and each other bid
    for i in range(boxes.count()):
        box = boxes.nth(i)
        if not box.input_value():
            box.fill(f"Vinnerens løsning er konkret beskrevet og bedre dokumentert her (punkt {i + 1}).")
    texts.get_by_role("button", name="Lagre innstillingen").click()
    page.get_by_text("Innstillingen er lagret").wait_for()
    page.get_by_role("button", name="Lås innstillingen for godkjenning").click()
    page.get_by_text("Innstillingen er låst for godkjenning.").wait_for()
    # notices are not offered before every municipality has approved
    page.goto(f"{base}/tildeling/meddelelser")
    assert page.get_by_role("button", name="Send meddelelsene om tildeling").count() == 0
    log_out(page)

    # the six signers, each for its own municipality, with the decision behind it
    for n, (municipality, email) in enumerate(sorted(journey.signers.items())):
        log_in(page, url, email, DEMO_PASSWORD)
        page.goto(base)
        page.get_by_role("link", name="Innstilling").click()
        page.get_by_role("link", name="Les innstillingen og ta stilling").click()
        # the link navigates: wait for the page (fails on its timeout if the matrix never shows)
        page.get_by_role("table", name="Evalueringsmatrise").wait_for()
        split = page.get_by_role("table", name="Kostnadsfordelingen i innstillingen")
        row = split.get_by_role("row").filter(has_text=municipality)
        assert "kr" in row.inner_text()  # the municipality's share in kroner, as frozen in the snapshot
        form = page.get_by_role("form", name=f"Vedtak for {municipality}")
        form.get_by_label("Godkjent").check()
        form.get_by_label("Vedtatt av").select_option("formannskap" if n % 2 else "kommunedirektor")
        form.get_by_label("Vedtaksdato").fill(journey.clock().astimezone(_oslo()).date().isoformat())
        form.get_by_label("Saksnummer i kommunens arkiv").fill(f"2026/47{n + 10}")
        form.get_by_role("button", name="Registrer vedtaket").click()
        page.get_by_text(f"{municipality} har godkjent innstillingen.").wait_for()
        log_out(page)

    # the lead sends the notices at one moment to every bidder of the final round (three) and to the vendor
    # reduced after round 1 (an affected vendor too); the board shows all six approvals
    log_in(page, url, journey.lead, DEMO_PASSWORD)
    page.goto(base)
    board = page.get_by_role("table", name="Kommunenes godkjenning av tildelingen")
    assert board.get_by_text("godkjent").count() == 6
    page.get_by_role("link", name="Meddelelser om tildeling").click()
    page.get_by_label("Karensperiode (dager)").fill("10")
    page.get_by_role("button", name="Send meddelelsene om tildeling").click()
    page.get_by_text("4 meddelelser om tildeling er sendt").wait_for()
    winner, loser, loser_email, ends = _notice_facts(app, journey.tender_id)
    log_out(page)

    # a losing bidder reads its own notice: the winner, its own points beside the winner's, no third bidder
    log_in(page, url, loser_email, DEMO_PASSWORD)
    page.goto(base)
    page.get_by_role("link", name="Meddelelser om tildeling").click()
    notice = _pdf_text(
        _download(
            page,
            page.get_by_role("link", name=f"Meddelelse om tildeling til {loser} (PDF)").click,
            tmp_path / "meddelelse.pdf",
        )
    )
    assert f"Til: {loser}" in notice and f"tildele kontrakten til {winner}" in notice
    assert "karensperiode" in notice.lower()
    log_out(page)

    # past the standstill the lead records the signed contract, and the tender stands at its end
    journey.clock.set(ends + timedelta(days=1))
    signed_at = (ends + timedelta(hours=10)).astimezone(_oslo()).strftime("%Y-%m-%dT%H:%M")
    document = tmp_path / "kontrakt-signert.pdf"
    document.write_bytes(SIGNED)
    log_in(page, url, journey.lead, DEMO_PASSWORD)
    page.goto(f"{base}/tildeling/meddelelser")
    page.get_by_label("Den signerte kontrakten (PDF)").set_input_files(str(document))
    page.get_by_label("Signert (norsk tid)").fill(signed_at)
    page.get_by_label("Signert for kommunene av").fill("\n".join(f"Ordfører i {m}" for m in journey.signers))
    page.get_by_label("Signert for leverandøren av").fill(f"Daglig leder, {winner}")
    page.get_by_role("button", name="Registrer den signerte kontrakten").click()
    page.get_by_text("Den signerte kontrakten er registrert med kontrollsum").wait_for()
    assert page.locator("#kontrakt-sha256").inner_text() == hashlib.sha256(SIGNED).hexdigest()

    # the protocol: its JSON validates against the schema the project ships, and names the contract's hash
    page.goto(base)
    protocol = page.get_by_text("Anskaffelsesprotokoll:")
    data = _download(page, protocol.get_by_role("link", name="JSON").click, tmp_path / "protokoll.json")
    _validate_protocol(json.loads(data))
    assert hashlib.sha256(SIGNED).hexdigest() in data.decode("utf-8")
    pdf = _download(page, protocol.get_by_role("link", name="PDF").click, tmp_path / "protokoll.pdf")
    assert "anskaffelsesprotokoll" in _pdf_text(pdf).lower()

    # the archive package for one municipality: every manifest hash matches its file, none missing or extra
    page.get_by_role("navigation", name="Konkurranse").get_by_role("link", name="Arkivpakke").click()
    page.get_by_label("Kommune").select_option(label="Skien")
    package = _download(
        page, page.get_by_role("button", name="Last ned arkivpakke").click, tmp_path / "arkivpakke.zip"
    )
    with zipfile.ZipFile(io.BytesIO(package)) as zf:
        files = {name: zf.read(name) for name in zf.namelist()}
    manifest = json.loads(files.pop(MANIFEST_JSON))
    files.pop(MANIFEST_CSV)
    listed = {f["sti"]: f for f in manifest["filer"]}
    assert set(listed) == set(files)
    for path, body in files.items():
        assert listed[path]["sha256"] == hashlib.sha256(body).hexdigest(), path
    assert any(body == SIGNED for body in files.values()), "the signed contract is filed"
    assert any(p.startswith("5-protokoll/") and p.endswith(".json") for p in files)
    titles = [f["tittel"] for f in manifest["filer"]]
    # every notice is filed: the final round's three bidders' and the reduced vendor's
    assert sum(t.startswith("Meddelelse om tildeling til") for t in titles) == 4
    log_out(page)


def _oslo() -> Any:
    from zoneinfo import ZoneInfo

    return ZoneInfo("Europe/Oslo")


def _validate_protocol(protocol: dict[str, Any]) -> None:
    from jsonschema import Draft202012Validator

    from tender.protocol.operations import schema

    errors = sorted(Draft202012Validator(schema()).iter_errors(protocol), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message[:200]}" for e in errors[:5]]
