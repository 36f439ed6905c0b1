"""The tender's lifecycle on one page (issue 11 point 3): the derived stage, what is missing and who must act,
as each role sees it, sealing kept; and the deadlines checked against each other."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from tender.core.lifecycle import Stage
from tender.errors import DomainError
from tender.tenders.models import Role, Tender

UTC = UTC


def _text(html: str) -> str:
    """The page's visible words, one space between them."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _deadlines(tender, **changes) -> dict:
    data = {
        "title": tender.title,
        "case_reference": tender.case_reference,
        "participation_deadline": "",
        "questions_deadline": "",
        "bid_deadline": "",
    }
    data.update(changes)
    return data


# -- the deadlines against each other ------------------------------------------------------------------------
def test_update_tender_refuses_a_questions_deadline_after_the_bid_deadline_and_changes_nothing(
    db, create_tender
) -> None:
    from tender.tenders import operations

    tender = create_tender()
    lead = tender.memberships[0].user
    with pytest.raises(DomainError) as refused:
        operations.update_tender(
            tender,
            title="Ny tittel",
            case_reference="2026/0001",
            participation_deadline=None,
            questions_deadline=datetime(2099, 3, 2, tzinfo=UTC),
            bid_deadline=datetime(2099, 3, 1, tzinfo=UTC),
            now=datetime(2026, 12, 3, tzinfo=UTC),
            actor=lead,
        )
    assert list(refused.value.reasons) == ["questions_deadline"]
    assert "Fristen for spørsmål må ligge før tilbudsfristen" in refused.value.message
    db.session.rollback()
    assert tender.title == "Felles sak-/arkivsystem" and tender.bid_deadline is None


def test_update_tender_refuses_a_participation_deadline_after_the_questions_and_bid_deadlines(
    db, create_tender
) -> None:
    from tender.tenders import operations

    tender = create_tender()
    with pytest.raises(DomainError) as refused:
        operations.update_tender(
            tender,
            title=tender.title,
            case_reference="2026/0001",
            participation_deadline=datetime(2099, 4, 1, tzinfo=UTC),
            questions_deadline=datetime(2099, 2, 1, tzinfo=UTC),
            bid_deadline=datetime(2099, 3, 1, tzinfo=UTC),
            now=datetime(2026, 12, 3, tzinfo=UTC),
            actor=tender.memberships[0].user,
        )
    assert refused.value.reasons == {
        "participation_deadline": [
            "Fristen for forespørsel om å delta må ligge før fristen for spørsmål.",
            "Fristen for forespørsel om å delta må ligge før tilbudsfristen.",
        ]
    }


def test_update_tender_accepts_deadlines_in_order_and_audits_them(db, create_tender) -> None:
    from tender.audit import AuditEvent
    from tender.tenders import operations

    tender = create_tender()
    operations.update_tender(
        tender,
        title=tender.title,
        case_reference="2026/0001",
        participation_deadline=datetime(2099, 1, 1, tzinfo=UTC),
        questions_deadline=datetime(2099, 2, 1, tzinfo=UTC),
        bid_deadline=datetime(2099, 3, 1, tzinfo=UTC),
        now=datetime(2026, 12, 3, tzinfo=UTC),
        actor=tender.memberships[0].user,
    )
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.event_type == "tender.changed"))
    assert event.payload["questions_deadline"]["after"] == "2099-02-01T00:00:00+00:00"


def test_create_tender_refuses_deadlines_in_the_wrong_order(db, create_user) -> None:
    from tender.tenders import operations
    from tender.tenders.models import Procedure

    with pytest.raises(DomainError) as refused:
        operations.create_tender(
            title="T",
            case_reference="1",
            procedure=Procedure.OPEN,
            lead=create_user(),
            questions_deadline=datetime(2099, 3, 1, tzinfo=UTC),
            bid_deadline=datetime(2099, 3, 1, tzinfo=UTC),
        )
    assert list(refused.value.reasons) == ["questions_deadline"]
    db.session.rollback()
    assert db.session.scalar(select(Tender)) is None


