"""Phase 7: the statistics of the report (N5V-STAT-..), from what the other phases counted, and the
extract's context as ADDML states it (the report's ``context`` block)."""

from __future__ import annotations

from typing import Any, Final

from ..content import FILE as ARKIVSTRUKTUR_XML
from ..content import ArkivstrukturHandler
from ..findings import Severity
from ..journals import JournalHandler
from .context import Run
from .xmlfiles import XML_KEYS


def summarise(run: Run) -> None:
    arkiv: ArkivstrukturHandler | None = run.handlers.get("arkivstruktur")
    if arkiv is None:
        return
    stats = arkiv.statistics()
    run.statistics["arkivstruktur"] = stats
    run.out.ran(
        "N5V-STAT-01",
        "N5V-STAT-02",
        "N5V-STAT-03",
        "N5V-STAT-04",
        "N5V-STAT-05",
        "N5V-STAT-06",
        "N5V-STAT-07",
    )
    _counts_by_arkade_test(run, stats)
    for level in ("mappe", "registrering"):
        years = stats["per_year"].get(level) or {}
        if years:
            text = ", ".join(f"{y}: {n}" for y, n in years.items())
            run.add(
                "N5V-STAT-02",
                Severity.INFO,
                f"{level} per år (opprettetDato): {text}.",
                f"{level} per year (opprettetDato): {text}.",
                ARKIVSTRUKTUR_XML,
                arkade=("N5.11",) if level == "mappe" else ("N5.18",),
            )
    for name, values in stats["status"].items():
        if name in ("arkivdelstatus", "avskrivningsmaate"):
            continue  # N5.06 lists it per archive part, below; N5.40 counts avskrivning by avskrivningsmaate
        text = ", ".join(f"{k}: {v}" for k, v in values.items())
        run.add(
            "N5V-STAT-03",
            Severity.INFO,
            f"{name}: {text}.",
            f"{name}: {text}.",
            ARKIVSTRUKTUR_XML,
            arkade=_STATUS_TESTS.get(name, ()),
        )
    for part in stats["archive_parts"]:
        run.add(
            "N5V-STAT-03",
            Severity.INFO,
            f"Arkivdel «{part['tittel'] or '–'}» ({part['systemID'] or '–'}): "
            f"arkivdelstatus {part['status'] or 'mangler'}.",
            f"Archive part '{part['tittel'] or '-'}' ({part['systemID'] or '-'}): "
            f"arkivdelstatus {part['status'] or 'missing'}.",
            ARKIVSTRUKTUR_XML,
            unit=part["systemID"],
            arkade=("N5.06",),
        )
    formats = stats["declared_formats"]
    detected = run.statistics.get("documents", {}).get("detected_formats", {})
    run.add(
        "N5V-STAT-04",
        Severity.INFO,
        "Oppgitte formater: "
        + (", ".join(f"{k}: {v}" for k, v in formats.items()) or "ingen")
        + ". Gjenkjent fra filinnhold: "
        + (", ".join(f"{k}: {v}" for k, v in detected.items()) or "ingen")
        + ".",
        "Declared formats: "
        + (", ".join(f"{k}: {v}" for k, v in formats.items()) or "none")
        + ". Recognised from content: "
        + (", ".join(f"{k}: {v}" for k, v in detected.items()) or "none")
        + ".",
        arkade=("N5.29",),
    )
    for name, n in stats["classification"].items():
        run.add(
            "N5V-STAT-05",
            Severity.INFO,
            f"{name}: {n}.",
            f"{_IN_ENGLISH.get(name, name)}: {n}.",
            ARKIVSTRUKTUR_XML,
            arkade=_CLASSIFICATION_TESTS.get(name, ()),
        )
    for name, n in stats["units_without_content"].items():
        run.add(
            "N5V-STAT-06",
            Severity.INFO,
            f"{name}: {n}.",
            f"{_IN_ENGLISH.get(name, name)}: {n}.",
            ARKIVSTRUKTUR_XML,
            arkade=_EMPTY_UNIT_TESTS.get(name, ()),
        )
    if stats["first_registration"]:
        run.add(
            "N5V-STAT-07",
            Severity.INFO,
            f"Første registrering opprettet {stats['first_registration']}, siste "
            f"{stats['last_registration']}.",
            f"First registration created {stats['first_registration']}, last {stats['last_registration']}.",
            ARKIVSTRUKTUR_XML,
            arkade=("N5.27",),
        )
    for part in stats["archive_parts"]:
        if part["first_registration"]:
            run.add(
                "N5V-STAT-07",
                Severity.INFO,
                f"Arkivdel {part['systemID'] or '–'}: første registrering opprettet "
                f"{part['first_registration']}, siste {part['last_registration']}.",
                f"Archive part {part['systemID'] or '-'}: first registration created "
                f"{part['first_registration']}, last {part['last_registration']}.",
                ARKIVSTRUKTUR_XML,
                unit=part["systemID"],
                arkade=("N5.27",),
            )
    journals = run.statistics.get("journals") or {}
    change_log = run.statistics.get("change_log")
    if journals or change_log:
        run.out.ran("N5V-STAT-08")
    if journals:
        records = stats["journal_records"]
        parts_no = [f"{k}: {v['journal_records']} journalposter" for k, v in journals.items()]
        parts_en = [f"{k}: {v['journal_records']} journal records" for k, v in journals.items()]
        run.add(
            "N5V-STAT-08",
            Severity.INFO,
            f"arkivstruktur.xml: {records} journalposter; " + "; ".join(parts_no) + ".",
            f"arkivstruktur.xml: {records} journal records; " + "; ".join(parts_en) + ".",
            arkade=("N5.59",),
        )
        periods_no = [
            f"{k}: journaldato {v['first_journal_date'] or '–'}–{v['last_journal_date'] or '–'}, "
            f"journalhodet {v['header_start'] or '–'}–{v['header_end'] or '–'}"
            for k, v in journals.items()
        ]
        periods_en = [
            f"{k}: journal dates {v['first_journal_date'] or '-'}–{v['last_journal_date'] or '-'}, header "
            f"{v['header_start'] or '-'}–{v['header_end'] or '-'}"
            for k, v in journals.items()
        ]
        first, last = stats["first_journal_date"] or "–", stats["last_journal_date"] or "–"
        run.add(
            "N5V-STAT-08",
            Severity.INFO,
            f"arkivstruktur.xml: journaldato {first}–{last}; " + "; ".join(periods_no) + ".",
            f"arkivstruktur.xml: journal dates {first}–{last}; " + "; ".join(periods_en) + ".",
            arkade=("N5.60",),
        )
    if change_log:
        run.add(
            "N5V-STAT-08",
            Severity.INFO,
            f"endringslogg.xml har {change_log['changes']} loggførte endringer.",
            f"endringslogg.xml has {change_log['changes']} logged changes.",
            "endringslogg.xml",
            arkade=("N5.61",),
        )


