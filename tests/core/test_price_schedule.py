"""The price schedule as the evaluated price (issue 16, point 4): a basket (Σ quantity × unit price), an
average over lines (Σ weight × price / Σ weight) and a life-cycle cost (one-off + yearly over the period,
optionally discounted), with a stated rule for lines a bid leaves without a price. Every figure below is
worked by hand in the test, as a fraction, and compared exactly."""

from __future__ import annotations

import random
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tender.core.price_schedule import (
    PriceSchedule,
    PriceScheduleError,
    ScheduleItem,
    ScheduleLine,
    discount_factors,
    evaluated_prices,
    evaluated_total,
)


def _codes(error: pytest.ExceptionInfo[PriceScheduleError]) -> list[tuple[str, dict[str, Any]]]:
    return [(p.code, dict(p.values)) for p in error.value.problems]


# -- basket --------------------------------------------------------------------------------------------------
def test_a_basket_is_the_sum_of_quantity_times_unit_price() -> None:
    schedule = PriceSchedule(
        "basket",
        (
            ScheduleLine("1", "Konsulenttime", quantity=Decimal(120)),
            ScheduleLine("2", "Kurs, dag", quantity=Decimal(3)),
            ScheduleLine("3", "Reise, km", quantity=Decimal("1500.5")),
            ScheduleLine("4", "Ekstra lisens", quantity=0),
        ),
    )
    bids = {
        "Alfa": {("1", None): Decimal("1045.50"), ("2", None): Decimal(9800), ("3", None): Decimal("4.35")},
        "Beta": {("1", None): Decimal(990), ("2", None): Decimal(12500), ("3", None): Decimal(0)},
    }
    bids["Alfa"][("4", None)] = Decimal(100)
    bids["Beta"][("4", None)] = Decimal(1_000_000)  # quantity 0: priced, but it weighs nothing
    result = evaluated_prices(schedule, bids)
    # Alfa: 120 × 1045.50 + 3 × 9800 + 1500.5 × 4.35 + 0 × 100 = 125 460 + 29 400 + 6527.175 = 161 387.175
    assert result["Alfa"].price == Fraction("161387.175")
    # Beta: 120 × 990 + 3 × 12 500 + 0 + 0 = 118 800 + 37 500 = 156 300
    assert result["Beta"].price == 156300
    line = result["Alfa"].lines[2]
    assert (line.line, line.amount, line.quantity, line.factor, line.contribution) == (
        "3",
        Fraction("4.35"),
        Fraction("1500.5"),
        1,
        Fraction("6527.175"),
    )
    assert not result["Alfa"].filled
    assert result.prices() == {"Alfa": Fraction("161387.175"), "Beta": 156300}


def test_a_basket_line_priced_per_municipality_takes_each_municipality_price_times_the_quantity() -> None:
    schedule = PriceSchedule(
        "basket",
        (
            ScheduleLine("kurs", "Kurs", quantity=2),
            ScheduleLine("drift", "Drift, time", quantity=10, per_municipality=True),
        ),
        municipalities=("4001", "4003"),
    )
    bid = {("kurs", None): 500, ("drift", "4001"): Decimal("800"), ("drift", "4003"): Decimal("950.25")}
    result = evaluated_prices(schedule, {"A": bid})
    # 2 × 500 + 10 × 800 + 10 × 950.25 = 1000 + 8000 + 9502.5
    assert result["A"].price == Fraction("18502.5")
    assert [(a.line, a.municipality) for a in result["A"].lines] == [
        ("kurs", None),
        ("drift", "4001"),
        ("drift", "4003"),
    ]


def test_a_basket_line_left_unpriced_is_filled_with_the_highest_price_offered_on_it() -> None:
    schedule = PriceSchedule(
        "basket",
        (ScheduleLine("1", "Time", quantity=100), ScheduleLine("2", "Kurs", quantity=2)),
        gaps="highest",
    )
    bids = {
        "A": {("1", None): 900, ("2", None): 5000},
        "B": {("1", None): 1000, ("2", None): 7000},
        "C": {("1", None): 800},  # no price for line 2: counts as 7000, the highest offered
    }
    result = evaluated_prices(schedule, bids)
    assert result["C"].price == 100 * 800 + 2 * 7000
    (filled,) = result["C"].filled
    assert (filled.line, filled.offered, filled.amount, filled.contribution) == ("2", None, 7000, 14000)
    assert result.highest == {("1", None): 1000, ("2", None): 7000}


