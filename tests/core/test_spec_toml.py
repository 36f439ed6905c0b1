"""The specification file (TOML): every problem with its line, and a dump that round-trips."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tender.core.spec import Problem, SpecFileError, content_hash
from tender.core.spec.samples import example_spec, generated_spec
from tender.core.spec.toml_format import dump_spec_toml, load_spec_toml, scan_source
from tender.web.spec_messages import message as spec_message

GOOD = '''\
format = 1
title = "Felles sak-/arkivsystem – kravspesifikasjon"

[[criterion]]          # tildelingskriterier
id = "arkiv"
name = "Arkiv og journalføring"

[[chapter]]
id = "K01"
number = "1"
title = "Arkivstruktur og metadata"
description = "Krav til arkivstrukturen."

[[requirement]]
id = "R0001"
number = "1.1"
chapter = "K01"
kind = "minstekrav"
text = """
Løsningen skal være godkjent etter Noark 5.
[[requirement]]
id = "ikke en nøkkel"
"""
answer_form = "ja_nei"
source = "Noark 5 v5.0 krav 2.6.1, B"

[[requirement]]
id = "R0002"
number = "1.2"
chapter = "K01"
kind = "evalueringskrav"
text = "Løsningen bør støtte flere arkivdeler."
answer_form = "ja_nei_delvis"
criterion = "arkiv"
weight = 5
municipalities = [
  "4001",
  "4012",
]

[[requirement]]
id = "R0003"
number = "1.3"
chapter = "K01"
kind = "informasjon"
text = "Oppgi svartid for søk."
answer_form = "tall"
unit = "sekunder"
'''


def line_of(source: str, fragment: str, occurrence: int = 1) -> int:
    """The 1-based line on which ``fragment`` occurs for the ``occurrence``-th time."""
    seen = 0
    for number, line in enumerate(source.split("\n"), start=1):
        if fragment in line:
            seen += 1
            if seen == occurrence:
                return number
    raise AssertionError(f"{fragment!r} not in source")


def problems_of(source: str | bytes) -> list[Problem]:
    with pytest.raises(SpecFileError) as error:
        load_spec_toml(source)
    return list(error.value.problems)


def located(source: str | bytes) -> list[tuple[str, int | None]]:
    return [(p.code, p.line) for p in problems_of(source)]


# --------------------------------------------------------------------------- good files


def test_a_well_formed_file_loads_into_a_specification_in_file_order() -> None:
    spec = load_spec_toml(GOOD)
    assert [r.id for r in spec.requirements] == ["R0001", "R0002", "R0003"]
    assert spec.requirements[0].text.startswith("Løsningen skal være godkjent")
    assert spec.requirements[1].weight == Decimal(5)
    assert spec.requirements[1].municipalities == ("4001", "4012")
    assert spec.requirements[2].unit == "sekunder"
    assert spec.chapters[0].description == "Krav til arkivstrukturen."


def test_bytes_with_a_byte_order_mark_and_windows_line_endings_load_the_same() -> None:
    data = ("\ufeff" + GOOD.replace("\n", "\r\n")).encode("utf-8")
    assert content_hash(load_spec_toml(data)) == content_hash(load_spec_toml(GOOD))


def test_the_source_map_is_not_fooled_by_headers_inside_multiline_text() -> None:
    source = scan_source(GOOD)
    assert [b.line for b in source.blocks["requirement"]] == [
        line_of(GOOD, "[[requirement]]", 1),
        line_of(GOOD, "[[requirement]]", 3),
        line_of(GOOD, "[[requirement]]", 4),
    ]
    assert source.blocks["requirement"][0].keys["answer_form"] == line_of(GOOD, 'answer_form = "ja_nei"')
    assert source.blocks["requirement"][1].keys["municipalities"] == line_of(GOOD, "municipalities")


def test_dump_then_load_gives_back_an_equal_specification_with_the_same_hash() -> None:
    for spec in (example_spec(), generated_spec(50), load_spec_toml(GOOD)):
        again = load_spec_toml(dump_spec_toml(spec))
        assert again == spec
        assert content_hash(again) == content_hash(spec)


awkward_text = (
    st.lists(
        st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufffe\uffff")
        | st.sampled_from(['"', '"""', "\\", "\n", "\t", "'''", "#", "[[requirement]]", "æøå", "\r\n"]),
        min_size=1,
        max_size=30,
    )
    .map("".join)
    .filter(lambda s: s.strip() != "")
)


@settings(max_examples=150, deadline=None)
@given(text=awkward_text, title=awkward_text.filter(lambda s: "\n" not in s and "\r" not in s))
def test_any_text_survives_a_dump_and_load_unchanged(text: str, title: str) -> None:
    spec = example_spec()
    spec = replace(
        spec, title=title, requirements=(replace(spec.requirements[0], text=text),) + spec.requirements[1:]
    )
    assert load_spec_toml(dump_spec_toml(spec)) == spec


# --------------------------------------------------------------------------- every bad input, with its line


