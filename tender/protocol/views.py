"""The procurement protocol's downloads: its JSON and its PDF, for the lead (tender.protocol.permissions).
Each download is in the audit trail (``protocol.downloaded``)."""

from __future__ import annotations

import io

from flask import Blueprint, Response
from flask_login import current_user, login_required

from tender.protocol import operations
from tender.protocol.permissions import keep_protocol
from tender.reports.protocol_pdf import render_protocol_pdf
from tender.tenders.access import tender_for
from tender.web.uploads import send_download

bp = Blueprint("protocol", __name__)


@bp.route("/konkurranser/<int:tender_id>/protokoll.json")
@login_required
def protocol_json(tender_id: int) -> Response:
    tender = tender_for(tender_id, keep_protocol)
    data = operations.protocol_json(operations.protocol_of(tender))
    operations.record_download(tender, "json", actor=current_user)
    return send_download(
        io.BytesIO(data), operations.protocol_filename(tender, "json"), "application/json; charset=utf-8"
    )


@bp.route("/konkurranser/<int:tender_id>/protokoll.pdf")
@login_required
def protocol_pdf(tender_id: int) -> Response:
    tender = tender_for(tender_id, keep_protocol)
    data = render_protocol_pdf(operations.protocol_of(tender))
    operations.record_download(tender, "pdf", actor=current_user)
    return send_download(io.BytesIO(data), operations.protocol_filename(tender, "pdf"), "application/pdf")
