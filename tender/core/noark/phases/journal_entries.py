"""Phase 5, the journals entry by entry: each journalpost of ``loependeJournal.xml`` and
``offentligJournal.xml`` against the journalpost of ``arkivstruktur.xml`` with its systemID (check
N5V-CONTENT-28), and the journals' period against the archival period (N5V-CONTENT-20).

The entries and the records are in the store (one row each, written during the XML pass); the
questions are a few SQL queries whose rows stream past, so memory stays flat whatever the size.

How hard a finding is depends on the period separation ADDML states: with a sharp one (both
``inngaaendeSkille`` and ``utgaaendeSkille`` "skarpt") the journals hold exactly the journalposts of
the extract (krav 6.4.29/6.4.30), so every deviation is an error. With a soft one the standard lets the
journals hold journalposts of folders that live on in another period: an entry without a record is then
only noted, and a difference or a record left out (with its journaldato inside the journal's period)
is a warning.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Final

from ..findings import Severity
from ..journals import JournalHandler
from ..store import JournalEntry, JournalRecord, Store
from .context import Run

CHECK: Final = "N5V-CONTENT-28"
PERIOD_CHECK: Final = "N5V-CONTENT-20"
JOURNAL_KEYS: Final = ("loependeJournal", "offentligJournal")

#: the values compared, with their M-numbers and how to read them
_COMPARED: Final = (
    ("journalaar", "M013", "integer"),
    ("journalsekvensnummer", "M014", "integer"),
    ("journalpostnummer", "M015", "integer"),
    ("journaldato", "M101", "date"),
    ("dokumentetsDato", "M103", "date"),
    # offentligJournal has no tittel; its offentligTittel is not compared: screened words are replaced
    # by "******" there, so it may differ from the record's offentligTittel on purpose
    ("tittel", "M020", "text"),
)
_CASE: Final = (("saksaar", "M011"), ("sakssekvensnummer", "M012"))
_ATTRIBUTE: Final = {
    "journalaar": "journalaar",
    "journalsekvensnummer": "journalsekvensnummer",
    "journalpostnummer": "journalpostnummer",
    "journaldato": "journaldato",
    "dokumentetsDato": "dokumentets_dato",
    "tittel": "tittel",
    "saksaar": "saksaar",
    "sakssekvensnummer": "sakssekvensnummer",
}
_INTEGER: Final = re.compile(r"[+-]?\d+")
_DAY: Final = re.compile(r"\d{4}-\d\d-\d\d")


def _file(journal: str) -> str:
    return journal + ".xml"


def _comparable(value: str | None, kind: str) -> Any:
    """A value as the schema means it ("07" is the integer 7, a date may carry a time zone), or None when
    it cannot be read (the schema check reports that) or is not there."""
    if value is None or value == "":
        return None
    if kind == "integer":
        return int(value) if _INTEGER.fullmatch(value) else None
    if kind == "date":
        if _DAY.match(value) is None:
            return None
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            return None
    return " ".join(value.split())  # line breaks and runs of blanks in a title are not a difference


def _journals(run: Run) -> list[tuple[str, JournalHandler]]:
    return [(k, h) for k in JOURNAL_KEYS if (h := run.handlers.get(k)) is not None]


def check_entries(run: Run, store: Store) -> None:
    """N5V-CONTENT-28: the journals' entries against the records of arkivstruktur.xml."""
    arkiv = run.handlers.get("arkivstruktur")
    journals = _journals(run)
    if arkiv is None or not journals:
        return
    run.out.ran(CHECK)
    sharp = run.addml is not None and run.addml.sharp_separation
    _entries_without_record(run, store, sharp)
    _entries_that_differ(run, store, sharp)
    if arkiv.complete:
        _records_missing(run, store, sharp, [(k, h) for k, h in journals if h.complete])


def _separation_no(sharp: bool) -> str:
    return "periodeskillet er skarpt" if sharp else "periodeskillet er ikke skarpt"


def _entries_without_record(run: Run, store: Store, sharp: bool) -> None:
    for entry, level in store.journal_entries_without_record():
        file = _file(entry.journal)
        where_no = f"Journalposten med M001 systemID «{entry.system_id}» i {file} på linje {entry.line}"
        where_en = f"The journal entry with M001 systemID '{entry.system_id}' in {file} on line {entry.line}"
        if level is not None:
            # the systemID is there, on another kind of unit: never right, whatever the separation
            run.add(
                CHECK,
                Severity.ERROR if sharp else Severity.WARNING,
                f"{where_no} finnes i arkivstruktur.xml, men som {level} og ikke som journalpost.",
                f"{where_en} is in arkivstruktur.xml, but as a {level}, not as a journal record.",
                file,
                entry.line,
                "systemID",
                "M001",
                unit=entry.system_id,
                arkade=("N5.59",),
            )
        elif sharp:
            run.add(
                CHECK,
                Severity.ERROR,
                f"{where_no} finnes ikke i arkivstruktur.xml; periodeskillet er skarpt, så journalene skal "
                "inneholde nøyaktig journalpostene i uttrekket.",
                f"{where_en} is not in arkivstruktur.xml; the period separation is sharp, so the journals "
                "must hold exactly the journal records of the extract.",
                file,
                entry.line,
                "systemID",
                "M001",
                unit=entry.system_id,
                arkade=("N5.59",),
            )
        else:
            run.add(
                CHECK,
                Severity.INFO,
                f"{where_no} finnes ikke i arkivstruktur.xml; med mykt periodeskille kan journalene ha "
                "journalposter fra mapper i en annen periode.",
                f"{where_en} is not in arkivstruktur.xml; with a soft period separation the journals may "
                "hold journal records of folders in another period.",
                file,
                entry.line,
                "systemID",
                "M001",
                unit=entry.system_id,
                arkade=("N5.59",),
            )


