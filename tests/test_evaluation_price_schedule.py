"""The web app's price schedule as the evaluated price (issue 16, point 4): the lead chooses a life-cycle
cost (optionally discounted), a basket (quantity × unit price) or an average over the lines, and what a line
a bid leaves without a price counts as; the core's ``evaluated_prices`` makes every bid's price at once, and
the bid page, the matrix, the exported case and the PRICE_SCHEDULE document all say the same.

The expected figures are worked by hand in the comments, exact."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest

from tender.audit import AuditEvent
from tender.bids import operations as bid_ops
from tender.errors import DomainError
from tender.evaluation import operations as ev
from tender.evaluation_model import operations as model_ops
from tender.evaluation_model.models import CriterionKindValue, PriceItemKind
from tender.tenders import operations as tender_ops
from tender.tenders.models import Role
from tests.evaluation_helpers import BEFORE, DEADLINE, ORGNR, open_all, publish_spec, small_spec
from tests.questions_helpers import pdf_text


@dataclass
class Basket:
    tender: Any
    lead: Any
    items: list[Any]
    vendors: list[Any]
    users: list[Any]
    evaluator: Any


def _criteria(tender: Any, lead: Any) -> None:
    for data in (
        model_ops.CriterionInput(key="pris", name="Pris", weight=Decimal(30), kind=CriterionKindValue.PRICE),
        model_ops.CriterionInput(key="kvalitet", name="Kvalitet", weight=Decimal(70)),
        model_ops.CriterionInput(key="arkiv", name="Arkiv", weight=Decimal(100), parent_key="kvalitet"),
    ):
        model_ops.add_criterion(tender, data, actor=lead)


def make_tender(
    db: Any,
    create_tender: Any,
    add_member: Any,
    create_user: Any,
    *,
    method: str = "basket",
    gaps: str = "highest",
    rate: Decimal | None = None,
    lines: tuple[tuple[str, PriceItemKind, bool, Decimal | None], ...] = (
        ("Lisens", PriceItemKind.ONE_OFF, False, Decimal(10)),
        ("Kurs", PriceItemKind.ONE_OFF, False, Decimal(3)),
        ("Konsulenttime", PriceItemKind.ONE_OFF, False, Decimal("120.5")),
    ),
    vendors: int = 3,
    period: str = "4",
    min_score: Decimal | None = None,
) -> Basket:
    tender = create_tender(bid_deadline=DEADLINE)
    lead = tender.memberships[0].user
    _criteria(tender, lead)
    model_ops.criterion_by_key(tender, "arkiv").min_score = min_score
    if period != "4":
        model = model_ops.ensure_model(tender)
        model.contract_period = period
    model_ops.update_price_evaluation(
        tender, model_ops.PriceEvaluationSettings(method, rate, gaps), actor=lead
    )
    items = [
        model_ops.add_price_item(
            tender, name=name, kind=kind, per_municipality=per, quantity=quantity, actor=lead
        )
        for name, kind, per, quantity in lines
    ]
    publish_spec(db, tender, lead, add_member, small_spec())
    rows, users = [], []
    for i in range(vendors):
        v = tender_ops.register_vendor(
            tender, name=f"Leverandør {chr(65 + i)} AS", organisasjonsnummer=ORGNR[i], actor=lead
        )
        db.session.commit()
        rows.append(v)
        users.append(add_member(tender, Role.VENDOR, create_user(name=f"Selger {chr(65 + i)}"), vendor=v))
    evaluator = add_member(tender, Role.EVALUATOR, create_user(name="Eva Evaluator"))
    model_ops.freeze(tender, at=BEFORE - timedelta(days=10), actor=lead)
    db.session.commit()
    return Basket(tender, lead, items, rows, users, evaluator)


def bid_with(db: Any, b: Basket, index: int, amounts: dict[tuple[int, int | None], str]) -> Any:
    """Vendor ``index`` answers everything, prices the given lines only, and submits."""
    content = bid_ops.published_spec(b.tender)
    user = b.users[index]
    bid = bid_ops.ensure_bid(b.tender, b.vendors[index], at=BEFORE, actor=user)
    answers = [bid_ops.AnswerInput(r.id, "Ja", description="Standard") for r in content.requirements]
    prices = {key: Decimal(v) for key, v in amounts.items()}
    bid_ops.save_draft(b.tender, bid, answers=answers, prices=prices, at=BEFORE, actor=user)
    bid_ops.submit(b.tender, bid, at=BEFORE, actor=user)
    db.session.commit()
    return bid


@pytest.fixture
def basket(db, create_tender, add_member, create_user, clock):
    """A basket of three one-off lines (10 licences, 3 courses, 120,5 consultant hours), gaps filled with
    the highest price offered; B leaves the course unpriced."""
    b = make_tender(db, create_tender, add_member, create_user)
    lic, course, hour = (i.id for i in b.items)
    bids = [
        bid_with(db, b, 0, {(lic, None): "1000", (course, None): "500", (hour, None): "900"}),
        bid_with(db, b, 1, {(lic, None): "1200", (hour, None): "850"}),
        bid_with(db, b, 2, {(lic, None): "900", (course, None): "700", (hour, None): "1000"}),
    ]
    open_all(db, _setup_like(b), clock)
    return b, bids


def _setup_like(b: Basket) -> Any:
    @dataclass
    class S:
        tender: Any
        lead: Any
        evaluators: list[Any]
        observer: Any

    return S(b.tender, b.lead, [b.evaluator], None)


# -- the lead's settings ------------------------------------------------------------------------------------
def test_the_price_evaluation_is_set_audited_and_shown_with_its_formula(
    db, create_tender, client, login_as
) -> None:
    tender = create_tender(bid_deadline=DEADLINE)
    lead = tender.memberships[0].user
    model_ops.add_price_item(
        tender, name="Lisens", kind=PriceItemKind.ONE_OFF, per_municipality=False, quantity=None, actor=lead
    )
    model_ops.update_price_evaluation(
        tender, model_ops.PriceEvaluationSettings("life_cycle", Decimal("3.5"), "highest"), actor=lead
    )
    db.session.commit()
    model = model_ops.model_of(tender)
    assert (model.price_evaluation, model.discount_rate_percent, model.price_gaps) == (
        "life_cycle",
        Decimal("3.5"),
        "highest",
    )
    event = db.session.query(AuditEvent).filter_by(event_type="evaluation.price_evaluation_changed").one()
    assert json.loads(event.payload_json) == {
        "price_evaluation": "life_cycle",
        "discount_rate_percent": "3.5",
        "price_gaps": "highest",
    }
    login_as(lead)
    html = client.get(f"/konkurranser/{tender.id}/evaluering").get_data(as_text=True)
    assert "r = 3,5 % er diskonteringsrenten" in html
    assert "høyeste prisen noen tilbyder har gitt" in html


@pytest.mark.parametrize(
    ("settings", "field", "message"),
    [
        (("basket", Decimal(4), "reject"), "discount_rate_percent", "bare med livssykluskostnad"),
        (("life_cycle", Decimal(101), "reject"), "discount_rate_percent", "mellom 0 og 100"),
        (("life_cycle", Decimal(-1), "reject"), "discount_rate_percent", "mellom 0 og 100"),
        (("life_cycle", Decimal("1.0005"), "reject"), "discount_rate_percent", "tre desimaler"),
        (("basket", None, "reject"), "method", "årlige poster: Drift"),
        (("median", None, "reject"), "method", "Velg hvordan"),
        (("basket", None, "sometimes"), "gaps", "Velg hva"),
    ],
)
def test_a_bad_price_evaluation_is_refused_naming_the_field_and_changes_nothing(
    db, create_tender, settings, field, message
) -> None:
    tender = create_tender(bid_deadline=DEADLINE)
    lead = tender.memberships[0].user
    model_ops.add_price_item(
        tender, name="Drift", kind=PriceItemKind.YEARLY, per_municipality=False, quantity=None, actor=lead
    )
    with pytest.raises(DomainError, match=message) as caught:
        model_ops.update_price_evaluation(tender, model_ops.PriceEvaluationSettings(*settings), actor=lead)
    assert list(caught.value.reasons) == [field]
    model = model_ops.model_of(tender)
    assert (model.price_evaluation, model.discount_rate_percent, model.price_gaps) == (
        "life_cycle",
        None,
        "reject",
    )


@pytest.mark.parametrize(
    ("quantity", "message"),
    [(Decimal(-1), "negativt"), (Decimal("0.00001"), "fire desimaler"), (Decimal(10) ** 12, "for stort")],
)
def test_a_bad_quantity_is_refused(db, create_tender, quantity, message) -> None:
    tender = create_tender(bid_deadline=DEADLINE)
    lead = tender.memberships[0].user
    with pytest.raises(DomainError, match=message) as caught:
        model_ops.add_price_item(
            tender,
            name="Kurs",
            kind=PriceItemKind.ONE_OFF,
            per_municipality=False,
            quantity=quantity,
            actor=lead,
        )
    assert list(caught.value.reasons) == ["quantity"]
    assert model_ops.price_items(tender) == []


def test_a_yearly_line_is_refused_in_a_basket(db, create_tender) -> None:
    tender = create_tender(bid_deadline=DEADLINE)
    lead = tender.memberships[0].user
    model_ops.update_price_evaluation(
        tender, model_ops.PriceEvaluationSettings("basket", None, "reject"), actor=lead
    )
    with pytest.raises(DomainError, match="ingen årlige kostnader") as caught:
        model_ops.add_price_item(
            tender, name="Drift", kind=PriceItemKind.YEARLY, per_municipality=False, quantity=None, actor=lead
        )
    assert list(caught.value.reasons) == ["kind"]


def test_the_price_evaluation_is_locked_with_the_published_schedule(basket) -> None:
    b, _ = basket
    with pytest.raises(DomainError, match="kan ikke endres"):
        model_ops.update_price_evaluation(
            b.tender, model_ops.PriceEvaluationSettings("average", None, "reject"), actor=b.lead
        )


def test_the_lead_sets_it_on_the_page_and_a_bad_rate_comes_back_on_the_form(
    db, create_tender, client, forms, login_as
) -> None:
    tender = create_tender(bid_deadline=DEADLINE)
    lead = tender.memberships[0].user
    db.session.commit()
    login_as(lead)
    page = f"/konkurranser/{tender.id}/evaluering"
    refused = forms.post(
        page + "/prisskjema/evaluert-pris",
        {"method": "basket", "discount_rate_percent": "2,5", "gaps": "highest"},
        page=page,
    )
    assert refused.status_code == 422
    assert "bare med livssykluskostnad" in refused.get_data(as_text=True)
    assert model_ops.model_or_default(tender).price_evaluation == "life_cycle"
    saved = forms.post(
        page + "/prisskjema/evaluert-pris",
        {"method": "basket", "discount_rate_percent": "", "gaps": "highest"},
        page=page,
    )
    assert saved.status_code == 302
    added = forms.post(
        page + "/prisskjema", {"name": "Kurs", "kind": "one_off", "quantity": "2,5"}, page=page, follow=True
    )
    html = added.get_data(as_text=True)
    assert "Σ antall × enhetspris" in html
    assert [(i.name, i.quantity) for i in model_ops.price_items(tender)] == [("Kurs", Decimal("2.5"))]


# -- the frozen model ---------------------------------------------------------------------------------------
def test_the_frozen_model_covers_the_price_evaluation_and_quantities(basket) -> None:
    b, _ = basket
    frozen = model_ops.frozen_model_json(b.tender)
    assert frozen["price_evaluation"] == {
        "method": "basket",
        "discount_rate_percent": None,
        "gaps": "highest",
    }
    assert [i["quantity"] for i in frozen["price_schedule"]] == ["10.0000", "3.0000", "120.5000"]
    # the lock matches what is computed now, and a basket cannot pass for a model locked before issue 16
    text = json.dumps(frozen, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    assert hashlib.sha256(text.encode()).hexdigest() == model_ops.model_of(b.tender).frozen_hash
    assert model_ops.legacy_frozen_json(frozen) is None


# -- the evaluated prices -----------------------------------------------------------------------------------
def test_a_basket_fills_a_gap_with_the_highest_price_offered_on_the_line(basket) -> None:
    b, (a_bid, b_bid, c_bid) = basket
    built = ev.build_case(b.tender, with_individual=False)
    # A: 10 × 1000 + 3 × 500 + 120,5 × 900 = 119 950
    # B: 10 × 1200 + 3 × 700 (the course filled with C's 700, the highest) + 120,5 × 850 = 116 525
    # C: 10 × 900 + 3 × 700 + 120,5 × 1000 = 131 600
    assert built.prices == {a_bid.id: 119950, b_bid.id: 116525, c_bid.id: 131600}
    assert all(isinstance(p, Fraction) for p in built.prices.values())
    filled = built.priced.breakdown[b_bid.id].filled
    assert [(f.name, f.offered, f.amount, f.contribution) for f in filled] == [("Kurs", None, 700, 2100)]
    # the case the core scores (and `tender score` reads) carries the same prices
    assert {bid.id: bid.price for bid in built.case.bids} == {
        ev.case_bid_id(a_bid): 119950,
        ev.case_bid_id(b_bid): 116525,
        ev.case_bid_id(c_bid): 131600,
    }


def test_a_rejected_bid_leaves_the_gaps_of_the_others(db, basket) -> None:
    b, (a_bid, b_bid, c_bid) = basket
    ev.reject_bid(b.tender, c_bid, reason="Oppfyller ikke minstekrav 1.1", actor=b.lead)
    db.session.commit()
    built = ev.build_case(b.tender, with_individual=False)
    # the course is now filled with A's 500: 12 000 + 1 500 + 102 425
    assert built.prices[b_bid.id] == 115925
    assert built.prices[a_bid.id] == 119950
    assert built.priced.together == {a_bid.id, b_bid.id}


def test_a_bid_below_a_quality_threshold_leaves_the_gaps_of_the_others_too(
    db, create_tender, add_member, create_user, clock
) -> None:
    """C offers the highest course price but scores 3 on Arkiv, below the announced minimum 4: the core
    rejects it, and B's empty course is filled from A's 500 instead of C's 700."""
    b = make_tender(db, create_tender, add_member, create_user, min_score=Decimal(4))
    lic, course, hour = (i.id for i in b.items)
    bids = [
        bid_with(db, b, 0, {(lic, None): "1000", (course, None): "500", (hour, None): "900"}),
        bid_with(db, b, 1, {(lic, None): "1200", (hour, None): "850"}),
        bid_with(db, b, 2, {(lic, None): "900", (course, None): "700", (hour, None): "1000"}),
    ]
    open_all(db, _setup_like(b), clock)
    ev.open_consensus(b.tender, confirmed=True, actor=b.lead)
    arkiv = model_ops.criterion_by_key(b.tender, "arkiv")
    for bid, score in zip(bids, ("8", "6", "3"), strict=True):
        ev.save_consensus(
            b.tender,
            bid,
            arkiv,
            score=Decimal(score),
            justification="Samlet",
            expected_version=None,
            actor=b.lead,
        )
    db.session.commit()
    built = ev.build_case(b.tender, with_individual=False)
    assert built.result is not None, built.problems
    c_result = built.result.get(ev.case_bid_id(bids[2]))
    assert c_result.threshold_failures and c_result.rank is None
    assert built.priced.together == {bids[0].id, bids[1].id}
    # B: 12 000 + 3 × 500 + 102 425
    assert built.prices[bids[1].id] == 115925
    assert built.result.get(ev.case_bid_id(bids[1])).bid.price == 115925


