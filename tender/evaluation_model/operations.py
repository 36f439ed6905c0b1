"""State changes of the evaluation model: the criteria tree and who is assigned to score what, the price
schedule, the settings, and the freeze that locks it all (with the SHA-256 of its canonical JSON) before the
bids are opened.

Every function that changes state flushes and writes the audit trail; the caller commits once. The scoring
of the bids under this model is ``tender.evaluation``'s, above bids; this package sits below bids and
imports neither.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tender import audit
from tender.auth.models import User
from tender.core import price_schedule
from tender.core.assignment import Scorers, scorers
from tender.core.scoring import (
    PRICE_METHODS,
    ConsensusRule,
    Criterion,
    CriterionKind,
    ScoringError,
    ScoringModel,
    WeightRange,
    make_price_method,
)
from tender.errors import DomainError
from tender.evaluation_model.case import model_to_json
from tender.evaluation_model.models import PRICE_EVALUATIONS as PRICE_EVALUATIONS
from tender.evaluation_model.models import PRICE_GAP_RULES as PRICE_GAP_RULES
from tender.evaluation_model.models import (
    AwardCriterion,
    CriterionKindValue,
    EvaluationModel,
    Phase,
    PriceItem,
    PriceItemKind,
)
from tender.extensions import db
from tender.formatting import format_datetime, format_decimal
from tender.requirements.operations import specification_of
from tender.tenders.models import Role, Tender
from tender.web import core_messages, spec_messages

KEY_CHARS = set("abcdefghijklmnopqrstuvwxyzæøåABCDEFGHIJKLMNOPQRSTUVWXYZÆØÅ0123456789_-.")


# -- reading ----------------------------------------------------------------------------------------------
def model_of(tender: Tender) -> EvaluationModel | None:
    return db.session.scalar(select(EvaluationModel).where(EvaluationModel.tender_id == tender.id))


def _default_model(tender: Tender) -> EvaluationModel:
    return EvaluationModel(
        tender_id=tender.id,
        scale_max=Decimal(10),
        scale_step=Decimal(1),
        consensus_rule="agreed",
        price_method="linear",
        price_evaluation="life_cycle",
        price_gaps="reject",
        normalise=False,
        contract_period="4",
        disagreement_threshold=Decimal(2),
        phase=Phase.INDIVIDUAL,
        tie_break_json="[]",
        tie_break_reason="",
    )


def model_or_default(tender: Tender) -> EvaluationModel:
    """The stored model, or the defaults (not stored) for reading pages: a GET never writes."""
    return model_of(tender) or _default_model(tender)


def ensure_model(tender: Tender) -> EvaluationModel:
    model = model_of(tender)
    if model is None:
        model = _default_model(tender)
        db.session.add(model)
        db.session.flush()
    return model


def criteria_of(tender: Tender) -> list[AwardCriterion]:
    """Every criterion in tree order (a parent before its children)."""
    rows = list(
        db.session.scalars(
            select(AwardCriterion)
            .where(AwardCriterion.tender_id == tender.id)
            .options(selectinload(AwardCriterion.evaluators))
            .order_by(AwardCriterion.position, AwardCriterion.id)
        )
    )
    children: dict[int | None, list[AwardCriterion]] = defaultdict(list)
    for row in rows:
        children[row.parent_id].append(row)
    ordered: list[AwardCriterion] = []

    def walk(parent: int | None) -> None:
        for row in children.get(parent, []):
            ordered.append(row)
            walk(row.id)

    walk(None)
    return ordered


def depth_of(rows: Sequence[AwardCriterion]) -> dict[int, int]:
    by_id = {r.id: r for r in rows}
    found: dict[int, int] = {}
    for r in rows:
        d, p = 0, r.parent_id
        while p is not None and p in by_id:
            d, p = d + 1, by_id[p].parent_id
        found[r.id] = d
    return found


def leaves_of(rows: Sequence[AwardCriterion]) -> list[AwardCriterion]:
    parents = {r.parent_id for r in rows}
    return [r for r in rows if r.id not in parents]


def quality_leaves(tender: Tender) -> list[AwardCriterion]:
    rows = criteria_of(tender)
    return [r for r in leaves_of(rows) if kind_of(r, rows) is CriterionKindValue.QUALITY]


def kind_of(row: AwardCriterion, rows: Sequence[AwardCriterion]) -> CriterionKindValue:
    by_id = {r.id: r for r in rows}
    top = row
    while top.parent_id is not None:
        top = by_id[top.parent_id]
    return top.kind


def criterion_by_key(tender: Tender, key: str) -> AwardCriterion | None:
    return db.session.scalar(
        select(AwardCriterion).where(AwardCriterion.tender_id == tender.id, AwardCriterion.key == key)
    )


def price_items(tender: Tender) -> list[PriceItem]:
    return list(
        db.session.scalars(
            select(PriceItem)
            .where(PriceItem.tender_id == tender.id)
            .order_by(PriceItem.position, PriceItem.id)
        )
    )


@dataclass(frozen=True)
class LevelSum:
    parent: str  #: the parent's name, or "Toppnivå"
    total: Decimal
    parts: tuple[tuple[str, Decimal], ...]

    @property
    def ok(self) -> bool:
        return self.total == 100


def level_sums(rows: Sequence[AwardCriterion]) -> list[LevelSum]:
    """Each level's weights and their sum, so the lead sees where 100 % is not reached."""
    by_parent: dict[int | None, list[AwardCriterion]] = defaultdict(list)
    for r in rows:
        by_parent[r.parent_id].append(r)
    names = {r.id: r.name for r in rows}
    return [
        LevelSum(
            names.get(pid, "Toppnivå") if pid else "Toppnivå",
            sum((k.weight for k in kids), Decimal(0)),
            tuple((k.name, k.weight) for k in kids),
        )
        for pid, kids in by_parent.items()
    ]


