"""Every problem the prequalification core can report is worded in Norwegian, with Norwegian numbers."""

from __future__ import annotations

import ast
from fractions import Fraction as F
from pathlib import Path
from typing import Any

from tender.core import prequalification as pq
from tender.core.scoring import Problem
from tender.web import prequalification_messages as messages
from tests.test_telltale_words import findings

CORE = Path(pq.__file__)

#: one example of every code's values, as the core gives them; a new code needs one here too
SAMPLES: dict[str, dict[str, Any]] = {
    "procedure_unknown": {"procedure": "dialogue", "known": pq.PROCEDURES},
    "minimum_missing": {"procedure": "restricted"},
    "minimum_not_positive": {"minimum": 0},
    "minimum_below_legal": {"procedure": "competitive_negotiation", "minimum": 2, "legal_minimum": 3},
    "maximum_not_positive": {"maximum": -1},
    "maximum_below_minimum": {"minimum": 4, "maximum": 3},
    "selection_weight_sum": {"total": F(90), "parts": (("Referanser", F(60)), ("Kompetanse", F(30)))},
    "selection_name_missing": {"id": "k1"},
    "descriptor_off_scale": {"score": F(11), "scale_max": F(10)},
    "descriptor_duplicate": {"score": F(5)},
    "descriptor_text_missing": {"score": F(15, 2)},
    "no_criteria": {},
    "criterion_id_missing": {},
    "criterion_id_duplicate": {"id": "ref", "other_place": "criteria[0]"},
    "weight_negative": {"weight": F(-5, 2)},
    "score_off_scale": {"score": F(11), "scale_max": F(10)},
    "score_not_whole": {"score": F(13, 4), "half_points_allowed": True},
    "half_points_not_allowed": {"score": F(7, 2)},
    "tie_decision_twice": {"request": "r1"},
    "selection_score_missing": {
        "request": "r2",
        "name": "Arkivhuset AS",
        "criteria": ("ref",),
        "criterion_names": ("Referanser",),
    },
    "cutoff_tie_unresolved": {
        "requests": ("a", "b"),
        "names": ("Leverandør A", "Leverandør B"),
        "total": F(29, 4),
        "rank": 4,
        "maximum": 4,
        "places_left": 1,
    },
    "invited_twice": {"request": "a"},
    "invited_unknown": {"request": "z"},
    "invited_not_qualified": {"request": "n", "name": "Nordarkiv AS"},
    "invited_excluded": {"request": "x", "name": "Xarkiv AS"},
    "invited_above_maximum": {"count": 5, "maximum": 4},
    "invited_below_minimum": {"count": 2, "minimum": 3, "qualified": 6},
    "invited_splits_tie": {
        "invited": ("a",),
        "invited_names": ("Leverandør A",),
        "left_out": ("b", "c"),
        "left_out_names": ("Leverandør B", "Leverandør C"),
        "total": F(36, 5),
    },
    "qualified_left_out": {"request": "d", "name": "Leverandør D"},
    "invited_skips_higher": {
        "request": "e",
        "name": "Leverandør E",
        "rank": 5,
        "skipped": "d",
        "skipped_name": "Leverandør D",
        "skipped_rank": 4,
    },
    "requirement_group_unknown": {"group": "misc"},
    "item_id_missing": {"kind": "requirements"},
    "item_id_duplicate": {"kind": "exclusion_grounds", "id": "A1", "other_index": 0},
    "item_text_missing": {"kind": "requirements", "id": "K1"},
    "deadline_naive": {},
}


def _codes_in_the_core_source() -> set[str]:
    """Every code literal the prequalification core puts in a problem."""
    codes: set[str] = set()
    for node in ast.walk(ast.parse(CORE.read_text(encoding="utf-8"))):
        called = getattr(node.func, "id", None) if isinstance(node, ast.Call) else None
        if called in ("PrequalificationProblem", "Problem") and len(node.args) > 1:
            assert isinstance(node.args[1], ast.Constant), ast.unparse(node)  # a code is always a literal
            codes.add(node.args[1].value)
    return codes


def _codes_the_scoring_core_passes_on() -> set[str]:
    """The scoring core's codes, got by really breaking the rules it checks for the prequalification."""
    criteria = [
        pq.SelectionCriterion("a", "A", F(120)),
        pq.SelectionCriterion("a", "A igjen", F(-20)),
        pq.SelectionCriterion(" ", "Uten id", F(0)),
    ]
    found = pq.check_selection_criteria(criteria) + pq.check_selection_criteria([])
    model = pq.selection_model([pq.SelectionCriterion("a", "A", F(100))])
    scores: list[F] = [F(11), F(13, 4), F(7, 2)]
    requests = [pq.Request(f"r{i}", f"R{i}", True, scores={"a": s}) for i, s in enumerate(scores)]
    found += pq.rank_requests(model, requests, (), 1).problems
    return {p.code for p in found}


def test_every_code_the_prequalification_core_can_report_has_a_norwegian_wording() -> None:
    own = _codes_in_the_core_source()
    assert {"minimum_below_legal", "selection_weight_sum", "cutoff_tie_unresolved", "deadline_naive"} <= own
    passed_on = _codes_the_scoring_core_passes_on()
    assert passed_on == {
        "criterion_id_duplicate",
        "criterion_id_missing",
        "weight_negative",
        "no_criteria",
        "score_off_scale",
        "score_not_whole",
        "half_points_not_allowed",
    }
    assert own | passed_on == set(messages.NORWEGIAN), (own | passed_on) ^ set(messages.NORWEGIAN)
    assert set(SAMPLES) == set(messages.NORWEGIAN), set(SAMPLES) ^ set(messages.NORWEGIAN)


