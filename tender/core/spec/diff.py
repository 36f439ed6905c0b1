"""What changed between two versions of a specification, by stable id, ready for a template.

Fields are compared in their canonical (normalised) form, so a diff is empty exactly when the two
versions have the same :func:`~tender.core.spec.content_hash`. Text fields carry a word-level diff:
a tuple of ``(op, words)`` with ``op`` one of ``"equal"``, ``"delete"``, ``"insert"``; joining the
``equal``+``delete`` parts gives the old text and ``equal``+``insert`` the new one.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import NamedTuple, TypeVar

from tender.core.spec import (
    Chapter,
    Criterion,
    Requirement,
    Specification,
    display_order,
    normalise_line,
    normalise_text,
    normalise_weight,
)

#: Norwegian field labels for the UI.
FIELD_LABELS = {
    "title": "Tittel",
    "name": "Navn",
    "number": "Nummer",
    "description": "Beskrivelse",
    "kind": "Kravtype",
    "text": "Kravtekst",
    "answer_form": "Svarform",
    "unit": "Enhet",
    "criterion": "Tildelingskriterium",
    "weight": "Vekt",
    "documentation": "Dokumentasjon",
    "source": "Kilde",
    "municipalities": "Gjelder kommuner",
}
_WORD_DIFF_FIELDS = {"title", "name", "description", "text", "documentation", "source"}
# words, runs of punctuation and runs of whitespace are separate tokens, so "krav." -> "krav," is one token
_TOKEN = re.compile(r"\w+|[^\w\s]+|\s+")


class WordOp(NamedTuple):
    """One run of a word diff: ``op`` is "equal", "delete" or "insert"; ``words`` the text of the run."""

    op: str
    words: str


@dataclass(frozen=True)
class FieldChange:
    """One field with its old and new display value (None when absent)."""

    field: str
    old: str | None
    new: str | None
    words: tuple[WordOp, ...] = ()

    @property
    def label(self) -> str:
        """The Norwegian name of the field."""
        return FIELD_LABELS.get(self.field, self.field)


@dataclass(frozen=True)
class ItemChange:
    """A criterion, chapter or requirement present in both versions whose fields differ."""

    id: str
    changes: tuple[FieldChange, ...]

    def field(self, name: str) -> FieldChange | None:
        """The change to field ``name``, or None if it did not change."""
        return next((c for c in self.changes if c.field == name), None)


@dataclass(frozen=True)
class Move:
    """An item that changed place: to another chapter, or out of order within its chapter.

    Positions are 1-based, within the chapter (requirements) or among the chapters.
    """

    id: str
    old_chapter: str | None
    new_chapter: str | None
    old_position: int
    new_position: int

    @property
    def changed_chapter(self) -> bool:
        """True when the requirement went to another chapter."""
        return self.old_chapter != self.new_chapter


@dataclass(frozen=True)
class SpecDiff:
    """Every difference between an old and a new version of a specification."""

    title: FieldChange | None
    criteria_added: tuple[Criterion, ...]
    criteria_removed: tuple[Criterion, ...]
    criteria_changed: tuple[ItemChange, ...]
    chapters_added: tuple[Chapter, ...]
    chapters_removed: tuple[Chapter, ...]
    chapters_changed: tuple[ItemChange, ...]
    chapters_moved: tuple[Move, ...]
    added: tuple[Requirement, ...]
    removed: tuple[Requirement, ...]
    changed: tuple[ItemChange, ...]
    moved: tuple[Move, ...]

    @property
    def is_empty(self) -> bool:
        """True when the two versions have the same content."""
        return not any(
            (
                self.title,
                self.criteria_added,
                self.criteria_removed,
                self.criteria_changed,
                self.chapters_added,
                self.chapters_removed,
                self.chapters_changed,
                self.chapters_moved,
                self.added,
                self.removed,
                self.changed,
                self.moved,
            )
        )

    def counts(self) -> tuple[tuple[str, int], ...]:
        """How many changes of each kind, in the order a summary names them: ("added", 2), ("changed", 1), …
        (worded for the lead by ``tender.web.spec_messages.diff_summary``)."""
        return (
            ("added", len(self.added)),
            ("removed", len(self.removed)),
            ("changed", len(self.changed)),
            ("moved", len(self.moved)),
            (
                "chapters",
                len(self.chapters_added)
                + len(self.chapters_removed)
                + len(self.chapters_changed)
                + len(self.chapters_moved),
            ),
            ("criteria", len(self.criteria_added) + len(self.criteria_removed) + len(self.criteria_changed)),
            ("title", 1 if self.title else 0),
        )


def word_diff(old: str, new: str) -> tuple[WordOp, ...]:
    """Word-level diff of two texts as runs of ``(op, words)``."""
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    # autojunk would treat frequent words ("og", "skal") as junk in long texts and give a ragged diff
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    runs: list[WordOp] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            _append(runs, "equal", "".join(a[i1:i2]))
        else:
            _append(runs, "delete", "".join(a[i1:i2]))
            _append(runs, "insert", "".join(b[j1:j2]))
    return tuple(runs)


def _append(runs: list[WordOp], op: str, words: str) -> None:
    if not words:
        return
    if runs and runs[-1].op == op:
        runs[-1] = WordOp(op, runs[-1].words + words)
    else:
        runs.append(WordOp(op, words))


# --------------------------------------------------------------------------- field values


def _criterion_fields(c: Criterion) -> dict[str, str | None]:
    return {"name": normalise_line(c.name)}


def _chapter_fields(c: Chapter) -> dict[str, str | None]:
    return {
        "number": normalise_line(c.number),
        "title": normalise_line(c.title),
        "description": normalise_text(c.description) or None,
    }


def _requirement_fields(r: Requirement) -> dict[str, str | None]:
    return {
        "number": normalise_line(r.number),
        "kind": r.kind.label,
        "text": normalise_text(r.text),
        "answer_form": r.answer_form.label,
        "unit": normalise_line(r.unit) if r.unit is not None else None,
        "criterion": r.criterion,
        "weight": normalise_weight(r.weight),
        "documentation": normalise_text(r.documentation) or None,
        "source": normalise_line(r.source) or None,
        "municipalities": ", ".join(sorted(set(r.municipalities))) or "Alle",
    }


def _field_changes(old: dict[str, str | None], new: dict[str, str | None]) -> tuple[FieldChange, ...]:
    changes = []
    for name, old_value in old.items():
        new_value = new[name]
        if old_value != new_value:
            words = word_diff(old_value or "", new_value or "") if name in _WORD_DIFF_FIELDS else ()
            changes.append(FieldChange(name, old_value, new_value, words))
    return tuple(changes)


_T = TypeVar("_T", Criterion, Chapter, Requirement)


def _compare(
    old: Sequence[_T], new: Sequence[_T], fields: Callable[[_T], dict[str, str | None]]
) -> tuple[tuple[_T, ...], tuple[_T, ...], tuple[ItemChange, ...]]:
    old_by_id = {item.id: item for item in old}
    new_ids = {item.id for item in new}
    added = tuple(item for item in new if item.id not in old_by_id)
    removed = tuple(item for item in old if item.id not in new_ids)
    changed = []
    for item in new:
        before = old_by_id.get(item.id)
        if before is not None:
            changes = _field_changes(fields(before), fields(item))
            if changes:
                changed.append(ItemChange(item.id, changes))
    return added, removed, tuple(changed)


def _out_of_order(old_ids: list[str], new_ids: list[str]) -> set[str]:
    """Ids (present in both lists) not in the longest run kept in the same relative order."""
    matcher = difflib.SequenceMatcher(None, old_ids, new_ids, autojunk=False)
    kept = {
        new_ids[j] for block in matcher.get_matching_blocks() for j in range(block.b, block.b + block.size)
    }
    return set(new_ids) - kept


def _positions(items: Sequence[Requirement]) -> dict[str, tuple[str, int]]:
    counters: dict[str, int] = {}
    positions = {}
    for item in items:
        counters[item.chapter] = counters.get(item.chapter, 0) + 1
        positions[item.id] = (item.chapter, counters[item.chapter])
    return positions


def _requirement_moves(old: Specification, new: Specification) -> tuple[Move, ...]:
    old_order, new_order = display_order(old), display_order(new)
    before, after = _positions(old_order), _positions(new_order)
    common = [r for r in new_order if r.id in before]
    moved: set[str] = {r.id for r in common if before[r.id][0] != r.chapter}
    for chapter in dict.fromkeys(r.chapter for r in common):
        stayed_new = [r.id for r in common if r.chapter == chapter and r.id not in moved]
        stayed = set(stayed_new)
        stayed_old = [r.id for r in old_order if r.id in stayed]
        moved |= _out_of_order(stayed_old, stayed_new)
    return tuple(
        Move(r.id, before[r.id][0], after[r.id][0], before[r.id][1], after[r.id][1])
        for r in common
        if r.id in moved
    )


def _chapter_moves(old: Specification, new: Specification) -> tuple[Move, ...]:
    old_ids = [c.id for c in old.chapters]
    new_ids = [c.id for c in new.chapters]
    old_set, new_set = set(old_ids), set(new_ids)
    common_new = [i for i in new_ids if i in old_set]
    common_old = [i for i in old_ids if i in new_set]
    moved = _out_of_order(common_old, common_new)
    return tuple(
        Move(i, None, None, old_ids.index(i) + 1, new_ids.index(i) + 1) for i in common_new if i in moved
    )


def diff_specs(old: Specification, new: Specification) -> SpecDiff:
    """Everything that differs from ``old`` to ``new``, matched by stable id."""
    criteria = _compare(old.criteria, new.criteria, _criterion_fields)
    chapters = _compare(old.chapters, new.chapters, _chapter_fields)
    requirements = _compare(display_order(old), display_order(new), _requirement_fields)
    old_title, new_title = normalise_line(old.title), normalise_line(new.title)
    title = (
        FieldChange("title", old_title, new_title, word_diff(old_title, new_title))
        if old_title != new_title
        else None
    )
    return SpecDiff(
        title=title,
        criteria_added=criteria[0],
        criteria_removed=criteria[1],
        criteria_changed=criteria[2],
        chapters_added=chapters[0],
        chapters_removed=chapters[1],
        chapters_changed=chapters[2],
        chapters_moved=_chapter_moves(old, new),
        added=requirements[0],
        removed=requirements[1],
        changed=requirements[2],
        moved=_requirement_moves(old, new),
    )


__all__ = [
    "FIELD_LABELS",
    "FieldChange",
    "ItemChange",
    "Move",
    "SpecDiff",
    "WordOp",
    "diff_specs",
    "word_diff",
]
