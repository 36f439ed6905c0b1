"""The timeline pages: the group's (every entry, the problems between them) and the public part (what a
vendor sees: the entries about everyone and its own). Times in Oslo time (the ``local_time`` filter)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from tender import clock
from tender.core.timeline import DEADLINES
from tender.tenders.access import tender_for
from tender.timeline import operations
from tender.timeline.permissions import view_public_timeline, view_timeline
from tender.web.timeline_messages import describe

bp = Blueprint("timeline", __name__)


@bp.route("/konkurranser/<int:tender_id>/tidslinje")
@login_required
def group(tender_id: int) -> Any:
    tender = tender_for(tender_id, view_timeline)
    entries = operations.timeline_of(tender, public=False)
    problems = operations.problems_of(entries, correction_days=operations.correction_days_of(tender))
    return render_template(
        "timeline/group.html",
        tender=tender,
        entries=entries,
        now=clock.now(),
        deadlines=DEADLINES,
        errors=[describe(p) for p in problems if not p.warning],
        warnings=[describe(p) for p in problems if p.warning],
    )


@bp.route("/konkurranser/<int:tender_id>/tidslinje/offentlig")
@login_required
def public(tender_id: int) -> Any:
    tender = tender_for(tender_id, view_public_timeline)
    entries = operations.timeline_of(tender, public=True, vendor_ids=tender.vendor_ids_of(current_user))
    return render_template(
        "timeline/public.html", tender=tender, entries=entries, now=clock.now(), deadlines=DEADLINES
    )
