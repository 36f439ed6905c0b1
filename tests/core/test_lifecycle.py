"""The tender's stage and its missing steps, derived from facts (tender.core.lifecycle)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from tender.core.lifecycle import (
    EVALUATOR,
    LEAD,
    NOT_YET,
    OBSERVER,
    ORDER,
    PREQUALIFICATION_STAGES,
    SIGNER,
    VENDOR,
    Facts,
    Stage,
    stage_of,
    stage_order,
    standing,
    steps_for,
)

NOW = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)
KOMMUNER = ("Skien", "Porsgrunn", "Siljan")
DRAFT = Facts(now=NOW, municipalities=KOMMUNER, evaluators=("Evaluator 1", "Evaluator 2"))
APPROVALS = replace(DRAFT, latest_version=3, approved=("Skien", "Porsgrunn"))
PUBLISHED = replace(APPROVALS, approved=KOMMUNER, published=True, model_locked=True)
BIDDING = replace(PUBLISHED, bid_deadline=NOW + timedelta(days=1))
PASSED = replace(PUBLISHED, bid_deadline=NOW - timedelta(minutes=1))
OPENED = replace(PASSED, opened=True)
EVALUATION = replace(OPENED, evaluation_started=True, scores_missing=(("Evaluator 1", 0), ("Evaluator 2", 4)))
CONSENSUS = replace(EVALUATION, consensus_open=True, consensus_missing=6)
# the award (issue 14): Siljan is an option municipality here, so it does not sign off
BOUND = ("Skien", "Porsgrunn")
DRAFTED = replace(CONSENSUS, consensus_missing=0, recommendation=True, award_municipalities=BOUND)
SIGNING = replace(DRAFTED, recommendation_frozen=True, award_approved=("Skien",))
APPROVED = replace(SIGNING, award_approved=BOUND)
STANDSTILL = replace(APPROVED, notices_issued=True, standstill_ends_at=NOW + timedelta(days=3))
STANDSTILL_OVER = replace(STANDSTILL, standstill_ends_at=NOW - timedelta(seconds=1))
SIGNED = replace(STANDSTILL_OVER, contract_signed=True)


def texts(facts: Facts) -> list[str]:
    return [s.text for s in standing(facts).steps]


def test_a_tender_without_a_frozen_version_is_in_specification() -> None:
    assert stage_of(DRAFT) is Stage.SPECIFICATION
    assert "Kravspesifikasjonen er ikke frosset som en versjon til godkjenning ennå." in texts(DRAFT)


def test_a_tender_without_municipalities_says_so() -> None:
    assert "Ingen kommuner er lagt til i konkurransen." in texts(replace(DRAFT, municipalities=()))


def test_a_frozen_version_not_yet_published_is_in_approvals_and_names_who_has_not_approved() -> None:
    assert stage_of(APPROVALS) is Stage.APPROVALS
    found = texts(APPROVALS)
    assert "Siljan har ikke godkjent versjon 3." in found
    assert not any(t.startswith("Skien") for t in found)
    assert "Evalueringsmodellen er ikke låst." in found
    assert "Tilbudsfristen er ikke satt." in found


def test_a_rejection_asks_for_a_new_version() -> None:
    found = texts(replace(APPROVALS, rejected=("Siljan",)))
    assert "Siljan har avvist versjon 3; en ny versjon må fryses." in found
    assert "Siljan har ikke godkjent versjon 3." not in found


def test_when_every_municipality_approved_the_version_can_be_published() -> None:
    found = texts(replace(APPROVALS, approved=KOMMUNER))
    assert "Alle kommunene har godkjent versjon 3; den kan kunngjøres." in found


def test_published_without_a_bid_deadline_is_published_and_asks_for_the_deadline() -> None:
    assert stage_of(PUBLISHED) is Stage.PUBLISHED
    assert "Tilbudsfristen er ikke satt." in texts(PUBLISHED)


def test_published_with_the_deadline_ahead_is_bidding() -> None:
    assert stage_of(BIDDING) is Stage.BIDDING
    assert "Evalueringsmodellen er ikke låst." in texts(replace(BIDDING, model_locked=False))
    assert "Evalueringsmodellen er ikke låst." not in texts(BIDDING)


def test_the_deadline_passing_moves_the_stage_without_anyone_acting() -> None:
    assert stage_of(replace(BIDDING, now=NOW + timedelta(days=1))) is Stage.DEADLINE_PASSED


def test_after_the_deadline_the_steps_count_the_confirmations_still_needed_to_open() -> None:
    assert stage_of(PASSED) is Stage.DEADLINE_PASSED
    assert "To bekreftelser til trengs for å åpne tilbudene." in texts(PASSED)
    one = texts(replace(PASSED, confirmed_by=("Kari Leder",)))
    assert "Én bekreftelse til trengs for å åpne tilbudene (bekreftet av Kari Leder)." in one


def test_opened_bids_without_any_score_are_opened() -> None:
    assert stage_of(OPENED) is Stage.OPENED


def test_a_first_score_or_check_starts_the_evaluation_and_the_steps_name_who_has_scores_missing() -> None:
    assert stage_of(EVALUATION) is Stage.EVALUATION
    found = texts(EVALUATION)
    assert "Evaluator 2 har ikke gitt poeng på 4 kriterier." in found
    assert not any(t.startswith("Evaluator 1") for t in found)
    assert "Konsensusfasen er ikke åpnet." in found
    assert "Evaluator 2 har ikke gitt poeng på 1 kriterium." in texts(
        replace(EVALUATION, scores_missing=(("Evaluator 2", 1),))
    )


def test_an_open_consensus_is_consensus_and_counts_the_missing_consensus_scores() -> None:
    assert stage_of(CONSENSUS) is Stage.CONSENSUS
    assert "6 konsensuspoeng mangler." in texts(CONSENSUS)


def test_the_award_stages_come_after_consensus_and_every_stage_is_reached() -> None:
    # changed with issue 14: the award, the standstill and the contract are reached now (NOT_YET is empty)
    every = (DRAFT, APPROVALS, PUBLISHED, BIDDING, PASSED, OPENED, EVALUATION, CONSENSUS, DRAFTED)
    every += (STANDSTILL, SIGNED)
    # a prequalified tender's own stages (the facts are defined below with their tests)
    prequalified = (PQ_SETUP, PQ_REQUESTS, PQ_PASSED, PQ_OPENED, PQ_ASSESSMENT, PQ_SELECTION)
    reached = {stage_of(f) for f in every + prequalified}
    assert NOT_YET == frozenset()
    assert reached == set(Stage)
    assert list(Stage)[-3:] == [Stage.AWARD, Stage.STANDSTILL, Stage.CONTRACT]


def test_consensus_asks_for_the_recommendation_next() -> None:
    assert "Innstillingen til tildeling er ikke laget." in texts(CONSENSUS)
    assert all(s.actionable for s in standing(CONSENSUS).steps)


def test_a_recommendation_is_the_award_stage_and_a_draft_must_be_frozen() -> None:
    assert stage_of(DRAFTED) is Stage.AWARD
    assert texts(DRAFTED) == ["Innstillingen er ikke låst for godkjenning i kommunene."]


def test_in_the_award_each_bound_municipality_missing_is_a_step_for_its_own_signer() -> None:
    assert stage_of(SIGNING) is Stage.AWARD
    assert texts(SIGNING) == ["Porsgrunn har ikke godkjent innstillingen."]
    mine = steps_for(standing(SIGNING), frozenset({SIGNER}), municipalities=frozenset({"Porsgrunn"}))
    assert [s.text for s in mine] == ["Porsgrunn har ikke godkjent innstillingen."]
    # the option municipality is no step, and another signer sees nothing
    assert steps_for(standing(SIGNING), frozenset({SIGNER}), municipalities=frozenset({"Siljan"})) == ()
    rejected = replace(SIGNING, award_rejected=("Porsgrunn",))
    assert texts(rejected) == ["Porsgrunn har avvist innstillingen; en ny innstilling må lages."]


def test_every_approval_in_leaves_the_notices_as_the_lead_s_step() -> None:
    assert stage_of(APPROVED) is Stage.AWARD
    assert texts(APPROVED) == [
        "Alle kommunene har godkjent innstillingen; meddelelsene om tildeling kan sendes."
    ]


def test_the_notices_start_the_standstill_which_ends_at_its_moment() -> None:
    assert stage_of(STANDSTILL) is Stage.STANDSTILL
    assert texts(STANDSTILL) == [
        "Karensperioden er ikke over; kontrakten kan signeres først når den er over."
    ]
    at_end = replace(STANDSTILL, now=STANDSTILL.standstill_ends_at)
    assert stage_of(at_end) is Stage.CONTRACT


def test_after_the_standstill_the_contract_is_missing_until_it_is_recorded() -> None:
    assert stage_of(STANDSTILL_OVER) is Stage.CONTRACT
    assert texts(STANDSTILL_OVER) == ["Den signerte kontrakten er ikke registrert."]
    assert stage_of(SIGNED) is Stage.CONTRACT
    assert texts(SIGNED) == []


def test_a_signer_sees_only_their_own_municipalitys_approval() -> None:
    mine = steps_for(standing(APPROVALS), frozenset({SIGNER}), municipalities=frozenset({"Siljan"}))
    assert [s.text for s in mine] == ["Siljan har ikke godkjent versjon 3."]
    other = steps_for(standing(APPROVALS), frozenset({SIGNER}), municipalities=frozenset({"Skien"}))
    assert other == ()


def test_the_lead_sees_every_step_of_the_group() -> None:
    assert steps_for(standing(APPROVALS), frozenset({LEAD})) == standing(APPROVALS).steps


def test_an_evaluator_sees_only_their_own_missing_scores() -> None:
    two = steps_for(standing(EVALUATION), frozenset({EVALUATOR}), name="Evaluator 2")
    one = steps_for(standing(EVALUATION), frozenset({EVALUATOR}), name="Evaluator 1")
    assert [s.text for s in two] == ["Evaluator 2 har ikke gitt poeng på 4 kriterier."]
    assert one == ()


def test_observers_and_evaluators_are_told_they_may_confirm_the_opening() -> None:
    for role in (OBSERVER, EVALUATOR):
        assert [s.text for s in steps_for(standing(PASSED), frozenset({role}))] == [
            "To bekreftelser til trengs for å åpne tilbudene."
        ]


def test_a_vendor_sees_only_the_step_that_is_theirs() -> None:
    assert [s.text for s in steps_for(standing(BIDDING), frozenset({VENDOR}))] == [
        "Lever tilbudet før tilbudsfristen."
    ]
    assert steps_for(standing(PASSED), frozenset({VENDOR})) == ()


# -- the deadlines against each other ------------------------------------------------------------------------
from tender.core.lifecycle import deadline_problems  # noqa: E402

DAY = timedelta(days=1)


def test_deadlines_in_order_have_no_problem() -> None:
    assert deadline_problems(participation=NOW, questions=NOW + DAY, bid=NOW + 2 * DAY) == {}
    assert deadline_problems(participation=None, questions=None, bid=None) == {}
    assert deadline_problems(participation=None, questions=NOW, bid=None) == {}


def test_a_questions_deadline_after_the_bid_deadline_is_refused_at_the_questions_field() -> None:
    assert deadline_problems(participation=None, questions=NOW + DAY, bid=NOW) == {
        "questions_deadline": [
            "Fristen for spørsmål må ligge før tilbudsfristen, så leverandørene får svar før de leverer."
        ]
    }


def test_a_questions_deadline_at_the_same_moment_as_the_bid_deadline_is_refused() -> None:
    assert "questions_deadline" in deadline_problems(participation=None, questions=NOW, bid=NOW)


def test_a_participation_deadline_after_the_questions_deadline_is_refused() -> None:
    assert deadline_problems(participation=NOW + DAY, questions=NOW, bid=NOW + 2 * DAY) == {
        "participation_deadline": ["Fristen for forespørsel om å delta må ligge før fristen for spørsmål."]
    }


def test_a_participation_deadline_after_the_bid_deadline_is_refused() -> None:
    assert deadline_problems(participation=NOW + DAY, questions=None, bid=NOW) == {
        "participation_deadline": ["Fristen for forespørsel om å delta må ligge før tilbudsfristen."]
    }


# -- a tender with a prequalification: the vendors ask to take part, the group selects, then they bid --------
PQ_SETUP = replace(PUBLISHED, prequalification=True, bid_deadline=NOW + timedelta(days=30))
PQ_REQUESTS = replace(PQ_SETUP, pq_frozen=True, participation_deadline=NOW + timedelta(days=1))
PQ_PASSED = replace(PQ_REQUESTS, participation_deadline=NOW - timedelta(minutes=1))
PQ_OPENED = replace(PQ_PASSED, pq_opened=True, pq_assessments_missing=24, pq_consensus_missing=18)
PQ_ASSESSMENT = replace(
    PQ_OPENED, pq_assessment_started=True, pq_assessments_missing=3, pq_consensus_missing=2
)
PQ_SELECTION = replace(
    PQ_ASSESSMENT,
    pq_assessments_missing=0,
    pq_consensus_missing=0,
    selection_proposed=1,
    selection_asks_approval=True,
    selection_approved=("Skien", "Porsgrunn"),
)
PQ_FINAL = replace(PQ_SELECTION, selection_final=True, selection_approved=KOMMUNER)


def test_a_prequalified_tender_walks_through_the_prequalification_stages_before_the_bidding() -> None:
    assert stage_of(PQ_SETUP) is Stage.PQ_SETUP
    assert stage_of(PQ_REQUESTS) is Stage.PQ_REQUESTS
    assert stage_of(PQ_PASSED) is Stage.PQ_DEADLINE_PASSED
    assert stage_of(PQ_OPENED) is Stage.PQ_OPENED
    assert stage_of(PQ_ASSESSMENT) is Stage.PQ_ASSESSMENT
    assert stage_of(PQ_SELECTION) is Stage.PQ_SELECTION
    assert stage_of(PQ_FINAL) is Stage.BIDDING


def test_the_prequalification_stages_come_first_in_the_order_and_only_for_a_prequalified_tender() -> None:
    order = stage_order(prequalified=True)
    assert order[:6] == (
        Stage.PQ_SETUP,
        Stage.PQ_REQUESTS,
        Stage.PQ_DEADLINE_PASSED,
        Stage.PQ_OPENED,
        Stage.PQ_ASSESSMENT,
        Stage.PQ_SELECTION,
    )
    assert order.index(Stage.PQ_SELECTION) < order.index(Stage.SPECIFICATION) < order.index(Stage.BIDDING)
    assert not set(stage_order(prequalified=False)) & PREQUALIFICATION_STAGES
    assert stage_order(prequalified=False) == tuple(s for s in ORDER if s not in PREQUALIFICATION_STAGES)


def test_the_setup_stage_asks_the_lead_to_freeze_the_setup_and_set_the_request_deadline() -> None:
    found = standing(PQ_SETUP).steps
    assert [s.text for s in found] == [
        "Prekvalifiseringen er ikke fryst og kunngjort.",
        "Fristen for forespørsler om å delta er ikke satt.",
    ]
    assert all(s.roles == {LEAD} for s in found)


def test_before_the_request_deadline_the_requests_are_sealed_and_the_vendors_asked_to_send_theirs() -> None:
    found = standing(PQ_REQUESTS).steps
    assert [s.text for s in found] == [
        "Forespørslene er forseglet til fristen; deretter kan de åpnes.",
        "Send forespørselen om å delta før fristen.",
    ]
    assert found[1].roles == {VENDOR}


def test_after_the_request_deadline_the_steps_count_the_confirmations_still_needed_to_open() -> None:
    assert texts(PQ_PASSED) == ["To bekreftelser til trengs for å åpne forespørslene."]
    one = replace(PQ_PASSED, pq_confirmed_by=("Lena Leder",))
    assert texts(one) == ["Én bekreftelse til trengs for å åpne forespørslene (bekreftet av Lena Leder)."]


def test_before_the_opening_the_facts_hold_no_count_of_requests_so_no_step_tells_one() -> None:
    for facts in (PQ_SETUP, PQ_REQUESTS, PQ_PASSED):
        sealed = replace(facts, pq_assessments_missing=5, pq_consensus_missing=7)
        assert texts(sealed) == texts(facts)


def test_the_assessment_counts_what_is_missing_and_names_who_acts() -> None:
    found = standing(PQ_ASSESSMENT).steps
    assert [s.text for s in found] == [
        "3 vurderinger av kvalifikasjonskrav mangler.",
        "2 konsensuspoeng på utvelgelseskriteriene mangler.",
        "Utvalget er ikke foreslått.",
    ]
    assert found[0].roles == {LEAD, EVALUATOR}
    assert found[2].roles == {LEAD}


def test_a_proposed_selection_names_each_municipality_that_has_not_approved_it() -> None:
    found = standing(PQ_SELECTION).steps
    assert [s.text for s in found] == ["Siljan har ikke godkjent utvalget."]
    assert found[0].roles == {LEAD, SIGNER} and found[0].municipality == "Siljan"
    assert steps_for(standing(PQ_SELECTION), frozenset({SIGNER}), municipalities=frozenset({"Skien"})) == ()


def test_a_rejected_selection_asks_the_lead_to_withdraw_it_and_propose_anew() -> None:
    found = texts(replace(PQ_SELECTION, selection_rejected=("Siljan",)))
    assert found == [
        "Siljan har avvist utvalget; prosjektleder må trekke forslaget tilbake og foreslå på nytt."
    ]


def test_after_the_final_selection_the_invited_bid_as_in_any_tender() -> None:
    assert "Lever tilbudet før tilbudsfristen." in texts(PQ_FINAL)


def test_a_tender_without_a_prequalification_is_unchanged_by_its_facts() -> None:
    assert stage_of(replace(BIDDING, pq_frozen=True, participation_deadline=NOW)) is Stage.BIDDING
