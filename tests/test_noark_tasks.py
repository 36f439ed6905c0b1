"""The Noark validation queue for real: Huey on SQLite with a consumer in threads, against its own database
(the consumer's threads commit, so the rolled-back ``db`` fixture cannot be used here)."""

from __future__ import annotations

import io
import json
import shutil
import time
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, update

from tests.conftest import SHARED, dispose, make_app, migrate
from tests.noark_generator import generate_extract

#: the official schemas, copied into each generated extract (read here, never kept in the project)
XSD = SHARED / "noark5" / "xsd"


def zipped_extract(folder: Path, **kw: Any) -> Path:
    """A small synthetic v5.0 extract (with journals, so it is valid unless errors are planted), zipped."""
    root = folder / "uttrekk"
    generate_extract(
        root,
        n_mapper=kw.pop("n_mapper", 3),
        registreringer_per_mappe=2,
        journaler=True,
        schema_dir=XSD / "v5.0",
        addml_xsd=XSD / "addml" / "addml_v8.3.xsd",
        **kw,
    )
    target = folder / "uttrekk.zip"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(root.rglob("*")):
            if path.is_file():
                zf.write(path, path.relative_to(root).as_posix())
    shutil.rmtree(root)
    return target


@dataclass
class QueueWorld:
    url: str
    instance: Path
    app: Any
    tender_id: int
    vendor_id: int
    user_id: int

    def new_app(self) -> Any:
        """Another app on the same database and instance folder: what a restarted server builds."""
        return make_app(self.url, self.instance)


