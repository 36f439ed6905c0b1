"""The forms of the notices of award and the signed contract."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateTimeLocalField, IntegerField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length


class IssueNoticesForm(FlaskForm):
    standstill_days = IntegerField(
        "Karensperiode (dager)",
        validators=[InputRequired("Skriv hvor mange dager karensperioden skal vare.")],
    )


class ContractForm(FlaskForm):
    document = FileField(
        "Den signerte kontrakten (PDF)", validators=[FileRequired("Velg den signerte kontrakten.")]
    )
    signed_at = DateTimeLocalField(
        "Signert (norsk tid)",
        validators=[InputRequired("Skriv når kontrakten ble signert.")],
        format="%Y-%m-%dT%H:%M",
    )
    signed_for_municipalities = TextAreaField(
        "Signert for kommunene av",
        validators=[
            InputRequired("Skriv hvem som signerte for kommunene."),
            Length(max=2000, message="Feltet kan ha høyst 2000 tegn."),
        ],
    )
    signed_for_vendor = StringField(
        "Signert for leverandøren av",
        validators=[
            InputRequired("Skriv hvem som signerte for leverandøren."),
            Length(max=500, message="Feltet kan ha høyst 500 tegn."),
        ],
    )
