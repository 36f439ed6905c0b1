"""The forms of the lead's prequalification setup: the settings, a qualification requirement, a ground for
exclusion and a selection criterion. The buttons (standard sets, move, delete, freeze) are EmptyForm."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from tender.core.espd import KNOWN_CRITERIA
from tender.prequalification.models import QualificationCategory
from tender.prequalification.setup_operations import ESPD_CODE_MAX
from tender.web.espd_messages import criterion_name
from tender.web.forms import NorwegianDecimalField

NO_CRITERION = ""


def espd_choices(prefix: str) -> list[SelectChoice]:
    """The ESPD taxonomy's criteria whose dotted code starts with ``prefix`` (exclusion or selection), by
    their Norwegian names, in the taxonomy's order. The value is the dotted code, which the setup stores
    (an imported response is lined up by any of the criterion's names)."""
    return [SelectChoice(NO_CRITERION, "– ikke et ESPD-kriterium / egen kode nedenfor –")] + [
        SelectChoice(c.dotted, f"{criterion_name(c.dotted)} ({c.dotted.rsplit('.', 1)[-1]})")
        for c in KNOWN_CRITERIA
        if c.dotted.startswith(prefix)
    ]


class SetupSettingsForm(FlaskForm):
    enabled = BooleanField("Konkurransen har prekvalifisering (leverandørene ber om å delta først)")
    minimum_candidates = IntegerField(
        "Minste antall kandidater som inviteres",
        validators=[Optional(), NumberRange(min=1, max=1000, message="Oppgi et tall mellom 1 og 1000.")],
    )
    maximum_candidates = IntegerField(
        "Største antall kandidater som inviteres (tomt: ingen øvre grense)",
        validators=[Optional(), NumberRange(min=1, max=1000, message="Oppgi et tall mellom 1 og 1000.")],
    )
    signers_approve_selection = BooleanField("Kommunenes godkjennere godkjenner utvelgelsen")
    sample_demanded = BooleanField("Leverandørene skal levere et Noark 5-prøveuttrekk med forespørselen")


class RequirementForm(FlaskForm):
    category = SelectField(
        "Gruppe",
        choices=[SelectChoice(c.value, c.label) for c in QualificationCategory],
        validate_choice=True,
    )
    text = TextAreaField("Krav", validators=[DataRequired("Skriv kravet."), Length(max=5000)])
    documentation = TextAreaField("Dokumentasjon som kreves", validators=[Optional(), Length(max=5000)])
    espd_criterion = SelectField("ESPD-kriterium", choices=espd_choices("CRITERION."), validate_choice=True)
    espd_code = StringField("Eller egen ESPD-kode", validators=[Optional(), Length(max=ESPD_CODE_MAX)])


class GroundForm(FlaskForm):
    mandatory = BooleanField("Obligatorisk avvisningsgrunn (FOA § 24-2 (1))")
    text = TextAreaField(
        "Avvisningsgrunn", validators=[DataRequired("Beskriv avvisningsgrunnen."), Length(max=5000)]
    )
    espd_criterion = SelectField(
        "ESPD-kriterium", choices=espd_choices("CRITERION.EXCLUSION."), validate_choice=True
    )
    espd_code = StringField("Eller egen ESPD-kode", validators=[Optional(), Length(max=ESPD_CODE_MAX)])


class SelectionCriterionForm(FlaskForm):
    name = StringField("Navn", validators=[DataRequired("Gi kriteriet et navn."), Length(max=200)])
    weight = NorwegianDecimalField(
        "Vekt (%)",
        required="Oppgi vekten.",
        max_length=20,
        invalid="Vekten må være et tall, ikke «{raw}».",
        too_large="Vekten må være et endelig tall.",
    )
    description = TextAreaField("Beskrivelse", validators=[Optional(), Length(max=5000)])
    descriptors = TextAreaField("Skala 0–10: hva poengene betyr", validators=[Optional(), Length(max=5000)])
