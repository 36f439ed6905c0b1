"""The JSON scoring-case format (README.md, "Evaluation case format"): parse it into core types, write results
back.

Parsing collects every problem with its place (``criteria[1].children[0].weight``) before giving
up, so a user fixes a file in one round. Numbers are read as Decimal and turned into exact
fractions: 0.3 means three tenths, not the nearest binary float.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

from tender.core.price_schedule import (
    GAP_RULES,
    METHODS,
    BidPrice,
    EvaluatedPrices,
    PriceProblem,
    PriceSchedule,
    PriceScheduleError,
    ScheduleLine,
    evaluated_prices,
)
from tender.core.scoring import (
    PRICE_METHODS,
    Bid,
    BidResult,
    ConsensusRule,
    Criterion,
    CriterionKind,
    EvaluationCase,
    EvaluationResult,
    IndividualScore,
    Problem,
    RequirementCheck,
    RequirementStatus,
    ScoringError,
    ScoringModel,
    WeightRange,
    make_price_method,
    mean_consensus,
    threshold_failures,
)
from tender.core.scoring.errors import show
from tender.core.scoring.sensitivity import Sensitivity

TOP_KEYS = {
    "title",
    "scale_max",
    "allow_half_points",
    "scale_step",
    "consensus",
    "min_quality",
    "criteria",
    "bids",
    "tie_break",
    "price_schedule",
}


def method_parameters() -> tuple[str, ...]:
    """Every price method's parameters, from the registry: a method registered later brings its own keys."""
    return tuple(sorted({name for m in PRICE_METHODS.values() for name in m.parameter_names}))


def criterion_keys() -> set[str]:
    """The fields a criterion may have: its own and every registered price method's parameters."""
    return {
        "id",
        "name",
        "weight",
        "kind",
        "method",
        "normalise",
        "weight_min",
        "weight_max",
        "min_score",
        "children",
        *method_parameters(),
    }


#: the keys when this module was loaded (``criterion_keys()`` and ``method_parameters()`` follow the registry)
METHOD_PARAMETERS = method_parameters()
CRITERION_KEYS = criterion_keys()
BID_KEYS = {
    "id",
    "name",
    "price",
    "price_lines",
    "scores",
    "rejected",
    "rejection_reason",
    "individual_scores",
    "minimum_requirements",
}
SCHEDULE_KEYS = {"method", "lines", "period", "municipalities", "discount_rate_percent", "gaps"}
LINE_KEYS = {"id", "name", "quantity", "weight", "yearly", "per_municipality"}
INDIVIDUAL_KEYS = {"evaluator", "criterion", "score", "justification"}
REQUIREMENT_KEYS = {"id", "status", "reason"}
#: decimals carried in the JSON result (the task asks for at least 6)
DECIMALS = 10
#: no price, weight or score in a real tender comes near this; beyond it floats lose the cents
LARGEST_NUMBER = Decimal(10) ** 15
#: criteria nested deeper than this are a mistake in the file, not a scoring model
DEEPEST_LEVEL = 10


