"""The demo's `negotiated` stage (issue 13): the Grenland competitive negotiation from the published tender
documents through a question answered to all, a correction, one negotiation round and the final bids, built
through the operations the pages use; and the one timeline that shows it."""

from __future__ import annotations

from typing import Any

import pytest

from tender.bids.models import RoundKind
from tender.core.timeline import Kind
from tender.corrections.operations import corrections_of
from tender.documents import operations as documents
from tender.documents.models import DocumentKind
from tender.negotiation import operations as negotiation
from tender.questions.operations import published_questions
from tender.timeline.operations import problems_of, timeline_of


@pytest.fixture
def negotiated(runner, db) -> Any:
    result = runner.invoke(args=["demo", "--stage", "negotiated"])
    assert result.exit_code == 0, result.output
    from tender.demo.stages import demo_tender

    tender = demo_tender()
    assert tender is not None
    return tender


def test_the_negotiated_stage_runs_from_the_published_documents_to_the_scored_final_bids(negotiated) -> None:
    tender = negotiated
    first, final = negotiation.rounds_of(tender)
    assert (first.kind, final.kind) == (RoundKind.INITIAL, RoundKind.BAFO)
    assert first.opened and final.opened and final.is_final
    # one of the four was reduced out before the best and final offers; the three left delivered again
    assert len(final.invited) == 3
    ranked = negotiation.ranking(tender)
    assert len(ranked) == 3 and all(r.rank is not None and r.total is not None for r in ranked)
    before = {r.vendor.id: r.price for r in negotiation.ranking(tender, 1)}
    assert all(r.price < before[r.vendor.id] for r in ranked)
    # a question answered to everyone, naming no one
    [answer] = published_questions(tender)
    assert all(v.name not in answer.question for v in tender.participating_vendors)
    # the correction published the specification again, and the tender documents followed it
    [correction] = corrections_of(tender)
    v1, v2 = documents.published_versions(tender)
    assert (v1.number, v2.number, v2.is_correction) == (1, 2, True)
    assert correction.reason in v2.correction_reason
    old = {d.kind: d.sha256 for d in documents.documents_of(v1)}
    new = {d.kind: d.sha256 for d in documents.documents_of(v2)}
    assert old.keys() == new.keys()
    changed = {k for k in old if old[k] != new[k]}
    assert DocumentKind.SPECIFICATION in changed
    assert changed <= {DocumentKind.SPECIFICATION, DocumentKind.ANSWER_FORM}
    assert v2.content_sha256 != v1.content_sha256


def test_the_timeline_shows_every_step_and_each_vendor_only_its_own_meeting(negotiated) -> None:
    tender = negotiated
    entries = timeline_of(tender, public=False)
    kinds = [e.kind for e in entries]
    assert kinds.count(Kind.ANSWER) == 1 and kinds.count(Kind.CORRECTION) == 1
    assert kinds.count(Kind.DOCUMENTS) >= 2 and kinds.count(Kind.OPENING) == 2
    meetings = [e for e in entries if e.kind is Kind.MEETING]
    assert len({m.vendor_id for m in meetings}) == len(meetings) >= 3
    for vendor in tender.participating_vendors:
        seen = timeline_of(tender, public=True, vendor_ids=[vendor.id])
        own = [e for e in seen if e.kind is Kind.MEETING]
        assert all(e.vendor_id == vendor.id for e in own)
        assert {Kind.ANSWER, Kind.CORRECTION} <= {e.kind for e in seen}
        assert Kind.OPENING not in {e.kind for e in seen}
    # the rounds keep their order: the final deadline after the first opening, the meetings between
    errors = [p for p in problems_of(entries) if not p.warning]
    assert {p.code for p in errors} <= {"out_of_order"}
    assert all(p.values["earlier"] == "invitation" for p in errors)
