"""The report in the structure of Arkade 5's own test report (``--format arkade``).

Arkade writes its result as ``TestReport`` (XML, schema ``testReport.xsd``; JSON, ``testReport.schema.json``):
a summary of the extract and the run, then one ``ExecutedTest`` per test with its results. We write the
same structure from our JSON report (:meth:`tender.core.noark.report.Report.to_json`), grouped by
:func:`tender.core.noark.report.arkade_groups`, so that an archivist used to Arkade can put the two side
by side: every Arkade test our checks ran (N5.01–N5.64, in Arkade's order), then our own checks that
Arkade does not have, under their own ids (``N5V-…``).

A finding becomes a ``Result``: ``Error`` for an error, ``Success`` for anything else (Arkade has no
warnings; a warning's message says it is one). Findings counted but not kept (see ``omitted`` in the JSON
report) are summed up in one ``ErrorGroup`` result, so that ``NumberOfErrors`` and the results agree.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final, Literal

from .checks import ARKADE
from .report import ArkadeGroup, arkade_groups

Lang = Literal["no", "en"]

#: our check groups as Arkade's test types, for our own checks in the export
_OWN_TYPE: Final = {
    "input": "StructureControl",
    "structure": "StructureControl",
    "content": "ContentControl",
    "documents": "ContentControl",
    "statistics": "ContentAnalysis",
}
_COVERAGE_NO: Final = {"full": "full", "partial": "delvis", "not run": "ikke kjørt"}


@dataclass(frozen=True)
class ArkadeSummaryContext:
    """What Arkade's summary tells about the extract beyond our report: filled from the ADDML context
    when it is known (None leaves the element out)."""

    uuid: str | None = None
    archive_creators: str | None = None
    archival_period: str | None = None
    system_name: str | None = None
    system_type: str | None = None


def _location(finding: Mapping[str, Any], lang: Lang) -> str | None:
    file, line = finding.get("file"), finding.get("line")
    if not file:
        return None
    if line:
        return f"{file} - {'linje' if lang == 'no' else 'line'} {line}"
    return str(file)


def _message(finding: Mapping[str, Any], lang: Lang) -> str:
    text = str(finding.get("message_no" if lang == "no" else "message_en") or "")
    unit = finding.get("unit")
    if unit and str(unit) not in text:
        text += f" (systemID {unit})"
    if finding.get("severity") == "warning":
        text = ("Advarsel: " if lang == "no" else "Warning: ") + text
    return text


def _results(group: ArkadeGroup, lang: Lang) -> list[dict[str, Any]]:
    results = [
        {
            "ResultType": "Error" if f.get("severity") == "error" else "Success",
            "Location": _location(f, lang),
            "Message": _message(f, lang),
        }
        for f in group.findings
    ]
    kept_errors = sum(1 for f in group.findings if f.get("severity") == "error")
    kept_others = len(group.findings) - kept_errors
    more_errors = group.counts.get("error", 0) - kept_errors
    more_others = group.total - group.counts.get("error", 0) - kept_others
    if more_errors > 0:
        results.append(
            {
                "ResultType": "ErrorGroup",
                "Location": None,
                "Message": (
                    f"{more_errors} feil til er talt, men ikke tatt med enkeltvis i rapporten."
                    if lang == "no"
                    else f"{more_errors} more errors were counted but are not listed one by one."
                ),
            }
        )
    if more_others > 0:
        results.append(
            {
                "ResultType": "Success",
                "Location": None,
                "Message": (
                    f"{more_others} funn til er talt, men ikke tatt med enkeltvis i rapporten."
                    if lang == "no"
                    else f"{more_others} more findings were counted but are not listed one by one."
                ),
            }
        )
    return results


def _description(group: ArkadeGroup, lang: Lang) -> str:
    checks = ", ".join(group.checks)
    if group.kind == "own":
        return (
            "Kontroll i tender som Arkade 5 ikke har."
            if lang == "no"
            else "A tender check Arkade 5 does not have."
        )
    if lang == "no":
        text = f"Dekning i tender: {_COVERAGE_NO.get(group.coverage, group.coverage)}"
        text += f" ({group.note_no})." if group.note_no else "."
        return text + (f" Kontroller: {checks}." if checks else "")
    text = f"Coverage in tender: {group.coverage}"
    text += f" ({group.note_en})." if group.note_en else "."
    return text + (f" Checks: {checks}." if checks else "")


def _executed(group: ArkadeGroup, checks: Mapping[str, Mapping[str, Any]], lang: Lang) -> dict[str, Any]:
    if group.kind == "own":
        test_type = _OWN_TYPE.get(str(checks.get(group.id, {}).get("group", "")), "ContentControl")
    else:
        test_type = group.type
    results = _results(group, lang)
    return {
        "TestId": group.id,
        "TestName": group.name_no if lang == "no" else group.name_en,
        "TestType": test_type,
        "TestDescription": _description(group, lang),
        "ResultSet": {"Name": None, "ResultSets": [], "Results": results},
        "HasResults": bool(results),
        "NumberOfErrors": str(group.counts.get("error", 0)),
    }


def _date_of_testing(started_at: object) -> str | None:
    try:
        when = dt.datetime.fromisoformat(str(started_at))
    except ValueError:
        return None
    return when.strftime("%d.%m.%Y")


def arkade_test_report(
    report: Mapping[str, Any], context: ArkadeSummaryContext | None = None, lang: Lang = "no"
) -> dict[str, Any]:
    """The report as Arkade's ``TestReport`` in its JSON form (``testReport.schema.json``)."""
    grouping = arkade_groups(dict(report))
    checks = {str(c.get("id")): c for c in report.get("checks", [])}
    ctx = context or ArkadeSummaryContext()
    run = [g for g in grouping.tests if g.result != "not run"]
    statistics = report.get("statistics") or {}
    levels = (statistics.get("arkivstruktur") or {}).get("levels") or {}
    documents = (statistics.get("documents") or {}).get("files") or 0
    files = len(report.get("files") or []) + int(documents)
    # Arkade counts the records it read; ours are the units of arkivstruktur.xml
    records = sum(int(v) for k, v in levels.items() if "(" not in k)
    summary = {
        "Uuid": ctx.uuid,
        "ArchiveType": "Noark5",
        "ArchiveCreators": ctx.archive_creators,
        "ArchivalPeriod": ctx.archival_period,
        "SystemName": ctx.system_name,
        "SystemType": ctx.system_type,
        "DateOfTesting": _date_of_testing(report.get("started_at")),
        "NumberOfProcessedFiles": str(files),
        "NumberOfProcessedRecords": str(records),
        "NumberOfTestsRun": f"{len(run)} {'av' if lang == 'no' else 'of'} {len(ARKADE)}",
        "NumberOfErrors": str((report.get("verdict") or {}).get("errors", 0)),
    }
    executed = [_executed(g, checks, lang) for g in run]
    executed += [_executed(g, checks, lang) for g in grouping.own if g.result != "not run"]
    return {"Summary": summary, "TestsResults": executed}


