"""The standstill period's end: from the day after sending, to 24:00 of the last day in Oslo (FOA § 25-2)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from tender.core.standstill import MINIMUM_DAYS, StandstillError, end_of_day, standstill
from tender.holidays import norwegian_holiday


def at(y: int, m: int, d: int, h: int = 12, mi: int = 0) -> datetime:
    return datetime(y, m, d, h, mi, tzinfo=UTC)


def test_ten_days_is_the_default_and_the_period_starts_the_day_after_sending() -> None:
    found = standstill(at(2026, 12, 2, 9))  # a Wednesday
    assert found.days == MINIMUM_DAYS == 10
    assert found.first_day == date(2026, 12, 3)
    assert found.last_day == date(2026, 12, 12)


def test_the_period_ends_at_midnight_oslo_time_after_its_last_day() -> None:
    found = standstill(at(2026, 12, 3, 9), 10, norwegian_holiday)  # Thursday; last day Sunday 13 December
    assert found.last_day == date(2026, 12, 13)
    # 24:00 on 13 December in Oslo (winter time, UTC+1) is 23:00 UTC
    assert found.ends_at == datetime(2026, 12, 13, 23, 0, tzinfo=UTC)
    assert not found.over(found.ends_at - timedelta(seconds=1))
    assert found.over(found.ends_at)


def test_the_sending_day_is_the_oslo_day_not_the_utc_day() -> None:
    # 23:30 UTC on 3 December is 00:30 on 4 December in Oslo: the period starts on the 5th
    found = standstill(at(2026, 12, 3, 23, 30), 10)
    assert found.first_day == date(2026, 12, 5)
    assert found.last_day == date(2026, 12, 14)


def test_a_last_day_on_a_weekday_that_is_no_holiday_gives_no_warning() -> None:
    found = standstill(at(2026, 12, 4, 10), 10, norwegian_holiday)  # last day Monday 14 December
    assert found.last_day.weekday() == 0
    assert found.warnings == ()


def test_a_last_day_on_a_saturday_or_a_sunday_is_warned_about() -> None:
    saturday = standstill(at(2026, 12, 2, 10), 10, norwegian_holiday)
    assert [w.code for w in saturday.warnings] == ["saturday"]
    sunday = standstill(at(2026, 12, 3, 10), 10, norwegian_holiday)
    assert [(w.code, w.day) for w in sunday.warnings] == [("sunday", date(2026, 12, 13))]


def test_good_friday_is_warned_about_as_a_holiday() -> None:
    found = standstill(at(2027, 3, 16, 10), 10, norwegian_holiday)
    assert found.last_day == date(2027, 3, 26)
    assert [(w.code, w.name) for w in found.warnings] == [("holiday", "Langfredag")]


def test_easter_monday_and_maundy_thursday_are_holidays_too() -> None:
    assert [w.name for w in standstill(at(2027, 3, 19, 10), 10, norwegian_holiday).warnings] == [
        "Andre påskedag"
    ]
    assert [w.name for w in standstill(at(2027, 3, 15, 10), 10, norwegian_holiday).warnings] == [
        "Skjærtorsdag"
    ]


def test_17_may_is_warned_about_with_both_its_names_in_2027() -> None:
    found = standstill(at(2027, 5, 7, 10), 10, norwegian_holiday)
    assert found.last_day == date(2027, 5, 17)
    assert [w.name for w in found.warnings] == ["Andre pinsedag og Grunnlovsdag"]


def test_christmas_day_is_warned_about_and_a_sunday_holiday_names_both() -> None:
    christmas = standstill(at(2026, 12, 15, 10), 10, norwegian_holiday)
    assert christmas.last_day == date(2026, 12, 25)
    assert [(w.code, w.name) for w in christmas.warnings] == [("holiday", "Første juledag")]
    # Boxing Day 2027 falls on a Sunday: both reasons are given
    boxing = standstill(at(2027, 12, 16, 10), 10, norwegian_holiday)
    assert boxing.last_day == date(2027, 12, 26)
    assert [w.code for w in boxing.warnings] == ["sunday", "holiday"]


def test_without_a_calendar_only_weekends_are_warned_about() -> None:
    assert standstill(at(2026, 12, 15, 10), 10).warnings == ()


def test_the_end_follows_the_clock_change_in_spring_and_autumn() -> None:
    # summer time starts in the night to Sunday 28 March 2027: midnight after the 28th is 22:00 UTC
    assert end_of_day(date(2027, 3, 27)) == datetime(2027, 3, 27, 23, 0, tzinfo=UTC)
    assert end_of_day(date(2027, 3, 28)) == datetime(2027, 3, 28, 22, 0, tzinfo=UTC)
    # and ends in the night to Sunday 25 October 2026
    assert end_of_day(date(2026, 10, 24)) == datetime(2026, 10, 24, 22, 0, tzinfo=UTC)
    assert end_of_day(date(2026, 10, 25)) == datetime(2026, 10, 25, 23, 0, tzinfo=UTC)
    across = standstill(at(2027, 3, 20, 10), 10)
    assert across.ends_at == datetime(2027, 3, 30, 22, 0, tzinfo=UTC)


def test_a_longer_period_counts_every_calendar_day() -> None:
    found = standstill(at(2026, 12, 3, 10), 15)
    assert found.last_day == date(2026, 12, 18)


def test_a_period_below_the_statutory_minimum_or_absurdly_long_is_refused() -> None:
    with pytest.raises(StandstillError) as short:
        standstill(at(2026, 12, 3), 9)
    assert short.value.code == "too_short" and short.value.values == {"days": 9, "minimum": 10}
    with pytest.raises(StandstillError) as long:
        standstill(at(2026, 12, 3), 61)
    assert long.value.code == "too_long"


def test_a_sending_time_without_a_time_zone_is_refused() -> None:
    with pytest.raises(StandstillError) as naive:
        standstill(datetime(2026, 12, 3, 10), 10)
    assert naive.value.code == "naive_time"
