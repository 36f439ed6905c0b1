"""``tender score CASE.json``: the headless scoring command, its outputs and its errors."""

from __future__ import annotations

import json
import re
from fractions import Fraction
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner

from tender.core.scoring import PRICE_METHODS, evaluate_case
from tender.evaluation.commands import score_command
from tender.evaluation_model.case import case_to_json, criterion_keys, method_parameters, parse_case

EXAMPLE: dict[str, Any] = {
    "scale_max": 10,
    "criteria": [
        {"id": "pris", "weight": 30, "kind": "price", "method": "proportional"},
        {
            "id": "kvalitet",
            "weight": 70,
            "kind": "quality",
            "normalise": False,
            "children": [{"id": "arkiv", "weight": 60}, {"id": "bruk", "weight": 40}],
        },
    ],
    "bids": [
        {"id": "A", "price": 1200000, "scores": {"arkiv": 7, "bruk": 8}},
        {"id": "B", "price": 950000, "scores": {"arkiv": 6, "bruk": 5}, "rejected": False},
    ],
}


def write(tmp_path: Path, data: Any, name: str = "case.json") -> Path:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


def run(*args: str) -> Any:
    return CliRunner().invoke(score_command, list(args))


def test_a_valid_case_prints_the_ranked_result_as_json(tmp_path: Path) -> None:
    result = run(str(write(tmp_path, EXAMPLE)))
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    # A: 2.375 + 2.94 + 2.24 = 7.555; B: 3 + 2.52 + 1.4 = 6.92
    assert [(b["id"], b["rank"], b["total"]) for b in out["bids"]] == [("A", 1, 7.555), ("B", 2, 6.92)]
    assert out["bids"][0]["criteria"]["pris"]["points"] == pytest.approx(7.9166666667, abs=1e-9)
    assert out["model"]["price_method"]["formula"] == "P = Max·Pb/Pe"
    assert out["winner"] == "A"
    assert out["sensitivity"]["prices"][0]["bid"] == "B"


def test_the_table_format_is_for_people(tmp_path: Path) -> None:
    result = run(str(write(tmp_path, EXAMPLE)), "--format", "table")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert any(line.startswith("Rang") and "Sum" in line for line in lines)
    assert any(line.split()[:2] == ["1", "A"] and line.endswith("7,5550") for line in lines)
    assert "Følsomhet (vinner: A)" in result.stdout
    assert "Forholdsmessig (P = Max·Pb/Pe)" in result.stdout


def test_xlsx_writes_the_evaluation_workbook(tmp_path: Path) -> None:
    target = tmp_path / "matrise.xlsx"
    result = run(str(write(tmp_path, EXAMPLE)), "--xlsx", str(target))
    assert result.exit_code == 0, result.output
    assert openpyxl.load_workbook(target).sheetnames == [
        "Inndata",
        "Matrise",
        "Individuelle poeng",
        "Minstekrav",
    ]


def with_changes(path: str, value: Any) -> dict[str, Any]:
    """EXAMPLE with the field at ``path`` (dotted, list indices as numbers) set to ``value``."""
    data = json.loads(json.dumps(EXAMPLE))
    *parents, last = path.split(".")
    target = data
    for key in parents:
        target = target[int(key)] if isinstance(target, list) else target[key]
    target[int(last) if isinstance(target, list) else last] = value
    return data


