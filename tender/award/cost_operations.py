"""The cost split and the option municipalities (issue 14, points 3 and 4).

What is split is the winning bid's price schedule in the final round, as a procurement group shares a joint
contract:

- a COMMON item (priced once for the whole contract) is shared among the BOUND municipalities by the key the
  lead chose (``tender.core.cost_split``: by population, equally, a fixed share each plus the rest by
  population, or custom percentages summing to 100), one-off and yearly items each on their own;
- an item priced PER MUNICIPALITY goes to that municipality as priced: nobody pays another's line;
- an OPTION municipality (opsjonskommune, ``TenderMunicipality.option``) is not bound by the contract and
  shares nothing of the common cost: it is shown apart, with its own per-municipality prices, and is not
  part of the key. When it joins later it pays what it was priced.

The yearly cost is the same every contract year; the total counts it for every year of the contract period
(``EvaluationModel.contract_period``, "4+1+1": options included, as the evaluation counts it). Amounts are
exact to the øre; the øre left over by rounding down go by the core's stated rule (largest remainder first,
ties by kommunenummer), so the shares always sum exactly to the winning bid's amounts.

The winner: the current recommendation's ``winner_bid_id`` when there is one, else the bid the evaluation
ranks first in the final round. Nothing before that round's opening (the prices are bid content).

The key is part of the recommendation's frozen snapshot (``cost_split_snapshot``), so it cannot change while
a recommendation is frozen (the lead withdraws it first) or once the notices are issued.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

from sqlalchemy import select

from tender import audit
from tender.award import snapshot
from tender.award.models import CostSplit, CostSplitKey, CostSplitShare, RecommendationState
from tender.award.operations import current_recommendation, notice_issue_of
from tender.bids.models import Bid
from tender.bids.operations import opening_of
from tender.clock import now
from tender.core import cost_split as core
from tender.core.price_schedule import contract_years
from tender.errors import DomainError
from tender.evaluation_model.models import PriceItemKind
from tender.evaluation_model.operations import model_or_default, price_items
from tender.extensions import db
from tender.formatting import format_decimal
from tender.negotiation.operations import ranking
from tender.tenders.models import Municipality, Tender, TenderMunicipality

#: the key shown (and split by) until the lead chooses one
DEFAULT_KEY = CostSplitKey.POPULATION
_ORE = Decimal("0.01")


# -- the problems of the core in Norwegian -------------------------------------------------------------------
def problem_in_words(problem: core.SplitProblem, names: dict[str, str] | None = None) -> str:
    """The core's problem code worded for the lead (``names``: kommunenummer → municipality name)."""
    where = (names or {}).get(str(problem.values.get("municipality", "")), problem.values.get("municipality"))
    words = {
        "key_unknown": "Velg en fordelingsnøkkel fra listen.",
        "no_municipalities": "Det er ingen bundne kommuner å fordele kostnadene på.",
        "population_negative": "Et innbyggertall kan ikke være negativt.",
        "population_zero": "Kommunenes innbyggertall er null: velg en annen fordelingsnøkkel.",
        "custom_missing": f"Skriv inn prosentsatsen for {where}.",
        "custom_negative": f"Prosentsatsen for {where} kan ikke være negativ.",
        "fixed_percent_out_of_range": "Den faste andelen må være en prosentsats fra 0 til 100.",
        "amount_negative": "Et beløp som skal fordeles, kan ikke være negativt.",
        "amount_not_in_ore": "Et beløp som skal fordeles, må være i hele øre.",
        "shares_not_whole": "Andelene summerer ikke til hele beløpet.",
    }
    if problem.code == "custom_not_100":
        return (
            "Prosentsatsene må summere til nøyaktig 100 %; de summerer nå til "
            f"{format_decimal(problem.values['sum'], 6)} %."
        )
    return words[problem.code]


# -- reading ------------------------------------------------------------------------------------------------
def cost_split_of(tender: Tender) -> CostSplit | None:
    return db.session.scalar(select(CostSplit).where(CostSplit.tender_id == tender.id))


