"""The evaluation matrix as an Excel workbook whose numbers are live formulas over the inputs.

Fed by core objects only (an EvaluationCase, its EvaluationResult and, when the prices come from a price
schedule, the core's EvaluatedPrices), never by web views.

Sheets
    Inndata             prices, status, tie-break order, weights, the scale and its step, the consensus rule,
                        the price method, its formula and parameters, the quality thresholds, the consensus
                        scores: every number the matrix depends on, in yellow input cells
    Matrise             price points (the method's formula) or, for a method that ranks by evaluated price,
                        the weighted quality Q and the evaluated price; normalised points, weighted points,
                        totals (SUM) and ranks (RANK + COUNTIFS for the recorded tie-break order)
    Terskler            (only with announced quality thresholds) each bid's points before normalisation
                        against every minimum, and the thresholds it falls below; such a bid is out of the
                        competition
    Prisskjema          (only when the prices come from a price schedule) lines × bids: quantity, offered unit
                        price, a gap filled with the highest price offered on the line, discount factors per
                        year, contributions; their sum is the bid's price on Inndata
    Individuelle poeng  every evaluator's score and justification next to the consensus score; under the mean
                        rule the consensus score on Inndata is the AVERAGE of these cells
    Minstekrav          the minimum-requirement checks per bid

Change a price or a score in Inndata and Excel (or LibreOffice) recomputes the ranking, so a
procurement group can check the app's arithmetic with the tool it already trusts.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from copy import copy
from dataclasses import dataclass, field
from fractions import Fraction
from functools import lru_cache
from pathlib import Path
from typing import IO

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from tender.core.price_schedule import EvaluatedPrices
from tender.core.scoring import (
    BidResult,
    ConsensusRule,
    CriterionKind,
    EvaluationCase,
    EvaluationResult,
    PlacedCriterion,
    RequirementStatus,
    tie_keys,
)
from tender.formatting import format_decimal

INPUTS, MATRIX, INDIVIDUAL, REQUIREMENTS = "Inndata", "Matrise", "Individuelle poeng", "Minstekrav"
THRESHOLDS, SCHEDULE = "Terskler", "Prisskjema"

#: Excel formulas per price method; {pe} is the cell holding the price being scored
PRICE_FORMULAS: dict[str, str] = {
    "linear": "Skala_maks-Skala_maks*({pe}-Laveste_pris)/Laveste_pris",
    "linear_floor": "MAX(0,Skala_maks-Skala_maks*({pe}-Laveste_pris)/Laveste_pris)",
    "linear_zero_at": "MAX(0,Skala_maks*(1-({pe}-Laveste_pris)/((k_faktor-1)*Laveste_pris)))",
    "proportional": "Skala_maks*Laveste_pris/{pe}",
    "spread": (
        "IF(Hoyeste_pris=Laveste_pris,Skala_maks,Skala_maks*(Hoyeste_pris-{pe})/(Hoyeste_pris-Laveste_pris))"
    ),
}
#: Excel formulas of the evaluated price per method that ranks by it (no price points); {pe} is the cell
#: holding the price, {q} the cell holding the bid's weighted quality points Q (Kvalitet_maks is Qmax)
EVALUATED_PRICE_FORMULAS: dict[str, str] = {
    "value_for_money": "{pe}-Kr_per_poeng*{q}",
    "value_for_money_offset": "{pe}+Kr_per_poeng*(Kvalitet_maks-{q})",
    "price_surcharge": "{pe}*(1+Tillegg_prosent/100*(1-IF(Kvalitet_maks=0,0,{q}/Kvalitet_maks)))",
    "price_deduction": "{pe}*(1-Fradrag_prosent/100*IF(Kvalitet_maks=0,0,{q}/Kvalitet_maks))",
}
#: methods that put no points on price but rank by evaluated price
EVALUATED_PRICE_METHODS = set(EVALUATED_PRICE_FORMULAS)
#: the consensus rule as the model sheet states it
CONSENSUS_TEXT = {
    ConsensusRule.AGREED: "Omforent poeng (evaluatorene blir enige om ett poeng)",
    ConsensusRule.MEAN: "Gjennomsnittet av evaluatorenes individuelle poeng (eksakt, vist avrundet)",
}

# Built-in number formats, so a Norwegian Excel shows decimal commas and space thousands.
POINTS, SCORE, MONEY, PERCENT, BASIS = "0.00", "0.0", "#,##0.00", "0.00%", "0.000000"
MEAN_SCORE = "0.00"  # a mean of individual scores, kept exact in the cell, shown to two decimals
REJECTED = "Avvist"
IN_COMPETITION = "Med"

_THIN = Side(style="thin", color="BFBFBF")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
_HEADER_FONT = Font(bold=True, color="FFFFFF")
_INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
_GROUP_FILL = PatternFill("solid", fgColor="DDEBF7")
_REJECTED_FILL = PatternFill("solid", fgColor="E7E6E6")
_TOTAL_FILL = PatternFill("solid", fgColor="E2EFDA")
_STATUS_FILLS = {
    RequirementStatus.MET: PatternFill("solid", fgColor="E2EFDA"),
    RequirementStatus.NOT_MET: PatternFill("solid", fgColor="F8CBAD"),
    RequirementStatus.CLARIFY: PatternFill("solid", fgColor="FFF2CC"),
}
_STATUS_TEXT = {
    RequirementStatus.MET: "Oppfylt",
    RequirementStatus.NOT_MET: "Ikke oppfylt",
    RequirementStatus.CLARIFY: "Avklares",
}
_WRAP = Alignment(wrap_text=True, vertical="top")
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_MIDDLE = Alignment(vertical="center")

# Named styles for the long sheets: assigning a named style copies a ready style record, while
# assigning font, fill and border one by one makes openpyxl hash each object for every cell
# (the difference between about 1 s and 4 s for 12 evaluators × 8 bids × 40 criteria).
ROW_TEXT, ROW_SCORE = "Tender tekst", "Tender poeng"
_STATUS_STYLES = {status: f"Tender {text.lower()}" for status, text in _STATUS_TEXT.items()}


class _Stamps:
    """Apply a named style to thousands of cells: style the first, then copy its style record.

    Copying ``_style`` is how openpyxl's own WorksheetCopy copies styles; setting ``cell.style``
    looks the name up in a list every time, which costs more than writing the cell.
    """

    def __init__(self) -> None:
        self._records: dict[str, StyleArray] = {}

    def __call__(self, c: Cell, name: str) -> None:
        record = self._records.get(name)
        if record is None:
            c.style = name
            self._records[name] = copy(c._style)
        else:
            c._style = copy(record)


def _add_named_styles(wb: Workbook) -> None:
    wb.add_named_style(NamedStyle(ROW_TEXT, border=_BORDER, alignment=_WRAP))
    wb.add_named_style(NamedStyle(ROW_SCORE, border=_BORDER, alignment=_WRAP, number_format=SCORE))
    for status, name in _STATUS_STYLES.items():
        wb.add_named_style(NamedStyle(name, border=_BORDER, alignment=_WRAP, fill=_STATUS_FILLS[status]))


@dataclass
class WorkbookLayout:
    """Where the results sit, as (sheet, coordinate): for tests and for anyone linking to the file."""

    totals: dict[str, tuple[str, str]] = field(default_factory=dict)
    ranks: dict[str, tuple[str, str]] = field(default_factory=dict)
    evaluated_prices: dict[str, tuple[str, str]] = field(default_factory=dict)
    #: (bid id, criterion id) → the cell with the points and the cell with the weighted points
    points: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)
    weighted: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)
    #: bid id → the cell with its weighted quality points Q (methods that rank by evaluated price)
    quality: dict[str, tuple[str, str]] = field(default_factory=dict)
    #: bid id → the cell saying "Avvist" or "Med" (a manual rejection or a threshold it falls below)
    statuses: dict[str, tuple[str, str]] = field(default_factory=dict)
    #: bid id → the cell naming the quality thresholds it falls below ("" when none)
    thresholds: dict[str, tuple[str, str]] = field(default_factory=dict)
    #: bid id → the cell with the price the price schedule sums to
    schedule_prices: dict[str, tuple[str, str]] = field(default_factory=dict)
    #: (line id, kommunenummer or None) → the cell with the highest price offered on that line
    schedule_highest: dict[tuple[str, str | None], tuple[str, str]] = field(default_factory=dict)
    #: (bid id, line id, kommunenummer or None) → the cell with the line's contribution to the bid's price
    schedule_contributions: dict[tuple[str, str, str | None], tuple[str, str]] = field(default_factory=dict)
    #: name of a parameter cell (Skala_maks, Kvalitet_maks …) → its cell
    parameters: dict[str, tuple[str, str]] = field(default_factory=dict)


def _num(value: Fraction | None) -> float | None:
    # Excel stores IEEE doubles; the exact value stays in the app and in the JSON result.
    return None if value is None else float(value)


def _cell(col: int, row: int, absolute: bool = False) -> str:
    letter = get_column_letter(col)
    return f"${letter}${row}" if absolute else f"{letter}{row}"


def _text(ws: Worksheet, row: int, column: int, value: object) -> Cell:
    """A cell holding text exactly as given: a name or justification starting with "=" stays text
    instead of becoming a formula (spreadsheet formula injection)."""
    c = ws.cell(row=row, column=column, value=value)
    if isinstance(value, str) and value.startswith("="):
        c.data_type = "s"
    return c


def _header(ws: Worksheet, row: int, titles: Sequence[str], start: int = 1) -> None:
    for offset, title in enumerate(titles):
        c = _text(ws, row, start + offset, title)
        c.font, c.fill, c.alignment, c.border = _HEADER_FONT, _HEADER_FILL, _CENTER, _BORDER
    ws.row_dimensions[row].height = 2 * LINE_HEIGHT  # room for two-line titles in narrow columns


def _title(ws: Worksheet, text: str, subtitle: str = "") -> None:
    _text(ws, 1, 1, text).font = Font(bold=True, size=14)
    if subtitle:
        _text(ws, 2, 1, subtitle).font = Font(italic=True, color="595959")


def _print_setup(ws: Worksheet, title_rows: str) -> None:
    """Landscape A4, one page wide, header rows repeated, page numbers in the footer."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = title_rows
    ws.print_options.gridLines = False
    ws.oddFooter.center.text = "Side &P av &N"
    ws.oddFooter.left.text = "&A"


