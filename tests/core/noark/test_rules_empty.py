"""Empty values (N5V-CONTENT-14, Arkade N5.63, krav 6.4.5): an element that holds only white space is
empty too, in every Noark version; an empty value the schema refuses already is not reported twice."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from tender.core.noark.content import ArkivstrukturHandler
from tender.core.noark.findings import Severity
from tender.core.noark.libxml2 import CompiledSchema
from tender.core.noark.records import Record, Unit
from tender.core.noark.report import Collector
from tender.core.noark.scan import ProblemLog, scan_xml
from tender.core.noark.store import Store
from tender.core.noark.validator import validate_path

from .rules_helpers import XSD, generated, not_info, rewrite

NS = "urn:test"
LAX = f"""<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="{NS}">
  <xs:element name="root"><xs:complexType><xs:sequence>
    <xs:any processContents="skip" minOccurs="0" maxOccurs="unbounded"/>
  </xs:sequence></xs:complexType></xs:element>
</xs:schema>""".encode()


class _Recording:
    def __init__(self, units: list[Unit], mode: int) -> None:
        self._units, self._mode = units, mode
        self.records: list[Record] = []

    def units(self) -> list[Unit]:
        return self._units

    def empty_leaves(self) -> int:
        return self._mode

    def end(self, record: Record) -> None:
        self.records.append(record)

    def skipped(self, counts: list[int]) -> None:
        pass

    def finish(self, complete: bool) -> None:
        pass


def _empties(tmp_path: Path, mode: int) -> tuple[tuple[str, int], ...] | None:
    path = tmp_path / "lax.xsd"
    path.write_bytes(LAX)
    data = (
        f'<root xmlns="{NS}"><unit>\n<a/>\n<b></b>\n<c>  \n </c>\n<d>x</d>\n<e> <!-- c --> </e></unit></root>'
    ).encode()
    handler = _Recording([(f"{{{NS}}}unit", [])], mode)
    scan_xml(io.BytesIO(data), "t.xml", [CompiledSchema(path)], [ProblemLog(keep=10)], handler)
    [record] = handler.records
    return record[11]


def test_the_recorder_lists_every_leaf_without_text_in_mode_one_and_only_white_space_in_mode_two(
    tmp_path: Path,
) -> None:
    assert _empties(tmp_path, 0) is None
    assert _empties(tmp_path, 1) == (("a", 2), ("b", 3), ("c", 4), ("e", 7))
    assert _empties(tmp_path, 2) == (("c", 4), ("e", 7))


def test_the_recorder_refuses_an_unknown_mode() -> None:
    from tender.core.noark.records import Recorder

    with pytest.raises(ValueError):
        Recorder([], 3)


def test_a_value_of_only_white_space_is_an_empty_element_that_names_its_unit(tmp_path: Path) -> None:
    info = generated(tmp_path, "blank_value")
    report = validate_path(info.root)
    [finding] = not_info(report)
    planted = info.planted["blank_value"]
    assert finding.check == "N5V-CONTENT-14" and finding.severity is Severity.ERROR
    assert finding.unit == planted.detail
    assert finding.element == "opprettetAv" and finding.m_number == "M601"
    assert (
        finding.line
        == info.arkivstruktur.read_bytes().split(b"\n").index(b"      <opprettetAv>  </opprettetAv>") + 1
    )
    assert planted.detail in finding.message_no and "blanke tegn" in finding.message_no
    assert not report.valid


def test_the_same_extract_without_the_white_space_value_is_valid_with_no_error_or_warning(
    tmp_path: Path,
) -> None:
    report = validate_path(generated(tmp_path).root)
    assert report.valid
    assert not_info(report) == []


def test_a_truly_empty_v5_string_is_reported_by_the_schema_once_and_not_again_as_empty(
    tmp_path: Path,
) -> None:
    info = generated(tmp_path)
    line = rewrite(info, b"<opprettetAv>saksbehandler</opprettetAv>", b"<opprettetAv></opprettetAv>")
    report = validate_path(info.root)
    assert [(f.check, f.line) for f in not_info(report)] == [("N5V-STRUCT-06", line)]


def test_a_date_of_white_space_is_a_schema_error_and_not_a_second_empty_finding(tmp_path: Path) -> None:
    info = generated(tmp_path)
    data = info.arkivstruktur.read_bytes()
    start = data.index(b"<journaldato>")
    old = data[start : data.index(b"</journaldato>", start) + len(b"</journaldato>")]
    line = rewrite(info, old, b"<journaldato>   </journaldato>")
    checks = {f.check for f in not_info(validate_path(info.root))}
    assert "N5V-STRUCT-06" in checks
    assert "N5V-CONTENT-14" not in checks, line


def test_a_white_space_value_in_a_unit_without_system_id_names_the_unit_above_it(tmp_path: Path) -> None:
    info = generated(tmp_path)
    rewrite(
        info,
        b"<korrespondansepartNavn>Ola Nordmann</korrespondansepartNavn>",
        b"<korrespondansepartNavn> </korrespondansepartNavn>",
    )
    [finding] = not_info(validate_path(info.root))
    assert finding.check == "N5V-CONTENT-14" and finding.element == "korrespondansepartNavn"
    data = info.arkivstruktur.read_bytes()
    at = data.index(b"<korrespondansepartNavn> </korrespondansepartNavn>")
    journalpost = data.rindex(b'<registrering xsi:type="journalpost">', 0, at)
    system_id = data[journalpost:].split(b"<systemID>", 1)[1].split(b"</systemID>", 1)[0].decode()
    assert finding.unit == system_id
    assert system_id in finding.message_no and system_id in finding.message_en


def _handler(version: str) -> ArkivstrukturHandler:
    return ArkivstrukturHandler(version, None, Store(), Collector())


@pytest.mark.parametrize(
    ("version", "mode"),
    [("3.1", 1), ("4.0", 1), ("5.0", 2)],
)
def test_the_handler_asks_for_white_space_leaves_in_v5_and_for_all_empty_leaves_before(
    version: str, mode: int
) -> None:
    handler = _handler(version)
    assert handler.empty_leaves() == mode


@pytest.mark.parametrize(
    ("version", "element", "reported"),
    [
        ("3.1", "tittel", True),  # xs:string: empty passes the v3.1 schema, the standard forbids it
        ("3.1", "journaldato", False),  # xs:date: the schema refuses it already
        ("3.1", "journalstatus", False),  # an enumeration in v3.1
        ("3.1", "ugyldigElement", False),  # not in the schema: the schema error names it
        ("5.0", "tittel", True),  # minLength 1 lets "  " through
        ("5.0", "systemID", False),  # UUID pattern
        ("5.0", "referanseArkivdel", False),  # UUID pattern
        ("5.0", "bevaringstid", False),  # xs:integer
    ],
)
def test_an_empty_leaf_is_reported_only_where_the_schema_of_its_version_lets_it_through(
    version: str, element: str, reported: bool
) -> None:
    assert _handler(version)._lets_empty(element) is reported


def test_an_empty_cross_reference_the_schema_allows_is_empty_and_names_the_record_it_sits_in(
    tmp_path: Path,
) -> None:
    info = generated(tmp_path)
    data = info.arkivstruktur.read_bytes()
    at = data.index(b"      <korrespondansepart>")
    system_id = (
        data[data.rindex(b"<registrering xsi:type=", 0, at) :].split(b"<systemID>", 1)[1].split(b"<", 1)[0]
    )
    line = rewrite(
        info,
        b"      <korrespondansepart>",
        b"      <kryssreferanse>\n      </kryssreferanse>\n      <korrespondansepart>",
    )
    [finding] = not_info(validate_path(info.root))
    assert (finding.check, finding.element, finding.line) == ("N5V-CONTENT-14", "kryssreferanse", line)
    assert finding.unit == system_id.decode() and "er tomt" in finding.message_no


def test_an_empty_remark_is_named_by_the_schema_only_since_its_type_needs_a_text(tmp_path: Path) -> None:
    info = generated(tmp_path)
    line = rewrite(
        info, b"      <korrespondansepart>", b"      <merknad>  </merknad>\n      <korrespondansepart>"
    )
    assert [(f.check, f.line) for f in not_info(validate_path(info.root))] == [("N5V-STRUCT-06", line)]


def test_in_a_v3_1_extract_an_empty_string_is_reported_and_an_empty_date_is_left_to_the_schema(
    tmp_path: Path,
) -> None:
    import shutil

    root = tmp_path / "n5uttrekk"
    shutil.copytree(XSD.parent / "samples" / "kdrs_uttrekk1" / "n5uttrekk", root)
    addml = root / "arkivuttrekk.xml"
    addml.write_bytes(addml.read_bytes().replace(b"<value>3.0</value>", b"<value>3.1</value>", 1))
    before = validate_path(root)
    assert before.noark_version == "3.1"
    assert before.findings("N5V-CONTENT-14") == [] and before.findings("N5V-STRUCT-06") == []
    xml = root / "arkivstruktur.xml"
    lines = xml.read_bytes().split(b"\n")
    assert lines[46].strip() == "<tittel>Søknad om tilbygg</tittel>".encode()
    assert lines[78].strip() == b"<journaldato>2011-09-09</journaldato>"
    lines[46] = b"          <tittel></tittel>"
    lines[78] = b"        <journaldato>  </journaldato>"
    xml.write_bytes(b"\n".join(lines))
    report = validate_path(root)
    [empty] = report.findings("N5V-CONTENT-14")
    assert (empty.element, empty.line, empty.m_number) == ("tittel", 47, "M020")
    assert empty.unit == "2872a56c-7e3a-416c-8cad-3ffb9e8f49ce" and "er tomt" in empty.message_no
    assert [f.line for f in report.findings("N5V-STRUCT-06")] == [79]
