"""Norwegian organisation numbers (organisasjonsnummer): nine digits, the last a MOD11 check digit."""

from __future__ import annotations

_WEIGHTS = (3, 2, 7, 6, 5, 4, 3, 2)


class InvalidOrganisationNumber(ValueError):
    def __init__(self, message_no: str) -> None:
        super().__init__(message_no)
        self.message_no = message_no


def normalise(raw: str) -> str:
    """Drop the spaces people write ("974 760 673") and check the number; return the nine digits."""
    digits = "".join(raw.split())
    if not digits.isdigit() or len(digits) != 9 or not digits.isascii():
        raise InvalidOrganisationNumber("Organisasjonsnummeret må bestå av nøyaktig ni sifre.")
    if check_digit(digits[:8]) != int(digits[8]):
        raise InvalidOrganisationNumber(
            "Organisasjonsnummeret har feil kontrollsiffer (MOD11). Sjekk at det er skrevet av riktig."
        )
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
