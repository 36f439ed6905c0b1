"""Properties of the scoring core that must hold for any model and any bids."""

from __future__ import annotations

import random
from fractions import Fraction as F

from hypothesis import given, settings
from hypothesis import strategies as st

from tender.core.scoring import (
    Bid,
    Criterion,
    CriterionKind,
    EvaluationResult,
    ScoringModel,
    evaluate,
    make_price_method,
)
from tender.core.scoring.sensitivity import sensitivity

POINT_METHODS = ["linear", "linear_floor", "linear_zero_at", "proportional", "spread"]
NEVER_NEGATIVE = {"linear_floor", "linear_zero_at", "proportional", "spread"}


def _shares(draw: st.DrawFn, n: int) -> list[F]:
    raw = draw(st.lists(st.integers(1, 50), min_size=n, max_size=n))
    return [F(r, sum(raw)) for r in raw]


@st.composite
def quality_tree(draw: st.DrawFn, prefix: str, depth: int) -> tuple[Criterion, ...]:
    n = draw(st.integers(1, 3))
    shares = _shares(draw, n)
    nodes = []
    for i, share in enumerate(shares):
        cid = f"{prefix}{i}"
        children: tuple[Criterion, ...] = ()
        if depth < 3 and draw(st.booleans()):
            children = draw(quality_tree(cid + ".", depth + 1))
        nodes.append(Criterion(cid, share, normalise=draw(st.booleans()), children=children))
    return tuple(nodes)


@st.composite
def cases(draw: st.DrawFn, methods: list[str] = POINT_METHODS) -> tuple[ScoringModel, list[Bid]]:
    method = draw(st.sampled_from(methods))
    params = {"k": F(draw(st.integers(11, 40)), 10)} if method == "linear_zero_at" else {}
    price_share = F(draw(st.integers(0, 100)), 100)
    quality = draw(quality_tree("q", 1))
    model = ScoringModel(
        (
            Criterion("pris", price_share, CriterionKind.PRICE, method=make_price_method(method, params)),
            Criterion("kvalitet", 1 - price_share, CriterionKind.QUALITY, children=quality),
        ),
        allow_half_points=True,
    )
    leaves = [leaf.id for leaf in model.leaves if leaf.kind is CriterionKind.QUALITY]
    n_bids = draw(st.integers(1, 6))
    bids = []
    for i in range(n_bids):
        scores = {leaf: F(draw(st.integers(0, 20)), 2) for leaf in leaves}
        price = F(draw(st.integers(1, 10_000_000)), 100)
        rejected = i > 0 and draw(st.booleans())
        bids.append(
            Bid(f"B{i}", price, scores, rejected=rejected, rejection_reason="avvist" if rejected else "")
        )
    return model, bids


def ranks(result: EvaluationResult) -> dict[str, int | None]:
    return {r.bid.id: r.rank for r in result.bids}


def reorder_tree(criteria: tuple[Criterion, ...], rng: random.Random) -> tuple[Criterion, ...]:
    shuffled = [
        Criterion(
            c.id,
            c.weight,
            c.kind,
            c.name,
            c.method,
            c.normalise,
            c.weight_range,
            reorder_tree(c.children, rng),
        )
        for c in criteria
    ]
    rng.shuffle(shuffled)
    return tuple(shuffled)


@settings(max_examples=150, deadline=None)
@given(cases())
def test_totals_never_exceed_the_scale_max(case: tuple[ScoringModel, list[Bid]]) -> None:
    model, bids = case
    for r in evaluate(model, bids).bids:
        assert r.total is None or r.total <= model.scale_max


@settings(max_examples=150, deadline=None)
@given(cases())
def test_only_plain_linear_goes_below_zero_and_only_above_twice_the_lowest_price(
    case: tuple[ScoringModel, list[Bid]],
) -> None:
    model, bids = case
    result = evaluate(model, bids)
    method = model.price_method
    assert method is not None and result.price_context is not None
    for r in result.bids:
        if r.total is None:
            continue
        points = r.criteria["pris"].points
        assert points is not None and r.bid.price is not None
        assert points <= model.scale_max
        if method.name in NEVER_NEGATIVE:
            assert points >= 0 and r.total >= 0
        else:
            assert (points < 0) == (r.bid.price > 2 * result.price_context.lowest)
            # the total can only go as low as the price part takes it
            assert r.total >= min(points, F(0)) * model.get("pris").path_weight


