"""The vendor's request to take part (issue 12, point 2): company data, ESPD import and form, documents,
references, draft and submission with a receipt hash over everything, the participation deadline with the
injectable clock, and late attempts refused, logged and leaving nothing behind."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tender.audit import AuditEvent
from tender.errors import DomainError
from tender.prequalification import request_operations as ops
from tender.prequalification.models import (
    ParticipationRequest,
    RequestDocument,
    RequestReference,
    RequestStatus,
)
from tests.prequalification_helpers import PQ_AFTER, PQ_BEFORE, PQ_DEADLINE, pq_setup

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "espd"
#: the procurement the ESPD fixtures answer
CASE_REFERENCE = "2026/0417"
PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture
def s(db, create_tender, add_member, create_user, clock):
    setup = pq_setup(db, create_tender, add_member, create_user, vendors=3)
    setup.tender.case_reference = CASE_REFERENCE
    db.session.commit()
    clock.set(PQ_BEFORE)
    return setup


def _espd(name: str = "espd-response-v2.1.1-basic.xml") -> bytes:
    return (FIXTURES / name).read_bytes()


def _events(db, tender, event_type):
    return db.session.scalars(
        select(AuditEvent).where(AuditEvent.tender_id == tender.id, AuditEvent.event_type == event_type)
    ).all()


def _url(s, tail: str = "") -> str:
    return f"/konkurranser/{s.tender.id}/foresporsel{tail}"


def _full_request(db, s, index: int = 0) -> ParticipationRequest:
    """A request with company data, ESPD answers from the form, a document per requirement and a reference."""
    tender, vendor, user = s.tender, s.vendors[index], s.vendor_users[index]
    req = ops.ensure_request(tender, vendor, at=PQ_BEFORE, actor=user)
    ops.save_company(
        tender,
        req,
        ops.CompanyInput("Kari Kontakt", "kari@arkivus.no", "+47 900 00 000", "Storgata 1, Skien", "NO"),
        at=PQ_BEFORE,
        actor=user,
    )
    ops.save_espd_form(
        tender,
        req,
        [ops.EspdFormAnswer(q.type_code, True, "Ingen anmerkninger.") for q in ops.espd_questions(tender)],
        at=PQ_BEFORE,
        actor=user,
    )
    for r in s.requirements:
        ops.add_document(
            tender,
            req,
            requirement_id=r.id,
            filename=f"krav-{r.position}.pdf",
            content_type="application/pdf",
            data=PDF + str(r.id).encode(),
            at=PQ_BEFORE,
            actor=user,
        )
    ops.add_reference(
        tender,
        req,
        ops.ReferenceInput(
            "Skien kommune", "Arkivus Sak", "Per Arkivar", "2020–2026", "Noark 5, 1 200 brukere"
        ),
        at=PQ_BEFORE,
        actor=user,
    )
    db.session.commit()
    return req


# -- draft and submission ----------------------------------------------------------------------------------
def test_a_complete_request_is_submitted_with_a_receipt_hash_in_the_audit_trail(db, s) -> None:
    req = _full_request(db, s)
    digest = ops.submit(s.tender, req, at=PQ_BEFORE, actor=s.vendor_users[0])
    db.session.commit()
    assert req.status is RequestStatus.SUBMITTED and req.submitted_at == PQ_BEFORE
    assert req.receipt_sha256 == digest == ops.content_sha256(req)
    [event] = _events(db, s.tender, "request.submitted")
    assert event.payload["sha256"] == digest and event.payload["missing"] == 0


def test_the_receipt_hash_covers_each_part_and_changes_when_any_of_them_changes(db, s) -> None:
    req = _full_request(db, s)
    seen = {ops.content_sha256(req)}

    def changed() -> None:
        digest = ops.content_sha256(req)
        assert digest not in seen
        seen.add(digest)

    req.contact_phone = "+47 900 00 001"
    changed()
    req.address = "Storgata 2, Skien"
    changed()
    answers = req.espd
    answers["criteria"][0]["answers"][0]["indicator"] = False
    req.espd_json = json.dumps(answers)
    changed()
    req.espd_sha256 = "0" * 64
    changed()
    req.documents[0].sha256 = "1" * 64
    changed()
    req.documents[1].filename = "annet-navn.pdf"
    changed()
    req.references[0].period = "2019–2026"
    changed()
    content = ops.request_content(req)
    assert set(content) == {"tender", "vendor", "company", "espd", "documents", "references"}
    assert len(content["documents"]) == 4 and content["references"][0]["customer"] == "Skien kommune"


def test_a_request_one_second_before_the_deadline_is_accepted(db, s, clock) -> None:
    req = _full_request(db, s)
    clock.set(PQ_BEFORE)
    ops.submit(s.tender, req, at=PQ_BEFORE, actor=s.vendor_users[0])
    assert req.is_submitted


def test_a_submitted_request_can_no_longer_be_changed(db, s) -> None:
    req = _full_request(db, s)
    ops.submit(s.tender, req, at=PQ_BEFORE, actor=s.vendor_users[0])
    with pytest.raises(DomainError, match="er levert"):
        ops.add_reference(s.tender, req, ops.ReferenceInput("Porsgrunn"), at=PQ_BEFORE, actor=None)
    with pytest.raises(DomainError, match="er levert"):
        ops.submit(s.tender, req, at=PQ_BEFORE, actor=None)


def test_submitting_with_missing_parts_lists_them_and_delivers_only_when_the_vendor_confirms(
    client, forms, login_as, db, s
) -> None:
    user = s.vendor_users[0]
    login_as(user)
    forms.post(
        _url(s, "/firma"),
        {"contact_name": "Kari", "contact_email": "kari@arkivus.no", "country": "NO", "lock_version": ""},
    )
    response = forms.post(_url(s, "/lever"), {"confirm_missing": ""})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "ESPD-svar mangler" in page
    assert page.count("Dokumentasjon mangler for kvalifikasjonskrav") == 4
    assert "Lever likevel" in page
    assert ops.request_of(s.tender, s.vendors[0].id).status is RequestStatus.DRAFT
    response = forms.post(_url(s, "/lever"), {"confirm_missing": "ja"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/kvittering")
    req = ops.request_of(s.tender, s.vendors[0].id)
    assert req.is_submitted
    assert _events(db, s.tender, "request.submitted")[0].payload["missing"] == 5


def test_a_request_without_a_contact_cannot_be_submitted_even_when_confirmed(db, s) -> None:
    req = ops.ensure_request(s.tender, s.vendors[0], at=PQ_BEFORE, actor=None)
    with pytest.raises(DomainError) as caught:
        ops.submit(s.tender, req, at=PQ_BEFORE, actor=None, confirm_missing=True)
    assert caught.value.reasons[""] == [
        "Kontaktperson mangler under firmaopplysninger.",
        "E-postadresse mangler under firmaopplysninger.",
    ]


def test_the_receipt_page_shows_the_hash_and_each_document(client, forms, login_as, db, s) -> None:
    req = _full_request(db, s)
    ops.submit(s.tender, req, at=PQ_BEFORE, actor=s.vendor_users[0])
    db.session.commit()
    login_as(s.vendor_users[0])
    page = client.get(_url(s, "/kvittering")).get_data(as_text=True)
    assert req.receipt_sha256 in page
    assert all(d.sha256 in page for d in req.documents)
    assert "Skien kommune" in page


# -- the deadline ------------------------------------------------------------------------------------------
LATE_POSTS = [
    ("/firma", {"contact_name": "Sen", "contact_email": "sen@arkivus.no", "country": "NO"}, "save_company"),
    ("/referanser", {"customer": "Bamble kommune"}, "add_reference"),
    ("/dokumenter", {"requirement": "", "file": (io.BytesIO(PDF), "sen.pdf")}, "add_document"),
    ("/espd", {"file": (io.BytesIO(b"<x/>"), "espd.xml")}, "espd_import"),
    ("/espd-svar", {}, "espd_form"),
    ("/lever", {"confirm_missing": "ja"}, "submit"),
]


@pytest.mark.parametrize("tail,data,action", LATE_POSTS, ids=[p[2] for p in LATE_POSTS])
def test_one_second_after_the_deadline_every_change_is_refused_logged_and_nothing_is_kept(
    client, forms, login_as, db, s, clock, tail, data, action
) -> None:
    req = _full_request(db, s)
    before = ops.content_sha256(req)
    version = req.lock_version
    login_as(s.vendor_users[0])
    clock.set(PQ_AFTER)
    response = forms.post(_url(s, tail), dict(data))
    assert response.status_code == 409
    assert "Fristen for forespørsel om å delta er ute" in response.get_data(as_text=True)
    db.session.expire_all()
    req = ops.request_of(s.tender, s.vendors[0].id)
    assert req.status is RequestStatus.DRAFT and req.lock_version == version
    assert ops.content_sha256(req) == before
    [late] = _events(db, s.tender, "request.late_attempt")
    assert late.payload == {
        "vendor": s.vendors[0].organisasjonsnummer,
        "action": action,
        "at": PQ_AFTER.isoformat(),
        "deadline": PQ_DEADLINE.isoformat(),
    }


def test_a_request_cannot_even_be_started_at_the_deadline_itself(
    client, forms, login_as, db, s, clock
) -> None:
    login_as(s.vendor_users[1])
    clock.set(PQ_DEADLINE)
    response = forms.post(_url(s, "/referanser"), {"customer": "Bamble kommune"})
    assert response.status_code == 409
    assert ops.request_of(s.tender, s.vendors[1].id) is None
    assert [e.payload["action"] for e in _events(db, s.tender, "request.late_attempt")] == ["add_reference"]


def test_deleting_a_document_or_a_reference_after_the_deadline_is_refused_and_logged(
    client, forms, login_as, db, s, clock
) -> None:
    req = _full_request(db, s)
    doc_id, ref_id = req.documents[0].id, req.references[0].id
    login_as(s.vendor_users[0])
    clock.set(PQ_AFTER)
    assert forms.post(_url(s, f"/dokumenter/{doc_id}/slett"), {}).status_code == 409
    assert forms.post(_url(s, f"/referanser/{ref_id}/slett"), {}).status_code == 409
    assert db.session.get(RequestDocument, doc_id) is not None
    assert db.session.get(RequestReference, ref_id) is not None
    actions = [e.payload["action"] for e in _events(db, s.tender, "request.late_attempt")]
    assert actions == ["delete_document", "delete_reference"]


def test_before_the_setup_is_frozen_the_page_says_so_and_offers_nothing_to_fill_in(
    client, login_as, db, create_tender, add_member, create_user, clock
) -> None:
    setup = pq_setup(db, create_tender, add_member, create_user, vendors=1, frozen=False)
    clock.set(PQ_BEFORE)
    login_as(setup.vendor_users[0])
    page = client.get(f"/konkurranser/{setup.tender.id}/foresporsel").get_data(as_text=True)
    assert "Prekvalifiseringen er ikke kunngjort ennå" in page
    assert "<form" not in page.split("Forespørsel om å delta fra", 1)[1]
    with pytest.raises(DomainError, match="ikke kunngjort"):
        ops.ensure_request(setup.tender, setup.vendors[0], at=PQ_BEFORE, actor=None)


# -- company data, documents, references, locking ----------------------------------------------------------
def test_company_data_is_saved_and_a_stale_version_is_refused(client, forms, login_as, db, s) -> None:
    login_as(s.vendor_users[0])
    data = {
        "contact_name": "Kari Kontakt",
        "contact_email": "kari@arkivus.no",
        "contact_phone": "35 00 00 00",
        "address": "Storgata 1",
        "country": "no",
        "lock_version": "",
    }
    assert forms.post(_url(s, "/firma"), data).status_code == 302
    req = ops.request_of(s.tender, s.vendors[0].id)
    assert (req.contact_name, req.country) == ("Kari Kontakt", "NO")
    stale = str(req.lock_version - 1)
    response = forms.post(_url(s, "/firma"), {**data, "contact_name": "Ola", "lock_version": stale})
    assert response.status_code == 422
    assert "endret av en annen bruker" in response.get_data(as_text=True)
    db.session.expire_all()
    assert ops.request_of(s.tender, s.vendors[0].id).contact_name == "Kari Kontakt"


def test_a_bad_e_mail_or_country_is_refused_in_norwegian(client, forms, login_as, s) -> None:
    login_as(s.vendor_users[0])
    response = forms.post(_url(s, "/firma"), {"contact_email": "ikke-en-adresse", "country": "Norge"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Dette er ikke en gyldig e-postadresse." in page and "Landkoden må være to bokstaver" in page
    assert ops.request_of(s.tender, s.vendors[0].id) is None


@pytest.mark.parametrize(
    "name,data,message",
    [
        ("program.exe", b"MZ\x90\x00", "Filtypen tas ikke imot"),
        ("forkledd.pdf", b"MZ\x90\x00", "innholdet stemmer ikke med filtypen"),
        ("tom.pdf", b"", "Filen er tom."),
    ],
)
def test_a_document_that_is_not_a_pdf_office_file_or_image_is_refused(db, s, name, data, message) -> None:
    req = ops.ensure_request(s.tender, s.vendors[0], at=PQ_BEFORE, actor=None)
    with pytest.raises(DomainError, match=message):
        ops.add_document(
            s.tender,
            req,
            requirement_id=None,
            filename=name,
            content_type="",
            data=data,
            at=PQ_BEFORE,
            actor=None,
        )


def test_documents_per_requirement_are_uploaded_listed_and_deleted_while_a_draft(
    client, forms, login_as, db, s
) -> None:
    login_as(s.vendor_users[0])
    requirement = s.requirements[2]
    response = forms.post(
        _url(s, "/dokumenter"),
        {"requirement": str(requirement.id), "file": (io.BytesIO(PNG), "regnskap.png")},
    )
    assert response.status_code == 302
    req = ops.request_of(s.tender, s.vendors[0].id)
    [doc] = req.documents
    assert (doc.requirement_id, doc.filename, doc.size) == (requirement.id, "regnskap.png", len(PNG))
    assert client.get(_url(s, f"/dokumenter/{doc.id}")).data == PNG
    assert "regnskap.png" in client.get(_url(s)).get_data(as_text=True)
    assert forms.post(_url(s, f"/dokumenter/{doc.id}/slett"), {}).status_code == 302
    assert db.session.get(RequestDocument, doc.id) is None
    assert [e.payload["filename"] for e in _events(db, s.tender, "request.document_removed")] == [
        "regnskap.png"
    ]


def test_a_document_for_a_requirement_of_another_tender_is_refused(
    client, forms, login_as, db, s, create_tender, add_member, create_user
) -> None:
    other = pq_setup(db, create_tender, add_member, create_user, vendors=1)
    login_as(s.vendor_users[0])
    response = forms.post(
        _url(s, "/dokumenter"),
        {"requirement": str(other.requirements[0].id), "file": (io.BytesIO(PDF), "a.pdf")},
    )
    assert response.status_code == 422
    assert "Velg et av kvalifikasjonskravene i listen." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(RequestDocument.id))) == 0


def test_references_are_added_and_deleted(client, forms, login_as, db, s) -> None:
    login_as(s.vendor_users[0])
    response = forms.post(
        _url(s, "/referanser"),
        {
            "customer": "Bamble kommune",
            "system": "Arkivus",
            "contact": "Åse",
            "period": "2022–",
            "description": "X",
        },
    )
    assert response.status_code == 302
    [ref] = ops.request_of(s.tender, s.vendors[0].id).references
    assert (ref.customer, ref.period) == ("Bamble kommune", "2022–")
    assert forms.post(_url(s, "/referanser"), {"customer": ""}).status_code == 422
    assert forms.post(_url(s, f"/referanser/{ref.id}/slett"), {}).status_code == 302
    assert db.session.get(RequestReference, ref.id) is None


# -- ESPD --------------------------------------------------------------------------------------------------
def test_an_espd_response_for_this_procurement_is_imported_and_lined_up_beside_the_requirements(
    client, forms, login_as, db, s
) -> None:
    login_as(s.vendor_users[0])
    data = _espd()
    response = forms.post(_url(s, "/espd"), {"file": (io.BytesIO(data), "espd.xml"), "lock_version": ""})
    assert response.status_code == 302, response.get_data(as_text=True)
    req = ops.request_of(s.tender, s.vendors[0].id)
    assert req.espd_source == "file" and req.espd_xml == data and req.espd_filename == "espd.xml"
    assert len(req.espd_sha256) == 64
    assert req.espd["format"] == "tender-espd-response" and req.espd["criteria"]
    rows = ops.line_up(s.tender, req)
    assert [(r.kind, r.number) for r in rows] == [
        ("grunn", 1),
        ("grunn", 2),
        ("krav", 1),
        ("krav", 2),
        ("krav", 3),
        ("krav", 4),
    ]
    # the fixture answers the criminal-organisation ground, taxes and turnover; bankruptcy is there with no
    # answer, and it answers a services reference, not the supplies reference the tender asks for
    assert [r.status for r in rows] == ["answered", "missing", "not_espd", "answered", "answered", "missing"]
    assert "120\xa0400\xa0000,00\xa0kr" in [value for _, value in rows[4].answers]
    page = client.get(_url(s)).get_data(as_text=True)
    assert "espd.xml" in page and "ESPD-svarene mot kravene" in page
    # what was read: the economic operator and the procurement; the file is another company's than the vendor
    operator = req.espd["economic_operator"]
    assert "Nordisk Dokumentforvaltning AS" in page and "2026/0417" in page
    assert operator["orgnr"] != s.vendors[0].organisasjonsnummer
    assert f"ESPD-filen oppgir organisasjonsnummer {operator['orgnr']}" in page
    assert "120&nbsp;400&nbsp;000,00&nbsp;kr" in page or "120\xa0400\xa0000,00\xa0kr" in page
    assert client.get(_url(s, "/espd.xml")).data == data


@pytest.mark.parametrize(
    "data,reference",
    [
        (b"dette er ikke XML", CASE_REFERENCE),
        (b"<?xml version='1.0'?><Tilbud/>", CASE_REFERENCE),
        (None, "2026/9999"),
    ],
    ids=["not-xml", "not-espd", "other-procurement"],
)
def test_a_bad_espd_file_gets_a_norwegian_message_and_changes_nothing(
    client, forms, login_as, db, s, data, reference
) -> None:
    s.tender.case_reference = reference
    db.session.commit()
    req = _full_request(db, s)
    before, version = ops.content_sha256(req), req.lock_version
    login_as(s.vendor_users[0])
    response = forms.post(_url(s, "/espd"), {"file": (io.BytesIO(data or _espd()), "espd.xml")})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "form-errors" in page or "errors" in page
    db.session.expire_all()
    req = ops.request_of(s.tender, s.vendors[0].id)
    assert req.espd_source == "form" and req.espd_xml is None
    assert ops.content_sha256(req) == before and req.lock_version == version
    assert _events(db, s.tender, "request.espd_imported") == []


def test_the_espd_form_keeps_the_answers_in_the_readers_shape_and_shows_what_is_missing(
    client, forms, login_as, db, s
) -> None:
    login_as(s.vendor_users[0])
    questions = ops.espd_questions(s.tender)
    assert len(questions) == 5  # two grounds and three requirements name an ESPD criterion
    data = {"lock_version": "", "e-0-answer": "nei", "e-0-description": "Ingen dommer.", "e-1-answer": "ja"}
    assert forms.post(_url(s, "/espd-svar"), data).status_code == 302
    req = ops.request_of(s.tender, s.vendors[0].id)
    stored = req.espd
    assert stored["format"] == "tender-espd-response" and stored["version"] == ops.FORM_VERSION
    first = stored["criteria"][0]
    assert first["type_code"] == questions[0].type_code and first["category"] == "exclusion"
    assert [(a["kind"], a["indicator"], a["text"]) for a in first["answers"]] == [
        ("indicator", False, None),
        ("description", None, "Ingen dommer."),
    ]
    statuses = {(r.kind, r.number): r.status for r in ops.line_up(s.tender, req)}
    assert statuses[("grunn", 1)] == statuses[("grunn", 2)] == "answered"
    assert statuses[("krav", 1)] == "not_espd"
    assert statuses[("krav", 2)] == statuses[("krav", 3)] == "missing"
    page = client.get(_url(s)).get_data(as_text=True)
    assert '<option selected value="nei">' in page and "Ingen dommer." in page and "Mangler" in page
    assert forms.post(_url(s, "/espd-svar"), {**data, "e-0-answer": "kanskje"}).status_code == 422


def test_without_a_participation_deadline_the_page_says_so_and_nothing_can_be_started(
    client, forms, login_as, db, s
) -> None:
    s.tender.participation_deadline = None
    db.session.commit()
    login_as(s.vendor_users[0])
    assert "Fristen for forespørsel om å delta er ikke satt ennå" in client.get(_url(s)).get_data(
        as_text=True
    )
    response = forms.post(_url(s, "/referanser"), {"customer": "Bamble kommune"})
    assert response.status_code == 422
    assert ops.request_of(s.tender, s.vendors[0].id) is None
    assert _events(db, s.tender, "request.late_attempt") == []


def test_the_tender_page_links_the_vendor_to_its_request_and_the_group_not(client, login_as, s) -> None:
    link = f'href="{_url(s)}"'
    login_as(s.vendor_users[0])
    assert link in client.get(f"/konkurranser/{s.tender.id}").get_data(as_text=True)
    for person in (s.lead, s.evaluators[0], s.observer, s.signers[0]):
        login_as(person)
        assert link not in client.get(f"/konkurranser/{s.tender.id}").get_data(as_text=True)
