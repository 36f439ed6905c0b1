"""Charts as inline SVG, drawn from plain numbers: pure (no Flask, no database, nothing else from ``tender``).

Every chart is one ``<svg role="img">`` string with a ``<title>`` and a ``<desc>``; the numbers stay in the
page's tables beside it, so the chart is a picture of them, never their only home. Series are told apart
by fill *patterns* (solid, hatched, dotted …) and a legend, and totals or states are written next to the
marks, so a chart reads in print and in black and white. No ``style`` attribute or element and no script:
presentation attributes only, which the Content-Security-Policy (``style-src 'self'``) allows.

Text is escaped here, once, with :func:`html.escape` (a vendor named ``<script>`` is text in the picture);
numbers and dates a person reads are formatted by the caller's functions (the web layer passes
``tender.formatting``'s), so this module never decides how a number is written. Coordinates are SVG user
units, not numbers a person reads.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from zoneinfo import ZoneInfo

Number = int | float | Decimal | Fraction
Format = Callable[[float], str]

OSLO = ZoneInfo("Europe/Oslo")
WIDTH = 720
FONT = "system-ui, 'DejaVu Sans', sans-serif"
INK = "#1b1f24"
MUTED = "#5a6470"
LINE = "#d5dae0"
#: roughly the width of one character at font-size 12, for laying out legends and cutting long labels
CHAR = 6.6


def esc(text: str) -> str:
    """Text for an SVG text node or attribute: ``<``, ``>``, ``&`` and both quotes escaped."""
    return html.escape(text, quote=True)


def _num(value: float) -> str:
    """A coordinate: two decimals at most, no exponent, no "-0"."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _el(name: str, inner: str = "", **attrs: object) -> str:
    """One SVG element; ``class_`` is ``class``, ``stroke_width`` is ``stroke-width``; numbers become
    coordinates and everything else is escaped."""
    text = "".join(f' {key.rstrip("_").replace("_", "-")}="{_attr(value)}"' for key, value in attrs.items())
    return f"<{name}{text}>{inner}</{name}>" if inner else f"<{name}{text}/>"


def _attr(value: object) -> str:
    return _num(float(value)) if isinstance(value, int | float) else esc(str(value))


def _safe_id(raw: str) -> str:
    cleaned = re.sub(r"[^a-z0-9-]", "-", raw.lower()).strip("-")
    return cleaned or "chart"


def cut(text: str, chars: int) -> str:
    """``text`` cut to ``chars`` characters with an ellipsis (the whole text goes into a ``<title>``)."""
    return text if len(text) <= chars else text[: max(chars - 1, 1)].rstrip() + "…"


# -- patterns: told apart without colour ---------------------------------------------------------------------
#: (fill of the background, what is drawn on it) for pattern 0, 1, …; cycled when there are more series
_PATTERNS: tuple[tuple[str, str], ...] = (
    (INK, ""),
    ("#ffffff", f'<path d="M0,8 L8,0 M-2,2 L2,-2 M6,10 L10,6" stroke="{INK}" stroke-width="1.6"/>'),
    ("#9cc3e8", ""),
    ("#ffffff", f'<circle cx="2" cy="2" r="1.4" fill="{INK}"/><circle cx="6" cy="6" r="1.4" fill="{INK}"/>'),
    ("#5a6470", ""),
    ("#ffffff", f'<path d="M0,0 L8,8 M0,8 L8,0" stroke="{INK}" stroke-width="1"/>'),
    ("#ffffff", f'<path d="M0,2 H8 M0,6 H8" stroke="{INK}" stroke-width="1.4"/>'),
    ("#e9edf2", f'<path d="M2,0 V8 M6,0 V8" stroke="{INK}" stroke-width="1.4"/>'),
)


def pattern_count() -> int:
    return len(_PATTERNS)


def _defs(chart_id: str, count: int) -> str:
    parts = []
    for i in range(count):
        background, mark = _PATTERNS[i % len(_PATTERNS)]
        parts.append(
            f'<pattern id="{chart_id}-p{i}" width="8" height="8" patternUnits="userSpaceOnUse">'
            f'<rect width="8" height="8" fill="{background}"/>{mark}</pattern>'
        )
    return "<defs>" + "".join(parts) + "</defs>"


def _fill(chart_id: str, i: int) -> str:
    return f"url(#{chart_id}-p{i})"


