from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, Length, Optional

from tender.core.scoring import PRICE_METHODS, RequirementStatus
from tender.evaluation.models import CriterionKindValue, PriceItemKind

_NUMBER = [Optional(), Length(max=20, message="Høyst 20 tegn.")]


class SettingsForm(FlaskForm):
    scale_max = StringField("Skala, maksimum poeng", validators=[DataRequired("Oppgi skalaens maksimum."),
                                                                 Length(max=10)])
    allow_half_points = BooleanField("Tillat halve poeng")
    price_method = SelectField("Prismetode", choices=[
        SelectChoice(name, f"{m.label} – {m.formula}") for name, m in PRICE_METHODS.items()])
    price_k = StringField("k (null poeng ved k × laveste pris)", validators=_NUMBER)
    nok_per_point = StringField("Kroner per vektet kvalitetspoeng (prissetting av kvalitet)", validators=_NUMBER)
    normalise = BooleanField("Normaliser kvalitetspoeng (beste tilbud får maksimum)")
    contract_period = StringField("Kontraktsperiode i år, med opsjoner (f.eks. 4+1+1)",
                                  validators=[DataRequired("Oppgi kontraktsperioden."), Length(max=40)])
    disagreement_threshold = StringField("Uenighet som markeres i konsensus (poeng)",
                                         validators=[DataRequired("Oppgi en terskel."), Length(max=10)])


class CriterionForm(FlaskForm):
    parent = SelectField("Under kriterium", choices=[], validate_choice=True)
    key = StringField("Id (f.eks. kvalitet, arkiv)", validators=[DataRequired("Oppgi en id."), Length(max=40)])
    name = StringField("Navn", validators=[DataRequired("Oppgi et navn."), Length(max=200)])
    kind = SelectField("Type", choices=[SelectChoice(k.value, k.label) for k in CriterionKindValue])
    weight = StringField("Vekt (% av nivået)", validators=[DataRequired("Oppgi vekten."), Length(max=20)])
    weight_min = StringField("Kunngjort vektspenn, fra (%)", validators=_NUMBER)
    weight_max = StringField("Kunngjort vektspenn, til (%)", validators=_NUMBER)
    documentation = TextAreaField("Dokumentasjon som kreves", validators=[Optional(), Length(max=5000)])


class WeightForm(FlaskForm):
    weight = StringField("Ny vekt (%)", validators=[DataRequired("Oppgi vekten."), Length(max=20)])


class AssignForm(FlaskForm):
    evaluator = SelectField("Evaluator", choices=[], validate_choice=True)


class PriceItemForm(FlaskForm):
    name = StringField("Post", validators=[DataRequired("Gi posten et navn."), Length(max=200)])
    kind = SelectField("Type", choices=[SelectChoice(k.value, k.label) for k in PriceItemKind])
    per_municipality = BooleanField("Prises per kommune")


class ScoreForm(FlaskForm):
    score = StringField("Poeng", validators=[DataRequired("Oppgi poeng."), Length(max=10)])
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
    # on the confirmation page the bid page leads to: avvisning is never one click
    confirm = BooleanField("Jeg har kontrollert tilbudet og begrunnelsen, og vil avvise tilbudet",
                           validators=[DataRequired("Kryss av for å bekrefte avvisningen.")])


class UndoRejectForm(FlaskForm):
    reason = TextAreaField("Hvorfor avvisningen angres", validators=[
        DataRequired("Skriv hvorfor avvisningen angres."), Length(max=5000)])


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
