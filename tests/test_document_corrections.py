"""Corrections of the tender documents other than the specification (issue 13, point 3): the contract or an
appendix changed by a new frozen version of the set, approved by every municipality on its hash, published
with its reason and a diff per document, the vendors told by e-mail, and the bid deadline question."""

from __future__ import annotations

from datetime import timedelta
from email.header import decode_header, make_header

import pytest
from sqlalchemy import select

from tender.audit import AuditEvent
from tender.corrections import operations as ops
from tender.corrections.models import Correction, DocumentsApproval
from tender.documents import operations as doc_ops
from tender.documents.models import DocumentKind
from tender.errors import DomainError
from tender.tenders.models import Role
from tests.evaluation_helpers import DEADLINE, setup_tender

EARLY = DEADLINE - timedelta(days=30)
LATE = DEADLINE - timedelta(days=3)
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
NEW_APPENDIX = PDF + b"% bilag 2 rettet\n"


@pytest.fixture
def s(db, clock, create_tender, add_member, create_user):
    """The evaluation helpers' tender (two municipalities with a signer each, two vendors) with its tender
    documents published as version 1: the contract, two appendices and the generated specification."""
    clock.set(EARLY - timedelta(days=1))
    world = setup_tender(db, create_tender, add_member, create_user)
    tender, lead = world.tender, world.lead
    draft = doc_ops.ensure_draft(tender, actor=lead)
    doc_ops.upload(
        tender, draft, kind=DocumentKind.CONTRACT, label="", filename="kontrakt.pdf", data=PDF, actor=lead
    )
    for label, name in (("Bilag 1 Kundens krav", "bilag1.pdf"), ("Bilag 2 Løsningen", "bilag2.pdf")):
        doc_ops.upload(
            tender,
            draft,
            kind=DocumentKind.APPENDIX,
            label=label,
            filename=name,
            data=PDF + name.encode(),
            actor=lead,
        )
    doc_ops.generate(tender, draft, DocumentKind.SPECIFICATION, actor=lead)
    doc_ops.publish(tender, draft, actor=lead)
    db.session.commit()
    return world


def _signers(tender):
    return [(m.user, m.municipality) for m in tender.memberships if m.role is Role.SIGNER]


def _events(db, tender, event_type):
    return db.session.scalars(
        select(AuditEvent).where(AuditEvent.tender_id == tender.id, AuditEvent.event_type == event_type)
    ).all()


def _corrected(db, s, clock, *, freeze=True):
    """Correction 1 of the documents: bilag 2 replaced by a new file, bilag 1 renamed, the contract removed
    and a new appendix added; frozen when ``freeze``."""
    tender, lead = s.tender, s.lead
    correction = ops.start_documents_correction(
        tender, reason="Bilag 2 manglet en side.", at=clock(), actor=lead
    )
    draft = correction.documents_version
    doc_ops.upload(
        tender,
        draft,
        kind=DocumentKind.APPENDIX,
        label="Bilag 2 Løsningen",
        filename="bilag2-rettet.pdf",
        data=NEW_APPENDIX,
        actor=lead,
    )
    first = next(d for d in draft.documents if d.label == "Bilag 1 Kundens krav")
    doc_ops.rename(tender, first, "Bilag 1 Kundens kravspesifikasjon", actor=lead)
    contract = next(d for d in draft.documents if d.kind is DocumentKind.CONTRACT)
    doc_ops.remove(tender, contract, actor=lead)
    doc_ops.upload(
        tender,
        draft,
        kind=DocumentKind.APPENDIX,
        label="Bilag 4 Prosjektplan",
        filename="bilag4.pdf",
        data=PDF + b"% plan\n",
        actor=lead,
    )
    if freeze:
        ops.freeze_documents_correction(tender, correction, actor=lead)
    db.session.commit()
    return correction


def _approve_all(tender, correction, clock):
    for user, municipality in _signers(tender):
        ops.approve_documents_correction(
            tender,
            correction,
            municipality,
            content_sha256=correction.documents_version.content_sha256,
            at=clock(),
            signer=user,
        )


