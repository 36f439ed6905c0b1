"""The check catalogue, the Arkade mapping and the report's JSON form."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tender.core.noark.checks import ARKADE_TESTS, CHECKS, arkade_coverage
from tender.core.noark.findings import Finding, Severity
from tender.core.noark.report import REPORT_FORMAT, REPORT_VERSION, Collector, ordered_results
from tender.core.noark.store import Store
from tender.core.noark.validator import validate_path

from .official import NOARK5, SAMPLES

DOC = Path(__file__).resolve().parents[3] / "docs" / "noark-report.md"


def test_every_arkade_test_listed_in_the_reference_is_known_and_covered() -> None:
    listed = set(
        re.findall(r"^\| (N5\.\d\d) \|", (NOARK5 / "arkade_tests.md").read_text(encoding="utf-8"), re.M)
    )
    assert listed == set(ARKADE_TESTS)
    coverage = arkade_coverage()
    assert [t for t, ours in coverage.items() if not ours] == []


def test_check_ids_are_stable_in_form_and_named_in_both_languages() -> None:
    for check_id, check in CHECKS.items():
        assert re.fullmatch(r"N5V-(INPUT|STRUCT|CONTENT|DOC|STAT)-\d\d", check_id)
        assert check.name_no and check.name_en


def test_every_check_is_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    for check_id in CHECKS:
        if not check_id.startswith(("N5V-INPUT", "N5V-STAT")):
            assert f"| {check_id} |" in text, check_id


def test_the_collector_counts_everything_but_keeps_only_the_first_instances() -> None:
    out = Collector(max_instances=2)
    for i in range(5):
        out.add(Finding("N5V-CONTENT-04", Severity.ERROR, f"nr {i}", f"no {i}", "arkivstruktur.xml", i))
    out.ran("N5V-CONTENT-05")
    [dup, uuid] = ordered_results(out)
    assert (dup.total, len(dup.findings), dup.omitted, dup.status) == (5, 2, 3, "fail")
    assert uuid.status == "pass"


def test_the_json_report_has_the_documented_shape() -> None:
    report = validate_path(SAMPLES / "kdrs_uttrekk1").to_json()
    json.dumps(report)  # serialisable as is
    assert report["format"] == REPORT_FORMAT and report["version"] == REPORT_VERSION
    assert set(report) == {
        "format",
        "version",
        "tool",
        "extract",
        "context",
        "started_at",
        "duration_seconds",
        "verdict",
        "checks",
        "statistics",
        "files",
        "arkade_coverage",
        "arkade_tests",
    }
    assert set(report["extract"]) == {
        "label",
        "addml",
        "stated_version",
        "noark_version",
        "version_basis",
        "bundled_version",
    }
    assert set(report["context"]) == {
        "addml",
        "record_creators",
        "system_name",
        "system_type",
        "archive",
        "archival_period",
        "period_separation",
        "counts",
    }
    assert set(report["context"]["counts"][0]) == {
        "source",
        "file",
        "element",
        "counted_as",
        "stated",
        "stated_raw",
        "found",
        "agrees",
    }
    check = next(c for c in report["checks"] if c["id"] == "N5V-DOC-01")
    assert set(check) >= {
        "id",
        "name_no",
        "name_en",
        "group",
        "arkade",
        "status",
        "counts",
        "omitted",
        "findings",
    }
    finding = check["findings"][0]
    assert set(finding) == {
        "check",
        "severity",
        "message_no",
        "message_en",
        "file",
        "line",
        "column",
        "element",
        "m_number",
        "unit",
        "arkade",
    }
    assert report["verdict"]["errors"] == sum(c["counts"]["error"] for c in report["checks"])


def test_the_store_finds_duplicates_and_references_that_point_nowhere() -> None:
    with Store() as store:
        store.add_id("a", 1, "mappe")
        store.add_id("b", 2, "arkivdel")
        store.add_id("a", 9, "registrering")
        store.add_ref("b", 3, "arkivdel", "referanseArkivdel", "arkivstruktur.xml")
        store.add_ref("a", 4, "arkivdel", "referanseArkivdel", "arkivstruktur.xml")  # a is no arkivdel
        store.add_ref("c", 5, "any", "referanseArkivenhet", "endringslogg.xml")
        assert list(store.duplicate_ids()) == [("a", 2, [1, 9], ["mappe", "registrering"])]
        assert [(v, line) for v, line, *_ in store.dangling_refs()] == [("a", 4), ("c", 5)]


def _drop_files_and_retire_first_mappe(root: Path) -> None:
    """Delete the first and the last document file; give the first saksmappe the status "Utgår"."""
    files = sorted((root / "dokumenter").iterdir())
    files[0].unlink()
    files[-1].unlink()
    xml = root / "arkivstruktur.xml"
    text = xml.read_text(encoding="utf-8")
    xml.write_text(
        text.replace("<saksstatus>Avsluttet</saksstatus>", "<saksstatus>Utgår</saksstatus>", 1),
        encoding="utf-8",
    )


def _missing_files(root: Path) -> list[str]:
    from tender.core.noark.validator import iter_findings

    return [f.message_en for f in iter_findings(validate_path(root)) if f.check == "N5V-DOC-01"]


def test_a_folder_with_status_utgaar_needs_no_files_and_the_folders_after_it_still_do(tmp_path: Path) -> None:
    from tests.noark_generator import generate_extract

    info = generate_extract(tmp_path / "x", 4, 2, dokumenter=True)
    last = sorted(p.name for p in (info.root / "dokumenter").iterdir())[-1]
    _drop_files_and_retire_first_mappe(info.root)
    missing = _missing_files(info.root)
    assert len(missing) == 1 and last in missing[0]


def test_status_utgaar_is_scoped_to_its_folder_in_a_file_without_line_breaks(tmp_path: Path) -> None:
    from tests.noark_generator import generate_extract

    info = generate_extract(tmp_path / "x", 4, 2, dokumenter=True)
    xml = info.root / "arkivstruktur.xml"
    xml.write_bytes(re.sub(rb">\s*\n\s*<", b"><", xml.read_bytes()))
    last = sorted(p.name for p in (info.root / "dokumenter").iterdir())[-1]
    _drop_files_and_retire_first_mappe(info.root)
    missing = _missing_files(info.root)
    assert len(missing) == 1 and last in missing[0]
