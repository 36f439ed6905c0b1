"""The demo's ``prequalification`` stage: Grenland's prequalification, run through the operations the pages
use (so the audit trail is the one a real prequalification would have).

The lead sets it up (the settings, the standard qualification requirements, the mandatory grounds for
exclusion, three selection criteria) and freezes it with the announcement; six vendors ask to take part
(three import the ESPD response their e-tendering system made, three fill in the ESPD form; documents per
requirement and references) before the participation deadline; the demo moves that deadline to this moment
(as the bids stage does with the bid deadline); the lead and an evaluator open the requests; the group
assesses them (Fjordsak does not meet the economic requirement; Nordisk Dokumentforvaltning is asked to
clarify a reference and answers), three evaluators score the five qualified and the lead sets the consensus;
the lead proposes the four best, every municipality's signer approves the proposal's hash, and the letters
are made.

The four invited are the four vendors who bid in the later stages. Each step looks at what the database
holds and does only what is missing, so running the stage twice duplicates nothing. Demo data only: the
vendors, people, figures, references and scores are made up.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from decimal import Decimal
from xml.sax.saxutils import escape

from sqlalchemy import select

from tender import audit
from tender.auth.models import User
from tender.bids import operations as bid_ops
from tender.clock import now
from tender.core.espd.taxonomy import known_criterion
from tender.core.scoring import RequirementStatus
from tender.demo import EVALUATORS, LEAD, _user
from tender.demo.stages import DEMO, _pdf, signer_of
from tender.errors import DomainError
from tender.extensions import db
from tender.formatting import format_money
from tender.prequalification import assess_operations as assess_ops
from tender.prequalification import letters_operations as letters
from tender.prequalification import queries
from tender.prequalification import request_operations as request_ops
from tender.prequalification import select_operations as select_ops
from tender.prequalification import setup_operations as setup_ops
from tender.prequalification.models import (
    ParticipationRequest,
    QualificationCategory,
    QualificationRequirement,
)
from tender.tenders.models import Role, Tender, Vendor
from tender.vendors import operations as vendor_ops

MINIMUM, MAXIMUM = 3, 4

#: the selection criteria, weights summing to 100 %, each with the descriptors of its 0–10 scale
CRITERIA = (
    setup_ops.CriterionInput(
        "Relevante referanser",
        Decimal(40),
        "Antall og relevans av leveranser av det tilbudte systemet til kommuner som bruker det på Noark 5, "
        "de siste fem årene.",
        "10: fem eller flere sammenlignbare leveranser til kommuner eller interkommunale samarbeid. "
        "5: to eller tre sammenlignbare leveranser. 0: ingen sammenlignbare leveranser.",
    ),
    setup_ops.CriterionInput(
        "Kompetanse i leveranseteamet",
        Decimal(35),
        "Erfaringen til prosjektleder, arkivfaglig rådgiver og migreringsansvarlig fra innføring av sak- og "
        "arkivsystem i kommuner.",
        "10: alle tre har ledet minst tre sammenlignbare innføringer. 5: to av tre har sammenlignbar "
        "erfaring. 0: erfaringen er ikke dokumentert.",
    ),
    setup_ops.CriterionInput(
        "Økonomisk soliditet",
        Decimal(25),
        "Soliditet og likviditet etter årsregnskap og kredittvurdering.",
        "10: svært solid, lav risiko. 5: tilfredsstillende. 0: svak, høy risiko.",
    ),
)

#: why a selection score is what it is, per criterion (CRITERIA order) and level (low 0–4, mid 5–6, high 7–10)
SCORE_WORDS = (
    (
        "få sammenlignbare leveranser til kommuner på Noark 5",
        "to eller tre sammenlignbare kommunale leveranser",
        "mange sammenlignbare leveranser til kommuner og interkommunale samarbeid",
    ),
    (
        "teamets erfaring fra kommunale innføringer er tynt dokumentert",
        "prosjektleder og rådgiver har sammenlignbar erfaring, migreringsansvarlig mindre",
        "hele teamet har ledet flere sammenlignbare innføringer",
    ),
    (
        "svak egenkapital og høy risiko i kredittvurderingen",
        "tilfredsstillende soliditet og likviditet",
        "solid egenkapital, god likviditet og lav risiko",
    ),
)
#: how each evaluator's own score differs from the consensus, per criterion (the three evaluators in order)
SPREAD = ((0, 1, -1), (1, 0, 0), (-1, 0, 1))


@dataclass(frozen=True)
class Applicant:
    orgnr: str
    #: the vendor user who writes the request
    email: str
    person: str
    phone: str
    address: str
    system: str
    #: True: imports the ESPD response its e-tendering system made; False: fills in the ESPD form
    espd_file: bool
    #: general yearly turnover for 2024 and 2025 (NOK)
    turnover: tuple[int, int]
    references: tuple[tuple[str, str, str], ...]  #: (customer, contact, period)
    #: consensus scores on CRITERIA (0–10); None: not qualified, so not scored
    scores: tuple[int, int, int] | None


APPLICANTS = [
    Applicant(
        "921345674",
        "tilbud@arkivhuset.no",
        "Sara Kvist",
        "+47 35 58 00 10",
        "Tollbugata 8, 3714 Skien",
        "Arkivhuset Sak 9",
        False,
        (86_400_000, 92_100_000),
        (
            ("Notodden kommune", "Arkivleder, tlf. 35 01 50 00", "2019–2026"),
            ("Midt-Telemark kommune", "Dokumentsenteret, tlf. 35 02 90 00", "2020–2026"),
            ("Tinn kommune", "Servicetorget, tlf. 35 08 10 00", "2021–2026"),
        ),
        (8, 7, 7),
    ),
    Applicant(
        "918273646",
        "jonas.bakke@saksflyt.no",
        "Jonas Bakke",
        "+47 35 93 20 00",
        "Storgata 112, 3921 Porsgrunn",
        "Saksflyt Kommune",
        True,
        (212_000_000, 238_500_000),
        (
            ("Larvik kommune", "Arkivleder, tlf. 33 17 10 00", "2018–2026"),
            ("Horten kommune", "Dokumentsenteret, tlf. 33 08 50 00", "2019–2026"),
            ("Kongsberg kommune", "Arkivtjenesten, tlf. 32 86 60 00", "2021–2026"),
        ),
        (9, 8, 8),
    ),
    Applicant(
        "913579240",
        "lene.foss@nordiskdok.no",
        "Lene Foss",
        "+47 22 10 20 30",
        "Dronningens gate 7, 0152 Oslo",
        "NDF Arkiv",
        False,
        (120_400_000, 131_900_000),
        (
            ("Vestfold og Telemark fylkeskommune", "Arkivleder, tlf. 33 34 40 00", "2020–2026"),
            ("Holmestrand kommune", "Arkivtjenesten, tlf. 33 06 40 00", "2021–2026"),
            ("Færder kommune", "Dokumentsenteret, tlf. 33 35 10 00", "2022–2026"),
        ),
        (6, 7, 8),
    ),
    Applicant(
        "924681357",
        "martin.hauge@kommunearkiv.no",
        "Martin Hauge",
        "+47 73 80 45 00",
        "Kongens gate 14, 7011 Trondheim",
        "Kommunearkiv Sky",
        True,
        (64_800_000, 71_300_000),
        (
            ("Orkland kommune", "Arkivleder, tlf. 72 48 00 00", "2020–2026"),
            ("Melhus kommune", "Servicetorget, tlf. 72 85 80 00", "2021–2026"),
            ("Stjørdal kommune", "Dokumentsenteret, tlf. 74 83 40 00", "2022–2026"),
        ),
        (7, 6, 6),
    ),
    Applicant(
        "916273843",
        "geir.fjeld@fjordsak.no",
        "Geir Fjeld",
        "+47 55 20 30 40",
        "Strandgata 40, 5013 Bergen",
        "Fjordsak Arkiv",
        True,
        (9_800_000, 7_200_000),
        (
            ("Osterøy kommune", "Arkivleder, tlf. 56 19 21 00", "2021–2026"),
            ("Vaksdal kommune", "Servicetorget, tlf. 56 59 44 00", "2022–2026"),
            ("Modalen kommune", "Rådmannens kontor, tlf. 56 59 90 00", "2023–2026"),
        ),
        None,
    ),
    Applicant(
        "927384655",
        "siri.lunde@telemark-it.no",
        "Siri Lunde",
        "+47 35 90 11 00",
        "Hesselbergs gate 2, 3717 Skien",
        "TIT Sak",
        False,
        (38_600_000, 41_200_000),
        (
            ("Nome kommune", "Arkivleder, tlf. 35 94 83 00", "2020–2026"),
            ("Seljord kommune", "Servicetorget, tlf. 35 06 51 00", "2021–2026"),
            ("Kviteseid kommune", "Arkivtjenesten, tlf. 35 06 81 00", "2022–2026"),
        ),
        (5, 6, 5),
    ),
]
#: Fjordsak: the economic requirement is not met (falling turnover, losses, negative equity)
REJECTED_ORGNR = "916273843"
#: Nordisk Dokumentforvaltning: one reference is a county, not a municipality; asked to clarify
CLARIFIED_ORGNR = "913579240"

#: per standard requirement (setup_operations.STANDARD_REQUIREMENTS, in order): the document's name, and
#: the assessment's justification when met ({system}, {turnover} filled in)
DOCUMENTS = (
    ("Firmaattest.pdf", "Firmaattesten er under seks måneder gammel og viser et registrert aksjeselskap."),
    (
        "Skatteattest.pdf",
        "Skatteattesten er under seks måneder gammel og viser ingen restanser på skatt eller merverdiavgift.",
    ),
    (
        "Årsregnskap 2024 og 2025.pdf",
        "Årsregnskapene med revisjonsberetning viser omsetning på {turnover} i 2025, overskudd begge år og "
        "god egenkapital; kapasiteten er tilstrekkelig for kontrakten.",
    ),
    (
        "Referanseliste.pdf",
        "Tre referanser fra kommuner som bruker {system} på Noark 5, med kontaktpersoner; stikkprøve hos "
        "én av dem bekrefter leveransen.",
    ),
    (
        "Arkivverkets godkjenning.pdf",
        "Arkivverkets godkjenning av {system} etter Noark 5 er lagt ved og gjelder versjonen som tilbys.",
    ),
    (
        "Testrapport Noark 5-uttrekk.pdf",
        "Testrapporten viser et Noark 5-uttrekk fra {system} som Arkade har validert uten feil.",
    ),
)

NOT_MET = (
    "Årsregnskapene viser fallende omsetning ({turnover} i 2025), underskudd begge år og negativ egenkapital "
    "ved utgangen av 2025; kredittvurderingen er «svært høy risiko». Kravet om tilstrekkelig økonomisk og "
    "finansiell kapasitet er ikke oppfylt."
)
CLARIFY = (
    "Én av de tre referansene er Vestfold og Telemark fylkeskommune; kravet gjelder kommuner. Leverandøren "
    "bes om å avklare."
)
QUESTION = (
    "Referansen fra Vestfold og Telemark fylkeskommune gjelder en fylkeskommune, mens kravet gjelder "
    "kommuner som bruker systemet på Noark 5. Oppgi en tredje kommune som bruker NDF Arkiv på Noark 5 i "
    "dag, med kontaktperson."
)
ANSWER = (
    "Tønsberg kommune har brukt NDF Arkiv på Noark 5 siden mars 2022 for hele kommunen (om lag 900 brukere). "
    "Kontaktperson er arkivleder i Tønsberg kommune, tlf. 33 34 80 00. Oppdatert referanseliste er vedlagt."
)
CLARIFIED = (
    "Avklaringen oppgir Tønsberg kommune som tredje kommunale referanse på Noark 5, med kontaktperson; "
    "sammen med Holmestrand og Færder er kravet oppfylt."
)


def _vendor(orgnr: str) -> Vendor:
    vendor: Vendor | None = db.session.scalar(select(Vendor).where(Vendor.organisasjonsnummer == orgnr))
    assert vendor is not None  # build_demo registered every vendor
    return vendor


def _evaluators() -> list[User]:
    return [_user(email, name) for email, name in EVALUATORS]


def _money(amount: int) -> str:
    return format_money(Decimal(amount))


def build_prequalification(tender: Tender) -> None:
    """The stage: the six applicants' vendor users, then each step not yet done, up to the letters."""
    lead = _user(*LEAD)
    for applicant in APPLICANTS:
        seller = _user(applicant.email, applicant.person)
        if Role.VENDOR not in tender.roles_of(seller):
            vendor_ops.add_vendor_user_by_operator(tender, _vendor(applicant.orgnr), seller)
    if letters.final_proposal(tender) is None:
        if bid_ops.submitted_bids(tender):
            raise DomainError(
                "Demoen har allerede leverte tilbud uten prekvalifisering; prekvalifiseringen kommer før "
                "tilbudene. Bygg demoen i en tom database."
            )
        set_up(tender, lead)
        submit_requests(tender)
        if assess_ops.opening_of(tender) is None and request_ops.open_for_requests(tender, now()):
            pass_participation_deadline(tender)
        open_requests(tender, lead)
        assess(tender, lead)
        score(tender, lead)
        select_invited(tender, lead)
    sent = db.session.scalar(
        select(audit.AuditEvent.id).where(
            audit.AuditEvent.tender_id == tender.id, audit.AuditEvent.event_type == "prequalification.letter"
        )
    )
    if sent is None:
        letters.generate_letters(tender, actor=lead)


