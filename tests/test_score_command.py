"""``tender score CASE.json``: the headless scoring command, its outputs and its errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner

from tender.evaluation.commands import score_command

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
