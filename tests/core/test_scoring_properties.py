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


# --- issue 16: the methods that rank by evaluated price, decimal steps and the mean rule -----------------

EVALUATED_PRICE_METHODS = {
    "value_for_money": "nok_per_point",
    "value_for_money_offset": "nok_per_point",
    "price_surcharge": "surcharge_percent",
    "price_deduction": "deduction_percent",
}


@st.composite
def adjusted_cases(
    draw: st.DrawFn, method: str | None = None, parameter: F | None = None
) -> tuple[ScoringModel, list[Bid]]:
    """A model whose price is adjusted (price weight 0), a quality tree on a scale with a decimal step, and
    bids with scores on that step."""
    name = method or draw(st.sampled_from(sorted(EVALUATED_PRICE_METHODS)))
    key = EVALUATED_PRICE_METHODS[name]
    upper = 100 if key == "deduction_percent" else 200_000
    value = parameter if parameter is not None else F(draw(st.integers(1, upper)))
    step = draw(st.sampled_from([F(1), F(1, 2), F(1, 10), F(1, 4), F(0)]))
    scale_max = F(draw(st.sampled_from([5, 10, 100])))
    quality = draw(quality_tree("q", 1))
    model = ScoringModel(
        (
            Criterion("pris", F(0), CriterionKind.PRICE, method=make_price_method(name, {key: value})),
            Criterion("kvalitet", F(1), CriterionKind.QUALITY, children=quality),
        ),
        scale_max,
        scale_step=step,
    )
    leaves = [leaf.id for leaf in model.leaves if leaf.kind is CriterionKind.QUALITY]
    unit = step if step else F(1, 1000)
    most = int(scale_max / unit)
    bids = []
    for i in range(draw(st.integers(1, 6))):
        scores = {leaf: draw(st.integers(0, most)) * unit for leaf in leaves}
        bids.append(Bid(f"B{i}", F(draw(st.integers(1, 10_000_000)), 100), scores))
    return model, bids


def _with_method(model: ScoringModel, name: str, value: F) -> ScoringModel:
    key = EVALUATED_PRICE_METHODS[name]
    price, *rest = model.criteria
    swapped = Criterion(price.id, price.weight, price.kind, method=make_price_method(name, {key: value}))
    return ScoringModel((swapped, *rest), model.scale_max, scale_step=model.scale_step)


@settings(max_examples=150, deadline=None)
@given(adjusted_cases(), st.randoms(use_true_random=False))
def test_evaluated_price_ranks_do_not_depend_on_the_order_of_bids(
    case: tuple[ScoringModel, list[Bid]], rng: random.Random
) -> None:
    model, bids = case
    expected = evaluate(model, bids)
    shuffled = list(bids)
    rng.shuffle(shuffled)
    again = evaluate(model, shuffled)
    assert ranks(again) == ranks(expected)
    assert {r.bid.id: r.evaluated_price for r in again.bids} == {
        r.bid.id: r.evaluated_price for r in expected.bids
    }


@settings(max_examples=150, deadline=None)
@given(adjusted_cases())
def test_evaluated_prices_are_exact_fractions_of_the_formula(case: tuple[ScoringModel, list[Bid]]) -> None:
    model, bids = case
    method = model.price_method
    assert method is not None
    q_max = model.quality_max
    assert q_max == model.scale_max  # the quality criteria carry the whole level
    for r in evaluate(model, bids).bids:
        price = r.bid.price
        assert price is not None and r.total is not None
        assert isinstance(r.evaluated_price, F) and isinstance(r.total, F)
        q = (
            sum(
                (
                    r.bid.scores[leaf.id] * leaf.path_weight
                    for leaf in model.leaves
                    if leaf.kind is CriterionKind.QUALITY
                ),
                F(0),
            )
            if not any(leaf.normalise for leaf in model.leaves)
            else r.total
        )
        assert r.total == q
        parameter = next(iter(method.parameters().values()))
        expected = {
            "value_for_money": price - parameter * q,
            "value_for_money_offset": price + parameter * (q_max - q),
            "price_surcharge": price * (1 + parameter / 100 * (1 - q / q_max)),
            "price_deduction": price * (1 - parameter / 100 * q / q_max),
        }[method.name]
        assert r.evaluated_price == expected


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(sorted(EVALUATED_PRICE_METHODS)),
    st.integers(1, 100),
    st.fractions(min_value=F(1, 100), max_value=F(10**7)),
    st.fractions(min_value=0, max_value=F(10)),
    st.fractions(min_value=0, max_value=F(10)),
    st.fractions(min_value=0, max_value=F(10**6)),
)
def test_adjusted_prices_are_monotone_in_quality_and_in_price(
    name: str, parameter: int, price: F, q1: F, q2: F, extra: F
) -> None:
    method = make_price_method(name, {EVALUATED_PRICE_METHODS[name]: F(parameter)})
    q_max = F(10)
    low, high = sorted((q1, q2))
    more_quality = method.evaluated_price(price, high, q_max)
    less_quality = method.evaluated_price(price, low, q_max)
    assert more_quality is not None and less_quality is not None
    assert more_quality <= less_quality  # more quality never raises the evaluated price
    dearer = method.evaluated_price(price + extra, low, q_max)
    assert dearer is not None and dearer >= less_quality  # a higher price never lowers it


@settings(max_examples=150, deadline=None)
@given(adjusted_cases(method="value_for_money"))
def test_value_for_money_and_its_offset_form_rank_identically(case: tuple[ScoringModel, list[Bid]]) -> None:
    model, bids = case
    method = model.price_method
    assert method is not None
    offset = _with_method(model, "value_for_money_offset", method.parameters()["nok_per_point"])
    plain, shifted = evaluate(model, bids), evaluate(offset, bids)
    assert ranks(plain) == ranks(shifted)
    gap = method.parameters()["nok_per_point"] * model.quality_max
    for a, b in zip(plain.bids, shifted.bids, strict=True):
        assert a.evaluated_price is not None and b.evaluated_price is not None
        assert b.evaluated_price - a.evaluated_price == gap
        assert b.bid.price is not None and b.evaluated_price >= b.bid.price


@settings(max_examples=150, deadline=None)
@given(st.lists(st.integers(0, 50), min_size=1, max_size=7))
def test_the_mean_rule_is_the_exact_mean(tenths: list[int]) -> None:
    from tender.core.scoring import (
        ConsensusRule,
        EvaluationCase,
        IndividualScore,
        evaluate_case,
        mean_score,
    )

    scores = [F(t, 10) for t in tenths]
    model = ScoringModel((Criterion("k", F(100)),), F(5), scale_step=F(1, 10), consensus=ConsensusRule.MEAN)
    individual = {"A": tuple(IndividualScore(f"E{i}", "k", s) for i, s in enumerate(scores))}
    result = evaluate_case(EvaluationCase(model, (Bid("A"),), individual_scores=individual))
    assert result.get("A").criteria["k"].score == sum(scores, F(0)) / len(scores) == mean_score(scores)
