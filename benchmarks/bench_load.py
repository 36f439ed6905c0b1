"""Load: 50 evaluators at once against ``tender serve --workers N`` on PostgreSQL (issue 17, point 3).

One command:

    .venv/bin/python benchmarks/bench_load.py              # one minute of steady load, then the burst
    .venv/bin/python benchmarks/bench_load.py --quick      # 10 s of steady load
    .venv/bin/python benchmarks/bench_load.py --workers 4 --threads 8 --duration 60 --rate 20

What it does:

1. Starts a throwaway PostgreSQL (tests/pg_cluster.py) and fills it with a tender at the issue's scale:
   8 bids × 40 leaf criteria (price + 39 quality leaves) with every cell's consensus, 12 evaluators who have
   scored every quality leaf of every bid with a justification, and 38 more evaluators who have scored
   nothing yet: 50 evaluator accounts. Built through the operations once and cached as a ``pg_dump`` under
   ``benchmarks/out/`` (keyed by this file's build code and the migrations); ``--rebuild`` makes it again.
2. Starts ``tender serve --workers N`` (default 2 × cores) on loopback with the queue consumer off.
3. Runs the load generator as a SECOND process (this file with ``--drive``): one thread per evaluator, each
   logged in through the login form, each loading its scores page once (for the CSRF token and the
   versions, as the browser does) and then, every ``2 × evaluators / rate`` seconds, saving one individual
   score (the score form's real POST with its CSRF token and lock version; the redirect is not followed)
   and, half a period later, reading the matrix page. Bounded in time (``--duration``, each request's
   timeout) and in requests (at most 1.5 × the planned number). A reference thread reads the login page
   (anonymous, a trivial template) once a second through the same server.
4. Then a burst: all evaluators post one save at the same moment (a barrier); the time until the last is
   answered.
5. Verifies in the database that every acknowledged save (302 to the scores page) is stored with its score
   and justification, counts the audit events of the saves, and runs ``tender audit verify``.

Prints p50/p95/p99 per request kind, errors, throughput, the server's and PostgreSQL's CPU time per
request, ratios against the reference, and "OK"/"NOT MET" against the targets: p95 < 200 ms for saves and
matrix reads at 20 requests per second, zero errors, zero lost saves, the burst answered in under 1 s.
"""

from __future__ import annotations

import argparse
import hashlib
import html
import http.client
import json
import os
import random
import re
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

OUT = ROOT / "benchmarks" / "out"
BIDS, SCORED_EVALUATORS, EVALUATORS = 8, 12, 50
PASSWORD = "benk-passord-2026"
JUSTIFICATION = (
    "Løsningen dekker kravet med standard funksjonalitet; demonstrasjonen viste journalføring av "
    "e-skjema og politisk saksbehandling uten tilpasning. Trekk for manglende arkivplan."
)
P95_TARGET_MS, BURST_TARGET_S = 200.0, 1.0
DATABASE = "tender_load"