def load_case(path: Path) -> EvaluationCase:
    """Read and parse a case file; raises ScoringError naming the file or the place in it."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScoringError([CaseFileProblem(str(path), "no_such_file")]) from None
    except IsADirectoryError:
        raise ScoringError([CaseFileProblem(str(path), "is_a_directory")]) from None
    except UnicodeDecodeError:
        raise ScoringError([CaseFileProblem(str(path), "not_utf8")]) from None
    except OSError as exc:
        raise ScoringError([CaseFileProblem(str(path), "unreadable", {"reason": exc.strerror})]) from None
    return parse_case(loads(text, str(path)))


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def loads(text: str, source: str = "<case>") -> Any:
    """JSON with exact decimals; a syntax error becomes a ScoringError at ``source:line:column``."""
    try:
        return json.loads(text, parse_float=Decimal, parse_constant=_refuse_constant)
    except json.JSONDecodeError as exc:
        raise ScoringError(
            [CaseFileProblem(f"{source}:{exc.lineno}:{exc.colno}", "not_json", {"detail": exc.msg})]
        ) from None
    except RecursionError:
        raise ScoringError([CaseFileProblem(source, "nested_too_deeply")]) from None
    except ValueError as exc:
        raise ScoringError([CaseFileProblem(source, "not_json", {"detail": str(exc)})]) from None


_CASE_ENGLISH: dict[str, Callable[[Mapping[str, Any]], str]] = {
    "no_such_file": lambda v: "no such file",
    "is_a_directory": lambda v: "is a directory, not a case file",
    "not_utf8": lambda v: "is not UTF-8 text",
    "unreadable": lambda v: f"cannot be read ({v['reason']})",
    "not_json": lambda v: f"not valid JSON: {v['detail']}",
    "nested_too_deeply": lambda v: "nested too deeply to be a scoring case",
    "expected_object": lambda v: f"expected an object, got {_kind(v['got'])}",
    "unknown_field": lambda v: f"unknown field (known: {', '.join(v['known'])})",
    "expected_list": lambda v: f"expected a list, got {_kind(v['got'])}",
    "expected_number": lambda v: f"expected a number, got {_kind(v['got'])}",
    "not_finite": lambda v: f"expected a finite number, got {v['value']}",
    "too_large": lambda v: f"{v['value']} is too large (the limit is 10^15)",
    "required": lambda v: "is required",
    "empty": lambda v: "must not be empty",
    "expected_text": lambda v: f"expected text, got {_kind(v['got'])}",
    "expected_flag": lambda v: f"expected true or false, got {_kind(v['got'])}",
    "no_bids": lambda v: "there must be at least one bid",
    "expected_bid_id": lambda v: f"expected a bid id, got {_kind(v['got'])}",
    "parameter_without_method": lambda v: "only a price criterion with a method takes this parameter",
    "nested_too_deep": lambda v: f"criteria may be nested at most {v['limit']} levels deep",
    "empty_children": lambda v: "an empty list: leave the field out for a criterion without sub-criteria",
    "unknown_kind": lambda v: f"'{v['value']}' is not a kind (price or quality)",
    "range_incomplete": lambda v: "an announced range needs both weight_min and weight_max",
    "expected_scores": lambda v: f"expected an object of criterion id → score, got {_kind(v['got'])}",
    "unknown_status": lambda v: f"'{v['value']}' is not a status (met, not_met, clarify)",
    "unknown_consensus": lambda v: f"'{v['value']}' is not a consensus rule (agreed or mean)",
    "price_and_lines": lambda v: "give either price or price_lines, not both",
    "lines_without_schedule": lambda v: "price_lines need a price_schedule at the top level of the case",
    "price_with_schedule": lambda v: (
        "the case has a price_schedule: give this bid's price_lines instead of a price"
    ),
    "lines_missing": lambda v: "price_lines are required (the case has a price_schedule)",
    "expected_lines": lambda v: (
        f"expected an object of line id → amount (or kommunenummer → amount), got {_kind(v['got'])}"
    ),
}


def _cell(v: Mapping[str, Any]) -> str:
    where = f"line '{v['line']}'"
    return where + (f" for municipality {v['municipality']}" if v.get("municipality") else "")


#: the price schedule's codes (``tender.core.price_schedule``) in English, for ``tender score``
_SCHEDULE_ENGLISH: dict[str, Callable[[Mapping[str, Any]], str]] = {
    "unknown_method": lambda v: f"'{v['method']}' is not a price evaluation method ({', '.join(METHODS)})",
    "unknown_gap_rule": lambda v: f"'{v['gaps']}' is not a gap rule ({', '.join(GAP_RULES)})",
    "no_items": lambda v: "the price schedule needs at least one line",
    "period_malformed": lambda v: (
        f"'{v['period']}' is not a contract period like \"4+1+1\" (years, options included)"
    ),
    "not_a_number": lambda v: f"the {v['what']} must be a number, not {v['value']!r}",
    "rate_negative": lambda v: f"the discount rate cannot be negative ({show(Fraction(v['rate']))} %)",
    "rate_too_high": lambda v: f"the discount rate {show(Fraction(v['rate']))} % is above 100 %",
    "rate_without_life_cycle": lambda v: "a discount rate applies to a life_cycle cost only",
    "duplicate_municipality": lambda v: f"municipality {v['municipality']} is listed twice",
    "duplicate_line": lambda v: f"the line id '{v['line']}' is already used",
    "quantity_negative": lambda v: f"the quantity cannot be negative ({show(Fraction(v['quantity']))})",
    "weight_negative": lambda v: f"the weight cannot be negative ({show(Fraction(v['weight']))})",
    "yearly_without_life_cycle": lambda v: "a yearly line belongs to a life_cycle cost only",
    "no_municipalities": lambda v: "a per-municipality line needs the schedule's municipalities",
    "weights_zero": lambda v: "the lines' weights sum to 0: an average needs some weight",
    "unknown_line": lambda v: f"there is no line '{v['line']}' in the price schedule",
    "municipality_missing": lambda v: f"{_cell(v)} is priced per municipality: give kommunenummer → amount",
    "municipality_unknown": lambda v: (
        f"municipality {v['municipality']} is not one of the schedule's municipalities for line '{v['line']}'"
        " (or the line is not priced per municipality)"
    ),
    "amount_negative": lambda v: f"the amount on {_cell(v)} cannot be negative",
    "line_unpriced": lambda v: (
        f"no bid in the competition prices {_cell(v)}: nothing to evaluate or to fill a gap with"
    ),
    "amount_missing": lambda v: (
        f"no price on {_cell(v)}; the gap rule is reject, so every bid must price every line"
    ),
}


@dataclass(frozen=True)
class CaseFileProblem(Problem):
    """A problem with the case file itself, before there is a model to check.

    Only ``tender score`` reads case files, and its messages are English (README, "Evaluation case
    format"), so these codes are worded here and not in the web layer's Norwegian.
    """

    @property
    def message(self) -> str:
        return _CASE_ENGLISH[self.code](self.values)


@dataclass(frozen=True)
class ScheduleProblem(Problem):
    """A problem the price schedule core found (``PriceProblem``), at its place in the case file:
    ``price_schedule.lines[1].quantity``, ``bids[2].price_lines.drift``."""

    @property
    def message(self) -> str:
        return _SCHEDULE_ENGLISH[self.code](self.values)


class _Reader:
    """Typed field access that records a problem, instead of raising, for every wrong field."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def problem(self, place: str, code: str, **values: Any) -> None:
        self.problems.append(CaseFileProblem(place, code, values))

    def obj(self, value: Any, place: str, allowed: set[str]) -> dict[str, Any] | None:
        if not isinstance(value, dict):
            self.problem(place, "expected_object", got=value)
            return None
        for key in value:
            if key not in allowed:
                self.problem(
                    f"{place}.{key}" if place else key, "unknown_field", known=tuple(sorted(allowed))
                )
        return value

    def array(self, value: Any, place: str) -> list[Any]:
        if not isinstance(value, list):
            self.problem(place, "expected_list", got=value)
            return []
        return value

    def number(self, data: Mapping[str, Any], key: str, place: str) -> Fraction | None:
        value = data.get(key)
        if value is None:
            return None
        if isinstance(value, float):
            # parse_case may get data decoded without parse_float=Decimal: take the float's shortest
            # decimal spelling, which is what the file said (0.3, not 0.299999999999999988897…)
            value = Decimal(repr(value))
        if isinstance(value, bool) or not isinstance(value, int | Decimal):
            self.problem(place, "expected_number", got=value)
            return None
        if isinstance(value, Decimal) and not value.is_finite():
            self.problem(place, "not_finite", value=value)
            return None
        if abs(value) >= LARGEST_NUMBER:
            self.problem(place, "too_large", value=value)
            return None
        return Fraction(value)

    def text(self, data: Mapping[str, Any], key: str, place: str, required: bool = False) -> str:
        value = data.get(key)
        if value is None:
            if required:
                self.problem(place, "required")
            return ""
        if not isinstance(value, str):
            self.problem(place, "expected_text", got=value)
            return ""
        if required and not value.strip():
            self.problem(place, "empty")
        return value

    def flag(self, data: Mapping[str, Any], key: str, place: str) -> bool | None:
        value = data.get(key)
        if value is None or isinstance(value, bool):
            return value
        self.problem(place, "expected_flag", got=value)
        return None

    def each(
        self, value: Any, place: str, allowed: set[str], parse: Callable[[dict[str, Any], str], Any]
    ) -> list[Any]:
        parsed = []
        for i, item in enumerate(self.array(value, place)):
            data = self.obj(item, f"{place}[{i}]", allowed)
            if data is not None:
                parsed.append(parse(data, f"{place}[{i}]"))
        return parsed


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | Decimal | float):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the text {json.dumps(value, ensure_ascii=False)}"
    return "a list" if isinstance(value, list) else "an object"


