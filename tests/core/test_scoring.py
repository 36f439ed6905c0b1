"""The scoring core: price methods, quality points, weights, ranking, ties and sensitivity.

Expected values are worked out by hand in the comments, as exact fractions.
"""

from __future__ import annotations

from fractions import Fraction as F

import pytest

from tender.core.scoring import (
    PRICE_METHODS,
    Bid,
    Criterion,
    CriterionKind,
    EvaluationCase,
    IndividualScore,
    PriceContext,
    ScoringError,
    ScoringModel,
    WeightRange,
    evaluate,
    evaluate_case,
    make_price_method,
)
from tender.core.scoring.sensitivity import sensitivity

PRICE = CriterionKind.PRICE
QUALITY = CriterionKind.QUALITY


def price_criterion(method: str = "linear", weight: int | F = 30, **params: F) -> Criterion:
    return Criterion("pris", F(weight), PRICE, method=make_price_method(method, params))


def two_level_model(method: str = "linear", price_weight: int = 30, **params: F) -> ScoringModel:
    return ScoringModel(
        (
            price_criterion(method, price_weight, **params),
            Criterion("kvalitet", F(100 - price_weight), QUALITY),
        )
    )


def price_points(method: str, prices: dict[str, int], **params: F) -> dict[str, F | None]:
    model = two_level_model(method, **params)
    bids = [Bid(bid_id, F(p), {"kvalitet": F(5)}) for bid_id, p in prices.items()]
    result = evaluate(model, bids)
    return {r.bid.id: r.criteria["pris"].points for r in result.bids}


# --- price methods --------------------------------------------------------------------------------


def test_linear_points_mirror_the_percentage_gap_and_go_negative_above_twice_the_lowest() -> None:
    # Pb = 100: 150 is 50 % dearer → 10 − 5 = 5; 250 is 150 % dearer → 10 − 15 = −5
    assert price_points("linear", {"A": 100, "B": 150, "C": 250}) == {"A": 10, "B": 5, "C": -5}


def test_a_linear_bid_at_exactly_twice_the_lowest_price_gets_zero() -> None:
    assert price_points("linear", {"A": 100, "B": 200})["B"] == 0


def test_linear_floor_stops_at_zero() -> None:
    assert price_points("linear_floor", {"A": 100, "B": 150, "C": 250}) == {"A": 10, "B": 5, "C": 0}


def test_linear_zero_at_k_reaches_zero_at_k_times_the_lowest_price() -> None:
    # k = 3: P = 10·(1 − (Pe − 100)/200); 150 → 7.5; 250 → 2.5; 300 → 0; 400 → −5 floored to 0
    points = price_points("linear_zero_at", {"A": 100, "B": 150, "C": 250, "D": 300, "E": 400}, k=F(3))
    assert points == {"A": 10, "B": F(15, 2), "C": F(5, 2), "D": 0, "E": 0}


def test_proportional_points_are_max_times_lowest_over_price() -> None:
    # 10·100/150 = 20/3 exactly, not a rounded 6.67
    assert price_points("proportional", {"A": 100, "B": 150, "C": 250}) == {"A": 10, "B": F(20, 3), "C": 4}


def test_spread_points_run_from_max_at_the_lowest_to_zero_at_the_highest() -> None:
    # Ph − Pb = 150: 150 → 10·100/150 = 20/3
    assert price_points("spread", {"A": 100, "B": 150, "C": 250}) == {"A": 10, "B": F(20, 3), "C": 0}


@pytest.mark.parametrize("method", ["linear", "linear_floor", "proportional", "spread"])
def test_equal_prices_all_get_full_price_points(method: str) -> None:
    assert set(price_points(method, {"A": 500, "B": 500, "C": 500}).values()) == {10}


def test_equal_prices_all_get_full_points_with_linear_zero_at() -> None:
    assert set(price_points("linear_zero_at", {"A": 500, "B": 500}, k=F(2)).values()) == {10}


@pytest.mark.parametrize("method", ["linear", "linear_floor", "proportional", "spread"])
def test_a_single_bid_gets_full_price_points(method: str) -> None:
    assert price_points(method, {"A": 777}) == {"A": 10}


