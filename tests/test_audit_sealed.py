"""The audit trail before the opening: the lead sees the group's own events, and nothing of what the vendors do
or of any bid or sample (issue 9, point 3); after the opening everything, as before.

The rule is tested both ways: an event hidden only because a vendor user did it (its name says nothing of bids),
and one hidden only because it is about a sample (recorded by the validation worker, not by a vendor).
"""
from __future__ import annotations

import io
import re
import pytest
from sqlalchemy import func, not_, select

from tender import audit
from tender.audit import AuditEvent, vendor_activity
from tender.bids import operations as bid_ops
from tests.evaluation_helpers import AFTER, BEFORE, ORGNR, clock, open_all, setup_tender, submit_bid  # noqa: F401


@pytest.fixture
def s(db, create_tender, add_member, create_user):
    return setup_tender(db, create_tender, add_member, create_user)


def _trail(client, s, query: str = "") -> str:
    response = client.get(f"/konkurranser/{s.id}/revisjonsspor{query}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _options(html: str, select_id: str) -> list[str]:
    block = re.search(rf'<select id="{select_id}"[^>]*>(.*?)</select>', html, re.S)
    assert block, f"no <select id={select_id}>"
    return re.findall(r'<option value="([^"]*)"', block.group(1))


def _rows(html: str) -> list[tuple[str, str]]:
    """(event type, the row's HTML) for every row of the trail's table."""
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = re.findall(r"<tr>(.*?)</tr>", body, re.S)
    return [(re.findall(r"<td>([a-z_]+\.[a-z_.]+)</td>", row)[0], row) for row in rows]


def _vendor_activity(db, s) -> None:
    """Vendor A submits, vendor B keeps a draft with an attachment it also removed once, B tries too late."""
    submit_bid(db, s, 0)
    draft = bid_ops.ensure_bid(s.tender, s.vendors[1], at=BEFORE, actor=s.vendor_users[1])
    bid_ops.add_attachment(s.tender, draft, filename="hemmelig-prisnotat.pdf", content_type="application/pdf",
                           data=b"%PDF-1.4 hemmelig", at=BEFORE, actor=s.vendor_users[1])
    gone = bid_ops.add_attachment(s.tender, draft, filename="feil-fil.docx", content_type="application/msword",
                                  data=b"feil", at=BEFORE, actor=s.vendor_users[1])
    bid_ops.delete_attachment(s.tender, draft, gone, at=BEFORE, actor=s.vendor_users[1])
    db.session.commit()
    bid_ops.record_late_attempt(s.tender, s.vendors[1], action="submit", at=AFTER, actor=s.vendor_users[1])
    db.session.commit()


def test_before_the_opening_the_lead_sees_no_vendor_event_nor_any_trace_of_one(client, db, login_as, clock,
                                                                                s) -> None:
    _vendor_activity(db, s)
    login_as(s.lead)
    for moment in (BEFORE, AFTER):  # before the deadline, and after it while the bids are still unopened
        clock.set(moment)
        html = _trail(client, s)
        for secret in ("bid.", "hemmelig-prisnotat.pdf", "feil-fil.docx", "late_attempt"):
            assert secret not in html, secret
        # the vendors are named only where the group itself added them to the tender
        naming = {row_type for row_type, row in _rows(html) if ORGNR[0] in row or ORGNR[1] in row}
        assert naming == {"tender.vendor_added", "membership.added"}, naming
        assert "vises først etter åpningen" in html
        offered = _options(html, "type") + _options(html, "objekttype")
        assert not any(o.startswith("bid") for o in offered), offered
        # the group's own events are there, and the totals count only them
        assert "evaluation.model_frozen" in html and "specification.published" in html
        shown = db.session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.tender_id == s.id, not_(vendor_activity(s.id))))
        assert f"<p>{shown} hendelser." in html
        # no sequence numbers, whose gaps would count the hidden events
        assert "<th scope=\"col\">Nr.</th>" not in html


def test_before_the_opening_no_filter_finds_a_bid(client, db, login_as, clock, s) -> None:
    _vendor_activity(db, s)
    bid = bid_ops.bid_of(s.tender, s.vendors[0].id)
    login_as(s.lead)
    probes = ["?type=bid.submitted", "?type=bid.late_attempt", "?objekttype=bid", f"?objekttype=bid&objekt={bid.id}",
              "?type=bid.created&side=2"]
    for query in probes:
        html = _trail(client, s, query)
        assert "0 hendelser med dette filteret." in html, query
        assert ORGNR[0] not in html and "<td>bid." not in html, query
    # the same answer as for a bid that does not exist
    missing = _trail(client, s, f"?objekttype=bid&objekt={bid.id + 1000}")
    probed = _trail(client, s, f"?objekttype=bid&objekt={bid.id}")
    strip = re.compile(r'(value|content)="[^"]*"|objekt=\d+|' + str(bid.id + 1000) + "|" + str(bid.id))
    assert strip.sub("", missing) == strip.sub("", probed)


