"""Uploaded files live behind one storage interface (``tender.storage``): a folder named by relative keys,
configurable so that several app processes and workers can share it, and movable because no row holds an
absolute path."""

from __future__ import annotations

import hashlib
import io
import shutil
from pathlib import Path

import pytest
from sqlalchemy import text

from tender.storage import BadKey, FolderStorage, TooLarge, storage_of


def test_a_file_is_kept_whole_under_its_key_with_its_size_and_hash(tmp_path) -> None:
    files = FolderStorage(tmp_path / "lager")
    data = b"noark " * 300_000  # more than one chunk
    stored = files.put("noark/7/extract.zip", io.BytesIO(data))
    assert (stored.key, stored.size, stored.sha256) == (
        "noark/7/extract.zip",
        len(data),
        hashlib.sha256(data).hexdigest(),
    )
    assert (
        files.read_bytes("noark/7/extract.zip") == data
        and files.sha256("noark/7/extract.zip") == stored.sha256
    )
    assert list(files.keys()) == ["noark/7/extract.zip"]  # no temporary file left beside it
    files.move("noark/7/extract.zip", "noark/8/extract.zip")
    assert list(files.keys("noark")) == ["noark/8/extract.zip"] and not files.exists("noark/7/extract.zip")
    files.delete_prefix("noark/8")
    assert list(files.keys()) == []


def test_a_file_over_the_limit_is_refused_and_nothing_of_it_is_kept(tmp_path) -> None:
    files = FolderStorage(tmp_path)
    files.put("a/b", io.BytesIO(b"old"))
    with pytest.raises(TooLarge):
        files.put("a/b", io.BytesIO(b"x" * 5000), max_bytes=4999)
    assert files.read_bytes("a/b") == b"old"  # the file already there is untouched
    assert [p.name for p in (tmp_path / "a").iterdir()] == ["b"]


@pytest.mark.parametrize(
    "key",
    [
        "",
        "/etc/passwd",
        "../utenfor",
        "noark/../../x",
        "noark//x",
        "noark/./x",
        ".skjult",
        "a\\b",
        "a/b/",
        "ø",
    ],
)
def test_keys_that_are_absolute_climb_out_or_are_odd_are_refused(tmp_path, key) -> None:
    files = FolderStorage(tmp_path / "lager")
    with pytest.raises(BadKey):
        files.put(key, io.BytesIO(b"x"))
    with pytest.raises(BadKey):
        files.local_path(key)
    assert not (tmp_path / "utenfor").exists() and not (tmp_path / "x").exists()


def test_a_symlink_inside_the_folder_cannot_lead_out_of_it(tmp_path) -> None:
    root = tmp_path / "lager"
    root.mkdir()
    (tmp_path / "annet").mkdir()
    (root / "lenke").symlink_to(tmp_path / "annet")
    with pytest.raises(BadKey):
        FolderStorage(root).put("lenke/fil", io.BytesIO(b"x"))
    assert list((tmp_path / "annet").iterdir()) == []


def test_the_folder_is_the_instance_folders_uploads_unless_tender_storage_path_says_otherwise(
    tmp_path, monkeypatch
) -> None:
    from tender import create_app

    monkeypatch.setenv("TENDER_INSTANCE_PATH", str(tmp_path / "instans"))
    monkeypatch.setenv("TENDER_SECRET_KEY", "test-only-secret")
    monkeypatch.delenv("TENDER_STORAGE_PATH", raising=False)
    assert storage_of(create_app()).root == tmp_path / "instans" / "uploads"
    monkeypatch.setenv("TENDER_STORAGE_PATH", str(tmp_path / "delt"))
    assert storage_of(create_app()).root == tmp_path / "delt"


def test_staged_import_files_are_kept_in_the_storage_where_any_app_process_finds_them(app, tmp_path) -> None:
    from tender.web import uploads

    with app.test_request_context():
        token = uploads.stash(b"kravspesifikasjon")
        assert storage_of().exists(f"staged/{token}")
        assert uploads.unstash(token) == b"kravspesifikasjon"
        assert uploads.unstash("../" + token) is None


def test_the_migration_makes_stored_paths_keys_relative_to_the_storage_folder_and_back(
    app, database_factory, tmp_path
) -> None:
    # ``app`` is requested so that the PostgreSQL run keeps this test; it migrates its own database.
    from flask_migrate import downgrade, upgrade

    from tender.extensions import db
    from tender.noark import operations as ops
    from tender.noark.models import ExtractSample
    from tests.conftest import dispose, make_app

    instance = tmp_path / "instans"
    app = make_app(database_factory("tender_storage_migration"), instance)
    data = b"PK\x03\x04 et uttrekk"
    (instance / "uploads" / "noark" / "1").mkdir(parents=True)
    (instance / "uploads" / "noark" / "1" / "extract.zip").write_bytes(data)
    try:
        with app.app_context():
            upgrade(revision="b7d2e4f19a60")
            with db.engine.begin() as c:
                now = "2026-11-01 10:00:00+00:00"
                c.execute(
                    text(
                        "INSERT INTO tender (id, title, case_reference, procedure, created_at, "
                        "announcement_token) VALUES (1, 'T', '1', 'open', :t, 'tok')"
                    ),
                    {"t": now},
                )
                c.execute(
                    text("INSERT INTO vendor (id, name, organisasjonsnummer) VALUES (1, 'V AS', '974760673')")
                )
                c.execute(
                    text(
                        "INSERT INTO noark_sample (id, tender_id, vendor_id, submitted_with_bid, "
                        "original_filename, size_bytes, sha256, stored_path, status, progress_percent, "
                        "error_count, warning_count, summary_json, problem, uploaded_at, attempts) VALUES "
                        "(1, 1, 1, false, 'u.zip', :size, :sha, 'uploads/noark/1/extract.zip', 'queued', 0, "
                        "0, 0, '[]', '', :t, 0), "
                        "(2, 1, 1, false, 'v.zip', 1, :sha, '', 'queued', 0, 0, 0, '[]', '', :t, 0)"
                    ),
                    {"t": now, "size": len(data), "sha": hashlib.sha256(data).hexdigest()},
                )
            upgrade()
            with db.engine.connect() as c:
                keys = c.execute(text("SELECT storage_key FROM noark_sample ORDER BY id")).scalars().all()
            assert keys == ["noark/1/extract.zip", ""]
            sample = db.session.get(ExtractSample, 1)
            assert ops.extract_path(sample).read_bytes() == data
            assert storage_of().sha256(sample.storage_key) == sample.sha256
            db.session.rollback()

            # the storage folder moves (a shared volume): the rows need no change
            shared = tmp_path / "delt"
            shutil.copytree(instance / "uploads", shared)
            app.config["STORAGE_PATH"] = str(shared)
            app.extensions.pop("tender_storage")
            assert (
                ops.extract_path(db.session.get(ExtractSample, 1)) == shared / "noark" / "1" / "extract.zip"
            )
            assert storage_of().sha256("noark/1/extract.zip") == hashlib.sha256(data).hexdigest()
            db.session.rollback()

            downgrade(revision="b7d2e4f19a60")
            with db.engine.connect() as c:
                paths = c.execute(text("SELECT stored_path FROM noark_sample ORDER BY id")).scalars().all()
            assert paths == ["uploads/noark/1/extract.zip", ""]
            assert Path(instance, paths[0]).read_bytes() == data
    finally:
        dispose(app)
