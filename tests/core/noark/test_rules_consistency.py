"""Consistency rules of arkivstruktur.xml (issue 15, point 1): arkivdelstatus in a transfer (M051,
N5V-CONTENT-21), korrespondansepart against journalposttype (N5V-CONTENT-25), skjerming complete
(N5V-CONTENT-26) and kassasjon complete (N5V-CONTENT-27). Each rule: a generated extract with that one
problem gives exactly that finding, naming its unit; the same extract without it passes clean."""

from __future__ import annotations

from pathlib import Path

import pytest

from tender.core.noark.findings import Severity
from tender.core.noark.validator import validate_path
from tests.noark_generator import RULE_KINDS

from .rules_helpers import generated, not_info, rewrite
from .test_samples import SAMPLE_DIRS, report_for

OUR_CHECKS = ("N5V-CONTENT-14", "N5V-CONTENT-21", "N5V-CONTENT-25", "N5V-CONTENT-26", "N5V-CONTENT-27")


def system_id_of(data: bytes, start_tag: bytes, occurrence: int = 1) -> tuple[str, int]:
    """The systemID of the ``occurrence``-th element starting with ``start_tag``, and its line."""
    at = -1
    for _ in range(occurrence):
        at = data.index(start_tag, at + 1)
    return data[at:].split(b"<systemID>", 1)[1].split(b"</systemID>", 1)[0].decode(), data[:at].count(
        b"\n"
    ) + 1


EXPECTED = {
    # kind: (check, severity, element, the start tag of the unit the finding names)
    "open_arkivdel": ("N5V-CONTENT-21", Severity.ERROR, "arkivdelstatus", b"<arkivdel>"),
    "wrong_korrespondansepart": ("N5V-CONTENT-25", Severity.WARNING, "korrespondanseparttype", None),
    "missing_offentlig_tittel": ("N5V-CONTENT-26", Severity.ERROR, "offentligTittel", None),
    "kassert_document_kept": ("N5V-CONTENT-27", Severity.WARNING, "kassertDato", None),
    "kassert_but_preserved": ("N5V-CONTENT-27", Severity.WARNING, "kassasjonsvedtak", b"<arkivdel>"),
}


def test_every_rule_kind_of_the_generator_has_its_expected_finding_here() -> None:
    assert set(EXPECTED) | {"blank_value"} == set(RULE_KINDS)


@pytest.mark.parametrize("kind", sorted(EXPECTED))
def test_a_generated_extract_with_one_broken_rule_gets_exactly_that_finding_naming_its_unit(
    tmp_path: Path, kind: str
) -> None:
    info = generated(tmp_path, kind)
    report = validate_path(info.root)
    check, severity, element, unit_tag = EXPECTED[kind]
    [finding] = not_info(report)
    assert (finding.check, finding.severity, finding.element) == (check, severity, element)
    data = info.arkivstruktur.read_bytes()
    unit = system_id_of(data, unit_tag)[0] if unit_tag else info.planted[kind].detail
    assert finding.unit == unit
    assert unit in finding.message_no and unit in finding.message_en
    assert finding.m_number is not None and finding.m_number in finding.message_no
    assert report.valid is (severity is not Severity.ERROR)


def test_the_same_extract_without_the_broken_rules_passes_clean(tmp_path: Path) -> None:
    report = validate_path(generated(tmp_path).root)
    assert report.valid and not_info(report) == []
    statuses = {c["id"]: c["status"] for c in report.to_json()["checks"]}
    for check in OUR_CHECKS:
        assert statuses[check] == "pass", check


def test_an_arkivdel_that_is_not_closed_makes_the_extract_invalid_with_both_values(tmp_path: Path) -> None:
    # M051: "Arkivdeler som avleveres skal ha status «Avsluttet periode»" — a "skal" rule, so an error
    report = validate_path(generated(tmp_path, "open_arkivdel").root)
    [finding] = report.findings("N5V-CONTENT-21")
    assert finding.severity is Severity.ERROR and not report.valid
    assert "«Aktiv periode»" in finding.message_no and "«Avsluttet periode»" in finding.message_no
    assert finding.arkade == () and report.to_json()["verdict"]["errors"] == 1


def test_a_wrong_korrespondansepart_names_the_journal_record_type_and_the_party_types_found(
    tmp_path: Path,
) -> None:
    info = generated(tmp_path, "wrong_korrespondansepart")
    [finding] = validate_path(info.root).findings("N5V-CONTENT-25")
    assert "M082" in finding.message_no and "M087" in finding.message_no
    incoming = "«Inngående dokument»" in finding.message_no
    assert ("(fant «Mottaker»)" if incoming else "(fant «Avsender»)") in finding.message_no


def test_a_v5_journal_record_without_korrespondansepart_is_a_warning_naming_it(tmp_path: Path) -> None:
    info = generated(tmp_path)
    data = info.arkivstruktur.read_bytes()
    start = data.index(b"      <korrespondansepart>")
    end = data.index(b"</korrespondansepart>\n", start) + len(b"</korrespondansepart>\n")
    journalposts = data[:start].count(b'<registrering xsi:type="journalpost">')
    system_id, line = system_id_of(data, b'<registrering xsi:type="journalpost">', journalposts)
    rewrite(info, data[start:end], b"")
    [finding] = not_info(validate_path(info.root))
    assert finding.check == "N5V-CONTENT-25" and finding.severity is Severity.WARNING
    assert finding.unit == system_id and finding.line == line
    assert "ingen korrespondansepart" in finding.message_no and "krav 2.6.3" in finding.message_no


