"""How a person becomes a vendor user: registration from the announcement page, confirmation by a link sent
only by e-mail, approval by the vendor's administrator, or the operator's command line. Nothing here is
reachable by the procurement group.

Every function changes state, flushes and writes the audit trail; the caller commits. Refusals that guard
the separation of duties raise ``SeparationOfDutiesError``; the caller keeps the attempt in the trail with
``tender.errors.keep_refusal`` while the refused change is rolled back.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from flask import current_app
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from tender import audit, mail
from tender.auth import operations as accounts
from tender.auth.models import User
from tender.core import orgnr
from tender.db_types import utcnow
from tender.errors import DomainError, SeparationOfDutiesError
from tender.extensions import db
from tender.tenders import operations as tender_ops
from tender.tenders.models import Membership, Role, Tender, Vendor
from tender.vendors.models import CameInVia, RegistrationStatus, VendorRegistration, VendorUser
from tender.web import spec_messages

NO_MAIL_SERVER = (
    "Registrering av leverandører krever at systemet har en e-postserver, og det er ikke satt opp "
    "her. Ta kontakt med systemets driftsansvarlige, som kan legge deg inn fra kommandolinjen."
)


@dataclass(frozen=True)
class Registrant:
    """Who the audit trail names for a step taken on the public announcement page, before any login."""

    address: str
    id: None = None

    @property
    def email(self) -> str:
        return f"{self.address} (kunngjøringssiden, ikke innlogget)"


def record_refusal(error: SeparationOfDutiesError, *, actor: Any = None) -> None:
    """Write a refused attempt on a vendor's identity to the audit trail (after the refused change was rolled
    back; requests and commands use ``tender.errors.keep_refusal``, which does it for them)."""
    error.record(actor=actor)


def find_by_announcement(token: str) -> Tender | None:
    if not token or len(token) > 64:
        return None
    return db.session.scalar(select(Tender).where(Tender.announcement_token == token))


def known_vendor_name(organisasjonsnummer: str) -> str | None:
    """The registered name of the company with this number, if we know it."""
    try:
        number = orgnr.normalise(organisasjonsnummer)
    except orgnr.InvalidOrganisationNumber:
        return None
    return db.session.scalar(select(Vendor.name).where(Vendor.organisasjonsnummer == number))


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _group_roles(tender: Tender, email: str) -> set[Role]:
    user = accounts.find_user(email)
    return tender.roles_of(user) - {Role.VENDOR} if user is not None else set()


def _refuse_group_member(tender: Tender, email: str, organisasjonsnummer: str, attempt: str) -> None:
    roles = _group_roles(tender, email)
    if roles:
        raise SeparationOfDutiesError(
            "Denne e-postadressen tilhører en bruker i innkjøpsgruppen for konkurransen. Den kan ikke også "
            "registreres som leverandørbruker.",
            attempt=attempt,
            tender_id=tender.id,
            field="email",
            details={
                "email": email,
                "organisasjonsnummer": organisasjonsnummer,
                "group_roles": sorted(r.value for r in roles),
            },
        )


def register(
    tender: Tender,
    *,
    organisasjonsnummer: str,
    vendor_name: str,
    name: str,
    email: str,
    password: str,
    confirm_url: Any,
) -> VendorRegistration:
    """Take a registration from the announcement page and send the confirmation link to the address.

    ``confirm_url(token)`` builds the link; the token is put in the e-mail only (never returned, shown or
    logged)."""
    if not mail.configured():
        raise DomainError(NO_MAIL_SERVER)
    try:
        number = orgnr.normalise(organisasjonsnummer)
    except orgnr.InvalidOrganisationNumber as exc:
        raise DomainError(spec_messages.organisation_number(exc), field="organisasjonsnummer") from exc
    known = db.session.scalar(select(Vendor).where(Vendor.organisasjonsnummer == number))
    company = known.name if known else " ".join(vendor_name.split())
    if not company:
        raise DomainError(
            "Skriv inn firmanavnet (organisasjonsnummeret er ikke registrert hos oss fra før).",
            field="vendor_name",
        )
    email = accounts.normalise_email(email)
    if not name.strip():
        raise DomainError("Skriv inn navnet ditt.", field="name")
    accounts.check_password_rules(password)
    _refuse_group_member(tender, email, number, "registration")

    token = secrets.token_urlsafe(32)
    hours = int(current_app.config["INVITATION_TTL_HOURS"])
    registration = VendorRegistration(
        tender_id=tender.id,
        organisasjonsnummer=number,
        vendor_name=company,
        name=name.strip(),
        email=email,
        password_hash=generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"]),
        token_hash=_token_hash(token),
        expires_at=utcnow() + timedelta(hours=hours),
    )
    db.session.add(registration)
    audit.record(
        "vendor_registration.submitted",
        registration,
        actor=Registrant(email),
        payload={
            "email": email,
            "name": registration.name,
            "organisasjonsnummer": number,
            "vendor": company,
            "expires_at": registration.expires_at.isoformat(),
        },
    )
    mail.send(
        email,
        f"Bekreft registreringen som leverandør – {tender.title}",
        (
            f"Hei {registration.name},\n\n"
            f"Du har registrert deg som bruker for {company} (org.nr. {number}) i konkurransen "
            f"«{tender.title}» (sak {tender.case_reference}).\n\n"
            f"Bekreft e-postadressen din her:\n{confirm_url(token)}\n\n"
            f"Lenken kan brukes én gang og gjelder i {hours} timer. Har du ikke registrert deg selv, kan du "
            "se bort fra denne e-posten.\n"
        ),
    )
    return registration


def find_registration(token: str) -> VendorRegistration:
    """The registration behind a confirmation link, or a DomainError saying why the link cannot be used."""
    registration = db.session.scalar(
        select(VendorRegistration).where(VendorRegistration.token_hash == _token_hash(token))
    )
    if registration is None:
        raise DomainError("Lenken er ugyldig. Registrer deg på nytt fra kunngjøringssiden.")
    if registration.status is not RegistrationStatus.AWAITING_CONFIRMATION:
        raise DomainError("Lenken er allerede brukt. Logg inn med e-postadressen og passordet ditt.")
    if registration.expires_at <= utcnow():
        raise DomainError("Lenken er utløpt. Registrer deg på nytt fra kunngjøringssiden.")
    return registration


@dataclass(frozen=True)
class Confirmation:
    registration: VendorRegistration
    #: the person is a vendor user now (else their request waits for the vendor's administrator)
    accepted: bool
    #: the address already had an account, so its own password still applies
    existing_account: bool


def confirm(token: str, *, users_url: Any = None, language: str | None = None) -> Confirmation:
    """The person opened the link sent to their address: their account exists from now on; they become the
    vendor's administrator if the vendor has none in this tender, else they wait for its approval (and the
    administrators are told by e-mail, with ``users_url(tender)`` as the page to decide on). ``language`` is
    the language of the page they registered on ("nb" or "en", tender.i18n): an account that has chosen none
    yet keeps it for the vendors' pages; anything else is ignored."""
    registration = find_registration(token)
    tender = registration.tender
    registration.confirmed_at = utcnow()
    _refuse_group_member(tender, registration.email, registration.organisasjonsnummer, "registration.confirm")
    user = accounts.find_user(registration.email)
    existing = user is not None
    if user is None:
        user = accounts.create_user(registration.email, registration.name)
        user.password_hash = registration.password_hash
    elif user.password_hash is None:
        # The link reached this mailbox, so its owner may choose the password the account never had.
        user.password_hash = registration.password_hash
    if user.language is None and language in ("nb", "en"):
        user.language = language
    registration.user = user
    vendor = _vendor_in_tender(tender, registration.organisasjonsnummer, registration.vendor_name, actor=user)
    registration.vendor = vendor
    audit.record(
        "vendor_registration.confirmed",
        registration,
        actor=user,
        payload={
            "email": user.email,
            "organisasjonsnummer": vendor.organisasjonsnummer,
            "existing_account": existing,
        },
    )
    if administrators(tender, vendor):
        registration.status = RegistrationStatus.AWAITING_APPROVAL
        audit.record(
            "vendor_registration.awaiting_approval",
            registration,
            actor=user,
            payload={"email": user.email, "organisasjonsnummer": vendor.organisasjonsnummer},
        )
        _tell_administrators(tender, vendor, registration, users_url)
        return Confirmation(registration, False, existing)
    membership = tender_ops.grant_vendor_membership(
        tender, user, vendor, actor=user, attempt="registration.confirm"
    )
    _came_in(membership, CameInVia.REGISTRATION, administrator=True, registration=registration, actor=user)
    registration.status = RegistrationStatus.ACCEPTED
    return Confirmation(registration, True, existing)


