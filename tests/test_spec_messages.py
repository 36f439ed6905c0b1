"""The specification core's problems (and the price schedule's and the organisation number's) are codes
with values in the core and Norwegian words in one place, ``tender.web.spec_messages``: what people read."""

from __future__ import annotations

import ast
import dataclasses
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from tender.core import orgnr
from tender.core.price_schedule import (
    PriceProblem,
    PriceSchedule,
    PriceScheduleError,
    ScheduleItem,
    ScheduleLine,
    evaluated_prices,
    evaluated_total,
)
from tender.core.spec import Problem, Requirement, SpecError, SpecFileError, move_requirement
from tender.core.spec.samples import example_spec
from tender.core.spec.toml_format import load_spec_toml
from tender.web import spec_messages
from tests.test_telltale_words import findings

ROOT = Path(__file__).resolve().parent.parent
CORE = ROOT / "tender" / "core"
#: every module whose problems spec_messages words (the exports raise the specification's errors too)
SPEC_SOURCES = [
    *sorted((CORE / "spec").glob("*.py")),
    CORE / "catalogue.py",
    ROOT / "tender" / "reports" / "spec_excel.py",
    ROOT / "tender" / "reports" / "spec_pdf.py",
]
PROSE_FREE = [
    *sorted((CORE / "spec").glob("*.py")),
    CORE / "catalogue.py",
    CORE / "price_schedule.py",
    CORE / "orgnr.py",
]

#: the helpers that make a problem, and which argument holds its code
_CODE_ARGUMENT = {
    "Problem": 0,
    "SpecError": 0,
    "_fail": 0,
    "fail": 0,
    "_add": 0,
    "_problem": 0,
    "problem": 0,
    "_refuse_garbled": 2,
    "PriceProblem": 0,
    "InvalidOrganisationNumber": 0,
}
_ENUM_FIELDS = [f.name for f in dataclasses.fields(Requirement) if f.name in ("kind", "answer_form")]


def _codes_in(paths: list[Path]) -> set[str]:
    """Every code literal the given modules put in a problem."""
    codes: set[str] = set()
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            candidates: list[ast.expr] = []
            if name in _CODE_ARGUMENT and len(node.args) > _CODE_ARGUMENT[name]:
                candidates.append(node.args[_CODE_ARGUMENT[name]])
            if name == "_wrong":
                code = [k.value for k in node.keywords if k.arg == "code"]
                candidates += code or [ast.Constant("wrong_type")]
            for argument in candidates:
                if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                    codes.add(argument.value)
                elif isinstance(argument, ast.JoinedStr):
                    # f"unknown_{key}": a value of a Requirement's enum field that is not one of its members
                    prefix = argument.values[0]
                    assert isinstance(prefix, ast.Constant) and prefix.value == "unknown_", ast.unparse(
                        argument
                    )
                    codes |= {f"unknown_{field}" for field in _ENUM_FIELDS}
    return codes


def test_every_code_the_specification_core_raises_has_a_norwegian_wording_and_no_wording_is_dead() -> None:
    raised = _codes_in(SPEC_SOURCES)
    assert len(raised) > 70 and {"formula", "toml_syntax", "unknown_kind", "wrong_type", "mojibake"} <= raised
    assert raised == set(spec_messages.SPEC), (
        raised - set(spec_messages.SPEC),
        set(spec_messages.SPEC) - raised,
    )
    price = _codes_in([CORE / "price_schedule.py"])
    assert (
        price
        == set(spec_messages.PRICE_SCHEDULE)
        == {"period_malformed", "amount_missing", "amount_negative", "no_items"}
        | {
            # issue 16: the schedule as the evaluated price (basket, average, discounted life-cycle cost)
            "not_a_number",
            "unknown_method",
            "unknown_gap_rule",
            "rate_without_life_cycle",
            "rate_negative",
            "rate_too_high",
            "duplicate_municipality",
            "duplicate_line",
            "quantity_negative",
            "weight_negative",
            "weights_zero",
            "yearly_without_life_cycle",
            "no_municipalities",
            "unknown_line",
            "municipality_missing",
            "municipality_unknown",
            "line_unpriced",
        }
    )
    assert (
        _codes_in([CORE / "orgnr.py"])
        == set(spec_messages.ORGANISATION_NUMBER)
        == {"not_nine_digits", "check_digit"}
    )


