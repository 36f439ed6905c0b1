"""In a real Chromium, as the lead and the evaluators would: an assignment leaves the other criteria to
everyone, assignments change after the lock until someone has scored, consensus opens only through the
confirmation that lists what is unscored, and several minimum requirements are set at once in the table."""

from __future__ import annotations

import pytest

from tests.browser_helpers import log_in as _login
from tests.browser_helpers import log_out as _logout
from tests.evaluation_helpers import live_setup, restore_clock

pytestmark = pytest.mark.browser


def _score_forms(page) -> list[str]:
    return [f.get_attribute("aria-label") for f in page.locator("form.score-form").all()]


def test_an_assignment_after_the_lock_leaves_the_other_criteria_to_everyone_until_someone_scores(
    live_server, page
) -> None:
    w = live_setup(live_server.app, evaluators=2, vendors=2, leaves=1)
    try:
        url = live_server.url
        base = f"{url}/konkurranser/{w.tender_id}/evaluering"
        a, b = w.vendor_names
        first, second = w.evaluators

        _login(page, url, w.lead)
        page.goto(base)
        assert page.get_by_text("Låst").first.is_visible()
        who = page.get_by_role("table", name="Hvem scorer hva")
        arkiv = who.get_by_role("row").filter(has_text="Kvalitet › Arkivfunksjonalitet")
        arkiv.get_by_label("Evaluator for Arkivfunksjonalitet").select_option(label=first.name)
        arkiv.get_by_role("button", name="Tildel Arkivfunksjonalitet").click()
        page.get_by_text(f"{first.name} er tildelt «Arkivfunksjonalitet».").wait_for()
        row = page.get_by_role("table", name="Hvem scorer hva").get_by_role("row")
        assert (
            row.filter(has_text="Gjennomføring").get_by_role("cell").nth(1).inner_text()
            == f"Alle evaluatorene: {first.name}, {second.name}"
        )
        _logout(page)

        _login(page, url, second)
        page.goto(base + "/poeng")
        assert _score_forms(page) == [f"Poeng for {a} på Gjennomføring", f"Poeng for {b} på Gjennomføring"]
        _logout(page)

        _login(page, url, first)
        page.goto(base + "/poeng")
        assert _score_forms(page) == [
            f"Poeng for {v} på {c}" for v in (a, b) for c in ("Arkivfunksjonalitet", "Gjennomføring")
        ]
        form = page.get_by_role("form", name=f"Poeng for {a} på Arkivfunksjonalitet")
        form.get_by_label("Poeng").fill("7")
        form.get_by_label("Begrunnelse").fill("God arkivdel")
        form.get_by_role("button", name="Lagre poeng").click()
        page.get_by_text("er lagret").first.wait_for()
        _logout(page)

        _login(page, url, w.lead)
        page.goto(base)
        who = page.get_by_role("table", name="Hvem scorer hva")
        arkiv = who.get_by_role("row").filter(has_text="Kvalitet › Arkivfunksjonalitet")
        assert arkiv.get_by_text("Kan ikke endres: 1 individuelle poeng er gitt.").is_visible()
        assert arkiv.get_by_role("button").count() == 0
        # a criterion no one has scored can still be assigned and the assignment taken back
        gjennomforing = who.get_by_role("row").filter(has_text="Gjennomføring")
        gjennomforing.get_by_label("Evaluator for Gjennomføring").select_option(label=second.name)
        gjennomforing.get_by_role("button", name="Tildel Gjennomføring").click()
        page.get_by_text(f"{second.name} er tildelt «Gjennomføring».").wait_for()
        page.get_by_role("button", name=f"Fjern {second.name} fra Gjennomføring").click()
        page.get_by_text(f"{second.name} er ikke lenger tildelt «Gjennomføring».").wait_for()
    finally:
        restore_clock(live_server.app)


