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

from tender.core.scoring import EvaluationCase, EvaluationResult, ScoringError, evaluate_case
from tender.core.scoring.sensitivity import Sensitivity, sensitivity
from tender.evaluation_model.case import load_case, result_to_json
from tender.formatting import format_number

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
        click.echo(render_table(result, found, case.title))
    else:
        click.echo(json.dumps(result_to_json(result, found), ensure_ascii=False, indent=2))


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


def render_table(result: EvaluationResult, found: Sensitivity, title: str = "") -> str:
    """The ranking with weighted points per top-level criterion, ties, warnings and sensitivity."""
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
    method = model.price_method
    scale = f"Skala 0–{_fmt(model.scale_max, 0)}"
    lines.append(f"{scale}; prismetode: {method.label} ({method.formula})" if method else scale)
    lines += ["", *_columns(rows, right=set(range(2, len(header))))]
    lines += _notes(result)
    lines += _sensitivity_lines(found)
    return "\n".join(lines)


def _notes(result: EvaluationResult) -> list[str]:
    lines: list[str] = []
    for r in result.ranked():
        if r.rank is None:
            lines.append(f"Avvist {r.bid.id}: {r.bid.rejection_reason}")
    for tie in result.unresolved_ties:
        lines.append(f"Uavklart likhet mellom {', '.join(tie)}: registrer en rekkefølge (tie_break)")
    lines += [f"Advarsel: {w}" for w in result.warnings]
    return ([""] + lines) if lines else []


def _sensitivity_lines(found: Sensitivity) -> list[str]:
    lines = ["", "Følsomhet" + (f" (vinner: {found.winner})" if found.winner else "")]
    if found.note:
        lines.append(f"  {found.note}")
    for w in found.weights:
        if w.low is None or w.high is None:
            lines.append(f"  {w.criterion_id}: {w.note}")
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
            lines.append(f"  pris {p.bid_id}: kan ikke vinne på pris alene")
        else:
            lines.append(
                f"  pris {p.bid_id}: må ned {_fmt(p.reduction)} kr ({_fmt(p.reduction_percent)} %) "
                f"til {_fmt(p.price - p.reduction)} kr for å vinne"
            )
    return lines