def parse_case(data: Any) -> EvaluationCase:
    """Turn decoded JSON into an EvaluationCase; raises ScoringError with every problem found.

    The model's rules (weights summing, ranges, kinds, methods, the scale's step, thresholds) are checked
    here; the bids against the model are checked by ``evaluate_case``. With a ``price_schedule`` each bid's
    price is made from its ``price_lines`` by the core (``tender.core.price_schedule.evaluated_prices``).
    """
    r = _Reader()
    top = r.obj(data, "", TOP_KEYS)
    if top is None:
        raise ScoringError(r.problems)
    keys = criterion_keys()
    criteria = tuple(r.each(top.get("criteria"), "criteria", keys, lambda d, p: _criterion(r, d, p, keys)))
    if "criteria" not in top:
        r.problem("criteria", "required")
    scale_max = r.number(top, "scale_max", "scale_max")
    half = r.flag(top, "allow_half_points", "allow_half_points")
    step = r.number(top, "scale_step", "scale_step")
    consensus = _consensus(r, top)
    min_quality = r.number(top, "min_quality", "min_quality")
    schedule = _schedule(r, top["price_schedule"]) if "price_schedule" in top else None
    parsed_bids = r.each(
        top.get("bids"), "bids", BID_KEYS, lambda d, p: _bid(r, d, p, with_schedule=schedule is not None)
    )
    if "bids" not in top:
        r.problem("bids", "required")
    elif not parsed_bids and not r.problems:
        r.problem("bids", "no_bids")
    tie_break = tuple(_strings(r, top.get("tie_break", []), "tie_break"))
    if r.problems:
        raise ScoringError(r.problems)
    model = ScoringModel(
        criteria,
        scale_max if scale_max is not None else Fraction(10),
        bool(half),
        scale_step=step,
        consensus=consensus,
        min_quality=min_quality,
    )
    case = EvaluationCase(
        model,
        tuple(b for b, _, _, _ in parsed_bids),
        tie_break,
        individual_scores={b.id: scores for b, scores, _, _ in parsed_bids if scores},
        requirement_checks={b.id: checks for b, _, checks, _ in parsed_bids if checks},
        title=r.text(top, "title", "title"),
    )
    if schedule is None:
        return case
    return priced_by_schedule(
        case, schedule, {b.id: lines for b, _, _, lines in parsed_bids if lines is not None}
    )


