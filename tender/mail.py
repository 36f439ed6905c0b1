"""Sending e-mail through the configured SMTP server (the MAIL_* settings).

Two uses, two policies. ``send`` is for a mail that IS the thing (an invitation link, a vendor's confirmation
link): when it cannot be sent it raises, and the caller's transaction rolls back. ``notify`` is for telling
people of something the group has done in the portal (an answer published to all, a correction, a
reduction): the portal is where it is done and where every vendor sees it at one moment, so what it tells
of stands whatever becomes of the mail; each address is tried once, and the addresses that failed are
returned for the caller to record in the audit trail and show to the lead (who sends by other means). The
notices of award follow the same policy, each company's addresses sent its own PDF as an attachment.

Nothing here logs a message's body: the vendor's confirmation link is a secret for the mailbox it is sent
to, and must not end up in a log file an operator or a group member can read.
"""

from __future__ import annotations

import smtplib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any

from flask import current_app, url_for

from tender.errors import DomainError


def public_url(endpoint: str, **values: Any) -> str:
    """An absolute link for an e-mail: PUBLIC_URL when configured, else the request's own host."""
    base = current_app.config.get("PUBLIC_URL")
    if base:
        return base.rstrip("/") + url_for(endpoint, **values)
    return url_for(endpoint, _external=True, **values)


def configured() -> bool:
    """Whether a mail server is configured; vendor registration needs one."""
    return bool(current_app.config.get("MAIL_SERVER"))


def send(to: str, subject: str, body: str, *, attachments: Sequence[tuple[str, str, bytes]] = ()) -> None:
    """Send one plain-text e-mail, or raise a DomainError in Norwegian when it cannot be sent (so the caller
    rolls back whatever the mail was about). ``attachments``: (file name, MIME type, bytes) each."""
    if not configured():
        raise DomainError("Det er ikke satt opp en e-postserver, så e-posten kan ikke sendes.")
    msg = EmailMessage()
    msg["Subject"] = subject
    msg["From"] = current_app.config["MAIL_FROM"]
    msg["To"] = to
    msg.set_content(body)
    for filename, mimetype, data in attachments:
        maintype, _, subtype = mimetype.partition("/")
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    try:
        with smtplib.SMTP(
            current_app.config["MAIL_SERVER"], int(current_app.config["MAIL_PORT"]), timeout=20
        ) as smtp:
            if current_app.config.get("MAIL_USE_TLS"):
                smtp.starttls()
            if current_app.config.get("MAIL_USERNAME"):
                smtp.login(current_app.config["MAIL_USERNAME"], current_app.config["MAIL_PASSWORD"])
            smtp.send_message(msg)
    except (OSError, smtplib.SMTPException) as exc:
        # The reason (not the message) is worth keeping for the operator; the link stays out of it.
        current_app.logger.warning("E-post til %s kunne ikke sendes: %s", to, exc.__class__.__name__)
        raise DomainError("E-posten kunne ikke sendes akkurat nå. Prøv igjen om litt.") from exc


@dataclass(frozen=True)
class Notified:
    """What became of one notice to several addresses."""

    #: a mail server is set up (when not, nothing was tried: the lead tells the vendors by other means)
    configured: bool
    sent: tuple[str, ...] = ()
    failed: tuple[str, ...] = ()

    def payload(self) -> dict[str, Any]:
        """For the audit trail: how many were told, and who could not be."""
        return {"mail_server": self.configured, "sent": len(self.sent), "failed": list(self.failed)}


def notify(
    to: Iterable[str],
    subject: str,
    body: str | Callable[[str], str],
    *,
    attachments: Sequence[tuple[str, str, bytes]] = (),
) -> Notified:
    """Tell each address (``body`` may depend on the address; each gets the same ``attachments``), best
    effort: see the module's docstring."""
    addresses = list(dict.fromkeys(a for a in to if a))
    if not configured():
        return Notified(False)
    sent: list[str] = []
    failed: list[str] = []
    for address in addresses:
        try:
            send(address, subject, body(address) if callable(body) else body, attachments=attachments)
        except DomainError:
            failed.append(address)  # send logged why; what the mail tells of is in the portal regardless
        else:
            sent.append(address)
    return Notified(True, tuple(sent), tuple(failed))
