"""The result of a validation run, and its stable JSON form (documented in ``docs/noark-report.md``).

Every finding is counted; the first ``max_instances`` of each check are kept with their text and
location (a broken 10 GB extract can have millions of identical errors, and a report nobody can
open helps no one). ``omitted`` says how many more there were.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Final, Literal

from .checks import ARKADE, CHECKS, Check, arkade_coverage
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
    #: every finding counted again under each Arkade test it belongs to ("" for none), kept or not
    arkade_counts: Counter[tuple[str, Severity]] = field(default_factory=Counter)

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
        for test in arkade_of(finding) or ("",):
            result.arkade_counts[test, finding.severity] += 1
        if len(result.findings) < self.max_instances:
            result.findings.append(finding)

    def count_only(self, check_id: str, severity: Severity, n: int) -> None:
        """Record ``n`` findings that were counted elsewhere but not kept."""
        if n > 0:
            result = self._result(check_id)
            result.counts[severity] += n
            tests = () if result.check.arkade_per_finding else result.check.arkade
            for test in tests or ("",):
                result.arkade_counts[test, severity] += n

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
        out: dict[str, Any] = {
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
        out["arkade_tests"] = [g.to_json() for g in arkade_groups(out).tests]
        return out


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


#: why the extract was checked against its version (``extract.version_basis`` of the JSON report), in words
VERSION_BASIS_WORDS: Final[dict[str, tuple[str, str]]] = {
    "stated_and_bundled": (
        "som arkivuttrekk.xml oppgir og skjemaene i uttrekket er",
        "as arkivuttrekk.xml states and the extract's schemas are",
    ),
    "bundled": ("ut fra skjemaene uttrekket har med", "from the schemas the extract carries"),
    "stated": ("som arkivuttrekk.xml oppgir", "as arkivuttrekk.xml states"),
    "data": (
        "ut fra dataene i arkivstruktur.xml (verken versjon eller skjemaer å gå etter)",
        "from the data of arkivstruktur.xml (neither a version nor schemas to go by)",
    ),
    "default": (
        "som Arkade gjør når ingenting annet sier hvilken",
        "as Arkade does when nothing else says which",
    ),
}


def version_basis_words(extract: dict[str, Any], lang: str = "no") -> str:
    """Why the report's version was used, in words ("" for a report made before the basis was recorded)."""
    words = VERSION_BASIS_WORDS.get(str(extract.get("version_basis")))
    if words is None:
        return ""
    return words[0] if lang == "no" else words[1]


def arkade_of(f: Finding) -> tuple[str, ...]:
    """The Arkade tests a finding belongs to: its own, else those of its check, unless the check stands for
    several tests and leaves it to each finding (none for our own checks)."""
    if f.arkade:
        return f.arkade
    check = CHECKS.get(f.check)
    if check is None or check.arkade_per_finding:
        return ()
    return check.arkade


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
        "arkade_counts": _arkade_counts_json(r),
        "findings": [finding_json(f) for f in sorted(r.findings, key=lambda f: _SEVERITY_ORDER[f.severity])],
    }
    if r.skipped_reason is not None and not r.ran:
        out["skipped_reason"] = {"no": r.skipped_reason[0], "en": r.skipped_reason[1]}
    return out


def _arkade_counts_json(r: CheckResult) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for (test, severity), n in sorted(r.arkade_counts.items(), key=lambda kv: (kv[0][0], kv[0][1].value)):
        counts = out.setdefault(test or NO_ARKADE_TEST, {s.value: 0 for s in Severity})
        counts[severity.value] += n
    return out


def ordered_results(collector: Collector) -> list[CheckResult]:
    """Results in catalogue order (input, structure, content, documents, statistics)."""
    groups = {"input": 0, "structure": 1, "content": 2, "documents": 3, "statistics": 4}
    order = {cid: i for i, cid in enumerate(CHECKS)}
    return sorted(
        collector.results.values(),
        key=lambda r: (groups.get(r.check.group, 0), order.get(r.check.id, len(order)), r.check.id),
    )


# -- the report in Arkade's terms -------------------------------------------------------------------------
#: key of ``arkade_counts`` for findings that belong to no Arkade test
NO_ARKADE_TEST: Final = "none"

ArkadeResult = Literal["fail", "pass", "not run"]
_NOT_RUN_NO: Final = "ingen av kontrollene våre for denne testen ble kjørt"
_NOT_RUN_EN: Final = "none of our checks for this test ran"


@dataclass
class ArkadeGroup:
    """The findings of one Arkade test (``kind`` "arkade"), or of one of our checks Arkade does not have
    (``kind`` "own"), with the result as Arkade gives it: a test fails when any of its findings is an error.
    """

    kind: Literal["arkade", "own"]
    id: str  #: "N5.10", or our check id for an own group
    name_no: str
    name_en: str
    type: str  #: Arkade's category (StructureControl, ...), "" for our own checks
    result: ArkadeResult
    counts: dict[str, int]  #: "error", "warning", "info": every finding, kept or not
    checks: list[str]  #: our checks that reported into the group
    findings: list[dict[str, Any]]  #: the kept findings (JSON form), errors first
    coverage: str = ""  #: "full", "partial", "not run" (Arkade tests only)
    note_no: str = ""  #: what of the Arkade test we do not do, or why it did not run
    note_en: str = ""

    @property
    def total(self) -> int:
        """Number of findings, kept or not."""
        return sum(self.counts.values())

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name_no": self.name_no,
            "name_en": self.name_en,
            "type": self.type,
            "coverage": self.coverage,
            "note_no": self.note_no,
            "note_en": self.note_en,
            "result": self.result,
            "counts": dict(self.counts),
            "checks": list(self.checks),
        }


