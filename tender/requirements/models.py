"""The specification of a tender: an editable working draft, frozen versions, and municipalities' decisions.

The draft lives in rows (chapters, requirements, criteria) so two people can edit different requirements at
once; each requirement row carries a version counter for optimistic locking. Freezing writes the draft's
canonical TOML and its content hash into ``SpecVersion``; approvals belong to one version and never carry
over to another.
"""

from __future__ import annotations

import enum
import json
from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tender.core.spec import AnswerForm, Kind
from tender.db_types import UTCDateTime, utcnow
from tender.extensions import db
from tender.tenders.models import _enum


class Specification(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "specification"

    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(ForeignKey("tender.id", ondelete="CASCADE"), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    #: the next number for a new requirement id (R0001, R0002, ...); ids are never reused, even after deletion
    next_requirement_seq: Mapped[int] = mapped_column(Integer, default=1)
    next_chapter_seq: Mapped[int] = mapped_column(Integer, default=1)
    #: the version that was published to the vendors, if any
    published_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("spec_version.id", use_alter=True, name="fk_specification_published_version")
    )
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: a correction (tender.corrections) is open: the published specification's draft may be edited, frozen,
    #: approved again; set and cleared by the corrections domain, which sits above this one
    correction_open: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    #: a correction published with fewer days than this left to the bid deadline asks the lead to extend it
    correction_notice_days: Mapped[int] = mapped_column(Integer, default=6, server_default="6")

    criteria: Mapped[list[SpecCriterion]] = relationship(
        cascade="all, delete-orphan", order_by="SpecCriterion.position"
    )
    chapters: Mapped[list[SpecChapter]] = relationship(
        cascade="all, delete-orphan", order_by="SpecChapter.position"
    )
    requirements: Mapped[list[SpecRequirement]] = relationship(
        cascade="all, delete-orphan",
        order_by="SpecRequirement.position",
        primaryjoin="Specification.id == SpecRequirement.specification_id",
    )
    versions: Mapped[list[SpecVersion]] = relationship(
        cascade="all, delete-orphan",
        order_by="SpecVersion.number",
        primaryjoin="Specification.id == SpecVersion.specification_id",
    )
    published_version: Mapped[SpecVersion | None] = relationship(
        foreign_keys=[published_version_id], post_update=True
    )


class SpecCriterion(db.Model):  # type: ignore[name-defined,misc]
    """An award criterion as the specification names it (its key is what requirements refer to)."""

    __tablename__ = "spec_criterion"
    __table_args__ = (UniqueConstraint("specification_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    specification_id: Mapped[int] = mapped_column(
        ForeignKey("specification.id", ondelete="CASCADE"), index=True
    )
    key: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer)


class SpecChapter(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "spec_chapter"
    __table_args__ = (UniqueConstraint("specification_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    specification_id: Mapped[int] = mapped_column(
        ForeignKey("specification.id", ondelete="CASCADE"), index=True
    )
    #: stable id, e.g. "K01"
    key: Mapped[str] = mapped_column(String(40))
    number: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer)
    lock_version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": lock_version}


class SpecRequirement(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "spec_requirement"
    __table_args__ = (
        UniqueConstraint("specification_id", "key"),
        CheckConstraint("weight IS NULL OR weight > 0", name="weight_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    specification_id: Mapped[int] = mapped_column(
        ForeignKey("specification.id", ondelete="CASCADE"), index=True
    )
    #: stable id, e.g. "R0042": never reused, never changed by reordering
    key: Mapped[str] = mapped_column(String(40))
    #: display number, e.g. "2.7"
    number: Mapped[str] = mapped_column(String(20))
    chapter_id: Mapped[int] = mapped_column(ForeignKey("spec_chapter.id"), index=True)
    #: order within the whole specification (chapters keep their requirements together)
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[Kind] = mapped_column(_enum(Kind, "requirement_kind"))
    text: Mapped[str] = mapped_column(Text)
    answer_form: Mapped[AnswerForm] = mapped_column(_enum(AnswerForm, "answer_form"))
    unit: Mapped[str | None] = mapped_column(String(40))
    #: key of the SpecCriterion it is scored under (evalueringskrav only)
    criterion_key: Mapped[str | None] = mapped_column(String(40))
    weight: Mapped[Decimal | None] = mapped_column(Numeric(12, 4))
    documentation: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(300), default="")
    #: JSON list of kommunenummer that asked for it; [] = every participating municipality
    municipalities_json: Mapped[str] = mapped_column(Text, default="[]")
    lock_version: Mapped[int] = mapped_column(Integer, default=1)

    chapter: Mapped[SpecChapter] = relationship()

    __mapper_args__ = {"version_id_col": lock_version}

    @property
    def municipalities(self) -> tuple[str, ...]:
        return tuple(json.loads(self.municipalities_json))

    @municipalities.setter
    def municipalities(self, value: tuple[str, ...] | list[str]) -> None:
        self.municipalities_json = json.dumps(list(value))


class SpecVersion(db.Model):  # type: ignore[name-defined,misc]
    """A frozen version: exactly what the municipalities approve and what is published."""

    __tablename__ = "spec_version"
    __table_args__ = (UniqueConstraint("specification_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    specification_id: Mapped[int] = mapped_column(
        ForeignKey("specification.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column(Integer)
    #: SHA-256 over the canonical form (tender.core.spec.content_hash)
    content_hash: Mapped[str] = mapped_column(String(64))
    #: the frozen content in the requirements_specs TOML format
    content_toml: Mapped[str] = mapped_column(Text)
    frozen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    frozen_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(Text, default="")

    decisions: Mapped[list[SpecDecision]] = relationship(
        cascade="all, delete-orphan", order_by="SpecDecision.decided_at"
    )

    @property
    def label(self) -> str:
        return f"versjon {self.number}"


class Decision(enum.Enum):
    APPROVED = "approved"
    REJECTED = "rejected"

    @property
    def label(self) -> str:
        return "Godkjent" if self is Decision.APPROVED else "Avvist"


class SpecDecision(db.Model):  # type: ignore[name-defined,misc]
    """A municipality's approval or rejection of one frozen version, by its signer, with a comment."""

    __tablename__ = "spec_decision"
    __table_args__ = (UniqueConstraint("version_id", "municipality_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("spec_version.id", ondelete="CASCADE"), index=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"))
    signer_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    #: the signer's name at the time, kept for the record
    signer_name: Mapped[str] = mapped_column(String(120))
    decision: Mapped[Decision] = mapped_column(_enum(Decision, "spec_decision_kind"))
    comment: Mapped[str] = mapped_column(Text, default="")
    #: the version's content hash as the signer saw it: binds the decision to exactly that content
    content_hash: Mapped[str] = mapped_column(String(64))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    municipality = relationship("Municipality")
