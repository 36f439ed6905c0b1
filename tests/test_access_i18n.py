"""The language switch (tender.i18n) is for everyone, logged in or not: it changes only the person's own
choice, and every answer is a redirect back (a post without a language is refused with a message)."""

from __future__ import annotations

import pytest

from tests.test_access import try_everyone

ROUTES: dict[str, tuple[str, str, dict[str, int], int]] = {
    "auth.choose_language": ("POST", "/sprak", {}, 302),
}


@pytest.mark.parametrize("endpoint", sorted(ROUTES))
def test_each_person_gets_exactly_the_access_their_role_gives(endpoint, app, people, isolated) -> None:
    tender, who, _ = people
    try_everyone(app, ROUTES, endpoint, who, isolated, {"t": tender.id}, extra_data={"language": "en"})
