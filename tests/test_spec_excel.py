"""The vendor's answer form as .xlsx: what it looks like, that it round-trips, and hostile uploads."""

from __future__ import annotations

import io
import shutil
import struct
import subprocess
import tracemalloc
import zipfile
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from tender.core.spec import (
    Kind,
    Problem,
    SpecError,
    SpecFileError,
    Specification,
    content_hash,
    move_requirement,
)
from tender.core.spec.form_layout import (
    ABOUT_SHEET,
    CHAPTERS_SHEET,
    CRITERIA_SHEET,
    HEADER_ROW,
    REQUIREMENTS_SHEET,
)
from tender.core.spec.samples import example_spec, generated_spec
from tender.core.spec.toml_format import load_spec_toml
from tender.core.spec.workbook_read import import_spec_workbook
from tender.reports.spec_excel import export_answer_form
from tender.web.spec_messages import message as spec_message

BASE_SPEC = Path(__file__).resolve().parents[1] / "requirements_specs" / "base-sak-arkiv.toml"
FIRST = HEADER_ROW + 1  # the row of the first requirement
COLUMN = {
    "id": "A",
    "chapter_id": "B",
    "number": "C",
    "text": "E",
    "kind": "F",
    "criterion": "G",
    "weight": "H",
    "answer_form": "I",
    "fulfilled": "N",
    "answer": "O",
    "description": "P",
}


def export(spec: Specification | None = None, **kwargs: str) -> bytes:
    spec = spec or example_spec()
    buffer = io.BytesIO()
    options = {
        "tender_title": "Grenland: felles sak-/arkivsystem",
        "version_label": "1.0",
        "content_hash": content_hash(spec),
    } | kwargs
    export_answer_form(spec, buffer, **options)
    return buffer.getvalue()


