"""Which Noark 5 version an extract is checked against: the ADDML statement and the schemas the extract
carries, recognised by content. Every combination of a stated version (known, unknown, missing) and the
bundled arkivstruktur.xsd (none, the official one of the stated version, the official one of another
version, a variant of no official schema), first as the decision alone, then through a whole validation
of Arkade's Small extract (v3.1 data, valid against the official v3.1 and v4.0 schemas)."""

from __future__ import annotations

import re
import shutil
from collections import Counter
from pathlib import Path

import pytest

from tender.core.noark.addml import decide_version
from tender.core.noark.findings import Finding, Severity
from tender.core.noark.report import Report
from tender.core.noark.validator import validate_path
from tests.noark_generator import GeneratedExtract, generate_extract

from .official import SAMPLES, official_path

NONE: frozenset[str] | None = None
VARIANT: frozenset[str] = frozenset()  # bundled, but the content of no official schema


@pytest.mark.parametrize(
    ("stated", "bundled", "version", "basis", "contradiction"),
    [
        # a known stated version
        ("3.1", NONE, "3.1", "stated", False),
        ("3.1", frozenset({"3.1"}), "3.1", "stated_and_bundled", False),
        ("3.1", frozenset({"4.0"}), "4.0", "bundled", True),
        ("3.1", VARIANT, "3.1", "stated", False),
        ("5.5", frozenset({"5.0"}), "5.0", "stated_and_bundled", False),
        ("5.5", frozenset({"3.1"}), "3.1", "bundled", True),
        # a version with no published schemas (v3.0 was replaced by v3.1 in 2013, which is used without
        # bundled schemas: it only made two elements optional)
        ("3.0", NONE, "5.0", "default", False),
        ("3.0", frozenset({"3.1"}), "3.1", "bundled", False),
        ("3.0", frozenset({"4.0"}), "4.0", "bundled", False),
        ("3.0", VARIANT, "5.0", "default", False),
        # no version stated (or an empty one)
        (None, NONE, "5.0", "default", False),
        (None, frozenset({"3.1"}), "3.1", "bundled", False),
        (None, frozenset({"4.0"}), "4.0", "bundled", False),
        (None, VARIANT, "5.0", "default", False),
        ("", frozenset({"4.0"}), "4.0", "bundled", False),
        # a schema identical in two versions: the stated one if it is one of them, else the newest
        ("3.1", frozenset({"3.1", "4.0"}), "3.1", "stated_and_bundled", False),
        ("3.0", frozenset({"3.1", "4.0"}), "4.0", "bundled", False),
    ],
)
def test_the_bundled_official_schemas_decide_the_version_and_the_statement_only_without_them(
    stated: str | None, bundled: frozenset[str] | None, version: str, basis: str, contradiction: bool
) -> None:
    decision = decide_version(stated, bundled)
    assert (decision.version, decision.basis, decision.contradiction) == (version, basis, contradiction)
    assert decision.stated == stated
    assert decision.bundled == (version if basis in ("bundled", "stated_and_bundled") else None)


# --------------------------------------------------------------------------- through a whole validation

SMALL = SAMPLES / "arkade5_Small"
_VERSION = re.compile(rb'(<property name="version">\s*<value>)3\.1(</value>)')
_VERSION_PROPERTY = re.compile(
    rb'<properties>\s*<property name="version">\s*<value>3\.1</value>\s*'
    rb"</property>\s*</properties>"
)


