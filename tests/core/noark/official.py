"""The official Noark 5 reference data (../shared/noark5), read for tests.

Also the tool that (re)writes our schema description from the official facts::

    .venv/bin/python -m tests.core.noark.official

It reads each official XSD into *our* model (names, order, cardinality, types, M-numbers) and the
metadata catalogue's code lists, and writes them as our JSON data under
``tender/core/noark/schema/data/``. Nothing from the reference folder is copied; the tests then hold
the shipped description against the official files.
"""

from __future__ import annotations

import hashlib
import json
import re
from functools import cache
from pathlib import Path
from typing import Any

from lxml import etree

from tender.core.noark.schema.model import Schema, schema_to_json
from tender.core.noark.schema.xsdread import read_xsd

REPO = Path(__file__).resolve().parents[3]
NOARK5 = REPO / ".." / "shared" / "noark5"
XSD = NOARK5 / "xsd"
SAMPLES = NOARK5 / "samples"
CATALOGUE = NOARK5 / "reference" / "noark5_v5_metadatakatalog.json"
DATA = REPO / "tender" / "core" / "noark" / "schema" / "data"

VERSIONS = ("3.1", "4.0", "5.0")
NOARK_FILES = ("metadatakatalog", "arkivstruktur", "endringslogg", "loependeJournal", "offentligJournal")
ADDML_VERSIONS = ("8.2", "8.3")


def official_path(version: str, key: str) -> Path:
    """Where the official XSD for ``key`` ("arkivstruktur", "addml", ...) of ``version`` lies."""
    if key == "addml":
        return XSD / "addml" / f"addml_v{version}.xsd"
    return XSD / f"v{version}" / f"{key}.xsd"


@cache
def official_schema(version: str, key: str) -> Schema:
    """The official XSD read into our model."""
    return read_xsd(official_path(version, key).read_bytes(), key)


@cache
def official_xmlschema(version: str, key: str) -> etree.XMLSchema:
    """The official XSD compiled by lxml straight from the reference folder."""
    return etree.XMLSchema(etree.parse(str(official_path(version, key))))


def official_verdict(version: str, key: str, xml: Path) -> tuple[bool, list[tuple[int, str]]]:
    """Valid or not, and (line, message) of each error, according to the official schema."""
    schema = official_xmlschema(version, key)
    doc = etree.parse(str(xml), etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True))
    valid = schema.validate(doc)
    return valid, [(e.line, e.message) for e in schema.error_log]


def _digests(data: bytes) -> set[str]:
    """SHA-256 of the bytes as published and with LF / CRLF line endings (checkouts differ)."""
    lf = data.replace(b"\r\n", b"\n")
    return {hashlib.sha256(v).hexdigest() for v in (data, lf, lf.replace(b"\n", b"\r\n"))}


_CLOSED = re.compile(r"^\s*Obligatoriske verdier", re.IGNORECASE)


def catalogue_codes(v50: dict[str, Schema]) -> dict[str, Any]:
    """The v5.0 code lists, keyed by M-number, with the element names the v5.0 schemas use."""
    meta = json.loads(CATALOGUE.read_text(encoding="utf-8"))["metadata"]
    elements_by_m: dict[str, set[str]] = {}
    mdk = v50["metadatakatalog"]
    type_m = {st.name: st.m_number for st in mdk.simple_types if st.m_number}
    for _key, schema in v50.items():
        for ct in schema.complex_types:
            for el in _elements(ct.content):
                if el.type and el.type.startswith("mdk:") and type_m.get(el.type[4:]):
                    elements_by_m.setdefault(type_m[el.type[4:]], set()).add(el.label)
    codes: dict[str, Any] = {}
    for m, entry in sorted(meta.items()):
        values = entry["obligatoriske_verdier"]
        if not values or entry["utdatert"] != "nei":
            continue
        names = sorted(elements_by_m.get(m, set()))
        if not names:
            continue
        codes[m] = {
            "name": entry["navn"],
            "elements": names,
            "closed": bool(_CLOSED.match(entry["betingelser"] or "")),
            "values": values,
        }
    return codes


def _elements(group: Any) -> list[Any]:
    from tender.core.noark.schema.model import Element, Group

    out: list[Any] = []
    if group is None:
        return out
    for item in group.items:
        if isinstance(item, Group):
            out.extend(_elements(item))
        elif isinstance(item, Element):
            out.append(item)
    return out


