"""Two people open the bids (issue 9, point 2): each member confirms in their own session, the second distinct
confirmation (a lead among the two) opens; a per-tender setting lowers it to one lead for small tenders; the
opening record names the people, the time, every bid with its receipt hash and every late attempt."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tender.audit import AuditEvent
from tender.bids import operations as bid_ops
from tender.errors import DomainError
from tests.evaluation_helpers import AFTER, BEFORE, DEADLINE, setup_tender, submit_bid

OPEN = "/konkurranser/{}/evaluering/tilbud/apne"
BIDS = "/konkurranser/{}/evaluering/tilbud"


@pytest.fixture
def s(db, create_tender, add_member, create_user, clock):
    s = setup_tender(db, create_tender, add_member, create_user)
    submit_bid(db, s, 0)
    submit_bid(db, s, 1, one_off="900000")
    return s


def _events(db, tender, event_type):
    return db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.tender_id == tender.id, AuditEvent.event_type == event_type)
        .order_by(AuditEvent.seq)
    ).all()


def test_one_persons_confirmation_does_not_open_the_bids_while_the_setting_asks_for_two(
    client, forms, login_as, db, clock, s
) -> None:
    clock.set(AFTER)
    login_as(s.lead)
    response = forms.post(OPEN.format(s.id), {}, follow=True)
    html = response.get_data(as_text=True)
    assert bid_ops.opening_of(s.tender) is None
    assert "Bekreftelsen din er registrert" in html and "Én bekreftelse til trengs" in html
    # who may give it: the evaluators and the observer, not the lead again
    assert "Den kan gis av: Evaluator 1, Evaluator 2, Olav Observatør." in html
    assert "Leverandør A AS" not in html
    [confirmed] = _events(db, s.tender, "bids.opening_confirmed")
    assert confirmed.actor_id == s.lead.id and confirmed.payload["persons_required"] == 2


def test_the_same_user_confirming_twice_does_not_open_the_bids(client, forms, login_as, db, clock, s) -> None:
    clock.set(AFTER)
    login_as(s.lead)
    forms.post(OPEN.format(s.id), {})
    again = forms.post(OPEN.format(s.id), {}, follow=True).get_data(as_text=True)
    assert "Du har allerede bekreftet åpningen" in again
    # a new login of the same person is no second person either
    login_as(s.lead)
    forms.post(OPEN.format(s.id), {})
    assert bid_ops.opening_of(s.tender) is None
    assert len(bid_ops.opening_confirmations(s.tender)) == 1
    with pytest.raises(DomainError, match="allerede bekreftet"):
        bid_ops.confirm_opening(s.tender, at=AFTER, actor=s.lead)


def test_two_members_without_a_lead_cannot_open_the_bids(db, clock, s) -> None:
    assert bid_ops.confirm_opening(s.tender, at=AFTER, actor=s.evaluators[0]) is None
    with pytest.raises(DomainError, match="må være prosjektleder"):
        bid_ops.confirm_opening(s.tender, at=AFTER, actor=s.observer)
    assert [u.name for u in bid_ops.opening_status(s.tender, AFTER).may_confirm] == ["Lena Leder"]
    assert bid_ops.confirm_opening(s.tender, at=AFTER, actor=s.lead) is not None


def test_a_signer_or_vendor_has_no_opening_right(client, forms, login_as, db, clock, s) -> None:
    from tender.tenders.models import Role

    clock.set(AFTER)
    signer = next(m.user for m in s.tender.memberships if m.role is Role.SIGNER)
    for person in (signer, s.vendor_users[0]):
        login_as(person)
        assert forms.post(OPEN.format(s.id), {}).status_code == 403
    with pytest.raises(DomainError, match="ikke rett"):
        bid_ops.confirm_opening(s.tender, at=AFTER, actor=signer)
    assert bid_ops.opening_confirmations(s.tender) == []


def test_the_lead_and_an_evaluator_open_the_bids_and_the_record_names_both(
    client, forms, login_as, db, clock, s
) -> None:
    from tender.bids.models import BidOpening

    clock.set(AFTER)
    login_as(s.lead)
    forms.post(OPEN.format(s.id), {})
    clock.set(AFTER + timedelta(minutes=3))
    login_as(s.evaluators[0])
    done = forms.post(OPEN.format(s.id), {}, follow=True).get_data(as_text=True)
    assert "Tilbudene er åpnet" in done
    opening = db.session.scalar(select(BidOpening).where(BidOpening.tender_id == s.tender.id))
    record = bid_ops.opening_record(opening)
    assert [(p["name"], p["roles"]) for p in record.opened_by] == [
        ("Lena Leder", "prosjektleder"),
        ("Evaluator 1", "evaluator"),
    ]
    assert record.persons_required == 2 and opening.opened_at == AFTER + timedelta(minutes=3)
    assert {b["vendor"]: b["receipt_sha256"] for b in record.bids} == {
        b.vendor.name: b.receipt_sha256 for b in bid_ops.submitted_bids(s.tender)
    }
    # the page says it in Norwegian, in Oslo time (12:00:01 UTC is 13:00:01 in December)
    assert (
        "Åpnet 15. desember 2026 kl. 13.03.01 av Lena Leder (prosjektleder) og Evaluator 1 (evaluator)."
        in done
    )
    assert "15. desember 2026 kl. 13.00.01" in done and "T12:00" not in done
    for b in bid_ops.submitted_bids(s.tender):
        assert b.receipt_sha256 in done
    [opened] = _events(db, s.tender, "bids.opened")
    assert (
        opened.payload["opened_by"] == ["Lena Leder", "Evaluator 1"] and opened.actor_id == s.evaluators[0].id
    )


def test_the_opening_record_lists_every_late_attempt(client, forms, login_as, db, clock, s) -> None:
    clock.set(AFTER)
    login_as(s.vendor_users[0])
    assert forms.post(f"/konkurranser/{s.id}/mitt-tilbud/lever", {}).status_code == 409
    bid_ops.confirm_opening(s.tender, at=AFTER, actor=s.observer)
    bid_ops.confirm_opening(s.tender, at=AFTER, actor=s.lead)
    db.session.commit()
    login_as(s.lead)
    html = client.get(BIDS.format(s.id)).get_data(as_text=True)
    record = bid_ops.opening_record(bid_ops.opening_of(s.tender))
    assert [(a["vendor"], a["action"], a["at"]) for a in record.late_attempts] == [
        ("Leverandør A AS", "levere tilbudet", AFTER)
    ]
    assert "Forsøk etter tilbudsfristen" in html and "levere tilbudet" in html
    assert "Olav Observatør (observatør)" in html


def test_a_confirmation_can_be_withdrawn_before_the_opening_and_it_is_logged(
    client, forms, login_as, db, clock, s
) -> None:
    clock.set(AFTER)
    login_as(s.lead)
    forms.post(OPEN.format(s.id), {})
    page = client.get(BIDS.format(s.id)).get_data(as_text=True)
    assert "Trekk tilbake bekreftelsen min" in page
    response = forms.post(OPEN.format(s.id) + "/trekk", {}, follow=True).get_data(as_text=True)
    assert "Bekreftelsen din er trukket tilbake" in response and "To bekreftelser trengs" in response
    assert bid_ops.opening_confirmations(s.tender) == []
    assert len(_events(db, s.tender, "bids.opening_confirmation_withdrawn")) == 1
    # the evaluator's confirmation now waits for a lead again: it does not open the bids
    assert bid_ops.confirm_opening(s.tender, at=AFTER, actor=s.evaluators[0]) is None
    assert bid_ops.opening_of(s.tender) is None


def test_a_confirmation_cannot_be_withdrawn_after_the_opening(db, clock, s) -> None:
    bid_ops.confirm_opening(s.tender, at=AFTER, actor=s.lead)
    bid_ops.confirm_opening(s.tender, at=AFTER, actor=s.evaluators[1])
    with pytest.raises(DomainError, match="allerede åpnet"):
        bid_ops.withdraw_opening_confirmation(s.tender, at=AFTER, actor=s.lead)
    assert len(bid_ops.opening_confirmations(s.tender)) == 2


def test_the_lead_lowers_the_setting_to_one_person_before_the_deadline_and_opens_alone(
    client, forms, login_as, db, clock, s
) -> None:
    login_as(s.lead)
    page = client.get(BIDS.format(s.id)).get_data(as_text=True)
    assert "Hvem åpner tilbudene" in page
    response = forms.post(BIDS.format(s.id) + "/apning", {"persons": "1"}, follow=True)
    assert "prosjektleder kan åpne tilbudene alene" in response.get_data(as_text=True)
    assert s.tender.opening_persons == 1
    [changed] = _events(db, s.tender, "tender.opening_persons_changed")
    assert changed.payload == {"from": 2, "to": 1}
    clock.set(AFTER)
    # an evaluator alone may not open even a small tender's bids
    with pytest.raises(DomainError, match="må det være prosjektleder"):
        bid_ops.confirm_opening(s.tender, at=AFTER, actor=s.evaluators[0])
    assert forms.post(OPEN.format(s.id), {}).status_code == 302
    html = client.get(BIDS.format(s.id)).get_data(as_text=True)
    assert (
        "Åpnet 15. desember 2026 kl. 13.00.01 av Lena Leder (prosjektleder), én person alene etter "
        "konkurransens innstilling for små konkurranser." in html
    )
    assert bid_ops.opening_of(s.tender).persons_required == 1


def test_lowering_the_setting_after_the_deadline_is_refused(client, forms, login_as, db, clock, s) -> None:
    clock.set(DEADLINE)
    login_as(s.lead)
    response = forms.post(f"/konkurranser/{s.id}/evaluering/tilbud/apning", {"persons": "1"})
    assert response.status_code == 422
    assert "kan ikke endres lenger" in response.get_data(as_text=True)
    db.session.expire_all()
    assert s.tender.opening_persons == 2
    assert _events(db, s.tender, "tender.opening_persons_changed") == []
    # nor does the lead's confirmation then open alone
    bid_ops.confirm_opening(s.tender, at=AFTER, actor=s.lead)
    assert bid_ops.opening_of(s.tender) is None


def test_only_the_lead_changes_the_setting_and_a_wrong_value_is_refused(
    client, forms, login_as, db, clock, s
) -> None:
    login_as(s.evaluators[0])
    assert forms.post(f"/konkurranser/{s.id}/evaluering/tilbud/apning", {"persons": "1"}).status_code == 403
    login_as(s.lead)
    response = forms.post(f"/konkurranser/{s.id}/evaluering/tilbud/apning", {"persons": "0"})
    assert response.status_code == 422
    db.session.expire_all()
    assert s.tender.opening_persons == 2


def test_a_confirmation_of_someone_who_lost_the_opening_right_no_longer_counts(db, clock, s) -> None:
    from tender.tenders.models import Membership

    bid_ops.confirm_opening(s.tender, at=AFTER, actor=s.evaluators[0])
    db.session.delete(
        db.session.scalar(
            select(Membership).where(
                Membership.tender_id == s.tender.id, Membership.user_id == s.evaluators[0].id
            )
        )
    )
    db.session.flush()
    db.session.expire(s.tender)
    assert bid_ops.confirm_opening(s.tender, at=AFTER, actor=s.lead) is None
    assert bid_ops.opening_of(s.tender) is None


def test_the_lead_and_an_evaluator_confirming_at_the_same_moment_open_the_bids_once(live_server) -> None:
    """Over HTTP against a running server: neither confirmation may miss the other, and nothing gives a
    500."""
    from tender.bids.models import BidOpening, BidOpeningConfirmation
    from tender.extensions import db as database
    from tests.evaluation_helpers import live_setup, restore_clock
    from tests.test_evaluation_concurrency import Browser, _all_at_once

    w = live_setup(live_server.app, vendors=2, opened=False)
    try:
        people = [Browser(live_server.url, w.lead.email), Browser(live_server.url, w.evaluators[0].email)]
        path = OPEN.format(w.tender_id)
        statuses = _all_at_once([lambda b=b: b.post(path, {"csrf_token": b.token})[0] for b in people])
        assert statuses == [302, 302]
        with live_server.app.app_context():
            openings = database.session.scalars(
                select(BidOpening).where(BidOpening.tender_id == w.tender_id)
            ).all()
            confirmations = database.session.scalars(
                select(BidOpeningConfirmation).where(BidOpeningConfirmation.tender_id == w.tender_id)
            ).all()
            assert len(openings) == 1 and openings[0].persons_required == 2
            assert sorted(c.user_name for c in confirmations) == sorted([w.lead.name, w.evaluators[0].name])
            database.session.remove()
    finally:
        restore_clock(live_server.app)


def test_an_opening_recorded_before_two_person_opening_still_reads_as_the_lead_alone(db, clock, s) -> None:
    import json

    from tender.bids.models import BidOpening

    old = BidOpening(
        tender_id=s.tender.id,
        opened_at=AFTER,
        opened_by_id=s.lead.id,
        opened_by_name="Lena Leder",
        persons_required=1,
        record_json=json.dumps(
            [
                {
                    "vendor": "Leverandør A AS",
                    "organisasjonsnummer": s.vendors[0].organisasjonsnummer,
                    "submitted_at": BEFORE.isoformat(),
                    "receipt_sha256": "ab" * 32,
                }
            ]
        ),
    )
    record = bid_ops.opening_record(old)
    assert [(p["name"], p["roles"]) for p in record.opened_by] == [("Lena Leder", "prosjektleder")]
    assert record.persons_required == 1 and record.late_attempts == []
    assert record.bids[0]["submitted_at"] == BEFORE
