"""A person's registration as a vendor user, and how each vendor user of a tender came in."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tender.auth.models import User
from tender.db_types import UTCDateTime, utcnow
from tender.extensions import db
from tender.tenders.models import Membership, Tender, Vendor, _enum


class RegistrationStatus(enum.Enum):
    #: the confirmation link is in the person's mailbox
    AWAITING_CONFIRMATION = "awaiting_confirmation"
    #: confirmed; the vendor already has an administrator, who decides
    AWAITING_APPROVAL = "awaiting_approval"
    #: the person is a vendor user now
    ACCEPTED = "accepted"
    #: the vendor's administrator said no
    REFUSED = "refused"
    #: refused by the rules (an account in the procurement group, a competitor's user)
    BLOCKED = "blocked"

    @property
    def label(self) -> str:
        return {
            "awaiting_confirmation": "Venter på bekreftelse av e-postadressen",
            "awaiting_approval": "Venter på godkjenning fra leverandørens administrator",
            "accepted": "Godkjent",
            "refused": "Avslått av leverandørens administrator",
            "blocked": "Avvist",
        }[self.value]


class CameInVia(enum.Enum):
    REGISTRATION = "registration"
    APPROVAL = "approval"
    OPERATOR = "operator"
    #: a vendor membership that existed before vendors registered themselves (added by the migration)
    BEFORE_REGISTRATION = "before_registration"

    @property
    def label(self) -> str:
        return {
            "registration": (
                "Registrerte seg fra kunngjøringssiden og bekreftet e-postadressen (første bruker)"
            ),
            "approval": "Registrerte seg og ble godkjent av leverandørens administrator",
            "operator": "Lagt til av systemets driftsansvarlige på kommandolinjen",
            "before_registration": "Lagt til før leverandørene registrerte seg selv",
        }[self.value]


class VendorRegistration(db.Model):  # type: ignore[name-defined,misc]
    """Someone asking, from the announcement page, to act for a vendor in a tender. Only the SHA-256 of the
    confirmation token is stored; the token itself exists only in the e-mail."""

    __tablename__ = "vendor_registration"

    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(ForeignKey("tender.id", ondelete="CASCADE"), index=True)
    organisasjonsnummer: Mapped[str] = mapped_column(String(9))
    #: the company name as the person wrote it (used only when the company is new to us)
    vendor_name: Mapped[str] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str] = mapped_column(String(254))
    #: the chosen password, hashed at once; used when the confirmed address has no account yet
    password_hash: Mapped[str] = mapped_column(String(255))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[RegistrationStatus] = mapped_column(
        _enum(RegistrationStatus, "vendor_registration_status"),
        default=RegistrationStatus.AWAITING_CONFIRMATION,
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: set at confirmation
    vendor_id: Mapped[int | None] = mapped_column(ForeignKey("vendor.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    tender: Mapped[Tender] = relationship()
    vendor: Mapped[Vendor | None] = relationship()
    user: Mapped[User | None] = relationship(foreign_keys=[user_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])


class VendorUser(db.Model):  # type: ignore[name-defined,misc]
    """How one vendor membership came about, and whether that person administers the vendor's users."""

    __tablename__ = "vendor_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    membership_id: Mapped[int] = mapped_column(ForeignKey("membership.id", ondelete="CASCADE"), unique=True)
    is_administrator: Mapped[bool] = mapped_column(default=False)
    came_in_via: Mapped[CameInVia] = mapped_column(_enum(CameInVia, "vendor_user_came_in_via"))
    came_in_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: the administrator who approved the person (for CameInVia.APPROVAL)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    registration_id: Mapped[int | None] = mapped_column(
        ForeignKey("vendor_registration.id", ondelete="SET NULL")
    )

    membership: Mapped[Membership] = relationship()
    approved_by: Mapped[User | None] = relationship()
