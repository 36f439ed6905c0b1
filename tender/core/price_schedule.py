"""The price schedule (prisskjema): one-off and yearly items, optionally per municipality, and the contract
period (e.g. "4+1+1" years, options included) → the evaluated total cost a price method scores.

Pure and exact: amounts are Decimal in, Fraction out; nothing rounded.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence
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
