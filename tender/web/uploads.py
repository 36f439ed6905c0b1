"""Uploaded files: their names cleaned before they are kept, downloads sent with an RFC 6266 name, and files
kept between a preview and the user's decision (import flows) in the storage (``staged/<sha256>``,
:mod:`tender.storage`)."""

from __future__ import annotations

import hashlib
import mimetypes
import re
import time
import unicodedata
from pathlib import Path
from typing import IO
from urllib.parse import quote

from flask import Response, send_file

from tender import storage
from tender.storage import storage_of

#: longest file name kept (characters); longer names keep their end (the extension) and lose the middle
MAX_FILENAME_LENGTH = 200
#: characters Windows refuses in file names, besides the path separators
_RESERVED = set('<>:"|?*')
#: the largest attachment a vendor may upload (a bid's attachments, a request's documents)
MAX_ATTACHMENT = 50 * 1024 * 1024

#: documents a vendor may send as evidence (PDF, office files, images): the extensions, and the first bytes
#: such a file starts with, so that a renamed program or script is refused whatever it is called
DOCUMENT_SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "pdf": (b"%PDF-",),
    **dict.fromkeys(("docx", "xlsx", "pptx", "odt", "ods", "odp"), (b"PK\x03\x04",)),
    **dict.fromkeys(("doc", "xls", "ppt"), (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)),
    "rtf": (b"{\\rtf",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    **dict.fromkeys(("jpg", "jpeg"), (b"\xff\xd8\xff",)),
    **dict.fromkeys(("tif", "tiff"), (b"II*\x00", b"MM\x00*")),
}


def clean_filename(name: str | None, default: str) -> str:
    """The name an uploaded file is kept and offered under: no control or format characters (NUL, line
    breaks, bidi overrides that disguise an extension), no directories (only the last part of a path
    counts, so ``../`` cannot climb), no leading dots, at most MAX_FILENAME_LENGTH characters with the
    extension kept; ``default`` when nothing is left. The file's bytes are not touched."""
    text = unicodedata.normalize("NFC", name or "")
    text = "".join(c for c in text if unicodedata.category(c) not in {"Cc", "Cf", "Cs", "Co", "Cn"})
    text = text.replace("\\", "/").split("/")[-1]
    text = "".join("_" if c in _RESERVED else c for c in text)
    text = " ".join(text.split())  # any run of white space (tabs were removed above) becomes one space
    text = text.lstrip(". ").rstrip(". ")
    if len(text) > MAX_FILENAME_LENGTH:
        stem, dot, suffix = text.rpartition(".")
        if dot and stem and 0 < len(suffix) <= 16:
            text = stem[: MAX_FILENAME_LENGTH - len(suffix) - 1].rstrip(". ") + "." + suffix
        else:
            text = text[:MAX_FILENAME_LENGTH].rstrip(". ")
    return text or default


def attachment_problem(data: bytes, *, limit: int = MAX_ATTACHMENT) -> str | None:
    """Why an uploaded attachment cannot be kept (empty, too large), in Norwegian; None when it can."""
    if not data:
        return "Filen er tom."
    if len(data) > limit:
        return f"Filen er større enn {limit // (1024 * 1024)} MB."
    return None


def document_problem(filename: str, data: bytes, *, limit: int = MAX_ATTACHMENT) -> str | None:
    """As :func:`attachment_problem`, and the file must be a PDF, an office file or an image, by its name
    and by its content."""
    if (problem := attachment_problem(data, limit=limit)) is not None:
        return problem
    suffix = clean_filename(filename, "").rpartition(".")[2].lower() if "." in (filename or "") else ""
    signatures = DOCUMENT_SIGNATURES.get(suffix)
    if signatures is None:
        return (
            "Filtypen tas ikke imot. Last opp PDF, kontorfiler (Word, Excel, PowerPoint, OpenDocument, RTF) "
            "eller bilder (PNG, JPEG, TIFF)."
        )
    if not data.startswith(signatures):
        return f"Filen er ikke en gyldig .{suffix}-fil (innholdet stemmer ikke med filtypen)."
    return None


def content_disposition(name: str, *, default: str = "fil") -> str:
    """``attachment`` with the cleaned name twice (RFC 6266): ``filename*`` in UTF-8 for today's browsers,
    ``filename`` as an ASCII fallback (accents dropped, anything else unsafe replaced) for old ones."""
    clean = clean_filename(name, default)
    ascii_name = "".join(c for c in unicodedata.normalize("NFKD", clean) if unicodedata.category(c) != "Mn")
    ascii_name = re.sub(r"[^A-Za-z0-9 !#$&+,.;=@^_`{}~()\[\]-]", "_", ascii_name).strip() or default
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(clean, safe='')}"


def send_download(source: IO[bytes] | Path | str, name: str, mimetype: str | None = None) -> Response:
    """Every file download goes through here, so that each carries the same Content-Disposition."""
    guessed = mimetype or mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = send_file(source, mimetype=guessed, as_attachment=False)
    response.headers["Content-Disposition"] = content_disposition(name)
    return response


_TOKEN = re.compile(r"^[0-9a-f]{64}$")
#: a staged file nobody came back for within this time is removed at the next upload
KEEP_SECONDS = 24 * 3600


STAGED = "staged"


def _key(token: str) -> str:
    return storage.join(STAGED, token)


def stash(data: bytes) -> str:
    """Keep ``data`` in the storage (so that another app process can take the user's decision); return its
    token (its SHA-256)."""
    files = storage_of()
    _forget_old(files)
    token = hashlib.sha256(data).hexdigest()
    if not files.exists(_key(token)):
        files.put_bytes(_key(token), data)
    return token


def unstash(token: str) -> bytes | None:
    """The staged file for ``token``, or None for an unknown or malformed token."""
    if not _TOKEN.match(token or ""):
        return None
    try:
        data = storage_of().read_bytes(_key(token))
    except FileNotFoundError:
        return None
    return data if hashlib.sha256(data).hexdigest() == token else None


def _forget_old(files: storage.FolderStorage) -> None:
    cutoff = time.time() - KEEP_SECONDS
    for key in list(files.keys(STAGED)):
        try:
            if files.mtime(key) < cutoff:
                files.delete(key)
        except FileNotFoundError:  # another request removed it first
            pass
