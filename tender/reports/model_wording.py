"""The evaluation model as the buyer announces and records it, in Norwegian: the scale and its step, the
consensus rule, the quality thresholds and what happens below them, the price method's parameters and what
its comparison figure means.

One wording, so the award-criteria document the vendors read (tender.documents), the procurement protocol
(tender.protocol, tender.reports.protocol_pdf) and the recommendation's snapshot (tender.award) say the model
the same way. Values come as the frozen form and the snapshot hold them (floats, decimal strings, Decimals or
Fractions); every number is written through tender.formatting.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

from tender.formatting import format_decimal, format_money, format_percent_points

Number = int | float | Decimal | Fraction | str

#: the consensus rule's values (tender.core.scoring.ConsensusRule) in words
CONSENSUS_LABELS = {
    "agreed": "Enighet i gruppen",
    "mean": "Gjennomsnitt av evaluatorenes poeng",
}

#: the price methods' parameters (tender.core.scoring.methods) in words
PARAMETER_LABELS = {
    "k": "k (null poeng ved k × laveste pris)",
    "nok_per_point": "Kroner per poeng",
    "surcharge_percent": "S, pristillegg ved null kvalitet",
    "deduction_percent": "D, prisfradrag ved full kvalitet",
}

#: what a price method's comparison figure means, beyond its formula
METHOD_EXPLANATIONS = {
    "value_for_money": (
        "Evaluert pris er prisen minus verdien av kvaliteten tilbudet leverer (kroner per poeng × vektede "
        "kvalitetspoeng). Den kan bli lavere enn null; det blir i så fall påpekt i evalueringen."
    ),
    "value_for_money_offset": (
        "Sammenligningstallet er prisen pluss verdien av kvaliteten tilbudet ikke leverer: kroner per poeng "
        "× de vektede kvalitetspoengene som mangler opp til det høyeste mulige. Det er aldri lavere enn "
        "prisen, og et tilbud med full kvalitet sammenlignes med sin egen pris."
    ),
    "price_surcharge": (
        "Prisen legges til et tillegg i forhold til seg selv for kvaliteten tilbudet ikke leverer: S % ved "
        "null kvalitet, ingenting ved full kvalitet, og forholdsmessig imellom."
    ),
    "price_deduction": (
        "Prisen trekkes et fradrag i forhold til seg selv for kvaliteten tilbudet leverer: D % ved full "
        "kvalitet, ingenting ved null kvalitet, og forholdsmessig imellom."
    ),
}

#: methods whose formula uses Q and Qmax (the weighted quality points)
QUALITY_METHODS = frozenset(METHOD_EXPLANATIONS)


def _decimal(value: Number | None) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, Fraction):
        return Decimal(value.numerator) / Decimal(value.denominator)
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(str(value))


def number_text(value: Number | None, places: int = 4) -> str:
    """A number in Norwegian form with the decimals it needs (at most ``places``)."""
    found = _decimal(value)
    return format_decimal(found, places)


def step_text(step: Number | None) -> str:
    """The scale's step in words: "i hele poeng", "i halve poeng", "i tideler (trinn på 0,1)", "i trinn på
    0,25", "fritt, uten faste trinn (kontinuerlig skala)". None is the whole-point default."""
    value = _decimal(step)
    if value is None or value == 1:
        return "i hele poeng"
    if value == 0:
        return "fritt, uten faste trinn (kontinuerlig skala)"
    if value == Decimal("0.5"):
        return "i halve poeng (trinn på 0,5)"
    if value == Decimal("0.1"):
        return "i tideler (trinn på 0,1)"
    if value == Decimal("0.25"):
        return "i kvarte poeng (trinn på 0,25)"
    return f"i trinn på {number_text(value)}"


def scale_sentence(scale_max: Number, step: Number | None) -> str:
    """The scale as one sentence: "… på en skala fra 0 til 10, i hele poeng."."""
    top = number_text(scale_max)
    return f"Hvert kvalitetskriterium gis poeng på en skala fra 0 til {top}, {step_text(step)}."


