"""Content checks on ``arkivstruktur.xml``, run on the record of each unit during the one pass.

Only complex elements (units such as ``mappe`` and sub-structures such as ``merknad``) produce records
(see :mod:`.scan`); each record carries the text and line of the few children the checks read, in
fixed slots, so the Python work per unit is a handful of tuple reads. Whatever grows with the extract
(systemIDs, references, document objects) goes to the :class:`~tender.core.noark.store.Store`;
counters stay small.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable
from operator import itemgetter
from typing import Any, Final, NamedTuple

from .addml import Addml
from .findings import Finding, Severity
from .records import Extra, Field, Record, Unit
from .report import Collector
from .schema import CodeList, code_lists, element_infos, noark_schemas
from .schema.model import Element, Particle
from .store import UNIT_BATCH, Store

NS: Final = "{http://www.arkivverket.no/standarder/noark5/arkivstruktur}"
FILE: Final = "arkivstruktur.xml"
_DATETIME: Final = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)?$")
_DATE: Final = re.compile(r"\d{4}-\d\d-\d\d(?:Z|[+-]\d\d:\d\d)?$")
UUID: Final = re.compile(r"[a-fA-F0-9]{8}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{12}")
_UUID_FULLMATCH: Final = UUID.fullmatch
_DATETIME_MATCH: Final = _DATETIME.match

UNIT_LEVELS: Final = (
    "arkiv",
    "arkivdel",
    "klassifikasjonssystem",
    "klasse",
    "mappe",
    "registrering",
    "dokumentbeskrivelse",
    "dokumentobjekt",
)
DELIVERABLE_CASE_STATUS: Final = ("Avsluttet", "Utgår")
DELIVERABLE_JOURNAL_STATUS: Final = ("Arkivert", "Utgår")
CLOSED_PART_STATUS: Final = "Avsluttet periode"
FINISHED_DOCUMENT_STATUS: Final = "Dokumentet er ferdigstilt"
UTGAAR: Final = "Utgår"
#: code lists the catalogue calls "obligatoriske verdier" but a krav lets grow: their values are the ones a
#: system must offer, not the only ones an extract may hold (krav 6.1.4: "Andre verdier kan legges til")
OPEN_BY_KRAV: Final[dict[str, str]] = {"kassasjonsvedtak": "6.1.4"}

#: reference elements → (kind, check id)
REFERENCES: Final[dict[str, tuple[str, str]]] = {
    "referanseArkivdel": ("arkivdel", "N5V-CONTENT-06"),
    "referanseForloeper": ("arkivdel", "N5V-CONTENT-06"),
    "referanseArvtaker": ("arkivdel", "N5V-CONTENT-06"),
    "referanseSekundaerKlassifikasjon": ("klasse", "N5V-CONTENT-07"),
    "referanseTilKlasse": ("klasse", "N5V-CONTENT-08"),
    "referanseTilMappe": ("mappe", "N5V-CONTENT-08"),
    "referanseTilRegistrering": ("registrering", "N5V-CONTENT-08"),
    "referanseAvskrivesAvJournalpost": ("registrering", "N5V-CONTENT-08"),
    "referanseForrigeMoete": ("mappe", "N5V-CONTENT-08"),
    "referanseNesteMoete": ("mappe", "N5V-CONTENT-08"),
    "referanseFraMoeteregistrering": ("registrering", "N5V-CONTENT-08"),
    "referanseTilMoeteregistrering": ("registrering", "N5V-CONTENT-08"),
}

#: children the level handlers read, at fixed slot positions (systemID, where a level has one, first);
#: code-list elements and references follow in further slots
_FIELDS: Final[dict[str, tuple[str, ...]]] = {
    "arkiv": ("systemID",),
    "arkivdel": (
        "systemID",
        "tittel",
        "arkivdelstatus",
        "opprettetDato",
        "avsluttetDato",
        "arkivperiodeStartDato",
        "arkivperiodeSluttDato",
    ),
    "klassifikasjonssystem": ("systemID",),
    "klasse": ("systemID", "klasseID"),
    "mappe": (
        "systemID",
        "opprettetDato",
        "saksstatus",
        "avsluttetDato",
        "saksaar",
        "sakssekvensnummer",
        "saksdato",
        "mappeID",
    ),
    "registrering": (
        "systemID",
        "opprettetDato",
        "journalstatus",
        "journalposttype",
        "journaldato",
        "arkivertDato",
        "journalaar",
        "journalsekvensnummer",
        "journalpostnummer",
        "tittel",
        "dokumentetsDato",
        "mottattDato",
        "sendtDato",
    ),
    "dokumentbeskrivelse": (
        "systemID",
        "dokumentstatus",
        "dokumentmedium",
        "opprettetDato",
        "tilknyttetDato",
    ),
    "dokumentobjekt": (
        "systemID",
        "referanseDokumentfil",
        "sjekksum",
        "sjekksumAlgoritme",
        "filstoerrelse",
        "format",
    ),
    "avskrivning": ("avskrivningsmaate",),
}
#: slot positions of the fields above (``slots[A_OPPRETTET]`` and so on), one set per level
A_SYSTEMID, A_TITTEL, A_STATUS, A_OPPRETTET, A_AVSLUTTET, A_PERIODE_START, A_PERIODE_SLUTT = range(7)
M_SYSTEMID, M_OPPRETTET, M_STATUS, M_AVSLUTTET, M_SAKSAAR, M_SEKVENS, M_SAKSDATO, M_MAPPEID = range(8)
(
    R_SYSTEMID,
    R_OPPRETTET,
    R_JOURNALSTATUS,
    R_JOURNALPOSTTYPE,
    R_JOURNALDATO,
    R_ARKIVERT,
    R_JOURNALAAR,
    R_JOURNALSEKVENS,
    R_JOURNALPOSTNUMMER,
    R_TITTEL,
    R_DOKUMENTETS_DATO,
    R_MOTTATT,
    R_SENDT,
) = range(13)
D_SYSTEMID, D_STATUS, D_MEDIUM, D_OPPRETTET, D_TILKNYTTET = range(5)
#: the fields of a journalpost the store keeps, in the order of its table after serial, parent and line
_JOURNALPOST_FIELDS: Final = itemgetter(
    R_SYSTEMID,
    R_JOURNALAAR,
    R_JOURNALSEKVENS,
    R_JOURNALPOSTNUMMER,
    R_JOURNALDATO,
    R_DOKUMENTETS_DATO,
    R_TITTEL,
)
#: the texts of a mappe _mappe reads
_MAPPE_FIELDS: Final = itemgetter(M_SYSTEMID, M_OPPRETTET, M_AVSLUTTET, M_SAKSAAR, M_SEKVENS, M_SAKSDATO)
#: status fields the level handlers check themselves (their code-list check happens there too)
_HANDLED_CODES: Final = frozenset(
    {"arkivdelstatus", "saksstatus", "journalstatus", "journalposttype", "dokumentstatus"}
)

K_KLASSE, K_MAPPE, K_REG, K_DB, K_DO = range(5)

#: children the consistency rules (N5V-CONTENT-25 … -27) read, placed after _FIELDS' slots; their
#: positions are looked up by name once (in __init__), so _FIELDS can grow without moving them
_RULE_FIELDS: Final[dict[str, tuple[str, ...]]] = {
    "mappe": ("offentligTittel",),
    "registrering": ("offentligTittel",),
    "korrespondansepart": ("korrespondanseparttype",),
    "skjerming": ("skjermingMetadata",),
    "kassasjon": ("kassasjonsvedtak",),
}
#: M087 korrespondanseparttype values as bits, so that an open journalpost keeps one int
_PART_BITS: Final = {
    "Avsender": 1,
    "Mottaker": 2,
    "Kopimottaker": 4,
    "Gruppemottaker": 8,
    "Intern avsender": 16,
    "Intern mottaker": 32,
}
_PART_OTHER: Final = 64
#: M082 journalposttype → (korrespondanseparttyper of which it should have at least one, the same in
#: words); the types an internal document should not have are in _EXTERNAL_BITS
_PARTY_NEEDED: Final[dict[str, tuple[int, str, str]]] = {
    "Inngående dokument": (_PART_BITS["Avsender"], "«Avsender»", "'Avsender'"),
    "Utgående dokument": (
        _PART_BITS["Mottaker"] | _PART_BITS["Gruppemottaker"],
        "«Mottaker» eller «Gruppemottaker»",
        "'Mottaker' or 'Gruppemottaker'",
    ),
}
_INTERNAL_TYPES: Final = ("Organinternt dokument for oppfølging", "Organinternt dokument uten oppfølging")
_EXTERNAL_BITS: Final = _PART_BITS["Avsender"] | _PART_BITS["Mottaker"]
_SAKSFRAMLEGG: Final = "Saksframlegg"
#: M502 skjermingMetadata values that screen selected words of the title of the unit they sit on:
#: that unit then needs M025 offentligTittel
_SELECTED_WORDS: Final = {
    "Skjerming tittel mappe - utvalgte ord": "mappe",
    "Skjerming tittel registrering - utvalgte ord": "registrering",
}
_NO_KIDS: Final = (0, 0, 0, 0, 0)


class _Plan(NamedTuple):
    local: str
    counted_only: bool  #: an element ADDML asks us to count, nothing more
    handler: Any
    counted_by_parent: bool
    code_slots: tuple[tuple[int, str, CodeList, frozenset[str]], ...]
    ref_slots: tuple[tuple[int, str, str], ...]
    has_id: bool


# positions in a record (see .records)
SERIAL: Final = 1
LINE: Final = 2
PARENT_SERIAL: Final = 4
PARENT_LOCAL: Final = 5
PARENT_XSI: Final = 6


def _parent_kind(record: Record) -> str:
    """What to call the unit's parent: its xsi:type if it has one, else its name ("" at the top)."""
    return record[PARENT_XSI] or record[PARENT_LOCAL] or ""