def small_with(tmp_path: Path, stated: str | None, bundled: str) -> Path:
    """Arkade's Small extract stating ``stated`` (None: no version property) and carrying as its
    arkivstruktur.xsd ``bundled``: "none", "official 3.1", "official 4.0", "official 5.0" or "variant"
    (with "none" and "variant" without its metadatakatalog.xsd either)."""
    root = tmp_path / "extract"
    shutil.copytree(SMALL, root)
    addml = (root / "arkivuttrekk.xml").read_bytes()
    assert len(_VERSION.findall(addml)) == 1  # only info/type/version says 3.1 (the others say 1.0)
    if stated is None:
        addml, n = _VERSION_PROPERTY.subn(b"", addml, count=1)
    else:
        addml, n = _VERSION.subn(rb"\g<1>" + stated.encode() + rb"\g<2>", addml, count=1)
    assert n == 1
    (root / "arkivuttrekk.xml").write_bytes(addml)
    xsd = root / "arkivstruktur.xsd"
    if bundled in ("none", "variant"):
        # Small also carries the official v3.1 metadatakatalog.xsd, which would tell the version
        (root / "metadatakatalog.xsd").unlink()
    if bundled == "none":
        xsd.unlink()
    elif bundled.startswith("official "):
        xsd.write_bytes(official_path(bundled.removeprefix("official "), "arkivstruktur").read_bytes())
    else:
        assert bundled == "variant"
        # the official v3.1 schema with a folder's title made optional: a variant of no official schema
        data = official_path("3.1", "arkivstruktur").read_bytes()
        pattern = rb'(<xs:complexType name="mappe">.*?<xs:element name="tittel" type="n5mdk:tittel")/>'
        data, n = re.subn(pattern, rb'\g<1> minOccurs="0"/>', data, count=1, flags=re.DOTALL)
        assert n == 1
        xsd.write_bytes(data)
    return root


def version_findings(report: Report, severity: Severity) -> list[Finding]:
    return [f for f in report.findings("N5V-STRUCT-02") if f.severity is severity]


def schema_errors(report: Report) -> list[Finding]:
    return [f for f in report.findings("N5V-STRUCT-06") if f.file == "arkivstruktur.xml"]


@pytest.mark.parametrize(
    ("stated", "bundled", "version", "basis", "severity"),
    [
        ("3.1", "none", "3.1", "stated", Severity.INFO),
        ("3.1", "official 3.1", "3.1", "stated_and_bundled", Severity.INFO),
        ("3.1", "official 4.0", "4.0", "bundled", Severity.ERROR),
        ("3.1", "variant", "3.1", "stated", Severity.INFO),
        ("3.0", "none", "3.1", "data", Severity.WARNING),
        ("3.0", "official 3.1", "3.1", "bundled", Severity.WARNING),
        ("3.0", "official 4.0", "4.0", "bundled", Severity.WARNING),
        ("3.0", "variant", "3.1", "data", Severity.WARNING),
        (None, "none", "3.1", "data", Severity.WARNING),
        (None, "official 3.1", "3.1", "bundled", Severity.WARNING),
        (None, "official 4.0", "4.0", "bundled", Severity.WARNING),
        (None, "variant", "3.1", "data", Severity.WARNING),
    ],
)
def test_an_extract_is_checked_against_the_official_schemas_it_carries_and_the_report_says_why(
    tmp_path: Path, stated: str | None, bundled: str, version: str, basis: str, severity: Severity
) -> None:
    report = validate_path(small_with(tmp_path, stated, bundled))
    assert report.stated_version == stated
    assert (report.noark_version, report.version_basis) == (version, basis)
    extract = report.to_json()["extract"]
    assert (extract["noark_version"], extract["version_basis"]) == (version, basis)
    assert extract["bundled_version"] == (version if basis in ("bundled", "stated_and_bundled") else None)
    [finding] = [f for f in report.findings("N5V-STRUCT-02") if f.severity is severity]
    assert finding.file == "arkivuttrekk.xml" and finding.line is not None
    assert f"v{version}" in finding.message_no and f"v{version}" in finding.message_en
    # Small's data are valid v3.1 and v4.0, not v5.0: the right version gives no schema error
    assert (schema_errors(report) == []) == (version != "5.0")
    variant_errors = [f for f in report.findings("N5V-STRUCT-07") if f.severity is Severity.ERROR]
    assert [f.file for f in variant_errors] == (["arkivstruktur.xsd"] if bundled == "variant" else [])