#: realistic values for every code, one entry per way a reader words it; a new code needs one here too
SAMPLES: list[tuple[str, dict[str, Any]]] = [
    ("missing_title", {}),
    ("missing_title", {"section": "chapter", "id": "K01"}),
    ("missing_id", {"section": "chapter"}),
    ("missing_id", {"section": "requirement", "in_workbook": True}),
    ("missing_id", {"answered": True}),
    ("invalid_id", {"id": "R 1"}),
    ("duplicate_id", {"section": "requirement", "id": "R0004", "first": 4}),
    ("duplicate_id", {"id": "R0004", "other_row": 7}),
    ("duplicate_number", {"number": "1.1", "first_id": "R0001"}),
    ("duplicate_number", {"number": "2.6.1", "other_rows": (5, 9), "in_catalogue": True}),
    ("control_character", {}),
    ("missing_name", {"id": "arkiv"}),
    ("missing_number", {"section": "chapter", "id": "K01"}),
    ("missing_number", {"section": "requirement", "id": "R0001"}),
    ("missing_number", {"in_catalogue": True}),
    ("missing_text", {"id": "R0001"}),
    ("unknown_chapter", {"id": "R0004", "chapter": "K99"}),
    ("unknown_chapter", {"chapter": "K99", "in_catalogue": True}),
    ("unknown_chapter", {"chapter": "K99"}),
    ("unknown_requirement", {"id": "R0042"}),
    ("position_out_of_range", {"position": 4, "places": 3, "in": "chapter"}),
    ("position_out_of_range", {"position": 6, "places": 3, "in": "chapters"}),
    ("missing_unit", {"id": "R0005"}),
    ("unit_not_allowed", {"id": "R0001", "answer_form": "ja_nei"}),
    ("missing_criterion", {"id": "R0002"}),
    ("missing_criterion", {"in_catalogue": True}),
    ("unknown_criterion", {"id": "R0002", "criterion": "pris"}),
    ("unknown_criterion", {"id": "R0002", "criterion": "Pris", "criteria_sheet": "Tildelingskriterier"}),
    ("unknown_criterion", {"criterion": "pris", "in_catalogue": True}),
    ("missing_weight", {"id": "R0002"}),
    ("criterion_not_allowed", {"id": "R0001", "kind": "minstekrav"}),
    ("weight_not_allowed", {"id": "R0001", "kind": "informasjon"}),
    ("weight_not_positive", {"id": "R0002", "weight": Decimal(-1)}),
    ("weight_too_large", {"id": "R0002", "weight": Decimal(2_000_000)}),
    ("weight_too_precise", {"id": "R0002", "weight": Decimal("2.12345"), "max_decimals": 4}),
    ("invalid_municipality", {"id": "R0001", "number": "401"}),
    ("duplicate_municipality", {"id": "R0001", "number": "4001"}),
    ("file_too_large", {"max_chars": 10_000_000}),
    ("file_too_large", {"max_mb": 20}),
    ("too_deeply_nested", {"max_nesting": 16}),
    ("too_many_entries", {"max_entries": 10_000, "table": "requirement"}),
    ("too_many_key_parts", {"max_dots": 64}),
    ("not_utf8", {}),
    ("toml_syntax", {"column": 9, "kind": "unterminated_string", "parser_message": "Unterminated string"}),
    ("toml_syntax", {"column": None, "kind": None, "parser_message": "Unclosed array"}),
    ("unknown_key", {"key": "titel", "suggestion": "title"}),
    (
        "unknown_key",
        {"key": "wieght", "table": "requirement", "item_id": "R0001", "position": 1, "suggestion": "weight"},
    ),
    ("missing_key", {"key": "format", "format": 1}),
    ("missing_key", {"key": "title"}),
    ("missing_key", {"key": "text", "table": "requirement", "item_id": None, "position": 3}),
    ("unsupported_format", {"version": 2, "format": 1}),
    ("wrong_type", {"key": "title", "expected": "text"}),
    ("wrong_type", {"key": "requirement", "expected": "tables"}),
    (
        "wrong_type",
        {
            "key": "unit",
            "expected": "text",
            "value": 5,
            "table": "requirement",
            "item_id": "R0001",
            "position": 1,
        },
    ),
    (
        "wrong_type",
        {
            "key": "municipalities",
            "expected": "list_of_text",
            "table": "requirement",
            "item_id": "R0001",
            "position": 1,
        },
    ),
    (
        "unknown_kind",
        {
            "value": "minstekrv",
            "valid": ("minstekrav", "evalueringskrav", "informasjon"),
            "suggestion": "minstekrav",
            "table": "requirement",
            "item_id": "R0001",
            "position": 1,
        },
    ),
    (
        "unknown_kind",
        {
            "value": "Minimumskrav",
            "id": "R0001",
            "valid_labels": ("Minstekrav", "Evalueringskrav", "Informasjon"),
        },
    ),
    (
        "unknown_answer_form",
        {
            "value": "ja",
            "valid": ("ja_nei", "tall"),
            "suggestion": None,
            "table": "requirement",
            "item_id": None,
            "position": 2,
        },
    ),
    ("unknown_answer_form", {"value": "Kanskje", "id": "R0001", "valid_labels": ("Ja/Nei", "Tall")}),
    (
        "weight_not_a_number",
        {"value": "5", "quoted_number": True, "table": "requirement", "item_id": "R0002", "position": 2},
    ),
    (
        "weight_not_a_number",
        {
            "value": Decimal("inf"),
            "infinite": True,
            "table": "requirement",
            "item_id": "R0002",
            "position": 2,
        },
    ),
    ("weight_not_a_number", {"id": "R0002", "value": "fem"}),
    ("empty_file", {}),
    ("encrypted_workbook", {"password": True}),
    ("encrypted_workbook", {"password": False}),
    ("legacy_xls", {}),
    ("not_a_zip", {"looks_like": "text"}),
    ("not_a_zip", {"looks_like": None}),
    ("corrupt_zip", {}),
    ("not_a_workbook", {"looks_like": "ods"}),
    ("workbook_too_large", {"max_mb": 50}),
    ("too_many_rows", {"max_rows": 10_000}),
    ("too_many_rows", {"max_rows": 10_000, "sheet": "Kravspesifikasjon"}),
    ("too_many_rows", {"max_rows": 10_000, "in_catalogue": True}),
    ("unreadable_workbook", {}),
    ("unreadable_workbook", {"sheet": "Kapitler"}),
    ("formula", {"cell": "E12"}),
    ("not_our_form", {"form_format": "1"}),
    ("missing_header", {"first_header": "Krav-ID"}),
    ("unknown_column", {"header": "Kommentar", "column": "T"}),
    ("duplicate_column", {"header": "Vekt"}),
    ("missing_columns", {"headers": ("Vekt",)}),
    ("missing_columns", {"headers": ("Beskrivelse", "Type"), "found": ("Krav nr.",), "in_catalogue": True}),
    ("missing_sheet", {"sheet": "Kapitler", "found": ("Ark1",), "form": "spec"}),
    ("missing_sheet", {"sheet": "Om skjemaet", "found": ("Ark1",), "form": "answers"}),
    ("unknown_id", {"section": "requirement", "id": "R0099", "in_workbook": True}),
    ("unknown_id", {"id": "R0099", "published": True}),
    ("other_base_version", {}),
    ("other_version", {}),
    ("bad_answer", {"id": "R0001", "choices": ("Ja", "Nei"), "answer": "Kanskje"}),
    ("bad_number", {"id": "R0005", "answer": "rask"}),
    ("too_long", {"id": "R0001", "field": "reference", "max_chars": 300}),
    ("wrong_codepage", {"sample": "Arkiv›", "in_workbook": False}),
    ("replacement_character", {"sample": "Arkiv\ufffd", "in_workbook": False}),
    ("mojibake", {"sample": "MÃ¸te", "in_workbook": False}),
    ("mojibake", {"sample": "MÃ¸te", "in_workbook": True}),
    ("unknown_encoding", {"encoding": "UTF-16"}),
    ("malformed_csv", {"parser_message": "field larger than field limit (131072)"}),
    ("number_stored_as_number", {"number": "2.1"}),
    ("empty_catalogue", {}),
    ("malformed_number", {"number": "2.6"}),
    ("missing_group", {"number": "2.6.1"}),
    ("missing_description", {"number": "2.6.1"}),
    ("unknown_type", {"number": "2.6.1", "value": "X", "valid": ("O", "B", "V")}),
    ("unknown_selection", {"key": "9.9.9"}),
    ("unmapped_group", {"group": "Arkivstruktur", "number": "2.6.1"}),
    ("hash_mismatch", {"output": "excel"}),
    ("hash_mismatch", {"output": "pdf"}),
    ("text_too_long", {"ids": ("K01", "R0002"), "max_chars": 32_767}),
]