# -- the setup ---------------------------------------------------------------------------------------------
def set_up(tender: Tender, lead: User) -> None:
    """The lead's setup, frozen with the announcement (nothing when it is frozen already)."""
    setup = queries.setup_of(tender)
    if setup is not None and setup.is_frozen:
        return
    if setup is None or not setup.enabled:
        setup_ops.save_settings(
            tender,
            setup_ops.SettingsInput(
                enabled=True,
                minimum=MINIMUM,
                maximum=MAXIMUM,
                signers_approve_selection=True,
                sample_demanded=False,
            ),
            now=now(),
            actor=lead,
        )
    if not queries.requirements_of(tender):
        setup_ops.add_standard_requirements(tender, now=now(), actor=lead)
    if setup_ops.missing_mandatory_grounds(tender):
        setup_ops.add_mandatory_grounds(tender, now=now(), actor=lead)
    present = {c.name for c in queries.criteria_of(tender)}
    for criterion in CRITERIA:
        if criterion.name not in present:
            setup_ops.add_criterion(tender, criterion, now=now(), actor=lead)
    setup_ops.freeze(tender, now=now(), actor=lead)


# -- the requests ------------------------------------------------------------------------------------------
def _criterion_uuid(code: str) -> str:
    known = known_criterion(code)
    return known.uuid if known is not None else str(uuid.uuid5(uuid.NAMESPACE_URL, code))