# -- average over lines --------------------------------------------------------------------------------------
def test_kofa_2011_70_a_line_a_bid_leaves_without_a_price_counts_with_the_highest_price_offered_on_it() -> (
    None
):
    """KOFA 2011/70 (as cited in issue 16): when the evaluated price is the average of a bid's prices over
    the lines, a line the bid did not price is filled with the highest price any bidder offered on it."""
    schedule = PriceSchedule(
        "average",
        (ScheduleLine("1", "Brød"), ScheduleLine("2", "Melk"), ScheduleLine("3", "Ost")),
        gaps="highest",
    )
    bids = {
        "A": {("1", None): Decimal(100), ("2", None): Decimal(200), ("3", None): Decimal(300)},
        "B": {("1", None): Decimal(90), ("3", None): Decimal(330)},
        "C": {("1", None): Decimal(126), ("2", None): Decimal(150), ("3", None): None},
    }
    result = evaluated_prices(schedule, bids)
    assert result["A"].price == 200  # (100 + 200 + 300) / 3
    assert result["B"].price == Fraction(90 + 200 + 330, 3)  # line 2 filled with A's 200 (C offered 150)
    assert result["C"].price == 202  # (126 + 150 + 330) / 3, line 3 filled with B's 330
    (gap,) = result["B"].filled
    assert (gap.line, gap.amount, gap.quantity, gap.factor) == ("2", 200, 1, Fraction(1, 3))
    # without the rule C's mean would be (126 + 150) / 2 = 138 and C would win by leaving out its dearest
    # line; filled, A wins
    assert min(result.prices(), key=result.prices().__getitem__) == "A"


def test_a_weighted_average_divides_by_the_sum_of_the_weights() -> None:
    schedule = PriceSchedule(
        "average",
        (
            ScheduleLine("1", "Dagtid", weight=Decimal(3)),
            ScheduleLine("2", "Kveld", weight=Decimal(1)),
            ScheduleLine("3", "Helg", weight=Decimal("0.5")),
        ),
    )
    bid = {("1", None): Decimal(600), ("2", None): Decimal(900), ("3", None): Decimal(1200)}
    # (3 × 600 + 1 × 900 + 0.5 × 1200) / 4.5 = 3300 / 4.5 = 733 1/3
    result = evaluated_prices(schedule, {"A": bid})
    assert result["A"].price == Fraction(2200, 3)
    assert [a.contribution for a in result["A"].lines] == [400, 200, Fraction(400, 3)]


def test_under_the_reject_rule_a_gap_is_an_error_naming_the_bid_and_the_line() -> None:
    schedule = PriceSchedule(
        "average",
        (ScheduleLine("1", "Brød"), ScheduleLine("2", "Melk", per_municipality=True)),
        municipalities=("4001", "4003"),
        gaps="reject",
    )
    bids = {
        "A": {("1", None): 10, ("2", "4001"): 20, ("2", "4003"): 21},
        "B": {("1", None): 11, ("2", "4001"): 19},
    }
    with pytest.raises(PriceScheduleError) as caught:
        evaluated_prices(schedule, bids)
    assert _codes(caught) == [
        ("amount_missing", {"bid": "B", "line": "2", "item": "Melk", "municipality": "4003"}),
    ]


def test_a_line_no_bidder_priced_is_an_error_naming_the_line_whatever_the_gap_rule() -> None:
    lines = (ScheduleLine("1", "Brød"), ScheduleLine("2", "Melk"), ScheduleLine("3", "Ost"))
    bids: dict[str, dict[tuple[str, str | None], Any]] = {"A": {("1", None): 10}, "B": {("1", None): 12}}
    bids["B"][("3", None)] = None
    for gaps in ("highest", "reject"):
        with pytest.raises(PriceScheduleError) as caught:
            evaluated_prices(PriceSchedule("average", lines, gaps=gaps), bids)
        assert _codes(caught) == [
            ("line_unpriced", {"line": "2", "item": "Melk", "municipality": None}),
            ("line_unpriced", {"line": "3", "item": "Ost", "municipality": None}),
        ]


