"""The evaluation model: the award criteria tree (with who is assigned to score what), the price schedule,
the settings (scale, price method, contract period, disagreement threshold) and the freeze.

Below bids: the vendors price the schedule and the opening needs the model locked, so bids reads this package
(never ``tender.evaluation``, which scores the bids). The model is frozen (``EvaluationModel.frozen_at``)
before bids are opened and never changes afterwards.
"""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tender.db_types import UTCDateTime
from tender.extensions import db
from tender.tenders.models import _enum


class Phase(enum.Enum):
    INDIVIDUAL = "individual"
    CONSENSUS = "consensus"

    @property
    def label(self) -> str:
        return "Individuell poengsetting" if self is Phase.INDIVIDUAL else "Konsensus"


class CriterionKindValue(enum.Enum):
    PRICE = "price"
    QUALITY = "quality"

    @property
    def label(self) -> str:
        return "Pris" if self is CriterionKindValue.PRICE else "Kvalitet"


class PriceItemKind(enum.Enum):
    ONE_OFF = "one_off"
    YEARLY = "yearly"

    @property
    def label(self) -> str:
        return "Engangskostnad" if self is PriceItemKind.ONE_OFF else "Årlig kostnad"


#: how the price schedule makes the evaluated price (``EvaluationModel.price_evaluation``), in Norwegian
PRICE_EVALUATIONS = {
    "life_cycle": "Livssykluskostnad over kontraktsperioden",
    "basket": "Handlekurv (antall × enhetspris)",
    "average": "Gjennomsnitt over postene",
}
#: what a line a bid leaves without a price counts as (``EvaluationModel.price_gaps``), in Norwegian
PRICE_GAP_RULES = {
    "reject": "Tilbudet er ufullstendig: alle poster må prises",
    "highest": "Posten fylles med den høyeste prisen noen tilbyder har gitt på den (KOFA 2011/70)",
}


