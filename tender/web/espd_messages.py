"""The ESPD reader's codes in Norwegian bokmål: why a file was refused, the criteria categories, the answers.

The reader (``tender.core.espd``) raises ``EspdError(code, values, line)`` and gives categories and answer
kinds as codes; this is the one place they become words, for pages and for ``tender espd read``. Numbers,
amounts and dates go through ``tender.formatting``. tests/test_espd_messages.py fails for a code the reader
can raise without a wording here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from tender.core.espd import KNOWN_CRITERIA, Answer, Category, EspdError, known_criterion
from tender.formatting import (
    LOCALE,
    format_date,
    format_decimal,
    format_file_size,
    format_money,
    format_percent_points,
)
from tender.web.vendor_messages import N_

__all__ = [
    "CATEGORY_NAMES",
    "CRITERION_NAMES",
    "KIND_NAMES",
    "NORWEGIAN",
    "STATUS_NAMES",
    "answer_value",
    "category_name",
    "criterion_choices",
    "criterion_name",
    "message",
]

Wording = Callable[[Mapping[str, Any]], str]


def _version(v: Mapping[str, Any]) -> str:
    version = v.get("version")
    if not version:
        return (
            "Filen sier ikke hvilken versjon av ESPD-datamodellen den følger. Vi leser ESPD-svar i versjon 1 "
            "og versjon 2, 3 og 4 (ESPD-EDM)."
        )
    return (
        f"Filen er et ESPD-svar i versjon {version} av datamodellen, som vi ikke kan lese. "
        "Vi leser versjon 1 og versjon 2, 3 og 4 (ESPD-EDM). Lag svaret på nytt i en av disse versjonene."
    )


def _not_espd(v: Mapping[str, Any]) -> str:
    root = v.get("root") or "ukjent"
    return (
        f"Filen er XML, men ikke et ESPD-svar: rotelementet er «{root}», "
        "ikke «QualificationApplicationResponse» eller «ESPDResponse»."
    )


NORWEGIAN: dict[str, Wording] = {
    "empty": lambda v: "Filen er tom.",
    "too_large": lambda v: (
        f"Filen er for stor ({format_file_size(v['size'])}). Et ESPD-svar kan være på høyst "
        f"{format_file_size(v['limit'])}."
    ),
    "doctype_forbidden": lambda v: (
        "Filen har en dokumenttypedeklarasjon (DOCTYPE/ENTITY). Det bruker ikke ESPD-svar, og av "
        "sikkerhetshensyn leser vi ikke slike filer."
    ),
    "not_xml": lambda v: "Filen er ikke gyldig XML.",
    "too_deep": lambda v: (
        f"Filen har elementer nøstet i mer enn {v['limit']} nivåer. Så dypt går ikke et ESPD-svar, og vi "
        "leser den ikke."
    ),
    "too_many_elements": lambda v: (
        f"Filen har mer enn {format_decimal(v['limit'], 0)} elementer. Så mange har ikke et ESPD-svar, og vi "
        "leser den ikke."
    ),
    "espd_request": lambda v: (
        f"Filen er en ESPD-forespørsel («{v.get('root')}») fra oppdragsgiveren, ikke et ESPD-svar. Last opp "
        "svaret dere har fylt ut."
    ),
    "not_espd_response": _not_espd,
    "unsupported_version": _version,
    "other_procurement": lambda v: (
        f"Filen er et ESPD-svar for en annen anskaffelse ({v['found']}), ikke for denne ({v['expected']})."
    ),
    "procurement_reference_missing": lambda v: (
        f"ESPD-svaret oppgir ikke hvilken anskaffelse det gjelder. Det må vise til denne ({v['expected']})."
    ),
}


def message(error: EspdError) -> str:
    """The Norwegian wording of ``error``, with the line in the file where the reader knows it."""
    wording = NORWEGIAN.get(error.code)
    text = wording(error.values) if wording else f"Filen kan ikke leses som et ESPD-svar ({error.code})."
    if error.line is not None:
        text = f"{text[:-1]} (linje {error.line})." if text.endswith(".") else f"{text} (linje {error.line})"
    return text


CATEGORY_NAMES: dict[str, str] = {
    "exclusion": N_("Utelukkelsesgrunner"),
    "suitability": N_("Egnethet"),
    "economic_financial_standing": N_("Økonomisk og finansiell kapasitet"),
    "technical_professional_ability": N_("Teknisk og faglig kvalifikasjon"),
    "other": "Andre",
}


def category_name(category: Category | str) -> str:
    return CATEGORY_NAMES.get(category, CATEGORY_NAMES["other"])


_EX = "CRITERION.EXCLUSION."
_SUI = "CRITERION.SELECTION.SUITABILITY."
_EFS = "CRITERION.SELECTION.ECONOMIC_FINANCIAL_STANDING."
_TPA = "CRITERION.SELECTION.TECHNICAL_PROFESSIONAL_ABILITY."

#: the Norwegian name of each criterion of the taxonomy (tender.core.espd.KNOWN_CRITERIA), by its dotted
#: code; the names follow the Norwegian ESPD form's wording where it has one. Marked (``N_``) for the English
#: catalogue, whose English names are the EU's own (the criterion code list of the Publications Office,
#: ESPD-EDM): a vendor's page in English shows them through the ``tr`` filter
CRITERION_NAMES: dict[str, str] = {
    _EX + "CONVICTIONS.PARTICIPATION_IN_CRIMINAL_ORGANISATION": N_("Deltakelse i en kriminell organisasjon"),
    _EX + "CONVICTIONS.CORRUPTION": N_("Korrupsjon"),
    _EX + "CONVICTIONS.FRAUD": N_("Bedrageri"),
    _EX + "CONVICTIONS.TERRORIST_OFFENCES": N_(
        "Terrorhandlinger eller handlinger knyttet til terrorvirksomhet"
    ),
    _EX + "CONVICTIONS.MONEY_LAUNDERING": N_("Hvitvasking av penger eller finansiering av terrorisme"),
    _EX + "CONVICTIONS.CHILD_LABOUR-HUMAN_TRAFFICKING": N_("Barnearbeid og andre former for menneskehandel"),
    _EX + "CONTRIBUTIONS.PAYMENT_OF_TAXES": N_("Betaling av skatt"),
    _EX + "CONTRIBUTIONS.PAYMENT_OF_SOCIAL_SECURITY": N_("Betaling av trygdeavgifter"),
    _EX + "SOCIAL.ENVIRONMENTAL_LAW": N_("Brudd på miljørettslige forpliktelser"),
    _EX + "SOCIAL.SOCIAL_LAW": N_("Brudd på sosialrettslige forpliktelser"),
    _EX + "SOCIAL.LABOUR_LAW": N_("Brudd på arbeidsrettslige forpliktelser"),
    _EX + "BUSINESS.BANKRUPTCY": N_("Konkurs"),
    _EX + "BUSINESS.INSOLVENCY": N_("Insolvens"),
    _EX + "BUSINESS.CREDITORS_ARRANGEMENT": N_("Akkord med kreditorer"),
    _EX + "BUSINESS.BANKRUPTCY_ANALOGOUS": N_("Situasjon tilsvarende konkurs etter nasjonal rett"),
    _EX + "BUSINESS.LIQUIDATOR_ADMINISTERED": N_("Eiendelene forvaltes av en bobestyrer"),
    _EX + "BUSINESS.ACTIVITIES_SUSPENDED": N_("Næringsvirksomheten er innstilt"),
    _EX + "MISCONDUCT.MC_PROFESSIONAL": N_("Alvorlig feil i yrkesutøvelsen"),
    _EX + "MISCONDUCT.MARKET_DISTORTION": N_("Avtaler med andre leverandører som skal vri konkurransen"),
    _EX + "CONFLICT_OF_INTEREST.PROCEDURE_PARTICIPATION": N_(
        "Interessekonflikt på grunn av deltakelsen i konkurransen"
    ),
    _EX + "CONFLICT_OF_INTEREST.PROCEDURE_PREPARATION": N_(
        "Direkte eller indirekte deltakelse i forberedelsen av konkurransen"
    ),
    _EX + "CONFLICT_OF_INTEREST.EARLY_TERMINATION": N_(
        "Tidlig heving, erstatning eller andre tilsvarende sanksjoner"
    ),
    _EX + "CONFLICT_OF_INTEREST.MISINTERPRETATION": N_(
        "Uriktige opplysninger, tilbakeholdte opplysninger, manglende dokumentasjon eller urettmessig "
        "innhentede fortrolige opplysninger"
    ),
    _EX + "NATIONAL.OTHER": N_("Rent nasjonale avvisningsgrunner"),
    _SUI + "PROFESSIONAL_REGISTER_ENROLMENT": N_("Registrering i et relevant yrkesregister"),
    _SUI + "TRADE_REGISTER_ENROLMENT": N_("Registrering i et foretaksregister"),
    _SUI + "AUTHORISATION": N_("Tjenestekontrakter: krav om autorisasjon"),
    _SUI + "MEMBERSHIP": N_("Tjenestekontrakter: krav om medlemskap i en bestemt organisasjon"),
    _EFS + "TURNOVER.GENERAL_YEARLY": N_("Generell årlig omsetning"),
    _EFS + "TURNOVER.AVERAGE_YEARLY": N_("Gjennomsnittlig årlig omsetning"),
    _EFS + "TURNOVER.SPECIFIC_YEARLY": N_("Spesifikk årlig omsetning"),
    _EFS + "TURNOVER.SPECIFIC_AVERAGE": N_("Spesifikk gjennomsnittlig årlig omsetning"),
    _EFS + "TURNOVER.SET_UP": N_("Leverandørens etableringstidspunkt"),
    _EFS + "FINANCIAL_RATIO": N_("Økonomiske nøkkeltall"),
    _EFS + "RISK_INDEMNITY_INSURANCE": N_("Yrkesansvarsforsikring"),
    _EFS + "OTHER_REQUIREMENTS": N_("Andre økonomiske eller finansielle krav"),
    _TPA + "REFERENCES.WORKS_PERFORMANCE": N_("Referanser – bygge- og anleggsarbeider"),
    _TPA + "REFERENCES.SUPPLIES_DELIVERY_PERFORMANCE": N_("Referanser – varer"),
    _TPA + "REFERENCES.SERVICES_DELIVERY_PERFORMANCE": N_("Referanser – tjenester"),
    _TPA + "TECHNICAL.TECHNICIANS_FOR_QUALITY_CONTROL": N_(
        "Teknikere eller tekniske organer for kvalitetskontroll"
    ),
    _TPA + "TECHNICAL.TECHNICIANS_FOR_CARRYING_WORKS": N_(
        "Teknikere eller tekniske organer for utførelse av arbeidet"
    ),
    _TPA + "TECHNICAL.FACILITIES_FOR_QUALITY_ENSURING": N_(
        "Tekniske hjelpemidler og tiltak for å sikre kvaliteten"
    ),
    _TPA + "TECHNICAL.FACILITIES_FOR_STUDY_RESEARCH": N_("Undersøkelses- og forskningsmuligheter"),
    _TPA + "TECHNICAL.SUPPLY_CHAIN_MANAGEMENT": N_("Styring av forsyningskjeden"),
    _TPA + "TECHNICAL.CHECKS.ALLOWANCE_OF_CHECKS": N_("Adgang til kontroll"),
    _TPA + "TECHNICAL.PROFESSIONAL_QUALIFICATIONS": N_("Utdanning og faglige kvalifikasjoner"),
    _TPA + "TECHNICAL.ENVIRONMENTAL_MANAGEMENT_MEASURES": N_("Miljøstyringstiltak"),
    _TPA + "MANAGEMENT.MANAGERIAL_STAFF": N_("Antall ledere"),
    _TPA + "MANAGEMENT.AVERAGE_ANNUAL_MANPOWER": N_("Gjennomsnittlig årlig arbeidsstyrke"),
    _TPA + "TECHNICAL.EQUIPMENT": N_("Verktøy, materiell og teknisk utstyr"),
    _TPA + "MANAGEMENT.SUBCONTRACTING_PROPORTION": N_("Andel underleveranser"),
    _TPA + "MANAGEMENT.ARTEFACTS.NO_AUTHENTICATED_ARTEFACTS": N_(
        "Varekontrakter: prøver, beskrivelser eller fotografier uten ekthetsbevis"
    ),
    _TPA + "MANAGEMENT.ARTEFACTS.AUTHENTICATED_ARTEFACTS": N_(
        "Varekontrakter: prøver, beskrivelser eller fotografier med ekthetsbevis"
    ),
    _TPA + "CERTIFICATES.QUALITY_ASSURANCE.QA_INSTITUTES_CERTIFICATE": N_(
        "Varekontrakter: sertifikater fra offisielle kvalitetskontrollorganer"
    ),
    _TPA + "CERTIFICATES.QUALITY_ASSURANCE.QA_INDEPENDENT_CERTIFICATE": N_(
        "Sertifikater fra uavhengige organer om kvalitetssikringsstandarder"
    ),
    _TPA + "CERTIFICATES.ENVIRONMENTAL_MANAGEMENT.ENV_INDEPENDENT_CERTIFICATE": N_(
        "Sertifikater fra uavhengige organer om miljøstyringsstandarder"
    ),
}


def criterion_name(code_or_uuid: str | None) -> str | None:
    """The Norwegian name of the taxonomy criterion named by any of its codes or its UUID; None if unknown."""
    known = known_criterion(code_or_uuid)
    return CRITERION_NAMES.get(known.dotted) if known else None


def criterion_choices() -> list[tuple[str, str]]:
    """(UUID, "Korrupsjon") for every criterion of the taxonomy in taxonomy order, for a select.

    The UUID is the value because it is the one name every ESPD generation gives the criterion.
    """
    return [(c.uuid, CRITERION_NAMES[c.dotted]) for c in KNOWN_CRITERIA]


KIND_NAMES: dict[str, str] = {
    "indicator": N_("Ja/nei"),
    "amount": N_("Beløp"),
    "quantity": N_("Antall"),
    "percentage": N_("Prosent"),
    "date": N_("Dato"),
    "time": N_("Klokkeslett"),
    "period": N_("Periode"),
    "description": N_("Beskrivelse"),
    "code": N_("Kode"),
    "identifier": N_("Identifikator"),
    "url": N_("Nettadresse"),
    "evidence": "Dokumentasjon",
}

STATUS_NAMES: dict[str, str] = {
    "answered": "Besvart",
    "missing": "Mangler",
    "not_espd": "Ikke i ESPD",
}


def _money(amount: Any, currency: str | None, locale: str = LOCALE) -> str:
    if not currency:  # some services write currencyID="": the number, without guessing kroner
        return format_decimal(amount, 2, locale=locale)
    try:
        return format_money(amount, currency, locale=locale)
    except (ValueError, KeyError, TypeError):  # a currency code Babel does not know
        return f"{format_decimal(amount, 2, locale=locale)} {currency}"


def answer_value(answer: Answer, locale: str = LOCALE) -> str:
    """The answer's value as a Norwegian reader expects it: «Ja», «48 500 000,00 kr», «1. januar 2024–…»;
    numbers, amounts and dates in ``locale`` (a vendor's page in English: tender.i18n.format_locale), and
    «Ja»/«Nei» looked up by the page's ``tr`` filter."""
    kind = answer.kind
    if kind == "indicator":
        return "Ja" if answer.indicator else "Nei"
    if kind == "amount":
        return _money(answer.amount, answer.currency, locale)
    if kind == "percentage":
        return format_percent_points(answer.quantity, 2, locale=locale)
    if kind == "quantity":
        code = (answer.unit or "").upper()
        # "INTEGER", "NUMBER" and "C62" (UN/ECE "one") only say it is a count
        unit = f" ({answer.unit})" if code and code not in ("NUMBER", "C62", "INTEGER") else ""
        quantity = answer.quantity
        if code == "YEAR" and quantity is not None and quantity == quantity.to_integral_value():
            # real responses answer "Year" with the calendar year under unitCode YEAR: 2025, not «2 025»
            return f"{int(quantity)}{unit}"
        return f"{format_decimal(quantity, 4, locale=locale)}{unit}"
    if kind == "date":
        return format_date(answer.date, locale=locale)
    if kind == "period":
        if answer.start or answer.end:
            return f"{format_date(answer.start, locale=locale)}–{format_date(answer.end, locale=locale)}"
        return answer.text or "–"
    if kind == "code":
        return answer.code or "–"
    if kind == "identifier":
        return f"{answer.text} ({answer.code})" if answer.code else (answer.text or "–")
    if kind == "evidence" and answer.evidence is not None:
        evidence = answer.evidence
        parts = [p for p in (evidence.description, evidence.id, evidence.url) if p]
        issued = f", utstedt av {evidence.issuer}" if evidence.issuer else ""
        return (" – ".join(parts) or "dokumentasjon uten referanse") + issued
    return answer.text or "–"
