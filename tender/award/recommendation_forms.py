"""The forms of the recommendation and its sign-off (tender.award.recommendation_views)."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from tender.award.models import DecisionBody, SignOffDecision

_LONG = 10_000
_TOO_LONG = "Teksten kan ha høyst 10 000 tegn."


class RecommendationTextsForm(FlaskForm):
    """The summary; the texts per criterion and bid are added per draft (``texts_form``): they may stay
    empty while the lead drafts, the freezing refuses an empty one."""

    summary = TextAreaField(
        "Oppsummering: hvorfor dette tilbudet", validators=[Length(max=_LONG, message=_TOO_LONG)]
    )


def texts_form(names: list[str], **kwargs: Any) -> RecommendationTextsForm:
    """The texts form of one draft: one optional text area per slot name (``TextSlot.name``)."""

    class DraftTextsForm(RecommendationTextsForm):
        pass

    for name in names:
        setattr(
            DraftTextsForm,
            name,
            TextAreaField(name, validators=[Optional(), Length(max=_LONG, message=_TOO_LONG)]),
        )
    return DraftTextsForm(**kwargs)


class WithdrawForm(FlaskForm):
    reason = TextAreaField(
        "Hvorfor trekkes innstillingen tilbake?",
        validators=[
            DataRequired("Skriv hvorfor innstillingen trekkes tilbake."),
            Length(max=_LONG, message=_TOO_LONG),
        ],
    )


class SignOffForm(FlaskForm):
    #: the hash of the snapshot the page showed: a stale one is refused
    content_sha256 = HiddenField(validators=[DataRequired("Siden mangler innstillingens kontrollsum.")])
    decision = RadioField(
        "Kommunens vedtak",
        choices=[SelectChoice(d.value, d.label) for d in SignOffDecision],
        validators=[DataRequired("Velg om kommunen godkjenner eller avviser innstillingen.")],
    )
    body = SelectField(
        "Vedtatt av",
        choices=[SelectChoice(b.value, b.label) for b in DecisionBody],
        validate_choice=True,
    )
    decision_date = DateField(
        "Vedtaksdato",
        validators=[DataRequired("Skriv inn datoen for vedtaket, f.eks. 2027-01-20.")],
    )
    case_number = StringField(
        "Saksnummer i kommunens arkiv",
        validators=[
            DataRequired("Skriv vedtakets saksnummer i kommunens arkiv."),
            Length(max=60, message="Saksnummeret kan ha høyst 60 tegn."),
        ],
    )
    comment = TextAreaField(
        "Kommentar (påkrevd ved avvisning)", validators=[Length(max=_LONG, message=_TOO_LONG)]
    )
