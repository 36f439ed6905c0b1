"""Opening an extract from every kind of container: folder, zip, tar, tar.gz, DIAS tar, single XML."""

from __future__ import annotations

import hashlib
import io
import shutil
import tarfile
import zipfile
from pathlib import Path

import pytest

from tender.core.noark.findings import Severity
from tender.core.noark.source import (
    FIRST_BYTES,
    INPUT_CHECKS,
    ExtractSource,
    Limits,
    UnreadableExtract,
    locate_root,
    open_extract,
)

SAMPLES = Path(__file__).resolve().parents[3].parent / "shared" / "noark5" / "samples"
MINIMAL = SAMPLES / "SYNTHETIC_v5_0_minimal"
DIAS = SAMPLES / "arkade5_n5-eksempel_DIAS_tar"
DIAS_UUID = "258e3353-cef2-407f-92ac-264ad887527b"
MINIMAL_FILES = sorted(p.relative_to(MINIMAL).as_posix() for p in MINIMAL.rglob("*") if p.is_file())


def _hashlib_digests(folder: Path) -> dict[str, tuple[str, int, bytes]]:
    """What hashlib says about every file under ``folder``, read whole."""
    result = {}
    for p in folder.rglob("*"):
        if p.is_file():
            data = p.read_bytes()
            result[p.relative_to(folder).as_posix()] = (
                hashlib.sha256(data).hexdigest(),
                len(data),
                data[:FIRST_BYTES],
            )
    return result


def _zip_folder(folder: Path, target: Path, prefix: str = "") -> Path:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for p in sorted(folder.rglob("*")):
            if p.is_file():
                zf.write(p, prefix + p.relative_to(folder).as_posix())
    return target


def _tar_folder(folder: Path, target: Path, mode: str = "w", arcname: str = ".") -> Path:
    with tarfile.open(target, mode) as tf:
        tf.add(folder, arcname=arcname)
    return target


def _digests(source: ExtractSource) -> dict[str, tuple[str, int, bytes]]:
    return {
        path: (d.sha256, d.size, d.first_bytes) for path, d in source.hash_files(source.list_files()).items()
    }


