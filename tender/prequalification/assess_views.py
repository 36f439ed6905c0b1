"""The requests to take part, for the group: the page of the opening by two (before it, only the deadline
and the confirmations: never a count of requests), the opening record, each opened request with its
documents and ESPD answers beside the qualification requirements, the assessment, the grounds for
exclusion, the clarifications and the selection scores (individual, then by consensus); and, for the vendor's
users, their own company's clarifications to answer.

Every page showing request content checks ``view_requests`` (the deadline passed and the requests opened)
before it reads a request; a request is loaded only within the tender in the URL and submitted (404
otherwise), so before the opening a real id answers as one that does not exist.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from flask import Blueprint, abort, render_template, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from tender.clock import now as clock_now
from tender.core.scoring import RequirementStatus
from tender.extensions import db
from tender.prequalification import assess_operations as ops
from tender.prequalification import queries
from tender.prequalification.assess_forms import (
    AnswerForm,
    AssessForm,
    ClarificationForm,
    ExclusionForm,
    SelectionScoreForm,
)
from tender.prequalification.models import (
    Clarification,
    ExclusionGround,
    ParticipationRequest,
    QualificationRequirement,
    RequestDocument,
    SelectionCriterion,
)
from tender.prequalification.permissions import (
    assess_requests,
    confirm_request_opening,
    decide_selection,
    score_requests,
    view_request_list,
    view_requests,
)
from tender.prequalification.permissions import (
    request as request_rule,
)
from tender.tenders.access import tender_for
from tender.tenders.models import Tender, Vendor
from tender.tenders.opening import keep_late
from tender.web.forms import EmptyForm, run_button, run_form
from tender.web.uploads import send_download

bp = Blueprint("pq_assess", __name__, url_prefix="/konkurranser/<int:tender_id>/prekvalifisering")


def _me() -> Any:
    return current_user._get_current_object()


def _request_or_404(tender: Tender, request_id: int) -> ParticipationRequest:
    found = db.session.get(ParticipationRequest, request_id)
    if found is None or found.tender_id != tender.id or not found.is_submitted:
        abort(404)
    return found


def _in_tender(model: Any, tender: Tender, object_id: int) -> Any:
    found = db.session.get(model, object_id)
    if found is None or found.tender_id != tender.id:
        abort(404)
    return found


# -- the requests and their opening ----------------------------------------------------------------------
@bp.route("/foresporsler")
@login_required
def requests(tender_id: int) -> Any:
    tender = tender_for(tender_id, view_request_list)
    now = clock_now()
    opening = ops.opening_of(tender)
    visible = view_requests(current_user, tender, now=now)
    rows = ops.submitted_requests(tender) if visible else []
    return render_template(
        "prequalification/assess_requests.html",
        tender=tender,
        now=now,
        deadline_passed=tender.participation_deadline is not None and now >= tender.participation_deadline,
        opening=opening,
        record=ops.opening_record(opening) if opening else None,
        status=ops.opening_status(tender, now) if opening is None else None,
        setup_problem=ops.REQUEST_OPENING.precondition(tender),
        rows=rows,
        verdicts={r.id: ops.verdict(tender, r) for r in rows},
        visible=visible,
        empty_form=EmptyForm(),
    )


@bp.route("/foresporsler/apne", methods=["POST"])
@login_required
def open_requests(tender_id: int) -> Response:
    """One member's confirmation of the opening; the last one needed opens the requests."""
    now = clock_now()
    tender = tender_for(tender_id, confirm_request_opening)
    if not EmptyForm().validate_on_submit():
        abort(400)

    def said(opening: Any) -> str:
        if opening is not None:
            return "Forespørslene er åpnet. Åpningsprotokollen er lagret."
        return (
            "Bekreftelsen din er registrert. Forespørslene åpnes når en til i anskaffelsesgruppen har "
            "bekreftet."
        )

    return run_button(
        lambda: ops.confirm_opening(tender, at=now, actor=_me()),
        back=url_for("pq_assess.requests", tender_id=tender.id),
        success=said,
    )


@bp.route("/foresporsler/apne/trekk", methods=["POST"])
@login_required
def withdraw_opening(tender_id: int) -> Response:
    now = clock_now()
    tender = tender_for(tender_id, confirm_request_opening)
    if not EmptyForm().validate_on_submit():
        abort(400)
    return run_button(
        lambda: ops.withdraw_opening_confirmation(tender, at=now, actor=_me()),
        back=url_for("pq_assess.requests", tender_id=tender.id),
        success="Bekreftelsen din er trukket tilbake. Forespørslene er ikke åpnet.",
    )


