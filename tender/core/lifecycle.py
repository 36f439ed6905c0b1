"""Where a tender stands and what is missing before its next step, derived from facts rather than stored.

A stored state drifts: the bid deadline passes without anyone doing anything, and an approval on an old
version means nothing once a new version is frozen. So the stage is computed, each time, from a small set
of facts the web layer gathers (``tender.lifecycle.operations.facts_of``). Pure: no Flask, no database.

Facts about bids are only ever counts the group may know: before the opening the facts hold none (sealing).
The same holds for a prequalification's requests to take part: no count of them before their opening.

A tender with a prequalification goes through its own stages first (setup, requests, their opening, the
assessment, the selection and its approvals); once the selection is final, the invited vendors bid as in any
tender.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime

from tender.core.timeline import Kind, order_problems


class Stage(enum.Enum):
    # a prequalification comes first: its announcement asks for requests; the invited get the specification
    PQ_SETUP = "pq_setup"
    PQ_REQUESTS = "pq_requests"
    PQ_DEADLINE_PASSED = "pq_deadline_passed"
    PQ_OPENED = "pq_opened"
    PQ_ASSESSMENT = "pq_assessment"
    PQ_SELECTION = "pq_selection"
    SPECIFICATION = "specification"
    APPROVALS = "approvals"
    PUBLISHED = "published"
    BIDDING = "bidding"
    DEADLINE_PASSED = "deadline_passed"
    OPENED = "opened"
    EVALUATION = "evaluation"
    CONSENSUS = "consensus"
    AWARD = "award"
    STANDSTILL = "standstill"
    CONTRACT = "contract"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    Stage.SPECIFICATION: "Kravspesifikasjon",
    Stage.APPROVALS: "Godkjenning i kommunene",
    Stage.PQ_SETUP: "Prekvalifisering: oppsett",
    Stage.PQ_REQUESTS: "Forespørsler om å delta",
    Stage.PQ_DEADLINE_PASSED: "Fristen for forespørsler er passert",
    Stage.PQ_OPENED: "Forespørslene er åpnet",
    Stage.PQ_ASSESSMENT: "Kvalifisering og utvelgelsespoeng",
    Stage.PQ_SELECTION: "Utvelgelse",
    Stage.PUBLISHED: "Kunngjort",
    Stage.BIDDING: "Tilbudsfase",
    Stage.DEADLINE_PASSED: "Tilbudsfristen er passert",
    Stage.OPENED: "Tilbudene er åpnet",
    Stage.EVALUATION: "Evaluering",
    Stage.CONSENSUS: "Konsensus",
    Stage.AWARD: "Tildeling",
    Stage.STANDSTILL: "Karensperiode",
    Stage.CONTRACT: "Kontrakt",
}

#: the stages in the order a tender goes through them
ORDER: tuple[Stage, ...] = tuple(Stage)
#: stages the app cannot reach yet (none since the award, issue 14; kept for the overview's wording)
NOT_YET: frozenset[Stage] = frozenset()
#: the stages only a tender with a prequalification goes through (before its invited vendors bid)
PREQUALIFICATION_STAGES: frozenset[Stage] = frozenset(
    {
        Stage.PQ_SETUP,
        Stage.PQ_REQUESTS,
        Stage.PQ_DEADLINE_PASSED,
        Stage.PQ_OPENED,
        Stage.PQ_ASSESSMENT,
        Stage.PQ_SELECTION,
    }
)


def stage_order(*, prequalified: bool) -> tuple[Stage, ...]:
    """The stages a tender goes through, in order: the prequalification's only where it has one."""
    return tuple(s for s in ORDER if prequalified or s not in PREQUALIFICATION_STAGES)


# The roles a step concerns (the values of tender.tenders.models.Role; plain strings keep the core pure).
LEAD, EVALUATOR, SIGNER, OBSERVER, VENDOR = "lead", "evaluator", "signer", "observer", "vendor"


