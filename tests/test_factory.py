"""The app factory, configuration and templates."""

from __future__ import annotations

import stat
from pathlib import Path

from jinja2 import Environment

from tender import TEMPLATE_FOLDER, create_app


def test_the_factory_points_template_folder_at_the_top_level_templates(tmp_path: Path) -> None:
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "INSTANCE_PATH": str(tmp_path)})
    assert Path(app.template_folder).resolve() == TEMPLATE_FOLDER.resolve()
    assert TEMPLATE_FOLDER == Path(__file__).resolve().parent.parent / "templates"


def test_every_template_compiles(app) -> None:
    env: Environment = app.jinja_env
    names = [n for n in env.list_templates() if n.endswith(".html")]
    assert len(names) >= 10
    for name in names:
        env.get_template(name)  # raises TemplateSyntaxError on a broken template


def test_the_factory_creates_no_database(tmp_path: Path) -> None:
    create_app({"TESTING": True, "SECRET_KEY": "x", "INSTANCE_PATH": str(tmp_path)})
    assert not (tmp_path / "tender.sqlite3").exists()


def test_a_secret_key_is_generated_into_the_instance_folder_once(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("TENDER_SECRET_KEY", raising=False)
    monkeypatch.setattr("flask.Flask.auto_find_instance_path", lambda self: str(tmp_path))
    first = create_app()
    second = create_app()
    key_file = tmp_path / "secret_key"
    assert key_file.exists()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"] == key_file.read_text().strip()
    assert len(first.config["SECRET_KEY"]) == 64


def test_environment_variables_override_the_instance_config(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "config.py").write_text("INVITATION_TTL_HOURS = 12\nDATABASE_URL = 'sqlite:////tmp/a.db'\n")
    monkeypatch.setattr("flask.Flask.auto_find_instance_path", lambda self: str(tmp_path))
    monkeypatch.setenv("TENDER_SECRET_KEY", "from-env")
    monkeypatch.setenv("TENDER_DATABASE_URL", "postgresql://u@localhost/tender")
    app = create_app()
    assert app.config["INVITATION_TTL_HOURS"] == 12
    assert app.config["SECRET_KEY"] == "from-env"
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@localhost/tender"


def test_the_default_database_is_sqlite_in_the_instance_folder(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("TENDER_DATABASE_URL", raising=False)
    monkeypatch.setattr("flask.Flask.auto_find_instance_path", lambda self: str(tmp_path))
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'tender.sqlite3'}"


def test_session_cookies_are_httponly_and_samesite(app) -> None:
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_sqlite_runs_in_wal_mode_with_foreign_keys(app, db) -> None:
    if db.engine.dialect.name != "sqlite":
        assert db.engine.dialect.driver == "psycopg"
        return
    from sqlalchemy import text

    assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1