Slots = tuple[Field | None, ...]


def _text(child: Field | None) -> str | None:
    """The stripped text of a child element, or None if there is no such child."""
    if child is None:
        return None
    return child[0].strip()


def _walk(p: Particle | None) -> list[Element]:
    if p is None:
        return []
    if isinstance(p, Element):
        return [p]
    out: list[Element] = []
    for item in p.items:
        out.extend(_walk(item))
    return out


def _children_by_element(version: str) -> dict[str, set[str]]:
    """For each complex element name: the names its content (any of its types) may hold."""
    schema = noark_schemas(version)["arkivstruktur"]
    by_type: dict[str, list[str]] = {}
    for ct in schema.complex_types:
        names = [e.label for e in _walk(ct.content)]
        if ct.extends:
            names += by_type.get(ct.extends, [])
        by_type[ct.name or ""] = names
    # extensions (saksmappe, journalpost, …) add to their base element's possible children, up the whole
    # chain: in v3.1/v4.0 moeteregistrering and journalpost extend basisregistrering, which extends
    # registrering, and a <registrering xsi:type="moeteregistrering"> holds the fields of all three
    base_of = {ct.name: ct.extends for ct in schema.complex_types if ct.name and ct.extends}
    for ct in schema.complex_types:
        own = [e.label for e in _walk(ct.content)]
        base = ct.extends
        while base:
            by_type[base] = by_type.get(base, []) + own
            base = base_of.get(base)
    out: dict[str, set[str]] = {}
    for ct in schema.complex_types:
        for e in _walk(ct.content):
            if e.type and not e.type.startswith(("mdk:", "xs:")):
                out.setdefault(e.label, set()).update(by_type.get(e.type, []))
    for e in schema.elements:
        if e.type:
            out.setdefault(e.label, set()).update(by_type.get(e.type, []))
    return out


def _emptiable(p: Particle | None) -> bool:
    """Whether a content model accepts no child element."""
    if p is None:
        return True
    if isinstance(p, Element):
        return p.min == 0
    if p.min == 0:
        return True
    if p.kind == "sequence":
        return all(_emptiable(item) for item in p.items)
    return any(_emptiable(item) for item in p.items)


def _parse_datetime(value: str) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(value.replace("Z", "+00:00") if value.endswith("Z") else value)
    except ValueError:
        return None


def _parse_date(value: str) -> dt.date | None:
    v = value.strip()
    if v.endswith("Z"):
        v = v[:-1]
    elif len(v) > 10 and v[10] in "+-":
        v = v[:10]  # xs:date may carry a time zone
    try:
        return dt.date.fromisoformat(v)
    except ValueError:
        return None


def later(a: str | None, b: str | None) -> bool:
    """Whether the date(-time) ``a`` is strictly later than ``b``; False if either is missing or unreadable
    (an unreadable date is reported by its own check). Two xs:dateTimes compare as instants (one without
    a time zone counts as UTC, as SQLite's julianday() has it, so that the store's SQL agrees); where one
    side is an xs:date, the two compare on the date as written."""
    if not a or not b:
        return False
    if len(a) == len(b) == 19 and a <= b and a[10] == "T" == b[10]:
        return False  # the common case, both "YYYY-MM-DDThh:mm:ss": not later, no parsing
    if (len(a) == 10 and a <= b[:10]) or (len(b) == 10 and a[:10] <= b):
        return False  # a date against a date(-time), on the day as written: not later
    if "T" in a and "T" in b:
        x, y = _parse_datetime(a), _parse_datetime(b)
        if x is None or y is None:
            return False
        if x.tzinfo is None:
            x = x.replace(tzinfo=dt.UTC)
        if y.tzinfo is None:
            y = y.replace(tzinfo=dt.UTC)
        return x > y
    d, e = _parse_date(a[:10]), _parse_date(b[:10])
    return d is not None and e is not None and d > e


#: per open registrering: its dokumentbeskrivelser's (tilknyttetDato, line, systemID), at most this many
_ATTACHED_MAX: Final = 50
#: per open mappe: its registreringer held against its dates when it ends, at most this many (memory stays
#: flat however large one folder is; the rest of a larger folder is not checked against it)
_PENDING_MAX: Final = 10_000


