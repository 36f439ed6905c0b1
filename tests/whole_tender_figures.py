"""The figures of the evaluation matrix and its sensitivity analysis as the pages show them, read back and
checked against a computation of the test's own (tests/test_browser_whole_tender.py). Nothing here calls the
scoring code the pages call: the totals, the ranking, the price points, the weight ranges that keep the
winner and the price cuts that would change it are worked out again from the matrix page's shown prices,
points and weights, by their definitions (issue 17, point 1: "sensitivity checked, not only shown")."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

#: the price method the journey's model uses (the default), whose formula the test computes on its own
LINEAR = "Lineær (DFØ)"


def number(text: str) -> Fraction:
    """A number as a page writes it in Norwegian (space or no-break space between thousands, a decimal comma,
    a minus sign, "kr" or "%") as an exact fraction."""
    cleaned = re.sub(r"[\s\u00a0\u202f]|kr|%", "", text).replace("\u2212", "-").replace(",", ".")
    return Fraction(cleaned)


@dataclass
class Criterion:
    """One row of the matrix: a criterion, its weight in the model, each bid's points and weighted points."""

    name: str
    depth: int
    leaf: bool
    path_weight: Fraction
    points: dict[str, Fraction] = field(default_factory=dict)
    weighted: dict[str, str] = field(default_factory=dict)  #: as shown, for the chart's titles
    parent: str = ""


@dataclass
class Matrix:
    bids: list[str]  #: the vendors in the order of the matrix's columns
    method: str
    prices: dict[str, Fraction]
    criteria: list[Criterion]
    totals: dict[str, Fraction]
    ranks: dict[str, str]
    winner: str

    def get(self, name: str) -> Criterion:
        return next(c for c in self.criteria if c.name == name)


def read_matrix(page: Any) -> Matrix:
    """The matrix table of the page open in ``page`` (the matrix or the sensitivity page), cell by cell."""
    data = page.locator("table.matrix").evaluate(
        """t => ({
            bids: [...t.tHead.rows[0].cells].slice(2).map(c => c.innerText.trim()),
            rows: [...t.tBodies[0].rows].map(r => ({
                name: r.cells[0].innerText.trim(),
                cls: r.cells[0].className,
                cells: [...r.cells].slice(1).map(c => c.innerText.trim()),
            })),
        })"""
    )
    bids = data["bids"]
    rows = {r["name"]: r["cells"][1:] for r in data["rows"]}
    criteria = []
    parents: dict[int, str] = {}
    for row in data["rows"]:
        found = re.search(r"depth-(\d+)", row["cls"])
        if not found:
            continue
        depth = int(found.group(1))
        parents[depth] = row["name"]
        cells = row["cells"]
        criterion = Criterion(
            row["name"],
            depth,
            "leaf" in row["cls"].split(),
            number(cells[0]) / 100,  # shown in per cent
            parent=parents.get(depth - 1, ""),
        )
        for n, bid in enumerate(bids):
            criterion.points[bid] = number(cells[1 + 2 * n])
            criterion.weighted[bid] = cells[2 + 2 * n]
        criteria.append(criterion)
    method = page.get_by_text("Prismetode:").first.inner_text()
    winner = page.locator("main p", has_text=re.compile("^Vinner: ")).locator("strong").inner_text().strip()
    return Matrix(
        bids=bids,
        method=method,
        prices={b: number(t) for b, t in zip(bids, rows["Evaluert pris"], strict=True)},
        criteria=criteria,
        totals={b: number(t) for b, t in zip(bids, rows["Sum"], strict=True)},
        ranks=dict(zip(bids, rows["Rangering"], strict=True)),
        winner=winner,
    )


# -- the test's own scoring ----------------------------------------------------------------------------------
def price_points(prices: dict[str, Fraction], top: Fraction) -> dict[str, Fraction]:
    """DFØ's linear method: P = Max − Max·(Pe − Pb)/Pb, Pb the lowest price."""
    lowest = min(prices.values())
    return {b: top - top * (p - lowest) / lowest for b, p in prices.items()}


def shares(m: Matrix) -> dict[str, Fraction]:
    """Each criterion's share of its level (its weight in the model over its parent's)."""
    weight = {c.name: c.path_weight for c in m.criteria}
    return {c.name: c.path_weight / (weight[c.parent] if c.parent else 1) for c in m.criteria}


def totals(
    m: Matrix, points: dict[str, dict[str, Fraction]], level: dict[str, Fraction]
) -> dict[str, Fraction]:
    """Every bid's total: the sum over the leaves of (the product of the shares down to it) × its points."""

    def path(c: Criterion) -> Fraction:
        return level[c.name] * (path(m.get(c.parent)) if c.parent else 1)

    return {b: sum((path(c) * points[c.name][b] for c in m.criteria if c.leaf), Fraction(0)) for b in m.bids}


