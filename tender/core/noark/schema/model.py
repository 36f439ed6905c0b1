"""Our description of an XML schema: the facts of the Noark 5 and ADDML schemas, in our own format.

The model covers exactly the part of XML Schema the Noark 5 (v3.1, v4.0, v5.0) and ADDML (8.2, 8.3)
schemas use: global elements, named and anonymous complex types (sequence, choice, extension of a
complex type, simple content with attributes), simple types (restriction with facets, union) and
``xs:unique``. Names are kept as the standard spells them; type references are short qualified names:

* ``"xs:string"`` – a built-in XML Schema type,
* ``"mdk:tittel"`` – a type of the Noark 5 metadata catalogue (``metadatakatalog.xsd``),
* ``"arkiv"`` – a type or element of the schema itself (its target namespace),
* ``"{uri}name"`` – anything else, in Clark notation.

The JSON form (see :func:`schema_to_json` / :func:`schema_from_json`) is what we ship in
``tender/core/noark/schema/data/``; :mod:`.xsdwrite` turns it back into an XSD that libxml2 compiles.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

XS_NS = "http://www.w3.org/2001/XMLSchema"
NOARK_NS_BASE = "http://www.arkivverket.no/standarder/noark5/"
MDK_NS = NOARK_NS_BASE + "metadatakatalog"
ADDML_NS = "http://www.arkivverket.no/standarder/addml"

#: short prefixes used in type references, and the namespaces they stand for
PREFIXES: dict[str, str] = {"xs": XS_NS, "mdk": MDK_NS}

Occurs = int | None  # None = unbounded


@dataclass(frozen=True)
class Unique:
    """An ``xs:unique`` identity constraint on an element."""

    name: str
    selector: str
    fields: tuple[str, ...]


@dataclass(frozen=True)
class Element:
    """An element: a particle inside a content model, or a global declaration (then min/max are 1)."""

    name: str | None = None  #: local name; None when ``ref`` is used
    type: str | None = None  #: type reference, e.g. "mdk:tittel"
    ref: str | None = None  #: reference to a global element
    complex: ComplexType | None = None  #: anonymous complex type
    min: int = 1
    max: Occurs = 1
    uniques: tuple[Unique, ...] = ()

    @property
    def label(self) -> str:
        """The element's local name, whether declared or referenced."""
        if self.name is not None:
            return self.name
        assert self.ref is not None
        return local_name(self.ref)


@dataclass(frozen=True)
class Group:
    """A ``sequence`` or ``choice`` of particles."""

    kind: Literal["sequence", "choice"]
    items: tuple[Particle, ...]
    min: int = 1
    max: Occurs = 1


Particle = Element | Group


@dataclass(frozen=True)
class Attribute:
    """An attribute declaration."""

    name: str
    type: str
    use: Literal["optional", "required", "prohibited"] = "optional"


@dataclass(frozen=True)
class ComplexType:
    """A complex type; ``extends`` is a complex base whose content comes first."""

    name: str | None = None  #: None for an anonymous type
    content: Group | None = None
    extends: str | None = None
    simple_content: str | None = None  #: base of a simple-content extension (text + attributes)
    attributes: tuple[Attribute, ...] = ()
    mixed: bool = False


@dataclass(frozen=True)
class SimpleType:
    """A restriction of a base type with facets, or a union of anonymous member types."""

    name: str | None = None
    base: str | None = None
    facets: tuple[tuple[str, str], ...] = ()
    union: tuple[SimpleType, ...] = ()
    union_members: tuple[str, ...] = ()  #: named member types (``memberTypes``)
    m_number: str | None = None  #: the metadata catalogue number the schema documents, e.g. "M020"


@dataclass(frozen=True)
class Schema:
    """One schema document."""

    key: str  #: our name for it, e.g. "arkivstruktur" (its file is ``<key>.xsd``)
    namespace: str
    version: str
    element_form: str = "qualified"
    attribute_form: str | None = None
    imports: tuple[str, ...] = ()  #: keys of imported schemas, e.g. ("metadatakatalog",)
    elements: tuple[Element, ...] = ()
    complex_types: tuple[ComplexType, ...] = ()
    simple_types: tuple[SimpleType, ...] = ()
    #: prefix the schema's own namespace gets in documents that import it
    prefix: str = field(default="", compare=False)

    def complex_type(self, name: str) -> ComplexType:
        """The named complex type; KeyError if there is none."""
        for ct in self.complex_types:
            if ct.name == name:
                return ct
        raise KeyError(name)

    def simple_type(self, name: str) -> SimpleType:
        """The named simple type; KeyError if there is none."""
        for st in self.simple_types:
            if st.name == name:
                return st
        raise KeyError(name)


def local_name(qname: str) -> str:
    """``"mdk:tittel"`` → ``"tittel"``, ``"{uri}x"`` → ``"x"``."""
    if qname.startswith("{"):
        return qname.split("}", 1)[1]
    return qname.split(":", 1)[-1]


def canonical(schema: Schema) -> Schema:
    """The same schema with its declarations sorted by name, so that declaration order never
    makes two structurally equal schemas compare different (order of *particles* is kept)."""
    return Schema(
        key=schema.key,
        namespace=schema.namespace,
        version=schema.version,
        element_form=schema.element_form,
        attribute_form=schema.attribute_form,
        imports=tuple(sorted(schema.imports)),
        elements=tuple(sorted(schema.elements, key=lambda e: e.label)),
        complex_types=tuple(sorted(schema.complex_types, key=lambda c: c.name or "")),
        simple_types=tuple(sorted(schema.simple_types, key=lambda s: s.name or "")),
        prefix=schema.prefix,
    )