def test_a_rejected_lowest_bid_moves_pb_to_the_next_lowest() -> None:
    model = two_level_model("linear")
    bids = [
        Bid(
            "X", F(80), {"kvalitet": F(5)}, rejected=True, rejection_reason="Oppfyller ikke minstekrav R0004"
        ),
        Bid("A", F(100), {"kvalitet": F(5)}),
        Bid("B", F(150), {"kvalitet": F(5)}),
    ]
    result = evaluate(model, bids)
    assert result.price_context == PriceContext(lowest=F(100), highest=F(150), scale_max=F(10))
    by_id = {r.bid.id: r for r in result.bids}
    assert by_id["A"].criteria["pris"].points == 10
    assert by_id["B"].criteria["pris"].points == 5


def test_a_rejected_bid_has_no_rank_no_total_and_keeps_its_reason() -> None:
    model = two_level_model("linear")
    bids = [
        Bid("X", F(80), {"kvalitet": F(9)}, rejected=True, rejection_reason="Levert etter fristen"),
        Bid("A", F(100), {"kvalitet": F(5)}),
    ]
    rejected = evaluate(model, bids).bids[0]
    assert (rejected.rank, rejected.total, rejected.bid.rejection_reason) == (
        None,
        None,
        "Levert etter fristen",
    )


def test_a_rejected_bid_needs_a_recorded_reason() -> None:
    with pytest.raises(ScoringError) as caught:
        evaluate(two_level_model(), [Bid("A", F(100), {"kvalitet": F(5)}, rejected=True)])
    assert caught.value.problems[0].place == "bids[0].rejection_reason"


def test_value_for_money_deducts_the_priced_quality_and_ranks_by_evaluated_price() -> None:
    # 10 000 NOK per quality point: A 1 000 000 − 60 000 = 940 000; B 1 050 000 − 80 000 = 970 000;
    # C 1 020 000 − 90 000 = 930 000 → C, A, B
    model = ScoringModel(
        (
            Criterion(
                "pris", F(0), PRICE, method=make_price_method("value_for_money", {"nok_per_point": F(10_000)})
            ),
            Criterion("kvalitet", F(100), QUALITY),
        )
    )
    bids = [
        Bid("A", F(1_000_000), {"kvalitet": F(6)}),
        Bid("B", F(1_050_000), {"kvalitet": F(8)}),
        Bid("C", F(1_020_000), {"kvalitet": F(9)}),
    ]
    result = evaluate(model, bids)
    by_id = {r.bid.id: r for r in result.bids}
    assert {k: (r.evaluated_price, r.rank) for k, r in by_id.items()} == {
        "A": (940_000, 2),
        "B": (970_000, 3),
        "C": (930_000, 1),
    }
    assert by_id["C"].criteria["pris"].points is None
    assert by_id["C"].total == 9


def test_value_for_money_refuses_a_weighted_price_criterion() -> None:
    with pytest.raises(ScoringError) as caught:
        two_level_model("value_for_money", 30, nok_per_point=F(1000))
    assert caught.value.problems[0].place == "criteria[0].weight"


def test_every_price_method_shows_a_norwegian_label_and_a_formula() -> None:
    assert set(PRICE_METHODS) == {
        "linear",
        "linear_floor",
        "linear_zero_at",
        "proportional",
        "spread",
        "value_for_money",
        "value_for_money_offset",
        "price_surcharge",
        "price_deduction",
    }
    for cls in PRICE_METHODS.values():
        assert cls.label and cls.formula
    assert PRICE_METHODS["spread"].not_recommended
    assert not PRICE_METHODS["linear"].not_recommended


def test_an_unknown_price_method_names_the_known_ones() -> None:
    with pytest.raises(ScoringError) as caught:
        make_price_method("cheapest_wins", {}, place="criteria[0]")
    problem = caught.value.problems[0]
    assert problem.place == "criteria[0].method"
    assert "proportional" in problem.message


@pytest.mark.parametrize(
    ("name", "params", "place"),
    [
        ("linear_zero_at", {}, "criteria[0].k"),
        ("linear_zero_at", {"k": F(1)}, "criteria[0].k"),
        ("value_for_money", {"nok_per_point": F(-5)}, "criteria[0].nok_per_point"),
        ("linear", {"k": F(2)}, "criteria[0].k"),
    ],
)
def test_bad_price_method_parameters_are_refused_at_their_place(
    name: str, params: dict[str, F], place: str
) -> None:
    with pytest.raises(ScoringError) as caught:
        make_price_method(name, params, place="criteria[0]")
    assert caught.value.problems[0].place == place


