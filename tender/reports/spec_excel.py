"""The vendor's answer form (bilag 1) as an Excel workbook, and reading an edited one back.

Fed by core objects only (a :class:`~tender.core.spec.Specification`), never by web views.

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

:func:`import_spec_workbook` reads such a workbook back after a lead has edited it and returns the
changes against the current specification as a :class:`~tender.core.spec.diff.SpecDiff` for the UI
to accept or reject. Anything wrong raises :class:`~tender.core.spec.SpecFileError` listing every
problem by sheet and row; nothing is returned as a change then.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from copy import copy
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from tender.core.spec import (
    AnswerForm,
    Chapter,
    Criterion,
    Kind,
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
from tender.core.spec.diff import SpecDiff, diff_specs
from tender.core.spec.workbook import MAX_ROWS, is_formula, iter_rows, open_workbook, read_upload

FORM_FORMAT = "tender-kravskjema-1"
REQUIREMENTS_SHEET, CHAPTERS_SHEET, CRITERIA_SHEET, ABOUT_SHEET = (
    "Kravspesifikasjon",
    "Kapitler",
    "Tildelingskriterier",
    "Om skjemaet",
)
HEADER_ROW = 5
#: Excel refuses longer cell texts
MAX_CELL_CHARS = 32_767


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    width: float
    answer: bool = False  #: unlocked for the vendor


# widths in characters; with 18 visible columns, fit-to-width prints A4 landscape at about 45 %
REQUIREMENT_COLUMNS = (
    Column("id", "Krav-ID", 9),
    Column("chapter_id", "Kapittel-ID", 9),
    Column("number", "Nr.", 6),
    Column("chapter", "Kapittel", 16),
    Column("text", "Krav", 50),
    Column("kind", "Kravtype", 13),
    Column("criterion", "Tildelingskriterium", 14),
    Column("weight", "Vekt", 6),
    Column("answer_form", "Svarform", 11),
    Column("unit", "Enhet", 8),
    Column("documentation", "Dokumentasjon som kreves", 22),
    Column("source", "Kilde", 14),
    Column("municipalities", "Gjelder kommuner", 10),
    Column("fulfilled", "Oppfylt", 9, answer=True),
    Column("answer", "Svar (tekst eller tall)", 20, answer=True),
    Column("description", "Beskrivelse av løsningen", 35, answer=True),
    Column("reference", "Dokumentasjonsreferanse (dokument og avsnitt)", 20, answer=True),
    Column("delivery", "Standard eller tilpasning", 14, answer=True),
    Column("deviation", "Forbehold/avvik", 20, answer=True),
)
CHAPTER_COLUMNS = (
    Column("id", "Kapittel-ID", 12),
    Column("number", "Nr.", 7),
    Column("title", "Tittel", 45),
    Column("description", "Beskrivelse", 80),
)
CRITERION_COLUMNS = (Column("id", "Kriterium-ID", 18), Column("name", "Navn", 50))
#: columns whose content is derived from other columns and ignored on import
_DERIVED = {"chapter"}
DELIVERY_CHOICES = ("Standardfunksjonalitet", "Tilpasning", "Tredjepartsprodukt")
ALL_MUNICIPALITIES = "Alle"

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
    _simple_sheet(workbook.create_sheet(CRITERIA_SHEET), CRITERION_COLUMNS, [[c.id, c.name] for c in spec.criteria])
    _about_sheet(workbook.create_sheet(ABOUT_SHEET), spec, tender_title, version_label, content_hash)
    workbook.save(stream)


def _check_exportable(spec: Specification, content_hash: str) -> None:
    if compute_hash(spec) != content_hash:
        raise SpecError("hash_mismatch", "Innholds-hashen stemmer ikke med kravspesifikasjonen; eksporten er stoppet.")
    problems = validate_spec(spec)
    too_long = [
        item.id
        for item in (*spec.criteria, *spec.chapters, *spec.requirements)
        if any(isinstance(v, str) and len(v) > MAX_CELL_CHARS for v in vars(item).values())
    ]
    if too_long:
        problems.append(
            Problem(
                "text_too_long",
                f"Teksten i {', '.join(too_long)} er for lang for en Excel-celle (høyst {MAX_CELL_CHARS} tegn).",
            )
        )
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
    sheet: Worksheet, row: int, column_index: int, value: Any, column: Column, form: AnswerForm, styles: dict[str, Any]
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


def _layout(sheet: Worksheet, last_row: int, tender_title: str, version_label: str, content_hash: str) -> None:
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
    for row, (key, value) in enumerate(zip(_ABOUT_KEYS, values), start=1):
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


# --------------------------------------------------------------------------- import


@dataclass(frozen=True)
class ImportResult:
    """An edited workbook read back: the specification in it and what changed against the current one."""

    spec: Specification
    diff: SpecDiff
    #: the content hash of the version the workbook was exported from
    base_hash: str | None
    #: things the lead should know but that do not stop the import
    warnings: tuple[Problem, ...] = ()

    @property
    def has_changes(self) -> bool:
        """True when the workbook differs from the current specification."""
        return not self.diff.is_empty


@dataclass
class _Sheet:
    """Cells of one sheet by header key, with the row each item came from."""

    name: str
    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)


def import_spec_workbook(
    stream: IO[bytes] | bytes, current_spec: Specification, *, max_rows: int = MAX_ROWS
) -> ImportResult:
    """Read an edited answer-form workbook and compare it with ``current_spec``.

    Raises :class:`SpecFileError` listing every problem (by sheet and row) for a file that is not an
    .xlsx, is encrypted, is too large, lacks our sheets or columns, has formulas, unknown columns,
    missing or unknown ids, or content that breaks the business rules.
    """
    data = read_upload(stream)
    problems: list[Problem] = []
    with open_workbook(data, max_rows=max_rows) as workbook:
        _sheets_present(workbook, problems)
        if problems:
            raise SpecFileError(problems)
        about = _read_about(workbook[ABOUT_SHEET], max_rows, problems)
        requirement_rows = _read_table(
            workbook[REQUIREMENTS_SHEET], REQUIREMENT_COLUMNS, max_rows, problems, find_header=True
        )
        chapter_rows = _read_table(workbook[CHAPTERS_SHEET], CHAPTER_COLUMNS, max_rows, problems)
        criterion_rows = _read_table(workbook[CRITERIA_SHEET], CRITERION_COLUMNS, max_rows, problems)
    if problems:
        raise SpecFileError(problems)
    spec = _build_spec(about, requirement_rows, chapter_rows, criterion_rows, current_spec, problems)
    if problems:
        raise SpecFileError(problems)
    base_hash = about.get("Innholds-hash")
    warnings = []
    if base_hash != compute_hash(current_spec):
        warnings.append(
            Problem(
                "other_base_version",
                "Regnearket ble eksportert fra en annen versjon enn den gjeldende. Endringene nedenfor er regnet mot "
                "gjeldende versjon: krav som er lagt til etter eksporten vises som slettet, og endringer andre har "
                "gjort siden, vises som tilbakestilt. Godta bare endringene du selv har gjort.",
                sheet=ABOUT_SHEET,
            )
        )
    return ImportResult(spec, diff_specs(current_spec, spec), base_hash, tuple(warnings))


def _sheets_present(workbook: Any, problems: list[Problem]) -> None:
    names = list(workbook.sheetnames)
    for name in (REQUIREMENTS_SHEET, CHAPTERS_SHEET, CRITERIA_SHEET, ABOUT_SHEET):
        if name not in names:
            problems.append(
                Problem(
                    "missing_sheet",
                    f"Arket «{name}» mangler. Bruk et skjema eksportert fra løsningen (fant: {', '.join(names)}).",
                    sheet=name,
                )
            )


def _formula_problem(sheet: str, row: int, column: int) -> Problem:
    letter = get_column_letter(column)
    return Problem(
        "formula",
        f"Celle {letter}{row} inneholder en formel. Formler godtas ikke; skriv inn verdien.",
        sheet=sheet,
        row=row,
    )


def _read_about(sheet: Any, max_rows: int, problems: list[Problem]) -> dict[str, str]:
    about: dict[str, str] = {}
    for row, cells in iter_rows(sheet, max_rows=max_rows):
        for column, cell in enumerate(cells, start=1):
            if is_formula(cell):
                problems.append(_formula_problem(sheet.title, row, column))
        if len(cells) >= 2:
            about.setdefault(_text(cells[0]), _text(cells[1]))
    if about.get("Skjemaformat") != FORM_FORMAT:
        problems.append(
            Problem(
                "not_our_form",
                f"Regnearket er ikke et kravskjema eksportert fra løsningen («Skjemaformat» skal være {FORM_FORMAT}).",
                sheet=sheet.title,
            )
        )
    return about


def _text(cell: Any) -> str:
    value = getattr(cell, "value", None)
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_table(
    sheet: Any, columns: Sequence[Column], max_rows: int, problems: list[Problem], *, find_header: bool = False
) -> _Sheet:
    """Rows of a sheet as {column key: cell}, mapping columns by their header text."""
    table = _Sheet(sheet.title)
    by_header = {c.header.casefold(): c for c in columns}
    keys: dict[int, str] | None = None
    for row, cells in iter_rows(sheet, max_rows=max_rows):
        if keys is None:
            texts = [_text(c).strip().casefold() for c in cells]
            if find_header and columns[0].header.casefold() not in texts:
                continue  # the title block above the header
            keys = _header_keys(sheet.title, row, cells, by_header, columns, problems)
            continue
        values: dict[str, Any] = {}
        for index, cell in enumerate(cells):
            if is_formula(cell):
                problems.append(_formula_problem(sheet.title, row, index + 1))
            elif index in keys:
                values[keys[index]] = getattr(cell, "value", None)
        table.rows.append((row, values))
    if keys is None:
        problems.append(
            Problem("missing_header", f"Fant ikke overskriftsraden (med «{columns[0].header}»).", sheet=sheet.title)
        )
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
        text = _text(cell).strip()
        if not text:
            continue
        column = by_header.get(text.casefold())
        if column is None:
            problems.append(
                Problem(
                    "unknown_column",
                    f"Ukjent kolonne «{text}» i kolonne {get_column_letter(index + 1)}. "
                    "Fjern den, eller bruk et nytt skjema.",
                    sheet=sheet,
                    row=row,
                )
            )
        elif column.key in keys.values():
            problems.append(Problem("duplicate_column", f"Kolonnen «{text}» står to ganger.", sheet=sheet, row=row))
        else:
            keys[index] = column.key
    missing = [c.header for c in columns if not c.answer and c.key not in _DERIVED and c.key not in keys.values()]
    if missing:
        problems.append(
            Problem(
                "missing_columns", f"Kolonne(r) mangler: {', '.join(f'«{m}»' for m in missing)}.", sheet=sheet, row=row
            )
        )
    return keys


# -- building the specification from rows


@dataclass
class _Reader:
    """Turns cell values into model values, recording problems by sheet and row."""

    problems: list[Problem]
    sheet: str
    row: int

    def fail(self, code: str, message: str, item_id: str | None = None, field_name: str | None = None) -> None:
        self.problems.append(Problem(code, message, item_id=item_id, field=field_name, sheet=self.sheet, row=self.row))

    def string(self, value: Any) -> str:
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value)

    def optional(self, value: Any) -> str | None:
        return self.string(value) or None


def _build_spec(
    about: dict[str, str],
    requirement_rows: _Sheet,
    chapter_rows: _Sheet,
    criterion_rows: _Sheet,
    current: Specification,
    problems: list[Problem],
) -> Specification:
    known = _KnownIds(
        {c.id for c in current.criteria}, {c.id for c in current.chapters}, {r.id for r in current.requirements}
    )
    criteria = [_criterion(r, v, known, criterion_rows.name, problems) for r, v in criterion_rows.rows]
    chapters = [_chapter(r, v, known, chapter_rows.name, problems) for r, v in chapter_rows.rows]
    names = {c.name.strip().casefold(): c.id for c in criteria if c}
    requirements = [_requirement(r, v, known, names, requirement_rows.name, problems) for r, v in requirement_rows.rows]
    spec = Specification(
        title=about.get("Kravspesifikasjon", ""),
        criteria=tuple(c for c in criteria if c),
        chapters=tuple(c for c in chapters if c),
        requirements=tuple(r for r in requirements if r),
    )
    rows = {
        "criterion": ([r for (r, _), c in zip(criterion_rows.rows, criteria) if c], criterion_rows.name),
        "chapter": ([r for (r, _), c in zip(chapter_rows.rows, chapters) if c], chapter_rows.name),
        "requirement": ([r for (r, _), q in zip(requirement_rows.rows, requirements) if q], requirement_rows.name),
    }
    for problem in validate_spec(spec):
        if problem.section in rows and problem.index is not None:
            row_list, sheet = rows[problem.section]
            problems.append(_at(problem, sheet, row_list[problem.index]))
        else:
            problems.append(_at(problem, ABOUT_SHEET, None))
    return spec


def _at(problem: Problem, sheet: str, row: int | None) -> Problem:
    return Problem(
        problem.code,
        problem.message,
        section=problem.section,
        index=problem.index,
        item_id=problem.item_id,
        field=problem.field,
        sheet=sheet,
        row=row,
    )


@dataclass(frozen=True)
class _KnownIds:
    """The ids of the current specification: the only ones a workbook may use."""

    criteria: set[str]
    chapters: set[str]
    requirements: set[str]


def _known_id(reader: _Reader, item_id: str, known: set[str], noun: str) -> bool:
    if not item_id:
        reader.fail(
            "missing_id",
            f"Raden mangler {noun}-ID. Nye {noun}er legges inn i løsningen, ikke i regnearket.",
            field_name="id",
        )
        return False
    if item_id not in known:
        reader.fail(
            "unknown_id",
            f"{noun.capitalize()}-ID «{item_id}» finnes ikke i gjeldende kravspesifikasjon. "
            "ID-er kan ikke endres eller legges til i regnearket.",
            item_id=item_id,
            field_name="id",
        )
        return False
    return True


def _criterion(
    row: int, values: dict[str, Any], known: _KnownIds, sheet: str, problems: list[Problem]
) -> Criterion | None:
    reader = _Reader(problems, sheet, row)
    item_id = reader.string(values.get("id")).strip()
    if not _known_id(reader, item_id, known.criteria, "kriterium"):
        return None
    return Criterion(item_id, reader.string(values.get("name")))


def _chapter(row: int, values: dict[str, Any], known: _KnownIds, sheet: str, problems: list[Problem]) -> Chapter | None:
    reader = _Reader(problems, sheet, row)
    item_id = reader.string(values.get("id")).strip()
    if not _known_id(reader, item_id, known.chapters, "kapittel"):
        return None
    return Chapter(
        item_id,
        reader.string(values.get("number")),
        reader.string(values.get("title")),
        reader.string(values.get("description")),
    )


def _requirement(
    row: int,
    values: dict[str, Any],
    known: _KnownIds,
    criterion_names: dict[str, str],
    sheet: str,
    problems: list[Problem],
) -> Requirement | None:
    reader = _Reader(problems, sheet, row)
    item_id = reader.string(values.get("id")).strip()
    if not _known_id(reader, item_id, known.requirements, "krav"):
        return None
    before = len(problems)
    kind = _enum_by_label(reader, values.get("kind"), Kind, "kravtype", item_id, "kind")
    answer_form = _enum_by_label(reader, values.get("answer_form"), AnswerForm, "svarform", item_id, "answer_form")
    weight = _weight(reader, values.get("weight"), item_id)
    criterion = _criterion_id(reader, values.get("criterion"), criterion_names, item_id)
    if kind is None or answer_form is None or len(problems) > before:
        return None
    return Requirement(
        id=item_id,
        number=reader.string(values.get("number")),
        chapter=reader.string(values.get("chapter_id")).strip(),
        kind=kind,
        text=reader.string(values.get("text")),
        answer_form=answer_form,
        unit=reader.optional(values.get("unit")),
        criterion=criterion,
        weight=weight,
        documentation=reader.string(values.get("documentation")),
        source=reader.string(values.get("source")),
        municipalities=_municipalities(reader.string(values.get("municipalities"))),
    )


def _enum_by_label(reader: _Reader, value: Any, enum_type: Any, noun: str, item_id: str, field_name: str) -> Any:
    text = reader.string(value).strip().casefold()
    for member in enum_type:
        if text in (member.label.casefold(), member.value):
            return member
    valid = ", ".join(m.label for m in enum_type)
    reader.fail(
        f"unknown_{field_name}",
        f"Ukjent {noun} «{reader.string(value)}» for krav «{item_id}»; gyldige er {valid}.",
        item_id,
        field_name,
    )
    return None


_NUMBER = re.compile(r"\s*[0-9]+(?:[.,][0-9]+)?\s*")


def _weight(reader: _Reader, value: Any, item_id: str) -> Decimal | None:
    """The weight in a cell; None when empty or when it is not a number (then reported)."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        value = str(value)
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        # repr gives the shortest decimal that reads back as the same float: 2.5, not 2.4999…
        return Decimal(repr(value))
    if isinstance(value, str) and _NUMBER.fullmatch(value):
        try:
            return Decimal(value.strip().replace(",", "."))
        except InvalidOperation:  # pragma: no cover - the pattern admits only digits
            pass
    reader.fail(
        "weight_not_a_number", f"Vekten til krav «{item_id}» må være et tall, ikke «{value}».", item_id, "weight"
    )
    return None