@dataclass(frozen=True)
class Facts:
    now: datetime
    municipalities: tuple[str, ...] = ()
    evaluators: tuple[str, ...] = ()
    #: the number of the newest frozen specification version, None before the first
    latest_version: int | None = None
    #: on the newest version: the municipalities that approved it, and those that rejected it
    approved: tuple[str, ...] = ()
    rejected: tuple[str, ...] = ()
    published: bool = False
    model_locked: bool = False
    bid_deadline: datetime | None = None
    #: how many must confirm the opening, and the names of those who have
    opening_persons: int = 2
    confirmed_by: tuple[str, ...] = ()
    opened: bool = False
    #: after the opening only: any individual score or minimum-requirement check exists
    evaluation_started: bool = False
    #: after the opening only: evaluator name → how many criteria they have still to score on some bid
    scores_missing: tuple[tuple[str, int], ...] = ()
    consensus_open: bool = False
    #: after consensus opened: how many bid × criterion cells still lack a consensus score
    consensus_missing: int = 0
    # -- the prequalification (vendors ask to take part; only the invited bid) --
    prequalification: bool = False
    #: the setup is frozen and published with the announcement
    pq_frozen: bool = False
    participation_deadline: datetime | None = None
    #: how many must confirm the opening of the requests, and the names of those who have
    pq_opening_persons: int = 2
    pq_confirmed_by: tuple[str, ...] = ()
    pq_opened: bool = False
    #: after the requests' opening only: any assessment or selection score exists
    pq_assessment_started: bool = False
    #: after the requests' opening only: request × requirement cells not yet met or not met
    pq_assessments_missing: int = 0
    #: after the requests' opening only: qualified request × criterion cells lacking a consensus score
    pq_consensus_missing: int = 0
    #: the number of the proposal awaiting the municipalities (None: none proposed, or withdrawn)
    selection_proposed: int | None = None
    selection_asks_approval: bool = True
    #: on that proposal: the municipalities that approved it, and those that rejected it
    selection_approved: tuple[str, ...] = ()
    selection_rejected: tuple[str, ...] = ()
    selection_final: bool = False
    # -- the award (after consensus) --
    #: a recommendation (innstilling) is being drafted or signed off, and whether it is frozen for sign-off
    recommendation: bool = False
    recommendation_frozen: bool = False
    #: the municipalities that sign off the award (the bound ones, not the option municipalities)
    award_municipalities: tuple[str, ...] = ()
    #: on the frozen snapshot: the municipalities whose approval / rejection counts
    award_approved: tuple[str, ...] = ()
    award_rejected: tuple[str, ...] = ()
    #: the notices of award were issued; the standstill period they started ends at this moment
    notices_issued: bool = False
    standstill_ends_at: datetime | None = None
    contract_signed: bool = False


@dataclass(frozen=True)
class Step:
    """One thing missing before the next stage, in plain Norwegian, and the roles that must act on it."""

    text: str
    roles: frozenset[str]
    #: for a signer's step: the municipality it concerns (a signer sees only their own)
    municipality: str | None = None
    #: for an evaluator's step: the evaluator it concerns (an evaluator sees only their own)
    person: str | None = None
    #: False for a step no one can take in the app yet (the award): shown, but no one is named to act
    actionable: bool = True


@dataclass(frozen=True)
class Standing:
    stage: Stage
    steps: tuple[Step, ...] = field(default_factory=tuple)


def _prequalification_stage(facts: Facts) -> Stage | None:
    """The prequalification's stage until its selection is final (None: no prequalification, or done)."""
    if not facts.prequalification or facts.selection_final:
        return None
    if not facts.pq_frozen:
        return Stage.PQ_SETUP
    if not facts.pq_opened:
        if facts.participation_deadline is None or facts.now < facts.participation_deadline:
            return Stage.PQ_REQUESTS
        return Stage.PQ_DEADLINE_PASSED
    if facts.selection_proposed is not None:
        return Stage.PQ_SELECTION
    return Stage.PQ_ASSESSMENT if facts.pq_assessment_started else Stage.PQ_OPENED


def stage_of(facts: Facts) -> Stage:
    """The tender's stage."""
    prequalification = _prequalification_stage(facts)
    if prequalification is not None:
        return prequalification
    if facts.contract_signed:
        return Stage.CONTRACT
    if facts.notices_issued:
        over = facts.standstill_ends_at is not None and facts.now >= facts.standstill_ends_at
        return Stage.CONTRACT if over else Stage.STANDSTILL
    if facts.recommendation:
        return Stage.AWARD
    if facts.consensus_open:
        return Stage.CONSENSUS
    if facts.opened:
        return Stage.EVALUATION if facts.evaluation_started else Stage.OPENED
    if facts.published:
        if facts.bid_deadline is None:
            return Stage.PUBLISHED
        return Stage.BIDDING if facts.now < facts.bid_deadline else Stage.DEADLINE_PASSED
    if facts.latest_version is not None:
        return Stage.APPROVALS
    return Stage.SPECIFICATION


def _count(n: int, one: str, many: str) -> str:
    words = {1: "Én", 2: "To", 3: "Tre", 4: "Fire"}
    return f"{words.get(n, str(n))} {one if n == 1 else many}"


