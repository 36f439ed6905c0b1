"""``tender worker``: the Huey consumer that validates Noark 5 samples, in its own process.

``tender serve`` runs a consumer in its own threads as well (``NOARK_SERVE_WORKERS``, 1 by default), so a
single process is enough; run ``tender worker`` for more capacity or to keep validations off the web
server (then set ``TENDER_NOARK_SERVE_WORKERS=0``).
"""

from __future__ import annotations

import logging

import click
from flask import current_app
from flask.cli import with_appcontext


@click.command("worker", help="Start køarbeideren som kontrollerer Noark 5-prøveuttrekk (Huey).")
@click.option(
    "--workers", default=2, show_default=True, type=int, help="Antall samtidige kontroller (tråder)."
)
@with_appcontext
def worker_command(workers: int) -> None:
    from tender.noark.tasks import huey_of, recover

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    logging.getLogger("huey").setLevel(logging.INFO)
    huey = huey_of(app)
    recovered = recover(app)
    click.echo(
        f"Køarbeideren kjører ({workers} tråder); {len(recovered)} prøver lagt i køen igjen. "
        "Ctrl+C avslutter."
    )
    # Huey's own consumer, with its signal handling: Ctrl+C finishes running work, a second one stops at once
    huey.create_consumer(
        workers=workers, worker_type="thread", periodic=True, initial_delay=0.1, max_delay=2.0
    ).run()
