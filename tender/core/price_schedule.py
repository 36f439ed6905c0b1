"""The price schedule (prisskjema): one-off and yearly items, optionally per municipality, and the contract
period (e.g. "4+1+1" years, options included) → the evaluated total cost a price method scores.

``evaluated_total`` is the web app's undiscounted life-cycle cost of one bid. ``evaluated_prices`` makes the
evaluated price of every bid at once under a ``PriceSchedule`` as announced (issue 16): a life-cycle cost
(optionally discounted), a basket (Σ quantity × unit price) or an average over lines (optionally weighted),
with a stated rule for lines a bid leaves without a price, and returns how each line enters each price.

Pure and exact: amounts are Decimal (or Fraction) in, Fraction out; nothing rounded.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

_PERIOD = re.compile(r"^\s*[1-9][0-9]?(\s*\+\s*[1-9][0-9]?)*\s*$")


@dataclass(frozen=True)
class PriceProblem:
    """One thing missing or wrong in a price schedule: a stable ``code`` and the ``values`` it is about;
    the web layer words it in Norwegian (``tender.web.spec_messages``)."""

    code: str
    values: Mapping[str, Any] = dataclasses.field(default_factory=dict, hash=False)

    def __str__(self) -> str:
        return f"{self.code} {dict(self.values)}" if self.values else self.code


class PriceScheduleError(ValueError):
    """Something is missing or wrong in a price schedule; ``problems`` lists every reason."""

    def __init__(self, problems: Sequence[PriceProblem]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(str(p) for p in self.problems))


@dataclass(frozen=True)
class ScheduleItem:
    id: str
    name: str
    yearly: bool
    per_municipality: bool = False


def contract_years(period: str) -> tuple[int, ...]:
    """The periods of a contract, "4+1+1" → (4, 1, 1); raises PriceScheduleError when not of that shape."""
    if not _PERIOD.match(period or ""):
        raise PriceScheduleError([PriceProblem("period_malformed", {"period": period})])
    return tuple(int(p) for p in period.split("+"))


def evaluated_total(
    items: Sequence[ScheduleItem],
    amounts: Mapping[tuple[str, str | None], Decimal],
    period: str,
    municipalities: Sequence[str] = (),
) -> Fraction:
    """Σ one-off amounts + Σ yearly amounts × the whole contract period (options included).

    ``amounts`` is keyed by (item id, kommunenummer or None); a per-municipality item needs one amount
    per municipality. Raises PriceScheduleError naming every missing or negative amount.
    """
    years = sum(contract_years(period))
    problems: list[PriceProblem] = []
    total = Fraction(0)
    for item in items:
        keys: list[str | None] = list(municipalities) if item.per_municipality else [None]
        for key in keys:
            amount = amounts.get((item.id, key))
            where = {"item": item.name, "municipality": key}
            if amount is None:
                problems.append(PriceProblem("amount_missing", where))
                continue
            if amount < 0:
                problems.append(PriceProblem("amount_negative", where))
                continue
            total += Fraction(amount) * (years if item.yearly else 1)
    if not items:
        problems.append(PriceProblem("no_items"))
    if problems:
        raise PriceScheduleError(problems)
    return total


# -- the price schedule as the evaluated price (issue 16) ----------------------------------------------------
#: how a schedule makes one evaluated price of a bid's lines
METHODS = ("life_cycle", "basket", "average")
#: what a line a bid leaves without a price counts as
GAP_RULES = ("highest", "reject")

Number = Decimal | Fraction | int
#: where a bid's amount belongs: (line id, kommunenummer, or None for a line priced once)
Cell = tuple[str, str | None]
BidId = Hashable


@dataclass(frozen=True)
class ScheduleLine:
    """One line of a price schedule.

    ``quantity`` multiplies the unit price (basket and life-cycle cost; 1 when not stated); ``weight`` is the
    line's weight in an average over lines (1 each when not stated); ``yearly`` marks a yearly amount of a
    life-cycle cost (one-off otherwise); a ``per_municipality`` line is priced once per municipality of the
    schedule, each with the line's quantity (and, in an average, each municipality's price is a term of its
    own with the line's weight).
    """

    id: str
    name: str
    quantity: Number = 1
    weight: Number = 1
    yearly: bool = False
    per_municipality: bool = False


@dataclass(frozen=True)
class PriceSchedule:
    """How the evaluated price is made of a bid's schedule lines, as announced.

    - ``life_cycle``: Σ one-off quantity × price + Σ yearly quantity × price × Σₜ₌₁..N 1/(1 + r/100)ᵗ,
      N the whole period ("4+1+1" → 6 years, options included), r the discount rate in percent (none: 0).
    - ``basket``: Σ quantity × unit price over the lines.
    - ``average``: Σ weight × price / Σ weight over the lines (all weights 1: the arithmetic mean).

    ``gaps`` says what a line a bid leaves without a price counts as: ``highest`` = the highest price any
    bid offers on that line (KOFA 2011/70); ``reject`` = the bid is incomplete and the schedule refuses it.
    """

    method: str
    lines: tuple[ScheduleLine, ...]
    period: str = ""
    municipalities: tuple[str, ...] = ()
    discount_rate: Number | None = None
    gaps: str = "reject"


@dataclass(frozen=True)
class LineAmount:
    """How one line (one municipality's price of a per-municipality line) enters a bid's evaluated price:
    ``contribution`` = ``amount`` × ``quantity`` × ``factor``, and the contributions sum to the price.

    ``offered`` is what the bid offered (None: a gap, ``amount`` then the value it was filled with);
    ``quantity`` is the line's quantity (in an average: its weight); ``factor`` is 1 for a basket line and a
    one-off amount, Σₜ 1/(1 + r/100)ᵗ over the ``years`` of the period for a yearly amount (= ``years`` when
    undiscounted), and 1 / Σ weight in an average.
    """

    line: str
    name: str
    municipality: str | None
    offered: Fraction | None
    amount: Fraction
    quantity: Fraction
    factor: Fraction
    contribution: Fraction
    years: int | None = None

    @property
    def filled(self) -> bool:
        """The bid left this line without a price, and the gap rule filled it."""
        return self.offered is None


@dataclass(frozen=True)
class BidPrice:
    """A bid's evaluated price and the line-by-line breakdown that makes it."""

    bid: BidId
    price: Fraction
    lines: tuple[LineAmount, ...]

    @property
    def filled(self) -> tuple[LineAmount, ...]:
        """The lines the gap rule filled."""
        return tuple(line for line in self.lines if line.filled)


@dataclass(frozen=True)
class EvaluatedPrices:
    """Every bid's evaluated price under one schedule, with the highest price offered on every line."""

    schedule: PriceSchedule
    bids: Mapping[BidId, BidPrice]
    highest: Mapping[Cell, Fraction]

    def __getitem__(self, bid: BidId) -> BidPrice:
        return self.bids[bid]

    def prices(self) -> dict[BidId, Fraction]:
        """Bid → evaluated price."""
        return {bid: priced.price for bid, priced in self.bids.items()}


def _exact(value: object) -> Fraction | None:
    """A finite Decimal, Fraction or int as a Fraction; None for anything else (NaN, infinity, text, bool)."""
    if isinstance(value, bool) or not isinstance(value, (Decimal, Fraction, int)):
        return None
    if isinstance(value, Decimal) and not value.is_finite():
        return None
    return Fraction(value)


def _rate_problem(rate: object) -> PriceProblem | None:
    """What is wrong with a discount rate in percent (0 ≤ r ≤ 100), or None."""
    exact = _exact(rate)
    if exact is None:
        return PriceProblem("not_a_number", {"what": "rate", "value": rate})
    if exact < 0:
        return PriceProblem("rate_negative", {"rate": rate})
    if exact > 100:
        return PriceProblem("rate_too_high", {"rate": rate})
    return None


def discount_factors(rate: Number | None, years: int) -> tuple[Fraction, ...]:
    """1/(1 + r/100)ᵗ for t = 1..years, r in percent; all 1 when the rate is 0 or None."""
    if rate is None:
        return (Fraction(1),) * years
    problem = _rate_problem(rate)
    if problem is not None:
        raise PriceScheduleError([problem])
    growth = 1 + Fraction(rate) / 100
    return tuple(1 / growth**t for t in range(1, years + 1))


def _cells(schedule: PriceSchedule) -> list[tuple[ScheduleLine, str | None]]:
    return [
        (line, key)
        for line in schedule.lines
        for key in (schedule.municipalities if line.per_municipality else (None,))
    ]


def _schedule_problems(schedule: PriceSchedule) -> tuple[list[PriceProblem], int]:
    """Every problem of the schedule itself (not of a bid), and the period's years for a life-cycle cost."""
    problems: list[PriceProblem] = []
    years = 0
    if schedule.method not in METHODS:
        problems.append(PriceProblem("unknown_method", {"method": schedule.method}))
    if schedule.gaps not in GAP_RULES:
        problems.append(PriceProblem("unknown_gap_rule", {"gaps": schedule.gaps}))
    if not schedule.lines:
        problems.append(PriceProblem("no_items"))
    if schedule.method == "life_cycle":
        try:
            years = sum(contract_years(schedule.period))
        except PriceScheduleError as error:
            problems += error.problems
    if schedule.discount_rate is not None:
        rate_problem = _rate_problem(schedule.discount_rate)
        if schedule.method != "life_cycle":
            problems.append(PriceProblem("rate_without_life_cycle", {"rate": schedule.discount_rate}))
        elif rate_problem is not None:
            problems.append(rate_problem)
    seen_municipalities: set[str] = set()
    for municipality in schedule.municipalities:
        if municipality in seen_municipalities:
            problems.append(PriceProblem("duplicate_municipality", {"municipality": municipality}))
        seen_municipalities.add(municipality)
    seen: set[str] = set()
    for line in schedule.lines:
        where = {"line": line.id, "item": line.name}
        if line.id in seen:
            problems.append(PriceProblem("duplicate_line", where))
        seen.add(line.id)
        quantity, weight = _exact(line.quantity), _exact(line.weight)
        if quantity is None:
            problems.append(
                PriceProblem("not_a_number", {**where, "what": "quantity", "value": line.quantity})
            )
        elif quantity < 0:
            problems.append(PriceProblem("quantity_negative", {**where, "quantity": line.quantity}))
        if weight is None:
            problems.append(PriceProblem("not_a_number", {**where, "what": "weight", "value": line.weight}))
        elif weight < 0:
            problems.append(PriceProblem("weight_negative", {**where, "weight": line.weight}))
        if line.yearly and schedule.method != "life_cycle":
            problems.append(PriceProblem("yearly_without_life_cycle", where))
        if line.per_municipality and not schedule.municipalities:
            problems.append(PriceProblem("no_municipalities", where))
    if schedule.method == "average" and schedule.lines and not problems:
        if sum(_exact(line.weight) or 0 for line, _ in _cells(schedule)) == 0:
            problems.append(PriceProblem("weights_zero"))
    return problems, years


def evaluated_prices(
    schedule: PriceSchedule, bids: Mapping[BidId, Mapping[Cell, Number | None]]
) -> EvaluatedPrices:
    """Every bid's evaluated price under the schedule, exact, with how each line enters it.

    ``bids`` holds every bid that is evaluated (rejected bids left out: a gap is filled from the bids given),
    each keyed by (line id, kommunenummer or None); a missing key or None is a gap. Raises
    PriceScheduleError listing every problem of the schedule and of the bids, each naming its place.
    """
    problems, years = _schedule_problems(schedule)
    if problems:
        raise PriceScheduleError(problems)
    cells = _cells(schedule)
    lines = {line.id: line for line in schedule.lines}
    offered: dict[BidId, dict[Cell, Fraction]] = {}
    priced: set[Cell] = set()
    given: set[tuple[BidId, str, str | None]] = set()
    for bid, amounts in bids.items():
        offered[bid] = {}
        for place, value in amounts.items():
            line_id, municipality = place if isinstance(place, tuple) and len(place) == 2 else (place, None)
            line = lines.get(line_id)
            if line is None:
                problems.append(PriceProblem("unknown_line", {"bid": bid, "line": line_id}))
                continue
            where = {"bid": bid, "line": line.id, "item": line.name, "municipality": municipality}
            if line.per_municipality and municipality is None:
                problems.append(PriceProblem("municipality_missing", where))
                continue
            if municipality is not None and (
                not line.per_municipality or municipality not in schedule.municipalities
            ):
                problems.append(PriceProblem("municipality_unknown", where))
                continue
            if value is None:
                continue
            priced.add((line.id, municipality))
            given.add((bid, line.id, municipality))
            amount = _exact(value)
            if amount is None:
                problems.append(PriceProblem("not_a_number", {**where, "what": "amount", "value": value}))
            elif amount < 0:
                problems.append(PriceProblem("amount_negative", where))
            else:
                offered[bid][(line.id, municipality)] = amount
    highest: dict[Cell, Fraction] = {}
    for line, key in cells:
        cell = (line.id, key)
        amounts_offered = [own[cell] for own in offered.values() if cell in own]
        if amounts_offered:
            highest[cell] = max(amounts_offered)
        elif bids and cell not in priced:
            problems.append(
                PriceProblem("line_unpriced", {"line": line.id, "item": line.name, "municipality": key})
            )
    if schedule.gaps == "reject":
        for bid in bids:
            for line, key in cells:
                if (bid, line.id, key) not in given and (line.id, key) in highest:
                    where = {"bid": bid, "line": line.id, "item": line.name, "municipality": key}
                    problems.append(PriceProblem("amount_missing", where))
    if problems:
        raise PriceScheduleError(problems)
    factors = discount_factors(schedule.discount_rate, years)
    total_weight = sum((Fraction(line.weight) for line, _ in cells), Fraction(0))
    result: dict[BidId, BidPrice] = {}
    for bid in bids:
        breakdown = []
        for line, key in cells:
            cell = (line.id, key)
            own = offered[bid].get(cell)
            amount = highest[cell] if own is None else own
            if schedule.method == "average":
                quantity, factor, span = Fraction(line.weight), 1 / total_weight, None
            elif schedule.method == "life_cycle" and line.yearly:
                quantity, factor, span = Fraction(line.quantity), sum(factors, Fraction(0)), years
            else:
                quantity, factor, span = Fraction(line.quantity), Fraction(1), None
            breakdown.append(
                LineAmount(
                    line.id, line.name, key, own, amount, quantity, factor, amount * quantity * factor, span
                )
            )
        result[bid] = BidPrice(bid, sum((b.contribution for b in breakdown), Fraction(0)), tuple(breakdown))
    return EvaluatedPrices(schedule, result, highest)
