"""The ``tender`` command: Flask's own commands (run, shell, db ...) plus ours, on one entry point.

Commands call operations and the core; they hold no business logic of their own.
"""

from __future__ import annotations

import sys

import click
from flask import Flask
from flask.cli import FlaskGroup, with_appcontext


def _create_app() -> Flask:
    from tender import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, help="tender: felles anskaffelse av sak-/arkivsystem.")
def main() -> None:
    """The console script's entry point."""


def register_commands(app: Flask) -> None:
    from tender.auth.commands import user_group
    from tender.backup import backup_command, restore_command
    from tender.demo import demo_command
    from tender.evaluation.commands import score_command
    from tender.municipalities.commands import municipality_group
    from tender.noark.commands import noark_group
    from tender.noark.worker import worker_command
    from tender.protocol.commands import protocol_group
    from tender.reports.espd_commands import espd_group
    from tender.requirements.commands import spec_group
    from tender.serve import serve_command
    from tender.vendors.commands import vendor_group

    for command in (
        audit_group,
        backup_command,
        restore_command,
        demo_command,
        espd_group,
        serve_command,
        user_group,
        municipality_group,
        score_command,
        noark_group,
        worker_command,
        protocol_group,
        spec_group,
        vendor_group,
    ):
        app.cli.add_command(command)


@click.group("audit", help="Revisjonsspor (audit trail).")
def audit_group() -> None:
    pass


@audit_group.command("verify", help="Kontroller hash-kjeden i revisjonssporet.")
@with_appcontext
def audit_verify() -> None:
    from tender.audit import verify

    report = verify()
    if report.intact:
        click.echo(f"Revisjonssporet er intakt: {report.events_checked} hendelser kontrollert.")
        return
    click.echo(f"Revisjonssporet er BRUTT: {report.problem}.", err=True)
    sys.exit(1)
