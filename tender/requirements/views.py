"""The specification pages: reading and filtering, editing, versions and diffs, approvals, publication,
Excel and PDF, and the catalogue and Excel imports."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from tender.core import spec as core
from tender.core.catalogue import load_catalogue, requirements_from_catalogue
from tender.core.spec.diff import diff_specs
from tender.core.spec.toml_format import load_spec_toml
from tender.corrections.operations import corrections_of
from tender.errors import DomainError
from tender.extensions import db
from tender.requirements import operations as ops
from tender.requirements.forms import (
    ChapterForm,
    DecisionForm,
    FreezeForm,
    LockedActionForm,
    NewChapterForm,
    RequirementForm,
    UploadForm,
)
from tender.requirements.models import Specification, SpecRequirement, SpecVersion
from tender.requirements.permissions import edit_spec, manage_spec, sign_off, view_spec
from tender.tenders.access import tender_for
from tender.tenders.models import Municipality, Tender
from tender.web import uploads
from tender.web.forms import EmptyForm, refusal_in_words, run_button, run_form
from tender.web.security import parse_row_id
from tender.web.uploads import clean_filename, send_download

bp = Blueprint("requirements", __name__, url_prefix="/konkurranser/<int:tender_id>/krav")

BASE_SPEC = ops.BASE_SPEC
MAX_UPLOAD = 20 * 1024 * 1024
T = TypeVar("T")


def _me() -> Any:
    return current_user._get_current_object()


def _spec_or_404(tender: Tender) -> Specification:
    spec = ops.specification_of(tender)
    if spec is None:
        abort(404)
    return spec


def _requirement_or_404(spec: Specification, key: str) -> SpecRequirement:
    row = next((r for r in spec.requirements if r.key == key), None)
    if row is None:
        abort(404)
    return row


#: a form whose hidden or choice fields were not what the page sent
TAMPERED = "Skjemaet er ugyldig. Last siden på nytt."


def _expected_version(raw: str | None) -> int:
    """The lock version a form was loaded with; a tampered one (not a number) can match no row's version,
    so the edit ends as a conflict rather than a 500."""
    raw = (raw or "0").strip()
    return int(raw) if raw.isascii() and raw.isdigit() else -1


def _version_or_404(spec: Specification, number: int) -> SpecVersion:
    version = next((v for v in spec.versions if v.number == number), None)
    if version is None:
        abort(404)
    return version


# -- reading --------------------------------------------------------------------------------------------
@bp.route("")
@login_required
def index(tender_id: int) -> str:
    tender = tender_for(tender_id, view_spec)
    spec = ops.specification_of(tender)
    filters = {
        k: request.args.get(k, "").strip()[:200] for k in ("kapittel", "type", "kriterium", "kommune", "q")
    }
    rows: list[SpecRequirement] = []
    overview: list[ops.MunicipalityStatus] = []
    if spec is not None:
        rows = _filtered(ops.ordered_requirements(spec), filters)
        overview = ops.approval_overview(tender, spec)
    # every chapter's rows, grouped once: the template used to filter all rows once per chapter, which grew
    # with chapters × requirements (issue 17). A filtered list shows only the chapters with a match.
    in_chapter: dict[int, list[SpecRequirement]] = {}
    for row in rows:
        in_chapter.setdefault(row.chapter_id, []).append(row)
    filtering = any(filters.values())
    chapters = [
        (chapter, in_chapter.get(chapter.id, []))
        for chapter in (spec.chapters if spec else [])
        if chapter.id in in_chapter or not filtering
    ]
    latest = ops.latest_version(spec) if spec else None
    return render_template(
        "requirements/index.html",
        tender=tender,
        spec=spec,
        rows=rows,
        chapters=chapters,
        filters=filters,
        overview=overview,
        latest=latest,
        # hashing the whole draft costs a tenth of a second at 2 000 requirements: only where the page says it
        draft_changed=spec is not None
        and (not spec.published_version or spec.correction_open)
        and ops.draft_differs_from_latest(spec),
        missing=ops.missing_approvals(tender, latest) if latest else [],
        kinds=list(core.Kind),
        action_form=LockedActionForm(),
        empty_form=EmptyForm(),
        freeze_form=FreezeForm(),
        upload_form=UploadForm(),
        base_available=BASE_SPEC.exists(),
        municipality_names={m.kommunenummer: m.name for m in tender.participating_municipalities},
        # the last correction of the specification (a correction of the other documents does not publish it)
        last_correction=next(
            (c for c in reversed(corrections_of(tender)) if c.spec_version is not None), None
        )
        if spec and spec.published_version
        else None,
    )


def _filtered(rows: list[SpecRequirement], f: dict[str, str]) -> list[SpecRequirement]:
    out = []
    needle = f["q"].casefold()
    for row in rows:
        if f["kapittel"] and row.chapter.key != f["kapittel"]:
            continue
        if f["type"] and row.kind.value != f["type"]:
            continue
        if f["kriterium"] and (row.criterion_key or "") != f["kriterium"]:
            continue
        if f["kommune"] and row.municipalities and f["kommune"] not in row.municipalities:
            continue
        if (
            needle
            and needle
            not in " ".join((row.key, row.number, row.text, row.documentation, row.source)).casefold()
        ):
            continue
        out.append(row)
    return out


# -- editing requirements --------------------------------------------------------------------------------
def _requirement_form(
    tender: Tender, spec: Specification, obj: SpecRequirement | None = None
) -> RequirementForm:
    form = RequirementForm()
    form.chapter.choices = [SelectChoice(c.key, f"{c.number} {c.title}") for c in spec.chapters]
    form.criterion.choices = [SelectChoice("", "–")] + [SelectChoice(c.key, c.name) for c in spec.criteria]
    form.municipalities.choices = [
        SelectChoice(m.kommunenummer, m.name) for m in tender.participating_municipalities
    ]
    if obj is not None and request.method == "GET":
        form.chapter.data = obj.chapter.key
        form.number.data, form.kind.data, form.text.data = obj.number, obj.kind.value, obj.text
        form.answer_form.data, form.unit.data = obj.answer_form.value, obj.unit or ""
        form.criterion.data = obj.criterion_key or ""
        form.weight.data = obj.weight
        form.documentation.data, form.source.data = obj.documentation, obj.source
        form.municipalities.data = list(obj.municipalities)
        form.lock_version.data = str(obj.lock_version)
    return form


def _tamper_proof(operation: Callable[[], T]) -> Callable[[], T]:
    """``operation`` with a ValueError (a tampered choice or hidden field) turned into a refusal on the
    form."""

    def run() -> T:
        try:
            return operation()
        except ValueError:
            raise DomainError(TAMPERED) from None

    return run


def _input_from(form: RequirementForm) -> ops.RequirementInput:
    return ops.RequirementInput(
        chapter=form.chapter.data or "",
        number=form.number.data or "",
        kind=core.Kind(form.kind.data),
        text=form.text.data or "",
        answer_form=core.AnswerForm(form.answer_form.data),
        unit=(form.unit.data or "").strip() or None,
        criterion=form.criterion.data or None,
        weight=form.weight.data,
        documentation=form.documentation.data or "",
        source=form.source.data or "",
        municipalities=tuple(form.municipalities.data or ()),
    )


@bp.route("/nytt", methods=["GET", "POST"])
@login_required
def new_requirement(tender_id: int) -> Any:
    tender = tender_for(tender_id, edit_spec)
    spec = _spec_or_404(tender)
    form = _requirement_form(tender, spec)
    if request.method == "GET":
        chapter = request.args.get("kapittel")
        if chapter:
            form.chapter.data = chapter
    done = run_form(
        form,
        lambda: ops.add_requirement(tender, _input_from(form), actor=_me()),
        back=lambda row: url_for("requirements.index", tender_id=tender.id, _anchor=row.key),
        success=lambda row: f"Krav {row.key} ({row.number}) er lagt til.",
    )
    if done is not None:
        return done
    return render_template(
        "requirements/requirement_form.html", tender=tender, form=form, row=None, conflict=None
    ), (422 if request.method == "POST" else 200)


@bp.route("/<key>", methods=["GET", "POST"])
@login_required
def edit_requirement(tender_id: int, key: str) -> Any:
    tender = tender_for(tender_id, edit_spec)
    spec = _spec_or_404(tender)
    row = _requirement_or_404(spec, key)
    form = _requirement_form(tender, spec, row)
    conflict = None

    def took_note(error: DomainError) -> None:
        nonlocal conflict
        if isinstance(error, ops.EditConflict):
            conflict = error
            form.lock_version.data = str(_current_lock_version(tender, key))

    done = run_form(
        form,
        _tamper_proof(
            lambda: ops.update_requirement(
                tender,
                row,
                _input_from(form),
                expected_version=_expected_version(form.lock_version.data),
                actor=_me(),
            )
        ),
        back=url_for("requirements.index", tender_id=tender.id, _anchor=row.key),
        success=f"Krav {row.key} er lagret.",
        refused=took_note,
    )
    if done is not None:
        return done
    status = 409 if conflict else (422 if request.method == "POST" else 200)
    diff = None
    if conflict is not None:
        base = core.Specification(title="", requirements=(conflict.current,))
        mine = core.Specification(title="", requirements=(conflict.mine,))
        diff = diff_specs(base, mine)
    return render_template(
        "requirements/requirement_form.html",
        tender=tender,
        form=form,
        row=row,
        conflict=conflict,
        conflict_diff=diff,
    ), status


def _current_lock_version(tender: Tender, key: str) -> int:
    """The current lock version, so the user can deliberately save over the other edit after reading it."""
    spec = _spec_or_404(tender)
    return _requirement_or_404(spec, key).lock_version


@bp.route("/<key>/slett", methods=["POST"])
@login_required
def delete_requirement(tender_id: int, key: str) -> Response:
    tender = tender_for(tender_id, edit_spec)
    spec = _spec_or_404(tender)
    row = _requirement_or_404(spec, key)
    form = LockedActionForm()
    if not form.validate_on_submit():
        abort(400)
    return run_button(
        lambda: ops.delete_requirement(
            tender, row, expected_version=form.lock_version.data or 0, actor=_me()
        ),
        back=url_for("requirements.index", tender_id=tender.id),
        success=f"Krav {key} er slettet. Id-en brukes ikke igjen.",
    )


@bp.route("/<key>/flytt/<direction>", methods=["POST"])
@login_required
def move_requirement(tender_id: int, key: str, direction: str) -> Response:
    tender = tender_for(tender_id, edit_spec)
    spec = _spec_or_404(tender)
    row = _requirement_or_404(spec, key)
    if direction not in ("opp", "ned") or not EmptyForm().validate_on_submit():
        abort(400)
    return run_button(
        lambda: ops.move_requirement(tender, row, -1 if direction == "opp" else 1, actor=_me()),
        back=url_for("requirements.index", tender_id=tender.id, _anchor=key),
    )


@bp.route("/renummerer", methods=["POST"])
@login_required
def renumber(tender_id: int) -> Response:
    tender = tender_for(tender_id, edit_spec)
    _spec_or_404(tender)
    if not EmptyForm().validate_on_submit():
        abort(400)
    return run_button(
        lambda: ops.renumber(tender, actor=_me()),
        back=url_for("requirements.index", tender_id=tender.id),
        success="Kapitler og krav er nummerert etter rekkefølgen.",
    )


# -- chapters ---------------------------------------------------------------------------------------------
@bp.route("/kapitler/nytt", methods=["GET", "POST"])
@login_required
def new_chapter(tender_id: int) -> Any:
    tender = tender_for(tender_id, edit_spec)
    form = NewChapterForm()
    done = run_form(
        form,
        lambda: ops.add_chapter(
            tender, title=form.title.data or "", description=form.description.data or "", actor=_me()
        ),
        back=url_for("requirements.index", tender_id=tender.id),
        success=lambda chapter: f"Kapittel {chapter.number} {chapter.title} er lagt til.",
    )
    if done is not None:
        return done
    return render_template("requirements/chapter_form.html", tender=tender, form=form, chapter=None), (
        422 if request.method == "POST" else 200
    )


@bp.route("/kapitler/<key>", methods=["GET", "POST"])
@login_required
def edit_chapter(tender_id: int, key: str) -> Any:
    tender = tender_for(tender_id, edit_spec)
    spec = _spec_or_404(tender)
    chapter = next((c for c in spec.chapters if c.key == key), None)
    if chapter is None:
        abort(404)
    form = ChapterForm(obj=chapter if request.method == "GET" else None)
    if request.method == "GET":
        form.lock_version.data = str(chapter.lock_version)
    done = run_form(
        form,
        _tamper_proof(
            lambda: ops.update_chapter(
                tender,
                chapter,
                title=form.title.data or "",
                description=form.description.data or "",
                number=form.number.data or chapter.number,
                expected_version=_expected_version(form.lock_version.data),
                actor=_me(),
            )
        ),
        back=url_for("requirements.index", tender_id=tender.id),
        success="Kapittelet er lagret.",
    )
    if done is not None:
        return done
    return render_template("requirements/chapter_form.html", tender=tender, form=form, chapter=chapter), (
        422 if request.method == "POST" else 200
    )


@bp.route("/kapitler/<key>/<action>", methods=["POST"])
@login_required
def chapter_action(tender_id: int, key: str, action: str) -> Response:
    tender = tender_for(tender_id, edit_spec)
    spec = _spec_or_404(tender)
    chapter = next((c for c in spec.chapters if c.key == key), None)
    if chapter is None:
        abort(404)
    if action not in ("opp", "ned", "slett") or not EmptyForm().validate_on_submit():
        abort(400)
    if action == "slett":
        return run_button(
            lambda: ops.delete_chapter(tender, chapter, actor=_me()),
            back=url_for("requirements.index", tender_id=tender.id),
        )
    return run_button(
        lambda: ops.move_chapter(tender, chapter, -1 if action == "opp" else 1, actor=_me()),
        back=url_for("requirements.index", tender_id=tender.id),
    )


# -- loading a whole specification ---------------------------------------------------------------------------
@bp.route("/last-inn", methods=["POST"])
@login_required
def load(tender_id: int) -> Any:
    tender = tender_for(tender_id, manage_spec)
    use_base = request.form.get("kilde") == "grunnspesifikasjon"
    form = UploadForm() if not use_base else None
    if use_base:
        if not EmptyForm().validate_on_submit():
            abort(400)
        data, origin = BASE_SPEC.read_bytes(), "grunnspesifikasjonen"
    else:
        assert form is not None
        if not form.validate_on_submit():
            flash("Velg en TOML-fil å laste inn.", "error")
            return redirect(url_for("requirements.index", tender_id=tender.id))
        data = form.file.data.read(MAX_UPLOAD + 1)
        origin = f"fil: {clean_filename(form.file.data.filename, 'uten navn')}"
        if len(data) > MAX_UPLOAD:
            flash("Filen er for stor (over 20 MB).", "error")
            return redirect(url_for("requirements.index", tender_id=tender.id))
    try:
        content = load_spec_toml(data)
    except core.SpecFileError as error:
        return _problems_page(tender, error.problems, "Filen kan ikke lastes inn")
    return run_button(
        lambda: ops.replace_draft(tender, content, actor=_me(), origin=origin),
        back=url_for("requirements.index", tender_id=tender.id),
        success=f"{len(content.requirements)} krav i {len(content.chapters)} kapitler er "
        "lastet inn som utkast.",
    )


# -- versions, diffs, decisions, publication ---------------------------------------------------------------
@bp.route("/frys", methods=["POST"])
@login_required
def freeze(tender_id: int) -> Response:
    tender = tender_for(tender_id, manage_spec)
    _spec_or_404(tender)
    form = FreezeForm()
    if not form.validate_on_submit():
        flash(refusal_in_words(form), "error")
        return redirect(url_for("requirements.index", tender_id=tender.id))
    return run_button(
        lambda: ops.freeze_version(tender, actor=_me(), note=form.note.data or ""),
        back=url_for("requirements.index", tender_id=tender.id),
        success=lambda v: f"Versjon {v.number} er frosset og sendt til godkjenning i kommunene.",
    )


def _decision_form(tender: Tender, version: SpecVersion) -> DecisionForm:
    form = DecisionForm()
    decided = {d.municipality_id for d in version.decisions}
    form.municipality.choices = [
        SelectChoice(str(m.id), m.name)
        for m in tender.signer_municipalities(current_user)
        if m.id not in decided
    ]
    if request.method == "GET":
        form.content_hash.data = version.content_hash
    return form


@bp.route("/versjoner/<int:number>", methods=["GET", "POST"])
@login_required
def version(tender_id: int, number: int) -> Any:
    tender = tender_for(tender_id, view_spec)
    spec = _spec_or_404(tender)
    version = _version_or_404(spec, number)
    content = ops.version_content(version)
    form = _decision_form(tender, version)
    if request.method == "POST":
        if not sign_off(current_user, tender):
            abort(403)

        def decide() -> Municipality:
            municipality = db.session.get(Municipality, int(form.municipality.data))
            ops.decide(
                tender,
                version,
                municipality,
                approve=form.decision.data == "approved",
                comment=form.comment.data or "",
                content_hash=form.content_hash.data or "",
                signer=_me(),
            )
            return municipality

        done = run_form(
            form,
            decide,
            back=url_for("requirements.version", tender_id=tender.id, number=number),
            success=lambda municipality: f"Beslutningen for {municipality.name} er registrert.",
        )
        if done is not None:
            return done
    mine = {m.id for m in tender.signer_municipalities(current_user)}
    previous = ops.last_approved_by(spec, version, mine)
    status = 422 if request.method == "POST" else 200
    return render_template(
        "requirements/version.html",
        tender=tender,
        spec=spec,
        version=version,
        content=content,
        # grouped once here: a filter per chapter in the template grew with chapters × requirements
        in_chapter=_by_chapter(content),
        form=form,
        previous=previous,
        is_latest=version is ops.latest_version(spec),
        missing=ops.missing_approvals(tender, version),
        empty_form=EmptyForm(),
    ), status


def _by_chapter(content: core.Specification) -> dict[str, list[core.Requirement]]:
    grouped: dict[str, list[core.Requirement]] = {}
    for requirement in content.requirements:
        grouped.setdefault(requirement.chapter, []).append(requirement)
    return grouped


@bp.route("/diff")
@login_required
def diff(tender_id: int) -> Any:
    tender = tender_for(tender_id, view_spec)
    spec = _spec_or_404(tender)

    def side(raw: str) -> tuple[str, core.Specification]:
        if raw == "utkast":
            return "utkastet", ops.to_core(spec)
        if raw.isdigit():
            v = _version_or_404(spec, parse_row_id(raw) or 0)
            return f"versjon {v.number}", ops.version_content(v)
        abort(404)

    old_label, old = side(request.args.get("fra", ""))
    new_label, new = side(request.args.get("til", "utkast"))
    return render_template(
        "requirements/diff.html",
        tender=tender,
        spec=spec,
        diff=diff_specs(old, new),
        old_label=old_label,
        new_label=new_label,
    )


@bp.route("/versjoner/<int:number>/kunngjor", methods=["POST"])
@login_required
def publish(tender_id: int, number: int) -> Response:
    tender = tender_for(tender_id, manage_spec)
    spec = _spec_or_404(tender)
    version = _version_or_404(spec, number)
    if not EmptyForm().validate_on_submit():
        abort(400)
    return run_button(
        lambda: ops.publish(tender, version, actor=_me()),
        back=url_for("requirements.version", tender_id=tender.id, number=number),
        success=f"Versjon {version.number} er kunngjort.",
    )


# -- Excel and PDF -------------------------------------------------------------------------------------------
def _problems_page(tender: Tender, problems: Any, title: str) -> tuple[str, int]:
    # 422: the request's transaction rolls back whatever the refused import had begun
    return render_template("requirements/problems.html", tender=tender, problems=problems, title=title), 422


def _download(data: bytes, name: str, mimetype: str) -> Response:
    return send_download(io.BytesIO(data), name, mimetype)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.route("/excel")
@login_required
def export_excel(tender_id: int) -> Any:
    from tender.reports.spec_excel import export_answer_form

    tender = tender_for(tender_id, view_spec)
    spec = _spec_or_404(tender)
    number = request.args.get("versjon", "")
    if number.isdigit():
        # str.isdigit() also accepts digits int() refuses ("²"): those are a 404, not a 500
        version = _version_or_404(spec, parse_row_id(number) or 0)
        # the workbook writes "Versjon <label>" itself
        content, label, digest = ops.version_content(version), str(version.number), version.content_hash
        name = f"versjon-{version.number}"
    else:
        content = ops.to_core(spec)
        label, digest, name = "utkast", core.content_hash(content), "utkast"
        problems = core.validate_spec(content)
        if problems:
            return _problems_page(
                tender, problems, "Utkastet kan ikke eksporteres før disse feilene er rettet"
            )
    buffer = io.BytesIO()
    export_answer_form(content, buffer, tender_title=tender.title, version_label=label, content_hash=digest)
    return _download(buffer.getvalue(), f"kravspesifikasjon-{name}.xlsx", XLSX)


@bp.route("/versjoner/<int:number>/pdf")
@login_required
def export_pdf(tender_id: int, number: int) -> Response:
    from tender.reports.spec_pdf import render_spec_pdf

    tender = tender_for(tender_id, view_spec)
    spec = _spec_or_404(tender)
    version = _version_or_404(spec, number)
    approvals = [
        (d.municipality.name, d.signer_name, d.decision.label, d.comment, d.decided_at)
        for d in version.decisions
    ]
    buffer = io.BytesIO()
    render_spec_pdf(
        ops.version_content(version),
        buffer,
        tender_title=tender.title,
        case_reference=tender.case_reference,
        version_label=str(version.number),
        content_hash=version.content_hash,
        approvals=approvals,
    )
    return _download(buffer.getvalue(), f"kravspesifikasjon-versjon-{version.number}.pdf", "application/pdf")


# -- imports -------------------------------------------------------------------------------------------------
def _read_upload(form: UploadForm) -> bytes | None:
    data = form.file.data.read(MAX_UPLOAD + 1)
    if len(data) > MAX_UPLOAD:
        form.file.errors = ["Filen er for stor (over 20 MB)."]
        return None
    if not data:
        form.file.errors = ["Filen er tom."]
        return None
    return data


@bp.route("/import/excel", methods=["GET", "POST"])
@login_required
def import_excel(tender_id: int) -> Any:
    from tender.core.spec.workbook_read import import_spec_workbook

    tender = tender_for(tender_id, manage_spec)
    spec = _spec_or_404(tender)
    form = UploadForm()
    token = request.form.get("token", "")
    if request.method == "POST" and token:
        return _apply_excel(tender, spec, token)
    if form.validate_on_submit():
        data = _read_upload(form)
        if data is not None:
            try:
                result = import_spec_workbook(data, ops.to_core(spec))
            except core.SpecFileError as error:
                return _problems_page(tender, error.problems, "Regnearket kan ikke leses inn")
            return render_template(
                "requirements/import_excel_diff.html",
                tender=tender,
                result=result,
                token=uploads.stash(data),
                form=EmptyForm(),
            )
    return render_template(
        "requirements/upload.html",
        tender=tender,
        form=form,
        title="Les inn redigert regneark",
        action=url_for("requirements.import_excel", tender_id=tender.id),
        hint="Et regneark eksportert fra denne kravspesifikasjonen, med endringer.",
    ), (422 if request.method == "POST" else 200)


def _apply_excel(tender: Tender, spec: Specification, token: str) -> Any:
    from tender.core.spec.workbook_read import import_spec_workbook

    if not EmptyForm().validate_on_submit():
        abort(400)
    data = uploads.unstash(token)
    if data is None:
        flash("Den opplastede filen finnes ikke lenger. Last den opp på nytt.", "error")
        return redirect(url_for("requirements.import_excel", tender_id=tender.id))
    try:
        # read again against the draft as it is now: it may have changed since the preview
        result = import_spec_workbook(data, ops.to_core(spec))
    except core.SpecFileError as error:
        return _problems_page(tender, error.problems, "Regnearket passer ikke lenger til utkastet")
    accepted = set(request.form.getlist("accept"))
    additions = [r for r in result.diff.added if r.id in accepted]
    changes = [result.spec.requirement(c.id) for c in result.diff.changed if c.id in accepted]
    removals = [r.id for r in result.diff.removed if r.id in accepted]

    def apply() -> None:
        for key in removals:
            row = _requirement_or_404(spec, key)
            ops.delete_requirement(tender, row, expected_version=row.lock_version, actor=_me())
        ops.apply_requirements(
            tender, additions, [c for c in changes if c is not None], actor=_me(), origin="regneark"
        )

    return run_button(
        apply,
        back=url_for("requirements.index", tender_id=tender.id),
        success=f"Tatt inn: {len(additions)} nye, {len(changes)} endrede og {len(removals)} slettede krav.",
    )


@bp.route("/import/katalog", methods=["GET", "POST"])
@login_required
def import_catalogue(tender_id: int) -> Any:
    tender = tender_for(tender_id, manage_spec)
    form = UploadForm()
    token = request.form.get("token", "")
    if request.method == "POST" and token:
        return _apply_catalogue(tender, token)
    if form.validate_on_submit():
        data = _read_upload(form)
        if data is not None:
            try:
                catalogue = load_catalogue(data)
            except core.SpecFileError as error:
                return _problems_page(tender, error.problems, "Kravtabellen kan ikke leses")
            return render_template(
                "requirements/import_catalogue.html",
                tender=tender,
                spec=ops.specification_of(tender),
                catalogue=catalogue,
                token=uploads.stash(data),
                form=EmptyForm(),
                kinds=list(core.Kind),
            )
    return render_template(
        "requirements/upload.html",
        tender=tender,
        form=form,
        title="Importer Noark 5-kravkatalogen",
        action=url_for("requirements.import_catalogue", tender_id=tender.id),
        hint="Arkivverkets kravtabell (kolonnene Krav nr., Kravgruppe, Beskrivelse, Type, "
        "Merknad) som TSV eller Excel.",
    ), (422 if request.method == "POST" else 200)


def _apply_catalogue(tender: Tender, token: str) -> Any:
    if not EmptyForm().validate_on_submit():
        abort(400)
    spec = ops.ensure_specification(tender)
    data = uploads.unstash(token)
    if data is None:
        flash("Den opplastede filen finnes ikke lenger. Last den opp på nytt.", "error")
        return redirect(url_for("requirements.import_catalogue", tender_id=tender.id))
    catalogue = load_catalogue(data)
    selections: dict[str, core.Kind] = {}
    for key in request.form.getlist("take"):
        kind = request.form.get(f"kind-{key}", "minstekrav")
        if catalogue.entry(key) is not None and kind in {k.value for k in core.Kind}:
            selections[key] = core.Kind(kind)
    if not selections:
        flash("Ingen krav er krysset av.", "error")
        return redirect(url_for("requirements.import_catalogue", tender_id=tender.id))

    def apply() -> int:
        groups = [entry.group for entry in (catalogue.entry(key) for key in selections) if entry is not None]
        chapters = ops.chapters_for_groups(tender, spec, groups, actor=_me())
        criterion = request.form.get("criterion") or None
        new = requirements_from_catalogue(
            catalogue,
            selections,
            spec=ops.to_core(spec),
            chapter_for_group=chapters,
            used_ids=ops.used_requirement_ids(spec),
            criterion=criterion,
        )
        ops.apply_requirements(tender, list(new), [], actor=_me(), origin="Noark 5-kravkatalogen")
        return len(new)

    try:
        return run_button(
            apply,
            back=url_for("requirements.index", tender_id=tender.id),
            success=lambda count: f"{count} krav fra kravkatalogen er lagt til i utkastet.",
        )
    except core.SpecFileError as error:
        return _problems_page(tender, error.problems, "Utvalget kan ikke tas inn")


# -- no editing page once the specification is published -----------------------------------------------------
#: the pages (and their form posts) that change the draft; each one's access predicate
_EDITING_PAGES = {
    "requirements.new_requirement": edit_spec,
    "requirements.edit_requirement": edit_spec,
    "requirements.new_chapter": edit_spec,
    "requirements.edit_chapter": edit_spec,
    "requirements.import_excel": manage_spec,
    "requirements.import_catalogue": manage_spec,
}
PUBLISHED_MESSAGE = (
    "Kravspesifikasjonen er kunngjort og kan ikke endres lenger. Endringer gjøres som en rettelse "
    "(se «Rettelser»)."
)


@bp.before_request
def _published_specification_is_not_edited() -> Any:
    """An editing page of a published specification would only lead to a refusal (an import even showed its
    diff before refusing): send the person back to the specification with why. Who may not see the page
    gets the view's own 404/403 as before."""
    predicate = _EDITING_PAGES.get(request.endpoint or "")
    if predicate is None or not current_user.is_authenticated:
        return None
    tender = tender_for(int((request.view_args or {})["tender_id"]), predicate)
    spec = ops.specification_of(tender)
    if spec is None or ops.is_editable(spec):
        return None
    flash(PUBLISHED_MESSAGE, "error")
    return redirect(url_for("requirements.index", tender_id=tender.id))
