"""Read an XSD document into our schema model (:mod:`.model`).

Used to compare a schema an extract ships with our description of the official one, and by the
tests that hold our description against the official files. Only the part of XML Schema the Noark 5
and ADDML schemas use is understood; anything else raises :class:`UnsupportedSchema`, which for a
comparison simply means "not the official schema".

The document is parsed without network access, DTDs or entity expansion: extract schemas are
untrusted input.
"""

from __future__ import annotations

import re
from typing import Literal, cast

from lxml import etree

from ..safexml import parse_small
from .model import (
    MDK_NS,
    XS_NS,
    Attribute,
    ComplexType,
    Element,
    Group,
    Occurs,
    Particle,
    Schema,
    SimpleType,
    Unique,
)

_XS = "{" + XS_NS + "}"
_FACETS = {
    "enumeration",
    "pattern",
    "minLength",
    "maxLength",
    "length",
    "minInclusive",
    "maxInclusive",
    "minExclusive",
    "maxExclusive",
    "totalDigits",
    "fractionDigits",
    "whiteSpace",
}
_M_NUMBER = re.compile(r"^\s*(M\d{3})\s*$")


class UnsupportedSchema(ValueError):
    """The XSD uses a construct outside the subset the official Noark 5 / ADDML schemas use."""


def read_xsd(data: bytes, key: str) -> Schema:
    """Describe the XSD in ``data`` as a :class:`Schema` named ``key``.

    Raises ``etree.XMLSyntaxError`` for malformed XML, ``UnsafeXml`` for a DOCTYPE and
    :class:`UnsupportedSchema` for constructs outside the supported subset.
    """
    root = parse_small(data)
    if root.tag != _XS + "schema":
        raise UnsupportedSchema(f"root element is {root.tag}, not xs:schema")
    reader = _Reader(root.get("targetNamespace") or "")
    imports: list[str] = []
    elements: list[Element] = []
    complex_types: list[ComplexType] = []
    simple_types: list[SimpleType] = []
    for child in root:
        tag = _xs_tag(child)
        if tag == "annotation":
            continue
        if tag == "import":
            imports.append(_import_key(child.get("namespace") or "", child.get("schemaLocation") or ""))
        elif tag == "element":
            elements.append(reader.element(child, top_level=True))
        elif tag == "complexType":
            complex_types.append(reader.complex_type(child))
        elif tag == "simpleType":
            simple_types.append(reader.simple_type(child))
        else:
            raise UnsupportedSchema(f"xs:{tag} at the top level")
    return Schema(
        key=key,
        namespace=reader.tns,
        version=root.get("version") or "",
        element_form=root.get("elementFormDefault") or "unqualified",
        attribute_form=root.get("attributeFormDefault"),
        imports=tuple(imports),
        elements=tuple(elements),
        complex_types=tuple(complex_types),
        simple_types=tuple(simple_types),
    )


def _import_key(namespace: str, location: str) -> str:
    if namespace == MDK_NS:
        return "metadatakatalog"
    stem = location.rsplit("/", 1)[-1]
    return stem[:-4] if stem.endswith(".xsd") else stem or namespace


def _xs_tag(el: etree._Element) -> str:
    tag = el.tag
    if not isinstance(tag, str) or not tag.startswith(_XS):
        raise UnsupportedSchema(f"non-schema element {tag!r}")
    return tag[len(_XS) :]


def _occurs(value: str | None) -> Occurs:
    if value is None:
        return 1
    return None if value == "unbounded" else int(value)