# -- the model ----------------------------------------------------------------------------------------------
def _check_editable(model: EvaluationModel) -> None:
    if model.frozen_at is not None:
        raise DomainError(
            f"Evalueringsmodellen ble låst {format_datetime(model.frozen_at)} og kan ikke endres."
        )


def _check_places(value: Decimal | None, places: int, field: str, noun: str) -> None:
    """A typed number the column keeps to ``places`` decimals: more would be rounded without a word (a step of
    0,00001 would become 0, a continuous scale), so it is refused."""
    if value is None or not value.is_finite():
        return
    exponent = value.normalize().as_tuple().exponent
    if isinstance(exponent, int) and exponent < -places:
        raise DomainError(f"{noun} kan ha høyst {places} desimaler.", field=field)


@dataclass(frozen=True)
class ModelSettings:
    scale_max: Decimal
    price_method: str
    price_k: Decimal | None
    nok_per_point: Decimal | None
    normalise: bool
    contract_period: str
    disagreement_threshold: Decimal
    #: 1 whole points, 0.5 half points, 0.1 tenths …, 0 continuous
    scale_step: Decimal = Decimal(1)
    consensus_rule: str = "agreed"
    min_quality: Decimal | None = None
    surcharge_percent: Decimal | None = None
    deduction_percent: Decimal | None = None


#: the price method's parameters by name (as the core and the case format call them) → the model's column
METHOD_PARAMETER_COLUMNS = {
    "k": "price_k",
    "nok_per_point": "nok_per_point",
    "surcharge_percent": "surcharge_percent",
    "deduction_percent": "deduction_percent",
}


def method_parameters(source: Any) -> dict[str, Fraction]:
    """The price method's parameters from a model row or a ModelSettings: only those the method takes."""
    cls = PRICE_METHODS.get(source.price_method)
    names = cls.parameter_names if cls is not None else ()
    found = {name: getattr(source, METHOD_PARAMETER_COLUMNS[name]) for name in names}
    return {name: Fraction(value) for name, value in found.items() if value is not None}


