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