def _sub(parent: ET.Element, name: str, value: object) -> None:
    """A child element, left out when the value is None (minOccurs 0 in testReport.xsd)."""
    if value is None:
        return
    el = ET.SubElement(parent, name)
    el.text = ("true" if value else "false") if isinstance(value, bool) else str(value)


def _result_set(parent: ET.Element, name: str, rs: Mapping[str, Any]) -> None:
    el = ET.SubElement(parent, name)
    _sub(el, "Name", rs.get("Name"))
    sets = ET.SubElement(el, "ResultSets")
    for child in rs.get("ResultSets") or []:
        _result_set(sets, "ResultSet", child)
    results = ET.SubElement(el, "Results")
    for r in rs.get("Results") or []:
        result = ET.SubElement(results, "Result")
        _sub(result, "ResultType", r["ResultType"])
        _sub(result, "Location", r.get("Location"))
        _sub(result, "Message", r.get("Message"))


def arkade_test_report_xml(
    report: Mapping[str, Any], context: ArkadeSummaryContext | None = None, lang: Lang = "no"
) -> bytes:
    """The report as Arkade's ``TestReport`` in XML (``testReport.xsd``), UTF-8 with a declaration."""
    data = arkade_test_report(report, context, lang)
    root = ET.Element("TestReport")
    summary = ET.SubElement(root, "Summary")
    # the element order of testReport.xsd's TestReportSummary sequence
    for name in (
        "Uuid",
        "ArchiveType",
        "ArchiveCreators",
        "ArchivalPeriod",
        "SystemName",
        "SystemType",
        "DateOfTesting",
        "NumberOfProcessedFiles",
        "NumberOfProcessedRecords",
        "NumberOfTestsRun",
        "NumberOfErrors",
    ):
        _sub(summary, name, data["Summary"][name])
    tests = ET.SubElement(root, "TestsResults")
    for t in data["TestsResults"]:
        el = ET.SubElement(tests, "ExecutedTest")
        _sub(el, "TestId", t["TestId"])
        _sub(el, "TestName", t["TestName"])
        _sub(el, "TestType", t["TestType"])
        _sub(el, "TestDescription", t["TestDescription"])
        _result_set(el, "ResultSet", t["ResultSet"])
        _sub(el, "HasResults", t["HasResults"])
        _sub(el, "NumberOfErrors", t["NumberOfErrors"])
    ET.indent(root)
    text: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return text + b"\n"
