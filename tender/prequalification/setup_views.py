"""The prequalification setup page ("Prekvalifisering"): the lead sets it up and freezes it; the rest of the
group reads it. One GET page (its only argument the tender), every change a POST back to it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from flask import Blueprint, abort, render_template, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from tender.clock import now
from tender.prequalification import setup_operations as ops
from tender.prequalification.models import QualificationCategory
from tender.prequalification.permissions import manage_prequalification, view_prequalification
from tender.prequalification.setup_forms import (
    GroundForm,
    RequirementForm,
    SelectionCriterionForm,
    SetupSettingsForm,
)
from tender.tenders.access import tender_for
from tender.tenders.models import Tender
from tender.web.forms import EmptyForm, run_button, run_form

bp = Blueprint("pq_setup", __name__, url_prefix="/konkurranser/<int:tender_id>/prekvalifisering")

STEPS = {"opp": -1, "ned": 1}


def _me() -> Any:
    return current_user._get_current_object()


def _back(tender: Tender, anchor: str | None = None) -> str:
    return url_for("pq_setup.setup", tender_id=tender.id, _anchor=anchor)


# -- the forms as the page shows them ----------------------------------------------------------------------
def _settings_form(tender: Tender) -> SetupSettingsForm:
    """The settings as stored (or as the procedure proposes), not filled from the request."""
    form = SetupSettingsForm(formdata=None)
    setup = ops.setup_of(tender)
    if setup is None:
        # no row yet: the procedure proposes, the lead decides by saving
        form.enabled.data = ops.proposed_default(tender)
        form.minimum_candidates.data = ops.legal_minimum(tender) or 3
        form.signers_approve_selection.data = True
    else:
        form.enabled.data = setup.enabled
        form.minimum_candidates.data = setup.minimum_candidates
        form.maximum_candidates.data = setup.maximum_candidates
        form.signers_approve_selection.data = setup.signers_approve_selection
        form.sample_demanded.data = setup.sample_demanded
    return form


def _code(select: str | None, typed: str | None) -> str | None:
    """The code typed beats the one chosen: the list holds the common criteria only."""
    return (typed or "").strip() or (select or "").strip() or None


def _fill_code(form: RequirementForm | GroundForm, code: str | None) -> None:
    choices = {str(c[0]) for c in form.espd_criterion.iter_choices()}
    if code in choices:
        form.espd_criterion.data = code
    else:
        form.espd_criterion.data, form.espd_code.data = "", code or ""


def _requirement_form(row: Any = None) -> RequirementForm:
    """A form not filled from the request (the page shows it fresh; the refused one is passed in)."""
    form = RequirementForm(formdata=None, prefix=f"krav{row.id}" if row is not None else "krav")
    if row is not None:
        form.category.data, form.text.data = row.category.value, row.text
        form.documentation.data = row.documentation
        _fill_code(form, row.espd_criterion)
    return form


def _ground_form(row: Any = None) -> GroundForm:
    form = GroundForm(formdata=None, prefix=f"grunn{row.id}" if row is not None else "grunn")
    if row is not None:
        form.mandatory.data, form.text.data = row.mandatory, row.text
        _fill_code(form, row.espd_criterion)
    return form


def _criterion_form(row: Any = None) -> SelectionCriterionForm:
    form = SelectionCriterionForm(
        formdata=None, prefix=f"kriterium{row.id}" if row is not None else "kriterium"
    )
    if row is not None:
        form.name.data, form.weight.data = row.name, row.weight
        form.description.data, form.descriptors.data = row.description, row.descriptors
    return form


def _page(
    tender: Tender,
    *,
    settings: SetupSettingsForm | None = None,
    failed: dict[str, Any] | None = None,
    freeze_errors: list[str] | None = None,
    status: int = 200,
) -> Any:
    """The page; ``failed`` holds a refused form by its key ("krav", "krav12", ...) to show again with its
    errors, in place of a fresh one."""
    failed = failed or {}
    moment = now()
    setup = ops.setup_of(tender)
    groups = ops.requirements_by_category(tender)
    grounds = ops.grounds_of(tender)
    criteria = ops.criteria_of(tender)
    # the forms are built fresh: only the refused one carries what was posted
    edit_forms: dict[str, Any] = {}
    for _, rows in groups:
        for r in rows:
            edit_forms[f"krav{r.id}"] = failed.get(f"krav{r.id}") or _requirement_form(r)
    for g in grounds:
        edit_forms[f"grunn{g.id}"] = failed.get(f"grunn{g.id}") or _ground_form(g)
    for c in criteria:
        edit_forms[f"kriterium{c.id}"] = failed.get(f"kriterium{c.id}") or _criterion_form(c)
    refused = ops.changes_refused(tender, moment)
    settings_refused = ops.changes_refused(tender, moment, settings=True)
    # a refused form the page no longer shows (the setup closed meanwhile): its reasons go to the top
    unshown = [f for f in failed.values() if refused] + ([settings] if settings and settings_refused else [])
    return render_template(
        "prequalification/setup_page.html",
        tender=tender,
        setup=setup,
        proposed=ops.proposed_default(tender),
        legal_minimum=ops.legal_minimum(tender),
        settings=settings or _settings_form(tender),
        groups=groups,
        grounds=grounds,
        criteria=criteria,
        weight_sum=ops.weight_sum(tender),
        weight_message=ops.weight_sum_message(tender),
        requirement_form=failed.get("krav") or _requirement_form(),
        ground_form=failed.get("grunn") or _ground_form(),
        criterion_form=failed.get("kriterium") or _criterion_form(),
        edit_forms=edit_forms,
        open_form=next(iter(failed), None),
        refused=refused,
        settings_refused=settings_refused,
        unshown_errors=list(dict.fromkeys(m for f in unshown for ms in f.errors.values() for m in ms)),
        freeze_problems=ops.freeze_problems(tender, moment) if setup is not None and setup.enabled else [],
        freeze_errors=freeze_errors or [],
        missing_mandatory=ops.missing_mandatory_grounds(tender),
        optional_grounds=ops.OPTIONAL_GROUNDS,
        espd_label=ops.espd_label,
        empty_form=EmptyForm(),
    ), status


@bp.route("")
@login_required
def setup(tender_id: int) -> Any:
    tender = tender_for(tender_id, view_prequalification)
    return _page(tender)


# -- the settings ------------------------------------------------------------------------------------------
@bp.route("/innstillinger", methods=["POST"])
@login_required
def save_settings(tender_id: int) -> Any:
    tender = tender_for(tender_id, manage_prequalification)
    form = SetupSettingsForm()
    done = run_form(
        form,
        lambda: ops.save_settings(
            tender,
            ops.SettingsInput(
                enabled=bool(form.enabled.data),
                minimum=form.minimum_candidates.data,
                maximum=form.maximum_candidates.data,
                signers_approve_selection=bool(form.signers_approve_selection.data),
                sample_demanded=bool(form.sample_demanded.data),
            ),
            now=now(),
            actor=_me(),
        ),
        back=_back(tender),
        success="Oppsettet er lagret.",
    )
    return done if done is not None else _page(tender, settings=form, status=422)


# -- requirements, grounds and criteria: one way to add, edit, delete and move each -------------------------
def _requirement_input(form: RequirementForm) -> ops.RequirementInput:
    return ops.RequirementInput(
        category=QualificationCategory(form.category.data),
        text=form.text.data or "",
        documentation=form.documentation.data or "",
        espd_criterion=_code(form.espd_criterion.data, form.espd_code.data),
    )


def _ground_input(form: GroundForm) -> ops.GroundInput:
    return ops.GroundInput(
        mandatory=bool(form.mandatory.data),
        text=form.text.data or "",
        espd_criterion=_code(form.espd_criterion.data, form.espd_code.data),
    )


def _criterion_input(form: SelectionCriterionForm) -> ops.CriterionInput:
    return ops.CriterionInput(
        name=form.name.data or "",
        weight=form.weight.data or Decimal(0),
        description=form.description.data or "",
        descriptors=form.descriptors.data or "",
    )


@dataclass(frozen=True)
class _Kind:
    """What differs between the setup's three lists: the form and its prefix (the page's key for a refused
    form, with the row's id when it edits one), the page's anchor, the operations and the words."""

    form: Callable[..., Any]
    prefix: str
    anchor: str
    find: Callable[[Tender, int], Any]
    read: Callable[[Any], Any]
    add: Callable[..., Any]
    update: Callable[..., Any]
    delete: Callable[..., Any]
    added: str | Callable[[Any], str]
    changed: str | Callable[[Any], str]
    deleted: str


REQUIREMENT = _Kind(
    RequirementForm,
    "krav",
    "krav",
    ops.requirement_in,
    _requirement_input,
    ops.add_requirement,
    ops.update_requirement,
    ops.delete_requirement,
    "Kvalifikasjonskravet er lagt til.",
    "Kvalifikasjonskravet er endret.",
    "Kvalifikasjonskravet er slettet.",
)
GROUND = _Kind(
    GroundForm,
    "grunn",
    "grunner",
    ops.ground_in,
    _ground_input,
    ops.add_ground,
    ops.update_ground,
    ops.delete_ground,
    "Avvisningsgrunnen er lagt til.",
    "Avvisningsgrunnen er endret.",
    "Avvisningsgrunnen er slettet.",
)
CRITERION = _Kind(
    SelectionCriterionForm,
    "kriterium",
    "kriterier",
    ops.criterion_in,
    _criterion_input,
    ops.add_criterion,
    ops.update_criterion,
    ops.delete_criterion,
    lambda row: f"Utvelgelseskriteriet «{row.name}» er lagt til.",
    lambda row: f"Utvelgelseskriteriet «{row.name}» er endret.",
    "Utvelgelseskriteriet er slettet.",
)


def _add(tender_id: int, kind: _Kind) -> Any:
    tender = tender_for(tender_id, manage_prequalification)
    form = kind.form(prefix=kind.prefix)
    done = run_form(
        form,
        lambda: kind.add(tender, kind.read(form), now=now(), actor=_me()),
        back=_back(tender, kind.anchor),
        success=kind.added,
    )
    return done if done is not None else _page(tender, failed={kind.prefix: form}, status=422)


def _edit(tender_id: int, item_id: int, kind: _Kind) -> Any:
    tender = tender_for(tender_id, manage_prequalification)
    row = kind.find(tender, item_id) or abort(404)
    key = f"{kind.prefix}{row.id}"
    form = kind.form(prefix=key)
    done = run_form(
        form,
        lambda: kind.update(tender, row, kind.read(form), now=now(), actor=_me()),
        back=_back(tender, kind.anchor),
        success=kind.changed,
    )
    return done if done is not None else _page(tender, failed={key: form}, status=422)


def _delete(tender_id: int, item_id: int, kind: _Kind) -> Response:
    tender = tender_for(tender_id, manage_prequalification)
    row = kind.find(tender, item_id) or abort(404)
    _button()
    return run_button(
        lambda: kind.delete(tender, row, now=now(), actor=_me()),
        back=_back(tender, kind.anchor),
        success=kind.deleted,
    )


def _move(tender_id: int, item_id: int, direction: str, kind: _Kind) -> Response:
    tender = tender_for(tender_id, manage_prequalification)
    row = kind.find(tender, item_id) or abort(404)
    if direction not in STEPS:
        abort(404)
    _button()
    return run_button(
        lambda: ops.move(tender, row, STEPS[direction], now=now(), actor=_me()),
        back=_back(tender, kind.anchor),
        success="Flyttet.",
    )


# -- qualification requirements ----------------------------------------------------------------------------
@bp.route("/krav", methods=["POST"])
@login_required
def add_requirement(tender_id: int) -> Any:
    return _add(tender_id, REQUIREMENT)


@bp.route("/krav/<int:item_id>", methods=["POST"])
@login_required
def edit_requirement(tender_id: int, item_id: int) -> Any:
    return _edit(tender_id, item_id, REQUIREMENT)


@bp.route("/krav/<int:item_id>/slett", methods=["POST"])
@login_required
def delete_requirement(tender_id: int, item_id: int) -> Response:
    return _delete(tender_id, item_id, REQUIREMENT)


@bp.route("/krav/<int:item_id>/flytt/<retning>", methods=["POST"])
@login_required
def move_requirement(tender_id: int, item_id: int, retning: str) -> Response:
    return _move(tender_id, item_id, retning, REQUIREMENT)


@bp.route("/krav/standard", methods=["POST"])
@login_required
def standard_requirements(tender_id: int) -> Response:
    tender = tender_for(tender_id, manage_prequalification)
    _button()
    return run_button(
        lambda: ops.add_standard_requirements(tender, now=now(), actor=_me()),
        back=_back(tender, "krav"),
        success=lambda n: f"{n} standardkrav er lagt inn. Les dem gjennom og tilpass dem konkurransen.",
    )


# -- grounds for exclusion ---------------------------------------------------------------------------------
@bp.route("/avvisningsgrunner", methods=["POST"])
@login_required
def add_ground(tender_id: int) -> Any:
    return _add(tender_id, GROUND)


@bp.route("/avvisningsgrunner/<int:item_id>", methods=["POST"])
@login_required
def edit_ground(tender_id: int, item_id: int) -> Any:
    return _edit(tender_id, item_id, GROUND)


@bp.route("/avvisningsgrunner/<int:item_id>/slett", methods=["POST"])
@login_required
def delete_ground(tender_id: int, item_id: int) -> Response:
    return _delete(tender_id, item_id, GROUND)


@bp.route("/avvisningsgrunner/<int:item_id>/flytt/<retning>", methods=["POST"])
@login_required
def move_ground(tender_id: int, item_id: int, retning: str) -> Response:
    return _move(tender_id, item_id, retning, GROUND)


@bp.route("/avvisningsgrunner/obligatoriske", methods=["POST"])
@login_required
def mandatory_grounds(tender_id: int) -> Response:
    tender = tender_for(tender_id, manage_prequalification)
    _button()
    return run_button(
        lambda: ops.add_mandatory_grounds(tender, now=now(), actor=_me()),
        back=_back(tender, "grunner"),
        success=lambda n: (
            "1 obligatorisk avvisningsgrunn er lagt inn."
            if n == 1
            else f"{n} obligatoriske avvisningsgrunner er lagt inn."
        ),
    )


# -- selection criteria ------------------------------------------------------------------------------------
@bp.route("/kriterier", methods=["POST"])
@login_required
def add_criterion(tender_id: int) -> Any:
    return _add(tender_id, CRITERION)


@bp.route("/kriterier/<int:item_id>", methods=["POST"])
@login_required
def edit_criterion(tender_id: int, item_id: int) -> Any:
    return _edit(tender_id, item_id, CRITERION)


@bp.route("/kriterier/<int:item_id>/slett", methods=["POST"])
@login_required
def delete_criterion(tender_id: int, item_id: int) -> Response:
    return _delete(tender_id, item_id, CRITERION)


@bp.route("/kriterier/<int:item_id>/flytt/<retning>", methods=["POST"])
@login_required
def move_criterion(tender_id: int, item_id: int, retning: str) -> Response:
    return _move(tender_id, item_id, retning, CRITERION)


# -- the freeze --------------------------------------------------------------------------------------------
@bp.route("/frys", methods=["POST"])
@login_required
def freeze(tender_id: int) -> Any:
    tender = tender_for(tender_id, manage_prequalification)
    _button()
    done = run_form(
        None,
        lambda: ops.freeze(tender, now=now(), actor=_me()),
        back=_back(tender),
        success=lambda s: f"Oppsettet er fryst og kunngjort. Kontrollsum (SHA-256): {s.frozen_sha256}",
        refused=lambda error: None,
    )
    if done is not None:
        return done
    return _page(tender, freeze_errors=ops.freeze_problems(tender, now()), status=422)


def _button() -> None:
    if not EmptyForm().validate_on_submit():
        abort(400)
