"""Noark 5 samples: store an upload, run its validation (in a worker), link a minstekrav and confirm it.

A sample is part of the vendor's bid (see :mod:`tender.noark.models`): it is uploaded into the bid, before the
bid deadline and before the bid is submitted, and the bid's submission marks the vendor's newest sample as the
one submitted with it (:func:`seal_with_bid`). The procurement group sees only those samples, and only after
the bid opening (:func:`group_may_see_samples`); the minimum-requirement results come from them.

When the prequalification demands it, a sample instead belongs to the vendor's request to take part
(``request_id``; :func:`store_request_upload`): the same file checks, folder, queue, worker and report,
under the request's rules (before the participation deadline, while the request is a draft). The request's
submission (``tender.prequalification.request_operations.submit``, through :class:`RequestSamplePart`) puts
the newest one into the receipt's hash; the group sees it once the requests are opened.

Operations change state, flush and write the audit trail; the caller commits. The exception is
:func:`run_validation`, which runs in a queue worker with no caller around it and commits its own steps
(claim, progress, result) so the web pages can show them while it works.

Files, in the storage (:mod:`tender.storage`; by default ``instance/uploads/``):
``noark/<sample id>/extract.<ext>`` (the upload as received) and ``noark/<sample id>/report.json``
(the validator's full JSON report, ``tender.core.noark.report.Report.to_json``; for an unreadable file a
report in the same form with the one finding that says why).
"""

from __future__ import annotations

import json
import logging
import random
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO, Any

from flask import current_app
from sqlalchemy import or_, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm.attributes import flag_modified

from tender import audit, storage
from tender.bids import operations as bid_ops
from tender.bids.models import Bid, BidStatus
from tender.clock import now
from tender.core.noark.findings import Severity
from tender.core.noark.report import REPORT_FORMAT, REPORT_VERSION, finding_json
from tender.core.noark.source import INPUT_CHECKS, Limits, UnreadableExtract, open_extract
from tender.core.noark.validator import Options, validate_source
from tender.core.scoring import RequirementStatus
from tender.database import conflict_code, conflict_kind, sqlite_immediate
from tender.db_types import utcnow
from tender.errors import DomainError
from tender.evaluation import operations as evaluation_ops
from tender.extensions import db
from tender.formatting import format_file_size
from tender.noark.models import (
    ExtractSample,
    NoarkRequirementConfirmation,
    NoarkRequirementLink,
    SampleStatus,
    Verdict,
)
from tender.prequalification import request_operations as pq_ops
from tender.prequalification.models import ParticipationRequest, QualificationRequirement, RequestStatus
from tender.storage import storage_of
from tender.tenders.models import Tender, Vendor
from tender.web.uploads import clean_filename

log = logging.getLogger(__name__)

#: accepted file name endings, longest first, and the name the upload is stored under
ACCEPTED_SUFFIXES: tuple[tuple[str, str], ...] = (
    (".tar.gz", "extract.tar.gz"),
    (".tgz", "extract.tar.gz"),
    (".zip", "extract.zip"),
    (".tar", "extract.tar"),
    (".xml", "extract.xml"),
)
REPORT_FILE = "report.json"


class UploadTooLarge(DomainError):
    """The upload is over the configured limit (HTTP 413)."""


# -- files ---------------------------------------------------------------------------------------------------
#: the samples' files have the storage keys ``noark/<sample id>/extract.<ext>`` and ``…/report.json``
KEY_PREFIX = "noark"


def uploads_root() -> Path:
    """The folder of the samples' files on this machine (the storage's ``noark/``)."""
    return storage_of().local_path(KEY_PREFIX)


def sample_key(sample: ExtractSample) -> str:
    """The storage key of the sample's folder."""
    return storage.join(KEY_PREFIX, sample.id)


def sample_folder(sample: ExtractSample) -> Path:
    return storage_of().local_path(sample_key(sample))


def extract_path(sample: ExtractSample) -> Path:
    """The upload's file on this machine (the validator reads it with random access)."""
    return storage_of().local_path(sample.storage_key)


def report_key(sample: ExtractSample) -> str:
    return storage.join(sample_key(sample), REPORT_FILE)


def report_path(sample: ExtractSample) -> Path:
    return storage_of().local_path(report_key(sample))


def read_report(sample: ExtractSample) -> dict[str, Any] | None:
    """The stored JSON report, or None before the validation has finished."""
    try:
        value = json.loads(storage_of().read_bytes(report_key(sample)).decode("utf-8"))
    except FileNotFoundError:
        return None
    return value if isinstance(value, dict) else None


def stored_name_for(filename: str) -> str:
    """The name the upload is kept under; DomainError for a file type we do not take."""
    lower = filename.lower()
    for suffix, stored in ACCEPTED_SUFFIXES:
        if lower.endswith(suffix):
            return stored
    raise DomainError(
        "Last opp uttrekket som .zip, .tar, .tar.gz (.tgz) eller som én .xml-fil. En mappe kan ikke lastes "
        "opp: pakk den i en zip- eller tar-fil først.",
        field="file",
    )


def _human(n: int) -> str:
    return format_file_size(n)


# -- upload into the bid -------------------------------------------------------------------------------------
#: the refusal after the deadline (the view logs the attempt as ``bid.late_attempt`` with action "sample")
LATE_MESSAGE = (
    "Tilbudsfristen er ute. Prøveuttrekket er en del av tilbudet og kan ikke lastes opp etter fristen."
)


