"""Every negotiation route, tried anonymously and with every role, on a competitive negotiation whose first
round is opened and scored: the group that evaluates reads, the lead acts; signers and vendors get nothing."""

from __future__ import annotations

import pytest

from tender.tenders.models import Procedure, Role
from tests.negotiation_helpers import negotiation_setup
from tests.test_access import ADMIN, ANON, OUTSIDER, try_everyone

NOT_MEMBER = {ANON: 302, OUTSIDER: 404, ADMIN: 404}
GROUP_READ = {"lead": 200, "evaluator": 200, "observer": 200}
N = "/konkurranser/{t}/forhandling"

# route -> (method, path template, {who: expected status}, default for other members)
ROUTES: dict[str, tuple[str, str, dict[str, int], int]] = {
    "negotiation.overview": ("GET", N, {**NOT_MEMBER, **GROUP_READ}, 403),
    "negotiation.rounds": ("GET", N + "/runder", {**NOT_MEMBER, **GROUP_READ}, 403),
    "negotiation.round_bid": ("GET", N + "/runder/tilbud/{b}", {**NOT_MEMBER, **GROUP_READ}, 403),
    # a post without its fields (or, for the reservation, after the deadline) comes back refused: 422
    "negotiation.reserve": ("POST", N + "/forbehold", {**NOT_MEMBER, "lead": 422}, 403),
    "negotiation.decide": ("POST", N + "/beslutning", {**NOT_MEMBER, "lead": 422}, 403),
    "negotiation.meeting": ("POST", N + "/moter", {**NOT_MEMBER, "lead": 422}, 403),
    "negotiation.acknowledge": ("POST", N + "/ulik-informasjon", {**NOT_MEMBER, "lead": 422}, 403),
    "negotiation.reduce": ("POST", N + "/reduksjon", {**NOT_MEMBER, "lead": 422}, 403),
    "negotiation.call": ("POST", N + "/ny-runde", {**NOT_MEMBER, "lead": 422}, 403),
}


@pytest.fixture
def world(db, create_tender, add_member, create_user, clock):
    s = negotiation_setup(db, create_tender, add_member, create_user, clock)
    signer = next(m.user for m in s.tender.memberships if m.role is Role.SIGNER)
    who = {
        OUTSIDER: create_user(name="Utenfor"),
        ADMIN: create_user(name="Admin", is_admin=True),
        "lead": s.lead,
        "evaluator": s.evaluators[0],
        "signer": signer,
        "observer": s.observer,
        "vendor": s.vendor_users[0],
    }
    from tender.evaluation import operations as ev

    return s, who, ev.opened_bids(s.tender)[0]


@pytest.mark.parametrize("endpoint", sorted(ROUTES))
def test_each_person_gets_exactly_the_access_their_role_gives(endpoint, app, world, isolated) -> None:
    s, who, bid = world
    try_everyone(app, ROUTES, endpoint, who, isolated, {"t": s.id, "b": bid.id})


def test_the_negotiation_links_are_shown_to_the_group_of_a_competitive_negotiation_only(
    db, client, login_as, world
) -> None:
    s, who, _ = world
    login_as(who["lead"])
    page = client.get(f"/konkurranser/{s.id}/forhandling").get_data(as_text=True)
    assert ">Forhandling</a>" in page and ">Tilbudsrunder</a>" in page
    login_as(who["vendor"])
    assert ">Forhandling</a>" not in client.get(f"/konkurranser/{s.id}").get_data(as_text=True)
    s.tender.procedure = Procedure.OPEN
    db.session.commit()
    login_as(who["lead"])
    page = client.get(f"/konkurranser/{s.id}/forhandling").get_data(as_text=True)
    assert "ikke en konkurranse med forhandling" in page and ">Forhandling</a>" not in page
    assert 'action="/konkurranser/' not in page.split("ikke-forhandling")[1]  # no form offered
    assert "ikke en konkurranse med forhandling" in client.get(
        f"/konkurranser/{s.id}/forhandling/runder"
    ).get_data(as_text=True)


def test_a_bid_id_of_another_tender_gives_404_on_the_round_bid_page(
    db, client, login_as, world, create_tender
) -> None:
    s, who, bid = world
    other = create_tender(title="En annen konkurranse")
    login_as(other.memberships[0].user)
    assert client.get(f"/konkurranser/{other.id}/forhandling/runder/tilbud/{bid.id}").status_code == 404
