"""One set of formatting functions (Babel, nb_NO, Europe/Oslo) for every number, amount, date and time."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from tender import formatting as fmt

NB = "\u00a0"
UTC = UTC


def test_money_reads_as_norwegian_kroner_with_non_breaking_spaces() -> None:
    assert fmt.format_money(Decimal("4160000.00")) == f"4{NB}160{NB}000,00{NB}kr"
    assert fmt.format_money(4160000) == f"4{NB}160{NB}000,00{NB}kr"
    assert fmt.format_money(Decimal("99999.5")) == f"99{NB}999,50{NB}kr"
    assert fmt.format_money(Decimal("0")) == f"0,00{NB}kr"


def test_money_rounds_half_up_to_whole_ore_and_never_shows_minus_zero() -> None:
    assert fmt.format_money(Decimal("2.665")) == f"2,67{NB}kr"
    assert fmt.format_money(Fraction(1, 3)) == f"0,33{NB}kr"
    assert fmt.format_money(Decimal("-0.001")) == f"0,00{NB}kr"
    assert fmt.format_money(Decimal("-1500")) == f"-1{NB}500,00{NB}kr"


def test_plain_numbers_have_space_thousands_and_comma_decimals() -> None:
    assert fmt.format_number(4160000) == f"4{NB}160{NB}000"
    assert fmt.format_number(999) == "999"
    assert fmt.format_number(Decimal("1250.5"), 2) == f"1{NB}250,50"
    assert fmt.format_number(0.1 + 0.2, 2) == "0,30"
    assert fmt.format_number(Fraction(2, 3), 4) == "0,6667"


def test_decimals_show_only_the_places_they_need() -> None:
    assert fmt.format_decimal(Decimal("2.50")) == "2,5"
    assert fmt.format_decimal(30) == "30"
    assert fmt.format_decimal(Decimal("12345.678")) == f"12{NB}345,68"
    assert fmt.format_decimal(Fraction(1, 3), 3) == "0,333"
    assert fmt.format_decimal(Decimal("-0.0001")) == "0"


def test_percentages_have_a_non_breaking_space_before_the_sign() -> None:
    assert fmt.format_percent(Decimal("0.255")) == f"25,5{NB}%"
    assert fmt.format_percent(Fraction(1, 3), 2) == f"33,33{NB}%"
    assert fmt.format_percent(0.3) == f"30{NB}%"
    assert fmt.format_percent_points(Decimal("12.5")) == f"12,5{NB}%"


def test_dates_are_written_out_in_norwegian() -> None:
    assert fmt.format_date(date(2026, 12, 3)) == "3. desember 2026"
    assert fmt.format_date(date(2027, 5, 17)) == "17. mai 2027"


def test_a_utc_moment_late_in_the_evening_is_the_next_day_in_oslo() -> None:
    assert fmt.format_date(datetime(2026, 12, 31, 23, 30, tzinfo=UTC)) == "1. januar 2027"
    assert fmt.format_datetime(datetime(2026, 12, 31, 23, 30, tzinfo=UTC)) == "1. januar 2027 kl. 00.30"


def test_utc_moments_come_out_in_oslo_time_winter_and_summer() -> None:
    assert fmt.format_datetime(datetime(2026, 12, 3, 7, 44, tzinfo=UTC)) == "3. desember 2026 kl. 08.44"
    assert fmt.format_datetime(datetime(2026, 6, 3, 7, 44, tzinfo=UTC)) == "3. juni 2026 kl. 09.44"
    assert (
        fmt.format_datetime(datetime(2026, 12, 3, 7, 44, 5, 123456, tzinfo=UTC), seconds=True)
        == "3. desember 2026 kl. 08.44.05"
    )
    assert fmt.format_time(datetime(2026, 12, 3, 7, 44, tzinfo=UTC)) == "kl. 08.44"


def test_a_moment_given_in_another_zone_is_shown_in_oslo_time() -> None:
    new_york = timezone(timedelta(hours=-5))
    assert fmt.format_datetime(datetime(2026, 12, 3, 2, 44, tzinfo=new_york)) == "3. desember 2026 kl. 08.44"


def test_the_spring_forward_of_daylight_saving_time_skips_an_hour() -> None:
    # 29 March 2026: clocks go from 02.00 CET to 03.00 CEST at 01.00 UTC
    assert (
        fmt.format_datetime(datetime(2026, 3, 29, 0, 59, 59, tzinfo=UTC), seconds=True)
        == "29. mars 2026 kl. 01.59.59"
    )
    assert (
        fmt.format_datetime(datetime(2026, 3, 29, 1, 0, tzinfo=UTC), seconds=True)
        == "29. mars 2026 kl. 03.00.00"
    )


def test_the_fall_back_of_daylight_saving_time_shows_the_hour_twice() -> None:
    # 25 October 2026: clocks go from 03.00 CEST back to 02.00 CET at 01.00 UTC
    assert fmt.format_datetime(datetime(2026, 10, 25, 0, 30, tzinfo=UTC)) == "25. oktober 2026 kl. 02.30"
    assert fmt.format_datetime(datetime(2026, 10, 25, 1, 30, tzinfo=UTC)) == "25. oktober 2026 kl. 02.30"
    assert fmt.format_datetime(datetime(2026, 10, 25, 2, 30, tzinfo=UTC)) == "25. oktober 2026 kl. 03.30"


def test_a_naive_moment_is_taken_as_utc_like_every_stored_moment() -> None:
    assert fmt.format_datetime(datetime(2026, 12, 3, 7, 44)) == "3. desember 2026 kl. 08.44"
    assert fmt.format_date(datetime(2026, 12, 31, 23, 30)) == "1. januar 2027"


def test_numbers_for_inputs_keep_every_place_with_a_decimal_comma_and_no_grouping() -> None:
    assert fmt.format_for_input(Decimal("1250.50")) == "1250,5"
    assert fmt.format_for_input(Decimal("10")) == "10"
    assert fmt.format_for_input(Decimal("1E+1")) == "10"
    assert fmt.format_for_input(Decimal("0.125")) == "0,125"
    assert fmt.format_for_input(None) == ""


def test_missing_values_read_as_a_dash() -> None:
    for function in (
        fmt.format_money,
        fmt.format_number,
        fmt.format_decimal,
        fmt.format_percent,
        fmt.format_date,
        fmt.format_datetime,
        fmt.format_file_size,
    ):
        assert function(None) == "–"


def test_file_sizes_use_binary_multiples_with_at_most_one_decimal() -> None:
    assert fmt.format_file_size(0) == f"0{NB}byte"
    assert fmt.format_file_size(1023) == f"1{NB}023{NB}byte"
    assert fmt.format_file_size(1024) == f"1{NB}kB"
    assert fmt.format_file_size(1536) == f"1,5{NB}kB"
    assert fmt.format_file_size(48_250) == f"47,1{NB}kB"
    assert fmt.format_file_size(3 * 1024**2 // 2) == f"1,5{NB}MB"
    assert fmt.format_file_size(2 * 1024**3) == f"2{NB}GB"


def test_iso_moments_inside_a_record_become_oslo_time() -> None:
    text = (
        '{"expires_at": "2026-12-03T07:44:05.123456+00:00", "at": "2026-06-01T10:00:00Z", "n": "2026-12-03"}'
    )
    shown = fmt.format_moments_in(text)
    assert "3. desember 2026 kl. 08.44.05" in shown and "1. juni 2026 kl. 12.00.00" in shown
    assert '"n": "2026-12-03"' in shown and "T07:44" not in shown


@settings(max_examples=400)
@given(
    st.integers(min_value=0, max_value=2**45)
    | st.sampled_from([0, 1023, 1024, 1075, 1076, 1536, 10 * 2**20, 2**30, 20 * 2**30, 2**30 + 2**30 // 20])
)
def test_a_noark_findings_size_reads_as_the_pages_size(size: int) -> None:
    # a refused extract's Norwegian finding says "grensen er 20 GB" as the upload page does, not "20.0 GiB"
    from tender.core.noark.source.guards import human_nb

    assert human_nb(size) == fmt.format_file_size(size)