# --- quality --------------------------------------------------------------------------------------


def test_half_points_are_accepted_when_allowed() -> None:
    model = ScoringModel((Criterion("kvalitet", F(100), QUALITY),), allow_half_points=True)
    result = evaluate(model, [Bid("A", None, {"kvalitet": F(15, 2)})])
    assert result.bids[0].total == F(15, 2)


def test_half_points_are_refused_when_not_allowed() -> None:
    model = ScoringModel((Criterion("kvalitet", F(100), QUALITY),))
    with pytest.raises(ScoringError) as caught:
        evaluate(model, [Bid("A", None, {"kvalitet": F(15, 2)})])
    assert caught.value.problems[0].place == "bids[0].scores.kvalitet"
    assert "half" in caught.value.problems[0].message


def test_quarter_points_are_refused_even_when_half_points_are_allowed() -> None:
    model = ScoringModel((Criterion("kvalitet", F(100), QUALITY),), allow_half_points=True)
    with pytest.raises(ScoringError):
        evaluate(model, [Bid("A", None, {"kvalitet": F(29, 4)})])


@pytest.mark.parametrize("score", [F(11), F(-1)])
def test_scores_outside_the_scale_are_errors(score: F) -> None:
    model = ScoringModel((Criterion("kvalitet", F(100), QUALITY),))
    with pytest.raises(ScoringError) as caught:
        evaluate(model, [Bid("A", None, {"kvalitet": score})])
    assert "0–10" in caught.value.problems[0].message


def test_a_score_for_an_unknown_criterion_is_an_error() -> None:
    model = ScoringModel((Criterion("kvalitet", F(100), QUALITY),))
    with pytest.raises(ScoringError) as caught:
        evaluate(model, [Bid("A", None, {"kvalitet": F(5), "kvalitett": F(5)})])
    assert caught.value.problems[0].place == "bids[0].scores.kvalitett"


def test_a_missing_score_is_an_error_for_a_bid_still_in_the_competition() -> None:
    model = ScoringModel((Criterion("a", F(50), QUALITY), Criterion("b", F(50), QUALITY)))
    with pytest.raises(ScoringError) as caught:
        evaluate(model, [Bid("A", None, {"a": F(5)})])
    assert caught.value.problems[0].place == "bids[0].scores"
    assert "'b'" in caught.value.problems[0].message


@pytest.mark.parametrize("price", [F(0), F(-100)])
def test_zero_or_negative_prices_are_refused(price: F) -> None:
    with pytest.raises(ScoringError) as caught:
        evaluate(two_level_model(), [Bid("A", price, {"kvalitet": F(5)})])
    assert caught.value.problems[0].place == "bids[0].price"


def test_normalisation_gives_the_best_score_max_and_scales_the_others() -> None:
    # 8 and 4 become 10 and 5
    model = ScoringModel((Criterion("kvalitet", F(100), QUALITY, normalise=True),))
    result = evaluate(model, [Bid("A", None, {"kvalitet": F(8)}), Bid("B", None, {"kvalitet": F(4)})])
    assert [r.criteria["kvalitet"].points for r in result.bids] == [10, 5]
    assert [r.criteria["kvalitet"].score for r in result.bids] == [8, 4]


def test_normalisation_when_the_best_score_is_zero_gives_everyone_zero() -> None:
    model = ScoringModel((Criterion("kvalitet", F(100), QUALITY, normalise=True),))
    result = evaluate(model, [Bid("A", None, {"kvalitet": F(0)}), Bid("B", None, {"kvalitet": F(0)})])
    assert [r.criteria["kvalitet"].points for r in result.bids] == [0, 0]


