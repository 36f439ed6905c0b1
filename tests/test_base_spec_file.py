"""Checks of requirements_specs/base-sak-arkiv.toml that need nothing but the standard library.

These tests hold the file to the format documented in requirements_specs/README.md on their own,
independently of the parser in `tender`, and hold its Noark 5 references against Arkivverket's
requirement catalogue in ../shared/noark5/krav.tsv.
"""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]
SPEC_FILE = REPO / "requirements_specs" / "base-sak-arkiv.toml"
KRAV_TSV = REPO / ".." / "shared" / "noark5" / "krav.tsv"

KINDS = {"minstekrav", "evalueringskrav", "informasjon"}
ANSWER_FORMS = {"ja_nei", "ja_nei_delvis", "fritekst", "tall"}
CRITERIA = {"arkiv", "saksbehandling", "bruk", "integrasjon", "gjennomforing"}

TOP_KEYS = {"format", "title", "criterion", "chapter", "requirement"}
CRITERION_KEYS = {"id", "name"}
CHAPTER_KEYS = {"id", "number", "title", "description"}
CHAPTER_REQUIRED = {"id", "number", "title"}
REQUIREMENT_KEYS = {
    "id",
    "number",
    "chapter",
    "kind",
    "text",
    "answer_form",
    "unit",
    "criterion",
    "weight",
    "documentation",
    "source",
    "municipalities",
}
REQUIREMENT_REQUIRED = {"id", "number", "chapter", "kind", "text", "answer_form"}

NOARK_PREFIX = "Noark 5 v5.0 krav"
NOARK_SOURCE = re.compile(
    r"^Noark 5 v5\.0 krav (?P<numbers>\d+\.\d+\.\d+(?:, \d+\.\d+\.\d+)*), (?P<type>[OBV])$"
)

# Themes the base specification must cover, each found by words in a chapter title.
CHAPTER_THEMES = {
    "arkivstruktur og metadata": ("arkivstruktur",),
    "saksbehandling og journalføring": ("saksbehandling", "journalføring"),
    "offentlig journal og innsyn": ("offentlig journal", "innsyn"),
    "dokumentproduksjon og maler": ("dokumentproduksjon", "maler"),
    "politisk utvalgsbehandling": ("politisk", "utvalg"),
    "integrasjoner": ("integrasjon",),
    "tilgangsstyring og skjerming": ("tilgang", "skjerming"),
    "bevaring og kassasjon": ("bevaring", "kassasjon"),
    "arkivuttrekk og deponering": ("arkivuttrekk", "deponering"),
    "informasjonssikkerhet og personvern": ("informasjonssikkerhet", "personvern"),
    "drift": ("drift",),
    "opplæring og support": ("opplæring", "support"),
}

# Things the procurement group asked for by name; each must appear in some requirement text.
NAMED_SUBJECTS = {
    "KS Fiks SvarUt": "svarut",
    "KS Fiks SvarInn": "svarinn",
    "Altinn": "altinn",
    "eByggesak": "ebyggesak",
    "Noark 5 tjenestegrensesnitt": "tjenestegrensesnitt",
    "e-skjema journalført automatisk": "e-skjema",
    "Min side": "min side",
    "Arkade 5": "arkade",
    "offentleglova § 13": "offentleglova § 13",
    "databehandleravtale": "databehandleravtale",
    "lagring i EU/EØS": "eu/eøs",
    "RPO": "rpo",
    "RTO": "rto",
    "brukerstøtte på norsk": "norsk",
    "saksframlegg": "saksframlegg",
    "protokoll": "protokoll",
    "tilgangskode": "tilgangskode",
    "skjermingshjemmel": "skjermingshjemmel",
}


@cache
def spec() -> dict[str, Any]:
    with SPEC_FILE.open("rb") as f:
        return tomllib.load(f)


def requirements() -> list[dict[str, Any]]:
    return list(spec()["requirement"])


def chapters() -> list[dict[str, Any]]:
    return list(spec()["chapter"])


@cache
def noark_catalogue() -> dict[str, str]:
    """Krav nr. -> Type (O/B/V), read line by line: the file is tab separated with CRLF endings."""
    lines = KRAV_TSV.read_text(encoding="utf-8").splitlines()
    header = lines[0].split("\t")
    number_at, type_at = header.index("Krav nr."), header.index("Type")
    catalogue: dict[str, str] = {}
    for line in lines[1:]:
        if not line.strip():
            continue
        fields = line.split("\t")
        catalogue[fields[number_at].strip()] = fields[type_at].strip()
    return catalogue


def noark_sources() -> list[tuple[str, str]]:
    return [(r["id"], r["source"]) for r in requirements() if r.get("source", "").startswith(NOARK_PREFIX)]


