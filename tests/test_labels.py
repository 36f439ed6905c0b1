"""Every input labelled (issue 11, point 6): on every page of the ``scored`` demo, as each role, every input,
select and textarea a person can fill in has a label: a ``<label for>``, an enclosing ``<label>``, or an
``aria-label`` / ``aria-labelledby``. The walk is the one of tests/test_telltale_words.py (every GET route of
the app, with the demo tender's ids filled in)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from itertools import product

from tests.test_telltale_words import NOT_FOR_READING, _values

#: input types that are not filled in by a person, or that carry their own text (a button's value)
_NOT_FIELDS = {"hidden", "submit", "button", "reset", "image"}


class _Fields(HTMLParser):
    """The fields of a page without a label, by their name (or id)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.labelled_ids: set[str] = set()
        self.fields: list[tuple[dict[str, str], bool]] = []  # (attributes, inside a <label>)
        self.label_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "label":
            self.label_depth += 1
            if a.get("for"):
                self.labelled_ids.add(a["for"])
        elif tag in {"input", "select", "textarea"}:
            if tag == "input" and a.get("type", "text").lower() in _NOT_FIELDS:
                return
            self.fields.append((a, self.label_depth > 0))

    def handle_endtag(self, tag: str) -> None:
        if tag == "label" and self.label_depth:
            self.label_depth -= 1

    def unlabelled(self) -> list[str]:
        return [
            a.get("name") or a.get("id") or "?"
            for a, inside in self.fields
            if not inside
            and not a.get("aria-label", "").strip()
            and not a.get("aria-labelledby")
            and a.get("id") not in self.labelled_ids
        ]


def unlabelled_fields(page: str) -> list[str]:
    parser = _Fields()
    parser.feed(page)
    return parser.unlabelled()


def test_the_label_check_finds_a_field_without_a_label_and_accepts_the_three_ways_of_labelling() -> None:
    assert unlabelled_fields('<input name="a"><select name="b"></select><textarea name="c"></textarea>') == [
        "a",
        "b",
        "c",
    ]
    assert (
        unlabelled_fields(
            '<label for="x">Navn</label><input id="x" name="a">'
            '<label>Kommune <select name="b"></select></label>'
            '<textarea name="c" aria-label="Begrunnelse"></textarea>'
            '<input type="hidden" name="csrf_token"><input type="submit" value="Lagre">'
        )
        == []
    )


def test_every_field_on_every_page_of_the_scored_demo_has_a_label_for_every_role(
    app, client, forms, scored_demo
) -> None:
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
    fields = 0
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
                page = response.get_data(as_text=True)
                response.close()
                parser = _Fields()
                parser.feed(page)
                fields += len(parser.fields)
                missing = parser.unlabelled()
                if missing:
                    found[f"{role} {url}"] = missing[:8]
        forms.post("/logg-ut", {})
    assert fields > 100  # the walk reached pages with forms
    assert found == {}, "\n".join(f"{where}: {names}" for where, names in found.items())