def _tell_administrators(
    tender: Tender, vendor: Vendor, registration: VendorRegistration, users_url: Any
) -> None:
    """Best effort: the request waits on the administrators' page whether or not this mail arrives, so a mail
    server failing here must not undo the person's confirmation."""
    if users_url is None or not mail.configured():
        return
    for admin in administrators(tender, vendor):
        try:
            mail.send(
                admin.email,
                f"Ny bruker venter på godkjenning – {vendor.name}",
                (
                    f"Hei {admin.name},\n\n"
                    f"{registration.name} ({registration.email}) har bekreftet e-postadressen sin og "
                    f"ber om å bli bruker for {vendor.name} i «{tender.title}».\n\n"
                    f"Logg inn og godkjenn eller avslå under «Leverandørens brukere»:\n{users_url(tender)}\n"
                ),
            )
        except DomainError:
            pass  # mail.send has logged that (without any link); the request is on the page regardless


def _vendor_in_tender(tender: Tender, number: str, name: str, *, actor: Any) -> Vendor:
    vendor = db.session.scalar(select(Vendor).where(Vendor.organisasjonsnummer == number))
    if vendor is not None and vendor in tender.participating_vendors:
        return vendor
    return tender_ops.register_vendor(tender, name=name, organisasjonsnummer=number, actor=actor)


