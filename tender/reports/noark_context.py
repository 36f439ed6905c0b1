"""The ADDML context of a Noark 5 report (its ``context`` block) in words, for the report page and its PDF:
"ikke oppgitt" wherever the description is silent, dates and numbers through the one set of formatters."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from tender import formatting

MISSING = "ikke oppgitt"
COUNT_SOURCES = {
    "numberOfOccurrences": "arkivuttrekk.xml (numberOfOccurrences)",
    "antallDokumentfiler": "arkivuttrekk.xml (antallDokumentfiler)",
    "antallJournalposter": "journalhodet (antallJournalposter)",
}


@dataclass
class ContextCount:
    """One count stated in the extract, against the count found, in words."""

    element: str
    where: str
    source: str
    stated: str
    found: str
    agrees: bool | None


@dataclass
class ContextView:
    """The report's ``context`` block in words for the page: "ikke oppgitt" wherever ADDML is silent."""

    addml: str | None
    record_creators: str
    system_name: str
    system_type: str
    archive: str
    period_start: str
    period_end: str
    incoming: str
    outgoing: str
    counts: list[ContextCount]


def build_context_view(report: dict[str, Any]) -> ContextView | None:
    """The ADDML context of a JSON report, or None for a report made before the block existed."""
    context = report.get("context")
    if not isinstance(context, dict):
        return None
    period = context.get("archival_period") or {}
    separation = context.get("period_separation") or {}
    creators = [
        str(c.get("name")) + (f" (nr. {c['number']})" if c.get("number") else "")
        for c in context.get("record_creators") or []
    ]
    return ContextView(
        addml=context.get("addml"),
        record_creators="; ".join(creators) or MISSING,
        system_name=_said(context.get("system_name")),
        system_type=_said(context.get("system_type")),
        archive=_said(context.get("archive")),
        period_start=_period_end(period, "start"),
        period_end=_period_end(period, "end"),
        incoming=_said(separation.get("incoming")),
        outgoing=_said(separation.get("outgoing")),
        counts=[_count(row) for row in context.get("counts") or []],
    )


def _said(value: Any) -> str:
    return MISSING if value in (None, "") else str(value)


def _period_end(period: dict[str, Any], which: str) -> str:
    value, raw = period.get(which), period.get(f"{which}_raw")
    if value:
        return formatting.format_date(dt.date.fromisoformat(value))
    return f"«{raw}» (ikke en dato)" if raw else MISSING


def _count(row: dict[str, Any]) -> ContextCount:
    element = str(row.get("element"))
    if row.get("counted_as") and row["counted_as"] != element:
        element += f" (talt som {row['counted_as']})"
    stated = row.get("stated")
    raw = row.get("stated_raw")
    found = row.get("found")
    return ContextCount(
        element=element,
        where=row.get("file") or "hele uttrekket",
        source=COUNT_SOURCES.get(str(row.get("source")), str(row.get("source"))),
        stated=formatting.format_number(stated) if stated is not None else (f"«{raw}»" if raw else MISSING),
        found=formatting.format_number(found) if found is not None else "ikke talt",
        agrees=row.get("agrees"),
    )