def test_normalisation_ignores_a_rejected_bids_better_score() -> None:
    model = ScoringModel((Criterion("kvalitet", F(100), QUALITY, normalise=True),))
    bids = [
        Bid("X", None, {"kvalitet": F(10)}, rejected=True, rejection_reason="Avvik fra minstekrav"),
        Bid("A", None, {"kvalitet": F(8)}),
        Bid("B", None, {"kvalitet": F(4)}),
    ]
    assert [r.criteria["kvalitet"].points for r in evaluate(model, bids).bids] == [None, 10, 5]


def test_normalisation_set_on_a_group_applies_to_every_leaf_below_it() -> None:
    model = ScoringModel(
        (
            Criterion(
                "kvalitet",
                F(100),
                QUALITY,
                normalise=True,
                children=(Criterion("a", F(50)), Criterion("b", F(50), normalise=False)),
            ),
        )
    )
    result = evaluate(model, [Bid("A", None, {"a": F(4), "b": F(4)}), Bid("B", None, {"a": F(2), "b": F(2)})])
    assert [(r.criteria["a"].points, r.criteria["b"].points) for r in result.bids] == [(10, 4), (5, 2)]


# --- weights and the tree -------------------------------------------------------------------------


CASE_BIDS = [
    Bid("A", F(1_200_000), {"arkiv": F(7), "bruk": F(8)}),
    Bid("B", F(950_000), {"arkiv": F(6), "bruk": F(5)}),
]


def case_model(pris: F, kvalitet: F, arkiv: F, bruk: F) -> ScoringModel:
    return ScoringModel(
        (
            Criterion("pris", pris, PRICE, method=make_price_method("proportional")),
            Criterion(
                "kvalitet", kvalitet, QUALITY, children=(Criterion("arkiv", arkiv), Criterion("bruk", bruk))
            ),
        )
    )


def test_the_example_case_is_scored_by_hand() -> None:
    # A: price 10·950/1200 = 95/12, × 0.3 = 2.375; arkiv 7 × 0.42 = 2.94; bruk 8 × 0.28 = 2.24 → 7.555
    # B: price 10 × 0.3 = 3; arkiv 6 × 0.42 = 2.52; bruk 5 × 0.28 = 1.40 → 6.92
    result = evaluate(case_model(F(30), F(70), F(60), F(40)), CASE_BIDS)
    a, b = result.bids
    assert a.criteria["pris"].points == F(95, 12)
    assert a.criteria["pris"].weighted == F(2375, 1000)
    assert a.criteria["arkiv"].weighted == F(294, 100)
    assert (a.total, b.total) == (F(7555, 1000), F(692, 100))
    assert (a.rank, b.rank) == (1, 2)
    assert result.winner == "A"


def test_a_group_shows_its_points_on_the_scale_and_the_sum_of_its_weighted_children() -> None:
    # kvalitet for A: 7·0.6 + 8·0.4 = 7.4 points; weighted 2.94 + 2.24 = 5.18
    a = evaluate(case_model(F(30), F(70), F(60), F(40)), CASE_BIDS).bids[0]
    assert (a.criteria["kvalitet"].points, a.criteria["kvalitet"].weighted) == (F(74, 10), F(518, 100))


def test_weights_as_fractions_and_as_percentages_give_identical_results() -> None:
    as_percent = evaluate(case_model(F(30), F(70), F(60), F(40)), CASE_BIDS)
    as_fraction = evaluate(case_model(F(3, 10), F(7, 10), F(6, 10), F(4, 10)), CASE_BIDS)
    assert [(r.total, r.rank, r.criteria) for r in as_percent.bids] == [
        (r.total, r.rank, r.criteria) for r in as_fraction.bids
    ]


def test_one_level_in_percent_and_another_in_fractions_is_fine() -> None:
    mixed = evaluate(case_model(F(30), F(70), F(6, 10), F(4, 10)), CASE_BIDS)
    assert [r.total for r in mixed.bids] == [F(7555, 1000), F(692, 100)]


