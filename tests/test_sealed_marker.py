"""Sealed means sealed (issue 9, point 3): before the opening no one in the procurement group finds anything
of a bid, by any route.

A tender with the specification published and the evaluation model locked gets two submitted bids, a draft
that is never submitted, attachments (one of them removed again), reservations, a late attempt and Noark
samples. Every text, file name and file content the vendors put in carries one unique marker. Then every GET
route of the app (read from ``app.url_map``, with the ids of this tender's objects filled in, plus the audit
trail's filters and the specification's search) is requested by every role of the group, with the clock before
the deadline and after it with the bids still unopened, and the marker must be in no response: not in HTML,
JSON, CSV or headers (file names), not inside an Excel workbook's XML, not in a PDF's text. Two more
things are checked on the way:

- no query reads a bid or sample table while the group's request is answered, so nothing, the time a response
  takes included, can depend on whether a bid exists;
- a route given the id of a real bid, attachment or sample answers exactly as for an id that does not exist.

At the end the bids are opened and the same detector finds the marker where the group now may look: it can
fail.

The vendors come in as issue 9 point 1 has them come in, by their own registration: the events that name them
are their own, and the group's audit trail must name none of them before the opening.
"""

from __future__ import annotations

import io
import re
import subprocess
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from tender.tenders.models import Role
from tests.evaluation_helpers import AFTER, BEFORE, DEADLINE, ORGNR, small_spec

MARKER = "QZX7-forseglet-merke-41c9"
VENDOR_NAMES = ["Merkesak Arkiv AS", "Merkesak Skyløsninger AS", "Merkesak Utkast AS"]
#: a vendor the lead added to the tender that has done nothing: what a probe for a vendor must look like
IDLE_VENDOR = "Merkesak Tilskuer AS"
#: an id no row has
NOWHERE = "10000000"


@dataclass
class Sealed:
    tender: Any
    lead: Any
    evaluator: Any
    signer: Any
    observer: Any
    vendors: list[Any]
    sellers: list[Any]
    bids: list[Any]
    attachments: list[Any]
    samples: list[Any]
    links: list[Any]
    items: list[Any]
    idle: Any = None
    values: dict[str, list[str]] = field(default_factory=dict)

    @property
    def nothing(self) -> dict[str, str]:
        """Per object-id argument, the value that stands for "no bid, no sample here"."""
        return {
            "bid_id": NOWHERE,
            "attachment_id": NOWHERE,
            "sample_id": NOWHERE,
            "vendor_id": str(self.idle.id),
        }

    @property
    def roles(self) -> dict[str, Any]:
        return {
            "lead": self.lead,
            "evaluator": self.evaluator,
            "signer": self.signer,
            "observer": self.observer,
        }


def _marked_extract(tmp_path: Path, letter: str) -> bytes:
    """A real Noark 5 extract with the marker in a file's name and content inside the zip."""
    from tests.test_noark_tasks import zipped_extract

    path = zipped_extract(tmp_path / f"uttrekk-{letter}")
    with zipfile.ZipFile(path, "a") as zf:
        zf.writestr(f"merknad-{MARKER}-{letter}.txt", f"Leverandør {letter}: {MARKER}\n")
    return path.read_bytes()