def _consensus(r: _Reader, top: Mapping[str, Any]) -> ConsensusRule:
    raw = r.text(top, "consensus", "consensus")
    if not raw:
        return ConsensusRule.AGREED
    try:
        return ConsensusRule(raw)
    except ValueError:
        r.problem("consensus", "unknown_consensus", value=raw)
        return ConsensusRule.AGREED


def _schedule(r: _Reader, value: Any) -> PriceSchedule | None:
    place = "price_schedule"
    data = r.obj(value, place, SCHEDULE_KEYS)
    if data is None:
        return None
    method = r.text(data, "method", f"{place}.method", required=True)
    lines = r.each(data.get("lines"), f"{place}.lines", LINE_KEYS, lambda d, p: _schedule_line(r, d, p))
    if "lines" not in data:
        r.problem(f"{place}.lines", "required")
    municipalities = tuple(
        _texts(r, data.get("municipalities", []), f"{place}.municipalities", "expected_text")
    )
    return PriceSchedule(
        method=method,
        lines=tuple(lines),
        period=r.text(data, "period", f"{place}.period"),
        municipalities=municipalities,
        discount_rate=r.number(data, "discount_rate_percent", f"{place}.discount_rate_percent"),
        gaps=r.text(data, "gaps", f"{place}.gaps") or "reject",
    )


def _schedule_line(r: _Reader, data: Mapping[str, Any], place: str) -> ScheduleLine:
    line_id = r.text(data, "id", f"{place}.id", required=True)
    quantity = r.number(data, "quantity", f"{place}.quantity")
    weight = r.number(data, "weight", f"{place}.weight")
    return ScheduleLine(
        id=line_id,
        name=r.text(data, "name", f"{place}.name") or line_id,
        quantity=Fraction(1) if quantity is None else quantity,
        weight=Fraction(1) if weight is None else weight,
        yearly=bool(r.flag(data, "yearly", f"{place}.yearly")),
        per_municipality=bool(r.flag(data, "per_municipality", f"{place}.per_municipality")),
    )


Cell = tuple[str, str | None]


def _price_lines(r: _Reader, value: Any, place: str) -> dict[Cell, Fraction]:
    """``{"line": amount}`` or ``{"line": {"kommunenummer": amount}}``; null (or a line left out) is a gap."""
    if not isinstance(value, dict):
        r.problem(place, "expected_lines", got=value)
        return {}
    found: dict[Cell, Fraction] = {}
    for line_id, amount in value.items():
        cells: dict[str | None, Any] = amount if isinstance(amount, dict) else {None: amount}
        for municipality, each in cells.items():
            if each is None:
                continue  # a gap, said out loud
            where = f"{place}.{line_id}" + (f".{municipality}" if municipality is not None else "")
            n = r.number({"amount": each}, "amount", where)
            if n is not None:
                found[(line_id, municipality)] = n
    return found


