"""State changes of the evaluation: the model (criteria tree, price schedule, method, scale) and its freeze,
individual scores, the consensus phase, minimum-requirement checks, rejection and the tie-break; and the
evaluation case built from it all for the pure core to compute.

Every function that changes state flushes and writes the audit trail; the caller commits once. No
arithmetic here beyond collecting inputs: points, totals and ranks come from ``tender.core.scoring``.
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

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from tender import audit, core_messages
from tender.bids.models import Bid, BidStatus
from tender.core import price_schedule
from tender.core.assignment import Scorers, scorers
from tender.core.scoring import (
    PRICE_METHODS,
    Bid as CoreBid,
    Criterion,
    CriterionKind,
    EvaluationCase,
    EvaluationResult,
    IndividualScore,
    RequirementCheck,
    RequirementStatus,
    ScoringError,
    ScoringModel,
    WeightRange,
    check_score,
    evaluate_case,
    make_price_method,
)
from tender.errors_domain import DomainError
from tender.evaluation.case import model_to_json
from tender.evaluation.models import (
    AwardCriterion,
    ConsensusScore,
    CriterionEvaluator,
    CriterionKindValue,
    EvaluationModel,
    IndividualScoreRow,
    MinimumRequirementCheck,
    Phase,
    PriceItem,
    PriceItemKind,
)
from tender.extensions import db
from tender.formatting import format_datetime
from tender.requirements.operations import specification_of
from tender.tenders.models import Role, Tender

KEY_CHARS = set("abcdefghijklmnopqrstuvwxyzæøåABCDEFGHIJKLMNOPQRSTUVWXYZÆØÅ0123456789_-.")


class ScoreConflict(DomainError):
    """Someone saved the same score after this user loaded it; ``current`` is what is stored now."""

    def __init__(self, message: str, current: Any) -> None:
        super().__init__(message)
        self.current = current


# -- reading ----------------------------------------------------------------------------------------------
def model_of(tender: Tender) -> EvaluationModel | None:
    return db.session.scalar(select(EvaluationModel).where(EvaluationModel.tender_id == tender.id))


def _default_model(tender: Tender) -> EvaluationModel:
    return EvaluationModel(tender_id=tender.id, scale_max=Decimal(10), allow_half_points=False,
                           price_method="linear", normalise=False, contract_period="4",
                           disagreement_threshold=Decimal(2), phase=Phase.INDIVIDUAL, tie_break_json="[]",
                           tie_break_reason="")


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
    rows = list(db.session.scalars(select(AwardCriterion).where(AwardCriterion.tender_id == tender.id)
                                   .options(selectinload(AwardCriterion.evaluators))
                                   .order_by(AwardCriterion.position, AwardCriterion.id)))
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
    return [r for r in leaves_of(rows) if _kind(r, rows) is CriterionKindValue.QUALITY]


def _kind(row: AwardCriterion, rows: Sequence[AwardCriterion]) -> CriterionKindValue:
    by_id = {r.id: r for r in rows}
    top = row
    while top.parent_id is not None:
        top = by_id[top.parent_id]
    return top.kind


def criterion_by_key(tender: Tender, key: str) -> AwardCriterion | None:
    return db.session.scalar(select(AwardCriterion).where(AwardCriterion.tender_id == tender.id,
                                                          AwardCriterion.key == key))


def price_items(tender: Tender) -> list[PriceItem]:
    return list(db.session.scalars(select(PriceItem).where(PriceItem.tender_id == tender.id)
                                   .order_by(PriceItem.position, PriceItem.id)))


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
    return [LevelSum(names.get(pid, "Toppnivå") if pid else "Toppnivå", sum((k.weight for k in kids), Decimal(0)),
                     tuple((k.name, k.weight) for k in kids)) for pid, kids in by_parent.items()]


# -- the model ----------------------------------------------------------------------------------------------
def _check_editable(model: EvaluationModel) -> None:
    if model.frozen_at is not None:
        raise DomainError(f"Evalueringsmodellen ble låst {format_datetime(model.frozen_at)} og kan ikke endres.")


@dataclass(frozen=True)
class ModelSettings:
    scale_max: Decimal
    allow_half_points: bool
    price_method: str
    price_k: Decimal | None
    nok_per_point: Decimal | None
    normalise: bool
    contract_period: str
    disagreement_threshold: Decimal


def update_settings(tender: Tender, settings: ModelSettings, *, actor: Any) -> EvaluationModel:
    model = ensure_model(tender)
    _check_editable(model)
    if settings.price_method not in PRICE_METHODS:
        raise DomainError("Ukjent prismetode.", field="price_method")
    try:
        make_price_method(settings.price_method, {k: Fraction(v) for k, v in
                                                  (("k", settings.price_k), ("nok_per_point", settings.nok_per_point))
                                                  if v is not None})
    except ScoringError:
        field = "price_k" if settings.price_method == "linear_zero_at" else "nok_per_point"
        raise DomainError("Metoden mangler en gyldig parameter (k > 1, eller kroner per poeng > 0).",
                          field=field) from None
    try:
        price_schedule.contract_years(settings.contract_period)
    except price_schedule.PriceScheduleError as exc:
        raise DomainError(exc.problems[0], field="contract_period") from None
    if not 0 < settings.scale_max <= 1000:
        raise DomainError("Skalaens maksimum må være over 0 og høyst 1000.", field="scale_max")
    if not 0 <= settings.disagreement_threshold <= 1000:
        raise DomainError("Terskelen må være mellom 0 og 1000 poeng.", field="disagreement_threshold")
    if settings.price_k is not None and settings.price_k > 1000:
        raise DomainError("k kan være høyst 1000.", field="price_k")
    model.scale_max = settings.scale_max
    model.allow_half_points = settings.allow_half_points
    model.price_method = settings.price_method
    model.price_k = settings.price_k
    model.nok_per_point = settings.nok_per_point
    model.normalise = settings.normalise
    model.contract_period = settings.contract_period.replace(" ", "")
    model.disagreement_threshold = settings.disagreement_threshold
    db.session.flush()
    audit.record("evaluation.settings_changed", model, actor=actor, payload={
        "scale_max": str(model.scale_max), "allow_half_points": model.allow_half_points,
        "price_method": model.price_method, "price_k": str(model.price_k), "nok_per_point": str(model.nok_per_point),
        "normalise": model.normalise, "contract_period": model.contract_period,
        "disagreement_threshold": str(model.disagreement_threshold)})
    return model


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
        raise DomainError("Oppgi både laveste og høyeste vekt i spennet, eller ingen av dem.", field="weight_min")
    if data.weight_min is not None and data.weight_max is not None and data.weight_min > data.weight_max:
        raise DomainError("Laveste vekt i spennet er over høyeste.", field="weight_min")
    if data.kind is CriterionKindValue.PRICE and parent is not None:
        raise DomainError("Priskriteriet må ligge på toppnivået.", field="kind")
    siblings = [r for r in criteria_of(tender) if r.parent_id == (parent.id if parent else None)]
    row = AwardCriterion(tender_id=tender.id, parent_id=parent.id if parent else None, key=key,
                         name=data.name.strip() or key, kind=data.kind if parent is None else parent.kind,
                         weight=data.weight, weight_min=data.weight_min, weight_max=data.weight_max,
                         documentation=data.documentation.strip(), position=len(siblings))
    db.session.add(row)
    db.session.flush()
    audit.record("evaluation.criterion_added", row, actor=actor, payload={
        "key": key, "name": row.name, "parent": data.parent_key, "kind": row.kind.value, "weight": str(row.weight),
        "weight_min": str(row.weight_min), "weight_max": str(row.weight_max)})
    return row


def update_criterion_weight(tender: Tender, row: AwardCriterion, weight: Decimal, *, actor: Any) -> None:
    _check_editable(ensure_model(tender))
    if weight < 0 or weight > 100:
        raise DomainError("Vekten må være mellom 0 og 100 %.", field="weight")
    old = row.weight
    row.weight = weight
    db.session.flush()
    audit.record("evaluation.criterion_weight_changed", row, actor=actor,
                 payload={"key": row.key, "from": str(old), "to": str(weight)})


def delete_criterion(tender: Tender, row: AwardCriterion, *, actor: Any) -> None:
    _check_editable(ensure_model(tender))
    key = row.key
    db.session.delete(row)
    db.session.flush()
    audit.record("evaluation.criterion_deleted", tender, actor=actor, payload={"key": key})


def evaluators_of(tender: Tender) -> list[Any]:
    """The tender's evaluators in the order they joined."""
    return [m.user for m in tender.memberships if m.role is Role.EVALUATOR]


