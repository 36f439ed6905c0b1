"""Synthetic Noark 5 v5.0 archival extracts of any size, optionally with planted errors.

Used by tests and by ``benchmarks/bench_noark.py``; independent of ``tender``. Everything is
streamed to disk: a 1 GB ``arkivstruktur.xml`` is written in constant memory, and the SHA-256 of
each file is taken while it is written so that ``arkivuttrekk.xml`` (ADDML) can be written last
with correct checksums and counts.

The extract (without planted errors) is valid against the official v5.0 schemas: arkiv > arkivdel >
klassifikasjonssystem > klasse > mappe[saksmappe] > registrering[journalpost | arkivnotat] >
dokumentbeskrivelse > dokumentobjekt > ``dokumenter/<n>.pdf``. Planted errors are put in the middle of
the data, not at the start, and are described in :attr:`GeneratedExtract.planted`. Each planted kind is
the only deviation of its kind, but some have natural consequences a validator may also report: a
missing or an unreferenced file also makes ``antallDokumentfiler`` (which counts the referenced files)
differ from the files on disk; a duplicate systemID also duplicates a change-log reference target.

    from tests.noark_generator import generate_extract
    info = generate_extract(tmp_path / "uttrekk", n_mapper=10, registreringer_per_mappe=3,
                            errors={"duplicate_systemid", "missing_document_file"}, seed=1)
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import shutil
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import BinaryIO, Self
from xml.sax.saxutils import escape

__all__ = [
    "DATE_NUMBER_KINDS",
    "ERROR_KINDS",
    "GeneratedExtract",
    "PlantedError",
    "generate_extract",
    "make_pdf",
]

#: kinds of error that can be planted, and what each one does
ERROR_KINDS: dict[str, str] = {
    "missing_mandatory": "a mappe without its mandatory <tittel> (schema error)",
    "duplicate_systemid": "the last registrering reuses the systemID of the first one",
    "wrong_checksum": "arkivuttrekk.xml gives a wrong SHA-256 for arkivstruktur.xml",
    "wrong_document_checksum": "a dokumentobjekt's <sjekksum> does not match its file",
    "wrong_count": "arkivuttrekk.xml claims one mappe more than arkivstruktur.xml has",
    "bad_date": "a <journaldato> written as 02.02.2020 instead of an xs:date (schema error)",
    "missing_document_file": "a referenced document file is not in dokumenter/",
    "unreferenced_file": "a file in dokumenter/ that no dokumentobjekt references",
    "empty_document_file": "a referenced document file of 0 bytes (metadata matches the empty file)",
    "unknown_addml_version": "arkivuttrekk.xml states Noark version 3.0, which has no published schemas",
    # the journals against arkivstruktur.xml (need journaler=True); each on a journalpost of its own
    "journal_entry_not_in_structure": "both journals list one journalpost more, whose systemID is in no unit "
    "of arkivstruktur.xml (their counts say so: with the sharp separation they then differ from "
    "arkivstruktur.xml's)",
    "journal_entry_missing": "both journals leave out one journalpost of arkivstruktur.xml (their counts say "
    "so: with the sharp separation they then differ from arkivstruktur.xml's)",
    "journal_date_differs": "both journals give one journalpost another journaldato (a day off, inside the "
    "period) than arkivstruktur.xml does",
    "journal_title_differs": "loependeJournal.xml gives one journalpost another tittel than "
    "arkivstruktur.xml",
    "journal_case_number_differs": "both journals give one journalpost's saksmappe another sakssekvensnummer "
    "than the mappe it sits in has in arkivstruktur.xml",
    "journal_period_differs": "both journal headers start a year before the arkivdel's archival period "
    "(every journaldato is still inside)",
}
#: the journal kinds above, in the order they take journalposts from the middle of the extract on
JOURNAL_ERRORS = (
    "journal_entry_not_in_structure",
    "journal_entry_missing",
    "journal_date_differs",
    "journal_title_differs",
    "journal_case_number_differs",
)
#: the consistency rules of N5V-CONTENT-14, -21, -25, -26, -27 (issue 15): each one problem the v5.0 schema
#: lets through; the rule planted sits in the middle journalpost (or its document, or the arkivdel)
RULE_KINDS: dict[str, str] = {
    "blank_value": "the middle journalpost's <opprettetAv> holds only white space",
    "open_arkivdel": "the arkivdel has arkivdelstatus 'Aktiv periode' instead of 'Avsluttet periode'",
    "wrong_korrespondansepart": "the middle journalpost's korrespondansepart is 'Mottaker' for an incoming "
    "document ('Avsender' for an outgoing one)",
    "missing_offentlig_tittel": "the middle journalpost screens selected words of its title "
    "(skjermingMetadata) but has no offentligTittel",
    "kassert_document_kept": "a dokumentbeskrivelse with utfoertKassasjon still has its dokumentobjekt",
    "kassert_but_preserved": "the arkivdel has kassasjonsvedtak 'Bevares' and an utfoertKassasjon",
}
ERROR_KINDS.update(RULE_KINDS)

NS_ADDML = "http://www.arkivverket.no/standarder/addml"
NS_N5 = "http://www.arkivverket.no/standarder/noark5/"
NS_XSI = "http://www.w3.org/2001/XMLSchema-instance"
PERIOD = (dt.date(2020, 1, 1), dt.date(2023, 12, 31))
ARKIVSKAPER = ("974760673", "Eksempel kommune")
N_KLASSER = 10
N_ENDRINGER_MAX = 10
#: registreringer with index % ARKIVNOTAT_EVERY == ARKIVNOTAT_EVERY - 1 are arkivnotat, the rest journalpost
ARKIVNOTAT_EVERY = 5
_NOARK_SCHEMAS = (
    "arkivstruktur.xsd",
    "metadatakatalog.xsd",
    "endringslogg.xsd",
    "loependeJournal.xsd",
    "offentligJournal.xsd",
)


@dataclass(frozen=True)
class PlantedError:
    """Where a planted error is, so that tests can expect the matching finding."""

    kind: str
    file: str  #: path relative to the extract root of the file the error is in
    element: str | None  #: element name, if the error is in one
    detail: str  #: the systemID, file name or value concerned


@dataclass
class GeneratedExtract:
    """What was written."""

    root: Path
    n_mapper: int = 0  #: mappe elements actually written
    n_registreringer: int = 0
    n_journalposter: int = 0
    n_dokumentobjekter: int = 0  #: dokumentobjekt elements (= document files referenced)
    n_dokumentfiler: int = 0  #: files actually written to dokumenter/
    n_endringer: int = 0
    period: tuple[dt.date, dt.date] = PERIOD
    #: SHA-256 of every file written, by path relative to root
    checksums: dict[str, str] = field(default_factory=dict)
    planted: dict[str, PlantedError] = field(default_factory=dict)

    @property
    def arkivstruktur(self) -> Path:
        return self.root / "arkivstruktur.xml"

    def total_bytes(self) -> int:
        """Size of everything written."""
        return sum(p.stat().st_size for p in self.root.rglob("*") if p.is_file())


def generate_extract(
    target_dir: Path,
    n_mapper: int,
    registreringer_per_mappe: int = 2,
    *,
    dokumenter: bool = True,
    max_dokumentfiler: int | None = None,
    document_size: int = 1500,
    journaler: bool = False,
    errors: Iterable[str] = (),
    seed: int = 0,
    schema_dir: Path | None = None,
    addml_xsd: Path | None = None,
) -> GeneratedExtract:
    """Write a synthetic Noark 5 v5.0 extract into ``target_dir`` (created; must not hold an extract).

    ``dokumenter``: one dokumentbeskrivelse + dokumentobjekt + PDF per registrering, for the first
    ``max_dokumentfiler`` registreringer if given; each PDF is about ``document_size`` bytes
    (incompressible padding, so archives of the extract compress like real ones).
    ``journaler``: also write loependeJournal.xml and offentligJournal.xml.
    ``errors``: kinds from :data:`ERROR_KINDS` to plant. ``seed``: same seed, same bytes.
    ``schema_dir``: a folder with the official v5.0 XSDs to copy in (and list with checksums in
    ADDML); ``addml_xsd``: the ADDML schema to copy in as addml.xsd. Without them the extract carries
    no schema files, which a validator may report.
    """
    planted_kinds = set(errors)
    unknown = planted_kinds - set(ERROR_KINDS) - set(DATE_NUMBER_KINDS)
    if unknown:
        raise ValueError(f"unknown error kinds: {sorted(unknown)}")
    if n_mapper < 1 or registreringer_per_mappe < 1:
        raise ValueError("need at least one mappe with one registrering")
    _check_plantable(planted_kinds, n_mapper, registreringer_per_mappe, dokumenter, max_dokumentfiler)
    if not journaler and planted_kinds & {*JOURNAL_ERRORS, "journal_period_differs"}:
        raise ValueError("the journal error kinds need journaler=True")
    root = Path(target_dir)
    (root / "dokumenter").mkdir(parents=True, exist_ok=True)
    if (root / "arkivuttrekk.xml").exists():
        raise FileExistsError(f"{root} already holds an extract")
    result = GeneratedExtract(root)
    plan = _Plan(
        n_mapper, registreringer_per_mappe, dokumenter, max_dokumentfiler, document_size, planted_kinds, seed
    )
    with _Outputs(root, journaler) as out:
        changed = _write_arkivstruktur(plan, out, result)
    _check_dates_planted(planted_kinds, result)
    result.checksums.update(out.checksums)
    _write_endringslogg(changed, result)
    if "unreferenced_file" in planted_kinds:
        _write_unreferenced_file(plan, result)
    schemas = _copy_schemas(root, schema_dir, addml_xsd, result)
    _write_addml(plan, result, journaler, schemas)
    if "journal_period_differs" in planted_kinds:
        result.planted["journal_period_differs"] = PlantedError(
            "journal_period_differs",
            "loependeJournal.xml",
            "journalStartDato",
            _journal_start(plan).isoformat(),
        )
    return result


# --------------------------------------------------------------------------- planning


_DOCUMENT_ERRORS = ("wrong_document_checksum", "missing_document_file", "empty_document_file")


def _check_plantable(
    kinds: set[str], n_mapper: int, per_mappe: int, dokumenter: bool, max_files: int | None
) -> None:
    n_registreringer = n_mapper * per_mappe
    n_documents = (
        0 if not dokumenter else min(n_registreringer, n_registreringer if max_files is None else max_files)
    )
    document_errors = [k for k in _DOCUMENT_ERRORS if k in kinds]
    if len(document_errors) > n_documents:
        raise ValueError(f"{document_errors} need {len(document_errors)} document files, one each")
    if "duplicate_systemid" in kinds and n_registreringer < 2:
        raise ValueError("duplicate_systemid needs two registreringer")
    if "kassert_document_kept" in kinds and not n_documents:
        raise ValueError("kassert_document_kept needs a document")


class _Plan:
    """Deterministic numbering and dates, and where each planted error goes."""

    def __init__(
        self,
        n_mapper: int,
        per_mappe: int,
        dokumenter: bool,
        max_files: int | None,
        document_size: int,
        kinds: set[str],
        seed: int,
    ) -> None:
        self.n_mapper = n_mapper
        self.per_mappe = per_mappe
        self.n_registreringer = n_mapper * per_mappe
        self.n_documents = (
            0
            if not dokumenter
            else min(self.n_registreringer, max_files if max_files is not None else self.n_registreringer)
        )
        self.document_size = document_size
        self.kinds = kinds
        self.rng = random.Random(seed)
        self.days = (PERIOD[1] - PERIOD[0]).days
        # planted errors sit in the middle, spread over different registreringer
        middle_mappe = n_mapper // 2
        middle_doc = self.n_documents // 2
        self.missing_tittel_mappe = middle_mappe if "missing_mandatory" in kinds else -1
        self.bad_date_registrering = (
            _journalpost_at_or_before(self.n_registreringer // 2) if "bad_date" in kinds else -1
        )
        doc_kinds = [k for k in _DOCUMENT_ERRORS if k in kinds]
        self.document_error: dict[int, str] = {
            (middle_doc + i) % max(self.n_documents, 1): k for i, k in enumerate(doc_kinds)
        }
        self.duplicate_last = "duplicate_systemid" in kinds
        # journal errors: one journalpost each, from the middle on, never the first or the last (the
        # duplicate_systemid pair) nor the one with the bad date
        taken = {0, self.n_registreringer - 1, self.bad_date_registrering}
        free = (i for i in range(self.n_registreringer // 2, self.n_registreringer) if _is_journalpost(i))
        free_ids = [i for i in free if i not in taken]
        wanted = [k for k in JOURNAL_ERRORS if k in kinds]
        if len(wanted) > len(free_ids):
            raise ValueError(f"{wanted} need {len(wanted)} journalposts in the second half, one each")
        self.journal_error: dict[int, str] = dict(zip(free_ids, wanted, strict=False))
        #: journal entries the journal headers count beyond (or short of) arkivstruktur.xml's journalposts
        self.journal_delta = ("journal_entry_not_in_structure" in kinds) - ("journal_entry_missing" in kinds)
        self.rule_registrering = _journalpost_at_or_before(self.n_registreringer // 2)
        self.kassert_document = middle_doc if "kassert_document_kept" in kinds else -1

    def n_journalposter(self) -> int:
        return sum(1 for i in range(self.n_registreringer) if _is_journalpost(i))

    def uuid(self) -> str:
        h = f"{self.rng.getrandbits(128):032x}"
        return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:]}"

    def saksdato(self, mappe: int) -> dt.date:
        return PERIOD[0] + dt.timedelta(days=mappe * self.days // self.n_mapper)

    def journaldato(self, mappe: int, nr: int) -> dt.date:
        # stay in the case's year so journal years never go backwards in writing order
        day = self.saksdato(mappe) + dt.timedelta(days=nr)
        return min(day, dt.date(self.saksdato(mappe).year, 12, 31), PERIOD[1])


def _is_journalpost(registrering: int) -> bool:
    return registrering % ARKIVNOTAT_EVERY != ARKIVNOTAT_EVERY - 1


def _journalpost_at_or_before(registrering: int) -> int:
    return registrering if _is_journalpost(registrering) else registrering - 1


# --------------------------------------------------------------------------- output files


class _HashingFile:
    """A binary file that hashes what is written; callers write whole blocks (one mappe at a time)."""

    def __init__(self, path: Path) -> None:
        self._file: BinaryIO = path.open("wb")
        self._sha = hashlib.sha256()

    def write(self, text: str) -> None:
        data = text.encode("utf-8")
        self._sha.update(data)
        self._file.write(data)

    def close(self) -> str:
        self._file.close()
        return self._sha.hexdigest()


class _Outputs:
    """arkivstruktur.xml and, if wanted, the two journals, written side by side in one pass."""

    def __init__(self, root: Path, journaler: bool) -> None:
        self.root = root
        self.arkivstruktur = _HashingFile(root / "arkivstruktur.xml")
        self.journals = (
            [_HashingFile(root / "loependeJournal.xml"), _HashingFile(root / "offentligJournal.xml")]
            if journaler
            else []
        )
        self.checksums: dict[str, str] = {}

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.checksums["arkivstruktur.xml"] = self.arkivstruktur.close()
        for name, journal in zip(
            ("loependeJournal.xml", "offentligJournal.xml"), self.journals, strict=False
        ):
            self.checksums[name] = journal.close()


def _header(root_element: str, schema: str) -> str:
    ns = NS_N5 + schema.removesuffix(".xsd")
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f'<{root_element} xmlns="{ns}" xmlns:xsi="{NS_XSI}" xsi:schemaLocation="{ns} {schema}">\n'
    )


def _el(indent: int, name: str, value: object) -> str:
    text = str(value)
    if (
        "&" in text or "<" in text or ">" in text
    ):  # escape() is the generator's hot spot; most values need none
        text = escape(text)
    return f"{_INDENT[indent]}<{name}>{text}</{name}>\n"


_INDENT = [" " * n for n in range(12)]


def _stamp(day: dt.date, hour: int = 9) -> str:
    return f"{day.isoformat()}T{hour:02d}:00:00"


# --------------------------------------------------------------------------- arkivstruktur.xml


def _write_arkivstruktur(plan: _Plan, out: _Outputs, result: GeneratedExtract) -> list[str]:
    """Write arkivstruktur.xml (and the journals); the systemIDs the change log should refer to."""
    start, end = PERIOD
    closed = _stamp(end + dt.timedelta(days=1), 8)
    head = (
        _header("arkiv", "arkivstruktur.xsd")
        + _el(1, "systemID", plan.uuid())
        + _el(1, "tittel", "Syntetisk arkiv for ytelsestest")
        + _el(1, "arkivstatus", "Avsluttet")
        + _el(1, "opprettetDato", _stamp(start, 8))
        + _el(1, "opprettetAv", "arkivadministrator")
        + _el(1, "avsluttetDato", closed)
        + _el(1, "avsluttetAv", "arkivadministrator")
        + " <arkivskaper>\n"
        + _el(2, "arkivskaperID", ARKIVSKAPER[0])
        + _el(2, "arkivskaperNavn", ARKIVSKAPER[1])
        + " </arkivskaper>\n"
        + " <arkivdel>\n"
        + _el(2, "systemID", plan.uuid())
        + _el(2, "tittel", f"Sakarkiv {start.year}-{end.year}")
        + _el(2, "arkivdelstatus", _arkivdelstatus(plan, result))
        + _el(2, "dokumentmedium", "Elektronisk arkiv")
        + _el(2, "opprettetDato", _stamp(start, 8))
        + _el(2, "opprettetAv", "arkivadministrator")
        + _el(2, "avsluttetDato", closed)
        + _el(2, "avsluttetAv", "arkivadministrator")
        + _el(2, "arkivperiodeStartDato", start.isoformat())
        + _el(2, "arkivperiodeSluttDato", end.isoformat())
        + _arkivdel_kassasjon(plan, result, closed)
        + "  <klassifikasjonssystem>\n"
        + _el(3, "systemID", plan.uuid())
        + _el(3, "klassifikasjonstype", "Funksjonsbasert, hierarkisk")
        + _el(3, "tittel", "Funksjonsbasert klassifikasjon")
        + _el(3, "opprettetDato", _stamp(start, 8))
        + _el(3, "opprettetAv", "arkivadministrator")
    )
    out.arkivstruktur.write(_plant_arkivdel(plan, result, head))
    _write_journal_headers(plan, out)
    state = _State()
    for klasse, mapper in _klasser(plan.n_mapper):
        klasse_id, klasse_tittel = f"{(klasse + 1) * 100}", f"Klasse {(klasse + 1) * 100}"
        out.arkivstruktur.write(
            "   <klasse>\n"
            + _el(4, "systemID", plan.uuid())
            + _el(4, "klasseID", klasse_id)
            + _el(4, "tittel", klasse_tittel)
            + _el(4, "opprettetDato", _stamp(start, 8))
            + _el(4, "opprettetAv", "arkivadministrator")
        )
        for mappe in mapper:
            _write_mappe(plan, out, result, state, mappe, (klasse_id, klasse_tittel))
        out.arkivstruktur.write("   </klasse>\n")
    out.arkivstruktur.write("  </klassifikasjonssystem>\n </arkivdel>\n</arkiv>\n")
    for journal in out.journals:
        journal.write("</loependeJournal>\n" if journal is out.journals[0] else "</offentligJournal>\n")
    result.n_mapper = plan.n_mapper
    result.n_registreringer = plan.n_registreringer
    result.n_journalposter = state.journalposter
    return state.first_ids


def _klasser(n_mapper: int) -> Iterator[tuple[int, range]]:
    """Spread the mapper over N_KLASSER classes, in order; classes without mapper are left out."""
    n = min(N_KLASSER, n_mapper)
    for k in range(n):
        yield k, range(k * n_mapper // n, (k + 1) * n_mapper // n)


@dataclass
class _State:
    registrering: int = 0  #: running index over all registreringer
    document: int = 0  #: running index over dokumentobjekter
    journalposter: int = 0
    first_ids: list[str] = field(default_factory=list)  #: the first registreringer's systemIDs
    year: int = 0
    saks_seq: int = 0
    journal_seq: int = 0
    #: for DATE_NUMBER_KINDS: the previous mappe's (saksaar, sakssekvensnummer, mappeID), the previous
    #: journalpost's (mappe, journalaar, journalsekvensnummer, journalpostnummer), edits due to the mappe
    prev_case: tuple[int, int, str] | None = None
    prev_journalpost: tuple[int, int, int, int] | None = None
    mappe_edits: list[tuple[str, str, str]] = field(default_factory=list)


def _write_mappe(
    plan: _Plan, out: _Outputs, result: GeneratedExtract, state: _State, mappe: int, klasse: tuple[str, str]
) -> None:
    saksdato = plan.saksdato(mappe)
    if saksdato.year != state.year:
        state.year, state.saks_seq, state.journal_seq = saksdato.year, 0, 0
    state.saks_seq += 1
    mappe_id = f"{saksdato.year}/{state.saks_seq}"
    tittel = f"Sak {mappe_id} om byggesak i {['Nordre', 'Søndre', 'Østre', 'Vestre'][mappe % 4]} bydel"
    system_id = plan.uuid()
    last_day = plan.journaldato(mappe, plan.per_mappe)
    parts = [
        '    <mappe xsi:type="saksmappe">\n',
        _el(5, "systemID", system_id),
        _el(5, "mappeID", mappe_id),
    ]
    if mappe == plan.missing_tittel_mappe:
        result.planted["missing_mandatory"] = PlantedError(
            "missing_mandatory", "arkivstruktur.xml", "tittel", system_id
        )
    else:
        parts.append(_el(5, "tittel", tittel))
    parts += [
        _el(5, "opprettetDato", _stamp(saksdato)),
        _el(5, "opprettetAv", "saksbehandler"),
        _el(5, "avsluttetDato", _stamp(last_day, 15)),
        _el(5, "avsluttetAv", "saksbehandler"),
    ]
    journal_blocks: list[list[str]] = [[], []] if out.journals else []
    for nr in range(1, plan.per_mappe + 1):
        parts.append(_registrering(plan, result, state, mappe, nr, mappe_id, journal_blocks, klasse, tittel))
    parts += [
        _el(5, "saksaar", saksdato.year),
        _el(5, "sakssekvensnummer", state.saks_seq),
        _el(5, "saksdato", saksdato.isoformat()),
        _el(5, "administrativEnhet", "Plan- og bygningsetaten"),
        _el(5, "saksansvarlig", "Kari Nordmann"),
        _el(5, "saksstatus", "Avsluttet"),
        "    </mappe>\n",
    ]
    text = "".join(parts)
    planted = _plant_mappe(plan, result, state, mappe, system_id, text)
    _mirror(text, planted, ("saksaar", "sakssekvensnummer"), journal_blocks, [0] * len(journal_blocks))
    out.arkivstruktur.write(planted)
    for journal, block in zip(out.journals, journal_blocks, strict=True):
        journal.write("".join(block))


def _registrering(
    plan: _Plan,
    result: GeneratedExtract,
    state: _State,
    mappe: int,
    nr: int,
    mappe_id: str,
    journal_blocks: list[list[str]],
    klasse: tuple[str, str],
    saks_tittel: str,
) -> str:
    index = state.registrering
    state.registrering += 1
    # where this journalpost's journal entries begin: a date or number planted in arkivstruktur.xml below is
    # mirrored into them (the journals are made from the same records)
    marks = [len(block) for block in journal_blocks]
    is_last = index == plan.n_registreringer - 1
    system_id = plan.uuid()
    if is_last and plan.duplicate_last:
        system_id = state.first_ids[0]
        result.planted["duplicate_systemid"] = PlantedError(
            "duplicate_systemid", "arkivstruktur.xml", "systemID", system_id
        )
    if len(state.first_ids) < N_ENDRINGER_MAX:
        state.first_ids.append(system_id)
    day = plan.journaldato(mappe, nr)
    journalpost = _is_journalpost(index)
    tittel = f"{'Brev' if journalpost else 'Notat'} {nr} i sak {mappe_id}"
    parts = [
        f'     <registrering xsi:type="{"journalpost" if journalpost else "arkivnotat"}">\n',
        _el(6, "systemID", system_id),
        _el(6, "opprettetDato", _stamp(day, 10)),
        _el(6, "opprettetAv", "saksbehandler"),
        _el(6, "arkivertDato", _stamp(day, 14)),
        _el(6, "arkivertAv", "saksbehandler"),
    ]
    rule_target = index == plan.rule_registrering
    if rule_target:
        _plant_in_registrering(plan, result, parts, system_id)
    if state.document < plan.n_documents:
        parts.append(_dokumentbeskrivelse(plan, result, state, day))
    parts += [_el(6, "registreringsID", f"{mappe_id}-{nr}"), _el(6, "tittel", tittel)]
    korrespondanse = "Avsender" if nr % 2 else "Mottaker"
    if rule_target and "wrong_korrespondansepart" in plan.kinds:
        korrespondanse = "Mottaker" if nr % 2 else "Avsender"
        result.planted["wrong_korrespondansepart"] = PlantedError(
            "wrong_korrespondansepart", "arkivstruktur.xml", "korrespondanseparttype", system_id
        )
    if journalpost:
        parts += [
            "      <korrespondansepart>\n",
            _el(7, "korrespondanseparttype", korrespondanse),
            _el(7, "korrespondansepartNavn", "Ola Nordmann"),
            "      </korrespondansepart>\n",
        ]
        state.journal_seq += 1
        state.journalposter += 1
        journaldato = day.isoformat()
        if index == plan.bad_date_registrering:
            journaldato = day.strftime("%d.%m.%Y")
            result.planted["bad_date"] = PlantedError(
                "bad_date", "arkivstruktur.xml", "journaldato", journaldato
            )
        parts += [
            _el(6, "journalaar", day.year),
            _el(6, "journalsekvensnummer", state.journal_seq),
            _el(6, "journalpostnummer", nr),
            _el(6, "journalposttype", "Inngående dokument" if nr % 2 else "Utgående dokument"),
            _el(6, "journalstatus", "Arkivert"),
            _el(6, "journaldato", journaldato),
        ]
        if journal_blocks:
            entry = (
                klasse,
                mappe_id,
                saks_tittel,
                system_id,
                state.journal_seq,
                nr,
                tittel,
                day,
                korrespondanse,
            )
            for entry_ in _journal_error(plan, result, index, entry):
                journal_blocks[0].append(_journalregistrering(entry_, public=False))
                journal_blocks[1].append(_journalregistrering(entry_, public=True))
    parts.append("     </registrering>\n")
    text = "".join(parts)
    planted = _plant_registrering(plan, result, state, (index, mappe, nr, day, journalpost), text)
    _mirror(
        text,
        planted,
        ("journalaar", "journalsekvensnummer", "journalpostnummer", "journaldato"),
        journal_blocks,
        marks,
    )
    return planted


def _first_value(text: str, element: str) -> str | None:
    start = text.find(f"<{element}>")
    if start < 0:
        return None
    start += len(element) + 2
    return text[start : text.index("<", start)]


def _mirror(
    before: str, after: str, elements: tuple[str, ...], blocks: list[list[str]], marks: list[int]
) -> None:
    """Carry a value planted in arkivstruktur.xml (``before`` → ``after``) into the journal entries written
    for the same unit (each block's entries from its mark on): a planted date or number is then the one
    problem, not also a difference between the journals and the structure."""
    if before == after or not blocks:
        return
    for element in elements:
        old, new = _first_value(before, element), _first_value(after, element)
        if old is None or new is None or old == new:
            continue
        for block, mark in zip(blocks, marks, strict=True):
            for i in range(mark, len(block)):
                block[i] = block[i].replace(
                    f"<{element}>{old}</{element}>", f"<{element}>{new}</{element}>", 1
                )


def _dokumentbeskrivelse(plan: _Plan, result: GeneratedExtract, state: _State, day: dt.date) -> str:
    index = state.document
    state.document += 1
    result.n_dokumentobjekter += 1
    relpath = f"dokumenter/{index + 1}.pdf"
    content = make_pdf(f"Dokument {index + 1}", plan.document_size, plan.rng)
    error = plan.document_error.get(index)
    if error == "empty_document_file":
        content = b""
    sjekksum = hashlib.sha256(content).hexdigest()
    if error == "wrong_document_checksum":
        sjekksum = hashlib.sha256(content + b"endret").hexdigest()
    if error != "missing_document_file":
        (result.root / relpath).write_bytes(content)
        result.checksums[relpath] = hashlib.sha256(content).hexdigest()
        result.n_dokumentfiler += 1
    if error == "wrong_document_checksum":
        result.planted[error] = PlantedError(error, "arkivstruktur.xml", "sjekksum", relpath)
    elif error is not None:
        result.planted[error] = PlantedError(error, relpath, "referanseDokumentfil", relpath)
    doc_id = plan.uuid()
    return (
        "      <dokumentbeskrivelse>\n"
        + _el(7, "systemID", doc_id)
        + _el(7, "dokumenttype", "Brev")
        + _el(7, "dokumentstatus", "Dokumentet er ferdigstilt")
        + _el(7, "tittel", f"Dokument {index + 1}")
        + _el(7, "opprettetDato", _stamp(day, 10))
        + _el(7, "opprettetAv", "saksbehandler")
        + _el(7, "tilknyttetRegistreringSom", "Hoveddokument")
        + _el(7, "dokumentnummer", 1)
        + _el(7, "tilknyttetDato", _stamp(day, 10))
        + _el(7, "tilknyttetAv", "saksbehandler")
        + _kassert_document(plan, result, index, day, doc_id)
        + "       <dokumentobjekt>\n"
        + _el(8, "systemID", plan.uuid())
        + _el(8, "versjonsnummer", 1)
        + _el(8, "variantformat", "Arkivformat")
        + _el(8, "format", "fmt/354")  # PRONOM PDF/A-1b, as make_pdf's XMP claims
        + _el(8, "opprettetDato", _stamp(day, 10))
        + _el(8, "opprettetAv", "saksbehandler")
        + _el(8, "referanseDokumentfil", relpath)
        + _el(8, "sjekksum", sjekksum)
        + _el(8, "sjekksumAlgoritme", "SHA256")
        + _el(8, "filstoerrelse", len(content))
        + "       </dokumentobjekt>\n"
        + "      </dokumentbeskrivelse>\n"
    )


# ------------------------------------------------------------- the consistency rules (RULE_KINDS)


def _arkivdelstatus(plan: _Plan, result: GeneratedExtract) -> str:
    if "open_arkivdel" not in plan.kinds:
        return "Avsluttet periode"
    result.planted["open_arkivdel"] = PlantedError(
        "open_arkivdel", "arkivstruktur.xml", "arkivdelstatus", "Aktiv periode"
    )
    return "Aktiv periode"


def _arkivdel_kassasjon(plan: _Plan, result: GeneratedExtract, closed: str) -> str:
    if "kassert_but_preserved" not in plan.kinds:
        return ""
    result.planted["kassert_but_preserved"] = PlantedError(
        "kassert_but_preserved", "arkivstruktur.xml", "kassasjonsvedtak", "Bevares"
    )
    return (
        "  <kassasjon>\n"
        + _el(3, "kassasjonsvedtak", "Bevares")
        + _el(3, "bevaringstid", 0)
        + _el(3, "kassasjonsdato", PERIOD[1].isoformat())
        + "  </kassasjon>\n  <utfoertKassasjon>\n"
        + _el(3, "kassertDato", closed)
        + _el(3, "kassertAv", "arkivadministrator")
        + "  </utfoertKassasjon>\n"
    )


def _plant_in_registrering(plan: _Plan, result: GeneratedExtract, parts: list[str], system_id: str) -> None:
    """The planted rule kinds that sit in the middle journalpost before its documents."""
    if "blank_value" in plan.kinds:
        parts[3] = _INDENT[6] + "<opprettetAv>  </opprettetAv>\n"
        result.planted["blank_value"] = PlantedError(
            "blank_value", "arkivstruktur.xml", "opprettetAv", system_id
        )
    if "missing_offentlig_tittel" in plan.kinds:
        parts.append(
            "      <skjerming>\n"
            + _el(7, "tilgangsrestriksjon", "Unntatt offentlighet")
            + _el(7, "skjermingshjemmel", "Offl. § 13")
            + _el(7, "skjermingMetadata", "Skjerming tittel registrering - utvalgte ord")
            + "      </skjerming>\n"
        )
        result.planted["missing_offentlig_tittel"] = PlantedError(
            "missing_offentlig_tittel", "arkivstruktur.xml", "offentligTittel", system_id
        )


def _kassert_document(plan: _Plan, result: GeneratedExtract, index: int, day: dt.date, doc_id: str) -> str:
    if index != plan.kassert_document:
        return ""
    result.planted["kassert_document_kept"] = PlantedError(
        "kassert_document_kept", "arkivstruktur.xml", "utfoertKassasjon", doc_id
    )
    return (
        "       <utfoertKassasjon>\n"
        + _el(8, "kassertDato", _stamp(day, 16))
        + _el(8, "kassertAv", "arkivadministrator")
        + "       </utfoertKassasjon>\n"
    )


def _rule_flags(kinds: set[str]) -> set[str]:
    """The ADDML flags (N5V-CONTENT-16 … -18) the planted rule kinds make true."""
    out = set()
    if "missing_offentlig_tittel" in kinds:
        out.add("inneholderSkjermetInformasjon")
    if kinds & {"kassert_document_kept", "kassert_but_preserved"}:
        out.add("omfatterDokumenterSomErKassert")
    if "kassert_but_preserved" in kinds:
        out.add("inneholderDokumenterSomSkalKasseres")
    return out


# --------------------------------------------------------------------------- journals


def _journal_start(plan: _Plan) -> dt.date:
    """journalStartDato: the archival period's start, or a year before it when that error is planted."""
    if "journal_period_differs" in plan.kinds:
        return PERIOD[0].replace(year=PERIOD[0].year - 1)
    return PERIOD[0]


def _write_journal_headers(plan: _Plan, out: _Outputs) -> None:
    n_journalposter = plan.n_journalposter() + plan.journal_delta
    start = _journal_start(plan)
    for journal, name in zip(out.journals, ("loependeJournal", "offentligJournal"), strict=False):
        journal.write(
            _header(name, f"{name}.xsd")
            + " <journalhode>\n"
            + _el(2, "journalStartDato", start.isoformat())
            + _el(2, "journalSluttDato", PERIOD[1].isoformat())
            + _el(2, "antallJournalposter", n_journalposter)
            + "  <arkivskaper>\n"
            + _el(3, "arkivskaperID", ARKIVSKAPER[0])
            + _el(3, "arkivskaperNavn", ARKIVSKAPER[1])
            + "  </arkivskaper>\n"
            + " </journalhode>\n"
        )


def _journal_error(
    plan: _Plan, result: GeneratedExtract, index: int, entry: tuple[object, ...]
) -> list[tuple[object, ...]]:
    """The journal entries for the journalpost ``index``: its own, changed or left out or followed by
    one arkivstruktur.xml does not have when a journal error is planted on it."""
    kind = plan.journal_error.get(index)
    if kind is None:
        return [entry]
    klasse, mappe_id, saks_tittel, system_id, seq, nr, tittel, day, korrespondanse = entry
    assert isinstance(day, dt.date)
    where, element, detail = "loependeJournal.xml", "systemID", str(system_id)
    out = [entry]
    if kind == "journal_entry_not_in_structure":
        detail = plan.uuid()
        out.append((klasse, mappe_id, saks_tittel, detail, 90_000, nr, tittel, day, korrespondanse))
    elif kind == "journal_entry_missing":
        where, out = "arkivstruktur.xml", []
    elif kind == "journal_date_differs":
        # a day off in the same year (journalaar stays as it is) and inside the period
        earlier = day - dt.timedelta(days=1)
        other = earlier if earlier.year == day.year and earlier >= PERIOD[0] else day + dt.timedelta(days=1)
        out = [(klasse, mappe_id, saks_tittel, system_id, seq, nr, tittel, other, korrespondanse)]
        element = "journaldato"
    elif kind == "journal_title_differs":
        out = [(klasse, mappe_id, saks_tittel, system_id, seq, nr, f"{tittel} (endret)", day, korrespondanse)]
        element = "tittel"
    else:  # journal_case_number_differs: a saksmappe's mappe_id written as (saksaar, sakssekvensnummer)
        saksaar, sekvens = str(mappe_id).split("/")
        out = [
            (
                klasse,
                f"{saksaar}/{int(sekvens) + 1000}",
                saks_tittel,
                system_id,
                seq,
                nr,
                tittel,
                day,
                korrespondanse,
            )
        ]
        element = "sakssekvensnummer"
    result.planted[kind] = PlantedError(kind, where, element, detail)
    return out


def _journalregistrering(entry: tuple[object, ...], *, public: bool) -> str:
    klasse, mappe_id, saks_tittel, system_id, seq, nr, tittel, day, korrespondanse = entry
    assert isinstance(klasse, tuple) and isinstance(day, dt.date)
    saksaar, sakssekvensnummer = str(mappe_id).split("/")
    saksmappe = [_el(3, "saksaar", saksaar), _el(3, "sakssekvensnummer", sakssekvensnummer)]
    journalpost = [
        _el(3, "systemID", system_id),
        _el(3, "journalaar", day.year),
        _el(3, "journalsekvensnummer", seq),
        _el(3, "journalpostnummer", nr),
    ]
    if not public:  # tittel is only in the running journal; the public one has offentligTittel
        saksmappe.append(_el(3, "tittel", saks_tittel))
        journalpost.append(_el(3, "tittel", tittel))
    saksmappe.append(_el(3, "offentligTittel", saks_tittel))
    journalpost.append(_el(3, "offentligTittel", tittel))
    journalpost.append(_el(3, "journaldato", day.isoformat()))
    return (
        " <journalregistrering>\n  <klasse>\n"
        + _el(3, "klasseID", klasse[0])
        + _el(3, "tittel", klasse[1])
        + "  </klasse>\n  <saksmappe>\n"
        + "".join(saksmappe)
        + "  </saksmappe>\n  <journalpost>\n"
        + "".join(journalpost)
        + "   <korrespondansepart>\n"
        + _el(4, "korrespondanseparttype", korrespondanse)
        + _el(4, "korrespondansepartNavn", "Ola Nordmann")
        + "   </korrespondansepart>\n  </journalpost>\n </journalregistrering>\n"
    )


# ------------------------------------------------------------------------- endringslogg, extra files, schemas


def _write_endringslogg(targets: list[str], result: GeneratedExtract) -> None:
    out = _HashingFile(result.root / "endringslogg.xml")
    out.write(_header("endringslogg", "endringslogg.xsd"))
    for i, system_id in enumerate(targets):
        day = PERIOD[0] + dt.timedelta(days=30 + i)
        out.write(
            " <endring>\n"
            + _el(2, "referanseArkivenhet", system_id)
            + _el(2, "referanseMetadata", "tittel")
            + _el(2, "endretDato", _stamp(day, 12))
            + _el(2, "endretAv", "saksbehandler")
            + _el(2, "tidligereVerdi", "Brev")
            + _el(2, "nyVerdi", f"Brev {i + 1}")
            + " </endring>\n"
        )
    out.write("</endringslogg>\n")
    result.checksums["endringslogg.xml"] = out.close()
    result.n_endringer = len(targets)


def _write_unreferenced_file(plan: _Plan, result: GeneratedExtract) -> None:
    relpath = "dokumenter/ikke-referert.pdf"
    content = make_pdf("Ikke referert", plan.document_size, plan.rng)
    (result.root / relpath).write_bytes(content)
    result.checksums[relpath] = hashlib.sha256(content).hexdigest()
    result.n_dokumentfiler += 1
    result.planted["unreferenced_file"] = PlantedError("unreferenced_file", relpath, None, relpath)


def _copy_schemas(
    root: Path, schema_dir: Path | None, addml_xsd: Path | None, result: GeneratedExtract
) -> dict[str, str]:
    """Copy the official schemas in (at generation time, into the target only); their checksums."""
    copied: dict[str, str] = {}
    if schema_dir is not None:
        for name in _NOARK_SCHEMAS:
            if (schema_dir / name).is_file():
                shutil.copyfile(schema_dir / name, root / name)
                copied[name] = hashlib.sha256((root / name).read_bytes()).hexdigest()
    if addml_xsd is not None:
        shutil.copyfile(addml_xsd, root / "addml.xsd")
        result.checksums["addml.xsd"] = hashlib.sha256((root / "addml.xsd").read_bytes()).hexdigest()
    result.checksums.update(copied)
    return copied


# --------------------------------------------------------------------------- arkivuttrekk.xml (ADDML)


def _prop(name: str, value: object | None = None, children: str = "", data_type: str | None = None) -> str:
    attrs = f' dataType="{data_type}"' if data_type else ""
    inner = f"<value>{escape(str(value))}</value>" if value is not None else ""
    if children:
        inner += f"<properties>{children}</properties>"
    return f'<property{attrs} name="{name}">{inner}</property>'


def _addml_file(name: str, sha256: str | None) -> str:
    checksum = (
        _prop("checksum", children=_prop("algorithm", "SHA-256") + _prop("value", sha256)) if sha256 else ""
    )
    return _prop(
        "file", children=_prop("name", name) + _prop("format", "XML", _prop("version", "1.0")) + checksum
    )


def _addml_schema(name: str, sha256: str | None, main: bool) -> str:
    return _prop(
        "schema",
        "main" if main else None,
        _addml_file(name, sha256) + _prop("type", "XML Schema", _prop("version", "1.0")),
    )


def _addml_count(element: str, count: int) -> str:
    return _prop(
        "numberOfOccurrences",
        element,
        _prop("elementPath", f"//{element}") + _prop("value", count, data_type="integer"),
    )


def _addml_data_object(
    name: str, sha256: str | None, schemas: dict[str, str], counts: dict[str, int], first_catalogue: bool
) -> str:
    catalogue = schemas.get("metadatakatalog.xsd") if first_catalogue else None
    properties = (
        _addml_file(f"{name}.xml", sha256)
        + _addml_schema(f"{name}.xsd", schemas.get(f"{name}.xsd"), main=True)
        + _addml_schema("metadatakatalog.xsd", catalogue, main=False)
        + _prop("info", children="".join(_addml_count(e, n) for e, n in counts.items()))
    )
    return f'<dataObject name="{name}"><properties>{properties}</properties></dataObject>'


def _write_addml(plan: _Plan, result: GeneratedExtract, journaler: bool, schemas: dict[str, str]) -> None:
    arkivstruktur_sha = result.checksums["arkivstruktur.xml"]
    if "wrong_checksum" in plan.kinds:
        arkivstruktur_sha = hashlib.sha256(b"ikke arkivstruktur.xml").hexdigest()
        result.planted["wrong_checksum"] = PlantedError(
            "wrong_checksum", "arkivuttrekk.xml", "checksum", arkivstruktur_sha
        )
    mappe_count = result.n_mapper + (1 if "wrong_count" in plan.kinds else 0)
    if "wrong_count" in plan.kinds:
        result.planted["wrong_count"] = PlantedError(
            "wrong_count", "arkivuttrekk.xml", "numberOfOccurrences", "mappe"
        )
    objects = [
        _addml_data_object(
            "arkivstruktur",
            arkivstruktur_sha,
            schemas,
            {"mappe": mappe_count, "registrering": result.n_registreringer},
            True,
        ),
        _addml_data_object(
            "endringslogg",
            result.checksums["endringslogg.xml"],
            schemas,
            {"endring": result.n_endringer},
            False,
        ),
    ]
    if journaler:
        for name in ("loependeJournal", "offentligJournal"):
            objects.append(
                _addml_data_object(
                    name,
                    result.checksums[f"{name}.xml"],
                    schemas,
                    {"journalregistrering": result.n_journalposter + plan.journal_delta},
                    False,
                )
            )
    said_true = _rule_flags(plan.kinds)
    flags = "".join(
        _prop(flag, "true" if flag in said_true else "false", data_type="boolean")
        for flag in (
            "inneholderSkjermetInformasjon",
            "omfatterDokumenterSomErKassert",
            "inneholderDokumenterSomSkalKasseres",
            "inneholderVirksomhetsspesifikkeMetadata",
        )
    )
    additional_info = (
        _prop("periode", children=_prop("inngaaendeSkille", "skarpt") + _prop("utgaaendeSkille", "skarpt"))
        + flags
        + _prop("antallDokumentfiler", result.n_dokumentobjekter, data_type="integer")
    )
    version = "5.0"
    if "unknown_addml_version" in plan.kinds:
        version = "3.0"
        result.planted["unknown_addml_version"] = PlantedError(
            "unknown_addml_version", "arkivuttrekk.xml", "version", version
        )
    info = _prop(
        "info",
        children=_prop("type", "Noark 5", _prop("version", version))
        + _prop("additionalInfo", children=additional_info),
    )
    context = (
        '<additionalElement name="recordCreators"><additionalElements>'
        '<additionalElement name="recordCreator">'
        f"<value>{escape(ARKIVSKAPER[1])}</value></additionalElement></additionalElements></additionalElement>"
        '<additionalElement name="systemType"><value>Sakarkiv (Noark-5)</value></additionalElement>'
        '<additionalElement name="systemName">'
        "<value>Syntetisk saksbehandlingssystem</value></additionalElement>"
        '<additionalElement name="archive"><value>Syntetisk arkiv for ytelsestest</value></additionalElement>'
    )
    content = (
        '<additionalElement name="archivalPeriod"><properties>'
        + _prop("startDate", result.period[0].isoformat())
        + _prop("endDate", result.period[1].isoformat())
        + "</properties></additionalElement>"
    )
    xml = (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f'<addml xmlns="{NS_ADDML}" xmlns:xsi="{NS_XSI}" xsi:schemaLocation="{NS_ADDML} addml.xsd" '
        'name="Noark 5-arkivuttrekk">\n'
        "<dataset><description>Noark 5-arkivuttrekk</description>\n"
        f"<reference><context><additionalElements>{context}</additionalElements></context>\n"
        f"<content><additionalElements>{content}</additionalElements></content></reference>\n"
        f'<dataObjects><dataObject name="Noark 5-arkivuttrekk"><properties>{info}</properties>\n'
        f"<dataObjects>\n{chr(10).join(objects)}\n</dataObjects></dataObject></dataObjects></dataset></addml>\n"
    )
    (result.root / "arkivuttrekk.xml").write_text(xml, encoding="utf-8")
    result.checksums["arkivuttrekk.xml"] = hashlib.sha256(xml.encode("utf-8")).hexdigest()


# --------------------------------------------------------------------------- PDF


_XMP = (
    b'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">'
    b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" '
    b'xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/"><pdfaid:part>1</pdfaid:part>'
    b"<pdfaid:conformance>B</pdfaid:conformance></rdf:Description></rdf:RDF></x:xmpmeta>"
    b'<?xpacket end="w"?>'
)


def make_pdf(text: str, size: int, rng: random.Random) -> bytes:
    """A small valid one-page PDF 1.4 showing ``text``, padded with random bytes to about ``size``.

    It carries the XMP identification of PDF/A-1b so that format identification (PRONOM fmt/354)
    treats it as an archive format, though it is not a conformance-checked PDF/A. The padding is an
    unused stream object: it keeps the file valid and makes it as incompressible as real PDFs are,
    which matters when the extract is packed for an upload.
    """
    content = f"BT /F1 18 Tf 72 720 Td ({_pdf_escape(text)}) Tj ET".encode("ascii", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R /Metadata 6 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        (
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> >> >>"
        ),
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Type /Metadata /Subtype /XML /Length %d >>\nstream\n%s\nendstream" % (len(_XMP), _XMP),
    ]
    padding = max(size - 1100, 0)
    if padding:
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (padding, rng.randbytes(padding)))
    out = bytearray(b"%PDF-1.4\n%\xe5\xf8\xe6\xc5\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _pdf_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


# --------------------------------------------------------------------------- dates and numbers (issue 15)

#: content-level kinds (dates that contradict each other, numbers used twice), planted one at a time; valid
#: against the schemas, so the schema-level checker of test_source_generator.py does not know them
DATE_NUMBER_KINDS: dict[str, str] = {
    "arkivdel_closed_before_created": "the arkivdel's avsluttetDato is a day before its opprettetDato",
    "period_ends_before_start": "the arkivdel's arkivperiodeSluttDato is before its arkivperiodeStartDato",
    "mappe_closed_before_created": "the middle mappe's avsluttetDato is a day before its opprettetDato",
    "folder_after_arkivdel_closed": "the middle mappe is created (and closed) after the arkivdel was closed",
    "folder_before_period": "the middle mappe is created a month before the archival period starts",
    "duplicate_case_number": "the middle mappe repeats the previous mappe's saksaar/sakssekvensnummer",
    "registration_after_folder_closed": "a journalpost created (and archived) the day after its mappe closed",
    "journaldato_after_folder_closed": "a journalpost's journaldato is the day after its mappe was closed",
    "registration_archived_before_created": "a journalpost's arkivertDato is before its opprettetDato",
    "document_attached_before_created": "a dokumentbeskrivelse's tilknyttetDato is before its opprettetDato",
    "document_attached_after_archived": "a dokumentbeskrivelse attached after its journalpost was archived",
    "registration_after_arkivdel_closed": "a journalpost created after the arkivdel was closed (its mappe "
    "closed later still)",
    "registration_before_period": "a journalpost created a month before the archival period starts",
    "journaldato_before_saksdato": "a journalpost's journaldato is the day before its mappe's saksdato",
    "duplicate_journal_number": "a journalpost repeats the previous one's journalaar/journalsekvensnummer",
    "duplicate_journalpostnummer": "a journalpost repeats the previous one's journalpostnummer in its mappe",
}


def _swap(text: str, element: str, old: str, new: str) -> str:
    before, after = f"<{element}>{old}</{element}>", f"<{element}>{new}</{element}>"
    if before not in text:
        raise AssertionError(f"no {before} to plant over")
    return text.replace(before, after, 1)


def _plant(result: GeneratedExtract, kind: str, element: str, system_id: str) -> None:
    result.planted[kind] = PlantedError(kind, "arkivstruktur.xml", element, system_id)


def _check_dates_planted(kinds: set[str], result: GeneratedExtract) -> None:
    mine = kinds & set(DATE_NUMBER_KINDS)
    if len(mine) > 1:
        raise ValueError(f"{sorted(mine)}: plant one date or number kind at a time")
    if mine - set(result.planted):
        raise ValueError(f"{sorted(mine)} cannot be planted in an extract this small")


def _plant_arkivdel(plan: _Plan, result: GeneratedExtract, text: str) -> str:
    kinds = plan.kinds
    if "arkivdel_closed_before_created" not in kinds and "period_ends_before_start" not in kinds:
        return text
    start, end = PERIOD
    arkivdel = text.index("<arkivdel>")
    system_id = text[arkivdel:].split("<systemID>", 1)[1].split("<", 1)[0]
    head, tail = text[:arkivdel], text[arkivdel:]
    if "arkivdel_closed_before_created" in kinds:
        before = _stamp(start - dt.timedelta(days=1), 8)
        tail = _swap(tail, "avsluttetDato", _stamp(end + dt.timedelta(days=1), 8), before)
        _plant(result, "arkivdel_closed_before_created", "avsluttetDato", system_id)
    if "period_ends_before_start" in kinds:
        tail = _swap(
            tail, "arkivperiodeSluttDato", end.isoformat(), (start - dt.timedelta(days=1)).isoformat()
        )
        _plant(result, "period_ends_before_start", "arkivperiodeSluttDato", system_id)
    return head + tail


def _plant_mappe(
    plan: _Plan, result: GeneratedExtract, state: _State, mappe: int, system_id: str, text: str
) -> str:
    prev, state.prev_case = state.prev_case, (state.year, state.saks_seq, f"{state.year}/{state.saks_seq}")
    for element, old, new in state.mappe_edits:
        text = _swap(text, element, old, new)
    state.mappe_edits.clear()
    kinds = plan.kinds & set(DATE_NUMBER_KINDS)
    if not kinds or mappe != plan.n_mapper // 2:
        return text
    saksdato = plan.saksdato(mappe)
    created, closed = _stamp(saksdato), _stamp(plan.journaldato(mappe, plan.per_mappe), 15)
    after_arkivdel = PERIOD[1] + dt.timedelta(days=2)
    if "mappe_closed_before_created" in kinds:
        text = _swap(text, "avsluttetDato", closed, _stamp(saksdato - dt.timedelta(days=1), 15))
        _plant(result, "mappe_closed_before_created", "avsluttetDato", system_id)
    if "folder_after_arkivdel_closed" in kinds:
        text = _swap(text, "opprettetDato", created, _stamp(after_arkivdel))
        text = _swap(text, "avsluttetDato", closed, _stamp(after_arkivdel + dt.timedelta(days=1), 15))
        _plant(result, "folder_after_arkivdel_closed", "opprettetDato", system_id)
    if "folder_before_period" in kinds:
        text = _swap(text, "opprettetDato", created, _stamp(PERIOD[0] - dt.timedelta(days=31)))
        _plant(result, "folder_before_period", "opprettetDato", system_id)
    if "duplicate_case_number" in kinds and prev is not None:
        year, seq, mappe_id = state.prev_case
        text = _swap(text, "mappeID", mappe_id, prev[2])
        text = _swap(text, "saksaar", str(year), str(prev[0]))
        text = _swap(text, "sakssekvensnummer", str(seq), str(prev[1]))
        _plant(result, "duplicate_case_number", "sakssekvensnummer", system_id)
    return text


def _plant_registrering(
    plan: _Plan,
    result: GeneratedExtract,
    state: _State,
    where: tuple[int, int, int, dt.date, bool],
    text: str,
) -> str:
    index, mappe, nr, day, journalpost = where
    if not journalpost:
        return text
    prev = state.prev_journalpost
    state.prev_journalpost = (mappe, day.year, state.journal_seq, nr)
    kinds = (plan.kinds & set(DATE_NUMBER_KINDS)) - set(result.planted)
    if not kinds or index < plan.n_registreringer // 2:
        return text
    [kind] = kinds
    system_id = text.split("<systemID>", 1)[1].split("<", 1)[0]
    created, archived = _stamp(day, 10), _stamp(day, 14)
    last_day = plan.journaldato(mappe, plan.per_mappe)
    closed = _stamp(last_day, 15)
    has_document = "<dokumentbeskrivelse>" in text
    if kind == "registration_after_folder_closed":
        text = _swap(text, "opprettetDato", created, _stamp(last_day + dt.timedelta(days=1), 10))
        text = _swap(text, "arkivertDato", archived, _stamp(last_day + dt.timedelta(days=1), 14))
        _plant(result, kind, "opprettetDato", system_id)
    elif kind == "journaldato_after_folder_closed":
        text = _swap(text, "journaldato", day.isoformat(), (last_day + dt.timedelta(days=1)).isoformat())
        _plant(result, kind, "journaldato", system_id)
    elif kind == "registration_archived_before_created":
        text = _swap(text, "opprettetDato", created, f"{day.isoformat()}T14:30:00")
        _plant(result, kind, "arkivertDato", system_id)
    elif kind in ("document_attached_before_created", "document_attached_after_archived") and has_document:
        document = text.split("<dokumentbeskrivelse>", 1)[1].split("<systemID>", 1)[1].split("<", 1)[0]
        attached = (
            _stamp(day - dt.timedelta(days=1), 10)
            if kind == "document_attached_before_created"
            else f"{day.isoformat()}T14:30:00"
        )
        text = _swap(text, "tilknyttetDato", created, attached)
        _plant(result, kind, "tilknyttetDato", document)
    elif kind == "registration_after_arkivdel_closed":
        after = PERIOD[1] + dt.timedelta(days=2)
        text = _swap(text, "opprettetDato", created, _stamp(after, 10))
        text = _swap(text, "arkivertDato", archived, _stamp(after, 14))
        state.mappe_edits.append(("avsluttetDato", closed, _stamp(after + dt.timedelta(days=3), 15)))
        _plant(result, kind, "opprettetDato", system_id)
    elif kind == "registration_before_period":
        text = _swap(text, "opprettetDato", created, _stamp(PERIOD[0] - dt.timedelta(days=31), 10))
        _plant(result, kind, "opprettetDato", system_id)
    elif kind == "journaldato_before_saksdato":
        before = plan.saksdato(mappe) - dt.timedelta(days=1)
        text = _swap(text, "journaldato", day.isoformat(), before.isoformat())
        _plant(result, kind, "journaldato", system_id)
    elif kind == "duplicate_journal_number" and prev is not None:
        text = _swap(text, "journalaar", str(day.year), str(prev[1]))
        text = _swap(text, "journalsekvensnummer", str(state.journal_seq), str(prev[2]))
        _plant(result, kind, "journalsekvensnummer", system_id)
    elif kind == "duplicate_journalpostnummer" and prev is not None and prev[0] == mappe:
        text = _swap(text, "journalpostnummer", str(nr), str(prev[3]))
        _plant(result, kind, "journalpostnummer", system_id)
    return text