def test_the_bid_page_and_the_matrix_show_the_filled_line_and_its_source(basket, client, login_as) -> None:
    b, (_, b_bid, _) = basket
    login_as(b.lead)
    page = client.get(f"/konkurranser/{b.tender.id}/evaluering/tilbud/{b_bid.id}").get_data(as_text=True)
    assert "116\xa0525,00" in page or "116 525,00" in page
    assert "fylt med høyeste pris, fra Leverandør C AS" in page
    assert "ikke priset" in page
    matrix = client.get(f"/konkurranser/{b.tender.id}/evaluering/matrise")
    assert matrix.status_code == 200
    html = matrix.get_data(as_text=True)
    assert "Slik er den evaluerte prisen regnet ut" in html
    assert "fylt med høyeste pris, fra Leverandør C AS" in html
    assert "(1 post fylt)" in html


def test_a_line_no_bidder_priced_is_said_in_norwegian_without_failing(
    db, create_tender, add_member, create_user, clock, client, login_as
) -> None:
    b = make_tender(db, create_tender, add_member, create_user, vendors=2)
    lic, course, hour = (i.id for i in b.items)
    bids = [
        bid_with(db, b, 0, {(lic, None): "1000", (hour, None): "900"}),
        bid_with(db, b, 1, {(lic, None): "1100", (hour, None): "800"}),
    ]
    open_all(db, _setup_like(b), clock)
    built = ev.build_case(b.tender, with_individual=False)
    assert built.prices == {bids[0].id: None, bids[1].id: None}
    assert "Ingen tilbydere har priset linjen «Kurs»." in built.problems
    login_as(b.lead)
    for url in (f"/evaluering/tilbud/{bids[0].id}", "/evaluering/matrise", "/evaluering/tilbud"):
        response = client.get(f"/konkurranser/{b.tender.id}{url}")
        assert response.status_code == 200, url
    assert "Ingen tilbydere har priset linjen «Kurs»." in client.get(
        f"/konkurranser/{b.tender.id}/evaluering/tilbud/{bids[0].id}"
    ).get_data(as_text=True)


