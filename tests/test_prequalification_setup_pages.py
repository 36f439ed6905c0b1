"""The setup page and the announcement page over HTTP: what the lead and the rest of the group see before and
after the freeze, refusals on the page in Norwegian, and the frozen setup on the public announcement."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest

from tender.prequalification import setup_operations as ops
from tests.prequalification_helpers import PQ_DEADLINE, pq_setup

NOW = PQ_DEADLINE - timedelta(days=10)


def text(response) -> str:
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", response.get_data(as_text=True), flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", page)).split())


def setup_posts(response) -> set[str]:
    """The setup's actions the page offers a button for."""
    return set(
        re.findall(r'action="(/konkurranser/\d+/prekvalifisering[^"]*)"', response.get_data(as_text=True))
    )


@pytest.fixture
def s(db, clock, create_tender, create_user, add_member):
    clock.set(NOW)
    return pq_setup(db, create_tender, add_member, create_user, vendors=1, evaluators=1, frozen=False)


def page(s) -> str:
    return f"/konkurranser/{s.tender.id}/prekvalifisering"


def test_the_lead_sees_the_setup_with_its_buttons_and_a_link_to_the_deadlines(client, login_as, s) -> None:
    login_as(s.lead)
    response = client.get(page(s))
    shown = text(response)
    assert "Frist for forespørsel om å delta: 20. november 2026 kl. 13.00" in shown
    assert f'href="/konkurranser/{s.tender.id}/rediger"' in response.get_data(as_text=True)
    assert "Sum 100 %" in shown.replace("\xa0", " ")
    posts = setup_posts(response)
    assert {page(s) + "/frys", page(s) + "/kriterier", page(s) + "/innstillinger"} <= posts
    assert f'href="{page(s)}"' in response.get_data(as_text=True)  # the tab in the tender's menu


@pytest.mark.parametrize("role", ["evaluator", "observer", "signer"])
def test_the_rest_of_the_group_reads_the_setup_without_a_single_button(client, login_as, s, role) -> None:
    person = {"evaluator": s.evaluators[0], "observer": s.observer, "signer": s.signers[0]}[role]
    login_as(person)
    response = client.get(page(s))
    assert response.status_code == 200
    shown = text(response)
    assert "Leverandøren skal ha levert systemet til minst to kommuner som bruker Noark 5." in shown
    assert "Relevante referanser" in shown and "Minste antall kandidater 3" in shown
    assert setup_posts(response) == set()
    assert "rediger" not in response.get_data(as_text=True)


def test_a_vendor_user_has_no_tab_for_the_setup(client, login_as, s) -> None:
    login_as(s.vendor_users[0])
    assert "prekvalifisering" not in client.get(f"/konkurranser/{s.tender.id}").get_data(as_text=True)


def test_a_weight_that_is_not_a_number_comes_back_on_the_page_in_norwegian_and_nothing_is_added(
    db, client, forms, login_as, s
) -> None:
    login_as(s.lead)
    response = forms.post(
        page(s) + "/kriterier",
        {"kriterium-name": "Pris", "kriterium-weight": "ti"},
        page=page(s),
    )
    assert response.status_code == 422
    assert "Vekten må være et tall, ikke «ti»." in text(response)
    assert len(ops.criteria_of(s.tender)) == 3


def test_a_criterion_with_norwegian_decimals_is_added_and_the_sum_that_is_not_100_is_shown(
    db, client, forms, login_as, s
) -> None:
    login_as(s.lead)
    response = forms.post(
        page(s) + "/kriterier",
        {"kriterium-name": "Pris", "kriterium-weight": "12,5", "kriterium-descriptors": "10: best"},
        page=page(s),
    )
    assert response.status_code == 302
    assert ops.criteria_of(s.tender)[-1].weight == 12.5
    shown = text(client.get(page(s))).replace("\xa0", " ")
    assert "Vektene på utvelgelseskriteriene summerer seg til 112,5 %, ikke 100 %" in shown
    # the freeze button is not offered while the sum is wrong; the reasons are
    assert page(s) + "/frys" not in setup_posts(client.get(page(s)))
    assert "Før oppsettet kan fryses" in shown


