"""A frozen recommendation approved by every bound municipality, built directly from rows.

The recommendation part (recommendation_operations) is built in parallel with the notices; until it is
merged these builders write what it will write: a FROZEN Recommendation whose ``content_json`` is the shared
snapshot format (tender.award's models and the round's facts) with its real SHA-256, its RecommendationText
rows, and one approving AwardSignOff per bound municipality by that municipality's signer. The integrator
switches ``approved_recommendation`` to the real operations.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any


def _dec(value: Fraction | None) -> str | None:
    if value is None:
        return None
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return str(exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def snapshot_of(tender: Any, *, summary: str = "") -> tuple[dict[str, Any], list[tuple[str, int, str]]]:
    """The snapshot of the tender's scored current round (the shared format), and its texts as
    (criterion key, bid id, text)."""
    from tender.evaluation import operations as ev
    from tender.evaluation_model import operations as model_ops

    built = ev.build_case(tender, with_individual=False)
    assert built.result is not None, built.problems
    rows = model_ops.criteria_of(tender)
    leaves = model_ops.leaves_of(rows)
    by_case_id = {ev.case_bid_id(b): b for b in built.bids}
    ranked = built.result.ranked()
    bids = []
    for r in ranked:
        bid = by_case_id[r.bid.id]
        bids.append(
            {
                "bid_id": bid.id,
                "vendor_id": bid.vendor_id,
                "vendor": bid.vendor.name,
                "rejected": bool(bid.rejected),
                "rejection_reason": bid.rejection_reason or "",
                "rank": r.rank,
                "total": _dec(r.total) if r.total is not None else None,
                "points": {
                    c.key: _dec(r.criteria[c.key].points)
                    for c in leaves
                    if c.key in r.criteria and r.criteria[c.key].points is not None
                },
                "price": _dec(built.prices.get(bid.id)),
            }
        )
    winner = bids[0]
    texts: list[tuple[str, int, str]] = []
    for c in leaves:
        texts.append((c.key, winner["bid_id"], f"Det valgte tilbudet er best på {c.name.lower()}."))
        for other in bids[1:]:
            if not other["rejected"]:
                texts.append(
                    (c.key, other["bid_id"], f"Bedre enn tilbudet fra {other['vendor']} på {c.name.lower()}.")
                )
    snapshot = {
        "tender": {"id": tender.id, "title": tender.title, "case_reference": tender.case_reference},
        "round_no": tender.current_round,
        "criteria": [{"id": c.id, "key": c.key, "name": c.name, "weight": str(c.weight)} for c in leaves],
        "bids": bids,
        "winner_bid_id": winner["bid_id"],
        "texts": [{"criterion_key": k, "bid_id": b, "text": t} for k, b, t in texts],
        "summary": summary or f"{winner['vendor']} har det beste forholdet mellom pris og kvalitet.",
        "cost_split": {},
        "municipalities": {
            kind: [{"id": m.id, "name": m.name, "kommunenummer": m.kommunenummer} for m in found]
            for kind, found in (
                ("bound", tender.bound_municipalities),
                ("option", tender.option_municipalities),
            )
        },
    }
    return snapshot, texts


def canonical(snapshot: dict[str, Any]) -> str:
    return json.dumps(snapshot, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def approved_recommendation(tender: Any, *, approve: int | None = None) -> Any:
    """A frozen recommendation of the tender's scored current round, approved by every bound municipality's
    signer (``approve=n``: by the first n only). Flushed, not committed."""
    from tender.award.models import (
        AwardSignOff,
        DecisionBody,
        Recommendation,
        RecommendationState,
        RecommendationText,
        SignOffDecision,
    )
    from tender.clock import now
    from tender.evaluation_model import operations as model_ops
    from tender.extensions import db
    from tender.tenders.models import Role

    snapshot, texts = snapshot_of(tender)
    content = canonical(snapshot)
    digest = hashlib.sha256(content.encode("utf-8")).hexdigest()
    lead = next(m.user for m in tender.memberships if m.role is Role.LEAD)
    rec = Recommendation(
        tender_id=tender.id,
        number=1,
        round_no=snapshot["round_no"],
        state=RecommendationState.FROZEN,
        winner_bid_id=snapshot["winner_bid_id"],
        summary=snapshot["summary"],
        created_by_name=lead.name,
        frozen_at=now(),
        frozen_by_name=lead.name,
        content_json=content,
        content_sha256=digest,
    )
    db.session.add(rec)
    db.session.flush()
    ids = {c.key: c.id for c in model_ops.criteria_of(tender)}
    for key, bid_id, text in texts:
        db.session.add(
            RecommendationText(recommendation_id=rec.id, criterion_id=ids[key], bid_id=bid_id, text=text)
        )
    bound = tender.bound_municipalities
    for m in bound[: len(bound) if approve is None else approve]:
        signer = next(
            ms.user for ms in tender.memberships if ms.role is Role.SIGNER and ms.municipality_id == m.id
        )
        db.session.add(
            AwardSignOff(
                recommendation_id=rec.id,
                municipality_id=m.id,
                content_sha256=digest,
                decision=SignOffDecision.APPROVED,
                comment="",
                body=DecisionBody.KOMMUNEDIREKTOR,
                decision_date=date(2026, 12, 16),
                case_number=f"26/{100 + m.id}",
                signer_id=signer.id,
                signer_name=signer.name,
            )
        )
    db.session.flush()
    db.session.refresh(rec)
    return rec
