"""The audit trail before the opening: the lead sees the group's own events, and nothing of what the vendors
do or of any bid or sample (issue 9, point 3); after the opening everything, as before.

The rule is tested both ways: an event hidden only because a vendor user did it (its name says nothing of
bids), and one hidden only because it is about a sample (recorded by the validation worker, not by a vendor).
"""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import func, not_, select

from tender import audit
from tender.audit import AuditEvent, vendor_activity
from tender.bids import operations as bid_ops
from tender.tenders.models import Membership
from tests.evaluation_helpers import AFTER, BEFORE, ORGNR, open_all, setup_tender, submit_bid


@pytest.fixture
def s(db, create_tender, add_member, create_user):
    return setup_tender(db, create_tender, add_member, create_user)


def _trail(client, s, query: str = "") -> str:
    response = client.get(f"/konkurranser/{s.id}/revisjonsspor{query}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _options(html: str, select_id: str) -> list[str]:
    block = re.search(rf'<select id="{select_id}"[^>]*>(.*?)</select>', html, re.S)
    assert block, f"no <select id={select_id}>"
    return re.findall(r'<option value="([^"]*)"', block.group(1))


def _rows(html: str) -> list[tuple[str, str]]:
    """(event type, the row's HTML) for every row of the trail's table."""
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    # the rows name the event in Norwegian (issue 11, point 5); the identifier is kept in data-event
    return re.findall(r'<tr data-event="([a-z_]+\.[a-z_.]+)">(.*?)</tr>', body, re.S)


def _vendor_activity(db, s) -> None:
    """Vendor A submits, vendor B keeps a draft with an attachment it also removed once, B tries too late."""
    submit_bid(db, s, 0)
    draft = bid_ops.ensure_bid(s.tender, s.vendors[1], at=BEFORE, actor=s.vendor_users[1])
    bid_ops.add_attachment(
        s.tender,
        draft,
        filename="hemmelig-prisnotat.pdf",
        content_type="application/pdf",
        data=b"%PDF-1.4 hemmelig",
        at=BEFORE,
        actor=s.vendor_users[1],
    )
    gone = bid_ops.add_attachment(
        s.tender,
        draft,
        filename="feil-fil.docx",
        content_type="application/msword",
        data=b"feil",
        at=BEFORE,
        actor=s.vendor_users[1],
    )
    bid_ops.delete_attachment(s.tender, draft, gone, at=BEFORE, actor=s.vendor_users[1])
    db.session.commit()
    bid_ops.record_late_attempt(s.tender, s.vendors[1], action="submit", at=AFTER, actor=s.vendor_users[1])
    db.session.commit()


def test_before_the_opening_the_lead_sees_no_vendor_event_nor_any_trace_of_one(
    client, db, login_as, clock, s
) -> None:
    _vendor_activity(db, s)
    login_as(s.lead)
    for moment in (BEFORE, AFTER):  # before the deadline, and after it while the bids are still unopened
        clock.set(moment)
        html = _trail(client, s)
        for secret in ("bid.", "hemmelig-prisnotat.pdf", "feil-fil.docx", "late_attempt"):
            assert secret not in html, secret
        # the vendors are named only where the group itself added them to the tender; their users came in by
        # the operator's command line (issue 9 point 1: the group cannot add them), which is the vendor's side
        naming = {row_type for row_type, row in _rows(html) if ORGNR[0] in row or ORGNR[1] in row}
        assert naming == {"tender.vendor_added"}, naming
        for seller in s.vendor_users:
            assert seller.email not in html, seller.email
        assert "vises først etter åpningen" in html
        offered = _options(html, "type") + _options(html, "objekttype")
        assert not any(o.startswith("bid") for o in offered), offered
        # the group's own events are there, and the totals count only them
        assert "evaluation.model_frozen" in html and "specification.published" in html
        shown = db.session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.tender_id == s.id, not_(vendor_activity(s.id)))
        )
        assert f"<p>{shown} hendelser." in html
        # no sequence numbers, whose gaps would count the hidden events
        assert '<th scope="col">Nr.</th>' not in html


