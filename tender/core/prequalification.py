"""Prequalification (prekvalifisering): the pure rules of who may ask, who qualifies and who is invited.

In a restricted procedure (begrenset anbudskonkurranse) or a competitive negotiation (konkurranse med
forhandling) vendors first ask to take part. The group checks each request against the qualification
requirements and the grounds for exclusion and, when more qualify than the announced maximum, selects
by the announced selection criteria (utvelgelseskriterier).

This module holds the rules only; the web layer stores, shows and audits:

* candidate limits per procedure (FOA § 16-12) and whether a procedure has a prequalification by default;
* the selection criteria, checked by building a quality-only :class:`ScoringModel` of the scoring core
  (so there is one scoring engine, not two);
* the ranking of the qualified, not excluded requests by weighted selection score, with the tie at the
  cut-off found and left unresolved until a decision is recorded (never by submission order or id);
* the check of a proposed invited set;
* the canonical JSON and SHA-256 of the frozen setup and of a selection, so both can be bound to a hash.

The evaluators' individual selection scores are checked with the scoring core's ``check_score`` against
:func:`selection_model`, and their disagreement is ``tender.core.consensus.disagreements`` as in the bid
evaluation; nothing of either is repeated here.

Procedures are the values of ``tender.tenders.models.Procedure`` as strings, so the core stays pure.
Every problem is a scoring-core :class:`Problem` (place, code, values), never a sentence: the Norwegian
wording is in ``tender.web.prequalification_messages``. Numbers are exact (``Fraction``; ``Decimal``
and ``int`` are accepted and turned into ``Fraction``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any

from tender.core.scoring import (
    Bid,
    Criterion,
    CriterionKind,
    Problem,
    ScoringError,
    ScoringModel,
    check_score,
    evaluate,
    rank_by_merit,
    tie_keys,
)
from tender.core.spec.canonical import normalise_line, normalise_text

Number = Fraction | Decimal | int


@dataclass(frozen=True)
class PrequalificationProblem(Problem):
    """A problem with a code of this module (``selection_weight_sum``, ``cutoff_tie_unresolved``, ...).

    A scoring-core :class:`Problem` in every respect (``place``, ``code``, ``values``; caught and shown the
    same way), except that the scoring core's English wording does not know these codes: ``str()`` gives
    the code and its values for logs. People read the Norwegian of ``tender.web.prequalification_messages``.
    """

    @property
    def message(self) -> str:
        shown = ", ".join(f"{k}={v}" for k, v in self.values.items())
        return f"{self.code} ({shown})" if shown else self.code


# --- procedures and candidate limits ------------------------------------------------------------

OPEN = "open"
RESTRICTED = "restricted"
COMPETITIVE_NEGOTIATION = "competitive_negotiation"
PROCEDURES = (OPEN, RESTRICTED, COMPETITIVE_NEGOTIATION)

#: FOA § 16-12: the fewest candidates a procedure may announce; a setting the caller may override
DEFAULT_MINIMUM: Mapping[str, int] = {COMPETITIVE_NEGOTIATION: 3, RESTRICTED: 5}

#: whether a tender of this procedure has a prequalification unless the lead says otherwise
DEFAULT_HAS_PREQUALIFICATION: Mapping[str, bool] = {
    OPEN: False,
    RESTRICTED: True,
    COMPETITIVE_NEGOTIATION: True,
}


def has_prequalification_by_default(
    procedure: str, defaults: Mapping[str, bool] = DEFAULT_HAS_PREQUALIFICATION
) -> bool:
    """Yes for restricted and competitive negotiation, no for open (and for a procedure not listed)."""
    return defaults.get(procedure, False)


def legal_minimum(procedure: str, minimums: Mapping[str, int] = DEFAULT_MINIMUM) -> int | None:
    """The fewest candidates ``procedure`` may announce; None where the rules set no minimum."""
    return minimums.get(procedure)


def check_candidate_limits(
    procedure: str,
    minimum: int | None,
    maximum: int | None,
    minimums: Mapping[str, int] = DEFAULT_MINIMUM,
) -> list[Problem]:
    """Every problem with the announced minimum and (optional) maximum number of candidates.

    Places: ``minimum``, ``maximum``, ``procedure``. A minimum must be announced; the maximum may be
    left out (then every qualified request is invited).
    """
    found: list[Problem] = []
    if procedure not in PROCEDURES and procedure not in minimums:
        found.append(
            PrequalificationProblem(
                "procedure", "procedure_unknown", {"procedure": procedure, "known": PROCEDURES}
            )
        )
    if minimum is None:
        found.append(PrequalificationProblem("minimum", "minimum_missing", {"procedure": procedure}))
    elif minimum <= 0:
        found.append(PrequalificationProblem("minimum", "minimum_not_positive", {"minimum": minimum}))
    else:
        required = minimums.get(procedure)
        if required is not None and minimum < required:
            found.append(
                PrequalificationProblem(
                    "minimum",
                    "minimum_below_legal",
                    {"procedure": procedure, "minimum": minimum, "legal_minimum": required},
                )
            )
    if maximum is not None:
        if maximum <= 0:
            found.append(PrequalificationProblem("maximum", "maximum_not_positive", {"maximum": maximum}))
        elif minimum is not None and minimum > 0 and maximum < minimum:
            found.append(
                PrequalificationProblem(
                    "maximum", "maximum_below_minimum", {"minimum": minimum, "maximum": maximum}
                )
            )
    return found


# --- selection criteria ---------------------------------------------------------------------------

#: the selection scale is 0–10
SCALE_MAX = Fraction(10)
HUNDRED = Fraction(100)


@dataclass(frozen=True)
class SelectionCriterion:
    """One selection criterion (utvelgelseskriterium); ``weight`` in percent, all summing to 100."""

    id: str
    name: str
    weight: Number
    description: str = ""


@dataclass(frozen=True)
class ScaleStep:
    """A descriptor of the 0–10 scale: what ``score`` means (e.g. 10: "Svært godt dokumentert")."""

    score: Number
    text: str


def _criteria_model(
    criteria: Sequence[SelectionCriterion], allow_half_points: bool
) -> tuple[ScoringModel | None, list[Problem]]:
    found: list[Problem] = []
    weights = [Fraction(c.weight) for c in criteria]
    total = sum(weights, Fraction(0))
    if criteria and total != HUNDRED:
        # percent only: the scoring core would also take shares summing to 1, the announcement may not
        parts = tuple((c.name.strip() or c.id, w) for c, w in zip(criteria, weights, strict=True))
        found.append(
            PrequalificationProblem("criteria", "selection_weight_sum", {"total": total, "parts": parts})
        )
    for index, c in enumerate(criteria):
        if c.id.strip() and not c.name.strip():
            found.append(
                PrequalificationProblem(f"criteria[{index}].name", "selection_name_missing", {"id": c.id})
            )
    model_criteria = tuple(
        Criterion(c.id, w, CriterionKind.QUALITY, name=c.name) for c, w in zip(criteria, weights, strict=True)
    )
    try:
        model = ScoringModel(model_criteria, SCALE_MAX, allow_half_points)
    except ScoringError as error:
        # the weight sum is reported above in percent; the core's own "level_sum" would say it twice
        found.extend(p for p in error.problems if p.code != "level_sum")
        return None, found
    return (model if not found else None), found


def check_selection_criteria(
    criteria: Sequence[SelectionCriterion], allow_half_points: bool = False
) -> list[Problem]:
    """Every problem with the selection criteria, at places ``criteria[i].weight`` etc.

    Own codes: ``selection_weight_sum``, ``selection_name_missing``; from the scoring core:
    ``no_criteria``, ``criterion_id_missing``, ``criterion_id_duplicate``, ``weight_negative``.
    """
    return _criteria_model(criteria, allow_half_points)[1]


def selection_model(criteria: Sequence[SelectionCriterion], allow_half_points: bool = False) -> ScoringModel:
    """The quality-only scoring model (scale 0–10) of the selection criteria; ScoringError if they break a
    rule (every problem listed)."""
    model, problems = _criteria_model(criteria, allow_half_points)
    if model is None:
        raise ScoringError(problems)
    return model


def check_scale(scale: Sequence[ScaleStep]) -> list[Problem]:
    """Problems with the scale's descriptors: off the 0–10 scale, the same score twice, no text."""
    found: list[Problem] = []
    seen: set[Fraction] = set()
    for index, step in enumerate(scale):
        score = Fraction(step.score)
        if not 0 <= score <= SCALE_MAX:
            found.append(
                PrequalificationProblem(
                    f"scale[{index}].score", "descriptor_off_scale", {"score": score, "scale_max": SCALE_MAX}
                )
            )
        elif score in seen:
            found.append(
                PrequalificationProblem(f"scale[{index}].score", "descriptor_duplicate", {"score": score})
            )
        seen.add(score)
        if not step.text.strip():
            found.append(
                PrequalificationProblem(f"scale[{index}].text", "descriptor_text_missing", {"score": score})
            )
    return found


