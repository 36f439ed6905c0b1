"""The archive package (arkivpakke): the tender's records as one zip a municipality files in its own case and
archive system, with a manifest (``manifest.json`` and the readable ``innhold.csv``) giving every file's
path, SHA-256, size, kind, title, date and the case it belongs to.

What goes in is gathered from a registry of sources (``ARCHIVE_SOURCES``): each is a function of the tender
that yields :class:`ArchiveFile` objects. The sources below cover the tender documents as published, the bids
as received (only rounds that were opened), the letters and the reports; other domains register theirs (the
protocol registers its files) with :func:`register_archive_source`.

The package is deterministic: the same data, built at the same moment by the same person, gives the same
bytes (sorted entries, fixed zip timestamps and attributes, Excel workbooks with their time stamps pinned,
PDFs built ``invariant``), so the package's SHA-256 recorded in the audit trail identifies it. The zip is
written into a spooled temporary file (kept in memory up to ``SPOOL_LIMIT``, on disk above it); the files
going into it are read from the database one source at a time and held until the zip is written, since
they must be sorted first.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import tempfile
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import IO, Any

from sqlalchemy import select

from tender import audit
from tender.award.models import AwardSignOff, Recommendation
from tender.award.operations import contract_of, current_recommendation, notice_issue_of, valid_sign_offs
from tender.bids.models import Bid, BidOpening, BidStatus
from tender.bids.operations import bid_content
from tender.documents.operations import documents_of, published_versions
from tender.errors import DomainError
from tender.extensions import db
from tender.formatting import format_date, format_datetime
from tender.tenders.models import Municipality, Tender

#: the kinds of file, in the order of the package's folders: kind → (folder, Norwegian name)
KINDS: dict[str, tuple[str, str]] = {
    "dokument": ("1-konkurransedokumenter", "Konkurransedokument"),
    "tilbud": ("2-tilbud", "Tilbud slik det ble mottatt"),
    "brev": ("3-brev", "Brev"),
    "rapport": ("4-rapporter", "Rapport"),
    "protokoll": ("5-protokoll", "Anskaffelsesprotokoll"),
}
MANIFEST_JSON = "manifest.json"
MANIFEST_CSV = "innhold.csv"
FORMAT = "tender-arkivpakke/1"
#: every zip entry carries this time: the files' own dates are in the manifest, and a fixed time keeps the
#: package's bytes independent of when it was built
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
SPOOL_LIMIT = 16 * 1024 * 1024
MAX_NAME = 80
#: names Windows will not open as files, with or without an extension
_WINDOWS_RESERVED = {
    "CON",
    "PRN",
    "AUX",
    "NUL",
    *(f"COM{i}" for i in range(10)),
    *(f"LPT{i}" for i in range(10)),
}
_ASCII = {"æ": "ae", "Æ": "Ae", "ø": "o", "Ø": "O", "å": "a", "Å": "A", "ß": "ss"}


@dataclass(frozen=True)
class ArchiveFile:
    """One file for the package. ``name`` and ``folders`` may come from people (a vendor's file name): they
    are made safe when the path is formed, never used as given."""

    kind: str
    name: str
    data: bytes
    title: str
    date: date | datetime | None
    folders: tuple[str, ...] = ()


ArchiveSource = Callable[[Tender], Iterable[ArchiveFile]]
#: the package's sources, in registration order (the order does not matter: the entries are sorted)
ARCHIVE_SOURCES: list[ArchiveSource] = []


def register_archive_source(source: ArchiveSource) -> ArchiveSource:
    """Add ``source`` to the package (once); usable as a decorator."""
    if source not in ARCHIVE_SOURCES:
        ARCHIVE_SOURCES.append(source)
    return source


# -- safe names ------------------------------------------------------------------------------------------
def safe_name(name: str, default: str = "fil") -> str:
    """``name`` as a plain ASCII file name: letters, digits, ``-``, ``_`` and one ``.`` before the extension;
    no directory parts (``../../x`` becomes ``x``), no leading dots, no names Windows reserves (``CON.pdf``
    becomes ``_CON.pdf``), at most MAX_NAME characters with the extension kept; ``default`` when nothing is
    left."""
    text = unicodedata.normalize("NFC", name or "")
    text = text.replace("\\", "/").split("/")[-1].strip(". ")
    text = "".join(_ASCII.get(c, c) for c in text)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    stem, dot, suffix = text.rpartition(".")
    if not dot:
        stem, suffix = text, ""
    suffix = re.sub(r"[^A-Za-z0-9]", "", suffix)[:10].lower()
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", stem.replace(".", "-")).strip("-_")
    if not stem:
        stem = default
    if stem.upper() in _WINDOWS_RESERVED:
        stem = "_" + stem
    stem = stem[: MAX_NAME - len(suffix) - 1].rstrip("-_") or default
    return f"{stem}.{suffix}" if suffix else stem


def _unique(path: str, taken: set[str]) -> str:
    """``path``, or ``path`` with ``-2``, ``-3``, … before the extension when a file already has it."""
    if path.lower() not in taken:
        return path
    head, dot, suffix = path.rpartition(".")
    if not dot or "/" in suffix:
        head, suffix = path, ""
    n = 2
    while True:
        candidate = f"{head}-{n}.{suffix}" if suffix else f"{head}-{n}"
        if candidate.lower() not in taken:
            return candidate
        n += 1


# -- the package -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PlacedFile:
    path: str
    file: ArchiveFile
    sha256: str


@dataclass
class Package:
    """A built package: its bytes in ``stream`` (at position 0), their SHA-256 and size."""

    stream: IO[bytes]
    sha256: str
    size: int
    files: list[PlacedFile] = field(default_factory=list)

    def read(self) -> bytes:
        self.stream.seek(0)
        data = self.stream.read()
        self.stream.seek(0)
        return data


def municipality_case_number(tender: Tender, municipality: Municipality) -> str:
    """The municipality's own case number for the tender: from its decision on the current recommendation,
    else from its newest sign-off of any recommendation of the tender; empty when it has none."""
    rec = current_recommendation(tender)
    if rec is not None and (valid := valid_sign_offs(rec).get(municipality.id)) is not None:
        return valid.case_number
    newest = db.session.scalar(
        select(AwardSignOff)
        .join(Recommendation)
        .where(Recommendation.tender_id == tender.id, AwardSignOff.municipality_id == municipality.id)
        .order_by(AwardSignOff.signed_at.desc(), AwardSignOff.id.desc())
        .limit(1)
    )
    return newest.case_number if newest is not None else ""


def _iso(value: date | datetime | None) -> str | None:
    if value is None:
        return None
    return value.isoformat()


def _readable(value: date | datetime | None) -> str:
    if value is None:
        return ""
    return format_datetime(value) if isinstance(value, datetime) else format_date(value)


def _place(files: Iterable[ArchiveFile]) -> list[PlacedFile]:
    """The files with safe, unique paths, in a fixed order (by path, then title, then content): of two files
    wanting one path, the first in that order keeps it and the next gets ``-2``."""
    wanted = []
    for f in files:
        if f.kind not in KINDS:
            raise ValueError(f"unknown archive kind {f.kind!r}")
        folder = "/".join([KINDS[f.kind][0], *(safe_name(part, "mappe") for part in f.folders)])
        digest = hashlib.sha256(f.data).hexdigest()
        wanted.append((f"{folder}/{safe_name(f.name)}", digest, f.title, f))
    wanted.sort(key=lambda w: (w[0].lower(), w[2], w[1]))
    taken = {MANIFEST_JSON, MANIFEST_CSV}
    placed = []
    for path, digest, _, f in wanted:
        path = _unique(path, taken)
        taken.add(path.lower())
        placed.append(PlacedFile(path, f, digest))
    return placed


def _manifest(
    tender: Tender,
    placed: list[PlacedFile],
    municipality: Municipality | None,
    case_number: str,
    built_at: datetime,
    built_by: str,
) -> dict[str, Any]:
    cases = {"konkurranse": tender.case_reference, "kommune": case_number or None}
    return {
        "format": FORMAT,
        "pakke": {
            "konkurranse": {"id": tender.id, "tittel": tender.title, "saksnummer": tender.case_reference},
            "kommune": None
            if municipality is None
            else {
                "id": municipality.id,
                "navn": municipality.name,
                "kommunenummer": municipality.kommunenummer,
                "saksnummer": case_number or None,
            },
            "bygget": built_at.isoformat(),
            "bygget_av": built_by,
            "antall_filer": len(placed),
        },
        "filer": [
            {
                "sti": p.path,
                "sha256": p.sha256,
                "storrelse": len(p.file.data),
                "art": p.file.kind,
                "art_navn": KINDS[p.file.kind][1],
                "tittel": p.file.title,
                "dato": _iso(p.file.date),
                "sak": cases,
            }
            for p in placed
        ],
    }


def _manifest_csv(manifest: dict[str, Any], placed: list[PlacedFile]) -> bytes:
    """The manifest for people: semicolons and a byte order mark, as Excel in Norway opens it."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    facts = manifest["pakke"]
    kommune = facts["kommune"]
    writer.writerow(["Arkivpakke", facts["konkurranse"]["tittel"]])
    writer.writerow(["Konkurransens saksnummer", facts["konkurranse"]["saksnummer"]])
    if kommune is not None:
        writer.writerow(["Kommune", f"{kommune['navn']} ({kommune['kommunenummer']})"])
        writer.writerow(["Kommunens saksnummer", kommune["saksnummer"] or "(ikke registrert)"])
    writer.writerow(["Bygget", format_datetime(datetime.fromisoformat(facts["bygget"]))])
    writer.writerow(["Bygget av", facts["bygget_av"]])
    writer.writerow(["Antall filer", str(facts["antall_filer"])])
    writer.writerow([])
    writer.writerow(
        [
            "Sti",
            "Tittel",
            "Art",
            "Dato",
            "Størrelse (byte)",
            "SHA-256",
            "Sak (konkurransen)",
            "Sak (kommunen)",
        ]
    )
    for entry, p in zip(manifest["filer"], placed, strict=True):
        writer.writerow(
            [
                entry["sti"],
                entry["tittel"],
                entry["art_navn"],
                _readable(p.file.date),
                str(entry["storrelse"]),
                entry["sha256"],
                entry["sak"]["konkurranse"],
                entry["sak"]["kommune"] or "",
            ]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _entry(zf: zipfile.ZipFile, path: str, data: bytes) -> None:
    info = zipfile.ZipInfo(path, date_time=ZIP_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = 3  # Unix, whatever the machine: the attributes below are Unix ones
    info.external_attr = 0o644 << 16
    zf.writestr(info, data, compresslevel=6)


def gather(tender: Tender) -> list[ArchiveFile]:
    """Every file every registered source gives for ``tender``."""
    return [f for source in ARCHIVE_SOURCES for f in source(tender)]


def write_package(
    tender: Tender,
    stream: IO[bytes],
    *,
    municipality: Municipality | None = None,
    built_at: datetime,
    built_by: str,
) -> list[PlacedFile]:
    """Write the package into ``stream``; the files placed in it (the manifests not included)."""
    if municipality is not None and municipality not in tender.participating_municipalities:
        raise DomainError("Kommunen er ikke med i denne konkurransen.")
    token = _BUILT_AT.set(built_at)
    try:
        placed = _place(gather(tender))
    finally:
        _BUILT_AT.reset(token)
    case_number = municipality_case_number(tender, municipality) if municipality is not None else ""
    manifest = _manifest(tender, placed, municipality, case_number, built_at, built_by)
    with zipfile.ZipFile(stream, "w") as zf:
        _entry(zf, MANIFEST_JSON, json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8"))
        _entry(zf, MANIFEST_CSV, _manifest_csv(manifest, placed))
        for p in placed:
            _entry(zf, p.path, p.file.data)
    return placed


def build_package(
    tender: Tender, *, municipality: Municipality | None = None, built_at: datetime, built_by: str
) -> Package:
    """The package in a spooled temporary file, with its hash."""
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_LIMIT)  # noqa: SIM115 (handed to the response)
    placed = write_package(tender, spool, municipality=municipality, built_at=built_at, built_by=built_by)
    spool.seek(0)
    digest = hashlib.sha256()
    size = 0
    while chunk := spool.read(1024 * 1024):
        digest.update(chunk)
        size += len(chunk)
    spool.seek(0)
    return Package(spool, digest.hexdigest(), size, placed)


def archive_package(
    tender: Tender,
    municipality: Municipality | None = None,
    *,
    built_at: datetime | None = None,
    built_by: str = "",
) -> bytes:
    """The package as bytes (built now when ``built_at`` is not given). Changes nothing."""
    from tender import clock

    package = build_package(
        tender, municipality=municipality, built_at=built_at or clock.now(), built_by=built_by
    )
    try:
        return package.read()
    finally:
        package.stream.close()


def build_and_record(tender: Tender, *, municipality: Municipality | None, actor: Any) -> Package:
    """Build the package for ``actor`` now; its hash goes to the audit trail (``archive.package_built``)."""
    from tender import clock

    package = build_package(
        tender, municipality=municipality, built_at=clock.now(), built_by=getattr(actor, "name", "")
    )
    audit.record(
        "archive.package_built",
        tender,
        payload={
            "sha256": package.sha256,
            "size": package.size,
            "files": len(package.files),
            "municipality": municipality.name if municipality is not None else None,
        },
        actor=actor,
    )
    return package


def package_filename(tender: Tender, municipality: Municipality | None) -> str:
    who = f"-{safe_name(municipality.name)}" if municipality is not None else ""
    # a case reference is written with slashes (2026/0001): they are part of the name, not folders
    case = safe_name(re.sub(r"[/\\]", "-", tender.case_reference), str(tender.id))
    return f"arkivpakke-{case}{who}.zip"


# -- the sources -----------------------------------------------------------------------------------------
def _opened_rounds(tender: Tender) -> list[BidOpening]:
    """The openings of the tender's rounds: only what was opened is read from the bids."""
    return list(
        db.session.scalars(
            select(BidOpening).where(BidOpening.tender_id == tender.id).order_by(BidOpening.round_no)
        )
    )


def _json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8")


@register_archive_source
def tender_documents(tender: Tender) -> Iterator[ArchiveFile]:
    """Every published version of the tender documents, each document as it was published."""
    for version in published_versions(tender):
        for document in documents_of(version):
            yield ArchiveFile(
                "dokument",
                document.filename,
                document.data,
                f"{document.label} (versjon {version.number})",
                version.published_at,
                (f"versjon-{version.number}",),
            )


@register_archive_source
def bids_as_received(tender: Tender) -> Iterator[ArchiveFile]:
    """Every opened round's delivered bids: the attachments as uploaded and the receipt (the content the
    receipt's SHA-256 covers, with the delivery time), and the round's opening record. Nothing of a round
    that has not been opened: its bids are not even read."""
    for opening in _opened_rounds(tender):
        r = opening.round_no
        yield ArchiveFile(
            "rapport",
            f"apningsprotokoll-runde-{r}.json",
            _json(json.loads(opening.record_json)),
            f"Åpningsprotokoll, tilbudsrunde {r}",
            opening.opened_at,
        )
        bids = db.session.scalars(
            select(Bid)
            .where(Bid.tender_id == tender.id, Bid.round_no == r, Bid.status == BidStatus.SUBMITTED)
            .order_by(Bid.id)
        )
        for bid in bids:
            folders = (f"runde-{r}", f"{bid.vendor.name}-{bid.vendor.organisasjonsnummer}")
            receipt = {
                "leverandor": bid.vendor.name,
                "organisasjonsnummer": bid.vendor.organisasjonsnummer,
                "tilbudsrunde": r,
                "levert": _iso(bid.submitted_at),
                "kvittering_sha256": bid.receipt_sha256,
                "innhold": bid_content(bid),
            }
            yield ArchiveFile(
                "tilbud",
                "kvittering.json",
                _json(receipt),
                f"Kvittering for tilbud fra {bid.vendor.name}, runde {r}",
                bid.submitted_at,
                folders,
            )
            for a in bid.attachments:
                yield ArchiveFile(
                    "tilbud",
                    a.filename,
                    a.data,
                    f"Vedlegg til tilbud fra {bid.vendor.name}: {a.filename}",
                    a.uploaded_at,
                    (*folders, "vedlegg"),
                )


@register_archive_source
def letters(tender: Tender) -> Iterator[ArchiveFile]:
    """The prequalification letters, the letters to vendors leaving at a reduction, the notices of award and
    the signed contract."""
    from tender.negotiation.letter_pdf import render_reduction_letter
    from tender.negotiation.operations import reduction_letters
    from tender.prequalification.letters_operations import final_proposal, letter_pdf
    from tender.prequalification.queries import submitted_requests

    proposal = final_proposal(tender)
    if proposal is not None:
        for request in submitted_requests(tender):
            yield ArchiveFile(
                "brev",
                f"prekvalifisering-{request.vendor.name}.pdf",
                letter_pdf(tender, request),
                f"Prekvalifisering: brev til {request.vendor.name}",
                proposal.final_at,
                ("prekvalifisering",),
            )
    for letter in reduction_letters(tender):
        reduction, leaving = letter.reduction, letter.leaving
        sent = f"sendt på e-post til {leaving.sent_to}" if leaving.sent_to else "ikke sendt på e-post"
        yield ArchiveFile(
            "brev",
            f"reduksjon-runde-{reduction.round_no}-{leaving.vendor.name}.pdf",
            render_reduction_letter(tender, letter),  # the same bytes as the vendor downloads
            f"Brev om reduksjon etter runde {reduction.round_no} til {leaving.vendor.name} ({sent})",
            reduction.decided_at,
            ("forhandling",),
        )
    issue = notice_issue_of(tender)
    if issue is not None:
        for notice in issue.notices:
            yield ArchiveFile(
                "brev",
                notice.filename,
                notice.data,
                f"Meddelelse om tildeling til {notice.vendor.name}",
                issue.issued_at,
                ("tildeling",),
            )
    contract = contract_of(tender)
    if contract is not None:
        yield ArchiveFile(
            "brev",
            contract.filename,
            contract.data,
            f"Signert kontrakt med {contract.vendor.name}",
            contract.signed_at,
            ("kontrakt",),
        )


def _pinned_workbook(data: bytes, moment: datetime) -> bytes:
    """An .xlsx with its created and modified time set to ``moment`` and fixed zip times, so the same
    workbook gives the same bytes (openpyxl stamps the time of saving)."""
    stamp = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for name in sorted(source.namelist()):
            body = source.read(name)
            if name == "docProps/core.xml":
                text = body.decode("utf-8")
                for tag in ("created", "modified"):
                    text = re.sub(
                        rf"(<dcterms:{tag}[^>]*>)[^<]*(</dcterms:{tag}>)", rf"\g<1>{stamp}\g<2>", text
                    )
                body = text.encode("utf-8")
            _entry(target, name, body)
    return out.getvalue()


@register_archive_source
def reports(tender: Tender) -> Iterator[ArchiveFile]:
    """The published specification as PDF, the questions and answers as PDF, and each opened round's
    evaluation matrix as the workbook the evaluation exports (with the individual scores)."""
    from tender.bids.operations import published_spec, published_version
    from tender.evaluation.operations import build_case
    from tender.questions.operations import published_questions
    from tender.reports.evaluation_excel import write_evaluation_workbook
    from tender.reports.questions_pdf import render_questions_pdf
    from tender.reports.spec_pdf import render_spec_pdf
    from tender.requirements.operations import specification_of

    version = published_version(tender)
    spec = published_spec(tender)
    spec_row = specification_of(tender)
    if version is not None and spec is not None:
        stream = io.BytesIO()
        render_spec_pdf(
            spec,
            stream,
            tender_title=tender.title,
            case_reference=tender.case_reference,
            version_label=str(version.number),
            content_hash=version.content_hash,
            municipality_names={m.kommunenummer: m.name for m in tender.participating_municipalities},
        )
        yield ArchiveFile(
            "rapport",
            f"kravspesifikasjon-versjon-{version.number}.pdf",
            stream.getvalue(),
            f"Kravspesifikasjon, publisert versjon {version.number}",
            spec_row.published_at if spec_row is not None else version.frozen_at,
        )
    published = published_questions(tender)
    if published:
        # dated by the newest answer, not by the moment of building: the same answers give the same PDF
        newest = max(p.published_at for p in published)
        yield ArchiveFile(
            "rapport",
            "sporsmal-og-svar.pdf",
            render_questions_pdf(
                [(p.number, p.question, p.answer, p.published_at) for p in published],
                tender_title=tender.title,
                case_reference=tender.case_reference,
                made_at=newest,
            ),
            "Spørsmål og svar",
            newest,
        )
    for opening in _opened_rounds(tender):
        built = build_case(tender, round_no=opening.round_no)
        if built.case is None or built.result is None:
            continue  # not scorable (yet): the evaluation's own page says why
        stream = io.BytesIO()
        write_evaluation_workbook(built.case, built.result, stream)
        yield ArchiveFile(
            "rapport",
            f"evalueringsmatrise-runde-{opening.round_no}.xlsx",
            _pinned_workbook(stream.getvalue(), opening.opened_at),
            f"Evalueringsmatrise, tilbudsrunde {opening.round_no}",
            opening.opened_at,
        )


#: the moment the package being written is built for: the protocol inside it is made for that moment too,
#: so the same data and moment give the same bytes
_BUILT_AT: ContextVar[datetime | None] = ContextVar("archive_built_at", default=None)


@register_archive_source
def protocol(tender: Tender) -> Iterator[ArchiveFile]:
    """The procurement protocol as it stands when the package is built: its JSON and its PDF, from one
    gathering (tender.protocol.operations.protocol_files), made for the package's own moment."""
    from tender import clock
    from tender.protocol.operations import protocol_files

    moment = _BUILT_AT.get() or clock.now()
    for name, data in protocol_files(tender, generated_at=moment):
        yield ArchiveFile(
            "protokoll",
            name,
            data,
            "Anskaffelsesprotokoll (JSON)" if name.endswith(".json") else "Anskaffelsesprotokoll (PDF)",
            moment,
        )
