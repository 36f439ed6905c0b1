"""The cost split: shares by a key, exact to the øre, always summing to the total."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tender.core.cost_split import (
    CostSplitError,
    Party,
    municipality_costs,
    split,
    weights,
)

#: the demo's six Grenland municipalities (tender/demo/__init__.py MUNICIPALITIES), by kommunenummer
GRENLAND = [
    Party("4012", 14_190),  # Bamble
    Party("4016", 4_090),  # Drangedal
    Party("4014", 10_420),  # Kragerø
    Party("4001", 37_920),  # Porsgrunn
    Party("4010", 2_340),  # Siljan
    Party("4003", 56_360),  # Skien
]
GRENLAND_POPULATION = 125_320


def test_the_grenland_populations_share_a_price_exactly_to_the_ore() -> None:
    parts = split(Decimal("1234567.89"), weights("population", GRENLAND))
    assert sum(parts.values()) == Decimal("1234567.89")
    # 123456789 øre by population: rounded down, 3 øre are left; the largest remainders are Siljan's (.753),
    # Porsgrunn's (.589) and Skien's (.549); Drangedal (.406), Bamble (.375) and Kragerø (.328) get none
    exact = {p.kommunenummer: Fraction(123456789 * p.population, GRENLAND_POPULATION) for p in GRENLAND}
    for number, value in parts.items():
        assert int(exact[number]) <= value * 100 <= int(exact[number]) + 1
    assert parts == {
        "4012": Decimal("139790.28"),
        "4016": Decimal("40291.91"),
        "4014": Decimal("102650.79"),
        "4001": Decimal("373562.20"),
        "4010": Decimal("23052.10"),
        "4003": Decimal("555220.61"),
    }


def test_the_leftover_ore_go_to_the_largest_remainders_and_ties_to_the_lowest_kommunenummer() -> None:
    three = [Party("4003", 1), Party("4001", 1), Party("4012", 1)]
    # 1.00 kr in three equal shares: 33 øre each, one øre left, every remainder equal (1/3): lowest number
    assert split(Decimal("1.00"), weights("equal", three)) == {
        "4003": Decimal("0.33"),
        "4001": Decimal("0.34"),
        "4012": Decimal("0.33"),
    }
    # 2.00 kr: two øre left: 4001 and 4003 get one each
    assert split(Decimal("2.00"), weights("equal", three)) == {
        "4003": Decimal("0.67"),
        "4001": Decimal("0.67"),
        "4012": Decimal("0.66"),
    }


def test_a_fixed_share_each_plus_the_rest_by_population() -> None:
    two = [Party("4003", 75), Party("4001", 25)]
    shares = weights("fixed_plus_population", two, fixed_percent=Decimal(20))
    # 20 % equally (10 % each), 80 % by population (60 % and 20 %)
    assert shares == {"4003": Fraction(7, 10), "4001": Fraction(3, 10)}
    assert split(Decimal("1000.00"), shares) == {"4003": Decimal("700.00"), "4001": Decimal("300.00")}


def test_a_fixed_percent_outside_0_to_100_is_refused() -> None:
    for bad in (None, Decimal(-1), Decimal("100.5")):
        with pytest.raises(CostSplitError) as refused:
            weights("fixed_plus_population", GRENLAND, fixed_percent=bad)
        assert refused.value.problems[0].code == "fixed_percent_out_of_range"


def test_custom_percentages_that_do_not_sum_to_100_are_refused() -> None:
    two = [Party("4003", 1), Party("4001", 1)]
    with pytest.raises(CostSplitError) as refused:
        weights("custom", two, percents={"4003": Decimal("60"), "4001": Decimal("39.99")})
    assert [p.code for p in refused.value.problems] == ["custom_not_100"]
    assert refused.value.problems[0].values["sum"] == Decimal("99.99")
    with pytest.raises(CostSplitError) as refused:
        weights("custom", two, percents={"4003": Decimal("100")})
    assert [p.code for p in refused.value.problems] == ["custom_missing"]
    with pytest.raises(CostSplitError) as refused:
        weights("custom", two, percents={"4003": Decimal("110"), "4001": Decimal("-10")})
    assert [p.code for p in refused.value.problems] == ["custom_negative"]


def test_custom_percentages_summing_to_exactly_100_are_used_as_given() -> None:
    two = [Party("4003", 1), Party("4001", 1)]
    shares = weights("custom", two, percents={"4003": Decimal("62.5"), "4001": Decimal("37.5")})
    assert split(Decimal("100.00"), shares) == {"4003": Decimal("62.50"), "4001": Decimal("37.50")}


def test_an_amount_with_fractions_of_an_ore_or_a_negative_amount_is_refused() -> None:
    shares = weights("equal", GRENLAND)
    for bad, code in ((Decimal("1.005"), "amount_not_in_ore"), (Decimal("-1"), "amount_negative")):
        with pytest.raises(CostSplitError) as refused:
            split(bad, shares)
        assert refused.value.problems[0].code == code


def test_no_municipalities_or_no_population_is_refused() -> None:
    with pytest.raises(CostSplitError) as refused:
        weights("population", [])
    assert refused.value.problems[0].code == "no_municipalities"
    with pytest.raises(CostSplitError) as refused:
        weights("population", [Party("4003", 0)])
    assert refused.value.problems[0].code == "population_zero"


def test_per_municipality_costs_add_own_prices_and_count_the_yearly_cost_for_every_contract_year() -> None:
    two = [Party("4003", 3), Party("4001", 1)]
    rows = municipality_costs(
        "population",
        two,
        one_off=Decimal("1000.00"),
        yearly=Decimal("100.00"),
        period="4+1+1",
        own_yearly={"4003": Decimal("10.00"), "4001": Decimal("20.00")},
    )
    assert [(r.kommunenummer, r.one_off, r.yearly, r.total) for r in rows] == [
        ("4003", Decimal("750.00"), Decimal("85.00"), Decimal("1260.00")),
        ("4001", Decimal("250.00"), Decimal("45.00"), Decimal("520.00")),
    ]
    assert [r.share for r in rows] == [Fraction(3, 4), Fraction(1, 4)]


_parties = st.lists(st.integers(min_value=0, max_value=1_000_000), min_size=1, max_size=12).map(
    lambda pops: [Party(f"{4001 + i:04d}", pop) for i, pop in enumerate(pops)]
)
_amounts = st.integers(min_value=0, max_value=10**12).map(lambda ore: Decimal(ore) / 100)
_keys = st.sampled_from(["population", "equal", "fixed_plus_population"])
_fixed = st.decimals(min_value=0, max_value=100, places=2)


@settings(max_examples=300, deadline=None)
@given(parties=_parties, amount=_amounts, key=_keys, fixed=_fixed)
def test_shares_always_sum_exactly_are_never_negative_and_are_the_same_every_time(
    parties: list[Party], amount: Decimal, key: str, fixed: Decimal
) -> None:
    if key != "equal" and sum(p.population for p in parties) == 0:
        parties = [Party(parties[0].kommunenummer, 1), *parties[1:]]
    shares = weights(key, parties, fixed_percent=fixed)
    parts = split(amount, shares)
    assert sum(parts.values()) == amount
    assert all(v >= 0 and v == v.quantize(Decimal("0.01")) for v in parts.values())
    # never more than one øre away from the exact share
    assert all(abs(Fraction(parts[k]) - Fraction(amount) * shares[k]) < Fraction(1, 100) for k in parts)
    assert split(amount, dict(reversed(list(shares.items())))) == parts  # order of the input is irrelevant
    # a larger exact share never pays less (with "fixed_plus_population" at 100 % every share is equal, and
    # the population no longer orders them: see the example test below)
    for a in parties:
        for b in parties:
            if shares[a.kommunenummer] > shares[b.kommunenummer]:
                assert parts[a.kommunenummer] >= parts[b.kommunenummer]


@settings(max_examples=200, deadline=None)
@given(
    percents=st.lists(st.integers(min_value=0, max_value=10_000), min_size=1, max_size=8),
    amount=_amounts,
)
def test_custom_percentages_split_exactly_and_refuse_any_sum_but_100(
    percents: list[int], amount: Decimal
) -> None:
    parties = [Party(f"{4001 + i:04d}", 1) for i in range(len(percents))]
    given_ = {p.kommunenummer: Decimal(v) / 100 for p, v in zip(parties, percents, strict=True)}
    if sum(percents) != 10_000:
        with pytest.raises(CostSplitError) as refused:
            weights("custom", parties, percents=given_)
        assert refused.value.problems[0].code == "custom_not_100"
        # made to sum to 100 by the last one taking the difference (when that is not negative)
        rest = Decimal(100) - sum(list(given_.values())[:-1])
        if rest < 0:
            return
        given_[parties[-1].kommunenummer] = rest
    parts = split(amount, weights("custom", parties, percents=given_))
    assert sum(parts.values()) == amount
    assert all(v >= 0 for v in parts.values())


def test_equal_shares_give_the_remaining_ore_by_kommunenummer_whatever_the_population() -> None:
    # found by the property test: with the whole amount split equally, the population orders nothing, and
    # the stated rule gives the øre left over to the lowest kommunenummer
    parties = [Party("4001", 5), Party("4002", 10)]
    shares = weights("fixed_plus_population", parties, fixed_percent=Decimal("100"))
    assert shares == {"4001": Fraction(1, 2), "4002": Fraction(1, 2)}
    assert split(Decimal("0.01"), shares) == {"4001": Decimal("0.01"), "4002": Decimal("0")}