# -- life-cycle cost -----------------------------------------------------------------------------------------
def test_an_undiscounted_life_cycle_cost_is_the_evaluated_total_of_today() -> None:
    lines = (
        ScheduleLine("lisens", "Lisens"),
        ScheduleLine("drift", "Drift", yearly=True, per_municipality=True),
        ScheduleLine("kurs", "Kurs", quantity=4),
    )
    amounts = {
        ("lisens", None): Decimal("250000"),
        ("drift", "4001"): Decimal("40000.50"),
        ("drift", "4003"): Decimal("12000"),
        ("kurs", None): Decimal("7500"),
    }
    result = evaluated_prices(
        PriceSchedule("life_cycle", lines, period="4+1+1", municipalities=("4001", "4003")), {"A": amounts}
    )
    # 250 000 + (40 000.50 + 12 000) × 6 years + 4 × 7500 = 250 000 + 312 003 + 30 000
    assert result["A"].price == 592003
    drift = result["A"].lines[1]
    assert (drift.years, drift.factor, drift.contribution) == (6, 6, Fraction("240003"))
    items = [
        ScheduleItem("lisens", "Lisens", yearly=False),
        ScheduleItem("drift", "Drift", yearly=True, per_municipality=True),
    ]
    without_course = {k: v for k, v in amounts.items() if k[0] != "kurs"}
    assert evaluated_total(items, without_course, "4+1+1", ["4001", "4003"]) == 592003 - 30000
    for rate in (None, 0, Decimal("0.00")):
        same = PriceSchedule(
            "life_cycle", lines[:2], period="4+1+1", municipalities=("4001", "4003"), discount_rate=rate
        )
        assert evaluated_prices(same, {"A": without_course})["A"].price == 592003 - 30000


def test_a_discounted_life_cycle_cost_divides_the_yearly_amount_of_year_t_by_one_plus_r_to_the_t() -> None:
    schedule = PriceSchedule(
        "life_cycle",
        (ScheduleLine("inv", "Investering"), ScheduleLine("drift", "Drift", yearly=True)),
        period="2+1",
        discount_rate=Decimal(5),
    )
    result = evaluated_prices(schedule, {"A": {("inv", None): 100000, ("drift", None): 20000}})
    # one-off at time 0: 100 000; year t: 20 000 / 1.05^t, t = 1, 2, 3:
    # 1/1.05 = 20/21, 1/1.05² = 400/441, 1/1.05³ = 8000/9261, summing to (8820 + 8400 + 8000)/9261
    factor = Fraction(25220, 9261)
    assert discount_factors(Decimal(5), 3) == (Fraction(20, 21), Fraction(400, 441), Fraction(8000, 9261))
    assert result["A"].lines[1].factor == factor
    assert result["A"].price == 100000 + 20000 * factor
    assert round(float(result["A"].price), 2) == 154464.96  # 19 047.62 + 18 140.59 + 17 276.75 + 100 000


# -- bad input -----------------------------------------------------------------------------------------------
def test_a_bad_schedule_lists_every_problem_naming_its_place() -> None:
    schedule = PriceSchedule(
        "life_cycle",
        (
            ScheduleLine("1", "Time", quantity=Decimal(-2)),
            ScheduleLine("1", "Kurs", weight=Decimal("-1")),
            ScheduleLine("3", "Drift", quantity=Decimal("NaN"), per_municipality=True),
        ),
        period="fire år",
        discount_rate=Decimal(-1),
    )
    with pytest.raises(PriceScheduleError) as caught:
        evaluated_prices(schedule, {})
    assert _codes(caught) == [
        ("period_malformed", {"period": "fire år"}),
        ("rate_negative", {"rate": Decimal(-1)}),
        ("quantity_negative", {"line": "1", "item": "Time", "quantity": Decimal(-2)}),
        ("duplicate_line", {"line": "1", "item": "Kurs"}),
        ("weight_negative", {"line": "1", "item": "Kurs", "weight": Decimal(-1)}),
        (
            "not_a_number",
            {
                "line": "3",
                "item": "Drift",
                "what": "quantity",
                "value": caught.value.problems[5].values["value"],
            },
        ),
        ("no_municipalities", {"line": "3", "item": "Drift"}),
    ]


