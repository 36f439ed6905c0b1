"""Form pieces shared by every domain."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import flash, redirect
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import Form

from tender.errors_domain import DomainError
from tender.extensions import db


#: WTForms' bundled catalogue for its built-in messages ("Dette feltet er påkrevd.", "Ikke et gyldig valg")
FORM_LOCALES = ("nb_NO", "nb")


def init_forms(app: Any) -> None:
    """Every form's built-in validation messages in bokmål: WTForms ships a Norwegian catalogue, used when
    Flask-WTF's Flask-Babel hook is off (``WTF_I18N_ENABLED = False``) and the forms' Meta names the locale."""
    app.config.setdefault("WTF_I18N_ENABLED", False)
    FlaskForm.Meta.locales = list(FORM_LOCALES)


class EmptyForm(FlaskForm):
    """A POST-only button: nothing but the CSRF token."""


def put_reasons_on_form(form: Form, error: DomainError) -> None:
    """Show a domain error's reasons next to the fields they are about (or above the form)."""
    for field_name, messages in error.reasons.items():
        field = getattr(form, field_name, None) if field_name else None
        if field is not None:
            field.errors = [*field.errors, *messages] if isinstance(field.errors, list) else list(messages)
        else:
            form.form_errors.extend(messages)


def refusal_in_words(form: Form) -> str:
    """What a form refused, field by field ("Begrunnelse: Skriv begrunnelsen."), for a view that answers a
    refused POST with a message at the top of the page rather than the form again."""
    said = [f"{field.label.text}: {' '.join(field.errors)}" for field in form
            if field.errors and field.type != "CSRFTokenField"]
    return " ".join([*said, *form.form_errors]) or "Skjemaet er ugyldig. Last siden på nytt og prøv igjen."


def run_button(operation: Callable[[], Any], *, back: str,
               success: str | Callable[[Any], str] | None = None) -> Response:
    """A POST button's whole life: run the operation, then commit and say so (``success`` may be worded
    from the operation's result), or roll back and say why; either way go back to ``back``. One commit per
    request, nothing half-written on a refusal."""
    try:
        result = operation()
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        if success:
            flash(success(result) if callable(success) else success, "success")
    return redirect(back)
