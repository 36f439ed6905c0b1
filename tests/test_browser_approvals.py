"""In a real Chromium: a municipality's signer tries to reject a version without saying why, is told so at the
comment, then approves it with the keyboard; the version page then lists only the other municipality as
missing, and the lead is not offered the publication yet."""

from __future__ import annotations

import uuid

import pytest

from tests.browser_helpers import log_in as _login
from tests.conftest import PASSWORD
from tests.test_access_requirements import small_spec

pytestmark = pytest.mark.browser


@pytest.fixture
def frozen(live_server) -> tuple[int, str, str]:
    """A tender with Skien and Porsgrunn, its specification frozen as version 1, and a signer for Skien;
    returns its id, the signer's and the lead's e-mail."""
    from tender.auth import operations as accounts
    from tender.extensions import db
    from tender.requirements import operations as ops
    from tender.tenders import operations
    from tender.tenders.models import Procedure, Role

    tag = uuid.uuid4().hex[:8]
    with live_server.app.app_context():
        lead = accounts.create_user(f"godkj.leder.{tag}@example.no", "Gro Leder", password=PASSWORD)
        signer = accounts.create_user(
            f"godkj.skien.{tag}@skien.kommune.no", "Sigrid Skien", password=PASSWORD
        )
        tender = operations.create_tender(
            title=f"Godkjenning i nettleseren {tag}",
            case_reference="2026/9913",
            procedure=Procedure.OPEN,
            lead=lead,
        )
        municipalities = [
            operations.get_or_create_municipality(name=n, kommunenummer=k, population=p)
            for n, k, p in [("Skien", "4003", 56_360), ("Porsgrunn", "4001", 37_920)]
        ]
        for m in municipalities:
            operations.add_municipality(tender, m, actor=lead)
        operations.add_membership(tender, signer, Role.SIGNER, municipality=municipalities[0], actor=lead)
        ops.replace_draft(tender, small_spec(), actor=lead, origin="test")
        ops.freeze_version(tender, actor=lead)
        db.session.commit()
        return tender.id, signer.email, lead.email


def test_a_signer_must_say_why_to_reject_and_approves_with_the_keyboard(live_server, page, frozen) -> None:
    tender_id, signer, lead = frozen
    version = f"{live_server.url}/konkurranser/{tender_id}/krav/versjoner/1"
    _login(page, live_server.url, signer)
    page.goto(version)
    assert page.get_by_label("Kommune", exact=True).input_value() != ""  # Skien, the signer's only one
    page.get_by_label("Beslutning", exact=True).select_option(label="Avvis")
    page.get_by_role("button", name="Registrer beslutning").click()

    comment = page.get_by_label("Kommentar (påkrevd ved avvisning)")
    assert comment.get_attribute("aria-invalid") == "true"
    assert (
        page.locator("#" + comment.get_attribute("aria-describedby")).inner_text()
        == "Skriv en begrunnelse når du avviser."
    )
    assert page.get_by_text("Mangler godkjenning fra").is_visible()

    # approve after all, with the keyboard: the decision list, then the comment, then the button
    decision = page.get_by_label("Beslutning", exact=True)
    decision.focus()
    page.keyboard.press("G")  # "Godkjenn"
    assert decision.input_value() == "approved"
    comment.focus()
    page.keyboard.type("Skien godkjenner versjon 1.")
    page.get_by_role("button", name="Registrer beslutning").focus()
    page.keyboard.press("Enter")
    page.get_by_text("Beslutningen for Skien er registrert.").wait_for()
    missing = page.locator("dt", has_text="Mangler godkjenning fra").locator("xpath=following-sibling::dd[1]")
    assert missing.inner_text() == "Porsgrunn"
    # nothing left for Skien to decide
    assert page.get_by_role("button", name="Registrer beslutning").count() == 0
    page.get_by_role("button", name="Logg ut").click()

    _login(page, live_server.url, lead)
    page.goto(f"{live_server.url}/konkurranser/{tender_id}/krav")
    row = page.get_by_role("table", name="Godkjenning per kommune").get_by_role("row", name="Skien")
    assert "Godkjent" in row.inner_text() and "Skien godkjenner versjon 1." in row.inner_text()
    assert page.get_by_role("button", name="Kunngjør versjon 1").count() == 0  # Porsgrunn has not approved