def test_a_duplicate_id_is_reported_on_the_line_of_the_second_id() -> None:
    source = GOOD.replace('id = "R0002"', 'id = "R0001"')
    assert located(source) == [("duplicate_id", line_of(source, 'id = "R0001"', 2))]


def test_an_unknown_kind_is_reported_on_its_line_with_the_valid_values() -> None:
    source = GOOD.replace('kind = "minstekrav"', 'kind = "minimumskrav"')
    [problem] = problems_of(source)
    assert (problem.code, problem.line, problem.item_id) == (
        "unknown_kind",
        line_of(source, "minimumskrav"),
        "R0001",
    )
    assert "minstekrav, evalueringskrav, informasjon" in spec_message(problem)


def test_a_weight_that_is_not_a_number_is_reported_on_its_line() -> None:
    source = GOOD.replace("weight = 5", 'weight = "fem"')
    [problem] = problems_of(source)
    assert (problem.code, problem.line, problem.field) == (
        "weight_not_a_number",
        line_of(source, "weight ="),
        "weight",
    )
    assert "«fem»" in spec_message(problem)


def test_a_quoted_weight_gets_a_hint_to_remove_the_quotes() -> None:
    [problem] = problems_of(GOOD.replace("weight = 5", 'weight = "5"'))
    assert "fjern anførselstegnene" in spec_message(problem)


def test_a_criterion_that_does_not_exist_is_reported_on_its_line() -> None:
    source = GOOD.replace('criterion = "arkiv"', 'criterion = "pris"')
    [problem] = problems_of(source)
    assert (problem.code, problem.line) == ("unknown_criterion", line_of(source, 'criterion = "pris"'))
    assert "«pris»" in spec_message(problem)


def test_a_chapter_that_does_not_exist_is_reported_on_its_line() -> None:
    source = GOOD.replace('chapter = "K01"', 'chapter = "K02"', 1)
    assert located(source) == [("unknown_chapter", line_of(source, 'chapter = "K02"'))]


def test_unit_rules_are_reported_on_the_unit_line_or_the_requirement_header() -> None:
    without_unit = GOOD.replace('unit = "sekunder"\n', "")
    assert located(without_unit) == [("missing_unit", line_of(without_unit, "[[requirement]]", 4))]
    stray_unit = GOOD.replace('answer_form = "ja_nei"\n', 'answer_form = "ja_nei"\nunit = "stk"\n')
    assert located(stray_unit) == [("unit_not_allowed", line_of(stray_unit, 'unit = "stk"'))]


def test_a_misspelt_key_is_reported_with_a_suggestion() -> None:
    source = GOOD.replace("weight = 5", "wieght = 5")
    problems = problems_of(source)
    assert [(p.code, p.line) for p in problems] == [
        ("missing_weight", line_of(source, "[[requirement]]", 3)),
        ("unknown_key", line_of(source, "wieght")),
    ]
    assert "Mente du «weight»?" in spec_message(problems[1])


def test_a_missing_required_key_is_reported_on_the_entry_header() -> None:
    source = GOOD.replace('answer_form = "ja_nei_delvis"\n', "")
    [problem] = problems_of(source)
    assert (problem.code, problem.field, problem.line) == (
        "missing_key",
        "answer_form",
        line_of(source, "[[requirement]]", 3),
    )


def test_every_problem_in_a_file_is_reported_in_one_run_in_line_order() -> None:
    source = (
        GOOD.replace('kind = "minstekrav"', 'kind = "minimumskrav"')
        .replace("weight = 5", "weight = true")
        .replace('criterion = "arkiv"', 'criterion = "pris"')
        .replace('id = "R0003"', 'id = "R0001"')
        .replace('title = "Arkivstruktur og metadata"', "titel = 1")
        .replace('answer_form = "tall"', 'answer_form = "nummer"')
    )
    assert located(source) == [
        ("missing_key", line_of(source, "[[chapter]]")),
        ("unknown_key", line_of(source, "titel")),
        ("unknown_kind", line_of(source, "minimumskrav")),
        ("unknown_criterion", line_of(source, 'criterion = "pris"')),
        ("weight_not_a_number", line_of(source, "weight = true")),
        ("duplicate_id", line_of(source, 'id = "R0001"', 2)),
        ("unknown_answer_form", line_of(source, "nummer")),
    ]


def test_an_unknown_kind_does_not_also_complain_about_its_criterion_and_weight() -> None:
    source = GOOD.replace('kind = "evalueringskrav"', 'kind = "bør"')
    assert [p.code for p in problems_of(source)] == ["unknown_kind"]


def test_a_toml_syntax_error_gives_its_line_in_norwegian() -> None:
    source = GOOD.replace('number = "1.2"', "number = 1.2.3")
    [problem] = problems_of(source)
    assert (problem.code, problem.line) == ("toml_syntax", line_of(source, "1.2.3"))
    assert spec_message(problem).startswith("Syntaksfeil i TOML, kolonne")


