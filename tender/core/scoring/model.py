"""Weighted award-criteria scoring (tildelingskriterier): the criteria tree and its rules.

Pure and exact: weights, prices and points are ``Fraction`` all the way through, rounded only when
shown. The price methods live in ``methods``, bids, points and ranking in ``evaluation``, sensitivity
analysis in ``sensitivity``.

How a total is made
    Every criterion has a weight relative to its siblings. A level's weights are given either all
    as percentages summing to 100 or all as fractions summing to 1; both mean the same share.
    A leaf's *path weight* is the product of the shares from the top of the tree down to it.
    ``weighted = points × path weight``; a bid's total is the sum of its leaves' weighted points,
    so totals are on the points scale (0–Max).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from tender.core.scoring.errors import Problem, ScoringError
from tender.core.scoring.methods import PRICE_METHODS, PriceMethod

HUNDRED = Fraction(100)
#: DOMAIN.md: an announced weight range may span about ±10 percentage points at most
WIDEST_ANNOUNCED_RANGE = Fraction(20)


class CriterionKind(enum.Enum):
    PRICE = "price"
    QUALITY = "quality"


class ConsensusRule(enum.Enum):
    """How the consensus score of a bid on a quality leaf is made, as announced."""

    #: the evaluators agree on one score (on the scale's step) and justify it
    AGREED = "agreed"
    #: the mean of the evaluators' individual scores, kept exact (it need not lie on the step)
    MEAN = "mean"


@dataclass(frozen=True)
class WeightRange:
    """The announced range of a weight, in the same unit as the weights on its level."""

    low: Fraction
    high: Fraction


@dataclass(frozen=True)
class Criterion:
    """One award criterion (tildelingskriterium) as written in the tender documents."""

    id: str
    #: relative to the siblings: a percentage (level sums to 100) or a fraction (level sums to 1)
    weight: Fraction
    #: None inherits the parent's kind; at the top, None means quality (price if a method is given)
    kind: CriterionKind | None = None
    name: str = ""
    method: PriceMethod | None = None
    #: None inherits the parent's choice; at the top, None means no normalisation
    normalise: bool | None = None
    weight_range: WeightRange | None = None
    children: tuple[Criterion, ...] = ()
    #: the announced minimum score (quality threshold) on this criterion; for a group, on the share-weighted
    #: mean of its children's scores. Judged on the consensus scores as given, before normalisation.
    min_score: Fraction | None = None


@dataclass(frozen=True)
class PlacedCriterion:
    """A criterion with everything the tree decides for it: place, kind, share, path weight."""

    criterion: Criterion
    place: str  #: e.g. "criteria[1].children[0]"
    kind: CriterionKind
    share: Fraction  #: of its parent, 0–1
    path_weight: Fraction  #: product of the shares from the top down to this criterion
    normalise: bool
    parent_id: str | None
    depth: int  #: 0 at the top
    level_in_percent: bool
    siblings: tuple[str, ...]  #: the ids on its level, itself included, in order

    @property
    def id(self) -> str:
        return self.criterion.id

    @property
    def name(self) -> str:
        return self.criterion.name or self.criterion.id

    @property
    def is_leaf(self) -> bool:
        return not self.criterion.children

    @property
    def children(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.criterion.children)

    def share_of(self, weight: Fraction) -> Fraction:
        """A weight in this criterion's level unit (percent or fraction) as a share 0–1."""
        return weight / HUNDRED if self.level_in_percent else weight


