"""The requirements specification (bilag 1) as a PDF for the tender documents and the sign-off record.

Fed by core objects only (a :class:`~tender.core.spec.Specification` and plain approval tuples).

Layout: a title page (tender, specification, case reference, version label and the full content
hash), a real table of contents with page numbers (built in two passes by ``multiBuild``), one
section per chapter with every requirement (number, id, kind, criterion and weight, text, answer
form, documentation, source, municipalities), and the approvals at the end. Every page after the
title page carries "Side x av y" and the version's short hash.

Text is set in DejaVu Sans when it can be found (it covers æøå and the Sami letters čđŋšŧž that
municipality names use); otherwise in Helvetica, which covers æøå but not the Sami letters.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import IO, Any, NamedTuple
from xml.sax.saxutils import escape

import reportlab
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.tableofcontents import TableOfContents

from tender.core.spec import (
    Kind,
    Requirement,
    SpecError,
    SpecFileError,
    Specification,
    normalise_text,
    validate_spec,
)
from tender.core.spec import (
    content_hash as compute_hash,
)
from tender.formatting import format_datetime, format_decimal


class Approval(NamedTuple):
    """One municipality's sign-off of the specification; a plain 5-tuple in the same order works too."""

    municipality: str
    signer: str
    decision: str
    comment: str
    timestamp: datetime | str


_FONT_DIRS = (
    Path(reportlab.__file__).parent / "fonts",
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/dejavu"),
    Path("/usr/share/fonts/TTF"),
    Path("/usr/local/share/fonts"),
)


@dataclass(frozen=True)
class Fonts:
    regular: str
    bold: str
    mono: str
    #: True when a Unicode TTF was found; False means the Latin-1 Helvetica fallback
    unicode: bool


class _MeasuredTTFont(TTFont):  # type: ignore[misc]
    """A TrueType font that remembers the width of each string it has measured.

    Without reportlab's optional C accelerator, line breaking measures every word in Python, over
    and over across the two passes of ``multiBuild``; specification text repeats its words, so a
    bounded width table makes a 2 000-requirement PDF several times faster.
    """

    _MAX_ENTRIES = 50_000

    def __init__(self, name: str, filename: str) -> None:
        super().__init__(name, filename)
        self._widths: dict[str, float] = {}

    def stringWidth(self, text: str | bytes, size: float, encoding: str = "utf8") -> float:
        if not isinstance(text, str):
            text = text.decode(encoding or "utf8")
        width = self._widths.get(text)
        if width is None:
            width = float(super().stringWidth(text, 1000.0, encoding))
            if len(self._widths) < self._MAX_ENTRIES:
                self._widths[text] = width
        return width * size / 1000.0


def _find_font(file_name: str) -> Path | None:
    return next((d / file_name for d in _FONT_DIRS if (d / file_name).is_file()), None)


@functools.cache
def fonts() -> Fonts:
    """Register DejaVu Sans (regular, bold, mono) once; fall back to Helvetica/Courier."""
    regular, bold = _find_font("DejaVuSans.ttf"), _find_font("DejaVuSans-Bold.ttf")
    if regular is None or bold is None:
        return Fonts("Helvetica", "Helvetica-Bold", "Courier", unicode=False)
    pdfmetrics.registerFont(_MeasuredTTFont("DejaVuSans", str(regular)))
    pdfmetrics.registerFont(_MeasuredTTFont("DejaVuSans-Bold", str(bold)))
    pdfmetrics.registerFontFamily(
        "DejaVuSans",
        normal="DejaVuSans",
        bold="DejaVuSans-Bold",
        italic="DejaVuSans",
        boldItalic="DejaVuSans-Bold",
    )
    mono_path = _find_font("DejaVuSansMono.ttf")
    mono = "Courier"
    if mono_path is not None:
        pdfmetrics.registerFont(_MeasuredTTFont("DejaVuSansMono", str(mono_path)))
        mono = "DejaVuSansMono"
    return Fonts("DejaVuSans", "DejaVuSans-Bold", mono, unicode=True)