# --- ranking ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Request:
    """A request to participate as the ranking sees it: the consensus score per selection criterion id
    (a missing key or None: not yet agreed)."""

    id: str
    name: str
    qualified: bool
    excluded: bool = False
    scores: Mapping[str, Number | None] = field(default_factory=dict)


@dataclass(frozen=True)
class SelectionPoints:
    """One request on one selection criterion: the consensus score and its weighted points."""

    criterion_id: str
    score: Fraction
    weighted: Fraction  #: score × weight / 100, so totals are on the 0–10 scale


@dataclass(frozen=True)
class RankedRequest:
    request: Request
    rank: int  #: 1 is best; requests in an unresolved tie share a rank (1, 1, 3)
    total: Fraction  #: weighted selection score, 0–10
    points: tuple[SelectionPoints, ...]  #: in the order of the criteria
    tied: bool  #: shares its rank with another request: no recorded decision separates them
    within_maximum: bool  #: its place is within the maximum for certain (False in a tie at the cut-off)


@dataclass(frozen=True)
class CutOffTie:
    """Requests with equal score, not separated by a recorded decision, straddling the maximum-th place."""

    request_ids: tuple[str, ...]  #: sorted by id for a stable display, not an order
    names: tuple[str, ...]  #: in the order of ``request_ids``
    total: Fraction
    rank: int  #: the rank they share
    places_left: int  #: how many of them fit within the maximum