@pytest.fixture(params=["folder", "zip", "tar", "tar.gz", "tar.bz2", "tar.xz", "zip-in-subfolder"])
def minimal_container(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    kind = request.param
    if kind == "folder":
        return shutil.copytree(MINIMAL, tmp_path / "uttrekk")
    if kind == "zip":
        return _zip_folder(MINIMAL, tmp_path / "uttrekk.zip")
    if kind == "zip-in-subfolder":
        return _zip_folder(MINIMAL, tmp_path / "uttrekk.zip", prefix="leveranse/uttrekk/")
    compression = {"tar": "", "tar.gz": "gz", "tar.bz2": "bz2", "tar.xz": "xz"}[kind]
    return _tar_folder(MINIMAL, tmp_path / f"uttrekk.{kind}", f"w:{compression}" if compression else "w")


def test_every_container_kind_lists_the_same_files(minimal_container: Path) -> None:
    with open_extract(minimal_container) as source:
        assert source.list_files() == MINIMAL_FILES


def test_every_container_kind_hashes_like_hashlib_over_the_files(minimal_container: Path) -> None:
    with open_extract(minimal_container) as source:
        assert _digests(source) == _hashlib_digests(MINIMAL)


def test_every_container_kind_streams_each_file_byte_for_byte(minimal_container: Path) -> None:
    with open_extract(minimal_container) as source:
        for relpath in source.list_files():
            with source.open(relpath) as stream:
                assert stream.read() == (MINIMAL / relpath).read_bytes()
            assert source.size(relpath) == (MINIMAL / relpath).stat().st_size


def test_an_ordinary_extract_has_no_input_findings(minimal_container: Path) -> None:
    with open_extract(minimal_container) as source:
        assert source.findings == []
        assert not source.is_dias


def test_bytes_total_is_the_sum_of_the_file_sizes(minimal_container: Path) -> None:
    with open_extract(minimal_container) as source:
        assert source.bytes_total() == sum((MINIMAL / p).stat().st_size for p in MINIMAL_FILES)


def test_the_container_kind_is_recognised_from_content_not_the_file_name(tmp_path: Path) -> None:
    misnamed = _tar_folder(MINIMAL, tmp_path / "uttrekk.zip", "w:gz")
    with open_extract(misnamed) as source:
        assert source.kind == "tar"
        assert source.list_files() == MINIMAL_FILES


def test_a_folder_inside_a_zip_becomes_the_root_and_is_named_in_the_label(tmp_path: Path) -> None:
    archive = _zip_folder(MINIMAL, tmp_path / "leveranse.zip", prefix="a/b/")
    with open_extract(archive) as source:
        assert source.root == "a/b"
        assert source.root_label == "leveranse.zip:a/b"


# --------------------------------------------------------------------------- DIAS


@pytest.fixture
def dias_tar(tmp_path: Path) -> Path:
    return _tar_folder(DIAS / DIAS_UUID, tmp_path / "n5-guid.tar", arcname=DIAS_UUID)


def test_a_dias_tar_is_recognised_and_its_content_folder_is_the_root(dias_tar: Path) -> None:
    with open_extract(dias_tar) as source:
        assert source.is_dias
        assert source.root == f"{DIAS_UUID}/content"
        assert source.root_label == f"n5-guid.tar:{DIAS_UUID}/content"
        assert "arkivuttrekk.xml" in source.list_files()
        assert "dokumenter/5000000.pdf" in source.list_files()


def test_a_dias_tar_lists_only_the_extract_not_the_package_files(dias_tar: Path) -> None:
    with open_extract(dias_tar) as source:
        assert not any(p.startswith(("administrative_metadata", "dias-mets")) for p in source.list_files())
        assert [f.check for f in source.findings] == ["N5V-INPUT-11"]
        assert source.findings[0].severity is Severity.INFO


def test_a_dias_tar_hashes_its_content_like_hashlib(dias_tar: Path) -> None:
    with open_extract(dias_tar) as source:
        assert _digests(source) == _hashlib_digests(DIAS / DIAS_UUID / "content")


def test_a_gzipped_dias_tar_with_a_leading_dot_folder_is_recognised(tmp_path: Path) -> None:
    archive = _tar_folder(DIAS / DIAS_UUID, tmp_path / "pakke.tar.gz", "w:gz", arcname=f"./{DIAS_UUID}")
    with open_extract(archive) as source:
        assert source.is_dias
        assert source.root == f"{DIAS_UUID}/content"


def test_a_dias_package_with_only_addml_in_administrative_metadata_uses_the_content_folder() -> None:
    paths = ["u/administrative_metadata/addml.xml", "u/content/dokumenter/1.pdf", "u/dias-mets.xml"]
    root, is_dias, _ = locate_root(paths)
    assert (root, is_dias) == ("u/content", True)


def test_an_extract_with_addml_in_administrative_metadata_and_arkivuttrekk_at_the_top_uses_the_top() -> None:
    paths = ["arkivuttrekk.xml", "arkivstruktur.xml", "administrative_metadata/addml.xml"]
    assert locate_root(paths) == ("", False, [])


def test_the_shallowest_arkivuttrekk_wins_and_the_others_are_reported() -> None:
    paths = ["x/arkivuttrekk.xml", "x/dokumenter/gammel/arkivuttrekk.xml"]
    root, _, findings = locate_root(paths)
    assert root == "x"
    assert any(f.check == "N5V-INPUT-10" and f.severity is Severity.WARNING for f in findings)


def test_without_arkivuttrekk_the_folder_holding_arkivstruktur_is_the_root() -> None:
    root, _, _ = locate_root(["pakke/data/arkivstruktur.xml", "pakke/data/dokumenter/1.pdf"])
    assert root == "pakke/data"


def test_a_wrongly_cased_arkivuttrekk_is_still_found() -> None:
    root, _, _ = locate_root(["u/Arkivuttrekk.xml"])
    assert root == "u"


def test_a_container_without_any_noark_descriptor_gets_an_error_finding(tmp_path: Path) -> None:
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "notat.txt").write_text("hei")
    with open_extract(tmp_path / "x") as source:
        assert [(f.check, f.severity) for f in source.findings] == [("N5V-INPUT-10", Severity.ERROR)]
        assert source.list_files() == ["notat.txt"]


def test_files_next_to_a_nested_extract_are_reported_as_outside_it(tmp_path: Path) -> None:
    archive = _zip_folder(MINIMAL, tmp_path / "u.zip", prefix="uttrekk/")
    with zipfile.ZipFile(archive, "a") as zf:
        zf.writestr("__MACOSX/._arkivstruktur.xml", b"x")
    with open_extract(archive) as source:
        [finding] = source.findings
        assert finding.check == "N5V-INPUT-11"
        assert finding.severity is Severity.WARNING
        assert "__MACOSX/._arkivstruktur.xml" in finding.message_en


# --------------------------------------------------------------------------- single XML


def test_a_single_xml_file_is_an_extract_of_that_one_file(tmp_path: Path) -> None:
    xml = shutil.copy(MINIMAL / "arkivstruktur.xml", tmp_path / "arkivstruktur.xml")
    with open_extract(Path(xml)) as source:
        assert source.kind == "xml"
        assert source.list_files() == ["arkivstruktur.xml"]
        assert source.findings == []
        digest = source.hash_files(["arkivstruktur.xml"])["arkivstruktur.xml"]
        assert digest.sha256 == hashlib.sha256((MINIMAL / "arkivstruktur.xml").read_bytes()).hexdigest()


