"""In a real Chromium: a vendor user switches the vendor pages to English, works on the bid page and asks a
question in English, logs out and in again (in a browser that has forgotten the cookie) and still gets
English; nothing of the other vendor appears. An anonymous visitor's choice is kept in a cookie. The lead,
in a browser that asks for English, sees the group's pages in Norwegian."""

from __future__ import annotations

import re

import pytest

from tests.browser_helpers import log_in
from tests.conftest import PASSWORD
from tests.evaluation_helpers import BEFORE, DEADLINE, live_setup, restore_clock

pytestmark = pytest.mark.browser

OTHER_QUESTION = "Hemmelig spørsmål fra den andre leverandøren om eksport til Arkade"
#: a date and time as an English page writes it: "15 December 2026 at 13:00:00"
ENGLISH_MOMENT = re.compile(
    r"\d{1,2} (January|February|March|April|May|June|July|August|September|October|"
    r"November|December) \d{4} at \d\d:\d\d"
)


def _context(browser, locale: str = "nb-NO"):
    context = browser.new_context(locale=locale, timezone_id="Europe/Oslo")
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


def _language_cookie(context) -> str | None:
    return next((c["value"] for c in context.cookies() if c["name"] == "tender_lang"), None)


def _other_vendor_asks(app, tender_id: int) -> str:
    """The second vendor asks a question before the deadline (through the operation its page calls)."""
    from tender.extensions import db
    from tender.questions import operations as questions
    from tender.tenders.models import Role, Tender

    with app.app_context():
        tender = db.session.get(Tender, tender_id)
        tender.questions_deadline = DEADLINE
        vendor_members = [m for m in tender.memberships if m.role is Role.VENDOR]
        other = vendor_members[1]
        questions.ask(tender, other.vendor, text=OTHER_QUESTION, at=BEFORE, actor=other.user)
        db.session.commit()
        return other.vendor.name


def test_a_vendor_reads_and_works_in_english_and_keeps_it_after_logging_in_again(
    live_server, browser
) -> None:
    app = live_server.app
    w = live_setup(app, vendors=2, submit=False)
    context, page = _context(browser)
    try:
        other_vendor = _other_vendor_asks(app, w.tender_id)
        url = live_server.url
        log_in(page, url, w.vendor_users[0])  # in Norwegian, as the helper reads the page
        page.locator(f"a[href='/konkurranser/{w.tender_id}']").click()
        page.get_by_role("link", name="Mitt tilbud").click()
        page.get_by_role("heading", name=f"Tilbud fra {w.vendor_names[0]}").wait_for()

        page.get_by_role("button", name="English").click()
        page.get_by_role("heading", name=f"Bid from {w.vendor_names[0]}").wait_for()
        assert page.locator("html").get_attribute("lang") == "en"
        assert _language_cookie(context) == "en"
        assert page.get_by_role("heading", name="Price schedule").is_visible()
        assert page.get_by_role("button", name="Save draft").is_visible()
        assert page.get_by_role("heading", name="Noark 5 sample extract").is_visible()
        assert page.get_by_text("No sample extract uploaded yet.").is_visible()
        assert "Status: Not started." in page.locator("p", has_text="Status:").inner_text()
        deadline = page.locator("p", has_text="Bid deadline:").inner_text()
        assert ENGLISH_MOMENT.search(deadline), deadline
        body = page.locator("body").inner_text()
        assert other_vendor not in body and "Tilbudsfrist" not in body and "Lagre utkast" not in body

        # a form a vendor fills in, in English, with its messages in English
        page.get_by_role("link", name="Questions and answers").click()
        page.get_by_role("heading", name="Questions and answers").wait_for()
        page.get_by_role("link", name="My questions and a new question").click()
        page.get_by_role("button", name="Send the question").click()
        page.get_by_text("Write the question.").wait_for()
        page.get_by_label("The question").fill("Does the solution export to Arkade 5?")
        page.get_by_role("button", name="Send the question").click()
        page.get_by_text("The question has been sent to the procurement group.").wait_for()
        assert "Received; the procurement group is working on the answer" in page.locator("main").inner_text()
        page.get_by_role("link", name="Back to my questions").click()
        mine = page.get_by_role("table", name="My questions")
        assert "Received; the procurement group is working on the answer" in mine.inner_text()
        assert "Arkade 5" in mine.inner_text()
        assert OTHER_QUESTION not in page.locator("body").inner_text()
        assert other_vendor not in page.locator("body").inner_text()

        page.get_by_role("button", name="Log out").click()
        page.get_by_text("You are logged out.").wait_for()  # the login page, in English by the cookie
        assert page.get_by_role("heading", name="Log in").is_visible()

        context.clear_cookies()  # another browser, as it were: the choice must come from the account
        page.goto(url + "/logg-inn")
        assert page.locator("html").get_attribute("lang") == "nb"
        page.get_by_label("E-postadresse").fill(w.vendor_users[0].email)
        page.get_by_label("Passord").fill(PASSWORD)
        page.get_by_role("button", name="Logg inn").click()
        page.get_by_role("heading", name="My tenders").wait_for()
        page.goto(f"{url}/konkurranser/{w.tender_id}/sporsmal")
        page.get_by_role("heading", name="Questions and answers").wait_for()

        page.get_by_role("button", name="Norsk").click()
        page.get_by_role("heading", name="Spørsmål og svar").wait_for()
        assert page.locator("html").get_attribute("lang") == "nb"
    finally:
        context.close()
        restore_clock(app)


def test_an_anonymous_visitors_choice_is_remembered_and_the_group_stays_norwegian(
    live_server, browser
) -> None:
    app = live_server.app
    w = live_setup(app, vendors=1, submit=False)
    visitor, page = _context(browser)
    lead_context, lead_page = _context(browser, locale="en-GB")
    try:
        url = live_server.url
        page.goto(url + "/logg-inn")
        page.get_by_role("button", name="English").click()
        page.get_by_role("heading", name="Log in").wait_for()
        assert _language_cookie(visitor) == "en"
        page.reload()
        page.get_by_role("heading", name="Log in").wait_for()
        assert page.get_by_label("E-mail address").is_visible()

        # the lead's browser asks for English and has chosen it: the group's pages stay Norwegian
        lead_context.add_cookies([{"name": "tender_lang", "value": "en", "url": url}])
        lead_page.goto(url + "/logg-inn")  # anonymous still: the login page follows the browser, in English
        lead_page.get_by_label("E-mail address").fill(w.lead.email)
        lead_page.get_by_label("Password").fill(PASSWORD)
        lead_page.get_by_role("button", name="Log in").click()
        lead_page.get_by_role("heading", name="Mine konkurranser").wait_for()
        assert lead_page.locator("html").get_attribute("lang") == "nb"
        assert lead_page.get_by_role("button", name="English").count() == 0
        lead_page.goto(f"{url}/konkurranser/{w.tender_id}")
        assert lead_page.get_by_role("link", name="Kravspesifikasjon").is_visible()
        assert lead_page.get_by_role("button", name="Logg ut").is_visible()
        assert lead_page.locator("html").get_attribute("lang") == "nb"
    finally:
        visitor.close()
        lead_context.close()
        restore_clock(app)