def update_settings(tender: Tender, settings: ModelSettings, *, actor: Any) -> EvaluationModel:
    model = ensure_model(tender)
    _check_editable(model)
    if settings.price_method not in PRICE_METHODS:
        raise DomainError("Ukjent prismetode.", field="price_method")
    try:
        make_price_method(settings.price_method, method_parameters(settings))
    except ScoringError as exc:
        names = PRICE_METHODS[settings.price_method].parameter_names
        field = METHOD_PARAMETER_COLUMNS[names[0]] if names else "price_method"
        given = all(getattr(settings, METHOD_PARAMETER_COLUMNS[n]) is not None for n in names)
        said = "Metodens parameter er ugyldig: " if given else "Metoden mangler en gyldig parameter: "
        raise DomainError(said + core_messages.message(exc.problems[0]), field=field) from None
    if settings.consensus_rule not in {r.value for r in ConsensusRule}:
        raise DomainError("Ukjent regel for konsensus.", field="consensus_rule")
    for value, places, field, noun in (
        (settings.scale_step, 4, "scale_step", "Trinnet"),
        (settings.min_quality, 4, "min_quality", "Minste vektede kvalitetspoeng"),
        (settings.surcharge_percent, 4, "surcharge_percent", "Pristillegget"),
        (settings.deduction_percent, 4, "deduction_percent", "Prisfradraget"),
        (settings.price_k, 4, "price_k", "k"),
        (settings.nok_per_point, 2, "nok_per_point", "Kroner per poeng"),
    ):
        _check_places(value, places, field, noun)
    if settings.surcharge_percent is not None and settings.surcharge_percent > 1000:
        raise DomainError("Pristillegget kan være høyst 1000 %.", field="surcharge_percent")
    if settings.nok_per_point is not None and settings.nok_per_point >= Decimal(10) ** 12:
        raise DomainError("Kroner per poeng må være under 1 000 milliarder.", field="nok_per_point")
    if not 0 <= settings.scale_step <= settings.scale_max or (
        settings.scale_step > 0
        and (Fraction(settings.scale_max) / Fraction(settings.scale_step)).denominator != 1
    ):
        raise DomainError(
            f"Trinnet {format_decimal(settings.scale_step, 4)} deler ikke skalaen "
            f"0–{format_decimal(settings.scale_max, 4)} i hele trinn.",
            field="scale_step",
        )
    if settings.min_quality is not None and settings.min_quality < 0:
        raise DomainError("Minste vektede kvalitetspoeng kan ikke være negativt.", field="min_quality")
    if settings.min_quality is not None and settings.min_quality > 1000:
        # no scale goes above 1000; checked before it is stored (the column keeps no more), the exact most
        # a bid can earn (the quality weights × the scale) after
        raise DomainError("Minste vektede kvalitetspoeng kan være høyst 1000.", field="min_quality")
    try:
        price_schedule.contract_years(settings.contract_period)
    except price_schedule.PriceScheduleError as exc:
        raise DomainError(spec_messages.price_problem(exc.problems[0]), field="contract_period") from None
    if not 0 < settings.scale_max <= 1000:
        raise DomainError("Skalaens maksimum må være over 0 og høyst 1000.", field="scale_max")
    if not 0 <= settings.disagreement_threshold <= 1000:
        raise DomainError("Terskelen må være mellom 0 og 1000 poeng.", field="disagreement_threshold")
    if settings.price_k is not None and settings.price_k > 1000:
        raise DomainError("k kan være høyst 1000.", field="price_k")
    model.scale_max = settings.scale_max
    model.scale_step = settings.scale_step
    model.consensus_rule = settings.consensus_rule
    model.min_quality = settings.min_quality
    model.price_method = settings.price_method
    model.price_k = settings.price_k
    model.nok_per_point = settings.nok_per_point
    model.surcharge_percent = settings.surcharge_percent
    model.deduction_percent = settings.deduction_percent
    model.normalise = settings.normalise
    model.contract_period = settings.contract_period.replace(" ", "")
    model.disagreement_threshold = settings.disagreement_threshold
    db.session.flush()
    _check_min_quality(tender, model)
    audit.record(
        "evaluation.settings_changed",
        model,
        actor=actor,
        payload={
            "scale_max": str(model.scale_max),
            "scale_step": str(model.scale_step),
            "consensus_rule": model.consensus_rule,
            "min_quality": str(model.min_quality),
            "price_method": model.price_method,
            "price_k": str(model.price_k),
            "nok_per_point": str(model.nok_per_point),
            "surcharge_percent": str(model.surcharge_percent),
            "deduction_percent": str(model.deduction_percent),
            "normalise": model.normalise,
            "contract_period": model.contract_period,
            "disagreement_threshold": str(model.disagreement_threshold),
        },
    )
    return model


