"""One criterion, whatever ESPD generation names it: the taxonomy table and the line-up through it."""

from __future__ import annotations

import uuid
from collections import Counter
from pathlib import Path

import pytest

from tender.core.espd import (
    CATEGORIES,
    KNOWN_CRITERIA,
    Answer,
    Criterion,
    EspdResponse,
    Procurement,
    identities,
    known_criterion,
    line_up,
    read_response,
    same_criterion,
)
from tender.core.espd.categories import SHORT_CODES, category_of

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "espd"
OLDER = ["espd-response-v1.xml", *sorted(p.name for p in FIXTURES.glob("espd-response-v2*.xml"))]
NEWER = ["espd-response-v3.3.0.xml", "espd-response-v4.0.0.xml"]
PAIRS = [(old, new) for old in OLDER for new in NEWER]

CRIME_ORG = "005eb9ed-1347-4ca3-bb29-9bc0db64e1ab"
TAXES = "b61bbeb7-690e-4a40-bc68-d6d4ecfaa3d4"


def read(name: str) -> EspdResponse:
    return read_response((FIXTURES / name).read_bytes())


def one_criterion(criterion_id: str | None, type_code: str) -> EspdResponse:
    """A response with a single answered criterion, named as a file of some generation might name it."""
    answer = Answer(question_id="q1", question="Ditt svar?", kind="indicator", indicator=False)
    criterion = Criterion(criterion_id, type_code, category_of(type_code), None, None, (answer,))
    return EspdResponse(
        "4.0.0", None, None, None, None, None, None, Procurement(None, None, None, None), (criterion,)
    )


#: the fixtures' criteria, by the name each generation gives them (the 4.x name is the short code)
SHARED = [
    ("CRITERION.EXCLUSION.CONVICTIONS.PARTICIPATION_IN_CRIMINAL_ORGANISATION", "crime-org"),
    ("CRITERION.SELECTION.SUITABILITY.TRADE_REGISTER_ENROLMENT", "trade-regist"),
    ("CRITERION.SELECTION.ECONOMIC_FINANCIAL_STANDING.TURNOVER.GENERAL_YEARLY", "gen-year-to"),
    # the fixtures give this one a UUID that is not the taxonomy's: the codes alone tie the generations
    (
        "CRITERION.SELECTION.TECHNICAL_PROFESSIONAL_ABILITY.REFERENCES.SERVICES_DELIVERY_PERFORMANCE",
        "service-perform",
    ),
]


@pytest.mark.parametrize(("older", "newer"), PAIRS)
@pytest.mark.parametrize(("dotted", "short"), SHARED)
def test_a_requirement_named_by_the_newer_code_finds_the_answers_of_an_older_response(
    older: str, newer: str, dotted: str, short: str
) -> None:
    assert short in {c.type_code for c in read(newer).criteria}
    [match] = line_up(read(older), [("K1", short)])
    assert match.status == "answered"
    assert [c.type_code for c in match.criteria] == [dotted]
    assert match.answers and match.answers == match.criteria[0].answers


@pytest.mark.parametrize(("older", "newer"), PAIRS)
@pytest.mark.parametrize(("dotted", "short"), SHARED)
def test_a_requirement_named_by_the_older_code_finds_the_answers_of_a_newer_response(
    older: str, newer: str, dotted: str, short: str
) -> None:
    assert dotted in {c.type_code for c in read(older).criteria}
    [match] = line_up(read(newer), [("K1", dotted)])
    assert match.status == "answered"
    assert [c.type_code for c in match.criteria] == [short]
    assert match.answers


def test_the_1_0_2_dotted_code_and_the_2x_one_name_the_same_criterion() -> None:
    tpa = "CRITERION.SELECTION.TECHNICAL_PROFESSIONAL_ABILITY."
    assert same_criterion(tpa + "PROFESSIONAL.QUALIFICATIONS", tpa + "TECHNICAL.PROFESSIONAL_QUALIFICATIONS")
    assert same_criterion(
        tpa + "TECHNICAL.FACILITIES.FOR_STUDY_RESEARCH", "90a2e100-44cc-45d3-9970-69d6714f1596"
    )
    response = one_criterion(None, tpa + "PROFESSIONAL.QUALIFICATIONS")
    assert line_up(response, [("K8", tpa + "TECHNICAL.PROFESSIONAL_QUALIFICATIONS")])[0].status == "answered"


@pytest.mark.parametrize("newer", NEWER)
def test_the_tax_criterion_of_a_2x_tender_is_found_in_a_newer_response_and_back(newer: str) -> None:
    older = read("espd-response-v2.1.1-basic.xml")
    [found_new] = line_up(read(newer), [("K7", "CRITERION.EXCLUSION.CONTRIBUTIONS.PAYMENT_OF_TAXES")])
    [found_old] = line_up(older, [("K7", "tax-pay")])
    assert [c.type_code for c in found_new.criteria] == ["tax-pay"]
    assert [c.type_code for c in found_old.criteria] == ["CRITERION.EXCLUSION.CONTRIBUTIONS.PAYMENT_OF_TAXES"]
    assert found_new.status == found_old.status == "answered"


