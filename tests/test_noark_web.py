"""Noark 5 samples through the web: upload into the vendor's bid, the vendor's own reports, the group's
side-by-side table after the bid opening, downloads, bad uploads, the deadline, and a minstekrav filled in
from the sample submitted with the bid and confirmed by an evaluator.

The validation is run by calling ``run_validation`` (what the queue task calls) in the test's own transaction;
tests/test_noark_tasks.py runs the real queue.
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from tender.tenders.models import Role
from tests.evaluation_helpers import AFTER, BEFORE, open_all, setup_tender, submit_bid
from tests.test_noark_tasks import zipped_extract

M = "/konkurranser/{t}/noark"


@dataclass
class World:
    tender: Any
    lead: Any
    evaluator: Any
    observer: Any
    signer: Any
    vendors: list[Any]
    sellers: list[Any]
    setup: Any
    clock: Any

    @property
    def base(self) -> str:
        return M.format(t=self.tender.id)

    @property
    def group(self) -> list[Any]:
        return [self.lead, self.evaluator, self.observer, self.signer]


def minimal_spec() -> Any:
    from tender.core import spec as core

    return core.Specification(
        title="Kravspesifikasjon",
        criteria=(core.Criterion(id="arkiv", name="Arkivfunksjonalitet"),),
        chapters=(core.Chapter(id="K01", number="1", title="Generelt"),),
        requirements=(
            core.Requirement(
                id="R0001",
                number="1.1",
                chapter="K01",
                kind=core.Kind.MINSTEKRAV,
                text="Leverandøren skal levere et gyldig Noark 5 arkivuttrekk.",
                answer_form=core.AnswerForm.JA_NEI,
            ),
            core.Requirement(
                id="R0002",
                number="1.2",
                chapter="K01",
                kind=core.Kind.EVALUERINGSKRAV,
                text="Løsningen bør ha god søk.",
                answer_form=core.AnswerForm.JA_NEI_DELVIS,
                criterion="arkiv",
                weight=__import__("decimal").Decimal(1),
            ),
        ),
    )


def noark_world(db: Any, clock: Any, create_tender: Any, create_user: Any, add_member: Any) -> World:
    """A published tender open for bids (the clock one second before the deadline) with two vendors, their
    sellers, and one person of each group role. R0001 and R0002 are minstekrav, R0003 and R0004 not. (The
    ``world`` of this module and of tests/test_file_names.py.)"""
    s = setup_tender(db, create_tender, add_member, create_user, evaluators=1)
    signer = add_member(
        s.tender,
        Role.SIGNER,
        create_user(name="Siri Signer"),
        municipality=s.tender.participating_municipalities[0],
    )
    return World(s.tender, s.lead, s.evaluators[0], s.observer, signer, s.vendors, s.vendor_users, s, clock)


@pytest.fixture
def world(db, clock, create_tender, create_user, add_member) -> World:
    return noark_world(db, clock, create_tender, create_user, add_member)


def submit(db: Any, world: World, vendor: int) -> Any:
    """Vendor ``vendor`` answers everything and submits its bid (with its newest sample, if any)."""
    return submit_bid(db, world.setup, vendor)


def open_bids(db: Any, world: World) -> None:
    open_all(db, world.setup, world.clock)


def post_upload(client: Any, forms: Any, world: World, data: bytes, filename: str) -> Any:
    token = forms.token(world.base + "/mine-prover")
    return client.post(
        world.base + "/mine-prover",
        data={"csrf_token": token, "file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )


def samples(db: Any) -> list[Any]:
    from tender.noark.models import ExtractSample

    return list(db.session.scalars(select(ExtractSample).order_by(ExtractSample.id)))


def validate_all(db: Any) -> None:
    from tender.noark.models import SampleStatus
    from tender.noark.operations import run_validation

    for s in samples(db):
        if s.status is SampleStatus.QUEUED:
            run_validation(s.id)


def uploaded(
    client, forms, login_as, db, world: World, vendor: int, data: bytes, filename: str = "uttrekk.zip"
) -> Any:
    login_as(world.sellers[vendor])
    response = post_upload(client, forms, world, data, filename)
    assert response.status_code == 302, response.get_data(as_text=True)
    validate_all(db)
    return samples(db)[-1]


@pytest.fixture(scope="module")
def invalid_zip(tmp_path_factory) -> bytes:
    return zipped_extract(
        tmp_path_factory.mktemp("invalid"), errors={"duplicate_systemid", "wrong_count"}
    ).read_bytes()


# -- upload and the vendor's own page ------------------------------------------------------------------------
def test_a_vendor_uploads_a_sample_and_sees_it_queued_with_a_progress_bar(
    client, forms, login_as, db, world, valid_zip
) -> None:
    from tender.audit import AuditEvent
    from tender.noark.models import SampleStatus

    login_as(world.sellers[0])
    response = post_upload(client, forms, world, valid_zip, "uttrekk.zip")
    assert response.status_code == 302
    [sample] = samples(db)
    assert sample.status is SampleStatus.QUEUED and sample.vendor_id == world.vendors[0].id
    assert sample.size_bytes == len(valid_zip) and sample.uploaded_by_id == world.sellers[0].id
    html = client.get(world.base + "/mine-prover").get_data(as_text=True)
    assert "uttrekk.zip" in html and "<progress" in html and "I kø" in html
    # the poller is a static script (the Content-Security-Policy forbids inline ones), told what to poll
    assert 'src="/static/noark-progress.js" data-poll-url="' + world.base + '/prover/status.json"' in html
    with client.get("/static/noark-progress.js") as script:
        assert "setTimeout" in script.get_data(as_text=True)
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.event_type == "noark.sample_uploaded")
        )
        == 1
    )


def test_the_vendor_sees_their_valid_report_grouped_by_arkade_test_with_counts(
    client, forms, login_as, db, world, valid_zip
) -> None:
    from tender.noark.models import Verdict

    sample = uploaded(client, forms, login_as, db, world, 0, valid_zip)
    assert sample.verdict is Verdict.VALID and sample.progress_percent == 100
    html = client.get(f"{world.base}/prover/{sample.id}").get_data(as_text=True)
    assert "Gyldig:" in html and "Arkade-tester (N5.01–N5.64)" in html and "Tester med feil" not in html
    # every Arkade test has its row, in Arkade's order, the counts of units among them
    rows = [html.index(f'id="arkade-{t}"') for t in ("N5.01", "N5.04", "N5.10", "N5.64")]
    assert rows == sorted(rows)
    assert "Antall mapper:" in html and "N5V-STAT-01" in html
    assert "Kontrollert mot Noark 5 v5.0 (som arkivuttrekk.xml oppgir og skjemaene i uttrekket er)." in html
    status = client.get(f"{world.base}/prover/{sample.id}/status.json").get_json()
    assert status == {
        "id": sample.id,
        "status": "done",
        "status_label": sample.status.label,
        "progress": 100,
        "finished": True,
        "verdict": "valid",
    }


def test_an_invalid_sample_shows_its_errors_first_and_downloads_as_json_and_pdf(
    client, forms, login_as, db, world, invalid_zip
) -> None:
    from tender.noark.models import Verdict

    sample = uploaded(client, forms, login_as, db, world, 0, invalid_zip)
    assert sample.verdict is Verdict.INVALID and sample.error_count >= 2
    html = client.get(f"{world.base}/prover/{sample.id}").get_data(as_text=True)
    assert "Ugyldig:" in html and html.index("Tester med feil") < html.index("Arkade-tester (N5.01–N5.64)")
    assert 'href="#arkade-N5.47"' in html and "N5V-CONTENT-04" in html  # the duplicate systemID
    download = client.get(f"{world.base}/prover/{sample.id}/rapport.json", buffered=True)
    assert download.status_code == 200 and "attachment" in download.headers["Content-Disposition"]
    report = json.loads(download.data)
    assert report["verdict"]["errors"] == sample.error_count
    assert sum(len(c["findings"]) for c in report["checks"]) >= sample.error_count
    pdf = client.get(f"{world.base}/prover/{sample.id}/rapport.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")


def test_the_report_shows_the_first_n_findings_of_a_check_and_how_many_more_there_are(
    client, forms, login_as, db, world, valid_zip
) -> None:
    from tender.noark import operations as ops
    from tender.noark.views import FIRST_N

    sample = uploaded(client, forms, login_as, db, world, 0, valid_zip)
    report = ops.read_report(sample)
    many = [
        {
            "check": "N5V-CONTENT-12",
            "severity": "error",
            "message_no": f"Dato nr. {i} er ugyldig.",
            "message_en": "",
            "file": "arkivstruktur.xml",
            "line": i,
            "column": None,
            "element": "dato",
            "m_number": None,
        }
        for i in range(FIRST_N + 5)
    ]
    report["checks"].append(
        {
            "id": "N5V-CONTENT-12",
            "name_no": "Datoer",
            "name_en": "Dates",
            "group": "content",
            "arkade": [],
            "status": "fail",
            "counts": {"error": 1000, "warning": 0, "info": 0},
            "omitted": 1000 - len(many),
            "findings": many,
        }
    )
    ops.report_path(sample).write_text(json.dumps(report), encoding="utf-8")
    html = client.get(f"{world.base}/prover/{sample.id}").get_data(as_text=True)
    assert f"Dato nr. {FIRST_N - 1} er" in html and f"Dato nr. {FIRST_N} er" not in html
    assert "og 980 til" in html and "1\u00a0000" in html


# -- the sample is part of the bid ---------------------------------------------------------------------------
def _uploads_on_disk(app: Any) -> list[str]:
    from tender.noark import operations as ops

    with app.test_request_context():
        root = ops.uploads_root()
        return (
            sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()) if root.exists() else []
        )


def _late_attempts(db: Any, tender: Any) -> list[Any]:
    from tender.audit import AuditEvent

    return list(
        db.session.scalars(
            select(AuditEvent).where(
                AuditEvent.tender_id == tender.id, AuditEvent.event_type == "bid.late_attempt"
            )
        )
    )


def test_a_sample_is_uploaded_into_the_vendors_bid_which_is_created_as_a_draft(
    client, forms, login_as, db, world, valid_zip
) -> None:
    from tender.bids import operations as bid_ops
    from tender.bids.models import BidStatus

    assert bid_ops.bid_of(world.tender, world.vendors[0].id) is None
    sample = uploaded(client, forms, login_as, db, world, 0, valid_zip)
    bid = bid_ops.bid_of(world.tender, world.vendors[0].id)
    assert bid is not None and bid.status is BidStatus.DRAFT and sample.bid_id == bid.id
    assert not sample.submitted_with_bid
    html = client.get(world.base + "/mine-prover").get_data(as_text=True)
    assert "Følger med når du leverer" in html


def test_a_sample_one_second_after_the_deadline_is_refused_logged_and_nothing_is_kept(
    client, forms, login_as, db, app, world, valid_zip
) -> None:
    from tender.bids import operations as bid_ops

    before = _uploads_on_disk(app)
    login_as(world.sellers[0])
    token = forms.token(world.base + "/mine-prover")
    world.clock.set(AFTER)
    response = client.post(
        world.base + "/mine-prover",
        content_type="multipart/form-data",
        data={"csrf_token": token, "file": (io.BytesIO(valid_zip), "for-sent.zip")},
    )
    html = response.get_data(as_text=True)
    assert (
        response.status_code == 409
        and "Tilbudsfristen er ute" in html
        and "kan ikke lastes opp etter fristen" in html
    )
    assert samples(db) == [] and bid_ops.bid_of(world.tender, world.vendors[0].id) is None
    assert _uploads_on_disk(app) == before
    [late] = _late_attempts(db, world.tender)
    assert (
        late.payload["action"] == "sample" and late.payload["vendor"] == world.vendors[0].organisasjonsnummer
    )
    assert late.actor_id == world.sellers[0].id
    # the page no longer offers the upload
    page = client.get(world.base + "/mine-prover").get_data(as_text=True)
    assert "Last opp og kontroller" not in page and "Tilbudsfristen er ute" in page


def test_a_late_sample_from_another_vendor_is_logged_as_a_late_bid_attempt_and_not_uploaded(
    client, forms, login_as, db, world, valid_zip
) -> None:
    from tender.audit import AuditEvent

    submit(db, world, 0)
    world.clock.set(AFTER)
    login_as(world.sellers[1])
    assert post_upload(client, forms, world, valid_zip, "for-sent.zip").status_code == 409
    open_bids(db, world)
    assert [e.payload["action"] for e in _late_attempts(db, world.tender)] == ["sample"]
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.event_type == "noark.sample_uploaded")
        )
        == 0
    )


def test_a_sample_from_a_vendor_not_taking_part_in_the_tender_is_refused(
    client, forms, login_as, db, app, world, valid_zip
) -> None:
    from tender.errors import DomainError
    from tender.noark import operations as ops
    from tender.tenders.models import TenderVendor, Vendor

    outsider = Vendor(name="Utenfor AS", organisasjonsnummer="923609016")
    db.session.add(outsider)
    db.session.commit()
    with app.test_request_context(), pytest.raises(DomainError, match="deltar ikke i denne konkurransen"):
        ops.store_upload(
            world.tender,
            outsider,
            io.BytesIO(valid_zip),
            "uttrekk.zip",
            max_bytes=10**8,
            actor=world.sellers[0],
        )
    db.session.rollback()
    # a seller whose company has been taken out of the tender keeps a login, but not the right to add to a bid
    login_as(world.sellers[1])
    token = forms.token(world.base + "/mine-prover")
    db.session.delete(
        db.session.scalar(
            select(TenderVendor).where(
                TenderVendor.tender_id == world.tender.id, TenderVendor.vendor_id == world.vendors[1].id
            )
        )
    )
    db.session.commit()
    before = _uploads_on_disk(app)
    response = client.post(
        world.base + "/mine-prover",
        content_type="multipart/form-data",
        data={"csrf_token": token, "file": (io.BytesIO(valid_zip), "uttrekk.zip")},
    )
    assert response.status_code == 422 and "deltar ikke i denne konkurransen" in response.get_data(
        as_text=True
    )
    assert samples(db) == [] and _uploads_on_disk(app) == before and _late_attempts(db, world.tender) == []


def test_a_sample_after_the_bid_is_submitted_is_refused_and_the_submitted_one_stays(
    client, forms, login_as, db, app, world, valid_zip, invalid_zip
) -> None:
    sealed = uploaded(client, forms, login_as, db, world, 0, valid_zip)
    submit(db, world, 0)
    before = _uploads_on_disk(app)
    response = post_upload(client, forms, world, invalid_zip, "bytte.zip")
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "Tilbudet er levert" in html and "kan ikke byttes" in html
    assert [s.id for s in samples(db)] == [sealed.id] and _uploads_on_disk(app) == before
    page = client.get(world.base + "/mine-prover").get_data(as_text=True)
    assert "Levert med tilbudet" in page and "Last opp og kontroller" not in page


def test_an_upload_racing_the_submission_of_the_bid_fails_and_keeps_nothing(
    client, forms, login_as, db, app, world, valid_zip
) -> None:
    from datetime import timedelta

    from sqlalchemy import update
    from sqlalchemy.orm.exc import StaleDataError

    from tender.bids import operations as bid_ops
    from tender.bids.models import Bid, BidStatus
    from tender.noark import operations as ops

    uploaded(client, forms, login_as, db, world, 0, valid_zip)
    bid = bid_ops.bid_of(world.tender, world.vendors[0].id)
    assert bid.status is BidStatus.DRAFT  # this request has read the bid as a draft ...
    # ... when another request submits it (written past this session, as another transaction would)
    db.session.execute(
        update(Bid)
        .where(Bid.id == bid.id)
        .values(
            status=BidStatus.SUBMITTED,
            submitted_at=BEFORE - timedelta(seconds=5),
            lock_version=bid.lock_version + 1,
        )
        .execution_options(synchronize_session=False)
    )
    before = _uploads_on_disk(app)
    with app.test_request_context(), pytest.raises(StaleDataError):
        ops.store_upload(
            world.tender,
            world.vendors[0],
            io.BytesIO(valid_zip),
            "for-sent.zip",
            max_bytes=10**8,
            actor=world.sellers[0],
            at=BEFORE,
        )
    db.session.rollback()
    assert len(samples(db)) == 1 and _uploads_on_disk(app) == before


def test_the_receipt_hash_covers_the_sample_and_changes_when_the_sample_changes(
    client, forms, login_as, db, world, valid_zip, invalid_zip
) -> None:
    import hashlib
    from decimal import Decimal

    from tender.bids import operations as bid_ops

    # the whole bid is filled in first, as ``submit`` fills it in, so that only the sample changes below
    bid = bid_ops.ensure_bid(world.tender, world.vendors[0], at=BEFORE, actor=world.sellers[0])
    answers = [
        bid_ops.AnswerInput(r.id, "Ja", description="Standard funksjonalitet")
        for r in bid_ops.published_spec(world.tender).requirements
    ]
    prices = {
        (world.setup.items[0].id, None): Decimal("1000000"),
        **{
            (world.setup.items[1].id, m.id): Decimal("100000")
            for m in world.tender.participating_municipalities
        },
    }
    bid_ops.save_draft(world.tender, bid, answers=answers, prices=prices, at=BEFORE, actor=world.sellers[0])
    db.session.commit()
    without = bid_ops.content_sha256(bid)
    first = uploaded(client, forms, login_as, db, world, 0, invalid_zip, "uttrekk.zip")
    with_first = bid_ops.content_sha256(bid)
    second = uploaded(
        client, forms, login_as, db, world, 0, valid_zip, "uttrekk.zip"
    )  # same name, other bytes
    with_second = bid_ops.content_sha256(bid)
    assert len({without, with_first, with_second}) == 3
    login_as(world.sellers[0])
    assert forms.post(f"/konkurranser/{world.tender.id}/mitt-tilbud/lever", {}).status_code == 302
    submitted = bid_ops.bid_of(world.tender, world.vendors[0].id)
    content = bid_ops.bid_content(submitted)
    assert content["noark_sample"] == {
        "filename": "uttrekk.zip",
        "sha256": hashlib.sha256(valid_zip).hexdigest(),
    }
    assert second.sha256 == hashlib.sha256(valid_zip).hexdigest() != first.sha256
    assert submitted.receipt_sha256 == with_second
    receipt = client.get(f"/konkurranser/{world.tender.id}/mitt-tilbud/kvittering").get_data(as_text=True)
    assert submitted.receipt_sha256 in receipt and second.sha256 in receipt and "uttrekk.zip" in receipt
    bid_page = client.get(f"/konkurranser/{world.tender.id}/mitt-tilbud").get_data(as_text=True)
    assert "Levert med tilbudet" in bid_page and second.sha256 in bid_page


def test_a_bid_submitted_without_a_sample_keeps_the_receipt_form_it_had(db, world) -> None:
    from tender.bids import operations as bid_ops

    bid = submit(db, world, 0)
    assert set(bid_ops.bid_content(bid)) == {"tender", "vendor", "answers", "prices", "attachments"}


# -- isolation between vendors ------------------------------------------------------------------------------
def test_a_vendor_never_sees_another_vendors_sample_report_or_files(
    client, forms, login_as, db, world, valid_zip
) -> None:
    other = uploaded(client, forms, login_as, db, world, 1, valid_zip)
    own = uploaded(client, forms, login_as, db, world, 0, valid_zip)
    for suffix in ("", "/status.json", "/rapport.json", "/rapport.pdf", "/rapport-arkade.xml"):
        assert client.get(f"{world.base}/prover/{other.id}{suffix}").status_code == 404
        assert client.get(f"{world.base}/prover/{own.id}{suffix}", buffered=True).status_code == 200
    assert client.get(f"{world.base}/prover/{other.id + 1000}").status_code == 404
    listing = client.get(world.base + "/prover/status.json").get_json()
    assert [s["id"] for s in listing] == [own.id]
    html = client.get(world.base + "/mine-prover").get_data(as_text=True)
    assert world.vendors[1].name not in html
    assert client.get(world.base + "/prover").status_code == 403


def test_a_sample_of_another_tender_is_not_found_through_this_one(
    client, forms, login_as, db, world, valid_zip, create_tender
) -> None:
    from tender.tenders import operations as tender_ops
    from tender.vendors import operations as vendor_ops

    sample = uploaded(client, forms, login_as, db, world, 0, valid_zip)
    # the same vendor and seller take part in a second tender: the sample is theirs, but not of that tender
    elsewhere = create_tender(lead=world.lead, title="Annen konkurranse")
    tender_ops.register_vendor(
        elsewhere,
        name=world.vendors[0].name,
        organisasjonsnummer=world.vendors[0].organisasjonsnummer,
        actor=world.lead,
    )
    vendor_ops.add_vendor_user_by_operator(elsewhere, world.vendors[0], world.sellers[0])
    db.session.commit()
    for suffix in ("", "/status.json", "/rapport.json", "/rapport.pdf", "/rapport-arkade.xml"):
        assert client.get(f"{M.format(t=elsewhere.id)}/prover/{sample.id}{suffix}").status_code == 404
        assert client.get(f"{world.base}/prover/{sample.id}{suffix}", buffered=True).status_code == 200


# -- the group: nothing before the opening, then only what was submitted with a bid --------------------------
SAMPLE_PAGES = ("", "/status.json", "/rapport.json", "/rapport.pdf", "/rapport-arkade.xml")


def test_before_the_opening_no_one_in_the_group_sees_a_sample_report_or_status(
    client, forms, login_as, db, world, valid_zip, invalid_zip
) -> None:
    from tender.noark import operations as ops

    a = uploaded(client, forms, login_as, db, world, 0, valid_zip, "leverandor-a-uttrekk.zip")
    uploaded(client, forms, login_as, db, world, 1, invalid_zip, "leverandor-b-uttrekk.zip")
    submit(db, world, 0)
    ops.link_requirement(world.tender, "R0001", actor=world.lead)
    db.session.commit()
    world.clock.set(AFTER)  # after the deadline too: only the opening unseals
    for person in world.group:
        login_as(person)
        for sample_id in (a.id, a.id + 1, a.id + 1000):  # submitted, draft, missing: the same answer for each
            for suffix in SAMPLE_PAGES:
                assert client.get(f"{world.base}/prover/{sample_id}{suffix}").status_code == 403, (
                    person,
                    suffix,
                )
        assert client.get(world.base + "/prover/status.json").status_code == 403
        for page in ("/prover", "/minstekrav"):
            response = client.get(world.base + page)
            html = response.get_data(as_text=True)
            assert response.status_code == 200, page
            for secret in (
                "uttrekk.zip",
                world.vendors[0].name,
                world.vendors[1].name,
                "Gyldig",
                "Ugyldig",
                "N5V-",
                "automatisk:",
                "Bekreft",
                a.sha256,
            ):
                assert secret not in html, (person.name, page, secret)
        assert "vises her først etter tilbudsåpningen" in client.get(world.base + "/prover").get_data(
            as_text=True
        )
    assert ops.requirement_results(world.tender) == {}


def test_after_the_opening_the_group_sees_the_samples_submitted_with_bids_and_no_drafts(
    client, forms, login_as, db, world, valid_zip, invalid_zip
) -> None:
    replaced = uploaded(client, forms, login_as, db, world, 0, invalid_zip, "forste-forsok.zip")
    a = uploaded(client, forms, login_as, db, world, 0, valid_zip, "levert-uttrekk.zip")
    draft = uploaded(client, forms, login_as, db, world, 1, invalid_zip, "aldri-levert.zip")
    submit(db, world, 0)
    open_bids(db, world)
    for person in world.group:
        login_as(person)
        html = client.get(world.base + "/prover").get_data(as_text=True)
        assert world.vendors[0].name in html and "levert-uttrekk.zip" in html and ">Gyldig<" in html
        assert (
            "forste-forsok.zip" not in html
            and "aldri-levert.zip" not in html
            and world.vendors[1].name not in html
        )
        for suffix in SAMPLE_PAGES:
            assert client.get(f"{world.base}/prover/{a.id}{suffix}", buffered=True).status_code == 200
            assert client.get(f"{world.base}/prover/{replaced.id}{suffix}").status_code == 404
            assert client.get(f"{world.base}/prover/{draft.id}{suffix}").status_code == 404
        assert [s["id"] for s in client.get(world.base + "/prover/status.json").get_json()] == [a.id]
    # the vendors still see all of their own, and only their own
    login_as(world.sellers[1])
    assert client.get(f"{world.base}/prover/{draft.id}").status_code == 200
    assert client.get(f"{world.base}/prover/{a.id}").status_code == 404


def test_the_group_compares_the_submitted_samples_side_by_side_after_the_opening(
    client, forms, login_as, db, world, valid_zip, invalid_zip
) -> None:
    uploaded(client, forms, login_as, db, world, 0, valid_zip)
    uploaded(client, forms, login_as, db, world, 1, invalid_zip)
    submit(db, world, 0)
    submit(db, world, 1)
    open_bids(db, world)
    login_as(world.observer)
    html = client.get(world.base + "/prover").get_data(as_text=True)
    assert world.vendors[0].name in html and world.vendors[1].name in html
    assert ">Gyldig<" in html and ">Ugyldig<" in html and "N5V-CONTENT-04" in html


# -- bad uploads ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "data, filename, message",
    [
        (b"", "tom.zip", "Filen er tom"),
        (b"PK\x03\x04 whatever", "uttrekk.rar", "Last opp uttrekket som .zip"),
        (b"<xml/>", "uttrekk", "Last opp uttrekket som .zip"),
    ],
)
def test_an_unusable_upload_is_refused_with_a_norwegian_message_and_nothing_is_kept(
    client, forms, login_as, db, app, world, data, filename, message
) -> None:
    from tender.noark import operations as ops

    login_as(world.sellers[0])
    with app.test_request_context():
        before = sorted(p.name for p in ops.uploads_root().glob("*")) if ops.uploads_root().exists() else []
    response = post_upload(client, forms, world, data, filename)
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert samples(db) == []
    with app.test_request_context():
        after = sorted(p.name for p in ops.uploads_root().glob("*"))
        assert after == before or after == sorted({*before, "incoming"})
        assert list((ops.uploads_root() / "incoming").glob("*")) == []


def test_an_upload_over_the_configured_limit_is_refused_before_it_is_stored(
    client, forms, login_as, db, app, world, monkeypatch
) -> None:
    monkeypatch.setitem(app.config, "NOARK_MAX_UPLOAD_BYTES", 100 * 1024)
    login_as(world.sellers[0])
    response = post_upload(client, forms, world, b"x" * (300 * 1024), "stor.zip")
    assert response.status_code == 413 and "større enn grensen på 100\u00a0kB" in response.get_data(
        as_text=True
    )
    assert samples(db) == []


def test_a_file_that_is_not_an_archive_gets_a_clear_finding_and_the_server_stays_up(
    client, forms, login_as, db, world
) -> None:
    from tender.noark.models import SampleStatus, Verdict

    sample = uploaded(
        client, forms, login_as, db, world, 0, b"%PDF-1.4 not an extract" * 100, "uttrekk.tar.gz"
    )
    assert sample.status is SampleStatus.DONE and sample.verdict is Verdict.UNREADABLE
    html = client.get(f"{world.base}/prover/{sample.id}").get_data(as_text=True)
    assert "Filen kan ikke brukes som arkivuttrekk" in html and "zip" in html
    assert client.get(f"{world.base}/prover/{sample.id}/rapport.pdf").status_code == 200


def test_a_zip_with_a_path_out_of_the_extract_gets_a_finding(client, forms, login_as, db, world) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("../../etc/arkivuttrekk.xml", "<addml/>")
        zf.writestr("arkivstruktur.xml", "<arkiv/>")
    sample = uploaded(client, forms, login_as, db, world, 0, buffer.getvalue())
    html = client.get(f"{world.base}/prover/{sample.id}").get_data(as_text=True)
    assert "N5V-INPUT-01" in html
    assert not (Path("/etc") / "arkivuttrekk.xml").exists()


# -- a minstekrav filled in by the validation ----------------------------------------------------------------
def test_a_linked_minstekrav_is_filled_in_automatically_and_confirmed_by_an_evaluator(
    client, forms, login_as, db, world, valid_zip, invalid_zip
) -> None:
    from tender.audit import AuditEvent
    from tender.noark import operations as ops

    uploaded(client, forms, login_as, db, world, 0, valid_zip)
    uploaded(client, forms, login_as, db, world, 1, invalid_zip)
    submit(db, world, 0)
    submit(db, world, 1)
    login_as(world.lead)
    page = world.base + "/minstekrav"
    assert (
        forms.post(page, {"requirement": "R0001"}, page=page).status_code == 302
    )  # linked before the opening
    assert "vises etter tilbudsåpningen" in client.get(page).get_data(as_text=True)
    open_bids(db, world)
    html = client.get(page).get_data(as_text=True)
    assert (
        "automatisk: <strong>oppfylt</strong>" in html and "automatisk: <strong>ikke oppfylt</strong>" in html
    )
    assert html.count("— må bekreftes") == 2
    [link] = ops.links_of(world.tender)
    login_as(world.evaluator)
    target = f"{page}/{link.id}/bekreft/{world.vendors[0].id}"
    assert forms.post(target, {}, page=page).status_code == 302
    html = client.get(page).get_data(as_text=True)
    assert f"bekreftet av {world.evaluator.name}" in html and html.count("— må bekreftes") == 1
    results = ops.requirement_results(world.tender)
    assert (
        results[("R0001", world.vendors[0].id)].met is True
        and results[("R0001", world.vendors[0].id)].confirmed
    )
    assert (
        results[("R0001", world.vendors[1].id)].met is False
        and not results[("R0001", world.vendors[1].id)].confirmed
    )
    events = set(
        db.session.scalars(select(AuditEvent.event_type).where(AuditEvent.event_type.like("noark.%")))
    )
    assert {
        "noark.sample_uploaded",
        "noark.validation_finished",
        "noark.sample_submitted",
        "noark.requirement_linked",
        "noark.requirement_confirmed",
    } <= events


def test_a_confirmed_noark_result_sets_the_bids_check_of_the_linked_minstekrav_and_it_can_still_be_changed(
    client, forms, login_as, db, world, valid_zip, invalid_zip
) -> None:
    from tender.audit import AuditEvent
    from tender.core.scoring import RequirementStatus
    from tender.evaluation import operations as ev
    from tender.noark import operations as ops

    good = uploaded(client, forms, login_as, db, world, 0, valid_zip, "god.zip")
    bad = uploaded(client, forms, login_as, db, world, 1, invalid_zip, "feil.zip")
    bids = [submit(db, world, 0), submit(db, world, 1)]
    link = ops.link_requirement(world.tender, "R0001", actor=world.lead)
    db.session.commit()
    open_bids(db, world)
    login_as(world.evaluator)
    page = world.base + "/minstekrav"
    for vendor in world.vendors:
        assert forms.post(f"{page}/{link.id}/bekreft/{vendor.id}", {}, page=page).status_code == 302
    met = ev.requirement_checks(bids[0])["R0001"]
    not_met = ev.requirement_checks(bids[1])["R0001"]
    assert met.status is RequirementStatus.MET and met.checked_by_id == world.evaluator.id
    assert not_met.status is RequirementStatus.NOT_MET
    assert f"kontroll nr. {good.id}" in met.reason and "«god.zip»" in met.reason and "gyldig" in met.reason
    assert f"kontroll nr. {bad.id}" in not_met.reason and "ikke gyldig" in not_met.reason
    assert world.evaluator.name in not_met.reason
    checked = list(
        db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.event_type == "evaluation.requirement_checked")
            .order_by(AuditEvent.id)
        )
    )
    assert [e.payload["status"] for e in checked] == ["met", "not_met"]
    assert all(e.payload["requirement"] == "R0001" for e in checked)
    # the evaluators may still decide otherwise by hand (e.g. after a clarification), and that is logged too
    ev.check_requirement(
        world.tender,
        bids[1],
        "R0001",
        status=RequirementStatus.MET,
        actor=world.lead,
        reason="Avvikene er avklart med leverandøren; uttrekket er godtatt.",
    )
    db.session.commit()
    assert ev.requirement_checks(bids[1])["R0001"].status is RequirementStatus.MET
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.event_type == "evaluation.requirement_checked")
        )
        == 3
    )


def test_confirming_again_a_result_already_confirmed_does_not_overwrite_a_later_manual_decision(
    client, forms, login_as, db, world, invalid_zip
) -> None:
    from tender.core.scoring import RequirementStatus
    from tender.evaluation import operations as ev
    from tender.noark import operations as ops

    uploaded(client, forms, login_as, db, world, 0, invalid_zip)
    [bid] = [submit(db, world, 0)]
    link = ops.link_requirement(world.tender, "R0001", actor=world.lead)
    db.session.commit()
    open_bids(db, world)
    ops.confirm(world.tender, link, world.vendors[0], actor=world.evaluator)
    ev.check_requirement(
        world.tender,
        bid,
        "R0001",
        status=RequirementStatus.CLARIFY,
        actor=world.lead,
        reason="Leverandøren er bedt om å forklare avvikene.",
    )
    ops.confirm(world.tender, link, world.vendors[0], actor=world.evaluator)
    db.session.commit()
    assert ev.requirement_checks(bid)["R0001"].status is RequirementStatus.CLARIFY


def test_the_minimum_requirement_result_uses_the_sample_submitted_with_the_bid_never_a_newer_or_older_one(
    client, forms, login_as, db, world, valid_zip, invalid_zip
) -> None:
    from datetime import timedelta

    from tender.noark import operations as ops
    from tender.noark.models import ExtractSample, SampleStatus, Verdict

    older = uploaded(client, forms, login_as, db, world, 0, invalid_zip, "forste.zip")
    sealed = uploaded(client, forms, login_as, db, world, 0, valid_zip, "rettet.zip")
    submit(db, world, 0)
    db.session.refresh(older)
    assert sealed.submitted_with_bid and not older.submitted_with_bid
    # a newer, failing sample that got in after the submission (e.g. an upload racing it) must never count
    newer = ExtractSample(
        tender_id=world.tender.id,
        vendor_id=world.vendors[0].id,
        bid_id=sealed.bid_id,
        submitted_with_bid=False,
        original_filename="bytte.zip",
        size_bytes=1,
        sha256="0" * 64,
        storage_key="",
        status=SampleStatus.DONE,
        verdict=Verdict.INVALID,
        progress_percent=100,
        error_count=9,
        warning_count=0,
        summary_json="[]",
        problem="",
        attempts=1,
        uploaded_at=sealed.uploaded_at + timedelta(seconds=1),
    )
    db.session.add(newer)
    link = ops.link_requirement(world.tender, "R0001", actor=world.lead)
    db.session.commit()
    open_bids(db, world)
    [result] = ops.results_for(world.tender, link)
    assert result.vendor.id == world.vendors[0].id and result.sample.id == sealed.id and result.met is True
    confirmation = ops.confirm(world.tender, link, world.vendors[0], actor=world.evaluator)
    db.session.commit()
    assert confirmation.sample_id == sealed.id and confirmation.met is True
    assert ops.requirement_results(world.tender)[("R0001", world.vendors[0].id)].confirmed


def test_only_a_minstekrav_can_be_linked_and_only_once(client, forms, login_as, db, world) -> None:
    login_as(world.lead)
    page = world.base + "/minstekrav"
    response = forms.post(page, {"requirement": "R0003"}, page=page)
    assert response.status_code == 422 and "ikke et minstekrav" in response.get_data(as_text=True)
    from tender.errors import DomainError
    from tender.noark import operations as ops

    with pytest.raises(DomainError, match="ikke et minstekrav"):
        ops.link_requirement(world.tender, "R0003", actor=world.lead)
    ops.link_requirement(world.tender, "R0001", actor=world.lead)
    with pytest.raises(DomainError, match="allerede"):
        ops.link_requirement(world.tender, "R0001", actor=world.lead)


def test_nothing_can_be_confirmed_before_the_opening(client, forms, login_as, db, world, valid_zip) -> None:
    from tender.errors import DomainError
    from tender.noark import operations as ops

    uploaded(client, forms, login_as, db, world, 0, valid_zip)
    submit(db, world, 0)
    link = ops.link_requirement(world.tender, "R0001", actor=world.lead)
    db.session.commit()
    world.clock.set(AFTER)
    login_as(world.evaluator)
    page = world.base + "/minstekrav"
    assert forms.post(f"{page}/{link.id}/bekreft/{world.vendors[0].id}", {}, page=page).status_code == 403
    with pytest.raises(DomainError, match="først etter tilbudsåpningen"):
        ops.confirm(world.tender, link, world.vendors[0], actor=world.evaluator)


def test_nothing_can_be_confirmed_for_a_bid_submitted_without_a_sample(
    client, forms, login_as, db, world
) -> None:
    from tender.noark import operations as ops

    submit(db, world, 0)
    link = ops.link_requirement(world.tender, "R0001", actor=world.lead)
    db.session.commit()
    open_bids(db, world)
    login_as(world.evaluator)
    page = world.base + "/minstekrav"
    response = forms.post(f"{page}/{link.id}/bekreft/{world.vendors[0].id}", {}, page=page)
    assert response.status_code == 409 and "ingenting å bekrefte" in response.get_data(as_text=True)
    assert "ingen prøve levert med tilbudet" in response.get_data(as_text=True)


def test_the_tabs_show_each_role_its_own_noark_page(client, login_as, world) -> None:
    login_as(world.sellers[0])
    html = client.get(f"/konkurranser/{world.tender.id}").get_data(as_text=True)
    assert "Prøveuttrekk" in html and "Noark-prøver" not in html
    login_as(world.observer)
    html = client.get(f"/konkurranser/{world.tender.id}").get_data(as_text=True)
    assert "Noark-prøver" in html and ">Prøveuttrekk<" not in html


def test_a_stream_longer_than_the_limit_is_refused_while_it_is_read_and_nothing_is_kept(
    db, app, world
) -> None:
    from tender.noark import operations as ops

    with app.test_request_context():
        with pytest.raises(ops.UploadTooLarge, match="større enn grensen på 1\u00a0kB"):
            ops.store_upload(
                world.tender,
                world.vendors[0],
                io.BytesIO(b"x" * 5000),
                "uttrekk.zip",
                max_bytes=1024,
                actor=world.sellers[0],
            )
        assert samples(db) == [] and list((ops.uploads_root() / "incoming").glob("*")) == []


def test_the_lead_can_queue_a_failed_validation_of_a_submitted_sample_again_after_the_opening(
    client, forms, login_as, db, world, valid_zip
) -> None:
    from tender.noark.models import SampleStatus
    from tender.noark.tasks import pending_sample_ids

    sample = uploaded(client, forms, login_as, db, world, 0, valid_zip)
    sample.status, sample.verdict, sample.problem = (
        SampleStatus.FAILED,
        None,
        "Kontrollen kunne ikke fullføres.",
    )
    db.session.commit()
    submit(db, world, 0)
    page = f"{world.base}/prover/{sample.id}"
    login_as(world.lead)
    assert forms.post(page + "/kjor-igjen", {}, page="/").status_code == 403  # sealed until the opening
    open_bids(db, world)
    assert "Kontrollen kunne ikke fullføres." in client.get(page).get_data(as_text=True)
    assert forms.post(page + "/kjor-igjen", {}, page=page).status_code == 302
    db.session.refresh(sample)
    assert sample.status is SampleStatus.QUEUED and sample.problem == "" and sample.id in pending_sample_ids()
    login_as(world.sellers[0])
    assert forms.post(page + "/kjor-igjen", {}, page=page).status_code == 403
