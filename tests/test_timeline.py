"""The timeline pages (issue 13, point 5): the group's shows every entry and the problems between them, in
Oslo time; a vendor's shows the public part only, never the group's own events nor another vendor's entries;
the demo's scored tender has a sensible timeline."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from tender.core.timeline import CODES, Entry, Kind, Problem
from tender.tenders.models import Role
from tender.timeline.operations import norwegian_holiday
from tests.evaluation_helpers import ORGNR, open_all, setup_tender, submit_bid
from tests.prequalification_helpers import PQ_ORGNR

#: in the names of the group's own people: must never reach a vendor's page
GROUP_MARKER = "GRP7-gruppemerke-e21"
#: in the name of a vendor: must never reach another vendor's page
OTHER_MARKER = "VND4-annenleverandor-b93"


def _page(client: Any, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def _main(client: Any, url: str) -> str:
    """The page's content without the header (which names the person logged in)."""
    html = _page(client, url)
    return html[html.index("<main") : html.index("</main>")]


# -- the words ---------------------------------------------------------------------------------------------
def test_every_problem_code_the_core_reports_has_norwegian_words() -> None:
    from tender.web.timeline_messages import MESSAGES

    assert set(MESSAGES) == set(CODES)


def test_a_late_correction_is_worded_with_both_deadlines_in_oslo_time() -> None:
    from tender.web.timeline_messages import describe

    at = datetime(2027, 3, 24, 11, 0, tzinfo=UTC)
    text = describe(
        Problem(
            "correction_late_extended",
            {
                "number": 2,
                "round": 1,
                "at": at,
                "deadline": at + timedelta(days=3),
                "extended_to": datetime(2027, 4, 7, 10, 0, tzinfo=UTC),
                "days": 3,
                "minimum": 6,
            },
        )
    )
    assert text == (
        "Rettelse 2 ble kunngjort 24. mars 2027 kl. 12.00, 3 dager før tilbudsfristen i runde 1 "
        "(27. mars 2027 kl. 12.00); en rettelse skal gi leverandørene minst 6 dager. "
        "Tilbudsfristen ble forlenget til 7. april 2027 kl. 12.00."
    )


def test_two_moments_in_the_same_minute_are_compared_with_their_seconds() -> None:
    from tender.web.timeline_messages import describe

    at = datetime(2026, 12, 3, 20, 1, 5, tzinfo=UTC)
    problem = Problem(
        "out_of_order",
        {"earlier": "invitation", "later": "questions_deadline", "earlier_at": at, "later_at": at},
    )
    assert describe(problem) == (
        "Invitasjonene til å gi tilbud (3. desember 2026 kl. 21.01.05) må ligge før fristen for spørsmål "
        "(3. desember 2026 kl. 21.01.05)."
    )


# -- the group's page ----------------------------------------------------------------------------------------
def test_the_group_page_shows_a_questions_deadline_after_the_bid_deadline_and_a_saturday_deadline(
    db, client, login_as, create_tender, add_member
) -> None:
    saturday = datetime(2027, 1, 9, 11, 0, tzinfo=UTC)
    tender = create_tender(bid_deadline=saturday)
    # stored as the demo stores deadlines (the edit form would refuse this order)
    tender.questions_deadline = saturday + timedelta(days=2)
    db.session.commit()
    observer = add_member(tender, Role.OBSERVER)
    login_as(observer)
    html = _page(client, f"/konkurranser/{tender.id}/tidslinje")
    assert "Dette stemmer ikke" in html
    assert (
        "Fristen for spørsmål (11. januar 2027 kl. 12.00) må ligge før tilbudsfristen "
        "(9. januar 2027 kl. 12.00)." in html
    )
    assert "Verdt å se på" in html
    assert "Tilbudsfristen i runde 1 (9. januar 2027 kl. 12.00) er en lørdag." in html


def test_the_group_page_names_the_public_holiday_a_bid_deadline_falls_on(
    db, client, login_as, create_tender
) -> None:
    # Monday 17 May 2027, the constitution day and Whit Monday: a working weekday in most other calendars
    constitution_day = datetime(2027, 5, 17, 10, 0, tzinfo=UTC)
    tender = create_tender(
        questions_deadline=constitution_day - timedelta(days=7), bid_deadline=constitution_day
    )
    login_as(tender.memberships[0].user)
    html = _page(client, f"/konkurranser/{tender.id}/tidslinje")
    assert (
        "Tilbudsfristen i runde 1 (17. mai 2027 kl. 12.00) er en helligdag: "
        "Andre pinsedag og Grunnlovsdag, 17. mai 2027." in html
    )
    # Ascension Day 2027 moves with Easter; Sundays are the weekend rule's, not called a holiday
    assert norwegian_holiday(date(2027, 5, 6)) == "Kristi himmelfartsdag"
    assert norwegian_holiday(date(2027, 5, 9)) is None
    assert norwegian_holiday(date(2027, 5, 18)) is None


