"""The journals against the structure (issue 15): every entry of loependeJournal.xml and offentligJournal.xml
against the journalpost of arkivstruktur.xml with its systemID (N5V-CONTENT-28), and the journals' period
against the archival period (N5V-CONTENT-20). Each rule: a generated extract with that one problem, the
finding naming the entry or record, and the same extract without it passing clean."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from lxml import etree

from tender.core.noark.findings import Finding, Severity
from tender.core.noark.report import Report
from tender.core.noark.validator import validate_path
from tests.noark_generator import GeneratedExtract, generate_extract

from .official import SAMPLES, XSD
from .test_memory import PEAK

N5 = "{http://www.arkivverket.no/standarder/noark5/arkivstruktur}"
XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"
JOURNALS = ("loependeJournal", "offentligJournal")
ENTRIES = "N5V-CONTENT-28"
PERIOD = "N5V-CONTENT-20"


def extract(tmp_path: Path, *kinds: str, name: str = "uttrekk") -> GeneratedExtract:
    """A generated v5.0 extract with both journals and the official schemas, with ``kinds`` planted."""
    return generate_extract(
        tmp_path / name,
        n_mapper=6,
        registreringer_per_mappe=3,
        seed=7,
        journaler=True,
        errors=set(kinds),
        schema_dir=XSD / "v5.0",
        addml_xsd=XSD / "addml" / "addml_v8.3.xsd",
    )


def findings(report: Report, check: str, severity: Severity | None = None) -> list[Finding]:
    return [f for f in report.findings(check) if severity is None or f.severity is severity]


def entry_line(root: Path, journal: str, system_id: str) -> int:
    """The line lxml gives the journalpost with ``system_id`` in ``journal``."""
    ns = f"{{http://www.arkivverket.no/standarder/noark5/{journal}}}"
    tree = etree.parse(str(root / f"{journal}.xml"))
    [entry] = [e for e in tree.iter(f"{ns}journalpost") if e.findtext(f"{ns}systemID") == system_id]
    return int(entry.sourceline or 0)


def record(root: Path, system_id: str) -> etree._Element:
    tree = etree.parse(str(root / "arkivstruktur.xml"))
    [found] = [r for r in tree.iter(f"{N5}registrering") if r.findtext(f"{N5}systemID") == system_id]
    return found


def edit_entry(root: Path, journal: str, system_id: str, old: str, new: str) -> None:
    """Replace ``old`` by ``new`` once, inside the journalregistrering holding ``system_id``."""
    path = root / f"{journal}.xml"
    text = path.read_text(encoding="utf-8")
    blocks = re.split(r"(?=<journalregistrering>)", text)
    [index] = [i for i, b in enumerate(blocks) if f"<systemID>{system_id}</systemID>" in b]
    assert blocks[index].count(old) == 1, (old, blocks[index])
    blocks[index] = blocks[index].replace(old, new)
    path.write_text("".join(blocks), encoding="utf-8")


def some_journalpost(root: Path) -> etree._Element:
    """A journalpost in the middle of arkivstruktur.xml."""
    tree = etree.parse(str(root / "arkivstruktur.xml"))
    posts = [r for r in tree.iter(f"{N5}registrering") if r.get(XSI_TYPE) == "journalpost"]
    return posts[len(posts) // 2]


def soften(root: Path) -> None:
    """Make ADDML state a soft period separation (its checksum is not over itself)."""
    path = root / "arkivuttrekk.xml"
    text = path.read_text(encoding="utf-8")
    assert text.count("<value>skarpt</value>") == 2
    path.write_text(text.replace("<value>skarpt</value>", "<value>mykt</value>"), encoding="utf-8")


# --------------------------------------------------------------------------- clean


def test_a_clean_generated_extract_with_journals_has_no_error_or_warning(tmp_path: Path) -> None:
    report = validate_path(extract(tmp_path).root)
    assert report.valid
    assert report.count(Severity.ERROR) == 0 and report.count(Severity.WARNING) == 0
    statuses = {c["id"]: c["status"] for c in report.to_json()["checks"]}
    assert statuses[ENTRIES] == "pass"
    assert findings(report, ENTRIES) == []


def test_a_journal_period_equal_to_the_archival_period_passes_and_says_what_arkade_would_report(
    tmp_path: Path,
) -> None:
    # the generated journals state the arkivdel's period; the first journaldato is a day after its start
    report = validate_path(extract(tmp_path).root)
    notes = findings(report, PERIOD)
    assert [f.severity for f in notes] == [Severity.INFO, Severity.INFO]
    assert {f.file for f in notes} == {"loependeJournal.xml", "offentligJournal.xml"}
    assert all(f.arkade == ("N5.60",) for f in notes)
    assert all("2020-01-01–2023-12-31" in f.message_no and "2020-01-02–" in f.message_no for f in notes)


# --------------------------------------------------------------------------- entries without records


def test_a_journal_entry_whose_system_id_is_in_no_unit_is_named_with_its_file_and_line(
    tmp_path: Path,
) -> None:
    info = extract(tmp_path, "journal_entry_not_in_structure")
    system_id = info.planted["journal_entry_not_in_structure"].detail
    report = validate_path(info.root)
    errors = findings(report, ENTRIES, Severity.ERROR)
    assert {(f.file, f.line) for f in errors} == {
        (f"{j}.xml", entry_line(info.root, j, system_id)) for j in JOURNALS
    }
    for f in errors:
        assert f.unit == system_id and f.element == "systemID" and f.m_number == "M001"
        assert system_id in f.message_no and "finnes ikke i arkivstruktur.xml" in f.message_no
        assert f.arkade == ("N5.59",)
    assert findings(report, ENTRIES) == errors


def test_a_journal_entry_whose_system_id_belongs_to_another_kind_of_unit_says_which(tmp_path: Path) -> None:
    info = extract(tmp_path)
    post = some_journalpost(info.root)
    system_id = post.findtext(f"{N5}systemID")
    mappe_id = post.getparent().findtext(f"{N5}systemID")
    assert system_id and mappe_id
    for journal in JOURNALS:
        edit_entry(info.root, journal, system_id, f"<systemID>{system_id}<", f"<systemID>{mappe_id}<")
    report = validate_path(info.root)
    unknown = [f for f in findings(report, ENTRIES, Severity.ERROR) if f.file != "arkivstruktur.xml"]
    assert {f.unit for f in unknown} == {mappe_id} and len(unknown) == 2
    assert all("men som mappe og ikke som journalpost" in f.message_no for f in unknown)
    # and the journalpost itself is now in no journal
    [left_out] = [f for f in findings(report, ENTRIES) if f.file == "arkivstruktur.xml"]
    assert left_out.unit == system_id


# --------------------------------------------------------------------------- records left out


def test_a_record_left_out_of_the_journals_is_named_with_its_line_and_journal_date(tmp_path: Path) -> None:
    info = extract(tmp_path, "journal_entry_missing")
    system_id = info.planted["journal_entry_missing"].detail
    report = validate_path(info.root)
    [missing] = findings(report, ENTRIES)
    post = record(info.root, system_id)
    assert missing.severity is Severity.ERROR
    assert (missing.file, missing.line, missing.unit) == ("arkivstruktur.xml", post.sourceline, system_id)
    assert "loependeJournal.xml og offentligJournal.xml" in missing.message_no
    assert f"journaldato {post.findtext(f'{N5}journaldato')}" in missing.message_no
    # the count check (Arkade N5.59) still says how many
    assert any("14 journalposter" in f.message_no for f in findings(report, PERIOD, Severity.ERROR))


def test_with_a_soft_separation_a_record_left_out_inside_the_journal_period_is_a_warning(
    tmp_path: Path,
) -> None:
    info = extract(tmp_path, "journal_entry_missing")
    soften(info.root)
    report = validate_path(info.root)
    [missing] = findings(report, ENTRIES)
    assert missing.severity is Severity.WARNING
    assert missing.unit == info.planted["journal_entry_missing"].detail
    assert "journalens periode 2020-01-01–2023-12-31" in missing.message_no


def test_with_a_soft_separation_an_entry_without_a_record_is_only_noted(tmp_path: Path) -> None:
    info = extract(tmp_path, "journal_entry_not_in_structure")
    soften(info.root)
    report = validate_path(info.root)
    notes = findings(report, ENTRIES)
    assert [f.severity for f in notes] == [Severity.INFO, Severity.INFO]
    assert {f.unit for f in notes} == {info.planted["journal_entry_not_in_structure"].detail}
    assert all("mykt periodeskille" in f.message_no for f in notes)


# --------------------------------------------------------------------------- entries whose data differ


@pytest.mark.parametrize(
    ("kind", "element", "m_number", "journals"),
    [
        ("journal_date_differs", "journaldato", "M101", JOURNALS),
        ("journal_title_differs", "tittel", "M020", ("loependeJournal",)),
        ("journal_case_number_differs", "sakssekvensnummer", "M012", JOURNALS),
    ],
)
def test_a_journal_entry_whose_data_differ_from_its_record_names_both_values(
    tmp_path: Path, kind: str, element: str, m_number: str, journals: tuple[str, ...]
) -> None:
    info = extract(tmp_path, kind)
    system_id = info.planted[kind].detail
    post = record(info.root, system_id)
    theirs = (post.getparent() if element == "sakssekvensnummer" else post).findtext(f"{N5}{element}")
    report = validate_path(info.root)
    found = findings(report, ENTRIES)
    assert {(f.file, f.line) for f in found} == {
        (f"{j}.xml", entry_line(info.root, j, system_id)) for j in journals
    }
    for f in found:
        assert f.severity is Severity.ERROR
        assert (f.unit, f.element, f.m_number) == (system_id, element, m_number)
        assert f"«{theirs}»" in f.message_no and f"linje {post.sourceline}" in f.message_no
        ns = f"{{http://www.arkivverket.no/standarder/noark5/{f.file.removesuffix('.xml')}}}"
        entry = next(
            e
            for e in etree.parse(str(info.root / f.file)).iter(f"{ns}journalregistrering")
            if e.findtext(f"{ns}journalpost/{ns}systemID") == system_id
        )
        holder = "saksmappe" if element == "sakssekvensnummer" else "journalpost"
        ours = entry.findtext(f"{ns}{holder}/{ns}{element}")
        assert ours != theirs and f"«{ours}»" in f.message_no
    assert report.count(Severity.ERROR) == len(found)


@pytest.mark.parametrize(
    ("element", "m_number"),
    [
        ("journalaar", "M013"),
        ("journalsekvensnummer", "M014"),
        ("journalpostnummer", "M015"),
        ("saksaar", "M011"),
    ],
)
def test_each_number_of_a_journal_entry_is_compared_with_its_record(
    tmp_path: Path, element: str, m_number: str
) -> None:
    info = extract(tmp_path)
    post = some_journalpost(info.root)
    system_id = post.findtext(f"{N5}systemID")
    assert system_id
    holder = post.getparent() if element == "saksaar" else post
    value = holder.findtext(f"{N5}{element}")
    edit_entry(
        info.root, "loependeJournal", system_id, f"<{element}>{value}<", f"<{element}>{int(value or 0) + 7}<"
    )
    report = validate_path(info.root)
    [f] = findings(report, ENTRIES)
    assert (f.file, f.unit, f.element, f.m_number) == ("loependeJournal.xml", system_id, element, m_number)
    assert f"«{int(value or 0) + 7}»" in f.message_no and f"«{value}»" in f.message_no


def test_dokumentets_dato_is_compared_when_both_give_it(tmp_path: Path) -> None:
    info = extract(tmp_path)
    post = some_journalpost(info.root)
    system_id, day = post.findtext(f"{N5}systemID"), post.findtext(f"{N5}journaldato")
    assert system_id and day
    structure = info.root / "arkivstruktur.xml"
    text = structure.read_text(encoding="utf-8")
    anchor = f"<systemID>{system_id}</systemID>"
    head, tail = text.split(anchor)
    tail = tail.replace(
        f"<journaldato>{day}</journaldato>\n",
        f"<journaldato>{day}</journaldato>\n      <dokumentetsDato>2020-06-01</dokumentetsDato>\n",
        1,
    )
    structure.write_text(head + anchor + tail, encoding="utf-8")
    # a journal that leaves the optional date out says nothing against it
    assert findings(validate_path(info.root), ENTRIES) == []
    edit_entry(
        info.root,
        "offentligJournal",
        system_id,
        f"<journaldato>{day}</journaldato>",
        f"<journaldato>{day}</journaldato>\n   <dokumentetsDato>2020-06-02</dokumentetsDato>",
    )
    [f] = findings(validate_path(info.root), ENTRIES)
    assert (f.file, f.element, f.m_number, f.unit) == (
        "offentligJournal.xml",
        "dokumentetsDato",
        "M103",
        system_id,
    )
    assert "«2020-06-02»" in f.message_no and "«2020-06-01»" in f.message_no


def test_values_that_mean_the_same_are_no_difference(tmp_path: Path) -> None:
    info = extract(tmp_path)
    post = some_journalpost(info.root)
    system_id = post.findtext(f"{N5}systemID")
    number, tittel = post.findtext(f"{N5}journalpostnummer"), post.findtext(f"{N5}tittel")
    assert system_id and number and tittel
    # an integer with a leading zero, a title broken over two lines
    edit_entry(
        info.root,
        "loependeJournal",
        system_id,
        f"<journalpostnummer>{number}<",
        f"<journalpostnummer>0{number}<",
    )
    first, rest = tittel.split(" ", 1)
    edit_entry(
        info.root, "loependeJournal", system_id, f"<tittel>{tittel}<", f"<tittel>{first}\n     {rest}<"
    )
    assert findings(validate_path(info.root), ENTRIES) == []


@pytest.mark.parametrize("kind", ["duplicate_systemid", "bad_date"])
def test_what_other_checks_report_is_not_reported_again_as_a_difference(tmp_path: Path, kind: str) -> None:
    # a systemID used twice leaves open which record an entry means; an unreadable date is the schema's
    report = validate_path(extract(tmp_path, kind).root)
    assert findings(report, ENTRIES) == []


def test_with_a_soft_separation_a_difference_is_a_warning(tmp_path: Path) -> None:
    info = extract(tmp_path, "journal_date_differs")
    soften(info.root)
    found = findings(validate_path(info.root), ENTRIES)
    assert len(found) == 2 and {f.severity for f in found} == {Severity.WARNING}


# --------------------------------------------------------------------------- the journals' period


def test_a_journal_period_wider_than_the_archival_period_is_an_error_with_the_dates(tmp_path: Path) -> None:
    info = extract(tmp_path, "journal_period_differs")
    report = validate_path(info.root)
    errors = findings(report, PERIOD, Severity.ERROR)
    assert {f.file for f in errors} == {"loependeJournal.xml", "offentligJournal.xml"}
    for f in errors:
        assert "perioden 2019-01-01–2023-12-31" in f.message_no
        assert "arkivperioden 2020-01-01–2023-12-31" in f.message_no
        assert f.element == "journalStartDato" and f.m_number == "M112" and f.arkade == ("N5.60",)
    assert report.count(Severity.ERROR) == 2


def test_a_journal_period_equal_to_the_span_of_the_journal_dates_passes_as_in_arkade(tmp_path: Path) -> None:
    info = extract(tmp_path)
    tree = etree.parse(str(info.arkivstruktur))
    days = sorted(e.text or "" for e in tree.iter(f"{N5}journaldato"))
    for journal in JOURNALS:
        path = info.root / f"{journal}.xml"
        text = path.read_text(encoding="utf-8")
        text = text.replace("<journalStartDato>2020-01-01<", f"<journalStartDato>{days[0]}<")
        text = text.replace("<journalSluttDato>2023-12-31<", f"<journalSluttDato>{days[-1]}<")
        path.write_text(text, encoding="utf-8")
    report = validate_path(info.root)
    assert findings(report, PERIOD) == [] and findings(report, ENTRIES) == []


def test_journals_that_state_different_periods_are_told_apart_by_their_dates(tmp_path: Path) -> None:
    info = extract(tmp_path)
    path = info.root / "offentligJournal.xml"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "<journalSluttDato>2023-12-31<", "<journalSluttDato>2023-12-30<"
        ),
        encoding="utf-8",
    )
    report = validate_path(info.root)
    [apart] = [f for f in findings(report, PERIOD, Severity.ERROR) if "Løpende journal" in f.message_no]
    assert "2020-01-01–2023-12-31" in apart.message_no and "2020-01-01–2023-12-30" in apart.message_no


# --------------------------------------------------------------------------- the reference samples


def test_the_valid_synthetic_sample_gets_nothing_from_the_journal_rules() -> None:
    report = validate_path(SAMPLES / "SYNTHETIC_v5_0_minimal")
    assert findings(report, ENTRIES) == [] and findings(report, PERIOD) == []


@pytest.mark.parametrize(
    "sample", ["arkade5_Noark5Archive", "arkade5_StructureValidation_correct", "kdrs_uttrekk1"]
)
def test_samples_with_a_soft_separation_get_no_error_from_the_journal_rules_only_what_really_differs(
    sample: str,
) -> None:
    report = validate_path(SAMPLES / sample)
    assert findings(report, ENTRIES, Severity.ERROR) == [] and findings(report, PERIOD, Severity.ERROR) == []
    # the Oslo example's journals were not made from its arkivstruktur.xml: what differs, as lxml reads it
    warned = {(f.file, f.line, f.element) for f in findings(report, ENTRIES, Severity.WARNING)}
    assert ("loependeJournal.xml", 76, "tittel") in warned  # «Vedtak etter klage» / «Svar på klage»
    assert ("offentligJournal.xml", 76, "journalaar") in warned  # 2011 / 2012
    noted = {(f.file, f.unit) for f in findings(report, ENTRIES, Severity.INFO)}
    assert ("loependeJournal.xml", "3062c3c1-83f7-4fb1-9a80-11bab7c06165") in noted


def test_the_checksum_sample_with_a_sharp_separation_has_journals_of_another_extract() -> None:
    # Arkade's checksum fixture bundles the Oslo journals (2011–2012) with an arkivstruktur.xml of 1863
    report = validate_path(SAMPLES / "arkade5_StructureChecksums_correct")
    errors = findings(report, ENTRIES, Severity.ERROR)
    assert len([f for f in errors if f.file != "arkivstruktur.xml"]) == 8
    assert {f.unit for f in errors if f.file == "arkivstruktur.xml"} == {
        "journpost57d6608566c0b0.29878286",
        "journpost57d6608569ed33.70652483",
    }
    periods = [
        f.message_no for f in findings(report, PERIOD, Severity.ERROR) if "skal være lik" in f.message_no
    ]
    # the arkivdel's own period ends before it starts (1864-03-12–1864-02-02: N5V-CONTENT-23 says so), so
    # the journals are held against ADDML's archival period
    assert len(periods) == 2 and all(
        "1863-03-27–1865-12-11" in m and "2011-09-09–2012-10-10" in m for m in periods
    )


# --------------------------------------------------------------------------- memory

MEASURE = (
    PEAK
    + """
import sys
from pathlib import Path
from tender.core.noark.validator import validate_path
report = validate_path(Path(sys.argv[1]))
print(len(report.findings("N5V-CONTENT-28")), peak_mib())
"""
)


@pytest.mark.slow
def test_the_journal_entries_cost_no_memory_that_grows_with_the_journals(tmp_path: Path) -> None:
    def peak(n_mapper: int, name: str) -> tuple[int, int]:
        root = tmp_path / name
        generate_extract(
            root, n_mapper, 3, dokumenter=False, journaler=True, errors={"journal_title_differs"}
        )
        repo = Path(__file__).resolve().parents[3]
        out = subprocess.run(
            [sys.executable, "-c", MEASURE, str(root)], cwd=repo, capture_output=True, text=True, check=True
        ).stdout.split()
        return int(out[0]), int(out[1])

    (small_found, small_peak), (big_found, big_peak) = peak(500, "small"), peak(15_000, "big")
    assert small_found == big_found == 1
    assert big_peak < 200 and big_peak < small_peak + 40, (small_peak, big_peak)