def _bid(app: Any, db: Any, s: Sealed, index: int, extract: bytes, *, submit: bool) -> Any:
    """Vendor ``index`` fills in its bid, attaches files (removing one again), uploads its Noark sample into
    the bid (issue 9 point 4: before the submission, which seals it) and, if ``submit``, submits."""
    from tender.bids import operations as bid_ops
    from tender.noark import operations as noark_ops
    from tender.noark.operations import run_validation

    letter = "ABC"[index]
    tender, vendor, seller = s.tender, s.vendors[index], s.sellers[index]
    content = bid_ops.published_spec(tender)
    bid = bid_ops.ensure_bid(tender, vendor, at=BEFORE, actor=seller)
    answers = [
        bid_ops.AnswerInput(
            r.id,
            "Ja",
            description=f"{MARKER} beskrivelse {letter} {r.id}",
            documentation_ref=f"Dokument {MARKER}-{letter}",
            reservation=(n == 0),
            reservation_text=f"Forbehold {MARKER} {letter}" if n == 0 else "",
        )
        for n, r in enumerate(content.requirements)
    ]
    items = {i.name: i for i in s.items}
    prices: dict[tuple[int, int | None], Decimal] = {
        (items["Lisenser og innføring"].id, None): Decimal(900_000 + index)
    }
    for m in tender.participating_municipalities:
        prices[(items["Drift og vedlikehold"].id, m.id)] = Decimal(100_000 + index)
    bid_ops.save_draft(tender, bid, answers=answers, prices=prices, at=BEFORE, actor=seller)
    s.attachments.append(
        bid_ops.add_attachment(
            tender,
            bid,
            filename=f"vedlegg-{MARKER}-{letter}.pdf",
            content_type="application/pdf",
            data=f"%PDF-1.4 vedlegg {MARKER} {letter}".encode(),
            at=BEFORE,
            actor=seller,
        )
    )
    gone = bid_ops.add_attachment(
        tender,
        bid,
        filename=f"feil-{MARKER}-{letter}.docx",
        content_type="application/msword",
        data=f"feil {MARKER}".encode(),
        at=BEFORE,
        actor=seller,
    )
    bid_ops.delete_attachment(tender, bid, gone, at=BEFORE, actor=seller)
    db.session.commit()
    sample = noark_ops.store_upload(
        tender,
        vendor,
        io.BytesIO(extract),
        f"uttrekk-{MARKER}-{letter}.zip",
        max_bytes=int(app.config["NOARK_MAX_UPLOAD_BYTES"]),
        actor=seller,
    )
    db.session.commit()
    run_validation(sample.id)
    s.samples.append(sample)
    if submit:
        bid_ops.submit(tender, bid, at=BEFORE, actor=seller)
    db.session.commit()
    return bid


def _registered(app: Any, db: Any, smtp_port: int, tender: Any, index: int) -> tuple[Any, Any]:
    """Vendor ``index`` comes in by its own registration on the announcement page, confirmed by the link sent
    to its address (the token is taken from the URL put in the mail): the vendor and its administrator."""
    from tender.vendors import operations as vendor_ops

    letter = "ABC"[index]
    tokens: list[str] = []

    def confirm_url(token: str) -> str:
        tokens.append(token)
        return f"http://localhost/leverandor/bekreft/{token}"

    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_port)
    try:
        vendor_ops.register(
            tender,
            organisasjonsnummer=ORGNR[index],
            vendor_name=VENDOR_NAMES[index],
            name=f"Selger {letter}",
            email=f"selger.{letter.lower()}@merkesak.no",
            password="selgerens-eget-passord",
            confirm_url=confirm_url,
        )
        db.session.commit()
        confirmation = vendor_ops.confirm(tokens[-1])
        db.session.commit()
    finally:
        app.config.update(MAIL_SERVER="")
    assert confirmation.accepted
    registration = confirmation.registration
    return registration.vendor, registration.user