def test_the_file_declares_format_1_and_a_title() -> None:
    assert spec()["format"] == 1
    assert isinstance(spec()["title"], str) and spec()["title"].strip()


def test_the_file_uses_only_the_documented_top_level_keys() -> None:
    assert set(spec()) <= TOP_KEYS
    assert {"format", "title", "criterion", "chapter", "requirement"} <= set(spec())


def test_the_specification_holds_at_least_150_requirements() -> None:
    assert len(requirements()) >= 150


def test_the_award_criteria_are_the_five_agreed_ones() -> None:
    criteria = spec()["criterion"]
    assert all(set(c) == CRITERION_KEYS for c in criteria)
    assert len(criteria) == len({c["id"] for c in criteria}), "criterion ids must be unique"
    assert {c["id"] for c in criteria} == CRITERIA
    assert all(c["name"].strip() for c in criteria)


def test_chapters_use_only_the_documented_keys() -> None:
    for chapter in chapters():
        assert CHAPTER_REQUIRED <= set(chapter) <= CHAPTER_KEYS, chapter.get("id")
        for key, value in chapter.items():
            assert isinstance(value, str) and value.strip(), (chapter["id"], key)


def test_chapter_ids_and_numbers_are_unique() -> None:
    ids = [c["id"] for c in chapters()]
    numbers = [c["number"] for c in chapters()]
    assert len(ids) == len(set(ids))
    assert len(numbers) == len(set(numbers))
    assert all(re.fullmatch(r"K\d{2}", i) for i in ids)
    assert all(re.fullmatch(r"\d+", n) for n in numbers)


def test_requirements_use_only_the_documented_keys() -> None:
    for requirement in requirements():
        keys = set(requirement)
        assert REQUIREMENT_REQUIRED <= keys, (requirement.get("id"), REQUIREMENT_REQUIRED - keys)
        assert keys <= REQUIREMENT_KEYS, (requirement["id"], keys - REQUIREMENT_KEYS)


def test_requirement_ids_are_unique_and_well_formed() -> None:
    ids = [r["id"] for r in requirements()]
    duplicates = [i for i, n in Counter(ids).items() if n > 1]
    assert not duplicates
    malformed = [i for i in ids if not re.fullmatch(r"R\d{4}", i)]
    assert not malformed


def test_every_requirement_refers_to_an_existing_chapter() -> None:
    chapter_ids = {c["id"] for c in chapters()}
    orphans = [r["id"] for r in requirements() if r["chapter"] not in chapter_ids]
    assert not orphans


def test_every_chapter_has_requirements() -> None:
    used = {r["chapter"] for r in requirements()}
    assert [c["id"] for c in chapters() if c["id"] not in used] == []


def test_display_numbers_are_unique_and_count_up_inside_their_chapter() -> None:
    number_of = {c["id"]: c["number"] for c in chapters()}
    numbers = [r["number"] for r in requirements()]
    assert len(numbers) == len(set(numbers))
    seen: Counter[str] = Counter()
    for requirement in requirements():
        seen[requirement["chapter"]] += 1
        expected = f"{number_of[requirement['chapter']]}.{seen[requirement['chapter']]}"
        assert requirement["number"] == expected, requirement["id"]


def test_requirements_of_a_chapter_stand_together_in_chapter_order() -> None:
    order = [c["id"] for c in chapters()]
    sequence = [r["chapter"] for r in requirements()]
    grouped = [c for i, c in enumerate(sequence) if i == 0 or sequence[i - 1] != c]
    assert grouped == order


def test_kinds_and_answer_forms_are_valid() -> None:
    for requirement in requirements():
        assert requirement["kind"] in KINDS, requirement["id"]
        assert requirement["answer_form"] in ANSWER_FORMS, requirement["id"]


def test_requirement_texts_are_written_out() -> None:
    for requirement in requirements():
        text = requirement["text"]
        assert isinstance(text, str) and len(text.strip()) >= 20, requirement["id"]
        assert text == text.strip(), requirement["id"]
        assert "  " not in text and "\n" not in text, requirement["id"]


def test_a_unit_is_given_exactly_for_numeric_answers() -> None:
    for requirement in requirements():
        if requirement["answer_form"] == "tall":
            unit = requirement.get("unit")
            assert isinstance(unit, str) and unit.strip(), requirement["id"]
        else:
            assert "unit" not in requirement, requirement["id"]


def test_criterion_and_weight_are_present_exactly_for_evalueringskrav() -> None:
    for requirement in requirements():
        if requirement["kind"] == "evalueringskrav":
            assert requirement.get("criterion") in CRITERIA, requirement["id"]
            assert "weight" in requirement, requirement["id"]
        else:
            assert "criterion" not in requirement, requirement["id"]
            assert "weight" not in requirement, requirement["id"]


