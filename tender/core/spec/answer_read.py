"""A vendor's filled-in answer form read back: the answers, checked against the published specification."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from tender.core.spec.canonical import content_hash as compute_hash
from tender.core.spec.form_layout import ABOUT_SHEET, REQUIREMENT_COLUMNS, REQUIREMENTS_SHEET
from tender.core.spec.form_read import read_about, read_table
from tender.core.spec.model import AnswerForm, Problem, SpecFileError, Specification
from tender.core.spec.workbook import MAX_ROWS, open_workbook, read_upload

#: the bid's documentation reference column holds at most this many characters
MAX_REFERENCE_CHARS = 300


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
                        "missing_sheet", {"sheet": name, "found": tuple(names), "form": "answers"}, sheet=name
                    )
                )
        if problems:
            raise SpecFileError(problems)
        about = read_about(workbook[ABOUT_SHEET], max_rows, problems)
        table = read_table(
            workbook[REQUIREMENTS_SHEET], REQUIREMENT_COLUMNS, max_rows, problems, find_header=True
        )
    if problems:
        raise SpecFileError(problems)
    if about.get("Innholds-hash") != compute_hash(spec):
        raise SpecFileError([Problem("other_version", {}, sheet=ABOUT_SHEET)])
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
                problems.append(Problem("missing_id", {"answered": True}, sheet=REQUIREMENTS_SHEET, row=row))
            continue
        req = by_id.get(rid)
        if req is None:
            problems.append(
                Problem("unknown_id", {"id": rid, "published": True}, sheet=REQUIREMENTS_SHEET, row=row)
            )
            continue
        if rid in seen:
            problems.append(
                Problem(
                    "duplicate_id", {"id": rid, "other_row": seen[rid]}, sheet=REQUIREMENTS_SHEET, row=row
                )
            )
            continue
        seen[rid] = row
        fulfilled = answer_values["fulfilled"] if req.answer_form.choices else answer_values["answer"]
        if req.answer_form.choices and fulfilled and fulfilled not in req.answer_form.choices:
            problems.append(
                Problem(
                    "bad_answer",
                    {"id": rid, "choices": req.answer_form.choices, "answer": fulfilled},
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
                    Problem("bad_number", {"id": rid, "answer": fulfilled}, sheet=REQUIREMENTS_SHEET, row=row)
                )
                continue
        if len(answer_values["reference"]) > MAX_REFERENCE_CHARS:
            problems.append(
                Problem(
                    "too_long",
                    {"id": rid, "field": "reference", "max_chars": MAX_REFERENCE_CHARS},
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


__all__ = ["VendorAnswer", "read_vendor_answers"]
