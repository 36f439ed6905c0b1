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
    for severity, label_no, label_en in (("error", "FEIL", "ERRORS"), ("warning", "ADVARSLER", "WARNINGS")):
        checks = [c for c in report["checks"] if c["counts"].get(severity)]
        if not checks:
            continue
        lines.append("")
        lines.append(label_no if no else label_en)
        for c in checks:
            count = c["counts"][severity]
            lines.append(f"  {c['id']} {c['name_no' if no else 'name_en']}: {count}")
            shown = [f for f in c["findings"] if f["severity"] == severity][:first_n]
            for f in shown:
                lines.append("    - " + (f["message_no"] if no else f["message_en"]))
            if count > len(shown):
                more = count - len(shown)
                lines.append(f"    … og {more} til" if no else f"    … and {more} more")
    lines.append("")
    passed = [c["id"] for c in report["checks"] if c["status"] == "pass"]
    lines.append(f"Bestått: {len(passed)} kontroller" if no else f"Passed: {len(passed)} checks")
    if verdict["valid"]:
        lines.append("GYLDIG" if no else "VALID")
    else:
        lines.append(
            f"IKKE GYLDIG: {verdict['errors']} feil, {verdict['warnings']} advarsler"
            if no
            else f"INVALID: {verdict['errors']} errors, {verdict['warnings']} warnings"
        )
    return "\n".join(lines)


def _fail(message: str) -> None:
    click.echo(message, err=True)
    sys.exit(EXIT_UNREADABLE)


@noark_group.command("validate")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Skriv rapporten som JSON (print the JSON report).")
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
    path: Path, as_json: bool, schema_dir: Path | None, pdf_path: Path | None, lang: str, first_n: int
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
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        click.echo(_text_report(report, lang, first_n))
    sys.exit(EXIT_VALID if report["verdict"]["valid"] else EXIT_INVALID)
