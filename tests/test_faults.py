"""Faults on real processes and PostgreSQL (issue 17, point 5), through the scenarios that
benchmarks/bench_faults.py measures (tests/fault_scenarios.py):

- a killed worker's validation is taken up by the next worker and finished, never left "running";
- an app process killed in the middle of a burst of score saves loses no acknowledged save and leaves
  nothing half-written: every score has its audit event and ``tender audit verify`` finds the chain whole;
- with the database away, pages answer 503 in Norwegian with ``Retry-After`` (no 500, no traceback, no
  password in the log) and work again by themselves when it is back.

The three share one deployment (one PostgreSQL cluster of their own, one Redis, the demo tender), in this
order: the worker's scenario needs the demo's "published" stage (bids still open), the burst moves it on to
"bids", the outage comes last.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fault_scenarios import (
    Deployment,
    database_outage,
    deployment,
    score_burst_with_a_killed_app,
    validation_with_a_killed_worker,
)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def dep(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    with deployment(tmp_path_factory.mktemp("faults")) as found:
        yield found


def test_a_worker_killed_in_a_validation_leaves_it_to_the_next_worker_which_finishes_it(
    dep, tmp_path
) -> None:
    from tests.test_noark_tasks import zipped_extract

    extract = zipped_extract(tmp_path, n_mapper=600).read_bytes()
    figures = validation_with_a_killed_worker(dep, extract)
    assert figures.killed_while == "running"
    assert figures.final_status == "done" and figures.verdict == "valid", figures
    assert figures.attempts == 2 and figures.problem == ""


def test_an_app_killed_in_a_burst_of_score_saves_loses_no_acknowledged_save(dep) -> None:
    figures = score_burst_with_a_killed_app(dep)
    assert figures.acknowledged > 25 and figures.lost == [], figures
    assert figures.found == figures.acknowledged
    assert figures.without_audit == 0
    assert figures.audit_ok, figures.audit_verify


def test_with_the_database_away_pages_answer_503_in_norwegian_and_recover_by_themselves(dep) -> None:
    figures = database_outage(dep)
    assert figures.before == 200
    assert figures.during and set(figures.during) == {503}, figures.during
    assert figures.retry_after.isdigit() and figures.norwegian_message and not figures.traceback_shown
    assert figures.after and set(figures.after) == {200}, figures.after
    assert figures.still_logged_in
    assert 1 <= figures.log_lines_about_outage <= 2 and not figures.password_in_log
