"""Arkivverket's national Noark 5 requirement table (kravkatalog) and turning ticks in it into requirements.

The table has the columns ``Krav nr.``, ``Kravgruppe``, ``Beskrivelse``, ``Type`` (O obligatorisk,
B betinget obligatorisk, V valgfri) and ``Merknad`` and comes as TSV/CSV or .xlsx. Text files are
read as UTF-8 when they are valid UTF-8 and as Windows-1252 only when they are not; a file whose
æøå come out garbled either way is refused rather than imported wrong.

Row-level problems (a repeated or malformed ``Krav nr.``, an unknown ``Type``) are returned with the
entries, which are all kept (repeated numbers are not merged). Problems that make the whole file
unusable raise :class:`CatalogueError`. Rows are numbered as a spreadsheet shows them: the header
is row 1 (for text files: the line on which the row starts).
"""

from __future__ import annotations

import codecs
import csv
import enum
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import IO, Any

from tender.core.spec import (
    AnswerForm,
    Kind,
    Problem,
    Requirement,
    SpecFileError,
    Specification,
    allocate_ids,
)
from tender.core.spec.workbook import MAX_ROWS, iter_rows, open_workbook, read_upload

DEFAULT_STANDARD = "Noark 5 v5.0"
NUMBER_PATTERN = re.compile(r"[0-9]+(?:\.[0-9]+){2,3}")

#: column -> (normalised header spellings accepted, required?)
_COLUMNS: dict[str, tuple[tuple[str, ...], bool]] = {
    "number": (("krav nr", "kravnr", "krav nummer", "kravnummer"), True),
    "group": (("kravgruppe",), True),
    "description": (("beskrivelse",), True),
    "type": (("type",), True),
    "remark": (("merknad", "merknader"), False),
}
_COLUMN_TITLES = {
    "number": "Krav nr.",
    "group": "Kravgruppe",
    "description": "Beskrivelse",
    "type": "Type",
    "remark": "Merknad",
}

# UTF-8 read as Windows-1252 and saved again: "ø" becomes "Ã¸", "å" "Ã¥", "Ø" "Ã˜"
_CP1252_HIGH = "\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2030\u2039\u203a\u20ac\u2122"
_MOJIBAKE = re.compile(f"[ÃÂ][\u0080-\u00bf\u2013-\u2026{_CP1252_HIGH}]")
# Nordic DOS (cp865) or Mac Roman bytes read as Windows-1252: "æ" becomes "‘", "ø" "›", "å" "†"
# (or "¾", "¿", "Œ"); such a character between two letters is never Norwegian
_WRONG_CODEPAGE = re.compile(
    f"[A-Za-z][\u2018\u201a\u201c-\u201e\u2020-\u2022\u2026{_CP1252_HIGH}\u00be\u00bf][A-Za-z]"
)


class ObligationType(enum.Enum):
    """The catalogue's Type column."""

    # the catalogue's own letters (O obligatorisk, B betinget obligatorisk, V valgfri), looked up by name
    O = "O"  # noqa: E741
    B = "B"
    V = "V"

    @property
    def label(self) -> str:
        """Norwegian name of the obligation."""
        return {"O": "Obligatorisk", "B": "Betinget obligatorisk", "V": "Valgfri"}[self.value]


@dataclass(frozen=True)
class CatalogueEntry:
    """One row of the catalogue."""

    number: str  #: Krav nr. as written (trimmed)
    group: str
    description: str
    type: ObligationType | None  #: None when the row's Type is unknown (reported as a problem)
    remark: str
    row: int
    #: what a selection refers to: the number, or "number@row" when the number is not unique
    key: str


@dataclass(frozen=True)
class CatalogueGroup:
    """A kravgruppe with its entries in source order."""

    name: str
    entries: tuple[CatalogueEntry, ...]


@dataclass(frozen=True)
class Catalogue:
    """A loaded catalogue: groups in order of first appearance, row problems, and how the file was read."""

    groups: tuple[CatalogueGroup, ...]
    problems: tuple[Problem, ...]
    encoding: str  #: "utf-8", "utf-8-sig", "utf-16", "cp1252" or "xlsx"

    @property
    def entries(self) -> tuple[CatalogueEntry, ...]:
        """Every entry in source order."""
        return tuple(sorted((e for g in self.groups for e in g.entries), key=lambda e: e.row))

    def entry(self, key: str) -> CatalogueEntry | None:
        """The entry with this selection key, or None."""
        return next((e for g in self.groups for e in g.entries if e.key == key), None)


class CatalogueError(SpecFileError):
    """The catalogue file cannot be used at all; ``problems`` says why."""


