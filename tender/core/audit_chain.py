"""The hash chain behind the audit trail, as pure functions.

Every event's hash covers its own content and the previous event's hash, so editing, deleting or
reordering a stored event breaks the chain at a place we can name.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

GENESIS_HASH = "0" * 64


def canonical_json(value: Any) -> str:
    """One text for one value: sorted keys, no insignificant whitespace, UTF-8 kept as is."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def utc_iso(moment: datetime) -> str:
    """Microsecond UTC timestamp text; the form the hash is computed over on every database."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime in the audit chain")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass(frozen=True)
class ChainedEvent:
    seq: int
    occurred_at: datetime
    actor_id: int | None
    actor_label: str
    event_type: str
    object_type: str | None
    object_id: str | None
    tender_id: int | None
    payload_json: str
    prev_hash: str
    hash: str


def event_hash(
    *,
    seq: int,
    occurred_at: datetime,
    actor_id: int | None,
    actor_label: str,
    event_type: str,
    object_type: str | None,
    object_id: str | None,
    tender_id: int | None,
    payload_json: str,
    prev_hash: str,
) -> str:
    content = canonical_json(
        {
            "seq": seq,
            "occurred_at": utc_iso(occurred_at),
            "actor_id": actor_id,
            "actor_label": actor_label,
            "event_type": event_type,
            "object_type": object_type,
            "object_id": object_id,
            "tender_id": tender_id,
            "payload": payload_json,
            "prev_hash": prev_hash,
        }
    )
    return hashlib.sha256(content.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ChainReport:
    intact: bool
    events_checked: int
    #: the first broken link, in words, or None
    problem: str | None = None
    broken_seq: int | None = None


def verify_chain(events: Iterable[ChainedEvent], head_seq: int, head_hash: str) -> ChainReport:
    """Walk the events in sequence order and name the first one that does not fit the chain.

    ``head_seq``/``head_hash`` are what the chain head says was written last; they catch deletion of
    the newest events, which no remaining event's hash could reveal.
    """
    expected_prev = GENESIS_HASH
    expected_seq = 1
    count = 0
    for ev in events:
        count += 1
        if ev.seq != expected_seq:
            return ChainReport(
                False,
                count,
                f"hendelse nr. {expected_seq} mangler (neste lagrede er nr. {ev.seq})",
                expected_seq,
            )
        if ev.prev_hash != expected_prev:
            return ChainReport(
                False,
                count,
                f"hendelse nr. {ev.seq} ({ev.event_type}) peker ikke på forrige hendelses hash",
                ev.seq,
            )
        recomputed = event_hash(
            seq=ev.seq,
            occurred_at=ev.occurred_at,
            actor_id=ev.actor_id,
            actor_label=ev.actor_label,
            event_type=ev.event_type,
            object_type=ev.object_type,
            object_id=ev.object_id,
            tender_id=ev.tender_id,
            payload_json=ev.payload_json,
            prev_hash=ev.prev_hash,
        )
        if recomputed != ev.hash:
            return ChainReport(
                False,
                count,
                f"hendelse nr. {ev.seq} ({ev.event_type}) er endret etter at den "
                "ble skrevet: innholdet stemmer ikke med hashen",
                ev.seq,
            )
        expected_prev = ev.hash
        expected_seq += 1
    if expected_seq - 1 != head_seq:
        return ChainReport(
            False,
            count,
            f"kjeden slutter ved nr. {expected_seq - 1}, men nr. {head_seq} er "
            "registrert skrevet: de siste hendelsene er slettet",
            expected_seq,
        )
    if expected_prev != head_hash:
        return ChainReport(False, count, "siste hendelse stemmer ikke med kjedens registrerte hode", head_seq)
    return ChainReport(True, count)


def payload_text(payload: Mapping[str, Any] | None) -> str:
    return canonical_json(dict(payload or {}))
