"""Who may read, write, approve and publish a tender's requirements specification."""

from __future__ import annotations

from tender.tenders.models import Role
from tender.tenders.permissions import Rule, has_role, in_group, is_lead

#: the procurement group reads the draft; vendors see only what is published (their own pages)
view_spec = in_group.named("view_spec")
#: the lead and the evaluators write the specification together
edit_spec = has_role(Role.LEAD, Role.EVALUATOR).named("edit_spec")
#: freezing versions, publishing, loading and importing a whole specification: the lead
manage_spec = is_lead.named("manage_spec")
#: a municipality's signer approves or rejects versions
sign_off = has_role(Role.SIGNER).named("sign_off")
#: the user signs for ``obj``, a municipality of the tender
sign_for = Rule(
    "sign_for",
    lambda u, t, o, n: (
        o is not None
        and any(
            m.role is Role.SIGNER and m.municipality_id == o.id
            for m in t.memberships
            if u is not None and getattr(u, "is_authenticated", False) and m.user_id == u.id
        )
    ),
)
