"""In a real Chromium, the price schedule as the evaluated price (issue 16, point 4): the lead announces a
basket with quantities where a line left empty is filled with the highest price offered (KOFA 2011/70); a
vendor prices it leaving one line empty and submits; after the opening the bid page and the matrix show the
evaluated price with the filled line marked. And a discounted life-cycle cost, set and read the same way."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest

from tender.formatting import format_money
from tests.browser_helpers import log_in, log_out
from tests.evaluation_helpers import (
    AFTER,
    BEFORE,
    DEADLINE,
    LETTER_NAMES,
    ORGNR,
    Clock,
    publish_spec,
    restore_clock,
    small_spec,
)

pytestmark = pytest.mark.browser


def _draft(app: Any) -> tuple[Any, int, Any]:
    """A tender with its award criteria and no price schedule yet; the clock before the deadline."""
    from tender.evaluation_model import operations as model_ops
    from tender.evaluation_model.models import CriterionKindValue
    from tender.extensions import db as database
    from tests.prequalification_helpers import live_builders

    b = live_builders(database, title="Prisskjematest", case_reference="2026/0116")
    app.config["CLOCK"] = Clock(BEFORE)
    with app.app_context():
        tender = b.create_tender(bid_deadline=DEADLINE)
        lead = tender.memberships[0].user
        for data in (
            model_ops.CriterionInput(
                key="pris", name="Pris", weight=Decimal(30), kind=CriterionKindValue.PRICE
            ),
            model_ops.CriterionInput(key="kvalitet", name="Kvalitet", weight=Decimal(70)),
            model_ops.CriterionInput(key="arkiv", name="Arkiv", weight=Decimal(100), parent_key="kvalitet"),
        ):
            model_ops.add_criterion(tender, data, actor=lead)
        database.session.commit()
        return b, tender.id, lead.email


def _publish_and_invite(app: Any, b: Any, tender_id: int, vendors: int) -> list[tuple[str, int]]:
    """Publish, register the vendors (each with a user) and lock the model; (e-mail, vendor id) per vendor."""
    from tender.evaluation_model import operations as model_ops
    from tender.extensions import db as database
    from tender.tenders import operations as tender_ops
    from tender.tenders.models import Role, Tender

    with app.app_context():
        tender = database.session.get(Tender, tender_id)
        lead = tender.memberships[0].user
        publish_spec(database, tender, lead, b.add_member, small_spec())
        found = []
        for i in range(vendors):
            v = tender_ops.register_vendor(
                tender, name=LETTER_NAMES[i], organisasjonsnummer=ORGNR[i], actor=lead
            )
            database.session.commit()
            user = b.add_member(tender, Role.VENDOR, b.create_user(f"Selger {chr(65 + i)}"), vendor=v)
            found.append((user.email, v.id))
        b.add_member(tender, Role.EVALUATOR, b.create_user("Eva Evaluator"))
        model_ops.freeze(tender, at=BEFORE - timedelta(days=10), actor=lead)
        database.session.commit()
        return found


def _bid(app: Any, tender_id: int, vendor_id: int, amounts: dict[str, str]) -> None:
    """A vendor's bid by the operations (lines by name; a per-municipality line once per municipality)."""
    from tender.bids import operations as bid_ops
    from tender.evaluation_model import operations as model_ops
    from tender.extensions import db as database
    from tender.tenders.models import Tender, Vendor

    with app.app_context():
        tender = database.session.get(Tender, tender_id)
        vendor = database.session.get(Vendor, vendor_id)
        user = next(m.user for m in tender.memberships if m.vendor_id == vendor_id)
        bid = bid_ops.ensure_bid(tender, vendor, at=BEFORE, actor=user)
        content = bid_ops.published_spec(tender)
        answers = [bid_ops.AnswerInput(r.id, "Ja", description="Standard") for r in content.requirements]
        prices: dict[tuple[int, int | None], Decimal] = {}
        for item in model_ops.price_items(tender):
            if item.name in amounts:
                places = tender.participating_municipalities if item.per_municipality else [None]
                for m in places:
                    prices[(item.id, m.id if m else None)] = Decimal(amounts[item.name])
        bid_ops.save_draft(tender, bid, answers=answers, prices=prices, at=BEFORE, actor=user)
        bid_ops.submit(tender, bid, at=BEFORE, actor=user)
        database.session.commit()