# -- the tender ----------------------------------------------------------------------------------------------
def build(deadline: datetime) -> int:
    """The tender at the issue's scale, through the operations (scores and consensus inserted as rows, as
    bench_matrix.py does). The deadline lies in the past of the real clock, so the server lets evaluators
    score."""
    from tender.auth import operations as accounts
    from tender.bids import operations as bid_ops
    from tender.bids.models import Bid
    from tender.evaluation.models import ConsensusScore, IndividualScoreRow
    from tender.evaluation_model import operations as model_ops
    from tender.evaluation_model.models import PriceItemKind
    from tender.extensions import db
    from tender.tenders import operations as tender_ops
    from tender.tenders.models import Procedure, Role
    from tests.evaluation_helpers import ORGNR, publish_spec, small_spec

    before, after = deadline - timedelta(seconds=1), deadline + timedelta(seconds=1)
    lead = accounts.create_user("leder@benk.no", "Lena Leder", password=PASSWORD)
    tender = tender_ops.create_tender(
        title="Lastprøve",
        case_reference="2026/17",
        procedure=Procedure.OPEN,
        lead=lead,
        bid_deadline=deadline,
    )
    for name, number, pop in [("Skien", "4003", 56_360), ("Porsgrunn", "4001", 37_920)]:
        tender_ops.add_municipality(
            tender,
            tender_ops.get_or_create_municipality(name=name, kommunenummer=number, population=pop),
            actor=lead,
        )
    db.session.commit()

    def add_member(t, role, user=None, **kw):  # noqa: ANN001, ANN003, ANN202
        user = user or accounts.create_user(f"{role.value}{kw.get('municipality').id}@benk.no", "Signer")
        tender_ops.add_membership(t, user, role, **kw)
        return user

    from benchmarks.issue_scale import add_award_criteria

    add_award_criteria(tender, lead)
    items = [
        model_ops.add_price_item(
            tender, name="Lisens", kind=PriceItemKind.ONE_OFF, per_municipality=False, actor=lead
        ),
        model_ops.add_price_item(
            tender, name="Drift", kind=PriceItemKind.YEARLY, per_municipality=True, actor=lead
        ),
    ]
    publish_spec(db, tender, lead, add_member, small_spec(evaluation=4, minimum=4))
    model_ops.freeze(tender, at=before, actor=lead)
    vendors = [
        tender_ops.register_vendor(
            tender, name=f"Leverandør {i + 1} AS", organisasjonsnummer=ORGNR[i], actor=lead
        )
        for i in range(BIDS)
    ]
    evaluators = []
    for e in range(EVALUATORS):
        user = accounts.create_user(f"evaluator{e}@benk.no", f"Evaluator {e + 1}", password=PASSWORD)
        tender_ops.add_membership(tender, user, Role.EVALUATOR)
        evaluators.append(user)
    db.session.commit()
    content = bid_ops.published_spec(tender)
    bids: list[Bid] = []
    for i, vendor in enumerate(vendors):
        bid = bid_ops.ensure_bid(tender, vendor, at=before, actor=lead)
        answers = [bid_ops.AnswerInput(r.id, "Ja", "Standard") for r in content.requirements]
        prices = {(items[0].id, None): Decimal(3_000_000 + 417_000 * i)}
        for m in tender.participating_municipalities:
            prices[(items[1].id, m.id)] = Decimal(200_000 + 13_000 * i)
        bid_ops.save_draft(tender, bid, answers=answers, prices=prices, at=before, actor=lead)
        bid_ops.submit(tender, bid, at=before, actor=lead)
        bids.append(bid)
    # the two-person opening: the lead and an evaluator
    bid_ops.confirm_opening(tender, at=after, actor=lead)
    assert bid_ops.confirm_opening(tender, at=after, actor=evaluators[0]) is not None
    leaves = model_ops.quality_leaves(tender)
    for i, bid in enumerate(bids):
        for j, leaf in enumerate(leaves):
            for e, user in enumerate(evaluators[:SCORED_EVALUATORS]):
                db.session.add(
                    IndividualScoreRow(
                        bid_id=bid.id,
                        criterion_id=leaf.id,
                        evaluator_id=user.id,
                        score=Decimal((i + j + e) % 11),
                        justification=JUSTIFICATION,
                    )
                )
            db.session.add(
                ConsensusScore(
                    bid_id=bid.id,
                    criterion_id=leaf.id,
                    score=Decimal((i * 3 + j) % 11),
                    justification=JUSTIFICATION,
                )
            )
    db.session.commit()
    return int(tender.id)


def cache_key() -> str:
    source = Path(__file__).read_text(encoding="utf-8")
    code = source[source.index("def build(") : source.index("def cache_key(")]
    code += (ROOT / "benchmarks" / "issue_scale.py").read_text(encoding="utf-8")  # the criteria it adds
    migrations = sorted(p.name for p in (ROOT / "tender" / "migrations" / "versions").glob("*.py"))
    return hashlib.sha256((code + "\n".join(migrations)).encode()).hexdigest()[:16]