def test_every_wording_reads_as_norwegian_with_norwegian_numbers() -> None:
    for code, values in SAMPLES.items():
        worded = messages.message(Problem("", code, values))
        assert worded.endswith(".") and findings(worded) == [], (code, worded)
        assert "Fraction" not in worded and "None" not in worded, (code, worded)
    assert messages.message(Problem("", "descriptor_text_missing", {"score": F(15, 2)})) == (
        "Skalabeskrivelsen for 7,5 poeng mangler tekst."
    )


def test_the_three_sentences_of_the_issue_read_as_written() -> None:
    assert messages.message(Problem("", "minimum_below_legal", SAMPLES["minimum_below_legal"])) == (
        "Minste antall kandidater er 2, men i konkurranse med forhandling må det være minst 3 (FOA § 16-12)."
    )
    assert messages.message(Problem("", "selection_weight_sum", SAMPLES["selection_weight_sum"])) == (
        "Vektene på utvelgelseskriteriene summerer seg til 90 %, ikke 100 % "
        "(Referanser 60 % + Kompetanse 30 %)."
    )
    assert messages.message(Problem("", "cutoff_tie_unresolved", SAMPLES["cutoff_tie_unresolved"])) == (
        "Leverandør A og Leverandør B står likt på 7,25 poeng ved grensen for hvem som inviteres; "
        "registrer en beslutning før utvalget foreslås."
    )


def test_a_real_tie_at_the_cut_off_and_a_weight_of_100_5_are_worded_from_the_core() -> None:
    model = pq.selection_model(
        [pq.SelectionCriterion("ref", "Referanser", F(75)), pq.SelectionCriterion("kom", "Kompetanse", F(25))]
    )
    requests = [
        pq.Request("a", "Leverandør A", True, scores={"ref": 7, "kom": 8}),
        pq.Request("b", "Leverandør B", True, scores={"ref": 7, "kom": 8}),
        pq.Request("c", "Leverandør C", True, scores={"ref": 9, "kom": 9}),
        pq.Request("d", "Leverandør D", True, scores={"ref": 3, "kom": 2}),
    ]
    blocking = pq.rank_requests(model, requests, (), 2).blocking
    assert messages.describe_all(blocking) == [
        "Rangeringen: Leverandør A og Leverandør B står likt på 7,25 poeng ved grensen for hvem som "
        "inviteres; registrer en beslutning før utvalget foreslås."
    ]
    problems = pq.check_selection_criteria(
        [pq.SelectionCriterion("ref", "Referanser", F(201, 2)), pq.SelectionCriterion("kom", "Kompetanse", 0)]
    )
    assert messages.describe_all(problems) == [
        "Utvelgelseskriteriene: Vektene på utvelgelseskriteriene summerer seg til 100,5 %, ikke 100 % "
        "(Referanser 100,5 % + Kompetanse 0 %)."
    ]


def test_a_place_of_the_core_reads_as_a_place_in_the_prequalification() -> None:
    assert messages.place("criteria[1].weight") == "utvelgelseskriterium 2, vekt"
    assert messages.place("requests[0].scores.ref") == "forespørsel 1, poeng for «ref»"
    assert messages.place("requests[0].scores") == "forespørsel 1"
    assert messages.place("invited[2]") == "invitert nr. 3"
    assert messages.place("tie_break[1]") == "beslutningene om rekkefølge, plass 2"
    assert messages.place("exclusion_grounds[0].id") == "avvisningsgrunn 1, id"
    assert messages.place("minimum") == "minste antall kandidater"
    assert messages.place("") == ""
    assert messages.describe(Problem("maximum", "maximum_below_minimum", {"minimum": 4, "maximum": 3})) == (
        "Største antall kandidater: Største antall kandidater (3) er lavere enn minste antall (4)."
    )


def test_fewer_qualified_than_the_minimum_is_worded_as_inviting_all_of_them() -> None:
    worded = messages.message(
        Problem("", "invited_below_minimum", {"count": 1, "minimum": 3, "qualified": 2})
    )
    assert worded == (
        "Bare 2 er kvalifisert, færre enn minste antall (3); da skal alle de kvalifiserte inviteres, "
        "men utvalget har 1."
    )


def test_the_cores_own_problems_still_print_for_logs() -> None:
    problem = pq.check_candidate_limits("restricted", 4, None)[0]
    assert str(problem) == "minimum: minimum_below_legal (procedure=restricted, minimum=4, legal_minimum=5)"


def test_every_group_of_qualification_requirements_has_a_norwegian_label() -> None:
    assert tuple(messages.REQUIREMENT_GROUP_LABELS) == pq.REQUIREMENT_GROUPS
    assert messages.message(Problem("", "requirement_group_unknown", {"group": "misc"})) == (
        "Ukjent gruppe av kvalifikasjonskrav «misc» (kjente: registrering og rettslig stilling, skatt og "
        "merverdiavgift, økonomisk og finansiell kapasitet, teknisk og faglig kvalifikasjon)."
    )
