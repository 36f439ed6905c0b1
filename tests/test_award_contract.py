"""The signed contract (issue 14, point 5): never before the standstill is over (the attempt is logged),
once only, stored with its SHA-256 and who signed."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.test_award_notices import ISSUED, awarded, events  # noqa: F401  (the fixture, by name)

#: the standstill of notices sent at ISSUED ends at 24:00 on Saturday 2 January 2027 in Oslo
ENDS = datetime(2027, 1, 2, 23, 0, tzinfo=UTC)
SIGNED_PDF = b"%PDF-1.4\n% signert kontrakt\n%%EOF\n"


def record(tender: Any, lead: Any, **kw: Any) -> Any:
    from tender.award import notice_operations as ops

    values: dict[str, Any] = {
        "filename": "kontrakt-signert.pdf",
        "data": SIGNED_PDF,
        "signed_at": ENDS + timedelta(days=2),
        "signed_for_municipalities": "Kari Rådmann (Skien), Per Rådmann (Porsgrunn)",
        "signed_for_vendor": "Anne Direktør, Leverandør A AS",
    }
    values.update(kw)
    return ops.record_contract(tender, actor=lead, **values)


@pytest.fixture
def issued(db: Any, awarded: Any) -> Any:  # noqa: F811
    from tender.award import notice_operations as ops

    ops.issue_notices(awarded.tender, actor=awarded.lead)
    db.session.commit()
    return awarded


def test_the_contract_inside_the_standstill_is_refused_with_its_end_and_the_attempt_logged(
    db: Any, issued: Any, clock: Any
) -> None:
    from tender.award.operations import contract_of
    from tender.errors import DomainError

    clock.set(ENDS - timedelta(seconds=1))
    with pytest.raises(DomainError) as refused:
        record(issued.tender, issued.lead, signed_at=ENDS - timedelta(minutes=5))
    assert refused.value.message == (
        "Kontrakten kan ikke signeres før karensperioden er over 2. januar 2027 kl. 24.00 (norsk tid)."
    )
    db.session.commit()
    assert contract_of(issued.tender) is None
    assert [e["reason"] for e in events(issued.tender, "award.contract_refused")] == [refused.value.message]


def test_the_contract_before_any_notice_is_refused(
    db: Any, create_tender: Any, add_member: Any, create_user: Any, clock: Any
) -> None:
    from tender.errors import DomainError
    from tests.negotiation_helpers import negotiation_setup

    s = negotiation_setup(db, create_tender, add_member, create_user, clock)
    with pytest.raises(DomainError, match="før meddelelsene om tildeling er sendt"):
        record(s.tender, s.lead)


def test_after_the_standstill_the_contract_is_recorded_with_its_hash_and_signers(
    db: Any, issued: Any, clock: Any
) -> None:
    from tender.award.operations import contract_of

    clock.set(ENDS + timedelta(days=3))
    record(issued.tender, issued.lead)
    db.session.commit()
    contract = contract_of(issued.tender)
    assert contract is not None
    assert contract.sha256 == hashlib.sha256(SIGNED_PDF).hexdigest()
    assert contract.data == SIGNED_PDF
    assert contract.vendor.name == "Leverandør A AS"
    assert contract.signed_at == ENDS + timedelta(days=2)
    assert "Kari Rådmann (Skien)" in contract.signed_by and "Anne Direktør" in contract.signed_by
    [signed] = events(issued.tender, "award.contract_signed")
    assert signed["sha256"] == contract.sha256


def test_the_contract_is_recorded_once_only(db: Any, issued: Any, clock: Any) -> None:
    from tender.errors import DomainError

    clock.set(ENDS + timedelta(days=3))
    record(issued.tender, issued.lead)
    db.session.commit()
    with pytest.raises(DomainError, match="bare én gang"):
        record(issued.tender, issued.lead)


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"signed_at": ENDS - timedelta(hours=1)}, "signed_at", "ligger inne i karensperioden"),
        ({"signed_at": ENDS + timedelta(days=10)}, "signed_at", "fram i tid"),
        ({"data": b"PK\x03\x04 not a pdf"}, "document", "som PDF"),
        ({"data": b""}, "document", "tom"),
        ({"signed_for_municipalities": "  "}, "signed_for_municipalities", "for kommunene"),
        ({"signed_for_vendor": ""}, "signed_for_vendor", "for leverandøren"),
    ],
)
def test_bad_contract_input_is_refused_on_its_field_and_nothing_is_stored(
    db: Any, issued: Any, clock: Any, changes: dict[str, Any], field: str, words: str
) -> None:
    from tender.award.operations import contract_of
    from tender.errors import DomainError

    clock.set(ENDS + timedelta(days=3))
    with pytest.raises(DomainError) as refused:
        record(issued.tender, issued.lead, **changes)
    assert words in refused.value.message
    assert list(refused.value.reasons) == [field]
    db.session.rollback()
    assert contract_of(issued.tender) is None
