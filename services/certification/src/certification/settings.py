"""Settings of the certification service."""
from __future__ import annotations

from datetime import date, timedelta

from pydantic import SecretStr

from trust_common.settings import CommonSettings


class Settings(CommonSettings):
    service_name: str = "certification"
    database_url: SecretStr = SecretStr("postgresql+asyncpg://trust:trust@127.0.0.1:54329/certification")
    http_port: int = 8101

    # CERT-3: where uploads live (a mounted volume in production) and how large one may be.
    document_dir: str = ".local/documents"
    document_max_bytes: int = 10 * 1024 * 1024
    # CERT-5: public holidays on top of weekends, for the working-day calendar.
    holidays: list[date] = []
    review_lease_seconds: int = 30 * 60
    # The fake payments provider declines accounts whose id starts with this (development and tests).
    payments_decline_prefix: str = "declined-"

    @property
    def review_lease(self) -> timedelta:
        """CERT-5: how long a claim holds a review for one auditor."""
        return timedelta(seconds=self.review_lease_seconds)