def _check_min_quality(tender: Tender, model: EvaluationModel) -> None:
    """The minimum weighted quality lies between 0 and the most weighted quality points the model gives
    (the core's check, ``min_quality_off_scale``, worded for the settings' field), and every criterion's
    minimum score still lies on the scale."""
    try:
        scoring_model(tender, model=model)
    except ScoringError as exc:
        off = [p for p in exc.problems if p.code == "min_quality_off_scale"]
        if off:
            raise DomainError(core_messages.message(off[0]), field="min_quality") from None
        # a smaller scale may leave a criterion's minimum above it
        above = [p for p in exc.problems if p.code == "min_score_off_scale"]
        if above:
            raise DomainError(
                f"{core_messages.describe(above[0])} Senk minstepoengene først, eller behold skalaen.",
                field="scale_max",
            ) from None


@dataclass(frozen=True)
class CriterionInput:
    key: str
    name: str
    weight: Decimal
    parent_key: str | None = None
    kind: CriterionKindValue = CriterionKindValue.QUALITY
    weight_min: Decimal | None = None
    weight_max: Decimal | None = None
    documentation: str = ""
    #: the announced minimum score on a quality criterion (None: none)
    min_score: Decimal | None = None


def _check_min_score(
    tender: Tender, min_score: Decimal | None, kind: CriterionKindValue, model: EvaluationModel
) -> None:
    """A minimum score belongs to a quality criterion and lies on its scale (0 to the scale's top)."""
    if min_score is None:
        return
    _check_places(min_score, 4, "min_score", "Minstepoengene")
    if kind is CriterionKindValue.PRICE:
        raise DomainError(
            "Priskriteriet kan ikke ha minstepoeng: prisen får poeng etter prismetoden.", field="min_score"
        )
    if not min_score.is_finite() or not 0 <= min_score <= model.scale_max:
        raise DomainError(
            f"Minstepoengene må ligge på skalaen, mellom 0 og {format_decimal(model.scale_max, 4)}.",
            field="min_score",
        )


def add_criterion(tender: Tender, data: CriterionInput, *, actor: Any) -> AwardCriterion:
    model = ensure_model(tender)
    _check_editable(model)
    key = data.key.strip()
    if not key or not set(key) <= KEY_CHARS or len(key) > 40:
        raise DomainError("Id-en kan bare ha bokstaver, tall, _ - og . (høyst 40 tegn).", field="key")
    if criterion_by_key(tender, key) is not None:
        raise DomainError(f"Id-en «{key}» er allerede brukt.", field="key")
    parent = None
    if data.parent_key:
        parent = criterion_by_key(tender, data.parent_key)
        if parent is None:
            raise DomainError("Overordnet kriterium finnes ikke.", field="parent")
        if parent.kind is CriterionKindValue.PRICE:
            raise DomainError("Priskriteriet kan ikke ha underkriterier.", field="parent")
    if data.weight < 0 or data.weight > 100:
        raise DomainError("Vekten må være mellom 0 og 100 %.", field="weight")
    for bound, field in ((data.weight_min, "weight_min"), (data.weight_max, "weight_max")):
        if bound is not None and not 0 <= bound <= 100:
            raise DomainError("Vektspennet må ligge mellom 0 og 100 %.", field=field)
    if (data.weight_min is None) != (data.weight_max is None):
        raise DomainError(
            "Oppgi både laveste og høyeste vekt i spennet, eller ingen av dem.", field="weight_min"
        )
    if data.weight_min is not None and data.weight_max is not None and data.weight_min > data.weight_max:
        raise DomainError("Laveste vekt i spennet er over høyeste.", field="weight_min")
    if data.kind is CriterionKindValue.PRICE and parent is not None:
        raise DomainError("Priskriteriet må ligge på toppnivået.", field="kind")
    _check_min_score(tender, data.min_score, data.kind if parent is None else parent.kind, model)
    siblings = [r for r in criteria_of(tender) if r.parent_id == (parent.id if parent else None)]
    row = AwardCriterion(
        tender_id=tender.id,
        parent_id=parent.id if parent else None,
        key=key,
        name=data.name.strip() or key,
        kind=data.kind if parent is None else parent.kind,
        weight=data.weight,
        weight_min=data.weight_min,
        weight_max=data.weight_max,
        documentation=data.documentation.strip(),
        position=len(siblings),
        min_score=data.min_score,
    )
    db.session.add(row)
    db.session.flush()
    audit.record(
        "evaluation.criterion_added",
        row,
        actor=actor,
        payload={
            "key": key,
            "name": row.name,
            "parent": data.parent_key,
            "kind": row.kind.value,
            "weight": str(row.weight),
            "weight_min": str(row.weight_min),
            "weight_max": str(row.weight_max),
            "min_score": str(row.min_score),
        },
    )
    return row


