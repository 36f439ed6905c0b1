"""Jinja set-up: Norwegian date formatting in Oslo time, and the permission predicates in templates."""
from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import Flask
from flask_wtf.csrf import generate_csrf

OSLO = ZoneInfo("Europe/Oslo")


def local_time(value: datetime | None, with_seconds: bool = False) -> str:
    """A stored UTC moment as Norwegians read it: 22.11.2026 kl. 14:05 (Oslo time)."""
    if value is None:
        return "–"
    local = value.astimezone(OSLO)
    return local.strftime("%d.%m.%Y kl. %H:%M:%S" if with_seconds else "%d.%m.%Y kl. %H:%M")


def thousands(value: int | None) -> str:
    if value is None:
        return "–"
    return f"{value:,}".replace(",", "\u00a0")


def init_templates(app: Flask) -> None:
    app.jinja_env.filters["local_time"] = local_time
    app.jinja_env.filters["thousands"] = thousands
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.context_processor
    def _globals() -> dict[str, Any]:
        return {"csrf_token": generate_csrf}
