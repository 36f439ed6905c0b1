"""A vendor's identity belongs to the vendor: vendors register themselves from the tender's announcement page
and confirm their address by a link sent only by e-mail; the first confirmed person administers the vendor's
other users; the procurement group can create, invite, add, edit or take over no vendor account, by any page,
form or command, and every such attempt is refused with a message and kept in the audit trail."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tender.audit import AuditEvent
from tender.auth.models import User
from tender.tenders.models import Membership, Role, Vendor
from tender.vendors.models import CameInVia, RegistrationStatus, VendorRegistration, VendorUser
from tests.conftest import PASSWORD

VENDOR_A = ("Arkivleverandøren AS", "974760673")
VENDOR_B = ("Konkurrenten AS", "912345688")


def _count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _refusals(db, attempt: str) -> list[AuditEvent]:
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.event_type == "vendor_identity.refused")
    ).all()
    return [e for e in events if e.payload.get("attempt") == attempt]


def _bid_status(client, login_as, user, tender, password: str = PASSWORD) -> int:
    login_as(user, password)
    return client.get(f"/konkurranser/{tender.id}/mitt-tilbud").status_code


@pytest.fixture
def world(db, create_tender, create_user, add_member):
    """A tender with two vendors; vendor A has an administrator (who came in by the operator's path)."""
    from tender.tenders import operations as tender_ops

    tender = create_tender(bid_deadline=_later(30))
    lead = tender.memberships[0].user
    a = tender_ops.register_vendor(tender, name=VENDOR_A[0], organisasjonsnummer=VENDOR_A[1], actor=lead)
    b = tender_ops.register_vendor(tender, name=VENDOR_B[0], organisasjonsnummer=VENDOR_B[1], actor=lead)
    db.session.commit()
    seller = add_member(
        tender, Role.VENDOR, create_user("selger@arkivleverandoren.no", "Siri Selger"), vendor=a
    )
    evaluator = add_member(tender, Role.EVALUATOR, create_user("eva@skien.kommune.no", "Eva Evaluator"))
    return tender, lead, a, b, seller, evaluator


def _later(days: int):
    from tender.db_types import utcnow

    return utcnow() + timedelta(days=days)


@pytest.fixture
def mail_on(app, smtp_server):
    port, received = smtp_server
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    try:
        yield received
    finally:
        app.config.update(MAIL_SERVER="")


def _register(
    forms,
    tender,
    *,
    orgnr=VENDOR_A[1],
    company="",
    name="Nora Ny",
    email="nora@arkivleverandoren.no",
    password="nora-sitt-passord",
    page=None,
):
    url = f"/kunngjoring/{tender.announcement_token}"
    return forms.post(
        url,
        {
            "organisasjonsnummer": orgnr,
            "vendor_name": company,
            "name": name,
            "email": email,
            "password": password,
            "confirm": password,
        },
        page=page or url,
    )


def _link(message) -> str:
    body = message.get_payload(decode=True).decode("utf-8")
    match = re.search(r"http://localhost(/leverandor/bekreft/[A-Za-z0-9_-]+)", body)
    assert match, body
    return match.group(1)


def _confirm(forms, path):
    return forms.post(path, {}, page=path)


# -- the ways in point 1 of issue 9, each refused and logged -------------------------------------------------
def test_the_lead_cannot_invite_a_new_address_as_a_vendor_user(client, db, forms, login_as, world) -> None:
    tender, lead, a, _, _, _ = world
    login_as(lead)
    users = _count(db, User)
    response = forms.post(
        f"/konkurranser/{tender.id}/medlemmer/inviter",
        {
            "email": "lederens.andre@gmail.com",
            "name": "Lederens alias",
            "role": "vendor",
            "municipality": "",
            "vendor": str(a.id),
        },
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Innkjøpsgruppen kan ikke opprette, invitere eller legge til leverandørbrukere" in html
    assert "/invitasjon/" not in html and "Engangslenke" not in html
    assert _count(db, User) == users  # no account exists that the lead could take over
    [event] = _refusals(db, "membership.invite")
    assert event.actor_id == lead.id and event.payload["email"] == "lederens.andre@gmail.com"
    assert _bid_status(client, login_as, lead, tender) == 403


def test_the_lead_cannot_add_their_own_account_as_a_vendor_user(client, db, forms, login_as, world) -> None:
    from tender.errors import SeparationOfDutiesError
    from tender.tenders import operations as tender_ops

    tender, lead, a, _, _, _ = world
    login_as(lead)
    response = forms.post(
        f"/konkurranser/{tender.id}/medlemmer/inviter",
        {"email": lead.email, "name": "", "role": "vendor", "municipality": ""},
    )
    assert response.status_code == 422
    assert "leverandørbrukere" in response.get_data(as_text=True)
    assert len(_refusals(db, "membership.invite")) == 1
    # the operation itself refuses too, whoever calls it
    with pytest.raises(SeparationOfDutiesError, match="Innkjøpsgruppen kan ikke"):
        tender_ops.add_membership(tender, lead, Role.VENDOR, vendor=a)
    db.session.rollback()
    assert tender.roles_of(lead) == {Role.LEAD}
    assert _bid_status(client, login_as, lead, tender) == 403


def test_the_lead_cannot_add_a_second_existing_account_of_theirs_as_a_vendor_user(
    client, db, forms, login_as, world, create_user
) -> None:
    tender, lead, a, _, _, _ = world
    second = create_user("lena.privat@example.no", "Lena Privat")
    login_as(lead)
    response = forms.post(
        f"/konkurranser/{tender.id}/medlemmer/inviter",
        {"email": second.email, "name": "", "role": "vendor", "municipality": ""},
    )
    assert response.status_code == 422
    assert "Leverandøren registrerer seg selv fra kunngjøringssiden" in response.get_data(as_text=True)
    [event] = _refusals(db, "membership.invite")
    assert event.payload["email"] == second.email
    assert db.session.scalar(select(Membership).where(Membership.user_id == second.id)) is None
    assert _bid_status(client, login_as, second, tender) == 404


def test_the_lead_of_another_tender_cannot_take_over_a_vendor_account_without_a_password(
    client, db, forms, login_as, world, create_tender, create_user
) -> None:
    from tender.auth.models import Invitation
    from tender.auth.operations import create_user as new_account
    from tender.vendors import operations as ops

    tender, _, a, _, _, _ = world
    # a vendor user who never chose a password (as vendor users invited by the lead before this change)
    silent = new_account("stille@arkivleverandoren.no", "Stine Stille")
    ops.add_vendor_user_by_operator(tender, a, silent)
    db.session.commit()
    other = create_tender(create_user("annen.leder@example.no", "Annen Leder"), title="Annen konkurranse")
    login_as(other.memberships[0].user)
    response = forms.post(
        f"/konkurranser/{other.id}/medlemmer/inviter",
        {"email": silent.email, "name": "", "role": "observer", "municipality": ""},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "passordlenker for leverandørers kontoer" in html
    assert "/invitasjon/" not in html and _count(db, Invitation) == 0
    assert len(_refusals(db, "account.takeover")) == 1
    assert other.roles_of(silent) == set()


def test_the_demo_vendor_user_comes_in_by_the_operator_path_and_administers_its_vendor(db, runner) -> None:
    from tender.demo import VENDOR_USER

    assert runner.invoke(args=["demo"]).exit_code == 0
    row = db.session.scalar(
        select(VendorUser).join(Membership).join(User).where(User.email == VENDOR_USER[0])
    )
    assert row.came_in_via is CameInVia.OPERATOR and row.is_administrator
    added = db.session.scalars(select(AuditEvent).where(AuditEvent.event_type == "vendor_user.added")).all()
    assert [e.actor_label.startswith("cli:") for e in added] == [True]


def test_the_members_page_no_longer_offers_the_vendor_role(client, login_as, world) -> None:
    tender, lead, *_ = world
    login_as(lead)
    html = client.get(f"/konkurranser/{tender.id}/medlemmer").get_data(as_text=True)
    assert 'value="vendor"' not in html and "Leverandørbruker</option>" not in html
    assert "Inviter en leverandør til å registrere seg" in html and tender.announcement_token in html
    assert f"/kunngjoring/{tender.announcement_token}" in client.get(f"/konkurranser/{tender.id}").get_data(
        as_text=True
    )


def test_the_lead_cannot_edit_a_vendor_nor_remove_its_users(client, db, forms, login_as, world) -> None:
    tender, lead, a, _, seller, _ = world
    login_as(lead)
    response = forms.post(
        f"/konkurranser/{tender.id}/leverandorer",
        {"vendor-name": "Lederens Eget AS", "vendor-organisasjonsnummer": a.organisasjonsnummer},
    )
    assert response.status_code == 422
    assert "kan ikke endres av innkjøpsgruppen" in response.get_data(as_text=True)
    db.session.refresh(a)
    assert a.name == VENDOR_A[0]
    [event] = _refusals(db, "vendor.edit")
    assert event.payload["given_name"] == "Lederens Eget AS"
    # Emptying a vendor of its users would let the lead register as its first, administrating user.
    membership = next(m for m in tender.memberships if m.user_id == seller.id)
    page = forms.post(f"/konkurranser/{tender.id}/medlemmer/{membership.id}/fjern", {}, follow=True)
    assert "Leverandørbrukere kan ikke fjernes av innkjøpsgruppen" in page.get_data(as_text=True)
    assert db.session.get(Membership, membership.id) is not None
    assert len(_refusals(db, "membership.remove")) == 1
    assert _bid_status(client, login_as, lead, tender) == 403


def test_the_command_line_refuses_an_account_in_the_procurement_group(
    client, db, runner, login_as, world
) -> None:
    tender, lead, a, _, _, evaluator = world
    for person in (lead, evaluator):
        result = runner.invoke(
            args=["vendor", "add-user", str(tender.id), a.organisasjonsnummer, person.email]
        )
        assert result.exit_code == 2
        assert "En bruker i innkjøpsgruppen kan ikke også være leverandørbruker" in result.output
    events = _refusals(db, "operator")
    assert [e.payload["user"] for e in events] == [lead.email, evaluator.email]
    assert all(e.actor_label.startswith("cli:") for e in events)
    assert _bid_status(client, login_as, lead, tender) == 403
    assert _bid_status(client, login_as, evaluator, tender) == 403


def test_a_group_member_cannot_register_their_own_address_from_the_announcement_page(
    client, db, forms, login_as, world, mail_on
) -> None:
    tender, _, a, _, _, evaluator = world
    response = _register(forms, tender, email=evaluator.email, name="Eva Evaluator")
    assert response.status_code == 422
    assert "tilhører en bruker i innkjøpsgruppen" in response.get_data(as_text=True)
    assert mail_on == [] and _count(db, VendorRegistration) == 0
    [event] = _refusals(db, "registration")
    assert event.payload["email"] == evaluator.email and event.payload["group_roles"] == ["evaluator"]
    assert _bid_status(client, login_as, evaluator, tender) == 403


def test_a_group_member_registering_privately_for_a_vendor_with_an_administrator_only_waits_for_its_approval(
    client, db, forms, login_as, world, mail_on
) -> None:
    tender, _, a, _, seller, evaluator = world
    response = _register(forms, tender, name="Eva Privat", email="eva.privat@example.no")
    assert response.status_code == 200
    page = _confirm(forms, _link(mail_on[0])).get_data(as_text=True)
    assert "venter nå på godkjenning fra administratoren" in page
    private = db.session.scalar(select(User).where(User.email == "eva.privat@example.no"))
    assert tender.roles_of(private) == set()
    assert _bid_status(client, login_as, private, tender, "nora-sitt-passord") == 404
    assert _bid_status(client, login_as, evaluator, tender) == 403
    registration = db.session.scalar(select(VendorRegistration))
    assert registration.status is RegistrationStatus.AWAITING_APPROVAL
    kinds = [e.event_type for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq))]
    assert "vendor_registration.awaiting_approval" in kinds and "vendor_user.added" not in kinds[-3:]
    # the vendor's administrator sees the request and refuses it; that is logged too
    login_as(seller)
    html = client.get(f"/konkurranser/{tender.id}/leverandorens-brukere").get_data(as_text=True)
    assert "Eva Privat" in html and "eva.privat@example.no" in html
    done = forms.post(
        f"/konkurranser/{tender.id}/leverandorens-brukere/{registration.id}/avsla", {}, follow=True
    )
    assert "Forespørselen fra Eva Privat er avslått." in done.get_data(as_text=True)
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.event_type == "vendor_registration.refused"))
    assert _bid_status(client, login_as, private, tender, "nora-sitt-passord") == 404