def test_every_sample_covers_a_code_and_every_code_has_a_sample() -> None:
    assert {code for code, _ in SAMPLES} == set(spec_messages.SPEC)


@pytest.mark.parametrize(("code", "values"), SAMPLES, ids=[f"{c}-{i}" for i, (c, _) in enumerate(SAMPLES)])
def test_every_wording_renders_as_norwegian_with_realistic_values(code: str, values: dict[str, Any]) -> None:
    worded = spec_messages.message(Problem(code, values))
    assert worded and worded[-1] in ".?" and findings(worded) == [], worded
    assert code not in worded and "{" not in worded and "None" not in worded


#: realistic values for every code of the price schedule, one entry per way a reader words it
PRICE_SAMPLES: list[tuple[str, dict[str, Any]]] = [
    ("period_malformed", {"period": "fire år"}),
    ("amount_missing", {"item": "Drift", "municipality": "4001"}),
    ("amount_missing", {"bid": "Leverandør AS", "line": "2", "item": "Drift", "municipality": None}),
    ("amount_negative", {"item": "Lisens", "municipality": None}),
    ("amount_negative", {"bid": "Leverandør AS", "line": "1", "item": "Lisens", "municipality": None}),
    ("no_items", {}),
    (
        "not_a_number",
        {"bid": "Leverandør AS", "line": "1", "item": "Lisens", "what": "amount", "value": "12"},
    ),
    ("not_a_number", {"line": "1", "item": "Time", "what": "quantity", "value": Decimal("NaN")}),
    ("not_a_number", {"line": "1", "item": "Time", "what": "weight", "value": Decimal("Infinity")}),
    ("not_a_number", {"what": "rate", "value": Decimal("NaN")}),
    ("unknown_method", {"method": "kurv"}),
    ("unknown_gap_rule", {"gaps": "lowest"}),
    ("rate_without_life_cycle", {"rate": Decimal(4)}),
    ("rate_negative", {"rate": Decimal("-1.5")}),
    ("rate_too_high", {"rate": Decimal("100.01")}),
    ("duplicate_municipality", {"municipality": "4001"}),
    ("duplicate_line", {"line": "1", "item": "Kurs"}),
    ("quantity_negative", {"line": "1", "item": "Time", "quantity": Decimal(-2)}),
    ("weight_negative", {"line": "1", "item": "Time", "weight": Decimal("-0.5")}),
    ("weights_zero", {}),
    ("yearly_without_life_cycle", {"line": "1", "item": "Drift"}),
    ("no_municipalities", {"line": "1", "item": "Drift"}),
    ("unknown_line", {"bid": "Leverandør AS", "line": "9"}),
    ("municipality_missing", {"bid": "Leverandør AS", "line": "2", "item": "Drift", "municipality": None}),
    ("municipality_unknown", {"bid": "Leverandør AS", "line": "2", "item": "Drift", "municipality": "5001"}),
    ("line_unpriced", {"line": "2", "item": "Melk", "municipality": None}),
    ("line_unpriced", {"line": "2", "item": "Drift", "municipality": "4003"}),
]


