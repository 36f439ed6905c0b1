"""The demo's `awarded` stage (issue 14): `tender demo --stage awarded` builds the Grenland tender from the
final bids to the signed contract through the award's operations: the cost split, the recommendation signed
off by all six municipalities, the notices, the standstill passed and the contract; and the protocol of the
whole procurement validates against the shipped schema."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest

from tests.test_protocol import problems

pytestmark = pytest.mark.slow


@pytest.fixture
def awarded(runner, db) -> Any:
    result = runner.invoke(args=["demo", "--stage", "awarded"])
    assert result.exit_code == 0, result.output
    from tender.demo.stages import demo_tender

    tender = demo_tender()
    assert tender is not None
    return tender


def test_the_awarded_stage_runs_from_the_final_bids_to_the_signed_contract(awarded) -> None:
    from tender.award.models import RecommendationState, SignOffDecision
    from tender.award.operations import (
        approvals_complete,
        contract_of,
        current_recommendation,
        notice_issue_of,
        valid_sign_offs,
    )
    from tender.award.snapshot import live_hash
    from tender.clock import now
    from tender.core.lifecycle import Stage
    from tender.lifecycle.operations import standing_of
    from tender.negotiation import operations as negotiation

    tender = awarded
    rec = current_recommendation(tender)
    assert rec is not None and rec.state is RecommendationState.FROZEN
    assert live_hash(tender, rec) == rec.content_sha256
    assert hashlib.sha256(rec.content_json.encode("utf-8")).hexdigest() == rec.content_sha256
    snapshot = json.loads(rec.content_json)
    assert snapshot["winner_bid_id"] == negotiation.ranking(tender)[0].bid.id
    assert snapshot["cost_split"]["key"] == "fixed_plus_population"
    signed = valid_sign_offs(rec)
    assert len(signed) == 6 and all(s.decision is SignOffDecision.APPROVED for s in signed.values())
    assert all(s.case_number and s.decision_date for s in signed.values())
    assert approvals_complete(tender)
    issue = notice_issue_of(tender)
    assert issue is not None and issue.content_sha256 == rec.content_sha256
    assert len(issue.notices) == 3 and sum(n.chosen for n in issue.notices) == 1
    assert len({n.sha256 for n in issue.notices}) == 3
    contract = contract_of(tender)
    assert contract is not None and contract.signed_at >= issue.standstill_ends_at
    assert contract.sha256 == hashlib.sha256(contract.data).hexdigest()
    assert contract.vendor_id == next(n.vendor_id for n in issue.notices if n.chosen)
    standing = standing_of(tender, now())
    assert standing.stage is Stage.CONTRACT and not standing.steps


def test_the_protocol_of_the_awarded_demo_validates_and_holds_the_award(awarded) -> None:
    from tender.protocol.operations import protocol_of

    protocol = json.loads(json.dumps(protocol_of(awarded)))
    assert problems(protocol) == []
    assert protocol["audit"]["chain"]["intact"] is True
    (rec,) = protocol["award"]["recommendations"]
    assert len(rec["sign_offs"]) == 6
    assert protocol["award"]["contract"]["sha256"]
