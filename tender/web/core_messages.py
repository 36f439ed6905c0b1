"""The pure core's problem codes worded in Norwegian bokmål: where a core error becomes words a person reads.

The scoring core (``tender.core.scoring``) reports each problem as a ``code`` with its ``values`` and
a place in the JSON case format (``criteria[1].children``); its English ``str()`` is for the command
line and logs. Pages, PDFs and flash messages word the same problem here instead, with numbers in
the Norwegian format. tests/test_core_messages.py fails for a core code without a wording here.

The specification core (``tender.core.spec``), the catalogue, the price schedule and the organisation
number report codes with values the same way; their Norwegian wording is in ``tender.web.spec_messages``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from fractions import Fraction
from typing import Any

from tender.core.scoring import PRICE_METHODS, Problem
from tender.formatting import format_decimal

__all__ = ["NORWEGIAN", "describe", "describe_all", "message", "note", "place", "register_filters"]

Wording = Callable[[Mapping[str, Any]], str]


def _n(value: Fraction | int) -> str:
    """An exact number as Norwegians write it: 90, 0,9, 33,333333."""
    return format_decimal(value, 6)


def _method(name: str) -> str:
    """A price method by its Norwegian label; an unknown name as written."""
    method = PRICE_METHODS.get(name)
    return method.label if method is not None else name


def _methods(names: Iterable[str]) -> str:
    return ", ".join(f"«{_method(n)}»" for n in names)


def _ids(ids: Iterable[str]) -> str:
    return ", ".join(f"«{i}»" for i in ids)


_PARAMETERS = {
    "k": "k",
    "nok_per_point": "kroner per poeng",
    "surcharge_percent": "pristillegget (S, prosent)",
    "deduction_percent": "prisfradraget (D, prosent)",
}


def _parameter(name: str) -> str:
    return _PARAMETERS.get(name, name)


def _whole_points(v: Mapping[str, Any]) -> str:
    allowed = "hele eller halve poeng" if v["half_points_allowed"] else "hele poeng"
    return f"{_n(v['score'])} er ikke tillatt: bare {allowed}."


def _bid(v: Mapping[str, Any]) -> str:
    return f"«{v.get('name') or v['bid']}»"


#: every code of the scoring core, worded for the lead
NORWEGIAN: dict[str, Wording] = {
    # the criteria tree
    "scale_max_not_positive": lambda v: f"Skalaens maksimum må være over 0, ikke {_n(v['scale_max'])}.",
    "no_criteria": lambda v: "Modellen må ha minst ett tildelingskriterium.",
    "scale_step_negative": lambda v: f"Skalaens trinn kan ikke være negativt ({_n(v['step'])}).",
    "scale_step_and_half_points": lambda v: (
        f"«Halve poeng» betyr trinn 0,5, men trinnet er oppgitt som {_n(v['step'])}: oppgi bare ett av dem."
    ),
    "scale_step_not_dividing": lambda v: (
        f"Trinnet {_n(v['step'])} deler ikke skalaen 0–{_n(v['scale_max'])} i hele trinn."
    ),
    "min_score_on_price": lambda v: "Minstepoeng gjelder bare kvalitetskriterier, ikke pris.",
    "min_score_off_scale": lambda v: (
        f"Minstepoengene {_n(v['minimum'])} ligger utenfor skalaen 0–{_n(v['scale_max'])}."
    ),
    "min_quality_off_scale": lambda v: (
        f"Minste vektede kvalitetspoeng {_n(v['minimum'])} ligger utenfor 0–{_n(v['quality_max'])} "
        "(det meste et tilbud kan få)."
    ),
    "level_sum": lambda v: (
        f"Vektene på dette nivået summerer til {_n(v['total'])}, ikke {v['expected']} "
        f"({' + '.join(f'{name} {_n(weight)}' for name, weight in v['parts'])})."
    ),
    "price_below_top": lambda v: (
        f"Underkriterier arver kvalitet fra «{v['parent']}»; priskriteriet må stå på øverste nivå og ha "
        "ingen underkriterier."
    ),
    "criterion_id_missing": lambda v: "Kriteriet mangler id.",
    "criterion_id_duplicate": lambda v: f"Id-en «{v['id']}» er allerede brukt ({place(v['other_place'])}).",
    "weight_negative": lambda v: f"Vekten kan ikke være negativ ({_n(v['weight'])}).",
    "range_inverted": lambda v: (
        f"Minimum i vektspennet ({_n(v['low'])}) er større enn maksimum ({_n(v['high'])})."
    ),
    "weight_outside_range": lambda v: (
        f"Vekten {_n(v['weight'])} er utenfor det kunngjorte spennet {_n(v['low'])}–{_n(v['high'])}."
    ),
    "method_on_quality": lambda v: "Bare priskriteriet har prismetode.",
    "second_price_criterion": lambda v: f"Det finnes allerede et priskriterium: «{v['other']}».",
    "price_with_children": lambda v: "Priskriteriet kan ikke ha underkriterier.",
    "price_normalised": lambda v: "Normalisering gjelder bare kvalitetskriterier.",
    "price_method_missing": lambda v: (
        f"Priskriteriet mangler prismetode (velg blant {_methods(v['known'])})."
    ),
    "price_weighted": lambda v: (
        f"Med «{_method(v['method'])}» vektes ikke prisen: sett priskriteriets vekt til 0 (den er "
        f"{_n(v['weight'])}) og la kvalitetskriteriene bære hele nivået."
    ),
    # price methods
    "price_method_unknown": lambda v: f"Ukjent prismetode «{v['method']}» (kjente: {_methods(v['known'])}).",
    "price_parameter_unexpected": lambda v: (
        f"Prismetoden «{_method(v['method'])}» har ingen parameter «{_parameter(v['parameter'])}»."
    ),
    "price_parameter_missing": lambda v: (
        f"Prismetoden «{_method(v['method'])}» trenger {_parameter(v['parameter'])} (over {_n(v['above'])})."
    ),
    "price_parameter_too_large": lambda v: (
        f"{_parameter(v['parameter']).capitalize()} er {_n(v['value'])}; "
        f"det kan være høyst {_n(v['at_most'])} "
        f"(ellers kunne kvalitet kjøpe en negativ pris med «{_method(v['method'])}»)."
    ),
    "price_parameter_too_small": lambda v: (
        f"{_parameter(v['parameter']).capitalize()} er {_n(v['value'])}; den må være over {_n(v['above'])}."
    ),
    # scores and bids
    "score_off_scale": lambda v: f"{_n(v['score'])} er utenfor skalaen 0–{_n(v['scale_max'])}.",
    "score_not_whole": _whole_points,
    "score_off_step": lambda v: f"{_n(v['score'])} er ikke tillatt: skalaen går i trinn på {_n(v['step'])}.",
    "consensus_not_mean": lambda v: (
        f"Konsensus er gjennomsnittet av de individuelle poengene: {_n(v['mean'])}, ikke {_n(v['score'])}."
    ),
    "half_points_not_allowed": lambda v: (
        f"{_n(v['score'])} er et halvt poeng, men halve poeng er ikke tillatt."
    ),
    "bid_id_missing": lambda v: "Tilbudet mangler id.",
    "bid_id_duplicate": lambda v: f"Id-en «{v['id']}» er allerede brukt av tilbud {v['other_index'] + 1}.",
    "rejection_reason_missing": lambda v: "Et avvist tilbud må ha begrunnelsen for avvisningen registrert.",
    "price_missing": lambda v: "Tilbudet mangler pris (modellen har et priskriterium).",
    "price_not_positive": lambda v: f"Prisen må være over 0, ikke {_n(v['price'])}.",
    "score_unknown_criterion": lambda v: f"Kriteriet «{v['criterion']}» finnes ikke i modellen.",
    "score_on_price": lambda v: f"«{v['criterion']}» er priskriteriet: poengene kommer fra prisen.",
    "score_on_group": lambda v: (
        f"«{v['criterion']}» har underkriterier; gi poeng på dem i stedet ({_ids(v['children'])})."
    ),
    "consensus_missing": lambda v: f"Konsensuspoeng mangler for {_ids(v['criteria'])}.",
    "unknown_bid": lambda v: f"Tilbudet «{v['bid']}» finnes ikke.",
    "tie_break_twice": lambda v: f"«{v['bid']}» står to ganger.",
    "not_a_quality_leaf": lambda v: f"«{v['criterion']}» er ikke et kvalitetskriterium uten underkriterier.",
    # warnings
    "price_method_caution": lambda v: f"{_method(v['method'])}: {v['caution']}",
    "announced_range_wide": lambda v: (
        f"Det kunngjorte spennet {_n(v['low'])}–{_n(v['high'])} er bredere enn ±10 prosentpoeng."
    ),
    "evaluated_price_negative": lambda v: (
        f"{_bid(v)} får negativ evaluert pris ({_n(v['evaluated_price'])}) med «{_method(v['method'])}»: "
        "kvaliteten er verdsatt høyere enn prisen."
    ),
    "unmet_requirement_not_rejected": lambda v: (
        f"{_bid(v)} oppfyller ikke minstekrav {v['requirement']}, men er ikke avvist."
    ),
    # notes of the sensitivity analysis
    "no_single_winner": lambda v: (
        "Ingen har vunnet alene (uavklart likhet på førsteplass, eller ingen tilbud): "
        "vektene er ikke analysert."
    ),
    "price_not_weighted": lambda v: (
        "Prisen vektes ikke: den inngår i den evaluerte prisen (prissetting av kvalitet, pristillegg eller "
        "prisfradrag)."
    ),
    "only_weighted_criterion": lambda v: "Det eneste vektede kriteriet på sitt nivå.",
    "cannot_win_on_price": lambda v: "Kan ikke vinne på pris alene.",
}

_FIELDS = {
    "weight": "vekt",
    "weight_min": "minimum i vektspennet",
    "weight_max": "maksimum i vektspennet",
    "kind": "type",
    "method": "prismetode",
    "id": "id",
    "name": "navn",
    "normalise": "normalisering",
    "children": "underkriterier",
    "k": "k",
    "nok_per_point": "kroner per poeng",
    "price": "pris",
    "rejection_reason": "begrunnelse for avvisning",
    "score": "poeng",
    "criterion": "kriterium",
    "scale_max": "skalaens maksimum",
    "criteria": "tildelingskriteriene",
    "scale_step": "skalaens trinn",
    "consensus": "regel for konsensus",
    "min_score": "minstepoeng",
    "min_quality": "minste vektede kvalitetspoeng",
    "surcharge_percent": "pristillegg (S)",
    "deduction_percent": "prisfradrag (D)",
}
_STEP = re.compile(r"([a-z_]+)(?:\[(\d+)\])?")


def place(path: str) -> str:
    """A place in the case format as the lead reads it: ``criteria[1].children[0].weight`` →
    "kriterium 2.1, vekt"; ``criteria[1].children`` → "nivået under kriterium 2"; ``bids[0].scores.arkiv``
    → "tilbud 1, poeng for «arkiv»". A step it does not know is kept as written."""
    words: list[str] = []
    criterion: list[str] = []
    steps = path.split(".") if path else []
    i = 0
    while i < len(steps):
        step = steps[i]
        match = _STEP.fullmatch(step)
        name, index = (match.group(1), match.group(2)) if match else (step, None)
        last = i == len(steps) - 1
        if name in ("criteria", "children") and index is not None:
            criterion.append(str(int(index) + 1))
        elif name == "children" and last and criterion:
            words.append(f"nivået under kriterium {'.'.join(criterion)}")
            criterion = []
        elif name == "criteria" and last and not words:
            words.append("øverste nivå")
        elif name == "bids" and index is not None:
            words.append(f"tilbud {int(index) + 1}")
        elif name == "individual_scores" and index is not None:
            words.append(f"individuell poengsum {int(index) + 1}")
        elif name == "individual_scores" and not last:
            words.append(f"individuelle poeng for tilbud «{'.'.join(steps[i + 1 :])}»")
            break
        elif name == "scores" and not last:
            words.append(f"poeng for «{'.'.join(steps[i + 1 :])}»")
            break
        elif name == "scores":
            pass  # only "consensus scores missing" stands here, and it says so itself
        elif name == "tie_break" and index is not None:
            words.append(f"rekkefølge ved likhet, plass {int(index) + 1}")
        else:
            if criterion:
                words.append(f"kriterium {'.'.join(criterion)}")
                criterion = []
            words.append(_FIELDS.get(name, step))
        i += 1
    if criterion:
        words.append(f"kriterium {'.'.join(criterion)}")
    return ", ".join(words)


def message(problem: Problem) -> str:
    """The problem in Norwegian, without its place."""
    return NORWEGIAN[problem.code](problem.values)


def describe(problem: Problem) -> str:
    """The problem in Norwegian with its place first: "Nivået under kriterium 2: Vektene summerer …"."""
    where = place(problem.place)
    return f"{where[:1].upper()}{where[1:]}: {message(problem)}" if where else message(problem)


def describe_all(problems: Iterable[Problem]) -> list[str]:
    """Each problem described, in order."""
    return [describe(p) for p in problems]


def note(code: str) -> str:
    """A note of the sensitivity analysis (``note_code``) in Norwegian; "" for no note."""
    return NORWEGIAN[code]({}) if code else ""


def register_filters(filters: dict[str, Any]) -> None:
    """``{{ warning|core_problem }}`` and ``{{ found.note_code|core_note }}`` in templates."""
    filters["core_problem"] = describe
    filters["core_note"] = note
