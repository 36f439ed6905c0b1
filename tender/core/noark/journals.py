"""Content of ``endringslogg.xml``, ``loependeJournal.xml`` and ``offentligJournal.xml``, read in the
same single pass that validates them."""

from __future__ import annotations

import datetime as dt
from typing import Any, Final

from .content import _parse_date
from .records import Field, Record, Unit
from .store import Store

NS_BASE: Final = "{http://www.arkivverket.no/standarder/noark5/"
#: what the comparison with arkivstruktur.xml reads of a journal's journalpost, at these slot positions
#: (both journals, all versions; offentligJournal has no tittel, whose slot then stays empty)
_ENTRY_FIELDS: Final = (
    "systemID",
    "journalaar",
    "journalsekvensnummer",
    "journalpostnummer",
    "journaldato",
    "dokumentetsDato",
    "tittel",
)
(
    J_SYSTEMID,
    J_JOURNALAAR,
    J_JOURNALSEKVENS,
    J_JOURNALPOSTNUMMER,
    J_JOURNALDATO,
    J_DOKUMENTETS_DATO,
    J_TITTEL,
) = range(7)


def _stripped(field: Field | None) -> str | None:
    """A captured child's text without surrounding white space; None when the child is missing."""
    return field[0].strip() if field is not None else None


class EndringsloggHandler:
    """Counts changes and records each ``referanseArkivenhet`` for the reference check."""

    def __init__(self, store: Store, file: str = "endringslogg.xml") -> None:
        self.ns = NS_BASE + "endringslogg}"
        self.store = store
        self.file = file
        self.changes = 0
        self.complete = False

    def units(self) -> list[Unit]:
        return [(self.ns + "endring", [self.ns + "referanseArkivenhet"])]

    def empty_leaves(self) -> bool:
        return False

    def skipped(self, counts: list[int]) -> None:
        pass  # no light units

    def end(self, record: Record) -> None:
        self.changes += 1
        first, extra = record[9][0], record[10]
        refs = ([first] if first is not None else []) + [(text, line) for _slot, text, line in extra or ()]
        for text, line in refs:
            value = text.strip()
            if value:
                self.store.add_ref(value, line, "any", "referanseArkivenhet", self.file)

    def finish(self, complete: bool) -> None:
        self.complete = complete
        self.store.flush()

    def count(self, element: str) -> int:
        return self.changes if element == "endring" else 0


class JournalHandler:
    """Reads the journal header, counts the journal records and their dates, and hands each journal
    entry (its journalpost with its saksmappe's case number) to the store, for the comparison with the
    records of arkivstruktur.xml at the end (:func:`..phases.journal_entries.check_entries`)."""

    def __init__(self, key: str, store: Store | None = None) -> None:
        self.key = key
        self.file = key + ".xml"
        self.ns = NS_BASE + key + "}"
        self.store = store
        self.records = 0
        self.header_count: int | None = None
        self.header_count_raw: str | None = None
        self.header_start: dt.date | None = None
        self.header_end: dt.date | None = None
        #: first and last journaldato (ISO strings; see the properties first and last)
        self._first: str | None = None
        self._last: str | None = None
        self.complete = False
        #: the last saksmappe read: (parent serial, saksaar, sakssekvensnummer); it precedes its
        #: journalpost inside the same journalregistrering
        self._case: tuple[int, str | None, str | None] | None = None

    def units(self) -> list[Unit]:
        ns = self.ns
        return [
            (ns + "journalregistrering", [], {}),  # only counted: the recorder counts it
            (ns + "journalpost", [ns + n for n in _ENTRY_FIELDS]),
            (
                ns + "journalhode",
                [ns + "antallJournalposter", ns + "journalStartDato", ns + "journalSluttDato"],
            ),
            (ns + "saksmappe", [ns + "saksaar", ns + "sakssekvensnummer"]),
        ]

    def empty_leaves(self) -> bool:
        return False

    def skipped(self, counts: list[int]) -> None:
        self.records += counts[0]

    def end(self, record: Record) -> None:
        unit, slots, extra = record[0], record[9], record[10]
        if unit == 0:
            self.records += 1
            return
        if unit == 3:
            self._case = (record[4], _stripped(slots[0]), _stripped(slots[1]))
            return
        if unit == 1:
            self._entry(record)
            return
        # every occurrence, in document order within its name (a repeat is a schema error already)
        fields = [(i, f[0]) for i, f in enumerate(slots) if f is not None]
        fields += [(i, text) for i, text, _line in extra or ()]
        for slot, raw in fields:
            text = raw.strip()
            if slot == 0:
                self.header_count_raw = text
                try:
                    self.header_count = int(text)
                except ValueError:
                    self.header_count = None
            elif slot == 1:
                self.header_start = _parse_date(text)
            else:
                self.header_end = _parse_date(text)

    def _entry(self, record: Record) -> None:
        # once per journal entry: kept lean (one list, no date object unless a bound moves)
        values = [f[0].strip() if f is not None else None for f in record[9]]
        day = values[J_JOURNALDATO]
        if day is not None:
            self._date(day)
        if record[10] is not None:  # a repeated journaldato (a schema error) still counts for the span
            for slot, text, _line in record[10]:
                if slot == J_JOURNALDATO:
                    self._date(text.strip())
        if self.store is None:
            return
        case = self._case
        saksaar, sekvens = (case[1], case[2]) if case is not None and case[0] == record[4] else (None, None)
        self.store.add_journal_entry(self.key, record[2], values, saksaar, sekvens)

    def _date(self, text: str) -> None:
        """Widen the span of journal dates by ``text`` (ISO dates of one form sort as strings)."""
        key = text[:10]
        first, last = self._first, self._last
        if first is not None and last is not None and first <= key <= last:
            return
        if _parse_date(text) is None:
            return
        if first is None or key < first:
            self._first = key
        if last is None or key > last:
            self._last = key

    @property
    def first(self) -> dt.date | None:
        """The first journaldato of the file."""
        return dt.date.fromisoformat(self._first) if self._first is not None else None

    @property
    def last(self) -> dt.date | None:
        """The last journaldato of the file."""
        return dt.date.fromisoformat(self._last) if self._last is not None else None

    def finish(self, complete: bool) -> None:
        self.complete = complete
        if self.store is not None:
            self.store.flush()

    def count(self, element: str) -> int:
        return self.records if element == "journalregistrering" else 0

    def statistics(self) -> dict[str, Any]:
        return {
            "journal_records": self.records,
            "header_count": self.header_count,
            "header_start": self.header_start.isoformat() if self.header_start else None,
            "header_end": self.header_end.isoformat() if self.header_end else None,
            "first_journal_date": self.first.isoformat() if self.first else None,
            "last_journal_date": self.last.isoformat() if self.last else None,
        }