def priced_by_schedule(
    case: EvaluationCase, schedule: PriceSchedule, lines: Mapping[str, Mapping[Cell, Fraction]]
) -> EvaluationCase:
    """The case with every bid's price made from its schedule lines by the core, and the record of how.

    The bids in the competition (not rejected, and above every quality threshold, judged on the consensus
    scores the evaluation will use) make the evaluated prices together: a gap is filled from them alone. A
    bid out of the competition gets its price as offered, its gaps filled from the bids in it, for the
    record only. Problems are raised as ScoringError at their place in the case.
    """
    index = {b.id: i for i, b in enumerate(case.bids)}
    consensus, _ = mean_consensus(case)  # its problems are the evaluation's to report
    out = {b.id for b in consensus if b.rejected or threshold_failures(case.model, b)}
    ids: dict[Any, str] = {i: b.id for i, b in enumerate(case.bids)}
    #: keyed by the bid's index, so a problem names ``bids[i]``
    active: dict[Any, Mapping[Cell, Any]] = {index[b]: own for b, own in lines.items() if b not in out}
    problems: list[Problem] = []
    priced: dict[str, BidPrice] = {}
    highest: Mapping[Cell, Fraction] = {}
    try:
        found = evaluated_prices(schedule, active)
        priced.update({ids[i]: replace(p, bid=ids[i]) for i, p in found.bids.items()})
        highest = found.highest
    except PriceScheduleError as exc:
        problems.extend(_schedule_problems(exc.problems, schedule, case.bids))
    if not problems:
        filling = PriceSchedule(
            schedule.method,
            schedule.lines,
            schedule.period,
            schedule.municipalities,
            schedule.discount_rate,
            "highest",
        )
        for bid_id, own in lines.items():
            if bid_id not in out:
                continue
            try:
                alone = evaluated_prices(filling, {**active, index[bid_id]: own})
            except PriceScheduleError as exc:
                # a line nobody in the competition priced leaves an out-of-competition gap unfillable: it then
                # simply has no price on record; its own bad amounts are still errors
                own_problems = [p for p in exc.problems if p.code != "line_unpriced"]
                problems.extend(_schedule_problems(own_problems, schedule, case.bids))
                continue
            priced[bid_id] = replace(alone[index[bid_id]], bid=bid_id)
    if problems:
        raise ScoringError(problems)
    bids = tuple(replace(b, price=priced[b.id].price) if b.id in priced else b for b in case.bids)
    record = EvaluatedPrices(schedule, {b: p for b, p in priced.items()}, highest)
    return replace(case, bids=bids, price_schedule=schedule, price_lines=dict(lines), schedule_prices=record)


def _schedule_problems(
    problems: Sequence[PriceProblem], schedule: PriceSchedule, bids: Sequence[Bid]
) -> list[Problem]:
    """The price schedule's problems at their places in the case file (bids are keyed by their index)."""
    line_index = {line.id: i for i, line in enumerate(schedule.lines)}
    found: list[Problem] = []
    for p in problems:
        v = dict(p.values)
        top = "price_schedule"
        line_at = f"{top}.lines[{line_index.get(v.get('line', ''), 0)}]"
        if "bid" in v:
            bid = v["bid"]
            v["bid"] = bids[bid].id if isinstance(bid, int) else bid
            cell = f"bids[{bid}].price_lines.{v['line']}"
            if v.get("municipality") and p.code != "municipality_missing":
                cell += f".{v['municipality']}"
            place = cell
        elif p.code in (
            "quantity_negative",
            "weight_negative",
            "duplicate_line",
            "yearly_without_life_cycle",
            "no_municipalities",
        ):
            field = {
                "quantity_negative": "quantity",
                "weight_negative": "weight",
                "duplicate_line": "id",
                "yearly_without_life_cycle": "yearly",
                "no_municipalities": "per_municipality",
            }[p.code]
            place = f"{line_at}.{field}"
        elif p.code == "not_a_number" and v.get("what") in ("quantity", "weight"):
            place = f"{line_at}.{v['what']}"
        elif p.code == "line_unpriced":
            place = line_at
        else:
            place = {
                "unknown_method": f"{top}.method",
                "unknown_gap_rule": f"{top}.gaps",
                "no_items": f"{top}.lines",
                "weights_zero": f"{top}.lines",
                "period_malformed": f"{top}.period",
                "rate_negative": f"{top}.discount_rate_percent",
                "rate_too_high": f"{top}.discount_rate_percent",
                "rate_without_life_cycle": f"{top}.discount_rate_percent",
                "not_a_number": f"{top}.discount_rate_percent",
                "duplicate_municipality": f"{top}.municipalities",
            }.get(p.code, top)
        found.append(ScheduleProblem(place, p.code, v))
    return found


def _texts(r: _Reader, value: Any, place: str, code: str) -> list[str]:
    items = r.array(value, place)
    for i, item in enumerate(items):
        if not isinstance(item, str):
            r.problem(f"{place}[{i}]", code, got=item)
    return [i for i in items if isinstance(i, str)]


def _strings(r: _Reader, value: Any, place: str) -> list[str]:
    items = r.array(value, place)
    for i, item in enumerate(items):
        if not isinstance(item, str):
            r.problem(f"{place}[{i}]", "expected_bid_id", got=item)
    return [i for i in items if isinstance(i, str)]