def _property(key: str, description: str, kind: str) -> str:
    return (
        "      <cac:TenderingCriterionProperty>\n"
        f'        <cbc:ID schemeID="Criterion" schemeAgencyID="OP">{key}</cbc:ID>\n'
        f"        <cbc:Description>{escape(description)}</cbc:Description>\n"
        "        <cbc:TypeCode>QUESTION</cbc:TypeCode>\n"
        f"        <cbc:ValueDataTypeCode>{kind}</cbc:ValueDataTypeCode>\n"
        "      </cac:TenderingCriterionProperty>\n"
    )


def _value(key: str, element: str) -> str:
    return (
        "  <cac:TenderingCriterionResponse>\n"
        f"    <cbc:ID>{key}-svar</cbc:ID>\n"
        '    <cbc:ValidatedCriterionPropertyID schemeID="Criterion">'
        f"{key}</cbc:ValidatedCriterionPropertyID>\n"
        f"    {element}\n"
        "  </cac:TenderingCriterionResponse>\n"
    )


def _espd_answers(code: str, key: str, applicant: Applicant) -> tuple[list[str], list[str]]:
    """The properties the criterion asks and the vendor's responses to them (ESPD-EDM 2.1.1)."""
    yes = "<cac:ResponseValue><cbc:ResponseIndicator>true</cbc:ResponseIndicator></cac:ResponseValue>"
    no = "<cac:ResponseValue><cbc:ResponseIndicator>false</cbc:ResponseIndicator></cac:ResponseValue>"

    def text(value: str) -> str:
        return f"<cac:ResponseValue><cbc:Description>{escape(value)}</cbc:Description></cac:ResponseValue>"

    if code.endswith("TURNOVER.GENERAL_YEARLY"):
        props, values = [], []
        for year, amount in zip((2024, 2025), applicant.turnover, strict=True):
            props += [
                _property(f"{key}-ar-{year}", f"Regnskapsåret {year}", "PERIOD"),
                _property(f"{key}-belop-{year}", f"Omsetning {year}", "AMOUNT"),
            ]
            values += [
                _value(
                    f"{key}-ar-{year}",
                    f"<cac:ApplicablePeriod><cbc:StartDate>{year}-01-01</cbc:StartDate>"
                    f"<cbc:EndDate>{year}-12-31</cbc:EndDate></cac:ApplicablePeriod>",
                ),
                _value(
                    f"{key}-belop-{year}",
                    '<cac:ResponseValue><cbc:ResponseAmount currencyID="NOK">'
                    f"{amount}</cbc:ResponseAmount></cac:ResponseValue>",
                ),
            ]
        return props, values
    if code.endswith("TRADE_REGISTER_ENROLMENT"):
        return [
            _property(f"{key}-svar", "Ditt svar", "INDICATOR"),
            _property(f"{key}-register", "Navn på registeret", "DESCRIPTION"),
        ], [
            _value(f"{key}-svar", yes),
            _value(f"{key}-register", text(f"Foretaksregisteret, organisasjonsnummer {applicant.orgnr}")),
        ]
    if ".REFERENCES." in code:
        customers = ", ".join(customer for customer, _, _ in applicant.references)
        return [
            _property(f"{key}-beskrivelse", "Beskrivelse", "DESCRIPTION"),
            _property(f"{key}-mottakere", "Mottakere", "DESCRIPTION"),
        ], [
            _value(
                f"{key}-beskrivelse",
                text(f"Levering, innføring og drift av {applicant.system} på Noark 5"),
            ),
            _value(f"{key}-mottakere", text(customers)),
        ]
    if ".CERTIFICATES." in code:
        return [
            _property(f"{key}-svar", "Ditt svar", "INDICATOR"),
            _property(f"{key}-sertifikat", "Sertifikat", "DESCRIPTION"),
        ], [
            _value(f"{key}-svar", yes),
            _value(
                f"{key}-sertifikat", text(f"Arkivverkets godkjenning av {applicant.system} etter Noark 5")
            ),
        ]
    # a ground for exclusion (and anything else): the answer is no, nothing of the kind
    return [_property(f"{key}-svar", "Ditt svar", "INDICATOR")], [
        _value(f"{key}-svar", no if ".EXCLUSION." in code else yes)
    ]


