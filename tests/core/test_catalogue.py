"""Arkivverket's Noark 5 requirement table: reading it safely, and turning ticks into requirements."""

from __future__ import annotations

import io
from collections import Counter
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tender.core.catalogue import (
    CatalogueError,
    ObligationType,
    load_catalogue,
    requirements_from_catalogue,
)
from tender.core.spec import Kind, Problem, Specification, validate_spec
from tender.core.spec.samples import example_spec
from tender.web.spec_messages import message as spec_message

KRAV_TSV = Path(__file__).resolve().parents[2] / ".." / "shared" / "noark5" / "krav.tsv"

HEADER = "Krav nr.\tKravgruppe\tBeskrivelse\tType\tMerknad\n"
SMALL = (
    HEADER + "2.6.1\tKrav til å opprette arkivdeler\tDet skal være mulig å opprette flere arkivdeler.\tB\t"
    "Gjelder særlig møtebøker.\n"
    + "2.6.2\tKrav til å opprette arkivdeler\tEn arkivdel skal ha én status.\tO\t\n"
    + "3.1.1\tKrav til gjenfinning\tDet bør kunne søkes på tvers av arkivdeler.\tV\t\n"
)


def catalogue_errors(data: bytes) -> list[Problem]:
    with pytest.raises(CatalogueError) as error:
        load_catalogue(data)
    return list(error.value.problems)


def xlsx(rows: list[list[object]]) -> bytes:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --------------------------------------------------------------------------- the real table


def test_the_real_catalogue_has_384_rows_in_74_groups_in_source_order() -> None:
    catalogue = load_catalogue(KRAV_TSV.read_bytes())
    assert catalogue.encoding == "utf-8"
    assert len(catalogue.entries) == 384
    assert len(catalogue.groups) == 74
    assert catalogue.groups[0].name == "Overordnede krav til arkivstrukturen"
    assert [e.number for e in catalogue.groups[0].entries] == ["2.1.1", "2.1.2", "2.1.3", "2.1.4"]
    assert [e.row for e in catalogue.entries][:3] == [2, 3, 4]


def test_the_real_catalogue_counts_110_obligatory_150_conditional_and_124_optional() -> None:
    counts = Counter(e.type for e in load_catalogue(KRAV_TSV.read_bytes()).entries)
    assert counts == {ObligationType.O: 110, ObligationType.B: 150, ObligationType.V: 124}


def test_a_group_that_reappears_further_down_the_real_table_stays_one_group() -> None:
    catalogue = load_catalogue(KRAV_TSV.read_bytes())
    [group] = [g for g in catalogue.groups if g.name == "Krav til konvertering til arkivformat"]
    assert [e.number for e in group.entries] == ["2.7.9", "2.7.10", "2.7.11", "2.7.12", "2.7.13", "2.7.26"]


def test_the_current_copy_of_the_real_table_has_no_repeated_or_malformed_numbers() -> None:
    # the README warns that some numbers repeat or are malformed in the source; this copy has neither
    # (only gaps such as 3.2.34), so the problem list must be empty rather than invented
    catalogue = load_catalogue(KRAV_TSV.read_bytes())
    assert catalogue.problems == ()
    assert len({e.key for e in catalogue.entries}) == 384


def test_the_real_table_keeps_its_norwegian_letters() -> None:
    entry = load_catalogue(KRAV_TSV.read_bytes()).entry("2.1.1")
    assert entry is not None and "løsning" in entry.description and entry.type is ObligationType.O


# --------------------------------------------------------------------------- row problems


def test_a_repeated_number_is_reported_on_both_rows_and_both_rows_are_kept() -> None:
    data = (SMALL + "2.6.1\tKrav til gjenfinning\tEt annet krav med samme nummer.\tO\t\n").encode()
    catalogue = load_catalogue(data)
    duplicates = [p for p in catalogue.problems if p.code == "duplicate_number"]
    assert [(p.row, p.item_id) for p in duplicates] == [(2, "2.6.1"), (5, "2.6.1")]
    assert "rad 5" in spec_message(duplicates[0]) and "rad 2" in spec_message(duplicates[1])
    assert [e.key for e in catalogue.entries] == ["2.6.1@2", "2.6.2", "3.1.1", "2.6.1@5"]