def scoring_plan(tender: Tender, rows: Sequence[AwardCriterion] | None = None) -> dict[int, Scorers[int]]:
    """Criterion id → the ids of the evaluators who score it (tender.core.assignment's rule)."""
    rows = list(rows) if rows is not None else criteria_of(tender)
    return scorers({r.id: r.parent_id for r in rows}, {r.id: [e.user_id for e in r.evaluators] for r in rows},
                   [u.id for u in evaluators_of(tender)])


@dataclass(frozen=True)
class ScoringLine:
    """One quality criterion on the "who scores what" list."""

    criterion: AwardCriterion
    #: the names from the top, "Kvalitet › Arkivfunksjonalitet"
    path: str
    depth: int
    leaf: bool
    #: the people assigned directly to this criterion
    assigned_here: tuple[Any, ...]
    #: who scores it (leaves only; for a parent, its leaves say)
    who: tuple[Any, ...]
    #: someone is assigned here or above; False: every evaluator scores it
    by_assignment: bool
    #: individual scores already given on it or under it: its assignment can no longer change
    scores: int


@dataclass(frozen=True)
class WhoScores:
    lines: tuple[ScoringLine, ...]
    evaluators: tuple[Any, ...]
    #: evaluators with no criterion to score (every criterion is assigned to others)
    idle: tuple[Any, ...]
    #: quality leaves no one will score (only when the tender has no evaluator at all)
    unscored: tuple[AwardCriterion, ...]

    def summary(self) -> str:
        """One Norwegian sentence per fact, for the message shown when the model is locked."""
        if not self.evaluators:
            return ("Konkurransen har ingen evaluatorer ennå; alle evaluatorer som legges til, scorer alle "
                    "kvalitetskriteriene som ingen er tildelt.")
        parts = []
        for line in self.lines:
            if line.leaf:
                names = ", ".join(u.name for u in line.who)
                parts.append(f"{line.criterion.name}: {names}" if line.by_assignment
                             else f"{line.criterion.name}: alle evaluatorene ({names})")
        text = "Poengsetting – " + "; ".join(parts) + "." if parts else "Modellen har ingen kvalitetskriterier."
        if self.idle:
            text += " Uten kriterier å score: " + ", ".join(u.name for u in self.idle) + "."
        return text


