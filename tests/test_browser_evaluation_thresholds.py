"""In a real Chromium (issue 16): the lead announces a 0–5 scale in tenths with the mean rule, a percentage
surcharge and a minimum score on a criterion through the settings form; the evaluators score «3,8» and
«2,7»; the consensus page shows the exact mean rounded; the matrix shows the evaluated price and the bid
below the minimum, which the lead rejects through the bid page with the threshold in the reason."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from tender.formatting import format_money
from tests.browser_helpers import log_in as _login
from tests.browser_helpers import log_out as _logout
from tests.browser_helpers import wait_for_score_saved
from tests.evaluation_helpers import BEFORE, Clock, Login, open_all, restore_clock, setup_tender, submit_bid

pytestmark = pytest.mark.browser


def _draft(app):
    """A tender with its specification published, three quality/price criteria and an unlocked model; the
    price criterion weighs 0 (a price-adjusting method ranks by the adjusted price)."""
    from tender.evaluation_model import operations as model_ops
    from tender.extensions import db as database
    from tests.prequalification_helpers import live_builders

    b = live_builders(database, title="Terskeltest", case_reference="2026/0160")
    clock = Clock(BEFORE)
    app.config["CLOCK"] = clock
    with app.app_context():
        s = setup_tender(
            database, b.create_tender, b.add_member, b.create_user, evaluators=2, leaves=1, freeze=False
        )
        for key, weight in (("pris", 0), ("kvalitet", 80)):
            row = model_ops.criterion_by_key(s.tender, key)
            model_ops.update_criterion_weight(s.tender, row, Decimal(weight), actor=s.lead)
        database.session.commit()
        people = (Login(s.lead.email, s.lead.name), [Login(u.email, u.name) for u in s.evaluators])
        return s.tender.id, people, clock


def _bids(app, tender_id, clock):
    """Two bids (1 800 000 and 1 700 000 over the period), submitted and opened."""
    from tender.extensions import db as database
    from tender.tenders.models import Tender
    from tests.evaluation_helpers import Setup

    with app.app_context():
        tender = database.session.get(Tender, tender_id)
        from tender.evaluation_model import operations as model_ops
        from tender.tenders.models import Role

        members = {r: [m.user for m in tender.memberships if m.role is r] for r in Role}
        s = Setup(
            tender,
            members[Role.LEAD][0],
            members[Role.EVALUATOR],
            members[Role.OBSERVER][0],
            [m.vendor for m in tender.memberships if m.role is Role.VENDOR],
            members[Role.VENDOR],
            model_ops.price_items(tender),
        )
        bids = [submit_bid(database, s, 0), submit_bid(database, s, 1, one_off="900000")]
        open_all(database, s, clock)
        return [b.vendor.name for b in bids], [b.id for b in bids]


def _score(page, form_name, score, justification) -> None:
    form = page.get_by_role("form", name=form_name)
    form.get_by_label("Poeng").fill(score)
    form.get_by_label("Begrunnelse").fill(justification)
    form.get_by_role("button", name="Lagre poeng").click()
    wait_for_score_saved(page, form_name)


def test_a_tenths_scale_with_the_mean_rule_a_surcharge_and_a_minimum_from_settings_to_rejection(
    live_server, page
) -> None:
    app = live_server.app
    tender_id, (lead, evaluators), clock = _draft(app)
    try:
        url = live_server.url
        base = f"{url}/konkurranser/{tender_id}/evaluering"

        # the lead announces the model through the settings form
        _login(page, url, lead)
        page.goto(base)
        page.get_by_label("Prismetode").select_option("price_surcharge")
        page.get_by_label("S: pristillegg i % ved null kvalitet (prosentvis pristillegg)").fill("20")
        page.get_by_label("Skala, maksimum poeng").fill("5")
        page.get_by_label("Trinn på skalaen").select_option(label="Tideler (0,1)")
        page.get_by_label("Konsensuspoeng").select_option("mean")
        page.get_by_label("Kontraktsperiode i år, med opsjoner (f.eks. 4+1+1)").fill("4")
        page.get_by_role("button", name="Lagre innstillinger").click()
        page.get_by_text("Innstillingene er lagret.").wait_for()
        summary = page.locator("#oppsummering").inner_text()
        assert summary.startswith(
            "Skala 0–5 i trinn på 0,1; konsensuspoeng: gjennomsnittet av de individuelle poengene"
        ), summary
        assert page.get_by_text("Evaluert pris = Pe × (1 + S/100 × (1 − Q/Qmax))").first.is_visible()
        # a minimum above the scale is refused at the row, then 3 is taken
        page.get_by_label("Minstepoeng for Arkivfunksjonalitet", exact=True).fill("6")
        page.get_by_role("button", name="Endre minstepoeng for Arkivfunksjonalitet").click()
        page.get_by_text("Arkivfunksjonalitet: Minstepoengene må ligge på skalaen, mellom 0 og 5.").wait_for()
        page.get_by_label("Minstepoeng for Arkivfunksjonalitet", exact=True).fill("3")
        page.get_by_role("button", name="Endre minstepoeng for Arkivfunksjonalitet").click()
        page.get_by_text("Minstepoengene for «Arkivfunksjonalitet» er endret.").wait_for()
        assert (
            "minstekrav til kvalitet: Arkivfunksjonalitet minst 3"
            in page.locator("#oppsummering").inner_text()
        )
        page.get_by_role("button", name="Lås evalueringsmodellen").click()
        page.get_by_text("Evalueringsmodellen er låst.").wait_for()
        _logout(page)

        (a, b), bid_ids = _bids(app, tender_id, clock)

        # the evaluators score on the step: 3,8 is taken, 3,85 is not
        first, second = evaluators
        _login(page, url, first)
        page.goto(base + "/poeng")
        assert page.get_by_text("Skala 0–5 i trinn på 0,1").first.is_visible()
        form = page.get_by_role("form", name=f"Poeng for {a} på Arkivfunksjonalitet")
        form.get_by_label("Poeng").fill("3,85")
        form.get_by_label("Begrunnelse").fill("Mellom to trinn")
        form.get_by_role("button", name="Lagre poeng").click()
        page.get_by_text("Poengene må være mellom 0 og 5, i trinn på 0,1.").first.wait_for()
        _score(page, f"Poeng for {a} på Arkivfunksjonalitet", "3,8", "God arkivdel")
        _score(page, f"Poeng for {a} på Gjennomføring", "4", "God plan")
        _score(page, f"Poeng for {b} på Arkivfunksjonalitet", "2,7", "Svak arkivdel")
        _score(page, f"Poeng for {b} på Gjennomføring", "3", "Tynn plan")
        _logout(page)
        _login(page, url, second)
        page.goto(base + "/poeng")
        _score(page, f"Poeng for {a} på Arkivfunksjonalitet", "4", "Sterk arkivdel")
        _score(page, f"Poeng for {a} på Gjennomføring", "4", "Realistisk plan")
        _score(page, f"Poeng for {b} på Arkivfunksjonalitet", "2,9", "Mangler fjernsletting")
        _score(page, f"Poeng for {b} på Gjennomføring", "3,4", "Greit")
        _logout(page)

        # consensus: the mean, computed; the group writes why
        _login(page, url, lead)
        page.goto(base + "/konsensus")
        page.get_by_role("link", name="Åpne konsensusfasen …").click()
        page.get_by_label("Jeg har sett listen over manglende poeng og vil åpne konsensusfasen nå").check()
        page.get_by_role("button", name="Åpne konsensusfasen").click()
        page.get_by_text("Konsensusfasen er åpnet").wait_for()
        assert page.get_by_text("3,9 (gjennomsnitt av 3,8 og 4)").is_visible()
        assert page.get_by_text("2,8 (gjennomsnitt av 2,7 og 2,9)").is_visible()
        for vendor in (a, b):
            for criterion in ("Arkivfunksjonalitet", "Gjennomføring"):
                form = page.get_by_role("form", name=f"Konsensus for {vendor} på {criterion}")
                assert form.get_by_label("Poeng").count() == 0  # never typed under the mean rule
                form.get_by_label("Begrunnelse for konsensus").fill("Samlet vurdering i møtet")
                form.get_by_role("button", name="Lagre begrunnelse").click()
                page.get_by_text("Konsensuspoengene for").first.wait_for()

        # the matrix: the evaluated price after quality, and the bid below the minimum
        page.get_by_role("link", name="Evalueringsmatrise").click()
        page.get_by_role("heading", name="Evalueringsmatrise").wait_for()
        quality = Fraction(39, 10) * Fraction(8, 10) + 4 * Fraction(2, 10)
        expected = Fraction(1_800_000) * (1 + Fraction(20, 100) * (1 - quality / 5))
        assert expected == 1_877_760
        row = page.get_by_role("row").filter(has_text="Evaluert pris etter kvalitet")
        assert row.get_by_role("cell").nth(1).inner_text() == format_money(expected)
        reason = (
            "Avvist under minstegrensen for kvalitet. "
            "Under minstepoengene på «Arkivfunksjonalitet»: 2,8 poeng, mens minst 3 kreves."
        )
        assert page.get_by_text(f"{b}: {reason}").is_visible()
        assert page.get_by_text("Beslutningen om avvisning mangler").is_visible()
        assert page.get_by_text(f"Vinner: {a}").is_visible()

        # the bid page: the decision is missing, the reason is filled in; the lead rejects through the pages
        page.goto(f"{base}/tilbud/{bid_ids[1]}")
        assert page.get_by_text("En beslutning mangler:").is_visible()
        assert page.get_by_label("Begrunnelse for avvisning").input_value() == reason
        page.get_by_role("button", name="Avvis tilbudet …").click()
        page.get_by_label("Jeg har kontrollert tilbudet og begrunnelsen, og vil avvise tilbudet").check()
        page.get_by_role("button", name=f"Avvis tilbudet fra {b}").click()
        page.get_by_text(f"Tilbudet fra {b} er avvist.").wait_for()
        assert page.get_by_text(f"Avvist: {reason}").is_visible()
        page.goto(base + "/matrise")
        assert page.get_by_text("Avvisningen er registrert.").is_visible()
    finally:
        restore_clock(app)