def winning_bid(tender: Tender) -> Bid | None:
    """The bid whose prices are split: the recommendation's winner, else the final round's first-ranked bid;
    None before that round is opened (sealing) or while nothing is ranked."""
    rec = current_recommendation(tender)
    if rec is not None and rec.winner_bid_id is not None:
        bid = db.session.get(Bid, rec.winner_bid_id)
    else:
        if opening_of(tender) is None:
            return None
        first = next((r for r in ranking(tender) if r.rank == 1 and not r.rejected), None)
        bid = first.bid if first is not None else None
    if bid is None or bid.tender_id != tender.id or opening_of(tender, bid.round_no) is None:
        return None
    return bid


@dataclass
class BoundRow:
    municipality: Municipality
    share: Fraction
    #: the common items' part by the key
    common_one_off: Decimal
    common_yearly: Decimal
    #: what was priced for this municipality alone
    own_one_off: Decimal
    own_yearly: Decimal
    one_off: Decimal
    yearly: Decimal
    total: Decimal


@dataclass
class OptionRow:
    municipality: Municipality
    one_off: Decimal
    yearly: Decimal
    total: Decimal


@dataclass
class CostTable:
    """The split of the winning bid's prices, as the page, the workbook and the snapshot show it."""

    bid: Bid
    key: CostSplitKey
    chosen: bool
    fixed_percent: Decimal | None
    #: with CUSTOM: the percentages by municipality id
    percents: dict[int, Decimal]
    period: str
    years: tuple[int, ...]
    common_one_off: Decimal
    common_yearly: Decimal
    rows: list[BoundRow] = field(default_factory=list)
    options: list[OptionRow] = field(default_factory=list)
    #: why the split cannot be made with this key (e.g. custom percentages left from before a municipality
    #: became an option one), in words; the rows are empty then
    problem: str | None = None

    @property
    def year_count(self) -> int:
        return sum(self.years)

    def sums(self) -> dict[str, Decimal]:
        return {
            "one_off": sum((r.one_off for r in self.rows), Decimal(0)),
            "yearly": sum((r.yearly for r in self.rows), Decimal(0)),
            "total": sum((r.total for r in self.rows), Decimal(0)),
        }


def _parties(municipalities: list[Municipality]) -> list[core.Party]:
    return [core.Party(m.kommunenummer, m.population) for m in municipalities]


def cost_table(tender: Tender) -> CostTable | None:
    """The winning bid's prices split among the bound municipalities, the option municipalities apart; None
    before the final round is opened or while no bid ranks first."""
    bid = winning_bid(tender)
    if bid is None:
        return None
    chosen = cost_split_of(tender)
    key = chosen.key if chosen is not None else DEFAULT_KEY
    bound = sorted(tender.bound_municipalities, key=lambda m: m.kommunenummer)
    options = sorted(tender.option_municipalities, key=lambda m: m.kommunenummer)
    period = model_or_default(tender).contract_period
    years = contract_years(period)
    items = {i.id: i for i in price_items(tender)}
    common = {PriceItemKind.ONE_OFF: Decimal(0), PriceItemKind.YEARLY: Decimal(0)}
    own: dict[tuple[int, PriceItemKind], Decimal] = {}
    for line in bid.prices:
        item = items.get(line.price_item_id)
        if item is None:
            continue
        if item.per_municipality:
            if line.municipality_id is not None:
                slot = (line.municipality_id, item.kind)
                own[slot] = own.get(slot, Decimal(0)) + line.amount.quantize(_ORE)
        else:
            common[item.kind] += line.amount.quantize(_ORE)
    percents = {s.municipality_id: s.percent for s in chosen.shares} if chosen is not None else {}
    table = CostTable(
        bid=bid,
        key=key,
        chosen=chosen is not None,
        fixed_percent=chosen.fixed_percent if chosen is not None else None,
        percents=percents if key is CostSplitKey.CUSTOM else {},
        period=period,
        years=years,
        common_one_off=common[PriceItemKind.ONE_OFF],
        common_yearly=common[PriceItemKind.YEARLY],
    )
    for m in options:
        one_off = own.get((m.id, PriceItemKind.ONE_OFF), Decimal(0))
        yearly = own.get((m.id, PriceItemKind.YEARLY), Decimal(0))
        table.options.append(OptionRow(m, one_off, yearly, one_off + yearly * sum(years)))
    names = {m.kommunenummer: m.name for m in bound}
    by_number = {m.kommunenummer: m.id for m in bound}
    try:
        computed = core.municipality_costs(
            key.value,
            _parties(bound),
            one_off=table.common_one_off,
            yearly=table.common_yearly,
            period=period,
            fixed_percent=table.fixed_percent,
            percents={n: percents[i] for n, i in by_number.items() if i in percents},
        )
    except core.CostSplitError as error:
        table.problem = " ".join(problem_in_words(p, names) for p in error.problems)
        return table
    for m, c in zip(bound, computed, strict=True):
        own_one_off = own.get((m.id, PriceItemKind.ONE_OFF), Decimal(0))
        own_yearly = own.get((m.id, PriceItemKind.YEARLY), Decimal(0))
        table.rows.append(
            BoundRow(
                municipality=m,
                share=c.share,
                common_one_off=c.one_off,
                common_yearly=c.yearly,
                own_one_off=own_one_off,
                own_yearly=own_yearly,
                one_off=c.one_off + own_one_off,
                yearly=c.yearly + own_yearly,
                total=c.total + own_one_off + own_yearly * sum(years),
            )
        )
    return table