def test_every_price_schedule_code_has_a_sample() -> None:
    assert {code for code, _ in PRICE_SAMPLES} == set(spec_messages.PRICE_SCHEDULE)


@pytest.mark.parametrize(
    ("code", "values"), PRICE_SAMPLES, ids=[f"{c}-{i}" for i, (c, _) in enumerate(PRICE_SAMPLES)]
)
def test_every_price_schedule_wording_renders_as_norwegian(code: str, values: dict[str, Any]) -> None:
    worded = spec_messages.price_problem(PriceProblem(code, values))
    assert worded and worded[-1] == "." and findings(worded) == [], worded
    assert code not in worded and "{" not in worded and "None" not in worded


def test_the_evaluated_price_from_a_schedule_words_its_problems_naming_bid_line_and_municipality() -> None:
    schedule = PriceSchedule(
        "average",
        (
            ScheduleLine("1", "Brød"),
            ScheduleLine("2", "Melk", per_municipality=True),
            ScheduleLine("3", "Ost"),
        ),
        municipalities=("4001", "4003"),
    )
    bids = {
        "Alfa AS": {("1", None): Decimal(10), ("2", "4001"): Decimal(-3), ("2", "4003"): Decimal(4)},
        "Beta AS": {("1", None): Decimal(11), ("2", "4001"): Decimal(5)},
    }
    with pytest.raises(PriceScheduleError) as caught:
        evaluated_prices(schedule, bids)
    assert spec_messages.price_problems(caught.value) == [
        "Beløpet for «Melk (4001)» i tilbud «Alfa AS» kan ikke være negativt.",
        "Ingen tilbydere har priset linjen «Ost».",
        "Tilbud «Beta AS» har ikke priset «Melk (4003)», og prisskjemaet godtar ikke tomme linjer.",
    ]
    with pytest.raises(PriceScheduleError) as rate:
        evaluated_prices(
            PriceSchedule(
                "life_cycle",
                (ScheduleLine("1", "Drift", yearly=True, quantity=Decimal(-1)),),
                period="4+1",
                discount_rate=Decimal("120.5"),
            ),
            {},
        )
    assert spec_messages.price_problems(rate.value) == [
        "Diskonteringsrenten (120,5 %) kan ikke være over 100 %.",
        "Mengden for «Drift» kan ikke være negativ (-1).",
    ]