def build_data() -> dict[str, Any]:
    """Everything our data files hold, computed from the reference folder."""
    files: dict[str, Any] = {}
    official_hashes: dict[str, list[str]] = {}
    for version in VERSIONS:
        schemas = {key: official_schema(version, key) for key in NOARK_FILES}
        files[f"noark5_v{version}.json"] = {
            "format": "tender-noark-schema/1",
            "version": version,
            "schemas": [schema_to_json(schemas[k]) for k in NOARK_FILES],
        }
        for key in NOARK_FILES:
            for digest in _digests(official_path(version, key).read_bytes()):
                official_hashes.setdefault(digest, []).append(f"{version}/{key}")
        if version == "5.0":
            files["codes_v5.0.json"] = {"format": "tender-noark-codes/1", "codes": catalogue_codes(schemas)}
    for version in ADDML_VERSIONS:
        files[f"addml_v{version}.json"] = {
            "format": "tender-noark-schema/1",
            "version": version,
            "schemas": [schema_to_json(official_schema(version, "addml"))],
        }
        for digest in _digests(official_path(version, "addml").read_bytes()):
            official_hashes.setdefault(digest, []).append(f"addml{version}/addml")
    files["official_hashes.json"] = {
        "format": "tender-noark-hashes/1",
        "comment": "SHA-256 of the published official schema files (as published, LF and CRLF)",
        "hashes": {k: sorted(v) for k, v in sorted(official_hashes.items())},
    }
    return files


def compact_json(value: Any, indent: str = "") -> str:
    """JSON with one line for every object or list that fits in 110 characters: diffable and short."""
    flat = json.dumps(value, ensure_ascii=False)
    if len(flat) + len(indent) <= 110 or not isinstance(value, (dict, list)):
        return flat
    inner = indent + " "
    if isinstance(value, dict):
        items = [
            f"{inner}{json.dumps(k, ensure_ascii=False)}: {compact_json(v, inner)}" for k, v in value.items()
        ]
        return "{\n" + ",\n".join(items) + "\n" + indent + "}"
    return "[\n" + ",\n".join(inner + compact_json(v, inner) for v in value) + "\n" + indent + "]"


def main() -> None:
    DATA.mkdir(parents=True, exist_ok=True)
    for name, content in build_data().items():
        text = compact_json(content) + "\n"
        (DATA / name).write_text(text, encoding="utf-8")
        print(f"wrote {DATA / name} ({len(text)} chars)")


if __name__ == "__main__":
    main()


# --------------------------------------------------------------------------- verdicts for tests

ADDML_NS = {"a": "http://www.arkivverket.no/standarder/addml"}
_VERSION_RULE = {"3.1": "3.1", "4.0": "4.0", "5.0": "5.0", "5.5": "5.0", "5.5.0": "5.0"}


def stated_version(addml: Path) -> str | None:
    """The Noark version an ADDML file states (read here with plain XPath, independently of the product)."""
    found = etree.parse(str(addml)).xpath(
        "//a:property[@name='info']/a:properties/a:property[@name='type']"
        "/a:properties/a:property[@name='version']/a:value/text()",
        namespaces=ADDML_NS,
    )
    return str(found[0]).strip() if found else None


def schema_version_for(addml: Path | None) -> str:
    """The version the rule "3.1, 4.0, 5.0 (5.5 = 5.0), anything else 5.0" picks."""
    stated = stated_version(addml) if addml is not None else None
    return _VERSION_RULE.get(stated or "", "5.0")


def vsm_schemas(addml: Path) -> list[str]:
    """Extra (non-standard) schema files ADDML lists for arkivstruktur."""
    names = etree.parse(str(addml)).xpath(
        "//a:dataObject[@name='arkivstruktur']//a:property[@name='schema']/a:properties/a:property[@name='file']"
        "/a:properties/a:property[@name='name']/a:value/text()",
        namespaces=ADDML_NS,
    )
    standard = {f"{k}.xsd" for k in NOARK_FILES} | {"addml.xsd"}
    return [str(n) for n in names if str(n) not in standard]


def official_schema_for_sample(version: str, key: str, extract_root: Path, workdir: Path) -> etree.XMLSchema:
    """The official schema for a file of a sample; for arkivstruktur with VSM schemas listed in its
    ADDML, a wrapper importing the official arkivstruktur.xsd and the sample's own VSM schemas."""
    addml = extract_root / "arkivuttrekk.xml"
    extras = vsm_schemas(addml) if key == "arkivstruktur" and addml.exists() else []
    if not extras:
        return official_xmlschema(version, key)
    folder = workdir / "official-wrapper"
    folder.mkdir(exist_ok=True)
    for name in ("arkivstruktur.xsd", "metadatakatalog.xsd"):
        (folder / name).write_bytes(official_path(version, name[:-4]).read_bytes())
    imports = []
    for name in extras:
        data = (extract_root / name).read_bytes()
        (folder / name).write_bytes(data)
        ns = etree.fromstring(data).get("targetNamespace")
        imports.append(f'<xs:import namespace="{ns}" schemaLocation="{name}"/>')
    arkiv_ns = "http://www.arkivverket.no/standarder/noark5/arkivstruktur"
    (folder / "wrapper.xsd").write_text(
        '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">'
        f'<xs:import namespace="{arkiv_ns}" schemaLocation="arkivstruktur.xsd"/>'
        + "".join(imports)
        + "</xs:schema>",
        encoding="utf-8",
    )
    return etree.XMLSchema(etree.parse(str(folder / "wrapper.xsd")))