def prepare_database(cluster: Any, url: str, env: dict[str, str], rebuild: bool) -> int:
    """Restore the cached dump, or build the tender and cache it. Returns the tender's id."""
    OUT.mkdir(parents=True, exist_ok=True)
    dump = OUT / f"load-{cache_key()}.dump"
    meta = dump.with_suffix(".json")
    client = ["-h", "127.0.0.1", "-p", str(cluster.port), "-U", "tender"]
    if dump.exists() and meta.exists() and not rebuild:
        subprocess.run(
            [str(cluster.bindir / "pg_restore"), *client, "-d", DATABASE, "--no-owner", str(dump)], check=True
        )
        tender_id = int(json.loads(meta.read_text())["tender_id"])
        print(f"tender restored from {dump.relative_to(ROOT)}")
        return tender_id
    started = time.perf_counter()
    code = (
        "import json, sys\n"
        "from datetime import datetime, UTC\n"
        "from flask_migrate import upgrade\n"
        "from tender import create_app\n"
        "sys.path.insert(0, 'benchmarks')\n"
        "import bench_load\n"
        "import os\n"
        "app = create_app({'PASSWORD_HASH_METHOD': 'pbkdf2:sha256:1000', 'SECRET_KEY': 'benk',\n"
        "    'SQLALCHEMY_DATABASE_URI': os.environ['TENDER_DATABASE_URL'],\n"
        "    'INSTANCE_PATH': os.environ['TENDER_INSTANCE_PATH']})\n"
        "deadline = datetime.fromisoformat(sys.argv[1])\n"
        "from tests.evaluation_helpers import Clock\n"
        "app.config['CLOCK'] = Clock(deadline)\n"
        "with app.app_context():\n"
        "    upgrade()\n"
        "    print(json.dumps({'tender_id': bench_load.build(deadline)}))\n"
    )
    deadline = (datetime.now(UTC) - timedelta(days=2)).replace(microsecond=0)
    built = subprocess.run(
        [sys.executable, "-c", code, deadline.isoformat()], env=env, cwd=ROOT, capture_output=True, text=True
    )
    if built.returncode != 0:
        raise RuntimeError(f"building the tender failed:\n{built.stderr}")
    out = built.stdout
    tender_id = int(json.loads(out.strip().splitlines()[-1])["tender_id"])
    subprocess.run([str(cluster.bindir / "pg_dump"), *client, "-Fc", "-f", str(dump), DATABASE], check=True)
    meta.write_text(json.dumps({"tender_id": tender_id}))
    print(f"tender built in {time.perf_counter() - started:.1f} s, cached as {dump.relative_to(ROOT)}")
    return tender_id


# -- the server and its CPU time -----------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(port: int, timeout: float = 60.0) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/logg-inn")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("the server did not answer")


def descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        found.append(p)
        for task in Path(f"/proc/{p}/task").glob("*"):
            try:
                todo += [int(c) for c in (task / "children").read_text().split()]
            except OSError:
                pass
    return found


def cpu_seconds(pids: list[int]) -> float:
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for p in pids:
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
        except (OSError, IndexError):
            pass
    return total / ticks


def postmaster_pid(cluster: Any) -> int:
    return int((cluster.folder / "data" / "postmaster.pid").read_text().split()[0])


# -- the load generator (the second process) -----------------------------------------------------------------
INPUT = re.compile(r"<input\b[^>]*>", re.S)
ATTR = re.compile(r'(\w[\w-]*)="([^"]*)"')
FORM = re.compile(r'<form[^>]*\bid="s(\d+)-(\d+)"[^>]*\baction="([^"]+)"', re.S)