@settings(max_examples=100, deadline=None)
@given(cases(), st.randoms(use_true_random=False))
def test_the_ranking_does_not_depend_on_the_order_of_bids_or_of_criteria(
    case: tuple[ScoringModel, list[Bid]], rng: random.Random
) -> None:
    model, bids = case
    expected = evaluate(model, bids)
    shuffled_bids = list(bids)
    rng.shuffle(shuffled_bids)
    reordered = ScoringModel(reorder_tree(model.criteria, rng), model.scale_max, model.allow_half_points)
    again = evaluate(reordered, shuffled_bids)
    assert ranks(again) == ranks(expected)
    assert {r.bid.id: r.total for r in again.bids} == {r.bid.id: r.total for r in expected.bids}
    assert again.winner == expected.winner
    assert {frozenset(t) for t in again.unresolved_ties} == {frozenset(t) for t in expected.unresolved_ties}


@settings(max_examples=150, deadline=None)
@given(cases(), st.fractions(min_value=F(1, 100), max_value=F(100)))
def test_scaling_every_price_by_a_constant_leaves_the_price_points_unchanged(
    case: tuple[ScoringModel, list[Bid]], factor: F
) -> None:
    model, bids = case
    scaled = [
        Bid(b.id, (b.price or F(1)) * factor, b.scores, b.name, b.rejected, b.rejection_reason) for b in bids
    ]
    before, after = evaluate(model, bids), evaluate(model, scaled)
    assert [r.criteria["pris"].points for r in after.bids] == [r.criteria["pris"].points for r in before.bids]
    assert ranks(after) == ranks(before)


def with_share(model: ScoringModel, criterion_id: str, share: F) -> ScoringModel:
    """The model with one criterion's share set and its siblings rescaled, every level as fractions."""
    node = model.get(criterion_id)
    rest = 1 - node.share

    def rebuild(criteria: tuple[Criterion, ...]) -> tuple[Criterion, ...]:
        out = []
        for c in criteria:
            placed = model.get(c.id)
            if c.id == criterion_id:
                weight = share
            elif c.id in node.siblings:
                weight = placed.share * (1 - share) / rest
            else:
                weight = placed.share
            out.append(
                Criterion(c.id, weight, c.kind, c.name, c.method, c.normalise, None, rebuild(c.children))
            )
        return tuple(out)

    return ScoringModel(rebuild(model.criteria), model.scale_max, model.allow_half_points)


@settings(max_examples=60, deadline=None)
@given(cases())
def test_the_winner_holds_at_both_ends_of_each_weight_range_and_loses_just_beyond(
    case: tuple[ScoringModel, list[Bid]],
) -> None:
    model, bids = case
    result = evaluate(model, bids)
    found = sensitivity(result)
    nudge = F(1, 10**9)
    for w in found.weights:
        if w.low is None or w.high is None:
            continue
        assert w.low <= w.current <= w.high
        for end in (w.low, w.high):
            moved = evaluate(with_share(model, w.criterion_id, end), bids)
            winner_total = moved.get(found.winner or "").total
            assert all(r.total is None or r.total <= (winner_total or 0) for r in moved.bids)
        if w.overtaken_below_by is not None:
            below = evaluate(with_share(model, w.criterion_id, w.low - nudge), bids)
            assert below.winner != found.winner
        if w.overtaken_above_by is not None:
            above = evaluate(with_share(model, w.criterion_id, w.high + nudge), bids)
            assert above.winner != found.winner


@settings(max_examples=60, deadline=None)
@given(cases())
def test_the_price_cut_found_makes_the_bid_win_and_one_cent_less_does_not(
    case: tuple[ScoringModel, list[Bid]],
) -> None:
    model, bids = case
    found = sensitivity(evaluate(model, bids))
    for cut in found.prices:
        if cut.reduction is None:
            continue

        def cut_by(amount: F, bid_id: str = cut.bid_id) -> list[Bid]:
            return [
                Bid(b.id, (b.price or F(1)) - amount, b.scores, b.name, b.rejected, b.rejection_reason)
                if b.id == bid_id
                else b
                for b in bids
            ]

        assert evaluate(model, cut_by(cut.reduction)).winner == cut.bid_id
        assert evaluate(model, cut_by(cut.reduction - F(1, 100))).winner != cut.bid_id