# -- one opened request ------------------------------------------------------------------------------------
def _espd_for(request: ParticipationRequest, code: str | None) -> list[dict[str, Any]]:
    """The ESPD criteria of the request that answer the requirement's ESPD criterion (by type code)."""
    if not code:
        return []
    found = request.espd.get("criteria")
    return (
        [c for c in found if isinstance(c, dict) and c.get("type_code") == code]
        if isinstance(found, list)
        else []
    )


def _request_page(
    tender: Tender,
    request: ParticipationRequest,
    *,
    forms: dict[str, Any] | None = None,
    status: int = 200,
) -> Any:
    now = clock_now()
    requirements = queries.requirements_of(tender)
    grounds = queries.grounds_of(tender)
    criteria = queries.criteria_of(tender)
    marks = ops.assessments_of(request)
    exclusions = ops.exclusions_of(request)
    forms = forms or {}
    assess_forms = {
        r.id: forms.get(f"k{r.id}")
        or AssessForm(
            formdata=None,
            prefix=f"k{r.id}",
            status=marks[r.id].status.value if r.id in marks else RequirementStatus.MET.value,
            justification=marks[r.id].justification if r.id in marks else "",
        )
        for r in requirements
    }
    ask_forms = {
        r.id: forms.get(f"a{r.id}") or ClarificationForm(formdata=None, prefix=f"a{r.id}")
        for r in requirements
    }
    exclusion_forms = {
        g.id: forms.get(f"u{g.id}")
        or ExclusionForm(
            formdata=None,
            prefix=f"u{g.id}",
            applies="ja" if g.id in exclusions and exclusions[g.id].applies else "nei",
            reason=exclusions[g.id].reason if g.id in exclusions else "",
        )
        for g in grounds
    }
    lead_sees_all = decide_selection(current_user, tender, now=now)
    scores = ops.individual_scores(request, viewer=current_user, see_all=lead_sees_all)
    mine = {
        c.id: next((s for s in scores.get(c.id, []) if s.evaluator_id == current_user.id), None)
        for c in criteria
    }
    consensus = {c.id: ops.consensus_of(request, c) for c in criteria}
    score_forms = {
        c.id: forms.get(f"p{c.id}")
        or SelectionScoreForm(
            formdata=None,
            prefix=f"p{c.id}",
            score=mine[c.id].score if mine[c.id] else None,
            justification=mine[c.id].justification if mine[c.id] else "",
        )
        for c in criteria
    }
    consensus_forms = {
        c.id: forms.get(f"c{c.id}")
        or SelectionScoreForm(
            formdata=None,
            prefix=f"c{c.id}",
            score=consensus[c.id].score if consensus[c.id] else None,
            justification=consensus[c.id].justification if consensus[c.id] else "",
        )
        for c in criteria
    }
    clarifications = ops.clarifications_of(request)
    documents = [d for d in request.documents if d.clarification_id is None]
    return render_template(
        "prequalification/assess_request.html",
        tender=tender,
        now=now,
        request=request,
        requirements=requirements,
        grounds=grounds,
        criteria=criteria,
        marks=marks,
        exclusions=exclusions,
        documents_for={r.id: [d for d in documents if d.requirement_id == r.id] for r in requirements},
        other_documents=[d for d in documents if d.requirement_id is None],
        espd_for={r.id: _espd_for(request, r.espd_criterion) for r in requirements},
        clarifications_for={
            r.id: [c for c in clarifications if c.requirement_id == r.id] for r in requirements
        },
        assess_forms=assess_forms,
        ask_forms=ask_forms,
        exclusion_forms=exclusion_forms,
        score_forms=score_forms,
        consensus_forms=consensus_forms,
        scores=scores,
        consensus=consensus,
        disagreeing=ops.disagreeing(tender, scores) if lead_sees_all else set(),
        qualified=ops.qualified(tender, request),
        status_words=ops.STATUS_WORDS,
        may_assess=assess_requests(current_user, tender, now=now),
        may_score=score_requests(current_user, tender, now=now),
        may_decide=lead_sees_all,
    ), status


@bp.route("/foresporsler/<int:request_id>")
@login_required
def request_page(tender_id: int, request_id: int) -> Any:
    tender = tender_for(tender_id, view_requests)
    return _request_page(tender, _request_or_404(tender, request_id))