BAD_CASES = {
    "unknown method": (with_changes("criteria.0.method", "cheapest"), "criteria[0].method"),
    "weights not summing": (
        with_changes("criteria.1.children.1.weight", 30),
        "criteria[1].children: the weights on this level sum to 90, not 100",
    ),
    "score 11": (
        with_changes("bids.0.scores.arkiv", 11),
        "bids[0].scores.arkiv: 11 is outside the scale 0–10",
    ),
    "score -1": (with_changes("bids.1.scores.bruk", -1), "bids[1].scores.bruk: -1 is outside the scale 0–10"),
    "negative price": (with_changes("bids.1.price", -5), "bids[1].price: the price must be above 0"),
    "zero price": (with_changes("bids.0.price", 0), "bids[0].price: the price must be above 0"),
    "unknown criterion in scores": (with_changes("bids.0.scores.arkive", 5), "bids[0].scores.arkive"),
    "price as text": (with_changes("bids.0.price", "1 200 000"), "bids[0].price: expected a number"),
    "unknown field": (with_changes("criteria.1.normalize", True), "criteria[1].normalize: unknown field"),
    "bad kind": (with_changes("criteria.0.kind", "cost"), "criteria[0].kind"),
    "missing k": (with_changes("criteria.0.method", "linear_zero_at"), "criteria[0].k"),
    "bids not a list": (with_changes("bids", {"A": 1}), "bids: expected a list"),
    "top level not an object": ([1, 2], "expected an object"),
    "malformed json": ('{"criteria": [}', "case.json:1:15: not valid JSON"),
    "NaN": ('{"scale_max": NaN, "criteria": [], "bids": []}', "not valid JSON"),
    "absurdly large price": (
        json.dumps(EXAMPLE).replace("950000", "9.5e400"),
        "bids[1].price: 9.5E+400 is too large",
    ),
    "rejected without reason": (with_changes("bids.1.rejected", True), "bids[1].rejection_reason"),
    "half an announced range": (with_changes("criteria.0.weight_min", 35), "criteria[0].weight_max"),
}
BAD_CASES["weight outside its announced range"] = (
    {
        **EXAMPLE,
        "criteria": [{**EXAMPLE["criteria"][0], "weight_min": 35, "weight_max": 45}, EXAMPLE["criteria"][1]],
    },
    "criteria[0].weight: the weight 30 is outside the announced range 35–45",
)


def nested(depth: int) -> dict[str, Any]:
    node: dict[str, Any] = {"id": f"k{depth}", "weight": 100}
    for level in range(depth - 1, 0, -1):
        node = {"id": f"k{level}", "weight": 100, "children": [node]}
    return {"criteria": [node], "bids": [{"id": "A", "scores": {f"k{depth}": 5}}]}


BAD_CASES["criteria nested too deep"] = (nested(12), "criteria may be nested at most 10 levels deep")
BAD_CASES["json nested far too deep"] = ("[" * 100_000 + "]" * 100_000, "case.json")


@pytest.mark.parametrize("name", list(BAD_CASES))
def test_bad_input_exits_2_with_a_message_naming_the_place_and_no_traceback(
    tmp_path: Path, name: str
) -> None:
    data, expected = BAD_CASES[name]
    result = run(str(write(tmp_path, data)))
    assert result.exit_code == 2, result.output
    assert expected in result.stderr
    assert result.stderr.startswith("error: ")
    assert "Traceback" not in result.output
    assert result.stdout == ""


def test_a_missing_file_exits_2_and_names_the_file(tmp_path: Path) -> None:
    result = run(str(tmp_path / "nowhere.json"))
    assert result.exit_code == 2
    assert f"{tmp_path / 'nowhere.json'}: no such file" in result.stderr


def test_every_problem_is_reported_not_only_the_first(tmp_path: Path) -> None:
    data = with_changes("bids.0.scores.arkiv", 11)
    data["bids"][1]["price"] = 0
    result = run(str(write(tmp_path, data)))
    assert result.exit_code == 2
    assert "bids[0].scores.arkiv" in result.stderr and "bids[1].price" in result.stderr


def test_an_unwritable_xlsx_path_exits_2_with_a_clear_message(tmp_path: Path) -> None:
    result = run(str(write(tmp_path, EXAMPLE)), "--xlsx", str(tmp_path / "no" / "such" / "dir.xlsx"))
    assert result.exit_code == 2
    assert "--xlsx" in result.stderr and "cannot write" in result.stderr
    assert "Traceback" not in result.output


# --- issue 16: scales with a step, the mean rule, thresholds, price-adjusting methods, price schedules ----

SWEDISH_2008: dict[str, Any] = {
    "title": "Ramavtal 2008",
    "scale_max": 5,
    "scale_step": 0.1,
    "consensus": "mean",
    "criteria": [
        {"id": "pris", "kind": "price", "method": "price_surcharge", "surcharge_percent": 20},
        {"id": "kvalitet", "weight": 60, "min_score": 2.5},
        {"id": "service", "weight": 40},
    ],
    "price_schedule": {
        "method": "basket",
        "gaps": "highest",
        "lines": [
            {"id": "timer", "name": "Konsulenttimer", "quantity": 100},
            {"id": "lisens", "name": "Lisens", "quantity": 2},
        ],
    },
    "bids": [
        {
            "id": "A",
            "price_lines": {"timer": 900, "lisens": 10000},
            "individual_scores": [
                {"evaluator": "E1", "criterion": "kvalitet", "score": 3.8},
                {"evaluator": "E2", "criterion": "kvalitet", "score": 3.8},
                {"evaluator": "E1", "criterion": "service", "score": 2.7},
                {"evaluator": "E2", "criterion": "service", "score": 2.8},
            ],
        },
        {
            "id": "B",
            "price_lines": {"timer": 1000},
            "individual_scores": [
                {"evaluator": "E1", "criterion": "kvalitet", "score": 2.7},
                {"evaluator": "E2", "criterion": "kvalitet", "score": 3.0},
                {"evaluator": "E1", "criterion": "service", "score": 4.1},
                {"evaluator": "E2", "criterion": "service", "score": 4.0},
            ],
        },
        {
            "id": "C",
            "price_lines": {"timer": 500, "lisens": 5000},
            "individual_scores": [
                {"evaluator": "E1", "criterion": "kvalitet", "score": 2.0},
                {"evaluator": "E2", "criterion": "kvalitet", "score": 2.1},
                {"evaluator": "E1", "criterion": "service", "score": 4.1},
                {"evaluator": "E2", "criterion": "service", "score": 4.0},
            ],
        },
    ],
}


