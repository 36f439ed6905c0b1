"""State changes of the evaluation of the opened bids: individual scores under the evaluator assignments,
the consensus phase, minimum-requirement checks, rejection and the tie-break; and the evaluation case built
from it all for the pure core to compute. The model they are scored under is tender.evaluation_model's.

Every function that changes state flushes and writes the audit trail; the caller commits once. No
arithmetic here beyond collecting inputs: points, totals and ranks come from ``tender.core.scoring``.
"""

from __future__ import annotations

import dataclasses
import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from tender import audit
from tender.auth.models import User
from tender.bids.models import Bid, BidStatus
from tender.bids.operations import opening_of, published_spec
from tender.clock import now
from tender.core import price_schedule
from tender.core.scoring import (
    Bid as CoreBid,
)
from tender.core.scoring import (
    ConsensusRule,
    Criterion,
    CriterionKind,
    EvaluationCase,
    EvaluationResult,
    IndividualScore,
    RequirementCheck,
    RequirementStatus,
    ScoringError,
    ScoringModel,
    ThresholdFailure,
    check_score,
    evaluate_case,
    mean_score,
    threshold_failures,
)
from tender.core.spec import Kind
from tender.errors import DomainError
from tender.evaluation import events
from tender.evaluation.models import ConsensusScore, IndividualScoreRow, MinimumRequirementCheck
from tender.evaluation.permissions import score as score_permission
from tender.evaluation_model.models import (
    AwardCriterion,
    CriterionEvaluator,
    CriterionKindValue,
    EvaluationModel,
    Phase,
    PriceItem,
)
from tender.evaluation_model.operations import (
    core_price_schedule,
    criteria_of,
    depth_of,
    ensure_model,
    evaluators_of,
    kind_of,
    leaves_of,
    model_of,
    model_or_default,
    price_formula,
    price_items,
    quality_leaves,
    scoring_model,
    scoring_plan,
)
from tender.extensions import db
from tender.formatting import format_decimal
from tender.reports import model_wording
from tender.tenders.models import Role, Tender
from tender.web import core_messages, spec_messages


class ScoreConflict(DomainError):
    """Someone saved the same score after this user loaded it; ``current`` is what is stored now."""

    def __init__(self, message: str, current: Any) -> None:
        super().__init__(message)
        self.current = current


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
            return (
                "Konkurransen har ingen evaluatorer ennå; alle evaluatorer som legges til, scorer alle "
                "kvalitetskriteriene som ingen er tildelt."
            )
        parts = []
        for line in self.lines:
            if line.leaf:
                names = ", ".join(u.name for u in line.who)
                parts.append(
                    f"{line.criterion.name}: {names}"
                    if line.by_assignment
                    else f"{line.criterion.name}: alle evaluatorene ({names})"
                )
        text = (
            "Poengsetting – " + "; ".join(parts) + "." if parts else "Modellen har ingen kvalitetskriterier."
        )
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
        if kind_of(r, rows) is not CriterionKindValue.QUALITY:
            continue
        found = plan[r.id]
        names, up = [r.name], r.parent_id
        while up is not None and up in named:
            names.insert(0, named[up].name)
            up = named[up].parent_id
        lines.append(
            ScoringLine(
                criterion=r,
                path=" › ".join(names),
                depth=depth[r.id],
                leaf=r.id in leaves,
                assigned_here=tuple(by_id[e.user_id] for e in r.evaluators if e.user_id in by_id),
                who=tuple(by_id[i] for i in found.who),
                by_assignment=found.assigned,
                scores=under(r),
            )
        )
    busy = {u.id for line in lines if line.leaf for u in line.who}
    return WhoScores(
        tuple(lines),
        tuple(people),
        tuple(u for u in people if u.id not in busy),
        tuple(line.criterion for line in lines if line.leaf and not line.who),
    )


def _score_counts(tender: Tender) -> dict[int, int]:
    """Criterion id → how many individual scores exist on it."""
    # Through the criterion, not the bid: the model page shows this before the opening, when no request of the
    # group may read the bid table (issue 9: nothing, the time a response takes included, may depend on a
    # bid).
    return {
        crit: n
        for crit, n in db.session.execute(
            select(IndividualScoreRow.criterion_id, func.count())
            .join(AwardCriterion, AwardCriterion.id == IndividualScoreRow.criterion_id)
            .where(AwardCriterion.tender_id == tender.id)
            .group_by(IndividualScoreRow.criterion_id)
        )
    }


def _check_assignment_changeable(tender: Tender, row: AwardCriterion) -> None:
    """An assignment decides whose individual scores count on a criterion: it may change (before or after
    the lock) only while no one has scored it, else scores already given would be orphaned or missing."""
    if row.tender_id != tender.id:
        raise DomainError("Kriteriet finnes ikke i konkurransen.")
    rows = criteria_of(tender)
    if kind_of(row, rows) is not CriterionKindValue.QUALITY:
        raise DomainError(
            "Priskriteriet scores ikke av evaluatorer; prisen regnes ut fra prisskjemaet.", field="evaluator"
        )
    line = next(line for line in who_scores(tender).lines if line.criterion.id == row.id)
    if line.scores:
        where = "på kriteriet" if line.leaf else "på underkriteriene"
        raise DomainError(
            f"Tildelingen på «{row.name}» kan ikke endres: det finnes allerede {line.scores} "
            f"individuelle poeng {where}. En endring nå ville gjort poeng som er gitt, "
            "ugyldige eller manglende.",
            field="evaluator",
        )


