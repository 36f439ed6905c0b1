from __future__ import annotations

from flask_babel import lazy_gettext
from flask_wtf import FlaskForm
from wtforms import EmailField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, Optional

from tender.auth.forms import new_password_field, repeated_password_field
from tender.tenders.models import Tender
from tender.web.forms import TranslatedForm


class RegistrationForm(TranslatedForm):
    organisasjonsnummer = StringField(
        lazy_gettext("Organisasjonsnummer"),
        validators=[
            DataRequired(lazy_gettext("Skriv inn organisasjonsnummeret.")),
            Length(max=20, message=lazy_gettext("Organisasjonsnummeret har ni sifre.")),
        ],
    )
    vendor_name = StringField(
        lazy_gettext("Firmanavn (hvis firmaet er nytt for oss)"),
        validators=[Optional(), Length(max=200, message=lazy_gettext("Firmanavnet kan ha høyst 200 tegn."))],
    )
    name = StringField(
        lazy_gettext("Ditt navn"),
        validators=[
            DataRequired(lazy_gettext("Skriv inn navnet ditt.")),
            Length(max=120, message=lazy_gettext("Navnet kan ha høyst 120 tegn.")),
        ],
    )
    email = EmailField(
        lazy_gettext("Din e-postadresse"),
        validators=[
            DataRequired(lazy_gettext("Skriv inn e-postadressen din.")),
            Email(lazy_gettext("Dette er ikke en gyldig e-postadresse."), check_deliverability=False),
            Length(max=254, message=lazy_gettext("E-postadressen kan ha høyst 254 tegn.")),
        ],
    )
    password = new_password_field(lazy_gettext("Velg passord"), lazy_gettext("Velg et passord."))
    confirm = repeated_password_field(lazy_gettext("Gjenta passordet"), lazy_gettext("Gjenta passordet."))


class VendorInviteForm(FlaskForm):
    vendor = SelectField("Leverandør", choices=[], validate_choice=False)
    email = EmailField(
        "Leverandørens e-postadresse",
        validators=[
            DataRequired("Skriv inn leverandørens e-postadresse."),
            Email("Dette er ikke en gyldig e-postadresse.", check_deliverability=False),
            Length(max=254, message="E-postadressen kan ha høyst 254 tegn."),
        ],
    )


def vendor_invite_form(tender: Tender) -> VendorInviteForm:
    """The lead's invitation of a vendor to register, offering the tender's vendors (on the members page)."""
    form = VendorInviteForm(prefix="vinv")
    form.vendor.choices = [SelectChoice("", "–")] + [
        SelectChoice(str(v.id), f"{v.name} ({v.organisasjonsnummer})") for v in tender.participating_vendors
    ]
    return form
