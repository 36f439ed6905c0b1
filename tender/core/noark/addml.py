"""The extract's own description: ``arkivuttrekk.xml`` (or ``addml.xml``), read into plain data.

Only what the validator uses is read, by property *name* rather than position (vendors reorder
properties; Arkade's positional reading is a known source of confusion). Layout per the standard's
template ``Noark 5 v 5-arkivuttrekk_v5_0.xml``: the top ``dataObject`` carries ``info/type`` (Noark
version) and ``info/additionalInfo`` (period separation, flags, number of document files); each nested
``dataObject`` describes one XML file with its checksum, its schemas and ``numberOfOccurrences``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Final, Literal

from lxml import etree

from .schema import DEFAULT_VERSION, NOARK_VERSIONS

_NS: Final = "{http://www.arkivverket.no/standarder/addml}"

#: names the ADDML file may have, in the order we look for them
ADDML_NAMES: Final = ("arkivuttrekk.xml", "addml.xml")

#: stated versions we accept, and the schema version they mean ("5.5" is the 2023 maintenance of v5.0)
VERSION_ALIASES: Final = {"3.1": "3.1", "4.0": "4.0", "5.0": "5.0", "5.5": "5.0", "5.5.0": "5.0"}

FLAG_NAMES: Final = (
    "inneholderSkjermetInformasjon",
    "omfatterDokumenterSomErKassert",
    "inneholderDokumenterSomSkalKasseres",
    "inneholderVirksomhetsspesifikkeMetadata",
)


@dataclass(frozen=True)
class Checksum:
    """A ``checksum`` property: algorithm and hex value as written (either may be missing)."""

    algorithm: str | None
    value: str | None
    line: int | None


@dataclass(frozen=True)
class FileDecl:
    """A ``file`` property: the file's name and its checksum property, if any."""

    name: str
    checksum: Checksum | None
    line: int | None


@dataclass(frozen=True)
class SchemaDecl:
    """A ``schema`` property of a data object; ``main`` when its value is "main"."""

    file: FileDecl
    main: bool
    type: str | None


@dataclass(frozen=True)
class CountDecl:
    """A ``numberOfOccurrences`` property: how many ``element`` the file should hold."""

    element: str
    value: int | None
    raw: str | None
    line: int | None


@dataclass(frozen=True)
class DataObject:
    """One XML file of the extract as ADDML describes it."""

    name: str
    file: FileDecl | None
    schemas: tuple[SchemaDecl, ...]
    counts: tuple[CountDecl, ...]
    line: int | None


@dataclass(frozen=True)
class Addml:
    """What ``arkivuttrekk.xml`` says about the extract."""

    path: str  #: the ADDML file, relative to the extract root
    noark_type: str | None
    stated_version: str | None
    version_line: int | None
    period_start: dt.date | None
    period_end: dt.date | None
    period_raw: tuple[str | None, str | None]
    incoming_separation: str | None
    outgoing_separation: str | None
    flags: dict[str, bool | None] = field(default_factory=dict)
    document_count: int | None = None
    document_count_raw: str | None = None
    document_count_line: int | None = None
    record_creators: tuple[str, ...] = ()
    system_name: str | None = None
    archive_name: str | None = None
    data_objects: tuple[DataObject, ...] = ()

    @property
    def sharp_separation(self) -> bool:
        """Both period separations are sharp ("skarpt"; "skarp" is accepted too)."""
        return _is_sharp(self.incoming_separation) and _is_sharp(self.outgoing_separation)

    def data_object(self, name: str) -> DataObject | None:
        """The data object for ``name`` ("arkivstruktur", …), matched case-insensitively."""
        for obj in self.data_objects:
            if obj.name.lower() == name.lower():
                return obj
        for obj in self.data_objects:
            if obj.file is not None and obj.file.name.lower() == f"{name.lower()}.xml":
                return obj
        return None

    def count_for(self, data_object: str, element: str) -> CountDecl | None:
        """The declared number of ``element`` in a data object's file."""
        obj = self.data_object(data_object)
        if obj is None:
            return None
        for count in obj.counts:
            if count.element == element:
                return count
        return None


