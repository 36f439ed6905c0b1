"""The evaluation workbook for every evaluation model of issue 16: every registered price method (the price-
adjusting ones included), decimal scales under the mean consensus rule, quality thresholds and the evaluated
price from a price schedule. Each workbook is recalculated by LibreOffice and read back: every figure equals
the core's exact one to 1e-9 (relative for amounts in kroner, whose doubles carry about 16 digits).

The cases are built from core objects, so they do not depend on how the case format spells them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from tender.core.price_schedule import EvaluatedPrices, PriceSchedule, ScheduleLine, evaluated_prices
from tender.core.scoring import (
    PRICE_METHODS,
    Bid,
    ConsensusRule,
    Criterion,
    CriterionKind,
    EvaluationCase,
    EvaluationResult,
    IndividualScore,
    ScoringModel,
    evaluate_case,
    make_price_method,
)
from tender.reports.evaluation_excel import (
    EVALUATED_PRICE_FORMULAS,
    PRICE_FORMULAS,
    WorkbookLayout,
    write_evaluation_workbook,
)
from tests.test_evaluation_excel import recalculate

F = Fraction
#: a sample value of every price-method parameter the registry knows; a method with a parameter not listed
#: here fails the per-method test until it is added (so a new method cannot be left out of the workbook)
SAMPLE_PARAMETERS = {
    "k": F(3, 2),
    "nok_per_point": F(40_000),
    "surcharge_percent": F(30),
    "deduction_percent": F(25),
}


def close(shown: Any, exact: Fraction | int) -> bool:
    """A recalculated double against the exact value: to 1e-9, relative for large amounts."""
    return isinstance(shown, (int, float)) and shown == pytest.approx(float(exact), rel=1e-12, abs=1e-9)


def quality_group(normalise: bool = False, min_group: Fraction | None = None) -> Criterion:
    return Criterion(
        "kvalitet",
        F(60),
        name="Kvalitet",
        normalise=normalise,
        min_score=min_group,
        children=(
            Criterion("arkiv", F(60), name="Arkiv og journal"),
            Criterion("bruk", F(40), name="Brukervennlighet", normalise=False),
        ),
    )


def method_case(name: str) -> EvaluationCase:
    """Four bids, one rejected by hand, under the price method ``name``: a weighted price criterion for a
    points method, price weight 0 and all the weight on quality for a method that ranks by evaluated price."""
    cls = PRICE_METHODS[name]
    method = make_price_method(name, {p: SAMPLE_PARAMETERS[p] for p in cls.parameter_names})
    by_price = cls.ranks_by_evaluated_price
    price = Criterion(
        "pris", F(0) if by_price else F(40), kind=CriterionKind.PRICE, name="Pris", method=method
    )
    quality = replace(quality_group(normalise=True), weight=F(100) if by_price else F(60))
    model = ScoringModel((price, quality), scale_max=F(10), scale_step=F(1, 2))
    bids = (
        Bid("A", F("1000000"), {"arkiv": F(6), "bruk": F(7)}, name="Alfa AS"),
        Bid("B", F("1234567.89"), {"arkiv": F("9.5"), "bruk": F(8)}, name="Beta AS"),
        Bid("C", F("1900000"), {"arkiv": F(10), "bruk": F("9.5")}, name="Gamma AS"),
        Bid(
            "X", F("700000"), {"arkiv": F(2), "bruk": F(1)}, rejected=True, rejection_reason="Levert for sent"
        ),
    )
    return EvaluationCase(model, bids, title=f"Metode {name}")


def mean_case() -> EvaluationCase:
    """A 0–5 scale in tenths scored by the mean of the evaluators' grades, in the Swedish style of a real 2008
    tender (consensus 3.8 and 2.7; one mean, 3.2333…, that no decimal writes out)."""
    model = ScoringModel(
        (
            Criterion("pris", F(30), kind=CriterionKind.PRICE, method=make_price_method("linear")),
            Criterion(
                "kvalitet",
                F(70),
                children=(Criterion("metode", F(50)), Criterion("kompetanse", F(50))),
            ),
        ),
        scale_max=F(5),
        scale_step=F(1, 10),
        consensus=ConsensusRule.MEAN,
    )
    grades = {
        "A": {"metode": ("3.5", "4.1"), "kompetanse": ("2.5", "2.9")},  # means 3.8 and 2.7
        "B": {"metode": ("3.1", "3.2", "3.4"), "kompetanse": ("4.6", "4.4")},  # 3.2333… and 4.5
    }
    individual = {
        bid: tuple(
            IndividualScore(f"Evaluator {i + 1}", leaf, F(score), "Begrunnet.")
            for leaf, scores in leaves.items()
            for i, score in enumerate(scores)
        )
        for bid, leaves in grades.items()
    }
    bids = (Bid("A", F(900_000), {}), Bid("B", F(1_000_000), {}))
    return EvaluationCase(model, bids, individual_scores=individual)


def threshold_case() -> EvaluationCase:
    """Thresholds on a leaf, on a group (its share-weighted mean) and on the weighted quality points. The
    cheapest bid falls below the leaf's minimum, so Pb is the next bid's price, as in the core."""
    quality = Criterion(
        "kvalitet",
        F(60),
        min_score=F(5),
        children=(Criterion("arkiv", F(60), min_score=F(4)), Criterion("bruk", F(40))),
    )
    model = ScoringModel(
        (Criterion("pris", F(40), kind=CriterionKind.PRICE, method=make_price_method("linear")), quality),
        min_quality=F(3),
    )
    bids = (
        Bid("A", F(800_000), {"arkiv": F(3), "bruk": F(10)}),  # arkiv 3 < 4 (group 5.8 passes)
        Bid("B", F(1_000_000), {"arkiv": F(6), "bruk": F(3)}),  # group 4.8 < 5; Q = 0.6·4.8 = 2.88 < 3
        Bid("C", F(1_100_000), {"arkiv": F(7), "bruk": F(6)}),  # passes: group 6.6, Q 3.96
        Bid("D", F(1_200_000), {"arkiv": F(9), "bruk": F(9)}),  # passes
        Bid("E", F(1_300_000), {"arkiv": F(4), "bruk": F(9)}),  # passes, arkiv exactly at its minimum
        Bid("F", F(1_250_000), {"arkiv": F(5), "bruk": F(5)}),  # passes, group and Q exactly at theirs
    )
    return EvaluationCase(model, bids)


def basket_prices() -> tuple[EvaluationCase, EvaluatedPrices]:
    """A basket where bid B leaves a line without a price, filled with the highest price offered (KOFA
    2011/70), scored with the percentage surcharge model."""
    schedule = PriceSchedule(
        "basket",
        (
            ScheduleLine("time", "Konsulenttime", quantity=Decimal(120)),
            ScheduleLine("kurs", "Kurs, dag", quantity=Decimal(3)),
            ScheduleLine("km", "Reise, km", quantity=Decimal("1500.5")),
        ),
        gaps="highest",
    )
    offered: dict[str, dict[tuple[str, str | None], Decimal | None]] = {
        "A": {
            ("time", None): Decimal("1045.50"),
            ("kurs", None): Decimal(9800),
            ("km", None): Decimal("4.35"),
        },
        "B": {("time", None): Decimal(990), ("kurs", None): None, ("km", None): Decimal("3.9")},
        "C": {("time", None): Decimal(1100), ("kurs", None): Decimal(12500), ("km", None): Decimal(5)},
    }
    prices = evaluated_prices(schedule, offered)
    method = make_price_method("price_surcharge", {"surcharge_percent": F(20)})
    model = ScoringModel(
        (
            Criterion("pris", F(0), kind=CriterionKind.PRICE, method=method),
            Criterion("kvalitet", F(100), children=(Criterion("plan", F(50)), Criterion("team", F(50)))),
        )
    )
    scores = {"A": (6, 7), "B": (8, 8), "C": (10, 9)}
    bids = tuple(
        Bid(b, prices[b].price, {"plan": F(p), "team": F(t)}, name=f"Tilbyder {b}")
        for b, (p, t) in scores.items()
    )
    return EvaluationCase(model, bids, title="Kurv med hull"), prices


def life_cycle_prices() -> tuple[EvaluationCase, EvaluatedPrices]:
    """A life-cycle cost over 4+1+1 years discounted at 4 %, one yearly line priced per municipality; the
    rejected bid is left out of the schedule (and so out of the gap fill)."""
    schedule = PriceSchedule(
        "life_cycle",
        (
            ScheduleLine("innforing", "Innføring"),
            ScheduleLine("lisens", "Lisens per år", yearly=True, per_municipality=True),
            ScheduleLine("drift", "Drift per år", quantity=Decimal(2), yearly=True),
        ),
        period="4+1+1",
        municipalities=("4001", "4003"),
        discount_rate=Decimal(4),
        gaps="reject",
    )
    offered = {
        "A": {
            ("innforing", None): Decimal(250_000),
            ("lisens", "4001"): Decimal(80_000),
            ("lisens", "4003"): Decimal("65000.50"),
            ("drift", None): Decimal(40_000),
        },
        "B": {
            ("innforing", None): Decimal(400_000),
            ("lisens", "4001"): Decimal(60_000),
            ("lisens", "4003"): Decimal(55_000),
            ("drift", None): Decimal(35_000),
        },
    }
    prices = evaluated_prices(schedule, offered)
    model = ScoringModel(
        (
            Criterion("pris", F(50), kind=CriterionKind.PRICE, method=make_price_method("proportional")),
            Criterion("kvalitet", F(50)),
        )
    )
    bids = (
        Bid("A", prices["A"].price, {"kvalitet": F(7)}),
        Bid("B", prices["B"].price, {"kvalitet": F(9)}),
        Bid("Z", F(100_000), {"kvalitet": F(10)}, rejected=True, rejection_reason="Avvist for mangler"),
    )
    return EvaluationCase(model, bids, title="Livsløpskostnad"), prices


@dataclass
class Book:
    case: EvaluationCase
    result: EvaluationResult
    layout: WorkbookLayout
    values: openpyxl.Workbook
    formulas: openpyxl.Workbook
    prices: EvaluatedPrices | None = None

    def value(self, where: tuple[str, str]) -> Any:
        return self.values[where[0]][where[1]].value

    def formula(self, where: tuple[str, str]) -> Any:
        return self.formulas[where[0]][where[1]].value


def _cases() -> dict[str, tuple[EvaluationCase, EvaluatedPrices | None]]:
    found: dict[str, tuple[EvaluationCase, EvaluatedPrices | None]] = {
        f"method_{name}": (method_case(name), None) for name in PRICE_METHODS
    }
    found["mean_tenths"] = (mean_case(), None)
    found["thresholds"] = (threshold_case(), None)
    found["basket_gap"] = basket_prices()
    found["life_cycle"] = life_cycle_prices()
    return found


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Book]:
    work = tmp_path_factory.mktemp("excel-models")
    written = {}
    for name, (case, prices) in _cases().items():
        result = evaluate_case(case)
        path = work / f"{name}.xlsx"
        written[name] = (case, result, write_evaluation_workbook(case, result, path, prices), path, prices)
    # the mean-rule workbook with one individual score changed in the workbook: A's first "kompetanse" 2.5 → 5
    edited = work / "mean_edited.xlsx"
    book = openpyxl.load_workbook(written["mean_tenths"][3])
    sheet = book["Individuelle poeng"]
    cell = next(r[5] for r in sheet.iter_rows(min_row=5) if r[0].value == "A" and r[2].value == "kompetanse")
    cell.value = 5
    book.save(edited)
    # the basket workbook with C (whose course-day price fills B's gap) rejected in the workbook
    readmit = work / "basket_c_rejected.xlsx"
    book = openpyxl.load_workbook(written["basket_gap"][3])
    sheet = book["Inndata"]
    next(r[3] for r in sheet.iter_rows(min_row=15) if r[0].value == "C").value = "Avvist"
    book.save(readmit)
    out = recalculate([w[3] for w in written.values()] + [edited, readmit], work)
    found = {
        name: Book(
            case,
            result,
            layout,
            openpyxl.load_workbook(out / path.name, data_only=True),
            openpyxl.load_workbook(path),
            prices,
        )
        for name, (case, result, layout, path, prices) in written.items()
    }
    case = written["mean_tenths"][0]
    individual = dict(case.individual_scores)
    individual["A"] = tuple(
        replace(s, score=F(5)) if s.criterion_id == "kompetanse" and s.evaluator == "Evaluator 1" else s
        for s in individual["A"]
    )
    edited_case = replace(case, individual_scores=individual)
    found["mean_edited"] = Book(
        edited_case,
        evaluate_case(edited_case),
        written["mean_tenths"][2],
        openpyxl.load_workbook(out / edited.name, data_only=True),
        openpyxl.load_workbook(edited),
    )
    # the core's view of that: C rejected, the schedule made from A and B only (B's gap gets A's 9 800)
    case, _ = basket_prices()
    schedule = written["basket_gap"][4].schedule
    offered = {
        b: {
            (x.line, x.municipality): x.offered
            for x in written["basket_gap"][4][b].lines
            if x.offered is not None
        }
        for b in ("A", "B")
    }
    prices = evaluated_prices(schedule, offered)
    bids = tuple(
        replace(b, price=prices[b.id].price)
        if b.id in prices.bids
        else replace(b, rejected=True, rejection_reason="Avvist i arket")
        for b in case.bids
    )
    rejected_case = replace(case, bids=bids)
    found["basket_c_rejected"] = Book(
        rejected_case,
        evaluate_case(rejected_case),
        written["basket_gap"][2],
        openpyxl.load_workbook(out / readmit.name, data_only=True),
        openpyxl.load_workbook(readmit),
        prices,
    )
    return found


def assert_matches_core(book: Book) -> None:
    """Every total, point, weighted point, evaluated price and rank equals the core's to 1e-9."""
    for r in book.result.bids:
        total, rank = book.value(book.layout.totals[r.bid.id]), book.value(book.layout.ranks[r.bid.id])
        assert book.value(book.layout.statuses[r.bid.id]) == ("Avvist" if r.bid.rejected else "Med"), r.bid.id
        if r.rank is None:
            assert total in (None, ""), r.bid.id
            assert rank == "Avvist", r.bid.id
            continue
        assert r.total is not None
        assert close(total, r.total), (r.bid.id, total, float(r.total))
        assert rank == r.rank, r.bid.id
        for criterion_id, points in r.criteria.items():
            for exact, where in (
                (points.points, book.layout.points),
                (points.weighted, book.layout.weighted),
            ):
                shown = book.value(where[(r.bid.id, criterion_id)])
                if exact is None:
                    assert shown in (None, "", "–")
                else:
                    assert close(shown, exact), (r.bid.id, criterion_id, shown, float(exact))
        if r.evaluated_price is not None:
            shown = book.value(book.layout.evaluated_prices[r.bid.id])
            assert close(shown, r.evaluated_price), (r.bid.id, shown, float(r.evaluated_price))


