"""The demo's notices and contract (issue 14, point 5): on the negotiated demo tender with its recommendation
approved by every bound municipality, issue_notices sends every bidder of the final round its notice, and
sign_contract moves past the standstill (recorded as the demo's step) and records the signed contract."""

from __future__ import annotations

import hashlib

import pytest


@pytest.mark.slow
def test_the_negotiated_demo_gets_its_notices_and_after_the_standstill_its_signed_contract(app, db) -> None:
    from sqlalchemy import select

    from tender.audit import AuditEvent
    from tender.award.operations import contract_of, notice_issue_of
    from tender.clock import now
    from tender.core.lifecycle import Stage
    from tender.demo.award_notices import issue_notices, sign_contract
    from tender.demo.stages import build_stage
    from tender.evaluation import operations as ev
    from tender.lifecycle.operations import standing_of
    from tender.web.transactions import transaction
    from tests.award_helpers import approved_recommendation

    tender = build_stage("negotiated")
    # the recommendation part's demo builds this through its operations; until then the test helper does
    with transaction():
        approved_recommendation(tender)
    with transaction():
        issue = issue_notices(tender)
    final_round = ev.opened_bids(tender)
    assert sorted(n.vendor_id for n in issue.notices) == sorted(b.vendor_id for b in final_round)
    assert len({n.issue_id for n in issue.notices}) == 1
    assert standing_of(tender, now()).stage is Stage.STANDSTILL
    with transaction():
        again = issue_notices(tender)
    assert again.id == issue.id  # nothing duplicated
    with transaction():
        sign_contract(tender)
    contract = contract_of(tender)
    assert contract is not None and contract.sha256 == hashlib.sha256(contract.data).hexdigest()
    assert contract.data.startswith(b"%PDF-")
    assert contract.vendor_id == next(n.vendor_id for n in notice_issue_of(tender).notices if n.chosen)
    assert contract.signed_at >= notice_issue_of(tender).standstill_ends_at
    assert contract.signed_by.startswith("For kommunene: ")
    shortcut = db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.tender_id == tender.id, AuditEvent.event_type == "demo.standstill_passed"
        )
    ).all()
    assert len(shortcut) == 1
    assert standing_of(tender, now()).stage is Stage.CONTRACT
    assert standing_of(tender, now()).steps == ()
