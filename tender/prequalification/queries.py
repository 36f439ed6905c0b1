"""The prequalification's rows as every part reads them: the setup's requirements, grounds and criteria in
the setup's order, and the submitted requests in the order they came in. One definition each, so that the
setup page, the vendor's request, the assessment, the selection and the letters number and list them alike."""

from __future__ import annotations

from sqlalchemy import select

from tender.extensions import db
from tender.prequalification.models import (
    ExclusionGround,
    ParticipationRequest,
    Prequalification,
    QualificationCategory,
    QualificationRequirement,
    RequestStatus,
    SelectionCriterion,
)
from tender.tenders.models import Tender


def setup_of(tender: Tender) -> Prequalification | None:
    """The tender's prequalification setup; None when the lead never saved one."""
    return db.session.scalar(select(Prequalification).where(Prequalification.tender_id == tender.id))


def requirements_of(tender: Tender) -> list[QualificationRequirement]:
    """The qualification requirements group by group (the categories' order), each group by position: a
    requirement's position counts within its group, so the groups' order comes first."""
    rows = db.session.scalars(
        select(QualificationRequirement)
        .where(QualificationRequirement.tender_id == tender.id)
        .order_by(QualificationRequirement.position, QualificationRequirement.id)
    ).all()
    order = list(QualificationCategory)
    return sorted(rows, key=lambda r: (order.index(r.category), r.position, r.id))


def grounds_of(tender: Tender) -> list[ExclusionGround]:
    return list(
        db.session.scalars(
            select(ExclusionGround)
            .where(ExclusionGround.tender_id == tender.id)
            .order_by(ExclusionGround.position, ExclusionGround.id)
        )
    )


def criteria_of(tender: Tender) -> list[SelectionCriterion]:
    return list(
        db.session.scalars(
            select(SelectionCriterion)
            .where(SelectionCriterion.tender_id == tender.id)
            .order_by(SelectionCriterion.position, SelectionCriterion.id)
        )
    )


def submitted_requests(tender: Tender) -> list[ParticipationRequest]:
    """The tender's submitted requests (drafts never), in the order they were submitted."""
    return list(
        db.session.scalars(
            select(ParticipationRequest)
            .where(
                ParticipationRequest.tender_id == tender.id,
                ParticipationRequest.status == RequestStatus.SUBMITTED,
            )
            .order_by(ParticipationRequest.submitted_at, ParticipationRequest.id)
        )
    )
