"""Reading an ESPD response (European Single Procurement Document) as the ESPD-EDM defines it.

Pure: bytes in, frozen dataclasses out; no Flask, no database. Words for people are made one floor up
(``tender/web/espd_messages.py``: ``message(error)``, ``category_name(category)``); the core gives codes and
values only. docs/espd.md lists the versions and elements read.

Public API (``from tender.core.espd import ...``)::

    read_response(data: bytes) -> EspdResponse            # raises EspdError
    check_procurement(response: EspdResponse, reference: str) -> None
        # raises EspdError("other_procurement", {"found", "expected"}) when the response's procurement
        # reference (cbc:ContractFolderID) is not ``reference`` (whitespace and case ignored), or
        # EspdError("procurement_reference_missing", {"expected"}) when the file names none
    line_up(response: EspdResponse, requirements: Sequence[tuple[str, str | None]])
        -> tuple[RequirementMatch, ...]
        # requirements: (requirement id, ESPD criterion type code — or criterion UUID — or None), in the
        # order to show; one RequirementMatch each, same order
    response_to_dict(response) -> dict     # the JSON form (stable keys, docs/espd.md)
    MAX_BYTES = 10 * 1024 * 1024           # checked before parsing
    CATEGORIES                             # the five categories in ESPD order

    class EspdError(Exception):  code: str; values: Mapping[str, object]; line: int | None
        codes: empty, too_large {size, limit}, doctype_forbidden, not_xml {detail}, too_deep {limit},
               too_many_elements {limit}, espd_request {root}, not_espd_response {root, namespace},
               unsupported_version {version (str or None)}, other_procurement {found, expected},
               procurement_reference_missing {expected}

    @dataclass(frozen=True) EspdResponse:
        version: str                 # "1" / "1.0.2" for ESPDResponse-1; "2.1.1", "3.3.0", "4.0.0" as stated
        profile: str | None          # "regulated" | "self_contained" | "basic" | "extended"; None where the
                                     # version has one profile (v1, 3.x, 4.x)
        profile_id: str | None       # cbc:ProfileExecutionID as written ("ESPD-EDMv2.1.1-EXTENDED")
        response_id: str | None      # cbc:ID
        uuid: str | None             # cbc:UUID
        issue_date: date | None
        economic_operator: EconomicOperator | None
        procurement: Procurement
        criteria: tuple[Criterion, ...]              # in file order; unknown criteria kept (category "other")
        unattached_answers: tuple[Answer, ...]       # answers to questions no criterion of the file asks
        criteria_in(category) -> tuple[Criterion, ...]

    EconomicOperator: name, identifiers: tuple[Identifier, ...], orgnr: str | None (nine digits, MOD11),
                      vat_id: str | None (as written), country: str | None (ISO alpha-2 where known),
                      contact: Contact | None, sme: bool | None
    Identifier:       value (as written), scheme (schemeID / schemeName / schemeAgencyID),
                      kind: "orgnr" | "vat" | "other",
                      orgnr: str | None ("NO974760673MVA" → kind "vat", orgnr "974760673")
    Contact:          name, email, phone (each str | None)
    Procurement:      reference (cbc:ContractFolderID), buyer_name, title, description (str | None),
                      lots: tuple[str, ...]
    Criterion:        id (UUID), type_code ("CRITERION.EXCLUSION.CONVICTIONS.CORRUPTION" or "corruption"),
                      category: "exclusion" | "suitability" | "economic_financial_standing"
                                | "technical_professional_ability" | "other",
                      name, description (str | None), answers: tuple[Answer, ...]
    Answer:           question_id (the property's / requirement's id), question (its description),
                      kind: "indicator" | "amount" | "quantity" | "percentage" | "date" | "time" | "period"
                            | "description" | "code" | "identifier" | "url" | "evidence",
                      indicator: bool | None, amount: Decimal | None, currency: str | None,
                      quantity: Decimal | None (also the number of a percentage), unit: str | None,
                      date: date | None, start / end: date | None (a period), text: str | None
                      (description, url, identifier, time), code: str | None, evidence: Evidence | None
    Evidence:         id, url, issuer, description (each str | None)
    RequirementMatch: requirement_id, type_code (str | None), status: "answered" | "missing" | "not_espd",
                      criteria: tuple[Criterion, ...] (the response's criteria for it), answers (property:
                      all their answers)

Everything missing in the file is None (or an empty tuple), never an empty string.
"""

from tender.core.espd.categories import category_of
from tender.core.espd.jsonform import response_to_dict
from tender.core.espd.matching import check_procurement, line_up
from tender.core.espd.model import (
    CATEGORIES,
    Answer,
    AnswerKind,
    Category,
    Contact,
    Criterion,
    EconomicOperator,
    EspdError,
    EspdResponse,
    Evidence,
    Identifier,
    Procurement,
    RequirementMatch,
)
from tender.core.espd.reader import read_response
from tender.core.espd.safexml import MAX_BYTES

__all__ = [
    "CATEGORIES",
    "MAX_BYTES",
    "Answer",
    "AnswerKind",
    "Category",
    "Contact",
    "Criterion",
    "EconomicOperator",
    "EspdError",
    "EspdResponse",
    "Evidence",
    "Identifier",
    "Procurement",
    "RequirementMatch",
    "category_of",
    "check_procurement",
    "line_up",
    "read_response",
    "response_to_dict",
]
