"""Type stub for the C module ``_records.c`` (see there)."""
from typing import TypeAlias

Field: TypeAlias = tuple[str, int]
Extra: TypeAlias = tuple[int, str, int]
#: see records.py
Record: TypeAlias = tuple[int, int, int, str | None, int, str | None, str | None, int, bool, tuple[Field | None, ...],
               tuple[Extra, ...] | None, tuple[tuple[str, int], ...] | None]
#: (local name, xsi:type local part, line)
Place: TypeAlias = tuple[str, str | None, int]

class Recorder:
    def __init__(self, units: list[tuple[str, list[str]]], empty_leaves: bool = False) -> None: ...
    def callbacks(self) -> tuple[int, int, int, int]: ...
    def begin(self, vctxt: int, get_parser: int, get_line: int) -> None: ...
    def take(self) -> list[Record]: ...
    def where(self) -> tuple[list[Place], Place | None]: ...
