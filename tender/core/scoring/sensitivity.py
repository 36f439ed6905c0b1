"""How robust is the award? Weight ranges that keep the winner, and price cuts that would change it.

Both answers are exact. Points never depend on the weights, so when one criterion's share is set
to w and its siblings are rescaled proportionally (the level still sums to 100 %), every bid's
total — and its evaluated price under every method that ranks by evaluated price (value for money in
both forms, the percentage surcharge and deduction: each affine in the weighted quality Q, with Qmax
unchanged as the weights move) — is linear in w: each leaf's path weight holds at most one factor from
that level (see ``merit_line``). The winner stays the winner where every difference ``winner − other``
is ≥ 0: an intersection of half-lines, solved directly; at an end the winner ties exactly.

Price cuts are found by bisection to the cent over the exact scoring of the changed competition,
because a cut can move Pb (or Ph) and with it everybody's price points. Bisection is sound here:
for every registered method a lower price never lowers the bid's own points and never raises
anybody else's, so "this cut makes it win" flips only once as the cut grows. For the methods that rank
by evaluated price the cut is the price change that would change the winner: a bid's evaluated price
depends on its own price and quality only, never on the others' prices, and never rises when its own
price falls — value for money moves it one for one, the surcharge by the factor 1 + S·(1 − q) > 0, the
deduction by 1 − D·q ≥ 0 (D ≤ 100 %, refused above).

Quality thresholds: a bid below one is rejected by ``evaluate`` before it is ranked, so both analyses
cover the bids that passed the thresholds; neither weights nor price cuts re-judge a threshold.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

from tender.core.scoring import (
    BidResult,
    CriterionKind,
    EvaluationResult,
    PlacedCriterion,
    PriceContext,
    ScoringModel,
    rank_by_merit,
    tie_keys,
)
from tender.core.scoring.errors import english


@dataclass(frozen=True)
class WeightSensitivity:
    """The range of one criterion's share of its level within which the current winner stays."""

    criterion_id: str
    current: Fraction  #: the share now, 0–1
    low: Fraction | None  #: None when the question does not apply (see ``note_code``)
    high: Fraction | None
    overtaken_below_by: str | None  #: the bid that wins just below ``low``; None when low is 0
    overtaken_above_by: str | None  #: the bid that wins just above ``high``; None when high is 1
    #: True/False when an announced weight range is given: does the winner hold over all of it?
    holds_over_announced_range: bool | None
    #: why a figure is missing, as a code worded like a problem's ("" when nothing is missing)
    note_code: str = ""

    @property
    def note(self) -> str:
        """The note in English, for the command line."""
        return english(self.note_code, {}) if self.note_code else ""


@dataclass(frozen=True)
class PriceSensitivity:
    """The smallest cut in one bid's price, others held fixed, that makes it the sole winner."""

    bid_id: str
    price: Fraction
    reduction: Fraction | None  #: NOK, to the cent; None when no price above 0 would do
    reduction_percent: Fraction | None  #: of its own price
    #: why a figure is missing, as a code worded like a problem's ("" when nothing is missing)
    note_code: str = ""

    @property
    def note(self) -> str:
        """The note in English, for the command line."""
        return english(self.note_code, {}) if self.note_code else ""


@dataclass(frozen=True)
class Sensitivity:
    winner: str | None
    weights: tuple[WeightSensitivity, ...]
    prices: tuple[PriceSensitivity, ...]
    #: why a figure is missing, as a code worded like a problem's ("" when nothing is missing)
    note_code: str = ""

    @property
    def note(self) -> str:
        """The note in English, for the command line."""
        return english(self.note_code, {}) if self.note_code else ""


def sensitivity(result: EvaluationResult) -> Sensitivity:
    """Weight ranges for every criterion and price cuts for every bid that is not the sole winner."""
    note = "" if result.winner else "no_single_winner"
    weights = tuple(weight_sensitivity(result, p) for p in result.model.placed) if result.winner else ()
    return Sensitivity(result.winner, weights, price_sensitivity(result), note)


# --- weights -------------------------------------------------------------------------------------


def merit_line(model: ScoringModel, bid: BidResult, node: PlacedCriterion) -> tuple[Fraction, Fraction]:
    """The bid's merit as ``a + b·w`` when ``node`` gets the share w and its siblings are rescaled.

    Merit is the total, or minus the evaluated price under value for money (higher is better).
    A group's points are the share-weighted mean of its children's, so only ``node``'s level
    moves: its contribution ``P·(w·p_node + (1 − w)·s)``, with P the parent's path weight and s the
    siblings' points per unit of their combined share, replaces the one at the current weights.
    """
    assert bid.total is not None, "only bids in the competition have a merit"

    def points(criterion_id: str) -> Fraction:
        return bid.criteria[criterion_id].points or Fraction(0)  # price under value for money

    parent = model.get(node.parent_id).path_weight if node.parent_id else Fraction(1)
    others = sum((model.get(s).share * points(s) for s in node.siblings if s != node.id), Fraction(0))
    level_now = parent * (node.share * points(node.id) + others)
    spread = others / (1 - node.share)
    fixed, slope = bid.total - level_now + parent * spread, parent * (points(node.id) - spread)
    method = model.price_method
    if method is None or not method.ranks_by_evaluated_price or bid.bid.price is None:
        return fixed, slope
    # the total is the weighted quality here; the evaluated price is affine in it
    at0 = method.evaluated_price(bid.bid.price, fixed, model.quality_max)
    at1 = method.evaluated_price(bid.bid.price, fixed + slope, model.quality_max)
    assert at0 is not None and at1 is not None  # ranks_by_evaluated_price promises them
    return -at0, at0 - at1


