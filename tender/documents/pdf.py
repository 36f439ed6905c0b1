"""The generated documents of the set as PDFs: the award criteria with the price method and its formula, the
price schedule, the qualification requirements.

Fed by plain content (:class:`Section` lists) made in ``operations`` from frozen data, so the writer knows
nothing of the database. Built with ``invariant=True``: the same frozen data gives the same bytes, so a
document generated twice has the same SHA-256 and the set's content hash does not change by regenerating.
Fonts as the specification's PDF (tender.reports.spec_pdf: DejaVu Sans when found).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer, Table, TableStyle

from tender.reports.pdf_pages import build_a4, text_paragraph
from tender.reports.spec_pdf import fonts

_BLUE = colors.HexColor("#1F4E78")
_GRID = colors.HexColor("#BFBFBF")


@dataclass(frozen=True)
class Section:
    """A heading, paragraphs, and optionally a table (its first row the header)."""

    heading: str
    paragraphs: Sequence[str] = ()
    table: Sequence[Sequence[str]] = ()
    widths: Sequence[float] = ()
    after: Sequence[str] = field(default_factory=tuple)


def _styles() -> dict[str, ParagraphStyle]:
    f = fonts()
    body = ParagraphStyle("body", fontName=f.regular, fontSize=10, leading=13.5, spaceAfter=6)
    return {
        "body": body,
        "title": ParagraphStyle("title", parent=body, fontName=f.bold, fontSize=15, leading=19, spaceAfter=8),
        "h1": ParagraphStyle(
            "h1", parent=body, fontName=f.bold, fontSize=12, leading=16, spaceBefore=10, spaceAfter=6
        ),
        "cell": ParagraphStyle("cell", parent=body, fontSize=9, leading=11.5, spaceAfter=0),
        "head": ParagraphStyle(
            "head",
            parent=body,
            fontName=f.bold,
            fontSize=9,
            leading=11.5,
            spaceAfter=0,
            textColor=colors.white,
        ),
        "small": ParagraphStyle(
            "small", parent=body, fontSize=8, leading=10, textColor=colors.HexColor("#444444")
        ),
    }


def _table(rows: Sequence[Sequence[str]], widths: Sequence[float], st: dict[str, ParagraphStyle]) -> Table:
    cells = [
        [text_paragraph(c, st["head"] if i == 0 else st["cell"]) for c in row] for i, row in enumerate(rows)
    ]
    table = Table(cells, colWidths=[w * mm for w in widths] if widths else None, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, _GRID),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (-1, 0), _BLUE),
            ]
        )
    )
    return table


def render(
    title: str, tender_title: str, intro: Sequence[str], sections: Sequence[Section], footer: str
) -> bytes:
    """One document: its title, the tender's title, an introduction, the sections; ``footer`` on each page
    (what the document was made from)."""
    st = _styles()
    story: list[Flowable] = [text_paragraph(title, st["title"]), text_paragraph(tender_title, st["body"])]
    story += [text_paragraph(text, st["body"]) for text in intro]
    for section in sections:
        story.append(text_paragraph(section.heading, st["h1"]))
        story += [text_paragraph(text, st["body"]) for text in section.paragraphs]
        if section.table:
            story.append(_table(section.table, section.widths, st))
            story.append(Spacer(1, 4 * mm))
        story += [text_paragraph(text, st["small"]) for text in section.after]
    return build_a4(story, title=title, subject=tender_title, footer=footer)
