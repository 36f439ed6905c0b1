"""The tender documents: the lead assembles a draft set (uploads, and documents generated from frozen data),
publishes it as one frozen version with its content hash, vendors download it, and every download is logged.

Interfaces for the corrections part (issue 13, point 3): :func:`current_version`, :func:`documents_of`,
:func:`new_version_from` (a correcting draft from the published set, with replaced or regenerated
documents), :func:`freeze` (the hash the municipalities' approvals bind to), :func:`publish` and
:func:`holders` (who has downloaded which version, so a correction reaches everyone who has the documents).
"""

from __future__ import annotations

import hashlib
import json
import mimetypes
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from tender import audit
from tender.clock import now as clock_now
from tender.core.scoring import ScoringError
from tender.documents import pdf
from tender.documents.models import DocumentDownload, DocumentKind, DocumentSetVersion, TenderDocument
from tender.errors import DomainError
from tender.extensions import db
from tender.formatting import format_datetime, format_decimal, format_percent
from tender.reports import model_wording as wording
from tender.tenders.models import Tender, Vendor
from tender.web.uploads import MAX_ATTACHMENT, clean_filename, document_problem

#: the state's standard agreements (SSA) a contract may follow, and the contract's label under each
AGREEMENTS: dict[str, str] = {
    "SSA-K": "SSA-K Kjøpsavtalen",
    "SSA-V": "SSA-V Vedlikeholdsavtalen",
    "SSA-D": "SSA-D Driftsavtalen",
}
#: the appendices (bilag) the labels are prefilled with under a standard agreement; the lead edits them
APPENDIX_LABELS: tuple[str, ...] = (
    "Bilag 1 Kundens kravspesifikasjon",
    "Bilag 2 Leverandørens løsningsbeskrivelse",
    "Bilag 7 Pris og prisbestemmelser",
)
#: the label a generated or uploaded document gets when the lead has not named it
DEFAULT_LABELS: dict[DocumentKind, str] = {
    DocumentKind.INVITATION: "Konkurransebestemmelser",
    DocumentKind.SPECIFICATION: "Kravspesifikasjon",
    DocumentKind.ANSWER_FORM: "Svarskjema for kravspesifikasjonen (Excel)",
    DocumentKind.CONTRACT: "Kontrakt",
    DocumentKind.APPENDIX: "Bilag",
    DocumentKind.PRICE_SCHEDULE: "Prisskjema",
    DocumentKind.QUALIFICATION: "Kvalifikasjonskrav",
    DocumentKind.AWARD_CRITERIA: "Tildelingskriterier og prismodell",
}
#: what the lead uploads (the rest is generated from frozen data; qualification requirements are uploaded
#: when the tender has no prequalification to generate them from)
UPLOADED_KINDS = (
    DocumentKind.INVITATION,
    DocumentKind.CONTRACT,
    DocumentKind.APPENDIX,
    DocumentKind.QUALIFICATION,
)
#: what the tool makes, by the name the generate buttons and ``new_version_from`` use
GENERATED_KINDS = (
    DocumentKind.SPECIFICATION,
    DocumentKind.PRICE_SCHEDULE,
    DocumentKind.QUALIFICATION,
    DocumentKind.AWARD_CRITERIA,
)
#: one document of each kind in a set, except appendices (a new upload of the kind replaces the old one)
_MANY = {DocumentKind.APPENDIX}
MAX_LABEL = 200
_ORDER = {kind: i for i, kind in enumerate(DocumentKind)}
PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# -- reading -----------------------------------------------------------------------------------------------
def versions_of(tender: Tender) -> list[DocumentSetVersion]:
    return list(
        db.session.scalars(
            select(DocumentSetVersion)
            .where(DocumentSetVersion.tender_id == tender.id)
            .order_by(DocumentSetVersion.number)
        )
    )


def published_versions(tender: Tender) -> list[DocumentSetVersion]:
    return [v for v in versions_of(tender) if v.published_at is not None]


def current_version(tender: Tender) -> DocumentSetVersion | None:
    """The published version vendors receive now (the highest number published), or None."""
    published = published_versions(tender)
    return published[-1] if published else None


def draft_of(tender: Tender) -> DocumentSetVersion | None:
    """The version being assembled (not frozen), if any."""
    return next((v for v in versions_of(tender) if v.frozen_at is None), None)


def pending_of(tender: Tender) -> DocumentSetVersion | None:
    """A version not yet published (a draft, or frozen and waiting for approvals), if any."""
    return next((v for v in versions_of(tender) if v.published_at is None), None)


def documents_of(version: DocumentSetVersion) -> list[TenderDocument]:
    return sorted(version.documents, key=lambda d: (d.position, d.id))


