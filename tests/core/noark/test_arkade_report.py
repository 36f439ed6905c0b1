"""The report in Arkade's terms: each finding names its Arkade test, findings are grouped by Arkade test with
Arkade's result, the coverage map is honest and backed by tests, and the export has the structure of Arkade's
own test report (validated against ../shared/noark5/reference/testReport.xsd and testReport.schema.json)."""

from __future__ import annotations

import json
import re
import shutil
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner
from lxml import etree

from tender.core.noark.arkade_report import ArkadeSummaryContext, arkade_test_report, arkade_test_report_xml
from tender.core.noark.checks import ARKADE, ARKADE_TESTS, CHECKS, arkade_coverage, arkade_coverage_levels
from tender.core.noark.findings import Finding, Severity
from tender.core.noark.report import Collector, arkade_groups, ordered_results
from tender.core.noark.validator import validate_path

from .official import NOARK5, SAMPLES

REPO = Path(__file__).resolve().parents[3]
REFERENCE = NOARK5 / "reference"
MINIMAL = SAMPLES / "SYNTHETIC_v5_0_minimal"
BROKEN = SAMPLES / "kdrs_uttrekk1"
N5 = "{http://www.arkivverket.no/standarder/noark5/arkivstruktur}"


@cache
def _json_report(path: Path) -> dict[str, Any]:
    return validate_path(path).to_json()


def _group(report: dict[str, Any], test: str) -> Any:
    [group] = [g for g in arkade_groups(report).tests if g.id == test]
    return group


# -- the coverage map ----------------------------------------------------------------------------------------
def test_every_arkade_test_has_an_entry_in_arkades_order_with_its_coverage_said_in_both_languages() -> None:
    listed = re.findall(r"^\| (N5\.\d\d) \|", (NOARK5 / "arkade_tests.md").read_text(encoding="utf-8"), re.M)
    assert list(ARKADE) == listed == list(ARKADE_TESTS)
    levels = arkade_coverage_levels()
    for test, entry in ARKADE.items():
        assert entry.coverage in ("full", "partial", "not run"), test
        assert entry.name_no and entry.name_en, test
        if entry.coverage != "full":
            assert entry.note_no and entry.note_en, f"{test}: say what is missing or why it does not run"
        else:
            assert entry.proven_by, f"{test}: a full claim needs a test of ours"
        if entry.coverage != "not run":
            assert arkade_coverage()[test], f"{test}: some check of ours must cover it"
        assert levels[test]["coverage"] == entry.coverage
    # the JSON report carries the coverage with the result of each test
    report = _json_report(MINIMAL)
    assert [t["id"] for t in report["arkade_tests"]] == listed
    assert {t["id"]: t["coverage"] for t in report["arkade_tests"]} == {
        t: e.coverage for t, e in ARKADE.items()
    }


def _test_exists(reference: str) -> bool:
    """``path::function`` or ``path::function[param]`` names a test of ours that exists."""
    path, _, name = reference.partition("::")
    function, _, param = name.partition("[")
    file = REPO / path
    if not file.is_file():
        return False
    text = file.read_text(encoding="utf-8")
    if not re.search(rf"^def {re.escape(function)}\(", text, re.M):
        return False
    # a parameter is a key of the table the test is parametrised with
    return not param or f'"{param.rstrip("]")}":' in text


def test_every_full_claim_is_backed_by_a_named_test_of_ours_that_exists() -> None:
    for test, entry in ARKADE.items():
        for reference in entry.proven_by:
            assert _test_exists(reference), f"{test}: {reference}"
    assert not _test_exists("tests/core/noark/test_arkade_report.py::test_that_does_not_exist")
    assert not _test_exists(
        "tests/core/noark/test_arkade_report.py::test_a_planted_problem_fails_its_own_arkade_test[N5.99]"
    )


