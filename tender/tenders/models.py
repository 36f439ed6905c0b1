"""Tenders, the municipalities and vendors taking part, and the roles users hold in each tender.

The model holds the facts permissions are built from (``roles_of``, ``vendor_ids_of``, ``bids_sealed``); the
rules themselves are each domain's ``permissions.py`` (tender.tenders.permissions and those built on it).
"""

from __future__ import annotations

import enum
import secrets
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Boolean, CheckConstraint, Enum, ForeignKey, Integer, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tender.db_types import UTCDateTime, utcnow
from tender.extensions import db

if TYPE_CHECKING:
    from tender.auth.models import User


def _enum(cls: type[enum.Enum], name: str) -> Enum:
    # Store the lower-case values (not the member names), as a CHECK on SQLite and a native enum on
    # PostgreSQL; ``create_constraint`` makes SQLite refuse unknown values too.
    return Enum(
        cls,
        name=name,
        values_callable=lambda e: [m.value for m in e],
        create_constraint=True,
        validate_strings=True,
    )


class Procedure(enum.Enum):
    OPEN = "open"
    RESTRICTED = "restricted"
    COMPETITIVE_NEGOTIATION = "competitive_negotiation"

    @property
    def label(self) -> str:
        return {
            "open": "Åpen anbudskonkurranse",
            "restricted": "Begrenset anbudskonkurranse",
            "competitive_negotiation": "Konkurranse med forhandling",
        }[self.value]


class Role(enum.Enum):
    LEAD = "lead"
    EVALUATOR = "evaluator"
    SIGNER = "signer"
    OBSERVER = "observer"
    VENDOR = "vendor"

    @property
    def label(self) -> str:
        return {
            "lead": "Prosjektleder (anskaffelse)",
            "evaluator": "Evaluator",
            "signer": "Godkjenner for kommune",
            "observer": "Observatør",
            "vendor": "Leverandørbruker",
        }[self.value]


#: the roles whose members may confirm the opening of the bids
OPENING_ROLES = frozenset({Role.LEAD, Role.EVALUATOR, Role.OBSERVER})


