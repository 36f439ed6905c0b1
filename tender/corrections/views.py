"""The corrections pages: every published correction with its reason, date and diff (vendors and group); for
the group the open correction; for the lead starting one (of the specification or of the tender documents),
the setting, freezing a documents correction and publishing with the extension question; for a
municipality's signer approving a frozen documents correction."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import Blueprint, abort, render_template, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from tender.clock import now as clock_now
from tender.core import spec as core
from tender.core.spec.diff import ItemChange, SpecDiff
from tender.corrections import operations as ops
from tender.corrections.forms import (
    ApproveDocumentsForm,
    CancelCorrectionForm,
    NoticeDaysForm,
    PublishCorrectionForm,
    StartCorrectionForm,
    StartDocumentsCorrectionForm,
)
from tender.corrections.models import Correction
from tender.corrections.permissions import (
    approve_documents_correction,
    manage_corrections,
    view_corrections,
    view_open_correction,
)
from tender.documents import operations as doc_ops
from tender.errors import DomainError
from tender.formatting import OSLO, format_file_size
from tender.mail import public_url
from tender.requirements import operations as spec_ops
from tender.requirements.models import Specification
from tender.requirements.permissions import sign_for
from tender.tenders.access import tender_for
from tender.tenders.models import Tender
from tender.web.forms import EmptyForm, run_button, run_form
from tender.web.uploads import send_download

bp = Blueprint("corrections", __name__, url_prefix="/konkurranser/<int:tender_id>/rettelser")


@bp.app_template_filter("changes_in_words")
def changes_in_words(changes: list[Any], documents: bool = False) -> str:
    """The summary of a correction's changes in the page's language from the changes themselves (the
    operations word it in Norwegian for the mails and the PDF): each count with its own plural, the counts
    joined as the locale joins a list ("1 new requirement and 1 changed requirement")."""
    from babel.lists import format_list
    from flask_babel import gettext, ngettext

    from tender.i18n import format_locale

    def n(kind: str) -> int:
        return sum(1 for c in changes if c.kind == kind)

    if documents:
        counted = [
            ngettext("%(num)s nytt dokument", "%(num)s nye dokumenter", n("added")) if n("added") else "",
            ngettext("%(num)s erstattet dokument", "%(num)s erstattede dokumenter", n("replaced"))
            if n("replaced")
            else "",
            ngettext("%(num)s dokument med nytt navn", "%(num)s dokumenter med nytt navn", n("renamed"))
            if n("renamed")
            else "",
            ngettext("%(num)s fjernet dokument", "%(num)s fjernede dokumenter", n("removed"))
            if n("removed")
            else "",
        ]
    else:
        counted = [
            ngettext("%(num)s nytt krav", "%(num)s nye krav", n("added")) if n("added") else "",
            ngettext("%(num)s endret krav", "%(num)s endrede krav", n("changed")) if n("changed") else "",
            ngettext("%(num)s slettet krav", "%(num)s slettede krav", n("removed")) if n("removed") else "",
        ]
    parts = [part for part in counted if part]
    return gettext("Endringer: %(list)s.", list=format_list(parts, locale=format_locale()))


def _me() -> Any:
    return current_user._get_current_object()


@dataclass(frozen=True)
class RequirementChange:
    """One requirement in a correction's diff, as a vendor reads it."""

    kind: str  # "added", "removed", "changed"
    id: str
    number: str
    text: str
    change: ItemChange | None = None

    @property
    def label(self) -> str:
        return {"added": "Nytt krav", "removed": "Slettet krav", "changed": "Endret krav"}[self.kind]


def requirement_changes(diff: SpecDiff, new: core.Specification) -> list[RequirementChange]:
    """The diff requirement by requirement, in the new version's order (removed ones last)."""
    changed = {c.id: c for c in diff.changed}
    added = {r.id for r in diff.added}
    out = []
    for req in new.requirements:
        if req.id in added:
            out.append(RequirementChange("added", req.id, req.number, req.text))
        elif req.id in changed:
            out.append(RequirementChange("changed", req.id, req.number, req.text, changed[req.id]))
    out += [RequirementChange("removed", r.id, r.number, r.text) for r in diff.removed]
    return out


