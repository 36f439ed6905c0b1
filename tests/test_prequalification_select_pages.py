"""The selection's pages: the ranking as the group that evaluates reads it, the tie decision, the proposal
prefilled with the top of the ranking, and a signer's approval on the proposal page bound to its hash."""

from __future__ import annotations

import re

import pytest

from tender.prequalification import select_operations as ops
from tests.prequalification_helpers import PQ_AFTER
from tests.prequalification_select_helpers import select_world


@pytest.fixture
def w(db, clock, create_tender, add_member, create_user):
    clock.set(PQ_AFTER)
    return select_world(db, create_tender, add_member, create_user)


def url(w, tail=""):
    return f"/konkurranser/{w.tender.id}/prekvalifisering/utvelgelse{tail}"


def text(response):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def test_the_ranking_page_shows_every_request_its_standing_scores_total_and_rank(client, login_as, w):
    login_as(w.s.observer)
    page = text(client.get(url(w)))
    assert "Arkivus AS Kvalifisert 9 9 9 9 1" in page
    assert "Dokumenta AS Kvalifisert 6 6 6 6 4 (likt)" in page
    assert "Fjordsak AS Ikke kvalifisert" in page
    assert "Ikke oppfylt: Leverandøren skal ha levert systemet til minst to kommuner" in page
    assert "Dokumenta AS og Elark AS står likt på 6 poeng ved grensen" in page
    assert "Registrer rekkefølgen" not in page  # the observer does not decide


def test_the_lead_decides_the_tie_and_proposes_the_prefilled_top_four(client, forms, login_as, w):
    login_as(w.s.lead)
    page = client.get(url(w)).get_data(as_text=True)
    assert "Dokumenta AS foran Elark AS" in page and "Elark AS foran Dokumenta AS" in page
    d, e = w.ids(3, 4)
    response = forms.post(
        url(w, "/likhet"), {"order": f"{e},{d}", "reason": "Elark har flest referanser."}, page=url(w)
    )
    assert response.status_code == 302
    page = client.get(url(w)).get_data(as_text=True)
    checked = re.findall(r'<input[^>]*checked[^>]*value="(\d+)"|<input[^>]*value="(\d+)"[^>]*checked', page)
    assert sorted(int(a or b) for a, b in checked) == sorted(w.ids(0, 1, 2, 4))
    response = forms.post(url(w, "/forslag"), {"invited": [str(i) for i in w.ids(0, 1, 2, 4)]}, page=url(w))
    assert response.status_code == 302 and response.location.endswith("/forslag/1")
    assert ops.live_proposal(w.tender).number == 1


def test_an_unresolved_tie_refuses_the_proposal_on_the_page_in_norwegian(client, forms, login_as, w):
    login_as(w.s.lead)
    response = forms.post(url(w, "/forslag"), {"invited": [str(i) for i in w.ids(0, 1, 2, 3)]}, page=url(w))
    assert response.status_code == 422
    assert "står likt på 6 poeng ved grensen for hvem som inviteres" in text(response)
    assert ops.live_proposal(w.tender) is None


def propose(db, w):
    ops.decide_tie(w.tender, w.ids(3, 4), "Best på referanser.", actor=w.s.lead)
    p = ops.propose(w.tender, w.ids(0, 1, 2, 3), actor=w.s.lead)
    db.session.commit()
    return p


def test_a_signer_reads_the_proposal_with_its_hash_and_approves_it(client, forms, login_as, db, w):
    p = propose(db, w)
    login_as(w.s.signers[0])
    page = text(client.get(url(w, "/forslag/1")))
    assert p.sha256 in page
    assert "Elark AS 6 6 6 6 5 Ikke valgt ut: Rangert som nr. 5 med 6 poeng" in page
    assert "krav-1.pdf" not in page  # the request documents are not part of it
    municipality = w.tender.participating_municipalities[0]
    response = forms.post(
        url(w, "/forslag/1"),
        {
            "municipality": str(municipality.id),
            "decision": "approved",
            "comment": "",
            "content_hash": p.sha256,
        },
        page=url(w, "/forslag/1"),
    )
    assert response.status_code == 302
    assert [a.municipality.name for a in p.approvals] == ["Skien"]


def test_a_signer_posting_an_old_hash_is_refused_on_the_page(client, forms, login_as, db, w):
    propose(db, w)
    login_as(w.s.signers[0])
    municipality = w.tender.participating_municipalities[0]
    response = forms.post(
        url(w, "/forslag/1"),
        {
            "municipality": str(municipality.id),
            "decision": "approved",
            "comment": "",
            "content_hash": "f" * 64,
        },
        page=url(w, "/forslag/1"),
    )
    assert response.status_code == 422
    assert "Forslaget du leste er ikke det som er lagret" in text(response)


def test_a_signer_cannot_choose_another_municipality(client, forms, login_as, db, w):
    p = propose(db, w)
    login_as(w.s.signers[0])
    other = w.tender.participating_municipalities[1]
    response = forms.post(
        url(w, "/forslag/1"),
        {"municipality": str(other.id), "decision": "approved", "comment": "", "content_hash": p.sha256},
        page=url(w, "/forslag/1"),
    )
    assert response.status_code == 422
    assert p.approvals == []


def test_the_lead_withdraws_a_rejected_proposal(client, forms, login_as, db, w):
    p = propose(db, w)
    ops.decide_approval(
        w.tender,
        p,
        w.tender.participating_municipalities[1],
        approve=False,
        comment="Begrunnelsen for rekkefølgen er for tynn.",
        sha256=p.sha256,
        signer=w.s.signers[1],
    )
    db.session.commit()
    login_as(w.s.lead)
    assert "Avvist av Porsgrunn" in text(client.get(url(w)))
    response = forms.post(url(w, "/forslag/1/trekk-tilbake"), {}, page=url(w, "/forslag/1"))
    assert response.status_code == 302
    assert p.withdrawn_at is not None
    assert "Registrer rekkefølgen" in client.get(url(w)).get_data(as_text=True)