def test_a_group_member_whose_confirmation_arrives_after_joining_the_group_is_refused_and_the_link_used_up(
    client, db, forms, login_as, world, mail_on, add_member
) -> None:
    tender, _, _, _, _, _ = world
    _register(
        forms, tender, orgnr="920000002", company="Nytt Firma AS", email="ny@nyttfirma.no", name="Ny Person"
    )
    # before the link is opened, the same address gets a role in the group
    from tender.auth.operations import create_user

    person = create_user("ny@nyttfirma.no", "Ny Person", password=PASSWORD)
    db.session.commit()
    add_member(tender, Role.OBSERVER, person)
    path = _link(mail_on[0])
    response = _confirm(forms, path)
    assert response.status_code == 422
    assert "tilhører en bruker i innkjøpsgruppen" in response.get_data(as_text=True)
    assert db.session.scalar(select(VendorRegistration)).status is RegistrationStatus.BLOCKED
    assert len(_refusals(db, "registration.confirm")) == 1
    assert forms.client.get(path).status_code == 410
    assert _bid_status(client, login_as, person, tender) == 403


def test_the_operator_path_is_not_called_from_any_page() -> None:
    from pathlib import Path

    import tender

    root = Path(tender.__file__).parent
    views = [p for p in root.rglob("*.py") if p.name in {"views.py", "report_view.py"}]
    assert views and all("add_vendor_user_by_operator" not in p.read_text(encoding="utf-8") for p in views)


