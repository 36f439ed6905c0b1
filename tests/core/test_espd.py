"""The ESPD reader: every supported version and profile read field by field from our fixtures (written in the
ESPD-EDM's shape), hostile and wrong files refused with their code, the procurement check and the line-up."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from tender.core.espd import (
    MAX_BYTES,
    Answer,
    Contact,
    EspdError,
    EspdResponse,
    Evidence,
    Identifier,
    check_procurement,
    line_up,
    read_response,
    response_to_dict,
)
from tender.core.espd.categories import category_of
from tender.core.espd.identifiers import identifier_from

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "espd"
REFERENCE = "2026/0417"
TITLE = "Felles sak- og arkivsystem for Grenland"
NOTICE = "Konkurranse med forhandling om felles sak- og arkivsystem (Noark 5) for seks kommuner"


def read(name: str) -> EspdResponse:
    return read_response((FIXTURES / name).read_bytes())


def refused(data: bytes) -> EspdError:
    with pytest.raises(EspdError) as caught:
        read_response(data)
    return caught.value


def answers(response: EspdResponse) -> list[tuple[Any, ...]]:
    """Every criterion with its answers, each answer as (question, kind, the fields that kind fills)."""
    out: list[tuple[Any, ...]] = []
    for c in response.criteria:
        out.append((c.id, c.type_code, c.category, c.name))
        for a in c.answers:
            filled = {
                k: v
                for k, v in vars(a).items()
                if k not in ("question_id", "question", "kind") and v is not None
            }
            out.append(("  ", a.question, a.kind, filled))
    return out


# -------------------------------------------------------------------------------------------------- v1


def test_a_v1_espd_response_is_read_with_its_operator_procurement_and_every_answer() -> None:
    r = read("espd-response-v1.xml")
    assert (r.version, r.profile, r.profile_id) == ("1", None, None)
    assert r.response_id == "5b8f1c3a-6d2e-4f7a-9c1b-2e3d4f5a6b01" and r.uuid is None
    assert r.issue_date == date(2026, 2, 19)
    assert r.economic_operator is not None
    eo = r.economic_operator
    assert eo.name == "Arkivhuset Norge AS"
    assert eo.identifiers == (Identifier("NO921345674MVA", "EU-COM-GROW", "vat", "921345674"),)
    assert (eo.orgnr, eo.vat_id, eo.country, eo.sme) == ("921345674", "NO921345674MVA", "NO", True)
    assert eo.contact == Contact("Siri Johansen", "siri.johansen@arkivhuset.no", "+47 35 58 00 10")
    # the reference is written with spaces around it; read trimmed
    assert (r.procurement.reference, r.procurement.buyer_name) == (REFERENCE, "Skien kommune")
    assert (r.procurement.title, r.procurement.description, r.procurement.lots) == (None, None, ("0",))
    assert answers(r) == [
        (
            "005eb9ed-1347-4ca3-bb29-9bc0db64e1ab",
            "CRITERION.EXCLUSION.CONVICTIONS.PARTICIPATION_IN_CRIMINAL_ORGANISATION",
            "exclusion",
            "Participation in a criminal organisation",
        ),
        ("  ", "Your answer?", "indicator", {"indicator": False}),
        ("  ", "Is this information available electronically?", "indicator", {"indicator": True}),
        (
            "  ",
            "URL",
            "evidence",
            {
                "evidence": Evidence(
                    "POL-2026-0219-921345674",
                    "https://www.politiet.no/politiattest/POL-2026-0219-921345674",
                    "Politiet",
                    None,
                )
            },
        ),
        ("  ", "Code", "code", {"code": "POLITIATTEST"}),
        (
            "d3732c09-7d62-4edc-a172-241da6636e7c",
            "CRITERION.EXCLUSION.BUSINESS.BANKRUPTCY",
            "exclusion",
            "Bankruptcy",
        ),
        (
            "87b3fa26-3549-4f92-b8e0-3fd8f04bf5c7",
            "CRITERION.SELECTION.SUITABILITY.TRADE_REGISTER_ENROLMENT",
            "suitability",
            "Enrolment in a trade register",
        ),
        ("  ", "Please describe them", "description", {"text": "Registrert i Foretaksregisteret siden 2011"}),
        (
            "499efc97-2ac1-4af2-9e84-323c2ca67747",
            "CRITERION.SELECTION.ECONOMIC_FINANCIAL_STANDING.TURNOVER.GENERAL_YEARLY",
            "economic_financial_standing",
            "General yearly turnover",
        ),
        ("  ", "Year", "period", {"start": date(2024, 1, 1), "end": date(2024, 12, 31)}),
        ("  ", "Amount", "amount", {"amount": Decimal("64300000.00"), "currency": "NOK"}),
        (
            "5e506c16-26ab-4e32-bb78-b27f87dc0565",
            "CRITERION.SELECTION.TECHNICAL_PROFESSIONAL_ABILITY.REFERENCES.SERVICES_DELIVERY_PERFORMANCE",
            "technical_professional_ability",
            "For service contracts: performance of services of the specified type",
        ),
        ("  ", "Description", "description", {"text": "Noark 5 sak-/arkivsystem for Notodden kommune"}),
        ("  ", "Amount", "amount", {"amount": Decimal("2450000"), "currency": "NOK"}),
        ("  ", "Date", "date", {"date": date(2023, 10, 2)}),
        ("  ", "Number of users", "quantity", {"quantity": Decimal("260"), "unit": "NUMBER"}),
        (
            "612a1625-118d-4ea4-a6db-413184e7c0a8",
            "CRITERION.SELECTION.TECHNICAL_PROFESSIONAL_ABILITY.MANAGEMENT.SUBCONTRACTING_PROPORTION",
            "technical_professional_ability",
            "Subcontracting proportion",
        ),
        ("  ", "Please specify", "percentage", {"quantity": Decimal("20")}),
        (
            "52950d4f-3c6e-4cee-a7d0-ff0f329eeb01",
            "CRITERION.OTHER.NATIONAL.GRENLAND_ARCHIVE_STATEMENT",
            "other",
            "Statement on Noark 5 archive deposits (national criterion)",
        ),
        ("  ", "Archive depository used", "code", {"code": "IKA-KO"}),
    ]
    first = r.criteria[0].answers[0]
    assert (first.question_id, first.question) == ("974c8196-9d1c-419c-9ca9-45bb9f5fd59a", "Your answer?")
    assert r.unattached_answers == ()


# ------------------------------------------------------------------------------------------ 2.x to 4.x

LONG = {
    "crime": "CRITERION.EXCLUSION.CONVICTIONS.PARTICIPATION_IN_CRIMINAL_ORGANISATION",
    "tax": "CRITERION.EXCLUSION.CONTRIBUTIONS.PAYMENT_OF_TAXES",
    "bankr": "CRITERION.EXCLUSION.BUSINESS.BANKRUPTCY",
    "trade": "CRITERION.SELECTION.SUITABILITY.TRADE_REGISTER_ENROLMENT",
    "turnover": "CRITERION.SELECTION.ECONOMIC_FINANCIAL_STANDING.TURNOVER.GENERAL_YEARLY",
    "refs": "CRITERION.SELECTION.TECHNICAL_PROFESSIONAL_ABILITY.REFERENCES.SERVICES_DELIVERY_PERFORMANCE",
    "subco": "CRITERION.SELECTION.TECHNICAL_PROFESSIONAL_ABILITY.MANAGEMENT.SUBCONTRACTING_PROPORTION",
    "shelt": "CRITERION.OTHER.EO_DATA.SHELTERED_WORKSHOP",
    "national": "CRITERION.OTHER.NATIONAL.GRENLAND_ARCHIVE_STATEMENT",
}
SHORT = {
    "crime": "crime-org",
    "tax": "tax-pay",
    "bankr": "bankruptcy",
    "trade": "trade-regist",
    "turnover": "gen-year-to",
    "refs": "service-perform",
    "subco": "suncont-port",
    "shelt": "shelt-worksh",
    "national": "grenland-arch",
}
UUIDS = {
    "crime": "005eb9ed-1347-4ca3-bb29-9bc0db64e1ab",
    "tax": "b61bbeb7-690e-4a40-bc68-d6d4ecfaa3d4",
    "bankr": "d3732c09-7d62-4edc-a172-241da6636e7c",
    "trade": "87b3fa26-3549-4f92-b8e0-3fd8f04bf5c7",
    "turnover": "499efc97-2ac1-4af2-9e84-323c2ca67747",
    "refs": "5e506c16-26ab-4e32-bb78-b27f87dc0565",
    "subco": "612a1625-118d-4ea4-a6db-413184e7c0a8",
    "shelt": "2043338f-a38a-490b-b3ec-2607cb25a017",
    "national": "52950d4f-3c6e-4cee-a7d0-ff0f329eeb01",
}
NAMES = {
    "crime": ("exclusion", "Participation in a criminal organisation"),
    "tax": ("exclusion", "Payment of taxes"),
    "bankr": ("exclusion", "Bankruptcy"),
    "trade": ("suitability", "Enrolment in a trade register"),
    "turnover": ("economic_financial_standing", "General yearly turnover"),
    "refs": (
        "technical_professional_ability",
        "For service contracts: performance of services of the specified type",
    ),
    "subco": ("technical_professional_ability", "Subcontracting proportion"),
    "shelt": ("other", "Procurement reserved"),
    "national": ("other", "Statement on Noark 5 archive deposits (national criterion)"),
}


def expected_ubl(v: dict[str, Any], short: bool) -> list[tuple[Any, ...]]:
    codes = SHORT if short else LONG

    def head(key: str) -> tuple[Any, ...]:
        return (UUIDS[key], codes[key], *NAMES[key])

    (y1, a1), (y2, a2) = v["turnover"]
    return [
        head("crime"),
        ("  ", "Your answer", "indicator", {"indicator": False}),
        ("  ", "Is this information available electronically?", "indicator", {"indicator": True}),
        ("  ", "Evidence supplied", "evidence", {"evidence": v["evidence"]}),
        head("tax"),
        ("  ", "Your answer", "indicator", {"indicator": False}),
        head("bankr"),
        head("trade"),
        ("  ", "Your answer", "indicator", {"indicator": True}),
        ("  ", "Name of the register", "description", {"text": "Foretaksregisteret"}),
        ("  ", "URL of the register entry", "url", {"text": v["register_url"]}),
        head("turnover"),
        # several responses to one property: each year's period and amount, in the order given
        ("  ", "Start and end of the financial year", "period", {"start": y1[0], "end": y1[1]}),
        ("  ", "Amount", "amount", {"amount": a1, "currency": "NOK"}),
        ("  ", "Start and end of the financial year", "period", {"start": y2[0], "end": y2[1]}),
        ("  ", "Amount", "amount", {"amount": a2, "currency": "NOK"}),
        head("refs"),
        ("  ", "Description", "description", {"text": v["ref"][0]}),
        ("  ", "Amount", "amount", {"amount": v["ref"][1], "currency": "NOK"}),
        ("  ", "Date", "date", {"date": v["ref"][2]}),
        ("  ", "Recipients", "description", {"text": v["ref"][3]}),
        ("  ", "Number of users", "quantity", {"quantity": v["ref"][4], "unit": "NUMBER"}),
        head("subco"),
        ("  ", "Proportion subcontracted", "percentage", {"quantity": v["subcontract"]}),
        head("shelt"),
        ("  ", "Your answer", "indicator", {"indicator": False}),
        head("national"),
        ("  ", "Archive depository used", "code", {"code": "IKA-KO"}),
        ("  ", "Deposit agreement number", "identifier", {"text": v["deposit"], "code": "IKA Kongsberg"}),
    ]


Y24 = (date(2024, 1, 1), date(2024, 12, 31))
Y25 = (date(2025, 1, 1), date(2025, 12, 31))


def skatteattest(p: str, nr: str) -> Evidence:
    return Evidence(
        f"{p}-ev-1", f"https://www.skatteetaten.no/attest/SA-2026-{nr}", "Skatteetaten", "Skatteattest"
    )


UBL_CASES = {
    "espd-response-v2.1.0-regulated.xml": {
        "version": "2.1.0",
        "profile": "regulated",
        "profile_id": "ESPD-EDMv2.1.0-REGULATED",
        "short": False,
        "uuid": "2f6c2d4e-8a51-4c8e-9b7d-3e2a1f0c5d11",
        "issue_date": date(2026, 2, 20),
        "title": (TITLE, NOTICE),
        "eo": (
            "Saksflyt Systemer AS",
            (Identifier("918273646", "NO:ORGNR", "orgnr", "918273646"),),
            None,
            True,
        ),
        "orgnr": "918273646",
        "contact": Contact("Kari Nordmann", "kari.nordmann@saksflyt.no", "+47 35 55 01 20"),
        "p": "210",
        "values": {
            "turnover": [(Y24, Decimal("48500000.00")), (Y25, Decimal("52750000.50"))],
            "ref": (
                "Noark 5 sak-/arkivsystem for Bamble kommune",
                Decimal("3200000"),
                date(2024, 9, 1),
                "Bamble kommune",
                Decimal("450"),
            ),
            "subcontract": Decimal("15"),
            "deposit": "IKA-2025-0042",
            "register_url": "https://w2.brreg.no/enhet/sok/detalj.jsp?orgnr=918273646",
            "evidence": skatteattest("210", "118273"),
        },
    },
    "espd-response-v2.1.1-basic.xml": {
        "version": "2.1.1",
        "profile": "basic",
        "profile_id": "ESPD-EDMv2.1.1-BASIC",
        "short": False,
        "uuid": "7a1e5b20-0c3d-4f6e-8a9b-1c2d3e4f5a62",
        "issue_date": date(2026, 2, 23),
        "title": (TITLE, NOTICE),
        "eo": (
            "Nordisk Dokumentforvaltning AS",
            (Identifier("913 579 240", None, "orgnr", "913579240"),),
            None,
            False,
        ),
        "orgnr": "913579240",
        "contact": Contact("Ola Hansen", "ola.hansen@nordiskdok.no", "+47 22 10 20 30"),
        "p": "211b",
        "values": {
            "turnover": [(Y24, Decimal("120400000")), (Y25, Decimal("131900000"))],
            "ref": (
                "Elektronisk arkiv for Vestfold og Telemark fylkeskommune",
                Decimal("8750000"),
                date(2023, 5, 15),
                "Vestfold og Telemark fylkeskommune",
                Decimal("2100"),
            ),
            "subcontract": Decimal("0"),
            "deposit": "IKA-2024-0007",
            "register_url": "https://w2.brreg.no/enhet/sok/detalj.jsp?orgnr=913579240",
            "evidence": skatteattest("211b", "913579"),
        },
    },
    "espd-response-v2.1.1-extended.xml": {
        "version": "2.1.1",
        "profile": "extended",
        "profile_id": "ESPD-EDMv2.1.1-EXTENDED",
        "short": False,
        "uuid": "c3d4e5f6-1a2b-4c3d-8e9f-0a1b2c3d4e73",
        "issue_date": date(2026, 2, 24),
        "title": (TITLE, NOTICE),
        "eo": (
            "Kommunearkiv Skytjenester AS",
            (
                Identifier("NO 924 681 357 MVA", "VAT", "vat", "924681357"),
                Identifier("SE556677889901", None, "vat", None),
            ),
            "NO 924 681 357 MVA",
            True,
        ),
        "orgnr": "924681357",
        "contact": Contact("Ingrid Berg", "ingrid.berg@kommunearkiv.no", "+47 35 90 11 22"),
        "p": "211e",
        "values": {
            "turnover": [(Y24, Decimal("23100000")), (Y25, Decimal("27650000"))],
            "ref": (
                "Skybasert Noark 5-løsning for Kragerø kommune",
                Decimal("1450000.75"),
                date(2025, 3, 1),
                "Kragerø kommune",
                Decimal("180"),
            ),
            "subcontract": Decimal("25"),
            "deposit": "IKA-2025-0131",
            "register_url": "https://w2.brreg.no/enhet/sok/detalj.jsp?orgnr=924681357",
            "evidence": Evidence(
                "211e-ev-1",
                "https://www.brreg.no/firmaattest/924681357",
                "Brønnøysundregistrene",
                "Firmaattest",
            ),
        },
    },
    "espd-response-v3.3.0.xml": {
        "version": "3.3.0",
        "profile": None,
        "profile_id": "ESPD-EDMv3.3.0",
        "short": True,
        "uuid": "e5f6a7b8-2c3d-4e5f-9a0b-1c2d3e4f5a84",
        "issue_date": date(2026, 2, 25),
        "title": (TITLE, NOTICE),
        "eo": ("Fjordsak AS", (Identifier("916273843", "0192", "orgnr", "916273843"),), None, True),
        "orgnr": "916273843",
        "contact": Contact("Per Olsen", "per.olsen@fjordsak.no", "+47 55 20 30 40"),
        "p": "330",
        "values": {
            "turnover": [(Y24, Decimal("9800000")), (Y25, Decimal("11250000"))],
            "ref": (
                "Arkivløsning for Sogndal kommune",
                Decimal("690000"),
                date(2025, 11, 20),
                "Sogndal kommune",
                Decimal("95"),
            ),
            "subcontract": Decimal("40"),
            "deposit": "IKA-VL-2023-77",
            "register_url": "https://w2.brreg.no/enhet/sok/detalj.jsp?orgnr=916273843",
            "evidence": skatteattest("330", "916273"),
        },
    },
    "espd-response-v4.0.0.xml": {
        "version": "4.0.0",
        "profile": None,
        "profile_id": "ESPD-EDMv4.0.0",
        "short": True,
        "uuid": "a7b8c9d0-3e4f-4a5b-8c6d-7e8f9a0b1c95",
        "issue_date": date(2026, 2, 26),
        "title": (TITLE, NOTICE),
        # no PartyName: the name comes from the legal entity, the number from its CompanyID
        "eo": (
            "Telemark IT-tjenester AS",
            (Identifier("927384655", "NO:ORGNR", "orgnr", "927384655"),),
            None,
            True,
        ),
        "orgnr": "927384655",
        "contact": Contact("Lars Nilsen", "lars.nilsen@telemark-it.no", "+47 35 56 78 90"),
        "p": "400",
        "values": {
            "turnover": [(Y24, Decimal("31500000")), (Y25, Decimal("34200000"))],
            "ref": (
                "Sak-/arkivsystem for Midt-Telemark kommune",
                Decimal("2100000"),
                date(2024, 1, 10),
                "Midt-Telemark kommune",
                Decimal("320"),
            ),
            "subcontract": Decimal("10"),
            "deposit": "IKA-KO-2022-015",
            "register_url": "https://w2.brreg.no/enhet/sok/detalj.jsp?orgnr=927384655",
            "evidence": skatteattest("400", "927384"),
        },
    },
}


@pytest.mark.parametrize("name", sorted(UBL_CASES))
def test_a_ubl_espd_response_is_read_with_its_version_profile_operator_procurement_and_answers(
    name: str,
) -> None:
    case = UBL_CASES[name]
    r = read(name)
    assert (r.version, r.profile, r.profile_id) == (case["version"], case["profile"], case["profile_id"])
    assert (r.uuid, r.issue_date) == (case["uuid"], case["issue_date"])
    assert r.response_id == f"ESPD-{case['uuid'][:8]}"
    eo = r.economic_operator
    assert eo is not None
    name_, identifiers, vat_id, sme = case["eo"]
    assert (eo.name, eo.identifiers, eo.vat_id, eo.sme) == (name_, identifiers, vat_id, sme)
    assert eo.orgnr == case["orgnr"]
    assert eo.country == "NO"  # 3.x and 4.x write "NOR"
    assert eo.contact == case["contact"]
    p = r.procurement
    assert (p.reference, p.buyer_name, (p.title, p.description), p.lots) == (
        REFERENCE,
        "Skien kommune",
        case["title"],
        ("0",),
    )
    assert answers(r) == expected_ubl(case["values"], case["short"])
    # every answer names the property it answers
    turnover = r.criteria[4]
    assert {a.question_id for a in turnover.answers} == {
        f"{case['p']}-turnover-period",
        f"{case['p']}-turnover-amount",
    }
    # an answer to a property no criterion asks is kept beside them
    assert r.unattached_answers == (
        Answer(f"{case['p']}-ghost-x", None, "description", text="Svar uten spørsmål"),
    )


def test_the_json_form_has_stable_keys_exact_amounts_and_iso_dates() -> None:
    data = response_to_dict(read("espd-response-v2.1.1-extended.xml"))
    assert list(data) == [
        "format",
        "format_version",
        "version",
        "profile",
        "profile_id",
        "response_id",
        "uuid",
        "issue_date",
        "economic_operator",
        "procurement",
        "criteria",
        "unattached_answers",
    ]
    assert data["economic_operator"]["orgnr"] == "924681357"
    assert data["procurement"]["reference"] == REFERENCE
    amount = data["criteria"][5]["answers"][1]
    assert (amount["kind"], amount["amount"], amount["currency"]) == ("amount", "1450000.75", "NOK")
    period = data["criteria"][4]["answers"][0]
    assert (period["start"], period["end"]) == ("2024-01-01", "2024-12-31")


# ------------------------------------------------------------------------------ what is read how, in parts


@pytest.mark.parametrize(
    ("written", "kind", "orgnr"),
    [
        ("921345674", "orgnr", "921345674"),
        ("921 345 674", "orgnr", "921345674"),
        ("NO921345674MVA", "vat", "921345674"),
        ("NO 921 345 674 MVA", "vat", "921345674"),
        ("no921345674mva", "vat", "921345674"),
        ("921345675", "other", None),  # wrong MOD11 check digit: not an organisation number
        ("DE153301871", "vat", None),
        ("EL112112112", "vat", None),
        ("__EoID", "other", None),
    ],
)
def test_a_norwegian_organisation_number_is_recognised_in_every_form_it_is_written(
    written: str, kind: str, orgnr: str | None
) -> None:
    found = identifier_from(written, None)
    assert found is not None and (found.kind, found.orgnr, found.value) == (kind, orgnr, written)


@pytest.mark.parametrize(
    ("code", "category"),
    [
        ("CRITERION.EXCLUSION.CONVICTIONS.CORRUPTION", "exclusion"),
        ("EXCLUSION.CRIMINAL_CONVICTIONS", "exclusion"),
        ("CRITERION.SELECTION.SUITABILITY.AUTHORISATION", "suitability"),
        ("CRITERION.SELECTION.ECONOMIC_FINANCIAL_STANDING.FINANCIAL_RATIO", "economic_financial_standing"),
        (
            "CRITERION.SELECTION.TECHNICAL_PROFESSIONAL_ABILITY.CERTIFICATES.QUALITY_ASSURANCE.QA_INDEPENDENT_CERTIFICATE",
            "technical_professional_ability",
        ),
        ("CRITERION.OTHER.EO_DATA.REDUCTION_OF_CANDIDATES", "other"),
        ("finan-laund", "exclusion"),
        ("Corruption", "exclusion"),
        ("prof-regist", "suitability"),
        ("indem-insu", "economic_financial_standing"),
        ("qu-certif-indep", "technical_professional_ability"),
        ("relied", "other"),
        ("ef-stand", "economic_financial_standing"),
        ("tp-abil", "technical_professional_ability"),
        ("sui-act", "suitability"),
        ("something-new", "other"),
        (None, "other"),
    ],
)
def test_a_criterions_category_comes_from_its_type_code_in_either_generation(
    code: str | None, category: str
) -> None:
    assert category_of(code) == category


def test_the_eus_own_criterion_ids_tell_an_exclusion_ground_whose_code_is_unknown() -> None:
    assert category_of("some-future-ground", "C99_EG_some-future-ground") == "exclusion"


def ubl(body: str, header: str | None = None, root: str = "QualificationApplicationResponse") -> bytes:
    head = (
        header
        if header is not None
        else (
            "<cbc:ProfileExecutionID>ESPD-EDMv2.1.1-BASIC</cbc:ProfileExecutionID><cbc:VersionID>2.1.1</cbc:VersionID>"
        )
    )
    return (
        f'<{root} xmlns="urn:oasis:names:specification:ubl:schema:xsd:{root}-2" '
        'xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2" '
        'xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">'
        f"{head}{body}</{root}>"
    ).encode()


def test_a_response_with_nothing_but_its_version_reads_as_empty_never_as_empty_strings() -> None:
    r = read_response(ubl(""))
    assert r.economic_operator is None and r.criteria == () and r.unattached_answers == ()
    assert r.procurement.reference is None and r.issue_date is None and r.response_id is None


def test_namespaces_count_by_uri_not_by_prefix() -> None:
    data = (
        b'<x:QualificationApplicationResponse xmlns:x="urn:oasis:names:specification:ubl:schema:xsd:'
        b'QualificationApplicationResponse-2" xmlns:b="urn:oasis:names:specification:ubl:schema:xsd:'
        b'CommonBasicComponents-2" xmlns:cbc="urn:example:not-ubl">'
        b"<b:ProfileExecutionID>ESPD-EDMv3.1.0</b:ProfileExecutionID>"
        b"<b:ContractFolderID>2026/0417</b:ContractFolderID>"
        b"<cbc:ContractFolderID>1999/1</cbc:ContractFolderID></x:QualificationApplicationResponse>"
    )
    r = read_response(data)
    assert (r.version, r.procurement.reference) == ("3.1.0", REFERENCE)


def test_a_2_0_response_in_ubl_2_2s_pre_award_namespaces_is_read_as_the_final_ones() -> None:
    data = (
        ubl(
            "<cbc:ContractFolderID>2026/0417</cbc:ContractFolderID>",
            header="<cbc:ProfileExecutionID>ESPD-EDMv2.0.2-REGULATED</cbc:ProfileExecutionID>",
        )
        .replace(
            b"urn:oasis:names:specification:ubl:schema:xsd:QualificationApplicationResponse-2",
            b"urn:X-test:UBL:Pre-award:QualificationApplicationResponse",
        )
        .replace(
            b"urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
            b"urn:X-test:UBL:Pre-award:CommonBasic",
        )
    )
    r = read_response(data)
    assert (r.version, r.profile, r.procurement.reference) == ("2.0.2", "regulated", REFERENCE)


def test_the_title_comes_from_the_contract_notice_reference_before_any_other_reference() -> None:
    def reference(code: str, name: str) -> str:
        return (
            f"<cac:AdditionalDocumentReference><cbc:ID>x</cbc:ID><cbc:DocumentTypeCode>{code}</cbc:DocumentTypeCode>"
            "<cac:Attachment><cac:ExternalReference>"
            f"<cbc:FileName>{name}</cbc:FileName></cac:ExternalReference></cac:Attachment>"
            "</cac:AdditionalDocumentReference>"
        )

    r = read_response(ubl(reference("ESPD_REQUEST", "espd-request.xml") + reference("TED_CN", TITLE)))
    assert r.procurement.title == TITLE


def test_the_same_number_as_party_identification_and_company_id_is_listed_once() -> None:
    party = (
        "<cac:EconomicOperatorParty><cac:Party><cac:PartyIdentification><cbc:ID>927384655</cbc:ID>"
        "</cac:PartyIdentification><cac:PartyLegalEntity><cbc:CompanyID>927384655</cbc:CompanyID>"
        "</cac:PartyLegalEntity><cac:PartyTaxScheme><cbc:CompanyID>NO927384655MVA</cbc:CompanyID>"
        "</cac:PartyTaxScheme></cac:Party></cac:EconomicOperatorParty>"
    )
    eo = read_response(ubl(party)).economic_operator
    assert eo is not None and eo.identifiers == (
        Identifier("927384655", None, "orgnr", "927384655"),
        Identifier("NO927384655MVA", "VAT", "vat", "927384655"),
    )
    assert (eo.orgnr, eo.vat_id, eo.name, eo.contact, eo.country) == (
        "927384655",
        "NO927384655MVA",
        None,
        None,
        None,
    )


def test_an_unreadable_value_is_left_out_and_the_rest_kept() -> None:
    def value(inner: str) -> str:
        return f"<cac:ResponseValue>{inner}</cac:ResponseValue>"

    body = (
        "<cac:TenderingCriterion><cbc:ID>c1</cbc:ID><cbc:CriterionTypeCode>tax-pay</cbc:CriterionTypeCode>"
        "<cac:TenderingCriterionPropertyGroup><cac:TenderingCriterionProperty><cbc:ID>q1</cbc:ID>"
        "<cbc:Description>Amount</cbc:Description></cac:TenderingCriterionProperty>"
        "</cac:TenderingCriterionPropertyGroup></cac:TenderingCriterion>"
        "<cac:TenderingCriterionResponse>"
        "<cbc:ValidatedCriterionPropertyID>q1</cbc:ValidatedCriterionPropertyID>"
        + value('<cbc:ResponseAmount currencyID="NOK">mange penger</cbc:ResponseAmount>')
        + value("<cbc:ResponseDate>2025-13-45</cbc:ResponseDate>")
        + value("<cbc:ResponseIndicator>kanskje</cbc:ResponseIndicator>")
        + value('<cbc:ResponseAmount currencyID="EUR">1e400</cbc:ResponseAmount>')
        + value('<cbc:ResponseAmount currencyID="EUR">NaN</cbc:ResponseAmount>')
        + value('<cbc:ResponseAmount currencyID="EUR">125000.5</cbc:ResponseAmount>')
        + "</cac:TenderingCriterionResponse>"
    )
    criterion = read_response(ubl(body)).criteria[0]
    assert [(a.kind, a.amount, a.currency) for a in criterion.answers] == [
        ("amount", Decimal("125000.5"), "EUR")
    ]


def test_a_measure_a_number_and_a_quantity_are_read_and_a_percentage_told_by_its_unit_or_data_type() -> None:
    def question(qid: str, data_type: str) -> str:
        return (
            f"<cac:TenderingCriterionProperty><cbc:ID>{qid}</cbc:ID><cbc:Description>{qid}</cbc:Description>"
            f"<cbc:ValueDataTypeCode>{data_type}</cbc:ValueDataTypeCode></cac:TenderingCriterionProperty>"
        )

    def response(qid: str, value: str) -> str:
        return (
            f"<cac:TenderingCriterionResponse><cbc:ValidatedCriterionPropertyID>{qid}"
            f"</cbc:ValidatedCriterionPropertyID><cac:ResponseValue>{value}</cac:ResponseValue>"
            "</cac:TenderingCriterionResponse>"
        )

    body = (
        "<cac:TenderingCriterion><cbc:ID>c1</cbc:ID><cbc:CriterionTypeCode>shelt-worksh</cbc:CriterionTypeCode>"
        "<cac:TenderingCriterionPropertyGroup>"
        + question("disabled", "PERCENTAGE")
        + question("share", "QUANTITY")
        + question("years", "QUANTITY_YEAR")
        + "</cac:TenderingCriterionPropertyGroup></cac:TenderingCriterion>"
        + response("disabled", "<cbc:ResponseNumeric>30</cbc:ResponseNumeric>")
        + response("share", '<cbc:ResponseMeasure unitCode="PERCENTAGE">0.7</cbc:ResponseMeasure>')
        + response("years", '<cbc:ResponseMeasure unitCode="ANN">3</cbc:ResponseMeasure>')
    )
    criterion = read_response(ubl(body)).criteria[0]
    assert [(a.question, a.kind, a.quantity, a.unit) for a in criterion.answers] == [
        ("disabled", "percentage", Decimal("30"), None),
        ("share", "percentage", Decimal("0.7"), None),
        ("years", "quantity", Decimal("3"), "ANN"),
    ]


def test_evidence_supplied_that_names_no_evidence_in_the_file_keeps_its_id() -> None:
    body = (
        "<cac:TenderingCriterion><cbc:ID>c1</cbc:ID><cac:TenderingCriterionPropertyGroup>"
        "<cac:TenderingCriterionProperty><cbc:ID>q1</cbc:ID><cbc:Description>Evidence</cbc:Description>"
        "</cac:TenderingCriterionProperty></cac:TenderingCriterionPropertyGroup></cac:TenderingCriterion>"
        "<cac:TenderingCriterionResponse><cbc:ValidatedCriterionPropertyID>q1</cbc:ValidatedCriterionPropertyID>"
        "<cac:EvidenceSupplied><cbc:ID>EV-9</cbc:ID></cac:EvidenceSupplied></cac:TenderingCriterionResponse>"
    )
    (answer,) = read_response(ubl(body)).criteria[0].answers
    assert answer.evidence == Evidence("EV-9", None, None, None) and answer.question == "Evidence"


def test_a_property_id_reused_by_two_criteria_gives_each_its_own_answer_in_order() -> None:
    def criterion(cid: str) -> str:
        return (
            f"<cac:TenderingCriterion><cbc:ID>{cid}</cbc:ID><cac:TenderingCriterionPropertyGroup>"
            "<cac:TenderingCriterionProperty><cbc:ID>shared</cbc:ID>"
            "<cbc:Description>Your answer</cbc:Description>"
            "</cac:TenderingCriterionProperty></cac:TenderingCriterionPropertyGroup></cac:TenderingCriterion>"
        )

    def response(flag: str) -> str:
        return (
            "<cac:TenderingCriterionResponse><cbc:ValidatedCriterionPropertyID>shared"
            "</cbc:ValidatedCriterionPropertyID><cac:ResponseValue>"
            f"<cbc:ResponseIndicator>{flag}</cbc:ResponseIndicator></cac:ResponseValue>"
            "</cac:TenderingCriterionResponse>"
        )

    r = read_response(ubl(criterion("a") + criterion("b") + response("true") + response("false")))
    assert [[a.indicator for a in c.answers] for c in r.criteria] == [[True], [False]]


# ------------------------------------------------------------------------------------------ refused files


def test_bytes_that_are_not_xml_are_refused_with_the_line() -> None:
    error = refused(b'<?xml version="1.0"?>\n<QualificationApplicationResponse>\n<a>\n</b>\n')
    assert error.code == "not_xml" and error.line == 4


def test_an_empty_file_is_refused() -> None:
    assert refused(b"").code == "empty"
    assert refused(b"  \n ").code == "empty"


def test_a_pdf_is_not_xml() -> None:
    assert refused(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n").code == "not_xml"


def test_xml_that_is_not_an_espd_response_is_refused_naming_its_root() -> None:
    error = refused(
        b'<?xml version="1.0"?>\n<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"/>'
    )
    assert (error.code, error.values["root"], error.line) == ("not_espd_response", "Invoice", 2)
    # the right name in the wrong namespace is not an ESPD response either
    error = refused(b"<QualificationApplicationResponse/>")
    assert error.code == "not_espd_response"


@pytest.mark.parametrize(
    "data",
    [
        ubl("", root="QualificationApplicationRequest"),
        b'<espd-req:ESPDRequest xmlns:espd-req="urn:grow:names:specification:ubl:schema:xsd:ESPDRequest-1"/>',
    ],
)
def test_an_espd_request_is_refused_as_a_request_not_a_response(data: bytes) -> None:
    error = refused(data)
    assert error.code == "espd_request"
    assert error.values["root"] in ("QualificationApplicationRequest", "ESPDRequest")


@pytest.mark.parametrize(
    ("header", "version"),
    [
        ("<cbc:VersionID>9.0</cbc:VersionID>", "9.0"),
        (
            "<cbc:ProfileExecutionID>ESPD-EDMv4.0.0</cbc:ProfileExecutionID><cbc:VersionID>9.0</cbc:VersionID>",
            "9.0",
        ),
        ("<cbc:ProfileExecutionID>ESPD-EDMv5.0.0</cbc:ProfileExecutionID>", "5.0.0"),
        ("<cbc:ProfileExecutionID>ESPD-EDMv1.0.2</cbc:ProfileExecutionID>", "1.0.2"),
        ("<cbc:VersionID>2018.01.01</cbc:VersionID>", None),
        ("", None),
    ],
)
def test_a_version_we_do_not_read_is_refused_naming_it(header: str, version: str | None) -> None:
    error = refused(ubl("", header=header))
    assert (error.code, error.values["version"]) == ("unsupported_version", version)


def test_a_v1_response_stating_a_newer_model_version_is_refused() -> None:
    data = (FIXTURES / "espd-response-v1.xml").read_bytes().replace(b">2017.01.01<", b">9.0<")
    assert refused(data).values == {"version": "9.0"}


def test_a_v2_file_whose_version_id_is_a_content_version_is_read_by_its_profile_execution_id() -> None:
    assert read("espd-response-v2.1.0-regulated.xml").version == "2.1.0"  # VersionID there: 2018.01.01


def test_an_external_entity_is_refused_and_the_file_it_names_never_read() -> None:
    data = b'<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n' + ubl(
        "<cbc:ContractFolderID>&xxe;</cbc:ContractFolderID>"
    )
    error = refused(data)
    assert (error.code, error.line) == ("doctype_forbidden", 2)
    assert "root:" not in str(error) and "root:" not in repr(error.values)


def test_an_external_entity_after_a_long_prolog_is_refused_after_parsing() -> None:
    # the pre-check sees only the first 64 KiB: a DOCTYPE hidden behind a long comment is caught on the tree
    padding = b"<!--" + b"x" * 70_000 + b"-->\n"
    data = (
        b'<?xml version="1.0"?>\n'
        + padding
        + b'<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
        + ubl("<cbc:ContractFolderID>&xxe;</cbc:ContractFolderID>")
    )
    error = refused(data)
    assert error.code == "doctype_forbidden"


def test_billion_laughs_is_refused_before_anything_expands() -> None:
    lol = b'<!ENTITY lol "lol">' + b"".join(
        b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
        for i in range(1, 10)
    )
    data = b'<?xml version="1.0"?>\n<!DOCTYPE lolz [' + lol + b"]>\n<lolz>&lol9;</lolz>"
    assert refused(data).code == "doctype_forbidden"


def test_a_doctype_in_any_letter_case_is_refused() -> None:
    data = b'<?xml version="1.0"?><!doctype r [<!entity a "b">]><r>&a;</r>'
    assert refused(data).code == "doctype_forbidden"


def test_the_words_doctype_and_entity_in_a_comment_or_text_are_no_declaration() -> None:
    text = "<cbc:ContractFolderID>2026/0417</cbc:ContractFolderID><!-- <!DOCTYPE x> <!ENTITY y> -->"
    assert read_response(b"<!-- <!DOCTYPE r> -->\n" + ubl(text)).procurement.reference == REFERENCE


def test_billion_laughs_behind_a_long_prolog_is_refused_as_a_doctype_too() -> None:
    lol = b'<!ENTITY lol "lol">' + b"".join(
        b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
        for i in range(1, 10)
    )
    padding = b"<!--" + b"x" * 70_000 + b"-->\n"
    data = b'<?xml version="1.0"?>\n' + padding + b"<!DOCTYPE lolz [" + lol + b"]>\n<lolz>&lol9;</lolz>"
    assert refused(data).code == "doctype_forbidden"


def test_a_file_over_the_limit_is_refused_before_it_is_parsed() -> None:
    data = ubl("<!--" + "x" * MAX_BYTES + "-->")
    error = refused(data)
    assert error.code == "too_large" and error.values == {"size": len(data), "limit": MAX_BYTES}


def test_a_file_nested_deeper_than_any_espd_is_refused() -> None:
    depth = 150
    data = ubl("<cac:X>" * depth + "</cac:X>" * depth)
    assert refused(data).code == "too_deep"
    very_deep = ubl("<cac:X>" * 5000 + "</cac:X>" * 5000)
    assert refused(very_deep).code == "too_deep"


def test_a_file_with_more_elements_than_any_espd_is_refused() -> None:
    assert refused(ubl("<cac:X/>" * 600_000)).code == "too_many_elements"


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_never_raise_anything_but_the_readers_own_error(data: bytes) -> None:
    try:
        read_response(data)
    except EspdError as error:
        assert error.code


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="<>/=\"' abcQRVIDxmlns:&;!-?[]", max_size=400))
def test_arbitrary_markup_never_raises_anything_but_the_readers_own_error(text: str) -> None:
    try:
        read_response(ubl(text))
    except EspdError as error:
        assert error.code


# ------------------------------------------------------------------------------- the procurement check


@pytest.mark.parametrize("reference", ["2026/0417", " 2026/0417 ", "2026 / 0417", "2026/0417\n"])
def test_a_response_for_this_procurement_passes_whitespace_aside(reference: str) -> None:
    check_procurement(read("espd-response-v3.3.0.xml"), reference)


def test_the_reference_is_compared_without_regard_to_case() -> None:
    response = read_response(ubl("<cbc:ContractFolderID>GRENLAND-2026/0417</cbc:ContractFolderID>"))
    check_procurement(response, "grenland-2026/0417")


def test_a_response_for_another_procurement_is_refused_naming_both() -> None:
    with pytest.raises(EspdError) as caught:
        check_procurement(read("espd-response-v4.0.0.xml"), "2025/99")
    assert (caught.value.code, caught.value.values) == (
        "other_procurement",
        {"found": "2026/0417", "expected": "2025/99"},
    )


def test_a_response_naming_no_procurement_is_refused() -> None:
    with pytest.raises(EspdError) as caught:
        check_procurement(read_response(ubl("")), "2026/0417")
    assert (caught.value.code, caught.value.values) == (
        "procurement_reference_missing",
        {"expected": "2026/0417"},
    )


# ------------------------------------------------------------------------------------------ the line-up


def test_the_tenders_requirements_are_lined_up_with_the_criteria_answered_missing_or_not_in_espd() -> None:
    response = read("espd-response-v2.1.1-basic.xml")
    matches = line_up(
        response,
        [
            ("K1", "CRITERION.EXCLUSION.CONVICTIONS.PARTICIPATION_IN_CRIMINAL_ORGANISATION"),
            ("K2", "criterion.selection.economic_financial_standing.turnover.general_yearly"),
            ("K3", "CRITERION.EXCLUSION.BUSINESS.BANKRUPTCY"),  # asked in the file, never answered
            ("K4", "CRITERION.SELECTION.SUITABILITY.AUTHORISATION"),  # not in the file at all
            ("K5", None),  # the tender's own requirement: documents, no ESPD criterion
            ("K6", "5e506c16-26ab-4e32-bb78-b27f87dc0565"),  # by the criterion's UUID
        ],
    )
    assert [(m.requirement_id, m.status) for m in matches] == [
        ("K1", "answered"),
        ("K2", "answered"),
        ("K3", "missing"),
        ("K4", "missing"),
        ("K5", "not_espd"),
        ("K6", "answered"),
    ]
    assert [c.name for c in matches[0].criteria] == ["Participation in a criminal organisation"]
    assert [a.amount for a in matches[1].answers if a.kind == "amount"] == [
        Decimal("120400000"),
        Decimal("131900000"),
    ]
    assert [c.name for c in matches[2].criteria] == ["Bankruptcy"] and matches[2].answers == ()
    assert matches[3].criteria == () and matches[4].criteria == ()
    assert matches[5].criteria[0].type_code.endswith("SERVICES_DELIVERY_PERFORMANCE")


def test_a_v4_response_lines_up_with_a_tender_that_names_criteria_by_their_taxonomy_uuid() -> None:
    matches = line_up(read("espd-response-v4.0.0.xml"), [("K1", "005eb9ed-1347-4ca3-bb29-9bc0db64e1ab")])
    assert matches[0].status == "answered" and matches[0].criteria[0].type_code == "crime-org"


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.glob("*.xml")))
def test_any_kind_of_element_left_out_of_a_real_shaped_response_reads_or_is_refused_never_crashes(
    name: str,
) -> None:
    original = etree.fromstring((FIXTURES / name).read_bytes())
    tags = sorted({str(e.tag) for e in original.iter() if isinstance(e.tag, str)} - {str(original.tag)})
    assert len(tags) > 40
    for tag in tags:
        tree = etree.fromstring((FIXTURES / name).read_bytes())
        for element in list(tree.iter(tag)):
            parent = element.getparent()
            if parent is not None:
                parent.remove(element)
        try:
            response = read_response(etree.tostring(tree))
        except EspdError as error:
            # only the elements that say which version it is may make a file unreadable
            assert error.code == "unsupported_version", (tag, error)
            assert tag.endswith(("}ProfileExecutionID", "}VersionID")), tag
        else:
            assert isinstance(response, EspdResponse)


# ------------------------------------------------------------------- shapes seen in real responses (v1)


def test_a_v1_operator_identified_only_by_its_tax_agency_has_that_number_as_its_vat_number() -> None:
    # the EU ESPD service writes the VAT number without schemeID, often without a country prefix, and reads
    # it back as the VAT number; a schemeID of National_Number marks a national number even with a prefix
    eo = read("espd-response-v1-foreign-operator.xml").economic_operator
    assert eo is not None
    assert eo.identifiers == (
        Identifier("31245876", "Skattestyrelsen", "vat"),
        Identifier("DK-CVR-31245876", "National_Number", "other"),
        Identifier("SE5591234567", "National_Number", "other"),
    )
    assert (eo.name, eo.vat_id, eo.orgnr, eo.country, eo.sme) == (
        "Nordarkiv ApS",
        "31245876",
        None,
        "DK",
        True,
    )
    assert eo.contact == Contact("Mette Lund", "mette.lund@nordarkiv.dk", "+45 33 12 34 56")


@pytest.mark.parametrize(
    ("written", "scheme", "unless_said", "kind", "orgnr"),
    [
        ("12345678", "VAT_Number", False, "vat", None),
        ("BE0999999999", "VAT_Number", False, "vat", None),
        ("RO12345678", "National_Number", False, "other", None),
        ("RO12345678", None, False, "vat", None),
        ("B207781243", "Agencia Tributaria", True, "vat", None),
        ("B207781243", "Agencia Tributaria", False, "other", None),
        ("this is bogus", "Bogus", False, "other", None),
        # a Norwegian number keeps its own rule: the plain nine digits are the organisation number
        ("921345674", None, True, "orgnr", "921345674"),
        ("NO921345674MVA", "National_Number", False, "orgnr", "921345674"),
        ("921345674", "VAT_Number", False, "vat", "921345674"),
    ],
)
def test_an_identifiers_scheme_says_whether_it_is_a_vat_number(
    written: str, scheme: str | None, unless_said: bool, kind: str, orgnr: str | None
) -> None:
    assert identifier_from(written, scheme, vat_unless_said=unless_said) == Identifier(
        written,
        scheme,
        kind,
        orgnr,  # type: ignore[arg-type]
    )


def test_a_v1_response_with_the_eu_services_early_type_codes_reads_each_answer() -> None:
    r = read("espd-response-v1-foreign-operator.xml")
    assert (r.version, r.procurement.reference, r.procurement.buyer_name) == ("1", REFERENCE, "Skien kommune")
    assert [(c.type_code, c.category) for c in r.criteria] == [
        ("EXCLUSION.PAYMENT_OF_TAXES", "exclusion"),
        ("SELECTION.ECONOMIC_FINANCIAL_STANDING", "economic_financial_standing"),
    ]
    assert [(a.question, a.kind) for a in r.criteria[0].answers] == [
        ("Ditt svar?", "indicator"),
        ("Land det gjelder", "code"),
        ("Beløp det gjelder", "amount"),
        ("Dato for avgjørelsen", "date"),
        ("Utelukkelsesperiodens lengde", "period"),
        ("Beskriv tiltakene", "description"),
        ("URL", "evidence"),
    ]
    taxes = r.criteria[0].answers
    assert (taxes[1].code, taxes[2].amount, taxes[2].currency) == ("DK", Decimal("18250.0"), "DKK")
    assert (taxes[4].text, taxes[4].start, taxes[4].end) == ("Til utgangen av 2024.", None, None)
    assert taxes[6].evidence == Evidence(None, "https://skat.dk/attest/2026-31245876.pdf", None, None)
    turnover = r.criteria[1].answers
    assert [(a.kind, a.quantity, a.unit, a.amount, a.currency) for a in turnover] == [
        ("quantity", Decimal("2025"), "YEAR", None, None),
        ("amount", None, None, Decimal("14750000.5"), "DKK"),
    ]
    # both found by the taxonomy's UUID, which a tender may name them by
    wanted = [
        ("K1", "CRITERION.EXCLUSION.CONTRIBUTIONS.PAYMENT_OF_TAXES"),
        ("K2", "CRITERION.SELECTION.ECONOMIC_FINANCIAL_STANDING.TURNOVER.GENERAL_YEARLY"),
    ]
    assert [m.status for m in line_up(r, wanted)] == ["answered", "answered"]
