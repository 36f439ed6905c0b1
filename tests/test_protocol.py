"""The procurement protocol (issue 14 point 6): ``protocol_of`` gathers the whole procurement, validates
against the shipped JSON Schema (strict: a renamed key fails), says nothing of a bid before the opening, and
its PDF reads back with the tender, every municipality, every opening record, the scores and the chain's
result. The award's rows are written straight through its models here: their operations are being written
in parallel (the recommendation, the sign-offs, the notices and the contract), and the protocol reads rows."""

from __future__ import annotations

import copy
import hashlib
import json
import re
import subprocess
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from jsonschema import Draft202012Validator, FormatChecker

from tests.evaluation_helpers import AFTER, open_all, setup_tender, submit_bid
from tests.negotiation_helpers import score_round

RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


def _format_checker() -> FormatChecker:
    """date-time and date checked for real (jsonschema leaves date-time unchecked without the optional
    rfc3339-validator package, which the project does not install)."""
    checker = FormatChecker()

    @checker.checks("date-time", raises=ValueError)
    def is_datetime(value: object) -> bool:
        if not isinstance(value, str):
            return True
        if not RFC3339.match(value):
            raise ValueError(f"not an RFC 3339 date-time: {value!r}")
        datetime.fromisoformat(value)
        return True

    @checker.checks("date", raises=ValueError)
    def is_date(value: object) -> bool:
        if isinstance(value, str):
            date.fromisoformat(value)
        return True

    return checker


def validator() -> Draft202012Validator:
    from tender.protocol.operations import schema

    return Draft202012Validator(schema(), format_checker=_format_checker())


def problems(protocol: dict[str, Any]) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator().iter_errors(protocol)]


def pdf_text(data: bytes) -> str:
    done = subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, timeout=120)
    return done.stdout.decode("utf-8")


def _scored(db, create_tender, add_member, create_user, clock, option: Any = None) -> Any:
    """Two vendors bid; the bids are opened by two, individual scores from an evaluator and consensus.
    ``option``: a municipality taking part as an option municipality (priced in the bids like the others)."""
    from tender.evaluation import operations as ev
    from tender.evaluation_model import operations as model_ops
    from tender.tenders import operations as tender_ops

    s = setup_tender(db, create_tender, add_member, create_user, vendors=2, evaluators=1)
    if option is not None:
        tender_ops.add_municipality(s.tender, option, actor=s.lead).option = True
        db.session.commit()
    for i in range(2):
        submit_bid(db, s, i, one_off=["1000000", "900000"][i])
    open_all(db, s, clock)
    for bid in ev.opened_bids(s.tender):
        for leaf in model_ops.quality_leaves(s.tender):
            ev.save_individual_score(
                s.tender,
                bid,
                leaf,
                evaluator=s.evaluators[0],
                score=Decimal(7),
                justification=f"Individuell vurdering av {bid.vendor.name}",
                expected_version=None,
            )
    db.session.commit()
    score_round(db, s)
    return s


def _award(db, s: Any) -> Any:
    """The recommendation drafted, frozen and approved by every bound municipality through the award's
    operations (tests/award_helpers.py); the notices and the contract as rows."""
    from tender.award.models import AwardNotice, Contract, NoticeIssue
    from tender.evaluation import operations as ev
    from tests.award_helpers import approved_recommendation

    tender = s.tender
    bids = ev.opened_bids(tender)
    rec = approved_recommendation(tender)
    digest = rec.content_sha256
    winner = next(b for b in bids if b.id == rec.winner_bid_id)
    issue = NoticeIssue(
        tender_id=tender.id,
        recommendation_id=rec.id,
        content_sha256=digest,
        issued_at=AFTER + timedelta(days=7),
        issued_by_name="Lena Leder",
        standstill_days=10,
        standstill_ends_at=AFTER + timedelta(days=17),
    )
    db.session.add(issue)
    db.session.flush()
    for b in bids:
        data = f"%PDF meddelelse {b.vendor.name}".encode()
        db.session.add(
            AwardNotice(
                issue_id=issue.id,
                bid_id=b.id,
                vendor_id=b.vendor_id,
                chosen=b.id == winner.id,
                filename=f"meddelelse-{b.vendor.organisasjonsnummer}.pdf",
                sha256=hashlib.sha256(data).hexdigest(),
                data=data,
                mailed_to="selger@example.no",
            )
        )
    signed = b"%PDF signert kontrakt"
    db.session.add(
        Contract(
            tender_id=tender.id,
            issue_id=issue.id,
            vendor_id=winner.vendor_id,
            signed_at=AFTER + timedelta(days=18),
            signed_by="Lena Leder for kommunene\nSelger A for leverandøren",
            recorded_by_name="Lena Leder",
            filename="kontrakt.pdf",
            content_type="application/pdf",
            size=len(signed),
            sha256=hashlib.sha256(signed).hexdigest(),
            data=signed,
        )
    )
    db.session.commit()
    return rec