def _prequalification_steps(stage: Stage, facts: Facts) -> list[Step]:
    group = frozenset({LEAD})
    steps: list[Step] = []
    if stage is Stage.PQ_SETUP:
        steps.append(Step("Prekvalifiseringen er ikke fryst og kunngjort.", group))
        if facts.participation_deadline is None:
            steps.append(Step("Fristen for forespørsler om å delta er ikke satt.", group))
    elif stage is Stage.PQ_REQUESTS:
        if facts.participation_deadline is None:
            steps.append(Step("Fristen for forespørsler om å delta er ikke satt.", group))
        else:
            steps.append(
                Step(
                    "Forespørslene er forseglet til fristen; deretter kan de åpnes.",
                    frozenset({LEAD, EVALUATOR, OBSERVER}),
                )
            )
            steps.append(Step("Send forespørselen om å delta før fristen.", frozenset({VENDOR})))
    elif stage is Stage.PQ_DEADLINE_PASSED:
        missing = max(facts.pq_opening_persons - len(facts.pq_confirmed_by), 0)
        text = (
            _count(missing, "bekreftelse til trengs", "bekreftelser til trengs") + " for å åpne forespørslene"
        )
        if facts.pq_confirmed_by:
            text += " (bekreftet av " + ", ".join(facts.pq_confirmed_by) + ")"
        steps.append(Step(text + ".", frozenset({LEAD, EVALUATOR, OBSERVER})))
    elif stage in (Stage.PQ_OPENED, Stage.PQ_ASSESSMENT):
        # counts only from here on: the requests are opened
        if facts.pq_assessments_missing:
            steps.append(
                Step(
                    f"{facts.pq_assessments_missing} "
                    f"{'vurdering' if facts.pq_assessments_missing == 1 else 'vurderinger'} "
                    "av kvalifikasjonskrav mangler.",
                    frozenset({LEAD, EVALUATOR}),
                )
            )
        if facts.pq_consensus_missing:
            steps.append(
                Step(
                    f"{facts.pq_consensus_missing} konsensuspoeng på utvelgelseskriteriene mangler.",
                    group,
                )
            )
        steps.append(Step("Utvalget er ikke foreslått.", group))
    elif stage is Stage.PQ_SELECTION:
        for name in facts.municipalities:
            if name in facts.selection_rejected:
                steps.append(
                    Step(
                        f"{name} har avvist utvalget; prosjektleder må trekke forslaget tilbake og foreslå "
                        "på nytt.",
                        group,
                    )
                )
            elif facts.selection_asks_approval and name not in facts.selection_approved:
                steps.append(
                    Step(f"{name} har ikke godkjent utvalget.", frozenset({LEAD, SIGNER}), municipality=name)
                )
    return steps


def standing(facts: Facts) -> Standing:
    """The stage and every step missing before the next one."""
    stage = stage_of(facts)
    if stage in PREQUALIFICATION_STAGES:
        return Standing(stage, tuple(_prequalification_steps(stage, facts)))
    steps: list[Step] = []
    group = frozenset({LEAD})
    if stage is Stage.SPECIFICATION:
        if not facts.municipalities:
            steps.append(Step("Ingen kommuner er lagt til i konkurransen.", group))
        steps.append(
            Step(
                "Kravspesifikasjonen er ikke frosset som en versjon til godkjenning ennå.",
                frozenset({LEAD, EVALUATOR}),
            )
        )
    elif stage is Stage.APPROVALS:
        version = facts.latest_version
        for name in facts.municipalities:
            if name in facts.rejected:
                steps.append(
                    Step(
                        f"{name} har avvist versjon {version}; en ny versjon må fryses.",
                        frozenset({LEAD, EVALUATOR}),
                    )
                )
            elif name not in facts.approved:
                steps.append(
                    Step(
                        f"{name} har ikke godkjent versjon {version}.",
                        frozenset({LEAD, SIGNER}),
                        municipality=name,
                    )
                )
        if not facts.model_locked:
            steps.append(Step("Evalueringsmodellen er ikke låst.", group))
        if facts.bid_deadline is None:
            steps.append(Step("Tilbudsfristen er ikke satt.", group))
        if all(n in facts.approved for n in facts.municipalities):
            steps.append(Step(f"Alle kommunene har godkjent versjon {version}; den kan kunngjøres.", group))
    elif stage in (Stage.PUBLISHED, Stage.BIDDING):
        if not facts.model_locked:
            steps.append(Step("Evalueringsmodellen er ikke låst.", group))
        if facts.bid_deadline is None:
            steps.append(Step("Tilbudsfristen er ikke satt.", group))
        else:
            steps.append(
                Step(
                    "Tilbudene er forseglet til tilbudsfristen; deretter kan de åpnes.",
                    frozenset({LEAD, EVALUATOR, OBSERVER}),
                )
            )
            steps.append(Step("Lever tilbudet før tilbudsfristen.", frozenset({VENDOR})))
    elif stage is Stage.DEADLINE_PASSED:
        missing = max(facts.opening_persons - len(facts.confirmed_by), 0)
        text = _count(missing, "bekreftelse til trengs", "bekreftelser til trengs") + " for å åpne tilbudene"
        if facts.confirmed_by:
            text += " (bekreftet av " + ", ".join(facts.confirmed_by) + ")"
        steps.append(Step(text + ".", frozenset({LEAD, EVALUATOR, OBSERVER})))
    elif stage in (Stage.OPENED, Stage.EVALUATION):
        if not facts.evaluators:
            steps.append(Step("Konkurransen har ingen evaluatorer.", group))
        for name, count in facts.scores_missing:
            if count:
                steps.append(
                    Step(
                        f"{name} har ikke gitt poeng på {count} "
                        f"{'kriterium' if count == 1 else 'kriterier'}.",
                        frozenset({LEAD, EVALUATOR}),
                        person=name,
                    )
                )
        steps.append(Step("Konsensusfasen er ikke åpnet.", group))
    elif stage is Stage.CONSENSUS:
        if facts.consensus_missing:
            steps.append(Step(f"{facts.consensus_missing} konsensuspoeng mangler.", group))
        steps.append(Step("Innstillingen til tildeling er ikke laget.", group))
    elif stage is Stage.AWARD:
        steps += _award_steps(facts)
    elif stage is Stage.STANDSTILL:
        steps.append(
            Step("Karensperioden er ikke over; kontrakten kan signeres først når den er over.", group)
        )
    elif stage is Stage.CONTRACT and not facts.contract_signed:
        steps.append(Step("Den signerte kontrakten er ikke registrert.", group))
    return Standing(stage, tuple(steps))


