"""Hostile uploads: escaping paths, links, device files, bombs, lies, junk and truncation.

Every case opens the upload, lists, hashes and reads everything the source offers, and then checks
that the problem was reported clearly and that nothing appeared on disk outside the upload.
"""

from __future__ import annotations

import gzip
import io
import os
import posixpath
import stat
import struct
import tarfile
import tempfile
import uuid
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tender.core.noark.findings import Finding, Severity
from tender.core.noark.source import ExtractSource, Limits, UnreadableExtract, open_extract

DESCRIPTOR = ("arkivuttrekk.xml", b"<?xml version='1.0'?><addml/>")
#: an absolute target that an unpacker honouring absolute names would write to
ABSOLUTE_TARGET = f"/tmp/tender-escape-{uuid.uuid4().hex}.txt"


@pytest.fixture
def upload_dir(tmp_path: Path) -> Iterator[Path]:
    """A folder deep inside tmp_path for the upload, and a check afterwards that nothing else was written."""
    upload = tmp_path / "a" / "b" / "upload"
    upload.mkdir(parents=True)
    before = _tree(tmp_path)
    yield upload
    created = _tree(tmp_path) - before - {p for p in _tree(tmp_path) if p.startswith("a/b/upload/")}
    assert created == set(), f"written outside the upload: {created}"
    assert not Path(ABSOLUTE_TARGET).exists()


