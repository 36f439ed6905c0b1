from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, EqualTo, Length

from tender.auth.operations import MIN_PASSWORD_LENGTH


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
    password = PasswordField(
        "Nytt passord",
        validators=[
            DataRequired("Velg et nytt passord."),
            Length(
                min=MIN_PASSWORD_LENGTH,
                max=200,
                message=f"Passordet må ha mellom {MIN_PASSWORD_LENGTH} og 200 tegn.",
            ),
        ],
    )
    confirm = PasswordField(
        "Gjenta det nye passordet",
        validators=[
            DataRequired("Gjenta det nye passordet."),
            EqualTo("password", message="Passordene er ikke like."),
        ],
    )


class SetPasswordForm(FlaskForm):
    password = PasswordField(
        "Nytt passord",
        validators=[
            DataRequired("Velg et passord."),
            Length(
                min=MIN_PASSWORD_LENGTH,
                max=200,
                message=f"Passordet må ha mellom {MIN_PASSWORD_LENGTH} og 200 tegn.",
            ),
        ],
    )
    confirm = PasswordField(
        "Gjenta passordet",
        validators=[
            DataRequired("Gjenta passordet."),
            EqualTo("password", message="Passordene er ikke like."),
        ],
    )
