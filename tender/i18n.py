"""The vendors' pages in English as well as Norwegian bokmål (Flask-Babel).

Norwegian is the source language and the default: every string in the code and the templates is bokmål, and
``tender/translations/en/LC_MESSAGES/messages.po`` holds the English. Only what a vendor (supplier) sees is
marked for translation; the procurement group's pages stay Norwegian whatever anyone chose.

Which language a request gets (:func:`select_locale`):

- the language a person chose: a logged-in person's ``User.language`` (set through the switch on every
  vendor page, so it follows them to another browser), else the ``tender_lang`` cookie an anonymous
  visitor's switch set, else the browser's ``Accept-Language`` (anonymous visitors only), else Norwegian;
- English only where a vendor may read it: a page of a tender (``tender_id`` in the URL) only for a vendor
  user of that tender who holds no group role in it; a page outside any tender (the announcement page,
  login, the dashboard, changing one's password, the error pages) for anonymous visitors and for people who
  hold no procurement-group role in any tender and are no administrators. Everything else is Norwegian.

Numbers and times on English pages go through the same formatters (``tender.formatting``) with
:data:`ENGLISH_FORMAT_LOCALE`; times stay Europe/Oslo.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from flask import Flask, g, has_request_context, request
from flask_babel import Babel, get_locale, gettext
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from tender.extensions import db
from tender.formatting import LOCALE as NORWEGIAN_FORMAT_LOCALE

__all__ = [
    "COOKIE",
    "DEFAULT",
    "ENGLISH_FORMAT_LOCALE",
    "LANGUAGES",
    "TRANSLATIONS",
    "format_locale",
    "init_i18n",
    "language",
    "select_locale",
    "switch_offered",
    "translated",
]

#: the languages a vendor can choose, by their code: Norwegian bokmål (the source) and English
LANGUAGES = {"nb": "Norsk", "en": "English"}
DEFAULT = "nb"
#: an anonymous visitor's choice; a logged-in person's is on their account
COOKIE = "tender_lang"
COOKIE_MAX_AGE = 365 * 24 * 3600
#: numbers and dates on English pages: British English (day before month, 24-hour clock)
ENGLISH_FORMAT_LOCALE = "en_GB"
TRANSLATIONS = Path(__file__).resolve().parent / "translations"


def init_i18n(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT)
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", "Europe/Oslo")
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(TRANSLATIONS)
    Babel(app, locale_selector=select_locale)
    app.jinja_env.filters["tr"] = translated

    @app.context_processor
    def _language() -> dict[str, Any]:
        return {"page_language": language, "language_switch_offered": switch_offered, "LANGUAGES": LANGUAGES}


def _chosen() -> str:
    """The language this person asked for, wherever they may have it."""
    if current_user.is_authenticated and current_user.language in LANGUAGES:
        return str(current_user.language)
    cookie = request.cookies.get(COOKIE)
    if cookie in LANGUAGES:
        return str(cookie)
    if current_user.is_authenticated:
        return DEFAULT  # the browser's language is a default for anonymous visitors only
    return request.accept_languages.best_match(list(LANGUAGES), default=DEFAULT) or DEFAULT


def _holds_group_role(tender_id: int | None) -> bool:
    """Whether the current user is in a procurement group (of this tender, or of any when None)."""
    from tender.tenders.models import Membership, Role

    query = select(Membership.id).where(Membership.user_id == current_user.id, Membership.role != Role.VENDOR)
    if tender_id is not None:
        query = query.where(Membership.tender_id == tender_id)
    return db.session.scalar(query.limit(1)) is not None


def _is_vendor_of(tender_id: int) -> bool:
    from tender.tenders.models import Membership, Role

    query = select(Membership.id).where(
        Membership.user_id == current_user.id,
        Membership.tender_id == tender_id,
        Membership.role == Role.VENDOR,
    )
    return db.session.scalar(query.limit(1)) is not None


def switch_offered() -> bool:
    """Whether this page is a vendor's page, so it may be in English and shows the language switch."""
    if not has_request_context():
        return False
    if "i18n_vendor_page" not in g:
        try:
            g.i18n_vendor_page = _vendor_page()
        except SQLAlchemyError:
            # the database is away (an error page is being made): Norwegian, which needs no question
            g.i18n_vendor_page = False
    return bool(g.i18n_vendor_page)


def _vendor_page() -> bool:
    tender_id = (request.view_args or {}).get("tender_id")
    if not isinstance(tender_id, int):
        tender_id = None
    if not current_user.is_authenticated:
        return tender_id is None
    if current_user.is_admin:
        return False  # administrators create tenders: the group's side
    if tender_id is not None:
        return _is_vendor_of(tender_id) and not _holds_group_role(tender_id)
    return not _holds_group_role(None)


def select_locale() -> str:
    """Flask-Babel's locale selector: English only on a vendor's page for someone who chose it."""
    if not has_request_context() or not switch_offered():
        return DEFAULT
    return _chosen()


def language() -> str:
    """The language of the page being made: "nb" or "en"."""
    locale = get_locale() if has_request_context() else None
    return "en" if locale is not None and locale.language == "en" else DEFAULT


def format_locale() -> str:
    """The locale tender.formatting formats this page's numbers and dates in."""
    return ENGLISH_FORMAT_LOCALE if language() == "en" else NORWEGIAN_FORMAT_LOCALE


