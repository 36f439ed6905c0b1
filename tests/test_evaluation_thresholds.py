"""Issue 16 in the web app: the settings (the scale's step, the consensus rule, the price-adjusting methods, a
minimum weighted quality), a minimum score per criterion, scores on a step, the mean rule's exact consensus,
and a bid below a quality threshold: shown, rejected by a recorded decision that names the threshold, and
the recommendation refused until it is."""

from __future__ import annotations

import json
from decimal import Decimal
from fractions import Fraction

import pytest

from tender.core.scoring import evaluate_case
from tender.errors import DomainError
from tender.evaluation import operations as ev
from tender.evaluation_model import operations as model_ops
from tender.evaluation_model.case import parse_case
from tender.evaluation_model.models import CriterionKindValue
from tests.evaluation_helpers import (
    BEFORE,
    justify_means,
    open_all,
    score_individually,
    setup_tender,
    submit_bid,
)

SETTINGS = {
    "scale_max": "5",
    "scale_step": "0.1",
    "consensus_rule": "mean",
    "price_method": "price_surcharge",
    "surcharge_percent": "20",
    "contract_period": "4",
    "disagreement_threshold": "2",
}


def _settings(tender) -> str:
    return f"/konkurranser/{tender.id}/evaluering/innstillinger"


def _model(tender):
    from tender.extensions import db

    row = model_ops.model_of(tender)
    db.session.refresh(row)
    return row


@pytest.fixture
def draft(db, create_tender, add_member, create_user, clock):
    """Three evaluators, two bids to come; the model is not locked yet. The price criterion weighs 0 (a
    price-adjusting method ranks by the adjusted price), Kvalitet 80 % (Arkivfunksjonalitet), Gjennomføring
    20 %."""
    s = setup_tender(db, create_tender, add_member, create_user, evaluators=3, leaves=1, freeze=False)
    for key, weight in (("pris", 0), ("kvalitet", 80)):
        row = model_ops.criterion_by_key(s.tender, key)
        model_ops.update_criterion_weight(s.tender, row, Decimal(weight), actor=s.lead)
    db.session.commit()
    return s


def test_the_lead_sets_a_scale_in_tenths_the_mean_rule_a_surcharge_and_a_minimum_quality(
    login_as, forms, draft
) -> None:
    s = draft
    login_as(s.lead)
    response = forms.post(_settings(s.tender), {**SETTINGS, "min_quality": "2,5"})
    assert response.status_code == 302
    model = _model(s.tender)
    assert (model.scale_max, model.scale_step, model.consensus_rule) == (Decimal(5), Decimal("0.1"), "mean")
    assert (model.price_method, model.surcharge_percent, model.min_quality) == (
        "price_surcharge",
        Decimal(20),
        Decimal("2.5"),
    )
    html = " ".join(forms.client.get(f"/konkurranser/{s.id}/evaluering").get_data(as_text=True).split())
    assert "Skala 0–5 i trinn på 0,1; konsensuspoeng: gjennomsnittet av de individuelle poengene" in html
    assert "vektede kvalitetspoeng minst 2,5 av 5 mulige" in html
    assert "Evaluert pris = Pe × (1 + S/100 × (1 − Q/Qmax))" in html
    # what was chosen is what the form shows again
    assert '<option selected value="0.1">' in html and '<option selected value="mean">' in html