def test_a_documents_correction_needs_every_municipality_on_the_frozen_hash_before_publication(
    db, s, clock
) -> None:
    clock.set(EARLY)
    correction = _corrected(db, s, clock)
    version = correction.documents_version
    assert correction.number == 1 and correction.of_documents and version.is_correction
    assert version.correction_reason == "Rettelse 1: Bilag 2 manglet en side."
    signers = _signers(s.tender)
    assert len(signers) == 2
    with pytest.raises(DomainError, match="har ikke godkjent versjon 2"):
        ops.publish_documents_correction(
            s.tender, correction, decision=ops.DeadlineDecision(None), at=clock(), actor=s.lead
        )
    user, municipality = signers[0]
    # a hash other than the frozen version's is refused: the approval binds to what the signer read
    with pytest.raises(DomainError, match="ikke den som er lagret"):
        ops.approve_documents_correction(
            s.tender, correction, municipality, content_sha256="0" * 64, at=clock(), signer=user
        )
    # a signer approves only for their own municipality
    other = signers[1][1]
    with pytest.raises(DomainError, match=f"ikke godkjenner for {other.name}"):
        ops.approve_documents_correction(
            s.tender, correction, other, content_sha256=version.content_sha256, at=clock(), signer=user
        )
    ops.approve_documents_correction(
        s.tender, correction, municipality, content_sha256=version.content_sha256, at=clock(), signer=user
    )
    with pytest.raises(DomainError, match="allerede godkjent"):
        ops.approve_documents_correction(
            s.tender, correction, municipality, content_sha256=version.content_sha256, at=clock(), signer=user
        )
    assert [m.name for m in ops.missing_documents_approvals(s.tender, correction)] == [other.name]
    refusal = f"har ikke godkjent versjon 2 av konkurransegrunnlaget: {other.name}"
    with pytest.raises(DomainError, match=refusal):
        ops.publish_documents_correction(
            s.tender, correction, decision=ops.DeadlineDecision(None), at=clock(), actor=s.lead
        )
    ops.approve_documents_correction(
        s.tender, correction, other, content_sha256=version.content_sha256, at=clock(), signer=signers[1][0]
    )
    ops.publish_documents_correction(
        s.tender, correction, decision=ops.DeadlineDecision(None), at=clock(), actor=s.lead
    )
    db.session.commit()
    assert doc_ops.current_version(s.tender) is version and version.published_at is not None
    assert not correction.is_open and correction.published_at == clock()
    assert correction.deadline_question is False and s.tender.bid_deadline == DEADLINE
    (event,) = _events(db, s.tender, "correction.documents_published")
    assert event.payload["sha256"] == version.content_sha256 and event.payload["version"] == 2
    assert len(_events(db, s.tender, "correction.documents_approved")) == 2
    # the timeline's source and the tender's list of corrections see it, numbered with the others
    (published,) = ops.corrections_of(s.tender)
    assert published.kind == "documents" and published.documents_version_number == 2
    assert published.spec_version is None and published.reason == "Bilag 2 manglet en side."