def bid_for_sample(tender: Tender, vendor: Vendor, *, at: datetime, actor: Any) -> Bid:
    """The vendor's bid a new sample goes into, created as a draft if needed. Refused (DomainError) for a
    vendor not taking part, without a bid deadline, after the deadline (:class:`bid_ops.LateBid`: the caller
    rolls back and records the late attempt) and once the bid is submitted (a submitted bid is frozen)."""
    if vendor.id not in {tv.vendor_id for tv in tender.vendors}:
        raise DomainError("Leverandøren deltar ikke i denne konkurransen.")
    if tender.bid_deadline is None:
        raise DomainError(
            "Tilbudsfristen er ikke satt ennå; prøveuttrekk kan lastes opp når konkurransen er "
            "kunngjort med en frist."
        )
    if at >= tender.bid_deadline:
        raise bid_ops.LateBid(LATE_MESSAGE)
    bid = bid_ops.ensure_bid(tender, vendor, at=at, actor=actor)
    if bid.is_submitted:
        raise DomainError("Tilbudet er levert, og prøveuttrekket som ble levert med det kan ikke byttes.")
    return bid


def store_upload(
    tender: Tender,
    vendor: Vendor,
    stream: IO[bytes],
    filename: str,
    *,
    max_bytes: int,
    actor: Any,
    at: datetime | None = None,
) -> ExtractSample:
    """Keep an uploaded extract for ``vendor`` as part of its bid and queue it (status "queued"; the caller
    commits, then enqueues). The bid rules (:func:`bid_for_sample`) are checked before anything is read. The
    file is streamed to disk while it is hashed; an empty file, one over ``max_bytes`` or of a type we do
    not take is refused with a DomainError and nothing is kept."""
    at = at or now()
    bid = bid_for_sample(tender, vendor, at=at, actor=actor)
    stored_name_for(filename)
    # Writing the bid row takes part in its optimistic lock (``lock_version``): an upload racing the bid's
    # submission fails at flush or commit (StaleDataError) instead of adding a sample to a submitted bid.
    bid.updated_at = at
    flag_modified(bid, "updated_at")  # written even when the time is unchanged, so the lock is always checked
    db.session.flush()
    return _store(tender, vendor, stream, filename, max_bytes=max_bytes, actor=actor, at=at, bid=bid)


def _store(
    tender: Tender,
    vendor: Vendor,
    stream: IO[bytes],
    filename: str,
    *,
    max_bytes: int,
    actor: Any,
    at: datetime,
    bid: Bid | None = None,
    request: ParticipationRequest | None = None,
) -> ExtractSample:
    """Stream the upload to disk while hashing it and add the sample to its bid or its request (exactly one
    of them; the caller has checked that rules allow it)."""
    assert (bid is None) != (request is None)
    stored_name = stored_name_for(filename)
    files = storage_of()
    incoming = storage.join(KEY_PREFIX, "incoming", uuid.uuid4().hex)
    try:
        try:
            stored = files.put(incoming, stream, max_bytes=max_bytes)
        except storage.TooLarge:
            raise UploadTooLarge(
                f"Filen er større enn grensen på {_human(max_bytes)}.", field="file"
            ) from None
        if stored.size == 0:
            raise DomainError("Filen er tom (0 byte).", field="file")
        sample = ExtractSample(
            tender_id=tender.id,
            vendor_id=vendor.id,
            bid_id=bid.id if bid is not None else None,
            request_id=request.id if request is not None else None,
            submitted_with_bid=False,
            uploaded_by_id=getattr(actor, "id", None),
            original_filename=clean_filename(filename, "uttrekk"),
            size_bytes=stored.size,
            sha256=stored.sha256,
            storage_key="",
            status=SampleStatus.QUEUED,
            progress_percent=0,
            error_count=0,
            warning_count=0,
            summary_json="[]",
            problem="",
            attempts=0,
            uploaded_at=at,
        )
        db.session.add(sample)
        db.session.flush()
        key = storage.join(sample_key(sample), stored_name)
        files.move(incoming, key)
        sample.storage_key = key
        audit.record(
            "noark.sample_uploaded",
            sample,
            actor=actor,
            payload={
                "vendor": vendor.name,
                **_owner(sample),
                "filename": sample.original_filename,
                "size": stored.size,
                "sha256": sample.sha256,
            },
        )
        return sample
    finally:
        files.delete(incoming)


def _owner(sample: ExtractSample) -> dict[str, int]:
    """What the sample belongs to, for the trail's payloads. A request's sample is named by ``"request"``
    (and never carries a ``"bid"`` key, not even null), so the trail keeps it sealed exactly as long as the
    request's own events (tender.audit.request_activity); a bid's by ``"bid"``."""
    if sample.request_id is not None:
        return {"request": sample.request_id}
    return {"bid": sample.bid_id} if sample.bid_id is not None else {}


# -- upload into the request to take part (prequalification) ------------------------------------------------
#: the refusal after the participation deadline (the view logs the attempt as ``request.late_attempt``)
REQUEST_LATE_MESSAGE = (
    "Fristen for forespørsel om å delta er ute. Prøveuttrekket er en del av forespørselen og kan ikke lastes "
    "opp etter fristen."
)
NOT_DEMANDED_MESSAGE = "Prekvalifiseringen ber ikke om et Noark 5-prøveuttrekk med forespørselen."


