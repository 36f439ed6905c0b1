"""Conflicts are not outages: a transaction that lost against a concurrent one.

PostgreSQL ends one of two transactions that wait for each other (a deadlock, SQLSTATE 40P01), refuses a
write that would break a stricter isolation level (a serialisation failure, 40001) and gives up on a lock
after ``lock_timeout`` (55P03); SQLite says "database is locked" when another connection held the write lock
past the busy timeout, or at once when a reading transaction wants to write after another writer committed.
The database is there; this request's transaction just lost, and did nothing (``tender.database.
conflict_kind`` tells these apart from an outage).

- A **GET** (or HEAD, OPTIONS) is run again from the start, up to ``CONFLICT_READ_RETRIES`` times (2) while
  it has taken less than :data:`READ_RETRY_BUDGET_SECONDS`: its transaction is rolled back, its kept writes
  and ``g`` forgotten, the session cookie's content put back as it came, and the request runs again
  (before-request functions, view, commit). A GET changes nothing but what it records (a download, the login
  session's last activity), all in its own transaction, so running it again is safe.
- A **POST** (or any other method) is not run again: an operation may have done something outside the
  database (a mail sent) and the request's body was meant once. It answers **409** with a Norwegian page
  (English on an English vendor page): someone else saved at the same time, nothing of what was sent is
  saved, go back and send it again. The user stays logged in. 409 rather than 503: a conflict is this
  request's, not the service's; a proxy passes a 4xx on untouched instead of trying another upstream or
  marking this one down, and monitoring that counts 5xx as outages does not count it. A GET whose retries
  are used up answers 409 too, with words for a page rather than a form.

Each conflict answered is logged as one line (``Konflikt i databasen …``: its kind, the database's code,
the method and the endpoint's name, never the path, the parameters or the statement) with this process's
running counts; each retry is logged at INFO. :func:`conflict_counts` gives the counts.
"""

from __future__ import annotations

import functools
import logging
import random
import threading
import time
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from flask import Flask, Response, g, render_template, request, session
from flask.globals import request_ctx
from flask_babel import lazy_gettext
from flask_login import AnonymousUserMixin, current_user
from sqlalchemy.exc import DBAPIError

from tender.database import conflict_code, conflict_kind, sqlite_immediate
from tender.extensions import db
from tender.web.transactions import current_unit

log = logging.getLogger(__name__)

#: methods that change nothing but what they record, and so may run again
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
#: no retry once a request has taken this long (a lock held past SQLite's busy timeout would only be
#: waited for again)
READ_RETRY_BUDGET_SECONDS = 5.0

#: marked for translation: a vendor's pages are in English when the vendor chose it (tender.i18n)
TITLE = lazy_gettext("Noen andre lagret samtidig")
SENT_NOTHING_SAVED = lazy_gettext(
    "Noen andre lagret samtidig med deg, og databasen kunne ikke ta imot begge deler på en gang. Ingenting "
    "av det du sendte er lagret, og du er fortsatt innlogget. Gå tilbake og prøv igjen."
)
PAGE_NOT_SHOWN = lazy_gettext(
    "Noen andre lagret samtidig, så siden kunne ikke vises akkurat nå. Ingenting er endret. Last siden på "
    "nytt om et øyeblikk."
)

_counts = {"answered": 0, "retried": 0}
_counts_lock = threading.Lock()
#: whether the request running in this context may still be run again
_may_retry: ContextVar[bool] = ContextVar("conflict_may_retry", default=False)


class _RunAgain(Exception):
    """Raised by the error handlers, out of Flask's dispatch, when a conflicting GET will be run again."""

    def __init__(self, error: BaseException) -> None:
        super().__init__()
        self.error = error


def conflict_counts() -> dict[str, int]:
    """This process's conflicts so far: ``answered`` with the 409 page, ``retried`` (GETs run again)."""
    with _counts_lock:
        return dict(_counts)


