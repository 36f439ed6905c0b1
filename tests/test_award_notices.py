"""The notices of award (issue 14, point 5): issued to every bidder at one moment once every bound
municipality approved, one PDF each made from the frozen snapshot, mailed to each vendor's users, and never
carrying another losing bidder's name or scores."""

from __future__ import annotations

import json
import subprocess
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from tender.formatting import format_number
from tests.award_helpers import approved_recommendation
from tests.negotiation_helpers import negotiation_setup

#: a Wednesday in Oslo: ten days later is Saturday 2 January 2027
ISSUED = datetime(2026, 12, 23, 9, 0, tzinfo=UTC)


def pdf_text(data: bytes) -> str:
    done = subprocess.run(
        ["pdftotext", "-q", "-", "-"], input=data, capture_output=True, timeout=60, check=True
    )
    return " ".join(done.stdout.decode("utf-8").split())


@pytest.fixture
def awarded(db: Any, create_tender: Any, add_member: Any, create_user: Any, clock: Any) -> Any:
    """Three bids scored (A best), C rejected; a frozen recommendation approved by both municipalities."""
    from tender.evaluation import operations as ev

    s = negotiation_setup(db, create_tender, add_member, create_user, clock)
    third = next(b for b in ev.opened_bids(s.tender) if b.vendor_id == s.vendors[2].id)
    ev.reject_bid(
        s.tender, third, reason="Tilbudet oppfyller ikke minstekravet om Noark 5-sertifisering.", actor=s.lead
    )
    db.session.commit()
    approved_recommendation(s.tender)
    db.session.commit()
    clock.set(ISSUED)
    return s


def events(tender: Any, kind: str) -> list[dict[str, Any]]:
    from sqlalchemy import select

    from tender.audit import AuditEvent
    from tender.extensions import db

    return [
        json.loads(e.payload_json)
        for e in db.session.scalars(
            select(AuditEvent).where(AuditEvent.tender_id == tender.id, AuditEvent.event_type == kind)
        )
    ]


def test_the_notices_are_refused_and_the_attempt_logged_before_every_municipality_approved(
    db: Any, create_tender: Any, add_member: Any, create_user: Any, clock: Any
) -> None:
    from tender.award import notice_operations as ops
    from tender.award.operations import notice_issue_of
    from tender.errors import DomainError

    s = negotiation_setup(db, create_tender, add_member, create_user, clock)
    approved_recommendation(s.tender, approve=1)
    db.session.commit()
    with pytest.raises(DomainError) as refused:
        ops.issue_notices(s.tender, actor=s.lead)
    assert "før alle kommunene" in refused.value.message
    db.session.commit()
    assert notice_issue_of(s.tender) is None
    assert [e["reason"] for e in events(s.tender, "award.notices_refused")] == [refused.value.message]


def test_every_bidder_gets_one_notice_issued_at_one_moment_with_the_standstill_end(
    db: Any, awarded: Any
) -> None:
    from tender.award import notice_operations as ops

    issue = ops.issue_notices(awarded.tender, actor=awarded.lead)
    db.session.commit()
    assert issue.issued_at == ISSUED
    assert issue.standstill_days == 10
    # ten days from Thursday 24 December: the last day is Saturday 2 January, ending 24:00 Oslo time
    assert issue.standstill_ends_at == datetime(2027, 1, 2, 23, 0, tzinfo=UTC)
    notices = issue.notices
    assert sorted(n.vendor.name for n in notices) == ["Leverandør A AS", "Leverandør B AS", "Leverandør C AS"]
    assert [n.vendor.name for n in notices if n.chosen] == ["Leverandør A AS"]
    for n in notices:
        import hashlib

        assert n.sha256 == hashlib.sha256(n.data).hexdigest()
        assert n.data.startswith(b"%PDF-")
    [made] = events(awarded.tender, "award.notices_issued")
    assert made["standstill_ends_at"] == "2027-01-02T23:00:00+00:00"
    assert made["content_sha256"] == issue.content_sha256
    assert len(events(awarded.tender, "award.notice_made")) == 3


