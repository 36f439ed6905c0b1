"""The specification model: business rules, canonical form, hash and editing helpers."""

from __future__ import annotations

import ast
import unicodedata
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest

from tender.core.spec import (
    AnswerForm,
    Chapter,
    Kind,
    Requirement,
    SpecError,
    Specification,
    allocate_ids,
    canonical_form,
    content_hash,
    display_order,
    move_chapter,
    move_requirement,
    next_id,
    normalise_text,
    renumber,
    validate_spec,
)
from tender.core.spec.samples import example_spec
from tender.web.spec_messages import describe
from tender.web.spec_messages import message as spec_message

CORE = Path(__file__).resolve().parents[2] / "tender" / "core"


def with_requirement(spec: Specification, requirement_id: str, **changes: object) -> Specification:
    requirements = tuple(replace(r, **changes) if r.id == requirement_id else r for r in spec.requirements)  # type: ignore[arg-type]
    return replace(spec, requirements=requirements)


def codes(spec: Specification) -> list[tuple[str, str | None, str | None]]:
    return [(p.code, p.item_id, p.field) for p in validate_spec(spec)]


# --------------------------------------------------------------------------- enums


def test_kinds_and_answer_forms_have_norwegian_labels() -> None:
    assert [k.label for k in Kind] == ["Minstekrav", "Evalueringskrav", "Informasjon"]
    assert [f.label for f in AnswerForm] == ["Ja/Nei", "Ja/Nei/Delvis", "Fritekst", "Tall"]
    assert AnswerForm.JA_NEI_DELVIS.choices == ("Ja", "Nei", "Delvis")
    assert AnswerForm.TALL.choices == ()


# --------------------------------------------------------------------------- business rules


def test_the_example_specification_is_valid() -> None:
    assert validate_spec(example_spec()) == []


def test_a_duplicate_requirement_id_is_reported_on_the_second_occurrence() -> None:
    spec = example_spec()
    spec = replace(spec, requirements=spec.requirements + (replace(spec.requirements[3], number="9.9"),))
    problems = validate_spec(spec)
    assert [(p.code, p.index, p.item_id) for p in problems] == [("duplicate_id", 5, "R0004")]
    assert problems[0].values == {"section": "requirement", "id": "R0004", "first": 4}
    assert spec_message(problems[0]) == (
        "Id-en «R0004» er brukt før (på krav nr. 4); hver id skal være unik."
    )


def test_a_duplicate_chapter_id_and_a_duplicate_display_number_are_reported() -> None:
    spec = example_spec()
    spec = replace(spec, chapters=spec.chapters + (Chapter("K01", "4", "Igjen"),))
    spec = with_requirement(spec, "R0002", number="1.1")
    assert ("duplicate_id", "K01", "id") in codes(spec)
    assert ("duplicate_number", "R0002", "number") in codes(spec)


def test_an_evaluation_requirement_needs_an_existing_criterion_and_a_positive_weight() -> None:
    spec = with_requirement(example_spec(), "R0002", criterion="finnes_ikke", weight=Decimal(0))
    assert codes(spec) == [
        ("unknown_criterion", "R0002", "criterion"),
        ("weight_not_positive", "R0002", "weight"),
    ]
    spec = with_requirement(example_spec(), "R0002", criterion=None, weight=None)
    assert codes(spec) == [("missing_criterion", "R0002", "criterion"), ("missing_weight", "R0002", "weight")]


def test_a_minimum_requirement_may_have_neither_criterion_nor_weight() -> None:
    spec = with_requirement(example_spec(), "R0001", criterion="arkiv", weight=Decimal(1))
    assert codes(spec) == [
        ("criterion_not_allowed", "R0001", "criterion"),
        ("weight_not_allowed", "R0001", "weight"),
    ]


def test_weights_with_too_many_decimals_or_absurd_size_are_refused() -> None:
    assert codes(with_requirement(example_spec(), "R0002", weight=Decimal("1.00001"))) == [
        ("weight_too_precise", "R0002", "weight")
    ]
    assert codes(with_requirement(example_spec(), "R0002", weight=Decimal("1.2500"))) == []
    assert codes(with_requirement(example_spec(), "R0002", weight=Decimal("1E+7"))) == [
        ("weight_too_large", "R0002", "weight")
    ]
    assert codes(with_requirement(example_spec(), "R0002", weight=Decimal("NaN"))) == [
        ("weight_not_positive", "R0002", "weight")
    ]