def test_under_the_reject_rule_a_bid_with_an_empty_line_cannot_be_submitted(
    db, create_tender, add_member, create_user, clock
) -> None:
    b = make_tender(db, create_tender, add_member, create_user, gaps="reject", vendors=1)
    lic, _, hour = (i.id for i in b.items)
    with pytest.raises(DomainError, match="Prisskjemaet mangler beløp for «Kurs»"):
        bid_with(db, b, 0, {(lic, None): "1000", (hour, None): "900"})


def test_under_the_highest_rule_a_bid_needs_one_price_at_least(
    db, create_tender, add_member, create_user, clock
) -> None:
    b = make_tender(db, create_tender, add_member, create_user, vendors=1)
    with pytest.raises(DomainError, match="minst én post"):
        bid_with(db, b, 0, {})


def test_a_discounted_life_cycle_cost(db, create_tender, add_member, create_user, clock) -> None:
    """One-off 2 × 50 000 plus yearly 100 000 per municipality over 2+1 years at 4 %:
    Σₜ₌₁..₃ 1/1,04ᵗ = 1/1,04 + 1/1,04² + 1/1,04³; price = 100 000 + 100 000 × that × municipalities."""
    b = make_tender(
        db,
        create_tender,
        add_member,
        create_user,
        method="life_cycle",
        gaps="reject",
        rate=Decimal(4),
        period="2+1",
        vendors=1,
        lines=(
            ("Innføring", PriceItemKind.ONE_OFF, False, Decimal(2)),
            ("Drift", PriceItemKind.YEARLY, True, None),
        ),
    )
    one_off, yearly = (i.id for i in b.items)
    places = b.tender.participating_municipalities
    amounts = {(one_off, None): "50000", **{(yearly, m.id): "100000" for m in places}}
    bid = bid_with(db, b, 0, amounts)
    open_all(db, _setup_like(b), clock)
    built = ev.build_case(b.tender, with_individual=False)
    factor = sum(1 / Fraction(104, 100) ** t for t in (1, 2, 3))
    assert built.prices[bid.id] == 100000 + 100000 * factor * len(places)
    rows = built.priced.breakdown[bid.id].lines
    assert [(r.name, r.years, r.factor) for r in rows if r.name == "Drift"] == [
        ("Drift", 3, factor) for _ in places
    ]


