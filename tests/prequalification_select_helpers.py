"""Builders for the selection tests: a prequalified tender whose six requests are submitted, opened, assessed
and scored by consensus, ready to be ranked and selected.

The opening, the qualification assessments and the consensus scores are rows written directly (their own
part builds them through its operations); the selection's own steps go through tender.prequalification's
select operations in the tests.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from tests.prequalification_helpers import PQ_AFTER, PqSetup, live_builders, pq_setup, submitted_request

#: the consensus score (the same on every criterion, so the weighted total is this number) per vendor:
#: Arkivus 9, Bokskapet 8, Casefile 7, Dokumenta and Elark tied at 6 (at the cut-off with a maximum of 4),
#: Fjordsak 5 but not qualified (its reference requirement is not met)
SCORES = [Decimal("9"), Decimal("8"), Decimal("7"), Decimal("6"), Decimal("6"), Decimal("5")]
NOT_QUALIFIED = 5


@dataclass
class SelectWorld:
    s: PqSetup
    requests: list[Any]

    @property
    def tender(self) -> Any:
        return self.s.tender

    def ids(self, *indexes: int) -> list[int]:
        return [self.requests[i].id for i in indexes]


def open_requests(db: Any, s: PqSetup) -> Any:
    from tender.prequalification.models import RequestOpening

    opening = RequestOpening(
        tender_id=s.tender.id,
        opened_at=PQ_AFTER,
        opened_by_id=s.lead.id,
        opened_by_name=s.lead.name,
        persons_required=2,
        record_json=json.dumps({"opened_at": PQ_AFTER.isoformat()}),
    )
    db.session.add(opening)
    db.session.commit()
    return opening


def assess(db: Any, s: PqSetup, request: Any, *, failing: int | None = None, clarify: bool = False) -> None:
    """Every requirement met, except requirement ``failing`` (index) which is not met (or needs
    clarification with ``clarify``)."""
    from tender.core.scoring import RequirementStatus
    from tender.prequalification.models import QualificationAssessment

    for i, req in enumerate(s.requirements):
        st = RequirementStatus.MET
        why = "Dokumentasjonen viser at kravet er oppfylt."
        if i == failing:
            st = RequirementStatus.CLARIFY if clarify else RequirementStatus.NOT_MET
            why = (
                "Bare én referanse med Noark 5 er dokumentert." if not clarify else "Referansen må avklares."
            )
        db.session.add(
            QualificationAssessment(
                request_id=request.id,
                requirement_id=req.id,
                status=st,
                justification=why,
                assessed_by_id=s.evaluators[0].id,
                assessed_at=PQ_AFTER,
            )
        )
    db.session.commit()


def score(db: Any, s: PqSetup, request: Any, value: Decimal, *, skip: int | None = None) -> None:
    from tender.prequalification.models import SelectionConsensusScore

    for i, c in enumerate(s.criteria):
        if i == skip:
            continue
        db.session.add(
            SelectionConsensusScore(
                request_id=request.id,
                criterion_id=c.id,
                score=value,
                justification=f"Gruppen er enig om {value} poeng.",
                set_by_id=s.lead.id,
                updated_at=PQ_AFTER,
            )
        )
    db.session.commit()


def select_world(
    db: Any, create_tender: Any, add_member: Any, create_user: Any, *, signers_approve: bool = True
) -> SelectWorld:
    """Six requests submitted, opened, assessed and scored: see SCORES."""
    s = pq_setup(db, create_tender, add_member, create_user, signers_approve=signers_approve)
    requests = [submitted_request(db, s, i) for i in range(6)]
    open_requests(db, s)
    for i, r in enumerate(requests):
        assess(db, s, r, failing=3 if i == NOT_QUALIFIED else None)
        score(db, s, r, SCORES[i])
    return SelectWorld(s, requests)


@dataclass(frozen=True)
class LiveSelectWorld:
    tender_id: int
    lead: str
    signers: list[str]
    #: the vendors' names in the order of SCORES (the live database may know a company by another name)
    names: list[str]
    request_ids: list[int]


def live_select_world(app: Any) -> LiveSelectWorld:
    """``select_world`` in a live server's own database (committed for real); the clock is left one second
    after the request deadline: restore it with ``tests.evaluation_helpers.restore_clock``."""

    from tender.extensions import db as database
    from tests.evaluation_helpers import Clock

    b = live_builders(database, title="Utvelgelse", case_reference="2026/0112")
    app.config["CLOCK"] = Clock(PQ_AFTER)
    with app.app_context():
        w = select_world(database, b.create_tender, b.add_member, b.create_user)
        return LiveSelectWorld(
            w.tender.id,
            w.s.lead.email,
            [u.email for u in w.s.signers],
            [r.vendor.name for r in w.requests],
            [r.id for r in w.requests],
        )
