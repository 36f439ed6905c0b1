"""Prequalification pages: select (filled in by its part of issue 12)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("pq_select", __name__)
