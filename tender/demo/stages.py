"""The demo's later stages: ``tender demo --stage published|bids|scored`` carries the Grenland tender from its
draft specification to a scored evaluation, through the same operations the pages use (so the audit trail
is the one a real tender would have). Each step looks at what the database holds and does only what is
missing, so running a stage twice duplicates nothing and a later stage continues from an earlier one.

Demo data only: the vendors, people, answers, prices and scores are made up.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from decimal import Decimal

from flask import current_app
from sqlalchemy import select

from tender import audit
from tender.auth.models import User
from tender.bids import operations as bid_ops
from tender.clock import now
from tender.core import spec as core_spec
from tender.core.scoring import RequirementStatus
from tender.demo import DEMO_CASE_REFERENCE, EVALUATORS, LEAD, STAGES, _user, build_demo
from tender.demo.extract import demo_extract
from tender.errors import DomainError
from tender.evaluation import operations as ev
from tender.evaluation_model import operations as model_ops
from tender.evaluation_model.models import CriterionKindValue, Phase, PriceItemKind
from tender.extensions import db
from tender.noark import operations as noark_ops
from tender.noark.models import SampleStatus
from tender.requirements import operations as spec_ops
from tender.requirements.models import SpecVersion
from tender.tenders.models import Municipality, Role, Tender, Vendor
from tender.vendors import operations as vendor_ops
from tender.web.transactions import transaction


@dataclass(frozen=True)
class Bidder:
    orgnr: str
    email: str
    person: str
    system: str
    #: one-off price (licences, introduction, migration) and the yearly price per inhabitant
    one_off: Decimal
    yearly_per_inhabitant: Decimal
    #: the consensus score on each quality criterion (0–10), which the individual scores scatter around
    scores: dict[str, int]
    #: requirement text fragment -> the reservation this vendor takes on the first requirement containing it
    reservations: dict[str, str]


BIDDERS = [
    Bidder(
        "921345674",
        "tilbud@arkivhuset.no",
        "Sara Kvist",
        "Arkivhuset Sak 9",
        Decimal("2450000"),
        Decimal("27.50"),
        {"arkiv": 8, "saksbehandling": 6, "bruk": 5, "integrasjon": 7, "gjennomforing": 7},
        {},
    ),
    Bidder(
        "918273646",
        "jonas.bakke@saksflyt.no",
        "Jonas Bakke",
        "Saksflyt Kommune",
        Decimal("2890000"),
        Decimal("29.00"),
        {"arkiv": 8, "saksbehandling": 9, "bruk": 8, "integrasjon": 7, "gjennomforing": 8},
        {
            "migr": "Migrering av dokumenter eldre enn 2010 prises etter medgått tid (timepris 1 250 kr eks. "
            "mva.), fordi kvaliteten på de eldste uttrekkene ikke er kjent."
        },
    ),
    Bidder(
        "913579240",
        "lene.foss@nordiskdok.no",
        "Lene Foss",
        "NDF Arkiv",
        Decimal("1940000"),
        Decimal("24.00"),
        {"arkiv": 6, "saksbehandling": 5, "bruk": 7, "integrasjon": 5, "gjennomforing": 6},
        {},
    ),
    Bidder(
        "924681357",
        "martin.hauge@kommunearkiv.no",
        "Martin Hauge",
        "Kommunearkiv Sky",
        Decimal("3380000"),
        Decimal("33.00"),
        {"arkiv": 7, "saksbehandling": 7, "bruk": 6, "integrasjon": 8, "gjennomforing": 5},
        {
            "Fiks": "Integrasjonen mot KS Fiks forutsetter at kommunene selv bestiller og betaler tilgang "
            "hos KS; vi setter den opp innen 30 dager etter at tilgangen er gitt."
        },
    ),
]

#: The award criteria: price 40 %, quality 60 % split over the specification's five criteria (same keys).
QUALITY = [
    ("arkiv", "Arkiv og journalføring", 30, "Noark 5-funksjonalitet, journalføring, avlevering og bevaring."),
    (
        "saksbehandling",
        "Saksbehandling",
        25,
        "Støtte for saksgangen fra mottak til arkivering, maler og flyt.",
    ),
    (
        "bruk",
        "Brukervennlighet",
        15,
        "Hvor lett løsningen er å bruke, også for sjeldne brukere; universell utforming.",
    ),
    (
        "integrasjon",
        "Integrasjoner",
        15,
        "Integrasjoner med fagsystemer, KS Fiks, eByggesak og folkeregisteret.",
    ),
    (
        "gjennomforing",
        "Gjennomføring, drift og support",
        15,
        "Innføringsplan, migrering, opplæring, drift og support.",
    ),
]

#: The base specification's minimum requirement that the Noark 5 validation of the samples answers (10.3).
NOARK_REQUIREMENT = "arkivuttrekk etter Noark 5"

#: Plausible answers to the number requirements, by unit, and what the number rests on.
NUMBERS: dict[str, tuple[tuple[str, ...], str]] = {
    "sekunder": (
        ("0,4", "0,6", "0,8", "1,2", "1,5"),
        "Målt i produksjon hos en kommune med om lag 40 000 innbyggere.",
    ),
    "prosent": (
        ("99,5", "99,7", "99,8", "99,9"),
        "Garantert i tjenesteavtalen, målt per måned i avtalt tjenestetid.",
    ),
    "timer": (("1", "2", "4", "8", "12"), "Som i tjenesteavtalen; se vedlegget for beredskapsplanen."),
    "brukere": (
        ("850", "1 400", "2 300", "3 600"),
        "Den største installasjonen i dag, i en interkommunal løsning.",
    ),
    "": (("10", "25", "50"), "Se løsningsbeskrivelsen i vedlegget."),
}

#: How each evaluator's own score differs from the consensus, criterion by criterion (QUALITY order).
SPREAD = [(0, 1, -1, 0, 1), (-1, 0, 0, 1, 0), (1, -1, 1, -1, 0)]

#: Why a score is what it is, per criterion and level (low 0–4, mid 5–6, high 7–10).
JUSTIFY = {
    "arkiv": (
        "mangler flere arkivfunksjoner vi krever vekt på",
        "dekker Noark 5 godt, men avlevering og bevaring er lite utviklet",
        "sterk Noark 5-støtte med god avlevering og gode prøveuttrekk",
    ),
    "saksbehandling": (
        "saksgangen krever mange manuelle steg",
        "dekker vanlig saksgang, få maler og svak flytstøtte",
        "god flyt fra mottak til arkiv, gode maler og oppgavelister",
    ),
    "bruk": (
        "tungt grensesnitt med mange skjermbilder",
        "greit for faste brukere, krevende for sjeldne",
        "oversiktlig og raskt, god universell utforming",
    ),
    "integrasjon": (
        "få ferdige integrasjoner",
        "de viktigste integrasjonene finnes, andre må lages",
        "ferdige integrasjoner mot KS Fiks, eByggesak og folkeregisteret",
    ),
    "gjennomforing": (
        "innføringsplanen er vag",
        "realistisk plan, men tynn migreringsbeskrivelse",
        "konkret innføringsplan med migrering og opplæring per kommune",
    ),
}


class DemoActor:
    """Who the audit trail names for the demo's own steps (not done by any person in the demo)."""

    id = None
    email = "demo"
    name = "Demo"


