"""Questions and answers in the portal: the published list for everyone in the tender, a vendor's own
questions, and the group's pages where the answer is drafted, approved and published.

A vendor's routes look questions up among the vendor's own only, so another vendor's question id gives 404;
the group's routes are closed to vendors (403). There is no route that answers one vendor.
"""

from __future__ import annotations

import io
from typing import Any

from flask import Blueprint, abort, render_template, url_for
from flask_babel import gettext
from flask_login import current_user, login_required

from tender.clock import now as clock_now
from tender.errors import DomainError
from tender.extensions import db
from tender.mail import Notified, public_url
from tender.questions import operations as ops
from tender.questions.forms import DraftForm, QuestionForm, SettingsForm, TextConfirmForm
from tender.questions.models import Question
from tender.questions.permissions import (
    approve_answers,
    ask_questions,
    draft_answers,
    publish_answers,
    view_all_questions,
    view_own_questions,
    view_published_questions,
)
from tender.tenders.access import tender_for
from tender.tenders.models import Tender, Vendor
from tender.tenders.opening import keep_late
from tender.web.forms import run_form
from tender.web.uploads import send_download

bp = Blueprint("questions", __name__, url_prefix="/konkurranser/<int:tender_id>/sporsmal")


def _me() -> Any:
    return current_user._get_current_object()


# -- the published list -------------------------------------------------------------------------------------
@bp.route("")
@login_required
def index(tender_id: int) -> Any:
    tender = tender_for(tender_id, view_published_questions)
    return render_template("questions/index.html", tender=tender, published=ops.published_questions(tender))


@bp.route("/sporsmal-og-svar.pdf")
@login_required
def pdf(tender_id: int) -> Any:
    from tender.reports.questions_pdf import render_questions_pdf

    tender = tender_for(tender_id, view_published_questions)
    data = render_questions_pdf(
        [(p.number, p.question, p.answer, p.published_at) for p in ops.published_questions(tender)],
        tender_title=tender.title,
        case_reference=tender.case_reference,
        made_at=clock_now(),
    )
    return send_download(io.BytesIO(data), f"sporsmal-og-svar-{tender.id}.pdf", "application/pdf")


# -- the vendor's own questions -----------------------------------------------------------------------------
def _vendor(tender: Tender) -> Vendor:
    ids = sorted(tender.vendor_ids_of(current_user))
    vendor = db.session.get(Vendor, ids[0]) if ids else None
    if vendor is None:
        abort(403)
    return vendor


def _mine_page(tender: Tender, vendor: Vendor, form: QuestionForm | None = None, status: int = 200) -> Any:
    now = clock_now()
    deadline = tender.questions_deadline
    return render_template(
        "questions/mine.html",
        tender=tender,
        vendor=vendor,
        questions=ops.questions_of_vendor(tender, {vendor.id}),
        status_of=ops.vendor_status_of,
        form=form or QuestionForm(formdata=None),
        may_ask=ask_questions(current_user, tender),
        open_for_questions=deadline is not None and now < deadline,
    ), status


@bp.route("/mine", methods=["GET", "POST"])
@login_required
def mine(tender_id: int) -> Any:
    tender = tender_for(tender_id, view_own_questions)
    vendor = _vendor(tender)
    form = QuestionForm()
    if not form.is_submitted():
        return _mine_page(tender, vendor, form=QuestionForm(formdata=None))
    if not ask_questions(current_user, tender):
        abort(403)
    upload = form.attachment.data
    attachment = None
    if upload is not None and getattr(upload, "filename", ""):
        attachment = (upload.filename or "vedlegg", upload.mimetype or "", upload.read())

    def ask() -> Question:
        return ops.ask(
            tender, vendor, text=form.text.data or "", attachment=attachment, at=clock_now(), actor=_me()
        )

    def refused(error: DomainError) -> Any:
        at, actor = clock_now(), _me()
        late = keep_late(error, lambda: ops.record_late_question(tender, vendor, at=at, actor=actor))
        return _mine_page(tender, vendor, form=form, status=409 if late else 422)

    done = run_form(
        form,
        ask,
        back=lambda q: url_for("questions.own", tender_id=tender.id, question_id=q.id),
        success=gettext(
            "Spørsmålet er sendt til innkjøpsgruppen. Svaret publiseres til alle leverandørene samtidig."
        ),
        refused=refused,
    )
    return done if done is not None else _mine_page(tender, vendor, form=form, status=422)


def _own_question(tender: Tender, question_id: int) -> Question:
    question = ops.question_in(tender, question_id, tender.vendor_ids_of(current_user))
    if question is None:
        abort(404)
    return question


@bp.route("/mine/<int:question_id>")
@login_required
def own(tender_id: int, question_id: int) -> Any:
    tender = tender_for(tender_id, view_own_questions)
    question = _own_question(tender, question_id)
    return render_template(
        "questions/own.html", tender=tender, question=question, status=ops.vendor_status_of(question)
    )


@bp.route("/mine/<int:question_id>/vedlegg")
@login_required
def own_attachment(tender_id: int, question_id: int) -> Any:
    tender = tender_for(tender_id, view_own_questions)
    question = _own_question(tender, question_id)
    if question.attachment is None:
        abort(404)
    return send_download(io.BytesIO(question.attachment.data), question.attachment.filename)


# -- the group's pages --------------------------------------------------------------------------------------
def _all_page(tender: Tender, settings_form: SettingsForm | None = None, status: int = 200) -> Any:
    if settings_form is None:
        settings_form = SettingsForm(formdata=None)
        settings_form.approval_required.data = "ja" if ops.approval_required(tender) else "nei"
    return render_template(
        "questions/all.html",
        tender=tender,
        questions=ops.questions_of(tender),
        status_of=ops.status_of,
        approval_required=ops.approval_required(tender),
        settings_form=settings_form,
    ), status