#: why a request is not ranked
NOT_QUALIFIED = "not_qualified"
EXCLUDED = "excluded"
SCORES_MISSING = "scores_missing"
SCORES_INVALID = "scores_invalid"


@dataclass(frozen=True)
class UnrankedRequest:
    request: Request
    reason: str  #: NOT_QUALIFIED, EXCLUDED, SCORES_MISSING or SCORES_INVALID


@dataclass(frozen=True)
class Ranking:
    """The qualified, not excluded requests ranked by weighted selection score."""

    model: ScoringModel
    maximum: int | None
    tie_break: tuple[str, ...]
    rows: tuple[RankedRequest, ...]  #: by rank, then id (the id only orders the display of a tie)
    unranked: tuple[UnrankedRequest, ...]  #: in the order given
    #: every group still tied (by rank), at the cut-off or not; only the cut-off one blocks
    ties: tuple[tuple[str, ...], ...]
    cutoff_tie: CutOffTie | None
    #: missing or invalid scores, a tie-break listing a request twice: reported, never silently skipped
    problems: tuple[Problem, ...]
    #: the problems that stop a selection from being proposed (a subset of ``problems`` plus the tie)
    blocking: tuple[Problem, ...]

    @property
    def eligible(self) -> tuple[Request, ...]:
        """The qualified, not excluded requests, ranked or not."""
        return tuple(r.request for r in self.rows) + tuple(
            u.request for u in self.unranked if u.reason in (SCORES_MISSING, SCORES_INVALID)
        )

    @property
    def selection_needed(self) -> bool:
        """More qualify than the maximum: the selection criteria decide who is invited."""
        return self.maximum is not None and len(self.eligible) > self.maximum

    @property
    def can_propose(self) -> bool:
        return not self.blocking

    def proposal(self) -> tuple[str, ...] | None:
        """The ids the ranking invites (all eligible when no selection is needed); None while blocked."""
        if self.blocking:
            return None
        if not self.selection_needed:
            return tuple(sorted(r.id for r in self.eligible))
        return tuple(r.request.id for r in self.rows if r.within_maximum)

    def get(self, request_id: str) -> RankedRequest | None:
        return next((r for r in self.rows if r.request.id == request_id), None)


