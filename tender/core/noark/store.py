"""Disk-backed sets for what grows with the extract: systemIDs, references, document objects, files.

An extract of 10 GB holds tens of millions of systemIDs; keeping them in Python sets would take
gigabytes. They go into a temporary SQLite database instead (batched inserts, a bounded page
cache), and the questions — which systemIDs repeat, which references point nowhere, which files
nobody references — are answered with a few queries at the end. The database file is deleted on
:meth:`Store.close`.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Final

_BATCH: Final = 20_000
#: rows of the wide unit tables (mapper, journalposter) buffered before an insert
UNIT_BATCH: Final = 2_000

#: reference kind → the levels (element names) a reference of that kind may point to
REFERENCE_TARGETS: Final[dict[str, tuple[str, ...]]] = {
    "arkivdel": ("arkivdel",),
    "klasse": ("klasse",),
    "mappe": ("mappe",),
    "registrering": ("registrering",),
    "any": (),  # endringslogg: any unit in the extract
}

_SCHEMA = """
CREATE TABLE ids (value TEXT NOT NULL, line INTEGER, level TEXT NOT NULL);
CREATE TABLE refs (value TEXT NOT NULL, line INTEGER, kind TEXT NOT NULL, element TEXT NOT NULL, \
file TEXT NOT NULL);
CREATE TABLE docobj (path TEXT NOT NULL, raw TEXT NOT NULL, line INTEGER, checksum TEXT, algorithm TEXT,
                     size TEXT, format TEXT, excluded INTEGER NOT NULL DEFAULT 0, \
serial INTEGER NOT NULL DEFAULT 0);
-- serials grow in document order, so this index only ever appends
CREATE INDEX docobj_serial ON docobj (serial);
CREATE TABLE files (path TEXT PRIMARY KEY, sha256 TEXT, size INTEGER, sniffed TEXT);
-- every mappe of arkivstruktur.xml (texts stripped, as written): for the questions across units
CREATE TABLE mapper (serial INTEGER NOT NULL, parent_serial INTEGER NOT NULL, system_id TEXT,
                     line INTEGER, kind TEXT NOT NULL, opprettet TEXT, avsluttet TEXT, saksaar TEXT,
                     sakssekvensnummer TEXT);
-- every journalpost of arkivstruktur.xml; parent_serial is its mappe's (or klasse's) serial
CREATE TABLE journalposter (serial INTEGER NOT NULL, parent_serial INTEGER NOT NULL, system_id TEXT,
                            line INTEGER, journalaar TEXT, journalsekvensnummer TEXT, journalpostnummer TEXT,
                            journaldato TEXT, dokumentets_dato TEXT, tittel TEXT);
"""

#: what the journals say: one row per journalpost of loependeJournal.xml / offentligJournal.xml, with the
#: case number of the saksmappe beside it (texts stripped, as written)
_JOURNAL_SCHEMA = """
CREATE TABLE journal_entries (journal TEXT NOT NULL, line INTEGER NOT NULL, system_id TEXT,
                              journalaar TEXT, journalsekvensnummer TEXT, journalpostnummer TEXT,
                              journaldato TEXT, dokumentets_dato TEXT, tittel TEXT, saksaar TEXT,
                              sakssekvensnummer TEXT);
"""


@dataclass(frozen=True)
class JournalEntry:
    """A journalpost as a journal states it (texts stripped; None where the element is missing)."""

    journal: str  #: "loependeJournal" or "offentligJournal"
    line: int
    system_id: str
    journalaar: str | None
    journalsekvensnummer: str | None
    journalpostnummer: str | None
    journaldato: str | None
    dokumentets_dato: str | None
    tittel: str | None
    saksaar: str | None
    sakssekvensnummer: str | None


@dataclass(frozen=True)
class JournalRecord:
    """The journalpost of arkivstruktur.xml with an entry's systemID, and the case number of its mappe."""

    line: int
    journalaar: str | None
    journalsekvensnummer: str | None
    journalpostnummer: str | None
    journaldato: str | None
    dokumentets_dato: str | None
    tittel: str | None
    saksaar: str | None  #: of the mappe the journalpost sits in (None: not in a mappe, or none given)
    sakssekvensnummer: str | None


