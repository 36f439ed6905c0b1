"""Builders for the prequalification tests: a tender with a frozen prequalification setup, vendors with their
users, and submitted requests to take part.

The rows are written directly here so that each part's tests can start from any point; the parts' own tests
go through the operations (and, for every form, the browser). The deadline is ``PQ_DEADLINE``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from tests.evaluation_helpers import PASSWORD

PQ_DEADLINE = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
PQ_BEFORE = PQ_DEADLINE - timedelta(seconds=1)
PQ_AFTER = PQ_DEADLINE + timedelta(seconds=1)
#: the bid deadline of a prequalified tender: after the participation deadline
PQ_BID_DEADLINE = datetime(2026, 12, 15, 12, 0, tzinfo=UTC)


@dataclass(frozen=True)
class LiveBuilders:
    """The fixtures ``create_user``, ``create_tender`` and ``add_member`` for a live server's database."""

    create_user: Callable[..., Any]
    create_tender: Callable[..., Any]
    add_member: Callable[..., Any]


def live_builders(database: Any, *, title: str, case_reference: str) -> LiveBuilders:
    """The builders the fixtures give, for a live server's database (call inside its app context): each
    commits, since the browser's requests read in their own transactions. Users log in with ``PASSWORD``; the
    tender (``title`` and a random tag, a competitive negotiation of Skien and Porsgrunn) is led by a new
    lead; vendor users come in by the operator's path (tender.vendors), not the group's."""
    import uuid

    from tender.auth import operations as accounts
    from tender.tenders import operations as tender_ops
    from tender.tenders.models import Procedure, Role
    from tender.vendors import operations as vendor_ops

    tag = uuid.uuid4().hex[:8]

    def create_user(name: str = "Test", **_: Any) -> Any:
        user = accounts.create_user(
            f"{name.split()[0].lower()}.{uuid.uuid4().hex[:8]}@example.no", name, password=PASSWORD
        )
        database.session.commit()
        return user

    def create_tender(**kw: Any) -> Any:
        lead = create_user("Lena Leder")
        tender = tender_ops.create_tender(
            title=f"{title} {tag}",
            case_reference=case_reference,
            procedure=Procedure.COMPETITIVE_NEGOTIATION,
            lead=lead,
            **kw,
        )
        for name, number, pop in [("Skien", "4003", 56_360), ("Porsgrunn", "4001", 37_920)]:
            m = tender_ops.get_or_create_municipality(name=name, kommunenummer=number, population=pop)
            tender_ops.add_municipality(tender, m, actor=lead)
        database.session.commit()
        return tender

    def add_member(tender: Any, role: Any, user: Any = None, **kw: Any) -> Any:
        user = user or create_user(f"{role.value.title()} Person")
        if role is Role.VENDOR:
            vendor_ops.add_vendor_user_by_operator(tender, kw["vendor"], user)
        else:
            tender_ops.add_membership(tender, user, role, **kw)
        database.session.commit()
        return user

    return LiveBuilders(create_user, create_tender, add_member)


VENDOR_NAMES = [
    "Arkivus AS",
    "Bokskapet Systemer AS",
    "Casefile Norge AS",
    "Dokumenta AS",
    "Elark AS",
    "Fjordsak AS",
]
#: the organisation numbers of the prequalification family: ``PQ_ORGNR[i]`` is ``VENDOR_NAMES[i % 6]``
#: (``pq_vendor``). Made up with a valid MOD11 check digit, and apart from tests/evaluation_helpers.py's
#: ``ORGNR`` and the demo's: the live server's database is shared by the session and a vendor keeps the name
#: it was first registered with (tests/test_vendor_numbers.py)
PQ_ORGNR = [
    "935611202",
    "935611210",
    "935611229",
    "935611237",
    "935611245",
    "935611253",
    "935611261",
    "935611288",
    "935611296",
    "935611318",
]


def pq_vendor(i: int) -> tuple[str, str]:
    """The name and organisation number of the prequalification family's vendor ``i``."""
    return VENDOR_NAMES[i % len(VENDOR_NAMES)], PQ_ORGNR[i]


