"""Jinja set-up: the Norwegian formatting filters (tender.formatting, Oslo time), and the domains' permission
rules in templates through one global, ``may(name, tender[, obj])``."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import datetime
from typing import Any

from flask import Flask, g
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from tender import formatting
from tender.audit import labels as audit_labels
from tender.award import permissions as award_permissions
from tender.bids import permissions as bids_permissions
from tender.corrections import permissions as corrections_permissions
from tender.documents import permissions as documents_permissions
from tender.evaluation import permissions as evaluation_permissions
from tender.evaluation_model import permissions as evaluation_model_permissions
from tender.formatting import OSLO, Number
from tender.i18n import format_locale
from tender.lifecycle import permissions as lifecycle_permissions
from tender.municipalities import permissions as municipalities_permissions
from tender.negotiation import permissions as negotiation_permissions
from tender.noark import permissions as noark_permissions
from tender.prequalification import permissions as prequalification_permissions
from tender.protocol import permissions as protocol_permissions
from tender.questions import permissions as questions_permissions
from tender.requirements import permissions as requirements_permissions
from tender.tenders import permissions as tenders_permissions
from tender.tenders.models import Tender
from tender.tenders.permissions import Rule, remembering
from tender.timeline import permissions as timeline_permissions
from tender.vendors import permissions as vendors_permissions
from tender.web import charts, core_messages, spec_messages, timeline_messages

__all__ = ["NAV_TABS", "OSLO", "RULES", "init_templates", "local_time", "may", "nav_tabs", "thousands"]

PERMISSION_MODULES = (
    tenders_permissions,
    requirements_permissions,
    evaluation_model_permissions,
    vendors_permissions,
    prequalification_permissions,
    questions_permissions,
    bids_permissions,
    noark_permissions,
    evaluation_permissions,
    lifecycle_permissions,
    prequalification_permissions,
    timeline_permissions,
    documents_permissions,
    negotiation_permissions,
    corrections_permissions,
    award_permissions,
    protocol_permissions,
    municipalities_permissions,
)


def _rules() -> dict[str, Rule]:
    """Every domain's rules by name; a name two different rules share would make ``may`` ambiguous."""
    found: dict[str, Rule] = {}
    for module in PERMISSION_MODULES:
        for name, value in vars(module).items():
            if isinstance(value, Rule) and value.name == name and found.setdefault(name, value) is not value:
                raise RuntimeError(f"Two permission rules are named {name!r}.")
    return found


RULES = _rules()


def may(name: str, tender: Tender, obj: Any = None) -> bool:
    """The template's question "may the current user ..." answered by the domain rule ``name`` (an unknown
    name is a programming error and fails loudly)."""
    return RULES[name](current_user, tender, obj)


def _rule(expression: str) -> Rule:
    """A rule from names joined by one kind of operator: "a", "a & b" or "a | b"."""
    if "|" in expression:
        parts, join = expression.split("|"), Rule.__or__
    else:
        parts, join = expression.split("&"), Rule.__and__
    found = [RULES[p.strip()] for p in parts]
    return functools.reduce(join, found[1:], found[0]).named(expression)


#: the tabs of a tender's navigation (templates/tenders/_nav.html) by endpoint, each with the rule it is shown
#: by: the rule its page checks (tests/test_nav_links.py opens every tab for every role at every demo stage)
NAV_TABS: dict[str, Rule] = {
    endpoint: _rule(expression)
    for endpoint, expression in {
        "requirements.index": "view_spec",
        "documents.index": "view_tender_documents",
        "corrections.index": "view_corrections",
        "bids.show": "bid",
        "pq_request.show": "request",
        "questions.index": "view_published_questions",
        "vendors.users": "view_vendor_users",
        "pq_setup.setup": "view_prequalification",
        "evaluation_model.model": "view_evaluation_model",
        "pq_assess.requests": "view_request_list",
        "pq_assess.clarifications": "request & requests_opened",
        "evaluation.bids": "view_bid_list",
        "evaluation.scores": "score_bids & bids_opened",
        "evaluation.consensus": "see_consensus & bids_opened",
        "evaluation.matrix": "see_opened_bids",
        "negotiation.overview": "negotiation_procedure & view_negotiation",
        "negotiation.rounds": "negotiation_procedure & view_negotiation",
        "negotiation.letters": "own_reduction_letter",
        "award_costs.show": "view_costs",
        "award_recommendation.index": "see_recommendation",
        "pq_select.index": "view_selection",
        "noark.mine": "upload_sample",
        "noark.overview": "view_samples",
        "pq_letters.index": "view_prequalification_letters | own_prequalification_letter",
        "award_notices.index": "view_award_notices | own_award_notice",
        "tenders.members": "view_members",
        "archive.page": "build_archive",
        "audit.trail": "view_audit",
    }.items()
}


def nav_tabs(tender: Tender) -> frozenset[str]:
    """The endpoints of the tabs the current user sees in ``tender``'s navigation. Worked out once per
    request (kept on ``g``, which lives for one request only, keyed by user and tender) with each rule's
    facts asked once (tender.tenders.permissions.remembering): about thirty rules rest on a few queries."""
    key = (getattr(current_user, "id", None), tender.id)
    kept: dict[tuple[Any, int], frozenset[str]] = g.setdefault("nav_tabs", {})
    if key not in kept:
        with remembering():
            kept[key] = frozenset(e for e, rule in NAV_TABS.items() if rule(current_user, tender))
    return kept[key]


def local_time(value: datetime | None, with_seconds: bool = False) -> str:
    """A stored UTC moment as Norwegians read it: 3. desember 2026 kl. 08.44 (Oslo time; on a vendor's page
    in English, 3 December 2026 at 08:44)."""
    return formatting.format_datetime(value, seconds=with_seconds, locale=format_locale())


def thousands(value: Number | None) -> str:
    """A whole number with non-breaking spaces between the thousands: 4 160 000."""
    return formatting.format_number(value, locale=format_locale())


def _in_page_locale(formatter: Callable[..., str]) -> Callable[..., str]:
    """A formatter as a filter that formats in the page's locale (tender.i18n: nb_NO, or en_GB on a
    vendor's page in English)."""

    @functools.wraps(formatter)
    def page_filter(value: Any, *args: Any, **kwargs: Any) -> str:
        return formatter(value, *args, locale=format_locale(), **kwargs)

    return page_filter


def init_templates(app: Flask) -> None:
    filters = app.jinja_env.filters
    filters["local_time"] = local_time
    filters["thousands"] = thousands
    filters["money"] = _in_page_locale(formatting.format_money)
    filters["number"] = _in_page_locale(formatting.format_number)
    filters["decimal"] = _in_page_locale(formatting.format_decimal)
    filters["percent"] = _in_page_locale(formatting.format_percent)
    filters["percent_points"] = _in_page_locale(formatting.format_percent_points)
    filters["date"] = _in_page_locale(formatting.format_date)
    filters["file_size"] = _in_page_locale(formatting.format_file_size)
    filters["moments"] = formatting.format_moments_in
    filters["input_number"] = formatting.format_for_input
    audit_labels.register_filters(filters)
    core_messages.register_filters(filters)
    spec_messages.register_filters(filters)
    timeline_messages.register_filters(filters)
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.globals["may"] = may
    app.jinja_env.globals["nav_tabs"] = nav_tabs
    charts.register(app.jinja_env.globals)

    @app.context_processor
    def _globals() -> dict[str, Any]:
        return {"csrf_token": generate_csrf}
