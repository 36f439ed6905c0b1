"""Every Noark sample route, tried anonymously and with every role: before the bid opening (before the
deadline; after it, for the sample routes), when the procurement group sees nothing of any sample, and after
the opening, when it sees the samples submitted with bids. Then a vendor user trying the ids of another
vendor's sample, and the group trying ids before the opening and ids of samples never submitted after it: each
must look exactly like an id that does not exist.

The group's 403 before the opening (200 before issue 9) is the change of behaviour issue 9 demands: a sample
is part of the sealed bid."""

from __future__ import annotations

import io

import pytest

from tender.tenders.models import Role
from tests.evaluation_helpers import AFTER, open_all, setup_tender, submit_bid

ANON, OUTSIDER, ADMIN = "anonym", "utenforstående", "admin"
WHO = [ANON, OUTSIDER, ADMIN, *[r.value for r in Role]]
GROUP = ["lead", "evaluator", "signer", "observer"]
NOT_MEMBER = {ANON: 302, OUTSIDER: 404, ADMIN: 404}
GROUP_READ = {"lead": 200, "evaluator": 200, "signer": 200, "observer": 200}
N = "/konkurranser/{t}/noark"

# Before the bid opening. route -> (method, path template, {who: expected status}, default for other members)
ROUTES: dict[str, tuple[str, str, dict[str, int], int]] = {
    "noark.mine": ("GET", N + "/mine-prover", {**NOT_MEMBER, "vendor": 200}, 403),
    "noark.upload": ("POST", N + "/mine-prover", {**NOT_MEMBER, "vendor": 422}, 403),
    "noark.report": ("GET", N + "/prover/{s}", {**NOT_MEMBER, "vendor": 200}, 403),
    "noark.status": ("GET", N + "/prover/{s}/status.json", {**NOT_MEMBER, "vendor": 200}, 403),
    "noark.report_json": ("GET", N + "/prover/{s}/rapport.json", {**NOT_MEMBER, "vendor": 200}, 403),
    "noark.report_pdf": ("GET", N + "/prover/{s}/rapport.pdf", {**NOT_MEMBER, "vendor": 200}, 403),
    "noark.report_arkade": ("GET", N + "/prover/{s}/rapport-arkade.xml", {**NOT_MEMBER, "vendor": 200}, 403),
    "noark.restart": ("POST", N + "/prover/{s}/kjor-igjen", NOT_MEMBER, 403),
    # the overview and the minstekrav page answer, with no vendor data (tests/test_noark_web.py reads them)
    "noark.overview": ("GET", N + "/prover", {**NOT_MEMBER, **GROUP_READ}, 403),
    "noark.statuses": ("GET", N + "/prover/status.json", {**NOT_MEMBER, "vendor": 200}, 403),
    "noark.requirements": ("GET", N + "/minstekrav", {**NOT_MEMBER, **GROUP_READ}, 403),
    "noark.link": ("POST", N + "/minstekrav", {**NOT_MEMBER, "lead": 422}, 403),
    "noark.unlink": ("POST", N + "/minstekrav/{l}/fjern", {**NOT_MEMBER, "lead": 302}, 403),
    "noark.confirm": ("POST", N + "/minstekrav/{l}/bekreft/{v}", NOT_MEMBER, 403),
}

#: after the bid opening: the group reads the samples submitted with bids, and confirms the results
ROUTES_AFTER_OPENING: dict[str, tuple[str, str, dict[str, int], int]] = {
    **ROUTES,
    "noark.report": ("GET", N + "/prover/{s}", NOT_MEMBER, 200),
    "noark.status": ("GET", N + "/prover/{s}/status.json", NOT_MEMBER, 200),
    "noark.report_json": ("GET", N + "/prover/{s}/rapport.json", NOT_MEMBER, 200),
    "noark.report_pdf": ("GET", N + "/prover/{s}/rapport.pdf", NOT_MEMBER, 200),
    "noark.report_arkade": ("GET", N + "/prover/{s}/rapport-arkade.xml", NOT_MEMBER, 200),
    "noark.restart": ("POST", N + "/prover/{s}/kjor-igjen", {**NOT_MEMBER, "lead": 302}, 403),
    "noark.statuses": ("GET", N + "/prover/status.json", NOT_MEMBER, 200),
    "noark.confirm": (
        "POST",
        N + "/minstekrav/{l}/bekreft/{v}",
        {**NOT_MEMBER, "lead": 302, "evaluator": 302},
        403,
    ),
}

#: the routes about one sample; another vendor's sample must give 404 on every one of them
SAMPLE_ROUTES = [
    "noark.report",
    "noark.status",
    "noark.report_json",
    "noark.report_pdf",
    "noark.report_arkade",
    "noark.restart",
]