def _score_problems(
    model: ScoringModel, index: int, request: Request
) -> tuple[dict[str, Fraction], list[str], list[Problem]]:
    scores: dict[str, Fraction] = {}
    missing: list[str] = []
    invalid: list[Problem] = []
    for leaf in model.leaves:
        given = request.scores.get(leaf.id)
        if given is None:
            missing.append(leaf.id)
            continue
        score = Fraction(given)
        problem = check_score(score, model, f"requests[{index}].scores.{leaf.id}")
        if problem is not None:
            invalid.append(problem)
        scores[leaf.id] = score
    return scores, missing, invalid


def _tie_break_problems(tie_break: Sequence[str]) -> list[Problem]:
    return [
        PrequalificationProblem(f"tie_break[{i}]", "tie_decision_twice", {"request": rid})
        for i, rid in enumerate(tie_break)
        if rid in tie_break[:i]
    ]


def _decided_keys(merits: Mapping[str, Fraction], tie_break: Sequence[str]) -> dict[str, int]:
    """The recorded order as tie keys, but only for a group of equal score whose every member it lists.

    The scoring core's keys put a request the decision does not name after those it names; here that
    would decide a tie nobody decided (a request whose score changed after the decision, say), so such
    a group keeps one key for all and stays tied until a decision covering all of it is recorded.
    """
    keys = tie_keys(merits, tie_break)
    listed = set(tie_break)
    groups: dict[Fraction, list[str]] = {}
    for rid, merit in merits.items():
        groups.setdefault(merit, []).append(rid)
    for members in groups.values():
        if len(members) > 1 and not all(m in listed for m in members):
            for m in members:
                keys[m] = 0
    return keys


