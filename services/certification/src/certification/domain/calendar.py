"""Working days (CERT-5): weekends and a configurable list of public holidays are not counted."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta


class WorkingCalendar:
    """Counts working days; Saturday, Sunday and the given holidays are days off."""

    def __init__(self, holidays: Iterable[date] = ()) -> None:
        self._holidays = frozenset(holidays)

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5 and day not in self._holidays

    def add_working_days(self, moment: datetime, days: int) -> datetime:
        """The same time of day `days` working days after `moment` (CERT-5: 2 working days)."""
        current = moment
        remaining = days
        while remaining > 0:
            current += timedelta(days=1)
            if self.is_working_day(current.date()):
                remaining -= 1
        return current


def one_year_after(moment: datetime) -> datetime:
    """The same instant a calendar year later; 29 February becomes 28 February (CERT-8)."""
    try:
        return moment.replace(year=moment.year + 1)
    except ValueError:
        return moment.replace(year=moment.year + 1, day=28)