def test_a_decimal_mean_surcharge_case_with_a_basket_and_a_threshold(tmp_path: Path) -> None:
    # consensus by the mean: A kvalitet 3.8, service 2.75 → Q = 0.6·3.8 + 0.4·2.75 = 3.38 (Qmax 5);
    # B 2.85, 4.05 → Q = 3.33; C kvalitet (2.0 + 2.1)/2 = 2.05 < 2.5: rejected, left out of the gap fill.
    # Basket: A 100·900 + 2·10 000 = 110 000; B 100·1 000 + 2·10 000 (its gap filled with A's, the highest
    # among the bids in the competition; C's 5 000 does not count) = 120 000.
    # Surcharge 20 %: A 110 000 × (1 + 0.2 × (1 − 3.38/5)) = 117 128; B 120 000 × (1 + 0.2 × 0.334) = 128 016
    result = run(str(write(tmp_path, SWEDISH_2008)))
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    bids = {b["id"]: b for b in out["bids"]}
    assert [(b["id"], b["rank"]) for b in out["bids"]] == [("A", 1), ("B", 2), ("C", None)]
    assert (bids["A"]["evaluated_price"], bids["B"]["evaluated_price"]) == (117128.0, 128016.0)
    assert (bids["A"]["price"], bids["B"]["price"]) == (110000.0, 120000.0)
    assert bids["A"]["criteria"]["service"]["score"] == 2.75
    assert bids["C"]["threshold_failures"] == [{"criterion": "kvalitet", "minimum": 2.5, "actual": 2.05}]
    assert bids["C"]["rejected"] is True and "kvalitet" in bids["C"]["rejection_reason"]
    filled = [line for line in bids["B"]["price_schedule"]["lines"] if line["filled"]]
    assert filled == [
        {
            "line": "lisens",
            "name": "Lisens",
            "municipality": None,
            "offered": None,
            "filled": True,
            "amount": 10000.0,
            "quantity": 2.0,
            "factor": 1.0,
            "years": None,
            "contribution": 20000.0,
        }
    ]
    assert bids["B"]["price_schedule"]["evaluated_price"] == 120000.0
    model = out["model"]
    assert (model["scale_step"], model["consensus"], model["ranked_by"]) == (0.1, "mean", "evaluated_price")
    assert model["price_method"]["parameters"] == {"surcharge_percent": 20.0}


def test_the_table_says_the_step_the_rule_the_formula_the_thresholds_and_the_schedule(tmp_path: Path) -> None:
    result = run(str(write(tmp_path, SWEDISH_2008)), "--format", "table")
    assert result.exit_code == 0, result.output
    text = result.stdout.replace("\xa0", " ")  # Babel groups thousands with a no-break space
    assert "Skala 0–5 i trinn på 0,1; konsensus: gjennomsnittet av evaluatorenes poeng" in text
    assert "Pe × (1 + S/100 × (1 − Q/Qmax))" in text and "pristillegg S (%) = 20" in text
    assert "Kvalitetskrav (tilbud under avvises): minst 2,5 poeng på «kvalitet»" in text
    assert "Avvist C: Under minstepoengene på «kvalitet»: 2,05 poeng, mens minst 2,5 kreves." in text
    assert "Evaluert pris fra prisskjema: B 120 000,00 kr" in text
    assert "lisens: tomt, fylt med høyeste pris 10 000,00 × 2 = 20 000,00" in text
    assert any(line.split()[:2] == ["1", "A"] and line.endswith("117 128,00") for line in text.splitlines())


