"""The vendors' pages in English as well as Norwegian (tender.i18n): the English catalogue is complete and
compiled, a vendor's choice is remembered on the account and in a cookie, anonymous visitors may start from
their browser's language, and the procurement group's pages never switch, whatever anyone chose."""

from __future__ import annotations

import ast
import re
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from tender import formatting as fmt
from tender.i18n import COOKIE, TRANSLATIONS

ROOT = Path(__file__).resolve().parent.parent
PO = TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po"
MO = TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.mo"
#: what ``make translations`` passes to ``pybabel extract`` besides its defaults
KEYWORDS = {"lazy_gettext": None, "N_": None}


def _catalogue():
    with PO.open("rb") as f:
        return read_po(f)


def _extracted() -> set[str]:
    """Every msgid ``pybabel extract -F babel.cfg`` finds, the way ``make translations`` runs it."""
    from babel.messages.extract import DEFAULT_KEYWORDS

    method_map = [("tender/**.py", "python"), ("templates/**.html", "jinja2")]
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map=method_map, keywords={**DEFAULT_KEYWORDS, **KEYWORDS}
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_marked_text_has_a_non_empty_english_translation_and_none_is_fuzzy() -> None:
    catalogue = _catalogue()
    marked = _extracted()
    assert len(marked) > 200
    missing = sorted(m for m in marked if m not in catalogue)
    assert missing == [], "run `make translations` and translate these"
    for message in catalogue:
        if not message.id:
            assert not message.fuzzy, "the catalogue's header is marked fuzzy: pybabel compile skips it"
            continue
        assert not message.fuzzy, message.id
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(s.strip() for s in strings), f"no English for {message.id!r}"
    unused = sorted(
        m.id for m in catalogue if m.id and (m.id if isinstance(m.id, str) else m.id[0]) not in marked
    )
    assert unused == [], "texts no longer marked anywhere: run `make translations`"


def test_the_committed_mo_is_compiled_from_the_committed_po() -> None:
    def as_key(value):
        return tuple(value) if isinstance(value, list | tuple) else value

    with MO.open("rb") as f:
        compiled = {as_key(m.id): as_key(m.string) for m in read_mo(f) if m.id}
    written = {as_key(m.id): as_key(m.string) for m in _catalogue() if m.id}
    assert compiled == written, "run `make translations` (pybabel compile) and commit the .mo"


def test_translations_keep_the_placeholders_of_the_norwegian_text() -> None:
    placeholder = re.compile(r"%\(\w+\)[sd]|%%")
    for message in _catalogue():
        if not message.id or isinstance(message.id, tuple):
            continue
        # the same placeholders (one the Norwegian repeats may stand once in the English)
        assert set(placeholder.findall(message.id)) == set(placeholder.findall(message.string)), message.id


def _texts_in_code() -> tuple[set[str], list[re.Pattern[str]]]:
    """Every string constant in tender/ (implicitly joined), and every f-string as a pattern."""
    constants: set[str] = set()
    patterns: list[re.Pattern[str]] = []
    for path in (ROOT / "tender").rglob("*.py"):
        if path.name == "vendor_messages.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                constants.add(node.value)
            elif isinstance(node, ast.JoinedStr):
                parts = [re.escape(v.value) if isinstance(v, ast.Constant) else ".+" for v in node.values]
                patterns.append(re.compile("".join(parts)))
    return constants, patterns


def test_every_text_marked_in_vendor_messages_is_still_made_by_the_code() -> None:
    from tender.web import vendor_messages

    constants, patterns = _texts_in_code()
    stale = [
        text
        for text in (*vendor_messages.LABELS, *vendor_messages.MESSAGES)
        if text not in constants and not any(p.fullmatch(text) for p in patterns)
    ]
    assert stale == []


