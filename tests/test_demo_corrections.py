"""The demo's correction (tender/demo/corrections.py, for the ``negotiated`` stage), tried on the
``published`` stage (``tender demo --stage published``, i.e. build_stage), through the corrections'
operations in the names of the lead and the six signers."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from tender.audit import AuditEvent


def test_the_demo_correction_changes_one_text_adds_one_requirement_and_is_approved_by_all_six(
    app, runner, db
) -> None:
    from tender.corrections import operations as corrections
    from tender.corrections.models import Correction
    from tender.demo.corrections import ADDED_TEXT, REASON, publish_correction
    from tender.demo.stages import demo_tender
    from tender.requirements import operations as spec_ops
    from tender.web.transactions import transaction
    from tests.evaluation_helpers import Clock

    result = runner.invoke(args=["demo", "--stage", "published"])
    assert result.exit_code == 0, result.output
    tender = demo_tender()
    deadline = tender.bid_deadline
    # the deadline close enough that the lead must decide about extending it
    previous = app.config.get("CLOCK")
    app.config["CLOCK"] = Clock(deadline - timedelta(days=2))
    try:
        with transaction():
            publish_correction(tender)
        with transaction():
            publish_correction(tender)  # a second call does nothing
    finally:
        app.config["CLOCK"] = previous
    db.session.expire_all()
    [published] = corrections.corrections_of(tender)
    assert published.reason == REASON and published.number == 1
    spec = spec_ops.specification_of(tender)
    assert spec.published_version.number == 2 and not spec.correction_open
    version = spec.published_version
    assert len(version.decisions) == len(tender.participating_municipalities) == 6
    assert {d.content_hash for d in version.decisions} == {version.content_hash}
    correction = db.session.scalar(select(Correction))
    diff = corrections.correction_diff(correction, spec)
    assert [r.text for r in diff.added] == [ADDED_TEXT]
    assert len(diff.changed) == 1 and diff.changed[0].field("text") is not None
    assert diff.removed == ()
    # the deadline question was asked and decided: a week more
    assert published.deadline_question and published.deadline_extended_to == deadline + timedelta(days=7)
    assert tender.bid_deadline == deadline + timedelta(days=7)
    events = db.session.scalars(
        select(AuditEvent.event_type).where(AuditEvent.event_type.like("correction.%"))
    ).all()
    assert events.count("correction.published") == 1 and "correction.deadline_extended" in events
