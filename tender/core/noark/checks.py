"""The check catalogue: stable ids, Norwegian and English names, and what each covers of Arkade 5.

Ids never change meaning once released (reports are compared across runs and vendors). The mapping to
Arkade's Noark 5 tests (N5.01–N5.64) is data: :data:`ARKADE_TESTS` lists every test Arkade implements
and :func:`arkade_coverage` says which of our checks covers it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

from .source import INPUT_CHECKS

Group = Literal["input", "structure", "content", "documents", "statistics"]


@dataclass(frozen=True)
class Check:
    """One check of the validator."""

    id: str
    name_no: str
    name_en: str
    group: Group
    arkade: tuple[str, ...] = ()  #: Arkade test ids this check covers (fully or together with others)


def _c(id_: str, no: str, en: str, group: Group, *arkade: str) -> Check:
    return Check(id_, no, en, group, tuple(arkade))


_CATALOGUE: Final[tuple[Check, ...]] = (
    # -- structure of the extract
    _c("N5V-STRUCT-01", "Beskrivelsen arkivuttrekk.xml", "The description arkivuttrekk.xml", "structure"),
    _c("N5V-STRUCT-02", "Noark-versjon", "Noark version", "structure"),
    _c(
        "N5V-STRUCT-03",
        "Filer oppført i arkivuttrekk.xml finnes",
        "Files listed in arkivuttrekk.xml exist",
        "structure",
        "N5.01",
    ),
    _c(
        "N5V-STRUCT-04",
        "Sjekksummer i arkivuttrekk.xml",
        "Checksums in arkivuttrekk.xml",
        "structure",
        "N5.02",
    ),
    _c("N5V-STRUCT-05", "Velformet XML", "Well-formed XML", "structure", "N5.03"),
    _c("N5V-STRUCT-06", "Gyldig mot XML-skjema", "Valid against the XML schema", "structure", "N5.03"),
    _c(
        "N5V-STRUCT-07",
        "Medfølgende skjemaer er de offisielle",
        "Bundled schemas are the official ones",
        "structure",
    ),
    _c("N5V-STRUCT-08", "Obligatoriske filer", "Mandatory files", "structure", "N5.01"),
    _c("N5V-STRUCT-09", "Antall dokumentfiler", "Number of document files", "structure", "N5.28"),
    _c(
        "N5V-STRUCT-10",
        "Virksomhetsspesifikke skjemaer",
        "Business-specific (VSM) schemas",
        "structure",
        "N5.03",
    ),
    # -- content of arkivstruktur.xml and the other XML files
    _c(
        "N5V-CONTENT-01",
        "Antall mapper mot arkivuttrekk.xml",
        "Number of folders against arkivuttrekk.xml",
        "content",
        "N5.10",
    ),
    _c(
        "N5V-CONTENT-02",
        "Antall registreringer mot arkivuttrekk.xml",
        "Number of registrations against arkivuttrekk.xml",
        "content",
        "N5.16",
    ),
    _c(
        "N5V-CONTENT-03",
        "Andre antall mot arkivuttrekk.xml",
        "Other counts against arkivuttrekk.xml",
        "content",
        "N5.61",
    ),
    _c("N5V-CONTENT-04", "Unike systemID", "Unique systemIDs", "content", "N5.47"),
    _c("N5V-CONTENT-05", "systemID som UUID", "systemID in UUID form", "content"),
    _c("N5V-CONTENT-06", "Arkivdelreferanser", "Archive part references", "content", "N5.48"),
    _c("N5V-CONTENT-07", "Klassereferanser", "Class references", "content", "N5.51"),
    _c("N5V-CONTENT-08", "Andre referanser", "Other references", "content", "N5.37"),
    _c(
        "N5V-CONTENT-09",
        "Klasser med både underklasser og mapper/registreringer",
        "Classes with both subclasses and folders/registrations",
        "content",
        "N5.12",
        "N5.19",
    ),
    _c(
        "N5V-CONTENT-10",
        "Saksstatus i avlevert materiale",
        "Case folder status in a transfer",
        "content",
        "N5.15",
    ),
    _c(
        "N5V-CONTENT-11",
        "Journalstatus i avlevert materiale",
        "Journal status in a transfer",
        "content",
        "N5.22",
    ),
    _c("N5V-CONTENT-12", "Datoer", "Dates", "content", "N5.27"),
    _c(
        "N5V-CONTENT-13",
        "Kodeverdier fra metadatakatalogen",
        "Code values from the metadata catalogue",
        "content",
    ),
    _c("N5V-CONTENT-14", "Elementer uten innhold", "Elements without content", "content", "N5.63"),
    _c("N5V-CONTENT-15", "Journalposttype", "Journal record type", "content", "N5.17"),
    _c(
        "N5V-CONTENT-16",
        "Skjerming mot arkivuttrekk.xml",
        "Restrictions against arkivuttrekk.xml",
        "content",
        "N5.42",
    ),
    _c(
        "N5V-CONTENT-17",
        "Kassasjonsvedtak mot arkivuttrekk.xml",
        "Disposal resolutions against arkivuttrekk.xml",
        "content",
        "N5.44",
    ),
    _c(
        "N5V-CONTENT-18",
        "Utførte kassasjoner mot arkivuttrekk.xml",
        "Performed disposals against arkivuttrekk.xml",
        "content",
        "N5.45",
    ),
    _c("N5V-CONTENT-19", "Endringsloggens referanser", "Change log references", "content", "N5.61", "N5.62"),
    _c(
        "N5V-CONTENT-20",
        "Journaler mot arkivstrukturen",
        "Journals against the archive structure",
        "content",
        "N5.59",
        "N5.60",
    ),
    _c("N5V-CONTENT-21", "Arkivdelstatus", "Archive part status", "content", "N5.06"),
    _c(
        "N5V-CONTENT-22",
        "Virksomhetsspesifikke metadata mot arkivuttrekk.xml",
        "Business-specific metadata against arkivuttrekk.xml",
        "content",
    ),
    _c(
        "N5V-CONTENT-23",
        "Datoer som motsier hverandre",
        "Dates that contradict each other",
        "content",
    ),
    _c(
        "N5V-CONTENT-24",
        "Unike journalnummer og saksnummer",
        "Unique journal and case numbers",
        "content",
    ),
    _c(
        "N5V-CONTENT-25",
        "Korrespondanseparter mot journalposttype",
        "Correspondence parties against the journal record type",
        "content",
    ),
    _c("N5V-CONTENT-26", "Skjerming fullstendig", "Restrictions complete", "content"),
    _c("N5V-CONTENT-27", "Kassasjon fullstendig", "Disposal fields complete", "content"),
    _c(
        "N5V-CONTENT-28",
        "Journalposter i journalene mot arkivstrukturen",
        "Journal entries against the records of the archive structure",
        "content",
        "N5.59",
        "N5.60",
    ),
    # -- document files
    _c(
        "N5V-DOC-01",
        "Refererte dokumentfiler finnes",
        "Referenced document files exist",
        "documents",
        "N5.32",
    ),
    _c("N5V-DOC-02", "Dokumentfilers sjekksum", "Document file checksums", "documents", "N5.30"),
    _c("N5V-DOC-03", "Dokumentfilers størrelse", "Document file sizes", "documents"),
    _c("N5V-DOC-04", "Dokumentfilers format", "Document file formats", "documents", "N5.29"),
    _c(
        "N5V-DOC-05",
        "Dokumentfiler uten referanse",
        "Document files without a reference",
        "documents",
        "N5.33",
    ),
    _c("N5V-DOC-06", "Tomme dokumentfiler", "Empty document files", "documents", "N5.64"),
    _c(
        "N5V-DOC-07",
        "Dokumentfiler referert fra flere dokumentobjekter",
        "Document files referenced by more than one document object",
        "documents",
        "N5.34",
    ),
    _c("N5V-DOC-08", "Dokumentmappe", "Documents folder", "documents", "N5.28"),
    # -- statistics (never fail)
    _c(
        "N5V-STAT-01",
        "Antall på hvert nivå",
        "Counts per level",
        "statistics",
        "N5.04",
        "N5.05",
        "N5.07",
        "N5.08",
        "N5.10",
        "N5.16",
        "N5.23",
        "N5.26",
        "N5.35",
        "N5.36",
        "N5.37",
        "N5.38",
        "N5.39",
        "N5.40",
        "N5.41",
        "N5.43",
        "N5.46",
    ),
    _c("N5V-STAT-02", "Antall per år", "Counts per year", "statistics", "N5.11", "N5.18"),
    _c(
        "N5V-STAT-03",
        "Antall per status og type",
        "Counts per status and type",
        "statistics",
        "N5.06",
        "N5.15",
        "N5.17",
        "N5.22",
        "N5.25",
    ),
    _c("N5V-STAT-04", "Dokumentformater", "Document formats", "statistics", "N5.29"),
    _c("N5V-STAT-05", "Klassifikasjon", "Classification", "statistics", "N5.08", "N5.09", "N5.13", "N5.20"),
    _c(
        "N5V-STAT-06",
        "Enheter uten innhold",
        "Units without content",
        "statistics",
        "N5.14",
        "N5.21",
        "N5.24",
    ),
    _c("N5V-STAT-07", "Første og siste registrering", "First and last registration", "statistics", "N5.27"),
    _c(
        "N5V-STAT-08",
        "Endringer og journaler",
        "Changes and journals",
        "statistics",
        "N5.59",
        "N5.60",
        "N5.61",
    ),
)

CHECKS: Final[dict[str, Check]] = {c.id: c for c in _CATALOGUE}
for _id, (_no, _en) in INPUT_CHECKS.items():
    CHECKS.setdefault(_id, Check(_id, _no, _en, "input"))

#: Every Noark 5 test Arkade 5 implements, with its English name (arkade_tests.md).
ARKADE_TESTS: Final[dict[str, str]] = {
    "N5.01": "Control of existence of XML files",
    "N5.02": "Validation of checksums",
    "N5.03": "Validation of XML according to schema",
    "N5.04": "Number of archives",
    "N5.05": "Number of archive parts",
    "N5.06": "Status for archive parts",
    "N5.07": "Number of classification systems",
    "N5.08": "Number of classes",
    "N5.09": "Classes in the main classification system without subclasses, folders or registrations",
    "N5.10": "Number of folders",
    "N5.11": "Number of folders for each year",
    "N5.12": "Classes with both subclass(es) and folder(s)",
    "N5.13": "Number of folders for each class",
    "N5.14": "Number of folders without registrations or subfolders",
    "N5.15": "Number of each different case folder status",
    "N5.16": "Number of registrations",
    "N5.17": "Number of each different journal record type",
    "N5.18": "Number of registrations for each year",
    "N5.19": "Classes with both subclass(es) and registration(s)",
    "N5.20": "Number of registrations for each class",
    "N5.21": "Number of registrations without document description",
    "N5.22": "Number of each different journal status",
    "N5.23": "Number of document descriptions",
    "N5.24": "Number of document descriptions without document object",
    "N5.25": "Number of each different document status",
    "N5.26": "Number of document objects",
    "N5.27": "Creation dates for the first and the last registration",
    "N5.28": "Control of number of document files",
    "N5.29": "Number of each different document format",
    "N5.30": "Control of document files' checksums",
    "N5.32": "Control of existence of referenced documents",
    "N5.33": "Document files missing reference",
    "N5.34": "Document files referenced from more than one document object",
    "N5.35": "Number of case parties / parties",
    "N5.36": "Number of remarks",
    "N5.37": "Number of cross references",
    "N5.38": "Number of precedents",
    "N5.39": "Number of correspondence parties",
    "N5.40": "Number of depreciations",
    "N5.41": "Number of document flows",
    "N5.42": "Number of restricted entries",
    "N5.43": "Number of security classifications",
    "N5.44": "Number of disposal resolutions",
    "N5.45": "Number of performed disposals",
    "N5.46": "Number of converted documents",
    "N5.47": "System identifications",
    "N5.48": "Archive part references",
    "N5.51": "Class references",
    "N5.59": "Number of journal records",
    "N5.60": "Start and end dates",
    "N5.61": "Number of logged changes",
    "N5.62": "Changelog references to archive structure",
    "N5.63": "Elements without content",
    "N5.64": "Number of empty document files",
}


def arkade_coverage() -> dict[str, tuple[str, ...]]:
    """Arkade test id → the ids of our checks that cover it."""
    out: dict[str, list[str]] = {test: [] for test in ARKADE_TESTS}
    for check in _CATALOGUE:
        for test in check.arkade:
            out[test].append(check.id)
    return {k: tuple(v) for k, v in out.items()}


def check(check_id: str) -> Check:
    """The check with this id (KeyError for an unknown id)."""
    return CHECKS[check_id]