@pytest.mark.parametrize(
    ("schedule", "expected"),
    [
        (PriceSchedule("basket", ()), [("no_items", {})]),
        (PriceSchedule("kurv", (ScheduleLine("1", "Time"),)), [("unknown_method", {"method": "kurv"})]),
        (
            PriceSchedule("basket", (ScheduleLine("1", "Time"),), gaps="lowest"),
            [("unknown_gap_rule", {"gaps": "lowest"})],
        ),
        (
            PriceSchedule(
                "life_cycle", (ScheduleLine("1", "Time"),), period="4", discount_rate=Decimal("100.01")
            ),
            [("rate_too_high", {"rate": Decimal("100.01")})],
        ),
        (
            PriceSchedule(
                "life_cycle", (ScheduleLine("1", "Time"),), period="4", discount_rate=Decimal("sNaN")
            ),
            None,
        ),
        (
            PriceSchedule("basket", (ScheduleLine("1", "Time"),), discount_rate=Decimal(4)),
            [("rate_without_life_cycle", {"rate": Decimal(4)})],
        ),
        (
            PriceSchedule("average", (ScheduleLine("1", "Time", yearly=True),)),
            [("yearly_without_life_cycle", {"line": "1", "item": "Time"})],
        ),
        (
            PriceSchedule(
                "average", (ScheduleLine("1", "Time", weight=0), ScheduleLine("2", "Kurs", weight=0))
            ),
            [("weights_zero", {})],
        ),
        (
            PriceSchedule(
                "basket", (ScheduleLine("1", "Time", per_municipality=True),), municipalities=("4001", "4001")
            ),
            [("duplicate_municipality", {"municipality": "4001"})],
        ),
    ],
)
def test_each_schedule_problem_is_refused_with_its_code(
    schedule: PriceSchedule, expected: list[tuple[str, dict[str, Any]]] | None
) -> None:
    with pytest.raises(PriceScheduleError) as caught:
        evaluated_prices(schedule, {"A": {("1", None): 1}})
    if expected is None:  # a signalling NaN cannot be compared; its code and field are what matter
        (problem,) = caught.value.problems
        assert (problem.code, problem.values["what"]) == ("not_a_number", "rate")
    else:
        assert _codes(caught) == expected


def test_bad_amounts_in_bids_are_each_named_by_bid_line_and_municipality_and_nothing_is_computed() -> None:
    schedule = PriceSchedule(
        "basket",
        (ScheduleLine("1", "Time"), ScheduleLine("2", "Drift", per_municipality=True)),
        municipalities=("4001",),
        gaps="highest",
    )
    bids: dict[str, dict[Any, Any]] = {
        "A": {
            ("1", None): Decimal(-5),
            ("2", "4001"): Decimal("Infinity"),
            ("9", None): 1,
            ("2", None): 3,
            ("1", "4001"): 4,
            ("2", "5001"): 5,
        },
        "B": {("1", None): "12", ("2", "4001"): 7},
    }
    with pytest.raises(PriceScheduleError) as caught:
        evaluated_prices(schedule, bids)
    assert _codes(caught) == [
        ("amount_negative", {"bid": "A", "line": "1", "item": "Time", "municipality": None}),
        (
            "not_a_number",
            {
                "bid": "A",
                "line": "2",
                "item": "Drift",
                "municipality": "4001",
                "what": "amount",
                "value": Decimal("Infinity"),
            },
        ),
        ("unknown_line", {"bid": "A", "line": "9"}),
        ("municipality_missing", {"bid": "A", "line": "2", "item": "Drift", "municipality": None}),
        ("municipality_unknown", {"bid": "A", "line": "1", "item": "Time", "municipality": "4001"}),
        ("municipality_unknown", {"bid": "A", "line": "2", "item": "Drift", "municipality": "5001"}),
        (
            "not_a_number",
            {"bid": "B", "line": "1", "item": "Time", "municipality": None, "what": "amount", "value": "12"},
        ),
    ]


