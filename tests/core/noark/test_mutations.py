"""Differential tests: break the valid synthetic v5.0 sample in one place and compare with the official
schemas; each finding must point at the line where the damage is."""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from lxml import etree

from tender.core.noark.findings import Finding, Severity
from tender.core.noark.report import Report
from tender.core.noark.validator import validate_path

from .official import SAMPLES, official_xmlschema

MINIMAL = SAMPLES / "SYNTHETIC_v5_0_minimal"
ORIGINAL = (MINIMAL / "arkivstruktur.xml").read_bytes()


def copy_minimal(tmp_path: Path) -> Path:
    """A byte-for-byte copy (checksums in arkivuttrekk.xml are over raw bytes)."""
    target = tmp_path / "extract"
    shutil.copytree(MINIMAL, target)
    for path in target.rglob("*"):
        if path.is_file():
            assert path.read_bytes() == (MINIMAL / path.relative_to(target)).read_bytes()
    return target


def line_of(data: bytes, needle: bytes, occurrence: int = 1) -> int:
    """1-based line of the n-th occurrence of ``needle``."""
    pos = -1
    for _ in range(occurrence):
        pos = data.index(needle, pos + 1)
    return data[:pos].count(b"\n") + 1


def official_result(xml: bytes) -> tuple[bool, list[int]]:
    schema = official_xmlschema("5.0", "arkivstruktur")
    try:
        doc = etree.fromstring(xml, etree.XMLParser(resolve_entities=False, no_network=True)).getroottree()
    except etree.XMLSyntaxError as exc:
        return False, [exc.lineno]
    valid = schema.validate(doc)
    return valid, [e.line for e in schema.error_log]


def schema_findings(report: Report) -> list[Finding]:
    return [
        f
        for c in ("N5V-STRUCT-05", "N5V-STRUCT-06")
        for f in report.findings(c)
        if f.file == "arkivstruktur.xml"
    ]


@dataclass(frozen=True)
class Mutation:
    name: str
    old: bytes
    new: bytes
    marker: bytes | None  #: text at the line the error must be reported on (None: where libxml2 stops)
    element: str | None = None  #: the element the finding should name
    m_number: str | None = None
    occurrence: int = 1


SCHEMA_MUTATIONS = [
    Mutation(
        "drop the mandatory tittel of a folder",
        b"     <tittel>Sak 1</tittel>\n",
        b"",
        b"<opprettetDato>2020-02-01T09:00:00",
        "tittel",
        "M020",
    ),
    Mutation(
        "swap mappeID and tittel",
        b"<mappeID>2020/1</mappeID>\n     <tittel>Sak 1</tittel>",
        b"<tittel>Sak 1</tittel>\n     <mappeID>2020/1</mappeID>",
        b"<tittel>Sak 1</tittel>",
        "mappeID",
        "M003",
    ),
    Mutation(
        "journaldato in Norwegian form",
        b"<journaldato>2020-02-02</journaldato>",
        b"<journaldato>02.02.2020</journaldato>",
        b"<journaldato>02.02.2020",
        "journaldato",
        "M101",
    ),
    Mutation(
        "opprettetDato without time",
        b"<opprettetDato>2021-02-01T09:00:00</opprettetDato>",
        b"<opprettetDato>2021-02-01</opprettetDato>",
        b"<opprettetDato>2021-02-01<",
        "opprettetDato",
        "M600",
    ),
    Mutation(
        "systemID that is not a UUID",
        b"<systemID>9611292e-d06f-4863-9a35-87e12874028f</systemID>",
        b"<systemID>mappe-2</systemID>",
        b"<systemID>mappe-2<",
        "systemID",
        "M001",
    ),
    Mutation(
        "file size in kB",
        b"<filstoerrelse>20637</filstoerrelse>",
        b"<filstoerrelse>20 kB</filstoerrelse>",
        b"<filstoerrelse>20 kB",
        "filstoerrelse",
        "M707",
    ),
    Mutation(
        "empty title",
        b"<tittel>Brev i sak 1</tittel>",
        b"<tittel></tittel>",
        b"<tittel></tittel>",
        "tittel",
        "M020",
    ),
    Mutation(
        "an element the schema does not know",
        b"     <saksaar>2020</saksaar>",
        b"     <saksnummer>1</saksnummer>\n     <saksaar>2020</saksaar>",
        b"<saksnummer>",
        "saksaar",
        "M011",
    ),
    Mutation(
        "drop the last mandatory element of a case folder",
        b"     <saksstatus>Avsluttet</saksstatus>\n",
        b"",
        b'<mappe xsi:type="saksmappe">',
        "saksstatus",
        "M052",
    ),
    Mutation(
        "journal record without journalstatus in the middle",
        b"      <journalstatus>Arkivert</journalstatus>\n",
        b"",
        b"<journaldato>2020-02-02",
        "journalstatus",
        "M053",
    ),
    Mutation(
        "a closing tag missing (not well-formed)",
        b"</tittel>\n     <opprettetDato>2020-02-01T09:00:00",
        b"\n     <opprettetDato>2020-02-01T09:00:00",
        None,
    ),
]


