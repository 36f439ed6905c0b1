"""``tender demo``: the Grenland joint tender, for trying the tool out. Idempotent."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from tender.auth import operations as accounts
from tender.auth.models import User
from tender.db_types import utcnow
from tender.errors import DomainError
from tender.extensions import db
from tender.tenders import operations
from tender.tenders.models import Procedure, Role, Tender, Vendor
from tender.vendors import operations as vendor_ops

#: Printed by ``make run``; demo data only, never used for a real installation.
DEMO_PASSWORD = "grenland-demo-2026"
DEMO_CASE_REFERENCE = "2026/0417"

#: The six Grenland municipalities with their kommunenummer since 1 January 2024 (Telemark fylke 40)
#: and their populations on 1 January 2025 (SSB, rounded to the nearest ten).
MUNICIPALITIES = [
    ("Bamble", "4012", 14_190),
    ("Drangedal", "4016", 4_090),
    ("Kragerø", "4014", 10_420),
    ("Porsgrunn", "4001", 37_920),
    ("Siljan", "4010", 2_340),
    ("Skien", "4003", 56_360),
]

#: Fictitious companies; the organisation numbers are made up but carry a valid MOD11 check digit.
VENDORS = [
    ("Arkivhuset Norge AS", "921345674"),
    ("Saksflyt Systemer AS", "918273646"),
    ("Nordisk Dokumentforvaltning AS", "913579240"),
    ("Kommunearkiv Skytjenester AS", "924681357"),
    ("Fjordsak AS", "916273843"),
    ("Telemark IT-tjenester AS", "927384655"),
]


@dataclass(frozen=True)
class DemoLogin:
    email: str
    name: str
    role: str


LEAD = ("anne.lie@grenland-innkjop.no", "Anne Lie", True)
EVALUATORS = [
    ("per.hansen@skien.kommune.no", "Per Hansen"),
    ("kari.nilsen@porsgrunn.kommune.no", "Kari Nilsen"),
    ("ola.berg@bamble.kommune.no", "Ola Berg"),
]
OBSERVER = ("ida.moen@grenland-innkjop.no", "Ida Moen")
SIGNERS = {
    "4012": ("leder@bamble.kommune.no", "Hilde Aas"),
    "4016": ("leder@drangedal.kommune.no", "Tor Dale"),
    "4014": ("leder@kragero.kommune.no", "Mona Strand"),
    "4001": ("leder@porsgrunn.kommune.no", "Jon Vik"),
    "4010": ("leder@siljan.kommune.no", "Eva Lund"),
    "4003": ("leder@skien.kommune.no", "Lars Holm"),
}
VENDOR_USER = ("tilbud@arkivhuset.no", "Sara Kvist", "921345674")

#: The stages ``tender demo --stage`` builds up to, in order.
STAGES = ("spec", "prequalification", "published", "bids", "scored", "negotiated", "awarded")


def _user(email: str, name: str, is_admin: bool = False) -> User:
    user = accounts.find_user(email)
    if user is None:
        user = accounts.create_user(email, name, password=DEMO_PASSWORD, is_admin=is_admin)
    return user


def demo_logins() -> list[DemoLogin]:
    """Who can log into the demo, in words for the console: the vendor users the database holds (one at the
    first stage, six from the ``prequalification`` stage on: the four invited, who bid later, and two)."""
    from tender.demo.prequalification import APPLICANTS
    from tender.demo.stages import BIDDERS

    names = {number: name for name, number, _ in MUNICIPALITIES}
    vendor_names = {number: name for name, number in VENDORS}
    sellers = [VENDOR_USER] + [
        (b.email, b.person, b.orgnr)
        for b in BIDDERS
        if b.email != VENDOR_USER[0] and accounts.find_user(b.email) is not None
    ]
    sellers += [
        (a.email, a.person, a.orgnr)
        for a in APPLICANTS
        if all(a.email != seller[0] for seller in sellers) and accounts.find_user(a.email) is not None
    ]
    return [
        DemoLogin(LEAD[0], LEAD[1], "prosjektleder"),
        *(DemoLogin(email, name, "evaluator") for email, name in EVALUATORS),
        DemoLogin(OBSERVER[0], OBSERVER[1], "observatør"),
        *(
            DemoLogin(email, name, f"godkjenner for {names[number]}")
            for number, (email, name) in SIGNERS.items()
        ),
        *(
            DemoLogin(email, name, f"leverandørbruker for {vendor_names[number]}")
            for email, name, number in sellers
        ),
    ]


def build_demo(now: datetime | None = None) -> Tender:
    """Create (or complete) the Grenland tender and its people. The caller commits."""
    now = now or utcnow()
    lead = _user(*LEAD)
    tender = db.session.scalar(select(Tender).where(Tender.case_reference == DEMO_CASE_REFERENCE))
    if tender is None:
        tender = operations.create_tender(
            title="Felles sak- og arkivsystem for Grenland",
            case_reference=DEMO_CASE_REFERENCE,
            procedure=Procedure.COMPETITIVE_NEGOTIATION,
            lead=lead,
            participation_deadline=(now + timedelta(days=21)).replace(
                hour=11, minute=0, second=0, microsecond=0
            ),
            questions_deadline=(now + timedelta(days=45)).replace(hour=11, minute=0, second=0, microsecond=0),
            bid_deadline=(now + timedelta(days=60)).replace(hour=11, minute=0, second=0, microsecond=0),
        )
    for name, number, population in MUNICIPALITIES:
        municipality = operations.get_or_create_municipality(
            name=name, kommunenummer=number, population=population
        )
        if municipality not in tender.participating_municipalities:
            operations.add_municipality(tender, municipality, actor=lead)
    for name, number in VENDORS:
        if not any(v.organisasjonsnummer == number for v in tender.participating_vendors):
            operations.register_vendor(tender, name=name, organisasjonsnummer=number, actor=lead)

    def give(user: User, role: Role, **kw: object) -> None:
        if role not in tender.roles_of(user):
            operations.add_membership(tender, user, role, actor=lead, **kw)  # type: ignore[arg-type]

    for email, name in EVALUATORS:
        give(_user(email, name), Role.EVALUATOR)
    give(_user(*OBSERVER), Role.OBSERVER)
    for municipality in tender.participating_municipalities:
        email, name = SIGNERS[municipality.kommunenummer]
        give(_user(email, name), Role.SIGNER, municipality=municipality)
    # The demo's vendor user comes in the operator's way (as `tender vendor add-user` does): the group adds
    # no vendor users, not even in the demo.
    email, name, number = VENDOR_USER
    vendor = db.session.scalar(select(Vendor).where(Vendor.organisasjonsnummer == number))
    seller = _user(email, name)
    if Role.VENDOR not in tender.roles_of(seller):
        vendor_ops.add_vendor_user_by_operator(tender, vendor, seller)
    _load_base_specification(tender, lead)
    return tender


def _load_base_specification(tender: Tender, lead: User) -> None:
    """The demo's specification starts as our base specification, as a draft."""
    from tender.core.spec.toml_format import load_spec_toml
    from tender.requirements import operations as spec_ops

    spec = spec_ops.specification_of(tender)
    if spec is None or not spec.requirements:
        spec_ops.replace_draft(
            tender, load_spec_toml(spec_ops.BASE_SPEC.read_bytes()), actor=lead, origin="grunnspesifikasjonen"
        )


