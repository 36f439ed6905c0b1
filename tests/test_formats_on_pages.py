"""One format on every page and PDF (issue 11, point 5): the pages with prices and times show amounts as
"1 000 000,00 kr" and moments in Oslo time written out ("15. desember 2026 kl. 13.00"), never a raw ISO
timestamp, an English decimal point in an amount, "NOK" after a number or "UTC"; the PDFs show Oslo time."""

from __future__ import annotations

import io
import re
import subprocess
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from tender.bids import operations as bid_ops
from tender.clock import now
from tender.evaluation import operations as ev
from tender.evaluation_model import operations as model_ops
from tender.formatting import format_money
from tender.reports.noark_pdf import render_noark_pdf
from tests.evaluation_helpers import open_all, setup_tender

NB = "\u00a0"
RAW_ISO = re.compile(r"\d{4}-\d\d-\d\dT\d\d")
# an amount with an English decimal point: 4160000.00, 4 160 000.00
ENGLISH_AMOUNT = re.compile(r"(?<![\d.])(?:\d{4,}|\d{1,3}(?:[ \u00a0]\d{3})+)\.\d\d(?!\d)")
NOK_AFTER_NUMBER = re.compile(r"\d[\s\u00a0]*NOK")
MONEY = re.compile(r"\d{1,3}(?:\u00a0\d{3})*,\d\d\u00a0kr")
ATTACHMENT_SIZE = 48_250


def _submit(db, s, index: int, one_off: str, *, attachment: bool = False):
    content = bid_ops.published_spec(s.tender)
    user, at = s.vendor_users[index], now()
    bid = bid_ops.ensure_bid(s.tender, s.vendors[index], at=at, actor=user)
    prices = {(s.items[0].id, None): Decimal(one_off)}
    for m in s.tender.participating_municipalities:
        prices[(s.items[1].id, m.id)] = Decimal("100000")
    bid_ops.save_draft(
        s.tender,
        bid,
        answers=[bid_ops.AnswerInput(r.id, "Ja", description="Standard") for r in content.requirements],
        prices=prices,
        at=at,
        actor=user,
    )
    if attachment:
        bid_ops.add_attachment(
            s.tender,
            bid,
            filename="beskrivelse.pdf",
            content_type="application/pdf",
            data=b"%PDF-1.4\n" + b"x" * (ATTACHMENT_SIZE - 9),
            at=at,
            actor=user,
        )
    bid_ops.submit(s.tender, bid, at=at, actor=user)
    db.session.commit()
    return bid


@pytest.fixture
def scored(db, create_tender, add_member, create_user, clock):
    """Two bids submitted a second before the deadline (11.59.59 UTC = 12.59.59 in Oslo), opened a second
    after it, consensus scores for every criterion."""
    s = setup_tender(db, create_tender, add_member, create_user)
    bids = [_submit(db, s, 0, "4160000", attachment=True), _submit(db, s, 1, "800000")]
    open_all(db, s, clock)
    ev.open_consensus(s.tender, confirmed=True, actor=s.lead)
    for bid, value in zip(bids, (8, 5), strict=True):
        for key in ("arkiv", "k1", "gjennomforing"):
            ev.save_consensus(
                s.tender,
                bid,
                model_ops.criterion_by_key(s.tender, key),
                score=Decimal(value),
                justification="Samlet vurdering",
                expected_version=None,
                actor=s.lead,
            )
    db.session.commit()
    return s, bids


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def _assert_one_format(html: str, url: str) -> None:
    assert not RAW_ISO.search(html), (url, RAW_ISO.search(html))
    assert not ENGLISH_AMOUNT.search(html), (url, ENGLISH_AMOUNT.search(html))
    assert not NOK_AFTER_NUMBER.search(html), url
    assert "UTC" not in html, url


def test_the_vendors_bid_page_and_receipt_show_oslo_time_and_norwegian_sizes(
    client, login_as, scored
) -> None:
    s, _ = scored
    login_as(s.vendor_users[0])
    bid_page = _page(client, f"/konkurranser/{s.id}/mitt-tilbud")
    receipt = _page(client, f"/konkurranser/{s.id}/mitt-tilbud/kvittering")
    # the deadline 12.00 UTC is 13.00 in Oslo in December
    assert "15. desember 2026 kl. 13.00.00" in bid_page
    assert f"47,1{NB}kB" in bid_page
    assert "Levert</dt><dd>15. desember 2026 kl. 12.59.59" in receipt
    for url, html in (("mitt-tilbud", bid_page), ("kvittering", receipt)):
        _assert_one_format(html, url)


