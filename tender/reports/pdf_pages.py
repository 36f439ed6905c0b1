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

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, SimpleDocTemplate

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
