"""A round of revised bids is sealed exactly like the first (issue 13, point 4): between the call and the
round's opening, no one in the procurement group finds anything of a revised bid, by any route, while the
first round's bids stay readable on the rounds page. The walk is tests/test_sealed_marker.py's: every GET
route of the app with this tender's ids, as every group role, before the new deadline and after it with the
round still unopened; the marker, in the revised bids' texts and files only, must be in no response. (The
walk's other check, that no bid table is read, does not hold here by design: the first round is open.)"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from tender.bids import operations as bid_ops
from tender.evaluation import operations as ev
from tender.evaluation_model import operations as model_ops
from tender.negotiation import operations as neg
from tender.requirements import operations as spec_ops
from tender.tenders.models import Role
from tests.evaluation_helpers import AFTER
from tests.negotiation_helpers import call_round, decide_to_negotiate, negotiation_setup
from tests.test_sealed_marker import NOWHERE, Sealed, fetch, get_urls, post_probes, texts_of

MARKER = "RZ42-revidert-forseglet-9b7e"
ROUND_OPEN = AFTER + timedelta(days=1)
NEW_DEADLINE = AFTER + timedelta(days=14)


@pytest.fixture
def revised(db, create_tender, add_member, create_user, clock):
    s = negotiation_setup(db, create_tender, add_member, create_user, clock)
    decide_to_negotiate(db, s)
    neg.reduce(
        s.tender, {s.vendors[2].id: "Lavest rangert."}, note="Etter rangeringen.", at=AFTER, actor=s.lead
    )
    db.session.commit()
    call_round(db, s)
    first_bids = ev.opened_bids(s.tender, 1)
    clock.set(ROUND_OPEN)
    content = bid_ops.published_spec(s.tender)
    attachments, second = [], []
    for i in (0, 1):
        bid = bid_ops.bid_of(s.tender, s.vendors[i].id)
        answers = [
            bid_ops.AnswerInput(r.id, "Ja", description=f"{MARKER} revidert {i} {r.id}")
            for r in content.requirements
        ]
        prices = {(p.price_item_id, p.municipality_id): p.amount for p in bid.prices}
        prices[(s.items[0].id, None)] = Decimal(700_000 + i)
        bid_ops.save_draft(
            s.tender, bid, answers=answers, prices=prices, at=ROUND_OPEN, actor=s.vendor_users[i]
        )
        attachments.append(
            bid_ops.add_attachment(
                s.tender,
                bid,
                filename=f"revidert-{MARKER}-{i}.pdf",
                content_type="application/pdf",
                data=f"%PDF-1.4 {MARKER}".encode(),
                at=ROUND_OPEN,
                actor=s.vendor_users[i],
            )
        )
        if i == 0:  # one revised bid delivered, the other left as a draft
            bid_ops.submit(s.tender, bid, at=ROUND_OPEN, actor=s.vendor_users[i])
        second.append(bid)
    db.session.commit()
    signer = next(m.user for m in s.tender.memberships if m.role is Role.SIGNER)
    spec = spec_ops.specification_of(s.tender)
    sealed = Sealed(
        s.tender,
        s.lead,
        s.evaluators[0],
        signer,
        s.observer,
        s.vendors,
        s.vendor_users,
        [*first_bids, *second],
        attachments,
        [],
        [],
        s.items,
        s.vendors[2],
    )
    sealed.values = {
        "tender_id": [str(s.id)],
        "bid_id": [str(b.id) for b in sealed.bids],
        "attachment_id": [str(a.id) for a in attachments]
        + [str(a.id) for b in first_bids for a in b.attachments],
        "sample_id": [NOWHERE],
        "key": sorted(
            {r.id for r in content.requirements}
            | {c.id for c in content.chapters}
            | {c.key for c in model_ops.criteria_of(s.tender)}
        ),
        "number": [str(v.number) for v in spec.versions],
        "vendor_id": [str(v.id) for v in s.vendors],
        "membership_id": [str(m.id) for m in s.tender.memberships],
        "item_id": [str(i.id) for i in s.items],
        "link_id": [NOWHERE],
        "token": [s.tender.announcement_token],
        "filename": ["tender.css"],
        "direction": ["opp", "ned"],
        "action": ["opp", "ned", "slett"],
        "request_id": [NOWHERE],
        "document_id": [NOWHERE],
        "clarification_id": [NOWHERE],
        "question_id": [NOWHERE],
        # the award's recommendation and notices come only after the final round is opened and scored
        "rec_id": [NOWHERE],
        "notice_id": [NOWHERE],
        # the letter about the reduction after round 1 (it names no revised bid)
        "leaving_id": [str(r.id) for r in neg.reduction_of(s.tender, 1).leaving],
        "municipality_id": [str(m.id) for m in s.tender.participating_municipalities],
    }
    return s, sealed, first_bids, second


def test_before_the_revised_rounds_opening_no_group_member_finds_anything_of_a_revised_bid(
    app, client, login_as, clock, revised
) -> None:
    s, sealed, first_bids, second = revised
    urls = get_urls(app, sealed, lambda endpoint: True)
    assert urls
    problems = []
    for moment, when in ((ROUND_OPEN, "før den nye fristen"), (NEW_DEADLINE, "etter fristen, før åpningen")):
        clock.set(moment)
        assert bid_ops.opening_of(s.tender) is None
        for role, user in sealed.roles.items():
            login_as(user)
            for probe in urls:
                response = fetch(client, probe.url)
                where = f"{role}, {when}: GET {probe.url}"
                if response.status_code >= 500:
                    problems.append(f"{where} gives {response.status_code}")
                if MARKER in texts_of(response):
                    problems.append(f"{where} shows the marker")
    assert not problems, "\n".join(problems)


def test_before_the_revised_rounds_opening_no_action_on_a_revised_bid_leads_to_anything_of_it(
    app, db, client, forms, login_as, clock, revised
) -> None:
    """Every POST route that names a bid, an attachment or a vendor, with the revised bids' ids, as every
    group role: no page it leads to shows the marker, none fails."""
    s, sealed, _, second = revised
    mine = {str(b.id) for b in second} | {str(a.id) for a in sealed.attachments}
    probes = [
        p
        for p in post_probes(app, sealed, lambda endpoint: True)
        if any(p.args.get(n) in mine for n in ("bid_id", "attachment_id"))
    ]
    assert probes
    problems = []
    for moment, when in ((ROUND_OPEN, "før den nye fristen"), (NEW_DEADLINE, "etter fristen, før åpningen")):
        clock.set(moment)
        for role, user in sealed.roles.items():
            login_as(user)
            for probe in probes:
                response = client.post(
                    probe.url, data={"csrf_token": forms.token("/")}, follow_redirects=True
                )
                response.close()
                where = f"{role}, {when}: POST {probe.url}"
                if response.status_code >= 500:
                    problems.append(f"{where} gives {response.status_code}")
                if MARKER in texts_of(response):
                    problems.append(f"{where} leads to a page that shows the marker")
    assert not problems, "\n".join(problems)
    db.session.expire_all()
    assert [b.is_submitted for b in second] == [True, False]  # nothing the group posted changed them


def test_the_first_rounds_bids_stay_readable_on_the_rounds_page_while_the_revised_round_is_sealed(
    client, login_as, clock, revised
) -> None:
    s, sealed, first_bids, second = revised
    base = f"/konkurranser/{s.id}/forhandling/runder"
    for role in ("lead", "evaluator", "observer"):
        login_as(sealed.roles[role])
        page = client.get(base).get_data(as_text=True)
        assert "Leverandør A AS" in page and "Runde 1" in page and MARKER not in page, role
        assert "ikke åpnet (forseglet)" in page
        one = client.get(f"{base}/tilbud/{first_bids[0].id}")
        assert one.status_code == 200 and "Standard funksjonalitet" in one.get_data(as_text=True)
        for bid in second:
            assert client.get(f"{base}/tilbud/{bid.id}").status_code == 404, role


def test_the_detector_finds_the_marker_once_two_have_opened_the_revised_round(
    db, client, login_as, clock, revised
) -> None:
    s, sealed, _, second = revised
    late = NEW_DEADLINE + timedelta(seconds=1)
    clock.set(late)
    assert bid_ops.confirm_opening(s.tender, at=late, actor=s.lead) is None
    opening = bid_ops.confirm_opening(s.tender, at=late, actor=s.evaluators[0])
    db.session.commit()
    assert opening is not None and opening.round_no == 2
    # the delivered revised bid is opened; the draft never delivered is not part of the round
    assert [b.id for b in ev.opened_bids(s.tender)] == [second[0].id]
    login_as(s.evaluators[0])
    page = client.get(f"/konkurranser/{s.id}/evaluering/tilbud/{second[0].id}")
    assert page.status_code == 200 and MARKER in page.get_data(as_text=True)
    assert client.get(f"/konkurranser/{s.id}/evaluering/tilbud/{second[1].id}").status_code == 404
    rounds = client.get(f"/konkurranser/{s.id}/forhandling/runder/tilbud/{second[0].id}")
    assert rounds.status_code == 200 and MARKER in rounds.get_data(as_text=True)


def test_a_vendor_left_out_of_the_round_is_refused_its_bid_page_with_the_reason(
    client, login_as, revised
) -> None:
    s, _, _, _ = revised
    login_as(s.vendor_users[2])
    response = client.get(f"/konkurranser/{s.id}/mitt-tilbud")
    assert response.status_code == 403
    assert "ikke invitert til å levere i denne tilbudsrunden" in response.get_data(as_text=True)