def test_a_deep_criteria_tree_multiplies_the_weights_along_the_path() -> None:
    # pris 40 %; kvalitet 60 % → funksjon 50 % → (arkiv 50 %, sak 50 %), bruk 50 %
    # path weights: arkiv = sak = 0.6·0.5·0.5 = 0.15, bruk = 0.3, pris = 0.4
    model = ScoringModel(
        (
            Criterion("pris", F(40), PRICE, method=make_price_method("linear")),
            Criterion(
                "kvalitet",
                F(60),
                QUALITY,
                children=(
                    Criterion(
                        "funksjon", F(50), children=(Criterion("arkiv", F(50)), Criterion("sak", F(50)))
                    ),
                    Criterion("bruk", F(50)),
                ),
            ),
        )
    )
    assert model.get("sak").path_weight == F(15, 100)
    assert model.get("sak").kind is QUALITY
    result = evaluate(model, [Bid("A", F(100), {"arkiv": F(8), "sak": F(6), "bruk": F(5)})])
    # 10·0.4 + 8·0.15 + 6·0.15 + 5·0.3 = 4 + 1.2 + 0.9 + 1.5 = 7.6; funksjon points 7, weighted 2.1
    a = result.bids[0]
    assert a.total == F(76, 10)
    assert (a.criteria["funksjon"].points, a.criteria["funksjon"].weighted) == (7, F(21, 10))


def test_weights_that_do_not_sum_are_refused_with_each_levels_sum() -> None:
    with pytest.raises(ScoringError) as caught:
        ScoringModel(
            (
                Criterion("pris", F(30), PRICE, method=make_price_method("linear")),
                Criterion(
                    "kvalitet", F(60), QUALITY, children=(Criterion("a", F(60)), Criterion("b", F(30)))
                ),
            )
        )
    messages = {p.place: p.message for p in caught.value.problems}
    assert set(messages) == {"criteria", "criteria[1].children"}
    assert "sum to 90, not 100" in messages["criteria"]
    assert "sum to 90, not 100" in messages["criteria[1].children"]
    assert "a 60 + b 30" in messages["criteria[1].children"]


def test_fractions_that_do_not_sum_to_one_are_reported_as_fractions() -> None:
    with pytest.raises(ScoringError) as caught:
        ScoringModel((Criterion("a", F(1, 2), QUALITY), Criterion("b", F(4, 10), QUALITY)))
    assert "sum to 0.9, not 1" in caught.value.problems[0].message


def test_a_negative_weight_is_refused() -> None:
    with pytest.raises(ScoringError) as caught:
        ScoringModel((Criterion("a", F(110), QUALITY), Criterion("b", F(-10), QUALITY)))
    assert any(p.place == "criteria[1].weight" for p in caught.value.problems)


def test_a_weight_outside_its_announced_range_is_refused() -> None:
    with pytest.raises(ScoringError) as caught:
        ScoringModel(
            (
                Criterion(
                    "pris",
                    F(30),
                    PRICE,
                    method=make_price_method("linear"),
                    weight_range=WeightRange(F(35), F(45)),
                ),
                Criterion("kvalitet", F(70), QUALITY),
            )
        )
    assert caught.value.problems[0].place == "criteria[0].weight"
    assert "35–45" in caught.value.problems[0].message


def test_a_price_criterion_under_a_quality_group_is_refused() -> None:
    with pytest.raises(ScoringError) as caught:
        ScoringModel(
            (
                Criterion(
                    "kvalitet",
                    F(100),
                    QUALITY,
                    children=(Criterion("pris", F(100), PRICE, method=make_price_method("linear")),),
                ),
            )
        )
    assert caught.value.problems[0].place == "criteria[0].children[0].kind"


def test_duplicate_criterion_ids_are_refused() -> None:
    with pytest.raises(ScoringError) as caught:
        ScoringModel((Criterion("a", F(50), QUALITY), Criterion("a", F(50), QUALITY)))
    assert caught.value.problems[0].place == "criteria[1].id"


def test_a_score_on_a_group_instead_of_its_leaves_is_refused() -> None:
    with pytest.raises(ScoringError) as caught:
        evaluate(case_model(F(30), F(70), F(60), F(40)), [Bid("A", F(1), {"kvalitet": F(5)})])
    assert any(p.place == "bids[0].scores.kvalitet" for p in caught.value.problems)


# --- ranking and ties -----------------------------------------------------------------------------


def quality_only_bids(**scores: int) -> tuple[ScoringModel, list[Bid]]:
    model = ScoringModel((Criterion("kvalitet", F(100), QUALITY),))
    return model, [Bid(k, None, {"kvalitet": F(v)}) for k, v in scores.items()]


