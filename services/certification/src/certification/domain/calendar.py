"""Working days (CERT-5): weekends and public holidays are days off, make-up working days on a weekend
(China's 调休) are worked, and days are counted in the calendar's time zone (default Asia/Shanghai), not UTC."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

DEFAULT_TIMEZONE = "Asia/Shanghai"  # CERT-5


class WorkingCalendar:
    """Counts working days in one time zone: Saturday, Sunday and the holidays are off, unless a day is a
    make-up working day."""

    def __init__(self, holidays: Iterable[date] = (), makeup_working_days: Iterable[date] = (),
                 timezone: str = DEFAULT_TIMEZONE) -> None:
        self._holidays = frozenset(holidays)
        self._makeup = frozenset(makeup_working_days)
        self.timezone = ZoneInfo(timezone)

    def is_working_day(self, day: date) -> bool:
        """CERT-5: a make-up working day is worked even on a weekend; a holiday is off even on a weekday."""
        if day in self._makeup:
            return True
        return day.weekday() < 5 and day not in self._holidays

    def local_date(self, moment: datetime) -> date:
        """The calendar day `moment` falls on in the calendar's time zone (late evening UTC is already
        tomorrow in Shanghai)."""
        return moment.astimezone(self.timezone).date()

    def add_working_days(self, moment: datetime, days: int) -> datetime:
        """The same local time of day `days` working days after `moment`, counted on the calendar's local
        dates (CERT-5: 2 working days); returned in `moment`'s own time zone."""
        local = moment.astimezone(self.timezone)
        day, remaining = local.date(), days
        while remaining > 0:
            day += timedelta(days=1)
            if self.is_working_day(day):
                remaining -= 1
        return datetime.combine(day, local.timetz()).astimezone(moment.tzinfo)


def one_year_after(moment: datetime) -> datetime:
    """The same instant a calendar year later; 29 February becomes 28 February (CERT-8)."""
    try:
        return moment.replace(year=moment.year + 1)
    except ValueError:
        return moment.replace(year=moment.year + 1, day=28)
