"""The demo's cost split on the Grenland tender after the negotiation: a fixed 20 % plus population among
the six bound municipalities, of the first-ranked final bid, exact to the øre."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tender.award import cost_operations as costs
from tender.award.models import CostSplitKey
from tender.demo.award_costs import split_costs
from tender.demo.stages import build_stage
from tender.negotiation.operations import ranking


@pytest.mark.slow
def test_the_demo_shares_the_winning_final_bid_by_a_fixed_20_percent_plus_population(db) -> None:
    tender = build_stage("negotiated")
    split_costs(tender)
    db.session.commit()
    table = costs.cost_table(tender)
    assert table is not None and table.problem is None
    assert table.key is CostSplitKey.FIXED_PLUS_POPULATION and table.fixed_percent == Decimal(20)
    assert table.bid.id == ranking(tender)[0].bid.id and table.bid.round_no == tender.current_round
    assert len(table.rows) == 6 and table.options == []
    rows = {r.municipality.name: r for r in table.rows}
    # exact: the common parts sum to the winning bid's common amounts; Skien pays most, Siljan least
    assert sum(r.common_one_off for r in table.rows) == table.common_one_off
    assert sum(r.common_yearly for r in table.rows) == table.common_yearly
    assert rows["Skien"].total == max(r.total for r in table.rows)
    assert rows["Siljan"].total == min(r.total for r in table.rows)
    snapshot = costs.cost_split_snapshot(tender)
    assert snapshot["key"] == "fixed_plus_population" and snapshot["fixed_percent"] == "20.000000"
    assert len(snapshot["bound"]) == 6 and snapshot["option"] == []
