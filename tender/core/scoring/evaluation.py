"""Bids against a scoring model: their checks, points, totals, ranks and the whole evaluation case.

How a total is made is told in :mod:`tender.core.scoring.model`.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from fractions import Fraction

from tender.core.price_schedule import EvaluatedPrices, PriceSchedule
from tender.core.scoring.errors import Problem, ScoringError, show
from tender.core.scoring.methods import PriceContext
from tender.core.scoring.model import ConsensusRule, CriterionKind, PlacedCriterion, ScoringModel

# --- bids ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bid:
    """A tender (tilbud) as evaluated: its price and the consensus score for every quality leaf."""

    id: str
    price: Fraction | None = None
    scores: Mapping[str, Fraction] = field(default_factory=dict)
    name: str = ""
    rejected: bool = False
    rejection_reason: str = ""


def check_score(
    score: Fraction, model: ScoringModel, place: str = "", on_step: bool = True
) -> Problem | None:
    """Why ``score`` is not allowed on the model's scale (a problem at ``place``), or None when it is.

    With ``on_step`` the score must also lie on the scale's step (an individual score, or a consensus the
    evaluators agree on); a mean of individual scores need only lie on the scale.
    """
    if not 0 <= score <= model.scale_max:
        return Problem(place, "score_off_scale", {"score": score, "scale_max": model.scale_max})
    step = model.step
    if not on_step or step == 0:
        return None
    if step == 1 or step == Fraction(1, 2):  # the classic scales keep their own wording
        if (score * 2).denominator != 1:
            return Problem(place, "score_not_whole", {"score": score, "half_points_allowed": step != 1})
        if score.denominator != 1 and step == 1:
            return Problem(place, "half_points_not_allowed", {"score": score})
        return None
    if (score / step).denominator != 1:
        return Problem(place, "score_off_step", {"score": score, "step": step})
    return None


def mean_score(scores: Iterable[Fraction]) -> Fraction:
    """The consensus by the mean rule: the exact mean of the individual scores (at least one)."""
    found = list(scores)
    if not found:
        raise ValueError("a mean needs at least one score")
    return sum(found, Fraction(0)) / len(found)


def _bid_problems(model: ScoringModel, index: int, bid: Bid, seen: Mapping[str, int]) -> list[Problem]:
    place = f"bids[{index}]"
    found: list[Problem] = []
    if not bid.id.strip():
        found.append(Problem(f"{place}.id", "bid_id_missing"))
    elif bid.id in seen:
        found.append(Problem(f"{place}.id", "bid_id_duplicate", {"id": bid.id, "other_index": seen[bid.id]}))
    if bid.rejected and not bid.rejection_reason.strip():
        found.append(Problem(f"{place}.rejection_reason", "rejection_reason_missing"))
    found.extend(_price_problems(model, place, bid))
    found.extend(_score_problems(model, place, bid))
    return found


def _price_problems(model: ScoringModel, place: str, bid: Bid) -> list[Problem]:
    if bid.price is None:
        if model.price_criterion is not None and not bid.rejected:
            return [Problem(f"{place}.price", "price_missing")]
        return []
    if bid.price <= 0:
        return [Problem(f"{place}.price", "price_not_positive", {"price": bid.price})]
    return []


def _score_problems(model: ScoringModel, place: str, bid: Bid) -> list[Problem]:
    found: list[Problem] = []
    for criterion_id, score in bid.scores.items():
        where = f"{place}.scores.{criterion_id}"
        if not model.has(criterion_id):
            found.append(Problem(where, "score_unknown_criterion", {"criterion": criterion_id}))
            continue
        target = model.get(criterion_id)
        if target.kind is CriterionKind.PRICE:
            found.append(Problem(where, "score_on_price", {"criterion": criterion_id}))
        elif not target.is_leaf:
            found.append(
                Problem(where, "score_on_group", {"criterion": criterion_id, "children": target.children})
            )
        elif (
            problem := check_score(score, model, where, on_step=model.consensus is ConsensusRule.AGREED)
        ) is not None:
            found.append(problem)
    missing = [p.id for p in model.leaves if p.kind is CriterionKind.QUALITY and p.id not in bid.scores]
    if missing and not bid.rejected:
        found.append(Problem(f"{place}.scores", "consensus_missing", {"criteria": tuple(missing)}))
    return found


def _tie_break_problems(bids: Sequence[Bid], tie_break: Sequence[str]) -> list[Problem]:
    ids = {b.id for b in bids}
    found: list[Problem] = []
    for index, bid_id in enumerate(tie_break):
        if bid_id not in ids:
            found.append(Problem(f"tie_break[{index}]", "unknown_bid", {"bid": bid_id}))
        elif bid_id in tie_break[:index]:
            found.append(Problem(f"tie_break[{index}]", "tie_break_twice", {"bid": bid_id}))
    return found


def check_bids(model: ScoringModel, bids: Sequence[Bid], tie_break: Sequence[str] = ()) -> list[Problem]:
    """Every problem with the bids against the model, each at its place (``bids[i]...``)."""
    found: list[Problem] = []
    seen: dict[str, int] = {}
    for index, bid in enumerate(bids):
        found.extend(_bid_problems(model, index, bid, seen))
        seen.setdefault(bid.id, index)
    found.extend(_tie_break_problems(bids, tie_break))
    return found


# --- results -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CriterionPoints:
    """One bid on one criterion. For a group, points are the share-weighted mean of its children."""

    criterion_id: str
    score: Fraction | None  #: the consensus score given (quality leaves only)
    points: Fraction | None  #: on the scale 0–Max (price points may be negative with ``linear``)
    weighted: Fraction | None  #: points × path weight


@dataclass(frozen=True)
class ThresholdFailure:
    """A bid below an announced quality threshold: on one criterion (``criterion_id``) or, with
    ``criterion_id`` None, on the weighted quality points."""

    criterion_id: str | None
    minimum: Fraction
    actual: Fraction

    def english(self) -> str:
        where = f"'{self.criterion_id}'" if self.criterion_id else "the weighted quality points"
        return f"below the announced minimum on {where}: {show(self.actual)} < {show(self.minimum)}"


@dataclass(frozen=True)
class BidResult:
    bid: Bid
    criteria: Mapping[str, CriterionPoints]  #: every criterion, groups included, in tree order
    total: Fraction | None  #: None for a rejected bid
    evaluated_price: Fraction | None  #: only with a method that ranks by evaluated price
    rank: int | None  #: None for a rejected bid
    tied: bool  #: shares its rank with another bid because no tie-break separates them
    #: the announced quality thresholds the bid falls below: a bid not rejected before is rejected for them
    #: (``bid.rejected``, the reason naming them); a bid rejected by a recorded decision keeps its reason, and
    #: its thresholds are noted here when its consensus scores are complete
    threshold_failures: tuple[ThresholdFailure, ...] = ()
    #: rejected by the evaluation for the thresholds (not by a decision recorded before)
    rejected_by_threshold: bool = False


@dataclass(frozen=True)
class EvaluationResult:
    model: ScoringModel
    bids: tuple[BidResult, ...]  #: in the order the bids were given
    price_context: PriceContext | None
    tie_break: tuple[str, ...]
    unresolved_ties: tuple[tuple[str, ...], ...]
    winner: str | None  #: None when no bid is alone in first place
    #: lawful choices and facts worth a second look, worded like problems
    warnings: tuple[Problem, ...]

    def ranked(self) -> tuple[BidResult, ...]:
        """Bids by rank; rejected bids last, in the order given."""
        order = {r.bid.id: i for i, r in enumerate(self.bids)}
        return tuple(sorted(self.bids, key=lambda r: (r.rank is None, r.rank or 0, order[r.bid.id])))

    def get(self, bid_id: str) -> BidResult:
        return next(r for r in self.bids if r.bid.id == bid_id)


def tie_keys(bid_ids: Iterable[str], tie_break: Sequence[str]) -> dict[str, int]:
    """The recorded tie-break order as a key: listed bids 1, 2, …; bids not listed share the last key."""
    position = {bid_id: i + 1 for i, bid_id in enumerate(tie_break)}
    return {bid_id: position.get(bid_id, len(tie_break) + 1) for bid_id in bid_ids}


def rank_by_merit(
    merits: Mapping[str, Fraction], keys: Mapping[str, int]
) -> tuple[dict[str, int], tuple[tuple[str, ...], ...]]:
    """Ranks (higher merit first) and the groups of bids still tied.

    rank = 1 + number of bids with higher merit + number with equal merit and an earlier tie-break
    key; bids with equal merit and equal key share a rank (1, 1, 3) and form an unresolved tie.
    The Excel matrix computes the very same formula with COUNTIF.
    """
    ranks = {
        b: 1 + sum(1 for o, m in merits.items() if m > merits[b] or (m == merits[b] and keys[o] < keys[b]))
        for b in merits
    }
    groups: dict[tuple[Fraction, int], list[str]] = {}
    for b, m in merits.items():
        groups.setdefault((m, keys[b]), []).append(b)
    ties = sorted((tuple(g) for g in groups.values() if len(g) > 1), key=lambda g: ranks[g[0]])
    return ranks, tuple(ties)


def _price_context(model: ScoringModel, active: Sequence[Bid]) -> PriceContext | None:
    prices = [b.price for b in active if b.price is not None]
    if model.price_criterion is None or not prices:
        return None
    return PriceContext(lowest=min(prices), highest=max(prices), scale_max=model.scale_max)


def _best_scores(model: ScoringModel, active: Sequence[Bid]) -> dict[str, Fraction]:
    """The best consensus score among bids not rejected, for each normalised quality leaf."""
    return {
        leaf.id: max((b.scores[leaf.id] for b in active), default=Fraction(0))
        for leaf in model.leaves
        if leaf.kind is CriterionKind.QUALITY and leaf.normalise
    }


def _leaf_points(
    model: ScoringModel,
    leaf: PlacedCriterion,
    bid: Bid,
    context: PriceContext | None,
    best: Mapping[str, Fraction],
) -> Fraction | None:
    if leaf.kind is CriterionKind.PRICE:
        method = leaf.criterion.method
        assert method is not None and bid.price is not None and context is not None  # checked before
        return method.points(bid.price, context)
    score = bid.scores[leaf.id]
    if not leaf.normalise:
        return score
    # Pn = Max·P/Pbest. When the best is 0 every bid scored 0: there is nothing to scale up, so all
    # keep 0 rather than dividing by zero or handing out Max for nothing.
    return model.scale_max * score / best[leaf.id] if best[leaf.id] else Fraction(0)


def _score_active_bid(
    model: ScoringModel, bid: Bid, context: PriceContext | None, best: Mapping[str, Fraction]
) -> dict[str, CriterionPoints]:
    points: dict[str, CriterionPoints] = {}
    for leaf in model.leaves:
        p = _leaf_points(model, leaf, bid, context, best)
        weighted = None if p is None else p * leaf.path_weight
        points[leaf.id] = CriterionPoints(leaf.id, bid.scores.get(leaf.id), p, weighted)
    # children follow their parent in tree order, so walking backwards meets every child first
    for node in reversed(model.placed):
        if node.is_leaf:
            continue
        kids = [points[k] for k in node.children]
        kid_shares = [model.get(k).share for k in node.children]
        weighted_sum = sum((k.weighted or Fraction(0) for k in kids), Fraction(0))
        group_points = sum(
            ((k.points or Fraction(0)) * s for k, s in zip(kids, kid_shares, strict=True)), Fraction(0)
        )
        points[node.id] = CriterionPoints(node.id, None, group_points, weighted_sum)
    return {p.id: points[p.id] for p in model.placed}


def _quality_total(model: ScoringModel, criteria: Mapping[str, CriterionPoints]) -> Fraction:
    return sum(
        (
            criteria[leaf.id].weighted or Fraction(0)
            for leaf in model.leaves
            if leaf.kind is CriterionKind.QUALITY
        ),
        Fraction(0),
    )


def evaluate(model: ScoringModel, bids: Sequence[Bid], tie_break: Sequence[str] = ()) -> EvaluationResult:
    """Score and rank ``bids`` under ``model``.

    Rejected bids are left out of Pb, Ph, normalisation and ranking; they keep their reason and get
    no points, total or rank. With a method that ranks by evaluated price (value for money) the
    lowest evaluated price wins; otherwise the highest total. Raises ScoringError listing every
    problem in the bids.
    """
    problems = check_bids(model, bids, tie_break)
    if problems:
        raise ScoringError(problems)
    # a bid already rejected keeps its recorded reason; its thresholds are noted when its scores are complete
    failures = {b.id: threshold_failures(model, b) for b in bids if not b.rejected or _scored_fully(model, b)}
    by_threshold = {b.id for b in bids if failures.get(b.id) and not b.rejected}
    bids = [_rejected_by_threshold(b, failures[b.id]) if b.id in by_threshold else b for b in bids]
    active = [b for b in bids if not b.rejected]
    context = _price_context(model, active)
    best = _best_scores(model, active)
    method = model.price_method
    scored: dict[str, tuple[dict[str, CriterionPoints], Fraction, Fraction | None]] = {}
    merits: dict[str, Fraction] = {}
    for bid in active:
        criteria = _score_active_bid(model, bid, context, best)
        total = sum((criteria[leaf.id].weighted or Fraction(0) for leaf in model.leaves), Fraction(0))
        evaluated = None
        if method is not None and bid.price is not None:
            evaluated = method.evaluated_price(bid.price, _quality_total(model, criteria), model.quality_max)
        scored[bid.id] = (criteria, total, evaluated)
        # higher merit ranks first: total points, or the evaluated price with its sign turned
        merits[bid.id] = -evaluated if evaluated is not None else total
    keys = tie_keys((b.id for b in active), tie_break)
    ranks, ties = rank_by_merit(merits, keys)
    tied = {b for group in ties for b in group}
    results = tuple(
        replace(
            _bid_result(model, bid, scored.get(bid.id), ranks, tied),
            threshold_failures=failures.get(bid.id, ()),
            rejected_by_threshold=bid.id in by_threshold,
        )
        for bid in bids
    )
    leaders = [b for b, r in ranks.items() if r == 1]
    winner = leaders[0] if len(leaders) == 1 and leaders[0] not in tied else None
    negative = tuple(
        Problem(
            f"bids[{index}]",
            "evaluated_price_negative",
            {"bid": bid_id, "evaluated_price": evaluated, "method": method.name},
        )
        for index, bid_id in enumerate(b.id for b in bids)
        if method is not None
        and method.may_go_negative
        and bid_id in scored
        and (evaluated := scored[bid_id][2]) is not None
        and evaluated < 0
    )
    return EvaluationResult(
        model, results, context, tuple(tie_break), ties, winner, model.warnings + negative
    )


def _scored_fully(model: ScoringModel, bid: Bid) -> bool:
    return all(leaf.id in bid.scores for leaf in model.leaves if leaf.kind is CriterionKind.QUALITY)


def _raw_points(model: ScoringModel, bid: Bid) -> dict[str, Fraction]:
    """Every quality criterion's points before normalisation: a leaf's consensus score, a group's the
    share-weighted mean of its children's."""
    points: dict[str, Fraction] = {}
    for node in reversed(model.placed):
        if node.kind is not CriterionKind.QUALITY:
            continue
        if node.is_leaf:
            points[node.id] = bid.scores.get(node.id, Fraction(0))
        else:
            points[node.id] = sum((points[k] * model.get(k).share for k in node.children), Fraction(0))
    return points