def test_approvals_are_bound_to_the_frozen_version_and_a_draft_cannot_be_approved(db, s, clock) -> None:
    clock.set(EARLY)
    correction = _corrected(db, s, clock, freeze=False)
    user, municipality = _signers(s.tender)[0]
    with pytest.raises(DomainError, match="ikke fryst ennå"):
        ops.approve_documents_correction(
            s.tender, correction, municipality, content_sha256="", at=clock(), signer=user
        )
    with pytest.raises(DomainError, match="Frys utkastet"):
        ops.publish_documents_correction(
            s.tender, correction, decision=ops.DeadlineDecision(None), at=clock(), actor=s.lead
        )
    ops.freeze_documents_correction(s.tender, correction, actor=s.lead)
    version = correction.documents_version
    # a frozen version cannot change: nothing can be uploaded, renamed or removed after the approvals
    with pytest.raises(DomainError, match="fryst og kan ikke endres"):
        doc_ops.upload(
            s.tender,
            version,
            kind=DocumentKind.CONTRACT,
            label="",
            filename="kontrakt2.pdf",
            data=PDF + b"% annen\n",
            actor=s.lead,
        )
    _approve_all(s.tender, correction, clock)
    assert ops.missing_documents_approvals(s.tender, correction) == []
    # an approval of any other content is void: a stored file changed behind the hash voids it, and the
    # publication refuses the content that no longer matches its frozen hash
    approval = db.session.scalars(select(DocumentsApproval)).first()
    approval.content_sha256 = "f" * 64
    db.session.flush()
    assert len(ops.missing_documents_approvals(s.tender, correction)) == 1


def test_the_diff_tells_each_document_added_removed_replaced_or_renamed(db, s, clock) -> None:
    clock.set(EARLY)
    correction = _corrected(db, s, clock)
    changes = {c.label: c for c in ops.documents_correction_diff(correction)}
    assert {label: c.kind for label, c in changes.items()} == {
        "Bilag 1 Kundens kravspesifikasjon": "renamed",
        "Bilag 2 Løsningen": "replaced",
        "Bilag 4 Prosjektplan": "added",
        "Kontrakt": "removed",
    }
    replaced = changes["Bilag 2 Løsningen"]
    assert (replaced.old.filename, replaced.new.filename) == ("bilag2.pdf", "bilag2-rettet.pdf")
    assert replaced.new.size == len(NEW_APPENDIX) and replaced.old.size == len(PDF + b"bilag2.pdf")
    assert replaced.old.sha256 != replaced.new.sha256
    renamed = changes["Bilag 1 Kundens kravspesifikasjon"]
    assert renamed.old.label == "Bilag 1 Kundens krav" and renamed.old.sha256 == renamed.new.sha256
    assert ops.documents_summary(list(changes.values())) == (
        "Endringer: 1 nytt dokument, 1 erstattet dokument, 1 dokument med nytt navn, 1 fjernet dokument."
    )


def test_a_late_documents_correction_asks_about_the_deadline_and_records_either_answer(db, s, clock) -> None:
    clock.set(LATE)
    correction = _corrected(db, s, clock)
    _approve_all(s.tender, correction, clock)
    with pytest.raises(DomainError, match="velg om tilbudsfristen skal forlenges"):
        ops.publish_documents_correction(
            s.tender, correction, decision=ops.DeadlineDecision(None), at=clock(), actor=s.lead
        )
    with pytest.raises(DomainError, match="Skriv hvorfor tilbudsfristen ikke forlenges"):
        ops.publish_documents_correction(
            s.tender, correction, decision=ops.DeadlineDecision(False), at=clock(), actor=s.lead
        )
    assert correction.is_open
    ops.publish_documents_correction(
        s.tender,
        correction,
        decision=ops.DeadlineDecision(False, reason="Endringen er liten."),
        at=clock(),
        actor=s.lead,
    )
    db.session.commit()
    assert correction.deadline_question and correction.no_extension_reason == "Endringen er liten."
    assert s.tender.bid_deadline == DEADLINE
    (kept,) = _events(db, s.tender, "correction.deadline_kept")
    assert kept.payload["reason"] == "Endringen er liten."


def test_a_late_documents_correction_may_extend_the_bid_deadline(db, s, clock) -> None:
    clock.set(LATE)
    correction = _corrected(db, s, clock)
    _approve_all(s.tender, correction, clock)
    later = DEADLINE + timedelta(days=7)
    ops.publish_documents_correction(
        s.tender,
        correction,
        decision=ops.DeadlineDecision(True, new_deadline=later),
        at=clock(),
        actor=s.lead,
    )
    db.session.commit()
    assert s.tender.bid_deadline == later and correction.deadline_extended_to == later
    assert correction.deadline_before == DEADLINE
    (extended,) = _events(db, s.tender, "correction.deadline_extended")
    assert extended.payload["after"] == later.isoformat()


