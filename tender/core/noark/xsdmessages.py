"""libxml2's parser and schema messages, turned into findings an archivist can act on.

"Element '{…}opprettetDato': This element is not expected. Expected is ( {…}tittel )." becomes
"M020 tittel mangler eller står på feil plass i saksmappe på linje 41: fant opprettetDato der tittel
var ventet." The element, its M-number and Norwegian name, the line and column, and what was expected
are kept as fields too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from .findings import Finding, Severity
from .libxml2 import DOMAIN_SCHEMASV, RawProblem
from .schema import describe_element

STRUCT_WELLFORMED: Final = "N5V-STRUCT-05"
STRUCT_VALID: Final = "N5V-STRUCT-06"

_ELEMENT = re.compile(r"^Element '(?P<el>[^']+)'(?:, attribute '(?P<attr>[^']+)')?: (?P<rest>.*)$", re.DOTALL)
_EXPECTED = re.compile(r"Expected is(?: one of)? \( (?P<list>.*?) \)\.?$", re.DOTALL)
_NOT_VALID = re.compile(
    r"^'(?P<value>.*)' is not a valid value of the (?:local )?(?:atomic|union|list) type(?: "
    r"'(?P<type>[^']+)')?\.?$",
    re.DOTALL,
)
_FACET = re.compile(r"^\[facet '(?P<facet>[^']+)'\] (?P<text>.*)$", re.DOTALL)
_FACET_VALUE = re.compile(r"The value '(?P<value>.*?)'")

#: what a value of a built-in type should look like, in both languages
_TYPE_HINTS: Final[dict[str, tuple[str, str]]] = {
    "xs:date": ("en dato på formen ÅÅÅÅ-MM-DD", "a date of the form YYYY-MM-DD"),
    "xs:dateTime": (
        "dato og klokkeslett på formen ÅÅÅÅ-MM-DDTtt:mm:ss",
        "a date and time of the form YYYY-MM-DDThh:mm:ss",
    ),
    "xs:integer": ("et heltall", "an integer"),
    "xs:nonNegativeInteger": ("et heltall som ikke er negativt", "a non-negative integer"),
    "xs:boolean": ("true eller false", "true or false"),
}


def _local(clark: str) -> str:
    return clark.rsplit("}", 1)[-1]


@dataclass
class SchemaProblem:
    """One libxml2 message, parsed, waiting to learn which element it was found in."""

    raw: RawProblem
    kind: str  #: "syntax", "doctype", "unexpected", "missing", "value", "other"
    element: str | None  #: local name of the element the message is about
    expected: tuple[str, ...] = ()
    value: str | None = None
    facet: str | None = None
    detail: str = ""
    parent: str | None = None  #: where it was found, e.g. "saksmappe" (filled in while scanning)


def parse_problem(raw: RawProblem) -> SchemaProblem:
    """Classify a libxml2 message."""
    if raw.domain != DOMAIN_SCHEMASV:
        kind = "doctype" if raw.message == "DOCTYPE" else "syntax"
        return SchemaProblem(raw, kind, None, detail=raw.message)
    m = _ELEMENT.match(raw.message)
    if not m:
        return SchemaProblem(raw, "other", None, detail=raw.message)
    element = _local(m.group("el"))
    rest = m.group("rest").strip()
    expected: tuple[str, ...] = ()
    em = _EXPECTED.search(rest)
    if em:
        expected = tuple(_local(x.strip()) for x in em.group("list").split(",") if x.strip())
    if m.group("attr"):
        return SchemaProblem(raw, "other", element, detail=f"attribute {_local(m.group('attr'))}: {rest}")
    if rest.startswith("This element is not expected"):
        return SchemaProblem(raw, "unexpected", element, expected)
    if rest.startswith("Missing child element"):
        return SchemaProblem(raw, "missing", element, expected)
    nv = _NOT_VALID.match(rest)
    if nv:
        return SchemaProblem(raw, "value", element, value=nv.group("value"), detail=nv.group("type") or "")
    fm = _FACET.match(rest)
    if fm:
        vm = _FACET_VALUE.search(fm.group("text"))
        return SchemaProblem(
            raw,
            "value",
            element,
            value=vm.group("value") if vm else None,
            facet=fm.group("facet"),
            detail=fm.group("text"),
        )
    return SchemaProblem(raw, "other", element, detail=rest)


def mandatory_among(version: str, parent: str | None, names: tuple[str, ...]) -> str | None:
    """The one name in ``names`` that the content of ``parent`` (a type name such as "saksmappe")
    requires, if exactly one is; libxml2 lists optional and mandatory candidates alike."""
    if not parent or len(names) < 2:
        return names[0] if len(names) == 1 else None
    from .schema import mandatory_children

    required = mandatory_children(version, parent)
    hits = [n for n in names if n in required]
    return hits[0] if len(hits) == 1 else None


def _m_name(version: str, name: str) -> str:
    info = describe_element(version, name)
    return f"{info.m_number} {name}" if info.m_number else name


def _where_no(parent: str | None, line: int) -> str:
    return (f" i {parent}" if parent else "") + f" på linje {line}"


def _where_en(parent: str | None, line: int) -> str:
    return (f" in {parent}" if parent else "") + f" on line {line}"


def _value_hint(version: str, element: str, p: SchemaProblem) -> tuple[str, str]:
    info = describe_element(version, element)
    if p.facet == "minLength" or (p.value == "" and p.facet is None):
        return "elementet er tomt", "the element is empty"
    if p.facet == "pattern":
        if element == "systemID" or (info.type or "").startswith("mdk:referanse"):
            return "ventet en UUID (f.eks. 3f2b…-…)", "expected a UUID"
        return "verdien har feil form", "the value has the wrong form"
    if p.facet == "enumeration":
        return "verdien er ikke en av de tillatte kodeverdiene", "the value is not one of the allowed codes"
    base = _base_type(version, info.type)
    if base in _TYPE_HINTS:
        no, en = _TYPE_HINTS[base]
        return f"ventet {no}", f"expected {en}"
    return "verdien passer ikke datatypen", "the value does not fit the data type"


def _base_type(version: str, type_ref: str | None) -> str | None:
    from .schema import noark_schemas

    if not type_ref or not type_ref.startswith("mdk:"):
        return type_ref
    mdk = noark_schemas(version)["metadatakatalog"]
    try:
        st = mdk.simple_type(type_ref[4:])
    except KeyError:
        return None
    if st.union:
        return "xs:dateTime" if any(u.base == "xs:dateTime" for u in st.union) else st.union[0].base
    return st.base


def to_finding(p: SchemaProblem, version: str, file: str) -> Finding:
    """The finding for one parsed problem."""
    line, col = p.raw.line, p.raw.column
    if p.kind == "doctype":
        return Finding(
            STRUCT_WELLFORMED,
            Severity.ERROR,
            f"{file} har en dokumenttypedeklarasjon (DOCTYPE) på linje {line}; det er ikke tillatt i et "
            "arkivuttrekk, og filen er ikke lest videre.",
            f"{file} has a document type declaration (DOCTYPE) on line {line}; that is not allowed in an "
            "extract, and the file was not read further.",
            file,
            line,
            col,
        )
    if p.kind == "syntax":
        return Finding(
            STRUCT_WELLFORMED,
            Severity.ERROR,
            f"{file} er ikke velformet XML på linje {line}, kolonne {col}: {p.detail}. Resten av filen kan "
            "ikke kontrolleres.",
            f"{file} is not well-formed XML at line {line}, column {col}: {p.detail}. The rest of the file "
            "cannot be checked.",
            file,
            line,
            col,
        )
    element = p.element or ""
    if p.kind == "unexpected":
        found = _m_name(version, element)
        exp_one = mandatory_among(version, p.parent, p.expected)
        if exp_one is not None:
            exp = exp_one
            info = describe_element(version, exp)
            return Finding(
                STRUCT_VALID,
                Severity.ERROR,
                f"{_m_name(version, exp)} mangler eller står på feil plass{_where_no(p.parent, line)}: "
                f"fant {found} der {exp} var ventet.",
                f"{_m_name(version, exp)} is missing or out of place{_where_en(p.parent, line)}: "
                f"found {found} where {exp} was expected.",
                file,
                line,
                col,
                exp,
                info.m_number,
            )
        info = describe_element(version, element)
        if p.expected:
            exp_list = ", ".join(p.expected)
            return Finding(
                STRUCT_VALID,
                Severity.ERROR,
                f"{found} er ikke tillatt her{_where_no(p.parent, line)}; ventet en av: {exp_list}.",
                f"{found} is not allowed here{_where_en(p.parent, line)}; expected one of: {exp_list}.",
                file,
                line,
                col,
                element,
                info.m_number,
            )
        return Finding(
            STRUCT_VALID,
            Severity.ERROR,
            f"{found} er ikke tillatt{_where_no(p.parent, line)}; det kommer etter alt som er lov der.",
            f"{found} is not allowed{_where_en(p.parent, line)}; it comes after everything allowed there.",
            file,
            line,
            col,
            element,
            info.m_number,
        )
    if p.kind == "missing":
        exp = mandatory_among(version, p.parent or element, p.expected) or (
            p.expected[0] if p.expected else ""
        )
        info = describe_element(version, exp)
        where = p.parent or element
        more = f" (ventet en av: {', '.join(p.expected)})" if len(p.expected) > 1 else ""
        more_en = f" (expected one of: {', '.join(p.expected)})" if len(p.expected) > 1 else ""
        return Finding(
            STRUCT_VALID,
            Severity.ERROR,
            f"{_m_name(version, exp)} mangler{_where_no(where, line)}{more}.",
            f"{_m_name(version, exp)} is missing{_where_en(where, line)}{more_en}.",
            file,
            line,
            col,
            exp or element,
            info.m_number,
        )
    if p.kind == "value":
        info = describe_element(version, element)
        hint_no, hint_en = _value_hint(version, element, p)
        shown = f" «{p.value}»" if p.value else ""
        shown_en = f" '{p.value}'" if p.value else ""
        return Finding(
            STRUCT_VALID,
            Severity.ERROR,
            f"{_m_name(version, element)} har ugyldig verdi{shown}{_where_no(p.parent, line)}: {hint_no}.",
            f"{_m_name(version, element)} has an invalid value{shown_en}{_where_en(p.parent, line)}: "
            f"{hint_en}.",
            file,
            line,
            col,
            element,
            info.m_number,
        )
    other = describe_element(version, element) if element else None
    return Finding(
        STRUCT_VALID,
        Severity.ERROR,
        f"Skjemafeil{_where_no(p.parent, line)}" + (f" i {element}" if element else "") + f": {p.detail}",
        f"Schema error{_where_en(p.parent, line)}" + (f" in {element}" if element else "") + f": {p.detail}",
        file,
        line,
        col,
        element or None,
        other.m_number if other else None,
    )


def is_duplicate_of(prev: SchemaProblem | None, p: SchemaProblem) -> bool:
    """libxml2 follows a facet error with a second "is not a valid value" message for the same value;
    both describe one mistake."""
    return (
        prev is not None
        and prev.kind == "value"
        and prev.facet is not None
        and p.kind == "value"
        and p.facet is None
        and prev.element == p.element
        and prev.raw.line == p.raw.line
    )
