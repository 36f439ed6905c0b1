"""An extract as a tar file (also gzip, bzip2 or xz compressed), read forward only, nothing unpacked."""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import tarfile
from collections.abc import Generator
from pathlib import Path
from typing import BinaryIO, Final, cast

from .base import CHUNK, STREAM_ERRORS, EntryReader, ExtractSource, as_unreadable, unreadable_finding
from .guards import (
    Catalogue,
    Entry,
    Limits,
    MiB,
    UnreadableExtract,
    corrupt,
    human,
    human_nb,
    ratio_bomb,
    require_content,
    too_much_data,
)

#: a single tar header block (pax/GNU long-name data) larger than this is an attack, not a file name
_MAX_TAR_HEADER_READ: Final = 1 * MiB


def _decompress(compression: str, path: Path) -> BinaryIO:
    """A decompressing read stream of ``path`` ("gzip", "bzip2" or "xz") that owns the file."""
    if compression == "gzip":
        return cast(BinaryIO, gzip.open(path, "rb"))
    if compression == "bzip2":
        return cast(BinaryIO, bz2.open(path, "rb"))
    return cast(BinaryIO, lzma.open(path, "rb"))


def open_tar(path: Path, limits: Limits, compression: str | None) -> ExtractSource:
    archive_size = path.stat().st_size
    budget = limits.max_total_unpacked + 64 * MiB  # headers and padding on top of the data
    if compression is not None:
        budget = min(budget, max(limits.max_ratio * archive_size, limits.ratio_min_size))
    cat = Catalogue(limits)
    with _decompress(compression, path) if compression else path.open("rb") as stream:
        try:
            _catalogue_tar(_ScanGuard(stream, budget), cat)
        except _BudgetExceeded as exc:
            if budget < limits.max_total_unpacked:
                raise ratio_bomb(exc.position, archive_size, limits) from None
            raise too_much_data(limits) from None
        except tarfile.ReadError as exc:
            if compression is not None and cat.count == 0:
                raise UnreadableExtract(
                    f"«{path.name}» er komprimert, men inneholder ikke en tar-fil.",
                    f"'{path.name}' is compressed but does not contain a tar file.",
                ) from exc
            raise corrupt(path, exc) from exc
        except STREAM_ERRORS as exc:
            raise corrupt(path, exc) from exc
    require_content(cat, path)
    return TarSource(path, compression, cat)


def _catalogue_tar(guard: _ScanGuard, cat: Catalogue) -> None:
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


def _catalogue_tar_member(cat: Catalogue, member: tarfile.TarInfo) -> None:
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
        cat.add_file(path, Entry(member.name, member.size, member.offset_data))


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
                f"Tar-filen har et filhode på {human_nb(size)}; det avvises som et angrep på minnet.",
                f"The tar file has a {human(size)} header; it is refused as an attack on memory.",
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


class TarSource(ExtractSource):
    _one_stream = True

    def __init__(self, path: Path, compression: str | None, cat: Catalogue) -> None:
        self._path = path
        self._compression = compression
        super().__init__("tar", path.name, cat.entries, cat.findings)

    def _open_stream(self) -> BinaryIO:
        if self._compression is None:
            return self._path.open("rb")
        return _decompress(self._compression, self._path)

    def _open_raw(self, entry: Entry) -> BinaryIO:
        stream = self._open_stream()
        try:
            _skip_to(stream, 0, entry.offset)
        except BaseException:
            stream.close()
            raise
        return stream

    def _streams_in_order(
        self, wanted: list[tuple[str, Entry]]
    ) -> Generator[tuple[str, EntryReader], None, None]:
        # One pass: every member is read from the same (decompressing) stream, forward only
        if not wanted:
            return
        stream = self._open_stream()
        try:
            position = 0
            for relpath, entry in wanted:
                try:
                    _skip_to(stream, position, entry.offset)
                except STREAM_ERRORS as exc:
                    self.findings.append(unreadable_finding(relpath, as_unreadable(exc, relpath)))
                    return
                position = entry.offset + entry.size
                yield relpath, EntryReader(stream, entry.size, relpath, close_inner=False)
        finally:
            stream.close()


def _skip_to(stream: BinaryIO, position: int, target: int) -> None:
    """Move a forward-only stream from ``position`` to ``target``."""
    if stream.seekable() and not isinstance(stream, (gzip.GzipFile, bz2.BZ2File, lzma.LZMAFile)):
        stream.seek(target)
        return
    # decompressors "seek" by decompressing in small steps; skip in large ones instead
    scratch = bytearray(min(CHUNK, max(target - position, 0)))
    view = memoryview(scratch)
    while position < target:
        n = stream.readinto(view[: min(len(view), target - position)])  # type: ignore[attr-defined]
        if not n:
            raise EOFError("the archive ended early")
        position += n
