"""Who may download the procurement protocol and the archive package."""

from __future__ import annotations

from tender.tenders.permissions import is_lead

#: the lead keeps the protocol and files the archive package (the protocol and archive parts refine this)
keep_protocol = is_lead.named("keep_protocol")