@bp.route("/foresporsler/<int:request_id>/dokumenter/<int:document_id>")
@login_required
def document(tender_id: int, request_id: int, document_id: int) -> Response:
    tender = tender_for(tender_id, view_requests)
    request = _request_or_404(tender, request_id)
    found = db.session.get(RequestDocument, document_id)
    if found is None or found.request_id != request.id:
        abort(404)
    # never the vendor's own content type: a file is downloaded, not shown in the group's session
    return send_download(io.BytesIO(found.data), found.filename, "application/octet-stream")


def _back(tender: Tender, request: ParticipationRequest, anchor: str) -> str:
    return url_for("pq_assess.request_page", tender_id=tender.id, request_id=request.id, _anchor=anchor)


def _on_request_page(
    tender: Tender,
    request: ParticipationRequest,
    form: Any,
    key: str,
    change: Callable[[], object],
    *,
    anchor: str,
    success: str,
) -> Any:
    """Run one of the request page's forms (an assessment, a clarification, a score): back to its place on
    the page, or the page again with the refused form (422) under its ``key``."""
    done = run_form(form, change, back=_back(tender, request, anchor), success=success)
    return done if done is not None else _request_page(tender, request, forms={key: form}, status=422)


@bp.route("/foresporsler/<int:request_id>/krav/<int:requirement_id>", methods=["POST"])
@login_required
def assess(tender_id: int, request_id: int, requirement_id: int) -> Any:
    tender = tender_for(tender_id, assess_requests)
    request = _request_or_404(tender, request_id)
    requirement = _in_tender(QualificationRequirement, tender, requirement_id)
    form = AssessForm(prefix=f"k{requirement.id}")
    return _on_request_page(
        tender,
        request,
        form,
        f"k{requirement.id}",
        lambda: ops.assess_requirement(
            tender,
            request,
            requirement,
            status=RequirementStatus(form.status.data),
            justification=form.justification.data or "",
            at=clock_now(),
            actor=_me(),
        ),
        anchor=f"krav-{requirement.id}",
        success="Vurderingen er lagret.",
    )


@bp.route("/foresporsler/<int:request_id>/krav/<int:requirement_id>/avklaring", methods=["POST"])
@login_required
def ask(tender_id: int, request_id: int, requirement_id: int) -> Any:
    tender = tender_for(tender_id, assess_requests)
    request = _request_or_404(tender, request_id)
    requirement = _in_tender(QualificationRequirement, tender, requirement_id)
    form = ClarificationForm(prefix=f"a{requirement.id}")
    return _on_request_page(
        tender,
        request,
        form,
        f"a{requirement.id}",
        lambda: ops.ask_clarification(
            tender,
            request,
            requirement,
            question=form.question.data or "",
            days=int(form.days.data),
            at=clock_now(),
            actor=_me(),
        ),
        anchor=f"krav-{requirement.id}",
        success="Avklaringen er sendt til leverandøren.",
    )


@bp.route("/foresporsler/<int:request_id>/avvisningsgrunner/<int:ground_id>", methods=["POST"])
@login_required
def exclusion(tender_id: int, request_id: int, ground_id: int) -> Any:
    tender = tender_for(tender_id, assess_requests)
    request = _request_or_404(tender, request_id)
    ground = _in_tender(ExclusionGround, tender, ground_id)
    form = ExclusionForm(prefix=f"u{ground.id}")
    return _on_request_page(
        tender,
        request,
        form,
        f"u{ground.id}",
        lambda: ops.assess_exclusion(
            tender,
            request,
            ground,
            applies=form.applies.data == "ja",
            reason=form.reason.data or "",
            at=clock_now(),
            actor=_me(),
        ),
        anchor=f"grunn-{ground.id}",
        success="Vurderingen av avvisningsgrunnen er lagret.",
    )


@bp.route("/foresporsler/<int:request_id>/poeng/<int:criterion_id>", methods=["POST"])
@login_required
def score(tender_id: int, request_id: int, criterion_id: int) -> Any:
    tender = tender_for(tender_id, score_requests)
    request = _request_or_404(tender, request_id)
    criterion = _in_tender(SelectionCriterion, tender, criterion_id)
    form = SelectionScoreForm(prefix=f"p{criterion.id}")
    return _on_request_page(
        tender,
        request,
        form,
        f"p{criterion.id}",
        lambda: ops.score_individually(
            tender,
            request,
            criterion,
            score=form.score.data,
            justification=form.justification.data or "",
            at=clock_now(),
            actor=_me(),
        ),
        anchor=f"kriterium-{criterion.id}",
        success="Poengene dine er lagret.",
    )