@pytest.fixture
def sealed(app, db, clock, create_tender, create_user, add_member, tmp_path, smtp_server) -> Sealed:
    from tender.bids import operations as bid_ops
    from tender.evaluation_model import operations as model_ops
    from tender.noark import operations as noark_ops
    from tender.requirements import operations as spec_ops
    from tender.tenders import operations as tender_ops
    from tests.evaluation_helpers import build_model, publish_spec

    tender = create_tender(bid_deadline=DEADLINE)
    lead = tender.memberships[0].user
    items = build_model(
        tender, lead
    )  # the price schedule goes out with the specification: set before publication
    publish_spec(db, tender, lead, add_member, small_spec())
    signer = next(m.user for m in tender.memberships if m.role is Role.SIGNER)
    vendors, sellers = [], []
    for i in range(len(VENDOR_NAMES)):
        vendor, seller = _registered(app, db, smtp_server[0], tender, i)
        vendors.append(vendor)
        sellers.append(seller)
    idle = tender_ops.register_vendor(tender, name=IDLE_VENDOR, organisasjonsnummer=ORGNR[3], actor=lead)
    evaluator = add_member(tender, Role.EVALUATOR, create_user(name="Eva Evaluator"))
    observer = add_member(tender, Role.OBSERVER, create_user(name="Olav Observatør"))
    model_ops.freeze(tender, at=BEFORE - timedelta(days=10), actor=lead)
    link = noark_ops.link_requirement(tender, "R0001", actor=lead)
    db.session.commit()
    s = Sealed(tender, lead, evaluator, signer, observer, vendors, sellers, [], [], [], [link], items, idle)

    clock.set(BEFORE)
    s.bids = [
        _bid(app, db, s, i, _marked_extract(tmp_path, letter), submit=i < 2) for i, letter in enumerate("ABC")
    ]
    bid_ops.record_late_attempt(tender, vendors[2], action="submit", at=AFTER, actor=sellers[2])
    bid_ops.record_late_attempt(tender, vendors[1], action="sample", at=AFTER, actor=sellers[1])
    db.session.commit()

    spec = spec_ops.specification_of(tender)
    content = bid_ops.published_spec(tender)
    s.values = {
        "tender_id": [str(tender.id)],
        "bid_id": [str(b.id) for b in s.bids],
        "attachment_id": [str(a.id) for a in s.attachments],
        "sample_id": [str(x.id) for x in s.samples],
        "key": sorted(
            {r.id for r in content.requirements}
            | {c.id for c in content.chapters}
            | {c.key for c in model_ops.criteria_of(tender)}
        ),
        "number": [str(v.number) for v in spec.versions],
        "vendor_id": [str(v.id) for v in [*vendors, idle]],
        "membership_id": [str(m.id) for m in tender.memberships],
        "item_id": [str(i.id) for i in items],
        "link_id": [str(link.id)],
        # the announcement page the vendors registered from is walked with its real link
        "token": ["en-lenke-som-ikke-finnes", tender.announcement_token],
        "filename": ["tender.css"],
        "direction": ["opp", "ned"],
        "action": ["opp", "ned", "slett"],
        # the prequalification's routes: this tender has none, so ids no row has (the prequalification's own
        # sealing test, tests/test_sealed_marker_prequalification.py, probes real ids)
        "request_id": [NOWHERE],
        "document_id": [NOWHERE],
        "clarification_id": [NOWHERE],
        # questions and answers are not sealed (the group reads them); this tender has none
        "question_id": [NOWHERE],
        # the notices of award exist only after the award (long after the opening); ids no row has
        "notice_id": [NOWHERE],
        # the letters of a reduction: none can exist before the opening (a reduction needs the round opened)
        "leaving_id": [NOWHERE],
        # the award's recommendation: none can exist before the opening (its pages need the bids opened)
        "rec_id": [NOWHERE],
        # the municipality register (an administrator's pages): this tender's municipalities
        "municipality_id": [str(m.id) for m in tender.participating_municipalities],
    }
    return s


# -- the walk ------------------------------------------------------------------------------------------------
#: the arguments whose values name a bid, a sample or a vendor: probed against :attr:`Sealed.nothing`
OBJECT_IDS = ("bid_id", "attachment_id", "sample_id", "vendor_id")
_ARG = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


@dataclass(frozen=True)
class Probe:
    """One URL to request, and how to build the same URL with other ids (to probe with ids that do not
    exist)."""

    endpoint: str
    template: str
    args: dict[str, str]

    @property
    def url(self) -> str:
        return self.with_args(self.args)

    def with_args(self, args: dict[str, str]) -> str:
        return _ARG.sub(lambda m: args[m.group(1)], self.template)

    @property
    def object_ids(self) -> list[str]:
        return [name for name in self.args if name in OBJECT_IDS]


