"""Engine set-up for SQLite (WAL, foreign keys, real transactions) and PostgreSQL (psycopg 3)."""

from __future__ import annotations

from contextvars import ContextVar
from pathlib import Path
from typing import Any

from flask import Flask, request
from sqlalchemy import Engine, event

from tender.extensions import db, migrate

MIGRATIONS_DIR = str(Path(__file__).resolve().parent / "migrations")


def init_database(app: Flask) -> None:
    uri: str = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("sqlite"):
        options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}))
        # Wait for a writer instead of failing at once with "database is locked".
        options.setdefault("connect_args", {}).setdefault("timeout", 30)
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    db.init_app(app)
    app.before_request(_choose_begin_mode)
    migrate.init_app(app, db, directory=MIGRATIONS_DIR, render_as_batch=True, compare_type=True)
    # Import every model so metadata is complete for Alembic and relationships resolve.
    import tender.models  # noqa: F401


@event.listens_for(Engine, "connect")
def _sqlite_on_connect(dbapi_connection: Any, connection_record: Any) -> None:
    import sqlite3

    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin, so that SAVEPOINTs
    # (used by the rolling-back test fixture and nested operations) behave as on PostgreSQL.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


#: Whether SQLite transactions in this context take the write lock when they begin. Writing requests
#: and the CLI do (two writers then queue instead of one failing mid-way with SQLITE_BUSY); GET requests
#: don't, so readers never wait for each other under WAL.
sqlite_immediate: ContextVar[bool] = ContextVar("sqlite_immediate", default=True)


@event.listens_for(Engine, "begin")
def _sqlite_on_begin(conn: Any) -> None:
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN IMMEDIATE" if sqlite_immediate.get() else "BEGIN")


def _choose_begin_mode() -> None:
    sqlite_immediate.set(request.method not in ("GET", "HEAD", "OPTIONS"))


#: PostgreSQL's SQLSTATEs for a transaction that lost against a concurrent one (not a fault of its own, not
#: an outage): a deadlock, a serialisation failure, a lock not granted within ``lock_timeout``
_CONFLICT_SQLSTATES = {"40P01": "deadlock", "40001": "serialisation", "55P03": "lock timeout"}
#: SQLite's result codes for the same: SQLITE_BUSY ("database is locked" once the busy timeout has run out),
#: SQLITE_LOCKED, and SQLITE_BUSY_SNAPSHOT (a read transaction that wants to write after another writer
#: committed: SQLite's serialisation failure, raised at once without waiting)
_SQLITE_BUSY, _SQLITE_LOCKED, _SQLITE_BUSY_SNAPSHOT = 5, 6, 517


def conflict_kind(error: BaseException) -> str | None:
    """``"deadlock"``, ``"serialisation"`` or ``"lock timeout"`` when ``error`` (SQLAlchemy's, or the
    driver's) says that the transaction conflicted with a concurrent one; None for anything else (an outage,
    a fault in a statement). Such a transaction did nothing; the same work may succeed when tried again."""
    import sqlite3

    original = getattr(error, "orig", None) or error
    sqlstate = getattr(original, "sqlstate", None)
    if isinstance(sqlstate, str) and sqlstate in _CONFLICT_SQLSTATES:
        return _CONFLICT_SQLSTATES[sqlstate]
    if isinstance(original, sqlite3.OperationalError):
        code = getattr(original, "sqlite_errorcode", None)
        if code == _SQLITE_BUSY_SNAPSHOT:
            return "serialisation"
        if isinstance(code, int) and code & 0xFF in (_SQLITE_BUSY, _SQLITE_LOCKED):
            return "lock timeout"
    return None


def conflict_code(error: BaseException) -> str:
    """The database's own name for a conflict, for the log: the SQLSTATE or SQLite's result code name."""
    original = getattr(error, "orig", None) or error
    return str(getattr(original, "sqlstate", None) or getattr(original, "sqlite_errorname", None) or "?")