def _is_sharp(value: str | None) -> bool:
    return bool(value) and value.strip().lower().startswith("skarp")  # type: ignore[union-attr]


def resolve_version(stated: str | None) -> tuple[str, bool]:
    """The schema version to use for a stated ADDML version, and whether the statement was understood.

    Never guessed from anything else: an unknown or missing version falls back to v5.0.
    """
    if stated is None:
        return DEFAULT_VERSION, False
    version = VERSION_ALIASES.get(stated.strip())
    if version is None or version not in NOARK_VERSIONS:
        return DEFAULT_VERSION, False
    return version, True


#: why a version was used: the ADDML statement and the bundled schemas agreeing, the bundled schemas
#: (the statement is missing, unknown or says another version), the statement alone (no recognised
#: schemas bundled), or neither (the default, v5.0)
VersionBasis = Literal["stated_and_bundled", "bundled", "stated", "default"]


@dataclass(frozen=True)
class VersionDecision:
    """Which schema version an extract is checked against, and on what grounds.

    ``bundled`` is the version the extract's own schemas were recognised as (by content), ``None`` when
    it carries none we recognise. Arkade validates each file against the schemas the extract lists and
    bundles, so recognised bundled schemas win over the ADDML statement; the statement decides only
    when they are absent or unrecognised, and v5.0 is used when neither says anything usable.
    """

    version: str
    basis: VersionBasis
    stated: str | None
    stated_version: str | None  #: the version the statement means ("5.5" → "5.0"), None if not understood
    bundled: str | None

    @property
    def contradiction(self) -> bool:
        """ADDML names one known version and the bundled schemas are the official ones of another."""
        return (
            self.stated_version is not None
            and self.bundled is not None
            and self.stated_version != self.bundled
        )


def decide_version(stated: str | None, bundled: frozenset[str] | None) -> VersionDecision:
    """The version to use from the ADDML statement and the versions the bundled schemas match.

    ``bundled`` holds every version whose official schema the extract's own ``arkivstruktur.xsd`` (else
    its ``metadatakatalog.xsd``) matches by content (usually one; more only where two versions' schemas
    are identical), empty or ``None`` when no schema is bundled or it matches none. Where it matches
    several, the stated version is taken if it is one of them, else the newest.
    """
    meant, understood = resolve_version(stated)
    stated_version = meant if understood else None
    detected: str | None = None
    if bundled:
        known = sorted(v for v in bundled if v in NOARK_VERSIONS)
        if known:
            detected = stated_version if stated_version in known else known[-1]
    if detected is not None:
        basis: VersionBasis = "stated_and_bundled" if detected == stated_version else "bundled"
        return VersionDecision(detected, basis, stated, stated_version, detected)
    if stated_version is not None:
        return VersionDecision(stated_version, "stated", stated, stated_version, None)
    return VersionDecision(DEFAULT_VERSION, "default", stated, None, None)


# --------------------------------------------------------------------------- reading


def _props(el: etree._Element) -> list[etree._Element]:
    """The ``property`` children of el's ``properties`` child."""
    out: list[etree._Element] = []
    for props in el.iterchildren(_NS + "properties"):
        out.extend(props.iterchildren(_NS + "property"))
    return out


def _prop(el: etree._Element | None, name: str) -> etree._Element | None:
    if el is None:
        return None
    for p in _props(el):
        if p.get("name") == name:
            return p
    return None


def _value(el: etree._Element | None) -> str | None:
    if el is None:
        return None
    v = el.find(_NS + "value")
    if v is None or v.text is None:
        return None
    return str(v.text).strip()


def _line(el: etree._Element | None) -> int | None:
    return el.sourceline if el is not None else None


def _date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


