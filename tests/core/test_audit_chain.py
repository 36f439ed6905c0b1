from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

from tender.core.audit_chain import GENESIS_HASH, ChainedEvent, event_hash, payload_text, verify_chain

T0 = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)


def _chain(n: int) -> list[ChainedEvent]:
    events, prev = [], GENESIS_HASH
    for seq in range(1, n + 1):
        fields = dict(
            seq=seq,
            occurred_at=T0 + timedelta(seconds=seq),
            actor_id=1,
            actor_label="a@b.no",
            event_type="x.happened",
            object_type="tender",
            object_id="1",
            tender_id=1,
            payload_json=payload_text({"n": seq, "navn": "Kragerø"}),
            prev_hash=prev,
        )
        digest = event_hash(**fields)
        events.append(ChainedEvent(**fields, hash=digest))
        prev = digest
    return events


def test_an_untouched_chain_is_intact() -> None:
    events = _chain(5)
    report = verify_chain(events, 5, events[-1].hash)
    assert report.intact and report.events_checked == 5


def test_an_edited_payload_is_named_as_the_first_broken_link() -> None:
    events = _chain(5)
    events[2] = replace(events[2], payload_json=payload_text({"n": 3, "navn": "Skien"}))
    report = verify_chain(events, 5, events[-1].hash)
    assert not report.intact and report.broken_seq == 3
    assert "nr. 3" in (report.problem or "")


def test_a_deleted_event_in_the_middle_is_detected() -> None:
    events = _chain(5)
    del events[1]
    report = verify_chain(events, 5, events[-1].hash)
    assert not report.intact and report.broken_seq == 2


def test_deleting_the_newest_events_is_detected_by_the_head() -> None:
    events = _chain(5)
    report = verify_chain(events[:4], 5, events[-1].hash)
    assert not report.intact and "slettet" in (report.problem or "")


def test_a_recomputed_hash_after_an_edit_still_breaks_the_next_link() -> None:
    events = _chain(4)
    forged = replace(events[1], payload_json="{}")
    forged = replace(
        forged,
        hash=event_hash(
            **{
                k: getattr(forged, k)
                for k in (
                    "seq",
                    "occurred_at",
                    "actor_id",
                    "actor_label",
                    "event_type",
                    "object_type",
                    "object_id",
                    "tender_id",
                    "payload_json",
                    "prev_hash",
                )
            }
        ),
    )
    events[1] = forged
    report = verify_chain(events, 4, events[-1].hash)
    assert not report.intact and report.broken_seq == 3


def test_timestamps_in_other_zones_hash_like_their_utc_moment() -> None:
    oslo = timezone(timedelta(hours=1))
    a = event_hash(
        seq=1,
        occurred_at=T0,
        actor_id=None,
        actor_label="cli:root",
        event_type="e",
        object_type=None,
        object_id=None,
        tender_id=None,
        payload_json="{}",
        prev_hash=GENESIS_HASH,
    )
    b = event_hash(
        seq=1,
        occurred_at=T0.astimezone(oslo),
        actor_id=None,
        actor_label="cli:root",
        event_type="e",
        object_type=None,
        object_id=None,
        tender_id=None,
        payload_json="{}",
        prev_hash=GENESIS_HASH,
    )
    assert a == b
