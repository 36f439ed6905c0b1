"""The ESPD criteria of the EU taxonomy under every name an ESPD generation gives them.

A tender set up with one generation's code must find the criterion in a response of another: ESPD-EDM 1.x
and 2.x name a criterion by a dotted type code ("CRITERION.EXCLUSION.CONVICTIONS.CORRUPTION"), 3.x and 4.x by
the EU vocabulary's short code ("corruption"), and all of them carry the criterion's UUID, which the taxonomy
kept from 1.0 to 4.0. ``identities(name)`` gives every name of the criterion ``name`` is one of;
``same_criterion(a, b)`` says whether two names name the same criterion. A name not in the table is only
itself, so a national criterion or a future code still matches its own spelling and nothing else.

Only pairs read in the EU's published taxonomy files are in the table (see the comment above each group):
nothing is inferred from similar names. A short code is None where it was not read beside the UUID in the
4.0.0 taxonomy; such a criterion still matches a 3.x/4.x response through its UUID. Where ESPD-EDM 1.0.2
wrote another dotted code than 2.x, the 1.0.2 one is kept as ``v1`` and is a name of the criterion too.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from tender.core.espd.model import Category

__all__ = ["KNOWN_CRITERIA", "KnownCriterion", "identities", "known_criterion", "same_criterion"]


@dataclass(frozen=True)
class KnownCriterion:
    #: the criterion's UUID (cbc:ID of cac:TenderingCriterion / ccv:Criterion)
    uuid: str
    #: the dotted type code of ESPD-EDM 2.x (and of 1.x unless ``v1`` says otherwise)
    dotted: str
    #: the short code of ESPD-EDM 3.x/4.x (the EU "criterion" list), None where not verified
    short: str | None
    category: Category
    #: the dotted code ESPD-EDM 1.0.2 gives the criterion, where it differs from the 2.x one
    v1: str | None = None

    @property
    def names(self) -> tuple[str, ...]:
        """Every name of the criterion, as the taxonomy writes them."""
        return tuple(n for n in (self.uuid, self.dotted, self.short, self.v1) if n)


def _row(
    uuid: str, dotted: str, short: str | None, category: Category, v1: str | None = None
) -> KnownCriterion:
    return KnownCriterion(uuid, dotted, short, category, v1)


_EX = "CRITERION.EXCLUSION."
_SUI = "CRITERION.SELECTION.SUITABILITY."
_EFS = "CRITERION.SELECTION.ECONOMIC_FINANCIAL_STANDING."
_TPA = "CRITERION.SELECTION.TECHNICAL_PROFESSIONAL_ABILITY."

#: in the order of the taxonomy (part III A–D, then part IV A–D)
KNOWN_CRITERIA: tuple[KnownCriterion, ...] = (
    # Exclusion grounds. UUID and dotted code: OP-TED/ESPD-EDM, ESPD/uuid/v1.0.2.txt (commit 7c83ec29), the
    # criterion rows C1–C23; the same pairs for 2.1.1 in Hankintailmoitukset/hilma-espd-edm,
    # Espd/CriterionModels/v2_1_1/ExclusionGroundsSpecification.cs (commit 188b07ca). Short code beside the
    # same UUID: OP-TED/ESPD-EDM, espd_edm_v4.0.0.json (commit 1a769867), criteria CC1–CC24 ("elementUUID" /
    # "elementcode"). 3.2.0's code list writes "misinterpr" for CC23; 4.0.0 writes "misrepresent", and only
    # that one was read beside the UUID.
    _row(
        "005eb9ed-1347-4ca3-bb29-9bc0db64e1ab",
        _EX + "CONVICTIONS.PARTICIPATION_IN_CRIMINAL_ORGANISATION",
        "crime-org",
        "exclusion",
    ),
    _row("c27b7c4e-c837-4529-b867-ed55ce639db5", _EX + "CONVICTIONS.CORRUPTION", "corruption", "exclusion"),
    _row("297d2323-3ede-424e-94bc-a91561e6f320", _EX + "CONVICTIONS.FRAUD", "fraud", "exclusion"),
    _row(
        "d486fb70-86b3-4e75-97f2-0d71b5697c7d",
        _EX + "CONVICTIONS.TERRORIST_OFFENCES",
        "terr-offence",
        "exclusion",
    ),
    _row(
        "47112079-6fec-47a3-988f-e561668c3aef",
        _EX + "CONVICTIONS.MONEY_LAUNDERING",
        "finan-laund",
        "exclusion",
    ),
    _row(
        "d789d01a-fe03-4ccd-9898-73f9cfa080d1",
        _EX + "CONVICTIONS.CHILD_LABOUR-HUMAN_TRAFFICKING",
        "human-traffic",
        "exclusion",
    ),
    _row(
        "b61bbeb7-690e-4a40-bc68-d6d4ecfaa3d4", _EX + "CONTRIBUTIONS.PAYMENT_OF_TAXES", "tax-pay", "exclusion"
    ),
    _row(
        "7d85e333-bbab-49c0-be8d-c36d71a72f5e",
        _EX + "CONTRIBUTIONS.PAYMENT_OF_SOCIAL_SECURITY",
        "socsec-pay",
        "exclusion",
    ),
    _row("a80ddb62-d25b-4e4e-ae22-3968460dc0a9", _EX + "SOCIAL.ENVIRONMENTAL_LAW", "envir-law", "exclusion"),
    _row("a261a395-ed17-4939-9c75-b9ff1109ca6e", _EX + "SOCIAL.SOCIAL_LAW", "socsec-law", "exclusion"),
    _row("a34b70d6-c43d-4726-9a88-8e2b438424bf", _EX + "SOCIAL.LABOUR_LAW", "labour-law", "exclusion"),
    _row("d3732c09-7d62-4edc-a172-241da6636e7c", _EX + "BUSINESS.BANKRUPTCY", "bankruptcy", "exclusion"),
    _row("396f288a-e267-4c20-851a-ed4f7498f137", _EX + "BUSINESS.INSOLVENCY", "insolvency", "exclusion"),
    _row(
        "68918c7a-f5bc-4a1a-a62f-ad8983600d48",
        _EX + "BUSINESS.CREDITORS_ARRANGEMENT",
        "cred-arran",
        "exclusion",
    ),
    _row(
        "daffa2a9-9f8f-4568-8be8-7b8bf306d096",
        _EX + "BUSINESS.BANKRUPTCY_ANALOGOUS",
        "bankr-nat",
        "exclusion",
    ),
    _row(
        "8fda202a-0c37-41bb-9d7d-de3f49edbfcb",
        _EX + "BUSINESS.LIQUIDATOR_ADMINISTERED",
        "liq-admin",
        "exclusion",
    ),
    _row(
        "166536e2-77f7-455c-b018-70582474e4f6", _EX + "BUSINESS.ACTIVITIES_SUSPENDED", "susp-act", "exclusion"
    ),
    _row(
        "514d3fde-1e3e-4dcd-b02a-9f984d5bbda3",
        _EX + "MISCONDUCT.MC_PROFESSIONAL",
        "prof-misconduct",
        "exclusion",
    ),
    _row(
        "56d13e3d-76e8-4f23-8af6-13e60a2ee356",
        _EX + "MISCONDUCT.MARKET_DISTORTION",
        "distorsion",
        "exclusion",
    ),
    _row(
        "b1b5ac18-f393-4280-9659-1367943c1a2e",
        _EX + "CONFLICT_OF_INTEREST.PROCEDURE_PARTICIPATION",
        "partic-confl",
        "exclusion",
    ),
    _row(
        "61874050-5130-4f1c-a174-720939c7b483",
        _EX + "CONFLICT_OF_INTEREST.PROCEDURE_PREPARATION",
        "prep-confl",
        "exclusion",
    ),
    _row(
        "3293e92b-7f3e-42f1-bee6-a7641bb04251",
        _EX + "CONFLICT_OF_INTEREST.EARLY_TERMINATION",
        "sanction",
        "exclusion",
    ),
    _row(
        "696a75b2-6107-428f-8b74-82affb67e184",
        _EX + "CONFLICT_OF_INTEREST.MISINTERPRETATION",
        "misrepresent",
        "exclusion",
    ),
    _row("63adb07d-db1b-4ef0-a14e-a99785cf8cf6", _EX + "NATIONAL.OTHER", "nati-ground", "exclusion"),
    # Selection criteria. UUID and dotted code: OP-TED/ESPD-EDM, ESPD/uuid/v1.0.2.txt (commit 7c83ec29), the
    # criterion rows C24–C55; the 2.1.1 pairs in Hankintailmoitukset/hilma-espd-edm,
    # Espd/CriterionModels/v2_1_1/SelectionCriteriaSpecification.cs (commit 0b11bfbb), which differ from 1.0.2
    # for two criteria (the 1.0.2 code is kept as ``v1``).
    # Short code beside the same UUID: OP-TED/ESPD-EDM, espd_edm_v4.0.0.json (commit 1a769867), criteria
    # CC25–CC32 and CC34–CC50 (the allowance of checks is "spec-req-check" there); the set-up criterion (1.0.2
    # C32) is not in 3.x/4.x. The short codes of CC51 onwards (subcontracting proportion, samples, quality
    # and environmental certificates) were not read beside their UUIDs and are left out.
    _row(
        "6ee55a59-6adb-4c3a-b89f-e62a7ad7be7f",
        _SUI + "PROFESSIONAL_REGISTER_ENROLMENT",
        "prof-regist",
        "suitability",
    ),
    _row(
        "87b3fa26-3549-4f92-b8e0-3fd8f04bf5c7",
        _SUI + "TRADE_REGISTER_ENROLMENT",
        "trade-regist",
        "suitability",
    ),
    _row("9eeb6d5c-0eb8-48e8-a4c5-5087a7c095a4", _SUI + "AUTHORISATION", "authorisation", "suitability"),
    _row("73f10e36-ed7a-412e-995c-aa76463e3776", _SUI + "MEMBERSHIP", "membership", "suitability"),
    _row(
        "499efc97-2ac1-4af2-9e84-323c2ca67747",
        _EFS + "TURNOVER.GENERAL_YEARLY",
        "gen-year-to",
        "economic_financial_standing",
    ),
    _row(
        "b16cb9fc-6cb7-4585-9302-9533b415cf48",
        _EFS + "TURNOVER.AVERAGE_YEARLY",
        "aver-year-to",
        "economic_financial_standing",
    ),
    _row(
        "074f6031-55f9-4e99-b9a4-c4363e8bc315",
        _EFS + "TURNOVER.SPECIFIC_YEARLY",
        "spec-year-to",
        "economic_financial_standing",
    ),
    _row(
        "d3dfb714-f558-4512-bbc5-e456fa2339de",
        _EFS + "TURNOVER.SPECIFIC_AVERAGE",
        "spec-aver-to",
        "economic_financial_standing",
    ),
    _row(
        "77f481ce-ffb6-483f-8e2b-c78db5e68292", _EFS + "TURNOVER.SET_UP", None, "economic_financial_standing"
    ),
    _row(
        "e4d37adc-08cd-4f4d-a8d8-32b62b0a1f46",
        _EFS + "FINANCIAL_RATIO",
        "finan-rat",
        "economic_financial_standing",
    ),
    _row(
        "7604bd40-4462-4086-8763-a50da51a869c",
        _EFS + "RISK_INDEMNITY_INSURANCE",
        "indem-insu",
        "economic_financial_standing",
    ),
    _row(
        "ab0e7f2e-6418-40e2-8870-6713123e41ad",
        _EFS + "OTHER_REQUIREMENTS",
        "finan-requ",
        "economic_financial_standing",
    ),
    _row(
        "cdd3bb3e-34a5-43d5-b668-2aab86a73822",
        _TPA + "REFERENCES.WORKS_PERFORMANCE",
        "work-perform",
        "technical_professional_ability",
    ),
    _row(
        "3a18a175-1863-4b1d-baef-588ce61960ca",
        _TPA + "REFERENCES.SUPPLIES_DELIVERY_PERFORMANCE",
        "supply-perform",
        "technical_professional_ability",
    ),
    _row(
        "5e506c16-26ab-4e32-bb78-b27f87dc0565",
        _TPA + "REFERENCES.SERVICES_DELIVERY_PERFORMANCE",
        "service-perform",
        "technical_professional_ability",
    ),
    _row(
        "3aaca389-4a7b-406b-a4b9-080845d127e7",
        _TPA + "TECHNICAL.TECHNICIANS_FOR_QUALITY_CONTROL",
        "qual-cont-tech",
        "technical_professional_ability",
    ),
    _row(
        "c599c130-b29f-461e-a187-4e16c7d40db7",
        _TPA + "TECHNICAL.TECHNICIANS_FOR_CARRYING_WORKS",
        "work-tech",
        "technical_professional_ability",
    ),
    _row(
        "4bf996d9-439c-40c6-9ab9-980a48cb55a1",
        _TPA + "TECHNICAL.FACILITIES_FOR_QUALITY_ENSURING",
        "qual-facil",
        "technical_professional_ability",
    ),
    _row(
        "90a2e100-44cc-45d3-9970-69d6714f1596",
        _TPA + "TECHNICAL.FACILITIES_FOR_STUDY_RESEARCH",
        "research-fac",
        "technical_professional_ability",
        v1=_TPA + "TECHNICAL.FACILITIES.FOR_STUDY_RESEARCH",
    ),
    _row(
        "dc12a151-7fdf-4733-a8f0-30f667292e66",
        _TPA + "TECHNICAL.SUPPLY_CHAIN_MANAGEMENT",
        "chain-manage",
        "technical_professional_ability",
    ),
    _row(
        "c8809aa1-29b6-4f27-ae2f-27e612e394db",
        _TPA + "TECHNICAL.CHECKS.ALLOWANCE_OF_CHECKS",
        "spec-req-check",
        "technical_professional_ability",
    ),
    _row(
        "07301031-2270-41af-8e7e-66fe0c777107",
        _TPA + "TECHNICAL.PROFESSIONAL_QUALIFICATIONS",
        "qualification",
        "technical_professional_ability",
        v1=_TPA + "PROFESSIONAL.QUALIFICATIONS",
    ),
    _row(
        "9460457e-b43d-48a9-acd1-615de6ddd33e",
        _TPA + "TECHNICAL.ENVIRONMENTAL_MANAGEMENT_MEASURES",
        "envir-measure",
        "technical_professional_ability",
    ),
    _row(
        "6346959b-e097-4ea1-89cd-d1b4c131ea4d",
        _TPA + "MANAGEMENT.MANAGERIAL_STAFF",
        "manage-staff",
        "technical_professional_ability",
    ),
    _row(
        "1f49b3f0-d50f-43f6-8b30-4bafab108b9b",
        _TPA + "MANAGEMENT.AVERAGE_ANNUAL_MANPOWER",
        "year-manpower",
        "technical_professional_ability",
    ),
    _row(
        "cc18c023-211d-484d-a32e-52f3f970285f",
        _TPA + "TECHNICAL.EQUIPMENT",
        "tech-equip",
        "technical_professional_ability",
    ),
    _row(
        "612a1625-118d-4ea4-a6db-413184e7c0a8",
        _TPA + "MANAGEMENT.SUBCONTRACTING_PROPORTION",
        None,
        "technical_professional_ability",
    ),
    _row(
        "bdf0601d-2480-4250-b870-658d0ee95be6",
        _TPA + "MANAGEMENT.ARTEFACTS.NO_AUTHENTICATED_ARTEFACTS",
        None,
        "technical_professional_ability",
    ),
    _row(
        "7662b7a9-bcb8-4763-a0a7-7505d8e8470d",
        _TPA + "MANAGEMENT.ARTEFACTS.AUTHENTICATED_ARTEFACTS",
        None,
        "technical_professional_ability",
    ),
    _row(
        "a7669d7d-9297-43e1-9d10-691a1660187c",
        _TPA + "CERTIFICATES.QUALITY_ASSURANCE.QA_INSTITUTES_CERTIFICATE",
        None,
        "technical_professional_ability",
    ),
    _row(
        "d726bac9-e153-4e75-bfca-c5385587766d",
        _TPA + "CERTIFICATES.QUALITY_ASSURANCE.QA_INDEPENDENT_CERTIFICATE",
        None,
        "technical_professional_ability",
    ),
    _row(
        "8ed65e48-fd0d-444f-97bd-4f58da632999",
        _TPA + "CERTIFICATES.ENVIRONMENTAL_MANAGEMENT.ENV_INDEPENDENT_CERTIFICATE",
        None,
        "technical_professional_ability",
    ),
)


def _key(name: str) -> str:
    # people paste codes with stray spaces, line breaks or another case: " Corruption ", "tax-pay\n"
    return "".join(unicodedata.normalize("NFKC", name).split()).casefold()


_BY_NAME: dict[str, KnownCriterion] = {_key(n): c for c in KNOWN_CRITERIA for n in c.names}


def known_criterion(name: str | None) -> KnownCriterion | None:
    """The taxonomy's criterion with this UUID, dotted or short code, if it is one we know."""
    if not name:
        return None
    return _BY_NAME.get(_key(name))


def identities(code_or_uuid: str) -> frozenset[str]:
    """Every name of the criterion (UUID, dotted code, short code), compared without case and whitespace.

    An empty name has none; a name the table does not know is only itself.
    """
    key = _key(code_or_uuid)
    if not key:
        return frozenset()
    known = _BY_NAME.get(key)
    return frozenset(_key(n) for n in known.names) if known else frozenset({key})


def same_criterion(a: str, b: str) -> bool:
    """Whether ``a`` and ``b`` name the same criterion, whichever ESPD generation each name is from."""
    return bool(identities(a) & identities(b))
