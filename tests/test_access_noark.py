"""Every Noark sample route, tried anonymously and with every role; then a vendor user trying the ids of another
vendor's sample, which must look exactly like ids that do not exist (404)."""
from __future__ import annotations

import io

import pytest

from tender.tenders.models import Role

ANON, OUTSIDER, ADMIN = "anonym", "utenforstående", "admin"
WHO = [ANON, OUTSIDER, ADMIN, *[r.value for r in Role]]
NOT_MEMBER = {ANON: 302, OUTSIDER: 404, ADMIN: 404}
GROUP_READ = {"lead": 200, "evaluator": 200, "signer": 200, "observer": 200}
N = "/konkurranser/{t}/noark"

# route -> (method, path template, {who: expected status}, default for other members)
ROUTES: dict[str, tuple[str, str, dict[str, int], int]] = {
    "noark.mine": ("GET", N + "/mine-prover", {**NOT_MEMBER, "vendor": 200}, 403),
    "noark.upload": ("POST", N + "/mine-prover", {**NOT_MEMBER, "vendor": 422}, 403),
    "noark.report": ("GET", N + "/prover/{s}", NOT_MEMBER, 200),
    "noark.status": ("GET", N + "/prover/{s}/status.json", NOT_MEMBER, 200),
    "noark.report_json": ("GET", N + "/prover/{s}/rapport.json", NOT_MEMBER, 200),
    "noark.report_pdf": ("GET", N + "/prover/{s}/rapport.pdf", NOT_MEMBER, 200),
    "noark.restart": ("POST", N + "/prover/{s}/kjor-igjen", {**NOT_MEMBER, "lead": 302}, 403),
    "noark.overview": ("GET", N + "/prover", {**NOT_MEMBER, **GROUP_READ}, 403),
    "noark.statuses": ("GET", N + "/prover/status.json", NOT_MEMBER, 200),
    "noark.requirements": ("GET", N + "/minstekrav", {**NOT_MEMBER, **GROUP_READ}, 403),
    "noark.link": ("POST", N + "/minstekrav", {**NOT_MEMBER, "lead": 422}, 403),
    "noark.unlink": ("POST", N + "/minstekrav/{l}/fjern", {**NOT_MEMBER, "lead": 302}, 403),
    "noark.confirm": ("POST", N + "/minstekrav/{l}/bekreft/{v}", {**NOT_MEMBER, "lead": 302, "evaluator": 302}, 403),
}

#: the routes about one sample; another vendor's sample must give 404 on every one of them
SAMPLE_ROUTES = ["noark.report", "noark.status", "noark.report_json", "noark.report_pdf", "noark.restart"]


def _sample(db, tender, vendor, user):
    from tender.noark import operations as ops

    sample = ops.store_upload(tender, vendor, io.BytesIO(b'<?xml version="1.0"?><arkiv/>'), "arkivstruktur.xml",
                              max_bytes=10_000, actor=user)
    db.session.commit()
    ops.run_validation(sample.id)
    return sample


@pytest.fixture
def world(db, create_tender, create_user, add_member):
    from tender.noark import operations as ops
    from tender.requirements import operations as spec_ops
    from tender.tenders import operations as tender_ops
    from tests.test_noark_web import minimal_spec

    tender = create_tender()
    lead = tender.memberships[0].user
    spec_ops.replace_draft(tender, minimal_spec(), actor=lead, origin="test")
    own = tender_ops.register_vendor(tender, name="Leverandør AS", organisasjonsnummer="974760673", actor=lead)
    other = tender_ops.register_vendor(tender, name="Konkurrent AS", organisasjonsnummer="912345688", actor=lead)
    db.session.commit()
    who = {
        OUTSIDER: create_user(name="Utenfor"),
        ADMIN: create_user(name="Admin", is_admin=True),
        "lead": lead,
        "evaluator": add_member(tender, Role.EVALUATOR),
        "signer": add_member(tender, Role.SIGNER, municipality=tender.participating_municipalities[0]),
        "observer": add_member(tender, Role.OBSERVER),
        "vendor": add_member(tender, Role.VENDOR, vendor=own),
    }
    competitor = add_member(tender, Role.VENDOR, create_user(name="Konkurrentens selger"), vendor=other)
    mine = _sample(db, tender, own, who["vendor"])
    theirs = _sample(db, tender, other, competitor)
    link = ops.link_requirement(tender, "R0001", actor=lead)
    db.session.commit()
    ids = {"t": tender.id, "s": mine.id, "l": link.id, "v": own.id}
    return who, ids, theirs


def _request(client, forms, person, method, path):
    if method == "GET":
        return client.get(path, buffered=True)
    return client.post(path, data={"csrf_token": forms.token("/" if person != ANON else "/logg-inn")})


@pytest.mark.parametrize("endpoint", sorted(ROUTES))
@pytest.mark.parametrize("person", WHO)
def test_each_person_gets_exactly_the_access_their_role_gives(endpoint, person, client, forms, login_as,
                                                              world) -> None:
    who, ids, _ = world
    method, template, expected, default = ROUTES[endpoint]
    if person != ANON:
        login_as(who[person])
    path = template.format(**ids)
    response = _request(client, forms, person, method, path)
    assert response.status_code == expected.get(person, default), f"{person} {method} {path}"


@pytest.mark.parametrize("endpoint", SAMPLE_ROUTES)
def test_a_vendor_guessing_another_vendors_sample_id_gets_404_as_for_a_missing_one(endpoint, client, forms, login_as,
                                                                                  world) -> None:
    who, ids, theirs = world
    method, template, _, _ = ROUTES[endpoint]
    login_as(who["vendor"])
    for sample_id in (theirs.id, theirs.id + 10_000):
        path = template.format(**{**ids, "s": sample_id})
        assert _request(client, forms, "vendor", method, path).status_code == 404, path
