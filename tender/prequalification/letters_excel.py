"""The prequalification's assessment matrix as an Excel workbook whose totals and ranks are live formulas, as
the evaluation matrix's (tender.reports.evaluation_excel).

Sheets
    Kvalifikasjon   each request × each qualification requirement (Oppfylt / Ikke oppfylt / Avklares), whether
                    a ground for exclusion applies, and "Kvalifisert" computed by COUNTIF over the row
    Utvelgelse      the weights and the consensus scores (yellow input cells), the weighted total per request
                    (SUMPRODUCT of scores and weights / 100, on the 0–10 scale) and the rank (RANK, with
                    COUNTIFS over the recorded order for a tie the group decided)

Change a score or a weight and Excel or LibreOffice ranks again, so the group can check the app's arithmetic
with the tool it trusts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import IO

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from tender.core.scoring import RequirementStatus
from tender.prequalification.letters_operations import MatrixContent

QUALIFICATION, SELECTION = "Kvalifikasjon", "Utvelgelse"
IN, OUT = "Med", "Ikke med"
STATUS_TEXT = {
    RequirementStatus.MET: "Oppfylt",
    RequirementStatus.NOT_MET: "Ikke oppfylt",
    RequirementStatus.CLARIFY: "Avklares",
}
SCORE, POINTS, BASIS = "0.0", "0.00", "0.000000"

_THIN = Side(style="thin", color="BFBFBF")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
_HEADER_FONT = Font(bold=True, color="FFFFFF")
_INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
_TOTAL_FILL = PatternFill("solid", fgColor="E2EFDA")
_STATUS_FILLS = {
    RequirementStatus.MET: PatternFill("solid", fgColor="E2EFDA"),
    RequirementStatus.NOT_MET: PatternFill("solid", fgColor="F8CBAD"),
    RequirementStatus.CLARIFY: PatternFill("solid", fgColor="FFF2CC"),
}
_WRAP = Alignment(wrap_text=True, vertical="top")
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)


@dataclass
class MatrixLayout:
    """Where the results sit, as (sheet, coordinate), by request id: for tests and anyone linking."""

    totals: dict[str, tuple[str, str]] = field(default_factory=dict)
    ranks: dict[str, tuple[str, str]] = field(default_factory=dict)
    qualified: dict[str, tuple[str, str]] = field(default_factory=dict)


def _text(ws: Worksheet, row: int, column: int, value: object) -> Cell:
    """Text exactly as given: a name starting with "=" stays text (spreadsheet formula injection)."""
    c = ws.cell(row=row, column=column, value=value)
    if isinstance(value, str) and value.startswith("="):
        c.data_type = "s"
    c.border = _BORDER
    return c


def _header(ws: Worksheet, row: int, titles: list[str], start: int = 1) -> None:
    for offset, title in enumerate(titles):
        c = _text(ws, row, start + offset, title)
        c.font, c.fill, c.alignment = _HEADER_FONT, _HEADER_FILL, _CENTER
    ws.row_dimensions[row].height = 45


def _input(c: Cell, value: object, number_format: str | None = None) -> None:
    c.value = value
    c.fill, c.border = _INPUT_FILL, _BORDER
    if number_format:
        c.number_format = number_format


def _num(value: Fraction | None) -> float | None:
    # Excel holds doubles; the exact values stay in the app and in the selection's record
    return None if value is None else float(value)


def _print_setup(ws: Worksheet, title_rows: str) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = title_rows
    ws.oddFooter.center.text = "Side &P av &N"
    ws.oddFooter.left.text = "&A"


def _qualification(wb: Workbook, content: MatrixContent, layout: MatrixLayout) -> None:
    ws = wb.active
    assert ws is not None
    ws.title = QUALIFICATION
    ws.cell(row=1, column=1, value=f"Kvalifikasjon – {content.title}").font = Font(bold=True, size=14)
    ws.cell(
        row=2,
        column=1,
        value=(
            "Vurdering av hvert kvalifikasjonskrav per forespørsel. "
            "«Kvalifisert» regnes ut av radens vurderinger."
        ),
    ).font = Font(italic=True, color="595959")
    requirements = [f"Krav {i + 1}: {text}" for i, text in enumerate(content.requirements)]
    _header(ws, 4, ["Leverandør", *requirements, "Avvisningsgrunn foreligger", "Kvalifisert"])
    first_req, last_req = 2, 1 + len(content.requirements)
    excluded_col, qualified_col = last_req + 1, last_req + 2
    for offset, request in enumerate(content.requests):
        row = 5 + offset
        _text(ws, row, 1, request.name).alignment = _WRAP
        for j, status in enumerate(request.statuses):
            c = ws.cell(row=row, column=first_req + j)
            _input(c, STATUS_TEXT[status] if status is not None else "")
            if status is not None:
                c.fill = _STATUS_FILLS[status]
        _input(ws.cell(row=row, column=excluded_col), "Ja" if request.excluded else "Nei")
        span = f"{get_column_letter(first_req)}{row}:{get_column_letter(last_req)}{row}"
        excluded = f"{get_column_letter(excluded_col)}{row}"
        # qualified when every requirement is met and no ground for exclusion applies
        c = ws.cell(
            row=row,
            column=qualified_col,
            value=f'=IF(AND(COUNTIF({span},"Oppfylt")={len(content.requirements)},{excluded}="Nei"),"Ja","Nei")',
        )
        c.border, c.font, c.alignment = _BORDER, Font(bold=True), _CENTER
        layout.qualified[request.id] = (QUALIFICATION, c.coordinate)
    ws.column_dimensions["A"].width = 28
    for col in range(first_req, qualified_col + 1):
        ws.column_dimensions[get_column_letter(col)].width = 18
    ws.freeze_panes = "B5"
    _print_setup(ws, "4:4")


def _selection(wb: Workbook, content: MatrixContent, layout: MatrixLayout) -> None:
    ws = wb.create_sheet(SELECTION)
    ws.cell(row=1, column=1, value=f"Utvelgelse – {content.title}").font = Font(bold=True, size=14)
    ws.cell(
        row=2,
        column=1,
        value=(
            "Gule celler er inndata (vekter i prosent og konsensuspoeng 0–10). Vektet sum = SUMPRODUKT av "
            "poeng og vekter / 100; rangeringen regnes om når du endrer dem."
        ),
    ).font = Font(italic=True, color="595959")
    n = len(content.criteria)
    first_score, last_score = 3, 2 + n
    total_col, basis_col, key_col, rank_col = last_score + 1, last_score + 2, last_score + 3, last_score + 4
    _header(
        ws,
        4,
        ["Leverandør", "Med i rangeringen"]
        + [c.name for c in content.criteria]
        + ["Vektet sum", "Rangeringsgrunnlag", "Rekkefølge ved likhet", "Rangering"],
    )
    weight_row = 5
    _text(ws, weight_row, 1, "Vekt (%)").font = Font(bold=True)
    for j, criterion in enumerate(content.criteria):
        _input(ws.cell(row=weight_row, column=first_score + j), _num(criterion.weight), "0.00")
    weights = f"${get_column_letter(first_score)}${weight_row}:${get_column_letter(last_score)}${weight_row}"
    first, last = weight_row + 1, weight_row + max(1, len(content.requests))
    basis_range = f"${get_column_letter(basis_col)}${first}:${get_column_letter(basis_col)}${last}"
    key_range = f"${get_column_letter(key_col)}${first}:${get_column_letter(key_col)}${last}"
    for offset, request in enumerate(content.requests):
        row = first + offset
        _text(ws, row, 1, request.name).alignment = _WRAP
        status = f"B{row}"
        _input(ws.cell(row=row, column=2), IN if request.ranked else OUT)
        for j, score in enumerate(request.scores):
            _input(ws.cell(row=row, column=first_score + j), _num(score), SCORE)
        scores = f"{get_column_letter(first_score)}{row}:{get_column_letter(last_score)}{row}"
        total = ws.cell(
            row=row, column=total_col, value=f'=IF({status}="{OUT}","",SUMPRODUCT({scores},{weights})/100)'
        )
        total.number_format, total.fill, total.border, total.font = (
            POINTS,
            _TOTAL_FILL,
            _BORDER,
            Font(bold=True),
        )
        # round before comparing: equal totals must compare equal in doubles as they do in fractions
        here = f"{get_column_letter(basis_col)}{row}"
        basis = ws.cell(
            row=row, column=basis_col, value=f'=IF({status}="{OUT}","",ROUND({total.coordinate},9))'
        )
        basis.number_format, basis.border = BASIS, _BORDER
        # the recorded rank orders a tie the group decided; an undecided tie keeps one key, one rank
        _input(ws.cell(row=row, column=key_col), request.rank if request.rank is not None else 0, "0")
        key = f"{get_column_letter(key_col)}{row}"
        rank = ws.cell(
            row=row,
            column=rank_col,
            value=(
                f'=IF({here}="","{OUT}",RANK({here},{basis_range},0)'
                f'+COUNTIFS({basis_range},{here},{key_range},"<"&{key}))'
            ),
        )
        rank.font, rank.alignment, rank.border = Font(bold=True), _CENTER, _BORDER
        layout.totals[request.id] = (SELECTION, total.coordinate)
        layout.ranks[request.id] = (SELECTION, rank.coordinate)
    ws.column_dimensions["A"].width = 28
    ws.column_dimensions["B"].width = 12
    for col in range(first_score, rank_col + 1):
        ws.column_dimensions[get_column_letter(col)].width = 16
    ws.freeze_panes = "C6"
    _print_setup(ws, "4:5")


def write_matrix_workbook(content: MatrixContent, stream: IO[bytes]) -> MatrixLayout:
    """Write the assessment matrix; return where the totals, ranks and "qualified" cells sit."""
    wb = Workbook()
    layout = MatrixLayout()
    _qualification(wb, content, layout)
    _selection(wb, content, layout)
    wb.save(stream)  # type: ignore[arg-type]
    return layout
