"""Every number, amount, date and time a person reads, formatted one way (Babel, nb_NO, Europe/Oslo).

Pages (as Jinja filters, see tender.templating), PDFs and the text in workbooks all call these functions, so
one price reads "4 160 000,00 kr" everywhere and one moment reads "3. desember 2026 kl. 08.44" in Oslo time.
Groups of digits are separated by non-breaking spaces (U+00A0) so a number never breaks over two lines.
Missing values (None) read as an en dash. Every formatter takes ``locale`` (nb_NO by default): the vendors'
pages in English (``tender.i18n``) pass en_GB, "4,160,000.00" and "3 December 2026 at 08:44", in Oslo time.
Workbook cells that hold numbers keep their number formats instead.
What people type back into a number field is read by :func:`parse_number` (through
``tender.web.forms.NorwegianDecimalField``).
"""

from __future__ import annotations

import functools
import re
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date as _babel_date
from babel.dates import format_datetime as _babel_datetime
from babel.numbers import NumberPattern, parse_pattern
from babel.numbers import format_currency as _babel_currency

LOCALE = "nb_NO"
#: parsed once: Babel parses a locale given by name on every call, which cost more than the formatting itself
#: on a page with a few thousand numbers (issue 17)
_LOCALE = Locale.parse(LOCALE)
OSLO = ZoneInfo("Europe/Oslo")
MISSING = "–"
NBSP = "\u00a0"

Number = int | float | Decimal | Fraction

# Språkrådet's forms: "3. desember 2026", "kl. 08.44" (full stop between hours and minutes)
_DATE = "d. MMMM y"
_TIME = "'kl.' HH.mm"
_TIME_SECONDS = "'kl.' HH.mm.ss"
# the vendors' pages in English (tender.i18n): "3 December 2026 at 08:44"
_ENGLISH = ("d MMMM y", "'at' HH:mm", "'at' HH:mm:ss")


def _patterns(locale: str) -> tuple[str, str, str]:
    """The date, time and time-with-seconds patterns: Språkrådet's for Norwegian, British for English."""
    return _ENGLISH if locale.startswith("en") else (_DATE, _TIME, _TIME_SECONDS)


def _as_decimal(value: Number) -> Decimal:
    """Floats go through their shortest repr, so 0.1 stays 0.1 and not 0.1000000000000000055."""
    if isinstance(value, Fraction):
        return Decimal(value.numerator) / Decimal(value.denominator)
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(value)


def _exact(value: Number, decimals: int) -> Decimal:
    """The value rounded half up (as people round money), not half to even as Babel would."""
    return _as_decimal(value).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


@lru_cache(maxsize=32)
def _pattern(decimals: int) -> NumberPattern:
    """The number pattern with exactly ``decimals`` decimals, parsed once (what Babel's format_decimal does on
    every call)."""
    return parse_pattern("#,##0" + ("." + "0" * decimals if decimals > 0 else ""))


@functools.lru_cache(maxsize=16384)
def _digits(exact: str, places: int, locale: str) -> str:
    """Babel's text for an already rounded number (given exactly, as its ``str``), remembered: a matrix page
    formats the same few hundred points and weights on every read, and Babel's formatting dominated it."""
    return _pattern(places).apply(Decimal(exact), _locale(locale), decimal_quantization=False)


@lru_cache(maxsize=8)
def _locale(name: str) -> Locale:
    return _LOCALE if name == LOCALE else Locale.parse(name)


def format_number(value: Number | None, decimals: int = 0, locale: str = LOCALE) -> str:
    """A number with exactly ``decimals`` decimals: 4 160 000 or 1 250,50 (decimals=2)."""
    if value is None:
        return MISSING
    rounded = _exact(value, decimals)
    if rounded == 0:
        rounded = abs(rounded)  # no "-0,00" for a value that rounds to nothing
    return _digits(str(rounded), decimals, locale)


def format_decimal(value: Number | None, max_decimals: int = 2, locale: str = LOCALE) -> str:
    """A number with as many decimals as it needs, at most ``max_decimals``: 2,5 and 30 and 0,25."""
    if value is None:
        return MISSING
    rounded = _exact(value, max_decimals).normalize()
    if rounded == 0:
        rounded = Decimal(0)
    places = max(0, -rounded.as_tuple().exponent)  # type: ignore[operator]
    return _digits(str(rounded), places, locale)


def format_for_input(value: Number | None, places: int | None = None) -> str:
    """A stored number as the value of a text input: decimal comma, all its places (or exactly ``places``,
    as for kroner and øre: 1250,50), no thousands separator (people edit it; the parsers take a comma or a
    point): 1250,5. Empty for None."""
    if value is None:
        return ""
    exact = _exact(value, places) if places is not None else _as_decimal(value).normalize()
    return f"{abs(exact) if exact == 0 else exact:f}".replace(".", ",")


#: what people put between groups of digits: a space, a non-breaking space (pasted from our own pages or a
#: spreadsheet), a narrow or thin one
_GROUP_SPACES = str.maketrans("", "", " \u00a0\u202f\u2009")
_TYPED_NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)")


def parse_number(text: str) -> Decimal:
    """The number a person typed, the inverse of :func:`format_for_input` and :func:`format_number`:
    "4 160 000,50", "4160000.50", "1,5", "-2" (groups separated by any kind of space, a comma or a point
    before the decimals, the typographic minus of our own pages). Anything else (letters, "1e5", "NaN",
    both a comma and a point, two of either) raises ValueError."""
    cleaned = text.strip().translate(_GROUP_SPACES).replace("\u2212", "-")
    if not _TYPED_NUMBER.fullmatch(cleaned):
        raise ValueError(text)
    return Decimal(cleaned.replace(",", "."))


