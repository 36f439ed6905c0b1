"""Corrections (rettelser) of the published specification (issue 13, point 3): the same route as the first
version (draft, frozen version, every municipality's approval on its hash, publication), a diff vendors read,
draft answers kept with the changed ones flagged, and the bid deadline question for a late correction."""

from __future__ import annotations

from datetime import timedelta
from email.header import decode_header, make_header

import pytest
from sqlalchemy import select

from tender.audit import AuditEvent
from tender.bids import operations as bid_ops
from tender.corrections import operations as ops
from tender.corrections.models import AnswerReview, Correction
from tender.formatting import OSLO
from tender.requirements import operations as spec_ops
from tender.tenders.models import Role
from tests.evaluation_helpers import DEADLINE, setup_tender, submit_bid

EARLY = DEADLINE - timedelta(days=30)  # plenty of time: no extension question
LATE = DEADLINE - timedelta(days=3)  # fewer than the default six days


@pytest.fixture
def s(db, create_tender, add_member, create_user):
    return setup_tender(db, create_tender, add_member, create_user)


def _events(db, tender, event_type):
    return db.session.scalars(
        select(AuditEvent).where(AuditEvent.tender_id == tender.id, AuditEvent.event_type == event_type)
    ).all()


def _signers(tender):
    return [(m.user, m.municipality) for m in tender.memberships if m.role is Role.SIGNER]


def _input(row, **changes):
    data = {
        "chapter": row.chapter.key,
        "number": row.number,
        "kind": row.kind,
        "text": row.text,
        "answer_form": row.answer_form,
        "unit": row.unit,
        "criterion": row.criterion_key,
        "weight": row.weight,
        "documentation": row.documentation,
        "source": row.source,
        "municipalities": row.municipalities,
    }
    data.update(changes)
    return spec_ops.RequirementInput(**data)


def _draft_a_correction(db, s, clock, *, approve=True, remove=True):
    """Correction 1: R0001's text changed, R0002 removed, one requirement added; frozen, and approved by
    every municipality when ``approve``."""
    tender, lead = s.tender, s.lead
    correction = ops.start_correction(tender, reason="Feil i krav 1.1.", at=clock(), actor=lead)
    spec = spec_ops.specification_of(tender)
    rows = {r.key: r for r in spec.requirements}
    first = rows["R0001"]
    spec_ops.update_requirement(
        tender,
        first,
        _input(first, text="Løsningen skal oppfylle det rettede minstekravet 1."),
        expected_version=first.lock_version,
        actor=lead,
    )
    if remove:
        spec_ops.delete_requirement(
            tender, rows["R0002"], expected_version=rows["R0002"].lock_version, actor=lead
        )
    spec_ops.add_requirement(
        tender, _input(first, number="1.9", text="Løsningen skal ha et nytt krav fra rettelsen."), actor=lead
    )
    version = spec_ops.freeze_version(tender, actor=lead, note="Rettelse 1")
    if approve:
        for signer, municipality in _signers(tender):
            spec_ops.decide(
                tender,
                version,
                municipality,
                approve=True,
                comment="",
                content_hash=version.content_hash,
                signer=signer,
            )
    db.session.commit()
    return correction, version


def _save_draft_through_the_page(s, forms, index=0, answer="Ja", extra=None):
    data = {"lock_version": ""}
    for r in bid_ops.published_spec(s.tender).requirements:
        data[f"a-{r.id}-choice"] = answer
        data[f"a-{r.id}-description"] = "Dekkes av standardløsningen."
    data.update(extra or {})
    return forms.post(f"/konkurranser/{s.id}/mitt-tilbud", data)


# -- the route: start, edit, freeze, approve again, publish --------------------------------------------------
def test_the_published_specification_can_be_edited_only_while_a_correction_is_open(db, s, clock) -> None:
    from tender.errors import DomainError

    clock.set(EARLY)
    spec = spec_ops.specification_of(s.tender)
    row = spec.requirements[0]
    with pytest.raises(DomainError, match="rettelse"):
        spec_ops.update_requirement(
            s.tender, row, _input(row, text="Ny tekst."), expected_version=row.lock_version, actor=s.lead
        )
    ops.start_correction(s.tender, reason="Retting.", at=clock(), actor=s.lead)
    spec_ops.update_requirement(
        s.tender, row, _input(row, text="Ny tekst."), expected_version=row.lock_version, actor=s.lead
    )
    assert row.text == "Ny tekst."
    assert len(_events(db, s.tender, "correction.started")) == 1


