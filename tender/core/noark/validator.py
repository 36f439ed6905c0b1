"""Validate a Noark 5 archival extract (arkivuttrekk): the entry point of the validator.

``validate_path(path)`` opens a folder, zip, tar(.gz) or single XML file through
:mod:`tender.core.noark.source` and returns a :class:`~tender.core.noark.report.Report`.

Order of work, each file read once; each step is a phase in :mod:`tender.core.noark.phases`, and this
module only runs them in turn:

1. ``arkivuttrekk.xml`` (ADDML): validated against ADDML 8.3, read; the Noark version comes from
   ``info/type/version`` and the ``arkivstruktur.xsd`` the extract carries, recognised by content (never
   from namespaces); recognised official schemas win, as in Arkade; with neither, v5.0 is used.
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
import time
from collections.abc import Iterable
from pathlib import Path

from .findings import Finding
from .phases.context import Options, Progress, Run
from .phases.crosschecks import check_journals, check_references
from .phases.declarations import check_counts, check_flags, check_listed_files
from .phases.description import read_description
from .phases.document_files import check_documents
from .phases.schemas import arkivstruktur_schema, check_bundled_schemas
from .phases.summaries import addml_context, summarise
from .phases.unitchecks import check_units
from .phases.xmlfiles import XML_KEYS, scan_xml_file
from .report import Report, ordered_results
from .source import ExtractSource, open_extract
from .store import Store

__all__ = ["Options", "Progress", "iter_findings", "validate_path", "validate_source"]


def validate_path(path: Path, options: Options | None = None) -> Report:
    """Validate the extract at ``path``. Raises ``UnreadableExtract`` if nothing usable is there."""
    if options is None:
        options = Options()
    with open_extract(Path(path), options.limits) as source:
        return validate_source(source, options)


def validate_source(source: ExtractSource, options: Options | None = None) -> Report:
    """Validate an already opened extract: the phases of :mod:`.phases` in turn, each file read once."""
    if options is None:
        options = Options()
    run = Run(source, options)
    started = time.monotonic()
    started_at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    run.input_findings()
    store = Store()
    try:
        read_description(run)
        check_bundled_schemas(run)
        arkiv_schema = arkivstruktur_schema(run)
        for key in XML_KEYS:
            scan_xml_file(run, key, store, arkiv_schema if key == "arkivstruktur" else None)
        check_listed_files(run)
        check_counts(run)
        check_flags(run)
        check_references(run, store)
        check_units(run, store)
        check_journals(run, store)
        check_documents(run, store)
        summarise(run)
        context = addml_context(run)
    finally:
        store.close()
        run.cleanup()
    return Report(
        extract=source.root_label,
        started_at=started_at,
        duration_seconds=time.monotonic() - started,
        addml_path=run.addml.path if run.addml else None,
        stated_version=run.stated_version,
        noark_version=run.version,
        version_basis=run.version_decision.basis if run.version_decision else "default",
        bundled_version=run.version_decision.bundled if run.version_decision else None,
        results=ordered_results(run.out),
        statistics=run.statistics,
        files=run.file_entries,
        context=context,
    )


def iter_findings(report: Report) -> Iterable[Finding]:
    """All kept findings of a report, errors first."""
    return report.findings()