def print_logins(logins: list[DemoLogin]) -> None:
    click.echo(f"Demo-innlogginger (passord for alle: {DEMO_PASSWORD}):")
    for login in logins:
        click.echo(f"  {login.email:<38} {login.name:<14} {login.role}")


STAGE_HELP = {
    "spec": "kravspesifikasjonen som utkast",
    "prequalification": "prekvalifiseringen kunngjort og gjennomført: seks forespørsler om å delta levert "
    "(tre med ESPD-fil, tre med ESPD-skjema), fristen ute, åpnet av to, vurdert (én avvist, én avklaring), "
    "poeng fra tre evaluatorer og konsensus, fire av seks invitert etter godkjenning i alle seks kommuner, "
    "brevene laget; kravspesifikasjonen fortsatt utkast",
    "published": "prekvalifiseringen ferdig, kravspesifikasjonen godkjent av alle seks kommuner og "
    "kunngjort, evalueringsmodellen låst, konkurransegrunnlaget (SSA-K) publisert som versjon 1, de fire "
    "inviterte leverandørene med egne brukere (Kommunearkivs selger har valgt engelske sider), "
    "tilbudsfristen fram i tid",
    "bids": "fire leverte tilbud med Noark 5-prøveuttrekk, fristen ute, tilbudene ikke åpnet",
    "scored": "åpnet av to personer, minstekrav vurdert, poeng fra tre evaluatorer, konsensus satt: "
    "matrisen viser en vinner",
    "negotiated": "konkurransen med forhandling gjennomført: vedtak om å forhandle, ett forhandlingsmøte per "
    "leverandør, én leverandør redusert ut med begrunnelse og brev, endelige tilbud (BAFO) kalt inn; et "
    "spørsmål stilt, anonymisert, godkjent av alle seks kommuner og besvart til alle; en rettelse av "
    "kravspesifikasjonen godkjent og kunngjort med nytt konkurransegrunnlag; de reviderte tilbudene levert, "
    "åpnet av to og evaluert med den samme modellen: rundene side om side",
    "awarded": "tildelt og kontrakt signert: kostnadsfordeling (20 % likt, resten etter innbyggertall), "
    "innstilling med begrunnelse per kriterium og tilbud, godkjent av alle seks kommuner med vedtak og "
    "saksnummer; meddelelser om tildeling til de tre tilbyderne og til leverandøren som ble redusert bort, "
    "samtidig, karensperioden passert (demoens snarvei) og kontrakten registrert med sjekksum; protokollen "
    "og arkivpakkene laget",
}


@click.command("demo", help="Bygg demokonkurransen for Grenland fram til et trinn (kan kjøres flere ganger).")
@click.option(
    "--stage",
    type=click.Choice(STAGES),
    default="spec",
    show_default=True,
    help="Hvor langt demoen bygges: " + "; ".join(f"{k}: {v}" for k, v in STAGE_HELP.items()) + ".",
)
@click.option("--if-empty", is_flag=True, help="Bare hvis databasen ikke har noen konkurranser.")
@with_appcontext
def demo_command(stage: str, if_empty: bool) -> None:
    from tender.demo.stages import build_stage

    if if_empty and db.session.scalar(select(Tender.id).limit(1)) is not None:
        click.echo("Databasen har allerede konkurranser; demoen lastes ikke på nytt.")
    else:
        try:
            tender = build_stage(stage)
        except DomainError as exc:  # the stage that failed is rolled back; the ones before it are kept
            raise click.ClickException(f"Demoen kunne ikke bygges til trinnet «{stage}»: {exc}") from None
        click.echo(
            f"Demokonkurransen «{tender.title}» (sak {tender.case_reference}) er klar på trinnet "
            f"«{stage}»: {STAGE_HELP[stage]}."
        )
    print_logins(demo_logins())