def test_a_version_without_published_schemas_is_a_warning_that_names_it_and_the_schemas_used(
    tmp_path: Path,
) -> None:
    report = validate_path(small_with(tmp_path, "3.0", "official 3.1"))
    [warning] = version_findings(report, Severity.WARNING)
    assert "«3.0»" in warning.message_no and "offisielle skjemaet for Noark 5 v3.1" in warning.message_no
    assert "'3.0'" in warning.message_en and "official Noark 5 v3.1 schema" in warning.message_en
    assert version_findings(report, Severity.ERROR) == []
    # nothing else is wrong with the schema: it is the one the extract is checked against
    assert [f for f in report.findings("N5V-STRUCT-07") if f.file == "arkivstruktur.xsd"] == []


def test_a_stated_version_the_bundled_schemas_contradict_is_an_error_naming_both(tmp_path: Path) -> None:
    report = validate_path(small_with(tmp_path, "3.1", "official 4.0"))
    [error] = version_findings(report, Severity.ERROR)
    assert "versjon 3.1" in error.message_no and "v4.0" in error.message_no
    assert "version 3.1" in error.message_en and "v4.0" in error.message_en
    assert not report.valid


def test_without_a_version_or_schemas_the_data_decide_and_the_warning_says_so(tmp_path: Path) -> None:
    # Small's data are v3.1: its start breaks the v5.0 schema in many places and the v3.1 schema in none
    report = validate_path(small_with(tmp_path, None, "none"))
    assert (report.noark_version, report.version_basis) == ("3.1", "data")
    [warning] = version_findings(report, Severity.WARNING)
    assert "oppgir ikke Noark-versjon" in warning.message_no and "mot v3.1" in warning.message_no
    assert "passer med skjemaet for v3.1 (0 skjemafeil mot" in warning.message_no
    assert "no official schema we recognise" in warning.message_en
    assert schema_errors(report) == []


def test_v5_data_stating_3_0_without_schemas_stay_v5(tmp_path: Path) -> None:
    info = generate_extract(tmp_path / "x", 4, 2, seed=3, errors={"unknown_addml_version"})
    report = validate_path(info.root)
    assert (report.noark_version, report.version_basis) == ("5.0", "default")
    assert schema_errors(report) == []


def test_a_schema_with_the_official_content_in_another_layout_is_recognised(tmp_path: Path) -> None:
    root = small_with(tmp_path, "3.0", "official 4.0")
    xsd = root / "arkivstruktur.xsd"
    # other line endings and an added comment: not byte-identical, the same declarations
    text = xsd.read_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    text = text.replace(b"<xs:complexType", b"<!-- omskrevet -->\r\n<xs:complexType", 1)
    xsd.write_bytes(text)
    report = validate_path(root)
    assert (report.noark_version, report.version_basis, report.bundled_version) == ("4.0", "bundled", "4.0")
    assert schema_errors(report) == []


