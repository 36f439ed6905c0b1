"""Every vendor-registration route, tried anonymously and with every role. The announcement page is public;
the vendor's own users page and its approvals are the vendor users' only; the lead only invites a vendor to
register (by e-mail)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.test_access import ADMIN, ANON, OUTSIDER, try_everyone

NOT_MEMBER = {ANON: 302, OUTSIDER: 404, ADMIN: 404}

# route -> (method, path template, {who: expected status}, default for other members)
ROUTES: dict[str, tuple[str, str, dict[str, int], int]] = {
    "vendors.announcement": ("GET", "/kunngjoring/{a}", {}, 200),
    "vendors.confirm": ("GET", "/leverandor/bekreft/ugyldig-lenke", {}, 410),
    "vendors.users": ("GET", "/konkurranser/{t}/leverandorens-brukere", {**NOT_MEMBER, "vendor": 200}, 403),
    "vendors.approve": (
        "POST",
        "/konkurranser/{t}/leverandorens-brukere/{r}/godkjenn",
        {**NOT_MEMBER, "vendor": 302},
        403,
    ),
    "vendors.refuse": (
        "POST",
        "/konkurranser/{t}/leverandorens-brukere/{r}/avsla",
        {**NOT_MEMBER, "vendor": 302},
        403,
    ),
    "tenders.invite_vendor": (
        "POST",
        "/konkurranser/{t}/leverandorer/inviter",
        {**NOT_MEMBER, "lead": 422},
        403,
    ),
}


@pytest.fixture
def pending(db, people, create_user):
    """A colleague of the vendor user who confirmed their address and waits for the administrator."""
    from tender.db_types import utcnow
    from tender.vendors.models import RegistrationStatus, VendorRegistration

    tender, who, _ = people
    vendor = tender.participating_vendors[0]
    colleague = create_user("kollega@leverandor.no", "Kari Kollega")
    registration = VendorRegistration(
        tender_id=tender.id,
        organisasjonsnummer=vendor.organisasjonsnummer,
        vendor_name=vendor.name,
        name=colleague.name,
        email=colleague.email,
        password_hash="unused",
        token_hash="0" * 64,
        status=RegistrationStatus.AWAITING_APPROVAL,
        expires_at=utcnow() + timedelta(hours=1),
        confirmed_at=utcnow(),
        vendor_id=vendor.id,
        user_id=colleague.id,
    )
    db.session.add(registration)
    db.session.commit()
    return registration


@pytest.mark.parametrize("endpoint", sorted(ROUTES))
def test_each_person_gets_exactly_the_access_their_role_gives(
    endpoint, app, people, pending, isolated
) -> None:
    tender, who, _ = people
    try_everyone(
        app,
        ROUTES,
        endpoint,
        who,
        isolated,
        {"t": tender.id, "a": tender.announcement_token, "r": pending.id},
    )


def test_an_unknown_announcement_token_gives_404_to_everyone(client, people, login_as) -> None:
    tender, who, _ = people
    assert client.get("/kunngjoring/" + "x" * 32).status_code == 404
    assert client.get(f"/kunngjoring/{tender.id}").status_code == 404
    login_as(who["lead"])
    assert client.get("/kunngjoring/" + tender.announcement_token[:-1]).status_code == 404


def test_only_the_vendor_users_own_administrator_sees_the_approve_buttons(
    client, db, people, pending, login_as, create_user
) -> None:
    from tender.tenders import operations as tender_ops
    from tender.vendors import operations as ops

    tender, who, _ = people
    vendor = tender.participating_vendors[0]
    plain = create_user("vanlig@leverandor.no", "Vanlig Bruker")
    ops.add_vendor_user_by_operator(
        tender, vendor, plain
    )  # the vendor has an administrator: plain is not one
    db.session.commit()
    login_as(plain)
    html = client.get(f"/konkurranser/{tender.id}/leverandorens-brukere").get_data(as_text=True)
    assert "Kari Kollega" in html and ">Godkjenn<" not in html
    assert client.post(
        f"/konkurranser/{tender.id}/leverandorens-brukere/{pending.id}/godkjenn", data={}
    ).status_code in (400, 403)
    login_as(who["vendor"])
    html = client.get(f"/konkurranser/{tender.id}/leverandorens-brukere").get_data(as_text=True)
    assert ">Godkjenn<" in html and ">Avslå<" in html
    # a competitor's administrator cannot decide on this vendor's request, nor see it
    competitor = tender_ops.register_vendor(tender, name="Konkurrent AS", organisasjonsnummer="912345688")
    rival = create_user("rival@konkurrent.no", "Rolf Rival")
    ops.add_vendor_user_by_operator(tender, competitor, rival)
    db.session.commit()
    login_as(rival)
    assert "Kari Kollega" not in client.get(f"/konkurranser/{tender.id}/leverandorens-brukere").get_data(
        as_text=True
    )
