"""Price-scoring methods: a registry of named strategies, each labelled by its formula.

Guides disagree on what "relative" and "absolute" scoring mean, so every method carries the
formula it computes, shown on screen next to its Norwegian label (see DOMAIN.md, "Scoring").
Pe = the price being scored, Pb = the lowest and Ph = the highest price among bids not rejected,
Max = the top of the scale.

Some methods give no price points but rank by an *evaluated price* (lowest wins) made from the price and the
bid's weighted quality points Q (whose most is Qmax, see ``ScoringModel.quality_max``; q = Q/Qmax is the
bid's share of the best quality): value for money in its two announced forms, and the price-adjusting
models that move the price in proportion to itself (a surcharge for quality not delivered, a deduction for
quality delivered). Every such evaluated price is affine in Q, which the sensitivity analysis relies on.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import ClassVar, TypeVar

from tender.core.scoring.errors import Problem, ScoringError


@dataclass(frozen=True)
class PriceContext:
    """What a price method needs to know about the competition besides the price it scores."""

    lowest: Fraction  #: Pb
    highest: Fraction  #: Ph
    scale_max: Fraction  #: Max


class PriceMethod(ABC):
    """A way to turn a price into points (or, for value for money, into an evaluated price)."""

    name: ClassVar[str]
    label: ClassVar[str]  #: Norwegian, for the screen
    formula: ClassVar[str]
    parameter_names: ClassVar[tuple[str, ...]] = ()
    not_recommended: ClassVar[bool] = False
    #: why the method is criticised or flagged; shown as a warning with the result
    caution: ClassVar[str] = ""
    #: True when bids are ranked by evaluated price (lowest wins) instead of by total points
    ranks_by_evaluated_price: ClassVar[bool] = False
    #: True when the evaluated price can fall below 0 for some bids (flagged with the result)
    may_go_negative: ClassVar[bool] = False

    @abstractmethod
    def points(self, price: Fraction, context: PriceContext) -> Fraction | None:
        """The price points for ``price``; None when the method gives no price points."""

    def parameters(self) -> dict[str, Fraction]:
        """The method's parameters by name, as used in the case format."""
        return {}

    def evaluated_price(self, price: Fraction, quality: Fraction, quality_max: Fraction) -> Fraction | None:
        """The price the ranking uses, given the bid's weighted quality points ``quality`` (Q) and the most
        a bid can earn (``quality_max``, Qmax); None when the method ranks by points."""
        return None

    @classmethod
    def from_parameters(cls, parameters: Mapping[str, Fraction], place: str) -> PriceMethod:
        """Build the method; parameter problems are reported at ``place.<parameter>``."""
        return cls()


M = TypeVar("M", bound=type[PriceMethod])

#: every price method by name; the case format's ``method`` field picks from it
PRICE_METHODS: dict[str, type[PriceMethod]] = {}


def register_price_method(cls: M) -> M:
    """Class decorator: make a method available under its ``name``."""
    PRICE_METHODS[cls.name] = cls
    return cls


def make_price_method(
    name: str, parameters: Mapping[str, Fraction] | None = None, place: str = "criteria[?]"
) -> PriceMethod:
    """Look up ``name`` in the registry and build it from ``parameters``.

    Raises ScoringError naming ``place.method`` for an unknown name and ``place.<parameter>`` for a
    missing, unexpected or out-of-range parameter.
    """
    given = dict(parameters or {})
    cls = PRICE_METHODS.get(name)
    if cls is None:
        known = tuple(sorted(PRICE_METHODS))
        raise ScoringError(
            [Problem(f"{place}.method", "price_method_unknown", {"method": name, "known": known})]
        )
    unexpected = sorted(set(given) - set(cls.parameter_names))
    if unexpected:
        raise ScoringError(
            Problem(f"{place}.{p}", "price_parameter_unexpected", {"method": name, "parameter": p})
            for p in unexpected
        )
    return cls.from_parameters(given, place)


