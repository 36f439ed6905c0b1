"""In a real Chromium: the lead drafts the recommendation, writes the account per criterion and bid, and
freezes it; the signer of one municipality approves with the body, date and case number of the decision; the
signer of the other rejects it with a comment, which sends the tender back to evaluation."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.browser_helpers import log_in as _login
from tests.browser_helpers import log_out as _logout
from tests.evaluation_helpers import Login, live_setup, restore_clock

pytestmark = pytest.mark.browser


def _scored(app, tender_id: int, scores: dict[str, int]) -> dict[str, Login]:
    """The group's consensus on the round (the scoring pages have their own browser tests); the signers by
    municipality."""
    from tender.evaluation import operations as ev
    from tender.evaluation_model import operations as model_ops
    from tender.extensions import db
    from tender.tenders.models import Role, Tender

    with app.app_context():
        tender = db.session.get(Tender, tender_id)
        lead = tender.memberships[0].user
        ev.open_consensus(tender, confirmed=True, actor=lead)
        for bid in ev.opened_bids(tender):
            for leaf in model_ops.quality_leaves(tender):
                ev.save_consensus(
                    tender,
                    bid,
                    leaf,
                    score=Decimal(scores[bid.vendor.name]),
                    justification="Samlet vurdering i evalueringsmøtet.",
                    expected_version=None,
                    actor=lead,
                )
        db.session.commit()
        return {
            m.municipality.name: Login(m.user.email, m.user.name)
            for m in tender.memberships
            if m.role is Role.SIGNER and m.municipality is not None
        }


def test_the_lead_drafts_and_freezes_one_signer_approves_and_another_rejects(live_server, page) -> None:
    app = live_server.app
    w = live_setup(app, evaluators=1, vendors=3, leaves=1)
    try:
        url = live_server.url
        base = f"{url}/konkurranser/{w.tender_id}"
        a, b, c = w.vendor_names
        signers = _scored(app, w.tender_id, {a: 8, b: 6, c: 3})

        # the lead drafts: the ranking is shown, and freezing waits for every text
        _login(page, url, w.lead)
        page.goto(base)
        page.get_by_role("link", name="Innstilling").click()
        page.get_by_role("button", name="Påbegynn innstilling").click()
        page.get_by_text("Innstilling nr. 1 er påbegynt.").wait_for()
        ranking = page.get_by_role("table", name="Rangering")
        assert ranking.get_by_text("(vinner)").is_visible()
        texts = page.get_by_role("form", name="Begrunnelser")
        boxes = texts.locator("textarea")
        # the first account only, then save: the freezing is not offered while texts are missing
        boxes.first.fill("Løsningen dekker alle arkivkravene med standard funksjonalitet.")
        texts.get_by_label("Oppsummering: hvorfor dette tilbudet").fill("Best samlet kvalitet og pris.")
        texts.get_by_role("button", name="Lagre innstillingen").click()
        page.get_by_text("Innstillingen er lagret").wait_for()
        assert page.get_by_text("poeng alene er ikke nok").is_visible()
        assert page.get_by_role("button", name="Lås innstillingen for godkjenning").count() == 0
        texts = page.get_by_role("form", name="Begrunnelser")
        boxes = texts.locator("textarea")
        for i in range(boxes.count()):
            box = boxes.nth(i)
            if not box.input_value():
                box.fill(f"Vinneren er bedre på dette punktet (begrunnelse {i + 1}).")
        texts.get_by_role("button", name="Lagre innstillingen").click()
        page.get_by_role("button", name="Lås innstillingen for godkjenning").click()
        page.get_by_text("Innstillingen er låst for godkjenning.").wait_for()
        _logout(page)

        # the first municipality's signer reads the snapshot and approves
        first, second = sorted(signers)
        _login(page, url, signers[first])
        page.goto(base)
        page.get_by_role("link", name="Innstilling").click()
        page.get_by_role("link", name="Les innstillingen og ta stilling").click()
        assert page.get_by_role("table", name="Evalueringsmatrise").is_visible()
        assert page.get_by_text("Løsningen dekker alle arkivkravene").is_visible()
        form = page.get_by_role("form", name=f"Vedtak for {first}")
        form.get_by_label("Godkjent").check()
        form.get_by_label("Vedtatt av").select_option("formannskap")
        form.get_by_label("Vedtaksdato").fill("2026-12-14")
        form.get_by_label("Saksnummer i kommunens arkiv").fill("2026/4711")
        form.get_by_role("button", name="Registrer vedtaket").click()
        page.get_by_text(f"{first} har godkjent innstillingen.").wait_for()
        board = page.get_by_role("table", name="Kommunenes godkjenning av tildelingen")
        assert board.get_by_text("2026/4711").is_visible() and board.get_by_text("godkjent").is_visible()
        _logout(page)

        # the second rejects: the comment is required, then the recommendation is withdrawn
        _login(page, url, signers[second])
        page.goto(base)
        page.get_by_role("link", name="Innstilling").click()
        page.get_by_role("link", name="Les innstillingen og ta stilling").click()
        form = page.get_by_role("form", name=f"Vedtak for {second}")
        form.get_by_label("Avvist").check()
        form.get_by_label("Vedtatt av").select_option("kommunestyre")
        form.get_by_label("Vedtaksdato").fill("2026-12-15")
        form.get_by_label("Saksnummer i kommunens arkiv").fill("26/1200")
        form.get_by_role("button", name="Registrer vedtaket").click()
        page.get_by_text("Skriv hvorfor kommunen avviser innstillingen.").wait_for()
        form = page.get_by_role("form", name=f"Vedtak for {second}")
        form.get_by_label("Avvist").check()
        form.get_by_label("Vedtaksdato").fill("2026-12-15")
        form.get_by_label("Kommentar (påkrevd ved avvisning)").fill(
            "Kommunestyret vil ha ny vurdering av prisen."
        )
        form.get_by_role("button", name="Registrer vedtaket").click()
        page.get_by_text(f"{second} har avvist innstillingen.").wait_for()
        assert page.get_by_text("Kommunestyret vil ha ny vurdering av prisen.").first.is_visible()
        page.goto(base)
        board = page.get_by_role("table", name="Kommunenes godkjenning av tildelingen")
        assert board.get_by_text("avvist").is_visible()
    finally:
        restore_clock(app)
