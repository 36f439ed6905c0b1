"""Load, 404 when the user may not know it exists, then check, 403: once per view."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort
from flask_login import current_user

from tender.extensions import db
from tender.tenders.models import Tender


def tender_for(tender_id: int, check: Callable[[Tender, Any], bool] | None = None) -> Tender:
    """The tender if the current user is a member (else 404, so its existence does not leak) and the
    optional predicate holds (else 403)."""
    tender = db.session.get(Tender, tender_id)
    if tender is None or not tender.can_view(current_user):
        abort(404)
    if check is not None and not check(tender, current_user):
        abort(403)
    return tender