def update_criterion_min_score(
    tender: Tender, row: AwardCriterion, min_score: Decimal | None, *, actor: Any
) -> None:
    """Set or clear a quality criterion's announced minimum score, before the lock (like its weight)."""
    model = ensure_model(tender)
    _check_editable(model)
    _check_min_score(tender, min_score, kind_of(row, criteria_of(tender)), model)
    old = row.min_score
    row.min_score = min_score
    db.session.flush()
    audit.record(
        "evaluation.criterion_min_score_changed",
        row,
        actor=actor,
        payload={"key": row.key, "from": str(old), "to": str(min_score)},
    )


def update_criterion_weight(tender: Tender, row: AwardCriterion, weight: Decimal, *, actor: Any) -> None:
    _check_editable(ensure_model(tender))
    if weight < 0 or weight > 100:
        raise DomainError("Vekten må være mellom 0 og 100 %.", field="weight")
    old = row.weight
    row.weight = weight
    db.session.flush()
    audit.record(
        "evaluation.criterion_weight_changed",
        row,
        actor=actor,
        payload={"key": row.key, "from": str(old), "to": str(weight)},
    )


def delete_criterion(tender: Tender, row: AwardCriterion, *, actor: Any) -> None:
    _check_editable(ensure_model(tender))
    key = row.key
    db.session.delete(row)
    db.session.flush()
    audit.record("evaluation.criterion_deleted", tender, actor=actor, payload={"key": key})


def _evaluator_ids(tender: Tender) -> list[int]:
    return [m.user_id for m in tender.memberships if m.role is Role.EVALUATOR]


def evaluators_of(tender: Tender) -> list[Any]:
    """The tender's evaluators in the order they joined (their accounts in one query, not one each)."""
    ids = _evaluator_ids(tender)
    if not ids:
        return []
    users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids)))}
    return [users[i] for i in ids]


def scoring_plan(tender: Tender, rows: Sequence[AwardCriterion] | None = None) -> dict[int, Scorers[int]]:
    """Criterion id → the ids of the evaluators who score it (tender.core.assignment's rule)."""
    rows = list(rows) if rows is not None else criteria_of(tender)
    return scorers(
        {r.id: r.parent_id for r in rows},
        {r.id: [e.user_id for e in r.evaluators] for r in rows},
        _evaluator_ids(tender),
    )


def _check_price_schedule_editable(tender: Tender) -> None:
    """The price schedule is filled in by the vendors from the publication on: a deleted line would vanish
    from sealed bids (breaking their receipts), an added one would leave submitted bids incomplete. Asked
    before any bid is read, so the answer is the same whether bids exist or not."""
    _check_editable(ensure_model(tender))
    spec = specification_of(tender)
    if spec is not None and spec.published_version is not None:
        raise DomainError(
            "Prisskjemaet kan ikke endres etter at kravspesifikasjonen er kunngjort: leverandørene "
            "fyller det ut i tilbudene sine."
        )


#: the largest quantity a basket line may have (the column keeps 16 digits, four of them decimals)
MAX_QUANTITY = Decimal(10) ** 11


def price_formula(model: EvaluationModel) -> str:
    """The formula of the evaluated price under the model's price evaluation, in words a vendor reads."""
    method = model.price_evaluation or "life_cycle"
    if method == "basket":
        return "Evaluert pris = Σ antall × enhetspris over postene."
    if method == "average":
        return (
            "Evaluert pris = Σ vekt × pris / Σ vekt over postene (vekten er postens antall; "
            "alle 1 gir det vanlige gjennomsnittet)."
        )
    rate = model.discount_rate_percent
    years = f"{model.contract_period} år"
    if rate is None:
        return (
            "Evaluert pris = Σ antall × engangskostnad + Σ antall × årlig kostnad × "
            f"{years} (hele perioden med opsjoner)."
        )
    shown = format_decimal(Decimal(rate), 3)
    return (
        "Evaluert pris = Σ antall × engangskostnad + Σ antall × årlig kostnad × Σₜ 1/(1 + r)ᵗ for t = 1 … N, "
        f"der r = {shown} % er diskonteringsrenten og N hele perioden ({years} med opsjoner)."
    )


