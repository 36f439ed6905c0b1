"""State changes of tenders: creation, participating municipalities and vendors, members and roles.

Every function here changes state, flushes, and writes the audit trail; the caller (a view or a CLI
command) commits once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from tender import audit
from tender.auth import operations as accounts
from tender.auth.models import User
from tender.core import lifecycle, orgnr
from tender.errors import DomainError, SeparationOfDutiesError
from tender.extensions import db
from tender.tenders.models import (
    Membership,
    Municipality,
    Procedure,
    Role,
    Tender,
    TenderMunicipality,
    TenderVendor,
    Vendor,
)
from tender.web import spec_messages


def vendor_users(tender: Tender, vendor: Vendor | None = None) -> list[User]:
    """The active vendor users of the tender (of ``vendor`` alone when given), each once, by e-mail: who is
    told of what the group publishes or decides. A deactivated account gets nothing."""
    seen: dict[int, User] = {}
    for m in tender.memberships:
        if (
            m.role is Role.VENDOR
            and m.vendor_id is not None
            and (vendor is None or m.vendor_id == vendor.id)
            and m.user is not None
            and m.user.is_active
        ):
            seen.setdefault(m.user_id, m.user)
    return sorted(seen.values(), key=lambda u: u.email)


def create_tender(
    *,
    title: str,
    case_reference: str,
    procedure: Procedure,
    lead: User,
    bid_deadline: datetime | None = None,
    participation_deadline: datetime | None = None,
    questions_deadline: datetime | None = None,
) -> Tender:
    """A new tender in draft, with its creator as procurement lead."""
    _check_deadline_order(participation_deadline, questions_deadline, bid_deadline)
    tender = Tender(
        title=title.strip(),
        case_reference=case_reference.strip(),
        procedure=procedure,
        bid_deadline=bid_deadline,
        participation_deadline=participation_deadline,
        questions_deadline=questions_deadline,
    )
    db.session.add(tender)
    audit.record(
        "tender.created",
        tender,
        payload={
            "title": tender.title,
            "case_reference": tender.case_reference,
            "procedure": procedure.value,
        },
        actor=lead,
    )
    add_membership(tender, lead, Role.LEAD, actor=lead)
    return tender


def add_municipality(tender: Tender, municipality: Municipality, *, actor: Any = None) -> TenderMunicipality:
    if municipality in tender.participating_municipalities:
        raise DomainError(f"{municipality.name} deltar allerede i konkurransen.", field="municipality")
    link = TenderMunicipality(municipality=municipality)
    tender.municipalities.append(link)
    audit.record(
        "tender.municipality_added",
        tender,
        payload={"kommunenummer": municipality.kommunenummer, "name": municipality.name},
        actor=actor,
    )
    return link


def get_or_create_municipality(*, name: str, kommunenummer: str, population: int) -> Municipality:
    found = db.session.scalar(select(Municipality).where(Municipality.kommunenummer == kommunenummer))
    if found is not None:
        return found
    if not (len(kommunenummer) == 4 and kommunenummer.isdigit()):
        raise DomainError("Kommunenummeret må ha fire sifre.", field="kommunenummer")
    municipality = Municipality(name=name, kommunenummer=kommunenummer, population=population)
    db.session.add(municipality)
    audit.record(
        "municipality.created",
        municipality,
        payload={"name": name, "kommunenummer": kommunenummer, "population": population},
    )
    return municipality


def register_vendor(tender: Tender, *, name: str, organisasjonsnummer: str, actor: Any = None) -> Vendor:
    """Add a vendor to the tender, registering the company first if it is new to us. A company we know keeps
    its registered name: a vendor's identity is the vendor's, not the group's to edit."""
    try:
        number = orgnr.normalise(organisasjonsnummer)
    except orgnr.InvalidOrganisationNumber as exc:
        raise DomainError(spec_messages.organisation_number(exc), field="organisasjonsnummer") from exc
    vendor = db.session.scalar(select(Vendor).where(Vendor.organisasjonsnummer == number))
    if vendor is None:
        vendor = Vendor(name=name.strip(), organisasjonsnummer=number)
        db.session.add(vendor)
        audit.record(
            "vendor.created",
            vendor,
            payload={"name": vendor.name, "organisasjonsnummer": number},
            actor=actor,
        )
    elif vendor in tender.participating_vendors:
        if " ".join(name.split()).casefold() != " ".join(vendor.name.split()).casefold():
            raise SeparationOfDutiesError(
                f"{vendor.name} ({number}) er allerede med i konkurransen. Navnet og brukerne til en "
                "leverandør hører til leverandøren og kan ikke endres av innkjøpsgruppen.",
                attempt="vendor.edit",
                tender_id=tender.id,
                field="name",
                details={
                    "organisasjonsnummer": number,
                    "registered_name": vendor.name,
                    "given_name": name.strip(),
                },
            )
        raise DomainError(
            f"{vendor.name} ({number}) er allerede med i konkurransen.", field="organisasjonsnummer"
        )
    tender.vendors.append(TenderVendor(vendor=vendor))
    audit.record(
        "tender.vendor_added",
        tender,
        payload={"vendor": vendor.name, "organisasjonsnummer": number},
        actor=actor,
    )
    return vendor


