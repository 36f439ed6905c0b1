"""The cost split of the winning bid and the option municipalities: what is split, by which key, what is
refused (in Norwegian, changing nothing), what is audited, and what the snapshot holds."""

from __future__ import annotations

import json
from decimal import Decimal
from fractions import Fraction

import pytest
from sqlalchemy import select

from tender.audit import AuditEvent
from tender.award import cost_operations as costs
from tender.award.models import CostSplitKey, Recommendation, RecommendationState
from tender.errors import DomainError
from tender.negotiation.operations import ranking
from tests.negotiation_helpers import negotiation_setup


@pytest.fixture
def s(db, create_tender, add_member, create_user, clock):
    """Three bids opened and scored; Skien (56 360) and Porsgrunn (37 920) take part; the price schedule has
    a common one-off item and a yearly item priced per municipality (100 000 kr a year each)."""
    return negotiation_setup(db, create_tender, add_member, create_user, clock)


def _by_name(table):
    return {r.municipality.name: r for r in table.rows}


def _events(db, kind):
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.event_type == kind)))


def test_the_first_ranked_bid_is_split_by_population_until_a_key_is_chosen(db, s) -> None:
    first = ranking(s.tender)[0]
    table = costs.cost_table(s.tender)
    assert table is not None and table.bid.id == first.bid.id and not table.chosen
    assert table.key is CostSplitKey.POPULATION
    one_off = table.common_one_off
    assert one_off == Decimal(next(p.amount for p in first.bid.prices if p.municipality_id is None))
    rows = _by_name(table)
    # the common one-off by population, exact to the øre; the yearly item is priced per municipality
    assert rows["Skien"].one_off + rows["Porsgrunn"].one_off == one_off
    assert rows["Skien"].share == Fraction(56_360, 56_360 + 37_920)
    assert rows["Skien"].yearly == rows["Porsgrunn"].yearly == Decimal("100000.00")
    assert table.common_yearly == 0
    assert table.years == (4,)
    assert rows["Skien"].total == rows["Skien"].one_off + 4 * Decimal("100000.00")


def test_the_recommendations_winner_is_split_when_there_is_one(db, s) -> None:
    other = ranking(s.tender)[1].bid
    db.session.add(
        Recommendation(tender_id=s.id, number=1, round_no=1, winner_bid_id=other.id, created_by_name="Lena")
    )
    db.session.commit()
    assert costs.cost_table(s.tender).bid.id == other.id


def test_fixed_plus_population_is_stored_audited_and_split_exactly(db, s) -> None:
    costs.set_key(
        s.tender, CostSplitKey.FIXED_PLUS_POPULATION, fixed_percent=Decimal(20), percents={}, actor=s.lead
    )
    db.session.commit()
    table = costs.cost_table(s.tender)
    rows = _by_name(table)
    assert table.chosen and table.fixed_percent == Decimal(20)
    # 10 % each, plus 80 % × population share
    assert rows["Skien"].share == Fraction(1, 10) + Fraction(8, 10) * Fraction(56_360, 94_280)
    assert rows["Skien"].one_off + rows["Porsgrunn"].one_off == table.common_one_off
    [event] = _events(db, "award.cost_split_set")
    assert json.loads(event.payload_json)["split_key"] == "fixed_plus_population"


def test_custom_percentages_not_summing_to_100_are_refused_in_norwegian_and_change_nothing(db, s) -> None:
    skien, porsgrunn = sorted(s.tender.bound_municipalities, key=lambda m: m.name, reverse=True)
    with pytest.raises(DomainError) as refused:
        costs.set_key(
            s.tender,
            CostSplitKey.CUSTOM,
            fixed_percent=None,
            percents={skien.id: Decimal(60), porsgrunn.id: Decimal("39.5")},
            actor=s.lead,
        )
    assert "må summere til nøyaktig 100" in refused.value.message and "99,5" in refused.value.message
    db.session.rollback()
    assert costs.cost_split_of(s.tender) is None
    costs.set_key(
        s.tender,
        CostSplitKey.CUSTOM,
        fixed_percent=None,
        percents={skien.id: Decimal(60), porsgrunn.id: Decimal(40)},
        actor=s.lead,
    )
    db.session.commit()
    rows = _by_name(costs.cost_table(s.tender))
    assert rows["Skien"].common_one_off == costs.cost_table(s.tender).common_one_off * Decimal("0.6")


