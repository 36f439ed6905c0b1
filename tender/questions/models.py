"""Questions and answers (spørsmål og svar): a vendor's question as typed, the text the group publishes, the
answer, the municipalities' approvals bound to the exact texts, and the publication to every vendor at once.

What a vendor typed (``original_text``, the attachment) is the asking vendor's and the group's only: other
vendors read the published text, edited by the group so that it names no asker, and never learn who asked.
"""

from __future__ import annotations

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
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from tender.db_types import UTCDateTime, utcnow
from tender.extensions import db
from tender.tenders.models import Municipality, Vendor

if TYPE_CHECKING:
    from tender.auth.models import User


class QuestionSettings(db.Model):  # type: ignore[name-defined,misc]
    """The tender's setting for its questions, set by the lead. Without a row the default holds: a joint
    tender (more than one municipality) has each municipality approve every answer
    (tender.questions.operations.approval_required)."""

    __tablename__ = "question_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(ForeignKey("tender.id", ondelete="CASCADE"), unique=True)
    #: each participating municipality's signer approves an answer (bound to its texts) before it goes out
    approval_required: Mapped[bool] = mapped_column(Boolean)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))


class Question(db.Model):  # type: ignore[name-defined,misc]
    """One vendor's question, its answer while the group drafts it, and its publication."""

    __tablename__ = "question"
    __table_args__ = (
        UniqueConstraint("tender_id", "number"),
        CheckConstraint("(published_at IS NULL) = (number IS NULL)", name="published_has_number"),
        CheckConstraint("number IS NULL OR number >= 1", name="number_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(ForeignKey("tender.id", ondelete="CASCADE"), index=True)
    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendor.id"))
    asked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    #: the asker's name at the time, kept when the account is gone (the group's eyes only)
    asked_by_name: Mapped[str] = mapped_column(String(120))
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: the question exactly as the vendor typed it: kept as it was, shown to the asking vendor and the group
    original_text: Mapped[str] = mapped_column(Text)
    #: the question as it will be (and, once published, was) published: edited so that it names no asker
    published_text: Mapped[str] = mapped_column(Text, default="")
    #: the answer, a draft until published
    answer_text: Mapped[str] = mapped_column(Text, default="")
    drafted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    drafted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    drafted_by_name: Mapped[str] = mapped_column(String(120), default="")
    #: the place in the published Q&A list (1, 2, 3 in order of publication)
    number: Mapped[int | None] = mapped_column(Integer)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    published_by_name: Mapped[str] = mapped_column(String(120), default="")
    #: SHA-256 of the published texts (tender.questions.operations.text_sha256), as approved and sent
    published_sha256: Mapped[str | None] = mapped_column(String(64))

    vendor: Mapped[Vendor] = relationship()
    asked_by: Mapped[User | None] = relationship(foreign_keys=[asked_by_id])
    attachment: Mapped[QuestionAttachment | None] = relationship(
        cascade="all, delete-orphan", uselist=False, back_populates="question"
    )
    approvals: Mapped[list[QuestionApproval]] = relationship(
        cascade="all, delete-orphan", order_by="QuestionApproval.id"
    )

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class QuestionAttachment(db.Model):  # type: ignore[name-defined,misc]
    """A file the vendor sent with the question: the asking vendor's and the group's only, never published
    (it may name the asker)."""

    __tablename__ = "question_attachment"
    __table_args__ = (CheckConstraint("size >= 0", name="size_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id", ondelete="CASCADE"), unique=True)
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    # loaded only for a download, not with every list of questions
    data: Mapped[bytes] = deferred(mapped_column(LargeBinary, nullable=False))

    question: Mapped[Question] = relationship(back_populates="attachment")


class QuestionApproval(db.Model):  # type: ignore[name-defined,misc]
    """A municipality's approval of a question's texts, by its signer, bound to the SHA-256 of the texts the
    signer read: when either text changes afterwards the approval no longer counts."""

    __tablename__ = "question_approval"
    __table_args__ = (UniqueConstraint("question_id", "municipality_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id", ondelete="CASCADE"), index=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"))
    signer_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    signer_name: Mapped[str] = mapped_column(String(120))
    sha256: Mapped[str] = mapped_column(String(64))
    approved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    municipality: Mapped[Municipality] = relationship()
