"""The prequalification's PDFs: the letter to each vendor (invitation to tender, rejection, or not selected)
and the prequalification report (prekvalifiseringsrapport).

Fed by the plain contents of ``letters_operations`` only. The PDFs are built with ``invariant=True`` and
dated by the final selection, so the same selection gives the same bytes: the hash the audit trail keeps
when a letter is made for sending is the hash of the letter the vendor downloads. Fonts and tables as the
specification's PDF (tender.reports.spec_pdf); numbers and moments through tender.formatting.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import Any

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from tender.core.scoring import RequirementStatus
from tender.formatting import format_date, format_datetime, format_decimal, format_number
from tender.prequalification.letters_operations import (
    CriterionInfo,
    Finding,
    Header,
    LetterContent,
    ReportContent,
    RequestSection,
    ScoreLine,
)
from tender.prequalification.models import RequestOutcome
from tender.reports.pdf_pages import build_a4, letter_styles, text_paragraph
from tender.reports.spec_pdf import fonts

STATUS_TEXT = {
    RequirementStatus.MET: "Oppfylt",
    RequirementStatus.NOT_MET: "Ikke oppfylt",
    RequirementStatus.CLARIFY: "Avklares",
}
_BLUE = colors.HexColor("#1F4E78")
_GRID = colors.HexColor("#BFBFBF")
_OWN = colors.HexColor("#FFF2CC")


def _table(rows: list[list[Any]], widths: Sequence[float], *, own_rows: Sequence[int] = ()) -> Table:
    table = Table(rows, colWidths=list(widths), repeatRows=1)
    commands: list[tuple[Any, ...]] = [
        ("FONTNAME", (0, 0), (-1, -1), fonts().regular),
        ("GRID", (0, 0), (-1, -1), 0.4, _GRID),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BACKGROUND", (0, 0), (-1, 0), _BLUE),
    ]
    commands += [("BACKGROUND", (0, r), (-1, r), _OWN) for r in own_rows]
    table.setStyle(TableStyle(commands))
    return table


def _score(value: Fraction | None) -> str:
    """A consensus score as on the pages: 7,5 (at most one decimal on the 0–10 scale)."""
    return format_decimal(value, 1) if value is not None else "–"


def _total(value: Fraction | None) -> str:
    """A weighted total with two decimals: 7,35."""
    return format_number(value, 2) if value is not None else "–"


def _build(story: list[Flowable], title: str, subject: str, footer: str) -> bytes:
    return build_a4(story, title=title, subject=subject, footer=footer, margin=22)


def _letterhead(header: Header, st: dict[str, ParagraphStyle]) -> list[Flowable]:
    return [
        text_paragraph("Oppdragsgiver: " + ", ".join(header.municipalities), st["small"]),
        text_paragraph(f"Konkurranse: {header.tender_title}", st["small"]),
        text_paragraph(f"Vår referanse (saksnummer): {header.case_reference}", st["small"]),
        text_paragraph(f"Dato: {format_date(header.date)}", st["small"]),
        Spacer(1, 6 * mm),
    ]


# -- the letter ----------------------------------------------------------------------------------------------
LETTER_TITLES = {
    RequestOutcome.INVITED: "Invitasjon til å gi tilbud",
    RequestOutcome.REJECTED: "Avvisning av forespørsel om å delta",
    RequestOutcome.NOT_SELECTED: "Melding om at dere ikke er valgt ut til å gi tilbud",
}


def _score_table(lines: Sequence[ScoreLine], criteria: Sequence[CriterionInfo], st: dict[str, Any]) -> Table:
    small = ParagraphStyle("head_small", parent=st["head"], fontSize=7.5, leading=9.5)
    head = [Paragraph("Leverandør", small)]
    head += [text_paragraph(f"{c.name} ({format_decimal(c.weight, 2)} %)", small) for c in criteria]
    head += [Paragraph("Vektet sum", small), Paragraph("Rangering", small)]
    rows: list[list[Any]] = [head]
    own_rows = []
    for line in lines:
        if line.own:
            own_rows.append(len(rows))
        rows.append(
            [text_paragraph(line.name + (" (dere)" if line.own else ""), st["cell"])]
            + [text_paragraph(_score(s), st["cell"]) for s in line.scores]
            + [
                text_paragraph(_total(line.total), st["cell"]),
                text_paragraph(line.rank if line.rank is not None else "–", st["cell"]),
            ]
        )
    width = 166 * mm
    name_w, sum_w, rank_w = 36 * mm, 18 * mm, 21 * mm
    each = (width - name_w - sum_w - rank_w) / max(1, len(criteria))
    return _table(rows, [name_w, *[each] * len(criteria), sum_w, rank_w], own_rows=own_rows)


def _findings(title: str, findings: Sequence[Finding], st: dict[str, Any]) -> list[Flowable]:
    story: list[Flowable] = [text_paragraph(title, st["h2"])]
    for finding in findings:
        story.append(
            KeepTogether(
                [
                    text_paragraph(finding.text, st["body"]),
                    text_paragraph(f"Begrunnelse: {finding.justification}", st["small"]),
                ]
            )
        )
    return story


def render_letter(content: LetterContent) -> bytes:
    """The letter to one vendor as PDF bytes."""
    st = letter_styles()
    h = content.header
    story: list[Flowable] = _letterhead(h, st)
    story += [
        text_paragraph(content.vendor_name, st["body"]),
        text_paragraph(f"Organisasjonsnummer {content.organisasjonsnummer}", st["small"]),
    ]
    if content.contact_name:
        story.append(text_paragraph(f"Att.: {content.contact_name}", st["small"]))
    if content.address:
        story.append(text_paragraph(content.address, st["small"]))
    story += [
        Spacer(1, 6 * mm),
        text_paragraph(f"{LETTER_TITLES[content.outcome]} – {h.tender_title}", st["title"]),
    ]
    delivered = (
        f", levert {format_datetime(content.submitted_at)}" if content.submitted_at is not None else ""
    )
    story.append(
        text_paragraph(
            f"Vi viser til forespørselen deres om å delta i konkurransen «{h.tender_title}» "
            f"(saksnummer {h.case_reference}){delivered}. Oppdragsgiverne har vurdert alle forespørslene "
            "mot kvalifikasjonskravene, avvisningsgrunnene og utvelgelseskriteriene som ble kunngjort.",
            st["body"],
        )
    )
    if content.outcome is RequestOutcome.INVITED:
        story += _invited(content, st)
    elif content.outcome is RequestOutcome.REJECTED:
        story += _rejected(content, st)
    else:
        story += _not_selected(content, st)
    story += [
        Spacer(1, 4 * mm),
        text_paragraph(
            f"Spørsmål om dette brevet kan rettes til oppdragsgiver med henvisning til saksnummer "
            f"{h.case_reference}.",
            st["body"],
        ),
        Spacer(1, 6 * mm),
        text_paragraph("Med vennlig hilsen", st["body"]),
        text_paragraph("for " + ", ".join(h.municipalities), st["body"]),
    ]
    return _build(
        story,
        f"{LETTER_TITLES[content.outcome]} – {h.tender_title}",
        f"Prekvalifisering, {h.case_reference}",
        f"{h.tender_title} · {h.case_reference} · {content.vendor_name}",
    )


def _invited(content: LetterContent, st: dict[str, Any]) -> list[Flowable]:
    story: list[Flowable] = [
        text_paragraph(
            f"{content.vendor_name} er kvalifisert og er valgt ut som én av {content.invited_count} "
            "leverandører som inviteres til å gi tilbud i konkurransen.",
            st["body"],
        )
    ]
    if content.bid_deadline is not None:
        story.append(
            text_paragraph(f"Tilbudsfristen er {format_datetime(content.bid_deadline)}.", st["body"])
        )
    story.append(
        text_paragraph(
            "Konkurransegrunnlaget og tilbudet leveres i konkurranseverktøyet, der dere logger inn med "
            "brukeren som leverte forespørselen om å delta.",
            st["body"],
        )
    )
    if content.score_lines and content.score_lines[0].total is not None:
        story += [text_paragraph("Resultatet av utvelgelsen for dere", st["h2"])]
        story.append(_score_table(content.score_lines[:1], content.criteria, st))
    return story


def _rejected(content: LetterContent, st: dict[str, Any]) -> list[Flowable]:
    story: list[Flowable] = [
        text_paragraph(
            f"Forespørselen fra {content.vendor_name} er avvist, og dere inviteres ikke til å gi tilbud. "
            "Grunnene følger nedenfor.",
            st["body"],
        )
    ]
    if content.requirements_not_met:
        story += _findings("Kvalifikasjonskrav som ikke er oppfylt", content.requirements_not_met, st)
    if content.exclusions:
        story += _findings("Avvisningsgrunner som foreligger", content.exclusions, st)
    # the selection's own reason repeats the findings above where there are any (pq-select words it so)
    if content.reason and not (content.requirements_not_met or content.exclusions):
        story += [
            text_paragraph("Oppdragsgivers begrunnelse", st["h2"]),
            text_paragraph(content.reason, st["body"]),
        ]
    return story


def _not_selected(content: LetterContent, st: dict[str, Any]) -> list[Flowable]:
    limit = (
        f"blant de {content.maximum} best rangerte"
        if content.maximum is not None
        else "blant dem som er valgt ut"
    )
    story: list[Flowable] = [
        text_paragraph(
            f"{content.vendor_name} oppfyller kvalifikasjonskravene, men er ikke {limit} etter "
            f"utvelgelseskriteriene. {content.invited_count} leverandører inviteres til å gi tilbud; dere "
            "er ikke blant dem.",
            st["body"],
        ),
        text_paragraph("Poeng og rangering", st["h2"]),
        text_paragraph(
            "Konsensuspoeng på skalaen 0–10 per utvelgelseskriterium, vektet sum og rangering, for dere og "
            "for leverandørene som er valgt ut:",
            st["body"],
        ),
        _score_table(content.score_lines, content.criteria, st),
    ]
    if content.justifications:
        story += _findings("Begrunnelse for poengene deres", content.justifications, st)
    if content.reason:
        story += [
            text_paragraph("Oppdragsgivers begrunnelse", st["h2"]),
            text_paragraph(content.reason, st["body"]),
        ]
    return story


# -- the report --------------------------------------------------------------------------------------------
def render_report(content: ReportContent) -> bytes:
    """The prequalification report as PDF bytes."""
    st = letter_styles()
    h = content.header
    story: list[Flowable] = [
        text_paragraph(f"Prekvalifiseringsrapport – {h.tender_title}", st["title"]),
        *_letterhead(h, st),
    ]
    story += _report_setup(content, st)
    story += _report_opening(content, st)
    for section in content.requests:
        story += _report_request(section, content, st)
    story += _report_ranking(content, st)
    story += _report_proposals(content, st)
    story += _report_outcome(content, st)
    return _build(
        story,
        f"Prekvalifiseringsrapport – {h.tender_title}",
        f"Prekvalifisering, {h.case_reference}",
        f"Prekvalifiseringsrapport · {h.tender_title} · {h.case_reference}",
    )


def _report_setup(c: ReportContent, st: dict[str, Any]) -> list[Flowable]:
    maximum = str(c.maximum) if c.maximum is not None else "ingen øvre grense"
    story: list[Flowable] = [
        text_paragraph("1. Oppsettet som ble kunngjort", st["h1"]),
        text_paragraph(
            f"Frosset {format_datetime(c.frozen_at, seconds=True)}. Minst {c.minimum} og høyst {maximum} "
            "kandidater inviteres.",
            st["body"],
        ),
        text_paragraph("Oppsettets sjekksum (SHA-256):", st["small"]),
        text_paragraph(c.setup_sha256 or "–", st["mono"]),
        text_paragraph("Kvalifikasjonskrav", st["h2"]),
    ]
    rows: list[list[Any]] = [[Paragraph(t, st["head"]) for t in ("Gruppe", "Krav", "Dokumentasjon")]]
    rows += [
        [text_paragraph(g, st["cell"]), text_paragraph(t, st["cell"]), text_paragraph(d, st["cell"])]
        for g, t, d in c.requirements
    ]
    story.append(_table(rows, [38 * mm, 70 * mm, 58 * mm]))
    story.append(text_paragraph("Avvisningsgrunner", st["h2"]))
    rows = [[Paragraph(t, st["head"]) for t in ("Grunn", "Art")]]
    rows += [
        [text_paragraph(t, st["cell"]), text_paragraph("Obligatorisk" if m else "Valgfri", st["cell"])]
        for m, t in c.grounds
    ]
    story.append(_table(rows, [136 * mm, 30 * mm]))
    story.append(text_paragraph("Utvelgelseskriterier", st["h2"]))
    rows = [[Paragraph(t, st["head"]) for t in ("Kriterium", "Vekt")]]
    rows += [
        [text_paragraph(k.name, st["cell"]), text_paragraph(f"{format_decimal(k.weight, 2)} %", st["cell"])]
        for k in c.criteria
    ]
    story.append(_table(rows, [136 * mm, 30 * mm]))
    return story


def _report_opening(c: ReportContent, st: dict[str, Any]) -> list[Flowable]:
    story: list[Flowable] = [text_paragraph("2. Åpningen av forespørslene", st["h1"])]
    if c.opening is None:
        return story + [text_paragraph("Forespørslene er ikke registrert åpnet.", st["body"])]
    opened_by = c.opening.get("opened_by") or []
    names = ", ".join(str(p.get("name", p) if isinstance(p, dict) else p) for p in opened_by)
    story.append(
        text_paragraph(f"Åpnet {format_datetime(c.opened_at, seconds=True)} av {names or '–'}.", st["body"])
    )
    rows: list[list[Any]] = [
        [
            Paragraph(t, st["head"])
            for t in ("Leverandør", "Organisasjonsnummer", "Levert", "Kvittering (SHA-256)")
        ]
    ]
    for r in c.requests:
        rows.append(
            [
                text_paragraph(r.vendor_name, st["cell"]),
                text_paragraph(r.organisasjonsnummer, st["cell"]),
                text_paragraph(format_datetime(r.submitted_at, seconds=True), st["cell"]),
                text_paragraph(r.receipt_sha256, st["mono"]),
            ]
        )
    story.append(_table(rows, [40 * mm, 26 * mm, 40 * mm, 60 * mm]))
    late = c.opening.get("late_attempts") or []
    story.append(text_paragraph(f"Forsøk på å levere etter fristen: {len(late)}.", st["small"]))
    return story


def _report_request(r: RequestSection, c: ReportContent, st: dict[str, Any]) -> list[Flowable]:
    story: list[Flowable] = [
        text_paragraph(f"3. Vurdering: {r.vendor_name}", st["h1"]),
        text_paragraph(f"Utfall: {r.outcome.label if r.outcome else '–'}", st["body"]),
        text_paragraph("Kvalifikasjonskrav", st["h2"]),
    ]
    rows: list[list[Any]] = [[Paragraph(t, st["head"]) for t in ("Krav", "Vurdering", "Begrunnelse")]]
    for a in r.requirements:
        status = STATUS_TEXT[a.status] if a.status is not None else "Ikke vurdert"
        rows.append(
            [
                text_paragraph(a.text, st["cell"]),
                text_paragraph(status, st["cell"]),
                text_paragraph(a.justification, st["cell"]),
            ]
        )
    story.append(_table(rows, [62 * mm, 24 * mm, 80 * mm]))
    story.append(text_paragraph("Avvisningsgrunner", st["h2"]))
    rows = [[Paragraph(t, st["head"]) for t in ("Grunn", "Foreligger", "Begrunnelse")]]
    for g in r.grounds:
        applies = "Ikke vurdert" if g.applies is None else ("Ja" if g.applies else "Nei")
        rows.append(
            [
                text_paragraph(g.text, st["cell"]),
                text_paragraph(applies, st["cell"]),
                text_paragraph(g.reason, st["cell"]),
            ]
        )
    story.append(_table(rows, [62 * mm, 24 * mm, 80 * mm]))
    story.append(text_paragraph("Avklaringer", st["h2"]))
    if not r.clarifications:
        story.append(text_paragraph("Ingen avklaringer ble bedt om.", st["body"]))
    for q in r.clarifications:
        answer = (
            f"Svar {format_datetime(q.answered_at)}: {q.answer}"
            if q.answered_at is not None
            else "Ikke besvart."
        )
        story.append(
            KeepTogether(
                [
                    text_paragraph(
                        f"Spurt {format_datetime(q.asked_at)}, frist {format_datetime(q.deadline)}"
                        + (f" (krav: {q.requirement})" if q.requirement else "")
                        + f": {q.question}",
                        st["body"],
                    ),
                    text_paragraph(answer, st["small"]),
                ]
            )
        )
    story.append(text_paragraph("Utvelgelse: konsensuspoeng", st["h2"]))
    rows = [[Paragraph(t, st["head"]) for t in ("Kriterium", "Vekt", "Poeng", "Begrunnelse")]]
    for s in r.scores:
        rows.append(
            [
                text_paragraph(s.name, st["cell"]),
                text_paragraph(f"{format_decimal(s.weight, 2)} %", st["cell"]),
                text_paragraph(_score(s.score), st["cell"]),
                text_paragraph(s.justification, st["cell"]),
            ]
        )
    story.append(_table(rows, [44 * mm, 18 * mm, 16 * mm, 88 * mm]))
    story.append(
        text_paragraph(
            f"Vektet sum: {_total(r.total)}. Rangering: {r.rank if r.rank is not None else 'ikke rangert'}.",
            st["body"],
        )
    )
    return story


def _report_ranking(c: ReportContent, st: dict[str, Any]) -> list[Flowable]:
    story: list[Flowable] = [text_paragraph("4. Rangering", st["h1"])]
    rows: list[list[Any]] = [[Paragraph(t, st["head"]) for t in ("Rangering", "Leverandør", "Vektet sum")]]
    rows += [
        [
            text_paragraph(rank, st["cell"]),
            text_paragraph(name, st["cell"]),
            text_paragraph(_total(total), st["cell"]),
        ]
        for rank, name, total in c.ranking
    ]
    story.append(_table(rows, [24 * mm, 100 * mm, 42 * mm]))
    if c.tie_decision is None:
        story.append(text_paragraph("Ingen likhet ved grensen måtte avgjøres.", st["body"]))
    else:
        order, reason = c.tie_decision
        story += [
            text_paragraph("Avgjørelse ved likhet", st["h2"]),
            text_paragraph("Rekkefølge: " + ", ".join(order), st["body"]),
            text_paragraph(f"Begrunnelse: {reason}", st["body"]),
        ]
    return story


def _report_proposals(c: ReportContent, st: dict[str, Any]) -> list[Flowable]:
    story: list[Flowable] = [text_paragraph("5. Forslag og godkjenninger", st["h1"])]
    for p in c.proposals:
        state = (
            f"endelig {format_datetime(p.final_at, seconds=True)}"
            if p.final_at is not None
            else (
                f"trukket {format_datetime(p.withdrawn_at)}"
                if p.withdrawn_at is not None
                else "til godkjenning"
            )
        )
        story += [
            text_paragraph(
                f"Forslag {p.number}, foreslått {format_datetime(p.proposed_at, seconds=True)}, {state}",
                st["h2"],
            ),
            text_paragraph("Inviteres: " + (", ".join(p.invited) or "–"), st["body"]),
            text_paragraph("Forslagets sjekksum (SHA-256):", st["small"]),
            text_paragraph(p.sha256, st["mono"]),
        ]
        if p.approvals:
            rows: list[list[Any]] = [
                [
                    Paragraph(t, st["head"])
                    for t in ("Kommune", "Signert av", "Vedtak", "Tidspunkt", "Sjekksum")
                ]
            ]
            for a in p.approvals:
                rows.append(
                    [
                        text_paragraph(a.municipality, st["cell"]),
                        text_paragraph(a.signer, st["cell"]),
                        text_paragraph(
                            ("Godkjent" if a.approved else "Ikke godkjent")
                            + (f": {a.comment}" if a.comment else ""),
                            st["cell"],
                        ),
                        text_paragraph(format_datetime(a.decided_at), st["cell"]),
                        text_paragraph(a.sha256[:16] + "…", st["mono"]),
                    ]
                )
            story.append(_table(rows, [30 * mm, 32 * mm, 38 * mm, 34 * mm, 32 * mm]))
    return story


def _report_outcome(c: ReportContent, st: dict[str, Any]) -> list[Flowable]:
    story: list[Flowable] = [text_paragraph("6. Utfall", st["h1"])]
    rows: list[list[Any]] = [[Paragraph(t, st["head"]) for t in ("Leverandør", "Utfall")]]
    rows += [
        [
            text_paragraph(r.vendor_name, st["cell"]),
            text_paragraph(r.outcome.label if r.outcome else "–", st["cell"]),
        ]
        for r in c.requests
    ]
    story.append(_table(rows, [100 * mm, 66 * mm]))
    return story
