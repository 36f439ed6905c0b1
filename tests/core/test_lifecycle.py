"""The tender's stage and its missing steps, derived from facts (tender.core.lifecycle)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from tender.core.lifecycle import (
    EVALUATOR,
    LEAD,
    NOT_YET,
    OBSERVER,
    SIGNER,
    VENDOR,
    Facts,
    Stage,
    stage_of,
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


def test_the_award_stages_come_after_consensus_and_are_never_reached_yet() -> None:
    reached = {
        stage_of(f) for f in (DRAFT, APPROVALS, PUBLISHED, BIDDING, PASSED, OPENED, EVALUATION, CONSENSUS)
    }
    assert reached == set(Stage) - NOT_YET
    assert list(Stage)[-3:] == [Stage.AWARD, Stage.STANDSTILL, Stage.CONTRACT]


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