def threshold_failures(model: ScoringModel, bid: Bid) -> tuple[ThresholdFailure, ...]:
    """The announced quality thresholds ``bid`` falls below, judged on its consensus scores as given (before
    normalisation): a criterion's minimum score, then the minimum of the weighted quality points."""
    if not model.has_thresholds:
        return ()
    points = _raw_points(model, bid)
    found = [
        ThresholdFailure(p.id, p.criterion.min_score, points[p.id])
        for p in model.placed
        if p.criterion.min_score is not None
        and p.kind is CriterionKind.QUALITY
        and points[p.id] < p.criterion.min_score
    ]
    if model.min_quality is not None:
        quality = sum(
            (
                points[leaf.id] * leaf.path_weight
                for leaf in model.leaves
                if leaf.kind is CriterionKind.QUALITY
            ),
            Fraction(0),
        )
        if quality < model.min_quality:
            found.append(ThresholdFailure(None, model.min_quality, quality))
    return tuple(found)


def _rejected_by_threshold(bid: Bid, failures: Sequence[ThresholdFailure]) -> Bid:
    reason = "; ".join(f.english() for f in failures)
    return replace(bid, rejected=True, rejection_reason=reason)


def _bid_result(
    model: ScoringModel,
    bid: Bid,
    scored: tuple[dict[str, CriterionPoints], Fraction, Fraction | None] | None,
    ranks: Mapping[str, int],
    tied: set[str],
) -> BidResult:
    if scored is None:  # rejected
        empty = {p.id: CriterionPoints(p.id, bid.scores.get(p.id), None, None) for p in model.placed}
        return BidResult(bid, empty, None, None, None, False)
    criteria, total, evaluated = scored
    return BidResult(bid, criteria, total, evaluated, ranks[bid.id], bid.id in tied)


