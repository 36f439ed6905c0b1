"""tender.core.charts: the geometry of each chart (bars proportional to their values, scales, the time axis)
and that every text is escaped, parsed back with lxml as a browser would read the SVG."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from fractions import Fraction

import pytest
from lxml import etree

from tender.core import charts

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> etree._Element:
    return etree.fromstring(svg.encode())


def plain(value: float) -> str:
    return f"{value:g}"


def segments(root: etree._Element) -> list[etree._Element]:
    return root.findall(f".//{SVG}rect[@class='segment']")


def test_a_stacked_bar_is_as_long_as_its_values_and_its_segments_are_proportional() -> None:
    svg = charts.stacked_bars(
        "m",
        "Vektede poeng",
        "Beskrivelse",
        ["Pris", "Kvalitet"],
        [
            charts.BarRow("A", [Fraction(3), Fraction(1)], end_label="4"),
            charts.BarRow("B", [Fraction(2), Fraction(6)], end_label="8"),
        ],
        plain,
    )
    root = parse(svg)
    rects = segments(root)
    widths = [float(r.get("width")) for r in rects]
    assert len(widths) == 4
    a_price, a_quality, b_price, b_quality = widths
    # the same scale everywhere: 1 point is as long in every segment of every bar
    unit = a_quality
    assert a_price == pytest.approx(3 * unit, abs=0.02)
    assert b_price == pytest.approx(2 * unit, abs=0.02)
    assert b_quality == pytest.approx(6 * unit, abs=0.02)
    # segments of one bar follow each other from zero
    assert float(rects[1].get("x")) == pytest.approx(float(rects[0].get("x")) + a_price, abs=0.02)
    assert [r.get("data-series") for r in rects] == ["0", "1", "0", "1"]
    # each series has its own pattern, named in the legend
    assert rects[0].get("fill") != rects[1].get("fill") and rects[0].get("fill") == rects[2].get("fill")
    legend = "".join(root.find(f".//{SVG}g[@class='legend']").itertext())
    assert "Pris" in legend and "Kvalitet" in legend


def test_the_axis_covers_the_longest_bar_with_round_ticks() -> None:
    assert charts.nice_ticks(0, 45) == [0, 10, 20, 30, 40, 50]
    assert charts.nice_ticks(0, 7.84) == [0, 2, 4, 6, 8]
    assert charts.nice_ticks(-3, 10) == [-5, 0, 5, 10]
    assert charts.nice_ticks(0, 0) == [0, 0.2, 0.4, 0.6, 0.8, 1]
    svg = charts.stacked_bars("m", "t", "d", ["x"], [charts.BarRow("A", [45])], plain)
    root = parse(svg)
    ticks = [t.text for t in root.findall(f".//{SVG}g[@class='axis']/{SVG}text")]
    assert ticks == ["0", "10", "20", "30", "40", "50"]
    (bar,) = segments(root)
    axis = root.find(f".//{SVG}g[@class='axis']/{SVG}line")
    axis_length = float(axis.get("x2")) - float(axis.get("x1"))
    assert float(bar.get("width")) == pytest.approx(axis_length * 45 / 50, abs=0.02)


def test_a_negative_value_is_drawn_left_of_zero() -> None:
    svg = charts.stacked_bars("m", "t", "d", ["Pris", "Kvalitet"], [charts.BarRow("A", [-2, 4])], plain)
    price, quality = segments(parse(svg))
    assert float(price.get("x")) + float(price.get("width")) == pytest.approx(
        float(quality.get("x")), abs=0.02
    )
    assert float(quality.get("width")) == pytest.approx(2 * float(price.get("width")), abs=0.02)


def test_a_row_with_a_note_has_no_bar_but_says_why() -> None:
    svg = charts.stacked_bars(
        "m", "t", "d", ["x"], [charts.BarRow("A", [1]), charts.BarRow("B", (), note="Avvist")], plain
    )
    root = parse(svg)
    assert len(segments(root)) == 1
    assert "Avvist" in "".join(root.itertext())


def test_the_chart_is_an_image_with_a_title_and_a_description() -> None:
    root = parse(
        charts.stacked_bars("chart-x", "Tittel", "Beskrivelse", ["x"], [charts.BarRow("A", [1])], plain)
    )
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "chart-x-title chart-x-desc"
    assert root.find(f"{SVG}title").text == "Tittel" and root.find(f"{SVG}desc").text == "Beskrivelse"
    # no inline style (the Content-Security-Policy allows none) and no script
    assert root.xpath("//@style") == [] and root.findall(f".//{SVG}script") == []
    assert root.findall(f".//{SVG}style") == []


HOSTILE = "<script>alert(\"x\")</script> & 'Co' AS"


@pytest.mark.parametrize(
    "draw",
    [
        lambda: charts.stacked_bars(
            "m", HOSTILE, HOSTILE, [HOSTILE], [charts.BarRow(HOSTILE, [1], end_label=HOSTILE)], plain
        ),
        lambda: charts.stacked_bars("m", "t", "d", ["x"], [charts.BarRow(HOSTILE, (), note=HOSTILE)], plain),
        lambda: charts.ranges(
            "r",
            HOSTILE,
            HOSTILE,
            [charts.RangeRow(HOSTILE, 0.5, 0.2, 0.8, HOSTILE)],
            plain,
            HOSTILE,
            "a",
            "b",
        ),
        lambda: charts.state_grid(
            "g",
            HOSTILE,
            HOSTILE,
            [charts.State("ok", HOSTILE, "✓", 0)],
            [charts.Cell(HOSTILE, "ok", HOSTILE)],
        ),
        lambda: charts.timeline(
            "t",
            HOSTILE,
            HOSTILE,
            [charts.TimeRow(HOSTILE, datetime(2026, 3, 1, tzinfo=UTC), True, True)],
            datetime(2026, 3, 5, tzinfo=UTC),
            lambda d: HOSTILE,
            HOSTILE,
            (HOSTILE, "b", "c", "d", "e"),
        ),
    ],
)
def test_every_text_is_escaped_so_a_vendor_named_script_is_only_text(draw) -> None:  # type: ignore[no-untyped-def]
    svg = draw()
    assert "<script" not in svg and 'alert("x")' not in svg
    root = parse(svg)  # well-formed: the quotes and ampersands are escaped too
    assert root.findall(f".//{SVG}script") == []
    assert HOSTILE in "".join(root.itertext())


def test_a_chart_id_cannot_break_out_of_its_attribute() -> None:
    root = parse(
        charts.stacked_bars('x" onload="alert(1)', "t", "d", ["x"], [charts.BarRow("A", [1])], plain)
    )
    assert root.get("onload") is None and root.get("id") == "x--onload--alert-1"


def test_a_long_label_is_cut_and_kept_whole_in_its_title() -> None:
    name = "Nordisk Dokumentforvaltning og Arkivtjenester AS"
    root = parse(charts.stacked_bars("m", "t", "d", ["x"], [charts.BarRow(name, [1])], plain))
    shown = [t.text for t in root.iter(f"{SVG}text") if t.text and t.text.startswith("Nordisk")]
    assert shown and shown[0].endswith("…") and len(shown[0]) == 28
    assert name in [t.text for t in root.iter(f"{SVG}title")]


def test_a_range_and_the_current_weight_sit_where_their_shares_are() -> None:
    svg = charts.ranges(
        "r",
        "t",
        "d",
        [charts.RangeRow("Pris", Fraction(2, 5), Fraction(1, 5), Fraction(3, 5), "20–60")],
        plain,
        "Vinneren beholdes",
        "Vekt nå",
        "En annen vinner",
    )
    root = parse(svg)
    axis = root.find(f".//{SVG}g[@class='axis']/{SVG}line")
    x0, x1 = float(axis.get("x1")), float(axis.get("x2"))
    band = root.find(f".//{SVG}rect[@class='range']")
    assert float(band.get("x")) == pytest.approx(x0 + 0.2 * (x1 - x0), abs=0.02)
    assert float(band.get("width")) == pytest.approx(0.4 * (x1 - x0), abs=0.02)
    current = root.find(f".//{SVG}rect[@class='current']")
    assert float(current.get("x")) + 2 == pytest.approx(x0 + 0.4 * (x1 - x0), abs=0.02)
    text = "".join(root.itertext())
    assert "Vinneren beholdes" in text and "Vekt nå" in text and "En annen vinner" in text


def test_a_range_that_does_not_apply_draws_no_band() -> None:
    root = parse(
        charts.ranges(
            "r", "t", "d", [charts.RangeRow("Pris", 0.4, None, None, "ikke aktuelt")], plain, "a", "b", "c"
        )
    )
    assert root.find(f".//{SVG}rect[@class='range']") is None and "ikke aktuelt" in "".join(root.itertext())


def test_the_state_grid_has_one_cell_per_item_with_its_state_and_counts_in_the_legend() -> None:
    states = [charts.State("godkjent", "Godkjent", "✓", 0), charts.State("venter", "Venter", "…", 7)]
    cells = [charts.Cell("Skien", "godkjent", "3. desember 2026"), charts.Cell("Bamble", "venter")]
    root = parse(charts.state_grid("b", "t", "d", states, cells + [charts.Cell("Siljan", "godkjent")]))
    groups = root.findall(f".//{SVG}g[@class='cell']")
    assert [g.get("data-state") for g in groups] == ["godkjent", "venter", "godkjent"]
    assert "✓ Skien" in "".join(groups[0].itertext()) and "Venter" in "".join(groups[1].itertext())
    legend = "".join(root.find(f".//{SVG}g[@class='legend']").itertext())
    assert "Godkjent (2)" in legend and "Venter (1)" in legend
    # the state is in the pattern and in words and a symbol, not in colour alone
    swatches = [g.findall(f"{SVG}rect")[1].get("fill") for g in groups]
    assert swatches[0] == swatches[2] != swatches[1]


def test_the_timeline_places_moments_in_time_and_marks_today() -> None:
    start = datetime(2026, 3, 1, 12, tzinfo=UTC)
    rows = [
        charts.TimeRow("Kunngjort", start, False, True),
        charts.TimeRow("Tilbudsfrist", start + timedelta(days=30), True, False, start),
    ]
    now = start + timedelta(days=10)
    root = parse(
        charts.timeline(
            "t", "t", "d", rows, now, lambda d: d.strftime("%d.%m"), "I dag", ("a", "b", "c", "d", "e")
        )
    )
    marks = root.findall(f".//{SVG}g[@class='mark']/*")
    assert marks[0].tag == f"{SVG}circle" and marks[0].get("fill") != "#ffffff"  # an event that happened
    assert marks[1].tag == f"{SVG}path" and marks[1].get("fill") == "#ffffff"  # a deadline still ahead
    x_event = float(marks[0].get("cx"))
    x_now = float(root.find(f".//{SVG}line[@class='now']").get("x1"))
    period = root.find(f".//{SVG}rect[@class='period']")
    x_deadline = float(period.get("x")) + float(period.get("width"))
    assert float(period.get("x")) == pytest.approx(x_event, abs=0.02)
    # 10 days of 30 from the announcement
    assert (x_now - x_event) / (x_deadline - x_event) == pytest.approx(1 / 3, abs=0.001)
    assert "I dag" in "".join(root.itertext())


def test_time_ticks_are_oslo_midnights_chosen_by_the_span() -> None:
    a = datetime(2026, 3, 20, tzinfo=UTC)
    days = charts.time_ticks(a, a + timedelta(days=5))
    assert len(days) == 5 and all(d.hour == 0 and d.tzinfo == charts.OSLO for d in days)
    weeks = charts.time_ticks(a, a + timedelta(days=60))
    assert weeks and all(d.weekday() == 0 for d in weeks)
    # across the change to summer time (29 March 2026) the ticks stay at midnight
    assert all(d.hour == 0 for d in weeks)
    months = charts.time_ticks(a, a + timedelta(days=300))
    assert months and all(d.day == 1 for d in months)
