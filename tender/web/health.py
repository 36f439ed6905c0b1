"""``/helse``: the health check a reverse proxy, load balancer or monitor asks (docs/deploy.md).

200 ``OK`` when this app process answers and reaches the database; 503 (the Norwegian page of
``tender.web.errors``, with ``Retry-After``) when the database cannot be reached. It reveals nothing else:
no version, no configuration, no counts. The queue and the worker are not asked: a stopped worker delays
validations but every page works.
"""

from __future__ import annotations

from flask import Blueprint, Response
from sqlalchemy import text

from tender.extensions import db

bp = Blueprint("health", __name__)


@bp.route("/helse")
def check() -> Response:
    db.session.execute(text("SELECT 1"))  # an unreachable database raises here, and the page is 503
    return Response("OK\n", mimetype="text/plain", headers={"Cache-Control": "no-store"})
