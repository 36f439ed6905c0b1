"""``tender backup`` / ``tender restore``: a backup made while a live server takes writes restores into a
fresh database and instance folder with the audit chain intact, every table's rows and every stored file's
hash; what is written after the snapshot is not in it; a damaged archive is refused in Norwegian before
anything is written. On the PostgreSQL run the archive also goes PostgreSQL → SQLite → PostgreSQL.

One demo tender at the ``bids`` stage (bids with Noark 5 samples, validated) is built once for the module.
"""

from __future__ import annotations

import hashlib
import http.cookiejar
import io
import json
import re
import tarfile
import threading
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, func, inspect, select, text

from tests.conftest import BACKEND, LiveServer, dispose, make_app, migrate

pytestmark = pytest.mark.slow

DEMO_LEAD = "anne.lie@grenland-innkjop.no"
DEMO_PASSWORD = "grenland-demo-2026"


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class Visitor:
    """A person logging in and out through the live server over HTTP, as a browser posts the forms."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def _token(self, path: str) -> str:
        html = self.opener.open(self.url + path, timeout=30).read().decode("utf-8")
        match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
        assert match, html[:500]
        return match.group(1)

    def _post(self, path: str, data: dict[str, str]) -> str:
        body = urllib.parse.urlencode(data).encode()
        return self.opener.open(self.url + path, data=body, timeout=30).read().decode("utf-8")

    def log_in_and_out(self) -> None:
        page = self._post(
            "/logg-inn",
            {"csrf_token": self._token("/logg-inn"), "email": DEMO_LEAD, "password": DEMO_PASSWORD},
        )
        assert "Mine konkurranser" in page, page[:500]
        self._post("/logg-ut", {"csrf_token": self._token("/")})


def _audit_events(url: str) -> list[tuple[int, str]]:
    engine = create_engine(url)
    try:
        with engine.connect() as c:
            return [tuple(r) for r in c.execute(text("SELECT seq, hash FROM audit_event ORDER BY seq"))]
    finally:
        engine.dispose()


def _row_counts(app: Any) -> dict[str, int]:
    from tender.extensions import db

    with app.app_context(), db.engine.connect() as c:
        return {
            t.name: int(c.execute(select(func.count()).select_from(t)).scalar_one())
            for t in db.metadata.sorted_tables
        }


def _restored_files_match(app: Any, instance: Path) -> int:
    """Every Noark sample's upload in ``instance``'s storage folder (``uploads``, the default) has the
    SHA-256 its row says; returns how many."""
    from tender.extensions import db
    from tender.noark.models import ExtractSample

    with app.app_context():
        samples = list(db.session.scalars(select(ExtractSample)))
        for sample in samples:
            assert _sha256(instance / "uploads" / sample.storage_key) == sample.sha256, sample.storage_key
        db.session.remove()
    return len(samples)


@pytest.fixture(scope="module")
def source(
    app: Any, database_factory: Callable[[str], str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Any]:
    """A database with the demo at ``bids`` (Noark samples validated) and a live server on it. (``app``, the
    suite's own database, is not used: asking for it keeps these tests in the PostgreSQL run, which leaves
    out the tests that need no database.)"""
    from tender.demo.stages import build_stage

    url = database_factory("backup_source")
    instance = tmp_path_factory.mktemp("backup-source")
    app = make_app(url, instance)
    migrate(app)
    with app.app_context():
        build_stage("bids")
    server = LiveServer(app).start()
    try:
        yield app, url, instance, server
    finally:
        server.stop()
        dispose(app)


@pytest.fixture(scope="module")
def archive(source: Any, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A backup made while a visitor logs in and out through the live server the whole time; at the moment
    the snapshot is fixed, one more login and one more stored sample are committed (by other threads)."""
    from tender.backup import backup
    from tender.bids.models import Bid
    from tender.extensions import db
    from tender.noark import operations as noark_ops
    from tender.tenders.models import Tender, Vendor

    app, url, instance, server = source
    stop = threading.Event()
    logins: list[int] = []
    errors: list[BaseException] = []

    def keep_writing() -> None:
        visitor = Visitor(server.url)
        while not stop.is_set():
            try:
                visitor.log_in_and_out()
                logins.append(1)
            except BaseException as exc:  # reported by the test, not lost in the thread
                errors.append(exc)
                return

    late: dict[str, Any] = {}

    def write_after_snapshot() -> None:
        Visitor(server.url).log_in_and_out()
        with app.app_context():
            bid = db.session.scalars(select(Bid).order_by(Bid.id)).first()
            tender = db.session.get(Tender, bid.tender_id)
            vendor = db.session.get(Vendor, bid.vendor_id)
            sample = noark_ops._store(
                tender,
                vendor,
                io.BytesIO(b"<arkiv>lagt til etter snapshot</arkiv>"),
                "etterpaa.xml",
                max_bytes=10_000,
                actor=None,
                at=bid.updated_at,
                bid=bid,
            )
            db.session.commit()
            late["sample_id"] = sample.id
            late["path"] = sample.storage_key
            db.session.remove()
        late["events"] = _audit_events(url)

    def on_snapshot() -> None:
        # another thread, as another process would: the backup's own thread holds the snapshot
        worker = threading.Thread(target=write_after_snapshot)
        worker.start()
        worker.join(timeout=120)
        assert "events" in late, "the write after the snapshot did not finish"

    writer = threading.Thread(target=keep_writing, daemon=True)
    writer.start()
    while not logins and not errors:
        stop.wait(0.05)
    before = len(logins)
    path = tmp_path_factory.mktemp("backup-archive") / "tender.tar.gz"
    with app.app_context():
        result = backup(path, on_snapshot=on_snapshot)
        db.session.remove()
    during = len(logins)
    stop.set()
    writer.join(timeout=60)
    assert not errors, errors
    assert before >= 1 and during >= before and late
    return {"path": path, "manifest": result.manifest, "sha256": result.sha256, "late": late}