def _criterion(r: _Reader, data: dict[str, Any], place: str, keys: set[str], depth: int = 1) -> Criterion:
    kind = _criterion_kind(r, data, place)
    method_name = r.text(data, "method", f"{place}.method")
    method = None
    parameters = method_parameters()
    if method_name:
        params = {k: v for k in parameters if (v := r.number(data, k, f"{place}.{k}")) is not None}
        try:
            method = make_price_method(method_name, params, place)
        except ScoringError as exc:
            r.problems.extend(exc.problems)
    else:
        for key in parameters:
            if key in data:
                r.problem(f"{place}.{key}", "parameter_without_method")
    weight = r.number(data, "weight", f"{place}.weight")
    if weight is None:
        if method_name in PRICE_METHODS and PRICE_METHODS[method_name].ranks_by_evaluated_price:
            weight = Fraction(0)  # value for money does not weigh price; 0 is the only allowed weight
        else:
            r.problem(f"{place}.weight", "required")
            weight = Fraction(0)
    children: tuple[Criterion, ...] = ()
    if depth >= DEEPEST_LEVEL and data.get("children"):
        r.problem(f"{place}.children", "nested_too_deep", limit=DEEPEST_LEVEL)
    else:
        children = tuple(
            r.each(
                data.get("children", []),
                f"{place}.children",
                keys,
                lambda d, p: _criterion(r, d, p, keys, depth + 1),
            )
        )
    if "children" in data and not children and isinstance(data["children"], list):
        r.problem(f"{place}.children", "empty_children")
    return Criterion(
        id=r.text(data, "id", f"{place}.id", required=True),
        weight=weight,
        kind=kind,
        name=r.text(data, "name", f"{place}.name"),
        method=method,
        normalise=r.flag(data, "normalise", f"{place}.normalise"),
        weight_range=_weight_range(r, data, place),
        children=children,
        min_score=r.number(data, "min_score", f"{place}.min_score"),
    )


def _criterion_kind(r: _Reader, data: Mapping[str, Any], place: str) -> CriterionKind | None:
    raw = r.text(data, "kind", f"{place}.kind")
    if not raw:
        return None
    try:
        return CriterionKind(raw)
    except ValueError:
        r.problem(f"{place}.kind", "unknown_kind", value=raw)
        return None


def _weight_range(r: _Reader, data: Mapping[str, Any], place: str) -> WeightRange | None:
    low = r.number(data, "weight_min", f"{place}.weight_min")
    high = r.number(data, "weight_max", f"{place}.weight_max")
    if low is None and high is None:
        return None
    if low is None or high is None:
        missing = "weight_min" if low is None else "weight_max"
        r.problem(f"{place}.{missing}", "range_incomplete")
        return None
    return WeightRange(low, high)


def _bid(
    r: _Reader, data: dict[str, Any], place: str, with_schedule: bool = False
) -> tuple[Bid, tuple[IndividualScore, ...], tuple[RequirementCheck, ...], dict[Cell, Fraction] | None]:
    scores: dict[str, Fraction] = {}
    raw_scores = data.get("scores", {})
    if not isinstance(raw_scores, dict):
        r.problem(f"{place}.scores", "expected_scores", got=raw_scores)
        raw_scores = {}
    for key, value in raw_scores.items():
        if value is None:
            r.problem(f"{place}.scores.{key}", "expected_number", got=None)
        elif (score := r.number(raw_scores, key, f"{place}.scores.{key}")) is not None:
            scores[key] = score
    bid = Bid(
        id=r.text(data, "id", f"{place}.id", required=True),
        price=r.number(data, "price", f"{place}.price"),
        scores=scores,
        name=r.text(data, "name", f"{place}.name"),
        rejected=bool(r.flag(data, "rejected", f"{place}.rejected")),
        rejection_reason=r.text(data, "rejection_reason", f"{place}.rejection_reason"),
    )
    individual = r.each(
        data.get("individual_scores", []),
        f"{place}.individual_scores",
        INDIVIDUAL_KEYS,
        lambda d, p: _individual_score(r, d, p),
    )
    checks = r.each(
        data.get("minimum_requirements", []),
        f"{place}.minimum_requirements",
        REQUIREMENT_KEYS,
        lambda d, p: _requirement_check(r, d, p),
    )
    lines = None
    if "price_lines" in data:
        lines = _price_lines(r, data["price_lines"], f"{place}.price_lines")
        if "price" in data:
            r.problem(f"{place}.price_lines", "price_and_lines")
        elif not with_schedule:
            r.problem(f"{place}.price_lines", "lines_without_schedule")
    elif with_schedule and "price" in data:
        r.problem(f"{place}.price", "price_with_schedule")
    elif with_schedule and not bid.rejected:
        r.problem(f"{place}.price_lines", "lines_missing")
    return (
        bid,
        tuple(i for i in individual if i is not None),
        tuple(c for c in checks if c is not None),
        lines,
    )


def _individual_score(r: _Reader, data: Mapping[str, Any], place: str) -> IndividualScore | None:
    evaluator = r.text(data, "evaluator", f"{place}.evaluator", required=True)
    criterion = r.text(data, "criterion", f"{place}.criterion", required=True)
    score = r.number(data, "score", f"{place}.score")
    if score is None and data.get("score") is None:
        r.problem(f"{place}.score", "required")
    justification = r.text(data, "justification", f"{place}.justification")
    return None if score is None else IndividualScore(evaluator, criterion, score, justification)


