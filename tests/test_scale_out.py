"""Scale-out on real engines, step by step as docs/deploy.md says: one PostgreSQL database, one Redis, two app
processes (``tender serve --workers 1 --queue-workers 0`` on two ports) and one ``tender worker``, all with
the same environment except their own instance folders: what they share is the database, the queue, the
storage folder (``TENDER_STORAGE_PATH``) and the secret key, nothing else.

A vendor logs in through one app process and carries on through the other with the same cookie; the sample
uploaded through one is validated by the worker (the apps run no queue consumer) and its result is seen
through both.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from pathlib import Path

import pytest

from tests.process_harness import (
    Processes,
    WebClient,
    free_port,
    postgres_cluster,
    start_redis,
    wait_for_http,
    wait_until,
)

pytestmark = pytest.mark.slow

VENDOR_ORGNR = "918273646"  # Saksflyt Systemer AS, invited to bid in the demo's "published" stage
VENDOR_EMAIL = "drift.test@saksflyt.no"
VENDOR_PASSWORD = "skalering-virker-2026"


def deployment_env(tmp_path: Path, database_url: str, redis_url: str) -> dict[str, str]:
    """The environment docs/deploy.md gives every process (``/etc/tender/tender.env``)."""
    import os

    storage = tmp_path / "shared-storage"
    storage.mkdir()
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith("TENDER_")},
        "TENDER_DATABASE_URL": database_url,
        "TENDER_REDIS_URL": redis_url,
        "TENDER_SECRET_KEY": secrets.token_hex(32),
        "TENDER_STORAGE_PATH": str(storage),
        "TENDER_NOARK_SERVE_WORKERS": "0",
    }


def instance(tmp_path: Path, name: str) -> dict[str, str]:
    """Each process its own instance folder, as on separate machines: nothing may be shared through it."""
    folder = tmp_path / name
    folder.mkdir()
    return {"TENDER_INSTANCE_PATH": str(folder)}


def test_two_app_processes_and_a_worker_share_the_login_the_queue_and_the_stored_files(tmp_path) -> None:
    from tender.demo import MUNICIPALITIES as DEMO_MUNICIPALITIES
    from tender.demo.extract import demo_extract

    with postgres_cluster() as cluster, Processes(tmp_path / "logs", env={}) as procs:
        database_url = cluster.create_database("tender")
        procs.env = deployment_env(tmp_path, database_url, start_redis(procs))

        # docs/deploy.md, "First start": migrate, the first administrator, the tender's data
        procs.run_tender("db", "upgrade", env=instance(tmp_path, "setup"))
        setup = {"TENDER_INSTANCE_PATH": str(tmp_path / "setup")}
        procs.run_tender(
            "user", "create", "it@grenland.no", "Driftsansvarlig", "--admin",
            "--password", "drift-2026-hemmelig", env=setup,
        )  # fmt: skip
        # docs/deploy.md, "Kommuneregisteret": the register filled from a CSV file before the first tender
        register = tmp_path / "kommuner.csv"
        register.write_text(
            "kommunenummer;navn;innbyggere\n"
            + "".join(f"{number};{name};{people}\n" for name, number, people in DEMO_MUNICIPALITIES),
            encoding="utf-8",
        )
        imported = procs.run_tender("municipality", "import", str(register), env=setup)
        assert f"Lagt til: {len(DEMO_MUNICIPALITIES)}, oppdatert: 0" in imported.stdout, imported.stdout
        procs.run_tender("demo", "--stage", "published", env=setup)  # its tender takes them from the register
        procs.run_tender(
            "vendor", "add-user", "1", VENDOR_ORGNR, VENDOR_EMAIL, "--name", "Drift Testesen",
            "--password", VENDOR_PASSWORD, env=setup,
        )  # fmt: skip

        # docs/deploy.md, "The processes": two app processes, one worker
        ports = free_port(), free_port()
        apps = [
            procs.tender(
                f"app{i}",
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--workers",
                "1",
                "--threads",
                "4",
                "--queue-workers",
                "0",
                env=instance(tmp_path, f"app{i}"),
            )  # fmt: skip
            for i, port in enumerate(ports)
        ]
        worker = procs.tender("worker", "worker", "--workers", "1", env=instance(tmp_path, "worker"))
        one, other = (f"http://127.0.0.1:{port}" for port in ports)
        for app, base in zip(apps, (one, other), strict=True):
            wait_for_http(base, app)
            health = WebClient(base).get("/helse")  # what the proxy's health check asks
            assert (health.status, health.text) == (200, "OK\n")

        vendor = WebClient(one)
        vendor.login(VENDOR_EMAIL, VENDOR_PASSWORD)
        page = "/konkurranser/1/noark/mine-prover"
        # the same cookie through the other process: still logged in, as the same person
        through_other = vendor.get(page, base=other)
        assert through_other.status == 200 and "Drift Testesen" in through_other.text

        data = demo_extract(system="Saksflyt", creator=(VENDOR_ORGNR, "Testarkiv"), seed="skalering")
        token = vendor.csrf(page, base=other)  # the form's token from one process, posted to the other
        uploaded = vendor.post_file(page, {"csrf_token": token}, "file", "prove.zip", data, base=one)
        assert uploaded.status == 302, uploaded.text[:3000]

        def finished(base: str) -> dict | None:
            answer = vendor.get(f"{page.rsplit('/', 1)[0]}/prover/status.json", base=base)
            assert answer.status == 200, answer.text[:2000]
            found = json.loads(answer.text)
            rows = found["samples"] if isinstance(found, dict) else found
            done = [s for s in rows if s.get("finished")]
            return done[0] if done else None

        result = wait_until(lambda: finished(other), timeout=180, what="the worker to validate the sample")
        assert result["verdict"] == "valid", result
        assert finished(one) == result  # the same result through both processes

        # the file and its report are in the shared storage, by relative keys; the apps' own folders hold none
        storage = Path(procs.env["TENDER_STORAGE_PATH"])
        sample_id = result["id"]
        stored = storage / "noark" / str(sample_id) / "extract.zip"
        assert hashlib.sha256(stored.read_bytes()).hexdigest() == hashlib.sha256(data).hexdigest()
        report = vendor.get(f"/konkurranser/1/noark/prover/{sample_id}/rapport.json", base=one)
        assert report.status == 200 and json.loads(report.body) == json.loads(
            (storage / "noark" / str(sample_id) / "report.json").read_bytes()
        )
        for name in ("app0", "app1"):
            assert not (tmp_path / name / "uploads").exists()
        assert "Køarbeideren kjører" in worker.log()
        assert all(app.alive() for app in apps) and worker.alive()
