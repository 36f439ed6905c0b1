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

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Table
from reportlab.platypus.paragraph import textTransformFrags
from reportlab.platypus.paraparser import ParaParser

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


class CellParagraph(Paragraph):
    """A paragraph that breaks its lines once per width: a table cell's paragraph is wrapped three or four
    times over while a long table is measured, split at each page's foot and drawn (reportlab asks again each
    time, with the same width), and the line breaking is most of a long PDF's time. The lines depend only on
    the text, the style and the width, so the first answer is kept and given again; the PDF's bytes are the
    same (tests/test_pdf_cell_paragraph.py)."""

    _wrapped: tuple[float, tuple[Any, ...]] | None = None

    def __init__(self, text: str, style: ParagraphStyle, parsed: dict[Any, Any] | None = None) -> None:
        """``parsed``: markup already read, shared by the cells of one document (the same names, dates and
        labels come back in thousands of cells; reading the markup was a quarter of a long PDF's time). Keyed
        by the text and the style object itself, so one document's styles are never mistaken for another's;
        make one per document, not per process."""
        self._parsed = parsed
        super().__init__(text, style)

    def _setup(self, text: Any, style: Any, bulletText: Any, frags: Any, cleaner: Any) -> None:
        parsed = self._parsed
        if parsed is None or frags is not None or bulletText is not None:
            super()._setup(text, style, bulletText, frags, cleaner)
            return
        key = (text, style)
        if key not in parsed:
            # as reportlab's own _setup reads it
            clean = cleaner(text)
            parser = ParaParser()
            parser.caseSensitive = self.caseSensitive
            read_style, read, bullet = parser.parse(clean, style)
            if read is None or bullet:  # a markup error (reportlab raises it) or a bullet: reportlab's way
                super()._setup(text, style, bulletText, frags, cleaner)
                return
            textTransformFrags(read, read_style)
            parsed[key] = (clean, read_style, read)
        clean, read_style, read = parsed[key]
        super()._setup(clean, read_style, None, read, cleaner)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        if self._wrapped is not None and self._wrapped[0] == availWidth:
            self.width, self.height, self._wrapWidths, self.blPara = self._wrapped[1]
            return self.width, self.height
        size = super().wrap(availWidth, availHeight)
        # a width too narrow for any text (below reportlab's fuzz) breaks no lines: nothing to keep
        if availWidth >= rl_config._FUZZ:
            self._wrapped = (availWidth, (self.width, self.height, self._wrapWidths, self.blPara))
        return size


class CellTable(Table):
    """A table that measures its rows once, in one pass. Reportlab 5 measures a table without spanned cells
    in full whatever the page's room (its long-table shortcut stops only when cells span rows), finding
    each next row with a scan from the top and summing the rows so far at each: quadratic in the rows, and
    done again at each wrap of the same table. A protocol's table of thousands of scores spent seconds
    there. Here the rows' heights are worked out as reportlab does (the same calls, the same arithmetic,
    row by row) and given to the table as its own, so reportlab measures nothing again, and its splits at
    the pages' feet carry the heights on as they do today. The PDF's bytes are the same
    (tests/test_pdf_cell_paragraph.py). Anything out of the plain case (spans, minimum heights, a cell
    that is not a flowable or too wide) is left to reportlab."""

    def _calc_height(self, availHeight: float, availWidth: float, H: Any = None, W: Any = None) -> None:
        if None in self._argH and not self._spanCmds and not self._minRowHeights:
            heights = self._heights_in_one_pass(W or self._argW)
            if heights is not None:
                self._argH = self._rowHeights = heights
        super()._calc_height(availHeight, availWidth, H, W)

    def _heights_in_one_pass(self, widths: Sequence[Any]) -> list[float] | None:
        if any(w is None or isinstance(w, str) for w in widths):
            return None
        canv = getattr(self, "canv", None)
        saved = (canv._fontname, canv._fontsize, canv._leading) if canv else None
        heights: list[float] = []
        for i, given in enumerate(self._argH):
            if given is not None:
                heights.append(given)
                continue
            values, styles = self._cellvalues[i], self._cellStyles[i]
            h: float = 0
            for j, (v, s, w) in enumerate(list(zip(values, styles, widths, strict=False))):
                if not isinstance(v, (tuple, list, Flowable)):
                    return None
                v = values[j] = self._cellListProcess(v, w, None)
                if canv:
                    canv._fontname, canv._fontsize, canv._leading = (
                        s.fontname,
                        s.fontsize,
                        s.leading or 1.2 * s.fontsize,
                    )
                dw, t = self._listCellGeom(v, w, s)
                if canv:
                    canv._fontname, canv._fontsize, canv._leading = saved
                if dw + s.leftPadding + s.rightPadding > w:
                    return None  # reportlab's own pass raises or warns as configured
                t += s.bottomPadding + s.topPadding
                if t > h:
                    h = t
            heights.append(h)
        return heights


def text_paragraph(text: object, style: ParagraphStyle) -> Paragraph:
    """Plain text as a paragraph: escaped (nothing in it is read as markup), line breaks kept."""
    return Paragraph(escape(str(text)).replace("\n", "<br/>"), style)
