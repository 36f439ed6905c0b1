"""The pages' charts: each page's data turned into the plain rows ``tender.core.charts`` draws, with the words
in Norwegian and every number and date through ``tender.formatting``. Jinja globals (``matrix_chart``,
``sensitivity_chart``, ``board_chart``, ``spec_approvals_chart``, ``noark_chart``, ``timeline_chart``) place
them; each returns ``Markup`` (the core escaped every text) or "" when there is nothing to draw.

The charts read only what the page already shows to the person looking at it (the same objects its tables
are made from), so a chart can never show more than the page's own permission check lets through.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from markupsafe import Markup

from tender import formatting
from tender.core import charts
from tender.core.timeline import DEADLINES, Kind
from tender.web.core_messages import note
from tender.web.vendor_messages import N_

__all__ = [
    "board_chart",
    "matrix_chart",
    "noark_chart",
    "register",
    "sensitivity_chart",
    "spec_approvals_chart",
    "timeline_chart",
]


def _points(value: float) -> str:
    return formatting.format_decimal(value, 2)


# -- the evaluation matrix -----------------------------------------------------------------------------------
def matrix_chart(result: Any, names: Mapping[str, str]) -> Markup:
    """Weighted points per bid, stacked by criterion (the leaves; their top-level groups when there are more
    leaves than patterns), the total written at each bar's end. Rejected bids say so instead of a bar."""
    if result is None or not result.bids:
        return Markup("")
    model = result.model
    leaves = [p for p in model.placed if p.is_leaf]
    tops = [p for p in model.placed if p.depth == 0]
    shown = leaves if len(leaves) <= charts.pattern_count() or len(tops) > charts.pattern_count() else tops
    rows = []
    for r in result.bids:
        name = names.get(r.bid.id, r.bid.name or r.bid.id)
        if r.threshold_failures:
            rows.append(charts.BarRow(name, (), note="Under minstekravet til kvalitet"))
        elif r.bid.rejected or r.total is None:
            rows.append(charts.BarRow(name, (), note="Avvist"))
        else:
            values = [r.criteria[p.id].weighted for p in shown]
            rows.append(charts.BarRow(name, values, end_label=f"{_points(r.total)} poeng"))
    svg = charts.stacked_bars(
        "chart-matrix",
        "Vektede poeng per tilbud og kriterium",
        "Liggende stolper, én per tilbud, delt opp etter kriterium med hvert sitt mønster; summen står ved "
        "enden av stolpen. Tallene står i matrisen under.",
        [p.name for p in shown],
        rows,
        _points,
        lambda criterion, value: f"{criterion}: {_points(float(value))} vektede poeng",
    )
    return Markup(svg)


# -- the sensitivity analysis --------------------------------------------------------------------------------
def sensitivity_chart(found: Any, result: Any) -> Markup:
    """Per criterion the weight range over which the winner stays the winner, with the weight now marked."""
    if found is None or not found.weights:
        return Markup("")
    rows = []
    for w in found.weights:
        name = result.model.get(w.criterion_id).name
        if w.low is not None and w.high is not None:
            words = f"{formatting.format_percent(w.low)}–{formatting.format_percent(w.high)}"
        else:
            words = note(w.note_code) if w.note_code else "–"
        rows.append(charts.RangeRow(name, w.current, w.low, w.high, charts.cut(words, 22)))
    svg = charts.ranges(
        "chart-sensitivity",
        "Vekter som beholder vinneren",
        "For hvert kriterium: vektspennet der vinneren fortsatt vinner (skravert) og vekten nå "
        "(svart strek). "
        "Tallene står i tabellen over.",
        rows,
        lambda v: formatting.format_percent(v, 0),
        "Vinneren beholdes",
        "Vekt nå",
        "En annen vinner",
    )
    return Markup(svg)


# -- the award's sign-off board ------------------------------------------------------------------------------
BOARD_STATES = (
    charts.State("godkjent", "Godkjent", "✓", 0),
    charts.State("avvist", "Avvist", "✗", 5),
    charts.State("bortfalt", "Bortfalt", "–", 3),
    charts.State("venter", "Venter", "…", 7),
)


def board_chart(board: Any) -> Markup:
    """Each bound municipality's state on the recommendation as a grid of cells (pattern, symbol, words)."""
    if board is None or not board.rows:
        return Markup("")
    cells = []
    for row in board.rows:
        detail = ""
        if row.state == "bortfalt" and row.sign_off is not None:
            detail = formatting.format_date(row.sign_off.lapsed_at)
        elif row.sign_off is not None:
            detail = formatting.format_date(row.sign_off.decision_date)
        cells.append(charts.Cell(row.municipality.name, row.state, detail))
    signed = sum(1 for c in cells if c.state == "godkjent")
    svg = charts.state_grid(
        "chart-board",
        "Kommunenes godkjenning av tildelingen",
        f"{signed} av {len(cells)} kommuner har godkjent. Én rute per kommune med status; "
        "detaljene står i tabellen under.",
        BOARD_STATES,
        cells,
    )
    return Markup(svg)


def spec_approvals_chart(overview: Sequence[Any], version_number: int | None) -> Markup:
    """Each municipality's decision on the newest frozen version of the specification, as a grid."""
    if not overview or version_number is None:
        return Markup("")
    cells = []
    for row in overview:
        latest = row.latest
        if latest is None:
            cells.append(charts.Cell(row.municipality.name, "venter"))
        else:
            state = "godkjent" if latest.decision.value == "approved" else "avvist"
            cells.append(charts.Cell(row.municipality.name, state, formatting.format_date(latest.decided_at)))
    signed = sum(1 for c in cells if c.state == "godkjent")
    svg = charts.state_grid(
        "chart-spec-approvals",
        f"Kommunenes godkjenning av versjon {version_number}",
        f"{signed} av {len(cells)} kommuner har godkjent versjon {version_number} av kravspesifikasjonen. "
        "Én rute per kommune med status; detaljene står i tabellen under.",
        [s for s in BOARD_STATES if s.key != "bortfalt"],
        cells,
    )
    return Markup(svg)