def _criterion_id(reader: _Reader, value: Any, names: dict[str, str], item_id: str) -> str | None:
    """The criterion id for a name (or id) in a cell; None when empty or unknown (then reported)."""
    text = reader.string(value).strip()
    if not text:
        return None
    found = names.get(text.casefold()) or (text if text in names.values() else None)
    if found is None:
        reader.fail(
            "unknown_criterion",
            f"Tildelingskriteriet «{text}» for krav «{item_id}» finnes ikke på arket «{CRITERIA_SHEET}».",
            item_id,
            "criterion",
        )
    return found


def _municipalities(text: str) -> tuple[str, ...]:
    if text.strip().casefold() in ("", ALL_MUNICIPALITIES.casefold()):
        return ()
    return tuple(part for part in re.split(r"[\s,;]+", text.strip()) if part)


__all__ = [
    "ABOUT_SHEET",
    "CHAPTERS_SHEET",
    "CRITERIA_SHEET",
    "FORM_FORMAT",
    "HEADER_ROW",
    "REQUIREMENTS_SHEET",
    "REQUIREMENT_COLUMNS",
    "ImportResult",
    "export_answer_form",
    "import_spec_workbook",
]


# --------------------------------------------------------------------------- a vendor's filled-in answer form


@dataclass(frozen=True)
class VendorAnswer:
    """One requirement's answer read from a vendor's filled-in answer form (row as Excel shows it)."""

    requirement_id: str
    row: int
    fulfilled: str  #: Ja/Nei/Delvis for those answer forms, else the text or number from «Svar»
    description: str
    reference: str
    delivery: str
    deviation: str


