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
#: versions without published schemas, and the release that replaced them: v3.1 (2013-02-14) only made M504
#: skjermingsvarighet and M505 skjermingOpphoererDato optional, so whatever v3.0 allowed v3.1 allows too
SUPERSEDED: Final = {"3.0": "3.1"}

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
class RecordCreator:
    """An arkivskaper as ADDML's context names it; ``number`` when the description gives one (an
    organisation number or another identifier), else None."""

    name: str
    number: str | None = None


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
    #: the arkivskapere with their numbers where given (``record_creators`` holds their names)
    creators: tuple[RecordCreator, ...] = ()
    system_type: str | None = None

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
#: schemas bundled), the data (neither a usable statement nor recognised schemas, and the start of
#: arkivstruktur.xml fits another version's schema better than v5.0's: see :func:`probe_choice`), or none
#: of these (the default, v5.0, as Arkade uses)
VersionBasis = Literal["stated_and_bundled", "bundled", "stated", "data", "default"]


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


def probe_choice(stated: str | None, errors: dict[str, int]) -> str:
    """The version whose schema the start of arkivstruktur.xml breaks least (``errors``: schema errors per
    version in that start), for an extract that neither states a version we know nor carries a schema we
    recognise. On a tie: the release that replaced the stated version ("3.0" → v3.1, :data:`SUPERSEDED`),
    else v5.0 (what Arkade uses), else the newer."""
    successor = SUPERSEDED.get((stated or "").strip())

    def preference(version: str) -> tuple[int, int, str]:
        return (
            errors[version],
            0 if version == successor else 1 if version == DEFAULT_VERSION else 2,
            version,
        )

    return min(errors, key=preference) if errors else DEFAULT_VERSION


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
    ctx = _read_context(context)
    start_raw, end_raw, incoming_alt, outgoing_alt = _read_archival_period(content)

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
        # the standard's template states the separation under additionalInfo/periode; Arkivverket's ADDML
        # profile under content/archivalPeriod/period: the template's place wins where both are given
        incoming_separation=_value(_prop(periode, "inngaaendeSkille")) or incoming_alt,
        outgoing_separation=_value(_prop(periode, "utgaaendeSkille")) or outgoing_alt,
        flags={name: _bool(_value(_prop(additional, name))) for name in FLAG_NAMES},
        document_count=_int(_value(count_prop)),
        document_count_raw=_value(count_prop),
        document_count_line=_line(count_prop),
        record_creators=tuple(c.name for c in ctx.creators),
        system_name=ctx.system_name,
        archive_name=ctx.archive_name,
        data_objects=tuple(nested),
        creators=ctx.creators,
        system_type=ctx.system_type,
    )


# --------------------------------------------------------------------------- the context


#: names under which a description gives an arkivskaper's number (matched case-insensitively)
_NUMBER_NAMES: Final = frozenset(
    {
        "number",
        "organisationnumber",
        "organizationnumber",
        "organisasjonsnummer",
        "orgnumber",
        "orgnr",
        "recordcreatornumber",
        "arkivskaperid",
        "identifier",
        "id",
    }
)


@dataclass(frozen=True)
class _Context:
    creators: tuple[RecordCreator, ...]
    system_name: str | None
    system_type: str | None
    archive_name: str | None


def _additional(el: etree._Element | None) -> list[etree._Element]:
    """The ``additionalElement`` children of el's ``additionalElements`` child."""
    out: list[etree._Element] = []
    if el is not None:
        for group in el.iterchildren(_NS + "additionalElements"):
            out.extend(group.iterchildren(_NS + "additionalElement"))
    return out


def _named(children: list[etree._Element], *names: str) -> etree._Element | None:
    wanted = {n.lower() for n in names}
    for child in children:
        if (child.get("name") or "").lower() in wanted:
            return child
    return None


def _number(el: etree._Element) -> str | None:
    """An arkivskaper's number, from a property or an additional element with a number's name."""
    for child in _props(el) + _additional(el):
        if (child.get("name") or "").lower() in _NUMBER_NAMES and _value(child):
            return _value(child)
    return None


def _read_context(context: etree._Element | None) -> _Context:
    """arkivskaper, system and archive from ``reference/context``, in the two layouts met in practice:

    - the Noark 5 template (``arkivuttrekk.xml``): ``recordCreators/recordCreator`` with the name as value,
      ``systemType``, ``systemName`` and ``archive`` directly under the context;
    - Arkivverket's ADDML 8.3 profile: ``agents/agent`` with a property ``role`` = recordCreator and the
      name in a child ``name``, and ``system`` with the children ``systemType`` and ``name``.
    """
    creators: list[RecordCreator] = []
    system_name = system_type = archive_name = None
    if context is None:
        return _Context((), None, None, None)
    top = _additional(context)
    for el in context.iter(_NS + "additionalElement"):
        kind = el.get("name")
        if kind == "recordCreator" and _value(el):
            creators.append(RecordCreator(_value(el) or "", _number(el)))
        elif kind == "agent" and (_value(_prop(el, "role")) or "").lower() == "recordcreator":
            name = _value(_named(_additional(el), "name"))
            if name:
                creators.append(RecordCreator(name, _number(el)))
    system_type = _value(_named(top, "systemType"))
    system_name = _value(_named(top, "systemName"))
    archive_name = _value(_named(top, "archive"))
    system = _named(top, "system")
    if system is not None:
        system_type = system_type or _value(_named(_additional(system), "systemType"))
        system_name = system_name or _value(_named(_additional(system), "name"))
    return _Context(tuple(creators), system_name, system_type, archive_name)


def _read_archival_period(
    content: etree._Element | None,
) -> tuple[str | None, str | None, str | None, str | None]:
    """(start, end, incoming separation, outgoing separation) as written under ``content/archivalPeriod``:
    start and end as properties (the template) or as additional elements (the ADDML profile, which also
    puts the separations there, under ``period``)."""
    period = _named(_additional(content), "archivalPeriod")
    if period is None:
        return None, None, None, None
    children = _additional(period)
    start = _value(_prop(period, "startDate")) or _value(_named(children, "startDate"))
    end = _value(_prop(period, "endDate")) or _value(_named(children, "endDate"))
    separations = _additional(_named(children, "period"))
    incoming = _value(_named(separations, "inngaaendeSkille", "inngåendeSkille", "inboundPartition"))
    outgoing = _value(_named(separations, "utgaaendeSkille", "utgåendeSkille", "outboundPartition"))
    return start, end, incoming, outgoing
