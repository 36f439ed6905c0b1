"""The notice of award (meddelelse om tildeling) to one bidder, as PDF.

Fed by :class:`NoticeContent` only, which tender.award.notice_operations makes from the frozen snapshot of
the recommendation: the recipient, the chosen vendor, the recipient's points per criterion beside the
winner's, the reasons per criterion, the standstill period and, for a rejected bid, why it was rejected.
Nothing of any other bidder reaches this module, so a notice cannot leak another losing bidder's scores.
Built ``invariant`` (tender.reports.pdf_pages), so the stored hash is the hash of the bytes mailed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer, Table, TableStyle

from tender.formatting import format_date, format_datetime, format_number
from tender.reports.pdf_pages import build_a4, letter_styles, text_paragraph
from tender.reports.spec_pdf import fonts

_BLUE = colors.HexColor("#1F4E78")
_GRID = colors.HexColor("#BFBFBF")
_OWN = colors.HexColor("#FFF2CC")


@dataclass(frozen=True)
class CriterionLine:
    name: str
    weight: str  #: percent, as a decimal string
    own: str | None  #: the recipient's points (None: rejected, not scored)
    winner: str | None
    winner_text: str  #: the winning bid's characteristics on this criterion
    comparison: str  #: the winner's relative advantages compared with the recipient's bid ("" for the winner)


@dataclass(frozen=True)
class NoticeContent:
    tender_title: str
    case_reference: str
    bound: tuple[str, ...]  #: the municipalities bound by the contract
    option: tuple[str, ...]  #: the option municipalities (may join later)
    issued_at: datetime
    recipient: str
    chosen: bool
    winner: str
    own_total: str | None
    own_rank: int | None
    winner_total: str | None
    rejected: bool
    rejection_reason: str
    criteria: tuple[CriterionLine, ...]
    summary: str
    standstill_days: int
    first_day: date
    last_day: date
    ends_in_words: str  #: «13. desember 2026 kl. 24.00 (norsk tid)»
    warnings: tuple[str, ...]  #: about the last day (a weekend or a public holiday), in Norwegian
    content_sha256: str  #: the snapshot every bound municipality approved
    #: the recipient was let go at the reduction after this round of the negotiation (None: it bid in the
    #: recommendation's round)
    reduced_after_round: int | None = None
    reduction_reason: str = ""  #: the reason it was told at the reduction

    @property
    def reduced(self) -> bool:
        return self.reduced_after_round is not None


def _number(value: str | None, decimals: int = 2) -> str:
    """A decimal string from the snapshot, as Norwegians read it (7,35); «–» where there is none."""
    if value is None or value == "":
        return "–"
    try:
        return format_number(Decimal(value), decimals)
    except InvalidOperation:
        return str(value)


def _winner_table(content: NoticeContent, st: dict[str, Any]) -> Table:
    """The chosen bid's points only: the notice to a reduced vendor (no column of its own)."""
    rows: list[list[Any]] = [
        [
            text_paragraph("Kriterium", st["head"]),
            text_paragraph("Vekt", st["head"]),
            text_paragraph(f"{content.winner} (valgt)", st["head"]),
        ]
    ]
    for line in content.criteria:
        rows.append(
            [
                text_paragraph(line.name, st["cell"]),
                text_paragraph(f"{_number(line.weight)} %", st["cell"]),
                text_paragraph(_number(line.winner), st["cell"]),
            ]
        )
    rows.append(
        [
            text_paragraph("Sum vektede poeng", st["cell"]),
            text_paragraph("", st["cell"]),
            text_paragraph(_number(content.winner_total), st["cell"]),
        ]
    )
    table = Table(rows, colWidths=[88 * mm, 20 * mm, 58 * mm], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), fonts().regular),
                ("GRID", (0, 0), (-1, -1), 0.4, _GRID),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (-1, 0), _BLUE),
            ]
        )
    )
    return table


def _points_table(content: NoticeContent, st: dict[str, Any]) -> Table:
    head = [text_paragraph("Kriterium", st["head"]), text_paragraph("Vekt", st["head"])]
    head.append(text_paragraph(f"{content.recipient} (dere)", st["head"]))
    if not content.chosen:
        head.append(text_paragraph(f"{content.winner} (valgt)", st["head"]))
    rows: list[list[Any]] = [head]
    for line in content.criteria:
        row = [
            text_paragraph(line.name, st["cell"]),
            text_paragraph(f"{_number(line.weight)} %", st["cell"]),
            text_paragraph(_number(line.own), st["cell"]),
        ]
        if not content.chosen:
            row.append(text_paragraph(_number(line.winner), st["cell"]))
        rows.append(row)
    total = [
        text_paragraph("Sum vektede poeng", st["cell"]),
        text_paragraph("", st["cell"]),
        text_paragraph(_number(content.own_total), st["cell"]),
    ]
    if not content.chosen:
        total.append(text_paragraph(_number(content.winner_total), st["cell"]))
    rows.append(total)
    widths = [70 * mm, 18 * mm, 39 * mm, 39 * mm] if not content.chosen else [88 * mm, 20 * mm, 58 * mm]
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), fonts().regular),
                ("GRID", (0, 0), (-1, -1), 0.4, _GRID),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (-1, 0), _BLUE),
                ("BACKGROUND", (2, 1), (2, -1), _OWN),
            ]
        )
    )
    return table


