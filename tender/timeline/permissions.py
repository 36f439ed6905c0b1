"""Who sees which timeline: the group the whole one, with the problems found; every member the public part
(a vendor its own company's entries with it; the group sees what vendors see)."""

from __future__ import annotations

from tender.tenders.permissions import in_group, is_member

#: every entry and the problems between them: the procurement group (every role but the vendors' users)
view_timeline = in_group.named("view_timeline")
#: the public part (the announcement, the deadlines, published answers and corrections, a vendor's own
#: invitations and meetings): every member; the group reads it as the vendors see it
view_public_timeline = is_member.named("view_public_timeline")