#: what the group is told when it tries to make someone a vendor user
VENDOR_USERS_ARE_THE_VENDORS = (
    "Innkjøpsgruppen kan ikke opprette, invitere eller legge til leverandørbrukere. Leverandøren registrerer "
    "seg selv fra kunngjøringssiden, og leverandørens administrator godkjenner sine egne kolleger."
)


def add_membership(
    tender: Tender,
    user: User,
    role: Role,
    *,
    municipality: Municipality | None = None,
    vendor: Vendor | None = None,
    actor: Any = None,
) -> Membership:
    """Give ``user`` a role in the procurement group of ``tender``, checking that the role's qualifier fits.

    Vendor users never come in this way: only through ``tender.vendors.operations`` (the vendor's own
    registration, its administrator's approval, or the operator's command line)."""
    if role is Role.VENDOR:
        raise SeparationOfDutiesError(
            VENDOR_USERS_ARE_THE_VENDORS,
            attempt="membership.add",
            tender_id=tender.id,
            field="role",
            details={
                "user": user.email,
                "role": role.value,
                "vendor": vendor.organisasjonsnummer if vendor else None,
            },
        )
    if role is Role.SIGNER:
        if municipality is None:
            raise DomainError("Velg hvilken kommune godkjenneren skal signere for.", field="municipality")
        if municipality not in tender.participating_municipalities:
            raise DomainError(f"{municipality.name} deltar ikke i denne konkurransen.", field="municipality")
    elif municipality is not None:
        raise DomainError("Bare godkjennere er knyttet til en kommune.", field="municipality")
    if vendor is not None:
        raise DomainError("Bare leverandørbrukere er knyttet til en leverandør.", field="vendor")

    existing = tender.roles_of(user) if user.id is not None else set()
    # A vendor's people must not sit in the procurement group of the same tender.
    if Role.VENDOR in existing:
        raise DomainError(
            "En leverandørbruker kan ikke ha en rolle i innkjøpsgruppen i samme konkurranse.", field="role"
        )
    if role in existing:
        raise DomainError(
            f"{user.email} har allerede rollen {role.label.lower()} i denne konkurransen.", field="role"
        )
    return _membership(tender, user, role, municipality=municipality, vendor=None, actor=actor)


def grant_vendor_membership(
    tender: Tender, user: User, vendor: Vendor, *, actor: Any, attempt: str
) -> Membership:
    """Make ``user`` a vendor user of ``vendor`` in ``tender``. Called only by ``tender.vendors.operations``,
    after the vendor's own confirmation or approval (or the operator's command); ``attempt`` names that way
    in a refusal. An account in the procurement group can never become a vendor user of the same tender."""
    if vendor not in tender.participating_vendors:
        raise DomainError(f"{vendor.name} er ikke med i denne konkurransen.", field="vendor")
    existing = tender.roles_of(user) if user.id is not None else set()
    if existing - {Role.VENDOR}:
        raise SeparationOfDutiesError(
            "En bruker i innkjøpsgruppen kan ikke også være leverandørbruker i samme konkurranse.",
            attempt=attempt,
            tender_id=tender.id,
            field="email",
            details={
                "user": user.email,
                "vendor": vendor.organisasjonsnummer,
                "group_roles": sorted(r.value for r in existing - {Role.VENDOR}),
            },
        )
    other = [
        m.vendor
        for m in tender.memberships
        if m.user_id == user.id and m.role is Role.VENDOR and m.vendor_id != vendor.id and m.vendor
    ]
    if other:
        raise DomainError(
            f"{user.email} er allerede leverandørbruker for {other[0].name} i denne konkurransen.",
            field="email",
        )
    if Role.VENDOR in existing:
        raise DomainError(
            f"{user.email} er allerede leverandørbruker for {vendor.name} i denne konkurransen.",
            field="email",
        )
    return _membership(tender, user, Role.VENDOR, municipality=None, vendor=vendor, actor=actor)