def test_a_problem_reads_with_its_sheet_line_and_row_first_as_it_always_has() -> None:
    problem = Problem("formula", {"cell": "E12"}, sheet="Kravspesifikasjon", row=12)
    assert spec_messages.describe(problem) == (
        "ark «Kravspesifikasjon», rad 12: Celle E12 inneholder en formel. Formler godtas ikke; "
        "skriv inn verdien."
    )
    assert spec_messages.describe(Problem("missing_title", {})) == "Kravspesifikasjonen mangler tittel."
    assert str(problem) == "sheet 'Kravspesifikasjon', row 12: formula {'cell': 'E12'}"  # logs, not people


def test_spot_checks_of_the_norwegian_texts() -> None:
    word = spec_messages.message
    assert word(
        Problem("weight_too_precise", {"id": "R0002", "weight": Decimal("2.12345"), "max_decimals": 4})
    ) == ("Vekten til krav «R0002» har flere enn 4 desimaler (2,12345).")
    assert word(Problem("missing_id", {"section": "requirement", "in_workbook": True})) == (
        "Raden mangler krav-ID. Nye krav legges inn i løsningen, ikke i regnearket."
    )
    assert word(Problem("too_many_rows", {"max_rows": 10_000, "sheet": "Krav"})) == (
        "Arket «Krav» har mer enn 10\u00a0000 rader med innhold; så store ark leses ikke inn."
    )
    assert word(Problem("unknown_type", {"number": "2.6.1", "value": "X", "valid": ("O", "B", "V")})) == (
        "Krav nr. 2.6.1 har ukjent Type «X»; gyldige er O, B og V."
    )