class _Reader:
    def __init__(self, tns: str) -> None:
        self.tns = tns

    def qname(self, el: etree._Element, value: str) -> str:
        """Resolve a QName attribute value to our short form."""
        prefix, _, local = value.rpartition(":")
        ns = el.nsmap.get(prefix or None)
        if ns is None and prefix:
            raise UnsupportedSchema(f"undeclared prefix in {value!r}")
        if ns == XS_NS:
            return "xs:" + local
        if ns == self.tns and ns:
            return local
        if ns == MDK_NS:
            return "mdk:" + local
        return "{" + (ns or "") + "}" + local

    def element(self, el: etree._Element, top_level: bool = False) -> Element:
        allowed = {"name", "type", "ref", "minOccurs", "maxOccurs"}
        extra = set(el.attrib) - allowed
        if extra:
            raise UnsupportedSchema(f"xs:element attribute(s) {sorted(extra)}")
        complex_: ComplexType | None = None
        uniques: list[Unique] = []
        for child in el:
            tag = _xs_tag(child)
            if tag == "annotation":
                continue
            if tag == "complexType":
                complex_ = self.complex_type(child)
            elif tag == "unique":
                uniques.append(self.unique(child))
            else:
                raise UnsupportedSchema(f"xs:{tag} inside xs:element")
        type_ = el.get("type")
        ref = el.get("ref")
        return Element(
            name=el.get("name"),
            type=self.qname(el, type_) if type_ else None,
            ref=self.qname(el, ref) if ref else None,
            complex=complex_,
            min=1 if top_level else int(el.get("minOccurs", "1")),
            max=1 if top_level else _occurs(el.get("maxOccurs")),
            uniques=tuple(uniques),
        )

    def unique(self, el: etree._Element) -> Unique:
        selector = ""
        fields: list[str] = []
        for child in el:
            tag = _xs_tag(child)
            if tag == "selector":
                selector = child.get("xpath") or ""
            elif tag == "field":
                fields.append(child.get("xpath") or "")
            elif tag != "annotation":
                raise UnsupportedSchema(f"xs:{tag} inside xs:unique")
        return Unique(el.get("name") or "", selector, tuple(fields))

    def group(self, el: etree._Element) -> Group:
        kind = _xs_tag(el)
        if kind not in ("sequence", "choice"):
            raise UnsupportedSchema(f"xs:{kind} content model")
        items: list[Particle] = []
        for child in el:
            tag = _xs_tag(child)
            if tag == "annotation":
                continue
            if tag == "element":
                items.append(self.element(child))
            elif tag in ("sequence", "choice"):
                items.append(self.group(child))
            else:
                raise UnsupportedSchema(f"xs:{tag} inside xs:{kind}")
        return Group(
            cast(Literal["sequence", "choice"], kind),
            tuple(items),
            int(el.get("minOccurs", "1")),
            _occurs(el.get("maxOccurs")),
        )

    def attribute(self, el: etree._Element) -> Attribute:
        extra = set(el.attrib) - {"name", "type", "use"}
        if extra or len([c for c in el if _xs_tag(c) != "annotation"]):
            raise UnsupportedSchema("xs:attribute beyond name/type/use")
        use = el.get("use", "optional")
        if use not in ("optional", "required", "prohibited"):
            raise UnsupportedSchema(f"attribute use {use!r}")
        return Attribute(
            el.get("name") or "",
            self.qname(el, el.get("type") or "xs:anySimpleType"),
            cast(Literal["optional", "required", "prohibited"], use),
        )

    def complex_type(self, el: etree._Element) -> ComplexType:
        extra = set(el.attrib) - {"name", "mixed"}
        if extra:
            raise UnsupportedSchema(f"xs:complexType attribute(s) {sorted(extra)}")
        content: Group | None = None
        extends: str | None = None
        simple_content: str | None = None
        attributes: list[Attribute] = []
        for child in el:
            tag = _xs_tag(child)
            if tag == "annotation":
                continue
            if tag in ("sequence", "choice"):
                content = self.group(child)
            elif tag == "attribute":
                attributes.append(self.attribute(child))
            elif tag in ("complexContent", "simpleContent"):
                ext = [c for c in child if _xs_tag(c) != "annotation"]
                if len(ext) != 1 or _xs_tag(ext[0]) != "extension":
                    raise UnsupportedSchema(f"xs:{tag} without a single xs:extension")
                base = self.qname(ext[0], ext[0].get("base") or "")
                if tag == "complexContent":
                    extends = base
                else:
                    simple_content = base
                for part in ext[0]:
                    ptag = _xs_tag(part)
                    if ptag == "annotation":
                        continue
                    if ptag in ("sequence", "choice"):
                        content = self.group(part)
                    elif ptag == "attribute":
                        attributes.append(self.attribute(part))
                    else:
                        raise UnsupportedSchema(f"xs:{ptag} inside xs:extension")
            else:
                raise UnsupportedSchema(f"xs:{tag} inside xs:complexType")
        return ComplexType(
            name=el.get("name"),
            content=content,
            extends=extends,
            simple_content=simple_content,
            attributes=tuple(attributes),
            mixed=el.get("mixed") in ("true", "1"),
        )

    def simple_type(self, el: etree._Element) -> SimpleType:
        m_number: str | None = None
        base: str | None = None
        facets: list[tuple[str, str]] = []
        union: list[SimpleType] = []
        members: tuple[str, ...] = ()
        for child in el:
            tag = _xs_tag(child)
            if tag == "annotation":
                for doc in child:
                    match = _M_NUMBER.match(doc.text or "")
                    if match:
                        m_number = match.group(1)
            elif tag == "restriction":
                base = self.qname(child, child.get("base") or "")
                for facet in child:
                    ftag = _xs_tag(facet)
                    if ftag == "annotation":
                        continue
                    if ftag not in _FACETS:
                        raise UnsupportedSchema(f"facet xs:{ftag}")
                    facets.append((ftag, facet.get("value") or ""))
            elif tag == "union":
                member_attr = child.get("memberTypes")
                if member_attr:
                    members = tuple(self.qname(child, m) for m in member_attr.split())
                for member in child:
                    if _xs_tag(member) == "simpleType":
                        union.append(self.simple_type(member))
                    elif _xs_tag(member) != "annotation":
                        raise UnsupportedSchema("union member")
            else:
                raise UnsupportedSchema(f"xs:{tag} inside xs:simpleType")
        return SimpleType(
            name=el.get("name"),
            base=base,
            facets=tuple(facets),
            union=tuple(union),
            union_members=members,
            m_number=m_number,
        )