def test_an_option_municipality_shares_nothing_and_is_shown_apart_with_its_own_prices(db, s) -> None:
    porsgrunn = next(m for m in s.tender.participating_municipalities if m.name == "Porsgrunn")
    costs.set_option(s.tender, porsgrunn.id, True, actor=s.lead)
    db.session.commit()
    table = costs.cost_table(s.tender)
    assert [r.municipality.name for r in table.rows] == ["Skien"]
    assert table.rows[0].one_off == table.common_one_off  # the bound municipality carries the common cost
    [option] = table.options
    assert option.municipality.name == "Porsgrunn"
    assert (option.one_off, option.yearly, option.total) == (0, Decimal("100000.00"), Decimal("400000.00"))
    [event] = _events(db, "award.option_municipality_set")
    assert json.loads(event.payload_json)["option"] is True


def test_the_last_bound_municipality_cannot_become_an_option_municipality(db, s) -> None:
    first, second = s.tender.participating_municipalities
    costs.set_option(s.tender, first.id, True, actor=s.lead)
    db.session.commit()
    with pytest.raises(DomainError, match="Minst én kommune må være bundet"):
        costs.set_option(s.tender, second.id, True, actor=s.lead)
    with pytest.raises(DomainError, match="deltar ikke"):
        costs.set_option(s.tender, 999_999, True, actor=s.lead)


def test_nothing_changes_while_a_recommendation_is_frozen(db, s) -> None:
    db.session.add(
        Recommendation(
            tender_id=s.id,
            number=1,
            round_no=1,
            state=RecommendationState.FROZEN,
            content_sha256="a" * 64,
            created_by_name="Lena",
        )
    )
    db.session.commit()
    with pytest.raises(DomainError, match="Trekk innstillingen tilbake først"):
        costs.set_key(s.tender, CostSplitKey.EQUAL, fixed_percent=None, percents={}, actor=s.lead)
    with pytest.raises(DomainError, match="Trekk innstillingen tilbake først"):
        costs.set_option(s.tender, s.tender.participating_municipalities[0].id, True, actor=s.lead)


def test_the_snapshot_is_empty_until_a_key_is_chosen_then_holds_the_split_as_decimal_strings(db, s) -> None:
    assert costs.cost_split_snapshot(s.tender) == {}
    porsgrunn = next(m for m in s.tender.participating_municipalities if m.name == "Porsgrunn")
    skien = next(m for m in s.tender.participating_municipalities if m.name == "Skien")
    costs.set_option(s.tender, porsgrunn.id, True, actor=s.lead)
    costs.set_key(s.tender, CostSplitKey.EQUAL, fixed_percent=None, percents={}, actor=s.lead)
    db.session.commit()
    snap = costs.cost_split_snapshot(s.tender)
    assert json.loads(json.dumps(snap)) == snap  # JSON-able as it is
    assert snap["key"] == "equal" and snap["fixed_percent"] is None
    assert [b["kommunenummer"] for b in snap["bound"]] == [skien.kommunenummer]
    assert snap["bound"][0]["one_off"] == snap["common_one_off"]
    assert [o["name"] for o in snap["option"]] == ["Porsgrunn"]
    assert snap["option"][0]["yearly"] == "100000.00"
    assert "størst avrundingsrest først" in snap["remainder_rule"]
    assert all(isinstance(v, str) for v in (snap["bound"][0]["total"], snap["option"][0]["total"]))
    # percentages with the column's six decimals, the same text on every database (the snapshot is hashed)
    costs.set_key(
        s.tender, CostSplitKey.CUSTOM, fixed_percent=None, percents={skien.id: Decimal(100)}, actor=s.lead
    )
    db.session.commit()
    assert costs.cost_split_snapshot(s.tender)["percents"] == {skien.kommunenummer: "100.000000"}