@pytest.mark.parametrize(
    ("changes", "field_message"),
    [
        (
            {"scale_step": "annet", "scale_step_other": "0,3"},
            "Trinnet 0,3 deler ikke skalaen 0–5 i hele trinn.",
        ),
        (
            {"scale_step": "annet", "scale_step_other": ""},
            "Oppgi trinnet, eller velg et av trinnene i listen.",
        ),
        (
            {"price_method": "price_deduction", "surcharge_percent": "", "deduction_percent": "120"},
            "Metodens parameter er ugyldig: Prisfradraget (d, prosent) er 120; det kan være høyst 100",
        ),
        ({"surcharge_percent": ""}, "Metoden mangler en gyldig parameter"),
        ({"min_quality": "6"}, "Minste vektede kvalitetspoeng 6 ligger utenfor 0–5"),
        ({"consensus_rule": "flertall"}, "gyldig valg"),
        # the column keeps four decimals: more would be rounded without a word (0,00001 → continuous)
        ({"scale_step": "annet", "scale_step_other": "0,00001"}, "Trinnet kan ha høyst 4 desimaler."),
        ({"min_quality": "2,000001"}, "Minste vektede kvalitetspoeng kan ha høyst 4 desimaler."),
        # beyond what the columns keep: a clear refusal, never a database error (PostgreSQL refuses them)
        ({"surcharge_percent": "100000"}, "Pristillegget kan være høyst 1000 %."),
        ({"min_quality": "100000000"}, "Minste vektede kvalitetspoeng kan være høyst 1000."),
    ],
)
def test_bad_settings_are_refused_at_their_field_and_change_nothing(
    login_as, forms, draft, changes, field_message
) -> None:
    s = draft
    login_as(s.lead)
    response = forms.post(_settings(s.tender), {**SETTINGS, **changes})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert field_message in html
    model = _model(s.tender)
    assert (model.scale_step, model.consensus_rule, model.price_method) == (Decimal(1), "agreed", "linear")


def test_a_minimum_score_is_set_on_add_changed_before_the_lock_and_refused_on_price_and_off_the_scale(
    login_as, forms, db, draft
) -> None:
    s = draft
    with pytest.raises(DomainError, match="Priskriteriet kan ikke ha minstepoeng"):
        model_ops.update_criterion_min_score(
            s.tender, model_ops.criterion_by_key(s.tender, "pris"), Decimal(2), actor=s.lead
        )
    with pytest.raises(DomainError, match="mellom 0 og 10"):
        model_ops.add_criterion(
            s.tender,
            model_ops.CriterionInput(key="ny", name="Ny", weight=Decimal(0), min_score=Decimal(11)),
            actor=s.lead,
        )
    db.session.rollback()
    login_as(s.lead)
    response = forms.post(
        f"/konkurranser/{s.id}/evaluering/kriterier",
        {
            "parent": "kvalitet",
            "key": "sok",
            "name": "Søk",
            "kind": "quality",
            "weight": "0",
            "min_score": "2,5",
        },
    )
    assert response.status_code == 302
    assert model_ops.criterion_by_key(s.tender, "sok").min_score == Decimal("2.5")
    base = f"/konkurranser/{s.id}/evaluering/kriterier/arkiv/minstepoeng"
    forms.post(base, {"min_score": "3"}, page=f"/konkurranser/{s.id}/evaluering")
    arkiv = model_ops.criterion_by_key(s.tender, "arkiv")
    db.session.refresh(arkiv)
    assert arkiv.min_score == Decimal(3)
    html = forms.client.get(f"/konkurranser/{s.id}/evaluering").get_data(as_text=True)
    assert "minstekrav til kvalitet: Arkivfunksjonalitet minst 3, Søk minst 2,5" in " ".join(html.split())
    # off the scale through the page: a message naming the criterion, nothing changed
    forms.post(base, {"min_score": "12"}, page=f"/konkurranser/{s.id}/evaluering")
    html = forms.client.get(f"/konkurranser/{s.id}/evaluering").get_data(as_text=True)
    assert "Arkivfunksjonalitet: Minstepoengene må ligge på skalaen, mellom 0 og 10." in html
    db.session.refresh(arkiv)
    assert arkiv.min_score == Decimal(3)
    # left empty: no minimum
    forms.post(base, {"min_score": ""}, page=f"/konkurranser/{s.id}/evaluering")
    db.session.refresh(arkiv)
    assert arkiv.min_score is None


