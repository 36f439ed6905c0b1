"""The unit records that libxml2's validating parse hands the content checks, and their recorder.

The recorder is C (``_records.c``, built with the package); see :mod:`.scan` for how it is driven.
A record is a plain tuple, cheap to make and to unpack once per unit:

``(unit, serial, line, xsi_type, parent_serial, parent_local, parent_xsi_type, n_children, has_text,
slots, extra, empties)`` — ``unit`` is the unit's index in the handler's ``units()`` list; ``serial``
numbers every element of the file from 1 in document order (``parent_serial`` is 0 for the document
element); ``line`` is where the start tag ends, as lxml's ``sourceline``; xsi:type values are their
local part; ``has_text`` says whether the unit held text other than XML white space; ``slots`` has one
place per child name the handler asked for, holding ``(text, line)`` of its first occurrence or None
(the text as lxml's ``.text`` has it, cut at 64 KiB); ``extra`` holds ``(slot, text, line)`` of second
and later occurrences, or None; ``empties`` lists ``(local name, line)`` of child elements with neither
elements nor text, when asked for, else None.
"""

from __future__ import annotations

from ._records import Recorder

#: (text, line) of a child the handler asked for
Field = tuple[str, int]
#: (slot, text, line) of a second or later occurrence
Extra = tuple[int, str, int]
Record = tuple[
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
#: what a handler asks for: (Clark tag of the unit, [Clark tags of the children to capture in slots]),
#: optionally with {slot: [allowed values]}: such a "light" unit gets no record (the recorder counts it,
#: see ``Recorder.skipped()``) when it is not empty, has no empty children, and each child it captured
#: occurs once with one of the allowed values — everything its checks would find in order
Unit = tuple[str, list[str]] | tuple[str, list[str], dict[int, list[str]] | None]
#: (local name, xsi:type local part or None, line) of an element the parser is in
Place = tuple[str, str | None, int]

__all__ = ["Extra", "Field", "Place", "Record", "Recorder", "Unit"]