def espd_response(tender: Tender, applicant: Applicant, vendor: Vendor) -> bytes:
    """The applicant's ESPD response as its e-tendering system writes it: ESPD-EDM 2.1.1, the basic profile
    (UBL 2.2 ``QualificationApplicationResponse``, the shape of tests/fixtures/espd/), answering the tender's
    case reference and each ESPD criterion its setup names."""
    street, _, place = applicant.address.partition(", ")
    zone, _, city = place.partition(" ")
    person_email = applicant.email
    criteria, responses = [], []
    for number, question in enumerate(request_ops.espd_questions(tender), 1):
        key = f"k{number}"
        props, values = _espd_answers(question.type_code, key, applicant)
        name = setup_ops.espd_label(question.type_code) or question.texts[0]
        criteria.append(
            "  <cac:TenderingCriterion>\n"
            '    <cbc:ID schemeID="Criterion" schemeAgencyID="OP">'
            f"{_criterion_uuid(question.type_code)}</cbc:ID>\n"
            f'    <cbc:CriterionTypeCode listID="criterion">{question.type_code}</cbc:CriterionTypeCode>\n'
            f"    <cbc:Name>{escape(name)}</cbc:Name>\n"
            f"    <cbc:Description>{escape(question.texts[0])}</cbc:Description>\n"
            "    <cac:TenderingCriterionPropertyGroup>\n"
            f"      <cbc:ID>{key}-g1</cbc:ID>\n"
            "      <cbc:PropertyGroupTypeCode>ON*</cbc:PropertyGroupTypeCode>\n"
            + "".join(props)
            + "    </cac:TenderingCriterionPropertyGroup>\n"
            "  </cac:TenderingCriterion>\n"
        )
        responses += values
    digest = hashlib.sha256(f"{tender.case_reference}:{applicant.orgnr}".encode()).hexdigest()
    document = f"""<?xml version="1.0" encoding="UTF-8"?>
<espd:QualificationApplicationResponse
    xmlns:espd="urn:oasis:names:specification:ubl:schema:xsd:QualificationApplicationResponse-2"
    xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
    xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
  <cbc:UBLVersionID schemeAgencyID="OASIS-UBL-TC">2.2</cbc:UBLVersionID>
  <cbc:ProfileExecutionID schemeAgencyID="OP" schemeVersionID="2.1.1"
    >ESPD-EDMv2.1.1-BASIC</cbc:ProfileExecutionID>
  <cbc:ID schemeAgencyID="Mercell">ESPD-{digest[:8]}</cbc:ID>
  <cbc:CopyIndicator>false</cbc:CopyIndicator>
  <cbc:UUID schemeID="ISO/IEC 9834-8:2008 - 4UUID" schemeAgencyID="OP">{uuid.UUID(digest[:32])}</cbc:UUID>
  <cbc:ContractFolderID schemeAgencyID="Skien kommune">{escape(tender.case_reference)}</cbc:ContractFolderID>
  <cbc:IssueDate>{now().date().isoformat()}</cbc:IssueDate>
  <cbc:VersionID schemeAgencyID="OP" schemeVersionID="2.1.1">2.1.1</cbc:VersionID>
  <cac:ContractingParty>
    <cac:Party>
      <cac:PartyIdentification>
        <cbc:ID schemeID="NO:ORGNR">938583986</cbc:ID>
      </cac:PartyIdentification>
      <cac:PartyName>
        <cbc:Name>Skien kommune</cbc:Name>
      </cac:PartyName>
      <cac:PostalAddress>
        <cac:Country>
          <cbc:IdentificationCode>NO</cbc:IdentificationCode>
        </cac:Country>
      </cac:PostalAddress>
    </cac:Party>
  </cac:ContractingParty>
  <cac:EconomicOperatorParty>
    <cac:Party>
      <cac:PartyIdentification>
        <cbc:ID schemeID="NO:ORGNR">{vendor.organisasjonsnummer}</cbc:ID>
      </cac:PartyIdentification>
      <cac:PartyName>
        <cbc:Name>{escape(vendor.name)}</cbc:Name>
      </cac:PartyName>
      <cac:PostalAddress>
        <cbc:StreetName>{escape(street)}</cbc:StreetName>
        <cbc:CityName>{escape(city)}</cbc:CityName>
        <cbc:PostalZone>{escape(zone)}</cbc:PostalZone>
        <cac:Country>
          <cbc:IdentificationCode>NO</cbc:IdentificationCode>
        </cac:Country>
      </cac:PostalAddress>
      <cac:Contact>
        <cbc:Name>{escape(applicant.person)}</cbc:Name>
        <cbc:Telephone>{escape(applicant.phone)}</cbc:Telephone>
        <cbc:ElectronicMail>{escape(person_email)}</cbc:ElectronicMail>
      </cac:Contact>
    </cac:Party>
  </cac:EconomicOperatorParty>
  <cac:AdditionalDocumentReference>
    <cbc:ID schemeAgencyID="Doffin">{escape(tender.case_reference)}</cbc:ID>
    <cbc:DocumentTypeCode listID="ReferencesTypeCodes">TED_CN</cbc:DocumentTypeCode>
    <cac:Attachment>
      <cac:ExternalReference>
        <cbc:FileName>{escape(tender.title)}</cbc:FileName>
      </cac:ExternalReference>
    </cac:Attachment>
  </cac:AdditionalDocumentReference>
  <cac:ProcurementProjectLot>
    <cbc:ID>0</cbc:ID>
  </cac:ProcurementProjectLot>
{"".join(criteria)}{"".join(responses)}</espd:QualificationApplicationResponse>
"""
    return document.encode("utf-8")


