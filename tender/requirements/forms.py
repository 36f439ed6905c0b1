from __future__ import annotations

from decimal import Decimal

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, IntegerField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from tender.core.spec import AnswerForm, Kind
from tender.web.forms import NorwegianDecimalField


class RequirementForm(FlaskForm):
    chapter = SelectField("Kapittel", choices=[], validate_choice=True)
    number = StringField(
        "Nummer",
        validators=[
            DataRequired("Skriv inn kravnummeret, f.eks. 2.7."),
            Length(max=20, message="Nummeret kan ha høyst 20 tegn."),
        ],
    )
    kind = SelectField("Kravtype", choices=[SelectChoice(k.value, k.label) for k in Kind])
    text = TextAreaField(
        "Kravtekst",
        validators=[
            DataRequired("Skriv kravteksten."),
            Length(max=10_000, message="Kravteksten kan ha høyst 10 000 tegn."),
        ],
    )
    answer_form = SelectField("Svarform", choices=[SelectChoice(a.value, a.label) for a in AnswerForm])
    unit = StringField(
        "Enhet (for tallsvar)", validators=[Optional(), Length(max=40, message="Høyst 40 tegn.")]
    )
    criterion = SelectField("Tildelingskriterium (for evalueringskrav)", choices=[], validate_choice=True)
    # the column holds up to 10^8 (Numeric(12, 4)): a larger weight is refused here, not by the database
    weight = NorwegianDecimalField(
        "Vekt innen kriteriet",
        maximum=Decimal(10) ** 8,
        max_length=20,
        invalid="Vekten må være et tall, ikke «{raw}».",
        too_large="Vekten er for stor.",
    )
    documentation = TextAreaField(
        "Dokumentasjon leverandøren skal gi",
        validators=[Optional(), Length(max=5_000, message="Høyst 5 000 tegn.")],
    )
    source = StringField("Kilde", validators=[Optional(), Length(max=300, message="Høyst 300 tegn.")])
    municipalities = SelectMultipleField(
        "Gjelder kommuner (ingen valgt = alle)", choices=[], validate_choice=True
    )
    lock_version = HiddenField()


class ChapterForm(FlaskForm):
    number = StringField("Nummer", validators=[Optional(), Length(max=20, message="Høyst 20 tegn.")])
    title = StringField(
        "Tittel",
        validators=[
            DataRequired("Skriv en tittel."),
            Length(max=300, message="Tittelen kan ha høyst 300 tegn."),
        ],
    )
    description = TextAreaField(
        "Beskrivelse", validators=[Optional(), Length(max=5_000, message="Høyst 5 000 tegn.")]
    )
    lock_version = HiddenField()


class NewChapterForm(ChapterForm):
    """A new chapter is numbered after the last one: there is no number to type (nor to refuse)."""

    number = None


class LockedActionForm(FlaskForm):
    """Delete/move buttons: CSRF plus the version the user saw."""

    lock_version = IntegerField(validators=[Optional()])


class FreezeForm(FlaskForm):
    note = StringField(
        "Merknad til versjonen", validators=[Optional(), Length(max=500, message="Høyst 500 tegn.")]
    )


class DecisionForm(FlaskForm):
    municipality = SelectField("Kommune", choices=[], validate_choice=True)
    decision = SelectField(
        "Beslutning", choices=[SelectChoice("approved", "Godkjenn"), SelectChoice("rejected", "Avvis")]
    )
    comment = TextAreaField(
        "Kommentar (påkrevd ved avvisning)",
        validators=[Optional(), Length(max=5_000, message="Høyst 5 000 tegn.")],
    )
    content_hash = HiddenField()


class UploadForm(FlaskForm):
    file = FileField("Fil", validators=[FileRequired("Velg en fil.")])
