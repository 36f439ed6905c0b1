"""Prequalification pages: letters (filled in by its part of issue 12)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("pq_letters", __name__)