def _share(value: Fraction) -> str:
    """A share for the snapshot, to 12 decimals (the exact values are the amounts)."""
    return str((Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal("1e-12")))


def _kroner(value: Decimal) -> str:
    return str(value.quantize(_ORE))


def _percent(value: Decimal) -> str:
    """A stored percentage with the column's six decimals, the same text on every database (the snapshot is
    hashed)."""
    return str(value.quantize(Decimal("0.000001")))


def cost_split_snapshot(tender: Tender) -> dict[str, Any]:
    """The cost split as JSON-able data for the recommendation's frozen snapshot (key ``cost_split``): the
    key, the fixed percent, the custom percentages, per bound municipality its share and amounts, the option
    municipalities with their own prices, and the remainder rule. Numbers are decimal strings. {} while no
    key is chosen or before the final round's bids are opened."""
    chosen = cost_split_of(tender)
    table = cost_table(tender) if chosen is not None else None
    if chosen is None or table is None:
        return {}

    def muni(m: Municipality) -> dict[str, Any]:
        return {"id": m.id, "name": m.name, "kommunenummer": m.kommunenummer, "population": m.population}

    return {
        "key": table.key.value,
        "key_label": table.key.label,
        "fixed_percent": _percent(table.fixed_percent) if table.fixed_percent is not None else None,
        "percents": {
            m.kommunenummer: _percent(table.percents[m.id])
            for m in tender.bound_municipalities
            if m.id in table.percents
        },
        "bid_id": table.bid.id,
        "contract_period": table.period,
        "contract_years": sum(table.years),
        "common_one_off": _kroner(table.common_one_off),
        "common_yearly": _kroner(table.common_yearly),
        "remainder_rule": core.REMAINDER_RULE,
        "problem": table.problem,
        "bound": [
            {
                **muni(r.municipality),
                "share": _share(r.share),
                "common_one_off": _kroner(r.common_one_off),
                "common_yearly": _kroner(r.common_yearly),
                "own_one_off": _kroner(r.own_one_off),
                "own_yearly": _kroner(r.own_yearly),
                "one_off": _kroner(r.one_off),
                "yearly": _kroner(r.yearly),
                "total": _kroner(r.total),
            }
            for r in table.rows
        ],
        "option": [
            {
                **muni(r.municipality),
                "one_off": _kroner(r.one_off),
                "yearly": _kroner(r.yearly),
                "total": _kroner(r.total),
            }
            for r in table.options
        ],
    }


