"""The demo's `awarded` stage (issue 14): `tender demo --stage awarded` builds the Grenland tender from the
final bids to the signed contract through the award's operations — the cost split (tender.demo.award_costs),
the recommendation signed off by all six municipalities (award_recommendation), the notices and, after the
standstill, the contract (award_notices), the archive packages (award_archive) — and the protocol of the whole
procurement validates against the shipped schema.

One build for all of it: building the stage takes most of a minute on CI, and each part's demo function is
checked here on what it built, then run again to show it finishes nothing more and changes nothing."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

from tests.test_archive_package import open_package
from tests.test_protocol import pdf_text, problems

pytestmark = pytest.mark.slow


def test_the_awarded_stage_runs_from_the_final_bids_to_the_signed_contract_and_files_it_all(
    runner, db
) -> None:
    result = runner.invoke(args=["demo", "--stage", "awarded"])
    assert result.exit_code == 0, result.output
    from tender.demo.stages import demo_tender

    tender = demo_tender()
    assert tender is not None
    _the_cost_split(tender)
    _the_recommendation_and_its_sign_offs(tender)
    _the_notices_and_the_contract(tender, db)
    _the_archive_packages(tender, db)
    _the_protocol(tender)


def _the_cost_split(tender: Any) -> None:
    """A fixed 20 % plus population among the six bound municipalities, of the first-ranked final bid."""
    from tender.award import cost_operations as costs
    from tender.award.models import CostSplitKey
    from tender.negotiation.operations import ranking

    table = costs.cost_table(tender)
    assert table is not None and table.problem is None
    assert table.key is CostSplitKey.FIXED_PLUS_POPULATION and table.fixed_percent == Decimal(20)
    assert table.bid.id == ranking(tender)[0].bid.id and table.bid.round_no == tender.current_round
    assert len(table.rows) == 6 and table.options == []
    rows = {r.municipality.name: r for r in table.rows}
    # exact: the common parts sum to the winning bid's common amounts; Skien pays most, Siljan least
    assert sum(r.common_one_off for r in table.rows) == table.common_one_off
    assert sum(r.common_yearly for r in table.rows) == table.common_yearly
    assert rows["Skien"].total == max(r.total for r in table.rows)
    assert rows["Siljan"].total == min(r.total for r in table.rows)
    snapshot = costs.cost_split_snapshot(tender)
    assert snapshot["key"] == "fixed_plus_population" and snapshot["fixed_percent"] == "20.000000"
    assert len(snapshot["bound"]) == 6 and snapshot["option"] == []


def _the_recommendation_and_its_sign_offs(tender: Any) -> None:
    """Drafted with a Norwegian account per criterion and bid worded from the demo's scores, frozen, and
    approved by the signer of every bound municipality with the decision behind it."""
    from tender.award.models import RecommendationState, SignOffDecision
    from tender.award.operations import (
        approvals_complete,
        current_recommendation,
        signers_municipalities,
        valid_sign_offs,
    )
    from tender.award.snapshot import live_hash
    from tender.demo.award_recommendation import recommend_and_sign
    from tender.negotiation.operations import ranking
    from tender.web.transactions import transaction

    rec = current_recommendation(tender)
    assert rec is not None and rec.state is RecommendationState.FROZEN and len(rec.content_sha256) == 64
    assert live_hash(tender, rec) == rec.content_sha256
    assert hashlib.sha256(rec.content_json.encode("utf-8")).hexdigest() == rec.content_sha256
    content = json.loads(rec.content_json)
    ranked = ranking(tender)
    assert content["winner_bid_id"] == ranked[0].bid.id
    assert content["cost_split"]["key"] == "fixed_plus_population"
    assert ranked[0].vendor.name in content["summary"]
    # every account written, derived from the demo's own scores and prices: no placeholder text
    assert content["texts"] and all(t["text"] for t in content["texts"])
    others = [r.vendor.name for r in ranked[1:] if not r.rejected]
    assert all(any(o in t["text"] for t in content["texts"]) for o in others)
    assert any(
        "poeng" in t["text"] and "Evalueringsgruppen la vekt på" in t["text"] for t in content["texts"]
    )
    assert any("rimeligere" in t["text"] or "dyrere" in t["text"] for t in content["texts"])
    bound = signers_municipalities(tender)
    assert len(bound) == 6
    decided = valid_sign_offs(rec)
    assert set(decided) == {m.id for m in bound}
    assert all(s.decision is SignOffDecision.APPROVED for s in decided.values())
    assert {s.body.value for s in decided.values()} == {"kommunedirektor", "formannskap", "kommunestyre"}
    assert all(s.case_number and s.decision_date for s in decided.values())
    assert approvals_complete(tender)
    # running it again finishes nothing more and changes nothing
    with transaction():
        again = recommend_and_sign(tender)
    assert again.id == rec.id and again.content_sha256 == rec.content_sha256 and len(again.sign_offs) == 6


def _the_notices_and_the_contract(tender: Any, db: Any) -> None:
    """Every bidder of the final round and the vendor reduced before it got its notice; after the standstill
    (the demo's recorded step) the signed contract with the chosen vendor."""
    from tender.audit import AuditEvent
    from tender.award.operations import contract_of, current_recommendation, notice_issue_of
    from tender.clock import now
    from tender.core.lifecycle import Stage
    from tender.demo.award_notices import issue_notices, sign_contract
    from tender.evaluation import operations as ev
    from tender.lifecycle.operations import standing_of
    from tender.web.transactions import transaction

    issue = notice_issue_of(tender)
    rec = current_recommendation(tender)
    assert issue is not None and rec is not None and issue.content_sha256 == rec.content_sha256
    final_round = ev.opened_bids(tender)
    # and the vendor the reduction let go after round 1: an affected vendor, told at the same moment
    [reduced] = json.loads(rec.content_json)["reduced"]
    assert reduced["round_no"] == 1 and reduced["vendor_id"] not in {b.vendor_id for b in final_round}
    assert sorted(n.vendor_id for n in issue.notices) == sorted(
        [b.vendor_id for b in final_round] + [reduced["vendor_id"]]
    )
    assert len(issue.notices) == 4 and sum(n.chosen for n in issue.notices) == 1
    assert len({n.sha256 for n in issue.notices}) == 4
    contract = contract_of(tender)
    assert contract is not None and contract.sha256 == hashlib.sha256(contract.data).hexdigest()
    assert contract.data.startswith(b"%PDF-")
    assert contract.vendor_id == next(n.vendor_id for n in issue.notices if n.chosen)
    assert contract.signed_at >= issue.standstill_ends_at
    assert contract.signed_by.startswith("For kommunene: ")
    shortcut = db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.tender_id == tender.id, AuditEvent.event_type == "demo.standstill_passed"
        )
    ).all()
    assert len(shortcut) == 1
    standing = standing_of(tender, now())
    assert standing.stage is Stage.CONTRACT and standing.steps == ()
    # running both again duplicates nothing
    with transaction():
        again = issue_notices(tender)
    assert again.id == issue.id and len(again.notices) == 4
    with transaction():
        sign_contract(tender)
    assert contract_of(tender).id == contract.id