def test_the_notices_are_issued_once_only(db: Any, awarded: Any) -> None:
    from tender.award import notice_operations as ops
    from tender.errors import DomainError

    ops.issue_notices(awarded.tender, actor=awarded.lead)
    db.session.commit()
    with pytest.raises(DomainError, match="bare én gang"):
        ops.issue_notices(awarded.tender, actor=awarded.lead)


def test_a_losing_bidders_notice_names_it_the_winner_both_sets_of_points_and_the_end_but_no_other_loser(
    db: Any, awarded: Any
) -> None:
    from tender.award import notice_operations as ops

    issue = ops.issue_notices(awarded.tender, actor=awarded.lead)
    db.session.commit()
    snapshot = json.loads(ops.recommendation_of(issue).content_json)
    by_name = {b["vendor"]: b for b in snapshot["bids"]}
    b_notice = next(n for n in issue.notices if n.vendor.name == "Leverandør B AS")
    text = pdf_text(b_notice.data)
    assert "Meddelelse om tildeling" in text
    assert "Til: Leverandør B AS" in text
    assert "tildele kontrakten til Leverandør A AS" in text
    # the snapshot's exact decimals, as the notice words them (two decimals, Norwegian form)
    for name in ("Leverandør A AS", "Leverandør B AS"):
        total = format_number(Decimal(by_name[name]["total"]), 2)
        assert total in text, (name, total)
    for key, value in by_name["Leverandør B AS"]["points"].items():
        assert format_number(Decimal(value), 2) in text, key
    assert "2. januar 2027" in text
    assert "lørdag" in text  # the warning about the last day
    assert "Bedre enn tilbudet fra Leverandør B AS" in text
    # no other losing bidder: C is named nowhere, nor its comparison texts
    assert "Leverandør C" not in text
    assert "Noark 5-sertifisering" not in text


def test_the_winners_notice_carries_no_losers_name_and_a_rejected_bidder_reads_why(
    db: Any, awarded: Any
) -> None:
    from tender.award import notice_operations as ops

    issue = ops.issue_notices(awarded.tender, actor=awarded.lead)
    db.session.commit()
    winner = pdf_text(next(n for n in issue.notices if n.chosen).data)
    assert "tildele kontrakten til Leverandør A AS" in winner
    assert "Leverandør B" not in winner and "Leverandør C" not in winner
    assert "Det valgte tilbudet er best" in winner
    rejected = pdf_text(next(n for n in issue.notices if n.vendor.name == "Leverandør C AS").data)
    assert "Tilbudet deres er avvist" in rejected
    assert "Noark 5-sertifisering" in rejected
    assert "Leverandør A AS" in rejected
    assert "Leverandør B" not in rejected


def test_each_active_vendor_user_gets_their_own_companys_notice_by_e_mail(
    app: Any, db: Any, awarded: Any, smtp_server: Any, add_member: Any, create_user: Any
) -> None:
    from tender.award import notice_operations as ops
    from tender.tenders.models import Role

    colleague = add_member(
        awarded.tender, Role.VENDOR, create_user(name="Kollega B"), vendor=awarded.vendors[1]
    )
    gone = add_member(awarded.tender, Role.VENDOR, create_user(name="Sluttet B"), vendor=awarded.vendors[1])
    gone.active = False
    db.session.commit()
    port, received = smtp_server
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    try:
        issue = ops.issue_notices(awarded.tender, actor=awarded.lead)
        db.session.commit()
    finally:
        app.config.update(MAIL_SERVER="")
    assert sorted(m["To"] for m in received) == sorted(
        [u.email for u in awarded.vendor_users] + [colleague.email]
    )
    b_notice = next(n for n in issue.notices if n.vendor.name == "Leverandør B AS")
    assert b_notice.mailed_to.splitlines() == sorted([awarded.vendor_users[1].email, colleague.email])
    for message in received:
        [attachment] = [p for p in message.walk() if p.get_filename()]
        data = attachment.get_payload(decode=True)
        notice = next(n for n in issue.notices if n.data == data)
        assert message["To"] in notice.mailed_to.splitlines()
    assert events(awarded.tender, "award.notice_mail_failed") == []