def rank_requests(
    model: ScoringModel,
    requests: Sequence[Request],
    tie_break: Sequence[str] = (),
    maximum: int | None = None,
) -> Ranking:
    """Rank the qualified, not excluded requests with complete, valid scores by weighted selection score.

    ``tie_break`` is the order of the recorded tie decisions in force (their orders one after the
    other); a request named twice is a problem (the first place counts). ``maximum`` is the announced
    maximum number of candidates (None: none announced). Request ids must be unique and not blank
    (ValueError otherwise: they are the stored requests' keys, so a clash is a programming error).
    """
    ids = [r.id for r in requests]
    if len(set(ids)) != len(ids) or not all(i.strip() for i in ids):
        raise ValueError(f"request ids must be unique and not blank: {ids}")
    problems: list[Problem] = _tie_break_problems(tie_break)
    unranked: list[UnrankedRequest] = []
    bids: list[Bid] = []
    by_id: dict[str, Request] = {}
    for index, request in enumerate(requests):
        if not request.qualified:
            unranked.append(UnrankedRequest(request, NOT_QUALIFIED))
            continue
        if request.excluded:
            unranked.append(UnrankedRequest(request, EXCLUDED))
            continue
        scores, missing, invalid = _score_problems(model, index, request)
        if missing:
            problems.append(
                PrequalificationProblem(
                    f"requests[{index}].scores",
                    "selection_score_missing",
                    {
                        "request": request.id,
                        "name": request.name,
                        "criteria": tuple(missing),
                        "criterion_names": tuple(model.get(c).name for c in missing),
                    },
                )
            )
        problems.extend(invalid)
        if missing or invalid:
            unranked.append(UnrankedRequest(request, SCORES_MISSING if missing else SCORES_INVALID))
            continue
        by_id[request.id] = request
        bids.append(Bid(request.id, scores=scores, name=request.name))
    eligible = len(bids) + sum(1 for u in unranked if u.reason in (SCORES_MISSING, SCORES_INVALID))
    # when a selection is needed a request without valid scores would be left out unassessed; when
    # every eligible request is invited anyway its scores decide nothing, so they do not block
    selecting = maximum is not None and eligible > maximum
    blocking = list(problems) if selecting else _tie_break_problems(tie_break)
    rows, ties, cutoff = _ranked_rows(model, bids, by_id, tie_break, maximum)
    if cutoff is not None:
        blocking.append(
            PrequalificationProblem(
                "ranking",
                "cutoff_tie_unresolved",
                {
                    "requests": cutoff.request_ids,
                    "names": cutoff.names,
                    "total": cutoff.total,
                    "rank": cutoff.rank,
                    "maximum": maximum,
                    "places_left": cutoff.places_left,
                },
            )
        )
    return Ranking(
        model,
        maximum,
        tuple(tie_break),
        rows,
        tuple(unranked),
        ties,
        cutoff,
        tuple(problems),
        tuple(blocking),
    )


def _ranked_rows(
    model: ScoringModel,
    bids: Sequence[Bid],
    by_id: Mapping[str, Request],
    tie_break: Sequence[str],
    maximum: int | None,
) -> tuple[tuple[RankedRequest, ...], tuple[tuple[str, ...], ...], CutOffTie | None]:
    if not bids:
        return (), (), None
    result = evaluate(model, bids)  # totals and points; the ranking with decided ties follows below
    totals = {r.bid.id: r.total or Fraction(0) for r in result.bids}
    ranks, tie_groups = rank_by_merit(totals, _decided_keys(totals, tie_break))
    ties = tuple(tuple(sorted(g)) for g in tie_groups)
    cutoff: CutOffTie | None = None
    straddling: set[str] = set()
    for group in ties:
        rank = ranks[group[0]]
        if maximum is not None and rank <= maximum < rank + len(group) - 1:
            straddling = set(group)
            cutoff = CutOffTie(
                group, tuple(by_id[i].name for i in group), totals[group[0]], rank, maximum - rank + 1
            )
    rows = []
    for bid_result in result.bids:
        rid = bid_result.bid.id
        points = tuple(
            SelectionPoints(
                leaf.id, bid_result.bid.scores[leaf.id], bid_result.criteria[leaf.id].weighted or Fraction(0)
            )
            for leaf in model.leaves
        )
        within = rid not in straddling and (maximum is None or ranks[rid] <= maximum)
        tied = any(rid in g for g in ties)
        rows.append(RankedRequest(by_id[rid], ranks[rid], totals[rid], points, tied, within))
    rows.sort(key=lambda r: (r.rank, r.request.id))
    return tuple(rows), ties, cutoff


# --- the invited set -------------------------------------------------------------------------------


