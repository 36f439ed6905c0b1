"""A tender with a question deadline, three vendors (one with two users), a signer per municipality, and the
steps of questions and answers as a person takes them through the pages (tests/test_questions*.py)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta
from email.header import decode_header, make_header
from typing import Any

from tests.evaluation_helpers import DEADLINE, ORGNR

#: the question deadline of the test tender; the clock stands an hour before it
QUESTIONS_DEADLINE = DEADLINE - timedelta(days=5)
ASKING_VENDOR = "Spørrefirma Arkiv AS"
ASKER = "Asle Askeladd"


@dataclass
class World:
    tender: Any
    lead: Any
    evaluator: Any
    observer: Any
    signers: list[Any]
    vendors: list[Any]
    #: the vendor users, by vendor: the first vendor (the asker's) has two
    users: list[list[Any]] = field(default_factory=list)

    @property
    def asker(self) -> Any:
        return self.users[0][0]

    @property
    def group(self) -> dict[str, Any]:
        return {
            "lead": self.lead,
            "evaluator": self.evaluator,
            "observer": self.observer,
            **{f"signer {i + 1}": s for i, s in enumerate(self.signers)},
        }

    @property
    def vendor_users(self) -> list[Any]:
        return [u for users in self.users for u in users]


def build_world(db: Any, create_tender: Any, create_user: Any, add_member: Any, clock: Any) -> World:
    from tender.tenders import operations as tender_ops
    from tender.tenders.models import Role

    clock.set(QUESTIONS_DEADLINE - timedelta(hours=1))
    tender = create_tender(questions_deadline=QUESTIONS_DEADLINE, bid_deadline=DEADLINE)
    lead = tender.memberships[0].user
    names = [ASKING_VENDOR, "Lytter Systemer AS", "Tredje Leverandør AS"]
    vendors = [
        tender_ops.register_vendor(tender, name=name, organisasjonsnummer=ORGNR[i], actor=lead)
        for i, name in enumerate(names)
    ]
    db.session.commit()
    users = [
        [
            add_member(tender, Role.VENDOR, create_user("asle@sporrefirma.no", ASKER), vendor=vendors[0]),
            add_member(
                tender, Role.VENDOR, create_user("kollega@sporrefirma.no", "Kari Kollega"), vendor=vendors[0]
            ),
        ],
        [add_member(tender, Role.VENDOR, create_user("lise@lytter.no", "Lise Lytter"), vendor=vendors[1])],
        [add_member(tender, Role.VENDOR, create_user("tore@tredje.no", "Tore Tredje"), vendor=vendors[2])],
    ]
    return World(
        tender=tender,
        lead=lead,
        evaluator=add_member(tender, Role.EVALUATOR, create_user(name="Eva Evaluator")),
        observer=add_member(tender, Role.OBSERVER, create_user(name="Ove Observatør")),
        signers=[
            add_member(tender, Role.SIGNER, create_user(name=f"Signe {m.name}"), municipality=m)
            for m in tender.participating_municipalities
        ],
        vendors=vendors,
        users=users,
    )


def base(tender: Any) -> str:
    return f"/konkurranser/{tender.id}/sporsmal"


def ask(forms: Any, tender: Any, text: str, attachment: tuple[bytes, str] | None = None) -> Any:
    """The logged-in vendor user sends a question from the page. The multipart body is built in memory:
    the test client would spool a large one to a temporary file it never closes."""
    import io

    from werkzeug.datastructures import FileStorage
    from werkzeug.test import stream_encode_multipart

    url = f"{base(tender)}/mine"
    data: dict[str, Any] = {"text": text, "csrf_token": forms.token(url)}
    if attachment is not None:
        data["attachment"] = FileStorage(io.BytesIO(attachment[0]), filename=attachment[1])
    stream, length, boundary = stream_encode_multipart(data, use_tempfile=False)
    return forms.client.post(
        url,
        input_stream=stream,
        content_length=length,
        content_type=f"multipart/form-data; boundary={boundary}",
    )


def sha_on(client: Any, tender: Any, question: Any) -> str:
    """The texts' hash the question page binds its approval and publication buttons to; where the page
    shows no such button (a post the page does not offer, to try the server's refusal) the stored texts'."""
    from tender.extensions import db
    from tender.questions import operations as ops

    html = client.get(f"{base(tender)}/alle/{question.id}").get_data(as_text=True)
    found = re.search(r'name="sha256" type="hidden" value="([0-9a-f]{64})"', html)
    if found:
        return found.group(1)
    db.session.refresh(question)
    return ops.current_sha256(question)


def draft(forms: Any, tender: Any, question: Any, published: str, answer: str) -> Any:
    url = f"{base(tender)}/alle/{question.id}"
    return forms.post(url, {"published_text": published, "answer": answer}, page=url)


def approve(client: Any, forms: Any, tender: Any, question: Any) -> Any:
    url = f"{base(tender)}/alle/{question.id}"
    return forms.post(f"{url}/godkjenn", {"sha256": sha_on(client, tender, question)}, page=url)


def publish(client: Any, forms: Any, tender: Any, question: Any) -> Any:
    url = f"{base(tender)}/alle/{question.id}"
    return forms.post(f"{url}/publiser", {"sha256": sha_on(client, tender, question)}, page=url)


def mail_text(message: Any) -> tuple[str, str, str]:
    """(to, subject, body) of a received message, decoded."""
    subject = str(make_header(decode_header(message["Subject"])))
    payload = message.get_payload(decode=True)
    body = payload.decode(message.get_content_charset() or "utf-8") if isinstance(payload, bytes) else ""
    return message["To"], subject, body


def pdf_text(data: bytes) -> str:
    import subprocess

    done = subprocess.run(["pdftotext", "-q", "-", "-"], input=data, capture_output=True, timeout=60)
    text = done.stdout.decode("utf-8", "replace")
    return text + "\n" + re.sub(r"\s+", "", text)
