"""What a check found: the unit every part of the Noark 5 validator reports in."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Severity(enum.Enum):
    #: makes the extract invalid (exit code 1)
    ERROR = "error"
    #: worth a reviewer's attention, does not make the extract invalid
    WARNING = "warning"
    #: statistics and facts
    INFO = "info"


@dataclass(frozen=True)
class Finding:
    """One problem or fact, located as precisely as the input allows."""

    check: str  #: stable check id, e.g. "N5V-STRUCT-01" (see the check catalogue)
    severity: Severity
    message_no: str  #: Norwegian, in words an archivist understands
    message_en: str
    file: str | None = None  #: path relative to the extract root
    line: int | None = None
    column: int | None = None
    element: str | None = None  #: element name, e.g. "tittel"
    m_number: str | None = None  #: e.g. "M020"
    unit: str | None = None  #: the systemID of the unit the finding is about, when it has one
    #: the Arkade 5 tests (N5.01–N5.64) the finding belongs to; empty: those of its check
    #: (:func:`tender.core.noark.report.arkade_of`)
    arkade: tuple[str, ...] = ()
