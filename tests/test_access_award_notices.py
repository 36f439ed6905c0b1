"""Every route of the notices of award and the contract, tried anonymously and with every role.

Decided as a careful procurement group would: every member of the group (lead, evaluators, observers, the
signers, an option municipality's signer too) reads the notices and the signed contract once the award has
begun, since they all stand behind the award; only the lead issues the notices and records the contract. A
vendor user reads its own company's notice once issued, nothing else: another vendor's notice answers 404 as
a missing one does, and the contract is the group's record. Before there is a recommendation no member gets
anything (403)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from tender.tenders.models import Role
from tests.award_helpers import approved_recommendation
from tests.negotiation_helpers import negotiation_setup
from tests.test_access import ADMIN, ANON, OUTSIDER, try_everyone
from tests.test_award_contract import ENDS, SIGNED_PDF
from tests.test_award_notices import ISSUED

NOT_MEMBER = {ANON: 302, OUTSIDER: 404, ADMIN: 404}
GROUP = {"lead": 200, "evaluator": 200, "signer": 200, "observer": 200}
P = "/konkurranser/{t}/tildeling"

#: after the notices and the contract: route -> (method, path, {who: expected status}, default for members)
ROUTES: dict[str, tuple[str, str, dict[str, int], int]] = {
    "award_notices.index": ("GET", P + "/meddelelser", {**NOT_MEMBER, **GROUP, "vendor": 200}, 403),
    "award_notices.notice": ("GET", P + "/meddelelser/{n}.pdf", {**NOT_MEMBER, **GROUP, "vendor": 200}, 403),
    # issued once only, recorded once only: the lead is refused on the page (422), everyone else 403
    "award_notices.issue": ("POST", P + "/meddelelser/send", {**NOT_MEMBER, "lead": 422}, 403),
    "award_notices.contract": ("POST", P + "/kontrakt", {**NOT_MEMBER, "lead": 422}, 403),
    "award_notices.contract_document": ("GET", P + "/kontrakt.pdf", {**NOT_MEMBER, **GROUP}, 403),
}
#: approved, the notices not yet issued: the lead may issue; no vendor sees anything; no notice, no contract
ROUTES_BEFORE_NOTICES: dict[str, tuple[str, str, dict[str, int], int]] = {
    "award_notices.index": ("GET", P + "/meddelelser", {**NOT_MEMBER, **GROUP}, 403),
    "award_notices.notice": (
        "GET",
        P + "/meddelelser/{n}.pdf",
        {**NOT_MEMBER, **{k: 404 for k in GROUP}},
        403,
    ),
    "award_notices.issue": ("POST", P + "/meddelelser/send", {**NOT_MEMBER, "lead": 302}, 403),
    "award_notices.contract": ("POST", P + "/kontrakt", NOT_MEMBER, 403),
    "award_notices.contract_document": (
        "GET",
        P + "/kontrakt.pdf",
        {**NOT_MEMBER, **{k: 404 for k in GROUP}},
        403,
    ),
}
#: scored, but no recommendation: nothing of the award for anyone
ROUTES_BEFORE_AWARD = {name: (m, path, NOT_MEMBER, 403) for name, (m, path, _, _) in ROUTES.items()}


def _world(db: Any, create_tender: Any, add_member: Any, create_user: Any, clock: Any, stage: str) -> Any:
    from tender.award import notice_operations as ops

    s = negotiation_setup(db, create_tender, add_member, create_user, clock)
    signer = next(m.user for m in s.tender.memberships if m.role is Role.SIGNER)
    who = {
        OUTSIDER: create_user(name="Utenfor"),
        ADMIN: create_user(name="Admin", is_admin=True),
        Role.LEAD.value: s.lead,
        Role.EVALUATOR.value: s.evaluators[0],
        Role.SIGNER.value: signer,
        Role.OBSERVER.value: s.observer,
        Role.VENDOR.value: s.vendor_users[1],
    }
    notice_id = 999_999
    if stage != "scored":
        approved_recommendation(s.tender)
        db.session.commit()
    clock.set(ISSUED)
    if stage == "contract":
        issue = ops.issue_notices(s.tender, actor=s.lead)
        db.session.commit()
        notice_id = next(n.id for n in issue.notices if n.vendor_id == s.vendors[1].id)
        clock.set(ENDS + timedelta(days=3))
        ops.record_contract(
            s.tender,
            filename="kontrakt.pdf",
            data=SIGNED_PDF,
            signed_at=ENDS + timedelta(days=1),
            signed_for_municipalities="Kari Rådmann (Skien)",
            signed_for_vendor="Anne Direktør",
            actor=s.lead,
        )
    db.session.commit()
    return s, who, notice_id


@pytest.mark.parametrize("endpoint", sorted(ROUTES))
def test_after_the_notices_and_the_contract_each_person_gets_exactly_the_access_their_role_gives(
    endpoint: str,
    app: Any,
    db: Any,
    clock: Any,
    isolated: Any,
    create_tender: Any,
    add_member: Any,
    create_user: Any,
) -> None:
    s, who, notice_id = _world(db, create_tender, add_member, create_user, clock, "contract")
    try_everyone(
        app, ROUTES, endpoint, who, isolated, {"t": s.tender.id, "n": notice_id}, {"standstill_days": "10"}
    )


@pytest.mark.parametrize("endpoint", sorted(ROUTES_BEFORE_NOTICES))
def test_before_the_notices_only_the_group_sees_the_page_and_only_the_lead_may_issue(
    endpoint: str,
    app: Any,
    db: Any,
    clock: Any,
    isolated: Any,
    create_tender: Any,
    add_member: Any,
    create_user: Any,
) -> None:
    s, who, notice_id = _world(db, create_tender, add_member, create_user, clock, "approved")
    try_everyone(
        app,
        ROUTES_BEFORE_NOTICES,
        endpoint,
        who,
        isolated,
        {"t": s.tender.id, "n": notice_id},
        {"standstill_days": "10"},
    )


@pytest.mark.parametrize("endpoint", sorted(ROUTES_BEFORE_AWARD))
def test_before_a_recommendation_no_member_gets_anything_of_the_award(
    endpoint: str,
    app: Any,
    db: Any,
    clock: Any,
    isolated: Any,
    create_tender: Any,
    add_member: Any,
    create_user: Any,
) -> None:
    s, who, notice_id = _world(db, create_tender, add_member, create_user, clock, "scored")
    try_everyone(
        app,
        ROUTES_BEFORE_AWARD,
        endpoint,
        who,
        isolated,
        {"t": s.tender.id, "n": notice_id},
        {"standstill_days": "10"},
    )


def test_a_vendor_asking_for_another_vendors_notice_gets_404_as_for_a_missing_one(
    db: Any, clock: Any, client: Any, login_as: Any, create_tender: Any, add_member: Any, create_user: Any
) -> None:
    s, who, own = _world(db, create_tender, add_member, create_user, clock, "contract")
    from tender.award.operations import notice_issue_of

    issue = notice_issue_of(s.tender)
    assert issue is not None
    login_as(who["vendor"])
    assert client.get(f"/konkurranser/{s.tender.id}/tildeling/meddelelser/{own}.pdf").status_code == 200
    others = [n.id for n in issue.notices if n.id != own]
    for other in [*others, own + 10_000]:
        response = client.get(f"/konkurranser/{s.tender.id}/tildeling/meddelelser/{other}.pdf")
        assert response.status_code == 404, other
    page = client.get(f"/konkurranser/{s.tender.id}/tildeling/meddelelser").get_data(as_text=True)
    assert "Meddelelse om tildeling til Leverandør B AS" in page
    assert "Leverandør A AS" not in page and "Leverandør C AS" not in page
    assert "kontrakt.pdf" not in page