def _tree(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*")}


def _read_everything(source: ExtractSource) -> None:
    """Do all the validator would do, so that any write or unsafe read would happen."""
    source.hash_files(source.list_files())
    for relpath in source.list_files():
        with source.open(relpath) as stream:
            stream.read()


def _open_fully(path: Path, limits: Limits | None = None) -> ExtractSource:
    source = open_extract(path, limits or Limits())
    with source:
        _read_everything(source)
    return source


def _only(findings: list[Finding], check: str) -> Finding:
    matching = [f for f in findings if f.check == check]
    assert len(matching) == 1, findings
    return matching[0]


def _assert_clear(finding: Finding, *words: str) -> None:
    """A finding an archivist can act on: error severity, Norwegian and English, naming the entry."""
    assert finding.severity is Severity.ERROR
    assert finding.message_no and finding.message_en and finding.message_no != finding.message_en
    for word in words:
        assert word in finding.message_no and word in finding.message_en


def _assert_unreadable(caught: pytest.ExceptionInfo[UnreadableExtract], check: str) -> None:
    error = caught.value
    assert error.check == check
    assert error.message_no and error.message_en and error.message_no != error.message_en


# --------------------------------------------------------------------------- zip builders


def _zip(
    target: Path, entries: list[tuple[str | zipfile.ZipInfo, bytes]], method: int = zipfile.ZIP_DEFLATED
) -> Path:
    with zipfile.ZipFile(target, "w", method) as zf:
        zf.writestr(*DESCRIPTOR)
        for name, data in entries:
            zf.writestr(name, data)
    return target


def _zip_info(name: str, mode: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.create_system = 3  # unix, so the mode bits in external_attr count
    info.external_attr = mode << 16
    return info


# --------------------------------------------------------------------------- tar builders


def _tar(target: Path, members: list[tuple[tarfile.TarInfo, bytes | None]], mode: str = "w") -> Path:
    with tarfile.open(target, mode) as tf:
        info = tarfile.TarInfo(DESCRIPTOR[0])
        info.size = len(DESCRIPTOR[1])
        tf.addfile(info, io.BytesIO(DESCRIPTOR[1]))
        for member, data in members:
            if data is not None:
                member.size = len(data)
            tf.addfile(member, io.BytesIO(data) if data is not None else None)
    return target


def _tar_info(name: str, kind: bytes = tarfile.REGTYPE, linkname: str = "") -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = linkname
    return info


# --------------------------------------------------------------------------- escaping paths


@pytest.mark.parametrize(
    "name",
    [
        "../../escaped.txt",
        "dokumenter/../../../escaped.txt",
        ABSOLUTE_TARGET,
        "C:/escaped.txt",
        "..\\..\\escaped.txt",
    ],
)
def test_a_zip_entry_escaping_the_extract_is_refused(upload_dir: Path, name: str) -> None:
    source = _open_fully(_zip(upload_dir / "u.zip", [(name, b"evil")]))
    _assert_clear(_only(source.findings, "N5V-INPUT-01"), name)
    assert source.list_files() == ["arkivuttrekk.xml"]


@pytest.mark.parametrize("name", ["../../escaped.txt", ABSOLUTE_TARGET, "./dokumenter/../../escaped.txt"])
def test_a_tar_member_escaping_the_extract_is_refused(upload_dir: Path, name: str) -> None:
    source = _open_fully(_tar(upload_dir / "u.tar", [(_tar_info(name), b"evil")]))
    _assert_clear(_only(source.findings, "N5V-INPUT-01"), name)
    assert source.list_files() == ["arkivuttrekk.xml"]


def test_a_name_with_a_nul_character_is_refused(upload_dir: Path) -> None:
    # a pax header carries the name, NUL included, past tar's NUL-terminated name field
    member = _tar_info("x.pdf")
    member.pax_headers = {"path": "dokumenter/a\x00.pdf"}
    archive = upload_dir / "u.tar"
    with tarfile.open(archive, "w", format=tarfile.PAX_FORMAT) as tf:
        tf.addfile(_with_size(tarfile.TarInfo(DESCRIPTOR[0]), DESCRIPTOR[1]), io.BytesIO(DESCRIPTOR[1]))
        tf.addfile(_with_size(member, b"x"), io.BytesIO(b"x"))
    source = _open_fully(archive)
    _assert_clear(_only(source.findings, "N5V-INPUT-01"), "NUL")
    assert source.list_files() == ["arkivuttrekk.xml"]


def _with_size(info: tarfile.TarInfo, data: bytes) -> tarfile.TarInfo:
    info.size = len(data)
    return info


_NAME_PARTS = st.sampled_from(["..", ".", "", "a", "dokumenter", "C:", "\\", "..\\..", "ø", "/", "~"])


@pytest.mark.parametrize("container", ["zip", "tar"])
@settings(max_examples=100, deadline=None)  # deadline=None: no timing in tests
@given(
    names=st.lists(
        st.lists(_NAME_PARTS, min_size=1, max_size=6).map("/".join), min_size=1, max_size=5, unique=True
    )
)
def test_whatever_the_entry_names_every_listed_path_stays_inside_the_extract(
    container: str, names: list[str]
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        archive = Path(tmp) / f"u.{container}"
        if container == "zip":
            with zipfile.ZipFile(archive, "w") as zf:
                for name in names:
                    zf.writestr(zipfile.ZipInfo(name), b"x")
        else:
            with tarfile.open(archive, "w", format=tarfile.PAX_FORMAT) as tf:
                for name in names:
                    tf.addfile(_with_size(tarfile.TarInfo(name), b"x"), io.BytesIO(b"x"))
        try:
            source = open_extract(archive)
        except UnreadableExtract:
            return  # e.g. only folders: nothing listed, nothing to escape
        with source:
            _read_everything(source)
            for relpath in source.list_files():
                inside = posixpath.normpath(posixpath.join("/extract", source.root, relpath))
                assert inside.startswith("/extract/"), relpath
                assert "\\" not in relpath and ".." not in relpath.split("/") and not relpath.startswith("/")


# --------------------------------------------------------------------------- links


def test_a_symlink_in_a_zip_is_refused(upload_dir: Path) -> None:
    link = _zip_info("dokumenter/passwd.pdf", stat.S_IFLNK | 0o777)
    source = _open_fully(_zip(upload_dir / "u.zip", [(link, b"/etc/passwd")]))
    _assert_clear(_only(source.findings, "N5V-INPUT-02"), "dokumenter/passwd.pdf")
    assert "dokumenter/passwd.pdf" not in source.list_files()


@pytest.mark.parametrize("kind", [tarfile.SYMTYPE, tarfile.LNKTYPE])
def test_a_symlink_or_hardlink_in_a_tar_is_refused(upload_dir: Path, kind: bytes) -> None:
    link = _tar_info("dokumenter/passwd.pdf", kind, linkname="/etc/passwd")
    source = _open_fully(_tar(upload_dir / "u.tar", [(link, None)]))
    _assert_clear(_only(source.findings, "N5V-INPUT-02"), "dokumenter/passwd.pdf", "/etc/passwd")
    assert source.list_files() == ["arkivuttrekk.xml"]


def test_a_tar_symlinked_folder_cannot_be_used_to_write_through(upload_dir: Path) -> None:
    members = [
        (_tar_info("dokumenter", tarfile.SYMTYPE, linkname="../../.."), None),
        (_tar_info("dokumenter/escaped.txt"), b"evil"),
    ]
    source = open_extract(_tar(upload_dir / "u.tar", members))
    with source:
        _read_everything(source)
        _only(source.findings, "N5V-INPUT-02")
        # the member "under" the link is only a name in the archive; reading it reads the archive
        with source.open("dokumenter/escaped.txt") as stream:
            assert stream.read() == b"evil"


def test_a_symlink_in_an_uploaded_folder_is_not_followed(upload_dir: Path, tmp_path: Path) -> None:
    secret = upload_dir / "secret.txt"
    secret.write_text("hemmelig")
    folder = upload_dir / "uttrekk"
    (folder / "dokumenter").mkdir(parents=True)
    (folder / DESCRIPTOR[0]).write_bytes(DESCRIPTOR[1])
    (folder / "dokumenter" / "1.pdf").symlink_to(secret)
    (folder / "lenket").symlink_to(tmp_path, target_is_directory=True)
    source = _open_fully(folder)
    refused = sorted(f.file or "" for f in source.findings if f.check == "N5V-INPUT-02")
    assert refused == ["dokumenter/1.pdf", "lenket"]
    assert source.list_files() == ["arkivuttrekk.xml"]


# --------------------------------------------------------------------------- device and special files


@pytest.mark.parametrize("kind", [tarfile.CHRTYPE, tarfile.BLKTYPE, tarfile.FIFOTYPE])
def test_a_device_or_fifo_in_a_tar_is_refused(upload_dir: Path, kind: bytes) -> None:
    device = _tar_info("dokumenter/null.pdf", kind)
    device.devmajor, device.devminor = 1, 3
    source = _open_fully(_tar(upload_dir / "u.tar", [(device, None)]))
    _assert_clear(_only(source.findings, "N5V-INPUT-03"), "dokumenter/null.pdf")
    assert source.list_files() == ["arkivuttrekk.xml"]


@pytest.mark.parametrize("mode", [stat.S_IFCHR, stat.S_IFBLK, stat.S_IFIFO, stat.S_IFSOCK])
def test_a_device_or_fifo_in_a_zip_is_refused(upload_dir: Path, mode: int) -> None:
    source = _open_fully(_zip(upload_dir / "u.zip", [(_zip_info("dokumenter/dev.pdf", mode | 0o644), b"")]))
    _assert_clear(_only(source.findings, "N5V-INPUT-03"), "dokumenter/dev.pdf")


def test_a_fifo_in_an_uploaded_folder_is_refused_without_blocking(upload_dir: Path) -> None:
    folder = upload_dir / "uttrekk"
    folder.mkdir()
    (folder / DESCRIPTOR[0]).write_bytes(DESCRIPTOR[1])
    os.mkfifo(folder / "ventende.pdf")
    source = _open_fully(folder)
    _assert_clear(_only(source.findings, "N5V-INPUT-03"), "ventende.pdf")


def test_an_encrypted_zip_entry_is_refused(upload_dir: Path) -> None:
    archive = _zip(upload_dir / "u.zip", [("dokumenter/1.pdf", b"%PDF-1.4 hemmelig")])
    _set_zip_flag(archive, "dokumenter/1.pdf", 0x1)
    source = _open_fully(archive)
    _assert_clear(_only(source.findings, "N5V-INPUT-08"), "dokumenter/1.pdf")


# --------------------------------------------------------------------------- bombs


def test_a_zip_entry_with_an_extreme_compression_ratio_is_refused(upload_dir: Path) -> None:
    entries = [
        ("dokumenter/bombe.pdf", bytes(8 * 1024 * 1024)),
        ("dokumenter/ok.pdf", os.urandom(1024 * 1024)),
    ]
    source = _open_fully(_zip(upload_dir / "u.zip", entries))
    _assert_clear(_only(source.findings, "N5V-INPUT-04"), "dokumenter/bombe.pdf")
    assert "dokumenter/bombe.pdf" not in source.list_files()
    assert "dokumenter/ok.pdf" in source.list_files()


def test_a_zip_that_as_a_whole_unpacks_far_beyond_its_size_is_unreadable(upload_dir: Path) -> None:
    archive = _zip(upload_dir / "u.zip", [(f"dokumenter/{i}.pdf", bytes(1024 * 1024)) for i in range(4)])
    with pytest.raises(UnreadableExtract) as caught:
        open_extract(archive)
    _assert_unreadable(caught, "N5V-INPUT-22")
    assert "bomb" in caught.value.message_en


def test_a_zip_declaring_more_than_the_total_limit_is_unreadable(upload_dir: Path) -> None:
    archive = _zip(upload_dir / "u.zip", [("arkivstruktur.xml", os.urandom(4000))])
    with pytest.raises(UnreadableExtract) as caught:
        open_extract(archive, Limits(max_total_unpacked=2000))
    _assert_unreadable(caught, "N5V-INPUT-22")


def test_a_zip_with_overlapping_entries_is_unreadable(upload_dir: Path) -> None:
    archive = _overlapping_zip(upload_dir / "u.zip")
    with pytest.raises(UnreadableExtract) as caught:
        open_extract(archive)
    _assert_unreadable(caught, "N5V-INPUT-22")
    assert "overlapping" in caught.value.message_en


def test_a_gzipped_tar_that_unpacks_far_beyond_its_size_is_unreadable(upload_dir: Path) -> None:
    member = _tar_info("dokumenter/bombe.pdf")
    archive = _tar(upload_dir / "u.tar.gz", [(member, bytes(16 * 1024 * 1024))], mode="w:gz")
    with pytest.raises(UnreadableExtract) as caught:
        open_extract(archive)
    _assert_unreadable(caught, "N5V-INPUT-22")
    assert "bomb" in caught.value.message_en


def test_a_tar_with_more_than_the_total_limit_is_unreadable(upload_dir: Path) -> None:
    archive = _tar(upload_dir / "u.tar", [(_tar_info("arkivstruktur.xml"), bytes(4000))])
    with pytest.raises(UnreadableExtract) as caught:
        open_extract(archive, Limits(max_total_unpacked=2000))
    _assert_unreadable(caught, "N5V-INPUT-22")


def test_a_tar_header_claiming_gigabytes_of_file_name_is_unreadable(upload_dir: Path) -> None:
    archive = upload_dir / "u.tar"
    header = tarfile.TarInfo("././@LongLink")
    header.type = tarfile.GNUTYPE_LONGNAME
    header.size = 3 * 1024**3  # tarfile would read this whole "name" into memory
    archive.write_bytes(header.tobuf(format=tarfile.GNU_FORMAT) + bytes(10 * 512))
    with pytest.raises(UnreadableExtract) as caught:
        open_extract(archive)
    _assert_unreadable(caught, "N5V-INPUT-22")


def test_a_file_over_the_size_limit_is_refused(upload_dir: Path) -> None:
    archive = _tar(upload_dir / "u.tar", [(_tar_info("dokumenter/stor.pdf"), bytes(5000))])
    source = _open_fully(archive, Limits(max_file_size=4096))
    _assert_clear(_only(source.findings, "N5V-INPUT-05"), "dokumenter/stor.pdf")


@pytest.mark.parametrize("kind", ["zip", "tar", "folder"])
def test_too_many_entries_make_the_upload_unreadable(upload_dir: Path, kind: str) -> None:
    names = [f"dokumenter/{i}.pdf" for i in range(10)]
    if kind == "zip":
        path = _zip(upload_dir / "u.zip", [(n, b"x") for n in names])
    elif kind == "tar":
        path = _tar(upload_dir / "u.tar", [(_tar_info(n), b"x") for n in names])
    else:
        path = upload_dir / "uttrekk"
        (path / "dokumenter").mkdir(parents=True)
        for n in names:
            (path / n).write_bytes(b"x")
    with pytest.raises(UnreadableExtract) as caught:
        open_extract(path, Limits(max_entries=8))
    _assert_unreadable(caught, "N5V-INPUT-23")


def test_a_zip_central_directory_larger_than_the_entry_limit_allows_is_unreadable(upload_dir: Path) -> None:
    archive = _zip(upload_dir / "u.zip", [("x" * 1500, b"x")])
    with pytest.raises(UnreadableExtract) as caught:
        open_extract(archive, Limits(max_entries=2))
    _assert_unreadable(caught, "N5V-INPUT-23")


# --------------------------------------------------------------------------- lying headers


def test_a_zip_entry_holding_more_than_it_declares_is_reported_when_hashed(upload_dir: Path) -> None:
    archive = _zip(upload_dir / "u.zip", [("dokumenter/1.pdf", b"%PDF-1.4 " + bytes(1000))])
    _patch_zip_size(archive, "dokumenter/1.pdf", 100)
    source = open_extract(archive)
    with source:
        result = source.hash_files(source.list_files())
    assert "dokumenter/1.pdf" not in result
    finding = _only(source.findings, "N5V-INPUT-09")
    assert finding.file == "dokumenter/1.pdf"
    assert finding.severity is Severity.ERROR


def test_a_zip_entry_holding_less_than_it_declares_cannot_be_read(upload_dir: Path) -> None:
    archive = _zip(upload_dir / "u.zip", [("dokumenter/1.pdf", b"%PDF-1.4 " + os.urandom(100))])
    _patch_zip_size(archive, "dokumenter/1.pdf", 5000)
    with (
        open_extract(archive) as source,
        source.open("dokumenter/1.pdf") as stream,
        pytest.raises(UnreadableExtract) as caught,
    ):
        stream.read()
    assert "dokumenter/1.pdf" in caught.value.message_en


def test_a_stored_zip_entry_whose_sizes_disagree_is_refused(upload_dir: Path) -> None:
    archive = _zip(upload_dir / "u.zip", [("dokumenter/1.pdf", b"%PDF-1.4 data")], method=zipfile.ZIP_STORED)
    _patch_zip_size(archive, "dokumenter/1.pdf", 4)
    source = _open_fully(archive)
    _assert_clear(_only(source.findings, "N5V-INPUT-09"), "dokumenter/1.pdf")


# --------------------------------------------------------------------------- duplicates


def test_a_name_occurring_twice_in_a_tar_is_reported_and_the_first_copy_used(upload_dir: Path) -> None:
    members = [(_tar_info("dokumenter/1.pdf"), b"first"), (_tar_info("dokumenter/1.pdf"), b"second")]
    source = open_extract(_tar(upload_dir / "u.tar", members))
    with source, source.open("dokumenter/1.pdf") as stream:
        assert stream.read() == b"first"
    assert _only(source.findings, "N5V-INPUT-06").severity is Severity.WARNING


def test_names_differing_only_in_case_are_reported(upload_dir: Path) -> None:
    source = _open_fully(_zip(upload_dir / "u.zip", [("dokumenter/A.pdf", b"1"), ("dokumenter/a.pdf", b"2")]))
    assert _only(source.findings, "N5V-INPUT-07").severity is Severity.WARNING
    assert {"dokumenter/A.pdf", "dokumenter/a.pdf"} <= set(source.list_files())


def test_a_decomposed_unicode_name_is_listed_in_composed_form(upload_dir: Path) -> None:
    decomposed = "dokumenter/Ba\u030arstad.pdf"  # å as a + combining ring, as macOS writes it
    source = _open_fully(_zip(upload_dir / "u.zip", [(decomposed, b"x")]))
    assert "dokumenter/B\u00e5rstad.pdf" in source.list_files()


def test_an_overlong_path_is_refused(upload_dir: Path) -> None:
    source = _open_fully(
        _zip(upload_dir / "u.zip", [("d/" * 40 + "x.pdf", b"x")]), Limits(max_path_length=50)
    )
    assert _only(source.findings, "N5V-INPUT-12").severity is Severity.ERROR


# --------------------------------------------------------------------------- junk and truncation


@pytest.mark.parametrize(
    ("content", "hint"),
    [
        (b"%PDF-1.4\n%...", "PDF"),
        (b"7z\xbc\xaf\x27\x1c\x00\x04", "7z"),
        (b"Rar!\x1a\x07\x00", "RAR"),
        (os.urandom(2048), ""),
        (b"", ""),
    ],
)
def test_a_file_that_is_no_archive_is_unreadable(upload_dir: Path, content: bytes, hint: str) -> None:
    path = upload_dir / "uttrekk.zip"
    path.write_bytes(content)
    with pytest.raises(UnreadableExtract) as caught:
        open_extract(path)
    _assert_unreadable(caught, "N5V-INPUT-20")
    assert hint in caught.value.message_no and hint in caught.value.message_en
    assert "uttrekk.zip" in caught.value.message_en


def test_a_gzip_file_that_holds_no_tar_is_unreadable(upload_dir: Path) -> None:
    path = upload_dir / "arkivstruktur.xml.gz"
    path.write_bytes(gzip.compress(b"<?xml version='1.0'?>" + b"<arkiv/>" * 200))
    with pytest.raises(UnreadableExtract) as caught:
        open_extract(path)
    _assert_unreadable(caught, "N5V-INPUT-20")
    assert "does not contain a tar" in caught.value.message_en


@pytest.mark.parametrize("cut", [0.3, 0.6, 0.95])
def test_a_truncated_gzipped_tar_is_unreadable(upload_dir: Path, cut: float) -> None:
    archive = _tar(
        upload_dir / "u.tar.gz", [(_tar_info("dokumenter/1.pdf"), os.urandom(200_000))], mode="w:gz"
    )
    data = archive.read_bytes()
    archive.write_bytes(data[: int(len(data) * cut)])
    with pytest.raises(UnreadableExtract) as caught:
        open_extract(archive)
    _assert_unreadable(caught, "N5V-INPUT-21")


def test_a_truncated_tar_is_unreadable(upload_dir: Path) -> None:
    archive = _tar(upload_dir / "u.tar", [(_tar_info("dokumenter/1.pdf"), os.urandom(200_000))])
    data = archive.read_bytes()
    archive.write_bytes(data[:100_000])
    with pytest.raises(UnreadableExtract) as caught:
        open_extract(archive)
    _assert_unreadable(caught, "N5V-INPUT-21")


def test_a_truncated_zip_is_unreadable(upload_dir: Path) -> None:
    archive = _zip(upload_dir / "u.zip", [("dokumenter/1.pdf", os.urandom(50_000))])
    archive.write_bytes(archive.read_bytes()[:30_000])
    with pytest.raises(UnreadableExtract) as caught:
        open_extract(archive)
    _assert_unreadable(caught, "N5V-INPUT-21")


def test_an_empty_archive_is_unreadable(upload_dir: Path) -> None:
    archive = upload_dir / "u.zip"
    zipfile.ZipFile(archive, "w").close()
    with pytest.raises(UnreadableExtract) as caught:
        open_extract(archive)
    _assert_unreadable(caught, "N5V-INPUT-20")


def test_an_upload_over_the_archive_size_limit_is_unreadable(upload_dir: Path) -> None:
    archive = _zip(upload_dir / "u.zip", [("dokumenter/1.pdf", os.urandom(5000))])
    with pytest.raises(UnreadableExtract) as caught:
        open_extract(archive, Limits(max_archive_size=1000))
    _assert_unreadable(caught, "N5V-INPUT-24")


# --------------------------------------------------------------------------- zip surgery


def _central_records(data: bytes) -> Iterator[tuple[int, str]]:
    """(offset, name) of every central directory record."""
    pos = data.find(b"PK\x01\x02")
    while pos != -1:
        name_len = struct.unpack_from("<H", data, pos + 28)[0]
        yield pos, data[pos + 46 : pos + 46 + name_len].decode()
        pos = data.find(b"PK\x01\x02", pos + 46 + name_len)


def _patch_zip_size(archive: Path, name: str, size: int) -> None:
    """Make the headers of ``name`` declare ``size`` unpacked bytes (local and central)."""
    data = bytearray(archive.read_bytes())
    for pos, record_name in list(_central_records(bytes(data))):
        if record_name == name:
            struct.pack_into("<I", data, pos + 24, size)
            local = struct.unpack_from("<I", data, pos + 42)[0]
            struct.pack_into("<I", data, local + 22, size)
    archive.write_bytes(bytes(data))


def _set_zip_flag(archive: Path, name: str, flag: int) -> None:
    data = bytearray(archive.read_bytes())
    for pos, record_name in list(_central_records(bytes(data))):
        if record_name == name:
            flags = struct.unpack_from("<H", data, pos + 8)[0]
            struct.pack_into("<H", data, pos + 8, flags | flag)
    archive.write_bytes(bytes(data))


def _overlapping_zip(target: Path) -> Path:
    """A zip whose second central record points at the first entry's data (a non-recursive bomb trait)."""
    _zip(target, [])  # just the descriptor
    data = target.read_bytes()
    [(pos, _)] = list(_central_records(data))
    eocd = data.rfind(b"PK\x05\x06")
    record = data[pos:eocd]
    twin = record.replace(b"arkivuttrekk.xml", b"arkivuttrekk.xmm")
    cd_offset = pos
    new_eocd = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, 2, 2, len(record) * 2, cd_offset, 0)
    target.write_bytes(data[:pos] + record + twin + new_eocd)
    return target
