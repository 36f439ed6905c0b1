"""The forms of the tender documents page: an upload, a document's label, the standard agreement."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from tender.documents.models import KIND_LABELS
from tender.documents.operations import AGREEMENTS, MAX_LABEL, UPLOADED_KINDS

LABEL_TOO_LONG = f"Navnet kan være høyst {MAX_LABEL} tegn."


class DocumentUploadForm(FlaskForm):
    kind = SelectField(
        "Dokument",
        choices=[SelectChoice(k.value, KIND_LABELS[k]) for k in UPLOADED_KINDS],
        validate_choice=True,
    )
    label = StringField(
        "Navn i konkurransegrunnlaget",
        id="dokument-navn",
        render_kw={"list": "bilagsnavn"},
        validators=[Optional(), Length(max=MAX_LABEL, message=LABEL_TOO_LONG)],
    )
    file = FileField(
        "Fil (PDF eller kontorfil)", id="dokument-fil", validators=[FileRequired("Velg en fil.")]
    )


class LabelForm(FlaskForm):
    label = StringField(
        "Navn",
        validators=[
            DataRequired("Skriv et navn på dokumentet."),
            Length(max=MAX_LABEL, message=LABEL_TOO_LONG),
        ],
    )


class AgreementForm(FlaskForm):
    agreement = SelectField(
        "Standardavtale",
        choices=[
            SelectChoice("", "Ingen standardavtale"),
            *(SelectChoice(k, v) for k, v in AGREEMENTS.items()),
        ],
    )
