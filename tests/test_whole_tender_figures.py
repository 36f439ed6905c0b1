"""The whole-tender journey's own computation of the matrix and its sensitivity
(tests/whole_tender_figures.py) on a case worked out by hand, so the journey's checks rest on figures known
to be right."""

from __future__ import annotations

from fractions import Fraction

from tests.whole_tender_figures import (
    Criterion,
    Matrix,
    leaf_points,
    number,
    price_cut,
    shares,
    totals,
    weight_range,
)

F = Fraction


def _matrix() -> Matrix:
    """Pris 40 %, Kvalitet 60 % over A and B (50 % each). X: price 100, A 10, B 0; Y: price 200, A 6, B 6.
    By hand: price points X 10, Y 0 (DFØ linear, Max 10); totals X 0,4·10 + 0,3·10 = 7,
    Y 0,3·6 + 0,3·6 = 3,6."""
    bids = ["X", "Y"]
    return Matrix(
        bids=bids,
        method="Prismetode: Lineær (DFØ): …",
        prices={"X": F(100), "Y": F(200)},
        criteria=[
            Criterion("Pris", 0, True, F(40, 100), {"X": F(10), "Y": F(0)}),
            Criterion("Kvalitet", 0, False, F(60, 100), {"X": F(5), "Y": F(6)}),
            Criterion("A", 1, True, F(30, 100), {"X": F(10), "Y": F(6)}, parent="Kvalitet"),
            Criterion("B", 1, True, F(30, 100), {"X": F(0), "Y": F(6)}, parent="Kvalitet"),
        ],
        totals={"X": F(7), "Y": F(36, 10)},
        ranks={"X": "1", "Y": "2"},
        winner="X",
    )


def test_numbers_are_read_as_the_pages_write_them_in_norwegian() -> None:
    assert number("1\u00a0450\u00a0000,00\u00a0kr") == 1_450_000
    assert number("18,5\u00a0%") == F(185, 10)
    assert number("\u22122,63") == F(-263, 100)


def test_the_totals_are_the_leaves_path_weights_times_their_points() -> None:
    m = _matrix()
    assert totals(m, leaf_points(m, "Pris"), shares(m)) == {"X": 7, "Y": F(36, 10)}


def test_the_price_weight_keeps_the_winner_from_one_eleventh_up_and_the_leaves_never_change_it() -> None:
    # X(w) = 10w + 5(1 − w), Y(w) = 6(1 − w): X leads where w ≥ 1/11
    m = _matrix()
    points = leaf_points(m, "Pris")
    assert weight_range(m, "Pris", points) == (F(1, 11), 1, "Y", None)
    assert weight_range(m, "Kvalitet", points) == (0, F(10, 11), None, "Y")
    # A at share a: X = 4 + 6a against 3,6; B at share b: X = 10 − 6b against 3,6: X wins over all of 0–1
    assert weight_range(m, "A", points) == (0, 1, None, None)
    assert weight_range(m, "B", points) == (0, 1, None, None)


def test_the_price_cut_is_the_smallest_to_the_ore_that_makes_the_bid_win_alone() -> None:
    # Y at p ≥ 100: 0,4·(20 − p/10) + 3,6 = 11,6 − 0,04p > 7 where p < 115: a cut of 85,00 only ties
    assert price_cut(_matrix(), "Y") == F(8501, 100)