DEMO = DemoActor()


def build_stage(stage: str) -> Tender:
    """Build (or complete) the demo up to ``stage``: each stage is one transaction, committed before the next
    begins (a stage that fails leaves the ones before it built); the Noark queue worker's part of the bids
    stage runs in its own transactions, as the worker does."""
    if stage not in STAGES:
        raise DomainError(f"Ukjent trinn «{stage}»; velg ett av {', '.join(STAGES)}.")
    with transaction():
        tender = build_demo()
    level = STAGES.index(stage)
    if level >= STAGES.index("prequalification"):
        # Grenland prequalified before the bids: the four invited are the vendors who bid later on
        from tender.demo.prequalification import build_prequalification

        with transaction():
            build_prequalification(tender)
    if level >= STAGES.index("published"):
        from tender.demo.documents import publish_documents

        with transaction():
            publish_and_lock(tender)
        with transaction():
            publish_documents(tender)
        with transaction():
            choose_languages()
    if level >= STAGES.index("bids"):
        with transaction():
            submit_bids(tender)
        validate_samples(tender)
    if level >= STAGES.index("scored"):
        with transaction():
            score(tender)
    if level >= STAGES.index("negotiated"):
        # the competitive negotiation after the initial bids: meetings, a reduction and the call for the best
        # and final offers; within the new round a question answered to all and a correction published; then
        # the final bids delivered, opened by two and scored with the same frozen model
        from tender.demo.corrections import publish_correction
        from tender.demo.negotiation import finish_negotiation, start_negotiation
        from tender.demo.questions import ask_and_answer

        with transaction():
            start_negotiation(tender)
        with transaction():
            ask_and_answer(tender)
        with transaction():
            publish_correction(tender)
        with transaction():
            finish_negotiation(tender)
    if level >= STAGES.index("awarded"):
        # the award: the cost split, the recommendation with its texts signed off by all six municipalities,
        # the notices of award to the three bidders at one moment, the standstill passed (the demo's shortcut)
        # and the signed contract; then the protocol and the archive packages, as the group files them
        from tender.demo.award_archive import file_archive_packages
        from tender.demo.award_costs import split_costs
        from tender.demo.award_notices import issue_notices, sign_contract
        from tender.demo.award_protocol import keep_protocol
        from tender.demo.award_recommendation import recommend_and_sign

        with transaction():
            split_costs(tender)
        with transaction():
            recommend_and_sign(tender)
        with transaction():
            issue_notices(tender)
        with transaction():
            sign_contract(tender)
        with transaction():
            keep_protocol(tender)
            file_archive_packages(tender)
    return tender


