"""In a real Chromium, as the lead would: set up the prequalification of a competitive negotiation (the
numbers of candidates, refused below the law first; the standard requirements and one of their own; the
mandatory grounds and an optional one; selection criteria with Norwegian decimals, with the weight-sum error
seen and fixed), freeze it, and find it, with its hash, on the public announcement page."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from tests.browser_helpers import log_in as _login
from tests.evaluation_helpers import PASSWORD, Clock, restore_clock
from tests.prequalification_helpers import PQ_BID_DEADLINE, PQ_DEADLINE

pytestmark = pytest.mark.browser


def _live_tender(app) -> tuple[int, str, str]:
    """A competitive negotiation with its deadlines and no prequalification yet, in the live server's
    database; the clock ten days before the participation deadline. Returns the tender id, its announcement
    token and the lead's e-mail."""
    from tender.auth import operations as accounts
    from tender.extensions import db
    from tender.tenders import operations as tender_ops
    from tender.tenders.models import Procedure

    app.config["CLOCK"] = Clock(PQ_DEADLINE - timedelta(days=10))
    with app.app_context():
        lead = accounts.create_user(
            f"lena.{uuid.uuid4().hex[:8]}@example.no", "Lena Leder", password=PASSWORD
        )
        tender = tender_ops.create_tender(
            title=f"Prekvalifiseringstest {uuid.uuid4().hex[:6]}",
            case_reference="2026/0042",
            procedure=Procedure.COMPETITIVE_NEGOTIATION,
            lead=lead,
            participation_deadline=PQ_DEADLINE,
            bid_deadline=PQ_BID_DEADLINE,
        )
        m = tender_ops.get_or_create_municipality(name="Skien", kommunenummer="4003", population=56_360)
        tender_ops.add_municipality(tender, m, actor=lead)
        db.session.commit()
        return tender.id, tender.announcement_token, lead.email


def _adding(page, summary: str):
    """The add form under its folded heading, unfolded."""
    details = page.locator("details", has=page.locator("summary", has_text=summary))
    if not details.evaluate("d => d.open"):
        details.locator("summary").click()
    return details


def _wider_than_the_window(page) -> dict[int, tuple[int, int]]:
    """At a laptop's and a tablet's width (as tests/test_browser_layout.py): the widths where the page is
    wider than the window."""
    too_wide = {}
    for width in (1366, 820):
        page.set_viewport_size({"width": width, "height": 900})
        scroll, client = page.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        if scroll > client:
            too_wide[width] = (scroll, client)
    page.set_viewport_size({"width": 1280, "height": 720})
    return too_wide


def _add_criterion(page, name: str, weight: str, descriptors: str) -> None:
    form = _adding(page, "Legg til et utvelgelseskriterium")
    form.get_by_label("Navn").fill(name)
    form.get_by_label("Vekt (%)").fill(weight)
    form.get_by_label("Skala 0–10: hva poengene betyr").fill(descriptors)
    form.get_by_role("button", name="Legg til kriteriet").click()
    page.get_by_text(f"Utvelgelseskriteriet «{name}» er lagt til.").wait_for()


