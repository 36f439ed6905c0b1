"""Noark 5 samples (prøveuttrekk) vendors upload in a tender, and their validation.

A sample belongs to one participating vendor in one tender and is part of that vendor's bid (:attr:`bid_id`):
it is uploaded into the bid (a draft is created for it if needed), only before the bid deadline and only while
the bid is not yet submitted. The validation runs at once, so the vendor sees its own report and can upload a
better sample before the deadline. When the bid is submitted, the vendor's newest sample at that moment is
marked :attr:`submitted_with_bid`: that one, and no other, is "the sample submitted with the bid"; its SHA-256
and file name are in the bid's receipt hash, the procurement group sees it after the bid opening, and the
minimum-requirement result is read from it. Samples replaced before submission stay the vendor's own.

When the prequalification demands a sample with the request to take part, the sample belongs to the request
(:attr:`request_id`) instead, under the request's deadline and seal; no flag marks the one submitted, since a
submitted request never changes: it is the request's newest (``tender.noark.operations.sample_of_request``).

The uploaded file and the full JSON report live in the storage (:mod:`tender.storage`) under
``noark/<sample id>/`` (``extract.<ext>`` and ``report.json``); the row keeps what lists and the side-by-side
table need: status, progress, verdict, counts and a per-check summary.

A minstekrav can be marked as "checked by Noark validation" (:class:`NoarkRequirementLink`); the automatic
result per vendor follows from the sample submitted with the vendor's bid and still needs an evaluator's
confirmation (:class:`NoarkRequirementConfirmation`).
"""

from __future__ import annotations

import enum
import json
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tender.db_types import UTCDateTime, utcnow
from tender.extensions import db
from tender.tenders.models import Vendor, _enum


class SampleStatus(enum.Enum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"

    @property
    def label(self) -> str:
        return {"queued": "I kø", "running": "Kontrolleres", "done": "Ferdig", "failed": "Feilet"}[self.value]


class Verdict(enum.Enum):
    VALID = "valid"
    INVALID = "invalid"
    #: the file could not be used as an extract at all (not an archive, corrupt, over a limit)
    UNREADABLE = "unreadable"

    @property
    def label(self) -> str:
        return {"valid": "Gyldig", "invalid": "Ugyldig", "unreadable": "Kan ikke leses"}[self.value]


class ExtractSample(db.Model):  # type: ignore[name-defined,misc]
    """One uploaded Noark 5 extract and where its validation stands."""

    __tablename__ = "noark_sample"
    __table_args__ = (
        CheckConstraint("progress_percent >= 0 AND progress_percent <= 100", name="progress_is_percent"),
        CheckConstraint("size_bytes >= 0", name="size_not_negative"),
        CheckConstraint("error_count >= 0 AND warning_count >= 0", name="counts_not_negative"),
        CheckConstraint("(status = 'done') = (verdict IS NOT NULL)", name="verdict_when_done"),
        CheckConstraint("NOT submitted_with_bid OR bid_id IS NOT NULL", name="submitted_sample_has_bid"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(ForeignKey("tender.id", ondelete="CASCADE"), index=True)
    #: the participating vendor the sample is for (never taken from the URL: from the uploader's membership)
    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendor.id"), index=True)
    #: the vendor's bid the sample is part of (None only for samples uploaded before samples became part of
    #: bids)
    bid_id: Mapped[int | None] = mapped_column(ForeignKey("bid.id", ondelete="CASCADE"), index=True)
    #: the vendor's request to take part the sample is part of, when the prequalification demands one
    request_id: Mapped[int | None] = mapped_column(
        ForeignKey("participation_request.id", ondelete="CASCADE"), index=True
    )
    #: set when the bid is submitted, on the vendor's newest sample at that moment: the one sealed with the
    #: bid
    submitted_with_bid: Mapped[bool] = mapped_column(Boolean, default=False)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    #: the file name as the vendor's browser sent it (shown, never used as a path)
    original_filename: Mapped[str] = mapped_column(String(255))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    #: the upload's key in the storage (``tender.storage``: relative, e.g. ``noark/12/extract.zip``)
    storage_key: Mapped[str] = mapped_column(String(500))
    status: Mapped[SampleStatus] = mapped_column(
        _enum(SampleStatus, "noark_sample_status"), default=SampleStatus.QUEUED
    )
    #: bytes of the extract read so far, in whole percent
    progress_percent: Mapped[int] = mapped_column(Integer, default=0)
    verdict: Mapped[Verdict | None] = mapped_column(_enum(Verdict, "noark_verdict"))
    error_count: Mapped[int] = mapped_column(Integer, default=0)
    warning_count: Mapped[int] = mapped_column(Integer, default=0)
    #: JSON list of the checks: id, Norwegian name, status and counts (the side-by-side table reads this)
    summary_json: Mapped[str] = mapped_column(Text, default="[]")
    #: why the validation could not be carried out (unreadable input, or an internal failure), in Norwegian
    problem: Mapped[str] = mapped_column(Text, default="")
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: written by the running worker every few seconds; a "running" sample with an old heartbeat was
    #: left behind by a crashed worker and is queued again
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: how many times a worker has started on it
    attempts: Mapped[int] = mapped_column(Integer, default=0)

    vendor: Mapped[Vendor] = relationship()

    @property
    def summary(self) -> list[dict[str, Any]]:
        value = json.loads(self.summary_json or "[]")
        return value if isinstance(value, list) else []

    @property
    def is_finished(self) -> bool:
        return self.status in (SampleStatus.DONE, SampleStatus.FAILED)

    def __repr__(self) -> str:
        return f"<ExtractSample {self.id} vendor={self.vendor_id} {self.status.value}>"


class NoarkRequirementLink(db.Model):  # type: ignore[name-defined,misc]
    """A minstekrav of the tender's specification that the Noark validation result fills in."""

    __tablename__ = "noark_requirement_link"
    __table_args__ = (UniqueConstraint("tender_id", "requirement_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(ForeignKey("tender.id", ondelete="CASCADE"), index=True)
    #: the requirement's stable key (SpecRequirement.key, e.g. "R0042"), as bids and evaluation use it
    requirement_key: Mapped[str] = mapped_column(String(40))
    linked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    linked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class NoarkRequirementConfirmation(db.Model):  # type: ignore[name-defined,misc]
    """An evaluator's confirmation of the automatic result for one vendor, tied to the sample it was read
    from."""

    __tablename__ = "noark_requirement_confirmation"
    __table_args__ = (UniqueConstraint("link_id", "vendor_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    link_id: Mapped[int] = mapped_column(
        ForeignKey("noark_requirement_link.id", ondelete="CASCADE"), index=True
    )
    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendor.id"))
    #: the sample whose verdict was confirmed (the one submitted with the bid); a confirmation of any other
    #: sample does not count
    sample_id: Mapped[int] = mapped_column(ForeignKey("noark_sample.id", ondelete="CASCADE"))
    #: the automatic result that was confirmed
    met: Mapped[bool] = mapped_column()
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    #: who confirmed, in words, kept when the account is gone
    confirmed_by_name: Mapped[str] = mapped_column(String(120))
    confirmed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    link: Mapped[NoarkRequirementLink] = relationship()
