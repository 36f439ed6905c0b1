"""The disagreement rule of the consensus page: highest minus lowest individual score above the threshold."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from tender.core.consensus import disagree, disagreements

D = Decimal


def test_scores_further_apart_than_the_threshold_disagree() -> None:
    assert disagree([D(3), D(8)], D(2))
    assert disagree([D(5), D("7.5"), D(5)], D(2))


def test_scores_exactly_the_threshold_apart_still_agree() -> None:
    assert not disagree([D(3), D(5)], D(2))


def test_one_score_or_none_cannot_disagree() -> None:
    assert not disagree([D(10)], D(0))
    assert not disagree([], D(0))


def test_disagreements_names_only_the_pairs_that_disagree() -> None:
    scores = {(1, "arkiv"): [D(2), D(9)], (1, "sok"): [D(6), D(7)], (2, "arkiv"): []}
    assert disagreements(scores, D(2)) == {(1, "arkiv")}


@given(
    st.lists(st.decimals(min_value=0, max_value=10, places=1), min_size=1, max_size=6),
    st.decimals(min_value=0, max_value=10, places=1),
)
def test_the_order_of_the_evaluators_does_not_matter(scores: list[Decimal], threshold: Decimal) -> None:
    assert disagree(scores, threshold) == disagree(list(reversed(scores)), threshold)
    assert disagree(scores, threshold) == any(abs(a - b) > threshold for a in scores for b in scores)