# -- registration and confirmation ---------------------------------------------------------------------------
def test_the_announcement_page_shows_the_public_facts_in_norwegian_time(client, world) -> None:
    tender, *_ = world
    html = client.get(f"/kunngjoring/{tender.announcement_token}").get_data(as_text=True)
    assert tender.title in html and tender.case_reference in html and tender.procedure.label in html
    assert "Skien" in html and "Porsgrunn" in html
    from tender.templating import local_time

    assert local_time(tender.bid_deadline) in html
    assert "Registrer deg som leverandør" in html


def test_a_vendor_registers_confirms_by_email_and_reaches_its_bid(
    client, db, forms, login_as, world, mail_on, caplog
) -> None:
    tender, lead, *_ = world
    with caplog.at_level("DEBUG"):
        response = _register(
            forms,
            tender,
            orgnr="920 000 002",
            company="Nytt Firma AS",
            name="Nils Ny",
            email="Nils@NyttFirma.no",
        )
        html = response.get_data(as_text=True)
        assert response.status_code == 200 and "Sjekk e-posten din" in html and "nils@nyttfirma.no" in html
        [message] = mail_on
        assert message["To"] == "nils@nyttfirma.no"
        path = _link(message)
        secret = path.rsplit("/", 1)[1]
        assert secret not in html
        assert _count(db, User) == 3 and _count(db, Vendor) == 2  # nothing exists before the confirmation
        page = forms.client.get(path)
        assert page.status_code == 200 and "Bekreft e-postadressen" in page.get_data(as_text=True)
        done = _confirm(forms, path).get_data(as_text=True)
    # the link is in no log, and nowhere in the audit trail
    assert all(secret not in record.getMessage() for record in caplog.records)
    assert all(secret not in e.payload_json for e in db.session.scalars(select(AuditEvent)))
    assert "Du er nå bruker og administrator for Nytt Firma AS" in done
    user = db.session.scalar(select(User).where(User.email == "nils@nyttfirma.no"))
    vendor = db.session.scalar(select(Vendor).where(Vendor.organisasjonsnummer == "920000002"))
    assert vendor.name == "Nytt Firma AS" and vendor in tender.participating_vendors
    assert tender.roles_of(user) == {Role.VENDOR} and tender.vendor_ids_of(user) == {vendor.id}
    row = db.session.scalar(select(VendorUser).where(VendorUser.came_in_via == CameInVia.REGISTRATION))
    assert row.is_administrator and row.membership.user_id == user.id
    kinds = {e.event_type for e in db.session.scalars(select(AuditEvent))}
    assert {
        "vendor_registration.submitted",
        "vendor_registration.confirmed",
        "vendor_user.added",
        "tender.vendor_added",
        "membership.added",
    } <= kinds
    # the link works once
    assert forms.client.get(path).status_code == 410
    login_as(user, "nora-sitt-passord")
    page = client.get(f"/konkurranser/{tender.id}/mitt-tilbud")
    assert page.status_code == 200 and "Tilbud fra Nytt Firma AS" in page.get_data(as_text=True)
    users = client.get(f"/konkurranser/{tender.id}/leverandorens-brukere").get_data(as_text=True)
    assert "Nils Ny" in users and "Administrator" in users and "bekreftet e-postadressen" in users