def get_urls(app: Any, s: Sealed, include: Callable[[str], bool]) -> list[Probe]:
    """Every GET route whose endpoint ``include`` takes, with every combination of this tender's ids; plus the
    audit trail's filters and the specification's search."""
    from itertools import product

    probes: list[Probe] = []
    for rule in app.url_map.iter_rules():
        if "GET" not in (rule.methods or ()) or not include(rule.endpoint):
            continue
        names = sorted(rule.arguments)
        unknown = [n for n in names if n not in s.values]
        assert not unknown, (
            f"{rule.rule}: this test has no value for {unknown}; add this tender's ids for it to "
            f"Sealed.values so the walk stays complete"
        )
        for combo in product(*(s.values[n] for n in names)):
            probes.append(Probe(rule.endpoint, rule.rule, dict(zip(names, combo, strict=True))))
    trail = "/konkurranser/<int:tender_id>/revisjonsspor"
    t = {"tender_id": str(s.tender.id)}
    if include("audit.trail"):
        for query in [
            "?type=bid.submitted",
            "?type=bid.created",
            "?type=bid.attachment_added",
            "?type=bid.late_attempt",
            "?type=noark.sample_uploaded",
            "?objekttype=bid",
            "?objekttype=bid_attachment",
            "?objekttype=noark_sample",
            "?side=2",
        ]:
            probes.append(Probe("audit.trail", trail + query, t))
        for b in s.bids:
            probes.append(
                Probe("audit.trail", trail + "?objekttype=bid&objekt=<bid_id>", {**t, "bid_id": str(b.id)})
            )
        for x in s.samples:
            probes.append(
                Probe(
                    "audit.trail",
                    trail + "?objekttype=noark_sample&objekt=<sample_id>",
                    {**t, "sample_id": str(x.id)},
                )
            )
    if include("requirements.index"):  # words of the vendors' texts (the marker itself would be echoed back)
        for word in ("beskrivelse", "Forbehold", "Dokument", "vedlegg"):
            probes.append(Probe("requirements.index", f"/konkurranser/<int:tender_id>/krav?q={word}", t))
    return probes


def fetch(client: Any, url: str) -> Any:
    """GET, with the body read and the response closed (a file it streams from is closed again)."""
    response = client.get(url)
    response.get_data()
    response.close()
    return response


def texts_of(response: Any) -> str:
    """Everything a person could read in a response: headers, body, an Excel's XML parts, a PDF's text."""
    body: bytes = response.get_data()
    parts = [str(response.headers), body.decode("utf-8", "replace")]
    if body[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(body)) as zf:
            parts += [zf.read(name).decode("utf-8", "replace") for name in zf.namelist()]
    if body[:4] == b"%PDF":
        done = subprocess.run(["pdftotext", "-q", "-", "-"], input=body, capture_output=True, timeout=60)
        text = done.stdout.decode("utf-8", "replace")
        parts += [text, re.sub(r"\s+", "", text)]  # a long word may be broken over two lines
    return "\n".join(parts)


def sealed_tables() -> list[str]:
    """The tables that hold bids and samples (the opening's own tables are the seal, and may be read)."""
    from tender.extensions import db

    return sorted(
        t
        for t in db.metadata.tables
        if (t.startswith("bid") and not t.startswith("bid_opening")) or "sample" in t
    )


def _reads() -> re.Pattern[str]:
    """Finds the bid and sample tables a statement names."""
    return re.compile(r"\b(" + "|".join(map(re.escape, sealed_tables())) + r")\b")


@pytest.fixture
def statements(db: Any) -> Iterator[list[str]]:
    """The SQL statements run on the test's connection, as they happen."""
    seen: list[str] = []

    def listen(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement)

    event.listen(db.test_connection, "before_cursor_execute", listen)
    try:
        yield seen
    finally:
        event.remove(db.test_connection, "before_cursor_execute", listen)


def _normalised(response: Any) -> tuple[int, str]:
    text = (
        response.get_data(as_text=True) if response.mimetype.startswith(("text/", "application/json")) else ""
    )
    text = re.sub(r'name="csrf_token"[^>]*value="[^"]*"', "", text)
    return response.status_code, re.sub(r"\d+", "#", text)


