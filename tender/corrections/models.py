"""A correction (rettelse) of the published specification or of the other tender documents, and the answers
in bids it asks to be reviewed.

The draft, the frozen version and the municipalities' approvals are the specification's own rows
(tender.requirements): a correction only names the version it started from, the version it published, its
reason and the lead's decision about the bid deadline. While one is open, ``Specification.correction_open``
lets the specification's editing pages work again (requirements sit below this domain and cannot ask it).

A correction of the tender documents (``kind`` documents) names the published set it started from and the
correcting draft it made (tender.documents); that draft is frozen and every participating municipality
approves its content hash here (:class:`DocumentsApproval`) before it is published. Both kinds share the
numbering: «Rettelse N» counts every correction of the tender.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tender.db_types import UTCDateTime, utcnow
from tender.documents.models import DocumentSetVersion
from tender.extensions import db
from tender.requirements.models import SpecVersion

#: what a correction changes: the requirements specification, or the other tender documents
KIND_SPECIFICATION = "specification"
KIND_DOCUMENTS = "documents"


class Correction(db.Model):  # type: ignore[name-defined,misc]
    """Rettelse nr. ``number`` of a tender's published specification or tender documents: open (a draft)
    until published."""

    __tablename__ = "spec_correction"
    __table_args__ = (UniqueConstraint("tender_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(ForeignKey("tender.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    started_by_name: Mapped[str] = mapped_column(String(120), default="")
    #: "specification" or "documents" (KIND_*)
    kind: Mapped[str] = mapped_column(
        String(20), default=KIND_SPECIFICATION, server_default=KIND_SPECIFICATION
    )
    #: the published specification version the correction changes (a specification correction only)
    base_version_id: Mapped[int | None] = mapped_column(ForeignKey("spec_version.id"))
    #: the version it published (None while open)
    version_id: Mapped[int | None] = mapped_column(ForeignKey("spec_version.id"))
    #: a documents correction: the published set it changes, and its correcting version (draft, frozen,
    #: then published; the link is cleared if the draft is thrown away)
    documents_base_id: Mapped[int | None] = mapped_column(
        ForeignKey("document_set_version.id", ondelete="SET NULL")
    )
    documents_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("document_set_version.id", ondelete="SET NULL")
    )
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    published_by_name: Mapped[str] = mapped_column(String(120), default="")
    #: whether the bid deadline was close enough that the lead had to decide about extending it
    deadline_question: Mapped[bool] = mapped_column(Boolean, default=False)
    #: the bid deadline when published, and the new one if the lead extended it
    deadline_before: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deadline_extended_to: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: why the deadline was not extended (asked, and the lead said no)
    no_extension_reason: Mapped[str] = mapped_column(Text, default="")
    #: vendor users told by e-mail at publication
    notified: Mapped[int] = mapped_column(Integer, default=0)

    base_version: Mapped[SpecVersion | None] = relationship(foreign_keys=[base_version_id])
    version: Mapped[SpecVersion | None] = relationship(foreign_keys=[version_id])
    documents_base: Mapped[DocumentSetVersion | None] = relationship(foreign_keys=[documents_base_id])
    documents_version: Mapped[DocumentSetVersion | None] = relationship(foreign_keys=[documents_version_id])

    @property
    def of_documents(self) -> bool:
        return self.kind == KIND_DOCUMENTS

    @property
    def is_open(self) -> bool:
        return self.published_at is None

    @property
    def label(self) -> str:
        return f"Rettelse {self.number}"


class DocumentsApproval(db.Model):  # type: ignore[name-defined,misc]
    """A municipality's approval of one frozen correcting version of the tender documents, by its signer,
    bound to the version's content hash as the signer saw it."""

    __tablename__ = "documents_correction_approval"
    __table_args__ = (UniqueConstraint("version_id", "municipality_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    correction_id: Mapped[int] = mapped_column(
        ForeignKey("spec_correction.id", ondelete="CASCADE"), index=True
    )
    version_id: Mapped[int] = mapped_column(ForeignKey("document_set_version.id", ondelete="CASCADE"))
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"))
    signer_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    signer_name: Mapped[str] = mapped_column(String(120))
    #: the version's content hash the signer approved
    content_sha256: Mapped[str] = mapped_column(String(64))
    approved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    municipality = relationship("Municipality")


class AnswerReview(db.Model):  # type: ignore[name-defined,misc]
    """A draft bid's answer to a requirement a correction changed: to be reviewed by the vendor, until they
    save the answer again (changed, or confirmed as reviewed)."""

    __tablename__ = "correction_answer_review"
    __table_args__ = (UniqueConstraint("correction_id", "bid_id", "requirement_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    correction_id: Mapped[int] = mapped_column(ForeignKey("spec_correction.id", ondelete="CASCADE"))
    bid_id: Mapped[int] = mapped_column(ForeignKey("bid.id", ondelete="CASCADE"), index=True)
    requirement_key: Mapped[str] = mapped_column(String(40))
    flagged_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    cleared_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    correction: Mapped[Correction] = relationship()
