"""Dates that contradict each other (N5V-CONTENT-23): each rule by a generated extract with that one problem,
the comparison itself (date against date-time, time zones, unreadable values), and the reference samples."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

from tender.core.noark.content import later
from tender.core.noark.findings import Severity
from tender.core.noark.store import LATER
from tender.core.noark.validator import validate_path

from .official import SAMPLES
from .rules_helpers import extract, problems

ERROR, WARNING = Severity.ERROR, Severity.WARNING

#: planted kind → (severity, element the finding points at, words each message must hold: the M-numbers)
RULES: dict[str, tuple[Severity, str, tuple[str, ...]]] = {
    "arkivdel_closed_before_created": (ERROR, "avsluttetDato", ("M602", "M600")),
    "period_ends_before_start": (ERROR, "arkivperiodeSluttDato", ("M108", "M107")),
    "mappe_closed_before_created": (ERROR, "avsluttetDato", ("M602", "M600")),
    "registration_after_folder_closed": (ERROR, "opprettetDato", ("M600", "M602")),
    "journaldato_after_folder_closed": (ERROR, "journaldato", ("M101", "M602")),
    "registration_archived_before_created": (ERROR, "arkivertDato", ("M604", "M600")),
    "document_attached_before_created": (ERROR, "tilknyttetDato", ("M620", "M600")),
    "document_attached_after_archived": (ERROR, "tilknyttetDato", ("M620", "M604")),
    "folder_after_arkivdel_closed": (ERROR, "opprettetDato", ("M600", "M602")),
    "registration_after_arkivdel_closed": (ERROR, "opprettetDato", ("M600", "M602")),
    "folder_before_period": (WARNING, "opprettetDato", ("M600", "M107")),
    "registration_before_period": (WARNING, "opprettetDato", ("M600", "M107")),
    "journaldato_before_saksdato": (WARNING, "journaldato", ("M101", "M100")),
}


def test_the_generated_extract_without_a_planted_problem_passes_with_no_error_or_warning(
    tmp_path: Path,
) -> None:
    assert problems(extract(tmp_path).root) == []


@pytest.mark.parametrize("kind", sorted(RULES))
def test_each_date_contradiction_gives_exactly_one_finding_naming_the_unit_its_m_numbers_and_both_dates(
    tmp_path: Path, kind: str
) -> None:
    info = extract(tmp_path, kind)
    severity, element, m_numbers = RULES[kind]
    [finding] = problems(info.root)
    unit = info.planted[kind].detail
    assert (finding.check, finding.severity, finding.element, finding.unit) == (
        "N5V-CONTENT-23",
        severity,
        element,
        unit,
    )
    assert finding.file == "arkivstruktur.xml" and finding.line is not None
    text = (info.root / "arkivstruktur.xml").read_text(encoding="utf-8").splitlines()
    # the finding's line holds the unit's element (or the unit itself, for comparisons across units)
    assert element in text[finding.line - 1] or unit in "\n".join(text[finding.line - 1 : finding.line + 1])
    for message, line in ((finding.message_no, "linje"), (finding.message_en, "line")):
        assert unit in message
        assert all(m in message for m in m_numbers), message
        assert re.search(rf"{line} \d+", message), message
        # both values compared are named
        assert len(re.findall(r"\d{4}-\d\d-\d\d", message)) >= 2, message


def test_a_finding_names_both_dates_it_compares(tmp_path: Path) -> None:
    info = extract(tmp_path, "mappe_closed_before_created")
    [finding] = problems(info.root)
    assert "M602 avsluttetDato 2021-12-30T15:00:00" in finding.message_no
    assert "M600 opprettetDato 2021-12-31T09:00:00" in finding.message_no


def test_a_registration_after_its_closed_folder_names_the_folder_and_its_closing_date(tmp_path: Path) -> None:
    info = extract(tmp_path, "registration_after_folder_closed")
    [finding] = problems(info.root)
    text = (info.root / "arkivstruktur.xml").read_text(encoding="utf-8")
    folder = text[: text.index(info.planted["registration_after_folder_closed"].detail)]
    folder_id = folder.rsplit('<mappe xsi:type="saksmappe">', 1)[1].split("<systemID>")[1].split("<")[0]
    assert folder_id in finding.message_no and "M602 avsluttetDato 2021-12-31T15:00:00" in finding.message_no
    assert "M600 opprettetDato 2022-01-01T10:00:00" in finding.message_no


# --------------------------------------------------------------------------- the comparison itself

#: (a, b, whether a is later than b)
PAIRS = [
    ("2021-01-02T00:00:00", "2021-01-01T23:59:59", True),
    ("2021-01-01T10:00:00", "2021-01-01T10:00:00", False),
    ("2021-01-01T09:00:00", "2021-01-01T10:00:00", False),
    # time zones: 10:00+02:00 is 08:00 UTC, earlier than 09:00 UTC
    ("2021-01-01T10:00:00+02:00", "2021-01-01T09:00:00Z", False),
    ("2021-01-01T10:00:00-02:00", "2021-01-01T11:00:00Z", True),
    ("2021-01-01T10:00:00.500", "2021-01-01T10:00:00", True),
    # a date against a date-time compares on the date: the same day is not later
    ("2021-01-01", "2021-01-01T08:00:00", False),
    ("2021-01-02", "2021-01-01T23:00:00", True),
    ("2021-01-01T23:00:00", "2021-01-01", False),
    ("2021-01-01+01:00", "2020-12-31", True),
    # unreadable or missing: never a contradiction (the value's own check reports it)
    ("2021-13-01T10:00:00", "2021-01-01T10:00:00", False),
    ("02.02.2021", "2021-01-01", False),
    ("", "2021-01-01", False),
]


@pytest.mark.parametrize(("a", "b", "expected"), PAIRS)
def test_dates_compare_as_instants_or_on_the_date_and_unreadable_ones_never_contradict(
    a: str, b: str, expected: bool
) -> None:
    assert later(a, b) is expected


def test_the_stores_sql_decides_every_pair_as_the_stream_does() -> None:
    db = sqlite3.connect(":memory:")
    for a, b, expected in PAIRS:
        (got,) = db.execute(f"SELECT coalesce({LATER('?1', '?2')}, 0)", (a or None, b)).fetchone()
        assert bool(got) is expected, (a, b)


def test_an_unreadable_closing_date_is_left_to_its_own_check(tmp_path: Path) -> None:
    info = extract(tmp_path)
    xml = info.root / "arkivstruktur.xml"
    text = xml.read_text(encoding="utf-8")
    closed = text.split('<mappe xsi:type="saksmappe">', 4)[3].split("<avsluttetDato>")[1].split("<")[0]
    xml.write_text(text.replace(f"<avsluttetDato>{closed}<", "<avsluttetDato>31.12.2021<", 1), "utf-8")
    assert [f for f in problems(info.root) if f.check == "N5V-CONTENT-23"] == []


# --------------------------------------------------------------------------- the reference samples


def _dates(sample: str) -> list[tuple[str, str | None, str | None]]:
    report = validate_path(SAMPLES / sample)
    return sorted(
        (f.severity.value, f.element, f.unit) for f in report.findings() if f.check == "N5V-CONTENT-23"
    )


@pytest.mark.parametrize(
    "sample",
    [
        "SYNTHETIC_v5_0_minimal",
        "arkade5_Noark5Archive",
        "arkade5_StructureValidation_correct",
        "kdrs_uttrekk1",
    ],
)
def test_reference_samples_with_consistent_dates_get_no_date_finding(sample: str) -> None:
    assert _dates(sample) == []


def test_arkade_small_has_the_contradicting_dates_of_its_test_data_and_no_others() -> None:
    # Arkade's test data carries made-up dates of 1863-64 that really do contradict each other (Arkade has
    # no such test): the arkivdel's period ends 1864-02-02 but starts 1864-03-12; journalpost …0b0 is
    # archived 1863-10-10, before it was created 1863-10-18, and after its folder closed 1863-08-22; …
    arkivdel, folder = "arkivdel57d6608566c0b9.14601960", "mappe57d6608566c0b1.89088729"
    first, second = "journpost57d6608566c0b0.29878286", "journpost57d6608569ed33.70652483"
    doc1, doc2 = "dokumentb57d6608566c0b5.71024350", "dokumentb57d6608569ed34.43360733"
    assert _dates("arkade5_Small") == sorted(
        [
            ("error", "arkivperiodeSluttDato", arkivdel),
            ("error", "arkivertDato", first),
            ("error", "arkivertDato", second),
            ("error", "tilknyttetDato", doc1),  # attached before it was created
            ("error", "tilknyttetDato", doc1),  # attached after its registration was archived
            ("error", "tilknyttetDato", doc2),  # attached after its registration was archived
            ("error", "opprettetDato", first),  # created after its folder was closed
            ("error", "opprettetDato", second),
            ("error", "journaldato", second),  # journal date after its folder was closed
            ("warning", "journaldato", first),  # journal date before the case's saksdato
            ("warning", "journaldato", second),
            ("warning", "opprettetDato", folder),  # before the archival period began
            ("warning", "opprettetDato", first),
        ]
    )


def test_a_folder_is_held_against_the_arkivdel_it_lies_in_and_not_against_another() -> None:
    from tender.core.noark.store import Store

    with Store() as store:
        # two arkivdeler one after the other, each asked about when it ends: 2020 (closed at its end, its
        # start tag element numbered 10) and 2021 (its period starting then, numbered 1000)
        store.add_mappe(20, 15, "fine-2020", 21, "saksmappe", "2020-06-01T10:00:00", None, None, None)
        store.add_mappe(30, 15, "late-2020", 31, "saksmappe", "2021-03-01T10:00:00", None, None, None)
        assert [m[1] for m in store.mapper_against_arkivdel(10, "2021-01-01T08:00:00", None)] == ["late-2020"]
        store.add_mappe(1020, 1015, "fine-2021", 1021, "saksmappe", "2021-03-01T10:00:00", None, None, None)
        store.add_mappe(1030, 1015, "early-2021", 1031, "saksmappe", "2020-12-31T10:00:00", None, None, None)
        assert [m[1] for m in store.mapper_against_arkivdel(1000, None, "2021-01-01")] == ["early-2021"]
