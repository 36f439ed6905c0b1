"""``tender serve``: the app behind waitress, a production-grade WSGI server, with a Noark queue consumer
in threads of the same process (so ``make run`` validates uploaded samples without a second terminal)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext


@click.command("serve", help="Start webserveren (waitress).")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--threads", default=8, show_default=True, type=int)
@click.option(
    "--queue-workers",
    default=None,
    type=int,
    help="Tråder som kontrollerer Noark-prøver i denne prosessen (standard: NOARK_SERVE_WORKERS, 1); "
    "0 når «tender worker» kjører for seg.",
)
@with_appcontext
def serve_command(host: str, port: int, threads: int, queue_workers: int | None) -> None:
    from waitress import serve

    from tender.noark.tasks import start_consumer

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    workers = int(app.config["NOARK_SERVE_WORKERS"]) if queue_workers is None else queue_workers
    consumer = start_consumer(app, workers) if workers > 0 else None
    # waitress refuses bodies over 1 GB by default; Noark samples may be larger
    body_limit = (
        max(int(app.config.get("MAX_CONTENT_LENGTH") or 0), int(app.config["NOARK_MAX_UPLOAD_BYTES"]))
        + 1024 * 1024
    )
    click.echo(
        f"tender kjører på http://{host}:{port}/  (Ctrl+C avslutter)"
        + (f"; {workers} tråd(er) kontrollerer Noark-prøver" if consumer else "")
    )
    try:
        serve(app, host=host, port=port, threads=threads, ident="tender", max_request_body_size=body_limit)
    finally:
        if consumer is not None:
            consumer.stop(graceful=False)
