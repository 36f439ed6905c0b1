"""Read an archival extract safely, whatever it arrives as.

An extract (arkivuttrekk) reaches us as a folder, a ``.zip``, a ``.tar`` (also ``.tar.gz``, ``.tar.bz2``,
``.tar.xz``, and DIAS packages where the extract sits under ``<uuid>/content/``) or a single XML file.
:func:`open_extract` turns any of these into an :class:`ExtractSource`: a read-only view of the files
under the *extract root* (the folder holding ``arkivuttrekk.xml``) that the validator can list, stream
and hash without anything being unpacked to disk.

Uploads are hostile until proven otherwise. Entries that would escape a target folder (``../``,
absolute paths, drive letters), links, device files, encrypted entries and suspicious compression
ratios are refused and reported as findings (check ids ``N5V-INPUT-..``); input that cannot be read at
all, or that breaks a :class:`Limits` value as a whole (zip/tar bombs, too many entries, truncated
streams), raises :class:`UnreadableExtract`. Declared sizes are checked up front *and* the bytes are
counted while streaming, because archive headers can lie.
"""

from __future__ import annotations

import tarfile
from pathlib import Path

from .base import FIRST_BYTES, ExtractKind, ExtractSource, FileDigest
from .folder import SingleFileSource, open_folder
from .guards import INPUT_CHECKS, Limits, UnreadableExtract, human, human_nb
from .root import locate_root
from .tar import open_tar
from .zip import open_zip

__all__ = [
    "FIRST_BYTES",
    "INPUT_CHECKS",
    "ExtractKind",
    "ExtractSource",
    "FileDigest",
    "Limits",
    "UnreadableExtract",
    "locate_root",
    "open_extract",
]


def open_extract(path: Path, limits: Limits | None = None) -> ExtractSource:
    """Open a folder, zip, (compressed) tar or single XML file as an :class:`ExtractSource`.

    The kind is recognised from the content (magic bytes), not the file name. Problems with single
    entries become ``findings``; input that cannot be used at all raises :class:`UnreadableExtract`.
    """
    if limits is None:
        limits = Limits()
    path = Path(path)
    if path.is_dir():
        return open_folder(path, limits)
    if not path.is_file():
        raise UnreadableExtract(
            f"Finner ikke filen eller mappen «{path.name}».",
            f"No such file or folder: '{path.name}'.",
        )
    archive_size = path.stat().st_size
    if archive_size > limits.max_archive_size:
        raise UnreadableExtract(
            f"Filen er {human_nb(archive_size)}; grensen er {human_nb(limits.max_archive_size)}.",
            f"The file is {human(archive_size)}; the limit is {human(limits.max_archive_size)}.",
            "N5V-INPUT-24",
        )
    with path.open("rb") as f:
        head = f.read(512)
    kind = _sniff(head)
    if kind == "zip":
        return open_zip(path, limits)
    if kind in ("gzip", "bzip2", "xz", "tar"):
        return open_tar(path, limits, None if kind == "tar" else kind)
    if kind == "xml":
        return SingleFileSource(path, limits)
    if tarfile.is_tarfile(path):  # old v7 tar without the "ustar" magic
        return open_tar(path, limits, None)
    raise UnreadableExtract(
        f"«{path.name}» er verken en zip-fil, en tar-fil, en mappe eller en "
        f"XML-fil{_known_format_hint_no(head)}. Last opp uttrekket som .zip, .tar eller .tar.gz.",
        f"'{path.name}' is neither a zip file, a tar file, a folder nor an XML "
        f"file{_known_format_hint_en(head)}. Upload the extract as .zip, .tar or .tar.gz.",
    )


def _sniff(head: bytes) -> str:
    """Recognise the container from its first bytes."""
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")):
        return "zip"
    if head.startswith(b"\x1f\x8b"):
        return "gzip"
    if head.startswith(b"BZh"):
        return "bzip2"
    if head.startswith(b"\xfd7zXZ\x00"):
        return "xz"
    if head[257:262] == b"ustar":
        return "tar"
    if _looks_like_xml(head):
        return "xml"
    return "unknown"


def _looks_like_xml(head: bytes) -> bool:
    for bom in (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"):
        if head.startswith(bom):
            return True
    return head.lstrip(b" \t\r\n").startswith(b"<")


def _known_format_hint_no(head: bytes) -> str:
    name = _known_format(head)
    return f" (det ser ut som {name})" if name else ""


def _known_format_hint_en(head: bytes) -> str:
    name = _known_format(head)
    return f" (it looks like {name})" if name else ""


def _known_format(head: bytes) -> str | None:
    if head.startswith(b"7z\xbc\xaf\x27\x1c"):
        return "7z"
    if head.startswith(b"Rar!"):
        return "RAR"
    if head.startswith(b"%PDF"):
        return "PDF"
    return None
