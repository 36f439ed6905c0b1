"""Views and CLI commands never end a transaction themselves: ``tender.web.transactions`` commits or rolls
back each request and each command once (parsed with ``ast``, like test_core_is_pure.py)."""

from __future__ import annotations

import ast
from pathlib import Path

TENDER = Path(__file__).resolve().parent.parent / "tender"
#: the CLI modules whose commands run in ``transactions.command_transaction``
COMMAND_MODULES = (
    "requirements/commands.py",
    "vendors/commands.py",
    "auth/commands.py",
    "demo/stages.py",
    "demo/__init__.py",
)


def _view_modules() -> list[Path]:
    """Every module that serves pages: a views.py, a *_views.py, or one that defines a Blueprint."""
    found = []
    for path in sorted(TENDER.rglob("*.py")):
        if "migrations" in path.parts or "core" in path.parts:
            continue
        serves = path.name == "views.py" or path.name.endswith("_views.py")
        if serves or "Blueprint(" in path.read_text("utf-8"):
            found.append(path)
    return found


def _transaction_calls(path: Path) -> list[str]:
    """Each ``<anything>.commit()`` / ``.rollback()`` call in the module, as "file:line: name"."""
    calls = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("commit", "rollback")
        ):
            calls.append(f"{path.relative_to(TENDER)}:{node.lineno}: {node.func.attr}()")
    return calls


def test_the_view_modules_are_found() -> None:
    names = {str(p.relative_to(TENDER)) for p in _view_modules()}
    assert {"evaluation/views.py", "bids/views.py", "auth/views.py", "audit/views.py"} <= names


def test_no_view_commits_or_rolls_back_the_request_does() -> None:
    assert [call for path in _view_modules() for call in _transaction_calls(path)] == []


def test_no_cli_command_commits_or_rolls_back_its_transaction_does() -> None:
    assert [call for name in COMMAND_MODULES for call in _transaction_calls(TENDER / name)] == []