def conflict_page(error: BaseException) -> tuple[str, int]:
    """The answer to a request whose transaction lost against a concurrent one (``error``, a conflict by
    :func:`tender.database.conflict_kind`): raises :class:`_RunAgain` for a GET that may run again, else rolls
    back, logs and renders the 409 page."""
    if _may_retry.get():
        raise _RunAgain(error)
    kind = conflict_kind(error)
    try:
        db.session.rollback()
    except Exception:  # the connection broke meanwhile; the pool replaces it
        db.session.close()
    # the page's own reads must not ask for SQLite's write lock, which another connection may still hold
    sqlite_immediate.set(False)
    unit = current_unit()
    try:
        current_user._get_current_object()  # the layout shows who is logged in: load it now, once
    except Exception:
        g._login_user = AnonymousUserMixin()
    if unit is not None and kind == "lock timeout":
        unit.discard_kept()  # the lock is still taken: the kept writes would wait as long again
    with _counts_lock:
        _counts["answered"] += 1
        answered, retried = _counts["answered"], _counts["retried"]
    log.warning(
        "Konflikt i databasen (%s, %s): %s %s svarte 409; %d slike svar og %d nye forsøk i denne prosessen",
        kind,
        conflict_code(error),
        request.method,
        request.endpoint or "-",
        answered,
        retried,
    )
    message = PAGE_NOT_SHOWN if request.method in SAFE_METHODS else SENT_NOTHING_SAVED
    return render_template("errors/error.html", code=409, title=TITLE, message=message), 409


def init_conflicts(app: Flask) -> None:
    """Around Flask's own request dispatch: run a conflicting GET again, and answer a conflict in the
    request's final commit with the conflict page (see the module's text)."""
    dispatch = app.full_dispatch_request

    @functools.wraps(dispatch)
    def full_dispatch_request() -> Response:
        retries = int(app.config["CONFLICT_READ_RETRIES"]) if request.method in SAFE_METHODS else 0
        return _with_retries(app, dispatch, retries)

    app.full_dispatch_request = full_dispatch_request  # type: ignore[method-assign]


def _with_retries(app: Flask, dispatch: Callable[[], Response], retries: int) -> Response:
    started = time.monotonic()
    globals_ = g._get_current_object()
    # what a retry puts back (a form is never run again: nothing to keep for it)
    names_before = set(vars(globals_)) if retries else set()
    session_before = dict(session) if retries else {}
    attempt = 0
    while True:
        allowed = attempt < retries and time.monotonic() - started < READ_RETRY_BUDGET_SECONDS
        token = _may_retry.set(allowed)
        try:
            return dispatch()
        except _RunAgain as signal:  # from the view: its unit of work is still open
            error: BaseException = signal.error
        except DBAPIError as failed:  # from the request's commit: the unit has rolled back already
            if conflict_kind(failed) is None:
                raise
            if not allowed:
                # answered here rather than by Flask's handle_exception, which would log a traceback
                # for what is no fault (and re-raise it under TESTING)
                return app.finalize_request(conflict_page(failed), from_error_handler=True)
            error = failed
        finally:
            _may_retry.reset(token)
        attempt += 1
        _forget_attempt(globals_, names_before, session_before)
        with _counts_lock:
            _counts["retried"] += 1
        log.info(
            "Konflikt i databasen (%s, %s) under %s %s: prøver på nytt (%d)",
            conflict_kind(error),
            conflict_code(error),
            request.method,
            request.endpoint or "-",
            attempt,
        )
        time.sleep(random.uniform(0.01, 0.05) * attempt)  # noqa: S311 - a jitter, not a secret


def _forget_attempt(globals_: Any, names_before: set[str], session_before: dict[str, Any]) -> None:
    """Put the request back as it came in: no transaction, no kept writes, nothing cached in ``g`` (the
    user, the unit of work), the session cookie's content and the flashed messages as they were."""
    unit = current_unit()
    if unit is not None:
        unit.abandon()
    else:
        db.session.rollback()
    for name in set(vars(globals_)) - names_before:
        delattr(globals_, name)
    if dict(session) != session_before:
        session.clear()
        session.update(session_before)
    request_ctx.flashes = None
