"""In a real Chromium: a signer reads what changed since the version they approved, approves, and the
lead sees the municipality's approval."""

from __future__ import annotations

import pytest

from tests.browser_helpers import log_in as _login
from tests.conftest import PASSWORD
from tests.test_access_requirements import small_spec

pytestmark = pytest.mark.browser


@pytest.fixture
def second_version(live_server):
    """A tender whose Skien signer approved version 1, after which one requirement changed (version 2)."""
    from dataclasses import replace

    from tender.auth import operations as accounts
    from tender.extensions import db
    from tender.requirements import operations as ops
    from tender.tenders import operations
    from tender.tenders.models import Procedure, Role

    with live_server.app.app_context():
        lead = accounts.create_user("spec.lead@example.no", "Spek Leder", password=PASSWORD)
        signer = accounts.create_user("spec.signer@skien.kommune.no", "Siri Signer", password=PASSWORD)
        tender = operations.create_tender(
            title="Nettleserprøve av kravspesifikasjon",
            case_reference="2026/9",
            procedure=Procedure.OPEN,
            lead=lead,
        )
        skien = operations.get_or_create_municipality(name="Skien", kommunenummer="4003", population=56_360)
        operations.add_municipality(tender, skien, actor=lead)
        operations.add_membership(tender, signer, Role.SIGNER, municipality=skien, actor=lead)
        content = small_spec()
        ops.replace_draft(tender, content, actor=lead, origin="test")
        v1 = ops.freeze_version(tender, actor=lead)
        ops.decide(tender, v1, skien, approve=True, comment="", content_hash=v1.content_hash, signer=signer)
        first = content.requirements[0]
        changed = replace(
            content,
            requirements=(
                replace(first, text=first.text + " Også for arkivdeler."),
                *content.requirements[1:],
            ),
        )
        ops.replace_draft(tender, changed, actor=lead, origin="test")
        ops.freeze_version(tender, actor=lead)
        db.session.commit()
        return tender.id, first.id


def test_a_signer_reads_the_diff_since_their_approval_approves_and_the_lead_sees_it(
    live_server, page, second_version
) -> None:
    tender_id, changed_id = second_version
    _login(page, live_server.url, "spec.signer@skien.kommune.no")
    page.get_by_role("link", name="Nettleserprøve av kravspesifikasjon").click()
    page.get_by_role("link", name="Kravspesifikasjon").click()
    page.get_by_role("link", name="versjon 2").first.click()
    page.get_by_role("link", name="Les endringene siden da").click()
    page.get_by_role("heading", name="Endringer fra versjon 1 til versjon 2").wait_for()
    assert page.locator("ins", has_text="arkivdeler").is_visible()
    assert page.get_by_text("1 endret krav").is_visible()
    page.go_back()
    page.get_by_label("Beslutning", exact=True).select_option("approved")
    page.get_by_label("Kommentar (påkrevd ved avvisning)").fill("Skien godkjenner.")
    page.get_by_role("button", name="Registrer beslutning").click()
    page.get_by_text("Beslutningen for Skien er registrert.").wait_for()
    page.get_by_role("button", name="Logg ut").click()

    _login(page, live_server.url, "spec.lead@example.no")
    page.goto(f"{live_server.url}/konkurranser/{tender_id}/krav")
    row = page.get_by_role("table", name="Godkjenning per kommune").get_by_role("row", name="Skien")
    assert "Godkjent" in row.inner_text() and "versjon 2" in row.inner_text()
    assert page.get_by_role("button", name="Kunngjør versjon 2").is_visible()


@pytest.fixture
def draft_with_chapters(live_server):
    """A draft of the base specification's first two chapters, for the list page's row buttons."""
    from tender.auth import operations as accounts
    from tender.extensions import db
    from tender.requirements import operations as ops
    from tender.tenders import operations
    from tender.tenders.models import Procedure

    with live_server.app.app_context():
        lead = accounts.create_user("rows.lead@example.no", "Rad Leder", password=PASSWORD)
        tender = operations.create_tender(
            title="Nettleserprøve av kravlisten",
            case_reference="2026/10",
            procedure=Procedure.OPEN,
            lead=lead,
        )
        content = small_spec()
        ops.replace_draft(tender, content, actor=lead, origin="test")
        db.session.commit()
        first_chapter = [r.id for r in content.requirements if r.chapter == content.chapters[0].id]
        return tender.id, first_chapter


def test_the_lead_moves_and_deletes_requirements_with_the_list_pages_row_buttons(
    live_server, page, draft_with_chapters
) -> None:
    """The rows share one prefix for their links and one CSRF field (issue 17): each button still posts for
    its own requirement, in a real browser."""
    tender_id, ids = draft_with_chapters
    first, second, third = ids[:3]
    _login(page, live_server.url, "rows.lead@example.no")
    page.goto(f"{live_server.url}/konkurranser/{tender_id}/krav")

    def order() -> list[str]:
        rows = page.locator("table.reqs").first.locator("tbody tr")
        return [rows.nth(i).get_attribute("id") or "" for i in range(rows.count())]

    assert order()[:3] == [first, second, third]
    page.get_by_role("button", name=f"Flytt {first} ned").click()
    page.wait_for_url(f"**/krav#{first}")
    assert order()[:3] == [second, first, third]
    page.get_by_role("button", name=f"Flytt {third} opp").click()
    page.wait_for_url(f"**/krav#{third}")
    assert order()[:3] == [second, third, first]
    page.get_by_role("button", name=f"Slett {third}").click()
    page.get_by_text(f"Krav {third} er slettet.").wait_for()
    assert third not in order() and order()[:2] == [second, first]
    page.get_by_role("link", name=f"Rediger {first}").click()
    page.wait_for_url(f"**/krav/{first}")
