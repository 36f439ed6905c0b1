"""Noark 5 samples: store an upload, run its validation (in a worker), link a minstekrav and confirm it.

Operations change state, flush and write the audit trail; the caller commits. The exception is
:func:`run_validation`, which runs in a queue worker with no caller around it and commits its own steps
(claim, progress, result) so the web pages can show them while it works.

Files: ``instance/uploads/noark/<sample id>/extract.<ext>`` (the upload as received) and ``report.json``
(the validator's full JSON report, ``tender.core.noark.report.Report.to_json``; for an unreadable file a
report in the same form with the one finding that says why).
"""
from __future__ import annotations

import hashlib
import json
import logging
import shutil
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import IO, Any

from flask import current_app
from sqlalchemy import or_, select, update

from tender import audit
from tender.core.noark.findings import Severity
from tender.core.noark.report import REPORT_FORMAT, REPORT_VERSION, finding_json
from tender.core.noark.source import INPUT_CHECKS, Limits, UnreadableExtract, open_extract
from tender.core.noark.validator import Options, validate_source
from tender.db_types import utcnow
from tender.errors_domain import DomainError
from tender.extensions import db
from tender.noark.models import (
    ExtractSample,
    NoarkRequirementConfirmation,
    NoarkRequirementLink,
    SampleStatus,
    Verdict,
)
from tender.tenders.models import Tender, Vendor
from tender.uploads import clean_filename

log = logging.getLogger(__name__)

#: accepted file name endings, longest first, and the name the upload is stored under
ACCEPTED_SUFFIXES: tuple[tuple[str, str], ...] = (
    (".tar.gz", "extract.tar.gz"), (".tgz", "extract.tar.gz"), (".zip", "extract.zip"), (".tar", "extract.tar"),
    (".xml", "extract.xml"),
)
REPORT_FILE = "report.json"
_CHUNK = 1 << 20


class UploadTooLarge(DomainError):
    """The upload is over the configured limit (HTTP 413)."""


# -- files ---------------------------------------------------------------------------------------------------
def uploads_root() -> Path:
    return Path(current_app.instance_path) / "uploads" / "noark"


def sample_folder(sample: ExtractSample) -> Path:
    return uploads_root() / str(sample.id)


def extract_path(sample: ExtractSample) -> Path:
    return Path(current_app.instance_path) / sample.stored_path


def report_path(sample: ExtractSample) -> Path:
    return sample_folder(sample) / REPORT_FILE


def read_report(sample: ExtractSample) -> dict[str, Any] | None:
    """The stored JSON report, or None before the validation has finished."""
    try:
        value = json.loads(report_path(sample).read_text(encoding="utf-8"))
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
        "Last opp uttrekket som .zip, .tar, .tar.gz (.tgz) eller som én .xml-fil. En mappe kan ikke lastes opp: "
        "pakk den i en zip- eller tar-fil først. (Upload a .zip, .tar, .tar.gz or a single .xml file.)",
        field="file",
    )


