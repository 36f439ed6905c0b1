"""A guard for the English vendor pages (issue 17, point 7): every GET page a vendor's user or an anonymous
visitor can reach (walked from ``app.url_map`` as tests/test_telltale_words.py walks it) is fetched in English
over demo stages that show each page, and no text a person reads may still be Norwegian.

What is data is left out: every text the group, the vendors or the demo wrote into the database (the tender's
title, the requirements, company and people's names, answers, reasons, file names) is read from the database
itself, and a text node made only of such data (with numbers and punctuation) is data. What is left fails when
it is, word for word, a Norwegian text of the catalogue (a msgid shown untranslated), or when it still holds a
Norwegian word: a word of the catalogue's Norwegian texts that none of its English texts uses (so "Noark",
"ESPD" and names are not words of either language), plus a few Norwegian function words.

What is Norwegian on purpose (docs/i18n.md) is listed in :data:`ON_PURPOSE` with why. The demo is built once
per stage (``prequalification``: the requests and a clarification; ``published``; ``bids``: the samples'
reports; ``awarded``: the corrections, the negotiation, the letters and notices), and each stage's pages are
walked by an anonymous visitor, the English-reading bidder and, at the prequalification, the candidate asked
to clarify.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from itertools import product
from typing import Any

import pytest
from sqlalchemy import LargeBinary, String, Text, select

from tender.i18n import TRANSLATIONS
from tests.conftest import BACKEND
from tests.test_telltale_words import NOT_FOR_READING, _values

#: the Norwegian function words no English text uses (besides the catalogue's own words)
FUNCTION_WORDS = {
    "og",
    "ikke",
    "er",
    "til",
    "på",
    "av",
    "med",
    "fra",
    "som",
    "det",
    "den",
    "har",
    "ble",
    "må",
}
#: text nodes that are Norwegian on purpose, by a pattern, with why
ON_PURPOSE: dict[str, str] = {
    r"Norsk": "the language switch names each language in itself",
    r"(mappe|registrering|klasse|arkivdel|dokumentbeskrivelse|dokumentobjekt|journalpost)": (
        "a Noark 5 element's name (the standard's own name, as the extract's XML writes it)"
    ),
    r"(mappe|registrering) per year \(opprettetDato\): [\d:, ]+\.": "Noark 5 element names, in English",
    r"Archive part '.*' \(.*\): arkivdelstatus .*\.": (
        "arkivdelstatus and its value are the Noark 5 element and code value the extract states"
    ),
}
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


class _Text(HTMLParser):
    """The text nodes a person reads (not scripts or styles), and the labels a screen reader reads."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.nodes: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "code", "pre", "template"):
            self._skip += 1
        for name, value in attrs:
            if name in ("aria-label", "title", "placeholder", "alt") and value:
                self.nodes.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "code", "pre", "template") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        text = " ".join(data.split())
        if text and not self._skip:
            self.nodes.append(text)


def text_nodes(html: str) -> list[str]:
    parser = _Text()
    parser.feed(html)
    return parser.nodes


def _catalogue() -> dict[str, str]:
    from babel.messages.pofile import read_po

    with (TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po").open("rb") as f:
        return {m.id: m.string for m in read_po(f) if m.id and isinstance(m.id, str)}


def norwegian_words(catalogue: dict[str, str]) -> set[str]:
    """Words of the Norwegian texts that no English text uses (lower case, three letters or more)."""
    placeholder = re.compile(r"%\(\w+\)[sd]")
    norwegian = {w.lower() for m in catalogue for w in _WORD.findall(placeholder.sub(" ", m))}
    english = {w.lower() for s in catalogue.values() for w in _WORD.findall(placeholder.sub(" ", s))}
    return {w for w in norwegian - english if len(w) >= 3} | FUNCTION_WORDS


def database_texts() -> list[str]:
    """Every text in the database's text columns and in the XML files stored in it (a vendor's ESPD
    response: its questions and answers are the vendor's words): what people (and the demo) wrote, longest
    first."""
    from lxml import etree

    from tender.extensions import db

    found: set[str] = set()

    def add(value: str) -> None:
        for part in (value, *value.splitlines()):
            part = " ".join(part.split())
            if len(part) >= 2:
                found.add(part)

    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, String | Text | LargeBinary)]
        if not columns or table.name.startswith("audit"):
            continue
        for row in db.session.execute(select(*columns)):
            for value in row:
                if isinstance(value, str):
                    add(value)
                elif isinstance(value, bytes) and value.lstrip()[:5] == b"<?xml":
                    parser = etree.XMLParser(resolve_entities=False, no_network=True)
                    for text in etree.fromstring(value, parser).itertext():
                        add(text)
    return sorted(found, key=len, reverse=True)


