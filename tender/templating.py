"""Jinja set-up: the Norwegian formatting filters (tender.formatting, Oslo time), and the permission
predicates in templates."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Flask
from flask_wtf.csrf import generate_csrf

from tender import audit_labels, core_messages, formatting
from tender.formatting import OSLO, Number

__all__ = ["OSLO", "init_templates", "local_time", "thousands"]


def local_time(value: datetime | None, with_seconds: bool = False) -> str:
    """A stored UTC moment as Norwegians read it: 3. desember 2026 kl. 08.44 (Oslo time)."""
    return formatting.format_datetime(value, seconds=with_seconds)


def thousands(value: Number | None) -> str:
    """A whole number with non-breaking spaces between the thousands: 4 160 000."""
    return formatting.format_number(value)


def init_templates(app: Flask) -> None:
    filters = app.jinja_env.filters
    filters["local_time"] = local_time
    filters["thousands"] = thousands
    filters["money"] = formatting.format_money
    filters["number"] = formatting.format_number
    filters["decimal"] = formatting.format_decimal
    filters["percent"] = formatting.format_percent
    filters["percent_points"] = formatting.format_percent_points
    filters["date"] = formatting.format_date
    filters["file_size"] = formatting.format_file_size
    filters["moments"] = formatting.format_moments_in
    filters["input_number"] = formatting.format_for_input
    audit_labels.register_filters(filters)
    core_messages.register_filters(filters)
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.context_processor
    def _globals() -> dict[str, Any]:
        return {"csrf_token": generate_csrf}