def _mean_world(db, s, clock, *, min_score: str | None = "3"):
    """The draft set up as SETTINGS with Arkivfunksjonalitet's minimum, locked, two bids opened."""
    model_ops.update_settings(
        s.tender,
        model_ops.ModelSettings(
            scale_max=Decimal(5),
            scale_step=Decimal("0.1"),
            consensus_rule="mean",
            price_method="price_surcharge",
            surcharge_percent=Decimal(20),
            price_k=None,
            nok_per_point=None,
            normalise=False,
            contract_period="4",
            disagreement_threshold=Decimal(2),
        ),
        actor=s.lead,
    )
    if min_score is not None:
        model_ops.update_criterion_min_score(
            s.tender, model_ops.criterion_by_key(s.tender, "arkiv"), Decimal(min_score), actor=s.lead
        )
    model_ops.freeze(s.tender, at=BEFORE, actor=s.lead)
    db.session.commit()
    bids = [submit_bid(db, s, 0, one_off="1000000"), submit_bid(db, s, 1, one_off="800000")]
    open_all(db, s, clock)
    return bids


def test_scores_follow_the_step_of_the_scale(client, forms, login_as, db, draft, clock) -> None:
    s = draft
    bids = _mean_world(db, s, clock)
    login_as(s.evaluators[0])
    html = client.get(f"/konkurranser/{s.id}/evaluering/poeng").get_data(as_text=True)
    assert "Skala 0–5 i trinn på 0,1" in html
    criterion = model_ops.criterion_by_key(s.tender, "arkiv")
    p = f"s{bids[0].id}-{criterion.id}"
    url = f"/konkurranser/{s.id}/evaluering/poeng/{bids[0].id}/arkiv"
    page = f"/konkurranser/{s.id}/evaluering/poeng"
    token = {f"{p}-csrf_token": forms.token(page)}
    refused = forms.post(url, {f"{p}-score": "3,85", f"{p}-justification": "Mellom", **token}, page=page)
    assert refused.status_code == 422
    assert "Poengene må være mellom 0 og 5, i trinn på 0,1." in refused.get_data(as_text=True)
    assert ev.scores_by(s.tender, s.evaluators[0]) == {}
    saved = forms.post(url, {f"{p}-score": "3,8", f"{p}-justification": "God", **token}, page=page)
    assert saved.status_code == 302
    assert ev.scores_by(s.tender, s.evaluators[0])[(bids[0].id, criterion.id)].score == Decimal("3.8")


def test_the_mean_rule_makes_the_exact_mean_the_consensus_everywhere(
    client, forms, login_as, db, draft, clock
) -> None:
    s = draft
    bids = _mean_world(db, s, clock, min_score=None)
    score_individually(
        db,
        s,
        bids,
        [
            {"arkiv": ["4", "3", "4"], "gjennomforing": ["3.8", "2.7", "3"]},
            {"arkiv": ["2", "2.5", "3"], "gjennomforing": ["5", "4", "4"]},
        ],
    )
    ev.open_consensus(s.tender, confirmed=True, actor=s.lead)
    db.session.commit()
    login_as(s.lead)
    html = client.get(f"/konkurranser/{s.id}/evaluering/konsensus").get_data(as_text=True)
    assert "<strong>3,67</strong> (gjennomsnitt av 4, 3 og 4)" in html
    assert "<strong>3,17</strong> (gjennomsnitt av 3,8, 2,7 og 3)" in html
    arkiv = model_ops.criterion_by_key(s.tender, "arkiv")
    p = f"c{bids[0].id}-{arkiv.id}"
    # a typed score is not taken: the mean is computed
    response = forms.post(
        f"/konkurranser/{s.id}/evaluering/konsensus/{bids[0].id}/arkiv",
        {
            f"{p}-score": "5",
            f"{p}-justification": "Samlet vurdering i møtet",
            f"{p}-csrf_token": forms.token("/"),
        },
        page=f"/konkurranser/{s.id}/evaluering/konsensus",
    )
    assert response.status_code == 302
    row = ev.consensus_scores(s.tender)[(bids[0].id, arkiv.id)]
    assert (row.score, row.justification) == (Decimal("3.6667"), "Samlet vurdering i møtet")
    # the case the matrix computes carries the exact means, never the rounded stored value
    built = ev.build_case(s.tender, with_individual=False)
    assert built.result is not None, built.problems
    scores = {b.id: dict(b.scores) for b in built.case.bids}
    first = ev.case_bid_id(bids[0])
    assert scores[first] == {"arkiv": Fraction(11, 3), "gjennomforing": Fraction(95, 30)}
    quality = Fraction(11, 3) * Fraction(8, 10) + Fraction(95, 30) * Fraction(2, 10)
    price = built.prices[bids[0].id]
    assert price == 1_800_000  # 1 000 000 once, 100 000 a year in each of two municipalities for 4 years
    assert built.result.get(first).evaluated_price == price * (1 + Fraction(20, 100) * (1 - quality / 5))
    assert built.result.get(first).evaluated_price == 1_903_200


