"""The core's problem codes are worded in Norwegian in one place, and that wording is what the lead reads."""

from __future__ import annotations

import ast
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

from tender.core.scoring import Problem
from tender.core.scoring.errors import ENGLISH
from tender.evaluation_model import operations as model_ops
from tender.web import core_messages
from tests.evaluation_helpers import build_model
from tests.test_telltale_words import findings

SCORING = Path(__file__).resolve().parent.parent / "tender" / "core" / "scoring"

#: one example of every code's values, as the core gives them; a new code needs one here too
SAMPLES: dict[str, dict[str, Any]] = {
    "scale_max_not_positive": {"scale_max": Fraction(0)},
    "no_criteria": {},
    "level_sum": {
        "total": Fraction(90),
        "expected": 100,
        "parts": (("arkiv", Fraction(60)), ("bruk", Fraction(30))),
    },
    "price_below_top": {"parent": "kvalitet"},
    "criterion_id_missing": {},
    "criterion_id_duplicate": {"id": "arkiv", "other_place": "criteria[0]"},
    "weight_negative": {"weight": Fraction(-5, 2)},
    "range_inverted": {"low": Fraction(40), "high": Fraction(30)},
    "weight_outside_range": {"weight": Fraction(50), "low": Fraction(30), "high": Fraction(40)},
    "method_on_quality": {},
    "second_price_criterion": {"other": "pris", "other_place": "criteria[0]"},
    "price_with_children": {},
    "price_normalised": {},
    "price_method_missing": {"known": ("linear", "proportional")},
    "price_weighted": {"method": "value_for_money", "weight": Fraction(30)},
    "price_method_unknown": {"method": "cheapest", "known": ("linear", "proportional")},
    "price_parameter_unexpected": {"method": "linear", "parameter": "k"},
    "price_parameter_missing": {"method": "linear_zero_at", "parameter": "k", "above": Fraction(1)},
    "price_parameter_too_small": {"parameter": "nok_per_point", "value": Fraction(-1), "above": Fraction(0)},
    "score_off_scale": {"score": Fraction(11), "scale_max": Fraction(10)},
    "score_not_whole": {"score": Fraction(13, 4), "half_points_allowed": True},
    "score_off_step": {"score": Fraction(27, 10), "step": Fraction(1, 4)},
    "consensus_not_mean": {"criterion": "arkiv", "score": Fraction(3), "mean": Fraction(11, 3)},
    "scale_step_negative": {"step": Fraction(-1, 2)},
    "scale_step_and_half_points": {"step": Fraction(1, 10)},
    "scale_step_not_dividing": {"step": Fraction(3, 10), "scale_max": Fraction(5)},
    "min_score_on_price": {},
    "min_score_off_scale": {"minimum": Fraction(11), "scale_max": Fraction(10)},
    "min_quality_off_scale": {"minimum": Fraction(15, 2), "quality_max": Fraction(6)},
    "price_parameter_too_large": {
        "method": "price_deduction",
        "parameter": "deduction_percent",
        "value": Fraction(120),
        "at_most": Fraction(100),
    },
    "evaluated_price_negative": {
        "bid": "b1",
        "name": "Leverandør A",
        "evaluated_price": Fraction(-5000),
        "method": "value_for_money",
    },
    "half_points_not_allowed": {"score": Fraction(7, 2)},
    "bid_id_missing": {},
    "bid_id_duplicate": {"id": "A", "other_index": 0},
    "rejection_reason_missing": {},
    "price_missing": {},
    "price_not_positive": {"price": Fraction(0)},
    "score_unknown_criterion": {"criterion": "ukjent"},
    "score_on_price": {"criterion": "pris"},
    "score_on_group": {"criterion": "kvalitet", "children": ("arkiv", "bruk")},
    "consensus_missing": {"criteria": ("arkiv", "bruk")},
    "unknown_bid": {"bid": "C"},
    "tie_break_twice": {"bid": "A"},
    "not_a_quality_leaf": {"criterion": "pris"},
    "price_method_caution": {"method": "proportional", "caution": "forholdsmessig evaluering er kritisert"},
    "announced_range_wide": {"low": Fraction(20), "high": Fraction(45)},
    "unmet_requirement_not_rejected": {"bid": "910000001", "name": "Arkivhuset AS", "requirement": "R0001"},
    "no_single_winner": {},
    "price_not_weighted": {},
    "only_weighted_criterion": {},
    "cannot_win_on_price": {},
}


