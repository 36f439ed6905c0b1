from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length

from tender.auth.operations import MIN_PASSWORD_LENGTH
from tender.web.forms import TranslatedForm


def new_password_field(label: Any, missing: Any) -> PasswordField:
    """A new password: required, of the length tender.auth.operations accepts (the one rule, in one place)."""
    return PasswordField(
        label,
        validators=[
            DataRequired(missing),
            Length(
                min=MIN_PASSWORD_LENGTH,
                max=200,
                message=lazy_gettext("Passordet må ha mellom %(min)d og %(max)d tegn."),
            ),
        ],
    )


def repeated_password_field(label: Any, missing: Any) -> PasswordField:
    """The new password typed again; it must equal the form's ``password`` field."""
    return PasswordField(
        label,
        validators=[
            DataRequired(missing),
            EqualTo("password", message=lazy_gettext("Passordene er ikke like.")),
        ],
    )


class LoginForm(TranslatedForm):
    email = EmailField(
        lazy_gettext("E-postadresse"),
        validators=[
            DataRequired(lazy_gettext("Skriv inn e-postadressen din.")),
            Length(max=254, message=lazy_gettext("E-postadressen er for lang.")),
        ],
    )
    password = PasswordField(
        lazy_gettext("Passord"),
        validators=[
            DataRequired(lazy_gettext("Skriv inn passordet ditt.")),
            Length(max=200, message=lazy_gettext("Passordet er for langt.")),
        ],
    )


class ChangePasswordForm(TranslatedForm):
    current = PasswordField(
        lazy_gettext("Nåværende passord"),
        validators=[
            DataRequired(lazy_gettext("Skriv inn passordet du har nå.")),
            Length(max=200, message=lazy_gettext("Passordet er for langt.")),
        ],
    )
    password = new_password_field(lazy_gettext("Nytt passord"), lazy_gettext("Velg et nytt passord."))
    confirm = repeated_password_field(
        lazy_gettext("Gjenta det nye passordet"), lazy_gettext("Gjenta det nye passordet.")
    )


class SetPasswordForm(TranslatedForm):
    password = new_password_field(lazy_gettext("Nytt passord"), lazy_gettext("Velg et passord."))
    confirm = repeated_password_field(lazy_gettext("Gjenta passordet"), lazy_gettext("Gjenta passordet."))


class LanguageForm(FlaskForm):
    """The language switch on the vendors' pages (tender.i18n): the language chosen, and the page to go
    back to."""

    language = SelectField(
        "Språk", choices=[SelectChoice("nb", "Norsk"), SelectChoice("en", "English")], validate_choice=True
    )
    next = HiddenField()