def sample_demanded(tender: Tender) -> bool:
    """Whether the tender's (enabled) prequalification demands a Noark 5 sample with each request."""
    setup = pq_ops.setup_of(tender)
    return setup is not None and setup.enabled and setup.sample_demanded


def request_for_sample(tender: Tender, vendor: Vendor, *, at: datetime, actor: Any) -> ParticipationRequest:
    """The vendor's request to take part a new sample goes into, created as a draft if needed. Refused
    (DomainError) when no sample is demanded, before the setup is announced, after the participation deadline
    (:class:`pq_ops.LateRequest`: the caller rolls back and records the late attempt) and once the request is
    submitted (a submitted request never changes)."""
    if not sample_demanded(tender):
        raise DomainError(NOT_DEMANDED_MESSAGE)
    try:
        pq_ops.check_open(tender, vendor, at)
    except pq_ops.LateRequest:
        raise pq_ops.LateRequest(REQUEST_LATE_MESSAGE) from None
    req = pq_ops.ensure_request(tender, vendor, at=at, actor=actor)
    if req.is_submitted:
        raise DomainError(
            "Forespørselen er levert, og prøveuttrekket som ble levert med den kan ikke byttes.", field="file"
        )
    return req


def store_request_upload(
    tender: Tender,
    vendor: Vendor,
    stream: IO[bytes],
    filename: str,
    *,
    max_bytes: int,
    actor: Any,
    at: datetime | None = None,
) -> ExtractSample:
    """Keep an uploaded extract for ``vendor`` as part of its request to take part and queue it, the same
    way as a bid's (:func:`store_upload`): the same checks of the file, the same folder, queue, worker and
    report. The request's rules (:func:`request_for_sample`) are checked before anything is read."""
    at = at or now()
    req = request_for_sample(tender, vendor, at=at, actor=actor)
    stored_name_for(filename)
    # the request's optimistic lock (``lock_version``), as for the bid: an upload racing the request's
    # submission fails at flush or commit instead of adding a sample to a submitted request
    req.updated_at = at
    flag_modified(req, "updated_at")
    db.session.flush()
    return _store(tender, vendor, stream, filename, max_bytes=max_bytes, actor=actor, at=at, request=req)


def discard_files(sample_id: int | None) -> None:
    """Remove what an upload wrote to disk, when its transaction did not commit."""
    if sample_id is not None:
        storage_of().delete_prefix(storage.join(KEY_PREFIX, sample_id))


# -- queries -------------------------------------------------------------------------------------------------
def samples_of(
    tender: Tender, vendor_ids: set[int] | None = None, *, of_requests: bool | None = None
) -> list[ExtractSample]:
    """Samples in a tender, newest first; only those of ``vendor_ids`` when given (the vendor's own view);
    only those of requests to take part (True) or of bids (False) when ``of_requests`` is given."""
    stmt = select(ExtractSample).where(ExtractSample.tender_id == tender.id)
    if vendor_ids is not None:
        stmt = stmt.where(ExtractSample.vendor_id.in_(vendor_ids or {-1}))
    if of_requests is not None:
        stmt = stmt.where(
            ExtractSample.request_id.is_not(None) if of_requests else ExtractSample.request_id.is_(None)
        )
    return list(db.session.scalars(stmt.order_by(ExtractSample.uploaded_at.desc(), ExtractSample.id.desc())))


def sample_of_bid(bid: Bid) -> ExtractSample | None:
    """The sample that goes with ``bid``: for a submitted bid the one submitted with it (None if it had
    none); for a draft the newest, which is the one a submission now would take."""
    stmt = select(ExtractSample).where(ExtractSample.bid_id == bid.id)
    if bid.is_submitted:
        stmt = stmt.where(ExtractSample.submitted_with_bid.is_(True))
    return db.session.scalar(
        stmt.order_by(ExtractSample.uploaded_at.desc(), ExtractSample.id.desc()).limit(1)
    )


def seal_with_bid(bid: Bid, *, actor: Any) -> ExtractSample | None:
    """At the bid's submission (``tender.bids.operations.submit``, before the receipt hash is computed):
    mark the bid's newest sample as the one submitted with it. Later or earlier samples never count."""
    if bid.is_submitted:
        raise DomainError("Tilbudet er allerede levert.")
    sample = sample_of_bid(bid)
    if sample is not None:
        sample.submitted_with_bid = True
        db.session.flush()
        audit.record(
            "noark.sample_submitted",
            sample,
            tender_id=bid.tender_id,
            actor=actor,
            payload={"bid": bid.id, "filename": sample.original_filename, "sha256": sample.sha256},
        )
    return sample


class SamplePart:
    """The Noark 5 sample as a part handed in with the bid (:class:`tender.bids.operations.SubmittedPart`),
    registered by this package's ``__init__``: bids may not import noark."""

    key = "noark_sample"

    def seal(self, bid: Bid, *, actor: Any) -> None:
        seal_with_bid(bid, actor=actor)

    def content(self, bid: Bid) -> dict[str, Any] | None:
        sample = sample_of_bid(bid)
        return None if sample is None else {"filename": sample.original_filename, "sha256": sample.sha256}