def assign_evaluator(tender: Tender, row: AwardCriterion, user: Any, *, actor: Any) -> None:
    """Let ``user`` score ``row`` and everything under it; allowed after the lock while no one has scored
    it."""
    if Role.EVALUATOR not in tender.roles_of(user):
        raise DomainError("Personen er ikke evaluator i konkurransen.", field="evaluator")
    _check_assignment_changeable(tender, row)
    if any(e.user_id == user.id for e in row.evaluators):
        raise DomainError(f"{user.name} er allerede tildelt «{row.name}».", field="evaluator")
    row.evaluators.append(CriterionEvaluator(user_id=user.id))
    db.session.flush()
    model = model_of(tender)
    audit.record(
        "evaluation.evaluator_assigned",
        row,
        actor=actor,
        payload={"key": row.key, "user": user.email, "after_lock": bool(model and model.frozen_at)},
    )


def unassign_evaluator(tender: Tender, row: AwardCriterion, user: Any, *, actor: Any) -> None:
    """Take an assignment back; with no one left assigned, every evaluator scores the criterion again."""
    found = next((e for e in row.evaluators if e.user_id == user.id), None)
    if found is None:
        raise DomainError(f"{user.name} er ikke tildelt «{row.name}».", field="evaluator")
    _check_assignment_changeable(tender, row)
    row.evaluators.remove(found)
    db.session.flush()
    model = model_of(tender)
    audit.record(
        "evaluation.evaluator_unassigned",
        row,
        actor=actor,
        payload={"key": row.key, "user": user.email, "after_lock": bool(model and model.frozen_at)},
    )


# -- prices --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class BidPrices:
    """The evaluated price of every bid of a round, made by the core's ``evaluated_prices`` under the
    announced price schedule (life-cycle cost, basket or average; gaps filled or refused as announced).

    The bids that are not rejected are priced together (a gap is filled with the highest price among them);
    a rejected bid is priced with them for the record only. ``breakdown`` holds how each line enters a bid's
    price; a bid the schedule cannot price has none, and ``problems`` says why in Norwegian."""

    breakdown: dict[int, price_schedule.BidPrice]
    problems: tuple[str, ...] = ()
    highest: dict[tuple[str, str | None], Fraction] = dataclasses.field(default_factory=dict)
    #: the bids priced together (the others' gaps are filled from these)
    together: frozenset[int] = frozenset()

    def price(self, bid_id: int) -> Fraction | None:
        found = self.breakdown.get(bid_id)
        return found.price if found is not None else None

    def prices(self) -> dict[int, Fraction | None]:
        return {bid: found.price for bid, found in self.breakdown.items()}


def _bid_amounts(tender: Tender, bid: Bid) -> dict[tuple[str, str | None], Decimal]:
    municipalities = {m.id: m.kommunenummer for m in tender.participating_municipalities}
    return {
        (str(p.price_item_id), municipalities.get(p.municipality_id) if p.municipality_id else None): p.amount
        for p in bid.prices
    }


def _named(problem: price_schedule.PriceProblem, names: dict[int, str]) -> price_schedule.PriceProblem:
    """The problem with the bid named by its vendor (the core knows the bid by its id)."""
    bid = problem.values.get("bid")
    if bid is None or bid not in names:
        return problem
    return price_schedule.PriceProblem(problem.code, {**problem.values, "bid": names[bid]})


def bid_prices(
    tender: Tender,
    bids: Sequence[Bid],
    *,
    items: Sequence[PriceItem] | None = None,
    model: EvaluationModel | None = None,
    excluded: frozenset[int] = frozenset(),
) -> BidPrices:
    """Every bid's evaluated price under the tender's price schedule. The bids not rejected (and not in
    ``excluded``: bids below a quality threshold) are priced together; a bid whose own lines the schedule
    refuses (an incomplete bid under the "reject" rule) gets no price and is left out of the others' gaps."""
    schedule = core_price_schedule(tender, items, model)
    names = {b.id: b.vendor.name for b in bids}
    amounts = {b.id: _bid_amounts(tender, b) for b in bids}
    active = [b.id for b in bids if not b.rejected and b.id not in excluded]
    problems: list[str] = []
    result: price_schedule.EvaluatedPrices | None = None
    while True:
        try:
            result = price_schedule.evaluated_prices(schedule, {b: amounts[b] for b in active})
            break
        except price_schedule.PriceScheduleError as exc:
            problems += [spec_messages.price_problem(_named(p, names)) for p in exc.problems]
            culprits = {p.values.get("bid") for p in exc.problems} - {None}
            if not culprits or not culprits <= set(active):
                break  # the schedule itself (or a line no bid priced): no bid can be priced
            active = [b for b in active if b not in culprits]
    if result is None:
        return BidPrices({}, tuple(dict.fromkeys(problems)))
    breakdown = dict(result.bids)
    for b in bids:
        if b.id in breakdown:
            continue
        # a rejected (or failing) bid, priced with the others for the record: its price changes no one's
        try:
            alone = price_schedule.evaluated_prices(
                schedule, {**{a: amounts[a] for a in active}, b.id: amounts[b.id]}
            )
        except price_schedule.PriceScheduleError:
            continue
        breakdown[b.id] = alone.bids[b.id]
    return BidPrices(breakdown, tuple(dict.fromkeys(problems)), dict(result.highest), frozenset(active))