class Municipality(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "municipality"
    __table_args__ = (
        CheckConstraint("length(kommunenummer) = 4", name="kommunenummer_four_digits"),
        CheckConstraint("population >= 0", name="population_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    #: the official four-digit municipality number (kommunenummer), e.g. "4003" for Skien
    kommunenummer: Mapped[str] = mapped_column(String(4), unique=True)
    #: innbyggertall, used to share costs and weigh per-municipality price lines
    population: Mapped[int] = mapped_column(Integer)

    def __repr__(self) -> str:
        return f"<Municipality {self.kommunenummer} {self.name}>"


class Vendor(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "vendor"
    __table_args__ = (CheckConstraint("length(organisasjonsnummer) = 9", name="orgnr_nine_digits"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    #: nine digits, MOD11 check digit verified by ``tender.core.orgnr`` before it gets here
    organisasjonsnummer: Mapped[str] = mapped_column(String(9), unique=True)

    def __repr__(self) -> str:
        return f"<Vendor {self.organisasjonsnummer} {self.name}>"


class TenderMunicipality(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "tender_municipality"
    __table_args__ = (UniqueConstraint("tender_id", "municipality_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(ForeignKey("tender.id", ondelete="CASCADE"), index=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"))
    #: an option municipality (opsjonskommune) may join the contract later: it is not bound from the start
    #: and does not sign off the award (tender.award)
    option: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    #: loaded with the row: pages that list the municipalities would otherwise ask once per municipality
    municipality: Mapped[Municipality] = relationship(lazy="joined")


class TenderVendor(db.Model):  # type: ignore[name-defined,misc]
    """A vendor taking part in a tender (invited or having asked to take part)."""

    __tablename__ = "tender_vendor"
    __table_args__ = (UniqueConstraint("tender_id", "vendor_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(ForeignKey("tender.id", ondelete="CASCADE"), index=True)
    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendor.id"))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    vendor: Mapped[Vendor] = relationship()


class Membership(db.Model):  # type: ignore[name-defined,misc]
    """One role one user holds in one tender."""

    __tablename__ = "membership"
    __table_args__ = (
        UniqueConstraint("tender_id", "user_id", "role"),
        CheckConstraint("(role = 'signer') = (municipality_id IS NOT NULL)", name="signer_has_municipality"),
        CheckConstraint("(role = 'vendor') = (vendor_id IS NOT NULL)", name="vendor_user_has_vendor"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(ForeignKey("tender.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(_enum(Role, "membership_role"))
    #: the municipality a signer signs for
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipality.id"))
    #: the company a vendor user acts for
    vendor_id: Mapped[int | None] = mapped_column(ForeignKey("vendor.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    tender: Mapped[Tender] = relationship(back_populates="memberships")
    user: Mapped[User] = relationship(back_populates="memberships")
    municipality: Mapped[Municipality | None] = relationship()
    vendor: Mapped[Vendor | None] = relationship()


def new_announcement_token() -> str:
    """The secret part of a tender's public announcement link: stable, but not guessable from the id."""
    return secrets.token_urlsafe(24)


class Tender(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "tender"
    __table_args__ = (CheckConstraint("opening_persons IN (1, 2)", name="opening_persons_one_or_two"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    #: the procurement group's case number in its own archive (saksnummer), e.g. "2026/1234"
    case_reference: Mapped[str] = mapped_column(String(50))
    procedure: Mapped[Procedure] = mapped_column(_enum(Procedure, "tender_procedure"))
    #: frist for forespørsel om å delta (prequalification), where the procedure has one
    participation_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: frist for spørsmål
    questions_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: tilbudsfrist: bids are sealed until then, late bids are refused
    bid_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: the public announcement page's link (/kunngjoring/<token>), published by the lead, e.g. in Doffin
    announcement_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_announcement_token)
    #: how many members of the group must confirm the opening of the bids: 2 (the lead and one other), or 1
    #: for a small tender, set by the lead before the bid deadline
    #: (tender.bids.operations.set_opening_persons)
    opening_persons: Mapped[int] = mapped_column(Integer, default=2, server_default="2")
    #: the bid round now running or last run (tender.bids.models.BidRound): 1 unless revised bids were called
    #: in a negotiation; "the bids" of every page are this round's
    current_round: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    #: the standstill period (karensperiode) after the notices of award, in days: FOA § 25-2's minimum of 10
    #: when the notices are sent electronically is the default; a setting, since the rules may change
    standstill_days: Mapped[int] = mapped_column(Integer, default=10, server_default="10")

    municipalities: Mapped[list[TenderMunicipality]] = relationship(
        cascade="all, delete-orphan", order_by="TenderMunicipality.id"
    )
    vendors: Mapped[list[TenderVendor]] = relationship(
        cascade="all, delete-orphan", order_by="TenderVendor.id"
    )
    memberships: Mapped[list[Membership]] = relationship(
        back_populates="tender", cascade="all, delete-orphan", order_by="Membership.id"
    )

    # -- role facts (the rules built on them: tender.tenders.permissions and each domain's permissions.py) --
    def roles_of(self, user: Any) -> set[Role]:
        if user is None or not getattr(user, "is_authenticated", False):
            return set()
        return {m.role for m in self.memberships if m.user_id == user.id}

    def signer_municipalities(self, user: Any) -> list[Municipality]:
        return [
            m.municipality
            for m in self.memberships
            if m.role is Role.SIGNER
            and m.municipality is not None
            and user is not None
            and getattr(user, "is_authenticated", False)
            and m.user_id == user.id
        ]

    def vendor_ids_of(self, user: Any) -> set[int]:
        return {
            m.vendor_id
            for m in self.memberships
            if m.role is Role.VENDOR
            and m.vendor_id is not None
            and user is not None
            and getattr(user, "is_authenticated", False)
            and m.user_id == user.id
        }

    def bids_sealed(self, now: Any) -> bool:
        """No one sees bid content before the deadline (and without a deadline, never)."""
        return self.bid_deadline is None or now < self.bid_deadline

    # -- convenience -------------------------------------------------------------------------------
    @property
    def participating_municipalities(self) -> list[Municipality]:
        return [tm.municipality for tm in self.municipalities]

    @property
    def bound_municipalities(self) -> list[Municipality]:
        """The municipalities bound by the contract from the start: they sign off the award."""
        return [tm.municipality for tm in self.municipalities if not tm.option]

    @property
    def option_municipalities(self) -> list[Municipality]:
        """The option municipalities (opsjonskommuner): they may join the contract later."""
        return [tm.municipality for tm in self.municipalities if tm.option]

    @property
    def participating_vendors(self) -> list[Vendor]:
        return [tv.vendor for tv in self.vendors]

    def __repr__(self) -> str:
        return f"<Tender {self.id} {self.title!r}>"