#: which Arkade test each status count belongs to
_STATUS_TESTS: Final[dict[str, tuple[str, ...]]] = {
    "saksstatus": ("N5.15",),
    "journalposttype": ("N5.17",),
    "journalstatus": ("N5.22",),
    "dokumentstatus": ("N5.25",),
}
_CLASSIFICATION_TESTS: Final[dict[str, tuple[str, ...]]] = {
    "klasser": ("N5.08",),
    "klasser på øverste nivå": ("N5.08",),
    "klasser uten underklasser, mapper eller registreringer": ("N5.09",),
    "klasser uten mapper": ("N5.13",),
    "klasser uten registreringer direkte under seg": ("N5.20",),
}
_EMPTY_UNIT_TESTS: Final[dict[str, tuple[str, ...]]] = {
    "mapper uten registreringer eller undermapper": ("N5.14",),
    "registreringer uten dokumentbeskrivelse": ("N5.21",),
    "dokumentbeskrivelser uten dokumentobjekt": ("N5.24",),
}
#: the counts' names above in the report's English (the Noark 5 terms as the standard's English
#: translation names them: klasse class, mappe folder, registrering registration, dokumentbeskrivelse
#: document description, dokumentobjekt document object)
_IN_ENGLISH: Final[dict[str, str]] = {
    "klasser": "classes",
    "klasser på øverste nivå": "classes at the top level",
    "klasser uten underklasser, mapper eller registreringer": (
        "classes without subclasses, folders or registrations"
    ),
    "klasser uten mapper": "classes without folders",
    "klasser uten registreringer direkte under seg": "classes without registrations directly below them",
    "mapper uten registreringer eller undermapper": "folders without registrations or subfolders",
    "registreringer uten dokumentbeskrivelse": "registrations without a document description",
    "dokumentbeskrivelser uten dokumentobjekt": "document descriptions without a document object",
}


