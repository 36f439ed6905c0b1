"""Only invited vendors can bid: in a tender with a prequalification, a vendor's user whose company the final
selection did not invite gets 403 on every bid route (the page says why, in Norwegian), and the bid
operations refuse too; the invited bid as before. A tender without a prequalification is unchanged."""

from __future__ import annotations

import io

import pytest

from tender.bids import operations as bid_ops
from tender.errors import DomainError
from tender.prequalification import select_operations as ops
from tender.prequalification.models import Prequalification
from tests.evaluation_helpers import publish_spec, small_spec
from tests.prequalification_helpers import PQ_AFTER
from tests.prequalification_select_helpers import select_world

V = "/konkurranser/{t}/mitt-tilbud"
#: every bid route: (method, path)
BID_ROUTES = [
    ("GET", V),
    ("POST", V),
    ("POST", V + "/lever"),
    ("GET", V + "/kvittering"),
    ("POST", V + "/vedlegg"),
    ("GET", V + "/vedlegg/1"),
    ("POST", V + "/vedlegg/1/slett"),
    ("GET", V + "/svarskjema.xlsx"),
    ("GET", V + "/kravspesifikasjon.pdf"),
    ("POST", V + "/svarskjema"),
]


def test_every_bid_route_is_in_this_table(app):
    endpoints = {r.endpoint for r in app.url_map.iter_rules() if r.endpoint.startswith("bids.")}
    paths = {r.rule.split("mitt-tilbud")[1] for r in app.url_map.iter_rules() if r.endpoint in endpoints}
    covered = {p.split("mitt-tilbud")[1].replace("/1", "/<int:attachment_id>") for _, p in BID_ROUTES}
    assert paths <= covered | {""}


@pytest.fixture
def final(db, clock, create_tender, add_member, create_user):
    """Arkivus, Bokskapet, Casefile and Dokumenta invited; Elark not selected; Fjordsak rejected."""
    clock.set(PQ_AFTER)
    w = select_world(db, create_tender, add_member, create_user, signers_approve=False)
    publish_spec(db, w.tender, w.s.lead, add_member, small_spec())
    ops.decide_tie(w.tender, w.ids(3, 4), "Best på referanser.", actor=w.s.lead)
    ops.propose(w.tender, w.ids(0, 1, 2, 3), actor=w.s.lead)
    db.session.commit()
    return w


def visit(client, forms, method, path):
    if method == "GET":
        return client.get(path)
    return client.post(path, data={"csrf_token": forms.token("/")})


@pytest.mark.parametrize("index", [4, 5])
def test_an_uninvited_vendors_user_gets_403_on_every_bid_route(client, forms, login_as, final, index):
    login_as(final.s.vendor_users[index])
    wrong = []
    for method, template in BID_ROUTES:
        path = template.format(t=final.tender.id)
        response = visit(client, forms, method, path)
        if response.status_code != 403:
            wrong.append(f"{method} {path}: {response.status_code}")
    assert wrong == []
    page = client.get(V.format(t=final.tender.id)).get_data(as_text=True)
    assert "bare leverandører som er invitert til å gi tilbud" in page
    assert "Din virksomhet er ikke invitert." in page


def test_an_invited_vendors_user_opens_and_saves_the_bid(client, forms, login_as, final):
    login_as(final.s.vendor_users[0])
    path = V.format(t=final.tender.id)
    assert client.get(path).status_code == 200
    token = forms.token(path)
    response = client.post(
        path + "/vedlegg",
        data={"csrf_token": token, "file": (io.BytesIO(b"%PDF-1.4 vedlegg"), "vedlegg.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    assert bid_ops.bid_of(final.tender, final.s.vendors[0].id).attachments[0].filename == "vedlegg.pdf"


def test_before_the_selection_is_final_no_vendor_may_bid(
    client, forms, login_as, db, clock, create_tender, add_member, create_user
):
    clock.set(PQ_AFTER)
    w = select_world(db, create_tender, add_member, create_user)
    publish_spec(db, w.tender, w.s.lead, add_member, small_spec())
    ops.decide_tie(w.tender, w.ids(3, 4), "Best på referanser.", actor=w.s.lead)
    ops.propose(w.tender, w.ids(0, 1, 2, 3), actor=w.s.lead)  # awaiting the municipalities' approval
    db.session.commit()
    login_as(w.s.vendor_users[0])
    assert client.get(V.format(t=w.tender.id)).status_code == 403


def test_the_bid_operations_refuse_an_uninvited_vendor(db, final):
    for index in (4, 5):
        with pytest.raises(DomainError, match="Din virksomhet er ikke invitert"):
            bid_ops.ensure_bid(
                final.tender, final.s.vendors[index], at=PQ_AFTER, actor=final.s.vendor_users[index]
            )
    assert bid_ops.ensure_bid(final.tender, final.s.vendors[0], at=PQ_AFTER, actor=final.s.vendor_users[0])


def test_a_tender_whose_prequalification_is_turned_off_lets_every_vendor_bid(
    client, login_as, db, clock, create_tender, add_member, create_user
):
    from sqlalchemy import select

    clock.set(PQ_AFTER)
    w = select_world(db, create_tender, add_member, create_user)
    publish_spec(db, w.tender, w.s.lead, add_member, small_spec())
    setup = db.session.scalar(select(Prequalification).where(Prequalification.tender_id == w.tender.id))
    setup.enabled = False
    db.session.commit()
    login_as(w.s.vendor_users[5])
    assert client.get(V.format(t=w.tender.id)).status_code == 200
