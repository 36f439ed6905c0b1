"""In a real Chromium at a laptop's width (1366 px) and a tablet's (820 px): no page of the ``scored`` demo is
wider than the window. Wide tables (criteria, matrix, sensitivity, minimum requirements, diffs) scroll inside
their own box instead of pushing the page sideways (issue 11, point 6)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator

import pytest

from tender.demo import DEMO_PASSWORD, LEAD
from tests.conftest import LiveServer, dispose, make_app, migrate

pytestmark = pytest.mark.browser

WIDTHS = (1366, 820)


@dataclasses.dataclass
class ScoredServer:
    server: LiveServer
    #: e-mail of who looks -> the pages they look at
    pages: dict[str, list[str]]


@pytest.fixture(scope="module")
def scored_server(
    database_factory: Callable[[str], str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ScoredServer]:
    """The ``scored`` demo, plus a second tender whose draft differs from its frozen version 1 in a long text
    (the published demo cannot change any more, so its diff would be empty)."""
    from tender.bids import operations as bid_ops
    from tender.demo.stages import BIDDERS, build_stage
    from tender.extensions import db
    from tender.requirements import operations as spec_ops
    from tender.tenders import operations as tender_ops
    from tender.tenders.models import Procedure

    application = make_app(database_factory("tender_layout"), tmp_path_factory.mktemp("layout-instance"))
    migrate(application)
    with application.app_context():
        tender = build_stage("scored")
        lead = tender.memberships[0].user
        content = bid_ops.published_spec(tender)
        assert content is not None
        other = tender_ops.create_tender(
            title="Endringer i utkastet", case_reference="2026/0777", procedure=Procedure.OPEN, lead=lead
        )
        spec_ops.replace_draft(other, content, actor=lead, origin="test")
        spec_ops.freeze_version(other, actor=lead)
        first = content.requirements[0]
        longer = dataclasses.replace(
            first, text=first.text + " " + "Løsningen_skal_kunne_dokumentere_alt_" * 12
        )
        spec_ops.replace_draft(
            other,
            dataclasses.replace(content, requirements=(longer, *content.requirements[1:])),
            actor=lead,
            origin="test",
        )
        db.session.commit()
        bid = bid_ops.submitted_bids(tender)[0]
        t, e = tender.id, f"/konkurranser/{tender.id}/evaluering"
        lead_pages = [
            f"/konkurranser/{t}",
            f"/konkurranser/{t}/krav",
            e,
            f"{e}/tilbud",
            f"{e}/tilbud/{bid.id}",
            f"{e}/konsensus",
            f"{e}/matrise",
            f"{e}/matrise/folsomhet",
            f"/konkurranser/{t}/noark/prover",
            f"/konkurranser/{t}/noark/minstekrav",
            f"/konkurranser/{t}/revisjonsspor",
            f"/konkurranser/{other.id}/krav/diff?fra=1&til=utkast",
        ]
        vendor_pages = [
            f"/konkurranser/{t}/mitt-tilbud",
            f"/konkurranser/{t}/mitt-tilbud/kvittering",
            f"/konkurranser/{t}/noark/mine-prover",
        ]
        pages = {LEAD[0]: lead_pages, BIDDERS[0].email: vendor_pages}
    server = LiveServer(application).start()
    try:
        yield ScoredServer(server, pages)
    finally:
        server.stop()
        dispose(application)


@pytest.mark.parametrize("width", WIDTHS)
def test_no_page_of_the_scored_demo_is_wider_than_a_laptop_or_tablet_window(
    scored_server, browser, width: int
) -> None:
    context = browser.new_context(
        locale="nb-NO", timezone_id="Europe/Oslo", viewport={"width": width, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        url = scored_server.server.url
        too_wide = {}
        for email, paths in scored_server.pages.items():
            page.goto(url + "/logg-inn")
            page.get_by_label("E-postadresse").fill(email)
            page.get_by_label("Passord").fill(DEMO_PASSWORD)
            page.get_by_role("button", name="Logg inn").click()
            page.get_by_role("heading", name="Mine konkurranser").wait_for()
            for path in paths:
                response = page.goto(url + path)
                assert response is not None and response.status == 200, path
                scroll, client = page.evaluate(
                    "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
                )
                if scroll > client:
                    too_wide[path] = (scroll, client)
            page.get_by_role("button", name="Logg ut").click()
            page.get_by_text("Du er logget ut.").wait_for()
        assert too_wide == {}, f"sider bredere enn vinduet ved {width} px: {too_wide}"
    finally:
        context.close()