@pytest.mark.parametrize("name", sorted(PRICE_METHODS))
def test_every_registered_price_method_recalculates_to_the_cores_figures(
    books: dict[str, Book], name: str
) -> None:
    book = books[f"method_{name}"]
    assert_matches_core(book)
    method = book.case.model.price_method
    assert method is not None and method.name == name
    # the workbook has a formula for it, and the model sheet states the method's own formula
    assert name in (EVALUATED_PRICE_FORMULAS if method.ranks_by_evaluated_price else PRICE_FORMULAS)
    inputs = [c.value for row in book.formulas["Inndata"].iter_rows(max_row=20) for c in row]
    assert method.formula in inputs and method.label in inputs
    if method.ranks_by_evaluated_price:
        # Q and the evaluated price are live formulas over the workbook's own cells
        where = book.layout.evaluated_prices["A"]
        assert str(book.formula(where)).startswith("=") and "Inndata!" in book.formula(where)
        for r in book.result.bids:
            if r.rank is not None:
                quality = sum(
                    (
                        p.weighted or 0
                        for cid, p in r.criteria.items()
                        if book.case.model.get(cid).is_leaf
                        and book.case.model.get(cid).kind is CriterionKind.QUALITY
                    ),
                    F(0),
                )
                assert close(book.value(book.layout.quality[r.bid.id]), quality)
        assert close(book.value(book.layout.parameters["Kvalitet_maks"]), book.case.model.quality_max)