def _form_answers(tender: Tender, applicant: Applicant) -> list[request_ops.EspdFormAnswer]:
    """The ESPD form as a vendor without an ESPD file fills it in: no to every ground for exclusion, yes to
    each qualification criterion, with a few words."""
    answers = []
    for question in request_ops.espd_questions(tender):
        code = question.type_code
        if ".EXCLUSION." in code:
            answers.append(
                request_ops.EspdFormAnswer(
                    code, False, "Nei. Se skatteattesten og firmaattesten i vedleggene."
                )
            )
        elif "TURNOVER" in code:
            first, second = applicant.turnover
            answers.append(
                request_ops.EspdFormAnswer(
                    code, True, f"Omsetning {_money(first)} i 2024 og {_money(second)} i 2025."
                )
            )
        elif ".REFERENCES." in code:
            customers = ", ".join(customer for customer, _, _ in applicant.references)
            answers.append(
                request_ops.EspdFormAnswer(code, True, f"{applicant.system} på Noark 5: {customers}.")
            )
        else:
            answers.append(request_ops.EspdFormAnswer(code, True, "Ja. Dokumentasjonen er lagt ved."))
    return answers


def _document_lines(requirement: QualificationRequirement, vendor: Vendor, applicant: Applicant) -> list[str]:
    return [
        vendor.name,
        f"Org.nr. {vendor.organisasjonsnummer}, {applicant.address}",
        "Forespørsel om å delta: Felles sak- og arkivsystem for Grenland",
        requirement.documentation or requirement.text,
        f"System: {applicant.system}",
    ]