@bp.route("/alle")
@login_required
def group(tender_id: int) -> Any:
    tender = tender_for(tender_id, view_all_questions)
    return _all_page(tender)


@bp.route("/innstillinger", methods=["POST"])
@login_required
def settings(tender_id: int) -> Any:
    tender = tender_for(tender_id, publish_answers)
    form = SettingsForm()
    done = run_form(
        form,
        lambda: ops.set_approval_required(
            tender, form.approval_required.data == "ja", at=clock_now(), actor=_me()
        ),
        back=url_for("questions.group", tender_id=tender.id),
        success="Innstillingen er lagret.",
        refused=lambda error: _all_page(tender, settings_form=form, status=422),
    )
    return done if done is not None else _all_page(tender, settings_form=form, status=422)


def _group_question(tender: Tender, question_id: int) -> Question:
    question = ops.question_in(tender, question_id)
    if question is None:
        abort(404)
    return question


def _question_page(
    tender: Tender,
    question: Question,
    *,
    draft_form: DraftForm | None = None,
    confirm_form: TextConfirmForm | None = None,
    status: int = 200,
) -> Any:
    if draft_form is None:
        draft_form = DraftForm(formdata=None)
        # the first draft starts from the text as typed; the group removes what names the asker
        draft_form.published_text.data = question.published_text or question.original_text
        draft_form.answer.data = question.answer_text
    sha = ops.current_sha256(question)
    if confirm_form is None:
        confirm_form = TextConfirmForm(formdata=None)
    confirm_form.sha256.data = sha
    valid = {a.municipality_id for a in ops.valid_approvals(question)}
    return render_template(
        "questions/question.html",
        tender=tender,
        question=question,
        status=ops.status_of(tender, question),
        draft_form=draft_form,
        confirm_form=confirm_form,
        approval_required=ops.approval_required(tender),
        approvals={a.municipality_id: a for a in question.approvals},
        valid=valid,
        missing=ops.missing_approvals(tender, question),
        ready=bool(question.published_text.strip() and question.answer_text.strip()),
        mine=[m for m in tender.signer_municipalities(current_user) if m.id not in valid],
    ), status


@bp.route("/alle/<int:question_id>", methods=["GET", "POST"])
@login_required
def question(tender_id: int, question_id: int) -> Any:
    tender = tender_for(tender_id, view_all_questions)
    found = _group_question(tender, question_id)
    form = DraftForm()
    if not form.is_submitted():
        return _question_page(tender, found)
    if not draft_answers(current_user, tender):
        abort(403)
    done = run_form(
        form,
        lambda: ops.save_draft(
            tender,
            found,
            published_text=form.published_text.data or "",
            answer_text=form.answer.data or "",
            at=clock_now(),
            actor=_me(),
        ),
        back=url_for("questions.question", tender_id=tender.id, question_id=found.id),
        success=lambda voided: (
            "Utkastet er lagret."
            + (f" {voided} godkjenning(er) av den forrige teksten gjelder ikke lenger." if voided else "")
        ),
        refused=lambda error: _question_page(tender, found, draft_form=form, status=422),
    )
    return done if done is not None else _question_page(tender, found, draft_form=form, status=422)


@bp.route("/alle/<int:question_id>/vedlegg")
@login_required
def attachment(tender_id: int, question_id: int) -> Any:
    tender = tender_for(tender_id, view_all_questions)
    found = _group_question(tender, question_id)
    if found.attachment is None:
        abort(404)
    return send_download(io.BytesIO(found.attachment.data), found.attachment.filename)


def _confirmed(tender: Tender, found: Question, operation: Any, success: Any) -> Any:
    form = TextConfirmForm()
    done = run_form(
        form,
        lambda: operation(form.sha256.data or ""),
        back=url_for("questions.question", tender_id=tender.id, question_id=found.id),
        success=success,
        refused=lambda error: _question_page(tender, found, confirm_form=form, status=422),
    )
    return done if done is not None else _question_page(tender, found, confirm_form=form, status=422)


@bp.route("/alle/<int:question_id>/godkjenn", methods=["POST"])
@login_required
def approve(tender_id: int, question_id: int) -> Any:
    tender = tender_for(tender_id, approve_answers)
    found = _group_question(tender, question_id)
    return _confirmed(
        tender,
        found,
        lambda sha: ops.approve(tender, found, sha256=sha, at=clock_now(), signer=_me()),
        lambda done: "Godkjent for " + ", ".join(a.municipality.name for a in done) + ".",
    )


@bp.route("/alle/<int:question_id>/publiser", methods=["POST"])
@login_required
def publish(tender_id: int, question_id: int) -> Any:
    tender = tender_for(tender_id, publish_answers)
    found = _group_question(tender, question_id)
    link = public_url("questions.index", tender_id=tender.id)

    def said(told: Notified) -> str:
        text = f"Spørsmål nr. {found.number} og svaret er publisert til alle leverandørene samtidig."
        if not told.configured:
            return text + " Det er ikke satt opp en e-postserver, så ingen fikk varsel på e-post."
        if told.sent:
            text += f" Varsel er sendt på e-post til {len(told.sent)} leverandørbrukere."
        if told.failed:
            text += (
                " E-posten kunne ikke sendes til " + ", ".join(told.failed) + ": gi dem beskjed på annen måte"
                " (svaret ligger i portalen)."
            )
        return text

    return _confirmed(
        tender,
        found,
        lambda sha: ops.publish(tender, found, sha256=sha, at=clock_now(), actor=_me(), link=link),
        said,
    )
