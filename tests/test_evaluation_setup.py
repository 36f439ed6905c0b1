"""Evaluation set-up that cannot trap (issue 11, point 2): who scores which criterion, assignments changed
after the lock until someone has scored, consensus opened only on a confirmation that lists the gaps, and the
minimum requirements of a bid set several at once."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from tender.audit import AuditEvent
from tender.core.scoring import RequirementStatus
from tender.errors import DomainError
from tender.evaluation import operations as ev
from tender.evaluation_model import operations as model_ops
from tender.evaluation_model.models import Phase
from tests.evaluation_helpers import open_all, setup_tender, submit_bid


@pytest.fixture
def opened(db, create_tender, add_member, create_user, clock):
    s = setup_tender(db, create_tender, add_member, create_user)
    bids = [submit_bid(db, s, 0, one_off="1000000"), submit_bid(db, s, 1, one_off="800000")]
    open_all(db, s, clock)
    return s, bids


def _events(db, tender, kind):
    return [
        e.payload
        for e in db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.tender_id == tender.id, AuditEvent.event_type == kind)
            .order_by(AuditEvent.id)
        )
    ]


def _score(s, bid, key, evaluator, value=5):
    return ev.save_individual_score(
        s.tender,
        bid,
        model_ops.criterion_by_key(s.tender, key),
        evaluator=evaluator,
        score=Decimal(value),
        justification="Begrunnet",
        expected_version=None,
    )


def _keys(leaves):
    return [c.key for c in leaves]


# -- who scores what -----------------------------------------------------------------------------------------
def test_assigning_one_evaluator_to_one_criterion_leaves_the_others_to_every_evaluator(db, opened) -> None:
    s, _ = opened
    first, second = s.evaluators
    ev.assign_evaluator(s.tender, model_ops.criterion_by_key(s.tender, "arkiv"), first, actor=s.lead)
    db.session.commit()
    assert _keys(ev.leaves_to_score(s.tender, first)) == ["arkiv", "k1", "gjennomforing"]
    assert _keys(ev.leaves_to_score(s.tender, second)) == ["k1", "gjennomforing"]


def test_the_score_page_says_which_criteria_are_assigned_and_which_everyone_scores(
    client, login_as, db, opened
) -> None:
    s, _ = opened
    ev.assign_evaluator(
        s.tender, model_ops.criterion_by_key(s.tender, "arkiv"), s.evaluators[0], actor=s.lead
    )
    db.session.commit()
    login_as(s.evaluators[0])
    html = client.get(f"/konkurranser/{s.id}/evaluering/poeng").get_data(as_text=True)
    assert 'Arkivfunksjonalitet <span class="hint">(tildelt deg)</span>' in html
    assert 'Gjennomføring <span class="hint">(ingen er tildelt: alle evaluatorene scorer)</span>' in html


def test_an_assignment_on_a_parent_criterion_covers_every_criterion_under_it(db, opened) -> None:
    s, _ = opened
    first, second = s.evaluators
    ev.assign_evaluator(s.tender, model_ops.criterion_by_key(s.tender, "kvalitet"), second, actor=s.lead)
    db.session.commit()
    assert _keys(ev.leaves_to_score(s.tender, first)) == ["gjennomforing"]
    assert _keys(ev.leaves_to_score(s.tender, second)) == ["arkiv", "k1", "gjennomforing"]


def test_the_model_page_shows_who_scores_each_criterion_before_the_lock(
    client, login_as, db, create_tender, add_member, create_user
) -> None:
    s = setup_tender(db, create_tender, add_member, create_user, freeze=False)
    first, second = s.evaluators
    ev.assign_evaluator(s.tender, model_ops.criterion_by_key(s.tender, "arkiv"), first, actor=s.lead)
    db.session.commit()
    login_as(s.lead)
    html = client.get(f"/konkurranser/{s.id}/evaluering").get_data(as_text=True)
    assert "Hvem scorer hva" in html
    assert "Kvalitet › Arkivfunksjonalitet" in html
    assert (
        "Poengsetting – Arkivfunksjonalitet: Evaluator 1; Kvalitet 2: alle evaluatorene (Evaluator 1, "
        "Evaluator 2); Gjennomføring: alle evaluatorene (Evaluator 1, Evaluator 2)."
    ) in html


def test_locking_the_model_says_who_scores_what(
    client, forms, login_as, db, create_tender, add_member, create_user
) -> None:
    s = setup_tender(db, create_tender, add_member, create_user, freeze=False)
    ev.assign_evaluator(s.tender, model_ops.criterion_by_key(s.tender, "k1"), s.evaluators[1], actor=s.lead)
    db.session.commit()
    login_as(s.lead)
    response = forms.post(f"/konkurranser/{s.id}/evaluering/las", {}, follow=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and model_ops.model_of(s.tender).frozen_at is not None
    assert "Evalueringsmodellen er låst. Poengsetting – Arkivfunksjonalitet: alle evaluatorene" in html
    assert "Kvalitet 2: Evaluator 2;" in html


def test_the_model_page_names_an_evaluator_left_with_nothing_to_score(client, login_as, db, opened) -> None:
    s, _ = opened
    for key in ("kvalitet", "gjennomforing"):
        ev.assign_evaluator(
            s.tender, model_ops.criterion_by_key(s.tender, key), s.evaluators[0], actor=s.lead
        )
    db.session.commit()
    login_as(s.lead)
    html = client.get(f"/konkurranser/{s.id}/evaluering").get_data(as_text=True)
    assert "Uten kriterier å score: Evaluator 2." in html
    login_as(s.evaluators[1])
    assert "Du har ingen kriterier å score" in client.get(f"/konkurranser/{s.id}/evaluering/poeng").get_data(
        as_text=True
    )


# -- changing assignments after the lock ---------------------------------------------------------------------
def test_an_assignment_is_added_and_removed_after_the_lock_while_no_one_has_scored_the_criterion(
    client, forms, login_as, db, opened
) -> None:
    s, _ = opened
    first = s.evaluators[0]
    assert model_ops.model_of(s.tender).frozen_at is not None
    login_as(s.lead)
    base = f"/konkurranser/{s.id}/evaluering/kriterier/arkiv/evaluatorer"
    assert forms.post(base, {"evaluator": str(first.id)}).status_code == 302
    assert [e.user_id for e in model_ops.criterion_by_key(s.tender, "arkiv").evaluators] == [first.id]
    assert forms.post(f"{base}/{first.id}/fjern", {}).status_code == 302
    assert model_ops.criterion_by_key(s.tender, "arkiv").evaluators == []
    assert _events(db, s.tender, "evaluation.evaluator_assigned") == [
        {"key": "arkiv", "user": first.email, "after_lock": True}
    ]
    assert _events(db, s.tender, "evaluation.evaluator_unassigned") == [
        {"key": "arkiv", "user": first.email, "after_lock": True}
    ]


def test_an_assignment_is_refused_with_a_clear_message_once_a_score_exists_on_the_criterion(
    client, forms, login_as, db, opened
) -> None:
    s, bids = opened
    first, second = s.evaluators
    ev.assign_evaluator(s.tender, model_ops.criterion_by_key(s.tender, "k1"), first, actor=s.lead)
    _score(s, bids[0], "arkiv", second)
    _score(s, bids[0], "k1", first)
    db.session.commit()
    for attempt, message in (
        (
            lambda: ev.assign_evaluator(
                s.tender, model_ops.criterion_by_key(s.tender, "arkiv"), first, actor=s.lead
            ),
            "«Arkivfunksjonalitet» kan ikke endres: det finnes allerede 1 individuelle poeng på kriteriet",
        ),
        (
            lambda: ev.assign_evaluator(
                s.tender, model_ops.criterion_by_key(s.tender, "kvalitet"), first, actor=s.lead
            ),
            "«Kvalitet» kan ikke endres: det finnes allerede 2 individuelle poeng på underkriteriene",
        ),
        (
            lambda: ev.unassign_evaluator(
                s.tender, model_ops.criterion_by_key(s.tender, "k1"), first, actor=s.lead
            ),
            "«Kvalitet 2» kan ikke endres: det finnes allerede 1 individuelle poeng på kriteriet",
        ),
    ):
        with pytest.raises(DomainError, match=message):
            attempt()
        db.session.rollback()
    login_as(s.lead)
    response = forms.post(
        f"/konkurranser/{s.id}/evaluering/kriterier/arkiv/evaluatorer",
        {"evaluator": str(first.id)},
        follow=True,
    )
    assert "Tildelingen på «Arkivfunksjonalitet» kan ikke endres" in response.get_data(as_text=True)
    assert model_ops.criterion_by_key(s.tender, "arkiv").evaluators == []
    assert [e.user_id for e in model_ops.criterion_by_key(s.tender, "k1").evaluators] == [first.id]
    # a criterion no one has scored can still be assigned
    ev.assign_evaluator(s.tender, model_ops.criterion_by_key(s.tender, "gjennomforing"), second, actor=s.lead)


def test_the_price_criterion_cannot_be_given_an_evaluator(db, opened) -> None:
    s, _ = opened
    with pytest.raises(DomainError, match="Priskriteriet scores ikke av evaluatorer"):
        ev.assign_evaluator(
            s.tender, model_ops.criterion_by_key(s.tender, "pris"), s.evaluators[0], actor=s.lead
        )


def test_removing_an_assignment_that_does_not_exist_is_refused(db, opened) -> None:
    s, _ = opened
    with pytest.raises(DomainError, match="Evaluator 1 er ikke tildelt «Arkivfunksjonalitet»"):
        ev.unassign_evaluator(
            s.tender, model_ops.criterion_by_key(s.tender, "arkiv"), s.evaluators[0], actor=s.lead
        )


# -- opening consensus ---------------------------------------------------------------------------------------
def test_the_confirmation_lists_the_criteria_and_bids_without_individual_scores(
    client, login_as, db, opened
) -> None:
    s, bids = opened
    first, second = s.evaluators
    ev.assign_evaluator(s.tender, model_ops.criterion_by_key(s.tender, "gjennomforing"), first, actor=s.lead)
    for bid in bids:
        _score(s, bid, "arkiv", first)
        _score(s, bid, "arkiv", second)
        _score(s, bid, "gjennomforing", first)
    _score(s, bids[0], "k1", second)
    db.session.commit()
    gaps = ev.unscored(s.tender)
    assert [(g.bid.id, g.criterion.key, [u.name for u in g.missing], g.none) for g in gaps] == [
        (bids[0].id, "k1", ["Evaluator 1"], False),
        (bids[1].id, "k1", ["Evaluator 1", "Evaluator 2"], True),
    ]
    login_as(s.lead)
    html = client.get(f"/konkurranser/{s.id}/evaluering/konsensus/apne").get_data(as_text=True)
    assert "Kriterier og tilbud uten individuelle poeng" in html
    assert "<td>Leverandør B AS</td><td>Kvalitet 2</td>" in html
    assert (
        "Poeng som mangler fra enkelte evaluatorer" in html
        and "<td>Leverandør A AS</td><td>Kvalitet 2</td>" in html
    )


def test_consensus_does_not_open_without_the_confirmation(client, forms, login_as, db, opened) -> None:
    s, _ = opened
    login_as(s.lead)
    response = forms.post(f"/konkurranser/{s.id}/evaluering/konsensus/apne", {})
    assert response.status_code == 422
    assert "Kryss av for å bekrefte at konsensusfasen skal åpnes." in response.get_data(as_text=True)
    assert model_ops.model_of(s.tender).phase is Phase.INDIVIDUAL
    assert _events(db, s.tender, "evaluation.consensus_opened") == []
    with pytest.raises(DomainError, match="Bekreft"):
        ev.open_consensus(s.tender, confirmed=False, actor=s.lead)
    assert model_ops.model_of(s.tender).phase is Phase.INDIVIDUAL


def test_consensus_opened_on_confirmation_records_what_was_unscored(
    client, forms, login_as, db, opened
) -> None:
    s, bids = opened
    first, second = s.evaluators
    for bid in bids:
        for key in ("arkiv", "k1", "gjennomforing"):
            _score(s, bid, key, first)
            if key != "gjennomforing" or bid is bids[0]:
                _score(s, bid, key, second)
    db.session.commit()
    login_as(s.lead)
    response = forms.post(f"/konkurranser/{s.id}/evaluering/konsensus/apne", {"confirm": "y"})
    assert response.status_code == 302 and model_ops.model_of(s.tender).phase is Phase.CONSENSUS
    assert _events(db, s.tender, "evaluation.consensus_opened") == [
        {
            "without_scores": [],
            "incomplete": [
                {
                    "bid": bids[1].vendor.organisasjonsnummer,
                    "criterion": "gjennomforing",
                    "missing": [second.email],
                }
            ],
        }
    ]
    again = client.get(f"/konkurranser/{s.id}/evaluering/konsensus/apne", follow_redirects=True)
    assert "Konsensusfasen er allerede åpnet." in again.get_data(as_text=True)


# -- minimum requirements in one table -----------------------------------------------------------------------
def _post_many(client, forms, s, bid, keys, status, reason):
    return client.post(
        f"/konkurranser/{s.id}/evaluering/tilbud/{bid.id}/minstekrav",
        data={
            "flere-keys": keys,
            "flere-status": status,
            "flere-reason": reason,
            "flere-csrf_token": forms.token("/"),
        },
    )


def test_several_minimum_requirements_are_set_at_once_with_one_justification(
    client, forms, login_as, db, opened
) -> None:
    s, bids = opened
    login_as(s.evaluators[0])
    response = _post_many(client, forms, s, bids[1], ["R0001", "R0002"], "clarify", "Uklart svar om lagring")
    assert response.status_code == 302
    checks = ev.requirement_checks(bids[1])
    assert {k: (c.status, c.reason) for k, c in checks.items()} == {
        "R0001": (RequirementStatus.CLARIFY, "Uklart svar om lagring"),
        "R0002": (RequirementStatus.CLARIFY, "Uklart svar om lagring"),
    }
    assert [e["requirement"] for e in _events(db, s.tender, "evaluation.requirement_checked")] == [
        "R0001",
        "R0002",
    ]
    # each row can still be changed alone
    alone = client.post(
        f"/konkurranser/{s.id}/evaluering/tilbud/{bids[1].id}/minstekrav/R0002",
        data={"kR0002-status": "met", "kR0002-reason": "", "kR0002-csrf_token": forms.token("/")},
    )
    assert alone.status_code == 302
    checks = ev.requirement_checks(bids[1])
    assert (checks["R0001"].status, checks["R0002"].status) == (
        RequirementStatus.CLARIFY,
        RequirementStatus.MET,
    )


def test_setting_several_requirements_changes_nothing_when_one_part_is_wrong(
    client, forms, login_as, db, opened
) -> None:
    s, bids = opened
    login_as(s.lead)
    none = _post_many(client, forms, s, bids[0], [], "met", "")
    assert none.status_code == 422 and "Velg minst ett minstekrav i tabellen." in none.get_data(as_text=True)
    unjustified = _post_many(client, forms, s, bids[0], ["R0001", "R0002"], "not_met", "")
    html = unjustified.get_data(as_text=True)
    assert unjustified.status_code == 422 and "Skriv en begrunnelse når kravet ikke er oppfylt" in html
    assert 'value="R0001" form="flere-skjema" checked' in html  # the selection survives the refusal
    wrong = _post_many(client, forms, s, bids[0], ["R0001", "R0003"], "met", "")
    assert (
        wrong.status_code == 422
        and "Ikke minstekrav i den kunngjorte kravspesifikasjonen: R0003." in wrong.get_data(as_text=True)
    )
    forged = _post_many(client, forms, s, bids[0], ["R0001"], "kanskje", "")
    assert forged.status_code == 422 and "Velg en av vurderingene." in forged.get_data(as_text=True)
    assert ev.requirement_checks(bids[0]) == {}


def test_the_minimum_requirements_not_yet_assessed_are_set_at_once_without_touching_the_assessed(
    client, forms, login_as, db, opened
) -> None:
    s, bids = opened
    login_as(s.lead)
    assert (
        _post_many(client, forms, s, bids[0], ["R0001"], "not_met", "Ikke Noark 5-godkjent").status_code
        == 302
    )
    rest = client.post(
        f"/konkurranser/{s.id}/evaluering/tilbud/{bids[0].id}/minstekrav",
        data={
            "flere-unassessed": "y",
            "flere-status": "met",
            "flere-reason": "",
            "flere-csrf_token": forms.token("/"),
        },
    )
    assert rest.status_code == 302
    checks = ev.requirement_checks(bids[0])
    assert {k: c.status for k, c in checks.items()} == {
        "R0001": RequirementStatus.NOT_MET,
        "R0002": RequirementStatus.MET,
    }
    again = client.post(
        f"/konkurranser/{s.id}/evaluering/tilbud/{bids[0].id}/minstekrav",
        data={
            "flere-unassessed": "y",
            "flere-status": "met",
            "flere-reason": "",
            "flere-csrf_token": forms.token("/"),
        },
    )
    assert again.status_code == 422 and "Alle minstekravene er allerede vurdert" in again.get_data(
        as_text=True
    )
