"""Phase 2: the schemas. Bundled standard schemas are recognised by hash, else compared structurally with
our description; extra schemas listed in ADDML (business-specific metadata, VSM) are loaded safely and
combined with arkivstruktur.xsd. Also the compiled-schema cache the XML phase validates with.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path
from typing import Final

from lxml import etree

from ..findings import Severity
from ..libxml2 import DOMAIN_SCHEMASV, CompiledSchema, RawProblem, SchemaCompileError, StreamValidation
from ..safexml import UnsafeXml, parse_small
from ..schema import ADDML_VERSION, NOARK_VERSIONS, addml_schema, noark_schemas, official_hashes, xsd_dir
from ..schema.compare import differences
from ..schema.xsdread import UnsupportedSchema, read_xsd
from ..source import UnreadableExtract
from ..xsdmessages import STRUCT_VALID
from .context import MAX_ADDML_BYTES, Run

STANDARD_SCHEMA_FILES: Final = {
    f"{k}.xsd": k
    for k in (
        "arkivstruktur",
        "metadatakatalog",
        "endringslogg",
        "loependeJournal",
        "offentligJournal",
        "addml",
    )
}


def our_schema(run: Run, key: str) -> CompiledSchema:
    """Our generated schema for ``key`` in the detected version (compiled once)."""
    cache_key = f"{run.version}/{key}"
    if cache_key not in run.compiled:
        run.compiled[cache_key] = CompiledSchema(xsd_dir(run.version) / f"{key}.xsd")
    return run.compiled[cache_key]


def official_schema(run: Run, key: str) -> CompiledSchema | None:
    """The official schema for ``key`` from ``schema_dir``, if given and present."""
    folder = run.options.schema_dir
    if folder is None:
        return None
    cache_key = f"official/{key}"
    if cache_key in run.compiled:
        return run.compiled[cache_key]
    candidates = [folder / f"v{run.version}" / f"{key}.xsd", folder / f"{key}.xsd"]
    if key == "addml":
        candidates = [
            folder / "addml" / f"addml_v{ADDML_VERSION}.xsd",
            folder / f"addml_v{ADDML_VERSION}.xsd",
        ] + candidates
    for candidate in candidates:
        if candidate.is_file():
            try:
                run.compiled[cache_key] = CompiledSchema(candidate)
            except SchemaCompileError as exc:
                run.add(
                    STRUCT_VALID,
                    Severity.WARNING,
                    f"Skjemaet {candidate} kunne ikke kompileres: {exc}",
                    f"The schema {candidate} could not be compiled: {exc}",
                )
                return None
            return run.compiled[cache_key]
    return None


#: how much of arkivstruktur.xml the version probe reads (:func:`probe_versions`)
PROBE_BYTES: Final = 1 << 20


def probe_versions(run: Run) -> dict[str, int]:
    """Schema errors of the start of arkivstruktur.xml (its first MiB) against each version's schema, for an
    extract that says nothing usable about its version: v3.1 data (the real "3.0" extracts) then is not
    checked against v5.0, and v5.0 data is. Errors on the last two lines read are the cut, not the data,
    and are not counted. Empty when there is no arkivstruktur.xml to read."""
    path, _exact = run.find("arkivstruktur.xml")
    if path is None:
        return {}
    try:
        with run.source.open(path) as stream:
            data = stream.read(PROBE_BYTES)
    except (UnreadableExtract, OSError, KeyError):
        return {}
    cut = len(data) >= PROBE_BYTES
    last_line = data.count(b"\n") + 1
    errors: dict[str, int] = {}
    for version in NOARK_VERSIONS:
        cache_key = f"{version}/arkivstruktur"
        if cache_key not in run.compiled:
            run.compiled[cache_key] = CompiledSchema(xsd_dir(version) / "arkivstruktur.xsd")
        problems: list[RawProblem] = []
        validation = StreamValidation(run.compiled[cache_key], problems.append)
        validation.submit(data)
        validation.finish()
        errors[version] = sum(
            1 for p in problems if p.domain == DOMAIN_SCHEMASV and (not cut or p.line < last_line - 1)
        )
    return errors


def bundled_versions(run: Run) -> tuple[str | None, frozenset[str]]:
    """The schema the extract carries that tells its version, and the Noark versions it is official for.

    ``arkivstruktur.xsd`` decides (it validates the extract's main file); when it is missing or not
    recognised, ``metadatakatalog.xsd`` (which it builds on) does. Each is the one ADDML lists, else one
    at the extract root, and is recognised by content: byte-identical to a published file (by hash), or,
    failing that, with the same declarations as our description of an official one (a copy with other
    line endings, layout or comments). An empty set: none bundled, unreadable, or a variant of no
    official schema (the path is then that of the unrecognised ``arkivstruktur.xsd``, if any).
    """
    first: str | None = None
    for key in ("arkivstruktur", "metadatakatalog"):
        path, versions = _recognise(run, key)
        if versions:
            return path, versions
        first = first or path
    return first, frozenset()


def _recognise(run: Run, key: str) -> tuple[str | None, frozenset[str]]:
    file_name = f"{key}.xsd"
    listed = [
        s.file.name
        for obj in (run.addml.data_objects if run.addml else ())
        for s in obj.schemas
        if s.file.name.split("/")[-1].lower() == file_name.lower()
    ]
    path = None
    for name in [*listed, file_name]:
        path, _exact = run.find(name)
        if path is not None:
            break
    if path is None:
        return None, frozenset()
    # quietly: the schema check below reads the file again and reports what is wrong with it
    data = _read_small(run, path, report=False)
    if data is None:
        return path, frozenset()
    official = official_hashes().get(hashlib.sha256(data).hexdigest(), ())
    by_hash = {o.split("/")[0] for o in official if o.endswith(f"/{key}")}
    if by_hash:
        return path, frozenset(by_hash)
    try:
        theirs = read_xsd(data, key)
    except (etree.XMLSyntaxError, UnsafeXml, UnsupportedSchema, ValueError):
        return path, frozenset()
    return path, frozenset(
        v for v in NOARK_VERSIONS if not differences(noark_schemas(v)[key], theirs, limit=1)
    )


def check_bundled_schemas(run: Run) -> None:
    """Listed (and standard) schema files: the official ones, or a finding."""
    run.out.ran("N5V-STRUCT-07")
    seen: set[str] = set()
    listed = [(obj, s) for obj in (run.addml.data_objects if run.addml else ()) for s in obj.schemas]
    names = [s.file.name for _obj, s in listed]
    if "addml.xsd" not in names:
        names.append("addml.xsd")
    for name in names:
        if name in seen or name.split("/")[-1] not in STANDARD_SCHEMA_FILES:
            continue
        seen.add(name)
        path, _exact = run.find(name)
        if path is None:
            continue
        key = STANDARD_SCHEMA_FILES[name.split("/")[-1]]
        data = _read_small(run, path)
        if data is None:
            continue
        digest = hashlib.sha256(data).hexdigest()
        official = official_hashes().get(digest, ())
        wanted = f"addml{ADDML_VERSION}/addml" if key == "addml" else f"{run.version}/{key}"
        if wanted in official or (key == "addml" and any(o.startswith("addml") for o in official)):
            continue
        if official:
            versions = ", ".join(sorted({o.split("/")[0] for o in official}))
            run.add(
                "N5V-STRUCT-07",
                Severity.WARNING,
                f"{path} er det offisielle skjemaet for Noark 5 v{versions}, men uttrekket kontrolleres mot "
                f"v{run.version}.",
                f"{path} is the official schema of Noark 5 v{versions}, but the extract is checked against "
                f"v{run.version}.",
                path,
            )
            continue
        _compare_schema(run, path, key, data)


def _compare_schema(run: Run, path: str, key: str, data: bytes) -> None:
    """A bundled standard schema that is not byte-identical to a published one: compare its structure."""
    try:
        theirs = read_xsd(data, key)
    except (etree.XMLSyntaxError, UnsafeXml, UnsupportedSchema, ValueError) as exc:
        run.add(
            "N5V-STRUCT-07",
            Severity.ERROR,
            f"{path} er ikke det offisielle skjemaet og kan ikke leses som et skjema av samme slag ({exc}).",
            f"{path} is not the official schema and cannot be read as a schema of that kind ({exc}).",
            path,
        )
        return
    if key == "addml":
        candidates = {f"ADDML {v}": addml_schema(v) for v in ("8.2", "8.3")}
        wanted = f"ADDML {ADDML_VERSION}"
    else:
        candidates = {f"Noark 5 v{v}": noark_schemas(v)[key] for v in NOARK_VERSIONS}
        wanted = f"Noark 5 v{run.version}"
    diffs = {name: differences(schema, theirs, limit=50) for name, schema in candidates.items()}
    if not diffs[wanted] or (key == "addml" and not all(diffs.values())):
        run.add(
            "N5V-STRUCT-07",
            Severity.INFO,
            f"{path} har samme innhold som det offisielle skjemaet, men avviker i formatering eller "
            "kommentarer.",
            f"{path} has the content of the official schema but differs in layout or comments.",
            path,
        )
        return
    closest = min(diffs, key=lambda n: (len(diffs[n]), n != wanted))
    if not diffs[closest]:
        run.add(
            "N5V-STRUCT-07",
            Severity.WARNING,
            f"{path} har innholdet til det offisielle skjemaet for {closest}, men uttrekket kontrolleres mot "
            f"{wanted}.",
            f"{path} has the content of the official {closest} schema, but the extract is checked against "
            f"{wanted}.",
            path,
        )
        return
    shown = "; ".join(diffs[closest][:5])
    run.add(
        "N5V-STRUCT-07",
        Severity.ERROR,
        f"{path} er ikke et offisielt skjema (varianter av skjemaene skal ikke brukes). Nærmest er "
        f"{closest}, men det avviker: {shown}. Uttrekket kontrolleres mot det offisielle skjemaet for "
        f"{wanted}.",
        f"{path} is not an official schema (variants must not be used). Closest is {closest}, but it "
        f"differs: {shown}. The extract is checked against the official {wanted} schema.",
        path,
    )


def _read_small(run: Run, path: str, limit: int = MAX_ADDML_BYTES, report: bool = True) -> bytes | None:
    try:
        if run.source.size(path) > limit:
            return None
        with run.source.open(path) as stream:
            return stream.read(limit + 1)
    except (UnreadableExtract, OSError, KeyError) as exc:
        if not report:
            return None
        run.add(
            "N5V-STRUCT-03",
            Severity.ERROR,
            f"{path} kan ikke leses: {exc}",
            f"{path} cannot be read: {exc}",
            path,
        )
        return None


def arkivstruktur_schema(run: Run) -> CompiledSchema:
    """Our arkivstruktur schema, combined with the VSM schemas ADDML lists for it (if any)."""
    base = our_schema(run, "arkivstruktur")
    obj = run.addml.data_object("arkivstruktur") if run.addml else None
    extras = (
        [s.file.name for s in obj.schemas if s.file.name.split("/")[-1] not in STANDARD_SCHEMA_FILES]
        if obj
        else []
    )
    if not extras:
        return base
    run.out.ran("N5V-STRUCT-10")
    tmp = run.tmpdir()
    folder = tmp / "vsm"
    folder.mkdir()
    generated = xsd_dir(run.version)
    for name in ("arkivstruktur.xsd", "metadatakatalog.xsd"):
        shutil.copyfile(generated / name, folder / name)
    imports: list[tuple[str, str]] = []
    for name in extras:
        loaded = _load_vsm(run, name, folder, set(extras))
        if loaded is not None:
            imports.append(loaded)
    if not imports:
        return base
    arkiv_ns = noark_schemas(run.version)["arkivstruktur"].namespace
    wrapper = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">',
        f'  <xs:import namespace="{arkiv_ns}" schemaLocation="arkivstruktur.xsd"/>',
    ]
    wrapper += [f'  <xs:import namespace="{ns}" schemaLocation="{loc}"/>' for ns, loc in imports]
    wrapper.append("</xs:schema>")
    (folder / "wrapper.xsd").write_text("\n".join(wrapper) + "\n", encoding="utf-8")
    try:
        return CompiledSchema(folder / "wrapper.xsd")
    except SchemaCompileError as exc:
        run.add(
            "N5V-STRUCT-10",
            Severity.ERROR,
            f"De virksomhetsspesifikke skjemaene ({', '.join(extras)}) kan ikke brukes sammen med "
            f"arkivstruktur.xsd: {exc}",
            f"The business-specific schemas ({', '.join(extras)}) cannot be used with arkivstruktur.xsd: "
            f"{exc}",
        )
        return base


def _load_vsm(run: Run, name: str, folder: Path, allowed: set[str]) -> tuple[str, str] | None:
    """Check and place one VSM schema; its (namespace, file name) if usable."""
    path, _exact = run.find(name)
    if path is None:
        return None  # reported by the existence check
    data = _read_small(run, path)
    if data is None:
        return None
    try:
        root = parse_small(data)
    except (etree.XMLSyntaxError, UnsafeXml) as exc:
        run.add(
            "N5V-STRUCT-10",
            Severity.ERROR,
            f"{path} kan ikke leses som et trygt XML-skjema: {exc}",
            f"{path} cannot be read as a safe XML schema: {exc}",
            path,
        )
        return None
    xs = "{http://www.w3.org/2001/XMLSchema}"
    if root.tag != xs + "schema":
        run.add(
            "N5V-STRUCT-10",
            Severity.ERROR,
            f"{path} er ikke et XML-skjema.",
            f"{path} is not an XML schema.",
            path,
        )
        return None
    for ref in root.iter(xs + "import", xs + "include", xs + "redefine"):
        location = ref.get("schemaLocation")
        if location is None:
            continue
        plain = location.split("/")[-1]
        if (
            "://" in location
            or location.startswith("/")
            or ".." in location
            or (plain not in allowed and plain not in ("arkivstruktur.xsd", "metadatakatalog.xsd"))
        ):
            run.add(
                "N5V-STRUCT-10",
                Severity.ERROR,
                f"{path} henter skjemaet «{location}» utenfor uttrekket; det gjør vi ikke, og skjemaet "
                "brukes ikke.",
                f"{path} pulls in the schema '{location}' from outside the extract; we do not fetch it, "
                "and the schema is not used.",
                path,
                ref.sourceline,
            )
            return None
        ref.set("schemaLocation", plain)
    namespace = root.get("targetNamespace") or ""
    (folder / Path(path).name).write_bytes(etree.tostring(root, xml_declaration=True, encoding="utf-8"))
    return namespace, Path(path).name
