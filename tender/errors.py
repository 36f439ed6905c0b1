"""The domain error that operations raise and views put back on forms."""

from __future__ import annotations

from typing import Any

from tender import audit
from tender.web import transactions


class DomainError(Exception):
    """A business rule said no. ``reasons`` maps a form field name (or "" for the form) to messages."""

    def __init__(self, message: str, *, field: str = "", reasons: dict[str, list[str]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.reasons = reasons or {field: [message]}


class SeparationOfDutiesError(DomainError):
    """Someone tried to create, invite, add, change or take over a vendor's account from outside the vendor
    (the procurement group's pages and forms, or an account that sits in the group). The caller keeps the
    refusal in the audit trail (:func:`keep_refusal`), so the attempt is kept even though the request or
    command that made it is rolled back."""

    def __init__(
        self,
        message: str,
        *,
        attempt: str,
        tender_id: int | None,
        details: dict[str, object],
        field: str = "",
    ) -> None:
        super().__init__(message, field=field)
        self.attempt = attempt
        self.tender_id = tender_id
        self.details = details

    def record(self, *, actor: Any = None) -> None:
        """Write the refused attempt to the audit trail (after the refused change was rolled back)."""
        audit.record(
            "vendor_identity.refused",
            tender_id=self.tender_id,
            object_type="tender",
            object_id=self.tender_id,
            payload={"attempt": self.attempt, "reason": self.message, **self.details},
            actor=actor,
        )


def keep_refusal(error: DomainError, *, actor: Any = None) -> None:
    """A refused attempt on a vendor's identity stays in the audit trail although the request (or command)
    that made it is rolled back (``tender.web.transactions.keep``); any other refusal leaves nothing
    behind."""
    if isinstance(error, SeparationOfDutiesError):
        transactions.keep(lambda: error.record(actor=actor))
