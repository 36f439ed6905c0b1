"""``tender serve``: the app behind waitress, a production-grade WSGI server."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext


@click.command("serve", help="Start webserveren (waitress).")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--threads", default=8, show_default=True, type=int)
@with_appcontext
def serve_command(host: str, port: int, threads: int) -> None:
    from waitress import serve

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    click.echo(f"tender kjører på http://{host}:{port}/  (Ctrl+C avslutter)")
    serve(app, host=host, port=port, threads=threads, ident="tender")