def _the_archive_packages(tender: Any, db: Any) -> None:
    """One package for the tender and one per bound municipality: both rounds' bids as received, both
    published versions of the tender documents, the letters and the reports, every hash in the manifest
    right."""
    from tender.audit import AuditEvent
    from tender.bids.models import Bid, BidStatus
    from tender.documents import operations as documents
    from tender.negotiation.letter_pdf import render_reduction_letter
    from tender.negotiation.operations import reduction_letters
    from tender.protocol import archive

    bound = tender.bound_municipalities
    assert len(bound) == 6
    events = db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.tender_id == tender.id, AuditEvent.event_type == "archive.package_built"
        )
    ).all()
    # the whole tender's package (no municipality) and one per bound municipality, each once
    assert sorted(json.loads(e.payload_json)["municipality"] or "" for e in events) == sorted(
        [""] + [m.name for m in bound]
    )

    skien = next(m for m in bound if m.kommunenummer == "4003")
    data = archive.archive_package(tender, skien, built_by="Anne Lie")
    manifest, files = open_package(data)
    assert manifest["pakke"]["bygget_av"] == "Anne Lie"
    assert manifest["pakke"]["kommune"]["navn"] == "Skien"
    paths = sorted(files)
    # both published versions of the tender documents, every document of each
    for version in documents.published_versions(tender):
        inside = [p for p in paths if p.startswith(f"1-konkurransedokumenter/versjon-{version.number}/")]
        assert len(inside) == len(documents.documents_of(version))
    # every delivered bid of both rounds: four in the first, the three left in the final round
    for round_no in (1, 2):
        delivered = db.session.scalars(
            select(Bid).where(
                Bid.tender_id == tender.id, Bid.round_no == round_no, Bid.status == BidStatus.SUBMITTED
            )
        ).all()
        receipts = [
            json.loads(files[p])
            for p in paths
            if p.startswith(f"2-tilbud/runde-{round_no}/") and p.endswith("/kvittering.json")
        ]
        assert sorted(r["kvittering_sha256"] for r in receipts) == sorted(b.receipt_sha256 for b in delivered)
        assert len(receipts) == (4 if round_no == 1 else 3)
        assert f"4-rapporter/apningsprotokoll-runde-{round_no}.json" in files
        assert f"4-rapporter/evalueringsmatrise-runde-{round_no}.xlsx" in files
    # the letters: the prequalification's, and the one to the vendor reduced out before the final round
    assert [p for p in paths if p.startswith("3-brev/prekvalifisering/")]
    # the reduction letter as the vendor downloads it (the same bytes), and whether it was mailed
    [reduction] = [p for p in paths if p.startswith("3-brev/forhandling/")]
    [letter] = reduction_letters(tender)
    assert reduction.endswith(".pdf") and files[reduction] == render_reduction_letter(tender, letter)
    text = " ".join(pdf_text(files[reduction]).split())
    assert "Begrunnelse:" in text and " ".join(letter.leaving.reason.split()) in text
    assert letter.leaving.vendor.name in text
    [entry] = [e for e in manifest["filer"] if e["sti"] == reduction]
    assert entry["tittel"].endswith("(ikke sendt på e-post)") and not letter.leaving.sent_to  # no mail server
    assert "4-rapporter/sporsmal-og-svar.pdf" in files
    assert all(p.isascii() for p in paths)
    # and it is the same package when built again from the same data
    db.session.expire_all()
    built_at = datetime.fromisoformat(manifest["pakke"]["bygget"])
    again = archive.archive_package(tender, skien, built_at=built_at, built_by="Anne Lie")
    assert again == data


def _the_protocol(tender: Any) -> None:
    from tender.protocol.operations import protocol_of

    protocol = json.loads(json.dumps(protocol_of(tender)))
    assert problems(protocol) == []
    assert protocol["audit"]["chain"]["intact"] is True
    (rec,) = protocol["award"]["recommendations"]
    assert len(rec["sign_offs"]) == 6
    assert protocol["award"]["contract"]["sha256"]
