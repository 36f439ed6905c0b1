"""The prequalification core's problem codes worded in Norwegian bokmål, for pages, PDFs and flash messages.

``tender.core.prequalification`` reports each problem as a ``code`` with its ``values`` and a place
(``criteria[1].weight``, ``invited[2]``); it carries no sentence. Its own codes are worded here, and so are
the scoring core's codes it passes on (the selection criteria are checked by the scoring core's model), in
words about selection criteria and requests rather than award criteria and bids. Numbers go through
``tender.formatting``. tests/test_prequalification_messages.py fails for a code without a wording.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from fractions import Fraction
from typing import Any

from tender.core.scoring import Problem
from tender.formatting import format_decimal
from tender.web import core_messages

__all__ = ["NORWEGIAN", "REQUIREMENT_GROUP_LABELS", "describe", "describe_all", "message", "names", "place"]

Wording = Callable[[Mapping[str, Any]], str]

#: the law the candidate limits come from
FOA_LIMITS = "FOA § 16-12"

#: "i <procedure>", as the sentence about the minimum needs it
_IN_PROCEDURE = {
    "competitive_negotiation": "i konkurranse med forhandling",
    "restricted": "i begrenset anbudskonkurranse",
    "open": "i åpen anbudskonkurranse",
}
_PROCEDURE = {
    "competitive_negotiation": "konkurranse med forhandling",
    "restricted": "begrenset anbudskonkurranse",
    "open": "åpen anbudskonkurranse",
}
#: the groups of qualification requirements (``REQUIREMENT_GROUPS`` of the core) as the pages name them
REQUIREMENT_GROUP_LABELS = {
    "registration": "registrering og rettslig stilling",
    "tax": "skatt og merverdiavgift",
    "economic": "økonomisk og finansiell kapasitet",
    "technical": "teknisk og faglig kvalifikasjon",
}
_KINDS = {"requirements": "kvalifikasjonskravet", "exclusion_grounds": "avvisningsgrunnen"}


def _n(value: Fraction | int) -> str:
    """An exact number as Norwegians write it: 90, 100,5, 33,333333."""
    return format_decimal(value, 6)


def _points(value: Fraction | int) -> str:
    """A selection score as the pages show points: 7,25."""
    return format_decimal(value, 2)


def names(items: Sequence[str]) -> str:
    """«A», «A og B», «A, B og C»."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} og {items[-1]}"


def _ids(ids: Iterable[str]) -> str:
    return ", ".join(f"«{i}»" for i in ids)


def _who(v: Mapping[str, Any], name: str = "name", rid: str = "request") -> str:
    return str(v.get(name) or v[rid])


def _kind(v: Mapping[str, Any]) -> str:
    kind = str(v["kind"])
    return _KINDS.get(kind, kind)


def _minimum_below(v: Mapping[str, Any]) -> str:
    where = _IN_PROCEDURE.get(v["procedure"], f"i «{v['procedure']}»")
    return (
        f"Minste antall kandidater er {v['minimum']}, men {where} må det være minst "
        f"{v['legal_minimum']} ({FOA_LIMITS})."
    )


def _below_minimum(v: Mapping[str, Any]) -> str:
    if v["qualified"] < v["minimum"]:
        return (
            f"Bare {v['qualified']} er kvalifisert, færre enn minste antall ({v['minimum']}); da skal alle "
            f"de kvalifiserte inviteres, men utvalget har {v['count']}."
        )
    return f"Utvalget har {v['count']} kandidater, men minste antall er {v['minimum']}."


def _cutoff_tie(v: Mapping[str, Any]) -> str:
    return (
        f"{names(list(v['names']))} står likt på {_points(v['total'])} poeng ved grensen for hvem som "
        "inviteres; registrer en beslutning før utvalget foreslås."
    )


