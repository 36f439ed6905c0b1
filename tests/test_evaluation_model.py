"""The evaluation model: criteria tree with weights per level, price schedule, method, and the freeze."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from sqlalchemy import select

from tender.audit import AuditEvent
from tender.core.price_schedule import PriceScheduleError, ScheduleItem, contract_years, evaluated_total
from tender.errors import DomainError
from tender.evaluation_model import operations as model_ops
from tender.evaluation_model.models import CriterionKindValue, PriceItemKind
from tender.web.spec_messages import price_problems
from tests.evaluation_helpers import BEFORE, build_model, setup_tender


def test_a_price_schedule_totals_one_off_items_once_and_yearly_items_over_the_whole_contract() -> None:
    items = [
        ScheduleItem("1", "Lisens", yearly=False),
        ScheduleItem("2", "Drift", yearly=True, per_municipality=True),
    ]
    amounts = {
        ("1", None): Decimal("1000000"),
        ("2", "4003"): Decimal("100000.50"),
        ("2", "4001"): Decimal("50000"),
    }
    total = evaluated_total(items, amounts, "4+1+1", ["4003", "4001"])
    assert total == Fraction(1000000) + 6 * (Fraction("100000.50") + 50000)


def test_a_price_schedule_names_every_missing_amount() -> None:
    items = [
        ScheduleItem("1", "Lisens", yearly=False),
        ScheduleItem("2", "Drift", yearly=True, per_municipality=True),
    ]
    with pytest.raises(PriceScheduleError) as caught:
        evaluated_total(items, {("2", "4003"): Decimal(1)}, "4", ["4003", "4001"])
    assert [(p.code, dict(p.values)) for p in caught.value.problems] == [
        ("amount_missing", {"item": "Lisens", "municipality": None}),
        ("amount_missing", {"item": "Drift", "municipality": "4001"}),
    ]
    assert price_problems(caught.value) == [
        "Mangler beløp for «Lisens».",
        "Mangler beløp for «Drift (4001)».",
    ]


def test_a_contract_period_is_read_as_years_with_options() -> None:
    assert contract_years("4+1+1") == (4, 1, 1)
    with pytest.raises(PriceScheduleError):
        contract_years("fire år")


def test_the_model_page_shows_the_tree_and_the_level_sums(client, login_as, db, create_tender) -> None:
    tender = create_tender()
    lead = tender.memberships[0].user
    build_model(tender, lead)
    db.session.commit()
    login_as(lead)
    html = client.get(f"/konkurranser/{tender.id}/evaluering").get_data(as_text=True)
    assert "Arkivfunksjonalitet" in html and "Gjennomføring" in html and "Toppnivå: 100\u00a0%" in html
    assert "P = Max − Max·(Pe − Pb)/Pb" in html


def test_weights_that_do_not_sum_to_100_are_refused_at_freeze_with_the_sums_shown(
    client, forms, login_as, db, create_tender
) -> None:
    tender = create_tender()
    lead = tender.memberships[0].user
    build_model(tender, lead)
    model_ops.update_criterion_weight(
        tender, model_ops.criterion_by_key(tender, "arkiv"), Decimal(40), actor=lead
    )
    db.session.commit()
    login_as(lead)
    response = forms.post(f"/konkurranser/{tender.id}/evaluering/las", {})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert (
        "Vektene under Kvalitet summerer til 90 %, ikke 100 % (Arkivfunksjonalitet 40 + Kvalitet 2 50)"
        in html
    )
    assert model_ops.model_of(tender).frozen_at is None


def test_adding_a_criterion_through_the_form_records_it_and_bad_weights_come_back_on_the_field(
    client, forms, login_as, db, create_tender
) -> None:
    tender = create_tender()
    lead = tender.memberships[0].user
    login_as(lead)
    url = f"/konkurranser/{tender.id}/evaluering/kriterier"
    ok = forms.post(
        url, {"parent": "", "key": "kvalitet", "name": "Kvalitet", "kind": "quality", "weight": "70"}
    )
    assert ok.status_code == 302
    bad = forms.post(
        url, {"parent": "kvalitet", "key": "arkiv", "name": "Arkiv", "kind": "quality", "weight": "mye"}
    )
    assert bad.status_code == 422 and "Vekten må være et tall, ikke «mye»." in bad.get_data(as_text=True)
    assert [r.key for r in model_ops.criteria_of(tender)] == ["kvalitet"]
    events = db.session.scalars(select(AuditEvent.event_type).where(AuditEvent.tender_id == tender.id)).all()
    assert "evaluation.criterion_added" in events


def test_the_price_criterion_cannot_have_sub_criteria(db, create_tender) -> None:
    tender = create_tender()
    lead = tender.memberships[0].user
    model_ops.add_criterion(
        tender,
        model_ops.CriterionInput(key="pris", name="Pris", weight=Decimal(30), kind=CriterionKindValue.PRICE),
        actor=lead,
    )
    with pytest.raises(DomainError, match="Priskriteriet kan ikke ha underkriterier"):
        model_ops.add_criterion(
            tender,
            model_ops.CriterionInput(key="x", name="X", weight=Decimal(100), parent_key="pris"),
            actor=lead,
        )


def test_freezing_stamps_the_model_and_nothing_in_it_can_change_afterwards(
    db, create_tender, add_member, create_user
) -> None:
    s = setup_tender(db, create_tender, add_member, create_user)
    model = model_ops.model_of(s.tender)
    assert model.frozen_at == BEFORE - timedelta(days=10) and len(model.frozen_hash) == 64
    arkiv = model_ops.criterion_by_key(s.tender, "arkiv")
    attempts = [
        lambda: model_ops.update_criterion_weight(s.tender, arkiv, Decimal(10), actor=s.lead),
        lambda: model_ops.add_criterion(
            s.tender, model_ops.CriterionInput(key="ny", name="Ny", weight=Decimal(1)), actor=s.lead
        ),
        lambda: model_ops.delete_criterion(s.tender, arkiv, actor=s.lead),
        lambda: model_ops.add_price_item(
            s.tender, name="Mer", kind=PriceItemKind.ONE_OFF, per_municipality=False, actor=s.lead
        ),
        lambda: model_ops.delete_price_item(s.tender, s.items[0], actor=s.lead),
        lambda: model_ops.update_settings(
            s.tender,
            model_ops.ModelSettings(
                Decimal(10), "linear", None, None, True, "4", Decimal(2), scale_step=Decimal("0.5")
            ),
            actor=s.lead,
        ),
        lambda: model_ops.freeze(s.tender, at=BEFORE, actor=s.lead),
    ]
    for attempt in attempts:
        with pytest.raises(DomainError, match="låst"):
            attempt()
        db.session.rollback()
    assert model_ops.criterion_by_key(s.tender, "arkiv").weight == Decimal(50)


def test_the_locks_canonical_json_writes_the_threshold_as_the_database_stores_it(
    db, create_tender, add_member, create_user
) -> None:
    s = setup_tender(db, create_tender, add_member, create_user, freeze=False)
    # A model created and locked in one transaction (as the demo's is) holds its threshold as the Python
    # value it was given, Decimal(3), until it is read back from the Numeric(6, 2) column as Decimal("3.00");
    # the lock's hash must not depend on which of the two the session holds.
    # (the model is held, as the operations that lock it hold it: the session keeps it only weakly)
    model = model_ops.model_of(s.tender)
    model.disagreement_threshold = Decimal(3)
    held = model_ops.frozen_model_json(s.tender)
    db.session.commit()
    db.session.expire_all()
    read_back = model_ops.frozen_model_json(s.tender)
    assert held["disagreement_threshold"] == read_back["disagreement_threshold"] == "3.00"
    assert held == read_back


def test_the_frozen_model_page_shows_no_edit_forms(
    client, login_as, db, create_tender, add_member, create_user
) -> None:
    s = setup_tender(db, create_tender, add_member, create_user)
    login_as(s.lead)
    html = client.get(f"/konkurranser/{s.id}/evaluering").get_data(as_text=True)
    assert "Låst" in html and "Legg til kriterium" not in html and "Lås evalueringsmodellen" not in html


def test_settings_refuse_a_method_without_its_parameter(client, forms, login_as, db, create_tender) -> None:
    tender = create_tender()
    login_as(tender.memberships[0].user)
    response = forms.post(
        f"/konkurranser/{tender.id}/evaluering/innstillinger",
        {
            "scale_max": "10",
            "price_method": "linear_zero_at",
            "price_k": "",
            "nok_per_point": "",
            "contract_period": "4+1+1",
            "disagreement_threshold": "2",
        },
    )
    assert response.status_code == 422
    assert "Metoden mangler en gyldig parameter" in response.get_data(as_text=True)
    assert model_ops.model_or_default(tender).price_method == "linear"


def test_numbers_beyond_what_the_model_can_hold_are_refused_not_stored(
    client, forms, login_as, db, create_tender
) -> None:
    tender = create_tender()
    login_as(tender.memberships[0].user)
    settings = forms.post(
        f"/konkurranser/{tender.id}/evaluering/innstillinger",
        {
            "scale_max": "100000",
            "price_method": "linear",
            "contract_period": "4",
            "disagreement_threshold": "2",
        },
    )
    assert settings.status_code == 422 and "høyst 1000" in settings.get_data(as_text=True)
    criterion = forms.post(
        f"/konkurranser/{tender.id}/evaluering/kriterier",
        {
            "parent": "",
            "key": "kvalitet",
            "name": "Kvalitet",
            "kind": "quality",
            "weight": "100",
            "weight_min": "90",
            "weight_max": "99999999999",
        },
    )
    assert criterion.status_code == 422 and "Vektspennet må ligge mellom 0 og 100 %." in criterion.get_data(
        as_text=True
    )
    assert model_ops.criteria_of(tender) == []


def test_the_model_page_lists_the_evaluation_requirements_under_their_criterion(
    client, login_as, db, create_tender, add_member, create_user
) -> None:
    s = setup_tender(db, create_tender, add_member, create_user)
    login_as(s.lead)
    html = client.get(f"/konkurranser/{s.id}/evaluering").get_data(as_text=True)
    assert "1.3 (1), 1.4 (1)" in html and "hører til kriterier som ikke finnes" not in html


def test_the_price_schedule_cannot_change_once_the_specification_is_published(
    db, create_tender, add_member, create_user
) -> None:
    # Vendors fill in the price schedule in their bids from the publication on: deleting a line would silently
    # delete it from sealed bids (and break their receipts), adding one would leave submitted bids incomplete.
    s = setup_tender(db, create_tender, add_member, create_user, freeze=False)
    attempts = [
        lambda: model_ops.add_price_item(
            s.tender, name="Mer", kind=PriceItemKind.ONE_OFF, per_municipality=False, actor=s.lead
        ),
        lambda: model_ops.delete_price_item(s.tender, s.items[0], actor=s.lead),
    ]
    for attempt in attempts:
        with pytest.raises(DomainError, match="kunngjort"):
            attempt()
        db.session.rollback()
    assert [i.name for i in model_ops.price_items(s.tender)] == [
        "Lisenser og innføring",
        "Drift og vedlikehold",
    ]


def test_the_model_page_offers_no_price_schedule_change_once_the_specification_is_published(
    client, login_as, db, create_tender, add_member, create_user
) -> None:
    s = setup_tender(db, create_tender, add_member, create_user, freeze=False)
    login_as(s.lead)
    html = client.get(f"/konkurranser/{s.tender.id}/evaluering").get_data(as_text=True)
    assert "Prisskjemaet ble kunngjort med kravspesifikasjonen og kan ikke endres" in html
    assert "Legg til post" not in html and "Fjern Lisenser og innføring" not in html
    assert "Lås modellen" in html  # the rest of the model is still the lead's to finish and lock
