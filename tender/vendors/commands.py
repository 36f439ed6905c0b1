"""``tender vendor``: the system operator's way to let vendor users in where no mail server is configured.
The audit trail names the command-line actor (``cli:<os user>``). No page reaches these commands."""

from __future__ import annotations

import sys
from typing import Any

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from tender.auth import operations as accounts
from tender.errors import DomainError, keep_refusal
from tender.extensions import db
from tender.formatting import format_datetime
from tender.tenders import operations as tender_ops
from tender.tenders.models import Tender, Vendor
from tender.vendors import operations as ops
from tender.web.transactions import transaction


@click.group("vendor", help="Leverandørbrukere (for systemets driftsansvarlige).")
def vendor_group() -> None:
    pass


def _fail(message: str) -> None:
    click.echo(f"Feil: {message}", err=True)
    sys.exit(2)


def _tender(tender_id: int) -> Tender:
    tender = db.session.get(Tender, tender_id)
    if tender is None:
        _fail(f"Fant ingen konkurranse med nummer {tender_id}.")
    assert tender is not None
    return tender


@vendor_group.command(
    "add-user", help="Gjør en person til leverandørbruker for en leverandør i en konkurranse."
)
@click.argument("tender_id", type=int)
@click.argument("organisasjonsnummer")
@click.argument("email")
@click.option("--name", default="", help="Personens navn (for en ny konto).")
@click.option(
    "--vendor-name", default="", help="Firmanavnet, hvis leverandøren ikke er med i konkurransen ennå."
)
@click.option("--password", default=None, help="Passord for en ny konto (spørres om når det ikke er gitt).")
@with_appcontext
def add_user(
    tender_id: int, organisasjonsnummer: str, email: str, name: str, vendor_name: str, password: str | None
) -> None:
    tender = _tender(tender_id)
    try:
        with transaction():  # committed when the block ends; a refusal rolls it back but keeps its trail
            membership, vendor, user = _add_user(
                tender, organisasjonsnummer, email, name, vendor_name, password
            )
    except DomainError as error:
        _fail(error.message)
    admin = ops.is_administrator(tender, vendor, user)
    click.echo(
        f"{membership.user.email} er leverandørbruker for {vendor.name} i «{tender.title}»"
        f"{' (leverandørens administrator)' if admin else ''}."
    )


def _add_user(
    tender: Tender, organisasjonsnummer: str, email: str, name: str, vendor_name: str, password: str | None
) -> tuple[Any, Vendor, Any]:
    try:
        number = "".join(organisasjonsnummer.split())
        known = db.session.scalar(select(Vendor).where(Vendor.organisasjonsnummer == number))
        if known is not None and known in tender.participating_vendors:
            vendor = known
        else:
            if known is None and not vendor_name.strip():
                raise DomainError("Leverandøren er ikke registrert; oppgi firmanavnet med --vendor-name.")
            vendor = tender_ops.register_vendor(
                tender, name=known.name if known else vendor_name, organisasjonsnummer=organisasjonsnummer
            )
        user = accounts.find_user(email)
        if user is None:
            if not name.strip():
                raise DomainError("Det finnes ingen konto med denne e-postadressen; oppgi navnet med --name.")
            if password is None:
                password = click.prompt(
                    "Passord for den nye kontoen", hide_input=True, confirmation_prompt=True
                )
            user = accounts.create_user(email, name, password=password)
        return ops.add_vendor_user_by_operator(tender, vendor, user), vendor, user
    except DomainError as error:
        keep_refusal(error)  # the command-line actor's refused attempt stays in the trail
        raise


@vendor_group.command(
    "list", help="Vis leverandørene i en konkurranse med brukerne deres og hvordan de kom inn."
)
@click.argument("tender_id", type=int)
@with_appcontext
def list_users(tender_id: int) -> None:
    tender = _tender(tender_id)
    if not tender.participating_vendors:
        click.echo("Ingen leverandører er med i konkurransen.")
    for vendor in tender.participating_vendors:
        click.echo(f"{vendor.name} ({vendor.organisasjonsnummer})")
        rows = ops.vendor_users(tender, vendor)
        if not rows:
            click.echo("  ingen brukere")
        for membership, row in rows:
            role = "administrator" if row and row.is_administrator else "bruker"
            how = row.came_in_via.label if row else "Lagt til før leverandørene registrerte seg selv"
            when = format_datetime(row.came_in_at if row else membership.created_at)
            click.echo(f"  {membership.user.email:<38} {role:<13} {when}  {how}")
        for registration in ops.pending_requests(tender, vendor):
            click.echo(f"  {registration.email:<38} venter på godkjenning fra administratoren")
