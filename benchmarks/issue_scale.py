"""The award criteria the evaluation benchmarks share (issue 17's scale): price 30 %, quality 70 % in three
areas of 13 leaf criteria each, 40 criteria in all. Used by bench_matrix.py, bench_load.py and
bench_growth.py, run from the repository root (which they put on ``sys.path``)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

GROUPS, LEAVES_PER_GROUP = 3, 13


def add_award_criteria(tender: Any, lead: Any) -> None:
    from tender.evaluation_model import operations as model_ops
    from tender.evaluation_model.models import CriterionKindValue

    model_ops.add_criterion(
        tender,
        model_ops.CriterionInput("pris", "Pris", Decimal(30), kind=CriterionKindValue.PRICE),
        actor=lead,
    )
    model_ops.add_criterion(tender, model_ops.CriterionInput("kvalitet", "Kvalitet", Decimal(70)), actor=lead)
    for g in range(GROUPS):
        model_ops.add_criterion(
            tender,
            model_ops.CriterionInput(
                f"g{g}",
                f"Kvalitetsområde {g + 1}",
                Decimal(34) if g == 0 else Decimal(33),
                parent_key="kvalitet",
            ),
            actor=lead,
        )
        for k in range(LEAVES_PER_GROUP):
            weight = Decimal(8) if k < LEAVES_PER_GROUP - 1 else Decimal(100 - 8 * (LEAVES_PER_GROUP - 1))
            model_ops.add_criterion(
                tender,
                model_ops.CriterionInput(
                    f"g{g}k{k}", f"Krav {g + 1}.{k + 1}: arkiv og saksbehandling", weight, parent_key=f"g{g}"
                ),
                actor=lead,
            )