def test_the_web_matrix_and_tender_score_on_the_exported_case_agree_to_the_last_decimal(
    client, login_as, db, draft, clock
) -> None:
    """A mean-rule, thresholded, surcharge model: the case the matrix page downloads, read back and evaluated
    as ``tender score`` does, gives the same exact evaluated prices, ranks and threshold failures."""
    s = draft
    bids = _mean_world(db, s, clock, min_score="3")
    score_individually(
        db,
        s,
        bids,
        [
            {"arkiv": ["4", "3", "4"], "gjennomforing": ["3.8", "2.7", "3"]},
            {"arkiv": ["2", "2.5", "3"], "gjennomforing": ["5", "4", "4"]},
        ],
    )
    ev.open_consensus(s.tender, confirmed=True, actor=s.lead)
    db.session.commit()
    login_as(s.lead)
    web = ev.build_case(s.tender, with_individual=False).result
    assert web is not None
    response = client.get(f"/konkurranser/{s.id}/evaluering/sak.json")
    assert response.status_code == 200
    cli = evaluate_case(parse_case(json.loads(response.get_data(as_text=True))))
    for mine, theirs in zip(web.bids, cli.bids, strict=True):
        assert mine.bid.id == theirs.bid.id
        assert mine.evaluated_price == theirs.evaluated_price
        assert mine.total == theirs.total
        assert mine.rank == theirs.rank
        assert mine.threshold_failures == theirs.threshold_failures
    # the sensitivity page works for the price-adjusting method (the only bid that passed the threshold has
    # no rival whose price cut could win, so the page has the weights and no price table)
    sensitivity = client.get(f"/konkurranser/{s.id}/evaluering/matrise/folsomhet")
    text = sensitivity.get_data(as_text=True)
    assert sensitivity.status_code == 200 and "<h2>Følsomhet</h2>" in text, text[-2000:]
    # the second bid (mean 2,5 on Arkivfunksjonalitet) is below the minimum of 3 in both
    assert [f.criterion_id for f in cli.get(ev.case_bid_id(bids[1])).threshold_failures] == ["arkiv"]
    assert web.winner == cli.winner == ev.case_bid_id(bids[0])