def test_weights_are_whole_numbers_from_1_to_10() -> None:
    for requirement in requirements():
        if "weight" in requirement:
            weight = requirement["weight"]
            assert isinstance(weight, int) and not isinstance(weight, bool), requirement["id"]
            assert 1 <= weight <= 10, requirement["id"]


def test_every_award_criterion_scores_some_requirements() -> None:
    used = {r["criterion"] for r in requirements() if r["kind"] == "evalueringskrav"}
    assert used == CRITERIA


def test_the_mix_of_kinds_is_realistic() -> None:
    counts = Counter(r["kind"] for r in requirements())
    total = len(requirements())
    assert 0.25 <= counts["minstekrav"] / total <= 0.45
    assert 0.40 <= counts["evalueringskrav"] / total <= 0.60
    assert 0.08 <= counts["informasjon"] / total <= 0.25


def test_minstekrav_say_skal_and_evalueringskrav_say_bor() -> None:
    for requirement in requirements():
        text = requirement["text"]
        if requirement["kind"] == "minstekrav":
            assert " skal " in text, requirement["id"]
        elif requirement["kind"] == "evalueringskrav" and requirement["answer_form"] != "tall":
            assert " bør " in text, requirement["id"]


def test_informasjon_asks_for_a_description_or_a_figure() -> None:
    for requirement in requirements():
        if requirement["kind"] == "informasjon":
            assert re.match(r"(Beskriv|List opp|Oppgi)\b", requirement["text"]), requirement["id"]


def test_minstekrav_are_answered_yes_or_no_and_informasjon_in_free_text_or_figures() -> None:
    for requirement in requirements():
        if requirement["kind"] == "minstekrav":
            assert requirement["answer_form"] == "ja_nei", requirement["id"]
        if requirement["kind"] == "informasjon":
            assert requirement["answer_form"] in {"fritekst", "tall"}, requirement["id"]


def test_optional_texts_are_non_empty_strings() -> None:
    for requirement in requirements():
        for key in ("documentation", "source"):
            if key in requirement:
                value = requirement[key]
                assert isinstance(value, str) and value.strip(), (requirement["id"], key)


def test_municipalities_are_lists_of_four_digit_municipality_numbers() -> None:
    for requirement in requirements():
        if "municipalities" in requirement:
            municipalities = requirement["municipalities"]
            assert isinstance(municipalities, list) and municipalities, requirement["id"]
            assert all(isinstance(m, str) and re.fullmatch(r"\d{4}", m) for m in municipalities)
            assert len(municipalities) == len(set(municipalities)), requirement["id"]


def test_the_noark_catalogue_is_read_completely() -> None:
    catalogue = noark_catalogue()
    assert len(catalogue) == 384
    assert set(catalogue.values()) == {"O", "B", "V"}


def test_many_requirements_point_to_the_noark_catalogue() -> None:
    assert len(noark_sources()) >= 50


@pytest.mark.parametrize("requirement_id, source", noark_sources())
def test_noark_sources_name_only_catalogue_requirements_with_their_type(
    requirement_id: str, source: str
) -> None:
    match = NOARK_SOURCE.fullmatch(source)
    assert match, f"{requirement_id}: {source!r} is not 'Noark 5 v5.0 krav X.Y.Z[, ...], O|B|V'"
    numbers = match["numbers"].split(", ")
    assert len(numbers) == len(set(numbers)), requirement_id
    catalogue = noark_catalogue()
    unknown = [n for n in numbers if n not in catalogue]
    assert not unknown, f"{requirement_id}: not in the catalogue: {unknown}"
    wrong = {n: catalogue[n] for n in numbers if catalogue[n] != match["type"]}
    assert not wrong, f"{requirement_id}: stated type {match['type']}, catalogue says {wrong}"


@pytest.mark.parametrize("theme", sorted(CHAPTER_THEMES))
def test_every_chapter_theme_of_the_brief_is_covered(theme: str) -> None:
    words = CHAPTER_THEMES[theme]
    titles = [c["title"].lower() for c in chapters()]
    assert any(word in title for title in titles for word in words), theme
    covered = [c["id"] for c in chapters() if any(w in c["title"].lower() for w in words)]
    assert any(r["chapter"] in covered for r in requirements()), theme


@pytest.mark.parametrize("subject", sorted(NAMED_SUBJECTS))
def test_the_specification_asks_about_each_named_subject(subject: str) -> None:
    needle = NAMED_SUBJECTS[subject]
    assert any(needle in r["text"].lower() for r in requirements()), subject


@pytest.mark.parametrize("unit", ["prosent", "timer"])
def test_service_levels_are_asked_for_as_numbers(unit: str) -> None:
    assert any(r["answer_form"] == "tall" and r.get("unit") == unit for r in requirements())
