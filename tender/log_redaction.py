"""Keep one-time links out of request logs.

Whoever holds an invitation link (``/invitasjon/<token>``) can choose that person's password, and a vendor's
confirmation link (``/leverandor/bekreft/<token>``) creates the account. Werkzeug's development server
(``tender run``) and gunicorn's access log (off in ``tender serve``) write every request line; this filter
replaces the token in such a line with ``[skjult]`` before any handler sees it. (A reverse proxy in front
keeps its own access log: see README, "Secrets and logs".)
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


def install() -> None:
    """Put the filter on the request loggers once (create_app may run many times in one process)."""
    for name in REQUEST_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactOneTimeLinks) for f in logger.filters):
            logger.addFilter(RedactOneTimeLinks())