def test_the_price_schedule_document_states_method_quantities_rate_and_gap_rule(db, basket) -> None:
    from tender.documents import operations as doc_ops
    from tender.documents.models import DocumentKind

    b, _ = basket
    draft = doc_ops.ensure_draft(b.tender, actor=b.lead)
    doc_ops.generate(b.tender, draft, DocumentKind.PRICE_SCHEDULE, actor=b.lead)
    made = next(d for d in draft.documents if d.kind is DocumentKind.PRICE_SCHEDULE)
    text = pdf_text(made.data)
    flat = text.split("\n")[-1]
    assert "handlekurv(antall×enhetspris)" in flat
    assert "120,5" in text
    assert "høyesteprisensomentilbyder" in flat
    assert "KOFA2011/70" in flat


def test_the_vendor_sees_quantities_and_may_leave_a_line_empty_under_the_highest_rule(
    db, create_tender, add_member, create_user, clock, client, forms, login_as
) -> None:
    b = make_tender(db, create_tender, add_member, create_user, vendors=1)
    lic, course, hour = (i.id for i in b.items)
    login_as(b.users[0])
    page = f"/konkurranser/{b.tender.id}/mitt-tilbud"
    html = client.get(page).get_data(as_text=True)
    assert "Du kan la en post stå tom" in html
    assert "120,5" in html
    bid = bid_ops.ensure_bid(b.tender, b.vendors[0], at=BEFORE, actor=b.users[0])
    bid_ops.save_draft(
        b.tender, bid, answers=[], prices={(course, None): Decimal(5)}, at=BEFORE, actor=b.users[0]
    )
    db.session.commit()
    version = str(bid.lock_version)
    fields = {
        "lock_version": version,
        f"p-{lic}-0-amount": "1 000,50",
        f"p-{course}-0-amount": "",
        f"p-{hour}-0-amount": "-3",
    }
    refused = forms.post(page, fields, page=page)
    assert refused.status_code == 422
    assert "«Konsulenttime»: beløpet kan ikke være negativt." in refused.get_data(as_text=True)
    db.session.refresh(bid)
    assert {(p.price_item_id, p.amount) for p in bid.prices} == {(course, Decimal(5))}
    fields[f"p-{hour}-0-amount"] = "900"
    assert forms.post(page, fields, page=page).status_code == 302
    db.session.refresh(bid)
    # the emptied course is gone, the others are stored
    assert {(p.price_item_id, p.amount) for p in bid.prices} == {
        (lic, Decimal("1000.50")),
        (hour, Decimal(900)),
    }