def _entries_that_differ(run: Run, store: Store, sharp: bool) -> None:
    severity = Severity.ERROR if sharp else Severity.WARNING
    for entry, record in store.journal_entries_with_record():
        for name, m_number, kind in _COMPARED:
            attribute = _ATTRIBUTE[name]
            ours, theirs = getattr(entry, attribute), getattr(record, attribute)
            a, b = _comparable(ours, kind), _comparable(theirs, kind)
            # only values both sides give: a missing mandatory value is the schema check's, and a journal
            # may leave out what is optional in it (dokumentetsDato)
            if a is not None and b is not None and a != b:
                _difference(run, entry, record, name, m_number, ours, theirs, severity)
        for name, m_number in _CASE:
            attribute = _ATTRIBUTE[name]
            ours, theirs = getattr(entry, attribute), getattr(record, attribute)
            a, b = _comparable(ours, "integer"), _comparable(theirs, "integer")
            if a is not None and b is not None and a != b:
                _case_difference(run, entry, record, name, m_number, str(ours), str(theirs), severity)


def _shown(value: str | None) -> str:
    return f"«{value}»" if value else "ingen verdi"


def _shown_en(value: str | None) -> str:
    return f"'{value}'" if value else "no value"


def _difference(
    run: Run,
    entry: JournalEntry,
    record: JournalRecord,
    name: str,
    m_number: str,
    ours: str | None,
    theirs: str | None,
    severity: Severity,
) -> None:
    file = _file(entry.journal)
    run.add(
        CHECK,
        severity,
        f"Journalposten «{entry.system_id}» i {file} på linje {entry.line} har {m_number} {name} "
        f"{_shown(ours)}, men journalposten i arkivstruktur.xml på linje {record.line} har {_shown(theirs)}.",
        f"The journal entry '{entry.system_id}' in {file} on line {entry.line} has {m_number} {name} "
        f"{_shown_en(ours)}, but the journal record in arkivstruktur.xml on line {record.line} has "
        f"{_shown_en(theirs)}.",
        file,
        entry.line,
        name,
        m_number,
        unit=entry.system_id,
    )


def _case_difference(
    run: Run,
    entry: JournalEntry,
    record: JournalRecord,
    name: str,
    m_number: str,
    ours: str,
    theirs: str,
    severity: Severity,
) -> None:
    file = _file(entry.journal)
    run.add(
        CHECK,
        severity,
        f"Saksmappen til journalposten «{entry.system_id}» i {file} på linje {entry.line} har {m_number} "
        f"{name} «{ours}», men mappen journalposten ligger i i arkivstruktur.xml (journalposten på linje "
        f"{record.line}) har «{theirs}».",
        f"The case folder of the journal entry '{entry.system_id}' in {file} on line {entry.line} has "
        f"{m_number} {name} '{ours}', but the folder holding the journal record in arkivstruktur.xml "
        f"(the record on line {record.line}) has '{theirs}'.",
        file,
        entry.line,
        name,
        m_number,
        unit=entry.system_id,
    )


def _records_missing(run: Run, store: Store, sharp: bool, journals: list[tuple[str, JournalHandler]]) -> None:
    """Journalposts of arkivstruktur.xml a journal leaves out. With a sharp separation the journals hold
    every one; with a soft one, every one journalført inside the journal's period (krav 6.4.30)."""
    if not journals:
        return
    periods = {k: (h.header_start, h.header_end) for k, h in journals}
    if not sharp and all(s is None or e is None for s, e in periods.values()):
        return
    for system_id, line, journaldato, missing in store.records_missing_from_journals(
        [k for k, _h in journals]
    ):
        if not sharp:
            day = _comparable(journaldato, "date")
            missing = [
                k
                for k in missing
                if day is not None
                and (start := periods[k][0]) is not None
                and (end := periods[k][1]) is not None
                and start <= day <= end
            ]
            if not missing:
                continue
        files = " og ".join(_file(k) for k in missing)
        files_en = " and ".join(_file(k) for k in missing)
        date_no = f" (M101 journaldato {journaldato})" if journaldato else ""
        date_en = f" (M101 journaldato {journaldato})" if journaldato else ""
        if sharp:
            why_no, why_en = (
                "periodeskillet er skarpt, så journalene skal inneholde alle journalpostene i uttrekket",
                "the period separation is sharp, so the journals must hold every journal record of the "
                "extract",
            )
        else:
            period = periods[missing[0]]
            why_no = f"den er journalført i journalens periode {period[0]}–{period[1]}"
            why_en = f"it was registered within the journal's period {period[0]}–{period[1]}"
        run.add(
            CHECK,
            Severity.ERROR if sharp else Severity.WARNING,
            f"Journalposten med M001 systemID «{system_id}» på linje {line} i arkivstruktur.xml{date_no} "
            f"mangler i {files}; {why_no}.",
            f"The journal record with M001 systemID '{system_id}' on line {line} of arkivstruktur.xml"
            f"{date_en} is missing from {files_en}; {why_en}.",
            "arkivstruktur.xml",
            line,
            "systemID",
            "M001",
            unit=system_id,
            arkade=("N5.59",),
        )