def who_scores(tender: Tender) -> WhoScores:
    """Every quality criterion with who scores it, as the model page and the lock show it."""
    rows = criteria_of(tender)
    plan = scoring_plan(tender, rows)
    people = evaluators_of(tender)
    by_id = {u.id: u for u in people}
    depth = depth_of(rows)
    named = {r.id: r for r in rows}
    leaves = {r.id for r in leaves_of(rows)}
    counts = _score_counts(tender)
    children: dict[int | None, list[AwardCriterion]] = defaultdict(list)
    for r in rows:
        children[r.parent_id].append(r)

    def under(row: AwardCriterion) -> int:
        return counts.get(row.id, 0) + sum(under(c) for c in children.get(row.id, []))

    lines = []
    for r in rows:
        if _kind(r, rows) is not CriterionKindValue.QUALITY:
            continue
        found = plan[r.id]
        names, up = [r.name], r.parent_id
        while up is not None and up in named:
            names.insert(0, named[up].name)
            up = named[up].parent_id
        lines.append(ScoringLine(
            criterion=r, path=" › ".join(names), depth=depth[r.id], leaf=r.id in leaves,
            assigned_here=tuple(by_id[e.user_id] for e in r.evaluators if e.user_id in by_id),
            who=tuple(by_id[i] for i in found.who), by_assignment=found.assigned, scores=under(r)))
    busy = {u.id for line in lines if line.leaf for u in line.who}
    return WhoScores(tuple(lines), tuple(people), tuple(u for u in people if u.id not in busy),
                     tuple(line.criterion for line in lines if line.leaf and not line.who))


def _score_counts(tender: Tender) -> dict[int, int]:
    """Criterion id → how many individual scores exist on it."""
    # Through the criterion, not the bid: the model page shows this before the opening, when no request of the
    # group may read the bid table (issue 9: nothing, the time a response takes included, may depend on a bid).
    return {crit: n for crit, n in db.session.execute(
        select(IndividualScoreRow.criterion_id, func.count())
        .join(AwardCriterion, AwardCriterion.id == IndividualScoreRow.criterion_id)
        .where(AwardCriterion.tender_id == tender.id).group_by(IndividualScoreRow.criterion_id))}


def _check_assignment_changeable(tender: Tender, row: AwardCriterion) -> None:
    """An assignment decides whose individual scores count on a criterion: it may change (before or after
    the lock) only while no one has scored it, else scores already given would be orphaned or missing."""
    if row.tender_id != tender.id:
        raise DomainError("Kriteriet finnes ikke i konkurransen.")
    rows = criteria_of(tender)
    if _kind(row, rows) is not CriterionKindValue.QUALITY:
        raise DomainError("Priskriteriet scores ikke av evaluatorer; prisen regnes ut fra prisskjemaet.",
                          field="evaluator")
    line = next(line for line in who_scores(tender).lines if line.criterion.id == row.id)
    if line.scores:
        where = "på kriteriet" if line.leaf else "på underkriteriene"
        raise DomainError(f"Tildelingen på «{row.name}» kan ikke endres: det finnes allerede {line.scores} "
                          f"individuelle poeng {where}. En endring nå ville gjort poeng som er gitt, "
                          "ugyldige eller manglende.", field="evaluator")


def assign_evaluator(tender: Tender, row: AwardCriterion, user: Any, *, actor: Any) -> None:
    """Let ``user`` score ``row`` and everything under it; allowed after the lock while no one has scored it."""
    if Role.EVALUATOR not in tender.roles_of(user):
        raise DomainError("Personen er ikke evaluator i konkurransen.", field="evaluator")
    _check_assignment_changeable(tender, row)
    if any(e.user_id == user.id for e in row.evaluators):
        raise DomainError(f"{user.name} er allerede tildelt «{row.name}».", field="evaluator")
    row.evaluators.append(CriterionEvaluator(user_id=user.id))
    db.session.flush()
    model = model_of(tender)
    audit.record("evaluation.evaluator_assigned", row, actor=actor, payload={
        "key": row.key, "user": user.email, "after_lock": bool(model and model.frozen_at)})


def unassign_evaluator(tender: Tender, row: AwardCriterion, user: Any, *, actor: Any) -> None:
    """Take an assignment back; with no one left assigned, every evaluator scores the criterion again."""
    found = next((e for e in row.evaluators if e.user_id == user.id), None)
    if found is None:
        raise DomainError(f"{user.name} er ikke tildelt «{row.name}».", field="evaluator")
    _check_assignment_changeable(tender, row)
    row.evaluators.remove(found)
    db.session.flush()
    model = model_of(tender)
    audit.record("evaluation.evaluator_unassigned", row, actor=actor, payload={
        "key": row.key, "user": user.email, "after_lock": bool(model and model.frozen_at)})


