"""In a real Chromium: the server-drawn charts (tender.core.charts) appear on their pages for the people who
may see the page, and nowhere before the bids are opened or for a vendor. A vendor named with markup is text
inside the SVG, never an element. Each chart is an image with a name (``role="img"``), and the numbers stay in
the tables beside it.

One tender of three vendors, built through the operations (the scoring and sign-off pages have their own
browser tests), followed from the sealed bids to a recommendation one of two municipalities has approved."""

from __future__ import annotations

import io
import re
from decimal import Decimal
from typing import Any

import pytest

from tests.browser_helpers import log_in, log_out
from tests.evaluation_helpers import BEFORE, Clock, Login, open_all, restore_clock, setup_tender, submit_bid

pytestmark = pytest.mark.browser

HOSTILE = '<script>alert("x")</script> Arkiv & Co AS'


def _world(app: Any) -> dict[str, Any]:
    """Three vendors (the first named with markup), each with a Noark 5 sample (validated) and a submitted
    bid; the clock one second before the deadline, the bids sealed."""
    from tender.extensions import db as database
    from tender.noark import operations as noark_ops
    from tender.tenders.models import Role
    from tests.prequalification_helpers import live_builders

    b = live_builders(database, title="Diagramtest", case_reference="2026/0177")
    clock = Clock(BEFORE)
    app.config["CLOCK"] = clock
    with app.app_context():
        s = setup_tender(
            database, b.create_tender, b.add_member, b.create_user, vendors=3, evaluators=1, leaves=2
        )
        # vendors are companies shared by every tender (by organisation number): the name is put back at the
        # end (:func:`_rename_back`), or later tests that register the same number would meet this one
        renamed = (s.vendors[0].id, s.vendors[0].name)
        s.vendors[0].name = HOSTILE
        database.session.commit()
        samples = []
        for i, vendor in enumerate(s.vendors):
            sample = noark_ops.store_upload(
                s.tender,
                vendor,
                io.BytesIO(b'<?xml version="1.0"?><arkiv/>'),
                "arkivstruktur.xml",
                max_bytes=10_000,
                actor=s.vendor_users[i],
            )
            database.session.commit()
            noark_ops.run_validation(sample.id)
            samples.append(sample.id)
        for i in range(3):
            submit_bid(database, s, i, one_off=str(1_000_000 - 100_000 * i))
        signer = b.add_member(s.tender, Role.SIGNER, municipality=s.tender.participating_municipalities[0])
        database.session.commit()
        return {
            "s": s,
            "clock": clock,
            "tender_id": s.tender.id,
            "lead": Login(s.lead.email, s.lead.name),
            "evaluator": Login(s.evaluators[0].email, s.evaluators[0].name),
            "vendor": Login(s.vendor_users[0].email, s.vendor_users[0].name),
            "other_vendor": Login(s.vendor_users[1].email, s.vendor_users[1].name),
            "signer": Login(signer.email, signer.name),
            "samples": samples,
            "renamed": renamed,
        }


def _rename_back(app: Any, renamed: tuple[int, str]) -> None:
    from tender.extensions import db as database
    from tender.vendors.models import Vendor

    with app.app_context():
        vendor = database.session.get(Vendor, renamed[0])
        assert vendor is not None
        vendor.name = renamed[1]
        database.session.commit()


def _open_and_score(app: Any, w: dict[str, Any]) -> None:
    """The two-person opening, then the consensus on every quality criterion (8, 6, 3)."""
    from tender.evaluation import operations as ev
    from tender.evaluation_model import operations as model_ops
    from tender.extensions import db as database
    from tender.tenders.models import Tender

    with app.app_context():
        s = w["s"]
        s.tender = database.session.get(Tender, w["tender_id"])
        s.lead = database.session.merge(s.lead)
        s.evaluators = [database.session.merge(u) for u in s.evaluators]
        open_all(database, s, w["clock"])
        tender = s.tender
        ev.open_consensus(tender, confirmed=True, actor=s.lead)
        scores = dict(zip(sorted(b.id for b in ev.opened_bids(tender)), (8, 6, 3), strict=True))
        for bid in ev.opened_bids(tender):
            for leaf in model_ops.quality_leaves(tender):
                ev.save_consensus(
                    tender,
                    bid,
                    leaf,
                    score=Decimal(scores[bid.id]),
                    justification="Samlet vurdering i evalueringsmøtet.",
                    expected_version=None,
                    actor=s.lead,
                )
        database.session.commit()


