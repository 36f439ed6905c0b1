"""Every route of the vendor's request to take part, tried anonymously, by an outsider, by an administrator
and by every role of the tender (the group's lead, evaluator, signer and observer, and a vendor user): only a
vendor user reaches it, and only their own company's request. The group gets 403 and no content, before and
after the deadline (their pages are the assessment's). A vendor user trying another vendor's document or
reference ids gets 404, exactly as for ids that do not exist."""

from __future__ import annotations

import pytest

from tender.prequalification import request_operations as ops
from tender.tenders.models import Role
from tests.prequalification_helpers import PQ_AFTER, PQ_BEFORE, pq_setup

ANON, OUTSIDER, ADMIN = "anonym", "utenforstående", "admin"
WHO = [ANON, OUTSIDER, ADMIN, *[r.value for r in Role]]
GROUP = ["lead", "evaluator", "signer", "observer"]
NOT_MEMBER = {ANON: 302, OUTSIDER: 404, ADMIN: 404}
F = "/konkurranser/{t}/foresporsel"
#: what every vendor's text and file carries; the group must never see it
MARKER = "QZX7-foresporsel-merke"
PDF = b"%PDF-1.7\n" + MARKER.encode() + b"\n%%EOF\n"

# A draft request before the deadline. route -> (method, path, {who: status}, status for the other members)
ROUTES: dict[str, tuple[str, str, dict[str, int], int]] = {
    "pq_request.show": ("GET", F, {**NOT_MEMBER, "vendor": 200}, 403),
    "pq_request.save_company": ("POST", F + "/firma", {**NOT_MEMBER, "vendor": 302}, 403),
    "pq_request.import_espd": ("POST", F + "/espd", {**NOT_MEMBER, "vendor": 422}, 403),
    "pq_request.save_espd_form": ("POST", F + "/espd-svar", {**NOT_MEMBER, "vendor": 302}, 403),
    "pq_request.espd_file": ("GET", F + "/espd.xml", {**NOT_MEMBER, "vendor": 404}, 403),
    "pq_request.upload_document": ("POST", F + "/dokumenter", {**NOT_MEMBER, "vendor": 422}, 403),
    "pq_request.download_document": ("GET", F + "/dokumenter/{d}", {**NOT_MEMBER, "vendor": 200}, 403),
    "pq_request.delete_document": ("POST", F + "/dokumenter/{d}/slett", {**NOT_MEMBER, "vendor": 302}, 403),
    "pq_request.add_reference": ("POST", F + "/referanser", {**NOT_MEMBER, "vendor": 422}, 403),
    "pq_request.delete_reference": ("POST", F + "/referanser/{r}/slett", {**NOT_MEMBER, "vendor": 302}, 403),
    "pq_request.submit": ("POST", F + "/lever", {**NOT_MEMBER, "vendor": 422}, 403),
    "pq_request.receipt": ("GET", F + "/kvittering", {**NOT_MEMBER, "vendor": 404}, 403),
}
#: the routes about one document or reference: another vendor's ids must give 404 on each
OWN_ROUTES = ["pq_request.download_document", "pq_request.delete_document", "pq_request.delete_reference"]


@pytest.fixture
def world(db, clock, create_tender, create_user, add_member):
    """Vendor 0 has a draft with a document and a reference; vendor 1 has submitted its request (with a
    document and a reference carrying the marker). The clock is one second before the deadline."""
    s = pq_setup(db, create_tender, add_member, create_user, vendors=2)
    clock.set(PQ_BEFORE)
    tender = s.tender
    who = {
        OUTSIDER: create_user(name="Utenfor"),
        ADMIN: create_user(name="Admin", is_admin=True),
        "lead": s.lead,
        "evaluator": s.evaluators[0],
        "signer": s.signers[0],
        "observer": s.observer,
        "vendor": s.vendor_users[0],
    }
    made = []
    for i in range(2):
        req = ops.ensure_request(tender, s.vendors[i], at=PQ_BEFORE, actor=s.vendor_users[i])
        ops.save_company(
            tender,
            req,
            ops.CompanyInput(f"{MARKER} kontakt", "k@example.no", "", f"{MARKER} adresse", "NO"),
            at=PQ_BEFORE,
            actor=s.vendor_users[i],
        )
        doc = ops.add_document(
            tender,
            req,
            requirement_id=s.requirements[0].id,
            filename=f"{MARKER}-{i}.pdf",
            content_type="application/pdf",
            data=PDF,
            at=PQ_BEFORE,
            actor=s.vendor_users[i],
        )
        ref = ops.add_reference(
            tender, req, ops.ReferenceInput(f"{MARKER} kunde {i}"), at=PQ_BEFORE, actor=s.vendor_users[i]
        )
        made.append((req, doc, ref))
    ops.submit(tender, made[1][0], at=PQ_BEFORE, actor=s.vendor_users[1], confirm_missing=True)
    db.session.commit()
    ids = {"t": tender.id, "d": made[0][1].id, "r": made[0][2].id}
    theirs = {"d": made[1][1].id, "r": made[1][2].id}
    return who, ids, theirs, s