def version_in(tender: Tender, version_id: int) -> DocumentSetVersion | None:
    found = db.session.get(DocumentSetVersion, version_id)
    return found if found is not None and found.tender_id == tender.id else None


def document_in(tender: Tender, document_id: int) -> TenderDocument | None:
    found = db.session.get(TenderDocument, document_id)
    return found if found is not None and found.version.tender_id == tender.id else None


def content_hash(documents: list[TenderDocument]) -> str:
    """SHA-256 over the canonical list of the documents, in the set's order: kind, label, file name and the
    file's own SHA-256 (so a changed file, a renamed label or a reordering gives another hash)."""
    canonical = [
        {"kind": d.kind.value, "label": d.label, "filename": d.filename, "sha256": d.sha256}
        for d in sorted(documents, key=lambda d: (d.position, d.id))
    ]
    text = json.dumps(canonical, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# -- the draft ---------------------------------------------------------------------------------------------
def _check_draft(version: DocumentSetVersion) -> None:
    if version.frozen_at is not None:
        raise DomainError(
            f"Versjon {version.number} av konkurransegrunnlaget er fryst og kan ikke endres; en endring blir "
            "en ny versjon."
        )


def ensure_draft(tender: Tender, *, actor: Any) -> DocumentSetVersion:
    """The draft of the first version (created when missing). After a publication, a change is a new
    version made by :func:`new_version_from` (a correction with its reason), never through this."""
    draft = draft_of(tender)
    if draft is not None:
        return draft
    if pending_of(tender) is not None or current_version(tender) is not None:
        raise DomainError(
            "Konkurransegrunnlaget er allerede fryst eller publisert; en endring går som rettelse (en ny "
            "versjon med begrunnelse)."
        )
    return _new_version(tender, number=1, actor=actor)


def _new_version(
    tender: Tender, *, number: int, actor: Any, correction_reason: str = "", agreement: str = ""
) -> DocumentSetVersion:
    version = DocumentSetVersion(
        tender_id=tender.id,
        number=number,
        created_at=clock_now(),
        created_by_id=getattr(actor, "id", None),
        agreement=agreement,
        is_correction=bool(correction_reason),
        correction_reason=correction_reason,
    )
    db.session.add(version)
    db.session.flush()
    audit.record(
        "documents.version_created",
        version,
        actor=actor,
        payload={
            "version": number,
            "correction": bool(correction_reason),
            "reason": correction_reason or None,
        },
    )
    return version


def _clean_label(label: str) -> str:
    text = " ".join((label or "").split())
    if not text:
        raise DomainError("Skriv et navn på dokumentet.", field="label")
    if len(text) > MAX_LABEL:
        raise DomainError(f"Navnet kan være høyst {MAX_LABEL} tegn.", field="label")
    return text


def _position(version: DocumentSetVersion, kind: DocumentKind) -> int:
    same = [d.position for d in version.documents if d.kind is kind]
    return max(same) + 1 if same else _ORDER[kind] * 1000


def _put(
    version: DocumentSetVersion,
    *,
    kind: DocumentKind,
    label: str,
    filename: str,
    content_type: str,
    data: bytes,
    generated: bool,
    source: str = "",
) -> TenderDocument:
    """Add the document, or replace the one of its kind (appendices: the one of the same label), keeping its
    place in the set."""
    old = next(
        (d for d in version.documents if d.kind is kind and (kind not in _MANY or d.label == label)),
        None,
    )
    position = old.position if old is not None else _position(version, kind)
    if old is not None:
        version.documents.remove(old)
        db.session.flush()
    document = TenderDocument(
        kind=kind,
        label=label,
        generated=generated,
        source=source,
        filename=filename,
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        data=data,
        position=position,
        added_at=clock_now(),
    )
    version.documents.append(document)
    db.session.flush()
    return document


def _default_label(version: DocumentSetVersion, kind: DocumentKind) -> str:
    """The label a document gets: an edited label of the one it replaces, else the standard agreement's
    bilag where the agreement names one, else the kind's name."""
    old = next((d for d in version.documents if d.kind is kind and kind not in _MANY), None)
    return old.label if old is not None else _default_label_fresh(version, kind)


def suggested_appendix_label(version: DocumentSetVersion) -> str:
    """The first of the agreement's bilag labels not yet used in the set ("" without an agreement)."""
    if not version.agreement:
        return ""
    used = {d.label for d in version.documents}
    return next((label for label in APPENDIX_LABELS if label not in used), "")


def choose_agreement(tender: Tender, version: DocumentSetVersion, agreement: str, *, actor: Any) -> None:
    """Pick the standard agreement (or "" for none): the contract and the generated specification and price
    schedule get its bilag labels unless the lead has named them otherwise."""
    _check_draft(version)
    if agreement and agreement not in AGREEMENTS:
        raise DomainError("Velg SSA-K, SSA-V, SSA-D eller ingen standardavtale.", field="agreement")
    before = version.agreement
    version.agreement = agreement
    for document in version.documents:
        defaults = {DEFAULT_LABELS[document.kind]}
        if before:
            defaults |= {AGREEMENTS[before], APPENDIX_LABELS[0], APPENDIX_LABELS[2]}
        if document.label in defaults and document.kind is not DocumentKind.APPENDIX:
            document.label = _default_label_fresh(version, document.kind)
    db.session.flush()
    audit.record(
        "documents.agreement_chosen",
        version,
        actor=actor,
        payload={"version": version.number, "agreement": agreement or None},
    )


def _default_label_fresh(version: DocumentSetVersion, kind: DocumentKind) -> str:
    if version.agreement:
        if kind is DocumentKind.CONTRACT:
            return AGREEMENTS[version.agreement]
        if kind is DocumentKind.SPECIFICATION:
            return APPENDIX_LABELS[0]
        if kind is DocumentKind.PRICE_SCHEDULE:
            return APPENDIX_LABELS[2]
    return DEFAULT_LABELS[kind]


def upload(
    tender: Tender,
    version: DocumentSetVersion,
    *,
    kind: DocumentKind,
    label: str,
    filename: str | None,
    data: bytes,
    actor: Any,
    limit: int = MAX_ATTACHMENT,
) -> TenderDocument:
    """Keep an uploaded document (PDF, office file) in the draft: the same checks as every upload
    (tender.web.uploads), a label that is not empty; a new invitation or contract replaces the old one."""
    _check_draft(version)
    if kind not in UPLOADED_KINDS:
        raise DomainError("Dette dokumentet lages av verktøyet og kan ikke lastes opp.", field="kind")
    name = clean_filename(filename, "dokument")
    problem = document_problem(name, data, limit=limit)
    if problem is not None:
        raise DomainError(problem, field="file")
    text = _clean_label(label) if (label or "").strip() or kind is DocumentKind.APPENDIX else None
    if text is None:
        text = _default_label(version, kind)
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    document = _put(
        version, kind=kind, label=text, filename=name, content_type=content_type, data=data, generated=False
    )
    audit.record(
        "documents.uploaded",
        version,
        actor=actor,
        payload=_document_payload(version, document),
    )
    return document


def _document_payload(version: DocumentSetVersion, document: TenderDocument) -> dict[str, Any]:
    return {
        "version": version.number,
        "document_kind": document.kind.value,
        "label": document.label,
        "filename": document.filename,
        "size": document.size,
        "sha256": document.sha256,
    }


def rename(tender: Tender, document: TenderDocument, label: str, *, actor: Any) -> None:
    version = document.version
    _check_draft(version)
    text = _clean_label(label)
    before = document.label
    if any(d.label == text and d.id != document.id for d in version.documents):
        raise DomainError("Et annet dokument i settet har allerede dette navnet.", field="label")
    document.label = text
    db.session.flush()
    audit.record(
        "documents.renamed",
        version,
        actor=actor,
        payload={"version": version.number, "before": before, "after": text},
    )


def remove(tender: Tender, document: TenderDocument, *, actor: Any) -> None:
    version = document.version
    _check_draft(version)
    payload = _document_payload(version, document)
    version.documents.remove(document)
    db.session.flush()
    audit.record("documents.removed", version, actor=actor, payload=payload)


# -- generated documents -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Made:
    kind: DocumentKind
    filename: str
    content_type: str
    data: bytes
    source: str


def generate(
    tender: Tender, version: DocumentSetVersion, kind: DocumentKind, *, actor: Any
) -> list[TenderDocument]:
    """Make ``kind`` from the frozen data it comes from and put it in the draft (the specification brings its
    answer form); refused in Norwegian when the source is not frozen or published."""
    _check_draft(version)
    if kind not in GENERATED_KINDS:
        raise DomainError("Dette dokumentet lastes opp; verktøyet lager det ikke.")
    made = _MAKERS[kind](tender)
    out = []
    for item in made:
        document = _put(
            version,
            kind=item.kind,
            label=_default_label(version, item.kind),
            filename=item.filename,
            content_type=item.content_type,
            data=item.data,
            generated=True,
            source=item.source,
        )
        audit.record(
            "documents.generated",
            version,
            actor=actor,
            payload={**_document_payload(version, document), "source": item.source},
        )
        out.append(document)
    return out


def generation_refusals(tender: Tender) -> dict[DocumentKind, str]:
    """Why each generated kind cannot be made now (absent: it can), for the page."""
    found: dict[DocumentKind, str] = {}
    for kind in GENERATED_KINDS:
        reason = _REFUSALS[kind](tender)
        if reason is not None:
            found[kind] = reason
    return found


def _spec_refusal(tender: Tender) -> str | None:
    from tender.requirements.operations import specification_of

    spec = specification_of(tender)
    if spec is None or spec.published_version is None:
        return (
            "Kravspesifikasjonen er ikke publisert. Publiser den (med kommunenes godkjenninger) før den "
            "legges i konkurransegrunnlaget."
        )
    return None


def _make_specification(tender: Tender) -> list[Made]:
    import io

    from tender.reports.spec_excel import export_answer_form
    from tender.reports.spec_pdf import render_spec_pdf
    from tender.requirements.operations import specification_of, version_content

    refusal = _spec_refusal(tender)
    if refusal is not None:
        raise DomainError(refusal)
    spec = specification_of(tender)
    assert spec is not None and spec.published_version is not None
    version = spec.published_version
    content = version_content(version)
    source = f"Kravspesifikasjon versjon {version.number}, sjekksum {version.content_hash}"
    stream = io.BytesIO()
    render_spec_pdf(
        content,
        stream,
        tender_title=tender.title,
        case_reference=tender.case_reference,
        version_label=str(version.number),
        content_hash=version.content_hash,
        municipality_names={m.kommunenummer: m.name for m in tender.participating_municipalities},
    )
    form = io.BytesIO()
    export_answer_form(
        content,
        form,
        tender_title=tender.title,
        version_label=str(version.number),
        content_hash=version.content_hash,
    )
    return [
        Made(
            DocumentKind.SPECIFICATION,
            f"kravspesifikasjon-versjon-{version.number}.pdf",
            PDF,
            stream.getvalue(),
            source,
        ),
        Made(
            DocumentKind.ANSWER_FORM,
            f"svarskjema-versjon-{version.number}.xlsx",
            XLSX,
            form.getvalue(),
            source,
        ),
    ]


def _model_refusal(tender: Tender) -> str | None:
    from tender.evaluation_model.operations import model_of

    model = model_of(tender)
    if model is None or model.frozen_at is None:
        return (
            "Evalueringsmodellen er ikke låst. Lås den først, så det leverandørene leser er det som blir "
            "regnet ut."
        )
    return None


def _frozen_model(tender: Tender) -> tuple[Any, dict[str, Any]]:
    """The locked model and its frozen form, checked against the hash kept at the lock."""
    from tender.evaluation_model.operations import frozen_model_json, legacy_frozen_json, model_of

    refusal = _model_refusal(tender)
    if refusal is not None:
        raise DomainError(refusal)
    model = model_of(tender)
    assert model is not None
    mismatch = "Evalueringsmodellen stemmer ikke med sjekksummen fra låsingen; dokumentet lages ikke."
    try:
        frozen = frozen_model_json(tender)
    except ScoringError as exc:
        raise DomainError(mismatch) from exc
    # Locks made before the threshold was hashed as the column stores it hashed str(disagreement_threshold)
    # as the session held it: "3" when the model was locked in the transaction that set it, "3.00" when it
    # had been read back. Every spelling of the same stored value is accepted; any other difference refuses.
    # Locks made before issue 16 were hashed without the scale step, the consensus rule and the thresholds:
    # a model that uses none of them is also checked in that older form.
    threshold = Decimal(str(frozen["disagreement_threshold"]))
    spellings = {str(threshold), f"{threshold.normalize():f}", f"{threshold.quantize(Decimal('0.01')):f}"}
    forms = [f for f in (frozen, legacy_frozen_json(frozen)) if f is not None]
    digests = set()
    for form in forms:
        for spelling in spellings:
            text = json.dumps(
                {**form, "disagreement_threshold": spelling},
                sort_keys=True,
                ensure_ascii=False,
                separators=(",", ":"),
            )
            digests.add(hashlib.sha256(text.encode("utf-8")).hexdigest())
    if model.frozen_hash not in digests:
        raise DomainError(mismatch)
    return model, frozen


def _weight(value: Any) -> str:
    return format_percent(Decimal(str(value)) / 100, 2)


def _make_award_criteria(tender: Tender) -> list[Made]:
    model, frozen = _frozen_model(tender)
    scoring = frozen["model"]
    documentation = frozen.get("criteria_documentation", {})
    names = {c["id"]: c["name"] for c in scoring["criteria"]}
    rows = [["Kriterium", "Type", "Vekt", "Andel av totalen", "Dokumentasjon"]]
    for c in scoring["criteria"]:
        name = c["name"] if c["parent"] is None else f"{names[c['parent']]} › {c['name']}"
        kind = "Pris" if c["kind"] == "price" else "Kvalitet"
        weight = (
            _weight(c["weight"])
            if c["weight_unit"] == "percent"
            else format_decimal(Decimal(str(c["weight"])), 4)
        )
        where = "" if c["parent"] is None else f" av {names[c['parent']]}"
        rows.append(
            [
                name,
                kind,
                weight + where,
                format_percent(Decimal(str(c["path_weight"])), 2),
                documentation.get(c["id"], "") or "",
            ]
        )
    scale = format_decimal(Decimal(str(scoring["scale_max"])))
    step = scoring.get("scale_step", 0.5 if scoring.get("allow_half_points") else 1)
    sections = [
        pdf.Section(
            "Tildelingskriterier og vekter",
            [wording.scale_sentence(scoring["scale_max"], step)],
            rows,
            (48, 20, 34, 26, 42),
        ),
        pdf.Section(
            "Poeng og konsensus",
            [
                f"Skala: 0–{scale}, {wording.step_text(step)}.",
                f"Konsensus: {wording.consensus_label(scoring.get('consensus'))}. "
                + wording.consensus_sentence(scoring.get("consensus")),
            ],
        ),
    ]
    qmax = wording.quality_max(scoring)
    thresholds = wording.threshold_lines(
        [(names[c["id"]], c["min_score"]) for c in scoring["criteria"] if c.get("min_score") is not None],
        scoring.get("min_quality"),
        qmax,
    )
    sections.append(
        pdf.Section(
            "Minstegrenser for kvalitet",
            thresholds
            or ["Det er ikke satt minstepoeng for kvalitet: ingen tilbud avvises for lave kvalitetspoeng."],
        )
    )
    method = scoring.get("price_method")
    if method is not None:
        explanation = wording.METHOD_EXPLANATIONS.get(method["name"])
        sections.append(
            pdf.Section(
                "Prismodell",
                [
                    f"Metode: {method['label']}",
                    f"Formel: {method['formula']}",
                    *(
                        [f"Parametere: {'; '.join(wording.parameter_lines(method['parameters']))}."]
                        if method["parameters"]
                        else []
                    ),
                    *([explanation] if explanation else []),
                    "Pe er prisen som evalueres, Pb den laveste og Ph den høyeste prisen blant tilbudene "
                    f"som ikke er avvist, og Max toppen av skalaen ({scale}).",
                    *([wording.quality_sentence(qmax)] if method["name"] in wording.QUALITY_METHODS else []),
                ],
            )
        )
    ranking = (
        "Tilbudene rangeres etter evaluert pris (lavest vinner)."
        if scoring["ranked_by"] == "evaluated_price"
        else "Tilbudene rangeres etter samlet vektet poengsum (høyest vinner)."
    )
    sections.append(pdf.Section("Rangering", [ranking]))
    source = f"Evalueringsmodellen låst {format_datetime(model.frozen_at)}, sjekksum {model.frozen_hash}"
    data = pdf.render(
        "Tildelingskriterier og prismodell",
        tender.title,
        [
            "Tilbudene evalueres etter kriteriene, vektene og prismodellen nedenfor. Dokumentet er laget fra "
            "den låste evalueringsmodellen: det som står her, er det som blir regnet ut.",
            source + ".",
        ],
        sections,
        f"Evalueringsmodell {model.frozen_hash[:12]}",
    )
    return [Made(DocumentKind.AWARD_CRITERIA, "tildelingskriterier.pdf", PDF, data, source)]


def _price_refusal(tender: Tender) -> str | None:
    from tender.evaluation_model.operations import model_of, price_items
    from tender.requirements.operations import specification_of

    model = model_of(tender)
    spec = specification_of(tender)
    locked = (model is not None and model.frozen_at is not None) or (
        spec is not None and spec.published_version is not None
    )
    if not locked:
        return (
            "Prisskjemaet er ikke låst ennå: det låses når kravspesifikasjonen publiseres eller "
            "evalueringsmodellen låses."
        )
    if not price_items(tender):
        return "Prisskjemaet har ingen poster."
    return None


def _make_price_schedule(tender: Tender) -> list[Made]:
    from tender.evaluation_model.models import PRICE_EVALUATIONS, PriceItemKind
    from tender.evaluation_model.operations import model_or_default, price_formula, price_items

    refusal = _price_refusal(tender)
    if refusal is not None:
        raise DomainError(refusal)
    model = model_or_default(tender)
    method = model.price_evaluation or "life_cycle"
    gaps = model.price_gaps or "reject"
    kinds = {PriceItemKind.ONE_OFF: "Engangskostnad", PriceItemKind.YEARLY: "Årlig kostnad"}
    items = price_items(tender)
    size = "Vekt" if method == "average" else "Antall"
    rows = [["Nr.", "Post", "Type", "Prises", size]]
    for number, item in enumerate(items, start=1):
        rows.append(
            [
                str(number),
                item.name,
                kinds.get(item.kind, item.kind.value),
                "per kommune" if item.per_municipality else "samlet for alle kommunene",
                format_decimal(item.quantity, 4) if item.quantity is not None else "1",
            ]
        )
    municipalities = [["Kommune", "Kommunenummer", "Innbyggere"]] + [
        [m.name, m.kommunenummer, format_decimal(m.population, 0)]
        for m in tender.participating_municipalities
    ]
    unit = "Oppgi enhetspris per post" if method == "basket" else "Oppgi pris per post"
    evaluation = [
        f"Den evaluerte prisen regnes som: {PRICE_EVALUATIONS[method].lower()}.",
        price_formula(model),
        f"{unit}; antallet i tabellen over ganges med prisen"
        + (" (i gjennomsnittet er antallet postens vekt)." if method == "average" else "."),
    ]
    if method == "life_cycle":
        rate = model.discount_rate_percent
        evaluation.append(
            "De årlige kostnadene diskonteres ikke."
            if rate is None
            else f"De årlige kostnadene diskonteres med {format_decimal(rate, 3)} % per år: "
            "kostnaden i år t teller 1/(1 + r)ᵗ."
        )
    evaluation.append(
        "En post et tilbud ikke priser: "
        + (
            "tilbudet er ufullstendig; alle poster må prises."
            if gaps == "reject"
            else "posten regnes med den høyeste prisen som en tilbyder som ikke er avvist, har gitt på "
            "den (KOFA 2011/70). Posten kan stå tom."
        )
    )
    sections = [
        pdf.Section(
            "Poster",
            ["Alle priser oppgis i norske kroner eksklusive merverdiavgift, i portalens prisskjema."],
            rows,
            (12, 72, 34, 34, 18),
        ),
        pdf.Section("Kommunene", [], municipalities, (70, 50, 50)),
        pdf.Section(
            "Avtaleperiode", [f"Avtaleperioden som prisene regnes over: {model.contract_period} år."]
        ),
        pdf.Section("Evaluert pris", evaluation),
    ]
    shape: list[Any] = [[i.name, i.kind.value, i.per_municipality] for i in items]
    if (
        method != "life_cycle"
        or gaps != "reject"
        or model.discount_rate_percent is not None
        or any(i.quantity is not None for i in items)
    ):
        # what the schedule says beyond the first form (which kept its checksum)
        shape = [
            [i.name, i.kind.value, i.per_municipality, None if i.quantity is None else str(i.quantity)]
            for i in items
        ] + [
            [method, None if model.discount_rate_percent is None else str(model.discount_rate_percent), gaps]
        ]
    digest = hashlib.sha256(json.dumps(shape, ensure_ascii=False).encode()).hexdigest()
    source = f"Prisskjemaet med {len(items)} poster, sjekksum {digest}"
    data = pdf.render("Prisskjema", tender.title, [], sections, f"Prisskjema {digest[:12]}")
    return [Made(DocumentKind.PRICE_SCHEDULE, "prisskjema.pdf", PDF, data, source)]


def _qualification_refusal(tender: Tender) -> str | None:
    from tender.prequalification.setup_operations import announced_setup

    if announced_setup(tender) is None:
        return (
            "Konkurransen har ikke et fryst oppsett for prekvalifisering å lage kvalifikasjonskravene fra; "
            "last dem opp som dokument i stedet."
        )
    return None


def _make_qualification(tender: Tender) -> list[Made]:
    from tender.prequalification.setup_operations import announced_setup

    setup = announced_setup(tender)
    if setup is None:
        raise DomainError(_qualification_refusal(tender) or "")
    sections = []
    for label, rows in setup.groups:
        table = [["Krav", "Dokumentasjon"]] + [
            [r.get("text", ""), r.get("documentation", "") or ""] for r in rows
        ]
        sections.append(pdf.Section(label, [], table, (95, 75)))
    if setup.grounds:
        table = [["Avvisningsgrunn", "Obligatorisk"]] + [
            [g.get("text", ""), "Ja" if g.get("mandatory") else "Nei"] for g in setup.grounds
        ]
        sections.append(pdf.Section("Avvisningsgrunner", [], table, (140, 30)))
    if setup.criteria:
        table = [["Utvelgelseskriterium", "Vekt", "Beskrivelse"]] + [
            [c.get("name", ""), _weight(c["weight"]), c.get("description", "") or ""] for c in setup.criteria
        ]
        most = f"høyst {setup.maximum}" if setup.maximum is not None else "uten øvre grense"
        sections.append(
            pdf.Section(
                "Utvelgelse",
                [f"Minst {setup.minimum} og {most} kandidater inviteres til å levere tilbud."],
                table,
                (55, 25, 90),
            )
        )
    source = f"Prekvalifiseringen fryst {format_datetime(setup.frozen_at)}, sjekksum {setup.sha256}"
    data = pdf.render(
        "Kvalifikasjonskrav", tender.title, [source + "."], sections, f"Prekvalifisering {setup.sha256[:12]}"
    )
    return [Made(DocumentKind.QUALIFICATION, "kvalifikasjonskrav.pdf", PDF, data, source)]


_MAKERS = {
    DocumentKind.SPECIFICATION: _make_specification,
    DocumentKind.PRICE_SCHEDULE: _make_price_schedule,
    DocumentKind.QUALIFICATION: _make_qualification,
    DocumentKind.AWARD_CRITERIA: _make_award_criteria,
}
_REFUSALS = {
    DocumentKind.SPECIFICATION: _spec_refusal,
    DocumentKind.PRICE_SCHEDULE: _price_refusal,
    DocumentKind.QUALIFICATION: _qualification_refusal,
    DocumentKind.AWARD_CRITERIA: _model_refusal,
}


# -- freezing and publishing -------------------------------------------------------------------------------
def freeze(tender: Tender, version: DocumentSetVersion, *, actor: Any) -> str:
    """Freeze the draft: its content hash is kept and nothing of it changes afterwards. Returns the hash
    (the corrections part binds the municipalities' approvals to it before :func:`publish`)."""
    _check_draft(version)
    documents = documents_of(version)
    if not documents:
        raise DomainError("Konkurransegrunnlaget har ingen dokumenter ennå.")
    version.content_sha256 = content_hash(documents)
    version.frozen_at = clock_now()
    db.session.flush()
    audit.record(
        "documents.frozen",
        version,
        actor=actor,
        payload={"version": version.number, "sha256": version.content_sha256, "documents": len(documents)},
    )
    return version.content_sha256


def publish(tender: Tender, version: DocumentSetVersion, *, actor: Any) -> None:
    """Publish the version to the vendors (frozen first if it is still a draft): from now on it is what
    they download; the trail records its content hash."""
    if version.published_at is not None:
        raise DomainError(f"Versjon {version.number} er allerede publisert.")
    if version.frozen_at is None:
        freeze(tender, version, actor=actor)
    # the hash is checked again: a version is published only with the content it was frozen with
    if content_hash(documents_of(version)) != version.content_sha256:
        raise DomainError("Innholdet stemmer ikke med sjekksummen fra frysingen; versjonen publiseres ikke.")
    version.published_at = clock_now()
    version.published_by_id = getattr(actor, "id", None)
    db.session.flush()
    audit.record(
        "documents.published",
        version,
        actor=actor,
        payload={
            "version": version.number,
            "sha256": version.content_sha256,
            "documents": len(version.documents),
            "correction": version.is_correction,
            "reason": version.correction_reason or None,
        },
    )


def new_version_from(
    tender: Tender, *, replacing: Mapping[str, tuple[str, bytes] | bytes | None], reason: str, actor: Any
) -> DocumentSetVersion:
    """A correcting draft: a copy of the published set with the documents named in ``replacing`` changed.

    Keys are a document's label or a kind's value ("specification", "award_criteria", ...); a value is the
    new file's bytes (the file name kept), a ``(filename, bytes)`` pair, or None to generate the document
    again from its (now newer) frozen source. The draft is marked as a correction with ``reason``; freeze
    and publish it with :func:`freeze` / :func:`publish`."""
    text = " ".join((reason or "").split())
    if not text:
        raise DomainError("Skriv begrunnelsen for rettelsen.", field="reason")
    current = current_version(tender)
    if current is None:
        raise DomainError("Konkurransegrunnlaget er ikke publisert; det er ingenting å rette ennå.")
    pending = pending_of(tender)
    if pending is not None:
        raise DomainError(
            f"Versjon {pending.number} av konkurransegrunnlaget er ikke publisert ennå; publiser "
            "eller forkast den først."
        )
    draft = _new_version(
        tender, number=current.number + 1, actor=actor, correction_reason=text, agreement=current.agreement
    )
    for old in documents_of(current):
        draft.documents.append(
            TenderDocument(
                kind=old.kind,
                label=old.label,
                generated=old.generated,
                source=old.source,
                filename=old.filename,
                content_type=old.content_type,
                size=old.size,
                sha256=old.sha256,
                data=old.data,
                position=old.position,
                added_at=old.added_at,
            )
        )
    db.session.flush()
    for key, value in replacing.items():
        by_label = next((d for d in draft.documents if d.label == key), None)
        kind = (
            by_label.kind if by_label is not None else next((k for k in DocumentKind if k.value == key), None)
        )
        if kind is None:
            raise DomainError(f"Konkurransegrunnlaget har ikke noe dokument «{key}».")
        if value is None:
            generate(tender, draft, kind, actor=actor)
            continue
        filename, data = value if isinstance(value, tuple) else (None, value)
        target = by_label or next((d for d in draft.documents if d.kind is kind), None)
        name = filename or (target.filename if target is not None else "dokument.pdf")
        if kind in UPLOADED_KINDS:
            upload(
                tender,
                draft,
                kind=kind,
                label=target.label if target is not None else "",
                filename=name,
                data=data,
                actor=actor,
            )
        else:
            raise DomainError(f"«{key}» lages fra frosne data; oppgi None for å lage det på nytt.")
    return draft


def discard(tender: Tender, version: DocumentSetVersion, *, actor: Any) -> None:
    """Throw away a version never published (a draft, or a frozen version waiting for approvals)."""
    if version.published_at is not None:
        raise DomainError("En publisert versjon kan ikke forkastes.")
    number = version.number
    db.session.delete(version)
    db.session.flush()
    audit.record("documents.discarded", tender, actor=actor, payload={"version": number})


# -- downloads ---------------------------------------------------------------------------------------------
def record_download(
    tender: Tender, document: TenderDocument, *, user: Any, vendor: Vendor | None, at: datetime | None = None
) -> DocumentDownload:
    """Log one download of a published document (who, which version, when) in the downloads table and the
    trail. A draft's documents are never downloaded by vendors: refused."""
    version = document.version
    if version.published_at is None and vendor is not None:
        raise DomainError("Dokumentet er ikke publisert.")
    row = DocumentDownload(
        tender_id=tender.id,
        version_id=version.id,
        document_id=document.id,
        user_id=getattr(user, "id", None),
        user_name=getattr(user, "name", "") or "",
        vendor_id=vendor.id if vendor is not None else None,
        at=at or clock_now(),
    )
    db.session.add(row)
    db.session.flush()
    audit.record(
        "documents.downloaded",
        row,
        actor=user,
        payload={
            "version": version.number,
            "label": document.label,
            "sha256": document.sha256,
            "vendor": vendor.name if vendor is not None else None,
        },
    )
    return row


@dataclass(frozen=True)
class Holder:
    """A vendor's user who has downloaded from a version: when first, and how many documents."""

    vendor_id: int
    vendor_name: str
    user_id: int | None
    user_name: str
    version_number: int
    first_at: datetime
    documents: int


def holders(tender: Tender, version: DocumentSetVersion | None = None) -> list[Holder]:
    """Who has downloaded which version (vendors' users only), by version, vendor and user; ``version``
    limits it to one version."""
    stmt = (
        select(
            DocumentDownload.vendor_id,
            Vendor.name,
            DocumentDownload.user_id,
            func.max(DocumentDownload.user_name),
            DocumentSetVersion.number,
            func.min(DocumentDownload.at),
            func.count(func.distinct(DocumentDownload.document_id)),
        )
        .join(Vendor, Vendor.id == DocumentDownload.vendor_id)
        .join(DocumentSetVersion, DocumentSetVersion.id == DocumentDownload.version_id)
        .where(DocumentDownload.tender_id == tender.id, DocumentDownload.vendor_id.is_not(None))
        .group_by(
            DocumentDownload.vendor_id, Vendor.name, DocumentDownload.user_id, DocumentSetVersion.number
        )
        .order_by(DocumentSetVersion.number, Vendor.name, DocumentDownload.user_id)
    )
    if version is not None:
        stmt = stmt.where(DocumentDownload.version_id == version.id)
    return [
        Holder(int(vendor_id), vendor_name, user_id, user_name or "", number, first_at, count)
        for vendor_id, vendor_name, user_id, user_name, number, first_at, count in db.session.execute(stmt)
    ]


def vendors_holding(tender: Tender) -> list[Vendor]:
    """Every vendor with at least one download of any version (whom a correction must reach)."""
    ids = {h.vendor_id for h in holders(tender)}
    return [v for v in (db.session.get(Vendor, i) for i in sorted(ids)) if v is not None]