def test_a_minimum_below_the_law_comes_back_beside_its_field(client, forms, login_as, s) -> None:
    login_as(s.lead)
    response = forms.post(
        page(s) + "/innstillinger",
        {"enabled": "y", "minimum_candidates": "2", "maximum_candidates": "4"},
        page=page(s),
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert re.search(
        r'<ul class="errors" id="minimum_candidates-err"><li>'
        r"Minste antall kandidater er 2, men i konkurranse med forhandling må det være minst 3",
        html,
    )


def test_after_the_freeze_the_page_shows_the_hash_and_no_button_and_a_post_is_refused(
    db, client, forms, login_as, s
) -> None:
    login_as(s.lead)
    response = forms.post(page(s) + "/frys", {}, page=page(s))
    assert response.status_code == 302
    setup = ops.setup_of(s.tender)
    db.session.refresh(setup)
    after = client.get(page(s))
    shown = text(after)
    assert "Fryst" in shown and setup.frozen_sha256 in shown
    assert setup_posts(after) == set()
    refused = forms.post(
        page(s) + "/kriterier", {"kriterium-name": "Pris", "kriterium-weight": "10"}, page=page(s)
    )
    assert refused.status_code == 422
    assert "Oppsettet er fryst" in text(refused)
    assert len(ops.criteria_of(s.tender)) == 3


def test_a_freeze_the_state_refuses_lists_every_reason(db, client, forms, login_as, s) -> None:
    s.tender.participation_deadline = None
    db.session.commit()
    login_as(s.lead)
    response = forms.post(page(s) + "/frys", {}, page=page(s))
    assert response.status_code == 422
    assert "Fristen for forespørsel om å delta er ikke satt" in text(response)
    assert ops.setup_of(s.tender).frozen_at is None


def test_the_tender_edit_refuses_a_participation_deadline_after_the_bid_deadline(
    db, client, forms, login_as, s
) -> None:
    login_as(s.lead)
    url = f"/konkurranser/{s.tender.id}/rediger"
    response = forms.post(
        url,
        {
            "title": s.tender.title,
            "case_reference": s.tender.case_reference,
            "participation_deadline": "2026-12-20T12:00",
            "questions_deadline": "",
            "bid_deadline": "2026-12-15T13:00",
        },
        page=url,
    )
    assert response.status_code == 422
    assert "forespørsel om å delta" in text(response).lower()


def test_the_announcement_shows_nothing_of_the_setup_before_the_freeze_and_all_of_it_after(
    db, client, s
) -> None:
    url = f"/kunngjoring/{s.tender.announcement_token}"
    before = text(client.get(url))
    assert "Kvalifikasjonskrav" not in before and "Relevante referanser" not in before
    ops.freeze(s.tender, now=NOW, actor=s.lead)
    db.session.commit()
    shown = text(client.get(url)).replace("\xa0", " ")
    setup = ops.setup_of(s.tender)
    for expected in (
        "Prekvalifisering",
        "Registrering og juridisk stilling",
        "Firmaattest, ikke eldre enn seks måneder.",
        "Skatteattest, ikke eldre enn seks måneder.",
        "Økonomisk og finansiell kapasitet",
        "Referanseliste med kontaktpersoner.",
        # a code outside the ESPD taxonomy is shown as the code itself
        "CRITERION.SELECTION.TECHNICAL_PROFESSIONAL_ABILITY.REFERENCES.SUPPLIES",
        "Konkurs",
        "obligatorisk",
        "Relevante referanser 40 %",
        "Kompetanse i leveranseteamet 35 %",
        "10: fem eller flere sammenlignbare leveranser.",
        "mellom 3 og 4",
        "20. november 2026 kl. 13.00 (norsk tid)",
        setup.frozen_sha256,
    ):
        assert expected in shown, expected


def test_after_the_participation_deadline_the_lead_is_told_why_nothing_can_be_changed(
    client, clock, login_as, s
) -> None:
    clock.set(PQ_DEADLINE)
    login_as(s.lead)
    response = client.get(page(s))
    assert "Fristen for forespørsel om å delta er passert; oppsettet kan ikke lenger endres." in text(
        response
    )
    assert setup_posts(response) == set()


def test_every_field_of_the_filled_in_setup_and_announcement_has_a_label_and_no_english_word(
    db, client, login_as, s
) -> None:
    from tests.test_labels import unlabelled_fields
    from tests.test_telltale_words import findings, visible_text

    ops.add_mandatory_grounds(s.tender, now=NOW, actor=s.lead)
    db.session.commit()
    login_as(s.lead)
    before = client.get(page(s))
    assert unlabelled_fields(before.get_data(as_text=True)) == []
    assert findings(visible_text(before)) == []
    ops.freeze(s.tender, now=NOW, actor=s.lead)
    db.session.commit()
    for response in (client.get(page(s)), client.get(f"/kunngjoring/{s.tender.announcement_token}")):
        assert unlabelled_fields(response.get_data(as_text=True)) == []
        assert findings(visible_text(response)) == []
