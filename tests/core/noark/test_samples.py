"""The reference extracts under ../shared/noark5/samples/: each gets exactly the errors its SOURCE.txt (and
../shared/noark5/README.md's table) describes, is checked against the version the extract carries, and gets
the schema verdict the official schemas give.

The table below lists, per sample, every error finding as (check id, file, line, element). Each entry is
either a problem SOURCE.txt names, or a problem SOURCE.txt does not mention that is nevertheless in the
sample (the reason is given beside it; none is a false alarm). A new rule that rightly fires on a sample
is one more line in its entry.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

import pytest
from lxml import etree

from tender.core.noark.findings import Severity
from tender.core.noark.report import Report
from tender.core.noark.validator import validate_path

from .official import SAMPLES, official_schema_for_sample, official_xmlschema

SAMPLE_DIRS = sorted(p for p in SAMPLES.iterdir() if p.is_dir())
XML_ROLES = ("arkivstruktur", "endringslogg", "loependeJournal", "offentligJournal")

#: an error finding as the table names it: (check id, file, line, element)
Key = tuple[str, str | None, int | None, str | None]


def E(check: str, file: str | None = None, line: int | None = None, element: str | None = None) -> Key:
    return (check, file, line, element)


def each(check: str, file: str, element: str, lines: tuple[int, ...]) -> tuple[Key, ...]:
    """The same finding on several lines."""
    return tuple(E(check, file, line, element) for line in lines)


@dataclass(frozen=True)
class Sample:
    #: the schemas the README table says the sample is valid against ("" when none)
    valid_in: tuple[str, ...]
    #: the version it is checked against, and why (report.version_basis)
    version: str
    basis: str
    errors: tuple[Key, ...]


A = "arkivstruktur.xml"
U = "arkivuttrekk.xml"

# What the samples derived from Arkade's "Small" test extract share beyond what their SOURCE.txt says
# (Small, Version5_5, the CLI archive, the StructureChecksums and StructureValidation error samples):
# they carry only arkivstruktur.xml, although endringslogg.xml is mandatory and the journal records
# need loependeJournal.xml/offentligJournal.xml; a kryssreferanse points at 'klasse-8e45c136-…' and
# 'Mappe2', which no unit has as systemID; one journalpost has journalstatus 'Journalført' (Arkade N5.22
# gives the same error); ADDML says documents were disposed of (omfatterDokumenterSomErKassert=true)
# and, in most of them, that there is business-specific metadata, and neither is there.

SMALL_SHARED = (
    E("N5V-STRUCT-08", "endringslogg.xml"),  # the mandatory change log is not in the extract
    E("N5V-STRUCT-08"),  # journal records in arkivstruktur.xml, no loependeJournal/offentligJournal
    E("N5V-CONTENT-18", U),  # omfatterDokumenterSomErKassert=true, no utfoertKassasjon
)
SMALL_REFERENCES = (
    E("N5V-CONTENT-08", A, 50, "referanseTilKlasse"),  # 'klasse-8e45c136-…' is no klasse's systemID
    E("N5V-CONTENT-08", A, 86, "referanseTilMappe"),  # 'Mappe2' is no mappe's systemID
)
#: Arkade's VSM samples: Small's arkivdel twice, with the systemIDs copied, under arkivdel systemIDs
#: ('arkivdel_1', …) that the units' referanseArkivdel do not use, and ADDML's counts left at Small's
VSM_SHARED = (
    E("N5V-STRUCT-08", "endringslogg.xml"),
    E("N5V-STRUCT-08"),
    E("N5V-STRUCT-09", U, 95),  # 2 document files stated, no dokumenter/
    E("N5V-DOC-08"),
    *each("N5V-DOC-01", A, "referanseDokumentfil", (158, 255, 489, 586)),
    E("N5V-CONTENT-01", U, 245, "mappe"),  # 1 stated, 2 present
    E("N5V-CONTENT-02", U, 256, "registrering"),  # 2 stated, 4 present
    *each("N5V-CONTENT-04", A, "systemID", (30, 39, 53, 63, 73, 107, 129, 211, 226)),
    *each("N5V-CONTENT-06", A, "referanseArkivdel", (84, 112, 138, 216, 235, 416, 443, 469, 547, 566)),
    *each("N5V-CONTENT-08", A, "referanseTilKlasse", (50, 382)),
    *each("N5V-CONTENT-08", A, "referanseTilMappe", (92, 423)),
    *each("N5V-CONTENT-11", A, "journalstatus", (279, 610)),
    E("N5V-CONTENT-18", U),
)
#: the Oslo kommune example (StructureValidation_correct, Noark5Archive, KDRS uttrekk1): one
#: dokumentbeskrivelse systemID used twice (lines 44 and 107)
OSLO_DUPLICATE = E("N5V-CONTENT-04", A, 44, "systemID")
#: KDRS uttrekk1/2: ADDML's checksums are those of files with Windows line endings. SOURCE.txt names the
#: mismatches of arkivstruktur.xml and offentligJournal.xml; endringslogg.xml does not match either, even
#: with Windows line endings; the four schema files are the official v3.1 ones, stored here with Unix
#: line endings, and a checksum is over the raw bytes (as in Arkade's N5.02)
KDRS_CHECKSUMS = tuple(E("N5V-STRUCT-04", U, line) for line in (103, 131, 233, 261, 339, 404, 432))

SAMPLES_TABLE: dict[str, Sample] = {
    "SYNTHETIC_v5_0_minimal": Sample(("5.0",), "5.0", "stated_and_bundled", ()),
    "arkade5_Small": Sample(
        ("3.1", "4.0"),
        "3.1",
        "stated_and_bundled",
        (
            *SMALL_SHARED,
            *SMALL_REFERENCES,
            E("N5V-CONTENT-11", A, 263, "journalstatus"),
            E("N5V-CONTENT-22", U),
        ),
    ),
    "arkade5_StructureChecksums_correct": Sample(
        ("3.1", "4.0"),
        "3.1",
        "stated_and_bundled",
        (
            # SOURCE.txt: the counts are deliberately wrong (20000 mappe, 100000 registrering and files)
            E("N5V-CONTENT-01", U, 208, "mappe"),
            E("N5V-CONTENT-02", U, 219, "registrering"),
            E("N5V-STRUCT-09", U, 95),
            # SOURCE.txt: no dokumenter/, so the two referenced files are missing
            E("N5V-DOC-08"),
            *each("N5V-DOC-01", A, "referanseDokumentfil", (152, 239)),
            # the journals and the change log are Oslo's, arkivstruktur.xml is Small's: the change log
            # names units arkivstruktur.xml does not have, the journals state 4 records (sharp period
            # separation) where arkivstruktur.xml has 2, from 1863, outside the journals' 2011–2012
            *each("N5V-CONTENT-19", "endringslogg.xml", "referanseArkivenhet", (3, 11)),
            E("N5V-CONTENT-20", "loependeJournal.xml"),
            E("N5V-CONTENT-20", "loependeJournal.xml"),
            E("N5V-CONTENT-20", "offentligJournal.xml"),
            E("N5V-CONTENT-20", "offentligJournal.xml"),
            # and their period is neither the archival period nor that of the journal dates
            E("N5V-CONTENT-20", "loependeJournal.xml", None, "journalStartDato"),
            E("N5V-CONTENT-20", "offentligJournal.xml", None, "journalStartDato"),
            # entry by entry: none of the journals' four is in arkivstruktur.xml, neither of its two in them
            *each("N5V-CONTENT-28", "loependeJournal.xml", "systemID", (19, 38, 57, 76)),
            *each("N5V-CONTENT-28", "offentligJournal.xml", "systemID", (19, 38, 57, 76)),
            *each("N5V-CONTENT-28", A, "systemID", (100, 194)),
            *SMALL_REFERENCES,
            E("N5V-CONTENT-11", A, 263, "journalstatus"),
            E("N5V-CONTENT-18", U),
            E("N5V-CONTENT-22", U),
        ),
    ),
    "arkade5_StructureChecksums_errors_INVALID": Sample(
        (),
        # it states '3.0' and carries no schema: it is checked against v3.1, which replaced v3.0 and only
        # made two elements optional (so nothing valid in v3.0 is refused); the data are Small's (v3.1)
        "3.1",
        "data",
        (
            # SOURCE.txt: the one listed checksum does not match
            E("N5V-STRUCT-04", U, 103),
            # its ADDML is another's: 4 document files, no skjerming and no kassasjon declared
            E("N5V-STRUCT-09", U, 79),
            E("N5V-CONTENT-16", U),
            E("N5V-CONTENT-17", U),
            E("N5V-DOC-08"),
            *each("N5V-DOC-01", A, "referanseDokumentfil", (152, 239)),
            E("N5V-STRUCT-08", "endringslogg.xml"),
            E("N5V-STRUCT-08"),
            *SMALL_REFERENCES,
            E("N5V-CONTENT-11", A, 263, "journalstatus"),
        ),
    ),
    "arkade5_StructureValidation_correct": Sample(
        ("3.1", "4.0"),
        "3.1",
        "bundled",
        (
            # SOURCE.txt: no dokumenter/ (the four referenced PDFs are absent), one duplicated systemID
            E("N5V-DOC-08"),
            *each("N5V-DOC-01", A, "referanseDokumentfil", (63, 126, 200, 258)),
            E("N5V-STRUCT-09", U, 79),  # ADDML states 4 document files
            OSLO_DUPLICATE,
            E("N5V-STRUCT-08", "endringslogg.xml"),  # the mandatory change log is not there
        ),
    ),
    "arkade5_StructureValidation_error_INVALID": Sample(
        (),
        "3.1",
        "stated_and_bundled",
        (
            # SOURCE.txt: five schema errors against v3.1 and a checksum mismatch
            E("N5V-STRUCT-06", A, 14, "arkivskaperNavn"),
            *each("N5V-STRUCT-06", A, "tilgangsrestriksjon", (107, 138, 203, 227)),
            E("N5V-STRUCT-04", U, 119),
            E("N5V-STRUCT-09", U, 87),  # 2 document files stated, no dokumenter/
            E("N5V-DOC-08"),
            *each("N5V-DOC-01", A, "referanseDokumentfil", (153, 242)),
            *SMALL_SHARED,
            E("N5V-CONTENT-08", A, 49, "referanseTilKlasse"),
            E("N5V-CONTENT-08", A, 85, "referanseTilMappe"),
            E("N5V-CONTENT-11", A, 266, "journalstatus"),
            E("N5V-CONTENT-22", U),
        ),
    ),
    "arkade5_StructureValidation_custom_VSM": Sample(("3.1+vsmd",), "3.1", "stated_and_bundled", VSM_SHARED),
    "arkade5_StructureValidation_customError_VSM_INVALID": Sample(
        (),
        "3.1",
        "stated_and_bundled",
        (
            # SOURCE.txt: felt5 where vsmd.xsd wants felt4 (line 89); the checksum was not updated
            E("N5V-STRUCT-06", A, 89, "felt4"),
            E("N5V-STRUCT-04", U, 119),
            *VSM_SHARED,
        ),
    ),
    "arkade5_CLI_N5-archive": Sample(
        (),
        "3.1",
        "stated_and_bundled",
        (
            # SOURCE.txt: a second systemID directly under arkiv: a schema error and a duplicate
            E("N5V-STRUCT-06", A, 4, "tittel"),
            E("N5V-CONTENT-04", A, 3, "systemID"),
            *SMALL_SHARED,
            E("N5V-CONTENT-08", A, 51, "referanseTilKlasse"),
            E("N5V-CONTENT-08", A, 87, "referanseTilMappe"),
            E("N5V-CONTENT-11", A, 264, "journalstatus"),
            E("N5V-CONTENT-22", U),
        ),
    ),
    "arkade5_Noark5Archive": Sample(
        ("3.1", "4.0"),
        "3.1",
        "bundled",
        (
            # SOURCE.txt: the same content as StructureValidation_correct, no dokumenter/
            E("N5V-DOC-08"),
            *each("N5V-DOC-01", A, "referanseDokumentfil", (63, 126, 200, 258)),
            E("N5V-STRUCT-09", U, 79),
            OSLO_DUPLICATE,
            E("N5V-STRUCT-08", "endringslogg.xml"),
        ),
    ),
    "arkade5_Version5_5": Sample(
        (),
        # ADDML says 5.0, the bundled schemas are v3.1: checked against v3.1 as Arkade does, and the
        # contradiction is an error
        "3.1",
        "bundled",
        (
            E("N5V-STRUCT-02", U, 69),
            # SOURCE.txt: Small with v5.0 <part> elements added, which v3.1 does not allow
            E("N5V-STRUCT-06", A, 315, "part"),
            *SMALL_SHARED,
            *SMALL_REFERENCES,
            E("N5V-CONTENT-11", A, 263, "journalstatus"),
            E("N5V-CONTENT-22", U),
        ),
    ),
    "arkade5_n5-eksempel_DIAS_tar": Sample(
        ("3.1", "4.0"),
        "3.1",
        "stated_and_bundled",
        (
            # SOURCE.txt: the arkivstruktur.xml checksum and the registrering count (3 stated, 2 there)
            E("N5V-STRUCT-04", U, 119),
            E("N5V-CONTENT-02", U, 219, "registrering"),
            *SMALL_SHARED,
            *SMALL_REFERENCES,
            E("N5V-CONTENT-11", A, 281, "journalstatus"),
            E("N5V-CONTENT-22", U),
        ),
    ),
    "kdrs_uttrekk1": Sample(
        ("3.1", "4.0"),
        "3.1",
        "bundled",
        (
            *KDRS_CHECKSUMS,
            # SOURCE.txt: a reference to a missing file (…c902c6.pdf) and the unreferenced …c802c6.pdf,
            # a wrong document checksum, sizes written '87kB'/'87 kB', one duplicated systemID
            E("N5V-DOC-01", A, 63, "referanseDokumentfil"),
            E("N5V-DOC-05", "dokumenter/1c555c2e-7f2f-492c-a770-c7bc18c802c6.pdf"),
            E("N5V-DOC-02", A, 126, "sjekksum"),
            *each("N5V-DOC-03", A, "filstoerrelse", (126, 200, 258)),
            OSLO_DUPLICATE,
        ),
    ),
    "kdrs_uttrekk2": Sample(
        (),
        "3.1",
        "bundled",
        (
            *KDRS_CHECKSUMS,
            # SOURCE.txt: against v3.1, merknad in the wrong place (142) and presedensGodkjentDato
            # '2011-09-09' where a dateTime is wanted (195)
            E("N5V-STRUCT-06", A, 142, "dokumentobjekt"),
            E("N5V-STRUCT-06", A, 195, "presedensGodkjentDato"),
            # SOURCE.txt: 3 mappe / 5 registrering against the stated 2 / 4, three duplicated systemIDs
            E("N5V-CONTENT-01", U, 192, "mappe"),
            E("N5V-CONTENT-02", U, 203, "registrering"),
            *each("N5V-CONTENT-04", A, "systemID", (88, 104, 110)),
            # SOURCE.txt: the document-file problems of uttrekk1
            E("N5V-DOC-01", A, 129, "referanseDokumentfil"),
            E("N5V-DOC-05", "dokumenter/1c555c2e-7f2f-492c-a770-c7bc18c802c6.pdf"),
            E("N5V-DOC-02", A, 234, "sjekksum"),
            *each("N5V-DOC-03", A, "filstoerrelse", (234, 320, 378)),
            # "an example of every error the validator checks for" (its README): references to units
            # that are not there, an empty klassifikasjonstype, and ADDML flags saying there is no
            # skjerming and no kassasjon where there is
            E("N5V-CONTENT-08", A, 85, "referanseTilKlasse"),
            E("N5V-CONTENT-08", A, 459, "referanseForrigeMoete"),
            E("N5V-CONTENT-08", A, 460, "referanseNesteMoete"),
            E("N5V-CONTENT-08", A, 452, "referanseTilMoeteregistrering"),
            E("N5V-CONTENT-08", A, 453, "referanseFraMoeteregistrering"),
            E("N5V-CONTENT-14", A, 67, "klassifikasjonstype"),
            E("N5V-CONTENT-16", U),
            E("N5V-CONTENT-17", U),
            E("N5V-CONTENT-18", U),
        ),
    ),
}


#: what issue 15's date and number rules (N5V-CONTENT-23, -24) find in the samples' own data, none of it in
#: SOURCE.txt. Arkade's test data (Small and the samples made from it): an archival period that ends before
#: it starts (1864-03-12–1864-02-02); journalposts archived before they were created (1863-10-10 before
#: 1863-10-18, 1864-02-13 before 1864-05-19), created and dated after their saksmappe was closed
#: (1863-08-22); documents attached before they were created (1864-05-04 before 1864-07-21) or after their
#: journalpost was archived. The Oslo example uses journal number 1/2012 twice (2b962a88…, ae3828bc…); the
#: VSM samples repeat a whole arkivdel, its case and journal numbers with it
DATES_AND_NUMBERS: dict[str, tuple[Key, ...]] = {
    "arkade5_CLI_N5-archive": (
        *each("N5V-CONTENT-23", A, "arkivertDato", (105, 199)),
        E("N5V-CONTENT-23", A, 29, "arkivperiodeSluttDato"),
        E("N5V-CONTENT-23", A, 195, "journaldato"),
        *each("N5V-CONTENT-23", A, "opprettetDato", (101, 195)),
        *each("N5V-CONTENT-23", A, "tilknyttetDato", (136, 136, 223)),
    ),
    "arkade5_Noark5Archive": (E("N5V-CONTENT-24", A, 232, "journalsekvensnummer"),),
    "arkade5_Small": (
        *each("N5V-CONTENT-23", A, "arkivertDato", (104, 198)),
        E("N5V-CONTENT-23", A, 28, "arkivperiodeSluttDato"),
        E("N5V-CONTENT-23", A, 194, "journaldato"),
        *each("N5V-CONTENT-23", A, "opprettetDato", (100, 194)),
        *each("N5V-CONTENT-23", A, "tilknyttetDato", (135, 135, 222)),
    ),
    "arkade5_StructureChecksums_correct": (
        *each("N5V-CONTENT-23", A, "arkivertDato", (104, 198)),
        E("N5V-CONTENT-23", A, 28, "arkivperiodeSluttDato"),
        E("N5V-CONTENT-23", A, 194, "journaldato"),
        *each("N5V-CONTENT-23", A, "opprettetDato", (100, 194)),
        *each("N5V-CONTENT-23", A, "tilknyttetDato", (135, 135, 222)),
    ),
    "arkade5_StructureChecksums_errors_INVALID": (
        *each("N5V-CONTENT-23", A, "arkivertDato", (104, 198)),
        E("N5V-CONTENT-23", A, 28, "arkivperiodeSluttDato"),
        E("N5V-CONTENT-23", A, 194, "journaldato"),
        *each("N5V-CONTENT-23", A, "opprettetDato", (100, 194)),
        *each("N5V-CONTENT-23", A, "tilknyttetDato", (135, 135, 222)),
    ),
    "arkade5_StructureValidation_correct": (E("N5V-CONTENT-24", A, 232, "journalsekvensnummer"),),
    "arkade5_StructureValidation_customError_VSM_INVALID": (
        *each("N5V-CONTENT-23", A, "arkivertDato", (110, 214, 441, 545)),
        *each("N5V-CONTENT-23", A, "arkivperiodeSluttDato", (28, 360)),
        *each("N5V-CONTENT-23", A, "journaldato", (210, 541)),
        *each("N5V-CONTENT-23", A, "opprettetDato", (106, 210, 437, 541)),
        *each("N5V-CONTENT-23", A, "tilknyttetDato", (141, 141, 238, 472, 472, 569)),
        *each("N5V-CONTENT-24", A, "journalsekvensnummer", (437, 541)),
        E("N5V-CONTENT-24", A, 404, "sakssekvensnummer"),
    ),
    "arkade5_StructureValidation_custom_VSM": (
        *each("N5V-CONTENT-23", A, "arkivertDato", (110, 214, 441, 545)),
        *each("N5V-CONTENT-23", A, "arkivperiodeSluttDato", (28, 360)),
        *each("N5V-CONTENT-23", A, "journaldato", (210, 541)),
        *each("N5V-CONTENT-23", A, "opprettetDato", (106, 210, 437, 541)),
        *each("N5V-CONTENT-23", A, "tilknyttetDato", (141, 141, 238, 472, 472, 569)),
        *each("N5V-CONTENT-24", A, "journalsekvensnummer", (437, 541)),
        E("N5V-CONTENT-24", A, 404, "sakssekvensnummer"),
    ),
    "arkade5_StructureValidation_error_INVALID": (
        *each("N5V-CONTENT-23", A, "arkivertDato", (103, 199)),
        E("N5V-CONTENT-23", A, 27, "arkivperiodeSluttDato"),
        E("N5V-CONTENT-23", A, 195, "journaldato"),
        *each("N5V-CONTENT-23", A, "opprettetDato", (99, 195)),
        *each("N5V-CONTENT-23", A, "tilknyttetDato", (135, 135, 224)),
    ),
    "arkade5_Version5_5": (
        *each("N5V-CONTENT-23", A, "arkivertDato", (104, 198)),
        E("N5V-CONTENT-23", A, 28, "arkivperiodeSluttDato"),
        E("N5V-CONTENT-23", A, 194, "journaldato"),
        *each("N5V-CONTENT-23", A, "opprettetDato", (100, 194)),
        *each("N5V-CONTENT-23", A, "tilknyttetDato", (135, 135, 222)),
    ),
    "arkade5_n5-eksempel_DIAS_tar": (
        *each("N5V-CONTENT-23", A, "arkivertDato", (104, 210)),
        E("N5V-CONTENT-23", A, 28, "arkivperiodeSluttDato"),
        E("N5V-CONTENT-23", A, 206, "journaldato"),
        *each("N5V-CONTENT-23", A, "opprettetDato", (100, 206)),
        *each("N5V-CONTENT-23", A, "tilknyttetDato", (135, 135, 234)),
    ),
    "kdrs_uttrekk1": (E("N5V-CONTENT-24", A, 232, "journalsekvensnummer"),),
    "kdrs_uttrekk2": (E("N5V-CONTENT-24", A, 352, "journalsekvensnummer"),),
}
for _name, _keys in DATES_AND_NUMBERS.items():
    SAMPLES_TABLE[_name] = replace(SAMPLES_TABLE[_name], errors=(*SAMPLES_TABLE[_name].errors, *_keys))


def extract_root(sample: Path) -> Path:
    """The folder holding arkivuttrekk.xml (the sample itself, content/, n5uttrekk/, <uuid>/content/)."""
    for candidate in (
        sample,
        sample / "content",
        *sorted(sample.glob("*/")),
        *sorted(sample.glob("*/content/")),
    ):
        if (candidate / "arkivuttrekk.xml").is_file() and candidate.name != "administrative_metadata":
            return candidate
    raise AssertionError(f"no arkivuttrekk.xml in {sample}")


@cache
def report_for(sample: Path) -> Report:
    return validate_path(sample)


def error_keys(report: Report) -> Counter[Key]:
    return Counter(
        (f.check, f.file, f.line, f.element) for f in report.findings() if f.severity is Severity.ERROR
    )


def _errors(report: Report, check: str) -> list[tuple[str | None, int | None, str]]:
    return [(f.file, f.line, f.message_en) for f in report.findings(check) if f.severity is Severity.ERROR]


def _schema_lines(report: Report, file: str) -> set[int | None]:
    return {f.line for c in ("N5V-STRUCT-05", "N5V-STRUCT-06") for f in report.findings(c) if f.file == file}


def test_every_sample_has_its_row_in_the_table() -> None:
    assert sorted(SAMPLES_TABLE) == [p.name for p in SAMPLE_DIRS]


@pytest.mark.parametrize("sample", SAMPLE_DIRS, ids=lambda p: p.name)
def test_each_sample_gets_exactly_the_errors_its_source_describes(sample: Path) -> None:
    expected = Counter(SAMPLES_TABLE[sample.name].errors)
    found = error_keys(report_for(sample))
    # both directions, so that a failure names what was missed and what was reported falsely
    assert {"missed": sorted(expected - found, key=str), "false": sorted(found - expected, key=str)} == {
        "missed": [],
        "false": [],
    }


@pytest.mark.parametrize("sample", SAMPLE_DIRS, ids=lambda p: p.name)
def test_each_sample_is_checked_against_the_version_of_the_schemas_it_carries(sample: Path) -> None:
    row = SAMPLES_TABLE[sample.name]
    report = report_for(sample)
    assert (report.noark_version, report.version_basis) == (row.version, row.basis)
    if row.valid_in:
        # valid against the official schemas of that version: no schema error, no version error
        assert row.version in {v.split("+")[0] for v in row.valid_in}
        assert _schema_lines(report, "arkivstruktur.xml") == set()
        assert [f for f in report.findings("N5V-STRUCT-02") if f.severity is Severity.ERROR] == []


@pytest.mark.parametrize("sample", SAMPLE_DIRS, ids=lambda p: p.name)
def test_each_xml_file_of_each_sample_gets_the_official_schema_verdict(sample: Path, tmp_path: Path) -> None:
    root = extract_root(sample)
    version = SAMPLES_TABLE[sample.name].version
    report = report_for(sample)
    checked = 0
    for role in XML_ROLES:
        xml = root / f"{role}.xml"
        if not xml.is_file():
            continue
        schema = official_schema_for_sample(version, role, root, tmp_path)
        official_valid = schema.validate(etree.parse(str(xml)))
        official_lines = {e.line for e in schema.error_log}
        ours = _schema_lines(report, f"{role}.xml")
        assert (not ours) == official_valid, (
            role,
            sorted(official_lines),
            sorted(line or 0 for line in ours),
        )
        assert ours == official_lines
        checked += 1
    assert checked >= 1


@pytest.mark.parametrize("sample", SAMPLE_DIRS, ids=lambda p: p.name)
def test_each_arkivuttrekk_gets_the_official_addml_verdict(sample: Path) -> None:
    root = extract_root(sample)
    schema = official_xmlschema("8.3", "addml")
    official_valid = schema.validate(etree.parse(str(root / "arkivuttrekk.xml")))
    assert (not _schema_lines(report_for(sample), "arkivuttrekk.xml")) == official_valid


def test_the_synthetic_v5_sample_is_valid_with_no_error_or_warning() -> None:
    report = report_for(SAMPLES / "SYNTHETIC_v5_0_minimal")
    assert report.valid
    assert report.count(Severity.ERROR) == 0
    assert report.count(Severity.WARNING) == 0
    assert report.noark_version == "5.0"
    # the status as the JSON report (what the web page and the CLI show) gives it
    statuses = {c["id"]: c["status"] for c in report.to_json()["checks"]}
    for check in (
        "N5V-STRUCT-04",
        "N5V-CONTENT-01",
        "N5V-CONTENT-02",
        "N5V-STRUCT-09",
        "N5V-DOC-01",
        "N5V-DOC-02",
    ):
        assert statuses.get(check) == "pass", check
    assert report.statistics["arkivstruktur"]["levels"]["mappe"] == 3


def test_small_has_correct_checksums_counts_and_two_document_files() -> None:
    report = report_for(SAMPLES / "arkade5_Small")
    for check in (
        "N5V-STRUCT-04",
        "N5V-CONTENT-01",
        "N5V-CONTENT-02",
        "N5V-STRUCT-09",
        "N5V-DOC-01",
        "N5V-DOC-02",
        "N5V-DOC-03",
        "N5V-DOC-05",
    ):
        assert _errors(report, check) == [], check
    assert report.statistics["documents"]["files"] == 2


def test_structure_checksums_correct_passes_the_checksum_check_but_not_the_counts() -> None:
    report = report_for(SAMPLES / "arkade5_StructureChecksums_correct")
    assert _errors(report, "N5V-STRUCT-04") == []
    checksummed = [
        f for f in report.files if f.path.endswith((".xml", ".xsd")) and f.path != "arkivuttrekk.xml"
    ]
    assert len(checksummed) == 9  # Arkade's N5.02 test expects nine successful checksum results
    assert [m for _f, _l, m in _errors(report, "N5V-CONTENT-01")] == [
        "arkivuttrekk.xml states 20000 mappe in arkivstruktur.xml, but the file has 1."
    ]
    assert "100000 registrering" in _errors(report, "N5V-CONTENT-02")[0][2]
    assert "100000 document files" in _errors(report, "N5V-STRUCT-09")[0][2]


def test_structure_checksums_errors_has_exactly_one_checksum_error() -> None:
    report = report_for(SAMPLES / "arkade5_StructureChecksums_errors_INVALID")
    errors = _errors(report, "N5V-STRUCT-04")
    assert len(errors) == 1
    assert "arkivstruktur.xml" in errors[0][2]


def test_structure_validation_correct_has_no_documents_folder_and_one_duplicated_system_id() -> None:
    report = report_for(SAMPLES / "arkade5_StructureValidation_correct")
    assert len(_errors(report, "N5V-CONTENT-04")) == 1
    assert _errors(report, "N5V-DOC-08")


def test_structure_validation_error_has_its_five_schema_errors_and_a_checksum_mismatch() -> None:
    report = report_for(SAMPLES / "arkade5_StructureValidation_error_INVALID")
    lines = sorted(line for _f, line, _m in _errors(report, "N5V-STRUCT-06"))
    assert lines == [14, 107, 138, 203, 227]
    first = report.findings("N5V-STRUCT-06")[0]
    assert first.element == "arkivskaperNavn" and first.m_number == "M023"
    assert "arkivskaper" in first.message_no
    assert len(_errors(report, "N5V-STRUCT-04")) == 1


def test_custom_vsm_is_valid_with_its_own_vsm_schema() -> None:
    report = report_for(SAMPLES / "arkade5_StructureValidation_custom_VSM")
    assert _schema_lines(report, "arkivstruktur.xml") == set()
    assert _errors(report, "N5V-STRUCT-10") == []


def test_custom_vsm_error_points_at_the_element_vsmd_does_not_allow() -> None:
    report = report_for(SAMPLES / "arkade5_StructureValidation_customError_VSM_INVALID")
    [finding] = report.findings("N5V-STRUCT-06")
    assert finding.line == 89
    assert "felt5" in finding.message_no and "felt4" in finding.message_no


def test_cli_archive_reports_the_second_system_id_as_schema_error_and_duplicate() -> None:
    report = report_for(SAMPLES / "arkade5_CLI_N5-archive")
    assert [line for _f, line, _m in _errors(report, "N5V-STRUCT-06")] == [4]
    [dup] = _errors(report, "N5V-CONTENT-04")
    assert "lines 3, 4" in dup[2]


def test_dias_package_is_read_under_content_with_its_checksum_and_count_mismatch() -> None:
    report = report_for(SAMPLES / "arkade5_n5-eksempel_DIAS_tar")
    assert report.extract.endswith("content")
    assert len(_errors(report, "N5V-STRUCT-04")) == 1
    assert "3 registrering" in _errors(report, "N5V-CONTENT-02")[0][2]


def test_kdrs_uttrekk1_has_all_the_problems_its_source_describes() -> None:
    report = report_for(SAMPLES / "kdrs_uttrekk1")
    checksum_files = {m.split(" of ")[1].split(" does")[0] for _f, _l, m in _errors(report, "N5V-STRUCT-04")}
    assert {"arkivstruktur.xml", "offentligJournal.xml"} <= checksum_files
    [missing] = _errors(report, "N5V-DOC-01")
    assert "c902c6.pdf" in missing[2]
    [unreferenced] = _errors(report, "N5V-DOC-05")
    assert "c802c6.pdf" in unreferenced[2]
    assert len(_errors(report, "N5V-DOC-02")) == 1
    sizes = [m for _f, _l, m in _errors(report, "N5V-DOC-03")]
    assert any("'87kB'" in m for m in sizes) and any("'87 kB'" in m for m in sizes)
    assert len(_errors(report, "N5V-CONTENT-04")) == 1


def test_kdrs_uttrekk2_has_count_mismatches_and_three_duplicated_system_ids() -> None:
    report = report_for(SAMPLES / "kdrs_uttrekk2")
    assert "states 2 mappe" in _errors(report, "N5V-CONTENT-01")[0][2]
    assert "states 4 registrering" in _errors(report, "N5V-CONTENT-02")[0][2]
    assert len(_errors(report, "N5V-CONTENT-04")) == 3
    assert _errors(report, "N5V-DOC-01") and _errors(report, "N5V-DOC-05") and _errors(report, "N5V-DOC-02")
    assert not report.valid


def test_version5_5_is_checked_against_the_v3_1_schemas_it_carries_and_the_contradiction_is_an_error() -> (
    None
):
    report = report_for(SAMPLES / "arkade5_Version5_5")
    assert report.stated_version == "5.0" and report.noark_version == "3.1"
    assert report.bundled_version == "3.1"
    [error] = [f for f in report.findings("N5V-STRUCT-02") if f.severity is Severity.ERROR]
    assert "versjon 5.0" in error.message_no and "v3.1" in error.message_no
    assert not report.valid


@pytest.mark.parametrize(
    "name", ["kdrs_uttrekk1", "kdrs_uttrekk2", "arkade5_Noark5Archive", "arkade5_StructureValidation_correct"]
)
def test_a_version_without_published_schemas_is_a_warning_and_the_bundled_v3_1_schemas_are_used(
    name: str,
) -> None:
    report = report_for(SAMPLES / name)
    assert report.stated_version == "3.0" and report.noark_version == "3.1"
    [warning] = [f for f in report.findings("N5V-STRUCT-02") if f.severity is Severity.WARNING]
    assert "'3.0'" in warning.message_en and "v3.1" in warning.message_en
    # the v3.1 schemas it carries are the ones it is checked against: no finding about them
    assert [f for f in report.findings("N5V-STRUCT-07") if f.severity is not Severity.INFO] == []


def test_kdrs_uttrekk2_shows_its_real_schema_errors_the_malformed_presedens_date_among_them() -> None:
    report = report_for(SAMPLES / "kdrs_uttrekk2")
    errors = [f for f in report.findings("N5V-STRUCT-06") if f.severity is Severity.ERROR]
    assert [(f.line, f.element) for f in errors] == [(142, "dokumentobjekt"), (195, "presedensGodkjentDato")]
    assert "'2011-09-09'" in errors[1].message_en and errors[1].m_number == "M628"