def test_consensus_opens_only_through_the_confirmation_that_lists_the_unscored(live_server, page) -> None:
    w = live_setup(live_server.app, evaluators=2, vendors=2, leaves=1)
    try:
        url = live_server.url
        base = f"{url}/konkurranser/{w.tender_id}/evaluering"
        a, b = w.vendor_names
        first = w.evaluators[0]

        _login(page, url, first)
        page.goto(base + "/poeng")
        form = page.get_by_role("form", name=f"Poeng for {a} på Arkivfunksjonalitet")
        form.get_by_label("Poeng").fill("6")
        form.get_by_label("Begrunnelse").fill("Greit")
        form.get_by_role("button", name="Lagre poeng").click()
        page.get_by_text("er lagret").first.wait_for()
        _logout(page)

        _login(page, url, w.lead)
        page.goto(base + "/konsensus")
        page.get_by_role("link", name="Åpne konsensusfasen …").click()
        page.get_by_role("heading", name="Kriterier og tilbud uten individuelle poeng").wait_for()
        without = page.get_by_role("table").first
        listed = [
            (r.get_by_role("cell").nth(0).inner_text(), r.get_by_role("cell").nth(1).inner_text())
            for r in without.locator("tbody tr").all()
        ]
        assert listed == [(a, "Gjennomføring"), (b, "Arkivfunksjonalitet"), (b, "Gjennomføring")]
        incomplete = page.get_by_role("table").nth(1)
        assert incomplete.locator("tbody tr").first.inner_text().split("\t") == [
            a,
            "Arkivfunksjonalitet",
            w.evaluators[1].name,
        ]
        page.get_by_role("button", name="Åpne konsensusfasen").click()
        page.get_by_text("Kryss av for å bekrefte at konsensusfasen skal åpnes.").wait_for()
        page.goto(base + "/konsensus")
        assert page.get_by_text("Den individuelle fasen pågår.").is_visible()

        page.get_by_role("link", name="Åpne konsensusfasen …").click()
        box = page.get_by_label("Jeg har sett listen over manglende poeng og vil åpne konsensusfasen nå")
        box.focus()
        page.keyboard.press("Space")
        assert box.is_checked()
        page.get_by_role("button", name="Åpne konsensusfasen").click()
        page.get_by_text("Konsensusfasen er åpnet").wait_for()
        assert page.get_by_role("form", name=f"Konsensus for {b} på Gjennomføring").is_visible()
    finally:
        restore_clock(live_server.app)


def test_several_minimum_requirements_are_set_at_once_in_the_table_and_one_changed_alone(
    live_server, page
) -> None:
    w = live_setup(live_server.app, evaluators=1, vendors=2, leaves=1)
    try:
        url = live_server.url
        _login(page, url, w.evaluators[0])
        page.goto(f"{url}/konkurranser/{w.tender_id}/evaluering/tilbud/{w.bid_ids[0]}")
        page.get_by_label("1.1 R0001").check()
        page.get_by_label("1.2 R0002").check()
        bulk = page.get_by_role("form", name="Vurdering av valgte minstekrav")
        bulk.get_by_label("Vurdering for de valgte kravene").select_option(label="Må avklares")
        bulk.get_by_label("Felles begrunnelse").fill("Svaret om bevaring må utdypes")
        bulk.get_by_role("button", name="Lagre for valgte krav").click()
        page.get_by_text("Vurderingen er lagret for 2 minstekrav: R0001, R0002.").wait_for()
        for key in ("R0001", "R0002"):
            assert (
                page.locator(f"#k-{key}").get_by_role("cell").nth(5).inner_text()
                == "Må avklares Svaret om bevaring må utdypes"
            )

        page.locator("#k-R0002").get_by_text("Endre 1.2").click()
        alone = page.get_by_role("form", name="Vurdering av 1.2")
        alone.get_by_label("Vurdering").select_option(label="Oppfylt")
        alone.get_by_label("Begrunnelse").fill("")
        alone.get_by_role("button", name="Lagre vurdering").click()
        page.get_by_text("Vurderingen av R0002 er lagret.").wait_for()
        assert page.locator("#k-R0002").get_by_role("cell").nth(5).inner_text() == "Oppfylt"
        assert (
            page.locator("#k-R0001").get_by_role("cell").nth(5).inner_text()
            == "Må avklares Svaret om bevaring må utdypes"
        )

        # nothing ticked: the form says why and nothing changes
        page.get_by_role("form", name="Vurdering av valgte minstekrav").get_by_role(
            "button", name="Lagre for valgte krav"
        ).click()
        page.get_by_text("Velg minst ett minstekrav i tabellen.").wait_for()

        # on the other bid: every requirement not assessed yet, in one go, with the keyboard
        page.goto(f"{url}/konkurranser/{w.tender_id}/evaluering/tilbud/{w.bid_ids[1]}")
        bulk = page.get_by_role("form", name="Vurdering av valgte minstekrav")
        bulk.get_by_label("Ta også med alle minstekrav som ikke er vurdert ennå").focus()
        page.keyboard.press("Space")
        bulk.get_by_label("Vurdering for de valgte kravene").select_option(label="Oppfylt")
        bulk.get_by_role("button", name="Lagre for valgte krav").focus()
        page.keyboard.press("Enter")
        page.get_by_text("Vurderingen er lagret for 2 minstekrav: R0001, R0002.").wait_for()
        assert [
            page.locator(f"#k-{k}").get_by_role("cell").nth(5).inner_text() for k in ("R0001", "R0002")
        ] == ["Oppfylt", "Oppfylt"]
    finally:
        restore_clock(live_server.app)
