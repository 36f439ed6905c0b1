"""The demo's recommendation (tender.demo.award_recommendation) on the ``negotiated`` stage: drafted with a
Norwegian account per criterion and bid worded from the demo's scores, frozen, and approved by the signer of
every bound municipality with the decision behind it."""

from __future__ import annotations

import json

import pytest


@pytest.mark.slow
def test_the_demo_recommends_the_winner_and_every_bound_municipality_approves(db) -> None:
    from tender.award.models import RecommendationState
    from tender.award.operations import approvals_complete, signers_municipalities, valid_sign_offs
    from tender.demo.award_recommendation import recommend_and_sign
    from tender.demo.stages import build_stage
    from tender.negotiation.operations import ranking
    from tender.web.transactions import transaction

    tender = build_stage("negotiated")
    with transaction():
        rec = recommend_and_sign(tender)
    assert rec.state is RecommendationState.FROZEN and len(rec.content_sha256) == 64
    content = json.loads(rec.content_json)
    ranked = ranking(tender)
    assert content["winner_bid_id"] == ranked[0].bid.id
    winner = ranked[0].vendor.name
    assert winner in content["summary"]
    # every account written, derived from the demo's own scores and prices: no placeholder text
    assert content["texts"] and all(t["text"] for t in content["texts"])
    others = [r.vendor.name for r in ranked[1:] if not r.rejected]
    assert all(any(o in t["text"] for t in content["texts"]) for o in others)
    assert any(
        "poeng" in t["text"] and "Evalueringsgruppen la vekt på" in t["text"] for t in content["texts"]
    )
    assert any("rimeligere" in t["text"] or "dyrere" in t["text"] for t in content["texts"])
    bound = signers_municipalities(tender)
    assert len(bound) == 6
    decided = valid_sign_offs(rec)
    assert set(decided) == {m.id for m in bound}
    assert {s.body.value for s in decided.values()} == {"kommunedirektor", "formannskap", "kommunestyre"}
    assert all(s.case_number for s in decided.values())
    assert approvals_complete(tender)
    # running it again finishes nothing more and changes nothing
    with transaction():
        again = recommend_and_sign(tender)
    assert again.id == rec.id and again.content_sha256 == rec.content_sha256 and len(again.sign_offs) == 6