def _fail(code: str, values: dict[str, Any] | None = None, row: int | None = None) -> CatalogueError:
    return CatalogueError([Problem(code, values or {}, row=row)])


# --------------------------------------------------------------------------- loading


def load_catalogue(upload: IO[bytes] | bytes) -> Catalogue:
    """Load the catalogue from an upload, TSV/CSV or .xlsx (told apart by content, not by file name)."""
    data = _read(upload)
    if data.startswith((b"PK", b"\xd0\xcf\x11\xe0")):
        return load_catalogue_xlsx(data)
    return load_catalogue_text(data)


def _read(upload: IO[bytes] | bytes) -> bytes:
    try:
        return read_upload(upload)
    except SpecFileError as error:
        raise CatalogueError(error.problems) from None


def load_catalogue_text(data: bytes) -> Catalogue:
    """Load a tab-, semicolon- or comma-separated catalogue, detecting its encoding."""
    text, encoding = decode_text(data)
    return parse_catalogue_rows(_text_rows(text), encoding)


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode a text upload: BOM first, then strict UTF-8, then Windows-1252; refuse garbled text.

    Returns ``(text, encoding)``. Raises :class:`CatalogueError` when no encoding gives clean
    Norwegian letters, rather than letting "Ã¸" or "›" into the specification.
    """
    if data.startswith(codecs.BOM_UTF8):
        text, encoding = _strict(data[3:], "utf-8"), "utf-8-sig"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # what Excel's "Unicode text" export writes
        text, encoding = _strict(data, "utf-16"), "utf-16"
    else:
        try:
            text, encoding = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            text, encoding = _strict(data, "cp1252"), "cp1252"
            _refuse_garbled(text, _WRONG_CODEPAGE, "wrong_codepage")
    _refuse_garbled(text, re.compile("\ufffd"), "replacement_character")
    _refuse_garbled(text, _MOJIBAKE, "mojibake")
    return text, encoding


def _strict(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise _fail("unknown_encoding", {"encoding": encoding.upper()}, row=line) from None


def _refuse_garbled(text: str, pattern: re.Pattern[str], code: str, *, in_workbook: bool = False) -> None:
    match = pattern.search(text)
    if match:
        line = text.count("\n", 0, match.start()) + 1
        start = max(0, match.start() - 12)
        sample = text[start : match.end() + 12].replace("\t", " ").replace("\n", " ").strip()
        raise _fail(code, {"sample": sample, "in_workbook": in_workbook}, row=line)


def _text_rows(text: str) -> Iterable[tuple[int, list[str]]]:
    first_line = next((line for line in text.split("\n") if line.strip()), "")
    delimiter = "\t" if "\t" in first_line else ";" if ";" in first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    start = 1
    try:
        for record in reader:
            yield start, record
            start = reader.line_num + 1
    except csv.Error as error:
        raise _fail("malformed_csv", {"parser_message": str(error)}, row=reader.line_num) from None


def load_catalogue_xlsx(data: bytes) -> Catalogue:
    """Load the catalogue from the first sheet of an .xlsx workbook."""
    try:
        with open_workbook(data) as workbook:
            rows = list(iter_rows(workbook.worksheets[0]))
    except CatalogueError:
        raise
    except SpecFileError as error:
        raise CatalogueError(error.problems) from None
    texts = [(number, [_cell_text(c) for c in cells]) for number, cells in rows]
    for number, cells in texts:
        # a CSV imported into Excel with the wrong encoding carries its garbled letters along
        try:
            _refuse_garbled("\t".join(cells), _MOJIBAKE, "mojibake", in_workbook=True)
        except CatalogueError as error:
            raise CatalogueError([replace(p, row=number) for p in error.problems]) from None
    catalogue = parse_catalogue_rows(texts, "xlsx")
    numeric = _numbers_stored_as_numbers(rows)
    return Catalogue(
        catalogue.groups, tuple(sorted(catalogue.problems + numeric, key=_problem_order)), "xlsx"
    )


def _cell_text(cell: Any) -> str:
    value = getattr(cell, "value", None)
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _numbers_stored_as_numbers(rows: list[tuple[int, tuple[Any, ...]]]) -> tuple[Problem, ...]:
    """Krav nr. typed as a number ("2.10" becomes 2.1) cannot be trusted: report each one."""
    if not rows:
        return ()
    headers = [_normalise_header(_cell_text(c)) for c in rows[0][1]]
    column = next((i for i, h in enumerate(headers) if h in _COLUMNS["number"][0]), -1)
    problems = []
    for number, cells in rows[1:]:
        if 0 <= column < len(cells) and getattr(cells[column], "data_type", None) == "n":
            problems.append(
                Problem(
                    "number_stored_as_number",
                    {"number": _cell_text(cells[column])},
                    field="number",
                    row=number,
                )
            )
    return tuple(problems)


def _normalise_header(value: str) -> str:
    return re.sub(r"\s+", " ", value.replace("\ufeff", "")).strip().rstrip(".").strip().casefold()


def _problem_order(problem: Problem) -> tuple[int, str]:
    return (problem.row or 0, problem.code)


def parse_catalogue_rows(rows: Iterable[tuple[int, Sequence[str]]], encoding: str) -> Catalogue:
    """Build a catalogue from ``(row number, cells)``; the first non-blank row is the header."""
    columns: dict[str, int] | None = None
    raw: list[tuple[int, dict[str, str]]] = []
    for number, cells in rows:
        if not any(cell.strip() for cell in cells):
            continue
        if columns is None:
            columns = _header_columns(cells, number)
            continue
        raw.append(
            (number, {name: cells[i].strip() if i < len(cells) else "" for name, i in columns.items()})
        )
        if len(raw) > MAX_ROWS:
            raise _fail("too_many_rows", {"max_rows": MAX_ROWS, "in_catalogue": True}, row=number)
    if columns is None:
        raise _fail("empty_catalogue")
    problems: list[Problem] = []
    entries = _entries(raw, problems)
    return Catalogue(_group(entries), tuple(sorted(problems, key=_problem_order)), encoding)


def _header_columns(cells: Sequence[str], row: int) -> dict[str, int]:
    headers = [_normalise_header(c) for c in cells]
    columns = {}
    for name, (spellings, _required) in _COLUMNS.items():
        index = next((i for i, h in enumerate(headers) if h in spellings), None)
        if index is not None:
            columns[name] = index
    missing = [_COLUMN_TITLES[n] for n, (_, required) in _COLUMNS.items() if required and n not in columns]
    if missing:
        found = tuple(c.strip() for c in cells if c.strip())
        raise _fail(
            "missing_columns", {"headers": tuple(missing), "found": found, "in_catalogue": True}, row=row
        )
    return columns


def _entries(raw: list[tuple[int, dict[str, str]]], problems: list[Problem]) -> list[CatalogueEntry]:
    rows_by_number: dict[str, list[int]] = {}
    for row, values in raw:
        if values["number"]:
            rows_by_number.setdefault(values["number"], []).append(row)
    entries = []
    for row, values in raw:
        number = values["number"]
        if not number:
            problems.append(Problem("missing_number", {"in_catalogue": True}, field="number", row=row))
            continue
        if not NUMBER_PATTERN.fullmatch(number):
            problems.append(
                Problem(
                    "malformed_number",
                    {"number": number},
                    field="number",
                    item_id=number,
                    row=row,
                )
            )
        same = rows_by_number[number]
        if len(same) > 1:
            problems.append(
                Problem(
                    "duplicate_number",
                    {
                        "number": number,
                        "other_rows": tuple(r for r in same if r != row),
                        "in_catalogue": True,
                    },
                    field="number",
                    item_id=number,
                    row=row,
                )
            )
        entries.append(
            CatalogueEntry(
                number=number,
                group=values["group"] or "Uten kravgruppe",
                description=values["description"],
                type=_obligation(values["type"], number, row, problems),
                remark=values.get("remark", ""),
                row=row,
                key=number if len(same) == 1 else f"{number}@{row}",
            )
        )
        if not values["group"]:
            problems.append(
                Problem(
                    "missing_group",
                    {"number": number},
                    field="group",
                    item_id=number,
                    row=row,
                )
            )
        if not values["description"]:
            problems.append(
                Problem(
                    "missing_description",
                    {"number": number},
                    field="description",
                    item_id=number,
                    row=row,
                )
            )
    return entries


def _obligation(value: str, number: str, row: int, problems: list[Problem]) -> ObligationType | None:
    letter = value.strip().upper()
    if letter in ObligationType.__members__:
        return ObligationType(letter)
    problems.append(
        Problem(
            "unknown_type",
            {"number": number, "value": value, "valid": tuple(ObligationType.__members__)},
            field="type",
            item_id=number,
            row=row,
        )
    )
    return None


def _group(entries: list[CatalogueEntry]) -> tuple[CatalogueGroup, ...]:
    # a kravgruppe that reappears further down (as one does in Arkivverket's own table) stays one group
    groups: dict[str, list[CatalogueEntry]] = {}
    for entry in entries:
        groups.setdefault(entry.group, []).append(entry)
    return tuple(CatalogueGroup(name, tuple(items)) for name, items in groups.items())


# --------------------------------------------------------------------------- ticks to requirements

_ANSWER_FORM_FOR = {
    Kind.MINSTEKRAV: AnswerForm.JA_NEI,
    Kind.EVALUERINGSKRAV: AnswerForm.JA_NEI_DELVIS,
    Kind.INFORMASJON: AnswerForm.FRITEKST,
}


def source_reference(entry: CatalogueEntry, standard: str = DEFAULT_STANDARD) -> str:
    """The source reference of a catalogue entry, e.g. "Noark 5 v5.0 krav 2.6.1, B"."""
    suffix = f", {entry.type.value}" if entry.type is not None else ""
    return f"{standard} krav {entry.number}{suffix}"


def requirements_from_catalogue(
    catalogue: Catalogue,
    selections: Mapping[str, Kind],
    *,
    spec: Specification,
    chapter_for_group: Mapping[str, str] | str,
    used_ids: Iterable[str] = (),
    criterion: str | None = None,
    weight: Decimal = Decimal(1),
    standard: str = DEFAULT_STANDARD,
) -> tuple[Requirement, ...]:
    """New requirements for the lead's ticks (entry key -> kind), in catalogue order.

    Each goes to ``chapter_for_group[entry.group]`` (or to the one chapter given as a string) and is
    numbered after the requirements already in that chapter. Ids are fresh: never one in ``spec`` or
    in ``used_ids`` (pass every id ever allocated). Evaluation requirements get ``criterion`` and
    ``weight``. Raises :class:`CatalogueError` listing every selection that cannot be honoured.
    """
    problems: list[Problem] = []
    chosen = _chosen_entries(catalogue, selections, problems)
    targets = {e.key: _target_chapter(e, chapter_for_group, spec, problems) for e in chosen}
    if any(kind is Kind.EVALUERINGSKRAV for kind in selections.values()):
        _check_criterion(spec, criterion, problems)
    if problems:
        raise CatalogueError(problems)
    ids = allocate_ids([*used_ids, *(r.id for r in spec.requirements)], len(chosen))
    counts = {c.id: len(spec.requirements_in(c.id)) for c in spec.chapters}
    requirements = []
    for new_id, entry in zip(ids, chosen, strict=True):
        kind = selections[entry.key]
        chapter = spec.chapter(targets[entry.key])
        assert chapter is not None  # checked by _target_chapter
        counts[chapter.id] += 1
        scored = kind is Kind.EVALUERINGSKRAV
        requirements.append(
            Requirement(
                id=new_id,
                number=f"{chapter.number}.{counts[chapter.id]}",
                chapter=chapter.id,
                kind=kind,
                text=entry.description,
                answer_form=_ANSWER_FORM_FOR[kind],
                criterion=criterion if scored else None,
                weight=weight if scored else None,
                source=source_reference(entry, standard),
            )
        )
    return tuple(requirements)


def _chosen_entries(
    catalogue: Catalogue, selections: Mapping[str, Kind], problems: list[Problem]
) -> list[CatalogueEntry]:
    known = {e.key for e in catalogue.entries}
    for key in selections:
        if key not in known:
            problems.append(Problem("unknown_selection", {"key": key}, item_id=key))
    return [e for e in catalogue.entries if e.key in selections]


def _target_chapter(
    entry: CatalogueEntry,
    chapter_for_group: Mapping[str, str] | str,
    spec: Specification,
    problems: list[Problem],
) -> str:
    chapter_id = (
        chapter_for_group if isinstance(chapter_for_group, str) else chapter_for_group.get(entry.group)
    )
    if chapter_id is None:
        problems.append(
            Problem(
                "unmapped_group",
                {"group": entry.group, "number": entry.number},
                item_id=entry.key,
                row=entry.row,
            )
        )
        return ""
    if spec.chapter(chapter_id) is None:
        problems.append(
            Problem(
                "unknown_chapter",
                {"chapter": chapter_id, "in_catalogue": True},
                item_id=entry.key,
                row=entry.row,
            )
        )
    return chapter_id


def _check_criterion(spec: Specification, criterion: str | None, problems: list[Problem]) -> None:
    if criterion is None:
        problems.append(Problem("missing_criterion", {"in_catalogue": True}))
    elif spec.criterion(criterion) is None:
        problems.append(Problem("unknown_criterion", {"criterion": criterion, "in_catalogue": True}))


__all__ = [
    "DEFAULT_STANDARD",
    "Catalogue",
    "CatalogueEntry",
    "CatalogueError",
    "CatalogueGroup",
    "ObligationType",
    "decode_text",
    "load_catalogue",
    "load_catalogue_text",
    "load_catalogue_xlsx",
    "parse_catalogue_rows",
    "requirements_from_catalogue",
    "source_reference",
]