@bp.route("/foresporsler/<int:request_id>/konsensus/<int:criterion_id>", methods=["POST"])
@login_required
def consensus(tender_id: int, request_id: int, criterion_id: int) -> Any:
    tender = tender_for(tender_id, decide_selection)
    request = _request_or_404(tender, request_id)
    criterion = _in_tender(SelectionCriterion, tender, criterion_id)
    form = SelectionScoreForm(prefix=f"c{criterion.id}")
    return _on_request_page(
        tender,
        request,
        form,
        f"c{criterion.id}",
        lambda: ops.set_consensus(
            tender,
            request,
            criterion,
            score=form.score.data,
            justification=form.justification.data or "",
            at=clock_now(),
            actor=_me(),
        ),
        anchor=f"kriterium-{criterion.id}",
        success="Konsensuspoengene er lagret.",
    )


# -- the vendor's clarifications -------------------------------------------------------------------------
def _vendor(tender: Tender) -> Vendor:
    ids = sorted(tender.vendor_ids_of(current_user))
    vendor = db.session.get(Vendor, ids[0]) if ids else None
    if vendor is None:
        abort(403)
    return vendor


def _clarifications_page(
    tender: Tender,
    vendor: Vendor,
    *,
    form: AnswerForm | None = None,
    for_id: int | None = None,
    status: int = 200,
) -> Any:
    found = ops.vendor_clarifications(tender, vendor)
    return render_template(
        "prequalification/assess_clarifications.html",
        tender=tender,
        vendor=vendor,
        now=clock_now(),
        clarifications=found,
        forms={
            c.id: form
            if form is not None and c.id == for_id
            else AnswerForm(formdata=None, prefix=f"s{c.id}")
            for c in found
        },
    ), status


@bp.route("/avklaringer")
@login_required
def clarifications(tender_id: int) -> Any:
    tender = tender_for(tender_id, request_rule)
    return _clarifications_page(tender, _vendor(tender))


def _own_clarification(tender: Tender, vendor: Vendor, clarification_id: int) -> Clarification:
    found = db.session.get(Clarification, clarification_id)
    owner = db.session.get(ParticipationRequest, found.request_id) if found is not None else None
    if found is None or owner is None or owner.tender_id != tender.id or owner.vendor_id != vendor.id:
        abort(404)
    return found


@bp.route("/avklaringer/<int:clarification_id>", methods=["POST"])
@login_required
def answer(tender_id: int, clarification_id: int) -> Any:
    tender = tender_for(tender_id, request_rule)
    vendor = _vendor(tender)
    clarification = _own_clarification(tender, vendor, clarification_id)
    form = AnswerForm(prefix=f"s{clarification.id}")
    upload = form.file.data if form.file.data and getattr(form.file.data, "filename", "") else None
    files = (
        [ops.Upload(upload.filename or "dokument", upload.mimetype or "", upload.read())]
        if upload is not None
        else []
    )
    at, actor = clock_now(), _me()

    def refused(error: Exception) -> Any:
        # the refused answer is rolled back; a late one stays in the trail
        if keep_late(error, lambda: ops.record_late_answer(tender, clarification, at=at, actor=actor)):
            return _clarifications_page(tender, vendor, form=form, for_id=clarification.id, status=409)
        return None

    done = run_form(
        form,
        lambda: ops.answer_clarification(
            tender, clarification, vendor, answer=form.answer.data or "", files=files, at=at, actor=actor
        ),
        back=url_for(
            "pq_assess.clarifications", tender_id=tender.id, _anchor=f"avklaring-{clarification.id}"
        ),
        success="Svaret er sendt.",
        refused=refused,
    )
    return (
        done
        if done is not None
        else _clarifications_page(tender, vendor, form=form, for_id=clarification.id, status=422)
    )


@bp.route("/avklaringer/<int:clarification_id>/dokumenter/<int:document_id>")
@login_required
def answer_document(tender_id: int, clarification_id: int, document_id: int) -> Response:
    """A document the vendor sent with its own answer."""
    tender = tender_for(tender_id, request_rule)
    clarification = _own_clarification(tender, _vendor(tender), clarification_id)
    found = db.session.get(RequestDocument, document_id)
    if found is None or found.clarification_id != clarification.id:
        abort(404)
    # never the vendor's own content type: a file is downloaded, not shown in the group's session
    return send_download(io.BytesIO(found.data), found.filename, "application/octet-stream")
