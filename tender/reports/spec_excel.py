"""The vendor's answer form (bilag 1) written as an Excel workbook.

Fed by core objects only (a :class:`~tender.core.spec.Specification`), never by web views. The layout
(sheets, columns) lives in :mod:`tender.core.spec.form_layout`, shared with the readers of uploaded
forms in the core (:mod:`tender.core.spec.workbook_read`, :mod:`tender.core.spec.answer_read`).

Sheets
    Kravspesifikasjon     one row per requirement in display order, with a ``Kapittel`` column (one
                          sheet, not one per chapter, so vendors and leads can filter and sort and the
                          import has one table to read). Rows 1–4 name the tender, the version and its
                          content hash; row 5 is the header (frozen, repeated on every printed page).
                          ``Krav-ID`` (column A, grey, "ikke endre") is the stable id; ``Kapittel-ID``
                          (column B) is hidden. The requirement columns are locked; the yellow answer
                          columns are unlocked and carry drop-down lists (Ja/Nei, Ja/Nei/Delvis) or a
                          number check. The sheet is protected without a password: it stops slips, not
                          a determined editor (a lead who edits requirements unprotects it).
    Kapitler              chapter id, number, title, description
    Tildelingskriterier   criterion id and name
    Om skjemaet           tender, specification title, version, content hash, form format; instructions
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from copy import copy
from decimal import Decimal
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from tender.core.spec import (
    AnswerForm,
    Chapter,
    Problem,
    Requirement,
    SpecError,
    SpecFileError,
    Specification,
    display_order,
    normalise_weight,
    validate_spec,
)
from tender.core.spec import (
    content_hash as compute_hash,
)
from tender.core.spec.form_layout import (
    ABOUT_SHEET,
    ALL_MUNICIPALITIES,
    CHAPTER_COLUMNS,
    CHAPTERS_SHEET,
    CRITERIA_SHEET,
    CRITERION_COLUMNS,
    DELIVERY_CHOICES,
    FORM_FORMAT,
    HEADER_ROW,
    MAX_CELL_CHARS,
    REQUIREMENT_COLUMNS,
    REQUIREMENTS_SHEET,
    Column,
)

_THIN = Side(style="thin", color="BFBFBF")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FONT = Font(bold=True, color="FFFFFF")
_HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
_ID_FILL = PatternFill("solid", fgColor="D9D9D9")
_ANSWER_FILL = PatternFill("solid", fgColor="FFF2CC")
_NOT_ASKED_FILL = PatternFill("solid", fgColor="EDEDED")
_WRAP = Alignment(wrap_text=True, vertical="top")
# Named styles: setting font, fill, border and protection cell by cell hashes every style object
# each time and made a 2 000-requirement export take seconds; a named style is one lookup.
_TEXT, _ID, _ANSWER, _NOT_ASKED = "Krav", "Krav-ID", "Svar", "Svar ikke aktuelt"


def _named_styles() -> list[NamedStyle]:
    def style(name: str, fill: PatternFill | None, locked: bool) -> NamedStyle:
        named = NamedStyle(name=name, alignment=_WRAP, border=_BORDER, protection=Protection(locked=locked))
        if fill is not None:
            named.fill = fill
        return named

    return [
        style(_TEXT, None, True),
        style(_ID, _ID_FILL, True),
        style(_ANSWER, _ANSWER_FILL, False),
        style(_NOT_ASKED, _NOT_ASKED_FILL, True),
    ]


# --------------------------------------------------------------------------- export


def export_answer_form(
    spec: Specification, stream: IO[bytes], *, tender_title: str, version_label: str, content_hash: str
) -> None:
    """Write the vendor's answer form for ``spec`` to ``stream`` (.xlsx).

    ``content_hash`` must be the hash of ``spec``: it is printed on every page as the version's
    fingerprint, so a mismatch is refused rather than printed.
    """
    _check_exportable(spec, content_hash)
    workbook = Workbook()
    for style in _named_styles():
        workbook.add_named_style(style)
    _requirements_sheet(workbook.active, spec, tender_title, version_label, content_hash)
    _simple_sheet(
        workbook.create_sheet(CHAPTERS_SHEET),
        CHAPTER_COLUMNS,
        [[c.id, c.number, c.title, c.description] for c in spec.chapters],
    )
    _simple_sheet(
        workbook.create_sheet(CRITERIA_SHEET), CRITERION_COLUMNS, [[c.id, c.name] for c in spec.criteria]
    )
    _about_sheet(workbook.create_sheet(ABOUT_SHEET), spec, tender_title, version_label, content_hash)
    workbook.save(stream)


def _check_exportable(spec: Specification, content_hash: str) -> None:
    if compute_hash(spec) != content_hash:
        raise SpecError("hash_mismatch", {"output": "excel"})
    problems = validate_spec(spec)
    too_long = [
        item.id
        for item in (*spec.criteria, *spec.chapters, *spec.requirements)
        if any(isinstance(v, str) and len(v) > MAX_CELL_CHARS for v in vars(item).values())
    ]
    if too_long:
        problems.append(Problem("text_too_long", {"ids": tuple(too_long), "max_chars": MAX_CELL_CHARS}))
    if problems:
        raise SpecFileError(problems)


def _requirements_sheet(
    sheet: Worksheet, spec: Specification, tender_title: str, version_label: str, content_hash: str
) -> None:
    sheet.title = REQUIREMENTS_SHEET
    _title_block(sheet, spec, tender_title, version_label, content_hash)
    _header(sheet, REQUIREMENT_COLUMNS, HEADER_ROW)
    criteria = {c.id: c.name for c in spec.criteria}
    chapters = {c.id: c for c in spec.chapters}
    rows_by_form: dict[AnswerForm, list[int]] = {form: [] for form in AnswerForm}
    styles: dict[str, Any] = {}
    row = HEADER_ROW
    for row, requirement in enumerate(display_order(spec), start=HEADER_ROW + 1):
        values = _requirement_values(requirement, chapters[requirement.chapter], criteria)
        for column_index, column in enumerate(REQUIREMENT_COLUMNS, start=1):
            _write(sheet, row, column_index, values.get(column.key), column, requirement.answer_form, styles)
        sheet.row_dimensions[row].height = _row_height(values)
        rows_by_form[requirement.answer_form].append(row)
    _validations(sheet, rows_by_form, row)
    _layout(sheet, row, tender_title, version_label, content_hash)


def _title_block(
    sheet: Worksheet, spec: Specification, tender_title: str, version_label: str, content_hash: str
) -> None:
    sheet["A1"] = tender_title
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A2"] = f"Bilag 1 – {spec.title}"
    sheet["A2"].font = Font(bold=True, size=12)
    sheet["A3"] = f"Versjon {version_label} · innholds-hash {content_hash}"
    sheet["A4"] = (
        "Fyll ut de gule kolonnene for hvert krav. Ikke endre kravene, Krav-ID eller rekkefølgen; "
        "still spørsmål om kravene gjennom konkurransegjennomføringsverktøyet."
    )
    for cell in ("A1", "A2", "A3", "A4"):
        _text_value(sheet[cell])


def _header(sheet: Worksheet, columns: Sequence[Column], row: int) -> None:
    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(row=row, column=index, value=column.header)
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        cell.alignment = _WRAP
        cell.border = _BORDER
        sheet.column_dimensions[get_column_letter(index)].width = column.width


def _requirement_values(req: Requirement, chapter: Chapter, criteria: dict[str, str]) -> dict[str, Any]:
    return {
        "id": req.id,
        "chapter_id": req.chapter,
        "number": req.number,
        "chapter": f"{chapter.number} {chapter.title}",
        "text": req.text,
        "kind": req.kind.label,
        "criterion": criteria.get(req.criterion, req.criterion) if req.criterion else None,
        "weight": _weight_cell(req.weight),
        "answer_form": req.answer_form.label,
        "unit": req.unit,
        "documentation": req.documentation or None,
        "source": req.source or None,
        "municipalities": ", ".join(req.municipalities) if req.municipalities else ALL_MUNICIPALITIES,
    }


def _weight_cell(weight: Decimal | None) -> int | float | None:
    if weight is None:
        return None
    # validated to at most 4 decimals and 1e6, so a float holds it exactly enough to come back equal
    normal = Decimal(normalise_weight(weight) or "0")
    return int(normal) if normal == normal.to_integral_value() else float(normal)


def _asks(column: Column, form: AnswerForm) -> bool:
    """Whether an answer column is to be filled for a requirement with this answer form."""
    if column.key == "fulfilled":
        return bool(form.choices)
    if column.key == "answer":
        return not form.choices
    return True


def _write(
    sheet: Worksheet,
    row: int,
    column_index: int,
    value: Any,
    column: Column,
    form: AnswerForm,
    styles: dict[str, Any],
) -> None:
    cell = sheet.cell(row=row, column=column_index, value=value)
    _text_value(cell)
    if column.answer:
        name = _ANSWER if _asks(column, form) else _NOT_ASKED
    elif column.key in ("id", "chapter_id"):
        name = _ID
    else:
        name = _TEXT
    # Setting a named style looks it up by name every time (38 000 cells for 2 000 requirements);
    # copying the style array of the first cell that got it is the same result for a fraction of the cost.
    # ``_style`` is openpyxl-internal but stable across 3.1 (pinned <3.2 in pyproject).
    if name in styles:
        cell._style = copy(styles[name])
    else:
        cell.style = name
        styles[name] = copy(cell._style)


def _text_value(cell: Any) -> None:
    # openpyxl turns any string starting with "=" into a formula: keep requirement text as text
    if isinstance(cell.value, str) and cell.value.startswith("="):
        cell.data_type = "s"


def _row_height(values: dict[str, Any]) -> float:
    """Excel does not grow rows for wrapped text written by openpyxl: estimate the lines ourselves."""
    widths = {c.key: c.width for c in REQUIREMENT_COLUMNS}
    lines = 1
    for key in ("text", "documentation", "chapter", "criterion", "source"):
        text = values.get(key)
        if isinstance(text, str):
            per_line = max(1.0, widths[key] * 1.15)
            lines = max(lines, sum(max(1, math.ceil(len(part) / per_line)) for part in text.split("\n")))
    return min(409.0, 15.0 * lines + 3)


def _validations(sheet: Worksheet, rows_by_form: dict[AnswerForm, list[int]], last_row: int) -> None:
    letters = {c.key: get_column_letter(i) for i, c in enumerate(REQUIREMENT_COLUMNS, start=1)}
    for form in (AnswerForm.JA_NEI, AnswerForm.JA_NEI_DELVIS):
        if rows_by_form[form]:
            validation = DataValidation(
                type="list",
                formula1='"' + ",".join(form.choices) + '"',
                allow_blank=True,
                showErrorMessage=True,
                errorTitle="Ugyldig svar",
                error=f"Velg {' eller '.join(', '.join(form.choices).rsplit(', ', 1))} fra listen.",
                promptTitle="Oppfylt",
                prompt=f"Velg {'/'.join(form.choices)}.",
                showInputMessage=True,
            )
            validation.sqref = _ranges(letters["fulfilled"], rows_by_form[form])
            sheet.add_data_validation(validation)
    if rows_by_form[AnswerForm.TALL]:
        number = DataValidation(
            type="decimal",
            operator="between",
            formula1="-1E+300",
            formula2="1E+300",
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="Ugyldig tall",
            error="Svaret skal være et tall i enheten som er oppgitt.",
        )
        number.sqref = _ranges(letters["answer"], rows_by_form[AnswerForm.TALL])
        sheet.add_data_validation(number)
    if last_row > HEADER_ROW:
        delivery = DataValidation(
            type="list",
            formula1='"' + ",".join(DELIVERY_CHOICES) + '"',
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="Ugyldig valg",
            error="Velg fra listen: " + ", ".join(DELIVERY_CHOICES) + ".",
        )
        delivery.add(f"{letters['delivery']}{HEADER_ROW + 1}:{letters['delivery']}{last_row}")
        sheet.add_data_validation(delivery)


def _ranges(letter: str, rows: Iterable[int]) -> str:
    """Consecutive rows as one range ("N6:N40 N42"), so the validation stays small for 2 000 rows."""
    parts: list[str] = []
    run: list[int] = []
    for row in sorted(rows):
        if run and row != run[-1] + 1:
            parts.append(_range(letter, run))
            run = []
        run.append(row)
    if run:
        parts.append(_range(letter, run))
    return " ".join(parts)


def _range(letter: str, run: list[int]) -> str:
    return f"{letter}{run[0]}" if len(run) == 1 else f"{letter}{run[0]}:{letter}{run[-1]}"


def _footer_text(text: str) -> str:
    # "&" starts a header/footer code in Excel
    return text.replace("&", "&&")


def _layout(
    sheet: Worksheet, last_row: int, tender_title: str, version_label: str, content_hash: str
) -> None:
    last_letter = get_column_letter(len(REQUIREMENT_COLUMNS))
    sheet.freeze_panes = f"D{HEADER_ROW + 1}"
    sheet.auto_filter.ref = f"A{HEADER_ROW}:{last_letter}{max(last_row, HEADER_ROW)}"
    sheet.column_dimensions["B"].hidden = True
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.oddHeader.left.text = _footer_text(tender_title)
    sheet.oddFooter.left.text = _footer_text(f"Versjon {version_label} · {content_hash[:12]}")
    sheet.oddFooter.right.text = "Side &P av &N"
    _protect(sheet)


def _protect(sheet: Worksheet) -> None:
    sheet.protection.sheet = True
    # still allow what a reader needs: resize, filter and sort (False means "not protected")
    sheet.protection.formatColumns = False
    sheet.protection.formatRows = False
    sheet.protection.autoFilter = False
    sheet.protection.sort = False


def _simple_sheet(sheet: Worksheet, columns: Sequence[Column], rows: list[list[Any]]) -> None:
    _header(sheet, columns, 1)
    for row_index, values in enumerate(rows, start=2):
        for column_index, value in enumerate(values, start=1):
            cell = sheet.cell(row=row_index, column=column_index, value=value or None)
            _text_value(cell)
            cell.style = _TEXT
    sheet.freeze_panes = "A2"
    sheet.page_setup.orientation = "landscape"
    sheet.oddFooter.right.text = "Side &P av &N"
    _protect(sheet)


_ABOUT_KEYS = ("Konkurranse", "Kravspesifikasjon", "Versjon", "Innholds-hash", "Skjemaformat")


def _about_sheet(
    sheet: Worksheet, spec: Specification, tender_title: str, version_label: str, content_hash: str
) -> None:
    values = (tender_title, spec.title, version_label, content_hash, FORM_FORMAT)
    for row, (key, value) in enumerate(zip(_ABOUT_KEYS, values, strict=True), start=1):
        sheet.cell(row=row, column=1, value=key).font = Font(bold=True)
        _text_value(sheet.cell(row=row, column=2, value=value))
    instructions = (
        "Slik fyller du ut skjemaet",
        "• Svar på hvert krav i de gule kolonnene på arket «Kravspesifikasjon».",
        "• «Oppfylt» velges fra listen: Ja/Nei, eller Ja/Nei/Delvis der det er tillatt.",
        "• Krav med svarform «Tall» besvares med et tall i enheten som er oppgitt.",
        "• Minstekrav som ikke er oppfylt, fører til avvisning av tilbudet.",
        "• Krav-ID identifiserer kravet og må ikke endres.",
    )
    for row, line in enumerate(instructions, start=len(_ABOUT_KEYS) + 2):
        sheet.cell(row=row, column=1, value=line).font = Font(bold=row == len(_ABOUT_KEYS) + 2)
    sheet.column_dimensions["A"].width = 22
    sheet.column_dimensions["B"].width = 80
    _protect(sheet)


__all__ = ["export_answer_form"]