@pytest.fixture
def awarded(db, create_tender, add_member, create_user, create_municipality, clock) -> Any:
    s = _scored(
        db, create_tender, add_member, create_user, clock, option=create_municipality("Siljan", "4010", 2_300)
    )
    _award(db, s)
    return s


def test_the_protocol_of_an_awarded_tender_validates_against_the_shipped_schema(app, db, awarded) -> None:
    from tender.protocol.operations import protocol_of

    protocol = protocol_of(awarded.tender)
    assert problems(protocol) == []
    assert protocol["sealed"] is False
    assert [m["name"] for m in protocol["municipalities"]["bound"]] == ["Skien", "Porsgrunn"]
    assert [m["name"] for m in protocol["municipalities"]["option"]] == ["Siljan"]
    (round1,) = protocol["evaluation"]["rounds"]
    assert {b["vendor"] for b in round1["bids"]} == {"Leverandør A AS", "Leverandør B AS"}
    assert {s["justification"] for s in round1["individual_scores"]} == {
        "Individuell vurdering av Leverandør A AS",
        "Individuell vurdering av Leverandør B AS",
    }
    assert all(s["score"] == "7" for s in round1["individual_scores"])
    assert {s["score"] for s in round1["consensus_scores"]} == {"8", "6"}
    (opening,) = protocol["openings"]
    assert opening["kind"] == "bids" and len(opening["opened_by"]) == 2 and len(opening["opened"]) == 2
    (rec,) = protocol["award"]["recommendations"]
    assert rec["content"]["winner_bid_id"] == rec["winner_bid_id"]
    bound = awarded.tender.bound_municipalities
    assert [s["case_number"] for s in rec["sign_offs"]] == [f"26/{100 + m.id}" for m in bound]
    assert len(protocol["award"]["notices"]["notices"]) == 2
    assert protocol["award"]["contract"]["signed_by"] == [
        "Lena Leder for kommunene",
        "Selger A for leverandøren",
    ]
    assert protocol["audit"]["chain"] == {
        "intact": True,
        "events_checked": protocol["audit"]["chain"]["events_checked"],
        "problem": None,
    }
    assert protocol["audit"]["chain"]["events_checked"] >= len(protocol["audit"]["events"]) > 0
    # canonical: times in UTC with offset; no float anywhere
    assert protocol["tender"]["bid_deadline"].endswith("+00:00")
    assert not re.search(r":\s*-?\d+\.\d+[,\n}]", json.dumps(protocol))


def test_the_protocol_holds_hashes_and_names_of_the_bid_files_never_their_bytes(app, db, awarded) -> None:
    from tender.bids import operations as bid_ops
    from tender.protocol.operations import protocol_json, protocol_of

    bid = bid_ops.submitted_bids(awarded.tender)[0]
    assert bid.receipt_sha256
    text = protocol_json(protocol_of(awarded.tender)).decode()
    assert bid.receipt_sha256 in text
    assert "%PDF signert kontrakt" not in text and "%PDF meddelelse" not in text


def test_a_renamed_or_added_key_anywhere_fails_the_schema(app, db, awarded) -> None:
    from tender.protocol.operations import protocol_of

    protocol = protocol_of(awarded.tender)
    for path in [
        ("tender",),
        ("municipalities", "bound", 0),
        ("openings", 0, "opened_by", 0),
        ("evaluation", "rounds", 0, "consensus_scores", 0),
        ("award", "recommendations", 0, "sign_offs", 0),
        ("award", "recommendations", 0, "content", "bids", 0),
        ("award", "contract"),
        ("audit", "chain"),
        ("audit", "events", 0),
    ]:
        broken = copy.deepcopy(protocol)
        node = broken
        for step in path:
            node = node[step]
        key = sorted(node)[0]
        node[key + "_renamed"] = node.pop(key)
        assert problems(broken), f"renaming {path + (key,)} went unnoticed"
    broken = copy.deepcopy(protocol)
    broken["tender"]["bid_deadline"] = "3. desember 2026"
    assert problems(broken)


