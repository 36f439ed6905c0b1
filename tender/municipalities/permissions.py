"""Who may see and change the municipality register: the system's administrators only.

The register is not inside any tender, so the rule ignores the tender it is asked about (templates ask
``may("administer_register", None)``; a page of a tender may pass the tender)."""

from __future__ import annotations

from tender.tenders.permissions import Rule

administer_register = Rule(
    "administer_register",
    lambda u, t, o, n: bool(getattr(u, "is_authenticated", False) and getattr(u, "is_admin", False)),
)