def submit_requests(tender: Tender) -> None:
    """Six vendors write and submit their requests before the participation deadline."""
    requirements = queries.requirements_of(tender)
    standard = [r.text for r in setup_ops.STANDARD_REQUIREMENTS]
    for applicant in APPLICANTS:
        vendor = _vendor(applicant.orgnr)
        req = request_ops.request_of(tender, vendor.id)
        if req is not None and req.is_submitted:
            continue
        if not request_ops.open_for_requests(tender, now()):
            raise DomainError(
                f"Fristen for forespørsler om å delta er ute, men {vendor.name} har ikke levert; bygg demoen "
                "i en tom database."
            )
        seller = _user(applicant.email, applicant.person)
        req = request_ops.ensure_request(tender, vendor, at=now(), actor=seller)
        request_ops.save_company(
            tender,
            req,
            request_ops.CompanyInput(
                applicant.person, applicant.email, applicant.phone, applicant.address, "NO"
            ),
            at=now(),
            actor=seller,
        )
        if applicant.espd_file:
            request_ops.import_espd(
                tender,
                req,
                filename=f"ESPD-svar {vendor.name}.xml",
                data=espd_response(tender, applicant, vendor),
                at=now(),
                actor=seller,
            )
        else:
            request_ops.save_espd_form(tender, req, _form_answers(tender, applicant), at=now(), actor=seller)
        covered = {d.requirement_id for d in req.documents}
        for requirement in requirements:
            if requirement.id in covered:
                continue
            index = standard.index(requirement.text) if requirement.text in standard else None
            name = (
                DOCUMENTS[index][0] if index is not None else f"Dokumentasjon krav {requirement.position}.pdf"
            )
            request_ops.add_document(
                tender,
                req,
                requirement_id=requirement.id,
                filename=name,
                content_type="application/pdf",
                data=_pdf(_document_lines(requirement, vendor, applicant)),
                at=now(),
                actor=seller,
            )
        if not req.references:
            for customer, contact, period in applicant.references:
                request_ops.add_reference(
                    tender,
                    req,
                    request_ops.ReferenceInput(
                        customer=customer,
                        system=applicant.system,
                        contact=contact,
                        period=period,
                        description=f"{applicant.system} på Noark 5 for hele organisasjonen, med "
                        "migrering av eldre arkiv og opplæring.",
                    ),
                    at=now(),
                    actor=seller,
                )
        request_ops.submit(tender, req, at=now(), actor=seller)
        db.session.flush()


