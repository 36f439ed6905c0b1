"""The letter to a vendor let go at a reduction as a PDF: the same text as the e-mail and the page
(``operations.reduction_letter``), with the letterhead of the prequalification's letters. Built with
``invariant=True`` and dated by the reduction, so the same rows give the same bytes."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer

from tender.formatting import format_date
from tender.negotiation.operations import ReductionLetter
from tender.reports.pdf_pages import build_a4, letter_styles, text_paragraph
from tender.tenders.models import Tender


def render_reduction_letter(tender: Tender, letter: ReductionLetter) -> bytes:
    """The letter as PDF bytes (Norwegian, as mailed)."""
    st = letter_styles()
    reduction = letter.reduction
    story: list[Flowable] = [
        text_paragraph(
            "Oppdragsgiver: " + ", ".join(m.name for m in tender.participating_municipalities), st["small"]
        ),
        text_paragraph(f"Konkurranse: {tender.title}", st["small"]),
        text_paragraph(f"Vår referanse (saksnummer): {tender.case_reference}", st["small"]),
        text_paragraph(f"Dato: {format_date(reduction.decided_at)}", st["small"]),
        Spacer(1, 6 * mm),
        text_paragraph(f"Reduksjon av antall leverandører etter runde {reduction.round_no}", st["title"]),
    ]
    story += [text_paragraph(part, st["body"]) for part in letter.body.strip().split("\n\n")]
    return build_a4(
        story,
        title=letter.subject,
        subject=f"Brev til {letter.leaving.vendor.name}",
        footer=f"{tender.title} – saksnummer {tender.case_reference}",
        margin=22,
    )


def reduction_letter_filename(letter: ReductionLetter) -> str:
    return f"reduksjon-brev-{letter.leaving.id}.pdf"