def test_the_editing_pages_work_during_a_correction_and_send_back_after_it(
    client, db, s, clock, login_as
) -> None:
    clock.set(EARLY)
    login_as(s.lead)
    assert client.get(f"/konkurranser/{s.id}/krav/R0001").status_code == 302
    ops.start_correction(s.tender, reason="Retting.", at=clock(), actor=s.lead)
    db.session.commit()
    page = client.get(f"/konkurranser/{s.id}/krav/R0001")
    assert page.status_code == 200 and "Kravtekst" in page.get_data(as_text=True)
    assert "En rettelse pågår" in client.get(f"/konkurranser/{s.id}/krav").get_data(as_text=True)


def test_the_new_version_needs_every_municipality_again_and_publication_is_refused_before(
    client, forms, db, s, clock, login_as
) -> None:
    clock.set(EARLY)
    correction, version = _draft_a_correction(db, s, clock, approve=False)
    signers = _signers(s.tender)
    # one municipality approves the new hash; the others' approvals of version 1 do not carry over
    first_signer, first_municipality = signers[0]
    spec_ops.decide(
        s.tender,
        version,
        first_municipality,
        approve=True,
        comment="",
        content_hash=version.content_hash,
        signer=first_signer,
    )
    db.session.commit()
    login_as(s.lead)
    response = forms.post(
        f"/konkurranser/{s.id}/rettelser/kunngjor", {}, page=f"/konkurranser/{s.id}/rettelser"
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "har ikke godkjent versjon 2" in html
    for _, municipality in signers[1:]:
        assert municipality.name in html
    assert _events(db, s.tender, "correction.published") == []
    db.session.expire_all()
    assert spec_ops.specification_of(s.tender).published_version.number == 1
    # the signers approve in the browser's route (the version page), then the lead publishes
    for signer, municipality in signers[1:]:
        login_as(signer)
        done = forms.post(
            f"/konkurranser/{s.id}/krav/versjoner/2",
            {
                "municipality": str(municipality.id),
                "decision": "approved",
                "comment": "",
                "content_hash": version.content_hash,
            },
        )
        assert done.status_code == 302, done.get_data(as_text=True)
    login_as(s.lead)
    response = forms.post(
        f"/konkurranser/{s.id}/rettelser/kunngjor", {}, page=f"/konkurranser/{s.id}/rettelser"
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.expire_all()
    spec = spec_ops.specification_of(s.tender)
    assert spec.published_version.number == 2 and not spec.correction_open
    assert bid_ops.published_version(s.tender).content_hash == version.content_hash
    [published] = ops.corrections_of(s.tender)
    assert (published.number, published.reason, published.spec_version.number) == (1, "Feil i krav 1.1.", 2)
    status = client.get(f"/konkurranser/{s.id}/krav").get_data(as_text=True)
    assert "Kunngjort:</strong> versjon 2" in status and "som rettelse 1" in status
    assert "En rettelse pågår" not in status
    assert published.deadline_question is False and published.deadline_extended_to is None


def test_a_vendor_reads_the_diff_requirement_by_requirement_with_old_and_new_text(
    client, db, s, clock, login_as
) -> None:
    clock.set(EARLY)
    correction, _ = _draft_a_correction(db, s, clock)
    ops.publish_correction(
        s.tender, correction, decision=ops.DeadlineDecision(None), at=clock(), actor=s.lead
    )
    db.session.commit()
    login_as(s.vendor_users[0])
    for path in ("rettelser", "rettelser/1"):
        html = client.get(f"/konkurranser/{s.id}/{path}").get_data(as_text=True)
        assert "Rettelse 1" in html and "Feil i krav 1.1." in html
        assert "Endret krav: 1.1" in html and "Slettet krav: 1.2" in html and "Nytt krav: 1.9" in html
        # the changed field with its old and new text, the words marked
        assert '<th scope="row">Kravtekst</th>' in html
        assert "<del>minstekrav</del>" in html and "<ins>det rettede minstekravet</ins>" in html
        assert "rettede" in html and "nytt krav fra rettelsen" in html
        assert "1 nytt krav, 1 endret krav, 1 slettet krav" in html
    pdf = client.get(f"/konkurranser/{s.id}/rettelser/1/pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")


# -- draft bids ----------------------------------------------------------------------------------------------
def test_draft_answers_survive_and_the_changed_requirement_is_flagged_until_saved_again(
    client, forms, db, s, clock, login_as
) -> None:
    clock.set(EARLY)
    login_as(s.vendor_users[0])
    assert _save_draft_through_the_page(s, forms).status_code == 302
    bid = bid_ops.bid_of(s.tender, s.vendors[0].id)
    old_version = bid.spec_version_id
    correction, version = _draft_a_correction(db, s, clock)
    ops.publish_correction(
        s.tender, correction, decision=ops.DeadlineDecision(None), at=clock(), actor=s.lead
    )
    db.session.commit()
    db.session.expire_all()
    bid = bid_ops.bid_of(s.tender, s.vendors[0].id)
    assert bid.spec_version_id == version.id != old_version
    # every answer is kept, the removed requirement's too
    assert {a.requirement_key for a in bid.answers} == {"R0001", "R0002", "R0003", "R0004"}
    assert [r.requirement_key for r in db.session.scalars(select(AnswerReview))] == ["R0001"]
    html = client.get(f"/konkurranser/{s.id}/mitt-tilbud").get_data(as_text=True)
    assert "1 svar må gjennomgås" in html
    assert html.count("gjennomgå svaret") == 1 and 'value="R0001"' in html
    # the removed requirement is not on the page; the new one is there, unanswered
    assert "R0002" not in html and "nytt krav fra rettelsen" in html
    # saving without a change and without the tick keeps the flag
    assert _save_draft_through_the_page(s, forms).status_code == 302
    assert "1 svar må gjennomgås" in client.get(f"/konkurranser/{s.id}/mitt-tilbud").get_data(as_text=True)
    # ticking it as reviewed clears it, and that is recorded
    assert _save_draft_through_the_page(s, forms, extra={"reviewed": "R0001"}).status_code == 302
    html = client.get(f"/konkurranser/{s.id}/mitt-tilbud").get_data(as_text=True)
    assert "må gjennomgås" not in html and "gjennomgå svaret" not in html
    [event] = _events(db, s.tender, "correction.answers_reviewed")
    assert "R0001" in event.payload_json
    [moved] = _events(db, s.tender, "bid.moved_to_corrected_version")
    assert (
        '"requirements": ["R0001"]' in moved.payload_json or '"requirements":["R0001"]' in moved.payload_json
    )
    # what happened to the vendor's draft is sealed from the group until the opening
    login_as(s.lead)
    trail = client.get(f"/konkurranser/{s.id}/revisjonsspor").get_data(as_text=True)
    assert "Rettelse av kravspesifikasjonen kunngjort" in trail
    assert "Tilbudsutkast flyttet" not in trail and "Svar gjennomgått" not in trail
    login_as(s.vendor_users[0])
    # the page answered the new requirement too; what the submission still misses is the price schedule, not
    # an answer (the removed requirement's kept answer is not counted either way)
    bid = bid_ops.bid_of(s.tender, s.vendors[0].id)
    assert {a.requirement_key for a in bid.answers} == {"R0001", "R0002", "R0003", "R0004", "R0005"}
    from tender.errors import DomainError

    with pytest.raises(DomainError) as refused:
        bid_ops.submit(s.tender, bid, at=clock(), actor=s.vendor_users[0])
    assert not any("ikke besvart" in p for p in refused.value.reasons[""])


def test_changing_a_flagged_answer_clears_its_flag(client, forms, db, s, clock, login_as) -> None:
    clock.set(EARLY)
    login_as(s.vendor_users[0])
    assert _save_draft_through_the_page(s, forms).status_code == 302
    correction, _ = _draft_a_correction(db, s, clock, remove=False)
    ops.publish_correction(
        s.tender, correction, decision=ops.DeadlineDecision(None), at=clock(), actor=s.lead
    )
    db.session.commit()
    extra = {"a-R0001-description": "Dekkes etter rettelsen av modul X."}
    assert _save_draft_through_the_page(s, forms, extra=extra).status_code == 302
    assert "må gjennomgås" not in client.get(f"/konkurranser/{s.id}/mitt-tilbud").get_data(as_text=True)


def test_a_delivered_bid_is_told_the_specification_changed_after_delivery(
    client, db, s, clock, login_as
) -> None:
    clock.set(EARLY)
    submit_bid(db, s, 0)
    correction, version = _draft_a_correction(db, s, clock)
    ops.publish_correction(
        s.tender, correction, decision=ops.DeadlineDecision(None), at=clock(), actor=s.lead
    )
    db.session.commit()
    bid = bid_ops.bid_of(s.tender, s.vendors[0].id)
    assert bid.spec_version_id != version.id  # what was delivered answered the version before
    # recorded under the bid, sealed from the group: the group's own event says nothing about bids
    [event] = _events(db, s.tender, "bid.delivered_before_correction")
    assert event.object_type == "bid" and event.object_id == str(bid.id)
    [published] = _events(db, s.tender, "correction.published")
    assert "bid" not in published.payload_json
    login_as(s.vendor_users[0])
    html = client.get(f"/konkurranser/{s.id}/mitt-tilbud").get_data(as_text=True)
    assert "Kravspesifikasjonen er rettet etter at tilbudet ble levert" in html


# -- the bid deadline question -------------------------------------------------------------------------------
def test_a_late_correction_asks_about_the_deadline_and_records_not_extending_with_the_reason(
    client, forms, db, s, clock, login_as
) -> None:
    clock.set(LATE)
    _draft_a_correction(db, s, clock)
    login_as(s.lead)
    page = client.get(f"/konkurranser/{s.id}/rettelser").get_data(as_text=True)
    assert "Skal tilbudsfristen forlenges?" in page and "mindre enn 6 dager" in page
    url, origin = f"/konkurranser/{s.id}/rettelser/kunngjor", f"/konkurranser/{s.id}/rettelser"
    refused = forms.post(url, {}, page=origin)
    assert refused.status_code == 422 and "velg om tilbudsfristen skal forlenges" in refused.get_data(
        as_text=True
    )
    refused = forms.post(url, {"extend": "nei", "reason": "  "}, page=origin)
    assert refused.status_code == 422 and "Skriv hvorfor tilbudsfristen ikke forlenges" in refused.get_data(
        as_text=True
    )
    assert _events(db, s.tender, "correction.published") == []
    done = forms.post(url, {"extend": "nei", "reason": "Rettelsen er en skrivefeil."}, page=origin)
    assert done.status_code == 302, done.get_data(as_text=True)
    db.session.expire_all()
    correction = db.session.scalar(select(Correction))
    assert correction.deadline_question and correction.deadline_extended_to is None
    assert correction.no_extension_reason == "Rettelsen er en skrivefeil."
    assert s.tender.bid_deadline == DEADLINE
    [kept] = _events(db, s.tender, "correction.deadline_kept")
    assert "skrivefeil" in kept.payload_json
    html = client.get(f"/konkurranser/{s.id}/rettelser/1").get_data(as_text=True)
    assert "Tilbudsfristen ble ikke forlenget. Begrunnelse: Rettelsen er en skrivefeil." in html


def test_a_late_correction_extends_the_deadline_through_the_deadline_rules(
    client, forms, db, s, clock, login_as
) -> None:
    clock.set(LATE)
    _draft_a_correction(db, s, clock)
    login_as(s.lead)
    url, origin = f"/konkurranser/{s.id}/rettelser/kunngjor", f"/konkurranser/{s.id}/rettelser"

    def local(moment):
        return moment.astimezone(OSLO).strftime("%Y-%m-%dT%H:%M")

    past = forms.post(url, {"extend": "ja", "new_deadline": local(LATE - timedelta(days=1))}, page=origin)
    assert past.status_code == 422 and "må ligge fram i tid" in past.get_data(as_text=True)
    earlier = forms.post(
        url, {"extend": "ja", "new_deadline": local(DEADLINE - timedelta(days=1))}, page=origin
    )
    assert earlier.status_code == 422 and "må ligge etter den gjeldende" in earlier.get_data(as_text=True)
    missing = forms.post(url, {"extend": "ja", "new_deadline": ""}, page=origin)
    assert missing.status_code == 422 and "Skriv inn den nye tilbudsfristen" in missing.get_data(as_text=True)
    db.session.expire_all()
    assert s.tender.bid_deadline == DEADLINE and _events(db, s.tender, "correction.published") == []
    new = DEADLINE + timedelta(days=7)
    done = forms.post(url, {"extend": "ja", "new_deadline": local(new)}, page=origin)
    assert done.status_code == 302, done.get_data(as_text=True)
    db.session.expire_all()
    assert s.tender.bid_deadline == new
    correction = db.session.scalar(select(Correction))
    assert correction.deadline_question and correction.deadline_extended_to == new
    assert correction.deadline_before == DEADLINE
    assert len(_events(db, s.tender, "correction.deadline_extended")) == 1
    assert len(_events(db, s.tender, "tender.changed")) >= 1
    [published] = ops.corrections_of(s.tender)
    assert published.extension_decision.startswith("Tilbudsfristen ble forlenget til 22. desember 2026")


def test_the_lead_sets_the_number_of_days_that_asks_for_an_extension(
    client, forms, db, s, clock, login_as
) -> None:
    clock.set(EARLY)
    _draft_a_correction(db, s, clock)
    login_as(s.lead)
    origin = f"/konkurranser/{s.id}/rettelser"
    assert "Skal tilbudsfristen forlenges?" not in client.get(origin).get_data(as_text=True)
    bad = forms.post(f"{origin}/innstilling", {"days": "mange"}, page=origin)
    assert bad.status_code == 422 and "Antall dager må være et helt tall" in bad.get_data(as_text=True)
    half = forms.post(f"{origin}/innstilling", {"days": "2,5"}, page=origin)
    assert half.status_code == 422 and "helt tall" in half.get_data(as_text=True)
    assert forms.post(f"{origin}/innstilling", {"days": "40"}, page=origin).status_code == 302
    assert "Skal tilbudsfristen forlenges?" in client.get(origin).get_data(as_text=True)


# -- bad input -----------------------------------------------------------------------------------------------
def test_a_correction_needs_a_reason_and_a_published_specification(
    client, forms, db, s, clock, login_as, create_tender
) -> None:
    clock.set(EARLY)
    login_as(s.lead)
    origin = f"/konkurranser/{s.id}/rettelser"
    refused = forms.post(f"{origin}/ny", {"reason": "   "}, page=origin)
    assert refused.status_code == 422 and "Skriv hvorfor kravspesifikasjonen rettes" in refused.get_data(
        as_text=True
    )
    assert db.session.scalar(select(Correction)) is None
    assert not spec_ops.specification_of(s.tender).correction_open
    # a tender whose specification is not published has nothing to correct
    other = create_tender()
    login_as(other.memberships[0].user)
    refused = forms.post(f"/konkurranser/{other.id}/rettelser/ny", {"reason": "Retting."}, page=origin)
    assert refused.status_code == 422 and "ikke kunngjort" in refused.get_data(as_text=True)
    assert db.session.scalar(select(Correction)) is None


def test_a_second_correction_cannot_start_while_one_is_open_and_publishing_needs_a_new_version(
    db, s, clock
) -> None:
    from tender.errors import DomainError

    clock.set(EARLY)
    correction = ops.start_correction(s.tender, reason="Første.", at=clock(), actor=s.lead)
    with pytest.raises(DomainError, match="pågår allerede"):
        ops.start_correction(s.tender, reason="Andre.", at=clock(), actor=s.lead)
    with pytest.raises(DomainError, match="Frys en ny versjon"):
        ops.publish_correction(
            s.tender, correction, decision=ops.DeadlineDecision(None), at=clock(), actor=s.lead
        )


# -- the vendors are told ------------------------------------------------------------------------------------
def test_every_vendor_user_is_told_by_e_mail(
    app, client, forms, db, s, clock, login_as, smtp_server, monkeypatch
) -> None:
    port, received = smtp_server
    # set for this test only: the app outlives it, and a later test must not mail a stopped server
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", port)
    clock.set(EARLY)
    _draft_a_correction(db, s, clock)
    login_as(s.lead)
    origin = f"/konkurranser/{s.id}/rettelser"
    done = forms.post(f"{origin}/kunngjor", {}, page=origin)
    assert done.status_code == 302, done.get_data(as_text=True)
    assert sorted(m["To"] for m in received) == sorted(u.email for u in s.vendor_users)
    message = received[0]
    subject = str(make_header(decode_header(message["Subject"])))
    assert subject == f"Rettelse 1 av kravspesifikasjonen – {s.tender.title}"
    body = message.get_payload(decode=True).decode("utf-8")
    assert "Feil i krav 1.1." in body and f"/konkurranser/{s.id}/rettelser/1" in body
    assert db.session.scalar(select(Correction)).notified == len(s.vendor_users)


def test_publication_is_refused_when_the_draft_changed_after_the_approved_version(db, s, clock) -> None:
    from tender.errors import DomainError

    clock.set(EARLY)
    correction, _ = _draft_a_correction(db, s, clock)
    row = next(r for r in spec_ops.specification_of(s.tender).requirements if r.key == "R0003")
    spec_ops.update_requirement(
        s.tender,
        row,
        _input(row, text="Endret etter godkjenningen."),
        expected_version=row.lock_version,
        actor=s.lead,
    )
    with pytest.raises(DomainError, match="Utkastet er endret etter versjon 2"):
        ops.publish_correction(
            s.tender, correction, decision=ops.DeadlineDecision(None), at=clock(), actor=s.lead
        )


def test_no_correction_starts_or_is_published_after_the_bid_deadline(db, s, clock) -> None:
    from tender.errors import DomainError

    clock.set(EARLY)
    correction, _ = _draft_a_correction(db, s, clock)
    clock.set(DEADLINE)
    with pytest.raises(DomainError, match="Tilbudsfristen er passert"):
        ops.publish_correction(
            s.tender, correction, decision=ops.DeadlineDecision(None), at=clock(), actor=s.lead
        )
    assert spec_ops.specification_of(s.tender).published_version.number == 1
    with pytest.raises(DomainError, match="kan ikke rettes etter fristen"):
        ops.start_correction(s.tender, reason="For sent.", at=clock(), actor=s.lead)


def test_a_signer_cannot_decide_on_the_published_version_again(db, s, clock) -> None:
    from tender.errors import DomainError

    clock.set(EARLY)
    ops.start_correction(s.tender, reason="Retting.", at=clock(), actor=s.lead)
    spec = spec_ops.specification_of(s.tender)
    signer, municipality = _signers(s.tender)[0]
    with pytest.raises(DomainError, match="allerede kunngjort"):
        spec_ops.decide(
            s.tender,
            spec.published_version,
            municipality,
            approve=False,
            comment="Nei.",
            content_hash=spec.published_version.content_hash,
            signer=signer,
        )


def test_a_correction_given_up_puts_the_published_draft_back_and_needs_a_reason(
    client, forms, db, s, clock, login_as
) -> None:
    from tender.core import spec as core

    clock.set(EARLY)
    _draft_a_correction(db, s, clock)
    login_as(s.lead)
    origin = f"/konkurranser/{s.id}/rettelser"
    refused = forms.post(f"{origin}/avbryt", {"reason": " "}, page=origin)
    assert refused.status_code == 422 and "Skriv hvorfor rettelsen avbrytes" in refused.get_data(as_text=True)
    assert db.session.scalar(select(Correction)) is not None
    done = forms.post(f"{origin}/avbryt", {"reason": "Feilen var ikke en feil."}, page=origin)
    assert done.status_code == 302, done.get_data(as_text=True)
    db.session.expire_all()
    spec = spec_ops.specification_of(s.tender)
    assert db.session.scalar(select(Correction)) is None and not spec.correction_open
    assert core.content_hash(spec_ops.to_core(spec)) == spec.published_version.content_hash
    assert spec.published_version.number == 1
    [event] = _events(db, s.tender, "correction.cancelled")
    assert "Feilen var ikke en feil." in event.payload_json
    # editing is closed again; a new correction is number 1 and never reuses the dropped requirement's id
    assert client.get(f"/konkurranser/{s.id}/krav/R0001").status_code == 302
    again = ops.start_correction(s.tender, reason="Ny retting.", at=clock(), actor=s.lead)
    assert again.number == 1
    row = spec.requirements[0]
    added = spec_ops.add_requirement(s.tender, _input(row, number="1.9", text="Enda et krav."), actor=s.lead)
    assert added.key == "R0006"
