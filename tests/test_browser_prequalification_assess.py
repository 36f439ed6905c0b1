"""In a real Chromium (issue 12, points 4 and 5): after the participation deadline two members confirm the
opening of the requests, each in their own browser; an evaluator assesses the requests (met; needs
clarification, and sends the clarification), records a ground for exclusion, scores a qualified request; the
vendor answers the clarification with a document; the lead sees both evaluators' scores with the
disagreement and sets the consensus."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from tests.browser_helpers import log_in as _login
from tests.browser_helpers import log_out as _logout
from tests.evaluation_helpers import Clock, Login, restore_clock

pytestmark = pytest.mark.browser


@dataclass(frozen=True)
class PqWorld:
    tender_id: int
    lead: Login
    evaluators: list[Login]
    vendor_users: list[Login]
    vendor_names: list[str]
    request_ids: list[int]
    requirement_ids: list[int]
    ground_ids: list[int]
    criterion_ids: list[int]


def live_pq_setup(app: Any) -> PqWorld:
    """tests/prequalification_helpers.py's tender with two submitted requests, in the live server's database;
    the clock one second after the participation deadline (restore it with ``restore_clock``). Vendor A's
    request has every requirement but the first assessed as met already."""
    from tender.core.scoring import RequirementStatus
    from tender.extensions import db as database
    from tender.prequalification.models import QualificationAssessment
    from tests.prequalification_helpers import PQ_AFTER, live_builders, pq_setup, submitted_request

    b = live_builders(database, title="Prekvalifisering", case_reference="2026/0120")
    app.config["CLOCK"] = Clock(PQ_AFTER)
    with app.app_context():
        s = pq_setup(database, b.create_tender, b.add_member, b.create_user, vendors=2)
        requests = [submitted_request(database, s, i) for i in range(2)]
        for r in s.requirements[1:]:
            database.session.add(
                QualificationAssessment(
                    request_id=requests[0].id,
                    requirement_id=r.id,
                    status=RequirementStatus.MET,
                    justification="Dokumentasjonen er i orden.",
                    assessed_by_id=s.evaluators[0].id,
                    assessed_at=PQ_AFTER,
                )
            )
        database.session.commit()
        world = PqWorld(
            tender_id=s.tender.id,
            lead=Login(s.lead.email, s.lead.name),
            evaluators=[Login(u.email, u.name) for u in s.evaluators],
            vendor_users=[Login(u.email, u.name) for u in s.vendor_users],
            vendor_names=[v.name for v in s.vendors],
            request_ids=[r.id for r in requests],
            requirement_ids=[r.id for r in s.requirements],
            ground_ids=[g.id for g in s.grounds],
            criterion_ids=[c.id for c in s.criteria],
        )
        database.session.remove()
    return world


def _fill(page, form_name: str, values: dict[str, str], button: str, said: str) -> None:
    form = page.get_by_role("form", name=form_name)
    for label, value in values.items():
        control = form.get_by_label(label, exact=True)
        if control.evaluate("e => e.tagName") == "SELECT":
            control.select_option(label=value)
        else:
            control.fill(value)
    form.get_by_role("button", name=button).click()
    page.get_by_text(said).first.wait_for()


def test_two_members_open_the_requests_in_their_own_browsers_then_evaluators_assess_score_and_the_lead_agrees(
    live_server, browser, page, tmp_path
) -> None:
    w = live_pq_setup(live_server.app)
    try:
        url = live_server.url
        base = f"{url}/konkurranser/{w.tender_id}/prekvalifisering"
        a_name, b_name = w.vendor_names
        a, b = w.request_ids
        first, second = w.evaluators

        # the opening: the evaluator confirms in her browser, the lead's confirmation in his opens
        other = browser.new_context(locale="nb-NO", timezone_id="Europe/Oslo")
        lead_page = other.new_page()
        lead_page.set_default_timeout(15_000)
        try:
            _login(page, url, first)
            page.goto(base + "/foresporsler")
            assert page.get_by_text(a_name).count() == 0
            page.get_by_role("button", name="Bekreft åpning av forespørslene").click()
            page.get_by_text("Bekreftelsen din er registrert").wait_for()
            # withdrawn before the opening, and given again
            page.get_by_role("button", name="Trekk tilbake bekreftelsen min").click()
            page.get_by_text("Bekreftelsen din er trukket tilbake").wait_for()
            page.get_by_role("button", name="Bekreft åpning av forespørslene").click()
            page.get_by_text("Bekreftelsen din er registrert").wait_for()
            _login(lead_page, url, w.lead)
            lead_page.goto(base + "/foresporsler")
            assert lead_page.get_by_text(f"{first.name} bekreftet åpningen").is_visible()
            lead_page.get_by_role("button", name="Bekreft og åpne forespørslene").click()
            lead_page.get_by_text("Forespørslene er åpnet").wait_for()
            record = lead_page.get_by_role("table", name="Leverte forespørsler")
            assert record.get_by_text(a_name).is_visible() and record.get_by_text(b_name).is_visible()
            assert (
                "kl." in lead_page.locator("#apnet-av").inner_text()
            )  # in Oslo time, as every page words it
        finally:
            other.close()

        # the evaluator assesses: A's last requirement met (A is then qualified), B's tax certificate unclear
        page.goto(base + "/foresporsler")
        page.get_by_role("link", name=a_name).click()
        _fill(
            page,
            "Vurdering av krav 1",
            {"Vurdering": "Oppfylt", "Begrunnelse": "Firmaattest fra Brønnøysund, mai 2026."},
            "Lagre vurderingen",
            "Vurderingen er lagret.",
        )
        assert page.get_by_text("Vurdert som kvalifisert.").is_visible()
        _fill(
            page,
            "Avvisningsgrunn 1",
            {"Gjelder avvisningsgrunnen?": "Gjelder ikke", "Begrunnelse": "Egenerklæring og politiattest."},
            "Lagre",
            "Vurderingen av avvisningsgrunnen er lagret.",
        )
        _fill(
            page,
            "Mine poeng på Relevante referanser",
            {"Poeng (0–10)": "8", "Begrunnelse": "Fem kommuner på Noark 5."},
            "Lagre poengene mine",
            "Poengene dine er lagret.",
        )
        page.goto(f"{base}/foresporsler/{b}")
        _fill(
            page,
            "Vurdering av krav 2",
            {"Vurdering": "Må avklares", "Begrunnelse": "Skatteattesten er eldre enn seks måneder."},
            "Lagre vurderingen",
            "Vurderingen er lagret.",
        )
        form = page.get_by_role("form", name="Avklaring om krav 2")
        assert form.get_by_label("Svarfrist (dager)").input_value() == "5"
        _fill(
            page,
            "Avklaring om krav 2",
            {"Spørsmål til leverandøren": "Send en ny skatteattest."},
            "Send avklaring til leverandøren",
            "Avklaringen er sendt til leverandøren.",
        )
        _logout(page)

        # the second evaluator scores A without seeing the first one's score
        _login(page, url, second)
        page.goto(f"{base}/foresporsler/{a}")
        assert page.get_by_text("Fem kommuner på Noark 5.").count() == 0
        _fill(
            page,
            "Mine poeng på Relevante referanser",
            {"Poeng (0–10)": "3", "Begrunnelse": "Bare to er sammenlignbare."},
            "Lagre poengene mine",
            "Poengene dine er lagret.",
        )
        _logout(page)

        # vendor B answers the clarification with a document
        _login(page, url, w.vendor_users[1])
        page.goto(base + "/avklaringer")
        assert page.get_by_text("Send en ny skatteattest.").is_visible()
        attest = tmp_path / "skatteattest-2026.pdf"
        attest.write_bytes(b"%PDF-1.4 ny skatteattest")
        answer = page.get_by_role("form", name="Svar på avklaringen")
        answer.get_by_label("Svar", exact=True).fill("Ny attest fra Skatteetaten er vedlagt.")
        answer.get_by_label("Dokument (valgfritt)").set_input_files(str(attest))
        answer.get_by_role("button", name="Send svaret").click()
        page.get_by_text("Svaret er sendt.").wait_for()
        _logout(page)

        # the lead sees both scores and the disagreement, sets the consensus, and reads B's answer
        _login(page, url, w.lead)
        page.goto(f"{base}/foresporsler/{a}")
        assert page.get_by_text("Fem kommuner på Noark 5.").is_visible()
        assert page.get_by_text("Bare to er sammenlignbare.").is_visible()
        assert page.locator("tr.disagree").count() == 1  # 8 against 3 is above the threshold of 2
        _fill(
            page,
            "Konsensus på Relevante referanser",
            {"Poeng (0–10)": "6", "Begrunnelse": "Samlet vurdering i møtet."},
            "Lagre konsensus",
            "Konsensuspoengene er lagret.",
        )
        row = page.locator(f"#kriterium-{w.criterion_ids[0]}")
        assert "Samlet vurdering i møtet." in row.inner_text()
        page.goto(f"{base}/foresporsler/{b}")
        assert page.get_by_text("Ny attest fra Skatteetaten er vedlagt.").is_visible()
        with page.expect_download() as download:
            page.get_by_role("link", name="skatteattest-2026.pdf").click()
        assert download.value.path().read_bytes() == b"%PDF-1.4 ny skatteattest"
    finally:
        restore_clock(live_server.app)