def edited(data: bytes, edit: Callable[[Any], None]) -> bytes:
    """The workbook after ``edit(workbook)``, as a lead editing it in Excel would save it."""
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    edit(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def import_problems(data: bytes, current: Specification | None = None) -> list[Problem]:
    with pytest.raises(SpecFileError) as error:
        import_spec_workbook(io.BytesIO(data), current or example_spec())
    return list(error.value.problems)


def requirement_row(sheet: Any, requirement_id: str) -> int:
    for row in range(FIRST, sheet.max_row + 1):
        if sheet[f"A{row}"].value == requirement_id:
            return row
    raise AssertionError(requirement_id)


# --------------------------------------------------------------------------- the form


@pytest.fixture(scope="module")
def workbook() -> Any:
    return openpyxl.load_workbook(io.BytesIO(export()))


def test_the_form_opens_in_openpyxl_with_its_four_sheets(workbook: Any) -> None:
    assert workbook.sheetnames == [REQUIREMENTS_SHEET, CHAPTERS_SHEET, CRITERIA_SHEET, ABOUT_SHEET]
    sheet = workbook[REQUIREMENTS_SHEET]
    assert sheet["A1"].value == "Grenland: felles sak-/arkivsystem"
    assert sheet["A3"].value == f"Versjon 1.0 · innholds-hash {content_hash(example_spec())}"
    assert [sheet[f"A{r}"].value for r in range(FIRST, FIRST + 5)] == [
        "R0001",
        "R0002",
        "R0003",
        "R0004",
        "R0005",
    ]
    assert sheet[f"D{FIRST + 2}"].value == "2 Saksbehandling og møter"
    assert sheet[f"E{FIRST}"].value.startswith("Løsningen skal være godkjent")


def test_the_header_is_frozen_and_repeated_on_every_printed_page(workbook: Any) -> None:
    sheet = workbook[REQUIREMENTS_SHEET]
    assert sheet.freeze_panes == f"D{FIRST}"
    assert sheet.print_title_rows == f"${HEADER_ROW}:${HEADER_ROW}"
    assert sheet[f"A{HEADER_ROW}"].value == "Krav-ID" and sheet[f"A{HEADER_ROW}"].font.bold


def test_the_form_prints_landscape_fitted_to_width_with_page_numbers(workbook: Any) -> None:
    sheet = workbook[REQUIREMENTS_SHEET]
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.page_setup.fitToWidth == 1
    assert sheet.page_setup.fitToHeight == 0
    assert sheet.oddFooter.right.text == "Side &P av &N"


def test_requirement_columns_are_locked_and_answer_columns_unlocked_on_a_protected_sheet(
    workbook: Any,
) -> None:
    sheet = workbook[REQUIREMENTS_SHEET]
    assert sheet.protection.sheet
    assert sheet[f"E{FIRST}"].protection.locked and sheet[f"A{FIRST}"].protection.locked
    assert not sheet[f"N{FIRST}"].protection.locked and not sheet[f"P{FIRST}"].protection.locked
    # a yes/no requirement has no free-text answer; a free-text one has no yes/no
    assert sheet[f"O{FIRST}"].protection.locked and not sheet[f"O{FIRST + 3}"].protection.locked
    assert sheet[f"N{FIRST + 3}"].protection.locked
    assert sheet[f"E{FIRST}"].alignment.wrap_text


def test_the_stable_id_column_is_marked_and_the_chapter_id_column_hidden(workbook: Any) -> None:
    sheet = workbook[REQUIREMENTS_SHEET]
    assert sheet[f"A{FIRST}"].fill.fgColor.rgb.endswith("D9D9D9")
    assert sheet.column_dimensions["B"].hidden
    assert sheet[f"B{FIRST}"].value == "K01"


def test_answer_columns_offer_yes_no_lists_that_match_each_answer_form(workbook: Any) -> None:
    sheet = workbook[REQUIREMENTS_SHEET]
    lists = {dv.formula1: str(dv.sqref) for dv in sheet.data_validations.dataValidation if dv.type == "list"}
    assert lists['"Ja,Nei"'] == f"N{FIRST}"
    assert lists['"Ja,Nei,Delvis"'] == f"N{FIRST + 1}"
    numbers = [str(dv.sqref) for dv in sheet.data_validations.dataValidation if dv.type == "decimal"]
    assert numbers == [f"O{FIRST + 4}"]


def test_a_large_form_compresses_its_validation_ranges() -> None:
    sheet = openpyxl.load_workbook(io.BytesIO(export(generated_spec(300))))[REQUIREMENTS_SHEET]
    ranges = {dv.formula1: str(dv.sqref) for dv in sheet.data_validations.dataValidation if dv.type == "list"}
    assert ranges['"Standardfunksjonalitet,Tilpasning,Tredjepartsprodukt"'] == f"R{FIRST}:R{FIRST + 299}"


def test_the_about_sheet_carries_the_version_and_the_full_hash(workbook: Any) -> None:
    about = {row[0]: row[1] for row in workbook[ABOUT_SHEET].iter_rows(values_only=True) if row[0]}
    assert about["Innholds-hash"] == content_hash(example_spec())
    assert about["Kravspesifikasjon"] == example_spec().title


def test_export_refuses_a_hash_that_is_not_the_specifications() -> None:
    with pytest.raises(SpecError) as error:
        export(content_hash="0" * 64)
    assert error.value.code == "hash_mismatch"


def test_export_refuses_an_invalid_specification() -> None:
    spec = example_spec()
    broken = replace(spec, requirements=spec.requirements + (replace(spec.requirements[0], number="9"),))
    with pytest.raises(SpecFileError) as error:
        export(broken)
    assert [p.code for p in error.value.problems] == ["duplicate_id"]


def test_export_refuses_a_text_longer_than_an_excel_cell_holds() -> None:
    spec = example_spec()
    spec = replace(spec, chapters=(replace(spec.chapters[0], description="x " * 20_000),) + spec.chapters[1:])
    with pytest.raises(SpecFileError) as error:
        export(spec)
    assert [(p.code, "K01" in spec_message(p)) for p in error.value.problems] == [("text_too_long", True)]


# --------------------------------------------------------------------------- LibreOffice


@pytest.mark.slow
def test_libreoffice_converts_the_form_to_pdf_and_back_to_xlsx_without_changes(tmp_path: Path) -> None:
    soffice = shutil.which("soffice")
    assert soffice, "LibreOffice (soffice) must be installed"
    source = tmp_path / "bilag1.xlsx"
    source.write_bytes(export())
    for target, out in (("pdf", tmp_path / "pdf"), ("xlsx", tmp_path / "xlsx")):
        result = subprocess.run(
            [
                soffice,
                "--headless",
                "--norestore",
                f"-env:UserInstallation=file://{tmp_path / 'profile'}",
                "--convert-to",
                target,
                "--outdir",
                str(out),
                str(source),
            ],
            capture_output=True,
            timeout=180,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        assert (out / f"bilag1.{target}").stat().st_size > 0
    text = subprocess.run(
        ["pdftotext", str(tmp_path / "pdf" / "bilag1.pdf"), "-"], capture_output=True, check=True
    ).stdout.decode()
    assert "R0001" in text and "møter" in text
    resaved = import_spec_workbook((tmp_path / "xlsx" / "bilag1.xlsx").read_bytes(), example_spec())
    assert not resaved.has_changes and resaved.warnings == ()


# --------------------------------------------------------------------------- round trip


@pytest.mark.parametrize(
    "spec",
    [example_spec(), generated_spec(120), load_spec_toml(BASE_SPEC.read_bytes())],
    ids=["example", "generated", "base-file"],
)
def test_an_untouched_form_reads_back_with_the_same_hash_and_no_changes(spec: Specification) -> None:
    result = import_spec_workbook(export(spec), spec)
    assert content_hash(result.spec) == content_hash(spec)
    assert not result.has_changes and result.warnings == ()
    assert result.base_hash == content_hash(spec)


def test_a_requirement_text_starting_with_an_equals_sign_stays_text() -> None:
    spec = example_spec()
    spec = replace(
        spec,
        requirements=(replace(spec.requirements[0], text="=SUM(A1:A9) er ikke en formel"),)
        + spec.requirements[1:],
    )
    sheet = openpyxl.load_workbook(io.BytesIO(export(spec)))[REQUIREMENTS_SHEET]
    assert sheet[f"E{FIRST}"].data_type == "s"
    assert (
        import_spec_workbook(export(spec), spec).spec.requirements[0].text == "=SUM(A1:A9) er ikke en formel"
    )


def test_edits_in_the_workbook_come_back_as_a_word_level_diff() -> None:
    def edit(workbook: Any) -> None:
        sheet = workbook[REQUIREMENTS_SHEET]
        sheet[f"E{FIRST}"] = sheet[f"E{FIRST}"].value.replace("godkjent etter", "sertifisert etter")
        sheet[f"H{FIRST + 1}"] = 7.5
        sheet[f"G{FIRST + 1}"] = "Brukervennlighet og læring"
        sheet[f"F{FIRST + 3}"] = "Minstekrav"
        workbook[CHAPTERS_SHEET]["C2"] = "Arkivstruktur"

    result = import_spec_workbook(edited(export(), edit), example_spec())
    changes = {c.id: {f.field: f for f in c.changes} for c in result.diff.changed}
    assert set(changes) == {"R0001", "R0002", "R0004"}
    assert ("insert", "sertifisert") in changes["R0001"]["text"].words
    assert ("delete", "godkjent") in changes["R0001"]["text"].words
    assert (changes["R0002"]["weight"].old, changes["R0002"]["weight"].new) == ("5", "7.5")
    assert changes["R0002"]["criterion"].new == "brukervennlighet"
    assert changes["R0004"]["kind"].new == "Minstekrav"
    assert [c.id for c in result.diff.chapters_changed] == ["K01"]
    assert result.spec.requirement("R0002").weight == Decimal("7.5")  # type: ignore[union-attr]


def test_reordered_and_deleted_rows_come_back_as_moves_and_removals() -> None:
    def edit(workbook: Any) -> None:
        sheet = workbook[REQUIREMENTS_SHEET]
        first = [c.value for c in sheet[FIRST]]
        second = [c.value for c in sheet[FIRST + 1]]
        for column, (a, b) in enumerate(zip(first, second, strict=False), start=1):
            sheet.cell(FIRST, column).value, sheet.cell(FIRST + 1, column).value = b, a
        sheet.delete_rows(FIRST + 3)

    result = import_spec_workbook(edited(export(), edit), example_spec())
    # swapping two neighbours is one move; the diff names the one that went up
    assert [(m.id, m.old_position, m.new_position) for m in result.diff.moved] == [("R0002", 2, 1)]
    assert [r.id for r in result.diff.removed] == ["R0004"]
    expected = move_requirement(example_spec(), "R0002", position=0)
    expected = replace(expected, requirements=tuple(r for r in expected.requirements if r.id != "R0004"))
    assert content_hash(result.spec) == content_hash(expected)


def test_a_form_filled_in_by_a_vendor_reads_back_without_changes() -> None:
    def answer(workbook: Any) -> None:
        sheet = workbook[REQUIREMENTS_SHEET]
        sheet[f"N{FIRST}"], sheet[f"N{FIRST + 1}"] = "Ja", "Delvis"
        sheet[f"O{FIRST + 3}"] = "Skjerming styres av tilgangskoder per journalpost."
        sheet[f"O{FIRST + 4}"] = 0.8
        sheet[f"P{FIRST}"] = "Godkjent 2023, se vedlegg 4."
        sheet[f"S{FIRST + 1}"] = "Ingen forbehold."

    assert not import_spec_workbook(edited(export(), answer), example_spec()).has_changes


def test_a_form_exported_from_another_version_warns_and_diffs_against_the_current_one() -> None:
    current = example_spec()
    older = replace(current, requirements=current.requirements[:-1])
    result = import_spec_workbook(export(older), current)
    assert [w.code for w in result.warnings] == ["other_base_version"]
    assert [r.id for r in result.diff.removed] == ["R0005"]


def test_weights_typed_as_norwegian_text_are_read() -> None:
    data = edited(export(), lambda wb: wb[REQUIREMENTS_SHEET].__setitem__(f"H{FIRST + 1}", "2,5"))
    assert import_spec_workbook(data, example_spec()).spec.requirement("R0002").weight == Decimal("2.5")  # type: ignore[union-attr]


# --------------------------------------------------------------------------- bad rows


def set_cell(sheet: str, cell: str, value: object) -> Callable[[Any], None]:
    def edit(workbook: Any) -> None:
        workbook[sheet][cell] = value

    return edit


def test_formulas_in_requirement_and_answer_cells_are_refused_by_row() -> None:
    def edit(workbook: Any) -> None:
        sheet = workbook[REQUIREMENTS_SHEET]
        sheet[f"E{FIRST + 1}"] = '=CONCATENATE("Løsningen ", "bør")'
        sheet[f"N{FIRST + 2}"] = '=IF(1,"Ja","Nei")'

    problems = import_problems(edited(export(), edit))
    assert [(p.code, p.sheet, p.row) for p in problems] == [
        ("formula", REQUIREMENTS_SHEET, FIRST + 1),
        ("formula", REQUIREMENTS_SHEET, FIRST + 2),
    ]
    assert f"E{FIRST + 1}" in spec_message(problems[0]) and f"N{FIRST + 2}" in spec_message(problems[1])


def test_a_missing_id_is_reported_by_row() -> None:
    [problem] = import_problems(edited(export(), set_cell(REQUIREMENTS_SHEET, f"A{FIRST + 2}", None)))
    assert (problem.code, problem.row) == ("missing_id", FIRST + 2)


def test_a_changed_id_is_reported_by_row() -> None:
    [problem] = import_problems(edited(export(), set_cell(REQUIREMENTS_SHEET, f"A{FIRST + 1}", "R0099")))
    assert (problem.code, problem.row, problem.item_id) == ("unknown_id", FIRST + 1, "R0099")
    assert "R0099" in spec_message(problem)


def test_an_id_used_on_two_rows_is_reported_on_the_second() -> None:
    [problem] = import_problems(edited(export(), set_cell(REQUIREMENTS_SHEET, f"A{FIRST + 1}", "R0001")))
    assert (problem.code, problem.row) == ("duplicate_id", FIRST + 1)


def test_unknown_columns_and_missing_columns_are_reported() -> None:
    problems = import_problems(edited(export(), set_cell(REQUIREMENTS_SHEET, f"T{HEADER_ROW}", "Kommentar")))
    assert [(p.code, p.row) for p in problems] == [("unknown_column", HEADER_ROW)]
    assert "«Kommentar» i kolonne T" in spec_message(problems[0])
    problems = import_problems(edited(export(), set_cell(REQUIREMENTS_SHEET, f"H{HEADER_ROW}", None)))
    assert [p.code for p in problems] == ["missing_columns"] and "«Vekt»" in spec_message(problems[0])


def test_unknown_kind_weight_and_criterion_values_are_reported_by_row() -> None:
    def edit(workbook: Any) -> None:
        sheet = workbook[REQUIREMENTS_SHEET]
        sheet[f"F{FIRST}"] = "Skal-krav"
        sheet[f"H{FIRST + 1}"] = "fem"
        sheet[f"G{FIRST + 2}"] = "Pris"

    problems = import_problems(edited(export(), edit))
    assert [(p.code, p.row) for p in problems] == [
        ("unknown_kind", FIRST),
        ("weight_not_a_number", FIRST + 1),
        ("unknown_criterion", FIRST + 2),
    ]


def test_business_rules_broken_in_the_workbook_are_reported_by_row() -> None:
    def edit(workbook: Any) -> None:
        workbook[REQUIREMENTS_SHEET][f"H{FIRST}"] = 3  # a weight on a minimum requirement
        workbook[REQUIREMENTS_SHEET][f"B{FIRST + 4}"] = "K77"

    problems = import_problems(edited(export(), edit))
    assert [(p.code, p.row) for p in problems] == [
        ("weight_not_allowed", FIRST),
        ("unknown_chapter", FIRST + 4),
    ]


def test_a_workbook_that_is_not_our_form_is_refused() -> None:
    plain = openpyxl.Workbook()
    plain.active.append(["Krav-ID", "Krav"])
    buffer = io.BytesIO()
    plain.save(buffer)
    problems = import_problems(buffer.getvalue())
    assert {p.code for p in problems} == {"missing_sheet"}
    problems = import_problems(edited(export(), set_cell(ABOUT_SHEET, "B5", "noe annet")))
    assert [p.code for p in problems] == ["not_our_form"]


# --------------------------------------------------------------------------- hostile files


def ole_file(streams: list[str]) -> bytes:
    """A minimal OLE compound file (what Office writes for encrypted .xlsx and for old .xls)."""
    header = bytearray(512)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into(
        "<HHHH", header, 24, 0x3E, 3, 0xFFFE, 9
    )  # minor, major version, byte order, sector shift
    struct.pack_into("<I", header, 48, 1)  # first directory sector
    directory = bytearray()
    for name in ["Root Entry", *streams]:
        entry = bytearray(128)
        encoded = name.encode("utf-16-le") + b"\0\0"
        entry[0 : len(encoded)] = encoded
        struct.pack_into("<H", entry, 64, len(encoded))
        entry[66] = 5 if name == "Root Entry" else 2
        directory += entry
    fat = struct.pack("<II", 0xFFFFFFFD, 0xFFFFFFFE) + b"\xff" * 504
    return bytes(header) + fat + bytes(directory).ljust(512, b"\0")


def zip_of(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "data, code, words",
    [
        (b"Krav-ID;Krav\nR0001;Noe\n", "not_a_zip", "CSV"),
        (b"%PDF-1.7\n", "not_a_zip", "PDF"),
        (zip_of({"notater.txt": b"hei"}), "not_a_workbook", "ZIP-fil"),
        (
            zip_of({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>"}),
            "not_a_workbook",
            "Word",
        ),
        (zip_of({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"}), "not_a_workbook", ".ods"),
        (ole_file(["EncryptionInfo", "EncryptedPackage"]), "encrypted_workbook", "passordbeskyttet"),
        (ole_file(["Workbook"]), "legacy_xls", ".xls"),
        (b"", "empty_file", "tom"),
    ],
    ids=["csv", "pdf", "zip-of-text", "docx", "ods", "encrypted", "xls", "empty"],
)
def test_a_file_that_is_not_a_usable_xlsx_gets_one_clear_error(data: bytes, code: str, words: str) -> None:
    [problem] = import_problems(data)
    assert problem.code == code
    assert words in spec_message(problem)


def test_a_truncated_workbook_is_refused_as_damaged() -> None:
    data = export()
    [problem] = import_problems(data[: len(data) // 2])
    assert problem.code == "corrupt_zip" and "skadet" in spec_message(problem)


def test_a_workbook_whose_parts_are_garbage_is_refused_as_unreadable() -> None:
    data = zip_of({"[Content_Types].xml": b"<Types", "xl/workbook.xml": b"not xml at all"})
    [problem] = import_problems(data)
    assert problem.code == "unreadable_workbook"


def test_a_zip_bomb_is_refused_before_it_is_unpacked() -> None:
    with zipfile.ZipFile(io.BytesIO(export())) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    files["xl/media/padding.bin"] = bytes(60 * 1024 * 1024)
    [problem] = import_problems(zip_of(files))
    assert problem.code == "workbook_too_large"


def huge_sheet_workbook(rows: int) -> bytes:
    """Our form with the requirement sheet replaced by ``rows`` rows (inline strings, as Excel may write)."""
    with zipfile.ZipFile(io.BytesIO(export())) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    body = "".join(
        f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>R{r:06d}</t></is></c>'
        f'<c r="E{r}" t="inlineStr"><is><t>Løsningen skal kunne gjøre ting nr. {r}</t></is></c></row>'
        for r in range(1, rows + 1)
    )
    files["xl/worksheets/sheet1.xml"] = (
        '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
        f'2006/main"><sheetData>{body}</sheetData></worksheet>'
    ).encode()
    return zip_of(files)


@pytest.mark.parametrize("rows", [100_000, 250_000])
def test_a_100000_row_sheet_is_refused_while_reading_in_bounded_memory(rows: int) -> None:
    data = huge_sheet_workbook(rows)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        unpacked = archive.getinfo("xl/worksheets/sheet1.xml").file_size
    tracemalloc.start()
    try:
        [problem] = import_problems(data)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert problem.code == "too_many_rows" and problem.values["max_rows"] == 10000
    assert "10\u00a0000 rader" in spec_message(problem)  # the limit worded as Norwegians write numbers
    # the sheet unpacks to 16 or 40 MB of XML; the peak stays the same small amount for both
    assert unpacked > 15 * 1024 * 1024
    assert peak < 2 * 1024 * 1024, peak


def test_a_sheet_just_over_the_row_limit_is_refused_by_counting_rows_with_content() -> None:
    [problem] = import_problems(huge_sheet_workbook(10_050))
    assert problem.code == "too_many_rows" and spec_message(problem).startswith("Arket «Kravspesifikasjon»")


def test_the_row_limit_counts_only_rows_with_content() -> None:
    data = edited(export(), set_cell(REQUIREMENTS_SHEET, "S5000", None))
    assert not import_spec_workbook(data, example_spec(), max_rows=20).has_changes
    with pytest.raises(SpecFileError) as error:
        import_spec_workbook(export(generated_spec(30)), generated_spec(30), max_rows=20)
    assert [p.code for p in error.value.problems] == ["too_many_rows"]


def test_an_upload_larger_than_the_file_limit_is_refused_without_reading_it_all() -> None:
    class Endless(io.RawIOBase):
        def readable(self) -> bool:
            return True

        def readinto(self, buffer: Any) -> int:
            buffer[:] = b"\0" * len(buffer)
            return len(buffer)

    [problem] = import_problems(io.BufferedReader(Endless()).read(21 * 1024 * 1024))
    assert problem.code == "file_too_large"


def test_a_bad_upload_leaves_nothing_to_accept() -> None:
    with pytest.raises(SpecFileError):
        import_spec_workbook(b"not a workbook", example_spec())
    # and a good one after it is read as usual: nothing is cached from the failure
    assert not import_spec_workbook(export(), example_spec()).has_changes


def test_kinds_keep_their_labels_in_the_form() -> None:
    sheet = openpyxl.load_workbook(io.BytesIO(export()))[REQUIREMENTS_SHEET]
    assert [sheet[f"F{r}"].value for r in range(FIRST, FIRST + 5)] == [
        Kind.MINSTEKRAV.label,
        Kind.EVALUERINGSKRAV.label,
        Kind.EVALUERINGSKRAV.label,
        Kind.INFORMASJON.label,
        Kind.MINSTEKRAV.label,
    ]