def test_the_exported_case_carries_the_schedule_and_tender_score_makes_the_same_prices(
    db, basket, client, login_as
) -> None:
    """sak.json carries the announced schedule and each bid's lines (not only the figure), so `tender score`
    makes the evaluated prices itself, gap fill included, and the workbook shows how («Prisskjema»)."""
    import io

    from openpyxl import load_workbook

    from tender.evaluation_model.case import parse_case

    b, bids = basket
    ev.open_consensus(b.tender, confirmed=True, actor=b.lead)
    arkiv = model_ops.criterion_by_key(b.tender, "arkiv")
    for bid in bids:
        ev.save_consensus(
            b.tender,
            bid,
            arkiv,
            score=Decimal(6),
            justification="Samlet",
            expected_version=None,
            actor=b.lead,
        )
    db.session.commit()
    login_as(b.lead)
    exported = json.loads(
        client.get(f"/konkurranser/{b.tender.id}/evaluering/sak.json").get_data(as_text=True)
    )
    assert exported["price_schedule"]["method"] == "basket"
    assert exported["price_schedule"]["gaps"] == "highest"
    assert all("price_lines" in bid and "price" not in bid for bid in exported["bids"])
    assert {bid.id: bid.price for bid in parse_case(exported).bids} == {
        ev.case_bid_id(bids[0]): 119950,
        ev.case_bid_id(bids[1]): 116525,
        ev.case_bid_id(bids[2]): 131600,
    }
    workbook = load_workbook(
        io.BytesIO(client.get(f"/konkurranser/{b.tender.id}/evaluering/matrise.xlsx").data)
    )
    assert "Prisskjema" in workbook.sheetnames