def test_the_group_page_says_so_when_every_rule_is_kept(db, client, login_as, create_tender) -> None:
    tuesday = datetime(2027, 1, 12, 11, 0, tzinfo=UTC)
    tender = create_tender(questions_deadline=tuesday - timedelta(days=7), bid_deadline=tuesday)
    login_as(tender.memberships[0].user)
    html = _page(client, f"/konkurranser/{tender.id}/tidslinje")
    assert "Fristene og hendelsene følger reglene mellom dem." in html
    assert "Dette stemmer ikke" not in html and "Verdt å se på" not in html


def test_times_are_shown_in_oslo_time_on_both_sides_of_the_change_to_summer_time(
    db, clock, client, login_as, create_tender, add_member, create_user
) -> None:
    from tender.tenders import operations as tender_ops

    # Oslo moves to summer time in the night to Sunday 28 March 2027: noon is 11.00 UTC before, 10.00 after
    tender = create_tender(
        participation_deadline=datetime(2027, 3, 26, 11, 0, tzinfo=UTC),
        questions_deadline=datetime(2027, 3, 29, 10, 0, tzinfo=UTC),
        bid_deadline=datetime(2027, 4, 6, 10, 0, tzinfo=UTC),
    )
    vendor = tender_ops.register_vendor(
        tender, name="Arkivus AS", organisasjonsnummer=PQ_ORGNR[0], actor=None
    )
    db.session.commit()
    seller = add_member(tender, Role.VENDOR, create_user(name="Selger"), vendor=vendor)
    clock.set(datetime(2027, 3, 27, 12, 0, tzinfo=UTC))
    for person, url in (
        (tender.memberships[0].user, f"/konkurranser/{tender.id}/tidslinje"),
        (seller, f"/konkurranser/{tender.id}/tidslinje/offentlig"),
    ):
        login_as(person)
        html = _page(client, url)
        assert "26. mars 2027 kl. 12.00" in html
        assert "29. mars 2027 kl. 12.00" in html
        assert "6. april 2027 kl. 12.00" in html
        assert "kl. 11.00" not in html and "kl. 10.00" not in html
        # the participation deadline has passed at the clock's moment; the others are ahead
        assert html.count("Fristen er passert") == 1 and html.count("Frist fram i tid") == 2


# -- the vendors' page: the public part only -----------------------------------------------------------------
def _negotiated_world(db: Any, clock: Any, create_tender: Any, add_member: Any, create_user: Any) -> Any:
    """A tender whose group members carry :data:`GROUP_MARKER` in their names (the approvals name the
    signers), with two vendors' bids opened and a second round to which only the vendor whose name carries
    :data:`OTHER_MARKER` is invited (the round rows as tender.negotiation will write them)."""
    from tender.bids.models import BidRound, BidRoundVendor, RoundKind
    from tender.requirements import operations as spec_ops
    from tender.tenders import operations as tender_ops
    from tests.evaluation_helpers import AFTER, small_spec

    real_add_member = add_member

    def marked_add_member(tender: Any, role: Any, user: Any = None, **kw: Any) -> Any:
        if user is None and role is not Role.VENDOR:
            user = create_user(name=f"{role.value.title()} {GROUP_MARKER}")
        return real_add_member(tender, role, user, **kw)

    s = setup_tender(db, create_tender, marked_add_member, create_user, vendors=1, content=small_spec())
    other = tender_ops.register_vendor(
        s.tender, name=f"Leverandør {OTHER_MARKER} AS", organisasjonsnummer=ORGNR[1], actor=s.lead
    )
    db.session.commit()
    s.vendors.append(other)
    s.vendor_users.append(add_member(s.tender, Role.VENDOR, create_user(name="Selger B"), vendor=other))
    assert spec_ops.specification_of(s.tender) is not None
    submit_bid(db, s, 0)
    submit_bid(db, s, 1)
    open_all(db, s, clock)
    first = BidRound(
        tender_id=s.tender.id,
        number=1,
        kind=RoundKind.INITIAL,
        deadline=s.tender.bid_deadline,
        called_at=AFTER,
    )
    second = BidRound(
        tender_id=s.tender.id,
        number=2,
        kind=RoundKind.REVISED,
        deadline=AFTER + timedelta(days=14),
        called_at=AFTER + timedelta(hours=1),
        called_by_name=s.lead.name,
    )
    second.vendors.append(BidRoundVendor(vendor_id=other.id))
    db.session.add_all([first, second])
    s.tender.current_round = 2
    s.tender.bid_deadline = second.deadline
    db.session.commit()
    clock.set(AFTER + timedelta(hours=2))
    return s


