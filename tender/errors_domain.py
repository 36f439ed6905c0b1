"""The domain error that operations raise and views put back on forms."""
from __future__ import annotations


class DomainError(Exception):
    """A business rule said no. ``reasons`` maps a form field name (or "" for the form) to messages."""

    def __init__(self, message: str, *, field: str = "", reasons: dict[str, list[str]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.reasons = reasons or {field: [message]}
