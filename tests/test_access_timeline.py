"""The timeline's routes, tried anonymously and with every role: the group's timeline for the procurement
group only (a vendor user 403), the public part for every member; non-members 404, as everywhere."""

from __future__ import annotations

import pytest

from tests.test_access import ADMIN, ANON, OUTSIDER, try_everyone

NOT_MEMBER = {ANON: 302, OUTSIDER: 404, ADMIN: 404}

ROUTES: dict[str, tuple[str, str, dict[str, int], int]] = {
    "timeline.group": ("GET", "/konkurranser/{t}/tidslinje", {**NOT_MEMBER, "vendor": 403}, 200),
    "timeline.public": ("GET", "/konkurranser/{t}/tidslinje/offentlig", NOT_MEMBER, 200),
}


@pytest.mark.parametrize("endpoint", sorted(ROUTES))
def test_each_person_gets_exactly_the_access_their_role_gives(endpoint, app, people, isolated) -> None:
    tender, who, _ = people
    try_everyone(app, ROUTES, endpoint, who, isolated, {"t": tender.id})
