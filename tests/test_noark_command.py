"""``tender noark validate``: exit codes, JSON, PDF, and no tracebacks."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from tender.noark.commands import noark_group

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared" / "noark5"
SAMPLES = SHARED / "samples"
VALID = SAMPLES / "SYNTHETIC_v5_0_minimal"
INVALID = SAMPLES / "kdrs_uttrekk1"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(noark_group, ["validate", *args])
    return result.exit_code, result.stdout, result.stderr


def test_a_valid_extract_exits_0_and_says_so_in_norwegian() -> None:
    code, out, _err = run(str(VALID))
    assert code == 0
    assert out.rstrip().endswith("GYLDIG")


def test_an_invalid_extract_exits_1_and_lists_its_findings_by_arkade_test() -> None:
    code, out, _err = run(str(INVALID), "--lang", "en", "--first", "1")
    assert code == 1
    assert "  N5.32 Control of existence of referenced documents: FAILED (1 error)" in out
    assert "  N5.02 Validation of checksums: FAILED (7 errors)\n" in out
    assert "and 6 more" in out  # seven checksum errors: one shown, the rest counted
    # Arkade's order, then the checks Arkade does not have (the file sizes written as "87kB")
    assert out.index("N5.02 ") < out.index("N5.32 ") < out.index("CHECKS ARKADE DOES NOT HAVE")
    assert out.index("CHECKS ARKADE DOES NOT HAVE") < out.index("N5V-DOC-03 Document file sizes: FAILED")
    # checked as the v3.1 it carries (ADDML says 3.0), N5.03 passes: five tests fail
    assert "Arkade tests: 49 passed, 5 failed, 0 not run" in out
    assert out.rstrip().splitlines()[-1].startswith("INVALID:")


def test_json_output_is_the_documented_report() -> None:
    code, out, _err = run(str(INVALID), "--json")
    assert code == 1
    report = json.loads(out)
    assert report["format"] == "tender-noark-report" and report["version"] == 1
    assert report["verdict"]["valid"] is False
    ids = [c["id"] for c in report["checks"]]
    assert "N5V-STRUCT-04" in ids and "N5V-CONTENT-04" in ids
    assert report["arkade_coverage"]["N5.47"] == ["N5V-CONTENT-04"]


def test_pdf_is_written_with_a_unicode_font(tmp_path: Path) -> None:
    target = tmp_path / "rapport.pdf"
    code, _out, _err = run(str(INVALID), "--pdf", str(target))
    assert code == 1
    data = target.read_bytes()
    assert data.startswith(b"%PDF-")
    assert b"DejaVuSans" in data or b"Helvetica" in data


@pytest.mark.parametrize("content", [b"this is not an extract", b"PK\x03\x04broken zip"])
def test_unreadable_input_exits_2_without_a_traceback(tmp_path: Path, content: bytes) -> None:
    upload = tmp_path / "upload.bin"
    upload.write_bytes(content)
    code, out, err = run(str(upload))
    assert code == 2
    assert "Traceback" not in out + err
    assert err.strip()


def test_a_missing_path_exits_2() -> None:
    code, _out, err = run("/no/such/extract")
    assert code == 2
    assert "Finner ikke" in err


def test_a_usage_error_exits_2() -> None:
    result = CliRunner().invoke(noark_group, ["validate", "--no-such-option", str(VALID)])
    assert result.exit_code == 2


def test_schema_dir_validates_against_the_official_schemas_as_well(tmp_path: Path) -> None:
    extract = tmp_path / "extract"
    shutil.copytree(VALID, extract)
    xml = extract / "arkivstruktur.xml"
    xml.write_bytes(xml.read_bytes().replace(b"     <tittel>Sak 1</tittel>\n", b"", 1))
    code, out, _err = run(str(extract), "--json", "--schema-dir", str(SHARED / "xsd"))
    assert code == 1
    report = json.loads(out)
    [schema_check] = [c for c in report["checks"] if c["id"] == "N5V-STRUCT-06"]
    # the official schema agrees with ours, so its identical message is not reported twice
    assert schema_check["counts"]["error"] == 1
    assert not any("official schema" in f["message_en"] for f in schema_check["findings"])


def test_schema_dir_that_is_not_a_folder_exits_2(tmp_path: Path) -> None:
    code, _out, err = run(str(VALID), "--schema-dir", str(tmp_path / "missing"))
    assert code == 2 and "schema-dir" in err


def test_the_pdf_groups_by_severity_and_keeps_norwegian_characters() -> None:
    from tender.core.noark.validator import validate_path
    from tender.reports.noark_pdf import render_noark_pdf
    from tender.reports.spec_pdf import fonts

    report = validate_path(INVALID).to_json()
    pdf = render_noark_pdf(report, first_n=3, compress=False)
    assert pdf.startswith(b"%PDF-")
    if fonts().unicode:
        # the embedded font maps its glyphs back to æ ø å « » –: text search and copy work
        for code in (b"<00E6>", b"<00F8>", b"<00E5>", b"<00AB>", b"<00BB>", b"<2013>"):
            assert code in pdf
    else:
        for octal in (rb"\346", rb"\370", rb"\345", rb"\253", rb"\273"):  # Latin-1 in Helvetica strings
            assert octal in pdf


def test_the_text_report_says_why_the_extract_was_checked_against_its_version() -> None:
    # kdrs_uttrekk1 states 3.0 (no published schemas) and carries the official v3.1 schemas
    _code, out, _err = run(str(INVALID))
    assert "Oppgitt versjon: 3.0, kontrollert mot Noark 5 v3.1 (ut fra skjemaene uttrekket har med)" in out
    _code, out, _err = run(str(VALID), "--lang", "en")
    assert "checked against Noark 5 v5.0 (as arkivuttrekk.xml states and the extract's schemas are)" in out


def test_the_pdf_shows_the_context_the_reason_for_the_version_and_every_arkade_test() -> None:
    import subprocess

    from tender.core.noark.validator import validate_path
    from tender.reports.noark_pdf import render_noark_pdf

    pdf = render_noark_pdf(validate_path(INVALID).to_json(), first_n=3)
    text = subprocess.run(
        ["pdftotext", "-q", "-layout", "-", "-"], input=pdf, capture_output=True, timeout=60, check=True
    ).stdout.decode("utf-8")
    assert "Noark 5 v3.1 (ut fra skjemaene uttrekket har med)" in text
    assert "Uttrekkets kontekst (fra arkivuttrekk.xml)" in text and "Antall oppgitt mot funnet" in text
    assert "Arkade-tester (N5.01–N5.64)" in text
    tests = [line.split()[0] for line in text.splitlines() if line.strip().startswith("N5.")]
    assert tests[:3] == ["N5.01", "N5.02", "N5.03"] and "N5.64" in tests
    assert "Kontroller Arkade ikke har" in text and "N5V-DOC-03" in text