def demo_tender() -> Tender | None:
    return db.session.scalar(select(Tender).where(Tender.case_reference == DEMO_CASE_REFERENCE))


def _lead() -> User:
    return _user(*LEAD)


def _evaluators() -> list[User]:
    return [_user(email, name) for email, name in EVALUATORS]


def _vendor(orgnr: str) -> Vendor:
    vendor: Vendor | None = db.session.scalar(select(Vendor).where(Vendor.organisasjonsnummer == orgnr))
    assert vendor is not None  # build_demo registered every vendor
    return vendor


# -- published ----------------------------------------------------------------------------------------------
def signer_of(tender: Tender, municipality: Municipality) -> User:
    """The demo's signer for ``municipality`` (one each)."""
    return next(
        m.user for m in tender.memberships if m.role is Role.SIGNER and m.municipality_id == municipality.id
    )


def approve_everywhere(tender: Tender, version: SpecVersion, comment: str) -> None:
    """Every municipality's signer approves ``version`` (those who have not decided on it yet), bound to its
    hash; ``comment`` names the municipality where it has ``{}``."""
    decided = {d.municipality_id for d in version.decisions}
    for municipality in tender.participating_municipalities:
        if municipality.id not in decided:
            spec_ops.decide(
                tender,
                version,
                municipality,
                approve=True,
                comment=comment.format(municipality.name),
                content_hash=version.content_hash,
                signer=signer_of(tender, municipality),
            )


