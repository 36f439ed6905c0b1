"""Ranking and selection through the operations: the tie at the cut-off is decided only by a recorded
decision, the proposal is checked against the ranking and the announced numbers, each municipality's signer
approves the very hash they read (and only for their own municipality), and the final selection sets every
request's outcome. Only invited vendors may bid afterwards."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from tender.audit import AuditEvent
from tender.errors import DomainError
from tender.prequalification import select_operations as ops
from tender.prequalification.models import RequestOutcome, SelectionProposal
from tests.prequalification_helpers import PQ_AFTER
from tests.prequalification_select_helpers import assess, score, select_world


@pytest.fixture
def w(db, clock, create_tender, add_member, create_user):
    clock.set(PQ_AFTER)
    return select_world(db, create_tender, add_member, create_user)


def events(db, kind):
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.event_type == kind)))


def decide_tie(db, w, first=3, second=4):
    row = ops.decide_tie(
        w.tender, w.ids(first, second), "Best på referanser, det tyngste kriteriet.", actor=w.s.lead
    )
    db.session.commit()
    return row


def test_the_ranking_lists_every_request_with_its_standing_scores_total_and_rank(db, w):
    sel = ops.selection_of(w.tender)
    standing = {s.name: s.label for s in sel.standings}
    assert standing["Fjordsak AS"] == "Ikke kvalifisert"
    assert all(v == "Kvalifisert" for k, v in standing.items() if k != "Fjordsak AS")
    totals = [(r.request.name, r.rank, r.total) for r in sel.ranking.rows]
    assert totals[:3] == [("Arkivus AS", 1, 9), ("Bokskapet Systemer AS", 2, 8), ("Casefile Norge AS", 3, 7)]
    assert {(n, rank) for n, rank, _ in totals[3:]} == {("Dokumenta AS", 4), ("Elark AS", 4)}
    assert sel.open_tie is not None and set(sel.open_tie.names) == {"Dokumenta AS", "Elark AS"}


def test_a_request_with_a_requirement_to_clarify_is_not_yet_decided_and_blocks_the_proposal(
    db, w, create_user
):
    from tender.prequalification.models import QualificationAssessment

    row = db.session.scalar(
        select(QualificationAssessment).where(QualificationAssessment.request_id == w.requests[0].id)
    )
    db.session.delete(row)
    db.session.commit()
    sel = ops.selection_of(w.tender)
    assert sel.standing_of(str(w.requests[0].id)).label == "Ikke avgjort ennå"
    with pytest.raises(DomainError, match="Kvalifikasjonen er ikke avgjort for Arkivus AS"):
        ops.propose(w.tender, w.ids(0, 1, 2, 3), actor=w.s.lead)


def test_an_excluded_request_is_shown_as_excluded_and_cannot_be_invited(db, w):
    from tender.prequalification.models import ExclusionAssessment

    db.session.add(
        ExclusionAssessment(
            request_id=w.requests[0].id, ground_id=w.s.grounds[1].id, applies=True, reason="Konkurs åpnet."
        )
    )
    db.session.commit()
    sel = ops.selection_of(w.tender)
    assert sel.standing_of(str(w.requests[0].id)).standing == ops.EXCLUDED
    with pytest.raises(DomainError, match="Arkivus AS er avvist og kan ikke inviteres"):
        ops.propose(w.tender, w.ids(0, 1, 2, 3), actor=w.s.lead)


def test_a_tie_at_the_cut_off_left_unresolved_refuses_the_proposal_in_norwegian(db, w):
    with pytest.raises(DomainError) as refused:
        ops.propose(w.tender, w.ids(0, 1, 2, 3), actor=w.s.lead)
    assert "står likt på 6 poeng ved grensen" in refused.value.message
    assert "registrer en beslutning" in refused.value.message
    assert db.session.scalar(select(SelectionProposal.id)) is None


def test_a_recorded_tie_decision_resolves_the_tie_with_an_audit_event(db, w):
    decide_tie(db, w, first=4, second=3)
    sel = ops.selection_of(w.tender)
    assert sel.ranking.cutoff_tie is None
    assert [r.request.name for r in sel.ranking.rows][3:] == ["Elark AS", "Dokumenta AS"]
    assert sel.suggested() == [str(i) for i in w.ids(0, 1, 2, 4)]
    (event,) = events(db, "prequalification.tie_decided")
    assert event.payload["reason"] == "Best på referanser, det tyngste kriteriet."


def test_a_tie_decision_must_name_every_tied_request_once_and_give_a_reason(db, w):
    with pytest.raises(DomainError, match="nøyaktig én gang"):
        ops.decide_tie(w.tender, w.ids(3), "Grunn", actor=w.s.lead)
    with pytest.raises(DomainError, match="nøyaktig én gang"):
        ops.decide_tie(w.tender, w.ids(3, 0), "Grunn", actor=w.s.lead)
    with pytest.raises(DomainError, match="begrunnelsen"):
        ops.decide_tie(w.tender, w.ids(3, 4), "  ", actor=w.s.lead)


def test_a_set_above_the_maximum_or_below_the_minimum_is_refused(db, w):
    decide_tie(db, w)
    with pytest.raises(DomainError, match="største antall er 4"):
        ops.propose(w.tender, w.ids(0, 1, 2, 3, 4), actor=w.s.lead)
    with pytest.raises(DomainError, match="minste antall er 3"):
        ops.propose(w.tender, w.ids(0, 1), actor=w.s.lead)


def test_skipping_a_higher_ranked_request_is_refused(db, w):
    decide_tie(db, w)
    with pytest.raises(
        DomainError,
        match=r"Elark AS \(nr. 5\) er invitert, men Casefile Norge AS \(nr. 3\) er rangert høyere",
    ):
        ops.propose(w.tender, w.ids(0, 1, 3, 4), actor=w.s.lead)


def test_a_proposal_records_the_ranking_and_is_bound_to_the_hash_of_its_canonical_json(db, w):
    decide_tie(db, w)
    p = ops.propose(w.tender, w.ids(0, 1, 2, 3), actor=w.s.lead)
    db.session.commit()
    from tender.core import prequalification as core

    assert p.number == 1 and p.final_at is None
    assert core.sha256_hex(p.record_json.encode()) == p.sha256
    record = p.record
    assert record["invited"] == sorted(str(i) for i in w.ids(0, 1, 2, 3))
    assert record["tie_decisions"][0]["reason"] == "Best på referanser, det tyngste kriteriet."
    assert "Rangert som nr. 5 med 6 poeng" in record["reasons"][str(w.requests[4].id)]
    assert "Oppfyller ikke kvalifikasjonskrav" in record["reasons"][str(w.requests[5].id)]
    (event,) = events(db, "prequalification.selection_proposed")
    assert event.payload["sha256"] == p.sha256


def approve(db, w, p, signer_index, *, approve=True, comment="", sha256=None):
    signer = w.s.signers[signer_index]
    municipality = w.tender.participating_municipalities[signer_index]
    a = ops.decide_approval(
        w.tender,
        p,
        municipality,
        approve=approve,
        comment=comment,
        sha256=sha256 if sha256 is not None else p.sha256,
        signer=signer,
    )
    db.session.commit()
    return a


def test_every_municipality_approving_makes_the_selection_final_and_sets_the_outcomes(db, w):
    decide_tie(db, w)
    p = ops.propose(w.tender, w.ids(0, 1, 2, 3), actor=w.s.lead)
    db.session.commit()
    approve(db, w, p, 0)
    assert p.final_at is None
    assert [m.name for m in ops.missing_approvals(w.tender, p)] == ["Porsgrunn"]
    approve(db, w, p, 1)
    assert p.final_at is not None
    outcomes = [r.outcome for r in w.requests]
    assert outcomes == [RequestOutcome.INVITED] * 4 + [RequestOutcome.NOT_SELECTED, RequestOutcome.REJECTED]
    (event,) = events(db, "prequalification.selection_final")
    assert event.payload == {
        "number": 1,
        "sha256": p.sha256,
        "invited": 4,
        "not_selected": 1,
        "rejected": 1,
    }


def test_approving_an_old_hash_is_refused(db, w):
    decide_tie(db, w)
    p = ops.propose(w.tender, w.ids(0, 1, 2, 3), actor=w.s.lead)
    db.session.commit()
    with pytest.raises(DomainError, match="ikke det som er lagret"):
        approve(db, w, p, 0, sha256="0" * 64)
    assert p.approvals == []


def test_a_signer_approves_only_for_their_own_municipality(db, w):
    decide_tie(db, w)
    p = ops.propose(w.tender, w.ids(0, 1, 2, 3), actor=w.s.lead)
    db.session.commit()
    porsgrunn = w.tender.participating_municipalities[1]
    with pytest.raises(DomainError, match="ikke godkjenner for Porsgrunn"):
        ops.decide_approval(
            w.tender, p, porsgrunn, approve=True, comment="", sha256=p.sha256, signer=w.s.signers[0]
        )
    with pytest.raises(DomainError, match="ikke godkjenner for Porsgrunn"):
        ops.decide_approval(
            w.tender, p, porsgrunn, approve=True, comment="", sha256=p.sha256, signer=w.s.lead
        )


def test_a_municipality_decides_once_per_proposal(db, w):
    decide_tie(db, w)
    p = ops.propose(w.tender, w.ids(0, 1, 2, 3), actor=w.s.lead)
    db.session.commit()
    approve(db, w, p, 0)
    with pytest.raises(DomainError, match="Skien har allerede tatt stilling"):
        approve(db, w, p, 0)


def test_a_rejection_needs_a_reason_and_lets_the_lead_withdraw_and_propose_anew(db, w):
    decide_tie(db, w)
    p = ops.propose(w.tender, w.ids(0, 1, 2, 3), actor=w.s.lead)
    db.session.commit()
    with pytest.raises(DomainError, match="begrunnelse"):
        approve(db, w, p, 1, approve=False)
    approve(db, w, p, 1, approve=False, comment="Elark bør inviteres; beslutningen er for tynt begrunnet.")
    assert [a.approved for a in ops.rejections(p)] == [False]
    with pytest.raises(DomainError, match="venter på godkjenning"):
        ops.propose(w.tender, w.ids(0, 1, 2, 4), actor=w.s.lead)
    ops.withdraw(w.tender, p, actor=w.s.lead)
    db.session.commit()
    with pytest.raises(DomainError, match="trukket tilbake"):
        approve(db, w, p, 0)
    decide_tie(db, w, first=4, second=3)
    p2 = ops.propose(w.tender, w.ids(0, 1, 2, 4), actor=w.s.lead)
    db.session.commit()
    assert p2.number == 2 and p2.sha256 != p.sha256
    assert len(events(db, "prequalification.selection_withdrawn")) == 1
    assert len(events(db, "prequalification.selection_rejected")) == 1


def test_a_changed_ranking_after_the_proposal_refuses_the_approval(db, w):
    from tender.prequalification.models import SelectionConsensusScore

    decide_tie(db, w)
    p = ops.propose(w.tender, w.ids(0, 1, 2, 3), actor=w.s.lead)
    db.session.commit()
    row = db.session.scalar(
        select(SelectionConsensusScore).where(SelectionConsensusScore.request_id == w.requests[1].id)
    )
    row.score = Decimal("2")
    db.session.commit()
    with pytest.raises(DomainError, match="Rangeringen er endret"):
        approve(db, w, p, 0)


def test_without_approval_asked_the_proposal_is_final_at_once(
    db, clock, create_tender, add_member, create_user
):
    clock.set(PQ_AFTER)
    w = select_world(db, create_tender, add_member, create_user, signers_approve=False)
    decide_tie(db, w)
    p = ops.propose(w.tender, w.ids(0, 1, 2, 3), actor=w.s.lead)
    db.session.commit()
    assert p.final_at is not None
    assert w.requests[0].outcome is RequestOutcome.INVITED
    with pytest.raises(DomainError, match="skal ikke godkjennes"):
        approve(db, w, p, 0)
    with pytest.raises(DomainError, match="endelig"):
        ops.withdraw(w.tender, p, actor=w.s.lead)


def test_requests_missing_consensus_scores_are_listed_and_block_a_selection(
    db, clock, create_tender, add_member, create_user
):
    from tests.prequalification_helpers import pq_setup, submitted_request
    from tests.prequalification_select_helpers import open_requests

    clock.set(PQ_AFTER)
    s = pq_setup(db, create_tender, add_member, create_user)
    requests = [submitted_request(db, s, i) for i in range(6)]
    open_requests(db, s)
    for i, r in enumerate(requests):
        assess(db, s, r)
        score(db, s, r, Decimal(9 - i), skip=1 if i == 2 else None)
    sel = ops.selection_of(s.tender)
    assert [x.name for x in sel.missing_scores] == ["Casefile Norge AS"]
    with pytest.raises(
        DomainError, match="Casefile Norge AS mangler konsensuspoeng for «Kompetanse i leveranseteamet»"
    ):
        ops.propose(s.tender, [requests[i].id for i in (0, 1, 3, 4)], actor=s.lead)


def test_the_hash_of_a_withdrawn_proposal_does_not_approve_the_new_one(db, w):
    decide_tie(db, w)
    old = ops.propose(w.tender, w.ids(0, 1, 2, 3), actor=w.s.lead)
    db.session.commit()
    ops.withdraw(w.tender, old, actor=w.s.lead)
    decide_tie(db, w, first=4, second=3)
    new = ops.propose(w.tender, w.ids(0, 1, 2, 4), actor=w.s.lead)
    db.session.commit()
    with pytest.raises(DomainError, match="ikke det som er lagret"):
        approve(db, w, new, 0, sha256=old.sha256)
    with pytest.raises(DomainError, match="trukket tilbake"):
        approve(db, w, old, 0)
    assert new.approvals == [] and old.approvals == []
    approve(db, w, new, 0)
    assert [a.sha256 for a in new.approvals] == [new.sha256]
