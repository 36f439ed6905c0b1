"""The scoring core's domain error: every problem found, each with the place it was found."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a scoring model or its bids.

    ``place`` uses the path of the JSON case format (``criteria[1].children[0].weight``,
    ``bids[2].scores.arkiv``) so the CLI, the web forms and the tests point at the same spot.
    """

    place: str
    message: str

    def __str__(self) -> str:
        return f"{self.place}: {self.message}" if self.place else self.message


class ScoringError(ValueError):
    """The model or the bids break a rule; ``problems`` lists every one found, not only the first."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(str(p) for p in self.problems))


def show(value: Fraction, places: int = 6) -> str:
    """An exact number for a message: integers as integers, others to at most ``places`` decimals."""
    if value.denominator == 1:
        return str(value.numerator)
    scaled = round(value * 10**places)  # an int: round-half-even at the last place
    digits = f"{abs(scaled):0{places + 1}d}"
    whole, decimals = digits[:-places], digits[-places:].rstrip("0")
    return ("-" if scaled < 0 else "") + whole + ("." + decimals if decimals else "")
