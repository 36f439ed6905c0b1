"""A prequalified tender's stages on the overview (tender.lifecycle): the requests before their deadline, the
opening, the assessment, the selection awaiting each municipality, then the bidding; no count of requests
before their opening."""

from __future__ import annotations

import re

import pytest

from tender.clock import now
from tender.core.lifecycle import PREQUALIFICATION_STAGES, Stage
from tender.lifecycle import operations as lifecycle
from tender.prequalification import select_operations as ops
from tests.prequalification_helpers import PQ_AFTER, PQ_BEFORE, pq_setup, submitted_request
from tests.prequalification_select_helpers import select_world


def text(response):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def test_before_the_deadline_the_requests_are_sealed_and_no_count_is_in_the_facts(
    app, db, clock, create_tender, add_member, create_user, client, login_as
):
    clock.set(PQ_BEFORE)
    s = pq_setup(db, create_tender, add_member, create_user)
    for i in range(3):
        submitted_request(db, s, i)
    facts = lifecycle.facts_of(s.tender, now())
    assert facts.prequalification and facts.pq_frozen and not facts.pq_opened
    assert (facts.pq_assessments_missing, facts.pq_consensus_missing, facts.pq_assessment_started) == (
        0,
        0,
        False,
    )
    assert lifecycle.standing_of(s.tender, now()).stage is Stage.PQ_REQUESTS
    login_as(s.lead)
    page = text(client.get(f"/konkurranser/{s.tender.id}"))
    assert "Forespørsler om å delta – her står den nå" in page
    assert "Forespørslene er forseglet til fristen; deretter kan de åpnes." in page
    clock.set(PQ_AFTER)
    assert lifecycle.standing_of(s.tender, now()).stage is Stage.PQ_DEADLINE_PASSED
    assert "To bekreftelser til trengs for å åpne forespørslene." in text(
        client.get(f"/konkurranser/{s.tender.id}")
    )


def test_a_vendor_sees_the_requests_deadline_but_not_how_far_the_group_has_come(
    db, clock, create_tender, add_member, create_user
):
    clock.set(PQ_AFTER)
    w = select_world(db, create_tender, add_member, create_user)
    found = lifecycle.standing_of(w.tender, now())
    assert found.stage is Stage.PQ_ASSESSMENT
    assert lifecycle.visible_stage(w.tender, found, w.s.vendor_users[0]) is Stage.PQ_DEADLINE_PASSED
    assert lifecycle.visible_stage(w.tender, found, w.s.lead) is Stage.PQ_ASSESSMENT


@pytest.fixture
def proposed(db, clock, create_tender, add_member, create_user):
    clock.set(PQ_AFTER)
    w = select_world(db, create_tender, add_member, create_user)
    ops.decide_tie(w.tender, w.ids(3, 4), "Best på referanser.", actor=w.s.lead)
    p = ops.propose(w.tender, w.ids(0, 1, 2, 3), actor=w.s.lead)
    db.session.commit()
    return w, p


def test_a_proposed_selection_names_the_municipality_that_has_not_approved_it(db, proposed, client, login_as):
    w, p = proposed
    skien = w.tender.participating_municipalities[0]
    ops.decide_approval(w.tender, p, skien, approve=True, comment="", sha256=p.sha256, signer=w.s.signers[0])
    db.session.commit()
    found = lifecycle.standing_of(w.tender, now())
    assert found.stage is Stage.PQ_SELECTION
    assert [s.text for s in found.steps] == ["Porsgrunn har ikke godkjent utvalget."]
    login_as(w.s.lead)
    page = text(client.get(f"/konkurranser/{w.tender.id}"))
    assert "Utvelgelse – her står den nå" in page
    assert "Porsgrunn har ikke godkjent utvalget." in page
    login_as(w.s.signers[0])
    assert "Porsgrunn har ikke godkjent utvalget." not in text(client.get(f"/konkurranser/{w.tender.id}"))
    login_as(w.s.signers[1])
    assert "Porsgrunn har ikke godkjent utvalget." in text(client.get(f"/konkurranser/{w.tender.id}"))


def test_once_the_selection_is_final_the_tender_leaves_the_prequalification_stages(db, proposed):
    w, p = proposed
    for signer, municipality in zip(w.s.signers, w.tender.participating_municipalities, strict=True):
        ops.decide_approval(
            w.tender, p, municipality, approve=True, comment="", sha256=p.sha256, signer=signer
        )
    db.session.commit()
    assert lifecycle.standing_of(w.tender, now()).stage not in PREQUALIFICATION_STAGES


def test_a_tender_without_a_prequalification_lists_no_prequalification_stage(
    db, create_tender, client, login_as
):
    tender = create_tender()
    login_as(tender.memberships[0].user)
    page = text(client.get(f"/konkurranser/{tender.id}"))
    assert "Kravspesifikasjon" in page and "Forespørsler om å delta" not in page


def test_after_the_final_selection_only_an_invited_vendor_is_asked_to_deliver_a_bid(
    db, clock, create_tender, add_member, create_user
):
    from tender.core.lifecycle import Stage
    from tests.evaluation_helpers import build_model, publish_spec, small_spec

    clock.set(PQ_AFTER)
    w = select_world(db, create_tender, add_member, create_user, signers_approve=False)
    build_model(w.tender, w.s.lead)
    publish_spec(db, w.tender, w.s.lead, add_member, small_spec())
    ops.decide_tie(w.tender, w.ids(3, 4), "Best på referanser.", actor=w.s.lead)
    ops.propose(w.tender, w.ids(0, 1, 2, 3), actor=w.s.lead)
    db.session.commit()
    found = lifecycle.standing_of(w.tender, now())
    assert found.stage is Stage.BIDDING
    deliver = "Lever tilbudet før tilbudsfristen."
    assert [s.text for s in lifecycle.steps_for_user(w.tender, found, w.s.vendor_users[0])] == [deliver]
    assert lifecycle.steps_for_user(w.tender, found, w.s.vendor_users[4]) == ()
    assert lifecycle.steps_for_user(w.tender, found, w.s.vendor_users[5]) == ()