def test_the_lead_sets_up_the_prequalification_freezes_it_and_the_announcement_shows_it(
    live_server, page
) -> None:
    tender_id, token, email = _live_tender(live_server.app)
    try:
        url = live_server.url
        _login(page, url, email)
        page.goto(f"{url}/konkurranser/{tender_id}")
        page.get_by_role("link", name="Prekvalifisering").click()
        page.get_by_text(
            "Konkurransen har ikke prekvalifisering. For konkurranse med forhandling foreslås"
        ).wait_for()
        assert page.get_by_text("Frist for forespørsel om å delta: 20. november 2026 kl. 13.00").is_visible()
        assert page.get_by_role("link", name="endre fristene under «Rediger konkurransen»").is_visible()

        # the numbers: the procedure's default is proposed; a minimum below the law is refused with the reason
        enabled = page.get_by_label("Konkurransen har prekvalifisering (leverandørene ber om å delta først)")
        assert enabled.is_checked()
        page.get_by_label("Minste antall kandidater som inviteres").fill("2")
        page.get_by_label("Største antall kandidater som inviteres (tomt: ingen øvre grense)").fill("4")
        page.get_by_label("Leverandørene skal levere et Noark 5-prøveuttrekk med forespørselen").check()
        page.get_by_role("button", name="Lagre oppsettet").click()
        page.get_by_text(
            "Minste antall kandidater er 2, men i konkurranse med forhandling må det være minst 3 "
            "(FOA § 16-12)."
        ).wait_for()
        page.get_by_label("Minste antall kandidater som inviteres").fill("3")
        page.get_by_role("button", name="Lagre oppsettet").click()
        page.get_by_text("Oppsettet er lagret.").wait_for()

        # the requirements: the standard set, then one of their own with an ESPD criterion from the list
        page.get_by_role("button", name="Legg inn standardkrav").click()
        page.get_by_text("6 standardkrav er lagt inn.").wait_for()
        assert page.get_by_role(
            "cell", name="Arkivverkets godkjenning av produktet, eller Noark 5-testrapport."
        ).is_visible()
        assert page.get_by_role("button", name="Legg inn standardkrav").count() == 0
        form = _adding(page, "Legg til et kvalifikasjonskrav")
        form.get_by_label("Gruppe").select_option(label="Økonomisk og finansiell kapasitet")
        form.get_by_label("Krav", exact=True).fill("Leverandøren skal ha en kredittvurdering på minst A.")
        form.get_by_label("Dokumentasjon som kreves").fill(
            "Kredittvurdering fra et anerkjent kredittopplysningsbyrå."
        )
        form.get_by_label("ESPD-kriterium").select_option(label="Økonomiske nøkkeltall (FINANCIAL_RATIO)")
        form.get_by_role("button", name="Legg til kravet").click()
        page.get_by_text("Kvalifikasjonskravet er lagt til.").wait_for()
        assert page.get_by_role(
            "cell", name="Leverandøren skal ha en kredittvurdering på minst A."
        ).is_visible()

        # the grounds: the mandatory ones by the button, an optional one by hand
        page.get_by_role("button", name="Legg inn obligatoriske avvisningsgrunner").click()
        page.get_by_text("8 obligatoriske avvisningsgrunner er lagt inn.").wait_for()
        form = _adding(page, "Legg til en avvisningsgrunn")
        form.get_by_label("Avvisningsgrunn", exact=True).fill("Leverandøren er konkurs eller under akkord.")
        form.get_by_label("ESPD-kriterium").select_option(label="Konkurs (BANKRUPTCY)")
        form.get_by_role("button", name="Legg til avvisningsgrunnen").click()
        page.get_by_text("Avvisningsgrunnen er lagt til.").wait_for()
        row = page.get_by_role("row").filter(has_text="Leverandøren er konkurs eller under akkord.")
        assert "Valgfri (FOA § 24-2 (2)/(3))" in row.inner_text()

        # the criteria, with Norwegian decimals; the sum is wrong, then fixed
        _add_criterion(page, "Relevante referanser", "40,5", "10: fem eller flere sammenlignbare leveranser.")
        _add_criterion(page, "Kompetanse i leveranseteamet", "35", "10: svært god.")
        _add_criterion(page, "Økonomisk soliditet", "25", "10: svært solid.")
        error = page.locator("#vektsum-melding")
        assert (
            error.inner_text() == "Vektene på utvelgelseskriteriene summerer seg til 100,5 %, ikke 100 % "
            "(Relevante referanser 40,5 % + Kompetanse i leveranseteamet 35 % + Økonomisk soliditet 25 %)."
        )
        assert page.get_by_role("button", name="Frys og publiser oppsettet").count() == 0
        row = page.get_by_role("row").filter(has_text="Relevante referanser")
        row.locator("summary", has_text="Endre").click()
        row.get_by_label("Vekt (%)").fill("40")
        row.get_by_role("button", name="Lagre kriteriet").click()
        page.get_by_text("Utvelgelseskriteriet «Relevante referanser» er endret.").wait_for()
        assert page.locator("#vektsum-melding").count() == 0
        assert page.locator("#vektsum").inner_text() == "100\xa0%"

        assert _wider_than_the_window(page) == {}

        # the freeze
        page.get_by_role("button", name="Frys og publiser oppsettet").click()
        page.get_by_text("Oppsettet er fryst og kunngjort.").wait_for()
        digest = page.locator("section.status code.hash").inner_text()
        assert len(digest) == 64
        assert page.get_by_role("button", name="Lagre oppsettet").count() == 0
        assert page.get_by_role("button", name="Slett").count() == 0
        assert page.locator("summary", has_text="Endre").count() == 0

        # the announcement page, as anyone
        page.get_by_role("button", name="Logg ut").click()
        page.goto(f"{url}/kunngjoring/{token}")
        section = page.locator("section.prequalification")
        shown = section.inner_text()
        for expected in (
            "mellom 3 og 4",
            "20. november 2026 kl. 13.00 (norsk tid)",
            "Firmaattest (registreringsattest fra Foretaksregisteret), ikke eldre enn seks måneder.",
            "Kredittvurdering fra et anerkjent kredittopplysningsbyrå.",
            "Økonomiske nøkkeltall",
            "Referanser fra minst tre kommuner som bruker systemet på Noark 5, med kontaktperson.",
            "Leverandøren er konkurs eller under akkord.",
            "Rettskraftig dom eller vedtatt forelegg for korrupsjon.",
            "Relevante referanser",
            "10: fem eller flere sammenlignbare leveranser.",
            "Kreves",
        ):
            assert expected in shown, expected
        assert section.locator("#pq-hash").inner_text() == digest
        row = section.get_by_role("row").filter(has_text="Relevante referanser")
        assert "40\xa0%" in row.inner_text()
        assert _wider_than_the_window(page) == {}
    finally:
        restore_clock(live_server.app)


