"""The vendor's request forms: company data, the ESPD file or the ESPD form, documents, references and the
submission (with the confirmation when parts are missing)."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import Form, HiddenField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, Optional, Regexp, ValidationError


class CompanyForm(FlaskForm):
    """The company data the vendor states in the request (name and organisation number are the vendor's)."""

    lock_version = HiddenField()
    contact_name = StringField(
        "Kontaktperson", validators=[Optional(), Length(max=200, message="Høyst 200 tegn.")]
    )
    contact_email = StringField(
        "E-postadresse",
        validators=[
            Optional(),
            Length(max=254, message="Høyst 254 tegn."),
            Email("Dette er ikke en gyldig e-postadresse.", check_deliverability=False),
        ],
    )
    contact_phone = StringField("Telefon", validators=[Optional(), Length(max=50, message="Høyst 50 tegn.")])
    address = TextAreaField(
        "Adresse", validators=[Optional(), Length(max=2_000, message="Høyst 2 000 tegn.")]
    )
    country = StringField(
        "Land (landkode, f.eks. NO)",
        default="NO",
        validators=[
            DataRequired("Skriv landkoden."),
            Regexp(r"^\s*[A-Za-z]{2}\s*$", message="Landkoden må være to bokstaver (ISO 3166), f.eks. NO."),
        ],
    )


class EspdUploadForm(FlaskForm):
    """An ESPD response file (XML) from the vendor's e-tendering system or the EU's ESPD service."""

    lock_version = HiddenField()
    file = FileField("ESPD-fil (XML)", id="espd-fil", validators=[FileRequired("Velg en fil.")])


class _AnswerField(SelectField):
    """Ja/nei/ikke besvart, refused in Norwegian when something else is posted."""

    def pre_validate(self, form: Any) -> None:
        if self.data not in {c[0] for c in self.iter_choices()}:
            raise ValidationError("Velg et av svarene i listen.")


class EspdCriterionForm(Form):
    """One ESPD criterion's answer in the form (no CSRF of its own: it is posted inside EspdAnswersForm)."""

    answer = _AnswerField(
        "Svar",
        choices=[SelectChoice("", "– ikke besvart –"), SelectChoice("ja", "Ja"), SelectChoice("nei", "Nei")],
        default="",
    )
    description = TextAreaField(
        "Beskrivelse", validators=[Optional(), Length(max=10_000, message="Høyst 10 000 tegn.")]
    )


class EspdAnswersForm(FlaskForm):
    """The ESPD form: CSRF and the version loaded; each criterion is a sub-form by prefix."""

    lock_version = HiddenField()


class DocumentForm(FlaskForm):
    requirement = SelectField("Gjelder kvalifikasjonskrav", choices=[], validate_choice=False)
    file = FileField("Dokument", id="dokument-fil", validators=[FileRequired("Velg en fil.")])

    def validate_requirement(self, field: Any) -> None:
        if field.data not in {c[0] for c in field.iter_choices()}:
            raise ValidationError("Velg et av kvalifikasjonskravene i listen.")


class ReferenceForm(FlaskForm):
    customer = StringField(
        "Kunde",
        validators=[DataRequired("Skriv hvem kunden er."), Length(max=200, message="Høyst 200 tegn.")],
    )
    system = StringField("System", validators=[Optional(), Length(max=200, message="Høyst 200 tegn.")])
    contact = StringField(
        "Kontaktperson hos kunden", validators=[Optional(), Length(max=300, message="Høyst 300 tegn.")]
    )
    period = StringField("Periode", validators=[Optional(), Length(max=100, message="Høyst 100 tegn.")])
    description = TextAreaField(
        "Beskrivelse av leveransen", validators=[Optional(), Length(max=10_000, message="Høyst 10 000 tegn.")]
    )


class SubmitForm(FlaskForm):
    """Submission; ``confirm_missing`` is set by the confirmation button shown when parts are missing."""

    confirm_missing = HiddenField(default="")
