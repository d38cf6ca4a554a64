"""The working-day calendar on the real 2025 and 2026 schedules."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from workdays.constants import OverrideKind, TimeLimitUnit
from workdays.models import CalendarOverride
from workdays.services import (
    add_time_limit,
    add_working_days,
    is_working_day,
    subtract_working_hours,
    working_days_between,
)

VN = ZoneInfo("Asia/Ho_Chi_Minh")
pytestmark = pytest.mark.django_db


def at(y, m, d, hh=9, mm=0):
    return dt.datetime(y, m, d, hh, mm, tzinfo=VN)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (dt.date(2026, 2, 13), True),  # Friday before Tết
        *[(dt.date(2026, 2, d), False) for d in range(14, 23)],  # Tết 2026: 14-22 Feb off
        (dt.date(2026, 2, 23), True),
        (dt.date(2025, 4, 26), True),  # make-up working Saturday for 2 May 2025
        (dt.date(2025, 5, 2), False),  # swapped day off
        (dt.date(2026, 8, 22), True),  # make-up Saturday for 31 August 2026
        (dt.date(2026, 8, 31), False),
        (dt.date(2026, 9, 1), False),
        (dt.date(2026, 9, 2), False),
        (dt.date(2026, 11, 24), False),  # Vietnamese Culture Day, from 2026
        (dt.date(2025, 11, 24), True),  # not yet a holiday in 2025
        (dt.date(2026, 11, 28), False),  # an ordinary Saturday
    ],
)
def test_working_days_of_2025_and_2026(day, working):
    assert is_working_day(day) is working


def test_seven_working_days_across_tet_2026():
    # Received Thursday 12 Feb 2026 10:00: Fri 13 (1), Tết 14-22 Feb, 23-27 Feb (2-6), 2 Mar (7).
    assert add_working_days(at(2026, 2, 12, 10), 7) == at(2026, 3, 2, 10)


def test_received_on_saturday_counts_from_monday_opening():
    assert add_working_days(at(2026, 11, 28, 10), 1) == at(2026, 12, 1, 8)


def test_received_after_closing_counts_from_next_opening():
    assert add_working_days(at(2026, 11, 25, 18, 30), 2) == at(2026, 11, 30, 8)


def test_make_up_saturday_counts_as_working_day():
    # Friday 21 Aug 2026 + 1 working day = Saturday 22 Aug (make-up day).
    assert add_working_days(at(2026, 8, 21, 9), 1) == at(2026, 8, 22, 9)
    # ...and the swapped Monday 31 Aug plus 1-2 Sep are skipped.
    assert add_working_days(at(2026, 8, 28, 9), 1) == at(2026, 9, 3, 9)


def test_override_table_adds_a_day_off_and_a_working_day():
    CalendarOverride.objects.create(
        date=dt.date(2026, 12, 7), kind=OverrideKind.DAY_OFF, reason="test decision"
    )
    CalendarOverride.objects.create(
        date=dt.date(2026, 12, 12), kind=OverrideKind.WORKING_DAY, reason="make-up"
    )
    assert not is_working_day(dt.date(2026, 12, 7))
    assert is_working_day(dt.date(2026, 12, 12))
    # Friday 4 Dec + 2 WD: Mon 7 is off -> Tue 8.
    assert add_working_days(at(2026, 12, 4, 9), 2) == at(2026, 12, 9, 9)


def test_calendar_days_excluding_holidays_skip_tet_but_count_weekends():
    # 20 days from 10 Feb 2026 skipping the 5 Tết holidays (16-20 Feb) -> 7 Mar (Saturday),
    # which moves to Monday 9 Mar because the office is closed.
    due = add_time_limit(at(2026, 2, 10, 9), 20, TimeLimitUnit.CALENDAR_DAYS_EXCLUDING_HOLIDAYS)
    assert due == at(2026, 3, 9, 9)


def test_working_days_between_counts_office_hours_only():
    assert working_days_between(at(2026, 2, 12, 8), at(2026, 2, 23, 17)) == pytest.approx(3)
    assert working_days_between(at(2026, 11, 23, 12, 30), at(2026, 11, 23, 17)) == pytest.approx(
        0.5
    )
    assert working_days_between(at(2026, 11, 25, 9), at(2026, 11, 23, 9)) == pytest.approx(-1)


def test_subtract_working_hours_skips_the_weekend():
    # 8 working hours before Monday 30 Nov 2026 10:00 -> Friday 27 Nov 11:00.
    assert subtract_working_hours(at(2026, 11, 30, 10), 8) == at(2026, 11, 27, 11)


def test_naive_moments_are_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        add_working_days(dt.datetime(2026, 1, 5, 9), 1)  # noqa: DTZ001


# New Year 2026 (official letter 12729/VPCP-KGVX): Friday 2 January off, Saturday 10 January
# worked. holidays.VN 0.109 has the reverse (2 January a working Friday, 10 January a
# Saturday off); the overrides shipped in workdays/decisions.py win.


def test_new_year_2026_swap_is_in_the_calendar():
    assert is_working_day(dt.date(2026, 1, 1)) is False  # New Year's Day
    assert is_working_day(dt.date(2026, 1, 2)) is False
    assert is_working_day(dt.date(2026, 1, 10)) is True
    assert is_working_day(dt.date(2026, 1, 3)) is False  # an ordinary Saturday


def test_two_working_days_from_new_years_eve_2025():
    # Received Wed 31 Dec 2025 10:00: 1 Jan holiday, 2 Jan swapped day off, weekend,
    # Mon 5 Jan (1), Tue 6 Jan (2).
    assert add_working_days(at(2025, 12, 31, 10), 2) == at(2026, 1, 6, 10)


def test_a_limit_spanning_the_make_up_saturday():
    # Received Thu 8 Jan 2026 10:00: Fri 9 (1), Sat 10 make-up day (2).
    assert add_working_days(at(2026, 1, 8, 10), 2) == at(2026, 1, 10, 10)
    # Seven working days from New Year's Eve: 5, 6, 7, 8, 9, 10, 12 January.
    assert add_working_days(at(2025, 12, 31, 10), 7) == at(2026, 1, 12, 10)
    # Office hours of the whole swap week: Mon 5 to Sat 10 January are six working days.
    assert working_days_between(at(2026, 1, 5, 8), at(2026, 1, 10, 17)) == pytest.approx(6)


def test_overrides_win_over_holidays_vn_swaps_and_holidays():
    # holidays.VN makes Saturday 22 Aug 2026 a working day and 2 Sep a holiday.
    CalendarOverride.objects.create(
        date=dt.date(2026, 8, 22), kind=OverrideKind.DAY_OFF, reason="make-up day cancelled"
    )
    CalendarOverride.objects.create(
        date=dt.date(2026, 9, 2), kind=OverrideKind.WORKING_DAY, reason="test decision"
    )

    assert is_working_day(dt.date(2026, 8, 22)) is False
    assert is_working_day(dt.date(2026, 9, 2)) is True
    # "Days excluding holidays" count a holiday turned into a working day: from Sunday
    # 30 Aug, 31 Aug and 1 Sep are still holidays, 2 Sep (1) now counts, 3 Sep (2).
    due = add_time_limit(at(2026, 8, 30, 9), 2, TimeLimitUnit.CALENDAR_DAYS_EXCLUDING_HOLIDAYS)
    assert due == at(2026, 9, 3, 9)