def test_the_price_adjusting_formulas_are_the_announced_ones(books: dict[str, Book]) -> None:
    # worked by hand from the published forms: Q = 0.6·arkiv' + 0.4·bruk (arkiv normalised to the best, 10),
    # Qmax = 10. A: arkiv 6, bruk 7 → Q = 3.6 + 2.8 = 6.4, q = 0.64; price 1 000 000.
    expected = {
        "value_for_money": 1_000_000 - 40_000 * F("6.4"),  # 744 000
        "value_for_money_offset": 1_000_000 + 40_000 * (10 - F("6.4")),  # 1 144 000
        "price_surcharge": 1_000_000 * (1 + F(30, 100) * (1 - F("0.64"))),  # 1 108 000
        "price_deduction": 1_000_000 * (1 - F(25, 100) * F("0.64")),  # 840 000
    }
    for name, value in expected.items():
        book = books[f"method_{name}"]
        assert book.result.get("A").evaluated_price == value
        assert close(book.value(book.layout.evaluated_prices["A"]), value)


def test_a_negative_evaluated_price_is_flagged_next_to_the_rank(tmp_path: Path) -> None:
    case = method_case("value_for_money")
    method = make_price_method("value_for_money", {"nok_per_point": F(200_000)})
    criteria = (replace(case.model.criteria[0], method=method), case.model.criteria[1])
    case = replace(case, model=replace(case.model, criteria=criteria))
    result = evaluate_case(case)
    assert any(w.code == "evaluated_price_negative" for w in result.warnings)
    path = tmp_path / "negative.xlsx"
    layout = write_evaluation_workbook(case, result, path)
    out = recalculate([path], path.parent)
    values = openpyxl.load_workbook(out / path.name, data_only=True)
    sheet, coordinate = layout.ranks["A"]
    note = values[sheet].cell(row=values[sheet][coordinate].row, column=values[sheet][coordinate].column + 1)
    # A: 1 000 000 − 200 000 × 6.4 < 0
    assert result.get("A").evaluated_price is not None and result.get("A").evaluated_price < 0
    assert str(note.value).startswith("Negativ evaluert pris")
    x_note = values[sheet].cell(row=note.row + 3, column=note.column).value
    assert x_note == "Avvist: Levert for sent"