def translated(text: Any) -> Any:
    """A Norwegian text made elsewhere (a flashed message, a domain error put on a form, an enum's label) in
    the page's language: its English translation when the catalogue has one (the texts are marked with
    ``N_`` in ``tender/web/vendor_messages.py``), else the text as it is. Markup and other values pass
    through untouched."""
    if not isinstance(text, str) or isinstance(text, Markup) or not text:
        return text
    found = gettext(text)
    if found != text or language() != "en":
        return found
    return _with_values(text)


def _patterns() -> list[tuple[re.Pattern[str], str]]:
    """The texts with values (``PATTERNS`` in ``tender/web/vendor_messages.py``) as patterns that find the
    values in a text made with them, the most words of their own first so that the most specific wording
    wins ("svaret må være et tall" before "svaret må være %(choices)s")."""
    global _compiled
    if _compiled is None:
        from tender.web.vendor_messages import PATTERNS

        found = []
        for msgid in sorted(PATTERNS, key=lambda m: len(re.sub(r"%\(\w+\)[sd]", "", m)), reverse=True):
            parts = re.split(r"%\((\w+)\)[sd]", msgid.replace("%%", "%"))
            regex = "".join(
                re.escape(part) if i % 2 == 0 else f"(?P<{part}>.+?)" for i, part in enumerate(parts)
            )
            found.append((re.compile(regex, re.S), msgid))
        _compiled = found
    return _compiled


_compiled: list[tuple[re.Pattern[str], str]] | None = None
#: values that are someone's words or a file's names as they stand (a sheet's name, an id, a company, a typed
#: answer), never looked up in the catalogue even when they read like one of its texts ("Krav")
_VERBATIM = frozenset(
    {"sheet", "id", "key", "vendor", "value", "answer", "item", "sample", "cell", "code", "root"}
)

_MONTHS = ("januar februar mars april mai juni juli august september oktober november desember").split()
#: a moment as tender.formatting.format_datetime writes it in Norwegian: 3. desember 2026 kl. 08.44(.05)
_NORWEGIAN_MOMENT = re.compile(
    rf"(\d{{1,2}})\. ({'|'.join(_MONTHS)}) (\d{{4}}) kl\. (\d\d)\.(\d\d)(?:\.(\d\d))?"
)


def _moment_in_english(value: str) -> str | None:
    """A value that is a moment written in Norwegian, written again in British English (still Oslo time)."""
    from datetime import datetime

    from tender.formatting import OSLO, format_datetime

    match = _NORWEGIAN_MOMENT.fullmatch(value)
    if match is None:
        return None
    day, month, year, hour, minute, second = match.groups()
    moment = datetime(
        int(year), _MONTHS.index(month) + 1, int(day), int(hour), int(minute), int(second or 0), tzinfo=OSLO
    )
    return format_datetime(moment, seconds=second is not None, locale=ENGLISH_FORMAT_LOCALE)


#: a number as tender.formatting writes it in Norwegian, with a thousands' separator or a decimal comma (a
#: plain "12" is the same in both languages): 10 000, 2,5, −1 234,75
_NORWEGIAN_NUMBER = re.compile(
    r"(?P<sign>[-\u2212]?)(?P<whole>\d{1,3}(?:[\u00a0\u202f ]\d{3})+|\d+)(?:,(?P<fraction>\d+))?"
)


def _number_in_english(value: str) -> str | None:
    """A value that is a number written in Norwegian (grouped thousands or a decimal comma), written again in
    British English through tender.formatting, with the same decimals; None for anything else."""
    from decimal import Decimal

    from tender.formatting import format_number

    match = _NORWEGIAN_NUMBER.fullmatch(value)
    if match is None or (match["fraction"] is None and not re.search(r"\D", match["whole"])):
        return None
    digits = re.sub(r"\D", "", match["whole"])
    fraction = match["fraction"] or ""
    number = Decimal(f"{'-' if match['sign'] else ''}{digits}.{fraction or '0'}")
    return format_number(number, len(fraction), locale=ENGLISH_FORMAT_LOCALE)


def _with_values(text: str) -> str:
    """A Norwegian text with values made by an operation (a number of seconds, a requirement's number, a
    status with its time) in English: the catalogue's English text of its wording, filled in with the values
    (a value that is itself a known text, such as an enum's label, translated too). Unknown: as it is."""
    for pattern, msgid in _patterns():
        match = pattern.fullmatch(text)
        if match is not None:
            values = {
                k: v if k in _VERBATIM else _moment_in_english(v) or _number_in_english(v) or translated(v)
                for k, v in match.groupdict().items()
            }
            return str(gettext(msgid, **values))
    at = _AT_LINE.fullmatch(text)
    if at is not None:  # a file reader's refusal with the line where it knows it: the refusal, then the line
        whole = at["text"] + "."
        english = translated(whole)
        if english != whole:
            return str(gettext(AT_LINE, text=english.removesuffix("."), line=at["line"]))
    return text


#: a refusal where a file reader knows the line, as tender.web.espd_messages.message words it
AT_LINE = "%(text)s (linje %(line)s)."
_AT_LINE = re.compile(r"(?P<text>.+?) \(linje (?P<line>\d+)\)\.", re.S)
