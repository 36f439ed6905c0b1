"""The domains' permission rules: how they combine, that templates ask them by a name that exists, and that
the ``may`` global answers exactly as the rule a view checks."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import render_template_string
from flask_login import login_user

from tender.clock import now
from tender.tenders.models import Role
from tender.tenders.permissions import Rule, deadline_passed, is_lead, is_member

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
YES = Rule("yes", lambda u, t, o, n: True)
NO = Rule("no", lambda u, t, o, n: False)


def test_rules_combine_with_and_or_and_not() -> None:
    assert (YES & YES)(None, None) and not (YES & NO)(None, None)  # type: ignore[arg-type]
    assert (NO | YES)(None, None) and not (NO | NO)(None, None)  # type: ignore[arg-type]
    assert (~NO)(None, None) and not (~YES)(None, None)  # type: ignore[arg-type]
    assert (YES & ~NO).named("both").name == "both"


def test_a_combined_rule_stops_at_the_first_answer_that_decides_it() -> None:
    asked: list[str] = []
    spy = Rule("spy", lambda u, t, o, n: asked.append("spy") or True)
    assert not (NO & spy)(None, None)  # type: ignore[arg-type]
    assert (YES | spy)(None, None)  # type: ignore[arg-type]
    assert asked == []


def test_every_name_a_template_asks_may_about_is_a_rule() -> None:
    from tender.templating import RULES

    asked = {
        name
        for path in TEMPLATES.rglob("*.html")
        for name in re.findall(r"""may\(["'](\w+)["']""", path.read_text(encoding="utf-8"))
    }
    assert asked, "no template asks may(...)"
    assert sorted(asked - set(RULES)) == []


def test_no_two_domains_name_different_rules_alike() -> None:
    from tender import templating

    names: dict[str, list[str]] = {}
    for module in templating.PERMISSION_MODULES:
        for name, value in vars(module).items():
            if isinstance(value, Rule) and value.name == name:
                names.setdefault(name, [])
                if all(value is not other for other in names[name]):
                    names[name].append(value)  # type: ignore[arg-type]
    assert {n: len(v) for n, v in names.items() if len(v) > 1} == {}


def test_the_may_global_answers_as_the_rule_for_the_logged_in_user(
    app: Any, create_tender: Any, add_member: Any, create_user: Any
) -> None:
    tender = create_tender()
    lead = tender.memberships[0].user
    observer = add_member(tender, Role.OBSERVER)
    outsider = create_user()
    template = '{{ may("manage_tender", tender) }} {{ may("view_tender", tender) }}'
    for user, expected in ((lead, "True True"), (observer, "False True"), (outsider, "False False")):
        with app.test_request_context("/"):
            login_user(user)
            assert render_template_string(template, tender=tender) == expected
            assert is_lead(user, tender) is (expected == "True True")
            assert is_member(user, tender) is expected.endswith("True")


def test_the_deadline_rule_uses_the_moment_given_or_the_clock(app: Any, create_tender: Any) -> None:
    tender = create_tender()
    lead = tender.memberships[0].user
    with app.test_request_context("/"):
        tender.bid_deadline = now() + timedelta(days=1)
        assert not deadline_passed(lead, tender)
        assert deadline_passed(lead, tender, now=now() + timedelta(days=2))
        tender.bid_deadline = None  # without a deadline the bids are sealed for good
        assert not deadline_passed(lead, tender, now=now() + timedelta(days=2))
