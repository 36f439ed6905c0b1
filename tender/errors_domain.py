"""The domain error that operations raise and views put back on forms."""
from __future__ import annotations


class DomainError(Exception):
    """A business rule said no. ``reasons`` maps a form field name (or "" for the form) to messages."""

    def __init__(self, message: str, *, field: str = "", reasons: dict[str, list[str]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.reasons = reasons or {field: [message]}


class SeparationOfDutiesError(DomainError):
    """Someone tried to create, invite, add, change or take over a vendor's account from outside the vendor
    (the procurement group's pages and forms, or an account that sits in the group). The caller rolls back
    and then writes the refusal to the audit trail (``tender.vendors.operations.record_refusal``), so the
    attempt is kept even though nothing else is."""

    def __init__(self, message: str, *, attempt: str, tender_id: int | None, details: dict[str, object],
                 field: str = "") -> None:
        super().__init__(message, field=field)
        self.attempt = attempt
        self.tender_id = tender_id
        self.details = details