def test_malformed_numbers_and_unknown_types_are_reported_by_row() -> None:
    data = (
        SMALL
        + "2.6\tKrav til gjenfinning\tKort nummer.\tO\t\n3.1.2a\tKrav til gjenfinning\tBokstav.\tX\t\n"
        + "\tKrav til gjenfinning\tUten nummer.\tO\t\n"
    ).encode()
    catalogue = load_catalogue(data)
    assert [(p.code, p.row) for p in catalogue.problems] == [
        ("malformed_number", 5),
        ("malformed_number", 6),
        ("unknown_type", 6),
        ("missing_number", 7),
    ]
    assert catalogue.entry("3.1.2a") is not None and catalogue.entry("3.1.2a").type is None  # type: ignore[union-attr]
    assert len(catalogue.entries) == 5


def test_missing_columns_are_named() -> None:
    [problem] = catalogue_errors(b"Krav nr.\tKravgruppe\tTekst\n2.1.1\tA\tB\n")
    assert problem.code == "missing_columns" and problem.row == 1
    assert "«Beskrivelse» og «Type» mangler" in spec_message(problem)
    assert "Fant: «Krav nr.», «Kravgruppe», «Tekst»" in spec_message(problem)


def test_header_spelling_and_blank_rows_are_tolerated() -> None:
    data = b"\n kravnr \tKRAVGRUPPE\tBeskrivelse.\ttype\n\n2.1.1\tA\tB\to\n"
    catalogue = load_catalogue(data)
    assert [(e.number, e.type, e.row, e.remark) for e in catalogue.entries] == [
        ("2.1.1", ObligationType.O, 4, "")
    ]


def test_a_semicolon_separated_file_with_quoted_line_breaks_is_read() -> None:
    data = (
        'Krav nr.;Kravgruppe;Beskrivelse;Type;Merknad\n2.1.1;Gruppe;"Første linje;\nandre linje";B;\n'
        "2.1.2;Gruppe;x;O;\n"
    )
    catalogue = load_catalogue(data.encode())
    assert catalogue.entries[0].description == "Første linje;\nandre linje"
    assert catalogue.entries[1].row == 4


def test_a_text_file_with_more_rows_than_any_catalogue_is_refused() -> None:
    rows = "".join(f"9.9.{n}\tGruppe\tTekst\tO\t\n" for n in range(10_001))
    [problem] = catalogue_errors((HEADER + rows).encode())
    assert problem.code == "too_many_rows" and problem.row == 10_002


# --------------------------------------------------------------------------- encodings


def test_a_windows_1252_file_is_read_with_its_aeoeaa_and_the_encoding_is_reported() -> None:
    catalogue = load_catalogue(SMALL.encode("cp1252"))
    assert catalogue.encoding == "cp1252"
    assert catalogue.groups[0].name == "Krav til å opprette arkivdeler"
    assert catalogue.entries[1].description == "En arkivdel skal ha én status."


def test_utf8_with_and_without_bom_and_utf16_give_the_same_catalogue() -> None:
    plain = load_catalogue(SMALL.encode("utf-8"))
    with_bom = load_catalogue(SMALL.encode("utf-8-sig"))
    utf16 = load_catalogue(SMALL.encode("utf-16"))
    assert (plain.encoding, with_bom.encoding, utf16.encoding) == ("utf-8", "utf-8-sig", "utf-16")
    assert plain.groups == with_bom.groups == utf16.groups


def test_utf8_that_was_garbled_through_windows_1252_is_refused_not_imported() -> None:
    garbled = SMALL.encode("utf-8").decode("cp1252").encode("utf-8")
    [problem] = catalogue_errors(garbled)
    assert problem.code == "mojibake" and problem.row == 2
    assert "Ã¥" in spec_message(problem)


def test_a_nordic_dos_file_whose_letters_would_come_out_as_punctuation_is_refused() -> None:
    [problem] = catalogue_errors(SMALL.encode("cp865"))
    assert problem.code == "wrong_codepage" and problem.row == 2


def test_bytes_that_are_neither_utf8_nor_windows_1252_are_refused() -> None:
    [problem] = catalogue_errors(HEADER.encode() + b"2.1.1\tGruppe \x81\x8d\tx\tO\t\n")
    assert problem.code == "unknown_encoding" and problem.row == 2


def test_a_file_already_holding_replacement_characters_is_refused() -> None:
    [problem] = catalogue_errors(SMALL.replace("å", "\ufffd").encode())
    assert problem.code == "replacement_character"