def check_invitation(ranking: Ranking, invited: Sequence[str], minimum: int) -> list[Problem]:
    """Every problem with inviting ``invited`` (request ids) given the ranking and the announced minimum
    (the maximum is the ranking's). Places: ``invited[i]`` for one id, ``invited`` for the set."""
    found: list[Problem] = list(ranking.blocking)
    requests = {u.request.id: u for u in ranking.unranked}
    ranked = {r.request.id: r for r in ranking.rows}
    chosen: list[str] = []
    for index, rid in enumerate(invited):
        place = f"invited[{index}]"
        if rid in invited[:index]:
            found.append(PrequalificationProblem(place, "invited_twice", {"request": rid}))
            continue
        chosen.append(rid)
        unranked = requests.get(rid)
        if rid not in ranked and unranked is None:
            found.append(PrequalificationProblem(place, "invited_unknown", {"request": rid}))
        elif unranked is not None and unranked.reason == NOT_QUALIFIED:
            found.append(
                PrequalificationProblem(
                    place, "invited_not_qualified", {"request": rid, "name": unranked.request.name}
                )
            )
        elif unranked is not None and unranked.reason == EXCLUDED:
            found.append(
                PrequalificationProblem(
                    place, "invited_excluded", {"request": rid, "name": unranked.request.name}
                )
            )
    eligible = {r.id: r for r in ranking.eligible}
    count = sum(1 for rid in chosen if rid in eligible)
    if ranking.maximum is not None and len(chosen) > ranking.maximum:
        found.append(
            PrequalificationProblem(
                "invited", "invited_above_maximum", {"count": len(chosen), "maximum": ranking.maximum}
            )
        )
    required = min(minimum, len(eligible))
    if count < required:
        found.append(
            PrequalificationProblem(
                "invited",
                "invited_below_minimum",
                {"count": count, "minimum": minimum, "qualified": len(eligible)},
            )
        )
    if not ranking.selection_needed:
        # a qualified request is left out only because the maximum forces a selection: without an
        # announced maximum, or with no more qualified than it, every qualified request is invited
        for rid in sorted(set(eligible) - set(chosen)):
            found.append(
                PrequalificationProblem(
                    "invited", "qualified_left_out", {"request": rid, "name": eligible[rid].name}
                )
            )
    found.extend(_skipped(ranking, chosen))
    return found


def _skipped(ranking: Ranking, chosen: Collection[str]) -> list[Problem]:
    """A lower-ranked request invited while a higher-ranked one is left out (one problem per request
    left out, naming the lowest-ranked invited), and a tie split by the invited set."""
    invited_rows = [r for r in ranking.rows if r.request.id in chosen]
    left_out = [r for r in ranking.rows if r.request.id not in chosen]
    found: list[Problem] = []
    cutoff = set(ranking.cutoff_tie.request_ids) if ranking.cutoff_tie else set()
    for group in ranking.ties:
        # inviting some of a tie and not the others chooses between equals without a recorded decision;
        # the tie at the maximum's cut-off is reported as such already
        ins = [rid for rid in group if rid in chosen]
        outs = [rid for rid in group if rid not in chosen]
        if ins and outs and not cutoff.intersection(group):
            rows = {r.request.id: r for r in ranking.rows}
            found.append(
                PrequalificationProblem(
                    "invited",
                    "invited_splits_tie",
                    {
                        "invited": tuple(ins),
                        "invited_names": tuple(rows[i].request.name for i in ins),
                        "left_out": tuple(outs),
                        "left_out_names": tuple(rows[i].request.name for i in outs),
                        "total": rows[group[0]].total,
                    },
                )
            )
    for skipped in left_out:
        lower = [r for r in invited_rows if r.rank > skipped.rank]
        if lower:
            worst = lower[-1]
            found.append(
                PrequalificationProblem(
                    "invited",
                    "invited_skips_higher",
                    {
                        "request": worst.request.id,
                        "name": worst.request.name,
                        "rank": worst.rank,
                        "skipped": skipped.request.id,
                        "skipped_name": skipped.request.name,
                        "skipped_rank": skipped.rank,
                    },
                )
            )
    return found


# --- canonical forms and hashes --------------------------------------------------------------------

#: bumped whenever a canonical form below changes, so old and new hashes never collide silently
CANONICAL_VERSION = 1

#: the usual groups of qualification requirements
REQUIREMENT_GROUPS = ("registration", "tax", "economic", "technical")


