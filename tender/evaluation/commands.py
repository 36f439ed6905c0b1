"""``tender score CASE.json``: score a case file headless, as JSON or as a table for people.

Bad input (a missing file, malformed JSON, weights that do not sum, a score off the scale …)
prints one line per problem, each naming its place, to stderr and exits with code 2.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path
from typing import NoReturn

import click

from tender.core.scoring import (
    ConsensusRule,
    EvaluationCase,
    EvaluationResult,
    ScoringError,
    ScoringModel,
    ThresholdFailure,
    evaluate_case,
)
from tender.core.scoring.sensitivity import Sensitivity, sensitivity
from tender.evaluation_model.case import load_case, result_to_json
from tender.formatting import format_decimal, format_number
from tender.web import core_messages

BAD_INPUT = 2


@click.command("score")
@click.argument("case_file", metavar="CASE.json", type=click.Path(path_type=Path))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["json", "table"]),
    default="json",
    show_default=True,
    help="json for programs, table for people.",
)
@click.option(
    "--xlsx",
    "xlsx_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also write the evaluation matrix with live formulas to this Excel file.",
)
def score_command(case_file: Path, output_format: str, xlsx_path: Path | None) -> None:
    """Score and rank the bids in CASE.json (format: README.md, "Evaluation case format")."""
    try:
        case = load_case(case_file)
        result = evaluate_case(case)
    except ScoringError as exc:
        _fail(exc)
    found = sensitivity(result)
    if xlsx_path is not None:
        _write_workbook(case, result, xlsx_path)
    if output_format == "table":
        click.echo(render_table(result, found, case.title, case))
    else:
        click.echo(json.dumps(result_to_json(result, found, case), ensure_ascii=False, indent=2))


def _fail(exc: ScoringError) -> NoReturn:
    for problem in exc.problems:
        click.echo(f"error: {problem}", err=True)
    raise SystemExit(BAD_INPUT)


def _write_workbook(case: EvaluationCase, result: EvaluationResult, path: Path) -> None:
    # imported here so `tender score` without --xlsx does not pay for loading openpyxl
    from tender.reports.evaluation_excel import write_evaluation_workbook

    try:
        write_evaluation_workbook(case, result, path)
    except OSError as exc:
        click.echo(f"error: --xlsx {path}: cannot write the workbook ({exc.strerror or exc})", err=True)
        raise SystemExit(BAD_INPUT) from None
    except ValueError as exc:  # a model the workbook cannot (yet) express as live formulas
        click.echo(f"error: --xlsx {path}: cannot write the workbook ({exc})", err=True)
        raise SystemExit(BAD_INPUT) from None
    click.echo(f"wrote {path}", err=True)


# --- the table for people ------------------------------------------------------------------------


def _fmt(value: Fraction | None, decimals: int = 2) -> str:
    # the same Norwegian number format as the pages and workbooks (1 234,56)
    return format_number(value, decimals)


def _columns(rows: Sequence[Sequence[str]], right: set[int]) -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return [
        "  ".join(
            cell.rjust(w) if i in right else cell.ljust(w)
            for i, (cell, w) in enumerate(zip(r, widths, strict=True))
        ).rstrip()
        for r in rows
    ]


def render_table(
    result: EvaluationResult, found: Sensitivity, title: str = "", case: EvaluationCase | None = None
) -> str:
    """The ranking with weighted points per top-level criterion, the model (scale, step, consensus rule,
    price method and its formula, thresholds), the prices made from a price schedule, ties, warnings and
    sensitivity, all in Norwegian."""
    model = result.model
    top = [p for p in model.placed if p.depth == 0]
    by_price = model.ranks_by_evaluated_price
    header = ["Rang", "Tilbud", *(f"{p.id} ({_fmt(p.share * 100, 0)} %)" for p in top), "Sum"]
    header += ["Evaluert pris"] if by_price else []
    rows = [header]
    for r in result.ranked():
        name = r.bid.id + (f" {r.bid.name}" if r.bid.name else "")
        if r.rank is None:
            rows.append(["avvist", name, *("" for _ in top), "", *([""] if by_price else [])])
            continue
        rank = f"{r.rank}{'=' if r.tied else ''}"
        cells = [rank, name, *(_fmt(r.criteria[p.id].weighted, 4) for p in top), _fmt(r.total, 4)]
        rows.append(cells + ([_fmt(r.evaluated_price)] if by_price else []))
    lines = [title] if title else []
    lines += _model_lines(model)
    lines += ["", *_columns(rows, right=set(range(2, len(header))))]
    lines += _schedule_lines(result, case)
    lines += _notes(result)
    lines += _sensitivity_lines(found, by_price)
    return "\n".join(lines)


def _number(value: Fraction) -> str:
    """An exact number with as many decimals as it needs, up to six (0,1; 2,75; 3,333333)."""
    return format_decimal(value, 6)


def _model_lines(model: ScoringModel) -> list[str]:
    step = model.step
    scale = f"Skala 0–{_number(model.scale_max)}"
    scale += " (kontinuerlig)" if step == 0 else f" i trinn på {_number(step)}"
    if model.consensus is ConsensusRule.MEAN:
        scale += "; konsensus: gjennomsnittet av evaluatorenes poeng"
    method = model.price_method
    if method is not None:
        parameters = ", ".join(
            f"{_PARAMETER_LABELS.get(k, k)} {_number(v)}" for k, v in method.parameters().items()
        )
        scale += f"; prismetode: {method.label} ({method.formula})" + (
            f"; {parameters}" if parameters else ""
        )
    lines = [scale]
    if model.ranks_by_evaluated_price:
        lines.append(
            f"Q = vektede kvalitetspoeng; maks vektede kvalitetspoeng (Qmax) = {_number(model.quality_max)}"
        )
    thresholds = [
        f"minst {_number(p.criterion.min_score)} poeng på «{p.id}»"
        for p in model.placed
        if p.criterion.min_score is not None
    ]
    if model.min_quality is not None:
        thresholds.append(f"minst {_number(model.min_quality)} vektede kvalitetspoeng")
    if thresholds:
        lines.append("Kvalitetskrav (tilbud under avvises): " + "; ".join(thresholds))
    return lines


_PARAMETER_LABELS = {
    "k": "k =",
    "nok_per_point": "kr per poeng =",
    "surcharge_percent": "pristillegg S (%) =",
    "deduction_percent": "prisfradrag D (%) =",
}


def _schedule_lines(result: EvaluationResult, case: EvaluationCase | None) -> list[str]:
    priced = case.schedule_prices if case is not None else None
    if priced is None:
        return []
    schedule = priced.schedule
    how = {"basket": "kurv", "average": "gjennomsnitt over linjene", "life_cycle": "livssykluskostnad"}
    head = f"Prisskjema: {how.get(schedule.method, schedule.method)}"
    if schedule.period:
        head += f", periode {schedule.period} år"
    if schedule.discount_rate is not None:
        head += f", diskontert med {_number(Fraction(schedule.discount_rate))} %"
    head += "; tomme linjer: " + (
        "fylt med høyeste tilbudte pris" if schedule.gaps == "highest" else "avvist"
    )
    lines = ["", head]
    for r in result.ranked():
        bid_price = priced.bids.get(r.bid.id)
        if bid_price is None:
            continue
        lines.append(f"Evaluert pris fra prisskjema: {r.bid.id} {_fmt(bid_price.price)} kr")
        for line in bid_price.lines:
            where = line.line + (f" ({line.municipality})" if line.municipality else "")
            offered = "tomt, fylt med høyeste pris " if line.filled else ""
            factor = "" if line.factor == 1 else f" × {_fmt(line.factor, 6)}"
            lines.append(
                f"  {where}: {offered}{_fmt(line.amount)} × {_number(line.quantity)}{factor}"
                f" = {_fmt(line.contribution)}"
            )
    return lines


def _threshold_words(failures: Sequence[ThresholdFailure]) -> str:
    """The thresholds a bid falls below, worded as the documents, the protocol and the pages word them."""
    from tender.reports import model_wording

    return " ".join(
        model_wording.threshold_failure_text(f.criterion_id, f.minimum, f.actual) for f in failures
    )


def _notes(result: EvaluationResult) -> list[str]:
    lines: list[str] = []
    for r in result.ranked():
        if r.rank is None:
            reason = (
                _threshold_words(r.threshold_failures) if r.rejected_by_threshold else r.bid.rejection_reason
            )
            lines.append(f"Avvist {r.bid.id}: {reason}")
    for tie in result.unresolved_ties:
        lines.append(f"Uavklart likhet mellom {', '.join(tie)}: registrer en rekkefølge (tie_break)")
    lines += [f"Advarsel: {core_messages.message(w)}" for w in result.warnings]
    return ([""] + lines) if lines else []


def _sensitivity_lines(found: Sensitivity, by_price: bool = False) -> list[str]:
    lines = ["", "Følsomhet" + (f" (vinner: {found.winner})" if found.winner else "")]
    if found.note_code:
        lines.append(f"  {core_messages.note(found.note_code)}")
    for w in found.weights:
        if w.low is None or w.high is None:
            lines.append(f"  {w.criterion_id}: {core_messages.note(w.note_code)}")
            continue
        span = f"{_fmt(w.low * 100)}–{_fmt(w.high * 100)} %"
        who = [
            f"{w.overtaken_below_by} vinner under" if w.overtaken_below_by else "",
            f"{w.overtaken_above_by} vinner over" if w.overtaken_above_by else "",
        ]
        extra = "; ".join(x for x in who if x)
        announced = {
            True: "; holder i hele det kunngjorte spennet",
            False: "; holder IKKE i hele det kunngjorte spennet",
            None: "",
        }[w.holds_over_announced_range]
        lines.append(
            f"  vekt {w.criterion_id} (nå {_fmt(w.current * 100)} %): vinneren holder for {span}"
            + (f" ({extra})" if extra else "")
            + announced
        )
    for p in found.prices:
        if p.reduction is None:
            lines.append(f"  pris {p.bid_id}: {core_messages.note(p.note_code).rstrip('.').lower()}")
        else:
            lines.append(
                f"  pris {p.bid_id}: må ned {_fmt(p.reduction)} kr ({_fmt(p.reduction_percent)} %) "
                f"til {_fmt(p.price - p.reduction)} kr for å vinne"
            )
    return lines
