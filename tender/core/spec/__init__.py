"""The requirements specification (kravspesifikasjon): model, business rules, canonical form and hash.

One job per module: ``model`` (the data and its errors), ``rules`` (:func:`validate_spec`),
``canonical`` (canonical form and content hash), ``edit`` (moving, renumbering, ids), ``diff``
(comparing two versions), ``toml_format`` (the TOML file), ``workbook`` (safe reading of .xlsx
uploads) and ``samples`` (example specifications). The names of the first four are re-exported here.
"""

from __future__ import annotations

from tender.core.spec.canonical import (
    CANONICAL_VERSION,
    canonical_form,
    canonical_json,
    content_hash,
    display_order,
    normalise_line,
    normalise_text,
    normalise_weight,
)
from tender.core.spec.edit import allocate_ids, move_chapter, move_requirement, next_id, renumber
from tender.core.spec.model import (
    AnswerForm,
    Chapter,
    Criterion,
    Kind,
    Problem,
    Requirement,
    SpecError,
    SpecFileError,
    Specification,
)
from tender.core.spec.rules import validate_spec

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