def test_the_edit_form_shows_the_order_message_at_the_questions_field_and_saves_nothing(
    client, db, forms, login_as, create_tender
) -> None:
    tender = create_tender()
    login_as(tender.memberships[0].user)
    response = forms.post(
        f"/konkurranser/{tender.id}/rediger",
        _deadlines(tender, questions_deadline="2099-06-20T12:00", bid_deadline="2099-06-15T12:00"),
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    field = html[html.index('id="questions_deadline"') - 600 : html.index('id="questions_deadline"') + 600]
    assert "Fristen for spørsmål må ligge før tilbudsfristen" in field
    db.session.expire_all()
    assert tender.questions_deadline is None and tender.bid_deadline is None


# -- the overview as each role, in a fresh database built by the demo ----------------------------------------
def _demo(runner, stage: str) -> Tender:
    from tender.demo import DEMO_CASE_REFERENCE

    result = runner.invoke(args=["demo", "--stage", stage])
    assert result.exit_code == 0, result.output
    from tender.extensions import db

    return db.session.scalar(select(Tender).where(Tender.case_reference == DEMO_CASE_REFERENCE))


def _as(client, login_as, tender: Tender, role: Role, index: int = 0) -> str:
    from tender.demo import DEMO_PASSWORD

    user = [m.user for m in tender.memberships if m.role is role][index]
    login_as(user, password=DEMO_PASSWORD)
    return _text(client.get(f"/konkurranser/{tender.id}").get_data(as_text=True))


def test_the_demo_draft_shows_the_specification_stage_and_who_must_freeze_it(
    runner, client, login_as
) -> None:
    tender = _demo(runner, "spec")
    page = _as(client, login_as, tender, Role.LEAD)
    assert "Kravspesifikasjon – her står den nå" in page
    assert "Kravspesifikasjonen er ikke frosset som en versjon til godkjenning ennå." in page
    assert "Må gjøres av: Anne Lie, Kari Nilsen, Ola Berg, Per Hansen." in page
    # changed with issue 14: the award stages exist now, ahead of the tender like every later stage
    assert "Tildeling – ikke ennå" in page and "Kontrakt – ikke ennå" in page
    assert "ikke i løsningen ennå" not in page


def test_a_frozen_version_names_the_municipalities_that_have_not_approved_it_to_the_lead_and_their_signers(
    runner, db, client, login_as
) -> None:
    from tender.requirements import operations as spec_ops
    from tender.tenders.models import Municipality

    tender = _demo(runner, "spec")
    lead = tender.memberships[0].user
    version = spec_ops.freeze_version(tender, actor=lead)
    skien = db.session.scalar(select(Municipality).where(Municipality.kommunenummer == "4003"))
    signer = next(
        m.user for m in tender.memberships if m.role is Role.SIGNER and m.municipality_id == skien.id
    )
    spec_ops.decide(
        tender, version, skien, approve=True, comment="", content_hash=version.content_hash, signer=signer
    )
    db.session.commit()
    lead_page = _as(client, login_as, tender, Role.LEAD)
    assert "Godkjenning i kommunene – her står den nå" in lead_page
    assert "Siljan har ikke godkjent versjon 1. Må gjøres av: Eva Lund." in lead_page
    assert "Skien har ikke godkjent" not in lead_page
    assert "Evalueringsmodellen er ikke låst." in lead_page
    siljan = _text(_login_page(client, login_as, tender, "leder@siljan.kommune.no"))
    assert "Siljan har ikke godkjent versjon 1." in siljan
    assert "Bamble har ikke godkjent" not in siljan and "Evalueringsmodellen" not in siljan


def _login_page(client, login_as, tender: Tender, email: str) -> str:
    from tender.demo import DEMO_PASSWORD

    user = next(m.user for m in tender.memberships if m.user.email == email)
    login_as(user, password=DEMO_PASSWORD)
    return client.get(f"/konkurranser/{tender.id}").get_data(as_text=True)


def test_the_published_demo_is_bidding_for_the_group_and_the_vendor_is_told_to_deliver(
    runner, client, login_as
) -> None:
    tender = _demo(runner, "published")
    lead = _as(client, login_as, tender, Role.LEAD)
    assert "Tilbudsfase – her står den nå" in lead and "Kravspesifikasjon – ferdig" in lead
    assert "Tilbudene er forseglet til tilbudsfristen; deretter kan de åpnes." in lead
    assert "Evalueringsmodellen er ikke låst." not in lead
    vendor = _as(client, login_as, tender, Role.VENDOR)
    assert "Status Tilbudsfase" in vendor and "Lever tilbudet før tilbudsfristen." in vendor
    assert "Hvor står konkurransen?" not in vendor and "Må gjøres av" not in vendor


def test_after_the_deadline_the_overview_counts_the_opening_confirmations_and_nothing_of_the_bids(
    runner, db, client, login_as
) -> None:
    from tender.bids import operations as bid_ops
    from tender.clock import now

    tender = _demo(runner, "bids")
    pages = {role: _as(client, login_as, tender, role) for role in (Role.LEAD, Role.EVALUATOR, Role.OBSERVER)}
    for page in pages.values():
        assert "Tilbudsfristen er passert – her står den nå" in page
        assert "To bekreftelser til trengs for å åpne tilbudene." in page
    signer = _as(client, login_as, tender, Role.SIGNER)
    assert "bekreftelser til trengs" not in signer
    lead = tender.memberships[0].user
    bid_ops.confirm_opening(tender, at=now(), actor=lead)
    db.session.commit()
    page = _as(client, login_as, tender, Role.EVALUATOR)
    assert "Én bekreftelse til trengs for å åpne tilbudene (bekreftet av Anne Lie)." in page
    # sealed: the lifecycle part of the page says exactly this, for anyone in the group, before the opening:
    # no vendor, no count of bids or samples, no word of them (the members list names the vendors' users, as
    # it does before any bid exists)
    for role in (Role.LEAD, Role.EVALUATOR, Role.OBSERVER, Role.SIGNER):
        page = _as(client, login_as, tender, role)
        part = page[page.index("Hvor står konkurransen?") : page.index("Deltakende kommuner")]
        steps = part[part.index("Dette mangler før neste steg") :] if "Dette mangler" in part else ""
        if role is Role.SIGNER:
            assert steps == ""
        else:
            assert steps.split(" Må gjøres av:")[0] == (
                "Dette mangler før neste steg Én bekreftelse til trengs for "
                "å åpne tilbudene (bekreftet av Anne Lie)."
            )
        for bid in bid_ops.submitted_bids(tender):
            assert bid.vendor.name not in part and bid.vendor.organisasjonsnummer not in part
        assert not re.search(r"\d+ (tilbud|leverandør|prøve|uttrekk)", part, re.IGNORECASE)


def test_the_scored_demo_is_in_consensus_and_the_vendor_sees_only_that_the_deadline_passed(
    runner, client, login_as
) -> None:
    tender = _demo(runner, "scored")
    lead = _as(client, login_as, tender, Role.LEAD)
    assert "Konsensus – her står den nå" in lead and "Evaluering – ferdig" in lead
    # changed with issue 14: the award exists, so the next step is the lead's recommendation, named to act
    assert "Innstillingen til tildeling er ikke laget. Må gjøres av:" in lead
    assert "ikke i løsningen ennå" not in lead
    # the demo moved the bid deadline to the past; the earlier deadlines moved with it and stay before it
    assert tender.participation_deadline < tender.questions_deadline < tender.bid_deadline
    vendor = _as(client, login_as, tender, Role.VENDOR)
    assert "Status Tilbudsfristen er passert" in vendor
    assert "Konsensus" not in vendor and "Evaluering" not in vendor


def test_an_evaluator_with_scores_missing_is_named_to_the_lead_and_sees_their_own_count(
    runner, db, client, login_as
) -> None:
    from tender.bids import operations as bid_ops
    from tender.clock import now
    from tender.evaluation import operations as ev
    from tender.evaluation_model import operations as model_ops
    from tender.lifecycle import operations as lifecycle

    tender = _demo(runner, "bids")
    lead = tender.memberships[0].user
    observer = next(m.user for m in tender.memberships if m.role is Role.OBSERVER)
    bid_ops.confirm_opening(tender, at=now(), actor=lead)
    bid_ops.confirm_opening(tender, at=now(), actor=observer)
    db.session.commit()
    assert lifecycle.standing_of(tender, now()).stage is Stage.OPENED
    per, kari = model_ops.evaluators_of(tender)[:2]
    bid = ev.opened_bids(tender)[0]
    leaves = ev.leaves_to_score(tender, per)
    for leaf in leaves:
        for b in ev.opened_bids(tender):
            ev.save_individual_score(
                tender,
                b,
                leaf,
                evaluator=per,
                score=model_ops.model_of(tender).scale_max,
                justification="Godt beskrevet.",
                expected_version=None,
            )
    ev.save_individual_score(
        tender,
        bid,
        ev.leaves_to_score(tender, kari)[0],
        evaluator=kari,
        score=model_ops.model_of(tender).scale_max,
        justification="Godt.",
        expected_version=None,
    )
    db.session.commit()
    found = lifecycle.standing_of(tender, now())
    assert found.stage is Stage.EVALUATION
    kari_leaves = len(ev.leaves_to_score(tender, kari))
    lead_page = _as(client, login_as, tender, Role.LEAD)
    assert "Evaluering – her står den nå" in lead_page
    assert (
        f"Kari Nilsen har ikke gitt poeng på {kari_leaves} kriterier. Må gjøres av: Kari Nilsen." in lead_page
    )
    assert "Per Hansen har ikke gitt poeng" not in lead_page
    kari_page = _login_page(client, login_as, tender, kari.email)
    assert f"Kari Nilsen har ikke gitt poeng på {kari_leaves} kriterier." in _text(kari_page)
    assert "Ola Berg har ikke gitt poeng" not in _text(kari_page)


def test_the_dashboard_shows_the_derived_stage_not_a_stored_one(runner, client, login_as) -> None:
    from tender.demo import DEMO_PASSWORD

    tender = _demo(runner, "published")
    login_as(tender.memberships[0].user, password=DEMO_PASSWORD)
    assert "Tilbudsfase" in _text(client.get("/").get_data(as_text=True))
