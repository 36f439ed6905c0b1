"""The C recorder: the unit records it takes from libxml2's validating parse say what lxml's tree says."""

from __future__ import annotations

import io
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from tender.core.noark.libxml2 import CompiledSchema
from tender.core.noark.records import Record, Recorder, Unit
from tender.core.noark.scan import ProblemLog, scan_xml

NS = "urn:test"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
NAMES = ("unit", "box", "id", "note", "date")
UNITS: list[tuple[str, list[str]]] = [
    (f"{{{NS}}}unit", [f"{{{NS}}}id", f"{{{NS}}}date"]),
    (f"{{{NS}}}box", [f"{{{NS}}}note", f"{{{NS}}}id", "{other}id"]),
]
WS = " \t\r\n"

# a schema that accepts any document element in our namespace and anything inside it
LAX = f"""<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="{NS}">
  <xs:element name="root"><xs:complexType><xs:sequence>
    <xs:any processContents="skip" minOccurs="0" maxOccurs="unbounded"/>
  </xs:sequence></xs:complexType></xs:element>
</xs:schema>""".encode()

STRICT = b"""<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
  <xs:complexType name="itemType"><xs:sequence>
    <xs:element name="id" type="xs:integer"/><xs:element name="name" type="xs:string"/>
  </xs:sequence></xs:complexType>
  <xs:complexType name="saksmappe"><xs:complexContent><xs:extension base="itemType"/></xs:complexContent>
  </xs:complexType>
  <xs:element name="root"><xs:complexType><xs:sequence>
    <xs:element name="item" type="itemType" maxOccurs="unbounded"/>
  </xs:sequence></xs:complexType></xs:element>
</xs:schema>"""


class Collecting:
    """A content handler that keeps every record."""

    def __init__(self, units: list[Unit], empty_leaves: bool = False) -> None:
        self._units = units
        self._empty = empty_leaves
        self.records: list[Record] = []
        self.complete: bool | None = None

    def units(self) -> list[Unit]:
        return self._units

    def empty_leaves(self) -> bool:
        return self._empty

    def end(self, record: Record) -> None:
        self.records.append(record)

    def skipped(self, counts: list[int]) -> None:
        self.skipped_counts = counts

    def finish(self, complete: bool) -> None:
        self.complete = complete


@pytest.fixture(scope="module")
def lax(tmp_path_factory: pytest.TempPathFactory) -> CompiledSchema:
    path = tmp_path_factory.mktemp("xsd") / "lax.xsd"
    path.write_bytes(LAX)
    return CompiledSchema(path)


@pytest.fixture(scope="module")
def strict(tmp_path_factory: pytest.TempPathFactory) -> CompiledSchema:
    path = tmp_path_factory.mktemp("xsd") / "strict.xsd"
    path.write_bytes(STRICT)
    return CompiledSchema(path)


def _records(
    schema: CompiledSchema,
    data: bytes,
    units: list[Unit],
    empty_leaves: bool = False,
    chunk_size: int = 1 << 16,
) -> tuple[Collecting, ProblemLog]:
    handler = Collecting(units, empty_leaves)
    log = ProblemLog(keep=100)
    scan_xml(io.BytesIO(data), "t.xml", [schema], [log], handler, chunk_size=chunk_size)
    return handler, log


def _direct_text(el: Any) -> str:
    return (el.text or "") + "".join(c.tail or "" for c in el)


def _expected(data: bytes, units: list[tuple[str, list[str]]], empty_leaves: bool) -> list[Record]:
    """The records, worked out from lxml's tree of the same bytes."""
    root = etree.fromstring(data, etree.XMLParser(remove_comments=True, remove_pis=True))
    serial = {el: i for i, el in enumerate(root.iter(tag=etree.Element), 1)}
    unit_index = {tag: i for i, (tag, _) in enumerate(units)}

    def xsi(el: Any) -> str | None:
        value = el.get(f"{{{XSI}}}type")
        return value.strip(WS).rsplit(":", 1)[-1] if value is not None else None

    out: list[Record] = []
    for _event, el in etree.iterwalk(root, events=("end",)):
        if el.tag not in unit_index:
            continue
        i = unit_index[el.tag]
        slots = {tag: n for n, tag in enumerate(units[i][1])}
        parent = el.getparent()
        kids = [c for c in el if isinstance(c.tag, str)]
        first: list[Any] = [None] * len(slots)
        extra = []
        for c in kids:
            if c.tag in slots:
                if first[slots[c.tag]] is None:
                    first[slots[c.tag]] = (c.text or "", c.sourceline)
                else:
                    extra.append((slots[c.tag], c.text or "", c.sourceline))
        empties = (
            tuple(
                (etree.QName(c).localname, c.sourceline)
                for c in kids
                if not len(c) and not (c.text or "").strip(WS)
            )
            if empty_leaves
            else ()
        )
        out.append(
            (
                i,
                serial[el],
                el.sourceline,
                xsi(el) or None,
                serial[parent] if parent is not None else 0,
                etree.QName(parent).localname if parent is not None else None,
                (xsi(parent) or None) if parent is not None else None,
                len(kids),
                bool(_direct_text(el).strip(WS)),
                tuple(first),
                tuple(extra) or None,
                empties or None,
            )
        )
    return out


