"""The forms of the requests' assessment: a requirement met / not met / needs clarification, a ground for
exclusion, a clarification request and the vendor's answer, a selection score (individual or consensus)."""

from __future__ import annotations

from flask_babel import lazy_gettext
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import IntegerField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from tender.core.scoring import RequirementStatus
from tender.evaluation_model.forms import number_field
from tender.prequalification.assess_operations import CLARIFICATION_DAYS, MAX_CLARIFICATION_DAYS


class AssessForm(FlaskForm):
    status = SelectField(
        "Vurdering",
        choices=[
            SelectChoice(RequirementStatus.MET.value, "Oppfylt"),
            SelectChoice(RequirementStatus.NOT_MET.value, "Ikke oppfylt"),
            SelectChoice(RequirementStatus.CLARIFY.value, "Må avklares"),
        ],
    )
    justification = TextAreaField(
        "Begrunnelse", validators=[DataRequired("Skriv en begrunnelse."), Length(max=10_000)]
    )


class ExclusionForm(FlaskForm):
    applies = SelectField(
        "Gjelder avvisningsgrunnen?",
        choices=[SelectChoice("nei", "Gjelder ikke"), SelectChoice("ja", "Gjelder")],
    )
    reason = TextAreaField(
        "Begrunnelse", validators=[DataRequired("Skriv en begrunnelse."), Length(max=10_000)]
    )


class ClarificationForm(FlaskForm):
    question = TextAreaField(
        "Spørsmål til leverandøren", validators=[DataRequired("Skriv spørsmålet."), Length(max=10_000)]
    )
    days = IntegerField(
        "Svarfrist (dager)",
        default=CLARIFICATION_DAYS,
        validators=[
            InputRequired("Oppgi svarfristen i dager."),
            NumberRange(
                1, MAX_CLARIFICATION_DAYS, f"Fristen må være mellom 1 og {MAX_CLARIFICATION_DAYS} dager."
            ),
        ],
    )


class AnswerForm(FlaskForm):
    # a vendor's form: its words in the page's language (docs/i18n.md)
    answer = TextAreaField(
        lazy_gettext("Svar"),
        validators=[DataRequired(lazy_gettext("Skriv svaret.")), Length(max=10_000)],
    )
    file = FileField(lazy_gettext("Dokument (valgfritt)"))


class SelectionScoreForm(FlaskForm):
    """One score on the 0–10 scale with its justification: an evaluator's own, or the lead's consensus."""

    score = number_field("Poeng (0–10)", "Poengene", required="Oppgi poeng.", max_length=10)
    justification = TextAreaField(
        "Begrunnelse", validators=[DataRequired("Skriv en begrunnelse."), Length(max=10_000)]
    )