def _local(value: datetime | None) -> datetime | None:
    """A form's naive local time as the UTC-aware moment it means (Norwegian time)."""
    return value.replace(tzinfo=OSLO) if isinstance(value, datetime) else None


def _shown_documents(correction: Correction) -> dict[str, Any]:
    changes = ops.documents_correction_diff(correction)
    return {
        "correction": correction,
        "document_changes": changes,
        "summary": ops.documents_summary(changes),
        "extension": ops.extension_in_words(
            correction.deadline_question, correction.deadline_extended_to, correction.no_extension_reason
        ),
    }


def _shown(tender: Tender, spec: Specification | None, correction: Correction) -> dict[str, Any]:
    if correction.of_documents:
        return _shown_documents(correction)
    assert spec is not None, "a specification correction has its specification"
    diff = ops.correction_diff(correction, spec)
    if correction.version is not None:
        new = spec_ops.version_content(correction.version)
    else:
        candidate = ops.candidate_version(tender, spec)
        new = spec_ops.version_content(candidate) if candidate else spec_ops.to_core(spec)
    return {
        "correction": correction,
        "diff": diff,
        "changes": requirement_changes(diff, new),
        "summary": ops.summary_in_words(diff),
        "extension": ops.extension_in_words(
            correction.deadline_question, correction.deadline_extended_to, correction.no_extension_reason
        ),
    }


def _page(
    tender: Tender,
    *,
    start_form: StartCorrectionForm | None = None,
    documents_form: StartDocumentsCorrectionForm | None = None,
    publish_form: PublishCorrectionForm | None = None,
    days_form: NoticeDaysForm | None = None,
    cancel_form: CancelCorrectionForm | None = None,
    status: int = 200,
) -> Any:
    spec = spec_ops.specification_of(tender)
    published = [_shown(tender, spec, c) for c in ops.all_corrections(tender) if not c.is_open]
    published.reverse()  # the newest first
    current = None
    candidate = missing = None
    question = False
    open_one = ops.open_correction(tender)
    signing: list[Any] = []
    if open_one is not None and view_open_correction(current_user, tender):
        current = _shown(tender, spec, open_one)
        question = ops.deadline_question_due(tender, spec, clock_now())
        if open_one.of_documents:
            missing = ops.missing_documents_approvals(tender, open_one)
            version = open_one.documents_version
            if version is not None and version.frozen_at is not None:
                # the municipalities this user signs for that have not approved the frozen version yet
                signing = [m for m in missing if sign_for(current_user, tender, m)]
        elif spec is not None:
            candidate = ops.candidate_version(tender, spec)
            missing = spec_ops.missing_approvals(tender, candidate) if candidate else None
    if days_form is None:
        days_form = NoticeDaysForm(formdata=None)
        days_form.days.data = spec.correction_notice_days if spec else ops.DEFAULT_NOTICE_DAYS
    approve_form = ApproveDocumentsForm(formdata=None)
    if current is not None and open_one is not None and open_one.documents_version is not None:
        approve_form.content_sha256.data = open_one.documents_version.content_sha256 or ""
    return render_template(
        "corrections/index.html",
        tender=tender,
        spec=spec,
        published=published,
        current=current,
        candidate=candidate,
        missing=missing,
        signing=signing,
        documents_published=doc_ops.current_version(tender) is not None,
        documents_pending=doc_ops.pending_of(tender),
        documents_of=doc_ops.documents_of,
        draft_changed=spec is not None and spec_ops.draft_differs_from_latest(spec),
        question=question,
        start_form=start_form or StartCorrectionForm(formdata=None),
        documents_form=documents_form or StartDocumentsCorrectionForm(formdata=None),
        publish_form=publish_form or PublishCorrectionForm(formdata=None),
        days_form=days_form,
        cancel_form=cancel_form or CancelCorrectionForm(formdata=None),
        approve_form=approve_form,
        button=EmptyForm(),
    ), status


@bp.route("")
@login_required
def index(tender_id: int) -> Any:
    return _page(tender_for(tender_id, view_corrections))


@bp.route("/ny", methods=["POST"])
@login_required
def start(tender_id: int) -> Any:
    tender = tender_for(tender_id, manage_corrections)
    form = StartCorrectionForm()
    done = run_form(
        form,
        lambda: ops.start_correction(tender, reason=form.reason.data or "", at=clock_now(), actor=_me()),
        back=url_for("requirements.index", tender_id=tender.id),
        success=lambda c: f"{c.label} er startet. Endre utkastet, frys en ny versjon og få den godkjent.",
    )
    return done if done is not None else _page(tender, start_form=form, status=422)


