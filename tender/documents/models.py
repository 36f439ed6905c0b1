"""The tender documents (konkurransegrunnlaget): numbered versions of one set, its documents, and every
download.

A version is a draft until it is frozen: freezing keeps the SHA-256 of the canonical list of its documents
(kind, label, file name and each file's SHA-256), and from then on neither the version nor its documents
change; publication makes a frozen version the one vendors receive. A change after publication is a new
version (a correction, with its reason), never an edit of the published one.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Integer,
    LargeBinary,
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


class DocumentKind(enum.Enum):
    """What a document is in the set; the order here is the order of the set."""

    INVITATION = "invitation"
    SPECIFICATION = "specification"
    ANSWER_FORM = "answer_form"
    CONTRACT = "contract"
    APPENDIX = "appendix"
    PRICE_SCHEDULE = "price_schedule"
    QUALIFICATION = "qualification"
    AWARD_CRITERIA = "award_criteria"

    @property
    def label(self) -> str:
        return KIND_LABELS[self]


KIND_LABELS: dict[DocumentKind, str] = {
    DocumentKind.INVITATION: "Konkurransebestemmelser (invitasjon)",
    DocumentKind.SPECIFICATION: "Kravspesifikasjon (PDF)",
    DocumentKind.ANSWER_FORM: "Svarskjema (Excel)",
    DocumentKind.CONTRACT: "Kontrakt",
    DocumentKind.APPENDIX: "Kontraktsbilag",
    DocumentKind.PRICE_SCHEDULE: "Prisskjema",
    DocumentKind.QUALIFICATION: "Kvalifikasjonskrav",
    DocumentKind.AWARD_CRITERIA: "Tildelingskriterier og prismodell",
}


class DocumentSetVersion(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "document_set_version"
    __table_args__ = (
        UniqueConstraint("tender_id", "number"),
        CheckConstraint("number >= 1", name="number_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(ForeignKey("tender.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    #: the standard agreement the contract follows (SSA-K, SSA-V, SSA-D) or "" for another contract; it only
    #: prefills the labels of the contract and its appendices
    agreement: Mapped[str] = mapped_column(String(10), default="")
    #: a correction (rettelse) of the version before, with its reason
    is_correction: Mapped[bool] = mapped_column(Boolean, default=False)
    correction_reason: Mapped[str] = mapped_column(Text, default="")
    frozen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: SHA-256 over the canonical list of the documents (kept when the version is frozen)
    content_sha256: Mapped[str | None] = mapped_column(String(64))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    documents: Mapped[list[TenderDocument]] = relationship(
        cascade="all, delete-orphan", order_by="TenderDocument.position", back_populates="version"
    )

    @property
    def is_draft(self) -> bool:
        return self.frozen_at is None


class TenderDocument(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "tender_document"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        ForeignKey("document_set_version.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    kind: Mapped[DocumentKind] = mapped_column(_enum(DocumentKind, "tender_document_kind"))
    label: Mapped[str] = mapped_column(String(200))
    #: made by the tool from frozen data (the specification, the evaluation model, the prequalification)
    generated: Mapped[bool] = mapped_column(Boolean, default=False)
    #: what it was made from, in words (e.g. the specification's version and hash)
    source: Mapped[str] = mapped_column(Text, default="")
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    version: Mapped[DocumentSetVersion] = relationship(back_populates="documents")


class DocumentDownload(db.Model):  # type: ignore[name-defined,misc]
    """One download of one document of a published version: who (the user, and the vendor they act for;
    none for a member of the group), which version, when."""

    __tablename__ = "document_download"

    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(ForeignKey("tender.id", ondelete="CASCADE"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("document_set_version.id", ondelete="CASCADE"))
    document_id: Mapped[int] = mapped_column(ForeignKey("tender_document.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    user_name: Mapped[str] = mapped_column(String(200), default="")
    vendor_id: Mapped[int | None] = mapped_column(ForeignKey("vendor.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime)

    vendor: Mapped[Vendor | None] = relationship()
    user: Mapped[User | None] = relationship()
    version: Mapped[DocumentSetVersion] = relationship()
    document: Mapped[TenderDocument] = relationship()
