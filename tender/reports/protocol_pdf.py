"""The procurement protocol (anskaffelsesprotokoll) as PDF: the same dict as its JSON
(tender.protocol.operations.protocol_of), readable, in the order the procurement happened. Times in Norwegian
time, numbers in Norwegian form (tender.formatting); texts typed by people are escaped, never markup."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer, TableStyle

from tender.audit import labels as audit_labels
from tender.formatting import format_date, format_datetime, format_decimal
from tender.reports import model_wording as wording
from tender.reports.pdf_pages import CellParagraph, CellTable, build_a4
from tender.reports.spec_pdf import fonts

#: the page's width for text, A4 less 18 mm each side
_WIDTH = 174 * mm


def _text(value: Any) -> str:
    """Paragraph markup for plain text: escaped, line breaks kept."""
    return escape("" if value is None else str(value)).replace("\n", "<br/>")


def _when(value: str | None) -> str:
    return format_datetime(datetime.fromisoformat(value)) if value else "–"


def _day(value: str | None) -> str:
    return format_date(date.fromisoformat(value)) if value else "–"


def _num(value: str | None) -> str:
    return format_decimal(value) if value not in (None, "") else "–"


def _yes(value: bool) -> str:
    return "ja" if value else "nei"


class _Writer:
    def __init__(self) -> None:
        f = fonts()
        self.body = ParagraphStyle("body", fontName=f.regular, fontSize=9.5, leading=12.5, spaceAfter=3)
        self.title = ParagraphStyle("title", parent=self.body, fontName=f.bold, fontSize=16, leading=20)
        self.h1 = ParagraphStyle(
            "h1",
            parent=self.body,
            fontName=f.bold,
            fontSize=13,
            leading=17,
            spaceBefore=10,
            keepWithNext=True,
        )
        self.h2 = ParagraphStyle(
            "h2",
            parent=self.body,
            fontName=f.bold,
            fontSize=10.5,
            leading=14,
            spaceBefore=6,
            keepWithNext=True,
        )
        self.meta = ParagraphStyle(
            "meta", parent=self.body, fontSize=8, leading=10.5, textColor=colors.HexColor("#444444")
        )
        self.cell = ParagraphStyle("cell", parent=self.body, fontSize=7.5, leading=9.5, spaceAfter=0)
        self.head = ParagraphStyle("head", parent=self.cell, fontName=f.bold)
        self.story: list[Flowable] = []
        #: the cells' markup read once per distinct text and style (tender.reports.pdf_pages.CellParagraph)
        self.parsed: dict[Any, Any] = {}
        self.section_no = 0

    def section(self, heading: str) -> None:
        self.section_no += 1
        self.story.append(Paragraph(_text(f"{self.section_no}. {heading}"), self.h1))

    def sub(self, heading: str) -> None:
        self.story.append(Paragraph(_text(heading), self.h2))

    def line(self, text: str, style: ParagraphStyle | None = None) -> None:
        self.story.append(Paragraph(_text(text), style or self.body))

    def facts(self, rows: Sequence[tuple[str, Any]]) -> None:
        self.table(["", ""], [[k, v] for k, v in rows], [50 * mm, _WIDTH - 50 * mm], header=False)

    def table(
        self,
        heads: Sequence[str],
        rows: Sequence[Sequence[Any]],
        widths: Sequence[float],
        *,
        header: bool = True,
    ) -> None:
        if not rows:
            self.line("Ingen.", self.meta)
            return
        data = [[CellParagraph(_text(h), self.head, self.parsed) for h in heads]] if header else []
        data += [[CellParagraph(_text(v), self.cell, self.parsed) for v in row] for row in rows]
        table = CellTable(data, colWidths=list(widths), repeatRows=1 if header else 0)
        table.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#999999")),
                    ("LEFTPADDING", (0, 0), (-1, -1), 2),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 2),
                    *([("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8e8e8"))] if header else []),
                ]
            )
        )
        self.story.append(table)
        self.story.append(Spacer(1, 2 * mm))


def _widths(*parts: float) -> list[float]:
    total = sum(parts)
    return [_WIDTH * p / total for p in parts]


def _price_evaluation_facts(found: dict[str, Any] | None) -> list[tuple[str, str]]:
    """How the price schedule makes the evaluated price (a protocol from before issue 16 has none)."""
    if not found:
        return []
    rate = found["discount_rate_percent"]
    return [
        ("Evaluert pris", f"{found['method_label']}. {found['formula']}"),
        ("Diskonteringsrente", f"{wording.number_text(rate)} % per år" if rate is not None else "–"),
        ("Post uten pris", found["gaps_label"]),
    ]


def render_protocol_pdf(p: dict[str, Any]) -> bytes:
    """The PDF of the protocol ``p`` (as :func:`tender.protocol.operations.protocol_of` gives it)."""
    w = _Writer()
    t = p["tender"]
    w.story += [
        Paragraph(_text("Anskaffelsesprotokoll"), w.title),
        Paragraph(_text(f"{t['title']} (saksnummer {t['case_reference']})"), w.body),
        Paragraph(_text(f"Utskrevet {_when(p['generated_at'])}."), w.meta),
    ]
    if p["sealed"]:
        w.line(
            "Tilbudene er ikke åpnet: protokollen viser ingenting om tilbudene, og revisjonssporet viser "
            "ikke leverandørenes hendelser før åpningen.",
            w.meta,
        )

    w.section("Konkurransen")
    w.facts(
        [
            ("Tittel", t["title"]),
            ("Saksnummer", t["case_reference"]),
            ("Prosedyre", t["procedure_label"]),
            ("Opprettet", _when(t["created_at"])),
            ("Frist for forespørsel om å delta", _when(t["participation_deadline"])),
            ("Frist for spørsmål", _when(t["questions_deadline"])),
            ("Tilbudsfrist (gjeldende runde)", _when(t["bid_deadline"])),
            ("Personer som åpner tilbudene", t["opening_persons"]),
            ("Gjeldende tilbudsrunde", t["current_round"]),
            ("Karensperiode (dager)", t["standstill_days"]),
        ]
    )

    w.section("Kommunene")
    for key, heading in (("bound", "Kommuner som er bundet fra start"), ("option", "Opsjonskommuner")):
        w.sub(heading)
        w.table(
            ["Kommune", "Kommunenummer", "Innbyggere"],
            [[m["name"], m["kommunenummer"], _num(str(m["population"]))] for m in p["municipalities"][key]],
            _widths(3, 1.5, 1.5),
        )

    w.section("Kravspesifikasjonen")
    spec = p["specification"]
    if spec is None:
        w.line("Ingen kravspesifikasjon.", w.meta)
    else:
        for v in spec["versions"]:
            published = " (publisert)" if v["published"] else ""
            w.sub(f"Versjon {v['number']}{published}")
            w.line(f"Låst {_when(v['frozen_at'])}. SHA-256: {v['content_hash']}", w.meta)
            w.table(
                ["Kommune", "Vedtak", "Signatar", "Tidspunkt", "Kommentar", "SHA-256"],
                [
                    [
                        d["municipality"],
                        d["decision_label"],
                        d["signer"],
                        _when(d["decided_at"]),
                        d["comment"],
                        d["content_hash"],
                    ]
                    for d in v["decisions"]
                ],
                _widths(2, 1.3, 2, 2, 3, 3.5),
            )

    w.section("Konkurransedokumentene og rettelser")
    for v in p["documents"]:
        kind = "rettelse" if v["is_correction"] else "versjon"
        w.sub(f"Dokumentsett {v['number']} ({kind})")
        w.line(f"Publisert {_when(v['published_at'])}. SHA-256: {v['content_sha256'] or '–'}", w.meta)
        w.table(
            ["Dokument", "Fil", "Størrelse (byte)", "SHA-256"],
            [[d["label"], d["filename"], _num(str(d["size"])), d["sha256"]] for d in v["documents"]],
            _widths(3, 3, 1.3, 4),
        )
        if v["approvals"]:
            w.line(
                "Godkjent av: "
                + "; ".join(
                    f"{a['municipality']} ({a['signer']}, {_when(a['approved_at'])})" for a in v["approvals"]
                ),
                w.meta,
            )
    if not p["documents"]:
        w.line("Ingen konkurransedokumenter er publisert.", w.meta)
    w.sub("Rettelser")
    w.table(
        ["Nr.", "Begrunnelse", "Publisert", "Fristen"],
        [
            [c["number"], c["reason"], _when(c["published_at"]), c["extension_decision"]]
            for c in p["corrections"]
        ],
        _widths(0.6, 4, 2, 4),
    )

    pq = p["prequalification"]
    if pq is not None:
        w.section("Prekvalifiseringen")
        w.line(f"Oppsettet låst {_when(pq['frozen_at'])}. SHA-256: {pq['frozen_sha256'] or '–'}", w.meta)
        requirements = {r["id"]: r["text"] for r in pq["qualification_requirements"]}
        grounds = {g["id"]: g["text"] for g in pq["exclusion_grounds"]}
        criteria = {c["id"]: c["name"] for c in pq["selection_criteria"]}
        for r in pq["requests"]:
            w.sub(f"{r['vendor']} ({r['organisasjonsnummer']}): {r['outcome_label'] or 'ikke avgjort'}")
            w.table(
                ["Kvalifikasjonskrav", "Vurdering", "Begrunnelse"],
                [
                    [requirements.get(a["requirement_id"], ""), a["status"], a["justification"]]
                    for a in r["qualification"]
                ],
                _widths(4, 1.3, 4),
            )
            w.table(
                ["Avvisningsgrunn", "Foreligger", "Begrunnelse"],
                [[grounds.get(a["ground_id"], ""), _yes(a["applies"]), a["reason"]] for a in r["exclusion"]],
                _widths(4, 1.3, 4),
            )
            w.table(
                ["Utvelgelseskriterium", "Evaluator", "Poeng", "Begrunnelse"],
                [
                    [
                        criteria.get(s["criterion_id"], ""),
                        s["evaluator"],
                        _num(s["score"]),
                        s["justification"],
                    ]
                    for s in r["individual_scores"]
                ]
                + [
                    [criteria.get(s["criterion_id"], ""), "Konsensus", _num(s["score"]), s["justification"]]
                    for s in r["consensus_scores"]
                ],
                _widths(3, 2, 1, 4),
            )
        w.sub("Forslag til utvelgelse")
        for proposal in pq["proposals"]:
            w.line(
                f"Forslag {proposal['number']} ({_when(proposal['proposed_at'])}), "
                f"SHA-256 {proposal['sha256']}; endelig {_when(proposal['final_at'])}",
                w.meta,
            )
            w.table(
                ["Kommune", "Godkjent", "Signatar", "Tidspunkt", "SHA-256"],
                [
                    [a["municipality"], _yes(a["approved"]), a["signer"], _when(a["decided_at"]), a["sha256"]]
                    for a in proposal["approvals"]
                ],
                _widths(2, 1, 2, 2, 4),
            )
        w.sub("Brev til leverandørene")
        w.table(
            ["Leverandør", "Utfall", "Fil", "SHA-256"],
            [[x["vendor"], x["outcome_label"], x["filename"], x["sha256"]] for x in pq["letters"]],
            _widths(2, 2, 3, 4),
        )

    w.section("Spørsmål og svar")
    for q in p["questions"]:
        w.sub(f"Spørsmål nr. {q['number']} (publisert {_when(q['published_at'])})")
        w.line(q["question"])
        w.line(f"Svar: {q['answer']}")
        if q["approvals"]:
            w.line(
                "Tekstene godkjent av: "
                + "; ".join(
                    f"{a['municipality']} ({a['signer']}, {_when(a['approved_at'])})" for a in q["approvals"]
                )
                + f". SHA-256: {q['sha256']}",
                w.meta,
            )
    if not p["questions"]:
        w.line("Ingen spørsmål er besvart og publisert.", w.meta)

    w.section("Åpningsprotokoller")
    for o in p["openings"]:
        what = "Forespørslene om å delta" if o["kind"] == "requests" else f"Tilbudene i runde {o['round_no']}"
        w.sub(f"{what} åpnet {_when(o['opened_at'])}")
        w.line(
            "Bekreftet av: " + "; ".join(f"{x['name']} ({_when(x['confirmed_at'])})" for x in o["opened_by"]),
            w.meta,
        )
        w.table(
            ["Leverandør", "Org.nr.", "Levert", "Kvittering (SHA-256)"],
            [
                [i["vendor"], i["organisasjonsnummer"], _when(i["submitted_at"]), i["receipt_sha256"] or "–"]
                for i in o["opened"]
            ],
            _widths(3, 1.5, 2, 4),
        )
        if o["late_attempts"]:
            w.line(
                "For sene forsøk: "
                + "; ".join(f"{a['vendor']} {a['action']} {_when(a['at'])}" for a in o["late_attempts"]),
                w.meta,
            )
    if not p["openings"]:
        w.line("Ingenting er åpnet.", w.meta)

    w.section("Evalueringsmodellen")
    model = p["evaluation_model"]
    if model is None:
        w.line("Ingen evalueringsmodell.", w.meta)
    else:
        w.line(
            f"Låst {_when(model['frozen_at'])}, SHA-256 {model['frozen_hash'] or '–'}. Prismetode: "
            f"{model['price_method_label']} ({model['price_method']}). Kontraktsperiode: "
            f"{model['contract_period']} år.",
            w.meta,
        )
        parameters = {p["name"]: p["value"] for p in model["price_parameters"]}
        w.facts(
            [
                ("Skala", f"0–{_num(model['scale_max'])}, {wording.step_text(model['scale_step'])}"),
                ("Konsensus", wording.consensus_sentence(model["consensus_rule"])),
                ("Prisformel", model["price_formula"] or "–"),
                ("Parametere", "; ".join(wording.parameter_lines(parameters)) or "–"),
                (
                    "Minste vektede kvalitetspoeng",
                    wording.number_text(model["min_quality"]) if model["min_quality"] is not None else "–",
                ),
                *_price_evaluation_facts(model.get("price_evaluation")),
            ]
        )
        w.table(
            ["Nøkkel", "Kriterium", "Overordnet", "Vekt", "Minstepoeng"],
            [
                [
                    c["key"],
                    c["name"],
                    c["parent_key"] or "",
                    f"{_num(c['weight'])} %",
                    wording.number_text(c["min_score"]) if c["min_score"] is not None else "–",
                ]
                for c in model["criteria"]
            ],
            _widths(1.5, 4, 1.5, 1, 1.2),
        )
        if model["min_quality"] is not None or any(c["min_score"] is not None for c in model["criteria"]):
            w.line(
                "Et tilbud under en minstegrense for kvalitet avvises av evalueringen, med grensen nevnt.",
                w.meta,
            )

    names = {}
    w.section("Tilbud, avvisninger og poeng")
    for r in p["evaluation"]["rounds"]:
        names.update({b["bid_id"]: b["vendor"] for b in r["bids"]})
        w.sub(f"Runde {r['round_no']}")
        w.table(
            ["Leverandør", "Levert", "Kvittering (SHA-256)", "Avvist", "Begrunnelse for avvisning"],
            [
                [
                    b["vendor"],
                    _when(b["submitted_at"]),
                    b["receipt_sha256"] or "–",
                    _yes(b["rejected"] or bool(b["threshold_failures"])),
                    b["rejection_reason"] if b["rejected"] else b["threshold_reason"],
                ]
                for b in r["bids"]
            ],
            _widths(2.5, 2, 3.5, 0.8, 3),
        )
        w.table(
            ["Leverandør", "Vedlegg", "Størrelse (byte)", "SHA-256"],
            [
                [b["vendor"], a["filename"], _num(str(a["size"])), a["sha256"]]
                for b in r["bids"]
                for a in b["attachments"]
            ],
            _widths(2.5, 3, 1.3, 4),
        )
        w.line("Konsensuspoeng", w.h2)
        w.table(
            ["Leverandør", "Kriterium", "Poeng", "Begrunnelse"],
            [
                [names.get(s["bid_id"], ""), s["criterion_key"], _num(s["score"]), s["justification"]]
                for s in r["consensus_scores"]
            ],
            _widths(2.5, 1.3, 0.8, 6),
        )
        w.line("Individuelle poeng", w.h2)
        w.table(
            ["Leverandør", "Kriterium", "Evaluator", "Poeng", "Begrunnelse"],
            [
                [
                    names.get(s["bid_id"], ""),
                    s["criterion_key"],
                    s["evaluator"],
                    _num(s["score"]),
                    s["justification"],
                ]
                for s in r["individual_scores"]
            ],
            _widths(2.5, 1.3, 2, 0.8, 5),
        )
    if not p["evaluation"]["rounds"]:
        w.line("Ingen tilbud er åpnet.", w.meta)

    n = p["negotiation"]
    if n is not None:
        w.section("Forhandlingene")
        w.line(
            f"Beslutning: {n['decision_label'] or 'ikke tatt'} ({_when(n['decided_at'])}, "
            f"{n['decided_by']}). {n['decision_reason']}"
        )
        w.sub("Tilbudsrunder")
        w.table(
            ["Runde", "Type", "Frist", "Kalt inn", "Åpnet", "Invitert"],
            [
                [
                    r["number"],
                    r["kind_label"],
                    _when(r["deadline"]),
                    _when(r["called_at"]),
                    _when(r["opened_at"]),
                    ", ".join(r["invited"]) if r["invited"] is not None else "alle",
                ]
                for r in n["rounds"]
            ],
            _widths(0.7, 2, 2, 2, 2, 3),
        )
        w.sub("Møter")
        w.table(
            ["Runde", "Leverandør", "Tidspunkt", "Tema", "Sagt til leverandøren"],
            [
                [m["round_no"], m["vendor"], _when(m["held_at"]), m["topics"], m["vendor_told"]]
                for m in n["meetings"]
            ],
            _widths(0.7, 2, 2, 3, 3),
        )
        w.sub("Reduksjoner")
        w.table(
            ["Runde", "Leverandør", "Begrunnelse", "Besluttet"],
            [
                [r["round_no"], x["vendor"], x["reason"], _when(r["decided_at"])]
                for r in n["reductions"]
                for x in r["leaving"]
            ],
            _widths(0.7, 2, 5, 2),
        )

    a = p["award"]
    w.section("Innstilling og kommunenes godkjenning")
    for rec in a["recommendations"]:
        w.sub(f"Innstilling {rec['number']}: {rec['state_label']}")
        content = rec["content"] or {}
        winner = next(
            (b["vendor"] for b in content.get("bids", []) if b.get("bid_id") == rec["winner_bid_id"]), ""
        )
        w.line(
            f"Runde {rec['round_no']}. Vinner: {winner or names.get(rec['winner_bid_id'], '–')}. Låst "
            f"{_when(rec['frozen_at'])}, SHA-256 {rec['content_sha256'] or '–'}.",
            w.meta,
        )
        if rec["summary"]:
            w.line(rec["summary"])
        if content.get("bids"):
            w.table(
                ["Rangering", "Leverandør", "Sum poeng", "Avvist"],
                [
                    [
                        b.get("rank") or "–",
                        b.get("vendor", ""),
                        _num(b.get("total")),
                        _yes(bool(b.get("rejected"))),
                    ]
                    for b in content["bids"]
                ],
                _widths(1, 4, 1.5, 1),
            )
        w.table(
            ["Kommune", "Vedtak", "Organ", "Dato", "Saksnummer", "Signatar", "SHA-256", "Bortfalt"],
            [
                [
                    s["municipality"],
                    s["decision_label"],
                    s["body_label"],
                    _day(s["decision_date"]),
                    s["case_number"],
                    s["signer"],
                    s["content_sha256"],
                    _when(s["lapsed_at"]) if s["lapsed_at"] else "nei",
                ]
                for s in rec["sign_offs"]
            ],
            _widths(1.6, 1, 1.8, 1.2, 1.4, 1.6, 3, 1.2),
        )
    if not a["recommendations"]:
        w.line("Ingen innstilling.", w.meta)

    w.section("Meddelelse om tildeling og karensperiode")
    issue = a["notices"]
    if issue is None:
        w.line("Ingen meddelelser er sendt.", w.meta)
    else:
        w.line(
            f"Sendt {_when(issue['issued_at'])} av {issue['issued_by']}. Karensperioden "
            f"({issue['standstill_days']} dager) slutter {_when(issue['standstill_ends_at'])}."
        )
        w.table(
            ["Leverandør", "Valgt", "Fil", "SHA-256"],
            [[x["vendor"], _yes(x["chosen"]), x["filename"], x["sha256"]] for x in issue["notices"]],
            _widths(2.5, 0.8, 3, 4),
        )

    w.section("Kontrakten")
    contract = a["contract"]
    if contract is None:
        w.line("Kontrakten er ikke signert.", w.meta)
    else:
        w.facts(
            [
                ("Leverandør", contract["vendor"]),
                ("Signert", _when(contract["signed_at"])),
                ("Signert av", "; ".join(contract["signed_by"])),
                ("Fil", contract["filename"]),
                ("SHA-256", contract["sha256"]),
            ]
        )

    w.section("Tidslinje")
    w.table(
        ["Tidspunkt", "Hendelse"],
        [[_when(e["at"]), e["label"]] for e in p["timeline"]],
        _widths(1, 4),
    )

    audit = p["audit"]
    chain = audit["chain"]
    w.section("Revisjonsspor")
    verdict = (
        "Hash-kjeden er kontrollert og hel"
        if chain["intact"]
        else f"Hash-kjeden er brutt: {chain['problem']}"
    )
    counted = (
        f" ({_num(str(chain['events_checked']))} hendelser kontrollert)" if chain["events_checked"] else ""
    )
    w.line(f"{verdict}{counted}.")
    w.table(
        ["Nr.", "Tidspunkt", "Hvem", "Hendelse", "Innhold"],
        [
            [
                e["seq"] or "",
                _when(e["at"]),
                e["actor"],
                e["type_label"],
                "\n".join(
                    f"{c.label}: {c.text}"
                    for c in audit_labels.changes(json.dumps(e["payload"], ensure_ascii=False))
                ),
            ]
            for e in audit["events"]
        ],
        _widths(0.6, 1.6, 2.2, 2.4, 5),
    )
    return build_a4(
        w.story,
        title=f"Anskaffelsesprotokoll – {t['title']}",
        subject=t["title"],
        footer=f"{t['title']} – anskaffelsesprotokoll",
        margin=18,
    )
