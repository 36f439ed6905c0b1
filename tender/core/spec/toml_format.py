"""The specification file format (TOML, ``format = 1``): load with every problem located, dump that
round-trips.

tomllib tells where a *syntax* error is but gives no positions for values, so :func:`scan_source`
maps each ``[[criterion]]``/``[[chapter]]``/``[[requirement]]`` entry and each ``key =`` line to its
line number itself. Loading runs in two steps: a shape check on the raw tables (unknown and missing
keys, types, enum values) and then the business rules of :func:`tender.core.spec.validate_spec`, so
one run reports every problem, each with its line.
"""

from __future__ import annotations

import difflib
import enum
import re
import tomllib
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any, TypeVar

from tender.core.spec import (
    AnswerForm,
    Chapter,
    Criterion,
    Kind,
    Problem,
    Requirement,
    SpecFileError,
    Specification,
    normalise_weight,
    validate_spec,
)

FORMAT_VERSION = 1

_SECTIONS = ("criterion", "chapter", "requirement")
_TOP_KEYS = ("format", "title", *_SECTIONS)
#: key -> required?
_KEYS: dict[str, dict[str, bool]] = {
    "criterion": {"id": True, "name": True},
    "chapter": {"id": True, "number": True, "title": True, "description": False},
    "requirement": {
        "id": True,
        "number": True,
        "chapter": True,
        "kind": True,
        "text": True,
        "answer_form": True,
        "unit": False,
        "criterion": False,
        "weight": False,
        "documentation": False,
        "source": False,
        "municipalities": False,
    },
}


# --------------------------------------------------------------------------- source positions


@dataclass
class _Block:
    line: int
    keys: dict[str, int] = field(default_factory=dict)


@dataclass
class SourceMap:
    """Where things are in a TOML source: top-level keys and each array-of-tables entry with its keys."""

    top: dict[str, int] = field(default_factory=dict)
    blocks: dict[str, list[_Block]] = field(default_factory=dict)
    #: first line nested deeper than MAX_NESTING, or whose keys have more than MAX_DOTS_PER_LINE dots
    too_deep: int | None = None
    too_dotted: int | None = None

    def line_of(self, section: str | None, index: int | None, key: str | None) -> int | None:
        """The line of ``key`` in entry ``index`` of ``[[section]]``; the entry's header line if the key is
        absent."""
        if section is None or index is None:
            return self.top.get(key) if key is not None else None
        blocks = self.blocks.get(section, [])
        if not 0 <= index < len(blocks):
            return self.top.get(section)
        block = blocks[index]
        return block.keys.get(key, block.line) if key is not None else block.line


#: tomllib recurses on nesting (RecursionError past ~1000 levels) and is quadratic in the parts of a
#: dotted key (16 000 parts take seconds and far more memory): a hostile file must fail before it gets there.
#: The format needs one level ([ ] for municipalities) and no dotted keys at all.
MAX_NESTING = 16
MAX_DOTS_PER_LINE = 64
MAX_SOURCE_CHARS = 10_000_000
#: entries per [[section]]: a real specification has a few hundred; each broken one costs several problems
MAX_ENTRIES = 10_000

_KEY_PART = r"""(?:[A-Za-z0-9_\-]+|"(?:[^"\\]|\\.)*"|'[^']*')"""
_KEY_PATH = rf"{_KEY_PART}(?:\s*\.\s*{_KEY_PART})*"
_ARRAY_HEADER = re.compile(rf"\[\[\s*({_KEY_PATH})\s*\]\]")
_TABLE_HEADER = re.compile(rf"\[\s*({_KEY_PATH})\s*\]")
_KEY_LINE = re.compile(rf"({_KEY_PATH})\s*=")


def _key_parts(path: str) -> list[str]:
    return [p.strip().strip("\"'") for p in re.findall(_KEY_PART, path)]