@dataclass(frozen=True)
class PriceView:
    """What a page needs to show how the evaluated prices are made: the schedule, the vendors that offered
    the highest price on each line (the source of a filled gap) and the municipalities' names."""

    schedule: price_schedule.PriceSchedule
    sources: dict[tuple[str, str | None], list[str]]
    municipalities: dict[str, str]
    formula: str


def price_view(tender: Tender, bids: Sequence[Bid], priced: BidPrices) -> PriceView:
    schedule = core_price_schedule(tender)
    names = {b.id: b.vendor.name for b in bids}
    sources: dict[tuple[str, str | None], list[str]] = defaultdict(list)
    for bid_id, found in priced.breakdown.items():
        for line in found.lines:
            cell = (line.line, line.municipality)
            if bid_id in priced.together and line.offered == priced.highest.get(cell):
                sources[cell].append(names[bid_id])
    return PriceView(
        schedule,
        dict(sources),
        {m.kommunenummer: m.name for m in tender.participating_municipalities},
        price_formula(model_or_default(tender)),
    )


def evaluated_price(
    tender: Tender, bid: Bid, items: Sequence[PriceItem] | None = None, model: EvaluationModel | None = None
) -> Fraction | None:
    """The bid's evaluated price (core arithmetic) among the opened bids of its round (alone before the
    opening); None when the schedule cannot price it."""
    others = [b for b in opened_bids(tender, bid.round_no) if b.id != bid.id] if bid.is_submitted else []
    return bid_prices(tender, [*others, bid], items=items, model=model).price(bid.id)


# -- scores --------------------------------------------------------------------------------------------------
def _score_value(tender: Tender, raw: Decimal) -> Decimal:
    model = model_or_default(tender)
    step = Decimal(model.scale_step if model.scale_step is not None else 1)
    core = ScoringModel(
        criteria=(Criterion(id="x", weight=Fraction(100)),),
        scale_max=Fraction(model.scale_max),
        scale_step=Fraction(step),
    )
    # the column keeps four decimals: more would be rounded silently, so they are refused
    too_fine = raw.is_finite() and raw.normalize().as_tuple().exponent < -4  # type: ignore[operator]
    if not raw.is_finite() or too_fine or check_score(Fraction(raw), core) is not None:
        raise DomainError(
            f"Poengene må være mellom 0 og {model.scale_max.normalize():f}, {_steps_text(step)}.",
            field="score",
        )
    return raw


def steps_text(model: EvaluationModel) -> str:
    """The scale and its step as the pages say it: "0–5 i trinn på 0,1"."""
    step = Decimal(model.scale_step if model.scale_step is not None else 1)
    return f"0–{format_decimal(model.scale_max, 4)} {_steps_text(step)}"


def _steps_text(step: Decimal) -> str:
    """The scale's step as the score messages say it."""
    if step == 1:
        return "i hele poeng"
    if step == Decimal("0.5"):
        return "i hele eller halve poeng"
    if step == 0:
        return "med høyst fire desimaler"
    return f"i trinn på {format_decimal(step, 4)}"


def may_score(tender: Tender, user: Any, criterion: AwardCriterion) -> bool:
    """An evaluator scores the criteria assigned to them (or under one) and every criterion assigned to no
    one."""
    if not score_permission(user, tender):
        return False
    found = scoring_plan(tender).get(criterion.id)
    return found is not None and user.id in found.who


def leaves_to_score(tender: Tender, user: Any) -> list[AwardCriterion]:
    """The quality leaves ``user`` scores, in tree order."""
    if not score_permission(user, tender):
        return []
    rows = criteria_of(tender)
    plan = scoring_plan(tender, rows)
    return [
        r
        for r in leaves_of(rows)
        if kind_of(r, rows) is CriterionKindValue.QUALITY and user.id in plan[r.id].who
    ]


def _check_scorable(tender: Tender, bid: Bid, criterion: AwardCriterion) -> EvaluationModel:
    model = ensure_model(tender)
    if opening_of(tender) is None:
        raise DomainError("Tilbudene er ikke åpnet.")
    if (
        bid.tender_id != tender.id
        or bid.round_no != tender.current_round  # an earlier round's bid stays as it was scored
        or bid.status is not BidStatus.SUBMITTED
    ):
        raise DomainError("Tilbudet finnes ikke.")
    if criterion.tender_id != tender.id or criterion not in quality_leaves(tender):
        raise DomainError("Bare kvalitetskriterier uten underkriterier får poeng.")
    return model


