"""The ESPD reader's codes in Norwegian bokmål: why a file was refused, the criteria categories, the answers.

The reader (``tender.core.espd``) raises ``EspdError(code, values, line)`` and gives categories and answer
kinds as codes; this is the one place they become words, for pages and for ``tender espd read``. Numbers,
amounts and dates go through ``tender.formatting``. tests/test_espd_messages.py fails for a code the reader
can raise without a wording here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from tender.core.espd import Answer, Category, EspdError
from tender.formatting import (
    format_date,
    format_decimal,
    format_file_size,
    format_money,
    format_percent_points,
)

__all__ = [
    "CATEGORY_NAMES",
    "KIND_NAMES",
    "NORWEGIAN",
    "STATUS_NAMES",
    "answer_value",
    "category_name",
    "message",
]

Wording = Callable[[Mapping[str, Any]], str]


def _version(v: Mapping[str, Any]) -> str:
    version = v.get("version")
    if not version:
        return (
            "Filen sier ikke hvilken versjon av ESPD-datamodellen den følger. Vi leser ESPD-svar i versjon 1 "
            "og versjon 2, 3 og 4 (ESPD-EDM)."
        )
    return (
        f"Filen er et ESPD-svar i versjon {version} av datamodellen, som vi ikke kan lese. "
        "Vi leser versjon 1 og versjon 2, 3 og 4 (ESPD-EDM). Lag svaret på nytt i en av disse versjonene."
    )


def _not_espd(v: Mapping[str, Any]) -> str:
    root = v.get("root") or "ukjent"
    return (
        f"Filen er XML, men ikke et ESPD-svar: rotelementet er «{root}», "
        "ikke «QualificationApplicationResponse» eller «ESPDResponse»."
    )


NORWEGIAN: dict[str, Wording] = {
    "empty": lambda v: "Filen er tom.",
    "too_large": lambda v: (
        f"Filen er for stor ({format_file_size(v['size'])}). Et ESPD-svar kan være på høyst "
        f"{format_file_size(v['limit'])}."
    ),
    "doctype_forbidden": lambda v: (
        "Filen har en dokumenttypedeklarasjon (DOCTYPE/ENTITY). Det bruker ikke ESPD-svar, og av "
        "sikkerhetshensyn leser vi ikke slike filer."
    ),
    "not_xml": lambda v: "Filen er ikke gyldig XML.",
    "too_deep": lambda v: (
        f"Filen har elementer nøstet i mer enn {v['limit']} nivåer. Så dypt går ikke et ESPD-svar, og vi "
        "leser den ikke."
    ),
    "too_many_elements": lambda v: (
        f"Filen har mer enn {format_decimal(v['limit'], 0)} elementer. Så mange har ikke et ESPD-svar, og vi "
        "leser den ikke."
    ),
    "espd_request": lambda v: (
        f"Filen er en ESPD-forespørsel («{v.get('root')}») fra oppdragsgiveren, ikke et ESPD-svar. Last opp "
        "svaret dere har fylt ut."
    ),
    "not_espd_response": _not_espd,
    "unsupported_version": _version,
    "other_procurement": lambda v: (
        f"Filen er et ESPD-svar for en annen anskaffelse ({v['found']}), ikke for denne ({v['expected']})."
    ),
    "procurement_reference_missing": lambda v: (
        f"ESPD-svaret oppgir ikke hvilken anskaffelse det gjelder. Det må vise til denne ({v['expected']})."
    ),
}


def message(error: EspdError) -> str:
    """The Norwegian wording of ``error``, with the line in the file where the reader knows it."""
    wording = NORWEGIAN.get(error.code)
    text = wording(error.values) if wording else f"Filen kan ikke leses som et ESPD-svar ({error.code})."
    if error.line is not None:
        text = f"{text[:-1]} (linje {error.line})." if text.endswith(".") else f"{text} (linje {error.line})"
    return text


CATEGORY_NAMES: dict[str, str] = {
    "exclusion": "Utelukkelsesgrunner",
    "suitability": "Egnethet",
    "economic_financial_standing": "Økonomisk og finansiell kapasitet",
    "technical_professional_ability": "Teknisk og faglig kvalifikasjon",
    "other": "Andre",
}


def category_name(category: Category | str) -> str:
    return CATEGORY_NAMES.get(category, CATEGORY_NAMES["other"])


KIND_NAMES: dict[str, str] = {
    "indicator": "Ja/nei",
    "amount": "Beløp",
    "quantity": "Antall",
    "percentage": "Prosent",
    "date": "Dato",
    "time": "Klokkeslett",
    "period": "Periode",
    "description": "Beskrivelse",
    "code": "Kode",
    "identifier": "Identifikator",
    "url": "Nettadresse",
    "evidence": "Dokumentasjon",
}

STATUS_NAMES: dict[str, str] = {
    "answered": "Besvart",
    "missing": "Mangler",
    "not_espd": "Ikke i ESPD",
}


def _money(amount: Any, currency: str | None) -> str:
    try:
        return format_money(amount, currency or "NOK")
    except (ValueError, KeyError, TypeError):  # a currency code Babel does not know
        return f"{format_decimal(amount, 2)} {currency}"


def answer_value(answer: Answer) -> str:
    """The answer's value as a Norwegian reader expects it: «Ja», «48 500 000,00 kr», «1. januar 2024–…»."""
    kind = answer.kind
    if kind == "indicator":
        return "Ja" if answer.indicator else "Nei"
    if kind == "amount":
        return _money(answer.amount, answer.currency)
    if kind == "percentage":
        return format_percent_points(answer.quantity, 2)
    if kind == "quantity":
        unit = f" ({answer.unit})" if answer.unit and answer.unit.upper() not in ("NUMBER", "C62") else ""
        return f"{format_decimal(answer.quantity, 4)}{unit}"
    if kind == "date":
        return format_date(answer.date)
    if kind == "period":
        if answer.start or answer.end:
            return f"{format_date(answer.start)}–{format_date(answer.end)}"
        return answer.text or "–"
    if kind == "code":
        return answer.code or "–"
    if kind == "identifier":
        return f"{answer.text} ({answer.code})" if answer.code else (answer.text or "–")
    if kind == "evidence" and answer.evidence is not None:
        evidence = answer.evidence
        parts = [p for p in (evidence.description, evidence.id, evidence.url) if p]
        issued = f", utstedt av {evidence.issuer}" if evidence.issuer else ""
        return (" – ".join(parts) or "dokumentasjon uten referanse") + issued
    return answer.text or "–"
