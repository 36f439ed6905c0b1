"""Every cost split route, tried anonymously and with every role, on a tender whose bids are opened and
scored: the whole group reads the split (the signers too: it is part of what they approve), the lead changes
it; vendors get nothing (another company's prices and the group's key are not theirs to see)."""

from __future__ import annotations

import pytest

from tender.tenders.models import Role
from tests.negotiation_helpers import negotiation_setup
from tests.test_access import ADMIN, ANON, OUTSIDER, try_everyone

NOT_MEMBER = {ANON: 302, OUTSIDER: 404, ADMIN: 404}
GROUP_READ = {"lead": 200, "evaluator": 200, "observer": 200, "signer": 200}
K = "/konkurranser/{t}/kostnadsfordeling"

# route -> (method, path template, {who: expected status}, default for other members)
ROUTES: dict[str, tuple[str, str, dict[str, int], int]] = {
    "award_costs.show": ("GET", K, {**NOT_MEMBER, **GROUP_READ}, 403),
    "award_costs.workbook": ("GET", K + "/kostnadsfordeling.xlsx", {**NOT_MEMBER, **GROUP_READ}, 403),
    # a post without its fields comes back refused: 422
    "award_costs.option": ("POST", K + "/opsjonskommuner", {**NOT_MEMBER, "lead": 422}, 403),
    "award_costs.key": ("POST", K + "/nokkel", {**NOT_MEMBER, "lead": 422}, 403),
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
    return s, who


@pytest.mark.parametrize("endpoint", sorted(ROUTES))
def test_each_person_gets_exactly_the_access_their_role_gives(endpoint, app, world, isolated) -> None:
    s, who = world
    try_everyone(app, ROUTES, endpoint, who, isolated, {"t": s.id})


def test_the_cost_split_link_is_shown_to_the_group_and_never_to_a_vendor(client, login_as, world) -> None:
    s, who = world
    login_as(who["signer"])
    assert ">Kostnadsfordeling</a>" in client.get(f"/konkurranser/{s.id}").get_data(as_text=True)
    login_as(who["vendor"])
    assert ">Kostnadsfordeling</a>" not in client.get(f"/konkurranser/{s.id}").get_data(as_text=True)


def test_the_workbook_is_not_there_before_the_bids_are_opened(
    db, client, login_as, create_tender, add_member, create_user
) -> None:
    from tests.evaluation_helpers import setup_tender, submit_bid

    s = setup_tender(db, create_tender, add_member, create_user)
    submit_bid(db, s, 0, one_off="777777")
    login_as(s.lead)
    page = client.get(f"/konkurranser/{s.id}/kostnadsfordeling").get_data(as_text=True)
    assert "777" not in page and "Fordelingen vises når tilbudene" in page
    assert client.get(f"/konkurranser/{s.id}/kostnadsfordeling/kostnadsfordeling.xlsx").status_code == 404