def submitted_samples(tender: Tender) -> dict[int, ExtractSample]:
    """Per vendor id, the sample submitted with the vendor's bid (vendors whose submitted bid had one)."""
    rows = db.session.scalars(
        select(ExtractSample)
        .join(Bid, Bid.id == ExtractSample.bid_id)
        .where(
            ExtractSample.tender_id == tender.id,
            ExtractSample.submitted_with_bid.is_(True),
            Bid.tender_id == tender.id,
            Bid.round_no == tender.current_round,
            Bid.status == BidStatus.SUBMITTED,
        )
        .order_by(ExtractSample.id)
    )
    return {s.vendor_id: s for s in rows}


# -- the sample with a request to take part ------------------------------------------------------------------
def sample_of_request(req: ParticipationRequest) -> ExtractSample | None:
    """The sample that goes with ``req``: its newest. No flag marks it, and none is needed: a sample goes into
    a request only while the request is a draft and before the deadline, and a submitted request never
    changes (no withdrawal), so the newest at the submission stays the newest, the one submitted with it."""
    return db.session.scalar(
        select(ExtractSample)
        .where(ExtractSample.request_id == req.id)
        .order_by(ExtractSample.uploaded_at.desc(), ExtractSample.id.desc())
        .limit(1)
    )


def submitted_request_samples(tender: Tender) -> dict[int, ExtractSample]:
    """Per vendor id, the sample submitted with the vendor's request to take part (only submitted requests
    that had one). The callers show these to the group only once the requests are opened."""
    rows = db.session.scalars(
        select(ExtractSample)
        .join(ParticipationRequest, ParticipationRequest.id == ExtractSample.request_id)
        .where(
            ExtractSample.tender_id == tender.id,
            ParticipationRequest.tender_id == tender.id,
            ParticipationRequest.status == RequestStatus.SUBMITTED,
        )
        .order_by(ExtractSample.uploaded_at, ExtractSample.id)
    )
    return {s.vendor_id: s for s in rows}  # the newest of each vendor's comes last and stays


def asks_for_sample(requirement: QualificationRequirement) -> bool:
    """Whether a qualification requirement asks for the Noark 5 sample (the announced default's "gyldig
    Noark 5 arkivuttrekk" / "prøveuttrekk"): its text or documentation speaks of an extract (uttrekk)."""
    return "uttrekk" in f"{requirement.text} {requirement.documentation}".lower()


class RequestSamplePart:
    """The Noark 5 sample as a part handed in with the request to take part
    (:class:`tender.prequalification.request_operations.RequestPart`), registered by this package's
    ``__init__``: prequalification sits below noark and may not import it."""

    key = "noark_sample"

    def missing(self, tender: Tender, req: ParticipationRequest) -> list[str]:
        if not sample_demanded(tender) or sample_of_request(req) is not None:
            return []
        return ["Noark 5-prøveuttrekk mangler: prekvalifiseringen krever et prøveuttrekk med forespørselen."]

    def seal(self, req: ParticipationRequest, *, actor: Any) -> None:
        sample = sample_of_request(req)
        if sample is not None:
            audit.record(
                "noark.sample_submitted",
                sample,
                tender_id=req.tender_id,
                actor=actor,
                payload={"request": req.id, "filename": sample.original_filename, "sha256": sample.sha256},
            )

    def content(self, req: ParticipationRequest) -> dict[str, Any] | None:
        sample = sample_of_request(req)
        return None if sample is None else {"filename": sample.original_filename, "sha256": sample.sha256}


def group_may_see_samples(tender: Tender) -> bool:
    """The procurement group sees samples, reports and results only once the bids are opened: a sample
    tells who intends to bid, so it is sealed with the bid."""
    return bid_ops.opening_of(tender) is not None


#: a validation whose worker stopped under it this many times is not tried again by itself: the file may be
#: what stops the worker (memory, a crash in a library); the lead can still start it again
CRASHED_ATTEMPTS = 3
CRASHED_MESSAGE = (
    "Kontrollen ble avbrutt {attempts} ganger fordi arbeidsprosessen stoppet underveis (for eksempel fordi "
    "uttrekket brukte opp minnet). Den startes ikke på nytt av seg selv; prosjektlederen kan be om at den "
    "kjøres på nytt."
)


def samples_to_recover(pending_ids: set[int], stale_after: timedelta) -> list[int]:
    """Samples a crash left behind (commits): "queued" without a queue entry, and "running" with a
    heartbeat older than ``stale_after`` (put back to "queued"; after :data:`CRASHED_ATTEMPTS` attempts
    marked "failed" with a Norwegian message instead, so that no sample is left "running" or retried
    forever)."""
    cutoff = utcnow() - stale_after
    crashed = db.session.execute(
        select(ExtractSample.id, ExtractSample.attempts).where(
            ExtractSample.status == SampleStatus.RUNNING,
            or_(ExtractSample.heartbeat_at.is_(None), ExtractSample.heartbeat_at < cutoff),
        )
    ).all()
    stale = [sample_id for sample_id, attempts in crashed if attempts < CRASHED_ATTEMPTS]
    for sample_id, attempts in crashed:
        if attempts >= CRASHED_ATTEMPTS:
            _give_up(sample_id, attempts)
    if stale:
        db.session.execute(
            update(ExtractSample)
            .where(ExtractSample.id.in_(stale), ExtractSample.status == SampleStatus.RUNNING)
            .values(status=SampleStatus.QUEUED, progress_percent=0)
        )
    queued = set(
        db.session.scalars(select(ExtractSample.id).where(ExtractSample.status == SampleStatus.QUEUED))
    )
    db.session.commit()
    return sorted(queued - (pending_ids - set(stale)))