# --------------------------------------------------------------------------- the journals' period


def archival_period(run: Run) -> tuple[dt.date, dt.date] | None:
    """The archival period the journals must cover: from the first arkivperiodeStartDato to the last
    arkivperiodeSluttDato of the arkivdeler that state both, else ADDML's archival period. An arkivdel whose
    period ends before it starts gives none (N5V-CONTENT-23 reports it; nothing is held against it)."""
    arkiv = run.handlers.get("arkivstruktur")
    starts: list[dt.date] = []
    ends: list[dt.date] = []
    for part in arkiv.arkivdeler if arkiv is not None else []:
        start = _comparable(part.get("period_start"), "date")
        end = _comparable(part.get("period_end"), "date")
        if start is not None and end is not None and start <= end:
            starts.append(start)
            ends.append(end)
    if starts:
        return min(starts), max(ends)
    a = run.addml
    if a is not None and a.period_start is not None and a.period_end is not None:
        return a.period_start, a.period_end
    return None


def check_period(run: Run) -> None:
    """N5V-CONTENT-20, sharp separation: the period each journal's header states against the archival
    period (krav 6.4.29: "Journalene skal omfatte samme tidsrom som arkivperioden") and against the
    first and last journaldato of arkivstruktur.xml, which is what Arkade N5.60 compares it with.

    A header equal to either passes: the standard's archival period, or the span of the journal
    records Arkade accepts. Any other period is an error naming all three periods."""
    arkiv = run.handlers.get("arkivstruktur")
    if arkiv is None or run.addml is None or not run.addml.sharp_separation:
        return
    archival = archival_period(run)
    first, last = arkiv.journal_dates
    span = (
        (dt.date.fromisoformat(first), dt.date.fromisoformat(last))
        if first is not None and last is not None and arkiv.complete
        else None
    )
    if archival is None and span is None:
        return
    for key, h in _journals(run):
        if h.header_start is None or h.header_end is None:
            continue
        header = (h.header_start, h.header_end)
        file = _file(key)
        if header == archival or header == span:
            if span is not None and header != span:
                run.add(
                    PERIOD_CHECK,
                    Severity.INFO,
                    f"Perioden i journalhodet i {file} ({_period(header)}) er lik arkivperioden, men første "
                    f"og siste journaldato i arkivstruktur.xml er {_period(span)}; Arkade (N5.60) "
                    "sammenligner med journaldatoene og melder dette som avvik.",
                    f"The period in the journal header of {file} ({_period(header)}) equals the archival "
                    f"period, but the first and last journaldato of arkivstruktur.xml are {_period(span)}; "
                    "Arkade (N5.60) compares with the journal dates and reports this as a deviation.",
                    file,
                    None,
                    "journalStartDato",
                    "M112",
                    arkade=("N5.60",),
                )
            continue
        against_no = []
        against_en = []
        if archival is not None:
            against_no.append(f"arkivperioden {_period(archival)}")
            against_en.append(f"the archival period {_period(archival)}")
        if span is not None:
            against_no.append(f"første og siste journaldato i arkivstruktur.xml, {_period(span)}")
            against_en.append(f"the first and last journaldato of arkivstruktur.xml, {_period(span)}")
        run.add(
            PERIOD_CHECK,
            Severity.ERROR,
            f"Journalhodet i {file} oppgir perioden {_period(header)} (M112 journalStartDato–M113 "
            f"journalSluttDato), men den skal være lik {' eller '.join(against_no)}; periodeskillet er "
            "skarpt.",
            f"The journal header of {file} states the period {_period(header)} (M112 journalStartDato–M113 "
            f"journalSluttDato), but it must equal {' or '.join(against_en)}; the period separation is "
            "sharp.",
            file,
            None,
            "journalStartDato",
            "M112",
            arkade=("N5.60",),
        )


def _period(period: tuple[dt.date | None, dt.date | None] | None) -> str:
    if period is None:
        return "–"
    return f"{period[0]}–{period[1]}"
