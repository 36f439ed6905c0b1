"""One correction (rettelse) of the published specification as a PDF: the tender, the correction's number,
reason, publication and the bid deadline decision, then every added, changed (field by field, before and
after) and removed requirement. Fed by plain values, so the page and the PDF say the same."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import IO

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer, Table, TableStyle

from tender.formatting import format_datetime
from tender.reports.pdf_pages import build_a4, text_paragraph
from tender.reports.spec_pdf import fonts

#: (label, number, id, text, [(field, before, after), ...]) per requirement
Change = tuple[str, str, str, str, Sequence[tuple[str, str, str]]]


def render_correction_pdf(
    out: IO[bytes],
    *,
    tender_title: str,
    case_reference: str,
    number: int,
    reason: str,
    published_at: datetime | None,
    version_number: int | None,
    content_hash: str | None,
    summary: str,
    extension: str,
    changes: Sequence[Change],
    subject: str = "kravspesifikasjonen",
) -> None:
    """``subject`` is what the correction changes, in words ("kravspesifikasjonen", "konkurransegrunnlaget");
    a change without an id (a document) is headed by its label and name alone."""
    f = fonts()
    body = ParagraphStyle("body", fontName=f.regular, fontSize=9.5, leading=12.5, spaceAfter=4)
    title = ParagraphStyle("title", parent=body, fontName=f.bold, fontSize=16, leading=20, spaceAfter=6)
    h2 = ParagraphStyle("h2", parent=body, fontName=f.bold, fontSize=11, leading=14, spaceBefore=8)
    cell = ParagraphStyle("cell", parent=body, fontSize=8.5, leading=10.5, spaceAfter=0)
    story: list[Flowable] = [
        text_paragraph(f"Rettelse {number} av {subject}", title),
        text_paragraph(f"{tender_title} ({case_reference})", body),
        text_paragraph(
            f"Kunngjort {format_datetime(published_at)} som versjon {version_number}."
            if published_at is not None
            else "Ikke kunngjort ennå (utkast).",
            body,
        ),
    ]
    if content_hash:
        story.append(text_paragraph(f"Innholds-hash (SHA-256): {content_hash}", body))
    story += [text_paragraph("Begrunnelse", h2), text_paragraph(reason, body), text_paragraph(summary, body)]
    if extension:
        story.append(text_paragraph(extension, body))
    for label, req_number, req_id, text, fields in changes:
        heading = f"{label}: {req_number}" + (f" ({req_id})" if req_id else "")
        part: list[object] = [text_paragraph(heading, h2)] + ([text_paragraph(text, body)] if text else [])
        if fields:
            rows = [
                [text_paragraph("Felt", cell), text_paragraph("Før", cell), text_paragraph("Etter", cell)]
            ] + [
                [text_paragraph(name, cell), text_paragraph(before, cell), text_paragraph(after, cell)]
                for name, before, after in fields
            ]
            table = Table(rows, colWidths=[30 * mm, 70 * mm, 70 * mm], repeatRows=1)
            table.setStyle(
                TableStyle(
                    [
                        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#999999")),
                        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef5")),
                        ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ]
                )
            )
            part.append(table)
        story.append(KeepTogether(part))
        story.append(Spacer(1, 2 * mm))
    out.write(
        build_a4(
            story,
            title=f"Rettelse {number} – {tender_title}",
            subject=tender_title,
            footer=f"{tender_title} – rettelse {number}",
            margin=18,
        )
    )
