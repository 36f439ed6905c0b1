"""A tender's timeline: its deadlines and events in time order, and the rules between them.

Pure: no Flask, no database. The entries are gathered one floor up (``tender.timeline.sources``), one small
source per domain; each entry is one moment (a deadline, or something that happened or is planned) with the
words a person reads (``label``), whether vendors may see it (``public``) and, for an entry about one
vendor only (its invitation to a round, its negotiation meeting), that vendor (``vendor_id``): a vendor sees
the public entries about everyone and the public entries about itself (:func:`public_part`).

:func:`check` finds what breaks the rules between the entries and reports each as a :class:`Problem` with a
stable code and its values (moments as aware datetimes, rounds and numbers as ints); the web layer words them
in Norwegian (``tender.web.timeline_messages``). The rules:

- the chain :data:`CHAIN`: the announcement, the participation deadline, the invitations, the questions
  deadline and the first round's bid deadline each lie strictly before the next that is set
  (``out_of_order``; the deadline form's check ``tender.core.lifecycle.deadline_problems`` is built on
  :func:`order_problems`);
- a later bid round's deadline lies after the opening of the round before (``round_deadline_before_opening``);
- a negotiation meeting of round *n* lies after round *n*'s opening and before round *n + 1*'s deadline
  (``meeting_before_opening``, ``meeting_after_next_deadline``);
- a correction leaves at least ``correction_days`` (default 6) to the bid deadline of its round; when less, a
  warning says whether the deadline was then extended (``correction_late_extended``) or not
  (``correction_late_not_extended``);
- a bid deadline falls on a working day in Oslo: not on a weekend (``deadline_on_weekend``), nor on a public
  holiday when a calendar is given (``deadline_on_holiday``).
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

OSLO = ZoneInfo("Europe/Oslo")
#: the days a correction must leave to the bid deadline unless the setting says otherwise (issue 13, point 3)
CORRECTION_DAYS = 6


class Kind(enum.Enum):
    #: the tender announced: the prequalification's announcement, or the specification's publication
    ANNOUNCEMENT = "announcement"
    PARTICIPATION_DEADLINE = "participation_deadline"
    #: the requests to take part opened (the group's event)
    REQUESTS_OPENED = "requests_opened"
    #: the selection made final, or a candidate's invitation letter
    INVITATION = "invitation"
    QUESTIONS_DEADLINE = "questions_deadline"
    BID_DEADLINE = "bid_deadline"
    #: a round of revised bids (or the best and final offers) called
    ROUND_CALLED = "round_called"
    #: a round's bids opened
    OPENING = "opening"
    MEETING = "meeting"
    #: an answer to a question published to every vendor
    ANSWER = "answer"
    CORRECTION = "correction"
    #: a version of the tender documents published
    DOCUMENTS = "documents"
    #: anything else from the audit trail the group wants on the timeline
    EVENT = "event"


#: the kinds that must follow each other strictly, each set one before the next set one
CHAIN: tuple[Kind, ...] = (
    Kind.ANNOUNCEMENT,
    Kind.PARTICIPATION_DEADLINE,
    Kind.INVITATION,
    Kind.QUESTIONS_DEADLINE,
    Kind.BID_DEADLINE,
)
#: the kinds that are deadlines (shown as "frist" on the page: upcoming until passed)
DEADLINES = frozenset({Kind.PARTICIPATION_DEADLINE, Kind.QUESTIONS_DEADLINE, Kind.BID_DEADLINE})
#: every problem code :func:`check` reports (each worded in tender.web.timeline_messages)
CODES = frozenset(
    {
        "out_of_order",
        "round_deadline_before_opening",
        "meeting_before_opening",
        "meeting_after_next_deadline",
        "correction_late_extended",
        "correction_late_not_extended",
        "deadline_on_weekend",
        "deadline_on_holiday",
    }
)
#: problems that do not make the timeline wrong but ask the lead to look (the rest are errors)
WARNINGS = frozenset(
    {
        "correction_late_extended",
        "correction_late_not_extended",
        "deadline_on_weekend",
        "deadline_on_holiday",
    }
)


@dataclass(frozen=True)
class Entry:
    kind: Kind
    #: an aware moment (UTC as stored)
    at: datetime
    #: the words a person reads, made by the source (Norwegian)
    label: str
    #: vendors may see it (the announcement, the deadlines, published answers and corrections)
    public: bool
    #: the bid round it concerns (bid deadlines, openings, calls, meetings, corrections)
    round: int | None = None
    #: its number among its kind where it has one (a correction, a meeting, a document version)
    number: int | None = None
    #: an entry about one vendor only (its invitation, its meeting): only that vendor sees it
    vendor_id: int | None = None
    #: a correction: its round's bid deadline when it was published (to tell whether it was extended)
    deadline_then: datetime | None = None
    #: the label's Norwegian text with ``%(name)s`` placeholders and their values (``label`` is the one
    #: filled in), so a vendor's page in English can look the text up in the catalogue and fill it in there
    text: str | None = field(default=None, compare=False)
    values: Mapping[str, object] = field(default_factory=dict, hash=False, compare=False)

    def is_done(self, now: datetime) -> bool:
        """Passed (a deadline) or happened (an event) by ``now``; upcoming otherwise."""
        return self.at <= now


@dataclass(frozen=True)
class Problem:
    code: str
    values: Mapping[str, object] = field(default_factory=dict, hash=False)

    @property
    def warning(self) -> bool:
        return self.code in WARNINGS


def _rank(kind: Kind) -> int:
    return CHAIN.index(kind) if kind in CHAIN else len(CHAIN)


def in_order(entries: Iterable[Entry]) -> list[Entry]:
    """The entries by time; at the same moment in the chain's order, then by round and number."""
    return sorted(entries, key=lambda x: (x.at, _rank(x.kind), x.round or 0, x.number or 0))