def _came_in(
    membership: Membership,
    via: CameInVia,
    *,
    administrator: bool,
    actor: Any,
    registration: VendorRegistration | None = None,
    approved_by: User | None = None,
) -> VendorUser:
    row = VendorUser(
        membership=membership,
        is_administrator=administrator,
        came_in_via=via,
        registration_id=registration.id if registration else None,
        approved_by=approved_by,
    )
    db.session.add(row)
    audit.record(
        "vendor_user.added",
        row,
        tender_id=membership.tender_id,
        actor=actor,
        payload={
            "user": membership.user.email,
            "vendor": membership.vendor.organisasjonsnummer if membership.vendor else None,
            "came_in_via": via.value,
            "administrator": administrator,
            "approved_by": approved_by.email if approved_by else None,
        },
    )
    return row


# -- the vendor's own users ----------------------------------------------------------------------------------
def vendor_users(tender: Tender, vendor: Vendor) -> list[tuple[Membership, VendorUser | None]]:
    """Every vendor user of ``vendor`` in ``tender`` with how they came in, oldest first."""
    memberships = [m for m in tender.memberships if m.role is Role.VENDOR and m.vendor_id == vendor.id]
    rows = {
        r.membership_id: r
        for r in db.session.scalars(
            select(VendorUser).where(VendorUser.membership_id.in_([m.id for m in memberships]))
        )
    }
    return [(m, rows.get(m.id)) for m in memberships]


def administrators(tender: Tender, vendor: Vendor) -> list[User]:
    return [m.user for m, row in vendor_users(tender, vendor) if row is not None and row.is_administrator]


def is_administrator(tender: Tender, vendor: Vendor, user: Any) -> bool:
    return any(u.id == getattr(user, "id", None) for u in administrators(tender, vendor))


def pending_requests(tender: Tender, vendor: Vendor) -> list[VendorRegistration]:
    return list(
        db.session.scalars(
            select(VendorRegistration)
            .where(
                VendorRegistration.tender_id == tender.id,
                VendorRegistration.vendor_id == vendor.id,
                VendorRegistration.status == RegistrationStatus.AWAITING_APPROVAL,
            )
            .order_by(VendorRegistration.confirmed_at)
        )
    )


def _pending_for(
    tender: Tender, vendor: Vendor, registration_id: int, administrator: User
) -> VendorRegistration:
    if not is_administrator(tender, vendor, administrator):
        raise DomainError("Bare leverandørens administrator kan godkjenne eller avslå nye brukere.")
    registration = db.session.get(VendorRegistration, registration_id)
    if (
        registration is None
        or registration.tender_id != tender.id
        or registration.vendor_id != vendor.id
        or registration.status is not RegistrationStatus.AWAITING_APPROVAL
        or registration.user is None
    ):
        raise DomainError("Forespørselen finnes ikke lenger, eller er allerede behandlet.")
    return registration