def _codes_raised_in_the_core() -> set[str]:
    """Every code literal the scoring core puts in a Problem or returns as a sensitivity note."""
    codes: set[str] = set()
    for path in SCORING.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            called = getattr(node.func, "id", None) if isinstance(node, ast.Call) else None
            if called == "Problem" and len(node.args) > 1 and isinstance(node.args[1], ast.Constant):
                codes.add(node.args[1].value)
            if isinstance(node, ast.Return | ast.Assign) and isinstance(node.value, ast.Constant | ast.IfExp):
                value = node.value
                values = [value] if isinstance(value, ast.Constant) else [value.body, value.orelse]
                codes |= {v.value for v in values if isinstance(v, ast.Constant) and v.value in ENGLISH}
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) in ("PriceSensitivity",):
                codes |= {a.value for a in node.args if isinstance(a, ast.Constant) and a.value in ENGLISH}
    return codes


def test_every_code_the_scoring_core_raises_has_an_english_and_a_norwegian_wording() -> None:
    raised = _codes_raised_in_the_core()
    assert "level_sum" in raised and "cannot_win_on_price" in raised and "no_single_winner" in raised
    assert raised <= set(ENGLISH), raised - set(ENGLISH)
    assert set(ENGLISH) == set(core_messages.NORWEGIAN), set(ENGLISH) ^ set(core_messages.NORWEGIAN)
    assert set(SAMPLES) == set(ENGLISH), set(SAMPLES) ^ set(ENGLISH)


def test_every_norwegian_wording_reads_as_norwegian_with_norwegian_numbers() -> None:
    for code, values in SAMPLES.items():
        worded = core_messages.message(Problem("", code, values))
        assert worded and findings(worded) == [], (code, worded)
        assert worded != Problem("", code, values).message, code
    half = core_messages.message(Problem("", "half_points_not_allowed", {"score": Fraction(7, 2)}))
    assert half.startswith("3,5 er et halvt poeng")
    assert core_messages.message(Problem("", "price_weighted", SAMPLES["price_weighted"])).startswith(
        "Med «Prissetting av kvalitet» vektes ikke prisen"
    )


def test_a_place_in_the_case_format_reads_as_a_place_in_the_model() -> None:
    assert core_messages.place("criteria[1].children[0].weight") == "kriterium 2.1, vekt"
    assert core_messages.place("criteria[1].children") == "nivået under kriterium 2"
    assert core_messages.place("criteria") == "øverste nivå"
    assert core_messages.place("bids[0].scores.arkiv") == "tilbud 1, poeng for «arkiv»"
    assert core_messages.place("bids[2].individual_scores[1].score") == (
        "tilbud 3, individuell poengsum 2, poeng"
    )
    assert core_messages.place("tie_break[1]") == "rekkefølge ved likhet, plass 2"
    assert core_messages.place("") == ""
    problem = Problem("criteria[1].children", "level_sum", SAMPLES["level_sum"])
    assert core_messages.describe(problem) == (
        "Nivået under kriterium 2: Vektene på dette nivået summerer til 90, ikke 100 (arkiv 60 + bruk 30)."
    )
    assert str(problem) == (
        "criteria[1].children: the weights on this level sum to 90, not 100 (arkiv 60 + bruk 30)"
    )


def test_the_model_page_words_the_cores_weight_sum_problem_in_norwegian(
    client, login_as, db, create_tender
) -> None:
    tender = create_tender()
    lead = tender.memberships[0].user
    build_model(tender, lead)
    model_ops.update_criterion_weight(
        tender, model_ops.criterion_by_key(tender, "arkiv"), Decimal(40), actor=lead
    )
    db.session.commit()
    login_as(lead)
    html = client.get(f"/konkurranser/{tender.id}/evaluering").get_data(as_text=True)
    worded = "Nivået under kriterium 2: Vektene på dette nivået summerer til 90, ikke 100 (arkiv 40 + k1 50)."
    assert worded in html
    assert "the weights" not in html and "sum to" not in html


def test_every_place_the_core_reports_on_a_criterion_or_the_model_is_named_in_norwegian() -> None:
    """A place like ``criteria[1].children[0].min_score`` reads "kriterium 2.1, minstepoeng": every key a
    criterion or the model's top level can carry (the price methods' parameters included) has a Norwegian
    name, so no English key shows on a page."""
    from tender.core.scoring import PRICE_METHODS

    keys = {
        "weight",
        "weight_min",
        "weight_max",
        "kind",
        "method",
        "normalise",
        "min_score",
        *(p for m in PRICE_METHODS.values() for p in m.parameter_names),
    }
    for key in sorted(keys):
        worded = core_messages.place(f"criteria[1].children[0].{key}")
        assert key == "k" or not worded.endswith(f", {key}"), worded  # k is called k in Norwegian too
    for key in ("scale_max", "scale_step", "min_quality", "consensus"):
        assert core_messages.place(key) != key, key
