"""The Noark 5 validation report as PDF, rendered from the report's JSON form (``Report.to_json``).

Findings are grouped by severity (errors, warnings, information), then by check, each with its count
and the first ``first_n`` instances (the JSON report has them all). Text is set in DejaVu Sans when it
is installed so that æ, ø, å, « » and – come out right; the Latin-1 fallback (Helvetica) covers those
too.
"""

from __future__ import annotations

import io
from typing import Any, Final
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from tender.core.noark.report import version_basis_words
from tender.formatting import format_decimal, format_moments_in, format_number
from tender.reports.spec_pdf import fonts

SEVERITIES: Final = (
    ("error", "Feil", colors.HexColor("#b3261e")),
    ("warning", "Advarsler", colors.HexColor("#8a5a00")),
    ("info", "Opplysninger og statistikk", colors.HexColor("#2d5b88")),
)
STATUS_NO: Final = {
    "pass": "bestått",
    "fail": "feil",
    "warning": "advarsel",
    "info": "info",
    "skipped": "ikke kjørt",
}


def _styles() -> dict[str, ParagraphStyle]:
    f = fonts()
    base = ParagraphStyle("body", fontName=f.regular, fontSize=9, leading=11.5)
    return {
        "title": ParagraphStyle("title", parent=base, fontName=f.bold, fontSize=16, leading=20, spaceAfter=4),
        "h1": ParagraphStyle(
            "h1", parent=base, fontName=f.bold, fontSize=13, leading=16, spaceBefore=10, spaceAfter=4
        ),
        "h2": ParagraphStyle(
            "h2", parent=base, fontName=f.bold, fontSize=10, leading=13, spaceBefore=6, spaceAfter=2
        ),
        "body": base,
        "small": ParagraphStyle(
            "small", parent=base, fontSize=8, leading=10, textColor=colors.HexColor("#444444")
        ),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8, leading=10),
    }


def _p(text: object, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(str(text)), style)


def _location(f: dict[str, Any]) -> str:
    parts = []
    if f.get("file"):
        parts.append(str(f["file"]))
    if f.get("line"):
        parts.append(f"linje {f['line']}")
    if f.get("element"):
        parts.append((f"{f['m_number']} " if f.get("m_number") else "") + str(f["element"]))
    return ", ".join(parts)


def render_noark_pdf(report: dict[str, Any], first_n: int = 25, compress: bool = True) -> bytes:
    """The PDF for a report in its JSON form; ``first_n`` instances are shown per check and severity."""
    st = _styles()
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=16 * mm,
        rightMargin=16 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
        title="Noark 5-kontroll",
        author="tender",
        pageCompression=1 if compress else 0,
    )
    story: list[Any] = []
    extract = report.get("extract", {})
    verdict = report.get("verdict", {})
    story.append(_p("Kontroll av Noark 5-arkivuttrekk", st["title"]))
    ok = verdict.get("valid")
    story.append(
        _p(
            ("Gyldig" if ok else "Ikke gyldig") + f" – {format_number(verdict.get('errors', 0))} feil, "
            f"{format_number(verdict.get('warnings', 0))} advarsler",
            st["h2"],
        )
    )
    meta = [
        ("Uttrekk", extract.get("label")),
        ("Beskrivelse", extract.get("addml")),
        ("Oppgitt versjon", extract.get("stated_version") or "–"),
        (
            "Kontrollert mot",
            f"Noark 5 v{extract.get('noark_version')}"
            + (f" ({version_basis_words(extract)})" if version_basis_words(extract) else ""),
        ),
        ("Startet", format_moments_in(report.get("started_at"))),
        ("Varighet", f"{format_decimal(report.get('duration_seconds') or 0, 1)} s"),
        ("Rapportformat", f"{report.get('format')} {report.get('version')}"),
    ]
    table = Table([[_p(k, st["cell"]), _p(v, st["cell"])] for k, v in meta], colWidths=[35 * mm, 140 * mm])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("BOTTOMPADDING", (0, 0), (-1, -1), 1)]))
    story += [table, Spacer(1, 4 * mm)]

    # overview: every check with its status and counts
    story.append(_p("Oversikt over kontrollene", st["h1"]))
    rows = [[_p(h, st["cell"]) for h in ("Kontroll", "Navn", "Status", "Feil", "Adv.", "Info", "Arkade")]]
    for c in report.get("checks", []):
        counts = c.get("counts", {})
        rows.append(
            [
                _p(c["id"], st["cell"]),
                _p(c["name_no"], st["cell"]),
                _p(STATUS_NO.get(c["status"], c["status"]), st["cell"]),
                _p(format_number(counts.get("error", 0)), st["cell"]),
                _p(format_number(counts.get("warning", 0)), st["cell"]),
                _p(format_number(counts.get("info", 0)), st["cell"]),
                _p(", ".join(c.get("arkade", [])), st["cell"]),
            ]
        )
    overview = Table(
        rows, colWidths=[31 * mm, 60 * mm, 17 * mm, 10 * mm, 10 * mm, 10 * mm, 40 * mm], repeatRows=1
    )
    overview.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#bbbbbb")),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    story.append(overview)

    for severity, title_no, colour in SEVERITIES:
        blocks = [
            (c, [f for f in c.get("findings", []) if f.get("severity") == severity])
            for c in report.get("checks", [])
            if c.get("counts", {}).get(severity, 0)
        ]
        if not blocks:
            continue
        heading = ParagraphStyle("sev", parent=st["h1"], textColor=colour)
        story.append(_p(title_no, heading))
        for check, findings in blocks:
            count = check["counts"][severity]
            head = _p(f"{check['id']} {check['name_no']} – {format_number(count)}", st["h2"])
            items: list[Any] = [head]
            for f in findings[:first_n]:
                where = _location(f)
                items.append(_p(f["message_no"] + (f"  [{where}]" if where else ""), st["body"]))
            hidden = count - min(len(findings), first_n)
            if hidden > 0:
                items.append(
                    _p(f"… og {format_number(hidden)} til (se JSON-rapporten for alle).", st["small"])
                )
            story.append(KeepTogether(items[:3]))
            story.extend(items[3:])
    doc.build(story)
    return buf.getvalue()
