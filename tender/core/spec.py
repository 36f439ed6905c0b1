"""The requirements specification (kravspesifikasjon): model, business rules, canonical form and hash.

Everything here is pure: loaders (TOML, Excel, the database) build a :class:`Specification`,
:func:`validate_spec` lists what is wrong with it, and :func:`content_hash` fingerprints its
content so the same specification has the same hash however it was loaded.

Ids are stable: never reused, never changed by reordering. Display numbers ("1.1") are content
and may change (:func:`renumber`).
"""

from __future__ import annotations

import enum
import hashlib
import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

#: Bumped whenever the canonical form changes, so old and new hashes can never collide silently.
CANONICAL_VERSION = 1

#: Ids go into URLs, spreadsheet cells and file names: keep them plain.
ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]{0,39}")
KOMMUNENUMMER_PATTERN = re.compile(r"[0-9]{4}")
#: Weights are typed by people; more decimals than this would not survive a spreadsheet round trip.
MAX_WEIGHT_DECIMALS = 4
MAX_WEIGHT = Decimal(1_000_000)
#: XML 1.0 (xlsx, PDF text) cannot carry these; a stray one would otherwise break every export.
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


class Kind(enum.Enum):
    """What a requirement is: knock-out, scored or for information."""

    MINSTEKRAV = "minstekrav"
    EVALUERINGSKRAV = "evalueringskrav"
    INFORMASJON = "informasjon"

    @property
    def label(self) -> str:
        """The Norwegian word shown in the UI and in documents."""
        return _KIND_LABELS[self]


_KIND_LABELS = {
    Kind.MINSTEKRAV: "Minstekrav",
    Kind.EVALUERINGSKRAV: "Evalueringskrav",
    Kind.INFORMASJON: "Informasjon",
}


class AnswerForm(enum.Enum):
    """How the vendor answers a requirement."""

    JA_NEI = "ja_nei"
    JA_NEI_DELVIS = "ja_nei_delvis"
    FRITEKST = "fritekst"
    TALL = "tall"

    @property
    def label(self) -> str:
        """The Norwegian label shown in the UI and in documents."""
        return _ANSWER_FORM_LABELS[self]

    @property
    def choices(self) -> tuple[str, ...]:
        """The fixed answers a vendor may pick; empty for free text and numbers."""
        return _ANSWER_CHOICES[self]


_ANSWER_FORM_LABELS = {
    AnswerForm.JA_NEI: "Ja/Nei",
    AnswerForm.JA_NEI_DELVIS: "Ja/Nei/Delvis",
    AnswerForm.FRITEKST: "Fritekst",
    AnswerForm.TALL: "Tall",
}
_ANSWER_CHOICES: dict[AnswerForm, tuple[str, ...]] = {
    AnswerForm.JA_NEI: ("Ja", "Nei"),
    AnswerForm.JA_NEI_DELVIS: ("Ja", "Nei", "Delvis"),
    AnswerForm.FRITEKST: (),
    AnswerForm.TALL: (),
}


@dataclass(frozen=True)
class Criterion:
    """An award criterion (tildelingskriterium) that evaluation requirements are scored under."""

    id: str
    name: str


@dataclass(frozen=True)
class Chapter:
    """A chapter (kravgruppe) of the specification."""

    id: str
    number: str
    title: str
    description: str = ""


@dataclass(frozen=True)
class Requirement:
    """One requirement. ``criterion`` and ``weight`` belong to evaluation requirements only."""

    id: str
    number: str
    chapter: str
    kind: Kind
    text: str
    answer_form: AnswerForm
    unit: str | None = None
    criterion: str | None = None
    weight: Decimal | None = None
    documentation: str = ""
    source: str = ""
    #: kommunenummer; empty means every participating municipality
    municipalities: tuple[str, ...] = ()


