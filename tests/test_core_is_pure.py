"""``tender.core`` imports neither Flask nor SQLAlchemy nor any other part of ``tender``."""

from __future__ import annotations

import ast
from pathlib import Path

CORE = Path(__file__).resolve().parent.parent / "tender" / "core"
FORBIDDEN = ("flask", "flask_sqlalchemy", "flask_login", "flask_wtf", "sqlalchemy", "werkzeug", "wtforms")


def _imports(path: Path) -> list[str]:
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.append(node.module)
    return names


def test_the_core_imports_no_web_or_database_library_and_no_other_part_of_tender() -> None:
    files = sorted(CORE.rglob("*.py"))
    assert files
    offenders = []
    for path in files:
        for name in _imports(path):
            top = name.split(".")[0]
            if top in FORBIDDEN or (top == "tender" and not name.startswith("tender.core")):
                offenders.append(f"{path.relative_to(CORE)}: {name}")
    assert offenders == []


def test_the_core_type_checks_under_mypy_strict() -> None:
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--follow-imports=silent", "--no-incremental", str(CORE)],
        capture_output=True,
        text=True,
        cwd=CORE.parent.parent,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-3000:]
