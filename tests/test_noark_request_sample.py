"""The Noark 5 sample with the request to take part (issue 12, point 2): when the prequalification demands
one, the vendor uploads it from the request (the noark upload, queue, worker and report, with the sample
belonging to the request), it is sealed the same way as the request (late uploads refused, nothing kept,
logged), the newest at the submission is the one submitted and goes into the receipt's hash, a missing one is
listed as a missing part, another vendor's sample is not found, and the group sees it, beside the
requirement that asks for it, only once the requests are opened."""

from __future__ import annotations

import io
from typing import Any

import pytest
from sqlalchemy import select

from tests.prequalification_helpers import PQ_AFTER, PQ_BEFORE, PQ_DEADLINE, pq_setup

N = "/konkurranser/{t}/noark"


@pytest.fixture
def s(db, clock, create_tender, create_user, add_member) -> Any:
    """A prequalification that demands a Noark 5 sample, one of whose requirements asks for it; the vendors
    have draft requests with company data. The clock is one second before the deadline."""
    from tender.prequalification import request_operations as pq_ops
    from tender.prequalification.models import QualificationCategory, QualificationRequirement

    s = pq_setup(db, create_tender, add_member, create_user, vendors=2)
    setup = pq_ops.setup_of(s.tender)
    setup.sample_demanded = True
    sample_requirement = QualificationRequirement(
        tender_id=s.tender.id,
        position=5,
        category=QualificationCategory.TECHNICAL,
        text="Systemet skal kunne produsere et gyldig Noark 5 arkivuttrekk.",
        documentation="Et Noark 5 uttrekk fra systemet (prøveuttrekk).",
    )
    db.session.add(sample_requirement)
    s.requirements.append(sample_requirement)
    for i in range(2):
        req = pq_ops.ensure_request(s.tender, s.vendors[i], at=PQ_BEFORE, actor=s.vendor_users[i])
        pq_ops.save_company(
            s.tender,
            req,
            pq_ops.CompanyInput(f"Kontakt {i}", f"k{i}@example.no", "", "Storgata 1", "NO"),
            at=PQ_BEFORE,
            actor=s.vendor_users[i],
        )
    db.session.commit()
    clock.set(PQ_BEFORE)
    return s


