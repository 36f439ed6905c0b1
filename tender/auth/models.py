"""Users, their invitations, and the record of failed logins."""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from tender.db_types import UTCDateTime, utcnow
from tender.extensions import db


class User(UserMixin, db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "user_account"
    __table_args__ = (
        CheckConstraint("email = lower(email)", name="email_lower_case"),
        CheckConstraint("language IS NULL OR language IN ('nb', 'en')", name="language_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    #: None until the user has set a password through their invitation link
    password_hash: Mapped[str | None] = mapped_column(String(255))
    #: may create new tenders (becoming their procurement lead)
    is_admin: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: the language a vendor user chose for the vendor pages ("nb" or "en", see tender.i18n); None until
    #: chosen. The procurement group's pages are Norwegian whatever it says.
    language: Mapped[str | None] = mapped_column(String(2))

    memberships: Mapped[list[Membership]] = relationship(  # noqa: F821
        back_populates="user", cascade="all, delete-orphan"
    )

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(
            password, method=current_app.config["PASSWORD_HASH_METHOD"]
        )

    def check_password(self, password: str) -> bool:
        return self.password_hash is not None and check_password_hash(self.password_hash, password)

    @property
    def is_active(self) -> bool:  # Flask-Login: inactive users cannot log in
        return self.active

    def __repr__(self) -> str:
        return f"<User {self.email}>"


class Invitation(db.Model):  # type: ignore[name-defined,misc]
    """A one-time, expiring link to set a password. Only the SHA-256 of the token is stored."""

    __tablename__ = "invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    tender_id: Mapped[int | None] = mapped_column(ForeignKey("tender.id", ondelete="CASCADE"))
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(foreign_keys=[user_id])


class LoginThrottle(db.Model):  # type: ignore[name-defined,misc]
    """Consecutive failed logins per e-mail address (known or not, so existence does not leak)."""

    __tablename__ = "login_throttle"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ClientLoginThrottle(db.Model):  # type: ignore[name-defined,misc]
    """Consecutive failed logins per client address, whichever e-mail addresses were tried: one password
    tried across many accounts from one machine is slowed down as well."""

    __tablename__ = "login_throttle_client"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: ``request.remote_addr`` (behind a reverse proxy: the client's address only if the proxy is configured)
    address: Mapped[str] = mapped_column(String(64), unique=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SessionEnd:
    """Why a session ended (``UserSession.end_reason``)."""

    LOGOUT = "logout"
    IDLE = "idle"
    ABSOLUTE = "absolute"
    PASSWORD_CHANGED = "password_changed"
    ALL = (LOGOUT, IDLE, ABSOLUTE, PASSWORD_CHANGED)


class UserSession(db.Model):  # type: ignore[name-defined,misc]
    """One login, on the server. The browser's (signed) session cookie carries a random token; only its
    SHA-256 is kept here. Every request checks the record, so logging out, a password change or the idle
    and absolute time limits end a session even for someone holding a copy of the cookie."""

    __tablename__ = "user_session"
    __table_args__ = (
        CheckConstraint("(ended_at IS NULL) = (end_reason IS NULL)", name="ended_with_reason"),
        CheckConstraint(
            "end_reason IS NULL OR end_reason IN ('logout', 'idle', 'absolute', 'password_changed')",
            name="known_end_reason",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    end_reason: Mapped[str | None] = mapped_column(String(20))

    user: Mapped[User] = relationship()
