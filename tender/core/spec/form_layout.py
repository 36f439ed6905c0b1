"""The layout of the answer-form workbook (bilag 1): its sheets, columns and marks.

One description shared by the writer (:mod:`tender.reports.spec_excel`) and the two readers of
uploads (:mod:`tender.core.spec.workbook_read` for the lead's edited specification,
:mod:`tender.core.spec.answer_read` for a vendor's answers), so a file written by one is read by
the others. The sheets are described in the writer's module docstring.
"""

from __future__ import annotations

from dataclasses import dataclass

FORM_FORMAT = "tender-kravskjema-1"
REQUIREMENTS_SHEET, CHAPTERS_SHEET, CRITERIA_SHEET, ABOUT_SHEET = (
    "Kravspesifikasjon",
    "Kapitler",
    "Tildelingskriterier",
    "Om skjemaet",
)
HEADER_ROW = 5
#: Excel refuses longer cell texts
MAX_CELL_CHARS = 32_767


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    width: float
    answer: bool = False  #: unlocked for the vendor


# widths in characters; with 18 visible columns, fit-to-width prints A4 landscape at about 45 %
REQUIREMENT_COLUMNS = (
    Column("id", "Krav-ID", 9),
    Column("chapter_id", "Kapittel-ID", 9),
    Column("number", "Nr.", 6),
    Column("chapter", "Kapittel", 16),
    Column("text", "Krav", 50),
    Column("kind", "Kravtype", 13),
    Column("criterion", "Tildelingskriterium", 14),
    Column("weight", "Vekt", 6),
    Column("answer_form", "Svarform", 11),
    Column("unit", "Enhet", 8),
    Column("documentation", "Dokumentasjon som kreves", 22),
    Column("source", "Kilde", 14),
    Column("municipalities", "Gjelder kommuner", 10),
    Column("fulfilled", "Oppfylt", 9, answer=True),
    Column("answer", "Svar (tekst eller tall)", 20, answer=True),
    Column("description", "Beskrivelse av løsningen", 35, answer=True),
    Column("reference", "Dokumentasjonsreferanse (dokument og avsnitt)", 20, answer=True),
    Column("delivery", "Standard eller tilpasning", 14, answer=True),
    Column("deviation", "Forbehold/avvik", 20, answer=True),
)
CHAPTER_COLUMNS = (
    Column("id", "Kapittel-ID", 12),
    Column("number", "Nr.", 7),
    Column("title", "Tittel", 45),
    Column("description", "Beskrivelse", 80),
)
CRITERION_COLUMNS = (Column("id", "Kriterium-ID", 18), Column("name", "Navn", 50))
#: columns whose content is derived from other columns and ignored on import
DERIVED_COLUMNS = {"chapter"}
DELIVERY_CHOICES = ("Standardfunksjonalitet", "Tilpasning", "Tredjepartsprodukt")
ALL_MUNICIPALITIES = "Alle"


def column_letter(index: int) -> str:
    """The letter(s) Excel shows over the 1-based column ``index``: 1 → A, 27 → AA."""
    letters = ""
    while index > 0:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters
