"""The one clock every deadline decision reads: ``app.config["CLOCK"]`` when set (tests move time with it),
else the real UTC time."""

from __future__ import annotations

from datetime import datetime

from flask import current_app

from tender.db_types import utcnow


def now() -> datetime:
    clock = current_app.config.get("CLOCK")
    return clock() if clock is not None else utcnow()
