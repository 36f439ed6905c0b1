"""In a real Chromium: six requests are in, assessed and scored; the lead finds two tied at the cut-off,
records the order with a reason, proposes the four the ranking prefills, each municipality's signer reads the
proposal with its hash and approves it, and the selection becomes final: four invited, one not selected, one
rejected."""

from __future__ import annotations

import pytest

from tests.browser_helpers import log_in as _login
from tests.browser_helpers import log_out as _logout
from tests.evaluation_helpers import restore_clock
from tests.prequalification_select_helpers import live_select_world

pytestmark = pytest.mark.browser


def test_the_lead_resolves_a_tie_selects_four_of_six_and_the_signers_approve_it_into_a_final_selection(
    live_server, page
) -> None:
    w = live_select_world(live_server.app)
    try:
        url = live_server.url
        base = f"{url}/konkurranser/{w.tender_id}/prekvalifisering/utvelgelse"
        a, b, c, d, e, f = w.names
        _login(page, url, w.lead)
        page.goto(f"{url}/konkurranser/{w.tender_id}")
        page.get_by_role("link", name="Utvelgelse").click()
        page.get_by_role("heading", name="Likt ved grensen").wait_for()
        assert page.get_by_text(f"{d} og {e} står likt på 6 poeng ved grensen").first.is_visible()

        # proposing with the tie open is refused, in Norwegian, and nothing is proposed
        page.get_by_role("button", name="Send forslaget til godkjenning").click()
        assert page.get_by_text("registrer en beslutning før utvalget foreslås").first.is_visible()

        page.get_by_label("Rekkefølge (den første står foran)").select_option(label=f"{d} foran {e}")
        page.get_by_label("Begrunnelse for rekkefølgen").fill(f"{d} har flere referanser med Noark 5.")
        page.get_by_role("button", name="Registrer rekkefølgen").click()
        page.get_by_text("Beslutningen om rekkefølgen er registrert.").wait_for()
        assert page.get_by_text(f"{d} foran {e}. Begrunnelse:").is_visible()

        # the top four are prefilled; the lead reads them and sends the proposal
        boxes = page.get_by_role("checkbox")
        checked = [boxes.nth(i).is_checked() for i in range(boxes.count())]
        assert checked == [True, True, True, True, False, False]
        page.get_by_role("button", name="Send forslaget til godkjenning").click()
        page.get_by_role("heading", name="Forslag nr. 1 til utvalg").wait_for()
        assert page.get_by_text("Forslag nr. 1 er sendt til godkjenning i kommunene.").is_visible()
        digest = page.locator("dd code").first.inner_text()
        assert len(digest) == 64
        _logout(page)

        for signer, municipality in zip(w.signers, ["Skien", "Porsgrunn"], strict=True):
            _login(page, url, signer)
            page.goto(f"{base}/forslag/1")
            assert page.get_by_text(digest).is_visible()
            assert (
                page.get_by_role("row", name=f"{e}")
                .get_by_text("Ikke valgt ut: Rangert som nr. 5")
                .is_visible()
            )
            assert page.get_by_label("Kommune", exact=True).input_value() != ""
            page.get_by_label("Beslutning", exact=True).select_option(label="Godkjenn")
            page.get_by_role("button", name="Registrer beslutning").click()
            page.get_by_text(f"Beslutningen for {municipality} er registrert.").wait_for()
            _logout(page)

        _login(page, url, w.lead)
        page.goto(f"{base}/forslag/1")
        assert page.get_by_text("Endelig").first.is_visible()
        assert page.get_by_role("row", name=a).get_by_text("Inviteres").is_visible()
        assert page.get_by_role("row", name=f).get_by_text("Oppfyller ikke kvalifikasjonskrav").is_visible()
    finally:
        restore_clock(live_server.app)

    from tender.extensions import db
    from tender.prequalification.models import ParticipationRequest, RequestOutcome

    with live_server.app.app_context():
        outcomes = [db.session.get(ParticipationRequest, i).outcome for i in w.request_ids]
    assert outcomes == [RequestOutcome.INVITED] * 4 + [RequestOutcome.NOT_SELECTED, RequestOutcome.REJECTED]