def test_a_key_given_twice_is_a_syntax_error_on_the_second_line() -> None:
    source = GOOD.replace('kind = "minstekrav"', 'kind = "minstekrav"\nkind = "informasjon"')
    [problem] = problems_of(source)
    assert (problem.code, problem.line) == ("toml_syntax", line_of(source, 'kind = "informasjon"'))
    assert "to ganger" in spec_message(problem)


def test_an_unterminated_multiline_string_is_reported_at_the_end_of_the_file() -> None:
    source = GOOD + 'text = """\nuavsluttet\n'
    [problem] = problems_of(source)
    assert problem.code == "toml_syntax" and "ikke avsluttet" in spec_message(problem)
    assert problem.line == source.count("\n") + 1


def test_a_file_that_is_not_utf8_is_refused_with_the_line_of_the_first_bad_byte() -> None:
    data = GOOD.encode("cp1252", errors="replace")
    [problem] = problems_of(data)
    # the en dash in the title is the first byte that is not UTF-8
    assert (problem.code, problem.line) == ("not_utf8", line_of(GOOD, "–"))


def test_a_missing_or_unsupported_format_version_is_reported() -> None:
    assert located(GOOD.replace("format = 1\n", "")) == [("missing_key", None)]
    assert located(GOOD.replace("format = 1", "format = 2")) == [("unsupported_format", 1)]
    assert located(GOOD.replace("format = 1", "format = true")) == [("unsupported_format", 1)]


def test_numbers_where_text_belongs_and_unquoted_municipalities_are_reported() -> None:
    source = GOOD.replace('number = "1.1"', "number = 1.1").replace('"4001",', "4001,")
    problems = problems_of(source)
    assert [(p.code, p.field, p.line) for p in problems] == [
        ("wrong_type", "number", line_of(source, "number = 1.1")),
        ("wrong_type", "municipalities", line_of(source, "municipalities")),
    ]
    assert "ledende null" in spec_message(problems[1])


def test_unknown_top_level_keys_and_tables_are_reported() -> None:
    source = GOOD.replace("format = 1", "format = 1\nversion = 3") + "\n[meta]\nx = 1\n"
    assert located(source) == [
        ("unknown_key", line_of(source, "version = 3")),
        ("unknown_key", line_of(source, "[meta]")),
    ]


def test_a_sub_table_of_a_requirement_is_an_unknown_key_on_its_header_line() -> None:
    source = GOOD + "\n[requirement.extra]\nx = 1\n"
    assert located(source) == [("unknown_key", line_of(source, "[requirement.extra]"))]


_MUTATIONS = st.sampled_from(
    [
        '"',
        "'",
        "[",
        "]",
        "[[requirement]]\n",
        "=",
        "\n",
        "weight = ",
        "{",
        '"""',
        "\\",
        "#",
        "1.5",
        "true",
        "x.y = 1\n",
        "[requirement.a]\n",
        "[[chapter]]\n",
        "ø",
        "\x00",
    ]
)


@settings(max_examples=200, deadline=None)
@given(
    edits=st.lists(
        st.tuples(st.integers(0, len(GOOD)), st.integers(0, 15), _MUTATIONS), min_size=1, max_size=4
    )
)
def test_a_mangled_file_gives_a_specification_or_located_problems_never_a_traceback(
    edits: list[tuple[int, int, str]],
) -> None:
    source = GOOD
    for position, deleted, inserted in edits:
        position = min(position, len(source))
        source = source[:position] + inserted + source[position + deleted :]
    try:
        load_spec_toml(source)
    except SpecFileError as error:
        assert error.problems
        lines = source.count("\n") + 1
        assert all(spec_message(p) and (p.line is None or 1 <= p.line <= lines) for p in error.problems)


@pytest.mark.parametrize(
    "source, code",
    [
        ("x = " + "[" * 100_000, "too_deeply_nested"),
        ("x = " + "{a=" * 50_000, "too_deeply_nested"),
        ("a" + ".a" * 100_000 + " = 1", "too_many_key_parts"),
        ("x = {" + "a." * 100_000 + "b = 1}", "too_many_key_parts"),
        ("[" + "a." * 100_000 + "b]", "too_many_key_parts"),
        ("[[requirement]]\n" * 10_001, "too_many_entries"),
    ],
    ids=[
        "deep-array",
        "deep-inline-table",
        "long-dotted-key",
        "long-key-in-inline-table",
        "long-header",
        "many",
    ],
)
def test_structures_that_would_exhaust_the_parser_are_refused_before_parsing(source: str, code: str) -> None:
    # tomllib raises RecursionError on deep nesting and takes minutes on long dotted keys
    [problem] = problems_of(source)
    assert problem.code == code and problem.line is not None


def test_decimal_points_in_numbers_are_not_taken_for_dotted_keys() -> None:
    source = GOOD.replace("format = 1", "format = 1\nextra = [" + "1.5, " * 200 + "]")
    assert located(source) == [("unknown_key", 2)]