def save_individual_score(
    tender: Tender,
    bid: Bid,
    criterion: AwardCriterion,
    *,
    evaluator: Any,
    score: Decimal,
    justification: str,
    expected_version: int | None,
) -> IndividualScoreRow:
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
    row = db.session.scalar(
        select(IndividualScoreRow).where(
            IndividualScoreRow.bid_id == bid.id,
            IndividualScoreRow.criterion_id == criterion.id,
            IndividualScoreRow.evaluator_id == evaluator.id,
        )
    )
    if row is None and expected_version:
        raise ScoreConflict("Poengene du endret finnes ikke lenger. Last siden på nytt.", None)
    if row is not None and row.lock_version != expected_version:
        raise ScoreConflict(
            "Du har lagret disse poengene i et annet vindu etter at du åpnet siden. "
            f"Lagret nå: {row.score.normalize():f} – «{row.justification}». "
            "Se over og lagre på nytt.",
            row,
        )
    if row is None:
        row = IndividualScoreRow(
            bid_id=bid.id,
            criterion_id=criterion.id,
            evaluator_id=evaluator.id,
            score=value,
            justification=justification.strip(),
        )
        db.session.add(row)
    else:
        row.score, row.justification = value, justification.strip()
    row.updated_at = now()
    db.session.flush()
    audit.record(
        "evaluation.score_saved",
        row,
        tender_id=tender.id,
        actor=evaluator,
        payload={
            "vendor": bid.vendor.name,
            "bid": bid.vendor.organisasjonsnummer,
            "criterion": criterion.key,
            "score": str(value),
        },
    )
    return row


def scores_by(tender: Tender, evaluator: Any) -> dict[tuple[int, int], IndividualScoreRow]:
    rows = db.session.scalars(
        select(IndividualScoreRow)
        .join(Bid, Bid.id == IndividualScoreRow.bid_id)
        .where(
            Bid.tender_id == tender.id,
            Bid.round_no == tender.current_round,
            IndividualScoreRow.evaluator_id == evaluator.id,
        )
    )
    return {(r.bid_id, r.criterion_id): r for r in rows}


def all_individual_scores(tender: Tender) -> list[IndividualScoreRow]:
    return list(
        db.session.scalars(
            select(IndividualScoreRow)
            .join(Bid, Bid.id == IndividualScoreRow.bid_id)
            .where(Bid.tender_id == tender.id, Bid.round_no == tender.current_round)
            .options(selectinload(IndividualScoreRow.evaluator))
            .order_by(IndividualScoreRow.id)
        )
    )


def _round(tender: Tender, round_no: int | None) -> int:
    """The bid round a reading is about: the current one unless an earlier one is asked for (the negotiation's
    rounds side by side, tender.negotiation); earlier rounds' scores stay keyed on their own bids."""
    return tender.current_round if round_no is None else round_no


def consensus_scores(tender: Tender, round_no: int | None = None) -> dict[tuple[int, int], ConsensusScore]:
    rows = db.session.scalars(
        select(ConsensusScore)
        .join(Bid, Bid.id == ConsensusScore.bid_id)
        .where(Bid.tender_id == tender.id, Bid.round_no == _round(tender, round_no))
    )
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
    leaves = [r for r in leaves_of(rows) if kind_of(r, rows) is CriterionKindValue.QUALITY]
    given: dict[tuple[int, int], set[int]] = defaultdict(set)
    for bid_id, crit_id, evaluator_id in db.session.execute(
        select(IndividualScoreRow.bid_id, IndividualScoreRow.criterion_id, IndividualScoreRow.evaluator_id)
        .join(Bid, Bid.id == IndividualScoreRow.bid_id)
        .where(Bid.tender_id == tender.id, Bid.round_no == tender.current_round)
    ):
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
    model = ensure_model(tender)
    if opening_of(tender) is None:
        raise DomainError("Tilbudene er ikke åpnet.")
    if model.phase is Phase.CONSENSUS:
        raise DomainError("Konsensusfasen er allerede åpnet.")
    if not confirmed:
        raise DomainError(
            "Bekreft at du har sett listen over manglende poeng og vil åpne konsensusfasen.", field="confirm"
        )
    gaps = unscored(tender)
    model.phase = Phase.CONSENSUS
    db.session.flush()
    audit.record(
        "evaluation.consensus_opened",
        model,
        actor=actor,
        payload={
            "without_scores": [
                {"bid": case_bid_id(g.bid), "criterion": g.criterion.key} for g in gaps if g.none
            ],
            "incomplete": [
                {
                    "bid": case_bid_id(g.bid),
                    "criterion": g.criterion.key,
                    "missing": [u.email for u in g.missing],
                }
                for g in gaps
                if not g.none
            ],
        },
    )


