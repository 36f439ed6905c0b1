"""Access to the corrections pages, every route with every role, with a correction of the specification or of
the tender documents being drafted. A correction being drafted is the group's: a vendor sees nothing of it
(not its number, reason, changes or draft documents) until it is published."""

from __future__ import annotations

import pytest

from tests.evaluation_helpers import publish_spec, small_spec
from tests.test_access import ADMIN, ANON, OUTSIDER, try_everyone

NOT_MEMBER = {ANON: 302, OUTSIDER: 404, ADMIN: 404}
LEAD_ONLY = {**NOT_MEMBER, "lead": 422}
#: the open (draft) correction: the group reads it, a vendor gets 404 as if there were none
DRAFT = {**NOT_MEMBER, "vendor": 404}
MARKER = "UTKASTMARKØR-RETTELSE-7Q"

# endpoint -> (method, path, {who: status}, default)
ROUTES = {
    "corrections.index": ("GET", "/konkurranser/{t}/rettelser", NOT_MEMBER, 200),
    "corrections.show": ("GET", "/konkurranser/{t}/rettelser/1", DRAFT, 200),
    "corrections.pdf": ("GET", "/konkurranser/{t}/rettelser/1/pdf", DRAFT, 200),
    # the lead's posts without their fields: refused with the reason (a correction is open, no new version)
    "corrections.start": ("POST", "/konkurranser/{t}/rettelser/ny", LEAD_ONLY, 403),
    "corrections.notice_days": ("POST", "/konkurranser/{t}/rettelser/innstilling", LEAD_ONLY, 403),
    "corrections.publish": ("POST", "/konkurranser/{t}/rettelser/kunngjor", LEAD_ONLY, 403),
    "corrections.cancel": ("POST", "/konkurranser/{t}/rettelser/avbryt", LEAD_ONLY, 403),
    # a correction of the tender documents: started by the lead (no reason: refused), frozen by the lead (a
    # button: back to the page with the outcome), approved by a signer for their municipality (likewise)
    "corrections.start_documents": ("POST", "/konkurranser/{t}/rettelser/dokumenter/ny", LEAD_ONLY, 403),
    "corrections.freeze_documents": (
        "POST",
        "/konkurranser/{t}/rettelser/dokumenter/frys",
        {**NOT_MEMBER, "lead": 302},
        403,
    ),
    "corrections.approve_documents": (
        "POST",
        "/konkurranser/{t}/rettelser/dokumenter/godkjenn/{mu}",
        {**NOT_MEMBER, "signer": 302},
        403,
    ),
}


@pytest.fixture
def drafting(db, people, add_member):
    """The people's tender with its specification published and correction 1 being drafted: its reason and
    a changed requirement carry the marker."""
    from tender.clock import now
    from tender.corrections import operations as ops
    from tender.requirements import operations as spec_ops

    tender, who, membership = people
    publish_spec(db, tender, who["lead"], add_member, small_spec())
    ops.start_correction(tender, reason=f"Retting {MARKER}", at=now(), actor=who["lead"])
    row = spec_ops.specification_of(tender).requirements[0]
    spec_ops.update_requirement(
        tender,
        row,
        spec_ops.RequirementInput(
            chapter=row.chapter.key,
            number=row.number,
            kind=row.kind,
            text=f"Rettet tekst {MARKER}",
            answer_form=row.answer_form,
            unit=row.unit,
            criterion=row.criterion_key,
            weight=row.weight,
            documentation=row.documentation,
            source=row.source,
            municipalities=row.municipalities,
        ),
        expected_version=row.lock_version,
        actor=who["lead"],
    )
    db.session.commit()
    return tender, who, membership


@pytest.fixture
def drafting_documents(db, people):
    """The people's tender with its tender documents published and correction 1 of them being drafted: its
    reason and an appendix uploaded to the correcting draft carry the marker."""
    from tender.clock import now
    from tender.corrections import operations as ops
    from tender.documents import operations as doc_ops
    from tender.documents.models import DocumentKind

    tender, who, membership = people
    lead = who["lead"]
    draft = doc_ops.ensure_draft(tender, actor=lead)
    doc_ops.upload(
        tender, draft, kind=DocumentKind.CONTRACT, label="", filename="kontrakt.pdf", data=PDF, actor=lead
    )
    doc_ops.publish(tender, draft, actor=lead)
    correction = ops.start_documents_correction(tender, reason=f"Retting {MARKER}", at=now(), actor=lead)
    doc_ops.upload(
        tender,
        correction.documents_version,
        kind=DocumentKind.APPENDIX,
        label=f"Bilag {MARKER}",
        filename=f"bilag-{MARKER}.pdf",
        data=PDF + MARKER.encode(),
        actor=lead,
    )
    db.session.commit()
    return tender, who, membership


PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.mark.parametrize("kind", ["specification", "documents"])
@pytest.mark.parametrize("endpoint", sorted(ROUTES))
def test_each_person_gets_exactly_the_access_their_role_gives(endpoint, kind, app, request, isolated) -> None:
    tender, who, _ = request.getfixturevalue("drafting" if kind == "specification" else "drafting_documents")
    values = {"t": tender.id, "mu": tender.participating_municipalities[0].id}
    try_everyone(app, ROUTES, endpoint, who, isolated, values)


def test_a_vendor_sees_nothing_of_a_correction_being_drafted(client, drafting, login_as) -> None:
    tender, who, _ = drafting
    login_as(who["vendor"])
    for path in ("rettelser", "rettelser/1", "rettelser/1/pdf", "mitt-tilbud", ""):
        response = client.get(f"/konkurranser/{tender.id}/{path}".rstrip("/"))
        assert MARKER not in response.get_data(as_text=True), path
    page = client.get(f"/konkurranser/{tender.id}/rettelser").get_data(as_text=True)
    assert "pågår" not in page and "Ingen rettelser er kunngjort." in page
    # the group sees it
    login_as(who["evaluator"])
    assert MARKER in client.get(f"/konkurranser/{tender.id}/rettelser").get_data(as_text=True)


def test_a_vendor_sees_nothing_of_a_documents_correction_being_drafted(
    client, drafting_documents, login_as
) -> None:
    from tender.documents import operations as doc_ops

    tender, who, _ = drafting_documents
    draft = doc_ops.pending_of(tender)
    marked = next(d for d in draft.documents if MARKER in d.label)
    login_as(who["vendor"])
    for path in ("rettelser", "rettelser/1", "rettelser/1/pdf", "konkurransegrunnlag", "tidslinje", ""):
        response = client.get(f"/konkurranser/{tender.id}/{path}".rstrip("/"))
        assert MARKER not in response.get_data(as_text=True), path
    assert client.get(f"/konkurranser/{tender.id}/rettelser/1").status_code == 404
    draft_document = f"/konkurranser/{tender.id}/konkurransegrunnlag/dokument/{marked.id}"
    assert client.get(draft_document).status_code == 404
    page = client.get(f"/konkurranser/{tender.id}/rettelser").get_data(as_text=True)
    assert "pågår" not in page and "Ingen rettelser er kunngjort." in page
    # the group sees it, on the corrections page and in the documents' draft
    login_as(who["evaluator"])
    assert MARKER in client.get(f"/konkurranser/{tender.id}/rettelser").get_data(as_text=True)
    assert MARKER in client.get(f"/konkurranser/{tender.id}/konkurransegrunnlag").get_data(as_text=True)