def _int(value: str | None) -> int | None:
    if value is None:
        return None
    try:
        return int(value.strip())
    except ValueError:
        return None


def _bool(value: str | None) -> bool | None:
    if value is None:
        return None
    return {"true": True, "1": True, "false": False, "0": False}.get(value.strip().lower())


def _file(el: etree._Element | None) -> FileDecl | None:
    if el is None:
        return None
    name = _value(_prop(el, "name")) or ""
    cs = _prop(el, "checksum")
    checksum = None
    if cs is not None:
        checksum = Checksum(_value(_prop(cs, "algorithm")), _value(_prop(cs, "value")), _line(cs))
    return FileDecl(name, checksum, _line(el))


def _data_object(el: etree._Element) -> DataObject:
    schemas: list[SchemaDecl] = []
    counts: list[CountDecl] = []
    file_decl: FileDecl | None = None
    for p in _props(el):
        name = p.get("name")
        if name == "file":
            file_decl = _file(p)
        elif name == "schema":
            f = _file(_prop(p, "file"))
            if f is not None:
                schemas.append(SchemaDecl(f, _value(p) == "main", _value(_prop(p, "type"))))
        elif name == "info":
            for q in _props(p):
                if q.get("name") == "numberOfOccurrences":
                    raw = _value(_prop(q, "value"))
                    counts.append(CountDecl(_value(q) or "", _int(raw), raw, _line(q)))
    return DataObject(el.get("name") or "", file_decl, tuple(schemas), tuple(counts), _line(el))


def read_addml(root: etree._Element, path: str) -> Addml:
    """Read an already parsed ADDML document (see :func:`tender.core.noark.safexml.parse_small`)."""
    dataset = root.find(_NS + "dataset")
    context = None if dataset is None else dataset.find(f"{_NS}reference/{_NS}context")
    content = None if dataset is None else dataset.find(f"{_NS}reference/{_NS}content")
    creators: list[str] = []
    system_name = archive_name = None
    if context is not None:
        for ae in context.iter(_NS + "additionalElement"):
            name = ae.get("name")
            if name == "recordCreator" and _value(ae):
                creators.append(_value(ae) or "")
            elif name == "systemName":
                system_name = _value(ae)
            elif name == "archive":
                archive_name = _value(ae)
    start_raw = end_raw = None
    if content is not None:
        for ae in content.iter(_NS + "additionalElement"):
            if ae.get("name") == "archivalPeriod":
                start_raw = _value(_prop(ae, "startDate"))
                end_raw = _value(_prop(ae, "endDate"))

    top = None if dataset is None else dataset.find(f"{_NS}dataObjects/{_NS}dataObject")
    info = _prop(top, "info")
    type_prop = _prop(info, "type")
    version_prop = _prop(type_prop, "version")
    additional = _prop(info, "additionalInfo")
    periode = _prop(additional, "periode")
    count_prop = _prop(additional, "antallDokumentfiler")
    nested: list[DataObject] = []
    if top is not None:
        for objs in top.iterchildren(_NS + "dataObjects"):
            nested.extend(_data_object(o) for o in objs.iterchildren(_NS + "dataObject"))
    return Addml(
        path=path,
        noark_type=_value(type_prop),
        stated_version=_value(version_prop),
        version_line=_line(version_prop) or _line(type_prop),
        period_start=_date(start_raw),
        period_end=_date(end_raw),
        period_raw=(start_raw, end_raw),
        incoming_separation=_value(_prop(periode, "inngaaendeSkille")),
        outgoing_separation=_value(_prop(periode, "utgaaendeSkille")),
        flags={name: _bool(_value(_prop(additional, name))) for name in FLAG_NAMES},
        document_count=_int(_value(count_prop)),
        document_count_raw=_value(count_prop),
        document_count_line=_line(count_prop),
        record_creators=tuple(creators),
        system_name=system_name,
        archive_name=archive_name,
        data_objects=tuple(nested),
    )
