"""``tender spec``: specification files from the command line."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from tender.core.spec import SpecFileError
from tender.core.spec.toml_format import load_spec_toml
from tender.errors import DomainError
from tender.extensions import db
from tender.web import spec_messages
from tender.web.transactions import transaction


@click.group("spec", help="Kravspesifikasjoner.")
def spec_group() -> None:
    pass


@spec_group.command("load", help="Last en kravspesifikasjon (TOML) inn som utkast i en konkurranse.")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--tender", "tender_id", type=int, required=True, help="Konkurransens id.")
@with_appcontext
def load_command(file: Path, tender_id: int) -> None:
    from tender.requirements import operations
    from tender.tenders.models import Tender

    try:
        raw = file.read_bytes()
    except OSError as exc:
        click.echo(f"Kan ikke lese {file}: {exc.strerror}.", err=True)
        sys.exit(2)
    try:
        content = load_spec_toml(raw)
    except SpecFileError as error:
        click.echo(f"{file}: {len(error.problems)} feil, ingenting er endret:", err=True)
        for problem in error.problems:
            click.echo(f"  {file}:{problem.line or '?'}: {spec_messages.message(problem)}", err=True)
        sys.exit(2)
    tender = db.session.get(Tender, tender_id)
    if tender is None:
        click.echo(f"Konkurranse {tender_id} finnes ikke.", err=True)
        sys.exit(2)
    try:
        with transaction():  # one transaction: committed when the block ends, rolled back on a refusal
            spec = operations.replace_draft(tender, content, actor=None, origin=f"fil: {file.name}")
    except DomainError as error:
        click.echo(f"Ikke lastet: {error.message}", err=True)
        sys.exit(2)
    click.echo(
        f"Lastet {len(content.requirements)} krav i {len(content.chapters)} kapitler inn i "
        f"«{tender.title}» (utkast, spesifikasjon {spec.id})."
    )
