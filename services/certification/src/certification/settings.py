"""Settings of the certification service."""
from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import SecretStr, field_validator

from certification.domain.calendar import DEFAULT_TIMEZONE
from trust_common.settings import CommonSettings


class Settings(CommonSettings):
    service_name: str = "certification"
    database_url: SecretStr = SecretStr("postgresql+asyncpg://trust:trust@127.0.0.1:54329/certification")
    http_port: int = 8101

    # CERT-3: where uploads live (a mounted volume in production) and how large one may be.
    document_dir: str = ".local/documents"
    document_max_bytes: int = 10 * 1024 * 1024
    # CERT-5: the working-day calendar: public holidays on top of weekends, make-up working days on
    # weekends (调休), and the time zone its days are counted in.
    holidays: list[date] = []
    makeup_working_days: list[date] = []
    calendar_timezone: str = DEFAULT_TIMEZONE
    review_lease_seconds: int = 30 * 60
    # The fake payments provider declines accounts whose id starts with this (development and tests).
    payments_decline_prefix: str = "declined-"

    @field_validator("calendar_timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:  # an unknown zone fails at start-up, not on the first submission
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(f"unknown time zone {value!r}") from error
        return value

    @property
    def review_lease(self) -> timedelta:
        """CERT-5: how long a claim holds a review for one auditor."""
        return timedelta(seconds=self.review_lease_seconds)