def _human(n: int) -> str:
    size = float(n)
    for unit in ("byte", "kB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "byte" else f"{size:.1f} {unit}".replace(".", ",")
        size /= 1024
    return f"{n} byte"


# -- upload --------------------------------------------------------------------------------------------------
def store_upload(tender: Tender, vendor: Vendor, stream: IO[bytes], filename: str, *, max_bytes: int,
                 actor: Any) -> ExtractSample:
    """Keep an uploaded extract for ``vendor`` and queue it (status "queued"; the caller commits, then
    enqueues). The file is streamed to disk while it is hashed; an empty file, one over ``max_bytes`` or
    of a type we do not take is refused with a DomainError and nothing is kept."""
    if vendor.id not in {tv.vendor_id for tv in tender.vendors}:
        raise DomainError("Leverandøren deltar ikke i denne konkurransen.")
    stored_name = stored_name_for(filename)
    incoming = uploads_root() / "incoming"
    incoming.mkdir(parents=True, exist_ok=True)
    part = incoming / f"{uuid.uuid4().hex}.part"
    digest = hashlib.sha256()
    size = 0
    try:
        with part.open("wb") as out:
            while chunk := stream.read(_CHUNK):
                size += len(chunk)
                if size > max_bytes:
                    raise UploadTooLarge(f"Filen er større enn grensen på {_human(max_bytes)}. "
                                      f"(The file is larger than the limit of {_human(max_bytes)}.)", field="file")
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise DomainError("Filen er tom (0 byte). (The file is empty.)", field="file")
        sample = ExtractSample(
            tender_id=tender.id, vendor_id=vendor.id, uploaded_by_id=getattr(actor, "id", None),
            original_filename=clean_filename(filename, "uttrekk"), size_bytes=size,
            sha256=digest.hexdigest(), stored_path="", status=SampleStatus.QUEUED, progress_percent=0,
            error_count=0, warning_count=0, summary_json="[]", problem="", attempts=0,
        )
        db.session.add(sample)
        db.session.flush()
        folder = sample_folder(sample)
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / stored_name
        part.replace(target)
        sample.stored_path = str(target.relative_to(Path(current_app.instance_path)))
        audit.record("noark.sample_uploaded", sample, actor=actor, payload={
            "vendor": vendor.name, "filename": sample.original_filename, "size": size, "sha256": sample.sha256,
        })
        return sample
    finally:
        part.unlink(missing_ok=True)


def discard_files(sample_id: int | None) -> None:
    """Remove what an upload wrote to disk, when its transaction did not commit."""
    if sample_id is not None:
        shutil.rmtree(uploads_root() / str(sample_id), ignore_errors=True)


# -- queries -------------------------------------------------------------------------------------------------
def samples_of(tender: Tender, vendor_ids: set[int] | None = None) -> list[ExtractSample]:
    """Samples in a tender, newest first; only those of ``vendor_ids`` when given."""
    stmt = select(ExtractSample).where(ExtractSample.tender_id == tender.id)
    if vendor_ids is not None:
        stmt = stmt.where(ExtractSample.vendor_id.in_(vendor_ids or {-1}))
    return list(db.session.scalars(stmt.order_by(ExtractSample.uploaded_at.desc(), ExtractSample.id.desc())))


def latest_finished(tender: Tender) -> dict[int, ExtractSample]:
    """Per vendor id, the newest sample whose validation has a verdict."""
    out: dict[int, ExtractSample] = {}
    for s in samples_of(tender):
        if s.status is SampleStatus.DONE and s.vendor_id not in out:
            out[s.vendor_id] = s
    return out


def samples_to_recover(pending_ids: set[int], stale_after: timedelta) -> list[int]:
    """Samples a crash left behind (commits): "queued" without a queue entry, and "running" with a
    heartbeat older than ``stale_after`` (put back to "queued")."""
    cutoff = utcnow() - stale_after
    stale = list(db.session.scalars(select(ExtractSample.id).where(
        ExtractSample.status == SampleStatus.RUNNING,
        or_(ExtractSample.heartbeat_at.is_(None), ExtractSample.heartbeat_at < cutoff),
    )))
    if stale:
        db.session.execute(update(ExtractSample).where(ExtractSample.id.in_(stale),
                                                       ExtractSample.status == SampleStatus.RUNNING)
                           .values(status=SampleStatus.QUEUED, progress_percent=0))
    queued = set(db.session.scalars(select(ExtractSample.id).where(ExtractSample.status == SampleStatus.QUEUED)))
    db.session.commit()
    return sorted(queued - (pending_ids - set(stale)))


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
            db.session.execute(update(ExtractSample).where(ExtractSample.id == self.sample_id)
                               .values(progress_percent=percent, heartbeat_at=utcnow()))
            db.session.commit()


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
                    conn.execute(update(ExtractSample).where(ExtractSample.id == self.sample_id,
                                                             ExtractSample.status == SampleStatus.RUNNING)
                                 .values(heartbeat_at=utcnow()))
            except Exception:  # a missed beat only makes recovery earlier; never kill the validation for it
                log.warning("Hjerteslag for Noark-prøve %s kunne ikke skrives", self.sample_id, exc_info=True)

    def __enter__(self) -> "_Heartbeat":
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop.set()
        self.thread.join(timeout=30)


def claim(sample_id: int) -> bool:
    """Mark a queued sample as running (commits). False if it is not queued: done already, or taken."""
    now = utcnow()
    result = db.session.execute(
        update(ExtractSample).where(ExtractSample.id == sample_id, ExtractSample.status == SampleStatus.QUEUED)
        .values(status=SampleStatus.RUNNING, attempts=ExtractSample.attempts + 1, started_at=now,
                heartbeat_at=now, progress_percent=0)
    )
    db.session.commit()
    return bool(result.rowcount)


def run_validation(sample_id: int) -> ExtractSample | None:
    """Validate one queued sample and store its result (commits; runs in a queue worker).

    A sample that is not queued (finished already, or being run by another worker) is left alone, so
    enqueuing twice is harmless. Unusable input gives the verdict "unreadable" with the validator's reason;
    an internal failure gives status "failed" with a message, never a half-written result.
    """

    if not claim(sample_id):
        return None
    sample = db.session.get(ExtractSample, sample_id)
    if sample is None:
        return None
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    schema_dir = app.config["NOARK_SCHEMA_DIR"]
    limits = Limits(max_archive_size=int(app.config["NOARK_MAX_UPLOAD_BYTES"]))
    try:
        with _Heartbeat(db.engine, sample_id, float(app.config["NOARK_HEARTBEAT_SECONDS"])):
            report = _validate(sample, limits, Path(schema_dir) if schema_dir else None)
    except Exception as exc:  # the worker must survive anything a hostile file does to the validator
        db.session.rollback()
        log.exception("Kontrollen av Noark-prøve %s feilet", sample_id)
        sample = db.session.get(ExtractSample, sample_id)
        if sample is None:
            return None
        sample.status = SampleStatus.FAILED
        sample.problem = ("Kontrollen kunne ikke fullføres på grunn av en intern feil "
                          f"({type(exc).__name__}). Prosjektlederen kan be om at den kjøres på nytt.")
        sample.finished_at = utcnow()
        audit.record("noark.validation_finished", sample, payload={"status": "failed", "error": type(exc).__name__})
        db.session.commit()
        return sample
    _write_report(sample, report)
    verdict = report["verdict"]
    sample.status = SampleStatus.DONE
    sample.verdict = (Verdict.UNREADABLE if report.get("unreadable") else
                      Verdict.VALID if verdict["valid"] else Verdict.INVALID)
    sample.error_count, sample.warning_count = int(verdict["errors"]), int(verdict["warnings"])
    sample.summary_json = json.dumps([
        {"id": c["id"], "name_no": c["name_no"], "status": c["status"], "counts": c["counts"]}
        for c in report["checks"]
    ], ensure_ascii=False)
    sample.problem = report.get("unreadable", {}).get("message_no", "") if report.get("unreadable") else ""
    sample.progress_percent = 100
    sample.finished_at = utcnow()
    audit.record("noark.validation_finished", sample, payload={
        "status": "done", "verdict": sample.verdict.value, "errors": sample.error_count,
        "warnings": sample.warning_count, "sha256": sample.sha256,
    })
    db.session.commit()
    return sample


def _validate(sample: ExtractSample, limits: Limits, schema_dir: Path | None) -> dict[str, Any]:
    path = extract_path(sample)
    try:
        with open_extract(path, limits) as source:
            progress = _ProgressWriter(sample.id, source.bytes_total())
            report = validate_source(source, Options(progress=progress, limits=limits, schema_dir=schema_dir))
        return report.to_json()
    except UnreadableExtract as exc:
        return unreadable_report(sample.original_filename, exc)


def unreadable_report(label: str, exc: UnreadableExtract) -> dict[str, Any]:
    """A report in the validator's JSON form for a file that could not be used at all: one finding."""
    name_no, name_en = INPUT_CHECKS.get(exc.check, ("Ikke et arkivuttrekk", "Not an extract"))
    return {
        "format": REPORT_FORMAT, "version": REPORT_VERSION,
        "extract": {"label": label, "addml": None, "stated_version": None, "noark_version": None},
        "started_at": utcnow().isoformat(timespec="seconds"), "duration_seconds": 0.0,
        "verdict": {"valid": False, "errors": 1, "warnings": 0, "info": 0},
        "unreadable": {"check": exc.check, "message_no": exc.message_no, "message_en": exc.message_en},
        "checks": [{
            "id": exc.check, "name_no": name_no, "name_en": name_en, "group": "input", "arkade": [],
            "status": "fail", "counts": {s.value: (1 if s is Severity.ERROR else 0) for s in Severity},
            "omitted": 0, "findings": [finding_json(exc.as_finding())],
        }],
        "statistics": {}, "files": [],
    }


def _write_report(sample: ExtractSample, report: dict[str, Any]) -> None:
    folder = sample_folder(sample)
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / (REPORT_FILE + ".part")
    tmp.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    tmp.replace(folder / REPORT_FILE)


# -- the link to a minstekrav --------------------------------------------------------------------------------
@dataclass(frozen=True)
class VendorResult:
    """The automatic result of a Noark-checked minstekrav for one vendor, and its confirmation."""

    vendor: Vendor
    sample: ExtractSample | None  #: the newest finished sample, which the automatic result comes from
    met: bool | None  #: None: no finished sample yet
    confirmation: NoarkRequirementConfirmation | None  #: only if it confirms this very sample

    @property
    def confirmed(self) -> bool:
        return self.confirmation is not None


def links_of(tender: Tender) -> list[NoarkRequirementLink]:
    return list(db.session.scalars(select(NoarkRequirementLink).where(NoarkRequirementLink.tender_id == tender.id)
                                   .order_by(NoarkRequirementLink.id)))


def link_requirement(tender: Tender, requirement_key: str, *, actor: Any) -> NoarkRequirementLink:
    """Mark a minstekrav of the tender's specification as checked by the Noark validation."""
    from tender.core.spec import Kind
    from tender.requirements.models import SpecRequirement
    from tender.requirements.operations import specification_of

    spec = specification_of(tender)
    row = None if spec is None else db.session.scalar(select(SpecRequirement).where(
        SpecRequirement.specification_id == spec.id, SpecRequirement.key == requirement_key))
    if row is None:
        raise DomainError("Finner ikke kravet i kravspesifikasjonen.", field="requirement")
    if row.kind is not Kind.MINSTEKRAV:
        raise DomainError(f"Krav {row.number} er ikke et minstekrav.", field="requirement")
    if any(link.requirement_key == requirement_key for link in links_of(tender)):
        raise DomainError(f"Krav {row.number} kontrolleres allerede av Noark-valideringen.", field="requirement")
    link = NoarkRequirementLink(tender_id=tender.id, requirement_key=requirement_key,
                                linked_by_id=getattr(actor, "id", None), linked_at=utcnow())
    db.session.add(link)
    audit.record("noark.requirement_linked", link, actor=actor,
                 payload={"requirement": requirement_key, "number": row.number})
    return link


def unlink_requirement(tender: Tender, link: NoarkRequirementLink, *, actor: Any) -> None:
    audit.record("noark.requirement_unlinked", link, actor=actor, payload={"requirement": link.requirement_key})
    db.session.delete(link)
    db.session.flush()


def results_for(tender: Tender, link: NoarkRequirementLink) -> list[VendorResult]:
    """Per participating vendor: the automatic result from its newest finished sample, and whether an
    evaluator has confirmed that result (a confirmation of an older sample does not count)."""
    latest = latest_finished(tender)
    confirmations = {c.vendor_id: c for c in db.session.scalars(
        select(NoarkRequirementConfirmation).where(NoarkRequirementConfirmation.link_id == link.id))}
    out = []
    for vendor in tender.participating_vendors:
        sample = latest.get(vendor.id)
        met = None if sample is None else sample.verdict is Verdict.VALID
        c = confirmations.get(vendor.id)
        if c is not None and (sample is None or c.sample_id != sample.id or c.met != met):
            c = None
        out.append(VendorResult(vendor, sample, met, c))
    return out


def confirm(tender: Tender, link: NoarkRequirementLink, vendor: Vendor, *, actor: Any) -> NoarkRequirementConfirmation:
    """An evaluator confirms the automatic result for ``vendor`` as it stands now."""
    result = next((r for r in results_for(tender, link) if r.vendor.id == vendor.id), None)
    if result is None or result.sample is None or result.met is None:
        raise DomainError(f"{vendor.name} har ikke et ferdig kontrollert prøveuttrekk ennå; det er ingenting å bekrefte.")
    values = {"sample_id": result.sample.id, "met": result.met, "confirmed_by_id": getattr(actor, "id", None),
              "confirmed_by_name": (getattr(actor, "name", None) or getattr(actor, "email", "ukjent"))[:120],
              "confirmed_at": utcnow()}
    existing = db.session.scalar(select(NoarkRequirementConfirmation).where(
        NoarkRequirementConfirmation.link_id == link.id, NoarkRequirementConfirmation.vendor_id == vendor.id))
    if existing is None:
        existing = NoarkRequirementConfirmation(link_id=link.id, vendor_id=vendor.id, **values)
        db.session.add(existing)
    else:
        for key, value in values.items():
            setattr(existing, key, value)
    audit.record("noark.requirement_confirmed", existing, tender_id=tender.id, actor=actor, payload={
        "requirement": link.requirement_key, "vendor": vendor.name, "sample": result.sample.id,
        "met": result.met,
    })
    return existing


def requirement_results(tender: Tender) -> dict[tuple[str, int], VendorResult]:
    """For the evaluation: (requirement key, vendor id) -> the Noark result, for every linked minstekrav.

    ``met`` is the automatic result (None: no finished sample); ``confirmed`` says whether an evaluator has
    confirmed it for the vendor's newest sample. Only a confirmed result should count as a decision.
    """
    return {(link.requirement_key, r.vendor.id): r for link in links_of(tender) for r in results_for(tender, link)}


def restart_validation(sample: ExtractSample, *, actor: Any) -> None:
    """Queue a failed sample again (the lead's button); the caller commits, then enqueues."""
    if sample.status is not SampleStatus.FAILED:
        raise DomainError("Bare en kontroll som feilet kan startes på nytt.")
    sample.status = SampleStatus.QUEUED
    sample.progress_percent = 0
    sample.problem = ""
    sample.finished_at = None
    audit.record("noark.validation_restarted", sample, actor=actor)
