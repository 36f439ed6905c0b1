"""The cost split (kostnadsfordeling): the contract price shared among the bound municipalities by a key.

Keys:

- ``population``: each municipality's share is its population over the sum of the populations;
- ``equal``: every municipality the same share;
- ``fixed_plus_population``: ``fixed_percent`` of the total is split equally, the rest by population;
- ``custom``: a percentage per municipality; the percentages must sum to exactly 100.

Exact to the øre, always summing to the total. The shares are computed exactly (``Fraction``), each is
rounded DOWN to the øre, and the øre left over (fewer than the number of municipalities) go one each to the
municipalities with the LARGEST remainder first (the part of an øre that was cut off); municipalities with the
same remainder are taken by kommunenummer ascending. The rule is deterministic and never moves more than one
øre to anybody; a larger exact share never pays less (so with a key by population a larger population never
pays less, but with a fixed part of 100 % every share is equal and the øre left over go by kommunenummer).

Pure: nothing here knows the database or the web; problems come back as codes (``SplitProblem``) the web
layer words in Norwegian, like ``price_schedule.PriceProblem``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from tender.core.price_schedule import contract_years

KEYS = ("population", "equal", "fixed_plus_population", "custom")

#: the remainder rule in words, shown on the page, in the workbook and in the snapshot
REMAINDER_RULE = (
    "Hver andel rundes ned til nærmeste øre. Øre som blir til overs, gis én hver til kommunene med størst "
    "avrundingsrest først; ved lik rest går kommunen med lavest kommunenummer først."
)

_ORE = Decimal("0.01")


@dataclass(frozen=True)
class SplitProblem:
    """One reason a split cannot be made: a stable ``code`` and the ``values`` it is about."""

    code: str
    values: Mapping[str, Any] = dataclasses.field(default_factory=dict, hash=False)

    def __str__(self) -> str:
        return f"{self.code} {dict(self.values)}" if self.values else self.code


class CostSplitError(ValueError):
    """The key or the amounts cannot be used; ``problems`` lists every reason."""

    def __init__(self, problems: Sequence[SplitProblem]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(str(p) for p in self.problems))


@dataclass(frozen=True)
class Party:
    """A municipality taking part in the split."""

    kommunenummer: str
    population: int


@dataclass(frozen=True)
class MunicipalityCost:
    """One municipality's part: its exact key share, and in kroner its one-off cost, its yearly cost (the
    same every contract year) and its total over the whole contract period (options included)."""

    kommunenummer: str
    share: Fraction
    one_off: Decimal
    yearly: Decimal
    total: Decimal


def weights(
    key: str,
    parties: Sequence[Party],
    *,
    fixed_percent: Decimal | None = None,
    percents: Mapping[str, Decimal] | None = None,
) -> dict[str, Fraction]:
    """Each municipality's exact share of the total (the shares sum to exactly 1), by kommunenummer."""
    problems: list[SplitProblem] = []
    if key not in KEYS:
        raise CostSplitError([SplitProblem("key_unknown", {"key": key})])
    if not parties:
        raise CostSplitError([SplitProblem("no_municipalities")])
    n = len(parties)
    population = sum(p.population for p in parties)
    if any(p.population < 0 for p in parties):
        problems.append(SplitProblem("population_negative"))
    if key == "equal":
        return {p.kommunenummer: Fraction(1, n) for p in parties}
    if key == "custom":
        given = percents or {}
        total = Fraction(0)
        for p in parties:
            value = given.get(p.kommunenummer)
            if value is None:
                problems.append(SplitProblem("custom_missing", {"municipality": p.kommunenummer}))
            elif value < 0:
                problems.append(SplitProblem("custom_negative", {"municipality": p.kommunenummer}))
            else:
                total += Fraction(value)
        if not problems and total != 100:
            given_sum = sum((given[p.kommunenummer] for p in parties), Decimal(0))
            problems.append(SplitProblem("custom_not_100", {"sum": given_sum}))
        if problems:
            raise CostSplitError(problems)
        return {p.kommunenummer: Fraction(given[p.kommunenummer]) / 100 for p in parties}
    fixed = Fraction(0)
    if key == "fixed_plus_population":
        if fixed_percent is None or not (0 <= fixed_percent <= 100):
            problems.append(SplitProblem("fixed_percent_out_of_range", {"percent": fixed_percent}))
        else:
            fixed = Fraction(fixed_percent) / 100
    if population <= 0 and fixed != 1:
        problems.append(SplitProblem("population_zero"))
    if problems:
        raise CostSplitError(problems)
    return {
        p.kommunenummer: fixed / n
        + ((1 - fixed) * Fraction(p.population, population) if population > 0 else Fraction(0))
        for p in parties
    }


def split(amount: Decimal, shares: Mapping[str, Fraction]) -> dict[str, Decimal]:
    """``amount`` (kroner with øre, ≥ 0) shared exactly by ``shares`` (summing to 1), by kommunenummer: each
    share rounded down to the øre, the øre left over by the largest remainder first, ties by kommunenummer
    ascending. The parts always sum to ``amount``."""
    if amount < 0:
        raise CostSplitError([SplitProblem("amount_negative", {"amount": amount})])
    if amount != amount.quantize(_ORE):
        raise CostSplitError([SplitProblem("amount_not_in_ore", {"amount": amount})])
    if sum(shares.values(), Fraction(0)) != 1:
        raise CostSplitError([SplitProblem("shares_not_whole")])
    ore = int(amount * 100)
    floors: dict[str, int] = {}
    rests: dict[str, Fraction] = {}
    for number, share in shares.items():
        exact = ore * share
        floors[number] = exact.numerator // exact.denominator
        rests[number] = exact - floors[number]
    left = ore - sum(floors.values())
    for number in sorted(shares, key=lambda k: (-rests[k], k))[:left]:
        floors[number] += 1
    return {number: Decimal(value) / 100 for number, value in floors.items()}


def municipality_costs(
    key: str,
    parties: Sequence[Party],
    *,
    one_off: Decimal,
    yearly: Decimal,
    period: str,
    own_one_off: Mapping[str, Decimal] | None = None,
    own_yearly: Mapping[str, Decimal] | None = None,
    fixed_percent: Decimal | None = None,
    percents: Mapping[str, Decimal] | None = None,
) -> list[MunicipalityCost]:
    """Per municipality (in the order of ``parties``): the common one-off and yearly amounts shared by the
    key, plus what was priced for that municipality alone (``own_*``, by kommunenummer), and the total over
    the contract period ``period`` ("4+1+1": the yearly cost counted for every year, options included)."""
    years = sum(contract_years(period))
    shares = weights(key, parties, fixed_percent=fixed_percent, percents=percents)
    common_one_off = split(one_off, shares)
    common_yearly = split(yearly, shares)
    found = []
    for p in parties:
        first = common_one_off[p.kommunenummer] + (own_one_off or {}).get(p.kommunenummer, Decimal(0))
        every_year = common_yearly[p.kommunenummer] + (own_yearly or {}).get(p.kommunenummer, Decimal(0))
        found.append(
            MunicipalityCost(
                kommunenummer=p.kommunenummer,
                share=shares[p.kommunenummer],
                one_off=first,
                yearly=every_year,
                total=first + every_year * years,
            )
        )
    return found