def _fresh(
    database_factory: Callable[[str], str], tmp_path_factory: pytest.TempPathFactory, name: str
) -> tuple[Any, str, Path]:
    url = database_factory(name)
    instance = tmp_path_factory.mktemp(name)
    return make_app(url, instance), url, instance


def test_a_backup_made_while_the_server_writes_restores_with_its_chain_rows_and_files(
    archive: dict[str, Any], database_factory: Callable[[str], str], tmp_path_factory: pytest.TempPathFactory
) -> None:
    manifest = archive["manifest"]
    late = archive["late"]
    assert manifest["format"] == "tender-backup" and manifest["format_version"] == 1
    assert manifest["database"]["kind"] == ("postgresql" if BACKEND == "postgresql" else "sqlite")
    rows = {t["table"]: t["rows"] for t in manifest["tables"]}
    assert rows["bid"] >= 4 and rows["noark_sample"] >= 4 and rows["audit_event"] > 100
    # the sample stored after the snapshot is in neither the rows nor the files
    assert late["path"] not in {f["path"] for f in manifest["files"]}
    assert {f["path"] for f in manifest["files"]} >= {f"noark/{n}/extract.zip" for n in range(1, 5)}

    app, url, instance = _fresh(database_factory, tmp_path_factory, "backup_restored")
    try:
        result = app.test_cli_runner().invoke(args=["restore", str(archive["path"])])
        assert result.exit_code == 0, result.output
        assert "Revisjonssporet er intakt" in result.output
        assert "alle filer stemmer med SHA-256-summene" in result.output
        assert "Traceback" not in result.output

        # every table has the rows the manifest counted; the audit chain is the source's up to the snapshot:
        # the login committed after it is not there
        assert _row_counts(app) == rows
        restored = _audit_events(url)
        assert len(restored) == rows["audit_event"]
        assert restored == late["events"][: len(restored)]
        assert len(late["events"]) > len(restored)
        with app.app_context():
            from tender.extensions import db
            from tender.noark.models import ExtractSample

            assert db.session.get(ExtractSample, late["sample_id"]) is None
            db.session.remove()
        assert not (instance / "uploads" / late["path"]).exists()
        # every stored file is back with the hash the archive and the database give it
        for entry in manifest["files"]:
            assert _sha256(instance / "uploads" / entry["path"]) == entry["sha256"]
        assert _restored_files_match(app, instance) == rows["noark_sample"]

        # the restored tender works: a login writes new rows (PostgreSQL's sequences continue after the
        # restored ids) and the chain stays intact
        client = app.test_client()
        login = client.get("/logg-inn").get_data(as_text=True)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', login)
        assert token
        response = client.post(
            "/logg-inn", data={"csrf_token": token.group(1), "email": DEMO_LEAD, "password": DEMO_PASSWORD}
        )
        assert response.status_code == 302, response.get_data(as_text=True)
        verify = app.test_cli_runner().invoke(args=["audit", "verify"])
        assert verify.exit_code == 0 and "intakt" in verify.output, verify.output

        # a second restore into what is no longer empty is refused, and --force replaces it
        again = app.test_cli_runner().invoke(args=["restore", str(archive["path"])])
        assert again.exit_code == 1
        assert "Databasen er ikke tom" in again.output and "--force" in again.output
        assert len(_audit_events(url)) > rows["audit_event"]
        forced = app.test_cli_runner().invoke(args=["restore", "--force", str(archive["path"])])
        assert forced.exit_code == 0, forced.output
        assert _audit_events(url) == restored

        # the command line's backup of the restored database: the same rows, readable only by its owner,
        # with the SHA-256 it prints
        again_path = instance.parent / "igjen.tar.gz"
        made = app.test_cli_runner().invoke(args=["backup", "-o", str(again_path)])
        assert made.exit_code == 0 and "Sikkerhetskopi skrevet til" in made.output, made.output
        assert f"SHA-256 for arkivet: {_sha256(again_path)}" in made.output
        assert again_path.stat().st_mode & 0o777 == 0o600
        with tarfile.open(again_path) as tar:
            member = tar.extractfile("manifest.json")
            assert member is not None
            again = json.loads(member.read())
        assert {t["table"]: t["rows"] for t in again["tables"]} == rows
        assert {f["path"]: f["sha256"] for f in again["files"]} == {
            f["path"]: f["sha256"] for f in manifest["files"]
        }
    finally:
        dispose(app)