def test_a_unit_is_required_with_a_number_answer_and_forbidden_otherwise() -> None:
    assert codes(with_requirement(example_spec(), "R0005", unit=None)) == [("missing_unit", "R0005", "unit")]
    assert codes(with_requirement(example_spec(), "R0005", unit="  ")) == [("missing_unit", "R0005", "unit")]
    assert codes(with_requirement(example_spec(), "R0001", unit="sekunder")) == [
        ("unit_not_allowed", "R0001", "unit")
    ]


def test_a_requirement_in_a_chapter_that_does_not_exist_is_reported() -> None:
    assert codes(with_requirement(example_spec(), "R0004", chapter="K99")) == [
        ("unknown_chapter", "R0004", "chapter")
    ]


def test_municipality_numbers_must_be_four_digits_and_unique() -> None:
    spec = with_requirement(example_spec(), "R0003", municipalities=("4001", "401", "4001"))
    assert codes(spec) == [
        ("invalid_municipality", "R0003", "municipalities"),
        ("duplicate_municipality", "R0003", "municipalities"),
    ]


def test_empty_text_title_and_malformed_ids_are_reported() -> None:
    spec = with_requirement(example_spec(), "R0001", text=" \n ")
    spec = replace(spec, title="", chapters=(replace(spec.chapters[0], id="K 01"),) + spec.chapters[1:])
    found = codes(spec)
    assert ("missing_title", None, "title") in found
    assert ("missing_text", "R0001", "text") in found
    assert ("invalid_id", "K 01", "id") in found


def test_control_characters_that_excel_cannot_store_are_reported() -> None:
    spec = with_requirement(example_spec(), "R0001", text="Løsningen\x0b skal")
    assert codes(spec) == [("control_character", "R0001", "text")]


def test_problems_carry_their_values_and_read_as_norwegian_with_their_location() -> None:
    problem = validate_spec(with_requirement(example_spec(), "R0004", chapter="K99"))[0]
    assert (problem.code, dict(problem.values)) == ("unknown_chapter", {"id": "R0004", "chapter": "K99"})
    assert (
        describe(replace(problem, line=12))
        == "linje 12: Krav «R0004» viser til kapittelet «K99», som ikke finnes."
    )


# --------------------------------------------------------------------------- canonical form and hash


def test_the_hash_is_a_sha256_hex_digest_and_stable_between_calls() -> None:
    digest = content_hash(example_spec())
    assert len(digest) == 64 and int(digest, 16) >= 0
    assert content_hash(example_spec()) == digest


def test_any_change_to_a_requirement_text_changes_the_hash() -> None:
    changed = with_requirement(
        example_spec(), "R0001", text=example_spec().requirements[0].text.replace("skal", "bør")
    )
    assert content_hash(changed) != content_hash(example_spec())


@pytest.mark.parametrize(
    "field, value",
    [
        ("number", "1.9"),
        ("kind", Kind.INFORMASJON),
        ("answer_form", AnswerForm.JA_NEI_DELVIS),
        ("source", "x"),
        ("documentation", "Dokumentasjon"),
        ("municipalities", ("4001",)),
    ],
)
def test_any_change_to_another_field_changes_the_hash(field: str, value: object) -> None:
    assert content_hash(with_requirement(example_spec(), "R0001", **{field: value})) != content_hash(
        example_spec()
    )


def test_reordering_requirements_inside_a_chapter_changes_the_hash() -> None:
    reordered = move_requirement(example_spec(), "R0002", position=0)
    assert [r.id for r in reordered.requirements_in("K01")] == ["R0002", "R0001"]
    assert content_hash(reordered) != content_hash(example_spec())


def test_reordering_chapters_changes_the_hash() -> None:
    assert content_hash(move_chapter(example_spec(), "K03", 0)) != content_hash(example_spec())


def test_whitespace_line_endings_and_unicode_normalisation_do_not_change_the_hash() -> None:
    spec = example_spec()
    text = spec.requirements[2].text
    noisy = (
        "  " + unicodedata.normalize("NFD", text).replace(" ", "  \t").replace("\n", " \r\n") + "\r\n\r\n\r\n"
    )
    variant = with_requirement(spec, "R0003", text=noisy, number=" 2.1 ", municipalities=("4012", "4001"))
    variant = replace(variant, title=spec.title + "  ")
    assert content_hash(variant) == content_hash(spec)


