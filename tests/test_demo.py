from __future__ import annotations

from sqlalchemy import func, select

from tender.auth.models import User
from tender.core import orgnr
from tender.tenders.models import Membership, Municipality, Role, Tender, Vendor


def _counts(db) -> tuple[int, ...]:
    return tuple(db.session.scalar(select(func.count()).select_from(m))
                 for m in (Tender, Municipality, Vendor, User, Membership))


def test_the_demo_builds_the_grenland_tender_with_its_six_municipalities(runner, db) -> None:
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    tender = db.session.scalar(select(Tender))
    names = sorted(m.name for m in tender.participating_municipalities)
    assert names == ["Bamble", "Drangedal", "Kragerø", "Porsgrunn", "Siljan", "Skien"]
    numbers = {m.name: m.kommunenummer for m in tender.participating_municipalities}
    assert numbers == {"Porsgrunn": "4001", "Skien": "4003", "Siljan": "4010", "Bamble": "4012",
                       "Kragerø": "4014", "Drangedal": "4016"}
    assert "anne.lie@grenland-innkjop.no" in result.output and "grenland-demo-2026" in result.output


def test_the_demo_has_a_lead_evaluators_one_signer_per_municipality_and_six_valid_vendors(runner, db) -> None:
    runner.invoke(args=["demo"])
    tender = db.session.scalar(select(Tender))
    roles = [m.role for m in tender.memberships]
    assert roles.count(Role.LEAD) == 1 and roles.count(Role.EVALUATOR) >= 2
    signed = sorted(m.municipality.name for m in tender.memberships if m.role is Role.SIGNER)
    assert signed == sorted(m.name for m in tender.participating_municipalities)
    assert len(tender.participating_vendors) == 6
    assert all(orgnr.is_valid(v.organisasjonsnummer) for v in tender.participating_vendors)


def test_running_the_demo_twice_duplicates_nothing(runner, db) -> None:
    runner.invoke(args=["demo"])
    first = _counts(db)
    runner.invoke(args=["demo"])
    assert _counts(db) == first


def test_demo_if_empty_leaves_an_existing_database_alone(runner, db, create_tender) -> None:
    create_tender()
    before = _counts(db)
    result = runner.invoke(args=["demo", "--if-empty"])
    assert result.exit_code == 0 and "lastes ikke" in result.output
    assert _counts(db) == before