@dataclass(frozen=True)
class ScoringModel:
    """The scoring model fixed before tenders are opened: criteria tree, scale and its step, the consensus
    rule and the quality thresholds.

    The scale runs from 0 to ``scale_max`` in steps of ``step``: ``scale_step`` states it (1 whole points,
    1/2 half points, 1/10 tenths, any step that divides the scale; 0 a continuous scale); left out, it is 1,
    or 1/2 with ``allow_half_points`` (the older way of saying half points).

    Construction checks every rule and raises ScoringError listing all problems, each at its place.
    """

    criteria: tuple[Criterion, ...]
    scale_max: Fraction = Fraction(10)
    allow_half_points: bool = False
    scale_step: Fraction | None = None
    consensus: ConsensusRule = ConsensusRule.AGREED
    #: the announced minimum of the weighted quality points (the sum of score × path weight over the quality
    #: leaves, before normalisation); a bid below it is rejected
    min_quality: Fraction | None = None
    _placed: dict[str, PlacedCriterion] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        problems: list[Problem] = []
        placed: dict[str, PlacedCriterion] = {}
        if self.scale_max <= 0:
            problems.append(Problem("scale_max", "scale_max_not_positive", {"scale_max": self.scale_max}))
        problems.extend(self._step_problems())
        if not self.criteria:
            problems.append(Problem("criteria", "no_criteria"))
        else:
            _place_level(self.criteria, "criteria", None, placed, problems)
        object.__setattr__(self, "_placed", placed)
        if not problems:
            problems.extend(self._threshold_problems())
        if problems:
            raise ScoringError(problems)

    def _step_problems(self) -> list[Problem]:
        step = self.scale_step
        if step is None:
            return []
        if step < 0:
            return [Problem("scale_step", "scale_step_negative", {"step": step})]
        if self.allow_half_points and step != Fraction(1, 2):
            return [Problem("scale_step", "scale_step_and_half_points", {"step": step})]
        if step > 0 and self.scale_max > 0 and (self.scale_max / step).denominator != 1:
            return [
                Problem("scale_step", "scale_step_not_dividing", {"step": step, "scale_max": self.scale_max})
            ]
        return []

    def _threshold_problems(self) -> list[Problem]:
        found: list[Problem] = []
        for p in self._placed.values():
            minimum = p.criterion.min_score
            if minimum is None:
                continue
            if p.kind is CriterionKind.PRICE:
                found.append(Problem(f"{p.place}.min_score", "min_score_on_price"))
            elif not 0 <= minimum <= self.scale_max:
                found.append(
                    Problem(
                        f"{p.place}.min_score",
                        "min_score_off_scale",
                        {"minimum": minimum, "scale_max": self.scale_max},
                    )
                )
        if self.min_quality is not None and not 0 <= self.min_quality <= self.quality_max:
            found.append(
                Problem(
                    "min_quality",
                    "min_quality_off_scale",
                    {"minimum": self.min_quality, "quality_max": self.quality_max},
                )
            )
        return found

    @property
    def step(self) -> Fraction:
        """The scale's step: 1, 1/2, 1/10 …; 0 for a continuous scale."""
        if self.scale_step is not None:
            return self.scale_step
        return Fraction(1, 2) if self.allow_half_points else Fraction(1)

    @property
    def quality_max(self) -> Fraction:
        """The most weighted quality points a bid can earn: top of the scale × the quality path weights."""
        return self.scale_max * sum(
            (p.path_weight for p in self._placed.values() if p.is_leaf and p.kind is CriterionKind.QUALITY),
            Fraction(0),
        )

    @property
    def has_thresholds(self) -> bool:
        return self.min_quality is not None or any(
            p.criterion.min_score is not None for p in self._placed.values()
        )

    @property
    def placed(self) -> tuple[PlacedCriterion, ...]:
        """Every criterion in tree order (a parent before its children)."""
        return tuple(self._placed.values())

    @property
    def leaves(self) -> tuple[PlacedCriterion, ...]:
        return tuple(p for p in self._placed.values() if p.is_leaf)

    @property
    def price_criterion(self) -> PlacedCriterion | None:
        return next((p for p in self._placed.values() if p.kind is CriterionKind.PRICE), None)

    @property
    def price_method(self) -> PriceMethod | None:
        price = self.price_criterion
        return price.criterion.method if price else None

    @property
    def ranks_by_evaluated_price(self) -> bool:
        method = self.price_method
        return method is not None and method.ranks_by_evaluated_price

    def get(self, criterion_id: str) -> PlacedCriterion:
        return self._placed[criterion_id]

    def has(self, criterion_id: str) -> bool:
        return criterion_id in self._placed

    @property
    def warnings(self) -> tuple[Problem, ...]:
        """Lawful choices worth a second look: criticised methods, wide announced ranges."""
        found: list[Problem] = []
        method = self.price_method
        if method is not None and method.caution:
            found.append(
                Problem("", "price_method_caution", {"method": method.name, "caution": method.caution})
            )
        for p in self._placed.values():
            wr = p.criterion.weight_range
            if (
                wr is not None
                and (wr.high - wr.low) * (1 if p.level_in_percent else HUNDRED) > WIDEST_ANNOUNCED_RANGE
            ):
                found.append(Problem(p.place, "announced_range_wide", {"low": wr.low, "high": wr.high}))
        return tuple(found)


def _level_unit(criteria: Sequence[Criterion], place: str) -> tuple[bool, Problem | None]:
    """Whether a level is in percent, and the problem if its weights sum to neither 100 nor 1."""
    total = sum((c.weight for c in criteria), Fraction(0))
    if total == HUNDRED:
        return True, None
    if total == 1:
        return False, None
    parts = tuple((c.id, c.weight) for c in criteria)
    expected = 1 if all(c.weight <= 1 for c in criteria) else 100
    return total > 1, Problem(place, "level_sum", {"total": total, "expected": expected, "parts": parts})