@dataclass
class PqSetup:
    tender: Any
    lead: Any
    evaluators: list[Any]
    observer: Any
    signers: list[Any]
    vendors: list[Any]
    vendor_users: list[Any]
    requirements: list[Any] = field(default_factory=list)
    grounds: list[Any] = field(default_factory=list)
    criteria: list[Any] = field(default_factory=list)


def pq_setup(
    db: Any,
    create_tender: Any,
    add_member: Any,
    create_user: Any,
    *,
    vendors: int = 6,
    evaluators: int = 2,
    minimum: int = 3,
    maximum: int | None = 4,
    frozen: bool = True,
    signers_approve: bool = True,
) -> PqSetup:
    """A competitive negotiation with a prequalification: four requirements (one per group), two grounds for
    exclusion, three selection criteria (40/35/25 %), ``vendors`` registered vendors each with a user, two
    evaluators, an observer and a signer per municipality."""
    from tender.prequalification.models import (
        ExclusionGround,
        Prequalification,
        QualificationCategory,
        QualificationRequirement,
        SelectionCriterion,
    )
    from tender.tenders import operations as tender_ops
    from tender.tenders.models import Role

    tender = create_tender(participation_deadline=PQ_DEADLINE, bid_deadline=PQ_BID_DEADLINE)
    lead = tender.memberships[0].user
    setup = Prequalification(
        tender_id=tender.id,
        enabled=True,
        minimum_candidates=minimum,
        maximum_candidates=maximum,
        signers_approve_selection=signers_approve,
    )
    db.session.add(setup)
    requirements = [
        QualificationRequirement(
            tender_id=tender.id,
            position=1,
            category=QualificationCategory.REGISTRATION,
            text="Leverandøren skal være lovlig registrert i et foretaksregister.",
            documentation="Firmaattest, ikke eldre enn seks måneder.",
            espd_criterion=None,
        ),
        QualificationRequirement(
            tender_id=tender.id,
            position=2,
            category=QualificationCategory.TAX,
            text="Leverandøren skal ha ordnede forhold med skatt og merverdiavgift.",
            documentation="Skatteattest, ikke eldre enn seks måneder.",
            espd_criterion="CRITERION.EXCLUSION.CONTRIBUTIONS.PAYMENT_OF_TAXES",
        ),
        QualificationRequirement(
            tender_id=tender.id,
            position=3,
            category=QualificationCategory.ECONOMIC,
            text="Leverandøren skal ha tilstrekkelig økonomisk og finansiell kapasitet.",
            documentation="Årsregnskap for de to siste år med revisjonsberetning.",
            espd_criterion="CRITERION.SELECTION.ECONOMIC_FINANCIAL_STANDING.TURNOVER.GENERAL_YEARLY",
        ),
        QualificationRequirement(
            tender_id=tender.id,
            position=4,
            category=QualificationCategory.TECHNICAL,
            text="Leverandøren skal ha levert systemet til minst to kommuner som bruker Noark 5.",
            documentation="Referanseliste med kontaktpersoner.",
            espd_criterion="CRITERION.SELECTION.TECHNICAL_PROFESSIONAL_ABILITY.REFERENCES.SUPPLIES",
        ),
    ]
    grounds = [
        ExclusionGround(
            tender_id=tender.id,
            position=1,
            mandatory=True,
            text="Rettskraftig dom for deltakelse i en kriminell organisasjon, korrupsjon, bedrageri m.m.",
            espd_criterion="CRITERION.EXCLUSION.CONVICTIONS.PARTICIPATION_IN_CRIMINAL_ORGANISATION",
        ),
        ExclusionGround(
            tender_id=tender.id,
            position=2,
            mandatory=False,
            text="Leverandøren er konkurs, under akkord eller avvikling.",
            espd_criterion="CRITERION.EXCLUSION.BUSINESS.BANKRUPTCY",
        ),
    ]
    criteria = [
        SelectionCriterion(
            tender_id=tender.id,
            position=1,
            name="Relevante referanser",
            weight=Decimal("40"),
            description="Antall og relevans av leveranser til kommuner med Noark 5.",
            descriptors="10: fem eller flere sammenlignbare leveranser. 5: to. 0: ingen.",
        ),
        SelectionCriterion(
            tender_id=tender.id,
            position=2,
            name="Kompetanse i leveranseteamet",
            weight=Decimal("35"),
            descriptors="10: svært god. 5: god. 0: ikke dokumentert.",
        ),
        SelectionCriterion(
            tender_id=tender.id,
            position=3,
            name="Økonomisk soliditet",
            weight=Decimal("25"),
            descriptors="10: svært solid. 5: tilfredsstillende. 0: svak.",
        ),
    ]
    db.session.add_all(requirements + grounds + criteria)
    db.session.flush()
    if frozen:
        # the canonical form the freeze keeps, so that the announcement reads it as it reads a real one
        from tender.core.prequalification import canonical_bytes
        from tender.prequalification.setup_operations import canonical_form

        setup.frozen_json = canonical_bytes(canonical_form(tender, setup)).decode("utf-8")
        setup.frozen_sha256 = hashlib.sha256(setup.frozen_json.encode()).hexdigest()
        setup.frozen_at = PQ_DEADLINE - timedelta(days=30)
        setup.frozen_by_id = lead.id
    vendor_rows, vendor_users = [], []
    for i in range(vendors):
        name, number = pq_vendor(i)
        v = tender_ops.register_vendor(tender, name=name, organisasjonsnummer=number, actor=lead)
        db.session.commit()
        vendor_rows.append(v)
        vendor_users.append(
            add_member(
                tender, Role.VENDOR, create_user(name=f"Selger {VENDOR_NAMES[i % 6].split()[0]}"), vendor=v
            )
        )
    evals = [
        add_member(tender, Role.EVALUATOR, create_user(name=f"Evaluator {i + 1}")) for i in range(evaluators)
    ]
    observer = add_member(tender, Role.OBSERVER, create_user(name="Olav Observatør"))
    signers = [
        add_member(tender, Role.SIGNER, create_user(name=f"Signe {m.name}"), municipality=m)
        for m in tender.participating_municipalities
    ]
    db.session.commit()
    return PqSetup(
        tender, lead, evals, observer, signers, vendor_rows, vendor_users, requirements, grounds, criteria
    )


