"""Uploaded files kept between a preview and the user's decision (import flows), under the instance folder."""
from __future__ import annotations

import hashlib
import re
import time
from pathlib import Path

from flask import current_app

_TOKEN = re.compile(r"^[0-9a-f]{64}$")
#: a staged file nobody came back for within this time is removed at the next upload
KEEP_SECONDS = 24 * 3600


def _folder() -> Path:
    folder = Path(current_app.instance_path) / "uploads" / "staged"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def stash(data: bytes) -> str:
    """Keep ``data``; return its token (its SHA-256)."""
    folder = _folder()
    _forget_old(folder)
    token = hashlib.sha256(data).hexdigest()
    path = folder / token
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


def _forget_old(folder: Path) -> None:
    cutoff = time.time() - KEEP_SECONDS
    for staged in folder.iterdir():
        try:
            if staged.stat().st_mtime < cutoff:
                staged.unlink()
        except FileNotFoundError:  # another request removed it first
            pass