# --- the whole case: bids plus the evaluators' individual scores and minimum-requirement checks ----


@dataclass(frozen=True)
class IndividualScore:
    """One evaluator's own score on one quality leaf, before the consensus meeting."""

    evaluator: str
    criterion_id: str
    score: Fraction
    justification: str = ""


class RequirementStatus(enum.Enum):
    MET = "met"
    NOT_MET = "not_met"
    CLARIFY = "clarify"


@dataclass(frozen=True)
class RequirementCheck:
    """Whether a bid meets one minimum requirement (minstekrav)."""

    requirement_id: str
    status: RequirementStatus
    reason: str = ""


@dataclass(frozen=True)
class EvaluationCase:
    """Everything an evaluation report needs: the model, the bids and the record behind the scores."""

    model: ScoringModel
    bids: tuple[Bid, ...]
    tie_break: tuple[str, ...] = ()
    #: by bid id
    individual_scores: Mapping[str, tuple[IndividualScore, ...]] = field(default_factory=dict)
    #: by bid id
    requirement_checks: Mapping[str, tuple[RequirementCheck, ...]] = field(default_factory=dict)
    title: str = ""
    #: the announced price schedule when the bids' prices were made from their schedule lines (issue 16): each
    #: such bid's ``price`` is its evaluated price under ``tender.core.price_schedule.evaluated_prices``
    price_schedule: PriceSchedule | None = None
    #: by bid id: the amounts the bid offered, keyed by (line id, kommunenummer or None); a gap is left out
    price_lines: Mapping[str, Mapping[tuple[str, str | None], Fraction]] = field(default_factory=dict)
    #: how each bid's price was made of its lines (None without a schedule)
    schedule_prices: EvaluatedPrices | None = None


