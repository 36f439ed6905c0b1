"""In a real Chromium, one negotiation round with revised bids: the lead decides to negotiate, records a
meeting, reduces the vendors and calls revised bids; a vendor revises its price and delivers; two members
open the round; the rounds page shows both rounds side by side."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from tests.browser_helpers import log_in as _login
from tests.browser_helpers import log_out as _logout
from tests.evaluation_helpers import AFTER, live_setup, restore_clock

pytestmark = pytest.mark.browser


def _score_current_round(app, tender_id: int, scores: dict[str, int]) -> None:
    """The group's consensus on the current round (the scoring pages have their own browser tests)."""
    from tender.evaluation import operations as ev
    from tender.evaluation_model import operations as model_ops
    from tender.evaluation_model.models import Phase
    from tender.extensions import db
    from tender.tenders.models import Tender

    with app.app_context():
        tender = db.session.get(Tender, tender_id)
        lead = tender.memberships[0].user
        if model_ops.ensure_model(tender).phase is Phase.INDIVIDUAL:
            ev.open_consensus(tender, confirmed=True, actor=lead)
        for bid in ev.opened_bids(tender):
            for leaf in model_ops.quality_leaves(tender):
                ev.save_consensus(
                    tender,
                    bid,
                    leaf,
                    score=Decimal(scores[bid.vendor.name]),
                    justification="Samlet vurdering i evalueringsmøtet.",
                    expected_version=None,
                    actor=lead,
                )
        db.session.commit()