def test_the_group_sees_its_own_events_and_every_vendors_invitation_on_the_group_page(
    db, clock, client, login_as, create_tender, add_member, create_user
) -> None:
    s = _negotiated_world(db, clock, create_tender, add_member, create_user)
    signer = next(m.user for m in s.tender.memberships if m.role is Role.SIGNER)
    for person in (s.lead, s.evaluators[0], signer, s.observer):
        login_as(person)
        html = _page(client, f"/konkurranser/{s.tender.id}/tidslinje")
        # the detector can fail: the group's page names the signers and the invited vendor
        assert GROUP_MARKER in html and OTHER_MARKER in html
        assert "Tilbudene i runde 1 åpnet" in html and "Evalueringsmodellen låst" in html
        assert "Runde 2 utlyst: reviderte tilbud" in html


def test_no_vendor_ever_sees_the_groups_events_or_another_vendors_invitation(
    db, clock, client, login_as, create_tender, add_member, create_user
) -> None:
    s = _negotiated_world(db, clock, create_tender, add_member, create_user)
    t = s.tender.id
    not_invited, invited = s.vendor_users
    for seller in (not_invited, invited):
        login_as(seller)
        assert client.get(f"/konkurranser/{t}/tidslinje").status_code == 403
        for url in (f"/konkurranser/{t}/tidslinje/offentlig", f"/konkurranser/{t}"):
            html = _page(client, url)
            assert GROUP_MARKER not in html, url
            for internal in ("åpnet", "låst", "godkjente", "utlyst"):
                assert internal not in html, (url, internal)
        html = _page(client, f"/konkurranser/{t}/tidslinje/offentlig")
        assert "Tilbudsfrist, runde 1" in html and "Tilbudsfrist, runde 2" in html
        assert "Konkurransen kunngjort med kravspesifikasjonen, versjon 1" in html
        # only the invited vendor reads its own invitation (and with it its own name)
        assert (OTHER_MARKER in html) is (seller is invited)
        assert ("invitert til runde 2" in html) is (seller is invited)


def test_the_group_reading_the_public_part_sees_what_every_vendor_sees_and_no_one_vendors_entries(
    db, clock, client, login_as, create_tender, add_member, create_user
) -> None:
    s = _negotiated_world(db, clock, create_tender, add_member, create_user)
    signer = next(m.user for m in s.tender.memberships if m.role is Role.SIGNER)
    for person in (s.lead, s.evaluators[0], signer, s.observer):
        login_as(person)
        html = _main(client, f"/konkurranser/{s.tender.id}/tidslinje/offentlig")
        assert GROUP_MARKER not in html and OTHER_MARKER not in html
        assert "Tilbudsfrist, runde 2" in html


def test_the_overview_links_the_group_to_its_timeline_and_a_vendor_to_the_public_part(
    db, client, login_as, people
) -> None:
    tender, who, _ = people
    for role in ("lead", "evaluator", "signer", "observer"):
        login_as(who[role])
        html = _page(client, f"/konkurranser/{tender.id}")
        assert f'href="/konkurranser/{tender.id}/tidslinje"' in html
    login_as(who["vendor"])
    html = _page(client, f"/konkurranser/{tender.id}")
    assert f'href="/konkurranser/{tender.id}/tidslinje/offentlig"' in html
    assert f'href="/konkurranser/{tender.id}/tidslinje"' not in html


# -- the sources ---------------------------------------------------------------------------------------------
def test_a_tender_without_round_rows_has_its_bid_deadline_as_round_one(db, create_tender) -> None:
    from tender.timeline.operations import timeline_of

    deadline = datetime(2027, 1, 12, 11, 0, tzinfo=UTC)
    tender = create_tender(bid_deadline=deadline)
    assert [e for e in timeline_of(tender, public=True) if e.kind is Kind.BID_DEADLINE] == [
        Entry(Kind.BID_DEADLINE, deadline, "Tilbudsfrist", public=True, round=1)
    ]


