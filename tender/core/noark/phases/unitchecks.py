"""Phase 5b: questions across units of ``arkivstruktur.xml``, asked of the store at the end: dates of a unit
against those of the mappe and arkivdel it lies in (N5V-CONTENT-23), and journal and case numbers that must
be unique (N5V-CONTENT-24).

The records of a unit's children arrive before the unit's own (post-order), so a registrering cannot be
held against its mappe's avsluttetDato while it streams by; the content handler writes what is needed to
the store (:mod:`..store`) and SQL answers here, in flat memory at any size. Comparisons a unit makes with
itself are made in the stream (:mod:`..content`).
"""

from __future__ import annotations

from ..content import FILE as ARKIVSTRUKTUR_XML
from ..content import later
from ..findings import Severity
from ..store import Store
from .context import Run

CHECK_DATES = "N5V-CONTENT-23"
CHECK_NUMBERS = "N5V-CONTENT-24"
_M = {"opprettetDato": "M600", "journaldato": "M101"}
_LEVEL_NO = {"mappe": "Mappe", "registrering": "Registrering"}
_LEVEL_EN = {"mappe": "Folder", "registrering": "Registration"}


def _kind(level: str, kind: str) -> str:
    return f" ({kind})" if kind and kind != level else ""


def check_units(run: Run, store: Store) -> None:
    """Dates against the parent mappe and the arkivdel, unique numbers."""
    if run.handlers.get("arkivstruktur") is None:
        return
    run.out.ran(CHECK_DATES, CHECK_NUMBERS)
    _against_folder(run, store)
    _against_arkivdel(run, store)
    unsure = run.handlers["arkivstruktur"].numbers_unsure
    _numbers(run, store, (unsure[0], unsure[1], unsure[2]))


def _against_folder(run: Run, store: Store) -> None:
    for sid, line, created, jdate, mserial, mcreated, closed, saksdato in store.registrering_against_mappe():
        mkind, msid, mline = store.mappe(mserial)
        # a mappe closed before it was created has its own finding, which says what is wrong
        if not later(mcreated, closed):
            for element, value in (("opprettetDato", created), ("journaldato", jdate)):
                if later(value, closed):
                    _after_folder_closed(run, sid, line, element, value, (mkind, msid, mline, closed))
        if later(saksdato, jdate):
            # a journalpost moved in from another case may be older than it (M015), hence a warning
            run.add(
                CHECK_DATES,
                Severity.WARNING,
                f"Journalpost {sid or 'uten systemID'} på linje {line} har M101 journaldato {jdate}, før "
                f"M100 saksdato {saksdato} i {mkind} {msid or 'uten systemID'} (linje {mline}) den ligger i.",
                f"Journal record {sid or 'without systemID'} on line {line} has M101 journaldato {jdate}, "
                f"before M100 saksdato {saksdato} of the {mkind} {msid or 'without systemID'} (line {mline}) "
                "it lies in.",
                ARKIVSTRUKTUR_XML,
                line,
                "journaldato",
                "M101",
                unit=sid,
            )


def _after_folder_closed(
    run: Run, sid: str | None, line: int, element: str, value: str, folder: tuple[str, str | None, int, str]
) -> None:
    mkind, msid, mline, closed = folder
    m = _M[element]
    # krav 2.5.5: a closed mappe (avsluttetDato set) takes no more registreringer
    run.add(
        CHECK_DATES,
        Severity.ERROR,
        f"Registrering {sid or 'uten systemID'} på linje {line} har {m} {element} {value}, etter at "
        f"{mkind} {msid or 'uten systemID'} (linje {mline}) den ligger i ble avsluttet (M602 "
        f"avsluttetDato {closed}); en avsluttet mappe skal ikke få flere registreringer.",
        f"Registration {sid or 'without systemID'} on line {line} has {m} {element} {value}, after the "
        f"{mkind} {msid or 'without systemID'} (line {mline}) it lies in was closed (M602 avsluttetDato "
        f"{closed}); a closed folder must take no more registrations.",
        ARKIVSTRUKTUR_XML,
        line,
        element,
        m,
        unit=sid,
    )


