"""The price schedule (prisskjema): one-off and yearly items, optionally per municipality, and the contract
period (e.g. "4+1+1" years, options included) → the evaluated total cost a price method scores.

Pure and exact: amounts are Decimal in, Fraction out; nothing rounded.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

_PERIOD = re.compile(r"^\s*[1-9][0-9]?(\s*\+\s*[1-9][0-9]?)*\s*$")


class PriceScheduleError(ValueError):
    """Something is missing or wrong in a price schedule; ``problems`` lists every reason (Norwegian)."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(self.problems))


@dataclass(frozen=True)
class ScheduleItem:
    id: str
    name: str
    yearly: bool
    per_municipality: bool = False


def contract_years(period: str) -> tuple[int, ...]:
    """The periods of a contract, "4+1+1" → (4, 1, 1); raises PriceScheduleError when not of that shape."""
    if not _PERIOD.match(period or ""):
        raise PriceScheduleError([f"Kontraktsperioden «{period}» må skrives som år, f.eks. 4 eller 4+1+1."])
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
    problems: list[str] = []
    total = Fraction(0)
    for item in items:
        keys: list[str | None] = list(municipalities) if item.per_municipality else [None]
        for key in keys:
            amount = amounts.get((item.id, key))
            where = item.name + (f" ({key})" if key else "")
            if amount is None:
                problems.append(f"Mangler beløp for «{where}».")
                continue
            if amount < 0:
                problems.append(f"Beløpet for «{where}» kan ikke være negativt.")
                continue
            total += Fraction(amount) * (years if item.yearly else 1)
    if not items:
        problems.append("Prisskjemaet har ingen poster.")
    if problems:
        raise PriceScheduleError(problems)
    return total