def _check_price_schedule_editable(tender: Tender) -> None:
    """The price schedule is filled in by the vendors from the publication on: a deleted line would vanish from
    sealed bids (breaking their receipts), an added one would leave submitted bids incomplete. Asked before
    any bid is read, so the answer is the same whether bids exist or not."""
    _check_editable(ensure_model(tender))
    spec = specification_of(tender)
    if spec is not None and spec.published_version is not None:
        raise DomainError("Prisskjemaet kan ikke endres etter at kravspesifikasjonen er kunngjort: leverandørene "
                          "fyller det ut i tilbudene sine.")


def add_price_item(tender: Tender, *, name: str, kind: PriceItemKind, per_municipality: bool, actor: Any) -> PriceItem:
    _check_price_schedule_editable(tender)
    if not name.strip():
        raise DomainError("Gi posten et navn.", field="name")
    item = PriceItem(tender_id=tender.id, name=name.strip(), kind=kind, per_municipality=per_municipality,
                     position=len(price_items(tender)))
    db.session.add(item)
    db.session.flush()
    audit.record("evaluation.price_item_added", item, actor=actor, payload={
        "name": item.name, "kind": kind.value, "per_municipality": per_municipality})
    return item


def delete_price_item(tender: Tender, item: PriceItem, *, actor: Any) -> None:
    _check_price_schedule_editable(tender)
    name = item.name
    db.session.delete(item)
    db.session.flush()
    audit.record("evaluation.price_item_deleted", tender, actor=actor, payload={"name": name})


def _core_criterion(row: AwardCriterion, children: dict[int | None, list[AwardCriterion]],
                    model: EvaluationModel) -> Criterion:
    method = None
    kind = None
    if row.parent_id is None:
        kind = CriterionKind.PRICE if row.kind is CriterionKindValue.PRICE else CriterionKind.QUALITY
        if kind is CriterionKind.PRICE:
            params = {k: Fraction(v) for k, v in (("k", model.price_k), ("nok_per_point", model.nok_per_point))
                      if v is not None}
            method = make_price_method(model.price_method, params)
    weight_range = None
    if row.weight_min is not None and row.weight_max is not None:
        weight_range = WeightRange(Fraction(row.weight_min), Fraction(row.weight_max))
    return Criterion(
        id=row.key, weight=Fraction(row.weight), kind=kind, name=row.name, method=method,
        normalise=(model.normalise if row.parent_id is None and kind is CriterionKind.QUALITY else None),
        weight_range=weight_range,
        children=tuple(_core_criterion(c, children, model) for c in children.get(row.id, [])),
    )


def scoring_model(tender: Tender, rows: Sequence[AwardCriterion] | None = None,
                  model: EvaluationModel | None = None) -> ScoringModel:
    """The core's model of this tender; raises ScoringError listing every problem (sums shown)."""
    model = model or model_or_default(tender)
    rows = list(rows) if rows is not None else criteria_of(tender)
    children: dict[int | None, list[AwardCriterion]] = defaultdict(list)
    for r in rows:
        children[r.parent_id].append(r)
    return ScoringModel(criteria=tuple(_core_criterion(r, children, model) for r in children.get(None, [])),
                        scale_max=Fraction(model.scale_max), allow_half_points=model.allow_half_points)


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
        "disagreement_threshold": str(model.disagreement_threshold),
        "price_schedule": [{"name": i.name, "kind": i.kind.value, "per_municipality": i.per_municipality}
                           for i in price_items(tender)],
        "criteria_documentation": {r.key: r.documentation for r in criteria_of(tender)},
    }