def scan_source(text: str) -> SourceMap:
    """Map entries and keys of a TOML document to line numbers (1-based).

    A small lexer follows multi-line strings and multi-line arrays/inline tables, so text inside a
    ``\"\"\"`` string that happens to look like ``[[requirement]]`` or ``key =`` is not mistaken for one.
    """
    source = SourceMap()
    current: _Block | None = None
    state = _LexState()
    for lineno, line in enumerate(text.split("\n"), start=1):
        start = 0
        if state.at_statement_start():
            stripped = line.lstrip()
            offset = len(line) - len(stripped)
            header = _ARRAY_HEADER.match(stripped) or _TABLE_HEADER.match(stripped)
            if header:
                if header.group(1).count(".") > MAX_DOTS_PER_LINE and source.too_dotted is None:
                    source.too_dotted = lineno
                array = header.group(0).startswith("[[")
                current = _start_block(source, _key_parts(header.group(1)), lineno, array=array)
                continue
            if key := _KEY_LINE.match(stripped):
                name = _key_parts(key.group(1))[0]
                target = current.keys if current is not None else source.top
                target.setdefault(name, lineno)
                start = offset + key.end()
                state.dots = key.group(1).count(".")
            else:
                continue
        state.feed(line, start)
        if state.max_depth > MAX_NESTING and source.too_deep is None:
            source.too_deep = lineno
        if state.dots > MAX_DOTS_PER_LINE and source.too_dotted is None:
            source.too_dotted = lineno
        state.dots = 0
    return source


def _start_block(source: SourceMap, parts: list[str], lineno: int, *, array: bool) -> _Block | None:
    name = parts[0]
    if name in _SECTIONS and len(parts) == 1 and array:
        block = _Block(lineno)
        source.blocks.setdefault(name, []).append(block)
        return block
    if name in _SECTIONS and len(parts) > 1 and source.blocks.get(name):
        # [requirement.extra] adds the key "extra" to the last requirement: locate it there
        source.blocks[name][-1].keys.setdefault(parts[1], lineno)
        return None
    source.top.setdefault(name, lineno)
    return None


class _LexState:
    """Just enough of a TOML lexer to know whether a line starts a new statement."""

    def __init__(self) -> None:
        self.string: str | None = None  # the open multi-line delimiter, if any
        self.depth = 0  # open [ and { of a value
        self.max_depth = 0
        self.dots = 0  # dots joining key parts on the current line

    def at_statement_start(self) -> bool:
        return self.string is None and self.depth == 0

    def feed(self, line: str, i: int) -> None:
        n = len(line)
        while i < n:
            if self.string is not None:
                i = self._in_multiline(line, i)
                continue
            ch = line[i]
            if ch == "#":
                return
            if line.startswith('"""', i) or line.startswith("'''", i):
                self.string = line[i : i + 3]
                i += 3
            elif ch == '"':
                i = _end_of_basic_string(line, i + 1)
            elif ch == "'":
                end = line.find("'", i + 1)
                i = n if end < 0 else end + 1
            elif ch in "[{":
                self.depth += 1
                self.max_depth = max(self.max_depth, self.depth)
                i += 1
            elif ch in "]}":
                self.depth = max(0, self.depth - 1)
                i += 1
            else:
                # a dot between digits is a decimal point; any other dot outside strings joins key parts
                self.dots += ch == "." and not (line[i - 1 : i].isdigit() and line[i + 1 : i + 2].isdigit())
                i += 1

    def _in_multiline(self, line: str, i: int) -> int:
        assert self.string is not None
        if self.string == '"""' and line[i] == "\\":
            return i + 2
        if line.startswith(self.string, i):
            # up to two extra quotes may belong to the content: """"" ends with the last three
            j = i + 3
            while j < len(line) and line[j] == self.string[0] and j < i + 5:
                j += 1
            self.string = None
            return j
        return i + 1


def _end_of_basic_string(line: str, i: int) -> int:
    while i < len(line):
        if line[i] == "\\":
            i += 2
        elif line[i] == '"':
            return i + 1
        else:
            i += 1
    return i


# --------------------------------------------------------------------------- loading

_SYNTAX_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")
#: tomllib's messages (English prefixes) → the kind of syntax error, which the web layer words
_SYNTAX_KINDS = (
    ("Cannot overwrite a value", "duplicate_key"),
    ("Cannot declare", "duplicate_table"),
    ("Unterminated string", "unterminated_string"),
    ("Illegal character", "illegal_character"),
    ("Expected '=' after a key", "missing_equals"),
    ("Invalid value", "invalid_value"),
    ("Invalid initial character for a key", "invalid_key"),
    ("Expected newline or end of document", "trailing_content"),
)


