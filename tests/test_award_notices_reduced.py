"""A vendor let go at a reduction of the negotiation is an affected vendor (FOA § 25-1; directive 2007/66/EC
art. 2a(2): concerned until definitively excluded): the snapshot the municipalities sign lists it (format 3,
``reduced``), and it gets its notice of award at the same moment as the bidders of the final round, mailed and
audited the same way, telling it the round and reason of its reduction and the winner's points and reasons,
never another losing bidder's name or points nor its own earlier points. It reads its own notice in the
portal and no other; nobody else but the group reads it."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

from tender.formatting import format_number
from tests.award_helpers import approved_recommendation
from tests.negotiation_helpers import negotiation_setup
from tests.reduced_award_helpers import REASON, reduced_award
from tests.test_award_notices import events, pdf_text

#: marked names: the winner, the other losing bidder (round 2) and the reduced vendor (left after round 1)
WINNER, LOSER, REDUCED = "Vinner Alfa AS", "Taper Bravo AS", "Redusert Charlie AS"


@pytest.fixture
def s(db: Any, create_tender: Any, add_member: Any, create_user: Any, clock: Any) -> Any:
    return reduced_award(db, create_tender, add_member, create_user, clock, names=(WINNER, LOSER, REDUCED))


def _snapshot(tender: Any) -> dict[str, Any]:
    from tender.award.operations import current_recommendation

    rec = current_recommendation(tender)
    assert rec is not None
    return json.loads(rec.content_json)  # type: ignore[no-any-return]


# -- the snapshot --------------------------------------------------------------------------------------------
def test_the_snapshot_in_format_3_lists_the_reduced_vendor_with_its_round_reason_and_last_bid(
    db: Any, s: Any
) -> None:
    from sqlalchemy import select

    from tender.bids.models import Bid

    content = _snapshot(s.tender)
    assert content["format"] == 3 and content["round_no"] == 2
    c_bid = db.session.scalar(
        select(Bid).where(Bid.tender_id == s.tender.id, Bid.vendor_id == s.vendors[2].id)
    )
    assert c_bid.round_no == 1
    assert content["reduced"] == [
        {
            "vendor_id": s.vendors[2].id,
            "vendor": REDUCED,
            "round_no": 1,
            "reason": REASON,
            "bid_id": c_bid.id,
        }
    ]
    # the bids of the final round are the two left, the reduced one is not among them
    assert sorted(b["vendor"] for b in content["bids"]) == [LOSER, WINNER]


def test_a_tender_without_a_reduction_has_an_empty_reduced_part(
    db: Any, create_tender: Any, add_member: Any, create_user: Any, clock: Any
) -> None:
    s = negotiation_setup(db, create_tender, add_member, create_user, clock)
    approved_recommendation(s.tender)
    db.session.commit()
    content = _snapshot(s.tender)
    assert content["format"] == 3 and content["reduced"] == []


def test_a_snapshot_frozen_in_format_2_rebuilds_byte_identical_without_the_reduced_part(
    db: Any, s: Any
) -> None:
    """A recommendation frozen before format 3 (the same tender, reduction and all) keeps its hash: it is
    rebuilt in format 2, which has no ``reduced``, so nothing lapses by the change of format alone."""
    from tender.award import recommendation_operations as ops
    from tender.award import snapshot as snap
    from tender.award.models import RecommendationState
    from tender.award.operations import current_recommendation

    rec = current_recommendation(s.tender)
    old = {k: v for k, v in json.loads(rec.content_json).items() if k != "reduced"}
    old["format"] = 2
    rec.content_json = snap.canonical(old)
    rec.content_sha256 = snap.digest(rec.content_json)
    db.session.commit()
    assert snap.format_of(rec) == 2
    rebuilt = snap.build_snapshot(s.tender, rec)
    assert "reduced" not in rebuilt
    assert snap.canonical(rebuilt) == rec.content_json
    assert snap.live_hash(s.tender, rec) == rec.content_sha256
    assert not ops.check_lapse(s.tender, s.lead)
    assert rec.state is RecommendationState.FROZEN
    # a new freezing is made in format 3, with the reduced vendor
    assert snap.format_of(rec, snap.header_of(rec, freezing=True)) == snap.FORMAT == 3


def test_the_signers_page_shows_the_reduced_vendor_with_its_round_and_reason(
    db: Any, s: Any, client: Any, login_as: Any
) -> None:
    from tender.award.operations import current_recommendation
    from tender.tenders.models import Role

    rec = current_recommendation(s.tender)
    signer = next(m.user for m in s.tender.memberships if m.role is Role.SIGNER)
    login_as(signer)
    page = client.get(f"/konkurranser/{s.tender.id}/tildeling/innstilling/{rec.id}").get_data(as_text=True)
    section = page.split('id="reduserte"')[1].split("</section>")[0]
    assert "Leverandører som ble redusert bort under forhandlingene" in section
    assert f"{REDUCED}: ute etter runde 1. Begrunnelse: {REASON}" in section
    assert "får også meddelelse om tildeling" in section


def test_the_leads_draft_page_shows_the_vendors_the_snapshot_will_list_as_reduced(
    db: Any, create_tender: Any, add_member: Any, create_user: Any, clock: Any, client: Any, login_as: Any
) -> None:
    from tender.award import recommendation_operations as ops
    from tender.award.operations import current_recommendation

    s = reduced_award(db, create_tender, add_member, create_user, clock, names=(WINNER, LOSER, REDUCED))
    rec = current_recommendation(s.tender)
    ops.withdraw(s.tender, rec, reason="Ny runde med begrunnelser.", actor=s.lead)
    ops.start_draft(s.tender, actor=s.lead)
    db.session.commit()
    login_as(s.lead)
    page = client.get(f"/konkurranser/{s.tender.id}/tildeling/innstilling").get_data(as_text=True)
    section = page.split('id="reduserte"')[1].split("</section>")[0]
    assert f"{REDUCED}: ute etter runde 1. Begrunnelse: {REASON}" in section


# -- issuing -------------------------------------------------------------------------------------------------
def test_the_reduced_vendor_gets_its_notice_at_the_same_moment_mailed_and_audited(
    app: Any, db: Any, s: Any, smtp_server: Any
) -> None:
    from tender.award import notice_operations as ops

    port, received = smtp_server
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    try:
        issue = ops.issue_notices(s.tender, actor=s.lead)
        db.session.commit()
    finally:
        app.config.update(MAIL_SERVER="")
    content = _snapshot(s.tender)
    assert sorted(n.vendor.name for n in issue.notices) == [REDUCED, LOSER, WINNER]
    notice = next(n for n in issue.notices if n.vendor_id == s.vendors[2].id)
    assert notice.chosen is False
    assert notice.bid_id == content["reduced"][0]["bid_id"]
    assert notice.issue.issued_at == issue.issued_at  # one issue, one moment, one standstill
    assert notice.mailed_to.splitlines() == [s.vendor_users[2].email]
    [message] = [m for m in received if m["To"] == s.vendor_users[2].email]
    [attachment] = [p for p in message.walk() if p.get_filename()]
    assert attachment.get_payload(decode=True) == notice.data
    [body] = [p for p in message.walk() if p.get_content_type() == "text/plain" and not p.get_filename()]
    assert f"til {REDUCED}" in body.get_payload(decode=True).decode("utf-8")
    made = {e["vendor"]: e for e in events(s.tender, "award.notice_made")}
    assert set(made) == {WINNER, LOSER, REDUCED}
    assert made[REDUCED]["sha256"] == notice.sha256
    [issued] = events(s.tender, "award.notices_issued")
    assert issued["notices"] == 3
    assert events(s.tender, "award.notice_mail_failed") == []


def test_a_failed_mail_to_the_reduced_vendor_is_logged_and_the_notice_stands(
    db: Any, s: Any, app: Any
) -> None:
    from tender.award import notice_operations as ops

    app.config.update(MAIL_SERVER="")
    issue = ops.issue_notices(s.tender, actor=s.lead)
    db.session.commit()
    notice = next(n for n in issue.notices if n.vendor_id == s.vendors[2].id)
    assert notice.mailed_to == "" and notice.data.startswith(b"%PDF-")
    failed = [f for f in events(s.tender, "award.notice_mail_failed") if f["vendor"] == REDUCED]
    assert [f["email"] for f in failed] == [s.vendor_users[2].email]


def test_the_reduced_vendors_notice_says_the_round_and_reason_names_the_winner_and_nothing_of_the_others(
    db: Any, s: Any
) -> None:
    from tender.award import notice_operations as ops
    from tender.negotiation.operations import ranking

    issue = ops.issue_notices(s.tender, actor=s.lead)
    db.session.commit()
    content = _snapshot(s.tender)
    bids = {b["vendor"]: b for b in content["bids"]}
    text = pdf_text(next(n for n in issue.notices if n.vendor_id == s.vendors[2].id).data)
    assert f"Til: {REDUCED}" in text
    assert f"tildele kontrakten til {WINNER}" in text
    assert "Tilbudet deres ble ikke tatt videre etter runde 1 av forhandlingene" in text
    assert REASON in text
    # the winner's points per criterion and total, and its characteristics
    for value in [bids[WINNER]["total"], *bids[WINNER]["points"].values()]:
        assert format_number(Decimal(value), 2) in text, value
    assert "Det valgte tilbudet er best" in text
    # the standstill and the way to complain, as in every notice
    assert "Karensperioden er 10 dager" in text and "21. januar 2027 kl. 24.00" in text
    assert "saksnummer" in text
    # no other losing bidder: not its name, not its comparison texts, not its total
    assert "Bravo" not in text and "Bedre enn tilbudet" not in text
    loser_total = format_number(Decimal(bids[LOSER]["total"]), 2)
    assert loser_total != format_number(Decimal(bids[WINNER]["total"]), 2)
    assert loser_total not in text
    # nor its own points of round 1 (that round's scale of comparison is not the final one)
    [own_then] = [r for r in ranking(s.tender, 1) if r.vendor.id == s.vendors[2].id]
    own_total = format_number(own_then.total, 2)
    assert own_total not in [format_number(Decimal(v), 2) for v in bids[WINNER]["points"].values()]
    assert own_total not in text
    assert "rangert som nummer" not in text and "(dere)" not in text


def test_the_other_notices_do_not_name_the_reduced_vendor(db: Any, s: Any) -> None:
    from tender.award import notice_operations as ops

    issue = ops.issue_notices(s.tender, actor=s.lead)
    db.session.commit()
    for notice in issue.notices:
        if notice.vendor_id != s.vendors[2].id:
            text = pdf_text(notice.data)
            assert "Charlie" not in text and REASON not in text, notice.vendor.name


# -- who reads it --------------------------------------------------------------------------------------------
def test_the_reduced_vendor_reads_its_own_notice_and_gets_404_on_the_others(
    db: Any, s: Any, client: Any, login_as: Any
) -> None:
    from tender.award import notice_operations as ops

    issue = ops.issue_notices(s.tender, actor=s.lead)
    db.session.commit()
    by_vendor = {n.vendor_id: n for n in issue.notices}
    base = f"/konkurranser/{s.tender.id}/tildeling/meddelelser"
    login_as(s.vendor_users[2])
    page = client.get(base)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert f"Meddelelse om tildeling til {REDUCED} (PDF)" in html
    assert WINNER not in html and LOSER not in html and "Det finnes ingen meddelelse" not in html
    own = client.get(f"{base}/{by_vendor[s.vendors[2].id].id}.pdf")
    assert own.status_code == 200 and own.data == by_vendor[s.vendors[2].id].data
    for other in (s.vendors[0], s.vendors[1]):
        assert client.get(f"{base}/{by_vendor[other.id].id}.pdf").status_code == 404
    # the other vendors cannot read the reduced vendor's notice
    for user in s.vendor_users[:2]:
        login_as(user)
        assert client.get(f"{base}/{by_vendor[s.vendors[2].id].id}.pdf").status_code == 404
        assert REDUCED not in client.get(base).get_data(as_text=True)


def test_the_group_sees_the_reduced_vendors_notice_marked_as_such(
    db: Any, s: Any, client: Any, login_as: Any
) -> None:
    from tender.award import notice_operations as ops

    issue = ops.issue_notices(s.tender, actor=s.lead)
    db.session.commit()
    notice = next(n for n in issue.notices if n.vendor_id == s.vendors[2].id)
    login_as(s.evaluators[0])
    base = f"/konkurranser/{s.tender.id}/tildeling/meddelelser"
    html = client.get(base).get_data(as_text=True)
    row = html.split(f"<tr><td>{REDUCED}")[1].split("</tr>")[0]
    assert "(redusert bort etter runde 1)" in row and notice.sha256 in row
    assert client.get(f"{base}/{notice.id}.pdf").data == notice.data


def test_the_protocol_lists_the_reduced_vendors_notice_and_validates(app: Any, db: Any, s: Any) -> None:
    from tender.award import notice_operations as ops
    from tender.protocol.operations import protocol_of
    from tests.test_protocol import problems

    ops.issue_notices(s.tender, actor=s.lead)
    db.session.commit()
    protocol = json.loads(json.dumps(protocol_of(s.tender)))
    assert problems(protocol) == []
    notices = {n["vendor"]: n for n in protocol["award"]["notices"]["notices"]}
    assert set(notices) == {WINNER, LOSER, REDUCED} and notices[REDUCED]["chosen"] is False
    [rec] = protocol["award"]["recommendations"]
    assert rec["content"]["format"] == 3 and rec["content"]["reduced"][0]["vendor"] == REDUCED