def test_no_bids_give_no_prices_but_the_schedule_is_still_checked() -> None:
    assert evaluated_prices(PriceSchedule("basket", (ScheduleLine("1", "Time"),)), {}).bids == {}
    with pytest.raises(PriceScheduleError):
        evaluated_prices(PriceSchedule("basket", ()), {})


# -- properties ----------------------------------------------------------------------------------------------
MUNICIPALITIES = ("4001", "4003", "4005")
_amounts = st.decimals(min_value=0, max_value=10**7, places=2, allow_nan=False, allow_infinity=False)


@st.composite
def _cases(draw: st.DrawFn, method: str | None = None) -> tuple[PriceSchedule, dict[str, dict[Any, Any]]]:
    method = method or draw(st.sampled_from(["life_cycle", "basket", "average"]))
    count = draw(st.integers(1, 5))
    lines = tuple(
        ScheduleLine(
            f"L{i}",
            f"Linje {i}",
            quantity=draw(st.decimals(min_value=0, max_value=1000, places=3)),
            weight=draw(st.integers(1, 5)),
            yearly=method == "life_cycle" and draw(st.booleans()),
            per_municipality=draw(st.booleans()),
        )
        for i in range(count)
    )
    schedule = PriceSchedule(
        method,
        lines,
        period=draw(st.sampled_from(["1", "4", "4+1+1", "2+2"])),
        municipalities=MUNICIPALITIES[: draw(st.integers(1, 3))],
        discount_rate=draw(st.none() | st.decimals(min_value=0, max_value=100, places=2))
        if method == "life_cycle"
        else None,
        gaps="highest",
    )
    cells = [
        (line.id, key)
        for line in lines
        for key in (schedule.municipalities if line.per_municipality else (None,))
    ]
    bids: dict[str, dict[Any, Any]] = {}
    for b in range(draw(st.integers(1, 4))):
        bids[f"B{b}"] = {cell: draw(_amounts) for cell in cells if draw(st.integers(0, 4))}
    for cell in cells:  # every line priced by someone
        if not any(cell in own for own in bids.values()):
            bids["B0"][cell] = draw(_amounts)
    return schedule, bids


_settings = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_settings
@given(_cases(), st.randoms(use_true_random=False))
def test_prices_do_not_depend_on_the_order_of_bids_lines_or_amounts(
    case: tuple[PriceSchedule, dict[str, dict[Any, Any]]], rnd: random.Random
) -> None:
    schedule, bids = case
    before = evaluated_prices(schedule, bids)
    lines = list(schedule.lines)
    rnd.shuffle(lines)
    order = list(bids)
    rnd.shuffle(order)
    shuffled = {b: dict(rnd.sample(list(bids[b].items()), len(bids[b]))) for b in order}
    after = evaluated_prices(
        PriceSchedule(
            schedule.method,
            tuple(lines),
            schedule.period,
            schedule.municipalities,
            schedule.discount_rate,
            schedule.gaps,
        ),
        shuffled,
    )
    assert after.prices() == before.prices()
    for bid in bids:
        assert sorted(after[bid].lines, key=repr) == sorted(before[bid].lines, key=repr)


@_settings
@given(_cases())
def test_the_price_is_exact_the_sum_of_its_lines_and_scales_exactly(
    case: tuple[PriceSchedule, dict[str, dict[Any, Any]]],
) -> None:
    schedule, bids = case
    result = evaluated_prices(schedule, bids)
    for bid, priced in result.bids.items():
        assert isinstance(priced.price, Fraction)
        assert priced.price == sum((a.contribution for a in priced.lines), Fraction(0))
        for a in priced.lines:
            assert a.contribution == a.amount * a.quantity * a.factor
            assert a.amount == (result.highest[(a.line, a.municipality)] if a.offered is None else a.offered)
            assert (a.offered is None) == ((a.line, a.municipality) not in bids[bid])
    # a price three times as high everywhere gives exactly three times the evaluated price (no rounding)
    tripled = {b: {cell: v * 3 for cell, v in own.items()} for b, own in bids.items()}
    assert evaluated_prices(schedule, tripled).prices() == {b: p * 3 for b, p in result.prices().items()}