#: every code of the prequalification core, and the scoring core's codes it passes on
NORWEGIAN: dict[str, Wording] = {
    # candidate limits
    "procedure_unknown": lambda v: (
        f"Ukjent prosedyre «{v['procedure']}» "
        f"(kjente: {', '.join(_PROCEDURE.get(p, p) for p in v['known'])})."
    ),
    "minimum_missing": lambda v: "Minste antall kandidater må oppgis.",
    "minimum_not_positive": lambda v: f"Minste antall kandidater må være minst 1, ikke {v['minimum']}.",
    "minimum_below_legal": _minimum_below,
    "maximum_not_positive": lambda v: f"Største antall kandidater må være minst 1, ikke {v['maximum']}.",
    "maximum_below_minimum": lambda v: (
        f"Største antall kandidater ({v['maximum']}) er lavere enn minste antall ({v['minimum']})."
    ),
    # selection criteria and their scale
    "selection_weight_sum": lambda v: (
        f"Vektene på utvelgelseskriteriene summerer seg til {_n(v['total'])} %, ikke 100 % "
        f"({' + '.join(f'{name} {_n(weight)} %' for name, weight in v['parts'])})."
    ),
    "selection_name_missing": lambda v: f"Utvelgelseskriteriet «{v['id']}» mangler navn.",
    "descriptor_off_scale": lambda v: (
        f"Skalabeskrivelsen for {_n(v['score'])} poeng er utenfor skalaen 0–{_n(v['scale_max'])}."
    ),
    "descriptor_duplicate": lambda v: f"Det er allerede en skalabeskrivelse for {_n(v['score'])} poeng.",
    "descriptor_text_missing": lambda v: f"Skalabeskrivelsen for {_n(v['score'])} poeng mangler tekst.",
    # the scoring core's codes, said of selection criteria
    "no_criteria": lambda v: "Det må være minst ett utvelgelseskriterium.",
    "criterion_id_missing": lambda v: "Utvelgelseskriteriet mangler id.",
    "criterion_id_duplicate": lambda v: (
        f"Id-en «{v['id']}» er allerede brukt av et annet utvelgelseskriterium."
    ),
    "weight_negative": lambda v: f"Vekten kan ikke være negativ ({_n(v['weight'])} %).",
    "score_off_scale": lambda v: f"{_n(v['score'])} er utenfor skalaen 0–{_n(v['scale_max'])}.",
    "score_not_whole": lambda v: core_messages.NORWEGIAN["score_not_whole"](v),
    "half_points_not_allowed": lambda v: (
        f"{_n(v['score'])} er et halvt poeng, men halve poeng er ikke tillatt."
    ),
    # ranking
    "tie_decision_twice": lambda v: (
        f"«{v['request']}» står to ganger i beslutningene om rekkefølge; bare den første plassen teller."
    ),
    "selection_score_missing": lambda v: (
        f"{_who(v)} mangler konsensuspoeng for {_ids(v.get('criterion_names') or v['criteria'])} og er "
        "derfor ikke rangert."
    ),
    "cutoff_tie_unresolved": _cutoff_tie,
    # the invited set
    "invited_twice": lambda v: f"«{v['request']}» står to ganger i utvalget.",
    "invited_unknown": lambda v: f"Forespørselen «{v['request']}» finnes ikke.",
    "invited_not_qualified": lambda v: f"{_who(v)} er ikke kvalifisert og kan ikke inviteres.",
    "invited_excluded": lambda v: f"{_who(v)} er avvist og kan ikke inviteres.",
    "invited_above_maximum": lambda v: (
        f"Utvalget har {v['count']} kandidater, men største antall er {v['maximum']}."
    ),
    "invited_below_minimum": _below_minimum,
    "invited_splits_tie": lambda v: (
        f"{names(list(v['invited_names']))} er invitert, men {names(list(v['left_out_names']))} står likt "
        f"med {_points(v['total'])} poeng og er ikke invitert; inviter alle som står likt, eller registrer "
        "en beslutning om rekkefølgen."
    ),
    "qualified_left_out": lambda v: (
        f"{_who(v)} er kvalifisert og må inviteres: det er ikke flere kvalifiserte enn største antall."
    ),
    "invited_skips_higher": lambda v: (
        f"{_who(v)} (nr. {v['rank']}) er invitert, men {_who(v, 'skipped_name', 'skipped')} "
        f"(nr. {v['skipped_rank']}) er rangert høyere og er ikke invitert."
    ),
    # the rest of the setup
    "requirement_group_unknown": lambda v: (
        f"Ukjent gruppe av kvalifikasjonskrav «{v['group']}» (kjente: "
        f"{', '.join(REQUIREMENT_GROUP_LABELS.values())})."
    ),
    "item_id_missing": lambda v: f"{_kind(v).capitalize()} mangler id.",
    "item_id_duplicate": lambda v: (
        f"Id-en «{v['id']}» er allerede brukt av {_kind(v)} nr. {v['other_index'] + 1}."
    ),
    "item_text_missing": lambda v: f"{_kind(v).capitalize()} «{v['id']}» mangler tekst.",
    "deadline_naive": lambda v: "Fristen for forespørsler mangler tidssone.",
}

_FIELDS = {
    "criteria": "utvelgelseskriteriene",
    "requirements": "kvalifikasjonskravene",
    "exclusion_grounds": "avvisningsgrunnene",
    "scale": "skalaen",
    "minimum": "minste antall kandidater",
    "maximum": "største antall kandidater",
    "procedure": "prosedyre",
    "deadline": "frist for forespørsler",
    "ranking": "rangeringen",
    "invited": "utvalget",
    "tie_break": "beslutningene om rekkefølge",
    "weight": "vekt",
    "name": "navn",
    "id": "id",
    "text": "tekst",
    "score": "poeng",
    "group": "gruppe",
}
_INDEXED = {
    "criteria": "utvelgelseskriterium",
    "requirements": "kvalifikasjonskrav",
    "exclusion_grounds": "avvisningsgrunn",
    "scale": "skalabeskrivelse",
    "requests": "forespørsel",
    "invited": "invitert nr.",
    "tie_break": "beslutningene om rekkefølge, plass",
}
_STEP = re.compile(r"([a-z_]+)(?:\[(\d+)\])?")


def place(path: str) -> str:
    """A place as the lead reads it: ``criteria[1].weight`` → "utvelgelseskriterium 2, vekt";
    ``requests[0].scores.ref`` → "forespørsel 1, poeng for «ref»". A step it does not know is kept."""
    words: list[str] = []
    steps = path.split(".") if path else []
    for i, step in enumerate(steps):
        match = _STEP.fullmatch(step)
        name, index = (match.group(1), match.group(2)) if match else (step, None)
        if index is not None and name in _INDEXED:
            words.append(f"{_INDEXED[name]} {int(index) + 1}")
        elif name == "scores" and i < len(steps) - 1:
            words.append(f"poeng for «{'.'.join(steps[i + 1 :])}»")
            break
        elif name == "scores":
            pass  # only "scores missing" stands here, and it says so itself
        else:
            words.append(_FIELDS.get(name, step))
    return ", ".join(words)


def message(problem: Problem) -> str:
    """The problem in Norwegian, without its place."""
    return NORWEGIAN[problem.code](problem.values)


def describe(problem: Problem) -> str:
    """The problem in Norwegian with its place first: "Utvelgelseskriterium 2, vekt: …"."""
    where = place(problem.place)
    return f"{where[:1].upper()}{where[1:]}: {message(problem)}" if where else message(problem)


def describe_all(problems: Iterable[Problem]) -> list[str]:
    """Each problem described, in order."""
    return [describe(p) for p in problems]