# -------------------------------------------------------------------- documents hypothesis writes

_text = st.text(alphabet=st.sampled_from(list("ab æø<&>\n\t ") + ["\u00a0", "\u2028"]), max_size=6)


def _escape(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@st.composite
def _piece(draw: Any, depth: int) -> str:
    kind = draw(st.sampled_from(["text", "cdata", "comment", "element"] if depth < 5 else ["text", "cdata"]))
    if kind == "text":
        return _escape(draw(_text))
    if kind == "cdata":
        return "<![CDATA[" + draw(_text).replace("]]>", "") + "]]>"
    if kind == "comment":
        return "<!--" + draw(_text).replace("-", "") + "-->"
    return draw(_element(depth + 1))


@st.composite
def _element(draw: Any, depth: int) -> str:
    name = draw(st.sampled_from(NAMES))
    prefix = draw(st.sampled_from(["", "o:"])) if name == "id" else ""
    attrs = ""
    if draw(st.booleans()):
        attrs += f' xsi:type="{draw(st.sampled_from(["n:saksmappe", "journalpost", " n:x "]))}"'
    if draw(st.booleans()):
        attrs += ' plain="1"\n'
    body = "".join(draw(st.lists(_piece(depth), max_size=4)))
    return f"<{prefix}{name}{attrs}>{body}</{prefix}{name}>"


@st.composite
def documents(draw: Any) -> bytes:
    children = "\n".join(draw(st.lists(_element(1), max_size=5)))
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<!-- c -->\n<root xmlns="{NS}" xmlns:o="other" '
        f'xmlns:xsi="{XSI}" xmlns:n="urn:n">\n{children}\n</root>\n'
    ).encode()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=documents(), empty_leaves=st.booleans(), chunk_size=st.sampled_from([7, 1 << 16]))
def test_records_match_what_lxml_reads_from_the_same_bytes(
    lax: CompiledSchema, data: bytes, empty_leaves: bool, chunk_size: int
) -> None:
    handler, _log = _records(lax, data, UNITS, empty_leaves, chunk_size)
    assert handler.complete is True
    assert handler.records == _expected(data, UNITS, empty_leaves)


LIGHT: list[Unit] = [
    (f"{{{NS}}}unit", [f"{{{NS}}}id", f"{{{NS}}}date"], {0: ["7", "a b"]}),  # a date always needs a record
    (f"{{{NS}}}box", [f"{{{NS}}}note", f"{{{NS}}}id", "{other}id"], {0: ["æ"], 1: ["7"], 2: ["7"]}),
]


def _needs_record(record: Record) -> bool:
    """What the recorder is told for LIGHT: a record unless every value is allowed and nothing is empty."""
    allowed = LIGHT[record[0]][2]
    assert allowed is not None
    if record[7] == 0 and not record[8] or record[10] is not None or record[11] is not None:
        return True
    return any(
        f is not None and (i not in allowed or f[0].strip(WS) not in allowed[i])
        for i, f in enumerate(record[9])
    )


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=documents(), empty_leaves=st.booleans())
def test_light_units_are_counted_instead_of_recorded_exactly_when_all_their_values_are_allowed(
    lax: CompiledSchema, data: bytes, empty_leaves: bool
) -> None:
    full, _ = _records(lax, data, UNITS, empty_leaves)
    light, _ = _records(lax, data, LIGHT, empty_leaves)
    assert light.records == [r for r in full.records if _needs_record(r)]
    skipped = [r for r in full.records if not _needs_record(r)]
    assert light.skipped_counts == [sum(1 for r in skipped if r[0] == u) for u in range(len(LIGHT))]


def test_light_unit_values_must_be_strings_by_slot() -> None:
    with pytest.raises(TypeError):
        Recorder([("{a}b", ["{a}c"], ["x"])])  # type: ignore[list-item]
    with pytest.raises(ValueError, match="slot 3"):
        Recorder([("{a}b", ["{a}c"], {3: ["x"]})])


