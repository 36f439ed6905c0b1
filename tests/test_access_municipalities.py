"""The municipality register's routes, tried anonymously and with every role: only the system's
administrators see or change it (a lead, evaluator, signer, observer or vendor user who is not one gets 403,
anonymous people are sent to log in); CSRF is on for its forms (tests/test_municipality_register.py)."""

from __future__ import annotations

import pytest

from tests.test_access import ADMIN, ANON, try_everyone

# route -> (method, path template, {who: expected status}, default for everybody else)
ROUTES: dict[str, tuple[str, str, dict[str, int], int]] = {
    "municipalities.register": ("GET", "/kommuneregister", {ANON: 302, ADMIN: 200}, 403),
    # posted with nothing but the CSRF token: the administrator's form comes back refused (422)
    "municipalities.add": ("POST", "/kommuneregister", {ANON: 302, ADMIN: 422}, 403),
    "municipalities.change_form": ("GET", "/kommuneregister/{k}", {ANON: 302, ADMIN: 200}, 403),
    "municipalities.change": ("POST", "/kommuneregister/{k}", {ANON: 302, ADMIN: 422}, 403),
}


@pytest.mark.parametrize("endpoint", sorted(ROUTES))
def test_each_person_gets_exactly_the_access_their_role_gives(endpoint, app, people, isolated) -> None:
    tender, who, _ = people
    path_values = {"k": tender.participating_municipalities[0].id}
    try_everyone(app, ROUTES, endpoint, who, isolated, path_values)


def test_no_one_but_an_administrator_changes_the_register_with_a_complete_form(app, people, db) -> None:
    """Not isolated: what any person's post changed would still be there for the checks after it."""
    from sqlalchemy import select

    from tender.tenders.models import Municipality
    from tests.conftest import PASSWORD, FormClient

    tender, who, _ = people
    skien = tender.participating_municipalities[0]
    for person, user in who.items():
        if person == ADMIN:
            continue
        forms = FormClient(app.test_client())
        login = forms.post("/logg-inn", {"email": user.email, "password": PASSWORD}, page="/logg-inn")
        assert login.status_code == 302
        added = forms.post(
            "/kommuneregister", {"name": "Siljan", "kommunenummer": "4011", "population": "2360"}
        )
        changed = forms.post(f"/kommuneregister/{skien.id}", {"name": "Skien", "population": "1"})
        assert (person, added.status_code, changed.status_code) == (person, 403, 403)
    db.session.expire_all()
    assert db.session.scalar(select(Municipality).where(Municipality.kommunenummer == "4011")) is None
    assert (skien.name, skien.population) == ("Skien", 56_360)
