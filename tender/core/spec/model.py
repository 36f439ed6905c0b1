"""The requirements specification (kravspesifikasjon) as data: kinds, answer forms, items and errors.

Everything in this package is pure: loaders (TOML, Excel, the database) build a :class:`Specification`,
:func:`~tender.core.spec.rules.validate_spec` lists what is wrong with it, and
:func:`~tender.core.spec.canonical.content_hash` fingerprints its content so the same specification
has the same hash however it was loaded.

Ids are stable: never reused, never changed by reordering. Display numbers ("1.1") are content
and may change (:func:`~tender.core.spec.edit.renumber`).
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any


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

    ``code`` is stable English for programs and tests; ``values`` holds what the problem is about (ids,
    numbers, cell texts, names), never a sentence: the web layer words each code in Norwegian for the lead
    (``tender.web.spec_messages``). ``section``/``index`` locate the item in the specification (``index``
    is its 0-based position in ``criteria``/``chapters``/``requirements``) so loaders can add a ``line``
    or ``row``.
    """

    code: str
    values: Mapping[str, Any] = dataclasses.field(default_factory=dict, hash=False)
    section: str | None = None  #: "criterion" | "chapter" | "requirement" | None for the whole file
    index: int | None = None
    item_id: str | None = None
    field: str | None = None
    line: int | None = None  #: line in a text file (1-based)
    row: int | None = None  #: row in a spreadsheet (1-based, as Excel shows it)
    sheet: str | None = None

    def __str__(self) -> str:
        """A technical line for logs and tracebacks; people read ``tender.web.spec_messages.describe``."""
        where = []
        if self.sheet is not None:
            where.append(f"sheet {self.sheet!r}")
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.row is not None:
            where.append(f"row {self.row}")
        what = f"{self.code} {dict(self.values)}" if self.values else self.code
        return f"{', '.join(where)}: {what}" if where else what


class SpecFileError(Exception):
    """An input could not be turned into a valid specification; ``problems`` lists every reason."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class SpecError(ValueError):
    """A helper was asked to do something impossible (unknown id, position out of range).

    Like :class:`Problem`, it carries a ``code`` and its ``values``; the web layer words it.
    """

    def __init__(self, code: str, values: Mapping[str, Any] | None = None) -> None:
        self.code = code
        self.values: Mapping[str, Any] = dict(values or {})
        super().__init__(f"{code} {self.values}" if self.values else code)