@dataclass(frozen=True)
class Specification:
    """A whole specification. Order of ``requirements`` within a chapter is display order."""

    title: str
    criteria: tuple[Criterion, ...] = ()
    chapters: tuple[Chapter, ...] = ()
    requirements: tuple[Requirement, ...] = ()

    def chapter(self, chapter_id: str) -> Chapter | None:
        """The chapter with this id, or None."""
        return next((c for c in self.chapters if c.id == chapter_id), None)

    def criterion(self, criterion_id: str) -> Criterion | None:
        """The criterion with this id, or None."""
        return next((c for c in self.criteria if c.id == criterion_id), None)

    def requirement(self, requirement_id: str) -> Requirement | None:
        """The requirement with this id, or None."""
        return next((r for r in self.requirements if r.id == requirement_id), None)

    def requirements_in(self, chapter_id: str) -> tuple[Requirement, ...]:
        """The requirements of one chapter in display order."""
        return tuple(r for r in self.requirements if r.chapter == chapter_id)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a specification or an input file, located as precisely as the input allows.

    ``code`` is stable English for programs and tests; ``message`` is Norwegian for the lead.
    ``section``/``index`` locate the item in the specification (``index`` is its 0-based position in
    ``criteria``/``chapters``/``requirements``) so loaders can add a ``line`` or ``row``.
    """

    code: str
    message: str
    section: str | None = None  #: "criterion" | "chapter" | "requirement" | None for the whole file
    index: int | None = None
    item_id: str | None = None
    field: str | None = None
    line: int | None = None  #: line in a text file (1-based)
    row: int | None = None  #: row in a spreadsheet (1-based, as Excel shows it)
    sheet: str | None = None

    def __str__(self) -> str:
        where = []
        if self.sheet is not None:
            where.append(f"ark «{self.sheet}»")
        if self.line is not None:
            where.append(f"linje {self.line}")
        if self.row is not None:
            where.append(f"rad {self.row}")
        return f"{', '.join(where)}: {self.message}" if where else self.message


class SpecFileError(Exception):
    """An input could not be turned into a valid specification; ``problems`` lists every reason."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class SpecError(ValueError):
    """A helper was asked to do something impossible (unknown id, position out of range)."""

    def __init__(self, code: str, message: str) -> None:
        self.code = code
        self.message = message
        super().__init__(message)


# --------------------------------------------------------------------------- business rules

_MakeProblem = Callable[[str, str, str], Problem]

_SECTION_NAMES = {"criterion": "kriterium", "chapter": "kapittel", "requirement": "krav"}


def validate_spec(spec: Specification) -> list[Problem]:
    """Every business-rule problem in ``spec``, in document order; empty when it is valid."""
    problems: list[Problem] = []
    if not spec.title.strip():
        problems.append(Problem("missing_title", "Kravspesifikasjonen mangler tittel.", field="title"))
    problems += _check_text_fields(None, None, None, {"title": spec.title})
    problems += _check_ids("criterion", [c.id for c in spec.criteria])
    problems += _check_ids("chapter", [c.id for c in spec.chapters])
    problems += _check_ids("requirement", [r.id for r in spec.requirements])
    for index, criterion in enumerate(spec.criteria):
        problems += _check_criterion(index, criterion)
    for index, chapter in enumerate(spec.chapters):
        problems += _check_chapter(index, chapter)
    problems += _check_duplicate_numbers("chapter", [c.number for c in spec.chapters], [c.id for c in spec.chapters])
    problems += _check_duplicate_numbers(
        "requirement", [r.number for r in spec.requirements], [r.id for r in spec.requirements]
    )
    chapter_ids = {c.id for c in spec.chapters}
    criterion_ids = {c.id for c in spec.criteria}
    for index, requirement in enumerate(spec.requirements):
        problems += _check_requirement(index, requirement, chapter_ids, criterion_ids)
    return problems


def _problem(code: str, message: str, section: str, index: int | None, item_id: str | None, field: str) -> Problem:
    return Problem(code, message, section=section, index=index, item_id=item_id, field=field)