def test_every_vendor_user_is_told_of_a_documents_correction_by_e_mail(
    app, client, forms, db, s, clock, login_as, smtp_server, monkeypatch
) -> None:
    port, received = smtp_server
    # set for this test only: the app outlives it, and a later test must not mail a stopped server
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", port)
    clock.set(EARLY)
    correction = _corrected(db, s, clock)
    _approve_all(s.tender, correction, clock)
    db.session.commit()
    login_as(s.lead)
    origin = f"/konkurranser/{s.id}/rettelser"
    done = forms.post(f"{origin}/kunngjor", {}, page=origin)
    assert done.status_code == 302, done.get_data(as_text=True)
    assert sorted(m["To"] for m in received) == sorted(u.email for u in s.vendor_users)
    subject = str(make_header(decode_header(received[0]["Subject"])))
    assert subject == f"Rettelse 1 av konkurransegrunnlaget – {s.tender.title}"
    body = received[0].get_payload(decode=True).decode("utf-8")
    assert "Bilag 2 manglet en side." in body and "Erstattet dokument: «Bilag 2 Løsningen»" in body
    assert f"/konkurranser/{s.id}/rettelser/1" in body
    assert db.session.scalar(select(Correction)).notified == len(s.vendor_users)


def test_a_documents_correction_needs_a_reason_a_published_set_and_one_at_a_time(
    db, s, clock, create_tender
) -> None:
    clock.set(EARLY)
    with pytest.raises(DomainError, match="Skriv hvorfor konkurransegrunnlaget rettes"):
        ops.start_documents_correction(s.tender, reason="   ", at=clock(), actor=s.lead)
    bare = create_tender(bid_deadline=DEADLINE)
    with pytest.raises(DomainError, match="ikke publisert"):
        ops.start_documents_correction(bare, reason="Retting.", at=clock(), actor=bare.memberships[0].user)
    ops.start_documents_correction(s.tender, reason="Første.", at=clock(), actor=s.lead)
    with pytest.raises(DomainError, match="En rettelse pågår allerede"):
        ops.start_documents_correction(s.tender, reason="Andre.", at=clock(), actor=s.lead)
    # nor a correction of the specification while one of the documents is open
    with pytest.raises(DomainError, match="En rettelse pågår allerede"):
        ops.start_correction(s.tender, reason="Krav.", at=clock(), actor=s.lead)
    # an unchanged draft is not frozen: there is nothing to correct
    with pytest.raises(DomainError, match="likt den publiserte versjonen 1"):
        ops.freeze_documents_correction(s.tender, ops.open_correction(s.tender), actor=s.lead)
    assert len(db.session.scalars(select(Correction)).all()) == 1


def test_a_documents_correction_is_refused_while_a_documents_draft_is_pending_and_while_a_spec_one_is_open(
    db, s, clock
) -> None:
    clock.set(EARLY)
    doc_ops.new_version_from(s.tender, replacing={}, reason="Annet utkast", actor=s.lead)
    with pytest.raises(DomainError, match="Versjon 2 av konkurransegrunnlaget er ikke publisert ennå"):
        ops.start_documents_correction(s.tender, reason="Retting.", at=clock(), actor=s.lead)
    db.session.rollback()
    ops.start_correction(s.tender, reason="Krav.", at=clock(), actor=s.lead)
    with pytest.raises(DomainError, match="En rettelse pågår allerede"):
        ops.start_documents_correction(s.tender, reason="Retting.", at=clock(), actor=s.lead)