def _membership(
    tender: Tender,
    user: User,
    role: Role,
    *,
    municipality: Municipality | None,
    vendor: Vendor | None,
    actor: Any,
) -> Membership:
    membership = Membership(user=user, role=role, municipality=municipality, vendor=vendor)
    tender.memberships.append(membership)
    audit.record(
        "membership.added",
        membership,
        tender_id=tender.id,
        payload={
            "user": user.email,
            "role": role.value,
            "municipality": municipality.kommunenummer if municipality else None,
            "vendor": vendor.organisasjonsnummer if vendor else None,
        },
        actor=actor,
    )
    return membership


@dataclass(frozen=True)
class InviteResult:
    membership: Membership
    user: User
    #: the one-time password link's token when the user still has to set a password, else None
    token: str | None
    created_user: bool
    #: a fresh link replacing the member's earlier ones (:func:`resend_invitation`)
    resent: bool = False


def invite_member(
    tender: Tender, *, email: str, name: str, role: Role, municipality: Municipality | None, invited_by: User
) -> InviteResult:
    """Give a person a role in the procurement group; create their account and a password link when they are
    new (or have never set a password). Vendor users are refused before any account is made."""
    if role is Role.VENDOR:
        raise SeparationOfDutiesError(
            VENDOR_USERS_ARE_THE_VENDORS,
            attempt="membership.invite",
            tender_id=tender.id,
            field="role",
            details={"email": accounts.normalise_email(email), "role": role.value},
        )
    user = accounts.find_user(email)
    if (
        user is not None
        and user.password_hash is None
        and any(m.role is Role.VENDOR for m in user.memberships)
    ):
        # A password link for this account would be shown to the lead: whoever opens it owns the vendor
        # user's account, in every tender it bids in.
        raise SeparationOfDutiesError(
            "Kontoen tilhører en leverandørbruker. Innkjøpsgruppen kan ikke lage passordlenker for "
            "leverandørers kontoer.",
            attempt="account.takeover",
            tender_id=tender.id,
            field="email",
            details={"email": user.email, "role": role.value},
        )
    created = False
    if user is not None and user.password_hash is None:
        pending = next((m for m in tender.memberships if m.user_id == user.id and m.role is role), None)
        if pending is not None:
            # the same invitation again: the person's link was lost, so a fresh one replaces it
            return resend_invitation(tender, pending, actor=invited_by)
    if user is None:
        if not name.strip():
            raise DomainError("Skriv inn navnet på personen du inviterer.", field="name")
        user = accounts.create_user(email, name, actor=invited_by)
        created = True
    membership = add_membership(tender, user, role, municipality=municipality, actor=invited_by)
    token = None
    if user.password_hash is None:
        token = accounts.issue_invitation(user, tender_id=tender.id, invited_by=invited_by).token
    return InviteResult(membership, user, token, created)


