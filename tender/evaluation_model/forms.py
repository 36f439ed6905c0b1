from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from tender.core.scoring import PRICE_METHODS
from tender.evaluation_model.models import (
    PRICE_EVALUATIONS,
    PRICE_GAP_RULES,
    CriterionKindValue,
    PriceItemKind,
)
from tender.web.forms import NorwegianDecimalField


def number_field(
    label: str, noun: str, *, required: str | None = None, max_length: int = 20
) -> NorwegianDecimalField:
    """A number field whose messages name the value as the page's sentences do ("Vekten må være et tall")."""
    return NorwegianDecimalField(
        label,
        required=required,
        max_length=max_length,
        invalid=noun + " må være et tall, ikke «{raw}».",
        too_large=noun + " må være et endelig tall.",
    )


#: the announced scale's step: value (as the model stores it) → label; "annet" takes the step typed
STEP_CHOICES = [
    ("1", "Hele poeng"),
    ("0.5", "Halve poeng"),
    ("0.25", "Kvarte poeng"),
    ("0.1", "Tideler (0,1)"),
    ("annet", "Annet trinn (oppgis under)"),
    ("0", "Kontinuerlig (alle verdier, høyst fire desimaler)"),
]
CONSENSUS_CHOICES = [
    ("agreed", "Fastsettes av evaluatorene i fellesskap"),
    ("mean", "Gjennomsnittet av de individuelle poengene (regnes eksakt, vises avrundet)"),
]


class SettingsForm(FlaskForm):
    scale_max = number_field(
        "Skala, maksimum poeng", "Skalaen", required="Oppgi skalaens maksimum.", max_length=10
    )
    scale_step = SelectField(
        "Trinn på skalaen", choices=[SelectChoice(v, label) for v, label in STEP_CHOICES], default="1"
    )
    scale_step_other = number_field("Annet trinn (poeng, f.eks. 0,2)", "Trinnet")
    consensus_rule = SelectField(
        "Konsensuspoeng",
        choices=[SelectChoice(v, label) for v, label in CONSENSUS_CHOICES],
        default="agreed",
    )
    price_method = SelectField(
        "Prismetode",
        choices=[SelectChoice(name, f"{m.label} – {m.formula}") for name, m in PRICE_METHODS.items()],
    )
    price_k = number_field("k (null poeng ved k × laveste pris)", "k")
    nok_per_point = number_field(
        "Kroner per vektet kvalitetspoeng (prissetting av kvalitet)", "Kroner per poeng"
    )
    surcharge_percent = number_field("S: pristillegg i % ved null kvalitet (prosentvis pristillegg)", "S")
    deduction_percent = number_field("D: prisfradrag i % ved full kvalitet (prosentvis prisfradrag)", "D")
    min_quality = number_field(
        "Minste vektede kvalitetspoeng (valgfritt; tilbud under avvises)", "Minstekravet til kvalitet"
    )
    normalise = BooleanField("Normaliser kvalitetspoeng (beste tilbud får maksimum)")
    contract_period = StringField(
        "Kontraktsperiode i år, med opsjoner (f.eks. 4+1+1)",
        validators=[DataRequired("Oppgi kontraktsperioden."), Length(max=40)],
    )
    disagreement_threshold = number_field(
        "Uenighet som markeres i konsensus (poeng)", "Terskelen", required="Oppgi en terskel.", max_length=10
    )


class CriterionForm(FlaskForm):
    parent = SelectField("Under kriterium", choices=[], validate_choice=True)
    key = StringField(
        "Id (f.eks. kvalitet, arkiv)", validators=[DataRequired("Oppgi en id."), Length(max=40)]
    )
    name = StringField("Navn", validators=[DataRequired("Oppgi et navn."), Length(max=200)])
    kind = SelectField("Type", choices=[SelectChoice(k.value, k.label) for k in CriterionKindValue])
    weight = number_field("Vekt (% av nivået)", "Vekten", required="Oppgi vekten.")
    weight_min = number_field("Kunngjort vektspenn, fra (%)", "Spennet")
    weight_max = number_field("Kunngjort vektspenn, til (%)", "Spennet")
    documentation = TextAreaField("Dokumentasjon som kreves", validators=[Optional(), Length(max=5000)])
    min_score = number_field("Minstepoeng (valgfritt; tilbud under avvises)", "Minstepoengene")


class WeightForm(FlaskForm):
    weight = number_field("Ny vekt (%)", "Vekten", required="Oppgi vekten.")


class MinScoreForm(FlaskForm):
    """An announced minimum score on a quality criterion; left empty, the criterion has none."""

    min_score = number_field("Nye minstepoeng (tomt: ingen)", "Minstepoengene")


class AssignForm(FlaskForm):
    evaluator = SelectField("Evaluator", choices=[], validate_choice=True)


class PriceItemForm(FlaskForm):
    # ids of their own: the criterion form on the same page has a name and a kind too
    name = StringField(
        "Post", id="post-navn", validators=[DataRequired("Gi posten et navn."), Length(max=200)]
    )
    kind = SelectField(
        "Type", id="post-type", choices=[SelectChoice(k.value, k.label) for k in PriceItemKind]
    )
    per_municipality = BooleanField("Prises per kommune", id="post-per-kommune")
    quantity = number_field("Antall (i handlekurven; vekt i et gjennomsnitt; tomt = 1)", "Antallet")


class PriceEvaluationForm(FlaskForm):
    """How the evaluated price is made of the price schedule (issue 16)."""

    method = SelectField(
        "Evaluert pris regnes som",
        choices=[SelectChoice(k, v) for k, v in PRICE_EVALUATIONS.items()],
    )
    discount_rate_percent = number_field(
        "Diskonteringsrente per år (%), bare for livssykluskostnad; tomt = ikke diskontert", "Renten"
    )
    gaps = SelectField(
        "En post et tilbud ikke priser", choices=[SelectChoice(k, v) for k, v in PRICE_GAP_RULES.items()]
    )
