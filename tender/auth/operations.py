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
from werkzeug.security import check_password_hash, generate_password_hash

from tender import audit
from tender.auth.models import ClientLoginThrottle, Invitation, LoginThrottle, SessionEnd, User, UserSession
from tender.auth.sessions import end_user_sessions
from tender.db_types import utcnow
from tender.errors import DomainError
from tender.extensions import db
from tender.web import transactions

log = logging.getLogger(__name__)

MIN_PASSWORD_LENGTH = 10


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def create_user(
    email: str, name: str, *, password: str | None = None, is_admin: bool = False, actor: Any = None
) -> User:
    """Create an account; without a password it can only be used through an invitation link."""
    email = normalise_email(email)
    if find_user(email) is not None:
        raise DomainError("Det finnes allerede en bruker med denne e-postadressen.", field="email")
    user = User(email=email, name=name.strip(), is_admin=is_admin)
    if password is not None:
        check_password_rules(password)
        user.set_password(password)
    db.session.add(user)
    audit.record(
        "user.created", user, payload={"email": email, "name": user.name, "is_admin": is_admin}, actor=actor
    )
    return user


def set_language(user: User, language: str) -> None:
    """Remember the language a person chose for the vendors' pages (tender.i18n), "nb" or "en"."""
    if language not in ("nb", "en"):
        raise DomainError("Språket finnes ikke. Velg norsk eller engelsk.", field="language")
    user.language = language
    db.session.flush()


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
        user_id=user.id,
        tender_id=tender_id,
        invited_by_id=invited_by.id if invited_by else None,
        token_hash=_token_hash(token),
        expires_at=utcnow() + timedelta(hours=hours),
    )
    db.session.add(inv)
    audit.record(
        "invitation.issued",
        inv,
        tender_id=tender_id,
        payload={"user": user.email, "expires_at": inv.expires_at.isoformat()},
        actor=invited_by,
    )
    return IssuedInvitation(inv, token)


def deliver_invitation(user: User, link: str, tender_title: str | None) -> bool:
    """Send the link by SMTP when a mail server is configured (without one, the inviting lead's screen is
    where the link goes). Returns whether an e-mail was sent. The link is never logged: whoever holds it
    can choose the person's password."""
    server = current_app.config.get("MAIL_SERVER")
    if not server:
        log.info("Invitasjon til %s: ingen e-postserver, lenken er vist for den som inviterte", user.email)
        return False
    log.info("Invitasjon til %s sendes på e-post", user.email)
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


def _newer_invitation(inv: Invitation) -> Invitation | None:
    """A later link for the same person and tender: sending an invitation again replaces the earlier ones."""
    return db.session.scalar(
        select(Invitation)
        .where(
            Invitation.user_id == inv.user_id, Invitation.tender_id == inv.tender_id, Invitation.id > inv.id
        )
        .limit(1)
    )


def void_invitations(user: User, *, tender_id: int | None) -> int:
    """How many of ``user``'s unused links for ``tender_id`` a new invitation is about to void (issue it
    next, in the same transaction): a link is void as soon as a newer one for the same tender exists."""
    return len(
        list(
            db.session.scalars(
                select(Invitation.id).where(
                    Invitation.user_id == user.id,
                    Invitation.tender_id == tender_id,
                    Invitation.used_at.is_(None),
                )
            )
        )
    )


def find_valid_invitation(token: str) -> Invitation:
    """The invitation behind a link, or a DomainError saying precisely why it cannot be used."""
    inv = db.session.scalar(select(Invitation).where(Invitation.token_hash == _token_hash(token)))
    if inv is None:
        raise DomainError("Lenken er ugyldig. Be prosjektlederen om en ny invitasjon.")
    if inv.used_at is not None:
        raise DomainError("Lenken er allerede brukt. Logg inn med passordet du valgte, eller be om en ny.")
    if _newer_invitation(inv) is not None:
        raise DomainError(
            "Denne lenken er erstattet av en nyere invitasjon og virker ikke lenger. "
            "Bruk lenken i den siste invitasjonen du fikk, eller be prosjektlederen sende en ny."
        )
    if inv.expires_at <= utcnow():
        raise DomainError("Lenken er utløpt. Be prosjektlederen om en ny invitasjon.")
    return inv


def accept_invitation(token: str, password: str) -> User:
    """Set the password through a valid link, and use the link up."""
    inv = find_valid_invitation(token)
    check_password_rules(password)
    inv.used_at = utcnow()
    inv.user.set_password(password)
    # setting a password through a link is a password change: whoever was logged in as this user is out
    ended = end_user_sessions(inv.user, SessionEnd.PASSWORD_CHANGED)
    audit.record(
        "invitation.accepted",
        inv,
        tender_id=inv.tender_id,
        payload={"user": inv.user.email, "sessions_ended": ended},
        actor=inv.user,
    )
    return inv.user


def change_password(user: User, current: str, new: str, *, keep: UserSession | None) -> int:
    """Replace ``user``'s password after checking the current one, and end the user's other sessions
    (``keep`` is the one the change was made in). Returns how many sessions were ended. A wrong current
    password counts as a failed login for the address, so a left-open session cannot be used to guess it."""
    wait = login_wait_seconds(user.email)
    if wait:
        raise DomainError(
            f"For mange mislykkede forsøk. Vent {wait} sekunder og prøv igjen.", field="current"
        )
    if not user.check_password(current):
        transactions.keep(lambda: _register_failure(user.email, None, user))
        raise DomainError("Det nåværende passordet er feil.", field="current")
    check_password_rules(new)
    user.set_password(new)
    ended = end_user_sessions(user, SessionEnd.PASSWORD_CHANGED, keep=keep)
    audit.record("user.password_changed", user, payload={"other_sessions_ended": ended}, actor=user)
    return ended