def test_a_known_organisation_number_registers_under_the_registered_name(db, forms, world, mail_on) -> None:
    tender, _, _, b, _, _ = world
    response = _register(
        forms,
        tender,
        orgnr=b.organisasjonsnummer,
        company="Noe Annet AS",
        email="kim@konkurrenten.no",
        name="Kim",
    )
    assert response.status_code == 200 and "som bruker for Konkurrenten AS" in response.get_data(as_text=True)
    assert "Konkurrenten AS" in mail_on[0].get_payload(decode=True).decode("utf-8")
    assert db.session.scalar(select(VendorRegistration)).vendor_name == "Konkurrenten AS"


def test_a_second_person_of_a_vendor_is_approved_by_its_administrator(
    client, db, forms, login_as, world, mail_on
) -> None:
    tender, _, a, _, seller, _ = world
    _register(
        forms, tender, orgnr=a.organisasjonsnummer, name="Kari Kollega", email="kari@arkivleverandoren.no"
    )
    _confirm(forms, _link(mail_on[0]))
    # the administrator is told by e-mail where to decide; that mail carries no confirmation link
    notice = mail_on[1]
    body = notice.get_payload(decode=True).decode("utf-8")
    assert notice["To"] == seller.email and "Kari Kollega" in body
    assert f"/konkurranser/{tender.id}/leverandorens-brukere" in body and "/leverandor/bekreft/" not in body
    colleague = db.session.scalar(select(User).where(User.email == "kari@arkivleverandoren.no"))
    assert _bid_status(client, login_as, colleague, tender, "nora-sitt-passord") == 404
    registration = db.session.scalar(select(VendorRegistration))
    login_as(seller)
    page = forms.post(
        f"/konkurranser/{tender.id}/leverandorens-brukere/{registration.id}/godkjenn", {}, follow=True
    )
    html = page.get_data(as_text=True)
    assert "Kari Kollega er nå bruker for Arkivleverandøren AS." in html
    assert "godkjent av Siri Selger" in html
    row = db.session.scalar(select(VendorUser).where(VendorUser.came_in_via == CameInVia.APPROVAL))
    assert row.approved_by_id == seller.id and not row.is_administrator
    assert _bid_status(client, login_as, colleague, tender, "nora-sitt-passord") == 200