def _individual_score_problems(case: EvaluationCase) -> list[Problem]:
    found: list[Problem] = []
    index_of = {b.id: i for i, b in enumerate(case.bids)}
    for bid_id, scores in case.individual_scores.items():
        if bid_id not in index_of:
            found.append(Problem(f"individual_scores.{bid_id}", "unknown_bid", {"bid": bid_id}))
            continue
        for j, s in enumerate(scores):
            place = f"bids[{index_of[bid_id]}].individual_scores[{j}]"
            target = case.model.get(s.criterion_id) if case.model.has(s.criterion_id) else None
            if target is None or target.kind is not CriterionKind.QUALITY or not target.is_leaf:
                found.append(
                    Problem(f"{place}.criterion", "not_a_quality_leaf", {"criterion": s.criterion_id})
                )
            if (problem := check_score(s.score, case.model, f"{place}.score")) is not None:
                found.append(problem)
    return found


def _requirement_warnings(case: EvaluationCase) -> list[Problem]:
    found: list[Problem] = []
    for index, bid in enumerate(case.bids):
        for check in case.requirement_checks.get(bid.id, ()):
            if check.status is RequirementStatus.NOT_MET and not bid.rejected:
                found.append(
                    Problem(
                        f"bids[{index}]",
                        "unmet_requirement_not_rejected",
                        {"bid": bid.id, "name": bid.name, "requirement": check.requirement_id},
                    )
                )
    return found


