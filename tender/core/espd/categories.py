"""The category of an ESPD criterion, from its type code.

ESPD-EDM 1.x and 2.x write dotted codes ("CRITERION.EXCLUSION.CONVICTIONS.CORRUPTION",
"CRITERION.SELECTION.ECONOMIC_FINANCIAL_STANDING.TURNOVER.GENERAL_YEARLY"; some early services "EXCLUSION.…"):
the category is a word in the code. From 3.0 the codes are the EU vocabulary's "criterion" list ("corruption",
"gen-year-to"): the category comes from the list below. A code in neither is "other", and the criterion is
kept all the same.
"""

from __future__ import annotations

from tender.core.espd.model import Category

#: the EU "criterion" authority table (ESPD-EDM 3.x/4.x) grouped by the part of the ESPD each belongs to
SHORT_CODES: dict[str, Category] = {
    **dict.fromkeys(
        (
            "crime-org corruption fraud terr-offence finan-laund human-traffic tax-pay socsec-pay envir-law "
            "socsec-law socia-law labour-law bankruptcy insolvency cred-arran bankr-nat liq-admin susp-act "
            "prof-misconduct distorsion partic-confl prep-confl sanction misinterpr misrepresent nati-ground"
        ).split(),
        "exclusion",
    ),
    **dict.fromkeys("prof-regist trade-regist autorisation authorisation membership".split(), "suitability"),
    **dict.fromkeys(
        "gen-year-to aver-year-to spec-aver-to spec-year-to finan-rat indem-insu finan-requ".split(),
        "economic_financial_standing",
    ),
    **dict.fromkeys(
        (
            "work-perform supply-perform service-perform qual-cont-tech work-tech qual-facil research-fac "
            "chain-manage qualification envir-measure tech-equip spec-req-check manage-staff year-manpower "
            "suncont-port wo-autent w-autent qa-certif-inst qu-certif-indep envir-certif-indep"
        ).split(),
        "technical_professional_ability",
    ),
    **dict.fromkeys("shelt-worksh registered eo-group relied subco-ent staff-red sme".split(), "other"),
}


def category_of(type_code: str | None, criterion_id: str | None = None) -> Category:
    """The category of a criterion with this type code (``criterion_id`` helps where the code is unknown)."""
    code = (type_code or "").strip()
    words = set(code.upper().replace("-", "_").split("."))
    if "EXCLUSION" in words:
        return "exclusion"
    if "SUITABILITY" in words:
        return "suitability"
    if "ECONOMIC_FINANCIAL_STANDING" in words:
        return "economic_financial_standing"
    if "TECHNICAL_PROFESSIONAL_ABILITY" in words:
        return "technical_professional_ability"
    known = SHORT_CODES.get(code.lower())
    if known:
        return known
    # the EU's own 4.x instances name their criteria "C1_EG_crime-org" (EG: exclusion ground)
    if criterion_id and "_EG_" in criterion_id.upper():
        return "exclusion"
    return "other"
