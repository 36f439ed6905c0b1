"""Configuration: defaults, then ``instance/config.py``, then ``TENDER_*`` environment variables.

The secret key is never hard-coded: on first run a random key is written to ``instance/secret_key``
(mode 0600) and read from there afterwards, unless ``TENDER_SECRET_KEY`` or the instance config sets one.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask


class Defaults:
    SQLALCHEMY_DATABASE_URI: str | None = None  # filled in from the instance folder
    #: hide_parameters: a statement's values (password hashes, token hashes, uploaded bytes) stay out of SQL
    #: logging and out of database errors' messages, which end up in the log with the traceback
    SQLALCHEMY_ENGINE_OPTIONS: dict[str, Any] = {"pool_pre_ping": True, "hide_parameters": True}
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False  # set TENDER_SESSION_COOKIE_SECURE=1 behind HTTPS
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = timedelta(hours=10)
    #: a login ends after this long without a request (idle) ...
    SESSION_IDLE_MINUTES = 60
    #: ... and this long after it began, however active (absolute)
    SESSION_MAX_HOURS = 12
    WTF_CSRF_TIME_LIMIT = None  # tied to the session instead; a long scoring session must not lose its form
    #: Flask-WTF's own translations need Flask-Babel; without it WTForms' built-in messages stayed English
    #: ("Not a valid choice"). Off, WTForms uses its bundled bokmål catalogue (tender.web.forms.init_forms).
    WTF_I18N_ENABLED = False
    MAX_CONTENT_LENGTH = 200 * 1024 * 1024
    #: how long an invitation / password link stays valid
    INVITATION_TTL_HOURS = 72
    #: failed logins allowed before each further attempt must wait (doubling, up to the maximum)
    LOGIN_FREE_FAILURES = 3
    LOGIN_MAX_DELAY_SECONDS = 300
    #: the same rule per client address (``request.remote_addr``), with more free failures, since a whole
    #: town hall may sit behind one address; its count is forgotten after an hour without failures
    LOGIN_CLIENT_FREE_FAILURES = 10
    #: reverse proxies in front of the app whose X-Forwarded-For / X-Forwarded-Proto are to be believed
    #: (0: none; then every client seems to come from the proxy's address, and per-client throttling
    #: throttles everyone together)
    TRUSTED_PROXIES = 0
    #: SMTP for invitations; when MAIL_SERVER is empty the link is only shown to the inviting lead and logged
    MAIL_SERVER = ""
    MAIL_PORT = 25
    MAIL_USE_TLS = False
    MAIL_USERNAME = ""
    MAIL_PASSWORD = ""
    MAIL_FROM = "tender@localhost"
    #: the address users reach the app on, for links in e-mails ("" = the request's own host)
    PUBLIC_URL = ""
    #: werkzeug's password hashing method; the tests choose a cheap one, production keeps scrypt
    PASSWORD_HASH_METHOD = "scrypt"
    #: Redis for the task queue (``redis://host:6379/0``); empty: SQLite at NOARK_HUEY_PATH
    REDIS_URL = ""
    #: the SQLite queue file ("" = ``instance/huey.sqlite3``)
    NOARK_HUEY_PATH = ""
    #: the folder uploaded files are kept in (``tender.storage``; "" = ``instance/uploads``): a shared
    #: volume when several app processes or workers run
    STORAGE_PATH = ""
    #: largest Noark sample a vendor may upload, in bytes
    NOARK_MAX_UPLOAD_BYTES = 2 * 1024**3
    #: official schemas to validate samples against as well (see ``tender noark validate --schema-dir``)
    NOARK_SCHEMA_DIR = ""
    #: a running validation whose heartbeat is older than this was left behind by a crashed worker
    NOARK_STALE_SECONDS = 120
    #: how often a running validation writes its heartbeat
    NOARK_HEARTBEAT_SECONDS = 15
    #: how many times a GET whose transaction lost against a concurrent one (a deadlock, a serialisation
    #: failure, a lock timeout) is run again before it answers 409 (tender.web.conflicts)
    CONFLICT_READ_RETRIES = 2
    #: how many times the Noark worker writes a validation's result (or its failure) again after losing
    #: against a concurrent transaction, with a short growing pause, before it marks the validation failed
    NOARK_RECORD_RETRIES = 4
    #: queue threads `tender serve` runs in its own process (0 when `tender worker` runs separately)
    NOARK_SERVE_WORKERS = 1


#: environment variables read on top of the defaults and the instance config, with their type
_ENV: dict[str, type] = {
    "DATABASE_URL": str,
    "SECRET_KEY": str,
    "SESSION_COOKIE_SECURE": bool,
    "INVITATION_TTL_HOURS": int,
    "SESSION_IDLE_MINUTES": int,
    "SESSION_MAX_HOURS": int,
    "LOGIN_FREE_FAILURES": int,
    "LOGIN_CLIENT_FREE_FAILURES": int,
    "LOGIN_MAX_DELAY_SECONDS": int,
    "TRUSTED_PROXIES": int,
    "MAX_CONTENT_LENGTH": int,
    "MAIL_SERVER": str,
    "MAIL_PORT": int,
    "MAIL_USE_TLS": bool,
    "MAIL_USERNAME": str,
    "MAIL_PASSWORD": str,
    "MAIL_FROM": str,
    "PUBLIC_URL": str,
    "REDIS_URL": str,
    "NOARK_HUEY_PATH": str,
    "STORAGE_PATH": str,
    "NOARK_MAX_UPLOAD_BYTES": int,
    "NOARK_SCHEMA_DIR": str,
    "NOARK_STALE_SECONDS": int,
    "NOARK_HEARTBEAT_SECONDS": int,
    "NOARK_SERVE_WORKERS": int,
    "CONFLICT_READ_RETRIES": int,
    "NOARK_RECORD_RETRIES": int,
}


def _parse(value: str, kind: type) -> Any:
    if kind is bool:
        return value.strip().lower() in {"1", "true", "yes", "on"}
    if kind is int:
        return int(value)
    return value


def load(app: Flask, test_config: dict[str, Any] | None) -> None:
    """Fill ``app.config`` in the documented order of precedence."""
    app.config.from_object(Defaults)
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        for name, kind in _ENV.items():
            raw = os.environ.get(f"TENDER_{name}")
            if raw is not None:
                app.config[name] = _parse(raw, kind)
    else:
        app.config.update(test_config)

    if app.config.get("DATABASE_URL"):
        app.config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(app.config["DATABASE_URL"])
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        db_path = Path(app.instance_path) / "tender.sqlite3"
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{db_path}"
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = instance_secret_key(Path(app.instance_path))


def normalise_database_url(url: str) -> str:
    """``postgresql://`` URLs go through psycopg 3, the driver we install."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def instance_secret_key(instance: Path) -> str:
    """Read the instance's secret key, creating it (0600) on first use."""
    path = instance / "secret_key"
    try:
        key = path.read_text(encoding="ascii").strip()
        if key:
            return key
    except FileNotFoundError:
        pass
    instance.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(key + "\n")
    return key
