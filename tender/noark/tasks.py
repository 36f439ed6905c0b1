"""The background queue that validates Noark 5 samples: Huey, on SQLite by default, on Redis when configured.

One Huey instance per app, built lazily from the app's configuration (``create_app`` stays free of side
effects) and kept in ``app.extensions["noark_huey"]``. Its tasks close over that app, so a worker runs them
inside the same configuration it was started with: ``tender worker`` builds the app through ``create_app()``
(Flask's CLI), and ``tender serve`` runs a consumer in threads of the web process.

Work survives a restart: the queue is persistent (``instance/huey.sqlite3``, or Redis), every consumer
starts by :func:`recover` (samples still "queued" without a queue entry are enqueued again; samples left
"running" by a crashed worker, seen by an old heartbeat, are put back in the queue), and a periodic task
repeats that every minute. Claiming a sample is one conditional UPDATE, so a sample enqueued twice still
runs once.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path

from flask import Flask, current_app
from huey import Huey, SqliteHuey, crontab
from huey.consumer import Consumer

log = logging.getLogger(__name__)

EXTENSION_KEY = "noark_huey"
TASK_NAME = "noark.validate_sample"


class QueueConfigurationError(RuntimeError):
    """The configured queue cannot be used (e.g. Redis configured, the redis package missing)."""


def huey_of(app: Flask | None = None) -> Huey:
    """The app's Huey instance (built on first use)."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    huey = app.extensions.get(EXTENSION_KEY)
    if huey is None:
        huey = build_huey(app)
        app.extensions[EXTENSION_KEY] = huey
    return huey


def build_huey(app: Flask) -> Huey:
    """A Huey instance for ``app`` with the Noark tasks registered on it."""
    redis_url = app.config["REDIS_URL"]
    if redis_url:
        try:
            import redis  # noqa: F401  (only needed when Redis is configured)
        except ImportError:
            raise QueueConfigurationError(
                "TENDER_REDIS_URL er satt, men Python-pakken «redis» er ikke installert. Installer den "
                "(pip install -e '.[redis]') eller fjern TENDER_REDIS_URL for å bruke køen i SQLite. "
                "(Redis is configured but the redis package is not installed.)"
            ) from None
        from huey import RedisHuey

        huey: Huey = RedisHuey("tender-noark", url=redis_url, results=False)
    else:
        path = Path(app.config["NOARK_HUEY_PATH"] or Path(app.instance_path) / "huey.sqlite3")
        path.parent.mkdir(parents=True, exist_ok=True)
        huey = SqliteHuey("tender-noark", filename=str(path), results=False)
    _register_tasks(huey, app)
    return huey


def _register_tasks(huey: Huey, app: Flask) -> None:
    @huey.task(name=TASK_NAME)
    def validate_sample(sample_id: int) -> None:
        from tender.noark.operations import run_validation

        with app.app_context():
            run_validation(sample_id)

    @huey.periodic_task(crontab(minute="*"), name="noark.recover")
    def recover_periodically() -> None:
        recover(app)

    huey.noark_validate_sample = validate_sample  # type: ignore[attr-defined]


def enqueue_validation(sample_id: int, app: Flask | None = None) -> None:
    """Put one sample in the queue (the caller has committed the sample row)."""
    huey_of(app).noark_validate_sample(sample_id)  # type: ignore[attr-defined]


def pending_sample_ids(app: Flask | None = None) -> set[int]:
    """Samples whose validation task waits in the queue."""
    huey = huey_of(app)
    return {int(t.args[0]) for t in huey.pending() if t.name == TASK_NAME and t.args}


def recover(app: Flask) -> list[int]:
    """Queue again what a crash or a lost queue left behind; returns the sample ids enqueued."""
    from tender.noark import operations

    with app.app_context():
        stale_after = timedelta(seconds=int(app.config["NOARK_STALE_SECONDS"]))
        ids = operations.samples_to_recover(pending_sample_ids(app), stale_after)
    for sample_id in ids:
        enqueue_validation(sample_id, app)
    if ids:
        log.info("Noark-prøver lagt i køen igjen etter omstart: %s", ids)
    return ids


class InProcessConsumer(Consumer):  # type: ignore[misc]
    """A Huey consumer in threads of another process (the web server, a test): leaves signals alone, so
    Ctrl+C still stops the host process."""

    def _set_signal_handlers(self) -> None:
        pass


def start_consumer(app: Flask, workers: int = 1, *, periodic: bool = True) -> InProcessConsumer:
    """Recover left-behind samples, then start a thread consumer; the caller stops it with ``.stop()``."""
    huey = huey_of(app)
    recover(app)
    consumer = InProcessConsumer(
        huey,
        workers=workers,
        periodic=periodic,
        worker_type="thread",
        initial_delay=0.05,
        max_delay=1.0,
        check_worker_health=False,
    )
    consumer.start()
    return consumer