def _award_steps(facts: Facts) -> list[Step]:
    group = frozenset({LEAD})
    if not facts.recommendation_frozen:
        return [Step("Innstillingen er ikke låst for godkjenning i kommunene.", group)]
    steps: list[Step] = []
    for name in facts.award_municipalities:
        if name in facts.award_rejected:
            steps.append(
                Step(
                    f"{name} har avvist innstillingen; en ny innstilling må lages.",
                    group,
                )
            )
        elif name not in facts.award_approved:
            steps.append(
                Step(f"{name} har ikke godkjent innstillingen.", frozenset({LEAD, SIGNER}), municipality=name)
            )
    if not steps:
        steps.append(
            Step("Alle kommunene har godkjent innstillingen; meddelelsene om tildeling kan sendes.", group)
        )
    return steps


def steps_for(
    found: Standing, roles: frozenset[str], *, municipalities: frozenset[str] = frozenset(), name: str = ""
) -> tuple[Step, ...]:
    """The steps that concern someone with ``roles``: the lead sees every step of the group; a signer only
    their own municipalities' approvals; an evaluator only their own missing scores."""

    def concerns(step: Step) -> bool:
        matching = step.roles & roles
        if not matching:
            return False
        if LEAD in roles:
            return True
        if step.municipality is not None and matching == {SIGNER}:
            return step.municipality in municipalities
        if step.person is not None:
            return step.person == name
        return True

    return tuple(s for s in found.steps if concerns(s))


def deadline_problems(
    *, participation: datetime | None, questions: datetime | None, bid: datetime | None
) -> dict[str, list[str]]:
    """The deadlines' order, checked against each other: the request to take part comes before the questions
    and the bids, the questions before the bids (a vendor must have the answers before it bids). Field name →
    Norwegian messages; empty when they are in order (a deadline not set is not checked). The order itself is
    the timeline's (tender.core.timeline.order_problems), so the form and the timeline page agree."""
    moments = {
        Kind.PARTICIPATION_DEADLINE: [participation] if participation is not None else [],
        Kind.QUESTIONS_DEADLINE: [questions] if questions is not None else [],
        Kind.BID_DEADLINE: [bid] if bid is not None else [],
    }
    problems: dict[str, list[str]] = {}
    # the questions' pair first: the form shows the messages of a field in this order
    found = sorted(order_problems(moments), key=lambda p: p.values["earlier"] != "questions_deadline")
    for problem in found:
        pair = (problem.values["earlier"], problem.values["later"])
        problems.setdefault(str(pair[0]), []).append(_DEADLINE_ORDER[pair])
    return problems


_DEADLINE_ORDER: dict[tuple[object, object], str] = {
    ("questions_deadline", "bid_deadline"): (
        "Fristen for spørsmål må ligge før tilbudsfristen, så leverandørene får svar før de leverer."
    ),
    ("participation_deadline", "questions_deadline"): (
        "Fristen for forespørsel om å delta må ligge før fristen for spørsmål."
    ),
    (
        "participation_deadline",
        "bid_deadline",
    ): "Fristen for forespørsel om å delta må ligge før tilbudsfristen.",
}
