"""The audit trail exported: CSV for Norwegian Excel (UTF-8 with BOM, semicolons) and PDF (reportlab), both
worded through :mod:`tender.audit.labels` like the page, with times in Oslo time."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, TableStyle

from tender.audit import labels as audit_labels
from tender.formatting import format_datetime, format_number
from tender.reports.pdf_pages import CellParagraph, CellTable
from tender.reports.spec_pdf import fonts


def _row(event: Any, with_seq: bool) -> list[str]:
    cells = [
        format_datetime(event.occurred_at, seconds=True),
        audit_labels.actor_label(event.actor_label),
        audit_labels.event_label(event.event_type),
        " ".join(x for x in (audit_labels.object_label(event.object_type), event.object_id or "") if x),
        "\n".join(f"{c.label}: {c.text}" for c in audit_labels.changes(event.payload_json)),
        event.hash,
    ]
    return ([str(event.seq)] if with_seq else []) + cells


HEADERS = ["Tid (norsk tid)", "Hvem", "Hendelse", "Objekt", "Endringer", "Sjekksum"]


def audit_csv(events: Sequence[Any], *, with_seq: bool) -> bytes:
    """Semicolon-separated with a byte order mark, so Excel set to Norwegian opens it in columns with æøå."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow((["Nr."] if with_seq else []) + HEADERS)
    for event in events:
        writer.writerow(_row(event, with_seq))
    return out.getvalue().encode("utf-8-sig")


def audit_pdf(
    title: str, events: Sequence[Any], *, with_seq: bool, sealed: bool, filtered: bool, made_at: datetime
) -> bytes:
    f = fonts()
    base = ParagraphStyle("body", fontName=f.regular, fontSize=9, leading=11.5)
    cell = ParagraphStyle("cell", parent=base, fontSize=7.5, leading=9)
    head = ParagraphStyle("head", parent=cell, fontName=f.bold)
    h1 = ParagraphStyle("title", parent=base, fontName=f.bold, fontSize=15, leading=19, spaceAfter=4)
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=landscape(A4),
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        title=f"Revisjonsspor – {title}",
        author="tender",
    )
    count = len(events)
    story: list[Any] = [
        Paragraph(escape(f"Revisjonsspor – {title}"), h1),
        Paragraph(
            escape(
                f"Utskrevet {format_datetime(made_at)}. {format_number(count)} "
                f"{'hendelse' if count == 1 else 'hendelser'}"
                f"{' med filteret som var valgt' if filtered else ''}, nyeste først."
            ),
            base,
        ),
    ]
    if sealed:
        story.append(
            Paragraph(
                "Tilbudene er ikke åpnet: leverandørenes hendelser og løpenumrene i kjeden er "
                "holdt tilbake fram til tilbudsåpningen.",
                base,
            )
        )
    story.append(Spacer(1, 4 * mm))
    headers = (["Nr."] if with_seq else []) + HEADERS
    # cells measured once each (tender.reports.pdf_pages): a trail of thousands of events is one long table
    parsed: dict[Any, Any] = {}  # the cells' markup read once per distinct text (CellParagraph)
    rows: list[list[Any]] = [[CellParagraph(escape(h), head, parsed) for h in headers]]
    for event in events:
        cells = _row(event, with_seq)
        cells[-1] = cells[-1][:16] + "…"
        rows.append([CellParagraph(escape(c).replace("\n", "<br/>"), cell, parsed) for c in cells])
    widths = [28 * mm, 44 * mm, 48 * mm, 36 * mm, 96 * mm, 21 * mm]
    if with_seq:
        widths = [12 * mm] + widths[:4] + [widths[4] - 12 * mm, widths[5]]
    table = CellTable(rows, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
                ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.HexColor("#bbbbbb")),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
            ]
        )
    )
    story.append(table)
    doc.build(story)
    return buf.getvalue()
