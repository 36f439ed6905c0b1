"""Who scores which criterion: assignments on a criterion or an ancestor, everyone where no one is
assigned."""

from __future__ import annotations

from tender.core.assignment import Scorers, scorers

# kvalitet ─┬─ arkiv
#           └─ sok
# gjennomforing
PARENTS = {"kvalitet": None, "arkiv": "kvalitet", "sok": "kvalitet", "gjennomforing": None}
EVALUATORS = ["anne", "bjørn", "cecilie"]


def test_with_no_assignment_every_evaluator_scores_every_criterion() -> None:
    found = scorers(PARENTS, {}, EVALUATORS)
    assert found["arkiv"] == Scorers(("anne", "bjørn", "cecilie"), assigned=False)
    assert found["gjennomforing"] == Scorers(("anne", "bjørn", "cecilie"), assigned=False)


def test_one_assignment_leaves_every_other_criterion_to_every_evaluator() -> None:
    found = scorers(PARENTS, {"arkiv": ["anne"]}, EVALUATORS)
    assert found["arkiv"] == Scorers(("anne",), assigned=True)
    assert found["sok"] == Scorers(("anne", "bjørn", "cecilie"), assigned=False)
    assert found["gjennomforing"] == Scorers(("anne", "bjørn", "cecilie"), assigned=False)


def test_an_assignment_on_a_parent_covers_its_children_and_adds_to_their_own() -> None:
    found = scorers(PARENTS, {"kvalitet": ["bjørn"], "sok": ["cecilie"]}, EVALUATORS)
    assert found["arkiv"] == Scorers(("bjørn",), assigned=True)
    assert found["sok"] == Scorers(("bjørn", "cecilie"), assigned=True)
    assert found["gjennomforing"].who == ("anne", "bjørn", "cecilie")


def test_an_assigned_person_who_is_no_longer_an_evaluator_leaves_the_criterion_to_everyone() -> None:
    found = scorers(PARENTS, {"arkiv": ["david"]}, EVALUATORS)
    assert found["arkiv"] == Scorers(("anne", "bjørn", "cecilie"), assigned=False)


def test_the_scorers_keep_the_order_of_the_evaluators() -> None:
    assert scorers(PARENTS, {"arkiv": ["cecilie", "anne"]}, EVALUATORS)["arkiv"].who == ("anne", "cecilie")


def test_with_no_evaluators_no_one_scores() -> None:
    assert scorers(PARENTS, {}, [])["arkiv"] == Scorers((), assigned=False)
