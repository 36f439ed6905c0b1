"""Streaming XML Schema validation with libxml2, reporting every error with its line.

Why not lxml's own API: with a schema attached, lxml's streaming parsers lose the line number of
every validation error (the SAX-plugged validator is never told which parser feeds it) and build a
tree we do not need. Here we drive the libxml2 that lxml already ships (its symbols are exported by
``lxml.etree``; a system ``libxml2`` is the fallback) through ``ctypes``: ``xmlSchemaValidateStream``
reading from a pipe, on a worker thread, with the SAX callbacks of :mod:`._records` (C) as the user's
handler: they hand the content checks compact records of the units they asked for, so the file is
parsed once. All parsing happens in C with the GIL released, so the caller's thread runs the Python
checks on the records meanwhile; nothing is kept per element, so memory stays flat whatever the file
size; libxml2 goes on after a validation error, so every error is reported in one pass (a
well-formedness error still ends the document, as it must), each with the line where the offending
element starts.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from lxml import etree

from .records import Recorder

#: libxml2 error domains we tell apart
DOMAIN_PARSER = 1
DOMAIN_SCHEMASV = 17
DOMAIN_SCHEMASP = 16

_XML_SAX2_MAGIC = 0xDEEDBEAF
_XML_PARSE_NONET = 1 << 11
_XML_PARSE_NOCDATA = 1 << 14


class LibxmlUnavailable(RuntimeError):
    """Neither lxml's libxml2 nor a system libxml2 offers the functions we need."""


class _XmlError(ctypes.Structure):
    _fields_ = [
        ("domain", ctypes.c_int),
        ("code", ctypes.c_int),
        ("message", ctypes.c_char_p),
        ("level", ctypes.c_int),
        ("file", ctypes.c_char_p),
        ("line", ctypes.c_int),
        ("str1", ctypes.c_char_p),
        ("str2", ctypes.c_char_p),
        ("str3", ctypes.c_char_p),
        ("int1", ctypes.c_int),
        ("int2", ctypes.c_int),
        ("ctxt", ctypes.c_void_p),
        ("node", ctypes.c_void_p),
    ]


_SERROR = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.POINTER(_XmlError))
_INTERNAL_SUBSET = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p)


class _SaxHandler(ctypes.Structure):
    # struct _xmlSAXHandler: 27 SAX1 callbacks, then SAX2 fields; stable across libxml2 2.x
    # ctypes' own stub is narrower than what ctypes accepts, hence the ignore
    _fields_ = (
        [("internalSubset", _INTERNAL_SUBSET)]  # type: ignore[assignment]
        + [(f"_cb{i}", ctypes.c_void_p) for i in range(1, 27)]
        + [
            ("initialized", ctypes.c_uint),
            ("_private", ctypes.c_void_p),
            ("startElementNs", ctypes.c_void_p),
            ("endElementNs", ctypes.c_void_p),
            ("serror", _SERROR),
        ]
    )


_VP = ctypes.c_void_p
_SIGNATURES: dict[str, tuple[Any, list[Any]]] = {
    "xmlSchemaNewParserCtxt": (_VP, [ctypes.c_char_p]),
    "xmlSchemaSetParserStructuredErrors": (None, [_VP, _SERROR, _VP]),
    "xmlSchemaParse": (_VP, [_VP]),
    "xmlSchemaFreeParserCtxt": (None, [_VP]),
    "xmlSchemaFree": (None, [_VP]),
    "xmlSchemaNewValidCtxt": (_VP, [_VP]),
    "xmlSchemaFreeValidCtxt": (None, [_VP]),
    "xmlSchemaSetValidStructuredErrors": (None, [_VP, _SERROR, _VP]),
    "xmlSchemaSAXPlug": (_VP, [_VP, ctypes.POINTER(ctypes.POINTER(_SaxHandler)), ctypes.POINTER(_VP)]),
    "xmlSchemaSAXUnplug": (ctypes.c_int, [_VP]),
    "xmlSchemaIsValid": (ctypes.c_int, [_VP]),
    "xmlCreatePushParserCtxt": (
        _VP,
        [ctypes.POINTER(_SaxHandler), _VP, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p],
    ),
    "xmlCtxtUseOptions": (ctypes.c_int, [_VP, ctypes.c_int]),
    "xmlParseChunk": (ctypes.c_int, [_VP, ctypes.c_char_p, ctypes.c_int, ctypes.c_int]),
    "xmlFreeParserCtxt": (None, [_VP]),
    "xmlStopParser": (None, [_VP]),
    "xmlSAX2GetLineNumber": (ctypes.c_int, [_VP]),
    "xmlSAX2GetColumnNumber": (ctypes.c_int, [_VP]),
    "xmlParserInputBufferCreateFd": (_VP, [ctypes.c_int, ctypes.c_int]),
    "xmlSchemaValidateStream": (ctypes.c_int, [_VP, _VP, ctypes.c_int, ctypes.POINTER(_SaxHandler), _VP]),
    "xmlSetStructuredErrorFunc": (None, [_VP, _SERROR]),
    "xmlSchemaValidCtxtGetParserCtxt": (_VP, [_VP]),
}


