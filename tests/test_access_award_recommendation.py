"""Every route of the recommendation, tried anonymously and with every role, on a tender whose final round is
opened and scored and whose recommendation is frozen: the group that evaluates and the signers read the
frozen snapshot, the lead drafts, only a signer signs; vendors get nothing (403 as members, 404 for another
tender's recommendation), and before the opening no one gets in (tests/test_sealed_marker.py walks it)."""

from __future__ import annotations

import pytest

from tests.test_access import ADMIN, ANON, OUTSIDER, try_everyone
from tests.test_award_recommendation import award_world, frozen

NOT_MEMBER = {ANON: 302, OUTSIDER: 404, ADMIN: 404}
READ = {"lead": 200, "evaluator": 200, "observer": 200, "signer": 200}
R = "/konkurranser/{t}/tildeling/innstilling"

# route -> (method, path template, {who: expected status}, default for other members)
ROUTES: dict[str, tuple[str, str, dict[str, int], int]] = {
    "award_recommendation.index": ("GET", R, {**NOT_MEMBER, **READ}, 403),
    "award_recommendation.snapshot": ("GET", R + "/{r}", {**NOT_MEMBER, **READ}, 403),
    # the lead's buttons on a frozen recommendation are refused in words and go back (302); the withdrawal
    # without its reason and the sign-off without its fields come back refused (422)
    "award_recommendation.start": ("POST", R + "/ny", {**NOT_MEMBER, "lead": 302}, 403),
    "award_recommendation.save_texts": ("POST", R + "/{r}/tekster", {**NOT_MEMBER, "lead": 302}, 403),
    "award_recommendation.freeze": ("POST", R + "/{r}/las", {**NOT_MEMBER, "lead": 302}, 403),
    "award_recommendation.withdraw": ("POST", R + "/{r}/trekk", {**NOT_MEMBER, "lead": 422}, 403),
    "award_recommendation.sign": ("POST", R + "/{r}/godkjenning/{m}", {**NOT_MEMBER, "signer": 422}, 403),
}


@pytest.fixture
def people(db, create_tender, add_member, create_user, clock):
    w = award_world(db, create_tender, add_member, create_user, clock)
    rec = frozen(db, w)
    who = {
        OUTSIDER: create_user(name="Utenfor"),
        ADMIN: create_user(name="Admin", is_admin=True),
        "lead": w.lead,
        "evaluator": w.s.evaluators[0],
        "signer": w.signers["Skien"],
        "observer": w.s.observer,
        "vendor": w.s.vendor_users[0],
    }
    return w, rec, who


@pytest.mark.parametrize("endpoint", sorted(ROUTES))
def test_each_person_gets_exactly_the_access_their_role_gives(endpoint, app, people, isolated) -> None:
    w, rec, who = people
    try_everyone(
        app,
        ROUTES,
        endpoint,
        who,
        isolated,
        {"t": w.tender.id, "r": rec.id, "m": w.municipalities["Skien"].id},
    )


def test_a_recommendation_of_another_tender_or_a_municipality_outside_it_gives_404(
    db, client, login_as, people, create_tender, create_municipality, forms
) -> None:
    from tender.award.models import Recommendation

    w, rec, who = people
    other = create_tender(title="En annen konkurranse")
    elsewhere = Recommendation(tender_id=other.id, number=1, round_no=1)
    db.session.add(elsewhere)
    db.session.commit()
    login_as(who["lead"])
    assert client.get(f"/konkurranser/{w.tender.id}/tildeling/innstilling/{elsewhere.id}").status_code == 404
    login_as(who["signer"])
    outside = create_municipality("Drangedal", "4017", 4_100)
    page = f"/konkurranser/{w.tender.id}/tildeling/innstilling/{rec.id}"
    response = forms.post(f"{page}/godkjenning/{outside.id}", {}, page=page)
    assert response.status_code == 404


def test_a_vendor_never_sees_the_recommendation_not_even_its_link(client, login_as, people) -> None:
    w, rec, who = people
    login_as(who["vendor"])
    for path in ["", f"/{rec.id}"]:
        response = client.get(f"/konkurranser/{w.tender.id}/tildeling/innstilling{path}")
        assert response.status_code == 403
        assert "Kontrollsum" not in response.get_data(as_text=True)
    overview = client.get(f"/konkurranser/{w.tender.id}").get_data(as_text=True)
    assert ">Innstilling</a>" not in overview and "Godkjenning av tildelingen" not in overview
    login_as(who["signer"])
    assert ">Innstilling</a>" in client.get(f"/konkurranser/{w.tender.id}").get_data(as_text=True)


def test_a_signer_sees_no_draft_and_no_live_scoring_only_the_frozen_snapshot(
    db, client, login_as, people
) -> None:
    from tender.award import recommendation_operations as ops

    w, rec, who = people
    ops.withdraw(w.tender, rec, reason="Ny runde med tekster.", actor=w.lead)
    draft = ops.start_draft(w.tender, actor=w.lead)
    ops.save_texts(w.tender, draft, {}, "Et utkast ingen signerer leser.", actor=w.lead)
    db.session.commit()
    login_as(who["signer"])
    index = client.get(f"/konkurranser/{w.tender.id}/tildeling/innstilling").get_data(as_text=True)
    assert "Et utkast ingen signerer leser." not in index and 'id="rangering"' not in index
    assert "under arbeid" in index
    page = client.get(f"/konkurranser/{w.tender.id}/tildeling/innstilling/{draft.id}").get_data(as_text=True)
    assert "Et utkast ingen signerer leser." not in page and 'id="matrise"' not in page
    assert client.get(f"/konkurranser/{w.tender.id}/evaluering/matrise").status_code == 403
    login_as(who["evaluator"])
    index = client.get(f"/konkurranser/{w.tender.id}/tildeling/innstilling").get_data(as_text=True)
    assert 'id="rangering"' in index and "Et utkast ingen signerer leser." in index
