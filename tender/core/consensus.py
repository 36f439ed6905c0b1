"""The consensus rule on disagreement: which individual scores the consensus meeting should talk about.

The evaluators' individual scores for one bid on one criterion disagree when the highest and the lowest
lie more than the model's threshold apart (exactly the threshold is still agreement). One score, or none,
cannot disagree.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Mapping
from decimal import Decimal
from typing import TypeVar

K = TypeVar("K", bound=Hashable)


def disagree(scores: Collection[Decimal], threshold: Decimal) -> bool:
    """Whether these individual scores (of one bid on one criterion) lie more than ``threshold`` apart."""
    return bool(scores) and max(scores) - min(scores) > threshold


def disagreements(scores: Mapping[K, Collection[Decimal]], threshold: Decimal) -> set[K]:
    """The keys (bid and criterion, say) whose individual scores disagree."""
    return {key for key, found in scores.items() if disagree(found, threshold)}
