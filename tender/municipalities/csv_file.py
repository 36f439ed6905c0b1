"""Reading a CSV file of municipalities for ``tender municipality import``.

The file has a header line naming its columns, in Norwegian as SSB names them (table 07459 exported as
CSV) or in plain words: the kommunenummer (``kommunenummer``, ``kommunenr``, ``knr``, ``kode``), the
name (``navn``, ``kommunenavn``, ``kommune``) and the population (``innbyggere``, ``innbyggertall``,
``befolkning``, ``folkemengde``, ``personer``, also with a year: "Personer 2025"). SSB's own layout with
one column ``region`` holding "4003 Skien" is read too. Lines before the header (SSB writes a title and
an empty line first) are skipped. Separated by semicolons or commas (whichever the header uses); UTF-8,
with or without a byte order mark. Only the shape is read here: the operations check the values, as on
the page.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

NUMBER_NAMES = {
    "kommunenummer",
    "kommunenr",
    "kommunenr.",
    "knr",
    "kode",
    "kommunekode",
    "regionkode",
    "nummer",
}
NAME_NAMES = {"navn", "kommunenavn", "kommune", "regionnavn"}
POPULATION_PREFIXES = ("innbyggere", "innbyggertall", "befolkning", "folkemengde", "personer")
REGION_NAMES = {"region"}
#: how far down the file the header is looked for
HEADER_WITHIN = 20


class CsvError(Exception):
    """The file as a whole cannot be read (its message is for the operator, in Norwegian)."""


@dataclass(frozen=True)
class Line:
    """One data line: its line number in the file and the three values as written (None: a problem)."""

    line_no: int
    kommunenummer: str
    name: str
    population: str
    problem: str | None = None


def _key(cell: str) -> str:
    return re.sub(r"[\s_\-]+", "", cell.strip().strip('"').lower())


def _columns(cells: list[str]) -> dict[str, int] | None:
    """The positions of the columns a header names, or None when ``cells`` is not such a header."""
    found: dict[str, int] = {}
    for i, cell in enumerate(cells):
        key = _key(cell)
        if key in NUMBER_NAMES and "number" not in found:
            found["number"] = i
        elif key in NAME_NAMES and "name" not in found:
            found["name"] = i
        elif key in REGION_NAMES and "region" not in found:
            found["region"] = i
        elif key.startswith(POPULATION_PREFIXES) and "population" not in found:
            found["population"] = i
    complete = "population" in found and (("number" in found and "name" in found) or "region" in found)
    return found if complete else None


def read(data: bytes) -> list[Line]:
    """The file's data lines; raises :class:`CsvError` when it is not UTF-8 or has no header we know."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CsvError("Filen må være UTF-8 (med eller uten BOM). Lagre den som «CSV UTF-8».") from None
    physical = text.splitlines()
    header_at, columns, delimiter = None, None, ";"
    for i, raw in enumerate(physical[:HEADER_WITHIN]):
        if not raw.strip():
            continue
        delimiter = ";" if raw.count(";") >= raw.count(",") and ";" in raw else ","
        cells = next(csv.reader([raw], delimiter=delimiter))
        columns = _columns(cells)
        if columns is not None:
            header_at = i
            break
    if header_at is None or columns is None:
        raise CsvError(
            "Fant ingen overskriftslinje med kolonnene kommunenummer, navn og innbyggere "
            "(eller region og innbyggere, som i SSBs tabell 07459)."
        )
    width = max(columns.values()) + 1
    lines: list[Line] = []
    rows = csv.reader(io.StringIO("\n".join(physical[header_at + 1 :])), delimiter=delimiter)
    for offset, cells in enumerate(rows):
        line_no = header_at + 2 + offset
        if not any(c.strip() for c in cells):
            continue
        if len(cells) < width:
            lines.append(Line(line_no, "", "", "", f"linjen har {len(cells)} felt, ventet minst {width}"))
            continue
        population = cells[columns["population"]].strip()
        if "region" in columns and "number" not in columns:
            region = cells[columns["region"]].strip()
            number, _, name = region.partition(" ")
            if not name.strip():
                lines.append(Line(line_no, number, "", population, f"regionen «{region}» har ikke navn"))
                continue
        else:
            number, name = cells[columns["number"]].strip(), cells[columns["name"]].strip()
        lines.append(Line(line_no, number, name.strip(), population))
    return lines
