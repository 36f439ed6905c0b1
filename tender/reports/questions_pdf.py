"""The published questions and answers (spørsmål og svar) as PDF: numbered in order of publication, the
texts as published (never the asker), with the moment each was published, in Norwegian time."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer

from tender.formatting import format_datetime
from tender.reports.pdf_pages import build_a4
from tender.reports.spec_pdf import fonts


def _text(value: str) -> str:
    """Paragraph markup for plain text: escaped (markup typed by a vendor stays text), line breaks kept."""
    return escape(value).replace("\n", "<br/>")


def render_questions_pdf(
    entries: Sequence[tuple[int, str, str, datetime]],
    *,
    tender_title: str,
    case_reference: str,
    made_at: datetime,
) -> bytes:
    """The PDF of ``entries`` (number, question, answer, published at), in the order given."""
    f = fonts()
    body = ParagraphStyle("body", fontName=f.regular, fontSize=10, leading=13.5, spaceAfter=4)
    title = ParagraphStyle("title", parent=body, fontName=f.bold, fontSize=16, leading=20, spaceAfter=4)
    heading = ParagraphStyle(
        "heading", parent=body, fontName=f.bold, fontSize=11.5, leading=15, spaceBefore=8, keepWithNext=True
    )
    meta = ParagraphStyle("meta", parent=body, fontSize=8.5, leading=11, textColor=colors.HexColor("#444444"))
    label = ParagraphStyle("label", parent=body, fontName=f.bold, spaceAfter=1)

    story: list[Flowable] = [
        Paragraph(_text("Spørsmål og svar"), title),
        Paragraph(_text(f"{tender_title} (saksnummer {case_reference})"), body),
        Paragraph(
            _text(
                "Svarene gjelder alle leverandørene og er publisert til alle samtidig. Spørsmålene er "
                f"gjengitt uten opplysninger om hvem som spurte. Utskrevet {format_datetime(made_at)}."
            ),
            meta,
        ),
        Spacer(1, 4 * mm),
    ]
    if not entries:
        story.append(Paragraph(_text("Ingen spørsmål er besvart og publisert ennå."), body))
    for number, question, answer, published_at in entries:
        story.append(
            KeepTogether(
                [
                    Paragraph(_text(f"Spørsmål nr. {number}"), heading),
                    Paragraph(_text(f"Publisert {format_datetime(published_at)}"), meta),
                    Paragraph(_text("Spørsmål:"), label),
                    Paragraph(_text(question), body),
                    Paragraph(_text("Svar:"), label),
                    Paragraph(_text(answer), body),
                ]
            )
        )
    return build_a4(
        story,
        title=f"Spørsmål og svar – {tender_title}",
        subject=tender_title,
        footer=f"{tender_title} – spørsmål og svar",
        margin=18,
    )