def pass_participation_deadline(tender: Tender) -> None:
    """The demo's shortcut: move the participation deadline to this moment, after every request, instead of
    waiting three weeks (as :func:`tender.demo.stages.pass_bid_deadline` does with the bid deadline). The
    questions and bid deadlines stay ahead; the audit trail records it as the demo's own step."""
    at = now()
    latest = max((r.submitted_at for r in queries.submitted_requests(tender) if r.submitted_at), default=None)
    if latest is not None and latest >= at:
        raise DomainError("Klokken står ikke etter siste forespørsel; fristen kan ikke flyttes dit.")
    before = tender.participation_deadline
    tender.participation_deadline = at
    db.session.flush()
    audit.record(
        "demo.participation_deadline_passed",
        tender,
        actor=DEMO,
        payload={
            "before": before.isoformat() if before else None,
            "after": at.isoformat(),
            "why": "Demoen flytter fristen for forespørsler om å delta til nå i stedet for å vente på den.",
        },
    )


# -- the opening and the assessment -------------------------------------------------------------------------
def open_requests(tender: Tender, lead: User) -> None:
    """The lead and the first evaluator confirm the opening, each in their own name."""
    if assess_ops.opening_of(tender) is not None:
        return
    given = {c.user_id for c in assess_ops.opening_status(tender, now()).confirmations}
    for person in (lead, _evaluators()[0]):
        if person.id not in given and assess_ops.opening_of(tender) is None:
            assess_ops.confirm_opening(tender, at=now(), actor=person)
    db.session.flush()


def _met_justification(requirement: QualificationRequirement, applicant: Applicant) -> str:
    standard = [r.text for r in setup_ops.STANDARD_REQUIREMENTS]
    if requirement.text not in standard:
        return "Dokumentasjonen er levert og viser at kravet er oppfylt."
    template = DOCUMENTS[standard.index(requirement.text)][1]
    return template.format(system=applicant.system, turnover=_money(applicant.turnover[1]))


def assess(tender: Tender, lead: User) -> None:
    """Every requirement and ground of every request: the first evaluator assesses the requirements, the
    lead the grounds; Fjordsak fails the economic requirement; Nordisk Dokumentforvaltning clarifies a
    reference."""
    assessor = _evaluators()[0]
    by_orgnr = {a.orgnr: a for a in APPLICANTS}
    requirements = queries.requirements_of(tender)
    grounds = queries.grounds_of(tender)
    for request in queries.submitted_requests(tender):
        applicant = by_orgnr[request.vendor.organisasjonsnummer]
        marks = assess_ops.assessments_of(request)
        for requirement in requirements:
            mark = marks.get(requirement.id)
            if mark is not None and mark.status is not RequirementStatus.CLARIFY:
                continue
            if applicant.orgnr == REJECTED_ORGNR and requirement.category is QualificationCategory.ECONOMIC:
                status, why = (
                    RequirementStatus.NOT_MET,
                    NOT_MET.format(turnover=_money(applicant.turnover[1])),
                )
            elif (
                applicant.orgnr == CLARIFIED_ORGNR
                and requirement.espd_criterion
                and (".REFERENCES." in requirement.espd_criterion)
            ):
                if _clarify(tender, request, requirement, lead, applicant):
                    continue  # still waiting for the answer (not in the demo: it answers at once)
                status, why = RequirementStatus.MET, CLARIFIED
            else:
                status, why = RequirementStatus.MET, _met_justification(requirement, applicant)
            assess_ops.assess_requirement(
                tender, request, requirement, status=status, justification=why, at=now(), actor=assessor
            )
        exclusions = assess_ops.exclusions_of(request)
        for ground in grounds:
            if ground.id in exclusions:
                continue
            assess_ops.assess_exclusion(
                tender,
                request,
                ground,
                applies=False,
                reason="Egenerklæringen (ESPD) svarer nei, og skatteattesten og firmaattesten viser ingen "
                "forhold som gir grunn til avvisning.",
                at=now(),
                actor=lead,
            )


