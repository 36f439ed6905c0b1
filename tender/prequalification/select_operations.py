"""Ranking and selection: where each submitted request stands (qualified, not qualified, not yet decided,
excluded), the ranking by weighted selection score (the prequalification core, which reuses the scoring
core: no scores are computed here), the recorded decision on a tie at the cut-off, the lead's proposal of the
invited set bound to a hash, each municipality's approval of that very hash, and the final outcomes.

Only the rules of ``tender.prequalification.permissions`` let anyone here; these functions assume the
requests have been opened (the views check ``view_requests``/``decide_selection``/``approve_selection``) and
check the state themselves (an operation never trusts a view).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from tender import audit, clock
from tender.core import prequalification as core
from tender.core.scoring import Problem, RequirementStatus
from tender.errors import DomainError
from tender.extensions import db
from tender.formatting import format_decimal
from tender.prequalification.models import (
    ExclusionAssessment,
    ExclusionGround,
    ParticipationRequest,
    Prequalification,
    QualificationAssessment,
    RequestOpening,
    RequestOutcome,
    SelectionApproval,
    SelectionConsensusScore,
    SelectionCriterion,
    SelectionProposal,
    SelectionTieBreak,
)
from tender.prequalification.queries import criteria_of, requirements_of, submitted_requests
from tender.requirements.permissions import sign_for
from tender.tenders.models import Municipality, Tender
from tender.web import prequalification_messages as wording

# how a request stands on the qualification requirements and the grounds for exclusion
QUALIFIED = "qualified"
NOT_QUALIFIED = "not_qualified"
UNDECIDED = "undecided"
EXCLUDED = "excluded"

STANDING_LABELS = {
    QUALIFIED: "Kvalifisert",
    NOT_QUALIFIED: "Ikke kvalifisert",
    UNDECIDED: "Ikke avgjort ennå",
    EXCLUDED: "Avvist (avvisningsgrunn)",
}


@dataclass(frozen=True)
class RequestStanding:
    """One submitted request as the selection sees it."""

    request: ParticipationRequest
    standing: str  #: QUALIFIED, NOT_QUALIFIED, UNDECIDED or EXCLUDED
    #: requirement text → the justification, for every requirement not met
    not_met: list[tuple[str, str]] = field(default_factory=list)
    #: requirement texts still marked "needs clarification" or not assessed at all
    open_requirements: list[str] = field(default_factory=list)
    #: ground text → the reason, for every ground found to apply
    exclusions: list[tuple[str, str]] = field(default_factory=list)
    #: criterion id → the consensus score (None: not agreed yet)
    scores: dict[int, Decimal | None] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return str(self.request.id)

    @property
    def name(self) -> str:
        return str(self.request.vendor.name)

    @property
    def label(self) -> str:
        return STANDING_LABELS[self.standing]

    @property
    def missing_scores(self) -> list[int]:
        return [cid for cid, score in self.scores.items() if score is None]


@dataclass(frozen=True)
class Selection:
    """Everything the ranking page and the proposal rest on."""

    tender: Tender
    setup: Prequalification
    criteria: list[SelectionCriterion]
    standings: list[RequestStanding]
    ranking: core.Ranking
    tie_break: SelectionTieBreak | None
    #: the tie at the cut-off before any decision: what a decision must order
    open_tie: core.CutOffTie | None

    def standing_of(self, request_id: str) -> RequestStanding:
        return next(s for s in self.standings if s.key == request_id)

    @property
    def undecided(self) -> list[RequestStanding]:
        return [s for s in self.standings if s.standing == UNDECIDED]

    @property
    def missing_scores(self) -> list[RequestStanding]:
        """The qualified requests that still lack a consensus score (listed, never silently skipped)."""
        return [s for s in self.standings if s.standing == QUALIFIED and s.missing_scores]

    @property
    def tie_decisions(self) -> list[core.TieDecision]:
        if self.tie_break is None:
            return []
        return [core.TieDecision(tuple(str(i) for i in self.tie_break.order), self.tie_break.reason)]

    def suggested(self) -> list[str]:
        """The top of the ranking as far as the maximum (every eligible one without a maximum)."""
        proposal = self.ranking.proposal()
        if proposal is not None:
            return list(proposal)
        # blocked (a tie, missing scores): prefill what the ranking places within the maximum for certain
        return [r.request.id for r in self.ranking.rows if r.within_maximum]


def setup_of(tender: Tender) -> Prequalification:
    setup = db.session.scalar(select(Prequalification).where(Prequalification.tender_id == tender.id))
    if setup is None or not setup.enabled:
        raise DomainError("Konkurransen har ingen prekvalifisering.")
    return setup


def _check_opened(tender: Tender) -> None:
    if db.session.scalar(select(RequestOpening.id).where(RequestOpening.tender_id == tender.id)) is None:
        raise DomainError("Forespørslene er ikke åpnet ennå.")


def _standings(tender: Tender, criteria: list[SelectionCriterion]) -> list[RequestStanding]:
    requests = submitted_requests(tender)
    ids = [r.id for r in requests]
    requirements = requirements_of(tender)
    grounds = {
        g.id: g
        for g in db.session.scalars(select(ExclusionGround).where(ExclusionGround.tender_id == tender.id))
    }
    assessments: dict[tuple[int, int], QualificationAssessment] = {
        (a.request_id, a.requirement_id): a
        for a in db.session.scalars(
            select(QualificationAssessment).where(QualificationAssessment.request_id.in_(ids))
        )
    }
    exclusions: dict[int, list[ExclusionAssessment]] = {}
    for e in db.session.scalars(
        select(ExclusionAssessment)
        .where(ExclusionAssessment.request_id.in_(ids), ExclusionAssessment.applies.is_(True))
        .order_by(ExclusionAssessment.id)
    ):
        exclusions.setdefault(e.request_id, []).append(e)
    consensus: dict[tuple[int, int], Decimal] = {
        (c.request_id, c.criterion_id): c.score
        for c in db.session.scalars(
            select(SelectionConsensusScore).where(SelectionConsensusScore.request_id.in_(ids))
        )
    }
    rows = []
    for r in requests:
        not_met, still_open = [], []
        for req in requirements:
            a = assessments.get((r.id, req.id))
            if a is None or a.status is RequirementStatus.CLARIFY:
                still_open.append(req.text)
            elif a.status is RequirementStatus.NOT_MET:
                not_met.append((req.text, a.justification))
        applied = [(grounds[e.ground_id].text, e.reason) for e in exclusions.get(r.id, [])]
        if applied:
            standing = EXCLUDED
        elif not_met:
            standing = NOT_QUALIFIED
        elif still_open:
            standing = UNDECIDED
        else:
            standing = QUALIFIED
        scores = {c.id: consensus.get((r.id, c.id)) for c in criteria}
        rows.append(RequestStanding(r, standing, not_met, still_open, applied, scores))
    return rows


def _core_criteria(criteria: list[SelectionCriterion]) -> list[core.SelectionCriterion]:
    return [core.SelectionCriterion(str(c.id), c.name, c.weight, c.description) for c in criteria]


def _core_requests(standings: list[RequestStanding]) -> list[core.Request]:
    # a request not yet decided is not ranked (qualified=False for the core); the proposal refuses while any
    # is undecided, so it never counts as "not qualified" in a decision
    return [
        core.Request(
            s.key,
            s.name,
            qualified=s.standing in (QUALIFIED, EXCLUDED),
            excluded=s.standing == EXCLUDED,
            scores={str(cid): score for cid, score in s.scores.items()},
        )
        for s in standings
    ]


def selection_of(tender: Tender) -> Selection:
    """The standing of every submitted request and the ranking, with the recorded tie decision in force."""
    setup = setup_of(tender)
    criteria = criteria_of(tender)
    standings = _standings(tender, criteria)
    model = core.selection_model(_core_criteria(criteria))
    tie = db.session.scalar(select(SelectionTieBreak).where(SelectionTieBreak.tender_id == tender.id))
    requests = _core_requests(standings)
    order = tuple(str(i) for i in tie.order) if tie is not None else ()
    ranking = core.rank_requests(model, requests, order, setup.maximum_candidates)
    undecided_tie = core.rank_requests(model, requests, (), setup.maximum_candidates).cutoff_tie
    return Selection(tender, setup, criteria, standings, ranking, tie, undecided_tie)


def _message(selection: Selection, problem: Problem) -> str:
    if problem.code == "selection_score_missing":
        names = {str(c.id): c.name for c in selection.criteria}
        values = dict(problem.values)
        values["criterion_names"] = tuple(names.get(i, i) for i in values.get("criteria", ()))
        problem = Problem(problem.place, problem.code, values)
    return wording.message(problem)


def problems_in_words(selection: Selection, problems: list[Problem] | tuple[Problem, ...]) -> list[str]:
    return [_message(selection, p) for p in problems]


# -- the tie at the cut-off ------------------------------------------------------------------------
def decide_tie(tender: Tender, order: list[int], reason: str, *, actor: Any) -> SelectionTieBreak:
    """Record the lead's decision ordering the requests tied at the cut-off, with its reason (never the
    order of submission). A new decision replaces the old one; both are in the audit trail."""
    _check_opened(tender)
    _check_no_live_proposal(tender)
    selection = selection_of(tender)
    tie = selection.open_tie
    if tie is None:
        raise DomainError("Det er ingen likhet ved grensen for hvem som inviteres; ingen beslutning trengs.")
    if not reason.strip():
        raise DomainError("Skriv begrunnelsen for rekkefølgen.", field="reason")
    given = [str(i) for i in order]
    if sorted(given) != sorted(tie.request_ids) or len(set(given)) != len(given):
        raise DomainError(
            "Rekkefølgen må ta med hver av de likestilte forespørslene nøyaktig én gang: "
            + wording.names([selection.standing_of(i).name for i in tie.request_ids])
            + ".",
            field="order",
        )
    row = selection.tie_break
    if row is None:
        row = SelectionTieBreak(tender_id=tender.id, order_json="[]", reason="-")
        db.session.add(row)
    row.order_json = json.dumps([int(i) for i in given])
    row.reason = reason.strip()
    row.decided_by_id = getattr(actor, "id", None)
    row.decided_at = clock.now()
    db.session.flush()
    audit.record(
        "prequalification.tie_decided",
        row,
        actor=actor,
        payload={
            "order": [selection.standing_of(i).request.vendor.organisasjonsnummer for i in given],
            "total": core.exact_text(tie.total),
            "reason": row.reason,
        },
    )
    return row


# -- the proposal ------------------------------------------------------------------------------------
def proposals_of(tender: Tender) -> list[SelectionProposal]:
    return list(
        db.session.scalars(
            select(SelectionProposal)
            .where(SelectionProposal.tender_id == tender.id)
            .order_by(SelectionProposal.number)
        )
    )


def live_proposal(tender: Tender) -> SelectionProposal | None:
    """The proposal in force: the final one, or the newest not withdrawn."""
    for p in reversed(proposals_of(tender)):
        if p.final_at is not None or p.withdrawn_at is None:
            return p
    return None


def _check_no_live_proposal(tender: Tender) -> None:
    live = live_proposal(tender)
    if live is not None and live.final_at is not None:
        raise DomainError("Utvelgelsen er endelig og kan ikke endres.")
    if live is not None:
        raise DomainError(
            f"Forslag nr. {live.number} venter på godkjenning; trekk det tilbake før utvelgelsen endres."
        )


def _fmt(value: Any) -> str:
    return format_decimal(value, 2)


def _reasons(selection: Selection, invited: set[str]) -> dict[str, str]:
    """Why each submitted request not invited is left out, from the recorded assessment and the ranking."""
    reasons: dict[str, str] = {}
    size = len(invited)
    for s in selection.standings:
        if s.key in invited:
            continue
        if s.standing == EXCLUDED:
            reasons[s.key] = "Avvist: " + "; ".join(f"{g} ({why})" for g, why in s.exclusions)
        elif s.standing == NOT_QUALIFIED:
            reasons[s.key] = "Oppfyller ikke kvalifikasjonskrav: " + "; ".join(
                f"{text} ({why})" for text, why in s.not_met
            )
        else:
            row = selection.ranking.get(s.key)
            if row is not None:
                reasons[s.key] = (
                    f"Rangert som nr. {row.rank} med {_fmt(row.total)} poeng; {size} kandidater er valgt ut "
                    "etter utvelgelseskriteriene."
                )
            else:
                reasons[s.key] = "Ikke rangert: mangler konsensuspoeng."
    return reasons


def _record(selection: Selection, invited: set[str], number: int) -> dict[str, Any]:
    form = core.selection_canonical_form(
        selection.ranking, invited, selection.tie_decisions, selection.setup.frozen_sha256
    )
    form["number"] = number
    form["tender"] = selection.tender.id
    form["names"] = {s.key: s.name for s in selection.standings}
    form["reasons"] = _reasons(selection, invited)
    return form


def propose(tender: Tender, invited: list[int], *, actor: Any) -> SelectionProposal:
    """The lead proposes the invited set; checked against the ranking (the announced minimum where enough
    qualified, the maximum, the ranking's order, no unresolved tie at the cut-off), recorded with the ranking
    it rests on and bound to the SHA-256 of its canonical JSON. Final at once when no approval is asked."""
    setup = setup_of(tender)
    _check_opened(tender)
    _check_no_live_proposal(tender)
    selection = selection_of(tender)
    if selection.undecided:
        raise DomainError(
            "Kvalifikasjonen er ikke avgjort for "
            + wording.names([s.name for s in selection.undecided])
            + "; alle krav må være vurdert som oppfylt eller ikke oppfylt før utvelgelsen."
        )
    keys = [str(i) for i in invited]
    problems = core.check_invitation(selection.ranking, keys, setup.minimum_candidates)
    if problems:
        words = problems_in_words(selection, problems)
        raise DomainError(words[0], reasons={"": words})
    number = max((p.number for p in proposals_of(tender)), default=0) + 1
    record = _record(selection, set(keys), number)
    body = core.canonical_bytes(record)
    proposal = SelectionProposal(
        tender_id=tender.id,
        number=number,
        proposed_at=clock.now(),
        proposed_by_id=getattr(actor, "id", None),
        record_json=body.decode("utf-8"),
        sha256=core.sha256_hex(body),
    )
    db.session.add(proposal)
    db.session.flush()
    audit.record(
        "prequalification.selection_proposed",
        proposal,
        actor=actor,
        payload={
            "number": number,
            "sha256": proposal.sha256,
            "invited": sorted(selection.standing_of(k).request.vendor.organisasjonsnummer for k in keys),
        },
    )
    if not setup.signers_approve_selection:
        _make_final(selection, proposal, actor=actor)
    return proposal


def withdraw(tender: Tender, proposal: SelectionProposal, *, actor: Any) -> None:
    """The lead withdraws a proposal that is not final (after a rejection, say) so a new one can be made."""
    if proposal.tender_id != tender.id:
        raise DomainError("Forslaget finnes ikke.")
    if proposal.final_at is not None:
        raise DomainError("Utvelgelsen er endelig og kan ikke trekkes tilbake.")
    if proposal.withdrawn_at is not None:
        raise DomainError(f"Forslag nr. {proposal.number} er allerede trukket tilbake.")
    proposal.withdrawn_at = clock.now()
    db.session.flush()
    audit.record(
        "prequalification.selection_withdrawn",
        proposal,
        actor=actor,
        payload={"number": proposal.number, "sha256": proposal.sha256},
    )


def missing_approvals(tender: Tender, proposal: SelectionProposal) -> list[Municipality]:
    approved = {a.municipality_id for a in proposal.approvals if a.approved}
    return [m for m in tender.participating_municipalities if m.id not in approved]


def rejections(proposal: SelectionProposal) -> list[SelectionApproval]:
    return [a for a in proposal.approvals if not a.approved]


def decide_approval(
    tender: Tender,
    proposal: SelectionProposal,
    municipality: Municipality,
    *,
    approve: bool,
    comment: str,
    sha256: str,
    signer: Any,
) -> SelectionApproval:
    """A municipality's signer approves or rejects exactly the proposal they read (bound to its hash), only
    for their own municipality; the last approval makes the selection final."""
    setup = setup_of(tender)
    if proposal.tender_id != tender.id:
        raise DomainError("Forslaget finnes ikke.")
    if not setup.signers_approve_selection:
        raise DomainError("Utvelgelsen skal ikke godkjennes av kommunene i denne konkurransen.")
    if municipality not in tender.participating_municipalities or not sign_for(signer, tender, municipality):
        raise DomainError(f"Du er ikke godkjenner for {municipality.name} i denne konkurransen.")
    if proposal.final_at is not None:
        raise DomainError("Utvelgelsen er allerede endelig.")
    if proposal.withdrawn_at is not None or live_proposal(tender) is not proposal:
        raise DomainError(f"Forslag nr. {proposal.number} er trukket tilbake; ta stilling til det nyeste.")
    if sha256 != proposal.sha256:
        raise DomainError("Forslaget du leste er ikke det som er lagret. Last siden på nytt.")
    if core.sha256_hex(proposal.record_json.encode("utf-8")) != proposal.sha256:
        raise DomainError(
            "Forslaget som er lagret, stemmer ikke med sin egen kontrollsum; det kan ikke godkjennes."
        )
    if not approve and not comment.strip():
        raise DomainError("Skriv en begrunnelse når du avviser.", field="comment")
    if any(a.municipality_id == municipality.id for a in proposal.approvals):
        raise DomainError(
            f"{municipality.name} har allerede tatt stilling til forslag nr. {proposal.number}."
        )
    selection = selection_of(tender)
    if approve and not _still_matches(selection, proposal):
        raise DomainError(
            "Rangeringen er endret etter at forslaget ble laget; lederen må trekke det tilbake og "
            "foreslå på nytt."
        )
    approval = SelectionApproval(
        proposal_id=proposal.id,
        municipality_id=municipality.id,
        signer_id=signer.id,
        signer_name=signer.name,
        approved=approve,
        comment=comment.strip(),
        sha256=proposal.sha256,
        decided_at=clock.now(),
    )
    proposal.approvals.append(approval)
    db.session.flush()
    audit.record(
        "prequalification.selection_approved" if approve else "prequalification.selection_rejected",
        proposal,
        actor=signer,
        payload={
            "number": proposal.number,
            "municipality": municipality.kommunenummer,
            "sha256": proposal.sha256,
            "comment": approval.comment,
        },
    )
    if approve and not missing_approvals(tender, proposal):
        _make_final(selection, proposal, actor=signer)
    return approval


def _still_matches(selection: Selection, proposal: SelectionProposal) -> bool:
    """The ranking, the tie decision and the setup the proposal was made under are still the same."""
    record = proposal.record
    current = core.selection_canonical_form(
        selection.ranking, record.get("invited", []), selection.tie_decisions, selection.setup.frozen_sha256
    )
    return all(record.get(k) == v for k, v in current.items())


def _make_final(selection: Selection, proposal: SelectionProposal, *, actor: Any) -> None:
    invited = set(proposal.record.get("invited", []))
    proposal.final_at = clock.now()
    counts = {o: 0 for o in RequestOutcome}
    for s in selection.standings:
        if s.key in invited:
            outcome = RequestOutcome.INVITED
        elif s.standing in (NOT_QUALIFIED, EXCLUDED):
            outcome = RequestOutcome.REJECTED
        else:
            outcome = RequestOutcome.NOT_SELECTED
        s.request.outcome = outcome
        counts[outcome] += 1
    db.session.flush()
    audit.record(
        "prequalification.selection_final",
        proposal,
        actor=actor,
        payload={
            "number": proposal.number,
            "sha256": proposal.sha256,
            "invited": counts[RequestOutcome.INVITED],
            "not_selected": counts[RequestOutcome.NOT_SELECTED],
            "rejected": counts[RequestOutcome.REJECTED],
        },
    )
