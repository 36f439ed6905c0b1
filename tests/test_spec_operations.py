"""The specification in the database: loading, editing with optimistic locking, versions, approvals,
publishing."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tender.audit import AuditEvent
from tender.clock import now
from tender.core import spec as core
from tender.core.lifecycle import Stage
from tender.core.spec.toml_format import load_spec_toml
from tender.errors import DomainError
from tender.lifecycle import operations as lifecycle
from tender.requirements import operations as ops
from tender.requirements.models import SpecRequirement, SpecVersion
from tender.tenders.models import Role

BASE = Path(__file__).resolve().parent.parent / "requirements_specs" / "base-sak-arkiv.toml"


@pytest.fixture
def base() -> core.Specification:
    return load_spec_toml(BASE.read_bytes())


@pytest.fixture
def loaded(db, create_tender, base):
    tender = create_tender()
    lead = tender.memberships[0].user
    ops.replace_draft(tender, base, actor=lead, origin="test")
    db.session.commit()
    return tender, lead


def _input(row: SpecRequirement, **changes) -> ops.RequirementInput:
    values = dict(
        chapter=row.chapter.key,
        number=row.number,
        kind=row.kind,
        text=row.text,
        answer_form=row.answer_form,
        unit=row.unit,
        criterion=row.criterion_key,
        weight=row.weight,
        documentation=row.documentation,
        source=row.source,
        municipalities=row.municipalities,
    )
    values.update(changes)
    return ops.RequirementInput(**values)


def test_the_loaded_draft_has_the_same_content_hash_as_the_file(db, loaded, base) -> None:
    tender, _ = loaded
    spec = ops.specification_of(tender)
    db.session.expire_all()
    assert core.content_hash(ops.to_core(spec)) == core.content_hash(base)


def test_tender_spec_load_prints_every_problem_with_its_line_and_changes_nothing(
    runner, db, create_tender, tmp_path
) -> None:
    tender = create_tender()
    bad = tmp_path / "feil.toml"
    bad.write_text(
        'format = 1\ntitle = "T"\n[[criterion]]\nid = "arkiv"\nname = "Arkiv"\n'
        '[[chapter]]\nid = "K01"\nnumber = "1"\ntitle = "Kap"\n'
        '[[requirement]]\nid = "R0001"\nnumber = "1.1"\nchapter = "K01"\nkind = "minstekrv"\ntext = "a"\n'
        'answer_form = "ja_nei"\n'
        '[[requirement]]\nid = "R0001"\nnumber = "1.2"\nchapter = "K01"\nkind = "evalueringskrav"\n'
        'text = "b"\n'
        'answer_form = "ja_nei"\ncriterion = "finnes_ikke"\nweight = "mye"\n',
        encoding="utf-8",
    )
    before = db.session.scalar(select(func.count()).select_from(AuditEvent))
    result = runner.invoke(args=["spec", "load", str(bad), "--tender", str(tender.id)])
    assert result.exit_code == 2
    out = result.output
    assert "feil.toml:14: Ukjent kravtype «minstekrv»" in out
    assert "feil.toml:18: Id-en «R0001» er brukt før" in out
    assert "feil.toml:24:" in out and "finnes_ikke" in out
    assert "feil.toml:25:" in out and "«mye»" in out
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == before
    assert ops.specification_of(tender) is None


def test_tender_spec_load_loads_the_base_specification(runner, db, create_tender) -> None:
    tender = create_tender()
    result = runner.invoke(args=["spec", "load", str(BASE), "--tender", str(tender.id)])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(func.count()).select_from(SpecRequirement)) >= 150


def test_a_second_save_on_a_stale_version_is_refused_with_both_versions(db, loaded) -> None:
    tender, lead = loaded
    spec = ops.specification_of(tender)
    row = ops.ordered_requirements(spec)[0]
    opened = row.lock_version
    ops.update_requirement(
        tender,
        row,
        _input(row, text="Systemet skal følge Noark 5 versjon 5.0."),
        expected_version=opened,
        actor=lead,
    )
    db.session.commit()
    with pytest.raises(ops.EditConflict) as conflict:
        ops.update_requirement(
            tender, row, _input(row, text="En annen tekst."), expected_version=opened, actor=lead
        )
    assert conflict.value.current.text == "Systemet skal følge Noark 5 versjon 5.0."
    assert conflict.value.mine.text == "En annen tekst."
    db.session.rollback()
    assert db.session.get(SpecRequirement, row.id).text == "Systemet skal følge Noark 5 versjon 5.0."


def test_an_evaluation_requirement_without_weight_is_refused_next_to_the_weight(db, loaded) -> None:
    tender, lead = loaded
    row = next(
        r
        for r in ops.ordered_requirements(ops.specification_of(tender))
        if r.kind is core.Kind.EVALUERINGSKRAV
    )
    with pytest.raises(DomainError) as error:
        ops.update_requirement(
            tender, row, _input(row, weight=None), expected_version=row.lock_version, actor=lead
        )
    assert "weight" in error.value.reasons


def test_deleted_ids_are_never_reused(db, loaded) -> None:
    tender, lead = loaded
    spec = ops.specification_of(tender)
    last = max(spec.requirements, key=lambda r: r.key)
    ops.freeze_version(tender, actor=lead)
    ops.delete_requirement(tender, last, expected_version=last.lock_version, actor=lead)
    new = ops.add_requirement(
        tender, _input(ops.ordered_requirements(spec)[0], text="Nytt krav.", number="1.99"), actor=lead
    )
    assert new.key > last.key


def test_moving_a_requirement_keeps_its_id_and_number(db, loaded) -> None:
    tender, lead = loaded
    first, second = ops.ordered_requirements(ops.specification_of(tender))[:2]
    ops.move_requirement(tender, first, +1, actor=lead)
    ordered = ops.ordered_requirements(ops.specification_of(tender))
    assert [ordered[0].key, ordered[1].key] == [second.key, first.key]
    assert first.number == "1.1"


def _signers(tender, add_member):
    return {m: add_member(tender, Role.SIGNER, municipality=m) for m in tender.participating_municipalities}


def test_publishing_needs_every_municipality_to_approve_the_version_being_published(
    db, loaded, add_member
) -> None:
    tender, lead = loaded
    signers = _signers(tender, add_member)
    version = ops.freeze_version(tender, actor=lead)
    # the stage is derived from the data, not stored: a frozen version awaits the municipalities
    assert lifecycle.standing_of(tender, now()).stage is Stage.APPROVALS
    first, second = list(signers.items())
    ops.decide(
        tender,
        version,
        first[0],
        approve=True,
        comment="",
        content_hash=version.content_hash,
        signer=first[1],
    )
    with pytest.raises(DomainError, match=second[0].name):
        ops.publish(tender, version, actor=lead)
    ops.decide(
        tender,
        version,
        second[0],
        approve=True,
        comment="Ser bra ut",
        content_hash=version.content_hash,
        signer=second[1],
    )
    ops.publish(tender, version, actor=lead)
    assert lifecycle.standing_of(tender, now()).stage in (Stage.PUBLISHED, Stage.BIDDING)


def test_approvals_do_not_carry_over_to_a_new_version(db, loaded, add_member) -> None:
    tender, lead = loaded
    signers = _signers(tender, add_member)
    v1 = ops.freeze_version(tender, actor=lead)
    for municipality, signer in signers.items():
        ops.decide(
            tender, v1, municipality, approve=True, comment="", content_hash=v1.content_hash, signer=signer
        )
    row = ops.ordered_requirements(ops.specification_of(tender))[0]
    ops.update_requirement(
        tender, row, _input(row, text=row.text + " Endret."), expected_version=row.lock_version, actor=lead
    )
    v2 = ops.freeze_version(tender, actor=lead)
    assert v2.number == 2 and v2.content_hash != v1.content_hash
    assert len(ops.missing_approvals(tender, v2)) == len(signers)
    with pytest.raises(DomainError, match="nyeste"):
        ops.publish(tender, v1, actor=lead)
    overview = ops.approval_overview(tender, ops.specification_of(tender))
    assert all(s.latest is None and s.last_approved_version == 1 for s in overview)


def test_a_signer_reads_the_diff_from_the_last_version_their_own_municipality_approved(
    db, loaded, add_member
) -> None:
    tender, lead = loaded
    (first, first_signer), (second, second_signer) = list(_signers(tender, add_member).items())[:2]
    v1 = ops.freeze_version(tender, actor=lead)
    ops.decide(tender, v1, first, approve=True, comment="", content_hash=v1.content_hash, signer=first_signer)
    ops.decide(
        tender, v1, second, approve=False, comment="Nei", content_hash=v1.content_hash, signer=second_signer
    )
    row = ops.ordered_requirements(ops.specification_of(tender))[0]
    ops.update_requirement(
        tender, row, _input(row, text=row.text + " Endret."), expected_version=row.lock_version, actor=lead
    )
    v2 = ops.freeze_version(tender, actor=lead)
    spec = ops.specification_of(tender)
    assert ops.last_approved_by(spec, v2, {first.id}) is v1
    assert ops.last_approved_by(spec, v2, {second.id}) is None  # rejected, not approved
    assert ops.last_approved_by(spec, v1, {first.id}) is None  # only earlier versions count


def test_a_signer_cannot_decide_for_another_municipality_or_on_content_they_did_not_see(
    db, loaded, add_member
) -> None:
    tender, lead = loaded
    signers = _signers(tender, add_member)
    version = ops.freeze_version(tender, actor=lead)
    (m1, s1), (m2, _) = list(signers.items())
    with pytest.raises(DomainError, match="ikke godkjenner"):
        ops.decide(
            tender, version, m2, approve=True, comment="", content_hash=version.content_hash, signer=s1
        )
    with pytest.raises(DomainError, match="Last siden"):
        ops.decide(tender, version, m1, approve=True, comment="", content_hash="0" * 64, signer=s1)
    with pytest.raises(DomainError, match="begrunnelse"):
        ops.decide(
            tender, version, m1, approve=False, comment=" ", content_hash=version.content_hash, signer=s1
        )


def test_freezing_an_unchanged_draft_twice_is_refused(db, loaded) -> None:
    tender, lead = loaded
    ops.freeze_version(tender, actor=lead)
    with pytest.raises(DomainError, match="identisk"):
        ops.freeze_version(tender, actor=lead)
    assert db.session.scalar(select(func.count()).select_from(SpecVersion)) == 1


def test_a_tampered_frozen_version_is_refused_at_publication(db, loaded, add_member) -> None:
    tender, lead = loaded
    signers = _signers(tender, add_member)
    version = ops.freeze_version(tender, actor=lead)
    for municipality, signer in signers.items():
        ops.decide(
            tender,
            version,
            municipality,
            approve=True,
            comment="",
            content_hash=version.content_hash,
            signer=signer,
        )
    version.content_toml = version.content_toml.replace("skal", "bør", 1)
    with pytest.raises(DomainError, match="hash"):
        ops.publish(tender, version, actor=lead)


def test_the_content_hash_is_the_same_on_this_database_as_computed_from_the_file(db, loaded, base) -> None:
    tender, lead = loaded
    version = ops.freeze_version(tender, actor=lead)
    db.session.commit()
    db.session.expire_all()
    # the same content gives the same hash on SQLite and PostgreSQL: both equal the file's own hash
    assert db.session.get(SpecVersion, version.id).content_hash == core.content_hash(base)
    assert isinstance(ops.ordered_requirements(ops.specification_of(tender))[0].weight, (Decimal, type(None)))
