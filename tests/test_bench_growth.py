"""The growth benchmark's walk on a small build (benchmarks/bench_growth.py): every GET route of the URL map
is requested as every role of a tender built through the real operations up to the contract, plus a
prequalified tender; no (route, role) pair may answer anything but 200 or a refusal (403/404) or a known
redirect, every route is measured or listed with a reason, and no route is left that no role sees without a
reason. This is what keeps the benchmark honest as pages are added, and it finds a 500 on any page with data.
No timing is judged here."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from benchmarks import bench_growth as bench
from tests.conftest import BACKEND

# the benchmark builds in SQLite of its own whatever the suite's database: once per make test is enough
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(BACKEND != "sqlite", reason="its own SQLite database: the SQLite run only"),
]


@pytest.fixture(scope="module")
def walked(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, dict[str, Any], list[str]]]:
    from flask_migrate import upgrade

    from tender.extensions import db

    tmp: Path = tmp_path_factory.mktemp("growth")
    app = bench.make_app(str(tmp))
    with app.app_context():
        upgrade()
        built = bench.build("T", 30, 2, n_bids=2, n_evaluators=2)
        db.session.remove()
    app.config["CLOCK"].set(built.walk_at)
    data, unmeasured = bench.walk(app, built, repeat=1, only=None)
    yield built, data, unmeasured
    with app.app_context():
        db.engine.dispose()


def test_every_route_answers_a_page_or_a_refusal_to_every_role(walked) -> None:
    _, data, _ = walked
    assert bench.statuses(["T"], {"T": data}) == []


def test_every_route_is_measured_or_listed_with_its_reason(walked) -> None:
    _, data, unmeasured = walked
    assert {line.split()[0] for line in unmeasured} == set(bench.NOT_MEASURED)
    seen = {key.split()[0] for key, m in data.items() if m.status == 200}
    for endpoint in ("pq_assess.request_page", "noark.report", "award_notices.notice", "questions.own"):
        assert endpoint in seen


def test_the_prequalification_pages_are_walked_on_the_prequalified_tender(walked) -> None:
    built, data, _ = walked
    assert built.pq_values["tender_id"] != built.tender_id
    assert data["pq_assess.requests lead (pq)"].status == 200
    assert data["pq_assess.requests lead"].status == 403  # the measured tender has no prequalification
    assert data["pq_request.espd_file vendor (pq, ESPD import)"].status == 200
