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

import bz2
import contextlib
import gzip
import hashlib
import io
import lzma
import os
import re
import stat
import tarfile
import unicodedata
import zipfile
import zlib
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import BinaryIO, Final, Literal, Self, cast

from tender.core.noark.findings import Finding, Severity

__all__ = [
    "INPUT_CHECKS",
    "ExtractSource",
    "FileDigest",
    "Limits",
    "UnreadableExtract",
    "locate_root",
    "open_extract",
]

KiB: Final = 1024
MiB: Final = 1024 * KiB
GiB: Final = 1024 * MiB

#: how many leading bytes a FileDigest keeps for format sniffing (PDF, TIFF, ... magic numbers)
FIRST_BYTES: Final = 64
#: read size for hashing and skipping; large enough that hashing runs at hashlib speed
_CHUNK: Final = 1 * MiB
#: a single tar header block (pax/GNU long-name data) larger than this is an attack, not a file name
_MAX_TAR_HEADER_READ: Final = 1 * MiB

ExtractKind = Literal["folder", "zip", "tar", "xml"]


# --------------------------------------------------------------------------- public types


@dataclass(frozen=True)
class Limits:
    """Resource limits for reading an untrusted extract; every value can be overridden.

    The defaults let a large municipal sample through (tens of GB, hundreds of thousands of
    document files) while refusing archives built to exhaust disk, memory or CPU.
    """

    #: size of the uploaded file itself; the web layer should use it for its upload limit too
    max_archive_size: int = 20 * GiB
    #: sum of the (declared and actually read) sizes of all entries
    max_total_unpacked: int = 20 * GiB
    #: a single entry; a larger one is refused with a finding (arkivstruktur.xml of several GB is fine)
    max_file_size: int = 10 * GiB
    #: unpacked:compressed ratio, per zip entry and for the whole zip or compressed tar.
    #: Real XML compresses 10-50x, PDFs about 1x; deflate bombs reach about 1000x.
    max_ratio: int = 200
    #: ratios are only judged above this size, since tiny files compress "infinitely" without harm
    ratio_min_size: int = 1 * MiB
    #: number of entries of any kind (files, folders, links)
    max_entries: int = 1_000_000
    #: length of one entry's path, in characters
    max_path_length: int = 1024


@dataclass(frozen=True)
class FileDigest:
    """SHA-256, size and leading bytes of one file, all taken in the same read."""

    sha256: str  #: lower-case hex
    size: int  #: bytes actually read
    first_bytes: bytes  #: the first FIRST_BYTES bytes (fewer for short files)


class UnreadableExtract(Exception):
    """The input cannot be used as an extract at all (not an archive, corrupt, over a limit)."""

    def __init__(self, message_no: str, message_en: str, check: str = "N5V-INPUT-20") -> None:
        super().__init__(message_en)
        self.message_no = message_no
        self.message_en = message_en
        #: the N5V-INPUT check id, for a report that wants to file this as a finding
        self.check = check

    def as_finding(self) -> Finding:
        """The same problem as an ERROR finding, for reports that list everything as findings."""
        return Finding(self.check, Severity.ERROR, self.message_no, self.message_en)


#: Check ids raised by this module: id -> (Norwegian title, English title).
INPUT_CHECKS: Final[dict[str, tuple[str, str]]] = {
    "N5V-INPUT-01": ("Filsti utenfor uttrekket", "Path escapes the extract"),
    "N5V-INPUT-02": ("Lenke i arkivfilen", "Link in the archive"),
    "N5V-INPUT-03": ("Spesialfil i arkivfilen", "Special file in the archive"),
    "N5V-INPUT-04": ("Mistenkelig høy komprimeringsgrad", "Suspiciously high compression ratio"),
    "N5V-INPUT-05": ("Fil over størrelsesgrensen", "File over the size limit"),
    "N5V-INPUT-06": ("Samme filnavn flere ganger", "Same file name more than once"),
    "N5V-INPUT-07": ("Filnavn som bare skiller seg i store/små bokstaver", "Names differing only in case"),
    "N5V-INPUT-08": ("Kryptert eller ukjent komprimering", "Encrypted or unknown compression"),
    "N5V-INPUT-09": ("Fil som ikke kan leses", "Unreadable file"),
    "N5V-INPUT-10": ("Fant ikke uttrekkets rotmappe", "Extract root not found"),
    "N5V-INPUT-11": ("Filer utenfor uttrekket", "Files outside the extract"),
    "N5V-INPUT-12": ("For lang filsti", "Path too long"),
    "N5V-INPUT-20": ("Ikke et arkivuttrekk", "Not an extract"),
    "N5V-INPUT-21": ("Skadet eller avkortet arkivfil", "Corrupt or truncated archive"),
    "N5V-INPUT-22": ("Arkivfilen pakker ut til for mye data", "Archive unpacks to too much data"),
    "N5V-INPUT-23": ("For mange filer", "Too many entries"),
    "N5V-INPUT-24": ("Arkivfilen er for stor", "Archive file too large"),
}


