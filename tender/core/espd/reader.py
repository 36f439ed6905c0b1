"""Reading an ESPD response: v1 ``ESPDResponse`` and the UBL ``QualificationApplicationResponse`` (2.x–4.x).

Elements are found by namespace URI and local name, never by prefix (services write ``cbc:``, ``ns4:`` or a
default namespace alike). Everything optional may be missing; what is missing reads as None.

The two shapes:

* v1 (ESPD-EDM 1.0.x): each ``ccv:Criterion`` holds ``ccv:RequirementGroup``\\ s of ``ccv:Requirement``\\ s,
  and each requirement holds the ``ccv:Response``\\ s that answer it (indicator, amount, code, date, percent,
  quantity, period, description, ``cev:Evidence``).
* 2.x, 3.x, 4.x: each ``cac:TenderingCriterion`` holds ``cac:TenderingCriterionPropertyGroup``\\ s of
  ``cac:TenderingCriterionProperty``\\ s (the questions); the answers are ``cac:TenderingCriterionResponse``
  elements beside the criteria, each naming the property it answers in ``cbc:ValidatedCriterionPropertyID``
  and holding ``cac:ResponseValue``\\ s (``cbc:ResponseIndicator``, ``ResponseAmount``, ``ResponseQuantity``,
  ``ResponseNumeric``, ``ResponseDate``, ``ResponseCode``, ``ResponseID``, ``ResponseURI``, ``Description``),
  ``cac:ApplicablePeriod``\\ s and ``cac:EvidenceSupplied`` references to the document's ``cac:Evidence``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from decimal import Decimal, InvalidOperation

from lxml import etree

from tender.core.espd.categories import category_of
from tender.core.espd.identifiers import identifier_from, normalise_country
from tender.core.espd.model import (
    Answer,
    AnswerKind,
    Contact,
    Criterion,
    EconomicOperator,
    EspdError,
    EspdResponse,
    Evidence,
    Identifier,
    Procurement,
)
from tender.core.espd.safexml import parse

CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
QAR = "urn:oasis:names:specification:ubl:schema:xsd:QualificationApplicationResponse-2"
QAQ = "urn:oasis:names:specification:ubl:schema:xsd:QualificationApplicationRequest-2"
V1_RESPONSE = "urn:grow:names:specification:ubl:schema:xsd:ESPDResponse-1"
V1_REQUEST = "urn:grow:names:specification:ubl:schema:xsd:ESPDRequest-1"
ESPD_CAC = "urn:grow:names:specification:ubl:schema:xsd:ESPD-CommonAggregateComponents-1"
ESPD_CBC = "urn:grow:names:specification:ubl:schema:xsd:ESPD-CommonBasicComponents-1"
CCV = "urn:isa:names:specification:ubl:schema:xsd:CCV-CommonAggregateComponents-1"
CCV_CBC = "urn:isa:names:specification:ubl:schema:xsd:CCV-CommonBasicComponents-1"
CEV = "urn:isa:names:specification:ubl:schema:xsd:CEV-CommonAggregateComponents-1"
CEV_CBC = "urn:isa:names:specification:ubl:schema:xsd:CEV-CommonBasicComponents-1"

#: ESPD-EDM 2.0.x services wrote UBL 2.2's pre-award review namespaces before UBL 2.2 was final; the same
#: elements, read as the final ones
_PRE_AWARD = {
    "urn:X-test:UBL:Pre-award:QualificationApplicationResponse": QAR,
    "urn:X-test:UBL:Pre-award:QualificationApplicationRequest": QAQ,
    "urn:X-test:UBL:Pre-award:CommonAggregate": CAC,
    "urn:X-test:UBL:Pre-award:CommonBasic": CBC,
}

#: the ESPD-EDM major versions each root is read for
SUPPORTED = {V1_RESPONSE: {1}, QAR: {2, 3, 4}}
_HIGHEST = 4

_VERSION = re.compile(r"(?<![\d.])(\d{1,2}(?:\.\d{1,3}){0,2})(?![\d.])")
_PROFILES = {
    "REGULATED": "regulated",
    "SELFCONTAINED": "self_contained",
    "SELF-CONTAINED": "self_contained",
    "BASIC": "basic",
    "EXTENDED": "extended",
}


def _q(ns: str, name: str) -> str:
    return f"{{{ns}}}{name}"


def _children(element: etree._Element | None, ns: str, name: str) -> Iterator[etree._Element]:
    if element is None:
        return iter(())
    return (c for c in element if c.tag == _q(ns, name))


def _child(element: etree._Element | None, ns: str, name: str) -> etree._Element | None:
    return next(_children(element, ns, name), None)


def _path(element: etree._Element | None, *steps: tuple[str, str]) -> etree._Element | None:
    for ns, name in steps:
        element = _child(element, ns, name)
        if element is None:
            return None
    return element


def _text(element: etree._Element | None) -> str | None:
    if element is None:
        return None
    text = "".join(element.itertext()).strip()
    return " ".join(text.split()) if "\n" in text else (text or None)


def _attr(element: etree._Element | None, *names: str) -> str | None:
    if element is None:
        return None
    for name in names:
        value = (element.get(name) or "").strip()
        if value:
            return value
    return None


def _decimal(text: str | None) -> Decimal | None:
    if not text:
        return None
    try:
        value = Decimal(text.replace(" ", "").replace("\u00a0", ""))
    except InvalidOperation:
        return None
    # no real amount or count has more than 15 digits before the point; 1e400 is a file made to hurt
    return value if value.is_finite() and value.adjusted() <= 15 else None


def _date(text: str | None) -> date | None:
    if not text:
        return None
    try:
        # xsd:date may carry a zone ("2024-08-26+02:00" / "Z"); the day is what the operator meant
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


def _bool(text: str | None) -> bool | None:
    if text is None:
        return None
    lowered = text.strip().lower()
    return True if lowered in ("true", "1") else False if lowered in ("false", "0") else None


# ---------------------------------------------------------------------------------------------- entry point


def read_response(data: bytes) -> EspdResponse:
    """Read ``data`` (an uploaded file's bytes) as an ESPD response, or raise :class:`EspdError`."""
    root = parse(data)
    if _split(root.tag)[0] in _PRE_AWARD:
        _rename_pre_award(root)
    namespace, local = _split(root.tag)
    if namespace in (QAQ, V1_REQUEST) or (
        namespace is None and local in ("ESPDRequest", "QualificationApplicationRequest")
    ):
        raise EspdError("espd_request", {"root": local}, line=root.sourceline)
    if namespace not in SUPPORTED or local not in ("ESPDResponse", "QualificationApplicationResponse"):
        raise EspdError("not_espd_response", {"root": local, "namespace": namespace}, line=root.sourceline)
    version, profile_id = _version(root, namespace)
    if namespace == V1_RESPONSE:
        return _read_v1(root, version, profile_id)
    return _read_ubl(root, version, profile_id)


def _rename_pre_award(root: etree._Element) -> None:
    for element in root.iter():
        namespace, local = _split(element.tag)
        if namespace in _PRE_AWARD:
            element.tag = f"{{{_PRE_AWARD[namespace]}}}{local}"


def _split(tag: object) -> tuple[str | None, str]:
    text = str(tag)
    if text.startswith("{"):
        namespace, _, local = text[1:].partition("}")
        return namespace, local
    return None, text


def _version(root: etree._Element, namespace: str) -> tuple[str, str | None]:
    """The ESPD-EDM version the file states, checked against the versions read for its root.

    ``cbc:ProfileExecutionID`` ("ESPD-EDMv2.1.1-EXTENDED") is the most reliable statement; ``cbc:VersionID``
    sometimes carries the model version ("4.0.0") and sometimes the content's own version ("2018.01.01"), so
    only a plain version number there counts. A stated version above the highest one read is refused even
    when another element names a known one: the file says it follows a model we do not know.
    """
    profile_el = _child(root, CBC, "ProfileExecutionID")
    version_el = _child(root, CBC, "VersionID")
    profile_id = _text(profile_el)
    candidates: list[str] = []
    for text in (profile_id, _attr(profile_el, "schemeVersionID"), _attr(version_el, "schemeVersionID")):
        found = _VERSION.search(text or "")
        if found:
            candidates.append(found.group(1))
    version_text = _text(version_el)
    if version_text and re.fullmatch(r"\d{1,2}(\.\d{1,3}){0,2}", version_text):
        candidates.append(version_text)
    supported = SUPPORTED[namespace]
    for candidate in candidates:
        if int(candidate.split(".")[0]) > _HIGHEST:
            raise EspdError("unsupported_version", {"version": candidate}, line=root.sourceline)
    for candidate in candidates:
        if int(candidate.split(".")[0]) in supported:
            return candidate, profile_id
    if namespace == V1_RESPONSE and not candidates:
        return "1", profile_id  # v1 files often state only a content version ("2017.01.01") or nothing
    raise EspdError(
        "unsupported_version", {"version": candidates[0] if candidates else None}, line=root.sourceline
    )


def _profile(root: etree._Element, profile_id: str | None) -> str | None:
    for text in (profile_id, _text(_child(root, CBC, "QualificationApplicationTypeCode"))):
        if text:
            for marker, profile in _PROFILES.items():
                if marker in text.upper():
                    return profile
    return None


# ---------------------------------------------------------------------------------------------- the parties


def _economic_operator(
    party_holder: etree._Element | None, sme_text: str | None, *, v1: bool = False
) -> EconomicOperator | None:
    if party_holder is None:
        return None
    party = _child(party_holder, CAC, "Party")
    if party is None:
        return None
    identifiers: list[Identifier] = []
    for ident in _children(party, CAC, "PartyIdentification"):
        id_el = _child(ident, CBC, "ID")
        found = identifier_from(
            _text(id_el),
            _attr(id_el, "schemeID", "schemeName", "schemeAgencyID"),
            # ESPD-EDM 1.x puts the VAT number there; a schemeID marks anything else
            vat_unless_said=v1 and _attr(id_el, "schemeID") is None,
        )
        if found:
            identifiers.append(found)
    for holder, hint in (("PartyLegalEntity", None), ("PartyTaxScheme", "VAT")):
        for entity in _children(party, CAC, holder):
            id_el = _child(entity, CBC, "CompanyID")
            found = identifier_from(_text(id_el), _attr(id_el, "schemeID", "schemeName") or hint)
            if found and found.value not in {i.value for i in identifiers}:
                identifiers.append(found)
    name = _text(_path(party, (CAC, "PartyName"), (CBC, "Name"))) or _text(
        _path(party, (CAC, "PartyLegalEntity"), (CBC, "RegistrationName"))
    )
    contact_el = _child(party, CAC, "Contact")
    contact = None
    if contact_el is not None:
        contact = Contact(
            name=_text(_child(contact_el, CBC, "Name")),
            email=_text(_child(contact_el, CBC, "ElectronicMail")),
            phone=_text(_child(contact_el, CBC, "Telephone")),
        )
        if contact == Contact(None, None, None):
            contact = None
    country = normalise_country(
        _text(_path(party, (CAC, "PostalAddress"), (CAC, "Country"), (CBC, "IdentificationCode")))
    )
    size = _text(_child(party, CBC, "IndustryClassificationCode"))
    sme = _bool(sme_text)
    if sme is None and size:
        sme = size.strip().lower() in ("sme", "micro", "small", "medium")
    return EconomicOperator(
        name=name,
        identifiers=tuple(identifiers),
        orgnr=next((i.orgnr for i in identifiers if i.orgnr), None),
        vat_id=next((i.value for i in identifiers if i.kind == "vat"), None),
        country=country,
        contact=contact,
        sme=sme,
    )


def _procurement(root: etree._Element) -> Procurement:
    buyer = _path(root, (CAC, "ContractingParty"), (CAC, "Party"))
    project = _child(root, CAC, "ProcurementProject")
    title = _text(_child(project, CBC, "Name"))
    description = _text(_child(project, CBC, "Description"))
    references = list(_children(root, CAC, "AdditionalDocumentReference"))
    # the contract notice the ESPD belongs to (DocumentTypeCode TED_CN, or a national notice) carries the
    # procurement's title in v1 and v2; other references (the ESPD request, attachments) only when none does
    notices = [r for r in references if "CN" in (_text(_child(r, CBC, "DocumentTypeCode")) or "").upper()]
    for reference in notices + [r for r in references if r not in notices]:
        external = _path(reference, (CAC, "Attachment"), (CAC, "ExternalReference"))
        title = title or _text(_child(external, CBC, "FileName"))
        description = description or _text(_child(external, CBC, "Description"))
    lots = tuple(
        lot_id
        for lot in _children(root, CAC, "ProcurementProjectLot")
        if (lot_id := _text(_child(lot, CBC, "ID")))
    )
    return Procurement(
        reference=_text(_child(root, CBC, "ContractFolderID")),
        buyer_name=_text(_path(buyer, (CAC, "PartyName"), (CBC, "Name"))),
        title=title,
        description=description,
        lots=lots,
    )


def _evidence_from_document(document: etree._Element | None, fallback_id: str | None = None) -> Evidence:
    external = _path(document, (CAC, "Attachment"), (CAC, "ExternalReference"))
    return Evidence(
        id=_text(_child(document, CBC, "ID")) or fallback_id,
        url=_text(_child(external, CBC, "URI")),
        issuer=_text(_path(document, (CAC, "IssuerParty"), (CAC, "PartyName"), (CBC, "Name"))),
        description=_text(_child(document, CBC, "Description"))
        or _text(_child(external, CBC, "Description")),
    )


# ------------------------------------------------------------------------------------------------------ v1


def _read_v1(root: etree._Element, version: str, profile_id: str | None) -> EspdResponse:
    eo_party = _child(root, ESPD_CAC, "EconomicOperatorParty")
    criteria = tuple(_v1_criterion(c) for c in _children(root, CCV, "Criterion"))
    return EspdResponse(
        version=version,
        profile=None,
        profile_id=profile_id,
        response_id=_text(_child(root, CBC, "ID")),
        uuid=_text(_child(root, CBC, "UUID")),
        issue_date=_date(_text(_child(root, CBC, "IssueDate"))),
        economic_operator=_economic_operator(
            eo_party, _text(_child(eo_party, ESPD_CBC, "SMEIndicator")), v1=True
        ),
        procurement=_procurement(root),
        criteria=criteria,
    )


def _v1_criterion(element: etree._Element) -> Criterion:
    type_code = _text(_child(element, CBC, "TypeCode"))
    answers: list[Answer] = []
    # requirements sit in nested groups and sub-criteria; document order is the order the form asked them
    for requirement in element.iter(_q(CCV, "Requirement")):
        question_id = _text(_child(requirement, CBC, "ID"))
        question = _text(_child(requirement, CBC, "Description"))
        for response in _children(requirement, CCV, "Response"):
            answers.extend(_v1_answers(response, question_id, question))
    return Criterion(
        id=_text(_child(element, CBC, "ID")),
        type_code=type_code,
        category=category_of(type_code),
        name=_text(_child(element, CBC, "Name")),
        description=_text(_child(element, CBC, "Description")),
        answers=tuple(answers),
    )


def _v1_answers(response: etree._Element, question_id: str | None, question: str | None) -> Iterator[Answer]:
    def answer(kind: AnswerKind, **values: object) -> Answer:
        return Answer(question_id=question_id, question=question, kind=kind, **values)  # type: ignore[arg-type]

    for value in response:
        tag = value.tag
        text = _text(value)
        if tag == _q(CCV_CBC, "Indicator"):
            if (flag := _bool(text)) is not None:
                yield answer("indicator", indicator=flag)
        elif tag == _q(CBC, "Amount"):
            if (amount := _decimal(text)) is not None:
                yield answer("amount", amount=amount, currency=_attr(value, "currencyID"))
        elif tag == _q(CBC, "Quantity"):
            if (quantity := _decimal(text)) is not None:
                yield answer("quantity", quantity=quantity, unit=_attr(value, "unitCode"))
        elif tag == _q(CBC, "Percent"):
            if (percent := _decimal(text)) is not None:
                yield answer("percentage", quantity=percent)
        elif tag == _q(CBC, "Date"):
            if (day := _date(text)) is not None:
                yield answer("date", date=day)
        elif tag == _q(CBC, "Description"):
            if text:
                yield answer("description", text=text)
        elif tag == _q(CCV_CBC, "Code"):
            if text:
                yield answer("code", code=text)
        elif tag == _q(CAC, "Period"):
            start = _date(_text(_child(value, CBC, "StartDate")))
            end = _date(_text(_child(value, CBC, "EndDate")))
            if start or end:
                yield answer("period", start=start, end=end)
            elif described := _text(_child(value, CBC, "Description")):
                yield answer("period", text=described)
        elif tag == _q(CEV, "Evidence"):
            issuer = _text(_path(value, (CEV, "EvidenceIssuerParty"), (CAC, "PartyName"), (CBC, "Name")))
            name = _text(_child(value, CEV_CBC, "EvidenceName")) or _text(_child(value, CBC, "Description"))
            documents = list(_children(value, CEV, "EvidenceDocumentReference"))
            for document in documents or [None]:
                found = _evidence_from_document(document)
                found = Evidence(
                    id=found.id,
                    url=found.url,
                    issuer=found.issuer or issuer,
                    description=found.description or name,
                )
                if found != Evidence(None, None, None, None):
                    yield answer("evidence", evidence=found)


# ------------------------------------------------------------------------------------------- 2.x, 3.x, 4.x


class _Question:
    __slots__ = ("criterion", "description", "data_type")

    def __init__(self, criterion: int, description: str | None, data_type: str | None) -> None:
        self.criterion = criterion
        self.description = description
        self.data_type = data_type


def _read_ubl(root: etree._Element, version: str, profile_id: str | None) -> EspdResponse:
    criteria_elements = list(_children(root, CAC, "TenderingCriterion"))
    # property id -> every place it is asked, in document order (taxonomies reuse some ids across criteria)
    questions: dict[str, list[_Question]] = {}
    for index, criterion in enumerate(criteria_elements):
        for prop in criterion.iter(_q(CAC, "TenderingCriterionProperty")):
            prop_id = _text(_child(prop, CBC, "ID"))
            if prop_id:
                description = _text(_child(prop, CBC, "Description")) or _text(_child(prop, CBC, "Name"))
                data_type = _text(_child(prop, CBC, "ValueDataTypeCode"))
                questions.setdefault(prop_id, []).append(_Question(index, description, data_type))
    evidences = {
        evidence_id: _evidence(element)
        for element in root.iter(_q(CAC, "Evidence"))
        if (evidence_id := _text(_child(element, CBC, "ID")))
    }
    answers: list[list[Answer]] = [[] for _ in criteria_elements]
    unattached: list[Answer] = []
    seen: dict[str, int] = {}
    for response in root.iter(_q(CAC, "TenderingCriterionResponse")):
        prop_id = _text(_child(response, CBC, "ValidatedCriterionPropertyID"))
        places = questions.get(prop_id or "", [])
        if places:
            # several responses to a reused id: the n-th answers the n-th place it is asked, extras the last
            nth = seen.get(prop_id or "", 0)
            seen[prop_id or ""] = nth + 1
            place: _Question | None = places[min(nth, len(places) - 1)]
        else:
            place = None
        found = list(_ubl_answers(response, prop_id, place, evidences))
        (answers[place.criterion] if place else unattached).extend(found)
    criteria = tuple(
        Criterion(
            id=_text(_child(element, CBC, "ID")),
            type_code=(code := _text(_child(element, CBC, "CriterionTypeCode"))),
            category=category_of(code, _text(_child(element, CBC, "ID"))),
            name=_text(_child(element, CBC, "Name")),
            description=_text(_child(element, CBC, "Description")),
            answers=tuple(answers[index]),
        )
        for index, element in enumerate(criteria_elements)
    )
    return EspdResponse(
        version=version,
        profile=_profile(root, profile_id),
        profile_id=profile_id,
        response_id=_text(_child(root, CBC, "ID")),
        uuid=_text(_child(root, CBC, "UUID")),
        issue_date=_date(_text(_child(root, CBC, "IssueDate"))),
        economic_operator=_economic_operator(_child(root, CAC, "EconomicOperatorParty"), None),
        procurement=_procurement(root),
        criteria=criteria,
        unattached_answers=tuple(unattached),
    )


def _evidence(element: etree._Element) -> Evidence:
    documents = list(_children(element, CAC, "DocumentReference"))
    evidence_id = _text(_child(element, CBC, "ID"))
    from_document = _evidence_from_document(documents[0] if documents else None)
    return Evidence(
        id=evidence_id,
        url=from_document.url,
        issuer=from_document.issuer,
        description=_text(_child(element, CBC, "Description")) or from_document.description,
    )


def _ubl_answers(
    response: etree._Element, prop_id: str | None, place: _Question | None, evidences: dict[str, Evidence]
) -> Iterator[Answer]:
    question = place.description if place else None
    data_type = (place.data_type or "").upper() if place else ""

    def answer(kind: AnswerKind, **values: object) -> Answer:
        return Answer(question_id=prop_id, question=question, kind=kind, **values)  # type: ignore[arg-type]

    # 2.x put some values straight in the response; 3.x and 4.x always wrap them in cac:ResponseValue
    holders = [response, *_children(response, CAC, "ResponseValue")]
    for holder in holders:
        for value in holder:
            tag = value.tag
            text = _text(value)
            if tag == _q(CBC, "ResponseIndicator"):
                if (flag := _bool(text)) is not None:
                    yield answer("indicator", indicator=flag)
            elif tag == _q(CBC, "ResponseAmount"):
                if (amount := _decimal(text)) is not None:
                    yield answer("amount", amount=amount, currency=_attr(value, "currencyID"))
            elif tag in (_q(CBC, "ResponseQuantity"), _q(CBC, "ResponseNumeric"), _q(CBC, "ResponseMeasure")):
                if (number := _decimal(text)) is not None:
                    unit = _attr(value, "unitCode")
                    percent = "PERCENT" in data_type or "PERCENT" in (unit or "").upper()
                    kind: AnswerKind = "percentage" if percent else "quantity"
                    yield answer(kind, quantity=number, unit=None if percent else unit)
            elif tag == _q(CBC, "ResponseDate"):
                if (day := _date(text)) is not None:
                    yield answer("date", date=day)
            elif tag == _q(CBC, "ResponseTime"):
                if text:
                    yield answer("time", text=text)
            elif tag == _q(CBC, "ResponseCode"):
                if text:
                    yield answer("code", code=text)
            elif tag == _q(CBC, "ResponseID"):
                if text:
                    yield answer("identifier", text=text, code=_attr(value, "schemeAgencyID", "schemeID"))
            elif tag == _q(CBC, "ResponseURI"):
                if text:
                    yield answer("url", text=text)
            elif tag == _q(CBC, "Description") and holder is not response:
                if text:
                    yield answer("description", text=text)
    for period in _children(response, CAC, "ApplicablePeriod"):
        start = _date(_text(_child(period, CBC, "StartDate")))
        end = _date(_text(_child(period, CBC, "EndDate")))
        if start or end:
            yield answer("period", start=start, end=end)
    for supplied in _children(response, CAC, "EvidenceSupplied"):
        evidence_id = _text(_child(supplied, CBC, "ID"))
        if evidence_id:
            yield answer(
                "evidence", evidence=evidences.get(evidence_id) or Evidence(evidence_id, None, None, None)
            )