def test_every_object_in_the_schema_is_closed_but_the_documented_free_ones() -> None:
    from tender.protocol.operations import schema

    free = {"payload", "cost_split", "points"}
    open_ones: list[str] = []

    def walk(node: Any, where: str) -> None:
        if isinstance(node, dict):
            if node.get("type") == "object" and where.rsplit("/", 1)[-1] not in free:
                if node.get("additionalProperties") is not False:
                    open_ones.append(where)
                assert set(node.get("required", [])) == set(node.get("properties", {})), where
            for k, v in node.items():
                walk(v, f"{where}/{k}")
        elif isinstance(node, list):
            for n, v in enumerate(node):
                walk(v, f"{where}/{n}")

    walk(schema(), "")
    assert open_ones == []


def test_before_the_opening_the_protocol_says_nothing_of_a_bid(
    app, db, create_tender, add_member, create_user, clock
) -> None:
    from tender.protocol.operations import protocol_json, protocol_of

    s = setup_tender(db, create_tender, add_member, create_user, vendors=2, evaluators=1)
    bid = submit_bid(db, s, 0)
    clock.set(AFTER)
    protocol = protocol_of(s.tender)
    assert problems(protocol) == []
    assert protocol["sealed"] is True and protocol["audit"]["sealed"] is True
    assert protocol["openings"] == [] and protocol["evaluation"]["rounds"] == []
    assert protocol["audit"]["chain"]["events_checked"] is None
    assert all(e["seq"] is None for e in protocol["audit"]["events"])
    types = {e["type"] for e in protocol["audit"]["events"]}
    assert not {t for t in types if t.startswith("bid.")}
    # the bid's receipt is what the opening record would show: not a trace of it before the opening
    assert bid.receipt_sha256 and bid.receipt_sha256 not in protocol_json(protocol).decode()


def test_a_broken_audit_chain_is_reported_in_the_protocol(app, db, awarded) -> None:
    from sqlalchemy import select, update

    from tender.audit import AuditEvent
    from tender.protocol.operations import protocol_of

    first = db.session.scalar(
        select(AuditEvent.id).where(AuditEvent.tender_id == awarded.tender.id).order_by(AuditEvent.seq)
    )
    # someone edits a stored event behind the tool's back
    db.session.execute(update(AuditEvent).where(AuditEvent.id == first).values(payload_json='{"endret":1}'))
    db.session.commit()
    chain = protocol_of(awarded.tender)["audit"]["chain"]
    assert chain["intact"] is False and chain["problem"]


def test_the_pdf_reads_back_with_the_tender_the_municipalities_the_openings_the_scores_and_the_chain(
    app, db, awarded
) -> None:
    from tender.protocol.operations import protocol_of
    from tender.reports.protocol_pdf import render_protocol_pdf

    protocol = protocol_of(awarded.tender)
    text = pdf_text(render_protocol_pdf(protocol))
    flat = re.sub(r"\s+", " ", text)
    assert "Anskaffelsesprotokoll" in text and awarded.tender.title in flat
    for name in ("Skien", "Porsgrunn", "Siljan"):
        assert name in text
    assert "Tilbudene i runde 1 åpnet" in flat
    for person in protocol["openings"][0]["opened_by"]:
        assert person["name"] in flat
    assert "Individuell vurdering av Leverandør A AS" in flat
    assert "Samlet vurdering i evalueringsmøtet." in flat
    assert "Hash-kjeden er kontrollert og hel" in flat
    first = awarded.tender.bound_municipalities[0]
    assert f"26/{100 + first.id}" in text and "Kommunedirektøren" in text


def test_protocol_files_gives_the_json_and_the_pdf_for_the_archive_package(app, db, awarded) -> None:
    from tender.protocol.operations import protocol_files

    (json_name, json_data), (pdf_name, pdf_data) = protocol_files(awarded.tender)
    assert json_name == "anskaffelsesprotokoll-2026-0001.json" and pdf_name.endswith(".pdf")
    assert problems(json.loads(json_data)) == []
    assert pdf_data[:4] == b"%PDF"


