"""The tender documents page: the lead assembles and publishes the set; the group reads every version and
who holds it; a vendor's user reads and downloads the published versions (each download logged).

A draft's documents answer a vendor's user exactly like ids that do not exist (404), as do another tender's.
"""

from __future__ import annotations

import io
from typing import Any

from flask import Blueprint, abort, render_template, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from tender.documents import operations as ops
from tender.documents.forms import AgreementForm, DocumentUploadForm, LabelForm
from tender.documents.models import DocumentKind, DocumentSetVersion, TenderDocument
from tender.documents.permissions import (
    download_tender_documents,
    manage_documents,
    view_document_drafts,
    view_tender_documents,
)
from tender.errors import DomainError
from tender.extensions import db
from tender.questions.operations import published_questions
from tender.tenders.access import tender_for
from tender.tenders.models import Tender, Vendor
from tender.web.forms import EmptyForm, run_button, run_form
from tender.web.uploads import send_download

bp = Blueprint("documents", __name__, url_prefix="/konkurranser/<int:tender_id>/konkurransegrunnlag")


def _me() -> Any:
    return current_user._get_current_object()


def _back(tender: Tender, anchor: str | None = None) -> str:
    return url_for("documents.index", tender_id=tender.id, _anchor=anchor)


def _label_forms(
    draft: DocumentSetVersion | None, failed: tuple[int, LabelForm] | None = None
) -> dict[int, LabelForm]:
    """One label form per document of the draft; the one just refused keeps what was typed and why."""
    forms: dict[int, LabelForm] = {}
    for document in ops.documents_of(draft) if draft is not None else []:
        if failed is not None and failed[0] == document.id:
            forms[document.id] = failed[1]
            continue
        form = LabelForm(formdata=None, prefix=f"d{document.id}")
        form.label.data = document.label
        forms[document.id] = form
    return forms


def _page(
    tender: Tender,
    *,
    upload_form: DocumentUploadForm | None = None,
    label_form: tuple[int, LabelForm] | None = None,
    agreement_form: AgreementForm | None = None,
    status: int = 200,
) -> Any:
    group = view_document_drafts(current_user, tender)
    published = ops.published_versions(tender)
    context: dict[str, Any] = {
        "tender": tender,
        "group": group,
        "published": list(reversed(published)),
        "current": published[-1] if published else None,
        "documents_of": ops.documents_of,
        "button": EmptyForm(),
        # the published questions and answers are part of the tender documents (issue 13, point 2)
        "answers": published_questions(tender),
    }
    if group:
        pending = ops.pending_of(tender)
        draft = pending if pending is not None and pending.frozen_at is None else None
        if upload_form is None:
            upload_form = DocumentUploadForm(formdata=None)
        if agreement_form is None:
            agreement_form = AgreementForm(formdata=None)
            agreement_form.agreement.data = draft.agreement if draft is not None else ""
        context |= {
            "pending": pending,
            "draft": draft,
            "upload_form": upload_form,
            "agreement_form": agreement_form,
            "label_forms": _label_forms(draft, label_form),
            "generated_kinds": ops.GENERATED_KINDS,
            "refusals": ops.generation_refusals(tender),
            "holders": {v.id: ops.holders(tender, v) for v in published},
            "first": not published and pending is None,
            "appendix_labels": ops.APPENDIX_LABELS,
        }
    return render_template("documents/index.html", **context), status


@bp.route("")
@login_required
def index(tender_id: int) -> Any:
    tender = tender_for(tender_id, view_tender_documents)
    return _page(tender)


def _draft(tender: Tender) -> DocumentSetVersion:
    """The draft the lead's forms change: the one being assembled, or a new first version."""
    return ops.ensure_draft(tender, actor=_me())


def _pending_draft(tender: Tender) -> DocumentSetVersion:
    """The draft being assembled (a correction's too); the first version is created by the first change."""
    pending = ops.pending_of(tender)
    if pending is not None:
        if pending.frozen_at is not None:
            raise DomainError(
                f"Versjon {pending.number} er fryst og venter på publisering; den kan ikke endres."
            )
        return pending
    return _draft(tender)


@bp.route("/last-opp", methods=["POST"])
@login_required
def upload(tender_id: int) -> Any:
    tender = tender_for(tender_id, manage_documents)
    form = DocumentUploadForm()

    def save() -> TenderDocument:
        return ops.upload(
            tender,
            _pending_draft(tender),
            kind=DocumentKind(form.kind.data),
            label=form.label.data or "",
            filename=form.file.data.filename or "dokument",
            data=form.file.data.read(),
            actor=_me(),
        )

    return run_form(
        form,
        save,
        back=_back(tender, "utkast"),
        success=lambda d: f"«{d.label}» er lagt i utkastet.",
        refused=lambda error: _page(tender, upload_form=form, status=422),
    ) or _page(tender, upload_form=form, status=422)


