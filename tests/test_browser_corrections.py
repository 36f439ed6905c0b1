"""In a real Chromium, a correction (rettelse) of the published specification from start to the vendor: the
lead starts one (refused first without a reason), edits a requirement, freezes; both municipalities' signers
approve the new version; the lead sets the number of days that asks about the deadline, is asked, and extends
the bid deadline (refused first without a reason for keeping it); a vendor reads the diff and finds the
answer to the changed requirement flagged on the bid page, until they tick it as reviewed and save."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from tests.browser_helpers import log_in as _login
from tests.browser_helpers import log_out as _logout
from tests.conftest import PASSWORD
from tests.test_access_requirements import small_spec

pytestmark = pytest.mark.browser

#: the vendor of every tender here: a name and number of its own, since the live server's database is shared
#: by the session and a vendor keeps the name it was first registered with (tests/test_vendor_numbers.py)
VENDOR = ("Rettelse Leverandør AS", "935611326")


@pytest.fixture
def published(live_server) -> dict[str, object]:
    """A tender with Skien and Porsgrunn (a signer each), its specification published as version 1, the bid
    deadline eight days ahead, and a vendor with a draft bid answering every requirement."""
    from tender.auth import operations as accounts
    from tender.bids import operations as bid_ops
    from tender.clock import now
    from tender.extensions import db
    from tender.requirements import operations as ops
    from tender.tenders import operations
    from tender.tenders.models import Procedure, Role
    from tender.vendors import operations as vendor_ops

    tag = uuid.uuid4().hex[:8]
    with live_server.app.app_context():
        lead = accounts.create_user(f"rett.leder.{tag}@example.no", "Rita Leder", password=PASSWORD)
        tender = operations.create_tender(
            title=f"Rettelse i nettleseren {tag}",
            case_reference="2026/9931",
            procedure=Procedure.OPEN,
            lead=lead,
        )
        tender.bid_deadline = now().replace(second=0, microsecond=0) + timedelta(days=8)
        signers = []
        for name, number, population in [("Skien", "4003", 56_360), ("Porsgrunn", "4001", 37_920)]:
            m = operations.get_or_create_municipality(name=name, kommunenummer=number, population=population)
            operations.add_municipality(tender, m, actor=lead)
            signer = accounts.create_user(
                f"rett.{number}.{tag}@example.no", f"Signe {name}", password=PASSWORD
            )
            operations.add_membership(tender, signer, Role.SIGNER, municipality=m, actor=lead)
            signers.append(signer.email)
        content = small_spec()
        ops.replace_draft(tender, content, actor=lead, origin="test")
        version = ops.freeze_version(tender, actor=lead)
        for membership in [m for m in tender.memberships if m.role is Role.SIGNER]:
            ops.decide(
                tender,
                version,
                membership.municipality,
                approve=True,
                comment="",
                content_hash=version.content_hash,
                signer=membership.user,
            )
        ops.publish(tender, version, actor=lead)
        vendor = operations.register_vendor(tender, name=VENDOR[0], organisasjonsnummer=VENDOR[1], actor=lead)
        seller = accounts.create_user(f"rett.selger.{tag}@example.no", "Selma Selger", password=PASSWORD)
        vendor_ops.add_vendor_user_by_operator(tender, vendor, seller)
        bid = bid_ops.ensure_bid(tender, vendor, at=now(), actor=seller)
        spec = bid_ops.published_spec(tender)
        answers = [
            bid_ops.AnswerInput(
                r.id, r.answer_form.choices[0] if r.answer_form.choices else "Ja", "Standard."
            )
            for r in spec.requirements
        ]
        bid_ops.save_draft(tender, bid, answers=answers, prices={}, at=now(), actor=seller)
        first = spec.requirements[0]
        db.session.commit()
        return {
            "id": tender.id,
            "lead": lead.email,
            "signers": signers,
            "seller": seller.email,
            "first": first.id,
            "first_number": first.number,
            "deadline": tender.bid_deadline,
        }


def _error_of(page, field):
    assert field.get_attribute("aria-invalid") == "true"
    return page.locator("#" + field.get_attribute("aria-describedby")).inner_text()


def test_a_correction_goes_from_the_lead_through_the_signers_to_the_vendors_diff_and_flagged_answer(
    live_server, page, published
) -> None:
    from tender.formatting import OSLO

    base = f"{live_server.url}/konkurranser/{published['id']}"
    first = published["first"]

    # the lead starts the correction: not without a reason
    _login(page, live_server.url, published["lead"])
    page.goto(f"{base}/rettelser")
    page.get_by_role("button", name="Start rettelse").click()
    reason = page.get_by_label("Begrunnelse for rettelsen (vises for leverandørene)")
    assert _error_of(page, reason) == "Skriv hvorfor kravspesifikasjonen rettes."
    reason.fill("Krav 1.1 var uklart formulert.")
    page.get_by_role("button", name="Start rettelse").click()
    page.get_by_text("Rettelse 1 er startet.").wait_for()
    assert page.get_by_text("En rettelse pågår").is_visible()

    # edits the requirement on the specification's own page, and freezes the draft
    page.get_by_label(f"Rediger {first}").click()
    text = page.get_by_label("Kravtekst")
    text.fill("Løsningen skal oppfylle det presiserte minstekravet 1 i alle kommunene.")
    page.get_by_role("button", name="Lagre", exact=True).click()
    page.get_by_text(f"Krav {first} er lagret.").wait_for()
    page.get_by_role("button", name="Frys ny versjon til godkjenning").click()
    page.get_by_text("Versjon 2 er frosset").wait_for()
    # not publishable yet: the municipalities have not approved version 2
    page.goto(f"{base}/rettelser")
    waiting = page.locator("p", has_text="mangler godkjenning fra").inner_text()
    assert "Skien" in waiting and "Porsgrunn" in waiting
    page.get_by_role("button", name="Kunngjør rettelse 1").click()  # offered, and refused with the reason
    page.get_by_role("alert").get_by_text("har ikke godkjent versjon 2").wait_for()
    _logout(page)

    # every municipality approves the new version again, in the browser
    for signer in published["signers"]:
        _login(page, live_server.url, signer)
        page.goto(f"{base}/krav/versjoner/2")
        page.get_by_label("Beslutning", exact=True).select_option(label="Godkjenn")
        page.get_by_role("button", name="Registrer beslutning").click()
        page.get_by_text("er registrert.").wait_for()
        _logout(page)

    # the lead: eight days left is more than the default six, so no question until the setting says ten
    _login(page, live_server.url, published["lead"])
    page.goto(f"{base}/rettelser")
    assert page.get_by_text("Skal tilbudsfristen forlenges?").count() == 0
    days = page.get_by_label("Spør om forlenget tilbudsfrist når det er færre enn så mange dager igjen")
    days.fill("ti")
    page.get_by_role("button", name="Lagre innstillingen").click()
    days = page.get_by_label("Spør om forlenget tilbudsfrist når det er færre enn så mange dager igjen")
    assert _error_of(page, days) == "Antall dager må være et helt tall, ikke «ti»."
    days.fill("10")
    page.get_by_role("button", name="Lagre innstillingen").click()
    page.get_by_text("Innstillingen er lagret.").wait_for()
    assert page.get_by_text("Det er mindre enn 10 dager igjen til tilbudsfristen").is_visible()

    # keeping the deadline needs a reason; the lead extends it by a week instead
    page.get_by_label("Nei, behold fristen").check()
    page.get_by_role("button", name="Kunngjør rettelse 1").click()
    why = page.get_by_label("Begrunnelse når fristen ikke forlenges")
    assert _error_of(page, why) == "Skriv hvorfor tilbudsfristen ikke forlenges."
    page.get_by_label("Ja, forleng tilbudsfristen").check()
    new_deadline = published["deadline"] + timedelta(days=7)
    page.get_by_label("Ny tilbudsfrist (norsk tid)").fill(
        new_deadline.astimezone(OSLO).strftime("%Y-%m-%dT%H:%M")
    )
    page.get_by_role("button", name="Kunngjør rettelse 1").click()
    page.get_by_text("Rettelse 1 er kunngjort som versjon 2").wait_for()
    assert page.get_by_text("Tilbudsfristen ble forlenget til").is_visible()
    _logout(page)

    # the vendor reads the diff, and finds the changed requirement's answer flagged on the bid page
    _login(page, live_server.url, published["seller"])
    page.goto(base)
    page.get_by_role("link", name="Rettelser").click()
    page.get_by_text("Krav 1.1 var uklart formulert.").first.wait_for()
    change = page.locator(f"#endring-{first}")
    assert f"Endret krav: {published['first_number']}" in change.inner_text()
    assert change.locator("ins").first.inner_text().strip() != ""
    assert change.locator("del").first.inner_text().strip() != ""
    page.get_by_role("link", name="Mitt tilbud").click()
    assert page.get_by_text("1 svar må gjennomgås").is_visible()
    legend = page.locator(f"#a-{first} legend")
    assert "gjennomgå svaret" in legend.inner_text()
    page.get_by_label("Jeg har gått gjennom svaret etter endringen").check()
    page.get_by_role("button", name="Lagre utkast").click()
    page.get_by_text("Utkastet er lagret.").wait_for()
    assert page.get_by_text("må gjennomgås").count() == 0
    assert "gjennomgå svaret" not in page.locator(f"#a-{first} legend").inner_text()


def test_the_lead_gives_up_a_correction_and_the_draft_is_the_published_version_again(
    live_server, page, published
) -> None:
    base = f"{live_server.url}/konkurranser/{published['id']}"
    first = published["first"]
    _login(page, live_server.url, published["lead"])
    page.goto(f"{base}/rettelser")
    page.get_by_label("Begrunnelse for rettelsen (vises for leverandørene)").fill("Prøver en endring.")
    page.get_by_role("button", name="Start rettelse").click()
    page.get_by_text("Rettelse 1 er startet.").wait_for()
    page.get_by_label(f"Rediger {first}").click()
    page.get_by_label("Kravtekst").fill("En endring som ikke skal med.")
    page.get_by_role("button", name="Lagre", exact=True).click()
    page.get_by_text(f"Krav {first} er lagret.").wait_for()

    page.goto(f"{base}/rettelser")
    page.get_by_role("button", name="Avbryt rettelsen").click()
    why = page.get_by_label("Hvorfor avbrytes rettelsen?")
    assert _error_of(page, why) == "Skriv hvorfor rettelsen avbrytes."
    why.fill("Endringen var ikke nødvendig.")
    page.get_by_role("button", name="Avbryt rettelsen").click()
    page.get_by_text("Rettelse 1 er avbrutt").wait_for()
    assert page.get_by_role("button", name="Start rettelse").is_visible()
    page.goto(f"{base}/krav")
    assert page.get_by_text("En endring som ikke skal med.").count() == 0
    assert page.get_by_label(f"Rediger {first}").count() == 0  # closed for editing again
