"""Listeners told after the evaluation changed something a later step may have built on.

The award (a higher floor) registers here at import: a frozen recommendation whose snapshot no longer
matches the evaluation goes back to draft and its sign-offs lapse. The evaluation cannot import the award,
so it calls whoever registered, at the end of every change that can alter a result.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tender.tenders.models import Tender

#: called as ``listener(tender, actor)`` after a consensus score, a rejection or its undoing, or a tie-break
AFTER_CHANGE: list[Callable[[Tender, Any], None]] = []


def changed(tender: Tender, actor: Any) -> None:
    """Tell every listener that the evaluation of ``tender`` changed (within the same transaction)."""
    for listener in list(AFTER_CHANGE):
        listener(tender, actor)