class Client:
    """One person's browser: a cookie jar; a new loopback connection per request (so the server's keep-alive
    timeout never decides whether a POST was sent)."""

    def __init__(self, port: int, timeout: float) -> None:
        self.port, self.timeout, self.cookies = port, timeout, {}

    def request(self, method: str, path: str, form: dict[str, str] | None = None) -> tuple[int, str, float]:
        headers = {"Host": f"127.0.0.1:{self.port}", "Connection": "close"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        start = time.perf_counter()
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read().decode("utf-8", "replace")
        finally:
            conn.close()
        elapsed = time.perf_counter() - start
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        return response.status, text, elapsed


def inputs(page: str) -> dict[str, str]:
    found = {}
    for tag in INPUT.findall(page):
        attrs = dict(ATTR.findall(tag))
        if "name" in attrs:
            found[html.unescape(attrs["name"])] = html.unescape(attrs.get("value", ""))
    return found


def drive(config: dict[str, Any]) -> dict[str, Any]:
    port, tender_id, n = config["port"], config["tender_id"], config["evaluators"]
    duration, rate, timeout = config["duration"], config["rate"], config["timeout"]
    period = 2 * n / rate  # each evaluator: one save and one matrix read per period
    budget = int(1.5 * rate * duration) + 10  # the bound on requests in the steady part
    matrix_path = f"/konkurranser/{tender_id}/evaluering/matrise"
    scores_path = f"/konkurranser/{tender_id}/evaluering/poeng"
    lock = threading.Lock()
    samples: list[tuple[str, float, float, int]] = []  # kind, start (s from t0), seconds, status
    acks: list[dict[str, Any]] = []
    errors: list[str] = []
    sent = [0]

    def note(kind: str, start: float, elapsed: float, status: int, ok: bool, detail: str = "") -> None:
        with lock:
            samples.append((kind, start, elapsed, status))
            if not ok:
                errors.append(f"{kind}: HTTP {status} {detail}"[:300])

    class Evaluator:
        def __init__(self, e: int) -> None:
            self.e, self.client = e, Client(port, timeout)
            self.rng = random.Random(e)
            self.forms: dict[tuple[int, int], dict[str, str]] = {}
            self.cells: list[tuple[int, int]] = []
            self.n = 0

        def login(self) -> None:
            status, page, _ = self.client.request("GET", "/logg-inn")
            token = inputs(page)["csrf_token"]
            email = f"evaluator{self.e}@benk.no"
            status, _, _ = self.client.request(
                "POST", "/logg-inn", {"csrf_token": token, "email": email, "password": PASSWORD}
            )
            if status != 302:
                raise RuntimeError(f"login of {email}: HTTP {status}")
            status, page, elapsed = self.client.request("GET", scores_path)
            if status != 200:
                raise RuntimeError(f"scores page of {email}: HTTP {status}")
            fields = inputs(page)
            for bid, crit, action in FORM.findall(page):
                prefix = f"s{bid}-{crit}"
                self.forms[(int(bid), int(crit))] = {
                    "action": html.unescape(action),
                    "csrf": fields[f"{prefix}-csrf_token"],
                    "version": fields.get(f"{prefix}-lock_version", ""),
                }
            self.cells = sorted(self.forms)
            self.rng.shuffle(self.cells)
            with lock:
                samples.append(("scores page (once, at login)", 0.0, elapsed, status))

        def save(self, kind: str, t0: float) -> None:
            cell = self.cells[self.n % len(self.cells)]
            self.n += 1
            form = self.forms[cell]
            prefix = f"s{cell[0]}-{cell[1]}"
            score = str(self.rng.randint(0, 10))
            justification = f"Lastprøve: evaluator {self.e}, lagring {self.n}. {JUSTIFICATION[:80]}"
            data = {
                f"{prefix}-csrf_token": form["csrf"],
                f"{prefix}-lock_version": form["version"],
                f"{prefix}-score": score,
                f"{prefix}-justification": justification,
            }
            start = time.perf_counter() - t0
            try:
                status, body, elapsed = self.client.request("POST", form["action"], data)
            except OSError as exc:
                note(kind, start, time.perf_counter() - t0 - start, 0, False, repr(exc))
                return
            ok = status == 302
            note(kind, start, elapsed, status, ok, "" if ok else re.sub(r"\s+", " ", body)[:200])
            if ok:
                form["version"] = str(int(form["version"] or 0) + 1)
                with lock:
                    acks.append(
                        {
                            "email": f"evaluator{self.e}@benk.no",
                            "bid": cell[0],
                            "criterion": cell[1],
                            "score": score,
                            "justification": justification,
                            "n": self.n,
                        }
                    )

        def matrix(self, t0: float) -> None:
            start = time.perf_counter() - t0
            try:
                status, body, elapsed = self.client.request("GET", matrix_path)
            except OSError as exc:
                note("matrix", start, time.perf_counter() - t0 - start, 0, False, repr(exc))
                return
            note("matrix", start, elapsed, status, status == 200 and "</html>" in body)

    people = [Evaluator(e) for e in range(n)]
    login_started = time.perf_counter()
    # not measured: the logins and the heavy scores pages, a few at a time with a patient timeout
    gate = threading.Semaphore(4)

    def log_in(p: Evaluator) -> None:
        with gate:
            p.client.timeout = max(timeout, 180.0)
            p.login()
            p.client.timeout = timeout

    threads = [threading.Thread(target=log_in, args=(p,)) for p in people]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    missing = [p.e for p in people if not p.cells]
    if missing:
        raise RuntimeError(f"evaluators without a scores page: {missing}")
    logins = time.perf_counter() - login_started

    def server_cpu() -> tuple[float, float]:
        return cpu_seconds(descendants(config["app_pid"])), cpu_seconds(descendants(config["pg_pid"]))

    t0 = time.perf_counter()
    end = t0 + duration
    usage_before = resource.getrusage(resource.RUSAGE_SELF)
    cpu_before = server_cpu()

    def take() -> bool:
        with lock:
            if sent[0] >= budget:
                return False
            sent[0] += 1
            return True

    def run(p: Evaluator) -> None:
        next_at = t0 + p.rng.uniform(0, period)
        step = 0
        while True:
            now = time.perf_counter()
            if next_at >= end or now >= end:  # bounded in time too: nothing new after the window
                return
            if next_at > now:
                time.sleep(next_at - now)
            if not take():
                return
            if step % 2 == 0:
                p.save("save", t0)
            else:
                p.matrix(t0)
            step += 1
            next_at += period / 2

    def reference() -> None:
        client = Client(port, timeout)
        next_at = t0
        while next_at < end:
            now = time.perf_counter()
            if next_at > now:
                time.sleep(next_at - now)
            start = time.perf_counter() - t0
            try:
                status, _, elapsed = client.request("GET", "/logg-inn")
            except OSError as exc:
                note("reference: login page", start, 0.0, 0, False, repr(exc))
            else:
                note("reference: login page", start, elapsed, status, status == 200)
            client.cookies.clear()
            next_at += 1.0

    threads = [threading.Thread(target=run, args=(p,)) for p in people]
    threads.append(threading.Thread(target=reference))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    steady_wall = time.perf_counter() - t0
    usage_after = resource.getrusage(resource.RUSAGE_SELF)
    cpu_after = server_cpu()

    # the burst: every evaluator posts one save at the same moment
    barrier = threading.Barrier(n + 1)
    finished: list[float] = []

    def burst(p: Evaluator) -> None:
        barrier.wait()
        p.save("burst save", t0)
        with lock:
            finished.append(time.perf_counter())

    threads = [threading.Thread(target=burst, args=(p,)) for p in people]
    for t in threads:
        t.start()
    time.sleep(0.5)
    released = time.perf_counter()
    barrier.wait()
    for t in threads:
        t.join()
    burst_s = max(finished) - released
    return {
        "samples": samples,
        "acks": acks,
        "errors": errors,
        "logins_s": logins,
        "steady_wall_s": steady_wall,
        "driver_cpu_s": (usage_after.ru_utime + usage_after.ru_stime)
        - (usage_before.ru_utime + usage_before.ru_stime),
        "burst_s": burst_s,
        "app_cpu_s": cpu_after[0] - cpu_before[0],
        "pg_cpu_s": cpu_after[1] - cpu_before[1],
        "period_s": period,
        "budget": budget,
    }


# -- where the time goes ----------------------------------------------------------------------------------
def profile(url: str, instance: Path, tender_id: int, repeat: int) -> None:
    """cProfile of saves and matrix reads through Flask's test client in this process, against the same
    PostgreSQL database: the top functions by cumulative time, per request kind."""
    import cProfile
    import io
    import pstats

    from tender import create_app

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "benk",
            "INSTANCE_PATH": str(instance),
            "WTF_CSRF_ENABLED": False,
        }
    )
    client = app.test_client()
    assert (
        client.post("/logg-inn", data={"email": "evaluator20@benk.no", "password": PASSWORD}).status_code
        == 302
    )
    page = client.get(f"/konkurranser/{tender_id}/evaluering/poeng").get_data(as_text=True)
    forms = [(int(b), int(c), html.unescape(a)) for b, c, a in FORM.findall(page)]
    versions: dict[str, str] = {}

    def save(i: int) -> None:
        b, c, action = forms[i % len(forms)]
        prefix = f"s{b}-{c}"
        r = client.post(
            action,
            data={
                f"{prefix}-score": str(i % 11),
                f"{prefix}-justification": f"Profil {i}",
                f"{prefix}-lock_version": versions.get(prefix, ""),
            },
        )
        assert r.status_code == 302, r.status_code
        versions[prefix] = str(int(versions.get(prefix) or 0) + 1)

    def matrix(i: int) -> None:
        assert client.get(f"/konkurranser/{tender_id}/evaluering/matrise").status_code == 200

    # one at a time, without the profiler: wall and CPU time of this process (the app and the client; the
    # database's own CPU is not in it), medians of ``repeat``; CPU time depends less on a busy machine
    for name, fn in (("save", save), ("matrix", matrix)):
        fn(20_000)  # warm up
        walls, cpus = [], []
        for i in range(repeat):
            w, c = time.perf_counter(), time.process_time()
            fn(30_000 + i)
            walls.append(time.perf_counter() - w)
            cpus.append(time.process_time() - c)
        print(
            f"{name}: one at a time, median of {repeat}: {statistics.median(walls) * 1000:.1f} ms wall, "
            f"{statistics.median(cpus) * 1000:.1f} ms CPU"
        )
    for name, fn in (("save", save), ("matrix", matrix)):
        started = time.perf_counter()
        prof = cProfile.Profile()
        prof.enable()
        for i in range(repeat):
            fn(i)
        prof.disable()
        print(
            f"\n== {name}: {repeat} requests, {1000 * (time.perf_counter() - started) / repeat:.1f} ms each "
            "(under the profiler)"
        )
        out = io.StringIO()
        pstats.Stats(prof, stream=out).sort_stats("cumulative").print_stats(45)
        print("\n".join(out.getvalue().splitlines()[:70]))


