"""``tender protocol export``: the operator's way to take a tender's protocol out (JSON or PDF), e.g. to file
it by hand. The audit trail names the command-line actor (``cli:<os user>``) as for every command."""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from tender.extensions import db
from tender.protocol import operations
from tender.reports.protocol_pdf import render_protocol_pdf
from tender.tenders.models import Tender
from tender.web.transactions import command_transaction


@click.group("protocol", help="Anskaffelsesprotokollen.")
def protocol_group() -> None:
    pass


@protocol_group.command(
    "export", help="Skriv ut anskaffelsesprotokollen for en konkurranse som JSON eller PDF."
)
@click.argument("tender_id", type=int)
@click.option("--json", "fmt", flag_value="json", default=True, help="Som JSON (standard).")
@click.option("--pdf", "fmt", flag_value="pdf", help="Som PDF.")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True),
    default=None,
    help="Filen (ellers standard ut).",
)
@with_appcontext
@command_transaction
def export(tender_id: int, fmt: str, output: str | None) -> None:
    tender = db.session.get(Tender, tender_id)
    if tender is None:
        click.echo(f"Feil: fant ingen konkurranse med nummer {tender_id}.", err=True)
        sys.exit(2)
    protocol = operations.protocol_of(tender)
    data = operations.protocol_json(protocol) if fmt == "json" else render_protocol_pdf(protocol)
    operations.record_download(tender, fmt, actor=None)
    if output is None:
        click.echo(data, nl=False)  # bytes go to the binary stream as they are
    else:
        with open(output, "wb") as f:
            f.write(data)
        click.echo(f"Skrev {output} ({len(data)} byte).", err=True)
