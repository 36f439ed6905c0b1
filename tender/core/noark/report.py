"""The result of a validation run, and its stable JSON form (documented in ``docs/noark-report.md``).

Every finding is counted; the first ``max_instances`` of each check are kept with their text and
location (a broken 10 GB extract can have millions of identical errors, and a report nobody can
open helps no one). ``omitted`` says how many more there were.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Final, Literal

from .checks import CHECKS, Check, arkade_coverage
from .findings import Finding, Severity

#: identifies the JSON document; bump REPORT_VERSION on any incompatible change
REPORT_FORMAT: Final = "tender-noark-report"
REPORT_VERSION: Final = 1

Status = Literal["pass", "fail", "warning", "info", "skipped"]
_SEVERITY_ORDER: Final = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


@dataclass
class CheckResult:
    """What one check found."""

    check: Check
    ran: bool = False
    skipped_reason: tuple[str, str] | None = None
    findings: list[Finding] = field(default_factory=list)
    counts: Counter[Severity] = field(default_factory=Counter)

    @property
    def status(self) -> Status:
        """fail if any error, warning if any warning, info for statistics, else pass (or skipped)."""
        if self.counts[Severity.ERROR]:
            return "fail"
        if self.counts[Severity.WARNING]:
            return "warning"
        if self.skipped_reason is not None and not self.ran:
            return "skipped"
        if self.check.group == "statistics" or (self.counts[Severity.INFO] and not self.ran):
            return "info"
        return "pass"

    @property
    def total(self) -> int:
        """Number of findings, kept or not."""
        return sum(self.counts.values())

    @property
    def omitted(self) -> int:
        """Findings counted but not kept."""
        return self.total - len(self.findings)


class Collector:
    """Gathers findings by check while a validation runs."""

    def __init__(self, max_instances: int = 10_000) -> None:
        self.max_instances = max_instances
        self.results: dict[str, CheckResult] = {}

    def _result(self, check_id: str) -> CheckResult:
        result = self.results.get(check_id)
        if result is None:
            # an id the catalogue does not know yet (a newer input check) still gets reported
            check = CHECKS.get(check_id) or Check(check_id, check_id, check_id, "input")
            result = CheckResult(check)
            self.results[check_id] = result
        return result

    def add(self, finding: Finding) -> None:
        """Record a finding (kept if the check has room)."""
        result = self._result(finding.check)
        result.counts[finding.severity] += 1
        if len(result.findings) < self.max_instances:
            result.findings.append(finding)

    def count_only(self, check_id: str, severity: Severity, n: int) -> None:
        """Record ``n`` findings that were counted elsewhere but not kept."""
        if n > 0:
            self._result(check_id).counts[severity] += n

    def ran(self, *check_ids: str) -> None:
        """Mark checks as carried out (a check that ran without findings passes)."""
        for check_id in check_ids:
            self._result(check_id).ran = True

    def skip(self, check_id: str, reason_no: str, reason_en: str) -> None:
        """Mark a check as not carried out, and why."""
        result = self._result(check_id)
        if not result.ran:
            result.skipped_reason = (reason_no, reason_en)


def _tool_version() -> str:
    from importlib import metadata

    try:
        return metadata.version("tender")
    except metadata.PackageNotFoundError:
        return "0.0.0"


@dataclass
class FileEntry:
    """An XML or schema file of the extract, as read."""

    path: str
    role: str  #: "addml", "arkivstruktur", "endringslogg", "loependeJournal", "offentligJournal", "schema"
    size: int
    sha256: str


@dataclass
class Report:
    """Everything a validation run found."""

    extract: str
    started_at: str
    duration_seconds: float
    addml_path: str | None
    stated_version: str | None
    noark_version: str
    results: list[CheckResult]
    statistics: dict[str, Any]
    files: list[FileEntry]
    tool_version: str = field(default_factory=lambda: _tool_version())
    #: why ``noark_version`` was used: "stated_and_bundled", "bundled", "stated" or "default"
    version_basis: str = "default"
    #: the version the extract's own arkivstruktur.xsd was recognised as, if any
    bundled_version: str | None = None
    #: the extract's context as ADDML states it, with the stated counts against those found
    #: (:func:`tender.core.noark.phases.summaries.addml_context`)
    context: dict[str, Any] = field(default_factory=dict)

    @property
    def valid(self) -> bool:
        """True when no check found an error."""
        return not any(r.counts[Severity.ERROR] for r in self.results)

    def count(self, severity: Severity) -> int:
        """Total findings of a severity."""
        return sum(r.counts[severity] for r in self.results)

    def findings(self, check_id: str | None = None) -> list[Finding]:
        """Kept findings, of one check or all, errors first."""
        out = [f for r in self.results if check_id in (None, r.check.id) for f in r.findings]
        return sorted(out, key=lambda f: _SEVERITY_ORDER[f.severity])

    def to_json(self) -> dict[str, Any]:
        """The documented JSON form (``docs/noark-report.md``)."""
        return {
            "format": REPORT_FORMAT,
            "version": REPORT_VERSION,
            "tool": {"name": "tender", "version": self.tool_version},
            "extract": {
                "label": self.extract,
                "addml": self.addml_path,
                "stated_version": self.stated_version,
                "noark_version": self.noark_version,
                "version_basis": self.version_basis,
                "bundled_version": self.bundled_version,
            },
            "context": self.context,
            "started_at": self.started_at,
            "duration_seconds": round(self.duration_seconds, 3),
            "verdict": {
                "valid": self.valid,
                "errors": self.count(Severity.ERROR),
                "warnings": self.count(Severity.WARNING),
                "info": self.count(Severity.INFO),
            },
            "checks": [_result_json(r) for r in self.results],
            "statistics": self.statistics,
            "files": [
                {"path": f.path, "role": f.role, "size": f.size, "sha256": f.sha256} for f in self.files
            ],
            "arkade_coverage": {k: list(v) for k, v in arkade_coverage().items()},
        }


def finding_json(f: Finding) -> dict[str, Any]:
    """One finding as JSON (fields of :class:`Finding`, severity as its string value)."""
    return {
        "check": f.check,
        "severity": f.severity.value,
        "message_no": f.message_no,
        "message_en": f.message_en,
        "file": f.file,
        "line": f.line,
        "column": f.column,
        "element": f.element,
        "m_number": f.m_number,
        "unit": f.unit,
        "arkade": list(arkade_of(f)),
    }


def arkade_of(f: Finding) -> tuple[str, ...]:
    """The Arkade tests a finding belongs to: its own, else those of its check (none for our own checks)."""
    if f.arkade:
        return f.arkade
    check = CHECKS.get(f.check)
    return check.arkade if check is not None else ()


def _result_json(r: CheckResult) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": r.check.id,
        "name_no": r.check.name_no,
        "name_en": r.check.name_en,
        "group": r.check.group,
        "arkade": list(r.check.arkade),
        "status": r.status,
        "counts": {s.value: r.counts[s] for s in Severity},
        "omitted": r.omitted,
        "findings": [finding_json(f) for f in sorted(r.findings, key=lambda f: _SEVERITY_ORDER[f.severity])],
    }
    if r.skipped_reason is not None and not r.ran:
        out["skipped_reason"] = {"no": r.skipped_reason[0], "en": r.skipped_reason[1]}
    return out


def ordered_results(collector: Collector) -> list[CheckResult]:
    """Results in catalogue order (input, structure, content, documents, statistics)."""
    groups = {"input": 0, "structure": 1, "content": 2, "documents": 3, "statistics": 4}
    order = {cid: i for i, cid in enumerate(CHECKS)}
    return sorted(
        collector.results.values(),
        key=lambda r: (groups.get(r.check.group, 0), order.get(r.check.id, len(order)), r.check.id),
    )