def public_part(entries: Iterable[Entry], vendor_ids: set[int] | frozenset[int]) -> list[Entry]:
    """What a vendor acting for ``vendor_ids`` sees: the public entries about everyone and about itself."""
    return [x for x in in_order(entries) if x.public and (x.vendor_id is None or x.vendor_id in vendor_ids)]


def order_problems(moments: Mapping[Kind, Sequence[datetime]]) -> list[Problem]:
    """Every pair of kinds in :data:`CHAIN` with both set where the later kind does not strictly follow the
    earlier: each moment of the earlier before each moment of the later."""
    present = [k for k in CHAIN if moments.get(k)]
    problems: list[Problem] = []
    for i, earlier in enumerate(present):
        for later in present[i + 1 :]:
            last, first = max(moments[earlier]), min(moments[later])
            if last >= first:
                problems.append(
                    Problem(
                        "out_of_order",
                        {
                            "earlier": earlier.value,
                            "later": later.value,
                            "earlier_at": last,
                            "later_at": first,
                        },
                    )
                )
    return problems


def _chain_problems(entries: Sequence[Entry]) -> list[Problem]:
    """The chain's order between neighbours (a deadline not set is skipped): one misplaced moment is named
    once, against the neighbour it passes. The chain ends at the first round's bid deadline, except for the
    questions deadline: a tender has one, the current round's (a call for revised bids may set it anew), so it
    must lie before the last round's bid deadline."""
    moments: dict[Kind, list[datetime]] = {}
    for x in entries:
        if x.kind in CHAIN and (x.kind is not Kind.BID_DEADLINE or (x.round or 1) == 1):
            moments.setdefault(x.kind, []).append(x.at)
    last_round = _by_round(entries, Kind.BID_DEADLINE)
    present = [k for k in CHAIN if moments.get(k)]
    problems: list[Problem] = []
    for earlier, later in zip(present, present[1:], strict=False):
        later_moments = moments[later]
        if (earlier, later) == (Kind.QUESTIONS_DEADLINE, Kind.BID_DEADLINE) and last_round:
            later_moments = [last_round[max(last_round)]]
        problems += order_problems({earlier: moments[earlier], later: later_moments})
    return problems


