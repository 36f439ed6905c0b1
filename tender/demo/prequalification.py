"""The demo's ``prequalification`` stage: the Grenland tender with a prequalification. The setup is frozen
(its hash from the prequalification core), six vendors ask to take part, the participation deadline passes,
two people open the requests, the group assesses them (Fjordsak fails the economic requirement and is under
bankruptcy proceedings), three evaluators score the five others and the lead sets the consensus, the core
ranks them, the lead proposes the four best, all six municipalities approve the proposal's hash, and the
letters are made for sending (each one's hash in the audit trail).

The four invited are the four vendors who bid in the ``bids`` stage.

:func:`write_prequalification` writes the rows of the setup, requests, opening, assessment, scores and
selection DIRECTLY on the models, because the parts of issue 12 that own those steps (pq-setup, pq-request,
pq-assess, pq-select) are built at the same time as this one; it is the one function to switch to their
operations once they are merged. The audit trail records the demo's own step (``demo.prequalification``,
with the hashes); the letters go through their real operation. Demo data only.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import select

from tender import audit
from tender.bids import operations as bid_ops
from tender.clock import now
from tender.core import prequalification as core
from tender.core.scoring import RequirementStatus
from tender.demo import EVALUATORS, LEAD, _user
from tender.demo.stages import DEMO, _pdf
from tender.errors import DomainError
from tender.extensions import db
from tender.formatting import format_decimal
from tender.prequalification import letters_operations as letters
from tender.prequalification.models import (
    Clarification,
    ExclusionAssessment,
    ExclusionGround,
    ParticipationRequest,
    Prequalification,
    QualificationAssessment,
    QualificationCategory,
    QualificationRequirement,
    RequestDocument,
    RequestOpening,
    RequestOpeningConfirmation,
    RequestOutcome,
    RequestReference,
    RequestStatus,
    SelectionApproval,
    SelectionConsensusScore,
    SelectionCriterion,
    SelectionIndividualScore,
    SelectionProposal,
)
from tender.tenders.models import Role, Tender, Vendor
from tender.vendors import operations as vendor_ops

REQUIREMENTS = [
    (
        QualificationCategory.REGISTRATION,
        "Leverandøren skal være lovlig registrert i et foretaksregister.",
        "Firmaattest, ikke eldre enn seks måneder.",
        None,
    ),
    (
        QualificationCategory.TAX,
        "Leverandøren skal ha ordnede forhold med skatt og merverdiavgift.",
        "Skatteattest, ikke eldre enn seks måneder.",
        "CRITERION.EXCLUSION.CONTRIBUTIONS.PAYMENT_OF_TAXES",
    ),
    (
        QualificationCategory.ECONOMIC,
        "Leverandøren skal ha tilstrekkelig økonomisk og finansiell kapasitet til å gjennomføre kontrakten.",
        "Årsregnskap for de to siste år med revisjonsberetning, eller kredittvurdering.",
        "CRITERION.SELECTION.ECONOMIC_FINANCIAL_STANDING.TURNOVER.GENERAL_YEARLY",
    ),
    (
        QualificationCategory.TECHNICAL,
        "Leverandøren skal ha levert det tilbudte systemet til minst to kommuner som bruker det med Noark 5.",
        "Referanseliste med kontaktpersoner hos kundene.",
        "CRITERION.SELECTION.TECHNICAL_PROFESSIONAL_ABILITY.REFERENCES.SUPPLIES",
    ),
    (
        QualificationCategory.TECHNICAL,
        "Det tilbudte systemet skal være godkjent av Arkivverket etter Noark 5.",
        "Arkivverkets godkjenning av produktet.",
        None,
    ),
]
GROUNDS = [
    (
        True,
        "Rettskraftig dom for deltakelse i en kriminell organisasjon, korrupsjon, bedrageri, "
        "hvitvasking, terror eller menneskehandel.",
        "CRITERION.EXCLUSION.CONVICTIONS.PARTICIPATION_IN_CRIMINAL_ORGANISATION",
    ),
    (
        False,
        "Leverandøren er konkurs, under akkord eller avvikling.",
        "CRITERION.EXCLUSION.BUSINESS.BANKRUPTCY",
    ),
]
CRITERIA = [
    (
        "Relevante referanser",
        Decimal(40),
        "Antall og relevans av leveranser til kommuner med Noark 5.",
        "10: fem eller flere sammenlignbare leveranser. 5: to. 0: ingen.",
    ),
    (
        "Kompetanse i leveranseteamet",
        Decimal(35),
        "Erfaringen til prosjektleder, arkivfaglig rådgiver og migreringsansvarlig.",
        "10: svært god. 5: god. 0: ikke dokumentert.",
    ),
    (
        "Økonomisk soliditet",
        Decimal(25),
        "Soliditet og likviditet etter regnskap og kredittvurdering.",
        "10: svært solid. 5: tilfredsstillende. 0: svak.",
    ),
]


@dataclass(frozen=True)
class Applicant:
    orgnr: str
    #: a vendor user for the two who do not bid (the four bidders have theirs from the published stage)
    email: str
    person: str
    #: consensus scores on CRITERIA (0–10); None: rejected before the scoring
    scores: tuple[int, int, int] | None


APPLICANTS = [
    Applicant("921345674", "tilbud@arkivhuset.no", "Sara Kvist", (8, 7, 7)),
    Applicant("918273646", "jonas.bakke@saksflyt.no", "Jonas Bakke", (9, 8, 8)),
    Applicant("913579240", "lene.foss@nordiskdok.no", "Lene Foss", (6, 7, 8)),
    Applicant("924681357", "martin.hauge@kommunearkiv.no", "Martin Hauge", (7, 6, 6)),
    Applicant("916273843", "geir.fjeld@fjordsak.no", "Geir Fjeld", None),
    Applicant("927384655", "siri.lunde@telemark-it.no", "Siri Lunde", (5, 6, 5)),
]
#: Fjordsak: the economic requirement is not met and the bankruptcy ground applies
REJECTED_ORGNR = "916273843"
MINIMUM, MAXIMUM = 3, 4


def _vendor(orgnr: str) -> Vendor:
    vendor: Vendor | None = db.session.scalar(select(Vendor).where(Vendor.organisasjonsnummer == orgnr))
    assert vendor is not None  # build_demo registered every vendor
    return vendor


def build_prequalification(tender: Tender) -> None:
    """The stage: the vendor users of all six applicants, then the rows (once), then the letters (once)."""
    for applicant in APPLICANTS:
        seller = _user(applicant.email, applicant.person)
        if Role.VENDOR not in tender.roles_of(seller):
            vendor_ops.add_vendor_user_by_operator(tender, _vendor(applicant.orgnr), seller)
    if letters.final_proposal(tender) is None:
        if bid_ops.submitted_bids(tender):
            raise DomainError(
                "Demoen har allerede leverte tilbud uten prekvalifisering; prekvalifiseringen kommer før "
                "tilbudene. Bygg demoen i en tom database med trinnet «prequalification» før «bids»."
            )
        write_prequalification(tender)
    sent = db.session.scalar(
        select(audit.AuditEvent.id).where(
            audit.AuditEvent.tender_id == tender.id, audit.AuditEvent.event_type == "prequalification.letter"
        )
    )
    if sent is None:
        letters.generate_letters(tender, actor=_user(*LEAD))


def _document(request: ParticipationRequest, name: str, lines: list[str], at: datetime, **kw: object) -> str:
    data = _pdf(lines)
    db.session.add(
        RequestDocument(
            request_id=request.id,
            filename=name,
            content_type="application/pdf",
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            data=data,
            uploaded_at=at,
            **kw,
        )
    )
    return hashlib.sha256(data).hexdigest()


def write_prequalification(tender: Tender) -> None:
    """Every row of the prequalification up to the final selection, written on the models (see the module's
    docstring: the one function to switch to the other parts' operations)."""
    lead, evaluators = _user(*LEAD), [_user(e, n) for e, n in EVALUATORS]
    at = now()
    # -- the setup, frozen before any request came in (the core's canonical form and hash)
    setup = db.session.scalar(select(Prequalification).where(Prequalification.tender_id == tender.id))
    if db.session.scalar(
        select(QualificationRequirement.id).where(QualificationRequirement.tender_id == tender.id)
    ):
        raise DomainError(
            "Demokonkurransen har allerede et prekvalifiseringsoppsett uten endelig utvelgelse; bygg demoen "
            "i en tom database."
        )
    if setup is None:
        setup = Prequalification(tender_id=tender.id)
        db.session.add(setup)
    setup.enabled, setup.minimum_candidates, setup.maximum_candidates = True, MINIMUM, MAXIMUM
    setup.signers_approve_selection = True
    requirements = [
        QualificationRequirement(
            tender_id=tender.id, position=i + 1, category=c, text=t, documentation=d, espd_criterion=e
        )
        for i, (c, t, d, e) in enumerate(REQUIREMENTS)
    ]
    grounds = [
        ExclusionGround(tender_id=tender.id, position=i + 1, mandatory=m, text=t, espd_criterion=e)
        for i, (m, t, e) in enumerate(GROUNDS)
    ]
    criteria = [
        SelectionCriterion(
            tender_id=tender.id, position=i + 1, name=n, weight=w, description=d, descriptors=s
        )
        for i, (n, w, d, s) in enumerate(CRITERIA)
    ]
    db.session.add_all(requirements + grounds + criteria)
    db.session.flush()
    deadline = at
    frozen_at = deadline - timedelta(days=21)
    canonical = core.PrequalificationSetup(
        procedure=tender.procedure.value,
        requirements=tuple(
            core.QualificationRequirement(
                str(r.id), r.category.value, r.text, r.documentation, r.espd_criterion
            )
            for r in requirements
        ),
        exclusion_grounds=tuple(
            core.ExclusionGround(str(g.id), g.text, g.mandatory, g.espd_criterion) for g in grounds
        ),
        criteria=tuple(core.SelectionCriterion(str(c.id), c.name, c.weight, c.description) for c in criteria),
        scale=(
            core.ScaleStep(0, "Ikke dokumentert eller svak."),
            core.ScaleStep(5, "God eller tilfredsstillende."),
            core.ScaleStep(10, "Svært god, svært solid eller fem sammenlignbare leveranser."),
        ),
        minimum=MINIMUM,
        maximum=MAXIMUM,
        deadline=deadline,
    )
    setup.frozen_json = core.setup_canonical_json(canonical).decode("utf-8")
    setup.frozen_sha256 = core.setup_hash(canonical)
    setup.frozen_at, setup.frozen_by_id = frozen_at, lead.id
    # -- the participation deadline passes now (as the bids stage's deadline does)
    before = tender.participation_deadline
    tender.participation_deadline = deadline
    # -- six requests, submitted in the days before the deadline
    requests: list[ParticipationRequest] = []
    for i, applicant in enumerate(APPLICANTS):
        vendor = _vendor(applicant.orgnr)
        submitted = deadline - timedelta(days=6 - i, hours=3)
        request = ParticipationRequest(
            tender_id=tender.id,
            vendor_id=vendor.id,
            contact_name=applicant.person,
            contact_email=applicant.email,
            contact_phone="+47 35 00 00 0" + str(i),
            address=f"Postboks {100 + i}, 3701 Skien",
            espd_source="form",
            espd_json=json.dumps(
                {"operator": {"name": vendor.name, "organisasjonsnummer": vendor.organisasjonsnummer}},
                ensure_ascii=False,
            ),
            created_at=submitted - timedelta(days=2),
            updated_at=submitted,
        )
        db.session.add(request)
        db.session.flush()
        hashes = [
            _document(
                request,
                f"krav-{r.position}.pdf",
                [vendor.name, f"Dokumentasjon for kvalifikasjonskrav {r.position}", r.documentation],
                submitted - timedelta(hours=2),
                requirement_id=r.id,
            )
            for r in requirements
        ]
        db.session.add(
            RequestReference(
                request_id=request.id,
                customer="Notodden kommune",
                system="Sak/arkiv",
                contact="Arkivleder, 35 01 50 00",
                period="2020–2026",
                description="Sak/arkiv med Noark 5 for 700 brukere.",
            )
        )
        request.status, request.submitted_at = RequestStatus.SUBMITTED, submitted
        content = {
            "vendor": vendor.organisasjonsnummer,
            "documents": sorted(hashes),
            "submitted_at": core.utc_iso(submitted),
        }
        request.receipt_sha256 = core.sha256_hex(core.canonical_bytes(content))
        requests.append(request)
    db.session.flush()
    # -- opened by two: the lead and the first evaluator
    for person in (lead, evaluators[0]):
        db.session.add(
            RequestOpeningConfirmation(
                tender_id=tender.id, user_id=person.id, user_name=person.name, confirmed_at=at
            )
        )
    record = {
        "opened_at": core.utc_iso(at),
        "persons_required": 2,
        "opened_by": [
            {"name": lead.name, "roles": ["lead"], "confirmed_at": core.utc_iso(at)},
            {"name": evaluators[0].name, "roles": ["evaluator"], "confirmed_at": core.utc_iso(at)},
        ],
        "requests": [
            {
                "vendor": r.vendor.name,
                "organisasjonsnummer": r.vendor.organisasjonsnummer,
                "submitted_at": core.utc_iso(r.submitted_at) if r.submitted_at else None,
                "receipt_sha256": r.receipt_sha256,
            }
            for r in requests
        ],
        "late_attempts": [],
    }
    db.session.add(
        RequestOpening(
            tender_id=tender.id,
            opened_at=at,
            opened_by_id=lead.id,
            opened_by_name=lead.name,
            persons_required=2,
            record_json=core.canonical_bytes(record).decode("utf-8"),
        )
    )
    # -- the assessment
    for applicant, request in zip(APPLICANTS, requests, strict=True):
        rejected = applicant.orgnr == REJECTED_ORGNR
        for r in requirements:
            not_met = rejected and r.category is QualificationCategory.ECONOMIC
            db.session.add(
                QualificationAssessment(
                    request_id=request.id,
                    requirement_id=r.id,
                    status=RequirementStatus.NOT_MET if not_met else RequirementStatus.MET,
                    justification=(
                        "Årsregnskapene for 2024 og 2025 viser negativ egenkapital og underskudd; "
                        "kredittvurderingen er «svært høy risiko»."
                        if not_met
                        else "Dokumentasjonen er levert og viser at kravet er oppfylt."
                    ),
                    assessed_by_id=evaluators[0].id,
                    assessed_at=at,
                )
            )
        for g in grounds:
            applies = rejected and not g.mandatory
            db.session.add(
                ExclusionAssessment(
                    request_id=request.id,
                    ground_id=g.id,
                    applies=applies,
                    reason=(
                        "Foretaket er under konkursbehandling etter kunngjøring i Brønnøysundregistrene."
                        if applies
                        else "Egenerklæringen og registrene viser ingen forhold som gir grunn til avvisning."
                    ),
                    assessed_by_id=lead.id,
                    assessed_at=at,
                )
            )
    db.session.add(
        Clarification(
            request_id=requests[2].id,
            requirement_id=requirements[3].id,
            question="Bekreft at referansen fra Notodden kommune gjelder NDF Arkiv med Noark 5-kjerne.",
            asked_by_id=lead.id,
            asked_at=at,
            deadline=at + timedelta(days=2),
            answer="Ja: Notodden kommune har brukt NDF Arkiv med Noark 5-kjerne siden 2020.",
            answered_at=at,
        )
    )
    # -- selection scores: three evaluators each, then the lead's consensus
    for applicant, request in zip(APPLICANTS, requests, strict=True):
        if applicant.scores is None:
            continue
        for c, score in zip(criteria, applicant.scores, strict=True):
            for k, evaluator in enumerate(evaluators):
                own = max(0, min(10, score + (0, 1, -1)[k]))
                db.session.add(
                    SelectionIndividualScore(
                        request_id=request.id,
                        criterion_id=c.id,
                        evaluator_id=evaluator.id,
                        score=Decimal(own),
                        justification=f"{c.name}: vurdert til {own} etter beskrivelsene i skalaen.",
                        updated_at=at,
                    )
                )
            db.session.add(
                SelectionConsensusScore(
                    request_id=request.id,
                    criterion_id=c.id,
                    score=Decimal(score),
                    justification=(
                        f"{c.name}: gruppen ble enig om {score} etter å ha sammenlignet dokumentasjonen med "
                        "beskrivelsene i skalaen."
                    ),
                    set_by_id=lead.id,
                    updated_at=at,
                )
            )
    # -- the ranking (the core's), the proposal of the four best, approved by every municipality
    model = core.selection_model(list(canonical.criteria))
    ranking = core.rank_requests(
        model,
        [
            core.Request(
                str(r.id),
                r.vendor.name,
                qualified=a.orgnr != REJECTED_ORGNR,
                excluded=a.orgnr == REJECTED_ORGNR,
                scores={str(c.id): Decimal(s) for c, s in zip(criteria, a.scores or (), strict=False)},
            )
            for a, r in zip(APPLICANTS, requests, strict=True)
        ],
        maximum=MAXIMUM,
    )
    invited = ranking.proposal()
    if invited is None or core.check_invitation(ranking, invited, MINIMUM):
        raise DomainError("Demoens utvelgelse kunne ikke foreslås.")
    form = core.selection_canonical_form(ranking, invited, (), setup.frozen_sha256)
    # as the selection part records it (tender.prequalification.select_operations): names and reasons too
    form["number"], form["tender"] = 1, tender.id
    form["names"] = {str(r.id): r.vendor.name for r in requests}
    form["reasons"] = {}
    for applicant, request in zip(APPLICANTS, requests, strict=True):
        row = ranking.get(str(request.id))
        if applicant.orgnr == REJECTED_ORGNR:
            form["reasons"][str(request.id)] = (
                "Oppfyller ikke kvalifikasjonskravet om økonomisk kapasitet, og er under konkursbehandling."
            )
        elif row is not None and str(request.id) not in invited:
            form["reasons"][str(request.id)] = (
                f"Rangert som nr. {row.rank} med {format_decimal(row.total, 2)} poeng; "
                f"{len(invited)} kandidater er valgt ut etter utvelgelseskriteriene."
            )
    digest = core.sha256_hex(core.canonical_bytes(form))
    proposal = SelectionProposal(
        tender_id=tender.id,
        number=1,
        proposed_at=at,
        proposed_by_id=lead.id,
        record_json=core.canonical_bytes(form).decode("utf-8"),
        sha256=digest,
        final_at=at,
    )
    db.session.add(proposal)
    db.session.flush()
    for municipality in tender.participating_municipalities:
        signer = next(
            m.user
            for m in tender.memberships
            if m.role is Role.SIGNER and m.municipality_id == municipality.id
        )
        db.session.add(
            SelectionApproval(
                proposal_id=proposal.id,
                municipality_id=municipality.id,
                signer_id=signer.id,
                signer_name=signer.name,
                approved=True,
                comment=f"Godkjent for {municipality.name}.",
                sha256=digest,
                decided_at=at,
            )
        )
    for applicant, request in zip(APPLICANTS, requests, strict=True):
        request.outcome = (
            RequestOutcome.REJECTED
            if applicant.orgnr == REJECTED_ORGNR
            else RequestOutcome.INVITED
            if str(request.id) in invited
            else RequestOutcome.NOT_SELECTED
        )
    db.session.flush()
    audit.record(
        "demo.prequalification",
        tender,
        actor=DEMO,
        payload={
            "setup_sha256": setup.frozen_sha256,
            "participation_deadline_before": before.isoformat() if before else None,
            "participation_deadline": deadline.isoformat(),
            "requests": len(requests),
            "invited": sorted(r.vendor.name for r in requests if str(r.id) in invited),
            "sha256": digest,
            "why": "Demoen skriver prekvalifiseringen fram til endelig utvelgelse i ett steg.",
        },
    )
