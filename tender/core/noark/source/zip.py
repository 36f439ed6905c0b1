"""An extract as a zip file: its central directory vetted before zipfile trusts it."""

from __future__ import annotations

import stat
import zipfile
from pathlib import Path
from typing import BinaryIO, Final

from .base import ExtractSource
from .guards import (
    Catalogue,
    Entry,
    Limits,
    UnreadableExtract,
    check_entry_count,
    human,
    human_nb,
    ratio_bomb,
    require_content,
    too_much_data,
)

_ZIP_METHODS: Final = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA}


def open_zip(path: Path, limits: Limits) -> ExtractSource:
    _check_zip_directory(path, limits)
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, NotImplementedError, ValueError) as exc:
        raise UnreadableExtract(
            f"Zip-filen «{path.name}» er skadet eller avkortet ({exc}).",
            f"The zip file '{path.name}' is corrupt or truncated ({exc}).",
            "N5V-INPUT-21",
        ) from exc
    try:
        cat = _catalogue_zip(zf, path.stat().st_size, limits)
        require_content(cat, path)
    except BaseException:
        zf.close()
        raise
    return ZipSource(path, zf, cat)


#: central directory bytes allowed per permitted entry: a record is 46 bytes plus name and extra
#: fields, about 120 bytes in practice, so this leaves room for long names
_CENTRAL_RECORD_ALLOWANCE: Final = 512


def _check_zip_directory(path: Path, limits: Limits) -> None:
    """Refuse a zip whose central directory is too large, before zipfile loads it.

    zipfile builds a ZipInfo object for every record at once; a directory of millions of tiny
    records would exhaust memory before any of our checks ran.
    """
    with path.open("rb") as f:
        # zipfile's own end-of-central-directory reader (private, but unchanged since Python 2)
        end_record = getattr(zipfile, "_EndRecData")(f)  # noqa: B009 -- private: not in typeshed
    if not end_record:
        return  # zipfile.ZipFile reports the damage with its own message
    entries, directory_size = int(end_record[4]), int(end_record[5])  # _ECD_ENTRIES_TOTAL, _ECD_SIZE
    check_entry_count(entries, limits)
    if directory_size > limits.max_entries * _CENTRAL_RECORD_ALLOWANCE:
        raise UnreadableExtract(
            f"Zip-filens innholdsfortegnelse er {human_nb(directory_size)}; det tilsvarer mer enn "
            f"{limits.max_entries} oppføringer.",
            f"The zip file's central directory is {human(directory_size)}; that means more than "
            f"{limits.max_entries} entries.",
            "N5V-INPUT-23",
        )


def _catalogue_zip(zf: zipfile.ZipFile, archive_size: int, limits: Limits) -> Catalogue:
    cat = Catalogue(limits)
    infos = zf.infolist()
    _check_zip_layout(infos, archive_size, limits)
    for info in infos:
        cat.count_entry()
        if info.filename.endswith(("/", "\\")):  # a folder (ZipInfo.is_dir() fails on an empty name)
            continue
        mode = info.external_attr >> 16 if info.create_system == 3 else 0
        if stat.S_ISLNK(mode):
            cat.refuse(
                "N5V-INPUT-02",
                info.filename,
                "symbolske lenker følges ikke",
                "symbolic links are not followed",
            )
            continue
        if stat.S_IFMT(mode) not in (0, stat.S_IFREG, stat.S_IFDIR):
            cat.refuse("N5V-INPUT-03", info.filename, "ikke en vanlig fil", "not a regular file")
            continue
        if stat.S_ISDIR(mode):
            continue
        path = cat.safe_path(info.filename)
        if path is None or not _zip_entry_readable(cat, info, limits):
            continue
        cat.add_file(path, Entry(info.filename, info.file_size, info.header_offset))
    return cat


def _check_zip_layout(infos: list[zipfile.ZipInfo], archive_size: int, limits: Limits) -> None:
    """Refuse bombs as a whole: declared total, overall ratio, and overlapping entries."""
    total = sum(info.file_size for info in infos)
    if total > limits.max_total_unpacked:
        raise too_much_data(limits)
    if total > limits.ratio_min_size and total > limits.max_ratio * max(archive_size, 1):
        raise ratio_bomb(total, archive_size, limits)
    # Overlapping entries (several names pointing at the same compressed data) are how
    # non-recursive zip bombs multiply their output; honest zips never overlap.
    end_of_previous = 0
    for info in sorted(infos, key=lambda i: i.header_offset):
        if info.header_offset < end_of_previous:
            raise UnreadableExtract(
                "Zip-filen har overlappende oppføringer (kjennetegn på en zip-bombe).",
                "The zip file has overlapping entries (a zip bomb trait).",
                "N5V-INPUT-22",
            )
        end_of_previous = (
            info.header_offset
            + 30
            + len(info.orig_filename.encode("utf-8", "surrogateescape"))
            + info.compress_size
        )
        if end_of_previous > archive_size:
            raise UnreadableExtract(
                f"Oppføringen «{info.filename}» går forbi slutten av zip-filen.",
                f"The entry '{info.filename}' runs past the end of the zip file.",
                "N5V-INPUT-21",
            )


def _zip_entry_readable(cat: Catalogue, info: zipfile.ZipInfo, limits: Limits) -> bool:
    """Refuse (with a finding) entries we cannot or must not decompress."""
    if info.flag_bits & 0x1:
        cat.refuse("N5V-INPUT-08", info.filename, "filen er kryptert", "the file is encrypted")
        return False
    if info.compress_type not in _ZIP_METHODS:
        cat.refuse(
            "N5V-INPUT-08",
            info.filename,
            f"ukjent komprimeringsmetode {info.compress_type}",
            f"unknown compression method {info.compress_type}",
        )
        return False
    if info.compress_type == zipfile.ZIP_STORED and info.compress_size != info.file_size:
        cat.refuse(
            "N5V-INPUT-09",
            info.filename,
            "oppgitt størrelse stemmer ikke med lagret størrelse",
            "the declared size does not match the stored size",
        )
        return False
    if info.file_size > limits.ratio_min_size and info.file_size > limits.max_ratio * max(
        info.compress_size, 1
    ):
        ratio = info.file_size // max(info.compress_size, 1)
        cat.refuse(
            "N5V-INPUT-04",
            info.filename,
            f"pakker ut {ratio} ganger større enn den er komprimert (grensen er {limits.max_ratio})",
            f"unpacks to {ratio} times its compressed size (the limit is {limits.max_ratio})",
        )
        return False
    return True


class ZipSource(ExtractSource):
    def __init__(self, path: Path, zf: zipfile.ZipFile, cat: Catalogue) -> None:
        self._zip = zf
        self._infos = {info.filename: info for info in zf.infolist()}
        super().__init__("zip", path.name, cat.entries, cat.findings)

    def _open_raw(self, entry: Entry) -> BinaryIO:
        # zipfile stops at the declared size and checks the CRC at the end, so a lying
        # header yields an error, never more bytes than declared
        return self._zip.open(self._infos[entry.name])  # type: ignore[return-value]

    def close(self) -> None:
        self._zip.close()
        super().close()
