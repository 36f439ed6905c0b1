"""Every link in a tender's navigation opens (issue 17, point N): for each role of the demo tender at each of
its stages (spec, prequalification, published, bids, scored, negotiated, awarded), every link the tabs show
that person answers 200 for that person. A tab that leads to a refusal (403) or a missing page is a link the
navigation should not have shown: the template asks one rule, the route another. A structural test, like
tests/test_core_is_pure.py: it fails for any new tab whose condition is looser than its page's rule.

Each stage is built once, in its own database (the stages build on one another, so later ones take longer;
the whole file takes about a minute and a half on a quiet 2-core machine)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from typing import Any

import pytest

from tender.demo import DEMO_PASSWORD, STAGES
from tests.conftest import dispose, make_app, migrate

pytestmark = pytest.mark.slow

CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


class _Tabs(HTMLParser):
    """The hrefs of the links inside ``<nav class="tabs">``."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "nav" and "tabs" in (a.get("class") or "").split():
            self.depth = 1
        elif tag == "nav" and self.depth:
            self.depth += 1
        elif tag == "a" and self.depth and a.get("href"):
            self.links.append(str(a["href"]))

    def handle_endtag(self, tag: str) -> None:
        if tag == "nav" and self.depth:
            self.depth -= 1


def tabs_of(html: str) -> list[str]:
    parser = _Tabs()
    parser.feed(html)
    return parser.links


def logged_in(app: Any, email: str) -> Any:
    client = app.test_client()
    page = client.get("/logg-inn").get_data(as_text=True)
    token = CSRF.search(page)
    assert token, "no CSRF token on the login page"
    response = client.post(
        "/logg-inn", data={"email": email, "password": DEMO_PASSWORD, "csrf_token": token.group(1)}
    )
    assert response.status_code == 302, (email, response.status_code)
    return client


@pytest.fixture(scope="module", params=STAGES)
def stage(
    request: pytest.FixtureRequest,
    database_factory: Callable[[str], str],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[Any, int, list[tuple[str, str]]]]:
    """The demo built to one stage: the app, the tender's id and its people as (roles, e-mail): every vendor
    user (each vendor's state differs: invited, reduced, winner) and one person of each other set of roles."""
    from tender.demo.stages import build_stage
    from tender.extensions import db

    name = f"tender_nav_{request.param}"
    app = make_app(database_factory(name), tmp_path_factory.mktemp(name))
    migrate(app)
    with app.app_context():
        tender = build_stage(request.param)
        people: dict[str, str] = {}
        for m in sorted(tender.memberships, key=lambda m: m.id):
            roles = ",".join(sorted(r.value for r in tender.roles_of(m.user)))
            key = f"{roles}:{m.user.email}" if "vendor" in roles else roles
            people.setdefault(key, m.user.email)
        tender_id = tender.id
        db.session.remove()
    yield app, tender_id, sorted(people.items())
    dispose(app)


def test_every_tab_of_the_tender_navigation_opens_for_whoever_sees_it(
    stage: tuple[Any, int, list[tuple[str, str]]],
) -> None:
    app, tender_id, people = stage
    refused: list[str] = []
    seen = 0
    for who, email in people:
        client = logged_in(app, email)
        overview = client.get(f"/konkurranser/{tender_id}")
        assert overview.status_code == 200, (who, overview.status_code)
        links = tabs_of(overview.get_data(as_text=True))
        assert links, f"{who}: no tabs on the overview"
        for href in links:
            status = client.get(href).status_code
            seen += 1
            if status != 200:
                refused.append(f"{who} ({email}): {href} → {status}")
    assert seen > len(people)
    assert not refused, "\n".join(refused)


#: the matrix page as the observer in the scored demo: the session and user (3), the tender and its members,
#: the evaluation case (criteria, bids, prices, municipalities with their tender rows, scores, checks, the
#: model), the language, and the navigation's facts, each asked once (the prequalification and its
#: selection, the model, the opening, the recommendation, the notices). It was 37 before issue 17's point N:
#: one query more per municipality (six here, 47 in the growth benchmark), and the navigation asked a fact
#: again for each tab built on it.
MATRIX_QUERIES = 30


@pytest.mark.parametrize("stage", ["scored"], indirect=True)  # counted on the scored demo only
def test_the_matrix_page_asks_the_database_a_bounded_number_of_times(
    stage: tuple[Any, int, list[tuple[str, str]]],
) -> None:
    from sqlalchemy import event

    from tender.extensions import db

    app, tender_id, people = stage
    observer = next(email for who, email in people if who == "observer")
    client = logged_in(app, observer)
    url = f"/konkurranser/{tender_id}/evaluering/matrise"
    assert client.get(url).status_code == 200  # warm: nothing cached across requests, but the app is loaded
    seen: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        response = client.get(url)
        again = len(seen)
        client.get(url)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert response.status_code == 200
    assert again <= MATRIX_QUERIES, "\n".join(seen[:again])
    assert len(seen) == 2 * again  # the second read asks as much as the first: nothing kept across requests