def test_equal_totals_share_the_rank_and_the_tie_is_flagged() -> None:
    model, bids = quality_only_bids(A=7, B=7, C=5)
    result = evaluate(model, bids)
    assert [r.rank for r in result.bids] == [1, 1, 3]
    assert result.unresolved_ties == (("A", "B"),)
    assert result.winner is None
    assert [r.tied for r in result.bids] == [True, True, False]


def test_a_recorded_tie_break_order_resolves_the_tie() -> None:
    model, bids = quality_only_bids(A=7, B=7, C=5)
    result = evaluate(model, bids, tie_break=("B", "A"))
    assert [r.rank for r in result.bids] == [2, 1, 3]
    assert result.unresolved_ties == ()
    assert result.winner == "B"


def test_bids_left_out_of_the_tie_break_order_stay_tied_and_flagged() -> None:
    model, bids = quality_only_bids(A=7, B=7, C=7)
    result = evaluate(model, bids, tie_break=("C",))
    assert [r.rank for r in result.bids] == [2, 2, 1]
    assert result.unresolved_ties == (("A", "B"),)


def test_a_tie_break_naming_an_unknown_bid_is_refused() -> None:
    model, bids = quality_only_bids(A=7, B=7)
    with pytest.raises(ScoringError) as caught:
        evaluate(model, bids, tie_break=("A", "Z"))
    assert caught.value.problems[0].place == "tie_break[1]"


def test_ranking_uses_unrounded_totals() -> None:
    # 10·100/100.04 = 9.996…: shown as 10.00 like the lowest bid's 10, but ranked below it
    model = ScoringModel((Criterion("pris", F(100), PRICE, method=make_price_method("proportional")),))
    bids = [Bid("A", F(10004, 100)), Bid("B", F(100))]
    result = evaluate(model, bids)
    assert result.bids[0].total == F(100_000, 10_004)
    assert [r.rank for r in result.bids] == [2, 1]
    assert result.unresolved_ties == ()


# --- individual scores ----------------------------------------------------------------------------


def test_individual_scores_are_checked_against_the_scale_and_the_criteria() -> None:
    model, bids = quality_only_bids(A=7)
    case = EvaluationCase(
        model,
        tuple(bids),
        individual_scores={
            "A": (IndividualScore("Kari", "kvalitet", F(7)), IndividualScore("Ola", "pris", F(12)))
        },
    )
    with pytest.raises(ScoringError) as caught:
        evaluate_case(case)
    places = [p.place for p in caught.value.problems]
    assert places == ["bids[0].individual_scores[1].criterion", "bids[0].individual_scores[1].score"]


# --- sensitivity ----------------------------------------------------------------------------------


def sensitivity_case(price_weight: int = 70) -> tuple[ScoringModel, list[Bid]]:
    model = two_level_model("linear", price_weight)
    bids = [
        Bid("A", F(1_000_000), {"kvalitet": F(5)}),
        Bid("B", F(1_250_000), {"kvalitet": F(9)}),
    ]
    return model, bids


def test_sensitivity_gives_the_exact_weight_range_within_which_the_winner_stays() -> None:
    # with price weight w: A = 10w + 5(1 − w) = 5 + 5w; B = 7.5w + 9(1 − w) = 9 − 1.5w;
    # A ≥ B ⇔ w ≥ 4/6.5 = 8/13. Quality weight q = 1 − w ≤ 5/13.
    model, bids = sensitivity_case()
    found = sensitivity(evaluate(model, bids))
    assert found.winner == "A"
    by_id = {w.criterion_id: w for w in found.weights}
    assert (by_id["pris"].low, by_id["pris"].high) == (F(8, 13), F(1))
    assert by_id["pris"].overtaken_below_by == "B"
    assert by_id["pris"].overtaken_above_by is None
    assert (by_id["kvalitet"].low, by_id["kvalitet"].high) == (F(0), F(5, 13))
    assert by_id["kvalitet"].overtaken_above_by == "B"