# -- the Noark report ----------------------------------------------------------------------------------------
#: the severities as the chart names them (translated where drawn)
NOARK_SERIES = (N_("Feil"), N_("Advarsler"), N_("Opplysninger"))
NOARK_ROWS = 15


def noark_chart(view: Any) -> Markup:
    """The findings by severity: one bar for the whole extract, then one per test with errors or warnings
    (the most first, at most :data:`NOARK_ROWS`), each stacked into errors, warnings and information. In the
    page's language (a vendor reads its own sample's report, which may be in English: tender.i18n)."""
    from flask_babel import gettext as _
    from flask_babel import ngettext

    from tender.i18n import format_locale, language

    if view is None or view.unreadable:
        return Markup("")
    locale = format_locale()
    english = language() == "en"
    verdict = view.verdict

    def counted(errors: int, warnings: int) -> str:
        return _(
            "%(errors)s feil, %(warnings)s adv.",
            errors=formatting.format_number(errors, locale=locale),
            warnings=formatting.format_number(warnings, locale=locale),
        )

    rows = [
        charts.BarRow(
            _("Hele uttrekket"),
            [verdict.get("errors", 0), verdict.get("warnings", 0), verdict.get("info", 0)],
            end_label=counted(verdict.get("errors", 0), verdict.get("warnings", 0)),
        )
    ]

    def count(group: Any, severity: str) -> int:
        return int(group.counts.get(severity, 0))

    every = list(view.arkade.tests) + list(view.arkade.own)
    groups = [g for g in every if count(g, "error") or count(g, "warning")]
    groups.sort(key=lambda g: (-count(g, "error"), -count(g, "warning")))
    for g in groups[:NOARK_ROWS]:
        rows.append(
            charts.BarRow(
                f"{g.id} {g.name_en if english else g.name_no}",
                [count(g, "error"), count(g, "warning"), count(g, "info")],
                end_label=counted(count(g, "error"), count(g, "warning")),
            )
        )
    rest = len(groups) - NOARK_ROWS
    first = _("Funnene etter alvorlighet: først hele uttrekket, så testene med feil eller advarsler.")
    more = (
        ngettext("%(num)s test til står i tabellen.", "%(num)s tester til står i tabellen.", rest)
        if rest > 0
        else ""
    )
    last = _("Alle tall står i tabellen under.")
    svg = charts.stacked_bars(
        "chart-noark",
        _("Funn etter alvorlighet"),
        " ".join(p for p in (first, more, last) if p),
        tuple(_(s) for s in NOARK_SERIES),
        rows,
        lambda v: formatting.format_decimal(v, 1, locale=locale),
        lambda series, value: f"{series}: {formatting.format_number(value, locale=locale)}",
    )
    return Markup(svg)


# -- the timeline --------------------------------------------------------------------------------------------
#: where the period up to a deadline starts: the announcement, a call for a round, or the deadline before it
PERIOD_STARTS = frozenset({Kind.ANNOUNCEMENT, Kind.ROUND_CALLED, Kind.INVITATION}) | DEADLINES


def _tick_words(moment: datetime, span_days: float, locale: str) -> str:
    if span_days > 92:
        return formatting.format_month(moment, locale=locale)
    return formatting.format_day_month(moment, locale=locale)


def timeline_chart(entries: Sequence[Any], now: datetime) -> Markup:
    """The entries (already the ones this person may see, in time order) on one time axis with today, in the
    page's language (a vendor's page may be in English: tender.i18n)."""
    from flask_babel import gettext as _

    from tender.i18n import format_locale
    from tender.web.timeline_messages import entry_label

    if not entries:
        return Markup("")
    locale = format_locale()
    rows = []
    last_start: datetime | None = None
    for e in entries:
        deadline = e.kind in DEADLINES
        label = entry_label(e)
        rows.append(
            charts.TimeRow(
                label
                if e.round is None or e.round <= 1
                else _("%(label)s (runde %(round)s)", label=label, round=e.round),
                e.at,
                deadline,
                e.is_done(now),
                last_start if deadline else None,
            )
        )
        if e.kind in PERIOD_STARTS:
            last_start = e.at
    moments = [e.at for e in entries] + [now]
    span_days = (max(moments) - min(moments)).total_seconds() / 86400
    svg = charts.timeline(
        "chart-timeline",
        _("Tidslinje"),
        _(
            "Fristene og hendelsene på en tidsakse; i dag (%(today)s) er markert med stiplet strek. "
            "Tidspunktene står i tabellen under.",
            today=formatting.format_date(now, locale=locale),
        ),
        rows,
        now,
        lambda moment: _tick_words(moment, span_days, locale),
        _("I dag, %(day)s", day=formatting.format_day_month(now, locale=locale)),
        (
            _("Frist (passert)"),
            _("Frist (kommer)"),
            _("Hendelse (skjedd)"),
            _("Hendelse (planlagt)"),
            _("Perioden fram til fristen"),
        ),
    )
    return Markup(svg)


def register(globals_: dict[str, Any]) -> None:
    globals_["matrix_chart"] = matrix_chart
    globals_["sensitivity_chart"] = sensitivity_chart
    globals_["board_chart"] = board_chart
    globals_["spec_approvals_chart"] = spec_approvals_chart
    globals_["noark_chart"] = noark_chart
    globals_["timeline_chart"] = timeline_chart