def _widths(ws: Worksheet, widths: dict[int, float]) -> None:
    for col, width in widths.items():
        ws.column_dimensions[get_column_letter(col)].width = width


LINE_HEIGHT = 15.0  # points per line of 11 pt text


def _fit_height(ws: Worksheet, row: int, texts: Sequence[tuple[object, float]]) -> None:
    """Give a row room for its wrapped text: Excel and LibreOffice do not grow rows written by
    openpyxl, so long names and justifications would print on top of each other."""
    lines = 1
    for text, width in texts:
        if isinstance(text, str) and text:
            # about 1.3 characters of body text per unit of column width (measured on LibreOffice's
            # PDF output); erring low only wastes a little paper
            lines = max(lines, _lines(text, max(1, int(width * 1.3))))
    if lines > 1:
        ws.row_dimensions[row].height = LINE_HEIGHT * lines


@lru_cache(maxsize=4096)
def _lines(text: str, per_line: int) -> int:
    """How many lines ``text`` wraps to; remembered, since the same names and justifications come back on
    thousands of rows (12 evaluators × 8 bids × 40 criteria)."""
    return sum(-(-max(1, len(part)) // per_line) for part in text.split("\n"))


def _name(wb: Workbook, name: str, ref: str) -> None:
    wb.defined_names[name] = DefinedName(name, attr_text=ref)


# --- Inndata -------------------------------------------------------------------------------------

# criteria table columns on Inndata
C_ID, C_NAME, C_KIND, C_LEVEL, C_PARENT, C_WEIGHT, C_UNIT, C_MIN, C_MAX, C_SHARE, C_PATH, C_NORM, C_BEST = (
    range(1, 14)
)
C_MIN_SCORE = 14  # the announced minimum score (quality threshold) of a criterion
C_SCORES = 15  # first bid's consensus score column
# bid table columns on Inndata
B_ID, B_NAME, B_PRICE, B_STATUS, B_REASON, B_THRESHOLD, B_EFFECTIVE, B_ACTIVE_PRICE, B_KEY = range(1, 10)
INPUT_WIDTHS = {
    C_ID: 12,
    C_NAME: 40,
    C_KIND: 16,
    C_LEVEL: 9,
    C_PARENT: 24,
    C_WEIGHT: 22,  # also the bid table's «Under terskel»
    C_UNIT: 12,
    C_MIN: 14,  # also the bid table's «Pris i konkurransen»
    C_MAX: 10,
    C_SHARE: 10,
    C_PATH: 10,
    C_NORM: 12,
    C_BEST: 12,
    C_MIN_SCORE: 12,
}
PARAMETERS_FIRST_ROW = 4


def _quoted(sheet: str) -> str:
    return f"'{sheet}'" if " " in sheet else sheet


def _literal(text: str) -> str:
    """A text constant inside a formula."""
    return '"' + text.replace('"', '""') + '"'


@dataclass
class _ThresholdLayout:
    """Where the Terskler sheet puts its cells (known before the sheet is written: Inndata points at it)."""

    quality: tuple[PlacedCriterion, ...]
    bid_col: dict[str, int]
    header_row: int = 4

    @classmethod
    def of(cls, case: EvaluationCase) -> _ThresholdLayout | None:
        if not case.model.has_thresholds:
            return None
        quality = tuple(p for p in case.model.placed if p.kind is CriterionKind.QUALITY)
        return cls(quality, {b.id: 6 + j for j, b in enumerate(case.bids)})

    def row(self, criterion_id: str) -> int:
        return self.header_row + 1 + next(i for i, p in enumerate(self.quality) if p.id == criterion_id)

    @property
    def quality_row(self) -> int:
        return self.header_row + 1 + len(self.quality)

    @property
    def failures_row(self) -> int:
        return self.quality_row + 1

    def failures(self, bid_id: str) -> str:
        return f"{THRESHOLDS}!{_cell(self.bid_col[bid_id], self.failures_row, True)}"


@dataclass
class _ScheduleLayout:
    """Where the Prisskjema sheet puts its cells (known before the sheet is written: Inndata points at it)."""

    prices: EvaluatedPrices
    bids: tuple[str, ...]  #: the bids the schedule prices, in the case's order
    cells: tuple[tuple[str, str | None], ...]  #: (line id, kommunenummer or None), in the schedule's order
    years: int
    header_row: int = 14

    @classmethod
    def of(cls, case: EvaluationCase, prices: EvaluatedPrices | None) -> _ScheduleLayout | None:
        if prices is None:
            return None
        known = {b.id: b for b in case.bids}
        for bid_id, priced in prices.bids.items():
            if bid_id not in known or known[bid_id].price != priced.price:
                raise ValueError(
                    f"the price schedule's price of '{bid_id}' is not that bid's price in the case"
                )
        bids = tuple(b.id for b in case.bids if b.id in prices.bids)
        first = prices.bids[bids[0]].lines if bids else ()
        cells = tuple((line.line, line.municipality) for line in first)
        years = max((line.years or 0 for line in first), default=0)
        if prices.schedule.method == "life_cycle" and not years:
            years = _period_years(prices.schedule.period)
        return cls(prices, bids, cells, years)

    def line_row(self, index: int) -> int:
        return self.header_row + 1 + index

    @property
    def total_row(self) -> int:
        return self.header_row + 1 + len(self.cells)

    def offered_col(self, bid_id: str) -> int:
        return 8 + 3 * self.bids.index(bid_id)

    def total(self, bid_id: str) -> str:
        return f"{SCHEDULE}!{_cell(self.offered_col(bid_id) + 2, self.total_row, True)}"


def _period_years(period: str) -> int:
    from tender.core.price_schedule import PriceScheduleError, contract_years

    try:
        return sum(contract_years(period))
    except PriceScheduleError:
        return 0


@dataclass
class _InputRefs:
    """Cells on Inndata the other sheets point at."""

    bid_row: dict[str, int] = field(default_factory=dict)
    criterion_row: dict[str, int] = field(default_factory=dict)
    score_col: dict[str, int] = field(default_factory=dict)
    #: (bid id, criterion id) → the rows of its individual scores on the Individuelle poeng sheet
    individual_rows: dict[tuple[str, str], list[int]] = field(default_factory=dict)
    thresholds: _ThresholdLayout | None = None
    schedule: _ScheduleLayout | None = None

    def status(self, bid_id: str) -> str:
        """The bid's status in the competition: rejected by hand or below a quality threshold."""
        return f"{INPUTS}!{_cell(B_EFFECTIVE, self.bid_row[bid_id], True)}"

    def manual_status(self, bid_id: str) -> str:
        return f"{INPUTS}!{_cell(B_STATUS, self.bid_row[bid_id], True)}"

    def reason(self, bid_id: str) -> str:
        return f"{INPUTS}!{_cell(B_REASON, self.bid_row[bid_id], True)}"

    def threshold(self, bid_id: str) -> str:
        return f"{INPUTS}!{_cell(B_THRESHOLD, self.bid_row[bid_id], True)}"

    def price(self, bid_id: str) -> str:
        return f"{INPUTS}!{_cell(B_PRICE, self.bid_row[bid_id], True)}"

    def key(self, bid_id: str) -> str:
        return f"{INPUTS}!{_cell(B_KEY, self.bid_row[bid_id], True)}"

    def score(self, bid_id: str, criterion_id: str) -> str:
        return f"{INPUTS}!{_cell(self.score_col[bid_id], self.criterion_row[criterion_id], True)}"

    def criterion(self, col: int, criterion_id: str) -> str:
        return f"{INPUTS}!{_cell(col, self.criterion_row[criterion_id], True)}"


def _individual_rows(case: EvaluationCase) -> dict[tuple[str, str], list[int]]:
    """The rows the Individuelle poeng sheet gives every individual score (it lists them bid by bid)."""
    rows: dict[tuple[str, str], list[int]] = {}
    row = INDIVIDUAL_FIRST_ROW
    for bid in case.bids:
        for s in case.individual_scores.get(bid.id, ()):
            rows.setdefault((bid.id, s.criterion_id), []).append(row)
            row += 1
    return rows


def _input(c: Cell, value: object, number_format: str | None = None) -> None:
    c.value = value
    c.fill, c.border = _INPUT_FILL, _BORDER
    if number_format:
        c.number_format = number_format


def _scale_text(case: EvaluationCase) -> str:
    model = case.model
    top = f"0–{format_decimal(model.scale_max, 4)}"
    step = model.step
    if step == 0:
        return f"{top}, kontinuerlig (alle verdier)"
    if step == 1:
        return f"{top}, hele poeng"
    if step == Fraction(1, 2):
        return f"{top}, halve poeng"
    return f"{top} i trinn på {format_decimal(step, 6)}"


def _parameter_rows(
    case: EvaluationCase, refs: _InputRefs, first_active: int, last_active: int
) -> list[tuple[str, object, str | None, bool, str | None]]:
    """(label, value, number format, is an input, defined name) for every parameter row on Inndata."""
    model = case.model
    method = model.price_method
    params = method.parameters() if method else {}
    active = f"{_cell(B_ACTIVE_PRICE, first_active, True)}:{_cell(B_ACTIVE_PRICE, last_active, True)}"
    quality_paths = [
        _cell(C_PATH, refs.criterion_row[p.id], True)
        for p in model.leaves
        if p.kind is CriterionKind.QUALITY and p.id in refs.criterion_row
    ]
    quality_max = f"=Skala_maks*SUM({','.join(quality_paths)})" if quality_paths else 0
    return [
        ("Skala maks", _num(model.scale_max), POINTS, True, "Skala_maks"),
        ("Skalatrinn (0 = kontinuerlig)", _num(model.step), "0.######", False, "Skala_trinn"),
        ("Skala", _scale_text(case), None, False, None),
        ("Konsensusregel", CONSENSUS_TEXT[model.consensus], None, False, None),
        ("Prismetode", method.name if method else "ingen", None, False, None),
        ("Metode", method.label if method else "", None, False, None),
        ("Formel", method.formula if method else "", None, False, None),
        ("k (null poeng ved k × laveste pris)", _num(params.get("k")), POINTS, True, "k_faktor"),
        ("Kroner per kvalitetspoeng", _num(params.get("nok_per_point")), MONEY, True, "Kr_per_poeng"),
        (
            "Pristillegg ved null kvalitet, S (%)",
            _num(params.get("surcharge_percent")),
            POINTS,
            True,
            "Tillegg_prosent",
        ),
        (
            "Prisfradrag ved full kvalitet, D (%)",
            _num(params.get("deduction_percent")),
            POINTS,
            True,
            "Fradrag_prosent",
        ),
        ("Maks vektede kvalitetspoeng (Qmax)", quality_max, BASIS, False, "Kvalitet_maks"),
        ("Minste vektede kvalitetspoeng (terskel)", _num(model.min_quality), POINTS, True, "Min_kvalitet"),
        ("Laveste pris blant ikke avviste (Pb)", f"=MIN({active})", MONEY, False, "Laveste_pris"),
        ("Høyeste pris blant ikke avviste (Ph)", f"=MAX({active})", MONEY, False, "Hoyeste_pris"),
    ]


#: how many parameter rows Inndata has (the bid table starts below them)
PARAMETER_ROWS = 15


def _write_parameters(
    wb: Workbook,
    ws: Worksheet,
    case: EvaluationCase,
    refs: _InputRefs,
    first_active: int,
    last_active: int,
    layout: WorkbookLayout,
) -> None:
    rows = _parameter_rows(case, refs, first_active, last_active)
    assert len(rows) == PARAMETER_ROWS
    for offset, (label, value, fmt, is_input, name) in enumerate(rows):
        row = PARAMETERS_FIRST_ROW + offset
        ws.cell(row=row, column=2, value=label).font = Font(bold=True)
        target = ws.cell(row=row, column=3)
        if is_input:
            _input(target, value, fmt)
        else:
            target.value = value
            target.border = _BORDER
            if fmt:
                target.number_format = fmt
        if isinstance(value, str) and not value.startswith("="):
            _text(ws, row, 3, value)
        if name:
            _name(wb, name, f"{INPUTS}!{_cell(3, row, True)}")
            layout.parameters[name] = (INPUTS, _cell(3, row))


def _write_bid_table(
    ws: Worksheet, case: EvaluationCase, result: EvaluationResult, refs: _InputRefs, header_row: int
) -> None:
    _header(
        ws,
        header_row,
        [
            "Tilbud",
            "Navn",
            "Pris (kr)",
            "Status",
            "Avvisningsgrunn",
            "Under terskel",
            "I konkurransen",
            "Pris i konkurransen",
            "Rekkefølge ved likhet",
        ],
    )
    keys = tie_keys((b.id for b in case.bids), case.tie_break)
    for offset, bid in enumerate(case.bids):
        refs.bid_row[bid.id] = header_row + 1 + offset
    for bid in case.bids:
        row = refs.bid_row[bid.id]
        _text(ws, row, B_ID, bid.id).border = _BORDER
        _text(ws, row, B_NAME, bid.name).border = _BORDER
        price = ws.cell(row=row, column=B_PRICE)
        if refs.schedule is not None and bid.id in refs.schedule.bids:
            # the price is the price schedule's sum: change the unit prices there
            price.value, price.number_format, price.border = f"={refs.schedule.total(bid.id)}", MONEY, _BORDER
        else:
            _input(price, _num(bid.price), MONEY)
        _input(ws.cell(row=row, column=B_STATUS), REJECTED if bid.rejected else IN_COMPETITION)
        reason = _text(ws, row, B_REASON, bid.rejection_reason if bid.rejected else "")
        reason.alignment, reason.border = _WRAP, _BORDER
        _fit_height(
            ws,
            row,
            [
                (reason.value, INPUT_WIDTHS[C_PARENT]),
                (bid.name, INPUT_WIDTHS[C_NAME]),
                (_expected_note(result.get(bid.id)), INPUT_WIDTHS[C_WEIGHT] * 0.8),
            ],
        )
        below = ws.cell(
            row=row,
            column=B_THRESHOLD,
            value=f"={refs.thresholds.failures(bid.id)}" if refs.thresholds else "",
        )
        below.alignment, below.border = _WRAP, _BORDER
        effective = ws.cell(
            row=row,
            column=B_EFFECTIVE,
            value=(
                f'=IF(OR({_cell(B_STATUS, row)}="{REJECTED}",{_cell(B_THRESHOLD, row)}<>""),'
                f'"{REJECTED}","{IN_COMPETITION}")'
            ),
        )
        effective.border, effective.font = _BORDER, Font(bold=True)
        active = ws.cell(
            row=row,
            column=B_ACTIVE_PRICE,
            value=f'=IF({_cell(B_EFFECTIVE, row)}="{REJECTED}","",{_cell(B_PRICE, row)})',
        )
        active.number_format, active.border = MONEY, _BORDER
        _input(ws.cell(row=row, column=B_KEY), keys[bid.id], "0")


def _write_criteria_table(ws: Worksheet, case: EvaluationCase, refs: _InputRefs, header_row: int) -> None:
    model = case.model
    titles = [
        "Id",
        "Kriterium",
        "Type",
        "Nivå",
        "Overordnet",
        "Vekt (oppgitt)",
        "Enhet",
        "Kunngjort min",
        "Kunngjort maks",
        "Andel av nivå",
        "Samlet vekt",
        "Normaliseres",
        "Beste poeng (ikke avviste)",
        "Minstepoeng (terskel)",
    ]
    _header(ws, header_row, titles + [f"Konsensus {b.id}" for b in case.bids])
    status_row = header_row + 1
    ws.cell(row=status_row, column=C_NAME, value="Status (fra tilbudstabellen)").font = Font(italic=True)
    for j, bid in enumerate(case.bids):
        refs.score_col[bid.id] = C_SCORES + j
        ws.cell(
            row=status_row, column=C_SCORES + j, value=f"={_cell(B_EFFECTIVE, refs.bid_row[bid.id], True)}"
        )
    for offset, node in enumerate(model.placed):
        refs.criterion_row[node.id] = status_row + 1 + offset
    first_score = get_column_letter(C_SCORES)
    last_score = get_column_letter(C_SCORES + len(case.bids) - 1)
    statuses = f"${first_score}${status_row}:${last_score}${status_row}"
    for node in model.placed:
        _write_criterion_row(ws, case, refs, node, statuses, first_score, last_score)


def _write_criterion_row(
    ws: Worksheet,
    case: EvaluationCase,
    refs: _InputRefs,
    node: PlacedCriterion,
    statuses: str,
    first_score: str,
    last_score: str,
) -> None:
    row = refs.criterion_row[node.id]
    c = node.criterion
    values: list[object] = [
        node.id,
        node.name,
        "Pris" if node.kind is CriterionKind.PRICE else "Kvalitet",
        node.depth + 1,
        node.parent_id or "",
    ]
    for col, value in enumerate(values, start=C_ID):
        _text(ws, row, col, value).border = _BORDER
    ws.cell(row=row, column=C_NAME).alignment = Alignment(indent=node.depth, wrap_text=True, vertical="top")
    _fit_height(ws, row, [(node.name, INPUT_WIDTHS[C_NAME] - node.depth), (node.id, INPUT_WIDTHS[C_ID])])
    _input(ws.cell(row=row, column=C_WEIGHT), _num(c.weight), None if node.level_in_percent else "0.0000")
    _input(ws.cell(row=row, column=C_UNIT), "%" if node.level_in_percent else "andel")
    for col, bound in (
        (C_MIN, c.weight_range.low if c.weight_range else None),
        (C_MAX, c.weight_range.high if c.weight_range else None),
    ):
        ws.cell(row=row, column=col, value=_num(bound)).border = _BORDER
    share = ws.cell(
        row=row,
        column=C_SHARE,
        value=f'=IF({_cell(C_UNIT, row)}="%",{_cell(C_WEIGHT, row)}/100,{_cell(C_WEIGHT, row)})',
    )
    parent = f"*{_cell(C_PATH, refs.criterion_row[node.parent_id])}" if node.parent_id else ""
    path = ws.cell(row=row, column=C_PATH, value=f"={_cell(C_SHARE, row)}{parent}")
    for target in (share, path):
        target.number_format, target.border = PERCENT, _BORDER
    is_quality_leaf = node.is_leaf and node.kind is CriterionKind.QUALITY
    if is_quality_leaf:
        _input(ws.cell(row=row, column=C_NORM), "Ja" if node.normalise else "Nei")
        # SUMPRODUCT makes MAX see an array in every Excel version: the best among bids not
        # rejected (a rejected bid's score is multiplied by 0; scores are never negative)
        best = ws.cell(
            row=row,
            column=C_BEST,
            value=f'=SUMPRODUCT(MAX(({statuses}<>"{REJECTED}")*{first_score}{row}:{last_score}{row}))',
        )
        best.number_format, best.border = SCORE, _BORDER
    minimum = ws.cell(row=row, column=C_MIN_SCORE)
    if c.min_score is not None and node.kind is CriterionKind.QUALITY:
        _input(minimum, _num(c.min_score), SCORE)
    else:
        minimum.border = _BORDER
    mean_rule = case.model.consensus is ConsensusRule.MEAN
    for bid in case.bids:
        target = ws.cell(row=row, column=refs.score_col[bid.id])
        individual = refs.individual_rows.get((bid.id, node.id), [])
        if is_quality_leaf and mean_rule and individual:
            # the mean rule: the consensus score is the mean of the evaluators' scores, live
            cells = ",".join(
                f"{_quoted(INDIVIDUAL)}!{_cell(INDIVIDUAL_SCORE_COL, r, True)}" for r in individual
            )
            target.value, target.border, target.number_format = f"=AVERAGE({cells})", _BORDER, MEAN_SCORE
        elif is_quality_leaf:
            _input(target, _num(bid.scores.get(node.id)), MEAN_SCORE if mean_rule else SCORE)
        else:
            target.fill, target.border = _GROUP_FILL, _BORDER
    if not node.is_leaf:
        for col in range(C_ID, C_MIN_SCORE + 1):
            ws.cell(row=row, column=col).font = Font(bold=True)


def _write_inputs(
    wb: Workbook,
    case: EvaluationCase,
    result: EvaluationResult,
    prices: EvaluatedPrices | None,
    layout: WorkbookLayout,
) -> _InputRefs:
    ws = wb.active
    assert ws is not None
    ws.title = INPUTS
    _title(
        ws,
        f"Inndata{' – ' + case.title if case.title else ''}",
        "Gule celler er inndata. Endrer du dem, regner arket «Matrise» om poeng, summer og rangering.",
    )
    refs = _InputRefs(
        individual_rows=_individual_rows(case),
        thresholds=_ThresholdLayout.of(case),
        schedule=_ScheduleLayout.of(case, prices),
    )
    bid_header = PARAMETERS_FIRST_ROW + PARAMETER_ROWS + 1
    _write_bid_table(ws, case, result, refs, bid_header)
    first, last = bid_header + 1, bid_header + max(1, len(case.bids))
    _write_criteria_table(ws, case, refs, last + 3)
    _write_parameters(wb, ws, case, refs, first, last, layout)
    for bid in case.bids:
        layout.statuses[bid.id] = (INPUTS, _cell(B_EFFECTIVE, refs.bid_row[bid.id]))
    _widths(ws, INPUT_WIDTHS)
    _widths(ws, {C_SCORES + j: 11 for j in range(len(case.bids))})
    ws.freeze_panes = "C4"
    _print_setup(ws, "1:2")
    return refs


# --- Matrise -------------------------------------------------------------------------------------


MATRIX_ID_WIDTH, MATRIX_NAME_WIDTH, MATRIX_BID_WIDTH = 12.0, 44.0, 10.0
PAGE_BREAK_AFTER_CRITERIA = 20


@dataclass
class _MatrixCols:
    points: dict[str, int]
    weighted: dict[str, int]


def _points_formula(
    case: EvaluationCase,
    refs: _InputRefs,
    node: PlacedCriterion,
    bid_id: str,
    points_of: Callable[[str], str],
) -> str | None:
    """The points formula for one criterion and bid (without the rejected guard); None for no points."""
    if node.kind is CriterionKind.PRICE:
        method = node.criterion.method
        assert method is not None
        if method.ranks_by_evaluated_price:
            if method.name not in EVALUATED_PRICE_FORMULAS:
                raise ValueError(
                    f"the price method '{method.name}' has no Excel formula yet "
                    "(add it to EVALUATED_PRICE_FORMULAS)"
                )
            return None
        if method.name not in PRICE_FORMULAS:
            raise ValueError(
                f"the price method '{method.name}' has no Excel formula yet (add it to PRICE_FORMULAS)"
            )
        return PRICE_FORMULAS[method.name].format(pe=refs.price(bid_id))
    if node.is_leaf:
        score = refs.score(bid_id, node.id)
        best = refs.criterion(C_BEST, node.id)
        normalised = f"IF({best}=0,0,Skala_maks*{score}/{best})"
        return f'IF({refs.criterion(C_NORM, node.id)}="Ja",{normalised},{score})'
    # a group: its children's points weighted by their share of the group
    return "+".join(f"{points_of(k)}*{refs.criterion(C_SHARE, k)}" for k in node.children)


def _write_matrix(
    wb: Workbook, case: EvaluationCase, result: EvaluationResult, refs: _InputRefs, layout: WorkbookLayout
) -> None:
    ws = wb.create_sheet(MATRIX)
    model = case.model
    method = model.price_method
    ranking = "laveste evaluerte pris" if model.ranks_by_evaluated_price else "høyeste sum"
    consensus = "gjennomsnitt av individuelle poeng" if model.consensus is ConsensusRule.MEAN else "omforent"
    _title(
        ws,
        f"Evalueringsmatrise{' – ' + case.title if case.title else ''}",
        (f"Prismetode: {method.label}: {method.formula}. " if method else "")
        + f"Skala {_scale_text(case)}; konsensus: {consensus}. Rangering etter {ranking}; urundede summer.",
    )
    header_row, first_row = 4, 6
    _header(ws, header_row, ["Id", "Kriterium", "Samlet vekt"])
    _header(ws, header_row + 1, ["", "", ""])
    for a, b in (("A4", "A5"), ("B4", "B5"), ("C4", "C5")):
        ws.merge_cells(f"{a}:{b}")
    cols = _MatrixCols(
        points={b.id: 4 + 2 * j for j, b in enumerate(case.bids)},
        weighted={b.id: 5 + 2 * j for j, b in enumerate(case.bids)},
    )
    for bid in case.bids:
        p = cols.points[bid.id]
        _header(ws, header_row, [f"{bid.id}{' – ' + bid.name if bid.name else ''}", ""], start=p)
        ws.merge_cells(start_row=header_row, start_column=p, end_row=header_row, end_column=p + 1)
        _header(ws, header_row + 1, ["Poeng", "Vektet"], start=p)
    matrix_row = {node.id: first_row + i for i, node in enumerate(model.placed)}
    rejected = {r.bid.id for r in result.bids if r.bid.rejected}
    for node in model.placed:
        _write_matrix_row(ws, case, refs, node, matrix_row, cols, layout, rejected)
    summary_row = first_row + len(model.placed)
    _write_totals(ws, case, result, refs, matrix_row, cols, summary_row, layout)
    _write_ranking(ws, case, result, refs, summary_row + (4 if model.ranks_by_evaluated_price else 2), layout)
    _widths(ws, {1: MATRIX_ID_WIDTH, 2: MATRIX_NAME_WIDTH, 3: 11})
    _widths(ws, {c: MATRIX_BID_WIDTH for c in (*cols.points.values(), *cols.weighted.values())})
    ws.freeze_panes = ws.cell(row=first_row, column=4)
    _print_setup(ws, f"{header_row}:{header_row + 1}")


def _guarded(refs: _InputRefs, bid_id: str, formula: str) -> str:
    return f'=IF({refs.status(bid_id)}="{REJECTED}","",{formula})'


def _write_matrix_row(
    ws: Worksheet,
    case: EvaluationCase,
    refs: _InputRefs,
    node: PlacedCriterion,
    matrix_row: dict[str, int],
    cols: _MatrixCols,
    layout: WorkbookLayout,
    rejected: set[str],
) -> None:
    row = matrix_row[node.id]
    ident = _text(ws, row, 1, node.id)
    ident.border, ident.alignment = _BORDER, _MIDDLE
    name = _text(ws, row, 2, node.name)
    name.alignment, name.border = Alignment(indent=node.depth, wrap_text=True, vertical="center"), _BORDER
    _fit_height(ws, row, [(node.name, MATRIX_NAME_WIDTH - node.depth), (node.id, MATRIX_ID_WIDTH)])
    weight = ws.cell(row=row, column=3, value=f"={refs.criterion(C_PATH, node.id)}")
    weight.number_format, weight.border, weight.alignment = PERCENT, _BORDER, _MIDDLE
    for bid in case.bids:
        p_col, w_col = cols.points[bid.id], cols.weighted[bid.id]

        def points_of(child: str, p_col: int = p_col) -> str:
            return _cell(p_col, matrix_row[child])

        formula = _points_formula(case, refs, node, bid.id, points_of)
        p_cell, w_cell = ws.cell(row=row, column=p_col), ws.cell(row=row, column=w_col)
        if formula is None:
            p_cell.value, w_cell.value = "–", "–"
        else:
            p_cell.value = _guarded(refs, bid.id, formula)
            if node.is_leaf:
                w_cell.value = f'=IF({_cell(p_col, row)}="","",{_cell(p_col, row)}*$C{row})'
            else:
                children = ",".join(_cell(w_col, matrix_row[k]) for k in node.children)
                w_cell.value = _guarded(refs, bid.id, f"SUM({children})")
        for target in (p_cell, w_cell):
            target.number_format, target.border = POINTS, _BORDER
            target.alignment = _CENTER if formula is None else _MIDDLE
            if bid.id in rejected:
                target.fill = _REJECTED_FILL
            elif not node.is_leaf:
                target.fill = _GROUP_FILL
        layout.points[(bid.id, node.id)] = (MATRIX, p_cell.coordinate)
        layout.weighted[(bid.id, node.id)] = (MATRIX, w_cell.coordinate)
    if not node.is_leaf:
        for col in range(1, 4 + 2 * len(case.bids)):
            ws.cell(row=row, column=col).font = Font(bold=True)


def _write_totals(
    ws: Worksheet,
    case: EvaluationCase,
    result: EvaluationResult,
    refs: _InputRefs,
    matrix_row: dict[str, int],
    cols: _MatrixCols,
    row: int,
    layout: WorkbookLayout,
) -> None:
    model = case.model
    method = model.price_method
    top = [n for n in model.placed if n.depth == 0]
    quality_top = [n for n in top if n.kind is CriterionKind.QUALITY]
    by_price = method is not None and model.ranks_by_evaluated_price
    labels = ["Sum"] + (["Vektede kvalitetspoeng (Q)", "Evaluert pris (kr)"] if by_price else [])
    for offset, label in enumerate(labels):
        c = ws.cell(row=row + offset, column=2, value=label)
        c.font, c.fill, c.border = Font(bold=True), _TOTAL_FILL, _BORDER
    for bid in case.bids:
        w_col = cols.weighted[bid.id]
        cells = ",".join(_cell(w_col, matrix_row[n.id]) for n in top)
        total = ws.cell(row=row, column=w_col, value=_guarded(refs, bid.id, f"SUM({cells})"))
        total.number_format, total.font, total.fill, total.border = (
            POINTS,
            Font(bold=True),
            _TOTAL_FILL,
            _BORDER,
        )
        layout.totals[bid.id] = (MATRIX, total.coordinate)
        if by_price:
            assert method is not None
            quality_cells = ",".join(_cell(w_col, matrix_row[n.id]) for n in quality_top)
            quality = ws.cell(
                row=row + 1, column=w_col, value=_guarded(refs, bid.id, f"SUM({quality_cells})")
            )
            quality.number_format, quality.fill, quality.border = POINTS, _TOTAL_FILL, _BORDER
            layout.quality[bid.id] = (MATRIX, quality.coordinate)
            formula = EVALUATED_PRICE_FORMULAS[method.name].format(
                pe=refs.price(bid.id), q=quality.coordinate
            )
            evaluated = ws.cell(row=row + 2, column=w_col, value=_guarded(refs, bid.id, formula))
            evaluated.number_format, evaluated.fill, evaluated.border = MONEY, _TOTAL_FILL, _BORDER
            layout.evaluated_prices[bid.id] = (MATRIX, evaluated.coordinate)


def _note(refs: _InputRefs, bid_id: str, evaluated: str | None) -> str:
    """Why a bid is out of the competition, or a fact worth a second look (a negative evaluated price)."""
    negative = f'IF({evaluated}<0,"Negativ evaluert pris: kvaliteten er verdsatt høyere enn prisen","")'
    return (
        f'=IF({refs.manual_status(bid_id)}="{REJECTED}","Avvist: "&{refs.reason(bid_id)},'
        f'IF({refs.threshold(bid_id)}<>"","Avvist, under terskel: "&{refs.threshold(bid_id)},'
        + (f'IF({evaluated}="","",{negative})' if evaluated else '""')
        + "))"
    )


def _expected_note(r: BidResult) -> str:
    """About what the note cell will say for this bid (to give its row the height it needs)."""
    if r.threshold_failures:
        return "Avvist, under terskel: " + "; ".join(
            f"minstepoeng på «{f.criterion_id}»: 0.00 < 0.00"
            if f.criterion_id
            else "minste vektede kvalitetspoeng: 0.00 < 0.00"
            for f in r.threshold_failures
        )
    if r.bid.rejected:
        return "Avvist: " + r.bid.rejection_reason
    return ""


def _write_ranking(
    ws: Worksheet,
    case: EvaluationCase,
    result: EvaluationResult,
    refs: _InputRefs,
    header_row: int,
    layout: WorkbookLayout,
) -> None:
    by_price = case.model.ranks_by_evaluated_price
    titles = (
        ["Tilbud", "Navn", "Sum"]
        + (["Evaluert pris"] if by_price else [])
        + ["Rangeringsgrunnlag", "Rekkefølge ved likhet", "Rangering", "Merknad"]
    )
    ws.cell(row=header_row - 1, column=1, value="Resultat").font = Font(bold=True, size=12)
    if len(case.model.placed) > PAGE_BREAK_AFTER_CRITERIA:
        # a long matrix fills its pages; keep the result block whole on a page of its own
        ws.row_breaks.append(Break(id=header_row - 2))
    _header(ws, header_row, titles)
    ws.row_dimensions[header_row].height = 3 * LINE_HEIGHT  # long titles over narrow bid columns
    first, last = header_row + 1, header_row + len(case.bids)
    basis_col = 5 if by_price else 4
    key_col, rank_col = basis_col + 1, basis_col + 2
    basis_range = f"{_cell(basis_col, first, True)}:{_cell(basis_col, last, True)}"
    key_range = f"{_cell(key_col, first, True)}:{_cell(key_col, last, True)}"
    for offset, bid in enumerate(case.bids):
        row = first + offset
        sheet, total_cell = layout.totals[bid.id]
        _text(ws, row, 1, bid.id)
        _text(ws, row, 2, bid.name)
        ws.cell(row=row, column=3, value=f"={total_cell}").number_format = POINTS
        if by_price:
            ws.cell(row=row, column=4, value=f"={layout.evaluated_prices[bid.id][1]}").number_format = MONEY
        # Round before comparing: the app compares exact fractions, Excel doubles; equal totals
        # must compare equal here too. Rejected bids get "" which RANK and COUNTIFS skip.
        source, places = (_cell(4, row), 6) if by_price else (_cell(3, row), 9)
        basis = ws.cell(
            row=row,
            column=basis_col,
            value=f'=IF({refs.status(bid.id)}="{REJECTED}","",ROUND({source},{places}))',
        )
        basis.number_format = BASIS
        ws.cell(row=row, column=key_col, value=f"={refs.key(bid.id)}")
        here = _cell(basis_col, row)
        order = 1 if by_price else 0  # ascending for evaluated price, descending for points
        tie_break = f'COUNTIFS({basis_range},{here},{key_range},"<"&{_cell(key_col, row)})'
        rank = ws.cell(
            row=row,
            column=rank_col,
            value=f'=IF({here}="","{REJECTED}",RANK({here},{basis_range},{order})+{tie_break})',
        )
        rank.font, rank.alignment = Font(bold=True), _CENTER
        note = ws.cell(
            row=row, column=rank_col + 1, value=_note(refs, bid.id, _cell(4, row) if by_price else None)
        )
        note.alignment = _WRAP
        # narrow column, long words: estimate as if narrower, so the wrapped note is not cut off
        _fit_height(ws, row, [(_expected_note(result.get(bid.id)), MATRIX_BID_WIDTH * 0.6)])
        for col in range(1, rank_col + 2):
            ws.cell(row=row, column=col).border = _BORDER
            if result.get(bid.id).bid.rejected:
                ws.cell(row=row, column=col).fill = _REJECTED_FILL
        layout.ranks[bid.id] = (MATRIX, rank.coordinate)


# --- Individuelle poeng and Minstekrav -----------------------------------------------------------


INDIVIDUAL_WIDTHS = {1: 10, 2: 22, 3: 12, 4: 30, 5: 18, 6: 8, 7: 11, 8: 11, 9: 70}
INDIVIDUAL_FIRST_ROW, INDIVIDUAL_SCORE_COL = 5, 6
REQUIREMENT_WIDTHS = {1: 10, 2: 24, 3: 12, 4: 14, 5: 70, 6: 14}


def _write_individual(wb: Workbook, case: EvaluationCase, refs: _InputRefs) -> None:
    ws = wb.create_sheet(INDIVIDUAL)
    _title(ws, "Individuelle poeng", "Hver evaluators poeng og begrunnelse, ved siden av konsensuspoengene.")
    _header(
        ws,
        4,
        [
            "Tilbud",
            "Navn",
            "Kriterium",
            "Kriterienavn",
            "Evaluator",
            "Poeng",
            "Konsensus",
            "Avvik fra konsensus",
            "Begrunnelse",
        ],
    )
    row = INDIVIDUAL_FIRST_ROW
    stamp = _Stamps()
    mean_rule = case.model.consensus is ConsensusRule.MEAN
    for bid in case.bids:
        for s in case.individual_scores.get(bid.id, ()):
            node = case.model.get(s.criterion_id)
            values: list[object] = [
                bid.id,
                bid.name,
                s.criterion_id,
                node.name,
                s.evaluator,
                _num(s.score),
                f"={refs.score(bid.id, s.criterion_id)}",
                f"=F{row}-G{row}",
                s.justification,
            ]
            for col, value in enumerate(values, start=1):
                c = ws.cell(row=row, column=col, value=value) if col in (7, 8) else _text(ws, row, col, value)
                stamp(c, ROW_SCORE if col in (6, 7, 8) else ROW_TEXT)
            if mean_rule:  # the consensus is their mean: these scores are the inputs
                ws.cell(row=row, column=INDIVIDUAL_SCORE_COL).fill = _INPUT_FILL
                for col in (7, 8):
                    ws.cell(row=row, column=col).number_format = MEAN_SCORE
            _fit_height(
                ws,
                row,
                [
                    (s.justification, INDIVIDUAL_WIDTHS[9]),
                    (node.name, INDIVIDUAL_WIDTHS[4]),
                    (bid.name, INDIVIDUAL_WIDTHS[2]),
                    (s.evaluator, INDIVIDUAL_WIDTHS[5]),
                ],
            )
            row += 1
    if row == INDIVIDUAL_FIRST_ROW:
        ws.cell(row=row, column=1, value="Ingen individuelle poeng er registrert.")
    else:
        ws.auto_filter.ref = f"A4:I{row - 1}"
    _widths(ws, INDIVIDUAL_WIDTHS)
    ws.freeze_panes = "A5"
    _print_setup(ws, "4:4")


def _write_requirements(wb: Workbook, case: EvaluationCase) -> None:
    ws = wb.create_sheet(REQUIREMENTS)
    _title(
        ws,
        "Minstekrav",
        "Vurdering av minstekrav per tilbud. Et tilbud som ikke oppfyller et minstekrav, skal avvises.",
    )
    _header(ws, 4, ["Tilbud", "Navn", "Krav", "Status", "Begrunnelse", "Tilbudets status"])
    row = 5
    stamp = _Stamps()
    for bid in case.bids:
        for check in case.requirement_checks.get(bid.id, ()):
            values = [
                bid.id,
                bid.name,
                check.requirement_id,
                _STATUS_TEXT[check.status],
                check.reason,
                REJECTED if bid.rejected else IN_COMPETITION,
            ]
            for col, value in enumerate(values, start=1):
                stamp(_text(ws, row, col, value), _STATUS_STYLES[check.status] if col == 4 else ROW_TEXT)
            _fit_height(ws, row, [(check.reason, REQUIREMENT_WIDTHS[5]), (bid.name, REQUIREMENT_WIDTHS[2])])
            row += 1
    if row == 5:
        ws.cell(row=5, column=1, value="Ingen vurderinger av minstekrav er registrert.")
    else:
        ws.auto_filter.ref = f"A4:F{row - 1}"
    _widths(ws, REQUIREMENT_WIDTHS)
    ws.freeze_panes = "A5"
    _print_setup(ws, "4:4")


# --- Terskler and Prisskjema --------------------------------------------------------------------

THRESHOLD_WIDTHS = {1: 12, 2: 40, 3: 10, 4: 10, 5: 12}


def _write_thresholds(wb: Workbook, case: EvaluationCase, refs: _InputRefs, layout: WorkbookLayout) -> None:
    """Each bid's points before normalisation against every announced minimum, and the ones it falls below."""
    at = refs.thresholds
    if at is None:
        return
    ws = wb.create_sheet(THRESHOLDS)
    _title(
        ws,
        "Terskler for kvalitet",
        "Kunngjorte minstepoeng, vurdert på konsensuspoengene før normalisering (en gruppe: andelsvektet "
        "snitt av underkriteriene). Et tilbud under en terskel avvises og er ute av konkurransen.",
    )
    _header(
        ws,
        at.header_row,
        ["Id", "Kriterium", "Andel av nivå", "Samlet vekt", "Minstepoeng"]
        + [f"Poeng {b.id}" for b in case.bids],
    )
    for node in at.quality:
        row = at.row(node.id)
        _text(ws, row, 1, node.id).border = _BORDER
        name = _text(ws, row, 2, node.name)
        name.border, name.alignment = _BORDER, Alignment(indent=node.depth, wrap_text=True, vertical="top")
        for col, source, fmt in ((3, C_SHARE, PERCENT), (4, C_PATH, PERCENT)):
            c = ws.cell(row=row, column=col, value=f"={refs.criterion(source, node.id)}")
            c.number_format, c.border = fmt, _BORDER
        minimum_ref = refs.criterion(C_MIN_SCORE, node.id)
        minimum = ws.cell(row=row, column=5, value=f'=IF({minimum_ref}="","",{minimum_ref})')
        minimum.number_format, minimum.border = SCORE, _BORDER
        for bid in case.bids:
            col = at.bid_col[bid.id]
            if node.is_leaf:
                formula = f"={refs.score(bid.id, node.id)}"
            else:
                formula = "=" + "+".join(f"{_cell(col, at.row(k))}*$C${at.row(k)}" for k in node.children)
            c = ws.cell(row=row, column=col, value=formula)
            c.number_format, c.border = MEAN_SCORE, _BORDER
            if not node.is_leaf:
                c.fill = _GROUP_FILL
        if not node.is_leaf:
            for col in range(1, 6):
                ws.cell(row=row, column=col).font = Font(bold=True)
    q_row, f_row = at.quality_row, at.failures_row
    for row, label in ((q_row, "Vektede kvalitetspoeng (før normalisering)"), (f_row, "Under terskel")):
        c = ws.cell(row=row, column=2, value=label)
        c.font, c.fill, c.border = Font(bold=True), _TOTAL_FILL, _BORDER
    minimum = ws.cell(row=q_row, column=5, value='=IF(Min_kvalitet="","",Min_kvalitet)')
    minimum.number_format, minimum.border = POINTS, _BORDER
    leaves = [p for p in at.quality if p.is_leaf]
    thresholded = [p for p in at.quality if p.criterion.min_score is not None]
    for bid in case.bids:
        col = at.bid_col[bid.id]
        terms = "+".join(f"{_cell(col, at.row(p.id))}*$D${at.row(p.id)}" for p in leaves) or "0"
        quality = ws.cell(row=q_row, column=col, value=f"={terms}")
        quality.number_format, quality.fill, quality.border = POINTS, _TOTAL_FILL, _BORDER
        checks = []
        for p in thresholded:
            raw, minimum_ref = _cell(col, at.row(p.id)), refs.criterion(C_MIN_SCORE, p.id)
            checks.append(
                f'IF(AND({minimum_ref}<>"",ROUND({raw},9)<{minimum_ref}),'
                + _literal(f"; minstepoeng på «{p.id}»: ")
                + f'&FIXED({raw},2,TRUE)&" < "&FIXED({minimum_ref},2,TRUE),"")'
            )
        q = quality.coordinate
        checks.append(
            f'IF(AND(Min_kvalitet<>"",ROUND({q},9)<Min_kvalitet),"; minste vektede kvalitetspoeng: "'
            f'&FIXED({q},2,TRUE)&" < "&FIXED(Min_kvalitet,2,TRUE),"")'
        )
        failures = ws.cell(row=f_row, column=col, value=f"=MID({'&'.join(checks)},3,10000)")
        failures.alignment, failures.fill, failures.border = _WRAP, _TOTAL_FILL, _BORDER
        layout.thresholds[bid.id] = (THRESHOLDS, failures.coordinate)
    ws.row_dimensions[f_row].height = 4 * LINE_HEIGHT
    _widths(ws, THRESHOLD_WIDTHS)
    _widths(ws, {col: 22 for col in at.bid_col.values()})
    ws.freeze_panes = ws.cell(row=at.header_row + 1, column=3)
    _print_setup(ws, f"{at.header_row}:{at.header_row}")


SCHEDULE_METHOD_TEXT = {
    "life_cycle": "Livsløpskostnad over kontraktsperioden",
    "basket": "Kurv: mengde × enhetspris",
    "average": "Gjennomsnitt over linjene",
}
SCHEDULE_FORMULA_TEXT = {
    "life_cycle": (
        "Evaluert pris = Σ engangsbeløp × mengde + Σ årlig beløp × mengde × Σₜ 1/(1 + r/100)ᵗ over årene "
        "(opsjoner medregnet)"
    ),
    "basket": "Evaluert pris = Σ mengde × enhetspris",
    "average": "Evaluert pris = Σ vekt × pris / Σ vekt",
}
SCHEDULE_GAP_TEXT = {
    "highest": "En linje uten pris får den høyeste prisen noen tilbyder har gitt på linjen (KOFA 2011/70)",
    "reject": "Et tilbud som mangler pris på en linje, er ufullstendig (#N/A i arket)",
}
SCHEDULE_WIDTHS = {1: 12, 2: 36, 3: 11, 4: 8, 5: 11, 6: 11, 7: 14}


def _write_schedule(wb: Workbook, case: EvaluationCase, refs: _InputRefs, layout: WorkbookLayout) -> None:
    """Lines × bids: the offered unit prices, the gap fill, the factors and the contributions that sum to
    each bid's price on Inndata. The bids are those ``prices`` was made from (the caller leaves out the
    bids rejected or below a threshold, as the core's gap rule asks); one rejected in the workbook
    afterwards leaves the gap filling there too."""
    at = refs.schedule
    if at is None:
        return
    schedule = at.prices.schedule
    ws = wb.create_sheet(SCHEDULE)
    _title(
        ws,
        "Prisskjema: evaluert pris",
        "Gule celler er tilbudte priser. Summen per tilbud er prisen på arket «Inndata».",
    )
    rate = None if schedule.discount_rate is None else _num(Fraction(schedule.discount_rate))
    rows: list[tuple[str, object, str | None, bool, str | None]] = [
        ("Metode", SCHEDULE_METHOD_TEXT.get(schedule.method, schedule.method), None, False, None),
        ("Formel", SCHEDULE_FORMULA_TEXT.get(schedule.method, ""), None, False, None),
        ("Kontraktsperiode", schedule.period or "", None, False, None),
        ("År i alt", at.years if schedule.method == "life_cycle" else "", "0", False, None),
        ("Diskonteringsrente (%)", rate, "0.00", schedule.method == "life_cycle", "Diskonteringsrente"),
        ("Nåverdifaktor (Σ faktorer over årene)", "", "0.000000", False, "Naaverdifaktor"),
        ("Linjer uten pris", SCHEDULE_GAP_TEXT.get(schedule.gaps, schedule.gaps), None, False, None),
    ]
    factor_row = 4 + len(rows) + 1
    if schedule.method == "life_cycle" and at.years:
        first, last = _cell(3, factor_row + 1, True), _cell(2 + at.years, factor_row + 1, True)
        rows[5] = (rows[5][0], f"=SUM({first}:{last})", "0.000000", False, "Naaverdifaktor")
        ws.cell(row=factor_row, column=2, value="År").font = Font(bold=True)
        ws.cell(row=factor_row + 1, column=2, value="Diskonteringsfaktor 1/(1 + r/100)ᵗ").font = Font(
            bold=True
        )
        for t in range(1, at.years + 1):
            ws.cell(row=factor_row, column=2 + t, value=t).border = _BORDER
            c = ws.cell(
                row=factor_row + 1,
                column=2 + t,
                value=f"=1/(1+Diskonteringsrente/100)^{_cell(2 + t, factor_row)}",
            )
            c.number_format, c.border = "0.000000", _BORDER
    for offset, (label, value, fmt, is_input, name) in enumerate(rows):
        row = 4 + offset
        ws.cell(row=row, column=2, value=label).font = Font(bold=True)
        # the workbook's own formulas are formulas; anything else (the period as written) stays text
        formula = name is not None and isinstance(value, str) and value.startswith("=")
        target = ws.cell(row=row, column=3, value=value) if formula else _text(ws, row, 3, value)
        if is_input:
            _input(target, value, fmt)
        else:
            target.border = _BORDER
            if fmt:
                target.number_format = fmt
        if name:
            _name(wb, name, f"{_quoted(SCHEDULE)}!{_cell(3, row, True)}")
    header = at.header_row
    quantity_title = "Vekt" if schedule.method == "average" else "Mengde"
    _header(
        ws, header, ["Linje", "Navn", "Kommune", "Årlig", quantity_title, "Faktor", "Høyeste tilbudte pris"]
    )
    for bid_id in at.bids:
        _header(
            ws,
            header,
            [f"Tilbudt {bid_id}", f"Brukt {bid_id}", f"Bidrag {bid_id}"],
            start=at.offered_col(bid_id),
        )
    lines = {line.id: line for line in schedule.lines}
    first_line, last_line = at.line_row(0), at.line_row(max(0, len(at.cells) - 1))
    breakdown = {
        bid_id: {(x.line, x.municipality): x for x in at.prices.bids[bid_id].lines} for bid_id in at.bids
    }
    for index, (line_id, municipality) in enumerate(at.cells):
        row = at.line_row(index)
        line = lines[line_id]
        sample = breakdown[at.bids[0]][(line_id, municipality)]
        yearly = schedule.method == "life_cycle" and line.yearly
        for col, value in enumerate(
            [line.id, line.name, municipality or "", "Ja" if yearly else "Nei"], start=1
        ):
            _text(ws, row, col, value).border = _BORDER
        _input(ws.cell(row=row, column=5), _num(sample.quantity), "#,##0.####")
        if schedule.method == "average":
            factor: object = f"=1/SUM($E${first_line}:$E${last_line})"
        elif yearly:
            factor = "=Naaverdifaktor"
        else:
            factor = 1
        c = ws.cell(row=row, column=6, value=factor)
        c.number_format, c.border = "0.000000", _BORDER
        # the highest price among the bids in the competition: a bid rejected (by hand or below a quality
        # threshold) in the workbook leaves the gap filling too; prices are never negative, so 0 stands
        # for "not counted" (and for a line left empty)
        offered_cells = ",".join(
            f'IF({refs.status(b)}<>"{REJECTED}",{_cell(at.offered_col(b), row)},0)' for b in at.bids
        )
        highest = ws.cell(row=row, column=7, value=f"=MAX({offered_cells})")
        highest.number_format, highest.border = MONEY, _BORDER
        layout.schedule_highest[(line_id, municipality)] = (SCHEDULE, highest.coordinate)
        for bid_id in at.bids:
            col = at.offered_col(bid_id)
            amount = breakdown[bid_id][(line_id, municipality)]
            _input(ws.cell(row=row, column=col), _num(amount.offered), MONEY)
            off = _cell(col, row)
            fill = f"$G{row}" if schedule.gaps == "highest" else "NA()"
            used = ws.cell(row=row, column=col + 1, value=f'=IF({off}="",{fill},{off})')
            contribution = ws.cell(row=row, column=col + 2, value=f"={_cell(col + 1, row)}*$E{row}*$F{row}")
            for target in (used, contribution):
                target.number_format, target.border = MONEY, _BORDER
            if amount.offered is None:
                used.fill = _REJECTED_FILL  # filled from the gap rule
            layout.schedule_contributions[(bid_id, line_id, municipality)] = (
                SCHEDULE,
                contribution.coordinate,
            )
    total_row = at.total_row
    label = ws.cell(row=total_row, column=2, value="Evaluert pris (til «Inndata»)")
    label.font, label.fill, label.border = Font(bold=True), _TOTAL_FILL, _BORDER
    for bid_id in at.bids:
        col = at.offered_col(bid_id) + 2
        total = ws.cell(
            row=total_row,
            column=col,
            value=f"=SUM({_cell(col, first_line)}:{_cell(col, last_line)})" if at.cells else 0,
        )
        total.number_format, total.font, total.fill, total.border = (
            MONEY,
            Font(bold=True),
            _TOTAL_FILL,
            _BORDER,
        )
        layout.schedule_prices[bid_id] = (SCHEDULE, total.coordinate)
    _widths(ws, SCHEDULE_WIDTHS)
    _widths(ws, {at.offered_col(b) + k: 13 for b in at.bids for k in range(3)})
    ws.freeze_panes = ws.cell(row=header + 1, column=3)
    _print_setup(ws, f"{header}:{header}")


def write_evaluation_workbook(
    case: EvaluationCase,
    result: EvaluationResult,
    path_or_stream: str | Path | IO[bytes],
    prices: EvaluatedPrices | None = None,
) -> WorkbookLayout:
    """Write the evaluation workbook; return where the totals, ranks and points sit.

    ``result`` must be ``evaluate_case(case)``: the workbook recomputes the same numbers with
    formulas and the cached values are left for Excel or LibreOffice to fill in.

    ``prices``: when the bids' prices come from a price schedule, the core's
    ``tender.core.price_schedule.evaluated_prices`` of it, over the bids it was made from (rejected bids
    left out); each of those bids' ``price`` in ``case`` must be its evaluated price there. The workbook
    then gets a «Prisskjema» sheet whose sums are those prices, by formula. Left out, the case's own
    ``schedule_prices`` is used when it has one (a case file with ``price_schedule`` and ``price_lines``).
    """
    if result.model != case.model or [r.bid.id for r in result.bids] != [b.id for b in case.bids]:
        raise ValueError("the result does not belong to this case")
    if prices is None:
        # a case read from a case file with a price schedule carries how its prices were made
        prices = case.schedule_prices
    wb = Workbook()
    _add_named_styles(wb)
    layout = WorkbookLayout()
    refs = _write_inputs(wb, case, result, prices, layout)
    _write_matrix(wb, case, result, refs, layout)
    _write_thresholds(wb, case, refs, layout)
    _write_schedule(wb, case, refs, layout)
    _write_individual(wb, case, refs)
    _write_requirements(wb, case)
    wb.active = 1  # open on the matrix
    for ws in wb.worksheets:
        ws.sheet_view.tabSelected = ws.title == MATRIX
    wb.save(path_or_stream)  # type: ignore[arg-type]
    return layout
