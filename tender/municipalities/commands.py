"""``tender municipality``: the operator keeps the municipality register from the command line (a fresh
install has no municipality: a lead picks from the register). The audit trail names the command-line actor
(``cli:<os user>``)."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from tender.errors import DomainError
from tender.formatting import format_number
from tender.municipalities import csv_file, operations
from tender.web.transactions import transaction

KINDS = (("added", "lagt til"), ("updated", "oppdatert"), ("unchanged", "uendret"), ("refused", "avvist"))


class _Refused(Exception):
    """Some line was refused and --skip-bad was not given: the import's transaction rolls back."""


@click.group("municipality", help="Kommuneregisteret (kommunene en prosjektleder kan legge til).")
def municipality_group() -> None:
    pass


@municipality_group.command("add", help="Legg inn en kommune: NAVN KOMMUNENUMMER --population INNBYGGERTALL.")
@click.argument("name")
@click.argument("number")
@click.option("--population", required=True, help="Innbyggertallet, et helt tall.")
@with_appcontext
def add(name: str, number: str, population: str) -> None:
    try:
        with transaction():  # committed when the block ends
            made = operations.add_municipality(name=name, kommunenummer=number, population=population)
            people = format_number(made.population)
            said = f"{made.name} ({made.kommunenummer}) er lagt inn med {people} innbyggere."
    except DomainError as error:
        click.echo(f"Feil: {error.message}", err=True)
        sys.exit(2)
    click.echo(said)


@municipality_group.command(
    "import",
    help="Les inn kommuner fra en CSV-fil (kommunenummer, navn, innbyggere; SSBs tabell 07459). "
    "Nye kommuner legges til, endrede oppdateres. Avvises en linje, lagres ingenting, med mindre "
    "--skip-bad er gitt.",
)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--skip-bad", is_flag=True, help="Lagre de gode linjene selv om noen avvises.")
@with_appcontext
def import_file(file: Path, skip_bad: bool) -> None:
    try:
        lines = csv_file.read(file.read_bytes())
    except csv_file.CsvError as error:
        click.echo(f"Feil: {error}", err=True)
        sys.exit(2)
    outcomes: list[operations.Outcome] = []
    try:
        with transaction():  # committed when the block ends; _Refused rolls every line back
            outcomes = operations.import_lines(lines)
            if not skip_bad and any(o.kind == "refused" for o in outcomes):
                raise _Refused
    except _Refused:
        for o in outcomes:
            click.echo(o.text, err=o.kind == "refused")
        refused = sum(o.kind == "refused" for o in outcomes)
        click.echo(
            f"Ingenting er lagret: {refused} av {len(outcomes)} linjer ble avvist. Rett filen, eller bruk "
            "--skip-bad for å lagre de andre linjene.",
            err=True,
        )
        sys.exit(1)
    for o in outcomes:
        click.echo(o.text, err=o.kind == "refused")
    counts = ", ".join(f"{words}: {sum(o.kind == kind for o in outcomes)}" for kind, words in KINDS)
    click.echo(f"Ferdig. {counts[0].upper()}{counts[1:]}.")
