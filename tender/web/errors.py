"""Error pages in Norwegian; a failed request rolls its transaction back.

When the database cannot be reached (a restart, a failover, the network), a page answers 503 with a
Norwegian message in the site's layout and ``Retry-After``: no 500, no traceback. The pool checks a
connection before lending it (``pool_pre_ping``), so the pages recover by themselves once the database is
back. The outage is logged once per :data:`LOG_EVERY_SECONDS` per process, by the error's class and first
line from the driver (never the URL with its password, never the statement's parameters).

A deadlock, a serialisation failure or a lock timeout is not an outage: the database answered that this
request's transaction lost against a concurrent one. Those get the conflict page (``tender.web.conflicts``:
409, or a GET run again).
"""

from __future__ import annotations

import logging
import threading
import time

from flask import Flask, g, render_template
from flask_babel import gettext, lazy_gettext
from flask_login import AnonymousUserMixin
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException

from tender.database import conflict_kind
from tender.extensions import db
from tender.web.conflicts import conflict_page, init_conflicts
from tender.web.transactions import current_unit

log = logging.getLogger(__name__)

#: marked for translation: a vendor's error pages are in English when the vendor chose it (tender.i18n)
_MESSAGES = {
    400: (lazy_gettext("Ugyldig forespørsel"), lazy_gettext("Forespørselen kunne ikke behandles.")),
    403: (
        lazy_gettext("Ingen tilgang"),
        lazy_gettext("Du har ikke tilgang til denne siden eller handlingen."),
    ),
    404: (lazy_gettext("Finnes ikke"), lazy_gettext("Siden finnes ikke, eller du har ikke tilgang til den.")),
    405: (lazy_gettext("Ikke tillatt"), lazy_gettext("Denne handlingen er ikke tillatt her.")),
    413: (lazy_gettext("For stor fil"), lazy_gettext("Filen er større enn det som er tillatt å laste opp.")),
    503: (
        lazy_gettext("Tjenesten er midlertidig utilgjengelig"),
        lazy_gettext(
            "Vi får ikke kontakt med databasen akkurat nå. Ingenting er lagret fra denne handlingen. "
            "Vent litt og prøv igjen; siden virker igjen av seg selv når forbindelsen er tilbake."
        ),
    ),
    500: (
        lazy_gettext("Noe gikk galt"),
        lazy_gettext(
            "En feil oppsto hos oss. Ingenting er lagret fra denne handlingen. Prøv igjen, og "
            "kontakt prosjektlederen hvis feilen gjentar seg."
        ),
    ),
}


def _page(code: int, detail: str | None = None) -> tuple[str, int]:
    title, message = _MESSAGES.get(
        code, (gettext("Feil %(code)s", code=code), gettext("Forespørselen kunne ikke behandles."))
    )
    return render_template("errors/error.html", code=code, title=title, message=detail or message), code


#: seconds a 503 page asks the browser (and a proxy or monitor) to wait before trying again
RETRY_AFTER_SECONDS = 10
#: one log line per outage and process, not one per request
LOG_EVERY_SECONDS = 60
_logged = {"at": float("-inf"), "since": 0}
_log_lock = threading.Lock()


def database_unavailable(error: BaseException) -> bool:
    """Whether ``error`` says that the database cannot be reached (or the connection broke), as opposed
    to a fault in a statement or a conflict with a concurrent transaction."""
    if conflict_kind(error) is not None:
        return False
    if isinstance(error, OperationalError | InterfaceError):
        return True
    return isinstance(error, DBAPIError) and bool(error.connection_invalidated)


def _outage_in_words(error: BaseException) -> str:
    original = getattr(error, "orig", None) or error
    first_line = (str(original).strip().splitlines() or [""])[0]
    return f"{type(original).__name__}: {first_line[:300]}"


def _log_outage(error: BaseException) -> None:
    with _log_lock:
        now = time.monotonic()
        _logged["since"] += 1
        if now - _logged["at"] < LOG_EVERY_SECONDS:
            return
        count, _logged["at"], _logged["since"] = _logged["since"], now, 0
    log.error(
        "Databasen er utilgjengelig (%d svar med 503 siden forrige melding): %s",
        count,
        _outage_in_words(error),
    )


def _unavailable(error: BaseException) -> tuple[str, int, dict[str, str]]:
    try:
        db.session.rollback()
    except Exception:  # the connection is gone; the pool replaces it
        db.session.close()
    unit = current_unit()
    if unit is not None:
        unit.kept.clear()  # nothing can be written now; trying would turn the 503 into a 500
    # the layout asks who is logged in; that takes the database, so the page shows no one
    g._login_user = AnonymousUserMixin()
    _log_outage(error)
    body, code = _page(503)
    return body, code, {"Retry-After": str(RETRY_AFTER_SECONDS)}


def init_errors(app: Flask) -> None:
    init_conflicts(app)

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    def _database_away(error: DBAPIError) -> tuple[str, int] | tuple[str, int, dict[str, str]]:
        if conflict_kind(error) is not None:
            return conflict_page(error)
        return _unavailable(error)

    @app.errorhandler(CSRFError)
    def _csrf(error: CSRFError) -> tuple[str, int]:
        db.session.rollback()
        return _page(
            400,
            gettext(
                "Skjemaet mangler et gyldig sikkerhetstoken (CSRF), eller det er utløpt. Last siden "
                "på nytt og prøv igjen. Ingenting ble lagret."
            ),
        )

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException) -> tuple[str, int] | tuple[str, int, dict[str, str]]:
        # an exception outside the view (the request's commit) reaches here as a 500 wrapping it
        original = getattr(error, "original_exception", None)
        if original is not None and conflict_kind(original) is not None:
            return conflict_page(original)
        if original is not None and database_unavailable(original):
            return _unavailable(original)
        db.session.rollback()
        return _page(error.code or 500)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> tuple[str, int] | tuple[str, int, dict[str, str]]:
        if conflict_kind(error) is not None:
            return conflict_page(error)
        if database_unavailable(error):
            return _unavailable(error)
        db.session.rollback()
        log.exception("Uventet feil")
        return _page(500)
