"""Phase 3: one streaming pass over each XML file (arkivstruktur.xml, endringslogg.xml, the journals):
hashing, validating against our generated XSDs (and the official ones from ``schema_dir`` when given),
and feeding the content handlers, which keep what later phases ask about in the store.
"""

from __future__ import annotations

import io
from typing import Any, Final

from ..addml import ADDML_NAMES, DataObject
from ..content import ArkivstrukturHandler
from ..findings import Finding, Severity
from ..journals import EndringsloggHandler, JournalHandler
from ..libxml2 import CompiledSchema
from ..report import FileEntry
from ..scan import ElementHandler, ProblemLog, ScanResult, scan_xml
from ..schema import ADDML_VERSION
from ..source import UnreadableExtract
from ..store import Store
from ..xsdmessages import STRUCT_VALID, STRUCT_WELLFORMED, to_finding
from .context import Run
from .schemas import official_schema, our_schema

#: the XML files of an extract besides ADDML, in the order we read them
XML_KEYS: Final = ("arkivstruktur", "endringslogg", "loependeJournal", "offentligJournal")


def _declared_file(run: Run, key: str) -> tuple[str, DataObject | None]:
    obj = run.addml.data_object(key) if run.addml else None
    if obj is not None and obj.file is not None and obj.file.name:
        return obj.file.name, obj
    return f"{key}.xml", obj


def scan_xml_file(run: Run, key: str, store: Store, schema: CompiledSchema | None) -> None:
    name, obj = _declared_file(run, key)
    path, exact = run.find(name)
    if path is None:
        _missing_xml(run, key, name, obj)
        return
    if not exact:
        run.add(
            "N5V-STRUCT-08",
            Severity.ERROR,
            f"Filen heter «{path}»; navnet skal være «{name}» (store og små bokstaver som i standarden).",
            f"The file is called '{path}'; the name must be '{name}' (case as in the standard).",
            path,
        )
    handler: Any
    if key == "arkivstruktur":
        declared = {c.element for c in obj.counts} if obj else set()
        handler = ArkivstrukturHandler(run.version, run.addml, store, run.out, declared)
    elif key == "endringslogg":
        handler = EndringsloggHandler(store, path)
    else:
        handler = JournalHandler(key, store)
    run.handlers[key] = handler
    try:
        with run.source.open(path) as stream:
            _scan_stream(run, stream, path, key, schema or our_schema(run, key), handler, key)
    except UnreadableExtract as exc:
        # a damaged archive member: report it and go on with the rest of the extract
        run.out.add(exc.as_finding())
        run.handlers.pop(key, None)
        return
    if key == "arkivstruktur":
        run.out.ran(
            "N5V-CONTENT-09",
            "N5V-CONTENT-10",
            "N5V-CONTENT-11",
            "N5V-CONTENT-12",
            "N5V-CONTENT-14",
            "N5V-CONTENT-15",
            "N5V-CONTENT-21",
        )
        if run.version == "5.0":
            run.out.ran("N5V-CONTENT-13")
        else:
            run.out.skip(
                "N5V-CONTENT-13",
                f"v{run.version}-skjemaene har kodelistene selv",
                f"the v{run.version} schemas enumerate the code lists themselves",
            )


def _missing_xml(run: Run, key: str, name: str, obj: DataObject | None) -> None:
    run.out.ran("N5V-STRUCT-08")
    if key in ("arkivstruktur", "endringslogg"):
        run.add(
            "N5V-STRUCT-08",
            Severity.ERROR,
            f"Den obligatoriske filen {name} mangler i uttrekket.",
            f"The mandatory file {name} is missing from the extract.",
            name,
        )
    elif obj is not None:
        pass  # listed but missing: the existence check reports it
    # journals are only mandatory for extracts with journal records; see crosschecks.check_journals


def scan_bytes(
    run: Run,
    data: bytes,
    path: str,
    key: str,
    schema: CompiledSchema,
    handler: ElementHandler | None,
    role: str,
) -> ScanResult:
    return _scan_stream(run, io.BytesIO(data), path, key, schema, handler, role)


def _scan_stream(
    run: Run,
    stream: Any,
    path: str,
    key: str,
    schema: CompiledSchema,
    handler: ElementHandler | None,
    role: str,
) -> ScanResult:
    run.out.ran(STRUCT_WELLFORMED, STRUCT_VALID)
    official = official_schema(run, key)
    schemas: list[CompiledSchema] = [schema] + ([official] if official is not None else [])
    logs = [ProblemLog(run.options.max_instances) for _ in schemas]
    total = run.source.size(path) if path in run.fileset else 0
    result = scan_xml(
        stream,
        path,
        schemas,
        logs,
        handler,
        run.options.chunk_size,
        lambda done: run.progress(path, done, total),
    )
    run.scans[path] = result
    run.file_entries.append(FileEntry(path, role, result.size, result.sha256))
    _report_problems(run, logs[0], path, None)
    if official is not None:
        _report_problems(run, logs[1], path, logs[0])
    return result


def _report_problems(run: Run, log: ProblemLog, path: str, ours: ProblemLog | None) -> None:
    version = ADDML_VERSION if path.endswith(ADDML_NAMES) else run.version
    known = {(p.raw.line, p.raw.message) for p in ours.items} if ours is not None else set()
    kept = 0
    for p in log.items:
        if (p.raw.line, p.raw.message) in known:
            continue
        f = to_finding(p, run.version if version != ADDML_VERSION else "5.0", path)
        if ours is not None:
            f = Finding(
                f.check,
                f.severity,
                f.message_no + " (ifølge det offisielle skjemaet)",
                f.message_en + " (according to the official schema)",
                f.file,
                f.line,
                f.column,
                f.element,
                f.m_number,
            )
        run.out.add(f)
        kept += 1
    if ours is None:
        hidden = log.count - len(log.items)
        run.out.count_only(STRUCT_VALID, Severity.ERROR, hidden)
