"""The archive package (issue 14, point 7): one zip with the tender's records in folders by kind, safe file
names, a manifest whose hashes match every file, nothing of a bid before its opening, the same bytes for the
same data, and the package's hash in the audit trail."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from tender.audit import AuditEvent
from tender.protocol import archive
from tender.protocol.archive import ArchiveFile, safe_name
from tests.evaluation_helpers import AFTER, BEFORE, open_all, setup_tender, submit_bid

HOSTILE = "../../x"


def open_package(data: bytes) -> tuple[dict[str, Any], dict[str, bytes]]:
    """The manifest and every other file of the package, by path; checks the manifest against the files:
    every hash and size right, no file missing, none extra."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert zf.testzip() is None
        files = {name: zf.read(name) for name in zf.namelist()}
    manifest = json.loads(files.pop(archive.MANIFEST_JSON))
    files.pop(archive.MANIFEST_CSV)
    listed = {f["sti"]: f for f in manifest["filer"]}
    assert sorted(listed) == sorted(files), "the manifest lists exactly the files in the package"
    for path, body in files.items():
        assert listed[path]["sha256"] == hashlib.sha256(body).hexdigest(), path
        assert listed[path]["storrelse"] == len(body), path
    return manifest, files


@pytest.fixture
def opened(db, clock, create_tender, add_member, create_user) -> Any:
    """Two delivered bids, one with attachments whose names are unkind to file systems; not yet opened."""
    from tender.bids import operations as bid_ops

    s = setup_tender(db, create_tender, add_member, create_user)
    clock.set(BEFORE - timedelta(hours=1))
    first = submit_bid(db, s, 0)
    second = bid_ops.bid_of(s.tender, s.vendors[1].id) or bid_ops.ensure_bid(
        s.tender, s.vendors[1], at=clock(), actor=s.vendor_users[1]
    )
    for name, body in [("CON.pdf", b"%PDF-1.4 con"), ("Løsningsbeskrivelse æøå.pdf", b"%PDF-1.4 losning")]:
        bid_ops.add_attachment(
            s.tender,
            second,
            filename=name,
            content_type="application/pdf",
            data=body,
            at=clock(),
            actor=s.vendor_users[1],
        )
    db.session.commit()
    submit_bid(db, s, 1)
    s.bids = [first, second]
    return s


def test_a_file_name_from_a_person_becomes_a_plain_ascii_name_inside_its_folder() -> None:
    assert safe_name(HOSTILE) == "x"
    assert safe_name("..\\..\\windows\\evil.exe") == "evil.exe"
    assert safe_name("CON.pdf") == "_CON.pdf"
    assert safe_name("nul") == "_nul"
    assert safe_name("Løsningsbeskrivelse æøå.pdf") == "Losningsbeskrivelse-aeoa.pdf"
    assert safe_name(".htaccess") == "htaccess"
    assert safe_name("") == "fil"
    assert safe_name("../..") == "fil"
    assert safe_name("rapport.tar.gz") == "rapport-tar.gz"
    long = safe_name("a" * 300 + ".docx")
    assert len(long) <= archive.MAX_NAME and long.endswith(".docx")


def test_before_the_opening_the_package_holds_nothing_of_any_bid(app, db, opened, clock) -> None:
    clock.set(AFTER)
    data = archive.archive_package(opened.tender, built_by="Lena Leder")
    manifest, files = open_package(data)
    assert not [p for p in files if p.startswith("2-tilbud/")]
    assert not [p for p in files if "apningsprotokoll" in p or "evalueringsmatrise" in p]
    everything = data + b"".join(files.values())
    # The protocol's audit trail names the vendors the lead added to the tender (the lead's own step, on its
    # audit page too); who has bid, and what, is nowhere: no file outside the protocol names a vendor, and no
    # bid's bytes or file names are in the package at all.
    outside_protocol = b"".join(data for path, data in files.items() if not path.startswith("5-protokoll/"))
    for vendor in opened.vendors:
        assert vendor.name.encode() not in outside_protocol
        assert vendor.organisasjonsnummer.encode() not in outside_protocol
    assert b"%PDF-1.4 losning" not in everything and b"%PDF-1.4 con" not in everything
    assert "Løsningsbeskrivelse".encode() not in everything
    # the published specification is there already
    assert [f for f in manifest["filer"] if f["sti"].startswith("4-rapporter/kravspesifikasjon")]