def test_a_toml_file_full_of_mistakes_is_worded_line_by_line_in_norwegian() -> None:
    source = "\n".join(
        [
            "format = 1",
            'title = "T"',
            "",
            "[[requirement]]",
            'id = "R0001"',
            'number = "1.1"',
            'chapter = "K9"',
            'kind = "minstekrv"',
            'text = "Noe"',
            'answer_form = "ja_nei"',
            "wieght = 5",
        ]
    )
    with pytest.raises(SpecFileError) as error:
        load_spec_toml(source)
    assert spec_messages.describe_all(error.value.problems) == [
        "linje 7: Krav «R0001» viser til kapittelet «K9», som ikke finnes.",
        "linje 8: Ukjent kravtype «minstekrv» i [[requirement]] «R0001»; gyldige verdier er minstekrav, "
        "evalueringskrav, informasjon. Mente du «minstekrav»?",
        "linje 11: Ukjent felt «wieght» i [[requirement]] «R0001». Mente du «weight»?",
    ]
    with pytest.raises(SpecFileError) as syntax:
        load_spec_toml('title = "T\n')
    assert spec_messages.describe(syntax.value.problems[0]) == (
        'linje 1: Syntaksfeil i TOML, kolonne 11: ulovlig tegn; husk anførselstegn rundt tekst, og """ rundt '
        "tekst over flere linjer (Illegal character '\\n')."
    )


def test_a_refused_move_is_worded_from_its_code() -> None:
    with pytest.raises(SpecError) as error:
        move_requirement(example_spec(), "R0001", position=2)
    assert error.value.code == "position_out_of_range"
    assert spec_messages.spec_error(error.value) == "Plass 3 finnes ikke i kapittelet (det har 2 plasser)."
    with pytest.raises(SpecError) as unknown:
        move_requirement(example_spec(), "R0042")
    assert spec_messages.spec_error(unknown.value) == "Kravet «R0042» finnes ikke."


def test_the_price_schedule_and_the_organisation_number_are_worded_from_their_codes() -> None:
    items = [
        ScheduleItem("1", "Lisens", yearly=False),
        ScheduleItem("2", "Drift", yearly=True, per_municipality=True),
    ]
    with pytest.raises(PriceScheduleError) as caught:
        evaluated_total(items, {("1", None): Decimal(-1)}, "4+1", ["4001"])
    assert spec_messages.price_problems(caught.value) == [
        "Beløpet for «Lisens» kan ikke være negativt.",
        "Mangler beløp for «Drift (4001)».",
    ]
    with pytest.raises(PriceScheduleError) as period:
        evaluated_total(items, {}, "fire år")
    assert spec_messages.price_problems(period.value) == [
        "Kontraktsperioden «fire år» må skrives som år, f.eks. 4 eller 4+1+1."
    ]
    assert spec_messages.price_problem(PriceProblem("no_items")) == "Prisskjemaet har ingen poster."
    for typed, worded in [
        (
            "974760674",
            "Organisasjonsnummeret har feil kontrollsiffer (MOD11). Sjekk at det er skrevet av riktig.",
        ),
        ("1234", "Organisasjonsnummeret må bestå av nøyaktig ni sifre."),
    ]:
        with pytest.raises(orgnr.InvalidOrganisationNumber) as refused:
            orgnr.normalise(typed)
        assert spec_messages.organisation_number(refused.value) == worded


