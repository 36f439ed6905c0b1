"""The JSON form of a read ESPD response (``tender espd read --json``; documented in docs/espd.md).

Stable keys, every key always present (null where the file says nothing); amounts and quantities are
strings (exact decimals), dates ISO 8601.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tender.core.espd.model import Answer, Criterion, EspdResponse, Evidence

FORMAT = "tender-espd-response"
FORMAT_VERSION = 1


def _decimal(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")


def _evidence(evidence: Evidence | None) -> dict[str, Any] | None:
    if evidence is None:
        return None
    return {
        "id": evidence.id,
        "url": evidence.url,
        "issuer": evidence.issuer,
        "description": evidence.description,
    }


def answer_to_dict(answer: Answer) -> dict[str, Any]:
    return {
        "question_id": answer.question_id,
        "question": answer.question,
        "kind": answer.kind,
        "indicator": answer.indicator,
        "amount": _decimal(answer.amount),
        "currency": answer.currency,
        "quantity": _decimal(answer.quantity),
        "unit": answer.unit,
        "date": answer.date.isoformat() if answer.date else None,
        "start": answer.start.isoformat() if answer.start else None,
        "end": answer.end.isoformat() if answer.end else None,
        "text": answer.text,
        "code": answer.code,
        "evidence": _evidence(answer.evidence),
    }


def criterion_to_dict(criterion: Criterion) -> dict[str, Any]:
    return {
        "id": criterion.id,
        "type_code": criterion.type_code,
        "category": criterion.category,
        "name": criterion.name,
        "description": criterion.description,
        "answers": [answer_to_dict(a) for a in criterion.answers],
    }


def response_to_dict(response: EspdResponse) -> dict[str, Any]:
    eo = response.economic_operator
    contact = eo.contact if eo else None
    procurement = response.procurement
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "version": response.version,
        "profile": response.profile,
        "profile_id": response.profile_id,
        "response_id": response.response_id,
        "uuid": response.uuid,
        "issue_date": response.issue_date.isoformat() if response.issue_date else None,
        "economic_operator": None
        if eo is None
        else {
            "name": eo.name,
            "orgnr": eo.orgnr,
            "vat_id": eo.vat_id,
            "country": eo.country,
            "sme": eo.sme,
            "identifiers": [
                {"value": i.value, "scheme": i.scheme, "kind": i.kind, "orgnr": i.orgnr}
                for i in eo.identifiers
            ],
            "contact": None
            if contact is None
            else {"name": contact.name, "email": contact.email, "phone": contact.phone},
        },
        "procurement": {
            "reference": procurement.reference,
            "buyer_name": procurement.buyer_name,
            "title": procurement.title,
            "description": procurement.description,
            "lots": list(procurement.lots),
        },
        "criteria": [criterion_to_dict(c) for c in response.criteria],
        "unattached_answers": [answer_to_dict(a) for a in response.unattached_answers],
    }
