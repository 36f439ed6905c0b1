"""Numbers that must be unique (N5V-CONTENT-24): journal numbers and case numbers within their year, and
journalpostnummer within its case; each by a generated extract with that one problem, and the reference
samples."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tender.core.noark.findings import Severity
from tender.core.noark.validator import validate_path

from .official import SAMPLES
from .rules_helpers import extract, problems

#: planted kind → (severity, element, M-numbers the message must name)
RULES: dict[str, tuple[Severity, str, tuple[str, ...]]] = {
    "duplicate_journal_number": (Severity.ERROR, "journalsekvensnummer", ("M013", "M014")),
    "duplicate_case_number": (Severity.ERROR, "sakssekvensnummer", ("M011", "M012")),
    "duplicate_journalpostnummer": (Severity.WARNING, "journalpostnummer", ("M015",)),
}


def _system_ids(root: Path) -> list[str]:
    return re.findall(r"<systemID>([^<]+)</systemID>", (root / "arkivstruktur.xml").read_text("utf-8"))


@pytest.mark.parametrize("kind", sorted(RULES))
def test_a_number_used_twice_gives_one_finding_naming_both_units_with_their_lines(
    tmp_path: Path, kind: str
) -> None:
    info = extract(tmp_path, kind)
    severity, element, m_numbers = RULES[kind]
    [finding] = problems(info.root)
    repeated = info.planted[kind].detail
    assert (finding.check, finding.severity, finding.element, finding.unit) == (
        "N5V-CONTENT-24",
        severity,
        element,
        repeated,
    )
    text = (info.root / "arkivstruktur.xml").read_text("utf-8").splitlines()
    assert repeated in "\n".join(text[finding.line - 1 : finding.line + 1])
    for message in (finding.message_no, finding.message_en):
        assert all(m in message for m in m_numbers), message
        named = [sid for sid in _system_ids(info.root) if sid in message]
        # the repeated unit and the one it repeats (and, for journalpostnummer, the folder they share)
        assert repeated in named and len(named) >= 2, message
        assert len(re.findall(r"(?:linje|line) \d+", message)) >= 2, message


def test_the_journal_number_is_named_as_an_archivist_writes_it(tmp_path: Path) -> None:
    info = extract(tmp_path, "duplicate_journal_number")
    [finding] = problems(info.root)
    assert "Journalnummeret 3/2021 (M013 journalaar 2021, M014 journalsekvensnummer 3)" in finding.message_no


def _renumber_cases(root: Path, years: list[int]) -> None:
    """Every case gets sakssekvensnummer 1, in the given years (one per case, in order)."""
    xml = root / "arkivstruktur.xml"
    text = re.sub(r"<sakssekvensnummer>\d+<", "<sakssekvensnummer>1<", xml.read_text("utf-8"))
    year = iter(years)
    xml.write_text(re.sub(r"<saksaar>\d+<", lambda _m: f"<saksaar>{next(year)}<", text), "utf-8")


def test_the_same_sequence_number_in_another_year_is_no_duplicate(tmp_path: Path) -> None:
    info = extract(tmp_path)
    _renumber_cases(info.root, [2001, 2002, 2003, 2004, 2005, 2006])
    assert validate_path(info.root).findings("N5V-CONTENT-24") == []


def test_the_same_sequence_number_in_the_same_year_is_a_duplicate(tmp_path: Path) -> None:
    info = extract(tmp_path)
    _renumber_cases(info.root, [2001, 2002, 2003, 2002, 2005, 2006])
    [finding] = validate_path(info.root).findings("N5V-CONTENT-24")
    assert "M011 saksaar 2002, M012 sakssekvensnummer 1" in finding.message_no


def test_leading_zeros_do_not_make_a_number_different(tmp_path: Path) -> None:
    info = extract(tmp_path, "duplicate_case_number")
    xml = info.root / "arkivstruktur.xml"
    text = xml.read_text("utf-8")
    repeated = info.planted["duplicate_case_number"].detail
    head, tail = text.split(repeated, 1)
    tail = re.sub(r"<sakssekvensnummer>(\d+)<", r"<sakssekvensnummer>00\1<", tail, count=1)
    xml.write_text(head + repeated + tail, "utf-8")
    assert [f.unit for f in problems(info.root) if f.check == "N5V-CONTENT-24"] == [repeated]


def test_synthetic_sample_and_arkade_small_have_no_number_used_twice() -> None:
    for sample in ("SYNTHETIC_v5_0_minimal", "arkade5_Small", "arkade5_StructureChecksums_correct"):
        assert validate_path(SAMPLES / sample).findings("N5V-CONTENT-24") == [], sample


def test_kdrs_uttrekk1_really_uses_a_journal_number_twice_and_a_journalpostnummer_twice_in_a_case() -> None:
    # a real finding in the sample's data, not a false alarm: lines 210 and 268 both say journalaar 2012,
    # journalsekvensnummer 1; the case 734b493f… holds two journalposter with journalpostnummer 2011
    report = validate_path(SAMPLES / "kdrs_uttrekk1")
    found = sorted((f.severity.value, f.element, f.unit, f.line) for f in report.findings("N5V-CONTENT-24"))
    assert found == [
        ("error", "journalsekvensnummer", "ae3828bc-73e8-4722-b7c5-1b010f3f77f6", 232),
        ("warning", "journalpostnummer", "f080dee0-97c8-4d15-8832-622f93de318b", 100),
    ]


def _journal_numbers(root: Path) -> list[tuple[str, str]]:
    text = (root / "arkivstruktur.xml").read_text("utf-8")
    return re.findall(r"<journalaar>(\d+)</journalaar>\s*<journalsekvensnummer>(\d+)<", text)


def _set_journal_numbers(root: Path, numbers: list[tuple[str, str]]) -> None:
    xml = root / "arkivstruktur.xml"
    pairs = iter(numbers)

    def renumber(_m: re.Match[str]) -> str:
        year, seq = next(pairs)
        return f"<journalaar>{year}</journalaar>\n      <journalsekvensnummer>{seq}<"

    pattern = r"<journalaar>\d+</journalaar>\s*<journalsekvensnummer>\d+<"
    xml.write_text(re.sub(pattern, renumber, xml.read_text("utf-8")), "utf-8")


def test_a_journal_number_repeated_far_from_its_first_use_is_found(tmp_path: Path) -> None:
    info = extract(tmp_path)
    numbers = _journal_numbers(info.root)
    _set_journal_numbers(info.root, numbers[:-1] + [numbers[0]])
    [finding] = validate_path(info.root).findings("N5V-CONTENT-24")
    assert f"M013 journalaar {numbers[0][0]}, M014 journalsekvensnummer {numbers[0][1]}" in finding.message_no


def test_journal_numbers_out_of_order_but_each_used_once_are_no_duplicate(tmp_path: Path) -> None:
    info = extract(tmp_path)
    numbers = _journal_numbers(info.root)
    _set_journal_numbers(info.root, list(reversed(numbers)))
    assert validate_path(info.root).findings("N5V-CONTENT-24") == []


def test_a_number_that_is_no_plain_number_is_left_to_the_schema_and_breaks_nothing(tmp_path: Path) -> None:
    info = extract(tmp_path)
    numbers = _journal_numbers(info.root)
    # "²" is a digit to Python's str.isdigit() but no number int() can read
    _set_journal_numbers(info.root, [(numbers[0][0], "²")] + numbers[1:])
    report = validate_path(info.root)
    assert report.findings("N5V-CONTENT-24") == []
    assert not report.valid  # the schema refuses it
