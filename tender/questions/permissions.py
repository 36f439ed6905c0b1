"""Who may ask questions, read them, draft and approve the answers, and publish them.

A vendor sees its own company's questions and the published list; the group (every role but the vendors)
sees every question as typed, with its asker. The question deadline is checked by the operation, not here,
so that a late vendor is told why (and the attempt is kept in the trail).
"""

from __future__ import annotations

from tender.bids.permissions import in_bid_round
from tender.prequalification.permissions import invited_to_bid, selection_final
from tender.tenders.models import Role
from tender.tenders.permissions import has_role, in_group, is_lead, is_member, is_vendor_user

#: a vendor user of a company taking part asks: in a prequalified tender any candidate until the selection is
#: final, afterwards only the invited (the same rule as for the bids); in a round of revised bids only the
#: vendors still in the competition
ask_questions = (is_vendor_user & (invited_to_bid | ~selection_final) & in_bid_round).named("ask_questions")
#: a vendor user reads their own company's questions (also after the selection left it out)
view_own_questions = is_vendor_user.named("view_own_questions")
#: the published Q&A list (and its PDF): every member, vendors and group alike
view_published_questions = is_member.named("view_published_questions")
#: every question as the vendor typed it, with its asker and attachment: the group
view_all_questions = in_group.named("view_all_questions")
#: editing the text to be published (removing what names the asker) and drafting the answer
draft_answers = has_role(Role.LEAD, Role.EVALUATOR).named("draft_answers")
#: a municipality's signer approves an answer (the operation checks the tender's setting and the municipality)
approve_answers = has_role(Role.SIGNER).named("approve_answers")
#: publishing an answer to every vendor, and the tender's setting for approvals: the lead
publish_answers = is_lead.named("publish_answers")