def _required(
    parameters: Mapping[str, Fraction],
    key: str,
    place: str,
    method: str,
    above: Fraction,
    at_most: Fraction | None = None,
) -> Fraction:
    """The parameter ``key``, which must be given, be above ``above`` and (when given) at most ``at_most``."""
    value = parameters.get(key)
    if value is None:
        raise ScoringError(
            [
                Problem(
                    f"{place}.{key}",
                    "price_parameter_missing",
                    {"method": method, "parameter": key, "above": above},
                )
            ]
        )
    if not value > above:
        raise ScoringError(
            [
                Problem(
                    f"{place}.{key}",
                    "price_parameter_too_small",
                    {"parameter": key, "value": value, "above": above},
                )
            ]
        )
    if at_most is not None and value > at_most:
        raise ScoringError(
            [
                Problem(
                    f"{place}.{key}",
                    "price_parameter_too_large",
                    {"method": method, "parameter": key, "value": value, "at_most": at_most},
                )
            ]
        )
    return value


@register_price_method
@dataclass(frozen=True)
class Linear(PriceMethod):
    name = "linear"
    label = "Lineær (DFØ)"
    formula = "P = Max − Max·(Pe − Pb)/Pb"

    def points(self, price: Fraction, context: PriceContext) -> Fraction:
        # Negative points above twice the lowest price are lawful (KOFA 2015/60) and keep the
        # point gap equal to the percentage gap in price.
        return context.scale_max - context.scale_max * (price - context.lowest) / context.lowest


@register_price_method
@dataclass(frozen=True)
class LinearFloor(PriceMethod):
    name = "linear_floor"
    label = "Lineær med gulv på 0"
    formula = "P = max(0, Max − Max·(Pe − Pb)/Pb)"

    def points(self, price: Fraction, context: PriceContext) -> Fraction:
        return max(Fraction(0), Linear().points(price, context))


@register_price_method
@dataclass(frozen=True)
class LinearZeroAt(PriceMethod):
    name = "linear_zero_at"
    label = "Lineær, null poeng ved k × laveste pris"
    formula = "P = max(0, Max·(1 − (Pe − Pb)/((k − 1)·Pb)))"
    parameter_names = ("k",)

    k: Fraction

    def points(self, price: Fraction, context: PriceContext) -> Fraction:
        gap = (price - context.lowest) / ((self.k - 1) * context.lowest)
        return max(Fraction(0), context.scale_max * (1 - gap))

    def parameters(self) -> dict[str, Fraction]:
        return {"k": self.k}

    @classmethod
    def from_parameters(cls, parameters: Mapping[str, Fraction], place: str) -> PriceMethod:
        return cls(_required(parameters, "k", place, cls.name, Fraction(1)))


@register_price_method
@dataclass(frozen=True)
class Proportional(PriceMethod):
    name = "proportional"
    label = "Forholdsmessig"
    formula = "P = Max·Pb/Pe"
    caution = (
        "forholdsmessig prisevaluering er kritisert (KOFA 2016/41, 2014/95): avstanden mellom to tilbud "
        "avhenger av laveste pris, og prisen veier mindre enn kunngjort"
    )

    def points(self, price: Fraction, context: PriceContext) -> Fraction:
        return context.scale_max * context.lowest / price


@register_price_method
@dataclass(frozen=True)
class Spread(PriceMethod):
    name = "spread"
    label = "Spredning mellom laveste og høyeste pris"
    formula = "P = Max·(Ph − Pe)/(Ph − Pb); like priser gir Max"
    not_recommended = True
    caution = "spredningsmetoden anbefales ikke: det dyreste tilbudet styrer alle andres poeng"

    def points(self, price: Fraction, context: PriceContext) -> Fraction:
        if context.highest == context.lowest:
            return context.scale_max  # every price is the lowest
        return context.scale_max * (context.highest - price) / (context.highest - context.lowest)


