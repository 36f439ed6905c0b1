"""An ESPD response against the tender: is it for this procurement, and what does it answer for each of the
tender's qualification requirements."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from tender.core.espd.model import EspdError, EspdResponse, RequirementMatch


def _same_reference(text: str) -> str:
    # people and services write "2026/1234", " 2026/1234 " or "GRENLAND-2026/1234" vs "grenland-2026/1234"
    return "".join(unicodedata.normalize("NFKC", text).split()).casefold()


def check_procurement(response: EspdResponse, reference: str) -> None:
    """Refuse a response that names another procurement than ``reference`` (whitespace and case ignored)."""
    found = response.procurement.reference
    if not found or not _same_reference(found):
        raise EspdError("procurement_reference_missing", {"expected": reference})
    if _same_reference(found) != _same_reference(reference):
        raise EspdError("other_procurement", {"found": found, "expected": reference})


def _key(code: str) -> str:
    return code.strip().casefold()


def line_up(
    response: EspdResponse, requirements: Sequence[tuple[str, str | None]]
) -> tuple[RequirementMatch, ...]:
    """Each requirement ``(id, ESPD criterion type code or None)`` beside the response's criteria for it.

    A criterion matches by its type code or by its id (the criterion UUIDs of the EU taxonomy stay the same
    from v1 to 4.x, while the type codes changed in 3.0). "missing": no such criterion in the response, or
    the criterion is there with no answer. "not_espd": the requirement names no ESPD criterion.
    """
    matches: list[RequirementMatch] = []
    for requirement_id, code in requirements:
        if not code or not code.strip():
            matches.append(RequirementMatch(requirement_id, None, "not_espd"))
            continue
        wanted = _key(code)
        criteria = tuple(
            c
            for c in response.criteria
            if (c.type_code and _key(c.type_code) == wanted) or (c.id and _key(c.id) == wanted)
        )
        answered = any(c.answers for c in criteria)
        matches.append(
            RequirementMatch(requirement_id, code, "answered" if answered else "missing", criteria)
        )
    return tuple(matches)
