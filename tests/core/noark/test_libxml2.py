"""Streaming schema validation with libxml2: every error, its line, in one pass; hostile input refused."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from tender.core.noark.libxml2 import (
    DOMAIN_PARSER,
    DOMAIN_SCHEMASV,
    CompiledSchema,
    RawProblem,
    StreamValidation,
)
from tender.core.noark.scan import ProblemLog, scan_xml

SCHEMA = b"""<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
  <xs:element name="root"><xs:complexType><xs:sequence>
    <xs:element name="item" maxOccurs="unbounded"><xs:complexType><xs:sequence>
      <xs:element name="id" type="xs:integer"/><xs:element name="name" type="xs:string"/>
    </xs:sequence></xs:complexType></xs:element>
  </xs:sequence></xs:complexType></xs:element>
</xs:schema>"""


@pytest.fixture
def schema(tmp_path: Path) -> CompiledSchema:
    path = tmp_path / "s.xsd"
    path.write_bytes(SCHEMA)
    return CompiledSchema(path)


def _validate(schema: CompiledSchema, data: bytes, chunk: int = 1 << 16) -> tuple[bool, list[RawProblem]]:
    problems: list[RawProblem] = []
    v = StreamValidation(schema, problems.append)
    for i in range(0, len(data), chunk):
        v.submit(data[i : i + chunk])
    return v.finish(), problems


def _document(n: int, bad_every: int) -> bytes:
    items = []
    for i in range(n):
        value = "x" if bad_every and i % bad_every == 0 else str(i)
        items.append(f"<item>\n<id>{value}</id>\n<name>n{i}</name>\n</item>")
    return ("<root>\n" + "\n".join(items) + "\n</root>\n").encode()


def test_a_valid_document_is_valid(schema: CompiledSchema) -> None:
    assert _validate(schema, _document(100, 0)) == (True, [])


def test_every_error_is_reported_in_one_pass_with_its_line(schema: CompiledSchema) -> None:
    data = _document(3000, 3)
    valid, problems = _validate(schema, data)
    assert not valid
    expected = [i for i, line in enumerate(data.split(b"\n"), 1) if line == b"<id>x</id>"]
    assert len(expected) == 1000
    assert [p.line for p in problems] == expected
    assert all(p.domain == DOMAIN_SCHEMASV and not p.fatal for p in problems)


def test_chunk_boundaries_do_not_change_the_result(schema: CompiledSchema) -> None:
    data = _document(200, 7)
    assert _validate(schema, data, chunk=7) == _validate(schema, data, chunk=1 << 16)


def test_a_missing_child_is_reported_on_the_line_its_parent_starts(schema: CompiledSchema) -> None:
    data = b"<root>\n<item>\n<id>1</id>\n</item>\n</root>\n"
    valid, [problem] = _validate(schema, data)
    assert not valid and problem.line == 2 and "Missing child" in problem.message


def test_malformed_xml_stops_with_a_fatal_error_and_its_position(schema: CompiledSchema) -> None:
    valid, problems = _validate(schema, b"<root>\n<item>\n<id>1</idd>\n</item></root>")
    assert not valid
    fatal = [p for p in problems if p.fatal]
    assert fatal and fatal[0].domain == DOMAIN_PARSER and fatal[0].line == 3 and fatal[0].column > 0


def test_a_doctype_stops_the_parser_before_entities_are_used(schema: CompiledSchema) -> None:
    data = (
        b'<?xml version="1.0"?>\n<!DOCTYPE root [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>\n'
        b"<root>&b;</root>"
    )
    valid, problems = _validate(schema, data)
    assert not valid
    assert problems[0].message == "DOCTYPE" and problems[0].fatal


def test_an_empty_document_is_not_well_formed(schema: CompiledSchema) -> None:
    valid, problems = _validate(schema, b"")
    assert not valid and any(p.fatal for p in problems)


def test_the_scan_hashes_what_it_validates(schema: CompiledSchema) -> None:
    import hashlib

    data = _document(50, 10)
    log = ProblemLog(keep=3)
    result = scan_xml(io.BytesIO(data), "x.xml", [schema], [log], None, chunk_size=100)
    assert result.sha256 == hashlib.sha256(data).hexdigest() and result.size == len(data)
    assert log.count == 5 and len(log.items) == 3  # all counted, the first three kept
    assert result.valid == [False] and result.well_formed


def test_a_schema_that_does_not_compile_says_why(tmp_path: Path) -> None:
    from tender.core.noark.libxml2 import SchemaCompileError

    path = tmp_path / "bad.xsd"
    path.write_bytes(
        b'<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">'
        b'<xs:element name="a" type="nope"/></xs:schema>'
    )
    with pytest.raises(SchemaCompileError) as info:
        CompiledSchema(path)
    assert info.value.messages