def _check_ids(section: str, ids: list[str]) -> list[Problem]:
    problems = []
    first_seen: dict[str, int] = {}
    noun = _SECTION_NAMES[section]
    for index, item_id in enumerate(ids):
        if not item_id:
            problems.append(_problem("missing_id", f"Et {noun} mangler id.", section, index, None, "id"))
        elif not ID_PATTERN.fullmatch(item_id):
            problems.append(
                _problem(
                    "invalid_id",
                    f"Ugyldig id «{item_id}»: bruk bare bokstaver a–z, sifre, punktum, bindestrek og "
                    "understrek (høyst 40 tegn).",
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
                    f"Id-en «{item_id}» er brukt før (på {noun} nr. {first_seen[item_id] + 1}); "
                    "hver id skal være unik.",
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
    for index, (number, item_id) in enumerate(zip(numbers, ids)):
        key = normalise_line(number)
        if not key:
            continue
        if key in first:
            problems.append(
                _problem(
                    "duplicate_number",
                    f"Nummeret «{number}» er brukt før (av {first[key]}).",
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
                    "Teksten inneholder et usynlig kontrolltegn som ikke kan lagres i Excel eller PDF; fjern det.",
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
                "missing_name", f"Kriteriet «{criterion.id}» mangler navn.", "criterion", index, criterion.id, "name"
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
                "missing_number", f"Kapittel «{chapter.id}» mangler nummer.", "chapter", index, chapter.id, "number"
            )
        )
    if not chapter.title.strip():
        problems.append(
            _problem("missing_title", f"Kapittel «{chapter.id}» mangler tittel.", "chapter", index, chapter.id, "title")
        )
    return problems


def _check_requirement(index: int, req: Requirement, chapter_ids: set[str], criterion_ids: set[str]) -> list[Problem]:
    def problem(code: str, message: str, field_name: str) -> Problem:
        return _problem(code, message, "requirement", index, req.id, field_name)

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
        problems.append(problem("missing_number", f"Krav «{req.id}» mangler nummer.", "number"))
    if not req.text.strip():
        problems.append(problem("missing_text", f"Krav «{req.id}» mangler kravtekst.", "text"))
    if req.chapter not in chapter_ids:
        problems.append(
            problem(
                "unknown_chapter", f"Krav «{req.id}» viser til kapittelet «{req.chapter}», som ikke finnes.", "chapter"
            )
        )
    problems += _check_unit(req, problem)
    problems += _check_scoring(req, criterion_ids, problem)
    problems += _check_municipalities(req, problem)
    return problems


def _check_unit(req: Requirement, problem: _MakeProblem) -> list[Problem]:
    has_unit = bool(req.unit and req.unit.strip())
    if req.answer_form is AnswerForm.TALL and not has_unit:
        return [problem("missing_unit", f"Krav «{req.id}» har svarform «Tall» og må ha en enhet (unit).", "unit")]
    if req.answer_form is not AnswerForm.TALL and req.unit is not None:
        return [
            problem(
                "unit_not_allowed",
                f"Krav «{req.id}» har enhet, men enhet brukes bare med svarform «Tall» "
                f"(her «{req.answer_form.label}»).",
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
                    f"Evalueringskrav «{req.id}» må knyttes til et tildelingskriterium.",
                    "criterion",
                )
            )
        elif req.criterion not in criterion_ids:
            problems.append(
                problem(
                    "unknown_criterion",
                    f"Krav «{req.id}» viser til tildelingskriteriet «{req.criterion}», som ikke finnes.",
                    "criterion",
                )
            )
        if req.weight is None:
            problems.append(problem("missing_weight", f"Evalueringskrav «{req.id}» må ha en vekt.", "weight"))
        else:
            problems += _check_weight(req, problem)
    else:
        if req.criterion is not None:
            problems.append(
                problem(
                    "criterion_not_allowed",
                    f"Krav «{req.id}» er «{req.kind.label}»; bare evalueringskrav har tildelingskriterium.",
                    "criterion",
                )
            )
        if req.weight is not None:
            problems.append(
                problem(
                    "weight_not_allowed",
                    f"Krav «{req.id}» er «{req.kind.label}»; bare evalueringskrav har vekt.",
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
                "weight_not_positive", f"Vekten til krav «{req.id}» må være et positivt tall (er {weight}).", "weight"
            )
        ]
    if weight > MAX_WEIGHT:
        return [problem("weight_too_large", f"Vekten til krav «{req.id}» er urimelig stor ({weight}).", "weight")]
    exponent = weight.normalize().as_tuple().exponent
    assert isinstance(exponent, int)
    if -exponent > MAX_WEIGHT_DECIMALS:
        return [
            problem(
                "weight_too_precise",
                f"Vekten til krav «{req.id}» har flere enn {MAX_WEIGHT_DECIMALS} desimaler ({weight}).",
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
                    f'Krav «{req.id}»: «{number}» er ikke et kommunenummer (fire sifre, f.eks. "4001").',
                    "municipalities",
                )
            )
        elif number in seen:
            problems.append(
                problem(
                    "duplicate_municipality",
                    f"Krav «{req.id}»: kommunenummer {number} står to ganger.",
                    "municipalities",
                )
            )
        seen.add(number)
    return problems


# --------------------------------------------------------------------------- canonical form and hash

_INLINE_SPACE = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_BLANK_LINES = re.compile(r"\n{3,}")


def normalise_line(value: str) -> str:
    """One-line text as it is compared and hashed: NFC, whitespace runs collapsed, trimmed."""
    return _INLINE_SPACE.sub(" ", unicodedata.normalize("NFC", value).replace("\r", " ").replace("\n", " ")).strip()


def normalise_text(value: str) -> str:
    """Multi-line text as it is compared and hashed.

    NFC; CRLF/CR become LF; spaces collapsed and trimmed on every line; runs of blank lines become
    one (a paragraph break); no leading or trailing blank lines. So re-wrapping a file, an editor
    that strips trailing spaces or Excel's CRLF never changes the hash, while any visible change does.
    """
    text = unicodedata.normalize("NFC", value).replace("\r\n", "\n").replace("\r", "\n")
    lines = [_INLINE_SPACE.sub(" ", line).strip() for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip("\n")


def normalise_weight(weight: Decimal | None) -> str | None:
    """A weight as a plain decimal string, so 5, 5.0 and 5.00 are the same weight."""
    if weight is None:
        return None
    if not weight.is_finite():
        return str(weight)
    normal = weight.normalize()
    return format(normal, "f") if normal != 0 else "0"


def display_order(spec: Specification) -> tuple[Requirement, ...]:
    """Requirements as a reader sees them: chapter by chapter, file order inside a chapter.

    Requirements whose chapter does not exist come last, in file order.
    """
    by_chapter: dict[str, list[Requirement]] = {c.id: [] for c in spec.chapters}
    orphans: list[Requirement] = []
    for requirement in spec.requirements:
        by_chapter.get(requirement.chapter, orphans).append(requirement)
    ordered = [r for c in spec.chapters for r in by_chapter[c.id]]
    # a duplicated chapter id lists its requirements once, not once per duplicate
    seen: set[int] = set()
    unique = []
    for requirement in ordered + orphans:
        if id(requirement) not in seen:
            seen.add(id(requirement))
            unique.append(requirement)
    return tuple(unique)


def canonical_form(spec: Specification) -> dict[str, Any]:
    """The content of ``spec`` as plain data: what the hash is computed over.

    Order-preserving (chapters in order, requirements in display order), text normalised,
    weights as normalised decimal strings, municipality lists sorted (their order carries no meaning),
    empty optional values as None.
    """
    return {
        "canonical": CANONICAL_VERSION,
        "title": normalise_line(spec.title),
        "criteria": [{"id": c.id, "name": normalise_line(c.name)} for c in spec.criteria],
        "chapters": [
            {
                "id": c.id,
                "number": normalise_line(c.number),
                "title": normalise_line(c.title),
                "description": normalise_text(c.description) or None,
            }
            for c in spec.chapters
        ],
        "requirements": [_canonical_requirement(r) for r in display_order(spec)],
    }


def _canonical_requirement(req: Requirement) -> dict[str, Any]:
    return {
        "id": req.id,
        "number": normalise_line(req.number),
        "chapter": req.chapter,
        "kind": req.kind.value,
        "text": normalise_text(req.text),
        "answer_form": req.answer_form.value,
        "unit": normalise_line(req.unit) if req.unit is not None else None,
        "criterion": req.criterion,
        "weight": normalise_weight(req.weight),
        "documentation": normalise_text(req.documentation) or None,
        "source": normalise_line(req.source) or None,
        "municipalities": sorted(set(req.municipalities)),
    }


def canonical_json(spec: Specification) -> str:
    """The canonical form serialised deterministically (sorted keys, no spaces, UTF-8 text)."""
    return json.dumps(canonical_form(spec), ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def content_hash(spec: Specification) -> str:
    """SHA-256 (hex) of the canonical form: equal for equal content however ``spec`` was loaded."""
    return hashlib.sha256(canonical_json(spec).encode("utf-8")).hexdigest()


# --------------------------------------------------------------------------- editing helpers


def _require_requirement(spec: Specification, requirement_id: str) -> Requirement:
    requirement = spec.requirement(requirement_id)
    if requirement is None:
        raise SpecError("unknown_requirement", f"Kravet «{requirement_id}» finnes ikke.")
    return requirement


def _require_chapter(spec: Specification, chapter_id: str) -> Chapter:
    chapter = spec.chapter(chapter_id)
    if chapter is None:
        raise SpecError("unknown_chapter", f"Kapittelet «{chapter_id}» finnes ikke.")
    return chapter


def move_requirement(
    spec: Specification, requirement_id: str, *, chapter: str | None = None, position: int | None = None
) -> Specification:
    """Move a requirement to ``position`` (0-based) in ``chapter`` (default: its own); None = last.

    Ids and display numbers are left alone: call :func:`renumber` to renumber.
    """
    moving = _require_requirement(spec, requirement_id)
    target = chapter if chapter is not None else moving.chapter
    _require_chapter(spec, target)
    moved = replace(moving, chapter=target)
    rest = [r for r in spec.requirements if r.id != requirement_id]
    siblings = [i for i, r in enumerate(rest) if r.chapter == target]
    if position is None:
        position = len(siblings)
    if not 0 <= position <= len(siblings):
        raise SpecError(
            "position_out_of_range",
            f"Plass {position + 1} finnes ikke i kapittelet (det har {len(siblings) + 1} plasser).",
        )
    if position < len(siblings):
        insert_at = siblings[position]
    elif siblings:
        insert_at = siblings[-1] + 1
    else:
        insert_at = _first_index_after_chapter(spec, rest, target)
    rest.insert(insert_at, moved)
    return replace(spec, requirements=tuple(rest))


def _first_index_after_chapter(spec: Specification, rest: list[Requirement], target: str) -> int:
    """Where an empty chapter's first requirement goes: before the next chapter's requirements."""
    order = [c.id for c in spec.chapters]
    later = set(order[order.index(target) + 1 :])
    return next((i for i, r in enumerate(rest) if r.chapter in later), len(rest))


def move_chapter(spec: Specification, chapter_id: str, position: int) -> Specification:
    """Move a chapter to ``position`` (0-based) among the chapters; ids and numbers stay."""
    moving = _require_chapter(spec, chapter_id)
    rest = [c for c in spec.chapters if c.id != chapter_id]
    if not 0 <= position <= len(rest):
        raise SpecError("position_out_of_range", f"Plass {position + 1} finnes ikke (det er {len(rest) + 1} kapitler).")
    rest.insert(position, moving)
    return replace(spec, chapters=tuple(rest))


def renumber(spec: Specification) -> Specification:
    """Display numbers from the current order: chapters 1, 2, …; requirements 1.1, 1.2, …

    Ids never change. Requirements are stored chapter by chapter afterwards.
    """
    chapters = tuple(replace(c, number=str(n)) for n, c in enumerate(spec.chapters, start=1))
    numbers = {c.id: c.number for c in chapters}
    requirements: list[Requirement] = []
    for chapter in chapters:
        for n, requirement in enumerate(spec.requirements_in(chapter.id), start=1):
            requirements.append(replace(requirement, number=f"{numbers[chapter.id]}.{n}"))
    known = set(numbers)
    requirements += [r for r in spec.requirements if r.chapter not in known]
    return replace(spec, chapters=chapters, requirements=tuple(requirements))


def next_id(used_ids: Iterable[str], prefix: str = "R", width: int = 4) -> str:
    """The next id after every id ever used with this prefix ("R0041" after "R0040").

    Pass all ids ever allocated, deleted ones too, so a deleted id is never handed out again.
    Ids with another prefix are ignored; the number grows past ``width`` digits when needed.
    """
    pattern = re.compile(re.escape(prefix) + r"([0-9]+)")
    highest = 0
    for used in used_ids:
        match = pattern.fullmatch(used)
        if match:
            highest = max(highest, int(match.group(1)))
    return f"{prefix}{highest + 1:0{width}d}"


def allocate_ids(used_ids: Iterable[str], count: int, prefix: str = "R", width: int = 4) -> list[str]:
    """``count`` fresh ids in a row, none of them ever used before."""
    first = int(next_id(used_ids, prefix, width)[len(prefix) :])
    return [f"{prefix}{n:0{width}d}" for n in range(first, first + count)]


__all__ = [
    "CANONICAL_VERSION",
    "AnswerForm",
    "Chapter",
    "Criterion",
    "Kind",
    "Problem",
    "Requirement",
    "SpecError",
    "SpecFileError",
    "Specification",
    "allocate_ids",
    "canonical_form",
    "canonical_json",
    "content_hash",
    "display_order",
    "move_chapter",
    "move_requirement",
    "next_id",
    "normalise_line",
    "normalise_text",
    "normalise_weight",
    "renumber",
    "validate_spec",
]
