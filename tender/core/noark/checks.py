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
    #: True when the check stands for several Arkade tests (or for some findings only): each finding then
    #: names its own test in ``Finding.arkade``, and a finding that names none belongs to no Arkade test
    arkade_per_finding: bool = False


def _c(id_: str, no: str, en: str, group: Group, *arkade: str) -> Check:
    return Check(id_, no, en, group, tuple(arkade))


def _p(id_: str, no: str, en: str, group: Group, *arkade: str) -> Check:
    """A check whose findings each name their own Arkade test (see ``Check.arkade_per_finding``)."""
    return Check(id_, no, en, group, tuple(arkade), arkade_per_finding=True)


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
    ),
    _c("N5V-CONTENT-04", "Unike systemID", "Unique systemIDs", "content", "N5.47"),
    _c("N5V-CONTENT-05", "systemID som UUID", "systemID in UUID form", "content"),
    _c("N5V-CONTENT-06", "Arkivdelreferanser", "Archive part references", "content", "N5.48"),
    _c("N5V-CONTENT-07", "Klassereferanser", "Class references", "content", "N5.51"),
    _c("N5V-CONTENT-08", "Andre referanser", "Other references", "content", "N5.37"),
    _p(
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
    _p("N5V-CONTENT-12", "Datoer", "Dates", "content", "N5.27"),
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
    _p("N5V-CONTENT-19", "Endringsloggens referanser", "Change log references", "content", "N5.61", "N5.62"),
    _p(
        "N5V-CONTENT-20",
        "Journaler mot arkivstrukturen",
        "Journals against the archive structure",
        "content",
        "N5.59",
        "N5.60",
    ),
    # Arkade's N5.06 lists the status and never fails; the "skal" rule on it is ours
    _c("N5V-CONTENT-21", "Arkivdelstatus", "Archive part status", "content"),
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
        "N5V-CONTENT-29",
        "Dokumentstatus i avlevert materiale",
        "Document status in a transfer",
        "content",
    ),
    _p(
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
    _p(
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
        "N5.38",
        "N5.39",
        "N5.40",
        "N5.41",
        "N5.42",
        "N5.43",
        "N5.44",
        "N5.45",
        "N5.46",
    ),
    _p("N5V-STAT-02", "Antall per år", "Counts per year", "statistics", "N5.11", "N5.18"),
    _p(
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
    _p("N5V-STAT-04", "Dokumentformater", "Document formats", "statistics", "N5.29"),
    _p("N5V-STAT-05", "Klassifikasjon", "Classification", "statistics", "N5.08", "N5.09", "N5.13", "N5.20"),
    _p(
        "N5V-STAT-06",
        "Enheter uten innhold",
        "Units without content",
        "statistics",
        "N5.14",
        "N5.21",
        "N5.24",
    ),
    _p("N5V-STAT-07", "Første og siste registrering", "First and last registration", "statistics", "N5.27"),
    _p(
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

ArkadeType = Literal["StructureControl", "StructureAnalysis", "ContentAnalysis", "ContentControl"]
Coverage = Literal["full", "partial", "not run"]

#: where the tests that back a "full" claim live (tests/core/noark/test_checks_and_report.py holds each
#: claim to a test of ours that exists)
_PLANTED = "tests/core/noark/test_arkade_report.py::test_a_planted_problem_fails_its_own_arkade_test"
_STATS = "tests/core/noark/test_arkade_report.py::test_each_statistic_is_reported_under_its_own_arkade_test"
_MUTATIONS = "tests/core/noark/test_mutations.py::"
_SAMPLES = "tests/core/noark/test_samples.py::"


@dataclass(frozen=True)
class ArkadeTest:
    """One Noark 5 test of Arkade 5, and how much of it our checks do.

    ``coverage``: "full" (our checks report what Arkade's test reports, and ``proven_by`` names the tests
    of ours that show it), "partial" (``note_*`` says what is missing) or "not run" (``note_*`` says why).
    """

    id: str
    name_no: str  #: Arkade's own Norwegian name (ArkadeTestDisplayNames.nb-NO)
    name_en: str
    type: ArkadeType  #: Arkade's category (Testing/TestType.cs)
    coverage: Coverage
    note_no: str = ""
    note_en: str = ""
    proven_by: tuple[str, ...] = ()


def _a(
    id_: str,
    no: str,
    en: str,
    type_: ArkadeType,
    coverage: Coverage,
    note_no: str = "",
    note_en: str = "",
    *proven_by: str,
) -> ArkadeTest:
    return ArkadeTest(id_, no, en, type_, coverage, note_no, note_en, tuple(proven_by))


_CA: Final = "ContentAnalysis"
_CC: Final = "ContentControl"
_NOT_PER_PART_NO: Final = "telles samlet for uttrekket, ikke per arkivdel"
_NOT_PER_PART_EN: Final = "counted for the whole extract, not per archive part"

#: Every Noark 5 test Arkade 5 implements (arkade_tests.md), in Arkade's order, with our coverage of it.
ARKADE: Final[dict[str, ArkadeTest]] = {
    t.id: t
    for t in (
        _a(
            "N5.01",
            "Kontroll av eksistens for XML-filene",
            "Control of existence of XML files",
            "StructureControl",
            "full",
            "",
            "",
            f"{_PLANTED}[N5.01]",
        ),
        _a(
            "N5.02",
            "Validering av sjekksummer",
            "Validation of checksums",
            "StructureControl",
            "full",
            "",
            "",
            f"{_SAMPLES}test_structure_checksums_errors_has_exactly_one_checksum_error",
        ),
        _a(
            "N5.03",
            "Validering av XML i henhold til skjema",
            "Validation of XML according to schema",
            "StructureControl",
            "partial",
            "at uttrekket mangler et standardskjema, er ikke en feil her slik det er i Arkade "
            "(InternalSchemaFileIsUsed); vi validerer mot vår egen beskrivelse av de offisielle skjemaene "
            "for "
            "versjonen uttrekket oppgir, og melder alle feil der Arkade stopper etter 100 ulike meldinger "
            "per fil",
            "that the extract lacks a standard schema is not an error here as it is in Arkade "
            "(InternalSchemaFileIsUsed); we validate against our own description of the official schemas of "
            "the version the extract states, and report every error where Arkade stops after 100 distinct "
            "messages per file",
        ),
        _a(
            "N5.04",
            "Antall arkiv",
            "Number of archives",
            _CA,
            "full",
            "",
            "",
            f"{_STATS}[N5.04]",
        ),
        _a(
            "N5.05",
            "Antall arkivdeler",
            "Number of archive parts",
            _CA,
            "partial",
            "telles samlet, ikke per overordnet arkiv",
            "counted in total, not per parent arkiv",
        ),
        _a(
            "N5.06",
            "Status på arkivdeler",
            "Status for archive parts",
            _CA,
            "full",
            "",
            "",
            f"{_STATS}[N5.06]",
        ),
        _a(
            "N5.07",
            "Antall klassifikasjonssystem",
            "Number of classification systems",
            _CA,
            "partial",
            _NOT_PER_PART_NO,
            _NOT_PER_PART_EN,
        ),
        _a(
            "N5.08",
            "Antall klasser",
            "Number of classes",
            _CA,
            "partial",
            "klasser telles samlet og på øverste nivå, ikke per klassifikasjonssystem og nivå, og systemene "
            "merkes ikke som primære eller sekundære",
            "classes are counted in total and at the top level, not per classification system and level, and "
            "the systems are not labelled primary or secondary",
        ),
        _a(
            "N5.09",
            "Antall klasser i det primære klassifikasjonssystemet uten underklasser, mapper eller "
            "registreringer",
            "Number of classes in the main classification system without subclasses, folders or "
            "registrations",
            _CA,
            "partial",
            "vi teller slike klasser i alle klassifikasjonssystemer, ikke bare i det primære",
            "we count such classes in every classification system, not only the primary one",
        ),
        _a(
            "N5.10",
            "Antall mapper",
            "Number of folders",
            _CA,
            "partial",
            "antallet mot arkivuttrekk.xml og per mappetype kontrolleres, men mappene telles ikke per "
            "nivå (undermapper)",
            "the count against arkivuttrekk.xml and per folder type is checked, but folders are not counted "
            "per nesting level (subfolders)",
        ),
        _a(
            "N5.11",
            "Antall mapper for hvert år",
            "Number of folders for each year",
            _CA,
            "partial",
            _NOT_PER_PART_NO,
            _NOT_PER_PART_EN,
        ),
        _a(
            "N5.12",
            "Klasser med både underklasse(r) og mappe(r)",
            "Classes with both subclass(es) and folder(s)",
            _CA,
            "full",
            "",
            "",
            f"{_PLANTED}[N5.12]",
        ),
        _a(
            "N5.13",
            "Antall mapper for hver klasse",
            "Number of folders for each class",
            _CA,
            "partial",
            "bare antall klasser uten mapper; antall mapper per klasse (systemID) vises ikke",
            "only the number of classes without folders; the number of folders per class (systemID) is not "
            "shown",
        ),
        _a(
            "N5.14",
            "Antall mapper uten registreringer eller undermapper",
            "Number of folders without registrations or subfolders",
            _CA,
            "partial",
            "mappene telles, men listes ikke opp (systemID, mappeID, tittel, saksstatus)",
            "the folders are counted but not listed (systemID, mappeID, title, case status)",
        ),
        _a(
            "N5.15",
            "Antall av ulike saksmappestatuser",
            "Number of each different case folder status",
            _CA,
            "full",
            "",
            "",
            f"{_MUTATIONS}test_a_case_status_that_may_not_be_delivered_is_an_error",
            f"{_STATS}[N5.15]",
        ),
        _a(
            "N5.16",
            "Antall registreringer",
            "Number of registrations",
            _CA,
            "partial",
            "antallet mot arkivuttrekk.xml, per type og per arkivdel kontrolleres, men ikke per type "
            "innenfor "
            "hver arkivdel",
            "the count against arkivuttrekk.xml, per type and per archive part is checked, but not per type "
            "within each archive part",
        ),
        _a(
            "N5.17",
            "Antall av ulike journalposttyper",
            "Number of each different journal record type",
            _CA,
            "full",
            "",
            "",
            f"{_PLANTED}[N5.17]",
            f"{_STATS}[N5.17]",
        ),
        _a(
            "N5.18",
            "Antall registreringer for hvert år",
            "Number of registrations for each year",
            _CA,
            "full",
            "",
            "",
            f"{_STATS}[N5.18]",
        ),
        _a(
            "N5.19",
            "Klasser med både underklasse(r) og registrering(er)",
            "Classes with both subclass(es) and registration(s)",
            _CA,
            "full",
            "",
            "",
            f"{_PLANTED}[N5.19]",
        ),
        _a(
            "N5.20",
            "Antall registreringer for hver klasse (ikke medregnet registreringer under mappe)",
            "Number of registrations for each class (not under folder)",
            _CA,
            "partial",
            "bare antall klasser uten registreringer direkte under seg; antall per klasse vises ikke",
            "only the number of classes without registrations directly under them; the number per class is "
            "not shown",
        ),
        _a(
            "N5.21",
            "Antall registreringer uten dokumentbeskrivelse",
            "Number of registrations without document description",
            _CA,
            "partial",
            "registreringene telles, men listes ikke opp (systemID, registreringsID)",
            "the registrations are counted but not listed (systemID, registreringsID)",
        ),
        _a(
            "N5.22",
            "Antall av ulike journalstatuser",
            "Number of each different journal status",
            _CA,
            "full",
            "",
            "",
            f"{_PLANTED}[N5.22]",
        ),
        _a(
            "N5.23",
            "Antall dokumentbeskrivelser",
            "Number of document descriptions",
            _CA,
            "full",
            "",
            "",
            f"{_STATS}[N5.23]",
        ),
        _a(
            "N5.24",
            "Antall dokumentbeskrivelser uten dokumentobjekt",
            "Number of document descriptions without document object",
            _CA,
            "partial",
            "dokumentbeskrivelser med dokumentmedium «fysisk medium»/«fysisk arkiv» holdes utenfor som i "
            "Arkade, men ikke de som ligger under en mappe eller registrering med status «Utgår»",
            "document descriptions whose dokumentmedium is 'fysisk medium'/'fysisk arkiv' are left out as in "
            "Arkade, but not those under a folder or registration with the status 'Utgår'",
        ),
        _a(
            "N5.25",
            "Antall av ulike dokumentstatuser",
            "Number of each different document status",
            _CA,
            "full",
            "",
            "",
            f"{_STATS}[N5.25]",
        ),
        _a(
            "N5.26",
            "Antall dokumentobjekter",
            "Number of document objects",
            _CA,
            "full",
            "",
            "",
            f"{_STATS}[N5.26]",
        ),
        _a(
            "N5.27",
            "Opprettelsesdatoer for første og siste registrering",
            "Creation dates for the first and the last registration",
            _CA,
            "full",
            "",
            "",
            f"{_PLANTED}[N5.27]",
            f"{_STATS}[N5.27]",
        ),
        _a(
            "N5.28",
            "Validering av antall dokumentfiler",
            "Control of number of document files",
            "StructureAnalysis",
            "partial",
            "antallDokumentfiler leses ved navn; Arkade leser det etter plassering (andre egenskap under den "
            "første info-egenskapen) og kan derfor komme til et annet svar når malen har en annen rekkefølge",
            "antallDokumentfiler is read by name; Arkade reads it by position (the second property under the "
            "first info property) and so may answer differently when the template has another order",
        ),
        _a(
            "N5.29",
            "Antall av ulike dokumentformater",
            "Number of each different document format",
            _CA,
            "partial",
            "vi sammenligner formatfamilie (oppgitt format, filendelse og filens første byte); Arkade "
            "krever at "
            "filendelsen er nøyaktig «.» + format og melder ellers feil",
            "we compare format families (declared format, file extension and the file's first bytes); Arkade "
            "requires the extension to be exactly '.' + format and reports an error otherwise",
        ),
        _a(
            "N5.30",
            "Dokumentfilers sjekksummer",
            "Control of document files' checksums",
            _CC,
            "full",
            "",
            "",
            f"{_MUTATIONS}test_a_changed_byte_in_a_document_file_is_a_checksum_error_at_its_document_object",
        ),
        _a(
            "N5.32",
            "Refererte dokumenters eksistens",
            "Control of existence of referenced documents",
            _CC,
            "full",
            "",
            "",
            f"{_MUTATIONS}test_a_missing_and_an_extra_document_file_are_both_reported",
        ),
        _a(
            "N5.33",
            "Dokumentfiler som mangler referanse",
            "Document files missing reference",
            _CA,
            "full",
            "",
            "",
            f"{_MUTATIONS}test_a_missing_and_an_extra_document_file_are_both_reported",
        ),
        _a(
            "N5.34",
            "Dokumentfiler med referanse fra mer enn ett dokumentobjekt",
            "Document files referenced from more than one document object",
            _CA,
            "partial",
            "filene listes for hele uttrekket, ikke per arkivdel",
            "the files are listed for the whole extract, not per archive part",
        ),
        _a(
            "N5.35",
            "Antall saksparter / parter",
            "Number of case parties / parties",
            _CA,
            "full",
            "",
            "",
            f"{_STATS}[N5.35]",
        ),
        _a("N5.36", "Antall merknader", "Number of remarks", _CA, "full", "", "", f"{_STATS}[N5.36]"),
        _a(
            "N5.37",
            "Antall kryssreferanser",
            "Number of cross references",
            _CA,
            "partial",
            "kryssreferansene kontrolleres (N5V-CONTENT-08: de må vise til noe som finnes), men telles ikke",
            "the cross references are checked (N5V-CONTENT-08: they must point to something that exists), "
            "but "
            "not counted",
        ),
        _a("N5.38", "Antall presedenser", "Number of precedents", _CA, "full", "", "", f"{_STATS}[N5.38]"),
        _a(
            "N5.39",
            "Antall korrespondanseparter",
            "Number of correspondence parties",
            _CA,
            "full",
            "",
            "",
            f"{_STATS}[N5.39]",
        ),
        _a(
            "N5.40",
            "Antall avskrivninger",
            "Number of depreciations",
            _CA,
            "full",
            "",
            "",
            f"{_STATS}[N5.40]",
        ),
        _a(
            "N5.41",
            "Antall dokumentflyter",
            "Number of document flows",
            _CA,
            "full",
            "",
            "",
            f"{_STATS}[N5.41]",
        ),
        _a(
            "N5.42",
            "Antall skjerminger",
            "Number of restricted entries",
            _CA,
            "full",
            "",
            "",
            f"{_PLANTED}[N5.42]",
            f"{_STATS}[N5.42]",
        ),
        _a(
            "N5.43",
            "Antall graderinger",
            "Number of security classifications",
            _CA,
            "full",
            "",
            "",
            f"{_STATS}[N5.43]",
        ),
        _a(
            "N5.44",
            "Antall kassasjonsvedtak",
            "Number of disposal resolutions",
            _CA,
            "full",
            "",
            "",
            f"{_PLANTED}[N5.44]",
            f"{_STATS}[N5.44]",
        ),
        _a(
            "N5.45",
            "Antall utførte kassasjoner",
            "Number of performed disposals",
            _CA,
            "full",
            "",
            "",
            f"{_PLANTED}[N5.45]",
            f"{_STATS}[N5.45]",
        ),
        _a(
            "N5.46",
            "Antall konverterte dokumenter",
            "Number of converted documents",
            _CA,
            "full",
            "",
            "",
            f"{_STATS}[N5.46]",
        ),
        _a(
            "N5.47",
            "Systemidentifikasjoner",
            "System identifications",
            _CC,
            "full",
            "",
            "",
            f""
            f"{_MUTATIONS}test_a_duplicated_system_id_is_valid_for_the_schema_but_a_content_error_on_both_lines",
        ),
        _a(
            "N5.48",
            "Arkivdelreferanser",
            "Archive part references",
            _CC,
            "partial",
            "en referanse må vise til en arkivdel i uttrekket; Arkades krav om at arkivdelen selv inneholder "
            "enheter med referanseArkivdel, følges ikke",
            "a reference must point to an archive part of the extract; Arkade's demand that the archive part "
            "itself holds units carrying referanseArkivdel is not followed",
        ),
        _a(
            "N5.51",
            "Klassereferanser",
            "Class references",
            _CC,
            "partial",
            "referanseSekundaerKlassifikasjon må vise til en klasse; vi har ingen test som holder dette mot "
            "Arkade (som bare ser på saksmapper)",
            "referanseSekundaerKlassifikasjon must point to a class; no test of ours holds this against "
            "Arkade "
            "(which looks at case folders only)",
        ),
        _a(
            "N5.59",
            "Antall journalposter",
            "Number of journal records",
            _CC,
            "full",
            "",
            "",
            f"{_PLANTED}[N5.59]",
            f"{_STATS}[N5.59]",
        ),
        _a(
            "N5.60",
            "Start- og sluttdatoer",
            "Start and end dates",
            "ContentAnalysis",
            "partial",
            "ved skarpt periodeskille skal journalenes periode være lik arkivperioden eller første og siste "
            "journaldato (N5V-CONTENT-20); er den lik arkivperioden men ikke journaldatoene, gir Arkade feil "
            "og vi en opplysning (krav 6.4.29 sier arkivperioden)",
            "with a sharp period separation the journals' period must equal the archival period or the first "
            "and last journal date (N5V-CONTENT-20); where it equals the archival period but not the journal "
            "dates, Arkade errs and we note it (requirement 6.4.29 says the archival period)",
        ),
        _a(
            "N5.61",
            "Antall loggførte endringer",
            "Number of logged changes",
            "ContentAnalysis",
            "partial",
            "endringene telles; at endringslogg.xml mangler, meldes under N5.01 (N5V-STRUCT-08), ikke her",
            "the changes are counted; a missing endringslogg.xml is reported under N5.01 (N5V-STRUCT-08), "
            "not here",
        ),
        _a(
            "N5.62",
            "Endringslogg-referanser til arkivstrukturen",
            "Changelog references to archive structure",
            _CC,
            "partial",
            "referanseArkivenhet som ikke viser til noen systemID er en feil her; at endringslogg.xml "
            "mangler, "
            "meldes under N5.01 (N5V-STRUCT-08), ikke her",
            "a referanseArkivenhet pointing to no systemID is an error here; a missing endringslogg.xml is "
            "reported under N5.01 (N5V-STRUCT-08), not here",
        ),
        _a(
            "N5.63",
            "Elementer som mangler innhold",
            "Elements without content",
            _CC,
            "full",
            "",
            "",
            "tests/core/noark/test_rules_empty.py::"
            "test_a_value_of_only_white_space_is_an_empty_element_that_names_its_unit",
            "tests/core/noark/test_rules_empty.py::"
            "test_an_empty_leaf_is_reported_only_where_the_schema_of_its_version_lets_it_through",
        ),
        _a(
            "N5.64",
            "Antall tomme dokumentfiler",
            "Number of empty document files",
            _CA,
            "partial",
            "tomme filer meldes med fil og linje, ikke med dokumentbeskrivelsens systemID, registreringsID "
            "og "
            "dokumentnummer",
            "empty files are reported with file and line, not with the document description's systemID, "
            "registreringsID and dokumentnummer",
        ),
    )
}

#: Every Noark 5 test Arkade 5 implements, with its English name (arkade_tests.md).
ARKADE_TESTS: Final[dict[str, str]] = {t.id: t.name_en for t in ARKADE.values()}


def arkade_coverage() -> dict[str, tuple[str, ...]]:
    """Arkade test id → the ids of our checks that cover it."""
    out: dict[str, list[str]] = {test: [] for test in ARKADE_TESTS}
    for check in _CATALOGUE:
        for test in check.arkade:
            out[test].append(check.id)
    return {k: tuple(v) for k, v in out.items()}


def arkade_coverage_levels() -> dict[str, dict[str, object]]:
    """Arkade test id → how much of it we do: ``coverage`` ("full", "partial", "not run"), ``note_no`` /
    ``note_en`` (what is missing, or why not run), ``checks`` (ours that cover it) and ``proven_by``."""
    checks = arkade_coverage()
    return {
        t.id: {
            "coverage": t.coverage,
            "note_no": t.note_no,
            "note_en": t.note_en,
            "checks": list(checks[t.id]),
            "proven_by": list(t.proven_by),
        }
        for t in ARKADE.values()
    }


def check(check_id: str) -> Check:
    """The check with this id (KeyError for an unknown id)."""
    return CHECKS[check_id]