def _call(client, forms, person, method, path):
    if method == "GET":
        return client.get(path, buffered=True)
    return client.post(path, data={"csrf_token": forms.token("/" if person != ANON else "/logg-inn")})


@pytest.mark.parametrize("endpoint", sorted(ROUTES))
@pytest.mark.parametrize("person", WHO)
def test_before_the_deadline_each_person_gets_exactly_the_access_their_role_gives(
    endpoint, person, client, forms, login_as, world
) -> None:
    who, ids, _, _ = world
    method, template, expected, default = ROUTES[endpoint]
    if person != ANON:
        login_as(who[person])
    response = _call(client, forms, person, method, template.format(**ids))
    assert response.status_code == expected.get(person, default), f"{person} {method} {template}"
    if person != "vendor":
        assert MARKER.encode() not in response.data


@pytest.mark.parametrize("endpoint", sorted(ROUTES))
@pytest.mark.parametrize("person", GROUP)
def test_after_the_deadline_the_group_still_gets_nothing_from_the_vendors_pages(
    endpoint, person, client, forms, login_as, clock, world
) -> None:
    who, ids, _, _ = world
    clock.set(PQ_AFTER)
    method, template, _, _ = ROUTES[endpoint]
    login_as(who[person])
    response = _call(client, forms, person, method, template.format(**ids))
    assert response.status_code == 403 and MARKER.encode() not in response.data


@pytest.mark.parametrize("endpoint", OWN_ROUTES)
def test_a_vendor_trying_another_vendors_document_or_reference_id_gets_404_as_for_a_missing_one(
    endpoint, client, forms, login_as, db, world
) -> None:
    from tender.prequalification.models import RequestDocument, RequestReference

    who, ids, theirs, s = world
    method, template, _, _ = ROUTES[endpoint]
    login_as(who["vendor"])
    for values in (theirs, {"d": theirs["d"] + 10_000, "r": theirs["r"] + 10_000}):
        response = _call(client, forms, "vendor", method, template.format(**{**ids, **values}))
        assert response.status_code == 404 and MARKER.encode() + b"-1" not in response.data
    assert db.session.get(RequestDocument, theirs["d"]) is not None
    assert db.session.get(RequestReference, theirs["r"]) is not None


def test_a_vendor_sees_only_their_own_request_and_receipt(client, login_as, world) -> None:
    who, ids, _, s = world
    login_as(who["vendor"])
    page = client.get(F.format(**ids)).get_data(as_text=True)
    assert f"{MARKER}-0.pdf" in page and f"{MARKER} kunde 0" in page
    assert f"{MARKER}-1.pdf" not in page and f"{MARKER} kunde 1" not in page
    # the other vendor's receipt exists, this vendor's does not: the receipt route is this vendor's only
    assert client.get(F.format(**ids) + "/kvittering").status_code == 404
    login_as(s.vendor_users[1])
    receipt = client.get(F.format(**ids) + "/kvittering").get_data(as_text=True)
    assert ops.request_of(s.tender, s.vendors[1].id).receipt_sha256 in receipt
    assert f"{MARKER}-0.pdf" not in receipt


def test_a_vendor_user_of_a_tender_without_prequalification_gets_403(
    client, login_as, db, create_tender, add_member, create_user
) -> None:
    from tender.tenders import operations as tender_ops
    from tests.evaluation_helpers import ORGNR

    tender = create_tender()
    vendor = tender_ops.register_vendor(tender, name="Uten AS", organisasjonsnummer=ORGNR[0], actor=None)
    db.session.commit()
    user = add_member(tender, Role.VENDOR, create_user(name="Selger"), vendor=vendor)
    login_as(user)
    assert client.get(f"/konkurranser/{tender.id}/foresporsel").status_code == 403
    assert client.get(f"/konkurranser/{tender.id}/foresporsel").get_data(as_text=True).count(MARKER) == 0