def save_consensus(
    tender: Tender,
    bid: Bid,
    criterion: AwardCriterion,
    *,
    score: Decimal | None,
    justification: str,
    expected_version: int | None,
    actor: Any,
) -> ConsensusScore:
    """The group's consensus score with its justification. Under the mean rule the score is not typed: it is
    the exact mean of the individual scores (``score`` is ignored); the row keeps it rounded to four decimals
    for the record, and every computation takes the exact mean again (``build_case``)."""
    model = _check_scorable(tender, bid, criterion)
    if model.phase is not Phase.CONSENSUS:
        raise DomainError("Konsensusfasen er ikke åpnet.")
    mean: Fraction | None = None
    if model.consensus_rule == ConsensusRule.MEAN.value:
        found = individual_scores_on(bid, criterion)
        if not found:
            raise DomainError(
                f"«{criterion.name}» har ingen individuelle poeng for {bid.vendor.name}: gjennomsnittet "
                "kan ikke regnes ut."
            )
        mean = mean_score(Fraction(v) for v in found)
        value = _rounded(mean)
    else:
        if score is None:
            raise DomainError("Oppgi poeng.", field="score")
        value = _score_value(tender, score)
    if not justification.strip():
        raise DomainError("Skriv en begrunnelse for konsensuspoengene.", field="justification")
    row = db.session.scalar(
        select(ConsensusScore).where(
            ConsensusScore.bid_id == bid.id, ConsensusScore.criterion_id == criterion.id
        )
    )
    if row is None and expected_version:
        raise ScoreConflict("Konsensuspoengene finnes ikke lenger. Last siden på nytt.", None)
    if row is not None and row.lock_version != expected_version:
        raise ScoreConflict(
            "Noen andre har lagret konsensuspoeng her etter at du åpnet siden. "
            f"Lagret nå: {row.score.normalize():f} – «{row.justification}». "
            "Se over og lagre på nytt.",
            row,
        )
    if row is None:
        row = ConsensusScore(
            bid_id=bid.id, criterion_id=criterion.id, score=value, justification=justification.strip()
        )
        db.session.add(row)
    else:
        row.score, row.justification = value, justification.strip()
    row.set_by_id = getattr(actor, "id", None)
    row.updated_at = now()
    db.session.flush()
    audit.record(
        "evaluation.consensus_saved",
        row,
        tender_id=tender.id,
        actor=actor,
        payload={
            "vendor": bid.vendor.name,
            "bid": bid.vendor.organisasjonsnummer,
            "criterion": criterion.key,
            "score": str(value),
            "justification": row.justification,
            **({"rule": "mean", "mean": str(mean)} if mean is not None else {}),
        },
    )
    events.changed(tender, actor)
    return row


def _rounded(value: Fraction) -> Decimal:
    """A score as the four-decimal column keeps it (for the record; computations use the exact value)."""
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal("0.0001"))


def individual_scores_on(bid: Bid, criterion: AwardCriterion) -> list[Decimal]:
    """The individual scores given on one bid and quality leaf, in the order they were first saved."""
    return list(
        db.session.scalars(
            select(IndividualScoreRow.score)
            .where(IndividualScoreRow.bid_id == bid.id, IndividualScoreRow.criterion_id == criterion.id)
            .order_by(IndividualScoreRow.id)
        )
    )


# -- minimum requirements and rejection ----------------------------------------------------------------------
def requirement_checks(bid: Bid) -> dict[str, MinimumRequirementCheck]:
    return {
        c.requirement_key: c
        for c in db.session.scalars(
            select(MinimumRequirementCheck).where(MinimumRequirementCheck.bid_id == bid.id)
        )
    }


def check_requirement(
    tender: Tender, bid: Bid, requirement_key: str, *, status: RequirementStatus, reason: str, actor: Any
) -> MinimumRequirementCheck:
    if opening_of(tender) is None:
        raise DomainError("Tilbudene er ikke åpnet.")
    content = published_spec(tender)
    req = content.requirement(requirement_key) if content else None
    if req is None or req.kind is not Kind.MINSTEKRAV:
        raise DomainError("Kravet er ikke et minstekrav i den kunngjorte kravspesifikasjonen.")
    return _set_check(
        tender,
        bid,
        requirement_key,
        requirement_checks(bid).get(requirement_key),
        status=status,
        reason=reason,
        actor=actor,
    )


def _set_check(
    tender: Tender,
    bid: Bid,
    requirement_key: str,
    row: MinimumRequirementCheck | None,
    *,
    status: RequirementStatus,
    reason: str,
    actor: Any,
) -> MinimumRequirementCheck:
    """Store one checked minimum requirement (``row``: its current check, if any) and record it."""
    if status is not RequirementStatus.MET and not reason.strip():
        raise DomainError(
            "Skriv en begrunnelse når kravet ikke er oppfylt eller må avklares.", field="reason"
        )
    if row is None:
        row = MinimumRequirementCheck(bid_id=bid.id, requirement_key=requirement_key, status=status)
        db.session.add(row)
    row.status, row.reason = status, reason.strip()
    row.checked_by_id = getattr(actor, "id", None)
    row.checked_at = now()
    db.session.flush()
    audit.record(
        "evaluation.requirement_checked",
        row,
        tender_id=tender.id,
        actor=actor,
        payload={
            "vendor": bid.vendor.name,
            "bid": bid.vendor.organisasjonsnummer,
            "requirement": requirement_key,
            "status": status.value,
            "reason": row.reason,
        },
    )
    return row


