"""Every route, tried anonymously and with every role. Non-members get 404, never 403, so that a tender's
existence does not leak; members without the right get 403."""

from __future__ import annotations

import pytest

from tender.tenders.models import Role

ANON, OUTSIDER, ADMIN = "anonym", "utenforstående", "admin"
WHO = [ANON, OUTSIDER, ADMIN, *[r.value for r in Role]]
MEMBERS = [r.value for r in Role]
GROUP = [r.value for r in Role if r is not Role.VENDOR]

# route -> (method, path template, {who: expected status}); unlisted people get `default`
ROUTES: dict[str, tuple[str, str, dict[str, int], int]] = {
    "auth.login": ("GET", "/logg-inn", {ANON: 200}, 302),
    "auth.logout": ("POST", "/logg-ut", {ANON: 302}, 302),
    "auth.accept_invitation": ("GET", "/invitasjon/ugyldig", {}, 410),
    "auth.change_password": ("GET", "/passord", {ANON: 302}, 200),
    "tenders.dashboard": ("GET", "/", {ANON: 302}, 200),
    "tenders.create": ("GET", "/konkurranser/ny", {ANON: 302, ADMIN: 200}, 403),
    "tenders.edit": (
        "GET",
        "/konkurranser/{t}/rediger",
        {ANON: 302, OUTSIDER: 404, ADMIN: 404, "lead": 200},
        403,
    ),
    "tenders.overview": ("GET", "/konkurranser/{t}", {ANON: 302, OUTSIDER: 404, ADMIN: 404}, 200),
    "tenders.members": (
        "GET",
        "/konkurranser/{t}/medlemmer",
        {ANON: 302, OUTSIDER: 404, ADMIN: 404, "vendor": 403},
        200,
    ),
    "tenders.invite": (
        "POST",
        "/konkurranser/{t}/medlemmer/inviter",
        {ANON: 302, OUTSIDER: 404, ADMIN: 404, "lead": 422},
        403,
    ),
    "tenders.remove_member": (
        "POST",
        "/konkurranser/{t}/medlemmer/{m}/fjern",
        {ANON: 302, OUTSIDER: 404, ADMIN: 404, "lead": 302},
        403,
    ),
    "tenders.resend_invitation": (
        "POST",
        "/konkurranser/{t}/medlemmer/{m}/send-pa-nytt",
        {ANON: 302, OUTSIDER: 404, ADMIN: 404, "lead": 409},
        403,
    ),
    "tenders.add_vendor": (
        "POST",
        "/konkurranser/{t}/leverandorer",
        {ANON: 302, OUTSIDER: 404, ADMIN: 404, "lead": 422},
        403,
    ),
    "tenders.add_municipality": (
        "POST",
        "/konkurranser/{t}/kommuner",
        {ANON: 302, OUTSIDER: 404, ADMIN: 404, "lead": 422},
        403,
    ),
    "audit.trail": (
        "GET",
        "/konkurranser/{t}/revisjonsspor",
        {ANON: 302, OUTSIDER: 404, ADMIN: 404, "lead": 200},
        403,
    ),
    "audit.trail_csv": (
        "GET",
        "/konkurranser/{t}/revisjonsspor.csv",
        {ANON: 302, OUTSIDER: 404, ADMIN: 404, "lead": 200},
        403,
    ),
    "audit.trail_pdf": (
        "GET",
        "/konkurranser/{t}/revisjonsspor.pdf",
        {ANON: 302, OUTSIDER: 404, ADMIN: 404, "lead": 200},
        403,
    ),
}
# Routes that live in other domains' modules are added to ROUTES by their own access tests.
EXTERNAL: set[str] = {"static"}


def test_every_route_is_in_the_access_table(app) -> None:
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    missing = endpoints - set(ROUTES) - EXTERNAL - _other_tables()
    assert missing == set(), f"add these routes to an access test: {sorted(missing)}"


def _other_tables() -> set[str]:
    import importlib
    import pkgutil

    import tests

    found: set[str] = set()
    for info in pkgutil.iter_modules(tests.__path__):
        if info.name.startswith("test_access_"):
            found |= set(getattr(importlib.import_module(f"tests.{info.name}"), "ROUTES", {}))
    return found


def try_everyone(app, routes, endpoint, who, isolated, path_values, extra_data=None) -> None:
    """Request ``endpoint`` as every person (each with a fresh browser session), each inside a rolled-back
    savepoint so that one person's change cannot decide the next person's answer; report every mismatch."""
    from tests.conftest import PASSWORD, FormClient

    method, template, expected, default = routes[endpoint]
    path = template.format(**path_values)
    wrong = []
    for person in WHO:
        with isolated():
            forms = FormClient(app.test_client())
            if person != ANON:
                login = forms.post(
                    "/logg-inn", {"email": who[person].email, "password": PASSWORD}, page="/logg-inn"
                )
                assert login.status_code == 302, f"{person} could not log in"
            if method == "GET":
                response = forms.client.get(path)
            else:
                data = {
                    "csrf_token": forms.token("/" if person != ANON else "/logg-inn"),
                    **(extra_data or {}),
                }
                response = forms.client.post(path, data=data)
            want = expected.get(person, default)
            if response.status_code != want:
                wrong.append(f"{person}: {method} {path} gave {response.status_code}, expected {want}")
    assert wrong == []


@pytest.mark.parametrize("endpoint", sorted(ROUTES))
def test_each_person_gets_exactly_the_access_their_role_gives(endpoint, app, people, isolated) -> None:
    tender, who, membership = people
    try_everyone(app, ROUTES, endpoint, who, isolated, {"t": tender.id, "m": membership.id})


def test_a_non_member_gets_404_for_a_tender_that_does_not_exist_too(client, login_as, create_user) -> None:
    login_as(create_user())
    assert client.get("/konkurranser/999999").status_code == 404


def test_buttons_a_role_may_not_use_are_hidden(client, login_as, people) -> None:
    tender, who, _ = people
    login_as(who["evaluator"])
    html = client.get(f"/konkurranser/{tender.id}/medlemmer").get_data(as_text=True)
    assert "Inviter en person" not in html and ">Fjern<" not in html and "Revisjonsspor" not in html
    login_as(who["lead"])
    html = client.get(f"/konkurranser/{tender.id}/medlemmer").get_data(as_text=True)
    assert "Inviter en person" in html and ">Fjern<" in html and "Revisjonsspor" in html


def test_a_vendor_user_does_not_see_the_procurement_group_on_the_overview(client, login_as, people) -> None:
    tender, who, _ = people
    login_as(who["vendor"])
    html = client.get(f"/konkurranser/{tender.id}").get_data(as_text=True)
    assert who["evaluator"].name not in html and "Medlemmer" not in html


def test_error_pages_speak_norwegian(client, login_as, create_user) -> None:
    login_as(create_user())
    html = client.get("/finnes-ikke").get_data(as_text=True)
    assert "Finnes ikke" in html and 'lang="nb"' in html