def test_one_set_of_formatters_formats_english_pages_in_british_english_and_oslo_time() -> None:
    moment = datetime(2026, 12, 3, 7, 44, 5, tzinfo=UTC)  # 08:44:05 in Oslo
    assert fmt.format_datetime(moment, locale="en_GB") == "3 December 2026 at 08:44"
    assert fmt.format_datetime(moment, seconds=True, locale="en_GB") == "3 December 2026 at 08:44:05"
    assert fmt.format_datetime(moment) == "3. desember 2026 kl. 08.44"
    assert fmt.format_money(Decimal("4160000.5"), locale="en_GB") == "NOK\u00a04,160,000.50"
    assert fmt.format_number(Decimal("1250.5"), 1, locale="en_GB") == "1,250.5"
    assert fmt.format_percent(Decimal("0.255"), locale="en_GB") == "25.5\u00a0%"
    assert fmt.format_file_size(1536, locale="en_GB") == "1.5\u00a0kB"
    assert fmt.format_file_size(12, locale="en_GB") == "12\u00a0bytes"


# -- the pages --------------------------------------------------------------------------------------------


def _lang(response) -> str:
    match = re.search(r'<html lang="(\w+)">', response.get_data(as_text=True))
    assert match, response.get_data(as_text=True)[:300]
    return match.group(1)


def _switch(forms, language: str, next_page: str = "/", page: str = "/logg-inn"):
    return forms.post("/sprak", {"language": language, "next": next_page}, page=page)


def test_an_anonymous_visitors_choice_is_kept_in_a_cookie_and_the_browsers_language_is_only_a_default(
    client, forms, people
) -> None:
    tender, _who, _ = people
    announcement = f"/kunngjoring/{tender.announcement_token}"
    page = client.get(announcement)
    assert _lang(page) == "nb" and "Registrer deg som leverandør" in page.get_data(as_text=True)
    assert 'value="en" lang="en"' in page.get_data(as_text=True)  # the switch is offered

    assert _lang(client.get(announcement, headers={"Accept-Language": "en-GB,en;q=0.9"})) == "en"

    answer = _switch(forms, "en", announcement)
    assert answer.status_code == 302 and answer.headers["Location"] == announcement
    cookie = client.get_cookie(COOKIE)
    assert cookie is not None and cookie.value == "en" and cookie.http_only
    page = client.get(announcement, headers={"Accept-Language": "nb"})  # the choice beats the browser
    text = page.get_data(as_text=True)
    assert _lang(page) == "en" and "Register as a supplier" in text and "Registrer deg" not in text
    assert "Registering suppliers needs the system to have a mail server" in text  # no mail server in tests
    assert "All times are Norwegian time." in text and 'value="nb" lang="nb"' in text

    _switch(forms, "nb", announcement)
    assert client.get_cookie(COOKIE).value == "nb"
    assert _lang(client.get(announcement, headers={"Accept-Language": "en"})) == "nb"


def test_english_form_messages_and_wtforms_messages_on_an_english_page(client, forms) -> None:
    _switch(forms, "en", "/logg-inn")
    page = forms.post("/logg-inn", {"email": "", "password": ""}, page="/logg-inn")
    text = page.get_data(as_text=True)
    assert page.status_code == 422
    assert "Enter your e-mail address." in text and "Enter your password." in text
    refused = forms.post("/logg-inn", {"email": "ingen@x.no", "password": "feil-passord"}, page="/logg-inn")
    assert "Wrong e-mail address or password." in refused.get_data(as_text=True)


def test_a_bad_language_or_a_foreign_next_page_changes_nothing(client, forms, people, login_as, db) -> None:
    _tender, who, _ = people
    vendor = login_as(who["vendor"])
    answer = _switch(forms, "de", "/", page="/")
    assert answer.status_code == 302
    db.session.refresh(vendor)
    assert vendor.language is None and client.get_cookie(COOKIE) is None
    assert "Ikke et gyldig valg" in client.get("/").get_data(as_text=True)  # WTForms' bokmål message
    away = _switch(forms, "en", "//evil.example/", page="/")
    assert away.headers["Location"] == "/"  # never an open redirect


