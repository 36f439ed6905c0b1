"""The fault scenarios of issue 17, on real processes: what tests/test_faults.py asserts and
benchmarks/bench_faults.py measures are the same runs.

- :func:`score_burst_with_a_killed_app`: three evaluators save individual scores concurrently through
  ``tender serve --workers 1``; the app is killed (SIGKILL, its whole process group) in the middle of the
  burst and started again. Returns what was acknowledged and what the database holds.
- :func:`validation_with_a_killed_worker`: ``tender worker`` is killed while it validates a sample; a new
  worker (with a short ``TENDER_NOARK_STALE_SECONDS``) finds it and finishes it.
- :func:`database_outage`: PostgreSQL is stopped under a running app and started again; the pages' answers
  during the outage and the time until they work again.

Each scenario takes a :class:`Deployment` (one PostgreSQL cluster of its own, one Redis, the environment of
docs/deploy.md) and starts and stops its own app and worker processes.
"""

from __future__ import annotations

import json
import re
import secrets
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.process_harness import (
    Process,
    Processes,
    WebClient,
    free_port,
    postgres_cluster,
    start_redis,
    wait_for_http,
    wait_until,
)

LEAD = "anne.lie@grenland-innkjop.no"
EVALUATORS = ("per.hansen@skien.kommune.no", "kari.nilsen@porsgrunn.kommune.no", "ola.berg@bamble.kommune.no")
DEMO_PASSWORD = "grenland-demo-2026"
#: a password in the database URL, which must never reach a log (the test cluster trusts any password)
DB_PASSWORD = "db-passord-som-ikke-skal-logges"
TENDER = "/konkurranser/1"


@dataclass
class Deployment:
    cluster: Any
    procs: Processes
    folder: Path
    database_url: str

    def app(self, port: int, name: str = "app") -> tuple[Process, str]:
        """``tender serve --workers 1`` on ``port`` (no queue consumer: ``tender worker`` runs it)."""
        process = self.procs.tender(
            name, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "1", "--threads", "8",
            "--queue-workers", "0",
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        wait_for_http(base, process)
        return process, base

    def sql(self, query: str, **params: Any) -> list[tuple[Any, ...]]:
        import psycopg

        conninfo = self.database_url.replace("postgresql+psycopg://", "postgresql://")
        with psycopg.connect(conninfo) as conn:
            return list(conn.execute(query, params).fetchall())


@contextmanager
def deployment(folder: Path, *, stage: str = "published") -> Iterator[Deployment]:
    """One PostgreSQL and one Redis of their own, migrated, with the demo tender at ``stage``."""
    import os

    with postgres_cluster() as cluster, Processes(folder / "logs", env={}) as procs:
        url = cluster.create_database("tender").replace("tender@", f"tender:{DB_PASSWORD}@")
        storage = folder / "storage"
        storage.mkdir(parents=True, exist_ok=True)
        procs.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("TENDER_")},
            "TENDER_DATABASE_URL": url,
            "TENDER_REDIS_URL": start_redis(procs),
            "TENDER_SECRET_KEY": secrets.token_hex(32),
            "TENDER_STORAGE_PATH": str(storage),
            "TENDER_INSTANCE_PATH": str(folder / "instance"),
            "TENDER_NOARK_SERVE_WORKERS": "0",
        }
        procs.run_tender("db", "upgrade")
        procs.run_tender("demo", "--stage", stage)
        yield Deployment(cluster, procs, folder, url)


# -- killing an app in a burst of score saves ----------------------------------------------------------------
@dataclass
class BurstFigures:
    attempted: int = 0
    acknowledged: int = 0
    #: acknowledged saves found in the database with their score and justification
    found: int = 0
    #: acknowledged saves not found (must be 0)
    lost: list[str] = field(default_factory=list)
    #: individual scores in the database without their ``evaluation.score_saved`` event (must be 0)
    without_audit: int = 0
    refused_or_failed: int = 0
    #: requests that got no answer at all (cut off by the kill, or sent while the app was down); each is
    #: sent again once the app is back
    cut_off: int = 0
    audit_verify: str = ""
    audit_ok: bool = False
    restart_seconds: float = 0.0


_SCORE_FORM = re.compile(r'<form method="post" id="s(\d+)-(\d+)" action="([^"]+)"')


def _open_bids(client_lead: WebClient, client_evaluator: WebClient) -> None:
    for client in (client_lead, client_evaluator):
        token = client.csrf(f"{TENDER}/evaluering/tilbud")
        answer = client.post(f"{TENDER}/evaluering/tilbud/apne", {"csrf_token": token})
        assert answer.status == 302, answer.text[:2000]


