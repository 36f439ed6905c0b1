"""The property tests judge results, never time: Hypothesis's per-example deadline is off for the whole
suite (tests/conftest.py), and a failure prints the blob that reproduces it."""

from __future__ import annotations

import time

from hypothesis import given, settings
from hypothesis import strategies as st


def test_the_suite_runs_hypothesis_without_a_deadline_and_prints_the_reproducing_blob() -> None:
    assert settings.default.deadline is None
    assert settings.default.print_blob is True


@settings(max_examples=3)
@given(st.integers(min_value=0, max_value=2))
def test_an_example_slower_than_hypothesis_own_default_deadline_is_judged_on_its_result(n: int) -> None:
    time.sleep(0.25)  # longer than Hypothesis's default 200 ms deadline, which would fail this test
    assert 0 <= n <= 2
