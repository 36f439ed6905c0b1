from __future__ import annotations

from decimal import Decimal

from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField, HiddenField, RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from tender.web.forms import NorwegianDecimalField


class StartCorrectionForm(FlaskForm):
    reason = TextAreaField(
        "Begrunnelse for rettelsen (vises for leverandørene)",
        validators=[Length(max=5_000, message="Begrunnelsen kan ha høyst 5 000 tegn.")],
    )


class StartDocumentsCorrectionForm(FlaskForm):
    reason = TextAreaField(
        "Begrunnelse for rettelsen av konkurransegrunnlaget (vises for leverandørene)",
        id="dokumenter-begrunnelse",
        validators=[Length(max=5_000, message="Begrunnelsen kan ha høyst 5 000 tegn.")],
    )


class ApproveDocumentsForm(FlaskForm):
    """A signer's approval of the frozen version: the hash the signer read goes with it."""

    content_sha256 = HiddenField()


class CancelCorrectionForm(FlaskForm):
    reason = TextAreaField(
        "Hvorfor avbrytes rettelsen?",
        validators=[Length(max=2_000, message="Begrunnelsen kan ha høyst 2 000 tegn.")],
    )


class PublishCorrectionForm(FlaskForm):
    """Publication; the extension fields are shown (and required) only when the bid deadline is close."""

    extend = RadioField(
        "Skal tilbudsfristen forlenges?",
        choices=[
            SelectChoice("ja", "Ja, forleng tilbudsfristen"),
            SelectChoice("nei", "Nei, behold fristen"),
        ],
        validators=[Optional()],
    )
    new_deadline = DateTimeLocalField(
        "Ny tilbudsfrist (norsk tid)", validators=[Optional()], format="%Y-%m-%dT%H:%M"
    )
    reason = TextAreaField(
        "Begrunnelse når fristen ikke forlenges",
        validators=[Length(max=2_000, message="Begrunnelsen kan ha høyst 2 000 tegn.")],
    )


class NoticeDaysForm(FlaskForm):
    days = NorwegianDecimalField(
        "Spør om forlenget tilbudsfrist når det er færre enn så mange dager igjen",
        required="Skriv inn et antall dager.",
        invalid="Antall dager må være et helt tall, ikke «{raw}».",
        too_large="Antall dager må være mellom 0 og 365.",
        below_minimum="Antall dager må være mellom 0 og 365.",
        minimum=Decimal(0),
        maximum=Decimal(366),
        max_length=10,
    )
