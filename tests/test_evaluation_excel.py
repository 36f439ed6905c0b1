"""The evaluation workbook: live formulas that LibreOffice recalculates to the app's own numbers."""

from __future__ import annotations

import io
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from tender.core.scoring import EvaluationCase, EvaluationResult, evaluate_case
from tender.evaluation_model.case import parse_case
from tender.reports.evaluation_excel import WorkbookLayout, write_evaluation_workbook

# Force recalculation on load, whatever LibreOffice's default for OOXML files is.
RECALC_ALWAYS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse">
<value>0</value></prop></item>
</oor:items>
"""


def bid(bid_id: str, price: float | int, **scores: float | int) -> dict[str, Any]:
    return {"id": bid_id, "price": price, "scores": scores}


def quality_pair(weight: int = 70, normalise: bool = False) -> dict[str, Any]:
    return {
        "id": "kvalitet",
        "weight": weight,
        "normalise": normalise,
        "children": [{"id": "arkiv", "weight": 60}, {"id": "bruk", "weight": 40}],
    }


CASES: dict[str, dict[str, Any]] = {
    # C is more than twice the lowest valid price → negative linear points; X, the cheapest, is
    # rejected, so Pb is A's price
    "linear_negative_rejected": {
        "criteria": [{"id": "pris", "weight": 30, "kind": "price", "method": "linear"}, quality_pair()],
        "bids": [
            {
                **bid("X", 400_000, arkiv=9, bruk=9),
                "rejected": True,
                "rejection_reason": "Avvik fra minstekrav R0002",
            },
            bid("A", 1_000_000, arkiv=6, bruk=7),
            bid("B", 1_400_000, arkiv=9, bruk=8),
            bid("C", 2_300_000, arkiv=10, bruk=10),
        ],
    },
    "proportional_normalised_deep": {
        "allow_half_points": True,
        "criteria": [
            {"id": "pris", "weight": 40, "kind": "price", "method": "proportional"},
            {
                "id": "kvalitet",
                "weight": 60,
                "normalise": True,
                "children": [
                    {
                        "id": "funksjon",
                        "weight": 50,
                        "children": [{"id": "arkiv", "weight": 50}, {"id": "sak", "weight": 50}],
                    },
                    {"id": "bruk", "weight": 50, "normalise": False},
                ],
            },
        ],
        "bids": [
            bid("A", 1_234_567.89, arkiv=6.5, sak=4, bruk=7),
            bid("B", 987_654.32, arkiv=5, sak=8, bruk=6.5),
            bid("C", 1_500_000, arkiv=3, sak=3.5, bruk=9),
        ],
    },
    "linear_zero_at_fractions": {
        "criteria": [
            {"id": "pris", "weight": 0.35, "kind": "price", "method": "linear_zero_at", "k": 1.5},
            {
                "id": "kvalitet",
                "weight": 0.65,
                "children": [{"id": "arkiv", "weight": 0.6}, {"id": "bruk", "weight": 0.4}],
            },
        ],
        "bids": [
            bid("A", 800_000, arkiv=5, bruk=5),
            bid("B", 1_000_000, arkiv=8, bruk=7),
            bid("C", 1_300_000, arkiv=10, bruk=9),
        ],
    },
    "spread_with_ties": {
        # B and C tie and the recorded order puts C first; D and E tie with no order recorded
        "criteria": [
            {"id": "pris", "weight": 50, "kind": "price", "method": "spread"},
            {"id": "kvalitet", "weight": 50},
        ],
        "tie_break": ["C", "B"],
        "bids": [
            bid("A", 100, kvalitet=10),
            bid("B", 150, kvalitet=4),
            bid("C", 150, kvalitet=4),
            bid("D", 200, kvalitet=2),
            bid("E", 200, kvalitet=2),
        ],
    },
    "linear_floor": {
        "criteria": [
            {"id": "pris", "weight": 60, "kind": "price", "method": "linear_floor"},
            quality_pair(40, True),
        ],
        "bids": [
            bid("A", 500, arkiv=2, bruk=3),
            bid("B", 1_100, arkiv=8, bruk=6),
            bid("C", 700, arkiv=0, bruk=0),
        ],
    },
    "value_for_money": {
        "criteria": [
            {"id": "pris", "kind": "price", "method": "value_for_money", "nok_per_point": 25_000},
            {
                "id": "kvalitet",
                "weight": 100,
                "children": [{"id": "arkiv", "weight": 60}, {"id": "bruk", "weight": 40}],
            },
        ],
        "bids": [
            bid("A", 1_000_000, arkiv=6, bruk=6),
            bid("B", 1_070_000, arkiv=9, bruk=9),
            {**bid("C", 900_000, arkiv=2, bruk=2), "rejected": True, "rejection_reason": "Levert for sent"},
        ],
    },
}


@dataclass
class Recalculated:
    case: EvaluationCase
    result: EvaluationResult
    layout: WorkbookLayout
    written: Path
    values: openpyxl.Workbook

    def value(self, where: tuple[str, str]) -> Any:
        sheet, coordinate = where
        return self.values[sheet][coordinate].value


def recalculate(paths: list[Path], work: Path) -> Path:
    """Let LibreOffice open, recalculate and save every workbook; returns the folder of results."""
    soffice = shutil.which("soffice")
    assert soffice, "LibreOffice (soffice) is needed to recalculate the workbooks"
    profile = work / "lo-profile"
    (profile / "user").mkdir(parents=True)
    (profile / "user" / "registrymodifications.xcu").write_text(RECALC_ALWAYS, encoding="utf-8")
    out = work / "recalculated"
    completed = subprocess.run(
        [
            soffice,
            "--headless",
            "--norestore",
            f"-env:UserInstallation={profile.as_uri()}",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(out),
            *map(str, paths),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    return out


@pytest.fixture(scope="module")
def recalculated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Recalculated]:
    work = tmp_path_factory.mktemp("excel")
    written: dict[str, tuple[EvaluationCase, EvaluationResult, WorkbookLayout, Path]] = {}
    for name, data in CASES.items():
        case = parse_case(data)
        result = evaluate_case(case)
        path = work / f"{name}.xlsx"
        written[name] = (case, result, write_evaluation_workbook(case, result, path), path)
    # the same linear workbook with X put back into the competition by editing one input cell
    edited = work / "linear_x_readmitted.xlsx"
    book = openpyxl.load_workbook(written["linear_negative_rejected"][3])
    sheet = book["Inndata"]
    status_cell = next(row[3] for row in sheet.iter_rows(min_row=15) if row[0].value == "X")
    status_cell.value = "Med"
    book.save(edited)
    out = recalculate([p for *_, p in written.values()] + [edited], work)
    found = {
        name: Recalculated(
            case, result, layout, path, openpyxl.load_workbook(out / path.name, data_only=True)
        )
        for name, (case, result, layout, path) in written.items()
    }
    readmitted_case = parse_case(
        {
            **CASES["linear_negative_rejected"],
            "bids": [{**b, "rejected": False} for b in CASES["linear_negative_rejected"]["bids"]],
        }
    )
    case, _, layout, _ = written["linear_negative_rejected"]
    found["linear_x_readmitted"] = Recalculated(
        readmitted_case,
        evaluate_case(readmitted_case),
        layout,
        edited,
        openpyxl.load_workbook(out / edited.name, data_only=True),
    )
    return found


@pytest.mark.parametrize("name", [*CASES, "linear_x_readmitted"])
def test_libreoffice_recalculates_every_total_and_rank_to_the_apps_own(
    recalculated: dict[str, Recalculated], name: str
) -> None:
    book = recalculated[name]
    for r in book.result.bids:
        total = book.value(book.layout.totals[r.bid.id])
        rank = book.value(book.layout.ranks[r.bid.id])
        if r.rank is None:
            assert total in (None, "")
            assert rank == "Avvist"
        else:
            assert r.total is not None
            assert total == pytest.approx(float(r.total), abs=1e-6), r.bid.id
            assert rank == r.rank, r.bid.id


@pytest.mark.parametrize("name", list(CASES))
def test_libreoffice_recalculates_every_points_and_weighted_cell_to_the_apps_own(
    recalculated: dict[str, Recalculated], name: str
) -> None:
    book = recalculated[name]
    for r in book.result.bids:
        for criterion_id, points in r.criteria.items():
            for exact, where in (
                (points.points, book.layout.points),
                (points.weighted, book.layout.weighted),
            ):
                shown = book.value(where[(r.bid.id, criterion_id)])
                if exact is None:
                    assert shown in (None, "", "–")
                else:
                    assert shown == pytest.approx(float(exact), abs=1e-6), (r.bid.id, criterion_id)


def test_the_evaluated_price_is_recalculated_for_value_for_money(
    recalculated: dict[str, Recalculated],
) -> None:
    # A: 1 000 000 − 25 000·6 = 850 000; B: 1 070 000 − 25 000·9 = 845 000 → B first
    book = recalculated["value_for_money"]
    for r in book.result.bids:
        if r.evaluated_price is not None:
            assert book.value(book.layout.evaluated_prices[r.bid.id]) == pytest.approx(
                float(r.evaluated_price)
            )
    assert {r.bid.id: r.rank for r in book.result.bids} == {"A": 2, "B": 1, "C": None}


def test_the_matrix_follows_an_edited_input_cell(recalculated: dict[str, Recalculated]) -> None:
    # readmitting the cheapest bid moves Pb, so everyone's price points change and X wins
    before, after = recalculated["linear_negative_rejected"], recalculated["linear_x_readmitted"]
    assert before.value(before.layout.ranks["X"]) == "Avvist"
    assert after.value(after.layout.ranks["X"]) == 1
    assert after.result.winner == "X"


def test_the_linear_case_has_a_negative_price_point_and_excel_shows_it(
    recalculated: dict[str, Recalculated],
) -> None:
    # C costs 2.3 × the lowest valid price: 10 − 10·1.3 = −3
    book = recalculated["linear_negative_rejected"]
    assert book.result.get("C").criteria["pris"].points == -3
    assert book.value(book.layout.points[("C", "pris")]) == pytest.approx(-3)


def test_ties_share_a_rank_in_excel_unless_the_recorded_order_separates_them(
    recalculated: dict[str, Recalculated],
) -> None:
    book = recalculated["spread_with_ties"]
    ranks = {b: book.value(book.layout.ranks[b]) for b in "ABCDE"}
    assert ranks == {"A": 1, "C": 2, "B": 3, "D": 4, "E": 4}
    assert book.result.unresolved_ties == (("D", "E"),)


def workbook_for(name: str) -> tuple[openpyxl.Workbook, WorkbookLayout]:
    case = parse_case(CASES[name])
    stream = io.BytesIO()
    layout = write_evaluation_workbook(case, evaluate_case(case), stream)
    stream.seek(0)
    return openpyxl.load_workbook(stream), layout


def test_the_workbook_opens_with_its_four_sheets_and_formulas_not_frozen_numbers() -> None:
    book, layout = workbook_for("linear_negative_rejected")
    assert book.sheetnames == ["Inndata", "Matrise", "Individuelle poeng", "Minstekrav"]
    for where in [
        *layout.totals.values(),
        *layout.ranks.values(),
        layout.points[("A", "pris")],
        layout.points[("B", "kvalitet")],
        layout.weighted[("C", "arkiv")],
    ]:
        value = book[where[0]][where[1]].value
        assert isinstance(value, str) and value.startswith("="), where
    assert "RANK(" in book[layout.ranks["A"][0]][layout.ranks["A"][1]].value
    assert "Laveste_pris" in book[layout.points[("A", "pris")][0]][layout.points[("A", "pris")][1]].value


def test_every_sheet_is_set_up_to_print_landscape_one_page_wide_with_frozen_headers() -> None:
    book, _ = workbook_for("proportional_normalised_deep")
    for sheet in book.worksheets:
        assert sheet.page_setup.orientation == "landscape", sheet.title
        assert sheet.page_setup.fitToWidth == 1, sheet.title
        assert sheet.sheet_properties.pageSetUpPr.fitToPage, sheet.title
        assert sheet.freeze_panes, sheet.title
    matrix = book["Matrise"]
    assert matrix.freeze_panes == "D6"
    assert matrix["D6"].number_format == "0.00"


def test_individual_scores_and_minimum_requirements_get_their_own_sheets() -> None:
    data = {**CASES["linear_floor"]}
    data["bids"] = [
        {
            **data["bids"][0],
            "individual_scores": [
                {
                    "evaluator": "Kari Nordmann",
                    "criterion": "arkiv",
                    "score": 3,
                    "justification": "Mangler arkivplan.",
                },
                {
                    "evaluator": "Ola Nordmann",
                    "criterion": "arkiv",
                    "score": 1,
                    "justification": '=HYPERLINK("x")',
                },
            ],
            "minimum_requirements": [{"id": "R0001", "status": "not_met", "reason": "Ikke Noark 5-godkjent"}],
        },
        *data["bids"][1:],
    ]
    case = parse_case(data)
    stream = io.BytesIO()
    write_evaluation_workbook(case, evaluate_case(case), stream)
    stream.seek(0)
    book = openpyxl.load_workbook(stream)
    individual = [row for row in book["Individuelle poeng"].iter_rows(min_row=5, values_only=True)]
    assert [(r[4], r[5], r[8]) for r in individual] == [
        ("Kari Nordmann", 3, "Mangler arkivplan."),
        ("Ola Nordmann", 1, '=HYPERLINK("x")'),
    ]
    # a justification that looks like a formula stays text
    assert book["Individuelle poeng"]["I6"].data_type == "s"
    assert str(individual[0][6]).startswith("=Inndata!")  # the consensus score, live
    requirements = list(book["Minstekrav"].iter_rows(min_row=5, values_only=True))
    assert requirements == [("A", None, "R0001", "Ikke oppfylt", "Ikke Noark 5-godkjent", "Med")]