def _give_up(sample_id: int, attempts: int) -> None:
    # conditional, so that two workers recovering at once give up (and record it) once
    done = db.session.execute(
        update(ExtractSample)
        .where(
            ExtractSample.id == sample_id,
            ExtractSample.status == SampleStatus.RUNNING,
            ExtractSample.attempts == attempts,
        )
        .values(
            status=SampleStatus.FAILED,
            problem=CRASHED_MESSAGE.format(attempts=attempts),
            finished_at=utcnow(),
        )
    )
    if not done.rowcount:
        return
    sample = db.session.get(ExtractSample, sample_id, populate_existing=True)
    if sample is None:
        return
    audit.record(
        "noark.validation_finished",
        sample,
        payload={
            **({"request": sample.request_id} if sample.request_id is not None else {}),
            "status": "failed",
            "error": "worker_stopped",
            "attempts": attempts,
        },
    )
    log.warning("Noark-prøve %s gitt opp etter %s avbrutte kontroller", sample_id, attempts)


# -- validation (in the worker) ------------------------------------------------------------------------------
class _ProgressWriter:
    """Turns the validator's (stage, done, total) calls into a percentage of the extract's bytes, written to
    the sample at most once per percent and per half second."""

    def __init__(self, sample_id: int, total_bytes: int) -> None:
        self.sample_id = sample_id
        self.total = max(total_bytes, 1)
        self.done_by_stage: dict[str, int] = {}
        self.written = 0
        self.written_at = 0.0

    def __call__(self, stage: str, done: int, total: int) -> None:
        self.done_by_stage[stage] = max(done, self.done_by_stage.get(stage, 0))
        # never 100 before the result is written: the page takes 100 % to mean "finished"
        percent = min(99, sum(self.done_by_stage.values()) * 100 // self.total)
        now = time.monotonic()
        if percent >= self.written + 1 and now - self.written_at >= 0.5:
            self.written, self.written_at = percent, now
            try:
                db.session.execute(
                    update(ExtractSample)
                    .where(ExtractSample.id == self.sample_id)
                    .values(progress_percent=percent, heartbeat_at=utcnow())
                )
                db.session.commit()
            except DBAPIError as error:
                # a progress step lost against a concurrent transaction: the next one writes a newer figure
                _roll_back()
                if conflict_kind(error) is None:
                    raise
                log.info(
                    "Konflikt i databasen (%s, %s): fremdriften for Noark-prøve %s ble ikke skrevet nå",
                    conflict_kind(error),
                    conflict_code(error),
                    self.sample_id,
                )


class _Heartbeat:
    """Marks a running sample alive every few seconds, also through long stretches without progress."""

    def __init__(self, engine: Any, sample_id: int, every: float) -> None:
        self.engine, self.sample_id, self.every = engine, sample_id, every
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, name=f"noark-heartbeat-{sample_id}", daemon=True)

    def _run(self) -> None:
        while not self.stop.wait(self.every):
            try:
                with self.engine.begin() as conn:
                    conn.execute(
                        update(ExtractSample)
                        .where(
                            ExtractSample.id == self.sample_id, ExtractSample.status == SampleStatus.RUNNING
                        )
                        .values(heartbeat_at=utcnow())
                    )
            except Exception:  # a missed beat only makes recovery earlier; never kill the validation for it
                log.warning("Hjerteslag for Noark-prøve %s kunne ikke skrives", self.sample_id, exc_info=True)

    def __enter__(self) -> _Heartbeat:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop.set()
        self.thread.join(timeout=30)


def claim(sample_id: int) -> bool:
    """Mark a queued sample as running (commits). False if it is not queued: done already, or taken."""
    now = utcnow()
    result = db.session.execute(
        update(ExtractSample)
        .where(ExtractSample.id == sample_id, ExtractSample.status == SampleStatus.QUEUED)
        .values(
            status=SampleStatus.RUNNING,
            attempts=ExtractSample.attempts + 1,
            started_at=now,
            heartbeat_at=now,
            progress_percent=0,
        )
    )
    db.session.commit()
    return bool(result.rowcount)


#: the result could not be written: every attempt lost against a concurrent transaction (not the file's fault)
CONFLICT_MESSAGE = (
    "Kontrollen ble gjort, men resultatet kunne ikke lagres fordi andre lagret i databasen samtidig "
    "({attempts} forsøk). Det sier ingenting om uttrekket. Prøv igjen om litt: last opp prøven på nytt, "
    "eller be prosjektlederen kjøre kontrollen på nytt."
)
#: the first pause before writing again after a conflict, doubled for every further attempt (with jitter)
RECORD_BACKOFF_SECONDS = 0.1


class _RetriesUsedUp(Exception):
    """Every attempt to write a step of the validation lost against a concurrent transaction."""

    def __init__(self, error: DBAPIError, attempts: int) -> None:
        super().__init__(f"{conflict_kind(error)} ({conflict_code(error)}) {attempts} ganger")
        self.error, self.attempts = error, attempts