def load_spec_toml(source: str | bytes) -> Specification:
    """Parse and validate a specification file.

    Raises :class:`SpecFileError` listing every problem with its line number (a syntax error stops
    parsing, so it comes alone). Returns a valid :class:`Specification` otherwise.
    """
    text = _decode(source)
    if len(text) > MAX_SOURCE_CHARS:
        raise SpecFileError([Problem("file_too_large", {"max_chars": MAX_SOURCE_CHARS})])
    positions = scan_source(text)
    _refuse_hostile_structure(positions)
    try:
        data = tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as error:
        raise SpecFileError([_syntax_problem(error, text)]) from None
    builder = _Builder(positions)
    spec = builder.build(data)
    problems = builder.problems + [p for p in validate_spec(spec) if not builder.is_suppressed(p)]
    if problems:
        located = [builder.locate(p) for p in problems]
        raise SpecFileError(sorted(located, key=lambda p: p.line or 0))
    return spec


def _refuse_hostile_structure(positions: SourceMap) -> None:
    if positions.too_deep is not None:
        raise SpecFileError(
            [
                Problem(
                    "too_deeply_nested",
                    {"max_nesting": MAX_NESTING},
                    line=positions.too_deep,
                )
            ]
        )
    for section, blocks in positions.blocks.items():
        if len(blocks) > MAX_ENTRIES:
            raise SpecFileError(
                [
                    Problem(
                        "too_many_entries",
                        {"max_entries": MAX_ENTRIES, "table": section},
                        line=blocks[MAX_ENTRIES].line,
                    )
                ]
            )
    if positions.too_dotted is not None:
        raise SpecFileError(
            [
                Problem(
                    "too_many_key_parts",
                    {"max_dots": MAX_DOTS_PER_LINE},
                    line=positions.too_dotted,
                )
            ]
        )


def _decode(source: str | bytes) -> str:
    if isinstance(source, str):
        return source.removeprefix("\ufeff")
    try:
        return source.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as error:
        line = source.count(b"\n", 0, error.start) + 1
        raise SpecFileError(
            [
                Problem(
                    "not_utf8",
                    {},
                    line=line,
                )
            ]
        ) from None


def _syntax_problem(error: tomllib.TOMLDecodeError, text: str) -> Problem:
    raw = str(error)
    match = _SYNTAX_POSITION.search(raw)
    line = int(match.group(1)) if match else text.count("\n") + 1
    kind = next((kind for en, kind in _SYNTAX_KINDS if raw.startswith(en)), None)
    column = int(match.group(2)) if match else None
    parser_message = _SYNTAX_POSITION.sub("", raw).strip()
    return Problem(
        "toml_syntax", {"column": column, "kind": kind, "parser_message": parser_message}, line=line
    )


_SectionKey = tuple[str | None, int | None, str | None]
_E = TypeVar("_E", bound=enum.Enum)