def test_a_weight_of_5_and_5_point_0_hash_the_same() -> None:
    spec = example_spec()
    assert content_hash(with_requirement(spec, "R0002", weight=Decimal("5.00"))) == content_hash(spec)
    assert content_hash(with_requirement(spec, "R0002", weight=Decimal("5.01"))) != content_hash(spec)


def test_requirements_interleaved_across_chapters_hash_like_the_same_display_order() -> None:
    spec = example_spec()
    r1, r2, r3, r4, r5 = spec.requirements
    interleaved = replace(spec, requirements=(r3, r1, r5, r4, r2))
    assert display_order(interleaved) == spec.requirements
    assert content_hash(interleaved) == content_hash(spec)


def test_the_canonical_form_keeps_paragraph_breaks_but_collapses_blank_line_runs() -> None:
    assert normalise_text("a  b \r\n\r\n\r\n\r\nc ") == "a b\n\nc"
    assert canonical_form(example_spec())["requirements"][2]["text"].count("\n\n") == 1


# --------------------------------------------------------------------------- editing helpers


def test_moving_a_requirement_to_another_chapter_keeps_its_id_and_number() -> None:
    moved = move_requirement(example_spec(), "R0001", chapter="K03", position=0)
    assert [r.id for r in moved.requirements_in("K03")] == ["R0001", "R0005"]
    assert moved.requirement("R0001") == replace(example_spec().requirements[0], chapter="K03")


def test_moving_a_requirement_into_an_empty_chapter_places_it_in_chapter_order() -> None:
    spec = replace(example_spec(), chapters=example_spec().chapters + (Chapter("K04", "4", "Tom"),))
    spec = replace(spec, chapters=(spec.chapters[0], spec.chapters[3], *spec.chapters[1:3]))
    moved = move_requirement(spec, "R0005", chapter="K04")
    assert [r.id for r in display_order(moved)] == ["R0001", "R0002", "R0005", "R0003", "R0004"]
    assert [r.id for r in moved.requirements] == ["R0001", "R0002", "R0005", "R0003", "R0004"]


def test_moving_to_a_position_outside_the_chapter_or_an_unknown_id_is_refused() -> None:
    with pytest.raises(SpecError) as error:
        move_requirement(example_spec(), "R0001", position=2)
    assert error.value.code == "position_out_of_range"
    with pytest.raises(SpecError, match="R0042"):
        move_requirement(example_spec(), "R0042")
    with pytest.raises(SpecError, match="K77"):
        move_requirement(example_spec(), "R0001", chapter="K77")


def test_renumbering_follows_the_display_order_and_never_touches_ids() -> None:
    spec = move_chapter(move_requirement(example_spec(), "R0004", position=0), "K03", 0)
    renumbered = renumber(spec)
    assert [(c.id, c.number) for c in renumbered.chapters] == [("K03", "1"), ("K01", "2"), ("K02", "3")]
    assert [(r.id, r.number) for r in display_order(renumbered)] == [
        ("R0005", "1.1"),
        ("R0001", "2.1"),
        ("R0002", "2.2"),
        ("R0004", "3.1"),
        ("R0003", "3.2"),
    ]
    assert validate_spec(renumbered) == []


def test_the_next_id_is_never_one_used_before_even_when_deleted() -> None:
    assert next_id([]) == "R0001"
    assert next_id(["R0001", "R0007", "R0003", "K01", "X9999"]) == "R0008"
    assert next_id(["R9999"]) == "R10000"
    assert next_id(["K01", "K02"], prefix="K", width=2) == "K03"
    assert allocate_ids(["R0002"], 3) == ["R0003", "R0004", "R0005"]


# --------------------------------------------------------------------------- purity


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("module", sorted(p.name for p in CORE.glob("spec*.py")) + ["catalogue.py"])
def test_the_specification_core_imports_neither_flask_nor_sqlalchemy_nor_the_rest_of_tender(
    module: str,
) -> None:
    for name in _imports(CORE / module):
        assert name.split(".")[0] not in {"flask", "flask_sqlalchemy", "sqlalchemy"}, name
        assert not name.startswith("tender.") or name.startswith("tender.core"), name


def test_a_requirement_is_frozen() -> None:
    requirement = example_spec().requirements[0]
    with pytest.raises(AttributeError):
        requirement.text = "endret"  # type: ignore[misc]
    assert isinstance(requirement, Requirement)