def check_requirements(
    tender: Tender,
    bid: Bid,
    keys: Sequence[str],
    *,
    status: RequirementStatus,
    reason: str,
    actor: Any,
    unassessed: bool = False,
) -> list[MinimumRequirementCheck]:
    """Several minimum requirements of one bid set at once, with one status and one justification; all or
    nothing (the caller rolls back on a refusal). Each is recorded as its own check, as if set alone.
    ``unassessed`` adds every minimum requirement of the bid not assessed yet (the usual "the rest are
    met")."""
    content = published_spec(tender)
    kinds = {r.id: r.kind for r in content.requirements} if content is not None else {}
    picked = [k.strip() for k in keys if k.strip()]
    if unassessed:
        done = requirement_checks(bid)
        picked += [k for k, kind in kinds.items() if kind is Kind.MINSTEKRAV and k not in done]
    chosen = list(dict.fromkeys(picked))
    if not chosen:
        raise DomainError(
            "Velg minst ett minstekrav i tabellen."
            if not unassessed
            else "Alle minstekravene er allerede vurdert; velg dem du vil endre i tabellen.",
            field="keys",
        )
    wrong = [k for k in chosen if kinds.get(k) is not Kind.MINSTEKRAV]
    if wrong:
        raise DomainError(
            f"Ikke minstekrav i den kunngjorte kravspesifikasjonen: {', '.join(wrong)}.", field="keys"
        )
    if opening_of(tender) is None:
        raise DomainError("Tilbudene er ikke åpnet.")
    # the specification and the bid's checks are read once, not once per requirement (79 in the base spec)
    done = requirement_checks(bid)
    return [
        _set_check(tender, bid, k, done.get(k), status=status, reason=reason, actor=actor) for k in chosen
    ]


def reject_bid(tender: Tender, bid: Bid, *, reason: str, actor: Any) -> None:
    """Avvisning: a recorded decision with its reason; the bid leaves Pb/Ph and the ranking."""
    if opening_of(tender) is None or bid.tender_id != tender.id or bid.status is not BidStatus.SUBMITTED:
        raise DomainError("Bare åpnede tilbud kan avvises.")
    if bid.rejected:
        raise DomainError("Tilbudet er allerede avvist.")
    if not reason.strip():
        raise DomainError("Skriv begrunnelsen for avvisningen.", field="reason")
    bid.rejected = True
    bid.rejection_reason = reason.strip()
    bid.rejected_at = now()
    bid.rejected_by_id = getattr(actor, "id", None)
    db.session.flush()
    audit.record(
        "bid.rejected",
        bid,
        actor=actor,
        payload={
            "vendor": bid.vendor.name,
            "organisasjonsnummer": bid.vendor.organisasjonsnummer,
            "reason": bid.rejection_reason,
        },
    )
    events.changed(tender, actor)


def undo_rejection(tender: Tender, bid: Bid, *, reason: str, actor: Any) -> None:
    """The way back from an avvisning decided by mistake, while the evaluation is open (after the notices of
    award the award's listener refuses a change to the result they told of): the bid returns to Pb/Ph and the
    ranking, and the trail keeps both the rejection and why it was undone."""
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
    audit.record(
        "bid.rejection_undone",
        bid,
        actor=actor,
        payload={"vendor": bid.vendor.name, "reason": reason.strip(), "rejection_reason": earlier},
    )
    events.changed(tender, actor)


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
    audit.record(
        "evaluation.tie_break_recorded", model, actor=actor, payload={"order": list(order), "reason": reason}
    )
    events.changed(tender, actor)


# -- the case for the core -----------------------------------------------------------------------------------
def case_bid_id(bid: Bid) -> str:
    return bid.vendor.organisasjonsnummer


def opened_bids(tender: Tender, round_no: int | None = None) -> list[Bid]:
    if opening_of(tender, _round(tender, round_no)) is None:
        return []
    return list(
        db.session.scalars(
            select(Bid)
            .where(
                Bid.tender_id == tender.id,
                Bid.round_no == _round(tender, round_no),
                Bid.status == BidStatus.SUBMITTED,
            )
            .options(selectinload(Bid.vendor), selectinload(Bid.prices))
            .order_by(Bid.id)
        )
    )


@dataclass(frozen=True)
class Built:
    case: EvaluationCase | None
    result: EvaluationResult | None
    problems: tuple[str, ...]
    bids: tuple[Bid, ...]
    criteria: tuple[AwardCriterion, ...]
    prices: dict[int, Fraction | None]
    #: how each bid's evaluated price is made of its price schedule, and why a bid has none
    priced: BidPrices = dataclasses.field(default_factory=lambda: BidPrices({}))


