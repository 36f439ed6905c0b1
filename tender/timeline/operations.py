"""A tender's timeline, gathered from every domain's source (tender.timeline.sources), and the rules between
its entries checked (tender.core.timeline). Reading only: nothing here changes state.

The group sees every entry; a vendor the public part (:func:`tender.core.timeline.public_part`): the entries
about everyone that vendors may see, and those about its own company only.
"""

from __future__ import annotations

from collections.abc import Iterable

from tender.core.timeline import CORRECTION_DAYS, Entry, Problem, check, in_order, public_part
from tender.holidays import norwegian_holiday as norwegian_holiday  # moved below the domains; re-exported
from tender.requirements.operations import specification_of
from tender.tenders.models import Tender
from tender.timeline.sources import SOURCES


def timeline_of(tender: Tender, *, public: bool, vendor_ids: Iterable[int] = ()) -> list[Entry]:
    """Every entry of the tender in time order (``public=False``: the group's whole timeline), or the public
    part a vendor acting for ``vendor_ids`` sees (none given: what every vendor sees)."""
    entries = [entry for source in SOURCES for entry in source(tender)]
    return public_part(entries, frozenset(vendor_ids)) if public else in_order(entries)


def correction_days_of(tender: Tender) -> int:
    """The days a correction must leave before the bid deadline: the tender's setting (tender.corrections),
    or the usual six."""
    spec = specification_of(tender)
    return spec.correction_notice_days if spec is not None else CORRECTION_DAYS


def problems_of(entries: Iterable[Entry], *, correction_days: int = CORRECTION_DAYS) -> list[Problem]:
    """The rules between the group's entries that are broken (errors and warnings), to be worded in Norwegian
    by tender.web.timeline_messages; a bid deadline on a Norwegian public holiday is one of them."""
    return check(entries, correction_days=correction_days, holiday=norwegian_holiday)
