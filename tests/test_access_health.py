"""The health check answers everyone, logged in or not, with a plain OK and nothing else (docs/deploy.md);
with the database away it answers 503 (tests/test_faults.py)."""

from __future__ import annotations

from tests.test_access import WHO, try_everyone

ROUTES: dict[str, tuple[str, str, dict[str, int], int]] = {
    "health.check": ("GET", "/helse", dict.fromkeys(WHO, 200), 200),
}


def test_everyone_gets_the_health_check(app, people, isolated) -> None:
    tender, who, _ = people
    try_everyone(app, ROUTES, "health.check", who, isolated, {"t": tender.id})


def test_the_health_check_says_ok_and_nothing_more(client) -> None:
    response = client.get("/helse")
    assert response.status_code == 200 and response.get_data(as_text=True) == "OK\n"
    assert response.headers["Cache-Control"] == "no-store"