def mean_consensus(case: EvaluationCase) -> tuple[tuple[Bid, ...], list[Problem]]:
    """Under the mean rule: every bid's consensus scores made from its individual scores (a score the case
    gives must equal that mean), and the problems found. Under the agreed rule the bids are returned as
    given."""
    if case.model.consensus is not ConsensusRule.MEAN:
        return case.bids, []
    bids: list[Bid] = []
    found: list[Problem] = []
    for index, bid in enumerate(case.bids):
        by_leaf: dict[str, list[Fraction]] = {}
        for s in case.individual_scores.get(bid.id, ()):
            by_leaf.setdefault(s.criterion_id, []).append(s.score)
        scores = dict(bid.scores)
        for leaf_id, given in by_leaf.items():
            mean = mean_score(given)
            if leaf_id in scores and scores[leaf_id] != mean:
                found.append(
                    Problem(
                        f"bids[{index}].scores.{leaf_id}",
                        "consensus_not_mean",
                        {"criterion": leaf_id, "score": scores[leaf_id], "mean": mean},
                    )
                )
            scores[leaf_id] = mean
        bids.append(replace(bid, scores=scores))
    return tuple(bids), found


def evaluate_case(case: EvaluationCase) -> EvaluationResult:
    """Check the individual scores too, then evaluate; unmet minimum requirements become warnings.

    Under the mean consensus rule the consensus scores are the exact means of the individual scores.
    """
    individual = _individual_score_problems(case)
    bids, mean_problems = mean_consensus(case) if not individual else (case.bids, [])
    problems = check_bids(case.model, bids, case.tie_break) + individual + mean_problems
    if problems:
        raise ScoringError(problems)
    result = evaluate(case.model, bids, case.tie_break)
    return replace(result, warnings=result.warnings + tuple(_requirement_warnings(case)))
