"""The demo's negotiation (issue 13, point 4): on the scored demo tender, start_negotiation and
finish_negotiation give a tender with two opened, scored rounds, the second the best and final offers, and
a changed ranking or price."""

from __future__ import annotations


def test_the_scored_demo_negotiated_has_two_opened_scored_rounds_with_lower_prices(app, db) -> None:
    from tender.bids.models import RoundKind
    from tender.demo.negotiation import finish_negotiation, start_negotiation
    from tender.demo.stages import build_stage
    from tender.evaluation import operations as ev
    from tender.negotiation import operations as neg
    from tender.web.transactions import transaction

    tender = build_stage("scored")
    before = {r.vendor.name: r for r in neg.ranking(tender)}
    with transaction():
        start_negotiation(tender)
    assert tender.current_round == 2 and neg.final_round(tender).kind is RoundKind.BAFO
    assert len(neg.meetings_of(tender, 1)) == 4 and neg.information_difference(tender, 1) is None
    (leaving,) = neg.reduction_of(tender, 1).leaving
    assert leaving.reason and leaving.vendor.name == max(before.values(), key=lambda r: r.rank).vendor.name
    assert tender.questions_deadline < tender.bid_deadline
    with transaction():
        finish_negotiation(tender)
    rounds = neg.rounds_of(tender)
    assert [r.number for r in rounds] == [1, 2] and all(r.opened for r in rounds)
    assert neg.round_not_evaluated(tender) is None and ev.unscored(tender) == []
    after = {r.vendor.name: r for r in neg.ranking(tender)}
    assert set(after) == set(before) - {leaving.vendor.name}
    assert all(after[n].price < before[n].price for n in after)
    assert all(after[n].total is not None for n in after)
    assert [r.vendor.name for r in neg.ranking(tender, 1)] == [r.vendor.name for r in before.values()]
    assert tender.questions_deadline < tender.bid_deadline
    # running the first step again duplicates nothing
    with transaction():
        start_negotiation(tender)
    assert tender.current_round == 2
