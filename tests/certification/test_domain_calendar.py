"""CERT-5: the working-day calendar of review and opening times."""
from datetime import UTC, date, datetime

from certification.domain.calendar import WorkingCalendar, one_year_after


def test_two_working_days_from_thursday_end_on_monday():
    """CERT-5: weekends do not count."""
    thursday = datetime(2026, 3, 5, 15, 0, tzinfo=UTC)
    assert WorkingCalendar().add_working_days(thursday, 2) == datetime(2026, 3, 9, 15, 0, tzinfo=UTC)


def test_configured_public_holidays_do_not_count():
    """CERT-5: a configurable holiday list."""
    monday = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    calendar = WorkingCalendar([date(2026, 3, 3)])
    assert calendar.add_working_days(monday, 2) == datetime(2026, 3, 5, 9, 0, tzinfo=UTC)
    assert not calendar.is_working_day(date(2026, 3, 3))


def test_a_submission_on_saturday_is_due_on_tuesday():
    """CERT-5."""
    saturday = datetime(2026, 3, 7, 11, 0, tzinfo=UTC)
    assert WorkingCalendar().add_working_days(saturday, 2).date() == date(2026, 3, 10)


def test_one_year_after_a_leap_day_is_the_28th_of_february():
    """CERT-8: validity of one year."""
    assert one_year_after(datetime(2028, 2, 29, tzinfo=UTC)) == datetime(2029, 2, 28, tzinfo=UTC)


# 2025 National Day and Mid-Autumn (State Council notice): 1–8 October off; Sunday 28 September and
# Saturday 11 October are make-up working days (调休).
NATIONAL_DAY_2025 = [date(2025, 10, d) for d in range(1, 9)]
MAKEUP_2025 = [date(2025, 9, 28), date(2025, 10, 11)]
SHANGHAI = WorkingCalendar(NATIONAL_DAY_2025, MAKEUP_2025, "Asia/Shanghai")


def test_a_make_up_working_day_on_a_weekend_counts():
    """CERT-5: Sunday 28 September 2025 was worked (调休): Saturday's submission is due on Monday."""
    saturday = datetime(2025, 9, 27, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai
    assert SHANGHAI.is_working_day(date(2025, 9, 28))
    assert SHANGHAI.add_working_days(saturday, 2) == datetime(2025, 9, 29, 2, 0, tzinfo=UTC)
    without_makeup = WorkingCalendar(NATIONAL_DAY_2025)
    assert without_makeup.add_working_days(saturday, 2) == datetime(2025, 9, 30, 2, 0, tzinfo=UTC)


def test_the_holiday_week_is_skipped_and_its_saturday_make_up_day_counts():
    """CERT-5: submitted Tuesday 30 September: 1–8 October are off; Thursday 9 and Friday 10 count."""
    tuesday = datetime(2025, 9, 30, 2, 0, tzinfo=UTC)
    assert SHANGHAI.add_working_days(tuesday, 2) == datetime(2025, 10, 10, 2, 0, tzinfo=UTC)
    assert SHANGHAI.add_working_days(tuesday, 3) == datetime(2025, 10, 11, 2, 0, tzinfo=UTC)  # Saturday, worked


def test_days_are_counted_in_the_calendar_time_zone_not_utc():
    """CERT-5: Friday 23:00 UTC is already Saturday 07:00 in Shanghai: the two working days are Monday and
    Tuesday in Shanghai, so the review is due Tuesday 07:00 there (Monday 23:00 UTC), not Tuesday 23:00 UTC."""
    friday_evening_utc = datetime(2026, 3, 6, 23, 0, tzinfo=UTC)
    assert WorkingCalendar().local_date(friday_evening_utc) == date(2026, 3, 7)
    assert WorkingCalendar().add_working_days(friday_evening_utc, 2) == datetime(2026, 3, 9, 23, 0, tzinfo=UTC)
    assert WorkingCalendar(timezone="UTC").add_working_days(friday_evening_utc, 2) == datetime(
        2026, 3, 10, 23, 0, tzinfo=UTC)