class Guard:
    def __init__(self, data: list[str]) -> None:
        self.catalogue = _catalogue()
        self.msgids = {" ".join(m.split()) for m, s in self.catalogue.items() if m != s}
        self.words = norwegian_words(self.catalogue)
        self.data = data

    def _norwegian(self, text: str) -> list[str]:
        return [w for w in _WORD.findall(text) if w.lower() in self.words]

    def problem(self, node: str) -> str | None:
        """Why this text node is Norwegian on an English page, or None."""
        if any(re.fullmatch(p, node) for p in ON_PURPOSE):
            return None
        untranslated = node in self.msgids
        if not untranslated and not self._norwegian(node):
            return None
        if len(node) >= 12 and any(node in text for text in self.data):
            return None  # a piece of a text someone wrote (a word diff shows a requirement's text in pieces)
        rest = node
        for text in self.data:
            if text in rest:
                rest = rest.replace(text, " ")
                if not self._norwegian(rest) and rest not in self.msgids:
                    return None
        if rest.strip() in self.msgids:
            return "untranslated"
        words = self._norwegian(rest)
        return f"Norwegian words {words}" if words else None


def _vendor_pages(app: Any, tender: Any) -> list[str]:
    values = _values(tender)
    urls = []
    for rule in app.url_map.iter_rules():
        if "GET" not in (rule.methods or ()) or rule.endpoint in NOT_FOR_READING:
            continue
        names = sorted(rule.arguments)
        if any(n not in values for n in names):
            continue
        for combo in product(*(values[n] for n in names)):
            url = rule.rule
            for name, value in zip(names, combo, strict=True):
                url = re.sub(rf"<(?:\w+:)?{name}>", value, url)
            urls.append(url)
    return urls


def walk_in_english(
    app: Any, client: Any, forms: Any, tender: Any, emails: list[str | None]
) -> dict[str, Any]:
    """Every page each of these vendor users (None: an anonymous visitor) reaches, in English, checked."""
    from tender.auth.models import User
    from tender.demo import DEMO_PASSWORD
    from tender.extensions import db
    from tender.i18n import COOKIE

    guard = Guard(database_texts())
    urls = _vendor_pages(app, tender)
    found: dict[str, list[str]] = {}
    fetched = 0
    for email in emails:
        client.set_cookie(COOKIE, "en")
        if email is not None:
            user = db.session.scalars(select(User).where(User.email == email)).one()
            user.language = "en"
            db.session.commit()
            assert forms.post("/logg-inn", {"email": email, "password": DEMO_PASSWORD}).status_code == 302
        for url in urls:
            response = client.get(url)
            if response.status_code != 200 or response.mimetype != "text/html":
                response.close()
                continue
            page = response.get_data(as_text=True)
            response.close()
            assert '<html lang="en">' in page, (email, url)
            fetched += 1
            for node in text_nodes(page):
                why = guard.problem(node)
                if why is not None:
                    found.setdefault(f"{email or 'anonym'} {url}", []).append(f"{node!r}: {why}")
        if email is not None:
            forms.post("/logg-ut", {})
    return {"fetched": fetched, "found": found}


def test_the_guard_finds_untranslated_texts_and_norwegian_words_but_not_data() -> None:
    guard = Guard(["Felles anskaffelse av arkivsystem", "Arkivhuset Sak 9"])
    assert guard.problem("Tilbudsfrist") == "untranslated"
    assert guard.problem("Bid deadline") is None
    assert guard.problem("Felles anskaffelse av arkivsystem") is None  # data
    assert guard.problem("Letter to Arkivhuset Sak 9: Invitert til å gi tilbud") is not None
    assert guard.problem("Letter to Arkivhuset Sak 9 (Felles anskaffelse av arkivsystem)") is None
    assert guard.problem("Vent 4 sekunder og prøv igjen.") is not None
    assert text_nodes('<p title="Tittel">Hei <script>var x = "og";</script><b>der</b></p>') == [
        "Tittel",
        "Hei",
        "der",
    ]


def _build(runner: Any, stage: str) -> Any:
    result = runner.invoke(args=["demo", "--stage", stage])
    assert result.exit_code == 0, result.output
    from tender.demo.stages import BIDDERS, demo_tender

    return demo_tender(), [b.email for b in BIDDERS]


#: the vendor users walked at each stage (besides an anonymous visitor): the English bidder; at the
#: prequalification the candidate asked to clarify a reference
ENGLISH = "martin.hauge@kommunearkiv.no"
CLARIFYING = "lene.foss@nordiskdok.no"


@pytest.mark.slow
@pytest.mark.skipif(
    BACKEND == "postgresql",
    reason="the pages' language does not depend on the database: once, in the SQLite run",
)
@pytest.mark.parametrize("stage", ["prequalification", "published", "bids", "awarded"])
def test_every_vendor_page_in_english_shows_no_norwegian_but_the_data(
    app, client, forms, runner, stage
) -> None:
    tender, _bidders = _build(runner, stage)
    emails: list[str | None] = [None, ENGLISH]
    if stage == "prequalification":
        emails.append(CLARIFYING)
    walked = walk_in_english(app, client, forms, tender, emails)
    assert walked["fetched"] > 10
    found = walked["found"]
    assert found == {}, "\n".join(f"{where}: {hits}" for where, hits in found.items())
