from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField, EmailField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, Optional

from tender.tenders.models import Procedure, Role


class TenderForm(FlaskForm):
    title = StringField(
        "Tittel",
        validators=[
            DataRequired("Skriv inn en tittel."),
            Length(max=200, message="Tittelen kan ha høyst 200 tegn."),
        ],
    )
    case_reference = StringField(
        "Saksnummer",
        validators=[
            DataRequired("Skriv inn saksnummeret."),
            Length(max=50, message="Saksnummeret kan ha høyst 50 tegn."),
        ],
    )
    procedure = SelectField("Prosedyre", choices=[SelectChoice(p.value, p.label) for p in Procedure])
    bid_deadline = DateTimeLocalField(
        "Tilbudsfrist (norsk tid)", validators=[Optional()], format="%Y-%m-%dT%H:%M"
    )


class InviteForm(FlaskForm):
    email = EmailField(
        "E-postadresse",
        validators=[
            DataRequired("Skriv inn e-postadressen."),
            Email("Dette er ikke en gyldig e-postadresse.", check_deliverability=False),
            Length(max=254, message="E-postadressen kan ha høyst 254 tegn."),
        ],
    )
    name = StringField(
        "Navn (for nye brukere)",
        validators=[Optional(), Length(max=120, message="Navnet kan ha høyst 120 tegn.")],
    )
    # The procurement group's roles only: vendor users register themselves (tender.vendors). The choice is
    # checked by the view, so that a posted vendor role is refused in Norwegian and logged.
    role = SelectField(
        "Rolle",
        choices=[SelectChoice(r.value, r.label) for r in Role if r is not Role.VENDOR],
        validate_choice=False,
    )
    municipality = SelectField("Kommune (for godkjennere)", choices=[], validate_choice=False)


class VendorForm(FlaskForm):
    name = StringField(
        "Firmanavn",
        validators=[
            DataRequired("Skriv inn firmanavnet."),
            Length(max=200, message="Firmanavnet kan ha høyst 200 tegn."),
        ],
    )
    organisasjonsnummer = StringField(
        "Organisasjonsnummer",
        validators=[
            DataRequired("Skriv inn organisasjonsnummeret."),
            Length(max=20, message="Organisasjonsnummeret har ni sifre."),
        ],
    )


class MunicipalityForm(FlaskForm):
    municipality = SelectField("Kommune", choices=[], validate_choice=False)


class TenderEditForm(FlaskForm):
    title = StringField(
        "Tittel",
        validators=[
            DataRequired("Skriv inn en tittel."),
            Length(max=200, message="Tittelen kan ha høyst 200 tegn."),
        ],
    )
    case_reference = StringField(
        "Saksnummer",
        validators=[
            DataRequired("Skriv inn saksnummeret."),
            Length(max=50, message="Saksnummeret kan ha høyst 50 tegn."),
        ],
    )
    participation_deadline = DateTimeLocalField(
        "Frist for forespørsel om å delta (norsk tid)", validators=[Optional()], format="%Y-%m-%dT%H:%M"
    )
    questions_deadline = DateTimeLocalField(
        "Frist for spørsmål (norsk tid)", validators=[Optional()], format="%Y-%m-%dT%H:%M"
    )
    bid_deadline = DateTimeLocalField(
        "Tilbudsfrist (norsk tid)", validators=[Optional()], format="%Y-%m-%dT%H:%M"
    )