def test_before_the_opening_no_filter_finds_a_bid(client, db, login_as, clock, s) -> None:
    _vendor_activity(db, s)
    bid = bid_ops.bid_of(s.tender, s.vendors[0].id)
    login_as(s.lead)
    probes = [
        "?type=bid.submitted",
        "?type=bid.late_attempt",
        "?objekttype=bid",
        f"?objekttype=bid&objekt={bid.id}",
        "?type=bid.created&side=2",
    ]
    for query in probes:
        html = _trail(client, s, query)
        assert "0 hendelser med dette filteret." in html, query
        assert ORGNR[0] not in html and "<td>bid." not in html, query
    # the same answer as for a bid that does not exist
    missing = _trail(client, s, f"?objekttype=bid&objekt={bid.id + 1000}")
    probed = _trail(client, s, f"?objekttype=bid&objekt={bid.id}")
    strip = re.compile(r'(value|content)="[^"]*"|objekt=\d+|' + str(bid.id + 1000) + "|" + str(bid.id))
    assert strip.sub("", missing) == strip.sub("", probed)


def test_what_a_vendor_user_does_is_hidden_even_when_its_name_says_nothing_of_bids(
    client, db, login_as, clock, s
) -> None:
    from tender.auth import operations as accounts

    seller = s.vendor_users[0]
    issued = accounts.issue_invitation(seller, tender_id=s.id, invited_by=s.lead)
    db.session.commit()
    accounts.accept_invitation(issued.token, "et-nytt-langt-passord")
    db.session.commit()
    accepted = db.session.scalar(
        select(AuditEvent).where(AuditEvent.event_type == "invitation.accepted", AuditEvent.tender_id == s.id)
    )
    assert accepted.actor_id == seller.id
    login_as(s.lead)
    html = _trail(client, s)
    assert (
        "invitation.accepted" not in html and "invitation.issued" in html
    )  # the lead's own invitation shows
    open_all(db, s, clock)
    assert "invitation.accepted" in _trail(client, s)


def test_a_vendor_users_past_stays_hidden_when_their_role_is_removed(client, db, login_as, clock, s) -> None:
    """The group can no longer remove a vendor user (issue 9 point 1), but trails written before that hold the
    lead's removals: such a former vendor user's own events stay hidden, the removal itself shows."""
    from tender.auth import operations as accounts
    from tender.errors import SeparationOfDutiesError
    from tender.tenders import operations as tender_ops

    seller = s.vendor_users[0]
    issued = accounts.issue_invitation(seller, tender_id=s.id, invited_by=s.lead)
    db.session.commit()
    accounts.accept_invitation(issued.token, "et-nytt-langt-passord")
    db.session.commit()
    membership = next(m for m in s.tender.memberships if m.user_id == seller.id)
    with pytest.raises(SeparationOfDutiesError):
        tender_ops.remove_membership(s.tender, membership, actor=s.lead)
    db.session.rollback()
    # what remove_membership did for a vendor user before the change: the lead's event, then the row goes
    audit.record(
        "membership.removed",
        membership,
        tender_id=s.id,
        actor=s.lead,
        payload={"user": seller.email, "role": "vendor"},
    )
    s.tender.memberships.remove(membership)
    db.session.delete(membership)
    db.session.commit()
    assert seller.id not in set(
        db.session.scalars(select(Membership.user_id).where(Membership.tender_id == s.id))
    )
    login_as(s.lead)
    html = _trail(client, s)
    assert "membership.removed" in html  # the lead's own act shows
    assert "invitation.accepted" not in html


def test_a_sample_event_recorded_by_the_validation_worker_is_hidden_too(
    client, db, login_as, clock, s, tmp_path
) -> None:
    from tender.noark.operations import run_validation, store_upload
    from tests.test_noark_tasks import zipped_extract

    data = zipped_extract(tmp_path).read_bytes()
    sample = store_upload(
        s.tender, s.vendors[0], io.BytesIO(data), "prove-a.zip", max_bytes=10**8, actor=s.vendor_users[0]
    )
    db.session.commit()
    run_validation(sample.id)
    finished = db.session.scalar(
        select(AuditEvent).where(
            AuditEvent.event_type == "noark.validation_finished", AuditEvent.tender_id == s.id
        )
    )
    assert (
        finished is not None and finished.actor_id is None
    )  # not a vendor's event: hidden for what it is about
    login_as(s.lead)
    html = _trail(client, s)
    assert "noark.validation_finished" not in html and "noark.sample_uploaded" not in html
    assert "prove-a.zip" not in html and f"?objekt={sample.id}" not in html
    assert "0 hendelser med dette filteret." in _trail(
        client, s, f"?objekttype=noark_sample&objekt={sample.id}"
    )


