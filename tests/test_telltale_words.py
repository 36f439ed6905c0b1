"""One language (issue 11, point 5): no page, PDF or workbook of the ``scored`` demo shows an English
tell-tale word to anyone who uses it. The walk builds ``tender demo --stage scored`` in this test's fresh
database, logs in as each role (lead, evaluator, signer, observer, vendor user), and fetches every GET route
of the app (read from ``app.url_map``, so a new page is walked without changing this test) with the demo
tender's ids filled in. Only what a person reads is searched: the text between tags (not attribute values,
scripts, styles, code and hashes), a PDF's text, a workbook's cells, sheet names and input prompts.
"""

from __future__ import annotations

import html
import io
import re
import subprocess
import zipfile
from itertools import product
from typing import Any

import pytest
from sqlalchemy import select

#: words that would tell a Norwegian reader that the page was not finished (whole words, any case)
TELLTALE = (
    "deadline",
    "save",
    "error",
    "weights",
    "not",
    "must",
    "submitted",
    "draft",
    "invalid",
    "valid",
    "queued",
    "none",
)
_TELLTALE = re.compile(r"\b(" + "|".join(TELLTALE) + r")\b", re.IGNORECASE)
#: machine formats for programs, not pages for people (the JSON reports and status polls)
NOT_FOR_READING = {
    "evaluation.case_json",
    "noark.report_json",
    "noark.status",
    "noark.statuses",
    "protocol.protocol_json",
    "static",
}
_SKIPPED_ELEMENTS = re.compile(r"<(script|style|code|pre|kbd|samp)\b[^>]*>.*?</\1>", re.S | re.I)
_URL = re.compile(r"\b(?:https?://|www\.)\S+|\S+@\S+\.\w+")


def visible_text(response: Any) -> str:
    body: bytes = response.get_data()
    if body[:4] == b"%PDF":
        done = subprocess.run(
            ["pdftotext", "-q", "-", "-"], input=body, capture_output=True, timeout=120, check=True
        )
        text = done.stdout.decode("utf-8", "replace")
    elif body[:2] == b"PK":
        parts: list[str] = []
        with zipfile.ZipFile(io.BytesIO(body)) as zf:
            for name in zf.namelist():
                if not name.endswith(".xml") or "/theme/" in name or "styles" in name:
                    continue
                xml = zf.read(name).decode("utf-8", "replace")
                parts += re.findall(
                    r"<(?:\w+:)?t\b[^>]*>([^<]*)</(?:\w+:)?t>", xml
                )  # cells and shared strings
                parts += re.findall(r'\b(?:prompt|promptTitle|error|errorTitle|name)="([^"]*)"', xml)
        text = html.unescape("\n".join(parts))
    else:
        page = _SKIPPED_ELEMENTS.sub(" ", body.decode("utf-8", "replace"))
        page = re.sub(r"<!--.*?-->", " ", page, flags=re.S)
        text = html.unescape(re.sub(r"<[^>]+>", " ", page))
    return _URL.sub(" ", text)


def findings(text: str) -> list[str]:
    """Each tell-tale word found, with a little of its context so that the failure says where."""
    return [
        re.sub(r"\s+", " ", text[max(0, m.start() - 50) : m.end() + 50]) for m in _TELLTALE.finditer(text)
    ]


def test_the_tell_tale_search_finds_english_words_in_text_but_not_in_attributes_code_or_norwegian() -> None:
    class Page:
        def __init__(self, body: str) -> None:
            self.body = body.encode()

        def get_data(self) -> bytes:
            return self.body

    assert findings(visible_text(Page("<p>Tilbudsfrist (deadline): 1. mars</p>")))
    assert findings(visible_text(Page("<p>Lagre utkast (Save draft)</p>")))
    assert not findings(
        visible_text(
            Page(
                '<p class="error" data-x="not"><code>none</code>Gyldig, notat, '
                'utkast</p><script>if (x === "none") {}</script>'
            )
        )
    )