def publish_and_lock(tender: Tender) -> None:
    """Price schedule and evaluation model, the six approvals, the publication, the lock, the vendor users."""
    lead = _lead()
    spec = spec_ops.specification_of(tender)
    assert spec is not None
    if spec.published_version is None:
        # the price schedule goes out with the specification, so it is set before the publication
        if not model_ops.price_items(tender):
            model_ops.add_price_item(
                tender,
                name="Lisenser, innføring og migrering (engangsbeløp)",
                kind=PriceItemKind.ONE_OFF,
                per_municipality=False,
                actor=lead,
            )
            model_ops.add_price_item(
                tender,
                name="Årlig lisens, drift og support",
                kind=PriceItemKind.YEARLY,
                per_municipality=True,
                actor=lead,
            )
        version = spec_ops.latest_version(spec)
        if version is None or spec_ops.draft_differs_from_latest(spec):
            version = spec_ops.freeze_version(tender, actor=lead, note="Til godkjenning i kommunene")
        approve_everywhere(tender, version, "Godkjent for {} etter gjennomgang i arkivtjenesten.")
        spec_ops.publish(tender, version, actor=lead)
    if not noark_ops.links_of(tender):
        content = bid_ops.published_spec(tender)
        extract = next(
            (
                r
                for r in content.requirements
                if r.kind is core_spec.Kind.MINSTEKRAV  # type: ignore[union-attr]
                and NOARK_REQUIREMENT in r.text
            ),
            None,
        )
        if extract is not None:  # the minimum requirement the validation of the samples answers
            noark_ops.link_requirement(tender, extract.id, actor=lead)
    model = model_ops.ensure_model(tender)
    if model.frozen_at is None:
        _evaluation_model(tender, lead)
        model_ops.freeze(tender, at=now(), actor=lead)
    for bidder in BIDDERS:
        seller = _user(bidder.email, bidder.person)
        if Role.VENDOR not in tender.roles_of(seller):
            vendor_ops.add_vendor_user_by_operator(tender, _vendor(bidder.orgnr), seller)


def _evaluation_model(tender: Tender, lead: User) -> None:
    model_ops.update_settings(
        tender,
        model_ops.ModelSettings(
            scale_max=Decimal(10),
            price_method="linear",
            price_k=None,
            nok_per_point=None,
            normalise=False,
            contract_period="4+1+1",
            disagreement_threshold=Decimal(3),
        ),
        actor=lead,
    )
    if model_ops.criterion_by_key(tender, "pris") is None:
        model_ops.add_criterion(
            tender,
            model_ops.CriterionInput(
                key="pris",
                name="Pris",
                weight=Decimal(40),
                kind=CriterionKindValue.PRICE,
                documentation=(
                    "Samlet evaluert pris over 4+1+1 år: engangsbeløp og årlige beløp for alle seks kommuner."
                ),
            ),
            actor=lead,
        )
    if model_ops.criterion_by_key(tender, "kvalitet") is None:
        model_ops.add_criterion(
            tender,
            model_ops.CriterionInput(
                key="kvalitet",
                name="Kvalitet",
                weight=Decimal(60),
                documentation="Løsningens kvalitet, vurdert etter underkriteriene.",
            ),
            actor=lead,
        )
    for key, name, weight, documentation in QUALITY:
        if model_ops.criterion_by_key(tender, key) is None:
            model_ops.add_criterion(
                tender,
                model_ops.CriterionInput(
                    key=key,
                    name=name,
                    weight=Decimal(weight),
                    parent_key="kvalitet",
                    documentation=documentation,
                ),
                actor=lead,
            )


# -- bids ----------------------------------------------------------------------------------------------------
def _pick(seed: str, options: int) -> int:
    return int(hashlib.sha256(seed.encode("utf-8")).hexdigest()[:8], 16) % options