class EvaluationModel(db.Model):  # type: ignore[name-defined,misc]
    """One per tender: the settings the whole evaluation is computed with."""

    __tablename__ = "evaluation_model"
    __table_args__ = (
        CheckConstraint("scale_max > 0", name="scale_positive"),
        CheckConstraint("scale_step >= 0", name="scale_step_not_negative"),
        CheckConstraint("disagreement_threshold >= 0", name="threshold_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(ForeignKey("tender.id", ondelete="CASCADE"), unique=True)
    scale_max: Mapped[Decimal] = mapped_column(Numeric(6, 2), default=Decimal(10))
    #: the scale's step: 1 whole points, 0.5 half, 0.1 tenths …; 0 a continuous scale
    scale_step: Mapped[Decimal] = mapped_column(Numeric(8, 4), default=Decimal(1), server_default="1")
    #: a value of tender.core.scoring.ConsensusRule: "agreed" by the evaluators, or the "mean" of their scores
    consensus_rule: Mapped[str] = mapped_column(String(10), default="agreed", server_default="agreed")
    #: the announced minimum of the weighted quality points (a bid below it is rejected)
    min_quality: Mapped[Decimal | None] = mapped_column(Numeric(9, 4))
    #: a key of tender.core.scoring.PRICE_METHODS
    price_method: Mapped[str] = mapped_column(String(40), default="linear")
    #: k for linear_zero_at
    price_k: Mapped[Decimal | None] = mapped_column(Numeric(8, 4))
    #: kroner per weighted quality point, for value_for_money and value_for_money_offset
    nok_per_point: Mapped[Decimal | None] = mapped_column(Numeric(16, 2))
    #: S for price_surcharge: the surcharge in per cent at zero quality
    surcharge_percent: Mapped[Decimal | None] = mapped_column(Numeric(8, 4))
    #: D for price_deduction: the deduction in per cent at full quality (at most 100)
    deduction_percent: Mapped[Decimal | None] = mapped_column(Numeric(8, 4))
    #: how the price schedule makes the evaluated price: "life_cycle", "basket" or "average"
    price_evaluation: Mapped[str] = mapped_column(
        String(20), default="life_cycle", server_default="life_cycle"
    )
    #: the yearly discount rate in per cent for the life-cycle cost (None: not discounted)
    discount_rate_percent: Mapped[Decimal | None] = mapped_column(Numeric(6, 3))
    #: a line a bid leaves unpriced: "reject" (the price is incomplete) or "highest" (filled with the highest
    #: price offered on that line, KOFA 2011/70)
    price_gaps: Mapped[str] = mapped_column(String(10), default="reject", server_default="reject")
    #: scale every quality leaf so the best bid gets Max (decided before opening, KOFA 2021/1000)
    normalise: Mapped[bool] = mapped_column(Boolean, default=False)
    #: the contract period as written in the tender documents, e.g. "4+1+1" (years, options included)
    contract_period: Mapped[str] = mapped_column(String(40), default="4")
    #: individual scores further apart than this are highlighted in the consensus view
    disagreement_threshold: Mapped[Decimal] = mapped_column(Numeric(6, 2), default=Decimal(2))
    phase: Mapped[Phase] = mapped_column(_enum(Phase, "evaluation_phase"), default=Phase.INDIVIDUAL)
    frozen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    frozen_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    #: SHA-256 of the frozen model's canonical JSON
    frozen_hash: Mapped[str | None] = mapped_column(String(64))
    #: the recorded tie-break order (bid ids as in the case format), JSON list, and why
    tie_break_json: Mapped[str] = mapped_column(Text, default="[]")
    tie_break_reason: Mapped[str] = mapped_column(Text, default="")
    lock_version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": lock_version}

    @property
    def allow_half_points(self) -> bool:
        """Whether the scale is in half points (read-only; the step says it)."""
        return Decimal(self.scale_step if self.scale_step is not None else 1) == Decimal("0.5")


class AwardCriterion(db.Model):  # type: ignore[name-defined,misc]
    """A tildelingskriterium in the tree; ``key`` matches the specification's criterion keys, so the
    evaluation requirements scored under it are the published requirements with that criterion."""

    __tablename__ = "award_criterion"
    __table_args__ = (
        UniqueConstraint("tender_id", "key"),
        CheckConstraint("weight >= 0", name="weight_not_negative"),
        CheckConstraint("(weight_min IS NULL) = (weight_max IS NULL)", name="range_both_or_neither"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(ForeignKey("tender.id", ondelete="CASCADE"), index=True)
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("award_criterion.id", ondelete="CASCADE"), index=True
    )
    key: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[CriterionKindValue] = mapped_column(
        _enum(CriterionKindValue, "award_criterion_kind"), default=CriterionKindValue.QUALITY
    )
    #: percent of its level
    weight: Mapped[Decimal] = mapped_column(Numeric(9, 4))
    #: the announced weight range (percent), optional
    weight_min: Mapped[Decimal | None] = mapped_column(Numeric(9, 4))
    weight_max: Mapped[Decimal | None] = mapped_column(Numeric(9, 4))
    #: the announced minimum score on this criterion (quality threshold; a bid below it is rejected)
    min_score: Mapped[Decimal | None] = mapped_column(Numeric(8, 4))
    #: documentation the vendor must give for this criterion
    documentation: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)

    evaluators: Mapped[list[CriterionEvaluator]] = relationship(cascade="all, delete-orphan")


class CriterionEvaluator(db.Model):  # type: ignore[name-defined,misc]
    """An evaluator assigned to score one criterion (and everything under it)."""

    __tablename__ = "criterion_evaluator"
    __table_args__ = (UniqueConstraint("criterion_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    criterion_id: Mapped[int] = mapped_column(
        ForeignKey("award_criterion.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    user = relationship("User")


class PriceItem(db.Model):  # type: ignore[name-defined,misc]
    """A line of the price schedule (prisskjema) the lead defines."""

    __tablename__ = "price_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(ForeignKey("tender.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[PriceItemKind] = mapped_column(_enum(PriceItemKind, "price_item_kind"))
    #: priced separately for every participating municipality
    per_municipality: Mapped[bool] = mapped_column(Boolean, default=False)
    #: the quantity in the basket (price evaluation "basket"): the evaluated price is Σ quantity × unit price
    quantity: Mapped[Decimal | None] = mapped_column(Numeric(16, 4))
    position: Mapped[int] = mapped_column(Integer, default=0)
