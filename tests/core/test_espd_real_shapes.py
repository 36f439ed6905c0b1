"""Shapes met in real, published ESPD responses (see docs/espd.md, "Checked against real responses"), on
fixtures of our own in those shapes."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from tender.core.espd import Answer, read_response
from tender.web import espd_messages

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "espd"


def worded(kind: str, **values: Any) -> str:
    return espd_messages.answer_value(Answer("q", "År", kind, **values))  # type: ignore[arg-type]


def test_a_calendar_year_given_as_a_quantity_in_years_is_written_as_a_year() -> None:
    # v1 (cbc:Quantity unitCode="YEAR") and 4.x (cbc:ResponseQuantity unitCode="YEAR") answer "Year" so
    assert worded("quantity", quantity=Decimal("2025"), unit="YEAR") == "2025 (YEAR)"
    assert worded("quantity", quantity=Decimal("2.5"), unit="YEAR") == "2,5 (YEAR)"


def test_a_count_given_in_integers_is_written_as_the_number_alone() -> None:
    # 4.x writes staff numbers as cbc:ResponseQuantity unitCode="INTEGER"
    assert worded("quantity", quantity=Decimal("42"), unit="INTEGER") == "42"


def test_the_turnover_year_of_a_v1_response_reads_as_that_year() -> None:
    response = read_response((FIXTURES / "espd-response-v1-foreign-operator.xml").read_bytes())
    year = response.criteria[1].answers[0]
    assert espd_messages.answer_value(year) == "2025 (YEAR)"