def test_a_vendor_users_choice_follows_the_account_to_another_browser(app, client, forms, people, db) -> None:
    from tests.conftest import PASSWORD, FormClient

    tender, who, _ = people
    vendor = who["vendor"]
    forms.post("/logg-inn", {"email": vendor.email, "password": PASSWORD}, page="/logg-inn")
    assert _lang(client.get(f"/konkurranser/{tender.id}")) == "nb"
    _switch(forms, "en", f"/konkurranser/{tender.id}", page="/")
    db.session.refresh(vendor)
    assert vendor.language == "en"
    overview = client.get(f"/konkurranser/{tender.id}")
    text = overview.get_data(as_text=True)
    assert _lang(overview) == "en" and "Participating municipalities" in text and "My bid" in text

    other = FormClient(app.test_client())  # another browser: no cookie, a Norwegian browser
    other.post("/logg-inn", {"email": vendor.email, "password": PASSWORD}, page="/logg-inn")
    dashboard = other.client.get("/", headers={"Accept-Language": "nb"})
    assert _lang(dashboard) == "en" and "My tenders" in dashboard.get_data(as_text=True)


GROUP_PAGES = [
    "/",
    "/konkurranser/{t}",
    "/konkurranser/{t}/medlemmer",
    "/konkurranser/{t}/krav",
    "/konkurranser/ny",
    "/passord",
    "/konkurranser/{t}/sporsmal",
    "/konkurranser/{t}/finnes-ikke",
]


@pytest.mark.parametrize("role", ["lead", "evaluator", "signer", "observer", "admin"])
def test_the_groups_pages_never_switch_language_whatever_was_chosen(
    app, client, forms, people, db, role
) -> None:
    from tests.conftest import PASSWORD
    from tests.test_access import ADMIN

    tender, who, _ = people
    member = who[ADMIN if role == "admin" else role]
    member.language = "en"  # as if they had chosen English (e.g. as a vendor user in another tender)
    db.session.commit()
    client.set_cookie(COOKIE, "en")
    forms.post("/logg-inn", {"email": member.email, "password": PASSWORD}, page="/logg-inn")
    _switch(forms, "en", "/", page="/")
    for template in GROUP_PAGES:
        response = client.get(template.format(t=tender.id), headers={"Accept-Language": "en"})
        text = response.get_data(as_text=True)
        assert _lang(response) == "nb", (template, response.status_code)
        assert 'value="en" lang="en"' not in text and "Log out" not in text and "Logg ut" in text


def test_a_vendor_user_who_is_in_a_group_elsewhere_gets_english_only_in_the_tender_they_bid_in(
    client, forms, people, create_tender, add_member, db
) -> None:
    from tender.tenders.models import Role
    from tests.conftest import PASSWORD

    tender, who, _ = people
    vendor = who["vendor"]
    elsewhere = create_tender(title="Annen konkurranse")
    add_member(elsewhere, Role.EVALUATOR, user=vendor)
    vendor.language = "en"
    db.session.commit()
    forms.post("/logg-inn", {"email": vendor.email, "password": PASSWORD}, page="/logg-inn")
    assert _lang(client.get(f"/konkurranser/{tender.id}")) == "en"
    assert _lang(client.get(f"/konkurranser/{elsewhere.id}")) == "nb"
    assert _lang(client.get("/")) == "nb"  # the list holds a group role


def test_the_language_column_is_migrated_and_refuses_unknown_languages(
    app, database_factory, tmp_path
) -> None:
    # ``app`` is requested so that the PostgreSQL run keeps this test; it migrates its own database.
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import text
    from sqlalchemy.exc import IntegrityError

    from tender.extensions import db
    from tests.conftest import dispose, make_app

    app = make_app(database_factory("tender_language_migration"), tmp_path)
    try:
        with app.app_context():
            upgrade(revision="b7d2e4f19a60")
            with db.engine.begin() as c:
                c.execute(
                    text(
                        "INSERT INTO user_account (id, email, name, is_admin, active, created_at) "
                        "VALUES (1, 'selger@y.no', 'Selger', false, true, '2026-11-01 10:00:00+00:00')"
                    )
                )
            upgrade()
            with db.engine.begin() as c:
                assert c.execute(text("SELECT language FROM user_account")).scalar_one() is None
                c.execute(text("UPDATE user_account SET language = 'en'"))
            with pytest.raises(IntegrityError), db.engine.begin() as c:
                c.execute(text("UPDATE user_account SET language = 'de'"))
            downgrade(revision="b7d2e4f19a60")
            with db.engine.connect() as c:
                assert c.execute(text("SELECT name FROM user_account")).scalar_one() == "Selger"
    finally:
        dispose(app)
