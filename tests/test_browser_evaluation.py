"""In a real Chromium: two evaluators score independently, the lead opens consensus, sets consensus scores,
the matrix shows the ranking, and the Excel export downloads."""

from __future__ import annotations

import pytest

from tests.browser_helpers import log_in as _login
from tests.browser_helpers import log_out as _logout
from tests.browser_helpers import wait_for_score_saved
from tests.evaluation_helpers import live_setup, restore_clock

pytestmark = pytest.mark.browser


def _score(page, form_name, score, justification, button) -> None:
    form = page.get_by_role("form", name=form_name)
    form.get_by_label("Poeng").fill(score)
    form.get_by_label("Begrunnelse").fill(justification)
    form.get_by_role("button", name=button).click()
    wait_for_score_saved(page, form_name)


def test_two_evaluators_score_independently_and_the_lead_reaches_a_ranked_matrix(
    live_server, page, tmp_path
) -> None:
    w = live_setup(live_server.app, evaluators=2, vendors=2, leaves=1)
    try:
        url = live_server.url
        base = f"{url}/konkurranser/{w.tender_id}/evaluering"
        a, b = w.vendor_names
        first, second = w.evaluators

        _login(page, url, first)
        page.goto(base + "/poeng")
        _score(page, f"Poeng for {a} på Arkivfunksjonalitet", "8", "Sterk arkivdel, god søk", "Lagre poeng")
        _score(page, f"Poeng for {b} på Arkivfunksjonalitet", "5", "Svak fjernsletting", "Lagre poeng")
        _logout(page)

        _login(page, url, second)
        page.goto(base + "/poeng")
        assert page.get_by_text("Sterk arkivdel").count() == 0
        assert (
            page.get_by_role("form", name=f"Poeng for {a} på Arkivfunksjonalitet")
            .get_by_label("Poeng")
            .input_value()
            == ""
        )
        _score(page, f"Poeng for {a} på Arkivfunksjonalitet", "4", "Mangler integrasjoner", "Lagre poeng")
        page.goto(base + "/konsensus")
        assert page.get_by_role("heading", name="Ingen tilgang").is_visible()
        _logout(page)

        _login(page, url, w.lead)
        page.goto(base + "/konsensus")
        page.get_by_role("link", name="Åpne konsensusfasen …").click()  # a confirmation first (issue 11)
        page.get_by_label("Jeg har sett listen over manglende poeng og vil åpne konsensusfasen nå").check()
        page.get_by_role("button", name="Åpne konsensusfasen").click()
        page.get_by_text("Konsensusfasen er åpnet").wait_for()
        assert page.get_by_text("Sterk arkivdel, god søk").is_visible()
        assert page.get_by_text("Mangler integrasjoner").is_visible()
        assert page.locator("tr.disagree").count() == 1  # 8 against 4 is above the threshold of 2
        for vendor, arkiv, gjennomforing in ((a, "7", "6"), (b, "5", "8")):
            _score(
                page,
                f"Konsensus for {vendor} på Arkivfunksjonalitet",
                arkiv,
                "Samlet vurdering i møtet",
                "Lagre konsensus",
            )
            _score(
                page,
                f"Konsensus for {vendor} på Gjennomføring",
                gjennomforing,
                "Plan og bemanning",
                "Lagre konsensus",
            )

        page.get_by_role("link", name="Evalueringsmatrise").click()
        page.get_by_role("heading", name="Evalueringsmatrise").wait_for()
        rank_row = page.get_by_role("row").filter(has_text="Rangering")
        assert rank_row.get_by_role("cell").count() == 3
        assert page.get_by_text("Vinner:").is_visible()
        with page.expect_download() as download:
            page.get_by_role("link", name="Last ned Excel").click()
        saved = tmp_path / "matrise.xlsx"
        download.value.save_as(saved)
        assert saved.read_bytes()[:2] == b"PK"
    finally:
        restore_clock(live_server.app)