def _roll_back() -> None:
    try:
        db.session.rollback()
    except Exception:  # the connection broke meanwhile; the pool replaces it
        db.session.close()


def _write_sample(sample_id: int, write: Callable[[ExtractSample], None], what: str) -> ExtractSample | None:
    """``write`` the sample afresh and commit, in a transaction of its own; a transaction that loses against a
    concurrent one (:func:`tender.database.conflict_kind`: a deadlock, a serialisation failure, a lock
    timeout, SQLite's busy timeout) did nothing and is run again from the start, up to
    ``NOARK_RECORD_RETRIES`` times with a short growing pause. Raises :class:`_RetriesUsedUp` when every
    attempt lost, and any other error as it came."""
    retries = max(0, int(current_app.config["NOARK_RECORD_RETRIES"]))
    attempt = 0
    while True:
        attempt += 1
        try:
            sample = db.session.get(ExtractSample, sample_id, populate_existing=True)
            if sample is None:
                db.session.rollback()
                return None
            write(sample)
            db.session.commit()
            return sample
        except DBAPIError as error:
            _roll_back()
            if conflict_kind(error) is None:
                raise
            if attempt > retries:
                raise _RetriesUsedUp(error, attempt) from error
            log.info(
                "Konflikt i databasen (%s, %s) da %s for Noark-prøve %s skulle lagres: prøver på nytt (%d)",
                conflict_kind(error),
                conflict_code(error),
                what,
                sample_id,
                attempt,
            )
            time.sleep(RECORD_BACKOFF_SECONDS * 2 ** (attempt - 1) * random.uniform(0.5, 1.0))  # noqa: S311


def _finished_payload(sample: ExtractSample, **values: Any) -> dict[str, Any]:
    return {**({"request": sample.request_id} if sample.request_id is not None else {}), **values}


def _mark_failed(sample_id: int, problem: str, **payload: Any) -> ExtractSample | None:
    """Mark a running validation failed with ``problem`` (Norwegian) and record it (commits, with retries).
    When even that loses every time, the sample stays "running" without a heartbeat, and the recovery
    (:func:`samples_to_recover`) puts it back in the queue."""

    def write(sample: ExtractSample) -> None:
        sample.status = SampleStatus.FAILED
        sample.problem = problem
        sample.finished_at = utcnow()
        audit.record(
            "noark.validation_finished", sample, payload=_finished_payload(sample, status="failed", **payload)
        )

    return _write_sample(sample_id, write, "feilen")


def _store_result(sample: ExtractSample, report: dict[str, Any]) -> None:
    verdict = report["verdict"]
    sample.status = SampleStatus.DONE
    sample.verdict = (
        Verdict.UNREADABLE
        if report.get("unreadable")
        else Verdict.VALID
        if verdict["valid"]
        else Verdict.INVALID
    )
    sample.error_count, sample.warning_count = int(verdict["errors"]), int(verdict["warnings"])
    sample.summary_json = json.dumps(
        [
            {"id": c["id"], "name_no": c["name_no"], "status": c["status"], "counts": c["counts"]}
            for c in report["checks"]
        ],
        ensure_ascii=False,
    )
    sample.problem = report.get("unreadable", {}).get("message_no", "") if report.get("unreadable") else ""
    sample.progress_percent = 100
    sample.finished_at = utcnow()
    audit.record(
        "noark.validation_finished",
        sample,
        payload=_finished_payload(
            sample,
            status="done",
            verdict=sample.verdict.value,
            errors=sample.error_count,
            warnings=sample.warning_count,
            sha256=sample.sha256,
        ),
    )


def run_validation(sample_id: int) -> ExtractSample | None:
    """Validate one queued sample and store its result (commits; runs in a queue worker).

    A sample that is not queued (finished already, or being run by another worker) is left alone, so
    enqueuing twice is harmless. Unusable input gives the verdict "unreadable" with the validator's reason;
    an internal failure gives status "failed" with a message, never a half-written result. Writing the
    result is tried again when it loses against a concurrent transaction (:func:`_write_sample`); only when
    that keeps happening is the validation marked failed, with :data:`CONFLICT_MESSAGE`.
    """

    if not claim(sample_id):
        return None
    # a read, in a transaction that ends before the file is read: on SQLite, a transaction begun for writing
    # would hold the write lock (and every page's writes with it) for the whole validation
    reading = sqlite_immediate.set(False)
    try:
        sample = db.session.get(ExtractSample, sample_id)
        if sample is None:
            return None
        path, label, key = extract_path(sample), sample.original_filename, report_key(sample)
    finally:
        db.session.rollback()
        sqlite_immediate.reset(reading)
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    schema_dir = app.config["NOARK_SCHEMA_DIR"]
    limits = Limits(max_archive_size=int(app.config["NOARK_MAX_UPLOAD_BYTES"]))
    # the heartbeat goes on while the result is written: retries that wait out locks must not look like a
    # crashed worker to the recovery
    with _Heartbeat(db.engine, sample_id, float(app.config["NOARK_HEARTBEAT_SECONDS"])):
        try:
            report = _validate(sample_id, path, label, limits, Path(schema_dir) if schema_dir else None)
            _write_report(key, report)
        except Exception as exc:  # the worker must survive anything a hostile file does to the validator
            _roll_back()
            log.exception("Kontrollen av Noark-prøve %s feilet", sample_id)
            return _mark_failed(
                sample_id,
                "Kontrollen kunne ikke fullføres på grunn av en intern feil "
                f"({type(exc).__name__}). Prosjektlederen kan be om at den kjøres på nytt.",
                error=type(exc).__name__,
            )
        try:
            return _write_sample(sample_id, lambda sample: _store_result(sample, report), "resultatet")
        except _RetriesUsedUp as used_up:
            # one line: the kind and the database's code, never the statement, its parameters or the URL
            log.warning(
                "Resultatet av Noark-prøve %s kunne ikke lagres: konflikt i databasen (%s, %s) i alle %d "
                "forsøk; kontrollen markeres som feilet",
                sample_id,
                conflict_kind(used_up.error),
                conflict_code(used_up.error),
                used_up.attempts,
            )
            return _mark_failed(
                sample_id,
                CONFLICT_MESSAGE.format(attempts=used_up.attempts),
                error="conflict",
                conflict=conflict_kind(used_up.error),
                attempts=used_up.attempts,
            )