#: the columns of journal_entries, and those compared with the same column of journalposter
_ENTRY_COLUMNS: Final = (
    "journal",
    "line",
    "system_id",
    "journalaar",
    "journalsekvensnummer",
    "journalpostnummer",
    "journaldato",
    "dokumentets_dato",
    "tittel",
    "saksaar",
    "sakssekvensnummer",
)
_COMPARED_COLUMNS: Final = (
    "journalaar",
    "journalsekvensnummer",
    "journalpostnummer",
    "journaldato",
    "dokumentets_dato",
    "tittel",
)


def LATER(a: str, b: str) -> str:  # noqa: N802 (reads as the SQL it stands for)
    """SQL: whether the date(-time) column ``a`` is strictly later than ``b``, as content.later() decides
    it: two xs:dateTimes as instants (julianday() takes the time zone into account, one without counts as
    UTC), else on the date as written; NULL (so: not selected) where either is missing or unreadable."""
    # the first branch settles the common case (an earlier day, no time zone or fraction) without parsing
    return (
        f"(CASE WHEN substr({a}, 1, 10) < substr({b}, 1, 10) AND length({a}) <= 19 AND length({b}) <= 19 "
        f"THEN 0 WHEN instr({a}, 'T') > 0 AND instr({b}, 'T') > 0 THEN julianday({a}) > julianday({b}) "
        f"ELSE date(substr({a}, 1, 10)) > date(substr({b}, 1, 10)) END)"
    )


@dataclass(frozen=True)
class DocObject:
    """A dokumentobjekt as arkivstruktur.xml describes it, joined with the file it names (if any)."""

    path: str  #: normalised path relative to the extract root
    raw: str  #: referanseDokumentfil as written
    line: int
    checksum: str | None
    algorithm: str | None
    size: str | None
    format: str | None
    excluded: bool  #: under a folder/registration with status "Utgår": no file is expected
    file_sha256: str | None
    file_size: int | None
    file_sniffed: str | None
    file_exists: bool


