"""The timeline's rules between a tender's deadlines and events (tender.core.timeline): each rule found when
broken, quiet when kept."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from tender.core.timeline import (
    CHAIN,
    WARNINGS,
    Entry,
    Kind,
    Problem,
    check,
    in_order,
    order_problems,
    public_part,
)

DAY = timedelta(days=1)
# a Tuesday at noon Oslo time (11.00 UTC in winter)
T0 = datetime(2027, 1, 5, 11, 0, tzinfo=UTC)


def e(kind: Kind, at: datetime, **kw: object) -> Entry:
    return Entry(kind=kind, at=at, label=kind.value, public=kw.pop("public", True), **kw)  # type: ignore[arg-type]


def a_good_tender() -> list[Entry]:
    """An open procedure with negotiation, every rule kept: announced, questions, two rounds, a meeting
    between them, a correction in good time."""
    return [
        e(Kind.ANNOUNCEMENT, T0),
        e(Kind.QUESTIONS_DEADLINE, T0 + 14 * DAY),
        e(Kind.BID_DEADLINE, T0 + 28 * DAY, round=1),
        e(Kind.OPENING, T0 + 28 * DAY + timedelta(hours=1), round=1, public=False),
        e(Kind.MEETING, T0 + 35 * DAY, round=1, vendor_id=7),
        e(Kind.ROUND_CALLED, T0 + 36 * DAY, round=2, vendor_id=7),
        e(Kind.BID_DEADLINE, T0 + 49 * DAY, round=2),
        e(Kind.CORRECTION, T0 + 7 * DAY, round=1, number=1),
    ]


def codes(problems: list[Problem]) -> list[str]:
    return [p.code for p in problems]


def test_a_tender_that_keeps_every_rule_has_no_problem() -> None:
    assert check(a_good_tender()) == []


def test_an_empty_timeline_has_no_problem() -> None:
    assert check([]) == []


# -- the order of the announcement and the deadlines ---------------------------------------------------------
def test_the_chain_runs_from_the_announcement_to_the_bid_deadline() -> None:
    assert CHAIN == (
        Kind.ANNOUNCEMENT,
        Kind.PARTICIPATION_DEADLINE,
        Kind.INVITATION,
        Kind.QUESTIONS_DEADLINE,
        Kind.BID_DEADLINE,
    )


def test_a_questions_deadline_after_the_bid_deadline_is_a_problem_naming_both() -> None:
    entries = [
        e(Kind.ANNOUNCEMENT, T0),
        e(Kind.QUESTIONS_DEADLINE, T0 + 30 * DAY),
        e(Kind.BID_DEADLINE, T0 + 28 * DAY, round=1),
    ]
    assert check(entries) == [
        Problem(
            "out_of_order",
            {
                "earlier": "questions_deadline",
                "later": "bid_deadline",
                "earlier_at": T0 + 30 * DAY,
                "later_at": T0 + 28 * DAY,
            },
        )
    ]


def test_a_deadline_at_the_same_moment_as_the_next_is_out_of_order() -> None:
    entries = [e(Kind.QUESTIONS_DEADLINE, T0 + DAY), e(Kind.BID_DEADLINE, T0 + DAY, round=1)]
    assert codes(check(entries)) == ["out_of_order"]


def test_a_deadline_not_set_is_skipped_and_its_neighbours_are_compared() -> None:
    # no participation deadline, no invitations: the announcement is compared with the questions deadline
    entries = [e(Kind.ANNOUNCEMENT, T0 + 20 * DAY), e(Kind.QUESTIONS_DEADLINE, T0 + 10 * DAY)]
    [problem] = check(entries)
    assert (problem.values["earlier"], problem.values["later"]) == ("announcement", "questions_deadline")


def test_invitations_come_after_the_participation_deadline_and_before_the_questions_deadline() -> None:
    entries = [
        e(Kind.ANNOUNCEMENT, T0),
        e(Kind.PARTICIPATION_DEADLINE, T0 + 10 * DAY),
        # one invitation before the requests were due, one after the questions deadline
        e(Kind.INVITATION, T0 + 9 * DAY, vendor_id=1),
        e(Kind.INVITATION, T0 + 21 * DAY, vendor_id=2),
        e(Kind.QUESTIONS_DEADLINE, T0 + 20 * DAY),
        e(Kind.BID_DEADLINE, T0 + 42 * DAY, round=1),
    ]
    found = [(p.values["earlier"], p.values["later"]) for p in check(entries)]
    assert found == [("participation_deadline", "invitation"), ("invitation", "questions_deadline")]


def test_the_chain_ends_at_the_first_rounds_deadline_and_the_questions_deadline_at_the_last_rounds() -> None:
    # A tender has one questions deadline, the current round's: a call for revised bids may set it anew, after
    # the first round's deadline and before the new round's.
    entries = [
        e(Kind.INVITATION, T0 + 10 * DAY, vendor_id=1),
        e(Kind.QUESTIONS_DEADLINE, T0 + 30 * DAY),
        e(Kind.BID_DEADLINE, T0 + 28 * DAY, round=1),
        e(Kind.OPENING, T0 + 29 * DAY, round=1),
        e(Kind.BID_DEADLINE, T0 + 50 * DAY, round=2),
    ]
    assert [(p.values["earlier"], p.values["later"]) for p in check(entries)] == []
    # a questions deadline after the last round's deadline is out of order
    late = [x for x in entries if x.kind is not Kind.QUESTIONS_DEADLINE] + [
        e(Kind.QUESTIONS_DEADLINE, T0 + 51 * DAY)
    ]
    assert [(p.values["earlier"], p.values["later"], p.values["later_at"]) for p in check(late)] == [
        ("questions_deadline", "bid_deadline", T0 + 50 * DAY)
    ]


@given(st.lists(st.integers(min_value=0, max_value=100), min_size=5, max_size=5))
def test_the_chain_has_an_order_problem_exactly_when_its_moments_do_not_strictly_increase(
    days: list[int],
) -> None:
    entries = [
        # whole weeks from a Tuesday: no deadline falls on a weekend
        e(kind, T0 + d * 7 * DAY, **({"round": 1} if kind is Kind.BID_DEADLINE else {}))
        for kind, d in zip(CHAIN, days, strict=True)
    ]
    increasing = all(a < b for a, b in zip(days, days[1:], strict=False))
    assert (codes(check(entries)) == []) is increasing
    assert set(codes(check(entries))) <= {"out_of_order"}


def test_order_problems_compares_every_pair_in_the_chain() -> None:
    # the deadline form's check (tender.core.lifecycle.deadline_problems) is built on this
    found = order_problems(
        {
            Kind.PARTICIPATION_DEADLINE: [T0 + 2 * DAY],
            Kind.QUESTIONS_DEADLINE: [T0 + DAY],
            Kind.BID_DEADLINE: [T0],
        }
    )
    assert {(p.values["earlier"], p.values["later"]) for p in found} == {
        ("participation_deadline", "questions_deadline"),
        ("participation_deadline", "bid_deadline"),
        ("questions_deadline", "bid_deadline"),
    }


# -- the rounds ----------------------------------------------------------------------------------------------
def test_a_later_rounds_deadline_before_the_previous_rounds_opening_is_a_problem() -> None:
    entries = [
        e(Kind.BID_DEADLINE, T0, round=1),
        e(Kind.OPENING, T0 + 2 * DAY, round=1),
        e(Kind.BID_DEADLINE, T0 + DAY, round=2),
    ]
    assert check(entries) == [
        Problem("round_deadline_before_opening", {"round": 2, "at": T0 + DAY, "opened_at": T0 + 2 * DAY})
    ]


def test_a_later_round_without_its_previous_opening_is_not_checked() -> None:
    entries = [e(Kind.BID_DEADLINE, T0, round=1), e(Kind.BID_DEADLINE, T0 - DAY, round=2)]
    assert check(entries) == []


# -- the negotiation meetings --------------------------------------------------------------------------------
def test_a_meeting_before_its_rounds_opening_is_a_problem() -> None:
    entries = [
        e(Kind.BID_DEADLINE, T0, round=1),
        e(Kind.OPENING, T0 + DAY, round=1),
        e(Kind.MEETING, T0 + timedelta(hours=2), round=1, number=1, vendor_id=3),
    ]
    assert check(entries) == [
        Problem(
            "meeting_before_opening",
            {"round": 1, "number": 1, "at": T0 + timedelta(hours=2), "opened_at": T0 + DAY},
        )
    ]


def test_a_meeting_of_a_round_not_opened_is_a_problem_too() -> None:
    entries = [e(Kind.BID_DEADLINE, T0, round=1), e(Kind.MEETING, T0 + DAY, round=1, number=2)]
    assert codes(check(entries)) == ["meeting_before_opening"]
    assert check(entries)[0].values["opened_at"] is None


def test_a_meeting_after_the_next_rounds_deadline_is_a_problem() -> None:
    entries = [
        e(Kind.BID_DEADLINE, T0, round=1),
        e(Kind.OPENING, T0 + DAY, round=1),
        e(Kind.BID_DEADLINE, T0 + 10 * DAY, round=2),
        e(Kind.MEETING, T0 + 10 * DAY, round=1, number=1),
    ]
    assert check(entries) == [
        Problem(
            "meeting_after_next_deadline",
            {"round": 1, "number": 1, "at": T0 + 10 * DAY, "deadline": T0 + 10 * DAY, "next_round": 2},
        )
    ]


# -- the corrections -----------------------------------------------------------------------------------------
def test_a_correction_six_days_before_the_deadline_is_in_time() -> None:
    entries = [e(Kind.BID_DEADLINE, T0 + 6 * DAY, round=1), e(Kind.CORRECTION, T0, round=1, number=1)]
    assert check(entries) == []


def test_a_late_correction_whose_deadline_was_not_extended_is_a_warning_saying_so() -> None:
    deadline = T0 + 6 * DAY - timedelta(minutes=1)
    entries = [
        e(Kind.BID_DEADLINE, deadline, round=1),
        e(Kind.CORRECTION, T0, round=1, number=2, deadline_then=deadline),
    ]
    [problem] = check(entries)
    assert problem == Problem(
        "correction_late_not_extended",
        {"number": 2, "round": 1, "at": T0, "deadline": deadline, "days": 5, "minimum": 6},
    )
    assert problem.code in WARNINGS


def test_a_late_correction_whose_deadline_was_extended_is_a_warning_naming_both_deadlines() -> None:
    before, after = T0 + 2 * DAY, T0 + 20 * DAY
    entries = [
        e(Kind.BID_DEADLINE, after, round=1),
        e(Kind.CORRECTION, T0, round=1, number=1, deadline_then=before),
    ]
    assert check(entries) == [
        Problem(
            "correction_late_extended",
            {
                "number": 1,
                "round": 1,
                "at": T0,
                "deadline": before,
                "extended_to": after,
                "days": 2,
                "minimum": 6,
            },
        )
    ]


def test_the_number_of_days_a_correction_needs_is_a_setting() -> None:
    entries = [e(Kind.BID_DEADLINE, T0 + 8 * DAY, round=1), e(Kind.CORRECTION, T0, round=1, number=1)]
    assert check(entries) == []
    assert codes(check(entries, correction_days=10)) == ["correction_late_not_extended"]


def test_a_correction_without_a_round_belongs_to_the_first_round_still_open_when_it_was_published() -> None:
    entries = [
        e(Kind.BID_DEADLINE, T0, round=1),
        e(Kind.OPENING, T0 + DAY, round=1),
        e(Kind.BID_DEADLINE, T0 + 14 * DAY, round=2),
        e(Kind.CORRECTION, T0 + 11 * DAY, number=1),
    ]
    [problem] = check(entries)
    assert problem.values["round"] == 2 and problem.values["days"] == 3


@given(st.integers(min_value=0, max_value=20 * 24), st.integers(min_value=1, max_value=14))
def test_a_correction_is_late_exactly_when_less_than_the_days_remain(hours: int, minimum: int) -> None:
    entries = [
        e(Kind.BID_DEADLINE, T0 + timedelta(hours=hours), round=1),
        e(Kind.CORRECTION, T0, round=1, number=1),
    ]
    late = timedelta(hours=hours) < minimum * DAY
    found = [c for c in codes(check(entries, correction_days=minimum)) if c != "deadline_on_weekend"]
    assert (found == ["correction_late_not_extended"]) is late


# -- the bid deadline on a working day -----------------------------------------------------------------------
def test_a_bid_deadline_on_a_saturday_in_oslo_is_a_warning() -> None:
    saturday = datetime(2027, 1, 9, 11, 0, tzinfo=UTC)
    [problem] = check([e(Kind.BID_DEADLINE, saturday, round=1)])
    assert problem == Problem("deadline_on_weekend", {"round": 1, "at": saturday, "day": date(2027, 1, 9)})
    assert problem.code in WARNINGS


def test_the_weekday_is_the_oslo_date_not_the_utc_date() -> None:
    # Friday 23.30 UTC is Saturday 00.30 in Oslo; Sunday 22.30 UTC in summer is Monday 00.30 in Oslo
    friday_night = datetime(2027, 1, 8, 23, 30, tzinfo=UTC)
    sunday_night = datetime(2027, 6, 6, 22, 30, tzinfo=UTC)
    assert codes(check([e(Kind.BID_DEADLINE, friday_night, round=1)])) == ["deadline_on_weekend"]
    assert check([e(Kind.BID_DEADLINE, sunday_night, round=1)]) == []


def test_a_bid_deadline_on_a_public_holiday_is_a_warning_when_a_calendar_is_given() -> None:
    christmas_eve = datetime(2027, 12, 24, 11, 0, tzinfo=UTC)  # a Friday
    calendar = {date(2027, 12, 24): "Julaften"}
    assert check([e(Kind.BID_DEADLINE, christmas_eve, round=1)]) == []
    assert check([e(Kind.BID_DEADLINE, christmas_eve, round=1)], holiday=calendar.get) == [
        Problem(
            "deadline_on_holiday",
            {"round": 1, "at": christmas_eve, "day": date(2027, 12, 24), "name": "Julaften"},
        )
    ]


# -- the order on the page, done and upcoming, the public part -----------------------------------------------
def test_entries_are_shown_in_time_order_and_done_once_their_moment_has_come() -> None:
    ordered = in_order(a_good_tender())
    assert [x.at for x in ordered] == sorted(x.at for x in ordered)
    assert ordered[0].kind is Kind.ANNOUNCEMENT
    deadline = next(x for x in ordered if x.kind is Kind.BID_DEADLINE)
    assert deadline.is_done(deadline.at) and not deadline.is_done(deadline.at - timedelta(seconds=1))


def test_a_deadline_and_an_event_at_the_same_moment_keep_the_chains_order() -> None:
    ordered = in_order([e(Kind.BID_DEADLINE, T0, round=1), e(Kind.QUESTIONS_DEADLINE, T0)])
    assert [x.kind for x in ordered] == [Kind.QUESTIONS_DEADLINE, Kind.BID_DEADLINE]


def test_a_vendor_sees_the_public_entries_and_only_its_own_of_those_about_one_vendor() -> None:
    entries = a_good_tender() + [
        e(Kind.MEETING, T0 + 35 * DAY, round=1, vendor_id=8),
        e(Kind.ROUND_CALLED, T0 + 36 * DAY, round=2, vendor_id=8),
    ]
    mine = public_part(entries, vendor_ids={7})
    assert all(x.public for x in mine)
    assert {x.vendor_id for x in mine} == {None, 7}
    assert not any(x.kind is Kind.OPENING for x in mine)
    assert len([x for x in mine if x.kind is Kind.MEETING]) == 1
    assert public_part(entries, vendor_ids=set()) == [
        x for x in in_order(entries) if x.public and x.vendor_id is None
    ]


@given(
    st.lists(
        st.tuples(st.booleans(), st.one_of(st.none(), st.integers(1, 4)), st.integers(0, 60)), max_size=20
    ),
    st.frozensets(st.integers(1, 4), max_size=2),
)
def test_the_public_part_holds_only_public_entries_about_everyone_or_the_vendor_itself(
    rows: list[tuple[bool, int | None, int]], mine: frozenset[int]
) -> None:
    entries = [e(Kind.EVENT, T0 + d * DAY, public=public, vendor_id=v) for public, v, d in rows]
    shown = public_part(entries, vendor_ids=mine)
    assert all(x.public and (x.vendor_id is None or x.vendor_id in mine) for x in shown)
    assert len(shown) == sum(1 for p, v, _ in rows if p and (v is None or v in mine))
