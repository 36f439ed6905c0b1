"""The routes of the Noark 5 sample with the request to take part, tried anonymously, by an outsider, by an
administrator and by every role of the tender, before the participation deadline: only a vendor user reaches
them (its own company's request); the group gets 403 and nothing of the sample. The sample's own pages
(report, status, downloads) are the bid's sample routes, whose answers for a request's sample are tested in
tests/test_noark_request_sample.py."""

from __future__ import annotations

import io

import pytest

from tender.tenders.models import Role
from tests.prequalification_helpers import PQ_BEFORE, pq_setup

ANON, OUTSIDER, ADMIN = "anonym", "utenforstående", "admin"
WHO = [ANON, OUTSIDER, ADMIN, *[r.value for r in Role]]
NOT_MEMBER = {ANON: 302, OUTSIDER: 404, ADMIN: 404}
N = "/konkurranser/{t}/noark"
MARKER = "QZX7-prove-merke"

# route -> (method, path, {who: status}, status for the other members); a POST without a file is a 422
ROUTES: dict[str, tuple[str, str, dict[str, int], int]] = {
    "noark.request_sample": ("GET", N + "/foresporsel-prove", {**NOT_MEMBER, "vendor": 200}, 403),
    "noark.upload_request_sample_file": (
        "POST",
        N + "/foresporsel-prove",
        {**NOT_MEMBER, "vendor": 422},
        403,
    ),
}


@pytest.fixture
def world(db, clock, create_tender, create_user, add_member):
    """A prequalification demanding a sample; vendor 0 has uploaded one whose name carries the marker."""
    from tender.noark import operations as ops
    from tender.prequalification import request_operations as pq_ops

    s = pq_setup(db, create_tender, add_member, create_user, vendors=2)
    pq_ops.setup_of(s.tender).sample_demanded = True
    db.session.commit()
    clock.set(PQ_BEFORE)
    ops.store_request_upload(
        s.tender,
        s.vendors[0],
        io.BytesIO(b'<?xml version="1.0"?><arkiv/>'),
        f"{MARKER}.xml",
        max_bytes=10_000,
        actor=s.vendor_users[0],
        at=PQ_BEFORE,
    )
    db.session.commit()
    who = {
        OUTSIDER: create_user(name="Utenfor"),
        ADMIN: create_user(name="Admin", is_admin=True),
        "lead": s.lead,
        "evaluator": s.evaluators[0],
        "signer": s.signers[0],
        "observer": s.observer,
        "vendor": s.vendor_users[0],
    }
    return who, {"t": s.tender.id}, s


@pytest.mark.parametrize("endpoint", sorted(ROUTES))
@pytest.mark.parametrize("person", WHO)
def test_before_the_deadline_each_person_gets_exactly_the_access_their_role_gives(
    endpoint, person, client, forms, login_as, world
) -> None:
    who, ids, _ = world
    method, template, expected, default = ROUTES[endpoint]
    if person != ANON:
        login_as(who[person])
    path = template.format(**ids)
    if method == "GET":
        response = client.get(path, buffered=True)
    else:
        response = client.post(path, data={"csrf_token": forms.token("/" if person != ANON else "/logg-inn")})
    assert response.status_code == expected.get(person, default), f"{person} {method} {path}"
    assert (MARKER.encode() in response.data) == (person == "vendor")  # its own sample, listed


def test_another_vendors_user_sees_none_of_the_first_vendors_sample_on_its_own_page(
    client, login_as, world
) -> None:
    _, ids, s = world
    login_as(s.vendor_users[1])
    response = client.get(N.format(**ids) + "/foresporsel-prove")
    assert response.status_code == 200 and MARKER.encode() not in response.data
