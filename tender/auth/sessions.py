"""Logins as records on the server (``user_session``), checked on every request through Flask-Login's loader.

Flask's session cookie is signed but lives in the browser: without a record on the server, a copy of it
keeps working after logout until it runs out. Here the cookie also carries a random token whose SHA-256
names a ``UserSession`` row; the loader accepts the cookie only while that row is open, so

- logging out ends the row, and a copied cookie is refused afterwards;
- a password change ends the user's other rows;
- a row is ended when it has been idle for ``SESSION_IDLE_MINUTES`` or is older than ``SESSION_MAX_HOURS``
  (both measured with ``tender.clock.now()``, so tests move time).

Any ``flask_login.login_user`` / ``logout_user`` call opens / ends a row through Flask-Login's signals, so
other code that logs a user in (e.g. after confirming an e-mail address) needs nothing more.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any, cast

from flask import Flask, flash, request, session
from flask_login import current_user, user_logged_in, user_logged_out
from sqlalchemy import CursorResult, select, update

from tender import audit, clock
from tender.auth.models import SessionEnd, User, UserSession
from tender.extensions import db
from tender.web import transactions

#: the key in Flask's session cookie that holds the token (the raw token is never stored on the server)
SESSION_KEY = "tender_sid"
#: ``last_seen_at`` is written at most this often: idle expiry is exact to within this, and a page with
#: many requests (a polling progress bar) does not write a row on each of them
LAST_SEEN_STEP = timedelta(seconds=60)

_EXPIRED_MESSAGES = {
    SessionEnd.IDLE: "Du var inaktiv for lenge og er logget ut. Logg inn igjen.",
    SessionEnd.ABSOLUTE: "Innloggingen din har vart så lenge den kan. Logg inn igjen.",
}


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _settings() -> tuple[timedelta, timedelta]:
    from flask import current_app

    return (
        timedelta(minutes=int(current_app.config["SESSION_IDLE_MINUTES"])),
        timedelta(hours=int(current_app.config["SESSION_MAX_HOURS"])),
    )


def expiry_reason(row: UserSession, now: datetime) -> str | None:
    """Why ``row`` has run out at ``now`` (idle or absolute), or None while it is still good."""
    idle, absolute = _settings()
    if now >= row.created_at + absolute:
        return SessionEnd.ABSOLUTE
    if now >= row.last_seen_at + idle:
        return SessionEnd.IDLE
    return None


def start_session(user: User) -> tuple[UserSession, str]:
    """A new open session row for ``user`` and the token that names it (the caller puts the token in the
    cookie and commits)."""
    token = secrets.token_urlsafe(32)
    now = clock.now()
    row = UserSession(token_hash=_token_hash(token), user_id=user.id, created_at=now, last_seen_at=now)
    db.session.add(row)
    db.session.flush()
    return row, token


def end_session(row: UserSession, reason: str, *, at: datetime | None = None) -> None:
    """Close ``row`` (no-op when it is already closed); the caller records and commits."""
    if row.ended_at is None:
        row.ended_at = at or clock.now()
        row.end_reason = reason


def end_user_sessions(user: User, reason: str, *, keep: UserSession | None = None) -> int:
    """Close every open session of ``user`` except ``keep``; return how many were closed."""
    stmt = (
        update(UserSession)
        .where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
        .values(ended_at=clock.now(), end_reason=reason)
        .execution_options(synchronize_session="fetch")
    )
    if keep is not None:
        stmt = stmt.where(UserSession.id != keep.id)
    result = cast(CursorResult[Any], db.session.execute(stmt))
    return result.rowcount or 0


def session_for_token(token: str | None) -> UserSession | None:
    if not token or not isinstance(token, str):
        return None
    return db.session.scalar(select(UserSession).where(UserSession.token_hash == _token_hash(token)))


def current_session() -> UserSession | None:
    """The open session row of this request's cookie, if any."""
    row = session_for_token(session.get(SESSION_KEY))
    return row if row is not None and row.ended_at is None else None


def load_user(user_id: str) -> User | None:
    """Flask-Login's user loader: the user only while the cookie's session row is open and within its time
    limits. An expired row is closed here (and recorded), so the trail shows when and why."""
    row = session_for_token(session.get(SESSION_KEY))
    if row is None or not user_id.isdigit() or row.user_id != int(user_id) or row.ended_at is not None:
        return None
    now = clock.now()
    reason = expiry_reason(row, now)
    if reason is not None:
        # kept: the trail must show the expiry even when the page the user asked for then fails
        transactions.keep(lambda: _close_expired(row, reason, now))
        session.pop(SESSION_KEY, None)
        flash(_EXPIRED_MESSAGES[reason], "info")
        return None
    user = row.user
    if not user.is_active:
        return None
    if now - row.last_seen_at >= LAST_SEEN_STEP:
        transactions.keep(lambda: _touch(row, now))  # activity counts whether or not the page succeeds
    return user


def _close_expired(row: UserSession, reason: str, now: datetime) -> None:
    end_session(row, reason, at=now)
    audit.record(
        "user.session_expired",
        row.user,
        actor=row.user,
        payload={
            "reason": reason,
            "started_at": row.created_at.isoformat(),
            "last_seen_at": row.last_seen_at.isoformat(),
        },
    )


def _touch(row: UserSession, now: datetime) -> None:
    row.last_seen_at = now


def _on_login(sender: Any, user: User, **extra: Any) -> None:
    # login_user() has decided: open the row now; the request's transaction commits it before the
    # response (and so the cookie) leaves, so the very next request finds it.
    _, token = start_session(user)
    session[SESSION_KEY] = token


def _on_logout(sender: Any, user: Any, **extra: Any) -> None:
    row = session_for_token(session.pop(SESSION_KEY, None))
    if row is not None and row.ended_at is None:
        end_session(row, SessionEnd.LOGOUT)
        audit.record("user.logged_out", row.user, actor=row.user)


def init_sessions(app: Flask) -> None:
    user_logged_in.connect(_on_login, app, weak=False)
    user_logged_out.connect(_on_logout, app, weak=False)

    @app.before_request
    def _check_session() -> None:
        # Check (and, when due, expire or touch) the session first thing; what the loader writes is kept
        # (``tender.web.transactions.keep``) and committed with the request. Static files skip it.
        if request.endpoint != "static":
            current_user._get_current_object()