def _joined(counts: dict[str, int]) -> str:
    return ", ".join(f"{k}: {v}" for k, v in counts.items())


def _counts_by_arkade_test(run: Run, stats: dict[str, Any]) -> None:
    """The counts of units, one finding per Arkade test they answer (N5.04, N5.05, ... N5.46)."""
    levels: dict[str, int] = stats["levels"]
    by_parent: dict[str, dict[str, int]] = stats["by_parent"]

    def n(element: str) -> int:
        return int(levels.get(element, 0))

    def add(test: str, no: str, en: str) -> None:
        run.add("N5V-STAT-01", Severity.INFO, no, en, ARKIVSTRUKTUR_XML, arkade=(test,))

    sub = n("arkiv (underarkiv)")
    add(
        "N5.04",
        f"Antall arkiv: {n('arkiv')}, av dem {sub} underarkiv.",
        f"Archives: {n('arkiv')}, {sub} nested.",
    )
    add("N5.05", f"Antall arkivdeler: {n('arkivdel')}.", f"Archive parts: {n('arkivdel')}.")
    add(
        "N5.07",
        f"Antall klassifikasjonssystem: {n('klassifikasjonssystem')}.",
        f"Classification systems: {n('klassifikasjonssystem')}.",
    )
    add("N5.08", f"Antall klasser: {n('klasse')}.", f"Classes: {n('klasse')}.")
    per_part_no = "; ".join(
        f"arkivdel {p['systemID'] or '–'}: {p['mapper']} mapper, {p['registreringer']} registreringer"
        for p in stats["archive_parts"]
    )
    per_part_en = "; ".join(
        f"archive part {p['systemID'] or '-'}: {p['mapper']} folders, {p['registreringer']} registrations"
        for p in stats["archive_parts"]
    )
    folder_types, reg_types = _joined(stats["folder_types"]), _joined(stats["registration_types"])
    add(
        "N5.10",
        f"Antall mapper: {n('mappe')} ({folder_types or 'ingen'})"
        + (f"; {per_part_no}." if per_part_no else "."),
        f"Folders: {n('mappe')} ({folder_types or 'none'})" + (f"; {per_part_en}." if per_part_en else "."),
    )
    add(
        "N5.16",
        f"Antall registreringer: {n('registrering')} ({reg_types or 'ingen'}).",
        f"Registrations: {n('registrering')} ({reg_types or 'none'}).",
    )
    add(
        "N5.23",
        f"Antall dokumentbeskrivelser: {n('dokumentbeskrivelse')}.",
        f"Document descriptions: {n('dokumentbeskrivelse')}.",
    )
    add(
        "N5.26",
        f"Antall dokumentobjekter: {n('dokumentobjekt')}.",
        f"Document objects: {n('dokumentobjekt')}.",
    )
    # Arkade counts sakspart, and part too when the extract states version 5.0
    parties = sum(by_parent.get("sakspart", {}).values()) + (
        sum(by_parent.get("part", {}).values()) if run.version == "5.0" else 0
    )
    add("N5.35", f"Antall parter (sakspart/part): {parties}.", f"Parties (sakspart/part): {parties}.")
    for test, element, no, en in (
        ("N5.36", "merknad", "Antall merknader", "Remarks"),
        ("N5.38", "presedens", "Antall presedenser", "Precedents"),
        ("N5.42", "skjerming", "Antall skjerminger", "Restrictions"),
        ("N5.44", "kassasjon", "Antall kassasjonsvedtak", "Disposal resolutions"),
        ("N5.45", "utfoertKassasjon", "Antall utførte kassasjoner", "Performed disposals"),
    ):
        parents = by_parent.get(element, {})
        total = sum(parents.values())
        where = f" ({_joined(parents)})" if parents else ""
        add(test, f"{no}: {total}{where}.", f"{en}: {total}{where}.")
    add(
        "N5.39",
        f"Antall korrespondanseparter: {n('korrespondansepart')}.",
        f"Correspondence parties: {n('korrespondansepart')}.",
    )
    ways = _joined(stats["status"].get("avskrivningsmaate", {}))
    add(
        "N5.40",
        f"Antall avskrivninger: {n('avskrivning')}" + (f" ({ways})." if ways else "."),
        f"Depreciations: {n('avskrivning')}" + (f" ({ways})." if ways else "."),
    )
    add("N5.41", f"Antall dokumentflyter: {n('dokumentflyt')}.", f"Document flows: {n('dokumentflyt')}.")
    add("N5.43", f"Antall graderinger: {n('gradering')}.", f"Security classifications: {n('gradering')}.")
    add(
        "N5.46",
        f"Antall konverterte dokumenter: {n('konvertering')}.",
        f"Converted documents: {n('konvertering')}.",
    )


