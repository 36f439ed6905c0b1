"""Garbage collection pauses in an app process (issue 17, point N): does ``gc.freeze()`` after the app is
built, as ``tender serve --workers N`` does in each gunicorn worker (tender/serve.py), shorten the full
collections the load benchmark saw (~180 ms every second or third request)?

One command builds the growth benchmark's small tender (benchmarks/bench_growth.py, size S: 200 requirements,
6 municipalities, 8 bids scored by 12 evaluators) in a temporary SQLite database, then, for each setting,
starts a fresh Python process that builds the app as a worker does, applies the setting, and reads a fixed
round of pages (the matrix, the bids, the requirements, the overview, the sensitivity page)
as the observer, ROUNDS times. ``gc.callbacks`` times every collection (wall and CPU of the collection
itself); the process's CPU per request is measured too. Each setting runs RUNS times, alternating, and the
medians are printed:

    default      Python's own thresholds (700, 10, 10), nothing frozen (the reference, same run)
    freeze       gc.collect(); gc.freeze() after create_app
    freeze+gen0  the same and a gen-0 threshold of 50 000 (tender.serve.GEN0_THRESHOLD): what tender serve
                 --workers does in each worker

    .venv/bin/python benchmarks/bench_gc.py                   # 3 runs × 3 settings × 20 rounds
    .venv/bin/python benchmarks/bench_gc.py --runs 5 --rounds 40

The machine is shared: compare CPU columns and the same run's reference, not wall times across runs.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SETTINGS = ("default", "freeze", "freeze+gen0")
PAGES = (
    "/konkurranser/{t}",
    "/konkurranser/{t}/krav",
    "/konkurranser/{t}/evaluering/tilbud",
    "/konkurranser/{t}/evaluering/matrise",
    "/konkurranser/{t}/evaluering/matrise/folsomhet",
)


def build(tmp: str) -> None:
    """The growth benchmark's size S in ``tmp`` (its database, and its logins pickled beside it)."""
    from flask_migrate import upgrade

    from benchmarks import bench_growth as growth
    from tender.extensions import db

    app = growth.make_app(tmp)
    with app.app_context():
        upgrade()
        requirements, municipalities = growth.SIZES["S"]
        built = growth.build("S", requirements, municipalities)
        db.session.remove()
    (Path(tmp) / "built.pickle").write_bytes(pickle.dumps(built))


def measure(tmp: str, setting: str, rounds: int) -> dict[str, Any]:
    """In this (fresh) process: build the app as a worker does, apply ``setting``, read the pages."""
    import gc

    from benchmarks import bench_growth as growth
    from tests.evaluation_helpers import AFTER

    app = growth.make_app(tmp)
    app.config["CLOCK"].set(AFTER)
    if setting != "default":
        from tender.serve import GEN0_THRESHOLD, freeze_after_build

        freeze_after_build(gen0=GEN0_THRESHOLD if setting == "freeze+gen0" else None)
    built = pickle.loads((Path(tmp) / "built.pickle").read_bytes())
    client = growth.logged_in(app, built.logins["observer"])
    urls = [p.format(t=built.tender_id) for p in PAGES]
    for url in urls:  # warm: the first request of each page fills the per-process caches
        assert client.get(url).status_code == 200, url

    pauses: dict[int, list[tuple[float, float]]] = {0: [], 1: [], 2: []}
    started: list[float] = [0.0, 0.0]

    def timed(phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            started[:] = [time.perf_counter(), time.process_time()]
        else:
            pauses[info["generation"]].append(
                (time.perf_counter() - started[0], time.process_time() - started[1])
            )

    gc.callbacks.append(timed)
    cpu, wall = time.process_time(), time.perf_counter()
    for _ in range(rounds):
        for url in urls:
            client.get(url)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    gc.callbacks.remove(timed)
    requests = rounds * len(urls)
    full = pauses[2]
    return {
        "frozen": gc.get_freeze_count(),
        "cpu_ms_per_request": cpu * 1000 / requests,
        "wall_ms_per_request": wall * 1000 / requests,
        "collections": {g: len(p) for g, p in pauses.items()},
        "full_per_100_requests": len(full) * 100 / requests,
        "full_cpu_ms_median": statistics.median(c for _, c in full) * 1000 if full else 0.0,
        "full_wall_ms_median": statistics.median(w for w, _ in full) * 1000 if full else 0.0,
        "gc_cpu_ms_per_request": sum(c for p in pauses.values() for _, c in p) * 1000 / requests,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="fresh processes per setting (median)")
    parser.add_argument("--rounds", type=int, default=20, help="rounds of the pages per process")
    parser.add_argument("--measure", nargs=3, metavar=("TMP", "SETTING", "ROUNDS"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        tmp, setting, rounds = args.measure
        print(json.dumps(measure(tmp, setting, int(rounds))))
        return 0

    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        build(tmp)
        print(f"built S in {time.perf_counter() - started:.0f} s; load average {os.getloadavg()}", flush=True)
        found: dict[str, list[dict[str, Any]]] = {s: [] for s in SETTINGS}
        for run in range(args.runs):
            for setting in SETTINGS:
                out = subprocess.run(
                    [sys.executable, __file__, "--measure", tmp, setting, str(args.rounds)],
                    check=True,
                    capture_output=True,
                    text=True,
                    env={**os.environ, "PYTHONPATH": str(ROOT)},
                ).stdout
                found[setting].append(json.loads(out.strip().splitlines()[-1]))
                print(f"  run {run + 1} {setting}: {found[setting][-1]}", flush=True)
    print(f"\nmedians of {args.runs} runs, {args.rounds} rounds of {len(PAGES)} pages as the observer each")
    print(f"load average at the end {os.getloadavg()}\n")
    columns = (
        ("frozen", "objects frozen"),
        ("cpu_ms_per_request", "CPU ms/request"),
        ("wall_ms_per_request", "wall ms/request"),
        ("full_per_100_requests", "full GCs/100 req"),
        ("full_cpu_ms_median", "full GC CPU ms"),
        ("full_wall_ms_median", "full GC wall ms"),
        ("gc_cpu_ms_per_request", "all GC CPU ms/req"),
    )
    print(f"{'setting':<14}" + "".join(f"{title:>19}" for _, title in columns))
    for setting in SETTINGS:
        row = [statistics.median(r[key] for r in found[setting]) for key, _ in columns]
        print(f"{setting:<14}" + "".join(f"{v:>19.1f}" for v in row))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