def walk_before_the_opening(
    app: Any,
    client: Any,
    login_as: Any,
    clock: Any,
    s: Sealed,
    statements: list[str],
    include: Callable[[str], bool],
) -> list[str]:
    """Every route as every group role, before the deadline and after it: the problems found, all of them."""
    from tender.bids import operations as bid_ops

    reads = _reads()
    urls = get_urls(app, s, include)
    assert urls
    problems: list[str] = []
    for moment, when in ((BEFORE, "før fristen"), (AFTER, "etter fristen, før åpningen")):
        clock.set(moment)
        assert bid_ops.opening_of(s.tender) is None
        for role, user in s.roles.items():
            login_as(user)
            for probe in urls:
                url = probe.url
                del statements[:]
                response = fetch(client, url)
                where = f"{role}, {when}: GET {url}"
                if response.status_code >= 500:
                    problems.append(f"{where} gives {response.status_code}")
                if MARKER in texts_of(response):
                    problems.append(f"{where} shows the marker ({response.status_code} {response.mimetype})")
                touched = sorted({m.group(1) for st in statements for m in reads.finditer(st)})
                if touched:
                    problems.append(f"{where} reads {touched} before the opening")
                for name in probe.object_ids:
                    if probe.args[name] == s.nothing[name]:
                        continue
                    other = fetch(client, probe.with_args({**probe.args, name: s.nothing[name]}))
                    if _normalised(other) != _normalised(response):
                        problems.append(
                            f"{where} answers {response.status_code} for a real {name}, "
                            f"{other.status_code} for {s.nothing[name]}, which has no bid or sample"
                        )
    return problems


def post_probes(app: Any, s: Sealed, include: Callable[[str], bool]) -> list[Probe]:
    """Every POST route that names a bid, an attachment, a sample or a vendor, once per real object; its other
    arguments get one criterion and one minimum requirement (the keys a bid is scored and checked by)."""
    from itertools import product

    fixed = {**s.values, "key": ["arkiv", "R0001"]}
    probes: list[Probe] = []
    for rule in app.url_map.iter_rules():
        if (
            "POST" not in (rule.methods or ())
            or not include(rule.endpoint)
            or not set(rule.arguments) & set(OBJECT_IDS)
        ):
            continue
        names = sorted(rule.arguments)
        unknown = [n for n in names if n not in fixed]
        assert not unknown, f"{rule.rule}: this test has no value for {unknown}"
        for combo in product(*(fixed[n] for n in names)):
            args = dict(zip(names, combo, strict=True))
            if all(args[n] != s.nothing[n] for n in args if n in OBJECT_IDS):
                probes.append(Probe(rule.endpoint, rule.rule, args))
    return probes


def post_before_the_opening(
    app: Any,
    client: Any,
    forms: Any,
    login_as: Any,
    clock: Any,
    s: Sealed,
    statements: list[str],
    include: Callable[[str], bool],
) -> list[str]:
    """Every such POST as every group role, with a real object and with :attr:`Sealed.nothing`: the answers
    (status, and the page it leads to with its message) must be the same, never show the marker, and come
    without reading a bid or sample."""
    reads = _reads()
    problems: list[str] = []
    probes = post_probes(app, s, include)
    assert probes
    for moment, when in ((BEFORE, "før fristen"), (AFTER, "etter fristen, før åpningen")):
        clock.set(moment)
        for role, user in s.roles.items():
            login_as(user)
            for probe in probes:
                where = f"{role}, {when}: POST {probe.url}"
                token = forms.token("/")
                del statements[:]
                real = client.post(probe.url, data={"csrf_token": token}, follow_redirects=True)
                touched = sorted({m.group(1) for st in statements for m in reads.finditer(st)})
                if touched:
                    problems.append(f"{where} reads {touched} before the opening")
                blank = {**probe.args, **{n: s.nothing[n] for n in probe.object_ids}}
                other = forms.post(probe.with_args(blank), {}, follow=True)
                for response in (real, other):
                    response.close()
                if real.status_code >= 500:
                    problems.append(f"{where} gives {real.status_code}")
                if MARKER in texts_of(real):
                    problems.append(f"{where} leads to a page that shows the marker")
                if _normalised(real) != _normalised(other):
                    problems.append(
                        f"{where} answers {real.status_code} for a real object, {other.status_code} "
                        f"for {probe.with_args(blank)}, which has no bid or sample"
                    )
    return problems