def _post(client: Any, forms: Any, s: Any, data: bytes, filename: str) -> Any:
    base = N.format(t=s.tender.id)
    token = forms.token(base + "/foresporsel-prove")
    return client.post(
        base + "/foresporsel-prove",
        data={"csrf_token": token, "file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )


def _samples(db: Any) -> list[Any]:
    from tender.noark.models import ExtractSample

    return list(db.session.scalars(select(ExtractSample).order_by(ExtractSample.id)))


def _request(s: Any, i: int) -> Any:
    from tender.prequalification import request_operations as pq_ops

    return pq_ops.request_of(s.tender, s.vendors[i].id)


def _uploaded(client, forms, login_as, db, s, i: int, data: bytes, filename: str = "uttrekk.zip") -> Any:
    from tender.noark import operations as ops

    login_as(s.vendor_users[i])
    response = _post(client, forms, s, data, filename)
    assert response.status_code == 302, response.get_data(as_text=True)
    sample = _samples(db)[-1]
    ops.run_validation(sample.id)
    db.session.refresh(sample)
    return sample


def _late_attempts(db: Any, tender: Any) -> list[Any]:
    from tender.audit import AuditEvent

    return list(
        db.session.scalars(
            select(AuditEvent).where(
                AuditEvent.tender_id == tender.id, AuditEvent.event_type == "request.late_attempt"
            )
        )
    )


def _open_requests(db: Any, s: Any, clock: Any) -> None:
    from tender.prequalification import assess_operations as assess_ops

    clock.set(PQ_AFTER)
    assess_ops.confirm_opening(s.tender, at=PQ_AFTER, actor=s.evaluators[0])
    assert assess_ops.confirm_opening(s.tender, at=PQ_AFTER, actor=s.lead) is not None
    db.session.commit()


def test_a_sample_one_second_before_the_deadline_goes_into_the_vendors_request_and_is_validated(
    client, forms, login_as, db, s, valid_zip
) -> None:
    from tender.noark.models import SampleStatus, Verdict

    sample = _uploaded(client, forms, login_as, db, s, 0, valid_zip)
    req = _request(s, 0)
    assert sample.request_id == req.id and sample.bid_id is None and not sample.submitted_with_bid
    assert sample.status is SampleStatus.DONE and sample.verdict is Verdict.VALID
    page = client.get(N.format(t=s.tender.id) + "/foresporsel-prove").get_data(as_text=True)
    assert "uttrekk.zip" in page and "Følger med når du leverer" in page and "Gyldig" in page
    request_page = client.get(f"/konkurranser/{s.tender.id}/foresporsel").get_data(as_text=True)
    assert "Følger med forespørselen når du leverer" in request_page and sample.sha256 in request_page
    # the bid's sample page lists the bid's samples only
    mine = client.get(N.format(t=s.tender.id) + "/mine-prover").get_data(as_text=True)
    assert "uttrekk.zip" not in mine


def test_a_sample_one_second_after_the_deadline_is_refused_logged_and_nothing_is_kept(
    client, forms, login_as, db, s, clock, valid_zip
) -> None:
    login_as(s.vendor_users[0])
    token = forms.token(N.format(t=s.tender.id) + "/foresporsel-prove")
    clock.set(PQ_AFTER)
    response = client.post(
        N.format(t=s.tender.id) + "/foresporsel-prove",
        data={"csrf_token": token, "file": (io.BytesIO(valid_zip), "for-sent.zip")},
        content_type="multipart/form-data",
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 409 and "Fristen for forespørsel om å delta er ute" in html
    assert _samples(db) == []
    [late] = _late_attempts(db, s.tender)
    assert late.payload["action"] == "sample" and late.actor_id == s.vendor_users[0].id
    assert late.payload["vendor"] == s.vendors[0].organisasjonsnummer
    page = client.get(N.format(t=s.tender.id) + "/foresporsel-prove").get_data(as_text=True)
    assert "Last opp og kontroller" not in page and "Fristen for forespørsel om å delta er ute" in page


def test_at_the_deadline_itself_the_upload_is_already_late(client, forms, login_as, db, s, clock, valid_zip):
    login_as(s.vendor_users[0])
    token = forms.token(N.format(t=s.tender.id) + "/foresporsel-prove")
    clock.set(PQ_DEADLINE)
    response = client.post(
        N.format(t=s.tender.id) + "/foresporsel-prove",
        data={"csrf_token": token, "file": (io.BytesIO(valid_zip), "akkurat.zip")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 409 and _samples(db) == []


def test_no_sample_is_taken_when_the_prequalification_does_not_demand_one(
    client, forms, login_as, db, s, valid_zip
) -> None:
    from tender.prequalification import request_operations as pq_ops

    pq_ops.setup_of(s.tender).sample_demanded = False
    db.session.commit()
    login_as(s.vendor_users[0])
    response = _post(client, forms, s, valid_zip, "uttrekk.zip")
    assert response.status_code == 422 and "ber ikke om et Noark 5-prøveuttrekk" in response.get_data(
        as_text=True
    )
    assert _samples(db) == []


def test_an_empty_or_wrong_kind_of_file_is_refused_with_a_norwegian_message(
    client, forms, login_as, db, s
) -> None:
    login_as(s.vendor_users[0])
    empty = _post(client, forms, s, b"", "tom.zip")
    assert empty.status_code == 422 and "Filen er tom" in empty.get_data(as_text=True)
    wrong = _post(client, forms, s, b"hei", "notat.docx")
    assert wrong.status_code == 422 and "Last opp uttrekket som .zip" in wrong.get_data(as_text=True)
    assert _samples(db) == []


def test_a_request_without_the_demanded_sample_lists_it_as_missing_and_asks_for_confirmation(
    client, forms, login_as, db, s
) -> None:
    login_as(s.vendor_users[0])
    path = f"/konkurranser/{s.tender.id}/foresporsel"
    response = client.post(path + "/lever", data={"csrf_token": forms.token(path)})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "Noark 5-prøveuttrekk mangler" in html and "Lever likevel" in html
    assert not _request(s, 0).is_submitted


def test_the_newest_sample_is_submitted_with_the_request_and_its_name_and_hash_are_in_the_receipt(
    client, forms, login_as, db, s, valid_zip
) -> None:
    from tender.audit import AuditEvent
    from tender.prequalification import request_operations as pq_ops

    _uploaded(client, forms, login_as, db, s, 0, valid_zip, "forste.zip")
    req = _request(s, 0)
    first_hash = pq_ops.content_sha256(req)
    newest = _uploaded(client, forms, login_as, db, s, 0, valid_zip + b"\0", "andre.zip")
    req = _request(s, 0)
    assert pq_ops.content_sha256(req) != first_hash  # the hash changes with the sample
    assert "Noark 5-prøveuttrekk mangler" not in " ".join(pq_ops.missing_parts(s.tender, req))
    digest = pq_ops.submit(s.tender, req, at=PQ_BEFORE, actor=s.vendor_users[0], confirm_missing=True)
    db.session.commit()
    assert pq_ops.request_content(req)["noark_sample"] == {"filename": "andre.zip", "sha256": newest.sha256}
    assert req.receipt_sha256 == digest == pq_ops.content_sha256(req)
    [sealed] = db.session.scalars(
        select(AuditEvent).where(AuditEvent.event_type == "noark.sample_submitted")
    ).all()
    assert sealed.payload == {"request": req.id, "filename": "andre.zip", "sha256": newest.sha256}
    # a submitted request takes no other sample
    login_as(s.vendor_users[0])
    refused = _post(client, forms, s, valid_zip, "tredje.zip")
    assert refused.status_code == 422 and "Forespørselen er levert" in refused.get_data(as_text=True)
    assert [x.original_filename for x in _samples(db)] == ["forste.zip", "andre.zip"]


def test_a_request_without_a_sample_keeps_the_receipt_form_it_had(db, s) -> None:
    from tender.prequalification import request_operations as pq_ops

    assert "noark_sample" not in pq_ops.request_content(_request(s, 0))


@pytest.mark.parametrize("tail", ["", "/status.json", "/rapport.json", "/rapport.pdf", "/rapport-arkade.xml"])
def test_a_vendor_gets_404_for_another_vendors_request_sample_as_for_a_missing_one(
    tail, client, forms, login_as, db, s, clock, valid_zip
) -> None:
    theirs = _uploaded(client, forms, login_as, db, s, 1, valid_zip)
    login_as(s.vendor_users[0])
    for sample_id in (theirs.id, theirs.id + 10_000):
        path = N.format(t=s.tender.id) + f"/prover/{sample_id}{tail}"
        assert client.get(path).status_code == 404, path
    _open_requests(db, s, clock)  # still not after the opening: a vendor never sees another vendor's
    assert client.get(N.format(t=s.tender.id) + f"/prover/{theirs.id}{tail}").status_code == 404


def test_the_group_sees_the_submitted_sample_only_once_the_requests_are_opened_and_never_a_draft(
    client, forms, login_as, db, s, clock, valid_zip
) -> None:
    from tender.prequalification import request_operations as pq_ops

    submitted = _uploaded(client, forms, login_as, db, s, 0, valid_zip, "levert.zip")
    draft = _uploaded(client, forms, login_as, db, s, 1, valid_zip, "utkast.zip")
    pq_ops.submit(s.tender, _request(s, 0), at=PQ_BEFORE, actor=s.vendor_users[0], confirm_missing=True)
    db.session.commit()
    base = N.format(t=s.tender.id)
    clock.set(PQ_AFTER)
    for user in (s.lead, s.evaluators[0], s.observer, s.signers[0]):
        login_as(user)
        for sample_id in (submitted.id, draft.id):
            assert client.get(f"{base}/prover/{sample_id}").status_code == 403
        assert client.get(f"{base}/prover/status.json").status_code == 403
    _open_requests(db, s, clock)
    for user in (s.lead, s.evaluators[0], s.observer):
        login_as(user)
        page = client.get(f"{base}/prover/{submitted.id}")
        assert page.status_code == 200 and "levert.zip" in page.get_data(as_text=True)
        assert client.get(f"{base}/prover/{submitted.id}/rapport.pdf").status_code == 200
        assert client.get(f"{base}/prover/{draft.id}").status_code == 404  # never submitted
        statuses = client.get(f"{base}/prover/status.json")
        assert statuses.status_code == 200 and [x["id"] for x in statuses.get_json()] == [submitted.id]
    login_as(s.signers[0])  # not in the evaluation group
    assert client.get(f"{base}/prover/{submitted.id}").status_code == 403
    assert client.get(f"{base}/prover/status.json").status_code == 403


def test_the_assessment_shows_the_samples_result_beside_the_requirement_asking_for_it(
    client, forms, login_as, db, s, clock, valid_zip
) -> None:
    from tender.prequalification import request_operations as pq_ops

    sample = _uploaded(client, forms, login_as, db, s, 0, valid_zip, "levert.zip")
    req = _request(s, 0)
    pq_ops.submit(s.tender, req, at=PQ_BEFORE, actor=s.vendor_users[0], confirm_missing=True)
    db.session.commit()
    _open_requests(db, s, clock)
    login_as(s.evaluators[0])
    html = client.get(f"/konkurranser/{s.tender.id}/prekvalifisering/foresporsler/{req.id}").get_data(
        as_text=True
    )
    row = html.split(f'id="krav-{s.requirements[-1].id}"', 1)[1].split("</tr>", 1)[0]
    assert "levert.zip" in row and "Gyldig" in row and f"/noark/prover/{sample.id}" in row
    other = html.split(f'id="krav-{s.requirements[0].id}"', 1)[1].split("</tr>", 1)[0]
    assert "levert.zip" not in other


def test_the_samples_events_are_hidden_from_the_group_until_the_requests_are_opened(
    client, forms, login_as, db, s, clock, valid_zip
) -> None:
    from tender.audit import AuditEvent, sealed_activity

    _uploaded(client, forms, login_as, db, s, 0, valid_zip, "hemmelig.zip")
    events = {
        e.id: e
        for e in db.session.scalars(select(AuditEvent).where(AuditEvent.event_type.startswith("noark.")))
    }
    assert {e.event_type for e in events.values()} >= {"noark.sample_uploaded", "noark.validation_finished"}

    def hidden(requests_opened: bool) -> set[int]:
        condition = sealed_activity(s.tender.id, bids_opened=False, requests_opened=requests_opened)
        return set(
            db.session.scalars(select(AuditEvent.id).where(AuditEvent.id.in_(events), condition)).all()
        )

    assert hidden(False) == set(events)
    assert hidden(True) == set()  # the request's sample is part of the opened request


def test_an_upload_racing_the_submission_of_the_request_fails_and_keeps_nothing(
    client, forms, login_as, db, app, s, valid_zip
) -> None:
    from datetime import timedelta

    from sqlalchemy import update
    from sqlalchemy.orm.exc import StaleDataError

    from tender.noark import operations as ops
    from tender.prequalification.models import ParticipationRequest, RequestStatus

    _uploaded(client, forms, login_as, db, s, 0, valid_zip)
    req = _request(s, 0)
    assert not req.is_submitted  # this upload has read the request as a draft ...
    # ... when another request submits it (written past this session, as another transaction would)
    db.session.execute(
        update(ParticipationRequest)
        .where(ParticipationRequest.id == req.id)
        .values(
            status=RequestStatus.SUBMITTED,
            submitted_at=PQ_BEFORE - timedelta(seconds=5),
            lock_version=req.lock_version + 1,
        )
        .execution_options(synchronize_session=False)
    )
    with app.test_request_context(), pytest.raises(StaleDataError):
        ops.store_request_upload(
            s.tender,
            s.vendors[0],
            io.BytesIO(valid_zip),
            "for-sent.zip",
            max_bytes=10**8,
            actor=s.vendor_users[0],
            at=PQ_BEFORE,
        )
    db.session.rollback()
    assert len(_samples(db)) == 1
