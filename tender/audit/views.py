"""The lead's view of a tender's audit trail, filterable by event type and object, and its export as CSV and
PDF.

Before the bids are opened the page leaves out every vendor event (:func:`tender.audit.vendor_activity`), and
before the requests to take part are opened every request event (:func:`tender.audit.request_activity`):
not only the rows, but everything computed from them, the totals, the paging, and the event and object types
offered in the filters, so no filter can be used to probe for a bid. The chain's sequence numbers are left out
too, since a gap in them would tell that something was hidden, and when. After the opening the page shows
everything, as ``tender audit verify`` always does. The exports are built from the same query, so they are
sealed the same way.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Response, render_template, request
from flask_login import login_required
from sqlalchemy import Select, func, not_, select

from tender.audit import AuditEvent, sealed_activity
from tender.audit import labels as audit_labels
from tender.bids.operations import opening_of
from tender.clock import now
from tender.extensions import db
from tender.formatting import oslo
from tender.prequalification.assess_operations import opening_of as request_opening_of
from tender.prequalification.assess_operations import setup_of
from tender.reports.audit_export import audit_csv, audit_pdf
from tender.tenders.access import tender_for
from tender.tenders.models import Tender
from tender.tenders.permissions import view_audit
from tender.web.uploads import send_download

bp = Blueprint("audit", __name__)

PAGE_SIZE = 100


@dataclass(frozen=True)
class TrailQuery:
    tender: Tender
    sealed: bool
    event_type: str
    object_type: str
    object_id: str
    #: the events this person may see, before the filters
    visible: list[Any]
    #: the filtered events, newest first
    stmt: Select[Any]

    @property
    def filtered(self) -> bool:
        return bool(self.event_type or self.object_type or self.object_id)


def _query(tender_id: int) -> TrailQuery:
    tender = tender_for(tender_id, view_audit)
    event_type = request.args.get("type", "").strip()[:80]
    object_type = request.args.get("objekttype", "").strip()[:80]
    object_id = request.args.get("objekt", "").strip()[:80]
    setup = setup_of(tender)
    hidden = sealed_activity(
        tender.id,
        bids_opened=opening_of(tender) is not None,
        requests_opened=request_opening_of(tender) is not None,
        has_requests=setup is not None and setup.enabled,
    )
    sealed = hidden is not None
    mine: list[Any] = [AuditEvent.tender_id == tender.id]
    if hidden is not None:
        mine.append(not_(hidden))
    stmt = select(AuditEvent).where(*mine)
    if event_type:
        stmt = stmt.where(AuditEvent.event_type == event_type)
    if object_type:
        stmt = stmt.where(AuditEvent.object_type == object_type)
    if object_id:
        stmt = stmt.where(AuditEvent.object_id == object_id)
    return TrailQuery(
        tender, sealed, event_type, object_type, object_id, mine, stmt.order_by(AuditEvent.seq.desc())
    )


def _choices(values: list[str], label: Any) -> list[tuple[str, str]]:
    # sorted by what people read, not by the stored identifier
    return sorted(((v, label(v)) for v in values), key=lambda c: c[1].casefold())


def _filter_args(q: TrailQuery) -> dict[str, str]:
    return {
        k: v for k, v in (("type", q.event_type), ("objekttype", q.object_type), ("objekt", q.object_id)) if v
    }


@bp.route("/konkurranser/<int:tender_id>/revisjonsspor")
@login_required
def trail(tender_id: int) -> str:
    q = _query(tender_id)
    page = request.args.get("side", "1")
    page_no = int(page) if page.isdigit() and 0 < int(page) < 10**9 else 1
    total = db.session.scalar(select(func.count()).select_from(q.stmt.order_by(None).subquery())) or 0
    events = db.session.scalars(q.stmt.limit(PAGE_SIZE).offset((page_no - 1) * PAGE_SIZE)).all()
    types = db.session.scalars(select(AuditEvent.event_type).where(*q.visible).distinct()).all()
    object_types = db.session.scalars(
        select(AuditEvent.object_type).where(*q.visible, AuditEvent.object_type.is_not(None)).distinct()
    ).all()
    return render_template(
        "audit/trail.html",
        tender=q.tender,
        events=events,
        types=_choices(list(types), audit_labels.event_label),
        object_types=_choices([t for t in object_types if t], audit_labels.object_label),
        event_type=q.event_type,
        object_type=q.object_type,
        object_id=q.object_id,
        total=total,
        page_no=page_no,
        page_size=PAGE_SIZE,
        sealed=q.sealed,
        filter_args=_filter_args(q),
    )


def _export_name(q: TrailQuery, ext: str) -> str:
    return f"revisjonsspor-{q.tender.id}-{oslo(now()).strftime('%Y%m%d-%H%M')}.{ext}"


@bp.route("/konkurranser/<int:tender_id>/revisjonsspor.csv")
@login_required
def trail_csv(tender_id: int) -> Response:
    q = _query(tender_id)
    data = audit_csv(db.session.scalars(q.stmt).all(), with_seq=not q.sealed)
    return send_download(io.BytesIO(data), _export_name(q, "csv"), "text/csv; charset=utf-8")


@bp.route("/konkurranser/<int:tender_id>/revisjonsspor.pdf")
@login_required
def trail_pdf(tender_id: int) -> Response:
    q = _query(tender_id)
    data = audit_pdf(
        q.tender.title,
        db.session.scalars(q.stmt).all(),
        with_seq=not q.sealed,
        sealed=q.sealed,
        filtered=q.filtered,
        made_at=now(),
    )
    return send_download(io.BytesIO(data), _export_name(q, "pdf"), "application/pdf")
