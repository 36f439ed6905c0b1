from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, Form, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional


class BidForm(FlaskForm):
    """The whole draft: CSRF and the version the vendor loaded; answers and prices are sub-forms by prefix."""

    lock_version = HiddenField()


class AnswerForm(Form):
    """One requirement's answer (no CSRF of its own: it is posted inside BidForm)."""

    choice = SelectField("Oppfylt? (Fulfilled?)", choices=[], validate_choice=True)
    value = StringField("Svar (Answer)", validators=[Optional(), Length(max=200, message="Høyst 200 tegn.")])
    description = TextAreaField("Beskrivelse (Description)",
                                validators=[Optional(), Length(max=20_000, message="Høyst 20 000 tegn.")])
    documentation_ref = StringField("Henvisning til dokumentasjon (Reference)",
                                    validators=[Optional(), Length(max=300, message="Høyst 300 tegn.")])
    reservation = BooleanField("Forbehold (Reservation)")
    reservation_text = TextAreaField("Forbeholdet (Describe the reservation)",
                                     validators=[Optional(), Length(max=5_000, message="Høyst 5 000 tegn.")])


class PriceForm(Form):
    amount = StringField("Beløp NOK eks. mva (Amount)", validators=[Optional(), Length(max=30)])


class AttachmentForm(FlaskForm):
    file = FileField("Vedlegg (Attachment)", validators=[FileRequired("Velg en fil. (Choose a file.)")])


class AnswerUploadForm(FlaskForm):
    file = FileField("Utfylt svarskjema (.xlsx)", validators=[FileRequired("Velg en fil. (Choose a file.)")])