def test_a_bid_below_a_minimum_is_shown_rejected_by_a_decision_naming_it_and_blocks_the_recommendation(
    client, forms, login_as, db, draft, clock
) -> None:
    from tender.award import recommendation_operations as rec_ops

    s = draft
    bids = _mean_world(db, s, clock, min_score="3")
    score_individually(
        db,
        s,
        bids,
        [
            {"arkiv": ["4", "3", "4"], "gjennomforing": ["3.8", "2.7", "3"]},
            {"arkiv": ["2", "2.5", "3"], "gjennomforing": ["5", "4", "4"]},
        ],
    )
    ev.open_consensus(s.tender, confirmed=True, actor=s.lead)
    for bid in bids:
        for key in ("arkiv", "gjennomforing"):
            ev.save_consensus(
                s.tender,
                bid,
                model_ops.criterion_by_key(s.tender, key),
                score=None,
                justification="Samlet vurdering",
                expected_version=None,
                actor=s.lead,
            )
    db.session.commit()
    login_as(s.lead)
    expected = (
        "Avvist under minstegrensen for kvalitet. Under minstepoengene på «Arkivfunksjonalitet»: 2,5 poeng, "
        "mens minst 3 kreves."
    )
    matrix = client.get(f"/konkurranser/{s.id}/evaluering/matrise").get_data(as_text=True)
    assert expected in matrix and "Beslutningen om avvisning mangler" in matrix
    page = client.get(f"/konkurranser/{s.id}/evaluering/tilbud/{bids[1].id}").get_data(as_text=True)
    assert "En beslutning mangler" in page
    assert f"{expected}</textarea>" in page  # the reject form's reason, filled in
    with pytest.raises(DomainError, match="Leverandør B AS er under et kunngjort minstekrav til kvalitet"):
        rec_ops.start_draft(s.tender, actor=s.lead)
    db.session.rollback()
    response = forms.post(
        f"/konkurranser/{s.id}/evaluering/tilbud/{bids[1].id}/avvis",
        {"reason": expected, "confirm": "y"},
        page=f"/konkurranser/{s.id}/evaluering/tilbud/{bids[1].id}/avvis/bekreft?reason=x",
    )
    assert response.status_code == 302
    db.session.refresh(bids[1])
    assert bids[1].rejected and bids[1].rejection_reason == expected
    assert ev.threshold_decisions_missing(s.tender) == []
    matrix = client.get(f"/konkurranser/{s.id}/evaluering/matrise").get_data(as_text=True)
    assert "Avvisningen er registrert." in matrix
    rec_ops.start_draft(s.tender, actor=s.lead)  # no longer refused


def test_a_rejection_for_a_threshold_the_consensus_no_longer_supports_is_pointed_out(
    client, login_as, db, draft, clock
) -> None:
    """Under the agreed rule the group may raise a consensus score after the rejection: the bid page says the
    bid now meets the minimum, and the lead may undo the rejection."""
    s = draft
    model_ops.update_criterion_min_score(
        s.tender, model_ops.criterion_by_key(s.tender, "arkiv"), Decimal(6), actor=s.lead
    )
    model_ops.freeze(s.tender, at=BEFORE, actor=s.lead)
    db.session.commit()
    bids = [submit_bid(db, s, 0), submit_bid(db, s, 1, one_off="800000")]
    open_all(db, s, clock)
    ev.open_consensus(s.tender, confirmed=True, actor=s.lead)

    def agree(bid, arkiv):
        for key, value in (("arkiv", arkiv), ("gjennomforing", 7)):
            current = ev.consensus_scores(s.tender).get(
                (bid.id, model_ops.criterion_by_key(s.tender, key).id)
            )
            ev.save_consensus(
                s.tender,
                bid,
                model_ops.criterion_by_key(s.tender, key),
                score=Decimal(value),
                justification="Samlet vurdering",
                expected_version=current.lock_version if current else None,
                actor=s.lead,
            )

    agree(bids[0], 8)
    agree(bids[1], 5)
    db.session.commit()
    state = ev.thresholds(ev.build_case(s.tender, with_individual=False))[bids[1].id]
    assert state.decision_missing
    ev.reject_bid(s.tender, bids[1], reason=state.text, actor=s.lead)
    agree(bids[1], 6)
    db.session.commit()
    state = ev.thresholds(ev.build_case(s.tender, with_individual=False))[bids[1].id]
    assert state.lifted and not state.failures
    login_as(s.lead)
    page = client.get(f"/konkurranser/{s.id}/evaluering/tilbud/{bids[1].id}").get_data(as_text=True)
    assert "konsensuspoengene oppfyller nå alle de kunngjorte minstekravene" in page
    assert "Angre avvisning" in page


