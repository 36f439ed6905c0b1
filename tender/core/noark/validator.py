"""Validate a Noark 5 archival extract (arkivuttrekk): the entry point of the validator.

``validate_path(path)`` opens a folder, zip, tar(.gz) or single XML file through
:mod:`tender.core.noark.source` and returns a :class:`~tender.core.noark.report.Report`.

Order of work, each file read once:

1. ``arkivuttrekk.xml`` (ADDML): validated against ADDML 8.3, read; the Noark version comes from
   ``info/type/version`` only (never from namespaces; an unknown version is a finding and v5.0 is used).
2. Bundled schemas: recognised by hash, else compared structurally with our description.
   Extra schemas listed in ADDML (business-specific metadata, VSM) are loaded safely and used.
3. ``arkivstruktur.xml``, ``endringslogg.xml``, the journals: one streaming pass each, hashing,
   validating against XSDs generated from our own schema description (and the official XSDs from
   ``schema_dir`` when given), and running the content checks.
4. Document files: hashed straight from the container and joined with the document objects.
5. Questions over everything collected (duplicates, references, unreferenced files), statistics.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from lxml import etree

from .addml import ADDML_NAMES, Addml, DataObject, FileDecl, read_addml, resolve_version
from .content import FILE as ARKIVSTRUKTUR_XML
from .content import ArkivstrukturHandler
from .documents import (
    ARCHIVE_FAMILIES,
    DOCUMENT_FOLDERS,
    declared_family,
    extension_family,
    is_document_path,
    is_sha256_name,
    parse_size,
    sniff,
)
from .findings import Finding, Severity
from .journals import EndringsloggHandler, JournalHandler
from .libxml2 import CompiledSchema, SchemaCompileError
from .report import Collector, FileEntry, Report, ordered_results
from .safexml import UnsafeXml, parse_small
from .scan import ElementHandler, ProblemLog, ScanResult, scan_xml
from .schema import (
    ADDML_VERSION,
    NOARK_VERSIONS,
    addml_schema,
    describe_element,
    element_infos,
    noark_schemas,
    official_hashes,
    xsd_dir,
)
from .schema.compare import differences
from .schema.xsdread import UnsupportedSchema, read_xsd
from .source import ExtractSource, Limits, UnreadableExtract, open_extract
from .store import Store
from .xsdmessages import STRUCT_VALID, STRUCT_WELLFORMED, to_finding

#: the XML files of an extract besides ADDML, in the order we read them
XML_KEYS: Final = ("arkivstruktur", "endringslogg", "loependeJournal", "offentligJournal")
STANDARD_SCHEMA_FILES: Final = {f"{k}.xsd": k for k in ("arkivstruktur", "metadatakatalog", "endringslogg",
                                                        "loependeJournal", "offentligJournal", "addml")}
#: ADDML descriptions larger than this are refused (real ones are a few hundred kB at most)
MAX_ADDML_BYTES: Final = 64 * 1024 * 1024

Progress = Callable[[str, int, int], None]

#: the elements a count in ADDML may name for each journal / log file, and the one usually meant
_FILE_ELEMENTS: Final = {
    "endringslogg": ("endring", "endringslogg"),
    "loependeJournal": ("journalregistrering", "journalhode", "journalpost", "saksmappe", "klasse", "korrespondansepart"),
    "offentligJournal": ("journalregistrering", "journalhode", "journalpost", "saksmappe", "klasse", "korrespondansepart"),
}
_MAIN_ELEMENT: Final = {"endringslogg": "endring", "loependeJournal": "journalregistrering",
                        "offentligJournal": "journalregistrering"}


@dataclass(frozen=True)
class Options:
    """How to run a validation."""

    #: official schema files to validate against as well (DIR/<key>.xsd or DIR/v<version>/<key>.xsd)
    schema_dir: Path | None = None
    #: findings kept per check (all are counted)
    max_instances: int = 10_000
    #: read size for XML files
    chunk_size: int = 1 << 20
    limits: Limits = field(default_factory=Limits)
    #: called with (stage, done, total) now and then; stages: "addml", "<file>.xml", "documents"
    progress: Progress | None = None


def validate_path(path: Path, options: Options = Options()) -> Report:
    """Validate the extract at ``path``. Raises ``UnreadableExtract`` if nothing usable is there."""
    with open_extract(Path(path), options.limits) as source:
        return validate_source(source, options)


def validate_source(source: ExtractSource, options: Options = Options()) -> Report:
    """Validate an already opened extract."""
    return _Run(source, options).execute()


def _sha256_equal(a: str | None, b: str | None) -> bool:
    return a is not None and b is not None and a.strip().lower() == b.strip().lower()


class _Run:
    def __init__(self, source: ExtractSource, options: Options) -> None:
        self.source = source
        self.options = options
        self.out = Collector(options.max_instances)
        self.files = source.list_files()
        self.fileset = set(self.files)
        self.lower = {p.lower(): p for p in self.files}
        self.addml: Addml | None = None
        self.stated_version: str | None = None
        self.version = "5.0"
        self.file_entries: list[FileEntry] = []
        self.scans: dict[str, ScanResult] = {}
        self.handlers: dict[str, Any] = {}
        self.statistics: dict[str, Any] = {}
        self._tmp: Path | None = None
        self._compiled: dict[str, CompiledSchema] = {}
        self._input_taken = 0

    # ------------------------------------------------------------------ run

    def execute(self) -> Report:
        started = time.monotonic()
        started_at = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
        self._input_findings()
        store = Store()
        try:
            self._addml()
            self._bundled_schemas()
            arkiv_schema = self._arkivstruktur_schema()
            for key in XML_KEYS:
                self._xml_file(key, store, arkiv_schema if key == "arkivstruktur" else None)
            self._listed_files_and_checksums()
            self._counts()
            self._flags()
            self._references(store)
            self._journals()
            self._documents(store)
            self._summaries()
        finally:
            store.close()
            if self._tmp is not None:
                shutil.rmtree(self._tmp, ignore_errors=True)
        return Report(
            extract=self.source.root_label,
            started_at=started_at,
            duration_seconds=time.monotonic() - started,
            addml_path=self.addml.path if self.addml else None,
            stated_version=self.stated_version,
            noark_version=self.version,
            results=ordered_results(self.out),
            statistics=self.statistics,
            files=self.file_entries,
        )

    def add(self, check: str, severity: Severity, no: str, en: str, file: str | None = None, line: int | None = None,
            element: str | None = None, m_number: str | None = None) -> None:
        self.out.add(Finding(check, severity, no, en, file, line, None, element, m_number))

    def _progress(self, stage: str, done: int, total: int) -> None:
        if self.options.progress is not None:
            self.options.progress(stage, done, total)

    def _find(self, name: str) -> tuple[str | None, bool]:
        """The path of ``name`` at the extract root: (path, exact case)."""
        if name in self.fileset:
            return name, True
        other = self.lower.get(name.lower())
        return other, False

    # ------------------------------------------------------------------ ADDML

    def _addml(self) -> None:
        self.out.ran("N5V-STRUCT-01", "N5V-STRUCT-02", "N5V-STRUCT-08")
        path = None
        for name in ADDML_NAMES:
            found, exact = self._find(name)
            if found is not None:
                path = found
                if not exact:
                    self.add("N5V-STRUCT-08", Severity.ERROR,
                             f"Filen heter «{found}»; navnet skal være «{name}» med små bokstaver.",
                             f"The file is called '{found}'; the name must be '{name}' in lower case.", found)
                break
        if path is None:
            self.add("N5V-STRUCT-01", Severity.ERROR,
                     "Uttrekket mangler arkivuttrekk.xml (eller addml.xml). Uten den kan verken versjon, sjekksummer "
                     "eller antall kontrolleres; strukturen kontrolleres mot Noark 5 v5.0.",
                     "The extract has no arkivuttrekk.xml (or addml.xml). Without it neither version, checksums nor "
                     "counts can be checked; the structure is checked against Noark 5 v5.0.")
            self._version(None)
            return
        size = self.source.size(path)
        if size > MAX_ADDML_BYTES:
            self.add("N5V-STRUCT-01", Severity.ERROR,
                     f"{path} er {size} byte; en ADDML-beskrivelse er aldri så stor, og den er ikke lest.",
                     f"{path} is {size} bytes; an ADDML description is never that large, and it was not read.", path)
            self._version(None)
            return
        try:
            with self.source.open(path) as stream:
                data = stream.read()
        except UnreadableExtract as exc:
            self.out.add(exc.as_finding())
            self._version(None)
            return
        self._scan_bytes(data, path, "addml", self._schema("addml"), None, "addml")
        try:
            root = parse_small(data)
        except (etree.XMLSyntaxError, UnsafeXml):
            self.add("N5V-STRUCT-01", Severity.ERROR,
                     f"{path} kan ikke leses som XML; versjon, sjekksummer og antall kan ikke kontrolleres.",
                     f"{path} cannot be read as XML; version, checksums and counts cannot be checked.", path)
            self._version(None)
            return
        self.addml = read_addml(root, path)
        self._version(self.addml)

    def _version(self, addml: Addml | None) -> None:
        stated = addml.stated_version if addml else None
        self.stated_version = stated
        self.version, understood = resolve_version(stated)
        if addml is None:
            return
        file, line = addml.path, addml.version_line
        if addml.noark_type is not None and addml.noark_type.strip().lower() != "noark 5":
            self.add("N5V-STRUCT-02", Severity.WARNING,
                     f"arkivuttrekk.xml oppgir type «{addml.noark_type}»; ventet «Noark 5».",
                     f"arkivuttrekk.xml states the type '{addml.noark_type}'; expected 'Noark 5'.", file, line)
        if stated is None:
            self.add("N5V-STRUCT-02", Severity.WARNING,
                     "arkivuttrekk.xml oppgir ikke Noark-versjon (info/type/version); uttrekket kontrolleres mot v5.0.",
                     "arkivuttrekk.xml does not state the Noark version (info/type/version); the extract is checked "
                     "against v5.0.", file, line)
        elif not understood:
            self.add("N5V-STRUCT-02", Severity.WARNING,
                     f"arkivuttrekk.xml oppgir Noark-versjon «{stated}», som vi ikke har skjemaer for (3.1, 4.0, 5.0); "
                     "uttrekket kontrolleres mot v5.0.",
                     f"arkivuttrekk.xml states Noark version '{stated}', which we have no schemas for (3.1, 4.0, 5.0); "
                     "the extract is checked against v5.0.", file, line)
        elif stated.strip() != self.version:
            self.add("N5V-STRUCT-02", Severity.INFO,
                     f"Versjon «{stated}» er vedlikeholdsutgaven av Noark 5 v{self.version}; kontrolleres mot v{self.version}.",
                     f"Version '{stated}' is the maintenance release of Noark 5 v{self.version}; checked against "
                     f"v{self.version}.", file, line)
        else:
            self.add("N5V-STRUCT-02", Severity.INFO,
                     f"Uttrekket oppgir Noark 5 versjon {stated}, og kontrolleres mot skjemaene for v{self.version}.",
                     f"The extract states Noark 5 version {stated} and is checked against the v{self.version} schemas.",
                     file, line)

    # ------------------------------------------------------------------ schemas

    def _schema(self, key: str) -> CompiledSchema:
        """Our generated schema for ``key`` in the detected version (compiled once)."""
        cache_key = f"{self.version}/{key}"
        if cache_key not in self._compiled:
            self._compiled[cache_key] = CompiledSchema(xsd_dir(self.version) / f"{key}.xsd")
        return self._compiled[cache_key]

    def _official_schema(self, key: str) -> CompiledSchema | None:
        """The official schema for ``key`` from ``schema_dir``, if given and present."""
        folder = self.options.schema_dir
        if folder is None:
            return None
        cache_key = f"official/{key}"
        if cache_key in self._compiled:
            return self._compiled[cache_key]
        candidates = [folder / f"v{self.version}" / f"{key}.xsd", folder / f"{key}.xsd"]
        if key == "addml":
            candidates = [folder / "addml" / f"addml_v{ADDML_VERSION}.xsd", folder / f"addml_v{ADDML_VERSION}.xsd"] + candidates
        for candidate in candidates:
            if candidate.is_file():
                try:
                    self._compiled[cache_key] = CompiledSchema(candidate)
                except SchemaCompileError as exc:
                    self.add(STRUCT_VALID, Severity.WARNING,
                             f"Skjemaet {candidate} kunne ikke kompileres: {exc}",
                             f"The schema {candidate} could not be compiled: {exc}")
                    return None
                return self._compiled[cache_key]
        return None

    def _bundled_schemas(self) -> None:
        """Listed (and standard) schema files: the official ones, or a finding."""
        self.out.ran("N5V-STRUCT-07")
        seen: set[str] = set()
        listed = [(obj, s) for obj in (self.addml.data_objects if self.addml else ()) for s in obj.schemas]
        names = [s.file.name for _obj, s in listed]
        if "addml.xsd" not in names:
            names.append("addml.xsd")
        for name in names:
            if name in seen or name.split("/")[-1] not in STANDARD_SCHEMA_FILES:
                continue
            seen.add(name)
            path, _exact = self._find(name)
            if path is None:
                continue
            key = STANDARD_SCHEMA_FILES[name.split("/")[-1]]
            data = self._read_small(path)
            if data is None:
                continue
            digest = hashlib.sha256(data).hexdigest()
            official = official_hashes().get(digest, ())
            wanted = f"addml{ADDML_VERSION}/addml" if key == "addml" else f"{self.version}/{key}"
            if wanted in official or (key == "addml" and any(o.startswith("addml") for o in official)):
                continue
            if official:
                versions = ", ".join(sorted({o.split("/")[0] for o in official}))
                self.add("N5V-STRUCT-07", Severity.WARNING,
                         f"{path} er det offisielle skjemaet for Noark 5 v{versions}, men uttrekket kontrolleres mot "
                         f"v{self.version}.",
                         f"{path} is the official schema of Noark 5 v{versions}, but the extract is checked against "
                         f"v{self.version}.", path)
                continue
            self._compare_schema(path, key, data)

    def _compare_schema(self, path: str, key: str, data: bytes) -> None:
        """A bundled standard schema that is not byte-identical to a published one: compare its structure."""
        try:
            theirs = read_xsd(data, key)
        except (etree.XMLSyntaxError, UnsafeXml, UnsupportedSchema, ValueError) as exc:
            self.add("N5V-STRUCT-07", Severity.ERROR,
                     f"{path} er ikke det offisielle skjemaet og kan ikke leses som et skjema av samme slag ({exc}).",
                     f"{path} is not the official schema and cannot be read as a schema of that kind ({exc}).", path)
            return
        if key == "addml":
            candidates = {f"ADDML {v}": addml_schema(v) for v in ("8.2", "8.3")}
            wanted = f"ADDML {ADDML_VERSION}"
        else:
            candidates = {f"Noark 5 v{v}": noark_schemas(v)[key] for v in NOARK_VERSIONS}
            wanted = f"Noark 5 v{self.version}"
        diffs = {name: differences(schema, theirs, limit=50) for name, schema in candidates.items()}
        if not diffs[wanted] or (key == "addml" and not all(diffs.values())):
            self.add("N5V-STRUCT-07", Severity.INFO,
                     f"{path} har samme innhold som det offisielle skjemaet, men avviker i formatering eller kommentarer.",
                     f"{path} has the content of the official schema but differs in layout or comments.", path)
            return
        closest = min(diffs, key=lambda n: (len(diffs[n]), n != wanted))
        if not diffs[closest]:
            self.add("N5V-STRUCT-07", Severity.WARNING,
                     f"{path} har innholdet til det offisielle skjemaet for {closest}, men uttrekket kontrolleres mot {wanted}.",
                     f"{path} has the content of the official {closest} schema, but the extract is checked against {wanted}.",
                     path)
            return
        shown = "; ".join(diffs[closest][:5])
        self.add("N5V-STRUCT-07", Severity.ERROR,
                 f"{path} er ikke et offisielt skjema (varianter av skjemaene skal ikke brukes). Nærmest er {closest}, "
                 f"men det avviker: {shown}. Uttrekket kontrolleres mot det offisielle skjemaet for {wanted}.",
                 f"{path} is not an official schema (variants must not be used). Closest is {closest}, but it differs: "
                 f"{shown}. The extract is checked against the official {wanted} schema.", path)

    def _read_small(self, path: str, limit: int = MAX_ADDML_BYTES) -> bytes | None:
        try:
            if self.source.size(path) > limit:
                return None
            with self.source.open(path) as stream:
                return stream.read(limit + 1)
        except (UnreadableExtract, OSError, KeyError) as exc:
            self.add("N5V-STRUCT-03", Severity.ERROR, f"{path} kan ikke leses: {exc}", f"{path} cannot be read: {exc}", path)
            return None

    def _arkivstruktur_schema(self) -> CompiledSchema:
        """Our arkivstruktur schema, combined with the VSM schemas ADDML lists for it (if any)."""
        base = self._schema("arkivstruktur")
        obj = self.addml.data_object("arkivstruktur") if self.addml else None
        extras = [s.file.name for s in obj.schemas if s.file.name.split("/")[-1] not in STANDARD_SCHEMA_FILES] if obj else []
        if not extras:
            return base
        self.out.ran("N5V-STRUCT-10")
        tmp = self._tmpdir()
        folder = tmp / "vsm"
        folder.mkdir()
        generated = xsd_dir(self.version)
        for name in ("arkivstruktur.xsd", "metadatakatalog.xsd"):
            shutil.copyfile(generated / name, folder / name)
        imports: list[tuple[str, str]] = []
        for name in extras:
            loaded = self._load_vsm(name, folder, set(extras))
            if loaded is not None:
                imports.append(loaded)
        if not imports:
            return base
        arkiv_ns = noark_schemas(self.version)["arkivstruktur"].namespace
        wrapper = ['<?xml version="1.0" encoding="utf-8"?>',
                   '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">',
                   f'  <xs:import namespace="{arkiv_ns}" schemaLocation="arkivstruktur.xsd"/>']
        wrapper += [f'  <xs:import namespace="{ns}" schemaLocation="{loc}"/>' for ns, loc in imports]
        wrapper.append("</xs:schema>")
        (folder / "wrapper.xsd").write_text("\n".join(wrapper) + "\n", encoding="utf-8")
        try:
            return CompiledSchema(folder / "wrapper.xsd")
        except SchemaCompileError as exc:
            self.add("N5V-STRUCT-10", Severity.ERROR,
                     f"De virksomhetsspesifikke skjemaene ({', '.join(extras)}) kan ikke brukes sammen med "
                     f"arkivstruktur.xsd: {exc}",
                     f"The business-specific schemas ({', '.join(extras)}) cannot be used with arkivstruktur.xsd: {exc}")
            return base

    def _load_vsm(self, name: str, folder: Path, allowed: set[str]) -> tuple[str, str] | None:
        """Check and place one VSM schema; its (namespace, file name) if usable."""
        path, _exact = self._find(name)
        if path is None:
            return None  # reported by the existence check
        data = self._read_small(path)
        if data is None:
            return None
        try:
            root = parse_small(data)
        except (etree.XMLSyntaxError, UnsafeXml) as exc:
            self.add("N5V-STRUCT-10", Severity.ERROR, f"{path} kan ikke leses som et trygt XML-skjema: {exc}",
                     f"{path} cannot be read as a safe XML schema: {exc}", path)
            return None
        xs = "{http://www.w3.org/2001/XMLSchema}"
        if root.tag != xs + "schema":
            self.add("N5V-STRUCT-10", Severity.ERROR, f"{path} er ikke et XML-skjema.", f"{path} is not an XML schema.", path)
            return None
        for ref in root.iter(xs + "import", xs + "include", xs + "redefine"):
            location = ref.get("schemaLocation")
            if location is None:
                continue
            plain = location.split("/")[-1]
            if "://" in location or location.startswith("/") or ".." in location or (
                plain not in allowed and plain not in ("arkivstruktur.xsd", "metadatakatalog.xsd")
            ):
                self.add("N5V-STRUCT-10", Severity.ERROR,
                         f"{path} henter skjemaet «{location}» utenfor uttrekket; det gjør vi ikke, og skjemaet brukes ikke.",
                         f"{path} pulls in the schema '{location}' from outside the extract; we do not fetch it, "
                         "and the schema is not used.", path, ref.sourceline)
                return None
            ref.set("schemaLocation", plain)
        namespace = root.get("targetNamespace") or ""
        (folder / Path(path).name).write_bytes(etree.tostring(root, xml_declaration=True, encoding="utf-8"))
        return namespace, Path(path).name

    def _tmpdir(self) -> Path:
        if self._tmp is None:
            self._tmp = Path(tempfile.mkdtemp(prefix="tender-noark-"))
        return self._tmp

    # ------------------------------------------------------------------ XML files

    def _declared_file(self, key: str) -> tuple[str, DataObject | None]:
        obj = self.addml.data_object(key) if self.addml else None
        if obj is not None and obj.file is not None and obj.file.name:
            return obj.file.name, obj
        return f"{key}.xml", obj

    def _xml_file(self, key: str, store: Store, schema: CompiledSchema | None) -> None:
        name, obj = self._declared_file(key)
        path, exact = self._find(name)
        if path is None:
            self._missing_xml(key, name, obj)
            return
        if not exact:
            self.add("N5V-STRUCT-08", Severity.ERROR,
                     f"Filen heter «{path}»; navnet skal være «{name}» (store og små bokstaver som i standarden).",
                     f"The file is called '{path}'; the name must be '{name}' (case as in the standard).", path)
        handler: Any
        if key == "arkivstruktur":
            declared = {c.element for c in obj.counts} if obj else set()
            handler = ArkivstrukturHandler(self.version, self.addml, store, self.out, declared)
        elif key == "endringslogg":
            handler = EndringsloggHandler(store, path)
        else:
            handler = JournalHandler(key)
        self.handlers[key] = handler
        try:
            with self.source.open(path) as stream:
                self._scan_stream(stream, path, key, schema or self._schema(key), handler, key)
        except UnreadableExtract as exc:
            # a damaged archive member: report it and go on with the rest of the extract
            self.out.add(exc.as_finding())
            self.handlers.pop(key, None)
            return
        if key == "arkivstruktur":
            self.out.ran("N5V-CONTENT-09", "N5V-CONTENT-10", "N5V-CONTENT-11", "N5V-CONTENT-12", "N5V-CONTENT-14",
                         "N5V-CONTENT-15", "N5V-CONTENT-21")
            if self.version == "5.0":
                self.out.ran("N5V-CONTENT-13")
            else:
                self.out.skip("N5V-CONTENT-13", f"v{self.version}-skjemaene har kodelistene selv",
                              f"the v{self.version} schemas enumerate the code lists themselves")

    def _missing_xml(self, key: str, name: str, obj: DataObject | None) -> None:
        self.out.ran("N5V-STRUCT-08")
        if key in ("arkivstruktur", "endringslogg"):
            self.add("N5V-STRUCT-08", Severity.ERROR,
                     f"Den obligatoriske filen {name} mangler i uttrekket.",
                     f"The mandatory file {name} is missing from the extract.", name)
        elif obj is not None:
            pass  # listed but missing: the existence check reports it
        # journals are only mandatory for extracts with journal records; see _journals

    def _scan_bytes(self, data: bytes, path: str, key: str, schema: CompiledSchema, handler: ElementHandler | None,
                    role: str) -> ScanResult:
        return self._scan_stream(io.BytesIO(data), path, key, schema, handler, role)

    def _scan_stream(self, stream: Any, path: str, key: str, schema: CompiledSchema,
                     handler: ElementHandler | None, role: str) -> ScanResult:
        self.out.ran(STRUCT_WELLFORMED, STRUCT_VALID)
        official = self._official_schema(key)
        schemas: list[CompiledSchema] = [schema] + ([official] if official is not None else [])
        logs = [ProblemLog(self.options.max_instances) for _ in schemas]
        total = self.source.size(path) if path in self.fileset else 0
        result = scan_xml(stream, path, schemas, logs, handler, self.options.chunk_size,
                          lambda done: self._progress(path, done, total))
        self.scans[path] = result
        self.file_entries.append(FileEntry(path, role, result.size, result.sha256))
        self._report_problems(logs[0], path, None)
        if official is not None:
            self._report_problems(logs[1], path, logs[0])
        return result

    def _report_problems(self, log: ProblemLog, path: str, ours: ProblemLog | None) -> None:
        version = ADDML_VERSION if path.endswith(ADDML_NAMES) else self.version
        known = {(p.raw.line, p.raw.message) for p in ours.items} if ours is not None else set()
        kept = 0
        for p in log.items:
            if (p.raw.line, p.raw.message) in known:
                continue
            f = to_finding(p, self.version if version != ADDML_VERSION else "5.0", path)
            if ours is not None:
                f = Finding(f.check, f.severity, f.message_no + " (ifølge det offisielle skjemaet)",
                            f.message_en + " (according to the official schema)", f.file, f.line, f.column,
                            f.element, f.m_number)
            self.out.add(f)
            kept += 1
        if ours is None:
            hidden = log.count - len(log.items)
            self.out.count_only(STRUCT_VALID, Severity.ERROR, hidden)

    # ------------------------------------------------------------------ ADDML-listed files

    def _listed_files_and_checksums(self) -> None:
        if self.addml is None:
            self.out.skip("N5V-STRUCT-03", "arkivuttrekk.xml mangler", "arkivuttrekk.xml is missing")
            self.out.skip("N5V-STRUCT-04", "arkivuttrekk.xml mangler", "arkivuttrekk.xml is missing")
            return
        self.out.ran("N5V-STRUCT-03", "N5V-STRUCT-04")
        decls: list[FileDecl] = []
        seen: set[str] = set()
        for obj in self.addml.data_objects:
            for decl in ([obj.file] if obj.file else []) + [s.file for s in obj.schemas]:
                if decl.name in seen:
                    continue  # a schema (metadatakatalog.xsd) is listed again; only the first needs a checksum
                seen.add(decl.name)
                decls.append(decl)
        to_hash: list[str] = []
        for decl in decls:
            path, exact = self._find(decl.name)
            if path is None:
                self.add("N5V-STRUCT-03", Severity.ERROR,
                         f"{decl.name} er oppført i arkivuttrekk.xml (linje {decl.line}), men finnes ikke i uttrekket.",
                         f"{decl.name} is listed in arkivuttrekk.xml (line {decl.line}) but is not in the extract.",
                         self.addml.path, decl.line)
                continue
            if not exact:
                self.add("N5V-STRUCT-03", Severity.ERROR,
                         f"{decl.name} er oppført i arkivuttrekk.xml, men filen heter «{path}».",
                         f"{decl.name} is listed in arkivuttrekk.xml, but the file is called '{path}'.",
                         self.addml.path, decl.line)
            if path not in self.scans:
                to_hash.append(path)
        digests = self.source.hash_files(to_hash) if to_hash else {}
        self._input_findings()
        for decl in decls:
            path, _exact = self._find(decl.name)
            if path is None:
                continue
            actual = self.scans[path].sha256 if path in self.scans else (digests[path].sha256 if path in digests else None)
            if path not in self.scans and path in digests:
                role = "schema" if path.endswith(".xsd") else "file"
                self.file_entries.append(FileEntry(path, role, digests[path].size, digests[path].sha256))
            self._checksum(decl, path, actual)

    def _input_findings(self) -> None:
        """Take over what the input layer found since we last looked (opening, hashing)."""
        new = self.source.findings[self._input_taken:]
        self._input_taken = len(self.source.findings)
        for finding in new:
            self.out.add(finding)

    def _checksum(self, decl: FileDecl, path: str, actual: str | None) -> None:
        assert self.addml is not None
        where, line = self.addml.path, decl.line
        cs = decl.checksum
        if cs is None:
            self.add("N5V-STRUCT-04", Severity.ERROR,
                     f"arkivuttrekk.xml har ingen sjekksum for {decl.name} (linje {line}).",
                     f"arkivuttrekk.xml has no checksum for {decl.name} (line {line}).", where, line)
            return
        if not cs.algorithm:
            self.add("N5V-STRUCT-04", Severity.ERROR,
                     f"Sjekksummen for {decl.name} i arkivuttrekk.xml oppgir ikke algoritme (ventet SHA-256).",
                     f"The checksum of {decl.name} in arkivuttrekk.xml names no algorithm (expected SHA-256).",
                     where, cs.line or line)
            return
        if not is_sha256_name(cs.algorithm):
            self.add("N5V-STRUCT-04", Severity.ERROR,
                     f"Sjekksummen for {decl.name} bruker algoritmen «{cs.algorithm}»; standarden krever SHA-256.",
                     f"The checksum of {decl.name} uses the algorithm '{cs.algorithm}'; the standard requires SHA-256.",
                     where, cs.line or line)
            return
        if not cs.value:
            self.add("N5V-STRUCT-04", Severity.ERROR,
                     f"Sjekksummen for {decl.name} i arkivuttrekk.xml mangler verdi.",
                     f"The checksum of {decl.name} in arkivuttrekk.xml has no value.", where, cs.line or line)
            return
        if actual is None:
            return
        if not _sha256_equal(cs.value, actual):
            self.add("N5V-STRUCT-04", Severity.ERROR,
                     f"SHA-256 for {path} stemmer ikke med arkivuttrekk.xml: oppgitt {cs.value.lower()}, beregnet {actual}.",
                     f"SHA-256 of {path} does not match arkivuttrekk.xml: stated {cs.value.lower()}, computed {actual}.",
                     where, cs.line or line)

    # ------------------------------------------------------------------ counts and flags

    def _counts(self) -> None:
        if self.addml is None:
            return
        arkiv = self.handlers.get("arkivstruktur")
        for key in XML_KEYS:
            handler = self.handlers.get(key)
            obj = self.addml.data_object(key)
            if handler is None or obj is None:
                continue
            if not handler.complete:
                for cid in ("N5V-CONTENT-01", "N5V-CONTENT-02", "N5V-CONTENT-03"):
                    self.out.skip(cid, f"{key}.xml kunne ikke leses helt", f"{key}.xml could not be read to the end")
                continue
            declared = {c.element: c for c in obj.counts}
            if key == "arkivstruktur":
                for element, cid in (("mappe", "N5V-CONTENT-01"), ("registrering", "N5V-CONTENT-02")):
                    self.out.ran(cid)
                    if element not in declared:
                        self.add(cid, Severity.WARNING,
                                 f"arkivuttrekk.xml oppgir ikke antall {element} (numberOfOccurrences) for arkivstruktur.xml; "
                                 f"filen har {handler.count(element)}.",
                                 f"arkivuttrekk.xml does not state the number of {element} (numberOfOccurrences) for "
                                 f"arkivstruktur.xml; the file has {handler.count(element)}.", self.addml.path)
            known = element_infos(self.version)
            for element, decl in declared.items():
                cid = {"mappe": "N5V-CONTENT-01", "registrering": "N5V-CONTENT-02"}.get(element, "N5V-CONTENT-03") \
                    if key == "arkivstruktur" else "N5V-CONTENT-03"
                self.out.ran(cid)
                actual = handler.count(element)
                if key != "arkivstruktur" and element not in _FILE_ELEMENTS.get(key, ()) and element in known:
                    # e.g. "registrering" counted in a journal, whose records are "journalregistrering"
                    main = _MAIN_ELEMENT[key]
                    self.add(cid, Severity.WARNING,
                             f"arkivuttrekk.xml teller «{element}» i {key}.xml, men den filen har ikke slike elementer; "
                             f"mente dere «{main}» (filen har {handler.count(main)})?",
                             f"arkivuttrekk.xml counts '{element}' in {key}.xml, but that file has no such elements; "
                             f"was '{main}' meant (the file has {handler.count(main)})?",
                             self.addml.path, decl.line, element)
                    continue
                if decl.value is None:
                    self.add(cid, Severity.ERROR,
                             f"Antallet {element} i arkivuttrekk.xml («{decl.raw}») for {key}.xml er ikke et heltall.",
                             f"The number of {element} in arkivuttrekk.xml ('{decl.raw}') for {key}.xml is not an integer.",
                             self.addml.path, decl.line, element)
                elif decl.value != actual:
                    self.add(cid, Severity.ERROR,
                             f"arkivuttrekk.xml oppgir {decl.value} {element} i {key}.xml, men filen har {actual}.",
                             f"arkivuttrekk.xml states {decl.value} {element} in {key}.xml, but the file has {actual}.",
                             self.addml.path, decl.line, element)
        _ = arkiv

    def _flags(self) -> None:
        arkiv = self.handlers.get("arkivstruktur")
        if arkiv is None or not arkiv.complete:
            return
        if self.addml is None:
            return
        rules = (
            ("N5V-CONTENT-16", "inneholderSkjermetInformasjon", "skjerming", "skjerminger", "restrictions"),
            ("N5V-CONTENT-17", "inneholderDokumenterSomSkalKasseres", "kassasjon", "kassasjonsvedtak", "disposal resolutions"),
            ("N5V-CONTENT-18", "omfatterDokumenterSomErKassert", "utfoertKassasjon", "utførte kassasjoner", "performed disposals"),
            ("N5V-CONTENT-22", "inneholderVirksomhetsspesifikkeMetadata", "virksomhetsspesifikkeMetadata",
             "virksomhetsspesifikke metadata", "business-specific metadata"),
        )
        for cid, flag, element, what_no, what_en in rules:
            self.out.ran(cid)
            stated = self.addml.flags.get(flag)
            found = arkiv.count(element)
            if stated is True and found == 0:
                self.add(cid, Severity.ERROR,
                         f"arkivuttrekk.xml sier {flag}=true, men arkivstruktur.xml har ingen {what_no}.",
                         f"arkivuttrekk.xml says {flag}=true, but arkivstruktur.xml has no {what_en}.", self.addml.path)
            elif not stated and found > 0:
                said = "false" if stated is False else "ingenting"
                said_en = "false" if stated is False else "nothing"
                self.add(cid, Severity.ERROR,
                         f"arkivuttrekk.xml sier {flag}={said}, men arkivstruktur.xml har {found} {what_no}.",
                         f"arkivuttrekk.xml says {flag}={said_en}, but arkivstruktur.xml has {found} {what_en}.",
                         self.addml.path)

    # ------------------------------------------------------------------ references

    def _references(self, store: Store) -> None:
        arkiv = self.handlers.get("arkivstruktur")
        if arkiv is None:
            return
        self.out.ran("N5V-CONTENT-04", "N5V-CONTENT-06", "N5V-CONTENT-07", "N5V-CONTENT-08")
        if self.version == "5.0":
            self.out.ran("N5V-CONTENT-05")
        for value, count, lines, levels in store.duplicate_ids():
            shown = ", ".join(str(x) for x in lines) + (" …" if count > len(lines) else "")
            self.add("N5V-CONTENT-04", Severity.ERROR,
                     f"M001 systemID «{value}» brukes {count} ganger ({', '.join(sorted(set(levels)))}) på linje {shown}; "
                     "systemID skal være unik.",
                     f"M001 systemID '{value}' is used {count} times ({', '.join(sorted(set(levels)))}) on lines {shown}; "
                     "a systemID must be unique.", ARKIVSTRUKTUR_XML, lines[0], "systemID", "M001")
        endrings = self.handlers.get("endringslogg")
        if endrings is not None:
            self.out.ran("N5V-CONTENT-19")
        from .content import REFERENCES

        for value, line, kind, element, file in store.dangling_refs():
            if kind == "any":
                self.add("N5V-CONTENT-19", Severity.ERROR,
                         f"M680 referanseArkivenhet «{value}» i {file} på linje {line} viser ikke til noen systemID i "
                         "arkivstruktur.xml.",
                         f"M680 referanseArkivenhet '{value}' in {file} on line {line} refers to no systemID in "
                         "arkivstruktur.xml.", file, line, "referanseArkivenhet", "M680")
                continue
            check = REFERENCES.get(element, (kind, "N5V-CONTENT-08"))[1]
            info = arkiv.infos.get(element)
            m = info.m_number if info else None
            label = f"{m} {element}" if m else element
            self.add(check, Severity.ERROR,
                     f"{label} «{value}» på linje {line} viser ikke til noen {kind} i uttrekket.",
                     f"{label} '{value}' on line {line} refers to no {kind} in the extract.",
                     file, line, element, m)

    # ------------------------------------------------------------------ journals

    def _journals(self) -> None:
        arkiv = self.handlers.get("arkivstruktur")
        lj: JournalHandler | None = self.handlers.get("loependeJournal")
        oj: JournalHandler | None = self.handlers.get("offentligJournal")
        self.statistics["journals"] = {k: h.statistics() for k, h in (("loependeJournal", lj), ("offentligJournal", oj)) if h}
        endring = self.handlers.get("endringslogg")
        if endring is not None:
            self.statistics["change_log"] = {"changes": endring.changes}
        if arkiv is None:
            return
        self.out.ran("N5V-CONTENT-20")
        if arkiv.journalposts and (lj is None or oj is None):
            missing = " og ".join(n for n, h in (("loependeJournal.xml", lj), ("offentligJournal.xml", oj)) if h is None)
            self.add("N5V-STRUCT-08", Severity.ERROR,
                     f"arkivstruktur.xml har {arkiv.journalposts} journalposter, men {missing} mangler.",
                     f"arkivstruktur.xml has {arkiv.journalposts} journal records, but {missing} is missing.")
        journals = [(n, h) for n, h in (("loependeJournal.xml", lj), ("offentligJournal.xml", oj)) if h is not None]
        for name, h in journals:
            if h.header_count is not None and h.complete and h.header_count != h.records:
                self.add("N5V-CONTENT-20", Severity.ERROR,
                         f"Journalhodet i {name} oppgir {h.header_count} journalposter, men filen har {h.records}.",
                         f"The journal header of {name} states {h.header_count} journal records, but the file has {h.records}.",
                         name, None, "antallJournalposter", describe_element(self.version, "antallJournalposter").m_number)
        if lj is not None and oj is not None:
            if lj.header_count != oj.header_count:
                self.add("N5V-CONTENT-20", Severity.ERROR,
                         f"Løpende journal oppgir {lj.header_count} journalposter og offentlig journal {oj.header_count}; "
                         "de skal inneholde de samme journalpostene.",
                         f"The running journal states {lj.header_count} journal records and the public journal "
                         f"{oj.header_count}; they must hold the same records.", "offentligJournal.xml")
            if (lj.header_start, lj.header_end) != (oj.header_start, oj.header_end):
                self.add("N5V-CONTENT-20", Severity.ERROR,
                         "Løpende og offentlig journal oppgir ulik periode i journalhodet.",
                         "The running and the public journal state different periods in their headers.",
                         "offentligJournal.xml")
        sharp = self.addml is not None and self.addml.sharp_separation
        if not sharp or not arkiv.complete:
            return
        for name, h in journals:
            if h.header_count is not None and h.header_count != arkiv.journalposts:
                self.add("N5V-CONTENT-20", Severity.ERROR,
                         f"{name} oppgir {h.header_count} journalposter, men arkivstruktur.xml har {arkiv.journalposts}, "
                         "og periodeskillet er skarpt.",
                         f"{name} states {h.header_count} journal records, but arkivstruktur.xml has "
                         f"{arkiv.journalposts}, and the period separation is sharp.", name)
            first, last = arkiv.journal_dates
            if first is not None and h.header_start is not None and h.header_end is not None:
                if first < h.header_start.isoformat() or (last is not None and last > h.header_end.isoformat()):
                    self.add("N5V-CONTENT-20", Severity.ERROR,
                             f"Journaldatoene i arkivstruktur.xml ({first}–{last}) ligger utenfor perioden i {name} "
                             f"({h.header_start}–{h.header_end}).",
                             f"The journal dates in arkivstruktur.xml ({first}–{last}) lie outside the period of {name} "
                             f"({h.header_start}–{h.header_end}).", name)

    # ------------------------------------------------------------------ documents

    def _documents(self, store: Store) -> None:
        arkiv: ArkivstrukturHandler | None = self.handlers.get("arkivstruktur")
        folders = sorted({p.split("/", 1)[0] for p in self.files if is_document_path(p)})
        doc_files = [p for p in self.files if is_document_path(p)]
        store.flush()
        referenced = [str(r[0]) for r in store.db.execute("SELECT DISTINCT path FROM docobj")]
        outside = [p for p in referenced if p in self.fileset and not is_document_path(p)]
        self.out.ran("N5V-DOC-08", "N5V-STRUCT-09")
        if not folders:
            if referenced:
                self.add("N5V-DOC-08", Severity.ERROR,
                         f"Uttrekket har ingen dokumentmappe ({DOCUMENT_FOLDERS[0]}/), men dokumentobjektene viser til "
                         f"{len(referenced)} filer.",
                         f"The extract has no documents folder ({DOCUMENT_FOLDERS[0]}/), but the document objects refer "
                         f"to {len(referenced)} files.")
            else:
                self.add("N5V-DOC-08", Severity.INFO, "Uttrekket har ingen dokumentmappe og ingen dokumentobjekter.",
                         "The extract has no documents folder and no document objects.")
        self._count_documents(doc_files)
        # hash every document file and every referenced file, straight from the container
        wanted = doc_files + outside
        total_bytes = sum(self.source.size(p) for p in wanted)
        for path, d in self.source.iter_digests(wanted, lambda n: self._progress("documents", n, total_bytes)):
            store.add_file(path, d.sha256, d.size, sniff(d.first_bytes))
        self._input_findings()
        if arkiv is None:
            return
        self.out.ran("N5V-DOC-01", "N5V-DOC-02", "N5V-DOC-03", "N5V-DOC-04", "N5V-DOC-05", "N5V-DOC-06", "N5V-DOC-07")
        detected: dict[str, int] = {}
        for doc in store.docobjects():
            self._document(doc, detected)
        unreferenced = 0
        for path, size in store.unreferenced_files():
            if not is_document_path(path):
                continue
            unreferenced += 1
            self.add("N5V-DOC-05", Severity.ERROR,
                     f"Dokumentfilen {path} ({size} byte) er ikke referert fra noe dokumentobjekt.",
                     f"The document file {path} ({size} bytes) is not referenced by any document object.", path)
        multi = 0
        for path, count, lines in store.multi_referenced_files():
            multi += 1
            self.add("N5V-DOC-07", Severity.INFO,
                     f"{path} er referert fra {count} dokumentobjekter (linje {', '.join(map(str, lines))}).",
                     f"{path} is referenced by {count} document objects (lines {', '.join(map(str, lines))}).",
                     ARKIVSTRUKTUR_XML, lines[0], "referanseDokumentfil", "M218")
        self.statistics["documents"] = {
            "folders": folders,
            "files": len(doc_files),
            "bytes": sum(self.source.size(p) for p in doc_files),
            "document_objects": int(store.db.execute("SELECT count(*) FROM docobj").fetchone()[0]),
            "unreferenced_files": unreferenced,
            "multiply_referenced_files": multi,
            "detected_formats": dict(sorted(detected.items())),
        }

    def _count_documents(self, doc_files: list[str]) -> None:
        if self.addml is None:
            return
        declared = self.addml.document_count
        where = self.addml.path
        if declared is None:
            raw = self.addml.document_count_raw
            self.add("N5V-STRUCT-09", Severity.ERROR,
                     "arkivuttrekk.xml oppgir ikke antallDokumentfiler som et heltall"
                     + (f" («{raw}»)" if raw is not None else "") + f"; uttrekket har {len(doc_files)} dokumentfiler.",
                     "arkivuttrekk.xml does not state antallDokumentfiler as an integer"
                     + (f" ('{raw}')" if raw is not None else "") + f"; the extract has {len(doc_files)} document files.",
                     where, self.addml.document_count_line)
        elif declared != len(doc_files):
            self.add("N5V-STRUCT-09", Severity.ERROR,
                     f"arkivuttrekk.xml oppgir {declared} dokumentfiler (antallDokumentfiler), men uttrekket har {len(doc_files)}.",
                     f"arkivuttrekk.xml states {declared} document files (antallDokumentfiler), but the extract has "
                     f"{len(doc_files)}.", where, self.addml.document_count_line)

    def _document(self, doc: Any, detected: dict[str, int]) -> None:
        file, line = ARKIVSTRUKTUR_XML, doc.line
        if not doc.file_exists:
            if doc.excluded:
                return  # units with status "Utgår" keep their metadata but not their files
            self.add("N5V-DOC-01", Severity.ERROR,
                     f"M218 referanseDokumentfil «{doc.raw}» på linje {line} viser til en fil som ikke finnes i uttrekket.",
                     f"M218 referanseDokumentfil '{doc.raw}' on line {line} refers to a file that is not in the extract.",
                     file, line, "referanseDokumentfil", "M218")
            return
        if doc.file_sniffed:
            detected[doc.file_sniffed] = detected.get(doc.file_sniffed, 0) + 1
        # checksum
        if not doc.checksum:
            self.add("N5V-DOC-02", Severity.ERROR, f"M705 sjekksum mangler for {doc.path} (linje {line}).",
                     f"M705 sjekksum is missing for {doc.path} (line {line}).", file, line, "sjekksum", "M705")
        elif doc.algorithm is not None and not is_sha256_name(doc.algorithm):
            self.add("N5V-DOC-02", Severity.ERROR,
                     f"M706 sjekksumAlgoritme er «{doc.algorithm}» for {doc.path} (linje {line}); skal være SHA256.",
                     f"M706 sjekksumAlgoritme is '{doc.algorithm}' for {doc.path} (line {line}); must be SHA256.",
                     file, line, "sjekksumAlgoritme", "M706")
        elif not _sha256_equal(doc.checksum, doc.file_sha256):
            self.add("N5V-DOC-02", Severity.ERROR,
                     f"M705 sjekksum for {doc.path} (linje {line}) stemmer ikke med filen: oppgitt {doc.checksum.lower()}, "
                     f"beregnet {doc.file_sha256}.",
                     f"M705 sjekksum of {doc.path} (line {line}) does not match the file: stated {doc.checksum.lower()}, "
                     f"computed {doc.file_sha256}.", file, line, "sjekksum", "M705")
        # size
        if doc.size is not None:
            size = parse_size(doc.size)
            if size is None:
                self.add("N5V-DOC-03", Severity.ERROR,
                         f"M707 filstoerrelse «{doc.size}» for {doc.path} (linje {line}) er ikke et antall byte; "
                         f"filen er {doc.file_size} byte.",
                         f"M707 filstoerrelse '{doc.size}' for {doc.path} (line {line}) is not a number of bytes; the file "
                         f"has {doc.file_size} bytes.", file, line, "filstoerrelse", "M707")
            elif size != doc.file_size:
                self.add("N5V-DOC-03", Severity.ERROR,
                         f"M707 filstoerrelse for {doc.path} (linje {line}) er {size} byte, men filen er {doc.file_size} byte.",
                         f"M707 filstoerrelse of {doc.path} (line {line}) is {size} bytes, but the file has {doc.file_size} bytes.",
                         file, line, "filstoerrelse", "M707")
        # empty
        if doc.file_size == 0:
            self.add("N5V-DOC-06", Severity.WARNING, f"Dokumentfilen {doc.path} (linje {line}) er tom (0 byte).",
                     f"The document file {doc.path} (line {line}) is empty (0 bytes).", file, line, "referanseDokumentfil", "M218")
            return
        # format: declared value, file name and content must agree
        declared = declared_family(doc.format)
        by_name = extension_family(doc.path)
        content = doc.file_sniffed
        if declared is not None and content not in (None, "text") and declared != content:
            self.add("N5V-DOC-04", Severity.ERROR,
                     f"M701 format er «{doc.format}» for {doc.path} (linje {line}), men filens innhold er {content.upper()}.",
                     f"M701 format is '{doc.format}' for {doc.path} (line {line}), but the file's content is {content.upper()}.",
                     file, line, "format", "M701")
        elif declared is not None and by_name is not None and declared != by_name:
            self.add("N5V-DOC-04", Severity.ERROR,
                     f"M701 format er «{doc.format}» for {doc.path} (linje {line}), men filnavnet har endelsen til {by_name.upper()}.",
                     f"M701 format is '{doc.format}' for {doc.path} (line {line}), but the file name has the extension "
                     f"of {by_name.upper()}.", file, line, "format", "M701")
        elif content is not None and content not in ARCHIVE_FAMILIES:
            self.add("N5V-DOC-04", Severity.WARNING,
                     f"{doc.path} (linje {line}) er {content.upper()}, som ikke er et arkivformat.",
                     f"{doc.path} (line {line}) is {content.upper()}, which is not an archival format.",
                     file, line, "format", "M701")

    # ------------------------------------------------------------------ statistics

    def _summaries(self) -> None:
        arkiv: ArkivstrukturHandler | None = self.handlers.get("arkivstruktur")
        if arkiv is None:
            return
        stats = arkiv.statistics()
        self.statistics["arkivstruktur"] = stats
        levels = stats["levels"]
        self.out.ran("N5V-STAT-01", "N5V-STAT-02", "N5V-STAT-03", "N5V-STAT-04", "N5V-STAT-05", "N5V-STAT-06", "N5V-STAT-07")
        main = ", ".join(f"{levels.get(k, 0)} {k}" for k in ("arkiv", "arkivdel", "klassifikasjonssystem", "klasse", "mappe",
                                                            "registrering", "dokumentbeskrivelse", "dokumentobjekt"))
        self.add("N5V-STAT-01", Severity.INFO, f"arkivstruktur.xml har {main}.", f"arkivstruktur.xml has {main}.",
                 ARKIVSTRUKTUR_XML)
        for level in ("mappe", "registrering"):
            years = stats["per_year"].get(level) or {}
            if years:
                text = ", ".join(f"{y}: {n}" for y, n in years.items())
                self.add("N5V-STAT-02", Severity.INFO, f"{level} per år (opprettetDato): {text}.",
                         f"{level} per year (opprettetDato): {text}.", ARKIVSTRUKTUR_XML)
        for name, values in stats["status"].items():
            text = ", ".join(f"{k}: {v}" for k, v in values.items())
            self.add("N5V-STAT-03", Severity.INFO, f"{name}: {text}.", f"{name}: {text}.", ARKIVSTRUKTUR_XML)
        formats = stats["declared_formats"]
        detected = self.statistics.get("documents", {}).get("detected_formats", {})
        self.add("N5V-STAT-04", Severity.INFO,
                 "Oppgitte formater: " + (", ".join(f"{k}: {v}" for k, v in formats.items()) or "ingen")
                 + ". Gjenkjent fra filinnhold: " + (", ".join(f"{k}: {v}" for k, v in detected.items()) or "ingen") + ".",
                 "Declared formats: " + (", ".join(f"{k}: {v}" for k, v in formats.items()) or "none")
                 + ". Recognised from content: " + (", ".join(f"{k}: {v}" for k, v in detected.items()) or "none") + ".")
        for name, n in stats["classification"].items():
            self.add("N5V-STAT-05", Severity.INFO, f"{name}: {n}.", f"{name}: {n}.", ARKIVSTRUKTUR_XML)
        for name, n in stats["units_without_content"].items():
            self.add("N5V-STAT-06", Severity.INFO, f"{name}: {n}.", f"{name}: {n}.", ARKIVSTRUKTUR_XML)
        if stats["first_registration"]:
            self.add("N5V-STAT-07", Severity.INFO,
                     f"Første registrering opprettet {stats['first_registration']}, siste {stats['last_registration']}.",
                     f"First registration created {stats['first_registration']}, last {stats['last_registration']}.",
                     ARKIVSTRUKTUR_XML)
        journals = self.statistics.get("journals") or {}
        change_log = self.statistics.get("change_log")
        if journals or change_log:
            self.out.ran("N5V-STAT-08")
            parts_no = [f"{k}: {v['journal_records']} journalposter" for k, v in journals.items()]
            parts_en = [f"{k}: {v['journal_records']} journal records" for k, v in journals.items()]
            if change_log:
                parts_no.append(f"endringslogg: {change_log['changes']} endringer")
                parts_en.append(f"change log: {change_log['changes']} changes")
            self.add("N5V-STAT-08", Severity.INFO, "; ".join(parts_no) + ".", "; ".join(parts_en) + ".")


def iter_findings(report: Report) -> Iterable[Finding]:
    """All kept findings of a report, errors first."""
    return report.findings()
