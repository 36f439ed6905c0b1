"""The demo's questions and answers: one vendor asks, naming itself; the group removes the name, answers, the
municipalities approve and the lead publishes to every vendor at once. Through the same operations the
pages use, so the audit trail is the one a real tender would have.

Demo data only: the vendor's question and the group's answer are made up.
"""

from __future__ import annotations

from sqlalchemy import select

from tender.clock import now
from tender.demo import LEAD, SIGNERS, _user
from tender.demo.stages import BIDDERS, _vendor
from tender.errors import DomainError
from tender.extensions import db
from tender.questions import operations as ops
from tender.questions.models import Question
from tender.tenders.models import Tender

#: the asking vendor's own words: they name the vendor and its product, which the published text must not
QUESTION = (
    "Vi i {vendor} leverer i dag {system} til tre kommuner i Vestfold. Kravspesifikasjonen krever at "
    "løsningen er godkjent for Noark 5 versjon 5.0. Kan dere godta en løsning som i dag er godkjent for "
    "Noark 5 versjon 4.0, dersom godkjenningen for versjon 5.0 foreligger før driftsstart?"
)
#: the same question as published: nothing in it tells who asked
PUBLISHED = (
    "Kravspesifikasjonen krever at løsningen er godkjent for Noark 5 versjon 5.0. Kan oppdragsgiverne godta "
    "en løsning som i dag er godkjent for Noark 5 versjon 4.0, dersom godkjenningen for versjon 5.0 "
    "foreligger før driftsstart?"
)
ANSWER = (
    "Nei. Kravet om godkjenning for Noark 5 versjon 5.0 er et minstekrav og gjelder ved tilbudsfristen. "
    "Et tilbud på en løsning som ikke er godkjent for versjon 5.0 ved tilbudsfristen, vil bli avvist."
)


def ask_and_answer(tender: Tender) -> None:
    """The first bidder's seller asks (before the question deadline, which must be in the future), the lead
    edits out the vendor's name and product and answers, every municipality's signer approves and the lead
    publishes. Does nothing when the demo's question is already there (a stage run twice adds nothing)."""
    bidder = BIDDERS[0]
    vendor = _vendor(bidder.orgnr)
    asked = db.session.scalar(
        select(Question).where(Question.tender_id == tender.id, Question.vendor_id == vendor.id).limit(1)
    )
    if asked is not None:
        return
    if tender.questions_deadline is None or now() >= tender.questions_deadline:
        raise DomainError("Fristen for spørsmål er ute; demoens spørsmål kan ikke stilles nå.")
    seller = _user(bidder.email, bidder.person)
    lead = _user(*LEAD)
    question = ops.ask(
        tender,
        vendor,
        text=QUESTION.format(vendor=vendor.name, system=bidder.system),
        at=now(),
        actor=seller,
    )
    ops.save_draft(tender, question, published_text=PUBLISHED, answer_text=ANSWER, at=now(), actor=lead)
    sha256 = ops.current_sha256(question)
    if ops.approval_required(tender):
        for municipality in tender.participating_municipalities:
            signer = _user(*SIGNERS[municipality.kommunenummer])
            if municipality in ops.missing_approvals(tender, question):
                ops.approve(tender, question, sha256=sha256, at=now(), signer=signer)
    ops.publish(tender, question, sha256=sha256, at=now(), actor=lead)
