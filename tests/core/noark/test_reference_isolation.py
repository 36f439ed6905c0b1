"""The product carries its own schema knowledge: no reference file is copied, none is referred to."""

from __future__ import annotations

import hashlib
from pathlib import Path

from .official import NOARK5

REPO = Path(__file__).resolve().parents[3]


def test_no_code_under_tender_refers_to_the_reference_folder() -> None:
    offenders = [
        p
        for p in (REPO / "tender").rglob("*")
        if p.is_file()
        and p.suffix in (".py", ".json", ".toml", ".html")
        and "shared/noark5" in p.read_text(encoding="utf-8", errors="replace")
    ]
    assert offenders == []


def test_no_project_file_is_a_copy_of_a_reference_file() -> None:
    reference = {hashlib.sha256(p.read_bytes()).hexdigest() for p in NOARK5.rglob("*") if p.is_file()}
    ours = [p for folder in ("tender", "docs") for p in (REPO / folder).rglob("*") if p.is_file()]
    copies = [p for p in ours if hashlib.sha256(p.read_bytes()).hexdigest() in reference]
    assert copies == []