def _against_arkivdel(run: Run, store: Store) -> None:
    for first, after, asid, aline, acreated, closed, start in store.arkivdeler():
        # an arkivdel closed before it was created has its own finding, which says what is wrong
        closed_ = None if later(acreated, closed) else closed
        if not closed_ and not start:
            continue
        part = f"arkivdel {asid or 'uten systemID'} (linje {aline})"
        part_en = f"archive part {asid or 'without systemID'} (line {aline})"
        for level, serial, sid, line, created in store.units_against_arkivdel(first, after, closed_, start):
            kind = ""
            if level == "mappe":
                kind, sid, line = store.mappe(serial)
            name_no = f"{_LEVEL_NO[level]}{_kind(level, kind)} {sid or 'uten systemID'} på linje {line}"
            name_en = f"{_LEVEL_EN[level]}{_kind(level, kind)} {sid or 'without systemID'} on line {line}"
            if later(created, closed_):
                # krav 2.3.6: a closed arkivdel (avsluttetDato set) takes no more mapper or registreringer
                run.add(
                    CHECK_DATES,
                    Severity.ERROR,
                    f"{name_no} er opprettet (M600 opprettetDato {created}) etter at {part} ble avsluttet "
                    f"(M602 avsluttetDato {closed}); en avsluttet arkivdel skal ikke få flere mapper eller "
                    "registreringer.",
                    f"{name_en} was created (M600 opprettetDato {created}) after {part_en} was closed "
                    f"(M602 avsluttetDato {closed}); a closed archive part must take no more folders or "
                    "registrations.",
                    ARKIVSTRUKTUR_XML,
                    line,
                    "opprettetDato",
                    "M600",
                    unit=sid,
                )
            if later(start, created):
                # a folder still open at a soft period change may be carried over into the new arkivdel
                # with its registreringer: a warning, not an error
                run.add(
                    CHECK_DATES,
                    Severity.WARNING,
                    f"{name_no} er opprettet (M600 opprettetDato {created}) før arkivperioden til {part} "
                    f"begynte (M107 arkivperiodeStartDato {start}).",
                    f"{name_en} was created (M600 opprettetDato {created}) before the archival period of "
                    f"{part_en} began (M107 arkivperiodeStartDato {start}).",
                    ARKIVSTRUKTUR_XML,
                    line,
                    "opprettetDato",
                    "M600",
                    unit=sid,
                )


def _units(units: list[tuple[str | None, int]], count: int) -> tuple[str, str]:
    no = ", ".join(f"{sid or 'uten systemID'} (linje {line})" for sid, line in units)
    en = ", ".join(f"{sid or 'without systemID'} (line {line})" for sid, line in units)
    if count > len(units):
        no, en = no + " …", en + " …"
    return no, en


def _numbers(run: Run, store: Store, which: tuple[bool, bool, bool]) -> None:
    for what, a, b, count, units in store.duplicate_numbers(which):
        listed_no, listed_en = _units(units, count)
        # the unit named is the first that repeats a number already used
        unit = units[1][0] if len(units) > 1 else units[0][0]
        line = units[1][1] if len(units) > 1 else units[0][1]
        if what == "journal":
            run.add(
                CHECK_NUMBERS,
                Severity.ERROR,
                f"Journalnummeret {b}/{a} (M013 journalaar {a}, M014 journalsekvensnummer {b}) brukes av "
                f"{count} journalposter: {listed_no}; sekvensnummeret skal være unikt innenfor journalåret.",
                f"The journal number {b}/{a} (M013 journalaar {a}, M014 journalsekvensnummer {b}) is used by "
                f"{count} journal records: {listed_en}; the sequence number must be unique within the year.",
                ARKIVSTRUKTUR_XML,
                line,
                "journalsekvensnummer",
                "M014",
                unit=unit,
            )
        elif what == "sak":
            run.add(
                CHECK_NUMBERS,
                Severity.ERROR,
                f"Saksnummeret {a}/{b} (M011 saksaar {a}, M012 sakssekvensnummer {b}) brukes av {count} "
                f"mapper: {listed_no}; sekvensnummeret skal være unikt innenfor saksåret.",
                f"The case number {a}/{b} (M011 saksaar {a}, M012 sakssekvensnummer {b}) is used by {count} "
                f"folders: {listed_en}; the sequence number must be unique within the year.",
                ARKIVSTRUKTUR_XML,
                line,
                "sakssekvensnummer",
                "M012",
                unit=unit,
            )
        else:
            run.add(
                CHECK_NUMBERS,
                Severity.WARNING,
                f"M015 journalpostnummer {b} brukes av {count} journalposter i samme mappe "
                f"{a or 'uten systemID'}: {listed_no}; journalpostnummeret skal skille journalpostene i "
                "saken fra hverandre.",
                f"M015 journalpostnummer {b} is used by {count} journal records in the same folder "
                f"{a or 'without systemID'}: {listed_en}; the number must tell the case's journal records "
                "apart.",
                ARKIVSTRUKTUR_XML,
                line,
                "journalpostnummer",
                "M015",
                unit=unit,
            )
