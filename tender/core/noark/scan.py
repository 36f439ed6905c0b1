"""One streaming pass over one XML file: SHA-256, schema validation and content checks together.

The bytes are read once, in chunks. Each chunk goes to the libxml2 validator on a worker thread
(:mod:`.libxml2`, all in C), and to the SHA-256 on the thread that writes it into the validator's
pipe. The validator's parse is the only one: its SAX events also feed the C recorder of
:mod:`.records`, which hands the content handler one compact record per unit it asked for ("mappe",
"registrering", …) with the text and line of the children it reads. The handler runs on this thread
while the worker parses on, so the checks cost Python time only per unit, never per element, and no
tree is built. When libxml2 reports a schema error, the recorder knows which elements are open at that
moment, so the message can name the element it was found in ("… i saksmappe").
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import BinaryIO, Final, Protocol

from .libxml2 import CompiledSchema, RawProblem, StreamValidation
from .records import Place, Record, Recorder, Unit
from .safexml import has_doctype
from .xsdmessages import SchemaProblem, is_duplicate_of, parse_problem

CHUNK: Final = 1 << 20


class ElementHandler(Protocol):
    """Content checks for one file: gets a record at the end of each unit it asked for."""

    def units(self) -> list[Unit]:
        """Clark names ("{ns}mappe") of the units to receive, each with the Clark names of the children
        whose text and line the record should carry (a child's position in that list is its slot), and
        for a "light" unit the values that need no record (see :data:`.records.Unit`)."""
        ...

    def skipped(self, counts: list[int]) -> None:
        """Per unit (in the order of :meth:`units`), the light occurrences counted without a record."""
        ...

    def empty_leaves(self) -> int:
        """Whether records should list the unit's child elements that hold neither elements nor text:
        0 no, 1 yes, 2 only those that hold white space (a bool is fine for 0/1)."""
        ...

    def end(self, record: Record) -> None:
        """The unit and everything in it has been read."""
        ...

    def finish(self, complete: bool) -> None:
        """The file has ended; ``complete`` is False when the XML broke off (not well-formed)."""
        ...


def _describe(place: Place) -> str:
    """What to call an element in a message: its xsi:type if it has one ("saksmappe"), else its name."""
    return place[1] or place[0]


def locate(problem: SchemaProblem, open_: list[Place], closed: Place | None) -> None:
    """Fill in where a schema message was found, from the elements open when libxml2 reported it.

    The element the message names is looked for among the open elements (innermost first) and the
    one that closed last, by name and line, then by name alone. A "missing child" message is about
    that element itself; anything else is about the element inside its parent.
    """
    name, line = problem.element, problem.raw.line
    if name is None:
        return
    candidates: list[tuple[Place, Place | None]] = [
        (open_[i], open_[i - 1] if i else None) for i in range(len(open_) - 1, -1, -1)
    ]
    if closed is not None:
        candidates.append((closed, open_[-1] if open_ else None))
    hit = next((c for c in candidates if c[0][0] == name and c[0][2] == line), None)
    if hit is None:
        hit = next((c for c in candidates if c[0][0] == name), None)
    if hit is None:
        problem.parent = _describe(open_[-1]) if open_ else None
    elif problem.kind == "missing":
        problem.parent = _describe(hit[0])
    else:
        problem.parent = _describe(hit[1]) if hit[1] is not None else None


class ProblemLog:
    """libxml2's messages about one file, written from the validator thread.

    Every message is counted; the first ``keep`` are kept for the report. libxml2 follows a facet
    error with a second message about the same value; that one is dropped. With ``where`` (the
    recorder's, called on the validator thread while libxml2 waits in the error callback) each kept
    message learns the element it was found in.
    """

    def __init__(self, keep: int) -> None:
        self.keep = keep
        self.items: list[SchemaProblem] = []
        self.count = 0
        self.syntax_errors = 0
        self._last: SchemaProblem | None = None
        self.where: Callable[[], tuple[list[Place], Place | None]] | None = None

    def __call__(self, raw: RawProblem) -> None:
        p = parse_problem(raw)
        if is_duplicate_of(self._last, p):
            self._last = None
            return
        self._last = p
        if p.kind in ("syntax", "doctype"):
            self.syntax_errors += 1
        self.count += 1
        if len(self.items) < self.keep:
            if self.where is not None and p.element is not None:
                locate(p, *self.where())
            self.items.append(p)


@dataclass
class ScanResult:
    """What one pass over a file found out besides the findings."""

    sha256: str
    size: int
    well_formed: bool
    valid: list[bool] = field(default_factory=list)  #: one verdict per schema, in the order given
    doctype: bool = False
    content_complete: bool = True


def _read_chunks(stream: BinaryIO, size: int) -> Callable[[], bytes]:
    return lambda: stream.read(size)


def scan_xml(
    stream: BinaryIO,
    name: str,
    schemas: list[CompiledSchema],
    logs: list[ProblemLog],
    handler: ElementHandler | None = None,
    chunk_size: int = CHUNK,
    progress: Callable[[int], None] | None = None,
) -> ScanResult:
    """Read ``stream`` once: hash it, validate it against each schema with messages going to the
    matching ``logs`` entry, and give ``handler`` its elements."""
    sha = hashlib.sha256()
    size = 0
    read = _read_chunks(stream, chunk_size)
    first = read()
    if has_doctype(first[:65536]):
        # refuse before any parser sees the DTD; still hash the bytes for the checksum check
        sha.update(first)
        size = len(first)
        while chunk := read():
            sha.update(chunk)
            size += len(chunk)
        line = first[: first.upper().find(b"<!DOCTYPE")].count(b"\n") + 1
        logs[0](RawProblem(1, -1, line, 1, "DOCTYPE", True))
        if handler is not None:
            handler.finish(False)
        return ScanResult(
            sha.hexdigest(), size, False, [False] * len(schemas), doctype=True, content_complete=False
        )

    recorders: list[Recorder | None] = [None] * len(schemas)
    if handler is not None:
        # the first schema's parse records the units; the others only need to know where they are
        recorders = [Recorder(handler.units(), handler.empty_leaves())]
        recorders += [Recorder([]) for _ in schemas[1:]]
    # the first validation's writer thread hashes each chunk before it goes into the pipe
    validations = [
        StreamValidation(s, log, rec, sha.update if i == 0 else None)
        for i, (s, log, rec) in enumerate(zip(schemas, logs, recorders, strict=False))
    ]
    for log, rec in zip(logs, recorders, strict=False):
        log.where = rec.where if rec is not None else None
    records = recorders[0]

    def drain() -> None:
        if records is not None and handler is not None:
            end = handler.end
            for record in records.take():
                end(record)

    chunk = first
    try:
        while chunk:
            size += len(chunk)
            for v in validations:
                # waits while the parser is more than a few chunks behind, which bounds the records
                # waiting for drain() too
                v.submit(chunk)
            drain()
            if progress is not None:
                progress(size)
            chunk = read()
        verdicts = [v.finish() for v in validations]
        drain()
        if records is not None and handler is not None:
            handler.skipped(records.skipped())
    except BaseException:
        for v in validations:
            try:
                v.finish()
            except BaseException:  # already handling an error; do not mask it
                pass
        raise
    well_formed = not any(v.fatal for v in validations)
    if handler is not None:
        handler.finish(well_formed)
    return ScanResult(
        sha.hexdigest(), size, well_formed, verdicts, content_complete=handler is not None and well_formed
    )