def test_no_documents_correction_starts_or_is_published_after_the_bid_deadline(db, s, clock) -> None:
    clock.set(LATE)
    correction = _corrected(db, s, clock)
    _approve_all(s.tender, correction, clock)
    clock.set(DEADLINE)
    with pytest.raises(DomainError, match="Tilbudsfristen er passert"):
        ops.publish_documents_correction(
            s.tender, correction, decision=ops.DeadlineDecision(None), at=clock(), actor=s.lead
        )
    ops.cancel_correction(s.tender, correction, reason="For sent.", actor=s.lead)
    with pytest.raises(DomainError, match="Tilbudsfristen er passert"):
        ops.start_documents_correction(s.tender, reason="Retting.", at=clock(), actor=s.lead)


def test_a_documents_correction_given_up_throws_its_draft_away_and_frees_the_number(db, s, clock) -> None:
    clock.set(EARLY)
    correction = _corrected(db, s, clock)
    _approve_all(s.tender, correction, clock)
    with pytest.raises(DomainError, match="Skriv hvorfor rettelsen avbrytes"):
        ops.cancel_correction(s.tender, correction, reason="", actor=s.lead)
    ops.cancel_correction(s.tender, correction, reason="Feil bilag.", actor=s.lead)
    db.session.commit()
    assert doc_ops.pending_of(s.tender) is None and doc_ops.current_version(s.tender).number == 1
    assert db.session.scalars(select(DocumentsApproval)).all() == []
    assert len(_events(db, s.tender, "correction.documents_cancelled")) == 1
    again = ops.start_documents_correction(s.tender, reason="Nytt forsøk.", at=clock(), actor=s.lead)
    assert again.number == 1 and again.documents_version.number == 2


def test_the_specification_and_the_documents_share_the_numbering(client, login_as, db, s, clock) -> None:
    clock.set(EARLY)
    correction = _corrected(db, s, clock)
    _approve_all(s.tender, correction, clock)
    ops.publish_documents_correction(
        s.tender, correction, decision=ops.DeadlineDecision(None), at=clock(), actor=s.lead
    )
    db.session.commit()
    # the specification's page does not take a correction of the other documents for one of its own
    login_as(s.lead)
    page = client.get(f"/konkurranser/{s.id}/krav").get_data(as_text=True)
    assert "Kunngjort:" in page and "som rettelse 1" not in page
    spec_correction = ops.start_correction(s.tender, reason="Krav.", at=clock(), actor=s.lead)
    assert spec_correction.number == 2 and spec_correction.kind == "specification"


def test_the_documents_page_forms_change_a_correcting_draft_and_not_the_published_set(
    forms, login_as, db, s, clock
) -> None:
    clock.set(EARLY)
    correction = ops.start_documents_correction(
        s.tender, reason="Navn og kontrakt.", at=clock(), actor=s.lead
    )
    db.session.commit()
    draft = correction.documents_version
    first = next(d for d in draft.documents if d.label == "Bilag 1 Kundens krav")
    contract = next(d for d in draft.documents if d.kind is DocumentKind.CONTRACT)
    login_as(s.lead)
    page = f"/konkurranser/{s.id}/konkurransegrunnlag"
    renamed = forms.post(
        f"{page}/dokument/{first.id}/navn", {f"d{first.id}-label": "Bilag 1 Kravene"}, page=page
    )
    assert renamed.status_code == 302, renamed.get_data(as_text=True)
    removed = forms.post(f"{page}/dokument/{contract.id}/fjern", {}, page=page)
    assert removed.status_code == 302
    # publishing from the documents page is refused: a correction goes out from the corrections page
    refused = forms.post(f"{page}/publiser", {}, page=page)
    assert refused.status_code == 302
    db.session.expire_all()
    assert draft.published_at is None
    labels = {d.label for d in draft.documents}
    assert "Bilag 1 Kravene" in labels and "Bilag 2 Løsningen" in labels and "Kontrakt" not in labels
    published = doc_ops.current_version(s.tender)
    assert published.number == 1 and "Kontrakt" in {d.label for d in published.documents}
    changes = {c.label: c.kind for c in ops.documents_correction_diff(correction)}
    assert changes == {"Bilag 1 Kravene": "renamed", "Kontrakt": "removed"}
