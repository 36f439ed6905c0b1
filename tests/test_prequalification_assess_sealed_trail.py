"""The audit trail and the requests to take part (issue 12, point 4): until the REQUESTS are opened (after the
participation deadline, by two), the group's trail shows nothing of a request — not its events, whoever
recorded them, not a file name, not a count; after that opening it shows them, while the bids' events stay
hidden until the bids are opened. Tested both ways, as tests/test_audit_sealed.py does for the bids."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, not_, select

from tender import audit
from tender.audit import AuditEvent, request_activity, sealed_activity, vendor_activity
from tender.prequalification import assess_operations as ops
from tests.prequalification_helpers import PQ_AFTER, PQ_BEFORE, pq_setup, submitted_request

SECRET = "hemmelig-firmaattest-7Q2.pdf"


@pytest.fixture
def s(db, create_tender, add_member, create_user):
    return pq_setup(db, create_tender, add_member, create_user)


def _request_activity(db, s):
    """Vendor A's request with its events, as the request part records them: by the vendor's user, by the
    command line (no vendor actor: hidden by its name), and a late attempt by vendor C."""
    a = submitted_request(db, s, 0)
    seller = s.vendor_users[0]
    audit.record("request.created", a, actor=seller, payload={"vendor": s.vendors[0].organisasjonsnummer})
    audit.record("request.document_added", a, actor=seller, payload={"filename": SECRET, "sha256": "0" * 64})
    audit.record("request.submitted", a, actor=seller, payload={"vendor": s.vendors[0].organisasjonsnummer})
    audit.record(
        "request.espd_imported", a, payload={"filename": f"espd-{SECRET}"}
    )  # the CLI: no vendor actor
    audit.record(
        "request.late_attempt",
        s.tender,
        actor=s.vendor_users[2],
        payload={"vendor": s.vendors[2].organisasjonsnummer, "action": "submit", "at": PQ_AFTER.isoformat()},
    )
    db.session.commit()
    return a


def _trail(client, s, query: str = "") -> str:
    response = client.get(f"/konkurranser/{s.tender.id}/revisjonsspor{query}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _open(db, s):
    ops.confirm_opening(s.tender, at=PQ_AFTER, actor=s.lead)
    assert ops.confirm_opening(s.tender, at=PQ_AFTER, actor=s.evaluators[0]) is not None
    db.session.commit()


def test_before_the_requests_are_opened_the_lead_sees_no_request_event_nor_any_trace_of_one(
    client, db, login_as, clock, s
) -> None:
    _request_activity(db, s)
    login_as(s.lead)
    for moment in (PQ_BEFORE, PQ_AFTER):
        clock.set(moment)
        html = _trail(client, s)
        for secret in (SECRET, "request.", "late_attempt", s.vendor_users[0].email):
            assert secret not in html, secret
        for query in (
            "?type=request.submitted",
            "?type=request.late_attempt",
            "?objekttype=participation_request",
        ):
            assert "0 hendelser med dette filteret." in _trail(client, s, query), query
        shown = db.session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.tender_id == s.tender.id, not_(vendor_activity(s.tender.id)))
        )
        assert f"<p>{shown} hendelser." in html


def test_after_the_requests_are_opened_the_group_sees_them_but_still_nothing_of_a_bid(
    client, db, login_as, clock, s
) -> None:
    a = _request_activity(db, s)
    # a bid event of the same vendor: sealed until the BIDS are opened
    audit.record(
        "bid.created", None, tender_id=s.tender.id, actor=s.vendor_users[0], object_type="bid", object_id=1
    )
    db.session.commit()
    clock.set(PQ_AFTER)
    _open(db, s)
    asked = ops.ask_clarification(
        s.tender, a, s.requirements[0], question="Firmaattest?", at=PQ_AFTER, actor=s.lead
    )
    ops.answer_clarification(
        s.tender, asked, s.vendors[0], answer="Se vedlegg.", at=PQ_AFTER, actor=s.vendor_users[0]
    )
    db.session.commit()
    login_as(s.lead)
    html = _trail(client, s)
    assert SECRET in html and f"espd-{SECRET}" in html
    events = set(re.findall(r'<tr data-event="([a-z_.]+)">', html))
    assert {
        "request.submitted",
        "request.late_attempt",
        "requests.opened",
        "clarification.answered",
    } <= events
    assert "bid.created" not in events
    assert "0 hendelser med dette filteret." in _trail(client, s, "?type=bid.created")


def test_the_conditions_hide_exactly_the_request_events_until_the_requests_are_opened(db, s) -> None:
    _request_activity(db, s)
    audit.record("tender.updated", s.tender, actor=s.lead, payload={"request": 7})  # names a request
    db.session.commit()
    t = s.tender.id

    def types(condition) -> set[str]:
        return set(
            db.session.scalars(select(AuditEvent.event_type).where(AuditEvent.tender_id == t, condition))
        )

    requests = {"request.created", "request.document_added", "request.submitted", "request.espd_imported"}
    requests |= {"request.late_attempt", "tender.updated"}
    assert types(request_activity(t)) == requests
    assert requests <= types(vendor_activity(t))
    assert not requests & types(vendor_activity(t, requests_opened=True))
    assert types(sealed_activity(t, bids_opened=True, requests_opened=False)) == requests
    assert sealed_activity(t, bids_opened=True, requests_opened=True) is None