def _open(app: Any, tender_id: int) -> None:
    from tender.bids import operations as bid_ops
    from tender.extensions import db as database
    from tender.tenders.models import Role, Tender

    app.config["CLOCK"].set(AFTER)
    with app.app_context():
        tender = database.session.get(Tender, tender_id)
        lead = tender.memberships[0].user
        other = next(m.user for m in tender.memberships if m.role is Role.EVALUATOR)
        assert bid_ops.confirm_opening(tender, at=AFTER, actor=lead) is None
        assert bid_ops.confirm_opening(tender, at=AFTER, actor=other) is not None
        database.session.commit()


def _bid_ids(app: Any, tender_id: int) -> dict[str, int]:
    from tender.evaluation import operations as ev
    from tender.extensions import db as database
    from tender.tenders.models import Tender

    with app.app_context():
        tender = database.session.get(Tender, tender_id)
        return {b.vendor.name: b.id for b in ev.opened_bids(tender)}


def _add_line(page: Any, name: str, quantity: str, *, yearly: bool = False, per: bool = False) -> None:
    form = page.locator("form", has=page.get_by_role("button", name="Legg til post"))
    form.get_by_label("Post", exact=True).fill(name)
    form.get_by_label("Type").select_option(label="Årlig kostnad" if yearly else "Engangskostnad")
    if per:
        form.get_by_label("Prises per kommune").check()
    form.get_by_label("Antall", exact=False).fill(quantity)
    form.get_by_role("button", name="Legg til post").click()
    page.get_by_text("Posten er lagt til i prisskjemaet.").wait_for()


def test_a_basket_with_a_gap_filled_by_the_highest_price_from_the_lead_to_the_matrix(
    live_server, page
) -> None:
    app = live_server.app
    b, tender_id, lead = _draft(app)
    url = live_server.url
    try:
        log_in(page, url, lead)
        page.goto(f"{url}/konkurranser/{tender_id}/evaluering#prisskjema")
        how = page.locator("form#evaluert-pris-skjema")
        # a slip first: a discount rate is for a life-cycle cost only
        how.get_by_label("Evaluert pris regnes som").select_option(label="Handlekurv (antall × enhetspris)")
        how.get_by_label("Diskonteringsrente per år", exact=False).fill("2,5")
        how.get_by_role("button", name="Lagre utregningen").click()
        how = page.locator("form#evaluert-pris-skjema")
        how.get_by_text("Diskonteringsrente brukes bare med livssykluskostnad").wait_for()
        how.get_by_label("Diskonteringsrente per år", exact=False).fill("")
        how.get_by_label("En post et tilbud ikke priser").select_option("highest")
        how.get_by_role("button", name="Lagre utregningen").click()
        page.get_by_text("Utregningen av evaluert pris er lagret.").wait_for()
        facts = page.locator("#evaluert-pris").inner_text()
        assert "Handlekurv (antall × enhetspris)" in facts
        assert "Σ antall × enhetspris" in facts
        assert "KOFA 2011/70" in facts

        _add_line(page, "Lisens", "10")
        _add_line(page, "Kurs", "3")
        _add_line(page, "Konsulenttime", "120,5")
        schedule = page.get_by_role("table", name="Poster i prisskjemaet")
        assert "120,5" in schedule.inner_text()
        log_out(page)

        (a_user, _), (_, b_vendor) = _publish_and_invite(app, b, tender_id, vendors=2)
        # B prices every line (the course at 700), by the operations
        _bid(app, tender_id, b_vendor, {"Lisens": "900", "Kurs": "700", "Konsulenttime": "1000"})

        # A, in the browser, leaves the course empty
        log_in(page, url, a_user)
        page.goto(f"{url}/konkurranser/{tender_id}/mitt-tilbud")
        rule = page.locator("#prisskjema-regel").inner_text()
        assert "Du kan la en post stå tom" in rule and "høyeste prisen" in rule
        prices = page.locator("#bid-form table")
        assert "120,5" in prices.inner_text()
        prices.get_by_label("Lisens").fill("1 200")
        prices.get_by_label("Konsulenttime").fill("-850")  # a slip: a negative amount
        for group in page.locator("#bid-form fieldset").all():
            group.get_by_label("Oppfylt?").select_option("Ja")
        page.get_by_role("button", name="Lagre utkast").click()
        alert = page.get_by_role("alert")
        alert.wait_for()
        assert "«Konsulenttime»: beløpet kan ikke være negativt." in alert.inner_text()
        prices = page.locator("#bid-form table")
        prices.get_by_label("Konsulenttime").fill("850")
        page.get_by_role("button", name="Lagre utkast").click()
        page.get_by_text("Utkastet er lagret.").wait_for()
        assert page.locator("#bid-form table").get_by_label("Kurs").input_value() == ""
        page.get_by_role("button", name="Lever tilbudet").click()
        page.get_by_role("heading", name="Kvittering for levert tilbud").wait_for()
        log_out(page)

        _open(app, tender_id)
        ids = _bid_ids(app, tender_id)
        log_in(page, url, lead)
        page.goto(f"{url}/konkurranser/{tender_id}/evaluering/tilbud/{ids['Leverandør A AS']}")
        # A: 10 × 1 200 + 3 × 700 (filled with B's course price) + 120,5 × 850 = 116 525
        expected = format_money(Decimal(116525))
        table = page.get_by_role("table", name="Evaluert pris for Leverandør A AS")
        assert expected in table.inner_text()
        filled = table.locator("tr.filled")
        assert filled.count() == 1
        assert "Kurs" in filled.inner_text()
        assert "fylt med høyeste pris, fra Leverandør B AS" in filled.inner_text()
        assert "ikke priset" in filled.inner_text()
        assert expected in page.locator("dl.facts").inner_text()

        page.goto(f"{url}/konkurranser/{tender_id}/evaluering/matrise")
        page.get_by_role("heading", name="Slik er den evaluerte prisen regnet ut").wait_for()
        summary = page.locator(f"#pris-{ids['Leverandør A AS']} summary").inner_text()
        assert expected in summary and "1 post fylt" in summary
        matrix_table = page.get_by_role("table", name="Evaluert pris for Leverandør A AS")
        assert "fylt med høyeste pris, fra Leverandør B AS" in matrix_table.inner_text()
        # B: 10 × 900 + 3 × 700 + 120,5 × 1 000 = 131 600, nothing filled
        assert (
            format_money(Decimal(131600))
            in page.locator(f"#pris-{ids['Leverandør B AS']} summary").inner_text()
        )
    finally:
        restore_clock(app)


