"""``tender noark validate PATH``: validate a Noark 5 extract from the command line.

Exit codes: 0 the extract is valid, 1 it has findings that make it invalid, 2 the input could not be
read or the command was used wrongly. Problems are reported as messages, never as tracebacks.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from pathlib import Path
from typing import Any

import click

from tender.formatting import format_date, format_number

EXIT_VALID = 0
EXIT_INVALID = 1
EXIT_UNREADABLE = 2


@click.group("noark", help="Noark 5-arkivuttrekk: kontroll av uttrekk (archival extracts).")
def noark_group() -> None:
    """Commands for Noark 5 archival extracts."""


def _text_report(report: dict[str, Any], lang: str, first_n: int) -> str:
    no = lang == "no"
    lines: list[str] = []
    extract, verdict = report["extract"], report["verdict"]
    lines.append(("Uttrekk: " if no else "Extract: ") + str(extract["label"]))
    from tender.core.noark.report import version_basis_words

    why = version_basis_words(extract, lang)
    lines.append(
        f"Oppgitt versjon: {extract['stated_version'] or '–'}, "
        f"kontrollert mot Noark 5 v{extract['noark_version']}" + (f" ({why})" if why else "")
        if no
        else f"Stated version: {extract['stated_version'] or '-'}, "
        f"checked against Noark 5 v{extract['noark_version']}" + (f" ({why})" if why else "")
    )
    lines += context_lines(report.get("context") or {}, lang)
    lines.extend(_arkade_text(report, no, first_n))
    if verdict["valid"]:
        lines.append("GYLDIG" if no else "VALID")
    else:
        lines.append(
            f"IKKE GYLDIG: {verdict['errors']} feil, {verdict['warnings']} advarsler"
            if no
            else f"INVALID: {verdict['errors']} errors, {verdict['warnings']} warnings"
        )
    return "\n".join(lines)


#: how the outputs name the sources of a stated count
COUNT_SOURCES: dict[str, tuple[str, str]] = {
    "numberOfOccurrences": ("arkivuttrekk.xml, numberOfOccurrences", "arkivuttrekk.xml, numberOfOccurrences"),
    "antallDokumentfiler": ("arkivuttrekk.xml, antallDokumentfiler", "arkivuttrekk.xml, antallDokumentfiler"),
    "antallJournalposter": ("journalhodet, antallJournalposter", "journal header, antallJournalposter"),
}


def context_lines(context: dict[str, Any], lang: str) -> list[str]:
    """The extract's context as ADDML states it (the report's ``context`` block), for the top of the text
    report: arkivskaper, system, archival period and period separation, then the stated counts against
    the counts found. A field not given reads "ikke oppgitt"."""
    no = lang == "no"
    missing = "ikke oppgitt" if no else "not stated"
    source = context.get("addml")

    def shown(value: Any) -> str:
        return missing if value in (None, "") else str(value)

    creators = [
        c["name"] + (f" ({'nr.' if no else 'no.'} {c['number']})" if c.get("number") else "")
        for c in context.get("record_creators") or []
    ]
    period = context.get("archival_period") or {}
    separation = context.get("period_separation") or {}
    lines = [
        "",
        (f"KONTEKST (fra {source})" if no else f"CONTEXT (from {source})")
        if source
        else (
            "KONTEKST: uttrekket har ingen arkivuttrekk.xml"
            if no
            else "CONTEXT: the extract has no arkivuttrekk.xml"
        ),
        ("  Arkivskaper: " if no else "  Record creator: ") + ("; ".join(creators) or missing),
        f"  System: {shown(context.get('system_name'))}, "
        + ("systemtype: " if no else "system type: ")
        + shown(context.get("system_type")),
        ("  Arkiv: " if no else "  Archive: ") + shown(context.get("archive")),
        ("  Arkivperiode: " if no else "  Archival period: ")
        + f"{_period_end(period, 'start', no, missing)} – {_period_end(period, 'end', no, missing)}",
        ("  Periodeskille: inngående " if no else "  Period separation: incoming ")
        + shown(separation.get("incoming"))
        + (", utgående " if no else ", outgoing ")
        + shown(separation.get("outgoing")),
    ]
    counts = context.get("counts") or []
    if counts:
        lines.append("  Antall oppgitt mot funnet:" if no else "  Counts stated against found:")
        for row in counts:
            lines.append("    " + _count_text(row, no, missing))
    return lines


def _period_end(period: dict[str, Any], which: str, no: bool, missing: str) -> str:
    """A period's start or end as a date when it is one (in Norwegian words in the Norwegian text), else
    as written, else "ikke oppgitt"."""
    value = period.get(which)
    if value:
        return format_date(dt.date.fromisoformat(value)) if no else str(value)
    raw = period.get(f"{which}_raw")
    return f"«{raw}»" if raw else missing


def _count_text(row: dict[str, Any], no: bool, missing: str) -> str:
    where = row.get("file") or ("uttrekket" if no else "the extract")
    element = row["element"]
    if row.get("counted_as") and row["counted_as"] != element:
        element += f" (= {row['counted_as']})"
    source_no, source_en = COUNT_SOURCES.get(row["source"], (row["source"], row["source"]))
    stated = row.get("stated")
    number = format_number if no else str
    if stated is None:
        stated_text = f"«{row['stated_raw']}»" if row.get("stated_raw") else missing
    else:
        stated_text = number(stated)
    found = row.get("found")
    found_text = number(found) if found is not None else ("ikke talt" if no else "not counted")
    agrees = row.get("agrees")
    mark = "" if agrees is None else (" ✓" if agrees else (" ≠ AVVIK" if no else " ≠ MISMATCH"))
    if no:
        return f"{element} i {where}: oppgitt {stated_text}, funnet {found_text}{mark} ({source_no})"
    return f"{element} in {where}: stated {stated_text}, found {found_text}{mark} ({source_en})"


_RESULT_LABELS = {
    "fail": ("FEIL", "FAILED"),
    "pass": ("bestått", "passed"),
    "not run": ("ikke kjørt", "not run"),
}


def _counts_text(counts: dict[str, int], no: bool) -> str:
    names = (
        (
            ("error", "feil", "feil"),
            ("warning", "advarsel", "advarsler"),
            ("info", "opplysning", "opplysninger"),
        )
        if no
        else (("error", "error", "errors"), ("warning", "warning", "warnings"), ("info", "fact", "facts"))
    )
    parts = [f"{counts[k]} {one if counts[k] == 1 else many}" for k, one, many in names if counts.get(k)]
    return f" ({', '.join(parts)})" if parts else ""


def _arkade_text(report: dict[str, Any], no: bool, first_n: int) -> list[str]:
    """The findings by Arkade test (N5.01–N5.64, Arkade's order), each with its result and counts, as
    Arkade's own report shows them; then our checks that Arkade does not have."""
    from tender.core.noark.report import ArkadeGroup, arkade_groups

    grouping = arkade_groups(report)

    def block(g: ArkadeGroup) -> list[str]:
        label = _RESULT_LABELS[g.result][0 if no else 1]
        out = [f"  {g.id} {g.name_no if no else g.name_en}: {label}{_counts_text(g.counts, no)}"]
        note = g.note_no if no else g.note_en
        if g.result == "not run" and note:
            out.append(f"    ({note})")
        shown = g.findings[:first_n]
        for f in shown:
            out.append("    - " + (f["message_no"] if no else f["message_en"]))
        if g.total > len(shown):
            more = g.total - len(shown)
            out.append(f"    … og {more} til" if no else f"    … and {more} more")
        return out

    lines = ["", "ARKADE-TESTER (N5.01–N5.64)" if no else "ARKADE TESTS (N5.01–N5.64)"]
    for g in grouping.tests:
        lines.extend(block(g))
    if grouping.own:
        lines += ["", "KONTROLLER SOM ARKADE IKKE HAR" if no else "CHECKS ARKADE DOES NOT HAVE"]
        for g in grouping.own:
            lines.extend(block(g))
    tally = {r: sum(1 for g in grouping.tests if g.result == r) for r in _RESULT_LABELS}
    lines.append("")
    lines.append(
        f"Arkade-tester: {tally['pass']} bestått, {tally['fail']} med feil, {tally['not run']} ikke kjørt"
        if no
        else f"Arkade tests: {tally['pass']} passed, {tally['fail']} failed, {tally['not run']} not run"
    )
    return lines


def _echo_arkade(report: dict[str, Any], out_format: str, lang: str) -> None:
    """The report in the structure of Arkade 5's test report (testReport.xsd / testReport.schema.json)."""
    from tender.core.noark.arkade_report import arkade_test_report, arkade_test_report_xml

    language = "en" if lang == "en" else "no"
    if out_format == "arkade":
        click.echo(arkade_test_report_xml(report, lang=language).decode("utf-8"), nl=False)
    else:
        click.echo(json.dumps(arkade_test_report(report, lang=language), ensure_ascii=False, indent=2))


def _fail(message: str) -> None:
    click.echo(message, err=True)
    sys.exit(EXIT_UNREADABLE)


@noark_group.command("validate")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Skriv rapporten som JSON (print the JSON report).")
@click.option(
    "--format",
    "out_format",
    type=click.Choice(["text", "json", "arkade", "arkade-json"]),
    default="text",
    show_default=True,
    help="Form på rapporten: tekst, JSON, eller Arkade 5s testrapport som XML (arkade) eller JSON "
    "(arkade-json) (report format; arkade: Arkade 5's testReport.xsd).",
)
@click.option(
    "--schema-dir",
    type=click.Path(path_type=Path),
    help="Mappe med de offisielle skjemaene å validere mot i tillegg (official XSDs to use as well).",
)
@click.option(
    "--pdf",
    "pdf_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Skriv rapporten som PDF til denne filen (write the PDF report here).",
)
@click.option(
    "--lang",
    type=click.Choice(["no", "en"]),
    default="no",
    show_default=True,
    help="Språk i tekstrapporten (language of the text report).",
)
@click.option(
    "--first",
    "first_n",
    type=click.IntRange(min=1),
    default=20,
    show_default=True,
    help="Antall forekomster som vises per kontroll (instances shown per check).",
)
def validate_command(
    path: Path,
    as_json: bool,
    out_format: str,
    schema_dir: Path | None,
    pdf_path: Path | None,
    lang: str,
    first_n: int,
) -> None:
    """Kontroller arkivuttrekket i PATH (mappe, .zip, .tar, .tar.gz eller én XML-fil)."""
    from tender.core.noark.source import UnreadableExtract
    from tender.core.noark.validator import Options, validate_path

    if not path.exists():
        _fail(f"Finner ikke {path} (no such file or folder).")
    if schema_dir is not None and not schema_dir.is_dir():
        _fail(f"--schema-dir {schema_dir} er ikke en mappe (not a folder).")
    try:
        report = validate_path(path, Options(schema_dir=schema_dir)).to_json()
    except UnreadableExtract as exc:
        _fail(f"{exc.message_no}\n{exc.message_en}")
        return
    except KeyboardInterrupt:
        _fail("Avbrutt (interrupted).")
        return
    except Exception as exc:  # no tracebacks on the console; TENDER_DEBUG=1 shows them
        if os.environ.get("TENDER_DEBUG"):
            raise
        _fail(f"Intern feil under kontrollen (internal error): {type(exc).__name__}: {exc}")
        return
    if pdf_path is not None:
        from tender.reports.noark_pdf import render_noark_pdf

        try:
            pdf_path.write_bytes(render_noark_pdf(report, first_n=first_n))
        except OSError as exc:
            _fail(f"Kan ikke skrive {pdf_path}: {exc.strerror}")
    if as_json or out_format == "json":
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
    elif out_format in ("arkade", "arkade-json"):
        _echo_arkade(report, out_format, lang)
    else:
        click.echo(_text_report(report, lang, first_n))
    sys.exit(EXIT_VALID if report["verdict"]["valid"] else EXIT_INVALID)
