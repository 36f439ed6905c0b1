"""Who may draft the recommendation, sign it off, set the cost split, issue the notices and record the
contract; and who may see them."""

from __future__ import annotations

from tender.tenders.models import Role
from tender.tenders.permissions import has_role, in_group, is_lead

#: the group's members (not vendors) may see the award's pages once there is something to see
group_member = in_group.named("award_group_member")
#: the lead drafts, freezes, sets the cost split, issues the notices and records the contract
lead_award = is_lead.named("lead_award")
#: a municipality's signer signs off the recommendation for that municipality
sign_award = has_role(Role.SIGNER).named("sign_award")

# -- the cost split and the option municipalities (tender.award.cost_views) ---------------------------------
#: the group (signers too: the split is part of what they approve); the prices show only after the opening
view_costs = group_member.named("view_costs")
#: the lead marks the option municipalities and chooses the key
manage_costs = lead_award.named("manage_costs")