def score_burst_with_a_killed_app(dep: Deployment, *, kill_after: int = 25) -> BurstFigures:
    """Three evaluators save every score of theirs concurrently (one thread each, no pause); after
    ``kill_after`` answers in all the app is killed, started again on the same port, and the evaluators go on
    where they were. Then every acknowledged save is looked for in the database."""
    dep.procs.run_tender("demo", "--stage", "bids")  # continues from where the database stands
    port = free_port()
    app, base = dep.app(port, "app-burst")
    lead, *evaluators = (WebClient(base) for _ in range(1 + len(EVALUATORS)))
    lead.login(LEAD, DEMO_PASSWORD)
    for client, email in zip(evaluators, EVALUATORS, strict=True):
        client.login(email, DEMO_PASSWORD)
    _open_bids(lead, evaluators[0])
    page = evaluators[0].get(f"{TENDER}/evaluering/poeng")
    cells = _SCORE_FORM.findall(page.text)
    assert cells, page.text[:3000]

    figures = BurstFigures()
    acknowledged: list[tuple[str, str, str, str]] = []  # (evaluator, action, score, justification)
    lock = threading.Lock()
    answers = 0
    restarted = threading.Event()
    restarting = threading.Lock()
    restart_took: list[float] = []

    def restart_once() -> None:
        with restarting:
            if restarted.is_set():
                return
            app.kill()
            started = time.monotonic()
            new_app, _ = dep.app(port, "app-burst-restarted")
            restart_took.append(time.monotonic() - started)
            restarted.set()

    def evaluator_saves(client: WebClient, email: str, index: int) -> None:
        nonlocal answers
        for n, (bid, crit, action) in enumerate(cells):
            prefix = f"s{bid}-{crit}"
            score = str((n + index) % 11)
            justification = f"Begrunnelse {email} {prefix} {n}"
            for _attempt in range(60):
                try:
                    token = client.csrf(f"{TENDER}/evaluering/poeng")
                    answer = client.post(
                        action,
                        {
                            "csrf_token": token,
                            f"{prefix}-score": score,
                            f"{prefix}-justification": justification,
                            f"{prefix}-lock_version": "",
                        },
                    )
                except (OSError, AssertionError):  # the app is down: wait for it, then try the same save
                    with lock:
                        figures.cut_off += 1
                    restarted.wait(timeout=60)
                    continue
                with lock:
                    figures.attempted += 1
                    answers += 1
                    due = answers == kill_after
                    if answer.status == 302:
                        acknowledged.append((email, action, score, justification))
                    else:
                        figures.refused_or_failed += 1
                if due:
                    threading.Thread(target=restart_once).start()
                if answer.status == 302:
                    break
                if answer.status == 409:  # saved before the kill, unacknowledged: it is there already
                    break
                time.sleep(0.2)

    threads = [
        threading.Thread(target=evaluator_saves, args=(client, email, i))
        for i, (client, email) in enumerate(zip(evaluators, EVALUATORS, strict=True))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    wait_until(restarted.is_set, timeout=120, what="the app to be killed and started again")
    figures.restart_seconds = restart_took[0] if restart_took else 0.0
    figures.acknowledged = len(acknowledged)

    rows = dep.sql(
        "SELECT u.email, b.id, c.key, s.score, s.justification, s.id FROM individual_score s "
        "JOIN user_account u ON u.id = s.evaluator_id JOIN bid b ON b.id = s.bid_id "
        "JOIN award_criterion c ON c.id = s.criterion_id"
    )
    stored = {
        (email, f"/evaluering/poeng/{bid}/{key}"): (score, just) for email, bid, key, score, just, _ in rows
    }
    for email, action, score, justification in acknowledged:
        key = (email, action.split(TENDER, 1)[-1])
        found = stored.get(key)
        if found is not None and float(found[0]) == float(score) and found[1] == justification:
            figures.found += 1
        else:
            figures.lost.append(f"{email} {action} {score}")
    audited = {
        int(object_id)
        for (object_id,) in dep.sql(
            "SELECT object_id FROM audit_event WHERE event_type = 'evaluation.score_saved' "
            "AND object_type = 'individual_score'"
        )
    }
    figures.without_audit = sum(1 for *_, row_id in rows if row_id not in audited)
    verify = subprocess.run(
        [*_tender(), "audit", "verify"], env=dep.procs.env, capture_output=True, text=True, timeout=300
    )
    figures.audit_ok = verify.returncode == 0
    figures.audit_verify = (verify.stdout + verify.stderr).strip()
    return figures


def _tender() -> list[str]:
    from tests.process_harness import tender_command

    return tender_command()


# -- killing the worker in a validation ----------------------------------------------------------------------
@dataclass
class WorkerFigures:
    killed_while: str = ""
    progress_when_killed: int = 0
    status_after_kill: str = ""
    final_status: str = ""
    verdict: str | None = None
    attempts: int = 0
    problem: str = ""
    recovery_seconds: float = 0.0


def validation_with_a_killed_worker(
    dep: Deployment, extract: bytes, *, stale_seconds: int = 3
) -> WorkerFigures:
    """A vendor uploads ``extract`` (large enough to take some seconds); the worker is killed once the
    validation is running; a new worker, told that a heartbeat older than ``stale_seconds`` means a crashed
    worker, must take it up and finish it."""
    figures = WorkerFigures()
    app, base = dep.app(free_port(), "app-worker")
    quick = {"TENDER_NOARK_STALE_SECONDS": str(stale_seconds), "TENDER_NOARK_HEARTBEAT_SECONDS": "1"}
    worker = dep.procs.tender("worker-1", "worker", "--workers", "1", env=quick)
    vendor = WebClient(base)
    vendor.login("jonas.bakke@saksflyt.no", DEMO_PASSWORD)
    # at the demo's "published" stage the vendor's bid is open for samples
    page = f"{TENDER}/noark/mine-prover"
    token = vendor.csrf(page)
    answer = vendor.post_file(page, {"csrf_token": token}, "file", "stor-prove.zip", extract)
    assert answer.status == 302, answer.text[:3000]
    (sample_id,) = dep.sql("SELECT max(id) FROM noark_sample")[0]

    def status() -> tuple[str, int, int, str, str | None]:
        ((s, progress, attempts, problem, verdict),) = dep.sql(
            "SELECT status, progress_percent, attempts, problem, verdict FROM noark_sample WHERE id = %(id)s",
            id=sample_id,
        )
        return s, progress, attempts, problem, verdict

    def under_way() -> tuple[str, int, int, str, str | None] | None:
        now = status()
        return now if now[0] == "running" and now[1] >= 1 else None

    # killed once the validation is under way: running, with some of the extract read
    running = wait_until(
        under_way,
        timeout=120,
        what="the worker to be under way with the validation",
        interval=0.05,
    )
    figures.killed_while, figures.progress_when_killed = running[0], running[1]
    worker.kill()
    killed_at = time.monotonic()
    figures.status_after_kill = status()[0]
    dep.procs.tender("worker-2", "worker", "--workers", "1", env=quick)
    wait_until(lambda: status()[0] in ("done", "failed"), timeout=300, what="the new worker to finish it")
    figures.recovery_seconds = time.monotonic() - killed_at
    figures.final_status, _, figures.attempts, figures.problem, figures.verdict = status()
    seen = json.loads(vendor.get(f"{TENDER}/noark/prover/status.json").text)
    assert any(s["id"] == sample_id and s["finished"] for s in seen), seen
    return figures


# -- the database away ---------------------------------------------------------------------------------------
@dataclass
class OutageFigures:
    before: int = 0
    during: list[int] = field(default_factory=list)
    retry_after: str = ""
    norwegian_message: bool = False
    traceback_shown: bool = False
    recovery_seconds: float = 0.0
    after: list[int] = field(default_factory=list)
    still_logged_in: bool = False
    log_lines_about_outage: int = 0
    password_in_log: bool = False
    outage_seconds: float = 0.0


def database_outage(dep: Deployment, *, outage: float = 5.0) -> OutageFigures:
    """The app serves a logged-in user; PostgreSQL stops for ``outage`` seconds and starts again."""
    figures = OutageFigures()
    app, base = dep.app(free_port(), "app-outage")
    lead = WebClient(base)
    lead.login(LEAD, DEMO_PASSWORD)
    pages = ["/", f"{TENDER}/evaluering/tilbud", f"{TENDER}/revisjonsspor", "/helse"]
    figures.before = lead.get("/").status

    dep.cluster.stop_server()
    stopped = time.monotonic()
    anonymous = WebClient(base)
    token = anonymous.csrf("/logg-inn")  # the login form itself needs no database
    while time.monotonic() - stopped < outage:
        for path in pages:
            answer = lead.get(path)
            figures.during.append(answer.status)
            if answer.status == 503:
                figures.retry_after = answer.headers.get("retry-after", "")
                figures.norwegian_message = "midlertidig utilgjengelig" in answer.text
            figures.traceback_shown |= "Traceback" in answer.text or "psycopg" in answer.text
        attempt = anonymous.post("/logg-inn", {"csrf_token": token, "email": LEAD, "password": DEMO_PASSWORD})
        figures.during.append(attempt.status)
        time.sleep(0.5)

    dep.cluster.start_server()
    figures.outage_seconds = time.monotonic() - stopped
    restarted = time.monotonic()
    wait_until(lambda: lead.get("/").status == 200, timeout=60, what="the app to recover", interval=0.1)
    figures.recovery_seconds = time.monotonic() - restarted
    # every pooled connection died with the server: a series of requests (over the app's threads) all work
    results: list[int] = []

    def reader() -> None:
        for path in pages * 3:
            results.append(lead.get(path).status)

    threads = [threading.Thread(target=reader) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    figures.after = results
    figures.still_logged_in = "Anne Lie" in lead.get("/").text
    log = app.log()
    figures.log_lines_about_outage = log.count("Databasen er utilgjengelig")
    figures.password_in_log = DB_PASSWORD in log
    return figures