@pytest.mark.parametrize(
    "content",
    [b"not xml at all", b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>', b""],
    ids=["garbage", "entities", "empty"],
)
def test_a_bundled_schema_that_is_no_schema_is_not_recognised_and_reported_once(
    tmp_path: Path, content: bytes
) -> None:
    root = small_with(tmp_path, "3.0", "variant")
    (root / "arkivstruktur.xsd").write_bytes(content)
    report = validate_path(root)
    assert (report.noark_version, report.version_basis, report.bundled_version) == ("3.1", "data", None)
    assert [f.file for f in report.findings("N5V-STRUCT-07")] == ["arkivstruktur.xsd"]
    [warning] = version_findings(report, Severity.WARNING)
    assert "no official schema we recognise" in warning.message_en


def test_without_a_recognised_arkivstruktur_xsd_the_official_metadatakatalog_xsd_tells_the_version(
    tmp_path: Path,
) -> None:
    root = small_with(tmp_path, "3.0", "variant")
    shutil.copyfile(official_path("3.1", "metadatakatalog"), root / "metadatakatalog.xsd")
    report = validate_path(root)
    assert (report.noark_version, report.version_basis, report.bundled_version) == ("3.1", "bundled", "3.1")
    [warning] = version_findings(report, Severity.WARNING)
    assert "metadatakatalog.xsd" in warning.message_no and "v3.1" in warning.message_no
    assert schema_errors(report) == []
    # the variant arkivstruktur.xsd is still an error of its own
    assert [f.file for f in report.findings("N5V-STRUCT-07") if f.severity is Severity.ERROR] == [
        "arkivstruktur.xsd"
    ]


def test_an_empty_version_counts_as_none_stated(tmp_path: Path) -> None:
    report = validate_path(small_with(tmp_path, " ", "official 3.1"))
    assert (report.noark_version, report.version_basis) == ("3.1", "bundled")
    [warning] = version_findings(report, Severity.WARNING)
    assert "oppgir ikke Noark-versjon" in warning.message_no and "«" not in warning.message_no


# --------------------------------------------------------------------------- generated extracts

XSD = SAMPLES.parent / "xsd"


@pytest.mark.parametrize("bundled", [True, False], ids=["with its v5.0 schemas", "without schemas"])
def test_a_generated_extract_stating_3_0_gets_the_one_warning_and_is_otherwise_what_it_was(
    tmp_path: Path, bundled: bool
) -> None:
    schemas = {"schema_dir": XSD / "v5.0", "addml_xsd": XSD / "addml" / "addml_v8.3.xsd"} if bundled else {}

    def generate(name: str, errors: set[str]) -> GeneratedExtract:
        return generate_extract(tmp_path / name, 4, 2, seed=3, journaler=True, errors=errors, **schemas)  # type: ignore[arg-type]

    clean = validate_path(generate("clean", set()).root)
    info = generate("planted", {"unknown_addml_version"})
    planted = validate_path(info.root)
    basis = "stated_and_bundled" if bundled else "stated"
    assert (clean.noark_version, clean.version_basis) == ("5.0", basis)
    assert version_findings(clean, Severity.WARNING) == []
    assert (planted.noark_version, planted.version_basis) == ("5.0", "bundled" if bundled else "default")
    [warning] = version_findings(planted, Severity.WARNING)
    assert warning.file == info.planted["unknown_addml_version"].file and "«3.0»" in warning.message_no

    # nothing else changes: the same errors, and the same warnings but this one
    def others(report: Report) -> Counter[tuple[str, str | None, int | None, str]]:
        return Counter(
            (f.check, f.file, f.line, f.severity.value)
            for f in report.findings()
            if f.severity is not Severity.INFO and f.check != "N5V-STRUCT-02"
        )

    assert others(planted) == others(clean)
    assert clean.valid == planted.valid
    # with its official schemas the generated extract is valid: the warning does not make it invalid
    assert planted.valid or not bundled


def test_the_probe_takes_the_version_broken_least_and_on_a_tie_the_successor_then_v5() -> None:
    from tender.core.noark.addml import probe_choice

    assert probe_choice(None, {"3.1": 0, "4.0": 2, "5.0": 24}) == "3.1"
    assert probe_choice("3.0", {"3.1": 5, "4.0": 5, "5.0": 0}) == "5.0"
    assert probe_choice("3.0", {"3.1": 0, "4.0": 0, "5.0": 0}) == "3.1"  # 3.0 was replaced by 3.1
    assert probe_choice(None, {"3.1": 0, "4.0": 0, "5.0": 0}) == "5.0"  # what Arkade uses
    assert probe_choice(None, {"3.1": 3, "4.0": 1, "5.0": 1}) == "5.0"
    assert probe_choice(None, {}) == "5.0"