@dataclass(frozen=True)
class PriceEvaluationSettings:
    """How the price schedule makes the evaluated price: ``method`` ("life_cycle", "basket", "average"),
    the yearly discount rate in per cent (life-cycle cost only; None: not discounted) and the rule for a
    line a bid leaves without a price ("reject" or "highest")."""

    method: str
    discount_rate_percent: Decimal | None
    gaps: str


def update_price_evaluation(
    tender: Tender, settings: PriceEvaluationSettings, *, actor: Any
) -> EvaluationModel:
    """Set how the evaluated price is made of the schedule; only while the schedule may change (before the
    publication and the lock)."""
    _check_price_schedule_editable(tender)
    model = ensure_model(tender)
    if settings.method not in PRICE_EVALUATIONS:
        raise DomainError("Velg hvordan den evaluerte prisen regnes ut.", field="method")
    if settings.gaps not in PRICE_GAP_RULES:
        raise DomainError("Velg hva en post uten pris teller som.", field="gaps")
    rate = settings.discount_rate_percent
    if rate is not None:
        if settings.method != "life_cycle":
            raise DomainError(
                "Diskonteringsrente brukes bare med livssykluskostnad: la feltet stå tomt.",
                field="discount_rate_percent",
            )
        if not rate.is_finite() or not 0 <= rate <= 100:
            raise DomainError("Diskonteringsrenten må være mellom 0 og 100 %.", field="discount_rate_percent")
        if rate != rate.quantize(Decimal("0.001")):
            raise DomainError(
                "Diskonteringsrenten kan ha høyst tre desimaler.", field="discount_rate_percent"
            )
    if settings.method != "life_cycle":
        yearly = [i.name for i in price_items(tender) if i.kind is PriceItemKind.YEARLY]
        if yearly:
            raise DomainError(
                f"{PRICE_EVALUATIONS[settings.method]} har ingen årlige kostnader, men prisskjemaet har "
                f"årlige poster: {', '.join(yearly)}. Fjern dem eller velg livssykluskostnad.",
                field="method",
            )
    model.price_evaluation = settings.method
    model.discount_rate_percent = rate
    model.price_gaps = settings.gaps
    db.session.flush()
    audit.record(
        "evaluation.price_evaluation_changed",
        model,
        actor=actor,
        payload={
            "price_evaluation": settings.method,
            "discount_rate_percent": str(rate),
            "price_gaps": settings.gaps,
        },
    )
    return model


def add_price_item(
    tender: Tender,
    *,
    name: str,
    kind: PriceItemKind,
    per_municipality: bool,
    actor: Any,
    quantity: Decimal | None = None,
) -> PriceItem:
    _check_price_schedule_editable(tender)
    if not name.strip():
        raise DomainError("Gi posten et navn.", field="name")
    if quantity is not None:
        if not quantity.is_finite() or quantity < 0:
            raise DomainError("Antallet kan ikke være negativt.", field="quantity")
        if quantity >= MAX_QUANTITY:
            raise DomainError("Antallet er for stort.", field="quantity")
        if quantity != quantity.quantize(Decimal("0.0001")):
            raise DomainError("Antallet kan ha høyst fire desimaler.", field="quantity")
    model = model_or_default(tender)
    if kind is PriceItemKind.YEARLY and (model.price_evaluation or "life_cycle") != "life_cycle":
        raise DomainError(
            f"{PRICE_EVALUATIONS[model.price_evaluation]} har ingen årlige kostnader: velg engangskostnad, "
            "eller regn den evaluerte prisen som livssykluskostnad.",
            field="kind",
        )
    item = PriceItem(
        tender_id=tender.id,
        name=name.strip(),
        kind=kind,
        per_municipality=per_municipality,
        quantity=quantity,
        position=len(price_items(tender)),
    )
    db.session.add(item)
    db.session.flush()
    audit.record(
        "evaluation.price_item_added",
        item,
        actor=actor,
        payload={
            "name": item.name,
            "kind": kind.value,
            "per_municipality": per_municipality,
            "quantity": str(quantity),
        },
    )
    return item