# -- checks in the database ----------------------------------------------------------------------------------
def verify(cluster: Any, tender_id: int, acks: list[dict[str, Any]]) -> tuple[int, list[str]]:
    """Every acknowledged save, by its last acknowledgement per evaluator and cell, is what the database
    holds. Returns (the number checked, what is missing or different)."""
    import psycopg

    last: dict[tuple[str, int, int], dict[str, Any]] = {}
    for ack in sorted(acks, key=lambda a: a["n"]):
        last[(ack["email"], ack["bid"], ack["criterion"])] = ack
    problems = []
    with psycopg.connect(f"host=127.0.0.1 port={cluster.port} user=tender dbname={DATABASE}") as conn:
        rows = conn.execute(
            "SELECT u.email, s.bid_id, s.criterion_id, s.score, s.justification FROM individual_score s "
            "JOIN user_account u ON u.id = s.evaluator_id"
        ).fetchall()
    stored = {(r[0], r[1], r[2]): (r[3], r[4]) for r in rows}
    for key, ack in last.items():
        found = stored.get(key)
        if found is None:
            problems.append(f"lost: {key}")
        elif Decimal(found[0]) != Decimal(ack["score"]) or found[1] != ack["justification"]:
            problems.append(
                f"different: {key}: stored {found[0]} «{found[1][:40]}», acknowledged {ack['score']}"
            )
    return len(last), problems


