"""Content of ``endringslogg.xml``, ``loependeJournal.xml`` and ``offentligJournal.xml``, read in the
same single pass that validates them."""
from __future__ import annotations

import datetime as dt
from typing import Any, Final

from lxml import etree

from .content import _parse_date, _walk
from .schema import noark_schemas
from .store import Store

NS_BASE: Final = "{http://www.arkivverket.no/standarder/noark5/"


def _complex_elements(version: str, key: str) -> list[str]:
    schema = noark_schemas(version)[key]
    names = {e.label for e in schema.elements}
    for ct in schema.complex_types:
        names |= {e.label for e in _walk(ct.content) if e.type and not e.type.startswith(("mdk:", "xs:"))}
    return sorted(names)


class EndringsloggHandler:
    """Counts changes and records each ``referanseArkivenhet`` for the reference check."""

    def __init__(self, version: str, store: Store, file: str = "endringslogg.xml") -> None:
        self.ns = NS_BASE + "endringslogg}"
        self.store = store
        self.file = file
        self.containers = _complex_elements(version, "endringslogg")
        self.changes = 0
        self.complete = False

    def tags(self) -> list[str]:
        return [self.ns + c for c in self.containers]

    def end(self, el: etree._Element) -> None:
        if el.tag != self.ns + "endring":
            return
        self.changes += 1
        for ref in el.iterchildren(self.ns + "referanseArkivenhet"):
            value = (ref.text or "").strip()
            if value:
                self.store.add_ref(value, ref.sourceline or 0, "any", "referanseArkivenhet", self.file)

    def finish(self, complete: bool) -> None:
        self.complete = complete
        self.store.flush()

    def count(self, element: str) -> int:
        return self.changes if element == "endring" else 0


class JournalHandler:
    """Reads the journal header and counts the journal records and their dates."""

    def __init__(self, version: str, key: str) -> None:
        self.key = key
        self.ns = NS_BASE + key + "}"
        self.containers = _complex_elements(version, key)
        self.records = 0
        self.header_count: int | None = None
        self.header_count_raw: str | None = None
        self.header_start: dt.date | None = None
        self.header_end: dt.date | None = None
        self.first: dt.date | None = None
        self.last: dt.date | None = None
        self.complete = False

    def tags(self) -> list[str]:
        return [self.ns + c for c in self.containers]

    def end(self, el: etree._Element) -> None:
        tag = el.tag
        if tag == self.ns + "journalregistrering":
            self.records += 1
        elif tag == self.ns + "journalpost":
            for d in el.iterchildren(self.ns + "journaldato"):
                day = _parse_date(d.text or "")
                if day is not None:
                    if self.first is None or day < self.first:
                        self.first = day
                    if self.last is None or day > self.last:
                        self.last = day
        elif tag == self.ns + "journalhode":
            for child in el.iterchildren(self.ns + "antallJournalposter", self.ns + "journalStartDato",
                                         self.ns + "journalSluttDato"):
                name = child.tag[len(self.ns):]
                text = (child.text or "").strip()
                if name == "antallJournalposter":
                    self.header_count_raw = text
                    try:
                        self.header_count = int(text)
                    except ValueError:
                        self.header_count = None
                elif name == "journalStartDato":
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
