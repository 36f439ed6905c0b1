"""In a real Chromium: the lead filters the audit trail before the opening and finds no trace of the bids that
have come in; after the opening the same filter offers and shows them."""

from __future__ import annotations

from typing import Any

import pytest

from tender.audit.labels import EVENT_LABELS
from tests.evaluation_helpers import AFTER, ORGNR, PASSWORD, live_setup, restore_clock

pytestmark = pytest.mark.browser


def _sealed_world(app: Any) -> tuple[int, str]:
    """A tender in the live server's database with two submitted bids, not opened; the lead's e-mail. Leaves
    the live server's clock one second after the deadline."""
    w = live_setup(app, vendors=2, evaluators=1, leaves=1, opened=False)
    return w.tender_id, w.lead.email


def _open(app: Any, tender_id: int) -> None:
    from tender.bids import operations as bid_ops
    from tender.extensions import db
    from tender.tenders.models import Role, Tender

    with app.app_context():
        tender = db.session.get(Tender, tender_id)
        lead = next(m.user for m in tender.memberships if m.role is Role.LEAD)
        evaluator = next(m.user for m in tender.memberships if m.role is Role.EVALUATOR)
        # two people open the bids (issue 9 point 2): the evaluator confirms, the lead's confirmation opens
        assert bid_ops.confirm_opening(tender, at=AFTER, actor=evaluator) is None
        assert bid_ops.confirm_opening(tender, at=AFTER, actor=lead) is not None
        db.session.commit()


def test_the_lead_filters_the_audit_trail_and_finds_the_bids_only_after_the_opening(
    live_server, page
) -> None:
    app = live_server.app
    try:
        tender_id, lead = _sealed_world(app)
        page.goto(live_server.url + "/logg-inn")
        page.get_by_label("E-postadresse").fill(lead)
        page.get_by_label("Passord").fill(PASSWORD)
        page.get_by_role("button", name="Logg inn").click()
        page.get_by_role("heading", name="Mine konkurranser").wait_for()
        page.goto(f"{live_server.url}/konkurranser/{tender_id}")
        page.get_by_role("link", name="Revisjonsspor").click()
        page.get_by_text("vises først etter åpningen").wait_for()
        # the filter offers the events by their Norwegian names (issue 11, point 5)
        offered = page.get_by_label("Hendelsestype").locator("option").all_inner_texts()
        bid_labels = {
            label for key, label in EVENT_LABELS.items() if key.startswith(("bid.", "bids.", "noark."))
        }
        assert "Medlem lagt til" in offered and not bid_labels & set(offered), offered
        assert (
            "bid.submitted" not in page.content()
            and page.get_by_role("columnheader", name="Nr.").count() == 0
        )
        page.get_by_label("Hendelsestype").select_option("membership.added")
        page.get_by_role("button", name="Filtrer").click()
        page.get_by_text("hendelser med dette filteret").wait_for()
        rows = page.locator("table.audit").inner_text()
        assert "Medlem lagt til" in rows and "Kravspesifikasjonen kunngjort" not in rows

        _open(app, tender_id)
        page.goto(f"{live_server.url}/konkurranser/{tender_id}/revisjonsspor")
        assert page.get_by_text("vises først etter åpningen").count() == 0
        page.get_by_label("Hendelsestype").select_option("bid.submitted")
        page.get_by_role("button", name="Filtrer").click()
        page.get_by_text("2 hendelser med dette filteret").wait_for()
        assert ORGNR[0] in page.content() and ORGNR[1] in page.content()
        assert page.get_by_role("columnheader", name="Nr.").is_visible()
    finally:
        restore_clock(app)