def _requirement_check(r: _Reader, data: Mapping[str, Any], place: str) -> RequirementCheck | None:
    requirement_id = r.text(data, "id", f"{place}.id", required=True)
    raw = r.text(data, "status", f"{place}.status", required=True)
    try:
        status = RequirementStatus(raw)
    except ValueError:
        if raw:
            r.problem(f"{place}.status", "unknown_status", value=raw)
        return None
    return RequirementCheck(requirement_id, status, r.text(data, "reason", f"{place}.reason"))


# --- results -------------------------------------------------------------------------------------


def number(value: Fraction | None) -> float | None:
    """An exact value as a JSON number carried to DECIMALS places."""
    return None if value is None else float(round(value, DECIMALS))


def _percent(share: Fraction | None) -> float | None:
    return None if share is None else number(share * 100)


def result_to_json(
    result: EvaluationResult, found: Sensitivity, case: EvaluationCase | None = None
) -> dict[str, Any]:
    """The result as plain JSON data: bids by rank, the model used, ties, warnings, sensitivity; with the
    ``case`` priced by a schedule, each bid's evaluated price from it and its line-by-line breakdown."""
    priced = case.schedule_prices if case is not None else None
    return {
        "bids": [_bid_json(r, priced) for r in result.ranked()],
        "winner": result.winner,
        "unresolved_ties": [list(t) for t in result.unresolved_ties],
        "warnings": [str(w) for w in result.warnings],
        "model": model_to_json(result.model, result.tie_break),
        "sensitivity": sensitivity_to_json(found),
    }


def _bid_json(r: BidResult, priced: EvaluatedPrices | None = None) -> dict[str, Any]:
    bid = r.bid
    out = {
        "id": bid.id,
        "name": bid.name,
        "rank": r.rank,
        "total": number(r.total),
        "evaluated_price": number(r.evaluated_price),
        "price": number(bid.price),
        "rejected": bid.rejected,
        "rejection_reason": bid.rejection_reason if bid.rejected else None,
        "tied": r.tied,
        "criteria": {
            cid: {"score": number(c.score), "points": number(c.points), "weighted": number(c.weighted)}
            for cid, c in r.criteria.items()
        },
        "threshold_failures": [
            {"criterion": f.criterion_id, "minimum": number(f.minimum), "actual": number(f.actual)}
            for f in r.threshold_failures
        ],
        "rejected_by_threshold": r.rejected_by_threshold,
    }
    if priced is not None:
        out["price_schedule"] = _schedule_price_json(priced.bids.get(bid.id))
    return out


def _schedule_price_json(priced: BidPrice | None) -> dict[str, Any] | None:
    if priced is None:
        return None
    return {
        "evaluated_price": number(priced.price),
        "lines": [
            {
                "line": line.line,
                "name": line.name,
                "municipality": line.municipality,
                "offered": number(line.offered),
                "filled": line.filled,
                "amount": number(line.amount),
                "quantity": number(line.quantity),
                "factor": number(line.factor),
                "years": line.years,
                "contribution": number(line.contribution),
            }
            for line in priced.lines
        ],
    }


def model_to_json(model: ScoringModel, tie_break: tuple[str, ...] = ()) -> dict[str, Any]:
    """The methods and parameters a result was computed with."""
    price = model.price_criterion
    method = model.price_method
    return {
        "scale_max": number(model.scale_max),
        "allow_half_points": model.step == Fraction(1, 2),
        "scale_step": number(model.step),
        "consensus": model.consensus.value,
        "min_quality": number(model.min_quality),
        "tie_break": list(tie_break),
        "ranked_by": "evaluated_price" if model.ranks_by_evaluated_price else "total",
        "price_method": None
        if price is None or method is None
        else {
            "criterion": price.id,
            "name": method.name,
            "label": method.label,
            "formula": method.formula,
            "parameters": {k: number(v) for k, v in method.parameters().items()},
            "not_recommended": method.not_recommended,
        },
        "criteria": [
            {
                "id": p.id,
                "name": p.criterion.name,
                "kind": p.kind.value,
                "parent": p.parent_id,
                "weight": number(p.criterion.weight),
                "weight_unit": "percent" if p.level_in_percent else "fraction",
                "share": number(p.share),
                "path_weight": number(p.path_weight),
                "normalise": p.normalise if p.kind is CriterionKind.QUALITY else None,
                "weight_min": number(p.criterion.weight_range.low) if p.criterion.weight_range else None,
                "weight_max": number(p.criterion.weight_range.high) if p.criterion.weight_range else None,
                "min_score": number(p.criterion.min_score),
            }
            for p in model.placed
        ],
    }


