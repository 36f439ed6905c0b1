"""Content of ``endringslogg.xml``, ``loependeJournal.xml`` and ``offentligJournal.xml``, read in the
same single pass that validates them."""

from __future__ import annotations

import datetime as dt
from typing import Any, Final

from .content import _parse_date
from .records import Record, Unit
from .store import Store

NS_BASE: Final = "{http://www.arkivverket.no/standarder/noark5/"


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
    """Reads the journal header and counts the journal records and their dates."""

    def __init__(self, key: str) -> None:
        self.key = key
        self.ns = NS_BASE + key + "}"
        self.records = 0
        self.header_count: int | None = None
        self.header_count_raw: str | None = None
        self.header_start: dt.date | None = None
        self.header_end: dt.date | None = None
        self.first: dt.date | None = None
        self.last: dt.date | None = None
        self.complete = False

    def units(self) -> list[Unit]:
        ns = self.ns
        return [
            (ns + "journalregistrering", [], {}),  # only counted: the recorder counts it
            (ns + "journalpost", [ns + "journaldato"]),
            (
                ns + "journalhode",
                [ns + "antallJournalposter", ns + "journalStartDato", ns + "journalSluttDato"],
            ),
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
        # every occurrence, in document order within its name (a repeat is a schema error already)
        fields = [(i, f[0]) for i, f in enumerate(slots) if f is not None]
        fields += [(i, text) for i, text, _line in extra or ()]
        if unit == 1:
            for _slot, text in fields:
                day = _parse_date(text)
                if day is not None:
                    if self.first is None or day < self.first:
                        self.first = day
                    if self.last is None or day > self.last:
                        self.last = day
            return
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

    def finish(self, complete: bool) -> None:
        self.complete = complete

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