def consensus_label(rule: str | None) -> str:
    return CONSENSUS_LABELS.get(rule or "agreed", rule or "")


def consensus_sentence(rule: str | None) -> str:
    """How the consensus score a bid gets on a criterion is set."""
    if (rule or "agreed") == "mean":
        return (
            "Konsensuspoengene er gjennomsnittet av evaluatorenes individuelle poeng, regnet eksakt og vist "
            "avrundet (Gjennomsnitt av evaluatorenes poeng)."
        )
    return "Konsensuspoengene settes av evaluatorene i fellesskap (Enighet i gruppen)."


def parameter_text(name: str, value: Number) -> str:
    """One price-method parameter as "navn: verdi" in Norwegian ("Kroner per poeng: 10 000,00 kr")."""
    label = PARAMETER_LABELS.get(name, name)
    if name == "nok_per_point":
        shown = format_money(_decimal(value))
    elif name in ("surcharge_percent", "deduction_percent"):
        shown = format_percent_points(_decimal(value), 4)
    else:
        shown = number_text(value)
    return f"{label}: {shown}"


def parameter_lines(parameters: dict[str, Any]) -> list[str]:
    return [parameter_text(k, v) for k, v in parameters.items() if v is not None]


def quality_max(frozen_model: dict[str, Any]) -> Fraction:
    """Qmax from a frozen model (tender.evaluation_model.case.model_to_json): the top of the scale × the
    quality leaves' path weights."""
    parents = {c["parent"] for c in frozen_model["criteria"] if c["parent"] is not None}
    weights = sum(
        (
            Fraction(str(c["path_weight"]))
            for c in frozen_model["criteria"]
            if c["kind"] == "quality" and c["id"] not in parents
        ),
        Fraction(0),
    )
    return Fraction(str(frozen_model["scale_max"])) * weights


def quality_sentence(qmax: Number) -> str:
    """What Q and Qmax are in a price-adjusting formula."""
    return (
        "Q er tilbudets vektede kvalitetspoeng (poengene på hvert kvalitetskriterium × kriteriets andel av "
        f"totalen, summert), Qmax de høyest mulige ({number_text(qmax)})."
    )


def threshold_lines(
    criteria: list[tuple[str, Number]], min_quality: Number | None, qmax: Number | None = None
) -> list[str]:
    """The announced quality thresholds and what happens below them; ``criteria``: (name, minimum score)
    per criterion that has one. Empty when none is announced."""
    lines = [f"{name}: minst {number_text(minimum)} poeng." for name, minimum in criteria]
    if min_quality is not None:
        top = f" av høyst {number_text(qmax)}" if qmax is not None else ""
        lines.append(f"Vektede kvalitetspoeng til sammen: minst {number_text(min_quality)}{top}.")
    if lines:
        lines.append(
            "Et tilbud under en av disse minstegrensene avvises: det rangeres ikke og teller ikke med når "
            "laveste og høyeste pris fastsettes."
        )
    return lines


def threshold_failure_text(criterion_name: str | None, minimum: Number, actual: Number) -> str:
    """Why a bid was rejected by a threshold, naming it."""
    if criterion_name is None:
        return (
            f"Under minste vektede kvalitetspoeng: {number_text(actual)}, mens minst "
            f"{number_text(minimum)} kreves."
        )
    return (
        f"Under minstepoengene på «{criterion_name}»: {number_text(actual)} poeng, mens minst "
        f"{number_text(minimum)} kreves."
    )


#: how the rejection reason of a bid below a quality threshold begins
THRESHOLD_REJECTION = "Avvist under minstegrensen for kvalitet."


def threshold_rejection(failures: list[tuple[str | None, Number, Number]]) -> str:
    """The rejection reason of a bid below one or more thresholds."""
    return (
        THRESHOLD_REJECTION
        + " "
        + " ".join(threshold_failure_text(name, minimum, actual) for name, minimum, actual in failures)
    )