def test_the_mean_rule_makes_the_consensus_a_live_average_of_the_individual_scores(
    books: dict[str, Book],
) -> None:
    book = books["mean_tenths"]
    assert_matches_core(book)
    inputs = book.formulas["Inndata"]
    texts = [c.value for row in inputs.iter_rows(max_row=20) for c in row]
    assert "0–5 i trinn på 0,1" in texts
    assert any(isinstance(t, str) and t.startswith("Gjennomsnittet av evaluatorenes") for t in texts)
    assert book.value(book.layout.parameters["Skala_trinn"]) == pytest.approx(0.1)
    # the consensus cells: AVERAGE formulas whose values are the exact means (3.8, 2.7, 3.2333…, 4.5)
    consensus = {
        (r[0].value, r[2].value): (r[6].value, r[6].row)
        for r in book.formulas["Individuelle poeng"].iter_rows(min_row=5)
        if r[0].value
    }
    expected = {
        ("A", "metode"): F("3.8"),
        ("A", "kompetanse"): F("2.7"),
        ("B", "metode"): F(97, 30),
        ("B", "kompetanse"): F("4.5"),
    }
    for key, mean in expected.items():
        reference, row = consensus[key]
        sheet_name, cell = reference.lstrip("=").split("!")
        assert str(inputs[cell.replace("$", "")].value).startswith("=AVERAGE(")
        assert close(book.values[sheet_name][cell.replace("$", "")].value, mean), key
        assert close(book.values["Individuelle poeng"][f"G{row}"].value, mean), key