@bp.route("/dokumenter/ny", methods=["POST"])
@login_required
def start_documents(tender_id: int) -> Any:
    tender = tender_for(tender_id, manage_corrections)
    form = StartDocumentsCorrectionForm()
    done = run_form(
        form,
        lambda: ops.start_documents_correction(
            tender, reason=form.reason.data or "", at=clock_now(), actor=_me()
        ),
        back=url_for("documents.index", tender_id=tender.id, _anchor="utkast"),
        success=lambda c: (
            f"{c.label} er startet. Endre dokumentene i utkastet her, og frys det fra siden for rettelser."
        ),
    )
    return done if done is not None else _page(tender, documents_form=form, status=422)


def _open_documents_correction(tender: Tender) -> Correction:
    """The open correction of the tender documents; refused (not 404: the lead may have a specification
    correction open) when there is none."""
    correction = ops.open_correction(tender)
    if correction is None or not correction.of_documents:
        raise DomainError("Det er ingen pågående rettelse av konkurransegrunnlaget.")
    return correction


@bp.route("/dokumenter/frys", methods=["POST"])
@login_required
def freeze_documents(tender_id: int) -> Response:
    tender = tender_for(tender_id, manage_corrections)
    if not EmptyForm().validate_on_submit():
        abort(400)
    return run_button(
        lambda: ops.freeze_documents_correction(tender, _open_documents_correction(tender), actor=_me()),
        back=url_for("corrections.index", tender_id=tender.id),
        success=lambda sha: f"Utkastet er fryst (sjekksum {sha[:12]}…); kommunene kan nå godkjenne det.",
    )


@bp.route("/dokumenter/godkjenn/<int:municipality_id>", methods=["POST"])
@login_required
def approve_documents(tender_id: int, municipality_id: int) -> Response:
    tender = tender_for(tender_id, approve_documents_correction)
    municipality = next((m for m in tender.participating_municipalities if m.id == municipality_id), None)
    if municipality is None:
        abort(404)
    form = ApproveDocumentsForm()
    if not form.validate_on_submit():
        abort(400)
    return run_button(
        lambda: ops.approve_documents_correction(
            tender,
            _open_documents_correction(tender),
            municipality,
            content_sha256=form.content_sha256.data or "",
            at=clock_now(),
            signer=_me(),
        ),
        back=url_for("corrections.index", tender_id=tender.id),
        success=f"{municipality.name} har godkjent rettelsen av konkurransegrunnlaget.",
    )


@bp.route("/innstilling", methods=["POST"])
@login_required
def notice_days(tender_id: int) -> Any:
    tender = tender_for(tender_id, manage_corrections)
    form = NoticeDaysForm()

    def save() -> None:
        days = form.days.data
        if days is None or days != days.to_integral_value():
            raise DomainError("Antall dager må være et helt tall.", field="days")
        ops.set_notice_days(tender, int(days), actor=_me())

    done = run_form(
        form,
        save,
        back=url_for("corrections.index", tender_id=tender.id),
        success="Innstillingen er lagret.",
    )
    return done if done is not None else _page(tender, days_form=form, status=422)


@bp.route("/kunngjor", methods=["POST"])
@login_required
def publish(tender_id: int) -> Any:
    tender = tender_for(tender_id, manage_corrections)
    form = PublishCorrectionForm()
    correction = ops.open_correction(tender)
    if correction is None:
        abort(404)

    def publish_it() -> Correction:
        choice = form.extend.data
        decision = ops.DeadlineDecision(
            extend=None if choice not in ("ja", "nei") else choice == "ja",
            new_deadline=_local(form.new_deadline.data),
            reason=form.reason.data or "",
        )
        return ops.publish_correction(
            tender,
            correction,
            decision=decision,
            at=clock_now(),
            actor=_me(),
            link=public_url("corrections.show", tender_id=tender.id, number=correction.number),
        )

    done = run_form(
        form,
        publish_it,
        back=lambda c: url_for("corrections.show", tender_id=tender.id, number=c.number),
        success=lambda c: (
            f"{c.label} er kunngjort som versjon "
            f"{(c.documents_version if c.of_documents else c.version).number}; {c.notified} "
            "leverandørbrukere har fått e-post."
        ),
    )
    return done if done is not None else _page(tender, publish_form=form, status=422)