def core_price_schedule(
    tender: Tender, items: Sequence[PriceItem] | None = None, model: EvaluationModel | None = None
) -> price_schedule.PriceSchedule:
    """The core's price schedule of this tender as announced: lines keyed by the item's id, municipalities by
    kommunenummer. Under an average the line's quantity is its weight."""
    items = list(items) if items is not None else price_items(tender)
    model = model or model_or_default(tender)
    method = model.price_evaluation or "life_cycle"
    lines = []
    for item in items:
        size = Decimal(item.quantity) if item.quantity is not None else Decimal(1)
        lines.append(
            price_schedule.ScheduleLine(
                id=str(item.id),
                name=item.name,
                quantity=size if method != "average" else Decimal(1),
                weight=size if method == "average" else Decimal(1),
                yearly=item.kind is PriceItemKind.YEARLY,
                per_municipality=item.per_municipality,
            )
        )
    rate = model.discount_rate_percent
    return price_schedule.PriceSchedule(
        method=method,
        lines=tuple(lines),
        period=model.contract_period or "",
        municipalities=tuple(m.kommunenummer for m in tender.participating_municipalities),
        discount_rate=Decimal(rate) if rate is not None and method == "life_cycle" else None,
        gaps=model.price_gaps or "reject",
    )


def delete_price_item(tender: Tender, item: PriceItem, *, actor: Any) -> None:
    _check_price_schedule_editable(tender)
    name = item.name
    db.session.delete(item)
    db.session.flush()
    audit.record("evaluation.price_item_deleted", tender, actor=actor, payload={"name": name})


def _core_criterion(
    row: AwardCriterion, children: dict[int | None, list[AwardCriterion]], model: EvaluationModel
) -> Criterion:
    method = None
    kind = None
    if row.parent_id is None:
        kind = CriterionKind.PRICE if row.kind is CriterionKindValue.PRICE else CriterionKind.QUALITY
        if kind is CriterionKind.PRICE:
            method = make_price_method(model.price_method, method_parameters(model))
    weight_range = None
    if row.weight_min is not None and row.weight_max is not None:
        weight_range = WeightRange(Fraction(row.weight_min), Fraction(row.weight_max))
    return Criterion(
        id=row.key,
        weight=Fraction(row.weight),
        kind=kind,
        name=row.name,
        method=method,
        normalise=(model.normalise if row.parent_id is None and kind is CriterionKind.QUALITY else None),
        weight_range=weight_range,
        children=tuple(_core_criterion(c, children, model) for c in children.get(row.id, [])),
        min_score=Fraction(row.min_score) if row.min_score is not None else None,
    )


def scoring_model(
    tender: Tender, rows: Sequence[AwardCriterion] | None = None, model: EvaluationModel | None = None
) -> ScoringModel:
    """The core's model of this tender; raises ScoringError listing every problem (sums shown)."""
    model = model or model_or_default(tender)
    rows = list(rows) if rows is not None else criteria_of(tender)
    children: dict[int | None, list[AwardCriterion]] = defaultdict(list)
    for r in rows:
        children[r.parent_id].append(r)
    return ScoringModel(
        criteria=tuple(_core_criterion(r, children, model) for r in children.get(None, [])),
        scale_max=Fraction(model.scale_max),
        scale_step=Fraction(model.scale_step if model.scale_step is not None else 1),
        consensus=ConsensusRule(model.consensus_rule or "agreed"),
        min_quality=Fraction(model.min_quality) if model.min_quality is not None else None,
    )


def model_problems(tender: Tender) -> list[str]:
    try:
        scoring_model(tender)
    except ScoringError as exc:
        return core_messages.describe_all(exc.problems)
    return []


def frozen_model_json(tender: Tender) -> dict[str, Any]:
    model = model_or_default(tender)
    return {
        "model": model_to_json(scoring_model(tender)),
        "contract_period": model.contract_period,
        # as the Numeric(6, 2) column stores it ("3.00"), whether or not the value has been read back yet:
        # otherwise a model locked in the transaction that set its threshold hashed "3"
        "disagreement_threshold": f"{Decimal(model.disagreement_threshold).quantize(Decimal('0.01')):f}",
        "price_schedule": [
            {
                "name": i.name,
                "kind": i.kind.value,
                "per_municipality": i.per_municipality,
                # as the Numeric(16, 4) column stores it, read back or not
                "quantity": _fixed(i.quantity, "0.0001"),
            }
            for i in price_items(tender)
        ],
        "price_evaluation": {
            "method": model.price_evaluation or "life_cycle",
            "discount_rate_percent": _fixed(model.discount_rate_percent, "0.001"),
            "gaps": model.price_gaps or "reject",
        },
        "criteria_documentation": {r.key: r.documentation for r in criteria_of(tender)},
    }


