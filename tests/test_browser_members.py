"""In a real Chromium: the lead invites a municipality's signer, is told at the field that a signer needs a
municipality, picks one with the keyboard, hands over the one-time link, and removes an evaluator."""

from __future__ import annotations

import uuid

import pytest

from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def group(live_server) -> tuple[int, str, str]:
    """A tender of its own (the demo tender stays as the other browser tests expect it), with Skien and
    Porsgrunn taking part and one evaluator; returns its id, the lead's e-mail and the evaluator's name."""
    from tender.auth import operations as accounts
    from tender.extensions import db
    from tender.tenders import operations
    from tender.tenders.models import Procedure, Role

    tag = uuid.uuid4().hex[:8]
    with live_server.app.app_context():
        lead = accounts.create_user(f"medlem.leder.{tag}@example.no", "Mette Leder", password=PASSWORD)
        evaluator = accounts.create_user(
            f"medlem.eval.{tag}@example.no", "Eirik Evaluator", password=PASSWORD
        )
        tender = operations.create_tender(
            title=f"Medlemmer i nettleseren {tag}",
            case_reference="2026/9912",
            procedure=Procedure.OPEN,
            lead=lead,
        )
        for name, number, pop in [("Skien", "4003", 56_360), ("Porsgrunn", "4001", 37_920)]:
            m = operations.get_or_create_municipality(name=name, kommunenummer=number, population=pop)
            operations.add_municipality(tender, m, actor=lead)
        operations.add_membership(tender, evaluator, Role.EVALUATOR, actor=lead)
        db.session.commit()
        return tender.id, lead.email, evaluator.name


def test_the_lead_invites_a_signer_for_a_municipality_and_removes_an_evaluator(
    live_server, page, group
) -> None:
    tender_id, lead_email, evaluator_name = group
    page.goto(live_server.url + "/logg-inn")
    page.get_by_label("E-postadresse").fill(lead_email)
    page.get_by_label("Passord").fill(PASSWORD)
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Mine konkurranser").wait_for()
    page.goto(f"{live_server.url}/konkurranser/{tender_id}/medlemmer")

    signer = f"siri.{uuid.uuid4().hex[:6]}@skien.kommune.no"
    page.get_by_label("E-postadresse").fill(signer)
    page.get_by_label("Navn (for nye brukere)").fill("Siri Signer")
    page.get_by_label("Rolle").select_option(label="Godkjenner for kommune")
    page.get_by_role("button", name="Inviter").click()

    # no municipality: said at the field, and what was typed is still there
    municipality = page.get_by_label("Kommune (for godkjennere)")
    assert municipality.get_attribute("aria-invalid") == "true"
    message = page.locator("#" + municipality.get_attribute("aria-describedby"))
    assert message.inner_text() == "Velg hvilken kommune godkjenneren skal signere for."
    assert page.get_by_label("E-postadresse").input_value() == signer
    assert page.get_by_label("Rolle").input_value() == "signer"

    # the municipality with the keyboard: focus the list, type its first letter, send with Enter
    municipality.focus()
    page.keyboard.press("S")
    assert municipality.evaluate("el => el.options[el.selectedIndex].text") == "Skien"
    page.get_by_role("button", name="Inviter").focus()
    page.keyboard.press("Enter")
    page.get_by_text(f"{signer} har fått rollen godkjenner for kommune.").wait_for()
    link = page.get_by_label("Invitasjonslenke")
    assert "/invitasjon/" in link.input_value()
    row = page.get_by_role("row", name=signer)
    assert "Godkjenner for kommune" in row.inner_text() and "Skien" in row.inner_text()
    assert "Invitert" in row.inner_text()

    page.get_by_role("button", name=f"Fjern evaluator {evaluator_name}").click()
    page.get_by_text("Rollen er fjernet.").wait_for()
    assert page.get_by_role("row", name=evaluator_name).count() == 0
    # the lead cannot remove the last lead: refused in words, and the lead stays
    page.get_by_role("button", name="Fjern prosjektleder (anskaffelse) Mette Leder").click()
    page.get_by_text(
        "Konkurransen må ha minst én prosjektleder. Legg til en ny før du fjerner denne."
    ).wait_for()
    assert page.get_by_role("row", name="Mette Leder").count() == 1
