"""``tender serve``: the app behind a production-grade WSGI server.

- Without ``--workers``: one process, waitress with ``--threads`` threads, and a Noark queue consumer in
  threads of the same process (so ``make run`` validates uploaded samples without a second terminal).
- With ``--workers N``: N app processes under gunicorn (Linux), each with ``--threads`` threads (gunicorn's
  ``gthread`` worker). The queue consumer then runs as one separate child process (``tender worker``),
  started and stopped with the server, unless ``--queue-workers 0`` says that workers run elsewhere (see
  docs/deploy.md). Each app process builds the app itself after the fork: no database connection, thread
  or queue handle is shared across processes.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import with_appcontext


@click.command("serve", help="Start webserveren (waitress, eller gunicorn med --workers).")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--threads", default=8, show_default=True, type=int, help="Tråder per app-prosess.")
@click.option(
    "--workers",
    default=None,
    type=click.IntRange(min=1),
    help="Antall app-prosesser (gunicorn). Uten valget: én prosess (waitress).",
)
@click.option(
    "--queue-workers",
    default=None,
    type=click.IntRange(min=0),
    help="Tråder som kontrollerer Noark-prøver (standard: NOARK_SERVE_WORKERS, 1); "
    "0 når «tender worker» kjører for seg.",
)
@with_appcontext
def serve_command(host: str, port: int, threads: int, workers: int | None, queue_workers: int | None) -> None:
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    queue_threads = int(app.config["NOARK_SERVE_WORKERS"]) if queue_workers is None else queue_workers
    if workers is None:
        _serve_waitress(app, host, port, threads, queue_threads)
    else:
        _serve_gunicorn(app, host, port, threads, workers, queue_threads)


#: the youngest generation's threshold in an app process (Python's default 700): with the app frozen, a
#: request's own objects are then mostly freed by reference counting before any collection runs
#: (benchmarks/bench_gc.py: garbage collection 4.2 → 0.3 ms CPU per request, docs/deploy.md)
GEN0_THRESHOLD = 50_000


def freeze_after_build(gen0: int | None = None) -> None:
    """Move everything alive now (the imported modules, the app, its templates and rules) out of the garbage
    collector's sight: a full collection then walks only what requests made since, not the hundreds of
    thousands of objects that live as long as the process (benchmarks/bench_gc.py measures the pauses).
    ``gen0`` sets the youngest generation's threshold (Python's default is 700). Called in each worker right
    after it builds its app; nothing frozen is ever freed, so it must not be called per request."""
    import gc

    gc.collect()
    gc.freeze()
    if gen0 is not None:
        _, gen1, gen2 = gc.get_threshold()
        gc.set_threshold(gen0, gen1, gen2)


def _body_limit(app: Flask) -> int:
    # the servers refuse large bodies by default; Noark samples may be larger
    return (
        max(int(app.config.get("MAX_CONTENT_LENGTH") or 0), int(app.config["NOARK_MAX_UPLOAD_BYTES"]))
        + 1024 * 1024
    )


def _serve_waitress(app: Flask, host: str, port: int, threads: int, queue_threads: int) -> None:
    from waitress import serve

    from tender.noark.tasks import start_consumer

    consumer = start_consumer(app, queue_threads) if queue_threads > 0 else None
    click.echo(
        f"tender kjører på http://{host}:{port}/  (Ctrl+C avslutter)"
        + (f"; {queue_threads} tråd(er) kontrollerer Noark-prøver" if consumer else "")
    )
    try:
        serve(
            app,
            host=host,
            port=port,
            threads=threads,
            ident="tender",
            max_request_body_size=_body_limit(app),
        )
    finally:
        if consumer is not None:
            consumer.stop(graceful=False)


def _serve_gunicorn(app: Flask, host: str, port: int, threads: int, workers: int, queue_threads: int) -> None:
    if sys.platform == "win32":  # gunicorn forks; it runs on Linux and other Unix systems only
        raise click.ClickException("--workers krever gunicorn, som bare kjører på Linux/Unix.")
    from gunicorn.app.base import BaseApplication

    options = {
        "bind": f"{host}:{port}",
        "workers": workers,
        "threads": threads,
        "worker_class": "gthread",
        # a request body is read by the app itself; gunicorn's own limits are on the request line and headers
        "timeout": 120,
        "graceful_timeout": 30,
        "accesslog": None,
        "errorlog": "-",
        "loglevel": "warning",
        "proc_name": "tender",
    }

    class _Application(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            # each worker builds its own app after the fork (same environment, same instance folder)
            from tender import create_app

            built = create_app()
            freeze_after_build(gen0=GEN0_THRESHOLD)
            return built

    queue = _start_queue_process(queue_threads) if queue_threads > 0 else None
    click.echo(
        f"tender kjører på http://{host}:{port}/ med {workers} app-prosess(er) à {threads} tråder "
        "(Ctrl+C avslutter)"
        + (f"; køarbeideren ({queue_threads} tråd(er)) kjører som egen prosess" if queue else "")
    )
    try:
        _Application().run()
    finally:
        if queue is not None:
            _stop_process(queue)


def _start_queue_process(queue_threads: int) -> subprocess.Popen[bytes]:
    """``tender worker`` as a child process, with this process's environment (and so its configuration)."""
    command = [sys.executable, "-c", "from tender.cli import main; main()", "worker"]
    command += ["--workers", str(queue_threads)]
    env = dict(os.environ)
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    env.setdefault("TENDER_INSTANCE_PATH", app.instance_path)
    return subprocess.Popen(command, env=env)


def _stop_process(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