def test_price_criterion_kind_is_checked_for_a_child_too(db, draft) -> None:
    """A criterion under a quality group is a quality criterion: its minimum is taken."""
    s = draft
    row = model_ops.add_criterion(
        s.tender,
        model_ops.CriterionInput(
            key="sok", name="Søk", weight=Decimal(0), parent_key="kvalitet", min_score=Decimal(4)
        ),
        actor=s.lead,
    )
    assert row.kind is CriterionKindValue.QUALITY and row.min_score == Decimal(4)


def test_a_minimum_score_keeps_four_decimals_and_a_smaller_scale_cannot_leave_it_above_the_top(
    db, draft
) -> None:
    s = draft
    arkiv = model_ops.criterion_by_key(s.tender, "arkiv")
    with pytest.raises(DomainError, match="høyst 4 desimaler"):
        model_ops.update_criterion_min_score(s.tender, arkiv, Decimal("2.00001"), actor=s.lead)
    model_ops.update_criterion_min_score(s.tender, arkiv, Decimal(8), actor=s.lead)
    db.session.commit()
    smaller = model_ops.ModelSettings(
        scale_max=Decimal(5),
        price_method="linear",
        price_k=None,
        nok_per_point=None,
        normalise=False,
        contract_period="4",
        disagreement_threshold=Decimal(2),
    )
    with pytest.raises(DomainError, match="Senk minstepoengene først") as caught:
        model_ops.update_settings(s.tender, smaller, actor=s.lead)
    assert list(caught.value.reasons) == ["scale_max"]
    db.session.rollback()
    assert _model(s.tender).scale_max == 10


def test_under_the_mean_rule_an_earlier_round_keeps_its_exact_consensus_when_a_new_round_starts(
    db, clock, draft
) -> None:
    """A negotiation round starts the consensus phase again for its own bids; the first round's consensus
    (the exact mean of its locked individual scores) stays what it was."""
    from tests.negotiation_helpers import call_round, decide_to_negotiate

    s = draft
    model_ops.update_settings(
        s.tender,
        model_ops.ModelSettings(
            scale_max=Decimal(10),
            price_method="linear",
            price_k=None,
            nok_per_point=None,
            normalise=False,
            contract_period="4",
            disagreement_threshold=Decimal(3),
            consensus_rule="mean",
        ),
        actor=s.lead,
    )
    for key, weight in (("pris", 30), ("kvalitet", 50)):
        model_ops.update_criterion_weight(
            s.tender, model_ops.criterion_by_key(s.tender, key), Decimal(weight), actor=s.lead
        )
    model_ops.freeze(s.tender, at=BEFORE, actor=s.lead)
    db.session.commit()
    for i in range(2):
        submit_bid(db, s, i, one_off=str(1_000_000 - 100_000 * i))
    open_all(db, s, clock)
    bids = ev.opened_bids(s.tender)
    score_individually(db, s, bids, [{"arkiv": ["4", "3", "4"], "gjennomforing": ["4", "3", "4"]}] * 2)
    justify_means(db, s, bids)
    before = ev.build_case(s.tender, with_individual=False, round_no=1)
    assert before.result is not None, before.problems
    decide_to_negotiate(db, s)
    call_round(db, s)
    after = ev.build_case(s.tender, with_individual=False, round_no=1)
    assert after.result is not None, after.problems
    assert {b.id: dict(b.scores) for b in after.case.bids} == {b.id: dict(b.scores) for b in before.case.bids}
    assert {score for b in after.case.bids for score in b.scores.values()} == {Fraction(11, 3)}
    assert [r.total for r in after.result.bids] == [r.total for r in before.result.bids]