@pytest.mark.parametrize("mutation", SCHEMA_MUTATIONS, ids=lambda m: m.name)
def test_a_schema_mutation_gets_the_official_verdict_and_a_finding_on_its_line(
    mutation: Mutation, tmp_path: Path
) -> None:
    assert ORIGINAL.count(mutation.old) >= 1
    mutated = ORIGINAL.replace(mutation.old, mutation.new, 1)
    root = copy_minimal(tmp_path)
    (root / "arkivstruktur.xml").write_bytes(mutated)
    official_valid, official_lines = official_result(mutated)
    report = validate_path(root)
    ours = schema_findings(report)
    assert (not ours) == official_valid
    assert not official_valid
    if mutation.marker is None:
        expected_line = official_lines[0]
        assert [f for f in ours if f.check == "N5V-STRUCT-05"]
    else:
        expected_line = line_of(mutated, mutation.marker, mutation.occurrence)
    assert expected_line in {f.line for f in ours}
    if mutation.element is not None:
        assert expected_line in official_lines
        [finding] = [f for f in ours if f.line == expected_line]
        assert finding.element == mutation.element
        assert finding.m_number == mutation.m_number
        assert f"{mutation.m_number} {mutation.element}" in finding.message_no
        assert f"linje {expected_line}" in finding.message_no
    assert not report.valid


def test_a_dropped_title_is_reported_in_the_words_an_archivist_uses(tmp_path: Path) -> None:
    root = copy_minimal(tmp_path)
    mutated = ORIGINAL.replace(b"      <tittel>Brev i sak 1</tittel>\n", b"", 1)
    (root / "arkivstruktur.xml").write_bytes(mutated)
    report = validate_path(root)
    line = line_of(mutated, b"<korrespondansepart>")
    [finding] = schema_findings(report)
    assert finding.message_no.startswith(
        f"M020 tittel mangler eller står på feil plass i journalpost på linje {line}"
    )


def test_the_unmutated_copy_is_valid(tmp_path: Path) -> None:
    report = validate_path(copy_minimal(tmp_path))
    assert report.valid
    assert report.count(Severity.WARNING) == 0


def _errors(report: Report, check: str) -> list[Finding]:
    return [f for f in report.findings(check) if f.severity is Severity.ERROR]


def test_a_duplicated_system_id_is_valid_for_the_schema_but_a_content_error_on_both_lines(
    tmp_path: Path,
) -> None:
    root = copy_minimal(tmp_path)
    first = b"2151984b-3414-43c0-9d9a-e62536284bb8"
    mutated = ORIGINAL.replace(b"9611292e-d06f-4863-9a35-87e12874028f", first, 1)
    (root / "arkivstruktur.xml").write_bytes(mutated)
    assert official_result(mutated)[0]
    report = validate_path(root)
    assert schema_findings(report) == []
    [dup] = _errors(report, "N5V-CONTENT-04")
    lines = (line_of(mutated, first, 1), line_of(mutated, first, 2))
    assert dup.line == lines[0]
    assert f"lines {lines[0]}, {lines[1]}" in dup.message_en