@lru_cache(maxsize=1)
def _lib() -> Any:
    """lxml's bundled libxml2 if it exports what we need, else the system's."""
    candidates = [etree.__file__]
    system = ctypes.util.find_library("xml2")
    if system:
        candidates.append(system)
    for candidate in candidates:
        try:
            lib = ctypes.CDLL(candidate)
            for name, (restype, argtypes) in _SIGNATURES.items():
                func = getattr(lib, name)
                func.restype = restype
                func.argtypes = argtypes
        except (OSError, AttributeError):
            continue
        return lib
    raise LibxmlUnavailable("no libxml2 with schema validation found (lxml or system)")


def available() -> bool:
    """True when streaming validation with line numbers can be used."""
    try:
        _lib()
    except LibxmlUnavailable:
        return False
    return True


@dataclass(frozen=True)
class RawProblem:
    """One message from libxml2 while parsing or validating."""

    domain: int  #: DOMAIN_PARSER (well-formedness) or DOMAIN_SCHEMASV (validity)
    code: int
    line: int
    column: int
    message: str
    fatal: bool  #: the parser stopped here (well-formedness error or a refused DOCTYPE)


class SchemaCompileError(ValueError):
    """libxml2 could not compile a schema; ``messages`` says why."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("; ".join(messages) or "schema could not be compiled")
        self.messages = messages


class CompiledSchema:
    """A schema compiled by libxml2 from a file (imports resolve next to it; never over the network).

    The compiled schema is read-only and may be shared by validators in several threads.
    """

    def __init__(self, path: Path) -> None:
        lib = _lib()
        self.path = path
        messages: list[str] = []

        @_SERROR  # type: ignore[untyped-decorator]  # a ctypes callback type
        def on_error(_ctx: int | None, err: Any) -> None:
            e = err.contents
            messages.append((e.message or b"").decode("utf-8", "replace").strip())

        pctxt = lib.xmlSchemaNewParserCtxt(str(path).encode("utf-8"))
        if not pctxt:
            raise SchemaCompileError([f"cannot read {path.name}"])
        try:
            lib.xmlSchemaSetParserStructuredErrors(pctxt, on_error, None)
            self._schema = lib.xmlSchemaParse(pctxt)
        finally:
            lib.xmlSchemaFreeParserCtxt(pctxt)
        if not self._schema:
            raise SchemaCompileError(messages)

    def __del__(self) -> None:
        schema = getattr(self, "_schema", None)
        if schema:
            _lib().xmlSchemaFree(schema)
            self._schema = None


class StreamValidation:
    """Validate one document against a :class:`CompiledSchema` on a worker thread, fed in chunks.

    libxml2's ``xmlSchemaValidateStream`` runs on the worker and reads the document from a pipe, in C;
    a second small thread writes the chunks given to :meth:`submit` into the pipe. No Python runs per
    read, so the worker never waits for the GIL, and the pipe's capacity bounds how far ahead of the
    parser the bytes can be. Driving the parser this way (rather than pushing chunks) lets libxml2 tell
    the line where each offending element *starts*, as tree validation does. ``on_problem`` is called
    on the worker thread.
    """

    #: chunks that may wait to be written; bounds memory whatever the speed difference
    QUEUE = 3

    def __init__(
        self,
        schema: CompiledSchema,
        on_problem: Callable[[RawProblem], None],
        recorder: Recorder | None = None,
        on_chunk: Callable[[bytes], None] | None = None,
    ) -> None:
        self._lib = _lib()
        self._schema = schema  # kept alive while the worker uses it
        self._on_problem = on_problem
        #: the C SAX callbacks that record units for the content checks (and know where the parser is)
        self.recorder = recorder
        #: called with every chunk, in order, on the writer thread (all of them, even after a fatal error):
        #: hashing there keeps it off the caller's thread, which has the content checks to run
        self._on_chunk = on_chunk
        self._cond = threading.Condition()
        self._queue: list[bytes | None] = []
        self._rfd, self._wfd = os.pipe()
        _pipe_capacity(self._wfd)  # raised to 1 MiB where the system allows: fewer wake-ups
        self.finished = False
        self.fatal = False
        self.valid = False
        self._doctype_seen = False
        self._error: BaseException | None = None
        self._worker = threading.Thread(target=self._run, name="xsd-validation", daemon=True)
        self._writer = threading.Thread(target=self._write, name="xsd-validation-input", daemon=True)
        self._worker.start()
        self._writer.start()

    # -- worker side

    def _error_cb(self, _ctx: int | None, err: Any) -> None:
        e = err.contents
        if e.level < 2:  # warnings: nothing in a Noark extract depends on them
            return
        fatal = e.domain != DOMAIN_SCHEMASV and e.level >= 3
        if fatal:
            self.fatal = True
        message = (e.message or b"").decode("utf-8", "replace").strip()
        column = int(e.int2) if e.domain != DOMAIN_SCHEMASV else 0
        self._on_problem(RawProblem(int(e.domain), int(e.code), int(e.line), column, message, fatal))

    def _doctype(
        self, _ctx: int | None, name: bytes | None, external_id: bytes | None, system_id: bytes | None
    ) -> None:
        # a DTD is where entity bombs and external entities live: stop reading the document
        self._doctype_seen = True
        self.fatal = True
        self._on_problem(RawProblem(DOMAIN_PARSER, -1, 0, 0, "DOCTYPE", True))
        # swap the pipe for /dev/null under the same descriptor: the parser's next read sees the end
        # and it stops (closing the descriptor instead could let another file reuse its number)
        devnull = os.open(os.devnull, os.O_RDONLY)
        try:
            os.dup2(devnull, self._rfd)
        finally:
            os.close(devnull)

    def _run(self) -> None:
        lib = self._lib
        serror = _SERROR(self._error_cb)
        subset = _INTERNAL_SUBSET(self._doctype)
        vctxt = None
        try:
            # errors of this thread (parser and validator) come to us, once each
            lib.xmlSetStructuredErrorFunc(None, serror)
            sax = _SaxHandler()
            sax.initialized = _XML_SAX2_MAGIC
            sax.internalSubset = subset
            user_data = None
            vctxt = lib.xmlSchemaNewValidCtxt(self._schema._schema)
            if self.recorder is not None:
                start, end, text, user_data = self.recorder.callbacks()
                sax.startElementNs, sax.endElementNs = start, end
                sax._cb17 = sax._cb18 = sax._cb25 = text  # characters, ignorableWhitespace, cdataBlock
                self.recorder.begin(
                    vctxt, _address(lib.xmlSchemaValidCtxtGetParserCtxt), _address(lib.xmlSAX2GetLineNumber)
                )
            buf = lib.xmlParserInputBufferCreateFd(self._rfd, 0)
            result = lib.xmlSchemaValidateStream(vctxt, buf, 0, ctypes.byref(sax), user_data)
            self.valid = result == 0 and not self.fatal
        except BaseException as exc:  # re-raised in the caller's thread
            self._error = exc
        finally:
            if vctxt:
                lib.xmlSchemaFreeValidCtxt(vctxt)
            lib.xmlSetStructuredErrorFunc(None, _SERROR())
            os.close(self._rfd)  # a writer still writing gets EPIPE instead of waiting forever
            with self._cond:
                self.finished = True
                self._cond.notify_all()

    def _write(self) -> None:
        broken = False
        while True:
            with self._cond:
                while not self._queue:
                    self._cond.wait()
                chunk = self._queue.pop(0)
                self._cond.notify_all()
            if chunk is None:
                os.close(self._wfd)
                return
            if self._on_chunk is not None:
                try:
                    self._on_chunk(chunk)
                except BaseException as exc:  # re-raised in the caller's thread by finish()
                    self._error = self._error or exc
                    broken = True
            if broken:
                continue  # the parser stopped early: drop the rest
            view = memoryview(chunk)
            try:
                while view:
                    n = os.write(self._wfd, view)
                    view = view[n:]
            except OSError:
                broken = True

    # -- caller side

    def submit(self, chunk: bytes | None) -> None:
        """Hand over the next chunk (None = end of document); waits while the parser is behind."""
        with self._cond:
            while len(self._queue) >= self.QUEUE:
                self._cond.wait()
            self._queue.append(chunk)
            self._cond.notify_all()

    def finish(self) -> bool:
        """End the document, wait for the worker, and return the verdict (valid and well-formed)."""
        self.submit(None)
        self._writer.join()
        self._worker.join()
        if self._error is not None:
            raise self._error
        return self.valid


def _address(function: Any) -> int:
    return int(ctypes.cast(function, ctypes.c_void_p).value or 0)


def _pipe_capacity(fd: int) -> int:
    """The pipe's buffer size; raised to 1 MiB where the system allows (fewer wake-ups)."""
    try:
        import fcntl

        set_size = getattr(fcntl, "F_SETPIPE_SZ", 1031)
        get_size = getattr(fcntl, "F_GETPIPE_SZ", 1032)
        try:
            fcntl.fcntl(fd, set_size, 1 << 20)
        except OSError:
            pass
        return int(fcntl.fcntl(fd, get_size))
    except (ImportError, OSError):
        return 1 << 20  # unknown: assume the largest we would have asked for