class _Builder:
    """Turns raw TOML tables into a draft Specification, recording shape problems on the way.

    Where a field is broken the draft gets a stand-in value so the business rules can still run over
    the rest; problems the stand-in would cause are suppressed, so each mistake is reported once.
    """

    def __init__(self, source: SourceMap) -> None:
        self.source = source
        self.problems: list[Problem] = []
        self._suppressed: set[_SectionKey] = set()

    def is_suppressed(self, problem: Problem) -> bool:
        return (problem.section, problem.index, problem.field) in self._suppressed

    def locate(self, problem: Problem) -> Problem:
        return replace(problem, line=self.source.line_of(problem.section, problem.index, problem.field))

    def _add(
        self,
        code: str,
        values: dict[str, Any],
        section: str | None,
        index: int | None,
        key: str | None,
        item_id: str | None = None,
    ) -> None:
        self.problems.append(Problem(code, values, section=section, index=index, item_id=item_id, field=key))
        self._suppressed.add((section, index, key))

    def build(self, data: dict[str, Any]) -> Specification:
        self._check_top(data)
        return Specification(
            title=self._top_string(data, "title"),
            criteria=tuple(self._criterion(i, t) for i, t in enumerate(self._tables(data, "criterion"))),
            chapters=tuple(self._chapter(i, t) for i, t in enumerate(self._tables(data, "chapter"))),
            requirements=tuple(
                self._requirement(i, t) for i, t in enumerate(self._tables(data, "requirement"))
            ),
        )

    # -- top level

    def _check_top(self, data: dict[str, Any]) -> None:
        for key in data:
            if key not in _TOP_KEYS:
                self._add(
                    "unknown_key",
                    {"key": key, "suggestion": _did_you_mean(key, _TOP_KEYS)},
                    None,
                    None,
                    key,
                )
        version = data.get("format")
        if version is None:
            self._add(
                "missing_key",
                {"key": "format", "format": FORMAT_VERSION},
                None,
                None,
                "format",
            )
        elif type(version) is not int or version != FORMAT_VERSION:
            self._add(
                "unsupported_format",
                {"version": version, "format": FORMAT_VERSION},
                None,
                None,
                "format",
            )

    def _top_string(self, data: dict[str, Any], key: str) -> str:
        value = data.get(key)
        if value is None:
            self._add("missing_key", {"key": key}, None, None, key)
            return ""
        if not isinstance(value, str):
            self._add("wrong_type", {"key": key, "expected": "text"}, None, None, key)
            return ""
        return value

    def _tables(self, data: dict[str, Any], section: str) -> list[dict[str, Any]]:
        value = data.get(section, [])
        if not isinstance(value, list) or not all(isinstance(t, dict) for t in value):
            self._add("wrong_type", {"key": section, "expected": "tables"}, None, None, section)
            return []
        return value

    # -- entries

    def _entry(self, section: str, index: int, table: dict[str, Any]) -> _Entry:
        item_id = table.get("id") if isinstance(table.get("id"), str) else None
        entry = _Entry(self, section, index, table, item_id)
        allowed = _KEYS[section]
        for key in table:
            if key not in allowed:
                self._add(
                    "unknown_key",
                    {"key": key, **entry.where, "suggestion": _did_you_mean(key, allowed)},
                    section,
                    index,
                    key,
                    item_id,
                )
        for key, required in allowed.items():
            if required and key not in table:
                self._add(
                    "missing_key",
                    {"key": key, **entry.where},
                    section,
                    index,
                    key,
                    item_id,
                )
        return entry

    def _criterion(self, index: int, table: dict[str, Any]) -> Criterion:
        entry = self._entry("criterion", index, table)
        return Criterion(id=entry.string("id"), name=entry.string("name"))

    def _chapter(self, index: int, table: dict[str, Any]) -> Chapter:
        entry = self._entry("chapter", index, table)
        return Chapter(
            id=entry.string("id"),
            number=entry.string("number"),
            title=entry.string("title"),
            description=entry.string("description"),
        )

    def _requirement(self, index: int, table: dict[str, Any]) -> Requirement:
        entry = self._entry("requirement", index, table)
        kind = entry.choice("kind", Kind)
        if kind is None:
            # the kind decides whether criterion and weight are allowed: judge them only once it is known
            self._suppressed |= {("requirement", index, "criterion"), ("requirement", index, "weight")}
        answer_form = entry.choice("answer_form", AnswerForm)
        if answer_form is None:
            self._suppressed.add(("requirement", index, "unit"))
        return Requirement(
            id=entry.string("id"),
            number=entry.string("number"),
            chapter=entry.string("chapter"),
            kind=kind or Kind.INFORMASJON,
            text=entry.string("text"),
            answer_form=answer_form or AnswerForm.FRITEKST,
            unit=entry.optional_string("unit"),
            criterion=entry.optional_string("criterion"),
            weight=entry.weight(),
            documentation=entry.string("documentation"),
            source=entry.string("source"),
            municipalities=entry.municipalities(),
        )


