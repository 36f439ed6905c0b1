"""The installed `tender` console script: Flask's commands and ours on one entry point."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

TENDER = Path(sys.executable).parent / "tender"


def test_the_console_script_lists_flask_commands_and_ours(tmp_path) -> None:
    result = subprocess.run(
        [str(TENDER), "--help"],
        capture_output=True,
        text=True,
        timeout=120,
        env={
            "PATH": "/usr/bin:/bin",
            "TENDER_DATABASE_URL": f"sqlite:///{tmp_path}/x.db",
            "TENDER_SECRET_KEY": "cli-test",
        },
    )
    assert result.returncode == 0, result.stderr
    commands = {line.split()[0] for line in result.stdout.split("Commands:")[1].splitlines() if line.strip()}
    assert {
        "run",
        "shell",
        "routes",
        "db",
        "demo",
        "serve",
        "user",
        "audit",
        "score",
        "noark",
        "spec",
    } <= commands


def test_db_upgrade_demo_and_audit_verify_work_through_the_console_script(tmp_path) -> None:
    env = {
        "PATH": "/usr/bin:/bin",
        "TENDER_DATABASE_URL": f"sqlite:///{tmp_path}/x.db",
        "TENDER_SECRET_KEY": "t",
    }

    def tender(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(TENDER), *args], capture_output=True, text=True, timeout=300, env=env)

    assert tender("db", "upgrade").returncode == 0
    demo = tender("demo")
    assert demo.returncode == 0 and "anne.lie@grenland-innkjop.no" in demo.stdout
    verify = tender("audit", "verify")
    assert verify.returncode == 0 and "intakt" in verify.stdout
