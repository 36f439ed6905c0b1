"""Shared by the tests of the date and number rules: a generated extract with one planted problem, and the
findings that are not mere facts."""

from __future__ import annotations

from pathlib import Path

from tender.core.noark.findings import Finding, Severity
from tender.core.noark.validator import validate_path
from tests.noark_generator import GeneratedExtract, generate_extract

from .official import XSD


def extract(tmp_path: Path, kind: str | None = None) -> GeneratedExtract:
    """Six folders of three registrations, journals, schemas: valid unless ``kind`` is planted."""
    return generate_extract(
        tmp_path / (kind or "clean"),
        6,
        3,
        journaler=True,
        errors={kind} if kind else set(),
        seed=7,
        schema_dir=XSD / "v5.0",
        addml_xsd=XSD / "addml" / "addml_v8.3.xsd",
    )


def problems(root: Path) -> list[Finding]:
    """Every error and warning of the extract at ``root``."""
    return [f for f in validate_path(root).findings() if f.severity is not Severity.INFO]