@dataclass(frozen=True)
class QualificationRequirement:
    """A qualification requirement (kvalifikasjonskrav) with the documentation demanded."""

    id: str
    group: str  #: one of REQUIREMENT_GROUPS
    text: str
    documentation: str = ""
    espd_criterion: str | None = None  #: the ESPD criterion it corresponds to (its code or UUID)


@dataclass(frozen=True)
class ExclusionGround:
    """A ground for exclusion (avvisningsgrunn); mandatory ones must, optional ones may exclude."""

    id: str
    text: str
    mandatory: bool
    espd_criterion: str | None = None


@dataclass(frozen=True)
class PrequalificationSetup:
    """Everything frozen when the prequalification is published with the announcement."""

    procedure: str
    requirements: tuple[QualificationRequirement, ...]
    exclusion_grounds: tuple[ExclusionGround, ...]
    criteria: tuple[SelectionCriterion, ...]
    scale: tuple[ScaleStep, ...]
    minimum: int
    maximum: int | None
    deadline: datetime  #: timezone-aware


@dataclass(frozen=True)
class TieDecision:
    """A recorded decision on a tie: the order of the requests it separates, and why."""

    order: tuple[str, ...]
    reason: str


def check_setup(setup: PrequalificationSetup, minimums: Mapping[str, int] = DEFAULT_MINIMUM) -> list[Problem]:
    """Every problem with the setup before it is frozen: limits, criteria, scale, requirement and
    exclusion-ground ids and texts, the deadline's time zone."""
    found = check_candidate_limits(setup.procedure, setup.minimum, setup.maximum, minimums)
    found += check_selection_criteria(setup.criteria)
    found += check_scale(setup.scale)
    found += _item_problems("requirements", setup.requirements)
    for index, r in enumerate(setup.requirements):
        if r.group not in REQUIREMENT_GROUPS:
            found.append(
                PrequalificationProblem(
                    f"requirements[{index}].group", "requirement_group_unknown", {"group": r.group}
                )
            )
    found += _item_problems("exclusion_grounds", setup.exclusion_grounds)
    if setup.deadline.tzinfo is None or setup.deadline.utcoffset() is None:
        found.append(PrequalificationProblem("deadline", "deadline_naive", {}))
    return found


def _item_problems(kind: str, items: Sequence[QualificationRequirement | ExclusionGround]) -> list[Problem]:
    found: list[Problem] = []
    seen: dict[str, int] = {}
    for index, item in enumerate(items):
        place = f"{kind}[{index}]"
        if not item.id.strip():
            found.append(PrequalificationProblem(f"{place}.id", "item_id_missing", {"kind": kind}))
        elif item.id in seen:
            found.append(
                PrequalificationProblem(
                    f"{place}.id",
                    "item_id_duplicate",
                    {"kind": kind, "id": item.id, "other_index": seen[item.id]},
                )
            )
        seen.setdefault(item.id, index)
        if not item.text.strip():
            found.append(
                PrequalificationProblem(f"{place}.text", "item_text_missing", {"kind": kind, "id": item.id})
            )
    return found


def exact_text(value: Number) -> str:
    """An exact number as canonical text: 5, 5.0 and 5.00 read "5"; 100.5 reads "100.5"; a fraction
    with no finite decimal reads "100/3"."""
    f = Fraction(value)
    d = f.denominator
    while d % 2 == 0:
        d //= 2
    while d % 5 == 0:
        d //= 5
    if d != 1:
        return f"{f.numerator}/{f.denominator}"
    exact = (Decimal(f.numerator) / Decimal(f.denominator)).normalize()
    return format(exact, "f") if exact != 0 else "0"


