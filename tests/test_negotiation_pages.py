"""The negotiation pages refuse bad input in Norwegian and change nothing: a meeting record for a vendor no
longer in the competition, a call with a past deadline, a revised bid after its round's deadline (refused,
the attempt kept for that round's opening record); meeting texts with markup are shown as text; the page
warns when vendors were told different things about the tender documents until the lead acknowledges it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tender.bids import operations as bid_ops
from tender.negotiation import operations as neg
from tests.evaluation_helpers import AFTER
from tests.negotiation_helpers import call_round, decide_to_negotiate, negotiation_setup


@pytest.fixture
def s(db, create_tender, add_member, create_user, clock):
    s = negotiation_setup(db, create_tender, add_member, create_user, clock)
    decide_to_negotiate(db, s)
    # the meetings are held the day after the opening (one dated before it is refused)
    clock.set(AFTER + timedelta(days=1))
    return s


def _meeting(vendor_id: int, **kw: str) -> dict[str, str]:
    return {
        "vendor": str(vendor_id),
        "held_at": "2026-12-16T10:00",
        "our_attendees": "Lena Leder",
        "vendor_attendees": "Selger",
        "topics": "Pris",
        "vendor_told": "Prisen er høy.",
        "documents_info": "Ingen endringer.",
        **kw,
    }


def test_a_meeting_record_for_a_vendor_no_longer_in_the_competition_is_refused_on_the_page(
    db, s, forms, login_as
) -> None:
    neg.reduce(s.tender, {s.vendors[2].id: "Lavest rangert."}, note="Rangeringen.", at=AFTER, actor=s.lead)
    db.session.commit()
    login_as(s.lead)
    url = f"/konkurranser/{s.id}/forhandling"
    response = forms.post(url + "/moter", _meeting(s.vendors[2].id), page=url)
    assert response.status_code == 422
    assert "ikke lenger med i konkurransen" in response.get_data(as_text=True)
    assert neg.meetings_of(s.tender) == []
    # the form offers only the vendors still in the competition
    page = forms.client.get(url).get_data(as_text=True)
    select = page.split('name="vendor"')[1].split("</select>")[0]
    assert "Leverandør A AS" in select and "Leverandør C AS" not in select


def test_meeting_texts_with_markup_are_shown_as_text(db, s, forms, login_as) -> None:
    login_as(s.lead)
    url = f"/konkurranser/{s.id}/forhandling"
    markup = "<script>alert('x')</script><b>fet</b>"
    response = forms.post(url + "/moter", _meeting(s.vendors[0].id, topics=markup), page=url)
    assert response.status_code == 302
    page = forms.client.get(url).get_data(as_text=True)
    assert markup not in page and "&lt;script&gt;alert(" in page


def test_the_page_warns_of_different_information_until_the_lead_acknowledges_it_with_a_reason(
    db, s, forms, login_as
) -> None:
    login_as(s.lead)
    url = f"/konkurranser/{s.id}/forhandling"
    forms.post(
        url + "/moter", _meeting(s.vendors[0].id, documents_info="Oppstart flyttes til mars."), page=url
    )
    forms.post(url + "/moter", _meeting(s.vendors[1].id), page=url)
    page = forms.client.get(url).get_data(as_text=True)
    assert 'id="ulik-informasjon"' in page and "Oppstart flyttes til mars." in page
    assert f'action="/konkurranser/{s.id}/forhandling/ulik-informasjon"' in page
    refused = forms.post(url + "/ulik-informasjon", {"reason": ""}, page=url)
    assert refused.status_code == 422 and "Skriv hvorfor forskjellen er i orden." in refused.get_data(
        as_text=True
    )
    done = forms.post(
        url + "/ulik-informasjon", {"reason": "B fikk det samme skriftlig dagen etter."}, page=url
    )
    assert done.status_code == 302
    page = forms.client.get(url).get_data(as_text=True)
    assert "Kvittert ut" in page and "B fikk det samme skriftlig" in page
    assert "/forhandling/ulik-informasjon" not in page  # no form any more


def test_a_call_with_a_past_deadline_is_refused_on_the_page_and_nothing_changes(
    db, s, forms, login_as
) -> None:
    login_as(s.lead)
    url = f"/konkurranser/{s.id}/forhandling"
    response = forms.post(
        url + "/ny-runde", {"deadline": "2026-12-01T12:00", "message": "Nye tilbud."}, page=url
    )
    assert response.status_code == 422
    assert "Den nye tilbudsfristen må være frem i tid." in response.get_data(as_text=True)
    db.session.expire_all()
    assert s.tender.current_round == 1


def test_a_revised_bid_after_its_rounds_deadline_is_refused_and_the_attempt_is_kept_for_that_round(
    db, s, forms, login_as, clock
) -> None:
    call_round(db, s)
    late = AFTER + timedelta(days=14, seconds=1)
    clock.set(late)
    login_as(s.vendor_users[0])
    response = forms.post(
        f"/konkurranser/{s.id}/mitt-tilbud/lever", {}, page=f"/konkurranser/{s.id}/mitt-tilbud"
    )
    assert response.status_code == 409 and "Tilbudsfristen" in response.get_data(as_text=True)
    db.session.expire_all()
    assert not bid_ops.bid_of(s.tender, s.vendors[0].id).is_submitted
    attempts = bid_ops.late_attempts(s.tender)
    assert len(attempts) == 1  # this round's; the first round had none
    bid_ops.confirm_opening(s.tender, at=late, actor=s.lead)
    opening = bid_ops.confirm_opening(s.tender, at=late, actor=s.evaluators[0])
    db.session.commit()
    assert opening.round_no == 2 and len(bid_ops.opening_record(opening).late_attempts) == 1
    assert bid_ops.opening_record(opening).bids == []
