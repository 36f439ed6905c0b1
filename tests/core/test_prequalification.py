"""The pure rules of prequalification: candidate limits, selection criteria, ranking, invitation, hashes."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from fractions import Fraction as F

import pytest

from tender.core.prequalification import (
    DEFAULT_MINIMUM,
    EXCLUDED,
    NOT_QUALIFIED,
    SCORES_INVALID,
    SCORES_MISSING,
    ExclusionGround,
    PrequalificationSetup,
    QualificationRequirement,
    Request,
    ScaleStep,
    SelectionCriterion,
    TieDecision,
    check_candidate_limits,
    check_invitation,
    check_scale,
    check_selection_criteria,
    check_setup,
    exact_text,
    has_prequalification_by_default,
    legal_minimum,
    rank_requests,
    selection_canonical_form,
    selection_hash,
    selection_model,
    setup_canonical_form,
    setup_canonical_json,
    setup_hash,
    utc_iso,
)
from tender.core.scoring import CriterionKind, ScoringError


def codes(problems) -> list[str]:
    return [p.code for p in problems]


CRITERIA = (
    SelectionCriterion("ref", "Referanser fra kommuner", F(60)),
    SelectionCriterion("kom", "Kompetanse", F(40)),
)
MODEL = selection_model(CRITERIA)


def request(rid: str, ref: int | None, kom: int | None, **kw) -> Request:
    scores = {k: v for k, v in (("ref", ref), ("kom", kom)) if v is not None}
    return Request(rid, f"Leverandør {rid}", kw.pop("qualified", True), scores=scores, **kw)


# --- candidate limits ------------------------------------------------------------------------------


def test_the_procedure_decides_whether_a_prequalification_is_the_default() -> None:
    assert has_prequalification_by_default("competitive_negotiation") is True
    assert has_prequalification_by_default("restricted") is True
    assert has_prequalification_by_default("open") is False
    assert legal_minimum("competitive_negotiation") == 3
    assert legal_minimum("restricted") == 5
    assert legal_minimum("open") is None


def test_two_candidates_in_a_competitive_negotiation_are_refused_with_the_procedure_and_legal_minimum() -> (
    None
):
    problems = check_candidate_limits("competitive_negotiation", 2, None)
    assert len(problems) == 1
    assert problems[0].place == "minimum"
    assert problems[0].code == "minimum_below_legal"
    assert problems[0].values == {"procedure": "competitive_negotiation", "minimum": 2, "legal_minimum": 3}


def test_three_candidates_in_a_competitive_negotiation_are_enough() -> None:
    assert check_candidate_limits("competitive_negotiation", 3, None) == []
    assert check_candidate_limits("competitive_negotiation", 3, 3) == []
    assert check_candidate_limits("competitive_negotiation", 3, 6) == []


def test_four_candidates_in_a_restricted_procedure_are_refused_and_five_are_enough() -> None:
    problems = check_candidate_limits("restricted", 4, 8)
    assert codes(problems) == ["minimum_below_legal"]
    assert problems[0].values["legal_minimum"] == 5
    assert check_candidate_limits("restricted", 5, 8) == []


def test_a_maximum_below_the_minimum_is_refused() -> None:
    problems = check_candidate_limits("competitive_negotiation", 4, 3)
    assert codes(problems) == ["maximum_below_minimum"]
    assert problems[0].values == {"minimum": 4, "maximum": 3}
    assert problems[0].place == "maximum"


def test_zero_or_negative_numbers_of_candidates_are_refused() -> None:
    assert codes(check_candidate_limits("open", 0, None)) == ["minimum_not_positive"]
    assert codes(check_candidate_limits("open", -1, None)) == ["minimum_not_positive"]
    assert codes(check_candidate_limits("competitive_negotiation", 3, 0)) == ["maximum_not_positive"]
    assert codes(check_candidate_limits("competitive_negotiation", 3, -4)) == ["maximum_not_positive"]


def test_a_minimum_must_be_announced_and_an_unknown_procedure_is_refused() -> None:
    assert codes(check_candidate_limits("restricted", None, 6)) == ["minimum_missing"]
    problems = check_candidate_limits("dialogue", 3, None)
    assert codes(problems) == ["procedure_unknown"]


def test_the_legal_minimums_are_settings_the_caller_may_override() -> None:
    stricter = {**DEFAULT_MINIMUM, "competitive_negotiation": 4}
    problems = check_candidate_limits("competitive_negotiation", 3, None, stricter)
    assert codes(problems) == ["minimum_below_legal"]
    assert problems[0].values["legal_minimum"] == 4
    assert check_candidate_limits("restricted", 4, None, {"restricted": 3}) == []


def test_an_open_procedure_has_no_legal_minimum_but_still_needs_positive_numbers() -> None:
    assert check_candidate_limits("open", 1, 2) == []


# --- selection criteria ----------------------------------------------------------------------------


def test_selection_criteria_become_a_quality_only_model_on_the_scale_0_to_10() -> None:
    assert MODEL.scale_max == 10
    assert [leaf.id for leaf in MODEL.leaves] == ["ref", "kom"]
    assert all(leaf.kind is CriterionKind.QUALITY for leaf in MODEL.leaves)
    assert MODEL.price_criterion is None
    assert MODEL.get("ref").path_weight == F(3, 5)
    assert MODEL.get("ref").name == "Referanser fra kommuner"


@pytest.mark.parametrize(
    ("weights", "total"),
    [
        ((F(60), F(30)), F(90)),
        ((F(60), Decimal("40.5")), F(201, 2)),
        ((F(1, 2), F(1, 2)), F(1)),  # shares summing to 1 are not percent summing to 100
    ],
)
def test_weights_not_summing_to_100_percent_are_refused_with_their_total(weights, total) -> None:
    criteria = [SelectionCriterion(f"k{i}", f"Kriterium {i}", w) for i, w in enumerate(weights)]
    problems = check_selection_criteria(criteria)
    assert codes(problems) == ["selection_weight_sum"]
    assert problems[0].values["total"] == total
    assert problems[0].values["parts"] == tuple((f"Kriterium {i}", F(w)) for i, w in enumerate(weights))
    with pytest.raises(ScoringError) as raised:
        selection_model(criteria)
    assert codes(raised.value.problems) == ["selection_weight_sum"]
    assert "selection_weight_sum" in str(raised.value)


def test_fractional_weights_summing_exactly_to_100_are_accepted() -> None:
    thirds = [SelectionCriterion(f"k{i}", f"Kriterium {i}", F(100, 3)) for i in range(3)]
    assert check_selection_criteria(thirds) == []
    assert selection_model(thirds).get("k0").path_weight == F(1, 3)
    decimals = [
        SelectionCriterion("a", "A", Decimal("33.5")),
        SelectionCriterion("b", "B", Decimal("66.50")),
    ]
    assert check_selection_criteria(decimals) == []


def test_the_scoring_cores_problems_are_reused_for_ids_negative_weights_and_no_criteria() -> None:
    assert codes(check_selection_criteria([])) == ["no_criteria"]
    problems = check_selection_criteria(
        [
            SelectionCriterion("a", "A", F(120)),
            SelectionCriterion("a", "A igjen", F(-20)),
            SelectionCriterion(" ", "Uten id", F(0)),
        ]
    )
    assert sorted(codes(problems)) == ["criterion_id_duplicate", "criterion_id_missing", "weight_negative"]
    assert "level_sum" not in codes(problems)  # the sum is 100: no sum problem of either kind


def test_a_criterion_without_a_name_is_refused() -> None:
    problems = check_selection_criteria([SelectionCriterion("a", "  ", F(100))])
    assert codes(problems) == ["selection_name_missing"]
    assert problems[0].place == "criteria[0].name"


def test_the_scale_descriptors_must_lie_on_the_scale_once_each_with_a_text() -> None:
    good = [ScaleStep(0, "Ikke dokumentert"), ScaleStep(5, "Tilfredsstillende"), ScaleStep(10, "Svært godt")]
    assert check_scale(good) == []
    problems = check_scale(
        [ScaleStep(11, "For høyt"), ScaleStep(5, "Fem"), ScaleStep(5, ""), ScaleStep(-1, "x")]
    )
    assert codes(problems) == [
        "descriptor_off_scale",
        "descriptor_duplicate",
        "descriptor_text_missing",
        "descriptor_off_scale",
    ]


# --- ranking ---------------------------------------------------------------------------------------


def test_qualified_requests_are_ranked_by_weighted_selection_score_with_points_per_criterion() -> None:
    ranking = rank_requests(MODEL, [request("A", 8, 6), request("B", 9, 9), request("C", 5, 5)], (), 2)
    assert [(r.request.id, r.rank, r.total) for r in ranking.rows] == [
        ("B", 1, F(9)),
        ("A", 2, F(36, 5)),
        ("C", 3, F(5)),
    ]
    a = ranking.get("A")
    assert a is not None
    assert [(p.criterion_id, p.score, p.weighted) for p in a.points] == [
        ("ref", F(8), F(24, 5)),
        ("kom", F(6), F(12, 5)),
    ]
    assert [r.within_maximum for r in ranking.rows] == [True, True, False]
    assert ranking.cutoff_tie is None and ranking.can_propose
    assert ranking.proposal() == ("B", "A")


def test_not_qualified_and_excluded_requests_are_left_out_of_the_ranking_with_the_reason() -> None:
    ranking = rank_requests(
        MODEL,
        [request("A", 8, 6), request("B", 10, 10, qualified=False), request("C", 10, 10, excluded=True)],
        (),
        1,
    )
    assert [r.request.id for r in ranking.rows] == ["A"]
    assert [(u.request.id, u.reason) for u in ranking.unranked] == [("B", NOT_QUALIFIED), ("C", EXCLUDED)]
    assert ranking.proposal() == ("A",)


def test_a_tie_at_the_cut_off_without_a_decision_is_unresolved_and_blocks_the_proposal() -> None:
    # A and B both have 7.2 and share place 2; the maximum is 2: one of them must be left out
    requests = [request("A", 8, 6), request("B", 6, 9), request("C", 9, 9), request("D", 5, 5)]
    ranking = rank_requests(MODEL, requests, (), 2)
    assert [(r.request.id, r.rank, r.tied) for r in ranking.rows] == [
        ("C", 1, False),
        ("A", 2, True),
        ("B", 2, True),
        ("D", 4, False),
    ]
    tie = ranking.cutoff_tie
    assert tie is not None
    assert tie.request_ids == ("A", "B")
    assert tie.names == ("Leverandør A", "Leverandør B")
    assert tie.total == F(36, 5) and tie.rank == 2 and tie.places_left == 1
    assert codes(ranking.blocking) == ["cutoff_tie_unresolved"]
    assert ranking.blocking[0].values["total"] == F(36, 5)
    assert ranking.blocking[0].values["names"] == ("Leverandør A", "Leverandør B")
    assert not ranking.can_propose and ranking.proposal() is None
    assert [r.within_maximum for r in ranking.rows] == [True, False, False, False]
    # the ranking never decides by the order the requests came in
    assert rank_requests(MODEL, list(reversed(requests)), (), 2).cutoff_tie == tie


def test_a_recorded_decision_resolves_the_tie_at_the_cut_off() -> None:
    requests = [request("A", 8, 6), request("B", 6, 9), request("C", 9, 9), request("D", 5, 5)]
    ranking = rank_requests(MODEL, requests, ("B", "A"), 2)
    assert [(r.request.id, r.rank, r.tied) for r in ranking.rows] == [
        ("C", 1, False),
        ("B", 2, False),
        ("A", 3, False),
        ("D", 4, False),
    ]
    assert ranking.cutoff_tie is None and ranking.blocking == ()
    assert ranking.proposal() == ("C", "B")
    assert check_invitation(ranking, ["C", "B"], 2) == []


def test_a_decision_that_leaves_out_one_of_the_tied_requests_does_not_resolve_the_tie() -> None:
    # D's score rose to A's and B's after the decision between A and B: D was never part of it
    requests = [request("A", 8, 6), request("B", 6, 9), request("C", 9, 9), request("D", 8, 6)]
    ranking = rank_requests(MODEL, requests, ("B", "A"), 2)
    assert ranking.cutoff_tie is not None
    assert ranking.cutoff_tie.request_ids == ("A", "B", "D")
    assert ranking.cutoff_tie.places_left == 1
    assert rank_requests(MODEL, requests, ("B", "D", "A"), 2).proposal() == ("C", "B")


def test_a_tie_inside_or_below_the_cut_off_is_shown_but_harmless() -> None:
    # A and B tie on places 1–2 with a maximum of 3: both are in; D and E tie on 4–5: both are out
    requests = [
        request("A", 9, 9),
        request("B", 9, 9),
        request("C", 8, 6),
        request("D", 5, 5),
        request("E", 5, 5),
    ]
    ranking = rank_requests(MODEL, requests, (), 3)
    assert ranking.ties == (("A", "B"), ("D", "E"))
    assert ranking.cutoff_tie is None and ranking.can_propose
    assert ranking.proposal() == ("A", "B", "C")
    assert [(r.request.id, r.tied, r.within_maximum) for r in ranking.rows] == [
        ("A", True, True),
        ("B", True, True),
        ("C", False, True),
        ("D", True, False),
        ("E", True, False),
    ]


def test_a_tie_exactly_filling_the_last_places_is_not_at_the_cut_off() -> None:
    ranking = rank_requests(MODEL, [request("A", 9, 9), request("B", 7, 7), request("C", 7, 7)], (), 3)
    assert ranking.ties == (("B", "C"),) and ranking.cutoff_tie is None
    assert ranking.proposal() == ("A", "B", "C")


def test_missing_scores_are_reported_and_block_a_selection() -> None:
    requests = [request("A", 8, 6), request("B", 9, None), request("C", None, None), request("D", 5, 5)]
    ranking = rank_requests(MODEL, requests, (), 2)
    assert [r.request.id for r in ranking.rows] == ["A", "D"]
    assert [(u.request.id, u.reason) for u in ranking.unranked] == [
        ("B", SCORES_MISSING),
        ("C", SCORES_MISSING),
    ]
    assert codes(ranking.problems) == ["selection_score_missing", "selection_score_missing"]
    assert ranking.problems[0].values == {
        "request": "B",
        "name": "Leverandør B",
        "criteria": ("kom",),
        "criterion_names": ("Kompetanse",),
    }
    assert ranking.problems[1].values["criteria"] == ("ref", "kom")
    assert ranking.problems[0].place == "requests[1].scores"
    assert ranking.blocking == ranking.problems and ranking.proposal() is None
    assert codes(check_invitation(ranking, ["A", "D"], 2))[:2] == codes(ranking.problems)


def test_a_score_given_as_none_is_missing_too() -> None:
    ranking = rank_requests(MODEL, [Request("A", "A AS", True, scores={"ref": 5, "kom": None})], (), 2)
    assert codes(ranking.problems) == ["selection_score_missing"]


def test_missing_scores_do_not_block_when_every_qualified_request_is_invited_anyway() -> None:
    ranking = rank_requests(MODEL, [request("A", 8, 6), request("B", None, None)], (), 3)
    assert codes(ranking.problems) == ["selection_score_missing"]
    assert ranking.blocking == () and not ranking.selection_needed
    assert ranking.proposal() == ("A", "B")
    assert check_invitation(ranking, ["A", "B"], 3) == []


def test_a_score_off_the_scale_is_reported_with_the_scoring_cores_code() -> None:
    ranking = rank_requests(
        MODEL, [request("A", 11, 6), request("B", 7, F(13, 2)), request("C", 5, 5)], (), 1
    )
    assert codes(ranking.problems) == ["score_off_scale", "half_points_not_allowed"]
    assert ranking.problems[0].place == "requests[0].scores.ref"
    assert [(u.request.id, u.reason) for u in ranking.unranked] == [
        ("A", SCORES_INVALID),
        ("B", SCORES_INVALID),
    ]
    halves = selection_model(CRITERIA, allow_half_points=True)
    assert codes(rank_requests(halves, [request("B", 7, F(13, 2))], (), 1).problems) == []


def test_decimal_scores_are_exact() -> None:
    ranking = rank_requests(
        MODEL, [Request("A", "A AS", True, scores={"ref": Decimal("7"), "kom": Decimal("8.0")})]
    )
    assert ranking.rows[0].total == F(37, 5)


def test_a_tie_break_naming_a_request_twice_is_a_problem() -> None:
    ranking = rank_requests(MODEL, [request("A", 8, 6), request("B", 6, 9)], ("A", "B", "A"), 1)
    assert codes(ranking.blocking) == ["tie_decision_twice"]
    assert ranking.blocking[0].place == "tie_break[2]"


def test_two_requests_with_one_id_are_a_programming_error() -> None:
    with pytest.raises(ValueError):
        rank_requests(MODEL, [request("A", 8, 6), request("A", 6, 9)], (), 1)
    with pytest.raises(ValueError):
        rank_requests(MODEL, [request(" ", 8, 6)], (), 1)


def test_no_requests_give_an_empty_ranking() -> None:
    ranking = rank_requests(MODEL, [], (), 3)
    assert ranking.rows == () and ranking.proposal() == ()


# --- the invited set -------------------------------------------------------------------------------

SIX = [
    request("A", 9, 9),
    request("B", 9, 7),
    request("C", 8, 6),
    request("D", 7, 6),
    request("E", 5, 5),
    request("F", 3, 4),
]


def test_the_four_best_of_six_may_be_invited() -> None:
    ranking = rank_requests(MODEL, SIX, (), 4)
    assert ranking.proposal() == ("A", "B", "C", "D")
    assert check_invitation(ranking, ["D", "C", "B", "A"], 3) == []
    assert check_invitation(ranking, ["A", "B", "C"], 3) == []  # between the minimum and the maximum


def test_a_selection_that_skips_a_higher_ranked_request_is_refused() -> None:
    ranking = rank_requests(MODEL, SIX, (), 4)
    problems = check_invitation(ranking, ["A", "B", "C", "E"], 3)
    assert codes(problems) == ["invited_skips_higher"]
    assert problems[0].values == {
        "request": "E",
        "name": "Leverandør E",
        "rank": 5,
        "skipped": "D",
        "skipped_name": "Leverandør D",
        "skipped_rank": 4,
    }


def test_more_than_the_maximum_or_fewer_than_the_minimum_are_refused() -> None:
    ranking = rank_requests(MODEL, SIX, (), 4)
    above = check_invitation(ranking, ["A", "B", "C", "D", "E"], 3)
    assert codes(above) == ["invited_above_maximum"]
    assert above[0].values == {"count": 5, "maximum": 4}
    below = check_invitation(ranking, ["A", "B"], 3)
    assert codes(below) == ["invited_below_minimum"]
    assert below[0].values == {"count": 2, "minimum": 3, "qualified": 6}


def test_fewer_qualified_than_the_minimum_may_all_be_invited() -> None:
    requests = [request("A", 9, 9), request("B", 5, 5), request("C", 9, 9, qualified=False)]
    ranking = rank_requests(MODEL, requests, (), 5)
    assert check_invitation(ranking, ["A", "B"], 3) == []
    problems = check_invitation(ranking, ["A"], 3)
    assert "invited_below_minimum" in codes(problems)
    assert problems[codes(problems).index("invited_below_minimum")].values == {
        "count": 1,
        "minimum": 3,
        "qualified": 2,
    }


def test_only_qualified_not_excluded_known_requests_may_be_invited_once() -> None:
    requests = [
        request("A", 9, 9),
        request("B", 8, 8),
        request("N", 9, 9, qualified=False),
        request("X", 9, 9, excluded=True),
    ]
    ranking = rank_requests(MODEL, requests, (), 3)
    problems = check_invitation(ranking, ["A", "B", "N", "X", "Z", "A"], 1)
    assert codes(problems) == [
        "invited_not_qualified",
        "invited_excluded",
        "invited_unknown",
        "invited_twice",
        "invited_above_maximum",
    ]
    assert problems[0].values == {"request": "N", "name": "Leverandør N"}
    assert problems[0].place == "invited[2]"


def test_inviting_one_of_two_tied_requests_below_the_maximum_is_refused_until_a_decision_is_recorded() -> (
    None
):
    # A and B tie on place 2; the maximum of 4 has room for both, but the lead invites only one of them
    requests = [
        request("A", 8, 6),
        request("B", 6, 9),
        request("C", 9, 9),
        request("D", 5, 5),
        request("E", 3, 3),
    ]
    ranking = rank_requests(MODEL, requests, (), 4)
    assert ranking.cutoff_tie is None
    problems = check_invitation(ranking, ["C", "A"], 2)
    assert codes(problems) == ["invited_splits_tie"]
    assert problems[0].values == {
        "invited": ("A",),
        "invited_names": ("Leverandør A",),
        "left_out": ("B",),
        "left_out_names": ("Leverandør B",),
        "total": F(36, 5),
    }
    assert check_invitation(ranking, ["C", "A", "B"], 2) == []
    decided = rank_requests(MODEL, requests, ("A", "B"), 4)
    assert check_invitation(decided, ["C", "A"], 2) == []
    assert codes(check_invitation(decided, ["C", "B"], 2)) == ["invited_skips_higher"]


def test_an_unresolved_tie_at_the_cut_off_refuses_any_invited_set() -> None:
    ranking = rank_requests(MODEL, [request("A", 8, 6), request("B", 6, 9), request("C", 9, 9)], (), 2)
    assert codes(check_invitation(ranking, ["C", "A"], 2)) == ["cutoff_tie_unresolved"]
    assert codes(check_invitation(ranking, ["C", "B"], 2)) == ["cutoff_tie_unresolved"]


def test_without_a_maximum_or_with_room_for_all_every_qualified_request_is_invited() -> None:
    ranking = rank_requests(MODEL, SIX[:4], (), None)
    assert ranking.proposal() == ("A", "B", "C", "D")
    problems = check_invitation(ranking, ["A", "B", "C"], 3)
    assert codes(problems) == ["qualified_left_out"]
    assert problems[0].values == {"request": "D", "name": "Leverandør D"}
    roomy = rank_requests(MODEL, SIX[:4], (), 6)
    assert codes(check_invitation(roomy, ["A", "B", "C"], 3)) == ["qualified_left_out"]


# --- canonical forms and hashes --------------------------------------------------------------------


def setup(**changes) -> PrequalificationSetup:
    base = PrequalificationSetup(
        procedure="competitive_negotiation",
        requirements=(
            QualificationRequirement(
                "K1", "registration", "Leverandøren skal være registrert.", "Firmaattest"
            ),
            QualificationRequirement(
                "K2", "technical", "Tre referanser fra kommuner med Noark 5.", "Referanseliste", "references"
            ),
        ),
        exclusion_grounds=(
            ExclusionGround("A1", "Rettskraftig dom for korrupsjon.", True),
            ExclusionGround("A2", "Alvorlig feil i yrkesutøvelsen.", False),
        ),
        criteria=CRITERIA,
        scale=(ScaleStep(0, "Ikke dokumentert"), ScaleStep(10, "Svært godt dokumentert")),
        minimum=3,
        maximum=4,
        deadline=datetime(2027, 1, 15, 12, 0, tzinfo=UTC),
    )
    return replace(base, **changes)


def test_the_setup_has_a_canonical_form_with_exact_weights_and_the_deadline_in_utc() -> None:
    form = setup_canonical_form(
        setup(deadline=datetime(2027, 1, 15, 13, 0, tzinfo=timezone(timedelta(hours=1))))
    )
    assert form["deadline"] == "2027-01-15T12:00:00Z"
    assert [c["weight"] for c in form["criteria"]] == ["60", "40"]
    assert form["requirements"][1]["espd_criterion"] == "references"
    assert form["exclusion_grounds"][0]["mandatory"] is True
    assert form["minimum"] == 3 and form["maximum"] == 4
    assert setup_canonical_json(setup()).decode("utf-8").startswith('{"canonical":1,')
    assert check_setup(setup()) == []


def test_the_setup_hash_is_stable_for_equal_content() -> None:
    digest = setup_hash(setup())
    assert len(digest) == 64 and digest == setup_hash(setup())
    # the same moment in another time zone, the same weight written differently, text re-spaced
    same = setup(
        deadline=datetime(2027, 1, 15, 13, 0, tzinfo=timezone(timedelta(hours=1))),
        criteria=(
            SelectionCriterion("ref", "Referanser  fra kommuner ", Decimal("60.00")),
            SelectionCriterion("kom", "Kompetanse", 40),
        ),
        scale=(ScaleStep(10, "Svært godt dokumentert"), ScaleStep(0, "Ikke dokumentert")),
    )
    assert setup_hash(same) == digest


@pytest.mark.parametrize(
    "change",
    [
        {"criteria": (replace(CRITERIA[0], weight=F(55)), replace(CRITERIA[1], weight=F(45)))},
        {"criteria": (replace(CRITERIA[0], name="Referanser"), CRITERIA[1])},
        {"criteria": (replace(CRITERIA[0], description="Kommuner på Noark 5"), CRITERIA[1])},
        {"criteria": tuple(reversed(CRITERIA))},
        {"scale": (ScaleStep(0, "Ikke dokumentert"), ScaleStep(10, "Svært godt"))},
        {"minimum": 4},
        {"maximum": None},
        {"deadline": datetime(2027, 1, 15, 12, 0, 1, tzinfo=UTC)},
        {"procedure": "restricted"},
    ],
)
def test_the_setup_hash_changes_when_any_weight_text_or_limit_changes(change) -> None:
    assert setup_hash(setup(**change)) != setup_hash(setup())


def test_the_setup_hash_changes_when_a_requirement_or_ground_changes() -> None:
    base = setup()
    k1, k2 = base.requirements
    a1, a2 = base.exclusion_grounds
    variants = [
        setup(requirements=(replace(k1, text="Leverandøren skal være registrert i Norge."), k2)),
        setup(requirements=(replace(k1, documentation="Firmaattest, ikke eldre enn 6 måneder"), k2)),
        setup(requirements=(replace(k1, group="tax"), k2)),
        setup(requirements=(k1, replace(k2, espd_criterion=None))),
        setup(exclusion_grounds=(a1, replace(a2, mandatory=True))),
        setup(exclusion_grounds=(a1,)),
    ]
    digests = {setup_hash(v) for v in variants}
    assert len(digests) == len(variants) and setup_hash(base) not in digests


def test_a_setup_with_a_naive_deadline_is_refused_and_cannot_be_hashed() -> None:
    naive = setup(deadline=datetime(2027, 1, 15, 12, 0))
    assert codes(check_setup(naive)) == ["deadline_naive"]
    with pytest.raises(ValueError):
        setup_hash(naive)
    assert (
        utc_iso(datetime(2026, 12, 3, 16, 0, tzinfo=timezone(timedelta(hours=1)))) == "2026-12-03T15:00:00Z"
    )


def test_check_setup_collects_every_problem_of_the_setup() -> None:
    bad = setup(
        minimum=2,
        requirements=(
            QualificationRequirement("K1", "misc", "Tekst"),
            QualificationRequirement("K1", "tax", " "),
        ),
        exclusion_grounds=(ExclusionGround("", "Tekst", True),),
        criteria=(SelectionCriterion("ref", "Referanser", 90),),
        scale=(ScaleStep(12, "For høyt"),),
    )
    assert sorted(codes(check_setup(bad))) == sorted(
        [
            "minimum_below_legal",
            "selection_weight_sum",
            "descriptor_off_scale",
            "item_id_duplicate",
            "item_text_missing",
            "requirement_group_unknown",
            "item_id_missing",
        ]
    )


def test_exact_numbers_have_one_canonical_text() -> None:
    assert exact_text(F(5)) == exact_text(Decimal("5.00")) == exact_text(5) == "5"
    assert exact_text(F(201, 2)) == "100.5"
    assert exact_text(F(100, 3)) == "100/3"
    assert exact_text(Decimal("-0.0")) == "0"


def test_the_selection_hash_binds_the_invited_ids_the_ranking_and_the_tie_decisions() -> None:
    requests = [request("A", 8, 6), request("B", 6, 9), request("C", 9, 9), request("D", 5, 5)]
    ranking = rank_requests(MODEL, requests, ("B", "A"), 2)
    decision = TieDecision(("B", "A"), "Loddtrekning i møte 4. januar.")
    digest = selection_hash(ranking, ["C", "B"], [decision], setup_hash(setup()))
    assert len(digest) == 64
    # a set: the order the ids were given in carries no meaning
    assert selection_hash(ranking, ["B", "C"], [decision], setup_hash(setup())) == digest
    # the order of the requests given to the ranking carries none either
    shuffled = rank_requests(MODEL, list(reversed(requests)), ("B", "A"), 2)
    assert selection_hash(shuffled, ["C", "B"], [decision], setup_hash(setup())) == digest
    form = selection_canonical_form(ranking, ["C", "B"], [decision], setup_hash(setup()))
    assert form["invited"] == ["B", "C"]
    assert [(r["request"], r["rank"], r["total"]) for r in form["ranking"]][:2] == [
        ("C", 1, "9"),
        ("B", 2, "7.2"),
    ]
    assert form["ranking"][1]["scores"] == {"ref": "6", "kom": "9"}
    others = {
        selection_hash(ranking, ["C", "A"], [decision], setup_hash(setup())),
        selection_hash(ranking, ["C", "B"], [TieDecision(("B", "A"), "Loddtrekning.")], setup_hash(setup())),
        selection_hash(ranking, ["C", "B"], [], setup_hash(setup())),
        selection_hash(ranking, ["C", "B"], [decision], setup_hash(setup(maximum=5))),
        selection_hash(
            rank_requests(MODEL, [*requests[:3], request("D", 5, 6)], ("B", "A"), 2),
            ["C", "B"],
            [decision],
            setup_hash(setup()),
        ),
    }
    assert digest not in others and len(others) == 5
