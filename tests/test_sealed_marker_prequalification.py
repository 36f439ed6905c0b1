"""Sealed means sealed for the requests to take part too (issue 12, point 4): before the requests are opened
no one in the group finds anything of a request, by any route.

A tender with a frozen prequalification gets two submitted requests whose every text the vendor wrote
(contact, address, the references' texts, a document's name and content, an ESPD answer, and the Noark 5
sample the setup demands with the request: its file name and content) carries one marker.
Every GET route of the app (read from ``app.url_map`` as tests/test_sealed_marker.py does, with this tender's
ids filled in) is requested by every role of the group, before the participation deadline and after it with
the requests unopened: the marker must be in no response; no query may read a request's tables while the
group's request is answered; a real request or document id answers exactly as one that does not exist.
After the opening the same detector finds the marker where the group may now look: it can fail.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
from typing import Any

import pytest

from tender.tenders.models import Role
from tests.prequalification_helpers import PQ_AFTER, PQ_BEFORE, pq_setup, submitted_request
from tests.test_sealed_marker import NOWHERE, Sealed, fetch, get_urls, texts_of

MARKER = "QZX7-foresporsel-merke-93d1"
#: the tables that hold a request's content (the opening's own tables are the seal, and may be read)
REQUEST_TABLES = re.compile(r"\b(participation_request|request_document|request_reference|clarification)\b")
REQUEST_IDS = ("request_id", "document_id", "clarification_id", "sample_id")


@pytest.fixture
def marked(db, create_tender, add_member, create_user, clock):
    from tender.noark import operations as noark_ops
    from tender.prequalification import request_operations as pq_ops
    from tender.prequalification.models import RequestDocument, RequestStatus
    from tender.prequalification.setup_operations import canonical_form

    s = pq_setup(db, create_tender, add_member, create_user, vendors=3)
    setup = pq_ops.setup_of(s.tender)
    setup.sample_demanded = True
    # announced as the setup operations freeze it (the builder's short form is not what the public
    # announcement page reads, and the walk requests that page too)
    setup.frozen_json = json.dumps(canonical_form(s.tender, setup), sort_keys=True, ensure_ascii=False)
    setup.frozen_sha256 = hashlib.sha256(setup.frozen_json.encode()).hexdigest()
    requests, samples = [], []
    for i in range(2):
        r = submitted_request(db, s, i)
        r.contact_name = f"Kontakt {MARKER}"
        r.contact_email = f"{MARKER.lower()}@example.no"
        r.address = f"Merkeveien {MARKER}"
        r.references[0].description = f"Referanse {MARKER}"
        r.references[0].contact = f"Kari {MARKER}"
        r.espd_json = json.dumps(
            {
                "criteria": [
                    {
                        "type_code": s.requirements[2].espd_criterion,
                        "name": "Omsetning",
                        "answers": [{"question": "Omsetning", "text": f"Svar {MARKER}", "indicator": None}],
                    }
                ]
            }
        )
        data = f"%PDF-1.4 {MARKER}".encode()
        r.documents.append(
            RequestDocument(
                requirement_id=s.requirements[0].id,
                filename=f"bevis-{MARKER}-{i}.pdf",
                content_type="application/pdf",
                size=len(data),
                sha256=hashlib.sha256(data).hexdigest(),
                data=data,
                uploaded_at=PQ_BEFORE,
            )
        )
        # the sample goes in through the upload while the request is a draft (the builder wrote it as
        # submitted), is validated by the worker's own function, and the request is submitted again
        submitted_at, receipt = r.submitted_at, r.receipt_sha256
        r.status, r.submitted_at, r.receipt_sha256 = RequestStatus.DRAFT, None, None
        db.session.flush()
        sample = noark_ops.store_request_upload(
            s.tender,
            s.vendors[i],
            io.BytesIO(f'<?xml version="1.0"?><arkiv>{MARKER}</arkiv>'.encode()),
            f"prove-{MARKER}-{i}.xml",
            max_bytes=10_000,
            actor=s.vendor_users[i],
            at=PQ_BEFORE,
        )
        r.status, r.submitted_at, r.receipt_sha256 = RequestStatus.SUBMITTED, submitted_at, receipt
        db.session.commit()
        noark_ops.run_validation(sample.id)
        samples.append(sample)
        requests.append(r)
    db.session.commit()
    tender = s.tender
    sealed = Sealed(
        tender,
        s.lead,
        s.evaluators[0],
        s.signers[0],
        s.observer,
        s.vendors,
        s.vendor_users,
        [],
        [],
        [],
        [],
        [],
    )
    sealed.values = {
        "tender_id": [str(tender.id)],
        "bid_id": [NOWHERE],
        "attachment_id": [NOWHERE],
        "sample_id": [str(x.id) for x in samples],
        "key": ["R0001"],
        "number": ["1"],
        "vendor_id": [str(v.id) for v in s.vendors],
        "membership_id": [str(m.id) for m in tender.memberships],
        "item_id": [NOWHERE],
        "link_id": [NOWHERE],
        "token": [tender.announcement_token],
        "filename": ["tender.css"],
        "direction": ["opp"],
        "action": ["opp"],
        "request_id": [str(r.id) for r in requests],
        "document_id": [str(d.id) for r in requests for d in r.documents],
        "clarification_id": [NOWHERE],
        # questions and answers are not sealed (the group reads them); this tender has none
        "question_id": [NOWHERE],
        # the award's recommendation and notices cannot exist before any bid is opened
        "rec_id": [NOWHERE],
        "notice_id": [NOWHERE],
        # the letters of a reduction: none can exist before any bid is opened
        "leaving_id": [NOWHERE],
        # the municipality register (an administrator's pages): this tender's municipalities
        "municipality_id": [str(m.id) for m in tender.participating_municipalities],
    }
    return s, sealed, requests


def _normalised(response: Any) -> tuple[int, str]:
    text = response.get_data(as_text=True) if response.mimetype.startswith("text/") else ""
    text = re.sub(r'(nonce|content|value)="[^"]*"', "", text)
    return response.status_code, re.sub(r"\d+", "#", text)


@pytest.fixture
def statements(db: Any):
    from sqlalchemy import event

    seen: list[str] = []

    def listen(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement)

    event.listen(db.test_connection, "before_cursor_execute", listen)
    try:
        yield seen
    finally:
        event.remove(db.test_connection, "before_cursor_execute", listen)


def test_before_the_opening_no_group_member_finds_anything_of_a_request_on_any_get_route(
    app, client, login_as, clock, marked, statements
) -> None:
    from tender.prequalification import assess_operations as ops

    s, sealed, _ = marked
    urls = get_urls(app, sealed, lambda endpoint: True)
    assert any("/prekvalifisering/foresporsler/" in p.url for p in urls)
    problems: list[str] = []
    roles = {"lead": s.lead, "evaluator": s.evaluators[0], "observer": s.observer, "signer": s.signers[0]}
    for moment, when in ((PQ_BEFORE, "før fristen"), (PQ_AFTER, "etter fristen, før åpningen")):
        clock.set(moment)
        assert ops.opening_of(s.tender) is None
        for role, user in roles.items():
            login_as(user)
            for probe in urls:
                del statements[:]
                response = fetch(client, probe.url)
                where = f"{role}, {when}: GET {probe.url}"
                if response.status_code >= 500:
                    problems.append(f"{where} gives {response.status_code}")
                if MARKER in texts_of(response):
                    problems.append(f"{where} shows the marker")
                touched = sorted({m.group(1) for st in statements for m in REQUEST_TABLES.finditer(st)})
                if touched:
                    problems.append(f"{where} reads {touched} before the opening")
                for name in (n for n in probe.args if n in REQUEST_IDS and probe.args[n] != NOWHERE):
                    other = fetch(client, probe.with_args({**probe.args, name: NOWHERE}))
                    if _normalised(other) != _normalised(response):
                        problems.append(f"{where} answers otherwise for a real {name} than for none")
    assert not problems, "\n".join(problems)


def test_the_walk_finds_the_marker_once_the_requests_are_opened(
    app, db, client, login_as, clock, marked
) -> None:
    from tender.prequalification import assess_operations as ops

    s, sealed, requests = marked
    clock.set(PQ_AFTER)
    assert ops.confirm_opening(s.tender, at=PQ_AFTER, actor=s.evaluators[0]) is None
    assert ops.confirm_opening(s.tender, at=PQ_AFTER, actor=s.lead) is not None
    db.session.commit()
    base = f"/konkurranser/{s.tender.id}/prekvalifisering/foresporsler/{requests[0].id}"
    for user in (s.lead, s.evaluators[0], s.observer):
        login_as(user)
        page = texts_of(fetch(client, base))
        assert f"Kontakt {MARKER}" in page and f"Referanse {MARKER}" in page and f"Svar {MARKER}" in page
        document = requests[0].documents[-1]
        download = fetch(client, f"{base}/dokumenter/{document.id}")
        assert download.status_code == 200 and MARKER in texts_of(download)
    login_as(s.signers[0])
    assert fetch(client, base).status_code == 403  # the signers are not in the evaluation group
    found = [p.url for p in get_urls(app, sealed, lambda e: True) if MARKER in texts_of(fetch(client, p.url))]
    assert found == []
    login_as(s.lead)
    found = [p.url for p in get_urls(app, sealed, lambda e: True) if MARKER in texts_of(fetch(client, p.url))]
    assert base in found
    sample_id = sealed.values["sample_id"][0]
    assert f"/konkurranser/{s.tender.id}/noark/prover/{sample_id}" in found  # the request's sample
    assert Role.LEAD in s.tender.roles_of(s.lead)
