"""What the validator knows about the Noark 5 and ADDML schemas, in our own data format.

``data/noark5_v<version>.json`` describe, for Noark 5 v3.1, v4.0 and v5.0, the five schema documents of
an extract (``arkivstruktur``, ``metadatakatalog``, ``loependeJournal``, ``offentligJournal``,
``endringslogg``): every element with its order, cardinality and type, every simple type with its
facets and M-number. ``data/addml_v8.2.json`` / ``addml_v8.3.json`` do the same for ADDML.
``data/codes_v5.0.json`` holds the v5.0 code lists the v5.0 schemas no longer enumerate, and
``data/official_hashes.json`` the SHA-256 of the published schema files (so a bundled copy can be
recognised). The format is described in :mod:`.model`; ``tests/core/noark/official.py`` rebuilds the
data from the standard's published facts and the tests hold it against the official XSDs.

:func:`xsd_dir` writes XSD files generated from this description into a cache folder for libxml2.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Final

from .model import ADDML_NS, Element, Particle, Schema, schema_from_json
from .xsdwrite import write_xsd

#: Noark 5 versions we carry schemas for
NOARK_VERSIONS: Final = ("3.1", "4.0", "5.0")
#: the version used when the extract's stated version is unknown
DEFAULT_VERSION: Final = "5.0"
#: ADDML version used to validate arkivuttrekk.xml (the one Arkade and the v5.0 template use)
ADDML_VERSION: Final = "8.3"
#: the schema documents of an extract, in the order they are listed in ADDML
NOARK_KEYS: Final = (
    "arkivstruktur",
    "metadatakatalog",
    "endringslogg",
    "loependeJournal",
    "offentligJournal",
)


def _read_data(name: str) -> Any:
    text = resources.files(__package__).joinpath("data", name).read_text(encoding="utf-8")
    return json.loads(text)


@cache
def noark_schemas(version: str) -> dict[str, Schema]:
    """Our description of the Noark 5 schema documents of ``version`` ("3.1", "4.0", "5.0"), by key."""
    if version not in NOARK_VERSIONS:
        raise KeyError(version)
    data = _read_data(f"noark5_v{version}.json")
    return {s["key"]: schema_from_json(s) for s in data["schemas"]}


@cache
def addml_schema(version: str = ADDML_VERSION) -> Schema:
    """Our description of ADDML ``version`` ("8.2" or "8.3")."""
    data = _read_data(f"addml_v{version}.json")
    schema = schema_from_json(data["schemas"][0])
    assert schema.namespace == ADDML_NS
    return schema


@dataclass(frozen=True)
class CodeList:
    """A v5.0 code list from the metadata catalogue."""

    m_number: str
    name: str  #: the catalogue's name, e.g. "saksstatus"
    elements: tuple[str, ...]  #: element names that use it in the v5.0 schemas
    closed: bool  #: True for "Obligatoriske verdier": no other value may be used
    values: tuple[str, ...]


@cache
def code_lists() -> dict[str, CodeList]:
    """The v5.0 code lists by element name."""
    out: dict[str, CodeList] = {}
    for m, entry in _read_data("codes_v5.0.json")["codes"].items():
        code = CodeList(
            m, entry["name"], tuple(entry["elements"]), bool(entry["closed"]), tuple(entry["values"])
        )
        for element in code.elements:
            out[element] = code
    return out


@cache
def official_hashes() -> dict[str, tuple[str, ...]]:
    """SHA-256 of each published official schema file → which ones ("5.0/arkivstruktur", "addml8.3/addml")."""
    return {k: tuple(v) for k, v in _read_data("official_hashes.json")["hashes"].items()}


@dataclass(frozen=True)
class ElementInfo:
    """What a finding says about an element: its M-number and Norwegian name."""

    name: str
    m_number: str | None
    type: str | None  #: our type reference, e.g. "mdk:tittel" or "saksmappe"


def _walk(p: Particle | None) -> list[Element]:
    if p is None:
        return []
    if isinstance(p, Element):
        return [p]
    out: list[Element] = []
    for item in p.items:
        out.extend(_walk(item))
    return out


@cache
def element_infos(version: str) -> dict[str, ElementInfo]:
    """Element name → M-number/type for every element the Noark 5 schemas of ``version`` declare."""
    schemas = noark_schemas(version)
    m_of = {st.name: st.m_number for st in schemas["metadatakatalog"].simple_types}
    m_of.update({ct.name: _complex_m(ct.name, schemas) for ct in schemas["metadatakatalog"].complex_types})
    out: dict[str, ElementInfo] = {}
    for key in NOARK_KEYS:
        schema = schemas[key]
        for ct in schema.complex_types:
            for el in _walk(ct.content):
                if el.name is None or el.name in out:
                    continue
                m = m_of.get(el.type[4:]) if el.type and el.type.startswith("mdk:") else None
                out[el.name] = ElementInfo(el.name, m, el.type)
        for el in schema.elements:
            out.setdefault(el.label, ElementInfo(el.label, None, el.type))
    return out


def _complex_m(name: str | None, schemas: dict[str, Schema]) -> str | None:
    # systemID is a complex type (UUID text + label attribute) in v5.0; its M-number lives on the
    # simple type it extends only by convention, so name it directly.
    return "M001" if name == "systemID" else None


def describe_element(version: str, name: str) -> ElementInfo:
    """Info for ``name``; elements outside the schema (a typo, VSM) get no M-number."""
    return element_infos(version).get(name, ElementInfo(name, None, None))


@cache
def mandatory_children(version: str, type_name: str) -> frozenset[str]:
    """Names a complex type (or an element of that name) of any Noark file requires at least once.

    A name inside an optional group or choice is not required, even if its own minOccurs is 1.
    """
    schemas = noark_schemas(version)
    for key in NOARK_KEYS:
        schema = schemas[key]
        try:
            ct = schema.complex_type(type_name)
        except KeyError:
            continue
        names: set[str] = set()
        while True:
            names |= _required(ct.content)
            if not ct.extends:
                break
            ct = schema.complex_type(ct.extends)
        return frozenset(names)
    return frozenset()


def _required(p: Particle | None) -> set[str]:
    if p is None or p.min == 0:
        return set()
    if isinstance(p, Element):
        return {p.label}
    if p.kind == "choice":
        # a name is required only if every branch requires it
        branches = [_required(i) for i in p.items]
        return set.intersection(*branches) if branches else set()
    out: set[str] = set()
    for item in p.items:
        out |= _required(item)
    return out


# --------------------------------------------------------------------------- generated XSD files

_GENERATOR_VERSION: Final = "1"


def _cache_root() -> Path:
    base = os.environ.get("TENDER_XSD_CACHE") or os.path.join(
        tempfile.gettempdir(), f"tender-xsd-{os.getuid()}"
    )
    return Path(base)


def _write_atomically(path: Path, text: str) -> None:
    # several processes (web workers, CLI) may generate the same cache at once
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".xsd")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


def _generate(folder: Path, schemas: list[Schema]) -> Path:
    texts = {f"{s.key}.xsd": write_xsd(s, {x.key: x.namespace for x in schemas}) for s in schemas}
    digest = hashlib.sha256(
        (_GENERATOR_VERSION + "".join(k + v for k, v in sorted(texts.items()))).encode("utf-8")
    ).hexdigest()[:16]
    target = folder / digest
    if all((target / name).is_file() for name in texts):
        return target
    target.mkdir(parents=True, exist_ok=True)
    for name, text in texts.items():
        _write_atomically(target / name, text)
    return target


@cache
def xsd_dir(version: str) -> Path:
    """A folder with ``arkivstruktur.xsd`` … ``metadatakatalog.xsd`` generated from our description of
    Noark 5 ``version``, plus ``addml.xsd`` (ADDML 8.3). Created once, reused across runs."""
    schemas = list(noark_schemas(version).values()) + [addml_schema(ADDML_VERSION)]
    return _generate(_cache_root() / f"noark5-v{version}", schemas)
