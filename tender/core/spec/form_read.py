"""Reading our answer-form workbook: the «Om skjemaet» sheet and tables mapped by their header text.

Shared by :mod:`tender.core.spec.workbook_read` and :mod:`tender.core.spec.answer_read`; every
problem found is added to the caller's list with its sheet and row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from tender.core.spec.form_layout import DERIVED_COLUMNS, FORM_FORMAT, Column, column_letter
from tender.core.spec.model import Problem
from tender.core.spec.workbook import is_formula, iter_rows


@dataclass
class Sheet:
    """Cells of one sheet by header key, with the row each item came from."""

    name: str
    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)


def formula_problem(sheet: str, row: int, column: int) -> Problem:
    letter = column_letter(column)
    return Problem("formula", {"cell": f"{letter}{row}"}, sheet=sheet, row=row)


def read_about(sheet: Any, max_rows: int, problems: list[Problem]) -> dict[str, str]:
    about: dict[str, str] = {}
    for row, cells in iter_rows(sheet, max_rows=max_rows):
        for column, cell in enumerate(cells, start=1):
            if is_formula(cell):
                problems.append(formula_problem(sheet.title, row, column))
        if len(cells) >= 2:
            about.setdefault(cell_text(cells[0]), cell_text(cells[1]))
    if about.get("Skjemaformat") != FORM_FORMAT:
        problems.append(Problem("not_our_form", {"form_format": FORM_FORMAT}, sheet=sheet.title))
    return about


def cell_text(cell: Any) -> str:
    value = getattr(cell, "value", None)
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_table(
    sheet: Any,
    columns: Sequence[Column],
    max_rows: int,
    problems: list[Problem],
    *,
    find_header: bool = False,
) -> Sheet:
    """Rows of a sheet as {column key: cell}, mapping columns by their header text."""
    table = Sheet(sheet.title)
    by_header = {c.header.casefold(): c for c in columns}
    keys: dict[int, str] | None = None
    for row, cells in iter_rows(sheet, max_rows=max_rows):
        if keys is None:
            texts = [cell_text(c).strip().casefold() for c in cells]
            if find_header and columns[0].header.casefold() not in texts:
                continue  # the title block above the header
            keys = _header_keys(sheet.title, row, cells, by_header, columns, problems)
            continue
        values: dict[str, Any] = {}
        for index, cell in enumerate(cells):
            if is_formula(cell):
                problems.append(formula_problem(sheet.title, row, index + 1))
            elif index in keys:
                values[keys[index]] = getattr(cell, "value", None)
        table.rows.append((row, values))
    if keys is None:
        problems.append(Problem("missing_header", {"first_header": columns[0].header}, sheet=sheet.title))
    return table


def _header_keys(
    sheet: str,
    row: int,
    cells: Sequence[Any],
    by_header: dict[str, Column],
    columns: Sequence[Column],
    problems: list[Problem],
) -> dict[int, str]:
    keys: dict[int, str] = {}
    for index, cell in enumerate(cells):
        text = cell_text(cell).strip()
        if not text:
            continue
        column = by_header.get(text.casefold())
        if column is None:
            problems.append(
                Problem(
                    "unknown_column",
                    {"header": text, "column": column_letter(index + 1)},
                    sheet=sheet,
                    row=row,
                )
            )
        elif column.key in keys.values():
            problems.append(Problem("duplicate_column", {"header": text}, sheet=sheet, row=row))
        else:
            keys[index] = column.key
    missing = [
        c.header
        for c in columns
        if not c.answer and c.key not in DERIVED_COLUMNS and c.key not in keys.values()
    ]
    if missing:
        problems.append(Problem("missing_columns", {"headers": tuple(missing)}, sheet=sheet, row=row))
    return keys


# -- building the specification from rows