def test_an_individual_score_changed_in_the_workbook_moves_the_mean_and_the_ranking(
    books: dict[str, Book],
) -> None:
    # A's competence mean 2.7 → 3.95 lifts A (3.775 → 4.2125) past B (4.04)
    before, after = books["mean_tenths"], books["mean_edited"]
    assert (before.result.winner, after.result.winner) == ("B", "A")
    assert_matches_core(after)


def test_a_bid_below_a_quality_threshold_is_out_of_the_competition_and_the_workbook_says_why(
    books: dict[str, Book],
) -> None:
    book = books["thresholds"]
    result = book.result
    assert [r.bid.id for r in result.bids if r.threshold_failures] == ["A", "B"]
    assert_matches_core(book)  # Pb is C's price: A is out, as in the core
    assert result.price_context is not None and result.price_context.lowest == 1_100_000
    a, b, c = (book.value(book.layout.thresholds[x]) for x in "ABC")
    assert a == "minstepoeng på «arkiv»: 3.00 < 4.00" or a == "minstepoeng på «arkiv»: 3,00 < 4,00"
    assert "«kvalitet»" in b and "minste vektede kvalitetspoeng" in b and "«arkiv»" not in b
    assert c in (None, "")
    # the parameters are cells: the per-criterion minimum and the minimum weighted quality
    assert book.value(book.layout.parameters["Min_kvalitet"]) == 3
    assert all(book.value(book.layout.thresholds[x]) in (None, "") for x in "DEF")
    sheet, coordinate = book.layout.ranks["A"]
    rank = book.values[sheet][coordinate]
    note = book.values[sheet].cell(row=rank.row, column=rank.column + 1).value
    assert note.startswith("Avvist, under terskel: minstepoeng på «arkiv»")


