"""What the report pages show, built from the validator's JSON report (``Report.to_json``).

The page groups findings by Arkade test (N5.01–N5.64, as Arkade's own report does), each with its result,
its counts and the first N findings, then our checks that Arkade does not have; the full list is the JSON
download. The group's comparison table is built from each sample's stored check summary.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tender.core.noark.checks import CHECKS
from tender.core.noark.report import ArkadeGroup, ArkadeGrouping, arkade_groups, version_basis_words
from tender.noark.models import ExtractSample
from tender.reports.noark_context import ContextView, build_context_view

ARKADE_RESULT_LABELS = {"fail": "Feil", "pass": "Bestått", "not run": "Ikke kjørt"}
COVERAGE_LABELS = {"full": "full", "partial": "delvis", "not run": "kjøres ikke"}
STATUS_LABELS = {
    "pass": "bestått",
    "fail": "feil",
    "warning": "advarsel",
    "info": "info",
    "skipped": "ikke kjørt",
}


@dataclass
class ReportView:
    verdict: dict[str, Any]
    extract: dict[str, Any]
    unreadable: dict[str, Any] | None
    #: the ADDML context, shown at the top (see :func:`build_context_view`)
    context: ContextView | None = None
    #: why the extract was checked against its version, in words ("" for older reports)
    version_basis: str = ""
    #: the findings by Arkade test, then our own checks (each group keeps its first ``first_n`` findings)
    arkade: ArkadeGrouping = field(default_factory=lambda: ArkadeGrouping([], []))
    result_labels: dict[str, str] = field(default_factory=lambda: dict(ARKADE_RESULT_LABELS))
    coverage_labels: dict[str, str] = field(default_factory=lambda: dict(COVERAGE_LABELS))

    @property
    def failed_tests(self) -> list[ArkadeGroup]:
        return self.arkade.failed + [g for g in self.arkade.own if g.result == "fail"]


def build_report_view(report: dict[str, Any], first_n: int) -> ReportView:
    """Group a JSON report by Arkade test (the grouping the CLI and the Arkade export use too), keeping the
    first ``first_n`` findings of each group."""
    grouping = arkade_groups(report)
    for group in grouping.tests + grouping.own:
        group.findings = group.findings[:first_n]
    return ReportView(
        verdict=report.get("verdict", {}),
        extract=report.get("extract", {}),
        unreadable=report.get("unreadable"),
        context=build_context_view(report),
        version_basis=version_basis_words(report.get("extract", {})),
        arkade=grouping,
    )


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