def test_a_single_xml_file_with_a_byte_order_mark_is_recognised(tmp_path: Path) -> None:
    xml = tmp_path / "arkivuttrekk.xml"
    xml.write_bytes(b"\xef\xbb\xbf<?xml version='1.0'?><addml/>")
    with open_extract(xml) as source:
        assert source.kind == "xml"


# --------------------------------------------------------------------------- hashing details


def test_hashing_skips_unknown_paths_so_the_caller_can_report_them_missing(tmp_path: Path) -> None:
    with open_extract(_tar_folder(MINIMAL, tmp_path / "u.tar")) as source:
        result = source.hash_files(["dokumenter/1.pdf", "dokumenter/finnes-ikke.pdf"])
        assert set(result) == {"dokumenter/1.pdf"}
        assert source.findings == []


def test_hashing_reports_progress_up_to_the_bytes_read(tmp_path: Path) -> None:
    seen: list[int] = []
    with open_extract(_zip_folder(MINIMAL, tmp_path / "u.zip")) as source:
        source.hash_files(source.list_files(), progress=seen.append)
        assert seen == sorted(seen)
        assert seen[-1] == source.bytes_total()


def test_digests_come_one_at_a_time_while_the_container_is_read(minimal_container: Path) -> None:
    # nothing is collected per file: the first digest arrives before the rest of the extract is read
    seen: list[int] = []
    with open_extract(minimal_container) as source:
        files = source.list_files()
        digests = source.iter_digests(files, progress=seen.append)
        path, first = next(digests)
        assert path in files and first.sha256 == hashlib.sha256((MINIMAL / path).read_bytes()).hexdigest()
        assert seen[-1] < source.bytes_total()
        rest = dict(digests)
        assert len(rest) == len(files) - 1 and seen[-1] == source.bytes_total()


def test_hashing_a_subset_of_a_tar_reads_only_those_members(tmp_path: Path) -> None:
    with open_extract(_tar_folder(MINIMAL, tmp_path / "u.tar.gz", "w:gz")) as source:
        wanted = ["endringslogg.xml", "dokumenter/3.pdf", "arkivstruktur.xml"]
        result = source.hash_files(wanted)
        assert {p: d.sha256 for p, d in result.items()} == {
            p: hashlib.sha256((MINIMAL / p).read_bytes()).hexdigest() for p in wanted
        }


def test_an_empty_file_hashes_to_the_sha256_of_nothing(tmp_path: Path) -> None:
    archive = tmp_path / "u.tar"
    with tarfile.open(archive, "w") as tf:
        info = tarfile.TarInfo("arkivuttrekk.xml")
        tf.addfile(info, io.BytesIO(b""))
    with open_extract(archive) as source:
        digest = source.hash_files(["arkivuttrekk.xml"])["arkivuttrekk.xml"]
        assert (digest.sha256, digest.size, digest.first_bytes) == (hashlib.sha256(b"").hexdigest(), 0, b"")


def test_several_files_can_be_open_at_once(tmp_path: Path) -> None:
    with open_extract(_tar_folder(MINIMAL, tmp_path / "u.tar.gz", "w:gz")) as source:
        with source.open("arkivstruktur.xml") as a, source.open("arkivuttrekk.xml") as b:
            a_head, b_head = a.read(10), b.read(10)
            assert a.read() == (MINIMAL / "arkivstruktur.xml").read_bytes()[10:]
        assert a_head == b_head == b"<?xml vers"


def test_a_closed_source_refuses_to_read(tmp_path: Path) -> None:
    source = open_extract(_zip_folder(MINIMAL, tmp_path / "u.zip"))
    source.close()
    with pytest.raises(ValueError):
        source.open("arkivstruktur.xml")


def test_unreadable_extract_can_be_reported_as_an_error_finding(tmp_path: Path) -> None:
    with pytest.raises(UnreadableExtract) as caught:
        open_extract(tmp_path / "finnes-ikke.zip")
    finding = caught.value.as_finding()
    assert finding.severity is Severity.ERROR
    assert finding.check in INPUT_CHECKS
    assert "finnes-ikke.zip" in finding.message_no


def test_limits_have_documented_defaults() -> None:
    limits = Limits()
    assert limits.max_total_unpacked == 20 * 1024**3
    assert limits.max_ratio == 200
    assert limits.max_entries == 1_000_000
    assert Limits(max_entries=5).max_entries == 5