@dataclass
class _Entry:
    """One raw ``[[section]]`` table being read field by field."""

    builder: _Builder
    section: str
    index: int
    table: dict[str, Any]
    item_id: str | None

    @property
    def where(self) -> dict[str, Any]:
        """The entry a problem is in, for its wording (the id when it has one, else its position)."""
        return {"table": self.section, "item_id": self.item_id, "position": self.index + 1}

    def _wrong(self, key: str, values: dict[str, Any], code: str = "wrong_type") -> None:
        self.builder._add(code, {**values, **self.where}, self.section, self.index, key, self.item_id)

    def string(self, key: str) -> str:
        return self.optional_string(key) or ""

    def optional_string(self, key: str) -> str | None:
        value = self.table.get(key)
        if value is None or isinstance(value, str):
            return value
        self._wrong(key, {"key": key, "expected": "text", "value": value})
        return None

    def choice(self, key: str, enum_type: type[_E]) -> _E | None:
        value = self.table.get(key)
        if value is None:
            return None
        valid = [member.value for member in enum_type]
        if isinstance(value, str) and value in valid:
            return enum_type(value)
        self._wrong(
            key,
            {"value": value, "valid": tuple(valid), "suggestion": _did_you_mean(str(value), valid)},
            code=f"unknown_{key}",
        )
        return None

    def weight(self) -> Decimal | None:
        value = self.table.get("weight")
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
            quoted_number = isinstance(value, str) and _looks_numeric(value)
            self._wrong(
                "weight", {"value": value, "quoted_number": quoted_number}, code="weight_not_a_number"
            )
            return None
        weight = Decimal(value)
        if not weight.is_finite():
            self._wrong("weight", {"value": value, "infinite": True}, code="weight_not_a_number")
            return None
        return weight

    def municipalities(self) -> tuple[str, ...]:
        value = self.table.get("municipalities")
        if value is None:
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self._wrong("municipalities", {"key": "municipalities", "expected": "list_of_text"})
            return ()
        return tuple(value)


def _looks_numeric(value: str) -> bool:
    return re.fullmatch(r"\s*[0-9]+([.,][0-9]+)?\s*", value) is not None


def _did_you_mean(word: str, options: Any) -> str | None:
    """The option closest to a misspelt ``word``, if one is close enough to suggest."""
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return close[0] if close else None


# --------------------------------------------------------------------------- dumping


def dump_spec_toml(spec: Specification) -> str:
    """Write ``spec`` in the file format; :func:`load_spec_toml` gives back an equal specification."""
    out = [f"format = {FORMAT_VERSION}", f"title = {_string(spec.title)}"]
    for criterion in spec.criteria:
        out += ["", "[[criterion]]", f"id = {_string(criterion.id)}", f"name = {_string(criterion.name)}"]
    for chapter in spec.chapters:
        out += [
            "",
            "[[chapter]]",
            f"id = {_string(chapter.id)}",
            f"number = {_string(chapter.number)}",
            f"title = {_string(chapter.title)}",
        ]
        if chapter.description:
            out.append(f"description = {_string(chapter.description)}")
    for requirement in spec.requirements:
        out += ["", "[[requirement]]", *_requirement_lines(requirement)]
    return "\n".join(out) + "\n"


def _requirement_lines(req: Requirement) -> list[str]:
    lines = [
        f"id = {_string(req.id)}",
        f"number = {_string(req.number)}",
        f"chapter = {_string(req.chapter)}",
        f"kind = {_string(req.kind.value)}",
        f"text = {_string(req.text)}",
        f"answer_form = {_string(req.answer_form.value)}",
    ]
    if req.unit is not None:
        lines.append(f"unit = {_string(req.unit)}")
    if req.criterion is not None:
        lines.append(f"criterion = {_string(req.criterion)}")
    if req.weight is not None:
        lines.append(f"weight = {normalise_weight(req.weight)}")
    if req.documentation:
        lines.append(f"documentation = {_string(req.documentation)}")
    if req.source:
        lines.append(f"source = {_string(req.source)}")
    if req.municipalities:
        lines.append(f"municipalities = [{', '.join(_string(m) for m in req.municipalities)}]")
    return lines


_BASIC_ESCAPES = {"\\": "\\\\", '"': '\\"', "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}


def _escape_char(ch: str, multiline: bool) -> str:
    if multiline and ch in "\n\t":
        return ch
    if ch in _BASIC_ESCAPES:
        return _BASIC_ESCAPES[ch]
    if ord(ch) < 0x20 or ord(ch) == 0x7F:
        return f"\\u{ord(ch):04X}"
    return ch


def _string(value: str) -> str:
    """A TOML string literal: a basic string, or a multi-line basic string when the text has line breaks."""
    if "\n" not in value:
        return '"' + "".join(_escape_char(ch, False) for ch in value) + '"'
    body = []
    for i, ch in enumerate(value):
        if ch == '"':
            # escape a quote only where it could join others into a closing """ (or touch the delimiter)
            nxt = value[i + 1] if i + 1 < len(value) else None
            body.append('\\"' if nxt in ('"', None) else '"')
        else:
            body.append(_escape_char(ch, True))
    return '"""\n' + "".join(body) + '"""'


__all__ = ["FORMAT_VERSION", "SourceMap", "dump_spec_toml", "load_spec_toml", "scan_source"]
