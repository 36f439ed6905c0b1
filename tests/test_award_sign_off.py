"""Each bound municipality's sign-off of the frozen recommendation (issue 14, point 2): approved or rejected
with the decision behind it (the body, its date, its case number), bound to the snapshot hash the page
showed; every refused attempt said in Norwegian and kept in the audit trail; a rejection sends the tender
back to evaluation; the tender's page shows the board."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest

from tender.errors import DomainError
from tests.test_award_recommendation import approve, award_world, events_of, frozen


@pytest.fixture
def world(db, create_tender, add_member, create_user, clock):
    return award_world(db, create_tender, add_member, create_user, clock)


def _refusals(db, w) -> list[dict]:
    return [json.loads(e.payload_json) for e in events_of(db, w.tender, "award.sign_off_refused")]


def test_an_approval_records_the_body_its_date_and_case_number_bound_to_the_snapshot_hash(db, world) -> None:
    from tender.award.models import DecisionBody, SignOffDecision

    rec = frozen(db, world)
    row = approve(
        world,
        rec,
        "Skien",
        body=DecisionBody.KOMMUNESTYRE,
        decision_date=date(2026, 12, 14),
        case_number="2026/0815",
    )
    db.session.commit()
    assert (row.decision, row.body, row.decision_date, row.case_number) == (
        SignOffDecision.APPROVED,
        DecisionBody.KOMMUNESTYRE,
        date(2026, 12, 14),
        "2026/0815",
    )
    assert row.content_sha256 == rec.content_sha256 and row.signer_name == world.signers["Skien"].name
    [event] = events_of(db, world.tender, "award.signed_off")
    payload = json.loads(event.payload_json)
    assert payload["sha256"] == rec.content_sha256 and payload["case_number"] == "2026/0815"


def test_a_signer_of_one_municipality_signing_for_another_is_refused_and_logged(db, world) -> None:
    rec = frozen(db, world)
    with pytest.raises(DomainError) as refused:
        approve(world, rec, "Porsgrunn", signer=world.signers["Skien"])
    assert refused.value.message == "Du kan ikke signere for Porsgrunn; du signerer for Skien."
    assert rec.sign_offs == []
    [logged] = _refusals(db, world)
    assert (logged["code"], logged["municipality"], logged["sha256"]) == (
        "other_municipality",
        "Porsgrunn",
        rec.content_sha256,
    )


def test_signing_twice_for_the_same_snapshot_is_refused_and_logged(db, world) -> None:
    rec = frozen(db, world)
    approve(world, rec, "Skien")
    with pytest.raises(DomainError, match="Skien har allerede tatt stilling til denne versjonen"):
        approve(world, rec, "Skien", case_number="2026/9999")
    assert len(rec.sign_offs) == 1
    assert [r["code"] for r in _refusals(db, world)] == ["twice"]


def test_signing_a_stale_snapshot_is_refused_and_logged(db, world) -> None:
    rec = frozen(db, world)
    with pytest.raises(DomainError, match="endret etter at du åpnet siden"):
        approve(world, rec, "Skien", shown_hash="0" * 64)
    assert rec.sign_offs == []
    assert [r["code"] for r in _refusals(db, world)] == ["stale_snapshot"]


def test_an_option_municipality_signing_is_refused_and_logged(db, world) -> None:
    rec = frozen(db, world)
    with pytest.raises(DomainError, match="Bamble er opsjonskommune og godkjenner ikke tildelingen"):
        approve(world, rec, "Bamble")
    assert [r["code"] for r in _refusals(db, world)] == ["option_municipality"]


def test_signing_a_recommendation_that_is_not_frozen_is_refused_and_logged(db, world) -> None:
    from tender.award import recommendation_operations as ops

    rec = ops.start_draft(world.tender, actor=world.lead)
    db.session.commit()
    with pytest.raises(DomainError, match="Innstillingen er ikke låst for godkjenning"):
        approve(world, rec, "Skien", shown_hash="")
    assert [r["code"] for r in _refusals(db, world)] == ["not_frozen"]


def test_a_decision_date_in_the_future_or_a_rejection_without_a_comment_is_refused(db, world) -> None:
    from tender.award.models import RecommendationState, SignOffDecision

    rec = frozen(db, world)
    with pytest.raises(DomainError, match="Vedtaksdatoen kan ikke være frem i tid"):
        approve(world, rec, "Skien", decision_date=date(2027, 6, 1))
    with pytest.raises(DomainError, match="Skriv hvorfor kommunen avviser"):
        approve(world, rec, "Skien", decision=SignOffDecision.REJECTED, comment="  ")
    assert rec.state is RecommendationState.FROZEN and rec.sign_offs == []


def test_a_rejection_withdraws_the_recommendation_and_the_lead_drafts_the_next_number(db, world) -> None:
    from tender.award import recommendation_operations as ops
    from tender.award.models import RecommendationState, SignOffDecision
    from tender.award.operations import current_recommendation

    rec = frozen(db, world)
    approve(world, rec, "Skien")
    approve(world, rec, "Porsgrunn", decision=SignOffDecision.REJECTED, comment="Prisen er for høy for oss.")
    db.session.commit()
    assert rec.state is RecommendationState.WITHDRAWN
    assert rec.withdrawn_reason == "Porsgrunn: Prisen er for høy for oss."
    assert current_recommendation(world.tender) is None
    assert events_of(db, world.tender, "award.recommendation_rejected")
    board = ops.board(world.tender)
    assert {r.municipality.name: r.state for r in board.rows} == {"Skien": "godkjent", "Porsgrunn": "avvist"}
    assert ops.start_draft(world.tender, actor=world.lead).number == 2


def test_the_board_shows_waiting_approved_and_lapsed_with_the_option_municipality_apart(db, world) -> None:
    from tender.award import recommendation_operations as ops
    from tender.evaluation import operations as ev

    rec = frozen(db, world)
    approve(world, rec, "Skien")
    db.session.commit()
    board = ops.board(world.tender)
    assert [(r.municipality.name, r.state) for r in board.rows] == [
        ("Skien", "godkjent"),
        ("Porsgrunn", "venter"),
    ]
    assert [m.name for m in board.option] == ["Bamble"]
    order = [ev.case_bid_id(b) for b in ev.opened_bids(world.tender)]
    ev.record_tie_break(world.tender, list(reversed(order)), reason="Loddtrekning.", actor=world.lead)
    db.session.commit()
    # the tie-break is part of the snapshot: recording one is a change, and the approval lapses
    board = ops.board(world.tender)
    assert [(r.municipality.name, r.state) for r in board.rows] == [
        ("Skien", "bortfalt"),
        ("Porsgrunn", "venter"),
    ]


# -- through the pages ---------------------------------------------------------------------------------------
def _hash_on(html: str) -> str:
    return re.search(r'id="kontrollsum">([0-9a-f]{64})<', html).group(1)


def test_the_signer_reads_the_hash_matrix_sensitivity_texts_and_cost_split_and_approves(
    db, client, forms, login_as, world
) -> None:
    from tender.award.models import SignOffDecision

    rec = frozen(db, world)
    login_as(world.signers["Skien"])
    page = f"/konkurranser/{world.tender.id}/tildeling/innstilling/{rec.id}"
    html = client.get(page).get_data(as_text=True)
    assert _hash_on(html) == rec.content_sha256
    for part in ['id="matrise"', "Følsomhet", 'id="begrunnelser"', "Kostnadsfordelingen er ikke satt"]:
        assert part in html
    assert "har den beste løsningen på" in html and "Bedre enn" in html
    assert "Prismetode: Lineær (DFØ)" in html
    prefix = f"m{world.municipalities['Skien'].id}-"
    assert f'name="{prefix}content_sha256" type="hidden" value="{rec.content_sha256}"' in html
    assert f"m{world.municipalities['Porsgrunn'].id}-decision" not in html  # no form for another's
    assert f"m{world.municipalities['Bamble'].id}-decision" not in html
    response = forms.post(
        f"{page}/godkjenning/{world.municipalities['Skien'].id}",
        {
            f"{prefix}content_sha256": rec.content_sha256,
            f"{prefix}decision": "approved",
            f"{prefix}body": "formannskap",
            f"{prefix}decision_date": "2026-12-14",
            f"{prefix}case_number": "2026/1234",
            f"{prefix}comment": "",
        },
        page=page,
    )
    assert response.status_code == 302
    db.session.expire_all()
    [row] = rec.sign_offs
    assert (row.decision, row.case_number) == (SignOffDecision.APPROVED, "2026/1234")
    overview = client.get(f"/konkurranser/{world.tender.id}").get_data(as_text=True)
    assert "Godkjenning av tildelingen" in overview and "godkjent" in overview and "venter" in overview


def test_a_stale_hash_posted_from_the_page_is_refused_in_words_and_the_refusal_stays_in_the_trail(
    db, client, forms, login_as, world
) -> None:
    rec = frozen(db, world)
    login_as(world.signers["Porsgrunn"])
    page = f"/konkurranser/{world.tender.id}/tildeling/innstilling/{rec.id}"
    prefix = f"m{world.municipalities['Porsgrunn'].id}-"
    response = forms.post(
        f"{page}/godkjenning/{world.municipalities['Porsgrunn'].id}",
        {
            f"{prefix}content_sha256": "a" * 64,
            f"{prefix}decision": "approved",
            f"{prefix}body": "kommunedirektor",
            f"{prefix}decision_date": "2026-12-14",
            f"{prefix}case_number": "2026/77",
        },
        page=page,
    )
    assert response.status_code == 422
    assert "Innstillingen er endret etter at du åpnet siden" in response.get_data(as_text=True)
    db.session.expire_all()
    assert rec.sign_offs == []
    assert [r["code"] for r in _refusals(db, world)] == ["stale_snapshot"]