def _clarify(
    tender: Tender,
    request: ParticipationRequest,
    requirement: QualificationRequirement,
    lead: User,
    applicant: Applicant,
) -> bool:
    """The requirement marked for clarification, the question sent, and the vendor's answer; True while the
    answer is still missing."""
    asked = [c for c in assess_ops.clarifications_of(request) if c.requirement_id == requirement.id]
    if not asked:
        assess_ops.assess_requirement(
            tender,
            request,
            requirement,
            status=RequirementStatus.CLARIFY,
            justification=CLARIFY,
            at=now(),
            actor=_evaluators()[0],
        )
        asked = [
            assess_ops.ask_clarification(
                tender, request, requirement, question=QUESTION, days=3, at=now(), actor=lead
            )
        ]
    clarification = asked[-1]
    if clarification.answered_at is None:
        assess_ops.answer_clarification(
            tender,
            clarification,
            request.vendor,
            answer=ANSWER,
            files=[
                assess_ops.Upload(
                    "Oppdatert referanseliste.pdf",
                    "application/pdf",
                    _pdf(
                        [
                            request.vendor.name,
                            "Oppdatert referanseliste",
                            *(customer for customer, _, _ in applicant.references[1:]),
                            "Tønsberg kommune (siden 2022), arkivleder, tlf. 33 34 80 00",
                        ]
                    ),
                )
            ],
            at=now(),
            actor=_user(applicant.email, applicant.person),
        )
    return clarification.answered_at is None


def _level(value: int) -> int:
    return 0 if value <= 4 else 1 if value <= 6 else 2


def score(tender: Tender, lead: User) -> None:
    """Three evaluators score each qualified request on each criterion, then the lead sets the consensus."""
    by_orgnr = {a.orgnr: a for a in APPLICANTS}
    criteria = queries.criteria_of(tender)
    evaluators = _evaluators()
    for request in queries.submitted_requests(tender):
        applicant = by_orgnr[request.vendor.organisasjonsnummer]
        if applicant.scores is None or not assess_ops.qualified(tender, request):
            continue
        for index, (criterion, agreed) in enumerate(zip(criteria, applicant.scores, strict=False)):
            if assess_ops.consensus_of(request, criterion) is not None:
                continue
            words = SCORE_WORDS[index] if index < len(SCORE_WORDS) else ("svakt", "middels", "godt")
            given = assess_ops.individual_scores(request, viewer=lead, see_all=True).get(criterion.id, [])
            done = {s.evaluator_id for s in given}
            for evaluator, spread in zip(evaluators, SPREAD, strict=True):
                if evaluator.id in done:
                    continue
                own = max(0, min(10, agreed + spread[index % 3]))
                assess_ops.score_individually(
                    tender,
                    request,
                    criterion,
                    score=Decimal(own),
                    justification=f"{criterion.name}: {words[_level(own)]}.",
                    at=now(),
                    actor=evaluator,
                )
            assess_ops.set_consensus(
                tender,
                request,
                criterion,
                score=Decimal(agreed),
                justification=f"Samlet vurdering i møtet: {words[_level(agreed)]}, vurdert mot beskrivelsene "
                "i skalaen.",
                at=now(),
                actor=lead,
            )


# -- the selection -----------------------------------------------------------------------------------------
def select_invited(tender: Tender, lead: User) -> None:
    """The lead proposes the four best; every municipality's signer approves the proposal's hash."""
    proposal = select_ops.live_proposal(tender)
    if proposal is None:
        selection = select_ops.selection_of(tender)
        proposal = select_ops.propose(tender, [int(i) for i in selection.suggested()], actor=lead)
    if proposal.final_at is not None:
        return
    for municipality in select_ops.missing_approvals(tender, proposal):
        signer = signer_of(tender, municipality)
        select_ops.decide_approval(
            tender,
            proposal,
            municipality,
            approve=True,
            comment=f"Godkjent for {municipality.name} etter gjennomgang av rangeringen og begrunnelsene.",
            sha256=proposal.sha256,
            signer=signer,
        )
