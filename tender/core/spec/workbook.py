"""Opening an uploaded .xlsx defensively, for the specification and catalogue imports.

Uploads come from outside: a renamed Word file, a password-protected workbook, a zip bomb or a
100 000-row sheet must each end in one clear problem (a code the web layer words in Norwegian), never a
traceback or a full memory.
The container is checked with :mod:`zipfile` before openpyxl sees it, and sheets are read in
read-only (streaming) mode with a row limit.
"""

from __future__ import annotations

import io
import re
import warnings
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Any

from tender.core.spec import Problem, SpecFileError

MAX_FILE_BYTES = 20 * 1024 * 1024
#: openpyxl holds the shared strings in memory: the declared unpacked size bounds it (and zip bombs)
MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024
#: rows with content; a real specification has a few thousand
MAX_ROWS = 10_000
MAX_COLUMNS = 64

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTION_STREAM = "EncryptionInfo".encode("utf-16-le")


def _fail(code: str, values: dict[str, Any] | None = None) -> SpecFileError:
    return SpecFileError([Problem(code, values or {})])


def read_upload(stream: IO[bytes] | bytes, max_bytes: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of an upload, refusing anything larger than ``max_bytes`` without reading it all."""
    data = stream if isinstance(stream, bytes) else stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise _fail("file_too_large", {"max_mb": max_bytes // (1024 * 1024)})
    if not data:
        raise _fail("empty_file")
    return data


def check_xlsx_container(data: bytes, *, max_rows: int = MAX_ROWS) -> None:
    """Raise :class:`SpecFileError` unless ``data`` looks like a readable, unencrypted .xlsx package.

    Also counts the row elements of every sheet (see :func:`_count_rows`) and refuses a sheet with
    more than ``ROW_ELEMENT_FACTOR * max_rows`` of them before openpyxl parses it.
    """
    if data.startswith(_OLE_MAGIC):
        if _ENCRYPTION_STREAM in data:
            raise _fail("encrypted_workbook", {"password": True})
        raise _fail("legacy_xls")
    if not data.startswith(b"PK"):
        raise _fail("not_a_zip", {"looks_like": _guess_other_format(data)})
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
        raise _fail("corrupt_zip") from None
    with archive:
        infos = archive.infolist()
        names = {info.filename for info in infos}
        if "xl/workbook.xml" not in names:
            raise _fail("not_a_workbook", {"looks_like": _guess_package(archive, names)})
        if any(info.flag_bits & 0x1 for info in infos):
            raise _fail("encrypted_workbook", {"password": False})
        if sum(info.file_size for info in infos) > MAX_UNCOMPRESSED_BYTES:
            raise _fail("workbook_too_large", {"max_mb": MAX_UNCOMPRESSED_BYTES // (1024 * 1024)})
        for info in infos:
            if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                _check_row_count(archive, info, max_rows)


#: row elements allowed per row with content: Excel also writes rows that only carry a format
ROW_ELEMENT_FACTOR = 5
_ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s>/]")


def _check_row_count(archive: zipfile.ZipFile, info: zipfile.ZipInfo, max_rows: int) -> None:
    """Refuse a sheet with too many rows before openpyxl sees it.

    openpyxl's read-only mode streams rows, but when a sheet lacks its <dimension> element it first
    parses the whole sheet to find the size, holding every row element: memory grows with the file.
    Counting row tags in the decompressed stream (64 KB at a time) costs no memory at all.
    """
    limit = ROW_ELEMENT_FACTOR * max_rows
    count = 0
    tail = b""
    with archive.open(info) as member:
        while chunk := member.read(64 * 1024):
            window = tail + chunk
            # a tag split across chunks is found in the next window; never count one twice
            count += len(_ROW_TAG.findall(window)) - len(_ROW_TAG.findall(tail))
            tail = window[-32:]
            if count > limit:
                raise _fail("too_many_rows", {"max_rows": max_rows})


def _guess_other_format(data: bytes) -> str | None:
    """What a file that is no zip package seems to be: "pdf", "markup", "text" or None."""
    head = data[:512].lstrip()
    if head.startswith(b"%PDF"):
        return "pdf"
    if head[:1] in (b"<",):
        return "markup"
    if b"\t" in head or b";" in head or b"," in head:
        return "text"
    return None


def _guess_package(archive: zipfile.ZipFile, names: set[str]) -> str | None:
    """What a zip package that is no workbook seems to be: "word", "powerpoint", "ods", "odf" or None."""
    if "word/document.xml" in names:
        return "word"
    if "ppt/presentation.xml" in names:
        return "powerpoint"
    if "mimetype" in names:
        mimetype = archive.read("mimetype")[:100]
        if b"opendocument.spreadsheet" in mimetype:
            return "ods"
        return "odf"
    return None


@contextmanager
def open_workbook(data: bytes, *, max_rows: int = MAX_ROWS) -> Iterator[Any]:
    """Open checked .xlsx bytes read-only (streaming), closing the workbook afterwards.

    Formulas are kept as formulas (``data_only=False``) so callers can refuse them.
    """
    check_xlsx_container(data, max_rows=max_rows)
    import openpyxl  # type: ignore[import-untyped,unused-ignore]  # here: the rest of the core needs none

    try:
        with warnings.catch_warnings():
            # openpyxl warns about Excel extensions it drops (conditional formats, slicers):
            # irrelevant to what we read, and a warning must not reach the lead as an error
            warnings.simplefilter("ignore")
            workbook = openpyxl.load_workbook(
                io.BytesIO(data), read_only=True, data_only=False, keep_links=False
            )
    except Exception:  # noqa: BLE001 - any failure inside openpyxl means the same thing to the lead
        raise _fail("unreadable_workbook") from None
    try:
        yield workbook
    finally:
        workbook.close()


def iter_rows(
    sheet: Any, *, max_rows: int = MAX_ROWS, max_columns: int = MAX_COLUMNS
) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """``(row number, cells)`` for each row of a read-only sheet that has content.

    Raises :class:`SpecFileError` as soon as more than ``max_rows`` rows have content, so a huge
    sheet costs neither the memory nor the time of reading it all.
    """
    seen = 0
    try:
        for number, row in enumerate(sheet.iter_rows(max_col=max_columns), start=1):
            if all(getattr(cell, "value", None) in (None, "") for cell in row):
                continue
            seen += 1
            if seen > max_rows:
                raise _fail("too_many_rows", {"max_rows": max_rows, "sheet": sheet.title})
            yield number, tuple(row)
    except SpecFileError:
        raise
    except Exception:  # noqa: BLE001 - a malformed sheet part surfaces here, while streaming
        raise _fail("unreadable_workbook", {"sheet": sheet.title}) from None


def is_formula(cell: Any) -> bool:
    """True for a formula cell (and for a cell holding an error value such as #REF!)."""
    return getattr(cell, "data_type", None) in ("f", "e")


__all__ = [
    "MAX_COLUMNS",
    "MAX_FILE_BYTES",
    "MAX_ROWS",
    "MAX_UNCOMPRESSED_BYTES",
    "check_xlsx_container",
    "is_formula",
    "iter_rows",
    "open_workbook",
    "read_upload",
]