def format_money(value: Number | None, currency: str = "NOK", locale: str = LOCALE) -> str:
    """An amount in kroner with øre: 4 160 000,00 kr."""
    if value is None:
        return MISSING
    rounded = _exact(value, 2)
    if rounded == 0:
        rounded = abs(rounded)
    if locale != LOCALE:
        # English pages: the code before the amount with a non-breaking space, "NOK 4,160,000.00"
        # (Babel's en_GB pattern glues them together: "NOK4,160,000.00")
        return _babel_currency(
            rounded, currency, format="¤\u00a0#,##0.00", locale=_locale(locale), decimal_quantization=False
        )
    return _babel_currency(rounded, currency, locale=_LOCALE, decimal_quantization=False)


def format_percent(value: Number | None, max_decimals: int = 1, locale: str = LOCALE) -> str:
    """A share (0.255) as a percentage with at most ``max_decimals`` decimals: 25,5 %."""
    if value is None:
        return MISSING
    return f"{format_decimal(_as_decimal(value) * 100, max_decimals, locale)}{NBSP}%"


def format_percent_points(value: Number | None, max_decimals: int = 1, locale: str = LOCALE) -> str:
    """A value that already is a percentage (a weight of 30 meaning 30 %): 30 %."""
    if value is None:
        return MISSING
    return f"{format_decimal(value, max_decimals, locale)}{NBSP}%"


def oslo(value: datetime) -> datetime:
    """The moment in Oslo time. A naive moment is taken as UTC, the app's convention for every stored moment
    (tender.db_types reads naive database values the same way); never as the server's local time."""
    if value.tzinfo is None or value.utcoffset() is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(OSLO)


def format_date(value: date | datetime | None, locale: str = LOCALE) -> str:
    """A date, or the Oslo date of a moment: 3. desember 2026."""
    if value is None:
        return MISSING
    day = oslo(value).date() if isinstance(value, datetime) else value
    return _babel_date(day, format=_patterns(locale)[0], locale=_locale(locale))


def format_day_month(value: date | datetime | None, locale: str = LOCALE) -> str:
    """A date without its year, short, as a chart's axis reads it: 3. des. (3 Dec in British English)."""
    if value is None:
        return MISSING
    day = oslo(value).date() if isinstance(value, datetime) else value
    return _babel_date(day, format="d. MMM" if locale == LOCALE else "d MMM", locale=_locale(locale))


def format_month(value: date | datetime | None, locale: str = LOCALE) -> str:
    """A month, short, as a chart's axis reads it: des. 2026."""
    if value is None:
        return MISSING
    day = oslo(value).date() if isinstance(value, datetime) else value
    return _babel_date(day, format="MMM y", locale=_locale(locale))


def format_datetime(value: datetime | None, seconds: bool = False, locale: str = LOCALE) -> str:
    """A moment in Oslo time: 3. desember 2026 kl. 08.44 (kl. 08.44.05 with seconds, for records where the
    order of events within a minute matters)."""
    if value is None:
        return MISSING
    local = oslo(value)
    day, time, time_seconds = _patterns(locale)
    return _babel_datetime(
        local, format=f"{day} {time_seconds if seconds else time}", tzinfo=OSLO, locale=_locale(locale)
    )


def format_time(value: datetime | None, seconds: bool = False, locale: str = LOCALE) -> str:
    """Only the clock time of a moment in Oslo time: kl. 08.44."""
    if value is None:
        return MISSING
    _, time, time_seconds = _patterns(locale)
    return _babel_datetime(
        oslo(value), format=time_seconds if seconds else time, tzinfo=OSLO, locale=_locale(locale)
    )


# binary multiples under the familiar names, as Windows' file manager shows them; the app's limits are set in
# them (2 GB is 2 * 1024**3 bytes), so a limit reads as the round number it is
_SIZE_UNITS = (("GB", 1024**3), ("MB", 1024**2), ("kB", 1024))


def format_file_size(size: int | None, locale: str = LOCALE) -> str:
    """A file size as people read it: 512 byte, 1,5 kB, 2 GB (at most one decimal)."""
    if size is None:
        return MISSING
    for unit, factor in _SIZE_UNITS:
        if size >= factor:
            return f"{format_decimal(Fraction(size, factor), 1, locale)}{NBSP}{unit}"
    return f"{format_number(size, 0, locale)}{NBSP}{'byte' if locale == LOCALE else 'bytes'}"


_ISO_MOMENT = re.compile(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d(?::\d\d(?:\.\d{1,6})?)?(?:Z|[+-]\d\d:?\d\d)")


def format_moments_in(text: str | None) -> str:
    """Text (such as a stored JSON record) with every ISO 8601 moment that carries its zone replaced by the
    Oslo time it means, with seconds; other text is left as it is."""
    if text is None:
        return ""

    def replace(match: re.Match[str]) -> str:
        try:
            moment = datetime.fromisoformat(match.group(0).replace("Z", "+00:00"))
        except ValueError:
            return match.group(0)
        return format_datetime(moment, seconds=True)

    return _ISO_MOMENT.sub(replace, text)


__all__ = [
    "LOCALE",
    "MISSING",
    "NBSP",
    "OSLO",
    "format_date",
    "format_datetime",
    "format_day_month",
    "format_decimal",
    "format_file_size",
    "format_for_input",
    "format_moments_in",
    "format_money",
    "format_month",
    "format_number",
    "format_percent",
    "format_percent_points",
    "format_time",
    "oslo",
    "parse_number",
]
