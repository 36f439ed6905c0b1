"""The municipality register (Kommuneregister): the administrator adds municipalities and corrects their names
and populations on a page, the operator does the same from the command line (``tender municipality add`` and
``import``); bad input is refused in Norwegian and saves nothing; every change is in the audit trail with its
old and new values; and a correction is refused while a tender's frozen recommendation (or sent notices)
depends on the municipality's name and population."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import func, select

from tender.audit import AuditEvent
from tender.tenders.models import Municipality
from tests.test_award_notices import awarded  # noqa: F401 (the fixture: notices ready to be issued)

NBSP = "\u00a0"


def _count(db: Any) -> int:
    return int(db.session.scalar(select(func.count()).select_from(Municipality)))


def _events(db: Any, event_type: str) -> list[dict[str, Any]]:
    return [
        json.loads(e.payload_json)
        for e in db.session.scalars(
            select(AuditEvent).where(AuditEvent.event_type == event_type).order_by(AuditEvent.id)
        )
    ]


@pytest.fixture
def admin(create_user: Any, login_as: Any) -> Any:
    return login_as(create_user("admin@example.no", "Ada Admin", is_admin=True))


def _add(forms: Any, **values: str) -> Any:
    data = {"name": "Siljan", "kommunenummer": "4011", "population": "2 360", **values}
    return forms.post("/kommuneregister", data, page="/kommuneregister")


# -- the page -----------------------------------------------------------------------------------------------
def test_the_administrator_adds_a_municipality_and_the_register_lists_it_formatted(
    db: Any, client: Any, forms: Any, admin: Any, create_tender: Any
) -> None:
    tender = create_tender(title="Felles arkiv 2027")  # Skien and Porsgrunn take part
    response = _add(forms, name="  Siljan ", population="2 360")
    assert response.status_code == 302
    siljan = db.session.scalar(select(Municipality).where(Municipality.kommunenummer == "4011"))
    assert (siljan.name, siljan.population) == ("Siljan", 2360)
    html = client.get("/kommuneregister").get_data(as_text=True)
    assert "Siljan (4011) er lagt inn i kommuneregisteret." in html
    assert f"2{NBSP}360" in html and f"56{NBSP}360" in html  # through tender.formatting
    skien_row = html[html.index("<td>Skien</td>") :].split("</tr>")[0]
    assert tender.title in skien_row
    assert _events(db, "municipality.created")[-1] == {
        "name": "Siljan",
        "kommunenummer": "4011",
        "population": 2360,
    }


@pytest.mark.parametrize(
    ("values", "field_message"),
    [
        ({"kommunenummer": ""}, "Skriv inn kommunenummeret."),
        (
            {"kommunenummer": "401"},
            "Kommunenummeret må være nøyaktig fire sifre, for eksempel 4003, ikke «401».",
        ),
        ({"kommunenummer": "40110"}, "ikke «40110»"),
        ({"kommunenummer": "40a1"}, "ikke «40a1»"),
        ({"kommunenummer": "４０１１"}, "ikke «４０１１»"),  # full-width digits are not the number
        ({"kommunenummer": "4003"}, "Kommunenummer 4003 er allerede registrert (Skien)."),
        ({"name": "  "}, "Skriv inn kommunens navn."),
        ({"name": "x" * 101}, "Navnet kan ha høyst 100 tegn."),
        ({"name": "Sil\x00jan"}, "Navnet kan ikke inneholde kontrolltegn."),
        ({"name": "\u202enajliS"}, "Navnet kan ikke inneholde kontrolltegn."),
        ({"population": ""}, "Skriv inn innbyggertallet."),
        ({"population": "mange"}, "Innbyggertallet må være et helt tall, ikke «mange»."),
        ({"population": "2360,5"}, "Innbyggertallet må være et helt tall, ikke «2360,5»."),
        ({"population": "-1"}, "Innbyggertallet kan ikke være negativt."),
        ({"population": "20 000 000"}, "Innbyggertallet kan ikke være over 10"),
    ],
)
def test_bad_input_is_refused_in_norwegian_and_saves_nothing(
    db: Any, client: Any, forms: Any, admin: Any, create_municipality: Any, values: Any, field_message: str
) -> None:
    create_municipality("Skien", "4003", 56_360)
    before, events = _count(db), len(_events(db, "municipality.created"))
    response = _add(forms, **values)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert field_message in html.replace("&#34;", '"')
    assert 'aria-invalid="true"' in html
    assert _count(db) == before and len(_events(db, "municipality.created")) == events


def test_the_administrator_corrects_the_population_and_the_trail_has_old_and_new(
    db: Any, client: Any, forms: Any, admin: Any, create_municipality: Any
) -> None:
    skien = create_municipality("Skien", "4003", 56_360)
    page = client.get(f"/kommuneregister/{skien.id}").get_data(as_text=True)
    assert 'value="56360"' in page and "Kommunenummeret kan ikke endres." in page
    response = forms.post(
        f"/kommuneregister/{skien.id}", {"name": "Skien", "population": "56 500"}, page="/kommuneregister"
    )
    assert response.status_code == 302
    db.session.refresh(skien)
    assert skien.population == 56_500
    assert _events(db, "municipality.changed")[-1] == {
        "kommunenummer": "4003",
        "changed": {"population": {"before": 56_360, "after": 56_500}},
    }
    # the same values again change nothing and write nothing
    again = forms.post(
        f"/kommuneregister/{skien.id}", {"name": "Skien", "population": "56500"}, page="/kommuneregister"
    )
    assert again.status_code == 302 and len(_events(db, "municipality.changed")) == 1
    # a bad population is refused and leaves the stored one
    bad = forms.post(
        f"/kommuneregister/{skien.id}", {"name": "Skien", "population": "-3"}, page="/kommuneregister"
    )
    assert bad.status_code == 422 and "Innbyggertallet kan ikke være negativt." in bad.get_data(as_text=True)
    db.session.refresh(skien)
    assert skien.population == 56_500


def test_a_municipality_that_does_not_exist_is_404(client: Any, admin: Any, forms: Any) -> None:
    assert client.get("/kommuneregister/999999").status_code == 404
    response = forms.post(
        "/kommuneregister/999999", {"name": "X", "population": "1"}, page="/kommuneregister"
    )
    assert response.status_code == 404


def test_a_post_without_the_csrf_token_is_refused_and_saves_nothing(db: Any, client: Any, admin: Any) -> None:
    before = _count(db)
    response = client.post(
        "/kommuneregister", data={"name": "Siljan", "kommunenummer": "4011", "population": "2360"}
    )
    assert response.status_code == 400
    assert _count(db) == before


# -- reachable ----------------------------------------------------------------------------------------------
def test_administrators_see_the_register_in_the_menu_and_others_do_not(
    client: Any, login_as: Any, create_user: Any
) -> None:
    login_as(create_user(is_admin=True))
    assert 'href="/kommuneregister"' in client.get("/").get_data(as_text=True)
    login_as(create_user())
    assert 'href="/kommuneregister"' not in client.get("/").get_data(as_text=True)


def test_the_members_page_tells_a_lead_who_adds_municipalities_or_links_an_administrator_there(
    client: Any, login_as: Any, create_user: Any, create_tender: Any
) -> None:
    hint = "Finner du ikke kommunen? Administratoren legger den inn i kommuneregisteret."
    tender = create_tender()
    login_as(tender.memberships[0].user)
    html = client.get(f"/konkurranser/{tender.id}/medlemmer").get_data(as_text=True)
    assert hint in html and 'href="/kommuneregister"' not in html
    admin_lead = create_user(is_admin=True)
    admin_tender = create_tender(admin_lead)
    login_as(admin_lead)
    html = client.get(f"/konkurranser/{admin_tender.id}/medlemmer").get_data(as_text=True)
    assert hint not in html and 'href="/kommuneregister"' in html


# -- the award depends on the population ---------------------------------------------------------------
@pytest.mark.slow
def test_a_correction_is_refused_while_a_frozen_recommendation_depends_on_it_and_allowed_after_withdrawal(
    db: Any, client: Any, forms: Any, create_tender: Any, add_member: Any, create_user: Any, clock: Any
) -> None:
    from tender.award import recommendation_operations as ops
    from tender.award.snapshot import live_hash
    from tests.test_award_recommendation import award_world, frozen

    w = award_world(db, create_tender, add_member, create_user, clock)
    rec = frozen(db, w)
    skien = w.municipalities["Skien"]
    forms_admin = create_user("admin@example.no", "Ada Admin", is_admin=True)
    from tests.conftest import PASSWORD

    forms.post("/logg-inn", {"email": forms_admin.email, "password": PASSWORD}, page="/logg-inn")
    page = client.get(f"/kommuneregister/{skien.id}").get_data(as_text=True)
    assert "innstillingen er låst for godkjenning" in page  # said before the administrator tries
    for values in (
        {"name": "Skien", "population": "60 000"},
        {"name": "Skien kommune", "population": "56360"},
    ):
        response = forms.post(f"/kommuneregister/{skien.id}", values, page="/kommuneregister")
        assert response.status_code == 409
        assert f"«{w.tender.title}»" in response.get_data(as_text=True)
        db.session.refresh(skien)
        assert (skien.name, skien.population) == ("Skien", 56_360)
    assert live_hash(w.tender, rec) == rec.content_sha256  # what the signers see is still what was frozen
    assert _events(db, "municipality.changed") == []

    ops.withdraw(w.tender, rec, reason="Feil innbyggertall", actor=w.lead)
    db.session.commit()
    response = forms.post(
        f"/kommuneregister/{skien.id}", {"name": "Skien", "population": "60 000"}, page="/kommuneregister"
    )
    assert response.status_code == 302
    db.session.refresh(skien)
    assert skien.population == 60_000


# -- the command line ---------------------------------------------------------------------------------------
def test_the_operator_adds_a_municipality_from_the_command_line(db: Any, runner: Any) -> None:
    result = runner.invoke(args=["municipality", "add", "Skien", "4003", "--population", "56 360"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"Skien (4003) er lagt inn med 56{NBSP}360 innbyggere."
    assert _events(db, "municipality.created")[-1]["population"] == 56_360
    again = runner.invoke(args=["municipality", "add", "Skien", "4003", "--population", "56360"])
    assert again.exit_code == 2
    assert "Feil: Kommunenummer 4003 er allerede registrert (Skien)." in again.stderr
    bad = runner.invoke(args=["municipality", "add", "Siljan", "411", "--population", "2360"])
    assert bad.exit_code == 2 and "fire sifre" in bad.stderr
    assert _count(db) == 1


def _write(tmp_path: Any, text: str, *, bom: bool = False, name: str = "kommuner.csv") -> str:
    path = tmp_path / name
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return str(path)


def test_an_import_adds_updates_and_is_idempotent(
    db: Any, runner: Any, tmp_path: Any, create_municipality: Any
) -> None:
    create_municipality("Porsgrunn", "4001", 37_000)
    create_municipality("Bamble", "4012", 14_190)
    path = _write(
        tmp_path,
        "Kommunenummer;Navn;Innbyggere\n4003;Skien;56 360\n4001;Porsgrunn;37920\n4012;Bamble;14190\n\n",
        bom=True,
    )
    first = runner.invoke(args=["municipality", "import", path])
    assert first.exit_code == 0, first.output
    assert f"linje 2: 4003 Skien lagt til (56{NBSP}360 innbyggere)." in first.output
    assert f"linje 3: 4001 Porsgrunn oppdatert: innbyggertall 37{NBSP}000 → 37{NBSP}920." in first.output
    assert "linje 4: 4012 Bamble uendret." in first.output
    assert "Ferdig. Lagt til: 1, oppdatert: 1, uendret: 1, avvist: 0." in first.output
    created, changed = len(_events(db, "municipality.created")), len(_events(db, "municipality.changed"))
    second = runner.invoke(args=["municipality", "import", path])
    assert second.exit_code == 0
    assert "Ferdig. Lagt til: 0, oppdatert: 0, uendret: 3, avvist: 0." in second.output
    assert (len(_events(db, "municipality.created")), len(_events(db, "municipality.changed"))) == (
        created,
        changed,
    )
    assert _count(db) == 3


def test_an_import_reads_ssbs_table_07459_with_its_title_lines_and_region_column(
    db: Any, runner: Any, tmp_path: Any
) -> None:
    path = _write(
        tmp_path,
        '"07459: Befolkning, etter region, statistikkvariabel og år"\n\n'
        '"region","Personer 2025"\n"4003 Skien",56360\n"K-4001 Porsgrunn",37920\n',
    )
    result = runner.invoke(args=["municipality", "import", path])
    assert result.exit_code == 0, result.output
    assert (
        "linje 4: 4003 Skien lagt til" in result.output
        and "linje 5: 4001 Porsgrunn lagt til" in result.output
    )
    numbers = set(db.session.scalars(select(Municipality.kommunenummer)))
    assert numbers == {"4003", "4001"}


def test_a_bad_line_saves_nothing_unless_told_to_skip_bad_lines(db: Any, runner: Any, tmp_path: Any) -> None:
    path = _write(
        tmp_path,
        "kommunenr,kommunenavn,innbyggertall\n4003,Skien,56360\n401,Siljan,2360\n4012,Bamble,..\n"
        "4003,Skien igjen,1\n",
    )
    result = runner.invoke(args=["municipality", "import", path])
    assert result.exit_code == 1
    assert "linje 3: avvist: Kommunenummeret må være nøyaktig fire sifre" in result.stderr
    assert "linje 4: avvist: Innbyggertallet må være et helt tall, ikke «..»." in result.stderr
    assert "linje 5: avvist: kommunenummer 4003 står også på linje 2." in result.stderr
    assert "Ingenting er lagret: 3 av 4 linjer ble avvist." in result.stderr
    assert _count(db) == 0 and _events(db, "municipality.created") == []

    skipped = runner.invoke(args=["municipality", "import", "--skip-bad", path])
    assert skipped.exit_code == 0
    assert "Ferdig. Lagt til: 1, oppdatert: 0, uendret: 0, avvist: 3." in skipped.output
    assert list(db.session.scalars(select(Municipality.kommunenummer))) == ["4003"]


def test_a_file_that_is_not_utf8_or_has_no_header_is_refused_whole(
    db: Any, runner: Any, tmp_path: Any
) -> None:
    latin = tmp_path / "latin1.csv"
    latin.write_bytes(
        "kommunenummer;navn;innbyggere\n5001;Trondheim;1\n4020;Midt-Telemark;Bø\n".encode("latin-1")
    )
    result = runner.invoke(args=["municipality", "import", str(latin)])
    assert result.exit_code == 2 and "Filen må være UTF-8" in result.stderr
    headless = _write(tmp_path, "4003;Skien;56360\n", name="uten.csv")
    result = runner.invoke(args=["municipality", "import", headless])
    assert result.exit_code == 2 and "Fant ingen overskriftslinje" in result.stderr
    assert _count(db) == 0


@pytest.mark.slow
def test_after_the_notices_of_award_an_import_cannot_change_the_population_the_cost_split_used(
    db: Any,
    runner: Any,
    tmp_path: Any,
    awarded: Any,  # noqa: F811 (the fixture imported above)
) -> None:
    from tender.award import notice_operations as notices
    from tender.award.cost_operations import cost_table

    notices.issue_notices(awarded.tender, actor=awarded.lead)
    db.session.commit()
    before = cost_table(awarded.tender)
    path = _write(tmp_path, "kommunenummer;navn;innbyggere\n4003;Skien;60000\n4011;Siljan;2360\n")
    result = runner.invoke(args=["municipality", "import", "--skip-bad", path])
    assert result.exit_code == 0
    assert "linje 2: avvist: Skien er med i konkurransen" in result.stderr
    assert "Ferdig. Lagt til: 1, oppdatert: 0, uendret: 0, avvist: 1." in result.output
    db.session.expire_all()
    skien = db.session.scalar(select(Municipality).where(Municipality.kommunenummer == "4003"))
    assert skien.population == 56_360
    assert cost_table(awarded.tender) == before