# --------------------------------------------------------------------------- entry point


def open_extract(path: Path, limits: Limits = Limits()) -> ExtractSource:
    """Open a folder, zip, (compressed) tar or single XML file as an :class:`ExtractSource`.

    The kind is recognised from the content (magic bytes), not the file name. Problems with single
    entries become ``findings``; input that cannot be used at all raises :class:`UnreadableExtract`.
    """
    path = Path(path)
    if path.is_dir():
        return _open_folder(path, limits)
    if not path.is_file():
        raise UnreadableExtract(
            f"Finner ikke filen eller mappen «{path.name}».",
            f"No such file or folder: '{path.name}'.",
        )
    archive_size = path.stat().st_size
    if archive_size > limits.max_archive_size:
        raise UnreadableExtract(
            f"Filen er {_human(archive_size)}; grensen er {_human(limits.max_archive_size)}.",
            f"The file is {_human(archive_size)}; the limit is {_human(limits.max_archive_size)}.",
            "N5V-INPUT-24",
        )
    with path.open("rb") as f:
        head = f.read(512)
    kind = _sniff(head)
    if kind == "zip":
        return _open_zip(path, limits)
    if kind in ("gzip", "bzip2", "xz", "tar"):
        return _open_tar(path, limits, None if kind == "tar" else kind)
    if kind == "xml":
        return _SingleFileSource(path, limits)
    if tarfile.is_tarfile(path):  # old v7 tar without the "ustar" magic
        return _open_tar(path, limits, None)
    raise UnreadableExtract(
        f"«{path.name}» er verken en zip-fil, en tar-fil, en mappe eller en XML-fil{_known_format_hint_no(head)}. "
        "Last opp uttrekket som .zip, .tar eller .tar.gz.",
        f"'{path.name}' is neither a zip file, a tar file, a folder nor an XML file{_known_format_hint_en(head)}. "
        "Upload the extract as .zip, .tar or .tar.gz.",
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


# --------------------------------------------------------------------------- the source


@dataclass(frozen=True)
class _Entry:
    """A regular file in the container."""

    name: str  #: name inside the container (member name, or path relative to the folder)
    size: int  #: declared size
    offset: int = 0  #: storage position: data offset for tar, header offset for zip


class ExtractSource:
    """Read-only view of the files in one extract, whatever the container.

    Paths are posix, relative to the extract root (the folder holding ``arkivuttrekk.xml``),
    Unicode NFC. Use as a context manager or call :meth:`close`. Every :meth:`open` and every
    :meth:`hash_files` call reads through its own file handle (zip: zipfile's locked shared one), so
    hashing in one thread while another parses the XML is safe.
    """

    #: "folder", "zip", "tar" or "xml" (a single XML file)
    kind: ExtractKind
    #: what to call the extract in reports, e.g. "upload.tar:258e…/content"
    root_label: str
    #: folder of the extract root inside the container ("" = the top)
    root: str
    #: True when the container is a DIAS package (extract under <uuid>/content/)
    is_dias: bool
    #: problems found while opening and hashing (check ids N5V-INPUT-..)
    findings: list[Finding]

    def __init__(
        self,
        kind: ExtractKind,
        label: str,
        entries: dict[str, _Entry],
        findings: list[Finding],
        *,
        detect_root: bool = True,
    ) -> None:
        self.kind = kind
        self.findings = findings
        if detect_root:
            self.root, self.is_dias, root_findings = locate_root(entries)
            self.findings.extend(root_findings)
        else:
            self.root, self.is_dias = "", False
        prefix = f"{self.root}/" if self.root else ""
        self._files: dict[str, _Entry] = {
            path[len(prefix) :]: entry for path, entry in entries.items() if path.startswith(prefix)
        }
        self.root_label = f"{label}:{self.root}" if self.root else label
        self._closed = False

    # -- listing

    def list_files(self) -> list[str]:
        """All regular files under the extract root, sorted."""
        return sorted(self._files)

    def size(self, relpath: str) -> int:
        """Declared size of one file; KeyError if it is not in :meth:`list_files`."""
        return self._files[relpath].size

    def bytes_total(self) -> int:
        """Sum of the sizes of all listed files (what hashing everything will read)."""
        return sum(entry.size for entry in self._files.values())

    # -- reading

    def open(self, relpath: str) -> BinaryIO:
        """A buffered binary stream of one file; the caller closes it.

        Reads raise :class:`UnreadableExtract` if the bytes turn out to differ from the declared
        size or the container is corrupt. KeyError if ``relpath`` is not in :meth:`list_files`.
        """
        self._check_open()
        entry = self._files[relpath]
        try:
            inner = self._open_raw(entry)
        except _STREAM_ERRORS as exc:
            raise _as_unreadable(exc, relpath) from exc
        raw = _EntryReader(inner, entry.size, relpath, close_inner=True)
        return cast(BinaryIO, io.BufferedReader(raw, buffer_size=256 * KiB))

    def hash_files(
        self,
        relpaths: Iterable[str],
        progress: Callable[[int], None] | None = None,
    ) -> dict[str, FileDigest]:
        """SHA-256, size and first bytes of each file, in one pass over the container (see
        :meth:`iter_digests`, which gives them one at a time instead of all at once)."""
        return dict(self.iter_digests(relpaths, progress))

    def iter_digests(
        self,
        relpaths: Iterable[str],
        progress: Callable[[int], None] | None = None,
    ) -> Iterator[tuple[str, FileDigest]]:
        """``(path, digest)`` of each file as it is hashed, in one pass over the container.

        Files are read in storage order (for a tar: straight from the archive stream, one pass,
        nothing unpacked to disk), and nothing is kept per file once it is handed over, so an extract
        of a million files costs no more memory than one of ten. Paths not in :meth:`list_files` are
        skipped so the caller can report them as missing; files that cannot be read are skipped too
        and get an ``N5V-INPUT-09`` finding. ``progress`` receives the number of bytes hashed so far.
        """
        self._check_open()
        wanted = [(p, self._files[p]) for p in dict.fromkeys(relpaths) if p in self._files]
        wanted.sort(key=lambda item: item[1].offset)
        hasher = _Hasher(progress)
        with contextlib.closing(self._streams_in_order(wanted)) as streams:
            for relpath, stream in streams:
                try:
                    digest = hasher.digest(stream)
                except UnreadableExtract as exc:
                    self.findings.append(_unreadable_finding(relpath, exc))
                    if self._one_stream:
                        # a broken compressed stream cannot be resumed at the next member
                        break
                    continue
                finally:
                    stream.close()
                yield relpath, digest

    # -- lifetime

    def close(self) -> None:
        """Release the container; further reads raise ValueError."""
        self._closed = True

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- what each container kind provides

    #: True when hashing reads all entries from one shared stream (tar)
    _one_stream: bool = False

    def _open_raw(self, entry: _Entry) -> BinaryIO:
        """A stream positioned at the entry's first byte (it may run past the entry's end)."""
        raise NotImplementedError

    def _streams_in_order(self, wanted: list[tuple[str, _Entry]]) -> Generator[tuple[str, _EntryReader], None, None]:
        """Bounded readers for ``wanted`` (already in storage order); the caller closes each."""
        for relpath, entry in wanted:
            try:
                raw = self._open_raw(entry)
            except (*_STREAM_ERRORS, RuntimeError, NotImplementedError) as exc:
                self.findings.append(_unreadable_finding(relpath, _as_unreadable(exc, relpath)))
                continue
            yield relpath, _EntryReader(raw, entry.size, relpath, close_inner=True)

    def _check_open(self) -> None:
        if self._closed:
            raise ValueError("the extract source is closed")


# --------------------------------------------------------------------------- root location


def locate_root(paths: Iterable[str]) -> tuple[str, bool, list[Finding]]:
    """Find the extract root among container paths: (root folder, is DIAS, findings).

    The root is the shallowest folder holding ``arkivuttrekk.xml``; failing that, ``arkivstruktur.xml``;
    failing that, ``addml.xml`` (for a DIAS ``administrative_metadata/addml.xml`` the sibling
    ``content/`` or the package folder). Names are compared case-insensitively so that a wrongly
    cased ``Arkivuttrekk.xml`` is still found (the validator reports the case).
    """
    by_name: dict[str, list[str]] = {"arkivuttrekk.xml": [], "arkivstruktur.xml": [], "addml.xml": []}
    folders: set[str] = set()
    all_paths = list(paths)
    for p in all_paths:
        folder, _, name = p.rpartition("/")
        folders.add(folder)
        if name.lower() in by_name:
            by_name[name.lower()].append(folder)
    findings: list[Finding] = []
    root: str | None = None
    for descriptor in ("arkivuttrekk.xml", "arkivstruktur.xml"):
        candidates = sorted(set(by_name[descriptor]), key=lambda d: (_depth(d), d))
        if candidates:
            root = candidates[0]
            if len(candidates) > 1:
                findings.append(_several_roots_finding(descriptor, candidates))
            break
    if root is None and by_name["addml.xml"]:
        root = _root_from_addml(min(by_name["addml.xml"], key=lambda d: (_depth(d), d)), folders)
    if root is None:
        findings.append(
            Finding(
                "N5V-INPUT-10",
                Severity.ERROR,
                "Fant verken arkivuttrekk.xml, arkivstruktur.xml eller addml.xml; "
                "dette ser ikke ut som et Noark 5-arkivuttrekk.",
                "Found neither arkivuttrekk.xml, arkivstruktur.xml nor addml.xml; "
                "this does not look like a Noark 5 extract.",
            )
        )
        return "", False, findings
    is_dias = _is_dias(root, all_paths)
    outside = [p for p in all_paths if not (p.startswith(f"{root}/") if root else True)]
    if is_dias:
        findings.append(
            Finding(
                "N5V-INPUT-11",
                Severity.INFO,
                f"DIAS-pakke: uttrekket ligger i «{root}/»; {len(outside)} pakkefiler utenfor er ikke kontrollert.",
                f"DIAS package: the extract is in '{root}/'; {len(outside)} package files outside it are not checked.",
            )
        )
    elif outside:
        sample = ", ".join(sorted(outside)[:5])
        findings.append(
            Finding(
                "N5V-INPUT-11",
                Severity.WARNING,
                f"{len(outside)} filer ligger utenfor uttrekkets rotmappe «{root}/» og er ikke kontrollert: {sample}",
                f"{len(outside)} files lie outside the extract root '{root}/' and are not checked: {sample}",
            )
        )
    return root, is_dias, findings


def _depth(folder: str) -> int:
    return folder.count("/") + 1 if folder else 0


def _root_from_addml(folder: str, folders: set[str]) -> str:
    parent, _, name = folder.rpartition("/")
    if name != "administrative_metadata":
        return folder
    content = f"{parent}/content" if parent else "content"
    has_content = any(f == content or f.startswith(f"{content}/") for f in folders)
    return content if has_content else parent


def _is_dias(root: str, paths: list[str]) -> bool:
    parent, _, name = root.rpartition("/")
    if name != "content":
        return False
    prefix = f"{parent}/" if parent else ""
    return any(p == f"{prefix}dias-mets.xml" or p.startswith(f"{prefix}administrative_metadata/") for p in paths)


def _several_roots_finding(descriptor: str, candidates: list[str]) -> Finding:
    shown = ", ".join(f"«{c or '.'}»" for c in candidates[:5])
    return Finding(
        "N5V-INPUT-10",
        Severity.WARNING,
        f"{descriptor} finnes i flere mapper ({shown}); kontrollerer bare den første.",
        f"{descriptor} is present in several folders ({shown}); only the first is checked.",
    )


# --------------------------------------------------------------------------- entry vetting


class _Catalogue:
    """Collects the safe regular files of a container and findings for everything refused."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.entries: dict[str, _Entry] = {}
        self.findings: list[Finding] = []
        self._seen_lower: dict[str, str] = {}
        self.count = 0
        self._total = 0

    def count_entry(self) -> None:
        """Count any entry (file, folder, link) against ``max_entries``."""
        self.count += 1
        _check_entry_count(self.count, self.limits)

    def safe_path(self, raw_name: str) -> str | None:
        """The normalised relative path, or None (with a finding) if the name is unsafe."""
        path, reason_no, reason_en = _normalise(raw_name)
        if path is None:
            self.refuse("N5V-INPUT-01", raw_name, reason_no, reason_en)
            return None
        if len(path) > self.limits.max_path_length:
            self.refuse(
                "N5V-INPUT-12",
                raw_name[:200] + "…",
                f"stien er {len(path)} tegn lang (grensen er {self.limits.max_path_length})",
                f"the path is {len(path)} characters long (the limit is {self.limits.max_path_length})",
            )
            return None
        return path

    def add_file(self, path: str, entry: _Entry) -> None:
        """Add a vetted regular file, unless too large or a duplicate."""
        if entry.size > self.limits.max_file_size:
            self.refuse(
                "N5V-INPUT-05",
                path,
                f"filen er {_human(entry.size)}; grensen er {_human(self.limits.max_file_size)}",
                f"the file is {_human(entry.size)}; the limit is {_human(self.limits.max_file_size)}",
            )
            return
        if path in self.entries:
            self.refuse(
                "N5V-INPUT-06",
                path,
                "navnet forekommer mer enn én gang i arkivfilen; bare den første er med",
                "the name occurs more than once in the archive; only the first is used",
            )
            return
        self._total += entry.size
        if self._total > self.limits.max_total_unpacked:
            raise _too_much_data(self.limits)
        lower = path.lower()
        if lower in self._seen_lower:
            other = self._seen_lower[lower]
            self.findings.append(
                Finding(
                    "N5V-INPUT-07",
                    Severity.WARNING,
                    f"«{path}» og «{other}» skiller seg bare i store/små bokstaver; de kolliderer på Windows og macOS.",
                    f"'{path}' and '{other}' differ only in case; they collide on Windows and macOS.",
                    file=path,
                )
            )
        else:
            self._seen_lower[lower] = path
        self.entries[path] = entry

    def refuse(self, check: str, name: str, reason_no: str, reason_en: str) -> None:
        """Record a refused entry; it is not listed and never read."""
        severity = Severity.WARNING if check == "N5V-INPUT-06" else Severity.ERROR
        self.findings.append(
            Finding(
                check,
                severity,
                f"Oppføringen «{name}» i arkivfilen er avvist: {reason_no}.",
                f"The archive entry '{name}' was refused: {reason_en}.",
                file=name,
            )
        )


def _check_entry_count(count: int, limits: Limits) -> None:
    if count > limits.max_entries:
        raise UnreadableExtract(
            f"Arkivfilen har mer enn {limits.max_entries} oppføringer.",
            f"The archive has more than {limits.max_entries} entries.",
            "N5V-INPUT-23",
        )


_DRIVE = re.compile(r"^[A-Za-z]:")


def _normalise(raw_name: str) -> tuple[str | None, str, str]:
    """Posix, NFC, relative path; or (None, reason_no, reason_en) for names that escape or are empty.

    Backslashes count as separators because Windows zip tools write them and Windows unpackers
    honour them; ``..`` is refused outright rather than resolved, since no honest extract needs it.
    """
    if "\x00" in raw_name:
        return None, "navnet inneholder et NUL-tegn", "the name contains a NUL character"
    name = raw_name.replace("\\", "/")
    if name.startswith("/") or _DRIVE.match(name):
        return None, "absolutt sti", "absolute path"
    parts = [part for part in name.split("/") if part not in ("", ".")]
    if ".." in parts:
        return None, "stien går ut av uttrekket («..»)", "the path leads out of the extract ('..')"
    if not parts:
        return None, "tomt navn", "empty name"
    # macOS writes decomposed (NFD) names; documents are referenced in composed form (å, ø, æ)
    return unicodedata.normalize("NFC", "/".join(parts)), "", ""


# --------------------------------------------------------------------------- folder


def _open_folder(folder: Path, limits: Limits) -> ExtractSource:
    cat = _Catalogue(limits)
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
        here = Path(dirpath)
        for name in sorted(dirnames + filenames):
            cat.count_entry()
            full = here / name
            rel = full.relative_to(folder).as_posix()
            info = full.lstat()
            mode = info.st_mode
            if stat.S_ISLNK(mode):
                if name in dirnames:
                    dirnames.remove(name)  # os.walk would not follow it anyway; be explicit
                cat.refuse("N5V-INPUT-02", rel, "symbolske lenker følges ikke", "symbolic links are not followed")
            elif stat.S_ISDIR(mode):
                continue
            elif not stat.S_ISREG(mode):
                cat.refuse("N5V-INPUT-03", rel, "ikke en vanlig fil", "not a regular file")
            else:
                path = cat.safe_path(rel)
                if path is not None:
                    cat.add_file(path, _Entry(rel, info.st_size))
    return _FolderSource(folder, cat)


class _FolderSource(ExtractSource):
    def __init__(self, folder: Path, cat: _Catalogue) -> None:
        self._folder = folder
        super().__init__("folder", str(folder), cat.entries, cat.findings)
        self.root_label = str(folder / self.root) if self.root else str(folder)

    def _open_raw(self, entry: _Entry) -> BinaryIO:
        # O_NOFOLLOW: a file swapped for a symlink after listing must not be followed
        fd = os.open(self._folder / entry.name, os.O_RDONLY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0))
        return os.fdopen(fd, "rb", buffering=0)


# --------------------------------------------------------------------------- single XML file


class _SingleFileSource(ExtractSource):
    def __init__(self, file: Path, limits: Limits) -> None:
        self._file = file
        size = file.stat().st_size
        cat = _Catalogue(limits)
        cat.add_file(file.name, _Entry(file.name, size))
        super().__init__("xml", file.name, cat.entries, cat.findings, detect_root=False)

    def _open_raw(self, entry: _Entry) -> BinaryIO:
        return self._file.open("rb", buffering=0)


# --------------------------------------------------------------------------- zip

_ZIP_METHODS: Final = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA}


def _open_zip(path: Path, limits: Limits) -> ExtractSource:
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
        _require_content(cat, path)
    except BaseException:
        zf.close()
        raise
    return _ZipSource(path, zf, cat)


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
    _check_entry_count(entries, limits)
    if directory_size > limits.max_entries * _CENTRAL_RECORD_ALLOWANCE:
        raise UnreadableExtract(
            f"Zip-filens innholdsfortegnelse er {_human(directory_size)}; det tilsvarer mer enn "
            f"{limits.max_entries} oppføringer.",
            f"The zip file's central directory is {_human(directory_size)}; that means more than "
            f"{limits.max_entries} entries.",
            "N5V-INPUT-23",
        )


def _catalogue_zip(zf: zipfile.ZipFile, archive_size: int, limits: Limits) -> _Catalogue:
    cat = _Catalogue(limits)
    infos = zf.infolist()
    _check_zip_layout(infos, archive_size, limits)
    for info in infos:
        cat.count_entry()
        if info.filename.endswith(("/", "\\")):  # a folder (ZipInfo.is_dir() fails on an empty name)
            continue
        mode = info.external_attr >> 16 if info.create_system == 3 else 0
        if stat.S_ISLNK(mode):
            cat.refuse("N5V-INPUT-02", info.filename, "symbolske lenker følges ikke", "symbolic links are not followed")
            continue
        if stat.S_IFMT(mode) not in (0, stat.S_IFREG, stat.S_IFDIR):
            cat.refuse("N5V-INPUT-03", info.filename, "ikke en vanlig fil", "not a regular file")
            continue
        if stat.S_ISDIR(mode):
            continue
        path = cat.safe_path(info.filename)
        if path is None or not _zip_entry_readable(cat, info, limits):
            continue
        cat.add_file(path, _Entry(info.filename, info.file_size, info.header_offset))
    return cat


def _check_zip_layout(infos: list[zipfile.ZipInfo], archive_size: int, limits: Limits) -> None:
    """Refuse bombs as a whole: declared total, overall ratio, and overlapping entries."""
    total = sum(info.file_size for info in infos)
    if total > limits.max_total_unpacked:
        raise _too_much_data(limits)
    if total > limits.ratio_min_size and total > limits.max_ratio * max(archive_size, 1):
        raise _ratio_bomb(total, archive_size, limits)
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
            info.header_offset + 30 + len(info.orig_filename.encode("utf-8", "surrogateescape")) + info.compress_size
        )
        if end_of_previous > archive_size:
            raise UnreadableExtract(
                f"Oppføringen «{info.filename}» går forbi slutten av zip-filen.",
                f"The entry '{info.filename}' runs past the end of the zip file.",
                "N5V-INPUT-21",
            )


def _zip_entry_readable(cat: _Catalogue, info: zipfile.ZipInfo, limits: Limits) -> bool:
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
    if info.file_size > limits.ratio_min_size and info.file_size > limits.max_ratio * max(info.compress_size, 1):
        ratio = info.file_size // max(info.compress_size, 1)
        cat.refuse(
            "N5V-INPUT-04",
            info.filename,
            f"pakker ut {ratio} ganger større enn den er komprimert (grensen er {limits.max_ratio})",
            f"unpacks to {ratio} times its compressed size (the limit is {limits.max_ratio})",
        )
        return False
    return True


class _ZipSource(ExtractSource):
    def __init__(self, path: Path, zf: zipfile.ZipFile, cat: _Catalogue) -> None:
        self._zip = zf
        self._infos = {info.filename: info for info in zf.infolist()}
        super().__init__("zip", path.name, cat.entries, cat.findings)

    def _open_raw(self, entry: _Entry) -> BinaryIO:
        # zipfile stops at the declared size and checks the CRC at the end, so a lying
        # header yields an error, never more bytes than declared
        return self._zip.open(self._infos[entry.name])  # type: ignore[return-value]

    def close(self) -> None:
        self._zip.close()
        super().close()


# --------------------------------------------------------------------------- tar


def _decompress(compression: str, path: Path) -> BinaryIO:
    """A decompressing read stream of ``path`` ("gzip", "bzip2" or "xz") that owns the file."""
    if compression == "gzip":
        return cast(BinaryIO, gzip.open(path, "rb"))
    if compression == "bzip2":
        return cast(BinaryIO, bz2.open(path, "rb"))
    return cast(BinaryIO, lzma.open(path, "rb"))


_STREAM_ERRORS: Final = (
    EOFError,
    OSError,
    tarfile.TarError,
    zlib.error,
    lzma.LZMAError,
    ValueError,
    zipfile.BadZipFile,
)


def _open_tar(path: Path, limits: Limits, compression: str | None) -> ExtractSource:
    archive_size = path.stat().st_size
    budget = limits.max_total_unpacked + 64 * MiB  # headers and padding on top of the data
    if compression is not None:
        budget = min(budget, max(limits.max_ratio * archive_size, limits.ratio_min_size))
    cat = _Catalogue(limits)
    with _decompress(compression, path) if compression else path.open("rb") as stream:
        try:
            _catalogue_tar(_ScanGuard(stream, budget), cat)
        except _BudgetExceeded as exc:
            if budget < limits.max_total_unpacked:
                raise _ratio_bomb(exc.position, archive_size, limits) from None
            raise _too_much_data(limits) from None
        except tarfile.ReadError as exc:
            if compression is not None and cat.count == 0:
                raise UnreadableExtract(
                    f"«{path.name}» er komprimert, men inneholder ikke en tar-fil.",
                    f"'{path.name}' is compressed but does not contain a tar file.",
                ) from exc
            raise _corrupt(path, exc) from exc
        except _STREAM_ERRORS as exc:
            raise _corrupt(path, exc) from exc
    _require_content(cat, path)
    return _TarSource(path, compression, cat)


def _require_content(cat: _Catalogue, path: Path) -> None:
    """An archive with nothing in it at all is not an extract (one with only refused entries is)."""
    if not cat.entries and not cat.findings:
        raise UnreadableExtract(
            f"Arkivfilen «{path.name}» inneholder ingen filer.",
            f"The archive '{path.name}' contains no files.",
        )


def _catalogue_tar(guard: _ScanGuard, cat: _Catalogue) -> None:
    with tarfile.open(fileobj=guard, mode="r:") as tf:  # type: ignore[call-overload]
        while True:
            member = tf.next()
            # TarFile keeps every member it has seen; with up to a million entries we keep our own,
            # much smaller, index instead
            tf.members.clear()
            if member is None:
                break
            cat.count_entry()
            _catalogue_tar_member(cat, member)


def _catalogue_tar_member(cat: _Catalogue, member: tarfile.TarInfo) -> None:
    if member.isdir():
        return
    if member.issym() or member.islnk():
        cat.refuse(
            "N5V-INPUT-02",
            member.name,
            f"lenke til «{member.linkname}» følges ikke",
            f"link to '{member.linkname}' is not followed",
        )
        return
    if not member.isreg() or member.issparse():
        cat.refuse("N5V-INPUT-03", member.name, "ikke en vanlig fil", "not a regular file")
        return
    path = cat.safe_path(member.name)
    if path is not None:
        cat.add_file(path, _Entry(member.name, member.size, member.offset_data))


class _BudgetExceeded(Exception):
    def __init__(self, position: int) -> None:
        super().__init__(position)
        self.position = position


class _ScanGuard:
    """File-like wrapper that lets tarfile scan headers but not unpack without limit.

    tarfile seeks over member data and reads pax/GNU long-name headers whole, trusting sizes
    from the archive; this stops both at a byte budget and a header size.
    """

    def __init__(self, inner: BinaryIO, budget: int) -> None:
        self._inner = inner
        self._budget = budget
        self.position = 0

    def read(self, size: int = -1) -> bytes:
        if size < 0 or size > _MAX_TAR_HEADER_READ:
            # raised as is: tarfile passes unknown exceptions through unchanged
            raise UnreadableExtract(
                f"Tar-filen har et filhode på {_human(size)}; det avvises som et angrep på minnet.",
                f"The tar file has a {_human(size)} header; it is refused as an attack on memory.",
                "N5V-INPUT-22",
            )
        self._charge(self.position + size)
        data = self._inner.read(size)
        self.position += len(data)
        return data

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        target = offset if whence == io.SEEK_SET else self.position + offset
        if whence not in (io.SEEK_SET, io.SEEK_CUR):
            raise io.UnsupportedOperation("only SEEK_SET and SEEK_CUR")
        self._charge(target)
        self.position = self._inner.seek(target)
        return self.position

    def tell(self) -> int:
        return self.position

    def _charge(self, position: int) -> None:
        if position > self._budget:
            raise _BudgetExceeded(position)


class _TarSource(ExtractSource):
    _one_stream = True

    def __init__(self, path: Path, compression: str | None, cat: _Catalogue) -> None:
        self._path = path
        self._compression = compression
        super().__init__("tar", path.name, cat.entries, cat.findings)

    def _open_stream(self) -> BinaryIO:
        if self._compression is None:
            return self._path.open("rb")
        return _decompress(self._compression, self._path)

    def _open_raw(self, entry: _Entry) -> BinaryIO:
        stream = self._open_stream()
        try:
            _skip_to(stream, 0, entry.offset)
        except BaseException:
            stream.close()
            raise
        return stream

    def _streams_in_order(self, wanted: list[tuple[str, _Entry]]) -> Generator[tuple[str, _EntryReader], None, None]:
        # One pass: every member is read from the same (decompressing) stream, forward only
        if not wanted:
            return
        stream = self._open_stream()
        try:
            position = 0
            for relpath, entry in wanted:
                try:
                    _skip_to(stream, position, entry.offset)
                except _STREAM_ERRORS as exc:
                    self.findings.append(_unreadable_finding(relpath, _as_unreadable(exc, relpath)))
                    return
                position = entry.offset + entry.size
                yield relpath, _EntryReader(stream, entry.size, relpath, close_inner=False)
        finally:
            stream.close()


def _skip_to(stream: BinaryIO, position: int, target: int) -> None:
    """Move a forward-only stream from ``position`` to ``target``."""
    if stream.seekable() and not isinstance(stream, (gzip.GzipFile, bz2.BZ2File, lzma.LZMAFile)):
        stream.seek(target)
        return
    # decompressors "seek" by decompressing in small steps; skip in large ones instead
    scratch = bytearray(min(_CHUNK, max(target - position, 0)))
    view = memoryview(scratch)
    while position < target:
        n = stream.readinto(view[: min(len(view), target - position)])  # type: ignore[attr-defined]
        if not n:
            raise EOFError("the archive ended early")
        position += n


# --------------------------------------------------------------------------- reading and hashing


class _EntryReader(io.RawIOBase):
    """Exactly ``size`` bytes of one entry; errors and short data become UnreadableExtract."""

    def __init__(self, inner: BinaryIO, size: int, relpath: str, *, close_inner: bool) -> None:
        super().__init__()
        self._inner = inner
        self._left = size
        self._relpath = relpath
        self._close_inner = close_inner

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview | bytearray) -> int:  # type: ignore[override]
        if self._left <= 0:
            return 0
        view = memoryview(buffer).cast("B")
        want = min(len(view), self._left)
        try:
            n = self._inner.readinto(view[:want])  # type: ignore[attr-defined]
        except _STREAM_ERRORS as exc:
            raise _as_unreadable(exc, self._relpath) from exc
        if not n:
            raise UnreadableExtract(
                f"«{self._relpath}» slutter {self._left} byte før oppgitt størrelse.",
                f"'{self._relpath}' ends {self._left} bytes short of its declared size.",
                "N5V-INPUT-21",
            )
        self._left -= n
        return int(n)

    def close(self) -> None:
        if not self.closed and self._close_inner:
            self._inner.close()
        super().close()


class _Hasher:
    """Hashes streams through one reusable buffer, reporting cumulative progress."""

    def __init__(self, progress: Callable[[int], None] | None) -> None:
        self._progress = progress
        self._buffer = bytearray(_CHUNK)
        self._view = memoryview(self._buffer)
        self.done = 0

    def digest(self, stream: _EntryReader) -> FileDigest:
        sha = hashlib.sha256()
        first = b""
        size = 0
        while True:
            n = stream.readinto(self._view)
            if not n:
                break
            chunk = self._view[:n]
            if len(first) < FIRST_BYTES:
                first += bytes(chunk[: FIRST_BYTES - len(first)])
            sha.update(chunk)
            size += n
            self.done += n
            if self._progress is not None:
                self._progress(self.done)
        return FileDigest(sha.hexdigest(), size, first)


# --------------------------------------------------------------------------- errors


def _as_unreadable(exc: BaseException, relpath: str) -> UnreadableExtract:
    if isinstance(exc, UnreadableExtract):
        return exc
    return UnreadableExtract(
        f"«{relpath}» kan ikke leses: arkivfilen er skadet eller avkortet ({exc}).",
        f"'{relpath}' cannot be read: the archive is corrupt or truncated ({exc}).",
        "N5V-INPUT-21",
    )


def _unreadable_finding(relpath: str, exc: UnreadableExtract) -> Finding:
    return Finding("N5V-INPUT-09", Severity.ERROR, exc.message_no, exc.message_en, file=relpath)


def _corrupt(path: Path, exc: BaseException) -> UnreadableExtract:
    return UnreadableExtract(
        f"Arkivfilen «{path.name}» er skadet eller avkortet ({exc}).",
        f"The archive '{path.name}' is corrupt or truncated ({exc}).",
        "N5V-INPUT-21",
    )


def _too_much_data(limits: Limits) -> UnreadableExtract:
    return UnreadableExtract(
        f"Arkivfilen pakker ut til mer enn {_human(limits.max_total_unpacked)}.",
        f"The archive unpacks to more than {_human(limits.max_total_unpacked)}.",
        "N5V-INPUT-22",
    )


def _ratio_bomb(unpacked: int, packed: int, limits: Limits) -> UnreadableExtract:
    ratio = unpacked // max(packed, 1)
    return UnreadableExtract(
        f"Arkivfilen pakker ut til minst {ratio} ganger sin egen størrelse (grensen er {limits.max_ratio}); "
        "den ser ut som en komprimeringsbombe.",
        f"The archive unpacks to at least {ratio} times its own size (the limit is {limits.max_ratio}); "
        "it looks like a compression bomb.",
        "N5V-INPUT-22",
    )


def _human(n: int) -> str:
    for unit, factor in (("GiB", GiB), ("MiB", MiB), ("KiB", KiB)):
        if n >= factor:
            return f"{n / factor:.1f} {unit}"
    return f"{n} B"