# -- changing -----------------------------------------------------------------------------------------------
def refusal(tender: Tender) -> str | None:
    """Why the key and the option municipalities cannot change now, in words; None when they can."""
    if notice_issue_of(tender) is not None:
        return "Meddelelsene om tildeling er sendt: kostnadsfordelingen og opsjonskommunene kan ikke endres."
    rec = current_recommendation(tender)
    if rec is not None and rec.state is RecommendationState.FROZEN:
        return (
            "Innstillingen er låst for godkjenning, og kostnadsfordelingen er en del av den. "
            "Trekk innstillingen tilbake først for å endre kostnadsfordelingen eller opsjonskommunene."
        )
    return None


def _require_open(tender: Tender) -> None:
    said = refusal(tender)
    if said is not None:
        raise DomainError(said)


def set_option(tender: Tender, municipality_id: int, option: bool, *, actor: Any) -> TenderMunicipality:
    """Mark a participating municipality as an option municipality (or bound again). At least one stays
    bound: the contract needs a party bound from the start."""
    _require_open(tender)
    link = next((tm for tm in tender.municipalities if tm.municipality_id == municipality_id), None)
    if link is None:
        raise DomainError("Kommunen deltar ikke i denne konkurransen.", field="municipality")
    if link.option == option:
        return link
    if option and len(tender.bound_municipalities) <= 1:
        raise DomainError(
            "Minst én kommune må være bundet av kontrakten fra start: den siste bundne kommunen kan ikke "
            "bli opsjonskommune.",
            field="municipality",
        )
    link.option = option
    db.session.flush()
    db.session.expire(tender, ["municipalities"])
    audit.record(
        "award.option_municipality_set",
        tender,
        actor=actor,
        payload={
            "municipality": link.municipality.name,
            "kommunenummer": link.municipality.kommunenummer,
            "option": option,
        },
    )
    return link


def set_key(
    tender: Tender,
    key: CostSplitKey,
    *,
    fixed_percent: Decimal | None,
    percents: dict[int, Decimal | None],
    actor: Any,
) -> CostSplit:
    """Choose the key (with FIXED_PLUS_POPULATION its fixed percent; with CUSTOM a percentage per bound
    municipality, by id, summing to exactly 100). Checked by the core before anything is stored."""
    _require_open(tender)
    bound = sorted(tender.bound_municipalities, key=lambda m: m.kommunenummer)
    names = {m.kommunenummer: m.name for m in bound}
    given = {m.kommunenummer: v for m in bound if (v := percents.get(m.id)) is not None}
    try:
        core.weights(
            key.value,
            _parties(bound),
            fixed_percent=fixed_percent if key is CostSplitKey.FIXED_PLUS_POPULATION else None,
            percents=given if key is CostSplitKey.CUSTOM else None,
        )
    except core.CostSplitError as error:
        reasons: dict[str, list[str]] = {}
        for p in error.problems:
            place = {"fixed_percent_out_of_range": "fixed_percent"}.get(p.code, "")
            if p.code in ("custom_missing", "custom_negative"):
                number = str(p.values["municipality"])
                place = f"m-{next(m.id for m in bound if m.kommunenummer == number)}-percent"
            reasons.setdefault(place, []).append(problem_in_words(p, names))
        raise DomainError(" ".join(sum(reasons.values(), [])), reasons=reasons) from None
    split = cost_split_of(tender)
    if split is None:
        split = CostSplit(tender_id=tender.id, key=key)
        db.session.add(split)
    split.key = key
    split.fixed_percent = fixed_percent if key is CostSplitKey.FIXED_PLUS_POPULATION else None
    split.set_at = now()
    split.set_by_name = getattr(actor, "name", "") or ""
    split.shares.clear()
    db.session.flush()
    if key is CostSplitKey.CUSTOM:
        for m in bound:
            split.shares.append(CostSplitShare(municipality_id=m.id, percent=given[m.kommunenummer]))
    db.session.flush()
    audit.record(
        "award.cost_split_set",
        split,
        actor=actor,
        payload={
            "split_key": key.value,
            "fixed_percent": str(split.fixed_percent) if split.fixed_percent is not None else None,
            "percents": {n: str(v) for n, v in given.items()} if key is CostSplitKey.CUSTOM else {},
        },
    )
    return split


# The cost split is part of the snapshot every signer approves (tender.award.snapshot).
snapshot.SNAPSHOT_PARTS["cost_split"] = cost_split_snapshot
