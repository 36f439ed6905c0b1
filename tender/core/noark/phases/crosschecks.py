"""Phase 5: questions over everything the XML phase collected: unique systemIDs, references that lead
nowhere, and the journals against each other and against arkivstruktur.xml."""

from __future__ import annotations

from ..content import FILE as ARKIVSTRUKTUR_XML
from ..content import REFERENCES
from ..findings import Severity
from ..journals import JournalHandler
from ..schema import describe_element
from ..store import Store
from .context import Run
from .journal_entries import check_entries, check_period


def check_references(run: Run, store: Store) -> None:
    arkiv = run.handlers.get("arkivstruktur")
    if arkiv is None:
        return
    run.out.ran("N5V-CONTENT-04", "N5V-CONTENT-06", "N5V-CONTENT-07", "N5V-CONTENT-08")
    if run.version == "5.0":
        run.out.ran("N5V-CONTENT-05")
    for value, count, lines, levels in store.duplicate_ids():
        shown = ", ".join(str(x) for x in lines) + (" …" if count > len(lines) else "")
        run.add(
            "N5V-CONTENT-04",
            Severity.ERROR,
            f"M001 systemID «{value}» brukes {count} ganger ({', '.join(sorted(set(levels)))}) på linje "
            f"{shown}; systemID skal være unik.",
            f"M001 systemID '{value}' is used {count} times ({', '.join(sorted(set(levels)))}) on lines "
            f"{shown}; a systemID must be unique.",
            ARKIVSTRUKTUR_XML,
            lines[0],
            "systemID",
            "M001",
        )
    endrings = run.handlers.get("endringslogg")
    if endrings is not None:
        run.out.ran("N5V-CONTENT-19")
    for value, line, kind, element, file in store.dangling_refs():
        if kind == "any":
            run.add(
                "N5V-CONTENT-19",
                Severity.ERROR,
                f"M680 referanseArkivenhet «{value}» i {file} på linje {line} viser ikke til noen systemID i "
                "arkivstruktur.xml.",
                f"M680 referanseArkivenhet '{value}' in {file} on line {line} refers to no systemID in "
                "arkivstruktur.xml.",
                file,
                line,
                "referanseArkivenhet",
                "M680",
                arkade=("N5.62",),
            )
            continue
        check = REFERENCES.get(element, (kind, "N5V-CONTENT-08"))[1]
        info = arkiv.infos.get(element)
        m = info.m_number if info else None
        label = f"{m} {element}" if m else element
        run.add(
            check,
            Severity.ERROR,
            f"{label} «{value}» på linje {line} viser ikke til noen {kind} i uttrekket.",
            f"{label} '{value}' on line {line} refers to no {kind} in the extract.",
            file,
            line,
            element,
            m,
        )


def _period(h: JournalHandler) -> str:
    """A journal header's period as written in a message ("2020-01-01–2023-12-31"; "?" if unreadable)."""
    return f"{h.header_start or '?'}–{h.header_end or '?'}"


def check_journals(run: Run, store: Store | None = None) -> None:
    arkiv = run.handlers.get("arkivstruktur")
    lj: JournalHandler | None = run.handlers.get("loependeJournal")
    oj: JournalHandler | None = run.handlers.get("offentligJournal")
    run.statistics["journals"] = {
        k: h.statistics() for k, h in (("loependeJournal", lj), ("offentligJournal", oj)) if h
    }
    endring = run.handlers.get("endringslogg")
    if endring is not None:
        run.statistics["change_log"] = {"changes": endring.changes}
    if arkiv is None:
        return
    run.out.ran("N5V-CONTENT-20")
    if arkiv.journalposts and (lj is None or oj is None):
        missing = " og ".join(
            n for n, h in (("loependeJournal.xml", lj), ("offentligJournal.xml", oj)) if h is None
        )
        run.add(
            "N5V-STRUCT-08",
            Severity.ERROR,
            f"arkivstruktur.xml har {arkiv.journalposts} journalposter, men {missing} mangler.",
            f"arkivstruktur.xml has {arkiv.journalposts} journal records, but {missing} is missing.",
            arkade=("N5.59", "N5.60"),
        )
    journals = [
        (n, h) for n, h in (("loependeJournal.xml", lj), ("offentligJournal.xml", oj)) if h is not None
    ]
    for name, h in journals:
        if h.header_count is not None and h.complete and h.header_count != h.records:
            run.add(
                "N5V-CONTENT-20",
                Severity.ERROR,
                f"Journalhodet i {name} oppgir {h.header_count} journalposter, men filen har {h.records}.",
                f"The journal header of {name} states {h.header_count} journal records, but the file has "
                f"{h.records}.",
                name,
                None,
                "antallJournalposter",
                describe_element(run.version, "antallJournalposter").m_number,
                arkade=("N5.59",),
            )
    if lj is not None and oj is not None:
        if lj.header_count != oj.header_count:
            run.add(
                "N5V-CONTENT-20",
                Severity.ERROR,
                f"Løpende journal oppgir {lj.header_count} journalposter og offentlig journal "
                f"{oj.header_count}; de skal inneholde de samme journalpostene.",
                f"The running journal states {lj.header_count} journal records and the public journal "
                f"{oj.header_count}; they must hold the same records.",
                "offentligJournal.xml",
                arkade=("N5.59",),
            )
        if (lj.header_start, lj.header_end) != (oj.header_start, oj.header_end):
            run.add(
                "N5V-CONTENT-20",
                Severity.ERROR,
                f"Løpende journal oppgir perioden {_period(lj)} i journalhodet og offentlig journal "
                f"{_period(oj)}; de skal omfatte samme periode.",
                f"The running journal states the period {_period(lj)} in its header and the public journal "
                f"{_period(oj)}; they must cover the same period.",
                "offentligJournal.xml",
                None,
                "journalStartDato",
                describe_element(run.version, "journalStartDato").m_number,
                arkade=("N5.60",),
            )
    check_period(run)
    if store is not None:
        check_entries(run, store)
    sharp = run.addml is not None and run.addml.sharp_separation
    if not sharp or not arkiv.complete:
        return
    for name, h in journals:
        if h.header_count is not None and h.header_count != arkiv.journalposts:
            run.add(
                "N5V-CONTENT-20",
                Severity.ERROR,
                f"{name} oppgir {h.header_count} journalposter, men arkivstruktur.xml har "
                f"{arkiv.journalposts}, og periodeskillet er skarpt.",
                f"{name} states {h.header_count} journal records, but arkivstruktur.xml has "
                f"{arkiv.journalposts}, and the period separation is sharp.",
                name,
                arkade=("N5.59",),
            )
        first, last = arkiv.journal_dates
        if first is not None and h.header_start is not None and h.header_end is not None:
            if first < h.header_start.isoformat() or (last is not None and last > h.header_end.isoformat()):
                run.add(
                    "N5V-CONTENT-20",
                    Severity.ERROR,
                    f"Journaldatoene i arkivstruktur.xml ({first}–{last}) ligger utenfor perioden i {name} "
                    f"({h.header_start}–{h.header_end}).",
                    f"The journal dates in arkivstruktur.xml ({first}–{last}) lie outside the period of "
                    f"{name} ({h.header_start}–{h.header_end}).",
                    name,
                    arkade=("N5.60",),
                )
