"""Document files: what their first bytes say they are, and what their declared format means.

A dokumentobjekt names its file (``referanseDokumentfil``), its format (M701 ``format``, free text in
practice: "pdf", "PDF/A", "fmt/95" …), its SHA-256 and size. We compare the declared format, the file
name's extension and the file's own magic bytes by *family* ("pdf", "tiff", …), because vendors write
the same format in many ways. From the first bytes alone a PDF cannot be told from a PDF/A (that needs
the XMP metadata inside), so "pdf" covers both.
"""

from __future__ import annotations

import re
from typing import Final

#: folder names the documents may live in (Arkade accepts the same four)
DOCUMENT_FOLDERS: Final = ("dokumenter", "DOKUMENTER", "dokument", "DOKUMENT")

#: families that are archive formats (riksarkivarens forskrift § 5-17); others get a warning
ARCHIVE_FAMILIES: Final = frozenset(
    {"pdf", "tiff", "jpeg", "png", "xml", "text", "jp2", "html", "email", "warc", "sosi", "audio", "video"}
)

_MAGIC: Final[tuple[tuple[bytes, int, str], ...]] = (
    (b"%PDF-", 0, "pdf"),
    (b"II*\x00", 0, "tiff"),
    (b"MM\x00*", 0, "tiff"),
    (b"\x89PNG\r\n\x1a\n", 0, "png"),
    (b"\xff\xd8\xff", 0, "jpeg"),
    (b"GIF87a", 0, "gif"),
    (b"GIF89a", 0, "gif"),
    (b"\x00\x00\x00\x0cjP  \r\n\x87\n", 0, "jp2"),
    (b"{\\rtf", 0, "rtf"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 0, "ole"),
    (b"WARC/", 0, "warc"),
    (b"ID3", 0, "audio"),
    (b"fLaC", 0, "audio"),
    (b"OggS", 0, "audio"),
    (b"\x00\x00\x01\xba", 0, "video"),
    (b".HODE", 0, "sosi"),
)

#: declared format (lower case, exact) or extension → family
_NAMES: Final[dict[str, str]] = {
    "pdf": "pdf",
    "pdf/a": "pdf",
    "pdfa": "pdf",
    "pdf/a-1a": "pdf",
    "pdf/a-1b": "pdf",
    "pdf/a-2a": "pdf",
    "pdf/a-2b": "pdf",
    "pdf/a-2u": "pdf",
    "pdf/a-3a": "pdf",
    "pdf/a-3b": "pdf",
    "pdf/a-3u": "pdf",
    "tif": "tiff",
    "tiff": "tiff",
    "jpg": "jpeg",
    "jpeg": "jpeg",
    "jfif": "jpeg",
    "png": "png",
    "gif": "gif",
    "jp2": "jp2",
    "jpx": "jp2",
    "xml": "xml",
    "txt": "text",
    "text": "text",
    "csv": "text",
    "tekst": "text",
    "htm": "html",
    "html": "html",
    "xhtml": "html",
    "eml": "email",
    "mbox": "email",
    "msg": "ole",
    "doc": "ole",
    "xls": "ole",
    "ppt": "ole",
    "docx": "zip",
    "xlsx": "zip",
    "pptx": "zip",
    "odt": "zip",
    "ods": "zip",
    "odp": "zip",
    "zip": "zip",
    "rtf": "rtf",
    "warc": "warc",
    "sos": "sosi",
    "sosi": "sosi",
    "mp3": "audio",
    "wav": "audio",
    "flac": "audio",
    "mp4": "video",
    "mpg": "video",
    "mpeg": "video",
}

#: PRONOM identifiers of common archive formats → family
_PRONOM: Final[dict[str, str]] = {
    **{
        f"fmt/{n}": "pdf"
        for n in (
            14,
            15,
            16,
            17,
            18,
            19,
            20,
            95,
            144,
            145,
            146,
            147,
            148,
            157,
            158,
            276,
            354,
            476,
            477,
            478,
            479,
            480,
            481,
            1129,
        )
    },
    **{f"fmt/{n}": "tiff" for n in (7, 8, 9, 10, 152, 153, 154, 155, 353)},
    **{f"fmt/{n}": "jpeg" for n in (41, 42, 43, 44, 112, 113)},
    **{f"fmt/{n}": "png" for n in (11, 12, 13)},
    "fmt/101": "xml",
    "x-fmt/111": "text",
    "fmt/96": "html",
    "fmt/99": "html",
    "fmt/100": "html",
    "fmt/471": "html",
    "fmt/392": "jp2",
    "x-fmt/392": "jp2",
    "fmt/950": "email",
    "fmt/278": "email",
}


def sniff(first_bytes: bytes) -> str | None:
    """The format family the file's first bytes show, or None if they are not recognised."""
    if not first_bytes:
        return "empty"
    for magic, offset, family in _MAGIC:
        if first_bytes[offset : offset + len(magic)] == magic:
            return family
    if first_bytes.startswith(b"PK\x03\x04"):
        return "zip"
    if first_bytes[:4] == b"RIFF" and first_bytes[8:12] in (b"WAVE", b"AVI "):
        return "audio" if first_bytes[8:12] == b"WAVE" else "video"
    if first_bytes[4:8] == b"ftyp":
        return "video"
    head = first_bytes.lstrip(b"\xef\xbb\xbf \t\r\n")
    lowered = head[:20].lower()
    if head.startswith(b"<?xml"):
        return "xml"
    if lowered.startswith((b"<!doctype html", b"<html")):
        return "html"
    if head.startswith((b"From ", b"Received:", b"MIME-Version:", b"Return-Path:")):
        return "email"
    try:
        first_bytes.decode("utf-8")
    except UnicodeDecodeError:
        # a multi-byte character cut at the end of the sample is still text
        try:
            first_bytes[:-3].decode("utf-8")
        except UnicodeDecodeError:
            return None
    if all(b >= 0x20 or b in (0x09, 0x0A, 0x0D) for b in first_bytes):
        return "text"
    return None


def declared_family(declared: str | None) -> str | None:
    """The family a declared ``format`` value means, or None if we do not recognise it."""
    if not declared:
        return None
    value = declared.strip().lower()
    if value in _PRONOM:
        return _PRONOM[value]
    if value in _NAMES:
        return _NAMES[value]
    if value.startswith(("pdf", "application/pdf")) or "19005" in value:
        return "pdf"
    if value.startswith(("tif", "image/tiff")):
        return "tiff"
    if value.startswith(("image/jpeg", "jpeg")):
        return "jpeg"
    if value in ("image/png", "application/xml", "text/xml"):
        return "png" if value == "image/png" else "xml"
    if value.startswith("text/plain"):
        return "text"
    return None


def extension_family(path: str) -> str | None:
    """The family a file name's extension means, or None."""
    match = re.search(r"\.([A-Za-z0-9]+)$", path)
    if not match:
        return None
    return _NAMES.get(match.group(1).lower())


def is_document_path(path: str) -> bool:
    """True for a file inside one of the documents folders at the extract root."""
    top = path.split("/", 1)[0]
    return "/" in path and top in DOCUMENT_FOLDERS


def parse_size(raw: str | None) -> int | None:
    """filstoerrelse as a number of bytes, or None when it is not a plain integer ("87 kB")."""
    if raw is None:
        return None
    text = raw.strip()
    if not text.isdigit():
        return None
    return int(text)


def is_sha256_name(algorithm: str | None) -> bool:
    """SHA-256 under any of the spellings in use ("SHA256", "SHA-256", "sha-256")."""
    return algorithm is not None and algorithm.strip().upper().replace("-", "").replace(" ", "") == "SHA256"
