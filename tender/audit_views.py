"""The lead's view of a tender's audit trail, filterable by event type and object."""
from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import login_required
from sqlalchemy import func, select

from tender.audit import AuditEvent
from tender.extensions import db
from tender.tenders.access import tender_for
from tender.tenders.models import Tender

bp = Blueprint("audit", __name__)

PAGE_SIZE = 100


@bp.route("/konkurranser/<int:tender_id>/revisjonsspor")
@login_required
def trail(tender_id: int) -> str:
    tender = tender_for(tender_id, Tender.can_view_audit)
    event_type = request.args.get("type", "").strip()[:80]
    object_type = request.args.get("objekttype", "").strip()[:80]
    object_id = request.args.get("objekt", "").strip()[:80]
    page = request.args.get("side", "1")
    page_no = int(page) if page.isdigit() and int(page) > 0 else 1

    stmt = select(AuditEvent).where(AuditEvent.tender_id == tender.id)
    if event_type:
        stmt = stmt.where(AuditEvent.event_type == event_type)
    if object_type:
        stmt = stmt.where(AuditEvent.object_type == object_type)
    if object_id:
        stmt = stmt.where(AuditEvent.object_id == object_id)
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    events = db.session.scalars(
        stmt.order_by(AuditEvent.seq.desc()).limit(PAGE_SIZE).offset((page_no - 1) * PAGE_SIZE)
    ).all()
    types = db.session.scalars(select(AuditEvent.event_type).where(AuditEvent.tender_id == tender.id)
                               .distinct().order_by(AuditEvent.event_type)).all()
    object_types = db.session.scalars(select(AuditEvent.object_type).where(AuditEvent.tender_id == tender.id,
                                      AuditEvent.object_type.is_not(None)).distinct()
                                      .order_by(AuditEvent.object_type)).all()
    return render_template("audit/trail.html", tender=tender, events=events, types=types,
                           object_types=object_types, event_type=event_type, object_type=object_type,
                           object_id=object_id, total=total, page_no=page_no, page_size=PAGE_SIZE)
