"""Negotiation (forhandling) in a competitive negotiation: the announcement's reservation, the lead's decision
to negotiate, the meeting records per vendor, the reductions between rounds and the acknowledged differences
in what vendors were told about the tender documents. The rounds themselves are tender.bids.models.BidRound.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tender.db_types import UTCDateTime, utcnow
from tender.extensions import db
from tender.tenders.models import Vendor, _enum


class NegotiationChoice(enum.Enum):
    NEGOTIATE = "negotiate"
    AWARD_INITIAL = "award_initial"

    @property
    def label(self) -> str:
        return {
            "negotiate": "Forhandle",
            "award_initial": "Tildele på grunnlag av de inngående tilbudene",
        }[self.value]


class Negotiation(db.Model):  # type: ignore[name-defined,misc]
    """A tender's negotiation setting (from the announcement) and the lead's decision after round 1."""

    __tablename__ = "negotiation"
    __table_args__ = (
        CheckConstraint("decision IS NULL OR length(decision_reason) > 0", name="decision_has_reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(ForeignKey("tender.id", ondelete="CASCADE"), unique=True)
    #: the announcement reserved the right to award on the initial bids without negotiation (set by the lead
    #: before the first bid deadline; frozen after it)
    award_without_negotiation_reserved: Mapped[bool] = mapped_column(Boolean, default=False)
    decision: Mapped[NegotiationChoice | None] = mapped_column(_enum(NegotiationChoice, "negotiation_choice"))
    decision_reason: Mapped[str] = mapped_column(Text, default="")
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    decided_by_name: Mapped[str] = mapped_column(String(120), default="")


class NegotiationMeeting(db.Model):  # type: ignore[name-defined,misc]
    """The record of one negotiation meeting with one vendor in one round."""

    __tablename__ = "negotiation_meeting"
    __table_args__ = (CheckConstraint("round_no >= 1", name="round_no_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(ForeignKey("tender.id", ondelete="CASCADE"), index=True)
    #: the round whose bids the meeting negotiates
    round_no: Mapped[int] = mapped_column(Integer)
    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendor.id"))
    held_at: Mapped[datetime] = mapped_column(UTCDateTime)
    our_attendees: Mapped[str] = mapped_column(Text)
    vendor_attendees: Mapped[str] = mapped_column(Text)
    topics: Mapped[str] = mapped_column(Text)
    #: what the vendor was told (about its own bid, the process)
    vendor_told: Mapped[str] = mapped_column(Text)
    #: what the vendor was told about the tender documents: must be the same for every vendor of the round
    documents_info: Mapped[str] = mapped_column(Text)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    recorded_by_name: Mapped[str] = mapped_column(String(120), default="")

    vendor: Mapped[Vendor] = relationship()


class InformationDifferenceAck(db.Model):  # type: ignore[name-defined,misc]
    """The lead's acknowledged (with a reason) difference between what vendors of a round were told about the
    tender documents; ``fingerprint`` names the meeting records acknowledged, so a new difference warns
    again."""

    __tablename__ = "negotiation_information_ack"
    __table_args__ = (CheckConstraint("length(reason) > 0", name="has_reason"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(ForeignKey("tender.id", ondelete="CASCADE"), index=True)
    round_no: Mapped[int] = mapped_column(Integer)
    fingerprint: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(Text)
    acknowledged_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    acknowledged_by_name: Mapped[str] = mapped_column(String(120), default="")


class Reduction(db.Model):  # type: ignore[name-defined,misc]
    """The reduction of the vendors after a round, by the announced award criteria: one per round."""

    __tablename__ = "negotiation_reduction"
    __table_args__ = (UniqueConstraint("tender_id", "round_no"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(ForeignKey("tender.id", ondelete="CASCADE"), index=True)
    round_no: Mapped[int] = mapped_column(Integer)
    #: how the announced award criteria were applied
    note: Mapped[str] = mapped_column(Text)
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    decided_by_name: Mapped[str] = mapped_column(String(120), default="")

    leaving: Mapped[list[ReductionLeaving]] = relationship(
        cascade="all, delete-orphan", order_by="ReductionLeaving.id"
    )


class ReductionLeaving(db.Model):  # type: ignore[name-defined,misc]
    """A vendor leaving the competition at a reduction, with the reason it was told."""

    __tablename__ = "negotiation_reduction_leaving"
    __table_args__ = (
        UniqueConstraint("reduction_id", "vendor_id"),
        CheckConstraint("length(reason) > 0", name="has_reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reduction_id: Mapped[int] = mapped_column(
        ForeignKey("negotiation_reduction.id", ondelete="CASCADE"), index=True
    )
    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendor.id"))
    reason: Mapped[str] = mapped_column(Text)
    #: the addresses the letter was sent to (comma-separated; empty: the vendor has no user to write to)
    sent_to: Mapped[str] = mapped_column(Text, default="")

    vendor: Mapped[Vendor] = relationship()
