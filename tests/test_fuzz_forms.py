"""A security pass (issue 17, point 9): hypothesis fuzzes every form and upload endpoint of the app.

The demo is built to a stage (``published``: the vendors may ask and bid; ``scored``: the group scores), and
every GET page is walked as each role (the lead, an evaluator, a signer, the observer, two vendors' users and
an anonymous visitor), as tests/test_telltale_words.py walks them. Every ``<form method="post">`` found is a
recipe: its action, its fields with their values, its file inputs. Hypothesis then posts hostile variants of
each form: text of any unicode (NUL, right-to-left marks, combining marks), huge strings, numbers that are
negative, huge, NaN, Infinity or written with a decimal comma, dates that do not exist, markup and SQL,
fields left out or repeated, the ids of rows that do not exist, and for every file input an empty file, random
bytes, a zip bomb, nested zips, XML with a DTD and entities, a broken workbook and a wrong file name. The same
form is also posted by every other role, and one post in ten goes without its CSRF token.

Every POST route of the app (read from ``app.url_map``) is fuzzed: a route no walked page offers a form for
(the state refuses it at this stage, or it is reached by a link in a mail) gets blind posts of fuzzed fields
with the tender's ids filled in. The file fails if a POST route is left out.

What must hold for every response:

- never a 500, and no Python traceback in the body;
- a refusal (4xx) changes nothing: the audit trail has the same number of entries afterwards;
- **no cross-vendor leak**: every vendor's name, system name, contact person, e-mail and reservation texts
  are markers, and no response to one vendor's user contains another vendor's markers;
- before the opening (``published``), no response to anyone in the group contains a bid's marker.

Each example runs inside a savepoint that is rolled back, so one example cannot change the next one's state.
``TENDER_FUZZ_EXAMPLES`` (default 4) sets the examples per form and role; run with 200 for a long search.
"""

from __future__ import annotations

import io
import os
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from itertools import product
from typing import Any
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from tests.conftest import csrf_from
from tests.test_telltale_words import NOT_FOR_READING, _values

EXAMPLES = int(os.environ.get("TENDER_FUZZ_EXAMPLES", "4"))
NOWHERE = "10000000"

# -- hostile values ------------------------------------------------------------------------------------------
HOSTILE_TEXT = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\u202eevil\u202c",
    "e\u0301\u0301\u0301",
    "\ufeff",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 🧾",
    # long, yet the whole post stays under the 500 kB above which werkzeug's test client spools the body to
    # a temporary file it leaves open (a ResourceWarning of the client, not of the app)
    "x" * 20_000,
    "<script>alert('x')</script>",
    "' OR 1=1 --",
    "../../../../etc/passwd",
    "%00",
    "{{ 7*7 }}",
    "\r\n\r\nSet-Cookie: x=y",
]
HOSTILE_NUMBERS = [
    "-1",
    "0",
    "-0",
    "1e309",
    "NaN",
    "Infinity",
    "-Infinity",
    "1,5",
    "1.5",
    "1 000 000",
    "9" * 40,
    "0x10",
    "١٢٣",
    "2147483648",
    "-9223372036854775809",
    NOWHERE,
]
HOSTILE_DATES = ["2026-13-45", "31.02.2026", "0000-00-00", "9999-12-31T25:61", "i morgen", "2026-02-29"]
HOSTILE_VALUES = HOSTILE_TEXT + HOSTILE_NUMBERS + HOSTILE_DATES


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return buffer.getvalue()


_BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
        for i in range(1, 10)
    )
    + b"]><lolz>&lol9;</lolz>"
)
_EXTERNAL_ENTITY = b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>'
#: (file name, content): what a hostile or careless uploader sends
HOSTILE_FILES: list[tuple[str, bytes]] = [
    ("tom.zip", b""),
    ("tilfeldig.bin", os.urandom(2048)),
    ("bombe.zip", _zip({"arkivstruktur.xml": b"0" * 50_000_000})),
    ("nøstet.zip", _zip({"inne.zip": _zip({"inne2.zip": _zip({"a.xml": b"<a/>"})})})),
    ("latter.xml", _BILLION_LAUGHS),
    ("ekstern.xml", _EXTERNAL_ENTITY),
    ("uttrekk.zip", _zip({"arkivstruktur.xml": _BILLION_LAUGHS, "../../utenfor.txt": b"x"})),
    ("ødelagt.xlsx", _zip({"[Content_Types].xml": b"<Types", "xl/workbook.xml": b"\x00\x01"})),
    ("ikke-en-arbeidsbok.xlsx", b"PK\x03\x04" + os.urandom(500)),
    ("espd.xml", b"<?xml version='1.0'?><QualificationApplicationResponse><x>" + b"\xff\xfe" + b"</x>"),
    ("skript.pdf.exe", b"MZ" + os.urandom(200)),
    ("../../etc/passwd", b"root:x:0:0"),
    ("\x00.pdf", b"%PDF-1.4\n"),
    ("a" * 400 + ".pdf", b"%PDF-1.4\n%%EOF"),
]


# -- the recipes: forms found on pages -----------------------------------------------------------------------
@dataclass
class Form:
    action: str
    fields: list[tuple[str, str]] = field(default_factory=list)
    #: per field name, the choices a select or radio group offers
    choices: dict[str, list[str]] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)