def test_the_groups_own_events_stay_visible_whoever_else_is_in_the_tender(db, clock, s) -> None:
    """An event with no actor and no object type (the operator's CLI) is not taken for a vendor's."""
    audit.record("tender.note", tender_id=s.id, payload={"text": "fra driftsoperatøren"})
    lead_added_vendor = db.session.scalar(
        select(AuditEvent).where(AuditEvent.event_type == "tender.vendor_added", AuditEvent.tender_id == s.id)
    )
    visible = set(
        db.session.scalars(
            select(AuditEvent.event_type).where(AuditEvent.tender_id == s.id, not_(vendor_activity(s.id)))
        )
    )
    assert {"tender.note", "tender.vendor_added", "membership.added", "evaluation.model_frozen"} <= visible
    assert lead_added_vendor.actor_id == s.lead.id


def test_after_the_opening_the_lead_sees_every_event_as_before(client, db, login_as, clock, s) -> None:
    _vendor_activity(db, s)
    open_all(db, s, clock)
    login_as(s.lead)
    html = _trail(client, s)
    for seen in (
        "bid.submitted",
        "bid.created",
        "bid.attachment_added",
        "hemmelig-prisnotat.pdf",
        "feil-fil.docx",
        "bid.late_attempt",
        ORGNR[0],
        ORGNR[1],
        "bids.opened",
        '<th scope="col">Nr.</th>',
    ):
        assert seen in html, seen
    assert "vises først etter åpningen" not in html
    assert "bid.submitted" in _options(html, "type") and "bid" in _options(html, "objekttype")
    total = db.session.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.tender_id == s.id)
    )
    assert f"<p>{total} hendelser." in html
    bid = bid_ops.bid_of(s.tender, s.vendors[0].id)
    assert "bid.submitted" in _trail(client, s, f"?objekttype=bid&objekt={bid.id}")


def test_tender_audit_verify_still_checks_every_event_before_the_opening(runner, db, clock, s) -> None:
    _vendor_activity(db, s)
    everything = db.session.scalar(select(func.count()).select_from(AuditEvent))
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert f"intakt: {everything} hendelser kontrollert" in result.output


def test_a_member_of_the_group_who_is_not_the_lead_still_may_not_see_the_trail(
    client, db, login_as, s
) -> None:
    login_as(s.observer)
    assert client.get(f"/konkurranser/{s.id}/revisjonsspor").status_code == 403


# -- the events the vendors' registration, the samples in the bid and the two-person opening added -----------
@pytest.fixture
def mail_on(app, smtp_server):
    port, received = smtp_server
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    try:
        yield received
    finally:
        app.config.update(MAIL_SERVER="")


def _register(s, tokens: list[str], *, orgnr: str, company: str, name: str, email: str) -> None:
    """A person registers on the announcement page; the link's token is kept from the URL put in the
    e-mail."""
    from tender.vendors import operations as vendor_ops

    def confirm_url(token: str) -> str:
        tokens.append(token)
        return f"http://localhost/leverandor/bekreft/{token}"

    vendor_ops.register(
        s.tender,
        organisasjonsnummer=orgnr,
        vendor_name=company,
        name=name,
        email=email,
        password="et-langt-passord-for-registrering",
        confirm_url=confirm_url,
    )