def test_a_comparison_of_two_versions_is_summed_up_in_norwegian() -> None:
    from tender.core.spec.diff import diff_specs

    spec = example_spec()
    assert spec_messages.diff_summary(diff_specs(spec, spec)) == "Ingen endringer"
    moved = move_requirement(spec, "R0001", chapter="K03", position=0)
    assert spec_messages.diff_summary(diff_specs(spec, moved)) == "1 flyttet krav"


# --------------------------------------------------------------------------- no Norwegian prose in the core

#: Norwegian letters or guillemets (the quotes every message used), or words only a sentence has
_NORWEGIAN = re.compile(
    r"[æøåÆØÅ«»]|\b(ikke|mangler|finnes|skal|må|kan|er|og|eller|filen|regnearket|arket|rad|linje|kolonne|feil)\b",
    re.IGNORECASE,
)

#: Norwegian that is data or file format, not a message: (module, the literal's text)
EXEMPT: dict[str, str] = {
    # the sheet names and column headers of the Excel answer form the core writes and reads back: the file
    # format (a reader maps a column by its header text), not a sentence anyone is told
    "form_layout.py": "column headers and sheet names of the answer form",
    # the example specifications: requirement texts are Norwegian by nature (they are the content)
    "samples.py": "the content of example specifications",
}
#: single literals elsewhere that are data, each with why
EXEMPT_LITERALS: dict[tuple[str, str], str] = {
    # Arkivverket's column headers, the spellings the catalogue reader recognises in a header row
    ("catalogue.py", "Krav nr."): "a column header of Arkivverket's table",
    ("catalogue.py", "krav nr"): "a spelling of that header, as the reader matches it",
    ("catalogue.py", "krav nummer"): "a spelling of that header, as the reader matches it",
    # the source reference written into a requirement ("Noark 5 v5.0 krav 2.6.1, B"): its content
    ("catalogue.py", " krav "): "part of a requirement's source reference, its content",
}


def _prose(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            if _NORWEGIAN.search(node.value) and (path.name, node.value) not in EXEMPT_LITERALS:
                found.append(f"{path.name}:{node.lineno}: {node.value!r}")
    return found


def test_no_norwegian_prose_is_left_in_the_spec_core_the_price_schedule_or_the_organisation_number() -> None:
    found = [line for path in PROSE_FREE if path.name not in EXEMPT for line in _prose(path)]
    assert found == [], "\n".join(found)
    # the labels of kinds and answer forms (and "Ja"/"Nei") are the workbook's drop-down values: data, not
    # messages; they hold no sentence word, so the scan above passes them without an exemption
    assert _prose(CORE / "spec" / "form_layout.py"), "the exemption of the form's headers is still needed"


def test_the_scan_would_find_a_norwegian_message_in_the_core(tmp_path: Path) -> None:
    planted = tmp_path / "planted.py"
    planted.write_text(
        '"""A docstring may say «hva» it likes."""\nMESSAGE = "Kravet finnes ikke."\n', encoding="utf-8"
    )
    assert _prose(planted) == ["planted.py:2: 'Kravet finnes ikke.'"]


def test_a_stored_kind_or_answer_form_is_worded_by_its_norwegian_label() -> None:
    assert spec_messages.message(Problem("criterion_not_allowed", {"id": "R1", "kind": "minstekrav"})) == (
        "Krav «R1» er «Minstekrav»; bare evalueringskrav har tildelingskriterium."
    )
    assert spec_messages.message(
        Problem("unit_not_allowed", {"id": "R1", "answer_form": "ja_nei_delvis"})
    ) == ("Krav «R1» har enhet, men enhet brukes bare med svarform «Tall» (her «Ja/Nei/Delvis»).")