# --------------------------------------------------------------------------- JSON form


def _occurs_json(value: Occurs) -> int | str:
    return "unbounded" if value is None else value


def _occurs_from(value: Any, default: Occurs = 1) -> Occurs:
    if value is None:
        return default
    return None if value == "unbounded" else int(value)


def _particle_to_json(p: Particle) -> dict[str, Any]:
    out: dict[str, Any]
    if isinstance(p, Group):
        out = {p.kind: [_particle_to_json(i) for i in p.items]}
    else:
        out = {}
        if p.name is not None:
            out["el"] = p.name
        if p.ref is not None:
            out["ref"] = p.ref
        if p.type is not None:
            out["type"] = p.type
        if p.complex is not None:
            out["complex"] = _complex_to_json(p.complex)
        if p.uniques:
            out["unique"] = [
                {"name": u.name, "selector": u.selector, "fields": list(u.fields)} for u in p.uniques
            ]
    if p.min != 1:
        out["min"] = p.min
    if p.max != 1:
        out["max"] = _occurs_json(p.max)
    return out


def _particle_from(d: dict[str, Any]) -> Particle:
    mn = int(d.get("min", 1))
    mx = _occurs_from(d.get("max"))
    for kind in ("sequence", "choice"):
        if kind in d:
            items = tuple(_particle_from(i) for i in d[kind])
            return Group(kind, items, mn, mx)
    return Element(
        name=d.get("el"),
        type=d.get("type"),
        ref=d.get("ref"),
        complex=_complex_from(d["complex"]) if "complex" in d else None,
        min=mn,
        max=mx,
        uniques=tuple(Unique(u["name"], u["selector"], tuple(u["fields"])) for u in d.get("unique", ())),
    )


def _complex_to_json(ct: ComplexType) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if ct.name is not None:
        out["name"] = ct.name
    if ct.extends is not None:
        out["extends"] = ct.extends
    if ct.simple_content is not None:
        out["simpleContent"] = ct.simple_content
    if ct.mixed:
        out["mixed"] = True
    if ct.content is not None:
        out["content"] = _particle_to_json(ct.content)
    if ct.attributes:
        out["attributes"] = [
            {"name": a.name, "type": a.type, **({"use": a.use} if a.use != "optional" else {})}
            for a in ct.attributes
        ]
    return out


def _complex_from(d: dict[str, Any]) -> ComplexType:
    content = _particle_from(d["content"]) if "content" in d else None
    assert content is None or isinstance(content, Group)
    return ComplexType(
        name=d.get("name"),
        content=content,
        extends=d.get("extends"),
        simple_content=d.get("simpleContent"),
        attributes=tuple(
            Attribute(a["name"], a["type"], a.get("use", "optional")) for a in d.get("attributes", ())
        ),
        mixed=bool(d.get("mixed", False)),
    )


def _simple_to_json(st: SimpleType) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if st.name is not None:
        out["name"] = st.name
    if st.m_number is not None:
        out["m"] = st.m_number
    if st.base is not None:
        out["base"] = st.base
    if st.facets:
        out["facets"] = [list(f) for f in st.facets]
    if st.union:
        out["union"] = [_simple_to_json(u) for u in st.union]
    if st.union_members:
        out["memberTypes"] = list(st.union_members)
    return out


def _simple_from(d: dict[str, Any]) -> SimpleType:
    return SimpleType(
        name=d.get("name"),
        base=d.get("base"),
        facets=tuple((str(k), str(v)) for k, v in d.get("facets", ())),
        union=tuple(_simple_from(u) for u in d.get("union", ())),
        union_members=tuple(d.get("memberTypes", ())),
        m_number=d.get("m"),
    )


def schema_to_json(schema: Schema) -> dict[str, Any]:
    """The JSON-ready form of a schema description."""
    out: dict[str, Any] = {
        "key": schema.key,
        "namespace": schema.namespace,
        "version": schema.version,
        "elementFormDefault": schema.element_form,
    }
    if schema.attribute_form is not None:
        out["attributeFormDefault"] = schema.attribute_form
    if schema.prefix:
        out["prefix"] = schema.prefix
    if schema.imports:
        out["imports"] = list(schema.imports)
    out["elements"] = [_particle_to_json(e) for e in schema.elements]
    out["complexTypes"] = [_complex_to_json(c) for c in schema.complex_types]
    out["simpleTypes"] = [_simple_to_json(s) for s in schema.simple_types]
    return out


def schema_from_json(d: dict[str, Any]) -> Schema:
    """Rebuild a schema description from its JSON form."""
    elements = []
    for e in d.get("elements", ()):
        p = _particle_from(e)
        assert isinstance(p, Element)
        elements.append(p)
    return Schema(
        key=d["key"],
        namespace=d["namespace"],
        version=d["version"],
        element_form=d.get("elementFormDefault", "qualified"),
        attribute_form=d.get("attributeFormDefault"),
        imports=tuple(d.get("imports", ())),
        elements=tuple(elements),
        complex_types=tuple(_complex_from(c) for c in d.get("complexTypes", ())),
        simple_types=tuple(_simple_from(s) for s in d.get("simpleTypes", ())),
        prefix=d.get("prefix", ""),
    )