def sensitivity_to_json(found: Sensitivity) -> dict[str, Any]:
    return {
        "winner": found.winner,
        "note": found.note or None,
        "weights": [
            {
                "criterion": w.criterion_id,
                "weight_percent": _percent(w.current),
                "min_percent": _percent(w.low),
                "max_percent": _percent(w.high),
                "overtaken_below_by": w.overtaken_below_by,
                "overtaken_above_by": w.overtaken_above_by,
                "holds_over_announced_range": w.holds_over_announced_range,
                "note": w.note or None,
            }
            for w in found.weights
        ],
        "prices": [
            {
                "bid": p.bid_id,
                "price": number(p.price),
                "reduction": number(p.reduction),
                "reduction_percent": number(p.reduction_percent),
                "price_to_win": number(p.price - p.reduction) if p.reduction is not None else None,
                "note": p.note or None,
            }
            for p in found.prices
        ],
    }


# --- writing a case ---------------------------------------------------------------------------------------


def _case_number(value: Fraction) -> int | float:
    """A case-file number: integers stay integers; the app's inputs are short decimals, which a float's
    shortest spelling keeps exactly (the reader turns that spelling back into the same decimal)."""
    if value.denominator == 1:
        return int(value)
    return float(value)


def _criterion_json(c: Criterion) -> dict[str, Any]:
    out: dict[str, Any] = {"id": c.id, "weight": _case_number(c.weight)}
    if c.name:
        out["name"] = c.name
    if c.kind is not None:
        out["kind"] = c.kind.value
    if c.method is not None:
        out["method"] = c.method.name
        out.update({k: _case_number(v) for k, v in c.method.parameters().items()})
    if c.normalise is not None:
        out["normalise"] = c.normalise
    if c.weight_range is not None:
        out["weight_min"] = _case_number(c.weight_range.low)
        out["weight_max"] = _case_number(c.weight_range.high)
    if c.min_score is not None:
        out["min_score"] = _case_number(c.min_score)
    if c.children:
        out["children"] = [_criterion_json(k) for k in c.children]
    return out


def case_to_json(case: EvaluationCase) -> dict[str, Any]:
    """The case in the format ``parse_case`` reads (README.md, "Evaluation case format"), so ``tender score``
    recomputes it."""
    bids = []
    for b in case.bids:
        entry: dict[str, Any] = {"id": b.id, "scores": {k: _case_number(v) for k, v in b.scores.items()}}
        if b.name:
            entry["name"] = b.name
        if b.id in case.price_lines:
            entry["price_lines"] = _lines_json(case.price_lines[b.id])
        elif b.price is not None and case.price_schedule is None:
            entry["price"] = _case_number(b.price)
        if b.rejected:
            entry["rejected"] = True
            entry["rejection_reason"] = b.rejection_reason
        individual = case.individual_scores.get(b.id, ())
        if individual:
            entry["individual_scores"] = [
                {
                    "evaluator": s.evaluator,
                    "criterion": s.criterion_id,
                    "score": _case_number(s.score),
                    "justification": s.justification,
                }
                for s in individual
            ]
        checks = case.requirement_checks.get(b.id, ())
        if checks:
            entry["minimum_requirements"] = [
                {"id": c.requirement_id, "status": c.status.value, "reason": c.reason} for c in checks
            ]
        bids.append(entry)
    out: dict[str, Any] = {
        "title": case.title,
        "scale_max": _case_number(case.model.scale_max),
        "allow_half_points": case.model.allow_half_points,
        "criteria": [_criterion_json(c) for c in case.model.criteria],
        "bids": bids,
    }
    model = case.model
    if model.scale_step is not None:
        out["scale_step"] = _case_number(model.scale_step)
    if model.consensus is not ConsensusRule.AGREED:
        out["consensus"] = model.consensus.value
    if model.min_quality is not None:
        out["min_quality"] = _case_number(model.min_quality)
    if case.price_schedule is not None:
        out["price_schedule"] = _schedule_json(case.price_schedule)
    if case.tie_break:
        out["tie_break"] = list(case.tie_break)
    return out


def _lines_json(lines: Mapping[Cell, Fraction]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for (line_id, municipality), amount in lines.items():
        if municipality is None:
            out[line_id] = _case_number(amount)
        else:
            out.setdefault(line_id, {})[municipality] = _case_number(amount)
    return out


def _schedule_json(schedule: PriceSchedule) -> dict[str, Any]:
    out: dict[str, Any] = {
        "method": schedule.method,
        "lines": [
            {
                "id": line.id,
                "name": line.name,
                "quantity": _case_number(Fraction(line.quantity)),
                "weight": _case_number(Fraction(line.weight)),
                "yearly": line.yearly,
                "per_municipality": line.per_municipality,
            }
            for line in schedule.lines
        ],
        "gaps": schedule.gaps,
    }
    if schedule.period:
        out["period"] = schedule.period
    if schedule.municipalities:
        out["municipalities"] = list(schedule.municipalities)
    if schedule.discount_rate is not None:
        out["discount_rate_percent"] = _case_number(Fraction(schedule.discount_rate))
    return out
