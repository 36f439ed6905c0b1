"""Issue 16 in the award: the recommendation's snapshot (format 2) records the scale's step, the consensus
rule, the quality thresholds and the price method's parameters, and each bid below a threshold as rejected
with the threshold named; the pages show them; a snapshot frozen in format 1 keeps its hash."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest

from tender.tenders.models import Role
from tests.evaluation_helpers import (
    BEFORE,
    justify_means,
    open_all,
    score_individually,
    setup_tender,
    submit_bid,
)
from tests.negotiation_helpers import score_round

#: every quality leaf's consensus score per vendor (A, B, C); C is below the minimum on «Arkivfunksjonalitet»
SCORES = {"Leverandør A AS": Decimal("8.5"), "Leverandør B AS": Decimal(6), "Leverandør C AS": Decimal(4)}
PRICES = ["1000000", "900000", "800000"]


def threshold_world(db: Any, create_tender: Any, add_member: Any, create_user: Any, clock: Any) -> Any:
    """Three bids under a model with half points, the mean rule off (agreed), a minimum of 5 on
    «Arkivfunksjonalitet» and of 3 weighted quality points, priced by a 20 % surcharge."""
    from tender.evaluation_model import operations as model_ops

    s = setup_tender(db, create_tender, add_member, create_user, vendors=3, freeze=False)
    rows = {r.key: r for r in model_ops.criteria_of(s.tender)}
    model_ops.update_criterion_weight(s.tender, rows["pris"], Decimal(0), actor=s.lead)
    model_ops.update_criterion_weight(s.tender, rows["kvalitet"], Decimal(80), actor=s.lead)
    rows["arkiv"].min_score = Decimal(5)
    model_ops.update_settings(
        s.tender,
        model_ops.ModelSettings(
            scale_max=Decimal(10),
            price_method="price_surcharge",
            price_k=None,
            nok_per_point=None,
            normalise=False,
            contract_period="4",
            disagreement_threshold=Decimal(3),
            scale_step=Decimal("0.5"),
            min_quality=Decimal(3),
            surcharge_percent=Decimal(20),
        ),
        actor=s.lead,
    )
    model_ops.freeze(s.tender, at=BEFORE - timedelta(days=10), actor=s.lead)
    db.session.commit()
    for i in range(3):
        submit_bid(db, s, i, one_off=PRICES[i])
    open_all(db, s, clock)
    score_round(db, s, SCORES)
    # the lead records the rejection the bid page pre-fills (the recommendation cannot start before)
    from tender.evaluation import operations as ev

    built = ev.build_case(s.tender, with_individual=False)
    for bid, state in ((b, ev.thresholds(built).get(b.id)) for b in built.bids):
        if state is not None and state.decision_missing:
            ev.reject_bid(s.tender, bid, reason=state.text, actor=s.lead)
    db.session.commit()
    return s


@pytest.fixture
def world(db, create_tender, add_member, create_user, clock):
    return threshold_world(db, create_tender, add_member, create_user, clock)


def _freeze(db: Any, s: Any) -> Any:
    from tender.award import recommendation_operations as ops

    rec = ops.start_draft(s.tender, actor=s.lead)
    draft = ops.draft_of(s.tender, rec)
    ops.save_texts(
        s.tender,
        rec,
        {slot.name: f"Vurdering av {slot.bid.vendor.name}." for slot in draft.slots},
        "Best samlet kvalitet og pris.",
        actor=s.lead,
    )
    ops.freeze(s.tender, rec, actor=s.lead)
    db.session.commit()
    return rec


def test_the_snapshot_records_the_announced_model_and_the_bid_below_a_threshold_naming_it(db, world) -> None:
    from tender.award import recommendation_operations as ops

    rec = ops.start_draft(world.tender, actor=world.lead)
    draft = ops.draft_of(world.tender, rec)
    c = next(b for b in draft.ranked if b.vendor.name == "Leverandør C AS")
    # C is rejected by the group's recorded decision, whose reason names the threshold
    assert c.rejected and c in draft.rejected
    assert "«Arkivfunksjonalitet»: 4 poeng, mens minst 5 kreves" in c.rejection_reason
    # no text compares the winner with a rejected bid
    assert c.id not in {slot.bid.id for slot in draft.slots}
    db.session.rollback()

    rec = _freeze(db, world)
    content = json.loads(rec.content_json)
    assert content["format"] == 3
    e = content["evaluation"]
    assert (e["scale_step"], e["consensus_rule"], e["min_quality"]) == ("0.5", "agreed", "3")
    # Qmax = 10 × (80 % + 20 %)
    assert e["quality_max"] == "10"
    assert e["price_method"] == "price_surcharge"
    assert e["price_parameters"] == [{"name": "surcharge_percent", "value": "20"}]
    assert (e["surcharge_percent"], e["deduction_percent"]) == ("20", None)
    assert "allow_half_points" not in e
    minimums = {m["key"]: m["min_score"] for m in e["model"]}
    assert minimums["arkiv"] == "5" and minimums["gjennomforing"] is None
    entry = {b["vendor"]: b for b in content["bids"]}
    below = entry["Leverandør C AS"]
    assert below["rejected"] is True and below["rank"] is None and below["total"] is None
    assert below["threshold_failures"] == [{"criterion_key": "arkiv", "minimum": "5", "actual": "4"}]
    assert below["rejection_reason"].startswith("Avvist under minstegrensen for kvalitet.")
    assert "«Arkivfunksjonalitet»" in below["rejection_reason"]
    assert entry["Leverandør A AS"]["threshold_failures"] == []
    # Pe over 4 years for 2 municipalities: A 1 000 000 + 4 × 2 × 100 000, B 900 000 + 800 000; the
    # comparison figure Pe × (1 + 20 % × (1 − Q/Qmax)): A (Q 8.5 of 10) + 3 %, B (Q 6) + 8 %
    assert [entry[n]["price"] for n in ("Leverandør A AS", "Leverandør B AS")] == ["1800000", "1700000"]
    assert entry["Leverandør A AS"]["adjusted_price"] == "1854000"
    assert entry["Leverandør B AS"]["adjusted_price"] == "1836000"
    assert [entry[n]["rank"] for n in ("Leverandør B AS", "Leverandør A AS")] == [1, 2]
    assert content["winner_bid_id"] == entry["Leverandør B AS"]["bid_id"]
    assert below["adjusted_price"] is None


def test_the_notice_to_a_bid_below_a_threshold_gives_the_threshold_as_its_reason(db, world) -> None:
    from tender.award.notice_operations import notice_content
    from tender.core.standstill import standstill
    from tender.holidays import norwegian_holiday

    rec = _freeze(db, world)
    content = json.loads(rec.content_json)
    below = next(b for b in content["bids"] if b["vendor"] == "Leverandør C AS")
    period = standstill(rec.frozen_at, 10, norwegian_holiday)
    notice = notice_content(content, below["bid_id"], period=period, content_sha256=rec.content_sha256)
    assert "«Arkivfunksjonalitet»" in notice.rejection_reason


def test_the_snapshot_page_shows_the_step_the_rule_the_parameters_and_the_thresholds(
    db, world, client, login_as
) -> None:
    rec = _freeze(db, world)
    login_as(world.lead)
    page = client.get(f"/konkurranser/{world.tender.id}/tildeling/innstilling/{rec.id}").get_data(
        as_text=True
    )
    assert 'id="modell"' in page
    assert "Skala 0–10, i halve poeng (trinn på 0,5)." in page
    assert "Konsensus: Enighet i gruppen." in page
    assert "S, pristillegg ved null kvalitet: 20" in page
    assert "Arkivfunksjonalitet: minst 5 poeng." in page
    assert "Vektede kvalitetspoeng til sammen: minst 3 av høyst 10." in page
    assert "Leverandør C AS: Avvist under minstegrensen for kvalitet." in page


def test_a_snapshot_frozen_in_format_1_keeps_matching_its_hash_and_is_shown(
    db, world, client, login_as
) -> None:
    """A recommendation frozen before issue 16 stored format 1 (no ``format``; ``allow_half_points``; no
    thresholds, step, rule or parameters by name). Rebuilt from the same data it keeps its hash, so nothing
    lapses; a new freezing is format 2."""
    from tender.award import recommendation_operations as ops
    from tender.award import snapshot as snap
    from tender.award.models import RecommendationState
    from tender.evaluation_model import operations as model_ops

    # a plain model (no thresholds; the old form could not say them): the threshold world without them
    model = model_ops.model_of(world.tender)
    for row in model_ops.criteria_of(world.tender):
        row.min_score = None
    model.min_quality = None
    rec = _freeze(db, world)
    content = json.loads(rec.content_json)
    old = {k: v for k, v in content.items() if k not in ("format", "reduced")}  # format 1 had neither
    e = dict(old["evaluation"])
    for key in (
        "scale_step",
        "consensus_rule",
        "min_quality",
        "quality_max",
        "surcharge_percent",
        "deduction_percent",
        "price_parameters",
    ):
        e.pop(key)
    e["allow_half_points"] = True
    e["model"] = [{k: v for k, v in m.items() if k != "min_score"} for m in e["model"]]
    old["evaluation"] = old_evaluation = e
    old["bids"] = [
        {k: v for k, v in b.items() if k not in ("threshold_failures", "adjusted_price")} for b in old["bids"]
    ]
    rec.content_json = snap.canonical(old)
    rec.content_sha256 = snap.digest(rec.content_json)
    db.session.commit()

    assert snap.format_of(rec) == 1
    assert snap.live_hash(world.tender, rec) == rec.content_sha256
    assert not ops.check_lapse(world.tender, world.lead)
    assert rec.state is RecommendationState.FROZEN
    assert set(old_evaluation) == set(snap.build_snapshot(world.tender, rec)["evaluation"])
    login_as(world.lead)
    page = client.get(f"/konkurranser/{world.tender.id}/tildeling/innstilling/{rec.id}").get_data(
        as_text=True
    )
    assert "Skala 0–10, i halve poeng (trinn på 0,5)." in page and "Minstegrenser" not in page
    # the protocol carries it as it is stored, and it validates as format 1
    from tender.protocol.operations import protocol_of
    from tests.test_protocol import problems

    protocol = json.loads(json.dumps(protocol_of(world.tender)))
    assert "format" not in protocol["award"]["recommendations"][0]["content"]
    assert problems(protocol) == []
    # a new freezing of it is made in the new format
    assert snap.format_of(rec, snap.header_of(rec, freezing=True)) == snap.FORMAT == 3


def test_the_signers_page_reads_for_a_signer(db, world, client, login_as) -> None:
    rec = _freeze(db, world)
    signer = next(m.user for m in world.tender.memberships if m.role is Role.SIGNER)
    login_as(signer)
    page = client.get(f"/konkurranser/{world.tender.id}/tildeling/innstilling/{rec.id}").get_data(
        as_text=True
    )
    assert "Vedtak for" in page and "Arkivfunksjonalitet: minst 5 poeng." in page


def test_under_the_mean_rule_the_snapshot_records_the_exact_mean_the_totals_were_made_from(
    db, create_tender, add_member, create_user, clock
) -> None:
    """Three evaluators give 4, 3 and 4: the consensus is 11/3, stored rounded (3.6667) only for the record.
    The snapshot's consensus score is the exact mean (to the snapshot's places), so its totals can be
    recomputed from it, and the negotiation's ranking shows the same."""
    from fractions import Fraction

    from tender.award.snapshot import decimal_text
    from tender.evaluation import operations as ev
    from tender.evaluation_model import operations as model_ops
    from tender.negotiation.operations import ranking

    s = setup_tender(db, create_tender, add_member, create_user, vendors=2, evaluators=3, freeze=False)
    model_ops.update_settings(
        s.tender,
        model_ops.ModelSettings(
            scale_max=Decimal(10),
            price_method="linear",
            price_k=None,
            nok_per_point=None,
            normalise=False,
            contract_period="4",
            disagreement_threshold=Decimal(3),
            consensus_rule="mean",
        ),
        actor=s.lead,
    )
    model_ops.freeze(s.tender, at=BEFORE - timedelta(days=10), actor=s.lead)
    db.session.commit()
    for i in range(2):
        submit_bid(db, s, i, one_off=PRICES[i])
    open_all(db, s, clock)
    bids = ev.opened_bids(s.tender)
    keys = [leaf.key for leaf in model_ops.quality_leaves(s.tender)]
    score_individually(db, s, bids, [dict.fromkeys(keys, ["4", "3", "4"])] * len(bids))
    justify_means(db, s, bids)
    assert {r.scores[keys[0]] for r in ranking(s.tender)} == {Fraction(11, 3)}
    rec = _freeze(db, s)
    content = json.loads(rec.content_json)
    assert {c["score"] for c in content["evaluation"]["consensus"]} == {decimal_text(Fraction(11, 3))}
    assert decimal_text(Fraction(11, 3)) != "3.6667"
