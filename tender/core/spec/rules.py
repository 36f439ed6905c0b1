"""The business rules of a specification: every problem found, in document order, as a code with its values
(worded for the lead by ``tender.web.spec_messages``)."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from tender.core.spec.canonical import normalise_line
from tender.core.spec.model import AnswerForm, Chapter, Criterion, Kind, Problem, Requirement, Specification

#: Ids go into URLs, spreadsheet cells and file names: keep them plain.
ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]{0,39}")
KOMMUNENUMMER_PATTERN = re.compile(r"[0-9]{4}")
#: Weights are typed by people; more decimals than this would not survive a spreadsheet round trip.
MAX_WEIGHT_DECIMALS = 4
MAX_WEIGHT = Decimal(1_000_000)
#: XML 1.0 (xlsx, PDF text) cannot carry these; a stray one would otherwise break every export.
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")

_MakeProblem = Callable[[str, dict[str, Any], str], Problem]


def validate_spec(spec: Specification) -> list[Problem]:
    """Every business-rule problem in ``spec``, in document order; empty when it is valid."""
    problems: list[Problem] = []
    if not spec.title.strip():
        problems.append(Problem("missing_title", {}, field="title"))
    problems += _check_text_fields(None, None, None, {"title": spec.title})
    problems += _check_ids("criterion", [c.id for c in spec.criteria])
    problems += _check_ids("chapter", [c.id for c in spec.chapters])
    problems += _check_ids("requirement", [r.id for r in spec.requirements])
    for index, criterion in enumerate(spec.criteria):
        problems += _check_criterion(index, criterion)
    for index, chapter in enumerate(spec.chapters):
        problems += _check_chapter(index, chapter)
    problems += _check_duplicate_numbers(
        "chapter", [c.number for c in spec.chapters], [c.id for c in spec.chapters]
    )
    problems += _check_duplicate_numbers(
        "requirement", [r.number for r in spec.requirements], [r.id for r in spec.requirements]
    )
    chapter_ids = {c.id for c in spec.chapters}
    criterion_ids = {c.id for c in spec.criteria}
    for index, requirement in enumerate(spec.requirements):
        problems += _check_requirement(index, requirement, chapter_ids, criterion_ids)
    return problems


def _problem(
    code: str, values: dict[str, Any], section: str, index: int | None, item_id: str | None, field: str
) -> Problem:
    return Problem(code, values, section=section, index=index, item_id=item_id, field=field)


def _check_ids(section: str, ids: list[str]) -> list[Problem]:
    problems = []
    first_seen: dict[str, int] = {}
    for index, item_id in enumerate(ids):
        if not item_id:
            problems.append(_problem("missing_id", {"section": section}, section, index, None, "id"))
        elif not ID_PATTERN.fullmatch(item_id):
            problems.append(
                _problem(
                    "invalid_id",
                    {"id": item_id},
                    section,
                    index,
                    item_id,
                    "id",
                )
            )
        elif item_id in first_seen:
            problems.append(
                _problem(
                    "duplicate_id",
                    {"section": section, "id": item_id, "first": first_seen[item_id] + 1},
                    section,
                    index,
                    item_id,
                    "id",
                )
            )
        else:
            first_seen[item_id] = index
    return problems


def _check_duplicate_numbers(section: str, numbers: list[str], ids: list[str]) -> list[Problem]:
    problems = []
    first: dict[str, str] = {}
    for index, (number, item_id) in enumerate(zip(numbers, ids, strict=True)):
        key = normalise_line(number)
        if not key:
            continue
        if key in first:
            problems.append(
                _problem(
                    "duplicate_number",
                    {"number": number, "first_id": first[key]},
                    section,
                    index,
                    item_id,
                    "number",
                )
            )
        else:
            first[key] = item_id
    return problems


def _check_text_fields(
    section: str | None, index: int | None, item_id: str | None, fields: dict[str, str]
) -> list[Problem]:
    problems = []
    for name, value in fields.items():
        if _CONTROL_CHARS.search(value):
            problems.append(
                Problem(
                    "control_character",
                    {},
                    section=section,
                    index=index,
                    item_id=item_id,
                    field=name,
                )
            )
    return problems


def _check_criterion(index: int, criterion: Criterion) -> list[Problem]:
    problems = _check_text_fields("criterion", index, criterion.id, {"name": criterion.name})
    if not criterion.name.strip():
        problems.append(
            _problem(
                "missing_name",
                {"id": criterion.id},
                "criterion",
                index,
                criterion.id,
                "name",
            )
        )
    return problems


def _check_chapter(index: int, chapter: Chapter) -> list[Problem]:
    problems = _check_text_fields(
        "chapter",
        index,
        chapter.id,
        {"number": chapter.number, "title": chapter.title, "description": chapter.description},
    )
    if not chapter.number.strip():
        problems.append(
            _problem(
                "missing_number",
                {"section": "chapter", "id": chapter.id},
                "chapter",
                index,
                chapter.id,
                "number",
            )
        )
    if not chapter.title.strip():
        problems.append(
            _problem(
                "missing_title",
                {"section": "chapter", "id": chapter.id},
                "chapter",
                index,
                chapter.id,
                "title",
            )
        )
    return problems


def _check_requirement(
    index: int, req: Requirement, chapter_ids: set[str], criterion_ids: set[str]
) -> list[Problem]:
    def problem(code: str, values: dict[str, Any], field_name: str) -> Problem:
        return _problem(code, {"id": req.id, **values}, "requirement", index, req.id, field_name)

    problems = _check_text_fields(
        "requirement",
        index,
        req.id,
        {
            "number": req.number,
            "text": req.text,
            "unit": req.unit or "",
            "documentation": req.documentation,
            "source": req.source,
        },
    )
    if not req.number.strip():
        problems.append(problem("missing_number", {"section": "requirement"}, "number"))
    if not req.text.strip():
        problems.append(problem("missing_text", {}, "text"))
    if req.chapter not in chapter_ids:
        problems.append(
            problem(
                "unknown_chapter",
                {"chapter": req.chapter},
                "chapter",
            )
        )
    problems += _check_unit(req, problem)
    problems += _check_scoring(req, criterion_ids, problem)
    problems += _check_municipalities(req, problem)
    return problems


def _check_unit(req: Requirement, problem: _MakeProblem) -> list[Problem]:
    has_unit = bool(req.unit and req.unit.strip())
    if req.answer_form is AnswerForm.TALL and not has_unit:
        return [problem("missing_unit", {}, "unit")]
    if req.answer_form is not AnswerForm.TALL and req.unit is not None:
        return [
            problem(
                "unit_not_allowed",
                {"answer_form": req.answer_form.value},
                "unit",
            )
        ]
    return []


def _check_scoring(req: Requirement, criterion_ids: set[str], problem: _MakeProblem) -> list[Problem]:
    problems = []
    if req.kind is Kind.EVALUERINGSKRAV:
        if req.criterion is None:
            problems.append(
                problem(
                    "missing_criterion",
                    {},
                    "criterion",
                )
            )
        elif req.criterion not in criterion_ids:
            problems.append(
                problem(
                    "unknown_criterion",
                    {"criterion": req.criterion},
                    "criterion",
                )
            )
        if req.weight is None:
            problems.append(problem("missing_weight", {}, "weight"))
        else:
            problems += _check_weight(req, problem)
    else:
        if req.criterion is not None:
            problems.append(
                problem(
                    "criterion_not_allowed",
                    {"kind": req.kind.value},
                    "criterion",
                )
            )
        if req.weight is not None:
            problems.append(
                problem(
                    "weight_not_allowed",
                    {"kind": req.kind.value},
                    "weight",
                )
            )
    return problems


def _check_weight(req: Requirement, problem: _MakeProblem) -> list[Problem]:
    weight = req.weight
    assert weight is not None
    if not weight.is_finite() or weight <= 0:
        return [
            problem(
                "weight_not_positive",
                {"weight": weight},
                "weight",
            )
        ]
    if weight > MAX_WEIGHT:
        return [problem("weight_too_large", {"weight": weight}, "weight")]
    exponent = weight.normalize().as_tuple().exponent
    assert isinstance(exponent, int)
    if -exponent > MAX_WEIGHT_DECIMALS:
        return [
            problem(
                "weight_too_precise",
                {"weight": weight, "max_decimals": MAX_WEIGHT_DECIMALS},
                "weight",
            )
        ]
    return []


def _check_municipalities(req: Requirement, problem: _MakeProblem) -> list[Problem]:
    problems = []
    seen: set[str] = set()
    for number in req.municipalities:
        if not KOMMUNENUMMER_PATTERN.fullmatch(number):
            problems.append(
                problem(
                    "invalid_municipality",
                    {"number": number},
                    "municipalities",
                )
            )
        elif number in seen:
            problems.append(
                problem(
                    "duplicate_municipality",
                    {"number": number},
                    "municipalities",
                )
            )
        seen.add(number)
    return problems
