"""The lead manages members, vendors and municipalities of a tender."""

from __future__ import annotations

from sqlalchemy import func, select

from tender.audit import AuditEvent
from tender.evaluation.permissions import score
from tender.tenders.models import Membership, Role, Vendor


def _count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_the_lead_invites_a_new_evaluator_and_is_shown_a_one_time_link(
    client, db, forms, login_as, create_tender, caplog
) -> None:
    tender = create_tender()
    login_as(tender.memberships[0].user)
    with caplog.at_level("INFO", logger="tender"):
        response = forms.post(
            f"/konkurranser/{tender.id}/medlemmer/inviter",
            {
                "email": "ny.evaluator@skien.kommune.no",
                "name": "Nina Ny",
                "role": "evaluator",
                "municipality": "",
                "vendor": "",
            },
        )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "/invitasjon/" in html and "Engangslenke" in html
    link = html.split('value="http://localhost/invitasjon/')[1].split('"')[0]
    # the lead's screen is where the link goes: whoever holds it chooses Nina's password, so no log has it
    assert caplog.records and all(link not in record.getMessage() for record in caplog.records)
    assert (
        db.session.scalar(select(Membership).where(Membership.role == Role.EVALUATOR)).user.name == "Nina Ny"
    )
    # the invited person sets a password and sees the tender
    forms.post("/logg-ut", {})
    url = f"/invitasjon/{link}"
    assert (
        forms.post(
            url, {"password": "nina-sitt-passord", "confirm": "nina-sitt-passord"}, page=url
        ).status_code
        == 302
    )
    assert tender.title in client.get("/").get_data(as_text=True)


def test_inviting_a_signer_needs_a_participating_municipality(db, forms, login_as, create_tender) -> None:
    tender = create_tender()
    login_as(tender.memberships[0].user)
    before = _count(db, Membership)
    response = forms.post(
        f"/konkurranser/{tender.id}/medlemmer/inviter",
        {"email": "g@b.no", "name": "G", "role": "signer", "municipality": "", "vendor": ""},
    )
    assert response.status_code == 422
    assert "Velg hvilken kommune" in response.get_data(as_text=True)
    assert _count(db, Membership) == before


def test_a_vendor_with_an_invalid_organisation_number_is_refused_and_nothing_changes(
    db, forms, login_as, create_tender
) -> None:
    tender = create_tender()
    login_as(tender.memberships[0].user)
    before = (_count(db, Vendor), _count(db, AuditEvent))
    response = forms.post(
        f"/konkurranser/{tender.id}/leverandorer",
        {"vendor-name": "Feil AS", "vendor-organisasjonsnummer": "974760674"},
    )
    assert response.status_code == 422
    assert "feil kontrollsiffer" in response.get_data(as_text=True)
    assert (_count(db, Vendor), _count(db, AuditEvent)) == before


def test_a_vendor_with_a_valid_number_written_with_spaces_is_added(
    db, forms, login_as, create_tender
) -> None:
    tender = create_tender()
    login_as(tender.memberships[0].user)
    response = forms.post(
        f"/konkurranser/{tender.id}/leverandorer",
        {"vendor-name": "Riktig AS", "vendor-organisasjonsnummer": "974 760 673"},
        follow=True,
    )
    assert "Riktig AS er lagt til" in response.get_data(as_text=True)
    assert db.session.scalar(select(Vendor.organisasjonsnummer)) == "974760673"


def test_an_over_long_vendor_name_is_refused_next_to_the_field(db, forms, login_as, create_tender) -> None:
    tender = create_tender()
    login_as(tender.memberships[0].user)
    response = forms.post(
        f"/konkurranser/{tender.id}/leverandorer",
        {"vendor-name": "A" * 201, "vendor-organisasjonsnummer": "974760673"},
    )
    assert response.status_code == 422
    assert "høyst 200 tegn" in response.get_data(as_text=True)
    assert _count(db, Vendor) == 0


def test_the_last_lead_cannot_be_removed(db, forms, login_as, create_tender) -> None:
    tender = create_tender()
    lead_membership = tender.memberships[0]
    login_as(lead_membership.user)
    response = forms.post(f"/konkurranser/{tender.id}/medlemmer/{lead_membership.id}/fjern", {}, follow=True)
    assert "minst én prosjektleder" in response.get_data(as_text=True)
    assert db.session.get(Membership, lead_membership.id) is not None


def test_a_user_may_hold_different_roles_in_different_tenders(
    db, create_tender, create_user, add_member
) -> None:
    person = create_user("p@b.no")
    first, second = create_tender(title="Første"), create_tender(title="Andre")
    add_member(first, Role.EVALUATOR, person)
    add_member(second, Role.OBSERVER, person)
    assert first.roles_of(person) == {Role.EVALUATOR} and second.roles_of(person) == {Role.OBSERVER}
    assert score(person, first) and not score(person, second)