def _sample(db, tender, vendor, user):
    from tender.noark import operations as ops

    sample = ops.store_upload(
        tender,
        vendor,
        io.BytesIO(b'<?xml version="1.0"?><arkiv/>'),
        "arkivstruktur.xml",
        max_bytes=10_000,
        actor=user,
    )
    db.session.commit()
    ops.run_validation(sample.id)
    return sample


@pytest.fixture
def world(db, clock, create_tender, create_user, add_member):
    """Vendor "vendor" has uploaded a sample and submitted its bid with it; the competitor has a sample in a
    draft it never submits. The clock is one second before the deadline."""
    from tender.noark import operations as ops

    s = setup_tender(db, create_tender, add_member, create_user, evaluators=1)
    tender = s.tender
    who = {
        OUTSIDER: create_user(name="Utenfor"),
        ADMIN: create_user(name="Admin", is_admin=True),
        "lead": s.lead,
        "evaluator": s.evaluators[0],
        "signer": add_member(tender, Role.SIGNER, municipality=tender.participating_municipalities[0]),
        "observer": s.observer,
        "vendor": s.vendor_users[0],
    }
    mine = _sample(db, tender, s.vendors[0], s.vendor_users[0])
    theirs = _sample(db, tender, s.vendors[1], s.vendor_users[1])
    submit_bid(db, s, 0)
    link = ops.link_requirement(tender, "R0001", actor=s.lead)
    db.session.commit()
    ids = {"t": tender.id, "s": mine.id, "l": link.id, "v": s.vendors[0].id}
    return who, ids, theirs, s


def _request(client, forms, person, method, path):
    if method == "GET":
        return client.get(path, buffered=True)
    return client.post(path, data={"csrf_token": forms.token("/" if person != ANON else "/logg-inn")})


@pytest.mark.parametrize("endpoint", sorted(ROUTES))
@pytest.mark.parametrize("person", WHO)
def test_before_the_opening_each_person_gets_exactly_the_access_their_role_gives(
    endpoint, person, client, forms, login_as, world
) -> None:
    who, ids, _, _ = world
    method, template, expected, default = ROUTES[endpoint]
    if person != ANON:
        login_as(who[person])
    path = template.format(**ids)
    response = _request(client, forms, person, method, path)
    assert response.status_code == expected.get(person, default), f"{person} {method} {path}"


@pytest.mark.parametrize("endpoint", sorted(ROUTES_AFTER_OPENING))
@pytest.mark.parametrize("person", WHO)
def test_after_the_opening_each_person_gets_exactly_the_access_their_role_gives(
    endpoint, person, client, forms, login_as, db, clock, world
) -> None:
    who, ids, _, s = world
    open_all(db, s, clock)
    method, template, expected, default = ROUTES_AFTER_OPENING[endpoint]
    if person != ANON:
        login_as(who[person])
    path = template.format(**ids)
    response = _request(client, forms, person, method, path)
    assert response.status_code == expected.get(person, default), f"{person} {method} {path}"


@pytest.mark.parametrize("endpoint", SAMPLE_ROUTES)
def test_a_vendor_guessing_another_vendors_sample_id_gets_404_as_for_a_missing_one(
    endpoint, client, forms, login_as, world
) -> None:
    who, ids, theirs, _ = world
    method, template, _, _ = ROUTES[endpoint]
    login_as(who["vendor"])
    for sample_id in (theirs.id, theirs.id + 10_000):
        path = template.format(**{**ids, "s": sample_id})
        assert _request(client, forms, "vendor", method, path).status_code == 404, path


@pytest.mark.parametrize("endpoint", SAMPLE_ROUTES)
def test_after_the_deadline_but_before_the_opening_the_group_gets_403_for_every_sample_id(
    endpoint, client, forms, login_as, clock, world
) -> None:
    who, ids, theirs, _ = world
    clock.set(AFTER)
    method, template, _, _ = ROUTES[endpoint]
    for person in GROUP:
        login_as(who[person])
        for sample_id in (ids["s"], theirs.id, theirs.id + 10_000):  # submitted, draft, missing
            path = template.format(**{**ids, "s": sample_id})
            assert _request(client, forms, person, method, path).status_code == 403, (person, path)


@pytest.mark.parametrize("endpoint", SAMPLE_ROUTES)
def test_after_the_opening_a_sample_never_submitted_with_a_bid_is_not_found_by_the_group(
    endpoint, client, forms, login_as, db, clock, world
) -> None:
    who, ids, theirs, s = world
    open_all(db, s, clock)
    method, template, _, _ = ROUTES[endpoint]
    for person in GROUP:
        login_as(who[person])
        for sample_id in (theirs.id, theirs.id + 10_000):
            path = template.format(**{**ids, "s": sample_id})
            assert _request(client, forms, person, method, path).status_code == 404, (person, path)
