"""Every route of the prequalification setup, tried anonymously, by a non-member, by an administrator who is
not a member, and by every role of the tender (a vendor user included): the group reads the setup, only the
lead changes it. Then the ids: an item of another tender, or one that does not exist, is 404 for the lead as
for everyone; a direction that is not one is 404."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tender.tenders.models import Role
from tests.prequalification_helpers import PQ_DEADLINE, pq_setup
from tests.test_access import ADMIN, ANON, OUTSIDER, try_everyone

NOT_MEMBER = {ANON: 302, OUTSIDER: 404, ADMIN: 404}
P = "/konkurranser/{t}/prekvalifisering"

# route -> (method, path template, {who: expected status}, default for the other members). The lead's posts
# are empty (only the CSRF token): the forms refuse them (422), the buttons act or are refused with a
# message on the page they go back to (302).
ROUTES: dict[str, tuple[str, str, dict[str, int], int]] = {
    "pq_setup.setup": ("GET", P, {**NOT_MEMBER, "vendor": 403}, 200),
    "pq_setup.save_settings": ("POST", P + "/innstillinger", {**NOT_MEMBER, "lead": 302}, 403),
    "pq_setup.add_requirement": ("POST", P + "/krav", {**NOT_MEMBER, "lead": 422}, 403),
    "pq_setup.edit_requirement": ("POST", P + "/krav/{r}", {**NOT_MEMBER, "lead": 422}, 403),
    "pq_setup.delete_requirement": ("POST", P + "/krav/{r}/slett", {**NOT_MEMBER, "lead": 302}, 403),
    "pq_setup.move_requirement": ("POST", P + "/krav/{r}/flytt/ned", {**NOT_MEMBER, "lead": 302}, 403),
    "pq_setup.standard_requirements": ("POST", P + "/krav/standard", {**NOT_MEMBER, "lead": 302}, 403),
    "pq_setup.add_ground": ("POST", P + "/avvisningsgrunner", {**NOT_MEMBER, "lead": 422}, 403),
    "pq_setup.edit_ground": ("POST", P + "/avvisningsgrunner/{g}", {**NOT_MEMBER, "lead": 422}, 403),
    "pq_setup.delete_ground": ("POST", P + "/avvisningsgrunner/{g}/slett", {**NOT_MEMBER, "lead": 302}, 403),
    "pq_setup.move_ground": (
        "POST",
        P + "/avvisningsgrunner/{g}/flytt/ned",
        {**NOT_MEMBER, "lead": 302},
        403,
    ),
    "pq_setup.mandatory_grounds": (
        "POST",
        P + "/avvisningsgrunner/obligatoriske",
        {**NOT_MEMBER, "lead": 302},
        403,
    ),
    "pq_setup.add_criterion": ("POST", P + "/kriterier", {**NOT_MEMBER, "lead": 422}, 403),
    "pq_setup.edit_criterion": ("POST", P + "/kriterier/{c}", {**NOT_MEMBER, "lead": 422}, 403),
    "pq_setup.delete_criterion": ("POST", P + "/kriterier/{c}/slett", {**NOT_MEMBER, "lead": 302}, 403),
    "pq_setup.move_criterion": ("POST", P + "/kriterier/{c}/flytt/ned", {**NOT_MEMBER, "lead": 302}, 403),
    "pq_setup.freeze": ("POST", P + "/frys", {**NOT_MEMBER, "lead": 302}, 403),
}

#: the routes about one item, with the id they take
ITEM_ROUTES = {
    "pq_setup.edit_requirement": "r",
    "pq_setup.delete_requirement": "r",
    "pq_setup.move_requirement": "r",
    "pq_setup.edit_ground": "g",
    "pq_setup.delete_ground": "g",
    "pq_setup.move_ground": "g",
    "pq_setup.edit_criterion": "c",
    "pq_setup.delete_criterion": "c",
    "pq_setup.move_criterion": "c",
}


@pytest.fixture
def world(db, clock, create_tender, create_user, add_member):
    """A competitive negotiation with a setup not yet frozen (four requirements, two grounds, three criteria),
    a vendor with its user, evaluators, an observer and signers; ten days before the participation
    deadline."""
    clock.set(PQ_DEADLINE - timedelta(days=10))
    s = pq_setup(db, create_tender, add_member, create_user, vendors=1, evaluators=1, frozen=False)
    who = {
        OUTSIDER: create_user(name="Utenfor"),
        ADMIN: create_user(name="Admin", is_admin=True),
        "lead": s.lead,
        "evaluator": s.evaluators[0],
        "signer": s.signers[0],
        "observer": s.observer,
        "vendor": s.vendor_users[0],
    }
    assert {r.value for r in Role} <= set(who)
    ids = {"t": s.tender.id, "r": s.requirements[0].id, "g": s.grounds[0].id, "c": s.criteria[0].id}
    return who, ids, s


@pytest.mark.parametrize("endpoint", sorted(ROUTES))
def test_each_person_gets_exactly_the_access_their_role_gives_to_the_setup(
    endpoint, app, world, isolated
) -> None:
    who, ids, _ = world
    try_everyone(app, ROUTES, endpoint, who, isolated, ids)


@pytest.mark.parametrize("endpoint", sorted(ITEM_ROUTES))
def test_an_item_of_another_tender_or_one_that_does_not_exist_is_not_found_even_by_the_lead(
    endpoint, db, client, forms, login_as, world, create_tender, create_user, add_member
) -> None:
    who, ids, _ = world
    other = pq_setup(db, create_tender, add_member, create_user, vendors=0, evaluators=0, frozen=False)
    theirs = {"r": other.requirements[0].id, "g": other.grounds[0].id, "c": other.criteria[0].id}
    method, template, _, _ = ROUTES[endpoint]
    login_as(who["lead"])
    key = ITEM_ROUTES[endpoint]
    for item in (theirs[key], theirs[key] + 10_000):
        path = template.format(**{**ids, key: item})
        response = client.post(path, data={"csrf_token": forms.token("/")})
        assert response.status_code == 404, path


@pytest.mark.parametrize(
    "endpoint", ["pq_setup.move_requirement", "pq_setup.move_ground", "pq_setup.move_criterion"]
)
def test_a_direction_that_is_neither_up_nor_down_is_not_found(
    endpoint, client, forms, login_as, world
) -> None:
    who, ids, _ = world
    login_as(who["lead"])
    path = ROUTES[endpoint][1].replace("/ned", "/sidelengs").format(**ids)
    assert client.post(path, data={"csrf_token": forms.token("/")}).status_code == 404


def test_a_post_without_the_csrf_token_changes_nothing(db, client, login_as, world) -> None:
    who, ids, s = world
    login_as(who["lead"])
    for endpoint in ("pq_setup.delete_requirement", "pq_setup.freeze", "pq_setup.standard_requirements"):
        path = ROUTES[endpoint][1].format(**ids)
        assert client.post(path, data={}).status_code == 400, path
    db.session.expire_all()
    from tender.prequalification import setup_operations as ops

    assert len(ops.requirements_of(s.tender)) == 4
    assert ops.setup_of(s.tender).frozen_at is None
