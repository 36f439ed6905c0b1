"""The demo tender's documents (konkurransegrunnlaget, issue 13 point 1), built through
tender.documents.operations in the lead's name: the invitation and an SSA-K contract as small PDFs, the
rest generated from the frozen data, published as version 1.

The integrator calls :func:`publish_documents` when building the ``negotiated`` stage, after
``publish_and_lock`` (the specification published, the evaluation model locked).
"""

from __future__ import annotations

from tender.demo import LEAD, _user
from tender.documents import operations as doc_ops
from tender.documents import pdf
from tender.documents.models import DocumentKind
from tender.formatting import format_datetime
from tender.tenders.models import Tender


def _invitation(tender: Tender) -> bytes:
    def when(value: object) -> str:
        return format_datetime(value) if value is not None else "ikke satt"  # type: ignore[arg-type]

    municipalities = ", ".join(m.name for m in tender.participating_municipalities)
    return pdf.render(
        "Konkurransebestemmelser",
        tender.title,
        [
            f"Saksnummer {tender.case_reference}. Oppdragsgivere: {municipalities}, som gjennomfører "
            "anskaffelsen i fellesskap.",
        ],
        [
            pdf.Section(
                "Prosedyre",
                [
                    f"Anskaffelsen gjennomføres som {tender.procedure.label.lower()} etter "
                    "anskaffelsesforskriften del III. Oppdragsgiverne forbeholder seg retten til å tildele "
                    "kontrakt på grunnlag av de første tilbudene, uten forhandlinger."
                ],
            ),
            pdf.Section(
                "Frister",
                [],
                [
                    ["Hva", "Frist"],
                    ["Spørsmål til konkurransegrunnlaget", when(tender.questions_deadline)],
                    ["Forespørsel om å delta", when(tender.participation_deadline)],
                    ["Tilbudsfrist", when(tender.bid_deadline)],
                ],
                (90, 80),
            ),
            pdf.Section(
                "Kommunikasjon",
                [
                    "All kommunikasjon om konkurransen skjer i portalen. Spørsmål besvares anonymisert til "
                    "alle leverandørene samtidig."
                ],
            ),
        ],
        "Konkurransebestemmelser",
    )


def _contract(tender: Tender) -> bytes:
    return pdf.render(
        "SSA-K Kjøpsavtalen",
        tender.title,
        [
            "Avtale om kjøp av programvare med tilhørende tjenester (Statens standardavtale SSA-K). Den "
            "generelle avtaleteksten gjelder uendret; bilagene fylles ut som angitt."
        ],
        [
            pdf.Section(
                "Bilag",
                [],
                [
                    ["Bilag", "Innhold"],
                    ["Bilag 1", "Kundens kravspesifikasjon"],
                    ["Bilag 2", "Leverandørens løsningsbeskrivelse"],
                    ["Bilag 7", "Pris og prisbestemmelser"],
                ],
                (40, 130),
            )
        ],
        "SSA-K Kjøpsavtalen",
    )


def publish_documents(tender: Tender) -> None:
    """Assemble and publish the demo tender's documents as version 1, in the lead's name: the SSA-K
    contract's labels prefilled, the invitation and the contract uploaded, the specification with its
    answer form, the price schedule, the award criteria (from the locked evaluation model) and, when the
    prequalification is frozen, the qualification requirements generated. Idempotent: a tender whose
    documents are published is left as it is. Needs the specification published and the model locked."""
    if doc_ops.current_version(tender) is not None:
        return
    lead = _user(*LEAD)
    draft = doc_ops.ensure_draft(tender, actor=lead)
    doc_ops.choose_agreement(tender, draft, "SSA-K", actor=lead)
    doc_ops.upload(
        tender,
        draft,
        kind=DocumentKind.INVITATION,
        label="",
        filename="konkurransebestemmelser.pdf",
        data=_invitation(tender),
        actor=lead,
    )
    doc_ops.upload(
        tender,
        draft,
        kind=DocumentKind.CONTRACT,
        label="",
        filename="ssa-k-kjopsavtalen.pdf",
        data=_contract(tender),
        actor=lead,
    )
    refusals = doc_ops.generation_refusals(tender)
    for kind in doc_ops.GENERATED_KINDS:
        if kind not in refusals:
            doc_ops.generate(tender, draft, kind, actor=lead)
    doc_ops.publish(tender, draft, actor=lead)
