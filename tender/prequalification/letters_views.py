"""Prequalification pages: the letters to the vendors, the prequalification report and the assessment matrix.

Nothing here answers before the selection is final (403 for members, as every rule does). The group that
evaluates reads every letter, the report and the matrix; a vendor user reads their own company's letter
only: another vendor's request id answers exactly like one that does not exist (404).
"""

from __future__ import annotations

import io
from typing import Any

from flask import Blueprint, abort, render_template, url_for
from flask_login import current_user, login_required

from tender.prequalification import letters_operations as ops
from tender.prequalification.letters_excel import write_matrix_workbook
from tender.prequalification.letters_pdf import render_report
from tender.prequalification.models import ParticipationRequest
from tender.prequalification.permissions import (
    own_prequalification_letter,
    send_prequalification_letters,
    view_prequalification_letters,
)
from tender.tenders.access import tender_for
from tender.tenders.models import Tender
from tender.web.forms import EmptyForm, run_button
from tender.web.uploads import send_download

bp = Blueprint("pq_letters", __name__, url_prefix="/konkurranser/<int:tender_id>/prekvalifisering")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _me() -> Any:
    return current_user._get_current_object()


def _letter_for(tender: Tender, request_id: int) -> ParticipationRequest:
    """The submitted request whose letter the current user may read, else 404 (a draft, another tender's,
    another vendor's and a missing id alike)."""
    found = ops.submitted_request(tender, request_id)
    if found is None:
        abort(404)
    if not view_prequalification_letters(
        current_user, tender
    ) and found.vendor_id not in tender.vendor_ids_of(current_user):
        abort(404)
    return found


@bp.route("/brev")
@login_required
def index(tender_id: int) -> Any:
    tender = tender_for(tender_id, view_prequalification_letters | own_prequalification_letter)
    group = view_prequalification_letters(current_user, tender)
    proposal = ops.final_proposal(tender)
    assert proposal is not None  # the rule holds only when a final proposal exists
    record = ops.SelectionRecord.read(proposal.record)
    requests = [
        r
        for r in ops.submitted_requests(tender)
        if group or r.vendor_id in tender.vendor_ids_of(current_user)
    ]
    return render_template(
        "prequalification/letters_index.html",
        tender=tender,
        group=group,
        proposal=proposal,
        letters=[(r, ops.outcome_of(r, record)) for r in requests],
        form=EmptyForm(),
    )


@bp.route("/brev/<int:request_id>.pdf")
@login_required
def letter(tender_id: int, request_id: int) -> Any:
    tender = tender_for(tender_id, view_prequalification_letters | own_prequalification_letter)
    found = _letter_for(tender, request_id)
    return send_download(
        io.BytesIO(ops.letter_pdf(tender, found)), ops.letter_filename(found), "application/pdf"
    )


@bp.route("/brev/lag", methods=["POST"])
@login_required
def send(tender_id: int) -> Any:
    tender = tender_for(tender_id, send_prequalification_letters)
    if not EmptyForm().validate_on_submit():
        abort(400)
    return run_button(
        lambda: ops.generate_letters(tender, actor=_me()),
        back=url_for("pq_letters.index", tender_id=tender.id),
        success=lambda made: (
            f"{len(made)} brev er laget for utsending; sjekksummen til hvert brev står i revisjonssporet."
        ),
    )


@bp.route("/rapport.pdf")
@login_required
def report(tender_id: int) -> Any:
    tender = tender_for(tender_id, view_prequalification_letters)
    pdf = render_report(ops.report_content(tender))
    return send_download(io.BytesIO(pdf), f"prekvalifiseringsrapport-{tender.id}.pdf", "application/pdf")


@bp.route("/matrise.xlsx")
@login_required
def matrix(tender_id: int) -> Any:
    tender = tender_for(tender_id, view_prequalification_letters)
    stream = io.BytesIO()
    write_matrix_workbook(ops.matrix_content(tender), stream)
    stream.seek(0)
    return send_download(stream, f"prekvalifisering-matrise-{tender.id}.xlsx", XLSX)
