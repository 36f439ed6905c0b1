"""The view of an extract every container kind gives: list, open, stream and hash its files."""

from __future__ import annotations

import contextlib
import hashlib
import io
import lzma
import tarfile
import zipfile
import zlib
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass
from types import TracebackType
from typing import BinaryIO, Final, Literal, Self, cast

from tender.core.noark.findings import Finding, Severity

from .guards import Entry, KiB, MiB, UnreadableExtract
from .root import locate_root

#: how many leading bytes a FileDigest keeps for format sniffing (PDF, TIFF, ... magic numbers)
FIRST_BYTES: Final = 64
#: read size for hashing and skipping; large enough that hashing runs at hashlib speed
CHUNK: Final = 1 * MiB

ExtractKind = Literal["folder", "zip", "tar", "xml"]


@dataclass(frozen=True)
class FileDigest:
    """SHA-256, size and leading bytes of one file, all taken in the same read."""

    sha256: str  #: lower-case hex
    size: int  #: bytes actually read
    first_bytes: bytes  #: the first FIRST_BYTES bytes (fewer for short files)


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
        entries: dict[str, Entry],
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
        self._files: dict[str, Entry] = {
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
        except STREAM_ERRORS as exc:
            raise as_unreadable(exc, relpath) from exc
        raw = EntryReader(inner, entry.size, relpath, close_inner=True)
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
                    self.findings.append(unreadable_finding(relpath, exc))
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

    def _open_raw(self, entry: Entry) -> BinaryIO:
        """A stream positioned at the entry's first byte (it may run past the entry's end)."""
        raise NotImplementedError

    def _streams_in_order(
        self, wanted: list[tuple[str, Entry]]
    ) -> Generator[tuple[str, EntryReader], None, None]:
        """Bounded readers for ``wanted`` (already in storage order); the caller closes each."""
        for relpath, entry in wanted:
            try:
                raw = self._open_raw(entry)
            except (*STREAM_ERRORS, RuntimeError, NotImplementedError) as exc:
                self.findings.append(unreadable_finding(relpath, as_unreadable(exc, relpath)))
                continue
            yield relpath, EntryReader(raw, entry.size, relpath, close_inner=True)

    def _check_open(self) -> None:
        if self._closed:
            raise ValueError("the extract source is closed")


STREAM_ERRORS: Final = (
    EOFError,
    OSError,
    tarfile.TarError,
    zlib.error,
    lzma.LZMAError,
    ValueError,
    zipfile.BadZipFile,
)


# --------------------------------------------------------------------------- reading and hashing


class EntryReader(io.RawIOBase):
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
        except STREAM_ERRORS as exc:
            raise as_unreadable(exc, self._relpath) from exc
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
        self._buffer = bytearray(CHUNK)
        self._view = memoryview(self._buffer)
        self.done = 0

    def digest(self, stream: EntryReader) -> FileDigest:
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


def as_unreadable(exc: BaseException, relpath: str) -> UnreadableExtract:
    if isinstance(exc, UnreadableExtract):
        return exc
    return UnreadableExtract(
        f"«{relpath}» kan ikke leses: arkivfilen er skadet eller avkortet ({exc}).",
        f"'{relpath}' cannot be read: the archive is corrupt or truncated ({exc}).",
        "N5V-INPUT-21",
    )


def unreadable_finding(relpath: str, exc: UnreadableExtract) -> Finding:
    return Finding("N5V-INPUT-09", Severity.ERROR, exc.message_no, exc.message_en, file=relpath)
