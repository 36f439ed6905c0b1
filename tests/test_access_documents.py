"""Every route of the tender documents, tried anonymously, by an outsider, by an administrator and by every
role of the tender, while version 1 is published and a correcting draft (version 2) is being assembled with a
marker in a document's name and content: the group reads the draft, a vendor's user only the published
version; the draft's documents answer a vendor as ids that do not exist (404), and so do another tender's."""

from __future__ import annotations

import pytest

from tender.documents import operations as ops
from tender.documents.models import DocumentKind
from tender.tenders.models import Role
from tests.evaluation_helpers import setup_tender
from tests.test_access import ADMIN, ANON, OUTSIDER, WHO, try_everyone

NOT_MEMBER = {ANON: 302, OUTSIDER: 404, ADMIN: 404}
GROUP = [r.value for r in Role if r is not Role.VENDOR]
MARKER = "QZX7-utkast-merke-9d2e"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
D = "/konkurranser/{t}/konkurransegrunnlag"

# route -> (method, path, {who: status}, status for the other members); posts carry only the CSRF token
ROUTES: dict[str, tuple[str, str, dict[str, int], int]] = {
    "documents.index": ("GET", D, NOT_MEMBER, 200),
    "documents.download": ("GET", D + "/dokument/{draft_doc}", {**NOT_MEMBER, "vendor": 404}, 200),
    "documents.upload": ("POST", D + "/last-opp", {**NOT_MEMBER, "lead": 422}, 403),
    "documents.agreement": ("POST", D + "/standardavtale", {**NOT_MEMBER, "lead": 422}, 403),
    "documents.generate": ("POST", D + "/lag/award_criteria", {**NOT_MEMBER, "lead": 302}, 403),
    "documents.rename": ("POST", D + "/dokument/{draft_doc}/navn", {**NOT_MEMBER, "lead": 422}, 403),
    "documents.remove": ("POST", D + "/dokument/{draft_doc}/fjern", {**NOT_MEMBER, "lead": 302}, 403),
    "documents.publish": ("POST", D + "/publiser", {**NOT_MEMBER, "lead": 302}, 403),
}


@pytest.fixture
def world(db, clock, create_tender, add_member, create_user):
    s = setup_tender(db, create_tender, add_member, create_user)
    draft = ops.ensure_draft(s.tender, actor=s.lead)
    ops.upload(
        s.tender,
        draft,
        kind=DocumentKind.INVITATION,
        label="",
        filename="invitasjon.pdf",
        data=PDF,
        actor=s.lead,
    )
    ops.generate(s.tender, draft, DocumentKind.AWARD_CRITERIA, actor=s.lead)
    ops.publish(s.tender, draft, actor=s.lead)
    correction = ops.new_version_from(
        s.tender,
        replacing={"invitation": ("invitasjon-rettet.pdf", PDF + f"% {MARKER}\n".encode())},
        reason="Rettet fristen",
        actor=s.lead,
    )
    marked = ops.upload(
        s.tender,
        correction,
        kind=DocumentKind.APPENDIX,
        label=f"Bilag 4 {MARKER}",
        filename=f"bilag-{MARKER}.pdf",
        data=PDF + MARKER.encode(),
        actor=s.lead,
    )
    db.session.commit()
    signer = next(m.user for m in s.tender.memberships if m.role is Role.SIGNER)
    who = {
        OUTSIDER: create_user(name="Utenfor"),
        ADMIN: create_user(name="Admin", is_admin=True),
        "lead": s.lead,
        "evaluator": s.evaluators[0],
        "signer": signer,
        "observer": s.observer,
        "vendor": s.vendor_users[0],
    }
    return s, who, draft, marked


@pytest.mark.parametrize("endpoint", sorted(ROUTES))
def test_each_person_gets_exactly_the_access_their_role_gives(endpoint, app, world, isolated) -> None:
    s, who, _, marked = world
    try_everyone(app, ROUTES, endpoint, who, isolated, {"t": s.tender.id, "draft_doc": marked.id})


