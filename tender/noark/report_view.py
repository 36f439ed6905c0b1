"""What the report pages show, built from the validator's JSON report (``Report.to_json``).

The page groups findings by severity, then by check, with the counts and the first N instances; the full
list is the JSON download. The group's comparison table is built from each sample's stored check summary.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tender.core.noark.checks import CHECKS
from tender.noark.models import ExtractSample

SEVERITIES: tuple[tuple[str, str], ...] = (
    ("error", "Feil"),
    ("warning", "Advarsler"),
    ("info", "Opplysninger og statistikk"),
)
STATUS_LABELS = {
    "pass": "bestått",
    "fail": "feil",
    "warning": "advarsel",
    "info": "info",
    "skipped": "ikke kjørt",
}


@dataclass
class CheckBlock:
    """One check under one severity: how many findings it had, and the first ones."""

    id: str
    name_no: str
    name_en: str
    status: str
    count: int
    findings: list[dict[str, Any]]

    @property
    def not_shown(self) -> int:
        return self.count - len(self.findings)


@dataclass
class ReportView:
    verdict: dict[str, Any]
    extract: dict[str, Any]
    unreadable: dict[str, Any] | None
    sections: list[tuple[str, str, list[CheckBlock]]] = field(default_factory=list)
    passed: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[dict[str, Any]] = field(default_factory=list)


def build_report_view(report: dict[str, Any], first_n: int) -> ReportView:
    """Group a JSON report by severity and check, keeping the first ``first_n`` findings of each."""
    view = ReportView(
        verdict=report.get("verdict", {}),
        extract=report.get("extract", {}),
        unreadable=report.get("unreadable"),
    )
    checks = report.get("checks", [])
    for severity, label in SEVERITIES:
        blocks = []
        for c in checks:
            count = int(c.get("counts", {}).get(severity, 0))
            if count:
                shown = [f for f in c.get("findings", []) if f.get("severity") == severity][:first_n]
                blocks.append(
                    CheckBlock(
                        c["id"], c.get("name_no", ""), c.get("name_en", ""), c.get("status", ""), count, shown
                    )
                )
        if blocks:
            view.sections.append((severity, label, blocks))
    view.passed = [c for c in checks if c.get("status") == "pass" and not any(c.get("counts", {}).values())]
    view.skipped = [c for c in checks if c.get("status") == "skipped"]
    return view


@dataclass
class ComparisonRow:
    """One check across vendors: per vendor (in column order) its status and counts, or None."""

    id: str
    name_no: str
    cells: list[dict[str, Any] | None]


def comparison(samples: list[ExtractSample | None]) -> list[ComparisonRow]:
    """Rows of the side-by-side table: every check any of the samples reported, in catalogue order."""
    order: dict[str, str] = {}
    per_sample: list[dict[str, dict[str, Any]]] = []
    for s in samples:
        summary = {c["id"]: c for c in s.summary} if s is not None else {}
        per_sample.append(summary)
        for cid, c in summary.items():
            order.setdefault(cid, c.get("name_no", ""))
    position = {cid: i for i, cid in enumerate(CHECKS)}
    ids = sorted(order, key=lambda cid: (position.get(cid, len(position)), cid))
    return [ComparisonRow(cid, order[cid], [p.get(cid) for p in per_sample]) for cid in ids]
