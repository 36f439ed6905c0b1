"""Who may draft the recommendation, sign it off, set the cost split, issue the notices and record the
contract; and who may see them."""

from __future__ import annotations

from tender.bids.permissions import bids_opened
from tender.tenders.models import Role
from tender.tenders.permissions import has_role, in_evaluation_group, in_group, is_lead

#: the group's members (not vendors) may see the award's pages once there is something to see
group_member = in_group.named("award_group_member")
#: the lead drafts, freezes, sets the cost split, issues the notices and records the contract
lead_award = is_lead.named("lead_award")
#: a municipality's signer signs off the recommendation for that municipality
sign_award = has_role(Role.SIGNER).named("sign_award")

# -- the recommendation and its sign-off (tender.award.recommendation_views) ----------------------------
#: the draft and its live ranking: the group that evaluates, once the final round's bids are opened
view_recommendation = (in_evaluation_group & bids_opened).named("view_recommendation")
#: the lead drafts, writes, freezes and withdraws
draft_recommendation = (lead_award & bids_opened).named("draft_recommendation")
#: a frozen snapshot (read only): the group that evaluates and every signer, bound or option
see_recommendation = ((in_evaluation_group | sign_award) & bids_opened).named("see_recommendation")
#: the sign-off form: a signer (for which municipality, and whether it is bound, the operation checks and
#: logs)
sign_recommendation = (sign_award & bids_opened).named("sign_recommendation")