def test_the_coverage_map_is_documented_per_arkade_test() -> None:
    text = (REPO / "docs" / "noark-report.md").read_text(encoding="utf-8")
    for test, entry in ARKADE.items():
        [row] = [line for line in text.splitlines() if line.startswith(f"| {test} |")]
        assert f"| {entry.coverage} |" in row, row


# -- each finding names its own Arkade test ------------------------------------------------------------------
def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "extract"
    shutil.copytree(MINIMAL, target)
    return target


def _edit(root: Path, name: str, old: str, new: str) -> None:
    path = root / name
    data = path.read_bytes()
    assert old.encode() in data, old
    path.write_bytes(data.replace(old.encode(), new.encode(), 1))


KLASSE_ID = "038da673-1f9c-4e34-b3db-fc20a0cd9e12"
_FIRST_MAPPE = '<opprettetAv>admin</opprettetAv>\n    <mappe xsi:type="saksmappe">'
_SUBCLASS = (
    "<opprettetAv>admin</opprettetAv>\n    <klasse>\n"
    "     <systemID>5d9d0e1e-0000-4000-8000-000000000001</systemID>\n"
    "     <klasseID>101</klasseID>\n     <tittel>Underklasse</tittel>\n"
    "     <opprettetDato>2020-01-01T08:00:00</opprettetDato>\n     <opprettetAv>admin</opprettetAv>\n"
    "    </klasse>\n"
)
_LOOSE_REGISTRATION = (
    "    <registrering>\n     <systemID>5d9d0e1e-0000-4000-8000-000000000002</systemID>\n"
    "     <opprettetDato>2020-02-02T10:00:00</opprettetDato>\n     <opprettetAv>a</opprettetAv>\n"
    "     <arkivertDato>2020-02-03T10:00:00</arkivertDato>\n     <arkivertAv>a</arkivertAv>\n"
    "    </registrering>\n"
)
_FIRST_REGISTRATION_CREATED = (
    "<systemID>b9fef81a-6c33-44be-a755-cea90d3cd76c</systemID>\n      <opprettetDato>2020-02-02T10:00:00"
)


def _addml_flag(name: str) -> tuple[str, str, str]:
    old = f'name="{name}"><value>false</value>'
    return ("arkivuttrekk.xml", old, old.replace("false", "true"))


#: Arkade test → (file, text, replacement, the unit the finding must name or None): one problem each
PLANTED: dict[str, tuple[str, str, str, str | None]] = {
    "N5.01": ("arkivuttrekk.xml", "<value>loependeJournal.xsd</value>", "<value>mangler.xsd</value>", None),
    "N5.12": ("arkivstruktur.xml", _FIRST_MAPPE, _SUBCLASS + '    <mappe xsi:type="saksmappe">', KLASSE_ID),
    "N5.19": (
        "arkivstruktur.xml",
        _FIRST_MAPPE,
        _SUBCLASS + _LOOSE_REGISTRATION + '    <mappe xsi:type="saksmappe">',
        KLASSE_ID,
    ),
    "N5.17": (
        "arkivstruktur.xml",
        "<journalposttype>Inngående dokument</journalposttype>",
        "<journalposttype> </journalposttype>",
        None,
    ),
    "N5.22": (
        "arkivstruktur.xml",
        "<journalstatus>Arkivert</journalstatus>",
        "<journalstatus>Journalført</journalstatus>",
        None,
    ),
    "N5.27": (
        "arkivstruktur.xml",
        _FIRST_REGISTRATION_CREATED,
        _FIRST_REGISTRATION_CREATED.replace("2020-02-02T10:00:00", "andre februar"),
        None,
    ),
    "N5.42": (*_addml_flag("inneholderSkjermetInformasjon"), None),
    "N5.44": (*_addml_flag("inneholderDokumenterSomSkalKasseres"), None),
    "N5.45": (*_addml_flag("omfatterDokumenterSomErKassert"), None),
    "N5.59": (
        "offentligJournal.xml",
        "<antallJournalposter>3</antallJournalposter>",
        "<antallJournalposter>4</antallJournalposter>",
        None,
    ),
}


