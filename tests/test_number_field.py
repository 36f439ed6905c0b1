"""The Norwegian-number field: what people type ("4 160 000,50", "1,5", a point, non-breaking spaces) becomes
a Decimal; garbage gets a Norwegian message; a stored value is shown back the Norwegian way."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict
from wtforms import Form

from tender.formatting import format_number, parse_number
from tender.web.forms import NorwegianDecimalField


class _Amounts(Form):
    amount = NorwegianDecimalField("Beløp", minimum=Decimal(0))
    weight = NorwegianDecimalField(
        "Vekt", required="Oppgi vekten.", invalid="Vekten må være et tall, ikke «{raw}»."
    )
    line_label = "Lisens"
    price = NorwegianDecimalField(
        "Pris", invalid="«{form.line_label}»: beløpet må være et tall, ikke «{raw}»."
    )


def _posted(**values: str) -> _Amounts:
    form = _Amounts(formdata=MultiDict({"weight": "1", **values}))
    form.validate()
    return form


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        ("4 160 000,50", Decimal("4160000.50")),
        ("4160000.50", Decimal("4160000.50")),
        ("1,5", Decimal("1.5")),
        ("4\u00a0160\u00a0000,50", Decimal("4160000.50")),
        ("4\u202f160\u202f000", Decimal("4160000")),
        ("  12  ", Decimal(12)),
        (",5", Decimal("0.5")),
    ],
)
def test_numbers_typed_the_norwegian_way_or_with_a_point_are_read(typed: str, number: Decimal) -> None:
    form = _posted(amount=typed)
    assert form.errors == {}
    assert form.amount.data == number


@pytest.mark.parametrize(
    "typed", ["mye", "1e5", "NaN", "Infinity", "1,2,3", "1.000,50", "12 kr", "--1", "1/2"]
)
def test_garbage_is_refused_with_a_norwegian_message_naming_what_was_typed(typed: str) -> None:
    form = _posted(weight=typed)
    assert form.weight.errors == [f"Vekten må være et tall, ikke «{typed}»."]
    assert form.weight.data is None


def test_the_message_may_name_the_line_of_the_form_it_is_on() -> None:
    form = _posted(price="gratis")
    assert form.price.errors == ["«Lisens»: beløpet må være et tall, ikke «gratis»."]


def test_an_empty_or_blank_field_is_none_and_a_required_one_says_so_in_norwegian() -> None:
    form = _posted(amount="", weight="   ")
    assert form.amount.data is None and form.amount.errors == []
    assert form.weight.errors == ["Oppgi vekten."]


def test_a_value_below_the_minimum_or_out_of_bounds_is_refused() -> None:
    assert _posted(amount="-1").amount.errors == ["Beløp kan ikke være mindre enn 0."]
    assert _posted(amount="1" + "0" * 12).amount.errors == ["Beløp må være et endelig tall."]


def test_a_stored_value_is_shown_for_editing_with_a_decimal_comma_and_what_was_typed_is_shown_back() -> None:
    stored = _Amounts(formdata=None, data={"amount": Decimal("1250.50")})
    assert 'value="1250,5"' in str(stored.amount())
    typed = _posted(amount="12 kroner")
    assert 'value="12 kroner"' in str(typed.amount())


@given(st.decimals(min_value=Decimal(-10) ** 11, max_value=Decimal(10) ** 11, places=2))
def test_every_number_as_our_pages_print_it_reads_back_as_the_same_number(value: Decimal) -> None:
    # format_number groups with non-breaking spaces and writes a typographic minus: both are read back
    assert parse_number(format_number(value, 2)) == value
    assert parse_number(f"{value:f}") == value
    assert parse_number(f"{value:f}".replace(".", ",")) == value


@given(
    st.text(alphabet=st.characters(blacklist_categories=("Nd", "Zs")), min_size=1).filter(
        lambda t: t.strip(" ,.+-\u2212") != ""
    )
)
def test_text_with_no_digit_in_it_is_never_a_number(text: Any) -> None:
    with pytest.raises(ValueError):
        parse_number(text)


def test_an_amount_in_kroner_is_shown_for_editing_with_its_ore() -> None:
    class Price(Form):
        amount = NorwegianDecimalField("Beløp", places=2)

    assert 'value="1000000,50"' in str(Price(formdata=None, data={"amount": Decimal("1000000.5")}).amount())
    assert 'value="500,00"' in str(Price(formdata=None, data={"amount": Decimal(500)}).amount())


def test_a_text_longer_than_the_field_allows_gets_wtforms_own_message_in_bokmal(app: Any) -> None:
    class Short(Form):
        score = NorwegianDecimalField("Poeng", max_length=10)

    with app.test_request_context():
        from tender.web.forms import FORM_LOCALES

        form = Short(formdata=MultiDict({"score": "1" * 11}), meta={"locales": list(FORM_LOCALES)})
        assert not form.validate()
        assert form.score.errors == ["Feltet kan ikke være lenger enn 10 tegn."]
