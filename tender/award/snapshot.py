"""The recommendation's snapshot: everything a municipality signs off, as one canonical JSON document and
its SHA-256.

The format is the contract between the award's parts (the cost split and the notices read it through
``json.loads(recommendation.content_json)``): a dict with

- ``tender`` {id, title, case_reference}, ``round_no``, ``recommendation`` {number, freezing, frozen_at};
- ``criteria``: the scored leaf criteria, price included, in model order: {id, key, name, weight}, where
  ``weight`` is the criterion's share of the total in percent (its path weight);
- ``bids``: every opened bid of the round, ranked ones first by rank, then the rejected: {bid_id,
  vendor_id, vendor, rejected, rejection_reason, rank, total, points {criterion key: points}, price};
- ``winner_bid_id``, ``texts`` [{criterion_key, bid_id, text}], ``summary``;
- ``cost_split`` (a part registered in ``SNAPSHOT_PARTS``; {} when none is set);
- ``municipalities`` {bound: [{id, name, kommunenummer}], option: [...]};
- ``evaluation``: the inputs and the analysis behind the result: the model (scale, price method and its
  parameters, contract period, every criterion with its weights), the consensus scores with their
  justifications, the tie-break decision and the sensitivity analysis;
- ``reduced`` (format 3): the vendors a reduction of a competitive negotiation let go before the
  recommendation's round, by round then vendor name: {vendor_id, vendor, round_no (the round after which it
  left), reason (what it was told), bid_id (its bid in that round, its last opened bid)}; [] without a
  negotiation or a reduction. They are affected vendors (FOA § 25-1, directive 2007/66/EC art. 2a(2)): each
  gets its notice of award with the others;
- ``format``: 3 since the reduced vendors got their notices (``reduced``); 2 since issue 16, which added the
  scale's step, the consensus rule, the quality thresholds and the price method's parameters by name to
  ``evaluation``, and each bid's ``threshold_failures``. A snapshot without ``format`` is format 1
  (``allow_half_points`` in place of the step, no thresholds). A recommendation frozen in an older format is
  rebuilt in it (:func:`build_snapshot`; format 2 and 1 without ``reduced``), so its hash keeps matching.

Numbers are decimal strings, never floats, so the hash does not depend on a float's spelling. The
recommendation's own part counts its freezings: each freezing is its own snapshot, so a sign-off on one never
counts for another, even when the evaluation came back to the same values.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import UTC
from decimal import Decimal, localcontext
from fractions import Fraction
from typing import Any

from sqlalchemy import select

from tender.award.models import Recommendation
from tender.bids.models import Bid, BidStatus
from tender.core.scoring.sensitivity import sensitivity
from tender.errors import DomainError
from tender.evaluation import operations as ev
from tender.evaluation_model import operations as model_ops
from tender.evaluation_model.models import AwardCriterion
from tender.extensions import db
from tender.negotiation.models import Reduction
from tender.reports import model_wording
from tender.tenders.models import Tender

#: further parts of the snapshot, by key, computed from the tender (the cost split registers
#: ``"cost_split"`` here); a key not registered is an empty dict
SNAPSHOT_PARTS: dict[str, Callable[[Tender], dict[str, Any]]] = {}
DEFAULT_PARTS = ("cost_split",)
#: decimals kept for a value that has no finite decimal expansion (a third of a point)
PLACES = Decimal(10) ** -10
#: the snapshot's format (see the module's docstring); a stored snapshot without ``format`` is format 1
FORMAT = 3


def decimal_text(value: Fraction | Decimal | int | None) -> str | None:
    """A number as a plain decimal string ("12.5", "3.3333333333"); None stays None."""
    if value is None:
        return None
    if isinstance(value, Fraction):
        with localcontext() as ctx:
            ctx.prec = 60
            number = Decimal(value.numerator) / Decimal(value.denominator)
    else:
        number = Decimal(value)
    number = number.quantize(PLACES).normalize()
    text = format(number, "f")
    return "0" if text in ("-0", "") else text


def canonical(snapshot: dict[str, Any]) -> str:
    """The one spelling of a snapshot that is hashed and stored."""
    return json.dumps(snapshot, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def evaluation_of(tender: Tender, round_no: int) -> ev.Built:
    """The round's evaluation with a result; a DomainError in words when it has none."""
    built = ev.build_case(tender, with_individual=False, round_no=round_no)
    if built.result is None:
        raise DomainError(
            "Evalueringen gir ikke et resultat: "
            + ("; ".join(built.problems[:3]) if built.problems else "ingen åpnede tilbud.")
        )
    return built


def scored_leaves(tender: Tender) -> list[AwardCriterion]:
    """The scored leaf criteria, price included, in model order."""
    return model_ops.leaves_of(model_ops.criteria_of(tender))