def _answer(bidder: Bidder, req: core_spec.Requirement, reserved: dict[str, str]) -> bid_ops.AnswerInput:
    form = req.answer_form
    reservation = reserved.get(req.id, "")
    if form is core_spec.AnswerForm.JA_NEI:
        fulfilled, description = "Ja", f"Dekkes av standardfunksjonaliteten i {bidder.system}."
    elif form is core_spec.AnswerForm.JA_NEI_DELVIS:
        level = bidder.scores.get(req.criterion or "", 6)
        roll = _pick(f"{bidder.orgnr}:{req.id}", 10)
        if roll < level:
            fulfilled, description = (
                "Ja",
                (
                    f"Standardfunksjonalitet i {bidder.system}; vises i demonstrasjonen "
                    "og er i bruk hos flere kommuner."
                ),
            )
        elif roll < level + 2:
            fulfilled, description = (
                "Delvis",
                (
                    "Delvis støttet i dagens versjon; full støtte kommer i neste "
                    "hovedversjon (planlagt våren 2027) uten ekstra kostnad."
                ),
            )
        else:
            fulfilled, description = "Nei", "Ikke støttet i dag; kan løses med tilpasning etter avtale."
    elif form is core_spec.AnswerForm.TALL:
        values, description = NUMBERS.get(req.unit or "", NUMBERS[""])
        fulfilled = values[_pick(f"{bidder.orgnr}:{req.id}", len(values))]
    else:
        fulfilled = "Se beskrivelsen."
        description = (
            f"{bidder.system} leveres som tjeneste fra datasenter i Norge. Løsningsbeskrivelsen i "
            "vedlegget går nærmere inn på dette punktet."
        )
    return bid_ops.AnswerInput(
        req.id,
        fulfilled,
        description=description,
        documentation_ref="Vedlegg 1, Løsningsbeskrivelse",
        reservation=bool(reservation),
        reservation_text=reservation,
    )


def _reserved(bidder: Bidder, content: core_spec.Specification) -> dict[str, str]:
    """The requirements this bidder takes a reservation on: the first evaluation requirement naming each
    topic."""
    found: dict[str, str] = {}
    for fragment, text in bidder.reservations.items():
        hit = next(
            (
                r
                for r in content.requirements
                if r.kind is core_spec.Kind.EVALUERINGSKRAV
                and fragment.lower() in r.text.lower()
                and r.id not in found
            ),
            None,
        )
        if hit is None:  # the topic is not in this specification: the first evaluation requirement instead
            hit = next(r for r in content.requirements if r.kind is core_spec.Kind.EVALUERINGSKRAV)
        found[hit.id] = text
    return found


def _prices(tender: Tender, bidder: Bidder) -> dict[tuple[int, int | None], Decimal]:
    one_off, yearly = model_ops.price_items(tender)[:2]
    prices: dict[tuple[int, int | None], Decimal] = {(one_off.id, None): bidder.one_off}
    for municipality in tender.participating_municipalities:
        prices[(yearly.id, municipality.id)] = (
            bidder.yearly_per_inhabitant * municipality.population
        ).quantize(Decimal(1))
    return prices


