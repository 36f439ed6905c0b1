"""WCAG 2.1 AA in a real Chromium (issue 17, point 7): axe-core on every page a person reaches, as every role.

The ``awarded`` demo holds every kind of page (the specification, prequalification, bids, evaluation,
negotiation, the award). Each role logs in once in its own browser context and walks the tender from its
list of tenders, following links as a person would, and axe-core (tests/axe.py) checks each page it reaches
(one address per page of the app's url map per role: the 221 requirement forms are one page). Anonymous
visitors check the login page, the announcement with its registration form and the invalid-link pages.

No page may have a **serious or critical** violation; the test prints every violation, of every impact,
with its elements when it fails. A last test holds the walk to the app's url map: every page the app serves
(a GET route answering HTML) is checked by some role, or is named below with the reason it is not, so a new
page cannot slip past.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest

from tender.demo import DEMO_PASSWORD, EVALUATORS, LEAD, OBSERVER, SIGNERS, VENDOR_USER
from tender.demo.stages import ENGLISH_BIDDER
from tests import axe
from tests.conftest import LiveServer, dispose, make_app, migrate

pytestmark = [pytest.mark.browser, pytest.mark.slow]

#: who walks the tender: a name for the report -> the demo login
ROLES = {
    "prosjektleder": LEAD[0],
    "observatør": OBSERVER[0],
    "evaluator": EVALUATORS[0][0],
    "signatar (Skien)": SIGNERS["4003"][0],
    "leverandør, vinner": "jonas.bakke@saksflyt.no",
    "leverandør, ikke valgt": VENDOR_USER[0],
    # the vendor reduced out during the negotiation: its letter (Brev om reduksjon) is its own page
    "leverandør, redusert": ENGLISH_BIDDER,
}

#: a route whose address ends so is a file to download, not a page
FILE_SUFFIXES = (".pdf", "/pdf", ".xlsx", ".json", ".csv", ".xml", ".zip")
#: GET routes without such an ending that still answer a file
DOWNLOADS = frozenset(
    {
        "static",
        "requirements.export_excel",
        "documents.download",
        "bids.download",
        "evaluation.attachment",
        "pq_request.download_document",
        "pq_assess.document",
        "pq_assess.answer_document",
        "questions.attachment",
        "questions.own_attachment",
        "health.check",  # /helse (once merged with the scale-out work): plain text for a monitor
    }
)
#: pages the walk through the awarded demo cannot reach, each with why and where it is checked instead
NOT_WALKED = {
    "evaluation.confirm_consensus": "before the consensus opens: tests/test_browser_keyboard.py checks it",
    "evaluation.reject_confirm": "a form's answer, not a link: tests/test_browser_keyboard.py checks it",
    "noark.request_sample": "while a request is written: the test of open forms below checks it",
}


#: the tender part of an address: each tender's pages are walked (the lead leads two)
TENDER = re.compile(r"^/konkurranser/\d+")
#: what differs between two people's copies of one page: the form token and the name in the header
SAME_FOR_EVERYONE = re.compile(r'<input[^>]*csrf_token[^>]*>|<span class="who">[^<]*</span>')


@dataclasses.dataclass
class Walk:
    #: role -> endpoint -> the address checked
    pages: dict[str, dict[str, str]]
    #: "role: address" -> its violations (every impact)
    violations: dict[str, list[axe.Violation]]


def html_endpoints(app: Any) -> set[str]:
    """The endpoints of every page the app serves: GET routes that answer HTML."""
    return {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods and rule.endpoint not in DOWNLOADS and not rule.rule.endswith(FILE_SUFFIXES)
    }


def log_in_as(page: Any, url: str, email: str, password: str = DEMO_PASSWORD) -> None:
    page.goto(url + "/logg-inn")
    page.get_by_label("E-postadresse").fill(email)
    page.get_by_label("Passord").fill(password)
    page.get_by_role("button", name="Logg inn").click()
    # the dashboard, in the language the person chose (the reduced demo vendor reads English)
    page.get_by_role("heading", name=re.compile(r"^(Mine konkurranser|My tenders)$")).wait_for()


def walk(
    page: Any,
    base: str,
    start: list[str],
    endpoint_of: Callable[[str], str | None],
    pages: set[str],
    found: dict[str, list[axe.Violation]],
    label: str,
    seen: set[str],
) -> dict[str, str]:
    """Follow the links from ``start`` breadth first, checking the first address of each page endpoint met
    in each tender; a link to a page already checked, a file or another site is not followed. ``seen``: the
    pages already checked, as their HTML less what differs from person to person (name, form token)."""
    checked: dict[str, str] = {}
    done: set[tuple[str, str]] = set()  # (endpoint, tender): each tender's copy of a page once
    refused: set[str] = set()

    def key(path: str) -> tuple[str, str] | None:
        endpoint = endpoint_of(path)
        if endpoint is None or endpoint not in pages:
            return None
        tender = TENDER.match(path)
        return endpoint, tender.group(0) if tender else ""

    queue = list(start)
    while queue:
        path = queue.pop(0)
        k = key(path)
        if k is None or k in done or path in refused:
            continue
        response = page.goto(base + path)
        assert response is not None and response.status < 500, f"{label}: {path}"
        if response.status != 200:
            # e.g. the draft tender's matrix before any bid: the page is checked where it has content
            refused.add(path)
            continue
        done.add(k)
        checked.setdefault(k[0], path)
        html = SAME_FOR_EVERYONE.sub("", page.content())
        if html not in seen:  # the same page seen by another role gets the same answer from axe
            seen.add(html)
            violations = axe.check(page)
            if violations:
                found[f"{label}: {path}"] = violations
        hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
        for href in hrefs:
            target = urlsplit(urljoin(base + path, href))
            if f"{target.scheme}://{target.netloc}" != base:
                continue
            link = target.path + (f"?{target.query}" if target.query else "")
            if key(link) not in done:
                queue.append(link)
    return checked


@pytest.fixture(scope="module")
def awarded(
    database_factory: Callable[[str], str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Any, LiveServer, list[str]]]:
    """The ``awarded`` demo behind a live server, with the addresses an anonymous visitor checks; beside it a
    tender of the same lead whose draft specification differs from its frozen version 1 (the demo's
    specification is published and cannot be edited any more, so its editing pages and a diff with content
    are this one's)."""
    from tender.bids import operations as bid_ops
    from tender.demo.stages import build_stage
    from tender.extensions import db
    from tender.requirements import operations as spec_ops
    from tender.tenders import operations as tender_ops
    from tender.tenders.models import Procedure, Role

    application = make_app(database_factory("tender_a11y"), tmp_path_factory.mktemp("a11y-instance"))
    migrate(application)
    with application.app_context():
        tender = build_stage("awarded")
        lead = tender.memberships[0].user
        content = bid_ops.published_spec(tender)
        assert content is not None
        draft = tender_ops.create_tender(
            title="Kravspesifikasjon under arbeid",
            case_reference="2026/0778",
            procedure=Procedure.OPEN,
            lead=lead,
        )
        spec_ops.replace_draft(draft, content, actor=lead, origin="test")
        spec_ops.freeze_version(draft, actor=lead)
        first = content.requirements[0]
        changed = dataclasses.replace(first, text=first.text + " Endringen skal vises i sammenligningen.")
        spec_ops.replace_draft(
            draft,
            dataclasses.replace(content, requirements=(changed, *content.requirements[1:])),
            actor=lead,
            origin="test",
        )
        invited = tender_ops.invite_member(
            draft,
            email="ny.observator@grenland-innkjop.no",
            name="Nina Ny",
            role=Role.OBSERVER,
            municipality=None,
            invited_by=lead,
        )
        db.session.commit()
        # the anonymous visitor's pages: the password form an invitation's link opens is e-mailed to the
        # person (the demo has no mail server, so the lead is shown it); a vendor's confirmation link is
        # only ever e-mailed, so its page for an invalid link stands for it
        anonymous = [
            "/logg-inn",
            f"/kunngjoring/{tender.announcement_token}",
            f"/invitasjon/{invited.token}",
            "/invitasjon/ugyldig-lenke",
            "/leverandor/bekreft/ugyldig-lenke",
        ]
    server = LiveServer(application).start()
    try:
        yield application, server, anonymous
    finally:
        server.stop()
        dispose(application)


def endpoint_matcher(app: Any) -> Callable[[str], str | None]:
    from werkzeug.exceptions import HTTPException

    adapter = app.url_map.bind("localhost")

    def endpoint_of(link: str) -> str | None:
        path = link.split("?", 1)[0]
        try:
            endpoint, _ = adapter.match(path, method="GET")
        except HTTPException:
            return None
        return str(endpoint)

    return endpoint_of


@pytest.fixture(scope="module")
def walked(awarded: tuple[Any, LiveServer, list[str]], browser: Any) -> Walk:
    """Every role's walk through the awarded demo, and the anonymous visitor's pages."""
    app, server, anonymous_paths = awarded
    pages = html_endpoints(app)
    endpoint_of = endpoint_matcher(app)
    result = Walk(pages={}, violations={})
    seen: set[str] = set()
    for role, email in ROLES.items():
        context = browser.new_context(locale="nb-NO", timezone_id="Europe/Oslo")
        page = context.new_page()
        page.set_default_timeout(30_000)
        try:
            log_in_as(page, server.url, email)
            start = ["/"] + (["/konkurranser/ny"] if role == "prosjektleder" else [])
            result.pages[role] = walk(
                page, server.url, start, endpoint_of, pages, result.violations, role, seen
            )
        finally:
            context.close()
    context = browser.new_context(locale="nb-NO", timezone_id="Europe/Oslo")
    page = context.new_page()
    try:
        anonymous = {}
        for path in anonymous_paths:
            response = page.goto(server.url + path)
            assert response is not None and response.status < 500, path
            anonymous.setdefault(str(endpoint_of(path)), path)
            violations = axe.check(page)
            if violations:
                result.violations[f"anonym: {path}"] = violations
        result.pages["anonym"] = anonymous
    finally:
        context.close()
    return result


def test_no_page_has_a_serious_or_critical_wcag_violation_for_any_role(walked: Walk) -> None:
    serious = {where: axe.blocking(v) for where, v in walked.violations.items() if axe.blocking(v)}
    assert not serious, "alvorlige brudd på WCAG 2.1 AA:\n" + axe.report(walked.violations)


def test_every_page_in_the_url_map_is_checked_by_some_role(awarded, walked: Walk) -> None:
    app = awarded[0]
    checked = {endpoint for pages in walked.pages.values() for endpoint in pages}
    missing = html_endpoints(app) - checked - set(NOT_WALKED)
    assert not missing, f"sider ingen rolle kom til (lenk dem, eller begrunn i NOT_WALKED): {sorted(missing)}"
    stale = set(NOT_WALKED) & checked
    assert not stale, f"NOT_WALKED nevner sider som ble sjekket likevel: {sorted(stale)}"


def test_each_role_reaches_the_pages_its_work_is_on(walked: Walk) -> None:
    """The walk is only as good as its reach: each role gets to the pages it works on."""
    expected = {
        "prosjektleder": {"requirements.index", "requirements.edit_requirement", "evaluation.matrix"},
        "evaluator": {"evaluation.bid", "evaluation.scores", "evaluation.consensus"},
        "signatar (Skien)": {"award_recommendation.snapshot", "requirements.version"},
        "leverandør, vinner": {"bids.show", "questions.mine", "award_notices.index"},
        "leverandør, redusert": {"negotiation.letters", "award_notices.index"},
        "anonym": {"auth.login", "vendors.announcement"},
    }
    short = {role: sorted(want - set(walked.pages[role])) for role, want in expected.items()}
    assert not any(short.values()), short


def test_the_vendor_pages_whose_forms_the_finished_demo_has_closed_have_no_serious_violation(
    live_server, page
) -> None:
    """The demo's vendors submitted long ago: a request to take part being written (with the Noark 5 sample
    page it links to) and a bid being written are checked on tenders of their own."""
    from tests.evaluation_helpers import PASSWORD, live_setup, restore_clock
    from tests.test_noark_request_sample_browser import demanding_world

    url = live_server.url
    found: dict[str, list[axe.Violation]] = {}

    def check(where: str) -> None:
        violations = axe.check(page)
        if violations:
            found[where] = violations

    try:
        w = demanding_world(live_server.app)
        log_in_as(page, url, w.seller_email, PASSWORD)
        page.get_by_role("link", name=w.title).click()
        page.get_by_role("link", name="Forespørsel om å delta", exact=True).click()
        page.get_by_role("button", name="Lever forespørselen").wait_for()
        check("forespørsel under arbeid")
        page.get_by_role("link", name="Last opp og kontroller prøveuttrekk").click()
        page.get_by_role("heading", name="Noark 5-prøveuttrekk med forespørselen fra", exact=False).wait_for()
        check("prøveuttrekk med forespørselen")
        page.get_by_role("button", name="Logg ut").click()
        page.get_by_text("Du er logget ut.").wait_for()

        bidding = live_setup(live_server.app, vendors=1, submit=False)
        log_in_as(page, url, bidding.vendor_users[0].email, PASSWORD)
        page.get_by_role("link", name=bidding.title).click()
        page.get_by_role("link", name="Mitt tilbud", exact=True).click()
        page.get_by_role("button", name="Lever tilbudet", exact=False).first.wait_for()
        check("tilbud under arbeid")
    finally:
        restore_clock(live_server.app)
    serious = {where: axe.blocking(v) for where, v in found.items() if axe.blocking(v)}
    assert not serious, "alvorlige brudd på WCAG 2.1 AA:\n" + axe.report(found)