def ranked_bids(built: ev.Built) -> list[Any]:
    """The round's opened bids: ranked ones by rank, then the rejected (by vendor name)."""
    assert built.result is not None
    result = built.result

    def order(bid: Any) -> tuple[bool, int, str]:
        found = result.get(ev.case_bid_id(bid))
        return (found.rank is None, found.rank or 0, bid.vendor.name)

    return sorted(built.bids, key=order)


def winner_of(built: ev.Built) -> Any:
    """The bid ranked first alone; a DomainError when a tie for first place is not decided."""
    assert built.result is not None
    if built.result.winner is None:
        raise DomainError(
            "Ingen tilbud er alene på førsteplass: registrer en beslutning ved likhet i evalueringsmatrisen "
            "før innstillingen."
        )
    return next(b for b in built.bids if ev.case_bid_id(b) == built.result.winner)


def threshold_failures_of(built: ev.Built, bid: Any) -> tuple[Any, ...]:
    """The announced quality thresholds ``bid`` falls below (the core rejects it for them); () when none."""
    assert built.result is not None
    return built.result.get(ev.case_bid_id(bid)).threshold_failures


def rejected_by_threshold(built: ev.Built, bid: Any) -> bool:
    """Rejected by the evaluation for a quality threshold, not by a recorded decision of the group."""
    return not bid.rejected and bool(threshold_failures_of(built, bid))


def threshold_reason(built: ev.Built, bid: Any) -> str:
    """Why ``bid`` is below a threshold, in Norwegian, naming each threshold; "" when it is not."""
    failures = threshold_failures_of(built, bid)
    if not failures:
        return ""
    names = {c.key: c.name for c in built.criteria}
    return model_wording.threshold_rejection(
        [
            (names.get(f.criterion_id, f.criterion_id) if f.criterion_id else None, f.minimum, f.actual)
            for f in failures
        ]
    )


def text_slots(built: ev.Built, leaves: list[AwardCriterion]) -> list[tuple[AwardCriterion, Any]]:
    """The (criterion, bid) pairs the recommendation must account for in words: per criterion the winner
    (its characteristics), then each other bid not rejected (by the group, or below a quality threshold), by
    rank (the winner's relative advantages)."""
    winner = winner_of(built)
    others = [
        b
        for b in ranked_bids(built)
        if not b.rejected and not rejected_by_threshold(built, b) and b.id != winner.id
    ]
    return [(c, b) for c in leaves for b in [winner, *others]]


def _sensitivity_part(built: ev.Built, bid_ids: dict[str, int]) -> dict[str, Any]:
    assert built.result is not None
    found = sensitivity(built.result)
    return {
        "winner_bid_id": bid_ids.get(found.winner) if found.winner else None,
        "note_code": found.note_code,
        "weights": [
            {
                "criterion_key": w.criterion_id,
                "current": decimal_text(w.current),
                "low": decimal_text(w.low),
                "high": decimal_text(w.high),
                "overtaken_below_by": bid_ids.get(w.overtaken_below_by) if w.overtaken_below_by else None,
                "overtaken_above_by": bid_ids.get(w.overtaken_above_by) if w.overtaken_above_by else None,
                "holds_over_announced_range": w.holds_over_announced_range,
                "note_code": w.note_code,
            }
            for w in found.weights
        ],
        "prices": [
            {
                "bid_id": bid_ids.get(p.bid_id),
                "price": decimal_text(p.price),
                "reduction": decimal_text(p.reduction),
                "reduction_percent": decimal_text(p.reduction_percent),
                "note_code": p.note_code,
            }
            for p in found.prices
        ],
    }


def reduced_part(tender: Tender, round_no: int) -> list[dict[str, Any]]:
    """The vendors let go at a reduction after a round before ``round_no``, by round then vendor name, each
    with the reason it was told and its bid in that round (format 3's ``reduced``)."""
    reductions = db.session.scalars(
        select(Reduction)
        .where(Reduction.tender_id == tender.id, Reduction.round_no < round_no)
        .order_by(Reduction.round_no)
    )
    found = []
    for reduction in reductions:
        for leaving in sorted(reduction.leaving, key=lambda r: (r.vendor.name, r.vendor_id)):
            # its last submitted bid: the one of the round it was reduced after (it was in the competition)
            bid = db.session.scalar(
                select(Bid)
                .where(
                    Bid.tender_id == tender.id,
                    Bid.vendor_id == leaving.vendor_id,
                    Bid.round_no <= reduction.round_no,
                    Bid.status == BidStatus.SUBMITTED,
                )
                .order_by(Bid.round_no.desc())
                .limit(1)
            )
            if bid is None:  # not possible: only a vendor with an opened bid in the round can be reduced
                continue
            found.append(
                {
                    "vendor_id": leaving.vendor_id,
                    "vendor": leaving.vendor.name,
                    "round_no": reduction.round_no,
                    "reason": leaving.reason,
                    "bid_id": bid.id,
                }
            )
    return found