def test_the_lead_negotiates_reduces_and_calls_revised_bids_a_vendor_revises_and_two_open_the_round(
    live_server, page
) -> None:
    app = live_server.app
    w = live_setup(app, evaluators=1, vendors=3, leaves=1)
    clock = app.config["CLOCK"]
    try:
        url = live_server.url
        base = f"{url}/konkurranser/{w.tender_id}"
        a, b, c = w.vendor_names
        _score_current_round(app, w.tender_id, {a: 8, b: 6, c: 3})
        # the negotiation takes place the day after the opening (a meeting dated before it is refused)
        clock.set(AFTER + timedelta(days=1))

        # the lead: decision, a meeting record, the reduction, the call
        _login(page, url, w.lead)
        page.goto(base)
        page.get_by_role("link", name="Forhandling").click()
        assert page.get_by_role("table", name="Rangering").get_by_text(c).is_visible()
        decision = page.get_by_role("form", name="Beslutning")
        decision.get_by_label("Beslutning").select_option("negotiate")
        decision.get_by_label("Begrunnelse").fill("Tilbudene kan forbedres på pris.")
        decision.get_by_role("button", name="Registrer beslutningen").click()
        page.get_by_text("Beslutningen er registrert.").wait_for()

        for vendor, told, info in (
            (a, "Driftsprisen er høy.", "Ingen endringer."),
            (b, "Innføringsplanen er for stram.", "Oppstart kan flyttes til mars."),
        ):
            meeting = page.get_by_role("form", name="Nytt møtereferat")
            meeting.get_by_label("Leverandør", exact=True).select_option(label=vendor)
            meeting.get_by_label("Tidspunkt (norsk tid)").fill("2026-12-16T10:30")
            meeting.get_by_label("Deltakere fra oppdragsgiver").fill(w.lead.name)
            meeting.get_by_label("Deltakere fra leverandøren").fill(f"Selger hos {vendor}")
            meeting.get_by_label("Temaer").fill("Pris for drift")
            meeting.get_by_label("Hva leverandøren ble fortalt").fill(told)
            meeting.get_by_label("Informasjon om konkurransegrunnlaget som ble gitt").fill(info)
            meeting.get_by_role("button", name="Lagre møtereferatet").click()
            page.get_by_text("Møtereferatet er lagret.").wait_for()
            assert page.get_by_text(told).is_visible()
        # the two were told different things about the tender documents: the lead must acknowledge it
        warning = page.locator("#ulik-informasjon")
        assert "ikke fått den samme informasjonen" in warning.inner_text()
        acknowledge = page.get_by_role("form", name="Kvitter ut forskjellen")
        acknowledge.get_by_label("Hvorfor forskjellen er i orden").fill(
            f"{a} fikk samme beskjed om oppstart skriftlig dagen etter."
        )
        acknowledge.get_by_role("button", name="Kvitter ut forskjellen").click()
        page.get_by_text("Forskjellen er kvittert ut med begrunnelsen.").wait_for()
        assert "skriftlig dagen etter" in page.locator("#ulik-informasjon").inner_text()

        reduction = page.get_by_role("form", name="Reduksjon")
        line = reduction.get_by_role("group", name=c)
        line.get_by_label("Tas ut av konkurransen").check()
        line.get_by_label("Begrunnelse til leverandøren").fill("Lavest rangert etter tildelingskriteriene.")
        reduction.get_by_label("Slik er de kunngjorte tildelingskriteriene anvendt").fill(
            "Rangeringen i matrisen; de to beste går videre."
        )
        reduction.get_by_role("button", name="Reduser og send brev").click()
        page.get_by_text("Antallet leverandører er redusert").first.wait_for()
        assert page.get_by_text(f"{c} er tatt ut: Lavest rangert").is_visible()

        call = page.get_by_role("form", name="Ny tilbudsrunde")
        call.get_by_label("Ny tilbudsfrist (norsk tid)").fill("2026-12-29T13:00")
        call.get_by_label("Ny frist for spørsmål (norsk tid, valgfri)").fill("2026-12-22T13:00")
        call.get_by_label("Melding til leverandørene").fill("Lever reviderte tilbud etter møtene.")
        call.get_by_role("button", name="Kall inn reviderte tilbud").click()
        page.get_by_text("Ny tilbudsrunde er kalt inn").wait_for()
        assert page.get_by_text("Runde 2: Reviderte tilbud").is_visible()
        assert page.locator("#runde-forseglet").is_visible()
        _logout(page)

        # the vendor: its draft is copied from round 1; it lowers the price and delivers
        clock.set(AFTER + timedelta(days=1))
        _login(page, url, w.vendor_users[1])
        page.goto(base + "/mitt-tilbud")
        assert "Tilbudsrunde 2: Reviderte tilbud" in page.locator("#tilbudsrunde").inner_text()
        assert "Lever reviderte tilbud etter møtene." in page.locator("#tilbudsrunde").inner_text()
        prices = page.locator("#bid-form table")
        assert prices.get_by_label("Lisenser og innføring").input_value() == "900000,00"
        prices.get_by_label("Lisenser og innføring").fill("650 000")
        page.get_by_role("button", name="Lagre utkast").click()
        page.get_by_text("Utkastet er lagret.").wait_for()
        page.get_by_role("button", name="Lever tilbudet").click()
        page.get_by_role("heading", name="Kvittering for levert tilbud").wait_for()
        _logout(page)
        # the vendor left out has no bid page in the new round
        _login(page, url, w.vendor_users[2])
        page.goto(base + "/mitt-tilbud")
        page.get_by_text("ikke invitert til å levere i denne tilbudsrunden").wait_for()
        _logout(page)

        from tender.bids import operations as bid_ops
        from tender.extensions import db
        from tender.tenders.models import Tender, Vendor

        with app.app_context():
            tender = db.session.get(Tender, w.tender_id)
            vendor = db.session.scalar(db.select(Vendor).where(Vendor.name == a))
            seller = next(m.user for m in tender.memberships if m.vendor_id == vendor.id)
            bid_ops.submit(tender, bid_ops.bid_of(tender, vendor.id), at=clock.at, actor=seller)
            db.session.commit()

        # after the new deadline two members open the round on the bids page
        clock.set(AFTER + timedelta(days=14, hours=2))
        _login(page, url, w.lead)
        page.goto(base + "/evaluering/tilbud")
        page.get_by_role("button", name="Bekreft åpning av tilbudene").click()
        page.get_by_text("Bekreftelsen din er registrert").wait_for()
        _logout(page)
        _login(page, url, w.evaluators[0])
        page.goto(base + "/evaluering/tilbud")
        page.get_by_role("button", name="Bekreft og åpne tilbudene").click()
        page.get_by_text("Tilbudene er åpnet.").wait_for()
        delivered = page.get_by_role("table", name="Leverte tilbud")
        assert delivered.get_by_text(b).is_visible() and delivered.get_by_text(c).count() == 0
        _logout(page)

        _score_current_round(app, w.tender_id, {a: 8, b: 6})
        _login(page, url, w.evaluators[0])
        page.goto(base)
        page.get_by_role("link", name="Tilbudsrunder").click()
        table = page.get_by_role("table", name="Rundene side om side")
        table.wait_for()
        assert table.get_by_role("columnheader", name="Runde 1").is_visible()
        assert table.get_by_role("columnheader", name="Runde 2").is_visible()
        row = table.get_by_role("row", name=c)
        assert row.get_by_text("Ikke med i runden").is_visible()
        assert "Runde 2: Reviderte tilbud" in page.locator("#runder").inner_text()
    finally:
        restore_clock(app)


def test_the_lead_sets_the_announcements_reservation_before_the_deadline_in_the_browser(
    live_server, page
) -> None:
    app = live_server.app
    w = live_setup(app, vendors=1, submit=False)
    try:
        url = live_server.url
        _login(page, url, w.lead)
        page.goto(f"{url}/konkurranser/{w.tender_id}")
        page.get_by_role("link", name="Forhandling").click()
        assert page.locator("#ikke-apnet").is_visible()
        page.get_by_label("Forbeholder kunngjøringen retten").select_option("ja")
        page.get_by_role("button", name="Lagre forbeholdet").click()
        page.get_by_text("Forbeholdet er lagret.").wait_for()
        assert "forbeholder retten til å tildele kontrakten" in page.locator("#forbehold").inner_text()
        assert page.get_by_label("Forbeholder kunngjøringen retten").input_value() == "ja"
    finally:
        restore_clock(app)
