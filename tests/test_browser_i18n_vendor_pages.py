"""In a real Chromium (issue 17, point 7): a vendor user who reads the vendor pages in English is asked to
clarify its request to participate, reads the clarification page in English, answers it with the form as a
person does and is told so in English; then reads the public timeline in English (the entries, the chart, the
status words, the times in British English), with nothing of the other candidate."""

from __future__ import annotations

import re

import pytest

from tests.browser_helpers import log_in
from tests.evaluation_helpers import restore_clock
from tests.test_browser_i18n import ENGLISH_MOMENT
from tests.test_browser_prequalification_assess import live_pq_setup

pytestmark = pytest.mark.browser

QUESTION = "Skatteattesten er eldre enn seks måneder. Send en ny."


def _open_and_ask(app, w) -> None:
    """Two members open the requests and an evaluator asks vendor B to clarify (the operations the group's
    pages call; the group's side has browser tests of its own)."""
    from tender.auth.models import User
    from tender.clock import now
    from tender.extensions import db
    from tender.prequalification import assess_operations as assess
    from tender.prequalification.models import ParticipationRequest, QualificationRequirement
    from tender.tenders.models import Tender

    with app.app_context():
        tender = db.session.get(Tender, w.tender_id)
        evaluator = db.session.query(User).filter_by(email=w.evaluators[0].email).one()
        lead = db.session.query(User).filter_by(email=w.lead.email).one()
        assess.confirm_opening(tender, at=now(), actor=evaluator)
        assess.confirm_opening(tender, at=now(), actor=lead)
        request = db.session.get(ParticipationRequest, w.request_ids[1])
        requirement = db.session.get(QualificationRequirement, w.requirement_ids[1])
        assess.ask_clarification(tender, request, requirement, question=QUESTION, at=now(), actor=evaluator)
        db.session.commit()
        db.session.remove()


def test_a_vendor_reads_and_answers_a_clarification_and_reads_the_timeline_in_english(
    live_server, browser
) -> None:
    app = live_server.app
    w = live_pq_setup(app)
    context = browser.new_context(locale="nb-NO", timezone_id="Europe/Oslo")
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        _open_and_ask(app, w)
        url = live_server.url
        log_in(page, url, w.vendor_users[1])
        page.get_by_role("button", name="English").click()
        page.get_by_role("heading", name="My tenders").wait_for()

        page.goto(f"{url}/konkurranser/{w.tender_id}/prekvalifisering/avklaringer")
        page.get_by_role("heading", name=f"Clarifications to {w.vendor_names[1]}").wait_for()
        assert page.locator("html").get_attribute("lang") == "en"
        sent = page.get_by_role("heading", name=re.compile("^Clarification sent ")).inner_text()
        assert ENGLISH_MOMENT.search(sent), sent
        assert page.get_by_text(QUESTION).is_visible()  # the group's words stay as written
        assert "Deadline for the answer:" in page.locator("main").inner_text()
        form = page.get_by_role("form", name="Answer to the clarification")
        form.get_by_role("button", name="Send the answer").click()
        assert form.get_by_text("Write the answer.").is_visible()  # refused in English, nothing sent
        form.get_by_label("Answer", exact=True).fill("Ny skatteattest er lagt ved, datert 1. desember 2026.")
        form.get_by_role("button", name="Send the answer").click()
        page.get_by_text("The answer has been sent.").wait_for()
        answered = page.locator("p", has_text="Answered ").inner_text()
        assert ENGLISH_MOMENT.search(answered) and "Ny skatteattest er lagt ved" in answered, answered

        page.goto(f"{url}/konkurranser/{w.tender_id}/tidslinje/offentlig")
        page.get_by_role("heading", name="The suppliers' timeline").wait_for()
        table = page.get_by_role("table", name="The suppliers' timeline")
        row = table.get_by_role("row", name=re.compile("Deadline for requests to participate"))
        assert "The deadline has passed" in row.inner_text() and ENGLISH_MOMENT.search(row.inner_text())
        announced = table.get_by_role("row", name=re.compile("Tender announced with prequalification"))
        assert announced.is_visible()
        chart = page.locator("figure.chart svg")
        assert "Deadline (passed)" in chart.inner_html() and "Frist" not in chart.inner_html()
        main = page.locator("main").inner_text()
        for norwegian in ("Tidslinje", "Frist", "kunngjort", "Fristen er passert", "norsk tid"):
            assert norwegian not in main, norwegian
        assert w.vendor_names[0] not in main
    finally:
        context.close()
        restore_clock(app)