def _validate(
    sample_id: int, path: Path, label: str, limits: Limits, schema_dir: Path | None
) -> dict[str, Any]:
    try:
        with open_extract(path, limits) as source:
            progress = _ProgressWriter(sample_id, source.bytes_total())
            report = validate_source(source, Options(progress=progress, limits=limits, schema_dir=schema_dir))
        return report.to_json()
    except UnreadableExtract as exc:
        return unreadable_report(label, exc)


def unreadable_report(label: str, exc: UnreadableExtract) -> dict[str, Any]:
    """A report in the validator's JSON form for a file that could not be used at all: one finding."""
    name_no, name_en = INPUT_CHECKS.get(exc.check, ("Ikke et arkivuttrekk", "Not an extract"))
    return {
        "format": REPORT_FORMAT,
        "version": REPORT_VERSION,
        "extract": {"label": label, "addml": None, "stated_version": None, "noark_version": None},
        "started_at": utcnow().isoformat(timespec="seconds"),
        "duration_seconds": 0.0,
        "verdict": {"valid": False, "errors": 1, "warnings": 0, "info": 0},
        "unreadable": {"check": exc.check, "message_no": exc.message_no, "message_en": exc.message_en},
        "checks": [
            {
                "id": exc.check,
                "name_no": name_no,
                "name_en": name_en,
                "group": "input",
                "arkade": [],
                "status": "fail",
                "counts": {s.value: (1 if s is Severity.ERROR else 0) for s in Severity},
                "omitted": 0,
                "findings": [finding_json(exc.as_finding())],
            }
        ],
        "statistics": {},
        "files": [],
    }


def _write_report(key: str, report: dict[str, Any]) -> None:
    storage_of().put_bytes(key, json.dumps(report, ensure_ascii=False, indent=1).encode("utf-8"))


# -- the link to a minstekrav --------------------------------------------------------------------------------
@dataclass(frozen=True)
class VendorResult:
    """The automatic result of a Noark-checked minstekrav for one bidder, and its confirmation."""

    vendor: Vendor
    sample: ExtractSample | None  #: the sample submitted with the bid, which the automatic result comes from
    met: bool | None  #: None: no sample submitted with the bid, or its validation has not finished
    confirmation: NoarkRequirementConfirmation | None  #: only if it confirms this very sample and result

    @property
    def confirmed(self) -> bool:
        return self.confirmation is not None


def links_of(tender: Tender) -> list[NoarkRequirementLink]:
    return list(
        db.session.scalars(
            select(NoarkRequirementLink)
            .where(NoarkRequirementLink.tender_id == tender.id)
            .order_by(NoarkRequirementLink.id)
        )
    )


def link_requirement(tender: Tender, requirement_key: str, *, actor: Any) -> NoarkRequirementLink:
    """Mark a minstekrav of the tender's specification as checked by the Noark validation."""
    from tender.core.spec import Kind
    from tender.requirements.models import SpecRequirement
    from tender.requirements.operations import specification_of

    spec = specification_of(tender)
    row = (
        None
        if spec is None
        else db.session.scalar(
            select(SpecRequirement).where(
                SpecRequirement.specification_id == spec.id, SpecRequirement.key == requirement_key
            )
        )
    )
    if row is None:
        raise DomainError("Finner ikke kravet i kravspesifikasjonen.", field="requirement")
    if row.kind is not Kind.MINSTEKRAV:
        raise DomainError(f"Krav {row.number} er ikke et minstekrav.", field="requirement")
    if any(link.requirement_key == requirement_key for link in links_of(tender)):
        raise DomainError(
            f"Krav {row.number} kontrolleres allerede av Noark-valideringen.", field="requirement"
        )
    link = NoarkRequirementLink(
        tender_id=tender.id,
        requirement_key=requirement_key,
        linked_by_id=getattr(actor, "id", None),
        linked_at=utcnow(),
    )
    db.session.add(link)
    audit.record(
        "noark.requirement_linked",
        link,
        actor=actor,
        payload={"requirement": requirement_key, "number": row.number},
    )
    return link


def unlink_requirement(tender: Tender, link: NoarkRequirementLink, *, actor: Any) -> None:
    audit.record(
        "noark.requirement_unlinked", link, actor=actor, payload={"requirement": link.requirement_key}
    )
    db.session.delete(link)
    db.session.flush()


