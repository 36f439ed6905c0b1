"""The lead's prequalification setup through its operations: the settings with the procedure's rules for the
numbers of candidates, requirements, grounds and criteria, the standard sets, the freeze with its hash, and
every refusal (a Norwegian message, nothing changed)."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from tender.audit import AuditEvent
from tender.errors import DomainError
from tender.prequalification import setup_operations as ops
from tender.prequalification.models import (
    ExclusionGround,
    Prequalification,
    QualificationCategory,
    QualificationRequirement,
    SelectionCriterion,
)
from tender.prequalification.permissions import has_prequalification, setup_frozen
from tender.tenders.models import Procedure
from tests.prequalification_helpers import PQ_BID_DEADLINE, PQ_DEADLINE

NOW = PQ_DEADLINE - timedelta(days=10)
Q = QualificationCategory


def _snapshot(db, tender) -> tuple:
    """Everything the setup consists of, and the length of the trail: a refusal changes none of it."""

    def rows(model, *cols):
        return sorted(
            tuple(str(getattr(r, c)) for c in cols)
            for r in db.session.scalars(select(model).where(model.tender_id == tender.id))
        )

    return (
        rows(
            Prequalification,
            "enabled",
            "minimum_candidates",
            "maximum_candidates",
            "signers_approve_selection",
            "sample_demanded",
            "frozen_sha256",
        ),
        rows(
            QualificationRequirement, "id", "position", "category", "text", "documentation", "espd_criterion"
        ),
        rows(ExclusionGround, "id", "position", "mandatory", "text", "espd_criterion"),
        rows(SelectionCriterion, "id", "position", "name", "weight", "description", "descriptors"),
        db.session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.tender_id == tender.id)
        ),
    )


def refused(db, tender, call, *words: str) -> DomainError:
    """``call`` is refused with a message holding every one of ``words``, and nothing changed (the request's
    rollback is what the view does; the operation must not have written a thing either way)."""
    db.session.commit()
    before = _snapshot(db, tender)
    with pytest.raises(DomainError) as caught:
        call()
    messages = " ".join([caught.value.message, *(m for ms in caught.value.reasons.values() for m in ms)])
    for w in words:
        assert w in messages, messages
    db.session.flush()
    assert _snapshot(db, tender) == before
    db.session.rollback()
    assert _snapshot(db, tender) == before
    return caught.value


def _events(db, tender) -> list[str]:
    return list(
        db.session.scalars(
            select(AuditEvent.event_type).where(AuditEvent.tender_id == tender.id).order_by(AuditEvent.id)
        )
    )


def settings(enabled=True, minimum=3, maximum=4, approve=True, sample=False) -> ops.SettingsInput:
    return ops.SettingsInput(enabled, minimum, maximum, approve, sample)


@pytest.fixture
def tender(db, create_tender):
    return create_tender(participation_deadline=PQ_DEADLINE, bid_deadline=PQ_BID_DEADLINE)


@pytest.fixture
def lead(tender):
    return tender.memberships[0].user


@pytest.fixture
def ready(db, tender, lead):
    """A setup that can be frozen: settings, the standard requirements, the mandatory grounds, two
    criteria 60/40."""
    ops.save_settings(tender, settings(), now=NOW, actor=lead)
    ops.add_standard_requirements(tender, now=NOW, actor=lead)
    ops.add_mandatory_grounds(tender, now=NOW, actor=lead)
    ops.add_criterion(
        tender, ops.CriterionInput("Referanser", Decimal("60"), "", "10: mange"), now=NOW, actor=lead
    )
    ops.add_criterion(tender, ops.CriterionInput("Kompetanse", Decimal("40")), now=NOW, actor=lead)
    db.session.commit()
    return tender


# -- the settings ------------------------------------------------------------------------------------------
def test_a_tender_without_a_saved_setup_has_no_prequalification_whatever_its_procedure(
    db, tender, lead
) -> None:
    assert ops.setup_of(tender) is None
    assert ops.proposed_default(tender) is True  # competitive negotiation proposes one
    assert not has_prequalification(lead, tender)


def test_the_procedure_proposes_the_default_yes_for_restricted_and_negotiation_no_for_open(
    db, create_tender
) -> None:
    expected = {Procedure.OPEN: False, Procedure.RESTRICTED: True, Procedure.COMPETITIVE_NEGOTIATION: True}
    for procedure, proposed in expected.items():
        t = create_tender()
        t.procedure = procedure
        assert ops.proposed_default(t) is proposed, procedure


def test_saving_the_settings_makes_the_setup_and_records_it(db, tender, lead) -> None:
    setup = ops.save_settings(tender, settings(minimum=3, maximum=5, sample=True), now=NOW, actor=lead)
    db.session.commit()
    assert (setup.enabled, setup.minimum_candidates, setup.maximum_candidates) == (True, 3, 5)
    assert setup.sample_demanded and setup.signers_approve_selection
    assert has_prequalification(lead, tender)
    ops.save_settings(tender, settings(minimum=4, maximum=None), now=NOW, actor=lead)
    db.session.commit()
    assert setup.maximum_candidates is None
    assert _events(db, tender)[-2:] == ["prequalification.created", "prequalification.changed"]
    event = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert json.loads(event.payload_json)["minimum_candidates"] == {"before": 3, "after": 4}


def test_a_minimum_below_three_is_refused_in_a_competitive_negotiation_with_the_reason(
    db, tender, lead
) -> None:
    error = refused(
        db,
        tender,
        lambda: ops.save_settings(tender, settings(minimum=2), now=NOW, actor=lead),
        "Minste antall kandidater er 2, men i konkurranse med forhandling må det være minst 3 (FOA § 16-12).",
    )
    assert "minimum_candidates" in error.reasons


def test_a_minimum_below_five_is_refused_in_a_restricted_procedure(db, tender, lead) -> None:
    tender.procedure = Procedure.RESTRICTED
    db.session.commit()
    refused(
        db,
        tender,
        lambda: ops.save_settings(tender, settings(minimum=4, maximum=6), now=NOW, actor=lead),
        "Minste antall kandidater er 4, men i begrenset anbudskonkurranse må det være minst 5 (FOA § 16-12).",
    )
    ops.save_settings(tender, settings(minimum=5, maximum=6), now=NOW, actor=lead)


def test_a_maximum_below_the_minimum_and_a_missing_minimum_are_refused(db, tender, lead) -> None:
    error = refused(
        db,
        tender,
        lambda: ops.save_settings(tender, settings(minimum=5, maximum=4), now=NOW, actor=lead),
        "Største antall kandidater (4) er lavere enn minste antall (5).",
    )
    assert "maximum_candidates" in error.reasons
    refused(
        db,
        tender,
        lambda: ops.save_settings(tender, settings(minimum=None), now=NOW, actor=lead),
        "Minste antall kandidater må oppgis.",
    )


def test_without_a_prequalification_the_numbers_are_not_held_to_the_procedure(db, tender, lead) -> None:
    setup = ops.save_settings(
        tender, settings(enabled=False, minimum=None, maximum=None), now=NOW, actor=lead
    )
    assert not setup.enabled and setup.minimum_candidates == 3
    assert not has_prequalification(lead, tender)
    refused(
        db,
        tender,
        lambda: ops.add_requirement(tender, ops.RequirementInput(Q.TAX, "Skatt"), now=NOW, actor=lead),
        "Konkurransen har ikke prekvalifisering",
    )


# -- requirements, grounds, criteria -----------------------------------------------------------------------
def test_requirements_need_a_saved_setup_first(db, tender, lead) -> None:
    refused(
        db,
        tender,
        lambda: ops.add_requirement(tender, ops.RequirementInput(Q.TAX, "Skatt"), now=NOW, actor=lead),
        "Lagre først",
    )


def test_requirements_are_added_changed_moved_within_their_group_and_deleted(db, tender, lead) -> None:
    ops.save_settings(tender, settings(), now=NOW, actor=lead)
    a = ops.add_requirement(tender, ops.RequirementInput(Q.TECHNICAL, "A", "Doc A"), now=NOW, actor=lead)
    b = ops.add_requirement(
        tender,
        ops.RequirementInput(
            Q.TECHNICAL, "B", "", "CRITERION.SELECTION.TECHNICAL_PROFESSIONAL_ABILITY.REFERENCES.SUPPLIES"
        ),
        now=NOW,
        actor=lead,
    )
    c = ops.add_requirement(tender, ops.RequirementInput(Q.REGISTRATION, "C"), now=NOW, actor=lead)
    assert [r.text for r in ops.requirements_of(tender)] == ["C", "A", "B"]
    ops.move(tender, b, -1, now=NOW, actor=lead)
    assert [r.text for r in ops.requirements_of(tender)] == ["C", "B", "A"]
    refused(db, tender, lambda: ops.move(tender, c, -1, now=NOW, actor=lead), "Står allerede først")
    ops.update_requirement(
        tender,
        a,
        ops.RequirementInput(Q.REGISTRATION, " A2 ", "Firmaattest", "EGEN.KODE"),
        now=NOW,
        actor=lead,
    )
    assert (a.category, a.text, a.documentation, a.espd_criterion) == (
        Q.REGISTRATION,
        "A2",
        "Firmaattest",
        "EGEN.KODE",
    )
    assert [r.text for r in ops.requirements_of(tender)] == ["C", "A2", "B"]
    ops.delete_requirement(tender, c, now=NOW, actor=lead)
    db.session.commit()
    assert [r.text for r in ops.requirements_of(tender)] == ["A2", "B"]
    assert _events(db, tender)[-6:] == [
        "prequalification.requirement_added",
        "prequalification.requirement_added",
        "prequalification.requirement_added",
        "prequalification.requirement_moved",
        "prequalification.requirement_changed",
        "prequalification.requirement_deleted",
    ]


def test_a_requirement_without_text_or_with_a_code_that_is_not_one_is_refused(db, tender, lead) -> None:
    ops.save_settings(tender, settings(), now=NOW, actor=lead)
    db.session.commit()
    refused(
        db,
        tender,
        lambda: ops.add_requirement(tender, ops.RequirementInput(Q.TAX, "  "), now=NOW, actor=lead),
        "Skriv kravet",
    )
    refused(
        db,
        tender,
        lambda: ops.add_requirement(
            tender, ops.RequirementInput(Q.TAX, "Skatt", "", "to ord"), now=NOW, actor=lead
        ),
        "én kode uten mellomrom",
    )


def test_the_standard_requirements_fill_an_empty_list_only(db, tender, lead) -> None:
    ops.save_settings(tender, settings(), now=NOW, actor=lead)
    assert ops.add_standard_requirements(tender, now=NOW, actor=lead) == 6
    db.session.commit()
    texts = " ".join(f"{r.text} {r.documentation}" for r in ops.requirements_of(tender))
    for word in ("Firmaattest", "Skatteattest", "Årsregnskap", "Noark 5", "Arkivverket", "uttrekk"):
        assert word in texts
    assert {r.category for r in ops.requirements_of(tender)} == set(Q)
    refused(
        db, tender, lambda: ops.add_standard_requirements(tender, now=NOW, actor=lead), "når listen", "er tom"
    )


def test_the_mandatory_grounds_come_with_their_espd_criteria_and_only_the_missing_ones_are_added(
    db, tender, lead
) -> None:
    ops.save_settings(tender, settings(), now=NOW, actor=lead)
    ops.add_ground(
        tender,
        ops.GroundInput(True, "Korrupsjon", "CRITERION.EXCLUSION.CONVICTIONS.CORRUPTION"),
        now=NOW,
        actor=lead,
    )
    assert ops.add_mandatory_grounds(tender, now=NOW, actor=lead) == 7
    grounds = ops.grounds_of(tender)
    codes = [g.espd_criterion for g in grounds]
    assert len(codes) == len(set(codes)) == 8
    assert all(g.mandatory for g in grounds)
    assert "CRITERION.EXCLUSION.CONTRIBUTIONS.PAYMENT_OF_SOCIAL_SECURITY" in codes
    db.session.commit()
    refused(db, tender, lambda: ops.add_mandatory_grounds(tender, now=NOW, actor=lead), "allerede i listen")
    optional = ops.add_ground(tender, ops.OPTIONAL_GROUNDS[0], now=NOW, actor=lead)
    assert not optional.mandatory and optional.espd_criterion == "CRITERION.EXCLUSION.BUSINESS.BANKRUPTCY"
    ops.update_ground(
        tender, optional, ops.GroundInput(False, "Konkurs eller akkord", None), now=NOW, actor=lead
    )
    assert optional.espd_criterion is None
    ops.move(tender, optional, -1, now=NOW, actor=lead)
    assert ops.grounds_of(tender)[-2] is optional
    ops.delete_ground(tender, optional, now=NOW, actor=lead)
    refused(
        db, tender, lambda: ops.add_ground(tender, ops.GroundInput(False, ""), now=NOW, actor=lead), "Beskriv"
    )


def test_criteria_weights_are_checked_and_the_sum_is_worded_when_it_is_not_100(db, tender, lead) -> None:
    ops.save_settings(tender, settings(), now=NOW, actor=lead)
    assert ops.weight_sum_message(tender) is None
    a = ops.add_criterion(tender, ops.CriterionInput("Referanser", Decimal("37.5")), now=NOW, actor=lead)
    assert ops.weight_sum_message(tender) == (
        "Vektene på utvelgelseskriteriene summerer seg til 37,5 %, ikke 100 % (Referanser 37,5 %)."
    )
    ops.add_criterion(tender, ops.CriterionInput("Kompetanse", Decimal("62.5")), now=NOW, actor=lead)
    assert ops.weight_sum(tender) == 100 and ops.weight_sum_message(tender) is None
    db.session.commit()
    refused(
        db,
        tender,
        lambda: ops.update_criterion(
            tender, a, ops.CriterionInput("Referanser", Decimal("-1")), now=NOW, actor=lead
        ),
        "negativ",
    )
    refused(
        db,
        tender,
        lambda: ops.add_criterion(tender, ops.CriterionInput("X", Decimal("101")), now=NOW, actor=lead),
        "over 100",
    )
    refused(
        db,
        tender,
        lambda: ops.add_criterion(tender, ops.CriterionInput("X", Decimal("1.00001")), now=NOW, actor=lead),
        "fire desimaler",
    )
    refused(
        db,
        tender,
        lambda: ops.add_criterion(tender, ops.CriterionInput(" ", Decimal("1")), now=NOW, actor=lead),
        "navn",
    )


# -- the freeze --------------------------------------------------------------------------------------------
def test_freezing_writes_the_canonical_json_its_hash_and_the_audit_event(db, ready, lead) -> None:
    setup = ops.freeze(ready, now=NOW, actor=lead)
    db.session.commit()
    assert setup.frozen_at == NOW and setup.frozen_by_id == lead.id
    assert setup.frozen_sha256 == hashlib.sha256(setup.frozen_json.encode()).hexdigest()
    form = json.loads(setup.frozen_json)
    assert form["kind"] == "prequalification_setup" and form["deadline"] == "2026-11-20T12:00:00Z"
    assert [c["weight"] for c in form["criteria"]] == ["60", "40"]
    assert form["criteria"][0]["descriptors"] == "10: mange"
    assert (form["minimum"], form["maximum"], form["sample_demanded"]) == (3, 4, False)
    assert len(form["requirements"]) == 6 and len(form["exclusion_grounds"]) == 8
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.event_type == "prequalification.frozen")
    ).one()
    assert json.loads(event.payload_json)["sha256"] == setup.frozen_sha256
    assert setup_frozen(lead, ready)


def test_the_hash_is_the_same_for_the_same_setup_and_changes_with_any_announced_word(db, ready, lead) -> None:
    setup = ops.setup_of(ready)
    first = ops.canonical_form(ready, setup)
    assert ops.canonical_form(ready, setup) == first
    criterion = ops.criteria_of(ready)[0]
    criterion.descriptors = "10: svært mange"
    assert ops.canonical_form(ready, setup) != first


def test_after_the_freeze_every_change_is_refused_with_the_reason(db, ready, lead) -> None:
    ops.freeze(ready, now=NOW, actor=lead)
    db.session.commit()
    r = ops.requirements_of(ready)[0]
    g = ops.grounds_of(ready)[0]
    c = ops.criteria_of(ready)[0]
    calls = [
        lambda: ops.save_settings(ready, settings(minimum=4), now=NOW, actor=lead),
        lambda: ops.add_requirement(ready, ops.RequirementInput(Q.TAX, "Ny"), now=NOW, actor=lead),
        lambda: ops.update_requirement(ready, r, ops.RequirementInput(Q.TAX, "Ny"), now=NOW, actor=lead),
        lambda: ops.delete_requirement(ready, r, now=NOW, actor=lead),
        lambda: ops.move(ready, r, 1, now=NOW, actor=lead),
        lambda: ops.add_ground(ready, ops.GroundInput(False, "Ny"), now=NOW, actor=lead),
        lambda: ops.update_ground(ready, g, ops.GroundInput(False, "Ny"), now=NOW, actor=lead),
        lambda: ops.delete_ground(ready, g, now=NOW, actor=lead),
        lambda: ops.add_criterion(ready, ops.CriterionInput("Ny", Decimal(1)), now=NOW, actor=lead),
        lambda: ops.update_criterion(ready, c, ops.CriterionInput("Ny", Decimal(60)), now=NOW, actor=lead),
        lambda: ops.delete_criterion(ready, c, now=NOW, actor=lead),
        lambda: ops.move(ready, c, 1, now=NOW, actor=lead),
        lambda: ops.add_standard_requirements(ready, now=NOW, actor=lead),
        lambda: ops.add_mandatory_grounds(ready, now=NOW, actor=lead),
    ]
    for call in calls:
        refused(db, ready, call, "Oppsettet er fryst", "kan ikke endres")
    refused(db, ready, lambda: ops.freeze(ready, now=NOW, actor=lead), "allerede fryst")


def test_each_missing_piece_stops_the_freeze_with_its_own_message(db, ready, lead) -> None:
    ops.add_criterion(ready, ops.CriterionInput("Pris", Decimal("10")), now=NOW, actor=lead)
    db.session.commit()
    refused(
        db,
        ready,
        lambda: ops.freeze(ready, now=NOW, actor=lead),
        "summerer seg til 110 %, ikke 100 % (Referanser 60 % + Kompetanse 40 % + Pris 10 %)",
    )
    ops.delete_criterion(ready, ops.criteria_of(ready)[-1], now=NOW, actor=lead)
    for r in ops.requirements_of(ready):
        ops.delete_requirement(ready, r, now=NOW, actor=lead)
    db.session.commit()
    refused(db, ready, lambda: ops.freeze(ready, now=NOW, actor=lead), "minst ett kvalifikasjonskrav")
    ops.add_standard_requirements(ready, now=NOW, actor=lead)
    for c in ops.criteria_of(ready):
        ops.delete_criterion(ready, c, now=NOW, actor=lead)
    db.session.commit()
    refused(db, ready, lambda: ops.freeze(ready, now=NOW, actor=lead), "minst ett utvelgelseskriterium")


def test_a_setup_whose_minimum_breaks_the_procedure_cannot_be_frozen(db, ready, lead) -> None:
    # stored while the tender was a competitive negotiation (3 allowed); a restricted procedure needs 5
    ready.procedure = Procedure.RESTRICTED
    db.session.commit()
    refused(
        db,
        ready,
        lambda: ops.freeze(ready, now=NOW, actor=lead),
        "i begrenset anbudskonkurranse må det være minst 5",
    )


def test_without_a_participation_deadline_the_setup_cannot_be_frozen(db, ready, lead) -> None:
    ready.participation_deadline = None
    db.session.commit()
    refused(
        db,
        ready,
        lambda: ops.freeze(ready, now=NOW, actor=lead),
        "Fristen for forespørsel om å delta er ikke satt",
        "Rediger konkurransen",
    )


def test_the_setup_can_be_frozen_one_second_before_the_deadline_and_not_at_it(db, ready, lead) -> None:
    assert ops.freeze_problems(ready, PQ_DEADLINE - timedelta(seconds=1)) == []
    refused(db, ready, lambda: ops.freeze(ready, now=PQ_DEADLINE, actor=lead), "bare fryses før fristen")
    ops.freeze(ready, now=PQ_DEADLINE - timedelta(seconds=1), actor=lead)


def test_after_the_participation_deadline_the_setup_cannot_be_changed(db, ready, lead) -> None:
    refused(
        db,
        ready,
        lambda: ops.add_criterion(ready, ops.CriterionInput("Ny", Decimal(1)), now=PQ_DEADLINE, actor=lead),
        "Fristen for forespørsel om å delta er passert",
    )
    refused(
        db,
        ready,
        lambda: ops.save_settings(ready, settings(), now=PQ_DEADLINE, actor=lead),
        "Fristen for forespørsel om å delta er passert",
    )


def test_a_tender_without_a_participation_deadline_is_closed_for_a_new_setup_once_the_bid_deadline_passed(
    db, create_tender
) -> None:
    t = create_tender(bid_deadline=PQ_BID_DEADLINE)
    lead = t.memberships[0].user
    refused(
        db,
        t,
        lambda: ops.save_settings(t, settings(), now=PQ_BID_DEADLINE, actor=lead),
        "Tilbudsfristen er passert",
    )


# -- the announcement --------------------------------------------------------------------------------------
def test_the_announcement_shows_nothing_before_the_freeze_and_the_frozen_setup_after(db, ready, lead) -> None:
    assert ops.announced_setup(ready) is None
    ops.freeze(ready, now=NOW, actor=lead)
    # a change written behind the operations' back does not reach the announcement: it reads the frozen JSON
    ops.criteria_of(ready)[0].name = "Endret etterpå"
    db.session.commit()
    shown = ops.announced_setup(ready)
    assert shown is not None
    assert shown.sha256 == ops.setup_of(ready).frozen_sha256
    assert [c["name"] for c in shown.criteria] == ["Referanser", "Kompetanse"]
    assert [c["weight"] for c in shown.criteria] == [Decimal(60), Decimal(40)]
    assert [label for label, _ in shown.groups] == [c.label for c in Q]
    assert shown.grounds[0]["espd_label"] == "Deltakelse i en kriminell organisasjon"
    assert (shown.minimum, shown.maximum, shown.deadline) == (3, 4, PQ_DEADLINE)
