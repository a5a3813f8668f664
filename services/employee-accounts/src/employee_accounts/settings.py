"""Settings of the employee-accounts service."""
from __future__ import annotations

from pydantic import SecretStr

from trust_common.settings import CommonSettings


class Settings(CommonSettings):
    service_name: str = "employee-accounts"
    database_url: SecretStr = SecretStr("postgresql+asyncpg://trust:trust@127.0.0.1:54329/employee_accounts")
    http_port: int = 8102