def addml_context(run: Run) -> dict[str, Any]:
    """The extract's context as its ADDML states it, and the counts it states against the counts found:
    the report's ``context`` block (``docs/noark-report.md``). A field the description does not give is
    None ("ikke oppgitt" in the outputs); ``found`` is None where the file was not read to the end."""
    addml = run.addml
    counts: list[dict[str, Any]] = []
    if addml is not None:
        for obj in addml.data_objects:
            key = next((k for k in XML_KEYS if addml.data_object(k) is obj), None)
            handler = run.handlers.get(key) if key else None
            file = obj.file.name if obj.file is not None and obj.file.name else f"{obj.name}.xml"
            for decl in obj.counts:
                # ADDML for Noark 5 v3.0 counted a journal's records as "registrering" (renamed
                # "journalregistrering" in v3.1's template): counted as what was meant, and said so
                counted = (
                    "journalregistrering"
                    if key in ("loependeJournal", "offentligJournal") and decl.element == "registrering"
                    else decl.element
                )
                found = handler.count(counted) if handler is not None and handler.complete else None
                counts.append(
                    _count_row(
                        "numberOfOccurrences", file, decl.element, decl.value, decl.raw, found, counted
                    )
                )
        documents = run.statistics.get("documents")
        counts.append(
            _count_row(
                "antallDokumentfiler",
                None,
                "dokumentfil",
                addml.document_count,
                addml.document_count_raw,
                documents["files"] if documents else None,
            )
        )
    for key in ("loependeJournal", "offentligJournal"):
        journal: JournalHandler | None = run.handlers.get(key)
        if journal is not None:
            counts.append(
                _count_row(
                    "antallJournalposter",
                    f"{key}.xml",
                    "journalregistrering",
                    journal.header_count,
                    journal.header_count_raw,
                    journal.records if journal.complete else None,
                )
            )
    start_raw, end_raw = addml.period_raw if addml is not None else (None, None)
    return {
        "addml": addml.path if addml is not None else None,
        "record_creators": [{"name": c.name, "number": c.number} for c in addml.creators] if addml else [],
        "system_name": addml.system_name if addml else None,
        "system_type": addml.system_type if addml else None,
        "archive": addml.archive_name if addml else None,
        "archival_period": {
            "start": addml.period_start.isoformat() if addml and addml.period_start else None,
            "end": addml.period_end.isoformat() if addml and addml.period_end else None,
            "start_raw": start_raw,
            "end_raw": end_raw,
        },
        "period_separation": {
            "incoming": addml.incoming_separation if addml else None,
            "outgoing": addml.outgoing_separation if addml else None,
        },
        "counts": counts,
    }


def _count_row(
    source: str,
    file: str | None,
    element: str,
    stated: int | None,
    raw: str | None,
    found: int | None,
    counted_as: str | None = None,
) -> dict[str, Any]:
    return {
        "source": source,
        "file": file,
        "element": element,
        "counted_as": counted_as or element,
        "stated": stated,
        "stated_raw": raw,
        "found": found,
        "agrees": None if stated is None or found is None else stated == found,
    }