def _individual_rows(tender: Tender, round_no: int | None = None) -> list[tuple[int, int, Decimal, str, str]]:
    """(bid id, criterion id, score, justification, evaluator name) as plain rows: thousands of them are
    read for an export, so no ORM objects are built."""
    return [
        tuple(r)
        for r in db.session.execute(  # type: ignore[misc]
            select(
                IndividualScoreRow.bid_id,
                IndividualScoreRow.criterion_id,
                IndividualScoreRow.score,
                IndividualScoreRow.justification,
                User.name,
            )
            .join(Bid, Bid.id == IndividualScoreRow.bid_id)
            .join(User, User.id == IndividualScoreRow.evaluator_id)
            .where(Bid.tender_id == tender.id, Bid.round_no == _round(tender, round_no))
            .order_by(IndividualScoreRow.id)
        )
    ]


def _case_scores(
    tender: Tender,
    rows: Sequence[AwardCriterion],
    model: EvaluationModel,
    core_model: ScoringModel,
    with_individual: bool,
    round_no: int | None,
) -> tuple[dict[int, dict[str, Fraction]], dict[int, list[IndividualScore]]]:
    """Each bid's consensus scores (by its id and the criterion's key) and, for exports, its individual
    scores. Under the mean rule the consensus is the exact mean of the individual scores, never the rounded
    value stored with the group's justification; it is made once the consensus phase has locked the
    individual scores (for an earlier round: always)."""
    by_criterion = {r.id: r for r in rows}
    mean_rule = core_model.consensus is ConsensusRule.MEAN
    given = _individual_rows(tender, round_no) if with_individual or mean_rule else []
    consensus: dict[int, dict[str, Fraction]] = defaultdict(dict)
    # an earlier round's individual scores were locked by its own consensus phase (a new round starts the
    # phase again for its own bids)
    locked = model.phase is Phase.CONSENSUS or (round_no is not None and round_no < tender.current_round)
    if mean_rule:
        if locked:
            found: dict[tuple[int, str], list[Fraction]] = defaultdict(list)
            for bid_id, crit_id, score, _, _ in given:
                found[(bid_id, by_criterion[crit_id].key)].append(Fraction(score))
            for (bid_id, key), scores in found.items():
                consensus[bid_id][key] = mean_score(scores)
    else:
        for (bid_id, crit_id), c in consensus_scores(tender, round_no).items():
            consensus[bid_id][by_criterion[crit_id].key] = Fraction(c.score)
    individual: dict[int, list[IndividualScore]] = defaultdict(list)
    for bid_id, crit_id, score, justification, name in given if with_individual else ():
        individual[bid_id].append(
            IndividualScore(name, by_criterion[crit_id].key, Fraction(score), justification)
        )
    return consensus, individual


def build_case(tender: Tender, *, with_individual: bool = True, round_no: int | None = None) -> Built:
    """Collect the model, bids, consensus scores, checks and (for exports) the individual scores; evaluate
    with the core. The matrix page leaves the individual scores out: they do not change the result. The
    current round's bids, or those of ``round_no`` (an earlier round, scored under the same frozen model).

    The evaluated prices are the core's, made of the price schedule over the bids not rejected; a bid the
    core rejects below a quality threshold leaves the prices too (a gap is then filled without it), so the
    case is evaluated once more with the prices made without it."""
    rows = criteria_of(tender)
    bids = opened_bids(tender, round_no)
    items = price_items(tender)
    model = model_or_default(tender)
    priced = bid_prices(tender, bids, items=items, model=model)
    built = _build_case(tender, rows, bids, model, priced, with_individual=with_individual, round_no=round_no)
    if built.result is None:
        return built
    below = frozenset(
        b.id
        for b in bids
        if not b.rejected
        and (found := built.result.get(case_bid_id(b))) is not None
        and found.threshold_failures
    )
    if not below or model.price_gaps != "highest":
        return built
    priced = bid_prices(tender, bids, items=items, model=model, excluded=below)
    return _build_case(tender, rows, bids, model, priced, with_individual=with_individual, round_no=round_no)


def _case_schedule(
    tender: Tender, model: EvaluationModel, bids: Sequence[Bid], priced: BidPrices, has_price: bool
) -> dict[str, Any]:
    """The price schedule as the case carries it: the announced schedule, every bid's amounts (its lines, so
    ``tender score`` on the exported case makes the same evaluated prices) and how the prices of the bids in
    the competition were made (the workbook's «Prisskjema» sheet). Nothing without a price criterion."""
    if not has_price or not priced.together:
        return {}
    schedule = core_price_schedule(tender, None, model)
    if not schedule.lines:
        return {}
    lines = {
        case_bid_id(b): {cell: Fraction(amount) for cell, amount in _bid_amounts(tender, b).items()}
        for b in bids
    }
    record = price_schedule.EvaluatedPrices(
        schedule,
        {
            case_bid_id(b): dataclasses.replace(priced.breakdown[b.id], bid=case_bid_id(b))
            for b in bids
            if b.id in priced.together and b.id in priced.breakdown
        },
        dict(priced.highest),
    )
    return {"price_schedule": schedule, "price_lines": lines, "schedule_prices": record}


