"""The vendor's request forms: company data, the ESPD file or the ESPD form, documents, references and the
submission (with the confirmation when parts are missing)."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext, lazy_gettext
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import Form, HiddenField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, Optional, Regexp, ValidationError

from tender.web.forms import TranslatedForm


class CompanyForm(TranslatedForm):
    """The company data the vendor states in the request (name and organisation number are the vendor's)."""

    lock_version = HiddenField()
    contact_name = StringField(
        lazy_gettext("Kontaktperson"),
        validators=[Optional(), Length(max=200, message=lazy_gettext("Høyst 200 tegn."))],
    )
    contact_email = StringField(
        lazy_gettext("E-postadresse"),
        validators=[
            Optional(),
            Length(max=254, message=lazy_gettext("Høyst 254 tegn.")),
            Email(lazy_gettext("Dette er ikke en gyldig e-postadresse."), check_deliverability=False),
        ],
    )
    contact_phone = StringField(
        lazy_gettext("Telefon"),
        validators=[Optional(), Length(max=50, message=lazy_gettext("Høyst 50 tegn."))],
    )
    address = TextAreaField(
        lazy_gettext("Adresse"),
        validators=[Optional(), Length(max=2_000, message=lazy_gettext("Høyst 2 000 tegn."))],
    )
    country = StringField(
        lazy_gettext("Land (landkode, f.eks. NO)"),
        default="NO",
        validators=[
            DataRequired(lazy_gettext("Skriv landkoden.")),
            Regexp(
                r"^\s*[A-Za-z]{2}\s*$",
                message=lazy_gettext("Landkoden må være to bokstaver (ISO 3166), f.eks. NO."),
            ),
        ],
    )


class EspdUploadForm(TranslatedForm):
    """An ESPD response file (XML) from the vendor's e-tendering system or the EU's ESPD service."""

    lock_version = HiddenField()
    file = FileField(
        lazy_gettext("ESPD-fil (XML)"), id="espd-fil", validators=[FileRequired(lazy_gettext("Velg en fil."))]
    )


class _AnswerField(SelectField):
    """Ja/nei/ikke besvart, refused in Norwegian when something else is posted."""

    def pre_validate(self, form: Any) -> None:
        if self.data not in {c[0] for c in self.iter_choices()}:
            raise ValidationError(gettext("Velg et av svarene i listen."))


class EspdCriterionForm(Form):
    """One ESPD criterion's answer in the form (no CSRF of its own: it is posted inside EspdAnswersForm)."""

    answer = _AnswerField(
        lazy_gettext("Svar"),
        choices=[
            SelectChoice("", lazy_gettext("– ikke besvart –")),
            SelectChoice("ja", lazy_gettext("Ja")),
            SelectChoice("nei", lazy_gettext("Nei")),
        ],
        default="",
    )
    description = TextAreaField(
        lazy_gettext("Beskrivelse"),
        validators=[Optional(), Length(max=10_000, message=lazy_gettext("Høyst 10 000 tegn."))],
    )


class EspdAnswersForm(FlaskForm):
    """The ESPD form: CSRF and the version loaded; each criterion is a sub-form by prefix."""

    lock_version = HiddenField()


class DocumentForm(TranslatedForm):
    requirement = SelectField(lazy_gettext("Gjelder kvalifikasjonskrav"), choices=[], validate_choice=False)
    file = FileField(
        lazy_gettext("Dokument"), id="dokument-fil", validators=[FileRequired(lazy_gettext("Velg en fil."))]
    )

    def validate_requirement(self, field: Any) -> None:
        if field.data not in {c[0] for c in field.iter_choices()}:
            raise ValidationError(gettext("Velg et av kvalifikasjonskravene i listen."))


class ReferenceForm(TranslatedForm):
    customer = StringField(
        lazy_gettext("Kunde"),
        validators=[
            DataRequired(lazy_gettext("Skriv hvem kunden er.")),
            Length(max=200, message=lazy_gettext("Høyst 200 tegn.")),
        ],
    )
    system = StringField(
        lazy_gettext("System"),
        validators=[Optional(), Length(max=200, message=lazy_gettext("Høyst 200 tegn."))],
    )
    contact = StringField(
        lazy_gettext("Kontaktperson hos kunden"),
        validators=[Optional(), Length(max=300, message=lazy_gettext("Høyst 300 tegn."))],
    )
    period = StringField(
        lazy_gettext("Periode"),
        validators=[Optional(), Length(max=100, message=lazy_gettext("Høyst 100 tegn."))],
    )
    description = TextAreaField(
        lazy_gettext("Beskrivelse av leveransen"),
        validators=[Optional(), Length(max=10_000, message=lazy_gettext("Høyst 10 000 tegn."))],
    )


class SubmitForm(FlaskForm):
    """Submission; ``confirm_missing`` is set by the confirmation button shown when parts are missing."""

    confirm_missing = HiddenField(default="")
