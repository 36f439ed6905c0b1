"""What the phases of one validation share: the opened extract, the options, and what each phase found.

A :class:`Run` is made once per validation by :func:`tender.core.noark.validator.validate_source` and
handed to every phase in turn. Phases read what earlier phases left here (the ADDML description, the
detected version, the content handlers of the XML files) and add findings through :meth:`Run.add`.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from ..addml import Addml, VersionDecision
from ..findings import Finding, Severity
from ..libxml2 import CompiledSchema
from ..report import Collector, FileEntry
from ..scan import ScanResult
from ..source import ExtractSource, Limits

Progress = Callable[[str, int, int], None]

#: ADDML descriptions larger than this are refused (real ones are a few hundred kB at most); schema files
#: read whole are held to the same limit
MAX_ADDML_BYTES: Final = 64 * 1024 * 1024


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


def sha256_equal(a: str | None, b: str | None) -> bool:
    return a is not None and b is not None and a.strip().lower() == b.strip().lower()


class Run:
    """The state of one validation, shared by its phases."""

    def __init__(self, source: ExtractSource, options: Options) -> None:
        self.source = source
        self.options = options
        self.out = Collector(options.max_instances)
        self.files = source.list_files()
        self.fileset = set(self.files)
        self.lower = {p.lower(): p for p in self.files}
        #: set by the description phase
        self.addml: Addml | None = None
        self.stated_version: str | None = None
        self.version = "5.0"
        #: how the version was decided (stated, bundled schemas, default)
        self.version_decision: VersionDecision | None = None
        #: set by the XML phase: every scanned file, its scan result and its content handler
        self.file_entries: list[FileEntry] = []
        self.scans: dict[str, ScanResult] = {}
        self.handlers: dict[str, Any] = {}
        self.statistics: dict[str, Any] = {}
        #: compiled schemas by "<version>/<key>" or "official/<key>", compiled once per run
        self.compiled: dict[str, CompiledSchema] = {}
        self._tmp: Path | None = None
        self._input_taken = 0

    def add(
        self,
        check: str,
        severity: Severity,
        no: str,
        en: str,
        file: str | None = None,
        line: int | None = None,
        element: str | None = None,
        m_number: str | None = None,
        *,
        unit: str | None = None,
        arkade: tuple[str, ...] = (),
    ) -> None:
        self.out.add(Finding(check, severity, no, en, file, line, None, element, m_number, unit, arkade))

    def progress(self, stage: str, done: int, total: int) -> None:
        if self.options.progress is not None:
            self.options.progress(stage, done, total)

    def find(self, name: str) -> tuple[str | None, bool]:
        """The path of ``name`` at the extract root: (path, exact case)."""
        if name in self.fileset:
            return name, True
        other = self.lower.get(name.lower())
        return other, False

    def input_findings(self) -> None:
        """Take over what the input layer found since we last looked (opening, hashing)."""
        new = self.source.findings[self._input_taken :]
        self._input_taken = len(self.source.findings)
        for finding in new:
            self.out.add(finding)

    def tmpdir(self) -> Path:
        if self._tmp is None:
            self._tmp = Path(tempfile.mkdtemp(prefix="tender-noark-"))
        return self._tmp

    def cleanup(self) -> None:
        """Remove what the run wrote to disk (combined VSM schemas)."""
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)