def _build_case(
    tender: Tender,
    rows: list[AwardCriterion],
    bids: list[Bid],
    model: EvaluationModel,
    priced: BidPrices,
    *,
    with_individual: bool,
    round_no: int | None,
) -> Built:
    prices = priced.prices()
    for b in bids:
        prices.setdefault(b.id, None)

    def built(case: EvaluationCase | None, result: EvaluationResult | None, problems: Sequence[str]) -> Built:
        return Built(case, result, tuple(problems), tuple(bids), tuple(rows), prices, priced)

    try:
        core_model = scoring_model(tender, rows, model)
    except ScoringError as exc:
        return built(None, None, core_messages.describe_all(exc.problems))
    consensus, individual = _case_scores(tender, rows, model, core_model, with_individual, round_no)
    checks: dict[int, list[RequirementCheck]] = defaultdict(list)
    if bids:
        for c in db.session.scalars(
            select(MinimumRequirementCheck)
            .where(MinimumRequirementCheck.bid_id.in_([b.id for b in bids]))
            .order_by(MinimumRequirementCheck.id)
        ):
            checks[c.bid_id].append(RequirementCheck(c.requirement_key, c.status, c.reason))
    core_bids = tuple(
        CoreBid(
            id=case_bid_id(b),
            name=b.vendor.name,
            price=prices[b.id] if core_model.price_criterion is not None else None,
            scores=consensus.get(b.id, {}),
            rejected=b.rejected,
            rejection_reason=b.rejection_reason,
        )
        for b in bids
    )
    case = EvaluationCase(
        model=core_model,
        bids=core_bids,
        tie_break=tuple(json.loads(model.tie_break_json)),
        individual_scores={case_bid_id(b): tuple(individual[b.id]) for b in bids if individual.get(b.id)},
        requirement_checks={case_bid_id(b): tuple(checks[b.id]) for b in bids if checks.get(b.id)},
        title=tender.title,
        **_case_schedule(tender, model, bids, priced, core_model.price_criterion is not None),
    )
    if not bids:
        return built(case, None, ("Ingen åpnede tilbud ennå.",))
    try:
        result = evaluate_case(case)
    except ScoringError as exc:
        return built(case, None, [*priced.problems, *core_messages.describe_all(exc.problems)])
    return built(case, result, ())


# -- quality thresholds --------------------------------------------------------------------------------------
#: how a rejection for an announced quality threshold begins (the reason the bid page fills in)
BELOW_THRESHOLD = model_wording.THRESHOLD_REJECTION


@dataclass(frozen=True)
class ThresholdState:
    """A bid against the announced quality thresholds, judged on its consensus scores (exact)."""

    #: the thresholds it falls below (empty: it meets them all, or its scores are not complete)
    failures: tuple[ThresholdFailure, ...]
    #: «Under minstekravet til kvalitet: Arkivfunksjonalitet 2 av minst 3»; "" when it meets them
    text: str
    #: the bid is rejected: a decision is recorded
    rejected: bool
    #: rejected for a quality threshold, but its consensus scores now meet every threshold
    lifted: bool

    @property
    def decision_missing(self) -> bool:
        return bool(self.failures) and not self.rejected


def threshold_text(model: ScoringModel, failures: Sequence[ThresholdFailure]) -> str:
    """The thresholds a bid falls below, in words, each with the bid's points and the minimum: the one
    wording the bid page pre-fills as the rejection's reason and the award snapshot, the notice and the
    protocol use (``tender.reports.model_wording.threshold_rejection``)."""
    if not failures:
        return ""
    return model_wording.threshold_rejection(
        [(model.get(f.criterion_id).name if f.criterion_id else None, f.minimum, f.actual) for f in failures]
    )


def thresholds(built: Built) -> dict[int, ThresholdState]:
    """Every opened bid (by its id) against the announced quality thresholds; empty when the model announces
    none or cannot be built. A bid whose consensus scores are not all given is judged once they are."""
    if built.case is None or not built.case.model.has_thresholds:
        return {}
    model = built.case.model
    leaves = [p.id for p in model.leaves if p.kind is CriterionKind.QUALITY]
    core = {b.id: b for b in built.case.bids}
    found = {}
    for bid in built.bids:
        scored = core[case_bid_id(bid)]
        complete = all(k in scored.scores for k in leaves)
        failures = threshold_failures(model, scored) if complete else ()
        found[bid.id] = ThresholdState(
            failures=failures,
            text=threshold_text(model, failures),
            rejected=bid.rejected,
            lifted=bool(
                bid.rejected
                and complete
                and not failures
                and bid.rejection_reason.startswith(BELOW_THRESHOLD)
            ),
        )
    return found


def threshold_decisions_missing(tender: Tender) -> list[Bid]:
    """The current round's bids below an announced quality threshold whose rejection is not recorded."""
    built = build_case(tender, with_individual=False)
    states = thresholds(built)
    return [b for b in built.bids if b.id in states and states[b.id].decision_missing]