def test_before_the_opening_a_vendors_registration_and_its_users_coming_in_are_hidden(
    client, db, login_as, clock, s, mail_on
) -> None:
    """Registration steps are taken by people who are not (yet) vendor users, and the operator's command line
    has no actor: the rule must hide them by what they are, not by who did them."""
    from tender.vendors import operations as vendor_ops

    tokens: list[str] = []
    # a new vendor's first person registers and confirms: its administrator
    _register(
        s,
        tokens,
        orgnr=ORGNR[2],
        company="Nyregistrert Arkiv AS",
        name="Rita Registrert",
        email="rita@nyregistrert.no",
    )
    db.session.commit()
    assert vendor_ops.confirm(tokens[-1]).accepted
    db.session.commit()
    # a colleague of vendor A confirms and waits for A's administrator (came in by the operator's command
    # line)
    _register(s, tokens, orgnr=ORGNR[0], company="", name="Kari Kollega", email="kari@leverandor-a.no")
    db.session.commit()
    assert not vendor_ops.confirm(tokens[-1], users_url=lambda t: "http://localhost/brukere").accepted
    db.session.commit()
    # and someone registers for a fourth company and never confirms
    _register(
        s, tokens, orgnr=ORGNR[3], company="Ubekreftet AS", name="Ola Ubekreftet", email="ola@ubekreftet.no"
    )
    db.session.commit()

    events = list(db.session.scalars(select(AuditEvent).where(AuditEvent.tender_id == s.id)))
    kinds = {e.event_type for e in events}
    assert {
        "vendor_registration.submitted",
        "vendor_registration.confirmed",
        "vendor_registration.awaiting_approval",
        "vendor_user.added",
        "tender.vendor_added",
    } <= kinds
    # the actors the rule cannot go by: nobody logged in, a person who is no vendor user, the command line
    submitted = [e for e in events if e.event_type == "vendor_registration.submitted"]
    assert submitted and all(e.actor_id is None for e in submitted)
    waiting = next(e for e in events if e.event_type == "vendor_registration.awaiting_approval")
    assert waiting.actor_label == "kari@leverandor-a.no"
    by_operator = [
        e
        for e in events
        if e.actor_id is None
        and (
            e.event_type == "vendor_user.added"
            or (e.event_type == "membership.added" and e.payload.get("role") == "vendor")
        )
    ]
    assert {e.event_type for e in by_operator} == {"vendor_user.added", "membership.added"}
    assert {e.payload["user"] for e in by_operator} == {u.email for u in s.vendor_users}
    hidden = set(
        db.session.scalars(select(AuditEvent.id).where(AuditEvent.tender_id == s.id, vendor_activity(s.id)))
    )
    vendor_side = [
        e
        for e in events
        if e.event_type.startswith(("vendor_registration.", "vendor_user."))
        or (e.event_type == "membership.added" and e.payload.get("role") == "vendor")
    ]
    assert vendor_side and all(e.id in hidden for e in vendor_side), [
        e.event_type for e in vendor_side if e.id not in hidden
    ]

    secrets = [
        "rita@nyregistrert.no",
        "kari@leverandor-a.no",
        "ola@ubekreftet.no",
        "Nyregistrert Arkiv AS",
        "Ubekreftet AS",
        ORGNR[2],
        ORGNR[3],
        "kunngjøringssiden",
        "vendor_registration",
        "vendor_user",
        *(u.email for u in s.vendor_users),
    ]
    login_as(s.lead)
    for moment in (BEFORE, AFTER):
        clock.set(moment)
        html = _trail(client, s)
        for secret in secrets:
            assert secret not in html, secret
        assert "specification.published" in html and "membership.added" in html  # the group's own
        for query in (
            "?type=vendor_registration.submitted",
            "?type=vendor_user.added",
            "?objekttype=vendor_registration",
            "?objekttype=vendor_user",
        ):
            assert "0 hendelser med dette filteret." in _trail(client, s, query), query
    open_all(db, s, clock)
    html = _trail(client, s)
    for secret in secrets:
        assert secret in html, secret