def resend_invitation(tender: Tender, membership: Membership, *, actor: User) -> InviteResult:
    """A fresh password link for a member who has not chosen a password yet (the first link was lost or has
    expired). The person's older links for this tender stop working
    (:func:`tender.auth.operations.find_valid_invitation` refuses a link replaced by a newer one)."""
    user = membership.user
    if membership.role is Role.VENDOR:
        raise SeparationOfDutiesError(
            "Kontoen tilhører en leverandørbruker. Innkjøpsgruppen kan ikke lage passordlenker for "
            "leverandørers kontoer.",
            attempt="account.takeover",
            tender_id=tender.id,
            details={"email": user.email, "role": membership.role.value},
        )
    if user.password_hash is not None:
        raise DomainError(
            f"{user.email} har allerede valgt passord og kan logge inn; en ny lenke trengs ikke."
        )
    voided = accounts.void_invitations(user, tender_id=tender.id)
    issued = accounts.issue_invitation(user, tender_id=tender.id, invited_by=actor)
    audit.record(
        "invitation.resent",
        issued.invitation,
        tender_id=tender.id,
        actor=actor,
        payload={"user": user.email, "role": membership.role.value, "voided": voided},
    )
    return InviteResult(membership, user, issued.token, created_user=False, resent=True)


def remove_membership(tender: Tender, membership: Membership, *, actor: User) -> None:
    if membership.role is Role.VENDOR:
        # Removing a vendor's people would let the group empty a vendor and register itself as its first
        # (administrating) user: the vendor's users are the vendor's administrator's to manage.
        raise SeparationOfDutiesError(
            "Leverandørbrukere kan ikke fjernes av innkjøpsgruppen; leverandørens administrator styrer "
            "leverandørens brukere.",
            attempt="membership.remove",
            tender_id=tender.id,
            details={
                "user": membership.user.email,
                "vendor": membership.vendor.organisasjonsnummer if membership.vendor else None,
            },
        )
    if membership.role is Role.LEAD and sum(1 for m in tender.memberships if m.role is Role.LEAD) == 1:
        raise DomainError("Konkurransen må ha minst én prosjektleder. Legg til en ny før du fjerner denne.")
    audit.record(
        "membership.removed",
        membership,
        tender_id=tender.id,
        payload={"user": membership.user.email, "role": membership.role.value},
        actor=actor,
    )
    tender.memberships.remove(membership)
    db.session.delete(membership)


def update_tender(
    tender: Tender,
    *,
    title: str,
    case_reference: str,
    participation_deadline: datetime | None,
    questions_deadline: datetime | None,
    bid_deadline: datetime | None,
    now: datetime,
    actor: Any,
) -> None:
    """Change a tender's details and deadlines. The bid deadline seals the bids, so it can be moved only
    while it is still ahead, and only to a moment that is still ahead."""
    if bid_deadline != tender.bid_deadline:
        if tender.bid_deadline is not None and now >= tender.bid_deadline:
            raise DomainError("Tilbudsfristen er passert og kan ikke endres.", field="bid_deadline")
        if bid_deadline is not None and bid_deadline <= now:
            raise DomainError("Tilbudsfristen må ligge fram i tid.", field="bid_deadline")
    if (participation_deadline, questions_deadline, bid_deadline) != (
        tender.participation_deadline,
        tender.questions_deadline,
        tender.bid_deadline,
    ):
        # Only a change is checked: a title can still be corrected on a tender whose stored deadlines came in
        # another way (the demo moves the bid deadline to "now" without touching the others).
        _check_deadline_order(participation_deadline, questions_deadline, bid_deadline)
    before = _details(tender)
    tender.title, tender.case_reference = title.strip(), case_reference.strip()
    tender.participation_deadline, tender.questions_deadline = participation_deadline, questions_deadline
    tender.bid_deadline = bid_deadline
    after = _details(tender)
    changed = {k: {"before": before[k], "after": v} for k, v in after.items() if before[k] != v}
    if changed:
        db.session.flush()
        audit.record("tender.changed", tender, payload=changed, actor=actor)


def _check_deadline_order(
    participation: datetime | None, questions: datetime | None, bid: datetime | None
) -> None:
    problems = lifecycle.deadline_problems(participation=participation, questions=questions, bid=bid)
    if problems:
        first = next(iter(problems.values()))[0]
        raise DomainError(first, reasons=problems)


def _details(tender: Tender) -> dict[str, str | None]:
    def moment(value: datetime | None) -> str | None:
        return value.astimezone(UTC).isoformat() if value else None

    return {
        "title": tender.title,
        "case_reference": tender.case_reference,
        "participation_deadline": moment(tender.participation_deadline),
        "questions_deadline": moment(tender.questions_deadline),
        "bid_deadline": moment(tender.bid_deadline),
    }
