"""The lead's view of a tender's audit trail, filterable by event type and object.

Before the bids are opened the page leaves out every vendor event (:func:`tender.audit.vendor_activity`):
not only the rows, but everything computed from them, the totals, the paging, and the event and object types
offered in the filters, so no filter can be used to probe for a bid. The chain's sequence numbers are left out
too, since a gap in them would tell that something was hidden, and when. After the opening the page shows
everything, as ``tender audit verify`` always does.
"""
from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import login_required
from sqlalchemy import func, not_, select

from tender.audit import AuditEvent, vendor_activity
from tender.bids.operations import opening_of
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
    page_no = int(page) if page.isdigit() and 0 < int(page) < 10**9 else 1

    sealed = opening_of(tender) is None
    mine = [AuditEvent.tender_id == tender.id]
    if sealed:
        mine.append(not_(vendor_activity(tender.id)))
    stmt = select(AuditEvent).where(*mine)
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
    types = db.session.scalars(select(AuditEvent.event_type).where(*mine)
                               .distinct().order_by(AuditEvent.event_type)).all()
    object_types = db.session.scalars(select(AuditEvent.object_type).where(*mine, AuditEvent.object_type.is_not(None))
                                      .distinct().order_by(AuditEvent.object_type)).all()
    return render_template("audit/trail.html", tender=tender, events=events, types=types,
                           object_types=object_types, event_type=event_type, object_type=object_type,
                           object_id=object_id, total=total, page_no=page_no, page_size=PAGE_SIZE, sealed=sealed)
