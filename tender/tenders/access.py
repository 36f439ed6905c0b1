"""Load, 404 when the user may not know it exists, then check, 403: once per view."""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from tender.extensions import db
from tender.tenders.models import Tender
from tender.tenders.permissions import Rule, view_tender


def tender_for(tender_id: int, rule: Rule | None = None) -> Tender:
    """The tender if the current user is a member (else 404, so its existence does not leak) and the
    optional rule (a domain's ``permissions``) holds (else 403)."""
    tender = db.session.get(Tender, tender_id)
    if tender is None or not view_tender(current_user, tender):
        abort(404)
    if rule is not None and not rule(current_user, tender):
        abort(403)
    return tender