def test_on_a_tie_the_table_stays_norwegian(tmp_path: Path) -> None:
    tied = with_changes("bids.1.price", 1200000)
    tied["bids"][1]["scores"] = {"arkiv": 7, "bruk": 8}
    result = run(str(write(tmp_path, tied)), "--format", "table")
    assert result.exit_code == 0, result.output
    assert "Ingen har vunnet alene" in result.stdout
    for english in ("no single winner", "weights not analysed", "cannot win", "not weighted", "is not"):
        assert english not in result.stdout


def test_a_warning_in_the_table_is_worded_in_norwegian(tmp_path: Path) -> None:
    case = {
        "criteria": [
            {"id": "pris", "method": "value_for_money", "nok_per_point": 50000},
            {"id": "kvalitet", "weight": 100},
        ],
        "bids": [{"id": "A", "price": 100000, "scores": {"kvalitet": 8}}],
    }
    result = run(str(write(tmp_path, case)), "--format", "table")
    assert result.exit_code == 0, result.output
    text = result.stdout.replace("\xa0", " ").replace("\u2212", "-")
    assert "Advarsel: «A» får negativ evaluert pris (-300 000) med «Prissetting av kvalitet»" in text
    out = json.loads(run(str(write(tmp_path, case))).stdout)
    assert out["warnings"] == [
        "bids[0]: 'A' has a negative evaluated price (-300000) under 'value_for_money': "
        "its quality is worth more than its price"
    ]


def test_a_discounted_life_cycle_cost_per_municipality(tmp_path: Path) -> None:
    # one-off 100 000 + yearly 10 000 per municipality × 2 municipalities over 2 years at 5 %:
    # factor 1/1.05 + 1/1.05² = 0.952380952… + 0.907029478… = 1.859410430…
    # A: 100 000 + 20 000 × 1.859410430… = 137 188.2086…
    case = {
        "criteria": [{"id": "pris", "weight": 100, "method": "linear"}],
        "price_schedule": {
            "method": "life_cycle",
            "period": "1+1",
            "municipalities": ["3201", "3203"],
            "discount_rate_percent": 5,
            "lines": [
                {"id": "innforing", "name": "Innføring"},
                {"id": "drift", "name": "Drift", "yearly": True, "per_municipality": True},
            ],
        },
        "bids": [
            {"id": "A", "price_lines": {"innforing": 100000, "drift": {"3201": 10000, "3203": 10000}}},
        ],
    }
    result = run(str(write(tmp_path, case)))
    assert result.exit_code == 0, result.output
    [bid] = json.loads(result.stdout)["bids"]
    expected = 100000 + 20000 * (Fraction(20, 21) + Fraction(400, 441))
    assert bid["price"] == pytest.approx(float(expected), abs=1e-9)
    assert [
        (line["line"], line["municipality"], line["years"]) for line in bid["price_schedule"]["lines"]
    ] == [
        ("innforing", None, None),
        ("drift", "3201", 2),
        ("drift", "3203", 2),
    ]


ISSUE_16_BAD = {
    "step not dividing the scale": (
        {**EXAMPLE, "scale_step": 0.3},
        "scale_step: the step 0.3 does not divide",
    ),
    "score off the step": (
        {
            **EXAMPLE,
            "scale_step": 0.5,
            "bids": [{**EXAMPLE["bids"][0], "scores": {"arkiv": 7.25, "bruk": 8}}],
        },
        "bids[0].scores.arkiv: 7.25 is not allowed: only whole or half points",
    ),
    "score off a tenths step": (
        {
            **EXAMPLE,
            "scale_step": 0.1,
            "bids": [{**EXAMPLE["bids"][0], "scores": {"arkiv": 7.25, "bruk": 8}}],
        },
        "bids[0].scores.arkiv: 7.25 is not on the scale's step of 0.1",
    ),
    "step and half points disagree": (
        {**EXAMPLE, "scale_step": 0.1, "allow_half_points": True},
        "scale_step: allow_half_points says the step is 0.5",
    ),
    "unknown consensus rule": (
        {**EXAMPLE, "consensus": "median"},
        "consensus: 'median' is not a consensus rule",
    ),
    "min_score above the maximum": (
        with_changes("criteria.1.children.0.min_score", 11),
        "criteria[1].children[0].min_score: the minimum score 11 is outside the scale 0–10",
    ),
    "min_quality above the maximum": (
        {**EXAMPLE, "min_quality": 8},
        "min_quality: the minimum weighted quality 8 is outside 0–7",
    ),
    "deduction above 100": (
        {
            **EXAMPLE,
            "criteria": [
                {"id": "pris", "kind": "price", "method": "price_deduction", "deduction_percent": 120},
                {**EXAMPLE["criteria"][1], "weight": 100},
            ],
        },
        "criteria[0].deduction_percent: deduction_percent is 120; it can be at most 100",
    ),
    "surcharge parameter on the wrong method": (
        with_changes("criteria.0.surcharge_percent", 20),
        "criteria[0].surcharge_percent: the price method 'proportional' takes no parameter",
    ),
}


