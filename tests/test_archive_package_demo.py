"""The archive package of the Grenland demo after the negotiation (issue 14, point 7): both rounds' bids as
received, both published versions of the tender documents, the letters and the reports, every hash in the
manifest right; built through ``tender.demo.award_archive``, as the ``awarded`` stage will."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from sqlalchemy import select

from tender.audit import AuditEvent
from tender.bids.models import Bid, BidStatus
from tender.documents import operations as documents
from tender.protocol import archive
from tests.test_archive_package import open_package


@pytest.mark.slow
def test_the_negotiated_demo_files_one_package_for_the_tender_and_one_per_bound_municipality(db) -> None:
    from tender.demo.award_archive import file_archive_packages
    from tender.demo.stages import build_stage

    tender = build_stage("negotiated")
    built = file_archive_packages(tender)
    db.session.commit()
    bound = tender.bound_municipalities
    assert set(built) == {""} | {m.kommunenummer for m in bound} and len(bound) == 6
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.event_type == "archive.package_built"))
    assert sorted(json.loads(e.payload_json)["sha256"] for e in events) == sorted(built.values())

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
    [reduction] = [p for p in paths if p.startswith("3-brev/forhandling/")]
    assert "Begrunnelse:" in files[reduction].decode("utf-8")
    assert "4-rapporter/sporsmal-og-svar.pdf" in files
    assert all(p.isascii() for p in paths)
    # and it is the same package when built again from the same data
    db.session.expire_all()
    built_at = datetime.fromisoformat(manifest["pakke"]["bygget"])
    again = archive.archive_package(tender, skien, built_at=built_at, built_by="Anne Lie")
    assert again == data
