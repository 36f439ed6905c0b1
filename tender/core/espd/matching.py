"""An ESPD response against the tender: is it for this procurement, and what does it answer for each of the
tender's qualification requirements."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from tender.core.espd.model import Criterion, EspdError, EspdResponse, RequirementMatch
from tender.core.espd.taxonomy import identities


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


def _names(criterion: Criterion) -> frozenset[str]:
    # a response names its criterion twice, by type code and by UUID; either may be the one the tender used
    names: frozenset[str] = frozenset()
    for name in (criterion.type_code, criterion.id):
        if name:
            names |= identities(name)
    return names


def line_up(
    response: EspdResponse, requirements: Sequence[tuple[str, str | None]]
) -> tuple[RequirementMatch, ...]:
    """Each requirement ``(id, ESPD criterion type code or None)`` beside the response's criteria for it.

    A criterion matches by its type code or by its id, under any name the taxonomy gives it
    (``taxonomy.identities``): a requirement naming "CRITERION.EXCLUSION.CONVICTIONS.CORRUPTION" finds a 4.x
    response's "corruption" and the other way round, one naming the UUID finds both; a code the taxonomy does
    not know matches only itself (case and whitespace ignored). "missing": no such criterion in the response,
    or the criterion is there with no answer. "not_espd": the requirement names no ESPD criterion.
    """
    matches: list[RequirementMatch] = []
    for requirement_id, code in requirements:
        if not code or not code.strip():
            matches.append(RequirementMatch(requirement_id, None, "not_espd"))
            continue
        wanted = identities(code)
        criteria = tuple(c for c in response.criteria if wanted & _names(c))
        answered = any(c.answers for c in criteria)
        matches.append(
            RequirementMatch(requirement_id, code, "answered" if answered else "missing", criteria)
        )
    return tuple(matches)