@_settings
@given(_cases(), st.data())
def test_raising_any_amount_never_lowers_any_bids_evaluated_price(
    case: tuple[PriceSchedule, dict[str, dict[Any, Any]]], data: st.DataObject
) -> None:
    schedule, bids = case
    before = evaluated_prices(schedule, bids).prices()
    bid = data.draw(st.sampled_from(sorted(bids)))
    if not bids[bid]:
        return
    cell = data.draw(st.sampled_from(sorted(bids[bid], key=repr)))
    raised = {b: dict(own) for b, own in bids.items()}
    raised[bid][cell] += data.draw(st.decimals(min_value=0, max_value=10**5, places=2))
    after = evaluated_prices(schedule, raised).prices()
    # the bid's own price never falls; another bid's never falls either (its gap can only be filled higher)
    assert all(after[b] >= before[b] for b in bids)


@_settings
@given(
    _cases("life_cycle"),
    st.decimals(min_value=0, max_value=100, places=2),
    st.decimals(min_value=0, max_value=100, places=2),
)
def test_a_higher_discount_rate_never_raises_the_life_cycle_cost_and_rate_zero_is_undiscounted(
    case: tuple[PriceSchedule, dict[str, dict[Any, Any]]], r1: Decimal, r2: Decimal
) -> None:
    schedule, bids = case

    def at(rate: Decimal | None) -> dict[Any, Fraction]:
        return evaluated_prices(
            PriceSchedule(
                "life_cycle", schedule.lines, schedule.period, schedule.municipalities, rate, "highest"
            ),
            bids,
        ).prices()

    low, high = sorted((r1, r2))
    assert all(at(high)[b] <= at(low)[b] for b in bids)
    assert at(Decimal(0)) == at(None)
    # undiscounted and with every line quantity 1 and every bid complete, it is today's evaluated_total
    ones = tuple(
        ScheduleLine(line.id, line.name, yearly=line.yearly, per_municipality=line.per_municipality)
        for line in schedule.lines
    )
    plain = PriceSchedule("life_cycle", ones, schedule.period, schedule.municipalities, None, "highest")
    result = evaluated_prices(plain, bids)
    items = [ScheduleItem(line.id, line.name, line.yearly, line.per_municipality) for line in ones]
    for bid in bids:
        filled = {
            (a.line, a.municipality): Decimal(a.amount.numerator) / a.amount.denominator
            for a in result[bid].lines
        }
        assert evaluated_total(items, filled, schedule.period, schedule.municipalities) == result[bid].price


@_settings
@given(_cases())
def test_filling_the_gaps_by_hand_with_the_highest_price_changes_nothing(
    case: tuple[PriceSchedule, dict[str, dict[Any, Any]]],
) -> None:
    schedule, bids = case
    result = evaluated_prices(schedule, bids)
    complete = {b: {(a.line, a.municipality): a.amount for a in result[b].lines} for b in bids}
    again = evaluated_prices(
        PriceSchedule(
            schedule.method,
            schedule.lines,
            schedule.period,
            schedule.municipalities,
            schedule.discount_rate,
            "reject",
        ),
        complete,
    )
    assert again.prices() == result.prices()
    assert not any(again[b].filled for b in bids)


def test_discount_factors_refuse_a_bad_rate_and_are_all_one_without_a_rate() -> None:
    assert discount_factors(None, 3) == (1, 1, 1)
    assert discount_factors(0, 2) == (1, 1)
    assert discount_factors(100, 2) == (Fraction(1, 2), Fraction(1, 4))
    for rate, code in [
        (Decimal(-1), "rate_negative"),
        (101, "rate_too_high"),
        (Decimal("NaN"), "not_a_number"),
    ]:
        with pytest.raises(PriceScheduleError) as caught:
            discount_factors(rate, 3)
        assert [p.code for p in caught.value.problems] == [code]