def reweighted(m: Matrix, node: str, w: Fraction) -> dict[str, Fraction]:
    """The shares with ``node`` set to ``w`` of its level and its siblings rescaled so the level sums to 1."""
    level = shares(m)
    parent, now = m.get(node).parent, level[node]
    out = dict(level)
    for c in m.criteria:
        if c.parent == parent and c.name != node:
            out[c.name] = level[c.name] * (1 - w) / (1 - now)
    out[node] = w
    return out


def leaf_points(m: Matrix, price: str) -> dict[str, dict[str, Fraction]]:
    """The leaves' points: the quality points shown; the price criterion's worked out from the prices."""
    top = max(m.get(price).points.values())  # the lowest price has Max
    points = {c.name: dict(c.points) for c in m.criteria if c.leaf}
    points[price] = price_points(m.prices, top)
    return points


def ranked(scores: dict[str, Fraction]) -> list[str]:
    return sorted(scores, key=lambda b: -scores[b])


def check_matrix(m: Matrix, price: str = "Pris") -> dict[str, Fraction]:
    """The matrix's shown figures agree with the test's own: price points from the prices, weighted points,
    each group's points, the totals, the ranking and the winner. Returns the exact totals."""
    assert m.method.startswith(f"Prismetode: {LINEAR}"), m.method
    points = leaf_points(m, price)
    for b in m.bids:  # every shown figure within its rounding (points 2 decimals, totals 4)
        assert abs(m.get(price).points[b] - points[price][b]) <= Fraction(5, 1000), (b, m.get(price).points)
        for c in m.criteria:
            if c.leaf:
                weighted = c.path_weight * points[c.name][b]
                assert abs(number(c.weighted[b]) - weighted) <= Fraction(5, 1000), (c, b, float(weighted))
            else:
                children = [x for x in m.criteria if x.parent == c.name]
                mean = sum((x.path_weight / c.path_weight * points[x.name][b] for x in children), Fraction(0))
                assert abs(c.points[b] - mean) <= Fraction(5, 1000), (c.name, b)
    mine = totals(m, points, shares(m))
    for b in m.bids:
        assert abs(m.totals[b] - mine[b]) <= Fraction(5, 100_000), (b, m.totals[b], float(mine[b]))
    order = ranked(mine)
    assert mine[order[0]] > mine[order[1]], "the journey's figures give one winner"
    assert [m.ranks[b] for b in order] == [str(n) for n in range(1, len(order) + 1)], (m.ranks, order)
    assert m.winner == order[0], (m.winner, order)
    return mine


def check_chart(page: Any, m: Matrix) -> None:
    """The matrix's bar chart: one bar per bid, in the table's order, one segment per bid and criterion with
    weighted points (the chart's leaves), each titled with the table's figure; the legend names them."""
    chart = page.locator("figure.chart svg#chart-matrix")
    data = chart.evaluate(
        """s => ({
            legend: [...s.querySelectorAll('g.legend text')].map(t => t.textContent.trim()),
            labels: [...s.querySelectorAll(':scope > g > title')].map(t => t.textContent.trim()),
            segments: [...s.querySelectorAll('rect.segment')].map(r => ({
                y: r.getAttribute('y'), series: r.dataset.series, title: r.querySelector('title').textContent,
            })),
        })"""
    )
    leaves = [c for c in m.criteria if c.leaf]
    assert data["legend"] == [c.name for c in leaves], data["legend"]
    assert data["labels"] == m.bids, data["labels"]
    bars: dict[str, list[dict[str, str]]] = {}
    for s in data["segments"]:
        bars.setdefault(s["y"], []).append(s)
    assert len(bars) == len(m.bids), bars.keys()
    for bid, (_, segments) in zip(m.bids, sorted(bars.items(), key=lambda x: float(x[0])), strict=True):
        expected = [(c.name, number(c.weighted[bid])) for c in leaves if number(c.weighted[bid]) != 0]
        said = [re.fullmatch(r"(.+): (\S+) vektede poeng", s["title"]) for s in segments]
        assert all(said), segments
        assert [(x.group(1), number(x.group(2))) for x in said if x] == expected, (bid, segments)
        assert [int(s["series"]) for s in segments] == [
            n for n, c in enumerate(leaves) if number(c.weighted[bid]) != 0
        ]