@pytest.mark.parametrize("test", list(PLANTED))
def test_a_planted_problem_fails_its_own_arkade_test(tmp_path: Path, test: str) -> None:
    assert _group(_json_report(MINIMAL), test).result == "pass"  # the same extract without the problem
    root = _copy(tmp_path)
    file, old, new, unit = PLANTED[test]
    _edit(root, file, old, new)
    report = validate_path(root).to_json()
    group = _group(report, test)
    assert group.result == "fail" and group.counts["error"] >= 1
    errors = [f for f in group.findings if f["severity"] == "error"]
    assert errors and all(test in f["arkade"] for f in errors)
    if unit is not None:
        assert unit in [f["unit"] for f in errors]


def test_a_class_with_subclasses_and_folders_fails_n5_12_but_not_n5_19(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    _edit(root, "arkivstruktur.xml", *PLANTED["N5.12"][1:3])
    report = validate_path(root).to_json()
    assert _group(report, "N5.12").result == "fail"
    assert _group(report, "N5.19").result == "pass"


def _count(root: Path, *names: str) -> int:
    tree = etree.parse(str(root / "arkivstruktur.xml"))
    return sum(1 for name in names for _ in tree.iter(f"{N5}{name}"))


#: Arkade test → (what the finding says before the number, the elements counted); counted again with lxml
STATISTICS: dict[str, tuple[str, tuple[str, ...]]] = {
    "N5.04": ("Antall arkiv: ", ("arkiv",)),
    "N5.05": ("Antall arkivdeler: ", ("arkivdel",)),
    "N5.07": ("Antall klassifikasjonssystem: ", ("klassifikasjonssystem",)),
    "N5.08": ("Antall klasser: ", ("klasse",)),
    "N5.10": ("Antall mapper: ", ("mappe",)),
    "N5.16": ("Antall registreringer: ", ("registrering",)),
    "N5.23": ("Antall dokumentbeskrivelser: ", ("dokumentbeskrivelse",)),
    "N5.26": ("Antall dokumentobjekter: ", ("dokumentobjekt",)),
    "N5.35": ("Antall parter (sakspart/part): ", ("sakspart", "part")),
    "N5.36": ("Antall merknader: ", ("merknad",)),
    "N5.38": ("Antall presedenser: ", ("presedens",)),
    "N5.39": ("Antall korrespondanseparter: ", ("korrespondansepart",)),
    "N5.40": ("Antall avskrivninger: ", ("avskrivning",)),
    "N5.41": ("Antall dokumentflyter: ", ("dokumentflyt",)),
    "N5.42": ("Antall skjerminger: ", ("skjerming",)),
    "N5.43": ("Antall graderinger: ", ("gradering",)),
    "N5.44": ("Antall kassasjonsvedtak: ", ("kassasjon",)),
    "N5.45": ("Antall utførte kassasjoner: ", ("utfoertKassasjon",)),
    "N5.46": ("Antall konverterte dokumenter: ", ("konvertering",)),
    "N5.06": ("arkivdelstatus ", ()),
    "N5.15": ("saksstatus: ", ()),
    "N5.17": ("journalposttype: ", ()),
    "N5.18": ("registrering per år (opprettetDato): ", ()),
    "N5.25": ("dokumentstatus: ", ()),
    "N5.27": ("Første registrering opprettet ", ()),
    "N5.59": ("arkivstruktur.xml: ", ("registrering",)),
}


#: units the minimal sample lacks, added so that every count is of something (schema order does not matter)
_RICH: tuple[tuple[str, str], ...] = (
    (
        "<registreringsID>2020/1-1</registreringsID>",
        "<merknad><merknadstekst>a</merknadstekst></merknad><merknad><merknadstekst>b</merknadstekst></merknad>"
        "<skjerming><tilgangsrestriksjon>13</tilgangsrestriksjon></skjerming>"
        "<gradering><graderingskode>B</graderingskode></gradering>"
        "<presedens><presedensDato>2020-01-01</presedensDato></presedens>"
        "<kassasjon><kassasjonsvedtak>Bevares</kassasjonsvedtak></kassasjon>"
        "<avskrivning><avskrivningsmaate>Besvart med brev</avskrivningsmaate></avskrivning>"
        "<avskrivning><avskrivningsmaate>Tatt til etterretning</avskrivningsmaate></avskrivning>"
        "<dokumentflyt><flytTil>a</flytTil></dokumentflyt>",
    ),
    ("<filstoerrelse>20637</filstoerrelse>", "<konvertering><konvertertAv>a</konvertertAv></konvertering>"),
    ("<mappeID>2020/1</mappeID>", "<part><partNavn>Kari</partNavn></part>"),
    (
        "<arkivperiodeSluttDato>2023-12-31</arkivperiodeSluttDato>",
        "<utfoertKassasjon><kassertAv>a</kassertAv></utfoertKassasjon>",
    ),
)


@pytest.fixture(scope="module")
def rich(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    root = _copy(tmp_path_factory.mktemp("rich"))
    for anchor, added in _RICH:
        _edit(root, "arkivstruktur.xml", anchor, anchor + added)
    return root, validate_path(root).to_json()


@pytest.mark.parametrize("test", list(STATISTICS))
def test_each_statistic_is_reported_under_its_own_arkade_test(
    rich: tuple[Path, dict[str, Any]], test: str
) -> None:
    root, report = rich
    prefix, counted = STATISTICS[test]
    group = _group(report, test)
    facts = [f for f in group.findings if f["severity"] == "info" and f["arkade"] == [test]]
    assert facts, f"no statistic under {test}"
    messages = " ".join(f["message_no"] for f in facts)
    if counted:
        n = _count(root, *counted)
        assert n > 0, "count something that is there"
        assert f"{prefix}{n}" in messages, messages
    else:
        assert prefix in messages, messages
    # one statistics check stands for many Arkade tests; its facts do not spill into the others
    assert all(f["arkade"] == [test] for f in group.findings if f["check"] == "N5V-STAT-01")


def test_the_per_year_and_journal_facts_name_their_own_tests() -> None:
    report = _json_report(MINIMAL)
    facts = {f["message_no"]: f["arkade"] for c in report["checks"] for f in c["findings"]}
    assert [v for k, v in facts.items() if k.startswith("mappe per år")] == [["N5.11"]]
    assert [v for k, v in facts.items() if k.startswith("registrering per år")] == [["N5.18"]]
    assert [v for k, v in facts.items() if "loggførte endringer" in k] == [["N5.61"]]
    assert [v for k, v in facts.items() if "journaldato" in k and k.startswith("arkivstruktur.xml")] == [
        ["N5.60"]
    ]


# -- the grouping -------------------------------------------------------------------------------------------
def _report_of(*findings: Finding, ran: tuple[str, ...] = (), max_instances: int = 10_000) -> dict[str, Any]:
    out = Collector(max_instances)
    out.ran(*ran)
    for f in findings:
        out.add(f)
    from tender.core.noark.report import _result_json

    return {"checks": [_result_json(r) for r in ordered_results(out)]}


def _f(check: str, severity: Severity, *arkade: str, text: str = "funn") -> Finding:
    return Finding(check, severity, text, text, "arkivstruktur.xml", 1, arkade=tuple(arkade))


def test_a_test_fails_when_any_of_its_findings_is_an_error_and_passes_with_only_warnings() -> None:
    report = _report_of(
        _f("N5V-CONTENT-04", Severity.ERROR),
        _f("N5V-DOC-06", Severity.WARNING),
        ran=("N5V-CONTENT-04", "N5V-DOC-06", "N5V-DOC-02"),
    )
    assert _group(report, "N5.47").result == "fail" and _group(report, "N5.47").counts["error"] == 1
    assert _group(report, "N5.64").result == "pass" and _group(report, "N5.64").counts["warning"] == 1
    assert _group(report, "N5.30").result == "pass" and _group(report, "N5.30").total == 0
    # nothing of ours ran for N5.04: Arkade's report would not have it either
    assert _group(report, "N5.04").result == "not run" and _group(report, "N5.04").note_no


def test_a_finding_of_two_tests_counts_in_both_and_the_counts_include_findings_not_kept() -> None:
    findings = [_f("N5V-CONTENT-09", Severity.ERROR, "N5.12", "N5.19", text=f"klasse {i}") for i in range(5)]
    report = _report_of(*findings, _f("N5V-CONTENT-09", Severity.ERROR, "N5.12"), max_instances=2)
    n512, n519 = _group(report, "N5.12"), _group(report, "N5.19")
    assert (n512.counts["error"], n519.counts["error"]) == (6, 5)
    assert len(n512.findings) == 2  # the first two kept; the rest counted
    grouping = arkade_groups(report)
    assert grouping.own == []  # every finding of the check went to its tests


def test_findings_of_checks_arkade_does_not_have_follow_in_their_own_group() -> None:
    report = _report_of(
        _f("N5V-CONTENT-23", Severity.ERROR, text="mappe avsluttet før den ble opprettet"),
        _f("N5V-CONTENT-12", Severity.ERROR, text="utenfor arkivperioden"),  # no test of its own
        _f("N5V-CONTENT-12", Severity.ERROR, "N5.27", text="opprettetDato kan ikke tolkes"),
        ran=("N5V-CONTENT-05",),
    )
    grouping = arkade_groups(report)
    own = {g.id: g for g in grouping.own}
    assert (
        own["N5V-CONTENT-23"].result == "fail"
        and own["N5V-CONTENT-23"].name_no == "Datoer som motsier hverandre"
    )
    assert [f["message_no"] for f in own["N5V-CONTENT-12"].findings] == ["utenfor arkivperioden"]
    assert own["N5V-CONTENT-05"].result == "pass"
    assert [f["message_no"] for f in _group(report, "N5.27").findings] == ["opprettetDato kan ikke tolkes"]


def test_a_report_stored_before_findings_named_their_tests_is_grouped_by_its_checks() -> None:
    report = _json_report(BROKEN)
    old = json.loads(json.dumps(report))
    for c in old["checks"]:
        del c["arkade_counts"]
        for f in c["findings"]:
            f.pop("arkade", None)
            f.pop("unit", None)
    assert _group(old, "N5.02").counts == _group(report, "N5.02").counts
    assert _group(old, "N5.47").result == "fail"


# -- the export in Arkade's structure ----------------------------------------------------------------------
@cache
def _xsd() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(REFERENCE / "testReport.xsd")))