def test_the_dotted_code_finds_a_4x_criterion_by_its_short_code_alone_and_the_other_way_round() -> None:
    # no UUID to fall back on: the taxonomy alone ties the two codes together
    dotted = "CRITERION.EXCLUSION.CONVICTIONS.CORRUPTION"
    assert line_up(one_criterion(None, "corruption"), [("K2", dotted)])[0].status == "answered"
    assert line_up(one_criterion(None, dotted), [("K2", "corruption")])[0].status == "answered"
    assert line_up(one_criterion(None, "fraud"), [("K2", dotted)])[0].status == "missing"


@pytest.mark.parametrize("name", [*OLDER, *NEWER])
def test_a_requirement_naming_the_criterion_uuid_finds_it_in_every_generation(name: str) -> None:
    [match] = line_up(read(name), [("K1", CRIME_ORG)])
    assert match.status == "answered" and [c.id for c in match.criteria] == [CRIME_ORG]


def test_a_requirement_naming_the_uuid_finds_a_criterion_that_gives_only_its_code() -> None:
    for code in ("tax-pay", "CRITERION.EXCLUSION.CONTRIBUTIONS.PAYMENT_OF_TAXES", " Tax-Pay "):
        assert line_up(one_criterion(None, code), [("K7", TAXES.upper())])[0].status == "answered", code
    assert line_up(one_criterion(None, "socsec-pay"), [("K7", TAXES)])[0].status == "missing"


def test_an_unknown_code_matches_itself_without_case_or_whitespace_and_nothing_else() -> None:
    assert identities("grenland-arch") == frozenset({"grenland-arch"})
    assert identities("  Grenland-Arch\n") == frozenset({"grenland-arch"})
    newer, older = read("espd-response-v4.0.0.xml"), read("espd-response-v2.1.1-basic.xml")
    [in_newer] = line_up(newer, [("K9", " GRENLAND-ARCH ")])
    [in_older] = line_up(older, [("K9", "grenland-arch")])
    assert [c.type_code for c in in_newer.criteria] == ["grenland-arch"]
    assert in_older.criteria == () and in_older.status == "missing"
    assert not same_criterion("grenland-arch", "CRITERION.OTHER.NATIONAL.GRENLAND_ARCHIVE_STATEMENT")


def test_same_criterion_holds_across_generations_and_ignores_case_and_whitespace() -> None:
    assert same_criterion("CRITERION.EXCLUSION.CONVICTIONS.CORRUPTION", " Corruption ")
    assert same_criterion("c27b7c4e-c837-4529-b867-ed55ce639db5", "corruption")
    assert same_criterion("criterion.exclusion.business.bankruptcy", "D3732C09-7D62-4EDC-A172-241DA6636E7C")
    assert not same_criterion("corruption", "fraud")
    assert not same_criterion("", "")
    assert identities("") == frozenset() and known_criterion("  ") is None


def test_identities_gives_every_name_of_the_criterion() -> None:
    assert identities("corruption") == frozenset(
        {"c27b7c4e-c837-4529-b867-ed55ce639db5", "criterion.exclusion.convictions.corruption", "corruption"}
    )
    assert (
        identities(TAXES)
        == identities("tax-pay")
        == identities("criterion.exclusion.contributions.payment_of_taxes")
    )


def test_no_name_belongs_to_two_criteria() -> None:
    counts = Counter("".join(n.split()).casefold() for c in KNOWN_CRITERIA for n in c.names)
    assert [name for name, count in counts.items() if count > 1] == []


def test_every_criterion_uuid_is_a_valid_uuid_written_as_the_taxonomy_writes_it() -> None:
    for criterion in KNOWN_CRITERIA:
        assert str(uuid.UUID(criterion.uuid)) == criterion.uuid, criterion


def test_the_table_covers_every_exclusion_ground_and_selection_criterion_in_taxonomy_order() -> None:
    order = [CATEGORIES.index(c.category) for c in KNOWN_CRITERIA]
    assert order == sorted(order)
    assert Counter(c.category for c in KNOWN_CRITERIA) == {
        "exclusion": 24,
        "suitability": 4,
        "economic_financial_standing": 8,
        "technical_professional_ability": 20,
    }


def test_each_rows_category_agrees_with_what_the_reader_makes_of_its_codes() -> None:
    for criterion in KNOWN_CRITERIA:
        assert category_of(criterion.dotted) == criterion.category, criterion
        if criterion.short:
            assert SHORT_CODES[criterion.short] == criterion.category, criterion