def test_a_unit_keeps_only_the_text_before_its_first_child_and_entities_are_resolved(
    lax: CompiledSchema,
) -> None:
    data = (
        f'<root xmlns="{NS}"><unit>\n<id>a&amp;b<![CDATA[<c>]]>&#229;<x/>tail</id>\n</unit></root>'
    ).encode()
    handler, _ = _records(lax, data, UNITS)
    assert handler.records == [(0, 2, 1, None, 1, "root", None, 1, False, (("a&b<c>å", 2), None), None, None)]


def test_a_long_text_is_cut_at_64_kib_and_memory_stays_small(lax: CompiledSchema) -> None:
    text = "x" * 200_000
    data = f'<root xmlns="{NS}"><unit><id>{text}</id></unit></root>'.encode()
    handler, _ = _records(lax, data, UNITS, chunk_size=4096)
    (record,) = handler.records
    assert record[9] == (("x" * 65536, 1), None)


def test_deep_nesting_grows_the_stack(lax: CompiledSchema) -> None:
    depth = 200
    data = (f'<root xmlns="{NS}">' + "<box>" * depth + "<id>7</id>" + "</box>" * depth + "</root>").encode()
    handler, _ = _records(lax, data, UNITS)
    assert len(handler.records) == depth
    innermost = handler.records[0]
    assert innermost[1] == depth + 1 and innermost[9] == (None, ("7", 1), None)
    assert handler.records[-1][4] == 1  # the outermost box sits in root (serial 1)


def test_a_document_that_breaks_off_gives_the_records_read_so_far(lax: CompiledSchema) -> None:
    data = f'<root xmlns="{NS}">\n<unit><id>1</id></unit>\n<unit><id>2</id>'.encode()
    handler, log = _records(lax, data, UNITS)
    assert [r[9] for r in handler.records] == [(("1", 2), None)]
    assert handler.complete is False and log.syntax_errors


def test_a_recorder_without_units_records_nothing() -> None:
    r = Recorder([])
    assert r.take() == []
    assert r.where() == ([], None)


def test_a_unit_given_in_a_bad_form_is_refused() -> None:
    with pytest.raises(ValueError, match="Clark"):
        Recorder([("{unclosed", [])])
    with pytest.raises(TypeError):
        Recorder([("{a}b", [1])])  # type: ignore[list-item]


def test_schema_messages_name_the_element_they_were_found_in(strict: CompiledSchema) -> None:
    data = (
        b'<root xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
        b'<item xsi:type="saksmappe">\n<id>1</id>\n</item>\n'  # name missing: found in saksmappe
        b"<item>\n<id>2</id>\n<bogus/>\n<name>n</name>\n</item>\n"  # bogus not expected: found in item
        b"<item>\n<id>x</id>\n<name>n</name>\n</item>\n"  # a bad value: found in item
        b"</root>\n"
    )
    _, log = _records(strict, data, [("item", ["id"])])
    found = {(p.element, p.kind, p.raw.line): p.parent for p in log.items}
    assert found == {
        ("item", "missing", 2): "saksmappe",
        ("bogus", "unexpected", 7): "item",
        ("id", "value", 11): "item",
    }


def test_a_unit_keeps_at_most_ten_thousand_repeated_children_but_counts_them_all(lax: CompiledSchema) -> None:
    data = (f'<root xmlns="{NS}"><unit>' + "<id>1</id>" * 50_000 + "</unit></root>").encode()
    handler, _ = _records(lax, data, UNITS)
    (record,) = handler.records
    assert record[7] == 50_000
    assert record[9][0] == ("1", 1) and record[10] is not None and len(record[10]) == 9_999


def test_a_light_unit_is_counted_when_its_values_are_allowed_and_recorded_when_not(
    lax: CompiledSchema,
) -> None:
    data = (
        f'<root xmlns="{NS}" xmlns:o="other">\n'
        "<box><note> æ\n</note><id>7</id></box>\n"  # allowed (white space trimmed): counted
        "<box><note>æ</note></box>\n"  # allowed: counted
        "<box><note>ø</note></box>\n"  # not allowed: recorded
        "<box><note>æ\u00a0</note></box>\n"  # no-break space is not XML white space: recorded
        "<box><note>æ</note><note>æ</note></box>\n"  # repeated: recorded
        "<box/>\n"  # empty: recorded
        "<unit><id>7</id><date>2020</date></unit>\n"  # date is not listed: recorded
        "<unit><id>7</id></unit>\n"  # counted
        "</root>\n"
    ).encode()
    handler, _ = _records(lax, data, LIGHT)
    assert [(r[0], r[2]) for r in handler.records] == [(1, 5), (1, 6), (1, 7), (1, 8), (0, 9)]  # (unit, line)
    assert handler.skipped_counts == [1, 2]