def test_before_the_opening_the_noark_events_of_a_bid_and_a_late_sample_are_hidden(
    client, forms, db, login_as, clock, s, tmp_path
) -> None:
    from tender.noark.models import SampleStatus
    from tender.noark.operations import restart_validation
    from tests.test_noark_tasks import zipped_extract
    from tests.test_noark_web import samples, validate_all

    data = zipped_extract(tmp_path).read_bytes()
    base = f"/konkurranser/{s.id}/noark/mine-prover"

    def upload(seller, filename: str) -> int:
        login_as(seller)
        response = client.post(
            base,
            data={"csrf_token": forms.token(base), "file": (io.BytesIO(data), filename)},
            content_type="multipart/form-data",
        )
        return response.status_code

    clock.set(BEFORE)
    assert upload(s.vendor_users[0], "prove-levert-a.zip") == 302
    validate_all(db)
    submit_bid(db, s, 0)  # the sample goes with the bid
    assert upload(s.vendor_users[1], "prove-feilet-b.zip") == 302
    sample_b = samples(db)[-1]
    # an internal failure of the validator, as the worker leaves it; the lead's button queues it again
    sample_b.status, sample_b.problem = SampleStatus.FAILED, "Kontrollen kunne ikke fullføres."
    db.session.commit()
    restart_validation(sample_b, actor=s.lead)
    db.session.commit()
    clock.set(AFTER)
    assert upload(s.vendor_users[1], "prove-for-sent-b.zip") == 409
    events = list(db.session.scalars(select(AuditEvent).where(AuditEvent.tender_id == s.id)))
    kinds = {e.event_type for e in events}
    assert {
        "noark.sample_uploaded",
        "noark.sample_submitted",
        "noark.validation_finished",
        "noark.validation_restarted",
        "bid.late_attempt",
    } <= kinds
    late = [e for e in events if e.event_type == "bid.late_attempt"]
    assert [e.payload["action"] for e in late] == ["sample"]
    restarted = next(e for e in events if e.event_type == "noark.validation_restarted")
    assert restarted.actor_id == s.lead.id  # the group's own act, and still about a sample: hidden

    login_as(s.lead)
    html = _trail(client, s)
    for secret in (
        "noark.",
        "bid.",
        "late_attempt",
        "prove-levert-a.zip",
        "prove-feilet-b.zip",
        "noark_sample",
        "vendor_user",
        s.vendor_users[0].email,
        s.vendor_users[1].email,
    ):
        assert secret not in html, secret
    offered = _options(html, "type") + _options(html, "objekttype")
    assert not any(o.startswith(("bid", "noark")) for o in offered), offered
    shown = db.session.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.tender_id == s.id, not_(vendor_activity(s.id)))
    )
    assert f"<p>{shown} hendelser." in html
    for query in (
        "?type=noark.sample_submitted",
        "?type=noark.validation_restarted",
        "?type=bid.late_attempt",
        f"?objekttype=noark_sample&objekt={sample_b.id}",
    ):
        assert "0 hendelser med dette filteret." in _trail(client, s, query), query
    open_all(db, s, clock)
    html = _trail(client, s)
    for seen in (
        "noark.sample_uploaded",
        "noark.sample_submitted",
        "noark.validation_finished",
        "noark.validation_restarted",
        "bid.late_attempt",
        "prove-levert-a.zip",
        "prove-feilet-b.zip",
    ):
        assert seen in html, seen


def test_before_the_opening_the_group_sees_its_own_opening_confirmations_and_the_opening_setting(
    client, db, login_as, clock, s
) -> None:
    """Who has confirmed the opening, and who took it back, tells nothing of a bid; the group needs to see
    it."""
    _vendor_activity(db, s)
    clock.set(BEFORE)
    bid_ops.set_opening_persons(s.tender, 1, at=BEFORE, actor=s.lead)
    db.session.commit()
    bid_ops.set_opening_persons(s.tender, 2, at=BEFORE, actor=s.lead)
    db.session.commit()
    clock.set(AFTER)
    evaluator = s.evaluators[0]
    assert bid_ops.confirm_opening(s.tender, at=AFTER, actor=evaluator) is None
    db.session.commit()
    bid_ops.withdraw_opening_confirmation(s.tender, at=AFTER, actor=evaluator)
    db.session.commit()
    assert bid_ops.confirm_opening(s.tender, at=AFTER, actor=evaluator) is None
    db.session.commit()
    assert bid_ops.opening_of(s.tender) is None

    login_as(s.lead)
    html = _trail(client, s)
    assert "vises først etter åpningen" in html  # still sealed
    rows = _rows(html)
    types = [t for t, _ in rows]
    assert (
        types.count("bids.opening_confirmed") == 2 and types.count("bids.opening_confirmation_withdrawn") == 1
    )
    assert types.count("tender.opening_persons_changed") == 2
    assert all(evaluator.email in row for t, row in rows if t.startswith("bids.opening_confirm"))
    assert "bids.opening_confirmed" in _options(html, "type")
    for secret in ("bid.", "bids.opened", "hemmelig-prisnotat.pdf", ORGNR[0] + "&#34;, &#34;submitted"):
        assert secret not in html, secret
    shown = db.session.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.tender_id == s.id, not_(vendor_activity(s.id)))
    )
    assert f"<p>{shown} hendelser." in html
    assert "1 hendelse med dette filteret." in _trail(client, s, "?type=bids.opening_confirmation_withdrawn")
    # the lead's confirmation opens the bids: the record names both
    opening = bid_ops.confirm_opening(s.tender, at=AFTER, actor=s.lead)
    db.session.commit()
    assert (
        opening is not None
        and evaluator.name in opening.opened_by_name
        and s.lead.name in opening.opened_by_name
    )
    assert "bids.opened" in _trail(client, s)