@register_price_method
@dataclass(frozen=True)
class ValueForMoney(PriceMethod):
    name = "value_for_money"
    label = "Prissetting av kvalitet"
    formula = "Evaluert pris = Pe − kr per poeng × vektede kvalitetspoeng; lavest evaluert pris vinner"
    parameter_names = ("nok_per_point",)
    ranks_by_evaluated_price = True
    may_go_negative = True

    nok_per_point: Fraction

    def points(self, price: Fraction, context: PriceContext) -> None:
        return None  # price enters the evaluated price, not the points

    def evaluated_price(self, price: Fraction, quality: Fraction, quality_max: Fraction) -> Fraction:
        return price - self.nok_per_point * quality

    def parameters(self) -> dict[str, Fraction]:
        return {"nok_per_point": self.nok_per_point}

    @classmethod
    def from_parameters(cls, parameters: Mapping[str, Fraction], place: str) -> PriceMethod:
        return cls(_required(parameters, "nok_per_point", place, cls.name, Fraction(0)))


@register_price_method
@dataclass(frozen=True)
class ValueForMoneyOffset(ValueForMoney):
    """Value for money as some buyers announce it: the comparison figure is the price plus the value of the
    quality *not* delivered, so it is never below the price. It ranks exactly as ``value_for_money`` (the two
    differ by the same kr per poeng × Qmax for every bid) but prints the published figure."""

    name = "value_for_money_offset"
    label = "Prissetting av kvalitet, tillegg for manglende kvalitet"
    formula = (
        "Evaluert pris = Pe + kr per poeng × (maks vektede kvalitetspoeng − vektede kvalitetspoeng); "
        "lavest evaluert pris vinner"
    )
    may_go_negative = False

    def evaluated_price(self, price: Fraction, quality: Fraction, quality_max: Fraction) -> Fraction:
        return price + self.nok_per_point * (quality_max - quality)


@register_price_method
@dataclass(frozen=True)
class PriceSurcharge(PriceMethod):
    """The percentage surcharge model (Swedish «mervärdespåslag», named after Oslo kommune in Norway): the
    price is raised in proportion to itself for the quality a bid does not deliver; at zero quality by S %."""

    name = "price_surcharge"
    label = "Prosentvis pristillegg for manglende kvalitet"
    formula = "Evaluert pris = Pe × (1 + S/100 × (1 − Q/Qmax)); lavest evaluert pris vinner"
    parameter_names = ("surcharge_percent",)
    ranks_by_evaluated_price = True

    surcharge_percent: Fraction

    def points(self, price: Fraction, context: PriceContext) -> None:
        return None

    def evaluated_price(self, price: Fraction, quality: Fraction, quality_max: Fraction) -> Fraction:
        share = quality / quality_max if quality_max else Fraction(0)
        return price * (1 + self.surcharge_percent / 100 * (1 - share))

    def parameters(self) -> dict[str, Fraction]:
        return {"surcharge_percent": self.surcharge_percent}

    @classmethod
    def from_parameters(cls, parameters: Mapping[str, Fraction], place: str) -> PriceMethod:
        return cls(_required(parameters, "surcharge_percent", place, cls.name, Fraction(0)))


@register_price_method
@dataclass(frozen=True)
class PriceDeduction(PriceMethod):
    """The percentage deduction model (Swedish «mervärdesavdrag» in per cent, Danish «procentvis fradrag»):
    the price is lowered in proportion to itself for the quality a bid delivers; at full quality by D %.
    D above 100 would let quality buy a negative price, so it is refused when the model is set up."""

    name = "price_deduction"
    label = "Prosentvis prisfradrag for levert kvalitet"
    formula = "Evaluert pris = Pe × (1 − D/100 × Q/Qmax); lavest evaluert pris vinner"
    parameter_names = ("deduction_percent",)
    ranks_by_evaluated_price = True

    deduction_percent: Fraction

    def points(self, price: Fraction, context: PriceContext) -> None:
        return None

    def evaluated_price(self, price: Fraction, quality: Fraction, quality_max: Fraction) -> Fraction:
        share = quality / quality_max if quality_max else Fraction(0)
        return price * (1 - self.deduction_percent / 100 * share)

    def parameters(self) -> dict[str, Fraction]:
        return {"deduction_percent": self.deduction_percent}

    @classmethod
    def from_parameters(cls, parameters: Mapping[str, Fraction], place: str) -> PriceMethod:
        return cls(
            _required(parameters, "deduction_percent", place, cls.name, Fraction(0), at_most=Fraction(100))
        )