def test_a_discounted_life_cycle_cost_set_in_the_browser_and_read_on_the_bid_page(live_server, page) -> None:
    app = live_server.app
    b, tender_id, lead = _draft(app)
    url = live_server.url
    try:
        log_in(page, url, lead)
        page.goto(f"{url}/konkurranser/{tender_id}/evaluering#prisskjema")
        _add_line(page, "Innføring", "1")
        _add_line(page, "Drift", "2", yearly=True, per=True)
        how = page.locator("form#evaluert-pris-skjema")
        how.get_by_label("Diskonteringsrente per år", exact=False).fill("4")
        how.get_by_role("button", name="Lagre utregningen").click()
        page.get_by_text("Utregningen av evaluert pris er lagret.").wait_for()
        assert "r = 4 % er diskonteringsrenten" in page.locator("#evaluert-pris").inner_text()
        log_out(page)

        [(_, vendor)] = _publish_and_invite(app, b, tender_id, vendors=1)
        _bid(app, tender_id, vendor, {"Innføring": "500000", "Drift": "60000"})
        _open(app, tender_id)
        ids = _bid_ids(app, tender_id)
        log_in(page, url, lead)
        page.goto(f"{url}/konkurranser/{tender_id}/evaluering/tilbud/{ids['Leverandør A AS']}")
        table = page.get_by_role("table", name="Evaluert pris for Leverandør A AS")
        assert "Diskonteringsfaktor" in table.inner_text()
        # 4 years at 4 %: Σ 1/1,04ᵗ; two municipalities × 2 × 60 000 a year, plus 500 000 once
        factor = sum(1 / Fraction(104, 100) ** t for t in range(1, 5))
        price = 500000 + 2 * 2 * 60000 * factor
        shown = format_money(price)
        assert shown in table.inner_text()
        assert shown in page.locator("dl.facts").inner_text()
    finally:
        restore_clock(app)