def test_a_vendor_user_cannot_also_sit_in_the_procurement_group(
    db, create_tender, create_user, add_member
) -> None:
    import pytest

    from tender.errors import DomainError
    from tender.tenders import operations

    tender = create_tender()
    vendor = operations.register_vendor(tender, name="V AS", organisasjonsnummer="974760673")
    person = add_member(tender, Role.VENDOR, vendor=vendor)
    with pytest.raises(DomainError, match="leverandørbruker"):
        operations.add_membership(tender, person, Role.EVALUATOR)


def test_the_lead_removes_an_evaluator_and_the_trail_records_it(
    db, forms, login_as, create_tender, add_member
) -> None:
    tender = create_tender()
    evaluator = add_member(tender, Role.EVALUATOR)
    membership = next(m for m in tender.memberships if m.user_id == evaluator.id)
    login_as(tender.memberships[0].user)
    forms.post(f"/konkurranser/{tender.id}/medlemmer/{membership.id}/fjern", {})
    assert db.session.get(Membership, membership.id) is None
    assert (
        db.session.scalar(select(AuditEvent).where(AuditEvent.event_type == "membership.removed")) is not None
    )


def _invite(forms, tender, email: str = "ny.evaluator@skien.kommune.no") -> str:
    response = forms.post(
        f"/konkurranser/{tender.id}/medlemmer/inviter",
        {"email": email, "name": "Nina Ny", "role": "evaluator", "municipality": "", "vendor": ""},
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_data(as_text=True).split('value="http://localhost/invitasjon/')[1].split('"')[0]


def test_inviting_a_pending_member_again_makes_a_new_link_and_the_old_one_says_it_was_replaced(
    client, db, forms, login_as, create_tender
) -> None:
    tender = create_tender()
    login_as(tender.memberships[0].user)
    first = _invite(forms, tender)
    response = forms.post(
        f"/konkurranser/{tender.id}/medlemmer/inviter",
        {
            "email": "ny.evaluator@skien.kommune.no",
            "name": "",
            "role": "evaluator",
            "municipality": "",
            "vendor": "",
        },
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "har allerede rollen" not in html
    assert "fått en ny invitasjonslenke" in html and "forrige lenken virker ikke lenger" in html
    second = html.split('value="http://localhost/invitasjon/')[1].split('"')[0]
    assert second != first
    evaluators = select(func.count()).select_from(Membership).where(Membership.role == Role.EVALUATOR)
    assert db.session.scalar(evaluators) == 1
    [resent] = db.session.scalars(select(AuditEvent).where(AuditEvent.event_type == "invitation.resent"))
    assert resent.payload["user"] == "ny.evaluator@skien.kommune.no" and resent.payload["voided"] == 1
    forms.post("/logg-ut", {})
    old = client.get(f"/invitasjon/{first}")
    assert old.status_code == 410 and "erstattet av en nyere invitasjon" in old.get_data(as_text=True)
    url = f"/invitasjon/{second}"
    password = {"password": "nina-sitt-passord", "confirm": "nina-sitt-passord"}
    assert forms.post(url, password, page=url).status_code == 302


def test_the_send_again_button_gives_a_pending_member_a_new_link_and_a_member_with_a_password_none(
    client, db, forms, login_as, create_tender, add_member
) -> None:
    tender = create_tender()
    login_as(tender.memberships[0].user)
    first = _invite(forms, tender)
    pending = next(m for m in tender.memberships if m.role is Role.EVALUATOR)
    active = add_member(tender, Role.OBSERVER)
    page = f"/konkurranser/{tender.id}/medlemmer"
    html = client.get(page).get_data(as_text=True)
    assert html.count(">Send på nytt</button>") == 1 and "Send invitasjonen til Nina Ny på nytt" in html
    response = forms.post(f"{page}/{pending.id}/send-pa-nytt", {}, page=page)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "forrige lenken virker ikke lenger" in html
    second = html.split('value="http://localhost/invitasjon/')[1].split('"')[0]
    assert second != first
    observer = next(m for m in tender.memberships if m.user_id == active.id)
    before = _count(db, AuditEvent)
    refused = forms.post(f"{page}/{observer.id}/send-pa-nytt", {}, page=page)
    assert refused.status_code == 409 and "har allerede valgt passord" in refused.get_data(as_text=True)
    assert _count(db, AuditEvent) == before
    forms.post("/logg-ut", {})
    assert "erstattet av en nyere invitasjon" in client.get(f"/invitasjon/{first}").get_data(as_text=True)
    assert client.get(f"/invitasjon/{second}").status_code == 200


def test_after_a_successful_invitation_the_invite_form_is_empty_again(
    client, db, forms, login_as, create_tender
) -> None:
    tender = create_tender()
    login_as(tender.memberships[0].user)
    response = forms.post(
        f"/konkurranser/{tender.id}/medlemmer/inviter",
        {
            "email": "ny.evaluator@skien.kommune.no",
            "name": "Nina Ny",
            "role": "observer",
            "municipality": "",
            "vendor": "",
        },
    )
    html = response.get_data(as_text=True)
    form = html.split('/medlemmer/inviter"')[1].split("</form>")[0]
    assert 'value="ny.evaluator@skien.kommune.no"' not in form and 'value="Nina Ny"' not in form
    assert "selected" not in form.split('name="role"')[1].split("</select>")[0]