# -- login throttling ------------------------------------------------------------------------------------
#: a client address's failures are forgotten after this long without a new one (an address's are kept
#: until its next successful login, as before)
CLIENT_FORGET_AFTER = timedelta(hours=1)


def _backoff_wait(failures: int, last_failure_at: datetime, free: int, now: datetime | None) -> int:
    """The one backoff rule: ``free`` failures cost nothing, each further one doubles the wait (1, 2, 4 ...
    seconds after the last failure), up to LOGIN_MAX_DELAY_SECONDS."""
    if failures < free:
        return 0
    delay = min(2 ** (failures - free), int(current_app.config["LOGIN_MAX_DELAY_SECONDS"]))
    ready = last_failure_at + timedelta(seconds=delay)
    remaining = (ready - (now or utcnow())).total_seconds()
    return max(0, int(remaining + 0.999))


def login_wait_seconds(email: str, now: datetime | None = None) -> int:
    """Seconds this address must wait before its next attempt (0 = may try now)."""
    row = db.session.scalar(select(LoginThrottle).where(LoginThrottle.email == normalise_email(email)))
    if row is None:
        return 0
    return _backoff_wait(
        row.failures, row.last_failure_at, int(current_app.config["LOGIN_FREE_FAILURES"]), now
    )


def client_wait_seconds(address: str | None, now: datetime | None = None) -> int:
    """Seconds this client address must wait before its next attempt, whatever e-mail address it tries."""
    row = _client_row(address)
    if row is None or row.last_failure_at + CLIENT_FORGET_AFTER <= (now or utcnow()):
        return 0
    return _backoff_wait(
        row.failures, row.last_failure_at, int(current_app.config["LOGIN_CLIENT_FREE_FAILURES"]), now
    )


def _client_row(address: str | None) -> ClientLoginThrottle | None:
    if not address:
        return None
    return db.session.scalar(select(ClientLoginThrottle).where(ClientLoginThrottle.address == address[:64]))


_dummy_hashes: dict[str, str] = {}


def _dummy_hash() -> str:
    """A password hash made with the configured method, checked for addresses that have no password, so a
    failed login costs the same hashing work whether the address has an account or not."""
    method = current_app.config["PASSWORD_HASH_METHOD"]
    if method not in _dummy_hashes:
        _dummy_hashes[method] = generate_password_hash(secrets.token_urlsafe(16), method=method)
    return _dummy_hashes[method]


def authenticate(email: str, password: str, *, client_address: str | None = None) -> User:
    """The user with these credentials, or a DomainError that does not reveal which part was wrong.

    Known and unknown addresses take the same path: one password-hash check (against a dummy hash when
    there is no account or no password yet), the same throttle rows read and written, one audit event;
    so neither the answer nor its timing tells whether an address has an account."""
    email = normalise_email(email)
    wait = max(login_wait_seconds(email), client_wait_seconds(client_address))
    if wait:
        raise DomainError(f"For mange mislykkede innlogginger. Vent {wait} sekunder og prøv igjen.")
    user = find_user(email)
    stored = user.password_hash if user is not None and user.password_hash is not None else None
    matches = check_password_hash(stored or _dummy_hash(), password)
    if user is None or stored is None or not user.is_active or not matches:
        # kept although the refused request is rolled back: the count is what slows guessing down
        transactions.keep(lambda: _register_failure(email, client_address, user))
        raise DomainError("Feil e-postadresse eller passord.")
    row = db.session.scalar(select(LoginThrottle).where(LoginThrottle.email == email))
    if row is not None:
        db.session.delete(row)
    audit.record("user.logged_in", user, actor=user, payload={"client": client_address})
    return user


@dataclass(frozen=True)
class _UnknownAddress:
    """The actor of a failed login at an address without an account (audit.record reads id and email)."""

    email: str
    id: None = None


def _register_failure(email: str, client_address: str | None, user: User | None) -> None:
    row = db.session.scalar(select(LoginThrottle).where(LoginThrottle.email == email))
    if row is None:
        row = LoginThrottle(email=email, failures=0)
        db.session.add(row)
    row.failures += 1
    row.last_failure_at = utcnow()
    if client_address:
        client = _client_row(client_address)
        if client is None:
            client = ClientLoginThrottle(address=client_address[:64], failures=0)
            db.session.add(client)
        elif client.last_failure_at + CLIENT_FORGET_AFTER <= utcnow():
            client.failures = 0
        client.failures += 1
        client.last_failure_at = utcnow()
    # Recorded for unknown addresses too: the same database work either way, and a trail of addresses
    # being tried is worth having.
    payload = {"failures": row.failures, "client": client_address}
    if user is not None:
        audit.record("user.login_failed", user, payload=payload, actor=user)
    else:
        audit.record(
            "user.login_failed",
            object_type="user_account",
            payload={**payload, "email": email},
            actor=_UnknownAddress(email),
        )
