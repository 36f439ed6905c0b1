"""Properties of the prequalification ranking and selection that must hold for any requests."""

from __future__ import annotations

import random
from fractions import Fraction as F

from hypothesis import given, settings
from hypothesis import strategies as st

from tender.core.prequalification import (
    Ranking,
    Request,
    SelectionCriterion,
    check_invitation,
    rank_requests,
    selection_hash,
    selection_model,
)
from tender.core.scoring import ScoringModel


@st.composite
def models(draw: st.DrawFn) -> ScoringModel:
    n = draw(st.integers(1, 3))
    raw = draw(st.lists(st.integers(1, 50), min_size=n, max_size=n))
    weights = [F(100 * r, sum(raw)) for r in raw]
    return selection_model([SelectionCriterion(f"k{i}", f"Kriterium {i}", w) for i, w in enumerate(weights)])


@st.composite
def cases(
    draw: st.DrawFn, complete: bool = False, selecting: bool = False
) -> tuple[ScoringModel, list[Request], tuple[str, ...], int | None]:
    model = draw(models())
    n = draw(st.integers(2 if selecting else 0, 8))
    requests = []
    for i in range(n):
        # few score values, so that ties are common
        scores = {
            leaf.id: (None if not complete and draw(st.integers(0, 29)) == 0 else F(draw(st.integers(5, 7))))
            for leaf in model.leaves
        }
        qualified = complete or draw(st.integers(0, 5)) > 0
        excluded = not complete and draw(st.integers(0, 7)) == 0
        requests.append(Request(f"r{i}", f"Leverandør {i}", qualified, excluded, scores))
    ids = [r.id for r in requests]
    tie_break = tuple(draw(st.permutations(ids))[: draw(st.integers(0, n))])
    maximum = draw(st.integers(1, n - 1) if selecting else st.one_of(st.none(), st.integers(1, 8)))
    return model, requests, tie_break, maximum


def _shape(ranking: Ranking) -> object:
    return (
        [(r.request.id, r.rank, r.total, r.tied, r.within_maximum, r.points) for r in ranking.rows],
        sorted((u.request.id, u.reason) for u in ranking.unranked),
        ranking.ties,
        ranking.cutoff_tie,
        ranking.proposal(),
        sorted(p.code for p in ranking.blocking),
    )


@settings(max_examples=200, deadline=None)
@given(cases(), st.randoms(use_true_random=False))
def test_the_ranking_never_depends_on_the_order_the_requests_come_in(case, rnd: random.Random) -> None:
    model, requests, tie_break, maximum = case
    shuffled = list(requests)
    rnd.shuffle(shuffled)
    first = rank_requests(model, requests, tie_break, maximum)
    second = rank_requests(model, shuffled, tie_break, maximum)
    assert _shape(first) == _shape(second)
    invited = first.proposal() or ()
    assert selection_hash(first, invited) == selection_hash(second, invited)


@settings(max_examples=200, deadline=None)
@given(cases(complete=True), st.randoms(use_true_random=False))
def test_once_every_tie_is_decided_the_ranks_are_one_to_n_and_the_best_maximum_are_proposed(
    case, rnd: random.Random
) -> None:
    model, requests, _, maximum = case
    decided = tuple(r.id for r in requests)
    shuffled = list(requests)
    rnd.shuffle(shuffled)
    ranking = rank_requests(model, shuffled, decided, maximum)
    assert [r.rank for r in ranking.rows] == list(range(1, len(requests) + 1))
    assert ranking.ties == () and ranking.cutoff_tie is None and ranking.can_propose
    totals = [r.total for r in ranking.rows]
    assert totals == sorted(totals, reverse=True)
    expected = len(requests) if maximum is None else min(maximum, len(requests))
    proposal = ranking.proposal()
    assert proposal is not None and len(proposal) == expected
    assert check_invitation(ranking, proposal, min(expected, 3) or 1) == []


@settings(max_examples=200, deadline=None)
@given(cases())
def test_a_tie_at_the_cut_off_is_exactly_what_keeps_a_complete_ranking_from_a_proposal(case) -> None:
    model, requests, tie_break, maximum = case
    ranking = rank_requests(model, requests, tie_break, maximum)
    within = [r for r in ranking.rows if r.within_maximum]
    outside = [r for r in ranking.rows if not r.within_maximum]
    # those certainly in rank above everyone else
    assert all(a.rank < b.rank for a in within for b in outside)
    if ranking.cutoff_tie is not None:
        assert ranking.proposal() is None and maximum is not None
        tie = ranking.cutoff_tie
        assert tie.rank <= maximum < tie.rank + len(tie.request_ids) - 1
        assert len(within) == tie.rank - 1
    elif ranking.selection_needed and ranking.can_propose:
        assert ranking.proposal() == tuple(r.request.id for r in within)
        assert len(within) == maximum


@settings(max_examples=200, deadline=None)
@given(st.one_of(cases(), cases(complete=True, selecting=True)), st.data())
def test_an_accepted_invited_set_always_follows_the_ranking_and_the_limits(case, data) -> None:
    model, requests, tie_break, maximum = case
    ranking = rank_requests(model, requests, tie_break, maximum)
    ids = [r.id for r in requests]
    anything = st.lists(st.sampled_from(ids), unique=True) if ids else st.just([])
    ranked = [r.request.id for r in ranking.rows]
    # the best k by rank (mostly accepted) as well as any set at all (mostly refused)
    best = st.integers(0, len(ranked)).map(lambda k: ranked[:k])
    invited = data.draw(st.one_of(anything, best))
    minimum = data.draw(st.integers(1, maximum or 8))
    if check_invitation(ranking, invited, minimum) == []:
        eligible = {r.id for r in ranking.eligible}
        assert set(invited) <= eligible
        assert maximum is None or len(invited) <= maximum
        assert len(invited) >= min(minimum, len(eligible))
        ranks = {r.request.id: r.rank for r in ranking.rows}
        left_out = [ranks[i] for i in ranks if i not in invited]
        # no one ranked above or equal to an invited request is left out: ties are never split
        assert all(ranks[i] < rank for i in invited if i in ranks for rank in left_out)
        assert ranking.cutoff_tie is None


@settings(max_examples=200, deadline=None)
@given(cases(complete=True, selecting=True), st.data())
def test_the_best_requests_up_to_a_tie_are_accepted_whenever_their_number_lies_within_the_limits(
    case, data
) -> None:
    model, requests, tie_break, maximum = case
    ranking = rank_requests(model, requests, tie_break, maximum)
    assert ranking.selection_needed
    minimum = data.draw(st.integers(1, maximum))
    ranked = [r.request.id for r in ranking.rows]
    for k in range(len(ranked) + 1):
        # the best k split no tie when the k-th and the (k+1)-th differ in rank
        splits = 0 < k < len(ranked) and ranking.rows[k - 1].rank == ranking.rows[k].rank
        accepted = check_invitation(ranking, ranked[:k], minimum) == []
        assert accepted == (ranking.cutoff_tie is None and minimum <= k <= maximum and not splits), k
