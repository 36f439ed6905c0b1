"""The demo's questions and answers (tender.demo.questions.ask_and_answer), on the demo tender built to its
``published`` stage: the question deadline is still ahead there, as it will be in the ``negotiated`` stage
after a new bid round was called."""

from __future__ import annotations

import json

from sqlalchemy import select


def test_the_demo_asks_removes_the_askers_name_answers_approves_and_publishes_once(db) -> None:
    from tender.audit import AuditEvent
    from tender.audit import labels as audit_labels
    from tender.clock import now
    from tender.demo.questions import ANSWER, PUBLISHED, ask_and_answer
    from tender.demo.stages import BIDDERS, build_stage
    from tender.questions import operations as ops
    from tender.web.transactions import transaction

    tender = build_stage("published")
    assert tender.questions_deadline is not None and now() < tender.questions_deadline
    with transaction():
        ask_and_answer(tender)

    [question] = ops.questions_of(tender)
    asker = BIDDERS[0]
    assert question.vendor.organisasjonsnummer == asker.orgnr
    # the vendor named itself and its product; what every vendor reads names neither
    assert question.vendor.name in question.original_text and asker.system in question.original_text
    [entry] = ops.published_questions(tender)
    assert (entry.number, entry.question, entry.answer) == (1, PUBLISHED, ANSWER)
    assert question.vendor.name not in entry.question and asker.system not in entry.question
    # a joint tender: every municipality approved exactly these texts before the publication
    assert ops.approval_required(tender)
    assert sorted(a.municipality_id for a in ops.valid_approvals(question)) == sorted(
        m.id for m in tender.participating_municipalities
    )

    with transaction():  # a stage run twice adds nothing
        ask_and_answer(tender)
    assert len(ops.questions_of(tender)) == 1

    events = db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.tender_id == tender.id, AuditEvent.event_type.startswith("question")
        )
    ).all()
    kinds = [e.event_type for e in events]
    assert kinds[0] == "question.asked" and kinds[-1] == "question.published"
    assert kinds.count("question.approved") == len(tender.participating_municipalities)
    for event in events:  # the trail reads every field of these events in Norwegian
        assert event.event_type in audit_labels.EVENT_LABELS
        assert set(json.loads(event.payload_json)) <= audit_labels.FIELD_LABELS.keys(), event.event_type
