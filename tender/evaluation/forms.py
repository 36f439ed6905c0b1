from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, Length, Optional

from tender.core.scoring import RequirementStatus
from tender.evaluation_model.forms import number_field


class ScoreForm(FlaskForm):
    score = number_field("Poeng", "Poengene", required="Oppgi poeng.", max_length=10)
    justification = TextAreaField(
        "Begrunnelse", validators=[DataRequired("Skriv en begrunnelse."), Length(max=10_000)]
    )
    lock_version = HiddenField()


class MeanConsensusForm(FlaskForm):
    """Under the mean rule the consensus score is computed, never typed: the group records its
    justification."""

    justification = TextAreaField(
        "Begrunnelse for konsensus", validators=[DataRequired("Skriv en begrunnelse."), Length(max=10_000)]
    )
    lock_version = HiddenField()


class CheckForm(FlaskForm):
    status = SelectField(
        "Vurdering",
        choices=[
            SelectChoice(RequirementStatus.MET.value, "Oppfylt"),
            SelectChoice(RequirementStatus.NOT_MET.value, "Ikke oppfylt"),
            SelectChoice(RequirementStatus.CLARIFY.value, "Må avklares"),
        ],
    )
    reason = TextAreaField("Begrunnelse", validators=[Optional(), Length(max=5000)])


class CheckManyForm(FlaskForm):
    """Several minimum requirements of a bid set at once: the rows ticked in the table, one status, one
    justification. The keys are checked against the published specification by the operation (in
    Norwegian), not by WTForms' English "Not a valid choice"."""

    keys = SelectMultipleField("Valgte minstekrav", choices=[], validate_choice=False)
    unassessed = BooleanField("Ta også med alle minstekrav som ikke er vurdert ennå")
    status = SelectField(
        "Vurdering for de valgte kravene",
        choices=[
            SelectChoice(RequirementStatus.MET.value, "Oppfylt"),
            SelectChoice(RequirementStatus.NOT_MET.value, "Ikke oppfylt"),
            SelectChoice(RequirementStatus.CLARIFY.value, "Må avklares"),
        ],
        validate_choice=False,
        validators=[AnyOf([s.value for s in RequirementStatus], message="Velg en av vurderingene.")],
    )
    reason = TextAreaField("Felles begrunnelse", validators=[Optional(), Length(max=5000)])


class OpenConsensusForm(FlaskForm):
    confirm = BooleanField(
        "Jeg har sett listen over manglende poeng og vil åpne konsensusfasen nå",
        validators=[DataRequired("Kryss av for å bekrefte at konsensusfasen skal åpnes.")],
    )


class RejectForm(FlaskForm):
    reason = TextAreaField(
        "Begrunnelse for avvisning", validators=[DataRequired("Skriv begrunnelsen."), Length(max=5000)]
    )
    # on the confirmation page the bid page leads to: avvisning is never one click
    confirm = BooleanField(
        "Jeg har kontrollert tilbudet og begrunnelsen, og vil avvise tilbudet",
        validators=[DataRequired("Kryss av for å bekrefte avvisningen.")],
    )


class UndoRejectForm(FlaskForm):
    reason = TextAreaField(
        "Hvorfor avvisningen angres",
        validators=[DataRequired("Skriv hvorfor avvisningen angres."), Length(max=5000)],
    )


class TieBreakForm(FlaskForm):
    order = StringField(
        "Rekkefølge (tilbud-id-er, kommaseparert, først vinner)",
        validators=[DataRequired("Oppgi rekkefølgen."), Length(max=500)],
    )
    reason = TextAreaField(
        "Begrunnelse for beslutningen", validators=[DataRequired("Skriv begrunnelsen."), Length(max=5000)]
    )


class OpeningPersonsForm(FlaskForm):
    """How many members must confirm the opening of the bids (set by the lead before the bid deadline)."""

    persons = SelectField(
        "Hvem åpner tilbudene",
        choices=[
            SelectChoice("2", "To personer: prosjektleder og én til i anskaffelsesgruppen"),
            SelectChoice("1", "Én person: prosjektleder alene (små konkurranser)"),
        ],
        validate_choice=True,
    )