def test_what_a_vendor_user_does_is_hidden_even_when_its_name_says_nothing_of_bids(client, db, login_as, clock,
                                                                                     s) -> None:
    from tender.auth import operations as accounts

    seller = s.vendor_users[0]
    issued = accounts.issue_invitation(seller, tender_id=s.id, invited_by=s.lead)
    db.session.commit()
    accounts.accept_invitation(issued.token, "et-nytt-langt-passord")
    db.session.commit()
    accepted = db.session.scalar(select(AuditEvent).where(AuditEvent.event_type == "invitation.accepted",
                                                          AuditEvent.tender_id == s.id))
    assert accepted.actor_id == seller.id
    login_as(s.lead)
    html = _trail(client, s)
    assert "invitation.accepted" not in html and "invitation.issued" in html  # the lead's own invitation shows
    open_all(db, s, clock)
    assert "invitation.accepted" in _trail(client, s)


def test_a_vendor_users_past_stays_hidden_when_their_role_is_removed(client, db, login_as, clock, s) -> None:
    from tender.auth import operations as accounts
    from tender.tenders import operations as tender_ops

    seller = s.vendor_users[0]
    issued = accounts.issue_invitation(seller, tender_id=s.id, invited_by=s.lead)
    db.session.commit()
    accounts.accept_invitation(issued.token, "et-nytt-langt-passord")
    db.session.commit()
    membership = next(m for m in s.tender.memberships if m.user_id == seller.id)
    tender_ops.remove_membership(s.tender, membership, actor=s.lead)
    db.session.commit()
    login_as(s.lead)
    html = _trail(client, s)
    assert "membership.removed" in html  # the lead's own act shows
    assert "invitation.accepted" not in html


def test_a_sample_event_recorded_by_the_validation_worker_is_hidden_too(client, db, login_as, clock, s,
                                                                        tmp_path) -> None:
    from tender.noark.operations import run_validation, store_upload
    from tests.test_noark_tasks import zipped_extract

    data = zipped_extract(tmp_path).read_bytes()
    sample = store_upload(s.tender, s.vendors[0], io.BytesIO(data), "prove-a.zip", max_bytes=10**8,
                          actor=s.vendor_users[0])
    db.session.commit()
    run_validation(sample.id)
    finished = db.session.scalar(select(AuditEvent).where(AuditEvent.event_type == "noark.validation_finished",
                                                          AuditEvent.tender_id == s.id))
    assert finished is not None and finished.actor_id is None  # not a vendor's event: hidden for what it is about
    login_as(s.lead)
    html = _trail(client, s)
    assert "noark.validation_finished" not in html and "noark.sample_uploaded" not in html
    assert "prove-a.zip" not in html and f"?objekt={sample.id}" not in html
    assert "0 hendelser med dette filteret." in _trail(client, s, f"?objekttype=noark_sample&objekt={sample.id}")


def test_the_groups_own_events_stay_visible_whoever_else_is_in_the_tender(db, clock, s) -> None:
    """An event with no actor and no object type (the operator's CLI) is not taken for a vendor's."""
    audit.record("tender.note", tender_id=s.id, payload={"text": "fra driftsoperatøren"})
    lead_added_vendor = db.session.scalar(select(AuditEvent).where(AuditEvent.event_type == "tender.vendor_added",
                                                                   AuditEvent.tender_id == s.id))
    visible = set(db.session.scalars(select(AuditEvent.event_type).where(
        AuditEvent.tender_id == s.id, not_(vendor_activity(s.id)))))
    assert {"tender.note", "tender.vendor_added", "membership.added", "evaluation.model_frozen"} <= visible
    assert lead_added_vendor.actor_id == s.lead.id


def test_after_the_opening_the_lead_sees_every_event_as_before(client, db, login_as, clock, s) -> None:
    _vendor_activity(db, s)
    open_all(db, s, clock)
    login_as(s.lead)
    html = _trail(client, s)
    for seen in ("bid.submitted", "bid.created", "bid.attachment_added", "hemmelig-prisnotat.pdf", "feil-fil.docx",
                 "bid.late_attempt", ORGNR[0], ORGNR[1], "bids.opened", "<th scope=\"col\">Nr.</th>"):
        assert seen in html, seen
    assert "vises først etter åpningen" not in html
    assert "bid.submitted" in _options(html, "type") and "bid" in _options(html, "objekttype")
    total = db.session.scalar(select(func.count()).select_from(AuditEvent)
                              .where(AuditEvent.tender_id == s.id))
    assert f"<p>{total} hendelser." in html
    bid = bid_ops.bid_of(s.tender, s.vendors[0].id)
    assert "bid.submitted" in _trail(client, s, f"?objekttype=bid&objekt={bid.id}")


def test_tender_audit_verify_still_checks_every_event_before_the_opening(runner, db, clock, s) -> None:
    _vendor_activity(db, s)
    everything = db.session.scalar(select(func.count()).select_from(AuditEvent))
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert f"intakt: {everything} hendelser kontrollert" in result.output


def test_a_member_of_the_group_who_is_not_the_lead_still_may_not_see_the_trail(client, db, login_as, s) -> None:
    login_as(s.observer)
    assert client.get(f"/konkurranser/{s.id}/revisjonsspor").status_code == 403

