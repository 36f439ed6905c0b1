"""Form pieces shared by every domain."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import flash, redirect
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import Form

from tender.errors_domain import DomainError
from tender.transactions import discard_changes


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


def run_button(operation: Callable[[], Any], *, back: str,
               success: str | Callable[[Any], str] | None = None,
               failure: Callable[[DomainError], str] | None = None) -> Response:
    """A POST button's whole life: run the operation and say so (``success`` may be worded from the
    operation's result), or forget what it did and say why (``failure`` may word the refusal); either way
    go back to ``back``. The request's transaction (``tender.transactions``) commits the redirect; nothing
    half-written on a refusal."""
    try:
        result = operation()
    except DomainError as error:
        discard_changes()
        flash(failure(error) if failure is not None else error.message, "error")
    else:
        if success:
            flash(success(result) if callable(success) else success, "success")
    return redirect(back)


def run_form(form: FlaskForm | None, operation: Callable[[], Any], *, back: str | Callable[[Any], str],
             success: str | Callable[[Any], str] | None = None,
             refused: Callable[[DomainError], Any] | None = None) -> Any:
    """A submitted form's whole life after its page: validate ``form``, run the operation, say so and go to
    ``back`` (both may be worded from the operation's result). A DomainError forgets what the operation did
    and puts its reasons on the form's fields; then ``refused(error)`` answers, or, without it, None tells
    the caller to show the page again with the form's errors (422). None too when the form does not
    validate. ``form`` None: the caller has validated its forms itself and the reasons go to ``refused``."""
    if form is not None and not form.validate_on_submit():
        return None
    try:
        result = operation()
    except DomainError as error:
        discard_changes()
        if form is not None:
            put_reasons_on_form(form, error)
        return refused(error) if refused is not None else None
    if success:
        flash(success(result) if callable(success) else success, "success")
    return redirect(back(result) if callable(back) else back)
