"""In a real Chromium (issue 16): under a model with a quality threshold, the lead's draft recommendation
lists the bid below it as rejected with the threshold named and asks for no text about it; the signer reads
the frozen recommendation with the announced model (step, consensus rule, the method's parameters, the
thresholds) and approves it."""

from __future__ import annotations

import pytest

from tests.browser_helpers import log_in as _login
from tests.browser_helpers import log_out as _logout
from tests.evaluation_helpers import BEFORE, Clock, Login, restore_clock

pytestmark = pytest.mark.browser


def _world(app) -> tuple[int, Login, dict[str, Login]]:
    from tender.extensions import db as database
    from tender.tenders.models import Role
    from tests.prequalification_helpers import live_builders
    from tests.test_award_model_announced import threshold_world

    clock = Clock(BEFORE)
    app.config["CLOCK"] = clock
    with app.app_context():
        b = live_builders(database, title="Minstegrenser", case_reference="2026/0116")
        s = threshold_world(database, b.create_tender, b.add_member, b.create_user, clock)
        signers = {
            m.municipality.name: Login(m.user.email, m.user.name)
            for m in s.tender.memberships
            if m.role is Role.SIGNER and m.municipality is not None
        }
        return s.tender.id, Login(s.lead.email, s.lead.name), signers


def test_the_draft_and_the_frozen_recommendation_show_the_threshold_rejection_and_the_model(
    live_server, page
) -> None:
    app = live_server.app
    tender_id, lead, signers = _world(app)
    try:
        url = live_server.url
        base = f"{url}/konkurranser/{tender_id}"
        _login(page, url, lead)
        page.goto(f"{base}/tildeling/innstilling")
        page.get_by_role("button", name="Påbegynn innstilling").click()
        page.get_by_text("Innstilling nr. 1 er påbegynt.").wait_for()
        rejected = page.locator("#avviste")
        assert "Leverandør C AS: Avvist under minstegrensen for kvalitet." in rejected.inner_text()
        assert "«Arkivfunksjonalitet»: 4 poeng, mens minst 5 kreves" in rejected.inner_text()
        texts = page.get_by_role("form", name="Begrunnelser")
        assert texts.get_by_text("Fordeler sammenlignet med Leverandør C AS").count() == 0
        boxes = texts.locator("textarea")
        for i in range(boxes.count()):
            boxes.nth(i).fill(f"Vinneren er bedre på dette punktet (begrunnelse {i + 1}).")
        texts.get_by_label("Oppsummering: hvorfor dette tilbudet").fill("Best samlet kvalitet og pris.")
        texts.get_by_role("button", name="Lagre innstillingen").click()
        page.get_by_role("button", name="Lås innstillingen for godkjenning").click()
        page.get_by_text("Innstillingen er låst for godkjenning.").wait_for()
        _logout(page)

        first = sorted(signers)[0]
        _login(page, url, signers[first])
        page.goto(f"{base}/tildeling/innstilling")
        page.get_by_role("link", name="Les innstillingen og ta stilling").click()
        model = page.get_by_role("list", name="Evalueringsmodellen")
        shown = model.inner_text().replace("\u00a0", " ")
        assert "Skala 0–10, i halve poeng (trinn på 0,5)." in shown
        assert "Konsensus: Enighet i gruppen." in shown
        assert "S, pristillegg ved null kvalitet: 20 %" in shown
        assert "Arkivfunksjonalitet: minst 5 poeng." in shown
        assert "Avvist under minstegrensen for kvalitet." in page.locator("#avviste").inner_text()
        form = page.get_by_role("form", name=f"Vedtak for {first}")
        form.get_by_label("Godkjent").check()
        form.get_by_label("Vedtatt av").select_option("formannskap")
        form.get_by_label("Vedtaksdato").fill("2026-12-14")
        form.get_by_label("Saksnummer i kommunens arkiv").fill("2026/4711")
        form.get_by_role("button", name="Registrer vedtaket").click()
        page.get_by_text(f"{first} har godkjent innstillingen.").wait_for()
    finally:
        restore_clock(app)
