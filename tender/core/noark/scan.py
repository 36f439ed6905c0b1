"""One streaming pass over one XML file: SHA-256, schema validation and content checks together.

The bytes are read once, in chunks. Each chunk goes to the SHA-256, to the libxml2 validator on a
worker thread (:mod:`.libxml2`, all in C) and, one chunk later, to an lxml pull parser whose events are
limited to the elements a content handler asked for. Processed elements are cleared and cut from the
tree, so memory does not grow with the file. Because the validator has always finished a chunk
before lxml looks at it, every schema message about an element is known when lxml reports that
element's end, and the message can name the element it was found in ("… i saksmappe").
"""
from __future__ import annotations

import bisect
import hashlib
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import BinaryIO, Final, Protocol

from lxml import etree

from .libxml2 import CompiledSchema, RawProblem, StreamValidation
from .safexml import has_doctype
from .xsdmessages import SchemaProblem, is_duplicate_of, parse_problem

CHUNK: Final = 1 << 20
XSI_TYPE: Final = "{http://www.w3.org/2001/XMLSchema-instance}type"


class ElementHandler(Protocol):
    """Content checks for one file: gets the end event of each element it asked for."""

    def tags(self) -> list[str]:
        """Clark names ("{ns}mappe") of the elements to receive."""
        ...

    def end(self, el: etree._Element) -> None:
        """The element and everything in it has been read; it is cut from the tree afterwards."""
        ...

    def finish(self, complete: bool) -> None:
        """The file has ended; ``complete`` is False when the XML broke off (not well-formed)."""
        ...


class ProblemLog:
    """libxml2's messages about one file, written from the validator thread.

    Every message is counted; the first ``keep`` are kept for the report. libxml2 follows a facet
    error with a second message about the same value; that one is dropped.
    """

    def __init__(self, keep: int) -> None:
        self.keep = keep
        self.items: list[SchemaProblem] = []
        self.count = 0
        self.syntax_errors = 0
        self._last: SchemaProblem | None = None

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
            self.items.append(p)


def describe_unit(el: etree._Element) -> str:
    """What to call an element in a message: its xsi:type if it has one ("saksmappe"), else its name."""
    xsi = el.get(XSI_TYPE)
    if xsi:
        return str(xsi).rsplit(":", 1)[-1]
    tag = el.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


class _ParentMatcher:
    """Finds the element each schema message was found in, at the end events lxml delivers."""

    def __init__(self, logs: list[ProblemLog]) -> None:
        self._logs = logs
        self._seen = [0] * len(logs)
        self._pending: list[SchemaProblem] = []
        self._lines: list[int] = []

    def _pull(self) -> None:
        for i, log in enumerate(self._logs):
            n = len(log.items)
            if n > self._seen[i]:
                for p in log.items[self._seen[i]:n]:
                    if p.element is not None:
                        # libxml2 reports in document order, so the list stays sorted by line
                        pos = bisect.bisect_right(self._lines, p.raw.line)
                        self._pending.insert(pos, p)
                        self._lines.insert(pos, p.raw.line)
                self._seen[i] = n

    def busy(self) -> bool:
        """Whether any message may still need its element (cheap: called for every element)."""
        if self._pending:
            return True
        for i, log in enumerate(self._logs):
            if len(log.items) > self._seen[i]:
                return True
        return False

    def match(self, el: etree._Element) -> None:
        self._pull()
        if not self._pending:
            return
        start = el.sourceline or 0
        first = bisect.bisect_left(self._lines, start)
        if first >= len(self._pending):
            return
        local = el.tag.rsplit("}", 1)[-1] if isinstance(el.tag, str) else ""
        kids: list[tuple[str, int]] | None = None
        hits = 0
        for p in self._pending[first:]:
            if p.matched:
                continue
            if p.element == local and p.raw.line == start:
                # the message is about this element: "missing child" names where it is missing,
                # anything else is about the element inside its parent
                if p.kind == "missing":
                    p.parent = describe_unit(el)
                else:
                    parent = el.getparent()
                    p.parent = describe_unit(parent) if parent is not None else None
                p.matched = True
                hits += 1
                continue
            if kids is None:
                kids = [
                    (c.tag.rsplit("}", 1)[-1], c.sourceline or 0) for c in el if isinstance(c.tag, str)
                ]
            for name, line in kids:
                if name == p.element and line == p.raw.line:
                    p.parent = describe_unit(el)
                    p.matched = True
                    hits += 1
                    break
        if hits and hits * 2 >= len(self._pending):
            keep = [p for p in self._pending if not p.matched]
            self._pending = keep
            self._lines = [p.raw.line for p in keep]


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
        return ScanResult(sha.hexdigest(), size, False, [False] * len(schemas), doctype=True, content_complete=False)

    validations = [StreamValidation(s, log) for s, log in zip(schemas, logs)]
    matcher = _ParentMatcher(logs)
    parser: etree.XMLPullParser | None = None
    if handler is not None:
        parser = etree.XMLPullParser(
            events=("end",), tag=handler.tags(), resolve_entities=False, no_network=True, load_dtd=False,
            remove_comments=True, remove_pis=True,
        )
    content_ok = handler is not None

    def feed_content(data: bytes | None) -> None:
        nonlocal content_ok
        if parser is None or not content_ok:
            return
        try:
            if data is None:
                parser.close()
            else:
                parser.feed(data)
            end = handler.end  # type: ignore[union-attr]
            busy = matcher.busy
            for _event, el in parser.read_events():
                end(el)
                if busy():
                    matcher.match(el)
                # cut the finished element out; its subtree is freed with the last reference to it
                parent = el.getparent()
                if parent is not None:
                    parent.remove(el)
        except etree.XMLSyntaxError:
            # the validator reports where and why; content checks stop at the break
            content_ok = False

    # lxml looks at a chunk only once every validator has parsed past its end, so all messages about
    # elements that end in the chunk are known when lxml reports those ends
    pending: deque[tuple[bytes, int]] = deque()

    def catch_up(final: bool) -> None:
        while pending and (final or all(v.parsed_past(pending[0][1]) for v in validations)):
            feed_content(pending.popleft()[0])

    chunk = first
    try:
        while chunk:
            sha.update(chunk)
            size += len(chunk)
            for v in validations:
                v.submit(chunk)
            if parser is not None:
                pending.append((chunk, size))
                catch_up(False)
            if progress is not None:
                progress(size)
            chunk = read()
        verdicts = [v.finish() for v in validations]
    except BaseException:
        for v in validations:
            try:
                v.finish()
            except BaseException:  # already handling an error; do not mask it
                pass
        raise
    catch_up(True)
    feed_content(None)
    well_formed = not any(v.fatal for v in validations)
    if handler is not None:
        handler.finish(content_ok and well_formed)
    return ScanResult(sha.hexdigest(), size, well_formed, verdicts, content_complete=content_ok and well_formed)
