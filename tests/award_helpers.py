"""A frozen recommendation approved by every bound municipality, built through the award's own operations
(tender.award.recommendation_operations): drafted on the scored final round, every text written, frozen as
its snapshot, and signed off by each bound municipality's signer with the decision behind it."""

from __future__ import annotations

from typing import Any


def approved_recommendation(tender: Any, *, approve: int | None = None) -> Any:
    """A frozen recommendation of the tender's scored current round, approved by every bound municipality's
    signer (``approve=n``: by the first n only). Flushed, not committed."""
    from tender.award import recommendation_operations as ops
    from tender.award.models import DecisionBody, SignOffDecision
    from tender.clock import now
    from tender.formatting import OSLO
    from tender.tenders.models import Role

    lead = next(m.user for m in tender.memberships if m.role is Role.LEAD)
    rec = ops.start_draft(tender, actor=lead)
    draft = ops.draft_of(tender, rec)
    ops.save_texts(
        tender,
        rec,
        {
            s.name: (
                f"Det valgte tilbudet er best på «{s.criterion.name}»."
                if s.winner
                else f"Bedre enn tilbudet fra {s.bid.vendor.name} på «{s.criterion.name}»."
            )
            for s in draft.slots
        },
        "Best samlet kvalitet og pris.",
        actor=lead,
    )
    ops.freeze(tender, rec, actor=lead)
    bound = tender.bound_municipalities
    for m in bound[: len(bound) if approve is None else approve]:
        signer = next(
            ms.user for ms in tender.memberships if ms.role is Role.SIGNER and ms.municipality_id == m.id
        )
        ops.sign_off(
            tender,
            rec,
            m,
            ops.Decision(
                decision=SignOffDecision.APPROVED,
                comment="",
                body=DecisionBody.KOMMUNEDIREKTOR,
                decision_date=now().astimezone(OSLO).date(),
                case_number=f"26/{100 + m.id}",
            ),
            shown_hash=rec.content_sha256,
            signer=signer,
        )
    return rec