class Store:
    """The temporary database of one validation run."""

    def __init__(self, directory: str | None = None, cache_mib: int = 16) -> None:
        fd, self.path = tempfile.mkstemp(prefix="tender-noark-", suffix=".sqlite", dir=directory)
        os.close(fd)
        self.db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        for pragma in (
            "journal_mode=OFF",
            "synchronous=OFF",
            "temp_store=FILE",
            f"cache_size=-{cache_mib * 1024}",
            "locking_mode=EXCLUSIVE",
        ):
            self.db.execute(f"PRAGMA {pragma}")
        self.db.executescript(_SCHEMA)
        self.db.executescript(_JOURNAL_SCHEMA)
        # one transaction for the whole run (nothing here needs to survive it): batched inserts then cost
        # no commit each, about 40 % less than autocommit
        self.db.execute("BEGIN")
        self._ids: list[tuple[str, int, str]] = []
        self._refs: list[tuple[str, int, str, str, str]] = []
        self._docs: list[tuple[str, str, int, str | None, str | None, str | None, str | None, int]] = []
        self._files: list[tuple[str, str, int, str | None]] = []
        self._mapper: list[tuple[Any, ...]] = []
        self._journalposter: list[tuple[Any, ...]] = []
        self._journal_entries: list[tuple[Any, ...]] = []
        self._journals_indexed = False
        self._indexed = False

    # -- writing (buffered)

    def add_id(self, value: str, line: int, level: str) -> None:
        """A systemID seen at ``line`` on a unit of ``level`` ("mappe", …)."""
        self._ids.append((value, line, level))
        if len(self._ids) >= _BATCH:
            self._flush_ids()

    def add_ids(self, rows: list[tuple[str, int, str]]) -> None:
        """Many systemIDs at once: (value, line, level) each."""
        self._flush_ids()
        self.db.executemany("INSERT INTO ids VALUES (?, ?, ?)", rows)

    def add_ref(self, value: str, line: int, kind: str, element: str, file: str) -> None:
        """A reference of ``kind`` (see :data:`REFERENCE_TARGETS`) written in ``element``."""
        self._refs.append((value, line, kind, element, file))
        if len(self._refs) >= _BATCH:
            self._flush_refs()

    def add_docobj(
        self,
        path: str,
        raw: str,
        line: int,
        checksum: str | None,
        algorithm: str | None,
        size: str | None,
        format_: str | None,
        serial: int,
    ) -> None:
        """A dokumentobjekt and what it says about its file; ``serial`` is its place in document order."""
        self._docs.append((path, raw, line, checksum, algorithm, size, format_, serial))
        if len(self._docs) >= _BATCH:
            self._flush_docs()

    def add_mappe(
        self,
        serial: int,
        parent_serial: int,
        system_id: str | None,
        line: int,
        kind: str,
        opprettet: str | None,
        avsluttet: str | None,
        saksaar: str | None,
        sakssekvensnummer: str | None,
    ) -> None:
        """A mappe of arkivstruktur.xml (``kind``: its xsi:type or "mappe"), texts stripped."""
        self._mapper.append(
            (serial, parent_serial, system_id, line, kind, opprettet, avsluttet, saksaar, sakssekvensnummer)
        )
        if len(self._mapper) >= UNIT_BATCH:
            self._flush_units()

    @property
    def journalpost_rows(self) -> list[tuple[Any, ...]]:
        """The buffered rows of the journalposter table, for the content handler to append to on its hot path:
        (serial, parent_serial, system_id, line, journalaar, journalsekvensnummer, journalpostnummer,
        journaldato, dokumentets_dato, tittel), texts stripped; it calls flush_units once there are
        UNIT_BATCH of them."""
        return self._journalposter

    def flush_units(self) -> None:
        """Write the buffered mapper and journalposter."""
        self._flush_units()

    def _flush_units(self) -> None:
        if self._mapper:
            self.db.executemany("INSERT INTO mapper VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", self._mapper)
            self._mapper.clear()
        if self._journalposter:
            self.db.executemany(
                "INSERT INTO journalposter VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", self._journalposter
            )
            self._journalposter.clear()

    def add_file(self, path: str, sha256: str, size: int, sniffed: str | None) -> None:
        """A document file found in the extract."""
        self._files.append((path, sha256, size, sniffed))
        if len(self._files) >= _BATCH:
            self._flush_files()

    def exclude_docobjs_after(self, serial: int) -> None:
        """Document objects recorded so far that come after the element numbered ``serial`` in document
        order belong to it: a unit with status "Utgår", which has just ended (no file expected). Lines
        would not do: a file may be one line."""
        self._flush_docs()
        self.db.execute("UPDATE docobj SET excluded = 1 WHERE serial > ?", (serial,))

    def _flush_ids(self) -> None:
        if self._ids:
            self.db.executemany("INSERT INTO ids VALUES (?, ?, ?)", self._ids)
            self._ids.clear()

    def _flush_refs(self) -> None:
        if self._refs:
            self.db.executemany("INSERT INTO refs VALUES (?, ?, ?, ?, ?)", self._refs)
            self._refs.clear()

    def _flush_docs(self) -> None:
        if self._docs:
            self.db.executemany(
                "INSERT INTO docobj (path, raw, line, checksum, algorithm, size, format, serial) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                self._docs,
            )
            self._docs.clear()

    def _flush_files(self) -> None:
        if self._files:
            self.db.executemany("INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?)", self._files)
            self._files.clear()

    def flush(self) -> None:
        """Write every buffered row."""
        self._flush_ids()
        self._flush_refs()
        self._flush_docs()
        self._flush_files()
        self._flush_units()
        self._flush_journal_entries()

    def _index(self) -> None:
        self.flush()
        if not self._indexed:
            # covering (line too): finding repeated systemIDs then never visits the table, 5× faster
            self.db.execute("CREATE INDEX ids_value ON ids (value, level, line)")
            self.db.execute("CREATE INDEX docobj_path ON docobj (path)")
            self._indexed = True

    # -- questions

    def duplicate_ids(self, max_lines: int = 20) -> Iterator[tuple[str, int, list[int], list[str]]]:
        """Each systemID that occurs more than once: value, count, its first lines, its levels."""
        self._index()
        rows = self.db.execute(
            "SELECT value, count(*) FROM ids GROUP BY value HAVING count(*) > 1 ORDER BY min(line)"
        )
        for value, count in rows.fetchall():
            occ = self.db.execute(
                "SELECT line, level FROM ids WHERE value = ? ORDER BY line LIMIT ?", (value, max_lines)
            ).fetchall()
            yield value, int(count), [int(r[0]) for r in occ], [str(r[1]) for r in occ]

    def dangling_refs(self) -> Iterator[tuple[str, int, str, str, str]]:
        """References whose target is not in the extract (or is not a unit of the right level)."""
        self._index()
        for kind, levels in REFERENCE_TARGETS.items():
            if levels:
                marks = ",".join("?" * len(levels))
                sql = (
                    "SELECT value, line, kind, element, file FROM refs r WHERE kind = ? AND NOT EXISTS "
                    f"(SELECT 1 FROM ids i WHERE i.value = r.value AND i.level IN ({marks})) ORDER BY file, "
                    "line"
                )
                params: tuple[Any, ...] = (kind, *levels)
            else:
                sql = (
                    "SELECT value, line, kind, element, file FROM refs r WHERE kind = ? AND NOT EXISTS "
                    "(SELECT 1 FROM ids i WHERE i.value = r.value) ORDER BY file, line"
                )
                params = (kind,)
            for value, line, k, element, file in self.db.execute(sql, params):
                yield str(value), int(line), str(k), str(element), str(file)

    def docobjects(self) -> Iterator[DocObject]:
        """Every document object with the file it names, in document order."""
        self._index()
        sql = (
            "SELECT d.path, d.raw, d.line, d.checksum, d.algorithm, d.size, d.format, d.excluded, "
            "f.sha256, f.size, f.sniffed, f.path IS NOT NULL FROM docobj d LEFT JOIN files f ON f.path = "
            "d.path ORDER BY d.line"
        )
        for row in self.db.execute(sql):
            yield DocObject(
                str(row[0]),
                str(row[1]),
                int(row[2]),
                row[3],
                row[4],
                row[5],
                row[6],
                bool(row[7]),
                row[8],
                None if row[9] is None else int(row[9]),
                row[10],
                bool(row[11]),
            )

    def unreferenced_files(self) -> Iterator[tuple[str, int]]:
        """Document files no document object names: path, size."""
        self._index()
        sql = (
            "SELECT path, size FROM files f WHERE NOT EXISTS (SELECT 1 FROM docobj d WHERE d.path = f.path) "
            "ORDER BY path"
        )
        for path, size in self.db.execute(sql):
            yield str(path), int(size)

    def multi_referenced_files(self) -> Iterator[tuple[str, int, list[int]]]:
        """Files named by more than one document object: path, count, first lines."""
        self._index()
        rows = self.db.execute(
            "SELECT path, count(*), group_concat(line) FROM docobj GROUP BY path HAVING count(*) > 1 ORDER "
            "BY min(line)"
        ).fetchall()
        for path, count, lines in rows:
            yield str(path), int(count), [int(x) for x in str(lines).split(",")[:20]]

    # -- the journals against arkivstruktur.xml

    def add_journal_entry(
        self,
        journal: str,
        line: int,
        values: list[str | None],
        saksaar: str | None,
        sakssekvensnummer: str | None,
    ) -> None:
        """A journalpost of the journal ``journal`` ("loependeJournal", …) on ``line``: ``values`` are its
        systemID, journalaar, journalsekvensnummer, journalpostnummer, journaldato, dokumentetsDato and
        tittel, stripped (None where missing); then its saksmappe's case number."""
        self._journal_entries.append((journal, line, *values, saksaar, sakssekvensnummer))
        if len(self._journal_entries) >= UNIT_BATCH:
            self._flush_journal_entries()

    def _flush_journal_entries(self) -> None:
        if self._journal_entries:
            self.db.executemany(
                "INSERT INTO journal_entries VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", self._journal_entries
            )
            self._journal_entries.clear()

    def _index_journals(self) -> None:
        self._index()
        if not self._journals_indexed:
            # the questions below look entries up by systemID and records by systemID and serial
            self.db.execute("CREATE INDEX journals_entry_id ON journal_entries (system_id, journal)")
            self.db.execute("CREATE INDEX journals_record_id ON journalposter (system_id, serial)")
            self.db.execute("CREATE INDEX journals_mappe_serial ON mapper (serial)")
            self._journals_indexed = True

    def journal_entries_without_record(self) -> Iterator[tuple[JournalEntry, str | None]]:
        """Journal entries whose systemID is no journalpost of arkivstruktur.xml, in file and line order,
        each with the level of the unit that has that systemID instead ("mappe", …), or None."""
        self._index_journals()
        sql = (
            "SELECT e.*, (SELECT i.level FROM ids i WHERE i.value = e.system_id LIMIT 1) "
            "FROM journal_entries e "
            "WHERE e.system_id IS NOT NULL AND e.system_id <> '' AND NOT EXISTS "
            "(SELECT 1 FROM journalposter p WHERE p.system_id = e.system_id) ORDER BY e.journal, e.line"
        )
        for row in self.db.execute(sql):
            yield JournalEntry(*row[:11]), row[11]

    def journal_entries_with_record(self) -> Iterator[tuple[JournalEntry, JournalRecord]]:
        """Journal entries and the one journalpost of arkivstruktur.xml with their systemID, where some
        value differs as written (a systemID used twice is left out: which record is meant is unknown)."""
        self._index_journals()
        entry_cols = ", ".join(f"e.{c}" for c in _ENTRY_COLUMNS)
        # "<>" is NULL, so false, where either side lacks the value: only values both give are compared
        differs = " OR ".join(f"e.{c} <> p.{c}" for c in _COMPARED_COLUMNS)
        sql = (
            f"SELECT {entry_cols}, p.line, p.journalaar, p.journalsekvensnummer, p.journalpostnummer, "
            "p.journaldato, p.dokumentets_dato, p.tittel, m.saksaar, m.sakssekvensnummer "
            "FROM journal_entries e JOIN journalposter p ON p.system_id = e.system_id "
            "LEFT JOIN mapper m ON m.serial = p.parent_serial "
            # the cheap comparisons first: the lookup for a second record runs only where something differs
            f"WHERE ({differs} OR e.saksaar <> m.saksaar OR e.sakssekvensnummer <> m.sakssekvensnummer) "
            "AND e.system_id <> '' AND NOT EXISTS "
            "(SELECT 1 FROM journalposter q WHERE q.system_id = e.system_id AND q.serial <> p.serial) "
            "ORDER BY e.journal, e.line"
        )
        for row in self.db.execute(sql):
            yield JournalEntry(*row[:11]), JournalRecord(*row[11:])

    def records_missing_from_journals(
        self, journals: list[str]
    ) -> Iterator[tuple[str, int, str | None, list[str]]]:
        """Journalposts of arkivstruktur.xml absent from one or more of ``journals``: systemID, line,
        journaldato, the journals without them; in document order."""
        self._index_journals()
        if not journals:
            return
        present = ", ".join(
            "EXISTS (SELECT 1 FROM journal_entries e WHERE e.system_id = p.system_id AND e.journal = ?)"
            for _ in journals
        )
        sql = (
            f"SELECT system_id, line, journaldato, {present} FROM journalposter p "
            # journalposts never nest, so insertion order (rowid) is document order
            "WHERE system_id IS NOT NULL AND system_id <> '' ORDER BY rowid"
        )
        for row in self.db.execute(sql, journals):
            missing = [j for j, there in zip(journals, row[3:], strict=True) if not there]
            if missing:
                yield str(row[0]), int(row[1]), row[2], missing

    # -- questions of dates and numbers

    def mapper_against_arkivdel(
        self, after: int, closed: str | None, start: str | None
    ) -> Iterator[tuple[int, str | None, int, str, str]]:
        """Mapper numbered after ``after`` (the arkivdel that has just ended: arkivdeler do not nest, so
        these are its own) created after ``closed`` or before ``start``: (serial, systemID, line, kind,
        opprettetDato), in document order."""
        self.flush()
        sql = (
            "SELECT serial, system_id, line, kind, opprettet FROM mapper WHERE serial > ?1 AND "
            f"({LATER('opprettet', '?2')} OR {LATER('?3', 'opprettet')}) ORDER BY line"
        )
        for serial, sid, line, kind, value in self.db.execute(sql, (after, closed, start)):
            yield int(serial), sid, int(line), str(kind), str(value)

    def duplicate_numbers(
        self, which: tuple[bool, bool, bool] = (True, True, True), max_units: int = 20
    ) -> Iterator[tuple[str, str, str, int, list[tuple[str | None, int]]]]:
        """Numbers used twice: ("journal", journalaar, journalsekvensnummer, count, units), ("sak", saksaar,
        sakssekvensnummer, count, units), and ("journalpostnummer", the mappe's systemID, journalpostnummer,
        count, units) within one mappe; units are (systemID, line) in document order, at most
        ``max_units``. Leading zeros do not count ("007" is 7). ``which``: the three questions to ask."""
        self.flush()
        queries = (
            (
                "journal",
                "SELECT ltrim(journalaar, '0') AS a, ltrim(journalsekvensnummer, '0') AS b, count(*), "
                "min(line) FROM journalposter WHERE journalaar IS NOT NULL AND "
                "journalsekvensnummer IS NOT NULL "
                "GROUP BY a, b HAVING count(*) > 1",
                "SELECT system_id, line FROM journalposter WHERE ltrim(journalaar, '0') = ? AND "
                "ltrim(journalsekvensnummer, '0') = ? ORDER BY line LIMIT ?",
            ),
            (
                "sak",
                "SELECT ltrim(saksaar, '0') AS a, ltrim(sakssekvensnummer, '0') AS b, count(*), min(line) "
                "FROM mapper WHERE saksaar IS NOT NULL AND sakssekvensnummer IS NOT NULL "
                "GROUP BY a, b HAVING count(*) > 1",
                "SELECT system_id, line FROM mapper WHERE ltrim(saksaar, '0') = ? AND "
                "ltrim(sakssekvensnummer, '0') = ? ORDER BY line LIMIT ?",
            ),
            (
                "journalpostnummer",
                "SELECT parent_serial AS a, ltrim(journalpostnummer, '0') AS b, count(*), min(line) "
                "FROM journalposter WHERE journalpostnummer IS NOT NULL GROUP BY a, b HAVING count(*) > 1",
                "SELECT system_id, line FROM journalposter WHERE parent_serial = ? AND "
                "ltrim(journalpostnummer, '0') = ? ORDER BY line LIMIT ?",
            ),
        )
        for (what, groups, members), ask in zip(queries, which, strict=True):
            if not ask:
                continue
            for a, b, count, _line in self.db.execute(groups + " ORDER BY 4").fetchall():
                units = [(r[0], int(r[1])) for r in self.db.execute(members, (a, b, max_units))]
                first = a
                if what == "journalpostnummer":  # within a case: the parent must be a mappe
                    row = self.db.execute("SELECT system_id FROM mapper WHERE serial = ?", (a,)).fetchone()
                    if row is None:
                        continue
                    first = row[0]
                yield what, str(first or ""), str(b), int(count), units

    def close(self) -> None:
        """Close and delete the database."""
        try:
            self.db.close()
        finally:
            try:
                os.unlink(self.path)
            except FileNotFoundError:
                pass

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