def _open(chart_id: str, title: str, desc: str, height: float) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{chart_id}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" width="{WIDTH}" height="{_num(height)}" '
        f'viewBox="0 0 {WIDTH} {_num(height)}" font-family="{esc(FONT)}" font-size="12" fill="{INK}">'
        f'<title id="{chart_id}-title">{esc(title)}</title><desc id="{chart_id}-desc">{esc(desc)}</desc>'
    )


def _text(x: float, y: float, text: str, anchor: str = "start", extra: str = "") -> str:
    return f'<text x="{_num(x)}" y="{_num(y)}" text-anchor="{anchor}"{extra}>{esc(text)}</text>'


@dataclass(frozen=True)
class LegendItem:
    label: str
    #: the swatch: a pattern number, or a ready SVG fragment drawn in a 14×14 box at the origin
    pattern: int | None = None
    mark: str = ""


def _legend(chart_id: str, items: Sequence[LegendItem], top: float, left: float = 0) -> tuple[str, float]:
    """The legend as rows of swatch + words, wrapped at the chart's width; returns it and its height."""
    parts = []
    x, y = left, top
    for item in items:
        width = 22 + len(item.label) * CHAR + 18
        if x > left and x + width > WIDTH:
            x, y = left, y + 20
        if item.pattern is not None:
            swatch = _el(
                "rect",
                x=x,
                y=y,
                width=14,
                height=14,
                fill=_fill(chart_id, item.pattern),
                stroke=INK,
                stroke_width=0.8,
            )
        else:
            swatch = f'<g transform="translate({_num(x)},{_num(y)})">{item.mark}</g>'
        parts.append(swatch + _text(x + 20, y + 11.5, item.label))
        x += width
    return '<g class="legend">' + "".join(parts) + "</g>", (y - top) + 20 if items else 0