class _Forms(HTMLParser):
    def __init__(self, page_url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            if a.get("method", "get").lower() == "post":
                self._form = Form(action=a.get("action") or self.page_url)
            return
        form = self._form
        if form is None:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind == "file":
                form.files.append(name)
            elif kind in ("checkbox", "radio"):
                form.choices.setdefault(name, []).append(a.get("value", "on"))
                if "checked" in a:
                    form.fields.append((name, a.get("value", "on")))
            elif kind not in ("submit", "button", "image", "reset"):
                form.fields.append((name, a.get("value", "")))
        elif tag == "select" and name:
            self._select = name
            form.choices.setdefault(name, [])
        elif tag == "option" and self._select:
            form.choices[self._select].append(a.get("value", ""))
            if "selected" in a:
                form.fields.append((self._select, a.get("value", "")))
        elif tag == "textarea" and name:
            self._textarea = name
            form.fields.append((name, ""))
        elif tag == "button" and name and a.get("type", "submit") == "submit":
            form.choices.setdefault(name, []).append(a.get("value", ""))

    def handle_data(self, data: str) -> None:
        if self._textarea and self._form is not None:
            name, value = self._form.fields[-1]
            self._form.fields[-1] = (name, value + data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def forms_on(html: str, page_url: str) -> list[Form]:
    parser = _Forms(page_url)
    parser.feed(html)
    return parser.forms


def test_the_form_reader_finds_fields_choices_files_and_buttons() -> None:
    html = """
    <form method="get" action="/sok"><input name="q"></form>
    <form method="post" action="/x/lagre" enctype="multipart/form-data">
      <input type="hidden" name="csrf_token" value="t">
      <input name="title" value="Tittel">
      <textarea name="text">Linje</textarea>
      <select name="kind"><option value="a">A</option><option value="b" selected>B</option></select>
      <input type="checkbox" name="ok" value="ja" checked>
      <input type="file" name="upload">
      <button type="submit" name="action" value="lagre">Lagre</button>
    </form>"""
    (form,) = forms_on(html, "/side")
    assert form.action == "/x/lagre"
    assert form.fields == [
        ("csrf_token", "t"),
        ("title", "Tittel"),
        ("text", "Linje"),
        ("kind", "b"),
        ("ok", "ja"),
    ]
    assert form.choices == {"kind": ["a", "b"], "ok": ["ja"], "action": ["lagre"]}
    assert form.files == ["upload"]


# -- the strategies ------------------------------------------------------------------------------------------
def _value_strategy(original: str, choices: list[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.just(original),
        st.sampled_from(choices) if choices else st.just(original),
        st.sampled_from(HOSTILE_VALUES),
        st.text(max_size=40),
        st.integers(min_value=-(10**20), max_value=10**20).map(str),
        st.floats(allow_nan=True, allow_infinity=True).map(lambda f: str(f).replace(".", ",")),
    )


@st.composite
def variants(draw: Any, form: Form) -> tuple[list[tuple[str, Any]], bool]:
    """One hostile variant of ``form``: (fields to post, whether the CSRF token is left out)."""
    posted: list[tuple[str, Any]] = []
    names = list(dict.fromkeys([n for n, _ in form.fields] + list(form.choices)))
    originals = dict(form.fields)
    for name in names:
        if name == "csrf_token":
            continue
        how = draw(st.sampled_from(["keep", "fuzz", "fuzz", "drop", "repeat"]))
        original = originals.get(name, (form.choices.get(name) or [""])[0])
        if how == "drop":
            continue
        if how == "keep":
            posted.append((name, original))
            continue
        value = draw(_value_strategy(original, form.choices.get(name, [])))
        posted.append((name, value))
        if how == "repeat":
            posted.append((name, draw(_value_strategy(original, form.choices.get(name, [])))))
    for name in form.files:
        if draw(st.booleans()):
            filename, content = draw(st.sampled_from(HOSTILE_FILES))
            posted.append((name, (io.BytesIO(content), filename)))
    # a field the form does not have
    if draw(st.booleans()):
        posted.append((draw(st.sampled_from(["id", "tender_id", "vendor_id", "bid_id", "x"])), NOWHERE))
    return posted, draw(st.integers(min_value=0, max_value=9)) == 0


# -- the markers ---------------------------------------------------------------------------------------------
def vendor_markers() -> dict[str, set[str]]:
    """Per vendor e-mail (its user's login), the strings that are that vendor's own and no one else's."""
    from tender.demo.stages import BIDDERS
    from tender.extensions import db
    from tender.vendors.models import Vendor

    markers: dict[str, set[str]] = {}
    for bidder in BIDDERS:
        vendor = db.session.scalars(select(Vendor).where(Vendor.organisasjonsnummer == bidder.orgnr)).first()
        own = {bidder.system, bidder.person, bidder.email, *bidder.reservations.values()}
        if vendor is not None:
            own.add(vendor.name)
        markers[bidder.email] = {m for m in own if m}
    return markers


def _found(body: str, markers: set[str]) -> list[str]:
    return sorted(m for m in markers if m in body)


def audit_length() -> int:
    from tender.audit import AuditEvent
    from tender.extensions import db

    db.session.expire_all()
    return int(db.session.scalar(select(func.max(AuditEvent.seq))) or 0)


def events_after(seq: int) -> list[str]:
    """The types of the audit events recorded after ``seq``."""
    from tender.audit import AuditEvent
    from tender.extensions import db

    return list(db.session.scalars(select(AuditEvent.event_type).where(AuditEvent.seq > seq)))


#: what a refusal may still record: a vendor's attempt after the deadline is kept in the trail on purpose
#: (issue 9: the opening record lists late attempts), while the change itself is rolled back
KEPT_ON_REFUSAL = ("late_attempt",)


# -- the run -------------------------------------------------------------------------------------------------
@dataclass
class Person:
    role: str
    email: str | None  # None: anonymous


def _people() -> list[Person]:
    from tender.demo import EVALUATORS, LEAD, OBSERVER, SIGNERS
    from tender.demo.stages import BIDDERS

    return [
        Person("prosjektleder", LEAD[0]),
        Person("evaluator", EVALUATORS[0][0]),
        Person("godkjenner", next(iter(SIGNERS.values()))[0]),
        Person("observatør", OBSERVER[0]),
        Person("leverandør A", BIDDERS[0].email),
        Person("leverandør B", BIDDERS[1].email),
        Person("anonym", None),
    ]


class Fuzzer:
    def __init__(self, app: Any, client: Any, isolated: Callable[[], Any], tender: Any, sealed: bool) -> None:
        self.app = app
        self.client = client
        self.isolated = isolated
        self.tender = tender
        self.sealed = sealed
        self.values = _values(tender)
        self.markers = vendor_markers()
        self.failures: list[str] = []
        self.requests = 0
        self.current: Person | None = None

    # sessions
    def login(self, person: Person) -> None:
        from tender.demo import DEMO_PASSWORD

        self.client.post("/logg-ut", data={"csrf_token": self.token()})
        self._token = None
        self.current = person
        if person.email is None:
            return
        page = self.client.get("/logg-inn").get_data(as_text=True)
        response = self.client.post(
            "/logg-inn",
            data={"email": person.email, "password": DEMO_PASSWORD, "csrf_token": csrf_from(page)},
        )
        assert response.status_code == 302, person

    def token(self) -> str:
        """The session's CSRF token (one per login, as a browser's forms carry it)."""
        if getattr(self, "_token", None) is None:
            page = self.client.get("/logg-inn", follow_redirects=True).get_data(as_text=True)
            self._token = csrf_from(page)
        assert self._token is not None
        return self._token

    # the walk
    def urls(self) -> Iterator[tuple[str, str]]:
        for rule in self.app.url_map.iter_rules():
            if "GET" not in (rule.methods or ()) or rule.endpoint in NOT_FOR_READING:
                continue
            names = sorted(rule.arguments)
            if any(n not in self.values for n in names):
                continue
            for combo in product(*(self.values[n] for n in names)):
                url = rule.rule
                for name, value in zip(names, combo, strict=True):
                    url = re.sub(rf"<(?:\w+:)?{name}>", value, url)
                yield rule.endpoint, url

    def collect(self) -> dict[str, Form]:
        """The forms every page shows this person, one per action (the first found)."""
        found: dict[str, Form] = {}
        for _, url in self.urls():
            response = self.client.get(url)
            self.requests += 1
            if response.status_code == 200 and response.mimetype == "text/html":
                self.check(f"GET {url}", response)
                for form in forms_on(response.get_data(as_text=True), url):
                    action = urlsplit(form.action).path
                    if action.startswith("/") and action not in ("/logg-ut",):
                        found.setdefault(action, form)
            response.close()
        return found

    # the checks
    def check(self, what: str, response: Any) -> None:
        body = (
            response.get_data(as_text=True)
            if response.mimetype.startswith(("text/", "application/json"))
            else ""
        )
        who = self.current.role if self.current else "?"
        if response.status_code >= 500 and response.status_code != 503:
            self.failures.append(f"{who} {what}: {response.status_code}")
        if "Traceback (most recent call last)" in body:
            self.failures.append(f"{who} {what}: traceback in the body")
        headers = "\n".join(f"{k}: {v}" for k, v in response.headers.items())
        seen = body + headers
        me = self.current.email if self.current else None
        for email, markers in self.markers.items():
            if email == me:
                continue
            if me in self.markers or me is None:
                # a vendor or an anonymous visitor must never see another vendor's bid
                leaked = _found(seen, markers - self._public(email))
            elif self.sealed:
                leaked = _found(seen, self._bid_markers(email))
            else:
                leaked = []
            if leaked:
                self.failures.append(f"{who} {what}: shows {email}'s {leaked}")

    def _public(self, email: str) -> set[str]:
        """What the group publishes of a vendor before the award: nothing (the invited list is not public)."""
        return set()

    def _bid_markers(self, email: str) -> set[str]:
        """What only a vendor's bid says: its reservations (its name and system the group knows from the
        prequalification request)."""
        from tender.demo.stages import BIDDERS

        bidder = next(b for b in BIDDERS if b.email == email)
        return set(bidder.reservations.values())

    # the posts
    def post(self, action: str, posted: list[tuple[str, Any]], *, csrf: bool) -> None:
        from werkzeug.datastructures import MultiDict

        data = MultiDict(posted)
        if csrf:
            data.add("csrf_token", self.token())
        with self.isolated():
            before = audit_length()
            response = self.client.post(action, data=data, content_type="multipart/form-data")
            self.requests += 1
            self.check(f"POST {action} {_short(posted)}", response)
            if 400 <= response.status_code < 500:
                changed = [e for e in events_after(before) if not e.endswith(KEPT_ON_REFUSAL)]
                if changed:
                    self.failures.append(
                        f"{self.current.role if self.current else '?'} POST {action}: refused "
                        f"({response.status_code}) yet the audit trail records {changed}"
                    )
            response.close()

    def fuzz_form(self, form: Form, examples: int) -> None:
        action = urlsplit(form.action).path

        @settings(
            max_examples=examples,
            derandomize=True,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(variants(form))
        def run(variant: tuple[list[tuple[str, Any]], bool]) -> None:
            posted, no_csrf = variant
            self.post(action, posted, csrf=not no_csrf)

        run()

    def blind(self, rule: Any, examples: int) -> None:
        """A POST route no page offered: its ids filled in (real ones and ones that do not exist)."""
        names = sorted(rule.arguments)
        real = [(self.values.get(n) or [NOWHERE])[0] for n in names]
        urls = []
        for combo in (real, [NOWHERE] * len(names)):
            url = rule.rule
            for name, value in zip(names, combo, strict=True):
                url = re.sub(rf"<(?:\w+:)?{name}>", value, url)
            urls.append(url)
        blank = Form(action="", fields=[(n, "") for n in ("name", "title", "text", "value", "score")])
        for url in urls:
            blank.action = url
            self.fuzz_form(blank, examples)


def _short(posted: list[tuple[str, Any]]) -> str:
    parts = []
    for name, value in posted:
        shown = value[1] if isinstance(value, tuple) else value
        parts.append(f"{name}={str(shown)[:30]!r}")
    return "{" + ", ".join(parts)[:300] + "}"


def _fuzz_stage(app: Any, client: Any, isolated: Callable[[], Any], tender: Any, *, sealed: bool) -> Fuzzer:
    fuzzer = Fuzzer(app, client, isolated, tender, sealed)
    people = _people()
    recipes: dict[str, tuple[Person, Form]] = {}
    for person in people:
        fuzzer.login(person)
        for action, form in fuzzer.collect().items():
            recipes.setdefault(action, (person, form))
            fuzzer.fuzz_form(form, EXAMPLES)
    # every other person posts each form found (the roles that must be refused)
    by_person: dict[str, list[Form]] = {}
    for _action, (owner, form) in recipes.items():
        by_person.setdefault(owner.role, [])
        for person in people:
            if person is not owner:
                by_person.setdefault(person.role, []).append(form)
    for person in people:
        fuzzer.login(person)
        for form in by_person.get(person.role, []):
            fuzzer.fuzz_form(form, 1)
    # every POST route: those no page offered get blind posts from the lead, a vendor and a visitor
    offered = {_endpoint(app, action) for action in recipes}
    blind = []
    for rule in app.url_map.iter_rules():
        if "POST" not in (rule.methods or ()) or rule.endpoint in offered:
            continue
        blind.append(rule)
    for person in (people[0], people[4], people[-1]):  # the group's lead, a vendor, an anonymous visitor
        fuzzer.login(person)
        for rule in blind:
            fuzzer.blind(rule, 1)
            offered.add(rule.endpoint)
    every = {r.endpoint for r in app.url_map.iter_rules() if "POST" in (r.methods or ())}
    assert every <= offered, sorted(every - offered)
    return fuzzer


def _endpoint(app: Any, path: str) -> str | None:
    adapter = app.url_map.bind("localhost")
    try:
        endpoint, _ = adapter.match(path, method="POST")
    except Exception:
        return None
    return str(endpoint)


def _build(runner: Any, stage: str) -> Any:
    result = runner.invoke(args=["demo", "--stage", stage])
    assert result.exit_code == 0, result.output
    from tender.demo.stages import demo_tender

    tender = demo_tender()
    assert tender is not None
    return tender


@pytest.mark.slow
@pytest.mark.parametrize("stage", ["published", "bids", "scored"])
def test_no_fuzzed_form_or_upload_gives_a_500_or_shows_another_vendors_data(
    app, client, runner, isolated, stage
) -> None:
    tender = _build(runner, stage)
    fuzzer = _fuzz_stage(app, client, isolated, tender, sealed=(stage == "bids"))
    assert fuzzer.requests > 500  # the walk and the posts reached the app
    assert fuzzer.failures == [], "\n".join(fuzzer.failures[:60])
