"""Accounts: creating users, invitations and password links, checking logins with throttling."""
from __future__ import annotations

import hashlib
import logging
import secrets
import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Any

from flask import current_app
from sqlalchemy import select

from tender import audit
from tender.auth.models import Invitation, LoginThrottle, User
from tender.db_types import utcnow
from tender.errors_domain import DomainError
from tender.extensions import db

log = logging.getLogger(__name__)

MIN_PASSWORD_LENGTH = 10


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def create_user(email: str, name: str, *, password: str | None = None, is_admin: bool = False,
                actor: Any = None) -> User:
    """Create an account; without a password it can only be used through an invitation link."""
    email = normalise_email(email)
    if find_user(email) is not None:
        raise DomainError("Det finnes allerede en bruker med denne e-postadressen.", field="email")
    user = User(email=email, name=name.strip(), is_admin=is_admin)
    if password is not None:
        check_password_rules(password)
        user.set_password(password)
    db.session.add(user)
    audit.record("user.created", user, payload={"email": email, "name": user.name, "is_admin": is_admin},
                 actor=actor)
    return user


def check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise DomainError(f"Passordet må ha minst {MIN_PASSWORD_LENGTH} tegn.", field="password")


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class IssuedInvitation:
    invitation: Invitation
    #: the secret part of the link; never stored, shown once to the lead
    token: str


def issue_invitation(user: User, *, tender_id: int | None, invited_by: User | None) -> IssuedInvitation:
    """A one-time link to set a password, valid for INVITATION_TTL_HOURS."""
    token = secrets.token_urlsafe(32)
    hours = int(current_app.config["INVITATION_TTL_HOURS"])
    inv = Invitation(
        user_id=user.id, tender_id=tender_id, invited_by_id=invited_by.id if invited_by else None,
        token_hash=_token_hash(token), expires_at=utcnow() + timedelta(hours=hours),
    )
    db.session.add(inv)
    audit.record("invitation.issued", inv, tender_id=tender_id,
                 payload={"user": user.email, "expires_at": inv.expires_at.isoformat()}, actor=invited_by)
    return IssuedInvitation(inv, token)


def deliver_invitation(user: User, link: str, tender_title: str | None) -> bool:
    """Send the link by SMTP when a mail server is configured. Always log it (no mail server: the log and
    the lead's screen are where the link goes). Returns whether an e-mail was sent."""
    log.info("Invitasjonslenke for %s: %s", user.email, link)
    server = current_app.config.get("MAIL_SERVER")
    if not server:
        return False
    msg = EmailMessage()
    msg["Subject"] = "Invitasjon til " + (tender_title or "tender")
    msg["From"] = current_app.config["MAIL_FROM"]
    msg["To"] = user.email
    msg.set_content(
        f"Hei {user.name},\n\nDu er invitert til {tender_title or 'tender'}. Velg passord her:\n{link}\n\n"
        f"Lenken kan brukes én gang og gjelder i {current_app.config['INVITATION_TTL_HOURS']} timer.\n"
    )
    with smtplib.SMTP(server, int(current_app.config["MAIL_PORT"]), timeout=20) as smtp:
        if current_app.config.get("MAIL_USE_TLS"):
            smtp.starttls()
        if current_app.config.get("MAIL_USERNAME"):
            smtp.login(current_app.config["MAIL_USERNAME"], current_app.config["MAIL_PASSWORD"])
        smtp.send_message(msg)
    return True


def find_valid_invitation(token: str) -> Invitation:
    """The invitation behind a link, or a DomainError saying precisely why it cannot be used."""
    inv = db.session.scalar(select(Invitation).where(Invitation.token_hash == _token_hash(token)))
    if inv is None:
        raise DomainError("Lenken er ugyldig. Be prosjektlederen om en ny invitasjon.")
    if inv.used_at is not None:
        raise DomainError("Lenken er allerede brukt. Logg inn med passordet du valgte, eller be om en ny.")
    if inv.expires_at <= utcnow():
        raise DomainError("Lenken er utløpt. Be prosjektlederen om en ny invitasjon.")
    return inv


def accept_invitation(token: str, password: str) -> User:
    """Set the password through a valid link, and use the link up."""
    inv = find_valid_invitation(token)
    check_password_rules(password)
    inv.used_at = utcnow()
    inv.user.set_password(password)
    audit.record("invitation.accepted", inv, tender_id=inv.tender_id, payload={"user": inv.user.email},
                 actor=inv.user)
    return inv.user


# -- login throttling ------------------------------------------------------------------------------------
def login_wait_seconds(email: str, now: datetime | None = None) -> int:
    """Seconds this address must wait before its next attempt (0 = may try now)."""
    row = db.session.scalar(select(LoginThrottle).where(LoginThrottle.email == normalise_email(email)))
    if row is None:
        return 0
    free = int(current_app.config["LOGIN_FREE_FAILURES"])
    if row.failures < free:
        return 0
    delay = min(2 ** (row.failures - free), int(current_app.config["LOGIN_MAX_DELAY_SECONDS"]))
    ready = row.last_failure_at + timedelta(seconds=delay)
    remaining = (ready - (now or utcnow())).total_seconds()
    return max(0, int(remaining + 0.999))


def authenticate(email: str, password: str) -> User:
    """The user with these credentials, or a DomainError that does not reveal which part was wrong."""
    email = normalise_email(email)
    wait = login_wait_seconds(email)
    if wait:
        raise DomainError(f"For mange mislykkede innlogginger. Vent {wait} sekunder og prøv igjen.")
    user = find_user(email)
    if user is None or not user.is_active or not user.check_password(password):
        _register_failure(email)
        raise DomainError("Feil e-postadresse eller passord.")
    row = db.session.scalar(select(LoginThrottle).where(LoginThrottle.email == email))
    if row is not None:
        db.session.delete(row)
    audit.record("user.logged_in", user, actor=user)
    return user


def _register_failure(email: str) -> None:
    row = db.session.scalar(select(LoginThrottle).where(LoginThrottle.email == email))
    if row is None:
        row = LoginThrottle(email=email, failures=0)
        db.session.add(row)
    row.failures += 1
    row.last_failure_at = utcnow()
    user = find_user(email)
    if user is not None:
        audit.record("user.login_failed", user, payload={"failures": row.failures}, actor=user)