def _by_round(entries: Sequence[Entry], kind: Kind) -> dict[int, datetime]:
    found: dict[int, datetime] = {}
    for x in entries:
        if x.kind is kind:
            found[x.round or 1] = x.at
    return found


def _round_problems(deadlines: Mapping[int, datetime], openings: Mapping[int, datetime]) -> list[Problem]:
    problems = []
    for number, at in sorted(deadlines.items()):
        opened = openings.get(number - 1)
        if number > 1 and opened is not None and at <= opened:
            problems.append(
                Problem("round_deadline_before_opening", {"round": number, "at": at, "opened_at": opened})
            )
    return problems


def _meeting_problems(
    entries: Sequence[Entry], deadlines: Mapping[int, datetime], openings: Mapping[int, datetime]
) -> list[Problem]:
    problems = []
    for x in entries:
        if x.kind is not Kind.MEETING:
            continue
        number = x.round or 1
        opened = openings.get(number)
        if opened is None or x.at <= opened:
            problems.append(
                Problem(
                    "meeting_before_opening",
                    {"round": number, "number": x.number, "at": x.at, "opened_at": opened},
                )
            )
        following = deadlines.get(number + 1)
        if following is not None and x.at >= following:
            problems.append(
                Problem(
                    "meeting_after_next_deadline",
                    {
                        "round": number,
                        "number": x.number,
                        "at": x.at,
                        "deadline": following,
                        "next_round": number + 1,
                    },
                )
            )
    return problems


def _correction_problems(
    entries: Sequence[Entry], deadlines: Mapping[int, datetime], days: int
) -> list[Problem]:
    problems = []
    for x in entries:
        if x.kind is not Kind.CORRECTION:
            continue
        number = x.round
        if number is None:
            # the round still open when it was published: the first whose deadline had not passed
            number = next((n for n, at in sorted(deadlines.items()) if at > x.at), None)
        current = deadlines.get(number) if number is not None else None
        if number is None or current is None:
            continue
        then = x.deadline_then or current
        if then - x.at >= timedelta(days=days):
            continue
        values: dict[str, object] = {
            "number": x.number,
            "round": number,
            "at": x.at,
            "deadline": then,
            "days": max((then - x.at).days, 0),
            "minimum": days,
        }
        if current > then:
            problems.append(Problem("correction_late_extended", {**values, "extended_to": current}))
        else:
            problems.append(Problem("correction_late_not_extended", values))
    return problems


def _working_day_problems(
    deadlines: Mapping[int, datetime], holiday: Callable[[date], str | None] | None
) -> list[Problem]:
    problems = []
    for number, at in sorted(deadlines.items()):
        day = at.astimezone(OSLO).date()
        if day.weekday() >= 5:
            problems.append(Problem("deadline_on_weekend", {"round": number, "at": at, "day": day}))
        elif holiday is not None and (name := holiday(day)):
            problems.append(
                Problem("deadline_on_holiday", {"round": number, "at": at, "day": day, "name": name})
            )
    return problems


def check(
    entries: Iterable[Entry],
    *,
    correction_days: int = CORRECTION_DAYS,
    holiday: Callable[[date], str | None] | None = None,
) -> list[Problem]:
    """Every rule between the entries broken (see the module's docstring), errors and warnings together.
    ``holiday`` names a date's public holiday in Norway (None: not one); without it holidays go unchecked."""
    ordered = in_order(entries)
    deadlines = _by_round(ordered, Kind.BID_DEADLINE)
    openings = _by_round(ordered, Kind.OPENING)
    return [
        *_chain_problems(ordered),
        *_round_problems(deadlines, openings),
        *_meeting_problems(ordered, deadlines, openings),
        *_correction_problems(ordered, deadlines, correction_days),
        *_working_day_problems(deadlines, holiday),
    ]