def schedule_case(**changes: Any) -> dict[str, Any]:
    data = json.loads(json.dumps(SWEDISH_2008))
    for path, value in changes.items():
        *parents, last = path.split("__")
        target = data
        for key in parents:
            target = target[int(key)] if isinstance(target, list) else target[key]
        target[int(last) if isinstance(target, list) else last] = value
    return data


ISSUE_16_BAD.update(
    {
        "negative quantity": (
            schedule_case(price_schedule__lines__1__quantity=-2),
            "price_schedule.lines[1].quantity: the quantity cannot be negative (-2)",
        ),
        "a basket line no bidder prices": (
            schedule_case(price_schedule__lines=[*SWEDISH_2008["price_schedule"]["lines"], {"id": "kurs"}]),
            "price_schedule.lines[2]: no bid in the competition prices line 'kurs'",
        ),
        "a gap under the reject rule": (
            schedule_case(price_schedule__gaps="reject"),
            "bids[1].price_lines.lisens: no price on line 'lisens'; the gap rule is reject",
        ),
        "a negative amount": (
            schedule_case(bids__0__price_lines__timer=-5),
            "bids[0].price_lines.timer: the amount on line 'timer' cannot be negative",
        ),
        "an unknown line": (
            schedule_case(bids__1__price_lines__drift=5),
            "bids[1].price_lines.drift: there is no line 'drift' in the price schedule",
        ),
        "price and lines": (
            schedule_case(bids__0__price=5),
            "bids[0].price_lines: give either price or price_lines, not both",
        ),
        "price instead of lines": (
            schedule_case(bids__1={"id": "B", "price": 5, "scores": {"kvalitet": 3, "service": 3}}),
            "bids[1].price: the case has a price_schedule: give this bid's price_lines instead of a price",
        ),
        "lines without a schedule": (
            with_changes("bids.0.price_lines", {"x": 1}),
            "bids[0].price_lines: give either price or price_lines, not both",
        ),
        "unknown schedule method": (
            schedule_case(price_schedule__method="cheapest"),
            "price_schedule.method: 'cheapest' is not a price evaluation method",
        ),
        "a yearly line in a basket": (
            schedule_case(price_schedule__lines__0__yearly=True),
            "price_schedule.lines[0].yearly: a yearly line belongs to a life_cycle cost only",
        ),
        "an unknown schedule key": (
            schedule_case(price_schedule__rate=4),
            "price_schedule.rate: unknown field",
        ),
    }
)


@pytest.mark.parametrize("name", list(ISSUE_16_BAD))
def test_issue_16_bad_input_names_its_place(tmp_path: Path, name: str) -> None:
    data, expected = ISSUE_16_BAD[name]
    result = run(str(write(tmp_path, data)))
    assert result.exit_code == 2, result.output
    assert expected in result.stderr, result.stderr
    assert "Traceback" not in result.output and result.stdout == ""


def test_the_case_keys_come_from_the_price_method_registry() -> None:
    every = {name for method in PRICE_METHODS.values() for name in method.parameter_names}
    assert set(method_parameters()) == every
    assert every <= criterion_keys()
    assert {"surcharge_percent", "deduction_percent", "nok_per_point", "k"} <= every