def test_sensitivity_finds_the_price_cut_to_the_cent_that_would_make_a_bid_win() -> None:
    # B keeps Pb = 1 000 000 while dearer: B = 0.7·(20 − p/100 000) + 0.3·9 = 16.7 − 0.07·p/10 000,
    # A = 8.5, so B wins when p < 1 171 428.5714…: at most 1 171 428.57, a cut of 78 571.43 NOK.
    model, bids = sensitivity_case()
    found = sensitivity(evaluate(model, bids))
    (b,) = found.prices
    assert b.bid_id == "B"
    assert b.reduction == F(7_857_143, 100)
    assert b.reduction_percent == F(7_857_143, 100) / F(1_250_000) * 100
    cheaper = evaluate(model, [bids[0], Bid("B", F(117_142_857, 100), {"kvalitet": F(9)})])
    one_cent_less_cut = evaluate(model, [bids[0], Bid("B", F(117_142_858, 100), {"kvalitet": F(9)})])
    assert cheaper.winner == "B"
    assert one_cent_less_cut.winner == "A"


def test_a_bid_that_cannot_win_on_price_alone_gets_no_price_cut() -> None:
    # price weight 10 %: A has 0.9·10 = 9 from quality alone, B (quality 0) can reach at most 0.1·10 = 1
    model = two_level_model("linear_floor", 10)
    bids = [Bid("A", F(1000), {"kvalitet": F(10)}), Bid("B", F(900), {"kvalitet": F(0)})]
    found = sensitivity(evaluate(model, bids))
    assert found.prices[0].bid_id == "B"
    assert found.prices[0].reduction is None


def test_sensitivity_reports_whether_the_winner_holds_over_the_announced_range() -> None:
    model = ScoringModel(
        (
            Criterion(
                "pris",
                F(70),
                PRICE,
                method=make_price_method("linear"),
                weight_range=WeightRange(F(60), F(80)),
            ),
            Criterion("kvalitet", F(30), QUALITY),
        )
    )
    _, bids = sensitivity_case()
    by_id = {w.criterion_id: w for w in sensitivity(evaluate(model, bids)).weights}
    # the winner holds from 8/13 ≈ 61.5 %, so a price weight of 60 % would change it
    assert by_id["pris"].holds_over_announced_range is False
    assert by_id["kvalitet"].holds_over_announced_range is None


def test_value_for_money_price_cuts_are_measured_in_evaluated_price() -> None:
    # C wins at 930 000 evaluated. B (quality 8) needs p − 80 000 < 930 000: p ≤ 1 009 999.99,
    # a cut of 40 000.01; A (quality 6) needs p − 60 000 < 930 000: a cut of 10 000.01
    model = ScoringModel(
        (
            Criterion(
                "pris", F(0), PRICE, method=make_price_method("value_for_money", {"nok_per_point": F(10_000)})
            ),
            Criterion("kvalitet", F(100), QUALITY),
        )
    )
    bids = [
        Bid("A", F(1_000_000), {"kvalitet": F(6)}),
        Bid("B", F(1_050_000), {"kvalitet": F(8)}),
        Bid("C", F(1_020_000), {"kvalitet": F(9)}),
    ]
    found = sensitivity(evaluate(model, bids))
    assert {p.bid_id: p.reduction for p in found.prices} == {"A": F(1_000_001, 100), "B": F(4_000_001, 100)}
    assert {w.criterion_id: w.note for w in found.weights}[
        "pris"
    ] == "price is not weighted: it enters the evaluated price (value for money, surcharge or deduction)"


def test_a_criterion_alone_on_its_level_has_no_weight_range() -> None:
    model = ScoringModel((Criterion("kvalitet", F(100), QUALITY, children=(Criterion("a", F(100)),)),))
    found = sensitivity(evaluate(model, [Bid("A", None, {"a": F(7)}), Bid("B", None, {"a": F(5)})]))
    assert all(w.low is None and w.note == "the only weighted criterion on its level" for w in found.weights)


def test_the_scoring_core_imports_only_the_standard_library_and_the_core() -> None:
    import ast
    import sys
    from pathlib import Path

    import tender.core

    core = Path(tender.core.__file__).parent
    for module in sorted(core.glob("scoring*.py")):
        tree = ast.parse(module.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else ([node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            )
            for name in names:
                top = name.split(".")[0]
                assert (
                    name.startswith("tender.core") or top == "__future__" or top in sys.stdlib_module_names
                ), f"{module.name} imports {name}"
