"""Who may read and make corrections to the published specification and tender documents."""

from __future__ import annotations

from tender.tenders.models import Role
from tender.tenders.permissions import has_role, in_group, is_lead, is_member

#: the published corrections (reason, date, diff): every member, vendors included
view_corrections = is_member.named("view_corrections")
#: an open (draft) correction: the procurement group only, never a vendor before it is published
view_open_correction = in_group.named("view_open_correction")
#: starting and publishing a correction, the extension question, the notice setting: the lead
manage_corrections = is_lead.named("manage_corrections")
#: a municipality's signer approves a frozen correcting version of the tender documents (for the municipality
#: they sign for: checked against the municipality in tender.corrections.operations)
approve_documents_correction = has_role(Role.SIGNER).named("approve_documents_correction")
