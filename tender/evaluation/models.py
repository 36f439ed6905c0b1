"""The evaluation record: individual scores, consensus scores and minimum-requirement checks of the opened
bids, scored under the evaluation model (tender.evaluation_model).

Scores carry a version counter so concurrent saving by many evaluators never silently loses an edit.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tender.core.scoring import RequirementStatus
from tender.db_types import UTCDateTime, utcnow
from tender.extensions import db
from tender.tenders.models import _enum


class IndividualScoreRow(db.Model):  # type: ignore[name-defined,misc]
    """One evaluator's own score of one bid on one quality leaf."""

    __tablename__ = "individual_score"
    __table_args__ = (
        UniqueConstraint("bid_id", "criterion_id", "evaluator_id"),
        CheckConstraint("score >= 0", name="score_not_negative"),
        CheckConstraint("length(justification) > 0", name="justification_given"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    bid_id: Mapped[int] = mapped_column(ForeignKey("bid.id", ondelete="CASCADE"), index=True)
    criterion_id: Mapped[int] = mapped_column(
        ForeignKey("award_criterion.id", ondelete="CASCADE"), index=True
    )
    evaluator_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    score: Mapped[Decimal] = mapped_column(Numeric(8, 4))
    justification: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    lock_version: Mapped[int] = mapped_column(Integer, default=1)

    evaluator = relationship("User")

    __mapper_args__ = {"version_id_col": lock_version}


class ConsensusScore(db.Model):  # type: ignore[name-defined,misc]
    """The group's agreed score of one bid on one quality leaf, with its justification."""

    __tablename__ = "consensus_score"
    __table_args__ = (
        UniqueConstraint("bid_id", "criterion_id"),
        CheckConstraint("score >= 0", name="score_not_negative"),
        CheckConstraint("length(justification) > 0", name="justification_given"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    bid_id: Mapped[int] = mapped_column(ForeignKey("bid.id", ondelete="CASCADE"), index=True)
    criterion_id: Mapped[int] = mapped_column(
        ForeignKey("award_criterion.id", ondelete="CASCADE"), index=True
    )
    score: Mapped[Decimal] = mapped_column(Numeric(8, 4))
    justification: Mapped[str] = mapped_column(Text)
    set_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    lock_version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": lock_version}


class MinimumRequirementCheck(db.Model):  # type: ignore[name-defined,misc]
    """Whether one bid meets one minstekrav: met, not met (flags the bid for rejection) or to clarify."""

    __tablename__ = "requirement_check"
    __table_args__ = (UniqueConstraint("bid_id", "requirement_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bid_id: Mapped[int] = mapped_column(ForeignKey("bid.id", ondelete="CASCADE"), index=True)
    requirement_key: Mapped[str] = mapped_column(String(40))
    status: Mapped[RequirementStatus] = mapped_column(_enum(RequirementStatus, "requirement_check_status"))
    reason: Mapped[str] = mapped_column(Text, default="")
    checked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
