"""The municipality register's history on its page (issue 17): the register's audit events
(``municipality.created``, ``municipality.changed``) are filed under no tender, so no tender's trail shows
them; the administrators read them under «Historikk» on /kommuneregister: when, who, what (the values a
municipality was added with, each changed field from what to what), newest first, 50 to a page. Nobody else
sees the page, nor any of its history."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.test_access import ADMIN

NBSP = "\u00a0"


@pytest.fixture
def admin(create_user: Any, login_as: Any) -> Any:
    return login_as(create_user("admin@example.no", "Ada Admin", is_admin=True))


def _history(html: str) -> str:
    """The history's section of the register page ("" when the page has none)."""
    start = html.find('<section id="historikk"')
    return "" if start < 0 else html[start : html.index("</section>", start)]


def _rows(section: str) -> list[str]:
    """The history table's rows as plain text, cell by cell, newest first."""
    body = section[section.find("<tbody>") : section.find("</tbody>")]
    rows = []
    for row in body.split("</tr>")[:-1]:
        cells = [re.sub(r"<[^>]+>", " ", c) for c in row.split("</td>")[:-1]]
        rows.append(" | ".join(re.sub(r"[ \t\r\n]+", " ", c).strip() for c in cells))  # NBSPs kept
    return rows


def test_the_history_shows_who_added_and_changed_what_newest_first(
    db: Any, client: Any, forms: Any, admin: Any
) -> None:
    added = forms.post(
        "/kommuneregister",
        {"name": "Siljan", "kommunenummer": "4011", "population": "2 360"},
        page="/kommuneregister",
    )
    assert added.status_code == 302
    from sqlalchemy import select

    from tender.tenders.models import Municipality

    siljan = db.session.scalar(select(Municipality).where(Municipality.kommunenummer == "4011"))
    changed = forms.post(
        f"/kommuneregister/{siljan.id}",
        {"name": "Siljan kommune", "population": "12 500"},
        page="/kommuneregister",
    )
    assert changed.status_code == 302
    section = _history(client.get("/kommuneregister").get_data(as_text=True))
    assert '<h2 id="history-heading">Historikk</h2>' in section and "2 hendelser." in section
    newest, oldest = _rows(section)
    # when (Oslo time, through tender.formatting), who, what
    assert re.match(r"\d{1,2}\. \w+ \d{4} kl\. \d{2}\.\d{2}\.\d{2} \| admin@example\.no \| ", newest), newest
    assert newest.endswith(
        "| Kommune endret i kommuneregisteret | Siljan kommune (4011) "
        f"| Navn: «Siljan» → «Siljan kommune» Innbyggertall: 2{NBSP}360 → 12{NBSP}500"
    ), newest
    assert oldest.endswith(
        "| admin@example.no | Kommune opprettet | Siljan kommune (4011) "
        f"| Navn: «Siljan» Kommunenummer: 4011 Innbyggertall: 2{NBSP}360"
    ), oldest


def test_the_history_holds_the_operators_additions_and_no_tenders_events(
    db: Any, client: Any, admin: Any, runner: Any, create_tender: Any
) -> None:
    create_tender(
        title="Felles arkiv 2027"
    )  # its municipalities are created with it, its events filed under it
    result = runner.invoke(args=["municipality", "add", "Nome", "4018", "--population", "6500"])
    assert result.exit_code == 0, result.output
    section = _history(client.get("/kommuneregister").get_data(as_text=True))
    rows = _rows(section)
    assert "Systemet (kommandolinje: " in rows[0] and "Nome (4018)" in rows[0], rows[0]
    assert all("Kommune opprettet" in r or "Kommune endret" in r for r in rows), rows
    assert "Felles arkiv 2027" not in section and "Konkurranse" not in section


def test_the_history_is_paginated_fifty_to_a_page_and_a_bad_page_number_is_no_failure(
    db: Any, client: Any, admin: Any
) -> None:
    from tender.municipalities import operations

    for n in range(55):
        operations.add_municipality(name=f"Kommune {n:02d}", kommunenummer=f"{5000 + n}", population=100 + n)
    db.session.commit()
    first = _history(client.get("/kommuneregister").get_data(as_text=True))
    rows = _rows(first)
    assert len(rows) == 50 and "Kommune 54 (5054)" in rows[0] and "Kommune 05 (5005)" in rows[-1]
    assert (
        "55 hendelser, side 1." in first
        and 'href="/kommuneregister?side=2#historikk">Eldre hendelser' in first
    )
    assert "Nyere hendelser" not in first
    second = _history(client.get("/kommuneregister?side=2").get_data(as_text=True))
    rows = _rows(second)
    assert [r.split(" | ")[3] for r in rows] == [f"Kommune {n:02d} ({5000 + n})" for n in range(4, -1, -1)]
    assert (
        'href="/kommuneregister?side=1#historikk">Nyere hendelser' in second
        and "Eldre hendelser" not in second
    )
    for odd in ("0", "-1", "x", "1e9", "99999999999999999999", "%00"):
        page = client.get(f"/kommuneregister?side={odd}")
        assert page.status_code == 200 and len(_rows(_history(page.get_data(as_text=True)))) == 50, odd
    beyond = client.get("/kommuneregister?side=9")
    assert beyond.status_code == 200 and "Det er ingen hendelser på denne siden." in beyond.get_data(
        as_text=True
    )


def test_an_odd_payload_in_a_register_event_is_shown_not_a_failure(db: Any, client: Any, admin: Any) -> None:
    from tender import audit

    audit.record("municipality.changed", object_type="municipality", object_id="x", payload={"changed": "?"})
    audit.record("municipality.changed", object_type="municipality", object_id="999999", payload={})
    db.session.commit()
    page = client.get("/kommuneregister")
    assert page.status_code == 200
    rows = _rows(_history(page.get_data(as_text=True)))
    assert len(rows) == 2 and all("| – |" in r for r in rows), rows


def test_no_one_but_an_administrator_sees_the_register_or_its_history(app: Any, people: Any, db: Any) -> None:
    """Each person, anonymous included, asks for the register and a page of its history: only the
    administrator gets it; everybody else gets what they get for the register (403, or the login), and no
    word of its history."""
    from tender.municipalities import operations
    from tests.conftest import PASSWORD, FormClient

    tender, who, _ = people
    skien = tender.participating_municipalities[0]
    operations.change_municipality(skien, name="Skien", population=60_001, actor=who[ADMIN])
    db.session.commit()
    for person, user in [("anonym", None), *who.items()]:
        client = app.test_client()
        if user is not None:
            login = FormClient(client).post(
                "/logg-inn", {"email": user.email, "password": PASSWORD}, page="/logg-inn"
            )
            assert login.status_code == 302
        for path in ("/kommuneregister", "/kommuneregister?side=2"):
            answer = client.get(path)
            html = answer.get_data(as_text=True)
            expected = 200 if person == ADMIN else 302 if user is None else 403
            assert (person, path, answer.status_code) == (person, path, expected)
            if person == ADMIN:
                continue
            assert "Historikk" not in html and "60" + NBSP + "001" not in html and "60001" not in html, person
            assert "Kommune endret" not in html and who[ADMIN].email not in html, person
    # the register's events are in no tender's trail either
    lead = FormClient(app.test_client())
    assert (
        lead.post(
            "/logg-inn", {"email": who["lead"].email, "password": PASSWORD}, page="/logg-inn"
        ).status_code
        == 302
    )
    trail = lead.client.get(f"/konkurranser/{tender.id}/revisjonsspor").get_data(as_text=True)
    assert "Kommune endret i kommuneregisteret" not in trail