@dataclass(frozen=True)
class _Styles:
    title: ParagraphStyle
    subtitle: ParagraphStyle
    h1: ParagraphStyle
    body: ParagraphStyle
    meta: ParagraphStyle
    cell: ParagraphStyle
    cell_head: ParagraphStyle
    mono: ParagraphStyle
    toc: list[ParagraphStyle]


def _styles(f: Fonts) -> _Styles:
    body = ParagraphStyle("body", fontName=f.regular, fontSize=9.5, leading=12.5, spaceAfter=3)
    return _Styles(
        title=ParagraphStyle(
            "title", fontName=f.bold, fontSize=22, leading=27, alignment=TA_CENTER, spaceAfter=10
        ),
        subtitle=ParagraphStyle(
            "subtitle", fontName=f.regular, fontSize=14, leading=18, alignment=TA_CENTER, spaceAfter=6
        ),
        h1=ParagraphStyle(
            "h1", fontName=f.bold, fontSize=15, leading=19, spaceBefore=6, spaceAfter=8, keepWithNext=True
        ),
        body=body,
        meta=ParagraphStyle(
            "meta", parent=body, fontSize=8, leading=10, textColor=colors.HexColor("#444444"), spaceAfter=2
        ),
        cell=ParagraphStyle("cell", parent=body, fontSize=8.5, leading=10.5, spaceAfter=0),
        cell_head=ParagraphStyle(
            "cell_head",
            parent=body,
            fontName=f.bold,
            fontSize=8.5,
            leading=10.5,
            spaceAfter=0,
            textColor=colors.white,
        ),
        mono=ParagraphStyle("mono", parent=body, fontName=f.mono, fontSize=8.5, leading=11),
        toc=[
            ParagraphStyle(
                "toc1", fontName=f.regular, fontSize=10.5, leading=15, leftIndent=10, firstLineIndent=-10
            )
        ],
    )


def _text(value: str) -> str:
    """Paragraph markup for plain text: escaped, with line breaks kept."""
    return escape(value).replace("\n", "<br/>")


class _Heading(Paragraph):
    """A chapter heading that goes into the table of contents and the PDF outline."""

    def __init__(self, text: str, style: ParagraphStyle, key: str) -> None:
        super().__init__(_text(text), style)
        self.toc_text = text
        self.toc_key = key


class _Document(BaseDocTemplate):
    def afterFlowable(self, flowable: Flowable) -> None:
        if isinstance(flowable, _Heading):
            self.canv.bookmarkPage(flowable.toc_key)
            self.canv.addOutlineEntry(flowable.toc_text, flowable.toc_key, level=0)
            self.notify("TOCEntry", (0, escape(flowable.toc_text), self.page, flowable.toc_key))


def _numbered_canvas(font: str, footer_left: str) -> type[Canvas]:
    """A canvas that holds its pages until the end so each can say "Side x av y".

    ``multiBuild`` lays the story out once per pass and keeps only the last pass. The first pass is
    never the last here: the table of contents starts empty and the story always has at least one
    heading, so after pass 1 the contents are never "satisfied". The first canvas is therefore marked
    ``layout_only`` and requirement blocks skip drawing their text on it, which halves the build time.
    """
    made = 0

    class NumberedCanvas(Canvas):  # type: ignore[misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            nonlocal made
            super().__init__(*args, **kwargs)
            made += 1
            self.layout_only = made == 1
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            if self.layout_only:
                raise RuntimeError("the layout-only pass was saved; the table of contents logic changed")
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                if self._pageNumber > 1:  # the title page carries no page number
                    self.setFont(font, 8)
                    self.setFillColor(colors.HexColor("#555555"))
                    self.drawString(18 * mm, 10 * mm, footer_left)
                    self.drawRightString(A4[0] - 18 * mm, 10 * mm, f"Side {self._pageNumber} av {total}")
                super().showPage()
            super().save()

    return NumberedCanvas


