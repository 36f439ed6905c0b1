"""Norwegian organisation numbers (organisasjonsnummer): nine digits, the last a MOD11 check digit."""

from __future__ import annotations

_WEIGHTS = (3, 2, 7, 6, 5, 4, 3, 2)


class InvalidOrganisationNumber(ValueError):
    """Not an organisation number: ``code`` says why ("not_nine_digits" or "check_digit"); the web layer
    words it in Norwegian (``tender.web.spec_messages``)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code
        self.values: dict[str, str] = {}


def normalise(raw: str) -> str:
    """Drop the spaces people write ("974 760 673") and check the number; return the nine digits."""
    digits = "".join(raw.split())
    if not digits.isdigit() or len(digits) != 9 or not digits.isascii():
        raise InvalidOrganisationNumber("not_nine_digits")
    if check_digit(digits[:8]) != int(digits[8]):
        raise InvalidOrganisationNumber("check_digit")
    return digits


def check_digit(first_eight: str) -> int | None:
    """The MOD11 check digit for the first eight digits, or None when no valid number can start so."""
    remainder = sum(int(d) * w for d, w in zip(first_eight, _WEIGHTS, strict=True)) % 11
    digit = (11 - remainder) % 11
    return None if digit == 10 else digit


def is_valid(raw: str) -> bool:
    try:
        normalise(raw)
    except InvalidOrganisationNumber:
        return False
    return True
