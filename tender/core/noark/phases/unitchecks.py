"""Phase 5b: questions across units of ``arkivstruktur.xml`` asked of the store at the end: journal and
case numbers that must be unique (N5V-CONTENT-24), in flat memory at any size.

Dates that contradict each other (N5V-CONTENT-23) are found in the stream (:mod:`..content`): a unit's own
dates when it ends, a mappe's registreringer when the mappe ends (its children's records come first), an
arkivdel's mapper (from the store) and its earliest and latest registrering when the arkivdel ends. This
phase marks that check as run.
"""

from __future__ import annotations

from ..content import FILE as ARKIVSTRUKTUR_XML
from ..findings import Severity
from ..store import Store
from .context import Run

CHECK_DATES = "N5V-CONTENT-23"
CHECK_NUMBERS = "N5V-CONTENT-24"


def check_units(run: Run, store: Store) -> None:
    """Unique numbers (the dates were checked in the stream)."""
    if run.handlers.get("arkivstruktur") is None:
        return
    run.out.ran(CHECK_DATES, CHECK_NUMBERS)
    unsure = run.handlers["arkivstruktur"].numbers_unsure
    _numbers(run, store, (unsure[0], unsure[1], unsure[2]))


def _units(units: list[tuple[str | None, int]], count: int) -> tuple[str, str]:
    no = ", ".join(f"{sid or 'uten systemID'} (linje {line})" for sid, line in units)
    en = ", ".join(f"{sid or 'without systemID'} (line {line})" for sid, line in units)
    if count > len(units):
        no, en = no + " …", en + " …"
    return no, en


def _numbers(run: Run, store: Store, which: tuple[bool, bool, bool]) -> None:
    for what, a, b, count, units in store.duplicate_numbers(which):
        listed_no, listed_en = _units(units, count)
        # the unit named is the first that repeats a number already used
        unit = units[1][0] if len(units) > 1 else units[0][0]
        line = units[1][1] if len(units) > 1 else units[0][1]
        if what == "journal":
            run.add(
                CHECK_NUMBERS,
                Severity.ERROR,
                f"Journalnummeret {b}/{a} (M013 journalaar {a}, M014 journalsekvensnummer {b}) brukes av "
                f"{count} journalposter: {listed_no}; sekvensnummeret skal være unikt innenfor journalåret.",
                f"The journal number {b}/{a} (M013 journalaar {a}, M014 journalsekvensnummer {b}) is used by "
                f"{count} journal records: {listed_en}; the sequence number must be unique within the year.",
                ARKIVSTRUKTUR_XML,
                line,
                "journalsekvensnummer",
                "M014",
                unit=unit,
            )
        elif what == "sak":
            run.add(
                CHECK_NUMBERS,
                Severity.ERROR,
                f"Saksnummeret {a}/{b} (M011 saksaar {a}, M012 sakssekvensnummer {b}) brukes av {count} "
                f"mapper: {listed_no}; sekvensnummeret skal være unikt innenfor saksåret.",
                f"The case number {a}/{b} (M011 saksaar {a}, M012 sakssekvensnummer {b}) is used by {count} "
                f"folders: {listed_en}; the sequence number must be unique within the year.",
                ARKIVSTRUKTUR_XML,
                line,
                "sakssekvensnummer",
                "M012",
                unit=unit,
            )
        else:
            run.add(
                CHECK_NUMBERS,
                Severity.WARNING,
                f"M015 journalpostnummer {b} brukes av {count} journalposter i samme mappe "
                f"{a or 'uten systemID'}: {listed_no}; journalpostnummeret skal skille journalpostene i "
                "saken fra hverandre.",
                f"M015 journalpostnummer {b} is used by {count} journal records in the same folder "
                f"{a or 'without systemID'}: {listed_en}; the number must tell the case's journal records "
                "apart.",
                ARKIVSTRUKTUR_XML,
                line,
                "journalpostnummer",
                "M015",
                unit=unit,
            )