def test_a_changed_byte_in_a_document_file_is_a_checksum_error_at_its_document_object(tmp_path: Path) -> None:
    root = copy_minimal(tmp_path)
    pdf = root / "dokumenter" / "2.pdf"
    data = bytearray(pdf.read_bytes())
    data[500] ^= 0xFF
    pdf.write_bytes(bytes(data))
    report = validate_path(root)
    [error] = _errors(report, "N5V-DOC-02")
    assert error.line == line_of(ORIGINAL, b"<referanseDokumentfil>dokumenter/2.pdf")
    assert hashlib.sha256(bytes(data)).hexdigest() in error.message_en
    assert _errors(report, "N5V-DOC-03") == []  # same size


def test_a_changed_count_in_arkivuttrekk_is_a_count_error(tmp_path: Path) -> None:
    root = copy_minimal(tmp_path)
    addml = (root / "arkivuttrekk.xml").read_bytes()
    old = b'<value>//mappe</value></property><property dataType="integer" name="value"><value>3</value>'
    assert old in addml
    (root / "arkivuttrekk.xml").write_bytes(
        addml.replace(old, old.replace(b"<value>3</value>", b"<value>4</value>"))
    )
    report = validate_path(root)
    [error] = _errors(report, "N5V-CONTENT-01")
    assert "states 4 mappe" in error.message_en and "has 3" in error.message_en
    assert _errors(report, "N5V-STRUCT-04") == []  # arkivuttrekk.xml itself carries no checksum


def test_a_journal_date_outside_the_sharp_archival_period_is_a_date_error(tmp_path: Path) -> None:
    root = copy_minimal(tmp_path)
    mutated = ORIGINAL.replace(
        b"<journaldato>2020-02-02</journaldato>", b"<journaldato>2019-12-31</journaldato>", 1
    )
    (root / "arkivstruktur.xml").write_bytes(mutated)
    assert official_result(mutated)[0]
    report = validate_path(root)
    [error] = _errors(report, "N5V-CONTENT-12")
    assert error.line == line_of(mutated, b"<journaldato>2019-12-31")
    assert error.m_number == "M101"


def test_a_case_status_that_may_not_be_delivered_is_an_error(tmp_path: Path) -> None:
    root = copy_minimal(tmp_path)
    mutated = ORIGINAL.replace(
        b"<saksstatus>Avsluttet</saksstatus>", b"<saksstatus>Under behandling</saksstatus>", 1
    )
    (root / "arkivstruktur.xml").write_bytes(mutated)
    report = validate_path(root)
    [error] = _errors(report, "N5V-CONTENT-10")
    assert error.line == line_of(mutated, b"<saksstatus>Under behandling")


def test_a_code_value_outside_the_v5_catalogue_is_an_error(tmp_path: Path) -> None:
    root = copy_minimal(tmp_path)
    mutated = ORIGINAL.replace(
        b"<variantformat>Arkivformat</variantformat>", b"<variantformat>PDF/A</variantformat>", 1
    )
    (root / "arkivstruktur.xml").write_bytes(mutated)
    assert official_result(mutated)[0]  # v5.0 schemas no longer enumerate the codes
    report = validate_path(root)
    [error] = _errors(report, "N5V-CONTENT-13")
    assert error.m_number == "M700" and error.line == line_of(mutated, b"<variantformat>PDF/A")


def test_a_missing_and_an_extra_document_file_are_both_reported(tmp_path: Path) -> None:
    root = copy_minimal(tmp_path)
    (root / "dokumenter" / "3.pdf").rename(root / "dokumenter" / "4.pdf")
    report = validate_path(root)
    [missing] = _errors(report, "N5V-DOC-01")
    assert "dokumenter/3.pdf" in missing.message_en
    [extra] = _errors(report, "N5V-DOC-05")
    assert "dokumenter/4.pdf" in extra.message_en
    assert _errors(report, "N5V-STRUCT-09") == []  # still three files


