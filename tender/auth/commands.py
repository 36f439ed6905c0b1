"""``tender user``: accounts from the command line (the first administrator, password resets)."""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from tender.auth import operations
from tender.errors import DomainError
from tender.web.transactions import transaction


@click.group("user", help="Brukerkontoer.")
def user_group() -> None:
    pass


@user_group.command("create", help="Opprett en bruker (med --admin kan den opprette konkurranser).")
@click.argument("email")
@click.argument("name")
@click.option("--admin", is_flag=True)
@click.password_option(help="Passord (spørres om når det ikke er gitt).")
@with_appcontext
def create_user(email: str, name: str, admin: bool, password: str) -> None:
    try:
        with transaction():  # committed when the block ends
            user = operations.create_user(email, name, password=password, is_admin=admin)
    except DomainError as error:
        click.echo(f"Feil: {error.message}", err=True)
        sys.exit(2)
    click.echo(f"Bruker {user.email} er opprettet{' (administrator)' if admin else ''}.")