def _place_level(
    criteria: Sequence[Criterion],
    level_place: str,
    parent: PlacedCriterion | None,
    placed: dict[str, PlacedCriterion],
    problems: list[Problem],
) -> None:
    in_percent, level_problem = _level_unit(criteria, level_place)
    if level_problem:
        problems.append(level_problem)
    siblings = tuple(c.id for c in criteria)
    for index, criterion in enumerate(criteria):
        place = f"{level_place}[{index}]"
        share = criterion.weight / HUNDRED if in_percent else criterion.weight
        kind = _resolve_kind(criterion, parent, place, problems)
        node = PlacedCriterion(
            criterion=criterion,
            place=place,
            kind=kind,
            share=share,
            path_weight=share * (parent.path_weight if parent else 1),
            normalise=_resolve_normalise(criterion, parent),
            parent_id=parent.id if parent else None,
            depth=parent.depth + 1 if parent else 0,
            level_in_percent=in_percent,
            siblings=siblings,
        )
        problems.extend(_criterion_problems(node, placed, level_problem is None))
        if criterion.id not in placed:
            placed[criterion.id] = node
        if criterion.children:
            _place_level(criterion.children, f"{place}.children", node, placed, problems)


def _resolve_kind(
    criterion: Criterion, parent: PlacedCriterion | None, place: str, problems: list[Problem]
) -> CriterionKind:
    if parent is None:
        if criterion.kind is not None:
            return criterion.kind
        return CriterionKind.PRICE if criterion.method is not None else CriterionKind.QUALITY
    if criterion.kind is CriterionKind.PRICE:
        problems.append(Problem(f"{place}.kind", "price_below_top", {"parent": parent.id}))
    return parent.kind


def _resolve_normalise(criterion: Criterion, parent: PlacedCriterion | None) -> bool:
    if criterion.normalise is not None:
        return criterion.normalise
    return parent.normalise if parent else False


def _criterion_problems(
    node: PlacedCriterion, placed: Mapping[str, PlacedCriterion], level_ok: bool
) -> list[Problem]:
    c, place = node.criterion, node.place
    found: list[Problem] = []
    if not c.id.strip():
        found.append(Problem(f"{place}.id", "criterion_id_missing"))
    elif c.id in placed:
        found.append(
            Problem(f"{place}.id", "criterion_id_duplicate", {"id": c.id, "other_place": placed[c.id].place})
        )
    if c.weight < 0:
        found.append(Problem(f"{place}.weight", "weight_negative", {"weight": c.weight}))
    found.extend(_range_problems(node, level_ok))
    found.extend(_kind_problems(node, placed))
    return found


def _range_problems(node: PlacedCriterion, level_ok: bool) -> list[Problem]:
    wr, place, weight = node.criterion.weight_range, node.place, node.criterion.weight
    if wr is None:
        return []
    if wr.low > wr.high:
        return [Problem(f"{place}.weight_min", "range_inverted", {"low": wr.low, "high": wr.high})]
    if level_ok and not wr.low <= weight <= wr.high:
        return [
            Problem(
                f"{place}.weight", "weight_outside_range", {"weight": weight, "low": wr.low, "high": wr.high}
            )
        ]
    return []


def _kind_problems(node: PlacedCriterion, placed: Mapping[str, PlacedCriterion]) -> list[Problem]:
    c, place = node.criterion, node.place
    if node.kind is CriterionKind.QUALITY:
        if c.method is not None:
            return [Problem(f"{place}.method", "method_on_quality")]
        return []
    found: list[Problem] = []
    other = next((p for p in placed.values() if p.kind is CriterionKind.PRICE and p.id != c.id), None)
    if other is not None:
        found.append(
            Problem(
                f"{place}.kind", "second_price_criterion", {"other": other.id, "other_place": other.place}
            )
        )
    if c.children:
        found.append(Problem(f"{place}.children", "price_with_children"))
    if c.normalise:
        found.append(Problem(f"{place}.normalise", "price_normalised"))
    if c.method is None:
        found.append(
            Problem(f"{place}.method", "price_method_missing", {"known": tuple(sorted(PRICE_METHODS))})
        )
    elif c.method.ranks_by_evaluated_price and c.weight != 0:
        # Value for money turns quality into NOK; a point weight on price on top would count price twice.
        found.append(
            Problem(f"{place}.weight", "price_weighted", {"method": c.method.name, "weight": c.weight})
        )
    return found