def header_of(rec: Recommendation, *, freezing: bool = False) -> dict[str, Any]:
    """The recommendation's own part: its number, which freezing of it this is and when. ``freezing``: for
    a new freezing (the count goes up); else the part as last frozen."""
    previous = json.loads(rec.content_json)["recommendation"] if rec.content_json else None
    if not freezing and previous is not None:
        return dict(previous)
    at = rec.frozen_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if rec.frozen_at else None
    return {"number": rec.number, "freezing": (previous or {}).get("freezing", 0) + 1, "frozen_at": at}


def format_of(rec: Recommendation, header: dict[str, Any] | None = None) -> int:
    """The format ``rec``'s snapshot is built in: a new freezing (``header`` other than the stored one) and a
    recommendation not frozen yet get :data:`FORMAT`; else the stored snapshot's own format, so the hash of
    a snapshot frozen before keeps matching while nothing behind it changes."""
    if not rec.content_json:
        return FORMAT
    stored = json.loads(rec.content_json)
    if header is not None and header != stored.get("recommendation"):
        return FORMAT
    return int(stored.get("format", 1))


def _model_part(model: Any, scoring: Any, fmt: int) -> dict[str, Any]:
    """The model's settings in ``evaluation``: format 1 as it was; format 2 with the step, the consensus
    rule, the thresholds (with Qmax, the most weighted quality points) and the price method's parameters by
    name. ``scoring``: the core's model the result was computed with."""
    part: dict[str, Any] = {
        "model_hash": model.frozen_hash or "",
        "scale_max": decimal_text(model.scale_max),
        "price_method": model.price_method,
        "price_k": decimal_text(model.price_k),
        "nok_per_point": decimal_text(model.nok_per_point),
        "normalise": bool(model.normalise),
        "contract_period": model.contract_period,
    }
    if fmt < 2:
        part["allow_half_points"] = bool(model.allow_half_points)
        return part
    part.update(
        {
            "scale_step": decimal_text(model.scale_step if model.scale_step is not None else 1),
            "consensus_rule": model.consensus_rule or "agreed",
            "min_quality": decimal_text(model.min_quality),
            "quality_max": decimal_text(scoring.quality_max),
            "surcharge_percent": decimal_text(model.surcharge_percent),
            "deduction_percent": decimal_text(model.deduction_percent),
            "price_parameters": [
                {"name": k, "value": decimal_text(v)} for k, v in model_ops.method_parameters(model).items()
            ],
        }
    )
    return part


