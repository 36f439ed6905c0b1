"""Who may download the procurement protocol and the archive package."""

from __future__ import annotations

from tender.tenders.permissions import is_lead

#: the lead keeps the protocol and files the archive package (the archive part may refine its own rule).
#: The lead alone: the protocol holds the whole audit trail (which only the lead sees, view_audit) and every
#: evaluator's individual scores; signers and observers see what their own pages show, and a municipality
#: files the protocol through the archive package the lead hands it. Vendors never (403).
keep_protocol = is_lead.named("keep_protocol")
