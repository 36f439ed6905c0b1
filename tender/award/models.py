"""The award (tildeling): the lead's recommendation (innstilling) frozen as a snapshot with a content hash,
each bound municipality's sign-off of that snapshot, the cost split among the municipalities, the notices of
award with the standstill period (karensperiode), and the signed contract.

A sign-off names the snapshot hash it approves: it counts only while the recommendation's current snapshot
has that hash, so a change to anything in the snapshot (a consensus score, a text, the cost split) leaves
every earlier approval behind. Option municipalities (``TenderMunicipality.option``) do not sign off.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    LargeBinary,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tender.db_types import UTCDateTime, utcnow
from tender.extensions import db
from tender.tenders.models import Municipality, Vendor, _enum


class RecommendationState(enum.Enum):
    DRAFT = "draft"
    #: frozen as a snapshot: the signers approve or reject it
    FROZEN = "frozen"
    #: rejected by a municipality or withdrawn by the lead: the tender is back in evaluation
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return {"draft": "Utkast", "frozen": "Låst for godkjenning", "withdrawn": "Trukket tilbake"}[
            self.value
        ]


class Recommendation(db.Model):  # type: ignore[name-defined,misc]
    """One version of the recommendation (innstilling). A tender has at most one that is not withdrawn."""

    __tablename__ = "award_recommendation"
    __table_args__ = (
        UniqueConstraint("tender_id", "number", name="one_number_per_tender"),
        CheckConstraint("state <> 'frozen' OR length(content_sha256) = 64", name="frozen_has_hash"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(ForeignKey("tender.id", ondelete="CASCADE"), index=True)
    #: 1, 2, … per tender: a new draft after a rejection or withdrawal gets the next number
    number: Mapped[int] = mapped_column(Integer)
    #: the bid round the recommendation is based on (the final round)
    round_no: Mapped[int] = mapped_column(Integer)
    state: Mapped[RecommendationState] = mapped_column(
        _enum(RecommendationState, "recommendation_state"), default=RecommendationState.DRAFT
    )
    winner_bid_id: Mapped[int | None] = mapped_column(ForeignKey("bid.id", ondelete="SET NULL"))
    #: the lead's summary of the recommendation (why this bid, in words)
    summary: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_name: Mapped[str] = mapped_column(String(120), default="")
    frozen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    frozen_by_name: Mapped[str] = mapped_column(String(120), default="")
    #: the canonical JSON of the snapshot (evaluation inputs, results, texts, cost split) and its SHA-256
    content_json: Mapped[str] = mapped_column(Text, default="")
    content_sha256: Mapped[str] = mapped_column(String(64), default="")
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_reason: Mapped[str] = mapped_column(Text, default="")

    texts: Mapped[list[RecommendationText]] = relationship(
        back_populates="recommendation", cascade="all, delete-orphan", order_by="RecommendationText.id"
    )
    sign_offs: Mapped[list[AwardSignOff]] = relationship(
        back_populates="recommendation", cascade="all, delete-orphan", order_by="AwardSignOff.id"
    )


class RecommendationText(db.Model):  # type: ignore[name-defined,misc]
    """The written account per award criterion: with ``bid_id`` the winner's own bid, the winning bid's
    characteristics; with another bid, its relative advantages compared with that bid."""

    __tablename__ = "award_recommendation_text"
    __table_args__ = (UniqueConstraint("recommendation_id", "criterion_id", "bid_id", name="one_text_each"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(
        ForeignKey("award_recommendation.id", ondelete="CASCADE"), index=True
    )
    criterion_id: Mapped[int] = mapped_column(ForeignKey("award_criterion.id", ondelete="CASCADE"))
    bid_id: Mapped[int] = mapped_column(ForeignKey("bid.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(Text, default="")

    recommendation: Mapped[Recommendation] = relationship(back_populates="texts")


class DecisionBody(enum.Enum):
    KOMMUNESTYRE = "kommunestyre"
    FORMANNSKAP = "formannskap"
    KOMMUNEDIREKTOR = "kommunedirektor"

    @property
    def label(self) -> str:
        return {
            "kommunestyre": "Kommunestyret",
            "formannskap": "Formannskapet",
            "kommunedirektor": "Kommunedirektøren (delegert myndighet)",
        }[self.value]


class SignOffDecision(enum.Enum):
    APPROVED = "approved"
    REJECTED = "rejected"

    @property
    def label(self) -> str:
        return {"approved": "Godkjent", "rejected": "Avvist"}[self.value]


class AwardSignOff(db.Model):  # type: ignore[name-defined,misc]
    """One bound municipality's decision on one snapshot of the recommendation, with the decision behind it
    (the body that decided, its date and its case number in the municipality's own archive)."""

    __tablename__ = "award_sign_off"
    __table_args__ = (
        UniqueConstraint("recommendation_id", "municipality_id", "content_sha256", name="once_per_snapshot"),
        CheckConstraint("length(content_sha256) = 64", name="names_a_snapshot"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(
        ForeignKey("award_recommendation.id", ondelete="CASCADE"), index=True
    )
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"))
    #: the snapshot this decision is about: it counts only while the recommendation has this hash
    content_sha256: Mapped[str] = mapped_column(String(64))
    decision: Mapped[SignOffDecision] = mapped_column(_enum(SignOffDecision, "award_sign_off_decision"))
    comment: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[DecisionBody] = mapped_column(_enum(DecisionBody, "award_decision_body"))
    decision_date: Mapped[date] = mapped_column(Date)
    case_number: Mapped[str] = mapped_column(String(60))
    signer_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    signer_name: Mapped[str] = mapped_column(String(120))
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: set when the snapshot changed after this decision (recorded in the audit trail too)
    lapsed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    recommendation: Mapped[Recommendation] = relationship(back_populates="sign_offs")
    municipality: Mapped[Municipality] = relationship()


class CostSplitKey(enum.Enum):
    POPULATION = "population"
    EQUAL = "equal"
    FIXED_PLUS_POPULATION = "fixed_plus_population"
    CUSTOM = "custom"

    @property
    def label(self) -> str:
        return {
            "population": "Etter innbyggertall",
            "equal": "Like deler",
            "fixed_plus_population": "Fast andel hver, resten etter innbyggertall",
            "custom": "Egne prosentsatser",
        }[self.value]


class CostSplit(db.Model):  # type: ignore[name-defined,misc]
    """The key the lead chose for sharing the contract price among the bound municipalities."""

    __tablename__ = "award_cost_split"

    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(ForeignKey("tender.id", ondelete="CASCADE"), unique=True)
    key: Mapped[CostSplitKey] = mapped_column(_enum(CostSplitKey, "cost_split_key"))
    #: with FIXED_PLUS_POPULATION: the share of the total split equally, in percent (e.g. 30 → 30 % equally)
    fixed_percent: Mapped[Decimal | None] = mapped_column(Numeric(9, 6))
    set_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    set_by_name: Mapped[str] = mapped_column(String(120), default="")

    shares: Mapped[list[CostSplitShare]] = relationship(
        back_populates="cost_split", cascade="all, delete-orphan", order_by="CostSplitShare.id"
    )


class CostSplitShare(db.Model):  # type: ignore[name-defined,misc]
    """With CUSTOM: one municipality's percentage (the percentages sum to exactly 100)."""

    __tablename__ = "award_cost_split_share"
    __table_args__ = (UniqueConstraint("cost_split_id", "municipality_id", name="one_share_each"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cost_split_id: Mapped[int] = mapped_column(
        ForeignKey("award_cost_split.id", ondelete="CASCADE"), index=True
    )
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"))
    percent: Mapped[Decimal] = mapped_column(Numeric(9, 6))

    cost_split: Mapped[CostSplit] = relationship(back_populates="shares")
    municipality: Mapped[Municipality] = relationship()


class NoticeIssue(db.Model):  # type: ignore[name-defined,misc]
    """The notices of award issued to every bidder at one moment, and the standstill period they start."""

    __tablename__ = "award_notice_issue"

    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(ForeignKey("tender.id", ondelete="CASCADE"), unique=True)
    recommendation_id: Mapped[int] = mapped_column(ForeignKey("award_recommendation.id", ondelete="RESTRICT"))
    #: the snapshot the notices were issued on (every bound municipality approved this hash)
    content_sha256: Mapped[str] = mapped_column(String(64))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime)
    issued_by_name: Mapped[str] = mapped_column(String(120))
    standstill_days: Mapped[int] = mapped_column(Integer)
    #: the end of the standstill period: the contract may be signed from this moment
    standstill_ends_at: Mapped[datetime] = mapped_column(UTCDateTime)

    notices: Mapped[list[AwardNotice]] = relationship(
        back_populates="issue", cascade="all, delete-orphan", order_by="AwardNotice.id"
    )


class AwardNotice(db.Model):  # type: ignore[name-defined,misc]
    """One bidder's notice of award (meddelelse om tildeling): its PDF as sent, and to whom it was mailed."""

    __tablename__ = "award_notice"
    __table_args__ = (UniqueConstraint("issue_id", "vendor_id", name="one_notice_per_vendor"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    issue_id: Mapped[int] = mapped_column(ForeignKey("award_notice_issue.id", ondelete="CASCADE"), index=True)
    bid_id: Mapped[int] = mapped_column(ForeignKey("bid.id", ondelete="RESTRICT"))
    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendor.id"))
    #: the recipient is the chosen vendor
    chosen: Mapped[bool] = mapped_column(Boolean, default=False)
    filename: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    #: the addresses the notice was mailed to, one per line
    mailed_to: Mapped[str] = mapped_column(Text, default="")

    issue: Mapped[NoticeIssue] = relationship(back_populates="notices")
    vendor: Mapped[Vendor] = relationship()


class Contract(db.Model):  # type: ignore[name-defined,misc]
    """The signed joint contract: who signed, when, and the signed document with its hash."""

    __tablename__ = "award_contract"

    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(ForeignKey("tender.id", ondelete="CASCADE"), unique=True)
    issue_id: Mapped[int] = mapped_column(ForeignKey("award_notice_issue.id", ondelete="RESTRICT"))
    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendor.id"))
    #: when the contract was signed (after the standstill ended)
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: who signed, for the municipalities and for the vendor, in words (one per line)
    signed_by: Mapped[str] = mapped_column(Text)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    recorded_by_name: Mapped[str] = mapped_column(String(120))
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)

    vendor: Mapped[Vendor] = relationship()
