"""Who sees how far a tender has come: the group the whole lifecycle, a vendor only its public part."""

from __future__ import annotations

from tender.tenders.models import Role
from tender.tenders.permissions import has_role

#: the roles whose members see the whole lifecycle list (a vendor sees only the public part)
see_whole_lifecycle = has_role(Role.LEAD, Role.EVALUATOR, Role.SIGNER, Role.OBSERVER).named(
    "see_whole_lifecycle"
)