def test_a_deadline_the_lead_moved_is_on_the_groups_timeline_from_the_audit_trail(
    db, clock, create_tender
) -> None:
    from tender.tenders import operations as tender_ops
    from tender.timeline.operations import timeline_of

    before = datetime(2027, 1, 12, 11, 0, tzinfo=UTC)
    tender = create_tender(bid_deadline=before)
    lead = tender.memberships[0].user
    clock.set(before - timedelta(days=3))
    tender_ops.update_tender(
        tender,
        title=tender.title,
        case_reference=tender.case_reference,
        participation_deadline=None,
        questions_deadline=None,
        bid_deadline=before + timedelta(days=7),
        now=clock(),
        actor=lead,
    )
    db.session.commit()
    labels = [e.label for e in timeline_of(tender, public=False)]
    assert "Tilbudsfristen endret fra 12. januar 2027 kl. 12.00 til 19. januar 2027 kl. 12.00" in labels
    assert not any("endret" in e.label for e in timeline_of(tender, public=True))


# -- the demo ------------------------------------------------------------------------------------------------
def test_the_scored_demo_has_a_sensible_timeline_from_the_announcement_to_the_opening(scored_demo) -> None:
    from tender.timeline.operations import problems_of, timeline_of

    entries = timeline_of(scored_demo, public=False)
    first = {}
    for entry in entries:
        first.setdefault(entry.kind, entry)
    for kind in (
        Kind.ANNOUNCEMENT,
        Kind.PARTICIPATION_DEADLINE,
        Kind.REQUESTS_OPENED,
        Kind.INVITATION,
        Kind.QUESTIONS_DEADLINE,
        Kind.BID_DEADLINE,
        Kind.OPENING,
    ):
        assert kind in first, kind
    order = [first[k].at for k in (Kind.ANNOUNCEMENT, Kind.PARTICIPATION_DEADLINE, Kind.BID_DEADLINE)]
    assert order == sorted(order)
    assert first[Kind.REQUESTS_OPENED].at >= first[Kind.PARTICIPATION_DEADLINE].at
    assert first[Kind.OPENING].at >= first[Kind.BID_DEADLINE].at
    # One rule may be broken, rightly: the demo squeezes the weeks between the requests' deadline and the bids
    # into seconds, moving the questions deadline halfway between the requests' deadline and the moment the
    # bids fall due (tender.demo.stages.pass_bid_deadline); the letters inviting the selected went out in
    # between, before or after that midpoint depending on how long each step took. Nothing else is broken (a
    # warning may remain: the bid deadline is the moment the demo ran, which may be a weekend).
    errors = [p for p in problems_of(entries) if not p.warning]
    assert {(p.code, p.values["earlier"], p.values["later"]) for p in errors} <= {
        ("out_of_order", "invitation", "questions_deadline")
    }
    letters = [e.at for e in entries if e.kind is Kind.INVITATION]
    assert bool(errors) is (max(letters) >= first[Kind.QUESTIONS_DEADLINE].at)
    public = timeline_of(scored_demo, public=True)
    assert {e.kind for e in public} <= {
        Kind.ANNOUNCEMENT,
        Kind.PARTICIPATION_DEADLINE,
        Kind.QUESTIONS_DEADLINE,
        Kind.BID_DEADLINE,
        Kind.DOCUMENTS,
    }


def test_in_the_demo_each_candidate_reads_its_own_prequalification_letter_and_no_other(
    scored_demo, client, login_as
) -> None:
    from tender.demo import DEMO_PASSWORD

    sellers = [m for m in scored_demo.memberships if m.role is Role.VENDOR]
    names = {v.name for v in scored_demo.participating_vendors}
    assert len(sellers) >= 2
    for membership in sellers[:2]:
        login_as(membership.user, DEMO_PASSWORD)
        html = _main(client, f"/konkurranser/{scored_demo.id}/tidslinje/offentlig")
        own = membership.vendor.name
        assert f"Brev om prekvalifiseringen til {own}" in html
        assert [n for n in names - {own} if n in html] == []
        for internal in ("åpnet", "låst", "godkjente", "endret", "Utvalget"):
            assert internal not in html