class ArkivstrukturHandler:
    """The content checks and statistics of ``arkivstruktur.xml``."""

    def __init__(
        self,
        version: str,
        addml: Addml | None,
        store: Store,
        collector: Collector,
        extra_counted: set[str] | None = None,
    ) -> None:
        self.version = version
        self.addml = addml
        self.store = store
        self.out = collector
        self.v5 = version == "5.0"
        children = _children_by_element(version)
        self.containers = sorted(set(children) | {"arkiv", "virksomhetsspesifikkeMetadata"})
        codes = code_lists() if self.v5 else {}
        self.codes = {name: c for name, c in codes.items() if c.closed and name not in OPEN_BY_KRAV}
        self.code_sets = {name: frozenset(c.values) for name, c in self.codes.items()}
        self.infos = element_infos(version)
        # per container: the children to read, in slot order (the recorder fills the slots in C)
        self.slots: dict[str, list[str]] = {}
        for name in self.containers:
            fixed = list(_FIELDS.get(name, ()))
            possible = children.get(name, set())
            more = sorted(c for c in possible if (c in self.codes or c in REFERENCES) and c not in fixed)
            rule = [c for c in _RULE_FIELDS.get(name, ()) if c not in fixed]
            self.slots[name] = fixed + rule + [c for c in more if c not in rule]
        self.extra_counted = set(extra_counted or ()) - set(self.containers)
        #: slot positions of the _RULE_FIELDS, looked up once
        self._kp_type = self.slots.get("korrespondansepart", []).index("korrespondanseparttype")
        self._kp_index = self.containers.index("korrespondansepart")
        self._skjerming_metadata = self.slots.get("skjerming", []).index("skjermingMetadata")
        self._vedtak = self.slots.get("kassasjon", []).index("kassasjonsvedtak")
        self._public_title = {
            level: self.slots[level].index("offentligTittel") for level in ("mappe", "registrering")
        }

        self.levels: Counter[str] = Counter()
        self.types: dict[str, Counter[str]] = {"mappe": Counter(), "registrering": Counter()}
        self.per_year: dict[str, Counter[str]] = {"mappe": Counter(), "registrering": Counter()}
        self.status: dict[str, Counter[str]] = {
            k: Counter()
            for k in (
                "arkivdelstatus",
                "saksstatus",
                "journalstatus",
                "dokumentstatus",
                "journalposttype",
                "avskrivningsmaate",
            )
        }
        self.by_parent: dict[str, Counter[str]] = {
            k: Counter()
            for k in (
                "merknad",
                "skjerming",
                "kassasjon",
                "presedens",
                "utfoertKassasjon",
                "part",
                "sakspart",
            )
        }
        self.formats: Counter[str] = Counter()
        self.extra: Counter[str] = Counter()
        self.arkivdeler: list[dict[str, Any]] = []
        self._bucket: Counter[str] = Counter()
        self._bucket_dates: list[str | None] = [None, None]
        #: open units (by serial) → how many klasse, mappe, registrering, dokumentbeskrivelse,
        #: dokumentobjekt they hold
        self._kids: dict[int, list[int]] = {}
        self._ids: list[tuple[str, int, str]] = []
        self.classification: Counter[str] = Counter()
        self.empty_units: Counter[str] = Counter()
        self.non_uuid = 0
        #: first and last journaldato / registrering opprettetDato, as ISO strings
        self.journal_dates: list[str | None] = [None, None]
        self.journalposts = 0
        self.reg_dates: list[str | None] = [None, None]
        #: open registreringer (by serial) → their dokumentbeskrivelser's tilknyttetDato (see _ATTACHED_MAX)
        self._attached: dict[int, list[tuple[str, int, str | None]]] = {}
        #: whether journal numbers, case numbers, journalpostnummer within a case may repeat: the first two
        #: stay False while every number is larger than those before it in its year, the common case, in which
        #: the store need not be asked (see _ascending); journalpostnummer is looked at when a mappe ends
        self.numbers_unsure = [False, False, False]
        #: the store's batch of journalposter, filled here directly (see _registrering)
        self._journalpost_rows = store.journalpost_rows
        #: values of journalstatus/journalposttype that need no look beyond a set lookup: in the code list
        #: (if there is one), written without white space, and (journalstatus) deliverable but not «Utgår»
        self._plain_journalstatus = frozenset(
            v
            for v in DELIVERABLE_JOURNAL_STATUS
            if v != UTGAAR and ("journalstatus" not in self.code_sets or v in self.code_sets["journalstatus"])
        )
        self._plain_journalposttype = frozenset(
            v for v in self.code_sets.get("journalposttype", ()) if v and v == v.strip()
        )
        self._journal_numbers: dict[str, int] = {}
        self._case_numbers: dict[str, int] = {}
        #: open mapper (by serial) → their registreringer: (opprettetDato, journaldato, systemID, line) as
        #: recorded, held against the mappe's dates when it ends (records come post-order)
        self._pending: dict[int, list[tuple[str | None, str | None, Field | None, int, Field | None]]] = {}
        #: in the current arkivdel: the earliest and the latest registrering by opprettetDato (sortable key,
        #: value, systemID, line, kind), held against the arkivdel's dates when it ends
        self._reg_extremes: list[tuple[str, Field, Field | None, int, str] | None] = [None, None]
        #: in the current arkivdel: the earliest and latest mappe opprettetDato, and whether one was not in
        #: the plain form that sorts as text (then the store is always asked)
        self._mappe_extremes: list[str | None] = [None, None]
        self._mappe_irregular = False
        a = addml
        self._period_bounds: tuple[str, str] | None = (
            (a.period_start.isoformat(), a.period_end.isoformat())
            if a is not None
            and a.sharp_separation
            and a.period_start is not None
            and a.period_end is not None
            else None
        )
        self.complete = False
        # the consistency rules: everything here is keyed by the serial of an open unit and dropped when
        # that unit ends, so it holds at most one entry per level of nesting
        #: open registrering → bits of the korrespondanseparttyper seen in it
        self._parts: dict[int, int] = {}
        #: open unit → what to do when it ends (see _settle)
        self._watch: dict[int, list[tuple[Any, ...]]] = {}
        #: kassasjonsvedtak of the open units that have a kassasjon, innermost last: (serial, value, line)
        self._disposals: list[tuple[int, str, int]] = []
        self._lets_empty_cache: dict[str, bool] = {}
        simple = {st.name: st for st in noark_schemas(version)["metadatakatalog"].simple_types}
        self._simple_types = simple
        self._dispatch: dict[str, Callable[[Record, str, Slots], None]] = {
            "arkiv": self._arkiv,
            "arkivdel": self._arkivdel,
            "klasse": self._klasse,
            "mappe": self._mappe,
            "registrering": self._registrering,
            "dokumentbeskrivelse": self._dokumentbeskrivelse,
            "dokumentobjekt": self._dokumentobjekt,
            "kryssreferanse": self._no_op,
            "avskrivning": self._avskrivning,
            "korrespondansepart": self._korrespondansepart,
            "skjerming": self._skjerming,
            "kassasjon": self._kassasjon,
            "utfoertKassasjon": self._utfoert_kassasjon,
        }

        # per unit (in the order of units()): everything end() needs for it, looked up once
        self._plans: list[_Plan] = []
        for name in self.containers:
            names = self.slots[name]
            codes_ = tuple(
                (i, n, self.codes[n], self.code_sets[n])
                for i, n in enumerate(names)
                if n in self.codes and n not in _HANDLED_CODES
            )
            refs = tuple((i, n, REFERENCES[n][0]) for i, n in enumerate(names) if n in REFERENCES)
            self._plans.append(
                _Plan(
                    name,
                    False,
                    self._dispatch.get(name),
                    name in self.by_parent,
                    codes_,
                    refs,
                    bool(names) and names[0] == "systemID",
                )
            )
        for name in sorted(self.extra_counted):
            self._plans.append(_Plan(name, True, None, False, (), (), False))

    # -- ElementHandler protocol

    def units(self) -> list[Unit]:
        """Containers, with the children the checks read, plus any element ADDML asks us to count.

        A unit whose only checks are its code values (korrespondansepart, say), and an element that is
        only counted, is "light": it needs a record only when something may be wrong with it.
        """
        out: list[Unit] = []
        for plan in self._plans:
            children = [NS + n for n in self.slots.get(plan.local, ())] if not plan.counted_only else []
            light = plan.counted_only or (
                plan.handler is None
                and not plan.counted_by_parent
                and not plan.has_id
                and not plan.ref_slots
                and len(plan.code_slots) == len(children)
            )
            allowed = {i: sorted(values) for i, _name, _code, values in plan.code_slots} if light else None
            out.append((NS + plan.local, children, allowed))
        return out

    def skipped(self, counts: list[int]) -> None:
        for plan, n in zip(self._plans, counts, strict=False):
            if n:
                (self.extra if plan.counted_only else self.levels)[plan.local] += n

    def empty_leaves(self) -> int:
        # v3.1/v4.0 strings may be empty as far as the schema goes; the standard says they may not
        # (krav 6.4.5). Every v5.0 string has minLength 1, so the schema refuses <x/> and <x></x>
        # already, but not <x> </x>: ask only for leaves holding white space (mode 2)
        return 2 if self.v5 else 1

    def end(self, record: Record) -> None:
        """Process one unit's record (the hot path: kept lean on purpose)."""
        index, _serial, line, xsi, parent_serial, _pl, _px, n_children, has_text, slots, extra, empties = (
            record
        )
        if index == self._kp_index and extra is None and empties is None and n_children:
            # one per journalpost or more: the common case without the general steps below
            field = slots[self._kp_type]
            bit = _PART_BITS.get(field[0]) if field is not None else None
            if bit is not None and _pl == "registrering" and (not self._watch or _serial not in self._watch):
                self.levels["korrespondansepart"] += 1
                parts = self._parts
                parts[parent_serial] = parts.get(parent_serial, 0) | bit
                return
        plan = self._plans[index]
        local, counted_only, handler, counted_by_parent, code_slots, ref_slots, has_id = plan
        if counted_only:
            self.extra[local] += 1
            return
        self.levels[local] += 1
        kind = xsi or local
        if has_id:
            first = slots[0]
            if first is not None:
                # _system_id's common case (a UUID), inlined on the hot path
                value = first[0].strip()
                ids = self._ids
                ids.append((value, first[1], local))
                if _UUID_FULLMATCH(value) is None:
                    self._not_uuid(value, kind, first[1])
                if len(ids) >= 20_000:
                    self.store.add_ids(ids)
                    ids.clear()
        for i, name, code, allowed in code_slots:
            child = slots[i]
            if child is not None:
                value = child[0].strip()
                if value and value not in allowed:
                    self._code(name, code, child, value)
        for i, name, target in ref_slots:
            child = slots[i]
            if child is not None:
                value = child[0].strip()
                if value:
                    self.store.add_ref(value, child[1], target, name, FILE)
        if extra is not None:
            self._extras(local, kind, plan, extra)
        if self._watch and _serial in self._watch:
            self._settle(record, kind, slots, has_id)
        if handler is not None:
            handler(record, kind, slots)
        elif counted_by_parent and parent_serial:
            self.by_parent[local][_parent_kind(record)] += 1
        if empties is not None and local != "virksomhetsspesifikkeMetadata":
            self._empty_leaves(record, kind, empties, has_id)
        if n_children == 0 and not has_text and local != "virksomhetsspesifikkeMetadata":
            # a complex element with nothing in it: ours to report where its schema type lets it be empty
            # (kryssreferanse, say); where the type needs a child the schema error names it already
            if self._may_be_empty(xsi or self.infos[local].type if local in self.infos else xsi):
                self._report_empty(line, local, _parent_kind(record), parent_serial)

    def _extras(self, local: str, kind: str, plan: _Plan, extra: tuple[Extra, ...]) -> None:
        """Second and later occurrences of a child: repeatable references and codes, or repeated systemIDs."""
        codes = {i: (n, c) for i, n, c, _allowed in plan.code_slots}
        refs = {i: (n, k) for i, n, k in plan.ref_slots}
        for i, text, line in extra:
            if plan.has_id and i == 0:
                self._system_id(local, kind, (text, line))
            elif i in codes:
                self._code(codes[i][0], codes[i][1], (text, line))
            elif i in refs:
                value = text.strip()
                if value:
                    self.store.add_ref(value, line, refs[i][1], refs[i][0], FILE)

    def _code(self, name: str, code: CodeList, child: Field, value: str | None = None) -> None:
        if value is None:
            value = child[0].strip()
        if value and value not in self.code_sets[name]:
            line = child[1]
            allowed = ", ".join(f"«{v}»" for v in code.values)
            allowed_en = ", ".join(f"'{v}'" for v in code.values)
            self._add(
                "N5V-CONTENT-13",
                Severity.ERROR,
                f"{code.m_number} {name} har verdien «{value}» på linje {line}, som ikke er "
                f"blant de obligatoriske verdiene i metadatakatalogen: {allowed}.",
                f"{code.m_number} {name} has the value '{value}' on line {line}, which is not "
                f"one of the mandatory values of the metadata catalogue: {allowed_en}.",
                line,
                name,
            )

    def _status(self, name: str, child: Field | None) -> str | None:
        """The text of a status field a level handler checks itself, with its code-list check."""
        if child is None:
            return None
        value = child[0].strip()
        allowed = self.code_sets.get(name)
        if allowed is not None and value and value not in allowed:
            self._code(name, self.codes[name], child, value)
        return value

    def finish(self, complete: bool) -> None:
        """End of the file."""
        self.complete = complete
        self.out.ran("N5V-CONTENT-25", "N5V-CONTENT-26", "N5V-CONTENT-27")
        # units left open by a file that broke off: their findings go out without a systemID
        for tasks in self._watch.values():
            for task in tasks:
                if task[0] == "finding":
                    self._add(*task[1], **task[2])
        self._watch.clear()
        self._parts.clear()
        self._disposals.clear()
        self.store.add_ids(self._ids)
        self._ids.clear()
        self.store.flush()

    # -- shared steps

    def _add(
        self,
        check: str,
        severity: Severity,
        no: str,
        en: str,
        line: int | None,
        element: str | None,
        *,
        unit: str | None = None,
        arkade: tuple[str, ...] = (),
    ) -> None:
        info = self.infos.get(element) if element else None
        self.out.add(
            Finding(
                check,
                severity,
                no,
                en,
                FILE,
                line,
                None,
                element,
                info.m_number if info else None,
                unit,
                arkade,
            )
        )

    def _system_id(self, local: str, kind: str, child: Field) -> None:
        value = child[0].strip()
        line = child[1]
        ids = self._ids
        ids.append((value, line, local))
        if _UUID_FULLMATCH(value) is None:
            self._not_uuid(value, kind, line)
        if len(ids) >= 20_000:
            self.store.add_ids(ids)
            ids.clear()

    def _not_uuid(self, value: str, kind: str, line: int) -> None:
        self.non_uuid += 1
        if self.v5:
            self._add(
                "N5V-CONTENT-05",
                Severity.ERROR,
                f"M001 systemID «{value}» i {kind} på linje {line} er ikke en UUID.",
                f"M001 systemID '{value}' in {kind} on line {line} is not a UUID.",
                line,
                "systemID",
            )

    def _report_empty(
        self,
        line: int,
        name: str,
        where: str | None,
        owner: int,
        unit: str | None = None,
        blank: bool = False,
    ) -> None:
        """An element without content, in the unit ``owner`` (its serial; ``unit`` its systemID if known)."""
        where = f"{where or ''} {unit}" if unit else where or ""
        what_no = "har bare blanke tegn" if blank else "er tomt"
        what_en = "holds only white space" if blank else "is empty"
        no = (
            f"{self._mname(name)} i {where} på linje {line} {what_no}; tomme elementer skal ikke leveres "
            "(krav 6.4.5)."
        )
        en = (
            f"{self._mname(name)} in {where} on line {line} {what_en}; empty elements must not be "
            "delivered (krav 6.4.5)."
        )
        if unit is not None:
            self._add("N5V-CONTENT-14", Severity.ERROR, no, en, line, name, unit=unit)
        else:
            self._add_in(owner, "N5V-CONTENT-14", Severity.ERROR, no, en, line, name)

    def _empty_leaves(
        self, record: Record, kind: str, empties: tuple[tuple[str, int], ...], has_id: bool
    ) -> None:
        """Child leaves without text (N5.63): those the schema of this version lets through."""
        slots = record[9]
        unit = _text(slots[0]) if has_id else None
        for name, leaf_line in empties:
            if self._lets_empty(name):
                self._report_empty(leaf_line, name, kind, record[PARENT_SERIAL], unit or None, self.v5)

    def _lets_empty(self, name: str) -> bool:
        """Whether the schema of this version accepts ``name`` empty or white space only (in v5.0 the
        recorder reports only white space): a string type without enumeration or pattern. Dates, numbers,
        code lists of v3.1/v4.0 and UUIDs are refused by the schema already: no second finding."""
        cached = self._lets_empty_cache.get(name)
        if cached is not None:
            return cached
        info = self.infos.get(name)
        ref = info.type if info is not None else None
        if ref is None:
            lets = False  # not an element of the schema: the schema error names it already
        elif ref.startswith("xs:"):
            lets = ref == "xs:string"
        elif ref.startswith("mdk:"):
            st = self._simple_types.get(ref[4:])
            lets = (
                st is not None
                and st.base == "xs:string"
                and not st.union
                and not st.union_members
                and not any(facet in ("enumeration", "pattern") for facet, _v in st.facets)
            )
        else:
            lets = False  # a complex type: reported as an empty unit, if the schema lets it be empty
        self._lets_empty_cache[name] = lets
        return lets

    def _may_be_empty(self, type_name: str | None) -> bool:
        """Whether the complex type ``type_name`` of arkivstruktur accepts no content at all."""
        if type_name is None:
            return True
        cached = self._lets_empty_cache.get("type:" + type_name)
        if cached is not None:
            return cached
        types = {ct.name: ct for ct in noark_schemas(self.version)["arkivstruktur"].complex_types}
        seen: set[str] = set()
        ct = types.get(type_name)
        lets = True
        while ct is not None and lets and ct.name not in seen:
            seen.add(ct.name or "")
            lets = ct.simple_content is None and _emptiable(ct.content)
            ct = types.get(ct.extends) if ct.extends else None
        self._lets_empty_cache["type:" + type_name] = lets
        return lets

    # -- findings that name the unit they sit in

    def _add_in(
        self,
        owner: int,
        check: str,
        severity: Severity,
        no: str,
        en: str,
        line: int | None,
        element: str | None,
        arkade: tuple[str, ...] = (),
    ) -> None:
        """A finding inside the open unit ``owner`` (a serial), whose systemID is known when it ends; it
        waits for it there (or in the nearest unit above that has one)."""
        if not owner:
            self._add(check, severity, no, en, line, element, arkade=arkade)
            return
        self._watch.setdefault(owner, []).append(
            ("finding", (check, severity, no, en, line, element), {"arkade": arkade})
        )

    def _settle(self, record: Record, kind: str, slots: Slots, has_id: bool) -> None:
        """A unit others waited for has ended: its systemID, offentligTittel and contents are known."""
        serial = record[SERIAL]
        tasks = self._watch.pop(serial)
        unit = _text(slots[0]) if has_id else None
        for task in tasks:
            what = task[0]
            if what == "finding":
                if unit:
                    check, severity, no, en, line, element = task[1]
                    no += f" Enheten er {kind} {unit} på linje {record[LINE]}."
                    en += f" The unit is {kind} {unit} on line {record[LINE]}."
                    self._add(check, severity, no, en, line, element, unit=unit, **task[2])
                elif record[PARENT_SERIAL]:
                    self._watch.setdefault(record[PARENT_SERIAL], []).append(task)
                else:
                    self._add(*task[1], **task[2])
            elif what == "disposal":
                while self._disposals and self._disposals[-1][0] == serial:
                    self._disposals.pop()
            elif what == "public title":
                self._check_public_title(record, kind, slots, unit, task[1], task[2])
            elif what == "kassert":
                self._check_kassert_kept(record, kind, unit, task[1])

    # -- N5V-CONTENT-25: korrespondansepart against journalposttype

    def _korrespondansepart(self, record: Record, kind: str, slots: Slots) -> None:
        if record[PARENT_LOCAL] != "registrering":
            return  # elsewhere the schema refuses it
        field = slots[self._kp_type]
        bit = _PART_BITS.get(field[0].strip(), _PART_OTHER) if field is not None else _PART_OTHER
        parts = self._parts
        parent = record[PARENT_SERIAL]
        parts[parent] = parts.get(parent, 0) | bit

    def _check_parties(self, record: Record, kind: str, slots: Slots) -> None:
        """Called by _registrering for every registrering (its korrespondanseparter are known now)."""
        seen = self._parts.pop(record[SERIAL], None)
        if kind != "journalpost":
            return
        field = slots[R_JOURNALPOSTTYPE]
        if seen is not None and field is not None:
            # the common case first, on the text as it stands (once per journalpost: kept cheap)
            needed = _PARTY_NEEDED.get(field[0])
            if needed is not None:
                if seen & needed[0]:
                    return
            elif field[0] == _SAKSFRAMLEGG or (field[0] in _INTERNAL_TYPES and not seen & _EXTERNAL_BITS):
                return
        jtype = _text(field)
        if seen is not None and jtype:
            needed = _PARTY_NEEDED.get(jtype)
            if needed is not None:
                if seen & needed[0]:
                    return
            elif jtype not in _INTERNAL_TYPES or not seen & _EXTERNAL_BITS:
                return
        line = record[LINE]
        unit = _text(slots[R_SYSTEMID]) or None
        if seen is None:
            if self.v5:  # v3.1/v4.0 schemas require korrespondansepart on a journalpost themselves
                self._add(
                    "N5V-CONTENT-25",
                    Severity.WARNING,
                    f"Journalpost {unit or ''} på linje {line} (M082 journalposttype «{jtype or ''}») har "
                    "ingen korrespondansepart; en journalpost skal ha korrespondansepart (krav 2.6.3).",
                    f"Journal record {unit or ''} on line {line} (M082 journalposttype '{jtype or ''}') has "
                    "no korrespondansepart; a journal record shall have a correspondence party (krav 2.6.3).",
                    line,
                    "korrespondansepart",
                    unit=unit,
                )
            return
        if not jtype:
            return  # N5V-CONTENT-15 reports a missing type
        found_no = ", ".join(f"«{n}»" for n, b in _PART_BITS.items() if seen & b) or "ingen kjent type"
        found_en = ", ".join(f"'{n}'" for n, b in _PART_BITS.items() if seen & b) or "no known type"
        needed = _PARTY_NEEDED.get(jtype)
        if needed is not None and not seen & needed[0]:
            self._add(
                "N5V-CONTENT-25",
                Severity.WARNING,
                f"Journalpost {unit} på linje {line} har M082 journalposttype «{jtype}», men ingen "
                f"korrespondansepart med M087 korrespondanseparttype {needed[1]} (fant {found_no}).",
                f"Journal record {unit} on line {line} has M082 journalposttype '{jtype}' but no "
                f"correspondence party with M087 korrespondanseparttype {needed[2]} (found {found_en}).",
                line,
                "korrespondanseparttype",
                unit=unit,
            )
        elif jtype in _INTERNAL_TYPES and seen & _EXTERNAL_BITS:
            self._add(
                "N5V-CONTENT-25",
                Severity.WARNING,
                f"Journalpost {unit} på linje {line} har M082 journalposttype «{jtype}», men "
                f"korrespondanseparter av M087 korrespondanseparttype {found_no}; et organinternt dokument "
                "har «Intern avsender»/«Intern mottaker», ikke ekstern «Avsender»/«Mottaker».",
                f"Journal record {unit} on line {line} has M082 journalposttype '{jtype}' but correspondence "
                f"parties of M087 korrespondanseparttype {found_en}; an internal document has 'Intern "
                "avsender'/'Intern mottaker', not an external 'Avsender'/'Mottaker'.",
                line,
                "korrespondanseparttype",
                unit=unit,
            )

    # -- N5V-CONTENT-26: skjerming complete

    def _values(self, record: Record, slot: int) -> list[tuple[str, int]]:
        """Every occurrence of the child in ``slot``: (stripped text, line)."""
        first = record[9][slot]
        out = [(first[0].strip(), first[1])] if first is not None else []
        out += [(text.strip(), line) for i, text, line in record[10] or () if i == slot]
        return out

    def _skjerming(self, record: Record, kind: str, slots: Slots) -> None:
        parent = record[PARENT_SERIAL]
        if not parent:
            return
        self.by_parent["skjerming"][_parent_kind(record)] += 1
        for value, line in self._values(record, self._skjerming_metadata):
            if _SELECTED_WORDS.get(value) == record[PARENT_LOCAL]:
                self._watch.setdefault(parent, []).append(("public title", value, line))

    def _check_public_title(
        self, record: Record, kind: str, slots: Slots, unit: str | None, value: str, line: int
    ) -> None:
        level = self._plans[record[0]].local
        if _text(slots[self._public_title[level]]):
            return
        self._add(
            "N5V-CONTENT-26",
            Severity.ERROR,
            f"{kind} {unit} på linje {record[LINE]} har M502 skjermingMetadata «{value}» (linje {line}), men "
            "mangler M025 offentligTittel, som da er obligatorisk i arkivuttrekket.",
            f"{kind} {unit} on line {record[LINE]} has M502 skjermingMetadata '{value}' (line {line}) but "
            "no M025 offentligTittel, which is then mandatory in the extract.",
            record[LINE],
            "offentligTittel",
            unit=unit,
        )

    # -- N5V-CONTENT-27: kassasjon complete

    def _kassasjon(self, record: Record, kind: str, slots: Slots) -> None:
        parent = record[PARENT_SERIAL]
        if not parent:
            return
        self.by_parent["kassasjon"][_parent_kind(record)] += 1
        field = slots[self._vedtak]
        if field is None:
            return  # the schema requires it
        # what the units inside the parent inherit (krav 6.1.1–6.1.3), until the parent ends
        self._disposals.append((parent, field[0].strip(), field[1]))
        self._watch.setdefault(parent, []).append(("disposal",))

    def _utfoert_kassasjon(self, record: Record, kind: str, slots: Slots) -> None:
        parent = record[PARENT_SERIAL]
        if not parent:
            return
        self.by_parent["utfoertKassasjon"][_parent_kind(record)] += 1
        if self._disposals and self._disposals[-1][1] == "Bevares":
            _owner, value, vline = self._disposals[-1]
            where = "selv" if _owner == parent else "arvet ovenfra"
            where_en = "its own" if _owner == parent else "inherited from above"
            self._add_in(
                parent,
                "N5V-CONTENT-27",
                Severity.WARNING,
                f"{_parent_kind(record)} har utfoertKassasjon (M630 kassertDato, linje {record[LINE]}), men "
                f"M450 kassasjonsvedtak er «{value}» (linje {vline}, {where}): et dokument som skal "
                "bevares, er kassert.",
                f"{_parent_kind(record)} has utfoertKassasjon (M630 kassertDato, line {record[LINE]}) but "
                f"M450 kassasjonsvedtak is '{value}' (line {vline}, {where_en}): a document to be kept was "
                "disposed of.",
                record[LINE],
                "kassasjonsvedtak",
            )
        if record[PARENT_LOCAL] == "dokumentbeskrivelse":
            self._watch.setdefault(parent, []).append(("kassert", record[LINE]))

    def _check_kassert_kept(self, record: Record, kind: str, unit: str | None, kassert_line: int) -> None:
        kids = self._kids.get(record[SERIAL]) or _NO_KIDS
        if not kids[K_DO]:
            return
        self._add(
            "N5V-CONTENT-27",
            Severity.WARNING,
            f"dokumentbeskrivelse {unit} på linje {record[LINE]} har utfoertKassasjon med M630 kassertDato "
            f"(linje {kassert_line}), men også {kids[K_DO]} dokumentobjekt; av et kassert dokument skal "
            "bare metadata ned til dokumentbeskrivelse leveres (krav 6.4.27).",
            f"dokumentbeskrivelse {unit} on line {record[LINE]} has utfoertKassasjon with M630 kassertDato "
            f"(line {kassert_line}) "
            f"but also {kids[K_DO]} dokumentobjekt; of a disposed document only the metadata down to "
            "dokumentbeskrivelse are delivered (krav 6.4.27).",
            record[LINE],
            "kassertDato",
            unit=unit,
        )

    def _mname(self, name: str) -> str:
        info = self.infos.get(name)
        return f"{info.m_number} {name}" if info and info.m_number else name

    def _count_in_parent(self, record: Record, kind: int) -> None:
        parent = record[PARENT_SERIAL]
        if parent:
            kids = self._kids.get(parent)
            if kids is None:
                kids = self._kids[parent] = [0, 0, 0, 0, 0]
            kids[kind] += 1

    # -- levels

    def _no_op(self, record: Record, kind: str, slots: Slots) -> None:
        return

    def _arkiv(self, record: Record, kind: str, slots: Slots) -> None:
        if record[PARENT_SERIAL]:
            self.levels["arkiv (underarkiv)"] += 1

    def _arkivdel(self, record: Record, kind: str, slots: Slots) -> None:
        # slots: systemID, tittel, arkivdelstatus
        self._kids.pop(record[SERIAL], None)
        self._arkivdel_dates(record, slots)
        self._units_against_arkivdel(record, slots)
        field = slots[2]
        status = self._status("arkivdelstatus", field)
        if status is not None and field is not None:
            self.status["arkivdelstatus"][status] += 1
            if status != CLOSED_PART_STATUS:
                self._open_part(field, status, _text(slots[A_SYSTEMID]))
        # every folder and registration since the previous arkivdel ended belongs to this one
        self.arkivdeler.append(
            {
                "systemID": _text(slots[0]),
                "tittel": _text(slots[1]),
                "status": status,
                "mapper": self._bucket["mappe"],
                "registreringer": self._bucket["registrering"],
                "first_registration": self._bucket_dates[0],
                "last_registration": self._bucket_dates[1],
                # the archival period as written (the journals must cover it: krav 6.4.29)
                "period_start": _text(slots[A_PERIODE_START]),
                "period_end": _text(slots[A_PERIODE_SLUTT]),
            }
        )
        self._bucket = Counter()
        self._bucket_dates = [None, None]

    def _open_part(self, field: Field, status: str, unit: str | None) -> None:
        # M051: "Arkivdeler som avleveres skal ha status «Avsluttet periode»" — a "skal" rule: an error
        line = field[1]
        self._add(
            "N5V-CONTENT-21",
            Severity.ERROR,
            f"M051 arkivdelstatus er «{status}» i arkivdel {unit} på linje {line}; arkivdeler som avleveres "
            f"skal ha status «{CLOSED_PART_STATUS}».",
            f"M051 arkivdelstatus is '{status}' in arkivdel {unit} on line {line}; archive parts in a "
            f"transfer must have the status '{CLOSED_PART_STATUS}'.",
            line,
            "arkivdelstatus",
            unit=unit or None,
        )

    def _arkivdel_dates(self, record: Record, slots: Slots) -> None:
        """An arkivdel's own dates against each other; its units' dates against them come at the end
        (phases/unitchecks.py, from the store)."""
        system_id = _text(slots[A_SYSTEMID])
        created, closed = _text(slots[A_OPPRETTET]), _text(slots[A_AVSLUTTET])
        start, end = _text(slots[A_PERIODE_START]), _text(slots[A_PERIODE_SLUTT])
        unit = system_id or "uten systemID"
        if later(created, closed):
            self._contradiction(
                f"Arkivdel {unit} på linje {record[LINE]} er avsluttet før den ble opprettet: "
                f"M602 avsluttetDato {closed} er tidligere enn M600 opprettetDato {created}.",
                f"Archive part {unit} on line {record[LINE]} was closed before it was created: "
                f"M602 avsluttetDato {closed} is earlier than M600 opprettetDato {created}.",
                slots[A_AVSLUTTET],
                "avsluttetDato",
                system_id,
            )
        if later(start, end):
            self._contradiction(
                f"Arkivperioden i arkivdel {unit} på linje {record[LINE]} slutter før den begynner: "
                f"M108 arkivperiodeSluttDato {end} er tidligere enn M107 arkivperiodeStartDato {start}.",
                f"The archival period of archive part {unit} on line {record[LINE]} ends before it starts: "
                f"M108 arkivperiodeSluttDato {end} is earlier than M107 arkivperiodeStartDato {start}.",
                slots[A_PERIODE_SLUTT],
                "arkivperiodeSluttDato",
                system_id,
            )

    def _units_against_arkivdel(self, record: Record, slots: Slots) -> None:
        """The mapper and registreringer of the arkivdel that has just ended against its dates: created after
        it was closed (krav 2.3.6: a closed arkivdel takes no more mapper or registreringer), or before its
        archival period began (a warning: a folder open at a soft period change is carried over)."""
        created, closed = _text(slots[A_OPPRETTET]), _text(slots[A_AVSLUTTET])
        start = _text(slots[A_PERIODE_START])
        reg_first, reg_last = self._reg_extremes
        low, high = self._mappe_extremes
        irregular = self._mappe_irregular
        self._reg_extremes, self._mappe_extremes, self._mappe_irregular = [None, None], [None, None], False
        if later(created, closed):
            closed = None  # closed before it was created: that finding says what is wrong
        if not closed and not start:
            return
        part = (_text(slots[A_SYSTEMID]), record[LINE])
        if irregular or later(high, closed) or later(start, low):
            for _serial, sid, line, kind, value in self.store.mapper_against_arkivdel(
                record[SERIAL], closed, start
            ):
                self._against_arkivdel("mappe", kind, sid, line, value, part, closed, start, "")
        # registreringer: the latest stands for those after the closing, the earliest for those before the
        # period (there are too many to keep them all)
        if reg_last is not None and closed:
            _key, reg_created, reg_id, line, kind = reg_last
            self._against_arkivdel(
                "registrering",
                kind,
                _text(reg_id),
                line,
                reg_created[0].strip(),
                part,
                closed,
                None,
                "Den er den sist opprettede",
            )
        if reg_first is not None and start:
            _key, reg_created, reg_id, line, kind = reg_first
            self._against_arkivdel(
                "registrering",
                kind,
                _text(reg_id),
                line,
                reg_created[0].strip(),
                part,
                None,
                start,
                "Den er den først opprettede",
            )

    def _against_arkivdel(
        self,
        level: str,
        kind: str,
        sid: str | None,
        line: int,
        created: str,
        part: tuple[str | None, int],
        closed: str | None,
        start: str | None,
        extreme: str,
    ) -> None:
        what_no = {"mappe": "Mappe", "registrering": "Registrering"}[level]
        what_en = {"mappe": "Folder", "registrering": "Registration"}[level]
        kind_ = f" ({kind})" if kind and kind != level else ""
        name_no = f"{what_no}{kind_} {sid or 'uten systemID'} på linje {line}"
        name_en = f"{what_en}{kind_} {sid or 'without systemID'} on line {line}"
        part_no = f"arkivdel {part[0] or 'uten systemID'} (linje {part[1]})"
        part_en = f"archive part {part[0] or 'without systemID'} (line {part[1]})"
        more_no = f" {extreme} registreringen i arkivdelen; flere kan være berørt." if extreme else ""
        more_en = " More registrations may be concerned." if extreme else ""
        if later(created, closed):
            self._add(
                "N5V-CONTENT-23",
                Severity.ERROR,
                f"{name_no} er opprettet (M600 opprettetDato {created}) etter at {part_no} ble avsluttet "
                f"(M602 avsluttetDato {closed}); en avsluttet arkivdel skal ikke få flere mapper eller "
                f"registreringer.{more_no}",
                f"{name_en} was created (M600 opprettetDato {created}) after {part_en} was closed "
                f"(M602 avsluttetDato {closed}); a closed archive part must take no more folders or "
                f"registrations.{more_en}",
                line,
                "opprettetDato",
                unit=sid,
            )
        if later(start, created):
            self._add(
                "N5V-CONTENT-23",
                Severity.WARNING,
                f"{name_no} er opprettet (M600 opprettetDato {created}) før arkivperioden til {part_no} "
                f"begynte (M107 arkivperiodeStartDato {start}).{more_no}",
                f"{name_en} was created (M600 opprettetDato {created}) before the archival period of "
                f"{part_en} began (M107 arkivperiodeStartDato {start}).{more_en}",
                line,
                "opprettetDato",
                unit=sid,
            )

    def _contradiction(
        self,
        no: str,
        en: str,
        field: Field | None,
        element: str,
        unit: str | None,
        severity: Severity = Severity.ERROR,
    ) -> None:
        """A finding of N5V-CONTENT-23 (dates that contradict each other), at the line of ``field``."""
        self._add("N5V-CONTENT-23", severity, no, en, field[1] if field else None, element, unit=unit)

    def _klasse(self, record: Record, kind: str, slots: Slots) -> None:
        # slots: systemID, klasseID
        kids = self._kids.pop(record[SERIAL], None) or _NO_KIDS
        self._count_in_parent(record, K_KLASSE)
        self.classification["klasser"] += 1
        if record[PARENT_LOCAL] == "klassifikasjonssystem":
            self.classification["klasser på øverste nivå"] += 1
        if not any(kids):
            self.classification["klasser uten underklasser, mapper eller registreringer"] += 1
        if not kids[K_MAPPE]:
            self.classification["klasser uten mapper"] += 1
        if not kids[K_REG]:
            self.classification["klasser uten registreringer direkte under seg"] += 1
        if kids[K_KLASSE] and (kids[K_MAPPE] or kids[K_REG]):
            what_no = " og ".join(
                w for w, n in (("mapper", kids[K_MAPPE]), ("registreringer", kids[K_REG])) if n
            )
            what_en = " and ".join(
                w for w, n in (("folders", kids[K_MAPPE]), ("registrations", kids[K_REG])) if n
            )
            cid = _text(slots[1]) or _text(slots[0]) or "?"
            self._add(
                "N5V-CONTENT-09",
                Severity.ERROR,
                f"Klasse «{cid}» på linje {record[LINE]} har både underklasser og {what_no}.",
                f"Class '{cid}' on line {record[LINE]} has both subclasses and {what_en}.",
                record[LINE],
                "klasse",
                unit=_text(slots[0]),
                # N5.12 is about folders, N5.19 about registrations
                arkade=tuple(t for t, n in (("N5.12", kids[K_MAPPE]), ("N5.19", kids[K_REG])) if n),
            )

    def _mappe(self, record: Record, kind: str, slots: Slots) -> None:
        # slots: see M_* above
        kids = self._kids.pop(record[SERIAL], None) or _NO_KIDS
        # every text this step reads, stripped once
        sid, created_, closed_, year, number, saksdato = [
            None if f is None else f[0].strip() for f in _MAPPE_FIELDS(slots)
        ]
        self.store.add_mappe(
            record[SERIAL], record[PARENT_SERIAL], sid, record[LINE], kind, created_, closed_, year, number
        )
        if year and number and not self.numbers_unsure[1]:
            self._ascending(self._case_numbers, year, number, 1)
        closed_field = slots[M_AVSLUTTET]
        if created_:
            extremes = self._mappe_extremes
            if len(created_) != 19:
                self._mappe_irregular = True
            if extremes[0] is None or created_ < extremes[0]:
                extremes[0] = created_
            if extremes[1] is None or created_ > extremes[1]:
                extremes[1] = created_
        pending = self._pending.pop(record[SERIAL], None)
        self_contradiction = bool(created_ and closed_ and later(created_, closed_))
        if pending:
            folder = (kind, sid, record[LINE])
            self._folder_dates(pending, folder, None if self_contradiction else closed_, saksdato)
        if created_ and closed_:
            if self_contradiction:
                unit = sid
                self._contradiction(
                    f"{kind.capitalize()} {unit or 'uten systemID'} på linje {record[LINE]} er avsluttet før "
                    f"den ble opprettet: M602 avsluttetDato {closed_} er tidligere enn M600 opprettetDato "
                    f"{created_}.",
                    f"Folder ({kind}) {unit or 'without systemID'} on line {record[LINE]} was closed "
                    f"before it was created: M602 avsluttetDato {closed_} is earlier than M600 "
                    f"opprettetDato {created_}.",
                    closed_field,
                    "avsluttetDato",
                    unit,
                )
        self._count_in_parent(record, K_MAPPE)
        self.types["mappe"][kind] += 1
        self._bucket["mappe"] += 1
        if not kids[K_REG] and not kids[K_MAPPE]:
            self.empty_units["mapper uten registreringer eller undermapper"] += 1
        created_field = slots[M_OPPRETTET]
        if created_ and created_field is not None:
            self._year("mappe", created_, created_field[1], kind)
        field = slots[M_STATUS]
        status = self._status("saksstatus", field)
        if status is not None and field is not None:
            self.status["saksstatus"][status] += 1
            if status not in DELIVERABLE_CASE_STATUS:
                line = field[1]
                self._add(
                    "N5V-CONTENT-10",
                    Severity.ERROR,
                    f"M052 saksstatus er «{status}» i {kind} på linje {line}; i et arkivuttrekk skal "
                    "saksmapper ha status «Avsluttet» eller «Utgår».",
                    f"M052 saksstatus is '{status}' in {kind} on line {line}; case folders in an extract "
                    "must have the status 'Avsluttet' or 'Utgår'.",
                    line,
                    "saksstatus",
                )
            if status == UTGAAR:
                self.store.exclude_docobjs_after(record[SERIAL])

    def _folder_dates(
        self,
        pending: list[tuple[str | None, str | None, Field | None, int, Field | None]],
        folder: tuple[str, str | None, int],
        closed: str | None,
        saksdato: str | None,
    ) -> None:
        """The registreringer of a mappe that has just ended against its avsluttetDato and saksdato; and
        whether two of them share a journalpostnummer (then the store is asked, which names them all)."""
        numbers: set[str] = set()
        # the cheap first steps of later(), inlined: a plain "YYYY-MM-DDThh:mm:ss" not after a plain
        # avsluttetDato, and a journaldato (a date) not before it, need no call
        plain_closed = closed is not None and len(closed) == 19 and closed[10] == "T"
        closed_day = closed[:10] if closed else ""
        for created, jdate, sid_field, line, number in pending:
            if number is not None:
                n = number[0].strip().lstrip("0")
                if n in numbers:
                    self.numbers_unsure[2] = True
                numbers.add(n)
            if closed:
                if created and not (
                    plain_closed and len(created) == 19 and created[10] == "T" and created <= closed
                ):
                    if later(created, closed):
                        self._after_folder_closed(sid_field, line, "opprettetDato", created, folder, closed)
                if jdate and not (len(jdate) == 10 and jdate <= closed_day) and later(jdate, closed):
                    self._after_folder_closed(sid_field, line, "journaldato", jdate, folder, closed)
            if (
                saksdato
                and jdate
                and not (len(saksdato) == 10 and saksdato <= jdate[:10])
                and later(saksdato, jdate)
            ):
                # a journalpost moved in from another case may be older than it (M015), hence a warning
                kind, msid, mline = folder
                sid = _text(sid_field)
                self._add(
                    "N5V-CONTENT-23",
                    Severity.WARNING,
                    f"Journalpost {sid or 'uten systemID'} på linje {line} har M101 journaldato {jdate}, "
                    f"før M100 saksdato {saksdato} i {kind} {msid or 'uten systemID'} (linje {mline}) den "
                    "ligger i.",
                    f"Journal record {sid or 'without systemID'} on line {line} has M101 journaldato "
                    f"{jdate}, before M100 saksdato {saksdato} of the {kind} {msid or 'without systemID'} "
                    f"(line {mline}) it lies in.",
                    line,
                    "journaldato",
                    unit=sid,
                )

    def _after_folder_closed(
        self,
        sid_field: Field | None,
        line: int,
        element: str,
        value: str | None,
        folder: tuple[str, str | None, int],
        closed: str,
    ) -> None:
        kind, msid, mline = folder
        sid = _text(sid_field)
        m = "M600" if element == "opprettetDato" else "M101"
        # krav 2.5.5: a closed mappe (avsluttetDato set) takes no more registreringer
        self._add(
            "N5V-CONTENT-23",
            Severity.ERROR,
            f"Registrering {sid or 'uten systemID'} på linje {line} har {m} {element} {value}, etter at "
            f"{kind} {msid or 'uten systemID'} (linje {mline}) den ligger i ble avsluttet (M602 "
            f"avsluttetDato {closed}); en avsluttet mappe skal ikke få flere registreringer.",
            f"Registration {sid or 'without systemID'} on line {line} has {m} {element} {value}, after the "
            f"{kind} {msid or 'without systemID'} (line {mline}) it lies in was closed (M602 avsluttetDato "
            f"{closed}); a closed folder must take no more registrations.",
            line,
            element,
            unit=sid,
        )

    def _year(self, level: str, value: str, line: int | None, where: str) -> str | None:
        """Count the year of an opprettetDato; its sortable form ("YYYY-MM-DDThh:mm:ss"), or None."""
        if _DATETIME_MATCH(value) is None and _parse_datetime(value) is None:
            self._add(
                "N5V-CONTENT-12",
                Severity.ERROR,
                f"M600 opprettetDato «{value}» i {where} på linje {line} kan ikke tolkes som dato og "
                "klokkeslett.",
                f"M600 opprettetDato '{value}' in {where} on line {line} cannot be read as a date and time.",
                line,
                "opprettetDato",
                # Arkade's N5.27 reads the registrations' dates only
                arkade=("N5.27",) if level == "registrering" else (),
            )
            return None
        self.per_year[level][value[:4]] += 1
        return value[:19]

    def _registrering(self, record: Record, kind: str, slots: Slots) -> None:
        # slots: see R_* above
        all_kids = self._kids
        kids = all_kids.pop(record[SERIAL], None) or _NO_KIDS
        parent = record[PARENT_SERIAL]
        if parent:  # _count_in_parent, inlined on the hottest path
            counts = all_kids.get(parent)
            if counts is None:
                counts = all_kids[parent] = [0, 0, 0, 0, 0]
            counts[K_REG] += 1
        self.types["registrering"][kind] += 1
        self._bucket["registrering"] += 1
        if kind == "journalpost":
            # the store's row, its texts stripped in one pass (no call per field on the hottest path)
            sid, year, number, in_case, jdate_, dated, title = [
                None if f is None else f[0].strip() for f in _JOURNALPOST_FIELDS(slots)
            ]
            rows = self._journalpost_rows
            rows.append(
                (record[SERIAL], parent, sid, record[LINE], year, number, in_case, jdate_, dated, title)
            )
            if len(rows) >= UNIT_BATCH:
                self.store.flush_units()
            if year and number and not self.numbers_unsure[0]:
                # _ascending, inlined on the hottest path
                highest = self._journal_numbers
                seq = int(number) if number.isascii() and number.isdigit() and len(number) < 19 else -1
                if seq > highest.get(year, -1) and year[0] != "0" and len(highest) < 10_000:
                    highest[year] = seq
                else:
                    self.numbers_unsure[0] = True
        # dates: this registrering for the questions asked of the store at the end (its mappe's and
        # arkivdel's dates come after it), and its own dates against each other
        created = slots[R_OPPRETTET]
        created_text = created[0].strip() if created is not None else None
        jdate = slots[R_JOURNALDATO]
        jdate_text = jdate[0].strip() if jdate is not None else ""
        if record[PARENT_LOCAL] == "mappe":
            pending = self._pending.get(parent)
            if pending is None:
                pending = self._pending[parent] = []
            if len(pending) < _PENDING_MAX:
                pending.append(
                    (
                        created_text,
                        jdate_text if jdate is not None else None,
                        slots[R_SYSTEMID],
                        record[LINE],
                        slots[R_JOURNALPOSTNUMMER],
                    )
                )
            else:
                self.numbers_unsure[2] = True  # a folder too large to follow: the store is asked
        archived = slots[R_ARKIVERT]
        attached = self._attached.pop(record[SERIAL], None) if self._attached else None
        if archived is not None:
            a = archived[0]
            # two plain "YYYY-MM-DDThh:mm:ss" in order (the common case) need no further look
            if attached or (
                created is not None and not (len(a) == 19 == len(created[0]) and created[0] <= a)
            ):
                self._archived_dates(record, kind, slots, a.strip(), attached)
        if not kids[K_DB] and not kids[K_DO]:
            self.empty_units["registreringer uten dokumentbeskrivelse"] += 1
        key: str | None = None
        if created is not None:
            value = created_text or ""
            if value:
                if _DATETIME_MATCH(value) is not None:  # _year's common case, inlined
                    self.per_year["registrering"][value[:4]] += 1
                    key = value[:19]
                else:
                    key = self._year("registrering", value, created[1], kind)
        if key is not None and created is not None:
            extremes = self._reg_extremes
            low, high = extremes
            if low is None or key < low[0]:
                extremes[0] = (key, created, slots[R_SYSTEMID], record[LINE], kind)
            if high is None or key >= high[0]:
                extremes[1] = (key, created, slots[R_SYSTEMID], record[LINE], kind)
        if key is not None:
            # ISO 8601 strings of one form sort chronologically: no datetime objects per record
            dates, bucket = self.reg_dates, self._bucket_dates
            if dates[0] is None or key < dates[0]:
                dates[0] = key
            if dates[1] is None or key > dates[1]:
                dates[1] = key
            if bucket[0] is None or key < bucket[0]:
                bucket[0] = key
            if bucket[1] is None or key > bucket[1]:
                bucket[1] = key
        field = slots[R_JOURNALSTATUS]
        if field is not None and field[0] in self._plain_journalstatus:
            # the common case: a deliverable value of the code list, as written (no white space to strip)
            self.status["journalstatus"][field[0]] += 1
            status = None
        else:
            status = self._status("journalstatus", field)
        if status is not None and field is not None:
            self.status["journalstatus"][status] += 1
            if status not in DELIVERABLE_JOURNAL_STATUS:
                line = field[1]
                self._add(
                    "N5V-CONTENT-11",
                    Severity.ERROR,
                    f"M053 journalstatus er «{status}» i {kind} på linje {line}; i et arkivuttrekk skal "
                    "journalposter ha status «Arkivert» eller «Utgår».",
                    f"M053 journalstatus is '{status}' in {kind} on line {line}; journal records in an "
                    "extract must have the status 'Arkivert' or 'Utgår'.",
                    line,
                    "journalstatus",
                )
            if status == UTGAAR:
                self.store.exclude_docobjs_after(record[SERIAL])
        if kind == "journalpost":
            self.journalposts += 1
            field = slots[R_JOURNALPOSTTYPE]
            if field is not None and field[0] in self._plain_journalposttype:
                jtype: str | None = field[0]  # the common case: a value of the code list as written
            else:
                jtype = self._status("journalposttype", field)
            if jtype is not None:
                self.status["journalposttype"][jtype] += 1
            if not jtype:
                self._add(
                    "N5V-CONTENT-15",
                    Severity.ERROR,
                    f"M082 journalposttype mangler eller er tom i journalpost på linje {record[LINE]}.",
                    f"M082 journalposttype is missing or empty in the journal record on line {record[LINE]}.",
                    record[LINE],
                    "journalposttype",
                )
        check_date: str | None = None
        check_line: int | None = record[LINE]
        check_name = "journaldato"
        if jdate is not None and jdate_text:
            check_line = jdate[1]
            if _DATE.match(jdate_text) is None and _parse_date(jdate_text) is None:
                self._add(
                    "N5V-CONTENT-12",
                    Severity.ERROR,
                    f"M101 journaldato «{jdate_text}» på linje {check_line} kan ikke tolkes som dato.",
                    f"M101 journaldato '{jdate_text}' on line {check_line} cannot be read as a date.",
                    check_line,
                    "journaldato",
                )
            else:
                check_date = jdate_text[:10]
                jd = self.journal_dates
                if jd[0] is None or check_date < jd[0]:
                    jd[0] = check_date
                if jd[1] is None or check_date > jd[1]:
                    jd[1] = check_date
        elif key is not None and created is not None:
            check_date = key[:10]
            check_line = created[1]
            check_name = "opprettetDato"
        if check_date is not None and self._period_bounds is not None:
            start, end = self._period_bounds
            if not start <= check_date <= end:
                self._outside_period(check_date, check_line, check_name, kind)
        self._check_parties(record, kind, slots)

    def _archived_dates(
        self,
        record: Record,
        kind: str,
        slots: Slots,
        archived: str,
        attached: list[tuple[str, int, str | None]] | None,
    ) -> None:
        """A registrering archived before it was created, or given documents after it was archived."""
        created_field = slots[R_OPPRETTET]
        unit = _text(slots[R_SYSTEMID])
        name = unit or "uten systemID"
        if created_field is not None:
            created = created_field[0].strip()
            if later(created, archived):
                self._contradiction(
                    f"Registrering ({kind}) {name} på linje {record[LINE]} er arkivert før den ble "
                    f"opprettet: M604 arkivertDato {archived} er tidligere enn M600 opprettetDato {created}.",
                    f"Registration ({kind}) {unit or 'without systemID'} on line {record[LINE]} was archived "
                    f"before it was created: M604 arkivertDato {archived} is earlier than M600 opprettetDato "
                    f"{created}.",
                    slots[R_ARKIVERT],
                    "arkivertDato",
                    unit,
                )
        for tilknyttet, line, doc_id in attached or ():
            if later(tilknyttet, archived):
                # krav 2.6.7: an archived registrering takes no more dokumentbeskrivelser
                self._add(
                    "N5V-CONTENT-23",
                    Severity.ERROR,
                    f"Dokumentbeskrivelse {doc_id or 'uten systemID'} (M620 tilknyttetDato {tilknyttet} på "
                    f"linje {line}) er knyttet til registrering ({kind}) {name} på linje {record[LINE]} "
                    f"etter at registreringen ble arkivert (M604 arkivertDato {archived}); en arkivert "
                    "registrering skal ikke få flere dokumentbeskrivelser.",
                    f"Document description {doc_id or 'without systemID'} (M620 tilknyttetDato {tilknyttet} "
                    f"on line {line}) was attached to registration ({kind}) {unit or 'without systemID'} on "
                    f"line {record[LINE]} after the registration was archived (M604 arkivertDato "
                    f"{archived}); an archived registration must take no more document descriptions.",
                    line,
                    "tilknyttetDato",
                    unit=doc_id,
                )

    def _ascending(self, highest: dict[str, int], group: str, number: str, which: int) -> None:
        """Keep the highest number per year; one not above it may repeat an earlier one, and so may anything
        not a plain number or a year written with leading zeros: then the store is asked
        (phases/unitchecks.py)."""
        value = int(number) if number.isascii() and number.isdigit() and len(number) < 19 else -1
        if value > highest.get(group, -1) and group[0] != "0" and len(highest) < 10_000:
            highest[group] = value
        else:
            self.numbers_unsure[which] = True

    def _outside_period(self, day: str, line: int | None, name: str, where: str) -> None:
        assert self._period_bounds is not None
        start, end = self._period_bounds
        self._add(
            "N5V-CONTENT-12",
            Severity.ERROR,
            f"{self._mname(name)} {day} i {where} på linje {line} ligger utenfor arkivperioden {start}–{end} "
            "i arkivuttrekk.xml, og periodeskillet er skarpt.",
            f"{self._mname(name)} {day} in {where} on line {line} lies outside the archival period "
            f"{start}–{end} of arkivuttrekk.xml, and the period separation is sharp.",
            line,
            name,
        )

    def _dokumentbeskrivelse(self, record: Record, kind: str, slots: Slots) -> None:
        # slots: systemID, dokumentstatus, dokumentmedium
        kids = self._kids.pop(record[SERIAL], None) or _NO_KIDS
        self._count_in_parent(record, K_DB)
        attached_field = slots[D_TILKNYTTET]
        if attached_field is not None:
            self._document_dates(record, slots, attached_field)
        field = slots[D_STATUS]
        status = self._status("dokumentstatus", field)
        if status is not None:
            self.status["dokumentstatus"][status] += 1
            if status and status != FINISHED_DOCUMENT_STATUS and field is not None:
                self._unfinished_document(field, status, _text(slots[D_SYSTEMID]))
        if not kids[K_DO]:
            medium = (_text(slots[2]) or "").lower()
            if medium not in ("fysisk arkiv", "fysisk medium"):
                self.empty_units["dokumentbeskrivelser uten dokumentobjekt"] += 1

    def _unfinished_document(self, field: Field, status: str, unit: str | None) -> None:
        # M054: "Dokumentbeskrivelser som avleveres skal ha status «Dokumentet er ferdigstilt»": a "skal" rule
        line, name = field[1], unit or "uten systemID"
        self._add(
            "N5V-CONTENT-29",
            Severity.ERROR,
            f"M054 dokumentstatus er «{status}» i dokumentbeskrivelse {name} på linje {line}; "
            f"dokumentbeskrivelser som avleveres skal ha status «{FINISHED_DOCUMENT_STATUS}».",
            f"M054 dokumentstatus is '{status}' in document description {unit or 'without systemID'} on line "
            f"{line}; document descriptions in a transfer must have the status '{FINISHED_DOCUMENT_STATUS}'.",
            line,
            "dokumentstatus",
            unit=unit,
        )

    def _document_dates(self, record: Record, slots: Slots, attached_field: Field) -> None:
        """tilknyttetDato against the dokumentbeskrivelse's own opprettetDato, and kept for its registrering
        (which ends after it) to hold against arkivertDato."""
        attached = attached_field[0].strip()
        unit = _text(slots[D_SYSTEMID])
        created = _text(slots[D_OPPRETTET])
        if later(created, attached):
            # a document is attached to a registrering once it exists (M620 "tilknyttetDato": the date the
            # dokumentbeskrivelse was attached; M600 "opprettetDato": the date it was created)
            self._contradiction(
                f"Dokumentbeskrivelse {unit or 'uten systemID'} på linje {record[LINE]} er knyttet til sin "
                f"registrering før den ble opprettet: M620 tilknyttetDato {attached} er tidligere enn "
                f"M600 opprettetDato {created}.",
                f"Document description {unit or 'without systemID'} on line {record[LINE]} was attached to "
                f"its registration before it was created: M620 tilknyttetDato {attached} is earlier than "
                f"M600 opprettetDato {created}.",
                attached_field,
                "tilknyttetDato",
                unit,
            )
        parent = record[PARENT_SERIAL]
        pending = self._attached.get(parent)
        if pending is None:
            if len(self._attached) >= 1_000:  # parents that never came (a broken structure): forget them
                self._attached.clear()
            pending = self._attached[parent] = []
        if len(pending) < _ATTACHED_MAX:
            pending.append((attached, attached_field[1], unit))

    def _dokumentobjekt(self, record: Record, kind: str, slots: Slots) -> None:
        # slots: systemID, referanseDokumentfil, sjekksum, sjekksumAlgoritme, filstoerrelse, format
        self._count_in_parent(record, K_DO)
        fmt = _text(slots[5])
        if fmt:
            self.formats[fmt.lower()] += 1
        ref_field = slots[1]
        if ref_field is None:
            return
        ref = ref_field[0].strip()
        self.store.add_docobj(
            normalise_reference(ref),
            ref,
            ref_field[1],
            _text(slots[2]),
            _text(slots[3]),
            _text(slots[4]),
            fmt,
            record[SERIAL],
        )

    def _avskrivning(self, record: Record, kind: str, slots: Slots) -> None:
        maate = _text(slots[0])
        if maate:
            self.status["avskrivningsmaate"][maate] += 1

    # -- results

    def statistics(self) -> dict[str, Any]:
        """Counts for the report."""
        return {
            "levels": dict(sorted(self.levels.items())),
            "folder_types": dict(self.types["mappe"]),
            "registration_types": dict(self.types["registrering"]),
            "per_year": {k: dict(sorted(v.items())) for k, v in self.per_year.items()},
            "status": {k: dict(v) for k, v in self.status.items() if v},
            "declared_formats": dict(self.formats.most_common()),
            "by_parent": {k: dict(v) for k, v in self.by_parent.items() if v},
            "archive_parts": self.arkivdeler,
            "classification": dict(self.classification),
            "units_without_content": dict(self.empty_units),
            "first_registration": self.reg_dates[0],
            "last_registration": self.reg_dates[1],
            "journal_records": self.journalposts,
            "first_journal_date": self.journal_dates[0],
            "last_journal_date": self.journal_dates[1],
            "system_ids_not_uuid": self.non_uuid,
            "counted_for_addml": dict(self.extra),
        }

    def count(self, element: str) -> int:
        """How many ``element`` the file held (containers and ADDML-declared elements)."""
        return self.levels.get(element, 0) + self.extra.get(element, 0)


def normalise_reference(ref: str) -> str:
    """referanseDokumentfil as a path relative to the extract root (it is relative to arkivstruktur.xml,
    which sits at the root): backslashes become slashes, "./" and leading "/" go."""
    path = ref.strip().replace("\\", "/")
    while path.startswith("./"):
        path = path[2:]
    return path.lstrip("/")
