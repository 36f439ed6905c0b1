from __future__ import annotations

import pytest

from tender.core import orgnr


@pytest.mark.parametrize("number", ["974760673", "974 760 673", "921345674", "927384655"])
def test_real_organisation_numbers_pass_the_mod11_check(number: str) -> None:
    assert orgnr.normalise(number) == number.replace(" ", "")


@pytest.mark.parametrize(
    "number,reason",
    [
        ("974760674", "check_digit"),
        ("97476067", "not_nine_digits"),
        ("9747606731", "not_nine_digits"),
        ("97476067A", "not_nine_digits"),
        ("", "not_nine_digits"),
        ("٩٧٤٧٦٠٦٧٣", "not_nine_digits"),  # Arabic-Indic digits are digits to Python, not to Brønnøysund
    ],
)
def test_malformed_numbers_are_refused_with_the_reason(number: str, reason: str) -> None:
    with pytest.raises(orgnr.InvalidOrganisationNumber) as refused:
        orgnr.normalise(number)
    assert refused.value.code == reason


def test_a_prefix_whose_check_digit_would_be_ten_has_no_valid_number() -> None:
    # 3·9 + 2·7 + 7·4 + 6·7 + 5·6 + 4·0 + 3·6 + 2·0 = 159, 159 mod 11 = 5, 11 − 5 = 6: valid.
    assert orgnr.check_digit("97476067") == 3
    prefixes = [f"{n:08d}" for n in range(10_000_000, 10_000_200)]
    assert any(orgnr.check_digit(p) is None for p in prefixes)