def submitted_request(db: Any, s: PqSetup, index: int, *, at: datetime = PQ_BEFORE) -> Any:
    """Vendor ``index``'s request, written as submitted at ``at`` with a document per requirement and one
    reference (rows written directly: the request part's own tests go through its operations)."""
    from tender.prequalification.models import (
        ParticipationRequest,
        RequestDocument,
        RequestReference,
        RequestStatus,
    )

    vendor = s.vendors[index]
    request = ParticipationRequest(
        tender_id=s.tender.id,
        vendor_id=vendor.id,
        contact_name=f"Kontakt {vendor.name}",
        contact_email=f"anbud@{vendor.name.split()[0].lower()}.no",
        contact_phone="+47 35 00 00 00",
        address="Storgata 1, 3715 Skien",
        espd_source="form",
        espd_json=json.dumps(
            {"operator": {"name": vendor.name, "organisasjonsnummer": vendor.organisasjonsnummer}}
        ),
        created_at=at - timedelta(days=2),
        updated_at=at,
    )
    db.session.add(request)
    db.session.flush()
    for r in s.requirements:
        data = f"{vendor.name}: dokumentasjon for krav {r.position}".encode()
        db.session.add(
            RequestDocument(
                request_id=request.id,
                requirement_id=r.id,
                filename=f"krav-{r.position}.pdf",
                content_type="application/pdf",
                size=len(data),
                sha256=hashlib.sha256(data).hexdigest(),
                data=data,
                uploaded_at=at - timedelta(days=1),
            )
        )
    db.session.add(
        RequestReference(
            request_id=request.id,
            customer="Telemark fylkeskommune",
            system=f"{vendor.name.split()[0]} Sak",
            contact="Kari Arkivar, 35 00 00 01",
            period="2021–2026",
            description="Sak/arkiv for 900 brukere, Noark 5.",
        )
    )
    request.status = RequestStatus.SUBMITTED
    request.submitted_at = at
    request.receipt_sha256 = hashlib.sha256(f"request {request.id}".encode()).hexdigest()
    db.session.commit()
    return request