def _reasons(content: NoticeContent, st: dict[str, Any]) -> list[Flowable]:
    story: list[Flowable] = [text_paragraph("Begrunnelse per tildelingskriterium", st["h2"])]
    for line in content.criteria:
        part: list[Flowable] = [text_paragraph(line.name, st["body"])]
        if line.winner_text:
            part.append(text_paragraph(f"Det valgte tilbudets egenskaper: {line.winner_text}", st["small"]))
        if line.comparison:
            part.append(
                text_paragraph(f"Fordeler sammenlignet med deres tilbud: {line.comparison}", st["small"])
            )
        story.append(KeepTogether(part))
    return story


def render_notice(content: NoticeContent) -> bytes:
    """One bidder's notice of award as PDF bytes."""
    st = letter_styles()
    story: list[Flowable] = [
        text_paragraph("Oppdragsgivere: " + ", ".join(content.bound), st["small"]),
    ]
    if content.option:
        story.append(
            text_paragraph(
                "Opsjonskommuner (kan slutte seg til kontrakten senere): " + ", ".join(content.option),
                st["small"],
            )
        )
    story += [
        text_paragraph(f"Konkurranse: {content.tender_title}", st["small"]),
        text_paragraph(f"Vår referanse (saksnummer): {content.case_reference}", st["small"]),
        text_paragraph(f"Sendt: {format_datetime(content.issued_at)}", st["small"]),
        Spacer(1, 6 * mm),
        text_paragraph(f"Til: {content.recipient}", st["body"]),
        Spacer(1, 4 * mm),
        text_paragraph(f"Meddelelse om tildeling – {content.tender_title}", st["title"]),
    ]
    if content.chosen:
        story.append(
            text_paragraph(
                f"Oppdragsgiverne har besluttet å tildele kontrakten til {content.recipient}. Kontrakten kan "
                "inngås når karensperioden nedenfor er over.",
                st["body"],
            )
        )
    else:
        story.append(
            text_paragraph(
                f"Oppdragsgiverne har besluttet å tildele kontrakten til {content.winner}. Deres tilbud ble "
                "ikke valgt.",
                st["body"],
            )
        )
    if content.reduced:
        story += [
            text_paragraph("Deres tilbud gikk ikke videre i forhandlingene", st["h2"]),
            text_paragraph(
                f"Tilbudet deres ble ikke tatt videre etter runde {content.reduced_after_round} av "
                "forhandlingene, da antallet leverandører ble redusert etter de kunngjorte "
                "tildelingskriteriene. Dere er likevel en berørt leverandør og får derfor denne meddelelsen "
                "samtidig med de andre leverandørene (forskrift om offentlige anskaffelser § 25-1).",
                st["body"],
            ),
            text_paragraph(
                f"Begrunnelsen dere fikk ved reduksjonen: {content.reduction_reason or '–'}", st["body"]
            ),
            text_paragraph("Det valgte tilbudets poeng per tildelingskriterium", st["h2"]),
            _winner_table(content, st),
        ]
    else:
        if content.rejected:
            story += [
                text_paragraph("Tilbudet deres er avvist", st["h2"]),
                text_paragraph(f"Begrunnelse for avvisningen: {content.rejection_reason or '–'}", st["body"]),
            ]
        story += [text_paragraph("Poeng per tildelingskriterium", st["h2"]), _points_table(content, st)]
        if content.own_rank is not None and not content.chosen:
            story.append(
                text_paragraph(f"Tilbudet deres ble rangert som nummer {content.own_rank}.", st["small"])
            )
    if content.summary:
        story += [
            text_paragraph("Oppdragsgivers samlede begrunnelse", st["h2"]),
            text_paragraph(content.summary, st["body"]),
        ]
    story += _reasons(content, st)
    story += [
        text_paragraph("Karensperiode", st["h2"]),
        text_paragraph(
            f"Karensperioden er {content.standstill_days} dager. Den begynner "
            f"{format_date(content.first_day)} og løper til {content.ends_in_words}. Kontrakt inngås ikke "
            "før karensperioden er over (forskrift om offentlige anskaffelser § 25-2).",
            st["body"],
        ),
    ]
    story += [text_paragraph(w, st["warn"]) for w in content.warnings]
    story += [
        Spacer(1, 4 * mm),
        text_paragraph(
            f"Spørsmål om denne meddelelsen kan rettes til oppdragsgiver med henvisning til saksnummer "
            f"{content.case_reference}.",
            st["body"],
        ),
        Spacer(1, 4 * mm),
        text_paragraph(f"Innstillingens kontrollsum (SHA-256): {content.content_sha256}", st["small"]),
    ]
    return build_a4(
        story,
        title=f"Meddelelse om tildeling – {content.tender_title}",
        subject=f"Til {content.recipient}",
        footer=f"{content.tender_title} ({content.case_reference}) – meddelelse om tildeling",
        margin=22,
    )