# -- the sensitivity page ------------------------------------------------------------------------------------
def read_table(page: Any, heading: str) -> list[list[str]]:
    """The body rows of the table under the ``heading`` (h3) of the page, cell texts."""
    table = page.locator(f"xpath=//h3[normalize-space()='{heading}']/following::table[1]")
    return table.evaluate("t => [...t.tBodies[0].rows].map(r => [...r.cells].map(c => c.innerText.trim()))")


def weight_range(m: Matrix, node: str, points: dict[str, dict[str, Fraction]]) -> tuple[Any, ...]:
    """The share range of ``node`` within which the winner stays the winner, with the bids that take over
    below and above it: every other bid's lead or lag is linear in the share (worked out at 0 and 1 by
    reweighting), so each one crossing the winner bounds the range."""
    winner = m.winner
    low, high, below, above = Fraction(0), Fraction(1), None, None
    at0, at1 = (totals(m, points, reweighted(m, node, Fraction(w))) for w in (0, 1))
    for other in m.bids:
        if other == winner:
            continue
        gap0, gap1 = at0[winner] - at0[other], at1[winner] - at1[other]
        slope = gap1 - gap0
        if slope == 0:
            continue
        crossing = -gap0 / slope
        if slope > 0 and crossing > low:
            low, below = crossing, other
        elif slope < 0 and crossing < high:
            high, above = crossing, other
    return low, high, below, above


def percent_matches(shown: str, share: Fraction) -> bool:
    """A share shown as a percentage with at most one decimal."""
    return abs(number(shown) - share * 100) <= Fraction(5, 100)


def check_weights(page: Any, m: Matrix) -> list[tuple[str, Fraction, Fraction]]:
    """The table «Vekter som beholder vinneren» against the test's own ranges, and each range tried: just
    inside it the winner still wins, just outside the bid named takes over. Returns (criterion, low, high)."""
    points = leaf_points(m, "Pris")
    rows = read_table(page, "Vekter som beholder vinneren")
    assert [r[0] for r in rows] == [c.name for c in m.criteria], rows
    level = shares(m)
    found = []
    for name, now, low_text, high_text, takers, _holds in rows:
        low, high, below, above = weight_range(m, name, points)
        assert percent_matches(now, level[name]), (name, now)
        assert percent_matches(low_text, low) and percent_matches(high_text, high), (name, rows, low, high)
        assert takers.split(" / ") == [below or "–", above or "–"], (name, takers)
        step = Fraction(1, 200)
        for w, leader in (
            (low - step, below),
            (low + step, m.winner),
            (high - step, m.winner),
            (high + step, above),
        ):
            if leader is None or not 0 <= w <= 1:
                continue
            assert ranked(totals(m, points, reweighted(m, name, w)))[0] == leader, (name, float(w), leader)
        found.append((name, low, high))
    return found


def price_cut(m: Matrix, bid: str) -> Fraction | None:
    """The smallest cut to the øre in ``bid``'s price (the others' held) after which it alone has the highest
    total, every bid's price points worked out again since the lowest price may move; None when no price
    above 0 would do."""
    points = leaf_points(m, "Pris")
    top = max(points["Pris"].values())
    level = shares(m)

    def wins(cut_ore: int) -> bool:
        prices = dict(m.prices)
        prices[bid] -= Fraction(cut_ore, 100)
        moved = dict(points)
        moved["Pris"] = price_points(prices, top)
        scores = totals(m, moved, level)
        return all(scores[bid] > scores[b] for b in m.bids if b != bid)

    most = int(m.prices[bid] * 100) - 1  # the price stays above 0
    if not wins(most):
        return None
    lose, win = 0, most  # a lower price never hurts the bid: it wins from one cut on
    while win - lose > 1:
        middle = (lose + win) // 2
        lose, win = (lose, middle) if wins(middle) else (middle, win)
    return Fraction(win, 100)


def check_price_cuts(page: Any, m: Matrix) -> dict[str, Fraction]:
    """The table «Priskutt som ville gitt seier» against the test's own search (:func:`price_cut`), for every
    bid but the winner. Returns the cuts."""
    rows = read_table(page, "Priskutt som ville gitt seier")
    assert [r[0] for r in rows] == [b for b in m.bids if b != m.winner], rows
    cuts = {}
    for bid, price, cut, percent in rows:
        assert number(price) == m.prices[bid], (bid, price)
        found = price_cut(m, bid)
        if found is None:
            assert cut == "Kan ikke vinne på pris alene.", (bid, cut)
            continue
        cuts[bid] = found
        assert number(cut) == found, (bid, cut, float(found))
        assert percent_matches(percent, found / m.prices[bid]), (bid, percent)
    return cuts
