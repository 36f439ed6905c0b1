"""The demo's recommendation (for the ``awarded`` stage, on top of ``negotiated``): the lead drafts the
recommendation from the scored final round, writes per criterion the winning bid's characteristics and its
advantages over each other bid (worded from the demo's own consensus scores, justifications and evaluated
prices), freezes it, and every bound municipality's signer approves it with the decision behind it. Everything
goes through ``tender.award.recommendation_operations``, as the pages do.

Demo data only: the bodies, dates and case numbers of the municipalities' decisions are made up.
"""

from __future__ import annotations

from datetime import timedelta
from fractions import Fraction

from tender.award import recommendation_operations as ops
from tender.award.models import DecisionBody, Recommendation, RecommendationState, SignOffDecision
from tender.award.operations import current_recommendation, signers_municipalities, valid_sign_offs
from tender.clock import now
from tender.demo.stages import _lead, signer_of
from tender.evaluation import operations as ev
from tender.formatting import OSLO, format_decimal, format_money
from tender.tenders.models import Tender

#: the body that decided in each municipality, in turn: most delegate the award to the chief executive
BODIES = [DecisionBody.KOMMUNEDIREKTOR, DecisionBody.FORMANNSKAP, DecisionBody.KOMMUNESTYRE]


def _points(built: ev.Built, bid: object, key: str) -> Fraction | None:
    assert built.result is not None
    found = built.result.get(ev.case_bid_id(bid)).criteria.get(key)  # type: ignore[arg-type]
    return found.points if found is not None else None


def _texts(tender: Tender, rec: Recommendation) -> dict[str, str]:
    """The account per slot, from the round's consensus scores and justifications and evaluated prices."""
    draft = ops.draft_of(tender, rec)
    built = draft.built
    agreed = ev.consensus_scores(tender, rec.round_no)
    quality = _quality_keys(built)
    texts = {}
    for slot in draft.slots:
        criterion, winner = slot.criterion, draft.winner
        assert winner is not None
        name = winner.vendor.name
        mine = _points(built, winner, criterion.key)
        if criterion.key not in quality:
            ours, theirs = built.prices.get(winner.id), built.prices.get(slot.bid.id)
            if slot.winner:
                texts[slot.name] = (
                    f"{name} har en evaluert totalkostnad over kontraktsperioden på {format_money(ours)}, "
                    f"som gir {format_decimal(mine)} poeng på «{criterion.name}»."
                )
            else:
                other = slot.bid.vendor.name
                difference = (theirs - ours) if ours is not None and theirs is not None else None
                texts[slot.name] = (
                    f"{name} er {format_money(abs(difference) if difference is not None else None)} "
                    f"{'rimeligere' if difference is None or difference >= 0 else 'dyrere'} enn {other} "
                    f"({format_money(ours)} mot {format_money(theirs)}), og får "
                    f"{format_decimal(mine)} mot "
                    f"{format_decimal(_points(built, slot.bid, criterion.key))} poeng."
                )
            continue
        own = agreed.get((winner.id, criterion.id))
        if slot.winner:
            texts[slot.name] = (
                f"{name} får {format_decimal(mine)} poeng på «{criterion.name}». "
                "Evalueringsgruppen la vekt på: "
                f"{own.justification if own else 'tilbudets løsning'}"
            )
        else:
            other = slot.bid.vendor.name
            theirs_row = agreed.get((slot.bid.id, criterion.id))
            points = _points(built, slot.bid, criterion.key)
            texts[slot.name] = (
                f"{name} får {format_decimal(mine)} mot {format_decimal(points)} poeng for {other}. "
                f"Om {name}: {own.justification if own else '–'} Om {other}: "
                f"{theirs_row.justification if theirs_row else '–'}"
            )
    return texts


def _quality_keys(built: ev.Built) -> set[str]:
    assert built.result is not None
    return {p.id for p in built.result.model.placed if p.is_leaf and p.kind.value == "quality"}


def recommend_and_sign(tender: Tender) -> Recommendation:
    """Draft the recommendation with a text for every criterion and bid, freeze it, and have every bound
    municipality's signer approve it (kommunedirektør, formannskap or kommunestyre, dated the day before, with
    a case number in the municipality's own archive). Call it on the ``negotiated`` stage, within one
    transaction; running it again finishes what is missing."""
    lead = _lead()
    rec = current_recommendation(tender)
    if rec is None:
        rec = ops.start_draft(tender, actor=lead)
    if rec.state is RecommendationState.DRAFT:
        winner = ops.draft_of(tender, rec).winner
        assert winner is not None
        ops.save_texts(
            tender,
            rec,
            _texts(tender, rec),
            f"Innstillingen er å tildele kontrakten til {winner.vendor.name}, som har det økonomisk mest "
            "fordelaktige tilbudet etter de kunngjorte tildelingskriteriene: best samlet poengsum etter "
            "forhandlingene og de endelige tilbudene.",
            actor=lead,
        )
        ops.freeze(tender, rec, actor=lead)
    decided = valid_sign_offs(rec)
    day = (now().astimezone(OSLO) - timedelta(days=1)).date()
    for i, municipality in enumerate(signers_municipalities(tender)):
        if municipality.id in decided:
            continue
        ops.sign_off(
            tender,
            rec,
            municipality,
            ops.Decision(
                decision=SignOffDecision.APPROVED,
                comment="Innstillingen godkjennes som lagt fram.",
                body=BODIES[i % len(BODIES)],
                decision_date=day,
                case_number=f"{day.year}/{1000 + 37 * (i + 1)}",
            ),
            shown_hash=rec.content_sha256,
            signer=signer_of(tender, municipality),
        )
    return rec