def test_without_a_mail_server_the_announcement_page_says_registration_needs_one_and_registers_nothing(
    client, db, forms, world
) -> None:
    tender, *_ = world
    html = client.get(f"/kunngjoring/{tender.announcement_token}").get_data(as_text=True)
    assert "krever at systemet har en e-postserver" in html and 'name="password"' not in html
    before = (_count(db, VendorRegistration), _count(db, User), _count(db, AuditEvent))
    response = _register(forms, tender, page="/logg-inn")  # the page itself has no form to take a token from
    assert response.status_code == 422 and "krever at systemet har en e-postserver" in response.get_data(
        as_text=True
    )
    assert (_count(db, VendorRegistration), _count(db, User), _count(db, AuditEvent)) == before


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("orgnr", "974760674", "feil kontrollsiffer"),
        ("orgnr", "12345", "nøyaktig ni sifre"),
        ("company", "", "Skriv inn firmanavnet"),
        ("password", "kort", "mellom 10 og 200 tegn"),
        ("email", "ikke-en-adresse", "ikke en gyldig e-postadresse"),
    ],
)
def test_bad_registration_input_is_refused_next_to_the_form_and_changes_nothing(
    db, forms, world, mail_on, field, value, message
) -> None:
    tender, *_ = world
    data = {
        "orgnr": "920000002",
        "company": "Nytt Firma AS",
        "email": "x@nyttfirma.no",
        "password": "et-godt-passord",
    }
    data[field] = value
    before = _count(db, AuditEvent)
    response = _register(forms, tender, **data)
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert mail_on == [] and _count(db, VendorRegistration) == 0 and _count(db, AuditEvent) == before


def test_an_expired_or_unknown_confirmation_link_is_refused(db, forms, world, mail_on) -> None:
    tender, *_ = world
    _register(forms, tender)
    path = _link(mail_on[0])
    registration = db.session.scalar(select(VendorRegistration))
    registration.expires_at = _later(-1)
    db.session.commit()
    expired = forms.client.get(path)
    assert expired.status_code == 410 and "utløpt" in expired.get_data(as_text=True)
    unknown = forms.client.get("/leverandor/bekreft/ikke-en-ekte-lenke")
    assert unknown.status_code == 410 and "ugyldig" in unknown.get_data(as_text=True)