def approve(tender: Tender, vendor: Vendor, registration_id: int, *, administrator: User) -> Membership:
    """The vendor's administrator lets a colleague in."""
    registration = _pending_for(tender, vendor, registration_id, administrator)
    user = registration.user
    assert user is not None
    membership = tender_ops.grant_vendor_membership(
        tender, user, vendor, actor=administrator, attempt="approval"
    )
    registration.status = RegistrationStatus.ACCEPTED
    registration.decided_by, registration.decided_at = administrator, utcnow()
    _came_in(
        membership,
        CameInVia.APPROVAL,
        administrator=False,
        registration=registration,
        approved_by=administrator,
        actor=administrator,
    )
    return membership


def refuse(
    tender: Tender, vendor: Vendor, registration_id: int, *, administrator: User
) -> VendorRegistration:
    """The vendor's administrator does not know the person, or does not want them in."""
    registration = _pending_for(tender, vendor, registration_id, administrator)
    registration.status = RegistrationStatus.REFUSED
    registration.decided_by, registration.decided_at = administrator, utcnow()
    audit.record(
        "vendor_registration.refused",
        registration,
        actor=administrator,
        payload={"email": registration.email, "organisasjonsnummer": vendor.organisasjonsnummer},
    )
    return registration


def block(registration_id: int, error: SeparationOfDutiesError) -> None:
    """Mark a registration refused by the rules (after the caller's rollback), so its link is used up."""
    registration = db.session.get(VendorRegistration, registration_id)
    if registration is not None and registration.status is RegistrationStatus.AWAITING_CONFIRMATION:
        registration.status = RegistrationStatus.BLOCKED
        registration.confirmed_at = utcnow()
        audit.record("vendor_registration.blocked", registration, payload={"reason": error.message})


# -- the lead invites a vendor to register ------------------------------------------------------------------
def invite_vendor(
    tender: Tender, vendor: Vendor, *, email: str, announcement_url: str, invited_by: User
) -> None:
    """Send the vendor's own address the announcement page, where its people register themselves. Nothing
    is created for them: no account, no link that logs anyone in."""
    if not mail.configured():
        raise DomainError(
            NO_MAIL_SERVER.replace("Ta kontakt med", "Be leverandøren kontakte").replace(
                "legge deg inn", "legge dem inn"
            )
        )
    if vendor not in tender.participating_vendors:
        raise DomainError(f"{vendor.name} er ikke med i denne konkurransen.", field="vendor")
    address = accounts.normalise_email(email)
    if _group_roles(tender, address):
        raise SeparationOfDutiesError(
            "Denne e-postadressen tilhører en bruker i innkjøpsgruppen. Invitasjonen må gå til leverandørens "
            "egen e-postadresse.",
            attempt="vendor.invite",
            tender_id=tender.id,
            field="email",
            details={"email": address, "vendor": vendor.organisasjonsnummer},
        )
    audit.record(
        "vendor.invited_to_register",
        tender,
        actor=invited_by,
        payload={"email": address, "vendor": vendor.organisasjonsnummer},
    )
    mail.send(
        address,
        f"Invitasjon til å gi tilbud – {tender.title}",
        (
            f"Hei,\n\n{vendor.name} (org.nr. {vendor.organisasjonsnummer}) er invitert til konkurransen "
            f"«{tender.title}» (sak {tender.case_reference}).\n\n"
            f"Kunngjøringen og registreringen for leverandører finner dere her:\n{announcement_url}\n\n"
            f"Den første personen som registrerer seg for {vendor.name} og bekrefter e-postadressen sin, "
            "blir leverandørens administrator og godkjenner selv sine kolleger.\n"
        ),
    )


# -- the operator (command line, demo) -----------------------------------------------------------------------
def add_vendor_user_by_operator(tender: Tender, vendor: Vendor, user: User) -> Membership:
    """The system's operator adds a vendor user (where no mail server is configured, and for the demo). The
    audit trail names the command-line actor. Not reachable from any page."""
    membership = tender_ops.grant_vendor_membership(tender, user, vendor, actor=None, attempt="operator")
    _came_in(membership, CameInVia.OPERATOR, administrator=not administrators(tender, vendor), actor=None)
    return membership
