"""Large members are hashed and streamed in constant memory (a memory property, measured with tracemalloc)."""

from __future__ import annotations

import hashlib
import os
import tarfile
import tracemalloc
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from tender.core.noark.source import ExtractSource, Limits, open_extract

MEMBER = "dokumenter/stor.pdf"
SIZE = 200 * 1024 * 1024
#: peak Python allocations allowed while reading a 200 MB member: the 1 MiB hash buffer plus
#: decompressor windows; reading the member into memory would need 200 MiB
PEAK_LIMIT = 8 * 1024 * 1024
#: the members are zeros, which compress about 1000:1; allow that for this test only
LIMITS = Limits(max_ratio=5000)
CHUNK = 1024 * 1024


def _zeros_sha256(size: int) -> str:
    sha = hashlib.sha256()
    block = bytes(CHUNK)
    for _ in range(size // CHUNK):
        sha.update(block)
    return sha.hexdigest()


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "uttrekk"
    (folder / "dokumenter").mkdir(parents=True)
    (folder / "arkivuttrekk.xml").write_bytes(b"<addml/>")
    with (folder / MEMBER).open("wb") as f:
        f.truncate(SIZE)  # sparse: no disk blocks
    return folder


def _sparse_tar(tmp_path: Path) -> Path:
    """A plain tar whose 200 MB member is a hole in the file, written without tarfile copying data."""
    path = tmp_path / "uttrekk.tar"
    info = tarfile.TarInfo(MEMBER)
    info.size = SIZE
    with path.open("wb") as f:
        descriptor = tarfile.TarInfo("arkivuttrekk.xml")
        descriptor.size = 8
        f.write(descriptor.tobuf() + b"<addml/>".ljust(512, b"\0"))
        f.write(info.tobuf())
        f.seek(SIZE, os.SEEK_CUR)  # the member's data: zeros, stored as a hole
        f.write(bytes(1024))  # end-of-archive blocks
    return path


class _Zeros:
    """A file-like source of ``size`` zero bytes, so that building archives needs no memory either."""

    def __init__(self, size: int) -> None:
        self.left = size

    def read(self, n: int = -1) -> bytes:
        n = self.left if n < 0 else min(n, self.left)
        self.left -= n
        return bytes(n)


def _tar_gz(tmp_path: Path) -> Path:
    path = tmp_path / "uttrekk.tar.gz"
    with tarfile.open(path, "w:gz", compresslevel=1) as tf:
        descriptor = tarfile.TarInfo("arkivuttrekk.xml")
        descriptor.size = 8
        tf.addfile(descriptor, _Zeros(8))  # type: ignore[arg-type]
        info = tarfile.TarInfo(MEMBER)
        info.size = SIZE
        tf.addfile(info, _Zeros(SIZE))  # type: ignore[arg-type]
    return path


def _zip(tmp_path: Path) -> Path:
    path = tmp_path / "uttrekk.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.writestr("arkivuttrekk.xml", b"<addml/>")
        with zf.open(MEMBER, "w", force_zip64=True) as member:
            block = bytes(CHUNK)
            for _ in range(SIZE // CHUNK):
                member.write(block)
    return path


BUILDERS: dict[str, Callable[[Path], Path]] = {
    "folder": _folder,
    "tar": _sparse_tar,
    "tar.gz": _tar_gz,
    "zip": _zip,
}


@pytest.fixture(scope="module")
def zeros_sha256() -> str:
    return _zeros_sha256(SIZE)


def _peak_while(action: Callable[[], object]) -> int:
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        baseline, _ = tracemalloc.get_traced_memory()
        action()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak - baseline


@pytest.mark.slow
@pytest.mark.parametrize("kind", list(BUILDERS))
def test_a_200_mb_member_is_hashed_without_being_read_into_memory(
    tmp_path: Path, kind: str, zeros_sha256: str
) -> None:
    with open_extract(BUILDERS[kind](tmp_path), LIMITS) as source:
        digests = {}
        peak = _peak_while(lambda: digests.update(source.hash_files(source.list_files())))
    assert digests[MEMBER].sha256 == zeros_sha256
    assert digests[MEMBER].size == SIZE
    assert peak < PEAK_LIMIT, f"peak {peak / 2**20:.1f} MiB"


def _stream_through(source: ExtractSource) -> str:
    sha = hashlib.sha256()
    with source.open(MEMBER) as stream:
        while block := stream.read(CHUNK):
            sha.update(block)
    return sha.hexdigest()


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["tar.gz", "zip"])
def test_a_200_mb_member_is_streamed_through_open_in_constant_memory(
    tmp_path: Path, kind: str, zeros_sha256: str
) -> None:
    with open_extract(BUILDERS[kind](tmp_path), LIMITS) as source:
        result: list[str] = []
        peak = _peak_while(lambda: result.append(_stream_through(source)))
    assert result == [zeros_sha256]
    assert peak < PEAK_LIMIT, f"peak {peak / 2**20:.1f} MiB"