def test_when_the_mail_server_is_unreachable_the_registration_is_not_kept(app, db, forms, world) -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed_port = s.getsockname()[1]
    tender, *_ = world
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=closed_port)
    try:
        response = _register(forms, tender)
    finally:
        app.config.update(MAIL_SERVER="")
    assert response.status_code == 422 and "kunne ikke sendes" in response.get_data(as_text=True)
    assert _count(db, VendorRegistration) == 0


# -- the lead invites a vendor to register, by e-mail only ---------------------------------------------------
def test_the_lead_invites_a_vendor_to_the_announcement_page_by_email_only(
    client, db, forms, login_as, world, mail_on
) -> None:
    tender, lead, _, b, _, _ = world
    login_as(lead)
    users = _count(db, User)
    page = forms.post(
        f"/konkurranser/{tender.id}/leverandorer/inviter",
        {"vinv-vendor": str(b.id), "vinv-email": "post@konkurrenten.no"},
        follow=True,
    )
    html = page.get_data(as_text=True)
    assert "Invitasjonen til å registrere seg er sendt på e-post til post@konkurrenten.no" in html
    [message] = mail_on
    assert message["To"] == "post@konkurrenten.no"
    body = message.get_payload(decode=True).decode("utf-8")
    assert f"/kunngjoring/{tender.announcement_token}" in body and "/leverandor/bekreft/" not in body
    assert _count(db, User) == users  # the invitation creates no account
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.event_type == "vendor.invited_to_register"))


def test_the_lead_cannot_send_the_vendor_invitation_to_a_group_address(
    db, forms, login_as, world, mail_on
) -> None:
    tender, lead, _, b, _, evaluator = world
    login_as(lead)
    response = forms.post(
        f"/konkurranser/{tender.id}/leverandorer/inviter",
        {"vinv-vendor": str(b.id), "vinv-email": evaluator.email},
    )
    assert response.status_code == 422 and "leverandørens egen e-postadresse" in response.get_data(
        as_text=True
    )
    assert mail_on == [] and len(_refusals(db, "vendor.invite")) == 1


def test_without_a_mail_server_the_lead_is_told_the_vendor_invitation_needs_one(
    db, forms, login_as, world
) -> None:
    tender, lead, _, b, _, _ = world
    login_as(lead)
    response = forms.post(
        f"/konkurranser/{tender.id}/leverandorer/inviter",
        {"vinv-vendor": str(b.id), "vinv-email": "post@konkurrenten.no"},
    )
    assert response.status_code == 422 and "krever at systemet har en e-postserver" in response.get_data(
        as_text=True
    )


# -- the operator's command line -----------------------------------------------------------------------------
def test_the_operator_adds_a_vendor_user_from_the_command_line_and_lists_them(
    client, db, runner, login_as, world
) -> None:
    tender, _, _, b, _, _ = world
    result = runner.invoke(
        args=[
            "vendor",
            "add-user",
            str(tender.id),
            b.organisasjonsnummer,
            "ole@konkurrenten.no",
            "--name",
            "Ole Operatørlagt",
            "--password",
            "ole-sitt-passord",
        ]
    )
    assert result.exit_code == 0, result.output
    assert "leverandørens administrator" in result.output
    user = db.session.scalar(select(User).where(User.email == "ole@konkurrenten.no"))
    assert tender.vendor_ids_of(user) == {b.id}
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.event_type == "vendor_user.added").order_by(AuditEvent.seq.desc())
    )
    assert event.actor_label.startswith("cli:") and event.payload["came_in_via"] == "operator"
    listing = runner.invoke(args=["vendor", "list", str(tender.id)])
    assert listing.exit_code == 0
    assert "ole@konkurrenten.no" in listing.output and "kommandolinjen" in listing.output
    assert "selger@arkivleverandoren.no" in listing.output
    assert _bid_status(client, login_as, user, tender, "ole-sitt-passord") == 200


def test_the_command_line_refuses_an_unknown_tender_or_vendor_in_norwegian(db, runner, world) -> None:
    tender, *_ = world
    result = runner.invoke(args=["vendor", "add-user", "999999", VENDOR_A[1], "x@y.no"])
    assert result.exit_code == 2 and "Fant ingen konkurranse" in result.output
    result = runner.invoke(args=["vendor", "add-user", str(tender.id), "920000002", "x@y.no", "--name", "X"])
    assert result.exit_code == 2 and "--vendor-name" in result.output