def test_a_basket_with_a_gap_fills_it_with_the_highest_price_on_the_line(books: dict[str, Book]) -> None:
    book = books["basket_gap"]
    assert book.prices is not None
    assert book.prices["B"].filled and book.prices["B"].filled[0].line == "kurs"
    assert_matches_core(book)
    for bid_id, priced in book.prices.bids.items():
        assert close(book.value(book.layout.schedule_prices[bid_id]), priced.price)
        for line in priced.lines:
            where = book.layout.schedule_contributions[(str(bid_id), line.line, line.municipality)]
            assert close(book.value(where), line.contribution)
    for cell, highest in book.prices.highest.items():
        assert close(book.value(book.layout.schedule_highest[cell]), highest)
    # B's course day is C's 12 500: 120 × 990 + 3 × 12 500 + 1500.5 × 3.9
    assert book.prices["B"].price == 120 * 990 + 3 * 12_500 + F("1500.5") * F("3.9")
    # the price on Inndata is the schedule's sum, by formula
    price_cell = next(r[2] for r in book.formulas["Inndata"].iter_rows(min_row=20) if r[0].value == "B")
    sheet, coordinate = book.layout.schedule_prices["B"]
    assert str(price_cell.value).replace("$", "") == f"={sheet}!{coordinate}"


def test_a_bid_rejected_in_the_workbook_leaves_the_gap_filling(books: dict[str, Book]) -> None:
    book = books["basket_c_rejected"]
    assert book.prices is not None
    # B's course day: A's 9 800 now that C's 12 500 no longer counts
    assert book.prices["B"].price == 120 * 990 + 3 * 9_800 + F("1500.5") * F("3.9")
    assert close(book.value(book.layout.schedule_highest[("kurs", None)]), 9_800)
    for bid_id in ("A", "B"):
        assert close(book.value(book.layout.schedule_prices[bid_id]), book.prices[bid_id].price)
    assert book.result.get("C").rank is None
    assert_matches_core(book)
    for r in book.result.bids:
        if r.rank is not None:
            assert r.evaluated_price is not None
            assert close(book.value(book.layout.evaluated_prices[r.bid.id]), r.evaluated_price)
            assert book.value(book.layout.ranks[r.bid.id]) == r.rank


