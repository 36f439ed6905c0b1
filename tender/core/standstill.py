"""The standstill period (karensperiode) after the notices of award: when it ends, and whether its last day
is one the group should look at twice.

FOA § 25-2: the period runs from the day after the notices were sent and ends at the end (24:00) of its
last day, Norwegian time; ten days is the minimum when the notices go out electronically. A period whose
last day is a Saturday, a Sunday or a public holiday is lawful, but a bidder who wants to go to court then
has fewer working days to do so, so the group is warned. Pure: the holidays come in as a predicate.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

OSLO = ZoneInfo("Europe/Oslo")
#: FOA § 25-2: the minimum when the notices are sent electronically
MINIMUM_DAYS = 10
#: a period far longer than any group would choose is a typing error, not a decision
MAXIMUM_DAYS = 60


@dataclass(frozen=True)
class LastDayWarning:
    """Why the last day deserves a second look: ``code`` is "saturday", "sunday" or "holiday" (with the
    holiday's ``name``)."""

    code: str
    day: date
    name: str = ""


@dataclass(frozen=True)
class Standstill:
    sent_at: datetime  #: when the notices were sent (aware, UTC)
    days: int
    first_day: date  #: the day after sending, in Oslo
    last_day: date  #: the period's last day, in Oslo
    ends_at: datetime  #: the end (24:00) of the last day in Oslo, as an aware UTC moment
    warnings: tuple[LastDayWarning, ...]

    def over(self, now: datetime) -> bool:
        """Whether the period has ended at ``now`` (the contract may be signed from ``ends_at`` on)."""
        return now >= self.ends_at


class StandstillError(ValueError):
    """A period the rule cannot compute: ``code`` "too_short", "too_long" or "naive_time"."""

    def __init__(self, code: str, values: dict[str, int] | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.values = values or {}


def end_of_day(day: date) -> datetime:
    """24:00 of ``day`` in Oslo (midnight starting the next day) as an aware UTC moment: on the night clocks
    change the Oslo day is 23 or 25 hours long, so the moment is found in Oslo, not by adding hours."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=OSLO).astimezone(UTC)


def last_day_warnings(
    day: date, holiday: Callable[[date], str | None] | None = None
) -> tuple[LastDayWarning, ...]:
    found: list[LastDayWarning] = []
    if day.weekday() == 5:
        found.append(LastDayWarning("saturday", day))
    elif day.weekday() == 6:
        found.append(LastDayWarning("sunday", day))
    if holiday is not None and (name := holiday(day)):
        found.append(LastDayWarning("holiday", day, name))
    return tuple(found)


def standstill(
    sent_at: datetime, days: int = MINIMUM_DAYS, holiday: Callable[[date], str | None] | None = None
) -> Standstill:
    """The standstill period started by notices sent at ``sent_at`` and lasting ``days`` days."""
    if sent_at.tzinfo is None:
        raise StandstillError("naive_time")
    if days < MINIMUM_DAYS:
        raise StandstillError("too_short", {"days": days, "minimum": MINIMUM_DAYS})
    if days > MAXIMUM_DAYS:
        raise StandstillError("too_long", {"days": days, "maximum": MAXIMUM_DAYS})
    sent_day = sent_at.astimezone(OSLO).date()
    first = sent_day + timedelta(days=1)
    last = sent_day + timedelta(days=days)
    return Standstill(
        sent_at=sent_at.astimezone(UTC),
        days=days,
        first_day=first,
        last_day=last,
        ends_at=end_of_day(last),
        warnings=last_day_warnings(last, holiday),
    )