def test_after_the_opening_every_bid_is_in_the_package_as_received_with_its_receipt(
    app, db, opened, clock
) -> None:
    open_all(db, opened, clock)
    manifest, files = open_package(archive.archive_package(opened.tender, built_by="Lena Leder"))
    second = opened.vendors[1]
    folder = f"2-tilbud/runde-1/{safe_name(second.name)}-{second.organisasjonsnummer}"
    assert files[f"{folder}/vedlegg/_CON.pdf"] == b"%PDF-1.4 con"
    assert files[f"{folder}/vedlegg/Losningsbeskrivelse-aeoa.pdf"] == b"%PDF-1.4 losning"
    for bid in opened.bids:
        db.session.refresh(bid)
        v = bid.vendor
        receipt = json.loads(
            files[f"2-tilbud/runde-1/{safe_name(v.name)}-{v.organisasjonsnummer}/kvittering.json"]
        )
        assert receipt["kvittering_sha256"] == bid.receipt_sha256
        # the receipt's content hashes to the receipt the vendor was given
        canonical = json.dumps(receipt["innhold"], sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        assert hashlib.sha256(canonical.encode()).hexdigest() == bid.receipt_sha256
    record = json.loads(files["4-rapporter/apningsprotokoll-runde-1.json"])
    assert {b["receipt_sha256"] for b in record["bids"]} == {b.receipt_sha256 for b in opened.bids}
    every_path = [f["sti"] for f in manifest["filer"]]
    assert all(p.isascii() and ".." not in p.split("/") and not p.startswith("/") for p in every_path)
    kinds = {f["sti"]: f["art"] for f in manifest["filer"]}
    assert kinds[f"{folder}/vedlegg/_CON.pdf"] == "tilbud"
    assert kinds["4-rapporter/apningsprotokoll-runde-1.json"] == "rapport"
    titles = {f["sti"]: f["tittel"] for f in manifest["filer"]}
    assert titles[f"{folder}/kvittering.json"] == f"Kvittering for tilbud fra {second.name}, runde 1"


def test_the_same_data_gives_the_same_bytes_and_a_change_gives_other_bytes(app, db, opened, clock) -> None:
    open_all(db, opened, clock)
    one = archive.archive_package(opened.tender, built_at=AFTER, built_by="Lena Leder")
    db.session.expire_all()
    two = archive.archive_package(opened.tender, built_at=AFTER, built_by="Lena Leder")
    assert hashlib.sha256(one).hexdigest() == hashlib.sha256(two).hexdigest()
    with zipfile.ZipFile(io.BytesIO(one)) as zf:
        names = zf.namelist()
        assert names[:2] == [archive.MANIFEST_JSON, archive.MANIFEST_CSV]
        assert names[2:] == sorted(names[2:], key=str.lower)
        assert {i.date_time for i in zf.infolist()} == {archive.ZIP_TIME}
    later = archive.archive_package(opened.tender, built_at=AFTER + timedelta(days=1), built_by="Lena Leder")
    assert later != one  # the manifest says when it was built
    # and the files are the very same, but the protocol, which is made for the package's moment and says so
    first, second = open_package(one)[1], open_package(later)[1]
    protocol = [p for p in first if p.startswith("5-protokoll/")]
    assert {p: b for p, b in second.items() if p not in protocol} == {
        p: b for p, b in first.items() if p not in protocol
    }
    [json_path] = [p for p in protocol if p.endswith(".json")]
    made = [json.loads(files[json_path]) for files in (first, second)]
    assert [m.pop("generated_at") for m in made] == [
        AFTER.isoformat(),
        (AFTER + timedelta(days=1)).isoformat(),
    ]
    assert made[0] == made[1]


def test_a_registered_source_adds_its_files_with_safe_names_and_unique_paths(
    app, db, opened, monkeypatch
) -> None:
    def protocol_files(tender: Any) -> list[ArchiveFile]:
        return [
            ArchiveFile("protokoll", HOSTILE, b"first", "Protokoll", date(2026, 12, 20)),
            ArchiveFile("protokoll", "x", b"second", "Protokoll (JSON)", date(2026, 12, 20)),
        ]

    monkeypatch.setattr(archive, "ARCHIVE_SOURCES", [*archive.ARCHIVE_SOURCES])
    archive.register_archive_source(protocol_files)
    archive.register_archive_source(protocol_files)  # once only
    manifest, files = open_package(archive.archive_package(opened.tender, built_by="Lena Leder"))
    assert {p: files[p] for p in files if p.startswith("5-protokoll/x")} == {
        "5-protokoll/x": b"first",
        "5-protokoll/x-2": b"second",
    }
    # the protocol itself is registered as a source: its JSON and its PDF are in the package
    protocol = sorted(p for p in files if p.startswith("5-protokoll/anskaffelsesprotokoll"))
    assert [p.rsplit(".", 1)[1] for p in protocol] == ["json", "pdf"]
    assert json.loads(files[protocol[0]])["tender"]["case_reference"] == opened.tender.case_reference
    entry = next(f for f in manifest["filer"] if f["sti"] == "5-protokoll/x")
    assert entry["art_navn"] == "Anskaffelsesprotokoll" and entry["dato"] == "2026-12-20"


def _signed_off(db: Any, tender: Any, municipality: Any, case_number: str) -> None:
    """A frozen recommendation the municipality approved under its own case number (the rows as the
    recommendation part writes them)."""
    from tender.award.models import (
        AwardSignOff,
        DecisionBody,
        Recommendation,
        RecommendationState,
        SignOffDecision,
    )

    digest = "a" * 64
    rec = Recommendation(
        tender_id=tender.id, number=1, round_no=1, state=RecommendationState.FROZEN, content_sha256=digest
    )
    db.session.add(rec)
    db.session.flush()
    db.session.add(
        AwardSignOff(
            recommendation_id=rec.id,
            municipality_id=municipality.id,
            content_sha256=digest,
            decision=SignOffDecision.APPROVED,
            body=DecisionBody.FORMANNSKAP,
            decision_date=date(2026, 12, 18),
            case_number=case_number,
            signer_name="Siri Signer",
        )
    )
    db.session.commit()


def test_built_for_one_municipality_the_manifest_names_its_own_case_number(app, db, opened, clock) -> None:
    skien, porsgrunn = opened.tender.participating_municipalities[:2]
    _signed_off(db, opened.tender, skien, "26/01234-7")
    data = archive.archive_package(opened.tender, skien, built_by="Lena Leder")
    manifest, _ = open_package(data)
    assert manifest["pakke"]["kommune"] == {
        "id": skien.id,
        "navn": skien.name,
        "kommunenummer": skien.kommunenummer,
        "saksnummer": "26/01234-7",
    }
    assert {json.dumps(f["sak"]) for f in manifest["filer"]} == {
        json.dumps({"konkurranse": opened.tender.case_reference, "kommune": "26/01234-7"})
    }
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        text = zf.read(archive.MANIFEST_CSV).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert ["Kommunens saksnummer", "26/01234-7"] in rows
    header = rows.index(
        [
            "Sti",
            "Tittel",
            "Art",
            "Dato",
            "Størrelse (byte)",
            "SHA-256",
            "Sak (konkurransen)",
            "Sak (kommunen)",
        ]
    )
    assert {r[0] for r in rows[header + 1 :]} == {f["sti"] for f in manifest["filer"]}
    # a municipality without a decision: the tender's case only
    other, _ = open_package(archive.archive_package(opened.tender, porsgrunn, built_by="Lena Leder"))
    assert other["pakke"]["kommune"]["saksnummer"] is None
    whole, _ = open_package(archive.archive_package(opened.tender, built_by="Lena Leder"))
    assert whole["pakke"]["kommune"] is None
    assert whole["pakke"]["konkurranse"]["saksnummer"] == opened.tender.case_reference
    assert whole["pakke"]["bygget_av"] == "Lena Leder"


def test_the_download_is_the_package_whose_hash_the_audit_trail_records(
    app, db, client, login_as, opened, clock
) -> None:
    open_all(db, opened, clock)
    skien = opened.tender.participating_municipalities[0]
    login_as(opened.lead)
    response = client.get(f"/konkurranser/{opened.tender.id}/arkivpakke.zip?kommune={skien.id}")
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    assert "arkivpakke-2026-0001-Skien.zip" in response.headers["Content-Disposition"]
    body = response.get_data()
    open_package(body)
    event = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.event_type == "archive.package_built")
        .order_by(AuditEvent.id.desc())
    ).first()
    assert event is not None
    payload = json.loads(event.payload_json)
    assert payload["sha256"] == hashlib.sha256(body).hexdigest() == response.headers["X-Content-SHA256"]
    assert payload["municipality"] == skien.name and payload["size"] == len(body)


