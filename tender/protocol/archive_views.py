"""The archive package's page (who builds it, for which municipality) and its download. The page's form is a
plain GET form: choosing a municipality changes nothing but which case number the manifest names."""

from __future__ import annotations

import io
from typing import IO, Any

from flask import Blueprint, abort, render_template, request
from flask_login import current_user, login_required

from tender.extensions import db
from tender.protocol import archive
from tender.protocol.permissions import build_archive, build_archive_for
from tender.tenders.access import tender_for
from tender.tenders.models import Municipality, Tender
from tender.web.uploads import send_download

bp = Blueprint("archive", __name__)

BAD_CHOICE = "Velg en kommune som er med i konkurransen."


def _choices(tender: Tender) -> list[Municipality]:
    """The municipalities the current user may build the package for, bound ones first."""
    return [m for m in tender.participating_municipalities if build_archive_for(current_user, tender, m)]


def _page(tender: Tender, error: str = "", status: int = 200, chosen: str = "") -> Any:
    return (
        render_template(
            "protocol/archive.html",
            tender=tender,
            choices=_choices(tender),
            whole=build_archive_for(current_user, tender, None),
            options={m.id for m in tender.option_municipalities},
            error=error,
            chosen=chosen,
        ),
        status,
    )


@bp.route("/konkurranser/<int:tender_id>/arkivpakke")
@login_required
def page(tender_id: int) -> Any:
    tender = tender_for(tender_id, build_archive)
    return _page(tender)


@bp.route("/konkurranser/<int:tender_id>/arkivpakke.zip")
@login_required
def download(tender_id: int) -> Any:
    tender = tender_for(tender_id, build_archive)
    raw = request.args.get("kommune", "").strip()
    municipality: Municipality | None = None
    if raw:
        found = db.session.get(Municipality, int(raw)) if raw.isdigit() and len(raw) < 10 else None
        if found is None or found not in tender.participating_municipalities:
            return _page(tender, BAD_CHOICE, 422, raw)
        municipality = found
    elif not build_archive_for(current_user, tender, None):
        # a signer files the package of its own municipality: with one, that is the choice
        mine = _choices(tender)
        if len(mine) != 1:
            return _page(tender, "Velg kommunen du vil lage arkivpakken for.", 422)
        municipality = mine[0]
    if not build_archive_for(current_user, tender, municipality):
        abort(403)
    package = archive.build_and_record(
        tender, municipality=municipality, actor=current_user._get_current_object()
    )
    source: IO[bytes] = package.stream
    if package.size <= archive.SPOOL_LIMIT:
        # still in memory: hand over the bytes and close the spool now; a larger package streams from its
        # temporary file, which the response closes (and so removes) when it has been sent
        source = io.BytesIO(package.read())
        package.stream.close()
    response = send_download(source, archive.package_filename(tender, municipality), "application/zip")
    response.headers["X-Content-SHA256"] = package.sha256
    return response