# -- scales --------------------------------------------------------------------------------------------------
def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering ``low``–``high`` (1, 2, 2.5 or 5 times a power of ten apart); the first is
    at or below ``low``, the last at or above ``high``."""
    if high < low:
        low, high = high, low
    if high == low:
        high = low + 1
    raw = (high - low) / max(count, 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    first = math.floor(low / step + 1e-9) * step
    ticks = [round(first, 10)]
    while ticks[-1] < high - step * 1e-9:
        ticks.append(round(first + len(ticks) * step, 10))
    return ticks


@dataclass(frozen=True)
class Scale:
    """Maps values ``low``–``high`` onto ``start``–``end`` (SVG x), linearly."""

    low: float
    high: float
    start: float
    end: float

    def __call__(self, value: float) -> float:
        if self.high == self.low:
            return self.start
        return self.start + (value - self.low) * (self.end - self.start) / (self.high - self.low)


def _axis(scale: Scale, ticks: Sequence[float], top: float, bottom: float, fmt: Format) -> str:
    parts = [_el("line", x1=scale.start, y1=bottom, x2=scale.end, y2=bottom, stroke=INK)]
    for t in ticks:
        x = scale(t)
        parts.append(
            f'<line x1="{_num(x)}" y1="{_num(top)}" x2="{_num(x)}" y2="{_num(bottom + 4)}" stroke="{LINE}"/>'
        )
        parts.append(_text(x, bottom + 17, fmt(t), "middle", f' fill="{MUTED}"'))
    return '<g class="axis">' + "".join(parts) + "</g>"


# -- a stacked bar per row -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class BarRow:
    label: str
    #: one value per series, in the series' order; None where the row has none
    values: Sequence[Number | None]
    #: written at the end of the bar (a total, say); ignored when ``note`` is given
    end_label: str = ""
    #: instead of bars: why the row has none ("Avvist")
    note: str = ""


LABEL_WIDTH = 190


def stacked_bars(
    chart_id: str,
    title: str,
    desc: str,
    series: Sequence[str],
    rows: Sequence[BarRow],
    fmt: Format,
    value_words: Callable[[str, Number], str] | None = None,
) -> str:
    """Horizontal stacked bars, one per row, one segment per series (told apart by pattern and named in a
    legend). Positive values stack rightwards from zero, negative ones leftwards, so each segment's length is
    proportional to its value. ``fmt`` writes the axis' ticks; each segment's ``<title>`` says its series and
    value through ``value_words`` (default: the series and ``fmt`` of the value)."""
    chart_id = _safe_id(chart_id)
    words = value_words or (lambda name, value: f"{name}: {fmt(float(value))}")
    legend, legend_height = _legend(chart_id, [LegendItem(s, pattern=i) for i, s in enumerate(series)], 0)
    top = legend_height + 10
    bar, gap = 20, 10
    plotted = [r for r in rows if not r.note]
    positives = [sum(float(v) for v in r.values if v is not None and v > 0) for r in plotted]
    negatives = [sum(float(v) for v in r.values if v is not None and v < 0) for r in plotted]
    ticks = nice_ticks(min([0.0, *negatives]), max([0.0, *positives]) or 1.0)
    scale = Scale(ticks[0], ticks[-1], LABEL_WIDTH + 10, WIDTH - 130)
    bottom = top + len(rows) * (bar + gap)
    parts = [_open(chart_id, title, desc, bottom + 30), _defs(chart_id, len(series)), legend]
    parts.append(_axis(scale, ticks, top - 4, bottom, fmt))
    zero = scale(0)
    for n, row in enumerate(rows):
        y = top + n * (bar + gap)
        parts.append(f"<g><title>{esc(row.label)}</title>" + _text(0, y + 14, cut(row.label, 28)) + "</g>")
        if row.note:
            parts.append(_text(zero + 4, y + 14, row.note, extra=f' fill="{MUTED}" font-style="italic"'))
            continue
        right = left = 0.0
        for i, value in enumerate(row.values):
            if value is None or value == 0:
                continue
            v = float(value)
            if v > 0:
                x0, x1 = scale(right), scale(right + v)
                right += v
            else:
                x0, x1 = scale(left + v), scale(left)
                left += v
            parts.append(
                _el(
                    "rect",
                    f"<title>{esc(words(series[i], value))}</title>",
                    class_="segment",
                    data_series=str(i),
                    x=x0,
                    y=y,
                    width=x1 - x0,
                    height=bar,
                    fill=_fill(chart_id, i),
                    stroke=INK,
                    stroke_width=0.6,
                )
            )
        if row.end_label:
            parts.append(_text(scale(right) + 6, y + 14, row.end_label, extra=' font-weight="600"'))
    parts.append(
        f'<line x1="{_num(zero)}" y1="{_num(top - 4)}" x2="{_num(zero)}" y2="{_num(bottom)}" stroke="{INK}"/>'
    )
    return "".join(parts) + "</svg>"


# -- ranges on a 0–1 scale with the current value marked -----------------------------------------------------
@dataclass(frozen=True)
class RangeRow:
    label: str
    current: Number
    low: Number | None
    high: Number | None
    #: written at the right (the range in words); with ``low`` None, why there is no range
    words: str = ""


def _marker_mark() -> str:
    return f'<rect x="5" y="-1" width="4" height="16" fill="{INK}"/>'


def ranges(
    chart_id: str,
    title: str,
    desc: str,
    rows: Sequence[RangeRow],
    fmt: Format,
    range_label: str,
    current_label: str,
    outside_label: str,
) -> str:
    """One row per item on a 0–1 axis: a grey track (``outside_label``), the range ``low``–``high`` hatched
    (``range_label``) and the current value as a black bar (``current_label``); ``words`` at the right."""
    chart_id = _safe_id(chart_id)
    items = [
        LegendItem(range_label, pattern=1),
        LegendItem(current_label, mark=_marker_mark()),
        LegendItem(outside_label, pattern=7),
    ]
    legend, legend_height = _legend(chart_id, items, 0)
    top = legend_height + 14
    row_height = 30
    scale = Scale(0.0, 1.0, LABEL_WIDTH + 10, WIDTH - 150)
    bottom = top + len(rows) * row_height
    parts = [_open(chart_id, title, desc, bottom + 30), _defs(chart_id, 8), legend]
    parts.append(_axis(scale, [0, 0.25, 0.5, 0.75, 1], top - 4, bottom, fmt))
    for n, row in enumerate(rows):
        y = top + n * row_height + 4
        parts.append(f"<g><title>{esc(row.label)}</title>" + _text(0, y + 13, cut(row.label, 28)) + "</g>")
        parts.append(
            f'<rect x="{_num(scale(0))}" y="{_num(y + 2)}" width="{_num(scale(1) - scale(0))}" height="14" '
            f'fill="{_fill(chart_id, 7)}" stroke="{LINE}"/>'
        )
        if row.low is not None and row.high is not None:
            x0, x1 = scale(float(row.low)), scale(float(row.high))
            parts.append(
                f'<rect class="range" x="{_num(x0)}" y="{_num(y + 2)}" width="{_num(max(x1 - x0, 0))}" '
                f'height="14" fill="{_fill(chart_id, 1)}" stroke="{INK}"/>'
            )
        x = scale(float(row.current))
        parts.append(
            f'<rect class="current" x="{_num(x - 2)}" y="{_num(y - 1)}" width="4" height="20" fill="{INK}">'
            f"<title>{esc(current_label)}: {esc(fmt(float(row.current)))}</title></rect>"
        )
        if row.words:
            parts.append(_text(scale(1) + 8, y + 13, row.words))
    return "".join(parts) + "</svg>"


# -- a grid of states (who has signed) -----------------------------------------------------------------------
@dataclass(frozen=True)
class State:
    key: str
    label: str
    #: one character drawn in the cell beside the pattern, so the state reads without the pattern
    symbol: str
    pattern: int


@dataclass(frozen=True)
class Cell:
    label: str
    state: str
    #: a second line under the label (a date, who decided); may be empty
    detail: str = ""


def state_grid(
    chart_id: str, title: str, desc: str, states: Sequence[State], cells: Sequence[Cell], columns: int = 3
) -> str:
    """A compact grid, one cell per item (a municipality): a swatch in its state's pattern with the state's
    symbol, the item's name and the state in words; a legend with each state's count above."""
    chart_id = _safe_id(chart_id)
    by_key = {s.key: s for s in states}
    counts = {s.key: sum(1 for c in cells if c.state == s.key) for s in states}
    legend, legend_height = _legend(
        chart_id,
        [LegendItem(f"{s.symbol} {s.label} ({counts[s.key]})", pattern=s.pattern) for s in states],
        0,
    )
    top = legend_height + 10
    cell_w, cell_h = WIDTH / columns, 52
    rows = math.ceil(len(cells) / columns) if cells else 0
    parts = [_open(chart_id, title, desc, top + rows * cell_h + 4), _defs(chart_id, 8), legend]
    chars = int((cell_w - 48) / CHAR)
    for n, cell in enumerate(cells):
        state = by_key[cell.state]
        x, y = (n % columns) * cell_w, top + (n // columns) * cell_h
        detail = f" – {cell.detail}" if cell.detail else ""
        parts.append(
            f'<g class="cell" data-state="{esc(state.key)}">'
            f"<title>{esc(cell.label)}: {esc(state.label)}{esc(detail)}</title>"
            + _el(
                "rect",
                x=x + 1,
                y=y + 1,
                width=cell_w - 6,
                height=cell_h - 6,
                rx=4,
                fill="#ffffff",
                stroke=INK,
            )
            + _el(
                "rect", x=x + 7, y=y + 9, width=28, height=28, fill=_fill(chart_id, state.pattern), stroke=INK
            )
            + _text(
                x + 44, y + 20, f"{state.symbol} {cut(cell.label, chars - 2)}", extra=' font-weight="600"'
            )
            + _text(x + 44, y + 37, cut(state.label + detail, chars), extra=f' fill="{MUTED}"')
            + "</g>"
        )
    return "".join(parts) + "</svg>"


# -- a time axis ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class TimeRow:
    label: str
    #: an aware moment
    at: datetime
    #: a deadline (a diamond) or an event (a circle)
    deadline: bool
    #: passed or happened (filled) or ahead (hollow)
    done: bool
    #: a deadline's period starts here (drawn hatched up to ``at``); None for none
    start: datetime | None = None


def _diamond(x: float, y: float, filled: bool) -> str:
    return (
        f'<path d="M{_num(x)},{_num(y - 6)} L{_num(x + 6)},{_num(y)} L{_num(x)},{_num(y + 6)} '
        f'L{_num(x - 6)},{_num(y)} Z" fill="{INK if filled else "#ffffff"}" stroke="{INK}" '
        'stroke-width="1.4"/>'
    )


def _circle(x: float, y: float, filled: bool) -> str:
    return (
        f'<circle cx="{_num(x)}" cy="{_num(y)}" r="5" fill="{INK if filled else "#ffffff"}" stroke="{INK}" '
        f'stroke-width="1.4"/>'
    )


def time_ticks(first: datetime, last: datetime) -> list[datetime]:
    """Oslo midnights to mark between ``first`` and ``last``: every day (under 2 weeks), every Monday (under
    3 months), the first of every month (under 2 years), else every first of January."""
    a, b = first.astimezone(OSLO), last.astimezone(OSLO)
    span = b - a
    day = a.replace(hour=0, minute=0, second=0, microsecond=0)
    found: list[datetime] = []

    def keep(moment: datetime) -> bool:
        if span <= timedelta(days=14):
            return True
        if span <= timedelta(days=92):
            return moment.weekday() == 0
        if span <= timedelta(days=731):
            return moment.day == 1
        return moment.day == 1 and moment.month == 1

    while day <= b:
        if day >= a and keep(day):
            found.append(day)
        # calendar days in Oslo: step through the naive date, so a change to summer time moves nothing
        nxt = (day.replace(tzinfo=None) + timedelta(days=1)).replace(tzinfo=OSLO)
        day = nxt
    return found


def timeline(
    chart_id: str,
    title: str,
    desc: str,
    rows: Sequence[TimeRow],
    now: datetime,
    tick_words: Callable[[datetime], str],
    now_words: str,
    legend_words: tuple[str, str, str, str, str],
) -> str:
    """The rows on one time axis, one line each (label at the left), with ``now`` as a dashed line labelled
    ``now_words``. ``legend_words``: passed deadline, deadline ahead, event done, event planned, period up to
    a deadline."""
    chart_id = _safe_id(chart_id)
    passed, ahead, done, planned, period = legend_words
    items = [
        LegendItem(passed, mark=_diamond(7, 7, True)),
        LegendItem(ahead, mark=_diamond(7, 7, False)),
        LegendItem(done, mark=_circle(7, 7, True)),
        LegendItem(planned, mark=_circle(7, 7, False)),
        LegendItem(period, pattern=1),
    ]
    legend, legend_height = _legend(chart_id, items, 0)
    top = legend_height + 28
    row_height = 20
    moments = [r.at for r in rows] + [r.start for r in rows if r.start is not None] + [now]
    first, last = min(moments), max(moments)
    pad = max((last - first) * 0.03, timedelta(hours=12))
    first, last = first - pad, last + pad
    total = (last - first).total_seconds()
    x0, x1 = LABEL_WIDTH + 10, WIDTH - 20

    def x_of(moment: datetime) -> float:
        return x0 + (moment - first).total_seconds() * (x1 - x0) / total

    bottom = top + len(rows) * row_height + 4
    parts = [_open(chart_id, title, desc, bottom + 30), _defs(chart_id, 2), legend]
    ticks = time_ticks(first, last)
    step = max(1, math.ceil(len(ticks) * 80 / (x1 - x0)))  # keep tick labels some 80 units apart
    for n, tick in enumerate(ticks):
        x = x_of(tick)
        parts.append(
            f'<line x1="{_num(x)}" y1="{_num(top - 6)}" x2="{_num(x)}" y2="{_num(bottom)}" stroke="{LINE}"/>'
        )
        if n % step == 0:
            parts.append(_text(x, bottom + 17, tick_words(tick), "middle", f' fill="{MUTED}"'))
    parts.append(f'<line x1="{x0}" y1="{_num(bottom)}" x2="{x1}" y2="{_num(bottom)}" stroke="{INK}"/>')
    for n, row in enumerate(rows):
        y = top + n * row_height + row_height / 2
        parts.append(f"<g><title>{esc(row.label)}</title>" + _text(0, y + 4, cut(row.label, 28)) + "</g>")
        if row.start is not None and row.start < row.at:
            a = x_of(row.start)
            parts.append(
                _el(
                    "rect",
                    class_="period",
                    x=a,
                    y=y - 4,
                    width=x_of(row.at) - a,
                    height=8,
                    fill=_fill(chart_id, 1),
                    stroke=INK,
                    stroke_width=0.6,
                )
            )
        mark = _diamond if row.deadline else _circle
        parts.append(f'<g class="mark">{mark(x_of(row.at), y, row.done)}</g>')
    xn = x_of(now)
    parts.append(
        _el(
            "line",
            class_="now",
            x1=xn,
            y1=top - 14,
            x2=xn,
            y2=bottom,
            stroke=INK,
            stroke_width=1.6,
            stroke_dasharray="5 3",
        )
    )
    anchor = "end" if xn > (x0 + x1) / 2 else "start"
    parts.append(
        _text(xn + (-4 if anchor == "end" else 4), top - 16, now_words, anchor, ' font-weight="600"')
    )
    return "".join(parts) + "</svg>"
