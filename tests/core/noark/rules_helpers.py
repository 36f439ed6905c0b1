"""Shared by the tests of issue 15's content rules: a generated extract with planted problems, and the
findings that are not mere facts."""

from __future__ import annotations

import hashlib
from pathlib import Path

from tender.core.noark.findings import Finding, Severity
from tender.core.noark.report import Report
from tender.core.noark.validator import iter_findings, validate_path
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


def generated(tmp_path: Path, *kinds: str) -> GeneratedExtract:
    """The same extract as :func:`extract`, with any number of ``kinds`` planted."""
    return generate_extract(
        tmp_path / "uttrekk",
        6,
        3,
        seed=7,
        journaler=True,
        errors=set(kinds),
        schema_dir=XSD / "v5.0",
        addml_xsd=XSD / "addml" / "addml_v8.3.xsd",
    )


def not_info(report: Report) -> list[Finding]:
    return [f for f in iter_findings(report) if f.severity is not Severity.INFO]


def rewrite(info: GeneratedExtract, old: bytes, new: bytes) -> int:
    """Replace the first ``old`` in arkivstruktur.xml (and its checksum in ADDML); the line it is on."""
    xml = info.arkivstruktur
    data = xml.read_bytes()
    at = data.index(old)
    xml.write_bytes(data[:at] + new + data[at + len(old) :])
    addml = info.root / "arkivuttrekk.xml"
    addml.write_bytes(
        addml.read_bytes().replace(
            hashlib.sha256(data).hexdigest().encode(),
            hashlib.sha256(xml.read_bytes()).hexdigest().encode(),
        )
    )
    return data[:at].count(b"\n") + 1
