"""Who may score the opened bids, decide on them, and see the consensus."""

from __future__ import annotations

from tender.bids.permissions import view_bids
from tender.evaluation_model.models import Phase
from tender.evaluation_model.operations import model_of
from tender.tenders.models import Role
from tender.tenders.permissions import Rule, deadline_passed, has_role, is_lead

#: an evaluator (who scores what is the evaluation model's assignment)
score = has_role(Role.EVALUATOR).named("score")
score_bids = (score & deadline_passed).named("score_bids")
#: consensus, minimum-requirement decisions, rejection, tie-break: the lead, after the deadline
decide_evaluation = (is_lead & deadline_passed).named("decide_evaluation")
check_requirements = (has_role(Role.LEAD, Role.EVALUATOR) & deadline_passed).named("check_requirements")
#: the consensus phase is open (the individual scores are locked)
consensus_open = Rule(
    "consensus_open", lambda u, t, o, n: (m := model_of(t)) is not None and m.phase is Phase.CONSENSUS
)
#: the consensus page: the lead always; the rest of the group once the consensus phase is open (not before:
#: the individual scores are given independently)
see_consensus = (view_bids & (is_lead | consensus_open)).named("see_consensus")
#: everyone's individual scores (in the exports): the lead, or anyone once they are no longer secret from the
#: evaluators (the consensus phase is open)
see_all_scores = (is_lead | consensus_open).named("see_all_scores")