def build_snapshot(
    tender: Tender, rec: Recommendation, header: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The snapshot of ``rec`` from the live data (raises DomainError when the evaluation has no result);
    ``header``: the recommendation's own part (``header_of``), by default as last frozen. Built in the
    stored snapshot's format unless this is a new freezing (:func:`format_of`)."""
    fmt = format_of(rec, header)
    built = evaluation_of(tender, rec.round_no)
    assert built.result is not None
    result = built.result
    rows = model_ops.criteria_of(tender)
    placed = {p.id: p for p in result.model.placed}
    leaves = scored_leaves(tender)
    bids = ranked_bids(built)
    bid_ids = {ev.case_bid_id(b): b.id for b in bids}
    winner = winner_of(built)
    model = model_ops.model_or_default(tender)
    texts = {(t.criterion_id, t.bid_id): t.text for t in rec.texts}
    agreed = ev.consensus_scores(tender, rec.round_no)
    exact = {
        (b.id, key): score
        for b in bids
        if (found := result.get(ev.case_bid_id(b))) is not None
        for key, score in found.bid.scores.items()
    }
    snapshot: dict[str, Any] = {
        "tender": {"id": tender.id, "title": tender.title, "case_reference": tender.case_reference},
        "round_no": rec.round_no,
        "recommendation": header if header is not None else header_of(rec),
        "criteria": [
            {
                "id": c.id,
                "key": c.key,
                "name": c.name,
                "weight": decimal_text(placed[c.key].path_weight * 100) if c.key in placed else None,
            }
            for c in leaves
        ],
        "bids": [],
        "winner_bid_id": winner.id,
        "texts": [
            {"criterion_key": c.key, "bid_id": b.id, "text": texts.get((c.id, b.id), "").strip()}
            for c, b in text_slots(built, leaves)
        ],
        "summary": rec.summary.strip(),
        "municipalities": {
            "bound": [
                {"id": m.id, "name": m.name, "kommunenummer": m.kommunenummer}
                for m in tender.bound_municipalities
            ],
            "option": [
                {"id": m.id, "name": m.name, "kommunenummer": m.kommunenummer}
                for m in tender.option_municipalities
            ],
        },
        "evaluation": {
            **_model_part(model, result.model, fmt),
            "model": [
                {
                    "key": r.key,
                    "name": r.name,
                    "parent_key": next((p.key for p in rows if p.id == r.parent_id), None),
                    "kind": model_ops.kind_of(r, rows).value,
                    "weight": decimal_text(r.weight),
                    "weight_min": decimal_text(r.weight_min),
                    "weight_max": decimal_text(r.weight_max),
                    "path_weight": decimal_text(placed[r.key].path_weight * 100) if r.key in placed else None,
                    **({"min_score": decimal_text(r.min_score)} if fmt >= 2 else {}),
                }
                for r in rows
            ],
            "consensus": [
                {
                    "bid_id": bid_id,
                    "criterion_key": crit.key,
                    # the consensus the evaluation used: under the mean rule the exact mean (format 2)
                    "score": decimal_text(
                        exact.get((bid_id, crit.key), row.score) if fmt >= 2 else row.score
                    ),
                    "justification": row.justification,
                }
                for crit in rows
                for bid_id, crit_id, row in sorted(
                    ((b, c, r) for (b, c), r in agreed.items() if c == crit.id), key=lambda x: x[0]
                )
            ],
            "tie_break": {
                "order": [bid_ids.get(o, o) for o in result.tie_break],
                "reason": model.tie_break_reason,
            },
            "sensitivity": _sensitivity_part(built, bid_ids),
        },
    }
    if fmt >= 2:
        snapshot["format"] = fmt
    if fmt >= 3:
        snapshot["reduced"] = reduced_part(tender, rec.round_no)
    for bid in bids:
        found = result.get(ev.case_bid_id(bid))
        below = rejected_by_threshold(built, bid)
        entry: dict[str, Any] = {
            "bid_id": bid.id,
            "vendor_id": bid.vendor_id,
            "vendor": bid.vendor.name,
            # a bid below a quality threshold is rejected by the evaluation, with the threshold named
            "rejected": bool(bid.rejected) or below,
            "rejection_reason": (bid.rejection_reason or "") if not below else threshold_reason(built, bid),
        }
        if fmt >= 2:
            # the comparison figure of a method that ranks by it (Pe adjusted for quality); else None
            entry["adjusted_price"] = decimal_text(found.evaluated_price)
            entry["threshold_failures"] = [
                {
                    "criterion_key": f.criterion_id,
                    "minimum": decimal_text(f.minimum),
                    "actual": decimal_text(f.actual),
                }
                for f in found.threshold_failures
            ]
        snapshot["bids"].append(
            {
                **entry,
                "rank": found.rank,
                "total": decimal_text(found.total),
                "points": {
                    c.key: decimal_text(found.criteria[c.key].points)
                    for c in leaves
                    if c.key in found.criteria and found.criteria[c.key].points is not None
                },
                "price": decimal_text(built.prices.get(bid.id)),
            }
        )
    for key in DEFAULT_PARTS:
        snapshot[key] = {}
    for key, part in SNAPSHOT_PARTS.items():
        snapshot[key] = part(tender)
    return snapshot


def announced_lines(content: dict[str, Any]) -> list[str]:
    """The model a stored snapshot records, in Norwegian: the scale and its step, the consensus rule, the
    price method's parameters and the quality thresholds. A format-1 snapshot says its step by
    ``allow_half_points`` and has neither a rule nor thresholds (it was agreed scores, none)."""
    e = content["evaluation"]
    step = e.get("scale_step", "0.5" if e.get("allow_half_points") else "1")
    lines = [
        f"Skala 0–{model_wording.number_text(e['scale_max'])}, {model_wording.step_text(step)}.",
        f"Konsensus: {model_wording.consensus_label(e.get('consensus_rule'))}.",
    ]
    if "price_parameters" in e:
        parameters = {p["name"]: p["value"] for p in e["price_parameters"]}
    else:  # format 1: the two columns it had
        parameters = {
            k: v
            for k, v in (("k", e.get("price_k")), ("nok_per_point", e.get("nok_per_point")))
            if v is not None
        }
    if parameters:
        lines.append("Prismetodens parametere: " + "; ".join(model_wording.parameter_lines(parameters)) + ".")
    thresholds = model_wording.threshold_lines(
        [(c["name"], c["min_score"]) for c in e["model"] if c.get("min_score") is not None],
        e.get("min_quality"),
        e.get("quality_max"),
    )
    lines.extend(["Minstegrenser for kvalitet: " + thresholds[0], *thresholds[1:]] if thresholds else [])
    return lines


def live_hash(tender: Tender, rec: Recommendation) -> str | None:
    """The hash the recommendation's snapshot would have if built now; None when the evaluation has no
    result (or no single winner) any more."""
    try:
        return digest(canonical(build_snapshot(tender, rec)))
    except DomainError:
        return None