def test_the_evaluation_pages_show_every_amount_in_kroner_and_every_time_in_oslo_time(
    client, login_as, scored
) -> None:
    s, bids = scored
    login_as(s.lead)
    pages = {
        name: _page(client, f"/konkurranser/{s.id}/evaluering/{name}")
        for name in ("tilbud", f"tilbud/{bids[0].id}", "matrise")
    }
    opening, bid_page, matrix = pages["tilbud"], pages[f"tilbud/{bids[0].id}"], pages["matrise"]
    evaluated = [format_money(ev.evaluated_price(s.tender, b)) for b in bids]
    assert all(price != "–" for price in evaluated)

    # the opening record, a second after the deadline
    assert "Åpnet 15. desember 2026 kl. 13.00.01 av" in opening
    assert "<td>15. desember 2026 kl. 12.59.59</td>" in opening
    assert all(price in opening for price in evaluated)
    # one price, one form: the bid's own schedule, its evaluated price, the matrix
    assert f"4{NB}160{NB}000,00{NB}kr" in bid_page and f"100{NB}000,00{NB}kr" in bid_page
    assert evaluated[0] in bid_page and f"47,1{NB}kB" in bid_page
    assert all(price in matrix for price in evaluated)
    assert f"30{NB}%" in matrix and f"25{NB}%" in matrix  # Pris 30 %, Arkivfunksjonalitet 50 % of 50 %
    for html in pages.values():
        assert MONEY.search(html)
    for url, html in pages.items():
        _assert_one_format(html, url)


def test_the_audit_trail_shows_the_moments_in_its_records_in_oslo_time(client, login_as, scored) -> None:
    s, _ = scored
    login_as(s.lead)
    html = _page(client, f"/konkurranser/{s.id}/revisjonsspor")
    assert "15. desember 2026 kl. 13.00.01" in html
    _assert_one_format(html, "revisjonsspor")
    one = _page(client, f"/konkurranser/{s.id}/revisjonsspor?type=bids.opened")
    assert "<p>1 hendelse med dette filteret.</p>" in one


def _pdftotext(data: bytes) -> str:
    done = subprocess.run(
        ["pdftotext", "-q", "-", "-"], input=data, capture_output=True, check=True, timeout=60
    )
    return re.sub(r"\s+", " ", done.stdout.decode("utf-8"))


def test_the_specification_pdf_shows_approval_times_in_oslo_time_and_its_version_once(
    client, login_as, db, scored
) -> None:
    s, _ = scored
    from tender.requirements.models import SpecVersion

    version = db.session.query(SpecVersion).filter_by(number=1).one()
    decision = version.decisions[0]
    # half past ten at night in UTC on 30 June is half past midnight on 1 July in Oslo (summer time)
    decision.decided_at = datetime(2026, 6, 30, 22, 30, tzinfo=UTC)
    db.session.commit()
    login_as(s.lead)
    response = client.get(f"/konkurranser/{s.id}/krav/versjoner/1/pdf")
    assert response.status_code == 200
    text = _pdftotext(response.data)
    assert "1. juli 2026 kl. 00.30" in text
    assert "22:30" not in text and "22.30" not in text and "30.06.2026" not in text and "UTC" not in text
    assert "Versjon 1" in text and "Versjon Versjon" not in text and "versjon Versjon" not in text


def test_the_answer_form_workbooks_name_the_version_once(client, login_as, scored) -> None:
    s, _ = scored
    login_as(s.lead)
    group = load_workbook(io.BytesIO(client.get(f"/konkurranser/{s.id}/krav/excel?versjon=1").data))
    assert group.active["A3"].value.startswith("Versjon 1 · innholds-hash ")
    assert group.active.oddFooter.left.text.startswith("Versjon 1 · ")
    login_as(s.vendor_users[0])
    vendor = load_workbook(io.BytesIO(client.get(f"/konkurranser/{s.id}/mitt-tilbud/svarskjema.xlsx").data))
    assert vendor.active["A3"].value.startswith("Versjon 1 · innholds-hash ")


def test_the_noark_report_pdf_shows_when_the_check_started_in_oslo_time() -> None:
    report = {
        "format": "tender-noark5-report",
        "version": 1,
        "started_at": "2026-12-03T07:44:05+00:00",
        "duration_seconds": 12.25,
        "extract": {"label": "Uttrekk"},
        "verdict": {"valid": True, "errors": 0, "warnings": 1200},
        "checks": [],
    }
    text = _pdftotext(render_noark_pdf(report))
    assert "3. desember 2026 kl. 08.44.05" in text and "T07:44" not in text
    assert "12,3 s" in text and "1 200 advarsler" in text.replace(NB, " ")
