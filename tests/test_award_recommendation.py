"""The recommendation (issue 14, point 1): drafted from the complete evaluation of the final round, with
a written account per criterion of the winner's characteristics and of its advantages over each other bid,
frozen as a snapshot with a content hash; and every approval lapsing as soon as anything in the snapshot
changes.

The helpers here (``award_world``, ``write_texts``, ``frozen``) are shared by the sign-off, access and page
tests of the recommendation."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

from tender.errors import DomainError

#: the evaluation as negotiation_setup scores it: A 8, B 6, C 4 on every quality criterion
SNAPSHOT_KEYS = {
    "tender",
    "round_no",
    "recommendation",
    "criteria",
    "bids",
    "winner_bid_id",
    "texts",
    "summary",
    "cost_split",
    "municipalities",
    "evaluation",
    "format",
    "reduced",
}


@dataclass
class AwardWorld:
    s: Any
    tender: Any
    lead: Any
    #: by municipality name: the bound ones (Skien, Porsgrunn) and the option one (Bamble)
    signers: dict[str, Any]
    municipalities: dict[str, Any]


def award_world(db: Any, create_tender: Any, add_member: Any, create_user: Any, clock: Any) -> AwardWorld:
    """Three bids opened and scored by consensus in the only (final) round; Skien and Porsgrunn bound from
    the start, Bamble an option municipality (with its prices in the bids), each with a signer."""
    from tender.tenders.models import Role
    from tests.negotiation_helpers import negotiation_setup

    def with_option(**kw: Any) -> Any:
        tender = create_tender(municipalities=3, **kw)
        tender.municipalities[2].option = True
        db.session.commit()
        return tender

    s = negotiation_setup(db, with_option, add_member, create_user, clock)
    tender = s.tender
    signers = {
        m.municipality.name: m.user
        for m in tender.memberships
        if m.role is Role.SIGNER and m.municipality is not None
    }
    return AwardWorld(s, tender, s.lead, signers, {m.name: m for m in tender.participating_municipalities})


@pytest.fixture
def world(db, create_tender, add_member, create_user, clock) -> AwardWorld:
    return award_world(db, create_tender, add_member, create_user, clock)


def write_texts(tender: Any, rec: Any, actor: Any, *, summary: str = "Best samlet kvalitet og pris.") -> None:
    from tender.award import recommendation_operations as ops

    draft = ops.draft_of(tender, rec)
    ops.save_texts(
        tender,
        rec,
        {
            s.name: (
                f"{s.bid.vendor.name} har den beste løsningen på «{s.criterion.name}»."
                if s.winner
                else f"Bedre enn {s.bid.vendor.name} på «{s.criterion.name}»."
            )
            for s in draft.slots
        },
        summary,
        actor=actor,
    )


def frozen(db: Any, w: AwardWorld) -> Any:
    """A recommendation drafted with every text and frozen."""
    from tender.award import recommendation_operations as ops

    rec = ops.start_draft(w.tender, actor=w.lead)
    write_texts(w.tender, rec, w.lead)
    ops.freeze(w.tender, rec, actor=w.lead)
    db.session.commit()
    return rec


def approve(w: AwardWorld, rec: Any, name: str, **kw: Any) -> Any:
    from tender.award import recommendation_operations as ops
    from tender.award.models import DecisionBody, SignOffDecision

    given = ops.Decision(
        decision=kw.pop("decision", SignOffDecision.APPROVED),
        comment=kw.pop("comment", ""),
        body=kw.pop("body", DecisionBody.FORMANNSKAP),
        decision_date=kw.pop("decision_date", date(2026, 12, 15)),
        case_number=kw.pop("case_number", "2026/4711"),
    )
    return ops.sign_off(
        w.tender,
        rec,
        kw.pop("municipality", w.municipalities[name]),
        given,
        shown_hash=kw.pop("shown_hash", rec.content_sha256),
        signer=kw.pop("signer", w.signers[name]),
    )


def events_of(db: Any, tender: Any, event_type: str) -> list[Any]:
    from tender.audit import AuditEvent

    return list(
        db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.tender_id == tender.id, AuditEvent.event_type == event_type)
            .order_by(AuditEvent.seq)
        )
    )


# -- drafting ------------------------------------------------------------------------------------------------
def test_a_draft_is_refused_in_norwegian_while_the_evaluation_of_the_final_round_is_not_complete(
    db, create_tender, add_member, create_user, clock
) -> None:
    from tender.award import recommendation_operations as ops
    from tender.award.operations import current_recommendation
    from tests.evaluation_helpers import open_all, setup_tender, submit_bid

    s = setup_tender(db, create_tender, add_member, create_user, vendors=2)
    submit_bid(db, s, 0)
    submit_bid(db, s, 1, one_off="900000")
    open_all(db, s, clock)
    with pytest.raises(DomainError) as refused:
        ops.start_draft(s.tender, actor=s.lead)
    assert "Innstillingen kan ikke påbegynnes før evalueringen er ferdig" in refused.value.message
    assert "konsensuspoeng mangler" in refused.value.message
    assert current_recommendation(s.tender) is None


def test_the_draft_names_the_bid_ranked_first_and_asks_for_a_text_per_criterion_and_other_bid(
    db, world
) -> None:
    from tender.award import recommendation_operations as ops
    from tender.negotiation.operations import ranking

    ranked = ranking(world.tender)
    rec = ops.start_draft(world.tender, actor=world.lead)
    db.session.commit()
    assert (rec.number, rec.round_no, rec.winner_bid_id) == (1, 1, ranked[0].bid.id)
    draft = ops.draft_of(world.tender, rec)
    assert [b.id for b in draft.ranked] == [r.bid.id for r in ranked]
    leaves = ops.snap.scored_leaves(world.tender)
    # per criterion (price included): the winner's characteristics, then its advantages over the two others
    assert len(draft.slots) == len(leaves) * 3
    assert [s.winner for s in draft.slots[:3]] == [True, False, False]
    with pytest.raises(DomainError, match="Innstilling nr. 1 er ikke trukket tilbake"):
        ops.start_draft(world.tender, actor=world.lead)


def test_freezing_is_refused_while_any_text_is_empty_points_alone_are_not_enough(db, world) -> None:
    from tender.award import recommendation_operations as ops
    from tender.award.models import RecommendationState

    rec = ops.start_draft(world.tender, actor=world.lead)
    draft = ops.draft_of(world.tender, rec)
    first = draft.slots[0]
    ops.save_texts(world.tender, rec, {first.name: "Svært god løsning."}, "Oppsummert.", actor=world.lead)
    with pytest.raises(DomainError) as refused:
        ops.freeze(world.tender, rec, actor=world.lead)
    assert "Poeng alene er ikke nok" in refused.value.message
    assert f"fordeler sammenlignet med {draft.slots[1].bid.vendor.name}" in refused.value.message
    assert rec.state is RecommendationState.DRAFT and rec.content_sha256 == ""


def test_freezing_stores_the_snapshot_in_the_shared_format_with_its_sha256_and_records_the_hash(
    db, world
) -> None:
    from tender.award.models import RecommendationState
    from tender.negotiation.operations import ranking

    rec = frozen(db, world)
    assert rec.state is RecommendationState.FROZEN
    assert rec.content_sha256 == hashlib.sha256(rec.content_json.encode("utf-8")).hexdigest()
    content = json.loads(rec.content_json)
    assert rec.content_json == json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert set(content) == SNAPSHOT_KEYS
    assert content["format"] == 3
    assert content["reduced"] == []  # no reduction in this negotiation
    assert content["tender"] == {
        "id": world.tender.id,
        "title": world.tender.title,
        "case_reference": world.tender.case_reference,
    }
    ranked = ranking(world.tender)
    assert [b["bid_id"] for b in content["bids"]] == [r.bid.id for r in ranked]
    assert [b["rank"] for b in content["bids"]] == [1, 2, 3]
    assert content["winner_bid_id"] == ranked[0].bid.id
    # numbers as decimal strings, never floats
    first = content["bids"][0]
    assert isinstance(first["total"], str) and Decimal(first["total"]) == pytest.approx(ranked[0].total)
    assert Decimal(first["price"]) == ranked[0].price
    assert all(isinstance(c["weight"], str) for c in content["criteria"])
    assert sum(Decimal(c["weight"]) for c in content["criteria"]) == 100
    assert set(first["points"]) == {c["key"] for c in content["criteria"]}
    assert content["cost_split"] == {}
    assert [m["name"] for m in content["municipalities"]["bound"]] == ["Skien", "Porsgrunn"]
    assert [m["name"] for m in content["municipalities"]["option"]] == ["Bamble"]
    # the evaluation inputs: the consensus scores with their justifications, the model, the sensitivity
    consensus = content["evaluation"]["consensus"]
    assert consensus and all(c["justification"] == "Samlet vurdering i evalueringsmøtet." for c in consensus)
    assert content["evaluation"]["price_method"] == "linear"
    assert "weights" in content["evaluation"]["sensitivity"]
    assert all(t["text"] for t in content["texts"])
    [event] = events_of(db, world.tender, "award.recommendation_frozen")
    assert json.loads(event.payload_json)["sha256"] == rec.content_sha256


def test_a_snapshot_part_registered_by_another_module_goes_into_the_snapshot_and_its_hash(
    db, world, monkeypatch
) -> None:
    from tender.award import recommendation_operations as ops
    from tender.award import snapshot as snap

    rec = frozen(db, world)
    before = rec.content_sha256
    # in place of the cost split's own part for this test only (monkeypatch puts the registered one back)
    monkeypatch.setitem(snap.SNAPSHOT_PARTS, "cost_split", lambda tender: {"key": "equal", "total": "900000"})
    assert snap.live_hash(world.tender, rec) != before
    assert ops.check_lapse(world.tender, world.lead)
    assert json.loads(ops.snap.canonical(snap.build_snapshot(world.tender, rec)))["cost_split"] == {
        "key": "equal",
        "total": "900000",
    }


# -- lapse ---------------------------------------------------------------------------------------------------
def test_changing_a_consensus_score_after_sign_off_voids_the_sign_offs_and_is_recorded(db, world) -> None:
    from tender.award.models import RecommendationState
    from tender.award.operations import approvals_complete, valid_sign_offs
    from tender.evaluation import operations as ev
    from tender.evaluation_model import operations as model_ops

    rec = frozen(db, world)
    old = rec.content_sha256
    approve(world, rec, "Skien")
    approve(world, rec, "Porsgrunn")
    db.session.commit()
    assert approvals_complete(world.tender)
    bid = next(b for b in ev.opened_bids(world.tender) if b.id != rec.winner_bid_id)
    leaf = model_ops.quality_leaves(world.tender)[0]
    row = ev.consensus_scores(world.tender)[(bid.id, leaf.id)]
    ev.save_consensus(
        world.tender,
        bid,
        leaf,
        score=row.score - 1,
        justification="Ny vurdering etter avklaring.",
        expected_version=row.lock_version,
        actor=world.lead,
    )
    db.session.commit()
    assert rec.state is RecommendationState.DRAFT
    assert all(s.lapsed_at is not None for s in rec.sign_offs)
    assert not approvals_complete(world.tender) and valid_sign_offs(rec) == {}
    [event] = events_of(db, world.tender, "award.sign_offs_lapsed")
    payload = json.loads(event.payload_json)
    assert payload["old_sha256"] == old and len(payload["new_sha256"]) == 64 and payload["new_sha256"] != old
    assert sorted(payload["lapsed"]) == ["Porsgrunn", "Skien"]
    assert rec.texts and all(t.text for t in rec.texts)  # the texts are kept for the next freezing


def test_a_change_that_leaves_the_snapshot_as_it_was_keeps_the_approvals(db, world) -> None:
    from tender.award.models import RecommendationState
    from tender.evaluation import operations as ev
    from tender.evaluation_model import operations as model_ops

    rec = frozen(db, world)
    approve(world, rec, "Skien")
    db.session.commit()
    bid = ev.opened_bids(world.tender)[0]
    leaf = model_ops.quality_leaves(world.tender)[0]
    row = ev.consensus_scores(world.tender)[(bid.id, leaf.id)]
    ev.save_consensus(
        world.tender,
        bid,
        leaf,
        score=row.score,
        justification=row.justification,
        expected_version=row.lock_version,
        actor=world.lead,
    )
    db.session.commit()
    assert rec.state is RecommendationState.FROZEN and rec.sign_offs[0].lapsed_at is None
    assert events_of(db, world.tender, "award.sign_offs_lapsed") == []


def test_a_rejection_and_its_undoing_each_send_a_frozen_recommendation_back_to_draft(db, world) -> None:
    from tender.award import recommendation_operations as ops
    from tender.award.models import RecommendationState
    from tender.evaluation import operations as ev

    rec = frozen(db, world)
    last = next(b for b in ev.opened_bids(world.tender) if b.id != rec.winner_bid_id)
    ev.reject_bid(world.tender, last, reason="Oppfyller ikke minstekrav 2.1.", actor=world.lead)
    db.session.commit()
    assert rec.state is RecommendationState.DRAFT
    # the rejected bid is listed with its reason and no longer asks for a comparison
    draft = ops.draft_of(world.tender, rec)
    assert [b.id for b in draft.rejected] == [last.id]
    assert all(s.bid.id != last.id for s in draft.slots)
    ops.freeze(world.tender, rec, actor=world.lead)
    content = json.loads(rec.content_json)
    rejected = [b for b in content["bids"] if b["rejected"]]
    assert rejected == [
        {**rejected[0], "bid_id": last.id, "rank": None, "rejection_reason": "Oppfyller ikke minstekrav 2.1."}
    ]
    ev.undo_rejection(world.tender, last, reason="Kravet var oppfylt.", actor=world.lead)
    db.session.commit()
    assert rec.state is RecommendationState.DRAFT
    assert len(events_of(db, world.tender, "award.sign_offs_lapsed")) == 2


def test_a_sign_off_for_one_snapshot_does_not_count_for_another(db, world) -> None:
    from tender.award import recommendation_operations as ops
    from tender.award.operations import approvals_complete, valid_sign_offs
    from tender.evaluation import operations as ev
    from tender.evaluation_model import operations as model_ops

    rec = frozen(db, world)
    first = rec.content_sha256
    approve(world, rec, "Skien")
    approve(world, rec, "Porsgrunn")
    db.session.commit()
    # the score changes and changes back: the evaluation is as it was, but each freezing is its own snapshot
    bid = ev.opened_bids(world.tender)[0]
    leaf = model_ops.quality_leaves(world.tender)[0]
    original = ev.consensus_scores(world.tender)[(bid.id, leaf.id)].score
    for value in (original - 1, original):
        row = ev.consensus_scores(world.tender)[(bid.id, leaf.id)]
        ev.save_consensus(
            world.tender,
            bid,
            leaf,
            score=value,
            justification=row.justification,
            expected_version=row.lock_version,
            actor=world.lead,
        )
    second = ops.freeze(world.tender, rec, actor=world.lead)
    db.session.commit()
    assert second != first and json.loads(rec.content_json)["recommendation"]["freezing"] == 2
    assert valid_sign_offs(rec) == {}
    assert not approvals_complete(world.tender)
    # the old approvals name the old hash; a decision on the new one is needed from each
    assert {s.content_sha256 for s in rec.sign_offs} == {first}
    approve(world, rec, "Skien")
    assert not approvals_complete(world.tender)
    approve(world, rec, "Porsgrunn")
    db.session.commit()
    assert approvals_complete(world.tender)
    assert set(valid_sign_offs(rec)) == {
        world.municipalities["Skien"].id,
        world.municipalities["Porsgrunn"].id,
    }


def test_the_lead_withdraws_and_the_next_draft_gets_the_next_number(db, world) -> None:
    from tender.award import recommendation_operations as ops
    from tender.award.models import RecommendationState

    rec = frozen(db, world)
    with pytest.raises(DomainError, match="Skriv hvorfor"):
        ops.withdraw(world.tender, rec, reason=" ", actor=world.lead)
    ops.withdraw(world.tender, rec, reason="Feil i prisevalueringen.", actor=world.lead)
    db.session.commit()
    assert rec.state is RecommendationState.WITHDRAWN and rec.withdrawn_reason == "Feil i prisevalueringen."
    second = ops.start_draft(world.tender, actor=world.lead)
    assert second.number == 2
    assert events_of(db, world.tender, "award.recommendation_withdrawn")


# -- through the pages ---------------------------------------------------------------------------------------
def test_the_lead_writes_the_texts_on_the_page_and_freezing_says_which_are_missing(
    db, client, forms, login_as, world
) -> None:
    from tender.award import recommendation_operations as ops
    from tender.award.models import RecommendationState
    from tender.award.operations import current_recommendation

    login_as(world.lead)
    base = f"/konkurranser/{world.tender.id}/tildeling/innstilling"
    assert forms.post(f"{base}/ny", {}, page=base).status_code == 302
    rec = current_recommendation(world.tender)
    draft = ops.draft_of(world.tender, rec)
    html = client.get(base).get_data(as_text=True)
    assert 'id="rangering"' in html and "(vinner)" in html
    assert f"Fordeler sammenlignet med {draft.slots[1].bid.vendor.name}" in html
    first = draft.slots[0]
    response = forms.post(
        f"{base}/{rec.id}/tekster",
        {first.name: "Komplett Noark 5-løsning.", "summary": "Best samlet."},
        page=base,
    )
    assert response.status_code == 302
    refused = forms.post(f"{base}/{rec.id}/las", {}, page=base)
    assert refused.status_code == 302
    page = client.get(base).get_data(as_text=True)
    assert "Poeng alene er ikke nok" in page and "Komplett Noark 5-løsning." in page
    db.session.expire_all()
    assert rec.state is RecommendationState.DRAFT
    too_long = forms.post(f"{base}/{rec.id}/tekster", {first.name: "x" * 10_001, "summary": ""}, page=base)
    assert too_long.status_code == 422 and "Teksten kan ha høyst 10 000 tegn." in too_long.get_data(
        as_text=True
    )


def test_starting_a_draft_on_the_page_before_the_evaluation_is_complete_is_refused_in_words(
    db, client, forms, login_as, create_tender, add_member, create_user, clock
) -> None:
    from tender.award.operations import current_recommendation
    from tests.evaluation_helpers import open_all, setup_tender, submit_bid

    s = setup_tender(db, create_tender, add_member, create_user, vendors=2)
    submit_bid(db, s, 0)
    submit_bid(db, s, 1, one_off="900000")
    open_all(db, s, clock)
    login_as(s.lead)
    base = f"/konkurranser/{s.tender.id}/tildeling/innstilling"
    page = client.get(base).get_data(as_text=True)
    assert "Påbegynn innstilling" not in page and "konsensuspoeng mangler" in page
    response = forms.post(f"{base}/ny", {}, page=base, follow=True)
    assert "Innstillingen kan ikke påbegynnes før evalueringen er ferdig" in response.get_data(as_text=True)
    assert current_recommendation(s.tender) is None