# --------------------------------------------------------------------------- xlsx


def test_an_xlsx_catalogue_reads_like_the_tsv() -> None:
    rows = [line.split("\t") for line in SMALL.splitlines()]
    catalogue = load_catalogue(xlsx(rows))  # type: ignore[arg-type]
    assert catalogue.encoding == "xlsx"
    assert catalogue.groups == load_catalogue(SMALL.encode()).groups


def test_an_xlsx_number_typed_as_a_number_is_reported() -> None:
    catalogue = load_catalogue(
        xlsx([["Krav nr.", "Kravgruppe", "Beskrivelse", "Type"], [2.1, "G", "x", "O"]])
    )
    assert [(p.code, p.row) for p in catalogue.problems] == [
        ("malformed_number", 2),
        ("number_stored_as_number", 2),
    ]


def test_an_xlsx_that_is_not_a_workbook_is_refused_clearly() -> None:
    [problem] = catalogue_errors(b"PK\x03\x04 not really a zip")
    assert problem.code == "corrupt_zip"


def test_an_xlsx_with_missing_columns_names_them() -> None:
    [problem] = catalogue_errors(xlsx([["Krav nr.", "Kravgruppe", "Beskrivelse"], ["2.1.1", "G", "x"]]))
    assert problem.code == "missing_columns" and "«Type»" in spec_message(problem)


# --------------------------------------------------------------------------- ticks to requirements


def test_ticked_entries_become_requirements_with_fresh_ids_and_source_references() -> None:
    catalogue = load_catalogue(SMALL.encode())
    spec = example_spec()
    new = requirements_from_catalogue(
        catalogue,
        {"3.1.1": Kind.EVALUERINGSKRAV, "2.6.1": Kind.MINSTEKRAV},
        spec=spec,
        chapter_for_group={"Krav til å opprette arkivdeler": "K01", "Krav til gjenfinning": "K02"},
        used_ids=["R0006", "R0007"],  # deleted earlier: never handed out again
        criterion="arkiv",
        weight=Decimal(3),
    )
    assert [(r.id, r.number, r.chapter, r.kind, r.source) for r in new] == [
        ("R0008", "1.3", "K01", Kind.MINSTEKRAV, "Noark 5 v5.0 krav 2.6.1, B"),
        ("R0009", "2.3", "K02", Kind.EVALUERINGSKRAV, "Noark 5 v5.0 krav 3.1.1, V"),
    ]
    assert new[1].criterion == "arkiv" and new[1].weight == Decimal(3) and new[0].weight is None
    assert (
        validate_spec(Specification(spec.title, spec.criteria, spec.chapters, spec.requirements + new)) == []
    )


def test_a_repeated_number_is_selected_by_its_row_qualified_key() -> None:
    data = (SMALL + "2.6.1\tKrav til gjenfinning\tEt annet krav med samme nummer.\tO\t\n").encode()
    [requirement] = requirements_from_catalogue(
        load_catalogue(data), {"2.6.1@5": Kind.INFORMASJON}, spec=example_spec(), chapter_for_group="K03"
    )
    assert requirement.text == "Et annet krav med samme nummer." and requirement.number == "3.2"


def test_selections_that_cannot_be_honoured_are_all_reported() -> None:
    with pytest.raises(CatalogueError) as error:
        requirements_from_catalogue(
            load_catalogue(SMALL.encode()),
            {"9.9.9": Kind.MINSTEKRAV, "2.6.1": Kind.EVALUERINGSKRAV, "3.1.1": Kind.MINSTEKRAV},
            spec=example_spec(),
            chapter_for_group={"Krav til gjenfinning": "K99"},
        )
    assert [p.code for p in error.value.problems] == [
        "unknown_selection",
        "unmapped_group",
        "unknown_chapter",
        "missing_criterion",
    ]


@settings(max_examples=200, deadline=None)
@given(body=st.binary(max_size=300), with_header=st.booleans())
def test_any_bytes_give_a_catalogue_or_a_catalogue_error_never_a_traceback(
    body: bytes, with_header: bool
) -> None:
    data = (HEADER.encode() if with_header else b"") + body
    try:
        catalogue = load_catalogue(data)
    except CatalogueError as error:
        assert error.problems and all(spec_message(p) for p in error.problems)
    else:
        assert all(e.number for e in catalogue.entries)
