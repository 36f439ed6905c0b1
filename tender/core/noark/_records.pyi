"""Type stub for the C module ``_records.c`` (see there)."""

from typing import TypeAlias

Field: TypeAlias = tuple[str, int]
Extra: TypeAlias = tuple[int, str, int]
#: see records.py
Record: TypeAlias = tuple[
    int,
    int,
    int,
    str | None,
    int,
    str | None,
    str | None,
    int,
    bool,
    tuple[Field | None, ...],
    tuple[Extra, ...] | None,
    tuple[tuple[str, int], ...] | None,
]
#: (Clark tag, [Clark tags of the children to capture]) or the same with the allowed values of a light unit
Unit: TypeAlias = tuple[str, list[str]] | tuple[str, list[str], dict[int, list[str]] | None]
#: (local name, xsi:type local part, line)
Place: TypeAlias = tuple[str, str | None, int]

class Recorder:
    def __init__(self, units: list[Unit], empty_leaves: int = 0) -> None:
        """empty_leaves: 0 none, 1 child leaves without text, 2 only those holding white space."""
    def callbacks(self) -> tuple[int, int, int, int]: ...
    def begin(self, vctxt: int, get_parser: int, get_line: int) -> None: ...
    def take(self) -> list[Record]: ...
    def where(self) -> tuple[list[Place], Place | None]: ...
    def skipped(self) -> list[int]: ...