def read_vendor_answers(
    stream: IO[bytes] | bytes, spec: Specification, *, max_rows: int = MAX_ROWS
) -> tuple[VendorAnswer, ...]:
    """Read the answers from a vendor's filled-in answer form for the published ``spec``.

    Only the yellow answer columns are read; the requirement columns are the published ones whatever the
    file says. Raises :class:`SpecFileError` listing every problem by row: not our form, another version,
    unknown requirement ids, answers outside the answer form, numbers that are not numbers, formulas.
    """
    data = read_upload(stream)
    problems: list[Problem] = []
    with open_workbook(data, max_rows=max_rows) as workbook:
        names = list(workbook.sheetnames)
        for name in (REQUIREMENTS_SHEET, ABOUT_SHEET):
            if name not in names:
                problems.append(
                    Problem(
                        "missing_sheet",
                        f"Arket «{name}» mangler. Bruk svarskjemaet lastet ned "
                        f"fra løsningen (fant: {', '.join(names)}).",
                        sheet=name,
                    )
                )
        if problems:
            raise SpecFileError(problems)
        about = _read_about(workbook[ABOUT_SHEET], max_rows, problems)
        table = _read_table(workbook[REQUIREMENTS_SHEET], REQUIREMENT_COLUMNS, max_rows, problems, find_header=True)
    if problems:
        raise SpecFileError(problems)
    if about.get("Innholds-hash") != compute_hash(spec):
        raise SpecFileError(
            [
                Problem(
                    "other_version",
                    "Svarskjemaet er laget for en annen versjon av "
                    "kravspesifikasjonen enn den kunngjorte. Last ned skjemaet på nytt.",
                    sheet=ABOUT_SHEET,
                )
            ]
        )
    by_id = {r.id: r for r in spec.requirements}
    seen: dict[str, int] = {}
    answers: list[VendorAnswer] = []
    for row, values in table.rows:
        rid = _text_value_of(values.get("id"))
        answer_values = {
            k: _text_value_of(values.get(k))
            for k in ("fulfilled", "answer", "description", "reference", "delivery", "deviation")
        }
        if not rid:
            if any(answer_values.values()):
                problems.append(
                    Problem("missing_id", "Raden har svar, men ingen Krav-ID.", sheet=REQUIREMENTS_SHEET, row=row)
                )
            continue
        req = by_id.get(rid)
        if req is None:
            problems.append(
                Problem(
                    "unknown_id",
                    f"Krav-ID «{rid}» finnes ikke i den kunngjorte kravspesifikasjonen.",
                    sheet=REQUIREMENTS_SHEET,
                    row=row,
                )
            )
            continue
        if rid in seen:
            problems.append(
                Problem("duplicate_id", f"{rid} står også på rad {seen[rid]}.", sheet=REQUIREMENTS_SHEET, row=row)
            )
            continue
        seen[rid] = row
        fulfilled = answer_values["fulfilled"] if req.answer_form.choices else answer_values["answer"]
        if req.answer_form.choices and fulfilled and fulfilled not in req.answer_form.choices:
            problems.append(
                Problem(
                    "bad_answer",
                    f"{rid}: «Oppfylt» må være {' / '.join(req.answer_form.choices)}, ikke «{fulfilled}».",
                    sheet=REQUIREMENTS_SHEET,
                    row=row,
                )
            )
            continue
        if req.answer_form is AnswerForm.TALL and fulfilled:
            try:
                number = Decimal(fulfilled.replace(",", ".").replace(" ", ""))
            except InvalidOperation:
                number = None
            if number is None or not number.is_finite():
                problems.append(
                    Problem(
                        "bad_number",
                        f"{rid}: svaret må være et tall, ikke «{fulfilled}».",
                        sheet=REQUIREMENTS_SHEET,
                        row=row,
                    )
                )
                continue
        if len(answer_values["reference"]) > 300:
            problems.append(
                Problem(
                    "too_long",
                    f"{rid}: dokumentasjonsreferansen kan ha høyst 300 tegn.",
                    sheet=REQUIREMENTS_SHEET,
                    row=row,
                )
            )
            continue
        answers.append(
            VendorAnswer(
                rid,
                row,
                fulfilled,
                answer_values["description"],
                answer_values["reference"],
                answer_values["delivery"],
                answer_values["deviation"],
            )
        )
    if problems:
        raise SpecFileError(problems)
    return tuple(answers)


def _text_value_of(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
