"""Fault figures (issue 17, point 5), from the same scenarios tests/test_faults.py asserts
(tests/fault_scenarios.py), on real processes: one PostgreSQL cluster and one Redis of their own, the demo
tender, ``tender serve --workers 1`` and ``tender worker``.

    .venv/bin/python benchmarks/bench_faults.py [--runs 3]

Prints, per run: the score saves attempted, acknowledged and found after an app process was SIGKILLed in
the middle of the burst (and how long its restart took), the audit chain's verdict; the killed worker's
sample and how long until the next worker finished it; the database outage's answers and the time from
PostgreSQL's return to the first page that works. Then the medians over the runs. Each run builds its
own deployment (about two minutes on the 2-core machine, most of it the demo tender). Wall-clock times
only: these are recovery times of several processes, not CPU work; the reference is the outage itself
(the time PostgreSQL was away) and a plain request to the app in the same run.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.fault_scenarios import (  # noqa: E402
    database_outage,
    deployment,
    score_burst_with_a_killed_app,
    validation_with_a_killed_worker,
)
from tests.test_noark_tasks import zipped_extract  # noqa: E402


def one_run(folder: Path) -> dict[str, float]:
    extract = zipped_extract(folder / "extract", n_mapper=600).read_bytes()
    with deployment(folder / "deployment") as dep:
        worker = validation_with_a_killed_worker(dep, extract)
        print(
            f"  worker killed while {worker.killed_while} at {worker.progress_when_killed} %: "
            f"{worker.status_after_kill} after the kill, {worker.final_status} ({worker.verdict}) after "
            f"{worker.attempts} attempts, {worker.recovery_seconds:.1f} s from the kill to the result"
        )
        burst = score_burst_with_a_killed_app(dep)
        print(
            f"  score burst: {burst.attempted} saves answered, {burst.acknowledged} acknowledged, "
            f"{burst.found} found, {len(burst.lost)} lost, {burst.without_audit} without audit event, "
            f"{burst.refused_or_failed} refused or failed, {burst.cut_off} cut off or sent while it was "
            f"down (then sent again); app restart "
            f"{burst.restart_seconds:.1f} s; audit verify: {'OK' if burst.audit_ok else 'BROKEN'}"
        )
        outage = database_outage(dep)
        during = {code: outage.during.count(code) for code in sorted(set(outage.during))}
        print(
            f"  database away {outage.outage_seconds:.1f} s: answers {during}, Retry-After "
            f"{outage.retry_after!r}, Norwegian page {outage.norwegian_message}, traceback shown "
            f"{outage.traceback_shown}; first page working {outage.recovery_seconds:.2f} s after PostgreSQL "
            f"was back; then {len(outage.after)} requests: "
            f"{ {code: outage.after.count(code) for code in sorted(set(outage.after))} }; "
            f"{outage.log_lines_about_outage} log line(s), password in log {outage.password_in_log}"
        )
        ok = (
            not burst.lost
            and burst.without_audit == 0
            and burst.audit_ok
            and worker.final_status == "done"
            and set(outage.during) == {503}
            and set(outage.after) == {200}
        )
        print(f"  {'OK' if ok else 'NOT MET'}")
    return {
        "acknowledged": burst.acknowledged,
        "lost": len(burst.lost),
        "restart": burst.restart_seconds,
        "worker_recovery": worker.recovery_seconds,
        "db_recovery": outage.recovery_seconds,
        "ok": float(ok),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    results = []
    for n in range(args.runs):
        print(f"run {n + 1} of {args.runs}")
        started = time.monotonic()
        with tempfile.TemporaryDirectory(prefix="tender-faults-") as folder:
            results.append(one_run(Path(folder)))
        print(f"  (run took {time.monotonic() - started:.0f} s)")
    med = {key: statistics.median(r[key] for r in results) for key in results[0]}
    print(
        f"median of {len(results)}: {med['acknowledged']:.0f} saves acknowledged, {med['lost']:.0f} lost; "
        f"app restart {med['restart']:.1f} s; worker kill → result {med['worker_recovery']:.1f} s; "
        f"database back → first page {med['db_recovery']:.2f} s; all runs OK: {all(r['ok'] for r in results)}"
    )
    sys.exit(0 if all(r["ok"] for r in results) else 1)


if __name__ == "__main__":
    main()