@pytest.mark.parametrize("kommune", ["abc", "999999", "-1", "1" * 40])
def test_a_municipality_not_in_the_tender_is_refused_in_norwegian_and_nothing_is_recorded(
    app, db, client, login_as, opened, create_municipality, kommune
) -> None:
    login_as(opened.lead)
    before = db.session.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1))
    response = client.get(f"/konkurranser/{opened.tender.id}/arkivpakke.zip?kommune={kommune}")
    assert response.status_code == 422
    assert "Velg en kommune som er med i konkurransen." in response.get_data(as_text=True)
    after = db.session.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1))
    assert before == after


def test_another_tenders_municipality_is_refused_too(
    app, db, client, login_as, opened, create_municipality
) -> None:
    elsewhere = create_municipality("Kragerø", "4014", 10_000)
    db.session.commit()
    login_as(opened.lead)
    response = client.get(f"/konkurranser/{opened.tender.id}/arkivpakke.zip?kommune={elsewhere.id}")
    assert response.status_code == 422
    assert "Velg en kommune som er med i konkurransen." in response.get_data(as_text=True)


def test_after_the_notices_a_signer_gets_the_package_of_its_own_municipality_and_no_other(
    app, db, client, login_as, opened, add_member, create_user
) -> None:
    from tender.tenders.models import Role
    from tests.test_access_archive import issue_notices

    skien, porsgrunn = opened.tender.participating_municipalities[:2]
    signer = add_member(opened.tender, Role.SIGNER, create_user(name="Siri Signer"), municipality=porsgrunn)
    t = opened.tender.id
    login_as(signer)
    assert client.get(f"/konkurranser/{t}/arkivpakke").status_code == 403  # not before the notices
    assert client.get(f"/konkurranser/{t}/arkivpakke.zip").status_code == 403
    issue_notices(db, opened.tender)
    page = client.get(f"/konkurranser/{t}/arkivpakke").get_data(as_text=True)
    assert "Porsgrunn" in page and "Skien" not in page and "Hele konkurransen" not in page
    for url in (
        f"/konkurranser/{t}/arkivpakke.zip",
        f"/konkurranser/{t}/arkivpakke.zip?kommune={porsgrunn.id}",
    ):
        response = client.get(url)
        assert response.status_code == 200
        manifest, _ = open_package(response.get_data())
        assert manifest["pakke"]["kommune"]["navn"] == "Porsgrunn"
        assert manifest["pakke"]["bygget_av"] == "Siri Signer"
    assert client.get(f"/konkurranser/{t}/arkivpakke.zip?kommune={skien.id}").status_code == 403