ROUND_TRIPS = {
    "the small example": EXAMPLE,
    "tenths, mean, surcharge, basket, threshold": SWEDISH_2008,
    "deduction with min_quality": {
        "scale_max": 10,
        "scale_step": 0.25,
        "min_quality": 4.5,
        "criteria": [
            {"id": "pris", "method": "price_deduction", "deduction_percent": 35},
            {
                "id": "kvalitet",
                "weight": 70,
                "children": [{"id": "a", "weight": 50}, {"id": "b", "weight": 50}],
            },
            {"id": "miljo", "weight": 30, "min_score": 2},
        ],
        "bids": [
            {"id": "A", "price": 1000, "scores": {"a": 7.25, "b": 6.5, "miljo": 3}},
            {"id": "B", "price": 900, "scores": {"a": 5, "b": 5.75, "miljo": 1.5}},
            {"id": "C", "price": 800, "scores": {"a": 2, "b": 3, "miljo": 5}},
        ],
    },
    "offset, continuous, per-municipality life cycle": {
        "scale_step": 0,
        "criteria": [
            {"id": "pris", "method": "value_for_money_offset", "nok_per_point": 1500},
            {"id": "kvalitet", "weight": 100},
        ],
        "price_schedule": {
            "method": "life_cycle",
            "period": "4+1+1",
            "municipalities": ["3201", "3203"],
            "discount_rate_percent": 4,
            "gaps": "highest",
            "lines": [
                {"id": "lisens"},
                {"id": "drift", "yearly": True, "per_municipality": True, "quantity": 2},
            ],
        },
        "bids": [
            {
                "id": "A",
                "price_lines": {"lisens": 50000, "drift": {"3201": 1200, "3203": 1300}},
                "scores": {"kvalitet": 7.3},
            },
            {
                "id": "B",
                "price_lines": {"lisens": 45000, "drift": {"3201": 1500}},
                "scores": {"kvalitet": 6.125},
            },
        ],
    },
}


@pytest.mark.parametrize("name", list(ROUND_TRIPS))
def test_case_to_json_writes_every_key_back_and_evaluates_identically(name: str) -> None:
    case = parse_case(ROUND_TRIPS[name])
    again = parse_case(json.loads(json.dumps(case_to_json(case))))
    first, second = evaluate_case(case), evaluate_case(again)
    assert again.model.step == case.model.step and again.model.consensus == case.model.consensus
    assert again.model.min_quality == case.model.min_quality
    assert [p.criterion.min_score for p in again.model.placed] == [
        p.criterion.min_score for p in case.model.placed
    ]
    assert again.price_schedule == case.price_schedule and again.price_lines == case.price_lines
    assert [(r.bid.id, r.rank, r.total, r.evaluated_price, r.threshold_failures) for r in second.bids] == [
        (r.bid.id, r.rank, r.total, r.evaluated_price, r.threshold_failures) for r in first.bids
    ]


# --- the README's case-format examples run, and print what the README says they print ------------------

README = Path(__file__).resolve().parent.parent / "README.md"
_BLOCK = re.compile(r"```(json|text)\n(.*?)```", re.DOTALL)


def readme_cases() -> list[tuple[str, str | None]]:
    """Every ```json case in the README's "Evaluation case format" section, with the ```text block that
    follows it directly (the lines the table prints), if any."""
    text = README.read_text(encoding="utf-8")
    start = text.index("## Evaluation case format (`tender score`)")
    end = text.find("\n## ", start + 1)
    section = text[start : end if end != -1 else len(text)]
    found: list[tuple[str, str | None]] = []
    blocks = list(_BLOCK.finditer(section))
    for i, block in enumerate(blocks):
        if block.group(1) != "json":
            continue
        data = json.loads(block.group(2))
        if not isinstance(data, dict) or "criteria" not in data:
            continue  # the output example
        after = blocks[i + 1] if i + 1 < len(blocks) else None
        follows = (
            after is not None
            and after.group(1) == "text"
            and not section[block.end() : after.start()].strip()
        )
        found.append((block.group(2), after.group(2) if follows and after is not None else None))
    return found


def test_the_readme_has_a_worked_example_for_every_method_and_schedule() -> None:
    cases = [json.loads(case) for case, _ in readme_cases()]
    methods = {c["method"] for case in cases for c in case["criteria"] if "method" in c}
    assert {"price_surcharge", "price_deduction", "value_for_money_offset"} <= methods
    assert {case["price_schedule"]["method"] for case in cases if "price_schedule" in case} == {
        "basket",
        "average",
        "life_cycle",
    }
    assert any(case.get("consensus") == "mean" and case.get("scale_step") == 0.1 for case in cases)


@pytest.mark.parametrize(("case", "printed"), readme_cases())
def test_every_readme_case_runs_and_prints_what_the_readme_says(
    tmp_path: Path, case: str, printed: str | None
) -> None:
    result = run(str(write(tmp_path, case)), "--format", "table")
    assert result.exit_code == 0, result.output
    assert run(str(write(tmp_path, case))).exit_code == 0
    table = result.stdout.replace("\xa0", " ")
    for line in (printed or "").splitlines():
        assert line in table, f"{line!r} is not in\n{table}"
