"""The scoring core's domain error: every problem found, each with the place it was found.

A problem carries a stable ``code`` and the ``values`` it is about (ids, weights, scores as exact
``Fraction``); it carries no sentence. The English wording below is for the command line and logs
(``str(problem)``, as the README shows for ``tender score``); the web layer words each code in
Norwegian (``tender.web.core_messages``), and a test there fails for a code it cannot word.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

Wording = Callable[[Mapping[str, Any]], str]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a scoring model or its bids.

    ``place`` uses the path of the JSON case format (``criteria[1].children[0].weight``,
    ``bids[2].scores.arkiv``) so the CLI, the web forms and the tests point at the same spot.
    """

    place: str
    code: str
    values: Mapping[str, Any] = field(default_factory=dict, hash=False)

    @property
    def message(self) -> str:
        """The problem in English, without its place."""
        return english(self.code, self.values)

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


def _quoted(ids: Iterable[str]) -> str:
    return ", ".join(f"'{i}'" for i in ids)


def _parts(parts: Iterable[tuple[str, Fraction]]) -> str:
    return " + ".join(f"{name} {show(weight)}" for name, weight in parts)


def _whole_points(v: Mapping[str, Any]) -> str:
    half = " or half" if v["half_points_allowed"] else ""
    return f"{show(v['score'])} is not allowed: only whole{half} points"