def _fixed(value: Decimal | None, places: str) -> str | None:
    """A Numeric column's value as the column keeps it ("2.500"), or None."""
    return None if value is None else f"{Decimal(value).quantize(Decimal(places)):f}"


#: keys the frozen form gained with issue 16 (scale step, consensus rule, thresholds), with the value that
#: says "as before": a model locked before them was hashed without them
_LATER_MODEL_KEYS = {"consensus": "agreed", "min_quality": None}
_LATER_CRITERION_KEYS = {"min_score": None}


def legacy_frozen_json(frozen: dict[str, Any]) -> dict[str, Any] | None:
    """The frozen form as a model locked before issue 16 was hashed, or None when this model uses anything
    that form could not say (a step other than whole or half points, the mean rule, a threshold, a price
    evaluation other than the undiscounted life-cycle cost with complete bids, a basket quantity …)."""
    model = dict(frozen["model"])
    if model.get("scale_step") not in (1, 0.5):
        return None
    if any(model.get(k) != v for k, v in _LATER_MODEL_KEYS.items()):
        return None
    criteria = []
    for c in model["criteria"]:
        if any(c.get(k) != v for k, v in _LATER_CRITERION_KEYS.items()):
            return None
        criteria.append({k: v for k, v in c.items() if k not in _LATER_CRITERION_KEYS})
    for key in ("scale_step", *_LATER_MODEL_KEYS):
        model.pop(key, None)
    model["criteria"] = criteria
    if frozen.get("price_evaluation", _LEGACY_PRICE_EVALUATION) != _LEGACY_PRICE_EVALUATION:
        return None
    items = []
    for item in frozen.get("price_schedule", []):
        if item.get("quantity") is not None:
            return None
        items.append({k: v for k, v in item.items() if k != "quantity"})
    older = {k: v for k, v in frozen.items() if k != "price_evaluation"}
    return {**older, "model": model, "price_schedule": items}


#: the price schedule's evaluation as every model locked before issue 16 computed it
_LEGACY_PRICE_EVALUATION = {"method": "life_cycle", "discount_rate_percent": None, "gaps": "reject"}


def freeze(tender: Tender, *, at: datetime, actor: Any) -> EvaluationModel:
    """Lock the whole evaluation model with a timestamp; before the bids are opened, never undone. (A model
    not yet locked has no opened bids: the opening refuses an unlocked model, tender.bids.operations.)"""
    model = ensure_model(tender)
    _check_editable(model)
    rows = criteria_of(tender)
    if not rows:
        raise DomainError("Legg inn tildelingskriteriene før modellen låses.")
    problems: list[str] = []
    for level in level_sums(rows):
        if not level.ok:
            parts = " + ".join(f"{name} {w.normalize():f}" for name, w in level.parts)
            problems.append(
                f"Vektene under {level.parent} summerer til {level.total.normalize():f} %, "
                f"ikke 100 % ({parts})."
            )
    if not problems:
        try:
            core = scoring_model(tender, rows)
        except ScoringError as exc:
            problems.extend(core_messages.describe_all(exc.problems))
        else:
            if core.price_criterion is not None and not price_items(tender):
                problems.append("Modellen har et priskriterium, men prisskjemaet har ingen poster.")
            elif price_items(tender):
                try:
                    price_schedule.evaluated_prices(core_price_schedule(tender), {})
                except price_schedule.PriceScheduleError as exc:
                    problems.extend(spec_messages.price_problems(exc))
    if problems:
        raise DomainError(problems[0], reasons={"": problems})
    text = json.dumps(frozen_model_json(tender), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    model.frozen_at = at
    model.frozen_by_id = getattr(actor, "id", None)
    model.frozen_hash = hashlib.sha256(text.encode("utf-8")).hexdigest()
    db.session.flush()
    audit.record(
        "evaluation.model_frozen",
        model,
        actor=actor,
        payload={"at": at.isoformat(), "sha256": model.frozen_hash},
    )
    return model