def _recommend(app: Any, tender_id: int) -> None:
    from tender.extensions import db as database
    from tender.tenders.models import Tender
    from tests.award_helpers import approved_recommendation

    with app.app_context():
        approved_recommendation(database.session.get(Tender, tender_id), approve=1)
        database.session.commit()


def _number(text: str) -> float:
    return float(re.sub(r"\s", "", text).replace(",", "."))


def _chart(page: Any, chart_id: str) -> Any:
    return page.locator(f"svg.chart#{chart_id}")


def _assert_image(page: Any, chart_id: str, name: str) -> None:
    chart = _chart(page, chart_id)
    chart.wait_for()
    assert chart.get_attribute("role") == "img"
    assert page.get_by_role("img", name=name).count() == 1


def _no_charts(page: Any) -> None:
    assert page.locator("svg.chart").count() == 0


def _chart_texts(page: Any, chart_id: str) -> list[str]:
    return [t.strip() for t in _chart(page, chart_id).locator("text").all_text_contents()]


def test_each_chart_shows_for_who_may_see_its_page_and_leaks_nothing_before_the_opening(
    live_server, page
) -> None:
    app = live_server.app
    alerts: list[str] = []
    page.on("dialog", lambda d: (alerts.append(d.message), d.dismiss()))
    # the charts need no inline style or script: the Content-Security-Policy would refuse them loudly
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    w = _world(app)
    url = live_server.url
    base = f"{url}/konkurranser/{w['tender_id']}"
    try:
        # sealed: the group sees no matrix, no sensitivity, no sample report, so no chart of bid data
        log_in(page, url, w["lead"].email)
        for path in (
            "/evaluering/matrise",
            "/evaluering/matrise/folsomhet",
            f"/noark/prover/{w['samples'][0]}",
        ):
            response = page.goto(base + path)
            assert response.status == 403, path
            _no_charts(page)
        # the timeline has no bid data: its chart shows exactly the table's rows
        page.goto(base + "/tidslinje")
        _assert_image(page, "chart-timeline", "Tidslinje")
        rows = (
            page.get_by_role("table", name="Tidslinje")
            .locator("tbody tr td:nth-child(2)")
            .all_text_contents()
        )
        titles = _chart(page, "chart-timeline").locator("g > title").all_text_contents()
        assert titles == [r.strip() for r in rows] and rows
        assert "I dag" in " ".join(_chart_texts(page, "chart-timeline"))
        # the specification's approvals: both municipalities approved version 1
        page.goto(base + "/krav")
        _assert_image(page, "chart-spec-approvals", "Kommunenes godkjenning av versjon 1")
        cells = _chart(page, "chart-spec-approvals").locator("g.cell")
        assert [cells.nth(i).get_attribute("data-state") for i in range(cells.count())] == ["godkjent"] * 2
        log_out(page)

        # a vendor sees its own sample's report with its chart, the public timeline with its chart
        log_in(page, url, w["vendor"].email)
        page.goto(base + f"/noark/prover/{w['samples'][0]}")
        _assert_image(page, "chart-noark", "Funn etter alvorlighet")
        assert "Hele uttrekket" in _chart_texts(page, "chart-noark")
        # not another vendor's report (404, as for a missing one)
        assert page.goto(base + f"/noark/prover/{w['samples'][1]}").status == 404
        _no_charts(page)
        assert page.goto(base + "/krav").status in (403, 404)
        _no_charts(page)
        page.goto(base + "/tidslinje/offentlig")
        _assert_image(page, "chart-timeline", "Tidslinje")
        rows = (
            page.get_by_role("table", name="Tidslinje for leverandørene")
            .locator("tbody tr td:nth-child(2)")
            .all_text_contents()
        )
        titles = _chart(page, "chart-timeline").locator("g > title").all_text_contents()
        assert titles == [r.strip() for r in rows]
        log_out(page)

        # opened and scored: the lead and the evaluator see the matrix chart and the sensitivity chart
        _open_and_score(app, w)
        for who in (w["lead"], w["evaluator"]):
            log_in(page, url, who.email)
            page.goto(base + "/evaluering/matrise")
            _assert_image(page, "chart-matrix", "Vektede poeng per tilbud og kriterium")
            chart = _chart(page, "chart-matrix")
            # one bar per bid, each with its total written at its end, as the table's "Sum" row says
            assert chart.locator("rect.segment").count() > 0
            totals = [t for t in _chart_texts(page, "chart-matrix") if t.endswith("poeng")]
            assert len(totals) == 3
            table_sum = (
                page.locator("table.matrix tr", has_text="Sum").locator("td strong").all_text_contents()
            )
            assert sorted(_number(t.removesuffix(" poeng")) for t in totals) == pytest.approx(
                sorted(_number(t) for t in table_sum), abs=0.0051
            )
            # the vendor named with markup is text inside the SVG, not an element
            assert HOSTILE in _chart(page, "chart-matrix").locator("g > title").all_text_contents()
            assert chart.locator("script").count() == 0 and page.locator("svg script").count() == 0
            # in print the chart stays, within the page's width, and the navigation goes
            page.emulate_media(media="print")
            assert chart.is_visible() and page.locator("header.top").is_hidden()
            box = chart.bounding_box()
            assert box is not None and 0 < box["width"] <= page.evaluate(
                "document.documentElement.clientWidth"
            )
            page.emulate_media(media="screen")
            page.get_by_role("link", name="Følsomhetsanalyse").click()
            _assert_image(page, "chart-sensitivity", "Vekter som beholder vinneren")
            assert "Vinneren beholdes" in _chart_texts(page, "chart-sensitivity")
            log_out(page)
        # the group now sees the sample submitted with the bid, chart included
        log_in(page, url, w["evaluator"].email)
        page.goto(base + f"/noark/prover/{w['samples'][1]}")
        _assert_image(page, "chart-noark", "Funn etter alvorlighet")
        log_out(page)

        # a vendor never sees the matrix or the sensitivity, so neither chart
        log_in(page, url, w["other_vendor"].email)
        for path in ("/evaluering/matrise", "/evaluering/matrise/folsomhet"):
            assert page.goto(base + path).status in (403, 404)
            _no_charts(page)
        log_out(page)

        # the recommendation, approved by one of two municipalities: the board's chart says so
        _recommend(app, w["tender_id"])
        for who in (w["lead"], w["signer"]):
            log_in(page, url, who.email)
            page.goto(base)
            _assert_image(page, "chart-board", "Kommunenes godkjenning av tildelingen")
            cells = _chart(page, "chart-board").locator("g.cell")
            assert cells.count() == 2
            states = sorted(cells.nth(i).get_attribute("data-state") for i in range(2))
            assert states == ["godkjent", "venter"]
            legend = " ".join(_chart_texts(page, "chart-board"))
            assert "Godkjent (1)" in legend and "Venter (1)" in legend
            log_out(page)
        log_in(page, url, w["vendor"].email)
        page.goto(base)
        assert _chart(page, "chart-board").count() == 0
        log_out(page)
        assert alerts == [] and refused == []
    finally:
        _rename_back(app, w["renamed"])
        restore_clock(app)