def render_spec_pdf(
    spec: Specification,
    stream: IO[bytes],
    *,
    tender_title: str,
    case_reference: str,
    version_label: str,
    content_hash: str,
    approvals: Sequence[Approval | tuple[str, str, str, str, datetime | str]] = (),
    municipality_names: Mapping[str, str] | None = None,
) -> None:
    """Write the specification as a PDF to ``stream``.

    ``version_label`` is the bare label ("2"); the PDF writes "Versjon 2" itself.
    ``approvals`` are (municipality name, signer name, decision, comment, timestamp: a timezone-aware moment,
    shown in Oslo time, or text shown as given). ``content_hash``
    must be the hash of ``spec`` (it is printed as the version's fingerprint); a mismatch is refused.
    ``municipality_names`` (kommunenummer -> name) turns the numbers of limited requirements into names.
    """
    if compute_hash(spec) != content_hash:
        raise SpecError("hash_mismatch", {"output": "pdf"})
    problems = validate_spec(spec)
    if problems:
        raise SpecFileError(problems)
    f = fonts()
    styles = _styles(f)
    document = _Document(
        stream,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=f"{tender_title} – {spec.title}",
        subject=f"Kravspesifikasjon, versjon {version_label}",
        author="tender",
        keywords=[content_hash],
        invariant=True,
        lang="nb-NO",
        initialFontName=f.regular,
        initialFontSize=9.5,
    )
    frame = Frame(document.leftMargin, document.bottomMargin, document.width, document.height, id="body")
    document.addPageTemplates(
        [
            PageTemplate(id="title", frames=[frame]),
            PageTemplate(id="content", frames=[frame], onPage=_page_header(f, tender_title, spec.title)),
        ]
    )
    story: list[Flowable] = []
    story += _title_page(spec, styles, tender_title, case_reference, version_label, content_hash)
    story += _contents(styles)
    for chapter in spec.chapters:
        story += _chapter(spec, chapter.id, styles, f, municipality_names or {})
    story += _approvals(approvals, styles)
    footer = f"Versjon {version_label} · {content_hash[:12]}"
    document.multiBuild(story, canvasmaker=_numbered_canvas(f.regular, footer))


def _page_header(f: Fonts, tender_title: str, spec_title: str) -> Any:
    def draw(canvas: Canvas, document: BaseDocTemplate) -> None:
        canvas.saveState()
        canvas.setFont(f.regular, 8)
        canvas.setFillColor(colors.HexColor("#555555"))
        canvas.drawString(document.leftMargin, A4[1] - 11 * mm, tender_title)
        canvas.drawRightString(A4[0] - document.rightMargin, A4[1] - 11 * mm, spec_title)
        canvas.restoreState()

    return draw


def _title_page(
    spec: Specification,
    styles: _Styles,
    tender_title: str,
    case_reference: str,
    version_label: str,
    content_hash: str,
) -> list[Flowable]:
    counts = {kind: sum(1 for r in spec.requirements if r.kind is kind) for kind in Kind}
    summary = ", ".join(f"{n} {kind.label.lower()}" for kind, n in counts.items())
    rows = [
        ("Saksnummer", case_reference),
        ("Versjon", version_label),
        ("Innholds-hash (SHA-256)", f"{content_hash[:32]}\n{content_hash[32:]}"),
        ("Krav", f"{len(spec.requirements)} ({summary})"),
        ("Kapitler", str(len(spec.chapters))),
    ]
    table = _grid(
        [
            [
                Paragraph(_text(k), styles.cell_head),
                Paragraph(_text(v), styles.mono if "hash" in k else styles.cell),
            ]
            for k, v in rows
        ],
        [50 * mm, 110 * mm],
        header=False,
    )
    story: list[Flowable] = [
        Spacer(1, 45 * mm),
        Paragraph(_text(tender_title), styles.title),
        Paragraph("Bilag 1 – Kravspesifikasjon", styles.subtitle),
        Paragraph(_text(spec.title), styles.subtitle),
        Spacer(1, 15 * mm),
        table,
    ]
    if spec.criteria:
        story += [Spacer(1, 10 * mm), _criteria_table(spec, styles)]
    story += [NextPageTemplate("content"), PageBreak()]
    return story


