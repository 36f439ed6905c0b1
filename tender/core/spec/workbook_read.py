"""The lead's edited answer-form workbook read back into a specification, with its changes.

:func:`import_spec_workbook` reads a workbook exported by
:func:`tender.reports.spec_excel.export_answer_form` after a lead has edited it and returns the
changes against the current specification as a :class:`~tender.core.spec.diff.SpecDiff` for the UI
to accept or reject. Anything wrong raises :class:`~tender.core.spec.SpecFileError` listing every
problem by sheet and row; nothing is returned as a change then.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from tender.core.spec.canonical import content_hash as compute_hash
from tender.core.spec.diff import SpecDiff, diff_specs
from tender.core.spec.form_layout import (
    ABOUT_SHEET,
    ALL_MUNICIPALITIES,
    CHAPTER_COLUMNS,
    CHAPTERS_SHEET,
    CRITERIA_SHEET,
    CRITERION_COLUMNS,
    REQUIREMENT_COLUMNS,
    REQUIREMENTS_SHEET,
)
from tender.core.spec.form_read import Sheet, read_about, read_table
from tender.core.spec.model import (
    AnswerForm,
    Chapter,
    Criterion,
    Kind,
    Problem,
    Requirement,
    SpecFileError,
    Specification,
)
from tender.core.spec.rules import validate_spec
from tender.core.spec.workbook import MAX_ROWS, open_workbook, read_upload


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
        about = read_about(workbook[ABOUT_SHEET], max_rows, problems)
        requirement_rows = read_table(
            workbook[REQUIREMENTS_SHEET], REQUIREMENT_COLUMNS, max_rows, problems, find_header=True
        )
        chapter_rows = read_table(workbook[CHAPTERS_SHEET], CHAPTER_COLUMNS, max_rows, problems)
        criterion_rows = read_table(workbook[CRITERIA_SHEET], CRITERION_COLUMNS, max_rows, problems)
    if problems:
        raise SpecFileError(problems)
    spec = _build_spec(about, requirement_rows, chapter_rows, criterion_rows, current_spec, problems)
    if problems:
        raise SpecFileError(problems)
    base_hash = about.get("Innholds-hash")
    warnings = []
    if base_hash != compute_hash(current_spec):
        warnings.append(Problem("other_base_version", {}, sheet=ABOUT_SHEET))
    return ImportResult(spec, diff_specs(current_spec, spec), base_hash, tuple(warnings))


def _sheets_present(workbook: Any, problems: list[Problem]) -> None:
    names = list(workbook.sheetnames)
    for name in (REQUIREMENTS_SHEET, CHAPTERS_SHEET, CRITERIA_SHEET, ABOUT_SHEET):
        if name not in names:
            problems.append(
                Problem("missing_sheet", {"sheet": name, "found": tuple(names), "form": "spec"}, sheet=name)
            )


@dataclass
class _Reader:
    """Turns cell values into model values, recording problems by sheet and row."""

    problems: list[Problem]
    sheet: str
    row: int

    def fail(
        self, code: str, values: dict[str, Any], item_id: str | None = None, field_name: str | None = None
    ) -> None:
        self.problems.append(
            Problem(code, values, item_id=item_id, field=field_name, sheet=self.sheet, row=self.row)
        )

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
    requirement_rows: Sheet,
    chapter_rows: Sheet,
    criterion_rows: Sheet,
    current: Specification,
    problems: list[Problem],
) -> Specification:
    known = _KnownIds(
        {c.id for c in current.criteria},
        {c.id for c in current.chapters},
        {r.id for r in current.requirements},
    )
    criteria = [_criterion(r, v, known, criterion_rows.name, problems) for r, v in criterion_rows.rows]
    chapters = [_chapter(r, v, known, chapter_rows.name, problems) for r, v in chapter_rows.rows]
    names = {c.name.strip().casefold(): c.id for c in criteria if c}
    requirements = [
        _requirement(r, v, known, names, requirement_rows.name, problems) for r, v in requirement_rows.rows
    ]
    spec = Specification(
        title=about.get("Kravspesifikasjon", ""),
        criteria=tuple(c for c in criteria if c),
        chapters=tuple(c for c in chapters if c),
        requirements=tuple(r for r in requirements if r),
    )
    rows = {
        "criterion": (
            [r for (r, _), c in zip(criterion_rows.rows, criteria, strict=True) if c],
            criterion_rows.name,
        ),
        "chapter": (
            [r for (r, _), c in zip(chapter_rows.rows, chapters, strict=True) if c],
            chapter_rows.name,
        ),
        "requirement": (
            [r for (r, _), q in zip(requirement_rows.rows, requirements, strict=True) if q],
            requirement_rows.name,
        ),
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
        problem.values,
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


def _known_id(reader: _Reader, item_id: str, known: set[str], section: str) -> bool:
    # "in_workbook": the row of an edited workbook, where new items cannot be added
    if not item_id:
        reader.fail("missing_id", {"section": section, "in_workbook": True}, field_name="id")
        return False
    if item_id not in known:
        reader.fail(
            "unknown_id",
            {"section": section, "id": item_id, "in_workbook": True},
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
    if not _known_id(reader, item_id, known.criteria, "criterion"):
        return None
    return Criterion(item_id, reader.string(values.get("name")))


def _chapter(
    row: int, values: dict[str, Any], known: _KnownIds, sheet: str, problems: list[Problem]
) -> Chapter | None:
    reader = _Reader(problems, sheet, row)
    item_id = reader.string(values.get("id")).strip()
    if not _known_id(reader, item_id, known.chapters, "chapter"):
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
    if not _known_id(reader, item_id, known.requirements, "requirement"):
        return None
    before = len(problems)
    kind = _enum_by_label(reader, values.get("kind"), Kind, item_id, "kind")
    answer_form = _enum_by_label(reader, values.get("answer_form"), AnswerForm, item_id, "answer_form")
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


def _enum_by_label(reader: _Reader, value: Any, enum_type: Any, item_id: str, field_name: str) -> Any:
    text = reader.string(value).strip().casefold()
    for member in enum_type:
        if text in (member.label.casefold(), member.value):
            return member
    # the labels are the workbook's own cell values (the form's drop-down lists), so they are what to type
    valid = tuple(m.label for m in enum_type)
    reader.fail(
        f"unknown_{field_name}",
        {"value": reader.string(value), "id": item_id, "valid_labels": valid},
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
    reader.fail("weight_not_a_number", {"id": item_id, "value": value}, item_id, "weight")
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
            {"id": item_id, "criterion": text, "criteria_sheet": CRITERIA_SHEET},
            item_id,
            "criterion",
        )
    return found


def _municipalities(text: str) -> tuple[str, ...]:
    if text.strip().casefold() in ("", ALL_MUNICIPALITIES.casefold()):
        return ()
    return tuple(part for part in re.split(r"[\s,;]+", text.strip()) if part)


__all__ = ["ImportResult", "import_spec_workbook"]
