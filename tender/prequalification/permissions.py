"""Who may set up the prequalification, ask to take part, open the requests, assess and score them, and
decide and approve the selection.

A request to take part is sealed as a bid is: nothing of it reaches the group before the participation
deadline has passed and the requests have been opened (two members, as the bids). The rules that depend on
rows of this domain read them with one small query each; the rules never read a request before deciding.
"""

from __future__ import annotations

from sqlalchemy import select

from tender import clock
from tender.extensions import db
from tender.prequalification.models import (
    ParticipationRequest,
    Prequalification,
    RequestOpening,
    RequestOutcome,
    SelectionProposal,
)
from tender.tenders.models import OPENING_ROLES, Role
from tender.tenders.permissions import Rule, has_role, in_evaluation_group, is_lead, is_vendor_user


def _prequalification(tender_id: int) -> Prequalification | None:
    return db.session.scalar(select(Prequalification).where(Prequalification.tender_id == tender_id))


# -- facts -------------------------------------------------------------------------------------------------
#: the tender has a prequalification (vendors ask to take part; only the invited may bid)
has_prequalification = Rule(
    "has_prequalification", lambda u, t, o, n: (p := _prequalification(t.id)) is not None and p.enabled
)
#: the setup is frozen (published with the announcement; it never changes afterwards)
setup_frozen = Rule(
    "setup_frozen", lambda u, t, o, n: (p := _prequalification(t.id)) is not None and p.is_frozen
)
#: the participation deadline has passed (requests are sealed until then; without a deadline, always)
participation_deadline_passed = Rule(
    "participation_deadline_passed",
    lambda u, t, o, n: (
        t.participation_deadline is not None
        and (n if n is not None else clock.now()) >= t.participation_deadline
    ),
)
#: the requests have been opened (the opening record exists)
requests_opened = Rule(
    "requests_opened",
    lambda u, t, o, n: (
        db.session.scalar(select(RequestOpening.id).where(RequestOpening.tender_id == t.id)) is not None
    ),
)
#: a selection proposal is final (approved where approval is asked): the invited candidates are known
selection_final = Rule(
    "selection_final",
    lambda u, t, o, n: (
        db.session.scalar(
            select(SelectionProposal.id).where(
                SelectionProposal.tender_id == t.id, SelectionProposal.final_at.is_not(None)
            )
        )
        is not None
    ),
)

# -- the lead's setup -------------------------------------------------------------------------------------
#: the setup pages (requirements, grounds, criteria, numbers): the lead; the operations refuse changes once
#: frozen
manage_prequalification = is_lead.named("manage_prequalification")
#: the setup as announced: every member of the group (vendors read it on the announcement page)
view_prequalification = has_role(Role.LEAD, Role.EVALUATOR, Role.SIGNER, Role.OBSERVER).named(
    "view_prequalification"
)

# -- the vendor's request ----------------------------------------------------------------------------------
#: a vendor user works on their own company's request only, in a tender with a prequalification
request = (is_vendor_user & has_prequalification).named("request")

# -- opening, assessment, scoring ------------------------------------------------------------------------
#: confirming the opening of the requests: the opening roles, after the participation deadline
confirm_request_opening = (
    has_role(*OPENING_ROLES) & has_prequalification & participation_deadline_passed
).named("confirm_request_opening")
#: the requests page (the opening, and the requests once opened): the group that evaluates
view_request_list = (in_evaluation_group & has_prequalification).named("view_request_list")
#: request content (pages, files, exports): the group that evaluates, after the deadline and the opening
view_requests = (in_evaluation_group & participation_deadline_passed & requests_opened).named("view_requests")
#: qualification requirements and grounds for exclusion: the lead and the evaluators, once opened
assess_requests = (has_role(Role.LEAD, Role.EVALUATOR) & view_requests).named("assess_requests")
#: individual selection scores: the evaluators, once opened
score_requests = (has_role(Role.EVALUATOR) & view_requests).named("score_requests")
#: consensus scores, tie decisions, the proposal of the invited set: the lead, once opened
decide_selection = (is_lead & view_requests).named("decide_selection")
#: a municipality's signer approves or rejects the selection proposal
approve_selection = (has_role(Role.SIGNER) & has_prequalification).named("approve_selection")
#: the selection's pages (the ranking for the group that evaluates, the proposals also for the signers):
#: only once the requests are opened
view_selection = (
    view_requests | (approve_selection & participation_deadline_passed & requests_opened)
).named("view_selection")


# -- only invited candidates bid (tender.bids.permissions builds its `bid` rule on this) ----------------
#: why an uninvited vendor may not bid (the bid page and the bid operations say it)
NOT_INVITED = (
    "Denne konkurransen har prekvalifisering: bare leverandører som er invitert til å gi tilbud, "
    "kan levere tilbud. Din virksomhet er ikke invitert."
)


def vendor_may_bid(tender_id: int, vendor_ids: set[int] | list[int]) -> bool:
    """Whether a vendor (one of ``vendor_ids``) may bid: the tender has no prequalification, or the final
    selection invited its request. Operations ask this too: they never trust the views."""
    setup = _prequalification(tender_id)
    if setup is None or not setup.enabled:
        return True
    if not vendor_ids:
        return False
    invited = db.session.scalar(
        select(ParticipationRequest.id)
        .join(SelectionProposal, SelectionProposal.tender_id == ParticipationRequest.tender_id)
        .where(
            ParticipationRequest.tender_id == tender_id,
            ParticipationRequest.vendor_id.in_(list(vendor_ids)),
            ParticipationRequest.outcome == RequestOutcome.INVITED,
            SelectionProposal.final_at.is_not(None),
        )
        .limit(1)
    )
    return invited is not None


#: the user's company may bid: no prequalification, or invited by the final selection
invited_to_bid = Rule("invited_to_bid", lambda u, t, o, n: vendor_may_bid(t.id, t.vendor_ids_of(u)))

# -- letters, report and matrix (pq-letters) -------------------------------------------------------------
#: every vendor's letter, the report and the matrix: the group that evaluates, once the selection is final
view_prequalification_letters = (view_requests & selection_final).named("view_prequalification_letters")
#: a vendor user's own company's letter (another vendor's is not found), once the selection is final
own_prequalification_letter = (request & selection_final).named("own_prequalification_letter")
#: making the letters for sending (their hashes go to the audit trail): the lead, once final
send_prequalification_letters = (decide_selection & selection_final).named("send_prequalification_letters")
