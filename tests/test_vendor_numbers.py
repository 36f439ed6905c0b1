"""One name per organisation number across the test helpers that write vendors into the live server's
database.

``live_server`` (tests/conftest.py) has one database for the whole session, with the demo built into it, and
``register_vendor`` reuses the vendor that already has a number, under the name it was first registered with.
If two helper families registered one number under two names, whichever test ran first would fix the name and
the other family's tests would fail when run without it (or in another order). So each family keeps numbers
of its own: this test collects the (number, name) pairs from the families' constants and finds every number
that has more than one name.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

from tender.core import orgnr

TESTS = Path(__file__).resolve().parent


def families() -> dict[str, list[tuple[str, str]]]:
    """The (number, name) pairs of each family, as its helpers register them."""
    from tender.demo import VENDORS as DEMO_VENDORS
    from tests import evaluation_helpers as evaluation
    from tests import prequalification_helpers as pq
    from tests import test_browser_corrections as corrections
    from tests import test_browser_document_corrections as document_corrections
    from tests import test_browser_prequalification_journey as journey
    from tests import test_browser_vendors as vendors
    from tests import test_browser_whole_tender as whole_tender

    return {
        "tender/demo VENDORS": [(number, name) for name, number in DEMO_VENDORS],
        "evaluation_helpers ORGNR/LETTER_NAMES": list(
            zip(evaluation.ORGNR, evaluation.LETTER_NAMES, strict=True)
        ),
        "prequalification_helpers pq_vendor": [
            (number, name) for name, number in map(pq.pq_vendor, range(len(pq.PQ_ORGNR)))
        ],
        "test_browser_prequalification_journey": [
            *((pq.PQ_ORGNR[i], name) for name, i in journey.OTHER_ORGNR.items()),
            (journey.BROWSER_ORGNR, journey.BROWSER_VENDOR),
        ],
        "test_browser_whole_tender VENDORS": [
            (pq.PQ_ORGNR[i], name) for name, (i, _, _) in whole_tender.VENDORS.items()
        ],
        "test_browser_corrections VENDOR": [(corrections.VENDOR[1], corrections.VENDOR[0])],
        "test_browser_document_corrections VENDOR": [
            (document_corrections.VENDOR[1], document_corrections.VENDOR[0])
        ],
        "test_browser_vendors FJORDSAK": [(vendors.FJORDSAK[1], vendors.FJORDSAK[0])],
    }


def names_per_number(pairs: Iterable[tuple[str, str, str]]) -> dict[str, set[str]]:
    """Every number that has more than one name among (family, number, name), with its names (and where)."""
    seen: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for family, number, name in pairs:
        seen[number].add((name, family))
    return {
        number: {f"{name} ({family})" for name, family in found}
        for number, found in seen.items()
        if len({name for name, _ in found}) > 1
    }


def _all_pairs() -> list[tuple[str, str, str]]:
    return [(family, number, name) for family, pairs in families().items() for number, name in pairs]


def test_no_organisation_number_is_registered_under_two_names_by_the_live_server_helpers() -> None:
    assert names_per_number(_all_pairs()) == {}


def test_the_check_finds_a_number_the_evaluation_and_prequalification_families_both_used() -> None:
    # the constants as they were: pq_setup registered ORGNR[i] as "Arkivus AS", …
    from tests.evaluation_helpers import LETTER_NAMES, ORGNR
    from tests.prequalification_helpers import VENDOR_NAMES

    before = [("evaluation", n, name) for n, name in zip(ORGNR, LETTER_NAMES, strict=True)]
    before += [("prequalification", ORGNR[i], VENDOR_NAMES[i % 6]) for i in range(7)]
    found = names_per_number(before)
    assert set(found) == set(ORGNR[:7])
    assert found[ORGNR[0]] == {"Leverandør A AS (evaluation)", "Arkivus AS (prequalification)"}


def test_every_number_the_helpers_register_has_a_valid_check_digit() -> None:
    assert [number for _, number, _ in _all_pairs() if not orgnr.is_valid(number)] == []


def test_every_organisation_number_written_out_in_a_live_server_test_is_one_of_the_families() -> None:
    # a number typed straight into a live-server test or helper would bypass the families above
    known = {number for _, number, _ in _all_pairs()}
    stray = {}
    for path in sorted(TESTS.glob("*.py")):
        text = path.read_text(encoding="utf-8")
        if "live_server" not in text:
            continue
        found = {n for n in re.findall(r"(?<![\d.])\d{9}(?![\d.])", text) if orgnr.is_valid(n)} - known
        if found:
            stray[path.name] = sorted(found)
    assert stray == {}