def _criteria_table(spec: Specification, styles: _Styles) -> Table:
    rows = [
        [Paragraph(h, styles.cell_head) for h in ("Tildelingskriterium", "Evalueringskrav", "Sum vekter")]
    ]
    for criterion in spec.criteria:
        scored = [r for r in spec.requirements if r.criterion == criterion.id]
        total = sum((r.weight for r in scored if r.weight is not None), start=Decimal(0))
        rows.append(
            [
                Paragraph(_text(criterion.name), styles.cell),
                Paragraph(str(len(scored)), styles.cell),
                Paragraph(format_decimal(total, 10), styles.cell),
            ]
        )
    return _grid(rows, [90 * mm, 35 * mm, 35 * mm])


def _grid(rows: list[list[Any]], widths: list[float], *, header: bool = True) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1 if header else 0)
    commands: list[tuple[Any, ...]] = [
        # tables name Helvetica for their cells even when every cell is a Paragraph
        ("FONTNAME", (0, 0), (-1, -1), fonts().regular),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#BFBFBF")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
    if header:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#1F4E78")))
    else:
        commands.append(("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#1F4E78")))
    table.setStyle(TableStyle(commands))
    return table


def _contents(styles: _Styles) -> list[Flowable]:
    toc = TableOfContents(
        tableStyle=TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), fonts().regular),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    toc.levelStyles = styles.toc
    toc.dotsMinLevel = 0
    return [Paragraph("Innhold", styles.h1), toc, PageBreak()]


def _chapter(
    spec: Specification, chapter_id: str, styles: _Styles, f: Fonts, names: Mapping[str, str]
) -> list[Flowable]:
    chapter = spec.chapter(chapter_id)
    assert chapter is not None
    story: list[Flowable] = [_Heading(f"{chapter.number} {chapter.title}", styles.h1, f"kap-{chapter.id}")]
    if chapter.description:
        story.append(Paragraph(_text(normalise_text(chapter.description)), styles.body))
    criteria = {c.id: c.name for c in spec.criteria}
    for requirement in spec.requirements_in(chapter_id):
        story.append(_requirement(requirement, f, criteria, names))
    story.append(PageBreak())
    return story


@dataclass(frozen=True)
class _Line:
    text: str
    font: str
    size: float
    leading: float
    color: Any
    right: str = ""  #: drawn right-aligned on the same line (the requirement id)


class _Lines(Flowable):  # type: ignore[misc]
    """Lines already broken to the frame width, drawn with plain drawString.

    A requirement is a head line, its text and a line of details. As Paragraphs (with inline fonts or
    tied with keepWithNext) a 2 000-requirement PDF took many times longer to lay out than as
    pre-broken lines; this flowable also splits across pages without leaving the head line alone.
    """

    _SPACE = 5.0
    #: the head line and at least this many following lines stay together on a page
    _KEEP = 3

    def __init__(self, lines: list[_Line], *, first: bool = True) -> None:
        super().__init__()
        self.lines = lines
        self.first = first

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width = avail_width
        return avail_width, sum(line.leading for line in self.lines)

    def getSpaceBefore(self) -> float:
        return self._SPACE if self.first else 0.0

    def getSpaceAfter(self) -> float:
        return self._SPACE

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        used, fits = 0.0, 0
        for line in self.lines:
            if used + line.leading > avail_height:
                break
            used += line.leading
            fits += 1
        if fits < min(self._KEEP, len(self.lines)) or fits >= len(self.lines):
            return []
        return [_Lines(self.lines[:fits], first=self.first), _Lines(self.lines[fits:], first=False)]

    def draw(self) -> None:
        canvas = self.canv
        if getattr(canvas, "layout_only", False):
            return  # a pass whose pages are thrown away (see _numbered_canvas): layout is all it needs
        text = canvas.beginText()
        y = sum(line.leading for line in self.lines)
        for line in self.lines:
            y -= line.leading
            baseline = y + (line.leading - line.size) / 2 + line.size * 0.2
            text.setFillColor(line.color)
            text.setFont(line.font, line.size)
            text.setTextOrigin(0, baseline)
            text.textOut(line.text)
            if line.right:
                text.setFillColor(_ID_GREY)
                text.setTextOrigin(
                    self.width - pdfmetrics.stringWidth(line.right, line.font, line.size), baseline
                )
                text.textOut(line.right)
        canvas.drawText(text)


