"""Many evaluators saving at once over HTTP against a running server: every score is stored, no update
lost."""

from __future__ import annotations

import re
import threading
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from http.cookiejar import CookieJar

from sqlalchemy import select

from tests.evaluation_helpers import PASSWORD, live_setup, restore_clock

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # noqa: ANN002, ANN003
        return None


class Browser:
    """One logged-in person: a cookie jar and the session's CSRF token."""

    def __init__(self, base: str, email: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(CookieJar()), _NoRedirect()
        )
        self.token = CSRF.search(self.get("/logg-inn")[1]).group(1)
        status, _ = self.post("/logg-inn", {"email": email, "password": PASSWORD, "csrf_token": self.token})
        assert status == 302
        self.token = CSRF.search(self.get("/")[1]).group(1)

    def get(self, path: str) -> tuple[int, str]:
        with self.opener.open(self.base + path, timeout=60) as r:
            return r.status, r.read().decode()

    def post(self, path: str, data: dict[str, str]) -> tuple[int, str]:
        body = urllib.parse.urlencode(data).encode()
        try:
            with self.opener.open(urllib.request.Request(self.base + path, data=body), timeout=120) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode()


def _score(
    browser: Browser,
    tender_id: int,
    bid_id: int,
    criterion: tuple[int, str],
    score: str,
    text: str,
    lock: str,
) -> int:
    prefix = f"s{bid_id}-{criterion[0]}"
    status, _ = browser.post(
        f"/konkurranser/{tender_id}/evaluering/poeng/{bid_id}/{criterion[1]}",
        {
            f"{prefix}-score": score,
            f"{prefix}-justification": text,
            f"{prefix}-lock_version": lock,
            f"{prefix}-csrf_token": browser.token,
        },
    )
    return status


def _all_at_once(jobs):
    barrier = threading.Barrier(len(jobs))

    def run(job):
        barrier.wait()
        return job()

    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        return list(pool.map(run, jobs))


def _stored(app, tender_id):
    from tender.bids.models import Bid
    from tender.evaluation.models import IndividualScoreRow
    from tender.extensions import db

    with app.app_context():
        rows = db.session.scalars(
            select(IndividualScoreRow)
            .join(Bid, Bid.id == IndividualScoreRow.bid_id)
            .where(Bid.tender_id == tender_id)
        ).all()
        found = {(r.evaluator.email, r.bid_id): (r.score, r.justification, r.lock_version) for r in rows}
        db.session.remove()
        return found


def test_twenty_evaluators_saving_at_once_lose_no_score(live_server) -> None:
    w = live_setup(live_server.app, evaluators=20, vendors=2, leaves=1)
    try:
        people = [Browser(live_server.url, e.email) for e in w.evaluators]
        arkiv = next(leaf for leaf in w.leaves if leaf[1] == "arkiv")
        bid = w.bid_ids[0]
        first = _all_at_once(
            [
                (lambda b=b, i=i: _score(b, w.tender_id, bid, arkiv, str(i % 11), f"Første runde {i}", ""))
                for i, b in enumerate(people)
            ]
        )
        assert first == [302] * 20
        second = _all_at_once(
            [
                (
                    lambda b=b, i=i: _score(
                        b, w.tender_id, bid, arkiv, str((i + 3) % 11), f"Andre runde {i}", "1"
                    )
                )
                for i, b in enumerate(people)
            ]
        )
        assert second == [302] * 20
        stored = _stored(live_server.app, w.tender_id)
        assert len(stored) == 20
        for i, e in enumerate(w.evaluators):
            score, text, version = stored[(e.email, bid)]
            assert (int(score), text, version) == ((i + 3) % 11, f"Andre runde {i}", 2)
    finally:
        restore_clock(live_server.app)


def test_two_saves_of_the_same_score_from_one_stale_page_keep_one_and_report_a_conflict(live_server) -> None:
    w = live_setup(live_server.app, evaluators=1, vendors=1, leaves=1)
    try:
        arkiv = next(leaf for leaf in w.leaves if leaf[1] == "arkiv")
        tabs = [Browser(live_server.url, w.evaluators[0].email) for _ in range(2)]
        assert _score(tabs[0], w.tender_id, w.bid_ids[0], arkiv, "5", "Utgangspunkt", "") == 302
        results = _all_at_once(
            [
                (lambda t=t, i=i: _score(t, w.tender_id, w.bid_ids[0], arkiv, str(6 + i), f"Fane {i}", "1"))
                for i, t in enumerate(tabs)
            ]
        )
        assert sorted(results) == [302, 409]
        winner = results.index(302)
        ((score, text, version),) = _stored(live_server.app, w.tender_id).values()
        assert (int(score), text, version) == (6 + winner, f"Fane {winner}", 2)
    finally:
        restore_clock(live_server.app)


def _consensus(
    browser: Browser,
    tender_id: int,
    bid_id: int,
    criterion: tuple[int, str],
    score: str,
    text: str,
    lock: str,
) -> int:
    prefix = f"c{bid_id}-{criterion[0]}"
    status, _ = browser.post(
        f"/konkurranser/{tender_id}/evaluering/konsensus/{bid_id}/{criterion[1]}",
        {
            f"{prefix}-score": score,
            f"{prefix}-justification": text,
            f"{prefix}-lock_version": lock,
            f"{prefix}-csrf_token": browser.token,
        },
    )
    return status


def test_two_tabs_saving_the_same_consensus_score_at_once_keep_one_and_report_a_conflict(live_server) -> None:
    from tender.evaluation.models import ConsensusScore
    from tender.extensions import db

    w = live_setup(live_server.app, evaluators=1, vendors=1, leaves=1)
    try:
        arkiv = next(leaf for leaf in w.leaves if leaf[1] == "arkiv")
        tabs = [Browser(live_server.url, w.lead.email) for _ in range(2)]
        status, _ = tabs[0].post(
            f"/konkurranser/{w.tender_id}/evaluering/konsensus/apne",
            {"csrf_token": tabs[0].token, "confirm": "y"},
        )
        assert status == 302
        # a new score written twice at once, then the stored one changed from two pages showing version 1
        for round_, lock in enumerate(("", "1")):
            results = _all_at_once(
                [
                    (
                        lambda t=t, i=i, round_=round_, lock=lock: _consensus(
                            t, w.tender_id, w.bid_ids[0], arkiv, str(2 * round_ + i), f"Fane {i}", lock
                        )
                    )
                    for i, t in enumerate(tabs)
                ]
            )
            assert sorted(results) == [302, 409], lock
        with live_server.app.app_context():
            (row,) = db.session.scalars(
                select(ConsensusScore).where(ConsensusScore.bid_id == w.bid_ids[0])
            ).all()
            assert row.lock_version == 2 and row.justification.startswith("Fane ")
            db.session.remove()
    finally:
        restore_clock(live_server.app)