def results_for(tender: Tender, link: NoarkRequirementLink) -> list[VendorResult]:
    """Per vendor with a submitted bid: the automatic result from the sample submitted with the bid (never a
    newer or older one), and whether an evaluator has confirmed that result. Before the bid opening there are
    no results at all (an empty list): who bid, and with what, is sealed until then."""
    if not group_may_see_samples(tender):
        return []
    sealed = submitted_samples(tender)
    confirmations = {
        c.vendor_id: c
        for c in db.session.scalars(
            select(NoarkRequirementConfirmation).where(NoarkRequirementConfirmation.link_id == link.id)
        )
    }
    out = []
    for bid in bid_ops.submitted_bids(tender):
        sample = sealed.get(bid.vendor_id)
        met = (
            None
            if sample is None or sample.status is not SampleStatus.DONE
            else sample.verdict is Verdict.VALID
        )
        c = confirmations.get(bid.vendor_id)
        if c is not None and (sample is None or c.sample_id != sample.id or c.met != met):
            c = None
        out.append(VendorResult(bid.vendor, sample, met, c))
    return out


def confirm(
    tender: Tender, link: NoarkRequirementLink, vendor: Vendor, *, actor: Any
) -> NoarkRequirementConfirmation:
    """An evaluator confirms the automatic result for ``vendor`` (from the sample submitted with its bid),
    after the bid opening only."""
    if not group_may_see_samples(tender):
        raise DomainError("Resultatene fra Noark-kontrollen kan bekreftes først etter tilbudsåpningen.")
    result = next((r for r in results_for(tender, link) if r.vendor.id == vendor.id), None)
    if result is None or result.sample is None or result.met is None:
        raise DomainError(
            f"{vendor.name} har ikke levert et ferdig kontrollert prøveuttrekk med tilbudet; "
            "det er ingenting å bekrefte."
        )
    values = {
        "sample_id": result.sample.id,
        "met": result.met,
        "confirmed_by_id": getattr(actor, "id", None),
        "confirmed_by_name": (getattr(actor, "name", None) or getattr(actor, "email", "ukjent"))[:120],
        "confirmed_at": utcnow(),
    }
    existing = db.session.scalar(
        select(NoarkRequirementConfirmation).where(
            NoarkRequirementConfirmation.link_id == link.id,
            NoarkRequirementConfirmation.vendor_id == vendor.id,
        )
    )
    # confirming the very result confirmed before changes no decision: a later manual check stays as it is
    fills_check = existing is None or existing.sample_id != result.sample.id or existing.met != result.met
    if existing is None:
        existing = NoarkRequirementConfirmation(link_id=link.id, vendor_id=vendor.id, **values)
        db.session.add(existing)
    else:
        for key, value in values.items():
            setattr(existing, key, value)
    audit.record(
        "noark.requirement_confirmed",
        existing,
        tender_id=tender.id,
        actor=actor,
        payload={
            "requirement": link.requirement_key,
            "vendor": vendor.name,
            "sample": result.sample.id,
            "met": result.met,
        },
    )
    if fills_check:
        _fill_requirement_check(tender, link, result, actor=actor)
    return existing


def _fill_requirement_check(
    tender: Tender, link: NoarkRequirementLink, result: VendorResult, *, actor: Any
) -> None:
    """The confirmed result decides the bid's own check of the linked minstekrav (met / not met), with a
    justification naming the validation run; it stays an ordinary check the evaluators may change by hand."""
    sample = result.sample
    assert sample is not None and result.met is not None  # confirm() refuses anything else
    bid = next(b for b in bid_ops.submitted_bids(tender) if b.vendor_id == result.vendor.id)
    verdict = "gyldig" if result.met else "ikke gyldig"
    who = getattr(actor, "name", None) or getattr(actor, "email", "ukjent")
    reason = (
        f"Noark-kontrollen av prøveuttrekket «{sample.original_filename}» levert med tilbudet "
        f"(kontroll nr. {sample.id}: {sample.error_count} feil, {sample.warning_count} advarsler) "
        f"fant det {verdict}; resultatet er bekreftet av {who}."
    )
    evaluation_ops.check_requirement(
        tender,
        bid,
        link.requirement_key,
        reason=reason,
        actor=actor,
        status=RequirementStatus.MET if result.met else RequirementStatus.NOT_MET,
    )


def requirement_results(tender: Tender) -> dict[tuple[str, int], VendorResult]:
    """For the evaluation: (requirement key, vendor id) -> the Noark result, for every linked minstekrav.

    ``met`` is the automatic result from the sample submitted with the bid (None: none, or not finished);
    ``confirmed`` says whether an evaluator has confirmed it. Only a confirmed result should count as a
    decision. Empty before the bid opening.
    """
    return {
        (link.requirement_key, r.vendor.id): r for link in links_of(tender) for r in results_for(tender, link)
    }


def restart_validation(sample: ExtractSample, *, actor: Any) -> None:
    """Queue a failed sample again (the lead's button); the caller commits, then enqueues."""
    if sample.status is not SampleStatus.FAILED:
        raise DomainError("Bare en kontroll som feilet kan startes på nytt.")
    sample.status = SampleStatus.QUEUED
    sample.progress_percent = 0
    sample.problem = ""
    sample.finished_at = None
    audit.record("noark.validation_restarted", sample, actor=actor)