def test_the_lead_downloads_both_and_each_download_is_in_the_audit_trail(
    app, db, awarded, client, login_as
) -> None:
    from sqlalchemy import select

    from tender.audit import AuditEvent

    login_as(awarded.lead)
    response = client.get(f"/konkurranser/{awarded.id}/protokoll.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert "anskaffelsesprotokoll-2026-0001.json" in response.headers["Content-Disposition"]
    assert problems(json.loads(response.get_data())) == []
    response = client.get(f"/konkurranser/{awarded.id}/protokoll.pdf")
    assert response.status_code == 200 and response.get_data()[:4] == b"%PDF"
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.event_type == "protocol.downloaded").order_by(AuditEvent.seq)
    ).all()
    assert [e.payload for e in events] == [{"format": "json"}, {"format": "pdf"}]
    page = client.get(f"/konkurranser/{awarded.id}").get_data(as_text=True)
    assert f"/konkurranser/{awarded.id}/protokoll.pdf" in page


def test_the_tender_page_offers_no_protocol_link_to_an_evaluator(app, db, awarded, client, login_as) -> None:
    login_as(awarded.evaluators[0])
    page = client.get(f"/konkurranser/{awarded.id}").get_data(as_text=True)
    assert "protokoll.pdf" not in page and "Anskaffelsesprotokoll" not in page


def test_the_operator_exports_the_protocol_from_the_command_line(app, db, awarded, runner, tmp_path) -> None:
    from sqlalchemy import select

    from tender.audit import AuditEvent

    result = runner.invoke(args=["protocol", "export", str(awarded.id)])
    assert result.exit_code == 0, result.output
    assert problems(json.loads(result.stdout_bytes)) == []
    target = tmp_path / "protokoll.pdf"
    result = runner.invoke(args=["protocol", "export", str(awarded.id), "--pdf", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert "Anskaffelsesprotokoll" in pdf_text(target.read_bytes())
    actors = db.session.scalars(
        select(AuditEvent.actor_label).where(AuditEvent.event_type == "protocol.downloaded")
    ).all()
    assert len(actors) == 2 and all(a.startswith("cli:") for a in actors)
    result = runner.invoke(args=["protocol", "export", "999999"])
    assert result.exit_code == 2 and "fant ingen konkurranse med nummer 999999" in result.output


@pytest.mark.slow
def test_the_demo_lead_keeps_the_protocol_of_the_negotiated_tender_and_it_validates_and_names_everyone(
    app, db
) -> None:
    from sqlalchemy import select

    from tender.audit import AuditEvent
    from tender.demo.award_protocol import keep_protocol
    from tender.demo.stages import _lead, build_stage

    tender = build_stage("negotiated")
    (_, json_data), (_, pdf_data) = keep_protocol(tender)
    db.session.commit()
    protocol = json.loads(json_data)
    assert problems(protocol) == []
    assert len(protocol["municipalities"]["bound"]) == 6
    assert [o["kind"] for o in protocol["openings"]] == ["requests", "bids", "bids"]
    assert len(protocol["evaluation"]["rounds"]) == 2
    assert protocol["negotiation"]["reductions"] and protocol["negotiation"]["meetings"]
    assert protocol["prequalification"]["letters"] and protocol["questions"] and protocol["corrections"]
    (question,) = protocol["questions"]
    assert len(question["approvals"]) == 6 and {a["sha256"] for a in question["approvals"]} == {
        question["sha256"]
    }
    assert protocol["audit"]["chain"]["intact"] is True
    text = re.sub(r"\s+", " ", pdf_text(pdf_data))
    for m in protocol["municipalities"]["bound"]:
        assert m["name"] in text
    for o in protocol["openings"]:
        for item in o["opened"]:
            assert item["vendor"] in text
    assert "Hash-kjeden er kontrollert og hel" in text
    # both files are made from one gathering, before the downloads are recorded
    assert "protocol.downloaded" not in {e["type"] for e in protocol["audit"]["events"]}
    downloads = db.session.scalars(
        select(AuditEvent).where(AuditEvent.event_type == "protocol.downloaded").order_by(AuditEvent.seq)
    ).all()
    assert [(e.payload["format"], e.actor_label) for e in downloads] == [
        ("json", _lead().email),
        ("pdf", _lead().email),
    ]
