"""The answer form's layout, shared by the writer in reports and the readers in the core."""

from __future__ import annotations

from openpyxl.utils import get_column_letter

from tender.core.spec.form_layout import REQUIREMENT_COLUMNS, column_letter


def test_column_letters_are_the_ones_excel_shows_for_every_column_a_sheet_can_have() -> None:
    # the readers name cells in problems ("Celle C7 …") as the writer's openpyxl lays them out
    assert [column_letter(i) for i in range(1, 16_385)] == [get_column_letter(i) for i in range(1, 16_385)]


def test_every_requirement_column_has_a_header_of_its_own() -> None:
    headers = [c.header.casefold() for c in REQUIREMENT_COLUMNS]
    assert len(set(headers)) == len(headers)