def _pdf(lines: list[str]) -> bytes:
    """A one-page PDF 1.4 with ``lines`` of text (Latin-1), with a correct cross-reference table."""

    def esc(text: str) -> str:
        return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    stream = "BT /F1 12 Tf 72 770 Td 16 TL " + " ".join(f"({esc(line)}) '" for line in lines) + " ET"
    body = stream.encode("latin-1", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(body) + body + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + obj + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


#: the vendor user who chose the English vendor pages (issue 17: the switch on every vendor page)
ENGLISH_BIDDER = "martin.hauge@kommunearkiv.no"


def choose_languages() -> None:
    """Kommunearkiv's seller reads the vendor pages in English, as if he had clicked the switch."""
    from tender.auth import operations as auth_ops

    bidder = next(b for b in BIDDERS if b.email == ENGLISH_BIDDER)
    seller = _user(bidder.email, bidder.person)
    if seller.language is None:
        auth_ops.set_language(seller, "en")


def submit_bids(tender: Tender) -> None:
    """Four vendors answer, price, attach, upload a Noark 5 sample and submit; then the deadline is passed
    (the caller commits, then has the samples validated: :func:`validate_samples`)."""
    content = bid_ops.published_spec(tender)
    assert content is not None
    for bidder in BIDDERS:
        vendor = _vendor(bidder.orgnr)
        bid = bid_ops.bid_of(tender, vendor.id)
        if bid is not None and bid.is_submitted:
            continue
        at = now()
        if bid_ops.deadline_passed(tender, at):
            raise DomainError(
                f"Tilbudsfristen er ute, men {vendor.name} har ikke levert; bygg demoen i en tom database."
            )
        seller = _user(bidder.email, bidder.person)
        bid = bid_ops.ensure_bid(tender, vendor, at=at, actor=seller)
        reserved = _reserved(bidder, content)
        bid_ops.save_draft(
            tender,
            bid,
            answers=[_answer(bidder, r, reserved) for r in content.requirements],
            prices=_prices(tender, bidder),
            at=at,
            actor=seller,
        )
        if not bid.attachments:
            bid_ops.add_attachment(
                tender,
                bid,
                filename="Løsningsbeskrivelse.pdf",
                content_type="application/pdf",
                data=_pdf(
                    [
                        f"{vendor.name}",
                        f"Løsningsbeskrivelse: {bidder.system}",
                        "Tilbud i konkurransen Felles sak- og arkivsystem for Grenland",
                        f"Kontaktperson: {bidder.person} <{bidder.email}>",
                    ]
                ),
                at=at,
                actor=seller,
            )
        if noark_ops.sample_of_bid(bid) is None:
            data = demo_extract(
                system=bidder.system,
                creator=(bidder.orgnr, f"Testarkiv for {bidder.system}"),
                seed=bidder.orgnr,
            )
            noark_ops.store_upload(
                tender,
                vendor,
                io.BytesIO(data),
                "noark5-proveuttrekk.zip",
                max_bytes=int(current_app.config["NOARK_MAX_UPLOAD_BYTES"]),
                actor=seller,
                at=at,
            )
        bid_ops.submit(tender, bid, at=at, actor=seller)
        db.session.flush()
    if not bid_ops.deadline_passed(tender, now()):
        pass_bid_deadline(tender)


def validate_samples(tender: Tender) -> None:
    """What the queue worker does with the submitted samples still queued (in its own transactions)."""
    for sample in noark_ops.submitted_samples(tender).values():
        if sample.status is SampleStatus.QUEUED:
            noark_ops.run_validation(sample.id)  # what the queue worker does; commits


def pass_bid_deadline(tender: Tender) -> None:
    """The demo's shortcut: move the bid deadline to this moment, after every submission, instead of waiting
    60 days. No page offers this (a deadline can only be moved while ahead, and only forwards in time); the
    audit trail records it as the demo's own step."""
    at = now()
    latest = max((b.submitted_at for b in bid_ops.submitted_bids(tender) if b.submitted_at), default=None)
    if latest is not None and latest >= at:
        raise DomainError("Klokken står ikke etter siste innlevering; fristen kan ikke flyttes dit.")
    before = tender.bid_deadline
    tender.bid_deadline = at
    participation = tender.participation_deadline
    if participation is not None and participation <= at:
        # The prequalification passed its deadline already (its requests came before it): it stays, and the
        # questions deadline must stay between the two (tender.core.lifecycle.deadline_problems).
        if before is not None and tender.questions_deadline is not None:
            moved = tender.questions_deadline + (at - before)
            tender.questions_deadline = (
                moved if moved > participation else participation + (at - participation) / 2
            )
    elif before is not None:
        # The earlier deadlines move by as much, so they stay before the bid deadline (tender.core.lifecycle
        # .deadline_problems) and the overview does not show a questions deadline after the bids were due.
        shift = at - before
        if tender.questions_deadline is not None:
            tender.questions_deadline += shift
        if tender.participation_deadline is not None:
            tender.participation_deadline += shift
    db.session.flush()
    audit.record(
        "demo.bid_deadline_passed",
        tender,
        actor=DEMO,
        payload={
            "before": before.isoformat() if before else None,
            "after": at.isoformat(),
            "questions_deadline": tender.questions_deadline.isoformat()
            if tender.questions_deadline
            else None,
            "participation_deadline": (
                tender.participation_deadline.isoformat() if tender.participation_deadline else None
            ),
            "why": "Demoen flytter tilbudsfristen til nå i stedet for å vente på den.",
        },
    )


# -- scored --------------------------------------------------------------------------------------------------
def _level(score: int) -> int:
    return 0 if score <= 4 else 1 if score <= 6 else 2


def score(tender: Tender) -> None:
    """Open (lead and an evaluator), assess the minimum requirements, three evaluators' scores, consensus."""
    lead, evaluators = _lead(), _evaluators()
    if bid_ops.opening_of(tender) is None:
        at = now()
        given = {c.user_id for c in bid_ops.opening_confirmations(tender)}
        for person in (lead, evaluators[0]):
            if person.id not in given:
                bid_ops.confirm_opening(tender, at=at, actor=person)
        db.session.flush()
    bids = ev.opened_bids(tender)
    # an evaluator confirms the validation's result for each bid; that decides the linked requirement
    for link in noark_ops.links_of(tender):
        for result in noark_ops.results_for(tender, link):
            if not result.confirmed and result.met is not None:
                noark_ops.confirm(tender, link, result.vendor, actor=evaluators[0])
    minimum = [
        r.id
        for r in bid_ops.published_spec(tender).requirements  # type: ignore[union-attr]
        if r.kind is core_spec.Kind.MINSTEKRAV
    ]
    for bid in bids:
        if set(minimum) - set(ev.requirement_checks(bid)):
            ev.check_requirements(
                tender,
                bid,
                [],
                status=RequirementStatus.MET,
                unassessed=True,
                actor=lead,
                reason="Bekreftet i tilbudet uten forbehold; kontrollert mot dokumentasjonen.",
            )
    model = model_ops.ensure_model(tender)
    leaves = {c.key: c for c in model_ops.quality_leaves(tender)}
    by_vendor = {b.orgnr: b for b in BIDDERS}
    if model.phase is Phase.INDIVIDUAL:
        for evaluator, spread in zip(evaluators, SPREAD, strict=True):
            mine = ev.scores_by(tender, evaluator)
            for bid in bids:
                bidder = by_vendor[bid.vendor.organisasjonsnummer]
                for (key, name, _, _), offset in zip(QUALITY, spread, strict=True):
                    criterion = leaves[key]
                    if (bid.id, criterion.id) in mine:
                        continue
                    value = max(0, min(10, bidder.scores[key] + offset))
                    ev.save_individual_score(
                        tender,
                        bid,
                        criterion,
                        evaluator=evaluator,
                        score=Decimal(value),
                        justification=f"{name}: {JUSTIFY[key][_level(value)]}.",
                        expected_version=None,
                    )
        ev.open_consensus(tender, confirmed=True, actor=lead)
    agreed = ev.consensus_scores(tender)
    for bid in bids:
        bidder = by_vendor[bid.vendor.organisasjonsnummer]
        for key, _name, _, _ in QUALITY:
            criterion = leaves[key]
            if (bid.id, criterion.id) in agreed:
                continue
            value = bidder.scores[key]
            ev.save_consensus(
                tender,
                bid,
                criterion,
                score=Decimal(value),
                expected_version=None,
                actor=lead,
                justification=f"Samlet vurdering i evalueringsmøtet: {JUSTIFY[key][_level(value)]}.",
            )


def winner(tender: Tender) -> str | None:
    """The name of the vendor whose bid the matrix ranks first alone, if the matrix has a result."""
    built = ev.build_case(tender, with_individual=False)
    if built.result is None or built.result.winner is None:
        return None
    return built.result.get(built.result.winner).bid.name
