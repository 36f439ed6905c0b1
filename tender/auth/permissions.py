"""Who may do what outside any tender: the system's administrators create tenders."""

from __future__ import annotations

from typing import Any


def create_tender(user: Any) -> bool:
    """Administrators (``tender user create --admin``) create tenders; the creator becomes its lead."""
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_admin", False))
