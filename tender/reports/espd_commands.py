"""``tender espd read FILE [--json]``: what an ESPD response says, read as the upload reads it.

Exit codes: 0 the file was read; 2 it could not be (the Norwegian reason, with the line where known, on
stderr). Needs no database: the reader is the pure core's.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from tender.core.espd import CATEGORIES, EspdError, EspdResponse, read_response, response_to_dict
from tender.core.espd.safexml import MAX_BYTES
from tender.formatting import format_date
from tender.web.espd_messages import KIND_NAMES, answer_value, category_name, message

EXIT_READ = 0
EXIT_UNREADABLE = 2


@click.group("espd", help="ESPD (egenerklæringsskjema): les ESPD-svar fra leverandører.")
def espd_group() -> None:
    """Commands for ESPD responses."""


def _line(label: str, value: str | None) -> str:
    return f"{label}: {value if value else '–'}"


def text_report(response: EspdResponse) -> str:
    """The response in Norwegian, the way the command prints it."""
    lines = [
        "ESPD-svar",
        _line("Versjon", response.version + (f" ({response.profile_id})" if response.profile_id else "")),
        _line("Utstedt", format_date(response.issue_date) if response.issue_date else None),
        "",
        "Leverandør",
    ]
    eo = response.economic_operator
    if eo is None:
        lines.append("  (ikke oppgitt i filen)")
    else:
        lines.append("  " + _line("Navn", eo.name))
        lines.append("  " + _line("Organisasjonsnummer", eo.orgnr))
        lines.append("  " + _line("MVA-nummer", eo.vat_id))
        lines.append("  " + _line("Land", eo.country))
        for identifier in eo.identifiers:
            scheme = f" ({identifier.scheme})" if identifier.scheme else ""
            lines.append(f"  Identifikator: {identifier.value}{scheme}")
        if eo.contact is not None:
            contact = ", ".join(p for p in (eo.contact.name, eo.contact.email, eo.contact.phone) if p)
            lines.append("  " + _line("Kontaktperson", contact))
    procurement = response.procurement
    lines += [
        "",
        "Anskaffelse",
        "  " + _line("Referanse", procurement.reference),
        "  " + _line("Oppdragsgiver", procurement.buyer_name),
        "  " + _line("Tittel", procurement.title),
    ]
    for category in CATEGORIES:
        criteria = response.criteria_in(category)
        if not criteria:
            continue
        lines += ["", category_name(category).upper()]
        for criterion in criteria:
            lines.append(f"  {criterion.name or '(uten navn)'} [{criterion.type_code or 'uten typekode'}]")
            if not criterion.answers:
                lines.append("    (ikke besvart)")
            for answer in criterion.answers:
                question = answer.question or KIND_NAMES[answer.kind]
                lines.append(f"    - {question}: {answer_value(answer)}")
    if response.unattached_answers:
        lines += ["", "SVAR UTEN KRITERIUM I FILEN"]
        for answer in response.unattached_answers:
            lines.append(f"    - {answer.question or answer.question_id or '–'}: {answer_value(answer)}")
    return "\n".join(lines)


@espd_group.command("read")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Skriv det som ble lest som JSON (se docs/espd.md).")
def read_command(path: Path, as_json: bool) -> None:
    """Les ESPD-svaret i FILE og skriv ut leverandøren, anskaffelsen og svarene per kriterium."""
    try:
        if not path.is_file():
            raise FileNotFoundError(path)
        if path.stat().st_size > MAX_BYTES:
            raise EspdError("too_large", {"size": path.stat().st_size, "limit": MAX_BYTES})
        response = read_response(path.read_bytes())
    except EspdError as error:
        click.echo(f"{path}: {message(error)}", err=True)
        sys.exit(EXIT_UNREADABLE)
    except OSError:
        click.echo(f"Finner ikke eller kan ikke lese filen {path}.", err=True)
        sys.exit(EXIT_UNREADABLE)
    if as_json:
        click.echo(json.dumps(response_to_dict(response), ensure_ascii=False, indent=2))
    else:
        click.echo(text_report(response))
    sys.exit(EXIT_READ)