def count_events(cluster: Any) -> int:
    import psycopg

    with psycopg.connect(f"host=127.0.0.1 port={cluster.port} user=tender dbname={DATABASE}") as conn:
        row = conn.execute(
            "SELECT count(*) FROM audit_event WHERE event_type = 'evaluation.score_saved'"
        ).fetchone()
    return int(row[0]) if row else 0


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = max(0, min(len(ordered) - 1, int(round(q / 100 * len(ordered) + 0.5)) - 1))
    return ordered[k]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=None, help="app processes (default: 2 × cores)")
    parser.add_argument("--threads", type=int, default=8, help="threads per app process")
    parser.add_argument("--evaluators", type=int, default=EVALUATORS)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of steady load")
    parser.add_argument("--quick", action="store_true", help="10 s of steady load")
    parser.add_argument(
        "--rate", type=float, default=20.0, help="requests per second, all evaluators together"
    )
    parser.add_argument("--timeout", type=float, default=30.0, help="each request's timeout in seconds")
    parser.add_argument("--rebuild", action="store_true", help="build the tender again instead of the cache")
    parser.add_argument(
        "--profile", type=int, metavar="N", help="instead of the load: profile N saves and N matrix reads"
    )
    parser.add_argument("--drive", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.drive:
        print(json.dumps(drive(json.loads(args.drive))))
        return
    if args.evaluators > EVALUATORS:
        parser.error(f"at most {EVALUATORS} evaluators")
    duration = 10.0 if args.quick else args.duration
    workers = args.workers or 2 * (os.cpu_count() or 1)

    from tests import pg_cluster

    cluster = pg_cluster.start()
    server = None
    instance = Path(tempfile.mkdtemp(prefix="tender-load-"))
    try:
        url = cluster.create_database(DATABASE)
        env = dict(os.environ)
        env.update(
            {
                "TENDER_DATABASE_URL": url,
                "TENDER_INSTANCE_PATH": str(instance),
                "TENDER_SECRET_KEY": "benk-last",
                "PYTHONPATH": str(ROOT),
            }
        )
        tender_id = prepare_database(cluster, url, env, args.rebuild)
        if args.profile:
            profile(url, instance, tender_id, args.profile)
            return
        port = free_port()
        command = [sys.executable, "-c", "from tender.cli import main; main()", "serve", "--port", str(port)]
        command += ["--workers", str(workers), "--threads", str(args.threads), "--queue-workers", "0"]
        server = subprocess.Popen(command, env=env, cwd=ROOT, start_new_session=True)
        wait_for(port)
        load = os.getloadavg()
        print(
            f"tender serve --workers {workers} --threads {args.threads} (gunicorn gthread) "
            f"on 127.0.0.1:{port}, "
            f"PostgreSQL {cluster.bindir.parent.name}; {os.cpu_count()} cores, load average "
            f"{load[0]:.2f} {load[1]:.2f} {load[2]:.2f} before the run"
        )
        events_before = count_events(cluster)
        config = {
            "port": port,
            "tender_id": tender_id,
            "evaluators": args.evaluators,
            "duration": duration,
            "rate": args.rate,
            "timeout": args.timeout,
            "app_pid": server.pid,
            "pg_pid": postmaster_pid(cluster),
        }
        driver = subprocess.run(
            [sys.executable, __file__, "--drive", json.dumps(config)],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        if driver.returncode != 0:
            raise RuntimeError(f"the load generator failed:\n{driver.stderr}")
        result = json.loads(driver.stdout)
        checked, problems = verify(cluster, tender_id, result["acks"])
        events = count_events(cluster) - events_before
        audit = subprocess.run(
            [sys.executable, "-c", "from tender.cli import main; main()", "audit", "verify"],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
    finally:
        if server is not None and server.poll() is None:
            server.send_signal(signal.SIGINT)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        cluster.stop()
        shutil.rmtree(instance, ignore_errors=True)

    report(args, workers, duration, result, checked, problems, events, audit)


def report(
    args: Any,
    workers: int,
    duration: float,
    result: dict[str, Any],
    checked: int,
    problems: list[str],
    events: int,
    audit: Any,
) -> None:
    samples = result["samples"]
    kinds: dict[str, list[tuple[float, int]]] = {}
    for kind, _, elapsed, status in samples:
        kinds.setdefault(kind, []).append((elapsed, status))
    steady = [s for s in samples if s[0] in ("save", "matrix")]
    wall = result["steady_wall_s"]
    print(
        f"\n{args.evaluators} evaluators, {duration:.0f} s of steady load planned at "
        f"{args.rate:.0f} requests/s "
        f"(each: a save, then a matrix read half a period later, every {result['period_s']:.1f} s), "
        f"at most {result['budget']} requests; logins and scores pages took {result['logins_s']:.1f} s before"
    )
    print(f"{'request kind':<32}{'n':>6}{'p50':>10}{'p95':>10}{'p99':>10}{'max':>10}{'errors':>8}")
    for kind, rows in kinds.items():
        times = [r[0] * 1000 for r in rows]
        errors = sum(1 for r in rows if r[1] not in (200, 302))
        print(
            f"{kind:<32}{len(rows):>6}{percentile(times, 50):>8.0f}ms{percentile(times, 95):>8.0f}ms"
            f"{percentile(times, 99):>8.0f}ms{max(times):>8.0f}ms{errors:>8}"
        )
    ref = [r[0] for r in kinds.get("reference: login page", [])]
    throughput = len(steady) / wall if wall else 0.0
    print(f"throughput: {throughput:.1f} requests/s (saves and matrix reads) over {wall:.1f} s")
    app_cpu, pg_cpu = result["app_cpu_s"], result["pg_cpu_s"]
    print(
        f"CPU in the steady part: app processes {app_cpu:.1f} s, PostgreSQL {pg_cpu:.1f} s, load generator "
        f"{result['driver_cpu_s']:.1f} s; per save or matrix read (the reference's CPU included): app "
        f"{1000 * app_cpu / max(1, len(steady)):.0f} ms, "
        f"PostgreSQL {1000 * pg_cpu / max(1, len(steady)):.0f} ms"
    )
    if ref:
        ref50 = percentile(ref, 50)
        for kind in ("save", "matrix", "burst save"):
            if kind in kinds:
                times = [r[0] for r in kinds[kind]]
                print(
                    f"ratio to the reference (p50 {ref50 * 1000:.0f} ms): {kind} p50 "
                    f"{percentile(times, 50) / ref50:.1f}×, p95 {percentile(times, 95) / ref50:.1f}×"
                )
    print(f"burst: {args.evaluators} simultaneous saves answered in {result['burst_s'] * 1000:.0f} ms")
    print(
        f"saves acknowledged: {len(result['acks'])} ({checked} evaluator × cell checked in the database); "
        f"lost or different: {len(problems)}; audit events of saves written in the run: {events}"
    )
    for p in problems[:10]:
        print(f"  {p}")
    for e in result["errors"][:10]:
        print(f"  error: {e}")
    print(f"tender audit verify: exit {audit.returncode}: {audit.stdout.strip() or audit.stderr.strip()}")

    def p95(kind: str) -> float:
        return percentile([r[0] for r in kinds.get(kind, [])], 95) * 1000

    errors = len(result["errors"])
    verdicts = [
        (f"save p95 {p95('save'):.0f} ms < {P95_TARGET_MS:.0f} ms", p95("save") < P95_TARGET_MS),
        (f"matrix p95 {p95('matrix'):.0f} ms < {P95_TARGET_MS:.0f} ms", p95("matrix") < P95_TARGET_MS),
        (f"throughput {throughput:.1f} ≥ 0.9 × {args.rate:.0f} requests/s", throughput >= 0.9 * args.rate),
        (f"errors {errors} = 0", errors == 0),
        (f"lost saves {len(problems)} = 0", not problems and events >= len(result["acks"])),
        (f"burst {result['burst_s']:.2f} s < {BURST_TARGET_S:.0f} s", result["burst_s"] < BURST_TARGET_S),
        ("audit chain intact", audit.returncode == 0),
    ]
    for text, ok in verdicts:
        print(f"{'OK' if ok else 'NOT MET':>8}  {text}")


if __name__ == "__main__":
    main()