class _RequirementBlock(_Lines):
    """One requirement, broken into lines when platypus first tells it the width."""

    def __init__(self, head: str, requirement_id: str, text: str, details: str, f: Fonts) -> None:
        super().__init__([])
        self._parts = (head, requirement_id, text, details)
        self._fonts = f
        self._laid_out_for: float | None = None

    def _layout(self, width: float) -> None:
        if self._laid_out_for == width:
            return
        head, requirement_id, text, details = self._parts
        f = self._fonts
        id_width = pdfmetrics.stringWidth(requirement_id, f.regular, 8.5) + 8
        heads = wrap(head, f.bold, 9.5, width - id_width)
        lines = [
            _Line(t, f.bold, 9.5, 13.0, _BLUE, requirement_id if i == 0 else "") for i, t in enumerate(heads)
        ]
        lines += [_Line(t, f.regular, 9.5, 12.5, colors.black) for t in wrap(text, f.regular, 9.5, width)]
        lines += [_Line(t, f.regular, 8.0, 10.5, _GREY) for t in wrap(details, f.regular, 8.0, width)]
        self.lines = lines
        self._laid_out_for = width

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self._layout(avail_width)
        return super().wrap(avail_width, avail_height)

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        self._layout(avail_width)
        return super().split(avail_width, avail_height)


def wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Break text into lines no wider than ``width``; a word longer than a line (a URL) is cut."""
    lines = []
    for line in simpleSplit(text, font, size, width):
        if pdfmetrics.stringWidth(line, font, size) <= width:
            lines.append(line)
        else:
            lines += _cut(line, font, size, width)
    return lines


def _cut(line: str, font: str, size: float, width: float) -> list[str]:
    # sums single-character widths: measuring every prefix would fill the width table with junk
    pieces, current, used = [], "", 0.0
    for ch in line:
        advance = pdfmetrics.stringWidth(ch, font, size)
        if current and used + advance > width:
            pieces.append(current)
            current, used = "", 0.0
        current += ch
        used += advance
    pieces.append(current)
    return pieces


_BLUE = colors.HexColor("#1F4E78")
_ID_GREY = colors.HexColor("#777777")
_GREY = colors.HexColor("#444444")


def _requirement(
    req: Requirement, f: Fonts, criteria: Mapping[str, str], names: Mapping[str, str]
) -> Flowable:
    head = f"{req.number}  ·  {req.kind.label}"
    if req.criterion is not None:
        head += f"  ·  {criteria.get(req.criterion, req.criterion)}, vekt {format_decimal(req.weight, 10)}"
    details = [f"Svarform: {req.answer_form.label}"]
    if req.unit:
        details.append(f"Enhet: {req.unit}")
    if req.documentation:
        details.append(f"Dokumentasjon: {normalise_text(req.documentation)}")
    if req.source:
        details.append(f"Kilde: {req.source}")
    if req.municipalities:
        details.append("Gjelder: " + ", ".join(names.get(m, m) for m in req.municipalities))
    return _RequirementBlock(head, req.id, normalise_text(req.text), "  ·  ".join(details), f)


def _timestamp(value: datetime | str | None) -> str:
    """A moment in Oslo time, as on the pages (tender.formatting); text is shown as given."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return format_datetime(value)


def _approvals(
    approvals: Sequence[Approval | tuple[str, str, str, str, datetime | str]], styles: _Styles
) -> list[Flowable]:
    story: list[Flowable] = [_Heading("Godkjenninger", styles.h1, "godkjenninger")]
    if not approvals:
        return story + [Paragraph("Ingen godkjenninger er registrert for denne versjonen.", styles.body)]
    headers = ("Kommune", "Signert av", "Vedtak", "Kommentar", "Tidspunkt")
    rows = [[Paragraph(h, styles.cell_head) for h in headers]]
    for approval in approvals:
        municipality, signer, decision, comment, timestamp = Approval(*approval)
        texts = [str(v) if v is not None else "" for v in (municipality, signer, decision, comment)]
        rows.append([Paragraph(_text(v), styles.cell) for v in (*texts, _timestamp(timestamp))])
    story.append(_grid(rows, [30 * mm, 32 * mm, 24 * mm, 54 * mm, 34 * mm]))
    return story


__all__ = ["Approval", "Fonts", "fonts", "render_spec_pdf"]
