"""Who may upload Noark 5 samples, see the group's Noark pages, and link and confirm the minimum
requirement."""

from __future__ import annotations

from tender.noark.operations import group_may_see_samples
from tender.prequalification.permissions import request as may_request
from tender.prequalification.permissions import view_requests
from tender.tenders.models import Role
from tender.tenders.permissions import Rule, has_role, in_group, is_lead, is_vendor_user

#: a vendor user uploads and sees samples for their own company only
upload_sample = is_vendor_user.named("upload_sample")
#: the group's Noark pages: the procurement group (not vendors). The samples themselves are part of the sealed
#: bids: the pages show them only with ``see_group_samples``
view_samples = in_group.named("view_samples")
#: the bids are opened: the samples submitted with them are no longer sealed
samples_unsealed = Rule("samples_unsealed", lambda u, t, o, n: group_may_see_samples(t))
#: the samples submitted with bids, their reports and results: the group, once the bids are opened
see_group_samples = (view_samples & samples_unsealed).named("see_group_samples")
#: running a sample's validation again: the lead
restart_validation = is_lead.named("restart_validation")
link_noark_requirement = is_lead.named("link_noark_requirement")
#: confirming a vendor's Noark result for the linked minimum requirement: the lead and the evaluators, once
#: the samples may be seen
confirm_noark_requirement = (has_role(Role.LEAD, Role.EVALUATOR) & samples_unsealed).named(
    "confirm_noark_requirement"
)

#: a vendor user uploads the sample with their own company's request to take part (the prequalification's
#: ``request`` rule; the operations refuse it unless the setup demands a sample)
upload_request_sample = may_request.named("upload_request_sample")
#: the samples submitted with the requests to take part, their reports and status: the group that evaluates,
#: once the participation deadline has passed and the requests are opened (``view_requests``), never before
see_request_samples = view_requests.named("see_request_samples")