@bp.route("/avbryt", methods=["POST"])
@login_required
def cancel(tender_id: int) -> Any:
    tender = tender_for(tender_id, manage_corrections)
    form = CancelCorrectionForm()
    correction = ops.open_correction(tender)
    if correction is None:
        abort(404)
    number = correction.number
    done = run_form(
        form,
        lambda: ops.cancel_correction(tender, correction, reason=form.reason.data or "", actor=_me()),
        back=url_for("corrections.index", tender_id=tender.id),
        success=(
            f"Rettelse {number} er avbrutt; utkastet til ny versjon av konkurransegrunnlaget er forkastet."
            if correction.of_documents
            else f"Rettelse {number} er avbrutt; utkastet er som den kunngjorte versjonen igjen."
        ),
    )
    return done if done is not None else _page(tender, cancel_form=form, status=422)


def _correction_or_404(tender: Tender, number: int) -> tuple[Specification | None, Correction]:
    spec = spec_ops.specification_of(tender)
    correction = ops.correction_by_number(tender, number)
    if correction is None or (spec is None and not correction.of_documents):
        abort(404)
    if correction.is_open and not view_open_correction(current_user, tender):
        abort(404)  # a vendor never learns that a correction is being drafted
    return spec, correction


@bp.route("/<int:number>")
@login_required
def show(tender_id: int, number: int) -> Any:
    tender = tender_for(tender_id, view_corrections)
    spec, correction = _correction_or_404(tender, number)
    return render_template(
        "corrections/show.html", tender=tender, spec=spec, **_shown(tender, spec, correction)
    )


@bp.route("/<int:number>/pdf")
@login_required
def pdf(tender_id: int, number: int) -> Response:
    from tender.reports.correction_pdf import render_correction_pdf

    tender = tender_for(tender_id, view_corrections)
    spec, correction = _correction_or_404(tender, number)
    shown = _shown(tender, spec, correction)
    buffer = io.BytesIO()
    if correction.of_documents:
        version = correction.documents_version
        render_correction_pdf(
            buffer,
            tender_title=tender.title,
            case_reference=tender.case_reference,
            number=correction.number,
            reason=correction.reason,
            published_at=correction.published_at,
            version_number=version.number if version else None,
            content_hash=version.content_sha256 if version else None,
            summary=shown["summary"],
            extension=shown["extension"] if correction.published_at else "",
            changes=[(c.word, c.label, "", "", _file_rows(c)) for c in shown["document_changes"]],
            subject="konkurransegrunnlaget",
        )
        return send_download(
            io.BytesIO(buffer.getvalue()), f"rettelse-{correction.number}.pdf", "application/pdf"
        )
    render_correction_pdf(
        buffer,
        tender_title=tender.title,
        case_reference=tender.case_reference,
        number=correction.number,
        reason=correction.reason,
        published_at=correction.published_at,
        version_number=correction.version.number if correction.version else None,
        content_hash=correction.version.content_hash if correction.version else None,
        summary=shown["summary"],
        extension=shown["extension"] if correction.published_at else "",
        changes=[
            (
                c.label,
                c.number,
                c.id,
                c.text,
                [(f.label, f.old or "–", f.new or "–") for f in (c.change.changes if c.change else ())],
            )
            for c in shown["changes"]
        ],
    )
    return send_download(
        io.BytesIO(buffer.getvalue()), f"rettelse-{correction.number}.pdf", "application/pdf"
    )


def _file_rows(change: ops.DocumentChange) -> list[tuple[str, str, str]]:
    """A document's change as rows of (what, before, after) for the PDF."""
    old, new = change.old, change.new
    rows = [
        ("Navn", old.label if old else "–", new.label if new else "–"),
        ("Fil", old.filename if old else "–", new.filename if new else "–"),
        ("Størrelse", format_file_size(old.size) if old else "–", format_file_size(new.size) if new else "–"),
        ("SHA-256", old.sha256 if old else "–", new.sha256 if new else "–"),
    ]
    return rows
