"""Phase 7: the statistics of the report (N5V-STAT-..), from what the other phases counted, and the
extract's context as ADDML states it (the report's ``context`` block)."""

from __future__ import annotations

from typing import Any

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
    levels = stats["levels"]
    run.out.ran(
        "N5V-STAT-01",
        "N5V-STAT-02",
        "N5V-STAT-03",
        "N5V-STAT-04",
        "N5V-STAT-05",
        "N5V-STAT-06",
        "N5V-STAT-07",
    )
    main = ", ".join(
        f"{levels.get(k, 0)} {k}"
        for k in (
            "arkiv",
            "arkivdel",
            "klassifikasjonssystem",
            "klasse",
            "mappe",
            "registrering",
            "dokumentbeskrivelse",
            "dokumentobjekt",
        )
    )
    run.add(
        "N5V-STAT-01",
        Severity.INFO,
        f"arkivstruktur.xml har {main}.",
        f"arkivstruktur.xml has {main}.",
        ARKIVSTRUKTUR_XML,
    )
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
            )
    for name, values in stats["status"].items():
        text = ", ".join(f"{k}: {v}" for k, v in values.items())
        run.add("N5V-STAT-03", Severity.INFO, f"{name}: {text}.", f"{name}: {text}.", ARKIVSTRUKTUR_XML)
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
    )
    for name, n in stats["classification"].items():
        run.add("N5V-STAT-05", Severity.INFO, f"{name}: {n}.", f"{name}: {n}.", ARKIVSTRUKTUR_XML)
    for name, n in stats["units_without_content"].items():
        run.add("N5V-STAT-06", Severity.INFO, f"{name}: {n}.", f"{name}: {n}.", ARKIVSTRUKTUR_XML)
    if stats["first_registration"]:
        run.add(
            "N5V-STAT-07",
            Severity.INFO,
            f"Første registrering opprettet {stats['first_registration']}, siste "
            f"{stats['last_registration']}.",
            f"First registration created {stats['first_registration']}, last {stats['last_registration']}.",
            ARKIVSTRUKTUR_XML,
        )
    journals = run.statistics.get("journals") or {}
    change_log = run.statistics.get("change_log")
    if journals or change_log:
        run.out.ran("N5V-STAT-08")
        parts_no = [f"{k}: {v['journal_records']} journalposter" for k, v in journals.items()]
        parts_en = [f"{k}: {v['journal_records']} journal records" for k, v in journals.items()]
        if change_log:
            parts_no.append(f"endringslogg: {change_log['changes']} endringer")
            parts_en.append(f"change log: {change_log['changes']} changes")
        run.add("N5V-STAT-08", Severity.INFO, "; ".join(parts_no) + ".", "; ".join(parts_en) + ".")


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
