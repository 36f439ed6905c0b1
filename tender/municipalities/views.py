"""The municipality register's pages (Kommuneregister), for the system's administrators only."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, render_template, request, url_for
from flask_login import current_user, login_required

from tender.audit import AuditEvent
from tender.audit import labels as audit_labels
from tender.extensions import db
from tender.formatting import format_number
from tender.municipalities import operations
from tender.municipalities.forms import MunicipalityAddForm, MunicipalityChangeForm
from tender.municipalities.permissions import administer_register
from tender.tenders.models import Municipality
from tender.web.forms import run_form

bp = Blueprint("municipalities", __name__)


def _administrator() -> Any:
    """The current user when an administrator (anonymous users are sent to log in first), else 403."""
    if not administer_register(current_user, None):  # type: ignore[arg-type]
        abort(403)
    return current_user._get_current_object()


def _municipality(municipality_id: int) -> Municipality:
    municipality = db.session.get(Municipality, municipality_id)
    if municipality is None:
        abort(404)
    return municipality


#: the register's fields in the history's words (as the register's own table names them)
_FIELD_WORDS = {"name": "Navn", "kommunenummer": "Kommunenummer", "population": "Innbyggertall"}


def _value(key: str, value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool) and key == "population":
        return format_number(value)
    if value is None or value == "":
        return "–"
    return f"«{value}»" if key == "name" else str(value)


def history_lines(event: AuditEvent) -> list[str]:
    """What a register event recorded, in words: the values a municipality was added with, or each changed
    field from what to what, as the payload holds them (a payload of another shape gives what it can, never an
    error)."""
    payload = event.payload
    if event.event_type == "municipality.changed":
        changed = payload.get("changed")
        if isinstance(changed, dict):
            return [
                f"{_FIELD_WORDS.get(k, audit_labels.field_label(k))}: {_value(k, v.get('before'))} → "
                f"{_value(k, v.get('after'))}"
                if isinstance(v, dict)
                else f"{_FIELD_WORDS.get(k, audit_labels.field_label(k))}: {v}"
                for k, v in changed.items()
            ]
    return [f"{words}: {_value(k, payload[k])}" for k, words in _FIELD_WORDS.items() if k in payload]


def _page_no() -> int:
    raw = request.args.get("side", "1")
    return int(raw) if raw.isdigit() and 0 < int(raw) < 10**6 else 1


def _register_page(form: MunicipalityAddForm | None = None, status: int = 200) -> Any:
    return render_template(
        "municipalities/register.html",
        entries=operations.register(),
        form=form or MunicipalityAddForm(formdata=None),
        history=operations.history(_page_no()),
        history_lines=history_lines,
    ), status


@bp.route("/kommuneregister", methods=["GET"])
@login_required
def register() -> Any:
    _administrator()
    return _register_page()


@bp.route("/kommuneregister", methods=["POST"])
@login_required
def add() -> Any:
    me = _administrator()
    form = MunicipalityAddForm()
    done = run_form(
        form,
        lambda: operations.add_municipality(
            name=form.name.data or "",
            kommunenummer=form.kommunenummer.data or "",
            population=form.population.data or "",
            actor=me,
        ),
        back=url_for("municipalities.register"),
        success=lambda m: f"{m.name} ({m.kommunenummer}) er lagt inn i kommuneregisteret.",
    )
    if done is not None:
        return done
    return _register_page(form, 422)


def _change_page(municipality: Municipality, form: MunicipalityChangeForm, status: int = 200) -> Any:
    return render_template(
        "municipalities/change.html",
        municipality=municipality,
        form=form,
        tenders=operations.tenders_using(municipality),
        refusal=operations.change_refusal(municipality),
    ), status


@bp.route("/kommuneregister/<int:municipality_id>", methods=["GET"])
@login_required
def change_form(municipality_id: int) -> Any:
    _administrator()
    municipality = _municipality(municipality_id)
    form = MunicipalityChangeForm(formdata=None)
    form.name.data = municipality.name
    form.population.data = str(municipality.population)
    return _change_page(municipality, form)


@bp.route("/kommuneregister/<int:municipality_id>", methods=["POST"])
@login_required
def change(municipality_id: int) -> Any:
    me = _administrator()
    municipality = _municipality(municipality_id)
    form = MunicipalityChangeForm()

    def said(changed: dict[str, Any]) -> str:
        if not changed:
            return f"Ingenting er endret for {municipality.name}."
        return f"{municipality.name} ({municipality.kommunenummer}) er oppdatert i kommuneregisteret."

    done = run_form(
        form,
        lambda: operations.change_municipality(
            municipality, name=form.name.data or "", population=form.population.data or "", actor=me
        ),
        back=url_for("municipalities.register"),
        success=said,
    )
    if done is not None:
        return done
    return _change_page(_municipality(municipality_id), form, 409 if _refused(form) else 422)


def _refused(form: MunicipalityChangeForm) -> bool:
    """Whether the form was refused as a whole (the register is locked by an award), not for a field."""
    return request.method == "POST" and bool(form.form_errors)