# -- the tests -----------------------------------------------------------------------------------------------
def _not_noark(endpoint: str) -> bool:
    return not endpoint.startswith("noark.")


def _noark(endpoint: str) -> bool:
    return endpoint.startswith("noark.")


def test_before_the_opening_no_group_member_finds_anything_of_a_bid_on_any_page_or_export(
    app, client, login_as, clock, sealed, statements
) -> None:
    problems = walk_before_the_opening(app, client, login_as, clock, sealed, statements, _not_noark)
    assert not problems, "\n".join(problems)


def test_before_the_opening_no_group_member_finds_anything_of_a_noark_sample(
    app, client, login_as, clock, sealed, statements
) -> None:
    """The Noark pages on their own: the samples are part of the sealed bid (issue 9 point 4)."""
    problems = walk_before_the_opening(app, client, login_as, clock, sealed, statements, _noark)
    assert not problems, "\n".join(problems)


def test_before_the_opening_an_action_on_a_bid_answers_as_if_there_were_none(
    app, client, forms, login_as, clock, sealed, statements
) -> None:
    """Error messages: scoring, checking or rejecting a real bid says what it says for a bid that does not
    exist."""
    problems = post_before_the_opening(app, client, forms, login_as, clock, sealed, statements, _not_noark)
    assert not problems, "\n".join(problems)


def test_before_the_opening_an_action_on_a_sample_answers_as_if_there_were_none(
    app, client, forms, login_as, clock, sealed, statements
) -> None:
    """Confirming a vendor's Noark result or rerunning a sample must not tell whether the vendor has one."""
    problems = post_before_the_opening(app, client, forms, login_as, clock, sealed, statements, _noark)
    assert not problems, "\n".join(problems)


def test_before_the_opening_the_audit_trail_names_none_of_the_vendors(
    client, login_as, clock, sealed
) -> None:
    login_as(sealed.lead)
    for moment in (BEFORE, AFTER):
        clock.set(moment)
        html = client.get(f"/konkurranser/{sealed.tender.id}/revisjonsspor").get_data(as_text=True)
        assert "specification.published" in html  # the page shows the group's own events
        for secret in [*ORGNR[:3], *VENDOR_NAMES, *(u.email for u in sealed.sellers), MARKER]:
            assert secret not in html, secret


def test_the_walk_finds_the_marker_once_the_bids_are_opened(app, db, client, login_as, clock, sealed) -> None:
    """The detector can fail: after the opening the group reads the bids, their files and the whole trail."""
    from tender.bids import operations as bid_ops

    clock.set(AFTER)
    # the two-person opening (issue 9 point 2): an evaluator confirms, the lead's confirmation opens
    assert bid_ops.confirm_opening(sealed.tender, at=AFTER, actor=sealed.evaluator) is None
    assert bid_ops.confirm_opening(sealed.tender, at=AFTER, actor=sealed.lead) is not None
    db.session.commit()
    base = f"/konkurranser/{sealed.tender.id}"
    a, attachment = sealed.bids[0], sealed.attachments[0]
    for role in ("lead", "evaluator", "observer"):
        login_as(sealed.roles[role])
        assert MARKER in texts_of(fetch(client, f"{base}/evaluering/tilbud/{a.id}")), role
        download = fetch(client, f"{base}/evaluering/tilbud/{a.id}/vedlegg/{attachment.id}")
        assert download.status_code == 200 and MARKER in texts_of(download), role
    login_as(sealed.lead)
    trail = client.get(f"{base}/revisjonsspor").get_data(as_text=True)
    assert MARKER in trail and ORGNR[0] in trail and VENDOR_NAMES[0] in trail
    found = [p.url for p in get_urls(app, sealed, lambda e: True) if MARKER in texts_of(fetch(client, p.url))]
    assert f"{base}/evaluering/tilbud/{a.id}" in found