#: English wording of every code of the core, by code
ENGLISH: dict[str, Wording] = {
    # the criteria tree
    "scale_max_not_positive": lambda v: f"the scale maximum must be above 0, not {show(v['scale_max'])}",
    "no_criteria": lambda v: "there must be at least one criterion",
    "scale_step_negative": lambda v: f"the scale's step cannot be negative ({show(v['step'])})",
    "scale_step_and_half_points": lambda v: (
        f"allow_half_points says the step is 0.5, but scale_step says {show(v['step'])}: state one of them"
    ),
    "scale_step_not_dividing": lambda v: (
        f"the step {show(v['step'])} does not divide the scale 0–{show(v['scale_max'])} into whole steps"
    ),
    "min_score_on_price": lambda v: "a minimum score applies to quality criteria only, not to price",
    "min_score_off_scale": lambda v: (
        f"the minimum score {show(v['minimum'])} is outside the scale 0–{show(v['scale_max'])}"
    ),
    "min_quality_off_scale": lambda v: (
        f"the minimum weighted quality {show(v['minimum'])} is outside 0–{show(v['quality_max'])} "
        "(the most weighted quality points a bid can earn)"
    ),
    "level_sum": lambda v: (
        f"the weights on this level sum to {show(v['total'])}, not {v['expected']} ({_parts(v['parts'])})"
    ),
    "price_below_top": lambda v: (
        f"children inherit quality from '{v['parent']}'; the price criterion must be a top-level "
        "criterion without children"
    ),
    "criterion_id_missing": lambda v: "a criterion needs an id",
    "criterion_id_duplicate": lambda v: f"the id '{v['id']}' is already used at {v['other_place']}",
    "weight_negative": lambda v: f"a weight cannot be negative ({show(v['weight'])})",
    "range_inverted": lambda v: f"the range minimum {show(v['low'])} is above its maximum {show(v['high'])}",
    "weight_outside_range": lambda v: (
        f"the weight {show(v['weight'])} is outside the announced range {show(v['low'])}–{show(v['high'])}"
    ),
    "method_on_quality": lambda v: "only the price criterion has a price method",
    "second_price_criterion": lambda v: (
        f"there is already a price criterion '{v['other']}' at {v['other_place']}"
    ),
    "price_with_children": lambda v: "the price criterion cannot have sub-criteria",
    "price_normalised": lambda v: "normalisation applies to quality criteria only",
    "price_method_missing": lambda v: f"the price criterion needs a price method ({', '.join(v['known'])})",
    "price_weighted": lambda v: (
        f"with '{v['method']}' the price is not weighted: set the price criterion's weight to 0 "
        f"(it is {show(v['weight'])}) and let the quality criteria carry the whole level"
    ),
    # price methods
    "price_method_unknown": lambda v: (
        f"unknown price method '{v['method']}' (known: {', '.join(v['known'])})"
    ),
    "price_parameter_unexpected": lambda v: (
        f"the price method '{v['method']}' takes no parameter '{v['parameter']}'"
    ),
    "price_parameter_missing": lambda v: (
        f"the price method '{v['method']}' needs '{v['parameter']}' ({_rule(v['parameter'], v['above'])})"
    ),
    "price_parameter_too_large": lambda v: (
        f"{v['parameter']} is {show(v['value'])}; it can be at most {show(v['at_most'])} (above it "
        f"'{v['method']}' would let quality buy a negative price)"
    ),
    "price_parameter_too_small": lambda v: (
        f"{v['parameter']} is {show(v['value'])}; it must be {_rule(v['parameter'], v['above'])}"
    ),
    # scores and bids
    "score_off_scale": lambda v: f"{show(v['score'])} is outside the scale 0–{show(v['scale_max'])}",
    "score_not_whole": _whole_points,
    "half_points_not_allowed": lambda v: (
        f"{show(v['score'])} is a half point, but half points are not allowed (allow_half_points is false)"
    ),
    "score_off_step": lambda v: f"{show(v['score'])} is not on the scale's step of {show(v['step'])}",
    "consensus_not_mean": lambda v: (
        f"the consensus rule is the mean of the individual scores: {show(v['mean'])}, not {show(v['score'])}"
    ),
    "bid_id_missing": lambda v: "a bid needs an id",
    "bid_id_duplicate": lambda v: f"the id '{v['id']}' is already used by bids[{v['other_index']}]",
    "rejection_reason_missing": lambda v: "a rejected bid needs its reason recorded",
    "price_missing": lambda v: "a price is required (the model has a price criterion)",
    "price_not_positive": lambda v: f"the price must be above 0, not {show(v['price'])}",
    "score_unknown_criterion": lambda v: f"there is no criterion '{v['criterion']}' in the model",
    "score_on_price": lambda v: f"'{v['criterion']}' is the price criterion: it is scored from the price",
    "score_on_group": lambda v: (
        f"'{v['criterion']}' has sub-criteria; score those instead ({', '.join(v['children'])})"
    ),
    "consensus_missing": lambda v: f"missing consensus score for {_quoted(v['criteria'])}",
    "unknown_bid": lambda v: f"there is no bid '{v['bid']}'",
    "tie_break_twice": lambda v: f"'{v['bid']}' is listed twice",
    "not_a_quality_leaf": lambda v: f"'{v['criterion']}' is not a quality leaf criterion",
    # warnings: lawful, but worth a second look
    "price_method_caution": lambda v: f"{v['method']}: {v['caution']}",
    "announced_range_wide": lambda v: (
        f"the announced range {show(v['low'])}–{show(v['high'])} is wider than ±10 percentage points"
    ),
    "evaluated_price_negative": lambda v: (
        f"'{v['bid']}' has a negative evaluated price ({show(v['evaluated_price'])}) under '{v['method']}': "
        "its quality is worth more than its price"
    ),
    "unmet_requirement_not_rejected": lambda v: (
        f"'{v['bid']}' does not meet minimum requirement {v['requirement']} but is not rejected"
    ),
    # notes of the sensitivity analysis: why a figure is missing
    "no_single_winner": lambda v: (
        "no single winner (an unresolved tie at the top, or no bids): weights not analysed"
    ),
    "price_not_weighted": lambda v: (
        "price is not weighted: it enters the evaluated price (value for money, surcharge or deduction)"
    ),
    "only_weighted_criterion": lambda v: "the only weighted criterion on its level",
    "cannot_win_on_price": lambda v: "cannot win on price alone",
}


def _rule(parameter: str, above: Fraction) -> str:
    # the two parameters have always been worded differently; the CLI keeps its words
    return f"greater than {show(above)}" if parameter == "k" else f"more than {show(above)}"


def english(code: str, values: Mapping[str, Any]) -> str:
    """The English sentence for ``code`` with its ``values``."""
    return ENGLISH[code](values)