def test_a_document_whose_content_is_not_its_declared_format_is_an_error(tmp_path: Path) -> None:
    root = copy_minimal(tmp_path)
    tiff = b"II*\x00" + b"\x00" * 200
    (root / "dokumenter" / "1.pdf").write_bytes(tiff)
    mutated = ORIGINAL.replace(
        b"<sjekksum>3b29dfcc4286e50b180af8f21904c86f8aa42a23c4055c3a71d0512f9ae3886f</sjekksum>",
        f"<sjekksum>{hashlib.sha256(tiff).hexdigest()}</sjekksum>".encode(),
        1,
    )
    mutated = mutated.replace(
        b"<filstoerrelse>20637</filstoerrelse>", f"<filstoerrelse>{len(tiff)}</filstoerrelse>".encode(), 1
    )
    (root / "arkivstruktur.xml").write_bytes(mutated)
    report = validate_path(root)
    assert _errors(report, "N5V-DOC-02") == [] and _errors(report, "N5V-DOC-03") == []
    [error] = _errors(report, "N5V-DOC-04")
    assert "TIFF" in error.message_en and error.m_number == "M701"


def test_a_document_type_declaration_is_refused_before_parsing(tmp_path: Path) -> None:
    root = copy_minimal(tmp_path)
    bomb = b'<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE arkiv [<!ENTITY a "aaaaaaaaaa">]>\n'
    mutated = bomb + ORIGINAL.split(b"\n", 1)[1]
    (root / "arkivstruktur.xml").write_bytes(mutated)
    report = validate_path(root)
    [finding] = [f for f in report.findings("N5V-STRUCT-05") if f.file == "arkivstruktur.xml"]
    assert finding.line == 2 and "DOCTYPE" in finding.message_en
    assert not report.valid


def test_a_kassasjonsvedtak_beyond_the_three_the_catalogue_names_is_no_error(tmp_path: Path) -> None:
    # the catalogue's "obligatoriske verdier" for M450 are what a system must offer; krav 6.1.4 adds
    # "Andre verdier kan legges til", so an extract may hold others (variantformat stays closed: above)
    from tests.noark_generator import generate_extract

    info = generate_extract(tmp_path / "x", 4, 2, seed=3, errors={"kassert_but_preserved"})
    xml = info.arkivstruktur.read_bytes()
    assert b"<kassasjonsvedtak>Bevares</kassasjonsvedtak>" in xml
    info.arkivstruktur.write_bytes(
        xml.replace(b"<kassasjonsvedtak>Bevares<", b"<kassasjonsvedtak>Bevares i kommunearkivet<")
    )
    report = validate_path(info.root)
    assert [f for f in report.findings("N5V-CONTENT-13") if f.element == "kassasjonsvedtak"] == []


def test_a_document_description_still_being_edited_in_a_transfer_is_an_error_naming_it(
    tmp_path: Path,
) -> None:
    # M054: "Dokumentbeskrivelser som avleveres skal ha status «Dokumentet er ferdigstilt»"
    root = copy_minimal(tmp_path)
    assert _errors(validate_path(root), "N5V-CONTENT-29") == []
    mutated = ORIGINAL.replace(
        b"<dokumentstatus>Dokumentet er ferdigstilt</dokumentstatus>",
        b"<dokumentstatus>Dokumentet er under redigering</dokumentstatus>",
        1,
    )
    (root / "arkivstruktur.xml").write_bytes(mutated)
    [error] = _errors(validate_path(root), "N5V-CONTENT-29")
    assert error.line == line_of(mutated, b"<dokumentstatus>Dokumentet er under redigering")
    assert error.m_number == "M054" and "«Dokumentet er under redigering»" in error.message_no
    start = mutated.rindex(b"<dokumentbeskrivelse>", 0, mutated.index(b"under redigering"))
    system_id = mutated[start:].split(b"<systemID>", 1)[1].split(b"<", 1)[0].decode()
    assert error.unit == system_id and system_id in error.message_no
