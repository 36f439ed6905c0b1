"""The cost split as an Excel workbook whose shares are live formulas over the key and the totals.

Fed by plain data (``CostSplitSheet``), never by models: the award's page builds it from its table.

Sheet "Kostnadsfordeling":
    the key and the fixed percent (input cells), the common one-off and yearly amounts, and per bound
    municipality its population (or custom percentage): the exact share (formula), for each amount the
    exact share in øre, the øre rounded down, the remainder, its place in the remainder order (largest first,
    ties by kommunenummer), the extra øre, and the amount in kroner; then what was priced for the
    municipality alone, its one-off and yearly cost and its total over the contract period; SUM() rows show
    that the shares add up to the totals. The option municipalities follow apart, with their own prices.

A procurement group can change a population or a percentage and see the split recomputed by the same rule
the app uses (``tender.core.cost_split``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

SHEET = "Kostnadsfordeling"
_MONEY = "#,##0.00"
_SHARE = "0.000000%"
_INPUT = PatternFill("solid", fgColor="FFF2CC")
_BOLD = Font(bold=True)


@dataclass(frozen=True)
class BoundLine:
    name: str
    kommunenummer: str
    population: int
    #: with the custom key: the percentage (e.g. 25.5)
    percent: Decimal | None
    own_one_off: Decimal
    own_yearly: Decimal


@dataclass(frozen=True)
class OptionLine:
    name: str
    kommunenummer: str
    one_off: Decimal
    yearly: Decimal


@dataclass
class CostSplitSheet:
    title: str
    winner: str
    #: "population", "equal", "fixed_plus_population" or "custom"
    key: str
    key_label: str
    fixed_percent: Decimal | None
    common_one_off: Decimal
    common_yearly: Decimal
    period: str
    years: int
    remainder_rule: str
    bound: list[BoundLine] = field(default_factory=list)
    options: list[OptionLine] = field(default_factory=list)


@dataclass(frozen=True)
class Layout:
    """Where the computed amounts are, for the recalculation test: per kommunenummer, cell addresses."""

    one_off: dict[str, str]
    yearly: dict[str, str]
    total: dict[str, str]


def _share_formula(key: str, row: int, first: int, last: int) -> str:
    pops = f"$D${first}:$D${last}"
    n = f"ROWS({pops})"
    if key == "equal":
        return f"=1/{n}"
    if key == "custom":
        return f"=E{row}/100"
    if key == "fixed_plus_population":
        return f"=Fast_andel/100/{n}+(1-Fast_andel/100)*D{row}/SUM({pops})"
    return f"=D{row}/SUM({pops})"


def write_cost_split_workbook(data: CostSplitSheet, target: str | IO[bytes]) -> Layout:
    """Write the workbook to ``target`` (a path or a binary stream); returns where the amounts are."""
    from openpyxl.workbook.defined_name import DefinedName

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = SHEET
    sheet["A1"] = f"Kostnadsfordeling – {data.title}"
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A2"] = f"Valgt leverandør: {data.winner}"
    sheet["A3"], sheet["B3"] = "Fordelingsnøkkel", data.key_label
    sheet["A4"], sheet["B4"] = "Fast andel som deles likt (prosent)", float(data.fixed_percent or 0)
    sheet["B4"].fill = _INPUT
    book.defined_names["Fast_andel"] = DefinedName("Fast_andel", attr_text=f"'{SHEET}'!$B$4")
    sheet["A5"], sheet["B5"] = "Felles engangskostnader (kr)", float(data.common_one_off)
    sheet["A6"], sheet["B6"] = "Felles årlige kostnader (kr)", float(data.common_yearly)
    sheet["A7"], sheet["B7"] = "Kontraktsperiode", f"{data.period} år"
    sheet["A8"], sheet["B8"] = "Antall år i alt", data.years
    for ref in ("B5", "B6"):
        sheet[ref].number_format = _MONEY
        sheet[ref].fill = _INPUT
    sheet["A9"] = "Avrunding: " + data.remainder_rule
    header = 11
    titles = [
        "Kommune",
        "Kommunenummer",
        "Rekkefølge",
        "Innbyggertall",
        "Prosentsats",
        "Andel",
        # one-off: exact øre, rounded down, remainder, place, extra øre, kroner
        "Engangs, eksakt (øre)",
        "Engangs, rundet ned (øre)",
        "Engangs, rest",
        "Engangs, plass",
        "Engangs, ekstra øre",
        "Engangs, andel (kr)",
        "Årlig, eksakt (øre)",
        "Årlig, rundet ned (øre)",
        "Årlig, rest",
        "Årlig, plass",
        "Årlig, ekstra øre",
        "Årlig, andel (kr)",
        "Egne engangskostnader (kr)",
        "Egne årlige kostnader (kr)",
        "Engangskostnad (kr)",
        "Årlig kostnad (kr)",
        "Sum over kontraktsperioden (kr)",
    ]
    for col, text in enumerate(titles, start=1):
        sheet.cell(header, col, text).font = _BOLD
    first = header + 1
    last = header + len(data.bound)
    # sorted by kommunenummer: the tie-break of the remainder rule is the row order (column C)
    lines = sorted(data.bound, key=lambda b: b.kommunenummer)
    layout = Layout({}, {}, {})

    def rounding(row: int, start: int, total: str) -> None:
        """Six columns from ``start``: exact øre, floor, remainder, place, extra øre, kroner."""
        exact, floor, rest, place, extra, kroner = (get_column_letter(start + i) for i in range(6))
        rests = f"${rest}${first}:${rest}${last}"
        left = f"(ROUND({total}*100,0)-SUM(${floor}${first}:${floor}${last}))"
        sheet[f"{exact}{row}"] = f"={total}*100*F{row}"
        # ROUND to 6 decimals first: a product that is a whole number of øre must not become x.9999999
        sheet[f"{floor}{row}"] = f"=ROUNDDOWN(ROUND({exact}{row},6),0)"
        sheet[f"{rest}{row}"] = f"=ROUND({exact}{row}-{floor}{row},6)"
        sheet[f"{place}{row}"] = (
            f"=SUMPRODUCT(--({rests}>{rest}{row}))+SUMPRODUCT(--({rests}={rest}{row}),--($C${first}:$C${last}<C{row}))+1"
        )
        sheet[f"{extra}{row}"] = f"=IF({place}{row}<={left},1,0)"
        sheet[f"{kroner}{row}"] = f"=({floor}{row}+{extra}{row})/100"
        sheet[f"{kroner}{row}"].number_format = _MONEY

    for i, line in enumerate(lines):
        row = first + i
        sheet.cell(row, 1, line.name)
        sheet.cell(row, 2, line.kommunenummer)
        sheet.cell(row, 3, i + 1)
        sheet.cell(row, 4, line.population).fill = _INPUT
        if line.percent is not None:
            sheet.cell(row, 5, float(line.percent)).fill = _INPUT
        sheet.cell(row, 6, _share_formula(data.key, row, first, last)).number_format = _SHARE
        rounding(row, 7, "$B$5")
        rounding(row, 13, "$B$6")
        sheet.cell(row, 19, float(line.own_one_off)).number_format = _MONEY
        sheet.cell(row, 20, float(line.own_yearly)).number_format = _MONEY
        sheet.cell(row, 21, f"=L{row}+S{row}").number_format = _MONEY
        sheet.cell(row, 22, f"=R{row}+T{row}").number_format = _MONEY
        sheet.cell(row, 23, f"=U{row}+V{row}*$B$8").number_format = _MONEY
        layout.one_off[line.kommunenummer] = f"U{row}"
        layout.yearly[line.kommunenummer] = f"V{row}"
        layout.total[line.kommunenummer] = f"W{row}"
    sums = last + 1
    sheet.cell(sums, 1, "Sum").font = _BOLD
    for col in (4, 5, 6, 12, 18, 19, 20, 21, 22, 23):
        letter = get_column_letter(col)
        cell = sheet.cell(sums, col, f"=SUM({letter}{first}:{letter}{last})")
        cell.font = _BOLD
        cell.number_format = _SHARE if col == 6 else _MONEY if col >= 12 else "General"
    check = sums + 1
    sheet.cell(check, 1, "Kontroll: andelene er lik de felles kostnadene")
    sheet.cell(check, 12, f"=L{sums}=$B$5")
    sheet.cell(check, 18, f"=R{sums}=$B$6")
    layout.total["sum"] = f"W{sums}"

    start = check + 2
    sheet.cell(
        start, 1, "Opsjonskommuner (ikke bundet fra start; deler ikke de felles kostnadene)"
    ).font = _BOLD
    if not data.options:
        sheet.cell(start + 1, 1, "Ingen opsjonskommuner.")
    else:
        for col, text in enumerate(
            [
                "Kommune",
                "Kommunenummer",
                "Engangskostnad (kr)",
                "Årlig kostnad (kr)",
                "Sum over perioden (kr)",
            ],
            start=1,
        ):
            sheet.cell(start + 1, col, text).font = _BOLD
        for i, option in enumerate(sorted(data.options, key=lambda o: o.kommunenummer)):
            row = start + 2 + i
            sheet.cell(row, 1, option.name)
            sheet.cell(row, 2, option.kommunenummer)
            sheet.cell(row, 3, float(option.one_off)).number_format = _MONEY
            sheet.cell(row, 4, float(option.yearly)).number_format = _MONEY
            sheet.cell(row, 5, f"=C{row}+D{row}*$B$8").number_format = _MONEY
            layout.total[option.kommunenummer] = f"E{row}"
    sheet.column_dimensions["A"].width = 34
    for col in range(2, 24):
        sheet.column_dimensions[get_column_letter(col)].width = 16
    book.save(target)
    return layout
