"""The vendor's request to take part (forespørsel om å delta): a vendor user sees and edits only their own
company's request.

The vendor is never in the URL: it is the vendor the user acts for in this tender. Documents and references
are looked up within that vendor's request only, so another vendor's ids give 404, as missing ones do.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from tender.clock import now as clock_now
from tender.errors import DomainError
from tender.extensions import db
from tender.i18n import format_locale
from tender.prequalification import request_operations as ops
from tender.prequalification.models import ParticipationRequest, RequestDocument, RequestReference
from tender.prequalification.permissions import request as may_request
from tender.prequalification.request_forms import (
    CompanyForm,
    DocumentForm,
    EspdAnswersForm,
    EspdCriterionForm,
    EspdUploadForm,
    ReferenceForm,
    SubmitForm,
)
from tender.tenders.access import tender_for
from tender.tenders.models import Tender, Vendor
from tender.tenders.opening import keep_late
from tender.web.forms import EmptyForm, run_form
from tender.web.uploads import send_download

bp = Blueprint("pq_request", __name__, url_prefix="/konkurranser/<int:tender_id>/foresporsel")


def _me() -> Any:
    return current_user._get_current_object()


def _vendor(tender: Tender) -> Vendor:
    ids = sorted(tender.vendor_ids_of(current_user))
    vendor = db.session.get(Vendor, ids[0]) if ids else None
    if vendor is None:
        abort(403)
    return vendor


def _expected(form: Any) -> int | None:
    value = form.lock_version.data or ""
    return int(value) if value.isdigit() else None


def _espd_forms(tender: Tender, req: ParticipationRequest | None, formdata: Any) -> list[tuple[Any, Any]]:
    """One sub-form per ESPD criterion the tender asks about, filled in from the stored form answers."""
    stored: dict[str, dict[str, Any]] = {}
    if req is not None and req.espd_source == "form":
        stored = {c.get("type_code"): c for c in req.espd.get("criteria") or [] if isinstance(c, dict)}
    out = []
    for i, question in enumerate(ops.espd_questions(tender)):
        form = EspdCriterionForm(formdata=formdata, prefix=f"e-{i}")
        if formdata is None and question.type_code in stored:
            for answer in stored[question.type_code].get("answers") or []:
                if answer.get("kind") == "indicator" and answer.get("indicator") is not None:
                    form.answer.data = "ja" if answer["indicator"] else "nei"
                elif answer.get("kind") == "description":
                    form.description.data = answer.get("text") or ""
        out.append((question, form))
    return out


def _document_form(tender: Tender, formdata: Any = None) -> DocumentForm:
    form = DocumentForm() if formdata is not None else DocumentForm(formdata=None)
    form.requirement.choices = [
        SelectChoice(str(r.id), f"Krav {i}: {r.text}")  # type: ignore[attr-defined]
        for i, r in enumerate(ops.requirements_of(tender), 1)
    ] + [SelectChoice("", "Forespørselen som helhet")]
    return form


def _company_form(req: ParticipationRequest | None) -> CompanyForm:
    form = CompanyForm(formdata=None)
    if req is not None:
        form.contact_name.data, form.contact_email.data = req.contact_name, req.contact_email
        form.contact_phone.data, form.address.data, form.country.data = (
            req.contact_phone,
            req.address,
            req.country,
        )
    return form


def _page(
    tender: Tender,
    vendor: Vendor,
    *,
    errors: list[str] | None = None,
    missing: list[str] | None = None,
    company_form: CompanyForm | None = None,
    espd_upload_form: EspdUploadForm | None = None,
    espd_form: EspdAnswersForm | None = None,
    espd_forms: list[tuple[Any, Any]] | None = None,
    document_form: DocumentForm | None = None,
    reference_form: ReferenceForm | None = None,
    status: int = 200,
) -> Any:
    req = ops.request_of(tender, vendor.id)
    now = clock_now()
    version = str(req.lock_version) if req else ""
    company_form = company_form or _company_form(req)
    espd_upload_form = espd_upload_form or EspdUploadForm(formdata=None)
    espd_form = espd_form or EspdAnswersForm(formdata=None)
    for form in (company_form, espd_upload_form, espd_form):
        if not form.lock_version.data:
            form.lock_version.data = version
    editable = ops.request_is_editable(tender, req, now)
    espd_forms = espd_forms if espd_forms is not None else _espd_forms(tender, req, None)
    if not editable:
        # a delivered request, or one past the deadline, is shown as it is: nothing on it can be typed into
        for form in [company_form, *(f for _, f in espd_forms)]:
            for field in form:
                field.render_kw = {**(field.render_kw or {}), "disabled": True}
    published = ops.setup_published(tender)
    return render_template(
        "prequalification/request_page.html",
        tender=tender,
        vendor=vendor,
        req=req,
        published=published,
        open_for_requests=ops.open_for_requests(tender, now),
        editable=editable,
        requirements=ops.requirements_of(tender) if published else [],
        lined_up=ops.line_up(tender, req, locale=format_locale()) if published else [],
        errors=errors or [],
        missing=missing or [],
        company_form=company_form,
        espd_upload_form=espd_upload_form,
        espd_form=espd_form,
        espd_forms=espd_forms,
        document_form=document_form or _document_form(tender),
        reference_form=reference_form or ReferenceForm(formdata=None),
        submit_form=SubmitForm(formdata=None),
        empty_form=EmptyForm(),
    ), status


def _status(tender: Tender, vendor: Vendor, error: DomainError, action: str) -> int:
    """409 for a change after the deadline (the attempt is kept in the trail), 422 for any other refusal."""
    at, actor = clock_now(), _me()
    late = keep_late(
        error, lambda: ops.record_late_attempt(tender, vendor, action=action, at=at, actor=actor)
    )
    return 409 if late else 422


def _messages(error: DomainError) -> list[str]:
    return [m for ms in error.reasons.values() for m in ms]


def _form_errors(form: Any) -> list[str]:
    return [message for field in form for message in field.errors]


def _run(
    tender: Tender, vendor: Vendor, action: str, operation: Any, *, anchor: str, success: str, **page: Any
) -> Any:
    """Run a change of the request (created as a draft first) and go back to the page, or show it again
    with the refusal (a late one kept in the trail)."""

    def change() -> Any:
        req = ops.ensure_request(tender, vendor, at=clock_now(), actor=_me())
        return operation(req)

    return run_form(
        None,
        change,
        back=url_for("pq_request.show", tender_id=tender.id, _anchor=anchor),
        success=success,
        refused=lambda error: _page(
            tender, vendor, errors=_messages(error), status=_status(tender, vendor, error, action), **page
        ),
    )


def _late_if_closed(tender: Tender, vendor: Vendor, action: str) -> Any:
    """A form posted after the deadline is refused as late before its fields are read."""
    now = clock_now()
    if ops.setup_published(tender) and not ops.open_for_requests(tender, now):
        try:
            ops.check_open(tender, vendor, now)
        except DomainError as error:
            return _page(
                tender, vendor, errors=_messages(error), status=_status(tender, vendor, error, action)
            )
    return None


@bp.route("", methods=["GET"])
@login_required
def show(tender_id: int) -> Any:
    tender = tender_for(tender_id, may_request)
    return _page(tender, _vendor(tender))


@bp.route("/firma", methods=["POST"])
@login_required
def save_company(tender_id: int) -> Any:
    tender = tender_for(tender_id, may_request)
    vendor = _vendor(tender)
    form = CompanyForm()
    if (late := _late_if_closed(tender, vendor, "save_company")) is not None:
        return late
    if not form.validate_on_submit():
        return _page(tender, vendor, company_form=form, errors=_form_errors(form), status=422)
    data = ops.CompanyInput(
        contact_name=form.contact_name.data or "",
        contact_email=form.contact_email.data or "",
        contact_phone=form.contact_phone.data or "",
        address=form.address.data or "",
        country=form.country.data or "",
    )
    return _run(
        tender,
        vendor,
        "save_company",
        lambda req: ops.save_company(
            tender, req, data, at=clock_now(), actor=_me(), expected_version=_expected(form)
        ),
        anchor="firma",
        success=gettext("Firmaopplysningene er lagret."),
        company_form=form,
    )


@bp.route("/espd", methods=["POST"])
@login_required
def import_espd(tender_id: int) -> Any:
    tender = tender_for(tender_id, may_request)
    vendor = _vendor(tender)
    form = EspdUploadForm()
    if (late := _late_if_closed(tender, vendor, "espd_import")) is not None:
        return late
    if not form.validate_on_submit():
        return _page(tender, vendor, espd_upload_form=form, errors=_form_errors(form), status=422)
    data = form.file.data.read()
    filename = form.file.data.filename or "espd.xml"
    return _run(
        tender,
        vendor,
        "espd_import",
        lambda req: ops.import_espd(
            tender,
            req,
            filename=filename,
            data=data,
            at=clock_now(),
            actor=_me(),
            expected_version=_expected(form),
        ),
        anchor="espd",
        success=gettext("ESPD-filen er lest inn."),
        espd_upload_form=form,
    )


@bp.route("/espd-svar", methods=["POST"])
@login_required
def save_espd_form(tender_id: int) -> Any:
    tender = tender_for(tender_id, may_request)
    vendor = _vendor(tender)
    form = EspdAnswersForm()
    req = ops.request_of(tender, vendor.id)
    forms = _espd_forms(tender, req, request.form)
    if (late := _late_if_closed(tender, vendor, "espd_form")) is not None:
        return late
    ok = form.validate_on_submit()
    ok = all([f.validate() for _, f in forms]) and ok
    if not ok:
        problems = [
            f"ESPD-kriteriet {q.type_code}, «{field.label.text}»: {message}"
            for q, f in forms
            for field in f
            for message in field.errors
        ]
        return _page(
            tender,
            vendor,
            espd_form=form,
            espd_forms=forms,
            errors=["ESPD-svarene er ikke lagret. Rett feltene som er merket:", *problems],
            status=422,
        )
    answers = [
        ops.EspdFormAnswer(
            type_code=q.type_code,
            indicator={"ja": True, "nei": False}.get(f.answer.data or ""),
            description=f.description.data or "",
        )
        for q, f in forms
    ]
    return _run(
        tender,
        vendor,
        "espd_form",
        lambda r: ops.save_espd_form(
            tender, r, answers, at=clock_now(), actor=_me(), expected_version=_expected(form)
        ),
        anchor="espd-skjema",
        success=gettext("ESPD-svarene er lagret."),
        espd_form=form,
        espd_forms=forms,
    )


@bp.route("/espd.xml")
@login_required
def espd_file(tender_id: int) -> Any:
    tender = tender_for(tender_id, may_request)
    req = ops.request_of(tender, _vendor(tender).id)
    if req is None or req.espd_xml is None:
        abort(404)
    return send_download(io.BytesIO(req.espd_xml), req.espd_filename or "espd.xml", "application/xml")


@bp.route("/dokumenter", methods=["POST"])
@login_required
def upload_document(tender_id: int) -> Any:
    tender = tender_for(tender_id, may_request)
    vendor = _vendor(tender)
    form = _document_form(tender, request.form)
    if (late := _late_if_closed(tender, vendor, "add_document")) is not None:
        return late
    if not form.validate_on_submit():
        return _page(tender, vendor, document_form=form, errors=_form_errors(form), status=422)
    data = form.file.data.read()
    filename = form.file.data.filename or "dokument"
    content_type = form.file.data.mimetype or ""
    requirement_id = int(form.requirement.data) if form.requirement.data else None
    return _run(
        tender,
        vendor,
        "add_document",
        lambda req: ops.add_document(
            tender,
            req,
            requirement_id=requirement_id,
            filename=filename,
            content_type=content_type,
            data=data,
            at=clock_now(),
            actor=_me(),
        ),
        anchor="dokumenter",
        success=gettext("Dokumentet er lastet opp."),
        document_form=form,
    )


_Row = TypeVar("_Row", RequestDocument, RequestReference)


def _own(tender: Tender, vendor: Vendor, model: type[_Row], row_id: int) -> tuple[ParticipationRequest, _Row]:
    """The vendor's own request and one of its rows (a document, a reference); 404 for another vendor's row
    or a missing one, alike."""
    req = ops.request_of(tender, vendor.id)
    found = db.session.get(model, row_id)
    if req is None or found is None or found.request_id != req.id:
        abort(404)
    return req, found


@bp.route("/dokumenter/<int:document_id>")
@login_required
def download_document(tender_id: int, document_id: int) -> Any:
    tender = tender_for(tender_id, may_request)
    _, found = _own(tender, _vendor(tender), RequestDocument, document_id)
    return send_download(io.BytesIO(found.data), found.filename, "application/octet-stream")


def _delete_own(
    tender_id: int,
    model: type[_Row],
    row_id: int,
    action: str,
    remove: Callable[..., object],
    *,
    anchor: str,
    success: str,
) -> Any:
    """Remove one of the request's rows (a document, a reference) by the button; after the deadline the
    refusal is a late attempt, kept in the trail."""
    tender = tender_for(tender_id, may_request)
    vendor = _vendor(tender)
    req, found = _own(tender, vendor, model, row_id)
    if not EmptyForm().validate_on_submit():
        abort(400)

    def refused(error: DomainError) -> Any:
        return _page(tender, vendor, errors=_messages(error), status=_status(tender, vendor, error, action))

    return run_form(
        None,
        lambda: remove(tender, req, found, at=clock_now(), actor=_me()),
        back=url_for("pq_request.show", tender_id=tender.id, _anchor=anchor),
        success=success,
        refused=refused,
    )


@bp.route("/dokumenter/<int:document_id>/slett", methods=["POST"])
@login_required
def delete_document(tender_id: int, document_id: int) -> Any:
    return _delete_own(
        tender_id,
        RequestDocument,
        document_id,
        "delete_document",
        ops.delete_document,
        anchor="dokumenter",
        success=gettext("Dokumentet er fjernet."),
    )


@bp.route("/referanser", methods=["POST"])
@login_required
def add_reference(tender_id: int) -> Any:
    tender = tender_for(tender_id, may_request)
    vendor = _vendor(tender)
    form = ReferenceForm()
    if (late := _late_if_closed(tender, vendor, "add_reference")) is not None:
        return late
    if not form.validate_on_submit():
        return _page(tender, vendor, reference_form=form, errors=_form_errors(form), status=422)
    data = ops.ReferenceInput(
        customer=form.customer.data or "",
        system=form.system.data or "",
        contact=form.contact.data or "",
        period=form.period.data or "",
        description=form.description.data or "",
    )
    return _run(
        tender,
        vendor,
        "add_reference",
        lambda req: ops.add_reference(tender, req, data, at=clock_now(), actor=_me()),
        anchor="referanser",
        success=gettext("Referansen er lagt til."),
        reference_form=form,
    )


@bp.route("/referanser/<int:reference_id>/slett", methods=["POST"])
@login_required
def delete_reference(tender_id: int, reference_id: int) -> Any:
    return _delete_own(
        tender_id,
        RequestReference,
        reference_id,
        "delete_reference",
        ops.delete_reference,
        anchor="referanser",
        success=gettext("Referansen er fjernet."),
    )


@bp.route("/lever", methods=["POST"])
@login_required
def submit(tender_id: int) -> Any:
    tender = tender_for(tender_id, may_request)
    vendor = _vendor(tender)
    form = SubmitForm()
    if not form.validate_on_submit():
        abort(400)
    confirm = form.confirm_missing.data == "ja"

    def refused(error: DomainError) -> Any:
        if isinstance(error, ops.MissingParts):
            return _page(tender, vendor, missing=error.missing, status=422)
        return _page(tender, vendor, errors=_messages(error), status=_status(tender, vendor, error, "submit"))

    def deliver() -> str:
        req = ops.ensure_request(tender, vendor, at=clock_now(), actor=_me())
        return ops.submit(tender, req, at=clock_now(), actor=_me(), confirm_missing=confirm)

    return run_form(
        None,
        deliver,
        back=url_for("pq_request.receipt", tender_id=tender.id),
        success=gettext("Forespørselen om å delta er levert."),
        refused=refused,
    )


@bp.route("/kvittering")
@login_required
def receipt(tender_id: int) -> Any:
    tender = tender_for(tender_id, may_request)
    vendor = _vendor(tender)
    req = ops.request_of(tender, vendor.id)
    if req is None or not req.is_submitted:
        abort(404)
    return render_template(
        "prequalification/request_receipt.html",
        tender=tender,
        vendor=vendor,
        req=req,
        requirements={r.id: (i, r) for i, r in enumerate(ops.requirements_of(tender), 1)},
    )
