"""In a real Chromium, the letter about a reduction: the lead lets a vendor go on the negotiation page and
reads the letter there (not mailed: no mail server); the reduced vendor's user finds «Brev om reduksjon» from
its tender page and reads the reason; a vendor still in the competition has no such link."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.browser_helpers import log_in as _login
from tests.browser_helpers import log_out as _logout
from tests.evaluation_helpers import AFTER, live_setup, restore_clock
from tests.test_browser_negotiation import _score_current_round

pytestmark = pytest.mark.browser

REASON = "Lavest rangert etter tildelingskriteriene: svakest på gjennomføring."
NOTE = "Rangeringen i matrisen etter runde 1; de to beste går videre."


def _decide_to_negotiate(app, tender_id: int) -> None:
    """The decision to negotiate (the negotiation page's own browser test fills that form in)."""
    from tender.extensions import db
    from tender.negotiation import operations as neg
    from tender.negotiation.models import NegotiationChoice
    from tender.tenders.models import Tender

    with app.app_context():
        tender = db.session.get(Tender, tender_id)
        lead = tender.memberships[0].user
        neg.decide(
            tender, NegotiationChoice.NEGOTIATE, reason="Tilbudene kan forbedres.", at=AFTER, actor=lead
        )
        db.session.commit()


def test_the_reduced_vendor_finds_its_letter_from_the_tender_page_and_reads_the_reason(
    live_server, page
) -> None:
    app = live_server.app
    w = live_setup(app, evaluators=1, vendors=3, leaves=1)
    try:
        url = live_server.url
        base = f"{url}/konkurranser/{w.tender_id}"
        a, b, c = w.vendor_names
        _score_current_round(app, w.tender_id, {a: 8, b: 6, c: 3})
        app.config["CLOCK"].set(AFTER + timedelta(days=1))
        _decide_to_negotiate(app, w.tender_id)

        # the lead lets C go on the negotiation page, and reads the letter there, not mailed
        _login(page, url, w.lead)
        page.goto(base)
        page.get_by_role("link", name="Forhandling").click()
        reduction = page.get_by_role("form", name="Reduksjon")
        line = reduction.get_by_role("group", name=c)
        line.get_by_label("Tas ut av konkurransen").check()
        line.get_by_label("Begrunnelse til leverandøren").fill(REASON)
        reduction.get_by_label("Slik er de kunngjorte tildelingskriteriene anvendt").fill(NOTE)
        reduction.get_by_role("button", name="Reduser og send brev").click()
        page.get_by_text("Antallet leverandører er redusert").first.wait_for()
        page.get_by_text(f"Brevet til {c}", exact=True).click()
        letter = page.locator("details.reduction-letter")
        assert "Ikke sendt på e-post" in letter.inner_text() and REASON in letter.inner_text()
        _logout(page)

        # the reduced vendor: from its tender page, by the link, to its letter
        _login(page, url, w.vendor_users[2])
        page.goto(base)
        page.get_by_role("link", name="Brev om reduksjon").click()
        page.get_by_role("heading", name=f"Brev til {c}").wait_for()
        text = page.locator("article.reduction-letter").inner_text()
        assert REASON in text and NOTE in text and w.lead.name in text
        assert "redusert etter tilbudsrunde 1" in text
        assert page.get_by_role("link", name="Last ned brevet (PDF)").is_visible()
        _logout(page)

        # a vendor still in the competition sees no such link
        _login(page, url, w.vendor_users[0])
        page.goto(base)
        page.get_by_role("link", name="Oversikt").wait_for()
        assert page.get_by_role("link", name="Brev om reduksjon").count() == 0
        assert page.goto(base + "/forhandling/brev").status == 404
    finally:
        restore_clock(app)
