"""The demo's notices of award and signed contract (for the ``awarded`` stage, on top of ``negotiated`` once
the recommendation is frozen and every bound municipality approved it).

``issue_notices`` sends every bidder its notice through tender.award.notice_operations, as the page does
(the demo has no mail server: each mail that cannot go is recorded in the audit trail and the notices stand
in the portal). ``sign_contract`` takes the demo's one shortcut, recorded as such in the audit trail: the
standstill period is moved to end now instead of waiting ten days (as ``pass_bid_deadline`` moves the bid
deadline); then the lead records the signed contract, a PDF the demo makes, with its hash.

Demo data only: the signatories and the contract document are made up.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph

from tender import audit
from tender.award import notice_operations as notice_ops
from tender.award.models import NoticeIssue
from tender.award.operations import contract_of, notice_issue_of
from tender.clock import now
from tender.demo.stages import BIDDERS, DEMO, _lead
from tender.errors import DomainError
from tender.extensions import db
from tender.reports.pdf_pages import build_a4
from tender.reports.spec_pdf import fonts
from tender.tenders.models import Role, Tender


def issue_notices(tender: Tender) -> NoticeIssue:
    """Issue the notices of award to every bidder of the final round (once: a second run changes nothing).
    DomainError while not every bound municipality has approved the recommendation."""
    found = notice_issue_of(tender)
    if found is not None:
        return found
    return notice_ops.issue_notices(tender, actor=_lead())


def pass_standstill(tender: Tender) -> None:
    """The demo's shortcut: the standstill period is moved to end at this moment (the sending time moves
    back by as much), instead of waiting. No page offers this; the audit trail records it as the demo's own
    step. Nothing to do once it is over."""
    issue = notice_issue_of(tender)
    if issue is None:
        raise DomainError("Meddelelsene om tildeling er ikke sendt; karensperioden har ikke begynt.")
    at = now()
    if issue.standstill_ends_at <= at:
        return
    shift = issue.standstill_ends_at - at
    before = issue.standstill_ends_at
    issue.issued_at -= shift
    issue.standstill_ends_at = at
    db.session.flush()
    audit.record(
        "demo.standstill_passed",
        tender,
        actor=DEMO,
        payload={
            "before": before.isoformat(),
            "after": at.isoformat(),
            "why": "Demoen flytter slutten av karensperioden til nå i stedet for å vente på den.",
        },
    )


def _contract_pdf(tender: Tender, vendor: str, signatories: list[str]) -> bytes:
    f = fonts()
    body = ParagraphStyle("body", fontName=f.regular, fontSize=10, leading=13.5, spaceAfter=6)
    title = ParagraphStyle("title", parent=body, fontName=f.bold, fontSize=15, leading=19)
    lines = [
        Paragraph(escape(f"Kontrakt – {tender.title}"), title),
        Paragraph(escape(f"Saksnummer {tender.case_reference}. Leverandør: {vendor}."), body),
        Paragraph("Signert av:", body),
        *(Paragraph(escape(s), body) for s in signatories),
        Paragraph("Demodokument: laget av demoen, ikke en ekte kontrakt.", body),
    ]
    return build_a4(lines, title=f"Kontrakt – {tender.title}", footer="Demo")


def sign_contract(tender: Tender) -> None:
    """After the notices: move past the standstill (the demo's shortcut) and record the signed contract,
    signed by each bound municipality's signer and the chosen vendor's contact (once only)."""
    if contract_of(tender) is not None:
        return
    pass_standstill(tender)
    issue = notice_issue_of(tender)
    assert issue is not None
    winner = next(n for n in issue.notices if n.chosen)
    bound = {m.id for m in tender.bound_municipalities}
    for_municipalities = [
        f"{m.user.name} ({m.municipality.name})"
        for m in tender.memberships
        if m.role is Role.SIGNER and m.municipality is not None and m.municipality_id in bound
    ]
    person = next((b.person for b in BIDDERS if b.orgnr == winner.vendor.organisasjonsnummer), "Daglig leder")
    for_vendor = f"{person}, {winner.vendor.name}"
    data = _contract_pdf(tender, winner.vendor.name, [*for_municipalities, for_vendor])
    notice_ops.record_contract(
        tender,
        filename=f"kontrakt-{tender.id}-signert.pdf",
        data=data,
        signed_at=now(),
        signed_for_municipalities="\n".join(for_municipalities),
        signed_for_vendor=for_vendor,
        actor=_lead(),
    )
