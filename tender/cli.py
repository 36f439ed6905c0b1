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
    from tender.demo import demo_command
    from tender.serve import serve_command
    from tender.users_cli import user_group

    app.cli.add_command(audit_group)
    app.cli.add_command(demo_command)
    app.cli.add_command(serve_command)
    app.cli.add_command(user_group)
    for module, name in (
        ("tender.evaluation.commands", "score_command"),
        ("tender.noark.commands", "noark_group"),
        ("tender.requirements.commands", "spec_group"),
    ):
        command = _optional_command(module, name)
        if command is not None:
            app.cli.add_command(command)


def _optional_command(module: str, name: str) -> click.Command | None:
    """Commands of domains still being built are registered once their module exists."""
    import importlib

    try:
        mod = importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name == module:
            return None
        raise
    command = getattr(mod, name, None)
    return command if isinstance(command, click.Command) else None


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