def test_the_lead_changes_moves_and_deletes_requirements_grounds_and_criteria_in_the_browser(
    live_server, page
) -> None:
    from decimal import Decimal

    from tender.extensions import db
    from tender.prequalification import setup_operations as ops
    from tender.tenders.models import Tender

    tender_id, _, email = _live_tender(live_server.app)
    now = PQ_DEADLINE - timedelta(days=10)
    with live_server.app.app_context():
        tender = db.session.get(Tender, tender_id)
        lead = tender.memberships[0].user
        ops.save_settings(tender, ops.SettingsInput(True, 3, 4, True, False), now=now, actor=lead)
        ops.add_standard_requirements(tender, now=now, actor=lead)
        ops.add_mandatory_grounds(tender, now=now, actor=lead)
        ops.add_criterion(tender, ops.CriterionInput("Referanser", Decimal(60)), now=now, actor=lead)
        ops.add_criterion(tender, ops.CriterionInput("Kompetanse", Decimal(40)), now=now, actor=lead)
        db.session.commit()
    try:
        url = live_server.url
        _login(page, url, email)
        page.goto(f"{url}/konkurranser/{tender_id}/prekvalifisering")

        # a requirement: an empty text is refused beside the field, then it moves to another group with a
        # code typed by hand
        row = page.get_by_role("row").filter(has_text="Leverandøren skal være et lovlig etablert foretak.")
        row.locator("summary", has_text="Endre").click()
        row.get_by_label("Krav", exact=True).fill("")
        row.get_by_role("button", name="Lagre kravet").click()
        page.get_by_text("Skriv kravet.").wait_for()
        row = page.get_by_role("row").filter(has=page.get_by_text("Skriv kravet."))
        row.get_by_label("Krav", exact=True).fill("Leverandøren skal være registrert i Enhetsregisteret.")
        row.get_by_label("Gruppe").select_option(label="Tekniske og faglige kvalifikasjoner")
        row.get_by_label("ESPD-kriterium").select_option(value="")
        row.get_by_label("Eller egen ESPD-kode").fill("CRITERION.OTHER.EO_DATA.REGISTERED_IN_OFFICIAL_LIST")
        row.get_by_role("button", name="Lagre kravet").click()
        page.get_by_text("Kvalifikasjonskravet er endret.").wait_for()
        technical = page.locator("h4", has_text="Tekniske og faglige kvalifikasjoner").locator(
            "xpath=following-sibling::div[1]"
        )
        last = technical.get_by_role("row").last
        assert "Leverandøren skal være registrert i Enhetsregisteret." in last.inner_text()
        assert "CRITERION.OTHER.EO_DATA.REGISTERED_IN_OFFICIAL_LIST" in last.inner_text()
        assert page.locator("h4", has_text="Registrering og juridisk stilling").count() == 0
        # ... and moves up within its group
        last.get_by_role("button", name="opp").click()
        page.get_by_text("Flyttet.").wait_for()
        rows = technical.get_by_role("row").all()
        assert "Leverandøren skal være registrert i Enhetsregisteret." in rows[-2].inner_text()

        # a ground: made optional, then deleted
        row = page.get_by_role("row").filter(
            has_text="Rettskraftig dom eller vedtatt forelegg for bedrageri."
        )
        row.locator("summary", has_text="Endre").click()
        row.get_by_label("Obligatorisk avvisningsgrunn (FOA § 24-2 (1))").uncheck()
        row.get_by_role("button", name="Lagre avvisningsgrunnen").click()
        page.get_by_text("Avvisningsgrunnen er endret.").wait_for()
        row = page.get_by_role("row").filter(
            has_text="Rettskraftig dom eller vedtatt forelegg for bedrageri."
        )
        assert "Valgfri" in row.inner_text()
        row.get_by_role("button", name="Slett avvisningsgrunnen").click()
        page.get_by_text("Avvisningsgrunnen er slettet.").wait_for()
        assert page.get_by_role("row").filter(has_text="forelegg for bedrageri").count() == 0
        # the mandatory ground is missing again: the button offers it back
        page.get_by_role("button", name="Legg inn obligatoriske avvisningsgrunner").click()
        page.get_by_text("1 obligatorisk avvisningsgrunn er lagt inn.").wait_for()

        # a criterion: moved up, then deleted, and the sum says so
        page.get_by_role("button", name="Flytt «Kompetanse» opp").click()
        page.get_by_text("Flyttet.").wait_for()
        names = page.locator("#kriterier + div table tbody tr > td:first-child").all_inner_texts()
        assert names == ["Kompetanse", "Referanser"]
        page.get_by_role("button", name="Slett kriteriet «Referanser»").click()
        page.get_by_text("Utvelgelseskriteriet er slettet.").wait_for()
        assert (
            "summerer seg til 40 %, ikke 100 % (Kompetanse 40 %)"
            in page.locator("#vektsum-melding").inner_text()
        )
    finally:
        restore_clock(live_server.app)