def _not_applicable(node: PlacedCriterion, result: EvaluationResult) -> str:
    method = result.model.price_method
    if node.kind is CriterionKind.PRICE and method is not None and method.ranks_by_evaluated_price:
        return "price_not_weighted"
    if node.share == 1:
        return "only_weighted_criterion"
    return ""


def weight_sensitivity(result: EvaluationResult, node: PlacedCriterion) -> WeightSensitivity:
    """The exact share range of ``node`` (0–1) within which ``result.winner`` stays the winner.

    At an end of the range the winner ties with the bid named as overtaking there.
    """
    why_not = _not_applicable(node, result)
    if why_not or result.winner is None:
        return WeightSensitivity(node.id, node.share, None, None, None, None, None, why_not)
    model = result.model
    win_fixed, win_slope = merit_line(model, result.get(result.winner), node)
    low, high = Fraction(0), Fraction(1)
    below_by: str | None = None
    above_by: str | None = None
    for other in result.bids:
        if other.rank is None or other.bid.id == result.winner:
            continue
        other_fixed, other_slope = merit_line(model, other, node)
        gap0, slope = win_fixed - other_fixed, win_slope - other_slope
        if slope == 0:
            continue  # the gap does not move with this weight
        crossing = -gap0 / slope
        if slope > 0 and crossing > low:
            low, below_by = crossing, other.bid.id
        elif slope < 0 and crossing < high:
            high, above_by = crossing, other.bid.id
    return WeightSensitivity(node.id, node.share, low, high, below_by, above_by, _holds(node, low, high))


def _holds(node: PlacedCriterion, low: Fraction, high: Fraction) -> bool | None:
    announced = node.criterion.weight_range
    if announced is None:
        return None
    return low <= node.share_of(announced.low) and node.share_of(announced.high) <= high


# --- prices --------------------------------------------------------------------------------------


def price_sensitivity(result: EvaluationResult) -> tuple[PriceSensitivity, ...]:
    """For each bid in the competition that is not the sole winner, the price cut that would make it win."""
    model = result.model
    if model.price_criterion is None:
        return ()
    return tuple(
        _price_cut(result, r) for r in result.bids if r.rank is not None and r.bid.id != result.winner
    )


def _price_cut(result: EvaluationResult, target: BidResult) -> PriceSensitivity:
    price = target.bid.price
    assert price is not None  # every bid in the competition has one when there is a price criterion
    wins = _CutScorer(result, target.bid.id)
    most = math.ceil(price * 100) - 1  # the price must stay above 0
    if most < 1 or not wins(most):
        return PriceSensitivity(target.bid.id, price, None, None, "cannot_win_on_price")
    lose, win = 0, most
    while win - lose > 1:
        middle = (lose + win) // 2
        if wins(middle):
            win = middle
        else:
            lose = middle
    cut = Fraction(win, 100)
    return PriceSensitivity(target.bid.id, price, cut, cut / price * 100)


class _CutScorer:
    """Scores the competition again with one bid's price cut by some cents; quality stays fixed."""

    def __init__(self, result: EvaluationResult, bid_id: str) -> None:
        self.model = result.model
        self.bid_id = bid_id
        active = [r for r in result.bids if r.rank is not None]
        self.prices = {r.bid.id: r.bid.price or Fraction(0) for r in active}
        self.quality = {
            r.bid.id: sum(
                (
                    r.criteria[leaf.id].weighted or Fraction(0)
                    for leaf in self.model.leaves
                    if leaf.kind is CriterionKind.QUALITY
                ),
                Fraction(0),
            )
            for r in active
        }
        self.keys = tie_keys(self.prices, result.tie_break)

    def __call__(self, cents: int) -> bool:
        prices = dict(self.prices)
        prices[self.bid_id] -= Fraction(cents, 100)
        context = PriceContext(min(prices.values()), max(prices.values()), self.model.scale_max)
        merits = {b: self._merit(b, p, context) for b, p in prices.items()}
        ranks, ties = rank_by_merit(merits, self.keys)
        return ranks[self.bid_id] == 1 and not any(self.bid_id in group for group in ties)

    def _merit(self, bid_id: str, price: Fraction, context: PriceContext) -> Fraction:
        node = self.model.price_criterion
        assert node is not None and node.criterion.method is not None
        method = node.criterion.method
        if method.ranks_by_evaluated_price:
            evaluated = method.evaluated_price(price, self.quality[bid_id], self.model.quality_max)
            assert evaluated is not None
            return -evaluated
        points = method.points(price, context)
        return self.quality[bid_id] + (points or Fraction(0)) * node.path_weight
