"""Who scores which award criterion.

The rule (issue 11): a criterion with an evaluator assigned to it or to one of its ancestors is scored by
those evaluators; a criterion with none is scored by every evaluator of the tender, so assigning one person
to one criterion never leaves the others without anyone to score them. An assigned person who is no longer
an evaluator does not count (else the criterion would silently have no one).
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
U = TypeVar("U", bound=Hashable)


@dataclass(frozen=True)
class Scorers(Generic[U]):
    #: who scores the criterion, in the order the evaluators were given
    who: tuple[U, ...]
    #: True when someone is assigned to it (or to an ancestor); False when every evaluator scores it
    assigned: bool


def scorers(
    parents: Mapping[K, K | None], assigned: Mapping[K, Collection[U]], evaluators: Sequence[U]
) -> dict[K, Scorers[U]]:
    """For every criterion in ``parents`` (criterion → its parent, None at the top), who scores it."""
    found: dict[K, Scorers[U]] = {}
    for key in parents:
        chosen: set[U] = set()
        node: K | None = key
        seen: set[K] = set()
        while node is not None and node not in seen:  # a cycle cannot come from a tree; guard anyway
            seen.add(node)
            chosen.update(assigned.get(node, ()))
            node = parents.get(node)
        who = tuple(e for e in evaluators if e in chosen)
        found[key] = Scorers(who, assigned=True) if who else Scorers(tuple(evaluators), assigned=False)
    return found
