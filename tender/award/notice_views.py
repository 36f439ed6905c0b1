"""The notices of award, the standstill period and the signed contract: one page for the group and the
vendors alike, the lead's two acts (issuing the notices, recording the contract) and the downloads.

The group sees every notice once the award has begun; a vendor user sees its own company's notice only:
another vendor's notice id answers exactly like one that does not exist (404).
"""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any

from flask import Blueprint, abort, render_template, request, url_for
from flask_login import current_user, login_required

from tender.award import notice_operations as ops
from tender.award.models import AwardNotice
from tender.award.notice_forms import ContractForm, IssueNoticesForm
from tender.award.operations import approvals_complete, contract_of, current_recommendation, notice_issue_of
from tender.award.permissions import (
    issue_award_notices,
    own_award_notice,
    record_award_contract,
    view_award_notices,
)
from tender.clock import now
from tender.errors import DomainError
from tender.formatting import OSLO
from tender.tenders.access import tender_for
from tender.tenders.models import Tender
from tender.web.forms import run_form
from tender.web.uploads import clean_filename, send_download

bp = Blueprint("award_notices", __name__, url_prefix="/konkurranser/<int:tender_id>/tildeling")


def _me() -> Any:
    return current_user._get_current_object()


def _oslo(value: datetime | None) -> datetime | None:
    return value.replace(tzinfo=OSLO) if value is not None else None


def _visible_notices(tender: Tender) -> list[AwardNotice]:
    issue = notice_issue_of(tender)
    if issue is None:
        return []
    if view_award_notices(current_user, tender):
        return list(issue.notices)
    mine = tender.vendor_ids_of(current_user)
    return [n for n in issue.notices if n.vendor_id in mine]


def _page(
    tender: Tender, *, issue_form: IssueNoticesForm | None = None, contract_form: ContractForm | None = None
) -> Any:
    issue = notice_issue_of(tender)
    group = view_award_notices(current_user, tender)
    at = now()
    preview = None
    preview_problem = ""
    if group and issue is None:
        try:
            preview = ops.standstill_from(at, tender.standstill_days)
        except DomainError as error:
            preview_problem = error.message
    period = ops.standstill_of(issue) if issue is not None else None
    if issue_form is None:
        issue_form = IssueNoticesForm(formdata=None, standstill_days=tender.standstill_days)
    return render_template(
        "award/notices/index.html",
        tender=tender,
        group=group,
        issue=issue,
        period=period,
        period_warnings=ops.warnings_in_words(period) if period is not None else [],
        period_end=ops.end_in_words(period) if period is not None else "",
        over=issue is not None and at >= issue.standstill_ends_at,
        preview=preview,
        preview_end=ops.end_in_words(preview) if preview is not None else "",
        preview_warnings=ops.warnings_in_words(preview) if preview is not None else [],
        preview_problem=preview_problem,
        recommendation=current_recommendation(tender) if group else None,
        complete=approvals_complete(tender) if group else False,
        notices=_visible_notices(tender),
        reduced=ops.reduced_rounds(issue) if group and issue is not None else {},
        contract=contract_of(tender) if group else None,
        issue_form=issue_form,
        contract_form=contract_form or ContractForm(formdata=None),
    )


@bp.route("/meddelelser")
@login_required
def index(tender_id: int) -> Any:
    tender = tender_for(tender_id, view_award_notices | own_award_notice)
    return _page(tender)


@bp.route("/meddelelser/send", methods=["POST"])
@login_required
def issue(tender_id: int) -> Any:
    tender = tender_for(tender_id, issue_award_notices)
    form = IssueNoticesForm()
    done = run_form(
        form,
        lambda: ops.issue_notices(tender, actor=_me(), days=form.standstill_days.data),
        back=url_for("award_notices.index", tender_id=tender.id),
        success=lambda issue: (
            f"{len(issue.notices)} meddelelser om tildeling er sendt. Karensperioden løper til "
            f"{ops.end_in_words(ops.standstill_of(issue))}."
        ),
    )
    return done if done is not None else (_page(tender, issue_form=form), 422)


@bp.route("/meddelelser/<int:notice_id>.pdf")
@login_required
def notice(tender_id: int, notice_id: int) -> Any:
    tender = tender_for(tender_id, view_award_notices | own_award_notice)
    found = ops.notice_of(tender, notice_id)
    if found is None or found not in _visible_notices(tender):
        abort(404)
    return send_download(io.BytesIO(found.data), found.filename, ops.PDF)


@bp.route("/kontrakt", methods=["POST"])
@login_required
def contract(tender_id: int) -> Any:
    tender = tender_for(tender_id, record_award_contract)
    form = ContractForm()

    def record() -> Any:
        upload = request.files.get(form.document.name)
        data = upload.read() if upload is not None else b""
        signed_at = _oslo(form.signed_at.data)
        assert signed_at is not None  # InputRequired
        return ops.record_contract(
            tender,
            filename=clean_filename(
                upload.filename if upload is not None else "", f"kontrakt-{tender.id}.pdf"
            ),
            data=data,
            signed_at=signed_at,
            signed_for_municipalities=form.signed_for_municipalities.data or "",
            signed_for_vendor=form.signed_for_vendor.data or "",
            actor=_me(),
        )

    done = run_form(
        form,
        record,
        back=url_for("award_notices.index", tender_id=tender.id),
        success=lambda c: f"Den signerte kontrakten er registrert med kontrollsum {c.sha256}.",
    )
    return done if done is not None else (_page(tender, contract_form=form), 422)


@bp.route("/kontrakt.pdf")
@login_required
def contract_document(tender_id: int) -> Any:
    tender = tender_for(tender_id, view_award_notices)
    found = contract_of(tender)
    if found is None:
        abort(404)
    return send_download(io.BytesIO(found.data), found.filename, found.content_type)