def _values(tender: Any) -> dict[str, list[str]]:
    """This tender's ids for every argument the GET routes take (a few of each where there are hundreds)."""
    from tender.award.operations import notice_issue_of, recommendations_of
    from tender.bids.models import Bid, BidAttachment
    from tender.extensions import db
    from tender.negotiation.operations import reduction_letters
    from tender.noark.models import ExtractSample
    from tender.requirements.models import SpecChapter, Specification, SpecRequirement, SpecVersion

    spec = db.session.scalars(select(Specification).where(Specification.tender_id == tender.id)).one()
    bids = db.session.scalars(select(Bid).where(Bid.tender_id == tender.id)).all()
    attachments = db.session.scalars(
        select(BidAttachment).where(BidAttachment.bid_id.in_([b.id for b in bids]))
    ).all()
    samples = db.session.scalars(select(ExtractSample).where(ExtractSample.tender_id == tender.id)).all()
    versions = db.session.scalars(
        select(SpecVersion.number).where(SpecVersion.specification_id == spec.id)
    ).all()
    requirements = db.session.scalars(
        select(SpecRequirement.key)
        .where(SpecRequirement.specification_id == spec.id)
        .order_by(SpecRequirement.key)
        .limit(2)
    ).all()
    chapters = db.session.scalars(
        select(SpecChapter.key)
        .where(SpecChapter.specification_id == spec.id)
        .order_by(SpecChapter.key)
        .limit(2)
    ).all()
    return {
        "tender_id": [str(tender.id)],
        "key": [*requirements, *chapters],
        "number": [str(n) for n in sorted(set(versions))],
        "bid_id": [str(b.id) for b in bids],
        "attachment_id": [str(a.id) for a in attachments],
        "sample_id": [str(s.id) for s in samples],
        "token": [tender.announcement_token],
        # the prequalification's requests (none in a demo without one: those routes are skipped)
        **_request_values(tender),
        "question_id": [str(i) for i in _question_ids(tender)],
        # the award's recommendations (none before the award: those routes are skipped)
        "rec_id": [str(r.id) for r in recommendations_of(tender)],
        "notice_id": [str(n.id) for n in getattr(notice_issue_of(tender), "notices", [])],
        # the letters of the negotiation's reductions (none before a reduction: those routes are skipped)
        "leaving_id": [str(x.leaving.id) for x in reduction_letters(tender)],
        # the municipality register's pages (the demo's lead is an administrator)
        "municipality_id": [str(m.id) for m in tender.participating_municipalities[:2]],
    }


def _question_ids(tender: Any) -> list[int]:
    from tender.extensions import db
    from tender.questions.models import Question

    return list(db.session.scalars(select(Question.id).where(Question.tender_id == tender.id).limit(2)))


def _request_values(tender: Any) -> dict[str, list[str]]:
    from tender.extensions import db
    from tender.prequalification.models import Clarification, ParticipationRequest, RequestDocument

    requests = db.session.scalars(
        select(ParticipationRequest.id).where(ParticipationRequest.tender_id == tender.id).limit(2)
    ).all()
    documents = db.session.scalars(
        select(RequestDocument.id).where(RequestDocument.request_id.in_(requests)).limit(2)
    ).all()
    clarifications = db.session.scalars(
        select(Clarification.id).where(Clarification.request_id.in_(requests)).limit(2)
    ).all()
    return {
        "request_id": [str(i) for i in requests],
        "document_id": [str(i) for i in documents],
        "clarification_id": [str(i) for i in clarifications],
    }


def test_no_page_pdf_or_workbook_of_the_scored_demo_shows_an_english_tell_tale_word_to_any_role(
    app, client, forms, scored_demo
) -> None:
    _walk(app, client, forms, scored_demo)


@pytest.fixture
def awarded_demo(runner, db) -> Any:
    result = runner.invoke(args=["demo", "--stage", "awarded"])
    assert result.exit_code == 0, result.output
    from tender.demo.stages import demo_tender

    return demo_tender()


@pytest.mark.slow
def test_no_page_pdf_or_workbook_of_the_awarded_demo_shows_an_english_tell_tale_word_to_any_role(
    app, client, forms, awarded_demo
) -> None:
    # the award's pages, the notices, the protocol and the archive package, after the negotiation's rounds
    _walk(app, client, forms, awarded_demo)


def _walk(app: Any, client: Any, forms: Any, scored_demo: Any) -> None:
    from tender.demo import DEMO_PASSWORD, EVALUATORS, LEAD, OBSERVER, SIGNERS
    from tender.demo.stages import BIDDERS

    values = _values(scored_demo)
    people = {
        "prosjektleder": LEAD[0],
        "evaluator": EVALUATORS[0][0],
        "godkjenner": next(iter(SIGNERS.values()))[0],
        "observatør": OBSERVER[0],
        "leverandørbruker": BIDDERS[0].email,
    }
    found: dict[str, list[str]] = {}
    fetched = 0
    for role, email in people.items():
        response = forms.post("/logg-inn", {"email": email, "password": DEMO_PASSWORD})
        assert response.status_code == 302, email
        for rule in app.url_map.iter_rules():
            if "GET" not in (rule.methods or ()) or rule.endpoint in NOT_FOR_READING:
                continue
            names = sorted(rule.arguments)
            if any(n not in values for n in names):
                # invitation and e-mail confirmation links are single-use secrets the demo does not keep
                assert rule.endpoint in {"auth.accept_invitation", "vendors.confirm"}, rule.rule
                continue
            for combo in product(*(values[n] for n in names)):
                url = rule.rule
                for name, value in zip(names, combo, strict=True):
                    url = re.sub(rf"<(?:\w+:)?{name}>", value, url)
                response = client.get(url)
                if response.status_code != 200:
                    response.close()
                    continue
                fetched += 1
                hits = findings(visible_text(response))
                response.close()
                if hits:
                    found[f"{role} {url}"] = hits[:5]
        forms.post("/logg-ut", {})
    assert fetched > 60  # the walk reached the pages, not only refusals
    assert found == {}, "\n".join(f"{where}: {hits}" for where, hits in found.items())
