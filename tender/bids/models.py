"""Bids (tilbud): a vendor's answers to the published specification, its prices, attachments; the opening.

A bid is sealed until the tender's bid deadline has passed and the lead has opened the bids; the views check
that through ``tender.bids.permissions.view_bids`` and :class:`BidOpening`, never by reading these rows first.
"""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import (
    Boolean,
    CheckConstraint,
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
from tender.tenders.models import Vendor, _enum

if TYPE_CHECKING:
    from tender.auth.models import User


class BidStatus(enum.Enum):
    DRAFT = "draft"
    SUBMITTED = "submitted"

    @property
    def label(self) -> str:
        return "Utkast" if self is BidStatus.DRAFT else "Levert"


class Bid(db.Model):  # type: ignore[name-defined,misc]
    """One vendor's bid in one tender; the draft and, once submitted, the delivered bid."""

    __tablename__ = "bid"
    __table_args__ = (
        UniqueConstraint("tender_id", "vendor_id", "round_no"),
        CheckConstraint("(status = 'submitted') = (submitted_at IS NOT NULL)", name="submitted_has_time"),
        CheckConstraint("round_no >= 1", name="round_no_positive"),
        CheckConstraint("NOT rejected OR length(rejection_reason) > 0", name="rejection_has_reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(ForeignKey("tender.id", ondelete="CASCADE"), index=True)
    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendor.id"))
    #: the bid round (tilbudsrunde) this bid belongs to: 1 for the initial bids, 2 and on for the revised bids
    #: of a negotiation (tender.negotiation); a vendor has one bid per round, earlier rounds are kept
    round_no: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    status: Mapped[BidStatus] = mapped_column(_enum(BidStatus, "bid_status"), default=BidStatus.DRAFT)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: SHA-256 of the canonical JSON of the submitted content (answers, prices, attachment hashes)
    receipt_sha256: Mapped[str | None] = mapped_column(String(64))
    #: the published specification version the bid answers
    spec_version_id: Mapped[int | None] = mapped_column(ForeignKey("spec_version.id"))
    #: avvisning: a recorded decision with its reason
    rejected: Mapped[bool] = mapped_column(Boolean, default=False)
    rejection_reason: Mapped[str] = mapped_column(Text, default="")
    rejected_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    rejected_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    lock_version: Mapped[int] = mapped_column(Integer, default=1)

    vendor: Mapped[Vendor] = relationship()
    answers: Mapped[list[BidAnswer]] = relationship(cascade="all, delete-orphan", order_by="BidAnswer.id")
    prices: Mapped[list[BidPriceLine]] = relationship(
        cascade="all, delete-orphan", order_by="BidPriceLine.id"
    )
    attachments: Mapped[list[BidAttachment]] = relationship(
        cascade="all, delete-orphan", order_by="BidAttachment.id"
    )

    __mapper_args__ = {"version_id_col": lock_version}

    @property
    def is_submitted(self) -> bool:
        return self.status is BidStatus.SUBMITTED


class BidAnswer(db.Model):  # type: ignore[name-defined,misc]
    """The vendor's answer to one requirement of the published specification."""

    __tablename__ = "bid_answer"
    __table_args__ = (UniqueConstraint("bid_id", "requirement_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bid_id: Mapped[int] = mapped_column(ForeignKey("bid.id", ondelete="CASCADE"), index=True)
    #: the requirement's stable id in the published version, e.g. "R0042"
    requirement_key: Mapped[str] = mapped_column(String(40))
    #: "Ja"/"Nei"/"Delvis" for those answer forms, free text or a number otherwise
    fulfilled: Mapped[str] = mapped_column(String(200), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    #: reference to documentation: document and section
    documentation_ref: Mapped[str] = mapped_column(String(300), default="")
    #: forbehold: the vendor takes a reservation against this requirement
    reservation: Mapped[bool] = mapped_column(Boolean, default=False)
    reservation_text: Mapped[str] = mapped_column(Text, default="")


class BidPriceLine(db.Model):  # type: ignore[name-defined,misc]
    """One amount in the vendor's price schedule (per municipality where the item asks for it)."""

    __tablename__ = "bid_price_line"
    __table_args__ = (
        UniqueConstraint("bid_id", "price_item_id", "municipality_id"),
        CheckConstraint("amount >= 0", name="amount_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    bid_id: Mapped[int] = mapped_column(ForeignKey("bid.id", ondelete="CASCADE"), index=True)
    price_item_id: Mapped[int] = mapped_column(ForeignKey("price_item.id", ondelete="CASCADE"))
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipality.id"))
    #: NOK excluding VAT
    amount: Mapped[Decimal] = mapped_column(Numeric(16, 2))


class BidAttachment(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "bid_attachment"
    __table_args__ = (CheckConstraint("size >= 0", name="size_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bid_id: Mapped[int] = mapped_column(ForeignKey("bid.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class BidOpening(db.Model):  # type: ignore[name-defined,misc]
    """Tilbudsåpning: done once, after the deadline, when the members the tender's setting asks for (two, one
    of them a lead; or one lead for a small tender) have each confirmed it; the record lists who opened, when,
    every submitted bid with its receipt hash and every late attempt."""

    __tablename__ = "bid_opening"
    __table_args__ = (
        CheckConstraint("persons_required IN (1, 2)", name="persons_required_one_or_two"),
        UniqueConstraint("tender_id", "round_no"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(ForeignKey("tender.id", ondelete="CASCADE"), index=True)
    #: the bid round opened (one opening per round)
    round_no: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: the person whose confirmation completed the opening (the record names every confirming person)
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    opened_by_name: Mapped[str] = mapped_column(String(120))
    #: the tender's setting when it was opened; openings from before two-person opening existed were by the
    #: lead alone, hence the server default 1
    persons_required: Mapped[int] = mapped_column(Integer, default=2, server_default="1")
    #: åpningsprotokoll as canonical JSON: {"opened_at", "persons_required", "opened_by": [{"name", "user_id",
    #: "roles", "confirmed_at"}], "bids": [{"vendor", "organisasjonsnummer", "submitted_at",
    #: "receipt_sha256"}], "late_attempts": [{"vendor", "organisasjonsnummer", "action", "at"}]}; older rows
    #: hold just the bid list
    record_json: Mapped[str] = mapped_column(Text)


class BidOpeningConfirmation(db.Model):  # type: ignore[name-defined,misc]
    """One member's confirmation that the bids may be opened, given in their own session; withdrawn (deleted,
    with an audit event) before the opening, kept as part of the history after it."""

    __tablename__ = "bid_opening_confirmation"
    __table_args__ = (UniqueConstraint("tender_id", "round_no", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(ForeignKey("tender.id", ondelete="CASCADE"), index=True)
    #: the bid round whose opening is confirmed
    round_no: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    user_name: Mapped[str] = mapped_column(String(120))
    confirmed_at: Mapped[datetime] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class RoundKind(enum.Enum):
    INITIAL = "initial"
    REVISED = "revised"
    BAFO = "bafo"

    @property
    def label(self) -> str:
        return {
            "initial": "Inngående tilbud",
            "revised": "Reviderte tilbud",
            "bafo": "Endelige tilbud (BAFO)",
        }[self.value]


class BidRound(db.Model):  # type: ignore[name-defined,misc]
    """One sealed bid round of a tender with negotiation. A tender without negotiation has no rows here and
    one round (``Tender.current_round`` = 1, deadline ``Tender.bid_deadline``). Calling revised bids
    (tender.negotiation) writes the row of the round that closes, if missing, and the row of the new round;
    ``Tender.bid_deadline`` is then the new round's deadline and ``Tender.current_round`` its number, so every
    page about "the bids" works on the current round, and the rounds before it stay as they were opened."""

    __tablename__ = "bid_round"
    __table_args__ = (
        UniqueConstraint("tender_id", "number"),
        CheckConstraint("number >= 1", name="number_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(ForeignKey("tender.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    kind: Mapped[RoundKind] = mapped_column(_enum(RoundKind, "bid_round_kind"))
    #: the round's bid deadline (tilbudsfrist)
    deadline: Mapped[datetime] = mapped_column(UTCDateTime)
    #: when and by whom the round was called (the first round: when its row was written)
    called_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    called_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    called_by_name: Mapped[str] = mapped_column(String(120), default="")
    #: what the vendors were told with the call (the invitation to revised bids)
    message: Mapped[str] = mapped_column(Text, default="")

    vendors: Mapped[list[BidRoundVendor]] = relationship(
        cascade="all, delete-orphan", order_by="BidRoundVendor.id"
    )


class BidRoundVendor(db.Model):  # type: ignore[name-defined,misc]
    """A vendor invited to deliver in a bid round after the first (still in the competition)."""

    __tablename__ = "bid_round_vendor"
    __table_args__ = (UniqueConstraint("round_id", "vendor_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("bid_round.id", ondelete="CASCADE"), index=True)
    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendor.id"))
    vendor: Mapped[Vendor] = relationship()