def _validates(xml: bytes) -> etree._Element:
    doc = etree.fromstring(xml)
    schema = _xsd()
    assert schema.validate(doc), schema.error_log
    return doc


@pytest.mark.parametrize("sample", [MINIMAL, BROKEN], ids=["clean", "broken"])
def test_the_arkade_export_validates_against_arkades_test_report_schema(sample: Path) -> None:
    report = _json_report(sample)
    doc = _validates(arkade_test_report_xml(report))
    data = arkade_test_report(report)
    jsonschema.Draft7Validator(json.loads((REFERENCE / "testReport.schema.json").read_text())).validate(data)
    ids = doc.xpath("/TestReport/TestsResults/ExecutedTest/TestId/text()")
    arkade_ids = [i for i in ids if i.startswith("N5.")]
    assert arkade_ids == [t for t in ARKADE if _group(report, t).result != "not run"]  # Arkade's order
    assert ids[len(arkade_ids) :] == [g.id for g in arkade_groups(report).own if g.result != "not run"]
    assert doc.findtext("Summary/ArchiveType") == "Noark5"
    assert doc.findtext("Summary/NumberOfErrors") == str(report["verdict"]["errors"])


def test_the_export_of_a_broken_extract_has_its_errors_under_each_arkade_test() -> None:
    report = _json_report(BROKEN)
    doc = _validates(arkade_test_report_xml(report, ArkadeSummaryContext(archive_creators="KDRS")))
    [n547] = doc.xpath("//ExecutedTest[TestId='N5.47']")
    assert n547.findtext("TestType") == "ContentControl" and n547.findtext("NumberOfErrors") == "1"
    assert n547.findtext("TestName") == "Systemidentifikasjoner"
    [error] = n547.xpath("ResultSet/Results/Result[ResultType='Error']")
    assert "2872a56c-7e3a-416c-8cad-3ffb9e8f49ce" in error.findtext("Message")
    assert error.findtext("Location").startswith("arkivstruktur.xml - linje ")
    [n504] = doc.xpath("//ExecutedTest[TestId='N5.04']")
    assert n504.findtext("NumberOfErrors") == "0" and n504.findtext("HasResults") == "true"
    assert n504.xpath("ResultSet/Results/Result/ResultType/text()") == ["Success"]
    assert doc.findtext("Summary/ArchiveCreators") == "KDRS"
    english = etree.fromstring(arkade_test_report_xml(report, lang="en"))
    assert english.xpath("//ExecutedTest[TestId='N5.47']/TestName/text()") == ["System identifications"]


