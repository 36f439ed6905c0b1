"""Uploaded files kept between a preview and the user's decision (import flows), under the instance folder."""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

from flask import current_app

_TOKEN = re.compile(r"^[0-9a-f]{64}$")


def _folder() -> Path:
    folder = Path(current_app.instance_path) / "uploads" / "staged"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def stash(data: bytes) -> str:
    """Keep ``data``; return its token (its SHA-256)."""
    token = hashlib.sha256(data).hexdigest()
    path = _folder() / token
    if not path.exists():
        tmp = path.with_suffix(".part")
        tmp.write_bytes(data)
        tmp.replace(path)
    return token


def unstash(token: str) -> bytes | None:
    """The staged file for ``token``, or None for an unknown or malformed token."""
    if not _TOKEN.match(token or ""):
        return None
    path = _folder() / token
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    return data if hashlib.sha256(data).hexdigest() == token else None
