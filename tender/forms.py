"""Form pieces shared by every domain."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import Form

from tender.errors_domain import DomainError


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