def test_errors_not_kept_are_summed_up_in_one_error_group_result() -> None:
    findings = [_f("N5V-CONTENT-04", Severity.ERROR, text=f"systemID {i}") for i in range(7)]
    report = _report_of(*findings, max_instances=3)
    report["verdict"] = {"errors": 7}
    doc = _validates(arkade_test_report_xml(report))
    [n547] = doc.xpath("//ExecutedTest[TestId='N5.47']")
    assert n547.findtext("NumberOfErrors") == "7"
    assert n547.xpath("ResultSet/Results/Result/ResultType/text()") == ["Error"] * 3 + ["ErrorGroup"]
    assert "4 feil til" in n547.xpath("ResultSet/Results/Result[ResultType='ErrorGroup']/Message/text()")[0]


def test_the_command_writes_the_arkade_export_as_xml_and_as_json() -> None:
    from tender.noark.commands import noark_group

    result = CliRunner().invoke(noark_group, ["validate", str(BROKEN), "--format", "arkade"])
    assert result.exit_code == 1  # the exit code still says whether the extract is valid
    doc = _validates(result.stdout.encode("utf-8"))
    assert doc.xpath("//ExecutedTest[TestId='N5.02']/NumberOfErrors/text()") == ["7"]
    result = CliRunner().invoke(
        noark_group, ["validate", str(MINIMAL), "--format", "arkade-json", "--lang", "en"]
    )
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    jsonschema.Draft7Validator(json.loads((REFERENCE / "testReport.schema.json").read_text())).validate(data)
    assert data["TestsResults"][0]["TestName"] == "Control of existence of XML files"


def test_the_product_carries_no_copy_of_arkades_report_schema() -> None:
    for path in (REPO / "tender").rglob("*"):
        assert path.name.lower() not in ("testreport.xsd", "testreport.schema.json"), path
        if path.is_file() and path.suffix in (".py", ".xsd", ".json", ".html", ".xml"):
            text = path.read_text(encoding="utf-8", errors="replace")
            assert 'complexType name="ExecutedTest"' not in text, path
            assert '"definitions"' not in text or "ExecutedTest" not in text, path


def test_every_check_of_several_arkade_tests_leaves_the_test_to_each_finding() -> None:
    # a check standing for several tests must let each finding say which (else it would count in all)
    for check in CHECKS.values():
        if len(check.arkade) > 1:
            assert check.arkade_per_finding, check.id
