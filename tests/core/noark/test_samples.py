"""Every reference sample gets the schema verdict the official schemas give, and the findings its
SOURCE.txt describes."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
from lxml import etree

from tender.core.noark.findings import Severity
from tender.core.noark.report import Report
from tender.core.noark.validator import validate_path

from .official import SAMPLES, official_schema_for_sample, schema_version_for

SAMPLE_DIRS = sorted(p for p in SAMPLES.iterdir() if p.is_dir())
XML_ROLES = ("arkivstruktur", "endringslogg", "loependeJournal", "offentligJournal")


def extract_root(sample: Path) -> Path:
    """The folder holding arkivuttrekk.xml (the sample itself, content/, n5uttrekk/, <uuid>/content/)."""
    for candidate in (
        sample,
        sample / "content",
        *sorted(sample.glob("*/")),
        *sorted(sample.glob("*/content/")),
    ):
        if (candidate / "arkivuttrekk.xml").is_file() and candidate.name != "administrative_metadata":
            return candidate
    raise AssertionError(f"no arkivuttrekk.xml in {sample}")


@cache
def report_for(sample: Path) -> Report:
    return validate_path(sample)


def _errors(report: Report, check: str) -> list[tuple[str | None, int | None, str]]:
    return [(f.file, f.line, f.message_en) for f in report.findings(check) if f.severity is Severity.ERROR]


def _schema_lines(report: Report, file: str) -> set[int | None]:
    return {f.line for c in ("N5V-STRUCT-05", "N5V-STRUCT-06") for f in report.findings(c) if f.file == file}


@pytest.mark.parametrize("sample", SAMPLE_DIRS, ids=lambda p: p.name)
def test_each_xml_file_of_each_sample_gets_the_official_schema_verdict(sample: Path, tmp_path: Path) -> None:
    root = extract_root(sample)
    version = schema_version_for(root / "arkivuttrekk.xml")
    report = report_for(sample)
    assert report.noark_version == version
    checked = 0
    for role in XML_ROLES:
        xml = root / f"{role}.xml"
        if not xml.is_file():
            continue
        schema = official_schema_for_sample(version, role, root, tmp_path)
        official_valid = schema.validate(etree.parse(str(xml)))
        official_lines = {e.line for e in schema.error_log}
        ours = _schema_lines(report, f"{role}.xml")
        assert (not ours) == official_valid, (
            role,
            sorted(official_lines),
            sorted(line or 0 for line in ours),
        )
        assert ours == official_lines
        checked += 1
    assert checked >= 1


@pytest.mark.parametrize("sample", SAMPLE_DIRS, ids=lambda p: p.name)
def test_each_arkivuttrekk_gets_the_official_addml_verdict(sample: Path) -> None:
    from .official import official_xmlschema

    root = extract_root(sample)
    schema = official_xmlschema("8.3", "addml")
    official_valid = schema.validate(etree.parse(str(root / "arkivuttrekk.xml")))
    assert (not _schema_lines(report_for(sample), "arkivuttrekk.xml")) == official_valid


def test_the_synthetic_v5_sample_is_valid_with_no_error_or_warning() -> None:
    report = report_for(SAMPLES / "SYNTHETIC_v5_0_minimal")
    assert report.valid
    assert report.count(Severity.ERROR) == 0
    assert report.count(Severity.WARNING) == 0
    assert report.noark_version == "5.0"
    # the status as the JSON report (what the web page and the CLI show) gives it
    statuses = {c["id"]: c["status"] for c in report.to_json()["checks"]}
    for check in (
        "N5V-STRUCT-04",
        "N5V-CONTENT-01",
        "N5V-CONTENT-02",
        "N5V-STRUCT-09",
        "N5V-DOC-01",
        "N5V-DOC-02",
    ):
        assert statuses.get(check) == "pass", check
    assert report.statistics["arkivstruktur"]["levels"]["mappe"] == 3


def test_small_has_correct_checksums_counts_and_two_document_files() -> None:
    report = report_for(SAMPLES / "arkade5_Small")
    for check in (
        "N5V-STRUCT-04",
        "N5V-CONTENT-01",
        "N5V-CONTENT-02",
        "N5V-STRUCT-09",
        "N5V-DOC-01",
        "N5V-DOC-02",
        "N5V-DOC-03",
        "N5V-DOC-05",
    ):
        assert _errors(report, check) == [], check
    assert report.statistics["documents"]["files"] == 2


def test_structure_checksums_correct_passes_the_checksum_check_but_not_the_counts() -> None:
    report = report_for(SAMPLES / "arkade5_StructureChecksums_correct")
    assert _errors(report, "N5V-STRUCT-04") == []
    checksummed = [
        f for f in report.files if f.path.endswith((".xml", ".xsd")) and f.path != "arkivuttrekk.xml"
    ]
    assert len(checksummed) == 9  # Arkade's N5.02 test expects nine successful checksum results
    assert [m for _f, _l, m in _errors(report, "N5V-CONTENT-01")] == [
        "arkivuttrekk.xml states 20000 mappe in arkivstruktur.xml, but the file has 1."
    ]
    assert "100000 registrering" in _errors(report, "N5V-CONTENT-02")[0][2]
    assert "100000 document files" in _errors(report, "N5V-STRUCT-09")[0][2]


def test_structure_checksums_errors_has_exactly_one_checksum_error() -> None:
    report = report_for(SAMPLES / "arkade5_StructureChecksums_errors_INVALID")
    errors = _errors(report, "N5V-STRUCT-04")
    assert len(errors) == 1
    assert "arkivstruktur.xml" in errors[0][2]


def test_structure_validation_correct_has_no_documents_folder_and_one_duplicated_system_id() -> None:
    report = report_for(SAMPLES / "arkade5_StructureValidation_correct")
    assert len(_errors(report, "N5V-CONTENT-04")) == 1
    assert _errors(report, "N5V-DOC-08")


def test_structure_validation_error_has_its_five_schema_errors_and_a_checksum_mismatch() -> None:
    report = report_for(SAMPLES / "arkade5_StructureValidation_error_INVALID")
    lines = sorted(line for _f, line, _m in _errors(report, "N5V-STRUCT-06"))
    assert lines == [14, 107, 138, 203, 227]
    first = report.findings("N5V-STRUCT-06")[0]
    assert first.element == "arkivskaperNavn" and first.m_number == "M023"
    assert "arkivskaper" in first.message_no
    assert len(_errors(report, "N5V-STRUCT-04")) == 1


def test_custom_vsm_is_valid_with_its_own_vsm_schema() -> None:
    report = report_for(SAMPLES / "arkade5_StructureValidation_custom_VSM")
    assert _schema_lines(report, "arkivstruktur.xml") == set()
    assert _errors(report, "N5V-STRUCT-10") == []


def test_custom_vsm_error_points_at_the_element_vsmd_does_not_allow() -> None:
    report = report_for(SAMPLES / "arkade5_StructureValidation_customError_VSM_INVALID")
    [finding] = report.findings("N5V-STRUCT-06")
    assert finding.line == 89
    assert "felt5" in finding.message_no and "felt4" in finding.message_no


def test_cli_archive_reports_the_second_system_id_as_schema_error_and_duplicate() -> None:
    report = report_for(SAMPLES / "arkade5_CLI_N5-archive")
    assert [line for _f, line, _m in _errors(report, "N5V-STRUCT-06")] == [4]
    [dup] = _errors(report, "N5V-CONTENT-04")
    assert "lines 3, 4" in dup[2]


def test_dias_package_is_read_under_content_with_its_checksum_and_count_mismatch() -> None:
    report = report_for(SAMPLES / "arkade5_n5-eksempel_DIAS_tar")
    assert report.extract.endswith("content")
    assert len(_errors(report, "N5V-STRUCT-04")) == 1
    assert "3 registrering" in _errors(report, "N5V-CONTENT-02")[0][2]


def test_kdrs_uttrekk1_has_all_the_problems_its_source_describes() -> None:
    report = report_for(SAMPLES / "kdrs_uttrekk1")
    checksum_files = {m.split(" of ")[1].split(" does")[0] for _f, _l, m in _errors(report, "N5V-STRUCT-04")}
    assert {"arkivstruktur.xml", "offentligJournal.xml"} <= checksum_files
    [missing] = _errors(report, "N5V-DOC-01")
    assert "c902c6.pdf" in missing[2]
    [unreferenced] = _errors(report, "N5V-DOC-05")
    assert "c802c6.pdf" in unreferenced[2]
    assert len(_errors(report, "N5V-DOC-02")) == 1
    sizes = [m for _f, _l, m in _errors(report, "N5V-DOC-03")]
    assert any("'87kB'" in m for m in sizes) and any("'87 kB'" in m for m in sizes)
    assert len(_errors(report, "N5V-CONTENT-04")) == 1


def test_kdrs_uttrekk2_has_count_mismatches_and_three_duplicated_system_ids() -> None:
    report = report_for(SAMPLES / "kdrs_uttrekk2")
    assert "states 2 mappe" in _errors(report, "N5V-CONTENT-01")[0][2]
    assert "states 4 registrering" in _errors(report, "N5V-CONTENT-02")[0][2]
    assert len(_errors(report, "N5V-CONTENT-04")) == 3
    assert _errors(report, "N5V-DOC-01") and _errors(report, "N5V-DOC-05") and _errors(report, "N5V-DOC-02")
    assert not report.valid


def test_version5_5_sample_states_5_0_and_is_checked_against_v5() -> None:
    report = report_for(SAMPLES / "arkade5_Version5_5")
    assert report.stated_version == "5.0" and report.noark_version == "5.0"
    assert not report.valid


def test_a_stated_version_we_do_not_know_is_a_finding_and_v5_is_used() -> None:
    report = report_for(SAMPLES / "kdrs_uttrekk1")
    assert report.stated_version == "3.0" and report.noark_version == "5.0"
    [warning] = [f for f in report.findings("N5V-STRUCT-02") if f.severity is Severity.WARNING]
    assert "'3.0'" in warning.message_en