@pytest.mark.parametrize("person", WHO)
def test_the_draft_is_seen_by_the_group_only(person, client, login_as, world) -> None:
    s, who, _, _ = world
    if person != ANON:
        login_as(who[person])
    response = client.get(D.format(t=s.tender.id))
    assert (MARKER.encode() in response.data) == (person in GROUP), person
    if person == "vendor":
        page = response.get_data(as_text=True)
        assert "Versjon 1" in page and "Utkast" not in page and "invitasjon.pdf" in page


def test_a_vendor_downloads_the_published_documents_and_each_download_is_logged(
    client, login_as, world
) -> None:
    s, who, published, _ = world
    login_as(who["vendor"])
    for document in ops.documents_of(published):
        response = client.get(D.format(t=s.tender.id) + f"/dokument/{document.id}")
        assert response.status_code == 200 and response.data == document.data
    held = ops.holders(s.tender)
    assert [(h.vendor_name, h.user_name, h.version_number, h.documents) for h in held] == [
        (s.vendors[0].name, s.vendor_users[0].name, 1, 2)
    ]


def test_another_tenders_documents_answer_as_ids_that_do_not_exist(
    client, login_as, world, create_tender, add_member, create_user
) -> None:
    s, who, published, _ = world
    from tender.tenders import operations as tender_ops

    other = create_tender(title="Annen konkurranse")
    tender_ops.register_vendor(
        other, name=s.vendors[1].name, organisasjonsnummer=s.vendors[1].organisasjonsnummer, actor=None
    )
    other_vendor_user = add_member(other, Role.VENDOR, create_user(name="Annen selger"), vendor=s.vendors[1])
    document = ops.documents_of(published)[0]
    login_as(other_vendor_user)
    assert client.get(D.format(t=other.id) + f"/dokument/{document.id}").status_code == 404
    assert client.get(D.format(t=s.tender.id) + f"/dokument/{document.id}").status_code == 404
    assert ops.holders(s.tender) == []


def test_the_public_announcement_names_the_published_version_and_its_hash_only(client, world) -> None:
    s, _, published, _ = world
    page = client.get(f"/kunngjoring/{s.tender.announcement_token}").get_data(as_text=True)
    assert "versjon 1" in page and published.content_sha256 in page and MARKER not in page


def test_an_upload_of_the_wrong_type_is_refused_on_the_page_and_nothing_is_kept(
    client, forms, login_as, world
) -> None:
    import io

    s, who, _, _ = world
    login_as(who["lead"])
    url = D.format(t=s.tender.id)
    before = [d.id for d in ops.draft_of(s.tender).documents]
    response = client.post(
        url + "/last-opp",
        data={
            "csrf_token": forms.token(url),
            "kind": "appendix",
            "label": "Bilag 3 Program",
            "file": (io.BytesIO(b"MZ\x90\x00"), "program.exe"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "Filtypen tas ikke imot" in response.get_data(as_text=True)
    assert [d.id for d in ops.draft_of(s.tender).documents] == before


def test_in_a_prequalified_tender_every_vendor_gets_the_published_documents_before_the_invitation(
    db, clock, client, login_as, create_tender, add_member, create_user
) -> None:
    """The procurement documents are freely available from the announcement (FOA § 14-1, directive
    2014/24/EU art. 53): a candidate not (yet) invited reads them; only the bid is the invited's."""
    from tender.bids.permissions import bid as may_bid
    from tests.prequalification_helpers import PQ_BEFORE, pq_setup

    s = pq_setup(db, create_tender, add_member, create_user, vendors=2)
    clock.set(PQ_BEFORE)
    draft = ops.ensure_draft(s.tender, actor=s.lead)
    ops.generate(s.tender, draft, DocumentKind.QUALIFICATION, actor=s.lead)
    ops.publish(s.tender, draft, actor=s.lead)
    db.session.commit()
    document = ops.documents_of(draft)[0]
    assert not may_bid(s.vendor_users[1], s.tender)
    login_as(s.vendor_users[1])
    response = client.get(D.format(t=s.tender.id) + f"/dokument/{document.id}")
    assert response.status_code == 200 and response.data == document.data
    assert [h.vendor_name for h in ops.holders(s.tender)] == [s.vendors[1].name]
