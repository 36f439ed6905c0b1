"""No button for an action the state refuses (issue 11, point 6). In the ``scored`` demo the specification is
published, the evaluation model locked, the bids submitted and opened, and consensus open: every page, as each
role, is searched for a form with a submit button (or a link to a form page) whose action the state would
refuse. The walk is the one of tests/test_telltale_words.py."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from itertools import product
from typing import Any
from urllib.parse import urlsplit

import pytest
from werkzeug.exceptions import HTTPException

from tests.test_telltale_words import NOT_FOR_READING, _values

#: what the scored state refuses, and why
REFUSED_WHEN_SCORED = {
    # the specification is published: no edit, load, import, freeze or publication any more
    **dict.fromkeys(
        [
            "requirements.new_requirement",
            "requirements.edit_requirement",
            "requirements.delete_requirement",
            "requirements.move_requirement",
            "requirements.renumber",
            "requirements.new_chapter",
            "requirements.edit_chapter",
            "requirements.chapter_action",
            "requirements.load",
            "requirements.import_excel",
            "requirements.import_catalogue",
            "requirements.freeze",
            "requirements.publish",
        ],
        "kravspesifikasjonen er kunngjort",
    ),
    # the evaluation model is locked, and every criterion has individual scores
    **dict.fromkeys(
        [
            "evaluation_model.settings",
            "evaluation_model.add_criterion",
            "evaluation_model.change_weight",
            "evaluation_model.delete_criterion",
            "evaluation_model.add_price_item",
            "evaluation_model.price_evaluation",
            "evaluation_model.delete_price_item",
            "evaluation_model.freeze",
            "evaluation_model.assign_evaluator",
            "evaluation_model.unassign_evaluator",
        ],
        "evalueringsmodellen er låst",
    ),
    # the bids are submitted, the deadline has passed and they are opened
    **dict.fromkeys(
        [
            "bids.save",
            "bids.submit",
            "bids.upload",
            "bids.upload_answers",
            "bids.delete_attachment",
            "noark.upload",
        ],
        "tilbudet er levert og fristen ute",
    ),
    **dict.fromkeys(
        ["evaluation.open_bids", "evaluation.withdraw_opening", "evaluation.opening_persons"],
        "tilbudene er åpnet",
    ),
    # consensus is open: the individual scores are locked
    **dict.fromkeys(["evaluation.open_consensus", "evaluation.save_score"], "konsensusfasen er åpnet"),
    # the deadlines have passed: the prequalification setup can no longer be made or changed
    **dict.fromkeys(
        [
            "pq_setup.save_settings",
            "pq_setup.add_requirement",
            "pq_setup.edit_requirement",
            "pq_setup.delete_requirement",
            "pq_setup.move_requirement",
            "pq_setup.standard_requirements",
            "pq_setup.add_ground",
            "pq_setup.edit_ground",
            "pq_setup.delete_ground",
            "pq_setup.move_ground",
            "pq_setup.mandatory_grounds",
            "pq_setup.add_criterion",
            "pq_setup.edit_criterion",
            "pq_setup.delete_criterion",
            "pq_setup.move_criterion",
            "pq_setup.freeze",
        ],
        "fristene er passert: prekvalifiseringen kan ikke settes opp",
    ),
}


class _Actions(HTMLParser):
    """The actions of a page's forms that have a submit button, and the pages it links to."""

    def __init__(self, here: str) -> None:
        super().__init__(convert_charrefs=True)
        self.here = here
        self.form: str | None = None
        self.posts: set[str] = set()
        self.links: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.form = (a.get("action") or self.here) if a.get("method", "get").lower() == "post" else None
        elif self.form is not None and (
            tag == "button"
            and a.get("type", "submit") == "submit"
            or tag == "input"
            and a.get("type") == "submit"
        ):
            self.posts.add(self.form)
        elif tag == "a" and a.get("href", "").startswith("/"):
            self.links.add(a["href"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.form = None


def test_every_refused_endpoint_in_the_list_exists(app) -> None:
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert (set(REFUSED_WHEN_SCORED) | set(REFUSED_WHEN_BIDS)) - endpoints == set()


#: what the ``bids`` state refuses (published, model locked, bids submitted, deadline passed, not opened)
REFUSED_WHEN_BIDS = {
    **{
        k: v
        for k, v in REFUSED_WHEN_SCORED.items()
        if k.startswith(("requirements.", "bids.", "noark.upload", "pq_setup."))
        or k
        in {
            "evaluation_model.settings",
            "evaluation_model.add_criterion",
            "evaluation_model.change_weight",
            "evaluation_model.delete_criterion",
            "evaluation_model.add_price_item",
            "evaluation_model.price_evaluation",
            "evaluation_model.delete_price_item",
            "evaluation_model.freeze",
        }
    },
    # nothing of the evaluation before the opening
    **dict.fromkeys(
        [
            "evaluation.save_score",
            "evaluation.open_consensus",
            "evaluation.save_consensus",
            "evaluation.check_requirement",
            "evaluation.check_requirements",
            "evaluation.reject",
            "evaluation.undo_rejection",
            "evaluation.tie_break",
            "noark.confirm",
        ],
        "tilbudene er ikke åpnet",
    ),
}


@pytest.fixture
def bids_demo(runner, db) -> Any:
    result = runner.invoke(args=["demo", "--stage", "bids"])
    assert result.exit_code == 0, result.output
    from tender.demo.stages import demo_tender

    return demo_tender()


def test_no_page_of_the_scored_demo_offers_a_button_or_form_page_the_state_refuses(
    app, client, forms, scored_demo
) -> None:
    _walk(app, client, forms, scored_demo, REFUSED_WHEN_SCORED)


def test_no_page_of_the_bids_demo_offers_a_button_or_form_page_the_state_refuses(
    app, client, forms, bids_demo
) -> None:
    _walk(app, client, forms, bids_demo, REFUSED_WHEN_BIDS)


def _walk(app: Any, client: Any, forms: Any, tender: Any, refused: dict[str, str]) -> None:
    from tender.demo import DEMO_PASSWORD, EVALUATORS, LEAD, OBSERVER, SIGNERS
    from tender.demo.stages import BIDDERS

    values = _values(tender)
    people = {
        "prosjektleder": LEAD[0],
        "evaluator": EVALUATORS[0][0],
        "godkjenner": next(iter(SIGNERS.values()))[0],
        "observatør": OBSERVER[0],
        "leverandørbruker": BIDDERS[0].email,
    }
    adapter = app.url_map.bind("localhost")
    found: dict[str, set[str]] = {}
    buttons = 0
    for role, email in people.items():
        assert forms.post("/logg-inn", {"email": email, "password": DEMO_PASSWORD}).status_code == 302, email
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
                response = client.get(url)
                if response.status_code != 200 or response.mimetype != "text/html":
                    response.close()
                    continue
                page = _Actions(url)
                page.feed(response.get_data(as_text=True))
                response.close()
                buttons += len(page.posts)
                offered = [(target, "POST") for target in page.posts] + [(link, "GET") for link in page.links]
                for target, method in offered:
                    try:
                        endpoint, _ = adapter.match(urlsplit(target).path, method=method)
                    except HTTPException:  # a link to something else than a page of the app (a 404, a 405)
                        continue
                    if endpoint in refused:
                        found.setdefault(f"{role} {url}", set()).add(
                            f"{method} {endpoint} ({refused[endpoint]})"
                        )
        forms.post("/logg-ut", {})
    assert buttons > 20  # the walk reached pages with buttons
    assert found == {}, "\n".join(f"{where}: {sorted(what)}" for where, what in found.items())