@bp.route("/standardavtale", methods=["POST"])
@login_required
def agreement(tender_id: int) -> Any:
    tender = tender_for(tender_id, manage_documents)
    form = AgreementForm()
    return run_form(
        form,
        lambda: ops.choose_agreement(tender, _pending_draft(tender), form.agreement.data or "", actor=_me()),
        back=_back(tender, "utkast"),
        success="Standardavtalen er valgt; navnene er fylt inn og kan endres.",
        refused=lambda error: _page(tender, agreement_form=form, status=422),
    ) or _page(tender, agreement_form=form, status=422)


@bp.route("/lag/<kind>", methods=["POST"])
@login_required
def generate(tender_id: int, kind: str) -> Response:
    tender = tender_for(tender_id, manage_documents)
    found = next((k for k in ops.GENERATED_KINDS if k.value == kind), None)
    if found is None:
        abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    return run_button(
        lambda: ops.generate(tender, _pending_draft(tender), found, actor=_me()),
        back=_back(tender, "utkast"),
        success=lambda made: "Laget: " + ", ".join(f"«{d.label}»" for d in made) + ".",
    )


def _draft_document(tender: Tender, document_id: int) -> TenderDocument:
    found = ops.document_in(tender, document_id)
    if found is None:
        abort(404)
    return found


@bp.route("/dokument/<int:document_id>/navn", methods=["POST"])
@login_required
def rename(tender_id: int, document_id: int) -> Any:
    tender = tender_for(tender_id, manage_documents)
    document = _draft_document(tender, document_id)
    form = LabelForm(prefix=f"d{document.id}")
    return run_form(
        form,
        lambda: ops.rename(tender, document, form.label.data or "", actor=_me()),
        back=_back(tender, "utkast"),
        success="Navnet er endret.",
        refused=lambda error: _page(tender, label_form=(document.id, form), status=422),
    ) or _page(tender, label_form=(document.id, form), status=422)


@bp.route("/dokument/<int:document_id>/fjern", methods=["POST"])
@login_required
def remove(tender_id: int, document_id: int) -> Response:
    tender = tender_for(tender_id, manage_documents)
    document = _draft_document(tender, document_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    label = document.label
    return run_button(
        lambda: ops.remove(tender, document, actor=_me()),
        back=_back(tender, "utkast"),
        success=f"«{label}» er fjernet fra utkastet.",
    )


def _publish_first(tender: Tender) -> DocumentSetVersion:
    draft = ops.draft_of(tender)
    if draft is None:
        raise DomainError("Det er ikke noe utkast å publisere.")
    if draft.is_correction:
        # a correction goes out through the corrections' route (approvals bound to its hash, notices)
        raise DomainError("En rettelse publiseres fra siden for rettelser.")
    ops.publish(tender, draft, actor=_me())
    return draft


@bp.route("/publiser", methods=["POST"])
@login_required
def publish(tender_id: int) -> Response:
    tender = tender_for(tender_id, manage_documents)
    if not EmptyForm().validate_on_submit():
        abort(400)
    return run_button(
        lambda: _publish_first(tender),
        back=_back(tender),
        success=lambda v: (
            f"Versjon {v.number} av konkurransegrunnlaget er publisert (sjekksum {v.content_sha256[:12]}…)."
        ),
    )


def _vendor(tender: Tender) -> Vendor | None:
    ids = sorted(tender.vendor_ids_of(current_user))
    return db.session.get(Vendor, ids[0]) if ids else None


@bp.route("/dokument/<int:document_id>")
@login_required
def download(tender_id: int, document_id: int) -> Any:
    tender = tender_for(tender_id, view_tender_documents)
    document = ops.document_in(tender, document_id)
    group = view_document_drafts(current_user, tender)
    if document is None or (not group and document.version.published_at is None):
        abort(404)
    vendor = _vendor(tender) if download_tender_documents(current_user, tender) else None
    if document.version.published_at is not None:
        # the group reading a document is logged too (no vendor); holders are the vendors' users only
        ops.record_download(tender, document, user=_me(), vendor=vendor)
    response = send_download(io.BytesIO(document.data), document.filename, document.content_type)
    response.headers["Cache-Control"] = "no-store"
    return response