def test_a_discounted_life_cycle_cost_per_municipality_sums_to_the_evaluated_price(
    books: dict[str, Book],
) -> None:
    book = books["life_cycle"]
    assert book.prices is not None
    assert_matches_core(book)
    factor = sum((1 / F(104, 100) ** t for t in range(1, 7)), F(0))
    assert close(book.value(("Prisskjema", "C9")), factor)  # Nåverdifaktor
    for bid_id, priced in book.prices.bids.items():
        assert close(book.value(book.layout.schedule_prices[bid_id]), priced.price)
        for line in priced.lines:
            where = book.layout.schedule_contributions[(str(bid_id), line.line, line.municipality)]
            assert close(book.value(where), line.contribution)
    # A: 250 000 + (80 000 + 65 000.50 + 2 × 40 000) × Σ 1/1.04ᵗ
    assert book.prices["A"].price == 250_000 + (80_000 + F("65000.50") + 2 * 40_000) * factor
    assert "Z" not in book.layout.schedule_prices  # rejected: not in the schedule, its price an input


def test_prices_that_are_not_the_cases_are_refused() -> None:
    case, prices = basket_prices()
    wrong = replace(case, bids=(replace(case.bids[0], price=F(1)), *case.bids[1:]))
    with pytest.raises(ValueError, match="price schedule's price of 'A'"):
        write_evaluation_workbook(wrong, evaluate_case(wrong), Path("/dev/null"), prices)


def test_tender_score_xlsx_on_a_case_file_with_a_price_schedule_writes_it_by_formula(tmp_path: Path) -> None:
    """The case format's Swedish 2008 example (0–5 in tenths by the mean, a surcharge, a basket with a gap
    and a threshold that rejects C): `tender score --xlsx` writes the schedule and the thresholds as formulas,
    and LibreOffice recalculates them to the figures `tender score` prints."""
    import json

    from click.testing import CliRunner

    from tender.evaluation.commands import score_command
    from tender.evaluation_model.case import load_case
    from tests.test_score_command import SWEDISH_2008

    source, target = tmp_path / "sak.json", tmp_path / "matrise.xlsx"
    source.write_text(json.dumps(SWEDISH_2008), encoding="utf-8")
    run = CliRunner().invoke(score_command, [str(source), "--xlsx", str(target)])
    assert run.exit_code == 0, run.output
    printed = {b["id"]: b for b in json.loads(run.stdout)["bids"]}
    case = load_case(source)
    assert case.schedule_prices is not None
    layout = write_evaluation_workbook(case, evaluate_case(case), tmp_path / "same-layout.xlsx")
    values = openpyxl.load_workbook(recalculate([target], tmp_path) / target.name, data_only=True)
    assert values.sheetnames == [
        "Inndata",
        "Matrise",
        "Terskler",
        "Prisskjema",
        "Individuelle poeng",
        "Minstekrav",
    ]

    def value(where: tuple[str, str]) -> Any:
        return values[where[0]][where[1]].value

    for bid_id, bid in printed.items():
        if bid["rank"] is None:
            assert value(layout.ranks[bid_id]) == "Avvist"
            assert "«kvalitet»" in value(layout.thresholds[bid_id])
            continue
        assert value(layout.ranks[bid_id]) == bid["rank"]
        for key, where in (("total", layout.totals), ("evaluated_price", layout.evaluated_prices)):
            assert value(where[bid_id]) == pytest.approx(bid[key], rel=1e-12, abs=1e-9), (bid_id, key)
        assert value(layout.schedule_prices[bid_id]) == pytest.approx(bid["price"], rel=1e-12, abs=1e-9)
