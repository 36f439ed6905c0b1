"""Reading an ESPD response (European Single Procurement Document) as the ESPD-EDM defines it.

Pure: bytes in, frozen dataclasses out; no Flask, no database. Words for people are made one floor up
(``tender/web/espd_messages.py``); the core only gives codes and values.

Public API (``from tender.core.espd import ...``)::

    read_response(data: bytes) -> EspdResponse            # raises EspdError
    check_procurement(response: EspdResponse, reference: str) -> None
        # raises EspdError("other_procurement", {"found": ..., "expected": ...}) unless the response's
        # procurement reference equals ``reference`` (whitespace and case ignored)
    line_up(response: EspdResponse, requirements: Sequence[tuple[str, str | None]]) -> tuple[RequirementMatch, ...]
        # requirements: (requirement id, ESPD criterion type code or None), in the order to show
    MAX_BYTES = 10 * 1024 * 1024

    class EspdError(Exception):  code: str; values: Mapping[str, object]; line: int | None
        codes: not_xml, empty, too_large, doctype_forbidden, too_deep, too_many_elements,
               not_espd_response, espd_request, unsupported_version, other_procurement

    @dataclass(frozen=True) EspdResponse:
        version: str                 # "1" for ESPDResponse-1, else cbc:VersionID as read ("2.1.1", "3.1.0", "4.0.0")
        profile: str                 # "v1" | "regulated" | "extended" | "basic" | "self_contained" | "unknown"
        profile_id: str | None       # cbc:ProfileExecutionID / CustomizationID as written
        response_id: str | None      # cbc:ID
        uuid: str | None             # cbc:UUID
        issue_date: date | None
        economic_operator: EconomicOperator | None
        procurement: Procurement
        criteria: tuple[Criterion, ...]

    EconomicOperator: name, identifiers: tuple[Identifier, ...], orgnr: str | None, vat_id: str | None,
                      country: str | None (ISO 3166-1 alpha-2 as written), contact: Contact | None,
                      sme: bool | None (SME indicator where given)
    Identifier:       value: str, scheme: str | None (schemeID / schemeName as written),
                      kind: "orgnr" | "vat" | "other"  ("NO123456789MVA" → kind "vat", and its orgnr is read)
    Contact:          name, email, phone (each str | None)
    Procurement:      reference (ContractFolderID / file reference), buyer_name, title, description
                      (each str | None)
    Criterion:        id (UUID), type_code (e.g. "CRITERION.EXCLUSION.CONVICTIONS.CORRUPTION"),
                      category: "exclusion" | "suitability" | "economic_financial_standing"
                                | "technical_professional_ability" | "other",
                      name, description (str | None), answers: tuple[Answer, ...]
    Answer:           question_id (the property's / requirement's id), question (its description),
                      kind: "indicator" | "amount" | "quantity" | "percentage" | "date" | "period"
                            | "description" | "code" | "identifier" | "url" | "evidence" | "other",
                      indicator: bool | None, amount: Decimal | None, currency: str | None,
                      quantity: Decimal | None, unit: str | None, date: date | None,
                      start: date | None, end: date | None, text: str | None, code: str | None,
                      evidence: Evidence | None
    Evidence:         id, url, issuer, description (each str | None)
    RequirementMatch: requirement_id, type_code (str | None), status: "answered" | "missing" | "not_espd",
                      criteria: tuple[Criterion, ...] (the response's criteria of that type code)

Everything missing in the file is None (or an empty tuple), never an empty string.
"""
