"""Differences between two versions of a specification, by stable id, with word-level text diffs."""

from __future__ import annotations

import itertools
from dataclasses import replace
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from tender.core.spec import Chapter, Criterion, Specification, content_hash, move_chapter, move_requirement
from tender.core.spec.diff import WordOp, diff_specs, word_diff
from tender.core.spec.samples import example_spec
from tender.web.spec_messages import diff_summary


def with_requirement(spec: Specification, requirement_id: str, **changes: object) -> Specification:
    requirements = tuple(replace(r, **changes) if r.id == requirement_id else r for r in spec.requirements)  # type: ignore[arg-type]
    return replace(spec, requirements=requirements)


def test_a_word_diff_marks_only_the_changed_words() -> None:
    assert word_diff("Løsningen skal støtte PDF/A.", "Løsningen bør støtte PDF/A og TIFF.") == (
        WordOp("equal", "Løsningen "),
        WordOp("delete", "skal"),
        WordOp("insert", "bør"),
        WordOp("equal", " støtte PDF/A"),
        WordOp("insert", " og TIFF"),
        WordOp("equal", "."),
    )


def test_a_word_diff_unpacks_as_op_and_words_for_templates() -> None:
    rendered = "".join(f"<{op}>{words}" for op, words in word_diff("a b", "a c"))
    assert rendered == "<equal>a <delete>b<insert>c"


@settings(max_examples=200, deadline=None)
@given(
    old=st.lists(
        st.sampled_from(["skal", "bør", "arkiv", "æøå", ".", ",", " ", "\n", "krav"]), max_size=40
    ).map("".join),
    new=st.lists(
        st.sampled_from(["skal", "bør", "arkiv", "æøå", ".", ",", " ", "\n", "krav"]), max_size=40
    ).map("".join),
)
def test_a_word_diff_rebuilds_both_texts(old: str, new: str) -> None:
    runs = word_diff(old, new)
    assert "".join(w for op, w in runs if op != "insert") == old
    assert "".join(w for op, w in runs if op != "delete") == new
    assert all(a.op != b.op for a, b in itertools.pairwise(runs))


def test_identical_specifications_have_an_empty_diff() -> None:
    diff = diff_specs(example_spec(), example_spec())
    assert diff.is_empty
    assert diff_summary(diff) == "Ingen endringer"


def test_a_whitespace_only_edit_is_not_a_change() -> None:
    spec = example_spec()
    assert diff_specs(
        spec, with_requirement(spec, "R0001", text=spec.requirements[0].text + "  \r\n")
    ).is_empty


def test_added_removed_and_changed_requirements_are_found_by_id() -> None:
    old = example_spec()
    new = with_requirement(
        old, "R0002", text=old.requirements[1].text.replace("bør", "skal"), weight=Decimal("5.0")
    )
    new = with_requirement(new, "R0005", unit="millisekunder", kind=new.requirements[4].kind)
    new = replace(new, requirements=tuple(r for r in new.requirements if r.id != "R0004"))
    new = replace(
        new, requirements=new.requirements + (replace(old.requirements[3], id="R0006", number="2.3"),)
    )
    diff = diff_specs(old, new)
    assert [r.id for r in diff.added] == ["R0006"]
    assert [r.id for r in diff.removed] == ["R0004"]
    assert [(c.id, [f.field for f in c.changes]) for c in diff.changed] == [
        ("R0002", ["text"]),
        ("R0005", ["unit"]),
    ]
    text = diff.changed[0].field("text")
    assert text is not None and text.label == "Kravtekst"
    assert ("delete", "bør") in text.words and ("insert", "skal") in text.words
    unit = diff.changed[1].field("unit")
    assert unit is not None and (unit.old, unit.new) == ("sekunder", "millisekunder")
    assert diff_summary(diff) == "1 nytt krav, 1 slettet krav, 2 endrede krav"


def test_kind_and_weight_changes_show_norwegian_labels_and_normalised_numbers() -> None:
    old = example_spec()
    new = with_requirement(old, "R0002", weight=Decimal("7.50"))
    new = with_requirement(new, "R0004", kind=old.requirements[0].kind)
    changes = {c.id: c for c in diff_specs(old, new).changed}
    weight, kind = changes["R0002"].field("weight"), changes["R0004"].field("kind")
    assert weight is not None and (weight.old, weight.new) == ("5", "7.5")
    assert kind is not None and (kind.old, kind.new) == ("Informasjon", "Minstekrav")


def test_a_requirement_moved_within_its_chapter_is_one_move_not_a_cascade() -> None:
    old = example_spec()
    new = move_requirement(old, "R0002", position=0)
    diff = diff_specs(old, new)
    assert [(m.id, m.old_position, m.new_position, m.changed_chapter) for m in diff.moved] == [
        ("R0002", 2, 1, False)
    ]
    assert diff.changed == ()


def test_inserting_a_requirement_at_the_top_does_not_mark_the_others_as_moved() -> None:
    old = example_spec()
    extra = replace(old.requirements[0], id="R0006", number="1.0")
    new = move_requirement(replace(old, requirements=old.requirements + (extra,)), "R0006", position=0)
    diff = diff_specs(old, new)
    assert [r.id for r in diff.added] == ["R0006"] and diff.moved == ()


def test_a_requirement_moved_to_another_chapter_is_a_move_with_both_chapters() -> None:
    diff = diff_specs(example_spec(), move_requirement(example_spec(), "R0001", chapter="K03", position=0))
    [move] = diff.moved
    assert (move.id, move.old_chapter, move.new_chapter, move.old_position, move.new_position) == (
        "R0001",
        "K01",
        "K03",
        1,
        1,
    )
    assert move.changed_chapter and diff.changed == ()


def test_chapter_and_criterion_changes_are_reported() -> None:
    old = example_spec()
    new = move_chapter(old, "K03", 0)
    new = replace(
        new,
        chapters=tuple(replace(c, title="Arkiv og metadata") if c.id == "K01" else c for c in new.chapters)
        + (Chapter("K04", "4", "Integrasjoner"),),
        criteria=(Criterion("arkiv", "Arkiv"), Criterion("pris", "Pris")),
    )
    diff = diff_specs(old, new)
    assert [c.id for c in diff.chapters_added] == ["K04"]
    assert [(c.id, c.changes[0].old, c.changes[0].new) for c in diff.chapters_changed] == [
        ("K01", "Arkivstruktur og metadata", "Arkiv og metadata")
    ]
    assert [(m.id, m.old_position, m.new_position) for m in diff.chapters_moved] == [("K03", 3, 1)]
    assert [c.id for c in diff.criteria_added] == ["pris"]
    assert [c.id for c in diff.criteria_removed] == ["brukervennlighet"]
    assert [c.id for c in diff.criteria_changed] == ["arkiv"]


def test_a_diff_is_empty_exactly_when_the_hashes_are_equal() -> None:
    base = example_spec()
    variants = [
        with_requirement(base, "R0003", municipalities=("4012", "4001")),
        with_requirement(base, "R0003", municipalities=("4012",)),
        move_requirement(base, "R0004", position=0),
        replace(base, title=base.title + " "),
        replace(base, title=base.title + " 2"),
        replace(base, requirements=tuple(reversed(base.requirements))),
        with_requirement(base, "R0001", source="Noark 5 v5.0 krav 2.1.1,  O"),
        with_requirement(base, "R0001", documentation=""),
    ]
    for variant in variants:
        assert diff_specs(base, variant).is_empty == (content_hash(base) == content_hash(variant)), variant
