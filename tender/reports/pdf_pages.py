"""The A4 page every short PDF of the tender is built on (the tender documents, the prequalification letters,
the published questions and answers, a correction): Norwegian metadata, the tool's fonts, and a footer line
with the page number on every page.

Built ``invariant`` (no creation time or random id in the file), so the same content gives the same bytes:
a generated tender document's SHA-256 changes only when what it says changes.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate

from tender.reports.spec_pdf import fonts


def build_a4(
    story: Sequence[Flowable], *, title: str, subject: str = "", footer: str = "", margin: float = 20
) -> bytes:
    """The PDF of ``story`` on A4 with ``margin`` millimetres left and right (20 top and bottom), ``footer``
    and "Side N" at the foot of each page."""
    f = fonts()
    buffer = io.BytesIO()

    def page(canvas: Any, document: Any) -> None:
        canvas.saveState()
        canvas.setFont(f.regular, 7.5)
        canvas.setFillColor(colors.HexColor("#555555"))
        if footer:
            canvas.drawString(document.leftMargin, 10 * mm, footer)
        canvas.drawRightString(A4[0] - document.rightMargin, 10 * mm, f"Side {document.page}")
        canvas.restoreState()

    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=margin * mm,
        rightMargin=margin * mm,
        topMargin=20 * mm,
        bottomMargin=20 * mm,
        title=title,
        subject=subject,
        author="tender",
        invariant=True,
        lang="nb-NO",
        initialFontName=f.regular,
    )
    document.build(list(story), onFirstPage=page, onLaterPages=page)
    return buffer.getvalue()


def letter_styles() -> dict[str, ParagraphStyle]:
    """The paragraph styles of a letter (the prequalification's letters, the notices of award): 10 pt body,
    headings, small print, table cells and white-on-blue table heads, monospace for hashes, a red warning."""
    f = fonts()
    body = ParagraphStyle("body", fontName=f.regular, fontSize=10, leading=13.5, spaceAfter=6)
    return {
        "body": body,
        "title": ParagraphStyle("title", parent=body, fontName=f.bold, fontSize=15, leading=19, spaceAfter=8),
        "h1": ParagraphStyle(
            "h1", parent=body, fontName=f.bold, fontSize=13, leading=17, spaceBefore=10, spaceAfter=6
        ),
        "h2": ParagraphStyle(
            "h2", parent=body, fontName=f.bold, fontSize=11, leading=14, spaceBefore=8, spaceAfter=4
        ),
        "small": ParagraphStyle(
            "small", parent=body, fontSize=8.5, leading=11, textColor=colors.HexColor("#444444")
        ),
        "cell": ParagraphStyle("cell", parent=body, fontSize=8.5, leading=10.5, spaceAfter=0),
        "head": ParagraphStyle(
            "head",
            parent=body,
            fontName=f.bold,
            fontSize=8.5,
            leading=10.5,
            spaceAfter=0,
            textColor=colors.white,
        ),
        "mono": ParagraphStyle("mono", parent=body, fontName=f.mono, fontSize=8, leading=10, spaceAfter=0),
        "warn": ParagraphStyle("warn", parent=body, fontName=f.bold, textColor=colors.HexColor("#9C0006")),
    }


def text_paragraph(text: object, style: ParagraphStyle) -> Paragraph:
    """Plain text as a paragraph: escaped (nothing in it is read as markup), line breaks kept."""
    return Paragraph(escape(str(text)).replace("\n", "<br/>"), style)
