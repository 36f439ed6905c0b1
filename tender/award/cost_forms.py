"""The forms of the cost split page: which municipalities are option municipalities, and the key."""

from __future__ import annotations

from decimal import Decimal

from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice

from tender.award.models import CostSplitKey
from tender.web.forms import NorwegianDecimalField


class OptionForm(FlaskForm):
    # the tender's municipalities, filled in by the view; the operation refuses any other in words
    municipality = SelectField("Kommune", choices=[], validate_choice=False)
    status = SelectField(
        "Status",
        choices=[
            SelectChoice("bundet", "Bundet av kontrakten fra start"),
            SelectChoice("opsjon", "Opsjonskommune (kan slutte seg til senere)"),
        ],
        validate_choice=True,
    )


class KeyForm(FlaskForm):
    key = SelectField(
        "Fordelingsnøkkel",
        choices=[SelectChoice(k.value, k.label) for k in CostSplitKey],
        validate_choice=True,
    )
    fixed_percent = NorwegianDecimalField(
        "Fast andel som deles likt (prosent)",
        invalid="Den faste andelen må være et tall, ikke «{raw}».",
        too_large="Den faste andelen må være et endelig tall.",
        below_minimum="Den faste andelen kan ikke være mindre enn {minimum} %.",
        minimum=Decimal(0),
        max_length=20,
    )


class SharePercentForm(FlaskForm):
    """One bound municipality's percentage with the custom key (prefix ``m-<municipality id>``)."""

    class Meta:
        csrf = False  # part of KeyForm's post, which carries the token

    percent = NorwegianDecimalField(
        "Prosentsats",
        invalid="Prosentsatsen må være et tall, ikke «{raw}».",
        too_large="Prosentsatsen må være et endelig tall.",
        below_minimum="Prosentsatsen kan ikke være mindre enn {minimum} %.",
        minimum=Decimal(0),
        max_length=20,
    )
