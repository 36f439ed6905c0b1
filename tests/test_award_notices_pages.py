"""The notices page through HTTP: a refusal comes back on the page in Norwegian (422), changes nothing and
stays in the audit trail although the request is rolled back; the group sees every notice with its hash and
the standstill's warning."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

from tests.award_helpers import approved_recommendation
from tests.negotiation_helpers import negotiation_setup
from tests.test_award_contract import ENDS, SIGNED_PDF
from tests.test_award_notices import ISSUED, events


def _page(tender: Any) -> str:
    return f"/konkurranser/{tender.id}/tildeling/meddelelser"


def test_sending_before_every_approval_is_refused_on_the_page_and_the_attempt_kept(
    db: Any,
    client: Any,
    forms: Any,
    login_as: Any,
    create_tender: Any,
    add_member: Any,
    create_user: Any,
    clock: Any,
) -> None:
    from tender.award.operations import notice_issue_of

    s = negotiation_setup(db, create_tender, add_member, create_user, clock)
    approved_recommendation(s.tender, approve=1)
    db.session.commit()
    clock.set(ISSUED)
    login_as(s.lead)
    page = client.get(_page(s.tender)).get_data(as_text=True)
    assert "Meddelelsene kan sendes når alle kommunene" in page
    response = forms.post(f"{_page(s.tender)}/send", {"standstill_days": "10"}, page=_page(s.tender))
    assert response.status_code == 422
    assert "før alle kommunene som er bundet av kontrakten, har godkjent" in response.get_data(as_text=True)
    db.session.expire_all()
    assert notice_issue_of(s.tender) is None
    assert len(events(s.tender, "award.notices_refused")) == 1


def test_the_group_sees_every_notice_with_its_hash_and_the_contract_inside_the_standstill_is_refused_and_kept(
    db: Any,
    client: Any,
    forms: Any,
    login_as: Any,
    create_tender: Any,
    add_member: Any,
    create_user: Any,
    clock: Any,
) -> None:
    from tender.award.operations import contract_of

    s = negotiation_setup(db, create_tender, add_member, create_user, clock)
    approved_recommendation(s.tender)
    db.session.commit()
    clock.set(ISSUED)
    login_as(s.lead)
    sent = forms.post(f"{_page(s.tender)}/send", {"standstill_days": "10"}, page=_page(s.tender), follow=True)
    text = sent.get_data(as_text=True)
    assert "3 meddelelser om tildeling er sendt" in text
    assert "Karensperioden slutter på en lørdag (2. januar 2027)." in text
    db.session.expire_all()
    from tender.award.operations import notice_issue_of

    issue = notice_issue_of(s.tender)
    for notice in issue.notices:
        assert notice.sha256 in text and f"Meddelelse om tildeling til {notice.vendor.name} (PDF)" in text
    # the mails could not go (no mail server here): the page says so, the trail has each failure
    assert "Ikke sendt på e-post (se revisjonssporet)" in text
    clock.set(ENDS - timedelta(hours=1))
    login_as(s.lead)  # ten days on, the session has expired
    refused = client.post(
        f"/konkurranser/{s.tender.id}/tildeling/kontrakt",
        data={
            "csrf_token": forms.token(_page(s.tender)),
            "document": (io.BytesIO(SIGNED_PDF), "kontrakt.pdf"),
            "signed_at": "2027-01-02T20:00",
            "signed_for_municipalities": "Kari Rådmann (Skien)",
            "signed_for_vendor": "Anne Direktør",
        },
        content_type="multipart/form-data",
    )
    assert refused.status_code == 422
    assert (
        "Kontrakten kan ikke signeres før karensperioden er over 2. januar 2027 kl. 24.00"
        in refused.get_data(as_text=True)
    )
    db.session.expire_all()
    assert contract_of(s.tender) is None
    assert len(events(s.tender, "award.contract_refused")) == 1
