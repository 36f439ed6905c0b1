"""Every code the ESPD reader can raise has a Norwegian wording, and the categories and answers read as
Norwegian with Norwegian numbers."""

from __future__ import annotations

import ast
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, get_args

from tender.core.espd import CATEGORIES, Answer, AnswerKind, EspdError, Evidence
from tender.core.espd.model import MatchStatus
from tender.web import espd_messages
from tests.test_telltale_words import findings

ESPD_CORE = Path(__file__).resolve().parent.parent / "tender" / "core" / "espd"

#: one example of every code's values, as the reader gives them; a new code needs one here too
SAMPLES: dict[str, dict[str, Any]] = {
    "empty": {},
    "too_large": {"size": 12 * 1024 * 1024, "limit": 10 * 1024 * 1024},
    "doctype_forbidden": {},
    "not_xml": {"detail": "Opening and ending tag mismatch: a line 3 and b"},
    "too_deep": {"limit": 100},
    "too_many_elements": {"limit": 500_000},
    "espd_request": {"root": "QualificationApplicationRequest"},
    "not_espd_response": {
        "root": "Invoice",
        "namespace": "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
    },
    "unsupported_version": {"version": "9.0"},
    "other_procurement": {"found": "2025/99", "expected": "2026/1234"},
    "procurement_reference_missing": {"expected": "2026/1234"},
}


def _codes_raised_in_the_core() -> set[str]:
    """Every code literal the ESPD core puts in an EspdError."""
    codes: set[str] = set()
    for path in ESPD_CORE.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", None) == "EspdError"
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                codes.add(node.args[0].value)
    return codes


def test_every_code_the_espd_reader_raises_has_a_norwegian_wording_and_a_sample() -> None:
    raised = _codes_raised_in_the_core()
    assert {"not_xml", "not_espd_response", "unsupported_version", "too_large", "doctype_forbidden"} <= raised
    assert {"other_procurement", "espd_request"} <= raised
    assert raised == set(espd_messages.NORWEGIAN), raised ^ set(espd_messages.NORWEGIAN)
    assert set(SAMPLES) == raised, set(SAMPLES) ^ raised


def test_every_wording_reads_as_norwegian_and_names_its_values() -> None:
    for code, values in SAMPLES.items():
        worded = espd_messages.message(EspdError(code, values))
        assert worded and worded.endswith(".") and findings(worded) == [], (code, worded)
        assert code not in worded
    assert espd_messages.message(EspdError("not_xml", SAMPLES["not_xml"], line=12)) == (
        "Filen er ikke gyldig XML (linje 12)."
    )
    assert espd_messages.message(EspdError("other_procurement", SAMPLES["other_procurement"])) == (
        "Filen er et ESPD-svar for en annen anskaffelse (2025/99), ikke for denne (2026/1234)."
    )
    assert "versjon 9.0" in espd_messages.message(EspdError("unsupported_version", {"version": "9.0"}))
    assert espd_messages.message(EspdError("unsupported_version", {"version": None})).startswith(
        "Filen sier ikke hvilken versjon"
    )
    assert "12\u00a0MB" in espd_messages.message(EspdError("too_large", SAMPLES["too_large"]))
    assert "500\u00a0000" in espd_messages.message(EspdError("too_many_elements", SAMPLES["too_many_elements"]))
    assert "forespørsel" in espd_messages.message(EspdError("espd_request", SAMPLES["espd_request"]))
    assert "«Invoice»" in espd_messages.message(EspdError("not_espd_response", SAMPLES["not_espd_response"]))


def test_a_code_without_wording_still_reads_as_norwegian() -> None:
    assert (
        espd_messages.message(EspdError("something_new"))
        == "Filen kan ikke leses som et ESPD-svar (something_new)."
    )


def test_the_categories_have_their_norwegian_names() -> None:
    assert [espd_messages.category_name(c) for c in CATEGORIES] == [
        "Utelukkelsesgrunner",
        "Egnethet",
        "Økonomisk og finansiell kapasitet",
        "Teknisk og faglig kvalifikasjon",
        "Andre",
    ]
    assert espd_messages.category_name("ukjent") == "Andre"


def test_answers_are_worded_with_norwegian_numbers_dates_and_yes_no() -> None:
    def worded(kind: str, **values: Any) -> str:
        return espd_messages.answer_value(Answer("q", "Spørsmål", kind, **values))  # type: ignore[arg-type]

    assert worded("indicator", indicator=True) == "Ja"
    assert worded("indicator", indicator=False) == "Nei"
    assert worded("amount", amount=Decimal("48500000.5"), currency="NOK") == "48\u00a0500\u00a0000,50\u00a0kr"
    assert "1\u00a0250,00" in worded("amount", amount=Decimal("1250"), currency="EUR")
    assert worded("amount", amount=Decimal("10"), currency="QQQ").startswith("10")
    assert worded("percentage", quantity=Decimal("12.5")) == "12,5\u00a0%"
    assert worded("quantity", quantity=Decimal("450"), unit="NUMBER") == "450"
    assert worded("quantity", quantity=Decimal("3"), unit="YEAR") == "3 (YEAR)"
    assert worded("date", date=date(2024, 9, 1)) == "1. september 2024"
    assert (
        worded("period", start=date(2024, 1, 1), end=date(2024, 12, 31)) == "1. januar 2024–31. desember 2024"
    )
    assert worded("code", code="IKA-KO") == "IKA-KO"
    assert worded("identifier", text="IKA-2025-0042", code="IKA Kongsberg") == "IKA-2025-0042 (IKA Kongsberg)"
    assert worded("description", text="Bamble kommune") == "Bamble kommune"
    evidence = Evidence("SA-1", "https://www.skatteetaten.no/attest/SA-1", "Skatteetaten", "Skatteattest")
    assert worded("evidence", evidence=evidence) == (
        "Skatteattest – SA-1 – https://www.skatteetaten.no/attest/SA-1, utstedt av Skatteetaten"
    )


def test_every_kind_of_answer_and_every_line_up_status_has_a_norwegian_name() -> None:
    assert set(espd_messages.KIND_NAMES) == set(get_args(AnswerKind))
    assert set(espd_messages.STATUS_NAMES) == set(get_args(MatchStatus))
