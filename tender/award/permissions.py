"""Who may draft the recommendation, sign it off, set the cost split, issue the notices and record the
contract; and who may see them."""

from __future__ import annotations

from typing import Any

from tender.award.operations import current_recommendation, notice_issue_of
from tender.bids.permissions import bids_opened
from tender.tenders.models import Role, Tender
from tender.tenders.permissions import Rule, has_role, in_evaluation_group, in_group, is_lead, is_vendor_user

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
# -- the notices of award, the standstill and the contract (notice_views) ------------------------------------
# Every member of the group (option municipalities' signers too: they may join the contract later) sees the
# notices and the contract once the award has begun; a vendor user sees its own company's notice only, once
# issued (another vendor's notice id answers 404 in the view).


def _award_started(u: Any, t: Tender, o: Any, n: Any) -> bool:
    return current_recommendation(t) is not None or notice_issue_of(t) is not None


def _notices_issued(u: Any, t: Tender, o: Any, n: Any) -> bool:
    return notice_issue_of(t) is not None


award_started = Rule("award_started", _award_started)
notices_issued = Rule("notices_issued", _notices_issued)
view_award_notices = (group_member & award_started).named("view_award_notices")
own_award_notice = (is_vendor_user & notices_issued).named("own_award_notice")
issue_award_notices = (lead_award & award_started).named("issue_award_notices")
record_award_contract = (lead_award & notices_issued).named("record_award_contract")
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
