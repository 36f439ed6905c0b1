"""Editing helpers: move requirements and chapters, renumber, hand out fresh ids."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace

from tender.core.spec.model import Chapter, Requirement, SpecError, Specification


def _require_requirement(spec: Specification, requirement_id: str) -> Requirement:
    requirement = spec.requirement(requirement_id)
    if requirement is None:
        raise SpecError("unknown_requirement", {"id": requirement_id})
    return requirement


def _require_chapter(spec: Specification, chapter_id: str) -> Chapter:
    chapter = spec.chapter(chapter_id)
    if chapter is None:
        raise SpecError("unknown_chapter", {"chapter": chapter_id})
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
            "position_out_of_range", {"position": position + 1, "places": len(siblings) + 1, "in": "chapter"}
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
        raise SpecError(
            "position_out_of_range", {"position": position + 1, "places": len(rest) + 1, "in": "chapters"}
        )
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