def test_nothing_of_the_prices_shows_before_the_bids_are_opened(
    db, create_tender, add_member, create_user
) -> None:
    from tests.evaluation_helpers import setup_tender, submit_bid

    s = setup_tender(db, create_tender, add_member, create_user)
    submit_bid(db, s, 0)
    assert costs.winning_bid(s.tender) is None
    assert costs.cost_table(s.tender) is None
    assert costs.cost_split_snapshot(s.tender) == {}


def test_the_page_refuses_custom_percentages_not_summing_to_100_and_keeps_what_was_typed(
    db, s, forms, login_as
) -> None:
    skien = next(m for m in s.tender.participating_municipalities if m.name == "Skien")
    porsgrunn = next(m for m in s.tender.participating_municipalities if m.name == "Porsgrunn")
    login_as(s.lead)
    url = f"/konkurranser/{s.id}/kostnadsfordeling"
    data = {"key": "custom", f"m-{skien.id}-percent": "70", f"m-{porsgrunn.id}-percent": "20,5"}
    response = forms.post(url + "/nokkel", data, page=url)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Prosentsatsene må summere til nøyaktig 100 %; de summerer nå til 90,5 %." in page
    assert 'value="20,5"' in page
    assert costs.cost_split_of(s.tender) is None
    assert _events(db, "award.cost_split_set") == []


def test_a_post_while_the_recommendation_is_frozen_is_refused_with_the_reason_on_the_page(
    db, s, forms, login_as
) -> None:
    db.session.add(
        Recommendation(
            tender_id=s.id,
            number=1,
            round_no=1,
            state=RecommendationState.FROZEN,
            content_sha256="b" * 64,
            created_by_name="Lena",
        )
    )
    db.session.commit()
    login_as(s.lead)
    url = f"/konkurranser/{s.id}/kostnadsfordeling"
    page = forms.client.get(url).get_data(as_text=True)
    assert "Trekk innstillingen tilbake først" in page and 'id="nokkelskjema"' not in page
    response = forms.post(url + "/nokkel", {"key": "equal"}, page=url)
    assert response.status_code == 422
    assert "Trekk innstillingen tilbake først" in response.get_data(as_text=True)
    assert costs.cost_split_of(s.tender) is None


def test_a_vendor_never_sees_the_cost_split(db, s, client, login_as) -> None:
    login_as(s.vendor_users[0])
    assert client.get(f"/konkurranser/{s.id}/kostnadsfordeling").status_code == 403
    assert client.get(f"/konkurranser/{s.id}/kostnadsfordeling/kostnadsfordeling.xlsx").status_code == 403


def test_nothing_changes_once_the_notices_are_issued(db, s) -> None:
    from tender.award.models import NoticeIssue
    from tender.clock import now

    rec = Recommendation(
        tender_id=s.id,
        number=1,
        round_no=1,
        state=RecommendationState.FROZEN,
        content_sha256="c" * 64,
        created_by_name="Lena",
    )
    db.session.add(rec)
    db.session.flush()
    db.session.add(
        NoticeIssue(
            tender_id=s.id,
            recommendation_id=rec.id,
            content_sha256="c" * 64,
            issued_at=now(),
            issued_by_name="Lena",
            standstill_days=10,
            standstill_ends_at=now(),
        )
    )
    db.session.commit()
    with pytest.raises(DomainError, match="Meddelelsene om tildeling er sendt"):
        costs.set_key(s.tender, CostSplitKey.EQUAL, fixed_percent=None, percents={}, actor=s.lead)
    with pytest.raises(DomainError, match="Meddelelsene om tildeling er sendt"):
        costs.set_option(s.tender, s.tender.participating_municipalities[0].id, True, actor=s.lead)


def test_the_cost_split_is_a_registered_part_of_every_recommendations_snapshot() -> None:
    # a test that replaces the part must put it back (monkeypatch), or later snapshots lose the cost split
    from tender.award import cost_operations, snapshot

    assert snapshot.SNAPSHOT_PARTS["cost_split"] is cost_operations.cost_split_snapshot
