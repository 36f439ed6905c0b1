"""The long PDFs' tables measure each cell once (issue 17, point N: the protocol PDF and the archive package
took seconds). ``CellParagraph`` keeps a cell's line breaking for its width and ``CellTable`` measures its
rows in one pass; both must leave the PDF's bytes exactly as reportlab's own ``Paragraph`` and ``Table``
make them (the archive package's manifest carries the protocol PDF's SHA-256). Each test renders the same
content both ways and compares the bytes, so a change in reportlab that breaks the equivalence fails here."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

from tender.reports import pdf_pages, protocol_pdf
from tender.reports.pdf_pages import CellParagraph, CellTable, build_a4
from tender.reports.spec_pdf import fonts
from tests.test_protocol import awarded  # noqa: F401 (the fixture)

WORDS = "krav arkiv journalføring saksbehandling e-skjema politisk løsning dekker standard tilpasning".split()


def _ours() -> Callable[[str, ParagraphStyle], Paragraph]:
    """CellParagraph with one document's shared markup (the repeated texts below are read once)."""
    parsed: dict[Any, Any] = {}
    return lambda text, style: CellParagraph(text, style, parsed)


def _story(paragraph: Callable[[str, ParagraphStyle], Paragraph], table: type[Table], rows: int) -> list[Any]:
    """A heading kept with a long table of cells of many lengths, line breaks and markup-escaped text."""
    f = fonts()
    cell = ParagraphStyle("cell", fontName=f.regular, fontSize=7.5, leading=9.5)
    head = ParagraphStyle("head", parent=cell, fontName=f.bold, keepWithNext=True)
    data = [[paragraph(h, head) for h in ("Nr.", "Evaluator", "Begrunnelse &amp; poeng")]]
    for i in range(rows):
        text = " ".join(WORDS[(i * 7 + k) % len(WORDS)] for k in range(i % 37))
        data.append(
            [
                paragraph(str(i), cell),
                paragraph(f"Evaluator {i % 12}<br/>linje {i % 3}", cell),
                paragraph(text + (" &lt;b&gt;" if i % 5 == 0 else ""), cell),
            ]
        )
    grid = table(data, colWidths=[12 * mm, 40 * mm, 122 * mm], repeatRows=1)
    grid.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#999999")),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8e8e8")),
            ]
        )
    )
    return [Paragraph("Poeng", head), grid, Spacer(1, 2 * mm), Paragraph("Slutt.", cell)]


def _count_line_breaking(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls = [0]
    original = Paragraph.breakLines

    def counted(self: Paragraph, width: Any) -> Any:
        calls[0] += 1
        return original(self, width)

    monkeypatch.setattr(Paragraph, "breakLines", counted)
    return calls


def test_a_long_table_of_cell_paragraphs_gives_the_same_bytes_as_reportlabs_own() -> None:
    ours = build_a4(_story(_ours(), CellTable, 700), title="Prøve")
    theirs = build_a4(_story(Paragraph, Table, 700), title="Prøve")
    assert ours.count(b"/Type /Page\n") > 10  # many pages: the table is split again and again
    assert ours == theirs


def test_each_cell_of_a_long_table_breaks_its_lines_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _count_line_breaking(monkeypatch)
    story = _story(_ours(), CellTable, 700)
    build_a4(story, title="Prøve")
    ours = calls[0]
    calls[0] = 0
    build_a4(_story(Paragraph, Table, 700), title="Prøve")
    paragraphs = 2 + 3 * 701
    # once per paragraph, give or take the heading kept with the table (measured twice by the frame)
    assert ours <= paragraphs + 4, (ours, paragraphs)
    assert calls[0] > 2 * paragraphs  # reportlab's own: several times each (else this test proves nothing)


def test_a_cell_paragraph_with_shared_markup_refuses_bad_markup_as_reportlab_does() -> None:
    style = ParagraphStyle("cell", fontName=fonts().regular, fontSize=9, leading=11)

    def outcome(make: Callable[[], Paragraph]) -> str:
        try:
            return repr(make().frags)
        except ValueError as error:
            return f"ValueError: {error}"

    parsed: dict[Any, Any] = {}
    texts = ("</b>tekst", '<font size="x">a</font>', "<a>b</c>", "<b>ikke lukket", "&ukjent;", "ren tekst")
    found = [outcome(lambda t=t: CellParagraph(t, style, parsed)) for t in texts * 2]
    assert found == [outcome(lambda t=t: Paragraph(t, style)) for t in texts * 2]
    assert sum(f.startswith("ValueError") for f in found) >= 4


def test_a_cell_paragraph_measured_at_another_width_breaks_its_lines_again() -> None:
    f = fonts()
    style = ParagraphStyle("cell", fontName=f.regular, fontSize=9, leading=11)
    text = " ".join(WORDS * 3)
    ours, theirs = CellParagraph(text, style), Paragraph(text, style)
    for width in (300, 120, 300, 0.0001, 120):
        assert ours.wrap(width, 1000) == theirs.wrap(width, 1000)
        if width >= 1:
            assert ours.blPara.lines == theirs.blPara.lines


def test_the_protocol_pdf_has_the_same_bytes_as_with_reportlabs_own_tables(
    app,
    db,
    awarded,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tender.protocol.operations import protocol_of

    protocol = protocol_of(awarded.tender)
    ours = protocol_pdf.render_protocol_pdf(protocol)
    monkeypatch.setattr(protocol_pdf, "CellParagraph", Paragraph)
    monkeypatch.setattr(protocol_pdf, "CellTable", Table)
    theirs = protocol_pdf.render_protocol_pdf(protocol)
    assert ours == theirs
    assert pdf_pages.CellTable is CellTable  # the module's own names untouched for the next test


def test_the_audit_trail_pdf_has_the_same_bytes_as_with_reportlabs_own_tables(
    app,
    db,
    awarded,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from reportlab import rl_config
    from sqlalchemy import select

    from tender.audit import AuditEvent
    from tender.reports import audit_export

    events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq)).all()
    assert len(events) > 40  # more than a page
    # the trail's PDF carries its creation time and a random id unless reportlab is told to leave them out
    monkeypatch.setattr(rl_config, "invariant", 1)
    made = awarded.tender.created_at

    def render() -> bytes:
        return audit_export.audit_pdf(
            "Prøve", events, with_seq=True, sealed=False, filtered=False, made_at=made
        )

    ours = render()
    monkeypatch.setattr(audit_export, "CellParagraph", Paragraph)
    monkeypatch.setattr(audit_export, "CellTable", Table)
    assert render() == ours
