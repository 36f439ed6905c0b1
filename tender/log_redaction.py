"""Keep one-time links out of request logs, and stored values out of SQL logging.

Whoever holds an invitation link (``/invitasjon/<token>``) can choose that person's password, and a vendor's
confirmation link (``/leverandor/bekreft/<token>``) creates the account. Werkzeug's development server
(``tender run``) and gunicorn's access log (off in ``tender serve``) write every request line; this filter
replaces the token in such a line with ``[skjult]`` before any handler sees it. (A reverse proxy in front
keeps its own access log: see README, "Secrets and logs".)

SQLAlchemy at DEBUG logs every row it fetches (password hashes, token hashes, uploaded files): those lines
keep the fact of a row and lose its values. Statements' parameters stay out of its INFO lines and of
database errors through the engine option ``hide_parameters`` (tender.config).
"""

from __future__ import annotations

import logging
import re

#: paths whose last segment is a secret
SECRET_PATHS = re.compile(r"(/invitasjon/|/leverandor/bekreft/)[^\s/?\"#]+")
MASK = r"\1[skjult]"
#: the request loggers the filter is put on
REQUEST_LOGGERS = ("werkzeug", "gunicorn.access")


class RedactOneTimeLinks(logging.Filter):
    """Rewrites a record whose message carries a one-time link."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = SECRET_PATHS.sub(MASK, message)
        if redacted != message:
            record.msg = redacted
            record.args = ()
        return True


class RedactRows(logging.Filter):
    """SQLAlchemy's DEBUG line for a fetched row (``Row (...)``) without the row's values."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str) and record.msg.startswith("Row "):
            record.msg = "Row [skjult]"
            record.args = ()
        return True


#: the logger SQLAlchemy's engines write to (unless an engine is given its own with ``logging_name``)
SQL_LOGGER = "sqlalchemy.engine.Engine"


def install() -> None:
    """Put the filters on their loggers once (create_app may run many times in one process)."""
    for name, kind in [*((n, RedactOneTimeLinks) for n in REQUEST_LOGGERS), (SQL_LOGGER, RedactRows)]:
        logger = logging.getLogger(name)
        if not any(isinstance(f, kind) for f in logger.filters):
            logger.addFilter(kind())
