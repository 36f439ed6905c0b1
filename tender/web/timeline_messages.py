"""The timeline's problem codes (tender.core.timeline) worded in Norwegian bokmål, with every moment in Oslo
time (tender.formatting). tests/test_timeline.py fails for a code the core can report without a
wording here."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any

from tender.core.timeline import Entry, Problem
from tender.formatting import format_date, format_datetime
from tender.web.vendor_messages import N_

Wording = Callable[[Mapping[str, Any]], str]

#: the kinds in the chain as nouns in a sentence (tender.core.timeline.CHAIN)
KIND_NOUNS = {
    "announcement": "kunngjøringen",
    "participation_deadline": "fristen for forespørsel om å delta",
    "invitation": "invitasjonene til å gi tilbud",
    "questions_deadline": "fristen for spørsmål",
    "bid_deadline": "tilbudsfristen",
}


def _at(value: Any) -> str:
    return format_datetime(value) if isinstance(value, datetime) else "–"


def _pair(first: Any, second: Any) -> tuple[str, str]:
    """Two moments compared in one sentence: with seconds where the minutes alone read alike (the demo puts
    weeks into seconds, and "kl. 21.01 must lie before kl. 21.01" says nothing)."""
    a, b = _at(first), _at(second)
    if a == b and isinstance(first, datetime) and isinstance(second, datetime):
        return format_datetime(first, seconds=True), format_datetime(second, seconds=True)
    return a, b


def _out_of_order(v: Mapping[str, Any]) -> str:
    earlier, later = _pair(v["earlier_at"], v["later_at"])
    first, then = KIND_NOUNS[v["earlier"]].capitalize(), KIND_NOUNS[v["later"]]
    return f"{first} ({earlier}) må ligge før {then} ({later})."


def _days(n: int) -> str:
    if n < 1:
        return "under ett døgn"
    return "1 dag" if n == 1 else f"{n} dager"


def _weekday(day: date) -> str:
    return "en lørdag" if day.weekday() == 5 else "en søndag"


def _correction(v: Mapping[str, Any]) -> str:
    number = f" {v['number']}" if v.get("number") is not None else ""
    return (
        f"Rettelse{number} ble kunngjort {_at(v['at'])}, {_days(v['days'])} før tilbudsfristen i runde "
        f"{v['round']} ({_at(v['deadline'])}); en rettelse skal gi leverandørene minst {_days(v['minimum'])}."
    )


def _meeting(v: Mapping[str, Any]) -> str:
    number = f" {v['number']}" if v.get("number") is not None else ""
    return f"Forhandlingsmøte{number} i runde {v['round']} ({_at(v['at'])})"


MESSAGES: dict[str, Wording] = {
    "out_of_order": _out_of_order,
    "round_deadline_before_opening": lambda v: (
        f"Tilbudsfristen i runde {v['round']} ({_at(v['at'])}) må ligge etter åpningen av tilbudene i runde "
        f"{v['round'] - 1} ({_at(v['opened_at'])})."
    ),
    "meeting_before_opening": lambda v: (
        f"{_meeting(v)} ligger før tilbudene i runden er åpnet"
        + (f" ({_at(v['opened_at'])})." if v.get("opened_at") is not None else "; de er ikke åpnet ennå.")
    ),
    "meeting_after_next_deadline": lambda v: (
        f"{_meeting(v)} må ligge før tilbudsfristen i runde {v['next_round']} ({_at(v['deadline'])})."
    ),
    "correction_late_extended": lambda v: (
        f"{_correction(v)} Tilbudsfristen ble forlenget til {_at(v['extended_to'])}."
    ),
    "correction_late_not_extended": lambda v: f"{_correction(v)} Tilbudsfristen ble ikke forlenget.",
    "deadline_on_weekend": lambda v: (
        f"Tilbudsfristen i runde {v['round']} ({_at(v['at'])}) er {_weekday(v['day'])}."
    ),
    "deadline_on_holiday": lambda v: (
        f"Tilbudsfristen i runde {v['round']} ({_at(v['at'])}) er en helligdag: {v['name']}, "
        f"{format_date(v['day'])}."
    ),
}


def describe(problem: Problem) -> str:
    """The problem in Norwegian (an unknown code is a programming error and fails loudly)."""
    return MESSAGES[problem.code](problem.values)


#: the entries' Norwegian texts as ``tender.timeline.sources`` words them (with ``%(name)s`` placeholders),
#: marked for the English catalogue; a vendor's page in English shows them translated (:func:`entry_label`)
ENTRY_TEXTS = (
    N_("Konkurransen kunngjort med prekvalifisering"),
    N_("Konkurransen kunngjort med kravspesifikasjonen, versjon %(number)s"),
    N_("Kravspesifikasjonen publisert, versjon %(number)s"),
    N_("Frist for forespørsel om å delta"),
    N_("Frist for spørsmål"),
    N_("Brev om prekvalifiseringen til %(vendor)s: %(outcome)s"),
    N_("Tilbudsfrist"),
    N_("Tilbudsfrist, runde %(round)s (%(kind_lc)s)"),
    N_("%(vendor)s invitert til runde %(round)s (%(kind_lc)s)"),
    N_("Svar på spørsmål %(number)s publisert"),
    N_("Rettelse %(number)s kunngjort: %(reason)s"),
    N_("Konkurransegrunnlaget publisert, versjon %(number)s (rettelse: %(reason)s)"),
    N_("Konkurransegrunnlaget publisert, versjon %(number)s"),
    N_("Forhandlingsmøte med %(vendor)s om tilbudet i runde %(round)s"),
    N_("Brev til %(vendor)s: går ikke videre til neste runde"),
)


def entry_label(entry: Entry) -> str:
    """The entry's words in the page's language: on a vendor's page in English its text from the catalogue
    filled in with its values (labels among them translated too: a letter's outcome, a round's kind), else the
    Norwegian label the source made."""
    from flask_babel import gettext

    from tender.i18n import language, translated

    if entry.text is None or language() != "en":
        return entry.label
    values: dict[str, object] = {}
    for name, value in entry.values.items():
        if isinstance(value, str):
            value = translated(value)
            if name.endswith("_lc") and value:
                value = value[0].lower() + value[1:]
        values[name] = value
    return str(gettext(entry.text, **values))


def register_filters(filters: dict[str, Any]) -> None:
    filters["entry_label"] = entry_label
