"""The award's shared facts: the current recommendation, which sign-offs count, the notices and the contract.

The parts of the award build on these: drafting and freezing the recommendation and its sign-offs
(``recommendation_operations``), the cost split (``cost_operations``), the notices, the standstill and the
contract (``notice_operations``). Reading only: nothing here changes state.
"""

from __future__ import annotations

from sqlalchemy import select

from tender.award.models import (
    AwardSignOff,
    Contract,
    NoticeIssue,
    Recommendation,
    RecommendationState,
    SignOffDecision,
)
from tender.extensions import db
from tender.tenders.models import Municipality, Tender


def current_recommendation(tender: Tender) -> Recommendation | None:
    """The recommendation being drafted or signed off (the newest one not withdrawn), or None."""
    return db.session.scalar(
        select(Recommendation)
        .where(Recommendation.tender_id == tender.id, Recommendation.state != RecommendationState.WITHDRAWN)
        .order_by(Recommendation.number.desc())
        .limit(1)
    )


def recommendations_of(tender: Tender) -> list[Recommendation]:
    """Every recommendation of the tender, withdrawn ones included, oldest first."""
    return list(
        db.session.scalars(
            select(Recommendation)
            .where(Recommendation.tender_id == tender.id)
            .order_by(Recommendation.number)
        )
    )


def signers_municipalities(tender: Tender) -> list[Municipality]:
    """The municipalities that sign off the award: those bound from the start (not the option ones)."""
    return tender.bound_municipalities


def valid_sign_offs(recommendation: Recommendation) -> dict[int, AwardSignOff]:
    """Per municipality id, its decision on the recommendation's current snapshot (a decision on another
    hash, or one that lapsed, does not count)."""
    if recommendation.state is not RecommendationState.FROZEN or not recommendation.content_sha256:
        return {}
    return {
        s.municipality_id: s
        for s in recommendation.sign_offs
        if s.content_sha256 == recommendation.content_sha256 and s.lapsed_at is None
    }


def approvals_complete(tender: Tender) -> bool:
    """Every bound municipality approved the current snapshot: the rule before the notices."""
    rec = current_recommendation(tender)
    if rec is None or rec.state is not RecommendationState.FROZEN:
        return False
    valid = valid_sign_offs(rec)
    bound = signers_municipalities(tender)
    return bool(bound) and all(
        (s := valid.get(m.id)) is not None and s.decision is SignOffDecision.APPROVED for m in bound
    )


def notice_issue_of(tender: Tender) -> NoticeIssue | None:
    return db.session.scalar(select(NoticeIssue).where(NoticeIssue.tender_id == tender.id))


def contract_of(tender: Tender) -> Contract | None:
    return db.session.scalar(select(Contract).where(Contract.tender_id == tender.id))
