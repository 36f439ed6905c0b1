"""Each app process under ``tender serve --workers N`` freezes what is alive once its app is built and raises
the youngest generation's threshold (tender/serve.py; the pauses measured by benchmarks/bench_gc.py). Run in
a fresh interpreter: a frozen object is never collected, which the test process must not suffer."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SCRIPT = """
import gc, json
from tender import create_app
from tender.serve import GEN0_THRESHOLD, freeze_after_build
before = (gc.get_freeze_count(), gc.get_threshold())
app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x"})
freeze_after_build(gen0=GEN0_THRESHOLD)
print(json.dumps({"before": before, "frozen": gc.get_freeze_count(), "threshold": gc.get_threshold(),
                  "gen0": GEN0_THRESHOLD, "app_frozen": gc.is_tracked(app) and gc.get_freeze_count() > 0}))
"""


def test_a_worker_freezes_its_built_app_and_collects_the_young_generation_less_often(tmp_path) -> None:
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=tmp_path,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "TENDER_INSTANCE_PATH": str(tmp_path)},
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout
    found = json.loads(out.strip().splitlines()[-1])
    assert found["before"] == [0, [700, 10, 10]]
    assert found["frozen"] > 50_000  # the imported modules and the app: hundreds of thousands of objects
    assert found["threshold"] == [found["gen0"], 10, 10] and found["gen0"] > 700
    assert found["app_frozen"]
