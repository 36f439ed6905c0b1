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

from tender.core.noark.report import ArkadeGroup, arkade_groups, version_basis_words
from tender.formatting import format_decimal, format_moments_in, format_number
from tender.reports.noark_context import build_context_view
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


ARKADE_RESULT_NO: Final = {"fail": "feil", "pass": "bestått", "not run": "ikke kjørt"}
_GRID_STYLE: Final = [
    ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#bbbbbb")),
    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
]


def _grid(rows: list[list[Any]], widths: list[float]) -> Table:
    table = Table(rows, colWidths=[w * mm for w in widths], repeatRows=1)
    table.setStyle(TableStyle(_GRID_STYLE))
    return table


def _context(report: dict[str, Any], st: dict[str, ParagraphStyle]) -> list[Any]:
    """The extract's context as ADDML states it, and the counts stated against those found."""
    view = build_context_view(report)
    if view is None:
        return []
    story: list[Any] = [
        _p(f"Uttrekkets kontekst (fra {view.addml})" if view.addml else "Uttrekkets kontekst", st["h1"])
    ]
    facts = [
        ("Arkivskaper", view.record_creators),
        ("System", view.system_name),
        ("Systemtype", view.system_type),
        ("Arkiv", view.archive),
        ("Arkivperiode", f"{view.period_start} – {view.period_end}"),
        ("Periodeskille", f"inngående: {view.incoming}, utgående: {view.outgoing}"),
    ]
    story.append(_grid([[_p(k, st["cell"]), _p(v, st["cell"])] for k, v in facts], [35, 140]))
    if view.counts:
        story.append(_p("Antall oppgitt mot funnet", st["h2"]))
        rows = [[_p(h, st["cell"]) for h in ("Element", "Hvor", "Oppgitt i", "Oppgitt", "Funnet", "Stemmer")]]
        for c in view.counts:
            agrees = "–" if c.agrees is None else ("ja" if c.agrees else "nei")
            rows.append(
                [_p(x, st["cell"]) for x in (c.element, c.where, c.source, c.stated, c.found, agrees)]
            )
        story.append(_grid(rows, [38, 34, 44, 18, 18, 18]))
    return story + [Spacer(1, 4 * mm)]


def _group_cells(g: ArkadeGroup, st: dict[str, ParagraphStyle]) -> list[Any]:
    """A group's id, name, result and counts as table cells."""
    counts = [format_number(g.counts.get(k, 0)) for k in ("error", "warning", "info")]
    return [_p(x, st["cell"]) for x in (g.id, g.name_no, ARKADE_RESULT_NO.get(g.result, g.result), *counts)]


def _arkade_overview(report: dict[str, Any], st: dict[str, ParagraphStyle]) -> list[Any]:
    """Every Arkade test (N5.01–N5.64, in Arkade's order) with its result and counts, then our own checks."""
    grouping = arkade_groups(report)
    story: list[Any] = [_p("Arkade-tester (N5.01–N5.64)", st["h1"])]
    head = ("Test", "Navn", "Resultat", "Feil", "Adv.", "Info", "Dekning")
    rows = [[_p(h, st["cell"]) for h in head]]
    for g in grouping.tests:
        coverage = g.coverage if g.coverage == "full" else f"{g.coverage}: {g.note_no}"
        rows.append(_group_cells(g, st) + [_p(coverage, st["cell"])])
    story.append(_grid(rows, [13, 50, 17, 11, 11, 11, 65]))
    if grouping.own:
        story.append(_p("Kontroller Arkade ikke har", st["h2"]))
        rows = [[_p(h, st["cell"]) for h in ("Kontroll", "Navn", "Resultat", "Feil", "Adv.", "Info")]]
        rows += [_group_cells(g, st) for g in grouping.own]
        story.append(_grid(rows, [31, 90, 20, 12, 12, 12]))
    return story + [Spacer(1, 4 * mm)]


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
    why = version_basis_words(extract)
    meta = [
        ("Uttrekk", extract.get("label")),
        ("Beskrivelse", extract.get("addml")),
        ("Oppgitt versjon", extract.get("stated_version") or "–"),
        ("Kontrollert mot", f"Noark 5 v{extract.get('noark_version')}" + (f" ({why})" if why else "")),
        ("Startet", format_moments_in(report.get("started_at"))),
        ("Varighet", f"{format_decimal(report.get('duration_seconds') or 0, 1)} s"),
        ("Rapportformat", f"{report.get('format')} {report.get('version')}"),
    ]
    table = Table([[_p(k, st["cell"]), _p(v, st["cell"])] for k, v in meta], colWidths=[35 * mm, 140 * mm])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("BOTTOMPADDING", (0, 0), (-1, -1), 1)]))
    story += [table, Spacer(1, 4 * mm)]

    story += _context(report, st)
    story += _arkade_overview(report, st)

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
