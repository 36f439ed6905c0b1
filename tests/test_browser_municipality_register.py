"""In a real Chromium: the administrator opens the municipality register from the menu, types a bad
kommunenummer and is told so in Norwegian (nothing saved), adds the municipality, corrects its population
and reads both in the register's history (newest first, from what to what, by whom); then a lead who is
not an administrator, told on the members page who adds municipalities, picks it for a tender. axe-core
checks the register's pages (no serious or critical WCAG 2.1 AA violation)."""

from __future__ import annotations

import random
import uuid

import pytest
from sqlalchemy import select

from tender.demo import DEMO_PASSWORD, LEAD
from tests import axe
from tests.browser_helpers import log_in, log_out

pytestmark = pytest.mark.browser

NBSP = "\u00a0"


def _stored(app, number: str):
    from tender.extensions import db
    from tender.tenders.models import Municipality

    with app.app_context():
        found = db.session.scalar(select(Municipality).where(Municipality.kommunenummer == number))
        return None if found is None else (found.name, found.population)


def test_the_administrator_adds_and_corrects_a_municipality_and_a_lead_picks_it(live_server, page) -> None:
    from tender.extensions import db
    from tests.prequalification_helpers import live_builders

    app, url = live_server.app, live_server.url
    with app.app_context():
        tender = live_builders(db, title="Kommuneregisteret", case_reference="2026/0311").create_tender()
        tender_id, lead_email = tender.id, tender.memberships[0].user.email
    name = f"Testkommune {uuid.uuid4().hex[:6]}"
    number = str(random.randint(9000, 9999))  # no real kommunenummer starts with 9
    assert _stored(app, number) is None
    blocking: dict[str, list[axe.Violation]] = {}

    def check(where: str) -> None:
        found = axe.blocking(axe.check(page))
        if found:
            blocking[where] = found

    log_in(page, url, LEAD[0], DEMO_PASSWORD)  # the demo's lead is the system's administrator
    page.get_by_role("navigation", name="Hovedmeny").get_by_role("link", name="Kommuneregister").click()
    page.get_by_role("heading", name="Kommuneregister", exact=True).wait_for()
    check("kommuneregisteret")

    form = page.get_by_role("form", name="Legg inn en kommune")
    form.get_by_label("Navn").fill(name)
    form.get_by_label("Kommunenummer").fill("40")
    form.get_by_label("Innbyggertall").fill("1 234")
    form.get_by_role("button", name="Legg inn kommunen").click()
    page.get_by_text("Kommunenummeret må være nøyaktig fire sifre, for eksempel 4003, ikke «40».").wait_for()
    check("kommuneregisteret med feil")
    assert _stored(app, "40") is None and all(name not in t.inner_text() for t in page.locator("table").all())

    form = page.get_by_role("form", name="Legg inn en kommune")
    assert form.get_by_label("Navn").input_value() == name  # what was typed is kept
    form.get_by_label("Kommunenummer").fill(number)
    with page.expect_navigation():
        form.get_by_role("button", name="Legg inn kommunen").click()
    page.get_by_text(f"{name} ({number}) er lagt inn i kommuneregisteret.").wait_for()
    register = page.get_by_role("table", name="Registrerte kommuner")
    row = register.get_by_role("row").filter(has_text=name)
    assert f"1{NBSP}234" in row.inner_text()
    assert _stored(app, number) == (name, 1234)

    row.get_by_role("link", name=f"Endre {name}").click()
    page.get_by_role("heading", name=f"Endre {name} ({number})").wait_for()
    check("endre en kommune")
    page.get_by_label("Innbyggertall").fill("2 500")
    with page.expect_navigation():
        page.get_by_role("button", name="Lagre endringene").click()
    page.get_by_text(f"{name} ({number}) er oppdatert i kommuneregisteret.").wait_for()
    register = page.get_by_role("table", name="Registrerte kommuner")
    assert f"2{NBSP}500" in register.get_by_role("row").filter(has_text=name).inner_text()
    assert _stored(app, number) == (name, 2500)

    # the register's history, newest first: the correction from what to what, then the addition, by whom
    history = page.get_by_role("table", name="Historikk for kommuneregisteret")
    history.scroll_into_view_if_needed()
    rows = history.get_by_role("row").filter(has_text=f"{name} ({number})")
    assert rows.count() == 2
    changed, added = rows.nth(0).inner_text(), rows.nth(1).inner_text()
    assert "Kommune endret i kommuneregisteret" in changed and LEAD[0] in changed, changed
    assert f"Innbyggertall: 1{NBSP}234 → 2{NBSP}500" in changed and "Navn:" not in changed, changed
    assert "Kommune opprettet" in added and f"Kommunenummer: {number}" in added, added
    newest = history.get_by_role("row").nth(1).inner_text()  # the first row under the header
    assert newest == changed
    check("kommuneregisteret med historikk")
    log_out(page)

    log_in(page, url, lead_email)
    page.goto(f"{url}/konkurranser/{tender_id}/medlemmer")
    page.get_by_text(
        "Finner du ikke kommunen? Administratoren legger den inn i kommuneregisteret."
    ).wait_for()
    page.get_by_label("Kommune", exact=True).select_option(label=f"{name} ({number})")
    with page.expect_navigation():
        page.get_by_role("button", name="Legg til kommune").click()
    page.get_by_text(f"{name} deltar nå i konkurransen.").wait_for()
    with app.app_context():
        from tender.tenders.models import Tender

        assert name in [m.name for m in db.session.get(Tender, tender_id).participating_municipalities]

    assert not blocking, "alvorlige brudd på WCAG 2.1 AA:\n" + axe.report(blocking)
