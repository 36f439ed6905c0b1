"""Who may read and make corrections to the published specification."""

from __future__ import annotations

from tender.tenders.permissions import in_group, is_lead, is_member

#: the published corrections (reason, date, diff): every member, vendors included
view_corrections = is_member.named("view_corrections")
#: an open (draft) correction: the procurement group only, never a vendor before it is published
view_open_correction = in_group.named("view_open_correction")
#: starting and publishing a correction, the extension question, the notice setting: the lead
manage_corrections = is_lead.named("manage_corrections")
