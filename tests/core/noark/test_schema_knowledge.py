"""Our description of the Noark 5 / ADDML schemas holds against the official XSDs."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from lxml import etree

from tender.core.noark.safexml import UnsafeXml
from tender.core.noark.schema import (
    NOARK_VERSIONS,
    addml_schema,
    code_lists,
    describe_element,
    noark_schemas,
    official_hashes,
    xsd_dir,
)
from tender.core.noark.schema.model import canonical, schema_from_json, schema_to_json
from tender.core.noark.schema.xsdread import UnsupportedSchema, read_xsd

from .official import (
    ADDML_VERSIONS,
    CATALOGUE,
    NOARK_FILES,
    SAMPLES,
    build_data,
    official_path,
    official_schema,
)

NOARK_XML = {
    "arkivstruktur": "arkivstruktur.xml",
    "endringslogg": "endringslogg.xml",
    "loependeJournal": "loependeJournal.xml",
    "offentligJournal": "offentligJournal.xml",
}


@pytest.mark.parametrize("version", NOARK_VERSIONS)
@pytest.mark.parametrize("key", NOARK_FILES)
def test_our_description_has_the_official_elements_order_cardinality_and_types(
    version: str, key: str
) -> None:
    ours = noark_schemas(version)[key]
    assert canonical(ours) == canonical(official_schema(version, key))


@pytest.mark.parametrize("version", ADDML_VERSIONS)
def test_our_addml_description_matches_the_official_addml_schema(version: str) -> None:
    assert canonical(addml_schema(version)) == canonical(official_schema(version, "addml"))


def test_the_shipped_data_is_exactly_what_the_official_facts_give() -> None:
    data_dir = Path(__file__).resolve().parents[3] / "tender" / "core" / "noark" / "schema" / "data"
    for name, content in build_data().items():
        shipped = json.loads((data_dir / name).read_text(encoding="utf-8"))
        assert shipped == json.loads(json.dumps(content, ensure_ascii=False)), name


def test_no_shipped_data_file_is_a_copy_of_a_reference_file() -> None:
    data_dir = Path(__file__).resolve().parents[3] / "tender" / "core" / "noark" / "schema" / "data"
    reference = {
        hashlib.sha256(p.read_bytes()).hexdigest() for p in (SAMPLES / "..").rglob("*") if p.is_file()
    }
    ours = {hashlib.sha256(p.read_bytes()).hexdigest() for p in data_dir.iterdir()}
    assert reference.isdisjoint(ours)


@pytest.mark.parametrize("version", NOARK_VERSIONS)
def test_the_json_form_round_trips(version: str) -> None:
    for schema in noark_schemas(version).values():
        assert schema_from_json(schema_to_json(schema)) == schema


@pytest.mark.parametrize("version", NOARK_VERSIONS)
def test_generated_xsds_compile_with_libxml2(version: str) -> None:
    folder = xsd_dir(version)
    for key in ("arkivstruktur", "endringslogg", "loependeJournal", "offentligJournal", "addml"):
        etree.XMLSchema(etree.parse(str(folder / f"{key}.xsd")))


def test_generated_xsds_are_not_copies_of_the_official_files() -> None:
    official = {hashlib.sha256(p.read_bytes()).hexdigest() for p in (SAMPLES / ".." / "xsd").rglob("*.xsd")}
    for version in NOARK_VERSIONS:
        for path in xsd_dir(version).glob("*.xsd"):
            assert hashlib.sha256(path.read_bytes()).hexdigest() not in official


def _sample_xml_files() -> list[tuple[str, str, Path]]:
    cases = []
    for xml in sorted(SAMPLES.rglob("*.xml")):
        key = next((k for k, name in NOARK_XML.items() if xml.name == name), None)
        if key is None:
            continue
        for version in NOARK_VERSIONS:
            cases.append((version, key, xml))
    return cases


@pytest.mark.parametrize(("version", "key", "xml"), _sample_xml_files(), ids=lambda v: str(v)[-60:])
def test_generated_schema_and_official_schema_agree_on_every_sample_file(
    version: str, key: str, xml: Path
) -> None:
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    doc = etree.parse(str(xml), parser)
    official = etree.XMLSchema(etree.parse(str(official_path(version, key))))
    ours = etree.XMLSchema(etree.parse(str(xsd_dir(version) / f"{key}.xsd")))
    assert ours.validate(doc) == official.validate(doc)
    assert [(e.line, e.message) for e in ours.error_log] == [(e.line, e.message) for e in official.error_log]


def test_addml_files_of_the_samples_get_the_same_verdict_from_our_addml_schema() -> None:
    official = etree.XMLSchema(etree.parse(str(official_path("8.3", "addml"))))
    ours = etree.XMLSchema(etree.parse(str(xsd_dir("5.0") / "addml.xsd")))
    files = sorted(SAMPLES.rglob("arkivuttrekk.xml")) + sorted(SAMPLES.rglob("addml.xml"))
    assert files
    for xml in files:
        doc = etree.parse(str(xml))
        assert ours.validate(doc) == official.validate(doc), xml


def test_v5_code_lists_come_from_the_metadata_catalogue() -> None:
    catalogue = json.loads(CATALOGUE.read_text(encoding="utf-8"))["metadata"]
    codes = code_lists()
    assert codes["saksstatus"].values == tuple(catalogue["M052"]["obligatoriske_verdier"])
    assert codes["saksstatus"].closed
    assert codes["journalstatus"].m_number == "M053"
    assert "Utgår" in codes["journalstatus"].values
    assert codes["grad"].m_number == "M506"  # v5.0 renamed the element, the list kept its M-number
    assert not codes["dokumenttype"].closed  # examples only ("Ingen obligatoriske typer")


def test_elements_are_described_with_their_m_number() -> None:
    assert describe_element("5.0", "tittel").m_number == "M020"
    assert describe_element("5.0", "systemID").m_number == "M001"
    assert describe_element("3.1", "journalstatus").m_number == "M053"
    assert describe_element("5.0", "mappe").m_number is None
    assert describe_element("5.0", "ukjentElement").m_number is None


def test_official_hashes_recognise_every_official_file_with_either_line_ending() -> None:
    known = official_hashes()
    for version in NOARK_VERSIONS:
        for key in NOARK_FILES:
            data = official_path(version, key).read_bytes()
            crlf = data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
            assert f"{version}/{key}" in known[hashlib.sha256(data).hexdigest()]
            assert f"{version}/{key}" in known[hashlib.sha256(crlf).hexdigest()]


def test_reading_a_schema_with_unsupported_constructs_says_so() -> None:
    xsd = b"""<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
      <xs:group name="g"><xs:sequence><xs:any/></xs:sequence></xs:group></xs:schema>"""
    with pytest.raises(UnsupportedSchema):
        read_xsd(xsd, "x")


def test_reading_a_schema_with_a_doctype_is_refused_before_any_entity_is_expanded() -> None:
    xsd = b"""<?xml version="1.0"?>
    <!-- a comment first -->
    <!DOCTYPE xs:schema [<!ENTITY boom "BOOM">]>
    <xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" version="&boom;"/>"""
    with pytest.raises(UnsafeXml):
        read_xsd(xsd, "x")