def test_a_mail_that_cannot_be_sent_leaves_the_notice_standing_and_is_logged(
    app: Any, db: Any, awarded: Any
) -> None:
    from tender.award import notice_operations as ops

    app.config.update(MAIL_SERVER="")
    issue = ops.issue_notices(awarded.tender, actor=awarded.lead)
    db.session.commit()
    assert len(issue.notices) == 3
    assert all(n.mailed_to == "" for n in issue.notices)
    failed = events(awarded.tender, "award.notice_mail_failed")
    assert sorted(f["email"] for f in failed) == sorted(u.email for u in awarded.vendor_users)


def test_a_standstill_below_the_statutory_minimum_is_refused(db: Any, awarded: Any) -> None:
    from tender.award import notice_operations as ops
    from tender.award.operations import notice_issue_of
    from tender.errors import DomainError

    with pytest.raises(DomainError, match="minst 10 dager"):
        ops.issue_notices(awarded.tender, actor=awarded.lead, days=7)
    db.session.rollback()
    assert notice_issue_of(awarded.tender) is None


def test_a_longer_standstill_becomes_the_tenders_setting(db: Any, awarded: Any) -> None:
    from tender.award import notice_operations as ops

    issue = ops.issue_notices(awarded.tender, actor=awarded.lead, days=15)
    db.session.commit()
    assert awarded.tender.standstill_days == 15
    assert issue.standstill_ends_at - ISSUED > timedelta(days=15)


def test_the_notice_shows_the_option_municipalities_apart_and_they_need_not_approve(
    db: Any, create_tender: Any, add_member: Any, create_user: Any, clock: Any
) -> None:
    from tender.award import notice_operations as ops

    s = negotiation_setup(db, create_tender, add_member, create_user, clock)
    porsgrunn = next(tm for tm in s.tender.municipalities if tm.municipality.name == "Porsgrunn")
    porsgrunn.option = True
    db.session.commit()
    approved_recommendation(s.tender)  # Skien alone signs off
    db.session.commit()
    clock.set(ISSUED)
    issue = ops.issue_notices(s.tender, actor=s.lead)
    db.session.commit()
    text = pdf_text(issue.notices[0].data)
    assert "Oppdragsgivere: Skien " in text
    assert "Opsjonskommuner (kan slutte seg til kontrakten senere): Porsgrunn" in text


def test_after_the_notices_the_result_they_told_of_cannot_change_nor_the_recommendation_be_withdrawn(
    db: Any, awarded: Any
) -> None:
    from tender.audit import AuditEvent
    from tender.award import notice_operations as ops
    from tender.award import recommendation_operations as rec_ops
    from tender.award.models import RecommendationState
    from tender.award.operations import current_recommendation, valid_sign_offs
    from tender.errors import DomainError
    from tender.evaluation import operations as ev
    from tender.evaluation_model import operations as model_ops

    ops.issue_notices(awarded.tender, actor=awarded.lead)
    db.session.commit()
    rec = current_recommendation(awarded.tender)
    with pytest.raises(DomainError, match="kan ikke trekkes"):
        rec_ops.withdraw(awarded.tender, rec, reason="Vi angrer.", actor=awarded.lead)
    db.session.rollback()
    winner = next(b for b in ev.opened_bids(awarded.tender) if b.id == rec.winner_bid_id)
    leaf = model_ops.quality_leaves(awarded.tender)[0]
    saved = ev.consensus_scores(awarded.tender)[(winner.id, leaf.id)]
    with pytest.raises(DomainError, match="evalueringen kan ikke endres"):
        ev.save_consensus(
            awarded.tender,
            winner,
            leaf,
            score=Decimal(1),
            justification="Endret etter meddelelsene.",
            expected_version=saved.lock_version,
            actor=awarded.lead,
        )
    db.session.rollback()
    rec = current_recommendation(awarded.tender)
    assert rec.state is RecommendationState.FROZEN and len(valid_sign_offs(rec)) == 2
    assert db.session.query(AuditEvent).filter_by(event_type="award.sign_offs_lapsed").count() == 0
