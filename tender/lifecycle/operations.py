"""Gathers the facts tender.core.lifecycle derives a tender's stage from (reading only; nothing is stored).

The top floor of the domains: the stage depends on the specification's approvals, the evaluation model, the
bids' opening and the evaluation, so this package reads them all and nothing below imports it.

Sealing: before the opening nothing here reads a bid or sample table (tests/test_sealed_marker.py watches the
queries); the opening's own tables are the seal and may be read.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import exists, select

from tender.award import operations as award
from tender.award.models import RecommendationState, SignOffDecision
from tender.bids.models import Bid
from tender.bids.operations import opening_of, valid_confirmations
from tender.core.lifecycle import (
    ORDER,
    PREQUALIFICATION_STAGES,
    Facts,
    Stage,
    Standing,
    Step,
    stage_order,
    standing,
    steps_for,
)
from tender.evaluation import operations as evaluation
from tender.evaluation.models import ConsensusScore, IndividualScoreRow, MinimumRequirementCheck
from tender.evaluation_model import operations as evaluation_model
from tender.evaluation_model.models import Phase
from tender.extensions import db
from tender.lifecycle.permissions import see_whole_lifecycle
from tender.prequalification import select_operations as selection
from tender.prequalification.models import (
    ExclusionAssessment,
    ParticipationRequest,
    Prequalification,
    QualificationAssessment,
    RequestOpening,
    RequestOpeningConfirmation,
    SelectionIndividualScore,
)
from tender.prequalification.permissions import vendor_may_bid
from tender.requirements.models import Decision
from tender.requirements.operations import latest_version, specification_of
from tender.tenders.models import Role, Tender


def facts_of(tender: Tender, now: datetime) -> Facts:
    spec = specification_of(tender)
    latest = latest_version(spec) if spec is not None else None
    names = {m.id: m.name for m in tender.participating_municipalities}
    model = evaluation_model.model_of(tender)
    opened = opening_of(tender) is not None
    facts = Facts(
        now=now,
        municipalities=tuple(names.values()),
        evaluators=tuple(u.name for u in evaluation_model.evaluators_of(tender)),
        latest_version=latest.number if latest else None,
        approved=tuple(
            names[d.municipality_id]
            for d in (latest.decisions if latest else [])
            if d.decision is Decision.APPROVED and d.municipality_id in names
        ),
        rejected=tuple(
            names[d.municipality_id]
            for d in (latest.decisions if latest else [])
            if d.decision is Decision.REJECTED and d.municipality_id in names
        ),
        published=spec is not None and spec.published_version_id is not None,
        model_locked=model is not None and model.frozen_at is not None,
        bid_deadline=tender.bid_deadline,
        opening_persons=tender.opening_persons,
        confirmed_by=tuple(c.user_name for c in valid_confirmations(tender, now)) if not opened else (),
        opened=opened,
        consensus_open=model is not None and model.phase is Phase.CONSENSUS,
    )
    facts = _with_prequalification(tender, facts)
    if not opened:
        return facts
    # From here on the bids are open: the group may know how far the evaluation has come.
    started = db.session.scalar(
        select(
            exists().where(
                IndividualScoreRow.bid_id == Bid.id,
                Bid.tender_id == tender.id,
                Bid.round_no == tender.current_round,
            )
            | exists().where(
                MinimumRequirementCheck.bid_id == Bid.id,
                Bid.tender_id == tender.id,
                Bid.round_no == tender.current_round,
            )
        )
    )
    missing: dict[str, set[int]] = {name: set() for name in facts.evaluators}
    for gap in evaluation.unscored(tender):
        for person in gap.missing:
            missing.setdefault(person.name, set()).add(gap.criterion.id)
    bids = [b for b in evaluation.opened_bids(tender) if not b.rejected]
    leaves = evaluation_model.quality_leaves(tender)
    given = {
        (bid_id, crit_id)
        for bid_id, crit_id in db.session.execute(
            select(ConsensusScore.bid_id, ConsensusScore.criterion_id)
            .join(Bid, Bid.id == ConsensusScore.bid_id)
            .where(Bid.tender_id == tender.id, Bid.round_no == tender.current_round)
        )
    }
    facts = Facts(
        **{
            **facts.__dict__,
            "evaluation_started": bool(started),
            "scores_missing": tuple((name, len(ids)) for name, ids in missing.items()),
            "consensus_missing": sum((b.id, c.id) not in given for b in bids for c in leaves),
        }
    )
    return _with_award(tender, facts)


def _with_award(tender: Tender, facts: Facts) -> Facts:
    """The award's facts (read only after the opening): the recommendation and the bound municipalities'
    decisions on its current snapshot, the notices and the standstill, the contract."""
    rec = award.current_recommendation(tender)
    issue = award.notice_issue_of(tender)
    values: dict[str, Any] = {
        "award_municipalities": tuple(m.name for m in award.signers_municipalities(tender)),
        "notices_issued": issue is not None,
        "standstill_ends_at": issue.standstill_ends_at if issue is not None else None,
        "contract_signed": award.contract_of(tender) is not None,
    }
    if rec is not None:
        names = {m.id: m.name for m in award.signers_municipalities(tender)}
        valid = award.valid_sign_offs(rec)
        values["recommendation"] = True
        values["recommendation_frozen"] = rec.state is RecommendationState.FROZEN
        values["award_approved"] = tuple(
            names[i] for i, s in valid.items() if i in names and s.decision is SignOffDecision.APPROVED
        )
        values["award_rejected"] = tuple(
            names[i] for i, s in valid.items() if i in names and s.decision is SignOffDecision.REJECTED
        )
    return Facts(**{**facts.__dict__, **values})


def _prequalification_of(tender: Tender) -> Prequalification | None:
    setup = db.session.scalar(select(Prequalification).where(Prequalification.tender_id == tender.id))
    return setup if setup is not None and setup.enabled else None


def _with_prequalification(tender: Tender, facts: Facts) -> Facts:
    """The prequalification's facts. Sealing: before the requests' opening only the setup, the deadline and
    the opening confirmations (the seal itself) are read; never a request, nor a count of them."""
    setup = _prequalification_of(tender)
    if setup is None:
        return facts
    opening = db.session.scalar(select(RequestOpening.id).where(RequestOpening.tender_id == tender.id))
    opened = opening is not None
    values: dict[str, Any] = {
        "prequalification": True,
        "pq_frozen": setup.is_frozen,
        "participation_deadline": tender.participation_deadline,
        "pq_opening_persons": tender.opening_persons,
        "pq_opened": opened,
        "selection_asks_approval": setup.signers_approve_selection,
    }
    if not opened:
        values["pq_confirmed_by"] = tuple(
            db.session.scalars(
                select(RequestOpeningConfirmation.user_name)
                .where(RequestOpeningConfirmation.tender_id == tender.id)
                .order_by(RequestOpeningConfirmation.confirmed_at)
            )
        )
        return Facts(**{**facts.__dict__, **values})
    # From here on the requests are open: the group may know how far the assessment has come.
    requests = select(ParticipationRequest.id).where(ParticipationRequest.tender_id == tender.id)
    values["pq_assessment_started"] = bool(
        db.session.scalar(
            select(
                exists().where(QualificationAssessment.request_id.in_(requests))
                | exists().where(ExclusionAssessment.request_id.in_(requests))
                | exists().where(SelectionIndividualScore.request_id.in_(requests))
            )
        )
    )
    found = selection.selection_of(tender)
    values["pq_assessments_missing"] = sum(
        len(s.open_requirements) for s in found.standings if s.standing == selection.UNDECIDED
    )
    values["pq_consensus_missing"] = sum(
        len(s.missing_scores)
        for s in found.standings
        if s.standing in (selection.QUALIFIED, selection.UNDECIDED)
    )
    live = selection.live_proposal(tender)
    if live is not None and live.final_at is not None:
        values["selection_final"] = True
    elif live is not None:
        names = {m.id: m.name for m in tender.participating_municipalities}
        values["selection_proposed"] = live.number
        values["selection_approved"] = tuple(
            names[a.municipality_id] for a in live.approvals if a.approved and a.municipality_id in names
        )
        values["selection_rejected"] = tuple(
            names[a.municipality_id] for a in live.approvals if not a.approved and a.municipality_id in names
        )
    return Facts(**{**facts.__dict__, **values})


def stages_of(tender: Tender) -> tuple[Stage, ...]:
    """The stages this tender goes through, in order (the prequalification's only where it has one)."""
    return stage_order(prequalified=_prequalification_of(tender) is not None)


def standing_of(tender: Tender, now: datetime) -> Standing:
    return standing(facts_of(tender, now))


def steps_for_user(tender: Tender, found: Standing, user: Any) -> tuple[Step, ...]:
    """The steps that concern ``user`` in this tender (each role sees what concerns them)."""
    roles = frozenset(r.value for r in tender.roles_of(user))
    mine = frozenset(m.name for m in tender.signer_municipalities(user))
    steps = steps_for(found, roles, municipalities=mine, name=getattr(user, "name", ""))
    if (
        Role.VENDOR.value in roles
        and found.stage not in PREQUALIFICATION_STAGES
        and not vendor_may_bid(tender.id, tender.vendor_ids_of(user))
    ):
        # a vendor the prequalification did not invite has no bid to deliver
        steps = tuple(s for s in steps if s.roles != {Role.VENDOR.value})
    return steps


def who_acts(tender: Tender, step: Step) -> list[str]:
    """The names of the members who must act on ``step``: the signers of its municipality, or the evaluator it
    names (the lead sees those steps too, but cannot act for them), otherwise everyone holding one of its
    roles."""
    people: dict[int, str] = {}
    if not step.actionable:
        return []
    for m in tender.memberships:
        if m.role.value not in step.roles or m.role is Role.VENDOR:
            continue
        if step.municipality is not None and not (
            m.role is Role.SIGNER and m.municipality is not None and m.municipality.name == step.municipality
        ):
            continue
        if step.person is not None and not (m.role is Role.EVALUATOR and m.user.name == step.person):
            continue
        people.setdefault(m.user_id, m.user.name)
    return sorted(people.values())


def visible_stage(tender: Tender, found: Standing, user: Any) -> Stage | None:
    """The stage as ``user`` may see it: the group sees it all; a vendor sees the public part only (published,
    the bidding, the deadline passed), never how far the group has come with the bids; None: not published."""
    if see_whole_lifecycle(user, tender):
        return found.stage
    if found.stage in PREQUALIFICATION_STAGES:
        # a vendor sees the requests' deadline, never how far the group has come with the requests
        if found.stage is Stage.PQ_SETUP:
            return None
        return found.stage if found.stage is Stage.PQ_REQUESTS else Stage.PQ_DEADLINE_PASSED
    public = (Stage.PUBLISHED, Stage.BIDDING, Stage.DEADLINE_PASSED)
    if found.stage in public:
        return found.stage
    return Stage.DEADLINE_PASSED if ORDER.index(found.stage) > ORDER.index(Stage.DEADLINE_PASSED) else None
