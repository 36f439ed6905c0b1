"""Prequalification (prekvalifisering): the setup the lead announces, the vendors' requests to take part
(forespørsel om å delta) with their ESPD and documents, the opening, the group's assessment, the selection
scores, and the selection of the candidates invited to bid.

A request is sealed like a bid: until the tender's participation deadline (``Tender.participation_deadline``)
has passed and two members have opened the requests (:class:`RequestOpening`), no one in the group sees
anything of it. The rules are ``tender.prequalification.permissions``; the views never read these rows first.

The setup (:class:`Prequalification` with its requirements, grounds and criteria) is frozen, with a hash of
its canonical form, before the first request is opened; after that it never changes.
"""

from __future__ import annotations

import enum
import json
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

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

from tender.core.scoring import RequirementStatus
from tender.db_types import UTCDateTime, utcnow
from tender.extensions import db
from tender.tenders.models import Vendor, _enum

if TYPE_CHECKING:
    from tender.auth.models import User


# -- the setup ---------------------------------------------------------------------------------------------
class Prequalification(db.Model):  # type: ignore[name-defined,misc]
    """One tender's prequalification setup: whether there is one, the announced numbers of candidates, and
    the settings; its requirements, grounds and criteria are the rows below. The request deadline is the
    tender's ``participation_deadline``."""

    __tablename__ = "prequalification"
    __table_args__ = (
        CheckConstraint("minimum_candidates >= 1", name="minimum_positive"),
        CheckConstraint(
            "maximum_candidates IS NULL OR maximum_candidates >= minimum_candidates", name="maximum_not_below"
        ),
        CheckConstraint("(frozen_at IS NULL) = (frozen_sha256 IS NULL)", name="frozen_has_hash"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(ForeignKey("tender.id", ondelete="CASCADE"), unique=True)
    #: whether vendors must ask to take part before they may bid (the procedure gives the default)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    #: the announced minimum and (optional) maximum number of candidates invited to bid
    minimum_candidates: Mapped[int] = mapped_column(Integer, default=3)
    maximum_candidates: Mapped[int | None] = mapped_column(Integer)
    #: each participating municipality's signer approves the selection (bound to its hash) before it is final
    signers_approve_selection: Mapped[bool] = mapped_column(Boolean, default=True)
    #: the vendors must send a Noark 5 sample extract with the request
    sample_demanded: Mapped[bool] = mapped_column(Boolean, default=False)
    #: frozen (published with the announcement): the canonical JSON of the whole setup and its SHA-256
    frozen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    frozen_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    frozen_sha256: Mapped[str | None] = mapped_column(String(64))
    frozen_json: Mapped[str] = mapped_column(Text, default="")

    @property
    def is_frozen(self) -> bool:
        return self.frozen_at is not None


class QualificationCategory(enum.Enum):
    """The usual groups of qualification requirements (kvalifikasjonskrav)."""

    REGISTRATION = "registration"
    TAX = "tax"
    ECONOMIC = "economic"
    TECHNICAL = "technical"

    @property
    def label(self) -> str:
        return {
            "registration": "Registrering og juridisk stilling",
            "tax": "Skatt og merverdiavgift",
            "economic": "Økonomisk og finansiell kapasitet",
            "technical": "Tekniske og faglige kvalifikasjoner",
        }[self.value]


class QualificationRequirement(db.Model):  # type: ignore[name-defined,misc]
    """One kvalifikasjonskrav: what is demanded, the documentation that proves it, and, where it is
    asked in the ESPD, which ESPD criterion (its type code, e.g.
    CRITERION.SELECTION.TECHNICAL_PROFESSIONAL_ABILITY.REFERENCES.SERVICES_DELIVERY_PERFORMANCE)."""

    __tablename__ = "qualification_requirement"
    __table_args__ = (CheckConstraint("length(text) > 0", name="text_given"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(ForeignKey("tender.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    category: Mapped[QualificationCategory] = mapped_column(
        _enum(QualificationCategory, "qualification_category")
    )
    text: Mapped[str] = mapped_column(Text)
    #: dokumentasjonskrav: the evidence demanded
    documentation: Mapped[str] = mapped_column(Text, default="")
    espd_criterion: Mapped[str | None] = mapped_column(String(200))


class ExclusionGround(db.Model):  # type: ignore[name-defined,misc]
    """One avvisningsgrunn/utelukkelsesgrunn the group checks: mandatory (FOA § 24-2 (1)) or optional."""

    __tablename__ = "exclusion_ground"
    __table_args__ = (CheckConstraint("length(text) > 0", name="text_given"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(ForeignKey("tender.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    mandatory: Mapped[bool] = mapped_column(Boolean, default=True)
    text: Mapped[str] = mapped_column(Text)
    espd_criterion: Mapped[str | None] = mapped_column(String(200))


class SelectionCriterion(db.Model):  # type: ignore[name-defined,misc]
    """One utvelgelseskriterium, weighted in percent (the weights sum to 100), scored 0–10 by the
    descriptors announced with it."""

    __tablename__ = "selection_criterion"
    __table_args__ = (
        CheckConstraint("length(name) > 0", name="name_given"),
        CheckConstraint("weight >= 0", name="weight_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(ForeignKey("tender.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str] = mapped_column(String(200))
    weight: Mapped[Decimal] = mapped_column(Numeric(7, 4))
    description: Mapped[str] = mapped_column(Text, default="")
    #: what the points on the 0–10 scale mean, as announced
    descriptors: Mapped[str] = mapped_column(Text, default="")


# -- the vendors' requests ---------------------------------------------------------------------------------
class RequestStatus(enum.Enum):
    DRAFT = "draft"
    SUBMITTED = "submitted"

    @property
    def label(self) -> str:
        return "Utkast" if self is RequestStatus.DRAFT else "Levert"


class RequestOutcome(enum.Enum):
    """What the final selection decided for a submitted request."""

    INVITED = "invited"
    NOT_SELECTED = "not_selected"
    REJECTED = "rejected"

    @property
    def label(self) -> str:
        return {
            "invited": "Invitert til å gi tilbud",
            "not_selected": "Ikke valgt ut",
            "rejected": "Avvist",
        }[self.value]


class ParticipationRequest(db.Model):  # type: ignore[name-defined,misc]
    """One vendor's request to take part (forespørsel om å delta) in one tender: the draft and, once
    submitted, the delivered request with a receipt hash over everything in it."""

    __tablename__ = "participation_request"
    __table_args__ = (
        UniqueConstraint("tender_id", "vendor_id"),
        CheckConstraint("(status = 'submitted') = (submitted_at IS NOT NULL)", name="submitted_has_time"),
        CheckConstraint("outcome IS NULL OR status = 'submitted'", name="outcome_only_when_submitted"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(ForeignKey("tender.id", ondelete="CASCADE"), index=True)
    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendor.id"))
    status: Mapped[RequestStatus] = mapped_column(
        _enum(RequestStatus, "participation_request_status"), default=RequestStatus.DRAFT
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: SHA-256 of the canonical JSON of the submitted content (company data, ESPD, documents' hashes,
    #: references)
    receipt_sha256: Mapped[str | None] = mapped_column(String(64))
    # company data as the vendor states it in the request
    contact_name: Mapped[str] = mapped_column(String(200), default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    contact_phone: Mapped[str] = mapped_column(String(50), default="")
    address: Mapped[str] = mapped_column(Text, default="")
    country: Mapped[str] = mapped_column(String(2), default="NO")
    #: where the ESPD answers came from: "" (none yet), "file" (an imported ESPD response) or "form"
    espd_source: Mapped[str] = mapped_column(String(10), default="")
    #: the imported ESPD response as the vendor sent it (kept for the record), its name and hash
    espd_filename: Mapped[str] = mapped_column(String(255), default="")
    espd_sha256: Mapped[str] = mapped_column(String(64), default="")
    espd_xml: Mapped[bytes | None] = mapped_column(LargeBinary)
    #: the ESPD answers read from the file, or given in the form, as JSON (tender.core.espd's shape)
    espd_json: Mapped[str] = mapped_column(Text, default="")
    #: set when the selection is final (invited, not selected, or rejected for a requirement/exclusion)
    outcome: Mapped[RequestOutcome | None] = mapped_column(
        _enum(RequestOutcome, "participation_request_outcome")
    )
    lock_version: Mapped[int] = mapped_column(Integer, default=1)

    vendor: Mapped[Vendor] = relationship()
    documents: Mapped[list[RequestDocument]] = relationship(
        cascade="all, delete-orphan", order_by="RequestDocument.id"
    )
    references: Mapped[list[RequestReference]] = relationship(
        cascade="all, delete-orphan", order_by="RequestReference.id"
    )

    __mapper_args__ = {"version_id_col": lock_version}

    @property
    def is_submitted(self) -> bool:
        return self.status is RequestStatus.SUBMITTED

    @property
    def espd(self) -> dict[str, Any]:
        value = json.loads(self.espd_json) if self.espd_json else {}
        return value if isinstance(value, dict) else {}


class RequestDocument(db.Model):  # type: ignore[name-defined,misc]
    """A document in a request: evidence for one qualification requirement (or for the request as a whole),
    or sent later in answer to a clarification (kept beside the original, never replacing it)."""

    __tablename__ = "request_document"
    __table_args__ = (CheckConstraint("size >= 0", name="size_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("participation_request.id", ondelete="CASCADE"), index=True
    )
    requirement_id: Mapped[int | None] = mapped_column(
        ForeignKey("qualification_requirement.id", ondelete="SET NULL")
    )
    clarification_id: Mapped[int | None] = mapped_column(ForeignKey("clarification.id", ondelete="CASCADE"))
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RequestReference(db.Model):  # type: ignore[name-defined,misc]
    """A customer reference in a request: e.g. a municipality running the offered system on Noark 5."""

    __tablename__ = "request_reference"
    __table_args__ = (CheckConstraint("length(customer) > 0", name="customer_given"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("participation_request.id", ondelete="CASCADE"), index=True
    )
    customer: Mapped[str] = mapped_column(String(200))
    system: Mapped[str] = mapped_column(String(200), default="")
    contact: Mapped[str] = mapped_column(String(300), default="")
    period: Mapped[str] = mapped_column(String(100), default="")
    description: Mapped[str] = mapped_column(Text, default="")


# -- the opening -------------------------------------------------------------------------------------------
class RequestOpening(db.Model):  # type: ignore[name-defined,misc]
    """The opening of the requests to take part: after the participation deadline, by the members the
    tender's opening setting asks for (as :class:`tender.bids.models.BidOpening`); the record lists who
    asked to take part and when, with every receipt hash and every late attempt."""

    __tablename__ = "request_opening"
    __table_args__ = (CheckConstraint("persons_required IN (1, 2)", name="persons_required_one_or_two"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(ForeignKey("tender.id", ondelete="CASCADE"), unique=True)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    opened_by_name: Mapped[str] = mapped_column(String(120))
    persons_required: Mapped[int] = mapped_column(Integer, default=2)
    #: canonical JSON: {"opened_at", "persons_required", "opened_by": [...], "requests": [{"vendor",
    #: "organisasjonsnummer", "submitted_at", "receipt_sha256"}], "late_attempts": [...]}
    record_json: Mapped[str] = mapped_column(Text)


class RequestOpeningConfirmation(db.Model):  # type: ignore[name-defined,misc]
    """One member's confirmation that the requests may be opened (withdrawn before the opening)."""

    __tablename__ = "request_opening_confirmation"
    __table_args__ = (UniqueConstraint("tender_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(ForeignKey("tender.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    user_name: Mapped[str] = mapped_column(String(120))
    confirmed_at: Mapped[datetime] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


# -- the assessment ----------------------------------------------------------------------------------------
class QualificationAssessment(db.Model):  # type: ignore[name-defined,misc]
    """Whether one request meets one qualification requirement: met, not met, or needs clarification; always
    with a justification. The latest assessment counts; every change is in the audit trail."""

    __tablename__ = "qualification_assessment"
    __table_args__ = (
        UniqueConstraint("request_id", "requirement_id"),
        CheckConstraint("length(justification) > 0", name="justification_given"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("participation_request.id", ondelete="CASCADE"), index=True
    )
    requirement_id: Mapped[int] = mapped_column(
        ForeignKey("qualification_requirement.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[RequirementStatus] = mapped_column(_enum(RequirementStatus, "qualification_status"))
    justification: Mapped[str] = mapped_column(Text)
    assessed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    assessed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    lock_version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": lock_version}


class ExclusionAssessment(db.Model):  # type: ignore[name-defined,misc]
    """Whether a ground for exclusion applies to one request, with the reason."""

    __tablename__ = "exclusion_assessment"
    __table_args__ = (
        UniqueConstraint("request_id", "ground_id"),
        CheckConstraint("length(reason) > 0", name="reason_given"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("participation_request.id", ondelete="CASCADE"), index=True
    )
    ground_id: Mapped[int] = mapped_column(ForeignKey("exclusion_ground.id", ondelete="CASCADE"), index=True)
    applies: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[str] = mapped_column(Text)
    assessed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    assessed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Clarification(db.Model):  # type: ignore[name-defined,misc]
    """A request for clarification (avklaring) sent to the vendor, with a short deadline; the answer (text
    and documents) is kept beside the original request: it may complete, not improve, the request."""

    __tablename__ = "clarification"
    __table_args__ = (CheckConstraint("length(question) > 0", name="question_given"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("participation_request.id", ondelete="CASCADE"), index=True
    )
    requirement_id: Mapped[int | None] = mapped_column(
        ForeignKey("qualification_requirement.id", ondelete="SET NULL")
    )
    question: Mapped[str] = mapped_column(Text)
    asked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime)
    deadline: Mapped[datetime] = mapped_column(UTCDateTime)
    answer: Mapped[str] = mapped_column(Text, default="")
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    documents: Mapped[list[RequestDocument]] = relationship(order_by="RequestDocument.id", viewonly=True)


# -- selection scores (scored as the bids are: individually, then by consensus) ----------------------------
class SelectionIndividualScore(db.Model):  # type: ignore[name-defined,misc]
    """One evaluator's own score (0–10) of one request on one selection criterion."""

    __tablename__ = "selection_individual_score"
    __table_args__ = (
        UniqueConstraint("request_id", "criterion_id", "evaluator_id"),
        CheckConstraint("score >= 0", name="score_not_negative"),
        CheckConstraint("length(justification) > 0", name="justification_given"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("participation_request.id", ondelete="CASCADE"), index=True
    )
    criterion_id: Mapped[int] = mapped_column(
        ForeignKey("selection_criterion.id", ondelete="CASCADE"), index=True
    )
    evaluator_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    score: Mapped[Decimal] = mapped_column(Numeric(5, 1))
    justification: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    lock_version: Mapped[int] = mapped_column(Integer, default=1)

    evaluator = relationship("User")

    __mapper_args__ = {"version_id_col": lock_version}


class SelectionConsensusScore(db.Model):  # type: ignore[name-defined,misc]
    """The group's agreed score of one request on one selection criterion, with its justification."""

    __tablename__ = "selection_consensus_score"
    __table_args__ = (
        UniqueConstraint("request_id", "criterion_id"),
        CheckConstraint("score >= 0", name="score_not_negative"),
        CheckConstraint("length(justification) > 0", name="justification_given"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("participation_request.id", ondelete="CASCADE"), index=True
    )
    criterion_id: Mapped[int] = mapped_column(
        ForeignKey("selection_criterion.id", ondelete="CASCADE"), index=True
    )
    score: Mapped[Decimal] = mapped_column(Numeric(5, 1))
    justification: Mapped[str] = mapped_column(Text)
    set_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    lock_version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": lock_version}


# -- the selection -----------------------------------------------------------------------------------------
class SelectionTieBreak(db.Model):  # type: ignore[name-defined,misc]
    """A recorded decision ordering requests that stand equal at the cut-off (never the order of
    submission): the order and the reason."""

    __tablename__ = "selection_tie_break"
    __table_args__ = (CheckConstraint("length(reason) > 0", name="reason_given"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(ForeignKey("tender.id", ondelete="CASCADE"), unique=True)
    #: JSON list of request ids, first is best
    order_json: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def order(self) -> list[int]:
        value = json.loads(self.order_json or "[]")
        return [int(v) for v in value] if isinstance(value, list) else []


class SelectionProposal(db.Model):  # type: ignore[name-defined,misc]
    """The lead's proposal of the candidates to invite, with the ranking it rests on, bound to a hash. It is
    final when no approval is asked, or every participating municipality's signer has approved this very
    hash; a newer proposal replaces a withdrawn or rejected one."""

    __tablename__ = "selection_proposal"
    __table_args__ = (UniqueConstraint("tender_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(ForeignKey("tender.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    proposed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    #: canonical JSON: the ranking (every request with its scores and rank), the invited request ids, the tie
    #: decision, the reasons for those not invited
    record_json: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    final_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    approvals: Mapped[list[SelectionApproval]] = relationship(
        cascade="all, delete-orphan", order_by="SelectionApproval.id"
    )

    @property
    def record(self) -> dict[str, Any]:
        value = json.loads(self.record_json or "{}")
        return value if isinstance(value, dict) else {}


class SelectionApproval(db.Model):  # type: ignore[name-defined,misc]
    """A municipality's approval or rejection of one selection proposal, by its signer, bound to the hash
    the signer saw."""

    __tablename__ = "selection_approval"
    __table_args__ = (UniqueConstraint("proposal_id", "municipality_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("selection_proposal.id", ondelete="CASCADE"), index=True
    )
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"))
    signer_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    signer_name: Mapped[str] = mapped_column(String(120))
    approved: Mapped[bool] = mapped_column(Boolean)
    comment: Mapped[str] = mapped_column(Text, default="")
    sha256: Mapped[str] = mapped_column(String(64))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    municipality = relationship("Municipality")
