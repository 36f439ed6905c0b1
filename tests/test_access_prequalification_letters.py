"""Every route of the prequalification's letters, report and matrix, tried anonymously and with every role:
before the selection is final (nothing answers a member: 403) and after it (the group that evaluates reads
everything, a vendor user their own company's letter only). Then a vendor user trying another vendor's
letter, and everyone trying ids of requests that are drafts or missing: each must answer 404."""

from __future__ import annotations

import pytest

from tender.tenders.models import Role
from tests.prequalification_helpers import PQ_AFTER, pq_setup
from tests.prequalification_letters_helpers import final_selection
from tests.test_access import ADMIN, ANON, OUTSIDER, try_everyone

NOT_MEMBER = {ANON: 302, OUTSIDER: 404, ADMIN: 404}
EVALUATING = {"lead": 200, "evaluator": 200, "observer": 200}
P = "/konkurranser/{t}/prekvalifisering"

#: after the final selection: route -> (method, path, {who: expected status}, default for other members)
ROUTES: dict[str, tuple[str, str, dict[str, int], int]] = {
    "pq_letters.index": ("GET", P + "/brev", {**NOT_MEMBER, **EVALUATING, "vendor": 200}, 403),
    "pq_letters.letter": ("GET", P + "/brev/{r}.pdf", {**NOT_MEMBER, **EVALUATING, "vendor": 200}, 403),
    "pq_letters.send": ("POST", P + "/brev/lag", {**NOT_MEMBER, "lead": 302}, 403),
    "pq_letters.report": ("GET", P + "/rapport.pdf", {**NOT_MEMBER, **EVALUATING}, 403),
    "pq_letters.matrix": ("GET", P + "/matrise.xlsx", {**NOT_MEMBER, **EVALUATING}, 403),
}
#: the proposal waits for the municipalities' approvals: no member gets anything
ROUTES_BEFORE_FINAL = {name: (m, path, NOT_MEMBER, 403) for name, (m, path, _, _) in ROUTES.items()}


def _world(db, create_tender, add_member, create_user, *, final: bool):
    s = pq_setup(db, create_tender, add_member, create_user)
    selection = final_selection(db, s, final=final)
    who = {
        OUTSIDER: create_user(name="Utenfor"),
        ADMIN: create_user(name="Admin", is_admin=True),
        Role.LEAD.value: s.lead,
        Role.EVALUATOR.value: s.evaluators[0],
        Role.SIGNER.value: s.signers[0],
        Role.OBSERVER.value: s.observer,
        Role.VENDOR.value: s.vendor_users[0],
    }
    db.session.commit()
    return s, selection, who


@pytest.mark.parametrize("endpoint", sorted(ROUTES))
def test_after_the_final_selection_each_person_gets_exactly_the_access_their_role_gives(
    endpoint, app, db, clock, isolated, create_tender, add_member, create_user
) -> None:
    s, selection, who = _world(db, create_tender, add_member, create_user, final=True)
    clock.set(PQ_AFTER)
    try_everyone(app, ROUTES, endpoint, who, isolated, {"t": s.tender.id, "r": selection.requests[0].id})


@pytest.mark.parametrize("endpoint", sorted(ROUTES_BEFORE_FINAL))
def test_before_the_selection_is_final_no_member_gets_anything(
    endpoint, app, db, clock, isolated, create_tender, add_member, create_user
) -> None:
    s, selection, who = _world(db, create_tender, add_member, create_user, final=False)
    clock.set(PQ_AFTER)
    try_everyone(
        app, ROUTES_BEFORE_FINAL, endpoint, who, isolated, {"t": s.tender.id, "r": selection.requests[0].id}
    )


def test_a_vendor_asking_for_another_vendors_letter_gets_404_as_for_a_missing_one(
    db, clock, client, login_as, create_tender, add_member, create_user
) -> None:
    s, selection, who = _world(db, create_tender, add_member, create_user, final=True)
    clock.set(PQ_AFTER)
    login_as(who["vendor"])
    own = selection.requests[0].id
    assert client.get(f"/konkurranser/{s.tender.id}/prekvalifisering/brev/{own}.pdf").status_code == 200
    for other in (selection.requests[1].id, selection.requests[5].id, own + 10_000):
        response = client.get(f"/konkurranser/{s.tender.id}/prekvalifisering/brev/{other}.pdf")
        assert response.status_code == 404, other
    # the vendor's letters page lists its own letter only
    page = client.get(f"/konkurranser/{s.tender.id}/prekvalifisering/brev").get_data(as_text=True)
    assert "Arkivus AS" in page
    for other in selection.requests[1:]:
        assert other.vendor.name not in page


def test_a_draft_request_has_no_letter_for_anyone(
    db, clock, client, login_as, create_tender, add_member, create_user
) -> None:
    from tender.prequalification.models import ParticipationRequest

    s = pq_setup(db, create_tender, add_member, create_user, vendors=7)
    final_selection(db, s, final=True)
    clock.set(PQ_AFTER)
    # the seventh vendor never submitted its request
    draft = ParticipationRequest(tender_id=s.tender.id, vendor_id=s.vendors[6].id)
    db.session.add(draft)
    db.session.commit()
    for person in (s.lead, s.vendor_users[6]):
        login_as(person)
        response = client.get(f"/konkurranser/{s.tender.id}/prekvalifisering/brev/{draft.id}.pdf")
        assert response.status_code == 404
