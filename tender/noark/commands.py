"""``tender noark validate PATH``: validate a Noark 5 extract from the command line.

Exit codes: 0 the extract is valid, 1 it has findings that make it invalid, 2 the input could not be
read or the command was used wrongly. Problems are reported as messages, never as tracebacks.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import click

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
    lines.append(
        f"Oppgitt versjon: {extract['stated_version'] or '–'}, "
        f"kontrollert mot Noark 5 v{extract['noark_version']}"
        if no
        else f"Stated version: {extract['stated_version'] or '-'}, "
        f"checked against Noark 5 v{extract['noark_version']}"
    )
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
