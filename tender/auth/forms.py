from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField, SelectField
from wtforms.validators import DataRequired, EqualTo, Length

from tender.auth.operations import MIN_PASSWORD_LENGTH


def new_password_field(label: str, missing: str) -> PasswordField:
    """A new password: required, of the length tender.auth.operations accepts (the one rule, in one place)."""
    return PasswordField(
        label,
        validators=[
            DataRequired(missing),
            Length(
                min=MIN_PASSWORD_LENGTH,
                max=200,
                message=f"Passordet må ha mellom {MIN_PASSWORD_LENGTH} og 200 tegn.",
            ),
        ],
    )


def repeated_password_field(label: str, missing: str) -> PasswordField:
    """The new password typed again; it must equal the form's ``password`` field."""
    return PasswordField(
        label,
        validators=[DataRequired(missing), EqualTo("password", message="Passordene er ikke like.")],
    )


class LoginForm(FlaskForm):
    email = EmailField(
        "E-postadresse",
        validators=[
            DataRequired("Skriv inn e-postadressen din."),
            Length(max=254, message="E-postadressen er for lang."),
        ],
    )
    password = PasswordField(
        "Passord",
        validators=[
            DataRequired("Skriv inn passordet ditt."),
            Length(max=200, message="Passordet er for langt."),
        ],
    )


class ChangePasswordForm(FlaskForm):
    current = PasswordField(
        "Nåværende passord",
        validators=[
            DataRequired("Skriv inn passordet du har nå."),
            Length(max=200, message="Passordet er for langt."),
        ],
    )
    password = new_password_field("Nytt passord", "Velg et nytt passord.")
    confirm = repeated_password_field("Gjenta det nye passordet", "Gjenta det nye passordet.")


class SetPasswordForm(FlaskForm):
    password = new_password_field("Nytt passord", "Velg et passord.")
    confirm = repeated_password_field("Gjenta passordet", "Gjenta passordet.")


class LanguageForm(FlaskForm):
    """The language switch on the vendors' pages (tender.i18n): the language chosen, and the page to go
    back to."""

    language = SelectField(
        "Språk", choices=[("nb", "Norsk"), ("en", "English")], validate_choice=True
    )
    next = HiddenField()