@pytest.fixture(scope="module")
def queue_world(
    app: Any, database_factory: Callable[[str], str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[QueueWorld]:
    # ``app`` is requested so the PostgreSQL run keeps these tests; they use their own database and app.
    from tender.auth import operations as auth_ops
    from tender.db_types import utcnow
    from tender.extensions import db
    from tender.requirements import operations as spec_ops
    from tender.tenders import operations as tender_ops
    from tender.tenders.models import Procedure
    from tender.vendors import operations as vendor_ops
    from tests.test_noark_web import minimal_spec

    url = database_factory("noark_queue")
    instance = tmp_path_factory.mktemp("noark-queue-instance")
    application = make_app(url, instance)
    migrate(application)
    with application.app_context():
        lead = auth_ops.create_user("leder@example.no", "Lena Leder", password="x" * 12)
        seller = auth_ops.create_user("selger@example.no", "Selma Selger", password="x" * 12)
        # samples are part of a bid: the tender is published and its bid deadline is far ahead
        tender = tender_ops.create_tender(
            title="Kø-test",
            case_reference="2026/9",
            lead=lead,
            procedure=Procedure.COMPETITIVE_NEGOTIATION,
            bid_deadline=utcnow() + timedelta(days=365),
        )
        spec_ops.replace_draft(tender, minimal_spec(), actor=lead, origin="test")
        spec_ops.publish(tender, spec_ops.freeze_version(tender, actor=lead), actor=lead)
        vendor = tender_ops.register_vendor(
            tender, name="Leverandør AS", organisasjonsnummer="974760673", actor=lead
        )
        vendor_ops.add_vendor_user_by_operator(tender, vendor, seller)
        db.session.commit()
        world = QueueWorld(url, instance, application, tender.id, vendor.id, seller.id)
    try:
        yield world
    finally:
        dispose(application)


def upload(world: QueueWorld, app: Any, path: Path, *, enqueue: bool = True) -> int:
    """Store a sample as the upload view does (commit, then enqueue); its id."""
    from tender.auth.models import User
    from tender.extensions import db
    from tender.noark import operations as ops
    from tender.noark.tasks import enqueue_validation
    from tender.tenders.models import Tender, Vendor

    with app.app_context():
        tender = db.session.get(Tender, world.tender_id)
        with path.open("rb") as stream:
            sample = ops.store_upload(
                tender,
                db.session.get(Vendor, world.vendor_id),
                stream,
                path.name,
                max_bytes=10**9,
                actor=db.session.get(User, world.user_id),
            )
        db.session.commit()
        if enqueue:
            enqueue_validation(sample.id)
        return sample.id


def sample_row(app: Any, sample_id: int) -> Any:
    from tender.extensions import db
    from tender.noark.models import ExtractSample

    with app.app_context():
        sample = db.session.get(ExtractSample, sample_id)
        db.session.expunge(sample)
        return sample


def wait_until_finished(app: Any, sample_id: int, timeout: float = 60) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        sample = sample_row(app, sample_id)
        if sample.is_finished:
            return sample
        time.sleep(0.1)
    raise AssertionError(f"sample {sample_id} not finished after {timeout} s: {sample.status}")


@pytest.fixture
def consumer_on(queue_world: QueueWorld) -> Iterator[Callable[[Any], Any]]:
    from tender.noark.tasks import start_consumer

    started: list[Any] = []
    apps: list[Any] = []

    def start(app: Any) -> Any:
        """Start a consumer for ``app`` (stopped after the test; an app other than the world's own is
        disposed of then too)."""
        consumer = start_consumer(app, workers=1)
        started.append(consumer)
        if app is not queue_world.app and app not in apps:
            apps.append(app)
        return consumer

    try:
        yield start
    finally:
        for consumer in started:
            consumer.stop(graceful=True)
        for app in apps:
            dispose(app)


def test_a_queued_sample_is_validated_by_the_consumer_and_its_report_stored(
    queue_world, consumer_on, tmp_path
) -> None:
    from tender.noark import operations as ops
    from tender.noark.models import SampleStatus, Verdict

    sample_id = upload(queue_world, queue_world.app, zipped_extract(tmp_path))
    consumer_on(queue_world.app)
    sample = wait_until_finished(queue_world.app, sample_id)
    assert sample.status is SampleStatus.DONE and sample.verdict is Verdict.VALID
    assert sample.progress_percent == 100 and sample.error_count == 0 and sample.attempts == 1
    with queue_world.app.app_context():
        report = ops.read_report(sample)
    assert report is not None and report["verdict"]["valid"] is True
    assert {c["id"] for c in sample.summary} >= {"N5V-STRUCT-01", "N5V-STAT-01"}


def test_queued_work_survives_a_restart_of_the_server(queue_world, consumer_on, tmp_path) -> None:
    from tender.noark.models import SampleStatus, Verdict
    from tender.noark.tasks import pending_sample_ids

    first = consumer_on(queue_world.app)
    first.stop(graceful=True)  # the server goes down before the work is picked up
    sample_id = upload(queue_world, queue_world.app, zipped_extract(tmp_path, errors={"wrong_count"}))
    time.sleep(0.5)
    assert sample_row(queue_world.app, sample_id).status is SampleStatus.QUEUED
    restarted = queue_world.new_app()  # a new process: a new app, a new Huey on the same queue file
    assert sample_id in pending_sample_ids(restarted)
    consumer_on(restarted)
    sample = wait_until_finished(restarted, sample_id)
    assert (
        sample.status is SampleStatus.DONE and sample.verdict is Verdict.INVALID and sample.error_count >= 1
    )


def test_a_sample_left_running_by_a_crashed_worker_is_queued_again_and_finished(
    queue_world, consumer_on, tmp_path
) -> None:
    from tender.db_types import utcnow
    from tender.extensions import db
    from tender.noark.models import ExtractSample, SampleStatus

    sample_id = upload(queue_world, queue_world.app, zipped_extract(tmp_path), enqueue=False)
    with queue_world.app.app_context():  # a worker took it and died: no queue entry, an old heartbeat
        db.session.execute(
            update(ExtractSample)
            .where(ExtractSample.id == sample_id)
            .values(
                status=SampleStatus.RUNNING,
                attempts=1,
                progress_percent=40,
                heartbeat_at=utcnow() - timedelta(minutes=10),
            )
        )
        db.session.commit()
    consumer_on(queue_world.new_app())
    sample = wait_until_finished(queue_world.app, sample_id)
    assert sample.status is SampleStatus.DONE and sample.attempts == 2


def test_a_running_sample_with_a_fresh_heartbeat_is_left_to_its_worker(queue_world, tmp_path) -> None:
    from tender.db_types import utcnow
    from tender.extensions import db
    from tender.noark.models import ExtractSample, SampleStatus
    from tender.noark.tasks import recover

    sample_id = upload(queue_world, queue_world.app, zipped_extract(tmp_path), enqueue=False)
    with queue_world.app.app_context():
        db.session.execute(
            update(ExtractSample)
            .where(ExtractSample.id == sample_id)
            .values(status=SampleStatus.RUNNING, heartbeat_at=utcnow())
        )
        db.session.commit()
    try:
        assert sample_id not in recover(queue_world.app)
        assert sample_row(queue_world.app, sample_id).status is SampleStatus.RUNNING
    finally:
        with queue_world.app.app_context():  # leave nothing for the other tests' consumers
            db.session.execute(
                update(ExtractSample)
                .where(ExtractSample.id == sample_id)
                .values(status=SampleStatus.FAILED, problem="test")
            )
            db.session.commit()


def test_a_queued_sample_whose_queue_entry_was_lost_is_enqueued_again_on_start(
    queue_world, consumer_on, tmp_path
) -> None:
    from tender.noark.models import SampleStatus
    from tender.noark.tasks import huey_of, pending_sample_ids

    sample_id = upload(queue_world, queue_world.app, zipped_extract(tmp_path))
    huey_of(queue_world.app).flush()  # e.g. the queue file was deleted
    assert sample_id not in pending_sample_ids(queue_world.app)
    consumer_on(queue_world.app)
    assert wait_until_finished(queue_world.app, sample_id).status is SampleStatus.DONE


def test_a_sample_enqueued_twice_is_validated_once(queue_world, consumer_on, tmp_path) -> None:
    from tender.audit import AuditEvent
    from tender.extensions import db
    from tender.noark.tasks import enqueue_validation

    sample_id = upload(queue_world, queue_world.app, zipped_extract(tmp_path))
    enqueue_validation(sample_id, queue_world.app)
    consumer_on(queue_world.app)
    assert wait_until_finished(queue_world.app, sample_id).attempts == 1
    time.sleep(0.5)  # the second task has run (as a no-op) by now
    with queue_world.app.app_context():
        finished = db.session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(
                AuditEvent.event_type == "noark.validation_finished", AuditEvent.object_id == str(sample_id)
            )
        )
    assert finished == 1


def test_a_hostile_file_gets_a_finding_and_the_worker_keeps_working(
    queue_world, consumer_on, tmp_path
) -> None:
    from tender.noark.models import SampleStatus, Verdict

    bomb = tmp_path / "bombe.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("arkivstruktur.xml", b"\0" * (20 * 1024 * 1024))
    bomb_id = upload(queue_world, queue_world.app, bomb)
    good_id = upload(queue_world, queue_world.app, zipped_extract(tmp_path))
    consumer_on(queue_world.app)
    hostile = wait_until_finished(queue_world.app, bomb_id)
    assert hostile.status is SampleStatus.DONE and hostile.verdict is Verdict.UNREADABLE
    assert "komprimert" in hostile.problem or "pakker ut" in hostile.problem
    assert wait_until_finished(queue_world.app, good_id).verdict is Verdict.VALID


def test_the_progress_is_written_at_most_once_per_percent_and_half_second(queue_world, tmp_path) -> None:
    from tender.noark.operations import _ProgressWriter

    sample_id = upload(queue_world, queue_world.app, zipped_extract(tmp_path), enqueue=False)
    try:
        with queue_world.app.app_context():
            progress = _ProgressWriter(sample_id, total_bytes=1000)
            progress("arkivstruktur.xml", 100, 400)
            progress("arkivstruktur.xml", 300, 400)  # 30 %, but within half a second of the last write
            assert sample_row(queue_world.app, sample_id).progress_percent == 10
            time.sleep(0.55)
            progress("documents", 200, 600)  # 300 + 200 of 1000 bytes
            assert sample_row(queue_world.app, sample_id).progress_percent == 50
            time.sleep(0.55)
            progress("documents", 600, 600)
            assert sample_row(queue_world.app, sample_id).progress_percent == 90
            time.sleep(0.55)
            progress("arkivstruktur.xml", 400, 400)  # everything read: still 99 until the result is stored
            assert sample_row(queue_world.app, sample_id).progress_percent == 99
    finally:
        from tender.extensions import db
        from tender.noark.models import ExtractSample, SampleStatus

        with queue_world.app.app_context():
            db.session.execute(
                update(ExtractSample)
                .where(ExtractSample.id == sample_id)
                .values(status=SampleStatus.FAILED, problem="test")
            )
            db.session.commit()


def test_redis_configured_without_the_redis_package_gives_a_clear_error(tmp_path, monkeypatch) -> None:
    import sys

    from tender.noark.tasks import QueueConfigurationError, build_huey

    monkeypatch.setitem(sys.modules, "redis", None)  # as on a machine without the package (import fails)
    app = make_app("sqlite://", tmp_path, REDIS_URL="redis://127.0.0.1:6379/0")
    with pytest.raises(QueueConfigurationError, match="redis"):
        build_huey(app)


def test_the_worker_command_is_registered(app) -> None:
    result = app.test_cli_runner().invoke(args=["worker", "--help"])
    assert result.exit_code == 0 and "Noark" in result.output


def test_a_vendor_uploads_through_the_browser_and_watches_the_progress_until_the_report(
    queue_world, consumer_on, tmp_path
) -> None:
    from tests.conftest import FormClient

    consumer_on(queue_world.app)
    client = queue_world.app.test_client()
    forms = FormClient(client)
    assert (
        forms.post(
            "/logg-inn", {"email": "selger@example.no", "password": "x" * 12}, page="/logg-inn"
        ).status_code
        == 302
    )
    base = f"/konkurranser/{queue_world.tender_id}/noark"
    before = {s["id"] for s in client.get(base + "/prover/status.json").get_json()}
    data = zipped_extract(tmp_path).read_bytes()
    response = client.post(
        base + "/mine-prover",
        content_type="multipart/form-data",
        data={
            "csrf_token": forms.token(base + "/mine-prover"),
            "file": (io.BytesIO(data), "vårt uttrekk.zip"),
        },
    )
    assert response.status_code == 302
    seen: list[dict[str, Any]] = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        [mine] = [s for s in client.get(base + "/prover/status.json").get_json() if s["id"] not in before]
        seen.append(mine)
        if mine["finished"]:
            break
        time.sleep(0.05)
    assert seen[-1]["status"] == "done" and seen[-1]["progress"] == 100 and seen[-1]["verdict"] == "valid"
    assert all(0 <= s["progress"] <= 100 for s in seen)
    html = client.get(f"{base}/prover/{seen[-1]['id']}").get_data(as_text=True)
    assert "vårt uttrekk.zip" in html and "Gyldig:" in html


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real Redis server on a free loopback port, for this module only (`make test` installs Debian's
    redis-server)."""
    import subprocess

    import redis

    from tests.pg_cluster import _free_port

    server = shutil.which("redis-server")
    assert server, "redis-server is missing: `make test` installs Debian's redis-server package"
    port = _free_port()
    folder = tmp_path_factory.mktemp("redis")
    proc = subprocess.Popen(
        [
            server,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(folder),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    url = f"redis://127.0.0.1:{port}/0"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                redis.Redis.from_url(url).ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise
                time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_the_queue_runs_on_a_real_redis_server_and_a_restarted_worker_finds_the_work(
    queue_world, consumer_on, redis_url, tmp_path
) -> None:
    import redis

    from tender.noark.models import SampleStatus, Verdict
    from tender.noark.tasks import huey_of, pending_sample_ids

    web = make_app(queue_world.url, queue_world.instance, REDIS_URL=redis_url)
    try:
        assert type(huey_of(web)).__name__ == "RedisHuey"
        sample_id = upload(queue_world, web, zipped_extract(tmp_path, errors={"wrong_count"}))
        assert sample_id in pending_sample_ids(web)
        assert redis.Redis.from_url(redis_url).dbsize() >= 1  # the entry waits in the server, not in a file
        worker = make_app(queue_world.url, queue_world.instance, REDIS_URL=redis_url)  # another process's app
        assert sample_id in pending_sample_ids(worker)
        consumer_on(worker)
        sample = wait_until_finished(web, sample_id)
        assert (
            sample.status is SampleStatus.DONE
            and sample.verdict is Verdict.INVALID
            and sample.error_count >= 1
        )
        assert pending_sample_ids(web) == set()
    finally:
        dispose(web)


def test_the_tender_worker_command_validates_queued_samples_in_its_own_process(queue_world, tmp_path) -> None:
    import os
    import signal
    import subprocess
    import sys

    from tender.noark.models import SampleStatus, Verdict

    sample_id = upload(queue_world, queue_world.app, zipped_extract(tmp_path))
    env = {
        **os.environ,
        "TENDER_DATABASE_URL": queue_world.url,
        "TENDER_INSTANCE_PATH": str(queue_world.instance),
        "TENDER_SECRET_KEY": "test-only-secret",
    }
    env.pop("TENDER_REDIS_URL", None)
    command = [str(Path(sys.executable).with_name("tender")), "worker", "--workers", "1"]
    proc = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        sample = wait_until_finished(queue_world.app, sample_id, timeout=120)
    finally:
        proc.send_signal(signal.SIGINT)  # Ctrl+C: finish running work, then stop
        output, _ = proc.communicate(timeout=60)
    assert sample.status is SampleStatus.DONE and sample.verdict is Verdict.VALID, output
    assert "Køarbeideren kjører (1 tråder)" in output
    assert proc.returncode == 0, output


def test_a_sample_whose_worker_stopped_under_it_three_times_is_marked_failed_with_a_norwegian_message(
    queue_world, tmp_path
) -> None:
    from tender.audit import AuditEvent
    from tender.db_types import utcnow
    from tender.extensions import db
    from tender.noark import operations as ops
    from tender.noark.models import ExtractSample, SampleStatus
    from tender.noark.tasks import pending_sample_ids, recover

    sample_id = upload(queue_world, queue_world.app, zipped_extract(tmp_path), enqueue=False)
    with queue_world.app.app_context():  # the third worker to start on it died too
        db.session.execute(
            update(ExtractSample)
            .where(ExtractSample.id == sample_id)
            .values(
                status=SampleStatus.RUNNING,
                attempts=ops.CRASHED_ATTEMPTS,
                progress_percent=40,
                heartbeat_at=utcnow() - timedelta(minutes=10),
            )
        )
        db.session.commit()
    assert sample_id not in recover(queue_world.app)
    assert sample_id not in recover(queue_world.app)  # a second recovery records nothing more
    sample = sample_row(queue_world.app, sample_id)
    assert sample.status is SampleStatus.FAILED and sample.finished_at is not None
    assert (
        sample.problem.startswith("Kontrollen ble avbrutt 3 ganger") and "prosjektlederen" in sample.problem
    )
    with queue_world.app.app_context():
        assert sample_id not in pending_sample_ids(queue_world.app)
        events = db.session.scalars(
            select(AuditEvent).where(
                AuditEvent.event_type == "noark.validation_finished", AuditEvent.object_id == str(sample_id)
            )
        ).all()
        assert [json.loads(e.payload_json)["error"] for e in events] == ["worker_stopped"]