def freeze(tender: Tender, *, at: datetime, actor: Any) -> EvaluationModel:
    """Lock the whole evaluation model with a timestamp; before the bids are opened, never undone."""
    from tender.bids.operations import opening_of

    model = ensure_model(tender)
    _check_editable(model)
    if opening_of(tender) is not None:
        raise DomainError("Tilbudene er allerede åpnet; modellen kan ikke låses nå.")
    rows = criteria_of(tender)
    if not rows:
        raise DomainError("Legg inn tildelingskriteriene før modellen låses.")
    problems: list[str] = []
    for level in level_sums(rows):
        if not level.ok:
            parts = " + ".join(f"{name} {w.normalize():f}" for name, w in level.parts)
            problems.append(f"Vektene under {level.parent} summerer til {level.total.normalize():f} %, "
                            f"ikke 100 % ({parts}).")
    if not problems:
        try:
            core = scoring_model(tender, rows)
        except ScoringError as exc:
            problems.extend(core_messages.describe_all(exc.problems))
        else:
            if core.price_criterion is not None and not price_items(tender):
                problems.append("Modellen har et priskriterium, men prisskjemaet har ingen poster.")
    if problems:
        raise DomainError(problems[0], reasons={"": problems})
    text = json.dumps(frozen_model_json(tender), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    model.frozen_at = at
    model.frozen_by_id = getattr(actor, "id", None)
    model.frozen_hash = hashlib.sha256(text.encode("utf-8")).hexdigest()
    db.session.flush()
    audit.record("evaluation.model_frozen", model, actor=actor,
                 payload={"at": at.isoformat(), "sha256": model.frozen_hash})
    return model


# -- prices --------------------------------------------------------------------------------------------------
def evaluated_price(tender: Tender, bid: Bid, items: Sequence[PriceItem] | None = None,
                    model: EvaluationModel | None = None) -> Fraction | None:
    """The bid's evaluated total cost over the contract period (core arithmetic); None when incomplete."""
    items = list(items) if items is not None else price_items(tender)
    model = model or model_or_default(tender)
    municipalities = {m.id: m.kommunenummer for m in tender.participating_municipalities}
    amounts = {(str(p.price_item_id), municipalities.get(p.municipality_id) if p.municipality_id else None): p.amount
               for p in bid.prices}
    core_items = [price_schedule.ScheduleItem(str(i.id), i.name, i.kind is PriceItemKind.YEARLY, i.per_municipality)
                  for i in items]
    try:
        return price_schedule.evaluated_total(core_items, amounts, model.contract_period,
                                              list(municipalities.values()))
    except price_schedule.PriceScheduleError:
        return None


# -- scores --------------------------------------------------------------------------------------------------
def _score_value(tender: Tender, raw: Decimal) -> Decimal:
    model = model_or_default(tender)
    core = ScoringModel(criteria=(Criterion(id="x", weight=Fraction(100)),), scale_max=Fraction(model.scale_max),
                        allow_half_points=model.allow_half_points)
    if not raw.is_finite() or check_score(Fraction(raw), core) is not None:
        steps = "hele eller halve poeng" if model.allow_half_points else "hele poeng"
        raise DomainError(f"Poengene må være mellom 0 og {model.scale_max.normalize():f}, i {steps}.", field="score")
    return raw


def may_score(tender: Tender, user: Any, criterion: AwardCriterion) -> bool:
    """An evaluator scores the criteria assigned to them (or under one) and every criterion assigned to no one."""
    if not tender.can_score(user):
        return False
    found = scoring_plan(tender).get(criterion.id)
    return found is not None and user.id in found.who


def leaves_to_score(tender: Tender, user: Any) -> list[AwardCriterion]:
    """The quality leaves ``user`` scores, in tree order."""
    if not tender.can_score(user):
        return []
    rows = criteria_of(tender)
    plan = scoring_plan(tender, rows)
    return [r for r in leaves_of(rows) if _kind(r, rows) is CriterionKindValue.QUALITY and user.id in plan[r.id].who]


def _check_scorable(tender: Tender, bid: Bid, criterion: AwardCriterion) -> EvaluationModel:
    from tender.bids.operations import opening_of

    model = ensure_model(tender)
    if opening_of(tender) is None:
        raise DomainError("Tilbudene er ikke åpnet.")
    if bid.tender_id != tender.id or bid.status is not BidStatus.SUBMITTED:
        raise DomainError("Tilbudet finnes ikke.")
    if criterion.tender_id != tender.id or criterion not in quality_leaves(tender):
        raise DomainError("Bare kvalitetskriterier uten underkriterier får poeng.")
    return model


def save_individual_score(tender: Tender, bid: Bid, criterion: AwardCriterion, *, evaluator: Any, score: Decimal,
                          justification: str, expected_version: int | None) -> IndividualScoreRow:
    """An evaluator's own score with its justification; ``expected_version`` is the version the evaluator
    loaded (None for a new score): a mismatch raises ScoreConflict instead of overwriting."""
    model = _check_scorable(tender, bid, criterion)
    if model.phase is not Phase.INDIVIDUAL:
        raise DomainError("Den individuelle fasen er avsluttet; poengene kan ikke endres nå.")
    if not may_score(tender, evaluator, criterion):
        raise DomainError(f"Du er ikke tildelt kriteriet «{criterion.name}».")
    value = _score_value(tender, score)
    if not justification.strip():
        raise DomainError("Skriv en begrunnelse for poengene.", field="justification")
    row = db.session.scalar(select(IndividualScoreRow).where(
        IndividualScoreRow.bid_id == bid.id, IndividualScoreRow.criterion_id == criterion.id,
        IndividualScoreRow.evaluator_id == evaluator.id))
    if row is None and expected_version:
        raise ScoreConflict("Poengene du endret finnes ikke lenger. Last siden på nytt.", None)
    if row is not None and row.lock_version != expected_version:
        raise ScoreConflict("Du har lagret disse poengene i et annet vindu etter at du åpnet siden. "
                            f"Lagret nå: {row.score.normalize():f} – «{row.justification}». "
                            "Se over og lagre på nytt.", row)
    if row is None:
        row = IndividualScoreRow(bid_id=bid.id, criterion_id=criterion.id, evaluator_id=evaluator.id,
                                 score=value, justification=justification.strip())
        db.session.add(row)
    else:
        row.score, row.justification = value, justification.strip()
    row.updated_at = _now()
    db.session.flush()
    audit.record("evaluation.score_saved", row, tender_id=tender.id, actor=evaluator, payload={
        "vendor": bid.vendor.name, "bid": bid.vendor.organisasjonsnummer, "criterion": criterion.key,
        "score": str(value)})
    return row


def _now() -> datetime:
    from tender.bids.operations import now

    return now()


def scores_by(tender: Tender, evaluator: Any) -> dict[tuple[int, int], IndividualScoreRow]:
    rows = db.session.scalars(select(IndividualScoreRow).join(Bid, Bid.id == IndividualScoreRow.bid_id)
                              .where(Bid.tender_id == tender.id, IndividualScoreRow.evaluator_id == evaluator.id))
    return {(r.bid_id, r.criterion_id): r for r in rows}


def all_individual_scores(tender: Tender) -> list[IndividualScoreRow]:
    return list(db.session.scalars(select(IndividualScoreRow).join(Bid, Bid.id == IndividualScoreRow.bid_id)
                                   .where(Bid.tender_id == tender.id)
                                   .options(selectinload(IndividualScoreRow.evaluator))
                                   .order_by(IndividualScoreRow.id)))


def consensus_scores(tender: Tender) -> dict[tuple[int, int], ConsensusScore]:
    rows = db.session.scalars(select(ConsensusScore).join(Bid, Bid.id == ConsensusScore.bid_id)
                              .where(Bid.tender_id == tender.id))
    return {(r.bid_id, r.criterion_id): r for r in rows}


@dataclass(frozen=True)
class Unscored:
    """A bid on a quality leaf that lacks individual scores when consensus is to open."""

    bid: Bid
    criterion: AwardCriterion
    #: the evaluators who score this criterion and have not scored this bid on it
    missing: tuple[Any, ...]
    #: no individual score at all
    none: bool


def unscored(tender: Tender) -> list[Unscored]:
    """Every bid and quality leaf with a score missing from someone who should have given one, bid by bid."""
    rows = criteria_of(tender)
    plan = scoring_plan(tender, rows)
    people = {u.id: u for u in evaluators_of(tender)}
    leaves = [r for r in leaves_of(rows) if _kind(r, rows) is CriterionKindValue.QUALITY]
    given: dict[tuple[int, int], set[int]] = defaultdict(set)
    for bid_id, crit_id, evaluator_id in db.session.execute(
            select(IndividualScoreRow.bid_id, IndividualScoreRow.criterion_id, IndividualScoreRow.evaluator_id)
            .join(Bid, Bid.id == IndividualScoreRow.bid_id).where(Bid.tender_id == tender.id)):
        given[(bid_id, crit_id)].add(evaluator_id)
    found = []
    for bid in opened_bids(tender):
        for leaf in leaves:
            scored = given.get((bid.id, leaf.id), set())
            missing = tuple(people[i] for i in plan[leaf.id].who if i not in scored)
            if missing or not scored:
                found.append(Unscored(bid, leaf, missing, none=not scored))
    return found


def open_consensus(tender: Tender, *, confirmed: bool, actor: Any) -> None:
    """End the individual phase. Only on the lead's explicit confirmation, given after seeing ``unscored``:
    the individual scores are locked from then on, so a gap cannot be filled afterwards."""
    from tender.bids.operations import opening_of

    model = ensure_model(tender)
    if opening_of(tender) is None:
        raise DomainError("Tilbudene er ikke åpnet.")
    if model.phase is Phase.CONSENSUS:
        raise DomainError("Konsensusfasen er allerede åpnet.")
    if not confirmed:
        raise DomainError("Bekreft at du har sett listen over manglende poeng og vil åpne konsensusfasen.",
                          field="confirm")
    gaps = unscored(tender)
    model.phase = Phase.CONSENSUS
    db.session.flush()
    audit.record("evaluation.consensus_opened", model, actor=actor, payload={
        "without_scores": [{"bid": case_bid_id(g.bid), "criterion": g.criterion.key} for g in gaps if g.none],
        "incomplete": [{"bid": case_bid_id(g.bid), "criterion": g.criterion.key,
                        "missing": [u.email for u in g.missing]} for g in gaps if not g.none]})


def save_consensus(tender: Tender, bid: Bid, criterion: AwardCriterion, *, score: Decimal, justification: str,
                   expected_version: int | None, actor: Any) -> ConsensusScore:
    model = _check_scorable(tender, bid, criterion)
    if model.phase is not Phase.CONSENSUS:
        raise DomainError("Konsensusfasen er ikke åpnet.")
    value = _score_value(tender, score)
    if not justification.strip():
        raise DomainError("Skriv en begrunnelse for konsensuspoengene.", field="justification")
    row = db.session.scalar(select(ConsensusScore).where(ConsensusScore.bid_id == bid.id,
                                                         ConsensusScore.criterion_id == criterion.id))
    if row is None and expected_version:
        raise ScoreConflict("Konsensuspoengene finnes ikke lenger. Last siden på nytt.", None)
    if row is not None and row.lock_version != expected_version:
        raise ScoreConflict("Noen andre har lagret konsensuspoeng her etter at du åpnet siden. "
                            f"Lagret nå: {row.score.normalize():f} – «{row.justification}». "
                            "Se over og lagre på nytt.", row)
    if row is None:
        row = ConsensusScore(bid_id=bid.id, criterion_id=criterion.id, score=value, justification=justification.strip())
        db.session.add(row)
    else:
        row.score, row.justification = value, justification.strip()
    row.set_by_id = getattr(actor, "id", None)
    row.updated_at = _now()
    db.session.flush()
    audit.record("evaluation.consensus_saved", row, tender_id=tender.id, actor=actor, payload={
        "vendor": bid.vendor.name, "bid": bid.vendor.organisasjonsnummer, "criterion": criterion.key,
        "score": str(value),
        "justification": row.justification})
    return row


# -- minimum requirements and rejection ------------------------------------------------------------------------
def requirement_checks(bid: Bid) -> dict[str, MinimumRequirementCheck]:
    return {c.requirement_key: c for c in db.session.scalars(
        select(MinimumRequirementCheck).where(MinimumRequirementCheck.bid_id == bid.id))}


def check_requirement(tender: Tender, bid: Bid, requirement_key: str, *, status: RequirementStatus, reason: str,
                      actor: Any) -> MinimumRequirementCheck:
    from tender.bids.operations import opening_of, published_spec
    from tender.core.spec import Kind

    if opening_of(tender) is None:
        raise DomainError("Tilbudene er ikke åpnet.")
    content = published_spec(tender)
    req = content.requirement(requirement_key) if content else None
    if req is None or req.kind is not Kind.MINSTEKRAV:
        raise DomainError("Kravet er ikke et minstekrav i den kunngjorte kravspesifikasjonen.")
    return _set_check(tender, bid, requirement_key, requirement_checks(bid).get(requirement_key), status=status,
                      reason=reason, actor=actor)


def _set_check(tender: Tender, bid: Bid, requirement_key: str, row: MinimumRequirementCheck | None, *,
               status: RequirementStatus, reason: str, actor: Any) -> MinimumRequirementCheck:
    """Store one checked minimum requirement (``row``: its current check, if any) and record it."""
    if status is not RequirementStatus.MET and not reason.strip():
        raise DomainError("Skriv en begrunnelse når kravet ikke er oppfylt eller må avklares.", field="reason")
    if row is None:
        row = MinimumRequirementCheck(bid_id=bid.id, requirement_key=requirement_key, status=status)
        db.session.add(row)
    row.status, row.reason = status, reason.strip()
    row.checked_by_id = getattr(actor, "id", None)
    row.checked_at = _now()
    db.session.flush()
    audit.record("evaluation.requirement_checked", row, tender_id=tender.id, actor=actor, payload={
        "vendor": bid.vendor.name, "bid": bid.vendor.organisasjonsnummer, "requirement": requirement_key,
        "status": status.value,
        "reason": row.reason})
    return row


def check_requirements(tender: Tender, bid: Bid, keys: Sequence[str], *, status: RequirementStatus, reason: str,
                       actor: Any, unassessed: bool = False) -> list[MinimumRequirementCheck]:
    """Several minimum requirements of one bid set at once, with one status and one justification; all or
    nothing (the caller rolls back on a refusal). Each is recorded as its own check, as if set alone.
    ``unassessed`` adds every minimum requirement of the bid not assessed yet (the usual "the rest are met")."""
    from tender.bids.operations import opening_of, published_spec
    from tender.core.spec import Kind

    content = published_spec(tender)
    kinds = {r.id: r.kind for r in content.requirements} if content is not None else {}
    picked = [k.strip() for k in keys if k.strip()]
    if unassessed:
        done = requirement_checks(bid)
        picked += [k for k, kind in kinds.items() if kind is Kind.MINSTEKRAV and k not in done]
    chosen = list(dict.fromkeys(picked))
    if not chosen:
        raise DomainError("Velg minst ett minstekrav i tabellen." if not unassessed
                          else "Alle minstekravene er allerede vurdert; velg dem du vil endre i tabellen.",
                          field="keys")
    wrong = [k for k in chosen if kinds.get(k) is not Kind.MINSTEKRAV]
    if wrong:
        raise DomainError(f"Ikke minstekrav i den kunngjorte kravspesifikasjonen: {', '.join(wrong)}.", field="keys")
    if opening_of(tender) is None:
        raise DomainError("Tilbudene er ikke åpnet.")
    # the specification and the bid's checks are read once, not once per requirement (79 in the base spec)
    done = requirement_checks(bid)
    return [_set_check(tender, bid, k, done.get(k), status=status, reason=reason, actor=actor) for k in chosen]


def reject_bid(tender: Tender, bid: Bid, *, reason: str, actor: Any) -> None:
    """Avvisning: a recorded decision with its reason; the bid leaves Pb/Ph and the ranking."""
    from tender.bids.operations import opening_of

    if opening_of(tender) is None or bid.tender_id != tender.id or bid.status is not BidStatus.SUBMITTED:
        raise DomainError("Bare åpnede tilbud kan avvises.")
    if bid.rejected:
        raise DomainError("Tilbudet er allerede avvist.")
    if not reason.strip():
        raise DomainError("Skriv begrunnelsen for avvisningen.", field="reason")
    bid.rejected = True
    bid.rejection_reason = reason.strip()
    bid.rejected_at = _now()
    bid.rejected_by_id = getattr(actor, "id", None)
    db.session.flush()
    audit.record("bid.rejected", bid, actor=actor, payload={
        "vendor": bid.vendor.name, "organisasjonsnummer": bid.vendor.organisasjonsnummer,
        "reason": bid.rejection_reason})


def undo_rejection(tender: Tender, bid: Bid, *, reason: str, actor: Any) -> None:
    """The way back from an avvisning decided by mistake, while the evaluation is open (the app has no award
    step yet that would close it): the bid returns to Pb/Ph and the ranking, and the trail keeps both the
    rejection and why it was undone."""
    from tender.bids.operations import opening_of

    if opening_of(tender) is None or bid.tender_id != tender.id or bid.status is not BidStatus.SUBMITTED:
        raise DomainError("Bare åpnede tilbud kan avvises og tas inn igjen.")
    if not bid.rejected:
        raise DomainError("Tilbudet er ikke avvist.")
    if not reason.strip():
        raise DomainError("Skriv hvorfor avvisningen angres.", field="reason")
    earlier = bid.rejection_reason
    bid.rejected = False
    bid.rejection_reason = ""
    bid.rejected_at = None
    bid.rejected_by_id = None
    db.session.flush()
    audit.record("bid.rejection_undone", bid, actor=actor, payload={
        "vendor": bid.vendor.name, "reason": reason.strip(), "rejection_reason": earlier})


def record_tie_break(tender: Tender, order: Sequence[str], *, reason: str, actor: Any) -> None:
    bids = {case_bid_id(b) for b in opened_bids(tender)}
    if any(o not in bids for o in order) or len(set(order)) != len(order):
        raise DomainError("Rekkefølgen må bestå av ulike tilbud i konkurransen.", field="order")
    if not reason.strip():
        raise DomainError("Skriv begrunnelsen for rekkefølgen.", field="reason")
    model = ensure_model(tender)
    model.tie_break_json = json.dumps(list(order))
    model.tie_break_reason = reason.strip()
    db.session.flush()
    audit.record("evaluation.tie_break_recorded", model, actor=actor, payload={"order": list(order), "reason": reason})


# -- the case for the core ----------------------------------------------------------------------------------------
def case_bid_id(bid: Bid) -> str:
    return bid.vendor.organisasjonsnummer


def opened_bids(tender: Tender) -> list[Bid]:
    from tender.bids.operations import opening_of

    if opening_of(tender) is None:
        return []
    return list(db.session.scalars(select(Bid).where(Bid.tender_id == tender.id, Bid.status == BidStatus.SUBMITTED)
                                   .options(selectinload(Bid.vendor), selectinload(Bid.prices))
                                   .order_by(Bid.id)))


@dataclass(frozen=True)
class Built:
    case: EvaluationCase | None
    result: EvaluationResult | None
    problems: tuple[str, ...]
    bids: tuple[Bid, ...]
    criteria: tuple[AwardCriterion, ...]
    prices: dict[int, Fraction | None]


def _individual_rows(tender: Tender) -> list[tuple[int, int, Decimal, str, str]]:
    """(bid id, criterion id, score, justification, evaluator name) as plain rows: thousands of them are
    read for an export, so no ORM objects are built."""
    from tender.auth.models import User

    return [tuple(r) for r in db.session.execute(  # type: ignore[misc]
        select(IndividualScoreRow.bid_id, IndividualScoreRow.criterion_id, IndividualScoreRow.score,
               IndividualScoreRow.justification, User.name)
        .join(Bid, Bid.id == IndividualScoreRow.bid_id).join(User, User.id == IndividualScoreRow.evaluator_id)
        .where(Bid.tender_id == tender.id).order_by(IndividualScoreRow.id))]


def build_case(tender: Tender, *, with_individual: bool = True) -> Built:
    """Collect the model, bids, consensus scores, checks and (for exports) the individual scores; evaluate
    with the core. The matrix page leaves the individual scores out: they do not change the result."""
    rows = criteria_of(tender)
    bids = opened_bids(tender)
    items = price_items(tender)
    model = model_or_default(tender)
    prices = {b.id: evaluated_price(tender, b, items, model) for b in bids}
    try:
        core_model = scoring_model(tender, rows, model)
    except ScoringError as exc:
        return Built(None, None, tuple(core_messages.describe_all(exc.problems)),
                     tuple(bids), tuple(rows), prices)
    by_criterion = {r.id: r for r in rows}
    consensus: dict[int, dict[str, Fraction]] = defaultdict(dict)
    for (bid_id, crit_id), c in consensus_scores(tender).items():
        consensus[bid_id][by_criterion[crit_id].key] = Fraction(c.score)
    individual: dict[int, list[IndividualScore]] = defaultdict(list)
    for bid_id, crit_id, score, justification, name in (_individual_rows(tender) if with_individual else ()):
        individual[bid_id].append(IndividualScore(name, by_criterion[crit_id].key, Fraction(score), justification))
    checks: dict[int, list[RequirementCheck]] = defaultdict(list)
    if bids:
        for c in db.session.scalars(select(MinimumRequirementCheck).where(
                MinimumRequirementCheck.bid_id.in_([b.id for b in bids])).order_by(MinimumRequirementCheck.id)):
            checks[c.bid_id].append(RequirementCheck(c.requirement_key, c.status, c.reason))
    core_bids = tuple(CoreBid(id=case_bid_id(b), name=b.vendor.name,
                              price=prices[b.id] if core_model.price_criterion is not None else None,
                              scores=consensus.get(b.id, {}), rejected=b.rejected,
                              rejection_reason=b.rejection_reason) for b in bids)
    case = EvaluationCase(
        model=core_model, bids=core_bids, tie_break=tuple(json.loads(model.tie_break_json)),
        individual_scores={case_bid_id(b): tuple(individual[b.id]) for b in bids if individual.get(b.id)},
        requirement_checks={case_bid_id(b): tuple(checks[b.id]) for b in bids if checks.get(b.id)},
        title=tender.title,
    )
    if not bids:
        return Built(case, None, ("Ingen åpnede tilbud ennå.",), tuple(bids), tuple(rows), prices)
    try:
        result = evaluate_case(case)
    except ScoringError as exc:
        return Built(case, None, tuple(core_messages.describe_all(exc.problems)),
                     tuple(bids), tuple(rows), prices)
    return Built(case, result, (), tuple(bids), tuple(rows), prices)