def _repack(source: Path, target: Path, change: Callable[[str, bytes], bytes | None]) -> None:
    """Copy an archive member by member, letting ``change`` alter a member's bytes (None: leave it out)."""
    with tarfile.open(source, "r:gz") as old, tarfile.open(target, "w:gz") as new:
        for info in old:
            fh = old.extractfile(info)
            assert fh is not None
            data = change(info.name, fh.read())
            if data is None:
                continue
            info.size = len(data)
            new.addfile(info, io.BytesIO(data))


def _tamper_file(name: str, data: bytes) -> bytes | None:
    return data[:-1] + bytes([data[-1] ^ 1]) if name.endswith("/1/extract.zip") else data


def _tamper_rows(name: str, data: bytes) -> bytes | None:
    return data.replace(b"Saksflyt", b"Saksfl0t") if name == "database/vendor.jsonl" else data


def _drop_member(name: str, data: bytes) -> bytes | None:
    return None if name == "database/audit_event.jsonl" else data


def _future_format(name: str, data: bytes) -> bytes | None:
    if name != "manifest.json":
        return data
    manifest = json.loads(data)
    manifest["format_version"] = 99
    return json.dumps(manifest).encode()


@pytest.fixture(scope="module")
def untouched(
    database_factory: Callable[[str], str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Any, str, Path]]:
    """One fresh database and instance folder for every refused archive: each refusal must leave it as it
    was, so the next one finds it empty too."""
    app, url, instance = _fresh(database_factory, tmp_path_factory, "backup_refused")
    try:
        yield app, url, instance
    finally:
        dispose(app)


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (_tamper_file, "stemmer ikke med SHA-256-summen i manifestet"),
        (_tamper_rows, "stemmer ikke med SHA-256-summen i manifestet"),
        (_drop_member, "mangler «database/audit_event.jsonl»"),
        (_future_format, "formatversjon 99"),
        ("truncate", "skadet eller avkortet"),
        ("not-an-archive", "skadet eller avkortet"),
    ],
)
def test_a_damaged_archive_is_refused_in_norwegian_and_nothing_is_restored(
    archive: dict[str, Any], untouched: tuple[Any, str, Path], tmp_path: Path, change: Any, words: str
) -> None:
    bad = tmp_path / "skadet.tar.gz"
    if change == "truncate":
        data = archive["path"].read_bytes()
        bad.write_bytes(data[: len(data) * 2 // 3])
    elif change == "not-an-archive":
        bad.write_text("Dette er ikke en sikkerhetskopi.\n")
    else:
        _repack(archive["path"], bad, change)
    app, url, instance = untouched
    result = app.test_cli_runner().invoke(args=["restore", str(bad)])
    assert result.exit_code == 1, result.output
    assert words in result.output and "Ingenting er gjenopprettet" in result.output, result.output
    assert "Traceback" not in result.output
    # nothing written: the archive is checked before the database is touched (not even its schema is
    # made), no files, no staging folder left
    engine = create_engine(url)
    try:
        assert inspect(engine).get_table_names() == []
    finally:
        engine.dispose()
    assert not (instance / "uploads").exists()
    assert not [p for p in instance.iterdir() if p.name.startswith(".restore-")]


def test_a_forgery_that_rewrites_the_manifest_too_is_caught_by_the_audit_chain(
    archive: dict[str, Any],
    database_factory: Callable[[str], str],
    tmp_path_factory: pytest.TempPathFactory,
    tmp_path: Path,
) -> None:
    """The manifest's sums catch damage; someone who also rewrites them is caught by the audit chain, whose
    hashes cover every event's content (docs/backup.md, "What the hashes prove")."""
    forged_member: dict[str, bytes] = {}

    def forge_events(name: str, data: bytes) -> bytes | None:
        if name == "database/audit_event.jsonl":
            assert b"Saksflyt" in data
            forged_member[name] = data.replace(b"Saksflyt", b"Saksfl0t", 1)
            return forged_member[name]
        if name == "manifest.json":
            manifest = json.loads(data)
            for entry in manifest["tables"]:
                if entry["member"] in forged_member:
                    entry["sha256"] = hashlib.sha256(forged_member[entry["member"]]).hexdigest()
                    entry["size"] = len(forged_member[entry["member"]])
            return json.dumps(manifest).encode()
        return data

    forged = tmp_path / "forfalsket.tar.gz"
    _repack(archive["path"], forged, forge_events)  # the manifest is the last member: the events come first
    app, url, instance = _fresh(database_factory, tmp_path_factory, "backup_forged")
    try:
        result = app.test_cli_runner().invoke(args=["restore", str(forged)])
        assert result.exit_code == 1, result.output
        assert "Revisjonssporet er BRUTT" in result.output and "Traceback" not in result.output
    finally:
        dispose(app)


@pytest.mark.skipif(BACKEND != "postgresql", reason="the cross-engine round trip starts from PostgreSQL")
def test_a_postgresql_backup_restores_into_sqlite_and_back(
    archive: dict[str, Any], tmp_path: Path, database_factory: Callable[[str], str]
) -> None:
    rows = {t["table"]: t["rows"] for t in archive["manifest"]["tables"]}
    lite_instance = tmp_path / "sqlite-instance"
    lite = make_app(f"sqlite:///{tmp_path / 'restored.sqlite3'}", lite_instance)
    try:
        result = lite.test_cli_runner().invoke(args=["restore", str(archive["path"])])
        assert result.exit_code == 0 and "Revisjonssporet er intakt" in result.output, result.output
        assert _row_counts(lite) == rows
        assert _restored_files_match(lite, lite_instance) == rows["noark_sample"]
        second = tmp_path / "fra-sqlite.tar.gz"
        made = lite.test_cli_runner().invoke(args=["backup", "-o", str(second)])
        assert made.exit_code == 0 and "Sikkerhetskopi skrevet til" in made.output, made.output
    finally:
        dispose(lite)
    app = make_app(database_factory("backup_roundtrip"), tmp_path / "pg-instance")
    try:
        result = app.test_cli_runner().invoke(args=["restore", str(second)])
        assert result.exit_code == 0 and "Revisjonssporet er intakt" in result.output, result.output
        assert _row_counts(app) == rows
        assert _restored_files_match(app, tmp_path / "pg-instance") == rows["noark_sample"]
    finally:
        dispose(app)
