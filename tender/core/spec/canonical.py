"""The canonical form of a specification and its content hash: equal content, equal hash."""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from decimal import Decimal
from typing import Any

from tender.core.spec.model import Requirement, Specification

#: Bumped whenever the canonical form changes, so old and new hashes can never collide silently.
CANONICAL_VERSION = 1

_INLINE_SPACE = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_BLANK_LINES = re.compile(r"\n{3,}")


def normalise_line(value: str) -> str:
    """One-line text as it is compared and hashed: NFC, whitespace runs collapsed, trimmed."""
    return _INLINE_SPACE.sub(
        " ", unicodedata.normalize("NFC", value).replace("\r", " ").replace("\n", " ")
    ).strip()


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
