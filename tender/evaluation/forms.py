from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, Length, Optional

from tender.core.scoring import PRICE_METHODS, RequirementStatus
from tender.evaluation.models import CriterionKindValue, PriceItemKind
from tender.forms import NorwegianDecimalField


def _number(label: str, noun: str, *, required: str | None = None,
            max_length: int = 20) -> NorwegianDecimalField:
    """A number field whose messages name the value as the page's sentences do ("Vekten må være et tall")."""
    return NorwegianDecimalField(label, required=required, max_length=max_length,
                                 invalid=noun + " må være et tall, ikke «{raw}».",
                                 too_large=noun + " må være et endelig tall.")


class SettingsForm(FlaskForm):
    scale_max = _number("Skala, maksimum poeng", "Skalaen", required="Oppgi skalaens maksimum.",
                        max_length=10)
    allow_half_points = BooleanField("Tillat halve poeng")
    price_method = SelectField("Prismetode", choices=[
        SelectChoice(name, f"{m.label} – {m.formula}") for name, m in PRICE_METHODS.items()])
    price_k = _number("k (null poeng ved k × laveste pris)", "k")
    nok_per_point = _number("Kroner per vektet kvalitetspoeng (prissetting av kvalitet)", "Kroner per poeng")
    normalise = BooleanField("Normaliser kvalitetspoeng (beste tilbud får maksimum)")
    contract_period = StringField("Kontraktsperiode i år, med opsjoner (f.eks. 4+1+1)",
                                  validators=[DataRequired("Oppgi kontraktsperioden."), Length(max=40)])
    disagreement_threshold = _number("Uenighet som markeres i konsensus (poeng)", "Terskelen",
                                     required="Oppgi en terskel.", max_length=10)


class CriterionForm(FlaskForm):
    parent = SelectField("Under kriterium", choices=[], validate_choice=True)
    key = StringField("Id (f.eks. kvalitet, arkiv)", validators=[DataRequired("Oppgi en id."), Length(max=40)])
    name = StringField("Navn", validators=[DataRequired("Oppgi et navn."), Length(max=200)])
    kind = SelectField("Type", choices=[SelectChoice(k.value, k.label) for k in CriterionKindValue])
    weight = _number("Vekt (% av nivået)", "Vekten", required="Oppgi vekten.")
    weight_min = _number("Kunngjort vektspenn, fra (%)", "Spennet")
    weight_max = _number("Kunngjort vektspenn, til (%)", "Spennet")
    documentation = TextAreaField("Dokumentasjon som kreves", validators=[Optional(), Length(max=5000)])


class WeightForm(FlaskForm):
    weight = _number("Ny vekt (%)", "Vekten", required="Oppgi vekten.")


class AssignForm(FlaskForm):
    evaluator = SelectField("Evaluator", choices=[], validate_choice=True)


class PriceItemForm(FlaskForm):
    name = StringField("Post", validators=[DataRequired("Gi posten et navn."), Length(max=200)])
    kind = SelectField("Type", choices=[SelectChoice(k.value, k.label) for k in PriceItemKind])
    per_municipality = BooleanField("Prises per kommune")


class ScoreForm(FlaskForm):
    score = _number("Poeng", "Poengene", required="Oppgi poeng.", max_length=10)
    justification = TextAreaField("Begrunnelse", validators=[DataRequired("Skriv en begrunnelse."),
                                                             Length(max=10_000)])
    lock_version = HiddenField()


class CheckForm(FlaskForm):
    status = SelectField("Vurdering", choices=[SelectChoice(RequirementStatus.MET.value, "Oppfylt"),
                                               SelectChoice(RequirementStatus.NOT_MET.value, "Ikke oppfylt"),
                                               SelectChoice(RequirementStatus.CLARIFY.value, "Må avklares")])
    reason = TextAreaField("Begrunnelse", validators=[Optional(), Length(max=5000)])


class CheckManyForm(FlaskForm):
    """Several minimum requirements of a bid set at once: the rows ticked in the table, one status, one
    justification. The keys are checked against the published specification by the operation (in
    Norwegian), not by WTForms' English "Not a valid choice"."""

    keys = SelectMultipleField("Valgte minstekrav", choices=[], validate_choice=False)
    unassessed = BooleanField("Ta også med alle minstekrav som ikke er vurdert ennå")
    status = SelectField("Vurdering for de valgte kravene", choices=[
        SelectChoice(RequirementStatus.MET.value, "Oppfylt"),
        SelectChoice(RequirementStatus.NOT_MET.value, "Ikke oppfylt"),
        SelectChoice(RequirementStatus.CLARIFY.value, "Må avklares")], validate_choice=False,
        validators=[AnyOf([s.value for s in RequirementStatus], message="Velg en av vurderingene.")])
    reason = TextAreaField("Felles begrunnelse", validators=[Optional(), Length(max=5000)])


class OpenConsensusForm(FlaskForm):
    confirm = BooleanField("Jeg har sett listen over manglende poeng og vil åpne konsensusfasen nå",
                           validators=[DataRequired("Kryss av for å bekrefte at konsensusfasen skal åpnes.")])


class RejectForm(FlaskForm):
    reason = TextAreaField("Begrunnelse for avvisning", validators=[DataRequired("Skriv begrunnelsen."),
                                                                  Length(max=5000)])


class TieBreakForm(FlaskForm):
    order = StringField("Rekkefølge (tilbud-id-er, kommaseparert, først vinner)",
                        validators=[DataRequired("Oppgi rekkefølgen."), Length(max=500)])
    reason = TextAreaField("Begrunnelse for beslutningen", validators=[DataRequired("Skriv begrunnelsen."),
                                                                      Length(max=5000)])


class OpeningPersonsForm(FlaskForm):
    """How many members must confirm the opening of the bids (set by the lead before the bid deadline)."""

    persons = SelectField("Hvem åpner tilbudene", choices=[
        SelectChoice("2", "To personer: prosjektleder og én til i anskaffelsesgruppen"),
        SelectChoice("1", "Én person: prosjektleder alene (små konkurranser)")],
        validate_choice=True)
