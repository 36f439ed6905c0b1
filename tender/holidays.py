"""The Norwegian public holidays (helligdager), named in Norwegian: one calendar for every floor.

Below every domain so that both the timeline (a bid deadline on a holiday) and the award (a standstill period
ending on one) can ask it; the pure core takes it in as a plain predicate.
"""

from __future__ import annotations

from datetime import date

import holidays

#: Sundays are weekend days in the core's own rules, so the calendar does not repeat them as holidays
_HOLIDAYS = holidays.country_holidays("NO", include_sundays=False, language="no")


def norwegian_holiday(day: date) -> str | None:
    """The name of the Norwegian public holiday on ``day``, or None on an ordinary day; two on one day (17 May
    2027 is also Whit Monday) are named both."""
    name = _HOLIDAYS.get(day)
    return name.replace("; ", " og ") if name else None
