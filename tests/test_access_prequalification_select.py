"""Access to the selection pages, every route with every role (the table joins test_access's check): the
ranking and the proposals for the group that evaluates once the requests are opened, the proposals also for
the municipalities' signers, the decisions for the lead only. Before the opening nobody sees anything, and a
proposal number that exists answers exactly like one that does not."""

from __future__ import annotations

import pytest

from tests.prequalification_helpers import PQ_AFTER, PQ_BEFORE
from tests.prequalification_select_helpers import select_world
from tests.test_access import ADMIN, ANON, OUTSIDER, WHO, try_everyone

NOT_MEMBER = {ANON: 302, OUTSIDER: 404, ADMIN: 404}
P = "/konkurranser/{t}/prekvalifisering/utvelgelse"

# endpoint -> (method, path, {who: status}, default)
ROUTES = {
    "pq_select.index": ("GET", P, {**NOT_MEMBER, "vendor": 403}, 200),
    "pq_select.decide_tie": ("POST", P + "/likhet", {**NOT_MEMBER, "lead": 422}, 403),
    "pq_select.propose": ("POST", P + "/forslag", {**NOT_MEMBER, "lead": 422}, 403),
    "pq_select.proposal": ("GET", P + "/forslag/{n}", {**NOT_MEMBER, "vendor": 403}, 200),
    "pq_select.withdraw": ("POST", P + "/forslag/{n}/trekk-tilbake", {**NOT_MEMBER, "lead": 302}, 403),
}


def _who(w, create_user):
    return {
        OUTSIDER: create_user(name="Utenfor"),
        ADMIN: create_user(name="Admin", is_admin=True),
        "lead": w.s.lead,
        "evaluator": w.s.evaluators[0],
        "signer": w.s.signers[0],
        "observer": w.s.observer,
        "vendor": w.s.vendor_users[0],
    }


@pytest.fixture
def proposed(db, clock, create_tender, add_member, create_user):
    """Six requests opened, assessed and scored; the tie decided and proposal nr. 1 awaiting approval."""
    from tender.prequalification import select_operations as ops

    clock.set(PQ_AFTER)
    w = select_world(db, create_tender, add_member, create_user)
    ops.decide_tie(w.tender, w.ids(3, 4), "Best på referanser.", actor=w.s.lead)
    ops.propose(w.tender, w.ids(0, 1, 2, 3), actor=w.s.lead)
    db.session.commit()
    return w, _who(w, create_user)


@pytest.mark.parametrize("endpoint", sorted(ROUTES))
def test_each_person_gets_exactly_the_access_their_role_gives(endpoint, app, proposed, isolated) -> None:
    w, who = proposed
    try_everyone(app, ROUTES, endpoint, who, isolated, {"t": w.tender.id, "n": 1})


@pytest.mark.parametrize("endpoint", sorted(e for e, route in ROUTES.items() if "{n}" in route[1]))
def test_a_proposal_that_does_not_exist_is_404_to_those_who_may_see_proposals(
    endpoint, app, proposed, isolated
) -> None:
    w, who = proposed
    method, path, expected, default = ROUTES[endpoint]
    # members allowed to act get 404 for a number that does not exist; the others are refused as before
    missing = {**NOT_MEMBER} | {
        p: (404 if expected.get(p, default) in (200, 302, 422) else expected.get(p, default))
        for p in WHO
        if p not in NOT_MEMBER
    }
    try_everyone(
        app, {endpoint: (method, path, missing, 404)}, endpoint, who, isolated, {"t": w.tender.id, "n": 9}
    )


@pytest.mark.parametrize("endpoint", sorted(ROUTES))
def test_before_the_opening_every_group_role_is_refused_and_a_real_number_answers_like_a_missing_one(
    endpoint, app, db, clock, create_tender, add_member, create_user, isolated
) -> None:
    from tests.prequalification_helpers import pq_setup, submitted_request

    clock.set(PQ_BEFORE)
    s = pq_setup(db, create_tender, add_member, create_user)
    for i in range(3):
        submitted_request(db, s, i)

    class W:
        pass

    w = W()
    w.s = s  # type: ignore[attr-defined]
    who = _who(w, create_user)
    method, path, _, _ = ROUTES[endpoint]
    sealed = {**NOT_MEMBER}
    for n in (1, 2):
        try_everyone(
            app, {endpoint: (method, path, sealed, 403)}, endpoint, who, isolated, {"t": s.tender.id, "n": n}
        )
