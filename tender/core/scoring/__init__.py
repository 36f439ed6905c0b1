"""Weighted award-criteria scoring: the criteria tree (``model``), price methods (``methods``),
bids, points and ranks (``evaluation``), robustness of the award (``sensitivity``), errors (``errors``).

The names the rest of the application uses are re-exported here; sensitivity analysis is imported
from its own module.
"""

from __future__ import annotations

from tender.core.scoring.errors import Problem, ScoringError
from tender.core.scoring.evaluation import (
    Bid,
    BidResult,
    CriterionPoints,
    EvaluationCase,
    EvaluationResult,
    IndividualScore,
    RequirementCheck,
    RequirementStatus,
    ThresholdFailure,
    check_bids,
    check_score,
    evaluate,
    evaluate_case,
    mean_consensus,
    mean_score,
    rank_by_merit,
    threshold_failures,
    tie_keys,
)
from tender.core.scoring.methods import (
    PRICE_METHODS,
    PriceContext,
    PriceMethod,
    make_price_method,
    register_price_method,
)
from tender.core.scoring.model import (
    ConsensusRule,
    Criterion,
    CriterionKind,
    PlacedCriterion,
    ScoringModel,
    WeightRange,
)

__all__ = [
    "PRICE_METHODS",
    "Bid",
    "BidResult",
    "ConsensusRule",
    "Criterion",
    "CriterionKind",
    "CriterionPoints",
    "EvaluationCase",
    "EvaluationResult",
    "IndividualScore",
    "PlacedCriterion",
    "PriceContext",
    "PriceMethod",
    "Problem",
    "RequirementCheck",
    "RequirementStatus",
    "ScoringError",
    "ScoringModel",
    "ThresholdFailure",
    "WeightRange",
    "check_bids",
    "check_score",
    "evaluate",
    "evaluate_case",
    "make_price_method",
    "mean_consensus",
    "mean_score",
    "rank_by_merit",
    "register_price_method",
    "threshold_failures",
    "tie_keys",
]