def test_an_internal_document_with_an_external_sender_is_a_warning(tmp_path: Path) -> None:
    info = generated(tmp_path)
    rewrite(
        info,
        b"<journalposttype>Inng\xc3\xa5ende dokument</journalposttype>",
        b"<journalposttype>Organinternt dokument for oppf\xc3\xb8lging</journalposttype>",
    )
    [finding] = not_info(validate_path(info.root))
    assert finding.check == "N5V-CONTENT-25"
    assert (
        "«Organinternt dokument for oppfølging»" in finding.message_no and "«Avsender»" in finding.message_no
    )


def test_an_internal_document_with_internal_parties_and_an_outgoing_one_to_a_group_pass(
    tmp_path: Path,
) -> None:
    info = generated(tmp_path)
    rewrite(
        info,
        b"<journalposttype>Inng\xc3\xa5ende dokument</journalposttype>",
        b"<journalposttype>Organinternt dokument uten oppf\xc3\xb8lging</journalposttype>",
    )
    rewrite(
        info,
        b"<korrespondanseparttype>Avsender</korrespondanseparttype>",
        b"<korrespondanseparttype>Intern avsender</korrespondanseparttype>",
    )
    rewrite(
        info,
        b"<korrespondanseparttype>Mottaker</korrespondanseparttype>",
        b"<korrespondanseparttype>Gruppemottaker</korrespondanseparttype>",
    )
    assert not_info(validate_path(info.root)) == []


def test_screened_words_of_a_folder_title_with_an_offentlig_tittel_pass(tmp_path: Path) -> None:
    info = generated(tmp_path, "missing_offentlig_tittel")
    data = info.arkivstruktur.read_bytes()
    at = data.index(b"<skjermingMetadata>")
    tittel_end = data.index(b"</tittel>\n", data.index(b"<tittel>Brev", at)) + len(b"</tittel>\n")
    offentlig = b"      <offentligTittel>Brev ***</offentligTittel>\n"
    rewrite(info, data[:tittel_end], data[:tittel_end] + offentlig)
    assert not_info(validate_path(info.root)) == []


def test_screened_words_of_a_folder_title_need_the_folders_offentlig_tittel(tmp_path: Path) -> None:
    info = generated(tmp_path, "missing_offentlig_tittel")
    # the same skjerming, on the folder: it screens the folder's title, and the folder has no offentligTittel
    data = info.arkivstruktur.read_bytes()
    start = data.index(b"      <skjerming>")
    end = data.index(b"</skjerming>\n", start) + len(b"</skjerming>\n")
    block = data[start:end]
    rewrite(info, block, b"")
    data = info.arkivstruktur.read_bytes()
    mappe_end = data.index(b"     <opprettetDato>", data.index(b'<mappe xsi:type="saksmappe">'))
    folder_id, folder_line = system_id_of(data, b'<mappe xsi:type="saksmappe">')
    avsluttet = data.index(b"     <avsluttetAv>", mappe_end)
    after = data.index(b"\n", avsluttet) + 1
    rewrite(info, data[:after], data[:after] + block.replace(b"registrering - utvalgte", b"mappe - utvalgte"))
    [finding] = not_info(validate_path(info.root))
    assert finding.check == "N5V-CONTENT-26" and finding.unit == folder_id and finding.line == folder_line
    assert "«Skjerming tittel mappe - utvalgte ord»" in finding.message_no and "M025" in finding.message_no


def test_a_disposal_under_an_inherited_keep_decision_is_reported_once_per_rule(tmp_path: Path) -> None:
    info = generated(tmp_path, "kassert_but_preserved", "kassert_document_kept")
    findings = not_info(validate_path(info.root))
    assert sorted((f.check, f.element) for f in findings) == [
        ("N5V-CONTENT-27", "kassasjonsvedtak"),
        ("N5V-CONTENT-27", "kassasjonsvedtak"),
        ("N5V-CONTENT-27", "kassertDato"),
    ]
    inherited = [f for f in findings if "arvet ovenfra" in f.message_no]
    assert len(inherited) == 1 and inherited[0].unit == info.planted["kassert_document_kept"].detail


@pytest.mark.parametrize("sample", SAMPLE_DIRS, ids=lambda p: p.name)
def test_no_reference_sample_gets_an_error_from_the_consistency_rules(sample: Path) -> None:
    report = report_for(sample)
    errors = [f for c in OUR_CHECKS[1:] for f in report.findings(c) if f.severity is Severity.ERROR]
    assert errors == []
    # the one rule the Arkade and KDRS samples do break, as warnings: an incoming document whose only
    # party is a Mottaker or Gruppemottaker, an outgoing one whose only party is an Avsender
    for finding in report.findings("N5V-CONTENT-25"):
        assert finding.severity is Severity.WARNING and finding.unit