@dataclass
class ArkadeGrouping:
    """A report's findings grouped as Arkade's report: the Arkade tests in Arkade's order, then ours."""

    tests: list[ArkadeGroup]
    own: list[ArkadeGroup]

    @property
    def failed(self) -> list[ArkadeGroup]:
        return [g for g in self.tests if g.result == "fail"]


def _finding_tests(finding: dict[str, Any], check: dict[str, Any]) -> list[str]:
    """The Arkade tests of a finding in a JSON report (reports written before findings carried their own
    tests fall back to their check's, as :func:`arkade_of` does)."""
    if finding.get("arkade"):
        return list(finding["arkade"])
    if "arkade" in finding:
        return []
    known = CHECKS.get(str(check.get("id")))
    if known is not None and known.arkade_per_finding:
        return []
    return list(check.get("arkade", []))


def _check_counts(check: dict[str, Any], test: str) -> dict[str, int]:
    """How many findings of ``check`` belong to ``test`` (NO_ARKADE_TEST: to none), kept or not."""
    stored = check.get("arkade_counts")
    if stored is not None:
        counts = stored.get(test) or {}
        return {s.value: int(counts.get(s.value, 0)) for s in Severity}
    # a report written before findings were counted by Arkade test
    tests = list(check.get("arkade", []))
    known = CHECKS.get(str(check.get("id")))
    per_finding = known is not None and known.arkade_per_finding
    if not tests or (len(tests) == 1 and not per_finding):
        # every finding of the check belongs to its one test, or to none
        mine = (test == NO_ARKADE_TEST) if not tests else (test == tests[0])
        counts = check.get("counts") or {}
        return {s.value: int(counts.get(s.value, 0)) if mine else 0 for s in Severity}
    # otherwise only the kept findings can be attributed
    out = {s.value: 0 for s in Severity}
    for f in check.get("findings", []):
        tests = _finding_tests(f, check)
        if (test in tests) if test != NO_ARKADE_TEST else not tests:
            out[str(f.get("severity"))] = out.get(str(f.get("severity")), 0) + 1
    return out


def _sorted_findings(findings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rank = {s.value: i for s, i in _SEVERITY_ORDER.items()}
    return sorted(findings, key=lambda f: rank.get(str(f.get("severity")), 3))


def arkade_groups(report: dict[str, Any]) -> ArkadeGrouping:
    """Group a JSON report (:meth:`Report.to_json`) by Arkade test, as Arkade's own report does.

    Every Arkade test N5.01–N5.64 gets a group, in Arkade's order, with its result: "fail" when any of its
    findings is an error, "pass" when one of our checks for it ran, else "not run" (and why). Findings of
    checks Arkade does not have follow as groups of their own, one per check. The CLI, the browser page and
    the Arkade export all use this one grouping.
    """
    checks: list[dict[str, Any]] = list(report.get("checks", []))
    tests: list[ArkadeGroup] = []
    for test in ARKADE.values():
        counts = {s.value: 0 for s in Severity}
        found: list[dict[str, Any]] = []
        ours: list[str] = []
        ran = False
        skipped: dict[str, Any] | None = None
        for c in checks:
            covers = test.id in c.get("arkade", [])
            n = _check_counts(c, test.id)
            if not covers and not any(n.values()):
                continue
            ours.append(str(c["id"]))
            for k, v in n.items():
                counts[k] = counts.get(k, 0) + v
            found.extend(f for f in c.get("findings", []) if test.id in _finding_tests(f, c))
            if c.get("status") == "skipped":
                skipped = skipped or c.get("skipped_reason")
            else:
                ran = True
        result: ArkadeResult
        note_no, note_en = test.note_no, test.note_en
        if counts["error"]:
            result = "fail"
        elif ran and test.coverage != "not run":
            result = "pass"
        else:
            result = "not run"
            if test.coverage != "not run":
                reason = skipped or {"no": _NOT_RUN_NO, "en": _NOT_RUN_EN}
                note_no, note_en = str(reason.get("no", _NOT_RUN_NO)), str(reason.get("en", _NOT_RUN_EN))
        tests.append(
            ArkadeGroup(
                "arkade",
                test.id,
                test.name_no,
                test.name_en,
                test.type,
                result,
                counts,
                ours,
                _sorted_findings(found),
                test.coverage,
                note_no,
                note_en,
            )
        )
    own: list[ArkadeGroup] = []
    for c in checks:
        counts = _check_counts(c, NO_ARKADE_TEST)
        if c.get("arkade") and not any(counts.values()):
            continue  # an Arkade check whose findings all went to their tests
        found = [f for f in c.get("findings", []) if not _finding_tests(f, c)]
        skipped_reason = c.get("skipped_reason") if c.get("status") == "skipped" else None
        own_result: ArkadeResult = "fail" if counts["error"] else ("not run" if skipped_reason else "pass")
        own.append(
            ArkadeGroup(
                "own",
                str(c["id"]),
                str(c.get("name_no", "")),
                str(c.get("name_en", "")),
                "",
                own_result,
                counts,
                [str(c["id"])],
                _sorted_findings(found),
                note_no=str(skipped_reason.get("no", "")) if skipped_reason else "",
                note_en=str(skipped_reason.get("en", "")) if skipped_reason else "",
            )
        )
    return ArkadeGrouping(tests, own)
