"""Type stub for the C module ``_records.c`` (see there)."""

#: (slot, text, line) of a captured child
Field = tuple[int, str, int]
#: (unit index, serial, line, xsi:type local part, parent serial, parent local name, parent xsi:type,
#:  number of child elements, has text, captured children, empty leaf children (local, line) or None)
Record = tuple[int, int, int, str | None, int, str | None, str | None, int, bool, tuple[Field, ...],
               tuple[tuple[str, int], ...] | None]
#: (local name, xsi:type local part, line)
Place = tuple[str, str | None, int]

class Recorder:
    def __init__(self, units: list[tuple[str, list[str]]], empty_leaves: bool = False) -> None: ...
    def callbacks(self) -> tuple[int, int, int, int]: ...
    def begin(self, vctxt: int, get_parser: int, get_line: int) -> None: ...
    def take(self) -> list[Record]: ...
    def where(self) -> tuple[list[Place], Place | None]: ...