def utc_iso(moment: datetime) -> str:
    """A timezone-aware moment as ISO 8601 in UTC with a "Z": 2026-12-03T15:00:00Z. A naive one is a
    programming error (ValueError): it could mean any hour."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("a naive datetime has no defined moment")
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat() + "Z"


def canonical_bytes(form: Mapping[str, Any]) -> bytes:
    """Plain data serialised deterministically: sorted keys, no spaces, UTF-8 (as the specification's)."""
    return json.dumps(form, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _optional_text(value: str | None) -> str | None:
    return normalise_line(value) or None if value is not None else None


def setup_canonical_form(setup: PrequalificationSetup) -> dict[str, Any]:
    """The frozen setup as plain data: lists in the order announced, text normalised as the
    specification's, numbers as exact text, the deadline as ISO UTC."""
    return {
        "canonical": CANONICAL_VERSION,
        "kind": "prequalification_setup",
        "procedure": setup.procedure,
        "requirements": [
            {
                "id": r.id,
                "group": r.group,
                "text": normalise_text(r.text),
                "documentation": normalise_text(r.documentation) or None,
                "espd_criterion": _optional_text(r.espd_criterion),
            }
            for r in setup.requirements
        ],
        "exclusion_grounds": [
            {
                "id": g.id,
                "text": normalise_text(g.text),
                "mandatory": g.mandatory,
                "espd_criterion": _optional_text(g.espd_criterion),
            }
            for g in setup.exclusion_grounds
        ],
        "criteria": [
            {
                "id": c.id,
                "name": normalise_line(c.name),
                "weight": exact_text(c.weight),
                "description": normalise_text(c.description) or None,
            }
            for c in setup.criteria
        ],
        # the scale is read from 0 up whatever order the descriptors were entered in
        "scale": [
            {"score": exact_text(s.score), "text": normalise_text(s.text)}
            for s in sorted(setup.scale, key=lambda s: Fraction(s.score))
        ],
        "scale_max": exact_text(SCALE_MAX),
        "minimum": setup.minimum,
        "maximum": setup.maximum,
        "deadline": utc_iso(setup.deadline),
    }


def setup_canonical_json(setup: PrequalificationSetup) -> bytes:
    return canonical_bytes(setup_canonical_form(setup))


def setup_hash(setup: PrequalificationSetup) -> str:
    """SHA-256 (hex) of the setup's canonical JSON: what the audit trail records when it is frozen."""
    return sha256_hex(setup_canonical_json(setup))


def selection_canonical_form(
    ranking: Ranking,
    invited: Collection[str],
    tie_decisions: Sequence[TieDecision] = (),
    setup_digest: str | None = None,
) -> dict[str, Any]:
    """A proposed selection as plain data: the invited ids (sorted: a set), the ranking snapshot (rank
    order, totals and scores as exact text), the tie decisions in the order recorded, and the hash of
    the setup it was made under."""
    return {
        "canonical": CANONICAL_VERSION,
        "kind": "prequalification_selection",
        "setup_hash": setup_digest,
        "maximum": ranking.maximum,
        "invited": sorted(set(invited)),
        "ranking": [
            {
                "request": r.request.id,
                "name": normalise_line(r.request.name),
                "rank": r.rank,
                "total": exact_text(r.total),
                "scores": {p.criterion_id: exact_text(p.score) for p in r.points},
            }
            for r in ranking.rows
        ],
        "not_ranked": sorted(
            ({"request": u.request.id, "reason": u.reason} for u in ranking.unranked),
            key=lambda u: u["request"],
        ),
        "tie_decisions": [
            {"order": list(d.order), "reason": normalise_text(d.reason)} for d in tie_decisions
        ],
    }


def selection_canonical_json(
    ranking: Ranking,
    invited: Collection[str],
    tie_decisions: Sequence[TieDecision] = (),
    setup_digest: str | None = None,
) -> bytes:
    return canonical_bytes(selection_canonical_form(ranking, invited, tie_decisions, setup_digest))


def selection_hash(
    ranking: Ranking,
    invited: Collection[str],
    tie_decisions: Sequence[TieDecision] = (),
    setup_digest: str | None = None,
) -> str:
    """SHA-256 (hex) of the selection's canonical JSON: what each municipality's approval is bound to."""
    return sha256_hex(selection_canonical_json(ranking, invited, tie_decisions, setup_digest))
